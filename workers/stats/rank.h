/* rank.h -- jobs ranked against a baseline by one figure: each job's
   spread over its reps, its ratio of medians to the baseline's, and the
   verdict on that ratio. Pure computation over the figures per rep; what
   the figures are and how a comparison is written is out/compare's. */
#ifndef IPCSCOPE_RANK_H
#define IPCSCOPE_RANK_H

#include <stdbool.h>

#include "stats/stats.h"
#include "stats/verdict.h"

/* the most jobs one ranking holds */
#define RANK_MAX_ROWS 32

/* rank_jobs's baseline when none is named: the job of the best median */
#define RANK_BEST (-1)

/* one job as it is ranked: its figure per rep, rounds, disturbed reps and
   label (a verdict's side), and the margin its verdicts use as baseline */
struct rank_job {
	struct verdict_side side;
	double margin_pct;         /* verdict_judge's, when this is the baseline */
};

struct rank_row {
	int job;                   /* index in the jobs ranked */
	struct spread fig;         /* the figure over the job's reps */
	double ratio;              /* of the medians, against the baseline */
	struct verdict v;          /* the interval of the ratio and its verdict
				      (left zero for the baseline's row) */
	int significant;           /* the interval excludes 1 and the noise
				      cannot change that */
};

struct ranking {
	int base;                  /* index in the jobs ranked */
	int nrows;
	struct rank_row rows[RANK_MAX_ROWS];
};

/* rank_jobs: the first RANK_MAX_ROWS of jobs[0..n) each against the
   baseline (an index, or RANK_BEST: the best median, the first of equal
   ones); higher: a higher figure is better; unit: the figure's, for the
   verdicts' words. 0, or -1 with fewer than two jobs or no such baseline */
int rank_jobs(const struct rank_job *jobs, int n, int baseline, bool higher, const char *unit,
	      struct ranking *out);

#endif
