/* test_error.c -- error_set formats into the caller's buffer, cut to fit,
   and returns -1; every failure kind has its own code, found back by name */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "base/error.h"
#include "params/params_request.h"

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

/* The codes a worker's failed step carries (side_fail takes the kind):
   the error lines' codes of docs/API.md, unchanged. */
static void test_step_codes(void **state)
{
	(void)state;
	assert_string_equal(error_kind_name(ERR_OPEN_FAILED), "open_failed");
	assert_string_equal(error_kind_name(ERR_SEND_FAILED), "send_failed");
	assert_string_equal(error_kind_name(ERR_RECV_FAILED), "recv_failed");
	assert_string_equal(error_kind_name(ERR_NO_MEMORY), "no_memory");
	assert_string_equal(error_kind_name(ERR_PEER_GONE), "peer_gone");
	assert_string_equal(error_kind_name(ERR_RUN_FAILED), "run_failed");
}

/* param_error_set fills all three fields of a param_error (code bad_param);
   param_error_set_as with its own code; both cut to fit and return -1. */
static void test_param_error_set(void **state)
{
	struct param_error e;
	char longname[64];

	(void)state;
	memset(&e, 'x', sizeof(e));
	assert_int_equal(param_error_set(&e, "size", "size must be %d..%d", 1, 9), -1);
	assert_string_equal(e.code, "bad_param");
	assert_string_equal(e.param, "size");
	assert_string_equal(e.message, "size must be 1..9");
	assert_int_equal(param_error_set_as(&e, "size_limit", "size", "over %s", "the cap"), -1);
	assert_string_equal(e.code, "size_limit");
	assert_string_equal(e.param, "size");
	assert_string_equal(e.message, "over the cap");
	memset(longname, 'n', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	assert_int_equal(param_error_set(&e, longname, "%s", ""), -1);
	assert_int_equal(strlen(e.param), sizeof(e.param) - 1);
	assert_string_equal(e.message, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_set),
		cmocka_unit_test(test_kinds),
		cmocka_unit_test(test_step_codes),
		cmocka_unit_test(test_param_error_set),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
