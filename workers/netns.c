/* netns.c -- network namespaces for the lab: `ip`/`tc` with fixed argv, entering, removing, sweeping */
#include "netns.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define NETNS_GONE_WAIT_MS 3000   /* killed members leave within this */
#define NETNS_POLL_MS 10
#define NETNS_TOOL_MAX_MS 20000   /* one `ip` or `tc` call */

/* tool_path: the tool's absolute path from a fixed list of system
   directories (never $PATH: the lab runs as root), or NULL */
static const char *tool_path(const char *tool, char *buf, size_t len)
{
	static const char *const dirs[] = { "/usr/sbin", "/sbin", "/usr/bin", "/bin" };

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(buf, len, "%s/%s", dirs[i], tool);
		if (access(buf, X_OK) == 0)
			return buf;
	}
	return NULL;
}

/* first_line: what the tool said on stderr, up to its first newline,
   read until it closes stderr; -1 when that takes over NETNS_TOOL_MAX_MS */
static int first_line(int fd, char *err, size_t errlen)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	char buf[512];
	size_t n = 0;
	int waited = 0;

	for (;;) {
		ssize_t r;

		if (poll(&p, 1, NETNS_POLL_MS) == 0) {
			if ((waited += NETNS_POLL_MS) >= NETNS_TOOL_MAX_MS)
				return -1;
			continue;
		}
		r = read(fd, buf + n, sizeof(buf) - 1 - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0 || (n += (size_t)r) == sizeof(buf) - 1)
			break;
	}
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	snprintf(err, errlen, "%s", n ? buf : "no message");
	return 0;
}

int netns_tool(char *const argv[], char *err, size_t errlen)
{
	posix_spawn_file_actions_t fa;
	char path[64];
	int pfd[2], status = 0, rc, hung = 0;
	pid_t pid;

	if (!tool_path(argv[0], path, sizeof(path))) {
		snprintf(err, errlen, "'%s' not found (install iproute2)", argv[0]);
		return -1;
	}
	if (pipe2(pfd, O_CLOEXEC) < 0) {
		snprintf(err, errlen, "cannot make a pipe: %s", strerror(errno));
		return -1;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, pfd[1], STDERR_FILENO);
	rc = posix_spawn(&pid, path, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(pfd[1]);
	if (rc != 0) {
		close(pfd[0]);
		snprintf(err, errlen, "cannot start '%s': %s", path, strerror(rc));
		return -1;
	}
	if (first_line(pfd[0], err, errlen) < 0) {
		kill(pid, SIGKILL);   /* a tool that hangs must not hang the lab */
		snprintf(err, errlen, "'%s' did not finish within %d s", argv[0],
			 NETNS_TOOL_MAX_MS / 1000);
		hung = 1;
	}
	close(pfd[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (!hung && WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	return -1;
}

int netns_enter(const char *name, char *err, size_t errlen)
{
	char path[128];
	int fd, rc;

	snprintf(path, sizeof(path), NETNS_DIR "/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "cannot open '%s': %s", path, strerror(errno));
		return -1;
	}
	rc = setns(fd, CLONE_NEWNET);
	if (rc < 0)
		snprintf(err, errlen, "cannot enter namespace '%s': %s", name, strerror(errno));
	close(fd);
	return rc;
}

/* kill_members: SIGKILL to every process whose network namespace is the
   one at st; how many are still there */
static int kill_members(const struct stat *ns)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	int n = 0;

	if (!d)
		return 0;
	while ((e = readdir(d))) {
		char path[64];
		struct stat st;
		int pid = 0;

		if (sscanf(e->d_name, "%d", &pid) != 1 || pid <= 1 || pid == getpid())
			continue;
		snprintf(path, sizeof(path), "/proc/%d/ns/net", pid);
		if (stat(path, &st) < 0 || st.st_ino != ns->st_ino || st.st_dev != ns->st_dev)
			continue;
		kill(pid, SIGKILL);
		n++;
	}
	closedir(d);
	return n;
}

static void pause_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

int netns_remove(const char *name, char *err, size_t errlen)
{
	char path[128], nsname[64];
	char *argv[] = { "ip", "netns", "delete", nsname, NULL };
	struct stat ns;

	snprintf(nsname, sizeof(nsname), "%s", name);
	snprintf(path, sizeof(path), NETNS_DIR "/%s", name);
	if (stat(path, &ns) < 0)
		return errno == ENOENT ? 0 : -1;
	/* a namespace lives on while a process is inside it, and its links
	   with it: empty it first (our own exited children are reaped by
	   whoever waits for them; zombies hold no namespace) */
	for (int t = 0; kill_members(&ns) && t < NETNS_GONE_WAIT_MS; t += NETNS_POLL_MS)
		pause_ms(NETNS_POLL_MS);
	return netns_tool(argv, err, errlen);
}

/* stale_lab: 1 when name is a lab namespace whose lab process is gone */
static int stale_lab(const char *name)
{
	int pid;
	char dash;

	if (sscanf(name, NETNS_PREFIX "%d%c", &pid, &dash) != 2 || dash != '-' || pid <= 0)
		return 0;
	return kill(pid, 0) < 0 && errno == ESRCH;
}

int netns_sweep_stale(void)
{
	DIR *d = opendir(NETNS_DIR);
	struct dirent *e;
	char err[256];
	int n = 0;

	if (!d)
		return 0;
	while ((e = readdir(d)))
		if (stale_lab(e->d_name) && netns_remove(e->d_name, err, sizeof(err)) == 0)
			n++;
	closedir(d);
	return n;
}
