/* test_argv.c -- params_argv: a validated params struct back into a run
   process's argv, which the parser reads back into the same params */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "out/ndjson.h"
#include "params/params.h"

#define ARGV_MAX 64
#define ARGBUF 4096

/* parse: "name=value" pairs (NULL-terminated) into p for cmd, positional
   mechanism mech (bench, sweep); asserts they are valid */
static void parse(struct bench_params *p, enum params_cmd cmd, const char *mech,
		  const char *const *pairs)
{
	struct param_error e;

	params_init(p, cmd);
	if (mech && params_set_targets(p, mech, &e) < 0)
		fail_msg("target %s: %s", mech, e.message);
	for (int i = 0; pairs[i]; i++) {
		char name[40];
		const char *eq = strchr(pairs[i], '=');

		snprintf(name, sizeof(name), "%.*s", (int)(eq - pairs[i]), pairs[i]);
		if (params_set(p, name, eq + 1, true, &e) < 0)
			fail_msg("%s: %s", pairs[i], e.message);
	}
	if (params_finish(p, &e) < 0)
		fail_msg("finish: %s", e.message);
}

/* reparse: argv (as params_argv made it) back through the parser */
static void reparse(struct bench_params *q, int argc, const char **argv)
{
	static const char *const cmds[] = { "bench", "compare", "sweep", "demo" };
	struct param_error e;
	int i = 1;
	int cmd = -1;

	for (int k = 0; k < 4; k++)
		if (strcmp(argv[0], cmds[k]) == 0)
			cmd = k;
	assert_true(cmd >= 0);
	params_init(q, (enum params_cmd)cmd);
	if (cmd == CMD_BENCH || cmd == CMD_SWEEP) {
		if (params_set_targets(q, argv[i++], &e) < 0)
			fail_msg("target %s: %s", argv[i - 1], e.message);
	} else if (cmd == CMD_DEMO) {
		assert_string_equal(argv[i++], "sync-tax");
	}
	for (; i < argc; i += 2) {
		assert_true(i + 1 < argc);
		assert_memory_equal(argv[i], "--", 2);
		if (params_set(q, argv[i] + 2, argv[i + 1], false, &e) < 0)
			fail_msg("%s %s: %s", argv[i], argv[i + 1], e.message);
	}
	if (params_finish(q, &e) < 0)
		fail_msg("finish: %s", e.message);
}

static void round_trip(enum params_cmd cmd, const char *mech, const char *const *pairs)
{
	struct bench_params p, q;
	const char *argv[ARGV_MAX];
	char buf[ARGBUF], err[128];
	cJSON *pa, *pb;
	char *a, *b;
	int n;

	parse(&p, cmd, mech, pairs);
	n = params_argv(&p, "sync-tax", argv, ARGV_MAX, buf, sizeof(buf), err, sizeof(err));
	assert_true(n >= 1);
	reparse(&q, n, argv);
	assert_int_equal(q.seen, p.seen);
	assert_int_equal(q.nopts, p.nopts);
	pa = ndjson_params(&p);
	pb = ndjson_params(&q);
	a = cJSON_PrintUnformatted(pa);
	b = cJSON_PrintUnformatted(pb);
	assert_string_equal(a, b);
	free(a);
	free(b);
	cJSON_Delete(pa);
	cJSON_Delete(pb);
	assert_int_equal(q.nmechs, p.nmechs);
	for (int i = 0; i < p.nmechs; i++)
		assert_string_equal(q.mechs[i], p.mechs[i]);
	/* too little room is an error, never a cut argv */
	assert_int_equal(params_argv(&p, "sync-tax", argv, 1, buf, sizeof(buf), err,
				     sizeof(err)), n > 1 ? -1 : 1);
	assert_int_equal(params_argv(&p, "sync-tax", argv, ARGV_MAX, buf, 4, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "do not fit"));
}

static void test_bench(void **state)
{
	static const char *const none[] = { NULL };
	static const char *const all[] = {
		"mode=latency", "size=4K", "count=1234", "warmup=0", "reps=3", "pin=same",
		"verify=0", "sync=futex", NULL,
	};
	static const char *const dur[] = { "duration=0.123456789012", "pin=0,0", NULL };

	(void)state;
	round_trip(CMD_BENCH, "pipe", none);
	round_trip(CMD_BENCH, "shm", all);
	round_trip(CMD_BENCH, "unix", dur);
}

static void test_compare_sweep_demo(void **state)
{
	static const char *const cmp[] = { "mechanisms=shm,pipe,tcp", "baseline=pipe",
					   "sync=sem", "size=1M", NULL };
	static const char *const all[] = { "mode=latency", "count=10", NULL };
	static const char *const sweep[] = { "sizes=64,4K,1M", "duration=0.5", NULL };
	static const char *const demo[] = { "count=10", "reps=1", NULL };

	(void)state;
	round_trip(CMD_COMPARE, NULL, cmp);
	round_trip(CMD_COMPARE, NULL, all);
	round_trip(CMD_SWEEP, "tcp", sweep);
	round_trip(CMD_SWEEP, "pipe,unix,tcp", sweep);
	round_trip(CMD_DEMO, NULL, demo);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bench),
		cmocka_unit_test(test_compare_sweep_demo),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
