/* plan.c -- a demo's jobs planned over the run's params, and its lesson assembled */
#include "demos/demo.h"

#include <stdio.h>
#include <string.h>

#include "out/ndjson.h"
#include "run/runner.h"

#define LESSON_MAX 2048

int demo_plan(struct run *r, struct param_error *err)
{
	if (r->demo->njobs > DEMO_MAX_JOBS) {
		return param_error_set(err, "", "demo %s has %d jobs, more than %d", r->demo->name,
				       r->demo->njobs, DEMO_MAX_JOBS);
	}
	for (int i = 0; i < r->demo->njobs; i++) {
		const struct demo_job *dj = &r->demo->jobs[i];
		const struct mech_ops *ops = mech_find(dj->mech);
		struct job *j;

		if (!ops || !(j = run_add_job(r, ops, r->p.size)))
			return -1;
		snprintf(j->label, sizeof(j->label), "%s", dj->label);
		j->p.cmd = CMD_BENCH;
		j->p.nmechs = 1;
		snprintf(j->p.mechs[0], sizeof(j->p.mechs[0]), "%s", dj->mech);
		if (run_apply_args(&j->p, dj->args, 1, err) < 0 || params_finish(&j->p, err) < 0)
			return -1;
		j->p.size = params_effective_size(&j->p, ops);
	}
	/* after the jobs: each job's own params hold its one mechanism */
	if (r->demo->baseline)
		snprintf(r->p.baseline, sizeof(r->p.baseline), "%s", r->demo->baseline);
	return 0;
}

/* outcome_of: what job j measured, as its lesson reads it */
static void outcome_of(const struct job *j, enum metric m, struct demo_outcome *o)
{
	double wall[PARAMS_REPS_MAX], cpu[PARAMS_REPS_MAX];
	struct spread w, c;

	memset(o, 0, sizeof(*o));
	o->label = j->label;
	o->mech = j->ops->name;
	o->ok = j->nres > 0;
	if (!o->ok)
		return;
	metric_spread(j, m, &o->fig);
	for (int k = 0; k < j->nres; k++) {
		wall[k] = j->res[k].elapsed_s;
		cpu[k] = j->res[k].sender.util_pct + j->res[k].receiver.util_pct;
	}
	stats_spread(wall, j->nres, &w);
	stats_spread(cpu, j->nres, &c);
	o->wall_s = w.median;
	o->cpu_pct = c.median;
	metric_values(j, m, o->x);
	o->nreps = j->nres;
	for (int k = 0; k < j->nres; k++) {
		o->round[k] = j->res[k].rep;
		o->disturbed[k] = trust_disturbed(&j->res[k].interference);
	}
	o->higher = metric_higher_is_better(m);
	o->margin_pct = j->p.ci;
	o->unit = metric_unit(m);
}

void demo_emit_lesson(struct run *r)
{
	struct demo_outcome o[DEMO_MAX_JOBS];
	char text[LESSON_MAX], why[VERDICT_WHY_LEN + 2 * RUN_LABEL_MAX];

	for (int i = 0; i < r->njobs && i < DEMO_MAX_JOBS; i++)
		outcome_of(&r->jobs[i], r->demo->metric, &o[i]);
	why[0] = '\0';
	/* the caution rests on the claims the lesson states, never on a
	   job's own precision */
	r->demo->lesson(o, r->njobs, text, sizeof(text), why, sizeof(why));
	exp_caveat(text, sizeof(text), why);
	ndjson_lesson(r, text, why);
}
