/* stats.h -- percentiles, histograms and summaries over reps */
#ifndef IPCSCOPE_STATS_H
#define IPCSCOPE_STATS_H

#include <stddef.h>
#include <stdint.h>

struct lat_summary {
	double min, p50, p90, p99, p999, max, mean;   /* ns */
};

#define HIST_BUCKETS 64

/* Log-spaced histogram: bucket i counts values in [edge[i], edge[i+1]). */
struct histogram {
	int nbuckets;                  /* used buckets, <= HIST_BUCKETS */
	double edge[HIST_BUCKETS + 1]; /* ns */
	uint64_t count[HIST_BUCKETS];
};

struct spread {
	double median, min, max, mean, stddev, rel_spread; /* rel = stddev/mean */
	int n;
};

/* stats_percentile_sorted: nearest-rank percentile q in [0,100] of a
   sorted array of n > 0 values */
double stats_percentile_sorted(const uint64_t *sorted, size_t n, double q);

/* stats_latency: sorts v in place (n > 0) and fills *s, dividing every
   value by div (2 for one-way from RTT) */
void stats_latency(uint64_t *v, size_t n, double div, struct lat_summary *s);

/* stats_histogram: log-spaced buckets over sorted v (n > 0), values / div */
void stats_histogram(const uint64_t *sorted, size_t n, double div,
		     struct histogram *h);

/* stats_spread: summary of n >= 1 doubles (x is not modified) */
void stats_spread(const double *x, int n, struct spread *s);

#endif
