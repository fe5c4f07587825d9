/* test_demo_layers.c -- the layers demo's lesson: each layer's cost in multiples of the unix socket, formatted for people */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "demos/demo.h"
#include "base/human.h"

#define LESSON_LEN 2048

extern const struct demo demo_layers;

/* outcomes: every job of the demo, with rate[i] its median (0: failed) */
static int outcomes(struct demo_outcome *o, const double *rate)
{
	for (int i = 0; i < demo_layers.njobs; i++) {
		memset(&o[i], 0, sizeof(o[i]));
		o[i].label = demo_layers.jobs[i].label;
		o[i].mech = demo_layers.jobs[i].mech;
		o[i].ok = rate[i] > 0;
		o[i].fig.median = o[i].fig.min = o[i].fig.max = rate[i];
	}
	return demo_layers.njobs;
}

static void lesson_ok(const char *lesson, const char *const *want)
{
	char bad[64];

	if (human_check(lesson, bad, sizeof(bad)) != 0)
		fail_msg("unformatted number '%s' in: %s", bad, lesson);
	for (int i = 0; want[i]; i++)
		if (!strstr(lesson, want[i]))
			fail_msg("'%s' missing from: %s", want[i], lesson);
}

/* jobs run unix, zmq, grpc, dbus, node for (64 B, 4 KiB) x (latency,
   throughput): the socket at 50 k round trips/s (20 µs) and 400 k
   messages/s, the layers at fixed fractions of it */
static void test_multiples(void **state)
{
	static const double rate[20] = {
		50000, 25000, 5000, 10000, 12500, 400000, 800000, 20000, 40000, 100000,
		40000, 20000, 4000, 8000, 10000, 300000, 150000, 15000, 30000, 60000,
	};
	struct demo_outcome o[DEMO_MAX_JOBS];
	char lesson[LESSON_LEN], why[VERDICT_WHY_LEN] = "";
	static const char *const want[] = {
		"round trip over the unix socket took 20 µs", "zmq 2×", "grpc 10×", "dbus 5×",
		"node 4×", "400 k messages/s", "zmq 0.5×", "grpc 20×", "dbus 10×",
		"The dearest layer here was grpc in 64 B streams, at 20× the unix socket's time per message. The unix socket itself took 20 µs a round trip at 64 B and 25 µs at 4 KiB, and streamed 400 k messages/s and 300 k: each bar",
		"Under 1× means faster than the plain socket: zmq in 64 B streams (0.5×)", NULL,
	};

	(void)state;
	demo_layers.lesson(o, outcomes(o, rate), lesson, sizeof(lesson), why, sizeof(why));
	lesson_ok(lesson, want);
}

/* with_reps: each outcome gets 8 interleaved reps within +-1 % of its
   median; the jobs in disturbed[] have every rep disturbed (nothing is
   left to check their comparisons without them) */
static void with_reps(struct demo_outcome *o, int n, const int *disturbed, int nd)
{
	for (int i = 0; i < n; i++) {
		o[i].nreps = 8;
		o[i].higher = true;
		o[i].margin_pct = 5;
		for (int r = 0; r < 8; r++) {
			o[i].x[r] = o[i].fig.median * (1 + 0.01 * (r % 3 - 1));
			o[i].round[r] = r + 1;
			o[i].disturbed[r] = false;
			for (int d = 0; d < nd; d++)
				if (disturbed[d] == i)
					o[i].disturbed[r] = true;
		}
	}
}

/* a note whose comparison rests on disturbed reps is hedged where it
   stands; the lesson carries a caution only when the headline's does */
static void test_caution_where_at_risk(void **state)
{
	static const double rate[20] = {
		50000, 25000, 5000, 10000, 12500, 400000, 800000, 20000, 40000, 100000,
		40000, 20000, 4000, 8000, 10000, 300000, 150000, 15000, 30000, 60000,
	};
	struct demo_outcome o[DEMO_MAX_JOBS];
	char lesson[LESSON_LEN], why[VERDICT_WHY_LEN] = "";
	int n = outcomes(o, rate);
	const int zmq_64_rtt[] = { 1 }, grpc_64_stream[] = { 7 };

	(void)state;
	with_reps(o, n, zmq_64_rtt, 1);
	demo_layers.lesson(o, n, lesson, sizeof(lesson), why, sizeof(why));
	if (why[0])
		fail_msg("a caution on the whole lesson for a note's comparison: %s", why);
	if (!strstr(lesson, "zmq 2× (unsure here)") || strstr(lesson, "grpc 10× (unsure here)"))
		fail_msg("only the disturbed note is hedged: %s", lesson);

	n = outcomes(o, rate);
	with_reps(o, n, grpc_64_stream, 1);
	why[0] = '\0';
	demo_layers.lesson(o, n, lesson, sizeof(lesson), why, sizeof(why));
	if (!why[0])
		fail_msg("the headline rests on disturbed reps, but no caution: %s", lesson);
}

static void test_missing_socket(void **state)
{
	double rate[20] = { 0 };
	struct demo_outcome o[DEMO_MAX_JOBS];
	char lesson[LESSON_LEN], why[VERDICT_WHY_LEN] = "";

	(void)state;
	for (int i = 0; i < 20; i++)
		rate[i] = i % 5 ? 1000 : 0;     /* every layer ran, the socket never */
	demo_layers.lesson(o, outcomes(o, rate), lesson, sizeof(lesson), why, sizeof(why));
	assert_non_null(strstr(lesson, "no lesson this time"));
}

static void test_jobs(void **state)
{
	(void)state;
	assert_int_equal(demo_layers.njobs, 20);
	assert_true(demo_layers.njobs <= DEMO_MAX_JOBS);
	assert_ptr_equal(demo_find("layers"), &demo_layers);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_multiples),
		cmocka_unit_test(test_caution_where_at_risk),
		cmocka_unit_test(test_missing_socket),
		cmocka_unit_test(test_jobs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
