/* catalogue_params.c -- the table of common run params as JSON, for
   GET /api/params: the page builds and checks its form from it */
#include <cjson/cJSON.h>

#include "cli/engine.h"
#include "params/params_table.h"

static const char *const kind_names[] = {
	[PARAM_WORD] = "word", [PARAM_FLAG] = "flag", [PARAM_WHOLE] = "whole",
	[PARAM_SECONDS] = "seconds", [PARAM_SIZE] = "size", [PARAM_SIZE_LIST] = "size_list",
	[PARAM_MECH_LIST] = "mechanism_list", [PARAM_MECH] = "mechanism", [PARAM_PIN] = "pin",
	[PARAM_HOSTPORT] = "hostport", [PARAM_SECRET] = "secret", [PARAM_ID] = "id",
};

/* numeric: the kind has a range of numbers (or of lengths) */
static bool numeric(enum param_kind k)
{
	return k != PARAM_WORD && k != PARAM_PIN && k != PARAM_MECH_LIST && k != PARAM_MECH;
}

/* default_of: row's default for cmd as the API writes it: a word, a
   number, or null when it has none of its own (count, peer, ...) */
static cJSON *default_of(const struct param_row *row, enum params_cmd cmd)
{
	double v = row->def[cmd];

	switch (row->kind) {
	case PARAM_WORD:
	case PARAM_PIN:
		return cJSON_CreateString(row->values[(int)v]);
	case PARAM_FLAG:
	case PARAM_SECONDS:
	case PARAM_SIZE:
		return cJSON_CreateNumber(v);
	case PARAM_WHOLE:
		return v > 0 ? cJSON_CreateNumber(v) : cJSON_CreateNull();
	default:
		return cJSON_CreateNull();
	}
}

static cJSON *row_json(const struct param_row *row)
{
	cJSON *o = cJSON_CreateObject(), *a, *d;
	char text[512];

	cJSON_AddStringToObject(o, "name", row->name);
	cJSON_AddStringToObject(o, "kind", kind_names[row->kind]);
	if (row->values) {
		a = cJSON_AddArrayToObject(o, "values");
		for (int i = 0; row->values[i]; i++)
			cJSON_AddItemToArray(a, cJSON_CreateString(row->values[i]));
	}
	if (numeric(row->kind)) {
		cJSON_AddNumberToObject(o, "min", row->min);
		cJSON_AddNumberToObject(o, "max", row->max);
	}
	if (row->latency_max > 0)
		cJSON_AddNumberToObject(o, "latency_max", row->latency_max);
	if (row->zero_off)
		cJSON_AddBoolToObject(o, "zero_off", true);
	if (row->max_items)
		cJSON_AddNumberToObject(o, "max_items", row->max_items);
	cJSON_AddStringToObject(o, "unit", row->unit);
	cJSON_AddStringToObject(o, "range", params_table_range(row, text, sizeof(text)));
	cJSON_AddStringToObject(o, "expect", params_table_expand(row, row->expect, text,
								  sizeof(text)));
	if (row->help)
		cJSON_AddStringToObject(o, "help", params_table_expand(row, row->help, text,
									sizeof(text)));
	else
		cJSON_AddNullToObject(o, "help");
	cJSON_AddStringToObject(o, "default_text", row->default_text);
	d = cJSON_AddObjectToObject(o, "default");
	a = cJSON_AddArrayToObject(o, "commands");
	for (int c = CMD_BENCH; c <= CMD_DEMO; c++) {
		if (!(row->cmds & PARAM_CMD(c)))
			continue;
		cJSON_AddItemToArray(a, cJSON_CreateString(params_table_cmd_name((enum params_cmd)c)));
		cJSON_AddItemToObject(d, params_table_cmd_name((enum params_cmd)c),
				      default_of(row, (enum params_cmd)c));
	}
	cJSON_AddBoolToObject(o, "http", !row->cli_only);
	return o;
}

cJSON *engine_params_json(void)
{
	cJSON *all = cJSON_CreateArray();

	for (int id = 0; id < P__COUNT; id++)
		cJSON_AddItemToArray(all, row_json(&params_table[id]));
	return all;
}
