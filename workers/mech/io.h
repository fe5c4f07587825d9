/* io.h -- whole-message read/write helpers shared by the fd-based mechanisms */
#ifndef IPCSCOPE_IO_H
#define IPCSCOPE_IO_H

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <unistd.h>

#include "probe/sysinfo.h"

/* io_write_all: writes len bytes, looping over short writes; 0 or -errno
   (-EPIPE when the reader is gone) */
static inline int io_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* io_read_all: reads exactly len bytes; 0, -EPIPE at end of file,
   -ETIMEDOUT when a receive timeout expired before the message began, or
   -errno. Once part of a message is in, it waits for the rest: giving up
   there would leave the stream in the middle of a message. */
static inline int io_read_all(int fd, void *buf, size_t len)
{
	char *p = buf;

	while (len) {
		ssize_t n = read(fd, p, len);
		if (n == 0)
			return -EPIPE;
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK) {
				if (p != (char *)buf)
					continue;
				return -ETIMEDOUT;
			}
			if (errno == ECONNRESET)
				return -EPIPE;
			return -errno;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* io_sock_err: maps a failed socket call's errno: a send/receive timeout to
   -ETIMEDOUT, a peer that reset or refused (closed UDP port) to -EPIPE */
static inline int io_sock_err(int err)
{
	if (err == EAGAIN || err == EWOULDBLOCK)
		return -ETIMEDOUT;
	if (err == ECONNRESET || err == ECONNREFUSED)
		return -EPIPE;
	return -err;
}

/* io_send_all: like io_write_all for sockets, without SIGPIPE; 0, -EPIPE
   when the peer is gone, -ETIMEDOUT when a send timeout expired, or -errno */
static inline int io_send_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = send(fd, p, len, MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return io_sock_err(errno);
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* io_send_msg: sends one datagram or packet of len bytes, which the kernel
   takes whole or not at all; 0 or -errno as io_sock_err maps it */
static inline int io_send_msg(int fd, const void *buf, size_t len)
{
	ssize_t n;

	do
		n = send(fd, buf, len, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return io_sock_err(errno);
	return (size_t)n == len ? 0 : -EPROTO;
}

/* io_recv_msg: receives exactly one whole message of len bytes; 0,
   -EMSGSIZE when it was longer (cut, MSG_TRUNC), -EPROTO when shorter,
   -EPIPE at end of stream, or -errno as io_sock_err maps it */
static inline int io_recv_msg(int fd, void *buf, size_t len)
{
	struct iovec iov = { .iov_base = buf, .iov_len = len };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
	ssize_t n;

	do
		n = recvmsg(fd, &msg, 0);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return io_sock_err(errno);
	if (n == 0 && len > 0)
		return -EPIPE;
	if (msg.msg_flags & MSG_TRUNC)
		return -EMSGSIZE;
	return (size_t)n == len ? 0 : -EPROTO;
}

/* io_set_timeout: sets SO_RCVTIMEO or SO_SNDTIMEO (opt) to ms milliseconds
   (nothing when ms <= 0); 0 or -errno. Receives get m->timeout_ms; sends
   are left untimed, since a send that gave up halfway would break the
   stream, and the harness ends a rep whose peer is gone. */
static inline int io_set_timeout(int fd, int opt, int ms)
{
	struct timeval tv = { .tv_sec = ms / 1000, .tv_usec = (ms % 1000) * 1000 };

	if (ms <= 0)
		return 0;
	return setsockopt(fd, SOL_SOCKET, opt, &tv, sizeof(tv)) < 0 ? -errno : 0;
}

/* io_sockbuf: the granted size of SO_SNDBUF or SO_RCVBUF (opt), or -errno */
static inline long long io_sockbuf(int fd, int opt)
{
	int v = 0;
	socklen_t l = sizeof(v);

	if (getsockopt(fd, SOL_SOCKET, opt, &v, &l) < 0)
		return -errno;
	return v;
}

/* io_sockbuf_grow: asks for send and receive buffers as large as
   net.core.wmem_max and rmem_max allow (the kernel doubles the request for
   its bookkeeping; read back what was granted with io_sockbuf) */
static inline void io_sockbuf_grow(int fd)
{
	long long w = sysinfo_read_long("/proc/sys/net/core/wmem_max");
	long long r = sysinfo_read_long("/proc/sys/net/core/rmem_max");
	int v;

	if (w > 0 && w <= 0x3fffffff) {
		v = (int)w;
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &v, sizeof(v));
	}
	if (r > 0 && r <= 0x3fffffff) {
		v = (int)r;
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &v, sizeof(v));
	}
}

/* io_close: closes *fd if open and marks it closed */
static inline void io_close(int *fd)
{
	if (*fd >= 0) {
		close(*fd);
		*fd = -1;
	}
}

/* A pair of pipes made before the fork, fwd (sender -> receiver) and back
   (receiver -> sender), as pipe, splice and cma use them. */

/* io_pipes_make: both pipes, close-on-exec; 0 or -errno (ends not made
   stay -1, so io_pipes_close is always safe) */
static inline int io_pipes_make(int fwd[2], int back[2])
{
	fwd[0] = fwd[1] = back[0] = back[1] = -1;
	if (pipe2(fwd, O_CLOEXEC) < 0 || pipe2(back, O_CLOEXEC) < 0)
		return -errno;
	return 0;
}

/* io_pipes_take: a worker's two ends (*rfd, *wfd) of the pair; the other
   two are closed in this process */
static inline void io_pipes_take(int fwd[2], int back[2], int sender, int *rfd, int *wfd)
{
	*wfd = sender ? fwd[1] : back[1];
	*rfd = sender ? back[0] : fwd[0];
	io_close(sender ? &fwd[0] : &fwd[1]);
	io_close(sender ? &back[1] : &back[0]);
}

/* io_pipes_close: every end of the pair still open */
static inline void io_pipes_close(int fwd[2], int back[2])
{
	io_close(&fwd[0]);
	io_close(&fwd[1]);
	io_close(&back[0]);
	io_close(&back[1]);
}

#endif
