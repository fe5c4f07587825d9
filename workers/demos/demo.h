/* demo.h -- teaching demos: each one file in workers/demos/ and one line in
   the table of demos.c.

   A demo is one of two kinds.

   A list of mechanism jobs (jobs, njobs, metric, lesson): the engine plans
   one job per entry, each with the run's params and the entry's own args
   over them (demo_plan), runs them like a compare (reps interleaved across
   jobs), ranks them by metric (an enum: a metric that does not exist does
   not compile) and hands lesson() what each job measured, in an array
   indexed like jobs, so a lesson names its jobs by index (an enum beside
   the job table), never by label. njobs is DEMO_COUNT(the table).

   An experiment of its own (exp != NULL, see exp.h): the demo declares its
   own params (exp->params, a dparam table: parsed strictly, listed in the
   catalogue) and a chart hint. The engine parses those params from the
   command line (--name value; format and run-id stay the run's), writes
   the start line (demo, title, claim, method, the params as given, chart),
   then calls exp->run(params, out, lesson, len, err, errlen). run writes
   its own progress and point lines through out (exp_begin, exp_progress,
   exp_point_new + exp_emit: each line goes to the run's NDJSON writer, so
   the text/CSV/JSON views and the server's relay see it like any other),
   fills lesson and returns 0, or returns -1 with err; the engine then
   writes the lesson (or error) line and the end line. SIGINT/SIGTERM call
   exp_stop(); a run that sees exp_stopped() returns -1 and the end says
   "cancelled". jobs, njobs, metric and lesson stay empty for this kind. */
#ifndef IPCSCOPE_DEMO_H
#define IPCSCOPE_DEMO_H

#include <stdbool.h>
#include <stddef.h>

#include "out/compare.h"
#include "params/params.h"
#include "stats/stats.h"
#include "stats/verdict.h"
#include "demos/exp.h"

struct run;

#define DEMO_MAX_JOBS 20        /* layers: 5 mechanisms x 2 sizes x 2 modes */

/* One measured configuration of a demo. */
struct demo_job {
	const char *label;        /* what the class sees: "shm sync=mutex" */
	const char *mech;         /* mechanism name */
	const char *args;         /* "name=value ..." set over the run's params */
};

/* What one job measured, handed to the lesson. */
struct demo_outcome {
	const char *label;
	const char *mech;
	int ok;                   /* at least one rep succeeded */
	struct spread fig;        /* the demo's figure over reps */
	double wall_s;            /* median elapsed seconds of a rep */
	double cpu_pct;           /* median sender + receiver CPU, % of a core */
	/* each rep, for the verdicts a lesson's sentences rest on (demo_claim) */
	int nreps;
	double x[PARAMS_REPS_MAX];        /* the demo's figure */
	int round[PARAMS_REPS_MAX];       /* its rep number: reps of one round ran together */
	bool disturbed[PARAMS_REPS_MAX];
	bool higher;              /* a higher figure is better */
	double margin_pct;        /* the job's ci target: a clear difference */
	const char *unit;
};

struct demo {
	const char *name;
	const char *title;
	const char *claim;        /* the claim from the textbooks it tests */
	const char *method;       /* what it runs, one sentence */
	const char *defaults;     /* "name=value ..." defaults for the demo */
	enum metric metric;       /* what its jobs are compared by */
	/* the mechanism its comparison tables take as baseline (the one its
	   lesson and chart compare against), or NULL for the best */
	const char *baseline;
	const struct demo_job *jobs;
	int njobs;                /* DEMO_COUNT(jobs), at most DEMO_MAX_JOBS */
	/* writes two or three sentences computed from the outcomes, o[i] being
	   what jobs[i] measured, each sentence resting on the comparisons it
	   names (demo_claim); why gets the reason the first claim at risk is,
	   or stays "" when every claim holds */
	void (*lesson)(const struct demo_outcome *o, int n, char *buf, size_t len, char *why,
		       size_t whylen);
	/* an experiment of its own instead of jobs (see above), or NULL */
	const struct exp_demo *exp;
};

#define DEMO_COUNT(table) ((int)(sizeof(table) / sizeof((table)[0])))

/* demo_outcome_at: o[job] when that job ran, else NULL */
const struct demo_outcome *demo_outcome_at(const struct demo_outcome *o, int n, int job);

/* demo_claim: the verdict on a against b (v may be NULL); 1 when a
   sentence may rest on it plainly: clear, or can't tell apart within the
   margin, and nothing in the noise could change it; else 0, and the
   reason ("a against b: ...") goes into why when why is still "" */
int demo_claim(const struct demo_outcome *a, const struct demo_outcome *b, struct verdict *v,
	       char *why, size_t whylen);

/* demo_ratio_lesson: "Lowest: ..., highest: ...: a factor of N." over the
   jobs that ran, figures divided by scale and shown in unit; the claim
   rests on highest against lowest (demo_claim, into why) */
void demo_ratio_lesson(const struct demo_outcome *o, int n, char *buf, size_t len,
		       const char *unit, double scale, char *why, size_t whylen);

/* demo_registry: NULL-terminated table of every demo */
extern const struct demo *const demo_registry[];

/* demo_find: the demo called name, or NULL */
const struct demo *demo_find(const char *name);

/* demo_own_params: 1 when the demo called name runs its own experiment
   and takes its own params (exp.h), not bench's */
int demo_own_params(const char *name);

/* demo_param_check: name=value is a valid param of that demo; 0, or -1
   with a message naming the param and its range in err */
int demo_param_check(const char *demo, const char *name, const char *value, char *err,
		     size_t errlen);

/* demo_plan: one job of r per job of r->demo, each with its own params
   over the run's; 0 or -1 with *err */
int demo_plan(struct run *r, struct param_error *err);

/* demo_emit_lesson: the lesson line, computed from what the jobs measured */
void demo_emit_lesson(struct run *r);

/* demo_exp_main: runs r->demo's own experiment with the params in argv
   (argv[0] the demo's name); the exit status: 0 ok, 1 failed or
   cancelled, 2 a bad param */
int demo_exp_main(struct run *r, int argc, char **argv);

#endif
