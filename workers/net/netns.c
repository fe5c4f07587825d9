/* netns.c -- network namespaces for the lab: `ip`/`tc` with fixed argv, entering, removing, sweeping */
#include "net/netns.h"
#include "base/error.h"

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
	error_set(err, errlen, "%s", n ? buf : "no message");
	return 0;
}

int netns_tool(char *const argv[], char *err, size_t errlen)
{
	posix_spawn_file_actions_t fa;
	char path[64];
	int pfd[2], status = 0, rc, hung = 0;
	pid_t pid;

	if (!tool_path(argv[0], path, sizeof(path)))
		return error_set(err, errlen, "'%s' not found (install iproute2)", argv[0]);
	if (pipe2(pfd, O_CLOEXEC) < 0)
		return error_set(err, errlen, "cannot make a pipe: %s", strerror(errno));
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, pfd[1], STDERR_FILENO);
	rc = posix_spawn(&pid, path, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(pfd[1]);
	if (rc != 0) {
		close(pfd[0]);
		return error_set(err, errlen, "cannot start '%s': %s", path, strerror(rc));
	}
	if (first_line(pfd[0], err, errlen) < 0) {
		kill(pid, SIGKILL);   /* a tool that hangs must not hang the lab */
		error_set(err, errlen, "'%s' did not finish within %d s", argv[0],
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
	if (fd < 0)
		return error_set(err, errlen, "cannot open '%s': %s", path, strerror(errno));
	rc = setns(fd, CLONE_NEWNET);
	if (rc < 0)
		error_set(err, errlen, "cannot enter namespace '%s': %s", name, strerror(errno));
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

/* netns_remove: kills every process inside namespace name, waits for
   them to go, and deletes it (its links go with it); 0, or -1 with err */
static int netns_remove(const char *name, char *err, size_t errlen)
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

/* netns_sweep_stale: removes the namespaces of labs whose process is
   gone; how many were removed */
static int netns_sweep_stale(void)
{
	DIR *d = opendir(NETNS_DIR);
	struct dirent *e;
	char err[ERROR_MSG_MAX];
	int n = 0;

	if (!d)
		return 0;
	while ((e = readdir(d)))
		if (stale_lab(e->d_name) && netns_remove(e->d_name, err, sizeof(err)) == 0)
			n++;
	closedir(d);
	return n;
}

/* --- a lab's pair of namespaces -------------------------------------------- */

#define PAIR_BURST_MIN 65536      /* tbf burst bytes: at least one GSO segment */
#define PAIR_TBF_LATENCY "50ms"   /* queueing a tbf allows before drops */

void netns_pair_init(struct netns_pair *p)
{
	for (int i = 0; i < 2; i++) {
		snprintf(p->ns[i], sizeof(p->ns[i]), NETNS_PREFIX "%d-%c", (int)getpid(), 'a' + i);
		snprintf(p->dev[i], sizeof(p->dev[i]), "ipcs%d%c", (int)getpid(), 'a' + i);
	}
	p->guard_fd = -1;
	p->guard = 0;
	netns_sweep_stale();
}

int netns_pair_guard(struct netns_pair *p, const char *who, char *err, size_t errlen)
{
	int pfd[2];
	char b;

	if (pipe2(pfd, O_CLOEXEC) < 0)
		goto fail;
	if ((p->guard = fork()) < 0) {
		close(pfd[0]);
		close(pfd[1]);
		goto fail;
	}
	if (p->guard == 0) {
		char e[256];

		signal(SIGINT, SIG_IGN);
		signal(SIGTERM, SIG_IGN);
		signal(SIGHUP, SIG_IGN);
		close(pfd[1]);
		while (read(pfd[0], &b, 1) != 0 && errno == EINTR)
			;
		for (int i = 1; i >= 0; i--)
			if (netns_remove(p->ns[i], e, sizeof(e)) < 0)
				fprintf(stderr, "%s: cannot remove namespace '%s': %s\n", who,
					p->ns[i], e);
		_exit(0);
	}
	close(pfd[0]);
	p->guard_fd = pfd[1];
	return 0;
fail:
	return error_set(err, errlen, "cannot start the namespaces' guardian: %s", strerror(errno));
}

void netns_pair_release(struct netns_pair *p)
{
	if (p->guard_fd >= 0)
		close(p->guard_fd);
	p->guard_fd = -1;
	if (p->guard > 0)
		while (waitpid(p->guard, NULL, 0) < 0 && errno == EINTR)
			;
	p->guard = 0;
}

int netns_pair_link(const struct netns_pair *p, char *err, size_t errlen)
{
	static const char *const addr[2] = { LAB_PEER_ADDR "/" LAB_PREFIX_LEN,
					     LAB_CMD_ADDR "/" LAB_PREFIX_LEN };
	char *ns0 = (char *)p->ns[0], *ns1 = (char *)p->ns[1];
	char *dev0 = (char *)p->dev[0], *dev1 = (char *)p->dev[1];

	for (int i = 0; i < 2; i++)
		if (netns_tool((char *[]){ "ip", "netns", "add", (char *)p->ns[i], NULL },
			       err, errlen) < 0)
			return -1;
	/* both ends are born inside the namespaces: the host never sees them */
	if (netns_tool((char *[]){ "ip", "link", "add", dev0, "netns", ns0, "type", "veth",
				   "peer", "name", dev1, "netns", ns1, NULL }, err, errlen) < 0)
		return -1;
	for (int i = 0; i < 2; i++) {
		char *ns = (char *)p->ns[i], *dev = (char *)p->dev[i];

		if (netns_tool((char *[]){ "ip", "-n", ns, "addr", "add", (char *)addr[i], "dev",
					   dev, NULL }, err, errlen) < 0 ||
		    netns_tool((char *[]){ "ip", "-n", ns, "link", "set", dev, "up", NULL },
			       err, errlen) < 0 ||
		    netns_tool((char *[]){ "ip", "-n", ns, "link", "set", "lo", "up", NULL },
			       err, errlen) < 0)
			return -1;
	}
	return 0;
}

int netns_pair_tbf(const struct netns_pair *p, int i, double rate_bps, char *err,
		   size_t errlen)
{
	char rate[32], burst[32];
	double bytes_per_s = rate_bps / 8;

	snprintf(rate, sizeof(rate), "%.0fbit", rate_bps);
	snprintf(burst, sizeof(burst), "%.0f", bytes_per_s / 1000 > PAIR_BURST_MIN ?
		 bytes_per_s / 1000 : PAIR_BURST_MIN);
	return netns_tool((char *[]){ "tc", "-n", (char *)p->ns[i], "qdisc", "add", "dev",
				      (char *)p->dev[i], "root", "tbf", "rate", rate, "burst", burst,
				      "latency", PAIR_TBF_LATENCY, NULL }, err, errlen);
}
