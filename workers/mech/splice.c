/* splice.c -- a pipe fed with vmsplice: the kernel takes references to the
   sender's pages instead of copying them, the receiver copies them out */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <unistd.h>

#include "mech/mech.h"
#include "mech/io.h"

/*
 * vmsplice(2) puts references to the sender's pages into the pipe, one
 * pipe slot per page touched; the bytes are read from those pages only
 * when the receiver takes them. A page rewritten before then would reach
 * the receiver rewritten, so the sender never hands the pipe the caller's
 * buffer (which the caller reuses as soon as send returns): it copies the
 * message into a ring of page-aligned buffers of its own and splices those.
 *
 * When may a ring buffer be written again? A pipe holds at most
 * pipe_slots slots (F_GETPIPE_SZ / page size) and hands them out in order,
 * and a slot is freed only after the reader has copied all of its page.
 * So once pipe_slots more pages have gone into the pipe after a buffer's
 * last page, that buffer is out of the pipe. The ring has room for
 * pipe_slots / pages_per_msg + 2 messages: by the time the sender comes
 * back to a buffer, at least pipe_slots pages of later messages went in
 * after it. Each side has its own ring (the echoes of latency mode are
 * spliced the same way), allocated after fork.
 */
enum { SPLICE_OPT_DRAIN };
enum splice_drain { DRAIN_READ, DRAIN_VMSPLICE };
static const char *const drain_values[] = { "read", "vmsplice", NULL };
static const struct mech_option splice_options[] = {
	[SPLICE_OPT_DRAIN] = { "drain", drain_values,
			       "how the receiver takes the bytes out of the pipe: read(2), "
			       "or vmsplice(2) from the pipe into its buffer (a copy too)",
			       NULL },
	{ NULL, NULL, NULL, NULL },
};

struct splice_priv {
	int fwd[2];            /* sender -> receiver */
	int back[2];           /* receiver -> sender (latency mode) */
	int rfd, wfd;          /* this worker's ends */
	long pipe_slots;       /* pages a pipe holds at most */
	size_t page;
	size_t stride;         /* bytes of one ring buffer: whole pages */
	size_t nbufs;          /* ring buffers */
	unsigned char *ring;   /* this worker's, after open */
	size_t ring_bytes;
	uint64_t next;         /* ring buffer the next send uses */
	int drain;             /* enum splice_drain */
};

/* vmsplice_all: all len bytes at buf into the pipe fd (the sender) or out
   of it (a receiver with drain=vmsplice); 0, -EPIPE when nothing moves
   (end of file) or -errno */
static int vmsplice_all(int fd, void *buf, size_t len)
{
	struct iovec iov = { .iov_base = buf, .iov_len = len };

	while (iov.iov_len) {
		ssize_t n = vmsplice(fd, &iov, 1, 0);

		if (n == 0)
			return -EPIPE;
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		iov.iov_base = (char *)iov.iov_base + n;
		iov.iov_len -= (size_t)n;
	}
	return 0;
}

/* splice_ring_size: ring buffers for messages of len bytes through a pipe
   of pipe_slots slots (see above) */
static size_t splice_ring_size(size_t len, size_t page, long pipe_slots)
{
	size_t pages = (len + page - 1) / page;

	if (pages == 0)
		pages = 1;
	return (size_t)pipe_slots / pages + 2;
}

static int splice_create(struct mech *m)
{
	struct splice_priv *p = calloc(1, sizeof(*p));
	long sz;
	int rc;

	if (!p)
		return -ENOMEM;
	p->rfd = p->wfd = -1;
	m->priv = p;
	if ((rc = io_pipes_make(p->fwd, p->back)) < 0)
		return rc;
	p->page = (size_t)sysconf(_SC_PAGESIZE);
	sz = fcntl(p->fwd[1], F_GETPIPE_SZ);
	if (sz < 0)
		return -errno;
	/* both pipes were made alike: a smaller back pipe (the per-user pipe
	   page limit reached in between) would hold fewer pages, which only
	   makes the ring larger than it needs */
	p->pipe_slots = sz / (long)p->page;
	if (p->pipe_slots < 1)
		return -ENOBUFS;
	p->stride = (m->msg_size + p->page - 1) / p->page * p->page;
	if (p->stride == 0)
		p->stride = p->page;
	p->nbufs = splice_ring_size(m->msg_size, p->page, p->pipe_slots);
	p->ring_bytes = p->stride * p->nbufs;
	p->drain = m->opt[SPLICE_OPT_DRAIN];
	mech_granted_add(m, "pipe_buffer_bytes", sz);
	mech_granted_add(m, "ring_buffers", (long long)p->nbufs);
	mech_granted_add(m, "ring_bytes", (long long)p->ring_bytes);
	return 0;
}

static int splice_open(struct mech *m, enum mech_role role)
{
	struct splice_priv *p = m->priv;
	void *ring;

	io_pipes_take(p->fwd, p->back, role == ROLE_SENDER, &p->rfd, &p->wfd);
	/* only a side that sends needs a ring: a throughput receiver never does */
	if (role == ROLE_RECEIVER && m->mode != MODE_LATENCY)
		return 0;
	ring = mmap(NULL, p->ring_bytes, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (ring == MAP_FAILED)
		return -errno;
	p->ring = ring;
	p->next = 0;
	return 0;
}

static int splice_send(struct mech *m, const void *buf, size_t len)
{
	struct splice_priv *p = m->priv;
	unsigned char *msg;

	if (!p->ring)
		return -EPROTO;
	msg = p->ring + (p->next++ % p->nbufs) * p->stride;
	memcpy(msg, buf, len);
	return vmsplice_all(p->wfd, msg, len);
}

static int splice_recv(struct mech *m, void *buf, size_t len)
{
	struct splice_priv *p = m->priv;

	if (p->drain == DRAIN_VMSPLICE)
		return vmsplice_all(p->rfd, buf, len);
	return io_read_all(p->rfd, buf, len);
}

static void splice_close(struct mech *m)
{
	struct splice_priv *p = m->priv;

	io_close(&p->rfd);
	io_close(&p->wfd);
	if (p->ring) {
		munmap(p->ring, p->ring_bytes);
		p->ring = NULL;
	}
}

static void splice_destroy(struct mech *m)
{
	struct splice_priv *p = m->priv;

	if (!p)
		return;
	io_pipes_close(p->fwd, p->back);
	if (p->ring)
		munmap(p->ring, p->ring_bytes);
	free(p);
	m->priv = NULL;
}

const struct mech_ops mech_splice = {
	.name = "splice",
	.summary = "A pipe fed with vmsplice: the kernel takes references to the "
		   "sender's pages instead of copying the bytes in, and the receiver "
		   "copies them out. The sender copies each message into a ring of "
		   "its own pages first and writes a page again only after the pipe "
		   "has let go of it (a pipe holds a bounded number of pages, freed "
		   "in order once read), so what arrives is what was sent.",
	.family = FAM_KERNEL_STREAM,
	.copies = "1 in the kernel (pipe page to receiver buffer; vmsplice itself "
		  "copies nothing), plus the sender's own copy of the message into "
		  "the page ring it may lend to the pipe: a pipe makes 2 kernel copies",
	.cleanup = "two pipe file descriptors (closed by each worker and the "
		   "parent) and each worker's private page ring, unmapped at close "
		   "or with the process; nothing named, nothing can be left behind",
	.options = splice_options,
	.create = splice_create,
	.open = splice_open,
	.send = splice_send,
	.recv = splice_recv,
	.close = splice_close,
	.destroy = splice_destroy,
};
