/* demos.c -- the table of every demo, and what their lessons share */
#include "demos/demo.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "base/human.h"

extern const struct demo demo_sync_tax, demo_placement, demo_threads_vs_processes,
	demo_crossover, demo_layers, demo_race, demo_false_sharing, demo_framing,
	demo_contention, demo_zero_copy, demo_cleanup, demo_peercred, demo_serialization,
	demo_decide, demo_cross_host, demo_copies;

/* Adding a demo: its file in workers/demos/ and one line here. */
const struct demo *const demo_registry[] = {
	&demo_sync_tax,
	&demo_placement,
	&demo_threads_vs_processes,
	&demo_crossover,
	&demo_layers,
	&demo_copies,
	&demo_race,
	&demo_false_sharing,
	&demo_framing,
	&demo_contention,
	&demo_zero_copy,
	&demo_cleanup,
	&demo_peercred,
	&demo_serialization,
	&demo_decide,
	&demo_cross_host,
	NULL,
};

const struct demo_outcome *demo_outcome_at(const struct demo_outcome *o, int n, int job)
{
	return job >= 0 && job < n && o[job].ok ? &o[job] : NULL;
}

int demo_claim(const struct demo_outcome *a, const struct demo_outcome *b, struct verdict *v,
	       char *why, size_t whylen)
{
	struct verdict_side sa = { a->label, a->x, a->round, a->disturbed, a->nreps };
	struct verdict_side sb = { b->label, b->x, b->round, b->disturbed, b->nreps };
	struct verdict own;
	const char *reason;

	if (!v)
		v = &own;
	verdict_judge(&sa, &sb, a->higher, a->margin_pct, a->unit, v);
	if ((v->kind == VERDICT_CLEAR || v->kind == VERDICT_SAME) && !v->why[0])
		return 1;
	reason = v->why[0] ? v->why : v->basis[0] ? v->basis : v->text;
	if (why && whylen && !why[0])
		snprintf(why, whylen, "%s against %s: %s", a->label, b->label, reason);
	return 0;
}

void demo_ratio_lesson(const struct demo_outcome *o, int n, char *buf, size_t len,
			 const char *unit, double scale, char *why, size_t whylen)
{
	const struct demo_outcome *lo = NULL, *hi = NULL;
	char h[3][HUMAN_LEN];

	buf[0] = '\0';
	for (int i = 0; i < n; i++) {
		if (!o[i].ok)
			continue;
		if (!lo || o[i].fig.median < lo->fig.median)
			lo = &o[i];
		if (!hi || o[i].fig.median > hi->fig.median)
			hi = &o[i];
	}
	if (!lo || lo == hi) {
		snprintf(buf, len, "Too few variants ran to compare.");
		return;
	}
	demo_claim(hi, lo, NULL, why, whylen);
	snprintf(buf, len, "Lowest: %s, %s; highest: %s, %s: a factor of %s. ",
		 lo->label, human_si(lo->fig.median / scale, unit, h[0], sizeof(h[0])), hi->label,
		 human_si(hi->fig.median / scale, unit, h[1], sizeof(h[1])),
		 human_ratio(hi->fig.median / lo->fig.median, h[2], sizeof(h[2])));
}

const struct demo *demo_find(const char *name)
{
	for (int i = 0; demo_registry[i]; i++)
		if (strcmp(demo_registry[i]->name, name) == 0)
			return demo_registry[i];
	return NULL;
}
