/* test_harness_msg.c -- what a rep that overran its time limit tells the user */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "rep/harness.h"
#include "params/params.h"

/* a rep of a count: the count is what the user can make smaller */
static void test_count_timeout(void **state)
{
	struct bench_params p;
	char err[256];

	(void)state;
	params_init(&p, CMD_BENCH);
	p.count = 1000000000;
	p.duration = 0;
	harness_timeout_message(&p, 120, err, sizeof(err));
	assert_non_null(strstr(err, "120 s limit"));
	assert_non_null(strstr(err, "smaller count"));
}

/* a rep of a duration: its length was set by the user and kept; the
   message says the workers did not stop, never to use a smaller count */
static void test_duration_timeout(void **state)
{
	struct bench_params p;
	char err[256];

	(void)state;
	params_init(&p, CMD_BENCH);
	p.count = 0;
	p.duration = 0.5;
	harness_timeout_message(&p, 31.5, err, sizeof(err));
	assert_null(strstr(err, "count"));
	assert_non_null(strstr(err, "0.5 s"));
	assert_non_null(strstr(err, "did not stop"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_count_timeout),
		cmocka_unit_test(test_duration_timeout),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
