/* signal.c -- real-time signals: sigqueue() carries 8 bytes in sival, sigtimedwait() takes them */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../mech.h"

#define SIG_SIZE 8
_Static_assert(sizeof(((union sigval *)0)->sival_ptr) == SIG_SIZE,
	       "sival_ptr must hold the 8-byte payload");

/*
 * Real-time signals queue (ordinary ones merge) and keep their order, so
 * one signal per message loses nothing. Each direction has its own
 * number; both stay blocked and are taken synchronously with
 * sigtimedwait, so no handler ever runs.
 */
struct sig_priv {
	int fwd, back;         /* signal numbers: sender->receiver, echo */
	int out, in;           /* this worker's numbers */
	sigset_t ours;         /* {fwd, back} */
	sigset_t unblock;      /* those of ours that were not blocked before */
	int masked;            /* this process blocked them */
};

static void sig_limits(struct mech_limits *lim)
{
	lim->min_size = SIG_SIZE;
	lim->max_size = SIG_SIZE;
	strcpy(lim->why, "a queued signal carries one 8-byte value (sigval)");
}

/* sig_block: blocks ours, remembering which were unblocked; 0 or -errno */
static int sig_block(struct sig_priv *p)
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
static void sig_unblock(struct sig_priv *p)
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
static int sig_create(struct mech *m)
{
	struct sig_priv *p = calloc(1, sizeof(*p));

	if (!p)
		return -ENOMEM;
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

static int sig_open(struct mech *m, enum mech_role role)
{
	struct sig_priv *p = m->priv;

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
static int sig_send(struct mech *m, const void *buf, size_t len)
{
	struct sig_priv *p = m->priv;
	union sigval val;
	uint64_t v;
	long step_us = 10;

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
		if (step_us < 1000)
			step_us *= 2;
	}
	return 0;
}

/* one queued signal from the peer (others are dropped), -ETIMEDOUT after
   m->timeout_ms */
static int sig_recv(struct mech *m, void *buf, size_t len)
{
	struct sig_priv *p = m->priv;
	struct timespec ts = { .tv_sec = m->timeout_ms / 1000,
			       .tv_nsec = (long)(m->timeout_ms % 1000) * 1000000L };
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
static void sig_close(struct mech *m)
{
	struct sig_priv *p = m->priv;
	struct sigaction ign = { .sa_handler = SIG_IGN };

	if (!p || !p->masked)
		return;
	sigaction(p->fwd, &ign, NULL);
	sigaction(p->back, &ign, NULL);
	sig_unblock(p);
}

/* the parent never receives these signals: only its mask to restore */
static void sig_destroy(struct mech *m)
{
	struct sig_priv *p = m->priv;

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
	.limits = sig_limits,
	.create = sig_create,
	.open = sig_open,
	.send = sig_send,
	.recv = sig_recv,
	.close = sig_close,
	.destroy = sig_destroy,
};
