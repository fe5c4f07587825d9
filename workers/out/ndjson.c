/* ndjson.c -- every NDJSON line of a run (start, progress, result, summary,
   comparison, lesson, error, end), built in one place and written to the
   run's output */
#include "out/ndjson.h"

#include <math.h>
#include <stdio.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>

#include "out/compare.h"
#include "out/report.h"
#include "out/run_record.h"
#include "probe/sysinfo.h"
#include "stats/trust.h"
#include "out/lesson_split.h"

/* now_s: monotonic seconds, the clock of the run's t0 */
static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

cJSON *ndjson_line(const char *type, const char *run)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "type", type);
	if (run)
		cJSON_AddStringToObject(o, "run", run);
	return o;
}

static cJSON *lat_json(const struct lat_summary *l)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddNumberToObject(o, "min", l->min);
	cJSON_AddNumberToObject(o, "p50", l->p50);
	cJSON_AddNumberToObject(o, "p90", l->p90);
	cJSON_AddNumberToObject(o, "p99", l->p99);
	cJSON_AddNumberToObject(o, "p999", l->p999);
	cJSON_AddNumberToObject(o, "max", l->max);
	cJSON_AddNumberToObject(o, "mean", l->mean);
	return o;
}

static cJSON *hist_json(const struct histogram *h)
{
	cJSON *o = cJSON_CreateObject();
	cJSON *e = cJSON_AddArrayToObject(o, "edges_ns");
	cJSON *c = cJSON_AddArrayToObject(o, "counts");

	for (int i = 0; i < h->nbuckets; i++) {
		cJSON_AddItemToArray(e, cJSON_CreateNumber(h->edge[i]));
		cJSON_AddItemToArray(c, cJSON_CreateNumber((double)h->count[i]));
	}
	if (h->nbuckets)
		cJSON_AddItemToArray(e, cJSON_CreateNumber(h->edge[h->nbuckets]));
	return o;
}

static cJSON *usage_json(const struct worker_usage *u)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddNumberToObject(o, "user_s", u->user_s);
	cJSON_AddNumberToObject(o, "sys_s", u->sys_s);
	cJSON_AddNumberToObject(o, "util_pct", u->util_pct);
	cJSON_AddNumberToObject(o, "cpu", u->cpu);
	return o;
}

static cJSON *ctx_json(const struct worker_usage *u)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddNumberToObject(o, "voluntary", (double)u->vol_cs);
	cJSON_AddNumberToObject(o, "involuntary", (double)u->invol_cs);
	return o;
}

/* ndjson_result_json: the result line of one rep */
static cJSON *ndjson_result_json(const char *run, const char *mech, int reps,
			  const struct rep_result *res)
{
	cJSON *o = ndjson_line("result", run), *x;

	cJSON_AddStringToObject(o, "mechanism", mech);
	cJSON_AddNumberToObject(o, "rep", res->rep);
	cJSON_AddNumberToObject(o, "reps", reps);
	cJSON_AddNumberToObject(o, "size", (double)res->size);
	cJSON_AddNumberToObject(o, "count", (double)res->count);
	cJSON_AddNumberToObject(o, "elapsed_s", res->elapsed_s);
	cJSON_AddNumberToObject(o, "msgs_per_s", res->msgs_per_s);
	cJSON_AddNumberToObject(o, "bytes_per_s", res->bytes_per_s);
	if (res->has_latency) {
		cJSON_AddItemToObject(o, "latency_ns", lat_json(&res->lat));
		cJSON_AddItemToObject(o, "rtt_ns", lat_json(&res->rtt));
		cJSON_AddItemToObject(o, "histogram", hist_json(&res->hist));
	}
	x = cJSON_AddObjectToObject(o, "cpu");
	cJSON_AddItemToObject(x, "sender", usage_json(&res->sender));
	cJSON_AddItemToObject(x, "receiver", usage_json(&res->receiver));
	if (res->has_broker)
		cJSON_AddItemToObject(x, "broker", usage_json(&res->broker));
	x = cJSON_AddObjectToObject(o, "ctx_switches");
	cJSON_AddItemToObject(x, "sender", ctx_json(&res->sender));
	cJSON_AddItemToObject(x, "receiver", ctx_json(&res->receiver));
	if (res->has_broker)
		cJSON_AddItemToObject(x, "broker", ctx_json(&res->broker));
	cJSON_AddBoolToObject(o, "verified", res->verified);
	cJSON_AddNumberToObject(o, "lost", (double)res->lost);
	cJSON_AddNumberToObject(o, "duplicated", (double)res->duplicated);
	cJSON_AddNumberToObject(o, "reordered", (double)res->reordered);
	cJSON_AddNumberToObject(o, "corrupted", (double)res->corrupted);
	cJSON_AddNumberToObject(o, "errors", (double)res->errors);
	x = cJSON_AddObjectToObject(o, "granted");
	for (int i = 0; i < res->ngranted; i++)
		cJSON_AddNumberToObject(x, res->granted[i].key, (double)res->granted[i].value);
	cJSON_AddItemToObject(o, "interference", trust_interference_json(&res->interference));
	return o;
}

/* in_run: ops is one of the mechanisms the run names (all when it names none,
   as an implicit compare or a demo does) */
static int in_run(const struct bench_params *p, const struct mech_ops *ops)
{
	if (p->nmechs == 0)
		return 1;
	for (int i = 0; i < p->nmechs; i++)
		if (strcmp(p->mechs[i], ops->name) == 0)
			return 1;
	return 0;
}

/* add_options: the options of the run's mechanisms, as given or the default
   of the first of them declaring it */
static void add_options(cJSON *o, const struct bench_params *p)
{
	for (int i = 0; mech_registry[i]; i++) {
		const struct mech_option *opt = mech_registry[i]->options;

		if (!in_run(p, mech_registry[i]))
			continue;
		for (int k = 0; opt && opt[k].name; k++) {
			const char *v = params_option(p, opt[k].name);

			if (!cJSON_GetObjectItemCaseSensitive(o, opt[k].name))
				cJSON_AddStringToObject(o, opt[k].name, v ? v : opt[k].values[0]);
		}
	}
}

cJSON *ndjson_params(const struct bench_params *p)
{
	cJSON *o = cJSON_CreateObject();
	char pin[32];

	cJSON_AddStringToObject(o, params_name(P_MODE), params_mode_name(p->mode));
	if (p->cmd == CMD_SWEEP) {
		cJSON *a = cJSON_AddArrayToObject(o, params_name(P_SIZES));
		for (int i = 0; i < p->nsizes; i++)
			cJSON_AddItemToArray(a, cJSON_CreateNumber((double)p->sizes[i]));
	} else {
		cJSON_AddNumberToObject(o, params_name(P_SIZE), (double)p->size);
	}
	if (p->count)
		cJSON_AddNumberToObject(o, params_name(P_COUNT), (double)p->count);
	else
		cJSON_AddNumberToObject(o, params_name(P_DURATION), p->duration);
	if (p->seen & (1u << P_WARMUP))
		cJSON_AddNumberToObject(o, params_name(P_WARMUP), (double)p->warmup);
	cJSON_AddNumberToObject(o, params_name(P_REPS), p->reps);
	cJSON_AddNumberToObject(o, params_name(P_CI), p->ci);
	cJSON_AddStringToObject(o, params_name(P_PIN), params_pin_text(p, pin, sizeof(pin)));
	add_options(o, p);
	cJSON_AddNumberToObject(o, params_name(P_VERIFY), p->verify);
	if (p->baseline[0])
		cJSON_AddStringToObject(o, params_name(P_BASELINE), p->baseline);
	if (p->peer[0])
		cJSON_AddStringToObject(o, params_name(P_PEER), p->peer);   /* never the token */
	return o;
}

static void add_spread(cJSON *o, const char *key, const double *x, int n)
{
	struct spread s;
	cJSON *f = cJSON_AddObjectToObject(o, key);

	stats_spread(x, n, &s);
	cJSON_AddNumberToObject(f, "median", s.median);
	cJSON_AddNumberToObject(f, "min", s.min);
	cJSON_AddNumberToObject(f, "max", s.max);
	cJSON_AddNumberToObject(f, "mean", s.mean);
	cJSON_AddNumberToObject(f, "stddev", s.stddev);
	cJSON_AddNumberToObject(f, "rel_spread", s.rel_spread);
}

/* FIGURE: one summarised figure: its key and how to read it off a rep */
#define FIGURES(X) \
	X("msgs_per_s", r->msgs_per_s) \
	X("bytes_per_s", r->bytes_per_s) \
	X("elapsed_s", r->elapsed_s) \
	X("sender_cpu_pct", r->sender.util_pct) \
	X("receiver_cpu_pct", r->receiver.util_pct)
#define LAT_FIGURES(X) \
	X("latency_p50_ns", r->lat.p50) \
	X("latency_p90_ns", r->lat.p90) \
	X("latency_p99_ns", r->lat.p99) \
	X("latency_p999_ns", r->lat.p999) \
	X("latency_mean_ns", r->lat.mean) \
	X("rtt_p50_ns", r->rtt.p50) \
	X("rtt_p99_ns", r->rtt.p99)

/* ndjson_summary_json: the summary line over n reps of one mechanism/size */
static cJSON *ndjson_summary_json(const char *run, const char *mech,
			   const struct rep_result *res, int n)
{
	cJSON *o = ndjson_line("summary", run);
	double *x = calloc((size_t)n, sizeof(*x));
	int verified = 1;

	cJSON_AddStringToObject(o, "mechanism", mech);
	cJSON_AddNumberToObject(o, "size", n ? (double)res[0].size : 0);
	cJSON_AddNumberToObject(o, "reps", n);
	if (!x || n == 0) {
		free(x);
		return o;
	}
#define SUMMARISE(key, expr) \
	for (int i = 0; i < n; i++) { const struct rep_result *r = &res[i]; x[i] = (expr); } \
	add_spread(o, key, x, n);
	FIGURES(SUMMARISE)
	if (res[0].has_latency) {
		LAT_FIGURES(SUMMARISE)
	}
#undef SUMMARISE
	for (int i = 0; i < n; i++)
		verified &= res[i].verified;
	cJSON_AddBoolToObject(o, "verified", verified);
	free(x);
	return o;
}

/* --- the lines of a run -------------------------------------------------- */

static const char *cmd_name(enum params_cmd c)
{
	return c == CMD_COMPARE ? "compare" : c == CMD_SWEEP ? "sweep" :
	       c == CMD_DEMO ? "demo" : "bench";
}

/* labelled: line with the job's label added when it has one */
static cJSON *labelled(cJSON *line, const struct job *j)
{
	if (j->label[0])
		cJSON_AddStringToObject(line, "label", j->label);
	return line;
}

static cJSON *demo_jobs_json(const struct run *r)
{
	cJSON *a = cJSON_CreateArray();

	for (int i = 0; i < r->njobs; i++) {
		cJSON *jo = cJSON_CreateObject();
		cJSON_AddStringToObject(jo, "label", r->jobs[i].label);
		cJSON_AddStringToObject(jo, "mechanism", r->jobs[i].ops->name);
		cJSON_AddItemToObject(jo, "params", ndjson_params(&r->jobs[i].p));
		cJSON_AddItemToArray(a, jo);
	}
	return a;
}

/* rule_text: how many reps a job gets and in which order, in words */
static const char *rule_text(const struct bench_params *p, char *buf, size_t len)
{
	if (p->ci > 0)
		snprintf(buf, len, "reps until the median's 95%% interval is within "
			 "±%g%%, at most %u; rep 1 of every job, then rep 2, ...",
			 p->ci, p->reps);
	else
		snprintf(buf, len, "%u reps; rep 1 of every job, then rep 2, ...", p->reps);
	return buf;
}

void ndjson_start(struct run *r, cJSON *granted, cJSON *skipped)
{
	cJSON *l = ndjson_line("start", r->id), *a;
	char what[160];

	if (r->about.name) {
		snprintf(what, sizeof(what), "demo %s", r->about.name);
		cJSON_AddStringToObject(l, "demo", r->about.name);
		cJSON_AddStringToObject(l, "title", r->about.title);
		cJSON_AddStringToObject(l, "claim", r->about.claim);
		cJSON_AddStringToObject(l, "method", r->about.method);
		cJSON_AddItemToObject(l, "jobs", demo_jobs_json(r));
	} else if (r->p.cmd == CMD_COMPARE) {
		snprintf(what, sizeof(what), "compare");
		a = cJSON_AddArrayToObject(l, "mechanisms");
		for (int i = 0; i < r->njobs; i++)
			cJSON_AddItemToArray(a, cJSON_CreateString(r->jobs[i].ops->name));
	} else if (r->p.nmechs > 1) {          /* a sweep of several mechanisms */
		snprintf(what, sizeof(what), "%s", cmd_name(r->p.cmd));
		a = cJSON_AddArrayToObject(l, "mechanisms");
		for (int i = 0; i < r->p.nmechs; i++) {
			cJSON_AddItemToArray(a, cJSON_CreateString(r->p.mechs[i]));
			snprintf(what + strlen(what), sizeof(what) - strlen(what), "%s%s",
				 i ? "," : " ", r->p.mechs[i]);
		}
	} else {
		snprintf(what, sizeof(what), "%s %s", cmd_name(r->p.cmd), r->p.mechs[0]);
		cJSON_AddStringToObject(l, "mechanism", r->p.mechs[0]);
	}
	cJSON_AddStringToObject(l, "what", what);
	cJSON_AddStringToObject(l, "command", cmd_name(r->p.cmd));
	cJSON_AddItemToObject(l, "params", ndjson_params(&r->p));
	cJSON_AddStringToObject(l, "rule", rule_text(&r->p, what, sizeof(what)));
	cJSON_AddItemToObject(l, "system", sysinfo_json());
	cJSON_AddItemToObject(l, "granted", granted);
	if (r->peer_info) {
		cJSON_AddItemToObject(l, "peer", r->peer_info);
		r->peer_info = NULL;
	}
	if (cJSON_GetArraySize(skipped))
		cJSON_AddItemToObject(l, "skipped", skipped);
	else
		cJSON_Delete(skipped);
	cJSON_AddItemToObject(l, "csv_columns", report_csv_columns_json());
	report_emit(&r->out, l);
}

void ndjson_progress(struct run *r, double rep_done)
{
	cJSON *l = ndjson_line("progress", r->id);

	cJSON_AddStringToObject(l, "mechanism", r->cur->ops->name);
	labelled(l, r->cur);
	cJSON_AddNumberToObject(l, "size", (double)r->cur->p.size);
	cJSON_AddNumberToObject(l, "rep", r->cur_rep);
	cJSON_AddNumberToObject(l, "reps", r->p.reps);
	cJSON_AddNumberToObject(l, "rep_done", rep_done);
	cJSON_AddNumberToObject(l, "done", (r->done_reps + rep_done) / r->total_reps);
	report_emit(&r->out, l);
}

void ndjson_pause(struct run *r, double seconds)
{
	cJSON *l = ndjson_line("pause", r->id);

	cJSON_AddNumberToObject(l, "seconds", seconds);
	cJSON_AddNumberToObject(l, "done", (double)r->done_reps / r->total_reps);
	report_emit(&r->out, l);
}

void ndjson_result(struct run *r, const struct job *j, const struct rep_result *res)
{
	report_emit(&r->out, labelled(ndjson_result_json(r->id, j->ops->name, (int)j->p.reps,
							 res), j));
}

void ndjson_summary(struct run *r, const struct job *j)
{
	cJSON *l = ndjson_summary_json(r->id, j->ops->name, j->res, j->nres);

	trust_summary_json(&j->trust, l);
	report_emit(&r->out, labelled(l, j));
}

void ndjson_error(struct run *r, const char *code, const char *msg, const struct job *j,
		  int rep)
{
	cJSON *l = ndjson_line("error", r->id);

	cJSON_AddStringToObject(l, "code", code);
	cJSON_AddStringToObject(l, "message", msg);
	if (j) {
		cJSON_AddStringToObject(l, "mechanism", j->ops->name);
		labelled(l, j);
		cJSON_AddNumberToObject(l, "size", (double)j->p.size);
	}
	if (rep)
		cJSON_AddNumberToObject(l, "rep", rep);
	report_emit(&r->out, l);
}

void ndjson_param_error(struct run *r, const struct param_error *err)
{
	cJSON *l = ndjson_line("error", r->id);

	cJSON_AddStringToObject(l, "code", err->code[0] ? err->code : "bad_param");
	cJSON_AddStringToObject(l, "message", err->message);
	cJSON_AddStringToObject(l, "param", err->param);
	report_emit(&r->out, l);
}

void ndjson_end(struct run *r, const char *status)
{
	cJSON *l = ndjson_line("end", r->id);

	cJSON_AddStringToObject(l, "status", status);
	cJSON_AddNumberToObject(l, "elapsed_s", now_s() - r->t0);
	if (r->platform.measured)
		cJSON_AddItemToObject(l, "platform", platform_json(&r->platform));
	report_emit(&r->out, l);
}

/* number_or_null: key = x, or null when x is not finite */
static void number_or_null(cJSON *o, const char *key, double x)
{
	if (isfinite(x))
		cJSON_AddNumberToObject(o, key, x);
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

/* verdict_json: the interval, its method and the verdict of a comparison
   row (the baseline's own row: "baseline", nothing else to say) */
static void verdict_json(cJSON *row, const struct rank_row *cr, bool base)
{
	const struct verdict *v = &cr->v;
	bool none = base || v->ci.method == RATIO_NONE;

	number_or_null(row, "ci_low", none ? NAN : v->ci.lo);
	number_or_null(row, "ci_high", none ? NAN : v->ci.hi);
	number_or_null(row, "estimate", base ? NAN : v->ci.est);
	string_or_null(row, "method", none ? NULL : verdict_method_name(v->ci.method));
	number_or_null(row, "level", none ? NAN : v->ci.level);
	number_or_null(row, "p_value", base ? NAN : v->ci.p);
	cJSON_AddBoolToObject(row, "significant", cr->significant);
	cJSON_AddStringToObject(row, "verdict", base ? "baseline" : verdict_kind_name(v->kind));
	string_or_null(row, "direction", base || !v->dir ? NULL : v->dir > 0 ? "faster" : "slower");
	number_or_null(row, "factor", base ? NAN : v->factor);
	number_or_null(row, "factor_low", base ? NAN : v->factor_lo);
	number_or_null(row, "factor_high", base ? NAN : v->factor_hi);
	number_or_null(row, "within_pct", base ? NAN : v->within_pct);
	cJSON_AddStringToObject(row, "verdict_text", base ? "baseline" : v->text);
	string_or_null(row, "verdict_basis", base ? NULL : v->basis);
	string_or_null(row, "unreliable", base ? NULL : v->why);
}

/* ndjson_comparison: one comparison line */
static void ndjson_comparison(struct run *r, const struct comparison *c)
{
	const struct job *base = &r->jobs[c->base];
	cJSON *l = ndjson_line("comparison", r->id), *rows;

	cJSON_AddStringToObject(l, "baseline", base->ops->name);
	cJSON_AddNumberToObject(l, "baseline_size", (double)base->p.size);
	if (base->label[0])
		cJSON_AddStringToObject(l, "baseline_label", base->label);
	cJSON_AddStringToObject(l, "metric", metric_name(c->metric));
	cJSON_AddBoolToObject(l, "higher_is_better", metric_higher_is_better(c->metric));
	rows = cJSON_AddArrayToObject(l, "rows");
	for (int i = 0; i < c->nrows; i++) {
		const struct rank_row *cr = &c->rows[i];
		const struct job *j = &r->jobs[cr->job];
		cJSON *row = labelled(cJSON_CreateObject(), j);

		cJSON_AddStringToObject(row, "mechanism", j->ops->name);
		cJSON_AddNumberToObject(row, "size", (double)j->p.size);
		cJSON_AddNumberToObject(row, "median", cr->fig.median);
		cJSON_AddNumberToObject(row, "rel_spread", cr->fig.rel_spread);
		cJSON_AddNumberToObject(row, "ratio", cr->ratio);
		verdict_json(row, cr, cr->job == c->base);
		cJSON_AddItemToArray(rows, row);
	}
	cJSON_AddBoolToObject(l, "platform_moved_since_last_run", r->platform.moved);
	report_emit(&r->out, l);
}

static void write_comparison(void *run, const struct comparison *c)
{
	ndjson_comparison(run, c);
}

void ndjson_comparisons(struct run *r)
{
	compare_each(r, write_comparison, r);
}

void ndjson_lesson(struct run *r, const char *text, const char *unreliable)
{
	cJSON *l = ndjson_line("lesson", r->id);

	cJSON_AddStringToObject(l, "demo", r->about.name);
	cJSON_AddStringToObject(l, "claim", r->about.claim);
	if (unreliable && *unreliable)
		cJSON_AddStringToObject(l, "unreliable", unreliable);
	else
		cJSON_AddNullToObject(l, "unreliable");
	cJSON_AddStringToObject(l, "text", text);
	lesson_split_json(l, text, unreliable);
	report_emit(&r->out, l);
}
