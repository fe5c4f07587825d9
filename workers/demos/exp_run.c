/* exp_run.c -- a demo that runs its own experiment: its params from the
   command line, its lines through the run's NDJSON writer, its lesson */
#include "demos/demo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/stop.h"
#include "rep/harness.h"
#include "base/human.h"
#include "out/ndjson.h"
#include "run/runner.h"
#include "probe/sysinfo.h"
#include "base/error.h"

#define EXP_LESSON_MAX 2048     /* a lesson with its caveat */
#define EXP_NAME_MAX 40
#define EXP_PARAMS_MAX 512       /* room for any demo's params struct */

/* The sink of an experiment's lines: the run's output, whose text view
   shows the steps and points through exp_text_line. */
struct exp_sink {
	struct run *r;
	int step;                 /* text: the step last shown */
};

static void emit_line(void *ctx, cJSON *line)
{
	struct exp_sink *k = ctx;

	if (k->r->p.format == FMT_TEXT && exp_text_line(k->r->out.out, line, &k->step))
		cJSON_Delete(line);
	else
		report_emit(&k->r->out, line);
}

/* demo_help: a demo's own params, each with its range and default */
static void demo_help(const struct demo *d)
{
	printf("usage: ipcscope demo %s [params] [--format text|json|ndjson]\n\n%s\n%s\n\n",
	       d->name, d->claim, d->method);
	for (const struct dparam *p = d->exp->params; p && p->name; p++) {
		char max[HUMAN_LEN];

		if (p->kind == DP_SIZE)
			human_bytes(p->max, max, sizeof(max));
		else
			snprintf(max, sizeof(max), "%.10g", p->max);
		printf("  --%-12s %s (%s %.10g..%s, default %s)\n", p->name, p->help,
		       p->kind == DP_REAL ? "a number" : p->kind == DP_SIZE ? "bytes" : "whole",
		       p->min, max, p->def);
	}
	printf("%s\nexit status: 0 ok, 1 the run failed, 2 usage error\n",
	       d->exp->params ? "" : "  (no params)\n");
}

/* prescan: --format wherever it stands, so that a bad param before it is
   reported in the format asked */
static void prescan(struct run *r, int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		const char *v = !strncmp(argv[i], "--format=", 9) ? argv[i] + 9 :
				!strcmp(argv[i], "--format") && i + 1 < argc ? argv[i + 1] : NULL;
		if (v && (!strcmp(v, "ndjson") || !strcmp(v, "json")))
			r->p.format = !strcmp(v, "json") ? FMT_JSON : FMT_NDJSON;
	}
}

int demo_own_params(const char *name)
{
	const struct demo *d = demo_find(name);

	return d && d->exp;
}

int demo_param_check(const char *demo, const char *name, const char *value, char *err,
		     size_t errlen)
{
	const struct demo *d = demo_find(demo);
	char buf[EXP_PARAMS_MAX];

	if (!d || !d->exp || d->exp->params_size > sizeof(buf)) {
		error_set(err, errlen, "demo '%.64s' takes no params of its own", demo);
		return -1;
	}
	return dparam_set(d->exp->params, buf, name, value, err, errlen);
}

/* parse: --name value / --name=value of argv (after the demo's name) into
   params (the demo's own) or r->p (format, run-id), each once; 0, 1 for
   --help, or -1 with err */
static int parse(struct run *r, const struct exp_demo *x, void *params, cJSON *given,
		 int argc, char **argv, struct param_error *err)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *val, *eq;
		char name[EXP_NAME_MAX], msg[sizeof(err->message)];

		if (!strcmp(a, "--help") || !strcmp(a, "-h"))
			return 1;
		if (strncmp(a, "--", 2) != 0) {
			return param_error_set(err, "demo", "unexpected argument '%.64s': a demo "
					       "takes its name and params only (see 'ipcscope demo "
					       "--help')", a);
		}
		a += 2;
		if ((eq = strchr(a, '='))) {
			snprintf(name, sizeof(name), "%.*s", (int)(eq - a), a);
			val = eq + 1;
		} else {
			snprintf(name, sizeof(name), "%s", a);
			val = i + 1 < argc ? argv[++i] : "";
		}
		if (cJSON_GetObjectItemCaseSensitive(given, name))
			return param_error_set(err, name, "parameter '%s' given more than once", name);
		if (!strcmp(name, params_name(P_FORMAT)) || !strcmp(name, params_name(P_RUN_ID))) {
			if (params_set(&r->p, name, val, false, err) < 0)
				return -1;
			continue;
		}
		if (dparam_set(x->params, params, name, val, msg, sizeof(msg)) < 0)
			return param_error_set(err, name, "%s", msg);
		cJSON_AddStringToObject(given, name, val);
	}
	return 0;
}

/* exp_start: the start line of an experiment demo, its chart the one for
   values (the parsed params) */
static void exp_start(struct exp_sink *k, cJSON *params, const void *values)
{
	struct run *r = k->r;
	const struct exp_demo *x = r->demo->exp;
	const char *hint = x->chart_for ? x->chart_for(values) : x->chart;
	cJSON *l = ndjson_line("start", r->id), *chart;
	char what[EXP_LESSON_MAX / 4];

	snprintf(what, sizeof(what), "demo %s", r->demo->name);
	cJSON_AddStringToObject(l, "demo", r->demo->name);
	cJSON_AddStringToObject(l, "title", r->demo->title);
	cJSON_AddStringToObject(l, "claim", r->demo->claim);
	cJSON_AddStringToObject(l, "method", r->demo->method);
	cJSON_AddStringToObject(l, "what", what);
	cJSON_AddStringToObject(l, "command", "demo");
	cJSON_AddItemToObject(l, "kind", cJSON_CreateString("experiment"));
	cJSON_AddItemToObject(l, "params", params);
	chart = hint ? cJSON_Parse(hint) : NULL;
	cJSON_AddItemToObject(l, "chart", chart ? chart : cJSON_CreateNull());
	cJSON_AddItemToObject(l, "system", sysinfo_json());
	emit_line(k, l);
}

/* params_json: the values the demo runs with, defaults included */
static cJSON *params_json(const struct exp_demo *x, const void *params)
{
	cJSON *o = cJSON_CreateObject();

	for (const struct dparam *p = x->params; p && p->name; p++) {
		const char *f = (const char *)params + p->off;
		double v = p->kind == DP_REAL ? *(const double *)(const void *)f :
			   p->kind == DP_INT || p->kind == DP_BOOL ? *(const int *)(const void *)f :
			   (double)*(const uint64_t *)(const void *)f;
		cJSON_AddNumberToObject(o, p->name, v);
	}
	return o;
}

/* bad_param: a bad param on stderr, and as error and end lines when the
   format asked is ndjson or json; exit status 2 */
static int bad_param(struct run *r, const struct param_error *err)
{
	fprintf(stderr, "ipcscope: %s\n", err->message[0] ? err->message : "out of memory");
	if (r->p.format == FMT_NDJSON || r->p.format == FMT_JSON) {
		ndjson_param_error(r, err);
		ndjson_end(r, "error");
	}
	return 2;
}

/* exp_run: the experiment, its lesson or error, and the end line */
static int exp_run(struct exp_sink *k, struct exp_out *out, const void *params)
{
	struct run *r = k->r;
	char lesson[EXP_LESSON_MAX] = "", why[RUN_ERR_MAX];
	int rc;

	stop_hook_add(exp_stop);
	run_install_signals();
	exp_start(k, params_json(r->demo->exp, params), params);
	rc = r->demo->exp->run(params, out, lesson, sizeof(lesson), why, sizeof(why));
	/* a stop cuts the experiment short even where it still returns 0 (it
	   ends its loops early): a lesson from part of its points would read
	   as a finding, so a stopped run ends cancelled, with no lesson */
	if (rc == 0 && exp_stopped()) {
		snprintf(why, sizeof(why), "interrupted before every step ran; no lesson "
			 "from part of the points");
		rc = -1;
	}
	if (rc == 0 && out->step > 0)
		exp_progress(out, 1);     /* the last step is done */
	if (rc < 0)
		ndjson_error(r, exp_stopped() ? "cancelled" : "run_failed", why, NULL, 0);
	else {
		exp_caveat(lesson, sizeof(lesson), out->why);
		ndjson_lesson(r, lesson, out->why);
	}
	ndjson_end(r, rc == 0 ? "ok" : exp_stopped() ? "cancelled" : "error");
	return rc == 0 ? 0 : 1;
}

int demo_exp_main(struct run *r, int argc, char **argv)
{
	const struct exp_demo *x = r->demo->exp;
	struct exp_sink sink = { .r = r };
	struct exp_out out = { .emit = emit_line, .ctx = &sink };
	struct param_error err = { 0 };
	cJSON *given = cJSON_CreateObject();
	void *params = calloc(1, x->params_size ? x->params_size : 1);
	int rc = -1;

	prescan(r, argc, argv);
	if (params && given && (!x->params || dparam_defaults(x->params, params, err.message,
							      sizeof(err.message)) == 0))
		rc = parse(r, x, params, given, argc, argv, &err);
	cJSON_Delete(given);
	if (rc == 1) {
		demo_help(r->demo);
		free(params);
		return 0;
	}
	out.run = r->id = r->p.run_id[0] ? r->p.run_id : r->id;
	report_open(&r->out, r->p.format == FMT_JSON ? REPORT_JSON : r->p.format == FMT_NDJSON ?
		    REPORT_NDJSON : r->p.format == FMT_CSV ? REPORT_CSV : REPORT_TEXT, stdout);
	rc = rc < 0 ? bad_param(r, &err) : exp_run(&sink, &out, params);
	report_close(&r->out);
	free(params);
	return rc;
}
