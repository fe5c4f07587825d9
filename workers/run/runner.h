/* runner.h -- one run of the engine: its plan (a list of jobs), the runner over
   reps x jobs, and what each job measured. Internal to workers/. */
#ifndef IPCSCOPE_RUNNER_H
#define IPCSCOPE_RUNNER_H

#include <cjson/cJSON.h>

#include "out/run_record.h"
#include "rep/harness.h"

/* Outcome of a rep and of a run. */
enum run_status { RUN_OK, RUN_FAILED, RUN_CANCELLED };

/* run_install_signals: SIGINT, SIGTERM and SIGHUP stop the running rep,
   and whatever else registered a stop hook (base/stop.h: a demo's
   experiment does); the run then ends "cancelled"; SIGPIPE is ignored */
void run_install_signals(void);

/* run_now_s: monotonic seconds */
double run_now_s(void);

/* run_add_job: appends a job of ops at size with the run's params; the
   job, or NULL (plan full or out of memory) */
struct job *run_add_job(struct run *r, const struct mech_ops *ops, uint64_t size);

/* run_apply_args: sets each "name=value" of args on p; with override a
   value the user gave is replaced, else kept; 0 or -1 with *err */
int run_apply_args(struct bench_params *p, const char *args, int override,
		   struct param_error *err);

/* run_plan: the jobs of r (bench, compare, sweep, or the demo's); the
   mechanisms an implicit "every mechanism" compare leaves out go into
   skipped; 0 or -1 with a message in err */
int run_plan(struct run *r, cJSON *skipped, char *err, size_t errlen);

/* run_probe_granted: what the kernel gives each planned mechanism, by a
   create and destroy outside any timing (a new object) */
cJSON *run_probe_granted(const struct run *r);

/* run_rounds: rep 1 of every job, then rep 2 of every job, and so on, so
   that a machine drifting under the run hits every job alike; a job stops
   at its ci target or its maximum, a failed bench stops the run, a cancel
   stops everything; then the summary of every job that ran */
enum run_status run_rounds(struct run *r);

/* run_finish: frees the plan, removes the run directory, closes the output */
void run_finish(struct run *r);

/* platform_run_check (platform_check.c): after the reps of r: its line round trips (the median
   of its first reps per CPU pair: whole rounds until at least 3) against the last run's into pc (the pair that
   says most: a move, else a baseline), and its own (the median of all its
   reps) saved for the next run; a cache that cannot be read or written is
   passed over in silence */
void platform_run_check(const struct run *r, struct platform_check *pc);

#endif
