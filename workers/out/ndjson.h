/* ndjson.h -- the one writer of every NDJSON line type of a run: start,
   progress, result, summary, comparison, lesson, error and end (docs/API.md).
   Each line goes to the run's output (report.h), which prints it as NDJSON
   or renders the text, CSV or JSON view of it. */
#ifndef IPCSCOPE_NDJSON_H
#define IPCSCOPE_NDJSON_H

#include <cjson/cJSON.h>

#include "rep/harness.h"
#include "params/params.h"

struct run;
struct job;
struct comparison;

/* ndjson_line: a new {"type": type, "run": run} object */
cJSON *ndjson_line(const char *type, const char *run);

/* ndjson_params: the params object as asked */
cJSON *ndjson_params(const struct bench_params *p);

/* the lines of a run, written to r->out */
void ndjson_start(struct run *r, cJSON *granted, cJSON *skipped);
void ndjson_progress(struct run *r, double rep_done);
/* a pause of the given seconds between two reps (gap=) */
void ndjson_pause(struct run *r, double seconds);
void ndjson_result(struct run *r, const struct job *j, const struct rep_result *res);
void ndjson_summary(struct run *r, const struct job *j);

/* ndjson_comparisons: the comparison lines of r, when there are any
   (compare_each) */
void ndjson_comparisons(struct run *r);
/* ndjson_lesson: the lesson; unreliable: why its figures do not hold, or NULL */
void ndjson_lesson(struct run *r, const char *text, const char *unreliable);
void ndjson_error(struct run *r, const char *code, const char *msg, const struct job *j,
		  int rep);
/* ndjson_param_error: the error line of a bad param (code, message, param) */
void ndjson_param_error(struct run *r, const struct param_error *err);
void ndjson_end(struct run *r, const char *status);

#endif
