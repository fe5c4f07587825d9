/* signalfd.c -- real-time signals as signal does, received by read() on a signalfd */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "mech/mech.h"
#include "mech/rtsig.h"
#include "mech/tick.h"

/*
 * The same queued signals as the signal mechanism (sigqueue, 8 bytes in
 * the sigval, blocked in both workers), but each worker takes its own
 * number through a signalfd: one blocking read returns the queued siginfo
 * (tick.h interrupts it to time a receive out).
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
	p->fd = signalfd(-1, &in, SFD_CLOEXEC);
	return p->fd < 0 ? -errno : tick_start(m->timeout_ms);
}

/* one queued signal from the peer (others are dropped), -ETIMEDOUT after
   m->timeout_ms without one */
static int sfd_recv(struct mech *m, void *buf, size_t len)
{
	struct rtsig *p = m->priv;
	struct signalfd_siginfo si;
	uint64_t v, since = 0;

	if (len != SIG_SIZE)
		return -EMSGSIZE;
	for (;;) {
		ssize_t n = read(p->fd, &si, sizeof(si));

		if (n == (ssize_t)sizeof(si)) {
			if (si.ssi_code == SI_QUEUE && (pid_t)si.ssi_pid == m->peer_pid)
				break;
			continue;
		}
		if (n >= 0)
			return -EIO;
		if (errno != EINTR)
			return -errno;
		if (tick_expired(&since, m->timeout_ms))
			return -ETIMEDOUT;
	}
	v = si.ssi_ptr;
	memcpy(buf, &v, sizeof(v));
	return 0;
}

static void sfd_close(struct mech *m)
{
	struct rtsig *p = m->priv;

	tick_stop();
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
		   "read() on a signalfd, so it could wait in poll or epoll like on a socket.",
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
