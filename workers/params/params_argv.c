/* params_argv.c -- a validated params struct back into the argv of a run process */
#include "params/params.h"
#include "base/error.h"

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

/* put_param: "--name" and the value of param id as params_set reads it */
static void put_param(struct argv_out *o, const struct bench_params *p, enum param_id id)
{
	char pin[32];

	put(o, "--%s", params_name(id));
	switch (id) {
	case P_MODE: put(o, "%s", params_mode_name(p->mode)); break;
	case P_SIZE: put(o, "%llu", (unsigned long long)p->size); break;
	case P_COUNT: put(o, "%llu", (unsigned long long)p->count); break;
	case P_DURATION: put(o, "%.15g", p->duration); break;
	case P_WARMUP: put(o, "%llu", (unsigned long long)p->warmup); break;
	case P_REPS: put(o, "%u", p->reps); break;
	case P_PIN: put(o, "%s", params_pin_text(p, pin, sizeof(pin))); break;
	case P_VERIFY: put(o, "%d", p->verify ? 1 : 0); break;
	case P_FORMAT: put(o, "%s", params_format_name(p->format)); break;
	case P_MECHANISMS: put_mechs(o, p); break;
	case P_SIZES: put_list_u64(o, p->sizes, p->nsizes); break;
	case P_BASELINE: put(o, "%s", p->baseline); break;
	case P_RUN_ID: put(o, "%s", p->run_id); break;
	case P_PEER: put(o, "%s", p->peer); break;
	case P_TOKEN: put(o, "%s", p->token); break;
	case P_CI: put(o, "%.15g", p->ci); break;
	case P_GAP: put(o, "%.15g", p->gap); break;
	default: o->full = 1; break;
	}
}

int params_argv(const struct bench_params *p, const char *demo, const char **argv, int max,
		char *buf, size_t len, char *err, size_t errlen)
{
	static const char *const cmds[] = { "bench", "compare", "sweep", "demo" };
	struct argv_out o = { .argv = argv, .max = max, .buf = buf, .len = len };

	put(&o, "%s", cmds[p->cmd]);
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
