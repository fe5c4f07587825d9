/* unix.c -- AF_UNIX SOCK_STREAM socketpair: one connected pair, both directions */
#include <errno.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../mech.h"
#include "io.h"

struct unix_priv {
	int sv[2];   /* [0] the sender's end, [1] the receiver's end */
	int fd;      /* this worker's end */
};

static int unix_create(struct mech *m)
{
	struct unix_priv *p = calloc(1, sizeof(*p));
	int ret;

	if (!p)
		return -ENOMEM;
	p->sv[0] = p->sv[1] = p->fd = -1;
	m->priv = p;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, p->sv) < 0)
		return -errno;
	for (int i = 0; i < 2; i++) {
		ret = io_set_timeout(p->sv[i], SO_RCVTIMEO, m->timeout_ms);
		if (ret < 0)
			return ret;
	}
	mech_granted_add(m, "sndbuf_bytes", io_sockbuf(p->sv[0], SO_SNDBUF));
	mech_granted_add(m, "rcvbuf_bytes", io_sockbuf(p->sv[1], SO_RCVBUF));
	return 0;
}

static int unix_open(struct mech *m, enum mech_role role)
{
	struct unix_priv *p = m->priv;
	int mine = role == ROLE_SENDER ? 0 : 1;

	p->fd = p->sv[mine];
	p->sv[mine] = -1;
	io_close(&p->sv[1 - mine]);
	return 0;
}

static int unix_send(struct mech *m, const void *buf, size_t len)
{
	return io_send_all(((struct unix_priv *)m->priv)->fd, buf, len);
}

static int unix_recv(struct mech *m, void *buf, size_t len)
{
	return io_read_all(((struct unix_priv *)m->priv)->fd, buf, len);
}

static void unix_close(struct mech *m)
{
	io_close(&((struct unix_priv *)m->priv)->fd);
}

static void unix_destroy(struct mech *m)
{
	struct unix_priv *p = m->priv;

	if (!p)
		return;
	io_close(&p->sv[0]);
	io_close(&p->sv[1]);
	io_close(&p->fd);
	free(p);
	m->priv = NULL;
}

const struct mech_ops mech_unix = {
	.name = "unix",
	.summary = "A Unix domain stream socket: a two-way byte stream between "
		   "processes on one machine, with the socket API but no network.",
	.family = FAM_KERNEL_STREAM,
	.copies = "2: sender buffer into a kernel socket buffer, kernel socket "
		  "buffer to receiver buffer",
	.cleanup = "a nameless socketpair made before fork; each worker and the "
		   "parent close their descriptors, nothing named can be left",
	.create = unix_create,
	.open = unix_open,
	.send = unix_send,
	.recv = unix_recv,
	.close = unix_close,
	.destroy = unix_destroy,
};
