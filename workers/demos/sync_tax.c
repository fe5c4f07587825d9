/* sync_tax.c -- the demo "sync-tax": shm under every sync kind against a pipe

   What the page shows (web/demo-ratios.js): one bar per variant, its time
   per message as a multiple of the spinning handoff's (the spin median of
   messages/s over the variant's), on a linear axis with a 1× line. The
   headline (the mutex against spinning) quotes the mutex's bar; the
   supporting sentences (the fastest, the semaphore against the pipe)
   quote messages/s, in the comparison table under the chart. */
#include "demos/demo.h"

#include <stdio.h>

#include "base/human.h"

enum { ST_SPIN, ST_FUTEX, ST_SEM, ST_MUTEX, ST_PIPE };

static const struct demo_job sync_tax_jobs[] = {
	[ST_SPIN] = { "shm sync=spin", "shm", "sync=spin" },
	[ST_FUTEX] = { "shm sync=futex", "shm", "sync=futex" },
	[ST_SEM] = { "shm sync=sem", "shm", "sync=sem" },
	[ST_MUTEX] = { "shm sync=mutex", "shm", "sync=mutex" },
	[ST_PIPE] = { "pipe", "pipe", "" },
};

/* runner_up: the outcome that ran with the highest figure after best */
static const struct demo_outcome *runner_up(const struct demo_outcome *o, int n,
					    const struct demo_outcome *best)
{
	const struct demo_outcome *r = NULL;

	for (int i = 0; i < n; i++)
		if (o[i].ok && &o[i] != best && (!r || o[i].fig.median > r->fig.median))
			r = &o[i];
	return r;
}

/* fastest: "Fastest here: X at N messages/s", level with the runner-up
   when the two cannot be told apart */
static void fastest(const struct demo_outcome *o, int n, const struct demo_outcome *best,
		    char *buf, size_t len, char *why, size_t wlen)
{
	const struct demo_outcome *next = runner_up(o, n, best);
	struct verdict v;
	char h[HUMAN_LEN], f[HUMAN_LEN], r[2 * HUMAN_LEN];

	exp_lesson_add(buf, len, "Fastest here: %s at %s", best->label,
	    human_si(best->fig.median, "messages/s", h, sizeof(h)));
	if (!next) {
		exp_lesson_add(buf, len, ". ");
		return;
	}
	demo_claim(best, next, &v, why, wlen);
	if (v.dir)
		verdict_range_text(v.factor_lo, v.factor_hi, r, sizeof(r));
	if (v.kind == VERDICT_CLEAR && v.dir > 0)
		exp_lesson_add(buf, len, ", %s faster than %s (%s). ",
		    human_ratio(v.factor, f, sizeof(f)), next->label, r);
	else if (v.kind == VERDICT_PROBABLY && v.dir > 0)
		exp_lesson_add(buf, len, ", probably ahead of %s by %s. ", next->label, r);
	else if (v.kind == VERDICT_SAME)
		exp_lesson_add(buf, len, ", level with %s (%s). ", next->label,
		    verdict_within_text(&v, r, sizeof(r)));
	else if (v.dir < 0)
		exp_lesson_add(buf, len, " by its median, though round by round %s was ahead of "
		    "it by %s. ", next->label, r);
	else
		exp_lesson_add(buf, len, " (too few reps to tell it from %s). ", next->label);
}

/* spin_vs_mutex: the headline: the mutex handoff's time per message as
   a multiple of spinning's (the ratio of their medians, the bar the chart
   draws for the mutex), in the words its verdict allows */
static void spin_vs_mutex(const struct demo_outcome *mutex, const struct demo_outcome *spin,
			  char *buf, size_t len, char *why, size_t wlen)
{
	struct verdict v;
	char f[HUMAN_LEN], r[2 * HUMAN_LEN], a[HUMAN_LEN], b[HUMAN_LEN];

	demo_claim(mutex, spin, &v, why, wlen);
	human_si(spin->fig.median, "", a, sizeof(a));
	human_si(mutex->fig.median, "", b, sizeof(b));
	human_ratio(mutex->fig.median > 0 ? spin->fig.median / mutex->fig.median : 0, f, sizeof(f));
	if (v.dir)
		verdict_range_text(v.factor_lo, v.factor_hi, r, sizeof(r));
	if (v.kind == VERDICT_CLEAR && v.dir < 0)
		exp_lesson_add(buf, len, "The mutex handoff was %s slower than the spinning one "
		    "(%s). ", f, r);
	else if (v.kind == VERDICT_PROBABLY && v.dir < 0)
		exp_lesson_add(buf, len, "The mutex handoff was probably slower than the spinning "
		    "one: %s its time per message (%s). ", f, r);
	else if (v.kind == VERDICT_CLEAR)
		exp_lesson_add(buf, len, "Against the usual claim, the mutex handoff took only %s "
		    "the spinning one's time per message (%s faster). ", f, r);
	else if (v.kind == VERDICT_PROBABLY)
		exp_lesson_add(buf, len, "Against the usual claim, the mutex handoff probably beat "
		    "spinning: %s its time per message (%s). ", f, r);
	else if (v.kind == VERDICT_SAME)
		exp_lesson_add(buf, len, "Spinning and the mutex can't be told apart here: the mutex "
		    "took %s the spinning time per message (%s). ", f,
		    verdict_within_text(&v, r, sizeof(r)));
	else
		exp_lesson_add(buf, len, "The mutex handoff took %s the spinning one's time per "
		    "message, too few reps to tell them apart (%s vs %s messages/s). ", f, a, b);
}

/* sem_vs_pipe: semaphore-guarded shared memory against a plain pipe */
static void sem_vs_pipe(const struct demo_outcome *sem, const struct demo_outcome *pipe,
			char *buf, size_t len, char *why, size_t wlen)
{
	struct verdict v;
	char a[HUMAN_LEN], b[HUMAN_LEN];
	const char *maybe;

	demo_claim(sem, pipe, &v, why, wlen);
	human_si(sem->fig.median, "", a, sizeof(a));
	human_si(pipe->fig.median, "", b, sizeof(b));
	maybe = v.kind == VERDICT_PROBABLY ? "probably " : "";
	if (v.dir < 0)
		exp_lesson_add(buf, len, "Semaphore-guarded shared memory %slost to a plain pipe (%s "
		    "vs %s messages/s): the synchronisation, not the copy, set the pace.", maybe, a, b);
	else if (v.dir > 0)
		exp_lesson_add(buf, len, "Semaphore-guarded shared memory %sbeat the pipe (%s vs %s "
		    "messages/s).", maybe, a, b);
	else if (v.kind == VERDICT_SAME)
		exp_lesson_add(buf, len, "Semaphore-guarded shared memory and the pipe can't be told "
		    "apart here (%s vs %s messages/s).", a, b);
	else
		exp_lesson_add(buf, len, "Too few reps to tell semaphore-guarded shared memory from "
		    "the pipe (%s vs %s messages/s).", a, b);
}

static void sync_tax_lesson(const struct demo_outcome *o, int n, char *buf, size_t len,
			    char *why, size_t wlen)
{
	const struct demo_outcome *spin = demo_outcome_at(o, n, ST_SPIN);
	const struct demo_outcome *mutex = demo_outcome_at(o, n, ST_MUTEX);
	const struct demo_outcome *sem = demo_outcome_at(o, n, ST_SEM);
	const struct demo_outcome *pipe = demo_outcome_at(o, n, ST_PIPE);
	const struct demo_outcome *best = NULL;

	buf[0] = '\0';
	for (int i = 0; i < n; i++)
		if (o[i].ok && (!best || o[i].fig.median > best->fig.median))
			best = &o[i];
	if (!best || !spin || !mutex) {
		snprintf(buf, len, "Not every variant ran, so there is no lesson this time.");
		return;
	}
	spin_vs_mutex(mutex, spin, buf, len, why, wlen);
	fastest(o, n, best, buf, len, why, wlen);
	if (sem && pipe)
		sem_vs_pipe(sem, pipe, buf, len, why, wlen);
}

const struct demo demo_sync_tax = {
	.name = "sync-tax",
	.title = "The sync tax",
	.claim = "Shared memory is only as fast as its synchronisation: a lock-free flag beats "
		 "a mutex, and semaphore-guarded shared memory can lose to a plain pipe.",
	.method = "shm with 4 KiB messages under every sync kind, and a pipe for reference.",
	.defaults = "size=4K duration=0.1 reps=7",
	.metric = METRIC_MSGS_PER_S,
	.jobs = sync_tax_jobs,
	.njobs = DEMO_COUNT(sync_tax_jobs),
	.lesson = sync_tax_lesson,
};
