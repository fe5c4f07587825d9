/* compare.h -- ranking the jobs of a run by one metric, each against a
   baseline, with a 95 % confidence interval of the ratio over reps and
   the verdict it supports */
#ifndef IPCSCOPE_COMPARE_H
#define IPCSCOPE_COMPARE_H

#include "out/metric.h"
#include "stats/rank.h"
#include "stats/stats.h"
#include "stats/trust.h"
#include "stats/verdict.h"

struct run;
struct job;

/* enum metric: out/metric.h */

/* a run's comparison: rank_jobs's rows, with each row's job and the
   baseline as indexes in r->jobs */
struct comparison {
	enum metric metric;
	int base;                  /* index in r->jobs */
	int nrows;
	struct rank_row rows[RANK_MAX_ROWS];
};

const char *metric_name(enum metric m);
int metric_higher_is_better(enum metric m);

/* metric_of_run: the metric r is compared by (a demo's own, bytes/s for a
   sweep, one-way p50 in latency mode, else msgs/s) */
enum metric metric_of_run(const struct run *r);

/* metric_unit: "msgs/s", "B/s", "s" or "ns" */
const char *metric_unit(enum metric m);

/* metric_values: the metric of each rep of job j into x (j->nres values) */
void metric_values(const struct job *j, enum metric m, double *x);

/* metric_spread: the metric over the reps of job j */
void metric_spread(const struct job *j, enum metric m, struct spread *s);

/* compare_jobs: every job with a result against the baseline (the one
   the params name, else the best); 0, or -1 when fewer than two ran */
int compare_jobs(const struct run *r, struct comparison *c);

/* compare_settled: every comparison job j of r is in (its row against the
   baseline; as the baseline, every row) has a verdict the stopping rule
   may stop on (verdict_may_stop) over the reps so far, or there is none
   to settle */
bool compare_settled(const struct run *r, const struct job *j);

/* compare_each: the comparisons of r, each handed to fn: none for a
   sweep of several mechanisms (its chart is the comparison), one per size
   and mode for a demo over several (never round trips against a stream),
   else one over every job that has reps; how many */
int compare_each(const struct run *r, void (*fn)(void *ctx, const struct comparison *c),
		 void *ctx);

#endif
