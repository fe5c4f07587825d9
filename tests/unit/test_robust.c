/* test_robust.c -- outliers, two regimes, the median's CI and the stopping rule on series with known answers */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>

#include "stats/robust.h"

#define N_OF(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* the same bench measured ten times on a VM (M msgs/s), rep 3 disturbed */
static const double one_outlier[] = {71, 89, 4, 89, 82, 74, 82, 88, 90, 77};
static const double clean[] = {100, 101, 99, 100.5, 99.5, 100.2};
static const double two_clusters[] = {4.7, 89, 4.5, 90, 5.0, 85};
static const double drift[] = {100, 103, 106, 109, 112, 115, 118, 121, 124, 127};

static void test_clean(void **state)
{
	int reps[N_OF(clean)];
	struct robust_ci ci;

	(void)state;
	assert_int_equal(robust_outliers(clean, N_OF(clean), reps), 0);
	assert_false(robust_bimodal(clean, N_OF(clean), NULL));
	assert_int_equal(robust_median_ci(clean, N_OF(clean), &ci), 0);
	assert_true(fabs(ci.median - 100.1) < 1e-9);
	assert_true(ci.lo == 99 && ci.hi == 101);
	assert_true(fabs(ci.half_pct - 1.1 / 100.1 * 100) < 1e-9);
	assert_true(robust_ci_reached(clean, N_OF(clean), 2));
	assert_false(robust_ci_reached(clean, N_OF(clean), 1));
}

static void test_one_outlier(void **state)
{
	int reps[N_OF(one_outlier)];
	double f;

	(void)state;
	assert_int_equal(robust_outliers(one_outlier, N_OF(one_outlier), reps), 1);
	assert_int_equal(reps[0], 3);
	assert_false(robust_bimodal(one_outlier, N_OF(one_outlier), NULL));
	/* 4 against the median 82 of the nine others */
	f = robust_outlier_factor(one_outlier, N_OF(one_outlier), 2);
	assert_true(fabs(f - 4.0 / 82) < 1e-9);
	assert_true(fabs(robust_outlier_factor(one_outlier, N_OF(one_outlier), 1) -
			 89.0 / 82) < 1e-9);
}

static void test_three_reps(void **state)
{
	const double x[] = {4.7, 4.7, 89}, y[] = {89, 4.7, 89};
	int reps[3];

	(void)state;
	/* with three reps, the odd one out is fenced out either way round */
	assert_int_equal(robust_outliers(x, 3, reps), 1);
	assert_int_equal(reps[0], 3);
	assert_int_equal(robust_outliers(y, 3, reps), 1);
	assert_int_equal(reps[0], 2);
	assert_int_equal(robust_outliers(x, 2, reps), 0);
	assert_false(robust_bimodal(x, 3, NULL));
}

static void test_everyday_noise_is_not_an_outlier(void **state)
{
	const double near[] = {100, 100.5, 113}, far[] = {100, 100.5, 130};
	int reps[3];

	(void)state;
	/* two reps agree closely: the third, 13 % off, is still not fenced out */
	assert_int_equal(robust_outliers(near, 3, reps), 0);
	/* 30 % off is */
	assert_int_equal(robust_outliers(far, 3, reps), 1);
	assert_int_equal(reps[0], 3);
}

static void test_two_clusters(void **state)
{
	int reps[N_OF(two_clusters)];
	struct robust_modes m;
	struct robust_ci ci;

	(void)state;
	assert_true(robust_bimodal(two_clusters, N_OF(two_clusters), &m));
	assert_true(m.bimodal);
	assert_int_equal(m.nlow, 3);
	assert_int_equal(m.nhigh, 3);
	assert_true(fabs(m.low - 4.7) < 1e-9);
	assert_true(fabs(m.high - 89) < 1e-9);
	/* neither cluster is "the outliers" of the other */
	assert_int_equal(robust_outliers(two_clusters, N_OF(two_clusters), reps), 0);
	/* and the median's interval spans both: far from any ci target */
	assert_int_equal(robust_median_ci(two_clusters, N_OF(two_clusters), &ci), 0);
	assert_true(ci.half_pct > 90);
	assert_false(robust_ci_reached(two_clusters, N_OF(two_clusters), 50));
}

static void test_close_clusters_are_one(void **state)
{
	/* a 5 % step is noise, not two regimes */
	const double x[] = {100, 100, 100, 105, 105, 105};

	(void)state;
	assert_false(robust_bimodal(x, N_OF(x), NULL));
}

static void test_drift(void **state)
{
	int reps[N_OF(drift)];
	struct robust_ci ci;

	(void)state;
	assert_int_equal(robust_outliers(drift, N_OF(drift), reps), 0);
	assert_false(robust_bimodal(drift, N_OF(drift), NULL));
	assert_int_equal(robust_median_ci(drift, N_OF(drift), &ci), 0);
	assert_int_equal(ci.j, 2);
	assert_true(ci.lo == 103 && ci.hi == 124);
	assert_true(fabs(ci.half_pct - 10.5 / 113.5 * 100) < 1e-9);
	assert_false(robust_ci_reached(drift, N_OF(drift), 5));
	assert_true(robust_ci_reached(drift, N_OF(drift), 10));
}

static void test_ci_ranks(void **state)
{
	double x[20];
	struct robust_ci ci;

	(void)state;
	for (int i = 0; i < 20; i++)
		x[i] = 20 - i;
	assert_int_equal(robust_median_ci(x, 5, &ci), -1);
	assert_true(isinf(ci.half_pct));
	assert_int_equal(robust_median_ci(x, 6, &ci), 0);
	assert_int_equal(ci.j, 1);
	assert_true(fabs(ci.level - 62.0 / 64) < 1e-12);
	assert_int_equal(robust_median_ci(x, 10, &ci), 0);
	assert_int_equal(ci.j, 2);
	assert_true(fabs(ci.level - (1 - 22.0 / 1024)) < 1e-12);
	assert_int_equal(robust_median_ci(x, 20, &ci), 0);
	assert_int_equal(ci.j, 6);       /* [x(6), x(15)], 95.9 % */
	assert_true(ci.lo == 6 && ci.hi == 15);
	assert_true(ci.level > 0.958 && ci.level < 0.959);
}

static uint64_t rng_state = 0x2545f4914f6cdd1dULL;

static double uniform(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return ((rng_state >> 11) + 0.5) / 9007199254740992.0;
}

/* the interval covers the true median of a skewed distribution (an
   exponential, median ln 2) at least 95 % of the time */
static void test_ci_coverage(void **state)
{
	const int trials = 4000, n = 10;
	double x[10];
	int covered = 0;
	struct robust_ci ci;

	(void)state;
	for (int t = 0; t < trials; t++) {
		for (int i = 0; i < n; i++)
			x[i] = -log(uniform());
		assert_int_equal(robust_median_ci(x, n, &ci), 0);
		covered += ci.lo <= M_LN2 && M_LN2 <= ci.hi;
	}
	/* exact coverage 97.85 %; 4000 trials put 95 % far below */
	assert_true(covered > trials * 0.96);
	assert_true(covered < trials * 0.995);
}

/* run_until: the stopping rule driving reps drawn from series */
static int run_until(const double *series, int max, double ci)
{
	int n = 0;

	while (robust_want_more(series, n, max, ci))
		n++;
	return n;
}

static void test_stopping_rule(void **state)
{
	double tight[12];

	(void)state;
	for (int i = 0; i < 12; i++)
		tight[i] = 100 + (i % 2 ? 0.5 : -0.5);
	/* clean: stops at the first n that gives an interval */
	assert_int_equal(run_until(tight, 12, 2), ROBUST_MIN_CI_REPS);
	/* off: every rep up to the maximum */
	assert_int_equal(run_until(tight, 12, 0), 12);
	/* drifting: never within 5 %, so the maximum */
	assert_int_equal(run_until(drift, N_OF(drift), 5), N_OF(drift));
	/* two regimes: never tight */
	assert_int_equal(run_until(two_clusters, N_OF(two_clusters), 10),
			 N_OF(two_clusters));
	/* one outlier of ten does not keep the median's interval wide */
	/* (from 9 reps on the interval leaves out the extremes) */
	assert_int_equal(run_until(one_outlier, N_OF(one_outlier), 15), 9);
}

static void test_degenerate(void **state)
{
	const double zeros[] = {0, 0, 0, 0, 0, 0}, same[] = {5, 5, 5, 5};
	int reps[6];
	struct robust_ci ci;

	(void)state;
	assert_int_equal(robust_median_ci(zeros, 6, &ci), -1);
	assert_false(robust_bimodal(zeros, 6, NULL));
	assert_int_equal(robust_outliers(zeros, 6, reps), 0);
	assert_int_equal(robust_outliers(same, 4, reps), 0);
	assert_true(robust_median(same, 1) == 5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_clean),
		cmocka_unit_test(test_one_outlier),
		cmocka_unit_test(test_everyday_noise_is_not_an_outlier),
		cmocka_unit_test(test_three_reps),
		cmocka_unit_test(test_two_clusters),
		cmocka_unit_test(test_close_clusters_are_one),
		cmocka_unit_test(test_drift),
		cmocka_unit_test(test_ci_ranks),
		cmocka_unit_test(test_ci_coverage),
		cmocka_unit_test(test_stopping_rule),
		cmocka_unit_test(test_degenerate),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
