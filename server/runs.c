/* runs.c -- one run at a time: the FIFO queue, the runner thread, cancel, live lines */
#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "run.h"
#include "run_proc.h"
#include "run_store.h"
#include "runs.h"
#include "base/error.h"

#define RUN_ARGS_EXTRA 6           /* argv[0], --format ndjson, --run-id ID, NULL */
#define RUNNER_IDLE_S 1            /* the idle runner reaps orphans this often */
#define RUN_TRACK_INITIAL 64

static struct {
	pthread_cond_t work;       /* the runner has something to do */
	struct runs_config cfg;
	struct server_run *current;       /* running, or about to be */
	struct server_run **queue;        /* waiting, FIFO */
	int nqueue;
	struct server_run **all;          /* every tracked run, oldest first */
	int nall, capall;
	unsigned long next_num;    /* never reused: the id file records every number given */
	unsigned long reserved;    /* numbers below this are recorded in the id file */
	bool stopping;
	int wake[2];               /* wakes the runner's poll() on cancel */
	pthread_t runner;
	bool runner_started;
} g = { .wake = { -1, -1 }, .next_num = 1 };

const char *run_id(const struct server_run *r)
{
	return r->id;
}

void runs_ref(struct server_run *r)
{
	pthread_mutex_lock(&runs_mu);
	r->refs++;
	pthread_mutex_unlock(&runs_mu);
}

void runs_unref(struct server_run *r)
{
	pthread_mutex_lock(&runs_mu);
	run_unref_locked(r);
	pthread_mutex_unlock(&runs_mu);
}

/* ---- tracking and history ----------------------------------------------- */

static int track_locked(struct server_run *r)
{
	if (g.nall == g.capall) {
		int cap = g.capall ? g.capall * 2 : RUN_TRACK_INITIAL;
		struct server_run **na = realloc(g.all, (size_t)cap * sizeof(*na));

		if (!na)
			return -1;
		g.all = na;
		g.capall = cap;
	}
	g.all[g.nall++] = r;
	r->refs++;
	return 0;
}

/* evict_locked: forgets the oldest finished runs beyond STORE_KEEP,
   in memory and on disk */
static void evict_locked(void)
{
	int done = 0;

	for (int i = 0; i < g.nall; i++)
		done += g.all[i]->state == RUN_DONE;
	for (int i = 0; i < g.nall && done > STORE_KEEP;) {
		struct server_run *r = g.all[i];

		if (r->state != RUN_DONE) {
			i++;
			continue;
		}
		store_remove(r->num);
		memmove(g.all + i, g.all + i + 1, (size_t)(g.nall - i - 1) * sizeof(*g.all));
		g.nall--;
		done--;
		run_unref_locked(r);
	}
}

static cJSON *meta_json(const struct server_run *r)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "id", r->id);
	cJSON_AddStringToObject(o, "kind", r->kind);
	if (r->target)
		cJSON_AddStringToObject(o, "target", r->target);
	else
		cJSON_AddNullToObject(o, "target");
	if (r->request)
		cJSON_AddStringToObject(o, "request", r->request);
	else
		cJSON_AddNullToObject(o, "request");
	cJSON_AddNumberToObject(o, "created_at", (double)(long long)(r->created_at * 1e3) / 1e3);
	return o;
}

/* persist_meta: what was asked, written as the run is queued; a failure
   is counted, and the run's end line will say its record is not stored */
static void persist_meta(struct server_run *r)
{
	cJSON *o = meta_json(r);
	char *meta = cJSON_PrintUnformatted(o);
	char err[RUN_MSG_MAX];
	int rc = -1;

	if (!meta)
		snprintf(err, sizeof(err), "cannot store run %s: out of memory", r->id);
	else
		rc = store_write(r->num, ".json", meta, strlen(meta), err, sizeof(err));
	free(meta);
	cJSON_Delete(o);
	if (rc == 0)
		return;
	pthread_mutex_lock(&runs_mu);
	snprintf(r->store_err, sizeof(r->store_err), "%s", err);
	run_store_failed_locked(err);
	pthread_mutex_unlock(&runs_mu);
}

/* reserve_locked: makes sure the id file records the number about to be
   given out (several at a time, so it is written rarely); false when it
   cannot, and no number may be given */
static bool reserve_locked(void)
{
	unsigned long upto = g.next_num + STORE_ID_BLOCK;
	char err[RUN_MSG_MAX];

	if (g.next_num > STORE_NUM_MAX) {
		snprintf(err, sizeof(err), "run ids are exhausted: r%lu is past r%lu", g.next_num,
			 STORE_NUM_MAX);
		run_store_failed_locked(err);
		return false;
	}
	if (g.next_num < g.reserved && g.reserved - g.next_num > STORE_ID_BLOCK / 2)
		return true;
	if (upto > STORE_NUM_MAX + 1)
		upto = STORE_NUM_MAX + 1;
	if (store_reserve(upto, err, sizeof(err)) == 0) {
		g.reserved = upto;
		return true;
	}
	/* what is reserved already may still be used */
	if (g.next_num < g.reserved)
		return true;
	run_store_failed_locked(err);
	return false;
}

/* take_stored: store_load's callback: a past run, tracked as done */
static void take_stored(void *ctx, struct stored_run *sr)
{
	struct server_run *r = calloc(1, sizeof(*r));

	(void)ctx;
	if (!r)
		return stored_run_free(sr);
	r->num = sr->num;
	snprintf(r->id, sizeof(r->id), "r%lu", sr->num);
	r->buf = sr->lines;
	r->len = sr->len;
	r->cap = sr->len + 1;
	r->target = sr->target;
	r->request = sr->request;
	snprintf(r->kind, sizeof(r->kind), "%s", sr->kind);
	snprintf(r->status, sizeof(r->status), "%s", sr->st.status);
	r->elapsed_s = sr->st.elapsed_s;
	r->created_at = sr->created_at;
	r->state = RUN_DONE;
	r->ended = true;
	sr->lines = sr->target = sr->request = NULL;
	stored_run_free(sr);
	if (track_locked(r) < 0)
		run_free(r);
}

/* ---- the runner --------------------------------------------------------- */

static bool stop_requested(void *ctx)
{
	struct server_run *r = ctx;
	bool stop;

	pthread_mutex_lock(&runs_mu);
	stop = r->cancel || g.stopping;
	pthread_mutex_unlock(&runs_mu);
	return stop;
}

/* finish: the server's ending for why, after the group is gone */
static void finish(struct server_run *r, enum proc_end why, int st)
{
	char msg[RUN_MSG_MAX];

	switch (why) {
	case PROC_TIMEOUT:
		snprintf(msg, sizeof(msg), "the run passed its wall-time limit of %d s "
			 "(--max-run-seconds)", g.cfg.max_run_seconds);
		run_end(r, "timeout", "timeout", msg);
		break;
	case PROC_CANCELLED:
		run_end(r, "cancelled", NULL, NULL);
		break;
	case PROC_OUTPUT:
		snprintf(msg, sizeof(msg), "the run printed more than %u bytes", PROC_OUTPUT_MAX);
		run_end(r, "error", "output_limit", msg);
		break;
	case PROC_EXITED:
		proc_status_message(st, msg, sizeof(msg));
		run_end(r, "error", "run_failed", msg);
		break;
	}
}

/* run_one: runs r from spawn to reaped, and stores its end */
static void run_one(struct server_run *r)
{
	struct proc_sink sink = { r, run_relay_line, stop_requested, g.wake[0] };
	struct proc_limits lim = { g.cfg.max_run_seconds, g.cfg.grace_ms };
	enum proc_end why;
	char err[RUN_MSG_MAX];
	int st;

	pthread_mutex_lock(&runs_mu);
	r->state = RUN_RUNNING;
	r->t_start = clock_s(CLOCK_MONOTONIC);
	pthread_mutex_unlock(&runs_mu);
	if (stop_requested(r))
		return finish(r, PROC_CANCELLED, 0);
	if (proc_run(r->argv, r->input, &lim, &sink, &why, &st, err, sizeof(err)) < 0)
		return run_end(r, "error", "spawn_failed", err);
	finish(r, why, st);
}

/* next_locked: takes the head of the queue; everyone behind moves up */
static struct server_run *next_locked(void)
{
	struct server_run *r;

	if (g.nqueue == 0)
		return NULL;
	r = g.queue[0];
	memmove(g.queue, g.queue + 1, (size_t)(g.nqueue - 1) * sizeof(*g.queue));
	g.nqueue--;
	for (int i = 0; i < g.nqueue; i++)
		run_append_queued_locked(g.queue[i], i + 1);
	return r;
}

/* runner_main: the one thread that spawns run processes; it lives as long
   as the server, so their parent-death signal fires only when the server
   dies */
static void *runner_main(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&runs_mu);
	for (;;) {
		struct server_run *r;

		while (!g.current && !g.stopping) {
			struct timespec ts = clock_after(CLOCK_MONOTONIC, RUNNER_IDLE_S * 1000);

			pthread_cond_timedwait(&g.work, &runs_mu, &ts);
			proc_reap_orphans();
		}
		if (!g.current)
			break;
		r = g.current;
		r->refs++;
		pthread_mutex_unlock(&runs_mu);
		run_one(r);
		pthread_mutex_lock(&runs_mu);
		evict_locked();
		g.current = next_locked();
		run_unref_locked(r);
	}
	pthread_mutex_unlock(&runs_mu);
	return NULL;
}

/* ---- requests ----------------------------------------------------------- */

/* build_argv: the run process's argv from the request's, with the peer's
   token taken out of it into *input (a line on the process's stdin) and
   "--token-file -" in its place; the params after the head (the command
   and its target, or the command alone for a compare) are name, value
   pairs */
static char **build_argv(const char *const *args, int nhead, const char *id, char **input)
{
	int nargs = 0, n = 0;
	char **v;

	while (args[nargs])
		nargs++;
	v = calloc((size_t)nargs + RUN_ARGS_EXTRA, sizeof(*v));
	if (!v)
		return NULL;
	v[n++] = strdup(proc_exe());
	for (int i = 0; i < nargs; i++) {
		if (i >= nhead && (i - nhead) % 2 == 0 && i + 1 < nargs &&
		    !strcmp(args[i], "--token") && !*input) {
			size_t len = strlen(args[i + 1]) + 2;

			if ((*input = malloc(len)))
				snprintf(*input, len, "%s\n", args[i + 1]);
			v[n++] = strdup("--token-file");
			v[n++] = *input ? strdup("-") : NULL;   /* NULL: out of memory, below */
			i++;
			continue;
		}
		v[n++] = strdup(args[i]);
	}
	v[n++] = strdup("--format");
	v[n++] = strdup("ndjson");
	v[n++] = strdup("--run-id");
	v[n++] = strdup(id);
	for (int i = 0; i < n; i++) {
		if (!v[i]) {
			for (int j = 0; j < n; j++)
				free(v[j]);
			free(v);
			return NULL;
		}
	}
	return v;
}

/* request_text: the request as the client wrote it, less its token pairs:
   a secret is never stored or served */
static char *request_text(const char *req)
{
	char *out = strdup(req), *q = out ? strchr(out, '?') : NULL;

	while (q && *q) {
		char *pair = q + 1, *amp = strchr(pair, '&');

		if (!strncmp(pair, "token=", 6)) {
			/* the pair goes, with the '&' after it, or the '&' or '?'
			   before it when it is the last */
			if (amp)
				memmove(pair, amp + 1, strlen(amp + 1) + 1);
			else
				*q = '\0';
			continue;
		}
		q = amp;
	}
	return out;
}

static struct server_run *run_new(const struct runs_request *req)
{
	struct server_run *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	snprintf(r->kind, sizeof(r->kind), "%s", req->kind);
	snprintf(r->client, sizeof(r->client), "%s", req->client ? req->client : "");
	r->target = req->target ? strdup(req->target) : NULL;
	r->request = req->request ? request_text(req->request) : NULL;
	r->created_at = clock_s(CLOCK_REALTIME);
	r->t_submit = clock_s(CLOCK_MONOTONIC);
	r->state = RUN_QUEUED;
	return r;
}

/* client_runs_locked: runs of client queued or running */
static int client_runs_locked(const char *client)
{
	int n = g.current && !strcmp(g.current->client, client);

	for (int i = 0; i < g.nqueue; i++)
		n += !strcmp(g.queue[i]->client, client);
	return n;
}

static enum runs_submit_result admit_locked(const struct server_run *r)
{
	if (g.stopping)
		return RUNS_STOPPING;
	if (g.current && g.nqueue >= g.cfg.queue_max)
		return RUNS_QUEUE_FULL;
	if (client_runs_locked(r->client) >= g.cfg.per_client)
		return RUNS_CLIENT_LIMIT;
	return RUNS_OK;
}

enum runs_submit_result runs_submit(const struct runs_request *req, struct server_run **out)
{
	struct server_run *r = run_new(req);
	enum runs_submit_result res = RUNS_NOMEM;

	if (!r)
		return RUNS_NOMEM;
	pthread_mutex_lock(&runs_mu);
	if ((res = admit_locked(r)) != RUNS_OK)
		goto fail;
	res = RUNS_NO_ID;
	if (!reserve_locked())
		goto fail;
	res = RUNS_NOMEM;
	r->num = g.next_num;
	snprintf(r->id, sizeof(r->id), "r%lu", r->num);
	r->argv = build_argv(req->argv, strcmp(req->kind, "compare") ? 2 : 1, r->id, &r->input);
	if (!r->argv || (req->request && !r->request) || track_locked(r) < 0)
		goto fail;
	g.next_num++;
	r->refs += 2;              /* the caller's, and one while the meta is written */
	if (!g.current) {
		g.current = r;
		pthread_cond_signal(&g.work);
	} else {
		g.queue[g.nqueue++] = r;
		run_append_queued_locked(r, g.nqueue);
	}
	pthread_mutex_unlock(&runs_mu);
	persist_meta(r);
	runs_unref(r);
	*out = r;
	return RUNS_OK;
fail:
	pthread_mutex_unlock(&runs_mu);
	run_free(r);
	return res;
}

/* unqueue_locked: removes r from the queue; true if it was there */
static bool unqueue_locked(struct server_run *r)
{
	for (int i = 0; i < g.nqueue; i++) {
		if (g.queue[i] != r)
			continue;
		memmove(g.queue + i, g.queue + i + 1, (size_t)(g.nqueue - i - 1) * sizeof(*g.queue));
		g.nqueue--;
		for (int j = i; j < g.nqueue; j++)
			run_append_queued_locked(g.queue[j], j + 1);
		return true;
	}
	return false;
}

void runs_cancel(struct server_run *r)
{
	bool dequeued;

	pthread_mutex_lock(&runs_mu);
	if (r->state == RUN_DONE || r->ended) {
		pthread_mutex_unlock(&runs_mu);
		return;
	}
	r->cancel = true;
	dequeued = unqueue_locked(r);
	if (!dequeued && write(g.wake[1], "c", 1) < 0) {
		/* the pipe is full: the runner is awake already */
	}
	pthread_mutex_unlock(&runs_mu);
	if (!dequeued)
		return;
	run_end(r, "cancelled", NULL, NULL);
	pthread_mutex_lock(&runs_mu);
	evict_locked();
	pthread_mutex_unlock(&runs_mu);
}

struct server_run *runs_get(const char *id)
{
	struct server_run *r = NULL;

	pthread_mutex_lock(&runs_mu);
	for (int i = 0; i < g.nall; i++) {
		if (strcmp(g.all[i]->id, id) == 0) {
			r = g.all[i];
			r->refs++;
			break;
		}
	}
	pthread_mutex_unlock(&runs_mu);
	return r;
}

ssize_t runs_read(struct server_run *r, size_t off, char *buf, size_t max, int wait_ms)
{
	struct timespec ts = clock_after(CLOCK_MONOTONIC, wait_ms);
	ssize_t n = 0;

	pthread_mutex_lock(&runs_mu);
	while (off >= r->len && !r->ended)
		if (pthread_cond_timedwait(&runs_data, &runs_mu, &ts) == ETIMEDOUT)
			break;
	if (off < r->len) {
		n = (ssize_t)(r->len - off < max ? r->len - off : max);
		memcpy(buf, r->buf + off, (size_t)n);
	} else if (r->ended) {
		n = -1;
	}
	pthread_mutex_unlock(&runs_mu);
	return n;
}

static const char *state_name(const struct server_run *r)
{
	if (r->ended)              /* known from the end line, even while reaping */
		return r->status[0] ? r->status : "unknown";
	if (r->state == RUN_QUEUED)
		return "queued";
	if (r->state == RUN_RUNNING)
		return "running";
	return r->status[0] ? r->status : "unknown";
}

char *runs_list_json(void)
{
	cJSON *a = cJSON_CreateArray();
	char *s;

	pthread_mutex_lock(&runs_mu);
	for (int i = g.nall - 1; i >= 0; i--) {
		struct server_run *r = g.all[i];
		cJSON *o = meta_json(r);

		cJSON_AddStringToObject(o, "status", state_name(r));
		for (int q = 0; q < g.nqueue; q++)
			if (g.queue[q] == r)
				cJSON_AddNumberToObject(o, "position", q + 1);
		if (r->ended)
			cJSON_AddNumberToObject(o, "elapsed_s", r->elapsed_s);
		else
			cJSON_AddNullToObject(o, "elapsed_s");
		cJSON_AddNumberToObject(o, "bytes", (double)r->len);
		cJSON_AddItemToArray(a, o);
	}
	pthread_mutex_unlock(&runs_mu);
	s = cJSON_PrintUnformatted(a);
	cJSON_Delete(a);
	return s;
}

unsigned long runs_store_health(char *last, size_t n)
{
	return run_store_failures(last, n);
}

int runs_busy(void)
{
	int n;

	pthread_mutex_lock(&runs_mu);
	n = (g.current ? 1 : 0) + g.nqueue;
	pthread_mutex_unlock(&runs_mu);
	return n;
}

/* ---- life cycle --------------------------------------------------------- */

static int init_sync(char *err, size_t errlen)
{
	pthread_condattr_t ca;

	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	run_lines_init(&ca);
	pthread_cond_init(&g.work, &ca);
	pthread_condattr_destroy(&ca);
	if (pipe2(g.wake, O_CLOEXEC | O_NONBLOCK) < 0)
		return error_set(err, errlen, "cannot create a pipe: %s", strerror(errno));
	return 0;
}

int runs_init(const struct runs_config *cfg, char *err, size_t errlen)
{
	int rc;

	g.cfg = *cfg;
	g.queue = calloc((size_t)(cfg->queue_max > 0 ? cfg->queue_max : 1), sizeof(*g.queue));
	if (!g.queue)
		return error_set(err, errlen, "cannot set up runs: out of memory");
	if (proc_init(err, errlen) < 0 || init_sync(err, errlen) < 0 ||
	    store_open(cfg->results_dir, err, errlen) < 0)
		return -1;
	pthread_mutex_lock(&runs_mu);
	rc = store_load(take_stored, NULL, &g.next_num, err, errlen);
	g.reserved = g.next_num;
	if (rc == 0)
		reserve_locked();  /* when it fails, runs are refused until it works */
	pthread_mutex_unlock(&runs_mu);
	if (rc < 0)
		return -1;
	rc = pthread_create(&g.runner, NULL, runner_main, NULL);
	if (rc != 0)
		return error_set(err, errlen, "cannot start the runner thread: %s", strerror(rc));
	g.runner_started = true;
	return 0;
}

void runs_shutdown(void)
{
	struct server_run **gone = calloc((size_t)g.nqueue + 1, sizeof(*gone));
	int ngone = 0;

	pthread_mutex_lock(&runs_mu);
	g.stopping = true;
	while (g.nqueue > 0) {
		struct server_run *r = g.queue[--g.nqueue];

		if (gone) {
			r->refs++;
			gone[ngone++] = r;
		} else {
			r->state = RUN_DONE;   /* out of memory: it ends unrecorded */
		}
	}
	if (g.current)
		g.current->cancel = true;
	pthread_cond_signal(&g.work);
	pthread_mutex_unlock(&runs_mu);
	if (g.wake[1] >= 0 && write(g.wake[1], "s", 1) < 0) {
		/* full: the runner is awake already */
	}
	for (int i = 0; i < ngone; i++) {
		run_end(gone[i], "cancelled", NULL, NULL);
		runs_unref(gone[i]);
	}
	free(gone);
	if (g.runner_started)
		pthread_join(g.runner, NULL);
	g.runner_started = false;
	proc_reap_orphans();
}
