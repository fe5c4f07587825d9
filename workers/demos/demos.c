/* demos.c -- the demos that are compositions of ordinary runs, and their lessons */
#include "demo.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* find: the outcome labelled label, or NULL when it did not run */
static const struct demo_outcome *find(const struct demo_outcome *o, int n, const char *label)
{
	for (int i = 0; i < n; i++)
		if (o[i].ok && strcmp(o[i].label, label) == 0)
			return &o[i];
	return NULL;
}

/* beyond_noise: 1 when the min-max ranges over reps do not overlap */
static int beyond_noise(const struct spread *a, const struct spread *b)
{
	return a->max < b->min || b->max < a->min;
}

/* add: appends printf-style text to the lesson in buf */
__attribute__((format(printf, 3, 4)))
static void add(char *buf, size_t len, const char *fmt, ...)
{
	size_t used = strlen(buf);
	va_list ap;

	if (used + 1 >= len)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + used, len - used, fmt, ap);
	va_end(ap);
}

static void sync_tax_lesson(const struct demo_outcome *o, int n, char *buf, size_t len)
{
	const struct demo_outcome *spin = find(o, n, "shm sync=spin");
	const struct demo_outcome *mutex = find(o, n, "shm sync=mutex");
	const struct demo_outcome *sem = find(o, n, "shm sync=sem");
	const struct demo_outcome *pipe = find(o, n, "pipe");
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
	if (beyond_noise(&spin->fig, &mutex->fig) && spin->fig.median > mutex->fig.median)
		add(buf, len, "The mutex handoff was %.1fx slower than the spinning one. ",
		    spin->fig.median / mutex->fig.median);
	else if (beyond_noise(&spin->fig, &mutex->fig))
		add(buf, len, "Against the usual claim, the mutex handoff was %.1fx faster "
		    "than spinning. ", mutex->fig.median / spin->fig.median);
	else
		add(buf, len, "Spinning and the mutex were within the noise of each other "
		    "(%.0f vs %.0f messages/s). ", spin->fig.median, mutex->fig.median);
	if (sem && pipe && sem->fig.median < pipe->fig.median)
		add(buf, len, "Semaphore-guarded shared memory lost to a plain pipe (%.0f vs "
		    "%.0f messages/s): the synchronisation, not the copy, set the pace.",
		    sem->fig.median, pipe->fig.median);
	else if (sem && pipe)
		add(buf, len, "Semaphore-guarded shared memory beat the pipe (%.0f vs %.0f "
		    "messages/s).", sem->fig.median, pipe->fig.median);
}

static void ratio_lesson(const struct demo_outcome *o, int n, char *buf, size_t len,
			 const char *unit, double scale)
{
	const struct demo_outcome *lo = NULL, *hi = NULL;

	buf[0] = '\0';
	for (int i = 0; i < n; i++) {
		if (!o[i].ok)
			continue;
		if (!lo || o[i].fig.median < lo->fig.median)
			lo = &o[i];
		if (!hi || o[i].fig.median > hi->fig.median)
			hi = &o[i];
	}
	if (!lo || lo == hi) {
		snprintf(buf, len, "Too few variants ran to compare.");
		return;
	}
	snprintf(buf, len, "Lowest: %s, %.3g %s; highest: %s, %.3g %s: a factor of %.1f. ",
		 lo->label, lo->fig.median / scale, unit, hi->label, hi->fig.median / scale,
		 unit, hi->fig.median / lo->fig.median);
}

static void placement_lesson(const struct demo_outcome *o, int n, char *buf, size_t len)
{
	const struct demo_outcome *same = find(o, n, "pipe pin=same");
	const struct demo_outcome *split = find(o, n, "pipe pin=split");

	ratio_lesson(o, n, buf, len, "us one-way", 1000.0);
	if (same && split) {
		double r = same->fig.median > split->fig.median ?
			   same->fig.median / split->fig.median : split->fig.median / same->fig.median;
		add(buf, len, "For the pipe, placement changed latency by %.1fx: %s.", r,
		    r >= 10 ? "an order of magnitude, as claimed" :
		    "less than the order of magnitude the claim makes, on this machine");
	}
}

static void threads_lesson(const struct demo_outcome *o, int n, char *buf, size_t len)
{
	const struct demo_outcome *t = find(o, n, "threads");
	const struct demo_outcome *tcp = find(o, n, "tcp");

	buf[0] = '\0';
	if (!t || !tcp) {
		snprintf(buf, len, "Not every variant ran, so there is no lesson this time.");
		return;
	}
	snprintf(buf, len, "Moving the messages took %.3g ms between two threads and %.3g ms "
		 "between two processes over TCP loopback",
		 t->wall_s * 1e3, tcp->wall_s * 1e3);
	add(buf, len, " (%.0fx). ", tcp->wall_s / t->wall_s);
	if ((t = find(o, n, "shm-ring")))
		add(buf, len, "Shared memory between processes took %.3g ms: the process "
		    "boundary itself costs little, the kernel round trips do.", t->wall_s * 1e3);
}

static void crossover_lesson(const struct demo_outcome *o, int n, char *buf, size_t len)
{
	const struct demo_outcome *r64 = find(o, n, "shm-ring 64 B");
	const struct demo_outcome *p64 = find(o, n, "pipe 64 B");
	const struct demo_outcome *r1m = find(o, n, "shm-ring 1 MiB");
	const struct demo_outcome *p1m = find(o, n, "pipe 1 MiB");

	buf[0] = '\0';
	if (!r64 || !p64 || !r1m || !p1m) {
		snprintf(buf, len, "Not every size ran, so there is no lesson this time.");
		return;
	}
	snprintf(buf, len, "shm-ring moved %.1fx the bytes of a pipe at 64 B ",
		 r64->fig.median / p64->fig.median);
	add(buf, len, "and %.1fx at 1 MiB: %s", r1m->fig.median / p1m->fig.median,
	    r1m->fig.median / p1m->fig.median > r64->fig.median / p64->fig.median ?
	    "the gap widened with size, as the claim says." :
	    "the gap did not widen with size on this machine: at small sizes the system "
	    "calls, not the copies, dominate.");
}

static const struct demo sync_tax = {
	.name = "sync-tax",
	.title = "The sync tax",
	.claim = "Shared memory is only as fast as its synchronisation: a lock-free flag beats "
		 "a mutex, and semaphore-guarded shared memory can lose to a plain pipe.",
	.method = "shm with 4 KiB messages under every sync kind, and a pipe for reference.",
	.defaults = "size=4K duration=0.2 reps=3",
	.metric = METRIC_MSGS_PER_S,
	.njobs = 5,
	.jobs = {
		{ "shm sync=spin", "shm", "sync=spin" },
		{ "shm sync=futex", "shm", "sync=futex" },
		{ "shm sync=sem", "shm", "sync=sem" },
		{ "shm sync=mutex", "shm", "sync=mutex" },
		{ "pipe", "pipe", "" },
	},
	.lesson = sync_tax_lesson,
};

static const struct demo placement = {
	.name = "placement",
	.title = "Where the processes run",
	.claim = "Where the two processes run (same core, two cores, unpinned) changes IPC "
		 "latency by an order of magnitude, especially in VMs.",
	.method = "pipe and unix round trips with pin=same, split and none.",
	.defaults = "mode=latency duration=0.3 reps=3",
	.metric = METRIC_LATENCY_P50_NS,
	.njobs = 6,
	.jobs = {
		{ "pipe pin=same", "pipe", "pin=same" },
		{ "pipe pin=split", "pipe", "pin=split" },
		{ "pipe pin=none", "pipe", "pin=none" },
		{ "unix pin=same", "unix", "pin=same" },
		{ "unix pin=split", "unix", "pin=split" },
		{ "unix pin=none", "unix", "pin=none" },
	},
	.lesson = placement_lesson,
};

static const struct demo threads_vs_processes = {
	.name = "threads-vs-processes",
	.title = "Threads versus processes",
	.claim = "Passing a million small messages between threads takes milliseconds; between "
		 "processes over sockets it can take seconds.",
	.method = "the same count of 64-byte messages over threads, shm-ring, unix and tcp; "
		  "wall time of each.",
	.defaults = "count=1000000 reps=1 size=64",
	.metric = METRIC_ELAPSED_S,
	.njobs = 4,
	.jobs = {
		{ "threads", "threads", "" },
		{ "shm-ring", "shm-ring", "" },
		{ "unix", "unix", "" },
		{ "tcp", "tcp", "" },
	},
	.lesson = threads_lesson,
};

static const struct demo crossover = {
	.name = "crossover",
	.title = "Copy cost grows with size",
	.claim = "Copy cost grows with size, so the gap between shared memory and kernel "
		 "channels widens with message size.",
	.method = "shm-ring, pipe, unix and tcp at 64 B, 4 KiB, 64 KiB and 1 MiB; bytes/s.",
	.defaults = "duration=0.1 reps=2",
	.metric = METRIC_BYTES_PER_S,
	.njobs = 16,
	.jobs = {
		{ "shm-ring 64 B", "shm-ring", "size=64" }, { "pipe 64 B", "pipe", "size=64" },
		{ "unix 64 B", "unix", "size=64" }, { "tcp 64 B", "tcp", "size=64" },
		{ "shm-ring 4 KiB", "shm-ring", "size=4K" }, { "pipe 4 KiB", "pipe", "size=4K" },
		{ "unix 4 KiB", "unix", "size=4K" }, { "tcp 4 KiB", "tcp", "size=4K" },
		{ "shm-ring 64 KiB", "shm-ring", "size=64K" }, { "pipe 64 KiB", "pipe", "size=64K" },
		{ "unix 64 KiB", "unix", "size=64K" }, { "tcp 64 KiB", "tcp", "size=64K" },
		{ "shm-ring 1 MiB", "shm-ring", "size=1M" }, { "pipe 1 MiB", "pipe", "size=1M" },
		{ "unix 1 MiB", "unix", "size=1M" }, { "tcp 1 MiB", "tcp", "size=1M" },
	},
	.lesson = crossover_lesson,
};

extern const struct demo demo_layers;   /* layers.c */

const struct demo *const demo_registry[] = {
	&sync_tax, &placement, &threads_vs_processes, &crossover, &demo_layers, NULL,
};

const struct demo *demo_find(const char *name)
{
	for (int i = 0; demo_registry[i]; i++)
		if (strcmp(demo_registry[i]->name, name) == 0)
			return demo_registry[i];
	return NULL;
}
