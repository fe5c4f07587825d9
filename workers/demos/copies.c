/* copies.c -- the demo "copies": what each payload copy costs, at 64 KiB
   and 1 MiB, through a pipe, splice, cma, tcp, tcp-zc and the shm ring

   What the page shows (web/demo-ratios.js): per mechanism and its copies
   per message, its bytes/s (the median of the reps) at 64 KiB and at
   1 MiB side by side, log scale when they spread. The headline quotes the
   pipe's, splice's and cma's bars at 1 MiB; the notes quote each bar as a
   multiple of the pipe's (tcp-zc of tcp's), size by size. */
#include "demos/demo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/human.h"
#include "mech/mech.h"
#include "demos/exp.h"

/* The jobs are laid out size by mechanism, so each outcome's place
   follows from the two. Each label carries the copies per message the
   catalogue gives (ops->copies; test_demo_copies holds them equal). */
enum copies_mech { C_PIPE, C_SPLICE, C_CMA, C_TCP, C_TCPZC, C_RING, C_NMECH };
enum copies_size { C_64K, C_1M, C_NSIZE };

static const char *const size_names[C_NSIZE] = { "64 KiB", "1 MiB" };

static const struct demo_job copies_jobs[] = {
	{ "pipe 64 KiB, 2 copies", "pipe", "size=64K" },
	{ "splice 64 KiB, 1 copy", "splice", "size=64K" },
	{ "cma 64 KiB, 1 copy", "cma", "size=64K" },
	{ "tcp 64 KiB, 2 copies", "tcp", "size=64K" },
	{ "tcp-zc 64 KiB, 2 copies", "tcp-zc", "size=64K" },
	{ "shm-ring 64 KiB, 2 copies", "shm-ring", "size=64K" },
	{ "pipe 1 MiB, 2 copies", "pipe", "size=1M" },
	{ "splice 1 MiB, 1 copy", "splice", "size=1M" },
	{ "cma 1 MiB, 1 copy", "cma", "size=1M" },
	{ "tcp 1 MiB, 2 copies", "tcp", "size=1M" },
	{ "tcp-zc 1 MiB, 2 copies", "tcp-zc", "size=1M" },
	{ "shm-ring 1 MiB, 2 copies", "shm-ring", "size=1M" },
};

/* find: what the job for (size, mech) measured, or NULL when it did not run */
static const struct demo_outcome *find(const struct demo_outcome *o, int n, int size, int mech)
{
	const struct demo_outcome *r = demo_outcome_at(o, n, size * C_NMECH + mech);

	return r && r->fig.median > 0 ? r : NULL;
}

/* pair: "splice (1) 2.53×" for mech against base at one size, with its
   verdict's words when it is not clear (the reason the first claim at risk
   is goes into why); 1 when mech was not clearly faster (the claim did not
   hold for it) */
static int pair(char *buf, size_t len, const struct demo_outcome *m,
		const struct demo_outcome *base, const char *what, char *why, size_t whylen)
{
	char h[HUMAN_LEN];
	struct verdict v;
	double r = m->fig.median / base->fig.median;
	int holds = demo_claim(m, base, &v, why, whylen);
	int faster = holds && v.kind == VERDICT_CLEAR && v.dir > 0;

	exp_lesson_add(buf, len, "%s %s", what, human_ratio(r, h, sizeof(h)));
	if (v.kind != VERDICT_CLEAR)
		exp_lesson_add(buf, len, " — %s", v.text);
	return !faster;
}

/* not_paid: appends "mech at size" to the list of where a copy removed
   did not pay */
static void not_paid(char *list, size_t len, const char *mech, const char *size)
{
	size_t used = strlen(list);

	snprintf(list + used, len - used, "%s%s at %s", used ? ", " : "", mech, size);
}

/* headline: the bytes/s of the pipe's two copies and of the one-copy
   paths at the largest size that ran, the bars the chart draws */
static void headline(const struct demo_outcome *o, int n, char *buf, size_t len)
{
	char a[HUMAN_LEN], b[HUMAN_LEN], c[HUMAN_LEN];

	for (int sz = C_NSIZE - 1; sz >= 0; sz--) {
		const struct demo_outcome *pipe = find(o, n, sz, C_PIPE);
		const struct demo_outcome *splice = find(o, n, sz, C_SPLICE);
		const struct demo_outcome *cma = find(o, n, sz, C_CMA);

		if (!pipe)
			continue;
		exp_lesson_add(buf, len, "At %s the pipe's two copies moved %s", size_names[sz],
			       human_rate_bytes(pipe->fig.median, a, sizeof(a)));
		if (splice && cma)
			exp_lesson_add(buf, len, "; with one copy splice moved %s and cma %s",
				       human_rate_bytes(splice->fig.median, b, sizeof(b)),
				       human_rate_bytes(cma->fig.median, c, sizeof(c)));
		else if (splice || cma)
			exp_lesson_add(buf, len, "; with one copy %s moved %s", splice ? "splice" : "cma",
				       human_rate_bytes((splice ? splice : cma)->fig.median, b,
							sizeof(b)));
		exp_lesson_add(buf, len, ". ");
		return;
	}
}

static void copies_lesson(const struct demo_outcome *o, int n, char *buf, size_t len, char *why,
			  size_t whylen)
{
	char failed[160] = "", h[HUMAN_LEN], detail[1024] = "";
	int any = 0;

	buf[0] = '\0';
	for (int sz = 0; sz < C_NSIZE; sz++) {
		const struct demo_outcome *pipe = find(o, n, sz, C_PIPE), *tcp = find(o, n, sz, C_TCP);
		const struct demo_outcome *splice = find(o, n, sz, C_SPLICE);
		const struct demo_outcome *cma = find(o, n, sz, C_CMA);
		const struct demo_outcome *zc = find(o, n, sz, C_TCPZC);
		const struct demo_outcome *ring = find(o, n, sz, C_RING);
		size_t dl = sizeof(detail);

		if (!pipe)
			continue;
		exp_lesson_add(detail, dl, "At %s the pipe (2 copies) moved %s; against it ",
			       size_names[sz], human_rate_bytes(pipe->fig.median, h, sizeof(h)));
		if (splice && pair(detail, dl, splice, pipe, "splice (1)", why, whylen))
			not_paid(failed, sizeof(failed), "splice", size_names[sz]);
		if (cma && pair(detail, dl, cma, pipe, splice ? ", cma (1)" : "cma (1)", why, whylen))
			not_paid(failed, sizeof(failed), "cma", size_names[sz]);
		if (ring)
			pair(detail, dl, ring, pipe, splice || cma ? ", shm-ring" : "shm-ring", why, whylen);
		if (tcp && zc)
			pair(detail, dl, zc, tcp, "; tcp-zc against tcp", why, whylen);
		exp_lesson_add(detail, dl, ". ");
		any = 1;
	}
	if (!any) {
		snprintf(buf, len, "The pipe did not run, so there is no lesson this time.");
		return;
	}
	headline(o, n, buf, len);
	if (failed[0])
		exp_lesson_add(buf, len, "A copy removed was not clearly faster here for %s. ", failed);
	else
		exp_lesson_add(buf, len, "Each copy removed paid, at both sizes. ");
	exp_lesson_add(buf, len, "On loopback MSG_ZEROCOPY removes no copy: the kernel copies "
		       "the pinned pages into the receiving socket (zerocopy_copied_sends counts "
		       "them), so tcp-zc adds pinning and completions to tcp's copies (a veth "
		       "to a peer copies too; a network card would not). splice's "
		       "sender still copies into the pages it lends. %s", detail);
}

const struct demo demo_copies = {
	.name = "copies",
	.title = "What a copy costs",
	.claim = "Every copy costs bandwidth; the kernel's zero-copy paths remove them.",
	.method = "64 KiB and 1 MiB messages through a pipe (2 copies), splice and cma (1), "
		  "tcp and tcp-zc (2 on loopback) and the shm ring (2, in user space), by "
		  "bytes per second.",
	/* a short warm-up: the default (up to 16 MiB a rep) would take most of
	   the demo's time at these sizes */
	.defaults = "duration=0.05 reps=5 warmup=8",
	.metric = METRIC_BYTES_PER_S,
	.jobs = copies_jobs,
	.njobs = DEMO_COUNT(copies_jobs),
	.lesson = copies_lesson,
};
