/* test_diff.c -- two runs compared across time, on runs' NDJSON text: the
   verdict per mechanism and size (throughput higher is better, latency
   lower), rows in one run only, what moved on the machine, the threshold,
   and text that is not a run's lines */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stats/diff.h"

#define REPS 12
#define BUF (64u << 10)
#define LINES_MAX 64

/* a spread of rep-to-rep noise, +-8 %, the same in every run */
static const double noise[REPS] = { 0.95, 1.03, 0.99, 1.08, 0.92, 1.01, 0.97, 1.05, 1.00, 0.94, 1.06, 0.98 };

struct lines {
	cJSON *l[LINES_MAX];
	int n;
};

static void keep(void *ctx, cJSON *line)
{
	struct lines *k = ctx;

	assert_true(k->n < LINES_MAX);
	k->l[k->n++] = line;
}

static void drop(struct lines *k)
{
	for (int i = 0; i < k->n; i++)
		cJSON_Delete(k->l[i]);
	k->n = 0;
}

/* how far the reps spread: 1 as noise[], 0.125 one eighth of it */
static double spread = 1;
/* each rep's cache-line round trip (ns), or NULL: the reps say none */
static const double *rtt_ns;
/* each rep's rate times this, or NULL: times 1 */
static const double *rep_scale;

static double rep_noise(int i, int m)
{
	return 1 + (noise[(i + 5 * m) % REPS] - 1) * spread;
}

/* run_text: a run's lines: mechs[i] at rate[i] (latency: p50 ns), with
   kernel, into buf */
static const char *run_text(char *buf, const char *kernel, bool latency, int nmech,
			    const char *const *mechs, const double *rate)
{
	int off = snprintf(buf, BUF, "{\"type\":\"start\",\"run\":\"cli-1\",\"what\":\"compare\","
			   "\"params\":{\"mode\":\"%s\",\"size\":64},\"system\":{\"kernel\":\"%s\","
			   "\"cpu_model\":\"AMD EPYC\",\"cores\":2}}\n",
			   latency ? "latency" : "throughput", kernel);

	for (int i = 0; i < REPS; i++)
		for (int m = 0; m < nmech; m++) {
			char intf[96] = "";

			if (rtt_ns)
				snprintf(intf, sizeof(intf), ",\"interference\":{\"line_rtt_ns\":%.1f}",
					 rtt_ns[i]);
			off += latency ?
				snprintf(buf + off, BUF - (size_t)off, "{\"type\":\"result\",\"mechanism\":"
					 "\"%s\",\"rep\":%d,\"size\":64,\"msgs_per_s\":1000,"
					 "\"latency_ns\":{\"p50\":%.3f}%s}\n", mechs[m], i + 1,
					 rate[m] * rep_noise(i, m) * (rep_scale ? rep_scale[i] : 1), intf) :
				snprintf(buf + off, BUF - (size_t)off, "{\"type\":\"result\",\"mechanism\":"
					 "\"%s\",\"rep\":%d,\"size\":64,\"msgs_per_s\":%.3f%s}\n", mechs[m],
					 i + 1, rate[m] * rep_noise(i, m) * (rep_scale ? rep_scale[i] : 1), intf);
		}
	snprintf(buf + off, BUF - (size_t)off, "{\"type\":\"end\",\"status\":\"ok\",\"elapsed_s\":1}\n");
	return buf;
}

static const cJSON *row_of(const struct lines *k, const char *label)
{
	for (int i = 0; i < k->n; i++) {
		const cJSON *l = k->l[i];

		if (!strcmp(cJSON_GetObjectItem(l, "type")->valuestring, "diff_row") &&
		    !strcmp(cJSON_GetObjectItem(l, "label")->valuestring, label))
			return l;
	}
	return NULL;
}

static const char *str(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItem(o, key);

	return cJSON_IsString(v) ? v->valuestring : "";
}

static enum diff_outcome diff(const char *a, const char *b, double threshold, struct lines *k)
{
	struct diff_input ia = { "a", a, strlen(a) }, ib = { "b", b, strlen(b) };
	char err[DIFF_ERR_MAX];

	return diff_runs(&ia, &ib, threshold, keep, k, err, sizeof(err));
}

/* unix at half the rate: slower beyond 5 %, exit 1; pipe the same: no
   change; the rank-sum estimate is the factor itself */
static void test_throughput(void **state)
{
	static const char *const mechs[] = { "pipe", "unix" };
	static const double ra[] = { 1e6, 5e5 }, rb[] = { 1e6, 2.5e5 };
	char *a = malloc(BUF), *b = malloc(BUF);
	struct lines k = { .n = 0 };
	const cJSON *u, *p, *end;

	(void)state;
	assert_int_equal(diff(run_text(a, "Linux 6.1", false, 2, mechs, ra),
			      run_text(b, "Linux 6.1", false, 2, mechs, rb), 5, &k), DIFF_SLOWER);
	u = row_of(&k, "unix");
	p = row_of(&k, "pipe");
	assert_non_null(u);
	assert_non_null(p);
	assert_string_equal(str(u, "change"), "slower");
	assert_string_equal(str(u, "direction"), "slower");
	assert_string_equal(str(u, "verdict"), "clear");
	assert_string_equal(str(u, "method"), "rank-sum");
	assert_true(fabs(cJSON_GetObjectItem(u, "estimate")->valuedouble - 0.5) < 1e-9);
	assert_true(cJSON_GetObjectItem(u, "ci_high")->valuedouble < 1);
	assert_string_equal(str(p, "change"), "no change");
	assert_string_equal(str(p, "verdict"), "same");
	end = k.l[k.n - 1];
	assert_string_equal(str(end, "type"), "diff_end");
	assert_string_equal(str(end, "status"), "slower");
	assert_string_equal(cJSON_GetArrayItem(cJSON_GetObjectItem(end, "slower_rows"), 0)->valuestring,
			    "unix 64 B");
	assert_false(cJSON_IsTrue(cJSON_GetObjectItem(k.l[0], "platform_moved")));
	drop(&k);

	/* a threshold of 150 % lets a 2x slowdown pass; the other way round
	   it is faster, which passes too */
	assert_int_equal(diff(a, b, 150, &k), DIFF_SAME);
	drop(&k);
	assert_int_equal(diff(b, a, 5, &k), DIFF_SAME);
	assert_string_equal(str(row_of(&k, "unix"), "change"), "faster");
	drop(&k);
	free(a);
	free(b);
}

/* Two runs are not interleaved: each run's level may sit off the
   machine's own by as much as its reps spread, so the interval is widened
   by that. 7 % slower with +-8 % rep noise lies within it: no change, at
   the 5 % threshold and at 0; 25 % slower is slower with its whole
   interval. With reps 8 times tighter, the same 7 % is slower (and the
   allowance is 8 times smaller). */
static void test_run_noise(void **state)
{
	static const char *const mechs[] = { "pipe", "unix" };
	static const double ra[] = { 1e6, 1e6 }, rb[] = { 0.93e6, 0.75e6 };
	char *a = malloc(BUF), *b = malloc(BUF);
	struct lines k = { .n = 0 };
	const cJSON *p, *u;
	double wide;

	(void)state;
	run_text(a, "Linux 6.1", false, 2, mechs, ra);
	run_text(b, "Linux 6.1", false, 2, mechs, rb);
	assert_int_equal(diff(a, b, 5, &k), DIFF_SLOWER);
	p = row_of(&k, "pipe");
	u = row_of(&k, "unix");
	assert_string_equal(str(p, "verdict"), "same");
	assert_string_equal(str(p, "change"), "no change");
	assert_true(cJSON_GetObjectItem(p, "ci_high")->valuedouble > 1);
	wide = cJSON_GetObjectItem(p, "run_noise_pct")->valuedouble;
	assert_true(wide > 8 && wide < 30);
	assert_string_equal(str(u, "verdict"), "clear");
	assert_string_equal(str(u, "change"), "slower");
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(k.l[k.n - 1], "slower_rows")), 1);
	drop(&k);
	assert_int_equal(diff(a, b, 0, &k), DIFF_SLOWER);
	assert_string_equal(str(row_of(&k, "pipe"), "change"), "no change");
	drop(&k);

	spread = 0.125;
	run_text(a, "Linux 6.1", false, 2, mechs, ra);
	run_text(b, "Linux 6.1", false, 2, mechs, rb);
	assert_int_equal(diff(a, b, 5, &k), DIFF_SLOWER);
	p = row_of(&k, "pipe");
	assert_string_equal(str(p, "change"), "slower");
	assert_true(fabs(cJSON_GetObjectItem(p, "run_noise_pct")->valuedouble - wide / 8) < wide / 16);
	drop(&k);
	spread = 1;
	free(a);
	free(b);
}

/* Reps of one placement of the CPUs against the same placement only: a
   run whose first 4 reps ran with the CPUs apart (400 ns) and at a third
   of the rate is judged on its other 8; a run wholly apart against one
   wholly close is not judged at all */
static void test_placement(void **state)
{
	static const char *const mechs[] = { "shm" };
	static const double r1[] = { 1e6 };
	static const double close[REPS] = { 90, 95, 88, 92, 91, 97, 93, 89, 94, 90, 96, 92 };
	static const double apart[REPS] = { 400, 410, 395, 405, 398, 402, 407, 399, 401, 404, 396, 403 };
	double mixed[REPS], third[REPS];
	char *a = malloc(BUF), *b = malloc(BUF);
	struct lines k = { .n = 0 };
	const cJSON *s;

	(void)state;
	for (int i = 0; i < REPS; i++) {
		mixed[i] = i < 4 ? apart[i] : close[i];
		third[i] = i < 4 ? 1 / 3.0 : 1;
	}
	rtt_ns = close;
	run_text(a, "Linux 6.1", false, 1, mechs, r1);
	rtt_ns = mixed;
	rep_scale = third;     /* the apart reps at a third of the rate */
	run_text(b, "Linux 6.1", false, 1, mechs, r1);
	rep_scale = NULL;
	assert_int_equal(diff(a, b, 5, &k), DIFF_SAME);
	s = row_of(&k, "shm");
	assert_string_equal(str(s, "change"), "no change");
	assert_int_equal((int)cJSON_GetObjectItem(s, "b_reps")->valuedouble, 8);
	assert_int_equal((int)cJSON_GetObjectItem(s, "a_reps")->valuedouble, 12);
	assert_non_null(strstr(str(s, "placement"), "8 of b's 12"));
	drop(&k);

	/* 7 of b's 12 apart and at a third of the rate: the medians shown are
	   of the 5 compared, not of every rep (which would put b at a third) */
	for (int i = 0; i < REPS; i++) {
		mixed[i] = i < 7 ? apart[i] : close[i];
		third[i] = i < 7 ? 1 / 3.0 : 1;
	}
	rtt_ns = mixed;
	rep_scale = third;
	run_text(b, "Linux 6.1", false, 1, mechs, r1);
	rep_scale = NULL;
	assert_int_equal(diff(a, b, 5, &k), DIFF_SAME);
	s = row_of(&k, "shm");
	assert_int_equal((int)cJSON_GetObjectItem(s, "b_reps")->valuedouble, 5);
	assert_true(fabs(cJSON_GetObjectItem(s, "ratio")->valuedouble - 1) < 0.1);
	drop(&k);

	rtt_ns = apart;
	run_text(b, "Linux 6.1", false, 1, mechs, r1);
	assert_int_equal(diff(a, b, 5, &k), DIFF_SAME);
	s = row_of(&k, "shm");
	assert_string_equal(str(s, "change"), "unknown");
	assert_string_equal(str(s, "verdict"), "unknown");
	assert_non_null(strstr(str(s, "unreliable"), "placed the two CPUs differently"));
	assert_int_equal((int)cJSON_GetObjectItem(k.l[k.n - 1], "unknown")->valuedouble, 1);
	drop(&k);
	rtt_ns = NULL;
	free(a);
	free(b);
}

/* latency: lower is better, so twice the p50 is slower */
static void test_latency(void **state)
{
	static const char *const mechs[] = { "pipe" };
	static const double ra[] = { 5000 }, rb[] = { 10000 };
	char *a = malloc(BUF), *b = malloc(BUF);
	struct lines k = { .n = 0 };
	const cJSON *p;

	(void)state;
	assert_int_equal(diff(run_text(a, "Linux 6.1", true, 1, mechs, ra),
			      run_text(b, "Linux 6.1", true, 1, mechs, rb), 5, &k), DIFF_SLOWER);
	p = row_of(&k, "pipe");
	assert_string_equal(str(p, "metric"), "latency_p50_ns");
	assert_false(cJSON_IsTrue(cJSON_GetObjectItem(p, "higher_is_better")));
	assert_string_equal(str(p, "change"), "slower");
	assert_true(fabs(cJSON_GetObjectItem(p, "factor")->valuedouble - 2) < 1e-9);
	drop(&k);
	free(a);
	free(b);
}

/* a mechanism in one run only; another kernel said as a move */
static void test_missing_and_moved(void **state)
{
	static const char *const ma[] = { "pipe", "unix" }, *const mb[] = { "pipe", "tcp" };
	static const double r[] = { 1e6, 5e5 };
	char *a = malloc(BUF), *b = malloc(BUF);
	struct lines k = { .n = 0 };
	const cJSON *moves;

	(void)state;
	assert_int_equal(diff(run_text(a, "Linux 6.1", false, 2, ma, r),
			      run_text(b, "Linux 6.8", false, 2, mb, r), 5, &k), DIFF_SAME);
	assert_string_equal(str(row_of(&k, "unix"), "change"), "only in a");
	assert_string_equal(str(row_of(&k, "tcp"), "change"), "only in b");
	assert_string_equal(str(row_of(&k, "pipe"), "change"), "no change");
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(k.l[0], "platform_moved")));
	moves = cJSON_GetObjectItem(k.l[0], "moves");
	assert_int_equal(cJSON_GetArraySize(moves), 1);
	assert_string_equal(cJSON_GetArrayItem(moves, 0)->valuestring,
			    "kernel: Linux 6.1, then Linux 6.8");
	assert_int_equal((int)cJSON_GetObjectItem(k.l[k.n - 1], "missing")->valuedouble, 2);
	drop(&k);
	free(a);
	free(b);
}

/* text that is not a run's lines: nothing emitted, the reason given */
static void test_not_a_run(void **state)
{
	static const char *const mechs[] = { "pipe" };
	static const double r[] = { 1e6 };
	static const char *const bad[] = {
		"", "not json\n", "{\"type\":\"result\",\"mechanism\":\"pipe\"}\n",
		"{\"type\":\"start\"}\n{\"type\":\"end\"}\n", "[1,2]\n", "{\"no\":\"type\"}\n",
	};
	char *a = malloc(BUF), *lat = malloc(BUF), err[DIFF_ERR_MAX];
	struct lines k = { .n = 0 };

	(void)state;
	run_text(a, "Linux 6.1", false, 1, mechs, r);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct diff_input ia = { "a", a, strlen(a) }, ib = { "junk", bad[i], strlen(bad[i]) };

		err[0] = '\0';
		assert_int_equal(diff_runs(&ia, &ib, 5, keep, &k, err, sizeof(err)), DIFF_BAD);
		assert_int_equal(k.n, 0);
		assert_non_null(strstr(err, "'junk'"));
	}
	/* throughput against latency does not compare */
	run_text(lat, "Linux 6.1", true, 1, mechs, r);
	assert_int_equal(diff(a, lat, 5, &k), DIFF_BAD);
	assert_int_equal(k.n, 0);
	free(a);
	free(lat);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_throughput),
		cmocka_unit_test(test_run_noise),
		cmocka_unit_test(test_placement),
		cmocka_unit_test(test_latency),
		cmocka_unit_test(test_missing_and_moved),
		cmocka_unit_test(test_not_a_run),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
