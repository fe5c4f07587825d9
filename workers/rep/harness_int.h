/* harness_int.h -- what the harness's processes share; for the harness and its cross-host link only */
#ifndef IPCSCOPE_HARNESS_INT_H
#define IPCSCOPE_HARNESS_INT_H

#include <stdatomic.h>
#include <stdint.h>
#include <sys/types.h>

#include "rep/broker.h"
#include "rep/rep_spec.h"

/* What each worker hands back to the parent through shared memory. */
struct worker_out {
	int failed;
	char err[160];
	const char *code;
	uint64_t received;             /* receiver: messages taken in */
	uint64_t lost, duplicated, reordered, corrupted, errors;
	uint64_t t_start_ns, t_end_ns; /* timed section on CLOCK_MONOTONIC */
	struct worker_usage use;
	struct lat_summary lat, rtt;
	struct histogram hist;
};

/* Shared between the parent and both workers (MAP_SHARED anonymous). */
struct ctl {
	_Alignas(64) _Atomic uint64_t progress;  /* receiver's count, batched */
	_Alignas(64) _Atomic uint64_t total;     /* messages incl. warm-up */
	_Atomic int sender_done;
	_Atomic int stop;
	pid_t pid[2];
	struct worker_out out[2];                /* by enum mech_role */
	struct broker_mark broker[2];            /* at the timed section's
						    start and end */
};

#endif
