/* http_keep.c -- kept connections: each next request head judged as it arrives
 *
 * The gate judges a connection's first head before libmicrohttpd takes the
 * socket. Once the answer to a request is sent and the connection is kept,
 * libmicrohttpd would read the next head itself; instead keep_next() peeks
 * at it in the connection's own thread (MHD_USE_THREAD_PER_CONNECTION),
 * judges it with http_head.c and lets libmicrohttpd read it only when it
 * passes. Bytes a client sends before its answer (pipelining) could reach
 * libmicrohttpd unjudged: the bytes it has read are counted (the kernel's
 * in-order bytes received, less those still queued) against the heads
 * judged, and an answer given while it holds more says "Connection: close",
 * so those bytes are dropped with the connection.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/sockios.h>
#include <netinet/in.h>
#include <linux/tcp.h>
#include <poll.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdlib.h>
#include <strings.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "http_gate.h"
#include "http_head.h"
#include "http_keep.h"

#define KEEP_POLL_MS 200           /* a waiting connection checks for a stop this often */
#define KEEP_REPEEK_MS 20          /* a partial head is looked at again after this */

struct keep {
	int fd;
	unsigned long long judged; /* bytes of the heads judged on this connection */
	unsigned heads, requests;  /* heads judged; requests libmicrohttpd began */
	bool close;                /* the client asked to close after this answer */
	bool dropped;              /* taken from libmicrohttpd: nothing more is read */
	char buf[HEAD_MAX + 2];
};

static atomic_bool stopping;

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* bytes_read: bytes of the connection the server has read so far, or -1 */
static long long bytes_read(int fd)
{
	struct tcp_info ti;
	socklen_t len = sizeof(ti);
	int queued = 0;

	memset(&ti, 0, sizeof(ti));
	if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len) < 0 ||
	    len < offsetof(struct tcp_info, tcpi_bytes_received) + sizeof(ti.tcpi_bytes_received) ||
	    ioctl(fd, SIOCINQ, &queued) < 0)
		return -1;
	return (long long)ti.tcpi_bytes_received - queued;
}

struct keep *keep_open(int fd)
{
	struct keep *k = calloc(1, sizeof(*k));
	ssize_t n;

	if (!k)
		return NULL;
	k->fd = fd;
	/* the head the gate judged is still unread in the socket */
	n = recv(fd, k->buf, HEAD_MAX + 1, MSG_PEEK | MSG_DONTWAIT);
	k->judged = n > 0 ? head_end(k->buf, (size_t)n) : 0;
	k->heads = 1;
	return k;
}

void keep_close(struct keep *k)
{
	free(k);
}

void keep_request(struct keep *k, const char *version, const char *connection)
{
	if (!k)
		return;
	k->close = !version || strcmp(version, "HTTP/1.1") != 0 ||
		   (connection && strcasestr(connection, "close"));
}

/* past_judged: libmicrohttpd has read bytes past the heads judged */
static bool past_judged(struct keep *k)
{
	long long got = bytes_read(k->fd);

	return got < 0 || (unsigned long long)got > k->judged;
}

void keep_began(struct keep *k)
{
	if (k)
		k->requests++;
}

bool keep_unjudged(struct keep *k)
{
	return k && (k->dropped || k->requests > k->heads);
}

bool keep_answer(struct keep *k)
{
	if (!k || k->close || k->dropped || past_judged(k)) {
		if (k)
			k->close = true;
		return false;
	}
	return true;
}

/* drop: libmicrohttpd's socket becomes /dev/null: it reads an error and
   closes the connection, and no byte the client sends reaches it */
static void drop(struct keep *k)
{
	int nul = open("/dev/null", O_RDWR | O_CLOEXEC);

	shutdown(k->fd, SHUT_RDWR);
	if (nul >= 0) {
		dup2(nul, k->fd);
		close(nul);
	}
	k->dropped = true;
}

void keep_next(struct keep *k)
{
	double t0 = now_s(), first = 0;
	struct head_verdict v;
	size_t seen = 0;

	if (!k || k->close || k->dropped)
		return;
	if (past_judged(k))
		return drop(k);    /* it holds bytes nobody judged */
	for (;;) {
		ssize_t n = recv(k->fd, k->buf, HEAD_MAX + 1, MSG_PEEK | MSG_DONTWAIT);
		struct pollfd pf = { k->fd, POLLIN, 0 };
		size_t end;

		if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
			return;    /* gone: libmicrohttpd sees it too and closes */
		if (atomic_load(&stopping))
			return drop(k);
		if (n > 0) {
			if (first == 0)
				first = now_s();
			end = head_end(k->buf, (size_t)n);
			if (end || (size_t)n > HEAD_MAX) {
				if (head_check(k->buf, end ? end : (size_t)n, &v) < 0) {
					gate_answer(k->fd, &v);
					return drop(k);
				}
				k->judged += end;
				k->heads++;
				return;
			}
			if (now_s() - first >= GATE_HEAD_TIMEOUT_S) {
				v = (struct head_verdict){ 408, "head_timeout", "the request head "
							   "did not arrive within 10 s" };
				gate_answer(k->fd, &v);
				return drop(k);
			}
		} else if (now_s() - t0 >= KEEP_IDLE_S) {
			return drop(k);
		}
		/* a partial head keeps POLLIN raised: it is peeked again on a timer */
		if (n > 0 && (size_t)n == seen)
			poll(NULL, 0, KEEP_REPEEK_MS);
		else
			poll(&pf, 1, n > 0 ? KEEP_REPEEK_MS : KEEP_POLL_MS);
		seen = n > 0 ? (size_t)n : 0;
	}
}

void keep_stop(void)
{
	atomic_store(&stopping, true);
}
