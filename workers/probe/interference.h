/* interference.h -- what else ran on a rep's CPUs, and how far apart the platform put them */
#ifndef IPCSCOPE_INTERFERENCE_H
#define IPCSCOPE_INTERFERENCE_H

#include <stdbool.h>

#define INTERF_MAX_CPUS 64

/* Ticks of one CPU's line in /proc/stat (USER_HZ units). */
struct cpu_ticks {
	unsigned long long busy;    /* user nice system irq softirq */
	unsigned long long steal;
	unsigned long long total;   /* busy + idle + iowait + steal */
};

/* What interference_begin saw, for interference_end to subtract. */
struct interference_mark {
	int ncpus;
	int cpu[INTERF_MAX_CPUS];
	struct cpu_ticks t[INTERF_MAX_CPUS];
	double own_cpu_s;           /* this process and its reaped children */
	double t_s;                 /* CLOCK_MONOTONIC */
};

/* The other host's side of a cross-host rep, as its peer reported it:
   others' and steal shares of the CPU its worker ran on, and its worker's
   involuntary context switches. Fields not measured hold -1. */
struct interference_far {
	bool sent;                  /* false: a local run, or a peer that did not say */
	double other_cpu_pct;
	double steal_pct;
	long involuntary_ctx;
};

/* What disturbed one rep. Fields not measured hold -1. */
struct interference {
	double other_cpu_pct;       /* others' share of the run's CPUs' time */
	double steal_pct;           /* hypervisor's share of it */
	long involuntary_ctx;       /* summed over the workers */
	long migrations;            /* summed over the workers (pin=none) */
	double line_rtt_ns;         /* cache-line round trip between the CPUs */
	int line_cpu[2];            /* ... which CPUs: sender's, receiver's side */
	struct interference_far peer;  /* cross-host: the peer's side */
};

/* interference_parse_stat: the ticks of "cpuN" in /proc/stat text; 0, or
   -1 when the line is missing or malformed */
int interference_parse_stat(const char *text, int cpu, struct cpu_ticks *t);

/* interference_cpus: the CPUs a rep runs on: the two given when >= 0 (one
   when equal), else every CPU this process may use; returns how many */
int interference_cpus(int a, int b, int *cpus, int max);

/* interference_begin: samples /proc/stat for cpus and this process's own
   CPU time (with its reaped children); 0, or -1 when /proc/stat cannot be
   read */
int interference_begin(struct interference_mark *mk, const int *cpus, int ncpus);

/* interference_end: after the rep's workers are reaped: others' and steal
   shares of the marked CPUs since begin, less this process's and its
   children's own time; fills other_cpu_pct and steal_pct (-1 on error) */
void interference_end(const struct interference_mark *mk, struct interference *out);

/* interference_own_migrations: se.nr_migrations of the calling thread, or
   -1 when the kernel does not say (no CONFIG_SCHED_DEBUG) */
long interference_own_migrations(void);

/* interference_line_rtt: ns per round trip of one cache line bounced
   between threads pinned to cpus a and b for about budget_ns (the median of
   bursts of round trips); -1 when a and b are the same CPU, cannot be
   pinned, or one of the threads did not get its CPU long enough */
double interference_line_rtt(int a, int b, long budget_ns);

/* The ping-pong before each rep: long enough for a stable median, short
   beside a rep (0.25 s by default). */
#define INTERF_RTT_BUDGET_NS 1500000L

/* interference_rep_begin: before a rep whose workers run on cpus a and b
   (-1: not pinned; then the first two this process may use): times the
   line round trip between them into x->line_rtt_ns (and the pair into
   x->line_cpu), then marks the start
   (interference_begin over the rep's CPUs) */
void interference_rep_begin(struct interference_mark *mk, int a, int b,
			    struct interference *x);

/* interference_side_begin: before a cross-host rep, which runs one worker
   on this host, on cpu (-1: not pinned, then every CPU this process may
   use): marks only that CPU, so the far worker's time (on the same CPUs
   when both "hosts" share a kernel) is not taken for others' */
void interference_side_begin(struct interference_mark *mk, int cpu);

/* interference_rep_line: the line round trip between cpus a and b into
   x->line_rtt_ns and x->line_cpu (-1: not pinned; then the first two CPUs
   this process may use), as interference_rep_begin times it */
void interference_rep_line(int a, int b, struct interference *x);

/* A line round trip this many times slower or faster than the run's
   first says the platform moved (vCPUs placed elsewhere on the host). */
#define INTERF_MOVED_FACTOR 1.5

/* interference_moved: true when rtt and ref (both measured, > 0) differ by
   more than INTERF_MOVED_FACTOR either way */
bool interference_moved(double ref, double rtt);

/* interference_init: every field -1 (not measured), no peer's side */
void interference_init(struct interference *x);

/* interference_far_init: no peer's side: not sent, every field -1 */
void interference_far_init(struct interference_far *far);

#endif
