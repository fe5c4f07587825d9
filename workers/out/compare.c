/* compare.c -- a run's jobs ranked by one metric against a baseline: the
   metric's figures taken from the jobs' reps, ranked by stats/rank */
#include "out/compare.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "out/run_record.h"

static const char *const metric_names[METRIC__COUNT] = {
	[METRIC_MSGS_PER_S] = "msgs_per_s",
	[METRIC_BYTES_PER_S] = "bytes_per_s",
	[METRIC_ELAPSED_S] = "elapsed_s",
	[METRIC_LATENCY_P50_NS] = "latency_p50_ns",
};

const char *metric_name(enum metric m)
{
	return (unsigned)m < METRIC__COUNT ? metric_names[m] : "?";
}

int metric_higher_is_better(enum metric m)
{
	return m != METRIC_ELAPSED_S && m != METRIC_LATENCY_P50_NS;
}

enum metric metric_of_run(const struct run *r)
{
	if (r->about.name)
		return r->about.metric;
	if (r->p.cmd == CMD_SWEEP)
		return METRIC_BYTES_PER_S;
	return r->p.mode == MODE_LATENCY ? METRIC_LATENCY_P50_NS : METRIC_MSGS_PER_S;
}

static double figure(const struct rep_result *res, enum metric m)
{
	switch (m) {
	case METRIC_BYTES_PER_S: return res->bytes_per_s;
	case METRIC_ELAPSED_S: return res->elapsed_s;
	case METRIC_LATENCY_P50_NS: return res->lat.p50;
	default: return res->msgs_per_s;
	}
}

const char *metric_unit(enum metric m)
{
	switch (m) {
	case METRIC_LATENCY_P50_NS: return "ns";
	case METRIC_ELAPSED_S: return "s";
	case METRIC_BYTES_PER_S: return "B/s";
	default: return "msgs/s";
	}
}

void metric_values(const struct job *j, enum metric m, double *x)
{
	for (int i = 0; i < j->nres; i++)
		x[i] = figure(&j->res[i], m);
}

void metric_spread(const struct job *j, enum metric m, struct spread *s)
{
	double x[PARAMS_REPS_MAX];

	metric_values(j, m, x);
	stats_spread(x, j->nres, s);
}

/* side_of: job j's figure per rep, its rounds and which reps were
   disturbed, as a side of a verdict */
static void side_of(const struct job *j, enum metric m, double *x, int *round, bool *bad,
		    struct verdict_side *s)
{
	metric_values(j, m, x);
	for (int i = 0; i < j->nres; i++) {
		round[i] = j->res[i].round ? j->res[i].round : j->res[i].rep;
		bad[i] = trust_disturbed(&j->res[i].interference);
	}
	*s = (struct verdict_side){ .name = run_job_name(j), .x = x, .round = round,
				    .disturbed = bad, .n = j->nres };
}

/* same_group: job j is of like's size and mode (like NULL: every job is) */
static int same_group(const struct job *j, const struct job *like)
{
	return !like || (j->p.size == like->p.size && j->p.mode == like->p.mode);
}

/* compare_at: compare_jobs over the jobs of like's size and mode only
   (like NULL: every job): the jobs with reps handed to rank_jobs, the
   baseline the last of the mechanism the params name (else the best),
   and the rows' jobs mapped back to r->jobs */
static int compare_at(const struct run *r, struct comparison *c, const struct job *like)
{
	static _Thread_local double x[RANK_MAX_ROWS][PARAMS_REPS_MAX];
	static _Thread_local int round[RANK_MAX_ROWS][PARAMS_REPS_MAX];
	static _Thread_local bool bad[RANK_MAX_ROWS][PARAMS_REPS_MAX];
	struct rank_job in[RANK_MAX_ROWS];
	int id[RANK_MAX_ROWS], n = 0, base = RANK_BEST;
	struct ranking rk;

	memset(c, 0, sizeof(*c));
	c->metric = metric_of_run(r);
	for (int i = 0; i < r->njobs && n < RANK_MAX_ROWS; i++) {
		const struct job *j = &r->jobs[i];

		if (!j->nres || !same_group(j, like))
			continue;
		side_of(j, c->metric, x[n], round[n], bad[n], &in[n].side);
		in[n].margin_pct = j->p.ci;
		if (r->p.baseline[0] && !strcmp(j->ops->name, r->p.baseline))
			base = n;
		id[n++] = i;
	}
	if (r->p.baseline[0] && base == RANK_BEST)
		return -1;
	if (rank_jobs(in, n, base, metric_higher_is_better(c->metric), metric_unit(c->metric),
		      &rk) < 0)
		return -1;
	c->base = id[rk.base];
	c->nrows = rk.nrows;
	for (int i = 0; i < rk.nrows; i++) {
		c->rows[i] = rk.rows[i];
		c->rows[i].job = id[rk.rows[i].job];
	}
	return 0;
}

int compare_jobs(const struct run *r, struct comparison *c)
{
	return compare_at(r, c, NULL);
}

/* demo_groups: the first job of each distinct size and mode of a demo's
   jobs into groups (room for max); how many */
static int demo_groups(const struct run *r, const struct job **groups, int max)
{
	int n = 0, k;

	for (int i = 0; r->about.name && i < r->njobs && n < max; i++) {
		for (k = 0; k < n && !same_group(&r->jobs[i], groups[k]); k++)
			;
		if (k == n)
			groups[n++] = &r->jobs[i];
	}
	return n;
}

bool compare_settled(const struct run *r, const struct job *j)
{
	const struct job *groups[RANK_MAX_ROWS];
	struct comparison c;
	int self = (int)(j - r->jobs);

	if (r->p.cmd == CMD_SWEEP && r->p.nmechs > 1)
		return true;
	if (compare_at(r, &c, demo_groups(r, groups, RANK_MAX_ROWS) > 1 ? j : NULL) < 0)
		return true;
	for (int i = 0; i < c.nrows; i++) {
		const struct rank_row *row = &c.rows[i];

		if (row->job == c.base || (row->job != self && c.base != self))
			continue;
		if (!verdict_may_stop(&row->v, r->jobs[c.base].p.ci))
			return false;
	}
	return true;
}

int compare_each(const struct run *r, void (*fn)(void *ctx, const struct comparison *c),
		 void *ctx)
{
	struct comparison c;
	const struct job *groups[RANK_MAX_ROWS];
	int n;

	/* a sweep of several mechanisms has no one baseline to rank its
	   mechanism-and-size jobs against: its chart is the comparison */
	if (r->p.cmd == CMD_SWEEP && r->p.nmechs > 1)
		return 0;
	/* a demo over several sizes (crossover) or modes (layers) compares
	   mechanisms at the same size and mode only, never round trips
	   against a stream: one comparison line each */
	if ((n = demo_groups(r, groups, RANK_MAX_ROWS)) > 1) {
		int done = 0;

		for (int k = 0; k < n; k++)
			if (compare_at(r, &c, groups[k]) == 0) {
				fn(ctx, &c);
				done++;
			}
		return done;
	}
	if (compare_jobs(r, &c) < 0)
		return 0;
	fn(ctx, &c);
	return 1;
}
