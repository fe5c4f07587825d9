/* threads_vs_processes.c -- the demo "threads-vs-processes": the same messages between threads, over shared memory, unix and tcp */
#include "demo.h"

#include <stdio.h>
#include "../human.h"

enum { TP_THREADS, TP_SHM_RING, TP_UNIX, TP_TCP };

static const struct demo_job threads_jobs[] = {
	[TP_THREADS] = { "threads", "threads", "" },
	[TP_SHM_RING] = { "shm-ring", "shm-ring", "" },
	[TP_UNIX] = { "unix", "unix", "" },
	[TP_TCP] = { "tcp", "tcp", "" },
};

static void threads_lesson(const struct demo_outcome *o, int n, char *buf, size_t len)
{
	const struct demo_outcome *t = demo_outcome_at(o, n, TP_THREADS);
	const struct demo_outcome *tcp = demo_outcome_at(o, n, TP_TCP);
	char h[3][HUMAN_LEN];

	buf[0] = '\0';
	if (!t || !tcp) {
		snprintf(buf, len, "Not every variant ran, so there is no lesson this time.");
		return;
	}
	snprintf(buf, len, "Moving the messages took %s between two threads and %s "
		 "between two processes over TCP loopback (%s). ",
		 human_seconds(t->wall_s, h[0], sizeof(h[0])),
		 human_seconds(tcp->wall_s, h[1], sizeof(h[1])),
		 human_ratio(tcp->wall_s / t->wall_s, h[2], sizeof(h[2])));
	if ((t = demo_outcome_at(o, n, TP_SHM_RING)))
		exp_lesson_add(buf, len, "Shared memory between processes took %s: the process "
		    "boundary itself costs little, the kernel round trips do.",
		    human_seconds(t->wall_s, h[0], sizeof(h[0])));
}

const struct demo demo_threads_vs_processes = {
	.name = "threads-vs-processes",
	.title = "Threads versus processes",
	.claim = "Passing a million small messages between threads takes milliseconds; between "
		 "processes over sockets it can take seconds.",
	.method = "the same count of 64-byte messages over threads, shm-ring, unix and tcp; "
		  "wall time of each.",
	.defaults = "count=1000000 reps=1 size=64",
	.metric = METRIC_ELAPSED_S,
	.jobs = threads_jobs,
	.njobs = DEMO_COUNT(threads_jobs),
	.lesson = threads_lesson,
};
