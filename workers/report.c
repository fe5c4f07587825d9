/* report.c -- NDJSON lines of API.md §5, and the text/json/csv views of them */
#include "report.h"

#include <stdlib.h>
#include <string.h>

#include "../server/params.h"
#include "trust.h"

void report_open(struct report *r, enum report_format fmt, FILE *out)
{
	memset(r, 0, sizeof(*r));
	r->fmt = fmt;
	r->out = out;
	if (fmt == REPORT_JSON) {
		r->doc = cJSON_CreateObject();
		cJSON_AddArrayToObject(r->doc, "results");
		cJSON_AddArrayToObject(r->doc, "summaries");
		cJSON_AddArrayToObject(r->doc, "errors");
	}
}

cJSON *report_line(const char *type, const char *run)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "type", type);
	if (run)
		cJSON_AddStringToObject(o, "run", run);
	return o;
}

char *report_json_string(const cJSON *o)
{
	return cJSON_PrintUnformatted(o);
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

cJSON *report_result_json(const char *run, const char *mech, int reps,
			  const struct rep_result *res)
{
	cJSON *o = report_line("result", run), *x;

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

/* add_options: every mechanism option of the registry, as given or its
   default (the default of the first mechanism declaring it) */
static void add_options(cJSON *o, const struct bench_params *p)
{
	for (int i = 0; mech_registry[i]; i++) {
		const struct mech_option *opt = mech_registry[i]->options;

		for (int k = 0; opt && opt[k].name; k++) {
			const char *v = params_option(p, opt[k].name);

			if (!cJSON_GetObjectItemCaseSensitive(o, opt[k].name))
				cJSON_AddStringToObject(o, opt[k].name, v ? v : opt[k].values[0]);
		}
	}
}

cJSON *report_params_json(const struct bench_params *p)
{
	static const char *const pins[] = { "split", "same", "none" };
	cJSON *o = cJSON_CreateObject();
	char pin[32];

	cJSON_AddStringToObject(o, "mode", p->mode == MODE_LATENCY ? "latency" : "throughput");
	if (p->cmd == CMD_SWEEP) {
		cJSON *a = cJSON_AddArrayToObject(o, "sizes");
		for (int i = 0; i < p->nsizes; i++)
			cJSON_AddItemToArray(a, cJSON_CreateNumber((double)p->sizes[i]));
	} else {
		cJSON_AddNumberToObject(o, "size", (double)p->size);
	}
	if (p->count)
		cJSON_AddNumberToObject(o, "count", (double)p->count);
	else
		cJSON_AddNumberToObject(o, "duration", p->duration);
	if (p->seen & (1u << P_WARMUP))
		cJSON_AddNumberToObject(o, "warmup", (double)p->warmup);
	cJSON_AddNumberToObject(o, "reps", p->reps);
	cJSON_AddNumberToObject(o, "ci", p->ci);
	if (p->pin == PIN_CPUS)
		snprintf(pin, sizeof(pin), "%d,%d", p->pin_cpu[0], p->pin_cpu[1]);
	else
		snprintf(pin, sizeof(pin), "%s", pins[p->pin]);
	cJSON_AddStringToObject(o, "pin", pin);
	add_options(o, p);
	cJSON_AddNumberToObject(o, "verify", p->verify);
	if (p->baseline[0])
		cJSON_AddStringToObject(o, "baseline", p->baseline);
	if (p->peer[0])
		cJSON_AddStringToObject(o, "peer", p->peer);   /* never the token */
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

cJSON *report_summary_json(const char *run, const char *mech,
			   const struct rep_result *res, int n)
{
	cJSON *o = report_line("summary", run);
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

/* --- text view ------------------------------------------------------- */

static double num(const cJSON *o, const char *path)
{
	char key[64];
	const char *dot;

	while ((dot = strchr(path, '.'))) {
		snprintf(key, sizeof(key), "%.*s", (int)(dot - path), path);
		o = cJSON_GetObjectItemCaseSensitive(o, key);
		path = dot + 1;
	}
	o = cJSON_GetObjectItemCaseSensitive(o, path);
	return cJSON_IsNumber(o) ? o->valuedouble : 0;
}

static const char *str(const cJSON *o, const char *key)
{
	const char *s = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, key));

	return s ? s : "";
}

/* name_of: a line's label (demos) or its mechanism */
static const char *name_of(const cJSON *l)
{
	const char *label = str(l, "label");

	return *label ? label : str(l, "mechanism");
}

/* human: v with an SI prefix into buf */
static const char *human(double v, const char *unit, char *buf, size_t len)
{
	static const char *const pre[] = { "", "k", "M", "G", "T" };
	int i = 0;

	while (v >= 1000 && i < 4) {
		v /= 1000;
		i++;
	}
	snprintf(buf, len, "%.3g %s%s", v, pre[i], unit);
	return buf;
}

/* human_size: bytes in binary units, as sizes are given ("4 KiB") */
static const char *human_size(double v, char *buf, size_t len)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB" };
	int i = 0;

	while (v >= 1024 && i < 3 && (uint64_t)v % 1024 == 0) {
		v /= 1024;
		i++;
	}
	snprintf(buf, len, "%.0f %s", v, units[i]);
	return buf;
}

static const char *human_ns(double ns, char *buf, size_t len)
{
	if (ns < 1000)
		snprintf(buf, len, "%.0f ns", ns);
	else if (ns < 1e6)
		snprintf(buf, len, "%.2f us", ns / 1e3);
	else
		snprintf(buf, len, "%.2f ms", ns / 1e6);
	return buf;
}

static void text_start(struct report *r, const cJSON *line)
{
	const cJSON *p = cJSON_GetObjectItemCaseSensitive(line, "params");
	const cJSON *sys = cJSON_GetObjectItemCaseSensitive(line, "system");

	r->latency = strcmp(str(p, "mode"), "latency") == 0;
	fprintf(r->out, "ipcscope %s: %s mode, pin %s, %d reps, on %s (%d cores, %s)\n",
		str(line, "what"), str(p, "mode"), str(p, "pin"), (int)num(p, "reps"),
		str(sys, "cpu_model"), (int)num(sys, "cores"), str(sys, "kernel"));
	if (r->latency)
		fprintf(r->out, "%-15s %8s %4s %10s %11s %11s %11s %11s %8s %8s %s\n",
			"mechanism", "size", "rep", "count", "round trips/s", "one-way p50",
			"p99", "p999", "cpu snd", "cpu rcv", "check");
	else
		fprintf(r->out, "%-15s %8s %4s %10s %11s %11s %8s %8s %s\n",
			"mechanism", "size", "rep", "count", "msgs/s", "bytes/s",
			"cpu snd", "cpu rcv", "check");
}

static void text_result(struct report *r, const cJSON *l)
{
	char a[32], b[32], c[32], d[32], sz[32];
	int verified = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(l, "verified"));
	char check[96];

	human_size(num(l, "size"), sz, sizeof(sz));
	if (verified)
		snprintf(check, sizeof(check), "verified");
	else if (num(l, "lost") + num(l, "corrupted") + num(l, "reordered") + num(l, "duplicated") > 0)
		snprintf(check, sizeof(check), "LOST %.0f CORRUPT %.0f REORDER %.0f DUP %.0f",
			 num(l, "lost"), num(l, "corrupted"), num(l, "reordered"), num(l, "duplicated"));
	else
		snprintf(check, sizeof(check), "not checked");
	if (cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(l, "cpu"), "broker"))
		snprintf(check + strlen(check), sizeof(check) - strlen(check), "  broker cpu %.0f%%",
			 num(l, "cpu.broker.util_pct"));
	if (r->latency)
		fprintf(r->out, "%-15s %8s %4d %10.0f %11s %11s %11s %11s %7.0f%% %7.0f%% %s\n",
			name_of(l), sz, (int)num(l, "rep"), num(l, "count"),
			human(num(l, "msgs_per_s"), "", a, sizeof(a)),
			human_ns(num(l, "latency_ns.p50"), b, sizeof(b)),
			human_ns(num(l, "latency_ns.p99"), c, sizeof(c)),
			human_ns(num(l, "latency_ns.p999"), d, sizeof(d)),
			num(l, "cpu.sender.util_pct"), num(l, "cpu.receiver.util_pct"), check);
	else
		fprintf(r->out, "%-15s %8s %4d %10.0f %11s %11s %7.0f%% %7.0f%% %s\n",
			name_of(l), sz, (int)num(l, "rep"), num(l, "count"),
			human(num(l, "msgs_per_s"), "", a, sizeof(a)),
			human(num(l, "bytes_per_s"), "B/s", b, sizeof(b)),
			num(l, "cpu.sender.util_pct"), num(l, "cpu.receiver.util_pct"), check);
	trust_text_result(r->out, l);
}

static void text_summary(struct report *r, const cJSON *l)
{
	char a[32], b[32], c[32], d[32], sz[32];
	const char *key = r->latency ? "latency_p50_ns" : "msgs_per_s";
	const cJSON *f = cJSON_GetObjectItemCaseSensitive(l, key);

	human_size(num(l, "size"), sz, sizeof(sz));
	if (r->latency)
		fprintf(r->out, "%-15s %8s  median one-way p50 %s (min %s, max %s), spread %.1f%% over %d reps\n",
			name_of(l), sz, human_ns(num(f, "median"), a, sizeof(a)),
			human_ns(num(f, "min"), b, sizeof(b)), human_ns(num(f, "max"), c, sizeof(c)),
			100 * num(f, "rel_spread"), (int)num(l, "reps"));
	else
		fprintf(r->out, "%-15s %8s  median %s msgs/s, %s (min %s, max %s msgs/s), spread %.1f%% over %d reps\n",
			name_of(l), sz, human(num(f, "median"), "", a, sizeof(a)),
			human(num(l, "bytes_per_s.median"), "B/s", c, sizeof(c)),
			human(num(f, "min"), "", b, sizeof(b)),
			human(num(f, "max"), "", d, sizeof(d)),
			100 * num(f, "rel_spread"), (int)num(l, "reps"));
	trust_text_summary(r->out, l);
}

static void text_comparison(struct report *r, const cJSON *l)
{
	const cJSON *row;
	char sz[32];

	fprintf(r->out, "\ncomparison by %s against %s (95%% confidence interval over reps):\n",
		str(l, "metric"), *str(l, "baseline_label") ? str(l, "baseline_label") :
		str(l, "baseline"));
	cJSON_ArrayForEach(row, cJSON_GetObjectItemCaseSensitive(l, "rows")) {
		const char *why = str(row, "unreliable");
		char ci[48] = "no interval: one rep";
		if (cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(row, "ci_high")))
			snprintf(ci, sizeof(ci), "[%.3g .. %.3g]", num(row, "ci_low"),
				 num(row, "ci_high"));
		human_size(num(row, "size"), sz, sizeof(sz));
		fprintf(r->out, "  %-15s %8s  x%-8.3g %-22s %s%s\n", name_of(row), sz,
			num(row, "ratio"), ci, *why ? "unreliable here: " :
			cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(row, "significant")) ?
			"differs beyond the noise" : "within the noise", why);
	}
}

static void text_emit(struct report *r, const cJSON *line)
{
	const char *type = str(line, "type");

	if (!strcmp(type, "start"))
		text_start(r, line);
	else if (!strcmp(type, "result"))
		text_result(r, line);
	else if (!strcmp(type, "summary"))
		text_summary(r, line);
	else if (!strcmp(type, "comparison"))
		text_comparison(r, line);
	else if (!strcmp(type, "error"))
		fprintf(stderr, "ipcscope: %s%s%s\n", str(line, "mechanism"),
			*str(line, "mechanism") ? ": " : "", str(line, "message"));
	else if (!strcmp(type, "end"))
		fprintf(r->out, "%s in %.2f s\n", str(line, "status"), num(line, "elapsed_s"));
	else if (!strcmp(type, "lesson"))
		fprintf(r->out, "\n%s\n", str(line, "text"));
	fflush(r->out);
}

/* --- csv view: one row per rep ------------------------------------------ */

static void csv_emit(struct report *r, const cJSON *l)
{
	if (strcmp(str(l, "type"), "result") != 0) {
		if (!strcmp(str(l, "type"), "error"))
			fprintf(stderr, "ipcscope: %s\n", str(l, "message"));
		return;
	}
	if (!r->csv_header++)
		fprintf(r->out, "mechanism,size,rep,count,elapsed_s,msgs_per_s,bytes_per_s,"
			"lat_min_ns,lat_p50_ns,lat_p90_ns,lat_p99_ns,lat_p999_ns,lat_max_ns,"
			"lat_mean_ns,sender_user_s,sender_sys_s,sender_util_pct,receiver_user_s,"
			"receiver_sys_s,receiver_util_pct,sender_vol_cs,sender_invol_cs,"
			"receiver_vol_cs,receiver_invol_cs,verified,lost,duplicated,reordered,"
			"corrupted,errors\n");
	fprintf(r->out, "%s,%.0f,%.0f,%.0f,%.9g,%.9g,%.9g,%.9g,%.9g,%.9g,%.9g,%.9g,%.9g,%.9g,"
		"%.6f,%.6f,%.2f,%.6f,%.6f,%.2f,%.0f,%.0f,%.0f,%.0f,%d,%.0f,%.0f,%.0f,%.0f,%.0f\n",
		str(l, "mechanism"), num(l, "size"), num(l, "rep"), num(l, "count"),
		num(l, "elapsed_s"), num(l, "msgs_per_s"), num(l, "bytes_per_s"),
		num(l, "latency_ns.min"), num(l, "latency_ns.p50"), num(l, "latency_ns.p90"),
		num(l, "latency_ns.p99"), num(l, "latency_ns.p999"), num(l, "latency_ns.max"),
		num(l, "latency_ns.mean"),
		num(l, "cpu.sender.user_s"), num(l, "cpu.sender.sys_s"), num(l, "cpu.sender.util_pct"),
		num(l, "cpu.receiver.user_s"), num(l, "cpu.receiver.sys_s"),
		num(l, "cpu.receiver.util_pct"),
		num(l, "ctx_switches.sender.voluntary"), num(l, "ctx_switches.sender.involuntary"),
		num(l, "ctx_switches.receiver.voluntary"), num(l, "ctx_switches.receiver.involuntary"),
		cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(l, "verified")),
		num(l, "lost"), num(l, "duplicated"), num(l, "reordered"), num(l, "corrupted"),
		num(l, "errors"));
	fflush(r->out);
}

/* --- json view: one document at the end --------------------------------- */

static void json_keep(struct report *r, cJSON *line)
{
	const char *type = str(line, "type");
	const char *arr = !strcmp(type, "result") ? "results" :
			  !strcmp(type, "summary") ? "summaries" :
			  !strcmp(type, "error") ? "errors" : NULL;

	if (!strcmp(type, "progress") || !strcmp(type, "heartbeat")) {
		cJSON_Delete(line);
		return;
	}
	if (arr) {
		cJSON_AddItemToArray(cJSON_GetObjectItemCaseSensitive(r->doc, arr), line);
		return;
	}
	cJSON_DeleteItemFromObjectCaseSensitive(r->doc, type);
	cJSON_AddItemToObject(r->doc, type, line);
}

void report_emit(struct report *r, cJSON *line)
{
	char *s;

	if (!line)
		return;
	switch (r->fmt) {
	case REPORT_NDJSON:
		if ((s = cJSON_PrintUnformatted(line))) {
			fprintf(r->out, "%s\n", s);
			fflush(r->out);
			free(s);
		}
		break;
	case REPORT_JSON:
		json_keep(r, line);
		return;
	case REPORT_CSV:
		csv_emit(r, line);
		break;
	case REPORT_TEXT:
		text_emit(r, line);
		break;
	}
	cJSON_Delete(line);
}

void report_close(struct report *r)
{
	char *s;

	if (r->fmt == REPORT_JSON && r->doc) {
		if ((s = cJSON_Print(r->doc))) {
			fprintf(r->out, "%s\n", s);
			free(s);
		}
		fflush(r->out);
	}
	cJSON_Delete(r->doc);
	r->doc = NULL;
}
