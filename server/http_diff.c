/* http_diff.c -- GET /api/diff?a=rN&b=rM: two remembered runs compared
   across time, as `ipcscope diff` prints them in NDJSON */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stats/diff.h"
#include "http_diff.h"
#include "http_reply.h"
#include "runs.h"

#define DIFF_ID_MAX 16             /* "r" and at most 9 digits */
#define DIFF_VALUE_SHOW 64         /* bytes of a bad value quoted back */
#define DIFF_READ_CHUNK (64u << 10)

struct diff_query {
	const char *v[3];          /* a, b, threshold: the value, or NULL */
	size_t len[3];
	int seen[3];
	char bad[DIFF_VALUE_SHOW + 1];   /* the first unknown name */
	bool nul;                  /* a name or value held a NUL */
	int n;
};

static const char *const names[3] = { "a", "b", "threshold" };

static enum MHD_Result take(void *cls, enum MHD_ValueKind kind, const char *key,
			    size_t key_size, const char *value, size_t value_size)
{
	struct diff_query *q = cls;

	(void)kind;
	q->n++;
	if (strlen(key) != key_size || (value && strlen(value) != value_size))
		q->nul = true;
	for (int i = 0; i < 3; i++)
		if (!strcmp(key, names[i])) {
			q->v[i] = value ? value : "";
			q->len[i] = value ? value_size : 0;
			q->seen[i]++;
			return MHD_YES;
		}
	if (!q->bad[0])
		snprintf(q->bad, sizeof(q->bad), "%.*s", DIFF_VALUE_SHOW, key);
	return MHD_YES;
}

static bool id_ok(const char *s)
{
	size_t n = strlen(s);

	return n >= 2 && n <= 10 && s[0] == 'r' && strspn(s + 1, "0123456789") == n - 1;
}

/* whole: every line of a run that has ended, malloc'd into *out; 0, 1
   when it has not ended yet, -1 out of memory */
static int whole(struct server_run *r, char **out, size_t *len)
{
	size_t cap = DIFF_READ_CHUNK, n = 0;
	char *buf = malloc(cap);
	ssize_t got;

	if (!buf)
		return -1;
	for (;;) {
		if (cap - n < DIFF_READ_CHUNK) {
			char *nb = realloc(buf, cap * 2);

			if (!nb) {
				free(buf);
				return -1;
			}
			buf = nb;
			cap *= 2;
		}
		got = runs_read(r, n, buf + n, cap - n, 0);
		if (got < 0)
			break;
		if (got == 0) {
			free(buf);
			return 1;
		}
		n += (size_t)got;
	}
	*out = buf;
	*len = n;
	return 0;
}

static void emit(void *ctx, cJSON *line)
{
	FILE *f = ctx;
	char *s = cJSON_PrintUnformatted(line);

	if (s)
		fprintf(f, "%s\n", s);
	free(s);
	cJSON_Delete(line);
}

static void discard(void *ctx, cJSON *line)
{
	(void)ctx;
	cJSON_Delete(line);
}

enum MHD_Result diff_answer(struct MHD_Connection *c)
{
	struct diff_query q = { 0 };
	struct server_run *run[2] = { NULL, NULL };
	char *lines[2] = { NULL, NULL }, *body = NULL, why[DIFF_ERR_MAX], *end;
	size_t len[2] = { 0, 0 }, blen = 0;
	double threshold = DIFF_THRESHOLD_PCT;
	enum MHD_Result ret;
	FILE *f;
	int rc;

	mhd.get_connection_values_n(c, MHD_GET_ARGUMENT_KIND, take, &q);
	if (q.nul)
		return reply_error(c, MHD_HTTP_BAD_REQUEST, "bad_param", NULL, NULL, NULL,
				   "a parameter holds a NUL byte");
	if (q.bad[0])
		return reply_error(c, MHD_HTTP_BAD_REQUEST, "bad_param", q.bad, NULL, NULL,
				   "unknown parameter '%s': /api/diff takes a, b and threshold",
				   q.bad);
	for (int i = 0; i < 3; i++) {
		if (q.seen[i] > 1)
			return reply_error(c, MHD_HTTP_BAD_REQUEST, "bad_param", names[i], NULL,
					   NULL, "parameter '%s' given %d times", names[i],
					   q.seen[i]);
		if (i < 2 && !q.v[i])
			return reply_error(c, MHD_HTTP_BAD_REQUEST, "bad_param", names[i], NULL,
					   NULL, "missing parameter '%s': a run id, as r3",
					   names[i]);
		if (i < 2 && !id_ok(q.v[i]))
			return reply_error(c, MHD_HTTP_BAD_REQUEST, "bad_param", names[i], NULL,
					   NULL, "bad value '%.*s' for %s: expected a run id, r1 "
					   "to r999999999", DIFF_VALUE_SHOW, q.v[i], names[i]);
	}
	if (q.v[2]) {
		errno = 0;
		threshold = strtod(q.v[2], &end);
		if (!*q.v[2] || *end || errno || !isfinite(threshold) || threshold < 0 ||
		    threshold > DIFF_THRESHOLD_MAX)
			return reply_error(c, MHD_HTTP_BAD_REQUEST, "bad_param", "threshold", NULL,
					   NULL, "bad value '%.*s' for threshold: expected a "
					   "percentage from 0 to %g", DIFF_VALUE_SHOW, q.v[2],
					   DIFF_THRESHOLD_MAX);
	}
	for (int i = 0; i < 2; i++) {
		if (!(run[i] = runs_get(q.v[i]))) {
			ret = reply_error(c, MHD_HTTP_NOT_FOUND, "not_found", names[i], NULL, NULL,
					  "unknown run '%s' for %s", q.v[i], names[i]);
			goto out;
		}
		rc = whole(run[i], &lines[i], &len[i]);
		if (rc < 0) {
			ret = MHD_NO;
			goto out;
		}
		if (rc > 0) {
			ret = reply_error(c, MHD_HTTP_CONFLICT, "not_finished", names[i], NULL,
					  NULL, "run '%s' (%s) has not ended yet: diff it once it "
					  "has", q.v[i], names[i]);
			goto out;
		}
	}
	struct diff_input in[2] = { { q.v[0], lines[0], len[0] }, { q.v[1], lines[1], len[1] } };

	/* which side is not a run's lines: each against itself */
	for (int i = 0; i < 2; i++)
		if (diff_runs(&in[i], &in[i], threshold, discard, NULL, why, sizeof(why)) ==
		    DIFF_BAD) {
			ret = reply_error(c, MHD_HTTP_BAD_REQUEST, "bad_param", names[i], NULL,
					  NULL, "%s", why);
			goto out;
		}
	if (!(f = open_memstream(&body, &blen))) {
		ret = MHD_NO;
		goto out;
	}
	rc = diff_runs(&in[0], &in[1], threshold, emit, f, why, sizeof(why));
	fclose(f);
	if (rc == DIFF_BAD) {
		free(body);
		ret = reply_error(c, MHD_HTTP_BAD_REQUEST, "bad_param", "b", NULL, NULL, "%s",
				  why);
		goto out;
	}
	ret = reply(c, MHD_HTTP_OK, "application/x-ndjson", body, MHD_RESPMEM_MUST_FREE, NULL,
		    NULL);
out:
	for (int i = 0; i < 2; i++) {
		free(lines[i]);
		if (run[i])
			runs_unref(run[i]);
	}
	return ret;
}
