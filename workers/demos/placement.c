/* placement.c -- the demo "placement": pipe and unix latency on one core, two cores, unpinned

   What the page shows: one bar per mechanism and placement, its one-way
   p50 latency (the median of the reps), log scale when they spread. The
   headline quotes the lowest and the highest bar and their factor; the
   supporting sentence the pipe's bars on the same core and split. */
#include "demos/demo.h"

#include <stdio.h>
#include "base/human.h"

enum { PL_PIPE_SAME, PL_PIPE_SPLIT, PL_PIPE_NONE, PL_UNIX_SAME, PL_UNIX_SPLIT, PL_UNIX_NONE };

static const struct demo_job placement_jobs[] = {
	[PL_PIPE_SAME] = { "pipe pin=same", "pipe", "pin=same" },
	[PL_PIPE_SPLIT] = { "pipe pin=split", "pipe", "pin=split" },
	[PL_PIPE_NONE] = { "pipe pin=none", "pipe", "pin=none" },
	[PL_UNIX_SAME] = { "unix pin=same", "unix", "pin=same" },
	[PL_UNIX_SPLIT] = { "unix pin=split", "unix", "pin=split" },
	[PL_UNIX_NONE] = { "unix pin=none", "unix", "pin=none" },
};

static void placement_lesson(const struct demo_outcome *o, int n, char *buf, size_t len,
			     char *why, size_t wlen)
{
	const struct demo_outcome *same = demo_outcome_at(o, n, PL_PIPE_SAME);
	const struct demo_outcome *split = demo_outcome_at(o, n, PL_PIPE_SPLIT);

	char h[HUMAN_LEN];

	demo_ratio_lesson(o, n, buf, len, "µs one-way", 1000.0, why, wlen);
	if (same && split) {
		demo_claim(same, split, NULL, why, wlen);
		double r = same->fig.median > split->fig.median ?
			   same->fig.median / split->fig.median : split->fig.median / same->fig.median;
		exp_lesson_add(buf, len, "For the pipe, placement changed latency by %s: %s.",
		    human_ratio(r, h, sizeof(h)),
		    r >= 10 ? "an order of magnitude, as claimed" :
		    "less than the order of magnitude the claim makes, on this machine");
	}
}

const struct demo demo_placement = {
	.name = "placement",
	.title = "Where the processes run",
	.claim = "Where the two processes run (same core, two cores, unpinned) changes IPC "
		 "latency by an order of magnitude, especially in VMs.",
	.method = "pipe and unix round trips with pin=same, split and none.",
	.defaults = "mode=latency duration=0.1 reps=7",
	.metric = METRIC_LATENCY_P50_NS,
	.jobs = placement_jobs,
	.njobs = DEMO_COUNT(placement_jobs),
	.lesson = placement_lesson,
};
