/* uring_sock.c -- a unix stream socketpair driven through io_uring:
   IORING_OP_SEND and IORING_OP_RECV on a registered (fixed) file */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "mech/mech.h"
#include "mech/io.h"
#include "mech/sockpair.h"
#include "mech/uring.h"

/*
 * The same socketpair as `unix`, but each worker talks to it through a
 * ring of its own, made in open() (after fork: a ring's SQPOLL thread
 * belongs to the process that made it), with the socket registered as
 * fixed file 0.
 *
 * throughput: the sender copies each message into one of `depth` slots
 *             of its own (the caller reuses its buffer once send returns,
 *             and a queued SEND reads it only when it runs) and queues a
 *             SEND; every `depth` messages one io_uring_enter submits the
 *             batch, linked (IOSQE_IO_LINK) so the bytes go out in order,
 *             and waits for all of it. What batching buys over write() is
 *             one system call per `depth` messages.
 * latency:    a send is queued, not submitted: the next receive submits it
 *             with its RECV in one io_uring_enter, so a round trip costs
 *             each side one system call.
 * A RECV takes the message straight into the caller's buffer
 * (MSG_WAITALL). What is queued when a worker closes is submitted then.
 * With sqpoll=1 a kernel thread polls each submission queue, so a submit
 * needs no system call while it is awake (it sleeps after 100 ms idle);
 * waiting for completions still enters the kernel.
 */
enum { USOCK_OPT_SQPOLL, USOCK_OPT_DEPTH };
static const char *const sqpoll_values[] = { "0", "1", NULL };
static const char *const depth_values[] = { "8", "1", "32", NULL };
static const unsigned depth_of[] = { 8, 1, 32 };
static const struct mech_option usock_options[] = {
	[USOCK_OPT_SQPOLL] = { "sqpoll", sqpoll_values,
			       "1: a kernel thread per ring polls for submissions "
			       "(IORING_SETUP_SQPOLL); 0: io_uring_enter submits", NULL },
	[USOCK_OPT_DEPTH] = { "depth", depth_values,
			      "throughput mode: messages submitted in one batch "
			      "(sends in flight); 1 is one system call a message, "
			      "like write", NULL },
	{ NULL, NULL, NULL, NULL },
};

#define USOCK_SLOTS_MAX ((size_t)32 << 20)   /* bytes of send slots at most */
#define USOCK_SQ_IDLE_MS 100
#define UD_SEND 1
#define UD_RECV 2
#define UD_CANCEL 3

struct usock_priv {
	struct sockpair sp;          /* first: sockpair.h's helpers read m->priv */
	struct uring ring;           /* this worker's, after open */
	unsigned depth;              /* slots, and throughput batch */
	int sqpoll;
	unsigned char *slots;
	size_t stride, slots_len;
	unsigned queued;             /* SENDs written, not yet submitted */
	struct io_uring_sqe *last;   /* the last of them (its link is cleared) */
	int timeout_ms;
};

static void usock_limits(struct mech_limits *lim)
{
	if (uring_unavailable(IORING_OP_RECV, "IORING_OP_SEND and IORING_OP_RECV", lim->why,
			      sizeof(lim->why)))
		lim->max_size = 0;
}

static int usock_create(struct mech *m)
{
	struct usock_priv *p = calloc(1, sizeof(*p));
	size_t depth;

	if (!p)
		return -ENOMEM;
	sockpair_init(&p->sp);
	p->ring.fd = -1;
	m->priv = p;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, p->sp.sv) < 0)
		return -errno;
	p->sqpoll = m->opt[USOCK_OPT_SQPOLL] == 1;
	depth = m->mode == MODE_LATENCY ? 1 : depth_of[m->opt[USOCK_OPT_DEPTH]];
	while (depth > 1 && depth * m->msg_size > USOCK_SLOTS_MAX)
		depth /= 2;
	p->depth = (unsigned)depth;
	p->stride = (m->msg_size + 63) / 64 * 64;
	p->slots_len = p->stride * p->depth;
	p->timeout_ms = m->timeout_ms;
	sockpair_grant_buffers(m);
	mech_granted_add(m, "depth", p->depth);
	mech_granted_add(m, "sqpoll", p->sqpoll);
	return 0;
}

static int usock_open(struct mech *m, enum mech_role role)
{
	struct usock_priv *p = m->priv;
	int fd, ret;
	void *s;

	sockpair_open(m, role);
	fd = sockpair_fd(m);
	ret = uring_init(&p->ring, p->depth * 2 + 2, p->sqpoll ? IORING_SETUP_SQPOLL : 0,
			 USOCK_SQ_IDLE_MS);
	if (ret < 0)
		return ret;
	if (syscall(__NR_io_uring_register, p->ring.fd, IORING_REGISTER_FILES, &fd, 1) < 0)
		return -errno;
	if (role == ROLE_RECEIVER && m->mode != MODE_LATENCY)
		return 0;   /* it never sends */
	s = mmap(NULL, p->slots_len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (s == MAP_FAILED)
		return -errno;
	p->slots = s;
	return 0;
}

/* usock_res: a completion's result as 0 or -errno; len is what a whole
   SEND or RECV moves */
static int usock_res(int res, size_t len)
{
	if (res < 0)
		return res == -ECANCELED ? -EIO : io_sock_err(-res);
	if (res == 0 && len)
		return -EPIPE;
	return (size_t)res == len ? 0 : -EIO;
}

/* usock_flush: submits the queued SENDs and waits for them all, at most
   timeout_ms (0: no limit); 0 or the first failure */
static int usock_flush(struct usock_priv *p, size_t len, int timeout_ms)
{
	unsigned left = p->queued;
	int first = 0;

	if (!left)
		return 0;
	p->last->flags &= (unsigned char)~IOSQE_IO_LINK;
	p->queued = 0;
	while (left) {
		struct io_uring_cqe *cqe;
		int ret = uring_wait(&p->ring, &cqe, timeout_ms);

		if (ret < 0)
			return ret;
		if (cqe->user_data == UD_SEND) {
			ret = usock_res(cqe->res, len);
			if (ret < 0 && !first)
				first = ret;
			left--;
		}
		uring_seen(&p->ring);
	}
	return first;
}

static int usock_send(struct mech *m, const void *buf, size_t len)
{
	struct usock_priv *p = m->priv;
	struct io_uring_sqe *sqe;
	unsigned char *slot;

	if (!p->slots || p->queued >= p->depth)
		return -EPROTO;
	slot = p->slots + p->queued * p->stride;
	memcpy(slot, buf, len);
	if (!(sqe = uring_sqe(&p->ring)))
		return -EBUSY;
	sqe->opcode = IORING_OP_SEND;
	sqe->fd = 0;
	sqe->flags = IOSQE_FIXED_FILE | IOSQE_IO_LINK;
	sqe->addr = (uint64_t)(uintptr_t)slot;
	sqe->len = (unsigned)len;
	sqe->msg_flags = MSG_WAITALL | MSG_NOSIGNAL;
	sqe->user_data = UD_SEND;
	p->last = sqe;
	p->queued++;
	/* latency: the next receive submits it */
	if (m->mode == MODE_LATENCY || p->queued < p->depth)
		return 0;
	return usock_flush(p, len, 0);
}

/* usock_cancel: cancels the pending RECV and waits for its completion
   (and the cancel's), counting down *sends for SEND completions that come
   meanwhile and keeping the first failure in *first; the RECV's result */
static int usock_cancel(struct usock_priv *p, size_t len, int *sends, int *first)
{
	struct io_uring_sqe *sqe = uring_sqe(&p->ring);
	int res = -ECANCELED, done = 0;

	if (!sqe)
		return -EBUSY;
	sqe->opcode = IORING_OP_ASYNC_CANCEL;
	sqe->addr = UD_RECV;
	sqe->user_data = UD_CANCEL;
	while (done < 2) {
		struct io_uring_cqe *cqe;
		int ret = uring_wait(&p->ring, &cqe, 0);

		if (ret < 0)
			return ret;
		if (cqe->user_data == UD_SEND) {
			ret = usock_res(cqe->res, len);
			if (ret < 0 && !*first)
				*first = ret;
			(*sends)--;
		} else {
			if (cqe->user_data == UD_RECV)
				res = cqe->res;
			done++;
		}
		uring_seen(&p->ring);
	}
	return res;
}

/* usock_recv_once: one RECV of up to len bytes into buf, submitted with
   whatever SENDs are queued, waiting at most timeout_ms (0: no limit);
   bytes received, or -errno (-ETIMEDOUT when nothing came) */
static int usock_recv_once(struct mech *m, void *buf, size_t len, int timeout_ms)
{
	struct usock_priv *p = m->priv;
	struct io_uring_sqe *sqe;
	int sends = (int)p->queued, res = 0, got = 0, first = 0;

	if (p->queued)
		p->last->flags &= (unsigned char)~IOSQE_IO_LINK;
	p->queued = 0;
	if (!(sqe = uring_sqe(&p->ring)))
		return -EBUSY;
	sqe->opcode = IORING_OP_RECV;
	sqe->fd = 0;
	sqe->flags = IOSQE_FIXED_FILE;
	sqe->addr = (uint64_t)(uintptr_t)buf;
	sqe->len = (unsigned)len;
	sqe->msg_flags = MSG_WAITALL;
	sqe->user_data = UD_RECV;
	while (!got || sends) {
		struct io_uring_cqe *cqe;
		int ret = uring_wait(&p->ring, &cqe, got ? 0 : timeout_ms);

		if (ret == -ETIMEDOUT) {
			res = usock_cancel(p, m->msg_size, &sends, &first);
			got = 1;
			if (res == -ECANCELED || res == -EINTR || res == -EAGAIN)
				res = -ETIMEDOUT;
			continue;
		}
		if (ret < 0)
			return ret;
		if (cqe->user_data == UD_SEND) {
			ret = usock_res(cqe->res, m->msg_size);
			if (ret < 0 && !first)
				first = ret;
			sends--;
		} else if (cqe->user_data == UD_RECV) {
			res = cqe->res;
			got = 1;
		}
		uring_seen(&p->ring);
	}
	if (first)
		return first;
	if (res == 0 && len)
		return -EPIPE;
	return res < 0 && res != -ETIMEDOUT ? io_sock_err(-res) : res;
}

static int usock_recv(struct mech *m, void *buf, size_t len)
{
	struct usock_priv *p = m->priv;
	size_t done = 0;

	while (done < len) {
		/* once part of a message is in, wait for the rest */
		int n = usock_recv_once(m, (char *)buf + done, len - done,
					done ? 0 : p->timeout_ms);

		if (n < 0)
			return n;
		done += (size_t)n;
	}
	return 0;
}

static void usock_close(struct mech *m)
{
	struct usock_priv *p = m->priv;

	if (p->ring.fd >= 0 && p->queued)
		usock_flush(p, m->msg_size, p->timeout_ms);
	uring_free(&p->ring);
	if (p->slots) {
		munmap(p->slots, p->slots_len);
		p->slots = NULL;
	}
	sockpair_close(m);
}

static void usock_destroy(struct mech *m)
{
	struct usock_priv *p = m->priv;

	if (!p)
		return;
	uring_free(&p->ring);
	if (p->slots)
		munmap(p->slots, p->slots_len);
	sockpair_close_all(&p->sp);
	free(p);
	m->priv = NULL;
}

const struct mech_ops mech_uring = {
	.name = "uring",
	.summary = "A Unix stream socketpair driven through io_uring: sends and "
		   "receives are IORING_OP_SEND and IORING_OP_RECV on a registered "
		   "socket, batched so that one system call submits several sends "
		   "(throughput) or a round trip's send and receive (latency).",
	.family = FAM_KERNEL_STREAM,
	.copies = "3: the sender copies each message into a slot of its own (a "
		  "queued SEND reads it only when it runs), the kernel copies it "
		  "into the socket buffer and out into the receiver's buffer, which "
		  "the RECV names directly; unix makes 2",
	.cleanup = "a nameless socketpair made before fork, and each worker's ring "
		   "(and its SQPOLL thread) and send slots, made after fork and "
		   "closed at close or with the process; nothing named can be left",
	.options = usock_options,
	.limits = usock_limits,
	.create = usock_create,
	.open = usock_open,
	.send = usock_send,
	.recv = usock_recv,
	.close = usock_close,
	.destroy = usock_destroy,
};
