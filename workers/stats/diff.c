/* diff.c -- two runs compared across time: per mechanism and size, the
   ratio of the later run's reps to the earlier run's with its 95 %
   interval (rank sum: the two runs' reps are not paired), the verdict it
   supports, and what moved on the machine between the runs */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "stats/diff.h"
#include "base/human.h"
#include "stats/cpu_place.h"
#include "stats/robust.h"
#include "stats/verdict.h"

#define DIFF_LABEL_MAX 96
#define DIFF_MOVE_RTT 1.5          /* a cache-line round trip that moved by more
				      than this either way: the rule between reps */

/* One mechanism (or labelled job) at one size, as one run measured it. */
struct drow {
	char label[DIFF_LABEL_MAX];
	char mech[DIFF_LABEL_MAX];
	double size;
	double x[DIFF_REPS_MAX];
	double rtt[DIFF_REPS_MAX];   /* the rep's cache-line round trip, NaN: none */
	bool disturbed[DIFF_REPS_MAX];
	int n;
	int dropped;               /* reps past DIFF_REPS_MAX, or measuring nothing */
};

struct drun {
	const struct diff_input *in;
	cJSON *start, *end;        /* the parsed start and end lines, or NULL */
	struct drow *rows;
	int nrows;
	bool latency;
};

static void drun_free(struct drun *r)
{
	cJSON_Delete(r->start);
	cJSON_Delete(r->end);
	free(r->rows);
}

static const char *str_of(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static double num_of(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsNumber(v) ? v->valuedouble : NAN;
}

/* figure: the rep's figure under the run's metric, NaN when it has none */
static double figure(const cJSON *line, bool latency)
{
	if (latency)
		return num_of(cJSON_GetObjectItemCaseSensitive(line, "latency_ns"), "p50");
	return num_of(line, "msgs_per_s");
}

/* row_for: the row of label at size, added when new; NULL when full */
static struct drow *row_for(struct drun *r, const char *label, const char *mech, double size)
{
	char key[DIFF_LABEL_MAX];

	snprintf(key, sizeof(key), "%s", label);
	for (int i = 0; i < r->nrows; i++)
		if (!strcmp(r->rows[i].label, key) && r->rows[i].size == size)
			return &r->rows[i];
	if (r->nrows == DIFF_ROWS_MAX)
		return NULL;
	struct drow *w = &r->rows[r->nrows++];
	memset(w, 0, sizeof(*w));
	snprintf(w->label, sizeof(w->label), "%s", key);
	snprintf(w->mech, sizeof(w->mech), "%s", mech);
	w->size = size;
	return w;
}

static void take_result(struct drun *r, const cJSON *line)
{
	const char *mech = str_of(line, "mechanism"), *label = str_of(line, "label");
	double size = num_of(line, "size"), x = figure(line, r->latency);
	const cJSON *intf = cJSON_GetObjectItemCaseSensitive(line, "interference");
	struct drow *w;

	if (!mech || !isfinite(size))
		return;
	if (!(w = row_for(r, label && *label ? label : mech, mech, size)))
		return;
	if (!(isfinite(x) && x > 0) || w->n == DIFF_REPS_MAX) {
		w->dropped++;
		return;
	}
	w->disturbed[w->n] = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(intf, "disturbed"));
	w->rtt[w->n] = num_of(intf, "line_rtt_ns");
	w->x[w->n++] = x;
}

/* parse: the run's start line, result lines and end line; 0, or -1 with
   the reason in err */
static int parse(struct drun *r, const struct diff_input *in, char *err, size_t errlen)
{
	const char *p = in->lines, *end = in->lines + in->len;
	int lineno = 0, results = 0;

	memset(r, 0, sizeof(*r));
	r->in = in;
	if (!(r->rows = calloc(DIFF_ROWS_MAX, sizeof(*r->rows)))) {
		error_set(err, errlen, "out of memory");
		return -1;
	}
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		cJSON *line;
		const char *type;

		lineno++;
		if (n == 0 || (n == 1 && *p == '\r')) {
			p += n + 1;
			continue;
		}
		line = cJSON_ParseWithLength(p, n);
		type = str_of(line, "type");
		if (!cJSON_IsObject(line) || !type) {
			cJSON_Delete(line);
			error_set(err, errlen, "'%.100s' line %d is not an NDJSON line of a run (a JSON "
				 "object with a \"type\")", in->name, lineno);
			return -1;
		}
		p += n + 1;
		if (!strcmp(type, "start") && !r->start) {
			const cJSON *asked = cJSON_GetObjectItemCaseSensitive(line, "params");
			const char *mode = str_of(asked, "mode");

			r->latency = mode && !strcmp(mode, "latency");
			r->start = line;
			continue;
		}
		if (!strcmp(type, "end") && !r->end) {
			r->end = line;
			continue;
		}
		if (!strcmp(type, "result") && r->start) {
			take_result(r, line);
			results++;
		}
		cJSON_Delete(line);
	}
	if (!r->start) {
		error_set(err, errlen, "'%.100s' has no start line: not the NDJSON of a run",
			 in->name);
		return -1;
	}
	if (!results) {
		error_set(err, errlen, "'%.100s' has no result lines: no reps to compare",
			 in->name);
		return -1;
	}
	return 0;
}

/* ---- the platform between the runs -------------------------------------- */

static void text_of(const cJSON *v, char *buf, size_t len)
{
	char *s;

	if (cJSON_IsString(v)) {
		snprintf(buf, len, "%s", v->valuestring);
		return;
	}
	s = v ? cJSON_PrintUnformatted(v) : NULL;
	snprintf(buf, len, "%s", s ? s : "none");
	free(s);
}

/* moves: what differs between the two systems, in words, into arr */
static void moves(const cJSON *sa, const cJSON *sb, cJSON *arr)
{
	static const char *const keys[] = {
		"kernel", "cpu_model", "cores", "arch", "clock_source", "memory_bytes",
		"page_size",
	};
	char a[160], b[160], w[400];

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		const cJSON *va = cJSON_GetObjectItemCaseSensitive(sa, keys[i]);
		const cJSON *vb = cJSON_GetObjectItemCaseSensitive(sb, keys[i]);

		text_of(va, a, sizeof(a));
		text_of(vb, b, sizeof(b));
		if (strcmp(a, b)) {
			snprintf(w, sizeof(w), "%s: %s, then %s", keys[i], a, b);
			cJSON_AddItemToArray(arr, cJSON_CreateString(w));
		}
	}
}

/* rtt_move: the cache-line round trip of the two runs' ends, when both
   timed one on the same CPU pair and it moved beyond DIFF_MOVE_RTT */
static void rtt_move(const struct drun *a, const struct drun *b, cJSON *arr)
{
	const cJSON *pa = cJSON_GetObjectItemCaseSensitive(a->end, "platform");
	const cJSON *pb = cJSON_GetObjectItemCaseSensitive(b->end, "platform");
	double ra = num_of(pa, "line_rtt_ns"), rb = num_of(pb, "line_rtt_ns");
	char ca[64], cb[64], w[300];

	if (!(ra > 0 && rb > 0))
		return;
	text_of(cJSON_GetObjectItemCaseSensitive(pa, "cpus"), ca, sizeof(ca));
	text_of(cJSON_GetObjectItemCaseSensitive(pb, "cpus"), cb, sizeof(cb));
	if (strcmp(ca, cb) || (rb / ra <= DIFF_MOVE_RTT && ra / rb <= DIFF_MOVE_RTT))
		return;
	snprintf(w, sizeof(w), "the cache-line round trip between CPUs %s moved %.2f× "
		 "(%.0f ns, then %.0f ns)", ca, rb / ra, ra, rb);
	cJSON_AddItemToArray(arr, cJSON_CreateString(w));
}

/* param_moves: the params the two runs were asked with that differ */
static void param_moves(const cJSON *pa, const cJSON *pb, cJSON *arr)
{
	const cJSON *v;
	char a[160], b[160], w[400];

	cJSON_ArrayForEach(v, pa) {
		text_of(v, a, sizeof(a));
		text_of(cJSON_GetObjectItemCaseSensitive(pb, v->string), b, sizeof(b));
		if (strcmp(a, b)) {
			snprintf(w, sizeof(w), "%s: %s, then %s", v->string, a, b);
			cJSON_AddItemToArray(arr, cJSON_CreateString(w));
		}
	}
	cJSON_ArrayForEach(v, pb) {
		if (cJSON_GetObjectItemCaseSensitive(pa, v->string))
			continue;
		text_of(v, b, sizeof(b));
		snprintf(w, sizeof(w), "%s: none, then %s", v->string, b);
		cJSON_AddItemToArray(arr, cJSON_CreateString(w));
	}
}

static void dup_into(cJSON *o, const char *key, const cJSON *from)
{
	cJSON *v = from ? cJSON_Duplicate(from, 1) : NULL;

	cJSON_AddItemToObject(o, key, v ? v : cJSON_CreateNull());
}

static cJSON *side_json(const struct drun *r)
{
	cJSON *o = cJSON_CreateObject();
	const char *status = r->end ? str_of(r->end, "status") : NULL;

	cJSON_AddStringToObject(o, "name", r->in->name);
	dup_into(o, "run", cJSON_GetObjectItemCaseSensitive(r->start, "run"));
	dup_into(o, "what", cJSON_GetObjectItemCaseSensitive(r->start, "what"));
	dup_into(o, "params", cJSON_GetObjectItemCaseSensitive(r->start, "params"));
	dup_into(o, "system", cJSON_GetObjectItemCaseSensitive(r->start, "system"));
	dup_into(o, "platform", cJSON_GetObjectItemCaseSensitive(r->end, "platform"));
	cJSON_AddStringToObject(o, "status", status ? status : "interrupted");
	return o;
}

/* ---- the rows ---------------------------------------------------------- */

static void number_or_null(cJSON *o, const char *key, double v)
{
	if (isfinite(v))
		cJSON_AddNumberToObject(o, key, v);
	else
		cJSON_AddNullToObject(o, key);
}

static void string_or_null(cJSON *o, const char *key, const char *s)
{
	if (s && *s)
		cJSON_AddStringToObject(o, key, s);
	else
		cJSON_AddNullToObject(o, key);
}

static double median_of(const double *x, int n)
{
	return n > 0 ? robust_median(x, n) : NAN;
}

static const struct drow *find_row(const struct drun *r, const struct drow *like)
{
	for (int i = 0; i < r->nrows; i++)
		if (!strcmp(r->rows[i].label, like->label) && r->rows[i].size == like->size)
			return &r->rows[i];
	return NULL;
}

/* kept: the reps of r that keep[] marks, into out */
static void kept(const struct drow *r, const bool *keep, struct drow *out)
{
	*out = *r;
	out->n = 0;
	for (int i = 0; i < r->n; i++)
		if (keep[i]) {
			out->x[out->n] = r->x[i];
			out->rtt[out->n] = r->rtt[i];
			out->disturbed[out->n++] = r->disturbed[i];
		}
}

/* judge: the verdict on b's reps against a's, unpaired: the two runs'
   rounds have nothing in common (a's numbered from 1, b's after them), so
   the interval is the rank-sum one over every rep of each, widened for
   the run-to-run noise: each run's level is taken to sit off the
   machine's own by as much as one of its reps does (its reps' log sd) */
static void judge(const struct drow *ra, const struct drow *rb, bool higher, double margin,
		  const char *unit, struct verdict *v)
{
	int rounda[DIFF_REPS_MAX], roundb[DIFF_REPS_MAX];
	char na[DIFF_LABEL_MAX + 8], nb[DIFF_LABEL_MAX + 8];
	double run_sd = hypot(robust_log_sd(ra->x, ra->n), robust_log_sd(rb->x, rb->n));

	for (int i = 0; i < ra->n; i++)
		rounda[i] = i + 1;
	for (int i = 0; i < rb->n; i++)
		roundb[i] = ra->n + i + 1;
	snprintf(na, sizeof(na), "%s (a)", ra->label);
	snprintf(nb, sizeof(nb), "%s (b)", rb->label);
	struct verdict_side sa = { na, ra->x, rounda, ra->disturbed, ra->n };
	struct verdict_side sb = { nb, rb->x, roundb, rb->disturbed, rb->n };

	verdict_judge_runs(&sb, &sa, higher, margin, unit, isfinite(run_sd) ? run_sd : 0, v);
}

/* row_json: one diff_row; *slower set when b is slower than a beyond the
   threshold */
static cJSON *row_json(const struct drow *ra, const struct drow *rb, bool latency,
		       double threshold, bool *slower)
{
	const struct drow *one = ra ? ra : rb;
	cJSON *o = cJSON_CreateObject();
	struct verdict v;
	const char *change;
	double ma = ra ? median_of(ra->x, ra->n) : NAN, mb = rb ? median_of(rb->x, rb->n) : NAN;
	bool both = ra && rb, judged, none;
	enum cpu_place_pick pick = CPU_PLACE_ALL;
	char place[CPU_PLACE_NOTE_LEN] = "";
	int na = ra ? ra->n : 0, nb = rb ? rb->n : 0;

	*slower = false;
	memset(&v, 0, sizeof(v));
	if (both) {
		/* only reps of one placement of the CPUs against each other */
		bool keep_a[DIFF_REPS_MAX], keep_b[DIFF_REPS_MAX];
		struct drow sa, sb;

		pick = cpu_place_common(ra->rtt, ra->n, rb->rtt, rb->n, keep_a, keep_b, place,
					sizeof(place));
		if (pick != CPU_PLACE_NONE) {
			kept(ra, keep_a, &sa);
			kept(rb, keep_b, &sb);
			judge(&sa, &sb, !latency, threshold > 0 ? threshold : DIFF_THRESHOLD_TINY,
			      latency ? "ns" : "msgs/s", &v);
			/* the medians shown are of the reps compared, so they
			   say what the verdict weighed */
			ma = median_of(sa.x, sa.n);
			mb = median_of(sb.x, sb.n);
			na = sa.n;
			nb = sb.n;
		}
	}
	judged = both && pick != CPU_PLACE_NONE;
	cJSON_AddStringToObject(o, "type", "diff_row");
	cJSON_AddStringToObject(o, "mechanism", one->mech);
	cJSON_AddStringToObject(o, "label", one->label);
	cJSON_AddNumberToObject(o, "size", one->size);
	cJSON_AddStringToObject(o, "metric", latency ? "latency_p50_ns" : "msgs_per_s");
	cJSON_AddBoolToObject(o, "higher_is_better", !latency);
	number_or_null(o, "a_median", ma);
	number_or_null(o, "b_median", mb);
	cJSON_AddNumberToObject(o, "a_reps", na);
	cJSON_AddNumberToObject(o, "b_reps", nb);
	number_or_null(o, "ratio", mb / ma);
	none = !judged || v.ci.method == RATIO_NONE;
	number_or_null(o, "estimate", judged ? v.ci.est : NAN);
	number_or_null(o, "ci_low", none ? NAN : v.ci.lo);
	number_or_null(o, "ci_high", none ? NAN : v.ci.hi);
	string_or_null(o, "method", none ? NULL : verdict_method_name(v.ci.method));
	number_or_null(o, "level", none ? NAN : v.ci.level);
	number_or_null(o, "p_value", judged ? v.ci.p : NAN);
	number_or_null(o, "run_noise_pct", none ? NAN : 100 * (exp(VERDICT_Z * v.run_sd) - 1));
	string_or_null(o, "placement", pick == CPU_PLACE_ALL ? NULL : place);
	cJSON_AddStringToObject(o, "verdict", !both ? "missing" : judged ?
				verdict_kind_name(v.kind) : verdict_kind_name(VERDICT_UNKNOWN));
	string_or_null(o, "direction", judged && v.dir ? (v.dir > 0 ? "faster" : "slower") : NULL);
	number_or_null(o, "factor", judged ? v.factor : NAN);
	number_or_null(o, "factor_low", judged ? v.factor_lo : NAN);
	number_or_null(o, "factor_high", judged ? v.factor_hi : NAN);
	number_or_null(o, "within_pct", judged ? v.within_pct : NAN);
	if (!both)
		change = ra ? "only in a" : "only in b";
	else if (!judged || v.kind == VERDICT_UNKNOWN)
		change = "unknown";
	else if (v.kind == VERDICT_CLEAR)
		/* clear with the threshold as its margin: even the interval's
		   near end is beyond the threshold, and neither two regimes nor
		   the disturbed reps could change it */
		change = v.dir > 0 ? "faster" : "slower";
	else if (v.dir && v.factor_lo >= 1 + threshold / 100)
		/* beyond the threshold all along, but two regimes or the
		   disturbed reps could change it: said, not gated on */
		change = v.dir > 0 ? "probably faster" : "probably slower";
	else
		change = "no change";
	*slower = !strcmp(change, "slower");
	cJSON_AddStringToObject(o, "change", change);
	if (judged)
		cJSON_AddStringToObject(o, "verdict_text", v.text);
	else if (both)
		cJSON_AddStringToObject(o, "verdict_text", "the CPUs were placed differently");
	else
		cJSON_AddStringToObject(o, "verdict_text", ra ? "not in b" : "not in a");
	string_or_null(o, "verdict_basis", judged ? v.basis : NULL);
	string_or_null(o, "unreliable", judged ? v.why : both ? place : NULL);
	cJSON_AddNumberToObject(o, "a_disturbed", 0);
	cJSON_AddNumberToObject(o, "b_disturbed", 0);
	for (int s = 0; s < 2; s++) {
		const struct drow *w = s ? rb : ra;
		int k = 0;

		for (int i = 0; w && i < w->n; i++)
			k += w->disturbed[i];
		cJSON_SetNumberValue(cJSON_GetObjectItemCaseSensitive(o, s ? "b_disturbed" :
								      "a_disturbed"), k);
	}
	return o;
}

enum diff_outcome diff_runs(const struct diff_input *a, const struct diff_input *b,
			    double threshold_pct, void (*emit)(void *ctx, cJSON *line),
			    void *ctx, char *err, size_t errlen)
{
	struct drun ra, rb;
	cJSON *start, *moved, *pmoved, *slower_list, *end;
	int rows = 0, slower = 0, faster = 0, probably = 0, same = 0, unknown = 0, missing = 0;
	bool sl;

	if (parse(&ra, a, err, errlen) < 0) {
		drun_free(&ra);
		return DIFF_BAD;
	}
	if (parse(&rb, b, err, errlen) < 0) {
		drun_free(&ra);
		drun_free(&rb);
		return DIFF_BAD;
	}
	if (ra.latency != rb.latency) {
		error_set(err, errlen, "'%.100s' measured %s and '%.100s' %s: the figures do not "
			 "compare", a->name, ra.latency ? "latency" : "throughput", b->name,
			 rb.latency ? "latency" : "throughput");
		drun_free(&ra);
		drun_free(&rb);
		return DIFF_BAD;
	}
	start = cJSON_CreateObject();
	cJSON_AddStringToObject(start, "type", "diff_start");
	cJSON_AddItemToObject(start, "a", side_json(&ra));
	cJSON_AddItemToObject(start, "b", side_json(&rb));
	cJSON_AddNumberToObject(start, "threshold_pct", threshold_pct);
	cJSON_AddStringToObject(start, "metric", ra.latency ? "latency_p50_ns" : "msgs_per_s");
	cJSON_AddStringToObject(start, "method", "rank-sum");
	moved = cJSON_CreateArray();
	moves(cJSON_GetObjectItemCaseSensitive(ra.start, "system"),
	      cJSON_GetObjectItemCaseSensitive(rb.start, "system"), moved);
	rtt_move(&ra, &rb, moved);
	pmoved = cJSON_CreateArray();
	param_moves(cJSON_GetObjectItemCaseSensitive(ra.start, "params"),
		    cJSON_GetObjectItemCaseSensitive(rb.start, "params"), pmoved);
	cJSON_AddBoolToObject(start, "platform_moved", cJSON_GetArraySize(moved) > 0);
	cJSON_AddItemToObject(start, "moves", moved);
	cJSON_AddItemToObject(start, "params_differ", pmoved);
	emit(ctx, start);

	slower_list = cJSON_CreateArray();
	for (int s = 0; s < 2; s++) {
		const struct drun *r = s ? &rb : &ra;

		for (int i = 0; i < r->nrows; i++) {
			const struct drow *w = &r->rows[i], *other;
			cJSON *row;
			const char *change;

			if (s && find_row(&ra, w))
				continue;      /* a's pass took it */
			other = find_row(s ? &ra : &rb, w);
			row = s ? row_json(NULL, w, ra.latency, threshold_pct, &sl)
				: row_json(w, other, ra.latency, threshold_pct, &sl);
			change = str_of(row, "change");
			rows++;
			if (sl) {
				char name[DIFF_LABEL_MAX + HUMAN_LEN + 2], sz[HUMAN_LEN];

				snprintf(name, sizeof(name), "%s %s", w->label,
					 human_bytes(w->size, sz, sizeof(sz)));
				cJSON_AddItemToArray(slower_list, cJSON_CreateString(name));
				slower++;
			} else if (!strcmp(change, "faster")) {
				faster++;
			} else if (!strncmp(change, "probably", 8)) {
				probably++;
			} else if (!strcmp(change, "no change")) {
				same++;
			} else if (!strcmp(change, "unknown")) {
				unknown++;
			} else {
				missing++;
			}
			emit(ctx, row);
		}
	}
	end = cJSON_CreateObject();
	cJSON_AddStringToObject(end, "type", "diff_end");
	cJSON_AddStringToObject(end, "status", slower ? "slower" : "ok");
	cJSON_AddNumberToObject(end, "rows", rows);
	cJSON_AddNumberToObject(end, "slower", slower);
	cJSON_AddNumberToObject(end, "faster", faster);
	cJSON_AddNumberToObject(end, "probably", probably);
	cJSON_AddNumberToObject(end, "no_change", same);
	cJSON_AddNumberToObject(end, "unknown", unknown);
	cJSON_AddNumberToObject(end, "missing", missing);
	cJSON_AddItemToObject(end, "slower_rows", slower_list);
	cJSON_AddNumberToObject(end, "exit_status", slower ? 1 : 0);
	emit(ctx, end);
	drun_free(&ra);
	drun_free(&rb);
	return slower ? DIFF_SLOWER : DIFF_SAME;
}
