/* exp_text.c -- the text view of an experiment demo's start, progress and
   point lines: numbered steps and each point's figures for people */
#include "demos/exp.h"

#include <stdint.h>
#include <string.h>

#include "base/human.h"

#define KEY_MAX 64

static const char *str_of(const cJSON *l, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(l, key);

	return cJSON_IsString(v) ? v->valuestring : "";
}

static double num_of(const cJSON *l, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(l, key);

	return cJSON_IsNumber(v) ? v->valuedouble : 0;
}

static int ends_with(const char *s, const char *tail)
{
	size_t n = strlen(s), t = strlen(tail);

	return n > t && !strcmp(s + n - t, tail);
}

/* figure_text: one field of a point as people read it, by its name's unit */
static const char *figure_text(const char *key, const cJSON *v, char *buf, size_t len)
{
	static const char *const plain[] = { "pid", "uid", "gid", "rep", "producers", "gap_bytes" };
	double x = v->valuedouble;

	if (cJSON_IsBool(v))
		return cJSON_IsTrue(v) ? "yes" : "no";
	if (cJSON_IsString(v))
		return v->valuestring;
	for (size_t i = 0; i < sizeof(plain) / sizeof(plain[0]); i++)
		if (!strcmp(key, plain[i]))
			return snprintf(buf, len, "%.0f", x), buf;
	if (ends_with(key, "_per_s"))
		return human_si(x, "/s", buf, len);
	if (ends_with(key, "_ns"))
		return human_seconds(x / 1e9, buf, len);
	if (ends_with(key, "_us"))
		return human_seconds(x / 1e6, buf, len);
	if (ends_with(key, "_s") || strstr(key, "_s_per_"))
		return human_seconds(x, buf, len);
	if (strstr(key, "pct"))
		return human_pct(x, buf, len);
	if (strstr(key, "share"))
		return human_pct(100 * x, buf, len);
	if (strstr(key, "bytes"))
		return human_bytes(x, buf, len);
	return x >= 0 && x == (double)(uint64_t)x ? human_count((uint64_t)x, buf, len) :
	       human_si(x, "", buf, len);
}

/* key_text: a field's name without its unit: "adds_per_s" -> "adds" */
static const char *key_text(const char *key, char *buf, size_t len)
{
	static const char *const units[] = { "_per_s", "_pct", "_ns", "_us", "_s" };

	snprintf(buf, len, "%s", key);
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (ends_with(buf, units[i])) {
			buf[strlen(buf) - strlen(units[i])] = '\0';
			break;
		}
	for (char *c = buf; *c; c++)
		*c = *c == '_' ? ' ' : *c;
	return buf;
}

static void point_text(FILE *f, const cJSON *l)
{
	static const char *const skip[] = { "type", "run", "step", "label", "series", "x" };
	const char *label = str_of(l, "label"), *series = str_of(l, "series");
	const cJSON *it;
	int n = 0;

	fprintf(f, "      %s%s%s:", label, strcmp(label, series) ? ", " : "",
		strcmp(label, series) ? series : "");
	cJSON_ArrayForEach(it, l) {
		char buf[HUMAN_LEN], key[KEY_MAX];
		size_t i;

		for (i = 0; i < sizeof(skip) / sizeof(skip[0]) && strcmp(skip[i], it->string); i++)
			;
		if (i == sizeof(skip) / sizeof(skip[0]))
			fprintf(f, "%s %s %s", n++ ? "," : "", key_text(it->string, key, sizeof(key)),
				figure_text(it->string, it, buf, sizeof(buf)));
	}
	fprintf(f, "\n");
}

int exp_text_line(FILE *f, const cJSON *l, int *step)
{
	const char *type = str_of(l, "type");

	if (!strcmp(type, "start"))
		fprintf(f, "ipcscope demo %s: %s\nclaim: %s\n", str_of(l, "demo"), str_of(l, "title"),
			str_of(l, "claim"));
	else if (!strcmp(type, "progress")) {
		if ((int)num_of(l, "step_index") != *step) {
			*step = (int)num_of(l, "step_index");
			fprintf(f, "[%d/%d] %s\n", *step, (int)num_of(l, "steps"), str_of(l, "step"));
		}
	} else if (!strcmp(type, "point"))
		point_text(f, l);
	else
		return 0;
	fflush(f);
	return 1;
}
