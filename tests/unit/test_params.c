/* test_params.c -- the strict param parser against hostile and valid input (API.md §3) */

#include "params_check.h"

static void test_defaults(void **state)
{
	struct bench_params p;

	(void)state;
	params_init(&p, CMD_BENCH);
	assert_int_equal(p.cmd, CMD_BENCH);
	assert_int_equal(p.seen, 0);
	assert_int_equal(p.mode, MODE_THROUGHPUT);
	assert_int_equal(p.size, 64);
	assert_int_equal(p.count, 0);
	assert_int_equal(p.reps, 5);
	assert_int_equal(p.pin, PIN_SPLIT);
	assert_int_equal(p.nopts, 0);
	assert_null(params_option(&p, "sync"));
	assert_true(p.verify);
	assert_int_equal(p.format, FMT_TEXT);
	assert_true(p.duration > 0 && p.duration <= 1);
	for (int id = 0; id < P__COUNT; id++)
		assert_true(params_name(id)[0] != '\0');
	assert_string_equal(params_name(P_SIZE), "size");
	assert_string_equal(params_name(P_REPS), "reps");
}

static void test_size_valid(void **state)
{
	static const struct { const char *s; uint64_t v; } ok[] = {
		{"1", 1}, {"64", 64}, {"4K", 4096}, {"1M", 1048576},
		{"64M", 64ull << 20}, {"65536", 65536}, {"1K", 1024},
		{"65536K", 64ull << 20}, {"67108864", 64ull << 20},
	};
	(void)state;
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		struct bench_params p;
		uint64_t v = 0;

		assert_int_equal(params_parse_size(ok[i].s, &v), 0);
		assert_int_equal(v, ok[i].v);
		params_init(&p, CMD_BENCH);
		accept_ok(&p, "size", ok[i].s);
		assert_int_equal(p.size, ok[i].v);
		assert_true(p.seen & (1u << P_SIZE));
	}
}

static const char *const bad_sizes[] = {
	"0", "0K", "0M", "65M", "67108865", "65537K", "1e9", "1000000000",
	"99999999999999999999", "18446744073709551616", "18014398509481984K",
	"17592186044416M", "-1", "-4K", "+4", "4KB", "4k?", "1.5K", "1.5",
	" 4K", "4K ", "4 K", "0x10", "K", "M", "4G", "4KK", "4MK", "1e3",
	"4KiB", "nan", "inf", "four", "64\t", "\n64", "6 4", "4,096",
	"1,2", "--4", "4-", "1 ", "１",
};

static void test_size_invalid(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bad_sizes) / sizeof(bad_sizes[0]); i++) {
		uint64_t v = 12345;

		if (params_parse_size(bad_sizes[i], &v) != -1)
			fail_msg("size '%s' parsed as %llu", bad_sizes[i],
				 (unsigned long long)v);
		assert_int_equal(v, 12345);
		reject("size", bad_sizes[i], "1..64M", NULL);
	}
}

/* ref_size: what a size string means, computed independently with
   128-bit arithmetic; 0 when it is not a valid size */
static uint64_t ref_size(const char *s)
{
	unsigned __int128 v = 0;
	size_t n = strlen(s), digits = n;
	unsigned mul = 1;

	if (n && (s[n - 1] == 'K' || s[n - 1] == 'M')) {
		mul = s[n - 1] == 'K' ? 1024 : 1048576;
		digits--;
	}
	if (digits == 0 || digits > 30)
		return 0;
	for (size_t i = 0; i < digits; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	v *= mul;
	return v >= 1 && v <= (64u << 20) ? (uint64_t)v : 0;
}

/* Random digit strings with and without suffixes, against the reference. */
static void test_size_against_reference(void **state)
{
	static const char suffix[] = "KM";
	char s[40];

	(void)state;
	srand(7);
	for (int it = 0; it < 200000; it++) {
		int nd = 1 + rand() % (it % 4 == 0 ? 22 : 9);
		uint64_t got = 0, want;
		int rc;

		for (int i = 0; i < nd; i++)
			s[i] = (char)('0' + (i == 0 && rand() % 3 ? 1 + rand() % 9 : rand() % 10));
		s[nd] = '\0';
		if (rand() % 2) {
			s[nd] = suffix[rand() % 2];
			s[nd + 1] = '\0';
		}
		want = ref_size(s);
		rc = params_parse_size(s, &got);
		if (want == 0 && rc != -1)
			fail_msg("'%s' accepted as %llu", s, (unsigned long long)got);
		if (want != 0 && (rc != 0 || got != want))
			fail_msg("'%s': rc %d, %llu, expected %llu", s, rc,
				 (unsigned long long)got, (unsigned long long)want);
	}
}

/* Lowercase suffixes are outside API.md; if accepted they must not be
   misread. */
static void test_size_lowercase(void **state)
{
	uint64_t v = 0;

	(void)state;
	if (params_parse_size("4k", &v) == 0)
		assert_int_equal(v, 4096);
	if (params_parse_size("1m", &v) == 0)
		assert_int_equal(v, 1048576);
}

static void test_count(void **state)
{
	static const char *const bad[] = {
		"0", "-5", "1000000001", "99999999999999999999", "1.5", "1e6",
		"0x10", " 5", "5 ", "+5", "five", "18446744073709551616",
	};
	struct bench_params p;

	(void)state;
	params_init(&p, CMD_BENCH);
	accept_ok(&p, "count", "1");
	assert_int_equal(p.count, 1);
	params_init(&p, CMD_BENCH);
	accept_ok(&p, "count", "1000000000");
	assert_int_equal(p.count, 1000000000);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		reject("count", bad[i], "1..1000000000", NULL);
}

static void test_duration(void **state)
{
	static const char *const bad[] = {
		"0", "-1", "61", "60.5", "1e2", "inf", "nan", "abc", "0.001",
		"1.2.3", " 1", "1 ", "0x1", "99999999999999999999",
		"1s", "+1", ".",
	};
	struct bench_params p;

	(void)state;
	params_init(&p, CMD_BENCH);
	accept_ok(&p, "duration", "0.5");
	assert_true(p.duration == 0.5);
	params_init(&p, CMD_BENCH);
	accept_ok(&p, "duration", "60");
	assert_true(p.duration == 60);
	params_init(&p, CMD_BENCH);
	accept_ok(&p, "duration", "2");
	assert_true(p.duration == 2);
	assert_int_equal(p.count, 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		reject("duration", bad[i], "60", NULL);
}

static void test_reps_warmup(void **state)
{
	static const char *const bad[] = {
		"0", "101", "-1", "1.0", "5x", "99999999999999999999", " 5", "1000",
	};
	struct bench_params p;

	(void)state;
	params_init(&p, CMD_BENCH);
	accept_ok(&p, "reps", "1");
	assert_int_equal(p.reps, 1);
	params_init(&p, CMD_BENCH);
	accept_ok(&p, "reps", "100");
	assert_int_equal(p.reps, 100);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		reject("reps", bad[i], "1..100", NULL);

	params_init(&p, CMD_BENCH);
	accept_ok(&p, "warmup", "0");
	assert_int_equal(p.warmup, 0);
	assert_true(p.seen & (1u << P_WARMUP));
	params_init(&p, CMD_BENCH);
	accept_ok(&p, "warmup", "5000");
	assert_int_equal(p.warmup, 5000);
	reject("warmup", "-1", "0..", NULL);
	reject("warmup", "99999999999999999999", "0..", NULL);
	reject("warmup", "1e3", "0..", NULL);
}

static void test_pin(void **state)
{
	static const char *const bad[] = {
		"0", "0,", ",1", "0,1,2", "a,b", "-1,0", "split ", "SPLIT",
		"0, 1", " 0,1", "1.0,0", "99999999999999999999,0",
		"0,99999999999999999999", "0;1", "both",
	};
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	char range[48], high[48];
	struct bench_params p;

	(void)state;
	snprintf(range, sizeof(range), "0..%ld", ncpu - 1);
	params_init(&p, CMD_BENCH);
	accept_ok(&p, "pin", "same");
	assert_int_equal(p.pin, PIN_SAME);
	params_init(&p, CMD_BENCH);
	accept_ok(&p, "pin", "none");
	assert_int_equal(p.pin, PIN_NONE);
	params_init(&p, CMD_BENCH);
	accept_ok(&p, "pin", "split");
	assert_int_equal(p.pin, PIN_SPLIT);
	/* both workers on one named CPU is a legitimate experiment */
	params_init(&p, CMD_BENCH);
	accept_ok(&p, "pin", "0,0");
	assert_int_equal(p.pin, PIN_CPUS);
	assert_true(p.pin_cpu[0] == 0 && p.pin_cpu[1] == 0);
	if (ncpu >= 2) {
		params_init(&p, CMD_BENCH);
		accept_ok(&p, "pin", "1,0");
		assert_true(p.pin == PIN_CPUS && p.pin_cpu[0] == 1 && p.pin_cpu[1] == 0);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		reject("pin", bad[i], range, NULL);
	/* CPUs that do not exist here (7,9 on a 2-core box) */
	snprintf(high, sizeof(high), "%ld,%ld", ncpu + 5, ncpu + 7);
	reject("pin", high, range, NULL);
	snprintf(high, sizeof(high), "0,%ld", ncpu);
	reject("pin", high, range, NULL);
	if (ncpu <= 7)
		reject("pin", "7,9", range, NULL);
}

static void test_enums(void **state)
{
	struct bench_params p;

	(void)state;
	params_init(&p, CMD_BENCH);
	accept_ok(&p, "mode", "latency");
	assert_int_equal(p.mode, MODE_LATENCY);
	params_init(&p, CMD_BENCH);
	accept_ok(&p, "sync", "futex");
	assert_string_equal(params_option(&p, "sync"), "futex");
	params_init(&p, CMD_BENCH);
	accept_ok(&p, "verify", "0");
	assert_false(p.verify);
	params_init(&p, CMD_BENCH);
	accept_ok(&p, "format", "ndjson");
	assert_int_equal(p.format, FMT_NDJSON);

	reject("mode", "foo", "throughput", "latency");
	reject("mode", "Throughput", "throughput", "latency");
	reject("mode", "latency ", "throughput", "latency");
	reject("sync", "foo", "spin", "futex");
	reject("sync", "SEM", "spin", "futex");
	reject("verify", "2", "0", "1");
	reject("verify", "true", "0", "1");
	reject("verify", "yes", "0", "1");
	reject("verify", "01", "0", "1");
	reject("format", "xml", "ndjson", "csv");
}

static void test_format_http(void **state)
{
	(void)state;
	/* the HTTP layer always streams NDJSON: format is not a URL param */
	reject_cmd(CMD_BENCH, true, "format", "json", "format", NULL, NULL);
	reject_cmd(CMD_COMPARE, true, "format", "ndjson", "format", NULL, NULL);
	/* everything else is the same on both sides */
	struct bench_params p;
	struct param_error e;
	params_init(&p, CMD_BENCH);
	assert_int_equal(params_set(&p, "size", "4K", true, &e), 0);
	assert_int_equal(p.size, 4096);
	reject_cmd(CMD_BENCH, true, "size", "4KB", "size", "1..64M", NULL);
	reject_cmd(CMD_BENCH, true, "reps", "0", "reps", "1..100", NULL);
}

static void test_unknown(void **state)
{
	static const char *const names[] = {
		"sizee", "Size", "SIZE", "--size", "size ", " size", "siz",
		"count\n", "foo", "p", "mechanism", "run_id",
	};
	(void)state;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		struct bench_params p;
		struct param_error e;

		params_init(&p, CMD_BENCH);
		fresh_err(&e);
		assert_int_equal(params_set(&p, names[i], "1", false, &e), -1);
		assert_true(e.message[0] && e.message[0] != 'X');
		assert_non_null(strstr(e.message, "unknown"));
		assert_int_equal(p.seen, 0);
		/* the name is quoted back, made printable */
		if (strspn(names[i], "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_ ") ==
		    strlen(names[i]))
			check_err(&e, names[i], NULL);
	}
	/* an empty name is unknown too */
	struct bench_params p;
	struct param_error e;
	params_init(&p, CMD_BENCH);
	fresh_err(&e);
	assert_int_equal(params_set(&p, "", "1", false, &e), -1);
	assert_true(e.message[0] && e.message[0] != 'X');
}

static void test_not_for_this_command(void **state)
{
	(void)state;
	reject_cmd(CMD_BENCH, false, "mechanisms", "pipe", "mechanisms", NULL, NULL);
	reject_cmd(CMD_BENCH, false, "sizes", "64,4K", "sizes", NULL, NULL);
	reject_cmd(CMD_BENCH, false, "baseline", "pipe", "baseline", NULL, NULL);
	reject_cmd(CMD_SWEEP, false, "size", "4K", "size", NULL, NULL);
	reject_cmd(CMD_SWEEP, false, "mechanisms", "pipe", "mechanisms", NULL, NULL);
}

static void test_duplicated_and_empty(void **state)
{
	struct bench_params p;
	struct param_error e;

	(void)state;
	params_init(&p, CMD_BENCH);
	accept_ok(&p, "size", "64");
	fresh_err(&e);
	assert_int_equal(params_set(&p, "size", "4K", false, &e), -1);
	check_err(&e, "size", NULL);
	assert_int_equal(p.size, 64);   /* the first value stands */
	/* the same value twice is still a duplicate */
	params_init(&p, CMD_BENCH);
	accept_ok(&p, "reps", "3");
	fresh_err(&e);
	assert_int_equal(params_set(&p, "reps", "3", false, &e), -1);
	check_err(&e, "reps", NULL);

	for (int id = 0; id < P__COUNT; id++) {
		const char *name = params_name(id);

		for (size_t c = 0; c < 4; c++) {
			params_init(&p, all_cmds[c]);
			fresh_err(&e);
			assert_int_equal(params_set(&p, name, "", false, &e), -1);
			assert_true(e.message[0] && e.message[0] != 'X');
			assert_string_equal(e.param, name);
			params_init(&p, all_cmds[c]);
			fresh_err(&e);
			assert_int_equal(params_set(&p, name, NULL, false, &e), -1);
			assert_string_equal(e.param, name);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_size_valid),
		cmocka_unit_test(test_size_invalid),
		cmocka_unit_test(test_size_against_reference),
		cmocka_unit_test(test_size_lowercase),
		cmocka_unit_test(test_count),
		cmocka_unit_test(test_duration),
		cmocka_unit_test(test_reps_warmup),
		cmocka_unit_test(test_pin),
		cmocka_unit_test(test_enums),
		cmocka_unit_test(test_format_http),
		cmocka_unit_test(test_unknown),
		cmocka_unit_test(test_not_for_this_command),
		cmocka_unit_test(test_duplicated_and_empty),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
