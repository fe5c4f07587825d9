/* robust.c -- outliers, two regimes, a distribution-free CI of the median, and when to stop adding reps */
#include "stats/robust.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* sorted_copy: a sorted malloc'd copy of x, NULL on OOM */
static double *sorted_copy(const double *x, int n)
{
	double *c = malloc((size_t)(n > 0 ? n : 1) * sizeof(*c));

	if (!c)
		return NULL;
	memcpy(c, x, (size_t)n * sizeof(*c));
	qsort(c, (size_t)n, sizeof(*c), cmp_double);
	return c;
}

static double median_sorted(const double *s, int n)
{
	return n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

double robust_median(const double *x, int n)
{
	double *s = sorted_copy(x, n);
	double m;

	if (!s)
		return NAN;
	m = median_sorted(s, n);
	free(s);
	return m;
}

/* binom_half_cdf: P(B <= k) for B ~ Binomial(n, 1/2) */
static double binom_half_cdf(int n, int k)
{
	double term = ldexp(1.0, -n), sum = 0;

	for (int i = 0; i <= k; i++) {
		sum += term;
		term = term * (n - i) / (i + 1);
	}
	return sum;
}

/*
 * The median lies below the j-th smallest of n values exactly when fewer
 * than j values fall below it, which for any continuous distribution has
 * probability P(B <= j-1), B ~ Binomial(n, 1/2). [x(j), x(n+1-j)] thus
 * covers the median with probability 1 - 2 P(B <= j-1), whatever the shape
 * of the noise; the widest j keeping that >= 95 % gives the tightest
 * interval.
 */
int robust_median_ci(const double *x, int n, struct robust_ci *ci)
{
	double *s = sorted_copy(x, n);
	int j = 0;

	memset(ci, 0, sizeof(*ci));
	ci->half_pct = INFINITY;
	if (!s || n < 1) {
		free(s);
		return -1;
	}
	ci->median = median_sorted(s, n);
	ci->lo = s[0];
	ci->hi = s[n - 1];
	while (j + 1 <= n / 2 &&
	       1 - 2 * binom_half_cdf(n, j) >= ROBUST_CI_LEVEL)
		j++;
	if (j > 0 && ci->median > 0) {
		ci->j = j;
		ci->lo = s[j - 1];
		ci->hi = s[n - j];
		ci->level = 1 - 2 * binom_half_cdf(n, j - 1);
		ci->half_pct = fmax(ci->median - ci->lo, ci->hi - ci->median) /
			       ci->median * 100;
	}
	free(s);
	return ci->j > 0 ? 0 : -1;
}

/* fence: half-width of the band around median m that is not an outlier */
static double fence(const double *x, int n, double m)
{
	double *d = malloc((size_t)n * sizeof(*d));
	double mad;

	if (!d)
		return INFINITY;
	for (int i = 0; i < n; i++)
		d[i] = fabs(x[i] - m);
	mad = robust_median(d, n);
	free(d);
	return fmax(ROBUST_MAD_K * ROBUST_MAD_SCALE * mad,
		    ROBUST_FENCE_FLOOR * fabs(m));
}

int robust_outliers(const double *x, int n, int *reps)
{
	double m, f;
	int k = 0;

	if (n < 3)
		return 0;
	m = robust_median(x, n);
	f = fence(x, n, m);
	for (int i = 0; i < n; i++)
		if (fabs(x[i] - m) > f)
			reps[k++] = i + 1;
	return k;
}

double robust_outlier_factor(const double *x, int n, int i)
{
	double *in = malloc((size_t)(n > 0 ? n : 1) * sizeof(*in));
	double m, f, ref;
	int k = 0;

	if (!in || n < 3 || i < 0 || i >= n) {
		free(in);
		return 1;
	}
	m = robust_median(x, n);
	f = fence(x, n, m);
	for (int t = 0; t < n; t++)
		if (fabs(x[t] - m) <= f)
			in[k++] = x[t];
	ref = k ? robust_median(in, k) : m;
	free(in);
	return ref != 0 ? x[i] / ref : 1;
}

/* split_ok: whether cutting sorted logs y before index k gives two
   clusters far apart against the wider one's range */
static bool split_ok(const double *y, int n, int k)
{
	double gap = y[k] - y[k - 1];
	double spread = fmax(y[k - 1] - y[0], y[n - 1] - y[k]);

	return gap >= ROBUST_GAP_K * spread && gap >= log1p(ROBUST_GAP_MIN);
}

bool robust_bimodal(const double *x, int n, struct robust_modes *m)
{
	double *y = sorted_copy(x, n);
	double best = 0;
	int cut = 0;

	if (m)
		memset(m, 0, sizeof(*m));
	if (!y || n < 2 * ROBUST_MODE_MIN || y[0] <= 0) {
		free(y);
		return false;
	}
	for (int i = 0; i < n; i++)
		y[i] = log(y[i]);
	for (int k = ROBUST_MODE_MIN; k <= n - ROBUST_MODE_MIN; k++)
		if (split_ok(y, n, k) && y[k] - y[k - 1] > best) {
			best = y[k] - y[k - 1];
			cut = k;
		}
	if (cut && m) {
		m->bimodal = true;
		m->nlow = cut;
		m->nhigh = n - cut;
		m->low = exp(median_sorted(y, cut));
		m->high = exp(median_sorted(y + cut, n - cut));
	}
	free(y);
	return cut > 0;
}

bool robust_ci_reached(const double *x, int n, double ci_pct)
{
	struct robust_ci ci;

	return robust_median_ci(x, n, &ci) == 0 && ci.half_pct <= ci_pct;
}

bool robust_want_more(const double *x, int n, int max, double ci_pct)
{
	if (n >= max)
		return false;
	if (ci_pct <= 0)
		return true;
	return !robust_ci_reached(x, n, ci_pct);
}

double robust_log_sd(const double *x, int n)
{
	double *l, m, mad;

	if (n < 2)
		return 0;
	if (!(l = malloc((size_t)n * sizeof(*l))))
		return NAN;
	for (int i = 0; i < n; i++) {
		if (!(isfinite(x[i]) && x[i] > 0)) {
			free(l);
			return NAN;
		}
		l[i] = log(x[i]);
	}
	qsort(l, (size_t)n, sizeof(*l), cmp_double);
	m = median_sorted(l, n);
	for (int i = 0; i < n; i++)
		l[i] = fabs(l[i] - m);
	qsort(l, (size_t)n, sizeof(*l), cmp_double);
	mad = median_sorted(l, n);
	free(l);
	return 1.4826 * mad;
}
