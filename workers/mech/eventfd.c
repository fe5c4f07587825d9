/* eventfd.c -- two eventfd counters: one 8-byte value per message, handed over one at a time */
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "../mech.h"
#include "io.h"

/*
 * A write adds to the counter and a read takes the sum and zeroes it, so
 * two values written before a read would merge. Each message therefore
 * goes into an empty counter, as value + 1 (a counter of 0 means "no
 * message"; the kernel caps it at 2^64 - 2, so payloads up to 2^64 - 3
 * fit, far beyond any sequence number).
 *
 * throughput: fwd carries messages, back carries credits: the receiver
 *             writes 1 to back after each read, and the sender takes that
 *             credit before its next write.
 * latency:    fwd carries messages, back carries the echoes; an echo
 *             proves the counter was read, so no credits are sent.
 * Which one a rep uses never changes, so a credit cannot pass for an echo.
 */
#define EVFD_SIZE 8
#define EVFD_MAX_VALUE (UINT64_MAX - 2)

struct evfd_priv {
	int fwd;           /* sender -> receiver messages */
	int back;          /* credits (throughput) or echoes (latency) */
	enum mech_role role;
	int outstanding;   /* sent, and no credit or echo seen yet */
	int owed_echo;     /* latency receiver: got one, not yet echoed */
};

static void evfd_limits(struct mech_limits *lim)
{
	lim->min_size = EVFD_SIZE;
	lim->max_size = EVFD_SIZE;
	strcpy(lim->why, "an eventfd carries one 8-byte counter");
}

static int evfd_create(struct mech *m)
{
	struct evfd_priv *p = calloc(1, sizeof(*p));

	if (!p)
		return -ENOMEM;
	p->fwd = p->back = -1;
	m->priv = p;
	if (m->msg_size != EVFD_SIZE)
		return -EMSGSIZE;
	p->fwd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (p->fwd < 0)
		return -errno;
	p->back = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (p->back < 0)
		return -errno;
	return 0;
}

static int evfd_open(struct mech *m, enum mech_role role)
{
	struct evfd_priv *p = m->priv;

	p->role = role;
	p->outstanding = 0;
	p->owed_echo = 0;
	return 0;
}

/* evfd_take: waits up to timeout_ms (forever if 0) for a non-zero
   counter and takes it into *val; 0, -ETIMEDOUT or -errno */
static int evfd_take(int fd, int timeout_ms, uint64_t *val)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	for (;;) {
		if (read(fd, val, sizeof(*val)) == (ssize_t)sizeof(*val))
			return 0;
		if (errno != EAGAIN && errno != EINTR)
			return -errno;
		if (errno == EAGAIN) {
			int n = poll(&pfd, 1, timeout_ms > 0 ? timeout_ms : -1);
			if (n == 0)
				return -ETIMEDOUT;
			if (n < 0 && errno != EINTR)
				return -errno;
		}
	}
}

/* evfd_put: adds val to an (empty) counter; 0 or -errno */
static int evfd_put(int fd, uint64_t val)
{
	ssize_t n;

	do
		n = write(fd, &val, sizeof(val));
	while (n < 0 && errno == EINTR);
	return n == (ssize_t)sizeof(val) ? 0 : -errno;
}

/* evfd_encode: the counter value for one 8-byte message, or 0 if it cannot
   be carried */
static uint64_t evfd_encode(const void *buf)
{
	uint64_t v;

	memcpy(&v, buf, sizeof(v));
	return v <= EVFD_MAX_VALUE ? v + 1 : 0;
}

static int evfd_send(struct mech *m, const void *buf, size_t len)
{
	struct evfd_priv *p = m->priv;
	uint64_t v = len == EVFD_SIZE ? evfd_encode(buf) : 0, credit;
	int ret;

	if (!v)
		return len == EVFD_SIZE ? -ERANGE : -EMSGSIZE;
	if (p->role == ROLE_RECEIVER) {
		/* only the echo of a message just received may go back */
		if (m->mode != MODE_LATENCY || !p->owed_echo)
			return -EPROTO;
		p->owed_echo = 0;
		return evfd_put(p->back, v);
	}
	if (p->outstanding) {
		/* throughput: wait for the credit. latency: this ping's echo
		   timed out and the harness counted it lost; it still has to
		   come out of the counter, or the next echo would add to it.
		   Untimed: the harness ends a rep whose peer is gone. */
		ret = evfd_take(p->back, 0, &credit);
		if (ret < 0)
			return ret;
	}
	p->outstanding = 1;
	return evfd_put(p->fwd, v);
}

static int evfd_recv(struct mech *m, void *buf, size_t len)
{
	struct evfd_priv *p = m->priv;
	int snd = p->role == ROLE_SENDER;
	uint64_t v;
	int ret;

	if (len != EVFD_SIZE)
		return -EMSGSIZE;
	if (snd && (m->mode != MODE_LATENCY || !p->outstanding))
		return -EPROTO;   /* nothing can come back on this side */
	ret = evfd_take(snd ? p->back : p->fwd, m->timeout_ms, &v);
	if (ret < 0)
		return ret;
	v--;
	memcpy(buf, &v, sizeof(v));
	if (snd)
		p->outstanding = 0;
	else if (m->mode == MODE_LATENCY)
		p->owed_echo = 1;
	else
		return evfd_put(p->back, 1);   /* credit: the counter is empty */
	return 0;
}

static void evfd_close(struct mech *m)
{
	struct evfd_priv *p = m->priv;

	io_close(&p->fwd);
	io_close(&p->back);
}

static void evfd_destroy(struct mech *m)
{
	if (!m->priv)
		return;
	evfd_close(m);
	free(m->priv);
	m->priv = NULL;
}

const struct mech_ops mech_eventfd = {
	.name = "eventfd",
	.summary = "An eventfd, a kernel counter behind a file descriptor made for "
		   "wake-ups: each message is one 8-byte value, and the writer waits "
		   "until the reader has taken it so values never add up.",
	.family = FAM_NOTIFICATION,
	.copies = "2 of 8 bytes: into the kernel counter and out again; a counter "
		  "holds one value, so throughput mode adds an 8-byte credit back "
		  "per message and latency mode uses the echo as that credit",
	.cleanup = "two eventfd descriptors made before fork, closed by each "
		   "worker and the parent; nothing named can be left",
	.limits = evfd_limits,
	.create = evfd_create,
	.open = evfd_open,
	.send = evfd_send,
	.recv = evfd_recv,
	.close = evfd_close,
	.destroy = evfd_destroy,
};
