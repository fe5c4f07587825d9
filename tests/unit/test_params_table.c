/* test_params_table.c -- the table of common params: each row is found by
   its name, its range is what the parser takes (max in, past max out, the
   refusal naming the param and the range as the table formats it), a
   value lands where the row says, and a planned job carries its size in
   its own params */

#include "params_check.h"

#include <cjson/cJSON.h>

#include "params/params_table.h"
#include "run/runner.h"

/* past: text just past row's max in its own syntax, or NULL */
static const char *past(const struct param_row *row, char *buf, size_t len)
{
	switch (row->kind) {
	case PARAM_WHOLE:
	case PARAM_SIZE:
		snprintf(buf, len, "%llu", (unsigned long long)row->max + 1);
		return buf;
	case PARAM_SECONDS:
		snprintf(buf, len, "%g", row->max + 1);
		return buf;
	default:
		return NULL;
	}
}

static void test_rows(void **state)
{
	(void)state;
	for (int id = 0; id < P__COUNT; id++) {
		const struct param_row *row = &params_table[id];

		assert_non_null(row->name);
		assert_int_equal(params_table_find(row->name), id);
		assert_string_equal(params_name((enum param_id)id), row->name);
		assert_non_null(row->expect);
		assert_true(row->cmds != 0);
		assert_true(row->offset + row->width <= sizeof(struct bench_params));
	}
	assert_int_equal(params_table_find("no-such-param"), -1);
}

/* test_ranges: for every numeric row and command taking it: max is taken
   and lands in the row's field; past max is refused naming the param and
   the range formatted from the table */
static void test_ranges(void **state)
{
	(void)state;
	for (int id = 0; id < P__COUNT; id++) {
		const struct param_row *row = &params_table[id];
		char text[64], range[64];
		struct bench_params p, before;
		struct param_error e;

		if (!past(row, text, sizeof(text)))
			continue;
		params_table_range(row, range, sizeof(range));
		for (size_t c = 0; c < sizeof(all_cmds) / sizeof(all_cmds[0]); c++) {
			if (!params_table_takes((enum param_id)id, all_cmds[c], true))
				continue;
			params_init(&p, all_cmds[c]);
			fresh_err(&e);
			assert_int_equal(params_set(&p, row->name, text, true, &e), -1);
			check_err(&e, row->name, range, NULL);
			params_init(&p, all_cmds[c]);
			before = p;
			snprintf(text, sizeof(text), "%.15g", row->max);
			if (row->kind == PARAM_SIZE)
				snprintf(text, sizeof(text), "%llu", (unsigned long long)row->max);
			assert_int_equal(params_set(&p, row->name, text, true, &e), 0);
			/* the value landed in the row's field and nowhere else */
			assert_memory_not_equal((char *)&p + row->offset,
						(char *)&before + row->offset, row->width);
			before.seen = p.seen;
			memcpy((char *)&before + row->offset, (char *)&p + row->offset, row->width);
			assert_memory_equal(&before, &p, sizeof(p));
			past(row, text, sizeof(text));
		}
	}
}

/* test_defaults: params_init puts each row's default for the command */
static void test_defaults(void **state)
{
	struct bench_params p;

	(void)state;
	params_init(&p, CMD_BENCH);
	assert_true(p.duration == params_table[P_DURATION].def[CMD_BENCH]);
	assert_int_equal(p.reps, (unsigned)params_table[P_REPS].def[CMD_BENCH]);
	assert_int_equal(p.size, (uint64_t)params_table[P_SIZE].def[CMD_BENCH]);
	assert_true(p.verify);
	params_init(&p, CMD_COMPARE);
	assert_true(p.ci == params_table[P_CI].def[CMD_COMPARE]);
	assert_int_equal(p.reps, (unsigned)params_table[P_REPS].def[CMD_COMPARE]);
}

/* test_sweep_job_size: a sweep's jobs each carry their size in their own
   params (the one place the harness reads it) */
static void test_sweep_job_size(void **state)
{
	static const uint64_t want[] = { 8, 65536, 8, 65536 };
	struct run r = { 0 };
	struct param_error e;
	char err[256];
	cJSON *skipped = cJSON_CreateArray();

	(void)state;
	params_init(&r.p, CMD_SWEEP);
	assert_int_equal(params_set_targets(&r.p, "pipe,unix", &e), 0);
	assert_int_equal(params_set(&r.p, "sizes", "8,64K", false, &e), 0);
	assert_int_equal(params_finish(&r.p, &e), 0);
	assert_int_equal(run_plan(&r, skipped, err, sizeof(err)), 0);
	assert_int_equal(r.njobs, 4);
	for (int i = 0; i < r.njobs; i++)
		assert_int_equal(r.jobs[i].p.size, want[i]);
	free(r.jobs);
	cJSON_Delete(skipped);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows),
		cmocka_unit_test(test_ranges),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_sweep_job_size),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
