/* fifo.c -- named pipes (mkfifo) in the run's private directory, one per direction */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mech/mech.h"
#include "mech/io.h"

struct fifo_priv {
	char fwd[PATH_MAX];   /* sender -> receiver */
	char back[PATH_MAX];  /* receiver -> sender (latency mode) */
	int rfd, wfd;         /* this worker's ends */
};

/* fifo_make: mkfifo at path; 0 or -errno (-ENAMETOOLONG if it did not fit) */
static int fifo_make(char *path, const struct mech *m, const char *dir)
{
	int n = snprintf(path, PATH_MAX, "%s/%s-%s", m->tmpdir, m->tag, dir);

	if (n < 0 || n >= PATH_MAX) {
		path[0] = '\0';
		return -ENAMETOOLONG;
	}
	if (mkfifo(path, 0600) < 0) {
		int err = -errno;
		path[0] = '\0';   /* not ours: never unlink what we did not make */
		return err;
	}
	return 0;
}

/* fifo_buffer_size: the kernel pipe buffer a fresh open of path gets, or
   -errno; O_RDWR on a FIFO never blocks on Linux */
static long long fifo_buffer_size(const char *path)
{
	int fd = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	long long sz;

	if (fd < 0)
		return -errno;
	sz = fcntl(fd, F_GETPIPE_SZ);
	if (sz < 0)
		sz = -errno;
	close(fd);
	return sz;
}

static int fifo_create(struct mech *m)
{
	struct fifo_priv *p = calloc(1, sizeof(*p));
	long long sz;
	int ret;

	if (!p)
		return -ENOMEM;
	p->rfd = p->wfd = -1;
	m->priv = p;
	if (!m->tmpdir || !m->tag)
		return -EINVAL;
	ret = fifo_make(p->fwd, m, "fwd");
	if (ret == 0)
		ret = fifo_make(p->back, m, "back");
	if (ret < 0)
		return ret;
	sz = fifo_buffer_size(p->fwd);
	if (sz < 0)
		return (int)sz;
	mech_granted_add(m, "pipe_buffer_bytes", sz);
	return 0;
}

/* fifo_unlink: removes both FIFOs if they exist (ENOENT is fine) */
static void fifo_unlink(struct fifo_priv *p)
{
	if (p->fwd[0])
		unlink(p->fwd);
	if (p->back[0])
		unlink(p->back);
}

/*
 * Both workers open fwd first, then back: an open of a FIFO waits for
 * the other end, so opening in the same order pairs them up instead of
 * each waiting on the FIFO the other has not reached.
 */
static int fifo_open(struct mech *m, enum mech_role role)
{
	struct fifo_priv *p = m->priv;
	int snd = role == ROLE_SENDER;

	if (snd)
		p->wfd = open(p->fwd, O_WRONLY | O_CLOEXEC);
	else
		p->rfd = open(p->fwd, O_RDONLY | O_CLOEXEC);
	if ((snd ? p->wfd : p->rfd) < 0)
		return -errno;
	if (snd)
		p->rfd = open(p->back, O_RDONLY | O_CLOEXEC);
	else
		p->wfd = open(p->back, O_WRONLY | O_CLOEXEC);
	if ((snd ? p->rfd : p->wfd) < 0)
		return -errno;
	/* Both ends of both FIFOs are open now: the names are no longer
	   needed, so drop them at once and a killed run leaves nothing. */
	if (!snd)
		fifo_unlink(p);
	return 0;
}

static int fifo_send(struct mech *m, const void *buf, size_t len)
{
	return io_write_all(((struct fifo_priv *)m->priv)->wfd, buf, len);
}

static int fifo_recv(struct mech *m, void *buf, size_t len)
{
	return io_read_all(((struct fifo_priv *)m->priv)->rfd, buf, len);
}

static void fifo_close(struct mech *m)
{
	struct fifo_priv *p = m->priv;

	io_close(&p->rfd);
	io_close(&p->wfd);
}

static void fifo_destroy(struct mech *m)
{
	struct fifo_priv *p = m->priv;

	if (!p)
		return;
	io_close(&p->rfd);
	io_close(&p->wfd);
	fifo_unlink(p);
	free(p);
	m->priv = NULL;
}

const struct mech_ops mech_fifo = {
	.name = "fifo",
	.summary = "A named pipe: a pipe that has a name in the file system, so "
		   "two processes open it by path instead of inheriting it.",
	.family = FAM_KERNEL_STREAM,
	.copies = "2: sender buffer to kernel pipe buffer, kernel to receiver "
		  "buffer (the same as an anonymous pipe once opened)",
	.cleanup = "two FIFO files in the run's private temp dir, unlinked by the "
		   "receiver as soon as both ends are open and again by the "
		   "parent; the directory itself is removed by the harness",
	.create = fifo_create,
	.open = fifo_open,
	.send = fifo_send,
	.recv = fifo_recv,
	.close = fifo_close,
	.destroy = fifo_destroy,
};
