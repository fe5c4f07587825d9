/* udp.c -- loopback UDP: two sockets on 127.0.0.1 connected to each other; loss is reported */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "mech/mech.h"
#include "mech/io.h"
#include "mech/sockpair.h"

/* 65535 (IPv4 total length) - 20 (IPv4 header) - 8 (UDP header) */
#define UDP_MAX_PAYLOAD 65507
/* how long a send keeps retrying while the kernel is out of buffers */
#define UDP_RETRY_MS 200

static void udp_limits(struct mech_limits *lim)
{
	lim->min_size = 1;
	lim->max_size = UDP_MAX_PAYLOAD;
	strcpy(lim->why, "one IPv4 UDP datagram: 65535 bytes minus the 20-byte IP "
	       "and 8-byte UDP headers");
}

/* udp_pair: two bound sockets, each connect()ed to the other so it only
   talks to (and only hears from) its peer */
static int udp_pair(int sv[2], int timeout_ms)
{
	struct sockaddr_in a[2] = { 0 };
	int ret;

	for (int i = 0; i < 2; i++) {
		sv[i] = sockpair_bind_loopback(SOCK_DGRAM, &a[i]);
		if (sv[i] < 0) {
			ret = sv[i];
			sv[i] = -1;
			return ret;
		}
	}
	for (int i = 0; i < 2; i++) {
		if (connect(sv[i], (struct sockaddr *)&a[1 - i], sizeof(a[0])) < 0)
			return -errno;
		io_sockbuf_grow(sv[i]);
		/* a lost datagram must end a receive, not hang it; sends are
		   not timed: they only wait for the sender's own buffer */
		ret = io_set_timeout(sv[i], SO_RCVTIMEO, timeout_ms);
		if (ret < 0)
			return ret;
	}
	return 0;
}

static int udp_create(struct mech *m)
{
	struct sockpair *p = sockpair_new(m);
	int ret;

	if (!p)
		return -ENOMEM;
	ret = udp_pair(p->sv, m->timeout_ms);
	if (ret < 0)
		return ret;
	sockpair_grant_buffers(m);
	return m->msg_size > UDP_MAX_PAYLOAD ? -EMSGSIZE : 0;
}

/* across hosts: each side binds where the control connection runs, then
   connects to the other side's port */
static int udp_net_listen(struct mech *m)
{
	struct sockpair *p = sockpair_net_state(m);
	int fd;

	if (!p)
		return -ENOMEM;
	if ((fd = sockpair_net_bind(m, SOCK_DGRAM)) < 0)
		return fd;
	p->sv[sockpair_mine(m)] = fd;
	io_sockbuf_grow(fd);
	return io_set_timeout(fd, SO_RCVTIMEO, m->timeout_ms);
}

static int udp_net_join(struct mech *m)
{
	int fd = ((struct sockpair *)m->priv)->sv[sockpair_mine(m)];

	if (m->msg_size > UDP_MAX_PAYLOAD)
		return -EMSGSIZE;
	if (connect(fd, (struct sockaddr *)&m->net->remote, sizeof(m->net->remote)) < 0)
		return -errno;
	sockpair_net_grant(m, fd);
	return 0;
}

/* udp_pause: sleeps us microseconds */
static void udp_pause(long us)
{
	struct timespec ts = { .tv_sec = 0, .tv_nsec = us * 1000 };

	nanosleep(&ts, NULL);
}

/*
 * A full receive buffer drops the datagram silently (the receiver counts
 * it lost); only a shortage of kernel buffers on the sending side comes
 * back as ENOBUFS/EAGAIN, and that passes, so retry for a little while.
 */
static int udp_send(struct mech *m, const void *buf, size_t len)
{
	int fd = sockpair_fd(m);
	long waited_us = 0, step_us = 10;
	int ret;

	for (;;) {
		ret = io_send_msg(fd, buf, len);
		if (ret != -ENOBUFS && ret != -ETIMEDOUT)
			return ret;
		if (waited_us >= UDP_RETRY_MS * 1000L)
			return -ENOBUFS;
		udp_pause(step_us);
		waited_us += step_us;
		if (step_us < 1000)
			step_us *= 2;
	}
}

/* one whole datagram of len bytes, -ETIMEDOUT when none came in time */
static int udp_recv(struct mech *m, void *buf, size_t len)
{
	return io_recv_msg(sockpair_fd(m), buf, len);
}

const struct mech_ops mech_udp = {
	.name = "udp",
	.summary = "UDP datagrams to 127.0.0.1: each message travels alone with no "
		   "delivery guarantee, so a busy receiver can lose some.",
	.family = FAM_KERNEL_MESSAGE,
	.copies = "2: sender buffer into one kernel packet, packet to receiver "
		  "buffer (loopback hands the packet over in memory)",
	.cleanup = "two 127.0.0.1 UDP sockets made before fork; closing them frees "
		   "the ports, nothing named can be left",
	.limits = udp_limits,
	.create = udp_create,
	.open = sockpair_open,
	.send = udp_send,
	.recv = udp_recv,
	.close = sockpair_close,
	.destroy = sockpair_destroy,
	.lossy = 1,
	.cross_host = 1,
	.net_listen = udp_net_listen,
	.net_join = udp_net_join,
};
