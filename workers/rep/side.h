/* side.h -- one side of a rep as its timed loops see it: the worker's
   view, its clock and payload check, its CPU account and how it records a
   failure (side.c); shared by the loops and the worker's life */
#ifndef IPCSCOPE_SIDE_H
#define IPCSCOPE_SIDE_H

#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "base/error.h"
#include "rep/rep_spec.h"
#include "rep/harness_int.h"
#include "rep/payload.h"

#define NPATTERNS 2
/* A stream sender of messages up to SEND_AHEAD_MAX bytes rotates through
   SEND_BUFS copies of the two patterns and writes each sequence number
   SEND_AHEAD messages before it sends it: a store right before the copy
   that reads it back stalls the copy's wide loads (store forwarding), 4-6
   ns a message here, which at 64 B was a third of the ring's whole cost. */
#define SEND_BUFS 4
#define SEND_AHEAD (SEND_BUFS - 1)
#define SEND_AHEAD_MAX 4096
#define PROGRESS_EVERY 1024     /* the receiver publishes its count this often */
#define NS_PER_S 1000000000ull

/* Per-worker view: everything the loops need, nothing shared. */
struct worker {
	struct mech m;
	struct ctl *ctl;
	const struct rep_spec *spec;
	enum mech_role role;
	uint64_t warmup, count;        /* count 0: run for duration */
	int cpu;                       /* -1: not pinned */
	int start_fd, ready_fd, go_fd; /* barrier pipes */
	int thread;                    /* running as a thread (threads mech) */
	unsigned char *pat[NPATTERNS];
	unsigned char *send_buf[SEND_BUFS];  /* a stream sender's, up to SEND_AHEAD_MAX */
	unsigned char *rbuf;
};


static inline uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * NS_PER_S + (uint64_t)ts.tv_nsec;
}

static inline int payload_ok(const struct worker *w, const unsigned char *buf, uint64_t seq)
{
	size_t size = w->m.msg_size;

	return size <= 8 || memcmp(buf + 8, w->pat[seq & 1] + 8, size - 8) == 0;
}

/* A point in a worker's CPU account: rusage for the user/system split and
   context switches, the CPU-time clock for a precise total (rusage is
   tick-grained, too coarse for short reps). */
struct usage_mark {
	long migrations;               /* -1: not counted */
	struct rusage ru;
	uint64_t cpu_ns;
};

/* side_usage_snapshot, side_usage_finish: the worker's CPU account at the
   start of the timed section, and its difference at the end into its
   worker_out */
void side_usage_snapshot(const struct worker *w, struct usage_mark *u);
void side_usage_finish(struct worker *w, const struct usage_mark *a, uint64_t t0, uint64_t t1);

/* side_broker_mark: the broker's CPU account at the start (0) or the end (1)
   of the timed section, taken by the worker that starts or ends it */
void side_broker_mark(struct worker *w, int end);

/* side_fail: records a failed step (its kind, what, -errno rc) in the
   worker's out, the kind as its code (error_kind_name), and asks the rep
   to stop; returns -1 */
int side_fail(struct worker *w, enum error_kind kind, const char *what, int rc);

#endif
