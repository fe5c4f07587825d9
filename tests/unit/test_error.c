/* test_error.c -- error_set formats into the caller's buffer, cut to fit,
   and returns -1; every failure kind has its own code, found back by name */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "base/error.h"

static void test_set(void **state)
{
	char err[32];

	(void)state;
	memset(err, 'x', sizeof(err));
	assert_int_equal(error_set(err, sizeof(err), "size %d is over %s", 7, "the cap"), -1);
	assert_string_equal(err, "size 7 is over the cap");
	/* cut to fit and terminated */
	assert_int_equal(error_set(err, 8, "%s", "a much longer message"), -1);
	assert_string_equal(err, "a much ");
	/* no room: nothing written, still -1 */
	err[0] = 'q';
	assert_int_equal(error_set(err, 0, "%s", "x"), -1);
	assert_int_equal(err[0], 'q');
	assert_int_equal(error_set(NULL, 10, "%s", "x"), -1);
}

static void test_kinds(void **state)
{
	(void)state;
	for (int k = 0; k < ERR__COUNT; k++) {
		const char *name = error_kind_name((enum error_kind)k);

		assert_non_null(name);
		assert_true(name[0] != '\0');
		assert_int_equal(error_kind_find(name), k);   /* names are distinct */
	}
	assert_string_equal(error_kind_name(ERR_CANCELLED), "cancelled");
	assert_string_equal(error_kind_name(ERR_TIMEOUT), "timeout");
	assert_string_equal(error_kind_name((enum error_kind)ERR__COUNT), "run_failed");
	assert_int_equal(error_kind_find("not_a_code"), -1);
	assert_int_equal(error_kind_find(NULL), -1);
	assert_int_equal(error_kind_find("cancelled"), ERR_CANCELLED);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_set),
		cmocka_unit_test(test_kinds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
