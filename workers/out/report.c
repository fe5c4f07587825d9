/* report.c -- where a run's lines go: NDJSON as they are, or the text, CSV or
   JSON view of them; the text and CSV rows come from one column list */
#include "out/report.h"

#include "base/human.h"
#include "probe/platform.h"
#include "stats/trust.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>


void report_open(struct report *r, enum report_format fmt, FILE *out)
{
	memset(r, 0, sizeof(*r));
	r->fmt = fmt;
	r->out = out;
	if (fmt == REPORT_JSON) {
		r->doc = cJSON_CreateObject();
		cJSON_AddArrayToObject(r->doc, "results");
		cJSON_AddArrayToObject(r->doc, "summaries");
		cJSON_AddArrayToObject(r->doc, "points");      /* experiment demos */
		cJSON_AddArrayToObject(r->doc, "errors");
	}
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

/* --- the columns of a rep: text and CSV views both read this list -------- */

enum col_kind {
	K_TEXT, K_NAME, K_SIZE, K_INT, K_NUM, K_RATE, K_BYTES_RATE, K_NS, K_SECONDS,
	K_PCT, K_BOOL, K_CHECK,
	K_LABEL,                  /* the job's label (a demo's variant), else its mechanism */
};

#define V_CSV 1u                  /* a CSV column */
#define V_THR 2u                  /* a text column in throughput mode */
#define V_LAT 4u                  /* a text column in latency mode */
#define V_TEXT (V_THR | V_LAT)

struct column {
	const char *name;         /* CSV header */
	const char *field;        /* dot path of the value in a result line */
	enum col_kind kind;
	unsigned views;
	const char *head;         /* text header */
	int width;                /* text width; negative: left-aligned */
};

static const struct column columns[] = {
	{ "mechanism", "mechanism", K_TEXT, V_CSV, NULL, 0 },
	{ "label", "label", K_LABEL, V_CSV, NULL, 0 },
	{ "name", NULL, K_NAME, V_TEXT, "mechanism", -15 },
	{ "size", "size", K_SIZE, V_CSV | V_TEXT, "size", 8 },
	{ "rep", "rep", K_INT, V_CSV | V_TEXT, "rep", 4 },
	{ "count", "count", K_INT, V_CSV | V_TEXT, "count", 10 },
	{ "elapsed_s", "elapsed_s", K_NUM, V_CSV, NULL, 0 },
	{ "msgs_per_s", "msgs_per_s", K_RATE, V_CSV | V_THR, "msgs/s", 11 },
	{ "msgs_per_s", "msgs_per_s", K_RATE, V_LAT, "round trips/s", 11 },
	{ "bytes_per_s", "bytes_per_s", K_BYTES_RATE, V_CSV | V_THR, "bytes/s", 11 },
	{ "lat_min_ns", "latency_ns.min", K_NS, V_CSV, NULL, 0 },
	{ "lat_p50_ns", "latency_ns.p50", K_NS, V_CSV | V_LAT, "one-way p50", 11 },
	{ "lat_p90_ns", "latency_ns.p90", K_NS, V_CSV, NULL, 0 },
	{ "lat_p99_ns", "latency_ns.p99", K_NS, V_CSV | V_LAT, "p99", 11 },
	{ "lat_p999_ns", "latency_ns.p999", K_NS, V_CSV | V_LAT, "p999", 11 },
	{ "lat_max_ns", "latency_ns.max", K_NS, V_CSV, NULL, 0 },
	{ "lat_mean_ns", "latency_ns.mean", K_NS, V_CSV, NULL, 0 },
	{ "sender_user_s", "cpu.sender.user_s", K_SECONDS, V_CSV, NULL, 0 },
	{ "sender_sys_s", "cpu.sender.sys_s", K_SECONDS, V_CSV, NULL, 0 },
	{ "sender_util_pct", "cpu.sender.util_pct", K_PCT, V_CSV | V_TEXT, "cpu snd", 8 },
	{ "receiver_user_s", "cpu.receiver.user_s", K_SECONDS, V_CSV, NULL, 0 },
	{ "receiver_sys_s", "cpu.receiver.sys_s", K_SECONDS, V_CSV, NULL, 0 },
	{ "receiver_util_pct", "cpu.receiver.util_pct", K_PCT, V_CSV | V_TEXT, "cpu rcv", 8 },
	{ "sender_vol_cs", "ctx_switches.sender.voluntary", K_INT, V_CSV, NULL, 0 },
	{ "sender_invol_cs", "ctx_switches.sender.involuntary", K_INT, V_CSV, NULL, 0 },
	{ "receiver_vol_cs", "ctx_switches.receiver.voluntary", K_INT, V_CSV, NULL, 0 },
	{ "receiver_invol_cs", "ctx_switches.receiver.involuntary", K_INT, V_CSV, NULL, 0 },
	/* a third process that carries the messages (dbus's bus daemon) */
	{ "broker_user_s", "cpu.broker.user_s", K_SECONDS, V_CSV, NULL, 0 },
	{ "broker_sys_s", "cpu.broker.sys_s", K_SECONDS, V_CSV, NULL, 0 },
	{ "broker_util_pct", "cpu.broker.util_pct", K_PCT, V_CSV, NULL, 0 },
	{ "verified", "verified", K_BOOL, V_CSV, NULL, 0 },
	{ "lost", "lost", K_INT, V_CSV, NULL, 0 },
	{ "duplicated", "duplicated", K_INT, V_CSV, NULL, 0 },
	{ "reordered", "reordered", K_INT, V_CSV, NULL, 0 },
	{ "corrupted", "corrupted", K_INT, V_CSV, NULL, 0 },
	{ "errors", "errors", K_INT, V_CSV, NULL, 0 },
	{ "check", NULL, K_CHECK, V_TEXT, "check", 0 },
};

#define NCOLUMNS (sizeof(columns) / sizeof(columns[0]))

/* text_view: the view bit of r's text table */
static unsigned text_view(const struct report *r)
{
	return r->latency ? V_LAT : V_THR;
}

static void text_header(struct report *r)
{
	const char *sep = "";

	for (size_t i = 0; i < NCOLUMNS; i++) {
		if (!(columns[i].views & text_view(r)))
			continue;
		fprintf(r->out, "%s%*s", sep, columns[i].width, columns[i].head);
		sep = " ";
	}
	fputc('\n', r->out);
}

/* check_text: "verified", what went wrong, or "not checked" */
static const char *check_text(const cJSON *l, char *buf, size_t len)
{
	if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(l, "verified")))
		snprintf(buf, len, "verified");
	else if (num(l, "lost") + num(l, "corrupted") + num(l, "reordered") + num(l, "duplicated") > 0)
		snprintf(buf, len, "LOST %.0f CORRUPT %.0f REORDER %.0f DUP %.0f",
			 num(l, "lost"), num(l, "corrupted"), num(l, "reordered"), num(l, "duplicated"));
	else
		snprintf(buf, len, "not checked");
	if (cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(l, "cpu"), "broker"))
		snprintf(buf + strlen(buf), len - strlen(buf), "  broker cpu %.0f%%",
			 num(l, "cpu.broker.util_pct"));
	return buf;
}

static void text_cell(FILE *f, const struct column *c, const cJSON *l)
{
	double v = c->field ? num(l, c->field) : 0;
	char buf[96];

	switch (c->kind) {
	case K_NAME: fprintf(f, "%*s", c->width, name_of(l)); break;
	case K_SIZE: fprintf(f, "%*s", c->width, human_size(v, buf, sizeof(buf))); break;
	case K_RATE: fprintf(f, "%*s", c->width, human_si(v, "", buf, sizeof(buf))); break;
	case K_BYTES_RATE: fprintf(f, "%*s", c->width, human_si(v, "B/s", buf, sizeof(buf))); break;
	case K_NS: fprintf(f, "%*s", c->width, human_ns(v, buf, sizeof(buf))); break;
	case K_PCT: fprintf(f, "%*.0f%%", c->width - 1, v); break;
	case K_CHECK: fputs(check_text(l, buf, sizeof(buf)), f); break;
	default: fprintf(f, "%*.0f", c->width, v); break;
	}
}

/*
 * text_ring_regime: for a ring stream (shm-ring, threads), which side
 * waited, in words (README, "The 64 B ring"): a receiver that found the
 * ring empty about once per batch ran right behind the sender; about once
 * per slip, it trailed by the slip; hardly ever, with the ring filling,
 * it was the slower side and a backlog built.
 */
static void text_ring_regime(FILE *f, const cJSON *l)
{
	const cJSON *g = cJSON_GetObjectItemCaseSensitive(l, "granted");
	double count = num(l, "count"), empty = num(g, "ring_recv_waits");
	double full = num(g, "ring_send_waits"), batch = num(g, "ring_batch");
	double slip = num(g, "ring_slip"), every = empty > 0 ? count / empty : 0;
	char e[HUMAN_LEN], n[HUMAN_LEN];
	const char *what;

	if (batch <= 1 || slip <= 0 || count <= 0 ||
	    !cJSON_GetObjectItemCaseSensitive(g, "ring_recv_waits"))
		return;
	if (every > 0 && every < 2 * batch)
		what = "receiver ran right behind the sender";
	else if (every > 0 && every < 4 * slip)
		what = "receiver trailed the sender by the slip";
	else
		what = "receiver was the slower side: a backlog built";
	human_si(every, "", e, sizeof(e));
	human_si(full, "", n, sizeof(n));
	fprintf(f, "%22s ring: %s (found it empty every %s msgs, full %s times)\n", "",
		what, every > 0 ? e : "-", n);
}

static void text_result(struct report *r, const cJSON *l)
{
	const char *sep = "";

	for (size_t i = 0; i < NCOLUMNS; i++) {
		if (!(columns[i].views & text_view(r)))
			continue;
		fputs(sep, r->out);
		text_cell(r->out, &columns[i], l);
		sep = " ";
	}
	fputc('\n', r->out);
	trust_text_result(r->out, l);
	text_ring_regime(r->out, l);
}

static void text_start(struct report *r, const cJSON *line)
{
	const cJSON *p = cJSON_GetObjectItemCaseSensitive(line, "params");
	const cJSON *sys = cJSON_GetObjectItemCaseSensitive(line, "system");

	r->latency = strcmp(str(p, "mode"), "latency") == 0;
	fprintf(r->out, "ipcscope %s: %s mode, pin %s, %d reps, on %s (%d cores, %s)\n",
		str(line, "what"), str(p, "mode"), str(p, "pin"), (int)num(p, "reps"),
		str(sys, "cpu_model"), (int)num(sys, "cores"), str(sys, "kernel"));
	text_header(r);
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
			name_of(l), sz, human_si(num(f, "median"), "", a, sizeof(a)),
			human_si(num(l, "bytes_per_s.median"), "B/s", c, sizeof(c)),
			human_si(num(f, "min"), "", b, sizeof(b)),
			human_si(num(f, "max"), "", d, sizeof(d)),
			100 * num(f, "rel_spread"), (int)num(l, "reps"));
	trust_text_summary(r->out, l);
}

static void text_comparison(struct report *r, const cJSON *l)
{
	const cJSON *row;
	char sz[32];

	fprintf(r->out, "\ncomparison by %s against %s (95%% interval of the ratio over reps):\n",
		str(l, "metric"), *str(l, "baseline_label") ? str(l, "baseline_label") :
		str(l, "baseline"));
	cJSON_ArrayForEach(row, cJSON_GetObjectItemCaseSensitive(l, "rows")) {
		const char *basis = str(row, "verdict_basis"), *why = str(row, "unreliable");

		human_size(num(row, "size"), sz, sizeof(sz));
		fprintf(r->out, "  %-15s %8s  x%-8.3g %s\n", name_of(row), sz, num(row, "ratio"),
			str(row, "verdict_text"));
		if (*basis)
			fprintf(r->out, "%22s probably: %s\n", "!", basis);
		if (*why)
			fprintf(r->out, "%22s unreliable here: %s\n", "!", why);
	}
	platform_text_comparison(r->out, l);
}

static void text_end(struct report *r, const cJSON *l)
{
	platform_text_end(r->out, l);
	fprintf(r->out, "%s in %.2f s\n", str(l, "status"), num(l, "elapsed_s"));
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
		text_end(r, line);
	else if (!strcmp(type, "lesson"))
		fprintf(r->out, "\n%s\n", str(line, "text"));
	fflush(r->out);
}

/* --- csv view: one row per rep ------------------------------------------ */

void report_csv_field(FILE *f, const char *s)
{
	if (!strpbrk(s, ",\"\n\r")) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

static void csv_cell(FILE *f, const struct column *c, const cJSON *l)
{
	double v = c->field ? num(l, c->field) : 0;

	switch (c->kind) {
	case K_TEXT: report_csv_field(f, str(l, c->field)); break;
	case K_LABEL: report_csv_field(f, name_of(l)); break;
	case K_SIZE: case K_INT: fprintf(f, "%.0f", v); break;
	case K_SECONDS: fprintf(f, "%.6f", v); break;
	case K_PCT: fprintf(f, "%.2f", v); break;
	case K_BOOL: fprintf(f, "%d", cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(l, c->field))); break;
	default: fprintf(f, "%.9g", v); break;
	}
}

static void csv_emit(struct report *r, const cJSON *l)
{
	int first = 1;

	if (strcmp(str(l, "type"), "result") != 0) {
		if (!strcmp(str(l, "type"), "error"))
			fprintf(stderr, "ipcscope: %s\n", str(l, "message"));
		return;
	}
	if (!r->csv_header++) {
		for (size_t i = 0; i < NCOLUMNS; i++)
			if (columns[i].views & V_CSV) {
				fprintf(r->out, "%s%s", first ? "" : ",", columns[i].name);
				first = 0;
			}
		fputc('\n', r->out);
	}
	first = 1;
	for (size_t i = 0; i < NCOLUMNS; i++)
		if (columns[i].views & V_CSV) {
			if (!first)
				fputc(',', r->out);
			csv_cell(r->out, &columns[i], l);
			first = 0;
		}
	fputc('\n', r->out);
	fflush(r->out);
}

/* --- csv of an experiment demo: its point lines, one row each, written at
   the end under the union of their fields (as the page's export does) --- */

/* point_column: whether a point's field is a CSV column (first seen) */
static int point_column(const cJSON *it)
{
	return strcmp(it->string, "type") && strcmp(it->string, "run") &&
	       !cJSON_IsObject(it) && !cJSON_IsArray(it) && !cJSON_IsNull(it);
}

/* points_header: the union of the points' columns, in the order first seen */
static cJSON *points_header(const cJSON *points)
{
	cJSON *names = cJSON_CreateArray();
	const cJSON *p, *it;

	cJSON_ArrayForEach(p, points)
		cJSON_ArrayForEach(it, p) {
			const cJSON *n;
			int seen = 0;

			cJSON_ArrayForEach(n, names)
				seen |= !strcmp(n->valuestring, it->string);
			if (!seen && point_column(it))
				cJSON_AddItemToArray(names, cJSON_CreateString(it->string));
		}
	return names;
}

static void point_cell(FILE *f, const cJSON *v)
{
	if (cJSON_IsBool(v))
		fputc(cJSON_IsTrue(v) ? '1' : '0', f);
	else if (cJSON_IsNumber(v))
		fprintf(f, "%.15g", v->valuedouble);
	else if (cJSON_IsString(v))
		report_csv_field(f, v->valuestring);
}

static void csv_points(struct report *r)
{
	cJSON *names = points_header(r->doc);
	const cJSON *p, *n;

	cJSON_ArrayForEach(n, names)
		fprintf(r->out, "%s%s", n == names->child ? "" : ",", n->valuestring);
	fputc('\n', r->out);
	cJSON_ArrayForEach(p, r->doc) {
		cJSON_ArrayForEach(n, names) {
			if (n != names->child)
				fputc(',', r->out);
			point_cell(r->out, cJSON_GetObjectItemCaseSensitive(p, n->valuestring));
		}
		fputc('\n', r->out);
	}
	fflush(r->out);
	cJSON_Delete(names);
}

cJSON *report_csv_columns_json(void)
{
	cJSON *a = cJSON_CreateArray();

	for (size_t i = 0; i < NCOLUMNS; i++)
		if (columns[i].views & V_CSV) {
			cJSON *o = cJSON_CreateObject();
			cJSON_AddStringToObject(o, "name", columns[i].name);
			cJSON_AddStringToObject(o, "path", columns[i].field);
			cJSON_AddItemToArray(a, o);
		}
	return a;
}

/* --- json view: one document at the end --------------------------------- */

static void json_keep(struct report *r, cJSON *line)
{
	const char *type = str(line, "type");
	const char *arr = !strcmp(type, "result") ? "results" :
			  !strcmp(type, "summary") ? "summaries" :
			  !strcmp(type, "error") ? "errors" :
			  !strcmp(type, "point") ? "points" : NULL;

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

int report_watch(struct report *r, void (*fn)(void *ctx, const cJSON *line), void *ctx)
{
	for (int i = 0; i < REPORT_WATCH_MAX; i++)
		if (!r->watch[i].fn) {
			r->watch[i].fn = fn;
			r->watch[i].ctx = ctx;
			return 0;
		}
	return -1;
}

void report_unwatch(struct report *r, void (*fn)(void *ctx, const cJSON *line))
{
	for (int i = 0; i < REPORT_WATCH_MAX; i++)
		if (r->watch[i].fn == fn)
			r->watch[i].fn = NULL;
}

void report_emit(struct report *r, cJSON *line)
{
	char *s;

	if (!line)
		return;
	for (int i = 0; i < REPORT_WATCH_MAX; i++)
		if (r->watch[i].fn)
			r->watch[i].fn(r->watch[i].ctx, line);
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
		if (!strcmp(str(line, "type"), "point")) {
			if (!r->doc)
				r->doc = cJSON_CreateArray();
			cJSON_AddItemToArray(r->doc, line);
			return;
		}
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
	if (r->fmt == REPORT_CSV && r->doc)
		csv_points(r);
	cJSON_Delete(r->doc);
	r->doc = NULL;
}
