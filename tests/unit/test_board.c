/* test_board.c -- the class board: the post's strict parser, the join code, the
   per-address budget, the task, the machine limit, the class's figures,
   and the gate's rule on request bodies */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../server/board.h"
#include "../../server/http_head.h"

#define SUM(label, med) "{\"label\":\"" label "\",\"mechanism\":\"shm\",\"size\":4096," \
	"\"reps\":7,\"median\":" med ",\"min\":0.5,\"max\":1e9}"
#define POST(demo, as, sums) "{\"demo\":\"" demo "\",\"as\":\"" as "\",\"metric\":" \
	"\"msgs_per_s\",\"higher_is_better\":true,\"summaries\":[" sums "],\"lesson\":\"ok\"}"
#define GOOD POST("sync-tax", "ana", SUM("shm sync=spin", "250000") "," SUM("pipe", "90000"))

static int parse(const char *body, struct board_entry *e, char *field)
{
	char why[256];

	return board_parse(body, strlen(body), e, field, 48, why, sizeof(why));
}

static void test_parse_good(void **state)
{
	struct board_entry *e = malloc(sizeof(*e));
	char field[48];
	const char *with_machine = "{\"demo\":\"compare\",\"as\":\"Zoë\",\"metric\":"
		"\"latency_p50_ns\",\"higher_is_better\":false,\"summaries\":[" SUM("pipe", "1") "],"
		"\"machine\":{\"cpu_model\":\"AMD EPYC\",\"cores\":2,\"kernel\":\"Linux 6\",\"vm\":true}}";

	(void)state;
	assert_int_equal(parse(GOOD, e, field), 0);
	assert_string_equal(e->as, "ana");
	assert_string_equal(e->demo, "sync-tax");
	assert_int_equal(e->nsum, 2);
	assert_string_equal(e->sum[1].label, "pipe");
	assert_true(e->sum[0].median == 250000.0);
	assert_false(e->machine);
	assert_int_equal(parse(with_machine, e, field), 0);
	assert_true(e->machine);
	assert_int_equal(e->cores, 2);
	assert_int_equal(e->vm, 1);
	assert_false(e->higher);
	free(e);
}

static void test_parse_refuses(void **state)
{
	static const struct {
		const char *body, *field;
	} bad[] = {
		{ "", "body" },
		{ "not json", "body" },
		{ "[1,2]", "the post" },
		{ GOOD " x", "body" },
		{ POST("sync-tax", "ana", SUM("pipe", "1")) "{}", "body" },
		{ "{\"demo\":\"sync-tax\",\"extra\":1}", "the post" },
		{ "{\"demo\":\"a\",\"demo\":\"b\"}", "the post" },
		{ POST("sync-tax", "", SUM("pipe", "1")), "as" },
		{ POST("sync-tax", "a-pseudonym-longer-than-thirty-two-bytes", SUM("pipe", "1")), "as" },
		{ POST("sync-tax", "a\\u0007b", SUM("pipe", "1")), "as" },
		{ POST("sync-tax", "\xff\xfe", SUM("pipe", "1")), "as" },
		{ POST("sync-tax", "ana", ""), "summaries" },
		{ POST("sync-tax", "ana", SUM("pipe", "1e999")), "summaries[].median" },
		{ POST("sync-tax", "ana", SUM("pipe", "-1")), "summaries[].median" },
		{ POST("sync-tax", "ana", SUM("pipe", "\"1\"")), "summaries[].median" },
		{ POST("sync-tax", "ana", SUM("pipe", "2e9")), "summaries[].median" },
		{ POST("sync-tax", "ana", SUM("pipe", "1") "," SUM("pipe", "2")), "summaries[].label" },
		{ POST("sync-tax", "ana", "{\"label\":\"x\",\"mechanism\":\"shm\",\"size\":1,\"reps\":"
		       "2.5,\"median\":1,\"min\":1,\"max\":1}"), "summaries[].reps" },
		{ POST("sync-tax", "ana", "{\"label\":\"x\",\"mechanism\":\"shm\",\"size\":1,\"reps\":"
		       "2,\"median\":1,\"min\":1,\"max\":1,\"host\":\"h\"}"), "summaries[]" },
		{ "{\"demo\":\"sync-tax\",\"as\":\"a\",\"metric\":\"rm -rf\",\"higher_is_better\":true,"
		  "\"summaries\":[" SUM("pipe", "1") "]}", "metric" },
		{ "{\"demo\":\"sync-tax\",\"as\":\"a\",\"metric\":\"msgs_per_s\",\"higher_is_better\":1,"
		  "\"summaries\":[" SUM("pipe", "1") "]}", "higher_is_better" },
		{ "{\"demo\":\"sync-tax\",\"as\":\"a\",\"metric\":\"msgs_per_s\",\"higher_is_better\":"
		  "true,\"summaries\":[" SUM("pipe", "1") "],\"machine\":{\"hostname\":\"x\"}}",
		  "machine" },
	};
	struct board_entry *e = malloc(sizeof(*e));
	char field[48];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		if (parse(bad[i].body, e, field) != -1 || strcmp(field, bad[i].field)) {
			print_error("case %zu: field '%s', want '%s'\n", i, field, bad[i].field);
			fail();
		}
	}
	free(e);
}

static void test_parse_limits(void **state)
{
	size_t cap = BOARD_BODY_MAX * 2;
	char *big = malloc(cap), field[48], why[256];
	struct board_entry *e = malloc(sizeof(*e));
	size_t n;

	(void)state;
	/* 65 summary lines: one past the limit */
	n = (size_t)snprintf(big, cap, "{\"demo\":\"compare\",\"as\":\"a\",\"metric\":\"msgs_per_s\","
			     "\"higher_is_better\":true,\"summaries\":[");
	for (int i = 0; i <= BOARD_SUMMARIES_MAX; i++)
		n += (size_t)snprintf(big + n, cap - n, "%s{\"label\":\"m%d\",\"mechanism\":\"p\","
				      "\"size\":1,\"reps\":1,\"median\":1,\"min\":1,\"max\":1}",
				      i ? "," : "", i);
	n += (size_t)snprintf(big + n, cap - n, "]}");
	assert_int_equal(board_parse(big, n, e, field, 48, why, 256), -1);
	assert_string_equal(field, "summaries");
	/* a body over the limit, whatever it holds */
	memset(big, ' ', BOARD_BODY_MAX + 1);
	assert_int_equal(board_parse(big, BOARD_BODY_MAX + 1, e, field, 48, why, 256), -1);
	assert_string_equal(field, "body");
	free(big);
	free(e);
}

static void test_code(void **state)
{
	char first[BOARD_CODE_LEN + 1], lower[BOARD_CODE_LEN + 1];
	char err[128];

	(void)state;
	assert_false(board_code_ok("ABCDEF"));        /* no board yet */
	assert_int_equal(board_start(4, err, sizeof(err)), 0);
	strcpy(first, board_code());
	assert_int_equal(strlen(first), BOARD_CODE_LEN);
	assert_int_equal(strspn(first, BOARD_CODE_ALPHABET), BOARD_CODE_LEN);
	assert_true(board_code_ok(first));
	for (int i = 0; i < BOARD_CODE_LEN; i++)
		lower[i] = (char)(first[i] | 0x20);
	lower[BOARD_CODE_LEN] = '\0';
	assert_false(board_code_ok(lower) && strcmp(lower, first));
	assert_false(board_code_ok(NULL));
	assert_false(board_code_ok(""));
	assert_false(board_code_ok("AAAAAAA"));
	first[BOARD_CODE_LEN - 1] = first[BOARD_CODE_LEN - 1] == 'A' ? 'B' : 'A';
	assert_false(board_code_ok(first));
	board_stop();
	assert_int_equal(board_start(4, err, sizeof(err)), 0);
	/* a new code per board (31^6 codes: equal by chance once in 887 million) */
	assert_string_not_equal(board_code(), first);
	board_stop();
}

static void test_budget(void **state)
{
	char err[128];
	int taken = 0;

	(void)state;
	assert_int_equal(board_start(4, err, sizeof(err)), 0);
	for (int i = 0; i < 100; i++)
		taken += board_allow("10.0.0.7");
	assert_int_equal(taken, BOARD_BURST);
	assert_true(board_allow("10.0.0.8"));
	board_stop();
}

static void post_ok(const char *body)
{
	struct board_refusal r;

	if (board_post(body, strlen(body), &r) < 0) {
		print_error("refused %u: %s\n", r.status, r.why);
		fail();
	}
}

static void test_task_and_max(void **state)
{
	struct board_refusal r;
	char err[128];
	const char *other = POST("placement", "bob", SUM("pipe", "1"));

	(void)state;
	assert_int_equal(board_start(2, err, sizeof(err)), 0);
	assert_int_equal(board_post(GOOD, strlen(GOOD), &r), -1);     /* no task yet */
	assert_int_equal(r.status, 409);
	assert_int_equal(board_set_task("nonsense", false, &r), -1);
	assert_int_equal(r.status, 400);
	assert_int_equal(board_set_task("sync-tax", true, &r), 0);
	post_ok(GOOD);
	assert_int_equal(board_post(other, strlen(other), &r), -1);
	assert_int_equal(r.status, 409);
	assert_string_equal(r.code, "wrong_task");
	post_ok(POST("sync-tax", "bob", SUM("pipe", "1")));
	post_ok(POST("sync-tax", "bob", SUM("pipe", "2")));          /* bob again: replaced */
	assert_int_equal(board_post(POST("sync-tax", "cy", SUM("pipe", "1")),
				    strlen(POST("sync-tax", "cy", SUM("pipe", "1"))), &r), -1);
	assert_int_equal(r.status, 503);
	assert_string_equal(r.code, "board_full");
	board_stop();
}

static void test_class_figures(void **state)
{
	struct board_refusal r;
	char err[128], *text;
	cJSON *o, *cls, *pipe;

	(void)state;
	assert_int_equal(board_start(10, err, sizeof(err)), 0);
	assert_int_equal(board_set_task("sync-tax", true, &r), 0);
	post_ok(POST("sync-tax", "a", SUM("pipe", "100")));
	post_ok(POST("sync-tax", "b", SUM("pipe", "200")));
	post_ok(POST("sync-tax", "c", SUM("pipe", "300")));
	post_ok(POST("sync-tax", "d", SUM("pipe", "400")));
	post_ok(POST("sync-tax", "e", SUM("pipe", "900000") "," SUM("shm sync=spin", "5")));
	text = board_json();
	o = cJSON_Parse(text);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(o, "machines")), 5);
	cls = cJSON_GetObjectItem(o, "class");
	assert_int_equal(cJSON_GetArraySize(cls), 2);
	pipe = cJSON_GetArrayItem(cls, 0);
	assert_string_equal(cJSON_GetObjectItem(pipe, "label")->valuestring, "pipe");
	assert_int_equal(cJSON_GetObjectItem(pipe, "machines")->valueint, 5);
	assert_true(cJSON_GetObjectItem(pipe, "median")->valuedouble == 300);
	assert_true(cJSON_GetObjectItem(pipe, "min")->valuedouble == 100);
	assert_true(cJSON_GetObjectItem(pipe, "max")->valuedouble == 900000);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(pipe, "outliers")), 1);
	assert_string_equal(cJSON_GetArrayItem(cJSON_GetObjectItem(pipe, "outliers"), 0)->valuestring,
			    "e");
	assert_int_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(cls, 1), "machines")->valueint, 1);
	cJSON_Delete(o);
	free(text);
	/* a new task clears the board */
	assert_int_equal(board_set_task("compare", true, &r), 0);
	text = board_json();
	o = cJSON_Parse(text);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(o, "machines")), 0);
	cJSON_Delete(o);
	free(text);
	board_stop();
}

/* KPOST: a sync-tax post whose mutex ran at mutex msgs/s against spinning
   at 300000, and the key figure it claims */
#define KPOST(as, mutex, key) "{\"demo\":\"sync-tax\",\"as\":\"" as "\",\"metric\":" \
	"\"msgs_per_s\",\"higher_is_better\":true,\"summaries\":[" SUM("shm sync=spin", "300000") \
	"," SUM("shm sync=mutex", mutex) "],\"key\":" key "}"
#define KEY(f) "{\"a\":\"shm sync=mutex\",\"b\":\"shm sync=spin\",\"factor\":" f \
	",\"low\":null,\"high\":null,\"verdict\":null}"

static void test_key_parse(void **state)
{
	static const struct {
		const char *body, *field;
	} bad[] = {
		{ KPOST("a", "10000", "[]"), "key" },
		{ KPOST("a", "10000", "{\"a\":\"shm sync=mutex\",\"b\":\"shm sync=spin\","
			"\"factor\":30,\"cmd\":1}"), "key" },
		{ KPOST("a", "10000", KEY("31")), "key.factor" },       /* 300000/10000 is 30 */
		{ KPOST("a", "10000", KEY("\"30\"")), "key.factor" },
		{ KPOST("a", "10000", KEY("1e999")), "key.factor" },
		{ KPOST("a", "10000", KEY("-30")), "key.factor" },
		{ KPOST("a", "10000", KEY("2e6")), "key.factor" },       /* past 10^6 */
		{ KPOST("a", "10000", "{\"a\":\"tcp\",\"b\":\"shm sync=spin\",\"factor\":30}"),
		  "key.a" },
		{ KPOST("a", "10000", "{\"a\":\"shm sync=spin\",\"b\":\"shm sync=spin\","
			"\"factor\":1}"), "key.b" },
		{ KPOST("a", "10000", "{\"a\":\"shm sync=mutex\",\"b\":\"shm sync=spin\","
			"\"factor\":30,\"low\":40,\"high\":20}"), "key.low" },
		{ KPOST("a", "10000", "{\"a\":\"shm sync=mutex\",\"b\":\"shm sync=spin\","
			"\"factor\":30,\"low\":20}"), "key.high" },
		{ KPOST("a", "10000", "{\"a\":\"shm sync=mutex\",\"b\":\"shm sync=spin\","
			"\"factor\":30,\"low\":20,\"high\":1e300}"), "key.high" },
		{ KPOST("a", "10000", "{\"a\":\"shm sync=mutex\",\"b\":\"shm sync=spin\","
			"\"factor\":30,\"verdict\":\"<b>\"}"), "key.verdict" },
	};
	struct board_entry *e = malloc(sizeof(*e));
	char field[48];
	const char *good = KPOST("a", "10000", "{\"a\":\"shm sync=mutex\",\"b\":"
		"\"shm sync=spin\",\"factor\":30,\"low\":25.5,\"high\":33,\"verdict\":\"clear\"}");

	(void)state;
	assert_int_equal(parse(good, e, field), 0);
	assert_true(e->key.has);
	assert_string_equal(e->key.a, "shm sync=mutex");
	assert_true(e->key.factor == 30 && e->key.low == 25.5 && e->key.high == 33);
	assert_string_equal(e->key.verdict, "clear");
	assert_int_equal(parse(GOOD, e, field), 0);                  /* no key: none */
	assert_false(e->key.has);
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		if (parse(bad[i].body, e, field) != -1 || strcmp(field, bad[i].field)) {
			print_error("case %zu: field '%s', want '%s'\n", i, field, bad[i].field);
			fail();
		}
	}
	free(e);
}

static void test_key_figures(void **state)
{
	struct board_refusal r;
	char err[128], *text;
	cJSON *o, *k, *pts;

	(void)state;
	assert_int_equal(board_start(10, err, sizeof(err)), 0);
	assert_int_equal(board_set_task("sync-tax", true, &r), 0);
	text = board_json();
	o = cJSON_Parse(text);
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(o, "key")));    /* no machine yet */
	cJSON_Delete(o);
	free(text);
	post_ok(KPOST("ana", "20000", KEY("15")));
	post_ok(KPOST("bo", "15000", KEY("20")));
	post_ok(KPOST("cy", "12000", KEY("25")));
	post_ok(KPOST("di", "10000", KEY("30")));
	post_ok(KPOST("vm", "1500", KEY("200")));
	/* a machine whose key names another pair is not in the distribution */
	post_ok("{\"demo\":\"sync-tax\",\"as\":\"ed\",\"metric\":\"msgs_per_s\","
		"\"higher_is_better\":true,\"summaries\":[" SUM("pipe", "1000") ","
		SUM("shm sync=spin", "4000") "],\"key\":{\"a\":\"pipe\",\"b\":\"shm sync=spin\","
		"\"factor\":4}}");
	post_ok(POST("sync-tax", "zed", SUM("pipe", "5")));         /* no key at all */
	text = board_json();
	o = cJSON_Parse(text);
	k = cJSON_GetObjectItem(o, "key");
	assert_non_null(k);
	assert_string_equal(cJSON_GetObjectItem(k, "a")->valuestring, "shm sync=mutex");
	assert_string_equal(cJSON_GetObjectItem(k, "b")->valuestring, "shm sync=spin");
	assert_int_equal(cJSON_GetObjectItem(k, "machines")->valueint, 5);
	assert_int_equal(cJSON_GetObjectItem(k, "other_pairs")->valueint, 1);
	assert_true(cJSON_GetObjectItem(k, "median")->valuedouble == 25);
	assert_true(cJSON_GetObjectItem(k, "q1")->valuedouble == 20);
	assert_true(cJSON_GetObjectItem(k, "q3")->valuedouble == 30);
	assert_true(cJSON_GetObjectItem(k, "min")->valuedouble == 15);
	assert_true(cJSON_GetObjectItem(k, "max")->valuedouble == 200);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(k, "outliers")), 1);
	assert_string_equal(cJSON_GetArrayItem(cJSON_GetObjectItem(k, "outliers"), 0)->valuestring,
			    "vm");
	pts = cJSON_GetObjectItem(k, "points");
	assert_int_equal(cJSON_GetArraySize(pts), 5);
	assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(pts, 4), "as")->valuestring, "vm");
	assert_true(cJSON_GetObjectItem(cJSON_GetArrayItem(pts, 4), "factor")->valuedouble == 200);
	/* each machine's own key, as posted */
	k = cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(o, "machines"), 1), "key");
	assert_true(cJSON_GetObjectItem(k, "factor")->valuedouble == 20);
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(k, "low")));
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(cJSON_GetArrayItem(
		cJSON_GetObjectItem(o, "machines"), 6), "key")));
	cJSON_Delete(o);
	free(text);
	board_stop();
}

static void test_head_bodies(void **state)
{
	struct head_verdict v;
	char h[512];

	(void)state;
#define HEAD(method, target, len) \
	snprintf(h, sizeof(h), "%s %s HTTP/1.1\r\nHost: 10.0.0.5:8080\r\nContent-Length: %s\r\n\r\n", \
		 method, target, len)
	HEAD("POST", "/api/board/results", "1200");
	assert_int_equal(head_check(h, strlen(h), &v), 0);
	HEAD("POST", "/api/board/results", "32768");
	assert_int_equal(head_check(h, strlen(h), &v), 0);
	HEAD("POST", "/api/board/results", "32769");
	assert_int_equal(head_check(h, strlen(h), &v), -1);
	assert_string_equal(v.code, "body_too_large");
	HEAD("POST", "/api/board/results", "99999999999999999999999");
	assert_int_equal(head_check(h, strlen(h), &v), -1);
	assert_int_equal(v.status, 400);
	HEAD("GET", "/api/board/results", "10");
	assert_int_equal(head_check(h, strlen(h), &v), -1);
	assert_string_equal(v.code, "body_not_accepted");
	HEAD("POST", "/api/health", "10");
	assert_int_equal(head_check(h, strlen(h), &v), -1);
	assert_string_equal(v.code, "body_not_accepted");
	HEAD("POST", "/api/board", "10");
	assert_int_equal(head_check(h, strlen(h), &v), -1);
#undef HEAD
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_good),
		cmocka_unit_test(test_parse_refuses),
		cmocka_unit_test(test_parse_limits),
		cmocka_unit_test(test_code),
		cmocka_unit_test(test_budget),
		cmocka_unit_test(test_task_and_max),
		cmocka_unit_test(test_class_figures),
		cmocka_unit_test(test_key_parse),
		cmocka_unit_test(test_key_figures),
		cmocka_unit_test(test_head_bodies),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
