/* http_query.h -- a request's query parameters through the engine's strict parser */
#ifndef IPCSCOPE_HTTP_QUERY_H
#define IPCSCOPE_HTTP_QUERY_H

#include <stdbool.h>
#include <stddef.h>

#include "params/params_request.h"

#define QUERY_PARAMS_MAX 32        /* parameters of one request */
#define QUERY_NAME_MAX 24          /* a parameter's name, with its "--" */
#define QUERY_ARGBUF 8192          /* the run process's arguments, as text */

/* One name=value of the query as the client sent it, decoded: the
   lengths are the decoded ones, so a %00 shows as a length past the NUL. */
struct query_pair {
	const char *name;
	size_t name_len;
	const char *value;         /* NULL: "name" without "=" */
	size_t value_len;
};

struct query {
	struct bench_params p;
	int npairs;
	char names[QUERY_PARAMS_MAX][QUERY_NAME_MAX];   /* "--size" */
	const char *values[QUERY_PARAMS_MAX];           /* the pairs' own */
	char argbuf[QUERY_ARGBUF];                      /* query_argv's strings */
	bool own_params;           /* a demo with params of its own: the pairs are its argv */
};

/* query_parse: checks pairs for cmd (mech: the path's mechanism or NULL):
   at most QUERY_PARAMS_MAX, no NUL byte in a name or value, every pair
   through params_set, then params_finish; 0 with q filled, or -1 with
   *err naming the parameter */
int query_parse(struct query *q, enum params_cmd cmd, const char *mech,
		const struct query_pair *pairs, int npairs, struct param_error *err);

/* query_argv: the run process's arguments for q as the engine's
   params_argv() writes them from the validated params (head: the command
   and its target; a demo's name is taken from it), or, for a demo with
   params of its own, head and the validated pairs as they came; into argv
   (room for max entries, NULL-terminated); the count, or -1 when they do
   not fit */
int query_argv(struct query *q, const char *const *head, int nhead,
	       const char **argv, int max);

/* query_text: the request as "path?name=value&..." into buf (size n) */
void query_text(const struct query *q, const char *path, char *buf, size_t n);

#endif
