/* stats.c -- percentiles, histograms and summaries over reps */
#include "stats/stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Below this many values a comparison sort beats the radix passes. */
#define RADIX_MIN 256

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/*
 * radix_sort: LSD radix sort, one byte per pass, using tmp (n values).
 * All eight byte histograms come from one read of the data, and a pass
 * whose byte is the same in every value is skipped: round-trip times fit
 * in three or four bytes, so most passes cost nothing.
 */
static void radix_sort(uint64_t *v, uint64_t *tmp, size_t n)
{
	size_t (*hist)[256] = calloc(8, sizeof(*hist));
	uint64_t *src = v, *dst = tmp;

	if (!hist) {
		qsort(v, n, sizeof(*v), cmp_u64);
		return;
	}
	for (size_t i = 0; i < n; i++)
		for (int b = 0; b < 8; b++)
			hist[b][(v[i] >> (8 * b)) & 0xff]++;
	for (int b = 0; b < 8; b++) {
		size_t pos = 0, *h = hist[b];
		int shift = 8 * b;

		if (h[(src[0] >> shift) & 0xff] == n)
			continue;
		for (int d = 0; d < 256; d++) {
			size_t c = h[d];

			h[d] = pos;
			pos += c;
		}
		for (size_t i = 0; i < n; i++)
			dst[h[(src[i] >> shift) & 0xff]++] = src[i];
		uint64_t *t = src;
		src = dst;
		dst = t;
	}
	if (src != v)
		memcpy(v, src, n * sizeof(*v));
	free(hist);
}

/* sort_u64: ascending, in place; falls back to qsort when memory is short */
static void sort_u64(uint64_t *v, size_t n)
{
	uint64_t *tmp;

	if (n < RADIX_MIN) {
		qsort(v, n, sizeof(*v), cmp_u64);
		return;
	}
	tmp = malloc(n * sizeof(*tmp));
	if (!tmp) {
		qsort(v, n, sizeof(*v), cmp_u64);
		return;
	}
	radix_sort(v, tmp, n);
	free(tmp);
}

double stats_percentile_sorted(const uint64_t *sorted, size_t n, double q)
{
	double rank;
	size_t k;

	if (n == 0)
		return 0;
	if (!(q > 0))
		return (double)sorted[0];
	if (q >= 100)
		return (double)sorted[n - 1];
	/* nearest rank: the smallest value with at least q % of the data at
	   or below it; the 1e-9 keeps q*n/100 exact products from rounding up */
	rank = ceil(q / 100.0 * (double)n - 1e-9);
	k = rank < 1 ? 1 : (size_t)rank;
	if (k > n)
		k = n;
	return (double)sorted[k - 1];
}

void stats_latency(uint64_t *v, size_t n, double div, struct lat_summary *s)
{
	long double sum = 0;

	memset(s, 0, sizeof(*s));
	if (n == 0)
		return;
	if (!(div > 0))
		div = 1;
	sort_u64(v, n);
	for (size_t i = 0; i < n; i++)
		sum += v[i];
	s->min = (double)v[0] / div;
	s->p50 = stats_percentile_sorted(v, n, 50) / div;
	s->p90 = stats_percentile_sorted(v, n, 90) / div;
	s->p99 = stats_percentile_sorted(v, n, 99) / div;
	s->p999 = stats_percentile_sorted(v, n, 99.9) / div;
	s->max = (double)v[n - 1] / div;
	s->mean = (double)(sum / n) / div;
}

/* hist_edges: lo..hi in nb log-spaced buckets; a zero lo gets a first
   bucket [0, floor) so the logarithm never sees zero */
static void hist_edges(struct histogram *h, double lo, double floor_pos,
		       double hi, int nb)
{
	int first = 0;

	if (lo <= 0) {
		h->edge[0] = 0;
		first = 1;
		lo = floor_pos;
	}
	double step = log(hi / lo) / (nb - first);
	for (int i = first; i < nb; i++)
		h->edge[i] = lo * exp(step * (i - first));
	/* half-open buckets: the last edge lies just above the maximum */
	h->edge[nb] = nextafter(hi, INFINITY);
	h->nbuckets = nb;
}

/* hist_trim: drop empty buckets at both ends */
static void hist_trim(struct histogram *h)
{
	int a = 0, b = h->nbuckets;

	while (a < b - 1 && h->count[a] == 0)
		a++;
	while (b - 1 > a && h->count[b - 1] == 0)
		b--;
	if (a == 0 && b == h->nbuckets)
		return;
	memmove(h->count, h->count + a, (size_t)(b - a) * sizeof(h->count[0]));
	memmove(h->edge, h->edge + a, (size_t)(b - a + 1) * sizeof(h->edge[0]));
	h->nbuckets = b - a;
}

/* first_positive: smallest value above zero, or 0 if there is none */
static uint64_t first_positive(const uint64_t *sorted, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (sorted[i] > 0)
			return sorted[i];
	return 0;
}

void stats_histogram(const uint64_t *sorted, size_t n, double div,
		     struct histogram *h)
{
	double lo, hi;
	int b = 0;

	memset(h, 0, sizeof(*h));
	if (n == 0)
		return;
	if (!(div > 0))
		div = 1;
	lo = (double)sorted[0] / div;
	hi = (double)sorted[n - 1] / div;
	if (hi <= lo || first_positive(sorted, n) == sorted[n - 1]) {
		/* one value (or zeros and one value): nothing to spread */
		h->nbuckets = 1;
		h->edge[0] = lo;
		h->edge[1] = nextafter(hi, INFINITY);
		h->count[0] = n;
		return;
	}
	hist_edges(h, lo, (double)first_positive(sorted, n) / div, hi,
		   HIST_BUCKETS);
	for (size_t i = 0; i < n; i++) {
		double x = (double)sorted[i] / div;

		while (b < h->nbuckets - 1 && x >= h->edge[b + 1])
			b++;
		h->count[b]++;
	}
	hist_trim(h);
}

/* median_of: median of n >= 1 doubles, without touching x */
static double median_of(const double *x, int n)
{
	double *c = malloc((size_t)n * sizeof(*c));
	double m;

	if (!c) {
		/* memory is short: an O(n^2) selection still gives the answer */
		int k = (n - 1) / 2, k2 = n / 2;
		double v[2] = {0, 0};

		for (int w = 0; w < 2; w++) {
			int want = w ? k2 : k;

			for (int i = 0; i < n; i++) {
				int below = 0, equal = 0;

				for (int j = 0; j < n; j++) {
					below += x[j] < x[i];
					equal += x[j] == x[i];
				}
				if (below <= want && want < below + equal) {
					v[w] = x[i];
					break;
				}
			}
		}
		return (v[0] + v[1]) / 2;
	}
	memcpy(c, x, (size_t)n * sizeof(*c));
	qsort(c, (size_t)n, sizeof(*c), cmp_double);
	m = n % 2 ? c[n / 2] : (c[n / 2 - 1] + c[n / 2]) / 2;
	free(c);
	return m;
}

void stats_spread(const double *x, int n, struct spread *s)
{
	double sum = 0, ss = 0;

	memset(s, 0, sizeof(*s));
	if (n < 1)
		return;
	s->n = n;
	s->min = s->max = x[0];
	for (int i = 0; i < n; i++) {
		sum += x[i];
		if (x[i] < s->min)
			s->min = x[i];
		if (x[i] > s->max)
			s->max = x[i];
	}
	s->mean = sum / n;
	for (int i = 0; i < n; i++)
		ss += (x[i] - s->mean) * (x[i] - s->mean);
	s->stddev = n > 1 ? sqrt(ss / (n - 1)) : 0;
	s->rel_spread = s->mean != 0 ? s->stddev / fabs(s->mean) : 0;
	s->median = median_of(x, n);
}
