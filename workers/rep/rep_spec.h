/* rep_spec.h -- one rep to run: what the harness, its workers and its
   cross-host link are handed (the record it fills is mech/mech_rep.h's) */
#ifndef IPCSCOPE_REP_SPEC_H
#define IPCSCOPE_REP_SPEC_H

#include <stdint.h>

#include "mech/mech_rep.h"

struct bench_params;
struct peer_link;

/* Called from the waiting parent every ~250 ms with the fraction done. */
typedef void (*harness_progress_fn)(void *ctx, double done);

struct rep_spec {
	const struct mech_ops *ops;
	const struct bench_params *params; /* params->size: the rep's size */
	int rep;
	const char *tmpdir;
	harness_progress_fn progress;
	void *progress_ctx;
	double deadline_s;             /* wall-time cap for the rep */
	struct peer_link *link;        /* cross-host: the other worker runs on
					  the far side of this link; NULL: both
					  are forked here */
};

#endif
