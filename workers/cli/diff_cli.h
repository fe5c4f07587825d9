/* diff_cli.h -- `ipcscope diff A B`, and a run's --save NAME and
   --baseline RUN: finding stored and saved runs, saving one, and printing
   a diff as text, JSON, NDJSON or CSV */
#ifndef IPCSCOPE_DIFF_CLI_H
#define IPCSCOPE_DIFF_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <cjson/cJSON.h>

#include "params/params.h"
#include "out/report.h"

#define DIFF_FILE_MAX (17u << 20)  /* a larger run file is not read */
#define DIFF_NAME_MAX 64           /* a saved run's name */
#define DIFF_ARG_MAX 1024          /* a run given on the command line */

/* What a run command was asked to do with its lines when it ends. */
struct diff_after {
	char save[DIFF_NAME_MAX + 1];        /* --save NAME, or "" */
	char baseline[DIFF_ARG_MAX];         /* --baseline RUN, or "" */
	char results_dir[DIFF_ARG_MAX];      /* --results-dir DIR, or "" */
	double threshold_pct;                /* --threshold PCT */
	bool threshold_set;
	char *base_lines;                    /* the baseline's lines, read before the run */
	size_t base_len;
	FILE *rec;                           /* the run's lines as they are written */
	char *rec_buf;
	size_t rec_len;
};

/* diff_main: `ipcscope diff A B [--threshold PCT] [--format F]
   [--results-dir DIR]`; 0 no row slower beyond the threshold, 1 slower,
   2 a usage error or an input that is not a run */
int diff_main(int argc, char **argv);

/* diff_usage: diff's --help */
void diff_usage(FILE *f);

/* diff_after_init: nothing asked yet */
void diff_after_init(struct diff_after *d);

/* diff_after_arg: takes a run command's --save, --threshold and
   --results-dir, and --baseline when its value is not a mechanism (a
   mechanism is the comparison's baseline, as before); 1 taken, 0 not
   one of these, -1 a bad value (err filled) */
int diff_after_arg(struct diff_after *d, const char *name, const char *val,
		   struct param_error *err);

/* diff_after_usage: the help rows of these options */
void diff_after_usage(FILE *f);

/* diff_after_prepare: before the run: the saved name is free and the
   baseline reads as a run; starts recording the lines of rep (its tee);
   0, or -1 with err filled (a usage error) */
int diff_after_prepare(struct diff_after *d, struct report *rep, struct param_error *err);

/* diff_after_finish: after the run's end line: saves it (status ok only),
   and diffs it against the baseline, printed to out in fmt (json: handed
   to rep as one "diff" line of its document instead); the exit status the
   diff asks (0, 1 slower, 2 the save or diff failed); frees what d holds */
int diff_after_finish(struct diff_after *d, struct report *rep, const char *status);

/* diff_after_free: frees what d holds (a run that ended early) */
void diff_after_free(struct diff_after *d);

#endif
