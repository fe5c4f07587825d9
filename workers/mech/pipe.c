/* pipe.c -- anonymous pipes: one per direction */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "mech/mech.h"
#include "mech/io.h"

struct pipe_priv {
	int fwd[2];   /* sender -> receiver */
	int back[2];  /* receiver -> sender (latency mode) */
	int rfd, wfd; /* this worker's ends */
};

static int pipe_create(struct mech *m)
{
	struct pipe_priv *p = calloc(1, sizeof(*p));
	int rc;

	if (!p)
		return -ENOMEM;
	p->rfd = p->wfd = -1;
	m->priv = p;
	if ((rc = io_pipes_make(p->fwd, p->back)) < 0)
		return rc;
	mech_granted_add(m, "pipe_buffer_bytes", fcntl(p->fwd[1], F_GETPIPE_SZ));
	return 0;
}

static int pipe_open(struct mech *m, enum mech_role role)
{
	struct pipe_priv *p = m->priv;

	io_pipes_take(p->fwd, p->back, role == ROLE_SENDER, &p->rfd, &p->wfd);
	return 0;
}

static int pipe_send(struct mech *m, const void *buf, size_t len)
{
	return io_write_all(((struct pipe_priv *)m->priv)->wfd, buf, len);
}

static int pipe_recv(struct mech *m, void *buf, size_t len)
{
	return io_read_all(((struct pipe_priv *)m->priv)->rfd, buf, len);
}

static void pipe_close(struct mech *m)
{
	struct pipe_priv *p = m->priv;

	io_close(&p->rfd);
	io_close(&p->wfd);
}

static void pipe_destroy(struct mech *m)
{
	struct pipe_priv *p = m->priv;

	if (!p)
		return;
	io_pipes_close(p->fwd, p->back);
	free(p);
	m->priv = NULL;
}

const struct mech_ops mech_pipe = {
	.name = "pipe",
	.summary = "An anonymous kernel pipe: bytes written at one end are read "
		   "at the other, in order, through a kernel buffer.",
	.family = FAM_KERNEL_STREAM,
	.copies = "2: sender buffer to kernel pipe buffer, kernel to receiver buffer",
	.cleanup = "two pipe file descriptors, closed by each worker and the parent; "
		   "nothing named, nothing can be left behind",
	.create = pipe_create,
	.open = pipe_open,
	.send = pipe_send,
	.recv = pipe_recv,
	.close = pipe_close,
	.destroy = pipe_destroy,
};
