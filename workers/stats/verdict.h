/* verdict.h -- which of two figures measured over interleaved reps is better,
   and by how much: a distribution-free 95 % interval of their ratio and the
   verdict it supports, in words. Pure computation, no I/O. */
#ifndef IPCSCOPE_VERDICT_H
#define IPCSCOPE_VERDICT_H

#include <stdbool.h>
#include <stddef.h>

#define VERDICT_ALPHA 0.05          /* a 95 % interval */
#define VERDICT_Z 1.959964          /* its normal quantile, for a widening */
#define VERDICT_STOP_ALPHA 0.001     /* a difference stops the reps early only
				       when a 99.9 % interval shows it too */
#define VERDICT_MIN_PAIRS 6         /* fewest rounds whose signed-rank interval
				       reaches 95 % (5 give at most 93.75 %) */
#define VERDICT_MAX_REPS 100        /* reps a side (PARAMS_REPS_MAX) */
#define VERDICT_EXACT_CELLS 2500    /* rank sum: exact null distribution up to
				       this many pairs (na * nb), normal beyond */
#define VERDICT_MARGIN_PCT 5.0      /* "narrowly" without a ci target */
#define VERDICT_CLEAN_MIN 3         /* undisturbed reps a side that can still hold
				       up a clear verdict they fully agree with */
#define VERDICT_TEXT_LEN 160
#define VERDICT_WHY_LEN 320

enum ratio_method { RATIO_NONE, RATIO_SIGNED_RANK, RATIO_RANK_SUM };

/* The ratio a/b of two figures with its 95 % interval. */
struct ratio_ci {
	enum ratio_method method;
	int na, nb;          /* values used a side (the pairs, for signed rank) */
	double est;          /* Hodges-Lehmann estimate of a/b */
	double lo, hi;       /* the interval of a/b; NaN without one */
	double level;        /* its exact coverage under the method's model; 0 without */
	double stop_lo, stop_hi;  /* the stricter interval of VERDICT_STOP_ALPHA the
				     stopping rule reads; NaN without one */
	double p;            /* two-sided p-value of a/b = 1; NaN without values */
};

/* ratio_signed_rank: a/b from n pairs (a[i] and b[i] measured in the same
   round): the Walsh averages of log(a[i]/b[i]), their median and the
   order statistics the exact signed-rank distribution picks; 0, or -1
   when n is below VERDICT_MIN_PAIRS or above VERDICT_MAX_REPS, or a value
   is not positive and finite (then method RATIO_NONE, lo and hi NaN; est
   and p are still filled when the values allow) */
int ratio_signed_rank(const double *a, const double *b, int n, struct ratio_ci *ci);

/* ratio_rank_sum: a/b from na and nb unpaired values: the na*nb differences
   of logs, their median and the order statistics the rank-sum (Mann-Whitney)
   distribution picks; 0, or -1 when these sizes allow no 95 % interval or a
   value is not positive and finite (as above) */
int ratio_rank_sum(const double *a, int na, const double *b, int nb, struct ratio_ci *ci);

/* ratio_interval: a and b measured in rounds (ra[i] the round of a[i],
   ascending, and so for b): signed rank over the rounds both ran when
   there are VERDICT_MIN_PAIRS of them, else rank sum over every value;
   0 or -1 as those */
int ratio_interval(const double *a, const int *ra, int na, const double *b, const int *rb,
		   int nb, struct ratio_ci *ci);

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
