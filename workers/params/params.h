/* params.h -- the one strict parser for run parameters, shared by CLI and HTTP */
#ifndef IPCSCOPE_PARAMS_H
#define IPCSCOPE_PARAMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mech/mech.h"

#define PARAMS_MAX_MECHS 32
#define PARAMS_MAX_SIZES 32
#define PARAMS_SIZE_MAX ((uint64_t)64 << 20)
#define PARAMS_COUNT_MAX 1000000000ULL
#define PARAMS_LAT_COUNT_MAX 10000000ULL   /* every RTT is kept in memory */
#define PARAMS_DURATION_MAX 60.0
#define PARAMS_REPS_MAX 100
#define PARAMS_DEFAULT_DURATION 0.25       /* seconds per rep when no count */
/* compare and demos add reps until the median is tight: by default to
   within +-5 %, at most 7 reps of 0.1 s: a compare of the fifteen kernel
   and shared-memory mechanisms took 17 s on the 2-core VM at load 13 */
#define PARAMS_CI_DEFAULT 5.0
#define PARAMS_CI_MAX 100.0
#define PARAMS_CI_MIN 0.1
#define PARAMS_CI_DEFAULT_REPS 7
#define PARAMS_CI_DEFAULT_DURATION 0.1
#define PARAMS_MAX_OPTIONS 8               /* mechanism options per run */
#define PARAMS_OPTION_NAME_MAX 24
#define PARAMS_OPTION_VALUE_MAX 32
#define PARAMS_PEER_MAX 262                /* host name (253), colon, port */
#define PARAMS_TOKEN_MAX 65
#define PARAMS_GAP_MAX 1.0                 /* seconds */
#define PARAMS_GAP_EVERY_S 1.0             /* the least time between two pauses */

enum pin_kind { PIN_SPLIT, PIN_SAME, PIN_NONE, PIN_CPUS };
enum out_format { FMT_TEXT, FMT_JSON, FMT_NDJSON, FMT_CSV };

/* Which command a parameter set is for: decides what is allowed. */
enum params_cmd { CMD_BENCH, CMD_COMPARE, CMD_SWEEP, CMD_DEMO };

/* Bit per parameter, to detect duplicates and to know what was given. */
enum param_id {
	P_MODE, P_SIZE, P_COUNT, P_DURATION, P_WARMUP, P_REPS, P_PIN,
	P_VERIFY, P_FORMAT, P_MECHANISMS, P_SIZES, P_BASELINE, P_RUN_ID,
	P_PEER, P_TOKEN, P_CI, P_GAP,
	P__COUNT
};

struct bench_params {
	enum params_cmd cmd;
	unsigned seen;                 /* 1u << enum param_id */
	enum bench_mode mode;
	uint64_t size;
	uint64_t count;                /* 0: use duration */
	double duration;               /* seconds; used when count == 0 */
	uint64_t warmup;               /* valid when seen & P_WARMUP */
	unsigned reps;                 /* with ci > 0: the most reps */
	double ci;                     /* percent: add reps until the median's
					  95 % interval is within +-ci; 0 off */
	double gap;                    /* seconds the run pauses between two reps,
					  at most once every PARAMS_GAP_EVERY_S, so
					  a watching page draws then; 0 off */
	enum pin_kind pin;
	int pin_cpu[2];
	bool verify;
	enum out_format format;
	int nmechs;
	char mechs[PARAMS_MAX_MECHS][MECH_NAME_MAX];
	int nsizes;
	uint64_t sizes[PARAMS_MAX_SIZES];
	char baseline[MECH_NAME_MAX];
	char run_id[32];
	/* mechanism options (struct mech_option) as given, in order: a name
	   some mechanism of the registry declares and a value it accepts */
	int nopts;
	struct param_option {
		char name[PARAMS_OPTION_NAME_MAX];
		char value[PARAMS_OPTION_VALUE_MAX];
	} opts[PARAMS_MAX_OPTIONS];
	char peer[PARAMS_PEER_MAX];    /* "HOST:PORT" of an `ipcscope peer`, or "" */
	char token[PARAMS_TOKEN_MAX];  /* the peer's token */
};

struct param_error {
	char code[24];                 /* "bad_param", or "size_limit" when a
					  size exceeds a mechanism's limit */
	char param[32];                /* offending parameter name, or "" */
	char message[256];             /* lowercase, names param and range */
};

/* params_init: defaults of API.md §3 for cmd */
void params_init(struct bench_params *p, enum params_cmd cmd);

/* params_set: parse one name=value; 0, or -1 with *err filled
   (unknown, duplicated, empty, malformed, out of range, not allowed
   for this command, or "format" when http is true) */
int params_set(struct bench_params *p, const char *name, const char *value,
	       bool http, struct param_error *err);

/* params_set_targets: the mechanism(s) a bench or sweep names as its
   target: "pipe", or for a sweep "pipe,unix,tcp" (each known, none twice);
   0, or -1 with *err filled */
int params_set_targets(struct bench_params *p, const char *list, struct param_error *err);

/* params_finish: cross-parameter checks and mechanism limits once all
   params are set (count vs duration, sync only for shm, sizes within
   each mechanism's limits, pin CPUs exist); 0 or -1 with *err */
int params_finish(struct bench_params *p, struct param_error *err);

/* params_parse_size: "64", "4K", "1M" (powers of 1024) into *out;
   0 or -1 for junk, overflow, or a value outside 1..64M */
int params_parse_size(const char *s, uint64_t *out);

/* params_given: 1 when the param or mechanism option name was set */
int params_given(const struct bench_params *p, const char *name);

/* params_forget: undoes the setting of name, so it can be set again */
void params_forget(struct bench_params *p, const char *name);

/* params_option: the value given for mechanism option name, or NULL */
const char *params_option(const struct bench_params *p, const char *name);

/* params_mech_options: opt[i] = index of the value of ops->options[i]
   under p (0, its default, when not given); what struct mech carries */
void params_mech_options(const struct bench_params *p, const struct mech_ops *ops,
			 int opt[MECH_MAX_OPTIONS]);

/* params_check_options: the options given that ops declares take values
   ops accepts; 0 or -1 with *err */
int params_check_options(const struct bench_params *p, const struct mech_ops *ops,
			 struct param_error *err);

/* params_mode_name, params_format_name: "latency", "csv", ... */
const char *params_mode_name(enum bench_mode m);
const char *params_format_name(enum out_format f);

/* params_pin_text: "split", "same", "none" or "A,B" into buf */
const char *params_pin_text(const struct bench_params *p, char *buf, size_t len);

/* params_argv: the argv of a run process doing what p asks: the command,
   its positional argument (bench and sweep: the mechanism; demo: the
   demo's name, given as demo), then "--name" "value" for every param
   and mechanism option that was given, in a form params_set takes back.
   Strings live in buf (len bytes). Returns the number of entries put in
   argv (at most max), or -1 with a message in err when they do not fit. */
int params_argv(const struct bench_params *p, const char *demo, const char **argv, int max,
		char *buf, size_t len, char *err, size_t errlen);

/* params_name: the public name of a param id */
const char *params_name(enum param_id id);

/* params_effective_size: p->size, or the mechanism's fixed size when the
   user did not choose one and the mechanism cannot take the default */
uint64_t params_effective_size(const struct bench_params *p,
			       const struct mech_ops *ops);

/* params_check_size: size fits ops on this machine; 0, or -1 with *err
   naming param and the mechanism's limit */
int params_check_size(const struct mech_ops *ops, uint64_t size, const char *param,
		      struct param_error *err);

/* params_cross_host_names: "tcp, udp, zmq (transport=tcp) and grpc
   (transport=tcp)": the mechanisms that can cross hosts, with the option
   values they need, into buf */
void params_cross_host_names(char *buf, size_t len);

/* params_check_cross_host: ops (a cross_host mechanism) can cross hosts
   with p's options, for a run against a peer or a rep a peer is asked
   for; 0, or -1 with *err naming peer and the option value it needs */
int params_check_cross_host(const struct bench_params *p, const struct mech_ops *ops,
			    struct param_error *err);

/* For the parser's own files (params.c, params_options.c, params_peer.c): */

/* params_fail: fills *err (code bad_param, param, printf message); -1 */
int params_fail(struct param_error *err, const char *param, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* params_option_known: 1 when some mechanism of the registry declares name */
int params_option_known(const char *name);

/* params_set_option: mechanism option name=v, checked against every
   mechanism declaring it; 0 or -1 with *err */
int params_set_option(struct bench_params *p, const char *name, const char *v,
		      struct param_error *err);

/* params_check_peer: a run against a peer names its peer and token, and
   only mechanisms that can cross hosts (explicit_mechs: the run names
   them); 0 or -1 with *err */
int params_check_peer(const struct bench_params *p, bool explicit_mechs,
		      struct param_error *err);

/* params_options_apply: each option given is declared by one of p's
   mechanisms; 0 or -1 with *err */
int params_options_apply(const struct bench_params *p, struct param_error *err);

#endif
