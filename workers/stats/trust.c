/* trust.c -- how far a job's figures hold: disturbed reps, outliers, two regimes, the median's interval; in JSON and in words */
#include "stats/trust.h"

#include <math.h>
#include <string.h>

#include "base/human.h"
#include "stats/stats.h"
#include "net/interference_peer.h"

#define TRUST_OUTLIER_NOTES 2    /* outliers told in words, the rest listed */

/* side_disturbed: others' or the hypervisor's share of one side's CPUs
   over the threshold */
static bool side_disturbed(double other_cpu_pct, double steal_pct)
{
	return other_cpu_pct >= TRUST_DISTURBED_PCT || steal_pct >= TRUST_STEAL_PCT;
}

bool trust_here_disturbed(const struct interference *x)
{
	return side_disturbed(x->other_cpu_pct, x->steal_pct);
}

static bool trust_peer_disturbed(const struct interference *x)
{
	return x->peer.sent && side_disturbed(x->peer.other_cpu_pct, x->peer.steal_pct);
}

bool trust_disturbed(const struct interference *x)
{
	return trust_here_disturbed(x) || trust_peer_disturbed(x);
}

static void note(struct trust *t, const char *text)
{
	if (t->nnotes < TRUST_MAX_NOTES)
		snprintf(t->notes[t->nnotes++], TRUST_NOTE_LEN, "%s", text);
}

/* note_why: text as a note, and as the reason unless one was given */
static void note_why(struct trust *t, const char *text)
{
	note(t, text);
	if (!t->why[0])
		snprintf(t->why, sizeof(t->why), "%s", text);
}

/* outlier_words: "rep 3 ran 19× slower than the others" */
static void outlier_words(const double *x, int n, int i, int rep, bool higher,
			  char *buf, size_t len)
{
	double f = robust_outlier_factor(x, n, i);
	bool slower = higher ? f < 1 : f > 1;
	char r[HUMAN_LEN];

	if (!(f > 0)) {
		snprintf(buf, len, "rep %d ran far from the others", rep);
		return;
	}
	human_ratio(f < 1 ? 1 / f : f, r, sizeof(r));
	snprintf(buf, len, "rep %d ran %s %s than the others", rep, r,
		 slower ? "slower" : "faster");
}

static void judge_outliers(struct trust *t, const double *x, const int *reps,
			   bool higher)
{
	int pos[TRUST_MAX_REPS];
	char w[TRUST_NOTE_LEN];

	t->noutliers = robust_outliers(x, t->n, pos);
	for (int k = 0; k < t->noutliers; k++) {
		t->outliers[k] = reps[pos[k] - 1];
		if (k >= TRUST_OUTLIER_NOTES)
			continue;
		outlier_words(x, t->n, pos[k] - 1, t->outliers[k], higher, w, sizeof(w));
		note_why(t, w);
	}
}

static void judge_modes(struct trust *t, const double *x, const char *unit)
{
	char lo[HUMAN_LEN], hi[HUMAN_LEN], w[TRUST_NOTE_LEN];

	if (!robust_bimodal(x, t->n, &t->modes))
		return;
	human_si(t->modes.low, unit, lo, sizeof(lo));
	human_si(t->modes.high, unit, hi, sizeof(hi));
	snprintf(w, sizeof(w), "the reps ran in two regimes: %d near %s and %d near %s",
		 t->modes.nlow, lo, t->modes.nhigh, hi);
	note(t, w);
	/* two regimes say more than any one outlier */
	snprintf(t->why, sizeof(t->why), "its reps ran in two regimes (%s and %s)", lo, hi);
}

/*
 * judge_too_few: a ci was asked for but the reps are too few for an
 * order-statistics interval (6 at 95 %). One rep shows nothing of the
 * noise; a few reps may at least show that they disagree: half their
 * range beyond TRUST_FAR_FACTOR times the target.
 */
static void judge_too_few(struct trust *t, const double *x)
{
	struct spread s;
	double mid, half;
	char w[TRUST_NOTE_LEN], h[HUMAN_LEN];

	if (t->ci_target <= 0)
		return;
	if (t->n == 1) {
		note_why(t, "one rep: nothing shows how much it varies");
		return;
	}
	stats_spread(x, t->n, &s);
	mid = (s.min + s.max) / 2;
	half = mid > 0 ? (s.max - s.min) / 2 / mid * 100 : 0;
	human_pct(half, h, sizeof(h));
	snprintf(w, sizeof(w), "%d reps are too few for a 95%% interval of the median; "
		 "they spread ±%s", t->n, h);
	note(t, w);
	if (!t->why[0] && half > TRUST_FAR_FACTOR * t->ci_target)
		snprintf(t->why, sizeof(t->why), "its %d reps spread ±%s", t->n, h);
}

static void judge_ci(struct trust *t, const double *x)
{
	char w[TRUST_NOTE_LEN], h[HUMAN_LEN], g[HUMAN_LEN];

	t->has_ci = robust_median_ci(x, t->n, &t->ci) == 0;
	t->ci_reached = t->has_ci && t->ci_target > 0 && t->ci.half_pct <= t->ci_target;
	if (!t->has_ci) {
		judge_too_few(t, x);
		return;
	}
	human_pct(t->ci.half_pct, h, sizeof(h));
	human_pct(t->ci_target, g, sizeof(g));
	if (t->ci_target > 0 && !t->ci_reached) {
		snprintf(w, sizeof(w), "after %d reps the median is only within ±%s "
			 "(95%% interval), not the ±%s asked", t->n, h, g);
		note(t, w);
		if (!t->why[0] && t->ci.half_pct > TRUST_FAR_FACTOR * t->ci_target)
			snprintf(t->why, sizeof(t->why), "its 95%% interval is ±%s, not ±%s", h, g);
	} else if (t->ci_target <= 0 && t->ci.half_pct > TRUST_WIDE_CI_PCT && !t->why[0]) {
		snprintf(t->why, sizeof(t->why), "its 95%% interval is ±%s", h);
	}
}

static void judge_interference(struct trust *t, const int *reps,
			       const struct interference *in)
{
	double lo = INFINITY, hi = 0;
	char w[TRUST_NOTE_LEN], a[HUMAN_LEN], b[HUMAN_LEN];

	for (int i = 0; i < t->n; i++) {
		if (trust_disturbed(&in[i]))
			t->disturbed[t->ndisturbed++] = reps[i];
		if (in[i].line_rtt_ns > 0) {
			lo = fmin(lo, in[i].line_rtt_ns);
			hi = fmax(hi, in[i].line_rtt_ns);
		}
	}
	t->platform_moved = interference_moved(lo, hi);
	if (!t->platform_moved)
		return;
	human_seconds(lo / 1e9, a, sizeof(a));
	human_seconds(hi / 1e9, b, sizeof(b));
	snprintf(w, sizeof(w), "the platform moved during the run: a cache-line round "
		 "trip between its CPUs took %s to %s", a, b);
	note(t, w);
}

void trust_judge(struct trust *t, const double *x, const int *reps,
		 const struct interference *in, int n, bool higher, double ci_pct,
		 const char *unit)
{
	memset(t, 0, sizeof(*t));
	t->n = n < TRUST_MAX_REPS ? n : TRUST_MAX_REPS;
	t->ci_target = ci_pct;
	if (t->n < 1)
		return;
	judge_modes(t, x, unit);
	if (!t->modes.bimodal)
		judge_outliers(t, x, reps, higher);
	judge_ci(t, x);
	if (in)
		judge_interference(t, reps, in);
}

static cJSON *int_array(const int *v, int n)
{
	cJSON *a = cJSON_CreateArray();

	for (int i = 0; a && i < n; i++)
		cJSON_AddItemToArray(a, cJSON_CreateNumber(v[i]));
	return a;
}

static void add_ci(const struct trust *t, cJSON *o)
{
	cJSON *c;

	if (!t->has_ci) {
		cJSON_AddNullToObject(o, "median_ci");
		return;
	}
	c = cJSON_AddObjectToObject(o, "median_ci");
	cJSON_AddNumberToObject(c, "low", t->ci.lo);
	cJSON_AddNumberToObject(c, "high", t->ci.hi);
	cJSON_AddNumberToObject(c, "half_pct", t->ci.half_pct);
	cJSON_AddNumberToObject(c, "level", t->ci.level);
}

void trust_summary_json(const struct trust *t, cJSON *o)
{
	cJSON *notes;

	cJSON_AddItemToObject(o, "outliers", int_array(t->outliers, t->noutliers));
	cJSON_AddBoolToObject(o, "bimodal", t->modes.bimodal);
	if (t->modes.bimodal) {
		cJSON *m = cJSON_AddObjectToObject(o, "regimes");

		cJSON_AddNumberToObject(m, "low", t->modes.low);
		cJSON_AddNumberToObject(m, "low_reps", t->modes.nlow);
		cJSON_AddNumberToObject(m, "high", t->modes.high);
		cJSON_AddNumberToObject(m, "high_reps", t->modes.nhigh);
	}
	add_ci(t, o);
	cJSON_AddNumberToObject(o, "reps_used", t->n);
	if (t->ci_target > 0)
		cJSON_AddBoolToObject(o, "ci_reached", t->ci_reached);
	else
		cJSON_AddNullToObject(o, "ci_reached");
	cJSON_AddItemToObject(o, "disturbed_reps", int_array(t->disturbed, t->ndisturbed));
	cJSON_AddBoolToObject(o, "platform_moved", t->platform_moved);
	notes = cJSON_AddArrayToObject(o, "notes");
	for (int i = 0; i < t->nnotes; i++)
		cJSON_AddItemToArray(notes, cJSON_CreateString(t->notes[i]));
	if (t->why[0])
		cJSON_AddStringToObject(o, "unreliable", t->why);
	else
		cJSON_AddNullToObject(o, "unreliable");
}

cJSON *trust_interference_json(const struct interference *x)
{
	cJSON *o = cJSON_CreateObject();

	cJSON *peer;

	interference_json_add(o, "other_cpu_pct", x->other_cpu_pct);
	interference_json_add(o, "steal_pct", x->steal_pct);
	interference_json_add(o, "involuntary_ctx", (double)x->involuntary_ctx);
	interference_json_add(o, "migrations", (double)x->migrations);
	interference_json_add(o, "line_rtt_ns", x->line_rtt_ns);
	cJSON_AddBoolToObject(o, "disturbed", trust_disturbed(x));
	if (!x->peer.sent) {
		cJSON_AddNullToObject(o, "peer");
		return o;
	}
	peer = interference_far_json(&x->peer);
	cJSON_AddBoolToObject(peer, "disturbed", trust_peer_disturbed(x));
	cJSON_AddItemToObject(o, "peer", peer);
	return o;
}

static double field(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsNumber(v) ? v->valuedouble : -1;
}

/* text_side: "rep 3 disturbed[ on WHERE]: ..." when side x was */
static void text_side(FILE *out, int rep, const cJSON *x, const char *where)
{
	char a[HUMAN_LEN], b[HUMAN_LEN];
	double other = field(x, "other_cpu_pct"), steal = field(x, "steal_pct");

	if (!side_disturbed(other, steal))
		return;
	human_pct(other, a, sizeof(a));
	human_pct(steal, b, sizeof(b));
	fprintf(out, "%22s rep %d disturbed%s%s: other processes took %s of its CPUs' time, "
		"the hypervisor %s\n", "!", rep, where ? " on " : "", where ? where : "", a, b);
}

void trust_text_result(FILE *out, const cJSON *l)
{
	const cJSON *x = cJSON_GetObjectItemCaseSensitive(l, "interference");
	const cJSON *peer = cJSON_GetObjectItemCaseSensitive(x, "peer");
	int rep = (int)field(l, "rep");

	if (!cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(x, "disturbed")))
		return;
	/* across hosts, which side */
	text_side(out, rep, x, cJSON_IsObject(peer) ? "this host" : NULL);
	if (cJSON_IsObject(peer))
		text_side(out, rep, peer, "the peer");
}

void trust_text_summary(FILE *out, const cJSON *l)
{
	const cJSON *n;
	const char *why = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(l, "unreliable"));

	cJSON_ArrayForEach(n, cJSON_GetObjectItemCaseSensitive(l, "notes"))
		fprintf(out, "%22s %s\n", "!", cJSON_GetStringValue(n));
	if (why)
		fprintf(out, "%22s unreliable here: %s\n", "!", why);
}
