/* http_query.c -- a request's query parameters through the engine's strict parser */
#include <stdio.h>
#include <string.h>

#include "http_query.h"

#include "cli/engine.h"

#define QUERY_MSG_MAX 128

/* shown: a name as it may appear in a message: printable ASCII, cut short */
static const char *shown(const char *name, char *buf, size_t n)
{
	snprintf(buf, n, "%s", name);
	for (char *c = buf; *c; c++)
		if (*c < 0x20 || *c > 0x7e)
			*c = '?';
	return buf;
}

static int check_pair(const struct query_pair *qp, struct param_error *err)
{
	char name[QUERY_NAME_MAX];

	shown(qp->name, name, sizeof(name));
	if (strlen(qp->name) != qp->name_len) {
		return param_error_set(err, name, "the parameter name '%s' holds a NUL byte (%%00)",
				       name);
	}
	if (qp->value && strlen(qp->value) != qp->value_len) {
		return param_error_set(err, name, "the value of '%s' holds a NUL byte (%%00)", name);
	}
	if (qp->name_len + 3 > QUERY_NAME_MAX) {
		return param_error_set(err, name, "unknown parameter '%s'", name);
	}
	return 0;
}

/* demo_param: one pair through the own params of a demo that runs its own
   experiment, each once */
static int demo_param(const char *demo, const struct query *q, int i,
		      const struct query_pair *qp, struct param_error *err)
{
	char msg[sizeof(err->message)];

	for (int j = 0; j < i; j++)
		if (!strcmp(q->names[j] + 2, qp->name))
			return param_error_set(err, qp->name, "parameter '%.64s' given more than once",
					       qp->name);
	if (engine_demo_param(demo, qp->name, qp->value ? qp->value : "", msg, sizeof(msg)) < 0)
		return param_error_set(err, qp->name, "%s", msg);
	return 0;
}

int query_parse(struct query *q, enum params_cmd cmd, const char *mech,
		const struct query_pair *pairs, int npairs, struct param_error *err)
{
	const char *own = NULL;    /* a demo with params of its own */

	memset(q, 0, sizeof(*q));
	memset(err, 0, sizeof(*err));
	if (npairs > QUERY_PARAMS_MAX) {
		return param_error_set(err, "", "too many parameters: at most %d", QUERY_PARAMS_MAX);
	}
	params_init(&q->p, cmd);
	if (cmd == CMD_DEMO)
		own = mech && engine_demo_own_params(mech) ? mech : NULL;
	else if (mech && params_set_targets(&q->p, mech, err) < 0)
		return -1;
	for (int i = 0; i < npairs; i++) {
		if (check_pair(&pairs[i], err) < 0 ||
		    (own ? demo_param(own, q, i, &pairs[i], err) :
		     params_set(&q->p, pairs[i].name, pairs[i].value, true, err)) < 0)
			return -1;
		snprintf(q->names[i], sizeof(q->names[i]), "--%s", pairs[i].name);
		q->values[i] = pairs[i].value;
	}
	q->npairs = npairs;
	q->own_params = own != NULL;
	return own ? 0 : params_finish(&q->p, err);
}

int query_argv(struct query *q, const char *const *head, int nhead,
	       const char **argv, int max)
{
	const char *demo = q->p.cmd == CMD_DEMO && nhead > 1 ? head[1] : NULL;
	char why[QUERY_MSG_MAX];
	int n;

	if (q->own_params) {
		if (nhead + 2 * q->npairs + 1 > max)
			return -1;
		for (n = 0; n < nhead; n++)
			argv[n] = head[n];
		for (int i = 0; i < q->npairs; i++) {
			argv[n++] = q->names[i];
			argv[n++] = q->values[i] ? q->values[i] : "";
		}
		argv[n] = NULL;
		return n;
	}
	n = params_argv(&q->p, demo, argv, max - 1, q->argbuf, sizeof(q->argbuf), why,
			sizeof(why));
	if (n < 0)
		return -1;
	argv[n] = NULL;
	return n;
}

void query_text(const struct query *q, const char *path, char *buf, size_t n)
{
	size_t len;

	snprintf(buf, n, "%s", path);
	for (int i = 0; i < q->npairs; i++) {
		len = strlen(buf);
		snprintf(buf + len, n - len, "%c%s=%s", i ? '&' : '?', q->names[i] + 2,
			 q->values[i]);
	}
}
