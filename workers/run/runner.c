/* runner.c -- the planner (a run is a list of jobs) and the runner over reps x jobs */
#include "run/runner.h"
#include "base/stop.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "out/compare.h"
#include "out/ndjson.h"
#include "run/peer.h"
#include "stats/robust.h"
#include "base/error.h"

#define REP_DEADLINE_S 120.0           /* a rep with a count: wall-time cap */
#define REP_DEADLINE_FACTOR 3.0        /* a rep with a duration: that many */
#define REP_DEADLINE_SLACK_S 30.0      /* times its duration, plus this */
#define PROBE_TIMEOUT_MS 200           /* m->timeout_ms of the granted probe */
#define RUN_JOBS_FIRST 4              /* room for jobs, doubled when full (a
					  job is 5 KiB: a bench names one) */

void run_install_signals(void)
{
	stop_hook_add(harness_stop);
	stop_install();
}

double run_now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct job *run_add_job(struct run *r, const struct mech_ops *ops, uint64_t size)
{
	struct job *j;

	if (r->njobs == r->maxjobs) {
		int max = r->maxjobs ? 2 * r->maxjobs : RUN_JOBS_FIRST;
		struct job *more = realloc(r->jobs, (size_t)max * sizeof(*more));

		if (!more)
			return NULL;
		memset(more + r->maxjobs, 0, (size_t)(max - r->maxjobs) * sizeof(*more));
		r->jobs = more;
		r->maxjobs = max;
	}
	j = &r->jobs[r->njobs++];
	j->ops = ops;
	j->p = r->p;
	j->p.size = size;
	return j;
}

/* amount_given: name is count or duration and the user chose either: how
   long a rep runs is one choice, so a default of the other yields to it */
static int amount_given(const struct bench_params *p, const char *name)
{
	if (strcmp(name, params_name(P_COUNT)) != 0 && strcmp(name, params_name(P_DURATION)) != 0)
		return 0;
	return params_given(p, params_name(P_COUNT)) || params_given(p, params_name(P_DURATION));
}

int run_apply_args(struct bench_params *p, const char *args, int override,
		   struct param_error *err)
{
	char buf[256], *save = NULL, *tok;

	snprintf(buf, sizeof(buf), "%s", args);
	for (tok = strtok_r(buf, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		char *eq = strchr(tok, '=');

		if (!eq)
			continue;
		*eq = '\0';
		if (!override && amount_given(p, tok))
			continue;
		if (params_given(p, tok)) {
			if (!override)
				continue;
			params_forget(p, tok);
		}
		if (params_set(p, tok, eq + 1, false, err) < 0)
			return -1;
	}
	return 0;
}

/* explicit_only: why a mechanism is left out of an implicit compare (it
   needs a daemon or a runtime started per rep, so it must be named), or
   NULL when it belongs to the classic local set */
static const char *explicit_only(const struct mech_ops *ops)
{
	if (ops->family == FAM_LIBRARY)
		return "a library mechanism (it starts a daemon or runtime, once a run or each rep): "
		       "name it to compare it";
	if (!strcmp(ops->name, "mpi"))
		return "needs the MPI runtime started per rep: name it to compare it";
	return NULL;
}

static void skip(cJSON *skipped, const char *name, const char *reason)
{
	cJSON *s = cJSON_CreateObject();

	cJSON_AddStringToObject(s, "mechanism", name);
	cJSON_AddStringToObject(s, "reason", reason);
	cJSON_AddItemToArray(skipped, s);
}

/* plan_all: an implicit compare of the classic local set: every mechanism
   that can carry the size, but for those that must be named */
static int plan_all(struct run *r, cJSON *skipped)
{
	for (int i = 0; mech_registry[i]; i++) {
		const struct mech_ops *ops = mech_registry[i];
		uint64_t size = params_effective_size(&r->p, ops);
		const char *why = explicit_only(ops);
		struct param_error e;

		if (why) {
			skip(skipped, ops->name, why);
			continue;
		}
		if (params_check_size(ops, size, params_name(P_SIZE), &e) < 0 ||
		    params_check_options(&r->p, ops, &e) < 0) {
			skip(skipped, ops->name, e.message);
			continue;
		}
		if (!run_add_job(r, ops, size))
			return -1;
	}
	return 0;
}

/* plan_named: the job of the i-th mechanism the params name; one named
   more than once (an A/A compare) is labelled by its place: pipe#1, pipe#2 */
static int plan_named(struct run *r, int i)
{
	const struct bench_params *p = &r->p;
	const struct mech_ops *ops = mech_find(p->mechs[i]);
	struct job *j = run_add_job(r, ops, params_effective_size(p, ops));
	int nth = 0, of = 0;

	if (!j)
		return -1;
	for (int k = 0; k < p->nmechs; k++) {
		if (strcmp(p->mechs[k], p->mechs[i]))
			continue;
		of++;
		nth += k <= i;
	}
	if (of > 1)
		snprintf(j->label, sizeof(j->label), "%s#%d", ops->name, nth);
	return 0;
}

int run_plan(struct run *r, cJSON *skipped, char *err, size_t errlen)
{
	struct bench_params *p = &r->p;
	int rc = 0;

	if (r->plan) {
		struct param_error e = { 0 };
		if ((rc = r->plan(r, &e)) < 0)
			error_set(err, errlen, "%s", e.message[0] ? e.message : "out of memory");
		r->total_reps = 0;
		for (int i = 0; i < r->njobs; i++)
			r->total_reps += (int)r->jobs[i].p.reps;
		return rc;
	}
	if (p->cmd == CMD_SWEEP) {
		for (int m = 0; m < p->nmechs && rc == 0; m++)
			for (int i = 0; i < p->nsizes && rc == 0; i++)
				rc = run_add_job(r, mech_find(p->mechs[m]), p->sizes[i]) ? 0 : -1;
	} else if (p->nmechs) {
		for (int i = 0; i < p->nmechs && rc == 0; i++)
			rc = plan_named(r, i);
	} else {
		rc = plan_all(r, skipped);
	}
	if (rc < 0)
		error_set(err, errlen, "out of memory");
	r->total_reps = r->njobs * (int)p->reps;
	return rc;
}

cJSON *run_probe_granted(const struct run *r)
{
	cJSON *all = cJSON_CreateObject();
	char tag[64];

	snprintf(tag, sizeof(tag), "ipcscope-%d-probe", (int)getpid());
	for (int i = 0; i < r->njobs; i++) {
		struct mech m = { 0 };
		cJSON *g;

		/* a mechanism that runs its reps itself reports with each rep */
		if (cJSON_GetObjectItemCaseSensitive(all, r->jobs[i].ops->name) ||
		    r->jobs[i].ops->run_rep)
			continue;
		m.ops = r->jobs[i].ops;
		m.msg_size = r->jobs[i].p.size;
		m.mode = r->jobs[i].p.mode;
		params_mech_options(&r->jobs[i].p, m.ops, m.opt);
		m.timeout_ms = PROBE_TIMEOUT_MS;
		m.tmpdir = r->tmpdir;
		m.tag = tag;
		m.rep_ok = 1;   /* no rep ran: a helper kept for the reps stays fit */
		g = cJSON_AddObjectToObject(all, m.ops->name);
		if (m.ops->create(&m) == 0)
			for (int k = 0; k < m.ngranted; k++)
				cJSON_AddNumberToObject(g, m.granted[k].key,
							(double)m.granted[k].value);
		m.ops->destroy(&m);
	}
	return all;
}

static void on_progress(void *ctx, double rep_done)
{
	ndjson_progress(ctx, rep_done);
}

/* pause_if_due: with gap=S, before the first rep (the page lays out its
   charts on the start line) and then between two reps at most once every
   PARAMS_GAP_EVERY_S, says "pause" and sleeps S seconds, so that a page
   drawing the figures so far does not draw during a rep */
static void pause_if_due(struct run *r)
{
	struct timespec ts;
	double now = run_now_s();

	if (r->p.gap <= 0)
		return;
	if (r->done_reps > 0 && now - r->last_pause < PARAMS_GAP_EVERY_S)
		return;
	ndjson_pause(r, r->p.gap);
	ts.tv_sec = (time_t)r->p.gap;
	ts.tv_nsec = (long)((r->p.gap - (double)ts.tv_sec) * 1e9);
	nanosleep(&ts, NULL);             /* a stop signal cuts it short */
	r->last_pause = run_now_s();
}

/* run_rep: the next rep of job j, in the run's round round (1-based), its
   result line written */
static enum run_status run_rep(struct run *r, struct job *j, int round)
{
	int rep = j->nres + 1;
	struct rep_spec spec = {
		.ops = j->ops, .params = &j->p, .rep = rep,
		.tmpdir = r->tmpdir, .progress = on_progress, .progress_ctx = r,
		.deadline_s = j->p.count ? REP_DEADLINE_S :
			      j->p.duration * REP_DEADLINE_FACTOR + REP_DEADLINE_SLACK_S,
		.link = r->link,
	};
	char err[RUN_ERR_MAX];
	const char *code;

	if (!j->res && !(j->res = calloc(j->p.reps, sizeof(*j->res)))) {
		ndjson_error(r, "setup_failed", "out of memory", j, rep);
		return RUN_FAILED;
	}
	pause_if_due(r);
	r->cur = j;
	r->cur_rep = rep;
	ndjson_progress(r, 0);
	if (harness_run_rep(&spec, &j->res[j->nres], err, sizeof(err), &code) < 0) {
		ndjson_error(r, code, err, j, rep);
		return error_kind_find(code) == ERR_CANCELLED ? RUN_CANCELLED : RUN_FAILED;
	}
	j->res[j->nres].rep = rep;
	j->res[j->nres].round = round;
	ndjson_result(r, j, &j->res[j->nres]);
	j->nres++;
	r->done_reps++;
	return RUN_OK;
}

/* job_wants_more: the stopping rule over the job's figures so far: with a
   ci target, more reps while its median is not yet within it or a
   comparison it is in has no settled verdict, up to its reps */
static bool job_wants_more(const struct run *r, const struct job *j)
{
	double x[PARAMS_REPS_MAX];

	if (j->failed)
		return false;
	metric_values(j, metric_of_run(r), x);
	if (robust_want_more(x, j->nres, (int)j->p.reps, j->p.ci))
		return true;
	return j->p.ci > 0 && j->nres < (int)j->p.reps && !compare_settled(r, j);
}

/* judge: the trust of job j's reps, for its summary */
static void judge(const struct run *r, struct job *j)
{
	enum metric m = metric_of_run(r);
	double x[PARAMS_REPS_MAX];
	int reps[PARAMS_REPS_MAX];
	struct interference in[PARAMS_REPS_MAX];

	metric_values(j, m, x);
	for (int i = 0; i < j->nres; i++) {
		reps[i] = j->res[i].rep;
		in[i] = j->res[i].interference;
	}
	trust_judge(&j->trust, x, reps, in, j->nres, metric_higher_is_better(m), j->p.ci,
		    metric_unit(m));
}

enum run_status run_rounds(struct run *r)
{
	enum run_status st = RUN_OK;
	bool more = true;

	/* each round starts one job further on, so over the rounds every job
	   runs in every place of the order: whatever the place costs (the
	   first after a pause, the one after the heaviest) falls on each
	   job alike instead of on one side of every pair */
	for (int round = 0; more; round++) {
		more = false;
		for (int k = 0; k < r->njobs; k++) {
			int i = (k + round) % r->njobs;
			struct job *j = &r->jobs[i];
			enum run_status js;

			if (!job_wants_more(r, j))
				continue;
			more = true;
			if ((js = run_rep(r, j, round + 1)) == RUN_CANCELLED)
				return RUN_CANCELLED;
			if (js == RUN_FAILED) {
				j->failed = 1;
				st = RUN_FAILED;
				if (r->p.cmd == CMD_BENCH)
					return st;
			}
		}
	}
	for (int i = 0; i < r->njobs; i++)
		if (!r->jobs[i].failed && r->jobs[i].nres) {
			judge(r, &r->jobs[i]);
			ndjson_summary(r, &r->jobs[i]);
		}
	return st;
}

void run_finish(struct run *r)
{
	for (int i = 0; r->jobs && i < r->njobs; i++) {
		if (r->jobs[i].ops && r->jobs[i].ops->finish)
			r->jobs[i].ops->finish();
		free(r->jobs[i].res);
	}
	free(r->jobs);
	r->jobs = NULL;
	if (r->link)
		peer_drive_close(r->link);
	free(r->link);
	r->link = NULL;
	cJSON_Delete(r->peer_info);
	r->peer_info = NULL;
	if (r->tmpdir[0])
		cleanup_tmpdir_remove(r->tmpdir);
	report_close(&r->out);
}
