/* xh_lab.c -- the cross-host demo's two network namespaces, veth pair,
   rate limit and peer, and its children's plumbing (spawn into a
   namespace, read their output, reap them) */
#include "demos/xh_lab.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "net/lab.h"
#include "net/netns.h"
#include "base/error.h"

#define XH_POLL_MS 250               /* a progress line at least this often */
#define XH_PEER_WAIT_S 10.0
#define XH_OUT_MAX (4u << 20)        /* a bench child's output we keep */
/* set by `ipcscope serve` for its run process, which exits unless the
   server is its parent: this demo's own children are not the server's */
#define XH_SERVER_ENV "IPCSCOPE_SERVER_PID"

/* xh_lab_shape: a tbf of rate_mbit on both ends of the link */
int xh_lab_shape(struct xh_lab *l, int rate_mbit, char *err, size_t errlen)
{
	for (int i = 0; i < 2; i++)
		if (netns_pair_tbf(&l->net, i, rate_mbit * 1e6, err, errlen) < 0)
			return -1;
	return 0;
}

/* child_into: in a forked child: stops with the demo, enters ns (if any),
   stdin from in (-1: /dev/null), stdout and stderr into fd; exits on
   failure. The child is an ipcscope peer or run: SIGTERM, not SIGKILL, so
   that it removes its run directory as it goes. */
static void child_into(const char *ns, int in, int fd)
{
	char err[ERROR_MSG_MAX];
	int nul = in >= 0 ? in : open("/dev/null", O_RDONLY);

	prctl(PR_SET_PDEATHSIG, SIGTERM);
	unsetenv(XH_SERVER_ENV);
	if (ns && netns_enter(ns, err, sizeof(err)) < 0) {
		dprintf(fd, "cannot enter namespace %s: %s\n", ns, err);
		_exit(127);
	}
	if (nul >= 0)
		dup2(nul, STDIN_FILENO);
	dup2(fd, STDOUT_FILENO);
	dup2(fd, STDERR_FILENO);
}

/* spawn: /proc/self/exe with argv in namespace ns (or here), token (if
   any) on its stdin for "--token-file -", its output on *fd; the pid or
   -1 with err */
pid_t xh_spawn(char *const argv[], const char *ns, const char *token, int *fd, char *err,
	       size_t errlen)
{
	int pfd[2], in = token ? peer_token_pipe(token) : -1;
	pid_t pid;

	if ((token && in < 0) || pipe2(pfd, O_CLOEXEC) < 0 || (pid = fork()) < 0) {
		error_set(err, errlen, "cannot start '%s': %s", argv[1], strerror(errno));
		if (in >= 0)
			close(in);
		return -1;
	}
	if (pid == 0) {
		child_into(ns, in, pfd[1]);
		execv("/proc/self/exe", argv);
		_exit(127);
	}
	if (in >= 0)
		close(in);
	close(pfd[1]);
	*fd = pfd[0];
	return pid;
}

/* slurp: what is ready on fd within XH_POLL_MS into b; 1 at end of stream */
int xh_slurp(int fd, struct xh_buf *b)
{
	struct pollfd pf = { .fd = fd, .events = POLLIN };
	char chunk[16384];
	ssize_t r;

	if (poll(&pf, 1, XH_POLL_MS) <= 0)
		return 0;
	r = read(fd, chunk, sizeof(chunk));
	if (r < 0)
		return errno == EINTR ? 0 : 1;
	if (r == 0)
		return 1;
	if (b->n + (size_t)r + 1 > b->cap && b->cap < XH_OUT_MAX) {
		size_t cap = b->cap ? b->cap * 2 : sizeof(chunk) * 4;
		char *p = realloc(b->p, cap + sizeof(chunk));

		if (!p)
			return 1;
		b->p = p;
		b->cap = cap;
	}
	if (b->n + (size_t)r < b->cap) {
		memcpy(b->p + b->n, chunk, (size_t)r);
		b->n += (size_t)r;
		b->p[b->n] = '\0';
	}
	return 0;
}

void xh_reap(pid_t pid, int *status)
{
	kill(pid, SIGKILL);
	while (waitpid(pid, status, 0) < 0 && errno == EINTR)
		;
	/* killed, it could not remove its run directory: the sweep takes
	   what is named after a pid that is gone */
	cleanup_sweep_stale();
}

static int lab_peer(struct xh_lab *l, struct exp_out *o, char *err, size_t errlen)
{
	char listen[48];
	struct xh_buf b = { 0 };
	double t0 = exp_now();
	int found = 0;

	snprintf(listen, sizeof(listen), LAB_PEER_ADDR ":%d", LAB_PEER_PORT);
	l->peer = xh_spawn((char *[]){ "ipcscope", "peer", "--listen", listen, "--token-file", "-",
				    NULL }, l->net.ns[0], l->token, &l->peer_fd, err, errlen);
	if (l->peer < 0)
		return -1;
	while (!found && exp_now() - t0 < XH_PEER_WAIT_S && !exp_stopped()) {
		int end = xh_slurp(l->peer_fd, &b);

		found = b.p && strstr(b.p, "listening on");
		exp_progress(o, (exp_now() - t0) / XH_PEER_WAIT_S);
		if (end)
			break;
	}
	if (!found)
		error_set(err, errlen, "the peer did not start listening on %s%s%.160s", listen,
			  b.p ? ": " : "", b.p ? b.p : "");
	free(b.p);
	return found ? 0 : -1;
}

void xh_lab_close(struct xh_lab *l)
{
	netns_pair_release(&l->net);   /* its guardian kills what is inside */
	if (l->peer > 0)
		xh_reap(l->peer, NULL);
	if (l->peer_fd >= 0)
		close(l->peer_fd);
}

/* lab_open: the namespaces, the link and the peer; 0 or -1 with err */
int xh_lab_open(struct xh_lab *l, struct exp_out *o, char *err, size_t errlen)
{
	netns_pair_init(&l->net);
	peer_token_new(l->token);
	if (netns_pair_guard(&l->net, "ipcscope demo cross-host", err, errlen) < 0 ||
	    netns_pair_link(&l->net, err, errlen) < 0)
		return -1;
	return lab_peer(l, o, err, errlen);
}
