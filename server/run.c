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

static struct {
	unsigned long failures;    /* under runs_mu */
	char last[RUN_MSG_MAX];
} store_health;

void run_store_failed_locked(const char *err)
{
	store_health.failures++;
	snprintf(store_health.last, sizeof(store_health.last), "%s", err);
	fprintf(stderr, "ipcscope: %s\n", err);
}

unsigned long run_store_failures(char *last, size_t n)
{
	unsigned long k;

	pthread_mutex_lock(&runs_mu);
	k = store_health.failures;
	snprintf(last, n, "%s", store_health.last);
	pthread_mutex_unlock(&runs_mu);
	return k;
}

void run_lines_init(const pthread_condattr_t *ca)
{
	pthread_cond_init(&runs_data, ca);
}

void run_free(struct server_run *r)
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

void run_unref_locked(struct server_run *r)
{
	if (r && --r->refs == 0)
		run_free(r);
}

/* ---- lines -------------------------------------------------------------- */

/* append_locked: stores one line (without its newline) and wakes readers */
static void append_locked(struct server_run *r, const char *line, size_t n)
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

static void append_obj_locked(struct server_run *r, cJSON *o)
{
	char *s = o ? cJSON_PrintUnformatted(o) : NULL;

	if (s)
		append_locked(r, s, strlen(s));
	free(s);
	cJSON_Delete(o);
}

static cJSON *line_obj(const char *type, const struct server_run *r)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "type", type);
	cJSON_AddStringToObject(o, "run", r->id);
	return o;
}

void run_append_queued_locked(struct server_run *r, int position)
{
	cJSON *o = line_obj("queued", r);

	cJSON_AddNumberToObject(o, "position", position);
	append_obj_locked(r, o);
}

/* claim_locked: r may take its end line now: only one thread ends a run,
   and nothing is taken after its end */
static bool claim_locked(struct server_run *r)
{
	if (r->ended || r->ending)
		return false;
	r->ending = true;
	return true;
}

/* end_stored: shows the end line (text line of n bytes, object o, which it
   frees) of a claimed run once the run's record is written; when the
   record cannot be written, the end line carries "stored":false and why */
static void end_stored(struct server_run *r, const char *line, size_t n, cJSON *o,
		       const char *status, double elapsed_s)
{
	char err[RUN_MSG_MAX] = "", *rec, *fail = NULL;
	size_t len = 0;

	/* only the thread that claimed r appends to it: its lines are stable */
	pthread_mutex_lock(&runs_mu);
	rec = malloc(r->len + n + 1);
	if (rec) {
		memcpy(rec, r->buf ? r->buf : "", r->len);
		memcpy(rec + r->len, line, n);
		rec[r->len + n] = '\n';
		len = r->len + n + 1;
	}
	pthread_mutex_unlock(&runs_mu);
	if (!rec)
		snprintf(err, sizeof(err), "cannot store run %s: out of memory", r->id);
	else if (store_write(r->num, ".ndjson", rec, len, err, sizeof(err)) == 0)
		err[0] = '\0';
	free(rec);
	pthread_mutex_lock(&runs_mu);
	if (!err[0] && r->store_err[0])
		snprintf(err, sizeof(err), "%s", r->store_err);
	if (err[0]) {
		cJSON_AddFalseToObject(o, "stored");
		cJSON_AddStringToObject(o, "store_error", err);
		fail = cJSON_PrintUnformatted(o);
		snprintf(r->store_err, sizeof(r->store_err), "%s", err);
		run_store_failed_locked(err);
	}
	append_locked(r, fail ? fail : line, fail ? strlen(fail) : n);
	snprintf(r->status, sizeof(r->status), "%s", status);
	r->elapsed_s = elapsed_s;
	r->ended = true;
	r->ending = false;
	pthread_cond_broadcast(&runs_data);
	pthread_mutex_unlock(&runs_mu);
	free(fail);
	cJSON_Delete(o);
}

void run_end(struct server_run *r, const char *status, const char *code, const char *message)
{
	double t0, elapsed;
	cJSON *o;
	char *line;

	pthread_mutex_lock(&runs_mu);
	r->state = RUN_DONE;
	if (!claim_locked(r)) {
		pthread_mutex_unlock(&runs_mu);
		return;
	}
	if (code) {
		o = line_obj("error", r);
		cJSON_AddStringToObject(o, "code", code);
		cJSON_AddStringToObject(o, "message", message ? message : code);
		append_obj_locked(r, o);
	}
	t0 = r->t_start > 0 ? r->t_start : r->t_submit;
	elapsed = clock_s(CLOCK_MONOTONIC) - t0;
	o = line_obj("end", r);
	pthread_mutex_unlock(&runs_mu);
	cJSON_AddStringToObject(o, "status", status);
	cJSON_AddNumberToObject(o, "elapsed_s", (double)(long long)(elapsed * 1e6) / 1e6);
	line = cJSON_PrintUnformatted(o);
	end_stored(r, line ? line : "", line ? strlen(line) : 0, o, status, elapsed);
	free(line);
}

/* run_relay_line: the proc_sink's line: stores one line of the run process if
   it is a JSON object; heartbeats are per stream, and nothing may follow
   the end line */
void run_relay_line(void *ctx, const char *line, size_t n)
{
	struct server_run *r = ctx;
	cJSON *o, *type, *v;
	const char *status;
	bool end;

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
	end = strcmp(type->valuestring, "end") == 0;
	pthread_mutex_lock(&runs_mu);
	if (end ? !claim_locked(r) : r->ended || r->ending) {
		pthread_mutex_unlock(&runs_mu);
		goto out;
	}
	if (!end) {
		append_locked(r, line, n);
		pthread_mutex_unlock(&runs_mu);
		goto out;
	}
	pthread_mutex_unlock(&runs_mu);
	v = cJSON_GetObjectItemCaseSensitive(o, "status");
	status = store_status_word(cJSON_IsString(v) ? v->valuestring : NULL);
	v = cJSON_GetObjectItemCaseSensitive(o, "elapsed_s");
	end_stored(r, line, n, o, status, cJSON_IsNumber(v) ? v->valuedouble
					  : clock_s(CLOCK_MONOTONIC) - r->t_start);
	return;
out:
	cJSON_Delete(o);
}

