/* test_verdict.c -- the ratio's interval by hand on small samples, its coverage over
   thousands of draws from known distributions, and the verdict's words */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stats/verdict.h"

#define SIMS 4000               /* draws per coverage case */
#define SIMS_EQUAL 20000        /* draws for "can't tell apart" at ratio 1: the
				   exact level at 7 pairs is 95.3 %, and 20000
				   draws put the sampling error at 0.15 % */
#define SEQ_ROUNDS 21            /* compare's most reps (PARAMS_CI_DEFAULT_REPS) */
#define SIMS_SEQUENTIAL 10000   /* runs looked at after every round: its level
				   is about 95.4 %, the sampling error 0.2 % */
#define COVER_MIN 0.93
#define COVER_MAX 0.97

static uint64_t rng_state = 0x2545f4914f6cdd1dULL;

static double uniform(void)
{
	uint64_t x = rng_state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	rng_state = x;
	return ((x * 0x2545f4914f6cdd1dULL) >> 11) * 0x1.0p-53 + 0x1.0p-54;
}

static double normal(void)
{
	return sqrt(-2 * log(uniform())) * cos(2 * M_PI * uniform());
}

static const int rounds[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21};

/* --- the interval, by hand -------------------------------------------- */

/* Seven pairs whose log ratios are 0.1 .. 0.7 (a = b * e^d): the 28 Walsh
   averages of d run from 0.1 to 0.7, and with 7 pairs the exact signed-rank
   distribution puts the 95.3 % interval at the 3rd and 26th. */
static void test_signed_rank_by_hand(void **state)
{
	double a[7], b[7];
	struct ratio_ci ci;

	(void)state;
	for (int i = 0; i < 7; i++) {
		b[i] = 1000 + 10 * i;
		a[i] = b[i] * exp(0.1 * (i + 1));
	}
	/* the Walsh averages 0.05 (i + j), i <= j in 1..7, sorted: 0.1, 0.15,
	   0.2, 0.2, ...: the 3rd is 0.2, the 26th 0.6, the median 0.4 */
	assert_int_equal(ratio_signed_rank(a, b, 7, &ci), 0);
	assert_int_equal(ci.method, RATIO_SIGNED_RANK);
	assert_true(fabs(ci.lo - exp(0.2)) < 1e-9);
	assert_true(fabs(ci.hi - exp(0.6)) < 1e-9);
	assert_true(fabs(ci.est - exp(0.4)) < 1e-9);
	assert_true(fabs(ci.level - (1 - 2 * 3.0 / 128)) < 1e-12);
	/* every difference positive: W+ = 28, p = 2 / 128 */
	assert_true(fabs(ci.p - 2.0 / 128) < 1e-12);
}

static void test_signed_rank_too_few(void **state)
{
	const double a[] = {2, 2.1, 1.9, 2.05, 2.2}, b[] = {1, 1, 1, 1, 1};
	struct ratio_ci ci;

	(void)state;
	/* 5 pairs reach at most 93.75 %: no interval, yet an estimate */
	assert_int_equal(ratio_signed_rank(a, b, 5, &ci), -1);
	assert_int_equal(ci.method, RATIO_NONE);
	assert_true(isnan(ci.lo) && isnan(ci.hi));
	assert_true(ci.est > 1.9 && ci.est < 2.2);
	/* a value that is not a rate gives nothing */
	const double z[] = {1, 1, 0, 1, 1, 1, 1};
	assert_int_equal(ratio_signed_rank(z, z, 7, &ci), -1);
	assert_true(isnan(ci.est));
}

/* Five against five: the 25 differences, and the 96.8 % interval at the
   3rd and 23rd (P(U <= 2) = 4/252). */
static void test_rank_sum_by_hand(void **state)
{
	const double a[] = {10, 20, 30, 40, 50}, b[] = {1, 2, 3, 4, 5};
	double d[25];
	struct ratio_ci ci;
	int k = 0;

	(void)state;
	for (int i = 0; i < 5; i++)
		for (int j = 0; j < 5; j++)
			d[k++] = log(a[i]) - log(b[j]);
	for (int i = 0; i < 25; i++)
		for (int j = i + 1; j < 25; j++)
			if (d[j] < d[i]) {
				double t = d[i];
				d[i] = d[j];
				d[j] = t;
			}
	assert_int_equal(ratio_rank_sum(a, 5, b, 5, &ci), 0);
	assert_int_equal(ci.method, RATIO_RANK_SUM);
	assert_true(fabs(ci.lo - exp(d[2])) < 1e-9);
	assert_true(fabs(ci.hi - exp(d[22])) < 1e-9);
	assert_true(fabs(ci.est - exp(d[12])) < 1e-9);
	assert_true(fabs(ci.level - (1 - 2 * 4.0 / 252)) < 1e-12);
	assert_true(fabs(ci.p - 2.0 / 252) < 1e-12);
	/* three against three reach 90 % at most */
	assert_int_equal(ratio_rank_sum(a, 3, b, 3, &ci), -1);
}

/* Rounds both ran are paired; too few of them fall back to the rank sum. */
static void test_interval_pairs_rounds(void **state)
{
	const double a[] = {2, 2.2, 1.8, 2.1, 1.9, 2.05, 2.15};
	const double b[] = {1, 1.1, 0.9, 1.05, 0.95, 1.02, 1.08};
	const int ra[] = {1, 2, 3, 4, 5, 6, 7}, rb[] = {1, 2, 3, 4, 5, 6, 7};
	const int late[] = {3, 4, 5, 6, 7, 8, 9};
	struct ratio_ci ci;

	(void)state;
	assert_int_equal(ratio_interval(a, ra, 7, b, rb, 7, &ci), 0);
	assert_int_equal(ci.method, RATIO_SIGNED_RANK);
	assert_int_equal(ci.na, 7);
	/* only rounds 3..7 in common: five pairs, so every value unpaired */
	assert_int_equal(ratio_interval(a, ra, 7, b, late, 7, &ci), 0);
	assert_int_equal(ci.method, RATIO_RANK_SUM);
	assert_int_equal(ci.na, 7);
	assert_int_equal(ci.nb, 7);
}

/* --- calibration ------------------------------------------------------- */

enum shape { LOGNORMAL, TWO_REGIMES, DRIFT, SKEWED };

/* draw: one rep's figure at round i of n, scaled by scale; drift is the
   machine's slow state that round, shared by every job of the round */
static double draw(enum shape s, double scale, double drift)
{
	switch (s) {
	case TWO_REGIMES:
		/* a third of the reps run in a regime 2.5x slower */
		return scale * (uniform() < 1.0 / 3 ? 0.4 : 1) * exp(0.05 * normal());
	case DRIFT:
		return scale * exp(drift + 0.08 * normal());
	case SKEWED:
		/* mostly quiet, a long tail of slow reps */
		return scale / (1 + (uniform() < 0.2 ? 3 * uniform() : 0.05 * uniform()));
	default:
		return scale * exp(0.3 * normal());
	}
}

/* sample: n rounds of a (true ratio ratio to b) and b, na and nb reps */
static void sample(enum shape s, double ratio, int na, int nb, double *a, double *b)
{
	double walk = 0;

	for (int i = 0; i < na || i < nb; i++) {
		/* the machine slows and recovers over the run, round by round */
		walk += s == DRIFT ? 0.15 * normal() : 0;
		if (i < na)
			a[i] = draw(s, ratio * 1e6, walk);
		if (i < nb)
			b[i] = draw(s, 1e6, walk);
	}
}

/* coverage: the share of SIMS draws of na and nb reps (paired rounds when
   both reach VERDICT_MIN_PAIRS) whose 95 % interval covers the true ratio */
static double coverage(enum shape s, double ratio, int na, int nb)
{
	double a[16], b[16];
	int hit = 0;

	for (int k = 0; k < SIMS; k++) {
		struct ratio_ci ci;

		sample(s, ratio, na, nb, a, b);
		assert_int_equal(ratio_interval(a, rounds, na, b, rounds, nb, &ci), 0);
		hit += ci.lo <= ratio && ratio <= ci.hi;
	}
	return (double)hit / SIMS;
}

/* equal: the share of SIMS_EQUAL draws of n rounds of one distribution
   twice whose verdict is "can't tell apart" */
static double equal(enum shape s, int n)
{
	double a[16], b[16];
	int same = 0;

	for (int k = 0; k < SIMS_EQUAL; k++) {
		struct verdict_side sa = { "a", a, rounds, NULL, n };
		struct verdict_side sb = { "b", b, rounds, NULL, n };
		struct verdict v;

		sample(s, 1, n, n, a, b);
		verdict_judge(&sa, &sb, true, 5, "msgs/s", &v);
		same += v.kind == VERDICT_SAME;
	}
	return (double)same / SIMS_EQUAL;
}

static void check_cover(enum shape s, double ratio, int na, int nb)
{
	double c = coverage(s, ratio, na, nb);

	print_message("# shape %d, ratio %g, %d and %d reps: the 95%% interval covered it "
		      "in %.4f\n", s, ratio, na, nb, c);
	assert_true(c >= COVER_MIN && c <= COVER_MAX);
}

static void check_equal(enum shape s, int n)
{
	double e = equal(s, n);

	print_message("# shape %d, %d rounds of the same distribution: can't tell apart "
		      "in %.4f\n", s, n, e);
	assert_true(e >= 0.95);
}

static void test_cover_lognormal(void **state)
{
	(void)state;
	check_cover(LOGNORMAL, 2.0, 7, 7);
	check_cover(LOGNORMAL, 0.05, 8, 8);
}

static void test_cover_two_regimes(void **state)
{
	(void)state;
	check_cover(TWO_REGIMES, 1.3, 7, 7);
}

static void test_cover_drift(void **state)
{
	(void)state;
	check_cover(DRIFT, 1.1, 7, 7);
}

static void test_cover_skewed(void **state)
{
	(void)state;
	check_cover(SKEWED, 3.0, 7, 7);
}

/* Unequal reps (a job stopped early at its precision): the rank sum. Six
   pairs are left out of these: their exact level, 96.9 %, sits so close
   to the 97 % bound that sampling noise alone crosses it. */
static void test_cover_unpaired(void **state)
{
	(void)state;
	check_cover(LOGNORMAL, 1.5, 5, 7);
}

/* sequential: the share of sims draws of one distribution twice whose
   verdict is "can't tell apart" when the run looks after every round from
   VERDICT_MIN_PAIRS on and stops at the first verdict stop() accepts, as
   the runner's stopping rule does, or at SEQ_ROUNDS rounds */
static double sequential(enum shape s, bool (*stop)(const struct verdict *, double), int sims)
{
	double a[SEQ_ROUNDS], b[SEQ_ROUNDS];
	int same = 0;

	for (int k = 0; k < sims; k++) {
		struct verdict v;

		sample(s, 1, SEQ_ROUNDS, SEQ_ROUNDS, a, b);
		for (int n = VERDICT_MIN_PAIRS; n <= SEQ_ROUNDS; n++) {
			struct verdict_side sa = { "a", a, rounds, NULL, n };
			struct verdict_side sb = { "b", b, rounds, NULL, n };

			verdict_judge(&sa, &sb, true, 5, "msgs/s", &v);
			if (stop(&v, 5))
				break;
		}
		same += v.kind == VERDICT_SAME;
	}
	return (double)same / sims;
}

/* Looking after every round: stopping on any verdict that excludes 1
   (verdict_settled) calls a chance difference far more often than one
   time in twenty; the rule's own test (verdict_may_stop: a difference
   stops early only when a 99.9 % interval shows it) keeps "can't tell
   apart" at 95 % or more. */
static void test_equal_with_stopping(void **state)
{
	static const enum shape shapes[] = { LOGNORMAL, DRIFT, TWO_REGIMES };
	double naive = sequential(LOGNORMAL, verdict_settled, SIMS);

	(void)state;
	print_message("# shape %d, looked at after every round, stopping on any settled "
		      "verdict: can't tell apart in %.4f\n", LOGNORMAL, naive);
	assert_true(naive < 0.95);
	for (size_t i = 0; i < sizeof(shapes) / sizeof(shapes[0]); i++) {
		double rule = sequential(shapes[i], verdict_may_stop, SIMS_SEQUENTIAL);

		print_message("# shape %d, looked at after every round, stopping by the rule: "
			      "can't tell apart in %.4f\n", shapes[i], rule);
		assert_true(rule >= 0.95);
	}
}

/* --- the verdict in words --------------------------------------------- */

static void judge(const double *a, const double *b, int n, const bool *da, bool higher,
		  struct verdict *v)
{
	struct verdict_side sa = { "shm", a, rounds, da, n };
	struct verdict_side sb = { "pipe", b, rounds, NULL, n };

	verdict_judge(&sa, &sb, higher, 5, "msgs/s", v);
}

/* The same distribution twice: "can't tell apart" in at least 95 %. */
static void test_equal_distributions(void **state)
{
	(void)state;
	check_equal(LOGNORMAL, 7);
	check_equal(TWO_REGIMES, 7);
	check_equal(DRIFT, 7);
}

static void test_verdict_clear(void **state)
{
	const double a[] = {2.0e6, 2.1e6, 1.9e6, 2.05e6, 1.95e6, 2.02e6, 2.08e6};
	const double b[] = {1.0e6, 1.02e6, 0.98e6, 1.01e6, 0.99e6, 1.0e6, 1.03e6};
	struct verdict v;

	(void)state;
	judge(a, b, 7, NULL, true, &v);
	assert_int_equal(v.kind, VERDICT_CLEAR);
	assert_int_equal(v.dir, 1);
	assert_true(v.factor_lo > 1.9 && v.factor_hi < 2.2);
	assert_true(v.factor_lo <= v.factor && v.factor <= v.factor_hi);
	assert_non_null(strstr(v.text, "× faster ("));
	assert_string_equal(v.why, "");
	assert_true(verdict_settled(&v, 5));
	/* the other way round, and for a time (lower is better) */
	judge(b, a, 7, NULL, true, &v);
	assert_int_equal(v.dir, -1);
	assert_non_null(strstr(v.text, "× slower ("));
	assert_true(v.factor_lo > 1.9);
	judge(a, b, 7, NULL, false, &v);
	assert_int_equal(v.dir, -1);
	assert_true(v.factor > 1.9 && v.factor < 2.1);
}

/* A 50x gap on noisy reps, every median far from ±5 %: still clear. */
static void test_verdict_clear_despite_noise(void **state)
{
	const double a[] = {1.0e4, 1.6e4, 0.7e4, 1.3e4, 0.9e4, 1.1e4, 1.5e4};
	const double b[] = {5.2e5, 7.9e5, 3.1e5, 6.0e5, 4.4e5, 5.5e5, 7.0e5};
	struct verdict v;

	(void)state;
	judge(a, b, 7, NULL, true, &v);
	assert_int_equal(v.kind, VERDICT_CLEAR);
	assert_int_equal(v.dir, -1);
	assert_true(v.factor > 30);
	assert_string_equal(v.why, "");
}

static void test_verdict_narrow(void **state)
{
	const double a[] = {1.02, 1.03, 1.025, 1.035, 1.028, 1.031, 1.026};
	const double b[] = {1, 1.001, 0.999, 1.002, 1.0, 1.001, 0.998};
	struct verdict v;

	(void)state;
	judge(a, b, 7, NULL, true, &v);
	assert_int_equal(v.kind, VERDICT_PROBABLY);
	assert_int_equal(v.dir, 1);
	assert_non_null(strstr(v.text, "probably faster, by 1."));
	assert_non_null(strstr(v.basis, "within the ±5%"));
	/* a worst end just above 1 keeps its decimals, never a bare "1×" */
	const double c[] = {1.003, 1.02, 1.01, 1.025, 1.004, 1.015, 1.022};
	judge(c, b, 7, NULL, true, &v);
	assert_int_equal(v.kind, VERDICT_PROBABLY);
	assert_null(strstr(v.text, "by 1\xe2\x80\x93"));
	assert_non_null(strstr(v.text, "by 1.00"));
	assert_null(strstr(v.basis, "only 1\xc3\x97"));
	assert_true(verdict_settled(&v, 5));
}

static void test_verdict_same(void **state)
{
	const double a[] = {1.0, 1.01, 0.99, 1.02, 0.98, 1.005, 0.995};
	const double b[] = {1.005, 0.99, 1.01, 0.985, 1.015, 1.0, 0.99};
	const double wa[] = {1.0, 1.4, 0.7, 1.2, 0.8, 1.1, 0.9};
	const double wb[] = {1.1, 0.8, 1.3, 0.9, 1.2, 0.75, 1.0};
	struct verdict v;

	(void)state;
	judge(a, b, 7, NULL, true, &v);
	assert_int_equal(v.kind, VERDICT_SAME);
	assert_int_equal(v.dir, 0);
	assert_true(v.within_pct < 5);
	assert_non_null(strstr(v.text, "can't tell apart (within ±"));
	assert_string_equal(v.why, "");
	assert_true(verdict_settled(&v, 5));
	/* as wide as the noise: the noise could hide a difference */
	judge(wa, wb, 7, NULL, true, &v);
	assert_int_equal(v.kind, VERDICT_SAME);
	assert_non_null(strstr(v.why, "includes 1 but reaches beyond ±5%"));
	assert_false(verdict_settled(&v, 5));
}

static void test_verdict_unknown(void **state)
{
	const double a[] = {2, 2.1, 1.9}, b[] = {1, 1.1, 0.9};
	struct verdict v;

	(void)state;
	judge(a, b, 3, NULL, true, &v);
	assert_int_equal(v.kind, VERDICT_UNKNOWN);
	assert_string_equal(v.text, "too few reps to tell");
	assert_false(verdict_settled(&v, 5));
}

/* Dropping the disturbed reps: a verdict that holds without them stands;
   one that needs them is probable; one they made is unreliable. */
static void test_verdict_disturbed(void **state)
{
	const double a[] = {2.0, 2.1, 1.9, 2.05, 1.95, 2.02, 2.08, 2.01};
	const double b[] = {1.0, 1.02, 0.98, 1.01, 0.99, 1.0, 1.03, 1.0};
	const bool one[] = {false, false, true, false, false, false, false, false};
	const bool most[] = {true, true, true, true, true, false, true, true};
	/* rounds 1-4 disturbed made shm look faster; the other six alone
	   cannot tell it from pipe */
	const double c[] = {1.5, 1.6, 1.55, 1.5, 1.03, 0.97, 1.05, 0.99, 1.04, 1.01};
	const double d[] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
	const bool first4[] = {true, true, true, true, false, false, false, false, false, false};
	struct verdict v;

	(void)state;
	judge(a, b, 8, one, true, &v);
	assert_int_equal(v.kind, VERDICT_CLEAR);
	judge(a, b, 8, most, true, &v);
	assert_int_equal(v.kind, VERDICT_PROBABLY);
	assert_non_null(strstr(v.basis, "rests on disturbed reps"));
	assert_non_null(strstr(v.text, "probably faster, by "));
	assert_string_equal(v.why, "");
	judge(c, d, 10, NULL, true, &v);
	assert_int_equal(v.dir, 1);
	assert_string_equal(v.why, "");
	judge(c, d, 10, first4, true, &v);
	assert_int_equal(v.kind, VERDICT_PROBABLY);
	assert_non_null(strstr(v.why, "without the 4 disturbed reps, shm and pipe can't be told apart"));
}

/* 5 reps a side, 2 of a's and 1 of b's disturbed: the 3 and 4 left give no
   interval of their own, but when every one of them agrees by more than the
   margin the clear verdict stands; with only 2 of b's left it rests on
   the disturbed reps */
static void test_verdict_disturbed_few(void **state)
{
	const double a[] = {6.0, 6.3, 5.8, 6.1, 5.9};
	const double b[] = {1.0, 1.05, 0.95, 1.02, 0.98};
	const bool da[] = {true, false, false, true, false};
	const bool db[] = {false, false, true, false, false};
	struct verdict_side sa = { "zmq", a, rounds, da, 5 };
	struct verdict_side sb = { "unix", b, rounds, db, 5 };
	struct verdict v;

	(void)state;
	verdict_judge(&sa, &sb, true, 5, "msgs/s", &v);
	assert_int_equal(v.kind, VERDICT_CLEAR);
	assert_int_equal(v.dir, 1);
	assert_string_equal(v.basis, "");
	/* only 2 of b's left undisturbed: too few to hold it up */
	const bool db2[] = {true, false, true, true, false};
	sb.disturbed = db2;
	verdict_judge(&sa, &sb, true, 5, "msgs/s", &v);
	assert_int_equal(v.kind, VERDICT_PROBABLY);
	assert_non_null(strstr(v.basis, "rests on disturbed reps"));
}

/* One side in two regimes on either side of the other: the order is chance. */
static void test_verdict_regimes(void **state)
{
	const double a[] = {3.0, 1.0, 3.1, 1.05, 2.95, 1.02, 3.05, 0.98};
	const double b[] = {1.9, 2.0, 2.05, 1.95, 2.0, 2.02, 1.98, 2.01};
	struct verdict v;

	(void)state;
	judge(a, b, 8, NULL, true, &v);
	assert_non_null(strstr(v.why, "shm ran in two regimes"));
	assert_non_null(strstr(v.why, "either side of pipe"));
	assert_true(v.kind != VERDICT_CLEAR);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_signed_rank_by_hand),
		cmocka_unit_test(test_signed_rank_too_few),
		cmocka_unit_test(test_rank_sum_by_hand),
		cmocka_unit_test(test_interval_pairs_rounds),
		cmocka_unit_test(test_cover_lognormal),
		cmocka_unit_test(test_cover_two_regimes),
		cmocka_unit_test(test_cover_drift),
		cmocka_unit_test(test_equal_with_stopping),
		cmocka_unit_test(test_cover_skewed),
		cmocka_unit_test(test_cover_unpaired),
		cmocka_unit_test(test_equal_distributions),
		cmocka_unit_test(test_verdict_clear),
		cmocka_unit_test(test_verdict_clear_despite_noise),
		cmocka_unit_test(test_verdict_narrow),
		cmocka_unit_test(test_verdict_same),
		cmocka_unit_test(test_verdict_unknown),
		cmocka_unit_test(test_verdict_disturbed),
		cmocka_unit_test(test_verdict_disturbed_few),
		cmocka_unit_test(test_verdict_regimes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
