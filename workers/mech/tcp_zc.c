/* tcp_zc.c -- TCP sent with MSG_ZEROCOPY (on 127.0.0.1, or across hosts
   with a peer), each send's completion taken from the socket's error queue */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/errqueue.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "mech/mech.h"
#include "mech/io.h"
#include "mech/sockpair.h"

#ifndef SO_EE_CODE_ZEROCOPY_COPIED
#define SO_EE_CODE_ZEROCOPY_COPIED 1
#endif

/*
 * With SO_ZEROCOPY set, send(..., MSG_ZEROCOPY) pins the caller's pages
 * instead of copying them into socket buffers; the kernel says when it no
 * longer needs them with a notification on the socket's error queue: a
 * range of send calls (numbered from 0 per socket) now complete, flagged
 * SO_EE_CODE_ZEROCOPY_COPIED when it copied the bytes after all. Until
 * then the buffer must not change, and the caller reuses it once send
 * returns: so send waits for the completions of all its calls first. TCP
 * keeps a segment until the peer acknowledges it, so a completion comes
 * with the ACK: one message is in flight at a time.
 *
 * On loopback the segments are handed to the receiving socket in memory,
 * and the kernel cannot leave pages of the sender's in another socket's
 * queue: it copies them at delivery and completes with the COPIED flag.
 * The sends then pay for the pinning and the notifications on top of
 * the copies a plain tcp makes, and the rep's zerocopy_copied_sends says
 * how many of its completed sends were copied anyway (all, here).
 *
 * Across hosts (`peer=`) the connection is tcp's, with SO_ZEROCOPY on
 * this side's end; the counts are this side's sends. Through a network
 * card the pages go out without a copy; through a veth pair between two
 * network namespaces they still reach a socket of the same kernel, which
 * copies them as loopback does (measured: every send flagged COPIED).
 */
struct tcpzc_counts {          /* shared with the parent (MAP_SHARED) */
	uint64_t sends[2];     /* by role: send calls made with MSG_ZEROCOPY */
	uint64_t copied[2];    /* of them, completed with the COPIED flag */
};

struct tcpzc_priv {
	struct sockpair sp;    /* first: sockpair.h's helpers read m->priv */
	struct tcpzc_counts *counts;
	enum mech_role role;
	uint32_t issued;       /* this worker's send calls so far */
	uint32_t completed;    /* of them, completions received */
};

/* tcpzc_state: the state of a rep, made on first use with its shared
   counter block; NULL when out of memory (m->priv then holds what was
   made, for destroy) */
static struct tcpzc_priv *tcpzc_state(struct mech *m)
{
	struct tcpzc_priv *p = m->priv;
	void *c;

	if (p)
		return p;
	if (!(p = calloc(1, sizeof(*p))))
		return NULL;
	sockpair_init(&p->sp);
	m->priv = p;
	c = mmap(NULL, sizeof(*p->counts), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
		 -1, 0);
	if (c == MAP_FAILED)
		return NULL;
	p->counts = c;
	return p;
}

/* tcpzc_enable: SO_ZEROCOPY on fd; 0, -EOPNOTSUPP where the kernel has
   none, or -errno */
static int tcpzc_enable(int fd)
{
	int one = 1;

	if (setsockopt(fd, SOL_SOCKET, SO_ZEROCOPY, &one, sizeof(one)) < 0)
		return errno == ENOPROTOOPT || errno == EINVAL ? -EOPNOTSUPP : -errno;
	return 0;
}

static int tcpzc_create(struct mech *m)
{
	struct tcpzc_priv *p = tcpzc_state(m);
	struct sockaddr_in addr = { 0 };
	int ret;

	if (!p)
		return -ENOMEM;
	ret = sockpair_tcp_loopback(p->sp.sv, &addr);
	for (int i = 0; ret == 0 && i < 2; i++) {
		ret = sockpair_tcp_tune(p->sp.sv[i], m->timeout_ms);
		if (ret == 0)
			ret = tcpzc_enable(p->sp.sv[i]);
	}
	if (ret < 0)
		return ret;
	mech_granted_add(m, "port", ntohs(addr.sin_port));
	sockpair_grant_buffers(m);
	return 0;
}

/* --- across hosts: tcp's data connection, SO_ZEROCOPY on this side's end -- */

static int tcpzc_net_listen(struct mech *m)
{
	struct tcpzc_priv *p = tcpzc_state(m);

	return p ? sockpair_tcp_net_listen(m, &p->sp.lfd) : -ENOMEM;
}

static int tcpzc_net_join(struct mech *m)
{
	struct tcpzc_priv *p = m->priv;
	int rc = sockpair_tcp_net_join(m, &p->sp);

	return rc < 0 ? rc : tcpzc_enable(p->sp.sv[sockpair_mine(m)]);
}

static int tcpzc_open(struct mech *m, enum mech_role role)
{
	struct tcpzc_priv *p = m->priv;

	p->role = role;
	p->issued = p->completed = 0;
	return sockpair_open(m, role);
}

/* tcpzc_reap: takes the zerocopy completions queued on fd, counting them
   in p; 0, -EAGAIN when none is queued, or -errno */
static int tcpzc_reap(struct tcpzc_priv *p, int fd)
{
	for (;;) {
		char control[CMSG_SPACE(sizeof(struct sock_extended_err)) + 64];
		struct msghdr msg = { .msg_control = control, .msg_controllen = sizeof(control) };
		struct cmsghdr *cm;
		int got = 0;

		if (recvmsg(fd, &msg, MSG_ERRQUEUE | MSG_DONTWAIT) < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		for (cm = CMSG_FIRSTHDR(&msg); cm; cm = CMSG_NXTHDR(&msg, cm)) {
			struct sock_extended_err ee;

			if (cm->cmsg_level != SOL_IP || cm->cmsg_type != IP_RECVERR)
				continue;
			memcpy(&ee, CMSG_DATA(cm), sizeof(ee));
			if (ee.ee_origin != SO_EE_ORIGIN_ZEROCOPY || ee.ee_errno != 0)
				continue;
			/* calls ee_info..ee_data (inclusive, wrapping at 2^32) */
			p->completed += ee.ee_data - ee.ee_info + 1;
			if (ee.ee_code & SO_EE_CODE_ZEROCOPY_COPIED)
				p->counts->copied[p->role] += ee.ee_data - ee.ee_info + 1;
			got = 1;
		}
		if (got)
			return 0;
	}
}

/* tcpzc_settle: waits until every send call of this worker completed, so
   its pages are the caller's again; 0 or -errno (-ETIMEDOUT after
   timeout_ms without a completion) */
static int tcpzc_settle(struct tcpzc_priv *p, int fd, int timeout_ms)
{
	while (p->completed != p->issued) {
		struct pollfd pfd = { .fd = fd, .events = 0 };   /* POLLERR always */
		int ret = tcpzc_reap(p, fd), n;

		if (ret == 0)
			continue;
		if (ret != -EAGAIN && ret != -EWOULDBLOCK)
			return ret;
		n = poll(&pfd, 1, timeout_ms > 0 ? timeout_ms : -1);
		if (n == 0)
			return -ETIMEDOUT;
		if (n < 0 && errno != EINTR)
			return -errno;
		if (n > 0 && !(pfd.revents & POLLERR) && (pfd.revents & (POLLHUP | POLLNVAL)))
			return -EPIPE;
	}
	return 0;
}

static int tcpzc_send(struct mech *m, const void *buf, size_t len)
{
	struct tcpzc_priv *p = m->priv;
	int fd = sockpair_fd(m);
	const char *b = buf;

	while (len) {
		ssize_t n = send(fd, b, len, MSG_ZEROCOPY | MSG_NOSIGNAL);

		if (n < 0) {
			int ret;

			if (errno == EINTR)
				continue;
			if (errno != ENOBUFS)
				return io_sock_err(errno);
			/* out of option memory for the pinned pages: free some */
			if ((ret = tcpzc_settle(p, fd, m->timeout_ms)) < 0)
				return ret;
			continue;
		}
		p->issued++;
		p->counts->sends[p->role]++;
		b += n;
		len -= (size_t)n;
	}
	return tcpzc_settle(p, fd, m->timeout_ms);
}

static void tcpzc_collect(struct mech *m)
{
	struct tcpzc_priv *p = m->priv;

	if (!p || !p->counts)
		return;
	mech_granted_add(m, "zerocopy_sends",
			 (long long)(p->counts->sends[0] + p->counts->sends[1]));
	mech_granted_add(m, "zerocopy_copied_sends",
			 (long long)(p->counts->copied[0] + p->counts->copied[1]));
}

static void tcpzc_destroy(struct mech *m)
{
	struct tcpzc_priv *p = m->priv;

	if (!p)
		return;
	sockpair_close_all(&p->sp);
	if (p->counts)
		munmap(p->counts, sizeof(*p->counts));
	free(p);
	m->priv = NULL;
}

const struct mech_ops mech_tcp_zc = {
	.name = "tcp-zc",
	.summary = "TCP sent with MSG_ZEROCOPY (to 127.0.0.1, or to another host "
		   "with a peer): the kernel pins the "
		   "sender's pages instead of copying them and reports on the "
		   "socket's error queue when it is done with them, once the peer "
		   "acknowledged the segments; each send waits for that, so one "
		   "message is in flight. On one machine (loopback, or a veth "
		   "between two network namespaces) the kernel copies the bytes "
		   "anyway at delivery, so this measures what the zero-copy "
		   "bookkeeping costs, not what it saves (that needs a real "
		   "network card between two hosts).",
	.family = FAM_KERNEL_STREAM,
	.copies = "2 on one machine, like tcp: the kernel copies the pinned pages when "
		  "it hands them to a receiving socket of the same kernel (loopback or "
		  "a veth; the completions say so: zerocopy_copied_sends), then the "
		  "receiver's read copies them out; through a network card to another "
		  "host the send side's copy is gone (1)",
	.cleanup = "one 127.0.0.1 connection made before fork (the listener is "
		   "closed at once; with a peer, one connection to it) and a small "
		   "shared counter block, unmapped by "
		   "the parent; closing both ends ends the connection, at most a "
		   "TIME_WAIT entry the kernel expires by itself",
	.create = tcpzc_create,
	.open = tcpzc_open,
	.send = tcpzc_send,
	.recv = sockpair_recv_stream,
	.close = sockpair_close,
	.collect = tcpzc_collect,
	.destroy = tcpzc_destroy,
	.cross_host = 1,
	.net_listen = tcpzc_net_listen,
	.net_join = tcpzc_net_join,
};
