/* zmq.c -- ZeroMQ (libzmq): PUSH/PULL streams, REQ/REP round trips, over ipc or tcp */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <zmq.h>

#include "mech/mech.h"
#include "mech/io.h"
#include "mech/sockpair.h"
#include "mech/zmq_load.h"

#define ZMQ_HWM_DEFAULT 1000              /* libzmq's own default, in messages */
#define ZMQ_QUEUE_BYTES ((size_t)64 << 20) /* what one side's queue may hold */
#define ZMQ_LINGER_MS 5000                /* a closing sender delivers its queue */
#define ZMQ_ENDPOINT_MAX 160

/* zmq's own setting: the transport under it (enum zmq_transport order) */
enum zmq_transport { ZT_IPC, ZT_TCP };
enum { ZMQ_OPT_TRANSPORT };
static const char *const transport_values[] = { "ipc", "tcp", NULL };
static const struct mech_option zmq_options[] = {
	[ZMQ_OPT_TRANSPORT] = { "transport", transport_values,
				"ipc: a unix socket file in the run directory; tcp: 127.0.0.1, "
				"or the network to a peer", "tcp" },
	{ NULL, NULL, NULL, NULL },
};

struct zmq_priv {
	int lfd;                       /* listener made before fork, ZMQ_USE_FD */
	char endpoint[ZMQ_ENDPOINT_MAX];
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];  /* ipc file */
	int hwm;
	char accept_from[INET_ADDRSTRLEN];  /* across hosts: the only host the
					       receiver takes a connection from */
	void *ctx, *sock;              /* this worker's, from open() */
};

static enum zmq_transport zmq_transport_of(const struct mech *m)
{
	return (enum zmq_transport)m->opt[ZMQ_OPT_TRANSPORT];
}

/* zmq_hwm: queue length in messages, so a side never holds more than
   ZMQ_QUEUE_BYTES (1000 messages of 64 MiB would not fit in memory) */
static int zmq_hwm(size_t size)
{
	size_t n = ZMQ_QUEUE_BYTES / (size ? size : 1);

	return n < 1 ? 1 : n > ZMQ_HWM_DEFAULT ? ZMQ_HWM_DEFAULT : (int)n;
}

/* zmq_listen_ipc: a unix stream socket listening at the endpoint file in
   the run directory; the fd or -errno */
static int zmq_listen_ipc(struct mech *m, struct zmq_priv *p)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int fd, err;

	if ((size_t)snprintf(p->path, sizeof(p->path), "%s/%s.zmq", m->tmpdir, m->tag) >=
	    sizeof(p->path))
		return -ENAMETOOLONG;
	memcpy(a.sun_path, p->path, sizeof(a.sun_path));
	snprintf(p->endpoint, sizeof(p->endpoint), "ipc://%s", p->path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(fd, 1) < 0) {
		err = -errno;
		close(fd);
		return err;
	}
	return fd;
}

/* zmq_listen_tcp: a socket listening on 127.0.0.1 at a kernel-chosen
   port; the fd or -errno */
static int zmq_listen_tcp(struct mech *m, struct zmq_priv *p)
{
	struct sockaddr_in a = { 0 };
	int fd = sockpair_bind_loopback(SOCK_STREAM, &a), err;

	if (fd < 0)
		return fd;
	if (listen(fd, 1) < 0) {
		err = -errno;
		close(fd);
		return err;
	}
	snprintf(p->endpoint, sizeof(p->endpoint), "tcp://127.0.0.1:%d", ntohs(a.sin_port));
	mech_granted_add(m, "port", ntohs(a.sin_port));
	return fd;
}

/* zmq_priv_new: fresh state in m->priv, no listener yet; NULL when out
   of memory */
static struct zmq_priv *zmq_priv_new(struct mech *m)
{
	struct zmq_priv *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	p->lfd = -1;
	m->priv = p;
	p->hwm = zmq_hwm(m->msg_size);
	return p;
}

/* zmq_grant_hwm: records the queue lengths in messages */
static void zmq_grant_hwm(struct mech *m, const struct zmq_priv *p)
{
	mech_granted_add(m, "zmq_sndhwm_msgs", p->hwm);
	mech_granted_add(m, "zmq_rcvhwm_msgs", p->hwm);
}

/* Only plain sockets before fork: a zmq context starts threads, which a
   fork does not copy, so each worker makes its own in open(). */
static int zmq_create(struct mech *m)
{
	struct zmq_priv *p = zmq_priv_new(m);
	int rc;

	if (!p)
		return -ENOMEM;
	/* the library is opened here, once for the run's process, so that no
	   rep's workers pay for opening it: libzmq starts no thread before
	   ctx_new, which only the workers call */
	if ((rc = zapi_load()) < 0)
		return rc;
	p->lfd = zmq_transport_of(m) == ZT_TCP ? zmq_listen_tcp(m, p) : zmq_listen_ipc(m, p);
	if (p->lfd < 0)
		return p->lfd;
	zmq_grant_hwm(m, p);
	mech_granted_add(m, "sndbuf_bytes", io_sockbuf(p->lfd, SO_SNDBUF));
	mech_granted_add(m, "rcvbuf_bytes", io_sockbuf(p->lfd, SO_RCVBUF));
	return 0;
}

/* --- across hosts: zmq's tcp transport between the control connection's
   addresses; the receiver binds on a listener made before fork ---------- */

static int zmq_net_listen(struct mech *m)
{
	struct zmq_priv *p = zmq_priv_new(m);
	int rc;

	if (!p)
		return -ENOMEM;
	if ((rc = zapi_load()) < 0)   /* as in zmq_create */
		return rc;
	return sockpair_tcp_net_listen(m, &p->lfd);
}

/* the receiver binds at its own address and takes the sender's host
   only; the sender connects to the receiver's */
static int zmq_net_join(struct mech *m)
{
	struct zmq_priv *p = m->priv;
	const struct sockaddr_in *at = m->role == ROLE_SENDER ? &m->net->remote : &m->net->local;
	char host[INET_ADDRSTRLEN];

	if (!inet_ntop(AF_INET, &at->sin_addr, host, sizeof(host)) ||
	    (m->role == ROLE_RECEIVER &&
	     !inet_ntop(AF_INET, &m->net->remote.sin_addr, p->accept_from, sizeof(p->accept_from))))
		return -EINVAL;
	snprintf(p->endpoint, sizeof(p->endpoint), "tcp://%s:%d", host, ntohs(at->sin_port));
	mech_granted_add(m, "port", ntohs(at->sin_port));
	zmq_grant_hwm(m, p);
	return 0;
}

static int zmq_setint(void *sock, int opt, int v)
{
	return zapi.setsockopt(sock, opt, &v, sizeof(v)) == 0 ? 0 : -zapi.errnum();
}

/* zmq_socket_type: PUSH/PULL for a stream, REQ/REP for round trips (the
   shapes of libzmq's own perf tools) */
static int zmq_socket_type(const struct mech *m, enum mech_role role)
{
	if (m->mode == MODE_LATENCY)
		return role == ROLE_SENDER ? ZMQ_REQ : ZMQ_REP;
	return role == ROLE_SENDER ? ZMQ_PUSH : ZMQ_PULL;
}

/* zmq_attach: the receiver binds on the inherited listener, the sender
   connects to it; 0 or -errno */
static int zmq_attach(struct zmq_priv *p, enum mech_role role)
{
	int rc;

	if (role == ROLE_SENDER) {
		io_close(&p->lfd);
		return zapi.connect(p->sock, p->endpoint) == 0 ? 0 : -zapi.errnum();
	}
	if ((rc = zmq_setint(p->sock, ZMQ_USE_FD, p->lfd)) < 0)
		return rc;
	if (p->accept_from[0] && zapi.setsockopt(p->sock, ZMQ_TCP_ACCEPT_FILTER, p->accept_from,
						 strlen(p->accept_from)) != 0)
		return -zapi.errnum();
	rc = zapi.bind(p->sock, p->endpoint) == 0 ? 0 : -zapi.errnum();
	p->lfd = -1;   /* the socket owns it now, bound or not */
	return rc;
}

static int zmq_open(struct mech *m, enum mech_role role)
{
	struct zmq_priv *p = m->priv;
	int rc;

	if ((rc = zapi_load()) < 0)
		return rc;
	if (!(p->ctx = zapi.ctx_new()))
		return -zapi.errnum();
	if (!(p->sock = zapi.socket(p->ctx, zmq_socket_type(m, role))))
		return -zapi.errnum();
	if ((rc = zmq_setint(p->sock, ZMQ_SNDHWM, p->hwm)) < 0 ||
	    (rc = zmq_setint(p->sock, ZMQ_RCVHWM, p->hwm)) < 0 ||
	    (rc = zmq_setint(p->sock, ZMQ_LINGER, ZMQ_LINGER_MS)) < 0 ||
	    (rc = zmq_setint(p->sock, ZMQ_RCVTIMEO, m->timeout_ms > 0 ? m->timeout_ms : -1)) < 0)
		return rc;
	return zmq_attach(p, role);
}

static int zmq_err(void)
{
	int e = zapi.errnum();

	if (e == EAGAIN)
		return -ETIMEDOUT;
	return e == ETERM ? -EPIPE : -e;
}

static int zmq_mech_send(struct mech *m, const void *buf, size_t len)
{
	struct zmq_priv *p = m->priv;
	int n;

	do
		n = zapi.send(p->sock, buf, len, 0);
	while (n < 0 && zapi.errnum() == EINTR);
	return n < 0 ? zmq_err() : 0;
}

/* one whole message: zmq delivers messages whole, so a different length
   is a protocol error (longer ones arrive cut: zmq_recv says how long) */
static int zmq_mech_recv(struct mech *m, void *buf, size_t len)
{
	struct zmq_priv *p = m->priv;
	int n;

	do
		n = zapi.recv(p->sock, buf, len, 0);
	while (n < 0 && zapi.errnum() == EINTR);
	if (n < 0)
		return zmq_err();
	if ((size_t)n > len)
		return -EMSGSIZE;
	return (size_t)n == len ? 0 : -EPROTO;
}

static void zmq_mech_close(struct mech *m)
{
	struct zmq_priv *p = m->priv;

	if (p->sock)
		zapi.close(p->sock);
	/* waits up to the linger for the queue; a signal interrupts it, and
	   a worker that then exited would drop what is still queued (a
	   stream's tail, which its receiver would wait for in vain) */
	if (p->ctx)
		while (zapi.ctx_term(p->ctx) != 0 && zapi.errnum() == EINTR)
			;
	p->sock = p->ctx = NULL;
	io_close(&p->lfd);
}

static void zmq_destroy(struct mech *m)
{
	struct zmq_priv *p = m->priv;

	if (!p)
		return;
	io_close(&p->lfd);
	if (p->path[0])
		unlink(p->path);
	free(p);
	m->priv = NULL;
}

static void zmq_limits(struct mech_limits *lim)
{
	snprintf(lim->why, sizeof(lim->why), "libzmq %d.%d.%d sets no message size limit "
		 "(ZMQ_MAXMSGSIZE -1): the 64 MiB ipcscope cap", ZMQ_VERSION_MAJOR,
		 ZMQ_VERSION_MINOR, ZMQ_VERSION_PATCH);
}

const struct mech_ops mech_zmq = {
	.name = "zmq",
	.summary = "ZeroMQ messaging (libzmq): whole messages queued and moved by a "
		   "library I/O thread in each process, PUSH/PULL for streams and "
		   "REQ/REP for round trips, over a unix socket (ipc) or 127.0.0.1 (tcp); "
		   "with tcp also between two hosts.",
	.family = FAM_LIBRARY,
	.options = zmq_options,
	.copies = "4: sender buffer into a zmq message, through the kernel socket "
		  "(2 copies), zmq message to receiver buffer",
	.cleanup = "an endpoint socket file in the run directory (ipc) or a "
		   "127.0.0.1 listener (tcp; across hosts, on the address the caller "
		   "reached), made before fork and removed by the parent; each worker "
		   "ends its own zmq context",
	.limits = zmq_limits,
	.create = zmq_create,
	.open = zmq_open,
	.send = zmq_mech_send,
	.recv = zmq_mech_recv,
	.close = zmq_mech_close,
	.destroy = zmq_destroy,
	.cross_host = 1,
	.drain_before_close = 1,
	.net_listen = zmq_net_listen,
	.net_join = zmq_net_join,
};
