/* report.h -- where a run's lines go: NDJSON as they are, or the text, CSV or
   JSON view of them */
#ifndef IPCSCOPE_REPORT_H
#define IPCSCOPE_REPORT_H

#include <stdio.h>
#include <cjson/cJSON.h>


enum report_format { REPORT_TEXT, REPORT_JSON, REPORT_NDJSON, REPORT_CSV };

#define REPORT_WATCH_MAX 2

struct report {
	enum report_format fmt;
	FILE *out;
	cJSON *doc;          /* json: the document being collected; csv: an
				experiment demo's point lines */
	int csv_header;      /* csv: header row printed */
	int latency;         /* text/csv: latency columns */
	/* who sees every line before it is printed, rendered or kept (a class
	   board's post, the run's record for --save and --baseline) */
	struct report_watch {
		void (*fn)(void *ctx, const cJSON *line);
		void *ctx;
	} watch[REPORT_WATCH_MAX];
};

/* report_watch: fn(ctx, line) sees every line from now on; 0, or -1 when
   REPORT_WATCH_MAX watch already. report_unwatch: fn sees no more. */
int report_watch(struct report *r, void (*fn)(void *ctx, const cJSON *line), void *ctx);
void report_unwatch(struct report *r, void (*fn)(void *ctx, const cJSON *line));

/* report_csv_field: s as one CSV field on f, quoted (its quotes doubled)
   when it holds a comma, a quote or a line break */
void report_csv_field(FILE *f, const char *s);

/* report_open: starts an output of fmt on out */
void report_open(struct report *r, enum report_format fmt, FILE *out);

/* report_emit: writes one line object (ownership taken): ndjson prints and
   flushes it, text and csv render it, json keeps it for report_close */
void report_emit(struct report *r, cJSON *line);

/* report_close: json prints the collected document, csv an experiment
   demo's point lines (one row each, the union of their fields as columns);
   frees everything */
void report_close(struct report *r);

/* report_csv_columns_json: [{"name", "path"}] of every CSV column: the
   column's name and the dot path of its value in a result line */
cJSON *report_csv_columns_json(void);

#endif
