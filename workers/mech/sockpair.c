/* sockpair.c -- the two connected sockets a socket backend makes before fork */
#include "sockpair.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "io.h"

struct sockpair *sockpair_new(struct mech *m)
{
	struct sockpair *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	p->sv[0] = p->sv[1] = p->fd = p->lfd = -1;
	m->priv = p;
	return p;
}

int sockpair_open(struct mech *m, enum mech_role role)
{
	struct sockpair *p = m->priv;
	int mine = role == ROLE_SENDER ? 0 : 1;

	p->fd = p->sv[mine];
	p->sv[mine] = -1;
	io_close(&p->sv[1 - mine]);
	return 0;
}

int sockpair_send_stream(struct mech *m, const void *buf, size_t len)
{
	return io_send_all(sockpair_fd(m), buf, len);
}

int sockpair_recv_stream(struct mech *m, void *buf, size_t len)
{
	return io_read_all(sockpair_fd(m), buf, len);
}

void sockpair_close(struct mech *m)
{
	io_close(&((struct sockpair *)m->priv)->fd);
}

void sockpair_destroy(struct mech *m)
{
	struct sockpair *p = m->priv;

	if (!p)
		return;
	io_close(&p->sv[0]);
	io_close(&p->sv[1]);
	io_close(&p->fd);
	io_close(&p->lfd);
	free(p);
	m->priv = NULL;
}

void sockpair_grant_buffers(struct mech *m)
{
	struct sockpair *p = m->priv;

	mech_granted_add(m, "sndbuf_bytes", io_sockbuf(p->sv[0], SO_SNDBUF));
	mech_granted_add(m, "rcvbuf_bytes", io_sockbuf(p->sv[1], SO_RCVBUF));
}

/* bind_any_port: a socket of type bound to *addr at a port the kernel
   picks, which is written back into *addr; the fd or -errno */
static int bind_any_port(int type, struct sockaddr_in *addr)
{
	socklen_t alen = sizeof(*addr);
	int fd = socket(AF_INET, type | SOCK_CLOEXEC, 0);
	int err;

	if (fd < 0)
		return -errno;
	addr->sin_port = 0;
	if (bind(fd, (struct sockaddr *)addr, sizeof(*addr)) < 0 ||
	    getsockname(fd, (struct sockaddr *)addr, &alen) < 0) {
		err = -errno;
		close(fd);
		return err;
	}
	return fd;
}

int sockpair_bind_loopback(int type, struct sockaddr_in *addr)
{
	addr->sin_family = AF_INET;
	addr->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return bind_any_port(type, addr);
}

int sockpair_net_bind(struct mech *m, int type)
{
	return bind_any_port(type, &m->net->local);
}

struct sockpair *sockpair_net_state(struct mech *m)
{
	return m->priv ? m->priv : sockpair_new(m);
}

void sockpair_net_grant(struct mech *m)
{
	int fd = ((struct sockpair *)m->priv)->sv[sockpair_mine(m)];

	mech_granted_add(m, "sndbuf_bytes", io_sockbuf(fd, SO_SNDBUF));
	mech_granted_add(m, "rcvbuf_bytes", io_sockbuf(fd, SO_RCVBUF));
}
