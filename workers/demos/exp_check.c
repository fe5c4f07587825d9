/* exp_check.c -- whether a comparison an experiment's lesson draws holds over
   its reps, and the words a lesson that rests on one that does not starts with */
#include "demos/exp.h"

#include <math.h>
#include <string.h>

#include "base/human.h"
#include "stats/stats.h"
#include "stats/trust.h"

/* The range of one side over its reps. */
struct side_range {
	double lo, hi, median;
};

static void range_of(const struct exp_side *s, struct side_range *r)
{
	struct spread sp;

	stats_spread(s->x, s->n, &sp);
	r->lo = sp.min;
	r->hi = sp.max;
	r->median = sp.median;
}

/* fig_text: one figure in unit, for people ("4.7 M increments/s", "3.1 µs") */
static const char *fig_text(double v, const char *unit, char *buf, size_t len)
{
	if (!strcmp(unit, "ns"))
		return human_seconds(v / 1e9, buf, len);
	if (!strcmp(unit, "s"))
		return human_seconds(v, buf, len);
	if (!strcmp(unit, "B/s"))
		return human_rate_bytes(v, buf, len);
	return human_si(v, unit, buf, len);
}

/* plain_unit: a unit human_si carries after the number (not a time or B/s) */
static int plain_unit(const char *unit)
{
	return strcmp(unit, "ns") && strcmp(unit, "s") && strcmp(unit, "B/s");
}

/* range_text: "4.7 M to 89 M increments/s", or the one figure */
static const char *range_text(const struct side_range *r, const char *unit, char *buf,
			      size_t len)
{
	char lo[HUMAN_LEN], hi[HUMAN_LEN];

	fig_text(r->hi, unit, hi, sizeof(hi));
	if (r->lo == r->hi)
		snprintf(buf, len, "%s", hi);
	else
		snprintf(buf, len, "%s to %s", fig_text(r->lo, plain_unit(unit) ? "" : unit, lo,
							sizeof(lo)), hi);
	return buf;
}

static int disturbed_reps(const struct exp_side *s)
{
	int k = 0;

	for (int i = 0; s->in && i < s->n; i++)
		k += trust_disturbed(&s->in[i]);
	return k;
}

/* disturbed: more than half of a side's reps shared their CPUs with others */
static bool disturbed(const struct exp_side *s)
{
	return disturbed_reps(s) * 2 > s->n;
}

/* few_or_disturbed: a side whose spread the gap must beat: too few reps
   for the robust tools, or most of them disturbed */
static bool few_or_disturbed(const struct exp_side *s)
{
	return s->n < EXP_SURE_REPS || disturbed(s);
}

/* side_why: why one side's figure cannot carry a comparison; 0 when it can */
static int side_why(const struct exp_side *s, const struct exp_cmp *c, char *why, size_t len)
{
	int reps[TRUST_MAX_REPS], n = s->n < TRUST_MAX_REPS ? s->n : TRUST_MAX_REPS;
	struct trust t;

	if (n < 1)
		return snprintf(why, len, "%s did not run", s->name), -1;
	if (n == 1)
		return snprintf(why, len, "%s ran once: one rep shows nothing of its spread",
				s->name), -1;
	for (int i = 0; i < n; i++)
		if (!(s->x[i] > 0))
			return snprintf(why, len, "%s measured nothing in rep %d", s->name, i + 1), -1;
	if (n < EXP_SURE_REPS)
		return 0;
	for (int i = 0; i < n; i++)
		reps[i] = i + 1;
	trust_judge(&t, s->x, reps, s->in, n, c->higher, 0, c->unit);
	if (t.why[0])
		return snprintf(why, len, "%s: %s", s->name, t.why), -1;
	return 0;
}

/* pair_why: why the two sides' ranges do not tell them apart; 0 when they do */
static int pair_why(const struct exp_cmp *c, char *why, size_t len)
{
	struct side_range a, b;
	char ra[2 * HUMAN_LEN], rb[2 * HUMAN_LEN], g[HUMAN_LEN], s[HUMAN_LEN];
	const struct side_range *lo, *hi;
	double gap, spread;

	range_of(&c->a, &a);
	range_of(&c->b, &b);
	lo = a.median <= b.median ? &a : &b;
	hi = lo == &a ? &b : &a;
	range_text(&a, c->unit, ra, sizeof(ra));
	range_text(&b, c->unit, rb, sizeof(rb));
	if (hi->lo <= lo->hi)
		return snprintf(why, len, "the reps of %s (%s) and %s (%s) overlap", c->a.name, ra,
				c->b.name, rb), -1;
	if (!few_or_disturbed(&c->a) && !few_or_disturbed(&c->b))
		return 0;
	gap = hi->median / lo->median;
	spread = fmax(a.hi / a.lo, b.hi / b.lo);
	if (gap > spread)
		return 0;
	human_ratio(gap, g, sizeof(g));
	human_ratio(spread, s, sizeof(s));
	return snprintf(why, len, "%s (%s) against %s (%s): a %s gap is no wider than the %s "
			"between reps of one side%s", c->a.name, ra, c->b.name, rb, g, s,
			disturbed(&c->a) || disturbed(&c->b) ?
			", and other processes disturbed most reps" : ""), -1;
}

int exp_compare(const struct exp_cmp *c, char *why, size_t len)
{
	why[0] = '\0';
	if (side_why(&c->a, c, why, len) < 0 || side_why(&c->b, c, why, len) < 0)
		return 0;
	if (c->kind == EXP_ALIKE)
		return 1;
	return pair_why(c, why, len) == 0;
}

int exp_claim(struct exp_out *o, const struct exp_cmp *c)
{
	char why[EXP_WHY_LEN];

	if (exp_compare(c, why, sizeof(why)))
		return 1;
	if (o && !o->why[0])
		snprintf(o->why, sizeof(o->why), "%s", why);
	return 0;
}

void exp_caveat(char *text, size_t len, const char *why)
{
	char head[EXP_WHY_LEN + 64];
	size_t h, t;

	if (!why || !why[0] || len == 0)
		return;
	h = (size_t)snprintf(head, sizeof(head), "Unreliable here (%s), so take this with care: ",
			     why);
	h = h < sizeof(head) ? h : sizeof(head) - 1;
	if (h >= len)
		h = len - 1;
	t = strlen(text);
	if (h + t >= len)
		t = len - 1 - h;
	memmove(text + h, text, t);
	memcpy(text, head, h);
	text[h + t] = '\0';
}
