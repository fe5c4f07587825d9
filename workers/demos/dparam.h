/* dparam.h -- the params of a demo that runs its own experiment: declared
   once in a table beside the demo, parsed strictly, listed in the catalogue */
#ifndef IPCSCOPE_DPARAM_H
#define IPCSCOPE_DPARAM_H

#include <stddef.h>

#include <cjson/cJSON.h>

enum dparam_kind {
	DP_INT,                   /* int: decimal digits */
	DP_COUNT,                 /* uint64_t: digits, or with K/M suffix (x1000) */
	DP_SIZE,                  /* uint64_t bytes: digits with K/M (x1024) */
	DP_REAL,                  /* double */
	DP_BOOL,                  /* int: 0 or 1 */
};

struct dparam {
	const char *name;
	enum dparam_kind kind;
	double min, max;          /* accepted range, inclusive */
	const char *def;          /* default, as it would be written */
	const char *help;         /* what it sets, for --help and the page */
	size_t off;               /* offset of the field in the demo's params struct */
};

#define DPARAM_ERR_LEN 256

/* dparam_defaults: every field of the NULL-name-terminated spec set to its
   default in the struct at out; 0, or -1 with err (a defect in the table) */
int dparam_defaults(const struct dparam *spec, void *out, char *err, size_t errlen);

/* dparam_set: parses name=value into out; 0, or -1 with a lowercase message
   naming the param and its range (unknown names list the known ones) */
int dparam_set(const struct dparam *spec, void *out, const char *name, const char *value,
	       char *err, size_t errlen);


/* dparam_json: the spec as an array of {name, kind, min, max, default, help} */
cJSON *dparam_json(const struct dparam *spec);

#endif
