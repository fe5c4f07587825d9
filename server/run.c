/* run.c -- one run: its record, its references, its NDJSON lines and its end */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "run.h"
#include "run_store.h"

#define RUN_BUF_INITIAL 4096

pthread_mutex_t runs_mu = PTHREAD_MUTEX_INITIALIZER;
pthread_cond_t runs_data;

void run_lines_init(const pthread_condattr_t *ca)
{
	pthread_cond_init(&runs_data, ca);
}

void run_free(struct run *r)
{
	if (!r)
		return;
	for (char **a = r->argv; a && *a; a++)
		free(*a);
	free(r->argv);
	if (r->input)
		explicit_bzero(r->input, strlen(r->input));
	free(r->input);
	free(r->target);
	free(r->request);
	free(r->buf);
	free(r);
}

void unref_locked(struct run *r)
{
	if (r && --r->refs == 0)
		run_free(r);
}

/* ---- lines -------------------------------------------------------------- */

/* append_locked: stores one line (without its newline) and wakes readers */
static void append_locked(struct run *r, const char *line, size_t n)
{
	if (r->len + n + 1 > r->cap) {
		size_t cap = r->cap ? r->cap : RUN_BUF_INITIAL;
		char *nb;

		while (cap < r->len + n + 1)
			cap *= 2;
		nb = realloc(r->buf, cap);
		if (!nb)
			return;
		r->buf = nb;
		r->cap = cap;
	}
	memcpy(r->buf + r->len, line, n);
	r->buf[r->len + n] = '\n';
	r->len += n + 1;
	pthread_cond_broadcast(&runs_data);
}

static void append_obj_locked(struct run *r, cJSON *o)
{
	char *s = o ? cJSON_PrintUnformatted(o) : NULL;

	if (s)
		append_locked(r, s, strlen(s));
	free(s);
	cJSON_Delete(o);
}

static cJSON *line_obj(const char *type, const struct run *r)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "type", type);
	cJSON_AddStringToObject(o, "run", r->id);
	return o;
}

void append_queued_locked(struct run *r, int position)
{
	cJSON *o = line_obj("queued", r);

	cJSON_AddNumberToObject(o, "position", position);
	append_obj_locked(r, o);
}

/* end_locked: the server's own ending (an error line when code is set,
   then the end line), unless the run process already wrote its end */
void end_locked(struct run *r, const char *status, const char *code,
		       const char *message)
{
	double t0 = r->t_start > 0 ? r->t_start : r->t_submit;
	cJSON *o;

	r->state = RUN_DONE;
	if (r->ended)
		return;
	if (code) {
		o = line_obj("error", r);
		cJSON_AddStringToObject(o, "code", code);
		cJSON_AddStringToObject(o, "message", message ? message : code);
		append_obj_locked(r, o);
	}
	r->elapsed_s = clock_s(CLOCK_MONOTONIC) - t0;
	snprintf(r->status, sizeof(r->status), "%s", status);
	o = line_obj("end", r);
	cJSON_AddStringToObject(o, "status", status);
	cJSON_AddNumberToObject(o, "elapsed_s", (double)(long long)(r->elapsed_s * 1e6) / 1e6);
	append_obj_locked(r, o);
	r->ended = true;
}

/* relay_line: the proc_sink's line: stores one line of the run process if
   it is a JSON object; heartbeats are per stream, and nothing may follow
   the end line */
void relay_line(void *ctx, const char *line, size_t n)
{
	struct run *r = ctx;
	cJSON *o, *type, *v;

	while (n && (line[n - 1] == '\r' || line[n - 1] == ' '))
		n--;
	if (n == 0)
		return;
	o = cJSON_ParseWithLength(line, n);
	type = cJSON_GetObjectItemCaseSensitive(o, "type");
	if (!cJSON_IsObject(o) || !cJSON_IsString(type)) {
		fprintf(stderr, "ipcscope: run %s: dropped a line that is not an NDJSON object\n",
			r->id);
		goto out;
	}
	if (strcmp(type->valuestring, "heartbeat") == 0)
		goto out;
	pthread_mutex_lock(&runs_mu);
	if (!r->ended) {
		append_locked(r, line, n);
		if (strcmp(type->valuestring, "end") == 0) {
			v = cJSON_GetObjectItemCaseSensitive(o, "status");
			snprintf(r->status, sizeof(r->status), "%s",
				 store_status_word(cJSON_IsString(v) ? v->valuestring : NULL));
			v = cJSON_GetObjectItemCaseSensitive(o, "elapsed_s");
			r->elapsed_s = cJSON_IsNumber(v) ? v->valuedouble : clock_s(CLOCK_MONOTONIC) - r->t_start;
			r->ended = true;
		}
	}
	pthread_mutex_unlock(&runs_mu);
out:
	cJSON_Delete(o);
}

