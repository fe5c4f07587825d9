/* test_sysinfo.c -- the small /proc and /sys reads every start line is made of */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "probe/sysinfo.h"

static char dir[] = "/tmp/ipcscope-test-sysinfo-XXXXXX";

/* with_file: a file in dir holding text; its path in a static buffer */
static const char *with_file(const char *name, const char *text)
{
	static char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	return path;
}

static void test_read_long(void **state)
{
	(void)state;
	assert_int_equal(sysinfo_read_long(with_file("plain", "1048576\n")), 1048576);
	assert_int_equal(sysinfo_read_long(with_file("spaces", "  \t42 17\n")), 42);
	assert_int_equal(sysinfo_read_long(with_file("negative", "-3\n")), -3);
	assert_int_equal(sysinfo_read_long(with_file("big", "9007199254740993\n")),
			 9007199254740993LL);
	assert_int_equal(sysinfo_read_long(with_file("word", "unlimited\n")), -1);
	assert_int_equal(sysinfo_read_long(with_file("empty", "")), -1);
	assert_int_equal(sysinfo_read_long(with_file("huge", "99999999999999999999999\n")), -1);
	assert_int_equal(sysinfo_read_long("/nonexistent/ipcscope/value"), -1);
	assert_int_equal(sysinfo_read_long(dir), -1);   /* a directory reads as nothing */
}

/* the machine's own values, read as the kernel shows them */
static void test_json(void **state)
{
	cJSON *o = sysinfo_json(), *lim, *cpu, *clk;
	long long pipe_max = sysinfo_read_long("/proc/sys/fs/pipe-max-size");

	(void)state;
	assert_non_null(o);
	cpu = cJSON_GetObjectItem(o, "cpu_model");
	clk = cJSON_GetObjectItem(o, "clock_source");
	lim = cJSON_GetObjectItem(o, "limits");
	assert_true(cJSON_IsString(cpu) && cpu->valuestring[0]);
	assert_null(strchr(cpu->valuestring, '\n'));
	assert_true(cJSON_IsString(clk) && clk->valuestring[0]);
	assert_null(strchr(clk->valuestring, '\n'));
	assert_true(pipe_max > 0);
	assert_true(cJSON_IsNumber(cJSON_GetObjectItem(lim, "pipe_max_size")));
	assert_true(cJSON_GetObjectItem(lim, "pipe_max_size")->valuedouble == (double)pipe_max);
	/* /proc/cpuinfo's model name, as grep finds it */
	{
		FILE *f = popen("grep -m1 '^model name' /proc/cpuinfo | sed 's/^[^:]*: *//'", "r");
		char want[256] = "";

		assert_non_null(f);
		if (fgets(want, sizeof(want), f))
			want[strcspn(want, "\n")] = '\0';
		pclose(f);
		if (want[0])
			assert_string_equal(cpu->valuestring, want);
	}
	cJSON_Delete(o);
}

static int setup(void **state)
{
	(void)state;
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_read_long),
		cmocka_unit_test(test_json),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
