/* board_parse.c -- a student's post to the class board, parsed strictly
 *
 * The post is one JSON object (docs/API.md, "The class board"): known
 * fields only, each once, each of its kind; numbers finite and in range;
 * text valid UTF-8 without control bytes and within its length. Anything
 * else is refused naming the field, before the board keeps a byte of it.
 */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "board.h"
#include "utf8.h"

#define BOARD_SIZE_MAX 1e12            /* a message size, bytes */
#define BOARD_FIGURE_MAX 1e15          /* any metric: messages/s, bytes/s, ns, s */
#define BOARD_CORES_MAX 4096

struct pctx {
	char *field;
	size_t flen;
	char *why;
	size_t wlen;
};

__attribute__((format(printf, 3, 4)))
static int fail(struct pctx *p, const char *field, const char *fmt, ...)
{
	va_list ap;

	snprintf(p->field, p->flen, "%s", field);
	va_start(ap, fmt);
	vsnprintf(p->why, p->wlen, fmt, ap);
	va_end(ap);
	return -1;
}

/* text: a string of 1..max bytes (0..max when may_be_empty) of valid
   UTF-8 without control bytes, copied into out */
static int text(struct pctx *p, const cJSON *v, const char *field, char *out, size_t max,
		bool may_be_empty)
{
	const char *s = cJSON_IsString(v) ? v->valuestring : NULL;
	size_t n = s ? strlen(s) : 0;

	if (!s)
		return fail(p, field, "%s must be a string", field);
	if (n > max || (n == 0 && !may_be_empty))
		return fail(p, field, "%s must have %d..%zu bytes", field, may_be_empty ? 0 : 1, max);
	if (utf8_valid(s, n) != n)
		return fail(p, field, "%s must be valid UTF-8", field);
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return fail(p, field, "%s must not hold control bytes", field);
	memcpy(out, s, n + 1);
	return 0;
}

static int number(struct pctx *p, const cJSON *v, const char *field, double lo, double hi,
		  double *out)
{
	if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble) || v->valuedouble < lo ||
	    v->valuedouble > hi)
		return fail(p, field, "%s must be a number in %g..%g", field, lo, hi);
	*out = v->valuedouble;
	return 0;
}

static int integer(struct pctx *p, const cJSON *v, const char *field, int lo, int hi, int *out)
{
	double d = 0;

	if (number(p, v, field, lo, hi, &d) < 0 || d != floor(d))
		return fail(p, field, "%s must be a whole number in %d..%d", field, lo, hi);
	*out = (int)d;
	return 0;
}

/* fields_known: every member of o is named in names (NULL-ended), and once */
static int fields_known(struct pctx *p, const cJSON *o, const char *where,
			const char *const *names)
{
	const cJSON *a, *b;

	if (!cJSON_IsObject(o))
		return fail(p, where, "%s must be an object", where);
	for (a = o->child; a; a = a->next) {
		int known = 0;

		for (const char *const *n = names; *n; n++)
			known |= !strcmp(a->string, *n);
		if (!known)
			return fail(p, where, "unknown field '%.40s' in %s", a->string, where);
		for (b = a->next; b; b = b->next)
			if (!strcmp(a->string, b->string))
				return fail(p, where, "field '%.40s' appears twice in %s", a->string,
					    where);
	}
	return 0;
}

static int summary(struct pctx *p, const cJSON *o, struct board_summary *s)
{
	static const char *const names[] = { "label", "mechanism", "size", "reps", "median",
					     "min", "max", NULL };

	if (fields_known(p, o, "summaries[]", names) < 0 ||
	    text(p, cJSON_GetObjectItemCaseSensitive(o, "label"), "summaries[].label", s->label,
		 BOARD_LABEL_MAX, false) < 0 ||
	    text(p, cJSON_GetObjectItemCaseSensitive(o, "mechanism"), "summaries[].mechanism",
		 s->mech, BOARD_MECH_MAX, false) < 0 ||
	    number(p, cJSON_GetObjectItemCaseSensitive(o, "size"), "summaries[].size", 0,
		   BOARD_SIZE_MAX, &s->size) < 0 ||
	    integer(p, cJSON_GetObjectItemCaseSensitive(o, "reps"), "summaries[].reps", 1,
		    BOARD_REPS_MAX, &s->reps) < 0 ||
	    number(p, cJSON_GetObjectItemCaseSensitive(o, "median"), "summaries[].median", 0,
		   BOARD_FIGURE_MAX, &s->median) < 0 ||
	    number(p, cJSON_GetObjectItemCaseSensitive(o, "min"), "summaries[].min", 0,
		   BOARD_FIGURE_MAX, &s->min) < 0 ||
	    number(p, cJSON_GetObjectItemCaseSensitive(o, "max"), "summaries[].max", 0,
		   BOARD_FIGURE_MAX, &s->max) < 0)
		return -1;
	if (!(s->min <= s->median && s->median <= s->max))
		return fail(p, "summaries[].median", "summaries[]: min <= median <= max must hold");
	return 0;
}

static int summaries(struct pctx *p, const cJSON *a, struct board_entry *e)
{
	const cJSON *o;

	if (!cJSON_IsArray(a))
		return fail(p, "summaries", "summaries must be an array");
	e->nsum = 0;
	cJSON_ArrayForEach(o, a) {
		if (e->nsum == BOARD_SUMMARIES_MAX)
			return fail(p, "summaries", "summaries holds more than %d lines",
				    BOARD_SUMMARIES_MAX);
		if (summary(p, o, &e->sum[e->nsum]) < 0)
			return -1;
		for (int i = 0; i < e->nsum; i++)
			if (!strcmp(e->sum[i].label, e->sum[e->nsum].label))
				return fail(p, "summaries[].label", "label '%s' appears twice",
					    e->sum[i].label);
		e->nsum++;
	}
	if (e->nsum == 0)
		return fail(p, "summaries", "summaries must hold at least one line");
	return 0;
}

static int machine(struct pctx *p, const cJSON *o, struct board_entry *e)
{
	static const char *const names[] = { "cpu_model", "cores", "kernel", "vm", NULL };
	const cJSON *vm = cJSON_GetObjectItemCaseSensitive(o, "vm");

	if (fields_known(p, o, "machine", names) < 0 ||
	    text(p, cJSON_GetObjectItemCaseSensitive(o, "cpu_model"), "machine.cpu_model", e->cpu,
		 BOARD_MACHINE_TEXT_MAX, true) < 0 ||
	    text(p, cJSON_GetObjectItemCaseSensitive(o, "kernel"), "machine.kernel", e->kernel,
		 BOARD_MACHINE_TEXT_MAX, true) < 0 ||
	    integer(p, cJSON_GetObjectItemCaseSensitive(o, "cores"), "machine.cores", 1,
		    BOARD_CORES_MAX, &e->cores) < 0)
		return -1;
	if (!cJSON_IsBool(vm) && !cJSON_IsNull(vm))
		return fail(p, "machine.vm", "machine.vm must be true, false or null");
	e->vm = cJSON_IsNull(vm) ? -1 : cJSON_IsTrue(vm);
	e->machine = true;
	return 0;
}

static const struct board_summary *summary_of(const struct board_entry *e, const char *label)
{
	for (int i = 0; i < e->nsum; i++)
		if (!strcmp(e->sum[i].label, label))
			return &e->sum[i];
	return NULL;
}

/* key: the lesson's key figure: two labels of the summaries, the factor
   their medians make (a's cost over b's: b/a when a higher figure is
   better), and the comparison row's interval and verdict or nulls */
static int key(struct pctx *p, const cJSON *o, struct board_entry *e)
{
	static const char *const names[] = { "a", "b", "factor", "low", "high", "verdict", NULL };
	static const char *const verdicts[] = { "clear", "probably", "same", "unknown", NULL };
	const cJSON *lo = cJSON_GetObjectItemCaseSensitive(o, "low");
	const cJSON *hi = cJSON_GetObjectItemCaseSensitive(o, "high");
	const cJSON *vd = cJSON_GetObjectItemCaseSensitive(o, "verdict");
	struct board_key *k = &e->key;
	const struct board_summary *a, *b;
	double want;
	bool known = false;

	if (fields_known(p, o, "key", names) < 0 ||
	    text(p, cJSON_GetObjectItemCaseSensitive(o, "a"), "key.a", k->a, BOARD_LABEL_MAX,
		 false) < 0 ||
	    text(p, cJSON_GetObjectItemCaseSensitive(o, "b"), "key.b", k->b, BOARD_LABEL_MAX,
		 false) < 0 ||
	    number(p, cJSON_GetObjectItemCaseSensitive(o, "factor"), "key.factor", BOARD_KEY_MIN,
		   BOARD_KEY_MAX, &k->factor) < 0)
		return -1;
	a = summary_of(e, k->a);
	b = summary_of(e, k->b);
	if (!a || !b || a == b)
		return fail(p, !a ? "key.a" : "key.b", "key.a and key.b must be two labels of the "
			    "summaries");
	want = e->higher ? (a->median > 0 ? b->median / a->median : 0)
			 : (b->median > 0 ? a->median / b->median : 0);
	if (!(fabs(k->factor - want) <= BOARD_KEY_TOLERANCE * want))
		return fail(p, "key.factor", "key.factor must be the summaries' medians of key.a "
			    "against key.b (%.6g), not %.6g", want, k->factor);
	k->low = k->high = NAN;
	if ((lo && !cJSON_IsNull(lo)) || (hi && !cJSON_IsNull(hi))) {
		if (number(p, lo, "key.low", BOARD_KEY_MIN, BOARD_KEY_MAX, &k->low) < 0 ||
		    number(p, hi, "key.high", BOARD_KEY_MIN, BOARD_KEY_MAX, &k->high) < 0)
			return -1;
		if (k->low > k->high)
			return fail(p, "key.low", "key.low must not exceed key.high");
	}
	if (vd && !cJSON_IsNull(vd)) {
		if (text(p, vd, "key.verdict", k->verdict, sizeof(k->verdict) - 1, false) < 0)
			return -1;
		for (const char *const *v = verdicts; *v; v++)
			known |= !strcmp(k->verdict, *v);
		if (!known)
			return fail(p, "key.verdict", "key.verdict must be clear, probably, same, "
				    "unknown or null");
	}
	k->has = true;
	return 0;
}

/* metric_known: one of the figures a summary line carries */
static bool metric_known(const char *m)
{
	static const char *const metrics[] = { "msgs_per_s", "bytes_per_s", "elapsed_s",
					       "latency_p50_ns", NULL };

	for (const char *const *k = metrics; *k; k++)
		if (!strcmp(m, *k))
			return true;
	return false;
}

static int entry(struct pctx *p, const cJSON *o, struct board_entry *e)
{
	static const char *const names[] = { "demo", "as", "metric", "higher_is_better",
					     "summaries", "lesson", "key", "machine", NULL };
	const cJSON *hib = cJSON_GetObjectItemCaseSensitive(o, "higher_is_better");
	const cJSON *lesson = cJSON_GetObjectItemCaseSensitive(o, "lesson");
	const cJSON *mach = cJSON_GetObjectItemCaseSensitive(o, "machine");
	const cJSON *k = cJSON_GetObjectItemCaseSensitive(o, "key");

	if (fields_known(p, o, "the post", names) < 0 ||
	    text(p, cJSON_GetObjectItemCaseSensitive(o, "demo"), "demo", e->demo, BOARD_MECH_MAX,
		 false) < 0 ||
	    text(p, cJSON_GetObjectItemCaseSensitive(o, "as"), "as", e->as, BOARD_NAME_MAX,
		 false) < 0 ||
	    text(p, cJSON_GetObjectItemCaseSensitive(o, "metric"), "metric", e->metric,
		 BOARD_MECH_MAX, false) < 0)
		return -1;
	if (!metric_known(e->metric))
		return fail(p, "metric", "metric must be msgs_per_s, bytes_per_s, elapsed_s or "
			    "latency_p50_ns");
	if (!cJSON_IsBool(hib))
		return fail(p, "higher_is_better", "higher_is_better must be true or false");
	e->higher = cJSON_IsTrue(hib);
	if (summaries(p, cJSON_GetObjectItemCaseSensitive(o, "summaries"), e) < 0)
		return -1;
	if (lesson && text(p, lesson, "lesson", e->lesson, BOARD_LESSON_MAX, true) < 0)
		return -1;
	if (k && !cJSON_IsNull(k) && key(p, k, e) < 0)
		return -1;
	if (mach && !cJSON_IsNull(mach) && machine(p, mach, e) < 0)
		return -1;
	return 0;
}

int board_parse(const char *body, size_t len, struct board_entry *e, char *field,
		size_t flen, char *why, size_t wlen)
{
	struct pctx p = { field, flen, why, wlen };
	const char *end = NULL;
	cJSON *o;
	int rc;

	memset(e, 0, sizeof(*e));
	e->vm = -1;
	field[0] = why[0] = '\0';
	if (len == 0)
		return fail(&p, "body", "the post is empty: a JSON object is expected");
	if (len > BOARD_BODY_MAX)
		return fail(&p, "body", "the post is larger than %u bytes", BOARD_BODY_MAX);
	if (memchr(body, '\0', len))
		return fail(&p, "body", "the post holds a NUL byte");
	o = cJSON_ParseWithLengthOpts(body, len, &end, 0);
	if (!o)
		return fail(&p, "body", "the post is not valid JSON");
	while (end && end < body + len && strchr(" \t\r\n", *end))
		end++;
	if (end != body + len) {
		cJSON_Delete(o);
		return fail(&p, "body", "the post has bytes after its JSON object");
	}
	rc = entry(&p, o, e);
	cJSON_Delete(o);
	return rc;
}
