/* test_demo_cores.c -- the demos' own experiments with small params: what
   must hold on any machine, and lessons that quote their figures formatted */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <sys/stat.h>
#include <unistd.h>

#include "demos/cores.h"
#include "base/human.h"

#define LESSON_LEN 2048

/* lesson_ok: the lesson is there, holds every figure in want (NULL-ended)
   and no unformatted number */
static void lesson_ok(const char *lesson, const char *const *want)
{
	char bad[64];

	assert_true(strlen(lesson) > 40);
	if (human_check(lesson, bad, sizeof(bad)) != 0)
		fail_msg("unformatted number '%s' in: %s", bad, lesson);
	for (int i = 0; want && want[i]; i++)
		if (!strstr(lesson, want[i]))
			fail_msg("'%s' missing from: %s", want[i], lesson);
}

static void test_human(void **state)
{
	char b[HUMAN_LEN], bad[64];

	(void)state;
	assert_string_equal(human_si(756655, "messages/s", b, sizeof(b)), "757 k messages/s");
	assert_string_equal(human_si(1.5e6, "", b, sizeof(b)), "1.5 M");
	assert_string_equal(human_si(999.7, "", b, sizeof(b)), "1 k");
	assert_string_equal(human_count(1234567, b, sizeof(b)), "1,234,567");
	assert_string_equal(human_count(12, b, sizeof(b)), "12");
	assert_string_equal(human_seconds(7.85, b, sizeof(b)), "7.85 s");
	assert_string_equal(human_seconds(0.0123, b, sizeof(b)), "12.3 ms");
	assert_string_equal(human_seconds(4.2e-6, b, sizeof(b)), "4.2 µs");
	assert_string_equal(human_seconds(85e-9, b, sizeof(b)), "85 ns");
	assert_string_equal(human_bytes(1 << 20, b, sizeof(b)), "1 MiB");
	assert_string_equal(human_bytes(64, b, sizeof(b)), "64 B");
	assert_string_equal(human_rate_bytes(4.2e9, b, sizeof(b)), "4.2 GB/s");
	assert_string_equal(human_ratio(22.4, b, sizeof(b)), "22×");
	assert_string_equal(human_ratio(1.07, b, sizeof(b)), "1.07×");
	assert_string_equal(human_pct(48.2, b, sizeof(b)), "48.2%");
	assert_string_equal(human_pct(10227, b, sizeof(b)), "10,227%");
	assert_int_equal(human_check("757 k messages/s, 22× slower, 7.9 s, 1,234,567", bad,
				     sizeof(bad)), 0);
	assert_int_equal(human_check("pid 123456 sent it", bad, sizeof(bad)), 0);
	assert_int_equal(human_check("756655 messages/s", bad, sizeof(bad)), -1);
	assert_int_equal(human_check("7.85e+03 ms", bad, sizeof(bad)), -1);
	assert_int_equal(human_check("0.001532 s", bad, sizeof(bad)), -1);
}

static void test_dparam(void **state)
{
	const struct exp_demo *all[] = { &race_exp, &fs_exp, &framing_exp, &ct_exp, &zc_exp,
					 &cleanup_exp, &peercred_exp, &ser_exp, &decide_exp };
	struct race_params rp;
	char err[DPARAM_ERR_LEN], buf[4096];

	(void)state;
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		cJSON *chart = cJSON_Parse(all[i]->chart);
		assert_true(all[i]->params_size <= sizeof(buf));
		if (dparam_defaults(all[i]->params, buf, err, sizeof(err)) != 0)
			fail_msg("demo %zu: %s", i, err);
		assert_non_null(cJSON_GetObjectItemCaseSensitive(chart, "kind"));
		cJSON_Delete(chart);
	}
	assert_int_equal(dparam_defaults(race_exp.params, &rp, err, sizeof(err)), 0);
	assert_int_equal(rp.procs, 4);
	assert_int_equal(rp.adds, 5000000);
	assert_int_equal(dparam_set(race_exp.params, &rp, "adds", "20K", err, sizeof(err)), 0);
	assert_int_equal(rp.adds, 20000);
	assert_int_equal(dparam_set(race_exp.params, &rp, "procs", "17", err, sizeof(err)), -1);
	assert_string_equal(err, "bad value '17' for procs: expected a whole number 2..16");
	assert_int_equal(dparam_set(race_exp.params, &rp, "procs", "-3", err, sizeof(err)), -1);
	assert_int_equal(dparam_set(race_exp.params, &rp, "procs", "", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "needs a value"));
	assert_int_equal(dparam_set(race_exp.params, &rp, "size", "4", err, sizeof(err)), -1);
	assert_string_equal(err, "unknown parameter 'size': this demo takes procs, adds");
	assert_int_equal(dparam_set(peercred_exp.params, buf, "x", "1", err, sizeof(err)), -1);
	assert_string_equal(err, "unknown parameter 'x': this demo takes none");
	assert_int_equal(dparam_set(fs_exp.params, buf, "duration", "nan", err, sizeof(err)), -1);
	assert_int_equal(dparam_set(fs_exp.params, buf, "duration", "0.5s", err, sizeof(err)), -1);
	assert_int_equal(dparam_set(zc_exp.params, buf, "frame", "8M", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "frame"));
}

static void test_race(void **state)
{
	struct race_params p = { .procs = 3, .adds = 200000 };
	struct race_result r;
	char err[256], lesson[LESSON_LEN], actual[HUMAN_LEN], expected[HUMAN_LEN];

	(void)state;
	if (race_run(&p, &r, NULL, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	for (int v = RACE_ATOMIC; v < RACE_NVARIANTS; v++) {
		assert_true(r.v[v].ok);
		assert_int_equal(r.v[v].expected, 600000);
		assert_int_equal(r.v[v].actual, r.v[v].expected);
	}
	/* the unsynchronised count is whatever happened, but never above the truth */
	assert_int_equal(r.v[RACE_NONE].expected, 600000);
	assert_true(r.v[RACE_NONE].actual <= r.v[RACE_NONE].expected);
	assert_true(r.v[RACE_NONE].actual > 0);
	race_lesson(&r, lesson, sizeof(lesson));
	human_count(r.v[RACE_NONE].actual, actual, sizeof(actual));
	human_count(r.v[RACE_NONE].expected, expected, sizeof(expected));
	lesson_ok(lesson, (const char *const[]){ actual, expected, NULL });
}

static void test_false_sharing(void **state)
{
	struct fs_params p = { .duration = 0.05, .reps = 1 };
	struct fs_result r;
	char err[256], lesson[LESSON_LEN], same[HUMAN_LEN], pad[HUMAN_LEN];

	(void)state;
	if (fs_run(&p, &r, NULL, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	for (int k = 0; k < FS_NLAYOUTS; k++) {
		assert_true(r.l[k].ok);
		assert_int_equal(r.l[k].gap, fs_gaps[k]);
		assert_true(r.l[k].rate[0] > 0 && r.l[k].rate[1] > 0);
	}
	fs_lesson(&r, lesson, sizeof(lesson));
	human_si(r.l[0].total, "", same, sizeof(same));
	human_si(r.l[1].total, "increments/s", pad, sizeof(pad));
	lesson_ok(lesson, (const char *const[]){ same, pad, NULL });
}

static void test_framing(void **state)
{
	struct framing_params p = { .count = 3000 };
	struct framing_result r;
	char err[256], lesson[LESSON_LEN], reads[HUMAN_LEN];

	(void)state;
	if (framing_run(&p, &r, NULL, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	for (int k = 0; k < FR_NKINDS; k++) {
		const struct framing_outcome *f = &r.k[k];
		assert_int_equal(f->framed_count, p.count);
		assert_int_equal(f->framed_verified, p.count);
		/* the naive parser is wrong, or nothing merged or split this time */
		if (f->naive_count == p.count && f->naive_intact == p.count)
			assert_true(f->merged_reads == 0 && f->split_msgs == 0);
		else
			assert_true(f->merged_reads + f->split_msgs > 0);
	}
	framing_lesson(&r, lesson, sizeof(lesson));
	human_count(r.k[FR_NEWLINE].naive_count, reads, sizeof(reads));
	lesson_ok(lesson, (const char *const[]){ reads, "3,000", NULL });
}

static void test_contention(void **state)
{
	struct ct_params p = { .duration = 0.04, .reps = 2 };
	struct ct_result r;
	char err[256], lesson[LESSON_LEN], one[HUMAN_LEN];
	uint64_t total = 0;

	(void)state;
	if (ct_run(&p, &r, NULL, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	/* a starved consumer may take nothing in a short window on a busy
	   machine; what it takes comes in each producer's order */
	for (int q = 0; q < CT_NQUEUES; q++)
		for (int k = 0; k < CT_NCOUNTS; k++) {
			assert_true(r.c[q][k].ok);
			assert_int_equal(r.c[q][k].out_of_order, 0);
			assert_true(r.c[q][k].msgs_per_s * p.duration > r.c[q][k].received - 1.0);
			total += r.c[q][k].received;
		}
	assert_true(total > 0);
	/* each rep's share kept at eight producers, for the lesson's check */
	assert_int_equal(r.reps, 2);
	for (int q = 0; q < CT_NQUEUES; q++)
		for (int i = 0; i < r.reps; i++)
			assert_true(r.kept[q][i] >= 0);
	ct_lesson(&r, lesson, sizeof(lesson));
	human_si(r.c[CT_MQ][0].msgs_per_s, "", one, sizeof(one));
	lesson_ok(lesson, (const char *const[]){ one, NULL });
}

static void test_zero_copy(void **state)
{
	struct zc_params p = { .frame = 64 << 10, .frames = 40, .slots = 4, .reps = 1 };
	struct zc_result r;
	char err[256], lesson[LESSON_LEN], rate[HUMAN_LEN];

	(void)state;
	if (zc_run(&p, &r, NULL, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	for (int v = 0; v < ZC_NVARIANTS; v++) {
		assert_true(r.v[v].ok);
		assert_int_equal(r.v[v].frames, 40);
		assert_int_equal(r.v[v].verified, 40);     /* every checksum matched */
	}
	assert_true(r.v[ZC_POOL].wire_bytes < r.v[ZC_COPY].wire_bytes / 100);
	zc_lesson(&r, lesson, sizeof(lesson));
	human_rate_bytes(r.v[ZC_COPY].bytes_per_s, rate, sizeof(rate));
	lesson_ok(lesson, (const char *const[]){ rate, "40 of 40", NULL });
}

static void test_cleanup(void **state)
{
	struct cleanup_result r;
	char err[256], lesson[LESSON_LEN];
	struct stat st;

	(void)state;
	if (cleanup_demo_run(&r, NULL, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	for (int k = 0; k < CL_NOBJECTS; k++) {
		assert_false(r.after[k]);
		if (r.left[k])
			assert_true(r.restart_errno[k] != 0);
	}
	for (int k = CL_SHM; k <= CL_SOCKET; k++)
		assert_true(lstat(r.where[k], &st) < 0);
	cleanup_demo_lesson(&r, lesson, sizeof(lesson));
	lesson_ok(lesson, (const char *const[]){ "none of the 4 is left", NULL });
}

static void test_peercred(void **state)
{
	struct peercred_result r;
	char err[256], lesson[LESSON_LEN], pid[32];

	(void)state;
	if (peercred_run(&r, NULL, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_true(r.truth.pid > 0 && r.truth.pid != getpid());
	assert_int_equal(r.peercred.pid, r.truth.pid);
	assert_int_equal(r.peercred.uid, getuid());
	assert_int_equal(r.peercred.gid, getgid());
	assert_int_equal(r.claimed.pid, 1);
	assert_true(r.claimed.uid != (long)getuid());
	peercred_lesson(&r, lesson, sizeof(lesson));
	snprintf(pid, sizeof(pid), "pid %ld", r.truth.pid);
	lesson_ok(lesson, (const char *const[]){ pid, NULL });
}

static void test_serialization(void **state)
{
	struct ser_params p = { .count = 300, .text = 1000 };
	struct ser_result r;
	char err[256], lesson[LESSON_LEN], json[HUMAN_LEN];

	(void)state;
	if (ser_run(&p, &r, NULL, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	for (int f = 0; f < SER_NFORMATS; f++) {
		assert_true(r.f[f].ok);
		assert_int_equal(r.f[f].verified, 300);
		assert_true(r.f[f].wire_bytes > 1000);
		assert_true(r.f[f].encode_s > 0 && r.f[f].decode_s > 0);
	}
	ser_lesson(&r, lesson, sizeof(lesson));
	human_seconds(r.f[SER_JSON].encode_s + r.f[SER_JSON].decode_s, json, sizeof(json));
	lesson_ok(lesson, (const char *const[]){ json, NULL });
	/* no text at all: protobuf's record 0 is every field at its default,
	   zero bytes on the wire, and still a record */
	p = (struct ser_params){ .count = 20, .text = 0 };
	if (ser_run(&p, &r, NULL, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	for (int f = 0; f < SER_NFORMATS; f++)
		assert_int_equal(r.f[f].verified, 20);
}

static void test_decide_flow(void **state)
{
	static const struct {
		struct decide_params p;
		enum decide_branch want;
		const char *rec;
	} cases[] = {
		{ { .remote = 1, .size = 1 << 20, .rate = 1e5, .latency_ns = 100 }, DB_REMOTE, "tcp" },
		{ { .size = 200000, .rate = 20000 }, DB_BIG_FAST, "shm-ring" },
		{ { .size = 100000, .rate = 20000 }, DB_MESSAGES, "unix" },   /* not > 100 KB */
		{ { .size = 200000, .rate = 10000 }, DB_MESSAGES, "unix" },   /* not > 10 k/s */
		{ { .size = 64, .latency_ns = 500 }, DB_TIGHT, "shm" },
		{ { .size = 64, .latency_ns = 1000 }, DB_MESSAGES, "unix" },  /* not < 1 µs */
		{ { .size = 4096, .rate = 1000 }, DB_MESSAGES, "unix" },
	};
	struct decide_plan plan;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		decide_answer(&cases[i].p, &plan);
		assert_int_equal(plan.branch, cases[i].want);
		assert_string_equal(plan.rec, cases[i].rec);
		assert_string_not_equal(plan.alt, plan.rec);
		assert_int_equal(plan.latency, cases[i].p.latency_ns > 0);
	}
}

static void test_decide_run(void **state)
{
	struct decide_params p = { .size = 4096, .rate = 1000, .duration = 0.02, .reps = 1 };
	struct decide_result r;
	char err[256], lesson[LESSON_LEN], rate[HUMAN_LEN];

	(void)state;
	if (decide_run(&p, &r, NULL, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_string_equal(r.plan.rec, "unix");
	assert_true(r.rec.ok && r.alt.ok);
	assert_true(r.rec.msgs_per_s > 0);
	decide_lesson(&r, lesson, sizeof(lesson));
	human_si(r.rec.msgs_per_s, "", rate, sizeof(rate));
	lesson_ok(lesson, (const char *const[]){ rate, "unix", "pipe", NULL });
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_human),
		cmocka_unit_test(test_dparam),
		cmocka_unit_test(test_race),
		cmocka_unit_test(test_false_sharing),
		cmocka_unit_test(test_framing),
		cmocka_unit_test(test_contention),
		cmocka_unit_test(test_zero_copy),
		cmocka_unit_test(test_cleanup),
		cmocka_unit_test(test_peercred),
		cmocka_unit_test(test_serialization),
		cmocka_unit_test(test_decide_flow),
		cmocka_unit_test(test_decide_run),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
