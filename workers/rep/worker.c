/* worker.c -- a worker's life (pinned, barrier, open, loop, close) */
#include "rep/worker.h"
#include "rep/loops.h"

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "rep/broker.h"
#include "probe/interference.h"
#include "params/params.h"

void worker_pin_self(int cpu)
{
	cpu_set_t set;

	if (cpu < 0)
		return;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);  /* the calling thread */
}

int worker_read_byte(int fd)
{
	char b;
	ssize_t n;

	do
		n = read(fd, &b, 1);
	while (n < 0 && errno == EINTR);
	return n == 1 ? 0 : -1;
}

void worker_write_byte(int fd)
{
	char b = 1;

	while (write(fd, &b, 1) < 0 && errno == EINTR)
		;
}

static int worker_alloc(struct worker *w)
{
	size_t size = w->m.msg_size;

	for (int k = 0; k < NPATTERNS; k++) {
		if (!(w->pat[k] = malloc(size)))
			return -1;
		payload_fill(w->pat[k], size, k);
	}
	/* only a stream sender writes ahead (loop_stream_send) */
	for (int k = 0; w->role == ROLE_SENDER && w->spec->params->mode != MODE_LATENCY &&
	     size <= SEND_AHEAD_MAX && k < SEND_BUFS; k++) {
		if (!(w->send_buf[k] = malloc(size)))
			return -1;
		payload_fill(w->send_buf[k], size, k % NPATTERNS);
	}
	return (w->rbuf = calloc(1, size)) ? 0 : -1;
}

static void worker_free(struct worker *w)
{
	for (int k = 0; k < NPATTERNS; k++)
		free(w->pat[k]);
	for (int k = 0; k < SEND_BUFS; k++)
		free(w->send_buf[k]);
	free(w->rbuf);
}

/* DRAIN_WAIT_MS: how long a sender waits for its receiver to have every
   message before closing (mech_ops.drain_before_close); past it the
   harness's own limits take over */
#define DRAIN_WAIT_MS 10000
#define DRAIN_POLL_US 1000

/* await_drain: a stream sender whose mechanism may drop a backlog at close
   waits until the receiver has taken every message (its final progress),
   the rep was stopped, or DRAIN_WAIT_MS passed */
static void await_drain(struct worker *w)
{
	struct ctl *c = w->ctl;
	uint64_t t0 = now_ns();

	if (!w->m.ops->drain_before_close || w->role != ROLE_SENDER || w->spec->link ||
	    w->spec->params->mode == MODE_LATENCY)
		return;
	while (atomic_load(&c->progress) < atomic_load(&c->total) && !atomic_load(&c->stop) &&
	       now_ns() - t0 < (uint64_t)DRAIN_WAIT_MS * 1000000ull)
		usleep(DRAIN_POLL_US);
}

/* worker_run: the life of one worker; 0 on success */
int worker_run(struct worker *w)
{
	int rc = -1;

	worker_pin_self(w->cpu);
	if (worker_read_byte(w->start_fd) < 0)
		return -1;
	w->m.peer_pid = w->ctl->pid[w->role == ROLE_SENDER ? ROLE_RECEIVER : ROLE_SENDER];
	w->m.role = w->role;
	if (worker_alloc(w) < 0) {
		side_fail(w, ERR_NO_MEMORY, "allocating buffers", -ENOMEM);
		worker_write_byte(w->ready_fd);
		goto out;
	}
	if ((rc = w->m.ops->open(&w->m, w->role)) < 0) {
		side_fail(w, ERR_OPEN_FAILED, "open", rc);
		worker_write_byte(w->ready_fd);
		goto out;
	}
	worker_write_byte(w->ready_fd);
	if (worker_read_byte(w->go_fd) < 0 || atomic_load(&w->ctl->stop)) {
		rc = -1;
		goto close;
	}
	if (w->spec->params->mode == MODE_LATENCY)
		rc = w->role == ROLE_SENDER ? loop_latency_send(w) : loop_latency_echo(w);
	else
		rc = w->role == ROLE_SENDER ? loop_stream_send(w) : loop_stream_recv(w);
	if (rc == 0)
		await_drain(w);
close:
	w->m.ops->close(&w->m);
out:
	worker_free(w);
	return rc;
}

void *worker_thread(void *arg)
{
	return (void *)(intptr_t)worker_run(arg);
}

