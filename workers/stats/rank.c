/* rank.c -- jobs ranked against a baseline by one figure */
#include "stats/rank.h"

#include <math.h>
#include <string.h>

/* better: a's median beats b's */
static bool better(const struct spread *a, const struct spread *b, bool higher)
{
	return higher ? a->median > b->median : a->median < b->median;
}

int rank_jobs(const struct rank_job *jobs, int n, int baseline, bool higher, const char *unit,
	      struct ranking *out)
{
	int base = baseline;

	memset(out, 0, sizeof(*out));
	if (n > RANK_MAX_ROWS)
		n = RANK_MAX_ROWS;
	for (int i = 0; i < n; i++) {
		struct rank_row *row = &out->rows[i];

		row->job = i;
		stats_spread(jobs[i].side.x, jobs[i].side.n, &row->fig);
		if (baseline == RANK_BEST &&
		    (base < 0 || better(&row->fig, &out->rows[base].fig, higher)))
			base = i;
	}
	out->nrows = n;
	if (n < 2 || base < 0 || base >= n)
		return -1;
	out->base = base;
	for (int i = 0; i < n; i++) {
		struct rank_row *row = &out->rows[i];
		double b = out->rows[base].fig.median;

		row->ratio = b != 0 ? row->fig.median / b : NAN;
		if (i == base)
			continue;
		verdict_judge(&jobs[i].side, &jobs[base].side, higher, jobs[base].margin_pct, unit,
			      &row->v);
		row->significant = (row->v.kind == VERDICT_CLEAR ||
				    row->v.kind == VERDICT_PROBABLY) && !row->v.why[0];
	}
	return 0;
}
