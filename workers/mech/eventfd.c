/* eventfd.c -- eventfd counters: one 8-byte value per message, each into an empty counter */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "mech/mech.h"
#include "mech/io.h"
#include "mech/tick.h"

/*
 * A write adds to the counter and a read takes the sum and zeroes it, so
 * two values written before a read would merge. Each message therefore
 * goes into an empty counter, as value + 1 (a counter of 0 means "no
 * message"; the kernel caps it at 2^64 - 2, so payloads up to 2^64 - 3
 * fit, far beyond any sequence number).
 *
 * throughput: a ring of EVFD_RING counters; message i goes into ring[i %
 *             EVFD_RING], so up to EVFD_RING messages are in flight. The
 *             receiver adds the number it consumed to back (credits, which
 *             may add up: they are counts), every EVFD_CREDIT_BATCH
 *             messages; the sender reuses a counter only once the credits
 *             say the message in it was taken.
 * latency:    ring[0] carries the pings, back carries the echoes; an echo
 *             proves the ping was read, so no credits are sent.
 * Which one a rep uses never changes, so a credit cannot pass for an echo.
 */
#define EVFD_SIZE 8
#define EVFD_MAX_VALUE (UINT64_MAX - 2)
#define EVFD_RING 32
#define EVFD_CREDIT_BATCH (EVFD_RING / 4)

struct evfd_priv {
	int ring[EVFD_RING];   /* sender -> receiver messages */
	int nring;             /* counters made: EVFD_RING, or 1 for latency */
	int back;              /* credits (throughput) or echoes (latency) */
	enum mech_role role;
	uint64_t sent, got;    /* messages this worker sent / received */
	uint64_t credited;     /* sender: messages the receiver confirmed */
	uint64_t uncredited;   /* receiver: consumed, not yet credited */
	int outstanding;       /* latency sender: pinged, echo not taken */
	int owed_echo;         /* latency receiver: got one, not yet echoed */
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
	for (int i = 0; i < EVFD_RING; i++)
		p->ring[i] = -1;
	p->back = -1;
	m->priv = p;
	if (m->msg_size != EVFD_SIZE)
		return -EMSGSIZE;
	p->nring = m->mode == MODE_LATENCY ? 1 : EVFD_RING;
	for (int i = 0; i < p->nring; i++) {
		p->ring[i] = eventfd(0, EFD_CLOEXEC);
		if (p->ring[i] < 0)
			return -errno;
	}
	p->back = eventfd(0, EFD_CLOEXEC);
	if (p->back < 0)
		return -errno;
	mech_granted_add(m, "eventfd_ring", p->nring);
	return 0;
}

static int evfd_open(struct mech *m, enum mech_role role)
{
	struct evfd_priv *p = m->priv;

	p->role = role;
	p->sent = p->got = p->credited = p->uncredited = 0;
	p->outstanding = p->owed_echo = 0;
	return tick_start(m->timeout_ms);
}

/* evfd_take: waits up to timeout_ms (forever if 0) for a non-zero
   counter and takes it into *val, in one blocking read (tick.h times it
   out); 0, -ETIMEDOUT or -errno */
static int evfd_take(int fd, int timeout_ms, uint64_t *val)
{
	uint64_t since = 0;

	for (;;) {
		if (read(fd, val, sizeof(*val)) == (ssize_t)sizeof(*val))
			return 0;
		if (errno != EINTR)
			return -errno;
		if (tick_expired(&since, timeout_ms))
			return -ETIMEDOUT;
	}
}

/* evfd_put: adds val to a counter; 0 or -errno */
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

/* throughput sender: waits (untimed: the harness ends a rep whose peer is
   gone) until the counter message p->sent will use has been read */
static int evfd_stream_send(struct evfd_priv *p, uint64_t v)
{
	uint64_t credit;
	int ret;

	while (p->sent - p->credited >= EVFD_RING) {
		ret = evfd_take(p->back, 0, &credit);
		if (ret < 0)
			return ret;
		p->credited += credit;
	}
	ret = evfd_put(p->ring[p->sent % EVFD_RING], v);
	if (ret == 0)
		p->sent++;
	return ret;
}

/* latency sender: a ping whose echo timed out (the harness counted it
   lost) still has its echo coming, which must leave the counter first or
   the next echo would add to it */
static int evfd_ping(struct evfd_priv *p, uint64_t v)
{
	uint64_t late;
	int ret;

	if (p->outstanding) {
		ret = evfd_take(p->back, 0, &late);
		if (ret < 0)
			return ret;
	}
	p->outstanding = 1;
	return evfd_put(p->ring[0], v);
}

static int evfd_send(struct mech *m, const void *buf, size_t len)
{
	struct evfd_priv *p = m->priv;
	uint64_t v = len == EVFD_SIZE ? evfd_encode(buf) : 0;

	if (!v)
		return len == EVFD_SIZE ? -ERANGE : -EMSGSIZE;
	if (p->role == ROLE_SENDER)
		return m->mode == MODE_LATENCY ? evfd_ping(p, v) : evfd_stream_send(p, v);
	/* the receiver only ever sends the echo of what it just received */
	if (m->mode != MODE_LATENCY || !p->owed_echo)
		return -EPROTO;
	p->owed_echo = 0;
	return evfd_put(p->back, v);
}

/* evfd_recv_fd: where this worker's next message comes from, or -1 when
   nothing can come (a throughput sender; a sender with no ping out) */
static int evfd_recv_fd(const struct mech *m, const struct evfd_priv *p)
{
	if (p->role == ROLE_RECEIVER)
		return m->mode == MODE_LATENCY ? p->ring[0] : p->ring[p->got % EVFD_RING];
	return m->mode == MODE_LATENCY && p->outstanding ? p->back : -1;
}

static int evfd_recv(struct mech *m, void *buf, size_t len)
{
	struct evfd_priv *p = m->priv;
	int fd = evfd_recv_fd(m, p), ret;
	uint64_t v;

	if (len != EVFD_SIZE)
		return -EMSGSIZE;
	if (fd < 0)
		return -EPROTO;
	ret = evfd_take(fd, m->timeout_ms, &v);
	if (ret < 0)
		return ret;
	v--;
	memcpy(buf, &v, sizeof(v));
	p->got++;
	if (p->role == ROLE_SENDER)
		p->outstanding = 0;
	else if (m->mode == MODE_LATENCY)
		p->owed_echo = 1;
	else if (++p->uncredited == EVFD_CREDIT_BATCH) {
		p->uncredited = 0;
		return evfd_put(p->back, EVFD_CREDIT_BATCH);
	}
	return 0;
}

static void evfd_close(struct mech *m)
{
	struct evfd_priv *p = m->priv;

	tick_stop();
	for (int i = 0; i < EVFD_RING; i++)
		io_close(&p->ring[i]);
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
		   "wake-ups: each message is one 8-byte value written into an empty "
		   "counter, so values never add up.",
	.family = FAM_NOTIFICATION,
	.copies = "2 of 8 bytes: into the kernel counter and out again; since a "
		  "counter holds one value, throughput mode cycles through a ring of "
		  "32 counters with credits sent back every 8 messages, and latency "
		  "mode uses the echo as the credit",
	.cleanup = "eventfd descriptors (33 in throughput mode, 2 in latency) made "
		   "before fork, closed by each worker and the parent; nothing named "
		   "can be left",
	.limits = evfd_limits,
	.create = evfd_create,
	.open = evfd_open,
	.send = evfd_send,
	.recv = evfd_recv,
	.close = evfd_close,
	.destroy = evfd_destroy,
};
