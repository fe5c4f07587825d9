/* diff.h -- two runs compared across time: the verdict per mechanism and
   size of the later run's reps against the earlier run's, unpaired (the
   runs were not interleaved), with both runs' platform and what moved
   between them. Pure computation over two runs' NDJSON text, no I/O. */
#ifndef IPCSCOPE_DIFF_H
#define IPCSCOPE_DIFF_H

#include <stddef.h>
#include <cjson/cJSON.h>

#define DIFF_THRESHOLD_PCT 5.0     /* slower by more than this fails a gate */
#define DIFF_THRESHOLD_MAX 1000.0
#define DIFF_THRESHOLD_TINY 1e-9   /* the margin for --threshold 0 (a margin of 0
				      asks the verdict for its default) */
#define DIFF_ROWS_MAX 512          /* mechanism and size pairs of one run */
#define DIFF_REPS_MAX 100          /* reps a row takes from one run (VERDICT_MAX_REPS) */
#define DIFF_ERR_MAX 320

/* One run to compare: its name as the user gave it ("r3", "before",
   "a.ndjson") and its NDJSON lines. */
struct diff_input {
	const char *name;
	const char *lines;
	size_t len;
};

enum diff_outcome { DIFF_SAME = 0, DIFF_SLOWER = 1, DIFF_BAD = -1 };

/* diff_runs: the lines of the comparison of b against a, handed to emit one
   by one (ownership passes): a "diff_start" line, one "diff_row" per
   mechanism and size of either run, a "diff_end" line (docs/API.md, "Runs
   compared across time"). threshold_pct: how much slower a row may be and
   still pass. DIFF_SLOWER when a row is slower beyond it, DIFF_SAME when
   none is, DIFF_BAD (nothing emitted, the reason in err) when a run's text
   is not a run's lines or the two runs measured different figures */
enum diff_outcome diff_runs(const struct diff_input *a, const struct diff_input *b,
			    double threshold_pct, void (*emit)(void *ctx, cJSON *line),
			    void *ctx, char *err, size_t errlen);

#endif
