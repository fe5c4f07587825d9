/* spawn.c -- helper processes a mechanism runs (a bus daemon, a node.js pair) */
#include "mech/spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <signal.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/cleanup.h"

#define SPAWN_EXEC_FAILED 127
#define SPAWN_POLL_MS 5

/* child_exec: the forked child's side; never returns */
static void child_exec(char *const argv[], const struct spawn_fds *fds, int errfd)
{
	struct sigaction dfl = { .sa_handler = SIG_DFL };
	sigset_t none;
	int null = open("/dev/null", O_RDWR | O_CLOEXEC), err;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	for (int s = 1; s < NSIG; s++)
		sigaction(s, &dfl, NULL);
	if (null >= 0)
		for (int fd = 0; fd < 3; fd++)
			dup2(null, fd);
	/* keep fds may sit on 3, 4...: move them out of the way first */
	int moved[SPAWN_MAX_KEEP];
	for (int i = 0; i < fds->nkeep; i++)
		moved[i] = fcntl(fds->keep[i], F_DUPFD_CLOEXEC, 3 + SPAWN_MAX_KEEP + 8);
	for (int i = 0; i < fds->nkeep; i++)
		dup2(moved[i], 3 + i);   /* dup2 clears close-on-exec */
	execvp(argv[0], argv);
	err = errno;
	while (write(errfd, &err, sizeof(err)) < 0 && errno == EINTR)
		;
	_exit(SPAWN_EXEC_FAILED);
}

pid_t spawn_helper(char *const argv[], const struct spawn_fds *fds, const char *dir)
{
	int ep[2], err = 0, rc;
	pid_t pid;
	ssize_t n;

	if (pipe2(ep, O_CLOEXEC) < 0)
		return -errno;
	pid = fork();
	if (pid < 0) {
		err = -errno;
		close(ep[0]);
		close(ep[1]);
		return err;
	}
	if (pid == 0)
		child_exec(argv, fds, ep[1]);
	close(ep[1]);
	/* the error pipe closes on a successful exec; an errno means it failed */
	do
		n = read(ep[0], &err, sizeof(err));
	while (n < 0 && errno == EINTR);
	close(ep[0]);
	if (n == sizeof(err)) {
		waitpid(pid, NULL, 0);
		return -err;
	}
	if (dir && (rc = cleanup_record_pid(dir, pid)) < 0) {
		spawn_stop(pid, 0, NULL);
		return rc;
	}
	return pid;
}

static uint64_t ms_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* reap_within: 1 when pid exited within ms (reaped), else 0 */
static int reap_within(pid_t pid, int ms)
{
	uint64_t end = ms_now() + (uint64_t)(ms > 0 ? ms : 0);

	for (;;) {
		pid_t r = waitpid(pid, NULL, WNOHANG);
		if (r == pid || (r < 0 && errno == ECHILD))
			return 1;
		if (ms_now() >= end)
			return 0;
		usleep(SPAWN_POLL_MS * 1000);
	}
}

void spawn_stop(pid_t pid, int grace_ms, const char *dir)
{
	if (pid <= 0)
		return;
	kill(pid, SIGTERM);
	if (!reap_within(pid, grace_ms)) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
	if (dir)
		cleanup_unrecord_pid(dir, pid);
}

int spawn_read_line(int fd, char *buf, size_t len, int timeout_ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	uint64_t end = ms_now() + (uint64_t)(timeout_ms > 0 ? timeout_ms : 0);
	size_t got = 0;

	while (got + 1 < len) {
		uint64_t now = ms_now();
		ssize_t n;
		int r = timeout_ms < 0 ? poll(&pfd, 1, -1) :
			now >= end ? 0 : poll(&pfd, 1, (int)(end - now));

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (r == 0)
			return -ETIMEDOUT;
		n = read(fd, buf + got, 1);   /* a byte at a time: never past the line */
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EPIPE;
		if (buf[got] == '\n') {
			buf[got] = '\0';
			return (int)got;
		}
		got++;
	}
	return -EMSGSIZE;
}
