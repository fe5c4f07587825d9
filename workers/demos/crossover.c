/* crossover.c -- the demo "crossover": shared memory against kernel channels from 64 B to 1 MiB

   What the page shows (web/demo-ratios.js): shm-ring's bytes/s over each
   kernel channel's (pipe, unix, tcp; the ratio of their medians) against
   message size on a log axis, with a 1× line where they would cross. The
   headline quotes the pipe line at 1 MiB and at 64 B; the last supporting
   sentence the unix and tcp lines at 1 MiB. */
#include "demos/demo.h"

#include <stdio.h>
#include "base/human.h"

/* Job CO_JOB(size, mech): the sizes in order, each with the four mechanisms. */
enum { CO_RING, CO_PIPE, CO_UNIX, CO_TCP, CO_NMECH };
enum { CO_64, CO_4K, CO_64K, CO_1M };
#define CO_JOB(size, mech) ((size) * CO_NMECH + (mech))
#define CO_SIZE(label, arg) \
	{ "shm-ring " label, "shm-ring", "size=" arg }, { "pipe " label, "pipe", "size=" arg }, \
	{ "unix " label, "unix", "size=" arg }, { "tcp " label, "tcp", "size=" arg }

static const struct demo_job crossover_jobs[] = {
	CO_SIZE("64 B", "64"), CO_SIZE("4 KiB", "4K"), CO_SIZE("64 KiB", "64K"), CO_SIZE("1 MiB", "1M"),
};

/* widened_why: whether the gap at 1 MiB is told apart from the gap at 64 B
   (their intervals apart); 0 when it is, else -1 with the reason in why
   when why is still "" */
static int widened_why(const struct verdict *v64, const struct verdict *v1m, char *why,
		       size_t wlen)
{
	char a[2 * HUMAN_LEN], b[2 * HUMAN_LEN];

	if (v64->ci.method != RATIO_NONE && v1m->ci.method != RATIO_NONE &&
	    (v1m->ci.lo > v64->ci.hi || v1m->ci.hi < v64->ci.lo))
		return 0;
	if (!why[0] && v64->ci.method != RATIO_NONE && v1m->ci.method != RATIO_NONE)
		snprintf(why, wlen, "shm-ring's share of a pipe at 64 B (%s) and at 1 MiB (%s) "
			 "overlap, so whether the gap widened is not settled",
			 verdict_range_text(v64->ci.lo, v64->ci.hi, a, sizeof(a)),
			 verdict_range_text(v1m->ci.lo, v1m->ci.hi, b, sizeof(b)));
	else if (!why[0])
		snprintf(why, wlen, "too few reps to tell whether the gap widened");
	return -1;
}

static void crossover_lesson(const struct demo_outcome *o, int n, char *buf, size_t len,
			     char *why, size_t wlen)
{
	struct verdict v64, v1m;

	const struct demo_outcome *r64 = demo_outcome_at(o, n, CO_JOB(CO_64, CO_RING));
	const struct demo_outcome *p64 = demo_outcome_at(o, n, CO_JOB(CO_64, CO_PIPE));
	const struct demo_outcome *r1m = demo_outcome_at(o, n, CO_JOB(CO_1M, CO_RING));
	const struct demo_outcome *p1m = demo_outcome_at(o, n, CO_JOB(CO_1M, CO_PIPE));
	char h[HUMAN_LEN];

	buf[0] = '\0';
	if (!r64 || !p64 || !r1m || !p1m) {
		snprintf(buf, len, "Not every size ran, so there is no lesson this time.");
		return;
	}
	demo_claim(r64, p64, &v64, why, wlen);
	demo_claim(r1m, p1m, &v1m, why, wlen);
	widened_why(&v64, &v1m, why, wlen);
	{
		double g64 = r64->fig.median / p64->fig.median, g1m = r1m->fig.median / p1m->fig.median;
		const struct demo_outcome *u1m = demo_outcome_at(o, n, CO_JOB(CO_1M, CO_UNIX));
		const struct demo_outcome *t1m = demo_outcome_at(o, n, CO_JOB(CO_1M, CO_TCP));
		char l[HUMAN_LEN];

		snprintf(buf, len, "At 1 MiB shm-ring moved %s the bytes of a pipe, against %s at "
			 "64 B: %s", human_ratio(g1m, h, sizeof(h)), human_ratio(g64, l, sizeof(l)),
			 g1m > g64 ? "the gap widened with size, as the claim says. " :
			 "the gap did not widen with size on this machine. ");
		if (g1m <= g64)
			exp_lesson_add(buf, len, "At small sizes the system calls, not the copies, "
			    "dominate, and shared memory saves them. ");
		else
			exp_lesson_add(buf, len, "Each byte a kernel channel carries is copied twice, "
			    "and at large sizes those copies dominate. ");
		if (u1m && t1m && u1m->fig.median > 0 && t1m->fig.median > 0)
			exp_lesson_add(buf, len, "Against unix and tcp at 1 MiB it moved %s and %s "
			    "their bytes.", human_ratio(r1m->fig.median / u1m->fig.median, h, sizeof(h)),
			    human_ratio(r1m->fig.median / t1m->fig.median, l, sizeof(l)));
	}
}

const struct demo demo_crossover = {
	.name = "crossover",
	.title = "Copy cost grows with size",
	.claim = "Copy cost grows with size, so the gap between shared memory and kernel "
		 "channels widens with message size.",
	.method = "shm-ring, pipe, unix and tcp at 64 B, 4 KiB, 64 KiB and 1 MiB; bytes/s.",
	.defaults = "duration=0.04 reps=6",
	.metric = METRIC_BYTES_PER_S,
	.jobs = crossover_jobs,
	.njobs = DEMO_COUNT(crossover_jobs),
	.lesson = crossover_lesson,
};
