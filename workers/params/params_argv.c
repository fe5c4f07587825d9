/* params_argv.c -- a validated params struct back into the argv of a run process */
#include "params/params.h"
#include "base/error.h"
#include "params/params_table.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Room the arguments are written into. */
struct argv_out {
	const char **argv;
	int n, max;
	char *buf;
	size_t used, len;
	int full;
};

/* put: one printf-formatted argument */
__attribute__((format(printf, 2, 3)))
static void put(struct argv_out *o, const char *fmt, ...)
{
	va_list ap;
	int k;

	if (o->full || o->n == o->max) {
		o->full = 1;
		return;
	}
	va_start(ap, fmt);
	k = vsnprintf(o->buf + o->used, o->len - o->used, fmt, ap);
	va_end(ap);
	if (k < 0 || (size_t)k >= o->len - o->used) {
		o->full = 1;
		return;
	}
	o->argv[o->n++] = o->buf + o->used;
	o->used += (size_t)k + 1;
}

static void put_list_u64(struct argv_out *o, const uint64_t *v, int n)
{
	char list[PARAMS_MAX_SIZES * 24] = "";

	for (int i = 0; i < n; i++)
		snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%llu", i ? "," : "",
			 (unsigned long long)v[i]);
	put(o, "%s", list);
}

static void put_mechs(struct argv_out *o, const struct bench_params *p)
{
	char list[PARAMS_MAX_MECHS * MECH_NAME_MAX] = "";

	for (int i = 0; i < p->nmechs; i++)
		snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s", i ? "," : "",
			 p->mechs[i]);
	put(o, "%s", list);
}

/* put_param: "--name" and the value of param id as params_set reads it,
   read from where its table row says it lands */
static void put_param(struct argv_out *o, const struct bench_params *p, enum param_id id)
{
	const struct param_row *row = &params_table[id];
	const char *at = (const char *)p + row->offset;
	char pin[32];
	uint64_t u;
	unsigned w;
	double d;
	bool b;

	put(o, "--%s", row->name);
	switch (row->kind) {
	case PARAM_WORD:
		memcpy(&w, at, sizeof(w));
		put(o, "%s", row->values[w]);
		break;
	case PARAM_FLAG:
		memcpy(&b, at, sizeof(b));
		put(o, "%d", b ? 1 : 0);
		break;
	case PARAM_SIZE:
	case PARAM_WHOLE:
		if (row->width == sizeof(u)) {
			memcpy(&u, at, sizeof(u));
			put(o, "%llu", (unsigned long long)u);
		} else {
			memcpy(&w, at, sizeof(w));
			put(o, "%u", w);
		}
		break;
	case PARAM_SECONDS:
		memcpy(&d, at, sizeof(d));
		put(o, "%.15g", d);
		break;
	case PARAM_PIN:
		put(o, "%s", params_pin_text(p, pin, sizeof(pin)));
		break;
	case PARAM_MECH_LIST:
		put_mechs(o, p);
		break;
	case PARAM_SIZE_LIST:
		put_list_u64(o, p->sizes, p->nsizes);
		break;
	case PARAM_MECH:
	case PARAM_ID:
	case PARAM_HOSTPORT:
	case PARAM_SECRET:
		put(o, "%.*s", (int)row->width, at);
		break;
	}
}

int params_argv(const struct bench_params *p, const char *demo, const char **argv, int max,
		char *buf, size_t len, char *err, size_t errlen)
{
	struct argv_out o = { .argv = argv, .max = max, .buf = buf, .len = len };

	put(&o, "%s", params_table_cmd_name(p->cmd));
	if (p->cmd == CMD_DEMO)
		put(&o, "%s", demo ? demo : "");
	else if (p->cmd != CMD_COMPARE)
		put_mechs(&o, p);         /* a sweep may name several */
	for (int id = 0; id < P__COUNT; id++)
		if (p->seen & (1u << id))
			put_param(&o, p, (enum param_id)id);
	for (int i = 0; i < p->nopts; i++) {
		put(&o, "--%s", p->opts[i].name);
		put(&o, "%s", p->opts[i].value);
	}
	if (o.full) {
		error_set(err, errlen, "the run's arguments do not fit in %d entries of %zu bytes",
			  max, len);
		return -1;
	}
	return o.n;
}
