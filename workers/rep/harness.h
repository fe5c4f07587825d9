/* harness.h -- one rep of one mechanism: fork, pin, warm up, time, verify */
#ifndef IPCSCOPE_HARNESS_H
#define IPCSCOPE_HARNESS_H

#include <stdbool.h>
#include <stdint.h>

#include "probe/interference.h"
#include "mech/mech.h"
#include "stats/stats.h"

struct bench_params;
struct peer_link;

struct worker_usage {
	double user_s, sys_s, util_pct;
	long vol_cs, invol_cs;
	long migrations;               /* pin=none only, else -1 */
	int cpu;                       /* CPU the worker ran on at the end */
};

struct rep_result {
	int rep;                       /* 1-based */
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

/* Called from the waiting parent every ~250 ms with the fraction done. */
typedef void (*harness_progress_fn)(void *ctx, double done);

struct rep_spec {
	const struct mech_ops *ops;
	const struct bench_params *params;
	uint64_t size;                 /* effective size for this rep */
	int rep;
	const char *tmpdir;
	harness_progress_fn progress;
	void *progress_ctx;
	double deadline_s;             /* wall-time cap for the rep */
	struct peer_link *link;        /* cross-host: the other worker runs on
					  the far side of this link; NULL: both
					  are forked here */
};

/* harness_run_rep: runs one rep; 0 with *out filled, or -1 with a
   lowercase message in err (and *code set to a short error code) */
int harness_run_rep(const struct rep_spec *spec, struct rep_result *out,
		    char *err, size_t errlen, const char **code);

/* harness_stop: asks the running rep to stop (signal-safe); the rep ends
   with an error "interrupted" */
void harness_stop(void);

/* harness_stopping: 1 once harness_stop was called */
int harness_stopping(void);

/* harness_timeout_message: why a rep of p overran its deadline_s, and what
   to do about it: a smaller count for a rep of a count; for a rep of a
   duration, that its workers did not stop when the duration was over */
void harness_timeout_message(const struct bench_params *p, double deadline_s, char *err,
			     size_t n);

/* harness_cpu_for: the CPU role is pinned to under p, or -1 */
int harness_cpu_for(const struct bench_params *p, enum mech_role role);

/* harness_warmup_of: messages sent and discarded before timing */
uint64_t harness_warmup_of(const struct bench_params *p, uint64_t size);

#endif
