/* test_exp_check.c -- whether an experiment lesson's comparison holds over its reps: one rep, two reps far apart, clean reps, overlapping ranges, recorded series; and the caveat's words */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "demos/exp.h"

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* cmp: a claim that side a (xa) differs from side b (xb), higher is better */
static struct exp_cmp cmp(const double *xa, int na, const double *xb, int nb)
{
	return (struct exp_cmp){ .a = { "A", xa, na, NULL }, .b = { "B", xb, nb, NULL },
				 .unit = "msgs/s", .higher = true, .kind = EXP_DIFFERS };
}

static void test_one_rep(void **state)
{
	const double a[] = { 5e6 }, b[] = { 1e6 };
	struct exp_cmp c = cmp(a, 1, b, 1);
	char why[EXP_WHY_LEN];

	(void)state;
	/* a 5× gap, but one rep shows nothing of how far a figure wanders */
	assert_int_equal(exp_compare(&c, why, sizeof(why)), 0);
	assert_non_null(strstr(why, "A ran once"));
	/* "about the same" cannot rest on one rep either */
	c.kind = EXP_ALIKE;
	assert_int_equal(exp_compare(&c, why, sizeof(why)), 0);
}

static void test_two_reps_three_times_apart(void **state)
{
	const double a[] = { 1e6, 3e6 }, near[] = { 4e6, 4.4e6 }, far[] = { 60e6, 66e6 };
	struct exp_cmp c = cmp(a, N(a), near, N(near));
	char why[EXP_WHY_LEN];

	(void)state;
	/* the ranges are apart, but the 2.1× gap between the medians is no
	   wider than A's own 3× between its two reps */
	assert_int_equal(exp_compare(&c, why, sizeof(why)), 0);
	assert_non_null(strstr(why, "2.1× gap is no wider than the 3×"));
	assert_non_null(strstr(why, "A (1 M to 3 M msgs/s) against B (4 M to 4.4 M msgs/s)"));
	/* 31× is far wider than 3×: that claim holds */
	c = cmp(a, N(a), far, N(far));
	assert_int_equal(exp_compare(&c, why, sizeof(why)), 1);
	assert_string_equal(why, "");
}

static void test_clean_reps_five_times_apart(void **state)
{
	const double a[] = { 10.0e6, 10.2e6, 9.9e6, 10.1e6 }, b[] = { 50e6, 51e6, 49.5e6, 50.5e6 };
	struct exp_cmp c = cmp(a, N(a), b, N(b));
	char why[EXP_WHY_LEN] = "stale";

	(void)state;
	assert_int_equal(exp_compare(&c, why, sizeof(why)), 1);
	assert_string_equal(why, "");
}

static void test_overlapping_ranges(void **state)
{
	const double a[] = { 10e6, 12e6, 14e6 }, b[] = { 13e6, 15e6, 16e6 };
	struct exp_cmp c = cmp(a, N(a), b, N(b));
	char why[EXP_WHY_LEN];

	(void)state;
	assert_int_equal(exp_compare(&c, why, sizeof(why)), 0);
	assert_non_null(strstr(why, "overlap"));
	/* the same reps carry "about the same" */
	c.kind = EXP_ALIKE;
	assert_int_equal(exp_compare(&c, why, sizeof(why)), 1);
}

static void test_regimes_and_outliers(void **state)
{
	const double two[] = { 4.7e6, 89e6, 4.5e6, 90e6, 5.0e6, 85e6 };
	const double out[] = { 1e6, 1.02e6, 5e6 }, b[] = { 50e6, 51e6, 52e6 };
	struct exp_cmp c = cmp(two, N(two), b, N(b));
	char why[EXP_WHY_LEN];

	(void)state;
	assert_int_equal(exp_compare(&c, why, sizeof(why)), 0);
	assert_non_null(strstr(why, "A: its reps ran in two regimes"));
	c = cmp(out, N(out), b, N(b));
	assert_int_equal(exp_compare(&c, why, sizeof(why)), 0);
	assert_non_null(strstr(why, "A: rep 3 ran"));
}

static void disturb(struct interference *in, int n, double other_pct)
{
	for (int i = 0; i < n; i++) {
		interference_init(&in[i]);
		in[i].other_cpu_pct = other_pct;
		in[i].steal_pct = 0;
	}
}

static void test_disturbed_reps(void **state)
{
	const double a[] = { 10e6, 10.5e6, 11e6 }, b[] = { 11.2e6, 11.5e6, 11.8e6 };
	struct interference in[3];
	struct exp_cmp c = cmp(a, N(a), b, N(b));
	char why[EXP_WHY_LEN];

	(void)state;
	/* apart, three clean reps each: a 1.1× gap holds */
	disturb(in, 3, 1);
	c.a.in = in;
	assert_int_equal(exp_compare(&c, why, sizeof(why)), 1);
	/* every rep of A shared its CPUs: the gap must beat A's own spread */
	disturb(in, 3, 40);
	assert_int_equal(exp_compare(&c, why, sizeof(why)), 0);
	assert_non_null(strstr(why, "disturbed"));
}

/* Series recorded on the 2-vCPU VM these tests run on (2026-11-30,
   `ipcscope bench NAME --reps 6 --duration 0.1`, msgs/s), and the ten reps
   of one shm-ring bench that put it at 0.055× of threads in a compare. */
static const double rec_threads[] = { 24037634, 15488692, 18067012, 21955386, 25122375,
				      20477834 };
static const double rec_shm_ring[] = { 12310635, 23021406, 16057390, 8418766, 18706276,
				       24837259 };
static const double rec_pipe[] = { 400480, 665148, 956217, 996689, 720830, 1294884 };
static const double rec_ring_ten[] = { 71e6, 89e6, 4e6, 89e6, 82e6, 74e6, 82e6, 88e6, 90e6,
				       77e6 };
/* false-sharing, reps 2: both processes' increments/s, shared line and 64 B apart */
static const double rec_fs_same[] = { 2008525156, 1614702304 };
static const double rec_fs_pad[] = { 5516749621, 3963419516 };

static void test_recorded_series(void **state)
{
	struct exp_cmp c = cmp(rec_shm_ring, N(rec_shm_ring), rec_threads, N(rec_threads));
	char why[EXP_WHY_LEN];

	(void)state;
	/* the ring between processes, 8.4 M to 25 M: its median is only within
	   ±51.6 %; and its range overlaps threads' */
	assert_int_equal(exp_compare(&c, why, sizeof(why)), 0);
	assert_non_null(strstr(why, "A: its 95% interval is ±51.6%"));
	c.kind = EXP_ALIKE;
	assert_int_equal(exp_compare(&c, why, sizeof(why)), 0);
	/* pipe's six reps span 3.2×: its median is only within ±54 % */
	c = cmp(rec_threads, N(rec_threads), rec_pipe, N(rec_pipe));
	assert_int_equal(exp_compare(&c, why, sizeof(why)), 0);
	assert_non_null(strstr(why, "95% interval"));
	/* rep 3 of ten ran 20× slower: flagged, whatever the other side */
	c = cmp(rec_ring_ten, N(rec_ring_ten), rec_pipe, N(rec_pipe));
	assert_int_equal(exp_compare(&c, why, sizeof(why)), 0);
	assert_non_null(strstr(why, "rep 3 ran"));
	/* padding's 2.6× against at most 1.4× between two reps: it holds */
	c = cmp(rec_fs_pad, N(rec_fs_pad), rec_fs_same, N(rec_fs_same));
	assert_int_equal(exp_compare(&c, why, sizeof(why)), 1);
}

static void test_claim_keeps_first_reason(void **state)
{
	const double one[] = { 1e6 }, a[] = { 10e6, 12e6, 14e6 }, b[] = { 13e6, 15e6, 16e6 };
	struct exp_out o = { 0 };
	struct exp_cmp first = cmp(one, 1, b, N(b)), second = cmp(a, N(a), b, N(b));

	(void)state;
	assert_int_equal(exp_claim(&o, &first), 0);
	assert_int_equal(exp_claim(&o, &second), 0);
	assert_non_null(strstr(o.why, "A ran once"));
	assert_null(strstr(o.why, "overlap"));
}

static void test_caveat_words(void **state)
{
	char text[128] = "Padding made them 2.6× faster.", tiny[40] = "Padding made them faster.";

	(void)state;
	exp_caveat(text, sizeof(text), "");
	assert_string_equal(text, "Padding made them 2.6× faster.");
	exp_caveat(text, sizeof(text), "A ran once");
	assert_string_equal(text, "Unreliable here (A ran once), so take this with care: "
			    "Padding made them 2.6× faster.");
	/* no room: cut, never overrun */
	exp_caveat(tiny, sizeof(tiny), "A ran once");
	assert_int_equal(strlen(tiny), sizeof(tiny) - 1);
	assert_memory_equal(tiny, "Unreliable here (A ran once)", 28);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_one_rep),
		cmocka_unit_test(test_two_reps_three_times_apart),
		cmocka_unit_test(test_clean_reps_five_times_apart),
		cmocka_unit_test(test_overlapping_ranges),
		cmocka_unit_test(test_regimes_and_outliers),
		cmocka_unit_test(test_disturbed_reps),
		cmocka_unit_test(test_recorded_series),
		cmocka_unit_test(test_claim_keeps_first_reason),
		cmocka_unit_test(test_caveat_words),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
