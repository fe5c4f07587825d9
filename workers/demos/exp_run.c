/* exp_run.c -- a demo that runs its own experiment: its params from the
   command line, its lines through the run's NDJSON writer, its lesson */
#include "demo.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../harness.h"
#include "../ndjson.h"
#include "../run.h"
#include "../sysinfo.h"

#define EXP_LESSON_MAX 1024
#define EXP_NAME_MAX 40

/* emit_line: exp_out's sink: the run's output */
static void emit_line(void *ctx, cJSON *line)
{
	struct run *r = ctx;

	report_emit(&r->out, line);
}

/* parse: --name value / --name=value of argv (after the demo's name) into
   params (the demo's own) or r->p (format, run-id); 0, or -1 with err */
static int parse(struct run *r, const struct exp_demo *x, void *params, cJSON *given,
		 int argc, char **argv, struct param_error *err)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *val, *eq;
		char name[EXP_NAME_MAX];

		if (strncmp(a, "--", 2) != 0) {
			snprintf(err->param, sizeof(err->param), "demo");
			snprintf(err->message, sizeof(err->message), "unexpected argument '%.64s': a "
				 "demo takes its name and params only (see 'ipcscope demo --help')", a);
			return -1;
		}
		a += 2;
		if ((eq = strchr(a, '='))) {
			snprintf(name, sizeof(name), "%.*s", (int)(eq - a), a);
			val = eq + 1;
		} else {
			snprintf(name, sizeof(name), "%s", a);
			val = i + 1 < argc ? argv[++i] : "";
		}
		snprintf(err->param, sizeof(err->param), "%.31s", name);
		if (!strcmp(name, "format") || !strcmp(name, "run-id")) {
			if (params_set(&r->p, name, val, false, err) < 0)
				return -1;
			continue;
		}
		if (dparam_set(x->params, params, name, val, err->message, sizeof(err->message)) < 0)
			return -1;
		cJSON_AddStringToObject(given, name, val);
	}
	return 0;
}

/* exp_start: the start line of an experiment demo */
static void exp_start(struct run *r, cJSON *given)
{
	cJSON *l = ndjson_line("start", r->id), *chart;
	char what[EXP_LESSON_MAX / 4];

	snprintf(what, sizeof(what), "demo %s", r->demo->name);
	cJSON_AddStringToObject(l, "demo", r->demo->name);
	cJSON_AddStringToObject(l, "title", r->demo->title);
	cJSON_AddStringToObject(l, "claim", r->demo->claim);
	cJSON_AddStringToObject(l, "method", r->demo->method);
	cJSON_AddStringToObject(l, "what", what);
	cJSON_AddStringToObject(l, "command", "demo");
	cJSON_AddItemToObject(l, "params", given);
	chart = r->demo->exp->chart ? cJSON_Parse(r->demo->exp->chart) : NULL;
	cJSON_AddItemToObject(l, "chart", chart ? chart : cJSON_CreateNull());
	cJSON_AddItemToObject(l, "system", sysinfo_json());
	report_emit(&r->out, l);
}

int demo_exp_main(struct run *r, int argc, char **argv)
{
	const struct exp_demo *x = r->demo->exp;
	struct exp_out out = { .emit = emit_line, .ctx = r };
	struct param_error err = { 0 };
	char lesson[EXP_LESSON_MAX] = "", why[RUN_ERR_MAX];
	cJSON *given = cJSON_CreateObject();
	void *params = calloc(1, x->params_size ? x->params_size : 1);
	int rc = -1;

	if (!params || !given || (x->params && dparam_defaults(x->params, params, err.message,
							       sizeof(err.message)) < 0) ||
	    parse(r, x, params, given, argc, argv, &err) < 0) {
		fprintf(stderr, "ipcscope: %s\n", err.message[0] ? err.message : "out of memory");
		cJSON_Delete(given);
		free(params);
		return 2;
	}
	out.run = r->id = r->p.run_id[0] ? r->p.run_id : r->id;
	report_open(&r->out, r->p.format == FMT_JSON ? REPORT_JSON : r->p.format == FMT_NDJSON ?
		    REPORT_NDJSON : r->p.format == FMT_CSV ? REPORT_CSV : REPORT_TEXT, stdout);
	run_install_signals();
	exp_start(r, given);
	rc = x->run(params, &out, lesson, sizeof(lesson), why, sizeof(why));
	if (rc < 0)
		ndjson_error(r, exp_stopped() ? "cancelled" : "run_failed", why, NULL, 0);
	else
		ndjson_lesson(r, lesson, NULL);
	ndjson_end(r, rc == 0 ? "ok" : exp_stopped() ? "cancelled" : "error");
	report_close(&r->out);
	free(params);
	return rc == 0 ? 0 : 1;
}
