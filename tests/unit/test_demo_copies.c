/* test_demo_copies.c -- the copies demo: its labels carry the catalogue's copies, and its lesson computed from the figures */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "demos/demo.h"
#include "base/human.h"
#include "mech/mech.h"

#define LESSON_LEN 2048      /* what the demo runner gives a lesson (LESSON_MAX) */
#define CAVEAT_ROOM 300      /* the "Unreliable here (...)" prefix it may get */

extern const struct demo demo_copies;

#define REPS 7
/* the noise of each rep, up to ±16 %, as a shared machine gives */
static const double noise[REPS] = {1.0, 1.16, 0.86, 1.05, 0.95, 1.1, 0.9};

/* outcomes: every job, with rate[i] its median bytes/s (0: failed) and
   its seven reps spread around it, the reps of one round together */
static int outcomes(struct demo_outcome *o, const double *rate)
{
	for (int i = 0; i < demo_copies.njobs; i++) {
		memset(&o[i], 0, sizeof(o[i]));
		o[i].label = demo_copies.jobs[i].label;
		o[i].mech = demo_copies.jobs[i].mech;
		o[i].ok = rate[i] > 0;
		o[i].nreps = rate[i] > 0 ? REPS : 0;
		for (int r = 0; r < o[i].nreps; r++) {
			o[i].x[r] = rate[i] * noise[(r + i) % REPS];
			o[i].round[r] = r + 1;
		}
		if (o[i].nreps)
			stats_spread(o[i].x, o[i].nreps, &o[i].fig);
		o[i].higher = true;
		o[i].margin_pct = 5;
		o[i].unit = "B/s";
	}
	return demo_copies.njobs;
}

/* copies_lesson: the demo's lesson of o; why gets the first claim at risk */
static void copies_lesson(const struct demo_outcome *o, int n, char *lesson, char *why)
{
	why[0] = '\0';
	demo_copies.lesson(o, n, lesson, LESSON_LEN, why, VERDICT_WHY_LEN);
	print_message("# %s\n# why: %s\n", lesson, why);
}

static void lesson_has(const char *lesson, const char *const *want, const char *const *not)
{
	char bad[64];

	if (human_check(lesson, bad, sizeof(bad)) != 0)
		fail_msg("unformatted number '%s' in: %s", bad, lesson);
	for (int i = 0; want[i]; i++)
		if (!strstr(lesson, want[i]))
			fail_msg("'%s' missing from: %s", want[i], lesson);
	for (int i = 0; not && not[i]; i++)
		if (strstr(lesson, not[i]))
			fail_msg("'%s' should not be in: %s", not[i], lesson);
	assert_true(strlen(lesson) < LESSON_LEN - CAVEAT_ROOM);
}

/* each label says as many copies as the mechanism's catalogue entry */
static void test_labels_match_catalogue(void **state)
{
	(void)state;
	assert_int_equal(demo_copies.njobs, 12);
	assert_true(demo_copies.njobs <= DEMO_MAX_JOBS);
	assert_ptr_equal(demo_find("copies"), &demo_copies);
	for (int i = 0; i < demo_copies.njobs; i++) {
		const struct demo_job *j = &demo_copies.jobs[i];
		const struct mech_ops *ops = mech_find(j->mech);
		const char *c = strstr(j->label, ", ");

		assert_non_null(ops);
		assert_non_null(c);
		if (atoi(c + 2) != atoi(ops->copies))
			fail_msg("%s says %d copies, the catalogue %d (%s)", j->label, atoi(c + 2),
				 atoi(ops->copies), ops->copies);
	}
}

/* jobs: pipe, splice, cma, tcp, tcp-zc, shm-ring at 64 KiB, then at 1 MiB */
static void test_ratios(void **state)
{
	static const double rate[12] = {
		100e6, 200e6, 300e6, 400e6, 200e6, 1000e6,
		200e6, 300e6, 800e6, 1000e6, 500e6, 1600e6,
	};
	struct demo_outcome o[DEMO_MAX_JOBS];
	char lesson[LESSON_LEN];
	static const char *const want[] = {
		"At 64 KiB the pipe (2 copies) moved 100 MB/s", "splice (1) 2×", "cma (1) 3×",
		"shm-ring 10×", "tcp-zc against tcp 0.5×",
		"At 1 MiB the pipe (2 copies) moved 200 MB/s", "splice (1) 1.5×", "cma (1) 4×",
		"shm-ring 8×", "On loopback MSG_ZEROCOPY removes no copy",
		"At 1 MiB the pipe's two copies moved 200 MB/s; with one copy splice moved "
		"300 MB/s and cma 800 MB/s. Each copy removed paid", NULL,
	};
	static const char *const not[] = { "not clearly faster", "can't tell", NULL };
	char why[VERDICT_WHY_LEN];

	(void)state;
	copies_lesson(o, outcomes(o, rate), lesson, why);
	lesson_has(lesson, want, not);
}

/* a mechanism with one copy fewer that is slower, or that the noise
   cannot tell from the pipe, is named as not clearly faster, with its
   verdict's words */
static void test_claim_fails(void **state)
{
	double rate[12] = {
		100e6, 50e6, 300e6, 400e6, 200e6, 1000e6,
		200e6, 300e6, 201e6, 1000e6, 500e6, 1600e6,
	};
	struct demo_outcome o[DEMO_MAX_JOBS];
	char lesson[LESSON_LEN], why[VERDICT_WHY_LEN];
	static const char *const want[] = {
		"splice (1) 0.5×", "cma (1) 1× — can't tell apart",
		"A copy removed was not clearly faster here for splice at 64 KiB, cma at 1 MiB", NULL,
	};

	(void)state;
	copies_lesson(o, outcomes(o, rate), lesson, why);
	lesson_has(lesson, want, NULL);
	assert_true(why[0] != '\0');      /* the claim at risk is named */
}

static void test_no_pipe(void **state)
{
	double rate[12];
	struct demo_outcome o[DEMO_MAX_JOBS];
	char lesson[LESSON_LEN];

	(void)state;
	for (int i = 0; i < 12; i++)
		rate[i] = i % 6 ? 1e8 : 0;     /* everything ran but the pipe */
	char why[VERDICT_WHY_LEN];

	copies_lesson(o, outcomes(o, rate), lesson, why);
	assert_non_null(strstr(lesson, "no lesson this time"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_labels_match_catalogue),
		cmocka_unit_test(test_ratios),
		cmocka_unit_test(test_claim_fails),
		cmocka_unit_test(test_no_pipe),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
