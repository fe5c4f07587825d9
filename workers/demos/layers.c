/* layers.c -- the demo "layers": what ZeroMQ, gRPC, D-Bus and Node's channel cost on top of a unix socket

   What the page shows (web/demo-ratios.js): per layer, its time per
   message as a multiple of the unix socket's (the socket's median rate
   over the layer's), one bar for each of 64 B and 4 KiB round trips and
   streams, with the socket as a 1× line. The headline (the dearest layer)
   quotes the tallest bar; the support gives the socket's own figures, the
   1× line; the notes quote every bar, size by size. The comparison table
   under it takes the socket as its baseline too (.baseline). */
#include "demos/demo.h"

#include <stdio.h>

#include "base/human.h"
#include "demos/exp.h"

/* The jobs are laid out size by mode by mechanism (see layers_jobs), so
   each outcome's place follows from the three. */
enum layer_mech { L_UNIX, L_ZMQ, L_GRPC, L_DBUS, L_NODE, L_NMECH };
enum layer_mode { L_LATENCY, L_THROUGHPUT, L_NMODE };
enum layer_size { L_64, L_4K, L_NSIZE };

static const char *const mech_names[L_NMECH] = { "unix", "zmq", "grpc", "dbus", "node" };
static const char *const size_names[L_NSIZE] = { "64 B", "4 KiB" };

static int job_of(int size, int mode, int mech)
{
	return (size * L_NMODE + mode) * L_NMECH + mech;
}

/* find: what the job for (size, mode, mech) measured, or NULL when it did not run */
static const struct demo_outcome *find(const struct demo_outcome *o, int n, int size,
				       int mode, int mech)
{
	const struct demo_outcome *r = demo_outcome_at(o, n, job_of(size, mode, mech));

	return r && r->fig.median > 0 ? r : NULL;
}

/* The extremes over every size and mode, for the headline and the
   sentence on layers under 1x: each with the pair of jobs its claim rests on */
struct extremes {
	double dear, cheap;
	char dear_what[48], cheap_what[48];
	const struct demo_outcome *dear_l, *dear_raw, *cheap_l, *cheap_raw;
};

static void note(struct extremes *e, double x, const struct demo_outcome *l,
		 const struct demo_outcome *raw, const char *mech, const char *size, int mode)
{
	const char *how = mode == L_LATENCY ? "round trips" : "streams";

	if (x > e->dear) {
		e->dear = x;
		e->dear_l = l;
		e->dear_raw = raw;
		snprintf(e->dear_what, sizeof(e->dear_what), "%s in %s %s", mech, size, how);
	}
	if (!e->cheap || x < e->cheap) {
		e->cheap = x;
		e->cheap_l = l;
		e->cheap_raw = raw;
		snprintf(e->cheap_what, sizeof(e->cheap_what), "%s in %s %s", mech, size, how);
	}
}

/* cost_sentence: for one size and mode, each layer's cost per message in
   multiples of the unix socket's (its rate divided by the layer's: round
   trips per second in latency mode, messages per second streaming) */
static void cost_sentence(const struct demo_outcome *o, int n, int sz, int mode,
			  char *buf, size_t len, struct extremes *e)
{
	const struct demo_outcome *raw = find(o, n, sz, mode, L_UNIX);
	const char *size = size_names[sz];
	int lat = mode == L_LATENCY, first = 1;
	char a[HUMAN_LEN], b[HUMAN_LEN];

	if (!raw)
		return;
	if (lat)
		exp_lesson_add(buf, len, "At %s a round trip over the unix socket took %s; through", size,
		    human_seconds(1.0 / raw->fig.median, a, sizeof(a)));
	else
		exp_lesson_add(buf, len, "Streaming %s messages, the socket moved %s; each message "
		    "through", size, human_si(raw->fig.median, "messages/s", a, sizeof(a)));
	for (int i = L_UNIX + 1; i < L_NMECH; i++) {
		const struct demo_outcome *l = find(o, n, sz, mode, i);
		double x;

		if (!l)
			continue;
		char risk[EXP_WHY_LEN] = "";

		x = raw->fig.median / l->fig.median;
		/* a note whose comparison the noise could change says so where
		   it stands; only the headline's and the sentence on layers
		   under 1x put the lesson under a caution */
		exp_lesson_add(buf, len, "%s %s %s%s", first ? "" : ",", mech_names[i],
		    human_ratio(x, b, sizeof(b)),
		    demo_claim(l, raw, NULL, risk, sizeof(risk)) ? "" : " (unsure here)");
		first = 0;
		note(e, x, l, raw, mech_names[i], size, mode);
	}
	exp_lesson_add(buf, len, first ? " no layer ran. " : lat ? " that time. " : " the socket's time. ");
}

/* raw_sentence: what the unix socket itself did, the baseline of the
   chart's 1× line: its round trip at each size, then its stream rate */
static void raw_sentence(const struct demo_outcome *o, int n, char *buf, size_t len)
{
	const struct demo_outcome *r64 = find(o, n, L_64, L_LATENCY, L_UNIX);
	const struct demo_outcome *r4k = find(o, n, L_4K, L_LATENCY, L_UNIX);
	const struct demo_outcome *s64 = find(o, n, L_64, L_THROUGHPUT, L_UNIX);
	const struct demo_outcome *s4k = find(o, n, L_4K, L_THROUGHPUT, L_UNIX);
	char a[HUMAN_LEN], b[HUMAN_LEN];

	if (r64 && r4k)
		exp_lesson_add(buf, len, "The unix socket itself took %s a round trip at 64 B and %s "
		    "at 4 KiB", human_seconds(1.0 / r64->fig.median, a, sizeof(a)),
		    human_seconds(1.0 / r4k->fig.median, b, sizeof(b)));
	if (s64 && s4k)
		exp_lesson_add(buf, len, "%sstreamed %s and %s", r64 && r4k ? ", and " :
		    "The unix socket itself ", human_si(s64->fig.median, "messages/s", a, sizeof(a)),
		    human_si(s4k->fig.median, "", b, sizeof(b)));
	if ((r64 && r4k) || (s64 && s4k))
		exp_lesson_add(buf, len, ": each bar is a layer's time per message over that. ");
}

static void layers_lesson(const struct demo_outcome *o, int n, char *buf, size_t len,
			  char *why, size_t wlen)
{
	struct extremes e = { 0 };
	char x[HUMAN_LEN], detail[1536] = "";

	buf[0] = '\0';
	for (int s = 0; s < L_NSIZE; s++)
		for (int m = 0; m < L_NMODE; m++)
			cost_sentence(o, n, s, m, detail, sizeof(detail), &e);
	if (!e.dear) {
		snprintf(buf, len, "The unix socket or every layer failed to run, so there is "
			 "no lesson this time.");
		return;
	}
	demo_claim(e.dear_l, e.dear_raw, NULL, why, wlen);
	if (e.cheap < 1)
		demo_claim(e.cheap_l, e.cheap_raw, NULL, why, wlen);
	exp_lesson_add(buf, len, "The dearest layer here was %s, at %s the unix socket's time "
	    "per message. ", e.dear_what, human_ratio(e.dear, x, sizeof(x)));
	raw_sentence(o, n, buf, len);
	if (e.cheap < 1)
		exp_lesson_add(buf, len, "Under 1× means faster than the plain socket: %s (%s), which "
		    "batches messages in a library thread, or the noise of a busy machine. ",
		    e.cheap_what, human_ratio(e.cheap, x, sizeof(x)));
	exp_lesson_add(buf, len, "%s", detail);
}

/* in the order job_of computes: mode, then mechanism in enum layer_mech order */
#define LAYER_JOBS(size, arg) \
	{ "unix " size " latency", "unix", "mode=latency size=" arg }, \
	{ "zmq " size " latency", "zmq", "mode=latency size=" arg }, \
	{ "grpc " size " latency", "grpc", "mode=latency size=" arg }, \
	{ "dbus " size " latency", "dbus", "mode=latency size=" arg }, \
	{ "node " size " latency", "node", "mode=latency size=" arg }, \
	{ "unix " size " throughput", "unix", "size=" arg }, \
	{ "zmq " size " throughput", "zmq", "size=" arg }, \
	{ "grpc " size " throughput", "grpc", "size=" arg }, \
	{ "dbus " size " throughput", "dbus", "size=" arg }, \
	{ "node " size " throughput", "node", "size=" arg }

static const struct demo_job layers_jobs[] = {
	LAYER_JOBS("64 B", "64"), LAYER_JOBS("4 KiB", "4K"),
};

_Static_assert(DEMO_COUNT(layers_jobs) == L_NSIZE * L_NMODE * L_NMECH,
	       "one job per size, mode and mechanism");

const struct demo demo_layers = {
	.name = "layers",
	.title = "What a layer on top of a socket costs",
	.claim = "Messaging layers (ZeroMQ, gRPC, D-Bus, Node's IPC channel) are "
		 "convenient but cost several times the raw socket under them.",
	.method = "unix, zmq, grpc, dbus and node at 64 B and 4 KiB, round trips and "
		  "streams; each layer's cost per message in multiples of the socket's.",
	/* 100 reps in all: short ones, and a short warm-up (the default 1000
	   round trips through a layer take longer than the timed part; 30
	   cover the connection's first calls). 20 ms a rep still times some
	   hundred gRPC round trips; five reps a job give each comparison an
	   interval over every rep (a layer several times the socket's cost is
	   told apart at 5 against 5), where six would pair them. */
	.defaults = "duration=0.02 reps=5 warmup=30",
	.baseline = "unix",
	.metric = METRIC_MSGS_PER_S,
	.jobs = layers_jobs,
	.njobs = DEMO_COUNT(layers_jobs),
	.lesson = layers_lesson,
};
