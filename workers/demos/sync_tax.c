/* sync_tax.c -- the demo "sync-tax": shm under every sync kind against a pipe */
#include "demo.h"

#include <stdio.h>
#include "../human.h"

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
	char h[2][HUMAN_LEN];

	buf[0] = '\0';
	for (int i = 0; i < n; i++)
		if (o[i].ok && (!best || o[i].fig.median > best->fig.median))
			best = &o[i];
	if (!best || !spin || !mutex) {
		snprintf(buf, len, "Not every variant ran, so there is no lesson this time.");
		return;
	}
	snprintf(buf, len, "Fastest here: %s at %s. ", best->label,
		 human_si(best->fig.median, "messages/s", h[0], sizeof(h[0])));
	if (demo_beyond_noise(&spin->fig, &mutex->fig) && spin->fig.median > mutex->fig.median)
		exp_lesson_add(buf, len, "The mutex handoff was %s slower than the spinning one. ",
		    human_ratio(spin->fig.median / mutex->fig.median, h[0], sizeof(h[0])));
	else if (demo_beyond_noise(&spin->fig, &mutex->fig))
		exp_lesson_add(buf, len, "Against the usual claim, the mutex handoff was %s faster "
		    "than spinning. ", human_ratio(mutex->fig.median / spin->fig.median, h[0],
						   sizeof(h[0])));
	else
		exp_lesson_add(buf, len, "Spinning and the mutex were within the noise of each other "
		    "(%s vs %s messages/s). ", human_si(spin->fig.median, "", h[0], sizeof(h[0])),
		    human_si(mutex->fig.median, "", h[1], sizeof(h[1])));
	if (sem && pipe && sem->fig.median < pipe->fig.median)
		exp_lesson_add(buf, len, "Semaphore-guarded shared memory lost to a plain pipe (%s vs "
		    "%s messages/s): the synchronisation, not the copy, set the pace.",
		    human_si(sem->fig.median, "", h[0], sizeof(h[0])),
		    human_si(pipe->fig.median, "", h[1], sizeof(h[1])));
	else if (sem && pipe)
		exp_lesson_add(buf, len, "Semaphore-guarded shared memory beat the pipe (%s vs %s "
		    "messages/s).", human_si(sem->fig.median, "", h[0], sizeof(h[0])),
		    human_si(pipe->fig.median, "", h[1], sizeof(h[1])));
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
