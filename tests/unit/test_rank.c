/* test_rank.c -- stats/rank over bare figures per rep, with no run: the
   baseline (the best median either way, or the one named), each row's
   ratio of medians and verdict, and the refusals */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>

#include "stats/rank.h"

#define REPS 7
#define NJOBS 3

static double x[NJOBS][REPS];
static int round_of[NJOBS][REPS];
static struct rank_job jobs[NJOBS];

/* plan: NJOBS jobs whose reps measured rate[j] times a little noise */
static void plan(const double *rate)
{
	static const double noise[REPS] = {1.0, 1.01, 0.99, 1.02, 0.98, 1.005, 0.995};
	static const char *const names[NJOBS] = {"a", "b", "c"};

	for (int j = 0; j < NJOBS; j++) {
		for (int i = 0; i < REPS; i++) {
			x[j][i] = rate[j] * noise[i];
			round_of[j][i] = i + 1;
		}
		jobs[j] = (struct rank_job){
			.side = { .name = names[j], .x = x[j], .round = round_of[j], .n = REPS },
			.margin_pct = 5,
		};
	}
}

/* Higher is better: the best median is the baseline, the others slower. */
static void test_best_higher(void **state)
{
	const double rate[NJOBS] = {1e6, 4e6, 2e6};
	struct ranking rk;

	(void)state;
	plan(rate);
	assert_int_equal(rank_jobs(jobs, NJOBS, RANK_BEST, true, "msgs/s", &rk), 0);
	assert_int_equal(rk.nrows, NJOBS);
	assert_int_equal(rk.base, 1);
	assert_float_equal(rk.rows[1].ratio, 1.0, 1e-12);
	assert_float_equal(rk.rows[0].ratio, 0.25, 1e-12);
	assert_float_equal(rk.rows[2].ratio, 0.5, 1e-12);
	assert_float_equal(rk.rows[2].fig.median, 2e6, 1e-6);
	for (int j = 0; j < NJOBS; j++)
		assert_int_equal(rk.rows[j].job, j);
	assert_int_equal(rk.rows[0].v.kind, VERDICT_CLEAR);
	assert_int_equal(rk.rows[0].v.dir, -1);
	assert_true(rk.rows[0].significant);
	assert_int_equal(rk.rows[1].v.kind, 0);   /* the baseline's row: no verdict */
	assert_false(rk.rows[1].significant);
}

/* Lower is better (a latency): the least median is the baseline. */
static void test_best_lower(void **state)
{
	const double rate[NJOBS] = {3e3, 1e3, 2e3};
	struct ranking rk;

	(void)state;
	plan(rate);
	assert_int_equal(rank_jobs(jobs, NJOBS, RANK_BEST, false, "ns", &rk), 0);
	assert_int_equal(rk.base, 1);
	assert_int_equal(rk.rows[0].v.dir, -1);
	assert_float_equal(rk.rows[0].ratio, 3.0, 1e-12);
}

/* A named baseline is kept even when another job beats it. */
static void test_named(void **state)
{
	const double rate[NJOBS] = {1e6, 4e6, 2e6};
	struct ranking rk;

	(void)state;
	plan(rate);
	assert_int_equal(rank_jobs(jobs, NJOBS, 0, true, "msgs/s", &rk), 0);
	assert_int_equal(rk.base, 0);
	assert_int_equal(rk.rows[1].v.dir, 1);
	assert_float_equal(rk.rows[1].ratio, 4.0, 1e-12);
}

/* Fewer than two jobs, or a baseline out of range: no ranking. */
static void test_refused(void **state)
{
	const double rate[NJOBS] = {1e6, 4e6, 2e6};
	struct ranking rk;

	(void)state;
	plan(rate);
	assert_int_equal(rank_jobs(jobs, 1, RANK_BEST, true, "msgs/s", &rk), -1);
	assert_int_equal(rank_jobs(jobs, 0, RANK_BEST, true, "msgs/s", &rk), -1);
	assert_int_equal(rank_jobs(jobs, NJOBS, NJOBS, true, "msgs/s", &rk), -1);
	assert_int_equal(rank_jobs(jobs, NJOBS, -2, true, "msgs/s", &rk), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_best_higher),
		cmocka_unit_test(test_best_lower),
		cmocka_unit_test(test_named),
		cmocka_unit_test(test_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
