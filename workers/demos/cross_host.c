/* cross_host.c -- the demo "cross-host": shm, unix and tcp on one host against
   tcp across a veth pair between two network namespaces (and at a limited
   rate): what the machine boundary costs in round trip and throughput.

   What the page shows: one bar per step, its round trip p50 (the median
   of the reps' p50s). The headline quotes every bar; the supporting
   sentences their ratios; the throughput it goes on to quote is in the
   table of points.

   Each step is `ipcscope bench` run as a child (in the client's namespace
   for the veth steps, against an `ipcscope peer` in the other); the
   namespaces are made with the lab's netns code and removed by a guardian
   child however the demo ends (a SIGKILL leaves them to the next start's
   sweep, as the lab does). Without root only the loopback steps run. */
#include "demos/demo.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/human.h"
#include "net/lab.h"
#include "stats/robust.h"
#include "demos/xh_lab.h"
#include "base/error.h"

#define XH_LAT_WARMUP "10"           /* few: a limited link and big messages are slow */
#define XH_TPUT_WARMUP "10"          /* few: a slow link would take long */
#define XH_STARTUP_S 0.3             /* a bench child's own start and end */
#define XH_DRAIN_BYTES 8e6           /* socket buffers a limited link drains */
#define XH_CLOSE_CALL 1.10           /* within 10%: too close to call */
#define XH_RATE_SLACK 1.10           /* a limited link may look this much faster */
#define NS_PER_S 1e9

#define XH_REPS_MAX 7

struct xh_params {
	double duration;
	int reps, rate_mbit;
	uint64_t size, lat_size;
};

enum { XH_SHM, XH_UNIX, XH_TCP_LO, XH_TCP_VETH, XH_TCP_RATE, XH_N };

static const struct xh_config {
	const char *label, *mech;
	int veth, rated;
} xh_configs[XH_N] = {
	[XH_SHM] = { "shm", "shm", 0, 0 },
	[XH_UNIX] = { "unix", "unix", 0, 0 },
	[XH_TCP_LO] = { "tcp loopback", "tcp", 0, 0 },
	[XH_TCP_VETH] = { "tcp veth", "tcp", 1, 0 },
	[XH_TCP_RATE] = { "tcp veth limited", "tcp", 1, 1 },
};

/* a step's figures: each rep's, and their medians, which the lesson quotes */
struct xh_fig {
	int lat_ok, tput_ok;
	int nlat, ntput;                  /* reps measured */
	double rtt[XH_REPS_MAX], one_way[XH_REPS_MAX], bps[XH_REPS_MAX], mps[XH_REPS_MAX];
	double rtt_ns, one_way_ns, bytes_per_s, msgs_per_s;
	char error[200];
};

/* --- one bench run -------------------------------------------------------- */

/* parse: the result lines (one a rep) or error line of a bench child's
   NDJSON into f, the medians over its reps included; 1 when a rep came */
static int parse(const char *out, int latency, struct xh_fig *f)
{
	int ok = 0;

	for (const char *s = out; s && *s; s = strchr(s, '\n') ? strchr(s, '\n') + 1 : NULL) {
		cJSON *l = *s == '{' ? cJSON_ParseWithOpts(s, NULL, 0) : NULL;
		const cJSON *t = cJSON_GetObjectItem(l, "type");

		if (cJSON_IsString(t) && !strcmp(t->valuestring, "result")) {
			const cJSON *rtt = cJSON_GetObjectItem(l, "rtt_ns");
			const cJSON *ow = cJSON_GetObjectItem(l, "latency_ns");

			if (latency && rtt && ow && f->nlat < XH_REPS_MAX) {
				f->rtt[f->nlat] = cJSON_GetNumberValue(cJSON_GetObjectItem(rtt, "p50"));
				f->one_way[f->nlat++] = cJSON_GetNumberValue(cJSON_GetObjectItem(ow, "p50"));
				ok = 1;
			} else if (!latency && f->ntput < XH_REPS_MAX) {
				f->bps[f->ntput] = cJSON_GetNumberValue(cJSON_GetObjectItem(l, "bytes_per_s"));
				f->mps[f->ntput++] = cJSON_GetNumberValue(cJSON_GetObjectItem(l, "msgs_per_s"));
				ok = 1;
			}
		} else if (cJSON_IsString(t) && !strcmp(t->valuestring, "error") && !f->error[0]) {
			snprintf(f->error, sizeof(f->error), "%s",
				 cJSON_GetStringValue(cJSON_GetObjectItem(l, "message")) ?: "failed");
		}
		cJSON_Delete(l);
	}
	if (latency && f->nlat) {
		f->rtt_ns = robust_median(f->rtt, f->nlat);
		f->one_way_ns = robust_median(f->one_way, f->nlat);
	} else if (!latency && f->ntput) {
		f->bytes_per_s = robust_median(f->bps, f->ntput);
		f->msgs_per_s = robust_median(f->mps, f->ntput);
	}
	return ok;
}

/* bench: one step: `ipcscope bench` of config c in mode latency or
   throughput; 0, or -1 with f->error (the demo goes on) */
static int bench(struct exp_out *o, const struct xh_params *p, const struct xh_lab *l, int c,
		 int latency, struct xh_fig *f)
{
	const struct xh_config *cf = &xh_configs[c];
	char dur[32], size[32], lat_size[32], reps[16], peer[48], label[96], err[256];
	char *argv[24] = { "ipcscope", "bench", (char *)cf->mech, "--mode",
			   latency ? "latency" : "throughput", "--duration", dur, "--size",
			   latency ? lat_size : size, "--warmup",
			   latency ? XH_LAT_WARMUP : XH_TPUT_WARMUP, "--reps", reps,
			   "--ci", "0",
			   "--format", "ndjson" };
	int n = 17, fd, status = 0, end = 0;
	struct xh_buf b = { 0 };
	double expect = p->reps * p->duration + XH_STARTUP_S, limit, t0;
	pid_t pid;

	snprintf(dur, sizeof(dur), "%g", p->duration);
	snprintf(reps, sizeof(reps), "%d", p->reps);
	snprintf(size, sizeof(size), "%llu", (unsigned long long)p->size);
	snprintf(lat_size, sizeof(lat_size), "%llu", (unsigned long long)p->lat_size);
	snprintf(peer, sizeof(peer), LAB_PEER_ADDR ":%d", LAB_PEER_PORT);
	if (cf->veth) {
		argv[n++] = "--peer";
		argv[n++] = peer;
		argv[n++] = "--token-file";
		argv[n++] = "-";
	}
	snprintf(label, sizeof(label), "%s %s", cf->label, latency ? "round trip" : "throughput");
	exp_begin(o, label, expect);
	limit = expect * EXP_SLACK + EXP_GRACE_S +
		(cf->rated ? XH_DRAIN_BYTES * 8 / (p->rate_mbit * 1e6) : 0);
	if ((pid = xh_spawn(argv, cf->veth ? l->net.ns[1] : NULL, cf->veth ? l->token : NULL, &fd,
			    err, sizeof(err))) < 0) {
		snprintf(f->error, sizeof(f->error), "%.190s", err);
		return -1;
	}
	for (t0 = exp_now(); !end && !exp_stopped() && exp_now() - t0 < limit;) {
		end = xh_slurp(fd, &b);
		exp_progress(o, (exp_now() - t0) / expect);
	}
	close(fd);
	if (!end)
		xh_reap(pid, &status);
	else
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
	if (!parse(b.p, latency, f) || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		if (!f->error[0])
			snprintf(f->error, sizeof(f->error), "%s", !end ? "it overran its time" :
				 b.p ? b.p : "it ended without a result");
		free(b.p);
		return -1;
	}
	free(b.p);
	*(latency ? &f->lat_ok : &f->tput_ok) = 1;
	return 0;
}

static void emit_fig(struct exp_out *o, int c, const struct xh_fig *f)
{
	cJSON *l = exp_point_new(o, xh_configs[c].label, xh_configs[c].label, 0);

	cJSON_AddStringToObject(l, "mechanism", xh_configs[c].mech);
	cJSON_AddBoolToObject(l, "across_namespaces", xh_configs[c].veth);
	cJSON_AddBoolToObject(l, "ok", f->lat_ok && f->tput_ok);
	cJSON_AddNumberToObject(l, "reps", f->nlat > f->ntput ? f->nlat : f->ntput);
	if (f->lat_ok) {
		cJSON_AddNumberToObject(l, "rtt_p50_ns", f->rtt_ns);
		cJSON_AddNumberToObject(l, "one_way_p50_ns", f->one_way_ns);
	}
	if (f->tput_ok) {
		cJSON_AddNumberToObject(l, "msgs_per_s", f->msgs_per_s);
		cJSON_AddNumberToObject(l, "bytes_per_s", f->bytes_per_s);
	}
	if (f->error[0])
		cJSON_AddStringToObject(l, "error", f->error);
	exp_emit(o, l);
}

/* --- the lesson ------------------------------------------------------------- */

static const char *secs(double ns, char *b)
{
	return human_seconds(ns / NS_PER_S, b, HUMAN_LEN);
}

/* faster: "3.2× faster" when x >= 1, else "2× slower" */
static const char *faster(double x, char *b)
{
	char r[HUMAN_LEN];

	human_ratio(x >= 1 ? x : 1 / x, r, sizeof(r));
	snprintf(b, HUMAN_LEN, "%.30s %s", r, x >= 1 ? "faster" : "slower");
	return b;
}

/* lesson_veth: the veth's round trips against loopback's and shm's */
static void lesson_veth(const struct xh_params *p, const struct xh_fig *f, char *buf, size_t len)
{
	const struct xh_fig *shm = &f[XH_SHM], *lo = &f[XH_TCP_LO], *ve = &f[XH_TCP_VETH];
	const struct xh_fig *lim = &f[XH_TCP_RATE];
	char h[3][HUMAN_LEN];

	exp_lesson_add(buf, len, ", tcp across the veth %s (one way %s, half the round trip timed "
		       "on one side). tcp across the veth took %s the loopback round trip; ",
		       secs(ve->rtt_ns, h[0]), secs(ve->one_way_ns, h[1]),
		       human_ratio(ve->rtt_ns / lo->rtt_ns, h[2], HUMAN_LEN));
	exp_lesson_add(buf, len, "shared memory was %s than loopback tcp and %s than the "
		       "veth. ", faster(lo->rtt_ns / shm->rtt_ns, h[0]),
		       faster(ve->rtt_ns / shm->rtt_ns, h[1]));
	if (lim->lat_ok)
		exp_lesson_add(buf, len, "At %s Mbit/s the round trip was %s (%s loopback's). ",
			       human_count((uint64_t)p->rate_mbit, h[0], HUMAN_LEN),
			       secs(lim->rtt_ns, h[1]),
			       human_ratio(lim->rtt_ns / lo->rtt_ns, h[2], HUMAN_LEN));
	if (ve->rtt_ns <= lo->rtt_ns)
		exp_lesson_add(buf, len, "This contradicts the claim: here the veth's round trip "
			       "was NOT above loopback's (a veth is a software link inside one "
			       "kernel: small messages cross it about as cheaply as loopback). ");
	else if (ve->rtt_ns < lo->rtt_ns * XH_CLOSE_CALL)
		exp_lesson_add(buf, len, "The veth and loopback are within 10%% of each other: too "
			       "close to call. ");
}

static void lesson_latency(const struct xh_params *p, const struct xh_fig *f, int veth,
			   char *buf, size_t len)
{
	const struct xh_fig *shm = &f[XH_SHM], *lo = &f[XH_TCP_LO];
	char h[4][HUMAN_LEN];

	exp_lesson_add(buf, len, "Round trip p50 with %s messages: shm %s, unix %s, tcp over "
		       "loopback %s", human_bytes((double)p->lat_size, h[3], HUMAN_LEN),
		       secs(shm->rtt_ns, h[0]),
		       f[XH_UNIX].lat_ok ? secs(f[XH_UNIX].rtt_ns, h[1]) : "(failed)",
		       secs(lo->rtt_ns, h[2]));
	if (veth)
		lesson_veth(p, f, buf, len);
	else
		exp_lesson_add(buf, len, "; shared memory was %s than loopback tcp. ",
			       faster(lo->rtt_ns / shm->rtt_ns, h[0]));
	if (shm->rtt_ns >= lo->rtt_ns)
		exp_lesson_add(buf, len, "Shared memory did NOT beat tcp here: with few CPUs shared "
			       "by other work a spinning reader loses its core; treat these figures "
			       "as unreliable. ");
}

static void lesson_tput(const struct xh_params *p, const struct xh_fig *f, int veth, char *buf,
			size_t len)
{
	char h[3][HUMAN_LEN];
	double limit = p->rate_mbit * 1e6 / 8;

	exp_lesson_add(buf, len, "Throughput with %s messages:",
		       human_bytes((double)p->size, h[0], sizeof(h[0])));
	for (int c = 0; c < XH_N; c++)
		if (f[c].tput_ok && (veth || !xh_configs[c].veth))
			exp_lesson_add(buf, len, "%s %s %s", c ? "," : "", xh_configs[c].label,
				       human_rate_bytes(f[c].bytes_per_s, h[0], sizeof(h[0])));
	exp_lesson_add(buf, len, ". ");
	if (!veth || !f[XH_TCP_RATE].tput_ok)
		return;
	exp_lesson_add(buf, len, "At %s Mbit/s the link carried %s of its limit of %s",
		       human_count((uint64_t)p->rate_mbit, h[0], sizeof(h[0])),
		       human_pct(100 * f[XH_TCP_RATE].bytes_per_s / limit, h[1], sizeof(h[1])),
		       human_rate_bytes(limit, h[2], sizeof(h[2])));
	if (f[XH_SHM].tput_ok)
		exp_lesson_add(buf, len, "; shared memory moved %s as much",
			       human_ratio(f[XH_SHM].bytes_per_s / f[XH_TCP_RATE].bytes_per_s,
					   h[0], sizeof(h[0])));
	exp_lesson_add(buf, len, ". ");
	if (f[XH_TCP_RATE].bytes_per_s > limit * XH_RATE_SLACK)
		exp_lesson_add(buf, len, "The limited link carried more than its rate: the shaping "
			       "did not hold, so that figure is unreliable. ");
}

static void xh_lesson(const struct xh_params *p, const struct xh_fig *f, int veth,
		      const char *why, char *buf, size_t len)
{
	buf[0] = '\0';
	lesson_latency(p, f, veth, buf, len);
	lesson_tput(p, f, veth, buf, len);
	for (int c = 0; c < XH_N; c++)
		if (f[c].error[0] && (veth || !xh_configs[c].veth))
			exp_lesson_add(buf, len, "%s failed: %.120s. ", xh_configs[c].label,
				       f[c].error);
	if (!veth)
		exp_lesson_add(buf, len, "The cross-namespace steps did not run: %s. ", why);
	else
		exp_lesson_add(buf, len, "A veth has no wire, NIC or distance: between real "
			       "machines the network's own time comes on top. ");
}

/* --- the experiment ----------------------------------------------------------- */

static int xh_steps(const struct xh_params *p, struct exp_out *o, const struct xh_lab *l,
		    int veth, struct xh_fig *f, char *err, size_t errlen)
{
	for (int c = 0; c < XH_N && !exp_stopped(); c++) {
		if (xh_configs[c].veth && !veth)
			continue;
		if (xh_configs[c].rated && xh_lab_shape((struct xh_lab *)l, p->rate_mbit, err,
						       errlen) < 0)
			return -1;
		bench(o, p, l, c, 1, &f[c]);
		if (!exp_stopped())
			bench(o, p, l, c, 0, &f[c]);
		emit_fig(o, c, &f[c]);
	}
	if (exp_stopped()) {
		error_set(err, errlen, "cancelled");
		return -1;
	}
	return 0;
}

static int xh_run(const void *params, struct exp_out *o, char *lesson, size_t len, char *err,
		  size_t errlen)
{
	const struct xh_params *p = params;
	struct xh_lab l = { .net = { .guard_fd = -1 }, .peer_fd = -1 };
	struct xh_fig f[XH_N];
	int veth = geteuid() == 0, rc = 0;
	const char *why = "they need root to make the network namespaces; run the demo as root";

	memset(f, 0, sizeof(f));
	exp_plan(o, veth ? 1 + 2 * XH_N : 2 * (XH_N - 2));
	if (veth) {
		exp_begin(o, "making two network namespaces, a veth pair and a peer",
			  XH_STARTUP_S);
		rc = xh_lab_open(&l, o, err, errlen);
	}
	if (rc == 0)
		rc = xh_steps(p, o, &l, veth, f, err, errlen);
	if (veth)
		xh_lab_close(&l);
	if (rc < 0)
		return -1;
	if (!f[XH_SHM].lat_ok || !f[XH_TCP_LO].lat_ok || (veth && !f[XH_TCP_VETH].lat_ok)) {
		int c = !f[XH_SHM].lat_ok ? XH_SHM : !f[XH_TCP_LO].lat_ok ? XH_TCP_LO : XH_TCP_VETH;

		error_set(err, errlen, "%s could not be measured: %.200s", xh_configs[c].label,
			  f[c].error);
		return -1;
	}
	xh_lesson(p, f, veth, why, lesson, len);
	/* the round-trip ratios the lesson draws, over each step's reps */
	exp_claim(o, &(struct exp_cmp){ .a = { "shm", f[XH_SHM].rtt, f[XH_SHM].nlat, NULL },
		.b = { "tcp over loopback", f[XH_TCP_LO].rtt, f[XH_TCP_LO].nlat, NULL },
		.unit = "ns" });
	if (veth)
		exp_claim(o, &(struct exp_cmp){
			.a = { "tcp across the veth", f[XH_TCP_VETH].rtt, f[XH_TCP_VETH].nlat, NULL },
			.b = { "tcp over loopback", f[XH_TCP_LO].rtt, f[XH_TCP_LO].nlat, NULL },
			.unit = "ns", .kind = f[XH_TCP_VETH].rtt_ns < f[XH_TCP_LO].rtt_ns *
			XH_CLOSE_CALL && f[XH_TCP_LO].rtt_ns < f[XH_TCP_VETH].rtt_ns *
			XH_CLOSE_CALL ? EXP_ALIKE : EXP_DIFFERS });
	return 0;
}

static const struct dparam xh_params[] = {
	/* 50 ms a rep: still thousands of round trips, and megabytes through
	   the limited link, whose rate the receiver's clock times */
	{ "duration", DP_REAL, 0.05, 5, "0.05", "seconds of each rep",
	  offsetof(struct xh_params, duration) },
	{ "reps", DP_INT, 1, XH_REPS_MAX, "3", "reps of each measurement",
	  offsetof(struct xh_params, reps) },
	{ "rate_mbit", DP_INT, 10, 10000, "100", "the limited link's rate in Mbit/s (tbf)",
	  offsetof(struct xh_params, rate_mbit) },
	{ "size", DP_SIZE, 64, 1 << 20, "16K", "bytes per message of the throughput steps",
	  offsetof(struct xh_params, size) },
	{ "lat_size", DP_SIZE, 1, 1 << 20, "64", "bytes per message of the round-trip steps",
	  offsetof(struct xh_params, lat_size) },
	{ 0 }
};

static const struct exp_demo xh_exp = {
	.params = xh_params,
	.params_size = sizeof(struct xh_params),
	.chart = "{\"kind\":\"bar\",\"y\":[\"rtt_p50_ns\"],\"unit\":\"round trip p50\",\"also\":"
		 "[\"one_way_p50_ns\",\"bytes_per_s\",\"msgs_per_s\"]}",
	.run = xh_run,
};

const struct demo demo_cross_host = {
	.name = "cross-host",
	.title = "The machine boundary",
	.claim = "Shared memory doesn't cross machine boundaries; TCP does, and crossing a link "
		 "costs round-trip time and, on a limited link, throughput.",
	.method = "shm, unix and tcp over loopback, then tcp across a veth pair between two "
		  "network namespaces (an ipcscope peer in one) and at a limited rate (tbf): "
		  "round trip p50 and throughput of each.",
	.exp = &xh_exp,
};
