/* threads_vs_processes.c -- the demo "threads-vs-processes": the same messages between threads, over shared memory, unix and tcp

   What the page shows (web/demo-ratios.js): one bar per mechanism, the
   seconds a million messages take at its median rate, on a linear axis.
   The headline quotes the threads' and tcp's bars (and their rates, in
   the comparison table); the supporting sentences the unix and shm-ring
   bars. */
#include "demos/demo.h"

#include <stdio.h>
#include "base/human.h"

enum { TP_THREADS, TP_SHM_RING, TP_UNIX, TP_TCP };

#define TP_MESSAGES 1e6   /* the claim's "a million messages" */

static const struct demo_job threads_jobs[] = {
	[TP_THREADS] = { "threads", "threads", "" },
	[TP_SHM_RING] = { "shm-ring", "shm-ring", "" },
	[TP_UNIX] = { "unix", "unix", "" },
	[TP_TCP] = { "tcp", "tcp", "" },
};

/* million_s: how long a million messages take at o's median rate */
static double million_s(const struct demo_outcome *o)
{
	return o->fig.median > 0 ? TP_MESSAGES / o->fig.median : 0;
}

static void threads_lesson(const struct demo_outcome *o, int n, char *buf, size_t len,
			   char *why, size_t wlen)
{
	const struct demo_outcome *t = demo_outcome_at(o, n, TP_THREADS);
	const struct demo_outcome *tcp = demo_outcome_at(o, n, TP_TCP);
	const struct demo_outcome *u = demo_outcome_at(o, n, TP_UNIX);
	char h[5][HUMAN_LEN];

	buf[0] = '\0';
	if (!t || !tcp || !(million_s(t) > 0) || !(million_s(tcp) > 0)) {
		snprintf(buf, len, "Not every variant ran, so there is no lesson this time.");
		return;
	}
	demo_claim(tcp, t, NULL, why, wlen);
	snprintf(buf, len, "A million 64-byte messages take %s between two threads and %s "
		 "between two processes over TCP loopback: %s as long. ",
		 human_seconds(million_s(t), h[0], sizeof(h[0])),
		 human_seconds(million_s(tcp), h[2], sizeof(h[2])),
		 human_ratio(million_s(tcp) / million_s(t), h[4], sizeof(h[4])));
	exp_lesson_add(buf, len, "That is at the rates measured here, %s and %s msgs/s",
		       human_si(t->fig.median, "", h[1], sizeof(h[1])),
		       human_si(tcp->fig.median, "", h[3], sizeof(h[3])));
	if (u && million_s(u) > 0)
		exp_lesson_add(buf, len, "; over a unix socket they take %s",
			       human_seconds(million_s(u), h[0], sizeof(h[0])));
	exp_lesson_add(buf, len, ". ");
	if ((t = demo_outcome_at(o, n, TP_SHM_RING)) && million_s(t) > 0) {
		demo_claim(t, tcp, NULL, why, wlen);
		exp_lesson_add(buf, len, "Through a shared-memory ring between processes they "
			       "take %s: the process boundary itself costs little, the kernel "
			       "round trips do.", human_seconds(million_s(t), h[0], sizeof(h[0])));
	}
}

const struct demo demo_threads_vs_processes = {
	.name = "threads-vs-processes",
	.title = "Threads versus processes",
	.claim = "Passing a million small messages between threads takes milliseconds; between "
		 "processes over sockets it can take seconds.",
	.method = "64-byte messages streamed over threads, shm-ring, unix and tcp, 0.1 s reps "
		  "interleaved until each median holds; the time a million take at each "
		  "measured rate.",
	.defaults = "duration=0.1 reps=7 size=64",
	.metric = METRIC_MSGS_PER_S,
	.jobs = threads_jobs,
	.njobs = DEMO_COUNT(threads_jobs),
	.lesson = threads_lesson,
};
