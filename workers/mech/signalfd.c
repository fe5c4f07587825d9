/* signalfd.c -- real-time signals as signal does, received by read() on a signalfd */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "../mech.h"
#include "rtsig.h"

/*
 * The same queued signals as the signal mechanism (sigqueue, 8 bytes in
 * the sigval, blocked in both workers), but each worker takes its own
 * number through a non-blocking signalfd: a read returns the queued
 * siginfo, and only when the queue is empty does it wait in poll().
 */

static int sfd_open(struct mech *m, enum mech_role role)
{
	struct rtsig *p = m->priv;
	sigset_t in;
	int rc = rtsig_open(m, role);

	if (rc)
		return rc;
	sigemptyset(&in);
	sigaddset(&in, p->in);
	p->fd = signalfd(-1, &in, SFD_NONBLOCK | SFD_CLOEXEC);
	return p->fd < 0 ? -errno : 0;
}

/* sfd_wait: until the signalfd is readable; 0, -ETIMEDOUT or -errno */
static int sfd_wait(const struct mech *m, int fd)
{
	struct pollfd pf = { .fd = fd, .events = POLLIN };
	int n;

	do
		n = poll(&pf, 1, m->timeout_ms > 0 ? m->timeout_ms : -1);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	return n == 0 ? -ETIMEDOUT : 0;
}

/* one queued signal from the peer (others are dropped), -ETIMEDOUT after
   m->timeout_ms without one */
static int sfd_recv(struct mech *m, void *buf, size_t len)
{
	struct rtsig *p = m->priv;
	struct signalfd_siginfo si;
	uint64_t v;

	if (len != SIG_SIZE)
		return -EMSGSIZE;
	for (;;) {
		ssize_t n = read(p->fd, &si, sizeof(si));
		int rc;

		if (n == (ssize_t)sizeof(si)) {
			if (si.ssi_code == SI_QUEUE && (pid_t)si.ssi_pid == m->peer_pid)
				break;
			continue;
		}
		if (n >= 0)
			return -EIO;
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN)
			return -errno;
		if ((rc = sfd_wait(m, p->fd)) < 0)
			return rc;
	}
	v = si.ssi_ptr;
	memcpy(buf, &v, sizeof(v));
	return 0;
}

static void sfd_close(struct mech *m)
{
	struct rtsig *p = m->priv;

	if (p && p->fd >= 0) {
		close(p->fd);
		p->fd = -1;
	}
	rtsig_close(m);
}

const struct mech_ops mech_signalfd = {
	.name = "signalfd",
	.summary = "Real-time signals read from a file descriptor: the same queued "
		   "8-byte signals as 'signal', but the receiver reads them with "
		   "read() on a signalfd, so it can wait in poll or epoll like on a socket.",
	.family = FAM_NOTIFICATION,
	.copies = "2 of 8 bytes: the value goes into a queued kernel siginfo, which "
		  "read() copies out as a 128-byte signalfd_siginfo",
	.cleanup = "one signalfd per worker, closed by the worker (and by the kernel "
		   "when it exits); the signals are blocked while the rep runs and the "
		   "mask is restored",
	.limits = rtsig_limits,
	.create = rtsig_create,
	.open = sfd_open,
	.send = rtsig_send,
	.recv = sfd_recv,
	.close = sfd_close,
	.destroy = rtsig_destroy,
};
