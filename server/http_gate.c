/* http_gate.c -- the listening socket: each connection's head judged before MHD takes it
 *
 * One thread accepts every connection and peeks at it (the bytes stay in
 * the socket for libmicrohttpd) until its request head is complete. A head
 * http_head.c refuses gets ipcscope's own JSON answer here; a client that
 * trickles its head gets 408 after GATE_HEAD_TIMEOUT_S; the rest go to MHD
 * with MHD_add_connection(). On a connection MHD keeps, each next head is
 * judged the same way before MHD reads it (http_keep.c).
 */
#include <arpa/inet.h>
#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "http_gate.h"
#include "http_head.h"
#include "base/error.h"

#define GATE_BACKLOG 128
#define GATE_POLL_MS 1000          /* deadlines are checked at least this often */
#define GATE_REPEEK_MS 20          /* a partial head is looked at again after this */
#define GATE_ANSWER_MAX 1024
#define GATE_DRAIN_BLOCK 4096

struct pending {
	int fd;
	struct sockaddr_storage addr;
	socklen_t alen;
	time_t since;              /* monotonic seconds */
	size_t seen;               /* bytes of head peeked so far */
};

static struct {
	int lfd;
	int wake[2];
	struct MHD_Daemon *d;
	pthread_t thread;
	bool running;
	struct pending p[GATE_PENDING_MAX];
	int n;
	char buf[HEAD_MAX + 2];
} gt = { .lfd = -1, .wake = { -1, -1 } };

static time_t now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

int gate_listen(const char *host, int port, int *bound, char *err, size_t errlen)
{
	struct sockaddr_storage ss = { 0 };
	struct sockaddr_in *a4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&ss;
	socklen_t len;
	int one = 1;

	if (inet_pton(AF_INET, host, &a4->sin_addr) == 1) {
		a4->sin_family = AF_INET;
		a4->sin_port = htons((uint16_t)port);
		len = sizeof(*a4);
	} else if (inet_pton(AF_INET6, host, &a6->sin6_addr) == 1) {
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons((uint16_t)port);
		len = sizeof(*a6);
	} else {
		return error_set(err, errlen, "bad bind address '%s': expected a numeric IPv4 or IPv6 "
				"address", host);
	}
	gt.lfd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (gt.lfd < 0)
		goto fail;
	setsockopt(gt.lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (ss.ss_family == AF_INET6)
		setsockopt(gt.lfd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if (bind(gt.lfd, (struct sockaddr *)&ss, len) < 0 || listen(gt.lfd, GATE_BACKLOG) < 0 ||
	    getsockname(gt.lfd, (struct sockaddr *)&ss, &len) < 0)
		goto fail;
	*bound = ntohs(ss.ss_family == AF_INET ? a4->sin_port : a6->sin6_port);
	return 0;
fail:
	error_set(err, errlen, "cannot listen on %s port %d: %s", host, port, strerror(errno));
	if (gt.lfd >= 0)
		close(gt.lfd);
	gt.lfd = -1;
	return -1;
}

static const char *reason(unsigned status)
{
	switch (status) {
	case 400: return "Bad Request";
	case 408: return "Request Timeout";
	case 414: return "URI Too Long";
	case 417: return "Expectation Failed";
	case 421: return "Misdirected Request";
	case 431: return "Request Header Fields Too Large";
	case 505: return "HTTP Version Not Supported";
	default: return "Error";
	}
}

void gate_answer(int fd, const struct head_verdict *v)
{
	cJSON *o = cJSON_CreateObject(), *e = cJSON_AddObjectToObject(o, "error");
	char head[GATE_ANSWER_MAX], drain[GATE_DRAIN_BLOCK];
	char *body;
	int n;

	cJSON_AddStringToObject(e, "code", v->code);
	cJSON_AddStringToObject(e, "message", v->message);
	body = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	/* what the client sent is read first: closing with unread bytes would
	   reset the connection and could lose the answer */
	while (recv(fd, drain, sizeof(drain), MSG_DONTWAIT) > 0)
		;
	n = snprintf(head, sizeof(head), "HTTP/1.1 %u %s\r\nContent-Type: application/json\r\n"
		     "Content-Length: %zu\r\nConnection: close\r\nCache-Control: no-store\r\n"
		     "Content-Security-Policy: " HTTP_CSP "\r\nX-Content-Type-Options: nosniff\r\n"
		     "X-Frame-Options: DENY\r\nReferrer-Policy: no-referrer\r\n\r\n",
		     v->status, reason(v->status), body ? strlen(body) : 0);
	if (send(fd, head, (size_t)n, MSG_NOSIGNAL | MSG_DONTWAIT) == n && body)
		send(fd, body, strlen(body), MSG_NOSIGNAL | MSG_DONTWAIT);
	free(body);
	shutdown(fd, SHUT_WR);
}

/* answer: ipcscope's JSON error on a connection MHD never saw, then close */
static void answer(int fd, const struct head_verdict *v)
{
	gate_answer(fd, v);
	close(fd);
}

static void drop(int i)
{
	gt.p[i] = gt.p[--gt.n];
}

/* same_ip: pending connections from the address of a */
static int same_ip(const struct sockaddr_storage *a)
{
	int n = 0;

	for (int i = 0; i < gt.n; i++) {
		const struct sockaddr_storage *b = &gt.p[i].addr;

		if (a->ss_family == AF_INET && b->ss_family == AF_INET)
			n += ((const struct sockaddr_in *)a)->sin_addr.s_addr ==
			     ((const struct sockaddr_in *)b)->sin_addr.s_addr;
		else if (a->ss_family == AF_INET6 && b->ss_family == AF_INET6)
			n += !memcmp(&((const struct sockaddr_in6 *)a)->sin6_addr,
				     &((const struct sockaddr_in6 *)b)->sin6_addr, 16);
	}
	return n;
}

static void accept_some(void)
{
	while (gt.n < GATE_PENDING_MAX) {
		struct pending *p = &gt.p[gt.n];

		p->alen = sizeof(p->addr);
		p->fd = accept4(gt.lfd, (struct sockaddr *)&p->addr, &p->alen,
				SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (p->fd < 0)
			return;
		if (same_ip(&p->addr) >= GATE_PER_IP) {
			close(p->fd);
			continue;
		}
		p->since = now_s();
		p->seen = 0;
		gt.n++;
	}
}

/* look: peeks at pending connection i; true when it is settled (handed
   to MHD, answered or closed) */
static bool look(int i)
{
	struct pending *p = &gt.p[i];
	struct head_verdict v;
	ssize_t n = recv(p->fd, gt.buf, HEAD_MAX + 1, MSG_PEEK | MSG_DONTWAIT);
	size_t end;

	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
		close(p->fd);
		return true;
	}
	if (n < 0 || (size_t)n == p->seen)
		goto wait;
	p->seen = (size_t)n;
	end = head_end(gt.buf, (size_t)n);
	if (end == 0 && (size_t)n <= HEAD_MAX)
		goto wait;
	if (head_check(gt.buf, end ? end : (size_t)n, &v) < 0) {
		answer(p->fd, &v);
		return true;
	}
	/* MHD takes the socket, and closes it even when it refuses it */
	mhd.add_connection(gt.d, p->fd, (struct sockaddr *)&p->addr, p->alen);
	return true;
wait:
	if (now_s() - p->since < GATE_HEAD_TIMEOUT_S)
		return false;
	v = (struct head_verdict){ 408, "head_timeout", "the request head did not arrive "
				   "within 10 s" };
	answer(p->fd, &v);
	return true;
}

static void *gate_main(void *arg)
{
	struct pollfd pf[GATE_PENDING_MAX + 2];

	(void)arg;
	for (;;) {
		int np = 0, partial = 0;

		pf[np++] = (struct pollfd){ gt.wake[0], POLLIN, 0 };
		pf[np++] = (struct pollfd){ gt.n < GATE_PENDING_MAX ? gt.lfd : -1, POLLIN, 0 };
		for (int i = 0; i < gt.n; i++) {
			/* a head seen in part is peeked again on a timer, not on
			   POLLIN, which its unread bytes would keep raising */
			pf[np++] = (struct pollfd){ gt.p[i].seen ? -1 : gt.p[i].fd, POLLIN, 0 };
			partial += gt.p[i].seen > 0;
		}
		if (poll(pf, (nfds_t)np, partial ? GATE_REPEEK_MS : GATE_POLL_MS) < 0 &&
		    errno != EINTR)
			break;
		if (pf[0].revents)
			break;
		if (pf[1].revents)
			accept_some();
		for (int i = gt.n - 1; i >= 0; i--)
			if (look(i))
				drop(i);
	}
	return NULL;
}

int gate_start(struct MHD_Daemon *d, char *err, size_t errlen)
{
	int rc;

	gt.d = d;
	if (pipe2(gt.wake, O_CLOEXEC) < 0)
		return error_set(err, errlen, "cannot create a pipe: %s", strerror(errno));
	rc = pthread_create(&gt.thread, NULL, gate_main, NULL);
	if (rc != 0)
		return error_set(err, errlen, "cannot start the listening thread: %s", strerror(rc));
	gt.running = true;
	return 0;
}

void gate_stop(void)
{
	if (gt.running) {
		if (write(gt.wake[1], "s", 1) < 0) {
			/* the thread is stopping anyway */
		}
		pthread_join(gt.thread, NULL);
		gt.running = false;
	}
	for (int i = 0; i < gt.n; i++)
		close(gt.p[i].fd);
	gt.n = 0;
	if (gt.lfd >= 0)
		close(gt.lfd);
	gt.lfd = -1;
}
