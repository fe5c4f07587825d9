/* ref.h -- the few helpers the reference loops share: clock, pinning, arguments, shared memory */
#ifndef IPCSCOPE_REF_H
#define IPCSCOPE_REF_H

#include <errno.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* The reference loops are deliberately plain: no timeouts, no verification,
   no statistics beyond what the report needs. Any failure ends the program
   with exit status 1 and a message on stderr. */

static inline void ref_die(const char *what)
{
	fprintf(stderr, "ref: %s: %s\n", what, strerror(errno));
	exit(1);
}

/* ref_now_ns: CLOCK_MONOTONIC in nanoseconds, the clock ipcscope uses too */
static inline uint64_t ref_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* ref_pin: binds the calling process to one CPU; cpu < 0 leaves it free */
static inline void ref_pin(int cpu)
{
	cpu_set_t set;

	if (cpu < 0)
		return;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set) < 0)
		ref_die("sched_setaffinity");
}

/* ref_worker: the start of a forked worker: it dies with its parent (so a
   timeout that kills the program leaves no spinning worker behind) and
   runs on cpu */
static inline void ref_worker(int cpu)
{
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
		ref_die("prctl");
	if (getppid() == 1)
		_exit(1);
	ref_pin(cpu);
}

/* ref_num: a decimal number with an optional K or M suffix (powers of 1024) */
static inline uint64_t ref_num(const char *s)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 10);

	if (*end == 'K' || *end == 'k')
		v <<= 10, end++;
	else if (*end == 'M' || *end == 'm')
		v <<= 20, end++;
	if (end == s || *end) {
		fprintf(stderr, "ref: bad number '%s'\n", s);
		exit(2);
	}
	return v;
}

/* ref_shared: zeroed memory that stays shared between parent and children
   across fork */
static inline void *ref_shared(size_t bytes)
{
	void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		ref_die("mmap");
	return p;
}

/* ref_reap: waits for both children; exits 1 unless both exited 0 */
static inline void ref_reap(pid_t a, pid_t b)
{
	int sa = 0, sb = 0;

	if (waitpid(a, &sa, 0) < 0 || waitpid(b, &sb, 0) < 0)
		ref_die("waitpid");
	if (!WIFEXITED(sa) || WEXITSTATUS(sa) || !WIFEXITED(sb) || WEXITSTATUS(sb)) {
		fprintf(stderr, "ref: a worker failed\n");
		exit(1);
	}
}

/* ref_relax: one turn of a busy wait. Every 4096 turns (about 0.1 ms) it
   also yields, so a waiter whose peer was preempted hands over the CPU
   rather than burning its time slice: the policy of ipcscope's own spin
   waits (yield after ~0.2 ms without progress), so a loaded machine hurts
   both sides alike. */
static inline void ref_relax(unsigned *spins)
{
	__builtin_ia32_pause();
	if ((++*spins & 4095u) == 0)
		sched_yield();
}

static inline int ref_cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

/* ref_pct: the p-th percentile (0..100) of n sorted values, nearest rank */
static inline uint64_t ref_pct(const uint64_t *v, uint64_t n, double p)
{
	uint64_t i = (uint64_t)(p / 100.0 * (double)n);

	return v[i >= n ? n - 1 : i];
}

/* ref_rtt_line: mean, p50 and p99 of n timed round trips (sorted here) as
   the JSON line the report reads */
static inline void ref_rtt_line(const char *ref, uint64_t size, uint64_t *rtt, uint64_t n)
{
	uint64_t sum = 0;

	for (uint64_t i = 0; i < n; i++)
		sum += rtt[i];
	qsort(rtt, n, sizeof(*rtt), ref_cmp_u64);
	printf("{\"ref\":\"%s\",\"mode\":\"rtt\",\"size\":%llu,\"count\":%llu,\"rtt_mean_ns\":%llu,"
	       "\"rtt_p50_ns\":%llu,\"rtt_p99_ns\":%llu}\n", ref, (unsigned long long)size,
	       (unsigned long long)n, (unsigned long long)(sum / n),
	       (unsigned long long)ref_pct(rtt, n, 50), (unsigned long long)ref_pct(rtt, n, 99));
}

#endif
