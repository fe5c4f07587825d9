/* cli.c -- bench, compare, sweep, list and sysinfo from the command line */
#include "cli.h"

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "params.h"
#include "../workers/cleanup.h"
#include "../workers/demos/demo.h"
#include "../workers/harness.h"
#include "../workers/peer.h"
#include "../workers/report.h"
#include "../workers/sysinfo.h"
#include "../workers/trust.h"

#define REP_DEADLINE_S 120.0

/* One mechanism at one size with its params: reps of it make a job. */
struct job {
	const struct mech_ops *ops;
	uint64_t size;
	struct bench_params p;
	char label[64];            /* demos: what the class sees; else "" */
	struct rep_result *res;
	int nres;
	int failed;
	struct trust trust;        /* of its reps, once they are all in */
};

struct run {
	struct bench_params p;
	struct report out;
	const char *id;
	struct job *jobs;
	int njobs;
	double t0;
	int done_reps, total_reps;
	const struct job *cur;
	int cur_rep;
	const struct demo *demo;
	char tmpdir[512];
	struct peer_link *link;    /* peer=: the control connection, else NULL */
	cJSON *peer_info;          /* both hosts and the path, for the start line */
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void on_signal(int sig)
{
	(void)sig;
	harness_stop();
}

static void install_signals(void)
{
	struct sigaction sa = { .sa_handler = on_signal };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

static const char *cmd_name(enum params_cmd c)
{
	return c == CMD_COMPARE ? "compare" : c == CMD_SWEEP ? "sweep" :
	       c == CMD_DEMO ? "demo" : "bench";
}

/* --- usage ------------------------------------------------------------ */

/* usage_options: one line per mechanism option of the registry */
static void usage_options(FILE *f)
{
	for (int i = 0; mech_registry[i]; i++) {
		const struct mech_ops *ops = mech_registry[i];

		for (int k = 0; k < mech_option_count(ops); k++) {
			const struct mech_option *o = &ops->options[k];
			char flag[96] = "";
			int first = 1;

			for (int j = 0; j < i; j++)
				first &= mech_option_index(mech_registry[j], o->name) < 0;
			if (!first)
				continue;
			snprintf(flag, sizeof(flag), "--%s ", o->name);
			for (int v = 0; o->values[v]; v++)
				snprintf(flag + strlen(flag), sizeof(flag) - strlen(flag), "%s%s",
					 v ? "|" : "", o->values[v]);
			fprintf(f, "  %-28s%s only: %s (%s)\n", flag, ops->name, o->help,
				o->values[0]);
		}
	}
}

static void usage(FILE *f, enum params_cmd cmd)
{
	const char *synopsis =
		cmd == CMD_COMPARE ? "compare [MECH,...] [params]   (default: every mechanism)" :
		cmd == CMD_SWEEP ? "sweep MECH[,MECH...] --sizes 64,4K,64K,1M [params]" :
		"bench MECHANISM [params]";

	fprintf(f,
		"usage: ipcscope %s\n\n"
		"params (also accepted as --name=value):\n"
		"  --mode throughput|latency  one-way stream, or ping-pong timing every round trip (throughput)\n"
		"  --size N[K|M]              bytes per message, 1..64M (64, or the mechanism's fixed size)\n"
		"  --count N                  messages (latency: round trips) per rep, 1..1000000000\n"
		"  --duration S               seconds per rep instead of count, 0.01..60 (%.2f when no count)\n"
		"  --warmup N                 messages sent before timing (1%% of count, >= 100; 1000 with duration)\n"
		"  --reps N                   repetitions, 1..100 (5; compare and demos: at most 7)\n"
		"  --ci P                     add reps, up to --reps, until the median's 95%% interval\n"
		"                             is within +-P %%; 0 off (compare and demos: 5, 0.1 s reps)\n"
		"  --pin split|same|none|A,B  where sender and receiver run (split: two cores)\n"
		"  --verify 0|1               check sequence numbers and payload bytes (1)\n"
		"  --format text|json|ndjson|csv  output (text)\n"
		"%s",
		synopsis, PARAMS_DEFAULT_DURATION,
		cmd == CMD_COMPARE ? "  --mechanisms A,B,...       same as the positional list\n"
				     "  --baseline MECH            compare against MECH instead of the best\n" :
		cmd == CMD_SWEEP ? "  --sizes LIST               message sizes, comma-separated\n" : "");
	usage_options(f);
	fprintf(f, "\nexit status: 0 ok, 1 the run failed, 2 usage error\n");
}

/* parse_args: --name value / --name=value into p; positional is the
   mechanism (bench, sweep) or the list (compare); 0, 1 for --help, -1 */
static int parse_args(struct bench_params *p, int argc, char **argv,
		      struct param_error *err)
{
	int positional = 0;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *val;
		char name[40];

		if (!strcmp(a, "--help") || !strcmp(a, "-h"))
			return 1;
		if (strncmp(a, "--", 2) != 0) {
			if (positional++) {
				snprintf(err->code, sizeof(err->code), "bad_param");
				snprintf(err->param, sizeof(err->param), "mechanism");
				snprintf(err->message, sizeof(err->message),
					 "unexpected argument '%.64s'", a);
				return -1;
			}
			if (p->cmd == CMD_COMPARE) {
				if (params_set(p, "mechanisms", a, false, err) < 0)
					return -1;
				continue;
			}
			if (p->cmd == CMD_SWEEP && strchr(a, ',')) {
				if (params_set_targets(p, a, err) < 0)
					return -1;
				continue;
			}
			if (!mech_find(a)) {
				snprintf(err->code, sizeof(err->code), "unknown_mechanism");
				snprintf(err->param, sizeof(err->param), "mechanism");
				snprintf(err->message, sizeof(err->message),
					 "unknown mechanism '%.64s' (see 'ipcscope list')", a);
				return -1;
			}
			snprintf(p->mechs[0], sizeof(p->mechs[0]), "%s", a);
			p->nmechs = 1;
			continue;
		}
		a += 2;
		if ((val = strchr(a, '='))) {
			snprintf(name, sizeof(name), "%.*s", (int)(val - a), a);
			val++;
		} else {
			snprintf(name, sizeof(name), "%s", a);
			val = i + 1 < argc ? argv[++i] : "";
		}
		if (params_set(p, name, val, false, err) < 0)
			return -1;
	}
	if (p->cmd != CMD_COMPARE && p->cmd != CMD_DEMO && p->nmechs == 0) {
		snprintf(err->code, sizeof(err->code), "bad_param");
		snprintf(err->param, sizeof(err->param), "mechanism");
		snprintf(err->message, sizeof(err->message),
			 "which mechanism? (see 'ipcscope list')");
		return -1;
	}
	return params_finish(p, err);
}

/* prescan_format: takes --format before the other params, so an error in
   an earlier param is already reported in the format asked for */
static void prescan_format(struct bench_params *p, int argc, char **argv)
{
	struct bench_params tmp;
	struct param_error e;

	for (int i = 1; i < argc; i++) {
		const char *v = !strncmp(argv[i], "--format=", 9) ? argv[i] + 9 :
				!strcmp(argv[i], "--format") && i + 1 < argc ? argv[i + 1] : NULL;

		params_init(&tmp, p->cmd);
		if (v && params_set(&tmp, "format", v, false, &e) == 0)
			p->format = tmp.format;
	}
}

/* --- jobs -------------------------------------------------------------- */

static struct job *add_job(struct run *r, const struct mech_ops *ops, uint64_t size)
{
	struct job *j = &r->jobs[r->njobs++];

	j->ops = ops;
	j->size = size;
	j->p = r->p;
	j->res = calloc(r->p.reps, sizeof(*j->res));
	return j->res ? j : NULL;
}

/* apply_args: sets each "name=value" of args on p; with override, a value
   the user gave is replaced, else it is kept; 0 or -1 with *err */
static int apply_args(struct bench_params *p, const char *args, int override,
		      struct param_error *err)
{
	char buf[256], *save = NULL, *tok;

	snprintf(buf, sizeof(buf), "%s", args);
	for (tok = strtok_r(buf, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		char *eq = strchr(tok, '=');

		if (!eq)
			continue;
		*eq = '\0';
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

/* plan_demo: one job per demo entry, each its own params */
static int plan_demo(struct run *r, struct param_error *err)
{
	for (int i = 0; i < r->demo->njobs; i++) {
		const struct demo_job *dj = &r->demo->jobs[i];
		const struct mech_ops *ops = mech_find(dj->mech);
		struct job *j;

		if (!ops || !(j = add_job(r, ops, 0)))
			return -1;
		snprintf(j->label, sizeof(j->label), "%s", dj->label);
		j->p.cmd = CMD_BENCH;
		j->p.nmechs = 1;
		snprintf(j->p.mechs[0], sizeof(j->p.mechs[0]), "%s", dj->mech);
		if (apply_args(&j->p, dj->args, 1, err) < 0 || params_finish(&j->p, err) < 0)
			return -1;
		j->size = params_effective_size(&j->p, ops);
	}
	return 0;
}

/* plan: the jobs of the run; mechanisms that cannot carry the size are
   left out of an implicit "every mechanism" compare and listed in skipped */
static int plan(struct run *r, cJSON *skipped)
{
	struct bench_params *p = &r->p;
	int max = r->demo ? DEMO_MAX_JOBS : p->cmd == CMD_SWEEP ? p->nsizes * p->nmechs : PARAMS_MAX_MECHS;

	r->jobs = calloc((size_t)max + 1, sizeof(*r->jobs));
	if (!r->jobs)
		return -1;
	if (r->demo) {
		struct param_error e;
		if (plan_demo(r, &e) < 0)
			return -1;
	} else if (p->cmd == CMD_SWEEP) {
		for (int m = 0; m < p->nmechs; m++)
			for (int i = 0; i < p->nsizes; i++)
				if (!add_job(r, mech_find(p->mechs[m]), p->sizes[i]))
					return -1;
	} else if (p->nmechs) {
		for (int i = 0; i < p->nmechs; i++) {
			const struct mech_ops *ops = mech_find(p->mechs[i]);
			if (!add_job(r, ops, params_effective_size(p, ops)))
				return -1;
		}
	} else {
		for (int i = 0; mech_registry[i] && r->njobs < max; i++) {
			const struct mech_ops *ops = mech_registry[i];
			uint64_t size = params_effective_size(p, ops);
			struct param_error e;

			if (params_check_size(ops, size, "size", &e) < 0) {
				cJSON *s = cJSON_CreateObject();
				cJSON_AddStringToObject(s, "mechanism", ops->name);
				cJSON_AddStringToObject(s, "reason", e.message);
				cJSON_AddItemToArray(skipped, s);
				continue;
			}
			if (!add_job(r, ops, size))
				return -1;
		}
	}
	r->total_reps = r->njobs * (int)p->reps;
	return 0;
}

/* probe_granted: what the kernel gives each mechanism, by a create and
   destroy outside any timing */
static cJSON *probe_granted(struct run *r)
{
	cJSON *all = cJSON_CreateObject();
	char tag[64];

	snprintf(tag, sizeof(tag), "ipcscope-%d-probe", (int)getpid());
	for (int i = 0; i < r->njobs; i++) {
		struct mech m = { 0 };
		cJSON *g;

		if (cJSON_GetObjectItemCaseSensitive(all, r->jobs[i].ops->name))
			continue;
		m.ops = r->jobs[i].ops;
		m.msg_size = r->jobs[i].size;
		m.mode = r->jobs[i].p.mode;
		params_mech_options(&r->jobs[i].p, m.ops, m.opt);
		m.timeout_ms = 200;
		m.tmpdir = r->tmpdir;
		m.tag = tag;
		g = cJSON_AddObjectToObject(all, m.ops->name);
		if (m.ops->create(&m) == 0)
			for (int k = 0; k < m.ngranted; k++)
				cJSON_AddNumberToObject(g, m.granted[k].key,
							(double)m.granted[k].value);
		m.ops->destroy(&m);
	}
	return all;
}

/* rule_text: how many reps a job gets and in which order, in words */
static const char *rule_text(const struct bench_params *p, char *buf, size_t len)
{
	if (p->ci > 0)
		snprintf(buf, len, "reps until the median's 95%% interval is within "
			 "±%g%%, at most %u; rep 1 of every job, then rep 2, ...",
			 p->ci, p->reps);
	else
		snprintf(buf, len, "%u reps; rep 1 of every job, then rep 2, ...", p->reps);
	return buf;
}

static void emit_start(struct run *r, cJSON *skipped)
{
	cJSON *l = report_line("start", r->id), *a;
	char what[160];

	if (r->demo) {
		snprintf(what, sizeof(what), "demo %s", r->demo->name);
		cJSON_AddStringToObject(l, "demo", r->demo->name);
		cJSON_AddStringToObject(l, "title", r->demo->title);
		cJSON_AddStringToObject(l, "claim", r->demo->claim);
		cJSON_AddStringToObject(l, "method", r->demo->method);
		a = cJSON_AddArrayToObject(l, "jobs");
		for (int i = 0; i < r->njobs; i++) {
			cJSON *jo = cJSON_CreateObject();
			cJSON_AddStringToObject(jo, "label", r->jobs[i].label);
			cJSON_AddStringToObject(jo, "mechanism", r->jobs[i].ops->name);
			cJSON_AddItemToObject(jo, "params", report_params_json(&r->jobs[i].p));
			cJSON_AddItemToArray(a, jo);
		}
	} else if (r->p.cmd == CMD_COMPARE) {
		snprintf(what, sizeof(what), "compare");
		a = cJSON_AddArrayToObject(l, "mechanisms");
		for (int i = 0; i < r->njobs; i++)
			cJSON_AddItemToArray(a, cJSON_CreateString(r->jobs[i].ops->name));
	} else if (r->p.nmechs > 1) {          /* a sweep of several mechanisms */
		snprintf(what, sizeof(what), "%s", cmd_name(r->p.cmd));
		a = cJSON_AddArrayToObject(l, "mechanisms");
		for (int i = 0; i < r->p.nmechs; i++) {
			cJSON_AddItemToArray(a, cJSON_CreateString(r->p.mechs[i]));
			snprintf(what + strlen(what), sizeof(what) - strlen(what), "%s%s",
				 i ? "," : " ", r->p.mechs[i]);
		}
	} else {
		snprintf(what, sizeof(what), "%s %s", cmd_name(r->p.cmd), r->p.mechs[0]);
		cJSON_AddStringToObject(l, "mechanism", r->p.mechs[0]);
	}
	cJSON_AddStringToObject(l, "what", what);
	cJSON_AddStringToObject(l, "command", cmd_name(r->p.cmd));
	cJSON_AddItemToObject(l, "params", report_params_json(&r->p));
	cJSON_AddStringToObject(l, "rule", rule_text(&r->p, what, sizeof(what)));
	cJSON_AddItemToObject(l, "system", sysinfo_json());
	/* against a peer, what the kernel gave comes with each rep's result */
	cJSON_AddItemToObject(l, "granted", r->link ? cJSON_CreateObject() : probe_granted(r));
	if (r->peer_info) {
		cJSON_AddItemToObject(l, "peer", r->peer_info);
		r->peer_info = NULL;
	}
	if (cJSON_GetArraySize(skipped))
		cJSON_AddItemToObject(l, "skipped", skipped);
	else
		cJSON_Delete(skipped);
	report_emit(&r->out, l);
}

static void emit_progress(void *ctx, double rep_done)
{
	struct run *r = ctx;
	cJSON *l = report_line("progress", r->id);

	cJSON_AddStringToObject(l, "mechanism", r->cur->ops->name);
	if (r->cur->label[0])
		cJSON_AddStringToObject(l, "label", r->cur->label);
	cJSON_AddNumberToObject(l, "size", (double)r->cur->size);
	cJSON_AddNumberToObject(l, "rep", r->cur_rep);
	cJSON_AddNumberToObject(l, "reps", r->p.reps);
	cJSON_AddNumberToObject(l, "rep_done", rep_done);
	cJSON_AddNumberToObject(l, "done", (r->done_reps + rep_done) / r->total_reps);
	report_emit(&r->out, l);
}

static void emit_error(struct run *r, const char *code, const char *msg, const struct job *j,
		       int rep)
{
	cJSON *l = report_line("error", r->id);

	cJSON_AddStringToObject(l, "code", code);
	cJSON_AddStringToObject(l, "message", msg);
	if (j) {
		cJSON_AddStringToObject(l, "mechanism", j->ops->name);
		if (j->label[0])
			cJSON_AddStringToObject(l, "label", j->label);
		cJSON_AddNumberToObject(l, "size", (double)j->size);
	}
	if (rep)
		cJSON_AddNumberToObject(l, "rep", rep);
	report_emit(&r->out, l);
}

static void emit_end(struct run *r, const char *status)
{
	cJSON *l = report_line("end", r->id);

	cJSON_AddStringToObject(l, "status", status);
	cJSON_AddNumberToObject(l, "elapsed_s", now_s() - r->t0);
	report_emit(&r->out, l);
}

/* labelled: line with the job's label added when it has one */
static cJSON *labelled(cJSON *line, const struct job *j)
{
	if (j->label[0])
		cJSON_AddStringToObject(line, "label", j->label);
	return line;
}

/* run_rep: the next rep of job j; 0, -1 failed, -2 cancelled */
static int run_rep(struct run *r, struct job *j)
{
	int rep = j->nres + 1;
	struct rep_spec spec = {
		.ops = j->ops, .params = &j->p, .size = j->size, .rep = rep,
		.tmpdir = r->tmpdir, .progress = emit_progress, .progress_ctx = r,
		.deadline_s = j->p.count ? REP_DEADLINE_S : j->p.duration * 3 + 30,
		.link = r->link,
	};
	char err[256];
	const char *code;

	r->cur = j;
	r->cur_rep = rep;
	emit_progress(r, 0);
	if (harness_run_rep(&spec, &j->res[j->nres], err, sizeof(err), &code) < 0) {
		emit_error(r, code, err, j, rep);
		return strcmp(code, "cancelled") == 0 ? -2 : -1;
	}
	j->res[j->nres].rep = rep;
	report_emit(&r->out, labelled(report_result_json(r->id, j->ops->name,
			(int)j->p.reps, &j->res[j->nres]), j));
	j->nres++;
	r->done_reps++;
	return 0;
}

/* --- comparison ----------------------------------------------------------- */

/* metric_of: the figure a run is compared by */
static const char *metric_of(const struct run *r)
{
	if (r->demo)
		return r->demo->metric;
	if (r->p.cmd == CMD_SWEEP)
		return "bytes_per_s";
	return r->p.mode == MODE_LATENCY ? "latency_p50_ns" : "msgs_per_s";
}

static double figure(const struct rep_result *res, const char *metric)
{
	if (!strcmp(metric, "bytes_per_s"))
		return res->bytes_per_s;
	if (!strcmp(metric, "elapsed_s"))
		return res->elapsed_s;
	if (!strcmp(metric, "latency_p50_ns"))
		return res->lat.p50;
	return res->msgs_per_s;
}

static void job_spread(const struct job *j, const char *metric, struct spread *s)
{
	double x[PARAMS_REPS_MAX];

	for (int i = 0; i < j->nres; i++)
		x[i] = figure(&j->res[i], metric);
	stats_spread(x, j->nres, s);
}

static bool higher_is_better(const char *metric)
{
	return strcmp(metric, "latency_p50_ns") != 0 && strcmp(metric, "elapsed_s") != 0;
}

static const char *unit_of(const char *metric)
{
	if (!strcmp(metric, "latency_p50_ns"))
		return "ns";
	if (!strcmp(metric, "elapsed_s"))
		return "s";
	return !strcmp(metric, "bytes_per_s") ? "B/s" : "msgs/s";
}

/* job_wants_more: the stopping rule over the job's figures so far */
static bool job_wants_more(const struct run *r, const struct job *j)
{
	double x[PARAMS_REPS_MAX];

	if (j->failed)
		return false;
	for (int i = 0; i < j->nres; i++)
		x[i] = figure(&j->res[i], metric_of(r));
	return robust_want_more(x, j->nres, (int)j->p.reps, j->p.ci);
}

/* emit_summary: the job's summary line with the judgement of its reps */
static void emit_summary(struct run *r, struct job *j)
{
	double x[PARAMS_REPS_MAX];
	int reps[PARAMS_REPS_MAX];
	struct interference in[PARAMS_REPS_MAX];
	const char *metric = metric_of(r);
	cJSON *l;

	for (int i = 0; i < j->nres; i++) {
		x[i] = figure(&j->res[i], metric);
		reps[i] = j->res[i].rep;
		in[i] = j->res[i].interference;
	}
	trust_judge(&j->trust, x, reps, in, j->nres, higher_is_better(metric), j->p.ci,
		    unit_of(metric));
	l = report_summary_json(r->id, j->ops->name, j->res, j->nres);
	trust_summary_json(&j->trust, l);
	report_emit(&r->out, labelled(l, j));
}

/*
 * run_rounds: rep 1 of every job, then rep 2 of every job, and so on, so
 * that a machine drifting under the run hits every job alike; a job stops
 * at its ci target or its maximum. Returns "ok", "error" or "cancelled".
 */
static const char *run_rounds(struct run *r)
{
	const char *status = "ok";
	bool more = true;

	while (more) {
		more = false;
		for (int i = 0; i < r->njobs; i++) {
			struct job *j = &r->jobs[i];
			int jr;

			if (!job_wants_more(r, j))
				continue;
			more = true;
			if ((jr = run_rep(r, j)) == -2)
				return "cancelled";
			if (jr < 0) {
				j->failed = 1;
				status = "error";
				if (r->p.cmd == CMD_BENCH)
					return status;
			}
		}
	}
	for (int i = 0; i < r->njobs; i++)
		if (!r->jobs[i].failed && r->jobs[i].nres)
			emit_summary(r, &r->jobs[i]);
	return status;
}

static const char *job_name(const struct job *j)
{
	return j->label[0] ? j->label : j->ops->name;
}

/* unreliable_why: why a comparison of a against b cannot be trusted here
   (either side's judgement, named), or NULL */
static const char *unreliable_why(const struct job *a, const struct job *b,
				  char *buf, size_t len)
{
	const struct job *bad = a->trust.why[0] ? a : b->trust.why[0] ? b : NULL;

	if (!bad)
		return NULL;
	snprintf(buf, len, "%s: %s", job_name(bad), bad->trust.why);
	return buf;
}

static void emit_comparison(struct run *r)
{
	const char *metric = metric_of(r);
	int higher = !!strcmp(metric, "latency_p50_ns") && !!strcmp(metric, "elapsed_s");
	int base = -1, n = 0;
	struct spread s[PARAMS_MAX_MECHS > PARAMS_MAX_SIZES ? PARAMS_MAX_MECHS : PARAMS_MAX_SIZES];
	cJSON *l, *rows;

	/* a sweep of several mechanisms has no one baseline to rank its
	   mechanism-and-size jobs against: its chart is the comparison */
	if (r->p.cmd == CMD_SWEEP && r->p.nmechs > 1)
		return;

	for (int i = 0; i < r->njobs; i++) {
		if (!r->jobs[i].nres)
			continue;
		n++;
		job_spread(&r->jobs[i], metric, &s[i]);
		if (r->p.baseline[0] ? !strcmp(r->jobs[i].ops->name, r->p.baseline) :
		    (base < 0 || (higher ? s[i].median > s[base].median : s[i].median < s[base].median)))
			base = i;
	}
	if (n < 2 || base < 0)
		return;
	l = report_line("comparison", r->id);
	cJSON_AddStringToObject(l, "baseline", r->jobs[base].ops->name);
	cJSON_AddNumberToObject(l, "baseline_size", (double)r->jobs[base].size);
	if (r->jobs[base].label[0])
		cJSON_AddStringToObject(l, "baseline_label", r->jobs[base].label);
	cJSON_AddStringToObject(l, "metric", metric);
	cJSON_AddBoolToObject(l, "higher_is_better", higher);
	rows = cJSON_AddArrayToObject(l, "rows");
	for (int i = 0; i < r->njobs; i++) {
		double ratio, lo, hi;
		int sig;
		cJSON *row;
		char whybuf[2 * TRUST_NOTE_LEN];
		const char *why;

		if (!r->jobs[i].nres)
			continue;
		stats_ratio_ci(&s[i], &s[base], &ratio, &lo, &hi, &sig);
		why = unreliable_why(&r->jobs[i], &r->jobs[base], whybuf, sizeof(whybuf));
		sig = sig && !why;
		row = labelled(cJSON_CreateObject(), &r->jobs[i]);
		cJSON_AddStringToObject(row, "mechanism", r->jobs[i].ops->name);
		cJSON_AddNumberToObject(row, "size", (double)r->jobs[i].size);
		cJSON_AddNumberToObject(row, "median", s[i].median);
		cJSON_AddNumberToObject(row, "rel_spread", s[i].rel_spread);
		cJSON_AddNumberToObject(row, "ratio", ratio);
		if (isfinite(lo) && isfinite(hi)) {
			cJSON_AddNumberToObject(row, "ci_low", lo);
			cJSON_AddNumberToObject(row, "ci_high", hi);
		} else {
			cJSON_AddNullToObject(row, "ci_low");
			cJSON_AddNullToObject(row, "ci_high");
		}
		cJSON_AddBoolToObject(row, "significant", sig);
		if (why)
			cJSON_AddStringToObject(row, "unreliable", why);
		else
			cJSON_AddNullToObject(row, "unreliable");
		cJSON_AddItemToArray(rows, row);
	}
	report_emit(&r->out, l);
}

/* lesson_caveat: a lesson resting on a job whose figures do not hold says
   so first ("unreliable here: ... ; what the figures say: ..."), and the
   lesson line carries the reason as "unreliable" */
static void lesson_caveat(const struct run *r, char *text, size_t len, cJSON *l)
{
	char why[2 * TRUST_NOTE_LEN] = "", *orig;

	for (int i = 0; i < r->njobs && !why[0]; i++)
		if (r->jobs[i].nres && r->jobs[i].trust.why[0])
			snprintf(why, sizeof(why), "%s: %s", job_name(&r->jobs[i]),
				 r->jobs[i].trust.why);
	if (!why[0]) {
		cJSON_AddNullToObject(l, "unreliable");
		return;
	}
	cJSON_AddStringToObject(l, "unreliable", why);
	if (!(orig = strdup(text)))
		return;
	snprintf(text, len, "Unreliable here (%s), so take this with care: %s", why, orig);
	free(orig);
}

/* emit_lesson: the demo's lesson, computed from what its jobs measured */
static void emit_lesson(struct run *r)
{
	struct demo_outcome o[DEMO_MAX_JOBS];
	const char *metric = metric_of(r);
	char text[1024];
	cJSON *l;

	for (int i = 0; i < r->njobs; i++) {
		const struct job *j = &r->jobs[i];
		double wall[PARAMS_REPS_MAX], cpu[PARAMS_REPS_MAX];
		struct spread w, c;

		memset(&o[i], 0, sizeof(o[i]));
		o[i].label = j->label;
		o[i].mech = j->ops->name;
		o[i].ok = j->nres > 0;
		if (!o[i].ok)
			continue;
		job_spread(j, metric, &o[i].fig);
		for (int k = 0; k < j->nres; k++) {
			wall[k] = j->res[k].elapsed_s;
			cpu[k] = j->res[k].sender.util_pct + j->res[k].receiver.util_pct;
		}
		stats_spread(wall, j->nres, &w);
		stats_spread(cpu, j->nres, &c);
		o[i].wall_s = w.median;
		o[i].cpu_pct = c.median;
	}
	r->demo->lesson(o, r->njobs, text, sizeof(text));
	l = report_line("lesson", r->id);
	cJSON_AddStringToObject(l, "demo", r->demo->name);
	cJSON_AddStringToObject(l, "claim", r->demo->claim);
	lesson_caveat(r, text, sizeof(text), l);
	cJSON_AddStringToObject(l, "text", text);
	report_emit(&r->out, l);
}

cJSON *cli_demos_json(void)
{
	cJSON *all = cJSON_CreateArray();

	for (int i = 0; demo_registry[i]; i++) {
		const struct demo *d = demo_registry[i];
		cJSON *o = cJSON_CreateObject(), *jobs;

		cJSON_AddStringToObject(o, "name", d->name);
		cJSON_AddStringToObject(o, "title", d->title);
		cJSON_AddStringToObject(o, "claim", d->claim);
		cJSON_AddStringToObject(o, "method", d->method);
		cJSON_AddStringToObject(o, "metric", d->metric);
		cJSON_AddStringToObject(o, "defaults", d->defaults);
		jobs = cJSON_AddArrayToObject(o, "jobs");
		for (int k = 0; k < d->njobs; k++) {
			cJSON *j = cJSON_CreateObject();
			cJSON_AddStringToObject(j, "label", d->jobs[k].label);
			cJSON_AddStringToObject(j, "mechanism", d->jobs[k].mech);
			cJSON_AddStringToObject(j, "params", d->jobs[k].args);
			cJSON_AddItemToArray(jobs, j);
		}
		cJSON_AddItemToArray(all, o);
	}
	return all;
}

/* demo_usage: the list of demos; exit status 0, or 2 after a bad call */
static int demo_usage(int bad)
{
	FILE *f = bad ? stderr : stdout;

	fprintf(f, "usage: ipcscope demo NAME [--reps N] [--count N | --duration S] [params]\n\n"
		"Each demo puts a claim about IPC to the test on this machine and ends with a\n"
		"lesson computed from what it measured. The demos:\n\n");
	for (int i = 0; demo_registry[i]; i++)
		fprintf(f, "  %-22s %s\n  %-22s defaults: %s\n", demo_registry[i]->name,
			demo_registry[i]->claim, "", demo_registry[i]->defaults);
	fprintf(f, "\nA demo's own settings (for example pin=same in placement) win over params.\n");
	return bad ? 2 : 0;
}

/* --- the run ---------------------------------------------------------------- */

static enum report_format fmt_of(enum out_format f)
{
	return f == FMT_JSON ? REPORT_JSON : f == FMT_NDJSON ? REPORT_NDJSON :
	       f == FMT_CSV ? REPORT_CSV : REPORT_TEXT;
}

/* usage_error: reports a bad param in the chosen format; exit status 2 */
static int usage_error(struct run *r, const struct param_error *err)
{
	fprintf(stderr, "ipcscope: %s\n", err->message);
	if (r->p.format == FMT_NDJSON || r->p.format == FMT_JSON) {
		cJSON *l = report_line("error", r->id);
		cJSON_AddStringToObject(l, "code", err->code[0] ? err->code : "bad_param");
		cJSON_AddStringToObject(l, "message", err->message);
		cJSON_AddStringToObject(l, "param", err->param);
		report_emit(&r->out, l);
		emit_end(r, "error");
	}
	return 2;
}

static void run_free(struct run *r)
{
	for (int i = 0; r->jobs && i < r->njobs; i++)
		free(r->jobs[i].res);
	free(r->jobs);
	if (r->link)
		peer_drive_close(r->link);
	free(r->link);
	cJSON_Delete(r->peer_info);
	if (r->tmpdir[0])
		cleanup_tmpdir_remove(r->tmpdir);
	report_close(&r->out);
}

/* peer_open: the control connection to the run's peer; 0, or -1 after
   the error and end lines */
static int peer_open(struct run *r)
{
	char msg[256];

	r->link = calloc(1, sizeof(*r->link));
	if (r->link && peer_drive_open(r->link, r->p.peer, r->p.token, &r->peer_info,
				       msg, sizeof(msg)) == 0)
		return 0;
	if (!r->link)
		snprintf(msg, sizeof(msg), "out of memory");
	emit_error(r, "peer_failed", msg, NULL, 0);
	emit_end(r, "error");
	return -1;
}

int cli_run_main(int argc, char **argv)
{
	static char default_id[32];
	enum params_cmd cmd = !strcmp(argv[0], "compare") ? CMD_COMPARE :
			      !strcmp(argv[0], "sweep") ? CMD_SWEEP :
			      !strcmp(argv[0], "demo") ? CMD_DEMO : CMD_BENCH;
	struct run r = { 0 };
	struct param_error err = { 0 };
	const char *status = "ok";
	int rc;
	cJSON *skipped;

	r.t0 = now_s();
	params_init(&r.p, cmd);
	if (cmd == CMD_DEMO) {
		if (argc < 2 || !strncmp(argv[1], "-", 1))
			return demo_usage(argc > 1 && strcmp(argv[1], "--help") && strcmp(argv[1], "-h"));
		if (!(r.demo = demo_find(argv[1]))) {
			fprintf(stderr, "ipcscope: unknown demo '%s' (see 'ipcscope demo --help')\n",
				argv[1]);
			return 2;
		}
		argc--;
		argv++;
	}
	prescan_format(&r.p, argc, argv);
	rc = parse_args(&r.p, argc, argv, &err);
	if (rc == 0 && r.demo && apply_args(&r.p, r.demo->defaults, 0, &err) < 0)
		rc = -1;
	snprintf(default_id, sizeof(default_id), "cli-%d", (int)getpid());
	r.id = r.p.run_id[0] ? r.p.run_id : default_id;
	report_open(&r.out, fmt_of(r.p.format), stdout);
	if (rc == 1) {
		usage(stdout, cmd);
		report_close(&r.out);
		return 0;
	}
	if (rc < 0) {
		rc = usage_error(&r, &err);
		report_close(&r.out);
		return rc;
	}
	install_signals();
	cleanup_sweep_stale();
	skipped = cJSON_CreateArray();
	if ((rc = cleanup_tmpdir_make(r.tmpdir, sizeof(r.tmpdir))) < 0 || plan(&r, skipped) < 0) {
		char msg[640];

		if (rc < 0) {
			snprintf(msg, sizeof(msg), "cannot make a run directory '%s': %s",
				 r.tmpdir, strerror(-rc));
			r.tmpdir[0] = '\0';      /* nothing was made: nothing to remove */
		} else {
			snprintf(msg, sizeof(msg), "cannot plan the run: out of memory");
		}
		cJSON_Delete(skipped);
		emit_error(&r, "setup_failed", msg, NULL, 0);
		emit_end(&r, "error");
		run_free(&r);
		return 1;
	}
	if (r.p.peer[0] && peer_open(&r) < 0) {
		cJSON_Delete(skipped);
		run_free(&r);
		return 1;
	}
	emit_start(&r, skipped);
	status = run_rounds(&r);
	if (strcmp(status, "cancelled") != 0) {
		emit_comparison(&r);
		if (r.demo)
			emit_lesson(&r);
	}
	emit_end(&r, status);
	run_free(&r);
	return strcmp(status, "ok") == 0 ? 0 : 1;
}

/* --- list and sysinfo ----------------------------------------------------------- */

/* options_json: [{name, values, default, help}] of ops's own settings */
static cJSON *options_json(const struct mech_ops *ops)
{
	cJSON *a = cJSON_CreateArray();

	for (int k = 0; k < mech_option_count(ops); k++) {
		const struct mech_option *opt = &ops->options[k];
		cJSON *o = cJSON_CreateObject(), *v;

		cJSON_AddStringToObject(o, "name", opt->name);
		v = cJSON_AddArrayToObject(o, "values");
		for (int i = 0; opt->values[i]; i++)
			cJSON_AddItemToArray(v, cJSON_CreateString(opt->values[i]));
		cJSON_AddStringToObject(o, "default", opt->values[0]);
		cJSON_AddStringToObject(o, "help", opt->help);
		cJSON_AddItemToArray(a, o);
	}
	return a;
}

cJSON *cli_catalogue_json(void)
{
	cJSON *all = cJSON_CreateArray();

	for (int i = 0; mech_registry[i]; i++) {
		const struct mech_ops *ops = mech_registry[i];
		struct mech_limits lim;
		cJSON *o = cJSON_CreateObject(), *x;

		mech_limits_of(ops, &lim);
		cJSON_AddStringToObject(o, "name", ops->name);
		cJSON_AddStringToObject(o, "family", mech_family_name(ops->family));
		cJSON_AddStringToObject(o, "summary", ops->summary);
		x = cJSON_AddArrayToObject(o, "modes");
		cJSON_AddItemToArray(x, cJSON_CreateString("throughput"));
		cJSON_AddItemToArray(x, cJSON_CreateString("latency"));
		x = cJSON_AddObjectToObject(o, "sizes");
		cJSON_AddNumberToObject(x, "min", (double)lim.min_size);
		cJSON_AddNumberToObject(x, "max", (double)lim.max_size);
		cJSON_AddStringToObject(x, "why", lim.why);
		cJSON_AddItemToObject(o, "options", options_json(ops));
		cJSON_AddStringToObject(o, "copies", ops->copies ? ops->copies : "");
		cJSON_AddStringToObject(o, "cleanup", ops->cleanup ? ops->cleanup : "");
		cJSON_AddItemToArray(all, o);
	}
	return all;
}

cJSON *cli_sysinfo_json(void)
{
	return sysinfo_json();
}

/* format_arg: "json" when argv asks --format json; -1 on a bad argument */
static int json_wanted(int argc, char **argv, const char *cmd)
{
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			printf("usage: ipcscope %s [--format text|json]\n", cmd);
			return 2;
		}
		if ((!strcmp(argv[i], "--format") && i + 1 < argc) || !strncmp(argv[i], "--format=", 9)) {
			const char *v = argv[i][8] == '=' ? argv[i] + 9 : argv[++i];
			if (!strcmp(v, "json"))
				return 1;
			if (!strcmp(v, "text"))
				continue;
			fprintf(stderr, "ipcscope: bad value '%s' for format: expected text or json\n", v);
			return -1;
		}
		fprintf(stderr, "ipcscope: unknown argument '%s' for %s\n", argv[i], cmd);
		return -1;
	}
	return 0;
}

static int print_json(cJSON *o)
{
	char *s = cJSON_Print(o);

	if (s)
		printf("%s\n", s);
	free(s);
	cJSON_Delete(o);
	return s ? 0 : 1;
}

int cli_list_main(int argc, char **argv)
{
	int j = json_wanted(argc, argv, "list");

	if (j < 0 || j == 2)
		return j < 0 ? 2 : 0;
	if (j)
		return print_json(cli_catalogue_json());
	for (int i = 0; mech_registry[i]; i++) {
		const struct mech_ops *ops = mech_registry[i];
		struct mech_limits lim;

		mech_limits_of(ops, &lim);
		printf("%-11s %-15s %s\n", ops->name, mech_family_name(ops->family), ops->summary);
		printf("%-11s %-15s sizes %zu..%zu bytes; copies %s\n", "", "", lim.min_size,
		       lim.max_size, ops->copies ? ops->copies : "?");
		for (int k = 0; k < mech_option_count(ops); k++) {
			char values[128];

			mech_option_values_text(&ops->options[k], values, sizeof(values));
			printf("%-11s %-15s --%s: %s (%s, default %s)\n", "", "",
			       ops->options[k].name, ops->options[k].help, values,
			       ops->options[k].values[0]);
		}
	}
	return 0;
}

static void print_flat(const cJSON *o, const char *prefix)
{
	const cJSON *it;

	cJSON_ArrayForEach(it, o) {
		char key[96];

		snprintf(key, sizeof(key), "%s%s%s", prefix, *prefix ? "." : "", it->string);
		if (cJSON_IsObject(it))
			print_flat(it, key);
		else if (cJSON_IsString(it))
			printf("%-32s %s\n", key, it->valuestring);
		else if (cJSON_IsNumber(it))
			printf("%-32s %.0f\n", key, it->valuedouble);
	}
}

int cli_sysinfo_main(int argc, char **argv)
{
	int j = json_wanted(argc, argv, "sysinfo");
	cJSON *o;

	if (j < 0 || j == 2)
		return j < 0 ? 2 : 0;
	if (j)
		return print_json(cli_sysinfo_json());
	o = cli_sysinfo_json();
	print_flat(o, "");
	cJSON_Delete(o);
	return 0;
}
