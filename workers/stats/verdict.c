/* verdict.c -- which of two figures measured over interleaved reps is better,
   and by how much: the verdict a ratio's interval (stats/ratio) supports,
   checked against the noise, in words */
#include "stats/verdict.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/human.h"
#include "stats/robust.h"

/* factor_text: a factor as human_ratio gives it, but one just above 1 with
   three decimals ("1.003×"), which three significant digits would round to
   a "1×" that reads as no difference at all */
static const char *factor_text(double x, char *buf, size_t len)
{
	if (x > 1 && x < 1.01) {
		snprintf(buf, len, "%.3f\xc3\x97", x);
		return buf;
	}
	return human_ratio(x, buf, len);
}

const char *verdict_range_text(double lo, double hi, char *buf, size_t len)
{
	char a[HUMAN_LEN], b[HUMAN_LEN];
	const char *times = "\xc3\x97";
	size_t n;

	factor_text(lo, a, sizeof(a));
	n = strlen(a);
	if (n >= strlen(times) && !strcmp(a + n - strlen(times), times))
		a[n - strlen(times)] = '\0';
	snprintf(buf, len, "%s\xe2\x80\x93%s", a, factor_text(hi, b, sizeof(b)));
	return buf;
}

const char *verdict_within_text(const struct verdict *v, char *buf, size_t len)
{
	char w[HUMAN_LEN];

	/* beyond ±100 % a percentage stops reading as a margin: the interval */
	if (v->within_pct > 100)
		return verdict_range_text(v->ci.lo, v->ci.hi, buf, len);
	snprintf(buf, len, "within \xc2\xb1%s", human_pct(v->within_pct, w, sizeof(w)));
	return buf;
}

static const char *dir_word(int dir)
{
	return dir > 0 ? "faster" : "slower";
}

/* words: the verdict's text from its kind, direction and figures */
static void words(struct verdict *v)
{
	char f[HUMAN_LEN], r[2 * HUMAN_LEN], w[2 * HUMAN_LEN];

	switch (v->kind) {
	case VERDICT_CLEAR:
		snprintf(v->text, sizeof(v->text), "%s %s (%s)",
			 human_ratio(v->factor, f, sizeof(f)), dir_word(v->dir),
			 verdict_range_text(v->factor_lo, v->factor_hi, r, sizeof(r)));
		break;
	case VERDICT_PROBABLY:
		snprintf(v->text, sizeof(v->text), "probably %s, by %s", dir_word(v->dir),
			 verdict_range_text(v->factor_lo, v->factor_hi, r, sizeof(r)));
		break;
	case VERDICT_SAME:
		snprintf(v->text, sizeof(v->text), "can't tell apart (%s)",
			 verdict_within_text(v, w, sizeof(w)));
		break;
	default:
		snprintf(v->text, sizeof(v->text), "too few reps to tell");
	}
}

/* widen: the interval of a/b from two runs, each of whose level may sit
   off the machine's own by a random amount: each half-width h (in logs)
   becomes sqrt(h^2 + (z run_sd)^2), run_sd the log sd of the two runs'
   levels' difference; the p-value is then the normal one of that width */
static void widen(struct ratio_ci *ci, double run_sd)
{
	double c, lo, hi, e = VERDICT_Z * run_sd, sd;

	if (!(run_sd > 0) || ci->method == RATIO_NONE)
		return;
	c = log(ci->est);
	lo = sqrt(pow(c - log(ci->lo), 2) + e * e);
	hi = sqrt(pow(log(ci->hi) - c, 2) + e * e);
	ci->lo = exp(c - lo);
	ci->hi = exp(c + hi);
	ci->stop_lo = ci->stop_hi = NAN;   /* two runs: no stopping rule */
	ci->level = 1 - VERDICT_ALPHA;
	sd = (lo + hi) / (2 * VERDICT_Z);
	ci->p = erfc(fabs(c) / (sd * sqrt(2.0)));
}

/* classify: kind, direction and figures of an interval of a/b */
static void classify(const struct ratio_ci *ci, bool higher, double margin, struct verdict *v)
{
	double s = higher ? ci->est : 1 / ci->est;
	double slo = higher ? ci->lo : 1 / ci->hi, shi = higher ? ci->hi : 1 / ci->lo;

	v->ci = *ci;
	v->dir = 0;
	v->factor = v->factor_lo = v->factor_hi = NAN;
	v->within_pct = NAN;
	if (ci->method == RATIO_NONE) {
		v->kind = VERDICT_UNKNOWN;
	} else if (slo > 1 || shi < 1) {
		v->dir = slo > 1 ? 1 : -1;
		v->factor = v->dir > 0 ? s : 1 / s;
		v->factor_lo = v->dir > 0 ? slo : 1 / shi;
		v->factor_hi = v->dir > 0 ? shi : 1 / slo;
		v->kind = v->factor_lo >= 1 + margin / 100 ? VERDICT_CLEAR : VERDICT_PROBABLY;
	} else {
		v->kind = VERDICT_SAME;
		v->within_pct = 100 * fmax(shi - 1, 1 - slo);
	}
	words(v);
}

/* demote: a clear verdict becomes a probable one, for basis */
static void demote(struct verdict *v, const char *basis)
{
	if (v->kind != VERDICT_CLEAR)
		return;
	v->kind = VERDICT_PROBABLY;
	snprintf(v->basis, sizeof(v->basis), "%s", basis);
	words(v);
}

static void narrow_basis(struct verdict *v, double margin)
{
	char m[HUMAN_LEN], f[HUMAN_LEN];

	if (v->kind != VERDICT_PROBABLY || v->basis[0])
		return;
	snprintf(v->basis, sizeof(v->basis), "at its worst end the interval is only %s %s, "
		 "within the \xc2\xb1%s that counts as a clear difference",
		 factor_text(v->factor_lo, f, sizeof(f)), dir_word(v->dir),
		 human_pct(margin, m, sizeof(m)));
}

static void side_regimes(const struct verdict_side *s, struct robust_modes *m)
{
	if (!robust_bimodal(s->x, s->n, m)) {
		m->low = m->high = robust_median(s->x, s->n);
		m->bimodal = false;
	}
}

static void fig(double x, const char *unit, char *buf, size_t len)
{
	if (!strcmp(unit, "ns"))
		human_seconds(x / 1e9, buf, len);
	else if (!strcmp(unit, "s"))
		human_seconds(x, buf, len);
	else
		human_si(x, unit, buf, len);
}

/* check_regimes: a side that ran in two regimes, one on either side of
   the other's figure, leaves the order to chance */
static void check_regimes(const struct verdict_side *a, const struct verdict_side *b,
			  const char *unit, struct verdict *v)
{
	struct robust_modes ma, mb;
	char w[4][HUMAN_LEN];
	const struct verdict_side *two, *one;
	const struct robust_modes *mt, *mo;

	side_regimes(a, &ma);
	side_regimes(b, &mb);
	if ((!ma.bimodal && !mb.bimodal) || ma.low > mb.high || ma.high < mb.low)
		return;
	if (ma.bimodal && mb.bimodal) {
		fig(ma.low, unit, w[0], sizeof(w[0]));
		fig(ma.high, unit, w[1], sizeof(w[1]));
		fig(mb.low, unit, w[2], sizeof(w[2]));
		fig(mb.high, unit, w[3], sizeof(w[3]));
		snprintf(v->why, sizeof(v->why), "%s and %s each ran in two regimes (%s and %s, "
			 "%s and %s) that overlap, so which is faster depends on the regime",
			 a->name, b->name, w[0], w[1], w[2], w[3]);
	} else {
		two = ma.bimodal ? a : b;
		one = ma.bimodal ? b : a;
		mt = ma.bimodal ? &ma : &mb;
		mo = ma.bimodal ? &mb : &ma;
		fig(mt->low, unit, w[0], sizeof(w[0]));
		fig(mt->high, unit, w[1], sizeof(w[1]));
		fig(mo->low, unit, w[2], sizeof(w[2]));
		snprintf(v->why, sizeof(v->why), "%s ran in two regimes (%s and %s), one on either "
			 "side of %s (%s), so which is faster depends on the regime",
			 two->name, w[0], w[1], one->name, w[2]);
	}
	demote(v, v->why);
}

/* clean_of: the reps of s that were not disturbed; how many were */
static int clean_of(const struct verdict_side *s, double *x, int *round, int *n)
{
	int bad = 0;

	*n = 0;
	for (int i = 0; i < s->n; i++) {
		if (s->disturbed && s->disturbed[i]) {
			bad++;
			continue;
		}
		x[*n] = s->x[i];
		round[(*n)++] = s->round[i];
	}
	return bad;
}

/* clean_worst: the smallest factor by which a rep of the better side beats
   a rep of the other, over every pair of xa[na] and xb[nb]; a_up: a is
   the better side where a higher figure is better, or b is where lower
   is (a's figure above b's means better); NaN when a side has none */
static double clean_worst(const double *xa, int na, const double *xb, int nb, bool a_up)
{
	double lo_a = INFINITY, hi_a = -INFINITY, lo_b = INFINITY, hi_b = -INFINITY;

	if (na < 1 || nb < 1)
		return NAN;
	for (int i = 0; i < na; i++) {
		lo_a = fmin(lo_a, xa[i]);
		hi_a = fmax(hi_a, xa[i]);
	}
	for (int j = 0; j < nb; j++) {
		lo_b = fmin(lo_b, xb[j]);
		hi_b = fmax(hi_b, xb[j]);
	}
	return a_up ? lo_a / hi_b : lo_b / hi_a;
}

/* check_disturbed: the verdict again without the disturbed reps; when too
   few remain it rests on them, when it differs the noise changed it */
static void check_disturbed(const struct verdict_side *a, const struct verdict_side *b,
			    bool higher, double margin, struct verdict *v)
{
	double xa[VERDICT_MAX_REPS], xb[VERDICT_MAX_REPS];
	int ra[VERDICT_MAX_REPS], rb[VERDICT_MAX_REPS], na, nb, bad;
	struct ratio_ci c;
	struct verdict w;
	char basis[VERDICT_WHY_LEN], r[2 * HUMAN_LEN];

	bad = clean_of(a, xa, ra, &na) + clean_of(b, xb, rb, &nb);
	if (!bad)
		return;
	if (ratio_interval(xa, ra, na, xb, rb, nb, &c) < 0) {
		/* too few clean reps for an interval of their own: when at
		   least VERDICT_CLEAN_MIN a side are left and every one of the
		   better side still beats every one of the other by the margin
		   (a complete separation: 3 against 3 happens by chance 1 time
		   in 10), the verdict does not rest on the disturbed ones */
		if (v->kind == VERDICT_CLEAR && na >= VERDICT_CLEAN_MIN && nb >= VERDICT_CLEAN_MIN &&
		    clean_worst(xa, na, xb, nb, higher == (v->dir > 0)) >= 1 + margin / 100)
			return;
		snprintf(basis, sizeof(basis), "it rests on disturbed reps: %d of the %d reps were "
			 "disturbed, too many to check it without them", bad, a->n + b->n);
		demote(v, basis);
		return;
	}
	widen(&c, v->run_sd);
	memset(&w, 0, sizeof(w));
	classify(&c, higher, margin, &w);
	if (w.kind == VERDICT_SAME ? v->kind == VERDICT_SAME : w.dir == v->dir)
		return;
	if (!v->why[0] && w.kind == VERDICT_SAME)
		snprintf(v->why, sizeof(v->why), "without the %d disturbed reps, %s and %s can't "
			 "be told apart (%s)", bad, a->name, b->name,
			 verdict_within_text(&w, r, sizeof(r)));
	else if (!v->why[0])
		snprintf(v->why, sizeof(v->why), "without the %d disturbed reps, %s is %s than %s "
			 "by %s", bad, a->name, dir_word(w.dir), b->name,
			 verdict_range_text(w.factor_lo, w.factor_hi, r, sizeof(r)));
	demote(v, "dropping the disturbed reps changes it");
}

/* check_wide: "can't tell apart" wider than the margin is not settled */
static void check_wide(double margin, struct verdict *v)
{
	char r[2 * HUMAN_LEN], m[HUMAN_LEN];

	if (v->kind != VERDICT_SAME || v->why[0] || v->within_pct <= margin)
		return;
	snprintf(v->why, sizeof(v->why), "the interval (%s) includes 1 but reaches beyond "
		 "\xc2\xb1%s: %s", verdict_range_text(v->ci.lo, v->ci.hi, r, sizeof(r)),
		 human_pct(margin, m, sizeof(m)), v->run_sd > 0 ?
		 "one run can sit this far from another here, as far as their reps spread, "
		 "so more runs, not more reps, could tell them apart" :
		 "more reps could tell them apart");
}

void verdict_judge_runs(const struct verdict_side *a, const struct verdict_side *b, bool higher,
			double margin_pct, const char *unit, double run_sd, struct verdict *v)
{
	double margin = margin_pct > 0 ? margin_pct : VERDICT_MARGIN_PCT;

	memset(v, 0, sizeof(*v));
	v->run_sd = run_sd > 0 ? run_sd : 0;
	ratio_interval(a->x, a->round, a->n, b->x, b->round, b->n, &v->ci);
	widen(&v->ci, v->run_sd);
	classify(&v->ci, higher, margin, v);
	if (v->kind == VERDICT_UNKNOWN)
		return;
	check_regimes(a, b, unit ? unit : "", v);
	check_disturbed(a, b, higher, margin, v);
	check_wide(margin, v);
	narrow_basis(v, margin);
}

void verdict_judge(const struct verdict_side *a, const struct verdict_side *b, bool higher,
		   double margin_pct, const char *unit, struct verdict *v)
{
	verdict_judge_runs(a, b, higher, margin_pct, unit, 0, v);
}

const char *verdict_kind_name(enum verdict_kind k)
{
	switch (k) {
	case VERDICT_CLEAR: return "clear";
	case VERDICT_PROBABLY: return "probably";
	case VERDICT_SAME: return "same";
	default: return "unknown";
	}
}

const char *verdict_method_name(enum ratio_method m)
{
	return m == RATIO_SIGNED_RANK ? "signed-rank" : m == RATIO_RANK_SUM ? "rank-sum" : NULL;
}

bool verdict_settled(const struct verdict *v, double margin_pct)
{
	double margin = margin_pct > 0 ? margin_pct : VERDICT_MARGIN_PCT;

	if (v->kind == VERDICT_CLEAR || v->kind == VERDICT_PROBABLY)
		return true;
	return v->kind == VERDICT_SAME && v->within_pct <= margin;
}

bool verdict_may_stop(const struct verdict *v, double margin_pct)
{
	if (v->kind == VERDICT_CLEAR)
		return v->ci.stop_lo > 1 || v->ci.stop_hi < 1;
	return v->kind == VERDICT_SAME && verdict_settled(v, margin_pct);
}
