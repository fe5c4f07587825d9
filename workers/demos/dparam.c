/* dparam.c -- the params of a demo that runs its own experiment */
#include "demos/dparam.h"
#include "base/error.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DP_VALUE_SHOWN 64        /* characters of a bad value quoted back */

static const char *const kind_names[] = { "integer", "count", "size", "number", "0 or 1" };

/* range_text: "2..16", "1K..64M", "0.01..5" */
static void range_text(const struct dparam *d, char *buf, size_t len)
{
	if (d->kind == DP_BOOL)
		snprintf(buf, len, "0 or 1");
	else if (d->kind == DP_REAL)
		snprintf(buf, len, "a number %g..%g", d->min, d->max);
	else if (d->kind == DP_SIZE)
		snprintf(buf, len, "bytes %.0f..%.0f (K and M suffixes: x1024)", d->min, d->max);
	else if (d->kind == DP_COUNT)
		snprintf(buf, len, "a whole number %.0f..%.0f (K and M suffixes: x1000)", d->min, d->max);
	else
		snprintf(buf, len, "a whole number %.0f..%.0f", d->min, d->max);
}

/* parse_whole: digits and an optional K/M suffix of base unit; 0 or -1 */
static int parse_whole(const char *s, double unit, double *out)
{
	uint64_t v = 0;
	const char *p = s;
	double mult = 1;

	if (*p < '0' || *p > '9')
		return -1;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (v > (UINT64_MAX - 9) / 10)
			return -1;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	if (unit > 0 && (*p == 'K' || *p == 'k'))
		mult = unit, p++;
	else if (unit > 0 && (*p == 'M' || *p == 'm'))
		mult = unit * unit, p++;
	if (*p)
		return -1;
	*out = (double)v * mult;
	return 0;
}

static int parse_value(const struct dparam *d, const char *s, double *out)
{
	char *end;

	switch (d->kind) {
	case DP_INT:
	case DP_BOOL:
		return parse_whole(s, 0, out);
	case DP_COUNT:
		return parse_whole(s, 1000, out);
	case DP_SIZE:
		return parse_whole(s, 1024, out);
	case DP_REAL:
		if (!*s || strchr(" \t\n+", *s))
			return -1;
		errno = 0;
		*out = strtod(s, &end);
		return *end || errno || !isfinite(*out) ? -1 : 0;
	}
	return -1;
}

static void store(const struct dparam *d, void *out, double v)
{
	char *field = (char *)out + d->off;

	if (d->kind == DP_INT || d->kind == DP_BOOL)
		*(int *)(void *)field = (int)v;
	else if (d->kind == DP_REAL)
		*(double *)(void *)field = v;
	else
		*(uint64_t *)(void *)field = (uint64_t)v;
}

/* dparam_find: the entry called name, or NULL */
static const struct dparam *dparam_find(const struct dparam *spec, const char *name)
{
	for (; spec && spec->name; spec++)
		if (!strcmp(spec->name, name))
			return spec;
	return NULL;
}

/* unknown: the message for a name the demo does not take */
static int unknown(const struct dparam *spec, const char *name, char *err, size_t errlen)
{
	size_t used;

	used = (size_t)snprintf(err, errlen, "unknown parameter '%.*s': this demo takes ",
				DP_VALUE_SHOWN, name);
	if (!spec || !spec->name)
		snprintf(err + (used < errlen ? used : errlen - 1), used < errlen ? errlen - used : 1,
			 "none");
	for (int i = 0; spec && spec[i].name && used < errlen; i++)
		used += (size_t)snprintf(err + used, errlen - used, "%s%s", i ? ", " : "",
					 spec[i].name);
	return -1;
}

int dparam_set(const struct dparam *spec, void *out, const char *name, const char *value,
	       char *err, size_t errlen)
{
	const struct dparam *d = dparam_find(spec, name);
	char range[128];
	double v;

	if (!d)
		return unknown(spec, name, err, errlen);
	range_text(d, range, sizeof(range));
	if (!value || !*value) {
		error_set(err, errlen, "parameter '%s' needs a value: expected %s", name, range);
		return -1;
	}
	if (parse_value(d, value, &v) < 0 || v < d->min || v > d->max) {
		error_set(err, errlen, "bad value '%.*s' for %s: expected %s", DP_VALUE_SHOWN, value,
			  name, range);
		return -1;
	}
	store(d, out, v);
	return 0;
}

int dparam_defaults(const struct dparam *spec, void *out, char *err, size_t errlen)
{
	for (; spec && spec->name; spec++)
		if (dparam_set(spec, out, spec->name, spec->def, err, errlen) < 0)
			return -1;
	return 0;
}

cJSON *dparam_json(const struct dparam *spec)
{
	cJSON *all = cJSON_CreateArray();

	for (; spec && spec->name; spec++) {
		cJSON *o = cJSON_CreateObject();
		char range[128];

		range_text(spec, range, sizeof(range));
		cJSON_AddStringToObject(o, "name", spec->name);
		cJSON_AddStringToObject(o, "kind", kind_names[spec->kind]);
		cJSON_AddNumberToObject(o, "min", spec->min);
		cJSON_AddNumberToObject(o, "max", spec->max);
		cJSON_AddStringToObject(o, "default", spec->def);
		cJSON_AddStringToObject(o, "help", spec->help);
		cJSON_AddStringToObject(o, "expect", range);
		cJSON_AddItemToArray(all, o);
	}
	return all;
}
