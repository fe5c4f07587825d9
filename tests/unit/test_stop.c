/* test_stop.c -- the stop signals call every registered hook once, in
   order; a hook is registered once; the table's bound is refused */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <signal.h>

#include "base/stop.h"

static int calls[3];
static int order[8], norder;

static void hook_a(void) { calls[0]++; order[norder++ & 7] = 0; }
static void hook_b(void) { calls[1]++; order[norder++ & 7] = 1; }
static void hook_c(void) { calls[2]++; order[norder++ & 7] = 2; }
static void f1(void) {}
static void f2(void) {}
static void f3(void) {}
static void f4(void) {}
static void f5(void) {}
static void f6(void) {}

/* one test, run in order: the hook table is the process's */
static void test_hooks(void **state)
{
	(void)state;
	assert_int_equal(stop_hook_add(hook_a), 0);
	assert_int_equal(stop_hook_add(hook_b), 0);
	assert_int_equal(stop_hook_add(hook_a), 0);   /* already there */
	stop_install();
	raise(SIGTERM);
	assert_int_equal(calls[0], 1);
	assert_int_equal(calls[1], 1);
	assert_int_equal(norder, 2);
	assert_int_equal(order[0], 0);
	assert_int_equal(order[1], 1);
	raise(SIGINT);
	raise(SIGHUP);
	assert_int_equal(calls[0], 3);
	assert_int_equal(calls[1], 3);
	/* a hook added after install is called too */
	assert_int_equal(stop_hook_add(hook_c), 0);
	raise(SIGTERM);
	assert_int_equal(calls[2], 1);
	/* the table holds STOP_HOOKS_MAX (8): 3 used, 5 more, then refused */
	assert_int_equal(STOP_HOOKS_MAX, 8);
	assert_int_equal(stop_hook_add(f1), 0);
	assert_int_equal(stop_hook_add(f2), 0);
	assert_int_equal(stop_hook_add(f3), 0);
	assert_int_equal(stop_hook_add(f4), 0);
	assert_int_equal(stop_hook_add(f5), 0);
	assert_int_equal(stop_hook_add(f6), -1);
	raise(SIGTERM);
	assert_int_equal(calls[0], 5);
	assert_int_equal(calls[2], 2);
	/* SIGPIPE is ignored: a write to a closed pipe must not kill */
	assert_int_equal(raise(SIGPIPE), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hooks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
