/* params.c -- the one strict parser for run parameters (CLI and HTTP) */
#include "params/params.h"

#include <errno.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "net/peerproto.h"

#define SIZE_RANGE "1..64M bytes (a number, optionally with suffix K=1024 or M=1048576, " \
		   "either case)"

static const char *const param_names[P__COUNT] = {
	"mode", "size", "count", "duration", "warmup", "reps", "pin",
	"verify", "format", "mechanisms", "sizes", "baseline", "run-id",
	"peer", "token", "ci", "gap",
};

static const char *const mode_names[] = { "throughput", "latency" };
static const char *const pin_names[] = { "split", "same", "none" };
static const char *const format_names[] = { "text", "json", "ndjson", "csv" };

const char *params_mode_name(enum bench_mode m)
{
	return (unsigned)m < 2 ? mode_names[m] : "?";
}

const char *params_format_name(enum out_format f)
{
	return (unsigned)f < 4 ? format_names[f] : "?";
}

const char *params_pin_text(const struct bench_params *p, char *buf, size_t len)
{
	if (p->pin == PIN_CPUS)
		snprintf(buf, len, "%d,%d", p->pin_cpu[0], p->pin_cpu[1]);
	else
		snprintf(buf, len, "%s", (unsigned)p->pin < 3 ? pin_names[p->pin] : "?");
	return buf;
}

const char *params_name(enum param_id id)
{
	return (unsigned)id < P__COUNT ? param_names[id] : "?";
}

int params_fail(struct param_error *err, const char *param, const char *fmt, ...)
{
	va_list ap;

	snprintf(err->code, sizeof(err->code), "bad_param");
	snprintf(err->param, sizeof(err->param), "%s", param);
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
	return -1;
}

void params_init(struct bench_params *p, enum params_cmd cmd)
{
	memset(p, 0, sizeof(*p));
	p->cmd = cmd;
	p->mode = MODE_THROUGHPUT;
	p->size = 64;
	p->duration = PARAMS_DEFAULT_DURATION;
	p->reps = 5;
	if (cmd == CMD_COMPARE || cmd == CMD_DEMO) {
		p->ci = PARAMS_CI_DEFAULT;
		p->reps = PARAMS_CI_DEFAULT_REPS;
		p->duration = PARAMS_CI_DEFAULT_DURATION;
	}
	p->pin = PIN_SPLIT;
	p->verify = true;
	p->format = FMT_TEXT;
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
	char digits[24];
	size_t n = strlen(s);
	uint64_t v, mul = 1;

	if (n == 0 || n >= sizeof(digits))
		return -1;
	memcpy(digits, s, n + 1);
	if (digits[n - 1] == 'K' || digits[n - 1] == 'k')
		mul = 1024;
	else if (digits[n - 1] == 'M' || digits[n - 1] == 'm')
		mul = 1024 * 1024;
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
	if (digits == 0 || dots > 1 || strlen(s) > 16)
		return -1;
	*out = strtod(s, &end);
	return *end ? -1 : 0;
}

static int pick(const char *s, const char *const *names, int n)
{
	for (int i = 0; i < n; i++)
		if (strcmp(s, names[i]) == 0)
			return i;
	return -1;
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
	int k = pick(v, pin_names, 3);
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	const char *comma = strchr(v, ',');
	char a[12], b[12];
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
	if (!cpu_usable((long)(ca > 4096 ? 4096 : ca)) || !cpu_usable((long)(cb > 4096 ? 4096 : cb)))
		return params_fail(err, "pin", "pin '%s' names a CPU this process cannot use: "
			    "CPUs are 0..%ld here", v, ncpu - 1);
	p->pin = PIN_CPUS;
	p->pin_cpu[0] = (int)ca;
	p->pin_cpu[1] = (int)cb;
	return 0;
bad:
	return params_fail(err, "pin", "bad value '%s' for pin: expected split, same, none "
		    "or two CPU numbers A,B in 0..%ld", v, ncpu - 1);
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
			return params_fail(err, "mechanisms", "bad value '%s' for mechanisms: expected "
				    "a comma-separated list of mechanism names (see 'ipcscope list')", v);
		memcpy(name, s, n);
		name[n] = '\0';
		if (!mech_find(name))
			return params_fail(err, "mechanisms", "unknown mechanism '%s' in mechanisms "
				    "(see 'ipcscope list')", name);
		/* a compare may name one twice: an A/A run, its jobs pipe#1 and
		   pipe#2; a sweep's jobs would be the same twice */
		for (int i = 0; i < p->nmechs && p->cmd != CMD_COMPARE; i++)
			if (strcmp(p->mechs[i], name) == 0)
				return params_fail(err, "mechanisms", "mechanism '%s' is listed twice in "
					    "mechanisms", name);
		if (p->nmechs == PARAMS_MAX_MECHS)
			return params_fail(err, "mechanisms", "too many mechanisms: at most %d",
				    PARAMS_MAX_MECHS);
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
				return params_fail(err, "sizes", "size '%s' is listed twice in sizes", item);
		if (p->nsizes == PARAMS_MAX_SIZES)
			return params_fail(err, "sizes", "too many sizes: at most %d", PARAMS_MAX_SIZES);
		p->sizes[p->nsizes++] = sz;
		if (!e)
			return 0;
		s = e + 1;
	}
bad:
	return params_fail(err, "sizes", "bad value '%s' for sizes: expected a comma-separated "
		    "list of sizes, each " SIZE_RANGE, v);
}

static int set_peer(struct bench_params *p, const char *v, struct param_error *err)
{
	struct sockaddr_in a;
	char why[160];

	if (strlen(v) >= sizeof(p->peer) || peer_parse_hostport(v, &a, 0, why, sizeof(why)) < 0)
		return params_fail(err, "peer", "bad value for peer: %s",
			    strlen(v) >= sizeof(p->peer) ? "longer than a host name and port" : why);
	snprintf(p->peer, sizeof(p->peer), "%s", v);
	return 0;
}

static int allowed(enum params_cmd cmd, enum param_id id, bool http)
{
	if (http && (id == P_FORMAT || id == P_RUN_ID))
		return 0;
	switch (id) {
	case P_MECHANISMS:
	case P_BASELINE:
		return cmd == CMD_COMPARE;
	case P_SIZES:
		return cmd == CMD_SWEEP;
	case P_SIZE:
		return cmd != CMD_SWEEP;
	default:
		return 1;
	}
}

static int set_value(struct bench_params *p, enum param_id id, const char *v,
		     struct param_error *err)
{
	uint64_t u;
	int k;

	switch (id) {
	case P_MODE:
		if ((k = pick(v, mode_names, 2)) < 0)
			return params_fail(err, "mode", "bad value '%s' for mode: expected throughput or latency", v);
		p->mode = (enum bench_mode)k;
		return 0;
	case P_SIZE:
		if (params_parse_size(v, &u) < 0)
			return params_fail(err, "size", "bad value '%s' for size: expected " SIZE_RANGE, v);
		p->size = u;
		return 0;
	case P_COUNT:
		if (parse_u64(v, &u) < 0 || u < 1 || u > PARAMS_COUNT_MAX)
			return params_fail(err, "count", "bad value '%s' for count: expected a whole "
				    "number of messages in 1..%llu", v, PARAMS_COUNT_MAX);
		p->count = u;
		return 0;
	case P_DURATION: {
		double d;
		if (parse_seconds(v, &d) < 0 || d < 0.01 || d > PARAMS_DURATION_MAX)
			return params_fail(err, "duration", "bad value '%s' for duration: expected "
				    "seconds per rep in 0.01..%g", v, PARAMS_DURATION_MAX);
		p->duration = d;
		return 0;
	}
	case P_WARMUP:
		if (parse_u64(v, &u) < 0 || u > PARAMS_COUNT_MAX)
			return params_fail(err, "warmup", "bad value '%s' for warmup: expected a whole "
				    "number of messages in 0..%llu", v, PARAMS_COUNT_MAX);
		p->warmup = u;
		return 0;
	case P_REPS:
		if (parse_u64(v, &u) < 0 || u < 1 || u > PARAMS_REPS_MAX)
			return params_fail(err, "reps", "bad value '%s' for reps: expected 1..%d", v,
				    PARAMS_REPS_MAX);
		p->reps = (unsigned)u;
		return 0;
	case P_CI: {
		double c;
		if (parse_seconds(v, &c) < 0 || (c != 0 && (c < PARAMS_CI_MIN || c > PARAMS_CI_MAX)))
			return params_fail(err, "ci", "bad value '%s' for ci: expected 0 (off) or the "
				    "percent the median must be within, %g..%g", v,
				    PARAMS_CI_MIN, PARAMS_CI_MAX);
		p->ci = c;
		return 0;
	}
	case P_GAP: {
		double g;
		if (parse_seconds(v, &g) < 0 || g > PARAMS_GAP_MAX)
			return params_fail(err, "gap", "bad value '%s' for gap: expected the seconds "
				    "a run pauses between reps for a watching page, 0..%g (0: no "
				    "pause)", v, PARAMS_GAP_MAX);
		p->gap = g;
		return 0;
	}
	case P_PIN:
		return set_pin(p, v, err);
	case P_VERIFY:
		if (strcmp(v, "0") && strcmp(v, "1"))
			return params_fail(err, "verify", "bad value '%s' for verify: expected 0 or 1", v);
		p->verify = v[0] == '1';
		return 0;
	case P_FORMAT:
		if ((k = pick(v, format_names, 4)) < 0)
			return params_fail(err, "format", "bad value '%s' for format: expected text, json, ndjson or csv", v);
		p->format = (enum out_format)k;
		return 0;
	case P_MECHANISMS:
		return set_mechs(p, v, err);
	case P_SIZES:
		return set_sizes(p, v, err);
	case P_BASELINE:
		if (!mech_find(v))
			return params_fail(err, "baseline", "unknown mechanism '%s' for baseline "
				    "(see 'ipcscope list')", v);
		snprintf(p->baseline, sizeof(p->baseline), "%s", v);
		return 0;
	case P_RUN_ID:
		if (!*v || strlen(v) >= sizeof(p->run_id) || strspn(v,
		    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_") != strlen(v))
			return params_fail(err, "run-id", "bad value for run-id: expected 1..31 "
				    "letters, digits, '-' or '_'");
		strcpy(p->run_id, v);
		return 0;
	case P_PEER:
		return set_peer(p, v, err);
	case P_TOKEN:
		/* never echoed: a token is a secret */
		if (!peer_token_ok(v))
			return params_fail(err, "token", "bad value for token: expected %d..%d letters, "
				    "digits, '-' or '_' (as printed by 'ipcscope peer')",
				    PEER_TOKEN_MIN, PEER_TOKEN_MAX);
		snprintf(p->token, sizeof(p->token), "%s", v);
		return 0;
	default:
		return params_fail(err, "", "internal: unhandled parameter");
	}
}

/* param_id: the id of a common param called name, or -1 */
static int param_id(const char *name)
{
	for (int i = 0; i < P__COUNT; i++)
		if (strcmp(name, param_names[i]) == 0)
			return i;
	return -1;
}

int params_set(struct bench_params *p, const char *name, const char *value,
	       bool http, struct param_error *err)
{
	int id = param_id(name);
	bool option = id < 0 && params_option_known(name);

	if (!option && (id < 0 || !allowed(p->cmd, (enum param_id)id, http))) {
		char shown[40];
		snprintf(shown, sizeof(shown), "%s", name);
		for (char *c = shown; *c; c++)
			if (*c < 0x20 || *c > 0x7e)
				*c = '?';
		return params_fail(err, shown, "unknown parameter '%s'%s", shown,
			    id < 0 ? "" : " for this command");
	}
	if (params_given(p, name))
		return params_fail(err, name, "parameter '%s' given more than once", name);
	if (!option)
		p->seen |= 1u << id;
	if (!value || !*value)
		return params_fail(err, name, "parameter '%s' needs a value", name);
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
	params_fail(err, param, "%s of %llu bytes is outside what '%s' can carry: "
	     "%zu..%zu bytes (%s)", param, (unsigned long long)size, ops->name,
	     lim.min_size, lim.max_size, lim.why);
	snprintf(err->code, sizeof(err->code), "size_limit");
	return -1;
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
		return params_fail(err, "duration", "give either count or duration, not both");
	if (p->mode == MODE_LATENCY && p->count > PARAMS_LAT_COUNT_MAX)
		return params_fail(err, "count", "count %llu is too large for latency mode, which "
			    "keeps every round trip: expected 1..%llu",
			    (unsigned long long)p->count, PARAMS_LAT_COUNT_MAX);
	if (p->cmd == CMD_SWEEP && p->nsizes == 0)
		return params_fail(err, "sizes", "sweep needs sizes, e.g. sizes=64,4K,64K,1M");
	if (explicit_mechs && params_options_apply(p, err) < 0)
		return -1;
	if (p->baseline[0] && explicit_mechs && !has_mech(p, p->baseline))
		return params_fail(err, "baseline", "baseline '%s' is not one of the mechanisms "
			    "being compared", p->baseline);
	if (params_check_peer(p, explicit_mechs, err) < 0)
		return -1;
	for (int i = 0; explicit_mechs && i < p->nmechs; i++) {
		const struct mech_ops *ops = mech_find(p->mechs[i]);

		if (!ops)
			return params_fail(err, "mechanism", "unknown mechanism '%s' (see 'ipcscope list')",
				    p->mechs[i]);
		if (params_check_options(p, ops, err) < 0)
			return -1;
		if (p->cmd == CMD_SWEEP) {
			for (int j = 0; j < p->nsizes; j++)
				if (params_check_size(ops, p->sizes[j], "sizes", err) < 0)
					return -1;
		} else if (params_check_size(ops, params_effective_size(p, ops), "size", err) < 0) {
			return -1;
		}
	}
	return 0;
}
