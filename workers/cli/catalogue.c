/* catalogue.c -- the mechanism, demo and machine catalogues, and the list and
   sysinfo commands that print them */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "demos/demo.h"
#include "cli/engine.h"
#include "mech/mech.h"
#include "cli/catalogue.h"
#include "probe/sysinfo.h"
#include "demos/expect.h"

cJSON *engine_demos_json(void)
{
	cJSON *all = cJSON_CreateArray();

	for (int i = 0; demo_registry[i]; i++) {
		const struct demo *d = demo_registry[i];
		cJSON *o = cJSON_CreateObject(), *jobs;

		cJSON_AddStringToObject(o, "name", d->name);
		cJSON_AddStringToObject(o, "title", d->title);
		cJSON_AddStringToObject(o, "claim", d->claim);
		cJSON_AddStringToObject(o, "method", d->method);
		if (d->exp) {
			cJSON *chart = d->exp->chart ? cJSON_Parse(d->exp->chart) : NULL;

			cJSON_AddStringToObject(o, "kind", "experiment");
			cJSON_AddItemToObject(o, "params", d->exp->params ? dparam_json(d->exp->params) :
					      cJSON_CreateArray());
			cJSON_AddItemToObject(o, "chart", chart ? chart : cJSON_CreateNull());
		} else {
			cJSON_AddStringToObject(o, "kind", "jobs");
			cJSON_AddStringToObject(o, "metric", metric_name(d->metric));
		}
		cJSON_AddStringToObject(o, "defaults", d->defaults ? d->defaults : "");
		if (demo_expect_s(d->name) > 0)
			cJSON_AddNumberToObject(o, "expect_s", demo_expect_s(d->name));
		jobs = cJSON_AddArrayToObject(o, "jobs");
		for (int k = 0; k < d->njobs; k++) {
			cJSON *j = cJSON_CreateObject();
			cJSON_AddStringToObject(j, "label", d->jobs[k].label);
			cJSON_AddStringToObject(j, "mechanism", d->jobs[k].mech);
			cJSON_AddStringToObject(j, "params", d->jobs[k].args);
			cJSON_AddItemToArray(jobs, j);
		}
		cJSON_AddItemToArray(all, o);
	}
	return all;
}



/* options_json: [{name, values, default, help, cross_host}] of ops's own
   settings (cross_host: the value crossing hosts needs, or null) */
static cJSON *options_json(const struct mech_ops *ops)
{
	cJSON *a = cJSON_CreateArray();

	for (int k = 0; k < mech_option_count(ops); k++) {
		const struct mech_option *opt = &ops->options[k];
		cJSON *o = cJSON_CreateObject(), *v;

		cJSON_AddStringToObject(o, "name", opt->name);
		v = cJSON_AddArrayToObject(o, "values");
		for (int i = 0; opt->values[i]; i++)
			cJSON_AddItemToArray(v, cJSON_CreateString(opt->values[i]));
		cJSON_AddStringToObject(o, "default", opt->values[0]);
		cJSON_AddStringToObject(o, "help", opt->help);
		cJSON_AddItemToObject(o, "cross_host", opt->cross_host ?
				      cJSON_CreateString(opt->cross_host) : cJSON_CreateNull());
		cJSON_AddItemToArray(a, o);
	}
	return a;
}

cJSON *engine_catalogue_json(void)
{
	cJSON *all = cJSON_CreateArray();

	for (int i = 0; mech_registry[i]; i++) {
		const struct mech_ops *ops = mech_registry[i];
		struct mech_limits lim;
		cJSON *o = cJSON_CreateObject(), *x;

		mech_limits_of(ops, &lim);
		cJSON_AddStringToObject(o, "name", ops->name);
		cJSON_AddStringToObject(o, "family", mech_family_name(ops->family));
		cJSON_AddStringToObject(o, "summary", ops->summary);
		x = cJSON_AddArrayToObject(o, "modes");
		cJSON_AddItemToArray(x, cJSON_CreateString("throughput"));
		cJSON_AddItemToArray(x, cJSON_CreateString("latency"));
		x = cJSON_AddObjectToObject(o, "sizes");
		cJSON_AddNumberToObject(x, "min", (double)lim.min_size);
		cJSON_AddNumberToObject(x, "max", (double)lim.max_size);
		cJSON_AddStringToObject(x, "why", lim.why);
		cJSON_AddItemToObject(o, "options", options_json(ops));
		cJSON_AddBoolToObject(o, "cross_host", ops->cross_host != 0);
		cJSON_AddStringToObject(o, "copies", ops->copies ? ops->copies : "");
		cJSON_AddStringToObject(o, "cleanup", ops->cleanup ? ops->cleanup : "");
		cJSON_AddItemToArray(all, o);
	}
	return all;
}

/* engine_sysinfo_json: the ipcscope version first, then the machine */
cJSON *engine_sysinfo_json(void)
{
	cJSON *o = cJSON_CreateObject(), *m = sysinfo_json();

	if (!o || !m || !cJSON_AddStringToObject(o, "ipcscope_version", IPCSCOPE_VERSION)) {
		cJSON_Delete(o);
		cJSON_Delete(m);
		return NULL;
	}
	while (m->child) {
		cJSON *c = cJSON_DetachItemViaPointer(m, m->child);

		cJSON_AddItemToObject(o, c->string, c);
	}
	cJSON_Delete(m);
	return o;
}

void catalogue_usage(FILE *f, const char *cmd)
{
	fprintf(f, "usage: ipcscope %s [--format text|json]\n", cmd);
}

/* format_arg: "json" when argv asks --format json; -1 on a bad argument */
static int json_wanted(int argc, char **argv, const char *cmd)
{
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			catalogue_usage(stdout, cmd);
			return 2;
		}
		if ((!strcmp(argv[i], "--format") && i + 1 < argc) || !strncmp(argv[i], "--format=", 9)) {
			const char *v = argv[i][8] == '=' ? argv[i] + 9 : argv[++i];
			if (!strcmp(v, "json"))
				return 1;
			if (!strcmp(v, "text"))
				continue;
			fprintf(stderr, "ipcscope: bad value '%s' for format: expected text or json\n", v);
			return -1;
		}
		fprintf(stderr, "ipcscope: unknown argument '%s' for %s\n", argv[i], cmd);
		return -1;
	}
	return 0;
}

static int print_json(cJSON *o)
{
	char *s = cJSON_Print(o);

	if (s)
		printf("%s\n", s);
	free(s);
	cJSON_Delete(o);
	return s ? 0 : 1;
}

int catalogue_list_main(int argc, char **argv)
{
	int j = json_wanted(argc, argv, "list");

	if (j < 0 || j == 2)
		return j < 0 ? 2 : 0;
	if (j)
		return print_json(engine_catalogue_json());
	for (int i = 0; mech_registry[i]; i++) {
		const struct mech_ops *ops = mech_registry[i];
		struct mech_limits lim;

		mech_limits_of(ops, &lim);
		printf("%-11s %-15s %s\n", ops->name, mech_family_name(ops->family), ops->summary);
		printf("%-11s %-15s sizes %zu..%zu bytes; copies %s\n", "", "", lim.min_size,
		       lim.max_size, ops->copies ? ops->copies : "?");
		for (int k = 0; k < mech_option_count(ops); k++) {
			char values[128];

			mech_option_values_text(&ops->options[k], values, sizeof(values));
			printf("%-11s %-15s --%s: %s (%s, default %s)\n", "", "",
			       ops->options[k].name, ops->options[k].help, values,
			       ops->options[k].values[0]);
		}
	}
	return 0;
}

static void print_flat(const cJSON *o, const char *prefix)
{
	const cJSON *it;

	cJSON_ArrayForEach(it, o) {
		char key[96];

		snprintf(key, sizeof(key), "%s%s%s", prefix, *prefix ? "." : "", it->string);
		if (cJSON_IsObject(it))
			print_flat(it, key);
		else if (cJSON_IsString(it))
			printf("%-32s %s\n", key, it->valuestring);
		else if (cJSON_IsNumber(it))
			printf("%-32s %.0f\n", key, it->valuedouble);
	}
}

int catalogue_sysinfo_main(int argc, char **argv)
{
	int j = json_wanted(argc, argv, "sysinfo");
	cJSON *o;

	if (j < 0 || j == 2)
		return j < 0 ? 2 : 0;
	if (j)
		return print_json(engine_sysinfo_json());
	o = engine_sysinfo_json();
	print_flat(o, "");
	cJSON_Delete(o);
	return 0;
}
