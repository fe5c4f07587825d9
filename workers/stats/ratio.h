/* ratio.h -- the ratio of two figures measured over reps, with a
   distribution-free 95 % interval: paired by round (signed rank) or not
   (rank sum). Pure computation, no I/O; stats/verdict reads a verdict from
   it. */
#ifndef IPCSCOPE_RATIO_H
#define IPCSCOPE_RATIO_H

#define VERDICT_ALPHA 0.05          /* a 95 % interval */
#define VERDICT_STOP_ALPHA 0.001     /* a difference stops the reps early only
				       when a 99.9 % interval shows it too */
#define VERDICT_MIN_PAIRS 6         /* fewest rounds whose signed-rank interval
				       reaches 95 % (5 give at most 93.75 %) */
#define VERDICT_MAX_REPS 100        /* reps a side (PARAMS_REPS_MAX) */
#define VERDICT_EXACT_CELLS 2500    /* rank sum: exact null distribution up to
				       this many pairs (na * nb), normal beyond */

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

#endif
