/* uring_msg.c -- two io_uring instances, one per worker, made before fork:
   each message is an IORING_OP_MSG_RING posted into the peer's completion
   queue, its 8 bytes in the completion's user_data */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mech/mech.h"
#include "mech/uring.h"

/*
 * A MSG_RING submitted on this worker's ring posts a completion, made up
 * of the SQE's off (user_data: the 8-byte message) and len (res: what it
 * is), into the ring whose descriptor the SQE names; the peer finds it
 * there like the completion of its own I/O. The sender's own completion
 * is skipped unless it failed (IOSQE_CQE_SKIP_SUCCESS).
 *
 * A completion queue holds cq_entries; the kernel keeps what does not fit
 * on an overflow list, but ipcscope does not lean on that: as eventfd
 * does, the throughput receiver credits back every UMSG_CREDIT_BATCH
 * messages and the sender keeps at most UMSG_WINDOW uncredited. In
 * latency mode the echo is the credit. A credit and a message differ in
 * res, so one is never taken for the other.
 */
#define UMSG_SIZE 8
#define UMSG_ENTRIES 64              /* SQEs; the CQ gets twice as many */
#define UMSG_WINDOW 64               /* messages in flight, within the CQ */
#define UMSG_CREDIT_BATCH 16
#define UMSG_MSG 1                   /* res of a message (or echo) */
#define UMSG_CREDIT 2                /* res of a credit: user_data = count */

struct umsg_priv {
	struct uring ring[2];        /* by role: the ring each worker reaps */
	enum mech_role role;
	uint64_t sent, credited;     /* throughput sender */
	uint64_t uncredited;         /* throughput receiver */
};

static void umsg_limits(struct mech_limits *lim)
{
	lim->min_size = UMSG_SIZE;
	lim->max_size = UMSG_SIZE;
	if (uring_unavailable(IORING_OP_MSG_RING, "IORING_OP_MSG_RING", lim->why,
			      sizeof(lim->why)))
		lim->max_size = 0;
	else
		strcpy(lim->why, "a MSG_RING completion carries one 8-byte user_data");
}

static int umsg_create(struct mech *m)
{
	struct umsg_priv *p = calloc(1, sizeof(*p));
	int ret;

	if (!p)
		return -ENOMEM;
	p->ring[0].fd = p->ring[1].fd = -1;
	m->priv = p;
	if (m->msg_size != UMSG_SIZE)
		return -EMSGSIZE;
	for (int i = 0; i < 2; i++)
		if ((ret = uring_init(&p->ring[i], UMSG_ENTRIES, 0, 0)) < 0)
			return ret;
	mech_granted_add(m, "sq_entries", p->ring[0].sq_entries);
	mech_granted_add(m, "cq_entries", p->ring[0].cq_entries);
	mech_granted_add(m, "window_msgs", m->mode == MODE_LATENCY ? 1 : UMSG_WINDOW);
	return 0;
}

static int umsg_open(struct mech *m, enum mech_role role)
{
	struct umsg_priv *p = m->priv;

	/* each keeps the peer's ring open (a MSG_RING names it by descriptor)
	   but needs none of its mappings */
	struct uring *peer = &p->ring[!role];
	int fd = peer->fd;

	peer->fd = -1;
	uring_free(peer);
	peer->fd = fd;
	p->role = role;
	p->sent = p->credited = p->uncredited = 0;
	return 0;
}

/* umsg_post: a MSG_RING of (val, what) into the peer's completion queue;
   0 or -errno */
static int umsg_post(struct umsg_priv *p, uint64_t val, int what)
{
	struct uring *r = &p->ring[p->role];
	struct io_uring_sqe *sqe = uring_sqe(r);
	int n;

	if (!sqe)
		return -EBUSY;
	sqe->opcode = IORING_OP_MSG_RING;
	sqe->fd = p->ring[!p->role].fd;
	sqe->addr = IORING_MSG_DATA;
	sqe->len = (unsigned)what;
	sqe->off = val;
	sqe->flags = IOSQE_CQE_SKIP_SUCCESS;
	do
		n = uring_enter(r, 0, 0);
	while (n == -EINTR || n == -EAGAIN);
	return n < 0 ? n : 0;
}

/* umsg_take: the next completion of kind what from this worker's ring,
   waiting at most timeout_ms (0: no limit), its user_data in *val; a
   failed MSG_RING of its own comes back as its error; 0 or -errno */
static int umsg_take(struct umsg_priv *p, int what, int timeout_ms, uint64_t *val)
{
	struct uring *r = &p->ring[p->role];
	struct io_uring_cqe *cqe;
	int ret = uring_wait(r, &cqe, timeout_ms), res;

	if (ret < 0)
		return ret;
	res = cqe->res;
	*val = cqe->user_data;
	uring_seen(r);
	if (res < 0)
		return res == -EBADFD || res == -EBADF ? -EPIPE : res;
	/* a message where a credit was awaited, or the reverse, cannot happen
	   in one mode: the two sides disagree */
	return res == what ? 0 : -EPROTO;
}

static int umsg_send(struct mech *m, const void *buf, size_t len)
{
	struct umsg_priv *p = m->priv;
	uint64_t v, credit;
	int ret;

	if (len != UMSG_SIZE)
		return -EMSGSIZE;
	memcpy(&v, buf, sizeof(v));
	if (m->mode != MODE_LATENCY && p->role == ROLE_SENDER) {
		while (p->sent - p->credited >= UMSG_WINDOW) {
			if ((ret = umsg_take(p, UMSG_CREDIT, 0, &credit)) < 0)
				return ret;
			p->credited += credit;
		}
		p->sent++;
	} else if (m->mode != MODE_LATENCY) {
		return -EPROTO;   /* a throughput receiver only credits */
	}
	return umsg_post(p, v, UMSG_MSG);
}

static int umsg_recv(struct mech *m, void *buf, size_t len)
{
	struct umsg_priv *p = m->priv;
	uint64_t v;
	int ret;

	if (len != UMSG_SIZE)
		return -EMSGSIZE;
	if (m->mode != MODE_LATENCY && p->role == ROLE_SENDER)
		return -EPROTO;
	ret = umsg_take(p, UMSG_MSG, m->timeout_ms, &v);
	if (ret < 0)
		return ret;
	memcpy(buf, &v, sizeof(v));
	if (m->mode != MODE_LATENCY && ++p->uncredited == UMSG_CREDIT_BATCH) {
		p->uncredited = 0;
		return umsg_post(p, UMSG_CREDIT_BATCH, UMSG_CREDIT);
	}
	return 0;
}

static void umsg_close(struct mech *m)
{
	struct umsg_priv *p = m->priv;

	uring_free(&p->ring[0]);
	uring_free(&p->ring[1]);
}

static void umsg_destroy(struct mech *m)
{
	if (!m->priv)
		return;
	umsg_close(m);
	free(m->priv);
	m->priv = NULL;
}

const struct mech_ops mech_uring_msg = {
	.name = "uring-msg",
	.summary = "Two io_uring instances, one per process, made before fork: "
		   "each message is an IORING_OP_MSG_RING that posts a completion "
		   "into the other's completion queue, the 8-byte payload in its "
		   "user_data, like an eventfd but read from shared ring memory.",
	.family = FAM_NOTIFICATION,
	.copies = "1 of 8 bytes: the kernel writes the value into the peer's "
		  "completion ring, which the peer reads from memory it maps; "
		  "throughput mode credits back every 16 messages and keeps 64 in "
		  "flight, latency mode uses the echo as the credit",
	.cleanup = "two io_uring descriptors and their ring mappings made before "
		   "fork, unmapped and closed by each worker and the parent; "
		   "nothing named can be left",
	.limits = umsg_limits,
	.create = umsg_create,
	.open = umsg_open,
	.send = umsg_send,
	.recv = umsg_recv,
	.close = umsg_close,
	.destroy = umsg_destroy,
};
