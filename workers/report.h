/* report.h -- NDJSON lines of API.md §5, and the text/json/csv views of them */
#ifndef IPCSCOPE_REPORT_H
#define IPCSCOPE_REPORT_H

#include <stdio.h>
#include <cjson/cJSON.h>

#include "harness.h"

struct bench_params;

enum report_format { REPORT_TEXT, REPORT_JSON, REPORT_NDJSON, REPORT_CSV };

struct report {
	enum report_format fmt;
	FILE *out;
	cJSON *doc;          /* json: the document being collected */
	int csv_header;      /* csv: header row printed */
	int latency;         /* text/csv: latency columns */
};

/* report_open: starts an output of fmt on out */
void report_open(struct report *r, enum report_format fmt, FILE *out);

/* report_emit: writes one line object (ownership taken): ndjson prints and
   flushes it, text and csv render it, json keeps it for report_close */
void report_emit(struct report *r, cJSON *line);

/* report_close: json prints the collected document; frees everything */
void report_close(struct report *r);

/* report_line: a new {"type": type, "run": run} object */
cJSON *report_line(const char *type, const char *run);

/* report_result_json: the result line of one rep */
cJSON *report_result_json(const char *run, const char *mech, int reps,
			  const struct rep_result *res);

/* report_params_json: the params object as asked */
cJSON *report_params_json(const struct bench_params *p);

/* report_summary_json: the summary line over n reps of one mechanism/size */
cJSON *report_summary_json(const char *run, const char *mech,
			   const struct rep_result *res, int n);

/* report_json_string: compact JSON text of o (caller frees), NULL on OOM */
char *report_json_string(const cJSON *o);

#endif
