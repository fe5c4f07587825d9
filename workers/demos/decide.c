/* decide.c -- the decide demo: the decision flow's answer to the params
   (other machine? size? rate? latency bound?), backed by a quick measurement
   of the recommended mechanism and the runner-up through the harness

   What the page shows: one bar per option (recommended, runner-up), its
   messages/s, the median over reps (with a latency bound, its one-way
   p50: decide_chart). The headline quotes both bars;
   the supporting sentences give the flow's reason and whether the
   measurement bears the advice out. */
#include "demos/cores.h"
#include "demos/demo.h"
#include "demos/exp_demo.h"

#include <stddef.h>

#include <stdio.h>
#include <string.h>

#include "base/cleanup.h"
#include "rep/harness.h"
#include "base/human.h"
#include "params/params.h"
#include "base/error.h"

#define DECIDE_REP_DEADLINE_S 30.0

void decide_answer(const struct decide_params *p, struct decide_plan *plan)
{
	memset(plan, 0, sizeof(*plan));
	plan->latency = p->latency_ns > 0;
	if (p->remote) {
		*plan = (struct decide_plan){ DB_REMOTE, "tcp", "udp", plan->latency,
			"the peer is on another machine, so only sockets reach it" };
	} else if (p->size > DECIDE_BIG_BYTES && p->rate > DECIDE_FAST_RATE) {
		*plan = (struct decide_plan){ DB_BIG_FAST, "shm-ring", "unix", plan->latency,
			"more than 100 KB at more than 10 k messages/s: keep the bytes in shared "
			"memory (or send handles to it)" };
	} else if (p->latency_ns > 0 && p->latency_ns < DECIDE_TIGHT_NS) {
		*plan = (struct decide_plan){ DB_TIGHT, "shm", "pipe", 1,
			"a bound under 1 µs leaves no room for a system call: shared memory" };
	} else {
		*plan = (struct decide_plan){ DB_MESSAGES, "unix", "pipe", plan->latency,
			"nothing extreme asked: plain message passing is simplest" };
	}
}

struct decide_tick {
	struct exp_out *o;
	int rep, reps;
};

/* tick: the harness's progress within a rep, as the step's progress */
static void tick(void *ctx, double done)
{
	struct decide_tick *t = ctx;

	exp_progress(t->o, (t->rep + done) / t->reps);
}

/* emit_rep: one rep of an option as a point (the bar is their median) */
static void emit_rep(struct exp_out *o, const char *role, const char *mech, int rep,
		     const struct rep_result *res, int latency)
{
	cJSON *l = exp_point_new(o, mech, role, 0);

	cJSON_AddStringToObject(l, "role", role);
	cJSON_AddStringToObject(l, "mechanism", mech);
	cJSON_AddBoolToObject(l, "ok", 1);
	cJSON_AddNumberToObject(l, "rep", rep);
	cJSON_AddNumberToObject(l, "msgs_per_s", res->msgs_per_s);
	if (latency)
		cJSON_AddNumberToObject(l, "latency_p50_ns", res->lat.p50);
	cJSON_AddNumberToObject(l, "cpu_pct", res->sender.util_pct + res->receiver.util_pct);
	exp_emit(o, l);
}

/* emit_failure: an option that could not run, as a point with its error */
static void emit_failure(struct exp_out *o, const char *role, const char *mech,
			 const struct decide_option *opt)
{
	cJSON *l = exp_point_new(o, mech, role, 0);

	cJSON_AddStringToObject(l, "role", role);
	cJSON_AddStringToObject(l, "mechanism", mech);
	cJSON_AddBoolToObject(l, "ok", 0);
	cJSON_AddStringToObject(l, "error", opt->error);
	exp_emit(o, l);
}

/* measure: reps of one mechanism through the harness, each a point, medians
   into *opt */
static int measure(const struct decide_params *p, const char *mech, const char *role,
		   int latency, const char *tmpdir, struct exp_out *o, struct decide_option *opt)
{
	const struct mech_ops *ops = mech_find(mech);
	struct bench_params bp;
	struct param_error perr;
	double rate[DECIDE_REPS_MAX], p50[DECIDE_REPS_MAX], cpu[DECIDE_REPS_MAX];
	struct spread s;
	const char *code;

	params_init(&bp, CMD_BENCH);
	bp.mode = latency ? MODE_LATENCY : MODE_THROUGHPUT;
	bp.size = p->size;
	bp.duration = p->duration;
	bp.reps = 1;
	if (!ops || params_check_size(ops, p->size, "size", &perr) < 0) {
		snprintf(opt->error, sizeof(opt->error), "%s", ops ? perr.message : "no such mechanism");
		return -1;
	}
	for (int rep = 0; rep < p->reps; rep++) {
		struct rep_result res;
		struct decide_tick t = { o, rep, p->reps };
		struct rep_spec spec = { .ops = ops, .params = &bp, .rep = rep + 1,
					 .tmpdir = tmpdir, .deadline_s = DECIDE_REP_DEADLINE_S,
					 .progress = tick, .progress_ctx = &t };
		if (harness_run_rep(&spec, &res, opt->error, sizeof(opt->error), &code) < 0)
			return -1;
		rate[rep] = res.msgs_per_s;
		p50[rep] = res.lat.p50;
		cpu[rep] = res.sender.util_pct + res.receiver.util_pct;
		opt->fig[rep] = latency ? res.lat.p50 : res.msgs_per_s;
		opt->in[opt->n++] = res.interference;
		emit_rep(o, role, mech, rep + 1, &res, latency);
	}
	stats_spread(rate, p->reps, &s);
	opt->msgs_per_s = s.median;
	stats_spread(p50, p->reps, &s);
	opt->p50_ns = s.median;
	stats_spread(cpu, p->reps, &s);
	opt->cpu_pct = s.median;
	opt->ok = 1;
	return 0;
}

int decide_run(const struct decide_params *p, struct decide_result *r, struct exp_out *o,
	       char *err, size_t errlen)
{
	char tmpdir[512], label[96];
	int rc;

	memset(r, 0, sizeof(*r));
	r->p = *p;
	decide_answer(p, &r->plan);
	exp_plan(o, 2);
	if ((rc = cleanup_tmpdir_make(tmpdir, sizeof(tmpdir))) < 0) {
		error_set(err, errlen, "cannot make a run directory: %s", strerror(-rc));
		return -1;
	}
	snprintf(label, sizeof(label), "recommended: %s", r->plan.rec);
	exp_begin(o, label, p->duration * p->reps);
	if (measure(p, r->plan.rec, "recommended", r->plan.latency, tmpdir, o, &r->rec) < 0)
		emit_failure(o, "recommended", r->plan.rec, &r->rec);
	snprintf(label, sizeof(label), "runner-up: %s", r->plan.alt);
	exp_begin(o, label, p->duration * p->reps);
	if (measure(p, r->plan.alt, "runner-up", r->plan.latency, tmpdir, o, &r->alt) < 0)
		emit_failure(o, "runner-up", r->plan.alt, &r->alt);
	cleanup_tmpdir_remove(tmpdir);
	if (!r->rec.ok) {
		error_set(err, errlen, "%s could not be measured: %s", r->plan.rec, r->rec.error);
		return -1;
	}
	return 0;
}

/* meets: how an option fares against what was asked */
static void verdict(const struct decide_result *r, const char *mech,
		    const struct decide_option *opt, char *buf, size_t len)
{
	char a[HUMAN_LEN], b[HUMAN_LEN], sz[HUMAN_LEN];

	human_bytes((double)r->p.size, sz, sizeof(sz));
	if (r->plan.latency) {
		exp_lesson_add(buf, len, "%s: one-way %s at %s (%s your %s bound)", mech,
			       human_seconds(opt->p50_ns / 1e9, a, sizeof(a)), sz,
			       opt->p50_ns <= r->p.latency_ns ? "within" : "over",
			       human_seconds(r->p.latency_ns / 1e9, b, sizeof(b)));
		return;
	}
	exp_lesson_add(buf, len, "%s: %s messages/s of %s", mech,
		       human_si(opt->msgs_per_s, "", a, sizeof(a)), sz);
	if (r->p.rate > 0)
		exp_lesson_add(buf, len, " (%s the %s/s you need)",
			       opt->msgs_per_s >= r->p.rate ? "above" : "BELOW",
			       human_si(r->p.rate, "", b, sizeof(b)));
}

void decide_lesson(const struct decide_result *r, char *buf, size_t len)
{
	const struct decide_option *rec = &r->rec, *alt = &r->alt;
	char x[HUMAN_LEN];
	int better;

	buf[0] = '\0';
	exp_lesson_add(buf, len, "The flow recommends %s; measured here, ", r->plan.rec);
	if (!rec->ok) {
		exp_lesson_add(buf, len, "%s could not run (%s). The flow's reason: %s.",
			       r->plan.rec, rec->error, r->plan.why);
		return;
	}
	verdict(r, r->plan.rec, rec, buf, len);
	if (!alt->ok) {
		exp_lesson_add(buf, len, "; the runner-up %s could not run (%s). The flow's "
			       "reason: %s.", r->plan.alt, alt->error, r->plan.why);
		return;
	}
	exp_lesson_add(buf, len, "; runner-up ");
	verdict(r, r->plan.alt, alt, buf, len);
	exp_lesson_add(buf, len, ". The flow's reason: %s", r->plan.why);
	better = r->plan.latency ? rec->p50_ns <= alt->p50_ns : rec->msgs_per_s >= alt->msgs_per_s;
	human_ratio(r->plan.latency ? alt->p50_ns / rec->p50_ns : rec->msgs_per_s / alt->msgs_per_s,
		    x, sizeof(x));
	if (!better)
		human_ratio(r->plan.latency ? rec->p50_ns / alt->p50_ns :
			    alt->msgs_per_s / rec->msgs_per_s, x, sizeof(x));
	if (better)
		exp_lesson_add(buf, len, ". The advice holds on this machine (by %s).", x);
	else
		exp_lesson_add(buf, len, ". Against the advice, the runner-up did better here "
			       "(by %s): on a busy 2-CPU VM the simpler "
			       "mechanism can win; the flow's reasons (%s) may still count.", x,
			       r->plan.branch == DB_REMOTE ? "reaching another machine" :
			       r->plan.branch == DB_MESSAGES ? "simplicity" : "copies and system calls");
	if (r->plan.branch == DB_REMOTE)
		exp_lesson_add(buf, len, " Both ran over loopback: a real network adds its own "
			       "latency and bandwidth limit.");
}

/* decide_check: whether the lesson's ranking of the two options holds
   over their reps */
static void decide_check(const struct decide_result *r, struct exp_out *o)
{
	struct exp_cmp c = {
		.a = { r->plan.rec, r->rec.fig, r->rec.n, r->rec.in },
		.b = { r->plan.alt, r->alt.fig, r->alt.n, r->alt.in },
		.unit = r->plan.latency ? "ns" : "msgs/s", .higher = !r->plan.latency,
		.kind = EXP_DIFFERS,
	};

	if (r->rec.ok && r->alt.ok)
		exp_claim(o, &c);
}

static const struct dparam decide_params[] = {
	{ "remote", DP_BOOL, 0, 1, "0", "1: the peer is on another machine",
	  offsetof(struct decide_params, remote) },
	{ "size", DP_SIZE, 1, 64 << 20, "4K", "bytes per message", offsetof(struct decide_params, size) },
	{ "rate", DP_REAL, 0, 1e9, "1000", "messages/s needed (0: no need stated)",
	  offsetof(struct decide_params, rate) },
	{ "latency_us", DP_REAL, 0, 1e6, "0", "one-way latency bound in µs (0: none)",
	  offsetof(struct decide_params, latency_us) },
	{ "duration", DP_REAL, 0.01, 5, "0.2", "seconds per measured rep",
	  offsetof(struct decide_params, duration) },
	{ "reps", DP_INT, 1, DECIDE_REPS_MAX, "3", "reps of each of the two options",
	  offsetof(struct decide_params, reps) },
	{ 0 }
};

static int decide_exp_run(const void *params, struct exp_out *o, char *lesson, size_t len,
		       char *err, size_t errlen)
{
	struct decide_params p = *(const struct decide_params *)params;
	struct decide_result r;

	p.latency_ns = p.latency_us * 1e3;
	if (decide_run(&p, &r, o, err, errlen) < 0)
		return -1;
	decide_lesson(&r, lesson, len);
	decide_check(&r, o);
	return 0;
}

#define DECIDE_CHART_RATE "{\"kind\":\"bar\",\"y\":[\"msgs_per_s\"],\"unit\":\"messages/s\"," \
	"\"also\":[\"latency_p50_ns\",\"cpu_pct\"]}"
#define DECIDE_CHART_LATENCY "{\"kind\":\"bar\",\"y\":[\"latency_p50_ns\"]," \
	"\"unit\":\"one-way latency, p50\",\"also\":[\"msgs_per_s\",\"cpu_pct\"]}"

/* decide_chart: with a latency bound the lesson weighs each option's
   one-way p50, and the chart draws that; else its messages/s */
static const char *decide_chart(const void *params)
{
	const struct decide_params *p = params;

	return p->latency_us > 0 ? DECIDE_CHART_LATENCY : DECIDE_CHART_RATE;
}

const struct exp_demo decide_exp = {
	.params = decide_params,
	.params_size = sizeof(struct decide_params),
	.chart = DECIDE_CHART_RATE,
	.chart_for = decide_chart,
	.run = decide_exp_run,
};

const struct demo demo_decide = {
	.name = "decide",
	.title = "Which IPC should I use?",
	.claim = "A decision flow: other machine? sockets; > 100 KB at > 10 k/s: shared memory "
		 "or hybrid; < 1 µs latency: shared memory; else message passing.",
	.method = "the answers as params (remote, size, rate, latency_us); the flow recommends, "
		  "and the recommendation and the runner-up are measured here.",
	.exp = &decide_exp,
};
