/* signal.c -- real-time signals: sigqueue() carries 8 bytes in sival, sigtimedwait() takes them;
   also the hooks signalfd shares (rtsig.h) */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mech/mech.h"
#include "mech/rtsig.h"

_Static_assert(sizeof(((union sigval *)0)->sival_ptr) == SIG_SIZE,
	       "sival_ptr must hold the 8-byte payload");

#define SIG_BACKOFF_START_US 10     /* full queue: first pause before a retry */
#define SIG_BACKOFF_MAX_US 1000     /* and the longest one */
#define NS_PER_MS 1000000L
#define MS_PER_S 1000

void rtsig_limits(struct mech_limits *lim)
{
	lim->min_size = SIG_SIZE;
	lim->max_size = SIG_SIZE;
	strcpy(lim->why, "a queued signal carries one 8-byte value (sigval)");
}

/* sig_block: blocks ours, remembering which were unblocked; 0 or -errno */
static int sig_block(struct rtsig *p)
{
	sigset_t old;
	int err = pthread_sigmask(SIG_BLOCK, &p->ours, &old);

	if (err)
		return -err;
	if (!p->masked) {
		sigemptyset(&p->unblock);
		if (!sigismember(&old, p->fwd))
			sigaddset(&p->unblock, p->fwd);
		if (!sigismember(&old, p->back))
			sigaddset(&p->unblock, p->back);
		p->masked = 1;
	}
	return 0;
}

/* sig_unblock: gives the mask back as it was before sig_block */
static void sig_unblock(struct rtsig *p)
{
	if (p->masked)
		pthread_sigmask(SIG_UNBLOCK, &p->unblock, NULL);
	p->masked = 0;
}

/*
 * Blocked here, in the parent, so each worker is born with them blocked:
 * a signal that arrived before the receiver's open() would otherwise
 * take its default action and kill it.
 */
int rtsig_create(struct mech *m)
{
	struct rtsig *p = calloc(1, sizeof(*p));

	if (!p)
		return -ENOMEM;
	p->fd = -1;
	m->priv = p;
	if (m->msg_size != SIG_SIZE)
		return -EMSGSIZE;
	p->fwd = SIGRTMIN + 1;
	p->back = SIGRTMIN + 2;
	if (p->back > SIGRTMAX)
		return -ENOSYS;
	sigemptyset(&p->ours);
	sigaddset(&p->ours, p->fwd);
	sigaddset(&p->ours, p->back);
	return sig_block(p);
}

int rtsig_open(struct mech *m, enum mech_role role)
{
	struct rtsig *p = m->priv;

	if (m->peer_pid <= 0)
		return -ESRCH;
	p->out = role == ROLE_SENDER ? p->fwd : p->back;
	p->in = role == ROLE_SENDER ? p->back : p->fwd;
	return sig_block(p);
}

/* sig_pause: sleeps us microseconds */
static void sig_pause(long us)
{
	struct timespec ts = { .tv_sec = 0, .tv_nsec = us * 1000 };

	nanosleep(&ts, NULL);
}

/* a full signal queue (RLIMIT_SIGPENDING) drains as the peer reads: back
   off and retry until it does (the harness ends a rep whose peer is stuck) */
int rtsig_send(struct mech *m, const void *buf, size_t len)
{
	struct rtsig *p = m->priv;
	union sigval val;
	uint64_t v;
	long step_us = SIG_BACKOFF_START_US;

	if (len != SIG_SIZE)
		return -EMSGSIZE;
	memcpy(&v, buf, sizeof(v));
	val.sival_ptr = (void *)(uintptr_t)v;
	while (sigqueue(m->peer_pid, p->out, val) < 0) {
		if (errno == ESRCH)
			return -EPIPE;
		if (errno != EAGAIN && errno != EINTR)
			return -errno;
		sig_pause(step_us);
		if (step_us < SIG_BACKOFF_MAX_US)
			step_us *= 2;
	}
	return 0;
}

/* one queued signal from the peer (others are dropped), -ETIMEDOUT after
   m->timeout_ms */
static int sig_recv(struct mech *m, void *buf, size_t len)
{
	struct rtsig *p = m->priv;
	struct timespec ts = { .tv_sec = m->timeout_ms / MS_PER_S,
			       .tv_nsec = (long)(m->timeout_ms % MS_PER_S) * NS_PER_MS };
	sigset_t in;
	siginfo_t info;
	uint64_t v;
	int sig;

	if (len != SIG_SIZE)
		return -EMSGSIZE;
	sigemptyset(&in);
	sigaddset(&in, p->in);
	for (;;) {
		sig = sigtimedwait(&in, &info, m->timeout_ms > 0 ? &ts : NULL);
		if (sig < 0 && errno == EINTR)
			continue;
		if (sig < 0)
			return errno == EAGAIN ? -ETIMEDOUT : -errno;
		if (info.si_code == SI_QUEUE && info.si_pid == m->peer_pid)
			break;
	}
	v = (uintptr_t)info.si_value.sival_ptr;
	memcpy(buf, &v, sizeof(v));
	return 0;
}

/* ignoring a signal discards what is still queued (and any late one), so
   the mask can be given back without a stray signal killing the worker */
void rtsig_close(struct mech *m)
{
	struct rtsig *p = m->priv;
	struct sigaction ign = { .sa_handler = SIG_IGN };

	if (!p || !p->masked)
		return;
	sigaction(p->fwd, &ign, NULL);
	sigaction(p->back, &ign, NULL);
	sig_unblock(p);
}

/* the parent never receives these signals: only its mask to restore */
void rtsig_destroy(struct mech *m)
{
	struct rtsig *p = m->priv;

	if (!p)
		return;
	sig_unblock(p);
	free(p);
	m->priv = NULL;
}

const struct mech_ops mech_signal = {
	.name = "signal",
	.summary = "Real-time signals: the kernel queues a small notification with "
		   "one 8-byte value for a process, which picks it up with sigtimedwait.",
	.family = FAM_NOTIFICATION,
	.copies = "2 of 8 bytes: the value goes into a queued kernel siginfo and is "
		  "copied out to the receiver; no buffer, just a word per signal",
	.cleanup = "nothing is created: the signals are blocked while the rep runs "
		   "and the mask is restored; queued signals die with their process",
	.limits = rtsig_limits,
	.create = rtsig_create,
	.open = rtsig_open,
	.send = rtsig_send,
	.recv = sig_recv,
	.close = rtsig_close,
	.destroy = rtsig_destroy,
};
