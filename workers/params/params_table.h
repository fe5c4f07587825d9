/* params_table.h -- every common run param described once: its name,
   kind, range, default per command, unit, help, the commands taking it
   and where it lands in struct bench_params. The parser, the argv
   writer, --help, GET /api/params and the page's form all read it. */
#ifndef IPCSCOPE_PARAMS_TABLE_H
#define IPCSCOPE_PARAMS_TABLE_H

#include <stdbool.h>
#include <stddef.h>

#include "params/params_request.h"

/* How a param's value is written and where it is stored. */
enum param_kind {
	PARAM_WORD,        /* one of values[]; its index into an int-sized enum */
	PARAM_FLAG,        /* 0 or 1; a bool */
	PARAM_WHOLE,       /* a whole number in min..max; uint64_t or unsigned */
	PARAM_SECONDS,     /* a plain decimal in min..max (or 0 with zero_off); double */
	PARAM_SIZE,        /* bytes, min..max, suffix K or M; uint64_t */
	PARAM_SIZE_LIST,   /* comma-separated sizes, each as PARAM_SIZE */
	PARAM_MECH_LIST,   /* comma-separated mechanism names */
	PARAM_MECH,        /* one mechanism name */
	PARAM_PIN,         /* values[] or two CPU numbers A,B */
	PARAM_HOSTPORT,    /* HOST:PORT */
	PARAM_SECRET,      /* min..max letters, digits, '-' or '_'; never echoed */
	PARAM_ID,          /* min..max letters, digits, '-' or '_' */
};

#define PARAM_CMD(c) (1u << (c))
#define PARAM_CMDS_ALL (PARAM_CMD(CMD_BENCH) | PARAM_CMD(CMD_COMPARE) | \
			PARAM_CMD(CMD_SWEEP) | PARAM_CMD(CMD_DEMO))

struct param_row {
	const char *name;
	enum param_kind kind;
	const char *metavar;         /* --help: "--count N"; WORD and PIN: values */
	double min, max;             /* numeric kinds, sizes, lengths of strings */
	double latency_max;          /* > 0: the max in latency mode */
	int max_items;               /* lists: the most items */
	bool zero_off;               /* 0 is accepted too (off) below min */
	const char *const *values;   /* WORD, PIN: the words, NULL-terminated */
	const char *unit;            /* "bytes", "seconds", "messages", ... or "" */
	const char *expect;          /* error text after "expected ": {range} is the
					range formatted from min and max (WORD: the
					values), {max_cpu} the highest CPU */
	const char *help;            /* --help text ({range} too); NULL: not shown */
	const char *default_text;    /* the default as people read it */
	unsigned cmds;               /* PARAM_CMD(cmd) of the commands taking it */
	bool cli_only;               /* refused over HTTP */
	double def[CMD_DEMO + 1];    /* numeric default per command (WORD: index) */
	size_t offset, width;        /* where it lands in struct bench_params */
};

/* params_table: the rows, indexed by enum param_id */
extern const struct param_row params_table[P__COUNT];

/* params_table_find: the id of the common param called name, or -1 */
int params_table_find(const char *name);

/* params_table_takes: cmd takes param id (over HTTP when http) */
bool params_table_takes(enum param_id id, enum params_cmd cmd, bool http);

/* params_table_range: the range of row as people read it: "1..100",
   "0.01..60", "1..64M", "throughput or latency" into buf */
const char *params_table_range(const struct param_row *row, char *buf, size_t len);

/* params_table_expand: text with {range} replaced by row's range and
   {max_cpu} by the highest CPU number, into buf */
const char *params_table_expand(const struct param_row *row, const char *text, char *buf,
				size_t len);

/* params_table_flag: "--mode throughput|latency", "--count N" into buf */
const char *params_table_flag(const struct param_row *row, char *buf, size_t len);

/* params_table_cmd_name: "bench", "compare", "sweep", "demo" */
const char *params_table_cmd_name(enum params_cmd cmd);

#endif
