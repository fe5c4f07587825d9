/* test_trust.c -- the judgement of a job's reps: outliers and regimes in words, the ci target, disturbed reps, a moved platform */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "stats/trust.h"

static const int reps[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};

static void quiet(struct interference *in, int n)
{
	for (int i = 0; i < n; i++) {
		interference_init(&in[i]);
		in[i].other_cpu_pct = 1;
		in[i].steal_pct = 0;
		in[i].line_rtt_ns = 131;
	}
}

static void test_outlier_in_words(void **state)
{
	const double x[] = {4.7e6, 4.7e6, 89e6};
	struct trust t;

	(void)state;
	trust_judge(&t, x, reps, NULL, 3, true, 0, "msgs/s");
	assert_int_equal(t.noutliers, 1);
	assert_int_equal(t.outliers[0], 3);
	/* 89 / 4.7 = 18.9: "19×" for people */
	assert_non_null(strstr(t.notes[0], "rep 3 ran 19×"));
	assert_non_null(strstr(t.notes[0], "faster than the others"));
	assert_non_null(strstr(t.why, "rep 3"));
	/* the same figures as latencies: the big one is the slow one */
	trust_judge(&t, x, reps, NULL, 3, false, 0, "ns");
	assert_non_null(strstr(t.notes[0], "slower than the others"));
}

static void test_two_regimes(void **state)
{
	const double x[] = {4.7e6, 89e6, 4.5e6, 90e6, 5.0e6, 85e6};
	struct trust t;
	cJSON *o = cJSON_CreateObject();

	(void)state;
	trust_judge(&t, x, reps, NULL, 6, true, 5, "msgs/s");
	assert_true(t.modes.bimodal);
	assert_int_equal(t.noutliers, 0);
	assert_non_null(strstr(t.why, "two regimes"));
	trust_summary_json(&t, o);
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(o, "bimodal")));
	assert_non_null(cJSON_GetObjectItem(o, "regimes"));
	assert_true(cJSON_IsFalse(cJSON_GetObjectItem(o, "ci_reached")));
	assert_int_equal(cJSON_GetObjectItem(o, "reps_used")->valueint, 6);
	assert_true(cJSON_IsString(cJSON_GetObjectItem(o, "unreliable")));
	cJSON_Delete(o);
}

static void test_ci_target(void **state)
{
	const double drift[] = {100, 103, 106, 109, 112, 115, 118, 121, 124, 127};
	const double tight[] = {100, 101, 99, 100.5, 99.5, 100.2};
	struct trust t;

	(void)state;
	/* +-9.3 %: missed a 5 % target, but not by 2x: said, not unreliable */
	trust_judge(&t, drift, reps, NULL, 10, true, 5, "msgs/s");
	assert_false(t.ci_reached);
	assert_int_equal(t.nnotes, 1);
	assert_non_null(strstr(t.notes[0], "not the ±5% asked"));
	assert_string_equal(t.why, "");
	/* against 2 % it is far off */
	trust_judge(&t, drift, reps, NULL, 10, true, 2, "msgs/s");
	assert_non_null(strstr(t.why, "not ±2%"));
	trust_judge(&t, tight, reps, NULL, 6, true, 5, "msgs/s");
	assert_true(t.ci_reached);
	assert_string_equal(t.why, "");
	assert_int_equal(t.nnotes, 0);
}

static void test_too_few_for_an_interval(void **state)
{
	const double one[] = {5.4e6};
	const double close[] = {100, 104, 98};
	const double apart[] = {4.7e6, 89e6, 71e6};
	struct trust t;

	(void)state;
	/* with a ci asked, one rep is never enough */
	trust_judge(&t, one, reps, NULL, 1, true, 5, "msgs/s");
	assert_false(t.has_ci);
	assert_non_null(strstr(t.why, "one rep"));
	/* without one (a plain bench), one rep is what was asked for */
	trust_judge(&t, one, reps, NULL, 1, true, 0, "msgs/s");
	assert_string_equal(t.why, "");
	assert_int_equal(t.nnotes, 0);
	/* three reps within +-3 %: said, not unreliable */
	trust_judge(&t, close, reps, NULL, 3, true, 5, "msgs/s");
	assert_string_equal(t.why, "");
	assert_non_null(strstr(t.notes[0], "too few for a 95% interval"));
	/* three reps 19x apart: unreliable, whatever else is said */
	trust_judge(&t, apart, reps, NULL, 3, true, 5, "msgs/s");
	assert_true(t.why[0] != '\0');
}

static void test_disturbed_and_moved(void **state)
{
	const double x[] = {100, 101, 99, 100.5, 99.5, 100.2};
	struct interference in[6];
	struct trust t;

	(void)state;
	quiet(in, 6);
	trust_judge(&t, x, reps, in, 6, true, 0, "msgs/s");
	assert_int_equal(t.ndisturbed, 0);
	assert_false(t.platform_moved);
	in[1].other_cpu_pct = 38;
	in[4].steal_pct = 7;
	in[5].line_rtt_ns = 467;
	in[3].line_rtt_ns = -1;     /* not measured: ignored */
	trust_judge(&t, x, reps, in, 6, true, 0, "msgs/s");
	assert_int_equal(t.ndisturbed, 2);
	assert_int_equal(t.disturbed[0], 2);
	assert_int_equal(t.disturbed[1], 5);
	assert_true(t.platform_moved);
	assert_non_null(strstr(t.notes[0], "platform moved"));
	/* a moved platform is said, but the figures themselves agree */
	assert_string_equal(t.why, "");
}

static void test_interference_json(void **state)
{
	struct interference x;
	cJSON *o;

	(void)state;
	interference_init(&x);
	x.other_cpu_pct = 12;
	x.steal_pct = 0;
	x.involuntary_ctx = 3;
	o = trust_interference_json(&x);
	assert_true(cJSON_GetObjectItem(o, "other_cpu_pct")->valuedouble == 12);
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(o, "migrations")));
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(o, "line_rtt_ns")));
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(o, "disturbed")));
	cJSON_Delete(o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_outlier_in_words),
		cmocka_unit_test(test_two_regimes),
		cmocka_unit_test(test_ci_target),
		cmocka_unit_test(test_too_few_for_an_interval),
		cmocka_unit_test(test_disturbed_and_moved),
		cmocka_unit_test(test_interference_json),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
