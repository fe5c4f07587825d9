/* test_stats.c -- percentiles against a sorted reference, histograms, spread */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stats/stats.h"

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t rng(void)
{
	uint64_t x = rng_state;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return rng_state = x;
}

/* Shapes of data: full 64-bit, many duplicates, and a latency-like tail. */
enum shape { SHAPE_WIDE, SHAPE_DUPS, SHAPE_TAIL, SHAPE__COUNT };

static void fill(uint64_t *v, size_t n, enum shape s)
{
	for (size_t i = 0; i < n; i++) {
		switch (s) {
		case SHAPE_WIDE:
			v[i] = rng();
			break;
		case SHAPE_DUPS:
			v[i] = rng() % 7;
			break;
		default:
			/* mostly ~200 ns, sometimes far slower */
			v[i] = 150 + rng() % 100 +
			       (rng() % 100 == 0 ? rng() % 1000000 : 0);
			break;
		}
	}
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

/* ref_rank: nearest rank (1-based) of per-mille pm, in integers */
static size_t ref_rank(size_t n, unsigned pm)
{
	size_t r = (size_t)(((unsigned long long)pm * n + 999) / 1000);

	return r < 1 ? 1 : r;
}

static void check_size(size_t n, enum shape s, unsigned pm_step)
{
	uint64_t *v = malloc(n * sizeof(*v));
	uint64_t *ref = malloc(n * sizeof(*ref));
	struct lat_summary ls;

	assert_non_null(v);
	assert_non_null(ref);
	fill(v, n, s);
	memcpy(ref, v, n * sizeof(*v));
	qsort(ref, n, sizeof(*ref), cmp_u64);
	stats_latency(v, n, 1, &ls);
	/* stats_latency sorts in place: the result is the reference order */
	assert_memory_equal(v, ref, n * sizeof(*v));
	for (unsigned pm = 0; pm <= 1000; pm += pm_step) {
		double got = stats_percentile_sorted(v, n, pm / 10.0);

		assert_true(got == (double)ref[ref_rank(n, pm) - 1]);
	}
	assert_true(stats_percentile_sorted(v, n, 0) == (double)ref[0]);
	assert_true(stats_percentile_sorted(v, n, 100) == (double)ref[n - 1]);
	assert_true(ls.min == (double)ref[0]);
	assert_true(ls.max == (double)ref[n - 1]);
	assert_true(ls.p50 == (double)ref[ref_rank(n, 500) - 1]);
	assert_true(ls.p90 == (double)ref[ref_rank(n, 900) - 1]);
	assert_true(ls.p99 == (double)ref[ref_rank(n, 990) - 1]);
	assert_true(ls.p999 == (double)ref[ref_rank(n, 999) - 1]);
	assert_true(ls.min <= ls.p50 && ls.p50 <= ls.p90 && ls.p90 <= ls.p99 &&
		    ls.p99 <= ls.p999 && ls.p999 <= ls.max);
	assert_true(ls.mean >= ls.min && ls.mean <= ls.max);
	free(v);
	free(ref);
}

static void test_percentiles_small(void **state)
{
	static const size_t sizes[] = {1, 2, 3, 4, 5, 7, 10, 99, 100, 101,
				       255, 256, 257, 999, 1000, 1001};
	(void)state;
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		for (int s = 0; s < SHAPE__COUNT; s++)
			check_size(sizes[i], s, 1);
}

static void test_percentiles_large(void **state)
{
	(void)state;
	for (int s = 0; s < SHAPE__COUNT; s++) {
		check_size(65536, s, 1);
		check_size(1000000, s, 7);
	}
}

static void test_percentile_known(void **state)
{
	const uint64_t v[] = {15, 20, 35, 40, 50};

	(void)state;
	/* textbook nearest-rank values */
	assert_true(stats_percentile_sorted(v, 5, 5) == 15);
	assert_true(stats_percentile_sorted(v, 5, 30) == 20);
	assert_true(stats_percentile_sorted(v, 5, 40) == 20);
	assert_true(stats_percentile_sorted(v, 5, 50) == 35);
	assert_true(stats_percentile_sorted(v, 5, 100) == 50);
	assert_true(stats_percentile_sorted(v, 5, 0) == 15);
	assert_true(stats_percentile_sorted(v, 1, 99.9) == 15);
}

static void test_latency_div(void **state)
{
	uint64_t v[] = {400, 200, 300, 100};
	struct lat_summary s;

	(void)state;
	stats_latency(v, 4, 2, &s);
	assert_true(s.min == 50);
	assert_true(s.max == 200);
	assert_true(s.p50 == 100);   /* rank 2 of 4: 200 / 2 */
	assert_true(fabs(s.mean - 125) < 1e-9);
	assert_true(v[0] == 100 && v[3] == 400);
}

static void test_latency_one(void **state)
{
	uint64_t v[] = {777};
	struct lat_summary s;

	(void)state;
	stats_latency(v, 1, 1, &s);
	assert_true(s.min == 777 && s.p50 == 777 && s.p999 == 777 &&
		    s.max == 777 && s.mean == 777);
}

/* check_hist: structural rules plus a recount of every value */
static void check_hist(const uint64_t *sorted, size_t n, double div)
{
	struct histogram h;
	uint64_t total = 0;
	uint64_t recount[HIST_BUCKETS] = {0};

	stats_histogram(sorted, n, div, &h);
	assert_in_range(h.nbuckets, 1, HIST_BUCKETS);
	for (int i = 0; i < h.nbuckets; i++) {
		assert_true(h.edge[i] < h.edge[i + 1]);
		total += h.count[i];
	}
	assert_int_equal(total, n);
	/* empty edge buckets are trimmed */
	assert_true(h.count[0] > 0);
	assert_true(h.count[h.nbuckets - 1] > 0);
	assert_true(h.edge[0] <= (double)sorted[0] / div);
	assert_true(h.edge[h.nbuckets] > (double)sorted[n - 1] / div);
	for (size_t i = 0; i < n; i++) {
		double x = (double)sorted[i] / div;
		int b = 0;

		while (b < h.nbuckets && !(x >= h.edge[b] && x < h.edge[b + 1]))
			b++;
		assert_true(b < h.nbuckets);
		recount[b]++;
	}
	assert_memory_equal(recount, h.count, (size_t)h.nbuckets * sizeof(recount[0]));
}

static void test_histogram_random(void **state)
{
	static const size_t sizes[] = {1, 2, 3, 10, 1000, 20000};
	(void)state;
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		for (int s = 0; s < SHAPE__COUNT; s++) {
			size_t n = sizes[i];
			uint64_t *v = malloc(n * sizeof(*v));

			assert_non_null(v);
			fill(v, n, s);
			if (s == SHAPE_WIDE)   /* keep /div exact in a double */
				for (size_t k = 0; k < n; k++)
					v[k] >>= 12;
			qsort(v, n, sizeof(*v), cmp_u64);
			check_hist(v, n, 1);
			check_hist(v, n, 2);
			free(v);
		}
	}
}

static void test_histogram_edges_log(void **state)
{
	uint64_t v[1000];
	struct histogram h;

	(void)state;
	for (int i = 0; i < 1000; i++)
		v[i] = 100 + (uint64_t)i * 1000;   /* 100 .. 999100 */
	stats_histogram(v, 1000, 2, &h);
	assert_true(h.edge[0] == 50);
	assert_true(h.nbuckets > 8);
	/* log spacing: every inner bucket grows by the same factor */
	double r = h.edge[2] / h.edge[1];
	assert_true(r > 1);
	for (int i = 1; i < h.nbuckets - 1; i++)
		assert_true(fabs(h.edge[i + 1] / h.edge[i] - r) < 1e-6);
}

static void test_histogram_degenerate(void **state)
{
	uint64_t same[50], zeros[5] = {0, 0, 0, 0, 0};
	uint64_t zero_and_more[6] = {0, 0, 10, 20, 40, 80};
	struct histogram h;

	(void)state;
	for (int i = 0; i < 50; i++)
		same[i] = 42;
	stats_histogram(same, 50, 1, &h);
	assert_int_equal(h.nbuckets, 1);
	assert_int_equal(h.count[0], 50);
	assert_true(h.edge[0] <= 42 && h.edge[1] > 42);
	check_hist(same, 50, 2);
	check_hist(zeros, 5, 1);
	check_hist(zero_and_more, 6, 1);
	check_hist(zero_and_more, 6, 2);
}

static void test_spread_known(void **state)
{
	const double x[] = {4, 2, 5, 4, 9, 4, 5, 7};
	double copy[8];
	struct spread s;

	(void)state;
	memcpy(copy, x, sizeof(x));
	stats_spread(copy, 8, &s);
	assert_memory_equal(copy, x, sizeof(x));
	assert_int_equal(s.n, 8);
	assert_true(s.min == 2 && s.max == 9);
	assert_true(fabs(s.mean - 5) < 1e-12);
	assert_true(fabs(s.median - 4.5) < 1e-12);
	assert_true(fabs(s.stddev - sqrt(32.0 / 7)) < 1e-12);   /* sample */
	assert_true(fabs(s.rel_spread - sqrt(32.0 / 7) / 5) < 1e-12);

	const double odd[] = {3, 1, 2};
	stats_spread(odd, 3, &s);
	assert_true(s.median == 2 && fabs(s.stddev - 1) < 1e-12);

	const double one[] = {12.5};
	stats_spread(one, 1, &s);
	assert_true(s.median == 12.5 && s.min == 12.5 && s.max == 12.5 &&
		    s.mean == 12.5 && s.stddev == 0 && s.rel_spread == 0);
	assert_int_equal(s.n, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_percentiles_small),
		cmocka_unit_test(test_percentiles_large),
		cmocka_unit_test(test_percentile_known),
		cmocka_unit_test(test_latency_div),
		cmocka_unit_test(test_latency_one),
		cmocka_unit_test(test_histogram_random),
		cmocka_unit_test(test_histogram_edges_log),
		cmocka_unit_test(test_histogram_degenerate),
		cmocka_unit_test(test_spread_known),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
