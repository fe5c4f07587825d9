/* runs.c -- one run at a time: FIFO queue, posix_spawn, line relay, cancel, history */
#include <cjson/cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "runs.h"

extern char **environ;

enum run_state { RUN_QUEUED, RUN_RUNNING, RUN_DONE };

#define RUN_LINE_MAX (1u << 20)     /* one NDJSON line from a run process */
#define RUN_OUTPUT_MAX (16u << 20)  /* all lines of one run */

struct run {
	char id[16];
	unsigned long num;
	int refs;                  /* under g.mu */
	enum run_state state;
	bool cancel;               /* client gone or server stopping */
	bool ended;                /* the end line is stored: nothing follows */
	char **argv;               /* NULL-terminated, for posix_spawn */
	char kind[16];
	char *target, *request;
	double created_at;         /* unix time of the request */
	double t_submit, t_start;  /* monotonic */
	char status[16];
	double elapsed_s;
	char *buf;                 /* the NDJSON lines of the run */
	size_t len, cap;
};

/* Why the server, not the run process, ends a run. */
enum stop_reason { STOP_NONE, STOP_CANCEL, STOP_TIMEOUT, STOP_OUTPUT };

static struct {
	pthread_mutex_t mu;
	pthread_cond_t data;       /* a run got new lines */
	pthread_cond_t work;       /* the runner has something to do */
	struct runs_config cfg;
	struct run *current;       /* running, or about to be */
	struct run **queue;        /* waiting, FIFO */
	int nqueue;
	struct run **all;          /* every tracked run, oldest first */
	int nall, capall;
	unsigned long next_num;
	bool stopping;
	int wake[2];               /* wakes the runner's poll() on cancel */
	pthread_t runner;
	bool runner_started;
	char exe[4096];            /* argv[0] of runs: the real path */
} g = { .mu = PTHREAD_MUTEX_INITIALIZER, .wake = { -1, -1 }, .next_num = 1 };

static double now_mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static double now_real(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

const char *run_id(const struct run *r)
{
	return r->id;
}

static void run_free(struct run *r)
{
	if (!r)
		return;
	for (char **a = r->argv; a && *a; a++)
		free(*a);
	free(r->argv);
	free(r->target);
	free(r->request);
	free(r->buf);
	free(r);
}

static void unref_locked(struct run *r)
{
	if (r && --r->refs == 0)
		run_free(r);
}

void runs_ref(struct run *r)
{
	pthread_mutex_lock(&g.mu);
	r->refs++;
	pthread_mutex_unlock(&g.mu);
}

void runs_unref(struct run *r)
{
	pthread_mutex_lock(&g.mu);
	unref_locked(r);
	pthread_mutex_unlock(&g.mu);
}

/* append_locked: stores one line (without its newline) and wakes readers */
static void append_locked(struct run *r, const char *line, size_t n)
{
	if (r->len + n + 1 > r->cap) {
		size_t cap = r->cap ? r->cap : 4096;
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
	pthread_cond_broadcast(&g.data);
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

static void append_queued_locked(struct run *r, int position)
{
	cJSON *o = line_obj("queued", r);

	cJSON_AddNumberToObject(o, "position", position);
	append_obj_locked(r, o);
}

/* end_locked: the server's own ending (an error line when code is set,
   then the end line), unless the run process already wrote its end */
static void end_locked(struct run *r, const char *status, const char *code,
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
	r->elapsed_s = now_mono() - t0;
	snprintf(r->status, sizeof(r->status), "%s", status);
	o = line_obj("end", r);
	cJSON_AddStringToObject(o, "status", status);
	cJSON_AddNumberToObject(o, "elapsed_s", (double)(long long)(r->elapsed_s * 1e6) / 1e6);
	append_obj_locked(r, o);
	r->ended = true;
}

static int track_locked(struct run *r)
{
	if (g.nall == g.capall) {
		int cap = g.capall ? g.capall * 2 : 64;
		struct run **na = realloc(g.all, (size_t)cap * sizeof(*na));

		if (!na)
			return -1;
		g.all = na;
		g.capall = cap;
	}
	g.all[g.nall++] = r;
	r->refs++;
	return 0;
}

static void run_path(char *out, size_t n, const struct run *r, const char *ext)
{
	snprintf(out, n, "%s/%s%s", g.cfg.results_dir, r->id, ext);
}

/* evict_locked: forgets the oldest finished runs beyond RUNS_KEEP,
   in memory and on disk */
static void evict_locked(void)
{
	int done = 0;

	for (int i = 0; i < g.nall; i++)
		done += g.all[i]->state == RUN_DONE;
	for (int i = 0; i < g.nall && done > RUNS_KEEP;) {
		struct run *r = g.all[i];
		char path[4200];

		if (r->state != RUN_DONE) {
			i++;
			continue;
		}
		run_path(path, sizeof(path), r, ".ndjson");
		unlink(path);
		run_path(path, sizeof(path), r, ".json");
		unlink(path);
		memmove(g.all + i, g.all + i + 1, (size_t)(g.nall - i - 1) * sizeof(*g.all));
		g.nall--;
		done--;
		unref_locked(r);
	}
}

static int write_file(const char *path, const char *data, size_t len)
{
	char tmp[4300];
	int fd, ret = -1;
	size_t off = 0;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -1;
	while (off < len) {
		ssize_t n = write(fd, data + off, len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			goto out;
		off += (size_t)n;
	}
	ret = 0;
out:
	if (close(fd) < 0)
		ret = -1;
	if (ret == 0 && rename(tmp, path) < 0)
		ret = -1;
	if (ret < 0)
		unlink(tmp);
	return ret;
}

static cJSON *meta_json(const struct run *r)
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

/* persist: writes a finished run (immutable from now on) under the
   results dir; failures only cost the history, so they are logged */
static void persist(struct run *r)
{
	char path[4200];
	cJSON *o = meta_json(r);
	char *meta = cJSON_PrintUnformatted(o);

	run_path(path, sizeof(path), r, ".ndjson");
	if (write_file(path, r->buf ? r->buf : "", r->len) < 0)
		fprintf(stderr, "ipcscope: cannot write '%s': %s\n", path, strerror(errno));
	run_path(path, sizeof(path), r, ".json");
	if (meta && write_file(path, meta, strlen(meta)) < 0)
		fprintf(stderr, "ipcscope: cannot write '%s': %s\n", path, strerror(errno));
	free(meta);
	cJSON_Delete(o);
}

/* ---- the run process ---------------------------------------------------- */

static char **build_argv(const char *const *args, int nargs, const char *id)
{
	char **v = calloc((size_t)nargs + 6, sizeof(*v));
	int n = 0;

	if (!v)
		return NULL;
	v[n++] = strdup(g.exe);
	for (int i = 0; i < nargs; i++)
		v[n++] = strdup(args[i]);
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

int runs_spawn(char *const *argv, pid_t *pid, char *err, size_t errlen)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	sigset_t none, dfl;
	int p[2], rc;

	if (pipe2(p, O_CLOEXEC) < 0) {
		snprintf(err, errlen, "cannot create a pipe: %s", strerror(errno));
		return -1;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, p[1], STDOUT_FILENO);
	posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
	posix_spawnattr_init(&at);
	sigemptyset(&none);
	sigemptyset(&dfl);
	sigaddset(&dfl, SIGPIPE);
	sigaddset(&dfl, SIGTERM);
	sigaddset(&dfl, SIGINT);
	sigaddset(&dfl, SIGHUP);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK |
				 POSIX_SPAWN_SETSIGDEF);
	posix_spawnattr_setpgroup(&at, 0);
	posix_spawnattr_setsigmask(&at, &none);
	posix_spawnattr_setsigdefault(&at, &dfl);
	rc = posix_spawn(pid, "/proc/self/exe", &fa, &at, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	close(p[1]);
	if (rc != 0) {
		close(p[0]);
		snprintf(err, errlen, "cannot start the run process: %s", strerror(rc));
		return -1;
	}
	return p[0];
}

/* leader_exited: pid has exited; it stays a zombie, so its process group
   id cannot be reused until it is reaped */
static bool leader_exited(pid_t pid)
{
	siginfo_t si;

	memset(&si, 0, sizeof(si));
	return waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG | WNOWAIT) == 0 &&
	       si.si_pid == pid;
}

/* reap_orphans: reaps exited children (workers re-parented to the server,
   a child subreaper) except keep, the leader of the current run */
static void reap_orphans(pid_t keep)
{
	siginfo_t si;

	for (;;) {
		memset(&si, 0, sizeof(si));
		if (waitid(P_ALL, 0, &si, WEXITED | WNOHANG | WNOWAIT) < 0 ||
		    si.si_pid == 0 || si.si_pid == keep)
			return;
		waitpid(si.si_pid, NULL, 0);
	}
}

static bool stop_requested(struct run *r)
{
	bool stop;

	pthread_mutex_lock(&g.mu);
	stop = r->cancel || g.stopping;
	pthread_mutex_unlock(&g.mu);
	return stop;
}

struct relay {
	char *line;
	size_t n;
	bool skipping;             /* inside an over-long line */
	bool discard;              /* the server ends this run: drop the rest */
};

static void copy_status(struct run *r, cJSON *o)
{
	static const char *const ok[] = { "ok", "error", "cancelled", "timeout" };
	cJSON *s = cJSON_GetObjectItemCaseSensitive(o, "status");
	cJSON *e = cJSON_GetObjectItemCaseSensitive(o, "elapsed_s");

	snprintf(r->status, sizeof(r->status), "error");
	for (size_t i = 0; cJSON_IsString(s) && i < 4; i++)
		if (strcmp(s->valuestring, ok[i]) == 0)
			snprintf(r->status, sizeof(r->status), "%s", ok[i]);
	r->elapsed_s = cJSON_IsNumber(e) ? e->valuedouble : now_mono() - r->t_start;
}

/* relay_line: stores one line of the run process if it is a JSON object;
   heartbeats are per stream, and nothing may follow the end line */
static void relay_line(struct run *r, const char *line, size_t n)
{
	cJSON *o, *type;

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
	pthread_mutex_lock(&g.mu);
	if (!r->ended) {
		append_locked(r, line, n);
		if (strcmp(type->valuestring, "end") == 0) {
			copy_status(r, o);
			r->ended = true;
		}
	}
	pthread_mutex_unlock(&g.mu);
out:
	cJSON_Delete(o);
}

static void relay_feed(struct run *r, struct relay *rl, const char *p, size_t n)
{
	while (n > 0) {
		const char *nl = memchr(p, '\n', n);
		size_t k = nl ? (size_t)(nl - p) : n;

		if (!rl->skipping && !rl->discard) {
			if (rl->n + k > RUN_LINE_MAX) {
				fprintf(stderr, "ipcscope: run %s: dropped a line over %u bytes\n",
					r->id, RUN_LINE_MAX);
				rl->skipping = true;
				rl->n = 0;
			} else {
				memcpy(rl->line + rl->n, p, k);
				rl->n += k;
			}
		}
		if (!nl)
			return;
		if (!rl->skipping && !rl->discard)
			relay_line(r, rl->line, rl->n);
		rl->n = 0;
		rl->skipping = false;
		p = nl + 1;
		n -= k + 1;
	}
}

/* read_some: one read of the run's stdout into the relay; false at EOF */
static bool read_some(struct run *r, struct relay *rl, int fd)
{
	char tmp[65536];
	ssize_t n = read(fd, tmp, sizeof(tmp));

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return true;
	if (n <= 0)
		return false;
	relay_feed(r, rl, tmp, (size_t)n);
	return true;
}

static void drain_wake(void)
{
	char tmp[64];

	while (read(g.wake[0], tmp, sizeof(tmp)) > 0)
		;
}

/* relay_loop: relays the run's lines until it ends on its own, or returns
   why the server must end it */
static enum stop_reason relay_loop(struct run *r, struct relay *rl, int fd, pid_t pid)
{
	double deadline = r->t_start + g.cfg.max_run_seconds;
	double exited_at = 0;
	bool eof = false;

	for (;;) {
		struct pollfd pf[2] = { { eof ? -1 : fd, POLLIN, 0 }, { g.wake[0], POLLIN, 0 } };
		double left = deadline - now_mono();
		int ms = left > 1 ? 1000 : (int)(left * 1000) + 1;

		if (left <= 0)
			return STOP_TIMEOUT;
		/* the run is ending: its exit follows within milliseconds, and
		   the next run in the queue is waiting for it */
		if (eof || exited_at > 0)
			ms = ms > 2 ? 2 : ms;
		if (poll(pf, 2, ms) < 0 && errno != EINTR)
			return STOP_CANCEL;
		if (pf[1].revents)
			drain_wake();
		if (stop_requested(r))
			return STOP_CANCEL;
		if (pf[0].revents && !read_some(r, rl, fd))
			eof = true;
		if (r->len > RUN_OUTPUT_MAX)
			return STOP_OUTPUT;
		if (leader_exited(pid)) {
			/* a worker may still hold the pipe: give it a moment, no more */
			if (eof || (exited_at > 0 && now_mono() - exited_at > 0.5))
				return STOP_NONE;
			if (exited_at == 0)
				exited_at = now_mono();
		}
	}
}

/* stop_group: SIGTERM to the run's process group, a grace period in which
   the run removes its kernel objects, then SIGKILL to whatever is left */
static void stop_group(pid_t pid, int fd, struct relay *rl)
{
	double until = now_mono() + g.cfg.grace_ms / 1000.0;
	char tmp[4096];

	rl->discard = true;
	kill(-pid, SIGTERM);
	while (now_mono() < until && !leader_exited(pid)) {
		struct pollfd pf = { fd, POLLIN, 0 };

		if (poll(&pf, fd >= 0 ? 1 : 0, 20) > 0 && read(fd, tmp, sizeof(tmp)) <= 0)
			fd = -1;
	}
}

static void status_message(int st, char *msg, size_t n)
{
	if (WIFSIGNALED(st))
		snprintf(msg, n, "the run process was killed by signal %d (%s)",
			 WTERMSIG(st), strsignal(WTERMSIG(st)));
	else
		snprintf(msg, n, "the run process exited with status %d without an end line",
			 WEXITSTATUS(st));
}

/* finish: the server's ending for reason, after the group is gone */
static void finish(struct run *r, enum stop_reason why, int st)
{
	char msg[256];

	pthread_mutex_lock(&g.mu);
	switch (why) {
	case STOP_TIMEOUT:
		snprintf(msg, sizeof(msg), "the run passed its wall-time limit of %d s "
			 "(--max-run-seconds)", g.cfg.max_run_seconds);
		end_locked(r, "timeout", "timeout", msg);
		break;
	case STOP_CANCEL:
		end_locked(r, "cancelled", NULL, NULL);
		break;
	case STOP_OUTPUT:
		snprintf(msg, sizeof(msg), "the run printed more than %u bytes", RUN_OUTPUT_MAX);
		end_locked(r, "error", "output_limit", msg);
		break;
	case STOP_NONE:
		status_message(st, msg, sizeof(msg));
		end_locked(r, "error", "run_failed", msg);
		break;
	}
	pthread_mutex_unlock(&g.mu);
}

/* run_one: runs r from spawn to reaped, and stores its end */
static void run_one(struct run *r)
{
	struct relay rl = { 0 };
	enum stop_reason why;
	char err[256];
	pid_t pid;
	int fd, st = 0;

	pthread_mutex_lock(&g.mu);
	r->state = RUN_RUNNING;
	r->t_start = now_mono();
	pthread_mutex_unlock(&g.mu);
	if (stop_requested(r))
		return finish(r, STOP_CANCEL, 0);
	rl.line = malloc(RUN_LINE_MAX);
	fd = rl.line ? runs_spawn(r->argv, &pid, err, sizeof(err)) : -1;
	if (fd < 0) {
		pthread_mutex_lock(&g.mu);
		end_locked(r, "error", "spawn_failed", rl.line ? err : "out of memory");
		pthread_mutex_unlock(&g.mu);
		free(rl.line);
		return;
	}
	why = relay_loop(r, &rl, fd, pid);
	if (why != STOP_NONE)
		stop_group(pid, fd, &rl);
	kill(-pid, SIGKILL);       /* the leader is a zombie at worst: id still ours */
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	reap_orphans(0);
	close(fd);
	free(rl.line);
	finish(r, why, st);
}

/* next_locked: takes the head of the queue; everyone behind moves up */
static struct run *next_locked(void)
{
	struct run *r;

	if (g.nqueue == 0)
		return NULL;
	r = g.queue[0];
	memmove(g.queue, g.queue + 1, (size_t)(g.nqueue - 1) * sizeof(*g.queue));
	g.nqueue--;
	for (int i = 0; i < g.nqueue; i++)
		append_queued_locked(g.queue[i], i + 1);
	return r;
}

static void *runner_main(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&g.mu);
	for (;;) {
		struct run *r;

		while (!g.current && !g.stopping) {
			struct timespec ts;

			clock_gettime(CLOCK_MONOTONIC, &ts);
			ts.tv_sec += 1;
			pthread_cond_timedwait(&g.work, &g.mu, &ts);
			reap_orphans(0);
		}
		if (!g.current)
			break;
		r = g.current;
		r->refs++;
		pthread_mutex_unlock(&g.mu);
		run_one(r);
		persist(r);
		pthread_mutex_lock(&g.mu);
		evict_locked();
		g.current = next_locked();
		unref_locked(r);
	}
	pthread_mutex_unlock(&g.mu);
	return NULL;
}

/* ---- requests ----------------------------------------------------------- */

static struct run *run_new(const char *kind, const char *target, const char *request)
{
	struct run *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	snprintf(r->kind, sizeof(r->kind), "%s", kind);
	r->target = target ? strdup(target) : NULL;
	r->request = request ? strdup(request) : NULL;
	r->created_at = now_real();
	r->t_submit = now_mono();
	r->state = RUN_QUEUED;
	return r;
}

enum runs_submit_result runs_submit(const char *const *args, int nargs, const char *kind,
				    const char *target, const char *request,
				    struct run **out)
{
	struct run *r = run_new(kind, target, request);
	enum runs_submit_result res = RUNS_NOMEM;

	if (!r)
		return RUNS_NOMEM;
	pthread_mutex_lock(&g.mu);
	if (g.stopping) {
		res = RUNS_STOPPING;
		goto fail;
	}
	if (g.current && g.nqueue >= g.cfg.queue_max) {
		res = RUNS_QUEUE_FULL;
		goto fail;
	}
	r->num = g.next_num;
	snprintf(r->id, sizeof(r->id), "r%lu", r->num);
	r->argv = build_argv(args, nargs, r->id);
	if (!r->argv || track_locked(r) < 0)
		goto fail;
	g.next_num++;
	if (!g.current) {
		g.current = r;
		pthread_cond_signal(&g.work);
	} else {
		g.queue[g.nqueue++] = r;
		append_queued_locked(r, g.nqueue);
	}
	r->refs++;
	*out = r;
	pthread_mutex_unlock(&g.mu);
	return RUNS_OK;
fail:
	pthread_mutex_unlock(&g.mu);
	run_free(r);
	return res;
}

/* unqueue_locked: removes r from the queue; true if it was there */
static bool unqueue_locked(struct run *r)
{
	for (int i = 0; i < g.nqueue; i++) {
		if (g.queue[i] != r)
			continue;
		memmove(g.queue + i, g.queue + i + 1, (size_t)(g.nqueue - i - 1) * sizeof(*g.queue));
		g.nqueue--;
		for (int j = i; j < g.nqueue; j++)
			append_queued_locked(g.queue[j], j + 1);
		return true;
	}
	return false;
}

void runs_cancel(struct run *r)
{
	bool dequeued;

	pthread_mutex_lock(&g.mu);
	if (r->state == RUN_DONE || r->ended) {
		pthread_mutex_unlock(&g.mu);
		return;
	}
	r->cancel = true;
	dequeued = unqueue_locked(r);
	if (dequeued)
		end_locked(r, "cancelled", NULL, NULL);
	else if (write(g.wake[1], "c", 1) < 0) {
		/* the pipe is full: the runner is awake already */
	}
	pthread_mutex_unlock(&g.mu);
	if (!dequeued)
		return;
	persist(r);
	pthread_mutex_lock(&g.mu);
	evict_locked();
	pthread_mutex_unlock(&g.mu);
}

struct run *runs_get(const char *id)
{
	struct run *r = NULL;

	pthread_mutex_lock(&g.mu);
	for (int i = 0; i < g.nall; i++) {
		if (strcmp(g.all[i]->id, id) == 0) {
			r = g.all[i];
			r->refs++;
			break;
		}
	}
	pthread_mutex_unlock(&g.mu);
	return r;
}

ssize_t runs_read(struct run *r, size_t off, char *buf, size_t max, int wait_ms)
{
	struct timespec ts;
	ssize_t n = 0;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	ts.tv_sec += wait_ms / 1000;
	ts.tv_nsec += (long)(wait_ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&g.mu);
	while (off >= r->len && !r->ended)
		if (pthread_cond_timedwait(&g.data, &g.mu, &ts) == ETIMEDOUT)
			break;
	if (off < r->len) {
		n = (ssize_t)(r->len - off < max ? r->len - off : max);
		memcpy(buf, r->buf + off, (size_t)n);
	} else if (r->ended) {
		n = -1;
	}
	pthread_mutex_unlock(&g.mu);
	return n;
}

static const char *state_name(const struct run *r)
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

	pthread_mutex_lock(&g.mu);
	for (int i = g.nall - 1; i >= 0; i--) {
		struct run *r = g.all[i];
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
	pthread_mutex_unlock(&g.mu);
	s = cJSON_PrintUnformatted(a);
	cJSON_Delete(a);
	return s;
}

int runs_busy(void)
{
	int n;

	pthread_mutex_lock(&g.mu);
	n = (g.current ? 1 : 0) + g.nqueue;
	pthread_mutex_unlock(&g.mu);
	return n;
}

/* ---- history on disk ---------------------------------------------------- */

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rbe");
	char *buf = NULL;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) < 0 || (n = ftell(f)) < 0 || n > (long)RUN_OUTPUT_MAX * 2 ||
	    fseek(f, 0, SEEK_SET) < 0)
		goto out;
	buf = malloc((size_t)n + 1);
	if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	if (buf) {
		buf[n] = '\0';
		*len = (size_t)n;
	}
out:
	fclose(f);
	return buf;
}

/* loaded_status: status and elapsed time from the end line of a stored run */
static void loaded_status(struct run *r)
{
	const char *end = NULL;

	snprintf(r->status, sizeof(r->status), "unknown");
	for (const char *p = r->buf; p && p < r->buf + r->len;) {
		const char *nl = memchr(p, '\n', (size_t)(r->buf + r->len - p));
		if (strncmp(p, "{\"type\":\"end\"", 13) == 0)
			end = p;
		p = nl ? nl + 1 : r->buf + r->len;
	}
	if (end) {
		const char *nl = memchr(end, '\n', (size_t)(r->buf + r->len - end));
		cJSON *o = cJSON_ParseWithLength(end, nl ? (size_t)(nl - end) : strlen(end));

		if (o)
			copy_status(r, o);
		cJSON_Delete(o);
	}
}

static void loaded_meta(struct run *r)
{
	char path[4200];
	size_t len = 0;
	char *s;
	cJSON *o, *v;

	run_path(path, sizeof(path), r, ".json");
	s = slurp(path, &len);
	o = s ? cJSON_ParseWithLength(s, len) : NULL;
	free(s);
	snprintf(r->kind, sizeof(r->kind), "unknown");
	if (!o)
		return;
	if (cJSON_IsString(v = cJSON_GetObjectItemCaseSensitive(o, "kind")))
		snprintf(r->kind, sizeof(r->kind), "%s", v->valuestring);
	if (cJSON_IsString(v = cJSON_GetObjectItemCaseSensitive(o, "target")))
		r->target = strdup(v->valuestring);
	if (cJSON_IsString(v = cJSON_GetObjectItemCaseSensitive(o, "request")))
		r->request = strdup(v->valuestring);
	if (cJSON_IsNumber(v = cJSON_GetObjectItemCaseSensitive(o, "created_at")))
		r->created_at = v->valuedouble;
	cJSON_Delete(o);
}

static void load_one(unsigned long num)
{
	struct run *r = calloc(1, sizeof(*r));
	char path[4200];

	if (!r)
		return;
	r->num = num;
	snprintf(r->id, sizeof(r->id), "r%lu", num);
	run_path(path, sizeof(path), r, ".ndjson");
	r->buf = slurp(path, &r->len);
	if (!r->buf) {
		free(r);
		return;
	}
	r->cap = r->len + 1;
	r->state = RUN_DONE;
	r->ended = true;
	loaded_status(r);
	loaded_meta(r);
	if (track_locked(r) < 0)
		run_free(r);
}

static int cmp_ulong(const void *a, const void *b)
{
	unsigned long x = *(const unsigned long *)a, y = *(const unsigned long *)b;

	return x < y ? -1 : x > y;
}

/* scan_results: numbers of the stored runs, ascending; count or -1 */
static int scan_results(unsigned long **nums)
{
	DIR *d = opendir(g.cfg.results_dir);
	struct dirent *e;
	int n = 0, cap = 0;

	*nums = NULL;
	if (!d)
		return -1;
	while ((e = readdir(d))) {
		char *end;
		unsigned long v;

		if (e->d_name[0] != 'r' || e->d_name[1] < '0' || e->d_name[1] > '9')
			continue;
		v = strtoul(e->d_name + 1, &end, 10);
		if (strcmp(end, ".ndjson") != 0 || v == 0 || v > 999999999UL)
			continue;
		if (n == cap) {
			unsigned long *nn = realloc(*nums, (size_t)(cap = cap ? cap * 2 : 64) * sizeof(*nn));
			if (!nn)
				break;
			*nums = nn;
		}
		(*nums)[n++] = v;
	}
	closedir(d);
	if (n > 1)
		qsort(*nums, (size_t)n, sizeof(**nums), cmp_ulong);
	return n;
}

static int load_results(char *err, size_t errlen)
{
	unsigned long *nums;
	int n;

	if (mkdir(g.cfg.results_dir, 0755) < 0 && errno != EEXIST) {
		snprintf(err, errlen, "cannot create results dir '%s': %s", g.cfg.results_dir,
			 strerror(errno));
		return -1;
	}
	n = scan_results(&nums);
	if (n < 0) {
		snprintf(err, errlen, "cannot read results dir '%s': %s", g.cfg.results_dir,
			 strerror(errno));
		return -1;
	}
	pthread_mutex_lock(&g.mu);
	for (int i = n > RUNS_KEEP ? n - RUNS_KEEP : 0; i < n; i++)
		load_one(nums[i]);
	if (n > 0)
		g.next_num = nums[n - 1] + 1;
	pthread_mutex_unlock(&g.mu);
	free(nums);
	return 0;
}

/* ---- life cycle --------------------------------------------------------- */

static int init_sync(char *err, size_t errlen)
{
	pthread_condattr_t ca;

	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&g.data, &ca);
	pthread_cond_init(&g.work, &ca);
	pthread_condattr_destroy(&ca);
	if (pipe2(g.wake, O_CLOEXEC | O_NONBLOCK) < 0) {
		snprintf(err, errlen, "cannot create a pipe: %s", strerror(errno));
		return -1;
	}
	return 0;
}

int runs_init(const struct runs_config *cfg, char *err, size_t errlen)
{
	ssize_t n;
	int rc;

	g.cfg = *cfg;
	if (g.cfg.grace_ms <= 0)
		g.cfg.grace_ms = 400;
	g.queue = calloc((size_t)(cfg->queue_max > 0 ? cfg->queue_max : 1), sizeof(*g.queue));
	n = readlink("/proc/self/exe", g.exe, sizeof(g.exe) - 1);
	if (!g.queue || n <= 0) {
		snprintf(err, errlen, "cannot set up runs: %s", strerror(errno));
		return -1;
	}
	g.exe[n] = '\0';
	if (init_sync(err, errlen) < 0 || load_results(err, errlen) < 0)
		return -1;
	rc = pthread_create(&g.runner, NULL, runner_main, NULL);
	if (rc != 0) {
		snprintf(err, errlen, "cannot start the runner thread: %s", strerror(rc));
		return -1;
	}
	g.runner_started = true;
	return 0;
}

void runs_shutdown(void)
{
	struct run *gone[64];
	int ngone = 0;

	pthread_mutex_lock(&g.mu);
	g.stopping = true;
	while (g.nqueue > 0) {
		struct run *r = g.queue[--g.nqueue];

		end_locked(r, "cancelled", NULL, NULL);
		if (ngone < 64) {
			r->refs++;
			gone[ngone++] = r;
		}
	}
	if (g.current)
		g.current->cancel = true;
	pthread_cond_signal(&g.work);
	pthread_mutex_unlock(&g.mu);
	if (g.wake[1] >= 0 && write(g.wake[1], "s", 1) < 0) {
		/* full: the runner is awake already */
	}
	for (int i = 0; i < ngone; i++) {
		persist(gone[i]);
		runs_unref(gone[i]);
	}
	if (g.runner_started)
		pthread_join(g.runner, NULL);
	g.runner_started = false;
	reap_orphans(0);
}
