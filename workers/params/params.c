/* params.c -- the one strict parser for run parameters (CLI and HTTP) */
#include "params/params.h"
#include "params/params_int.h"

#include <errno.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "net/peerproto.h"
#include "params/params_table.h"

#define NAME(id) (params_table[id].name)

/* the longest texts the parser reads as a number: a size (a uint64's 20
   digits and a K or M), seconds ("0.000001", "86400") and one CPU of a
   pin ("3" of "2,3"); longer is refused, not cut */
#define SIZE_TEXT_MAX 24
#define SECONDS_TEXT_MAX 16
#define CPU_TEXT_MAX 12
/* a size's suffixes: K and M are binary */
#define SIZE_K 1024u
#define SIZE_M (1024u * 1024u)

/* word: the i-th word of row id's values, or "?" */
static const char *word(enum param_id id, unsigned i)
{
	const char *const *w = params_table[id].values;

	for (unsigned k = 0; w[k]; k++)
		if (k == i)
			return w[k];
	return "?";
}

const char *params_mode_name(enum bench_mode m)
{
	return word(P_MODE, (unsigned)m);
}

const char *params_pin_text(const struct bench_params *p, char *buf, size_t len)
{
	if (p->pin == PIN_CPUS)
		snprintf(buf, len, "%d,%d", p->pin_cpu[0], p->pin_cpu[1]);
	else
		snprintf(buf, len, "%s", word(P_PIN, (unsigned)p->pin));
	return buf;
}

const char *params_name(enum param_id id)
{
	return (unsigned)id < P__COUNT ? NAME(id) : "?";
}

/* fail_v: *err filled with code, param and the message fmt formats */
static int fail_v(struct param_error *err, const char *code, const char *param,
		  const char *fmt, va_list ap)
{
	snprintf(err->code, sizeof(err->code), "%s", code);
	snprintf(err->param, sizeof(err->param), "%s", param);
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	return -1;
}

int param_error_set(struct param_error *err, const char *param, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fail_v(err, "bad_param", param, fmt, ap);
	va_end(ap);
	return -1;
}

int param_error_set_as(struct param_error *err, const char *code, const char *param,
		       const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fail_v(err, code, param, fmt, ap);
	va_end(ap);
	return -1;
}

/* store: v into row's field of p, by its kind and width */
static void store(struct bench_params *p, const struct param_row *row, double v)
{
	char *at = (char *)p + row->offset;

	if (row->kind == PARAM_SECONDS) {
		memcpy(at, &v, sizeof(v));
	} else if (row->kind == PARAM_FLAG) {
		bool b = v != 0;
		memcpy(at, &b, sizeof(b));
	} else if (row->width == sizeof(uint64_t)) {
		uint64_t u = (uint64_t)v;
		memcpy(at, &u, sizeof(u));
	} else if (row->width == sizeof(unsigned)) {
		unsigned u = (unsigned)v;
		memcpy(at, &u, sizeof(u));
	}
}

void params_init(struct bench_params *p, enum params_cmd cmd)
{
	memset(p, 0, sizeof(*p));
	p->cmd = cmd;
	for (int id = 0; id < P__COUNT; id++) {
		const struct param_row *row = &params_table[id];

		switch (row->kind) {
		case PARAM_WORD:
		case PARAM_FLAG:
		case PARAM_WHOLE:
		case PARAM_SECONDS:
		case PARAM_SIZE:
			store(p, row, row->def[cmd]);
			break;
		default:
			break;
		}
	}
}

/* parse_u64: decimal digits only, no sign, no spaces, no overflow */
static int parse_u64(const char *s, uint64_t *out)
{
	uint64_t v = 0;

	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		if (v > (UINT64_MAX - (uint64_t)(*s - '0')) / 10)
			return -1;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	*out = v;
	return 0;
}

int params_parse_size(const char *s, uint64_t *out)
{
	char digits[SIZE_TEXT_MAX];
	size_t n = strlen(s);
	uint64_t v, mul = 1;

	if (n == 0 || n >= sizeof(digits))
		return -1;
	memcpy(digits, s, n + 1);
	if (digits[n - 1] == 'K' || digits[n - 1] == 'k')
		mul = SIZE_K;
	else if (digits[n - 1] == 'M' || digits[n - 1] == 'm')
		mul = SIZE_M;
	if (mul > 1)
		digits[--n] = '\0';
	if (parse_u64(digits, &v) < 0 || v > PARAMS_SIZE_MAX / mul)
		return -1;
	v *= mul;
	if (v < 1 || v > PARAMS_SIZE_MAX)
		return -1;
	*out = v;
	return 0;
}

/* parse_seconds: plain decimal "0.5", "2", no exponent, sign, inf or nan */
static int parse_seconds(const char *s, double *out)
{
	int dots = 0, digits = 0;
	char *end;

	for (const char *c = s; *c; c++) {
		if (*c == '.')
			dots++;
		else if (*c >= '0' && *c <= '9')
			digits++;
		else
			return -1;
	}
	if (digits == 0 || dots > 1 || strlen(s) > SECONDS_TEXT_MAX)
		return -1;
	*out = strtod(s, &end);
	return *end ? -1 : 0;
}

/* pick: the index of s among the NULL-terminated names, or -1 */
static int pick(const char *s, const char *const *names)
{
	for (int i = 0; names[i]; i++)
		if (strcmp(s, names[i]) == 0)
			return i;
	return -1;
}

/* bad_value: "bad value 'V' for NAME: expected ..." from row id's table
   entry (echo false: a secret, the value is not repeated); -1 */
static int bad_value(struct param_error *err, enum param_id id, const char *v, bool echo)
{
	const struct param_row *row = &params_table[id];
	char expect[sizeof(err->message)];

	params_table_expand(row, row->expect, expect, sizeof(expect));
	if (!echo)
		return param_error_set(err, row->name, "bad value for %s: expected %s", row->name, expect);
	return param_error_set(err, row->name, "bad value '%s' for %s: expected %s", v, row->name,
			       expect);
}

static int cpu_usable(long cpu)
{
	cpu_set_t set;

	if (cpu < 0 || cpu >= CPU_SETSIZE)
		return 0;
	if (sched_getaffinity(0, sizeof(set), &set) < 0)
		return cpu < sysconf(_SC_NPROCESSORS_ONLN);
	return CPU_ISSET((int)cpu, &set);
}

static int set_pin(struct bench_params *p, const char *v, struct param_error *err)
{
	int k = pick(v, params_table[P_PIN].values);
	const char *comma = strchr(v, ',');
	char a[CPU_TEXT_MAX], b[CPU_TEXT_MAX];
	uint64_t ca, cb;

	if (k >= 0) {
		p->pin = (enum pin_kind)k;
		return 0;
	}
	if (!comma || (size_t)(comma - v) >= sizeof(a) || strlen(comma + 1) >= sizeof(b))
		goto bad;
	memcpy(a, v, (size_t)(comma - v));
	a[comma - v] = '\0';
	strcpy(b, comma + 1);
	if (parse_u64(a, &ca) < 0 || parse_u64(b, &cb) < 0)
		goto bad;
	/* past CPU_SETSIZE no CPU is usable: capped there before the cast */
	if (!cpu_usable((long)(ca > CPU_SETSIZE ? CPU_SETSIZE : ca)) ||
	    !cpu_usable((long)(cb > CPU_SETSIZE ? CPU_SETSIZE : cb)))
		return param_error_set(err, NAME(P_PIN), "%s '%s' names a CPU this process cannot "
				       "use: CPUs are 0..%ld here", NAME(P_PIN), v,
				       sysconf(_SC_NPROCESSORS_ONLN) - 1);
	p->pin = PIN_CPUS;
	p->pin_cpu[0] = (int)ca;
	p->pin_cpu[1] = (int)cb;
	return 0;
bad:
	return bad_value(err, P_PIN, v, true);
}

static int set_mechs(struct bench_params *p, const char *v, struct param_error *err)
{
	const char *s = v;

	p->nmechs = 0;
	for (;;) {
		const char *e = strchr(s, ',');
		size_t n = e ? (size_t)(e - s) : strlen(s);
		char name[MECH_NAME_MAX];

		if (n == 0 || n >= sizeof(name))
			return bad_value(err, P_MECHANISMS, v, true);
		memcpy(name, s, n);
		name[n] = '\0';
		if (!mech_find(name))
			return param_error_set(err, NAME(P_MECHANISMS), "unknown mechanism '%s' in %s "
					       "(see 'ipcscope list')", name, NAME(P_MECHANISMS));
		/* a compare may name one twice: an A/A run, its jobs pipe#1 and
		   pipe#2; a sweep's jobs would be the same twice */
		for (int i = 0; i < p->nmechs && p->cmd != CMD_COMPARE; i++)
			if (strcmp(p->mechs[i], name) == 0)
				return param_error_set(err, NAME(P_MECHANISMS), "mechanism '%s' is "
						       "listed twice in %s", name, NAME(P_MECHANISMS));
		if (p->nmechs == params_table[P_MECHANISMS].max_items)
			return param_error_set(err, NAME(P_MECHANISMS), "too many mechanisms: at most %d",
					       params_table[P_MECHANISMS].max_items);
		strcpy(p->mechs[p->nmechs++], name);
		if (!e)
			return 0;
		s = e + 1;
	}
}

int params_set_targets(struct bench_params *p, const char *list, struct param_error *err)
{
	return set_mechs(p, list, err);
}

static int set_sizes(struct bench_params *p, const char *v, struct param_error *err)
{
	const char *s = v;

	p->nsizes = 0;
	for (;;) {
		const char *e = strchr(s, ',');
		size_t n = e ? (size_t)(e - s) : strlen(s);
		char item[24];
		uint64_t sz;

		if (n == 0 || n >= sizeof(item))
			goto bad;
		memcpy(item, s, n);
		item[n] = '\0';
		if (params_parse_size(item, &sz) < 0)
			goto bad;
		for (int i = 0; i < p->nsizes; i++)
			if (p->sizes[i] == sz)
				return param_error_set(err, NAME(P_SIZES), "size '%s' is listed twice in %s",
						       item, NAME(P_SIZES));
		if (p->nsizes == params_table[P_SIZES].max_items)
			return param_error_set(err, NAME(P_SIZES), "too many sizes: at most %d",
					       params_table[P_SIZES].max_items);
		p->sizes[p->nsizes++] = sz;
		if (!e)
			return 0;
		s = e + 1;
	}
bad:
	return bad_value(err, P_SIZES, v, true);
}

static int set_peer(struct bench_params *p, const char *v, struct param_error *err)
{
	struct sockaddr_in a;
	char why[160];

	if (strlen(v) >= sizeof(p->peer) || peer_parse_hostport(v, &a, 0, why, sizeof(why)) < 0)
		return param_error_set(err, NAME(P_PEER), "bad value for %s: %s", NAME(P_PEER),
			    strlen(v) >= sizeof(p->peer) ? "longer than a host name and port" : why);
	snprintf(p->peer, sizeof(p->peer), "%s", v);
	return 0;
}

/* in_range: v within row's range (or 0 when 0 means off) */
static bool in_range(const struct param_row *row, double v)
{
	return (v >= row->min && v <= row->max) || (row->zero_off && v == 0);
}

/* name_ok: 1..max of letters, digits, '-' or '_' */
static bool name_ok(const struct param_row *row, const char *v)
{
	size_t n = strlen(v);

	return n >= (size_t)row->min && n <= (size_t)row->max && strspn(v,
		"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_") == n;
}

/* set_value: v for param id, parsed as its table row's kind says */
static int set_value(struct bench_params *p, enum param_id id, const char *v,
		     struct param_error *err)
{
	const struct param_row *row = &params_table[id];
	char *at = (char *)p + row->offset;
	uint64_t u;
	double d;
	int k;

	switch (row->kind) {
	case PARAM_WORD:
		if ((k = pick(v, row->values)) < 0)
			return bad_value(err, id, v, true);
		store(p, row, k);
		return 0;
	case PARAM_FLAG:
		if (strcmp(v, "0") && strcmp(v, "1"))
			return bad_value(err, id, v, true);
		store(p, row, v[0] == '1');
		return 0;
	case PARAM_SIZE:
		if (params_parse_size(v, &u) < 0 || !in_range(row, (double)u))
			return bad_value(err, id, v, true);
		store(p, row, (double)u);
		return 0;
	case PARAM_WHOLE:
		if (parse_u64(v, &u) < 0 || !in_range(row, (double)u))
			return bad_value(err, id, v, true);
		store(p, row, (double)u);
		return 0;
	case PARAM_SECONDS:
		if (parse_seconds(v, &d) < 0 || !in_range(row, d))
			return bad_value(err, id, v, true);
		store(p, row, d);
		return 0;
	case PARAM_PIN:
		return set_pin(p, v, err);
	case PARAM_MECH_LIST:
		return set_mechs(p, v, err);
	case PARAM_SIZE_LIST:
		return set_sizes(p, v, err);
	case PARAM_MECH:
		if (!mech_find(v) || strlen(v) >= row->width)
			return param_error_set(err, row->name, "unknown mechanism '%s' for %s "
					       "(see 'ipcscope list')", v, row->name);
		snprintf(at, row->width, "%s", v);
		return 0;
	case PARAM_ID:
		if (!name_ok(row, v))
			return bad_value(err, id, v, false);
		snprintf(at, row->width, "%s", v);
		return 0;
	case PARAM_HOSTPORT:
		return set_peer(p, v, err);
	case PARAM_SECRET:
		/* never echoed: a token is a secret */
		if (!peer_token_ok(v) || !name_ok(row, v))
			return bad_value(err, id, v, false);
		snprintf(at, row->width, "%s", v);
		return 0;
	}
	return param_error_set(err, "", "internal: unhandled parameter");
}

/* param_id: the id of a common param called name, or -1 */
static int param_id(const char *name)
{
	return params_table_find(name);
}

int params_set(struct bench_params *p, const char *name, const char *value,
	       bool http, struct param_error *err)
{
	int id = param_id(name);
	bool option = id < 0 && params_option_known(name);

	if (!option && (id < 0 || !params_table_takes((enum param_id)id, p->cmd, http))) {
		char shown[40];
		snprintf(shown, sizeof(shown), "%s", name);
		for (char *c = shown; *c; c++)
			if (*c < 0x20 || *c > 0x7e)
				*c = '?';
		return param_error_set(err, shown, "unknown parameter '%s'%s", shown,
			    id < 0 ? "" : " for this command");
	}
	if (params_given(p, name))
		return param_error_set(err, name, "parameter '%s' given more than once", name);
	if (!option)
		p->seen |= 1u << id;
	if (!value || !*value)
		return param_error_set(err, name, "parameter '%s' needs a value", name);
	if (option)
		return params_set_option(p, name, value, err);
	return set_value(p, (enum param_id)id, value, err);
}

int params_given(const struct bench_params *p, const char *name)
{
	int id = param_id(name);

	if (id >= 0)
		return !!(p->seen & (1u << id));
	return params_option(p, name) != NULL;
}

void params_forget(struct bench_params *p, const char *name)
{
	int id = param_id(name);

	if (id >= 0) {
		p->seen &= ~(1u << id);
		return;
	}
	for (int i = 0; i < p->nopts; i++)
		if (strcmp(p->opts[i].name, name) == 0) {
			memmove(&p->opts[i], &p->opts[i + 1],
				(size_t)(p->nopts - i - 1) * sizeof(p->opts[0]));
			p->nopts--;
			return;
		}
}

uint64_t params_effective_size(const struct bench_params *p, const struct mech_ops *ops)
{
	struct mech_limits lim;

	if (p->seen & (1u << P_SIZE))
		return p->size;
	mech_limits_of(ops, &lim);
	if (p->size > lim.max_size)
		return lim.max_size;
	if (p->size < lim.min_size)
		return lim.min_size;
	return p->size;
}

/* params_check_size: size within the limits of ops; 0 or -1 with *err */
int params_check_size(const struct mech_ops *ops, uint64_t size, const char *param,
		      struct param_error *err)
{
	struct mech_limits lim;

	mech_limits_of(ops, &lim);
	if (size >= lim.min_size && size <= lim.max_size)
		return 0;
	return param_error_set_as(err, "size_limit", param, "%s of %llu bytes is outside what "
				  "'%s' can carry: %zu..%zu bytes (%s)", param,
				  (unsigned long long)size, ops->name, lim.min_size, lim.max_size,
				  lim.why);
}

static int has_mech(const struct bench_params *p, const char *name)
{
	for (int i = 0; i < p->nmechs; i++)
		if (strcmp(p->mechs[i], name) == 0)
			return 1;
	return 0;
}

int params_finish(struct bench_params *p, struct param_error *err)
{
	bool explicit_mechs = p->cmd != CMD_COMPARE || (p->seen & (1u << P_MECHANISMS));

	if ((p->seen & (1u << P_COUNT)) && (p->seen & (1u << P_DURATION)))
		return param_error_set(err, NAME(P_DURATION), "give either %s or %s, not both",
				       NAME(P_COUNT), NAME(P_DURATION));
	if (p->mode == MODE_LATENCY && (double)p->count > params_table[P_COUNT].latency_max)
		return param_error_set(err, NAME(P_COUNT), "%s %llu is too large for latency mode, "
				       "which keeps every round trip: expected %llu..%llu", NAME(P_COUNT),
				       (unsigned long long)p->count,
				       (unsigned long long)params_table[P_COUNT].min,
				       (unsigned long long)params_table[P_COUNT].latency_max);
	if (p->cmd == CMD_SWEEP && p->nsizes == 0)
		return param_error_set(err, NAME(P_SIZES), "sweep needs %s, e.g. %s=64,4K,64K,1M",
				       NAME(P_SIZES), NAME(P_SIZES));
	if (explicit_mechs && params_options_apply(p, err) < 0)
		return -1;
	if (p->baseline[0] && explicit_mechs && !has_mech(p, p->baseline))
		return param_error_set(err, NAME(P_BASELINE), "baseline '%s' is not one of the mechanisms "
			    "being compared", p->baseline);
	if (params_check_peer(p, explicit_mechs, err) < 0)
		return -1;
	for (int i = 0; explicit_mechs && i < p->nmechs; i++) {
		const struct mech_ops *ops = mech_find(p->mechs[i]);

		if (!ops)
			return param_error_set(err, "mechanism", "unknown mechanism '%s' (see 'ipcscope list')",
				    p->mechs[i]);
		if (params_check_options(p, ops, err) < 0)
			return -1;
		if (p->cmd == CMD_SWEEP) {
			for (int j = 0; j < p->nsizes; j++)
				if (params_check_size(ops, p->sizes[j], NAME(P_SIZES), err) < 0)
					return -1;
		} else if (params_check_size(ops, params_effective_size(p, ops), NAME(P_SIZE),
					     err) < 0) {
			return -1;
		}
	}
	return 0;
}
