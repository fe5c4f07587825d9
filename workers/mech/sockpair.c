/* sockpair.c -- the two connected sockets a socket backend makes before fork */
#include "mech/sockpair.h"

#include <errno.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "mech/io.h"

void sockpair_init(struct sockpair *p)
{
	p->sv[0] = p->sv[1] = p->fd = p->lfd = -1;
}

struct sockpair *sockpair_new(struct mech *m)
{
	struct sockpair *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	sockpair_init(p);
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

void sockpair_close_all(struct sockpair *p)
{
	io_close(&p->sv[0]);
	io_close(&p->sv[1]);
	io_close(&p->fd);
	io_close(&p->lfd);
}

void sockpair_destroy(struct mech *m)
{
	struct sockpair *p = m->priv;

	if (!p)
		return;
	sockpair_close_all(p);
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

void sockpair_net_grant(struct mech *m, int fd)
{
	mech_granted_add(m, "sndbuf_bytes", io_sockbuf(fd, SO_SNDBUF));
	mech_granted_add(m, "rcvbuf_bytes", io_sockbuf(fd, SO_RCVBUF));
}

/* --- a TCP data connection across hosts ----------------------------------- */

int sockpair_tcp_loopback(int sv[2], struct sockaddr_in *addr)
{
	int lfd = sockpair_bind_loopback(SOCK_STREAM, addr), ret = 0;

	if (lfd < 0)
		return lfd;
	if (listen(lfd, 1) < 0)
		ret = -errno;
	if (ret == 0 && (sv[0] = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		ret = -errno;
	/* on loopback the handshake completes in the kernel, before accept() */
	if (ret == 0 && connect(sv[0], (const struct sockaddr *)addr, sizeof(*addr)) < 0)
		ret = -errno;
	if (ret == 0 && (sv[1] = accept4(lfd, NULL, NULL, SOCK_CLOEXEC)) < 0)
		ret = -errno;
	close(lfd);   /* one connection is all a rep needs: no port stays open */
	return ret;
}

int sockpair_tcp_tune(int fd, int timeout_ms)
{
	int one = 1;

	if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) < 0)
		return -errno;
	return io_set_timeout(fd, SO_RCVTIMEO, timeout_ms);
}

int sockpair_tcp_net_listen(struct mech *m, int *lfd)
{
	int fd;

	if (m->role == ROLE_SENDER) {
		m->net->local.sin_port = 0;   /* nothing to bind: it connects */
		return 0;
	}
	if ((fd = sockpair_net_bind(m, SOCK_STREAM)) < 0)
		return fd;
	*lfd = fd;
	return listen(fd, 1) < 0 ? -errno : 0;
}

/* accept_from: the first connection from host 'from' within ms; the fd
   or -errno (-ETIMEDOUT) */
static int accept_from(int lfd, const struct sockaddr_in *from, int ms)
{
	struct pollfd pfd = { .fd = lfd, .events = POLLIN };

	for (;;) {
		struct sockaddr_in a;
		socklen_t alen = sizeof(a);
		int fd, r = poll(&pfd, 1, ms);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return r == 0 ? -ETIMEDOUT : -errno;
		fd = accept4(lfd, (struct sockaddr *)&a, &alen, SOCK_CLOEXEC);
		if (fd < 0)
			return -errno;
		if (a.sin_addr.s_addr == from->sin_addr.s_addr)
			return fd;
		close(fd);   /* not the run's other side */
	}
}

/* connect_within: connects fd to addr, giving up after ms */
static int connect_within(int fd, const struct sockaddr_in *addr, int ms)
{
	struct timeval none = { 0, 0 };
	int rc = io_set_timeout(fd, SO_SNDTIMEO, ms);

	if (rc == 0 && connect(fd, (const struct sockaddr *)addr, sizeof(*addr)) < 0)
		rc = errno == EINPROGRESS ? -ETIMEDOUT : -errno;
	/* sends stay untimed (io.h) */
	if (setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &none, sizeof(none)) < 0 && rc == 0)
		rc = -errno;
	return rc;
}

int sockpair_tcp_net_join(struct mech *m, struct sockpair *p)
{
	int mine = sockpair_mine(m), rc;

	if (m->role == ROLE_SENDER) {
		if ((p->sv[mine] = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
			return -errno;
		rc = connect_within(p->sv[mine], &m->net->remote, m->net->accept_ms);
	} else {
		rc = p->sv[mine] = accept_from(p->lfd, &m->net->remote, m->net->accept_ms);
		io_close(&p->lfd);
	}
	if (rc < 0 || (rc = sockpair_tcp_tune(p->sv[mine], m->timeout_ms)) < 0)
		return rc;
	mech_granted_add(m, "port", ntohs(m->role == ROLE_SENDER ? m->net->remote.sin_port :
					  m->net->local.sin_port));
	sockpair_net_grant(m, p->sv[mine]);
	return 0;
}
