/* robust.h -- outliers, two regimes, a distribution-free CI of the median, and when to stop adding reps */
#ifndef IPCSCOPE_ROBUST_H
#define IPCSCOPE_ROBUST_H

#include <stdbool.h>

/* A rep is an outlier when it lies more than ROBUST_MAD_K scaled MADs
   (1.4826 * MAD estimates the standard deviation of normal noise) and more
   than ROBUST_FENCE_FLOOR of the median away from the median: the floor
   keeps reps that agree to a few per cent from fencing each other out,
   and a rep 10-20 % off, everyday noise on a shared machine, from being
   called an outlier when two others happen to agree closely. */
#define ROBUST_MAD_K        3.5
#define ROBUST_MAD_SCALE    1.4826
#define ROBUST_FENCE_FLOOR  0.25

/* Two regimes: a split of the sorted reps into two clusters of at least
   ROBUST_MODE_MIN reps each, whose gap (on a log scale) is at least
   ROBUST_GAP_K times the wider cluster's range and at least
   ROBUST_GAP_MIN (a 25 % step). */
#define ROBUST_MODE_MIN     2
#define ROBUST_GAP_K        2.0
#define ROBUST_GAP_MIN      0.25

/* Fewest reps whose extreme order statistics cover the median at 95 %:
   with 5, [min, max] covers it only 93.75 % of the time. */
#define ROBUST_CI_LEVEL     0.95
#define ROBUST_MIN_CI_REPS  6

struct robust_ci {
	double median;
	double lo, hi;       /* order statistics x(j) and x(n+1-j) */
	double half_pct;     /* max(median - lo, hi - median) / median, in %;
				INFINITY when there is no interval */
	double level;        /* the interval's exact coverage, >= 0.95 */
	int j;               /* rank of lo (1-based); 0 when no interval */
};

struct robust_modes {
	bool bimodal;
	double low, high;    /* medians of the two clusters when bimodal */
	int nlow, nhigh;
};

/* robust_median: median of n >= 1 values (x is not modified) */
double robust_median(const double *x, int n);

/* robust_median_ci: the 95 % order-statistics (distribution-free)
   interval of the median of n values; 0, or -1 when n is below
   ROBUST_MIN_CI_REPS or the median is not positive (then lo/hi are
   min/max, half_pct INFINITY, j 0) */
int robust_median_ci(const double *x, int n, struct robust_ci *ci);

/* robust_outliers: writes the 1-based positions of the values of x outside
   the median +- k*MAD fence into reps (room for n); returns how many
   (0 when n < 3) */
int robust_outliers(const double *x, int n, int *reps);

/* robust_outlier_factor: value i (0-based) divided by the median of the
   values that are not outliers; 1 when it cannot be told */
double robust_outlier_factor(const double *x, int n, int i);

/* robust_log_sd: the spread of the logs of n positive values as a normal
   sd would be, from their median absolute deviation (1.4826 MAD, so one
   wild value moves it little); 0 for fewer than 2, NaN on a value that
   is not positive and finite or out of memory */
double robust_log_sd(const double *x, int n);

/* robust_bimodal: true (and *m filled) when the n positive values form two
   clusters as defined above; *m may be NULL */
bool robust_bimodal(const double *x, int n, struct robust_modes *m);

/* robust_ci_reached: true when the n values give a 95 % interval of the
   median within +-ci_pct % of it */
bool robust_ci_reached(const double *x, int n, double ci_pct);

/* robust_want_more: the stopping rule: true while fewer than max reps ran
   and, with ci_pct > 0, the interval is not yet within +-ci_pct % */
bool robust_want_more(const double *x, int n, int max, double ci_pct);

#endif
