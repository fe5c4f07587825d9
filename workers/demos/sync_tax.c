/* sync_tax.c -- the demo "sync-tax": shm under every sync kind against a pipe */
#include "demo.h"

#include <stdio.h>

enum { ST_SPIN, ST_FUTEX, ST_SEM, ST_MUTEX, ST_PIPE };

static const struct demo_job sync_tax_jobs[] = {
	[ST_SPIN] = { "shm sync=spin", "shm", "sync=spin" },
	[ST_FUTEX] = { "shm sync=futex", "shm", "sync=futex" },
	[ST_SEM] = { "shm sync=sem", "shm", "sync=sem" },
	[ST_MUTEX] = { "shm sync=mutex", "shm", "sync=mutex" },
	[ST_PIPE] = { "pipe", "pipe", "" },
};

static void sync_tax_lesson(const struct demo_outcome *o, int n, char *buf, size_t len)
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
	snprintf(buf, len, "Fastest here: %s at %.0f messages/s. ", best->label, best->fig.median);
	if (demo_beyond_noise(&spin->fig, &mutex->fig) && spin->fig.median > mutex->fig.median)
		exp_lesson_add(buf, len, "The mutex handoff was %.1fx slower than the spinning one. ",
		    spin->fig.median / mutex->fig.median);
	else if (demo_beyond_noise(&spin->fig, &mutex->fig))
		exp_lesson_add(buf, len, "Against the usual claim, the mutex handoff was %.1fx faster "
		    "than spinning. ", mutex->fig.median / spin->fig.median);
	else
		exp_lesson_add(buf, len, "Spinning and the mutex were within the noise of each other "
		    "(%.0f vs %.0f messages/s). ", spin->fig.median, mutex->fig.median);
	if (sem && pipe && sem->fig.median < pipe->fig.median)
		exp_lesson_add(buf, len, "Semaphore-guarded shared memory lost to a plain pipe (%.0f vs "
		    "%.0f messages/s): the synchronisation, not the copy, set the pace.",
		    sem->fig.median, pipe->fig.median);
	else if (sem && pipe)
		exp_lesson_add(buf, len, "Semaphore-guarded shared memory beat the pipe (%.0f vs %.0f "
		    "messages/s).", sem->fig.median, pipe->fig.median);
}

const struct demo demo_sync_tax = {
	.name = "sync-tax",
	.title = "The sync tax",
	.claim = "Shared memory is only as fast as its synchronisation: a lock-free flag beats "
		 "a mutex, and semaphore-guarded shared memory can lose to a plain pipe.",
	.method = "shm with 4 KiB messages under every sync kind, and a pipe for reference.",
	.defaults = "size=4K duration=0.2 reps=3",
	.metric = METRIC_MSGS_PER_S,
	.jobs = sync_tax_jobs,
	.njobs = DEMO_COUNT(sync_tax_jobs),
	.lesson = sync_tax_lesson,
};
