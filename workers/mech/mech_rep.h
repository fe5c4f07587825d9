/* mech_rep.h -- one rep as a mechanism that runs its own reps sees it
   (mech_ops.run_rep: the mpi mechanism), and what a rep measured: the
   record every rep fills, whoever runs it */
#ifndef IPCSCOPE_MECH_REP_H
#define IPCSCOPE_MECH_REP_H

#include <stdbool.h>
#include <stdint.h>

#include "mech/mech.h"
#include "probe/interference.h"
#include "stats/stats.h"

struct worker_usage {
	double user_s, sys_s, util_pct;
	long vol_cs, invol_cs;
	long migrations;               /* pin=none only, else -1 */
	int cpu;                       /* CPU the worker ran on at the end */
};

struct rep_result {
	int rep;                       /* 1-based */
	int round;                     /* the run's round it ran in, 1-based; 0:
					  not run in rounds (its rep stands in) */
	uint64_t count;                /* messages (latency: round trips) */
	uint64_t size;
	double elapsed_s;
	double msgs_per_s, bytes_per_s;
	bool has_latency;
	struct lat_summary lat;        /* one-way = RTT/2, ns */
	struct lat_summary rtt;
	struct histogram hist;         /* of one-way latency */
	struct worker_usage sender, receiver;
	bool has_broker;               /* a third process carried the messages */
	struct worker_usage broker;    /* its CPU over the timed section */
	bool verified;
	uint64_t lost, duplicated, reordered, corrupted;
	uint64_t errors;
	struct mech_granted granted[MECH_MAX_GRANTED];
	int ngranted;
	struct interference interference;  /* what else ran meanwhile */
};

/* One rep for a mechanism that runs it itself: the plain facts the
   harness resolved from the run's params, and its stop and progress. */
struct mech_rep {
	int rep;                       /* 1-based */
	uint64_t size, count, warmup;  /* count 0: run for duration */
	double duration;               /* seconds */
	int mode;                      /* enum bench_mode */
	int verify;
	int cpu[2];                    /* sender, receiver; -1: not pinned */
	double deadline_s;             /* wall-time cap for the rep */
	const char *tmpdir;            /* the run directory */
	void (*progress)(void *ctx, double done);   /* may be NULL */
	void *progress_ctx;
	int (*stopping)(void);         /* 1 once a stop was asked */
};

#endif
