/* test_demo_sync_tax.c -- the sync-tax lesson states what its comparisons hold plainly,
   and hedges, with the reason, only the claims the noise could change */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "demos/demo.h"
#include "base/human.h"

#define LESSON_LEN 1024
#define REPS 7

enum { SPIN, FUTEX, SEM, MUTEX, PIPE, NJOBS };

/* Noise of each rep: up to ±16 % and a rep a third off, as a shared
   machine gives (the median of each is known to ±16 % at best). */
static const double quiet[REPS] = {1.0, 1.16, 0.86, 1.05, 0.95, 1.1, 0.9};
static const double rough[REPS] = {1.0, 0.7, 1.3, 0.85, 1.2, 0.66, 1.1};

static void outcome(struct demo_outcome *o, const struct demo *d, int job, double median,
		    const double *noise)
{
	memset(o, 0, sizeof(*o));
	o->label = d->jobs[job].label;
	o->mech = d->jobs[job].mech;
	o->ok = 1;
	o->nreps = REPS;
	for (int i = 0; i < REPS; i++) {
		o->x[i] = median * noise[(i + job) % REPS];
		o->round[i] = i + 1;
	}
	stats_spread(o->x, REPS, &o->fig);
	o->higher = true;
	o->margin_pct = 5;
	o->unit = "msgs/s";
}

static void lesson(const double *rate, const double *const *noise, char *text, char *why)
{
	const struct demo *d = demo_find("sync-tax");
	struct demo_outcome o[NJOBS];
	char bad[64];

	assert_non_null(d);
	assert_int_equal(d->njobs, NJOBS);
	for (int j = 0; j < NJOBS; j++)
		outcome(&o[j], d, j, rate[j], noise[j]);
	why[0] = '\0';
	d->lesson(o, NJOBS, text, LESSON_LEN, why, VERDICT_WHY_LEN);
	if (human_check(text, bad, sizeof(bad)) != 0)
		fail_msg("unformatted number '%s' in: %s", bad, text);
	print_message("# %s\n# why: %s\n", text, why);
}

/* A 22x gap measured to ±16 %: stated plainly, no caution. */
static void test_plain_when_it_holds(void **state)
{
	const double rate[NJOBS] = {1.0e6, 300e3, 120e3, 45e3, 400e3};
	const double *noise[NJOBS] = {quiet, quiet, quiet, quiet, quiet};
	char text[LESSON_LEN], why[VERDICT_WHY_LEN];

	(void)state;
	lesson(rate, noise, text, why);
	assert_string_equal(why, "");
	/* the headline: the mutex bar, the ratio of the medians the page draws */
	assert_true(strncmp(text, "The mutex handoff was 22× slower than the spinning one (", 57) == 0);
	assert_non_null(strstr(text, ". Fastest here: shm sync=spin"));
	assert_non_null(strstr(text, "Semaphore-guarded shared memory lost to a plain pipe"));
	assert_null(strstr(text, "probably"));
}

/* Spinning against the mutex within the noise of rough reps: that claim
   is hedged and its reason named; the rest stays plain. */
static void test_hedged_when_at_risk(void **state)
{
	const double rate[NJOBS] = {100e3, 60e3, 20e3, 95e3, 400e3};
	const double *noise[NJOBS] = {rough, quiet, quiet, quiet, quiet};
	char text[LESSON_LEN], why[VERDICT_WHY_LEN];

	(void)state;
	lesson(rate, noise, text, why);
	assert_non_null(strstr(text, "Spinning and the mutex can't be told apart here"));
	assert_non_null(strstr(why, "shm sync=mutex against shm sync=spin: the interval"));
	assert_non_null(strstr(why, "more reps could tell them apart"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_when_it_holds),
		cmocka_unit_test(test_hedged_when_at_risk),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
