/* cpu_place.c -- reps of two runs sorted by the placement of their CPUs,
   as each rep's cache-line round trip shows it */
#include "stats/cpu_place.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "base/human.h"
#include "stats/robust.h"

#define CPU_PLACE_REPS_MAX 100     /* reps a side (DIFF_REPS_MAX) */

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static void keep_all(bool *keep, int n)
{
	for (int i = 0; i < n; i++)
		keep[i] = true;
}

/* side: how many of rtt[n] lie below cut (logs compared), their round
   trips into lo[] and the others' into hi[] */
static int side(const double *rtt, int n, double cut, double *lo, int *nlo, double *hi, int *nhi)
{
	int below = 0;

	for (int i = 0; i < n; i++) {
		if (log(rtt[i]) < cut) {
			lo[(*nlo)++] = rtt[i];
			below++;
		} else {
			hi[(*nhi)++] = rtt[i];
		}
	}
	return below;
}

enum cpu_place_pick cpu_place_common(const double *rtt_a, int na, const double *rtt_b, int nb,
				     bool *keep_a, bool *keep_b, char *note, size_t len)
{
	double l[2 * CPU_PLACE_REPS_MAX], lo[2 * CPU_PLACE_REPS_MAX], hi[2 * CPU_PLACE_REPS_MAX];
	double cut, gap = -1, near_ns, far_ns, kept_ns, other_ns;
	int n = 0, nlo = 0, nhi = 0, a_lo, b_lo, m_lo, m_hi;
	char w[2][HUMAN_LEN];
	bool pick_lo;

	keep_all(keep_a, na);
	keep_all(keep_b, nb);
	note[0] = '\0';
	if (na > CPU_PLACE_REPS_MAX || nb > CPU_PLACE_REPS_MAX)
		return CPU_PLACE_ALL;
	for (int i = 0; i < na + nb; i++) {
		double r = i < na ? rtt_a[i] : rtt_b[i - na];

		if (!(isfinite(r) && r > 0))
			return CPU_PLACE_ALL;      /* a rep that did not say */
		l[n++] = log(r);
	}
	qsort(l, (size_t)n, sizeof(*l), cmp_double);
	cut = l[0];
	for (int i = 0; i + 1 < n; i++)
		if (l[i + 1] - l[i] > gap) {
			gap = l[i + 1] - l[i];
			cut = (l[i] + l[i + 1]) / 2;
		}
	/* a spread of round trips with no jump between neighbours is the
	   measurement's own noise, one placement */
	if (n < 2 || exp(gap) <= CPU_PLACE_APART)
		return CPU_PLACE_ALL;
	a_lo = side(rtt_a, na, cut, lo, &nlo, hi, &nhi);
	b_lo = side(rtt_b, nb, cut, lo, &nlo, hi, &nhi);
	near_ns = robust_median(lo, nlo);
	far_ns = robust_median(hi, nhi);
	m_lo = a_lo < b_lo ? a_lo : b_lo;
	m_hi = na - a_lo < nb - b_lo ? na - a_lo : nb - b_lo;
	if (m_lo < CPU_PLACE_MIN_REPS && m_hi < CPU_PLACE_MIN_REPS) {
		snprintf(note, len, "the host placed the two CPUs differently: %d of a's %d reps and "
			 "%d of b's %d ran with a cache-line round trip near %s, the others near %s, "
			 "too few the same way in both runs to compare",
			 a_lo, na, b_lo, nb, human_seconds(near_ns / 1e9, w[0], sizeof(w[0])),
			 human_seconds(far_ns / 1e9, w[1], sizeof(w[1])));
		return CPU_PLACE_NONE;
	}
	pick_lo = m_lo >= m_hi;
	for (int i = 0; i < na; i++)
		keep_a[i] = (log(rtt_a[i]) < cut) == pick_lo;
	for (int i = 0; i < nb; i++)
		keep_b[i] = (log(rtt_b[i]) < cut) == pick_lo;
	kept_ns = pick_lo ? near_ns : far_ns;
	other_ns = pick_lo ? far_ns : near_ns;
	snprintf(note, len, "only the reps whose CPUs had a cache-line round trip near %s "
		 "(%d of a's %d, %d of b's %d); the host ran the others with the CPUs placed "
		 "differently (near %s)", human_seconds(kept_ns / 1e9, w[0], sizeof(w[0])),
		 pick_lo ? a_lo : na - a_lo, na, pick_lo ? b_lo : nb - b_lo, nb,
		 human_seconds(other_ns / 1e9, w[1], sizeof(w[1])));
	return CPU_PLACE_SOME;
}
