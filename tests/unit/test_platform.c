/* test_platform.c -- the platform between runs: the baseline file read as hostile, merged, written atomically by concurrent runs, and a moved platform judged and said */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "probe/interference.h"
#include "probe/platform.h"

#define WRITERS 6            /* concurrent runs saving at once */
#define SAVES_EACH 20

static const char good[] =
	"{\"version\":1,\"baselines\":["
	"{\"host\":\"vm\",\"boot_id\":\"b1\",\"cpus\":[0,1],\"line_rtt_ns\":131,\"at\":1700000000},"
	"{\"host\":\"vm\",\"boot_id\":\"b1\",\"cpus\":[2,3],\"line_rtt_ns\":90.5,\"at\":1700000100},"
	"{\"host\":\"other\",\"boot_id\":\"b9\",\"cpus\":[0,1],\"line_rtt_ns\":50,\"at\":1700000200}]}";

static struct platform_baseline base(const char *host, const char *boot, int a, int b,
				     double rtt, double at)
{
	struct platform_baseline x = { .cpu = { a, b }, .line_rtt_ns = rtt, .at = at };

	snprintf(x.host, sizeof(x.host), "%s", host);
	snprintf(x.boot_id, sizeof(x.boot_id), "%s", boot);
	return x;
}

static int parse(const char *s, struct platform_cache *c)
{
	return platform_cache_parse(s, strlen(s), c);
}

static void test_parse_good(void **state)
{
	struct platform_cache c;
	const struct platform_baseline *b;

	(void)state;
	assert_int_equal(parse(good, &c), 3);
	b = platform_cache_find(&c, "vm", "b1", 2, 3);
	assert_non_null(b);
	assert_true(b->line_rtt_ns == 90.5 && b->at == 1700000100);
	/* another boot of the same host: a new baseline, not a move */
	assert_null(platform_cache_find(&c, "vm", "b2", 0, 1));
	/* the pair is ordered: sender's CPU, receiver's CPU */
	assert_null(platform_cache_find(&c, "vm", "b1", 1, 0));
	assert_null(platform_cache_find(&c, "nohost", "b1", 0, 1));
	assert_true(platform_cache_find(&c, "other", "b9", 0, 1)->line_rtt_ns == 50);
}

/* one entry with one field replaced by value: only a valid one is kept */
static int entry_with(const char *field, const char *value)
{
	char text[512];
	struct platform_cache c;
	const char *host = strcmp(field, "host") ? "\"vm\"" : value;
	const char *boot = strcmp(field, "boot_id") ? "\"b1\"" : value;
	const char *cpus = strcmp(field, "cpus") ? "[0,1]" : value;
	const char *rtt = strcmp(field, "line_rtt_ns") ? "131" : value;
	const char *at = strcmp(field, "at") ? "1700000000" : value;

	snprintf(text, sizeof(text), "{\"baselines\":[{\"host\":%s,\"boot_id\":%s,\"cpus\":%s,"
		 "\"line_rtt_ns\":%s,\"at\":%s}]}", host, boot, cpus, rtt, at);
	return parse(text, &c);
}

static void test_parse_wrong_types_and_bogus_numbers(void **state)
{
	static const char *const bad[][2] = {
		{ "host", "42" }, { "host", "\"\"" }, { "host", "null" },
		{ "host", "\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"" },
		{ "boot_id", "[1]" }, { "cpus", "\"0,1\"" }, { "cpus", "[0]" }, { "cpus", "[0,1,2]" },
		{ "cpus", "[1,1]" }, { "cpus", "[-1,1]" }, { "cpus", "[0.5,1]" },
		{ "cpus", "[0,1e9]" }, { "cpus", "[0,\"1\"]" }, { "line_rtt_ns", "0" },
		{ "line_rtt_ns", "-131" }, { "line_rtt_ns", "1e308" }, { "line_rtt_ns", "\"131\"" },
		{ "line_rtt_ns", "true" }, { "at", "-5" }, { "at", "1e300" }, { "at", "{}" },
	};

	(void)state;
	assert_int_equal(entry_with("none", ""), 1);     /* the frame itself is valid */
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (entry_with(bad[i][0], bad[i][1]) != 0)
			fail_msg("%s = %s was taken", bad[i][0], bad[i][1]);
	}
}

static void test_parse_garbage(void **state)
{
	static const char *const garbage[] = {
		"", "garbage", "{", "[]", "null", "{\"baselines\":7}", "{\"baselines\":\"x\"}",
		"{\"baselines\":[1,\"a\",null,[],{}]}", "{\"baselines\":[{\"host\":",
		"\xff\xfe\x00\x01",
	};
	struct platform_cache c;
	char *deep = malloc(20001);

	(void)state;
	for (size_t i = 0; i < sizeof(garbage) / sizeof(garbage[0]); i++)
		assert_int_equal(parse(garbage[i], &c), 0);
	/* nesting beyond the parser's limit: refused, not a stack overflow */
	assert_non_null(deep);
	memset(deep, '[', 20000);
	deep[20000] = '\0';
	assert_int_equal(parse(deep, &c), 0);
	free(deep);
}

static void test_parse_caps_entries(void **state)
{
	size_t len = 200 * 128 + 64, off = 0;
	char *s = malloc(len);
	struct platform_cache c;

	(void)state;
	assert_non_null(s);
	off += (size_t)snprintf(s, len, "{\"baselines\":[");
	for (int i = 0; i < 200; i++)
		off += (size_t)snprintf(s + off, len - off, "%s{\"host\":\"h%d\",\"boot_id\":\"b\","
					"\"cpus\":[0,1],\"line_rtt_ns\":100,\"at\":%d}",
					i ? "," : "", i, 1000 + i);
	snprintf(s + off, len - off, "]}");
	assert_int_equal(parse(s, &c), PLATFORM_MAX_ENTRIES);
	/* the newest stay */
	assert_non_null(platform_cache_find(&c, "h199", "b", 0, 1));
	assert_null(platform_cache_find(&c, "h0", "b", 0, 1));
	free(s);
}

static void test_merge(void **state)
{
	struct platform_cache c = { 0 };
	struct platform_baseline b;

	(void)state;
	b = base("vm", "b1", 0, 1, 131, 100);
	platform_cache_merge(&c, &b);
	b = base("vm", "b2", 0, 1, 467, 200);   /* after a reboot: replaces it */
	platform_cache_merge(&c, &b);
	assert_int_equal(c.n, 1);
	assert_null(platform_cache_find(&c, "vm", "b1", 0, 1));
	assert_true(platform_cache_find(&c, "vm", "b2", 0, 1)->line_rtt_ns == 467);
	b = base("vm", "b2", 1, 0, 140, 300);   /* the other direction: its own */
	platform_cache_merge(&c, &b);
	assert_int_equal(c.n, 2);
	for (int i = 0; i < PLATFORM_MAX_ENTRIES; i++) {
		char host[16];

		snprintf(host, sizeof(host), "h%d", i);
		b = base(host, "b", 0, 1, 100, 1000 + i);
		platform_cache_merge(&c, &b);
	}
	/* full: the oldest two made room */
	assert_int_equal(c.n, PLATFORM_MAX_ENTRIES);
	assert_null(platform_cache_find(&c, "vm", "b2", 0, 1));
	assert_null(platform_cache_find(&c, "vm", "b2", 1, 0));
	assert_non_null(platform_cache_find(&c, "h0", "b", 0, 1));
}

static void test_json_round_trip(void **state)
{
	struct platform_cache c, d;
	char *s;

	(void)state;
	parse(good, &c);
	s = platform_cache_json(&c);
	assert_non_null(s);
	assert_int_equal(parse(s, &d), c.n);
	assert_memory_equal(&c.b[0], &d.b[0], sizeof(c.b[0]));
	assert_memory_equal(&c.b[2], &d.b[2], sizeof(c.b[2]));
	free(s);
}

static void test_judge(void **state)
{
	struct platform_baseline last = base("vm", "b1", 0, 1, 131, 1700000000);
	struct platform_check pc;
	cJSON *o;

	(void)state;
	/* the figures: 131 ns, then 467 ns twenty minutes later */
	platform_judge(&pc, 0, 1, 467, &last, 1700000000 + 20 * 60);
	assert_true(pc.measured && pc.has_last && pc.moved);
	assert_true(pc.ratio > 3.56 && pc.ratio < 3.57);
	assert_non_null(strstr(pc.note, "the platform moved since the last run 20 min ago"));
	assert_non_null(strstr(pc.note, "took 131 ns then and 467 ns now (3.56× slower)"));
	assert_non_null(strstr(pc.note, "not comparable"));
	o = platform_json(&pc);
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(o, "moved_since_last_run")));
	assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(o, "last_run_at")),
			    "2023-11-14T22:13:20Z");
	assert_true(cJSON_GetObjectItem(o, "last_line_rtt_ns")->valuedouble == 131);
	assert_true(cJSON_GetObjectItem(o, "last_run_age_s")->valuedouble == 1200);
	cJSON_Delete(o);
	/* the same rule as between reps: within 1.5× either way is no move */
	platform_judge(&pc, 0, 1, 140, &last, 1700000060);
	assert_true(pc.has_last && !pc.moved && !pc.note[0]);
	assert_int_equal(pc.moved, interference_moved(131, 140));
	platform_judge(&pc, 0, 1, 80, &last, 1700000000 + 3 * 86400);
	assert_true(pc.moved);
	assert_non_null(strstr(pc.note, "3 days ago"));
	assert_non_null(strstr(pc.note, "faster"));
	/* no baseline: measured, nothing to say */
	platform_judge(&pc, 0, 1, 467, NULL, 1700000000);
	assert_true(pc.measured && !pc.has_last && !pc.moved);
	o = platform_json(&pc);
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(o, "last_line_rtt_ns")));
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(o, "note")));
	cJSON_Delete(o);
}

static void test_cache_dir(void **state)
{
	char buf[PLATFORM_PATH_MAX];

	(void)state;
	setenv("IPCSCOPE_CACHE_DIR", "/x/own", 1);
	setenv("XDG_CACHE_HOME", "/x/xdg", 1);
	setenv("HOME", "/x/home", 1);
	assert_int_equal(platform_cache_dir(buf, sizeof(buf)), 0);
	assert_string_equal(buf, "/x/own");
	unsetenv("IPCSCOPE_CACHE_DIR");
	assert_int_equal(platform_cache_dir(buf, sizeof(buf)), 0);
	assert_string_equal(buf, "/x/xdg/ipcscope");
	setenv("XDG_CACHE_HOME", "relative", 1);
	assert_int_equal(platform_cache_dir(buf, sizeof(buf)), 0);
	assert_string_equal(buf, "/x/home/.cache/ipcscope");
	unsetenv("HOME");
	assert_int_equal(platform_cache_dir(buf, sizeof(buf)), -1);
	assert_int_equal(platform_cache_dir(buf, 4), -1);
}

/* --- files -------------------------------------------------------------- */

static char dir[64];

static int make_dir(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "%s/platform-test.XXXXXX",
		 getenv("TMPDIR") && *getenv("TMPDIR") == '/' ? getenv("TMPDIR") : "/tmp");
	return mkdtemp(dir) ? 0 : -1;
}

static int remove_dir(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void put(const char *name, const char *text)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void test_load_hostile_files(void **state)
{
	char path[128], link[128];
	struct platform_cache c;
	FILE *f;

	(void)state;
	snprintf(path, sizeof(path), "%s/%s", dir, PLATFORM_FILE);
	assert_int_equal(platform_cache_load(path, &c), 0);     /* missing */
	put(PLATFORM_FILE, good);
	assert_int_equal(platform_cache_load(path, &c), 3);
	/* over the cap: not read at all, though it starts well */
	f = fopen(path, "a");
	for (int i = 0; i < PLATFORM_FILE_MAX / 8 + 1; i++)
		fputs("        ", f);
	fclose(f);
	assert_int_equal(platform_cache_load(path, &c), 0);
	/* a symlink to a good file: not followed */
	snprintf(link, sizeof(link), "%s/good.json", dir);
	put("good.json", good);
	unlink(path);
	assert_int_equal(symlink(link, path), 0);
	assert_int_equal(platform_cache_load(path, &c), 0);
	/* a FIFO: passed over, not waited on */
	unlink(path);
	assert_int_equal(mkfifo(path, 0600), 0);
	assert_int_equal(platform_cache_load(path, &c), 0);
	unlink(path);
	assert_int_equal(mkdir(path, 0700), 0);
	assert_int_equal(platform_cache_load(path, &c), 0);
	rmdir(path);
}

static void test_save(void **state)
{
	char sub[128], path[160];
	struct platform_baseline b[2] = { base("vm", "b1", 0, 1, 131, 100),
					  base("vm", "b1", 2, 3, 95, 100) };
	struct platform_cache c;
	struct stat st;
	char err[256] = "";

	(void)state;
	/* missing parents are made, private */
	snprintf(sub, sizeof(sub), "%s/a/b", dir);
	snprintf(path, sizeof(path), "%s/%s", sub, PLATFORM_FILE);
	assert_int_equal(platform_cache_save(sub, b, 2, err, sizeof(err)), 0);
	assert_int_equal(stat(sub, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(platform_cache_load(path, &c), 2);
	/* a later run on one pair keeps the other's baseline */
	b[0].line_rtt_ns = 467;
	assert_int_equal(platform_cache_save(sub, b, 1, err, sizeof(err)), 0);
	assert_int_equal(platform_cache_load(path, &c), 2);
	assert_true(platform_cache_find(&c, "vm", "b1", 0, 1)->line_rtt_ns == 467);
	assert_true(platform_cache_find(&c, "vm", "b1", 2, 3)->line_rtt_ns == 95);
	/* a garbage file is replaced by a good one */
	put("a/b/" PLATFORM_FILE, "{{{ garbage");
	assert_int_equal(platform_cache_save(sub, b, 1, err, sizeof(err)), 0);
	assert_int_equal(platform_cache_load(path, &c), 1);
	/* a file where the directory should be: an error in words, no crash */
	put("blocked", "x");
	snprintf(sub, sizeof(sub), "%s/blocked/ipcscope", dir);
	assert_int_equal(platform_cache_save(sub, b, 1, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "cannot use cache directory"));
}

static void test_concurrent_saves(void **state)
{
	char path[128];
	struct platform_cache c;
	pid_t pid[WRITERS];
	int status, clean = 0;

	(void)state;
	for (int w = 0; w < WRITERS; w++) {
		if ((pid[w] = fork()) == 0) {
			char err[256];
			int saved = 0;

			/* on a crowded machine a save may give up waiting for the
			   lock: that costs a baseline, never the file */
			for (int i = 0; i < SAVES_EACH; i++) {
				struct platform_baseline b = base("vm", "b1", w, w + 10,
								  100 + i, 1000 + i);
				saved += platform_cache_save(dir, &b, 1, err, sizeof(err)) == 0;
			}
			_exit(saved ? 0 : 1);
		}
		assert_true(pid[w] > 0);
	}
	for (int w = 0; w < WRITERS; w++)
		clean += waitpid(pid[w], &status, 0) == pid[w] && WIFEXITED(status) &&
			 WEXITSTATUS(status) == 0;
	assert_int_equal(clean, WRITERS);
	/* every writer is there, none lost to another's rewrite, the file whole */
	snprintf(path, sizeof(path), "%s/%s", dir, PLATFORM_FILE);
	assert_int_equal(platform_cache_load(path, &c), WRITERS);
	for (int w = 0; w < WRITERS; w++)
		assert_non_null(platform_cache_find(&c, "vm", "b1", w, w + 10));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_good),
		cmocka_unit_test(test_parse_wrong_types_and_bogus_numbers),
		cmocka_unit_test(test_parse_garbage),
		cmocka_unit_test(test_parse_caps_entries),
		cmocka_unit_test(test_merge),
		cmocka_unit_test(test_json_round_trip),
		cmocka_unit_test(test_judge),
		cmocka_unit_test(test_cache_dir),
		cmocka_unit_test_setup_teardown(test_load_hostile_files, make_dir, remove_dir),
		cmocka_unit_test_setup_teardown(test_save, make_dir, remove_dir),
		cmocka_unit_test_setup_teardown(test_concurrent_saves, make_dir, remove_dir),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
