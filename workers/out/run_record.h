/* run_record.h -- one run of the engine as a record: its plan (a list of
   jobs), what each job measured, and what its lines say of it; filled by
   the runner (run/), read by the comparison and the writers here */
#ifndef IPCSCOPE_RUN_RECORD_H
#define IPCSCOPE_RUN_RECORD_H

#include <cjson/cJSON.h>

#include "out/metric.h"
#include "out/report.h"
#include "params/params.h"
#include "probe/platform.h"
#include "rep/rep_spec.h"
#include "stats/trust.h"

struct demo;
struct peer_link;

/* What the start and lesson lines say of a demo's run (name NULL: not a
   demo's), and the figure its jobs are compared by. */
struct run_about {
	const char *name, *title, *claim, *method;
	enum metric metric;
};

#define RUN_LABEL_MAX 64
#define RUN_TMPDIR_MAX 512
#define RUN_ERR_MAX 256

struct demo;
struct peer_link;

/* One mechanism at one size with its params: reps of it make a job. */
struct job {
	const struct mech_ops *ops;
	struct bench_params p;         /* its params: p.size is the job's size */
	char label[RUN_LABEL_MAX];     /* demos: what the class sees; else "" */
	struct rep_result *res;        /* p.reps slots, made when the job runs */
	int nres;                      /* reps that succeeded */
	int failed;                    /* a rep failed: no more of this job */
	struct trust trust;            /* of its reps, once they are all in */
};

struct run {
	struct bench_params p;
	struct report out;
	const char *id;
	struct job *jobs;              /* the plan, in the order they run */
	int njobs, maxjobs;
	double t0;
	double last_pause;             /* run_now_s() after the last gap */
	int done_reps, total_reps;
	const struct job *cur;         /* the job running now, for progress */
	int cur_rep;
	const struct demo *demo;       /* a demo's run: the demo (demos/) */
	struct run_about about;        /* and what its lines say of it */
	/* a demo's run: its jobs, planned over the run's params (set with
	   demo: the runner calls it, knowing no demo) */
	int (*plan)(struct run *r, struct param_error *err);
	char tmpdir[RUN_TMPDIR_MAX];
	struct peer_link *link;        /* peer=: the control connection, else NULL */
	cJSON *peer_info;              /* both hosts and the path, for the start line */
	struct platform_check platform; /* against the last run, once the reps ran */
};

/* run_job_name: what a job is called in lines and tables: its label, else
   its mechanism */
static inline const char *run_job_name(const struct job *j)
{
	return j->label[0] ? j->label : j->ops->name;
}

#endif
