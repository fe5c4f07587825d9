/* interference.c -- what else ran on a rep's CPUs, and how far apart the platform put them */
#include "probe/interference.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

/* the per-CPU lines come first in /proc/stat; the huge "intr" line after
   them need not fit */
#define STAT_BUF        32768
#define SCHED_BUF       8192
#define PCT             100.0
#define NS_PER_S        1e9
#define RTT_BURST       16       /* round trips timed together */
#define RTT_MIN_BURSTS  32       /* ... at least this many, budget or not */
#define RTT_MAX_BURSTS  512
#define RTT_SPIN_MASK   1023u    /* ... and every 1024 spins while waiting */
#define RTT_HARD_FACTOR 20       /* give up after 20 budgets (peer not running) */
#define RTT_STOP        UINT64_MAX
#define RTT_QUANTILE    10       /* the burst at this percentile is the figure */

void interference_init(struct interference *x)
{
	x->other_cpu_pct = x->steal_pct = x->line_rtt_ns = -1;
	x->involuntary_ctx = x->migrations = -1;
	x->line_cpu[0] = x->line_cpu[1] = -1;
	interference_far_init(&x->peer);
}

void interference_far_init(struct interference_far *far)
{
	far->sent = false;
	far->other_cpu_pct = far->steal_pct = -1;
	far->involuntary_ctx = -1;
}

static double mono_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / NS_PER_S;
}

static long long mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* read_text: up to len-1 bytes of path, NUL-terminated; bytes or -1 */
static ssize_t read_text(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t got = 0;
	ssize_t n;

	if (fd < 0)
		return -1;
	while (got < len - 1 && (n = read(fd, buf + got, len - 1 - got)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	buf[got] = 0;
	return (ssize_t)got;
}

int interference_parse_stat(const char *text, int cpu, struct cpu_ticks *t)
{
	unsigned long long v[8] = {0};
	char key[24];
	const char *p = text;
	size_t klen;

	klen = (size_t)snprintf(key, sizeof(key), "cpu%d ", cpu);
	while (p && strncmp(p, key, klen) != 0) {
		p = strchr(p, '\n');
		p = p ? p + 1 : NULL;
	}
	/* user nice system idle iowait irq softirq steal (guest is in user) */
	if (!p || sscanf(p + klen, "%llu %llu %llu %llu %llu %llu %llu %llu",
			 &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7]) < 7)
		return -1;
	t->busy = v[0] + v[1] + v[2] + v[5] + v[6];
	t->steal = v[7];
	t->total = t->busy + v[3] + v[4] + v[7];
	return 0;
}

int interference_cpus(int a, int b, int *cpus, int max)
{
	cpu_set_t set;
	int n = 0;

	if (a >= 0 && max >= 1) {
		cpus[n++] = a;
		if (b >= 0 && b != a && max >= 2)
			cpus[n++] = b;
		return n;
	}
	if (sched_getaffinity(0, sizeof(set), &set) < 0)
		return 0;
	for (int i = 0; i < CPU_SETSIZE && n < max; i++)
		if (CPU_ISSET(i, &set))
			cpus[n++] = i;
	return n;
}

static double rusage_s(int who)
{
	struct rusage ru;

	if (getrusage(who, &ru) < 0)
		return 0;
	return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	       ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

/* sample: ticks of every marked CPU now; 0 or -1 */
static int sample(const struct interference_mark *mk, struct cpu_ticks *t)
{
	char *buf = malloc(STAT_BUF);
	int rc = 0;

	if (!buf || read_text("/proc/stat", buf, STAT_BUF) <= 0) {
		free(buf);
		return -1;
	}
	for (int i = 0; i < mk->ncpus && rc == 0; i++)
		rc = interference_parse_stat(buf, mk->cpu[i], &t[i]);
	free(buf);
	return rc;
}

int interference_begin(struct interference_mark *mk, const int *cpus, int ncpus)
{
	memset(mk, 0, sizeof(*mk));
	if (ncpus < 1 || ncpus > INTERF_MAX_CPUS)
		return -1;
	mk->ncpus = ncpus;
	memcpy(mk->cpu, cpus, (size_t)ncpus * sizeof(*cpus));
	mk->own_cpu_s = rusage_s(RUSAGE_SELF) + rusage_s(RUSAGE_CHILDREN);
	mk->t_s = mono_s();
	if (sample(mk, mk->t) < 0) {
		mk->ncpus = 0;
		return -1;
	}
	return 0;
}

/*
 * /proc/stat counts in ticks (sampled at each timer interrupt), rusage in
 * exact run time: over a rep of a few hundred ms the difference is a few
 * per cent, so shares are clamped at zero rather than reported negative.
 */
void interference_end(const struct interference_mark *mk, struct interference *out)
{
	struct cpu_ticks now[INTERF_MAX_CPUS];
	double hz = (double)sysconf(_SC_CLK_TCK), busy = 0, steal = 0, total;
	double own, wall;

	out->other_cpu_pct = out->steal_pct = -1;
	if (mk->ncpus < 1 || hz <= 0 || sample(mk, now) < 0)
		return;
	own = rusage_s(RUSAGE_SELF) + rusage_s(RUSAGE_CHILDREN) - mk->own_cpu_s;
	wall = mono_s() - mk->t_s;
	for (int i = 0; i < mk->ncpus; i++) {
		busy += (double)(now[i].busy - mk->t[i].busy) / hz;
		steal += (double)(now[i].steal - mk->t[i].steal) / hz;
	}
	total = wall * mk->ncpus;
	if (total <= 0)
		return;
	out->other_cpu_pct = busy > own ? (busy - own) / total * PCT : 0;
	out->steal_pct = steal / total * PCT;
	if (out->other_cpu_pct > PCT)
		out->other_cpu_pct = PCT;
	if (out->steal_pct > PCT)
		out->steal_pct = PCT;
}

long interference_own_migrations(void)
{
	char buf[SCHED_BUF];
	const char *p;

	if (read_text("/proc/thread-self/sched", buf, sizeof(buf)) <= 0 ||
	    !(p = strstr(buf, "se.nr_migrations")) || !(p = strchr(p, ':')))
		return -1;
	return strtol(p + 1, NULL, 10);
}

/* --- the cache-line ping-pong ------------------------------------------ */

struct pingpong {
	_Alignas(64) _Atomic uint64_t line;   /* odd: ping out; even: echoed */
	_Alignas(64) _Atomic int echo_ready;
	long budget_ns;
	int nbursts;
	long long elapsed_ns;
	double burst_ns[RTT_MAX_BURSTS];   /* per round trip, each burst */
};

/*
 * The echo answers with a compare-and-swap, never a plain store: when the
 * ping side gives up with a ping outstanding, its STOP must not be
 * overwritten by a late answer to that ping (the echo would then spin on
 * for ever).
 */
static void *echo_thread(void *arg)
{
	struct pingpong *pp = arg;
	uint64_t v;

	atomic_store_explicit(&pp->echo_ready, 1, memory_order_release);
	/* the echo only replaces the ping it read: a plain store could land
	   on the RTT_STOP of a ping thread that gave up meanwhile, and this
	   thread would spin forever with the run waiting to join it */
	while ((v = atomic_load_explicit(&pp->line, memory_order_acquire)) != RTT_STOP)
		if (v & 1)
			atomic_compare_exchange_strong_explicit(&pp->line, &v, v + 1,
								memory_order_acq_rel,
								memory_order_acquire);
	return NULL;
}

/* await: spins until the line holds want; 0, or -1 past hard (ns) */
static int await(struct pingpong *pp, uint64_t want, long long hard)
{
	for (unsigned spins = 1;
	     atomic_load_explicit(&pp->line, memory_order_acquire) != want; spins++)
		if (!(spins & RTT_SPIN_MASK) && mono_ns() > hard)
			return -1;
	return 0;
}

/* burst: RTT_BURST round trips from v; 0, or -1 when the peer stalled */
static int burst(struct pingpong *pp, uint64_t *v, long long hard)
{
	for (int i = 0; i < RTT_BURST; i++) {
		atomic_store_explicit(&pp->line, *v + 1, memory_order_release);
		if (await(pp, *v + 2, hard) < 0)
			return -1;
		*v += 2;
	}
	return 0;
}

/*
 * Round trips are timed in bursts, and the line's round trip is a low
 * quantile of the bursts (RTT_QUANTILE): a burst during which either thread
 * was descheduled measures the scheduler, not the line, and load only ever
 * lengthens bursts. On a busy machine more than half of them can be hit,
 * which moved the median 4x with the platform unchanged; the tenth
 * percentile stays with the line and still moves when the platform does.
 */
static void *ping_thread(void *arg)
{
	struct pingpong *pp = arg;
	long long t0 = mono_ns(), hard = t0 + RTT_HARD_FACTOR * pp->budget_ns, tb;
	uint64_t v = 0;

	while (!atomic_load_explicit(&pp->echo_ready, memory_order_acquire))
		if (mono_ns() > hard)
			goto out;
	t0 = tb = mono_ns();
	hard = t0 + RTT_HARD_FACTOR * pp->budget_ns;
	while (pp->nbursts < RTT_MAX_BURSTS && burst(pp, &v, hard) == 0) {
		long long t = mono_ns();

		pp->burst_ns[pp->nbursts++] = (double)(t - tb) / RTT_BURST;
		tb = t;
		if (t - t0 >= pp->budget_ns && pp->nbursts >= RTT_MIN_BURSTS)
			break;
	}
out:
	pp->elapsed_ns = mono_ns() - t0;
	atomic_store_explicit(&pp->line, RTT_STOP, memory_order_release);
	return NULL;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* start_pinned: a thread running fn on cpu; 0 or -1 */
static int start_pinned(pthread_t *t, int cpu, void *(*fn)(void *), void *arg)
{
	pthread_attr_t attr;
	cpu_set_t set;
	int rc;

	if (pthread_attr_init(&attr) != 0)
		return -1;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	rc = pthread_attr_setaffinity_np(&attr, sizeof(set), &set);
	if (rc == 0)
		rc = pthread_create(t, &attr, fn, arg);
	pthread_attr_destroy(&attr);
	return rc == 0 ? 0 : -1;
}

double interference_line_rtt(int a, int b, long budget_ns)
{
	struct pingpong *pp;
	pthread_t ta, tb;
	double rtt = -1;

	if (a < 0 || b < 0 || a == b || a >= CPU_SETSIZE || b >= CPU_SETSIZE ||
	    !(pp = aligned_alloc(64, sizeof(*pp))))
		return -1;
	memset(pp, 0, sizeof(*pp));
	pp->budget_ns = budget_ns;
	if (start_pinned(&tb, b, echo_thread, pp) < 0)
		goto out;
	if (start_pinned(&ta, a, ping_thread, pp) < 0) {
		atomic_store(&pp->line, RTT_STOP);
		pthread_join(tb, NULL);
		goto out;
	}
	pthread_join(ta, NULL);
	pthread_join(tb, NULL);
	/* too few bursts: a thread could not run, and the figure would time
	   the scheduler, not the line */
	if (pp->nbursts >= RTT_MIN_BURSTS) {
		qsort(pp->burst_ns, (size_t)pp->nbursts, sizeof(double), cmp_double);
		rtt = pp->burst_ns[pp->nbursts * RTT_QUANTILE / 100];
	}
out:
	free(pp);
	return rtt;
}

bool interference_moved(double ref, double rtt)
{
	if (!(ref > 0) || !(rtt > 0))
		return false;
	return rtt > ref * INTERF_MOVED_FACTOR || ref > rtt * INTERF_MOVED_FACTOR;
}

void interference_rep_line(int a, int b, struct interference *x)
{
	int cpus[2];

	if (a < 0 || b < 0) {
		/* unpinned: the line between the first two CPUs it may use */
		int n = interference_cpus(-1, -1, cpus, 2);

		a = n >= 2 ? cpus[0] : -1;
		b = n >= 2 ? cpus[1] : -1;
	}
	x->line_rtt_ns = interference_line_rtt(a, b, INTERF_RTT_BUDGET_NS);
	if (x->line_rtt_ns > 0) {
		x->line_cpu[0] = a;
		x->line_cpu[1] = b;
	}
}

/* mark: interference_begin over cpus, or an empty mark when it fails */
static void mark(struct interference_mark *mk, const int *cpus, int n)
{
	if (interference_begin(mk, cpus, n) < 0)
		memset(mk, 0, sizeof(*mk));
}

void interference_rep_begin(struct interference_mark *mk, int a, int b,
			    struct interference *x)
{
	int cpus[INTERF_MAX_CPUS];
	/* unpinned: every CPU it may use */
	int n = a < 0 || b < 0 ? interference_cpus(-1, -1, cpus, INTERF_MAX_CPUS) :
		interference_cpus(a, b, cpus, INTERF_MAX_CPUS);

	interference_rep_line(a, b, x);
	mark(mk, cpus, n);
}

void interference_side_begin(struct interference_mark *mk, int cpu)
{
	int cpus[INTERF_MAX_CPUS];

	mark(mk, cpus, interference_cpus(cpu, -1, cpus, INTERF_MAX_CPUS));
}
