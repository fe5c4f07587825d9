/* params_request.h -- what turns a request into a run: the params struct,
   its parser's entry points and the argv of the run process; all the
   server needs of the parser (the engine's own use is params.h) */
#ifndef IPCSCOPE_PARAMS_REQUEST_H
#define IPCSCOPE_PARAMS_REQUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "mech/mech.h"

#define PARAMS_MAX_MECHS 32
#define PARAMS_MAX_SIZES 32
/* the limits and defaults of the common params (params_table.c) */
#define PARAMS_SIZE_MAX ((uint64_t)64 << 20)
#define PARAMS_COUNT_MAX 1000000000ULL
#define PARAMS_LAT_COUNT_MAX 10000000ULL   /* every RTT is kept in memory */
#define PARAMS_DURATION_MAX 60.0
#define PARAMS_REPS_MAX 100
#define PARAMS_DEFAULT_DURATION 0.25       /* seconds per rep when no count */
/* compare adds reps until the median is tight and its verdicts settle:
   by default to within +-5 %, at most 21 reps of 0.025 s. Many short reps
   beat a few long ones: the median's 95 % interval is an order-statistic
   one, min..max for 6 or 7 reps (a single disturbed rep breaks it; +-5 %
   needs a rep-to-rep spread sigma of about 3.7 %), the 6th..16th of 21
   (the five reps at either end never count; +-5 % holds up to sigma of
   about 8 %), while a rep 0.25 times as long spreads about 1/sqrt(0.25)
   = 2 times as much when its noise is interruptions that average out.
   21, not 20: a comparison that runs to the last rep is judged by the
   signed-rank interval of 21 pairs, whose exact level is 95.4 % (20 give
   95.2 %), which keeps "can't tell apart" for the same mechanism twice at
   95 % or more (stats/verdict.h, VERDICT_STOP_ALPHA). The twenty local
   mechanisms at about 10 ms of fork, pin and probe per rep: at most
   20 x 21 x 35 ms = 14.7 s. Measured on the idle 2-core VM (2026-12-06,
   runs interleaved): 9.7-10.9 s with 17-19 of 20 medians within +-5 % at
   20 reps, 13 of 20 at 16. Demos of jobs set their own (demos.c) */
#define PARAMS_CI_DEFAULT 5.0
#define PARAMS_CI_MAX 100.0
#define PARAMS_CI_MIN 0.1
#define PARAMS_CI_DEFAULT_REPS 21
#define PARAMS_CI_DEFAULT_DURATION 0.025
#define PARAMS_GAP_MAX 1.0                 /* seconds */
#define PARAMS_GAP_EVERY_S 1.0             /* the least time between two pauses */

#define PARAMS_MAX_OPTIONS 8               /* mechanism options per run */
#define PARAMS_OPTION_NAME_MAX 24
#define PARAMS_OPTION_VALUE_MAX 32
#define PARAMS_PEER_MAX 262                /* host name (253), colon, port */
#define PARAMS_TOKEN_MAX 65

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
	char message[ERROR_MSG_MAX];             /* lowercase, names param and range */
};

/* param_error_set: fills *err (code bad_param, param, printf message), the
   one way a struct param_error is filled; returns -1 */
int param_error_set(struct param_error *err, const char *param, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* param_error_set_as: param_error_set with another code ("size_limit",
   "unknown_mechanism") */
int param_error_set_as(struct param_error *err, const char *code, const char *param,
		       const char *fmt, ...) __attribute__((format(printf, 4, 5)));

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

#endif
