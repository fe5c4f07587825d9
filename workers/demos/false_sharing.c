/* false_sharing.c -- the false-sharing demo's experiment: two processes each
   increment their own counter in one shared mapping, on one cache line or
   64 and 128 bytes apart

   What the page shows: one bar per layout, the increments/s of both
   processes together (the median over reps of their sum), the axis named
   so. The headline quotes the 64-bytes-apart and the shared-line bars in
   that same quantity; the note on 128 bytes quotes the third bar. */
#include "demos/cores.h"
#include "demos/demo.h"
#include "demos/exp_demo.h"

#include <stddef.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/human.h"
#include "stats/stats.h"
#include "base/error.h"

#define FS_AREA 4096             /* the mapping: counters in the first 256 bytes */
#define FS_CTRL_OFF 2048         /* go flag and figures, far from the counters */
#define FS_INNER 4096            /* increments between looks at the clock */
#define FS_PADDED_GAIN 1.5       /* padding "made them faster" from this ratio */

const int fs_gaps[FS_NLAYOUTS] = { 8, 64, 128 };

struct fs_ctrl {
	volatile int go;
	double deadline;
	double elapsed[2], cpu[2];
};

struct fs_ctx {
	unsigned char *area;
	struct fs_ctrl *ctrl;
	int gap;
};

static double cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int incrementer(void *arg, int idx)
{
	struct fs_ctx *c = arg;
	volatile uint64_t *mine = (volatile uint64_t *)(c->area + idx * c->gap);
	double t0, c0;

	exp_wait_go(&c->ctrl->go, 1);
	t0 = exp_now();
	c0 = cpu_now();
	do {
		for (int k = 0; k < FS_INNER; k++)
			(*mine)++;           /* a load and a store to the shared line */
	} while (exp_now() < c->ctrl->deadline);
	c->ctrl->elapsed[idx] = exp_now() - t0;
	c->ctrl->cpu[idx] = cpu_now() - c0;
	return 0;
}

/* one_run: both processes for one layout; rate[] and share[] of each */
static int one_run(struct fs_ctx *c, const struct fs_params *p, struct exp_out *o,
		   double rate[2], double share[2], char *err, size_t errlen)
{
	pid_t pids[2] = { -1, -1 };

	memset(c->area, 0, FS_CTRL_OFF);
	memset(c->ctrl, 0, sizeof(*c->ctrl));
	for (int i = 0; i < 2; i++)
		if ((pids[i] = exp_fork(incrementer, c, i, 1, err, errlen)) < 0) {
			exp_kill_all(pids, 2);
			return -1;
		}
	c->ctrl->deadline = exp_now() + p->duration;
	__atomic_store_n(&c->ctrl->go, 1, __ATOMIC_RELEASE);
	if (exp_wait(o, pids, 2, NULL, err, errlen) < 0)
		return -1;
	for (int i = 0; i < 2; i++) {
		uint64_t n = *(volatile uint64_t *)(c->area + i * c->gap);
		rate[i] = c->ctrl->elapsed[i] > 0 ? (double)n / c->ctrl->elapsed[i] : 0;
		share[i] = c->ctrl->elapsed[i] > 0 ? c->ctrl->cpu[i] / c->ctrl->elapsed[i] : 0;
	}
	return 0;
}

static double median(const double *x, int n)
{
	struct spread s;

	stats_spread(x, n, &s);
	return s.median;
}

static void emit_layout(struct exp_out *o, const struct fs_layout *l, int rep)
{
	char label[48];
	cJSON *pt;

	snprintf(label, sizeof(label), l->gap < 64 ? "same cache line (%d B apart)" :
		 "%d B apart", l->gap);
	pt = exp_point_new(o, label, NULL, l->gap);
	cJSON_AddNumberToObject(pt, "rep", rep);
	cJSON_AddNumberToObject(pt, "gap_bytes", l->gap);
	cJSON_AddNumberToObject(pt, "increments_per_s_a", l->rate[0]);
	cJSON_AddNumberToObject(pt, "increments_per_s_b", l->rate[1]);
	cJSON_AddNumberToObject(pt, "increments_per_s", l->total);
	cJSON_AddNumberToObject(pt, "cpu_share_a", l->cpu_share[0]);
	cJSON_AddNumberToObject(pt, "cpu_share_b", l->cpu_share[1]);
	exp_emit(o, pt);
}

/* measure: reps of every layout, interleaved so that a noisy moment of the
   machine hits all layouts alike; rates[layout][proc][rep] */
static int measure(struct fs_ctx *c, const struct fs_params *p, struct exp_out *o,
		   double rates[FS_NLAYOUTS][2][FS_REPS_MAX],
		   double shares[FS_NLAYOUTS][2][FS_REPS_MAX], char *err, size_t errlen)
{
	for (int rep = 0; rep < p->reps; rep++)
		for (int k = 0; k < FS_NLAYOUTS; k++) {
			double rate[2], share[2];
			char label[96];
			struct fs_layout one = { .ok = 1, .gap = fs_gaps[k] };

			snprintf(label, sizeof(label), "counters %d B apart, rep %d of %d",
				 fs_gaps[k], rep + 1, p->reps);
			exp_begin(o, label, p->duration);
			c->gap = fs_gaps[k];
			if (one_run(c, p, o, rate, share, err, errlen) < 0)
				return -1;
			for (int i = 0; i < 2; i++) {
				rates[k][i][rep] = one.rate[i] = rate[i];
				shares[k][i][rep] = one.cpu_share[i] = share[i];
			}
			one.total = rate[0] + rate[1];
			emit_layout(o, &one, rep + 1);
		}
	return 0;
}

int fs_run(const struct fs_params *p, struct fs_result *r, struct exp_out *o,
	   char *err, size_t errlen)
{
	double rates[FS_NLAYOUTS][2][FS_REPS_MAX], shares[FS_NLAYOUTS][2][FS_REPS_MAX];
	struct fs_ctx c = { 0 };
	int rc;

	memset(r, 0, sizeof(*r));
	r->p = *p;
	r->cpus = exp_cpus();
	if (!(c.area = exp_shared(FS_AREA))) {
		error_set(err, errlen, "cannot map the shared counters: %s", strerror(errno));
		return -1;
	}
	c.ctrl = (struct fs_ctrl *)(c.area + FS_CTRL_OFF);
	exp_plan(o, p->reps * FS_NLAYOUTS);
	rc = measure(&c, p, o, rates, shares, err, errlen);
	for (int k = 0; rc == 0 && k < FS_NLAYOUTS; k++) {
		struct fs_layout *l = &r->l[k];
		l->ok = 1;
		l->gap = fs_gaps[k];
		for (int i = 0; i < 2; i++) {
			l->rate[i] = median(rates[k][i], p->reps);
			l->cpu_share[i] = median(shares[k][i], p->reps);
		}
		for (l->n = 0; l->n < p->reps; l->n++)
			l->totals[l->n] = rates[k][0][l->n] + rates[k][1][l->n];
		/* the median of the sums, as the chart draws the layout's bar */
		l->total = median(l->totals, l->n);
	}
	exp_unshare(c.area, FS_AREA);
	return rc;
}

void fs_lesson(const struct fs_result *r, char *buf, size_t len)
{
	const struct fs_layout *same = &r->l[0], *pad = &r->l[1], *pad2 = &r->l[2];
	double ratio = same->total > 0 ? pad->total / same->total : 0;
	double share = same->cpu_share[0] < same->cpu_share[1] ? same->cpu_share[0] :
		       same->cpu_share[1];
	char h[5][HUMAN_LEN];

	buf[0] = '\0';
	if (!same->ok || !pad->ok || !pad2->ok) {
		snprintf(buf, len, "Not every layout ran, so there is no lesson this time.");
		return;
	}
	human_si(same->total, "", h[0], sizeof(h[0]));
	human_si(pad->total, "increments/s", h[1], sizeof(h[1]));
	human_si(pad2->total, "increments/s", h[2], sizeof(h[2]));
	human_ratio(ratio, h[3], sizeof(h[3]));
	if (ratio >= FS_PADDED_GAIN) {
		exp_lesson_add(buf, len, "Padding the counters 64 bytes apart made the two "
			       "processes %s faster: %s together, against %s on one cache line. ",
			       h[3], h[1], h[0]);
		exp_lesson_add(buf, len, "The line bounced between the two cores on every write, "
			       "though no byte was shared. At 128 bytes apart they made %s.", h[2]);
		return;
	}
	exp_lesson_add(buf, len, "Against the claim, padding the counters 64 bytes apart changed "
		       "little here: %s for the two processes together, against %s on one "
		       "cache line (%s). ", h[1], h[0], h[3]);
	exp_lesson_add(buf, len, "The two processes got %s of a CPU each on %d CPUs. When they "
		       "do not run at the same moment (a busy or 1-CPU machine), or a VM's two "
		       "vCPUs are hyperthreads of one core sharing its cache, the line has no one "
		       "to bounce to. At 128 bytes apart they made %s.",
		       human_pct(100 * share, h[4], sizeof(h[4])), r->cpus, h[2]);
}

/* fs_check: whether the lesson's comparison of the shared line against 64 B
   apart holds over the reps (a gain, or "changed little") */
static void fs_check(const struct fs_result *r, struct exp_out *o)
{
	const struct fs_layout *same = &r->l[0], *pad = &r->l[1];
	struct exp_cmp c = {
		.a = { "the shared cache line", same->totals, same->n, NULL },
		.b = { "64 B apart", pad->totals, pad->n, NULL },
		.unit = "increments/s", .higher = true,
		.kind = same->total > 0 && pad->total / same->total >= FS_PADDED_GAIN ?
			EXP_DIFFERS : EXP_ALIKE,
	};

	exp_claim(o, &c);
}

static const struct dparam fs_params[] = {
	{ "duration", DP_REAL, 0.01, 5, "0.5", "seconds each layout runs, per rep",
	  offsetof(struct fs_params, duration) },
	{ "reps", DP_INT, 1, FS_REPS_MAX, "2", "repetitions of every layout, interleaved",
	  offsetof(struct fs_params, reps) },
	{ 0 }
};

EXP_DEMO(fs, false_sharing, fs_params, struct fs_params, struct fs_result, fs_run, fs_lesson, fs_check,
	 "{\"kind\":\"bar\",\"y\":[\"increments_per_s\"],\"unit\":\"increments/s, both processes together\",\"also\":[\"cpu_share_a\",\"cpu_share_b\"]}",
	.name = "false-sharing",
	.title = "False sharing",
	.claim = "Two counters on one cache line slow each other down; padding them 64 bytes "
		 "apart fixes it.",
	.method = "two processes each increment their own counter in one shared mapping, 8, 64 "
		  "and 128 bytes apart; increments/s of each and the ratio.");
