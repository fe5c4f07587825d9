/* http_stream.c -- a run's NDJSON, live, to one client */
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "http_reply.h"
#include "http_stream.h"

#define STREAM_BLOCK 16384         /* bytes MHD asks the reader for at most */
#define STREAM_POLL_MS 200         /* how often a waiting stream checks its client */
#define STREAM_HEARTBEAT_S 1.0     /* quiet time before a heartbeat line */
#define HEARTBEAT "{\"type\":\"heartbeat\"}\n"

struct stream {
	struct server_run *run;
	size_t off;
	int fd;                    /* the client's socket, to notice hang-ups */
	bool owner;
	bool probe;                /* the client sent FIN: find out if it is gone */
	struct timespec last;      /* last bytes sent */
};

/* Streams still being sent, so a stopping server can let their end lines out. */
static pthread_mutex_t streams_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t streams_cv = PTHREAD_COND_INITIALIZER;
static int streams_open;

static double since(const struct timespec *t)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t->tv_sec) + (now.tv_nsec - t->tv_nsec) / 1e9;
}

/*
 * client_gone: the client closed its socket. A FIN alone (POLLRDHUP) may be
 * a half-close, a client that still reads: it asks for a probe instead,
 * a heartbeat at once, which a closed socket answers with a reset
 * (POLLHUP/POLLERR on the next look).
 */
static bool client_gone(struct stream *s)
{
	struct pollfd pf = { s->fd, POLLRDHUP, 0 };
	if (s->fd < 0 || poll(&pf, 1, 0) <= 0)
		return false;
	if (pf.revents & (POLLHUP | POLLERR | POLLNVAL))
		return true;
	if (pf.revents & POLLRDHUP)
		s->probe = true;
	return false;
}

static ssize_t heartbeat(struct stream *s, char *buf)
{
	memcpy(buf, HEARTBEAT, sizeof(HEARTBEAT) - 1);
	clock_gettime(CLOCK_MONOTONIC, &s->last);
	return (ssize_t)(sizeof(HEARTBEAT) - 1);
}

/* stream_read: MHD's content reader, in this connection's own thread: it
   blocks on the run's condition variable (never spins), sends a heartbeat
   after a quiet second, and ends the stream after the end line */
static ssize_t stream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct stream *s = cls;
	bool fin_seen = s->probe;

	(void)pos;
	for (;;) {
		ssize_t n;

		/* first, so a probe sent by the last call is answered at once */
		if (client_gone(s)) {
			if (s->owner)
				runs_cancel(s->run);
			return MHD_CONTENT_READER_END_WITH_ERROR;
		}
		n = runs_read(s->run, s->off, buf, max, STREAM_POLL_MS);
		if (n < 0)
			return MHD_CONTENT_READER_END_OF_STREAM;
		if (n > 0) {
			s->off += (size_t)n;
			clock_gettime(CLOCK_MONOTONIC, &s->last);
			return n;
		}
		if (client_gone(s))
			continue;
		if (max < sizeof(HEARTBEAT) - 1)
			continue;
		if ((s->probe && !fin_seen) || since(&s->last) >= STREAM_HEARTBEAT_S)
			return heartbeat(s, buf);
	}
}

static void streams_add(int d)
{
	pthread_mutex_lock(&streams_mu);
	streams_open += d;
	pthread_cond_broadcast(&streams_cv);
	pthread_mutex_unlock(&streams_mu);
}

void stream_drain(int ms)
{
	struct timespec ts = clock_after(CLOCK_REALTIME, ms);

	pthread_mutex_lock(&streams_mu);
	while (streams_open > 0)
		if (pthread_cond_timedwait(&streams_cv, &streams_mu, &ts) != 0)
			break;
	pthread_mutex_unlock(&streams_mu);
}

static void stream_free(void *cls)
{
	struct stream *s = cls;

	runs_unref(s->run);
	free(s);
	streams_add(-1);
}

enum MHD_Result stream_answer(struct MHD_Connection *c, struct server_run *r, bool owner)
{
	const union MHD_ConnectionInfo *ci =
		mhd.get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
	struct stream *s = calloc(1, sizeof(*s));
	struct MHD_Response *resp = NULL;
	enum MHD_Result ret;

	if (!s)
		goto fail;
	s->run = r;
	s->owner = owner;
	s->fd = ci ? ci->connect_fd : -1;
	clock_gettime(CLOCK_MONOTONIC, &s->last);
	resp = mhd.create_response_from_callback(MHD_SIZE_UNKNOWN, STREAM_BLOCK, stream_read, s,
						 stream_free);
	if (!resp)
		goto fail;
	streams_add(1);
	mhd.add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, "application/x-ndjson");
	mhd.add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	mhd.add_response_header(resp, "X-Accel-Buffering", "no");
	mhd.add_response_header(resp, "X-Run-Id", run_id(r));
	reply_headers(c, resp);
	ret = mhd.queue_response(c, MHD_HTTP_OK, resp);
	mhd.destroy_response(resp);
	return ret;
fail:
	if (owner)
		runs_cancel(r);
	runs_unref(r);
	free(s);
	return MHD_NO;
}
