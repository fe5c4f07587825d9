/* tcp.c -- loopback TCP on 127.0.0.1, one connection made before fork, TCP_NODELAY */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "mech/mech.h"
#include "mech/io.h"
#include "mech/sockpair.h"

static int tcp_create(struct mech *m)
{
	struct sockpair *p = sockpair_new(m);
	struct sockaddr_in addr = { 0 };
	int ret;

	if (!p)
		return -ENOMEM;
	ret = sockpair_tcp_loopback(p->sv, &addr);
	for (int i = 0; ret == 0 && i < 2; i++)
		ret = sockpair_tcp_tune(p->sv[i], m->timeout_ms);
	if (ret < 0)
		return ret;
	mech_granted_add(m, "port", ntohs(addr.sin_port));
	sockpair_grant_buffers(m);
	return 0;
}

/* --- across hosts: the receiver listens, the sender connects ------------ */

static int tcp_net_listen(struct mech *m)
{
	struct sockpair *p = sockpair_net_state(m);

	return p ? sockpair_tcp_net_listen(m, &p->lfd) : -ENOMEM;
}

static int tcp_net_join(struct mech *m)
{
	return sockpair_tcp_net_join(m, m->priv);
}

const struct mech_ops mech_tcp = {
	.name = "tcp",
	.summary = "A TCP connection to 127.0.0.1: bytes go through the whole "
		   "TCP/IP stack like network traffic, but never leave the machine.",
	.family = FAM_KERNEL_STREAM,
	.copies = "2: sender buffer into kernel socket buffers, kernel buffers to "
		  "receiver buffer (loopback hands the segments over in memory)",
	.cleanup = "one 127.0.0.1 connection made before fork (the listener is "
		   "closed at once); closing both ends ends it, at most a "
		   "TIME_WAIT entry the kernel expires by itself",
	.create = tcp_create,
	.open = sockpair_open,
	.send = sockpair_send_stream,
	.recv = sockpair_recv_stream,
	.close = sockpair_close,
	.destroy = sockpair_destroy,
	.cross_host = 1,
	.net_listen = tcp_net_listen,
	.net_join = tcp_net_join,
};
