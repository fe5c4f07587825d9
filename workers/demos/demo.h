/* demo.h -- teaching demos: a table of experiments, each a list of runs and
   a lesson computed from what they measured */
#ifndef IPCSCOPE_DEMO_H
#define IPCSCOPE_DEMO_H

#include <stddef.h>

#include "../compare.h"
#include "../params.h"
#include "../stats.h"

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
};

struct demo {
	const char *name;
	const char *title;
	const char *claim;        /* the claim from the textbooks it tests */
	const char *method;       /* what it runs, one sentence */
	const char *defaults;     /* "name=value ..." defaults for the demo */
	enum metric metric;       /* what its jobs are compared by */
	int njobs;
	struct demo_job jobs[DEMO_MAX_JOBS];
	/* writes two or three sentences computed from the outcomes */
	void (*lesson)(const struct demo_outcome *o, int n, char *buf, size_t len);
};

/* demo_registry: NULL-terminated table of every demo */
extern const struct demo *const demo_registry[];

/* demo_find: the demo called name, or NULL */
const struct demo *demo_find(const char *name);

/* demo_plan: one job of r per job of r->demo, each with its own params
   over the run's; 0 or -1 with *err */
int demo_plan(struct run *r, struct param_error *err);

/* demo_emit_lesson: the lesson line, computed from what the jobs measured */
void demo_emit_lesson(struct run *r);

#endif
