/* test_params_limits.c -- the strict param parser: ci, count against duration, caps, mechanism options and limits, random input (API.md §3) */

#include "params_check.h"
#include "stats/robust.h"

/* compare's defaults serve its stopping rule: at most reps the median's
   order-statistic interval leaves three disturbed reps at either end out,
   and the twenty local mechanisms at about 10 ms of per-rep overhead fit
   15 s even when every job runs all its reps */
static void test_ci_defaults(void **state)
{
	struct bench_params p;
	double x[PARAMS_REPS_MAX];
	int n, k = 0;

	(void)state;
	params_init(&p, CMD_COMPARE);
	n = (int)p.reps;
	assert_true(n <= PARAMS_REPS_MAX);
	for (int i = 0; i < 3; i++) {
		x[k++] = 40;       /* starved by another process */
		x[k++] = 250;      /* a lucky burst */
	}
	while (k < n) {
		x[k] = 100 + 2 * (k % 3 - 1);   /* the rest within +-2 % */
		k++;
	}
	assert_true(robust_ci_reached(x, n, PARAMS_CI_DEFAULT));
	assert_true(20 * n * (p.duration + 0.010) <= 15.0);
	assert_true(p.duration >= 0.02);   /* a rep still long against a timer tick */
}

static void test_ci(void **state)
{
	static const char *const bad[] = { "-1", "0.05", "100.5", "101", "abc", "1e1",
					   "5%", " 5", ".", "inf", "nan" };
	struct bench_params p;

	(void)state;
	/* bench: off unless asked; compare and demos: on, reps the maximum */
	params_init(&p, CMD_BENCH);
	assert_true(p.ci == 0);
	params_init(&p, CMD_COMPARE);
	assert_true(p.ci == PARAMS_CI_DEFAULT);
	assert_int_equal(p.reps, PARAMS_CI_DEFAULT_REPS);
	params_init(&p, CMD_DEMO);
	assert_true(p.ci == PARAMS_CI_DEFAULT);
	params_init(&p, CMD_BENCH);
	accept_ok(&p, "ci", "2.5");
	assert_true(p.ci == 2.5);
	params_init(&p, CMD_COMPARE);
	accept_ok(&p, "ci", "0");
	assert_true(p.ci == 0);
	params_init(&p, CMD_SWEEP);
	accept_ok(&p, "ci", "100");
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		reject("ci", bad[i], "0.1..100", "off");
}

static void test_gap(void **state)
{
	static const char *const bad[] = { "-0.1", "1.01", "2", "abc", "1e-1", "0.1s",
					   " 0.1", "inf", "nan" };
	struct bench_params p;

	(void)state;
	params_init(&p, CMD_COMPARE);
	assert_true(p.gap == 0);
	accept_ok(&p, "gap", "0.2");
	assert_true(p.gap == 0.2);
	params_init(&p, CMD_BENCH);
	accept_ok(&p, "gap", "1");
	assert_true(p.gap == 1);
	params_init(&p, CMD_SWEEP);
	accept_ok(&p, "gap", "0");
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		reject("gap", bad[i], "0..1", "pause");
}

static void test_count_and_duration(void **state)
{
	struct bench_params p;
	struct param_error e;

	(void)state;
	bench_of(&p, "pipe");
	accept_ok(&p, "count", "1000");
	accept_ok(&p, "duration", "1");
	fresh_err(&e);
	assert_int_equal(params_finish(&p, &e), -1);
	assert_true(strcmp(e.param, "count") == 0 || strcmp(e.param, "duration") == 0);
	assert_non_null(strstr(e.message, "count"));
	assert_non_null(strstr(e.message, "duration"));

	bench_of(&p, "pipe");
	accept_ok(&p, "count", "1000");
	fresh_err(&e);
	assert_int_equal(params_finish(&p, &e), 0);
	assert_int_equal(p.count, 1000);
}

static void test_latency_count_cap(void **state)
{
	struct bench_params p;
	struct param_error e;
	char cap[32], over[32];

	(void)state;
	snprintf(cap, sizeof(cap), "%llu", PARAMS_LAT_COUNT_MAX);
	snprintf(over, sizeof(over), "%llu", PARAMS_LAT_COUNT_MAX + 1);
	bench_of(&p, "pipe");
	accept_ok(&p, "mode", "latency");
	accept_ok(&p, "count", over);
	fresh_err(&e);
	assert_int_equal(params_finish(&p, &e), -1);
	check_err(&e, "count", cap, NULL);
	bench_of(&p, "pipe");
	accept_ok(&p, "mode", "latency");
	accept_ok(&p, "count", cap);
	assert_int_equal(params_finish(&p, &e), 0);
	/* throughput keeps no per-message data: the larger cap applies */
	bench_of(&p, "pipe");
	accept_ok(&p, "count", over);
	assert_int_equal(params_finish(&p, &e), 0);
}

static void test_sync_only_shm(void **state)
{
	struct bench_params p;
	struct param_error e;

	(void)state;
	bench_of(&p, "pipe");
	accept_ok(&p, "sync", "sem");
	fresh_err(&e);
	assert_int_equal(params_finish(&p, &e), -1);
	check_err(&e, "sync", "shm", NULL);

	if (mech_find("shm")) {
		bench_of(&p, "shm");
		accept_ok(&p, "sync", "mutex");
		assert_int_equal(params_finish(&p, &e), 0);
		assert_string_equal(params_option(&p, "sync"), "mutex");

		params_init(&p, CMD_COMPARE);
		accept_ok(&p, "mechanisms", "shm,pipe");
		accept_ok(&p, "sync", "futex");
		assert_int_equal(params_finish(&p, &e), 0);
	}
	params_init(&p, CMD_COMPARE);
	accept_ok(&p, "mechanisms", "pipe");
	accept_ok(&p, "sync", "futex");
	fresh_err(&e);
	assert_int_equal(params_finish(&p, &e), -1);
	check_err(&e, "sync", NULL);
}

static void test_mechanisms_list(void **state)
{
	struct bench_params p;
	struct param_error e;

	(void)state;
	params_init(&p, CMD_COMPARE);
	accept_ok(&p, "mechanisms", "pipe");
	assert_int_equal(p.nmechs, 1);
	assert_string_equal(p.mechs[0], "pipe");
	reject_cmd(CMD_COMPARE, false, "mechanisms", "pipe,nope", "mechanisms", "nope", NULL);
	/* a compare may name one twice (an A/A run); a sweep may not */
	params_init(&p, CMD_COMPARE);
	accept_ok(&p, "mechanisms", "pipe,unix,pipe");
	assert_int_equal(p.nmechs, 3);
	assert_string_equal(p.mechs[2], "pipe");
	params_init(&p, CMD_SWEEP);
	fresh_err(&e);
	assert_int_equal(params_set_targets(&p, "pipe,pipe", &e), -1);
	check_err(&e, "mechanisms", "listed twice", NULL);
	reject_cmd(CMD_COMPARE, false, "mechanisms", "pipe,", "mechanisms", NULL, NULL);
	reject_cmd(CMD_COMPARE, false, "mechanisms", ",pipe", "mechanisms", NULL, NULL);
	reject_cmd(CMD_COMPARE, false, "mechanisms", "pipe,,pipe", "mechanisms", NULL, NULL);
	reject_cmd(CMD_COMPARE, false, "mechanisms", "PIPE", "mechanisms", NULL, NULL);
	reject_cmd(CMD_COMPARE, false, "baseline", "nope", "baseline", NULL, NULL);
}

static void test_sweep_sizes(void **state)
{
	static const char *const bad[] = {
		"64,,4K", "64,4K,", ",64", "64,0", "64,64", "64,65M", "64, 4K",
		"64;4K", "4KB", "1e3",
	};
	struct bench_params p;
	struct param_error e;

	(void)state;
	params_init(&p, CMD_SWEEP);
	p.nmechs = 1;
	strcpy(p.mechs[0], "pipe");
	accept_ok(&p, "sizes", "64,4K,64K,1M");
	assert_int_equal(p.nsizes, 4);
	assert_int_equal(p.sizes[1], 4096);
	assert_int_equal(p.sizes[3], 1048576);
	assert_int_equal(params_finish(&p, &e), 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		reject_cmd(CMD_SWEEP, false, "sizes", bad[i], "sizes", NULL, NULL);
	/* a sweep without sizes is a usage error */
	params_init(&p, CMD_SWEEP);
	p.nmechs = 1;
	strcpy(p.mechs[0], "pipe");
	fresh_err(&e);
	assert_int_equal(params_finish(&p, &e), -1);
	check_err(&e, "sizes", NULL);
}

/* mech_max: the mechanism's max size here, as text */
static const struct mech_ops *mech_max(const char *name, char *buf, size_t n,
				       struct mech_limits *lim)
{
	const struct mech_ops *ops = mech_find(name);

	if (ops) {
		mech_limits_of(ops, lim);
		snprintf(buf, n, "%zu", lim->max_size);
	}
	return ops;
}

static void test_mech_limits(void **state)
{
	static const char *const fixed[] = { "eventfd", "signal" };
	struct mech_limits lim;
	struct bench_params p;
	struct param_error e;
	char max[32], over[32];
	int checked = 0;

	(void)state;
	for (size_t i = 0; i < 2; i++) {
		if (!mech_max(fixed[i], max, sizeof(max), &lim))
			continue;
		checked++;
		assert_true(lim.max_size < 64);
		bench_of(&p, fixed[i]);
		accept_ok(&p, "size", "64");
		fresh_err(&e);
		assert_int_equal(params_finish(&p, &e), -1);
		check_err(&e, "size", fixed[i], max, NULL);
		/* without an explicit size the mechanism's fixed size is used */
		bench_of(&p, fixed[i]);
		assert_int_equal(params_finish(&p, &e), 0);
		assert_int_equal(params_effective_size(&p, mech_find(fixed[i])), lim.max_size);
	}
	if (mech_max("mq", max, sizeof(max), &lim)) {
		checked++;
		snprintf(over, sizeof(over), "%zu", lim.max_size + 1);
		bench_of(&p, "mq");
		accept_ok(&p, "size", over);
		fresh_err(&e);
		assert_int_equal(params_finish(&p, &e), -1);
		check_err(&e, "size", "mq", max, NULL);
		bench_of(&p, "mq");
		accept_ok(&p, "size", max);
		assert_int_equal(params_finish(&p, &e), 0);
		/* and in a sweep, naming sizes */
		params_init(&p, CMD_SWEEP);
		p.nmechs = 1;
		strcpy(p.mechs[0], "mq");
		char list[64];
		snprintf(list, sizeof(list), "64,%s", over);
		accept_ok(&p, "sizes", list);
		fresh_err(&e);
		assert_int_equal(params_finish(&p, &e), -1);
		check_err(&e, "sizes", max, NULL);
	}
	/* the largest size is fine where the mechanism has no limit */
	bench_of(&p, "pipe");
	accept_ok(&p, "size", "64M");
	assert_int_equal(params_finish(&p, &e), 0);
	if (!checked)
		skip();
}

/* random_string: n random bytes, never NUL; sometimes biased to the
   characters a parser cares about */
static void random_string(char *s, size_t n)
{
	static const char interesting[] = "0123456789KMkm,.-+ e";

	for (size_t i = 0; i < n; i++) {
		int c = rand() % 4 ? interesting[rand() % (sizeof(interesting) - 1)] :
				     1 + rand() % 255;
		s[i] = (char)c;
	}
	s[n] = '\0';
}

/* check_consistent: whatever was accepted lies in its documented range */
static void check_consistent(const struct bench_params *p)
{
	assert_in_range(p->size, 1, PARAMS_SIZE_MAX);
	assert_in_range(p->reps, 1, PARAMS_REPS_MAX);
	assert_true(p->count <= PARAMS_COUNT_MAX);
	assert_true(p->duration > 0 && p->duration <= PARAMS_DURATION_MAX);
	assert_in_range(p->nmechs, 0, PARAMS_MAX_MECHS);
	assert_in_range(p->nsizes, 0, PARAMS_MAX_SIZES);
	for (int i = 0; i < p->nsizes; i++)
		assert_in_range(p->sizes[i], 1, PARAMS_SIZE_MAX);
	assert_non_null(memchr(p->run_id, '\0', sizeof(p->run_id)));
	assert_non_null(memchr(p->baseline, '\0', sizeof(p->baseline)));
}

static void test_fuzz(void **state)
{
	char name[48], value[300];
	struct param_error e;

	(void)state;
	srand(12345);
	for (int it = 0; it < 20000; it++) {
		struct bench_params p;
		enum params_cmd cmd = all_cmds[rand() % 4];
		bool http = rand() % 2;
		int sets = 1 + rand() % 6;

		params_init(&p, cmd);
		for (int k = 0; k < sets; k++) {
			if (rand() % 3)
				snprintf(name, sizeof(name), "%s", params_name(rand() % P__COUNT));
			else
				random_string(name, (size_t)(rand() % 40));
			random_string(value, (size_t)(rand() % (rand() % 8 ? 24 : 290)));
			fresh_err(&e);
			if (params_set(&p, name, value, http, &e) != 0) {
				assert_non_null(memchr(e.param, '\0', sizeof(e.param)));
				assert_true(e.message[0] && e.message[0] != 'X');
			}
			check_consistent(&p);
		}
		fresh_err(&e);
		if (params_finish(&p, &e) != 0)
			assert_true(e.message[0] && e.message[0] != 'X');
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_count_and_duration),
		cmocka_unit_test(test_ci),
		cmocka_unit_test(test_ci_defaults),
		cmocka_unit_test(test_gap),
		cmocka_unit_test(test_latency_count_cap),
		cmocka_unit_test(test_sync_only_shm),
		cmocka_unit_test(test_mechanisms_list),
		cmocka_unit_test(test_sweep_sizes),
		cmocka_unit_test(test_mech_limits),
		cmocka_unit_test(test_fuzz),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
