/* test_interference.c -- /proc/stat parsing, the CPUs of a rep, a busy CPU seen as busy, migrations, the line ping-pong */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <sched.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "probe/interference.h"

#define SPIN_MS 300

static const char stat_text[] =
	"cpu  500 10 200 9000 30 5 7 40 0 0\n"
	"cpu0 100 1 50 4000 10 2 3 20 0 0\n"
	"cpu1 400 9 150 5000 20 3 4 20 0 0\n"
	"cpu10 1 1 1 1 1 1 1 1 0 0\n"
	"intr 12345 0 0\n";

static void test_parse(void **state)
{
	struct cpu_ticks t;

	(void)state;
	assert_int_equal(interference_parse_stat(stat_text, 0, &t), 0);
	assert_true(t.busy == 100 + 1 + 50 + 2 + 3);
	assert_true(t.steal == 20);
	assert_true(t.total == t.busy + 4000 + 10 + 20);
	/* cpu1 is not the prefix of cpu10 */
	assert_int_equal(interference_parse_stat(stat_text, 1, &t), 0);
	assert_true(t.busy == 400 + 9 + 150 + 3 + 4);
	assert_int_equal(interference_parse_stat(stat_text, 10, &t), 0);
	assert_true(t.busy == 5);
	assert_int_equal(interference_parse_stat(stat_text, 2, &t), -1);
	assert_int_equal(interference_parse_stat("cpu0 1 2\n", 0, &t), -1);
	assert_int_equal(interference_parse_stat("", 0, &t), -1);
}

static void test_cpus(void **state)
{
	int cpus[INTERF_MAX_CPUS];
	long online = sysconf(_SC_NPROCESSORS_ONLN);

	(void)state;
	assert_int_equal(interference_cpus(0, 1, cpus, INTERF_MAX_CPUS), 2);
	assert_true(cpus[0] == 0 && cpus[1] == 1);
	assert_int_equal(interference_cpus(1, 1, cpus, INTERF_MAX_CPUS), 1);
	assert_int_equal(cpus[0], 1);
	assert_int_equal(interference_cpus(-1, -1, cpus, INTERF_MAX_CPUS),
			 online < INTERF_MAX_CPUS ? (int)online : INTERF_MAX_CPUS);
}

static void spin_ms(int ms)
{
	struct timespec t0, t;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	do
		clock_gettime(CLOCK_MONOTONIC, &t);
	while ((t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000 < ms);
}

/* a CPU with a process spinning on it is never idle, whatever else runs:
   that process is not ours (not reaped), so it is all "other" */
static void test_busy_cpu_is_other(void **state)
{
	struct interference_mark mk;
	struct interference x;
	cpu_set_t set;
	int cpu = 0, status;
	pid_t pid;

	(void)state;
	interference_init(&x);
	assert_int_equal(interference_begin(&mk, &cpu, 1), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		CPU_ZERO(&set);
		CPU_SET(cpu, &set);
		sched_setaffinity(0, sizeof(set), &set);
		spin_ms(SPIN_MS + SPIN_MS / 2);
		_exit(0);
	}
	usleep(SPIN_MS * 1000);
	interference_end(&mk, &x);
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	assert_true(x.other_cpu_pct >= 75 && x.other_cpu_pct <= 100);
	assert_true(x.steal_pct >= 0 && x.steal_pct <= 100);
}

static void test_migrations(void **state)
{
	cpu_set_t set, old;
	long m0 = interference_own_migrations(), m1;

	(void)state;
	if (m0 < 0 || sysconf(_SC_NPROCESSORS_ONLN) < 2)
		skip();
	assert_int_equal(sched_getaffinity(0, sizeof(old), &old), 0);
	for (int cpu = 0; cpu < 2; cpu++) {
		CPU_ZERO(&set);
		CPU_SET(cpu, &set);
		assert_int_equal(sched_setaffinity(0, sizeof(set), &set), 0);
		spin_ms(1);
	}
	sched_setaffinity(0, sizeof(old), &old);
	m1 = interference_own_migrations();
	assert_true(m1 > m0);
}

static void test_line_rtt(void **state)
{
	double rtt;

	(void)state;
	assert_true(interference_line_rtt(0, 0, 1000000) < 0);
	assert_true(interference_line_rtt(0, 1 << 20, 1000000) < 0);
	if (sysconf(_SC_NPROCESSORS_ONLN) < 2)
		skip();
	rtt = interference_line_rtt(0, 1, 1000000);
	/* one line between two cores: more than a cycle, less than a
	   microsecond per burst's median; -1 only when a thread did not get
	   its CPU on a saturated machine */
	assert_true(rtt == -1 || (rtt > 1 && rtt < 1e6));
}

/* a ping-pong that gives up with a ping outstanding still ends: a budget of
   1 µs makes the ping side give up early and often; before the echo
   answered by compare-and-swap, a late answer overwrote STOP and the echo
   spun for ever (SIGALRM ends the test then) */
static void test_line_rtt_gives_up_cleanly(void **state)
{
	(void)state;
	if (sysconf(_SC_NPROCESSORS_ONLN) < 2)
		skip();
	alarm(60);
	for (int i = 0; i < 100; i++)
		interference_line_rtt(0, 1, 1000);
	alarm(0);
}

static void test_moved(void **state)
{
	(void)state;
	/* 131 ns then 467 ns: the VM's vCPUs were placed elsewhere */
	assert_true(interference_moved(131, 467));
	assert_true(interference_moved(467, 131));
	assert_false(interference_moved(131, 140));
	assert_false(interference_moved(-1, 467));
	assert_false(interference_moved(131, -1));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_cpus),
		cmocka_unit_test(test_busy_cpu_is_other),
		cmocka_unit_test(test_migrations),
		cmocka_unit_test(test_line_rtt),
		cmocka_unit_test(test_line_rtt_gives_up_cleanly),
		cmocka_unit_test(test_moved),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
