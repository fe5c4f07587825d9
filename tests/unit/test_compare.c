/* test_compare.c -- a run's comparison rows carry their verdicts, and the stopping
   rule's question: does a job still have a comparison whose verdict is not settled */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "out/compare.h"
#include "mech/mech.h"
#include "run/runner.h"

#define REPS 11
#define NJOBS 3

static struct rep_result res[NJOBS][REPS];
static struct job jobs[NJOBS];
static struct run run;

/* plan: a compare of NJOBS pipe jobs whose reps ran at rate[j] times
   noise[j][i] messages/s, REPS rounds each */
static void plan(const double *rate, const double (*noise)[REPS])
{
	memset(&run, 0, sizeof(run));
	memset(jobs, 0, sizeof(jobs));
	memset(res, 0, sizeof(res));
	params_init(&run.p, CMD_COMPARE);
	run.jobs = jobs;
	run.njobs = NJOBS;
	for (int j = 0; j < NJOBS; j++) {
		jobs[j].ops = mech_find("pipe");
		jobs[j].p = run.p;
		snprintf(jobs[j].label, sizeof(jobs[j].label), "pipe#%d", j + 1);
		jobs[j].res = res[j];
		jobs[j].nres = REPS;
		for (int i = 0; i < REPS; i++) {
			res[j][i].rep = i + 1;
			res[j][i].msgs_per_s = rate[j] * noise[j][i];
		}
	}
}


/* The fastest is the baseline; a clear row and a row within its noise. */
static void test_rows_and_settled(void **state)
{
	const double rate[NJOBS] = {2e6, 1e6, 1.9e6};
	const double noise[NJOBS][REPS] = {
		{1.0, 1.01, 0.99, 1.02, 0.98, 1.005, 0.995, 1.0, 1.01, 0.99, 1.0},
		{1.0, 1.01, 0.99, 1.02, 0.98, 1.005, 0.995, 0.99, 1.0, 1.015, 1.01},
		{1.0, 0.7, 1.3, 0.85, 1.2, 0.66, 1.1, 0.9, 1.25, 0.75, 1.05},
	};
	struct comparison c;

	(void)state;
	plan(rate, noise);
	assert_int_equal(compare_jobs(&run, &c), 0);
	assert_int_equal(c.base, 0);
	assert_int_equal(c.rows[1].v.kind, VERDICT_CLEAR);
	assert_int_equal(c.rows[1].v.dir, -1);
	assert_true(c.rows[1].significant);
	assert_int_equal(c.rows[2].v.kind, VERDICT_SAME);
	assert_non_null(strstr(c.rows[2].v.why, "more reps could tell them apart"));
	assert_false(c.rows[2].significant);
	/* pipe#2 is settled; pipe#3 is not, nor the baseline it is compared with */
	assert_true(compare_settled(&run, &jobs[1]));
	assert_false(compare_settled(&run, &jobs[2]));
	assert_false(compare_settled(&run, &jobs[0]));
	/* after 7 rounds the 2x gap is as clear, but a difference stops the
	   reps early only once a 99.9 % interval shows it too, which 7 pairs
	   cannot give */
	for (int j = 0; j < NJOBS; j++)
		jobs[j].nres = 7;
	assert_true(compare_jobs(&run, &c) == 0 && c.rows[1].v.kind == VERDICT_CLEAR);
	assert_false(compare_settled(&run, &jobs[1]));
}

/* Every row settled: nothing wants more reps for a verdict. */
static void test_all_settled(void **state)
{
	const double rate[NJOBS] = {4e6, 1e6, 2e6};
	const double noise[NJOBS][REPS] = {
		{1.0, 1.01, 0.99, 1.02, 0.98, 1.005, 0.995, 1.0, 0.99, 1.01, 1.0},
		{1.0, 1.02, 0.97, 1.01, 0.99, 1.0, 0.985, 1.01, 0.99, 1.0, 1.01},
		{0.99, 1.0, 1.01, 0.98, 1.02, 0.995, 1.005, 1.0, 1.01, 0.99, 1.0},
	};

	(void)state;
	plan(rate, noise);
	for (int j = 0; j < NJOBS; j++)
		assert_true(compare_settled(&run, &jobs[j]));
}

/* Reps are paired by the round they ran in, not by their number: a job
   that sat out rounds 6 to 11 (its comparison settled, then unsettled
   again) shares only 5 rounds with the baseline, too few to pair */
static void test_pairs_by_round(void **state)
{
	const double rate[NJOBS] = {2e6, 1e6, 1.9e6};
	const double noise[NJOBS][REPS] = {
		{1.0, 1.01, 0.99, 1.02, 0.98, 1.005, 0.995, 1.0, 0.99, 1.01, 1.0},
		{1.0, 1.02, 0.97, 1.01, 0.99, 1.0, 0.985, 1.01, 0.99, 1.0, 1.01},
		{0.99, 1.0, 1.01, 0.98, 1.02, 0.995, 1.005, 1.0, 1.01, 0.99, 1.0},
	};
	struct comparison c;

	(void)state;
	plan(rate, noise);
	assert_int_equal(compare_jobs(&run, &c), 0);
	assert_int_equal(c.rows[1].v.ci.method, RATIO_SIGNED_RANK);
	for (int i = 0; i < REPS; i++) {
		res[0][i].round = i + 1;
		res[1][i].round = i < 5 ? i + 1 : i + 7;
		res[2][i].round = i + 1;
	}
	assert_int_equal(compare_jobs(&run, &c), 0);
	assert_int_equal(c.rows[1].v.ci.method, RATIO_RANK_SUM);
	assert_int_equal(c.rows[2].v.ci.method, RATIO_SIGNED_RANK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows_and_settled),
		cmocka_unit_test(test_all_settled),
		cmocka_unit_test(test_pairs_by_round),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
