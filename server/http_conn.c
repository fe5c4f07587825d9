/* http_conn.c -- connections: TCP_NODELAY, and a deadline for each request head
 *
 * MHD's connection timeout counts idle time, so a client that sends one
 * header byte a second keeps a connection (and its thread) for ever. A
 * watch thread shuts the socket of every connection whose request head
 * is not complete CONN_HEAD_TIMEOUT_S after it began waiting for it.
 */
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "http_conn.h"

#define CONN_WATCH_PERIOD_S 1

struct conn {
	int fd;
	bool in_request;           /* head arrived, request not yet completed */
	time_t waiting_since;      /* monotonic seconds */
	struct conn *prev, *next;
};

static struct {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct conn *head;
	pthread_t thread;
	bool running, stop;
} w = { .mu = PTHREAD_MUTEX_INITIALIZER };

static time_t now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

static struct conn *conn_of(struct MHD_Connection *c)
{
	const union MHD_ConnectionInfo *ci =
		mhd.get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);

	return ci ? ci->socket_context : NULL;
}

static void track(struct MHD_Connection *c, void **socket_context)
{
	const union MHD_ConnectionInfo *ci =
		mhd.get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
	struct conn *k = calloc(1, sizeof(*k));
	int one = 1;

	if (!ci) {
		free(k);
		k = NULL;
		goto out;
	}
	/* small answers go out in two writes (head, body); without
	   TCP_NODELAY the second waits for the client's delayed ACK */
	setsockopt(ci->connect_fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (!k)
		goto out;
	k->fd = ci->connect_fd;
	k->waiting_since = now_s();
	pthread_mutex_lock(&w.mu);
	k->next = w.head;
	if (w.head)
		w.head->prev = k;
	w.head = k;
	pthread_mutex_unlock(&w.mu);
out:
	*socket_context = k;
}

/* untrack: runs before MHD closes the socket, so the watch never shuts
   a descriptor number that was given to someone else */
static void untrack(void **socket_context)
{
	struct conn *k = *socket_context;

	if (!k)
		return;
	pthread_mutex_lock(&w.mu);
	if (k->prev)
		k->prev->next = k->next;
	else
		w.head = k->next;
	if (k->next)
		k->next->prev = k->prev;
	pthread_mutex_unlock(&w.mu);
	free(k);
	*socket_context = NULL;
}

void conn_notify(void *cls, struct MHD_Connection *c, void **socket_context,
		 enum MHD_ConnectionNotificationCode code)
{
	(void)cls;
	if (code == MHD_CONNECTION_NOTIFY_STARTED)
		track(c, socket_context);
	else if (code == MHD_CONNECTION_NOTIFY_CLOSED)
		untrack(socket_context);
}

static void set_in_request(struct MHD_Connection *c, bool in)
{
	struct conn *k = conn_of(c);

	if (!k)
		return;
	pthread_mutex_lock(&w.mu);
	k->in_request = in;
	k->waiting_since = now_s();
	pthread_mutex_unlock(&w.mu);
}

void conn_head_done(struct MHD_Connection *c)
{
	set_in_request(c, true);
}

void conn_request_done(struct MHD_Connection *c)
{
	set_in_request(c, false);
}

static void *watch_main(void *arg)
{
	struct timespec ts;

	(void)arg;
	pthread_mutex_lock(&w.mu);
	while (!w.stop) {
		time_t now = now_s();

		for (struct conn *k = w.head; k; k = k->next) {
			if (!k->in_request && now - k->waiting_since >= CONN_HEAD_TIMEOUT_S) {
				shutdown(k->fd, SHUT_RDWR);
				k->waiting_since = now;   /* once is enough */
			}
		}
		clock_gettime(CLOCK_MONOTONIC, &ts);
		ts.tv_sec += CONN_WATCH_PERIOD_S;
		pthread_cond_timedwait(&w.cv, &w.mu, &ts);
	}
	pthread_mutex_unlock(&w.mu);
	return NULL;
}

int conn_watch_start(char *err, size_t errlen)
{
	pthread_condattr_t ca;
	int rc;

	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&w.cv, &ca);
	pthread_condattr_destroy(&ca);
	rc = pthread_create(&w.thread, NULL, watch_main, NULL);
	if (rc != 0) {
		snprintf(err, errlen, "cannot start the connection watch: %s", strerror(rc));
		return -1;
	}
	w.running = true;
	return 0;
}

void conn_watch_stop(void)
{
	if (!w.running)
		return;
	pthread_mutex_lock(&w.mu);
	w.stop = true;
	pthread_cond_signal(&w.cv);
	pthread_mutex_unlock(&w.mu);
	pthread_join(w.thread, NULL);
	w.running = false;
}
