/* run_proc.c -- one run process: spawned, its lines relayed, stopped, reaped */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>

#include "clock.h"
#include "run_proc.h"
#include "base/error.h"

#define PROC_POLL_MS 1000          /* longest wait between two looks at a run */
#define PROC_ENDING_POLL_MS 2      /* a run that is ending exits within ms */
#define PROC_LINGER_S 0.5          /* a worker may hold the pipe after the leader exits */
#define PROC_GRACE_POLL_MS 20
#define PROC_READ_BLOCK 65536
#define PROC_WAKE_DRAIN 64

extern char **environ;

static char exe[PATH_MAX];

int proc_init(char *err, size_t errlen)
{
	char pid[24];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	if (n <= 0)
		return error_set(err, errlen, "cannot find this binary: %s", strerror(errno));
	exe[n] = '\0';
	snprintf(pid, sizeof(pid), "%d", (int)getpid());
	if (setenv(PROC_PARENT_ENV, pid, 1) < 0)
		return error_set(err, errlen, "cannot set %s: %s", PROC_PARENT_ENV, strerror(errno));
	return 0;
}

const char *proc_exe(void)
{
	return exe;
}

/* input_pipe: a pipe holding input, its write end closed; the read end,
   or -1 (input is a line or two: it fits in the pipe at once) */
static int input_pipe(const char *input)
{
	size_t n = strlen(input);
	int p[2];

	if (n > PIPE_BUF || pipe2(p, O_CLOEXEC) < 0)
		return -1;
	if (write(p[1], input, n) != (ssize_t)n) {
		close(p[0]);
		p[0] = -1;
	}
	close(p[1]);
	return p[0];
}

/* proc_spawn: starts this binary with argv in a new
   process group, its stdout on a pipe, signals at their defaults, and
   input (up to PIPE_BUF bytes; NULL: nothing) on its stdin: what must
   not go on a command line that every user sees; the stdout pipe's read
   end, or -1 with a message in err */
static int proc_spawn(char *const *argv, const char *input, pid_t *pid, char *err, size_t errlen)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	sigset_t none, dfl;
	int p[2], rc, in = -1;

	if (input && (in = input_pipe(input)) < 0)
		return error_set(err, errlen, "cannot hand the run process its input: %s", strerror(errno));
	if (pipe2(p, O_CLOEXEC) < 0) {
		error_set(err, errlen, "cannot create a pipe: %s", strerror(errno));
		if (in >= 0)
			close(in);
		return -1;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, p[1], STDOUT_FILENO);
	if (in >= 0)
		posix_spawn_file_actions_adddup2(&fa, in, STDIN_FILENO);
	else
		posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
	posix_spawnattr_init(&at);
	sigemptyset(&none);
	sigemptyset(&dfl);
	sigaddset(&dfl, SIGPIPE);
	sigaddset(&dfl, SIGTERM);
	sigaddset(&dfl, SIGINT);
	sigaddset(&dfl, SIGHUP);
	sigaddset(&dfl, SIGXFSZ);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK |
				 POSIX_SPAWN_SETSIGDEF);
	posix_spawnattr_setpgroup(&at, 0);
	posix_spawnattr_setsigmask(&at, &none);
	posix_spawnattr_setsigdefault(&at, &dfl);
	rc = posix_spawn(pid, exe, &fa, &at, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	close(p[1]);
	if (in >= 0)
		close(in);
	if (rc != 0) {
		close(p[0]);
		return error_set(err, errlen, "cannot start the run process '%s': %s", exe, strerror(rc));
	}
	return p[0];
}

/* leader_exited: pid has exited; it stays a zombie, so its process group
   id cannot be reused until it is reaped */
static bool leader_exited(pid_t pid)
{
	siginfo_t si;

	memset(&si, 0, sizeof(si));
	return waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG | WNOWAIT) == 0 &&
	       si.si_pid == pid;
}

void proc_reap_orphans(void)
{
	siginfo_t si;

	for (;;) {
		memset(&si, 0, sizeof(si));
		if (waitid(P_ALL, 0, &si, WEXITED | WNOHANG | WNOWAIT) < 0 || si.si_pid == 0)
			return;
		waitpid(si.si_pid, NULL, 0);
	}
}

/* The line framing of one run's stdout. */
struct relay {
	const struct proc_sink *sink;
	char *line;
	size_t n;
	size_t total;              /* bytes relayed */
	bool skipping;             /* inside an over-long line */
	bool discard;              /* the server ends this run: drop the rest */
};

static void relay_feed(struct relay *rl, const char *p, size_t n)
{
	while (n > 0) {
		const char *nl = memchr(p, '\n', n);
		size_t k = nl ? (size_t)(nl - p) : n;

		if (!rl->skipping && !rl->discard) {
			if (rl->n + k > PROC_LINE_MAX) {
				fprintf(stderr, "ipcscope: a run process printed a line over %u "
					"bytes: dropped\n", PROC_LINE_MAX);
				rl->skipping = true;
				rl->n = 0;
			} else {
				memcpy(rl->line + rl->n, p, k);
				rl->n += k;
			}
		}
		if (!nl)
			return;
		if (!rl->skipping && !rl->discard) {
			rl->sink->line(rl->sink->ctx, rl->line, rl->n);
			rl->total += rl->n + 1;
		}
		rl->n = 0;
		rl->skipping = false;
		p = nl + 1;
		n -= k + 1;
	}
}

/* read_some: one read of the run's stdout into the relay; false at EOF */
static bool read_some(struct relay *rl, int fd)
{
	char tmp[PROC_READ_BLOCK];
	ssize_t n = read(fd, tmp, sizeof(tmp));

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return true;
	if (n <= 0)
		return false;
	relay_feed(rl, tmp, (size_t)n);
	return true;
}

static void drain_wake(int fd)
{
	char tmp[PROC_WAKE_DRAIN];

	while (read(fd, tmp, sizeof(tmp)) > 0)
		;
}

/* relay_loop: relays the run's lines until it ends on its own, or returns
   why the server must end it */
static enum proc_end relay_loop(struct relay *rl, int fd, pid_t pid, double deadline)
{
	const struct proc_sink *sk = rl->sink;
	double exited_at = 0;
	bool eof = false;

	for (;;) {
		struct pollfd pf[2] = { { eof ? -1 : fd, POLLIN, 0 }, { sk->wake_fd, POLLIN, 0 } };
		double left = deadline - clock_s(CLOCK_MONOTONIC);
		int ms = left * 1000 > PROC_POLL_MS ? PROC_POLL_MS : (int)(left * 1000) + 1;

		if (left <= 0)
			return PROC_TIMEOUT;
		/* the run is ending: its exit follows within milliseconds, and
		   the next run in the queue is waiting for it */
		if ((eof || exited_at > 0) && ms > PROC_ENDING_POLL_MS)
			ms = PROC_ENDING_POLL_MS;
		if (poll(pf, 2, ms) < 0 && errno != EINTR)
			return PROC_CANCELLED;
		if (pf[1].revents)
			drain_wake(sk->wake_fd);
		if (sk->stop(sk->ctx))
			return PROC_CANCELLED;
		if (pf[0].revents && !read_some(rl, fd))
			eof = true;
		if (rl->total > PROC_OUTPUT_MAX)
			return PROC_OUTPUT;
		if (leader_exited(pid)) {
			if (eof || (exited_at > 0 && clock_s(CLOCK_MONOTONIC) - exited_at > PROC_LINGER_S))
				return PROC_EXITED;
			if (exited_at == 0)
				exited_at = clock_s(CLOCK_MONOTONIC);
		}
	}
}

/* stop_group: SIGTERM to the run's process group, a grace period in which
   the run removes its kernel objects, then SIGKILL to whatever is left */
static void stop_group(pid_t pid, int fd, struct relay *rl, int grace_ms)
{
	double until = clock_s(CLOCK_MONOTONIC) + grace_ms / 1000.0;
	char tmp[PROC_READ_BLOCK / 16];

	rl->discard = true;
	kill(-pid, SIGTERM);
	while (clock_s(CLOCK_MONOTONIC) < until && !leader_exited(pid)) {
		struct pollfd pf = { fd, POLLIN, 0 };

		if (poll(&pf, fd >= 0 ? 1 : 0, PROC_GRACE_POLL_MS) > 0 &&
		    read(fd, tmp, sizeof(tmp)) <= 0)
			fd = -1;
	}
}

int proc_run(char *const *argv, const char *input, const struct proc_limits *lim,
	     const struct proc_sink *sink, enum proc_end *why, int *status, char *err,
	     size_t errlen)
{
	struct relay rl = { .sink = sink };
	double deadline = clock_s(CLOCK_MONOTONIC) + lim->max_seconds;
	pid_t pid;
	int fd;

	*status = 0;
	rl.line = malloc(PROC_LINE_MAX);
	if (!rl.line)
		return error_set(err, errlen, "out of memory");
	fd = proc_spawn(argv, input, &pid, err, errlen);
	if (fd < 0) {
		free(rl.line);
		return -1;
	}
	*why = relay_loop(&rl, fd, pid, deadline);
	if (*why != PROC_EXITED)
		stop_group(pid, fd, &rl, lim->grace_ms);
	kill(-pid, SIGKILL);       /* the leader is a zombie at worst: id still ours */
	while (waitpid(pid, status, 0) < 0 && errno == EINTR)
		;
	proc_reap_orphans();
	close(fd);
	free(rl.line);
	return 0;
}

void proc_status_message(int st, char *msg, size_t n)
{
	if (WIFSIGNALED(st))
		snprintf(msg, n, "the run process was killed by signal %d (%s)",
			 WTERMSIG(st), strsignal(WTERMSIG(st)));
	else
		snprintf(msg, n, "the run process exited with status %d without an end line",
			 WEXITSTATUS(st));
}
