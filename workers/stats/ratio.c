/* ratio.c -- the ratio of two figures over reps with a distribution-free
   95 % interval: signed rank over paired rounds, rank sum over unpaired
   reps */
#include "stats/ratio.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static bool usable(double x)
{
	return isfinite(x) && x > 0;
}

static void ci_none(struct ratio_ci *ci, enum ratio_method m, int na, int nb)
{
	memset(ci, 0, sizeof(*ci));
	ci->method = m;
	ci->na = na;
	ci->nb = nb;
	ci->est = ci->lo = ci->hi = ci->p = ci->stop_lo = ci->stop_hi = NAN;
}

/* signed_rank_cdf: P(W+ <= w), w = 0..n(n+1)/2, of the signed-rank
   statistic of n values without a shift: counts of the subsets of 1..n by
   their sum, built one rank at a time (additions only, so exact to the
   last bit long past 2^53) */
static void signed_rank_cdf(int n, double *cdf)
{
	int top = n * (n + 1) / 2;
	double total = ldexp(1, n), run = 0;

	memset(cdf, 0, (size_t)(top + 1) * sizeof(*cdf));
	cdf[0] = 1;
	for (int k = 1; k <= n; k++)
		for (int w = k * (k + 1) / 2; w >= k; w--)
			cdf[w] += cdf[w - k];
	for (int w = 0; w <= top; w++) {
		run += cdf[w];
		cdf[w] = run / total;
	}
}

/* rank_sum_exact: counts of U = #(a > b) over the arrangements of m a's
   and n b's, u = 0..mn: f(i, j)[u] = f(i-1, j)[u-j] + f(i, j-1)[u] (the
   last of i + j values is an a above j b's, or a b); 0 or -1 (memory) */
static int rank_sum_exact(int m, int n, double *count)
{
	int top = m * n;
	size_t row = (size_t)top + 1;
	double *prev = calloc((size_t)(n + 1) * row, sizeof(double));
	double *cur = calloc((size_t)(n + 1) * row, sizeof(double));

	if (!prev || !cur) {
		free(prev);
		free(cur);
		return -1;
	}
	for (int j = 0; j <= n; j++)
		prev[j * row] = 1;
	for (int i = 1; i <= m; i++) {
		for (int j = 0; j <= n; j++)
			for (int u = 0; u <= top; u++)
				cur[j * row + u] = (u >= j ? prev[j * row + u - j] : 0) +
						   (j > 0 ? cur[(j - 1) * row + u] : 0);
		double *t = prev;
		prev = cur;
		cur = t;
	}
	memcpy(count, prev + (size_t)n * row, row * sizeof(double));
	free(prev);
	free(cur);
	return 0;
}

/* rank_sum_cdf: P(U <= u), u = 0..mn, without a shift: exact up to
   VERDICT_EXACT_CELLS pairs, else normal with a continuity correction */
static void rank_sum_cdf(int m, int n, double *cdf)
{
	int top = m * n;
	double run = 0, total = 0;

	if (top <= VERDICT_EXACT_CELLS && rank_sum_exact(m, n, cdf) == 0) {
		for (int u = 0; u <= top; u++)
			total += cdf[u];
		for (int u = 0; u <= top; u++) {
			run += cdf[u];
			cdf[u] = run / total;
		}
		return;
	}
	double sd = sqrt((double)m * n * (m + n + 1) / 12.0);

	for (int u = 0; u <= top; u++)
		cdf[u] = 0.5 * erfc(-(u + 0.5 - top / 2.0) / (sd * sqrt(2.0)));
}

/* cut: the largest c with P(stat <= c) <= alpha/2, or -1 */
static int cut(const double *cdf, int top, double alpha)
{
	int c = -1;

	while (c + 1 < top && cdf[c + 1] <= alpha / 2)
		c++;
	return c < 0 || c >= top - 1 - c ? -1 : c;
}

/* pick: the interval [D(c+1), D(top-c)] of sorted d (top values) for the
   largest c with P(stat <= c) <= alpha/2, and the stricter one of
   VERDICT_STOP_ALPHA (NaN when there is none); 0, or -1 when there is no
   95 % one */
static int pick(const double *cdf, const double *d, int top, struct ratio_ci *ci)
{
	int c = cut(cdf, top, VERDICT_ALPHA), s = cut(cdf, top, VERDICT_STOP_ALPHA);

	if (c < 0)
		return -1;
	ci->lo = exp(d[c]);
	ci->hi = exp(d[top - 1 - c]);
	ci->level = 1 - 2 * cdf[c];
	ci->stop_lo = s < 0 ? NAN : exp(d[s]);
	ci->stop_hi = s < 0 ? NAN : exp(d[top - 1 - s]);
	return 0;
}

static double median_sorted(const double *d, int n)
{
	return n % 2 ? d[n / 2] : (d[n / 2 - 1] + d[n / 2]) / 2;
}

/* two_sided: 2 min(P(S <= s), P(S >= s)) for a statistic symmetric on
   0..top, s possibly a half (ties), capped at 1 */
static double two_sided(const double *cdf, int top, double s)
{
	double lo = fmin(floor(s), top - ceil(s));

	return lo < 0 ? 0 : fmin(1, 2 * cdf[(int)lo]);
}

/* signed_rank_stat: W+ of d (zeros dropped, ties mid-ranked) into *w;
   how many were not zero */
static int signed_rank_stat(const double *d, int n, double *w)
{
	double mag[VERDICT_MAX_REPS];
	int m = 0;

	*w = 0;
	for (int i = 0; i < n; i++)
		if (d[i] != 0)
			mag[m++] = fabs(d[i]);
	qsort(mag, (size_t)m, sizeof(*mag), cmp_double);
	for (int i = 0; i < n; i++) {
		int below = 0, equal = 0;

		if (!(d[i] > 0))
			continue;
		for (int k = 0; k < m; k++) {
			below += mag[k] < d[i];
			equal += mag[k] == d[i];
		}
		*w += below + (equal + 1) / 2.0;
	}
	return m;
}

int ratio_signed_rank(const double *a, const double *b, int n, struct ratio_ci *ci)
{
	double d[VERDICT_MAX_REPS], *walsh, *cdf, w;
	int top, nz, ret = -1;

	ci_none(ci, RATIO_NONE, n, n);
	if (n < 1 || n > VERDICT_MAX_REPS)
		return -1;
	for (int i = 0; i < n; i++) {
		if (!usable(a[i]) || !usable(b[i]))
			return -1;
		d[i] = log(a[i]) - log(b[i]);
	}
	top = n * (n + 1) / 2;
	walsh = malloc((size_t)top * sizeof(*walsh));
	cdf = malloc((size_t)(top + 1) * sizeof(*cdf));
	if (!walsh || !cdf)
		goto out;
	for (int i = 0, k = 0; i < n; i++)
		for (int j = i; j < n; j++)
			walsh[k++] = (d[i] + d[j]) / 2;
	qsort(walsh, (size_t)top, sizeof(*walsh), cmp_double);
	ci->est = exp(median_sorted(walsh, top));
	nz = signed_rank_stat(d, n, &w);
	signed_rank_cdf(nz, cdf);
	ci->p = nz ? two_sided(cdf, nz * (nz + 1) / 2, w) : 1;
	signed_rank_cdf(n, cdf);
	if (pick(cdf, walsh, top, ci) == 0) {
		ci->method = RATIO_SIGNED_RANK;
		ret = 0;
	}
out:
	free(walsh);
	free(cdf);
	return ret;
}

int ratio_rank_sum(const double *a, int na, const double *b, int nb, struct ratio_ci *ci)
{
	double *d, *cdf, u = 0;
	int top, ret = -1;

	ci_none(ci, RATIO_NONE, na, nb);
	if (na < 1 || nb < 1 || na > VERDICT_MAX_REPS || nb > VERDICT_MAX_REPS)
		return -1;
	for (int i = 0; i < na; i++)
		if (!usable(a[i]))
			return -1;
	for (int j = 0; j < nb; j++)
		if (!usable(b[j]))
			return -1;
	top = na * nb;
	d = malloc((size_t)top * sizeof(*d));
	cdf = malloc((size_t)(top + 1) * sizeof(*cdf));
	if (!d || !cdf)
		goto out;
	for (int i = 0; i < na; i++)
		for (int j = 0; j < nb; j++) {
			d[i * nb + j] = log(a[i]) - log(b[j]);
			u += a[i] > b[j] ? 1 : a[i] == b[j] ? 0.5 : 0;
		}
	qsort(d, (size_t)top, sizeof(*d), cmp_double);
	ci->est = exp(median_sorted(d, top));
	rank_sum_cdf(na, nb, cdf);
	ci->p = two_sided(cdf, top, u);
	if (pick(cdf, d, top, ci) == 0) {
		ci->method = RATIO_RANK_SUM;
		ret = 0;
	}
out:
	free(d);
	free(cdf);
	return ret;
}

int ratio_interval(const double *a, const int *ra, int na, const double *b, const int *rb,
		   int nb, struct ratio_ci *ci)
{
	double pa[VERDICT_MAX_REPS], pb[VERDICT_MAX_REPS];
	int n = 0;

	/* the rounds both ran, in step (both lists ascend) */
	for (int i = 0, j = 0; i < na && j < nb && n < VERDICT_MAX_REPS;) {
		if (ra[i] < rb[j]) {
			i++;
		} else if (rb[j] < ra[i]) {
			j++;
		} else {
			pa[n] = a[i++];
			pb[n++] = b[j++];
		}
	}
	if (n >= VERDICT_MIN_PAIRS && ratio_signed_rank(pa, pb, n, ci) == 0)
		return 0;
	return ratio_rank_sum(a, na, b, nb, ci);
}
