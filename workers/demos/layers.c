/* layers.c -- the demo "layers": what ZeroMQ, gRPC, D-Bus and Node's channel cost on top of a unix socket */
#include "demo.h"

#include <stdio.h>
#include <string.h>

#include "../human.h"
#include "exp.h"

#define LAYERS_N 4

static const char *const layer_names[LAYERS_N] = { "zmq", "grpc", "dbus", "node" };

/* find: the outcome labelled "<mech> <size> <mode>", or NULL when it did not run */
static const struct demo_outcome *find(const struct demo_outcome *o, int n, const char *mech,
				       const char *size, const char *mode)
{
	char label[64];

	snprintf(label, sizeof(label), "%s %s %s", mech, size, mode);
	for (int i = 0; i < n; i++)
		if (o[i].ok && o[i].fig.median > 0 && strcmp(o[i].label, label) == 0)
			return &o[i];
	return NULL;
}

/* The extremes over every size and mode, for the closing sentence. */
struct extremes {
	double dear, cheap;
	char dear_what[48], cheap_what[48];
};

static void note(struct extremes *e, double x, const char *mech, const char *size,
		 const char *mode)
{
	const char *how = strcmp(mode, "latency") == 0 ? "round trips" : "streams";

	if (x > e->dear) {
		e->dear = x;
		snprintf(e->dear_what, sizeof(e->dear_what), "%s in %s %s", mech, size, how);
	}
	if (!e->cheap || x < e->cheap) {
		e->cheap = x;
		snprintf(e->cheap_what, sizeof(e->cheap_what), "%s in %s %s", mech, size, how);
	}
}

/* cost_sentence: for one size and mode, each layer's cost per message in
   multiples of the unix socket's (its rate divided by the layer's: round
   trips per second in latency mode, messages per second streaming) */
static void cost_sentence(const struct demo_outcome *o, int n, const char *size,
			  const char *mode, char *buf, size_t len, struct extremes *e)
{
	const struct demo_outcome *raw = find(o, n, "unix", size, mode);
	int lat = strcmp(mode, "latency") == 0, first = 1;
	char a[HUMAN_LEN], b[HUMAN_LEN];

	if (!raw)
		return;
	if (lat)
		exp_lesson_add(buf, len, "At %s a round trip over the unix socket took %s; through", size,
		    human_seconds(1.0 / raw->fig.median, a, sizeof(a)));
	else
		exp_lesson_add(buf, len, "Streaming %s messages, the socket moved %s; each message "
		    "through", size, human_si(raw->fig.median, "messages/s", a, sizeof(a)));
	for (int i = 0; i < LAYERS_N; i++) {
		const struct demo_outcome *l = find(o, n, layer_names[i], size, mode);
		double x;

		if (!l)
			continue;
		x = raw->fig.median / l->fig.median;
		exp_lesson_add(buf, len, "%s %s %s", first ? "" : ",", layer_names[i],
		    human_ratio(x, b, sizeof(b)));
		first = 0;
		note(e, x, layer_names[i], size, mode);
	}
	exp_lesson_add(buf, len, first ? " no layer ran. " : lat ? " that time. " : " the socket's time. ");
}

static void layers_lesson(const struct demo_outcome *o, int n, char *buf, size_t len)
{
	static const char *const sizes[] = { "64 B", "4 KiB" };
	static const char *const modes[] = { "latency", "throughput" };
	struct extremes e = { 0 };
	char x[HUMAN_LEN];

	buf[0] = '\0';
	for (int s = 0; s < 2; s++)
		for (int m = 0; m < 2; m++)
			cost_sentence(o, n, sizes[s], modes[m], buf, len, &e);
	if (!e.dear) {
		snprintf(buf, len, "The unix socket or every layer failed to run, so there is "
			 "no lesson this time.");
		return;
	}
	exp_lesson_add(buf, len, "The dearest layer here was %s, at %s the socket's cost per message. ",
	    e.dear_what, human_ratio(e.dear, x, sizeof(x)));
	if (e.cheap < 1)
		exp_lesson_add(buf, len, "Under 1× means faster than the plain socket: %s (%s), which "
		    "batches messages in a library thread, or the noise of a busy machine.",
		    e.cheap_what, human_ratio(e.cheap, x, sizeof(x)));
}

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

const struct demo demo_layers = {
	.name = "layers",
	.title = "What a layer on top of a socket costs",
	.claim = "Messaging layers (ZeroMQ, gRPC, D-Bus, Node's IPC channel) are "
		 "convenient but cost several times the raw socket under them.",
	.method = "unix, zmq, grpc, dbus and node at 64 B and 4 KiB, round trips and "
		  "streams; each layer's cost per message in multiples of the socket's.",
	.defaults = "duration=0.2 reps=3",
	.metric = METRIC_MSGS_PER_S,
	.jobs = layers_jobs,
	.njobs = DEMO_COUNT(layers_jobs),
	.lesson = layers_lesson,
};
