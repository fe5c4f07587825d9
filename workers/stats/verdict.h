/* verdict.h -- which of two figures measured over interleaved reps is better,
   and by how much: the verdict a distribution-free 95 % interval of their
   ratio (stats/ratio.h) supports, checked against the noise, in words.
   Pure computation, no I/O. */
#ifndef IPCSCOPE_VERDICT_H
#define IPCSCOPE_VERDICT_H

#include <stdbool.h>
#include <stddef.h>

#include "stats/ratio.h"

#define VERDICT_Z 1.959964          /* the normal quantile of a 95 % interval,
				       for a widening */
#define VERDICT_MARGIN_PCT 5.0      /* "narrowly" without a ci target */
#define VERDICT_CLEAN_MIN 3         /* undisturbed reps a side that can still hold
				       up a clear verdict they fully agree with */
#define VERDICT_TEXT_LEN 160
#define VERDICT_WHY_LEN 320

enum verdict_kind {
	VERDICT_UNKNOWN,     /* no interval: too few reps */
	VERDICT_CLEAR,       /* excludes 1, holds at its worst end */
	VERDICT_PROBABLY,    /* excludes 1 only narrowly, or rests on disturbed reps */
	VERDICT_SAME,        /* the interval includes 1 */
};

/* One side of a comparison: its figure per rep. */
struct verdict_side {
	const char *name;    /* for the words: "shm", "shm sync=mutex" */
	const double *x;     /* the figure of each rep */
	const int *round;    /* each rep's round (rep number), ascending */
	const bool *disturbed;  /* each rep disturbed, or NULL: none was */
	int n;
};

struct verdict {
	enum verdict_kind kind;
	int dir;             /* +1: a is faster (better), -1: slower, 0: neither */
	struct ratio_ci ci;  /* of a/b over every rep */
	double factor, factor_lo, factor_hi;  /* how many times faster or slower
						 (>= 1, in the direction of dir);
						 NaN when dir is 0 */
	double within_pct;   /* VERDICT_SAME: the interval lies within ±this of 1 */
	double run_sd;       /* verdict_judge_runs: the run-to-run allowance, else 0 */
	char text[VERDICT_TEXT_LEN];   /* "2.02× faster (1.6–2.5×)" */
	char basis[VERDICT_WHY_LEN];   /* VERDICT_PROBABLY: why not clear, else "" */
	char why[VERDICT_WHY_LEN];     /* how the noise could change the verdict
					  (naming which), or "" */
};

/* verdict_judge: the verdict on a against b; higher: a higher figure is
   better; margin_pct: how close to 1 an interval's worst end may come and
   still be clear (and how wide a "can't tell apart" may be and still
   settle it); unit: the figure's unit, for the words */
void verdict_judge(const struct verdict_side *a, const struct verdict_side *b, bool higher,
		   double margin_pct, const char *unit, struct verdict *v);

/* verdict_judge_runs: verdict_judge for a and b measured in two runs that
   were not interleaved: the level of each run may sit off the machine's own
   by a random amount no rep of either run can show, so the rank-sum
   interval is widened by run_sd (the log sd of the difference of the two
   runs' levels; 0: not at all) before the verdict is read from it */
void verdict_judge_runs(const struct verdict_side *a, const struct verdict_side *b, bool higher,
			double margin_pct, const char *unit, double run_sd, struct verdict *v);

/* verdict_range_text: "1.6–2.5×"; returns buf */
const char *verdict_range_text(double lo, double hi, char *buf, size_t len);

/* verdict_within_text: how far a "can't tell apart" reaches: "within ±4%",
   or the interval itself ("0.053–3.57×") beyond ±100 %; returns buf */
const char *verdict_within_text(const struct verdict *v, char *buf, size_t len);

/* verdict_kind_name: "clear", "probably", "same" or "unknown" */
const char *verdict_kind_name(enum verdict_kind k);

/* verdict_method_name: "signed-rank", "rank-sum", or NULL for none */
const char *verdict_method_name(enum ratio_method m);

/* verdict_settled: the verdict needs no more reps: it excludes 1, or it
   lies within ±margin_pct of 1 (a clear or probable difference, or a
   "can't tell apart" narrower than the margin) */
bool verdict_settled(const struct verdict *v, double margin_pct);

/* verdict_may_stop: the stopping rule's test, stricter than settled: a
   clear verdict whose stricter interval (VERDICT_STOP_ALPHA) excludes 1
   too, or a "can't tell apart" within ±margin_pct. A probable one asks
   for more reps: a rule that stopped on every interval that
   just excludes 1 would, looking after every round, stop on a chance
   difference far more often than one time in twenty */
bool verdict_may_stop(const struct verdict *v, double margin_pct);

#endif
