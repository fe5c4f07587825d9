/* test_mech_wait.c -- eventfd and signalfd wait for a message in one blocking read, and still time out */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "mech/mech.h"

#define WAIT_TIMEOUT_MS 200

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* receiver: a child that opens name as the receiver of a latency rep and
   waits for one message, timeout_ms at most; it exits 0 on -ETIMEDOUT
   after between 3/4 of timeout_ms and 5 s, else 1. Its pid, and m for
   the parent's destroy. */
static pid_t receiver(const char *name, int timeout_ms, struct mech *m)
{
	const struct mech_ops *ops = mech_find(name);
	pid_t pid;

	assert_non_null(ops);
	memset(m, 0, sizeof(*m));
	m->ops = ops;
	m->msg_size = 8;
	m->mode = MODE_LATENCY;
	m->timeout_ms = timeout_ms;
	m->tmpdir = "/tmp";
	m->tag = "ipcscope-waittest";
	assert_int_equal(ops->create(m), 0);
	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		char buf[8];
		double t0;
		int rc;

		m->peer_pid = getppid();
		m->role = ROLE_RECEIVER;
		if (ops->open(m, ROLE_RECEIVER) != 0)
			_exit(2);
		t0 = now_s();
		rc = ops->recv(m, buf, sizeof(buf));
		t0 = now_s() - t0;
		ops->close(m);
		_exit(rc == -ETIMEDOUT && t0 >= 0.75 * timeout_ms / 1000.0 && t0 < 5 ? 0 : 1);
	}
	return pid;
}

/* syscall_of: the system call pid is blocked in (/proc/PID/syscall), -1
   while it runs; waits up to 1 s for it to block */
static long syscall_of(pid_t pid)
{
	char path[64], line[256];

	snprintf(path, sizeof(path), "/proc/%d/syscall", (int)pid);
	for (int i = 0; i < 100; i++) {
		FILE *f = fopen(path, "r");
		long nr = -1;

		if (f && fgets(line, sizeof(line), f) && strncmp(line, "running", 7) != 0)
			nr = strtol(line, NULL, 10);
		if (f)
			fclose(f);
		if (nr >= 0)
			return nr;
		usleep(10000);
	}
	return -1;
}

/* check: name's receiver blocks in read() itself (no poll first) and gives
   up after its timeout */
static void check(const char *name)
{
	struct mech m;
	pid_t pid = receiver(name, WAIT_TIMEOUT_MS, &m);
	long nr;
	int st = 0;

	usleep(50000);
	nr = syscall_of(pid);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	m.ops->destroy(&m);
	if (nr != SYS_read)
		fail_msg("%s: the waiting receiver was in system call %ld, not read (%d)", name, nr,
			 SYS_read);
	assert_true(WIFEXITED(st));
	if (WEXITSTATUS(st) != 0)
		fail_msg("%s: the receive did not time out after %d ms (exit %d)", name,
			 WAIT_TIMEOUT_MS, WEXITSTATUS(st));
}

static void test_eventfd(void **state)
{
	(void)state;
	check("eventfd");
}

static void test_signalfd(void **state)
{
	(void)state;
	check("signalfd");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_eventfd),
		cmocka_unit_test(test_signalfd),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
