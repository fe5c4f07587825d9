/* unix_dgram.c -- AF_UNIX SOCK_SEQPACKET socketpair: one message per send, boundaries kept */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "mech/mech.h"
#include "mech/io.h"
#include "mech/sockpair.h"

/* the kernel refuses a datagram longer than the send buffer minus this */
#define UDG_SNDBUF_SLACK 32
/* one message is one kernel allocation; 4 MiB is the largest the usual
   x86-64 kernel hands out in one piece, so larger ones fail with ENOBUFS */
#define UDG_ALLOC_MAX ((size_t)4 << 20)

/* udg_max_msg: largest message a socket with send buffer sndbuf takes */
static size_t udg_max_msg(long long sndbuf)
{
	size_t max;

	if (sndbuf <= UDG_SNDBUF_SLACK)
		return 0;
	max = (size_t)(sndbuf - UDG_SNDBUF_SLACK);
	return max < UDG_ALLOC_MAX ? max : UDG_ALLOC_MAX;
}

static void udg_limits(struct mech_limits *lim)
{
	int sv[2];
	long long snd = -1;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) == 0) {
		io_sockbuf_grow(sv[0]);
		snd = io_sockbuf(sv[0], SO_SNDBUF);
		close(sv[0]);
		close(sv[1]);
	}
	lim->min_size = 1;
	lim->max_size = udg_max_msg(snd);
	snprintf(lim->why, sizeof(lim->why),
		 "one message must fit the socket send buffer (%lld bytes granted "
		 "under net.core.wmem_max) and one 4 MiB kernel allocation", snd);
}

static int udg_create(struct mech *m)
{
	struct sockpair *p = sockpair_new(m);
	int ret;

	if (!p)
		return -ENOMEM;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, p->sv) < 0)
		return -errno;
	for (int i = 0; i < 2; i++) {
		io_sockbuf_grow(p->sv[i]);
		ret = io_set_timeout(p->sv[i], SO_RCVTIMEO, m->timeout_ms);
		if (ret < 0)
			return ret;
	}
	sockpair_grant_buffers(m);
	if (m->msg_size > udg_max_msg(io_sockbuf(p->sv[0], SO_SNDBUF)))
		return -EMSGSIZE;
	return 0;
}

/* one send() is one message: the kernel takes all of it or none */
static int udg_send(struct mech *m, const void *buf, size_t len)
{
	return io_send_msg(sockpair_fd(m), buf, len);
}

/* exactly one whole message of len bytes (MSG_TRUNC -> -EMSGSIZE) */
static int udg_recv(struct mech *m, void *buf, size_t len)
{
	return io_recv_msg(sockpair_fd(m), buf, len);
}

const struct mech_ops mech_unix_dgram = {
	.name = "unix-dgram",
	.summary = "A Unix domain sequenced-packet socket: each send arrives as "
		   "one whole message, in order, never merged or split.",
	.family = FAM_KERNEL_MESSAGE,
	.copies = "2: sender buffer into one kernel packet buffer, packet buffer "
		  "to receiver buffer",
	.cleanup = "a nameless SOCK_SEQPACKET socketpair made before fork; each "
		   "worker and the parent close their descriptors, nothing named "
		   "can be left",
	.limits = udg_limits,
	.create = udg_create,
	.open = sockpair_open,
	.send = udg_send,
	.recv = udg_recv,
	.close = sockpair_close,
	.destroy = sockpair_destroy,
};
