/* test_board_client.c -- a student's side of the class board: the options
   checked, the post built from a run's lines and taken by the board's own
   parser, the machine only when shared, the options taken out of argv */
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
#include "net/board_client.h"

static void test_check(void **state)
{
	static const char *const bad_urls[] = {
		"https://10.0.0.5", "10.0.0.5:8080", "http://", "http:///x", "http://a b",
		"http://10.0.0.5\r\nX: y", "http://u@10.0.0.5", "http://10.0.0.5?x", NULL,
	};
	struct boardc_target t;
	char err[256];

	(void)state;
	assert_int_equal(boardc_check(&t, "http://10.0.0.5:8080/", "k7p2qx", "ana", err, sizeof(err)), 0);
	assert_string_equal(t.url, "http://10.0.0.5:8080");
	assert_string_equal(t.code, "K7P2QX");
	for (int i = 0; bad_urls[i]; i++)
		assert_int_equal(boardc_check(&t, bad_urls[i], "K7P2QX", "ana", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "--board"));
	assert_int_equal(boardc_check(&t, "http://h", "K7P2Q", "ana", err, sizeof(err)), -1);
	assert_int_equal(boardc_check(&t, "http://h", "K7P2Q0", "ana", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "--code"));
	assert_int_equal(boardc_check(&t, "http://h", "K7P2QX", "", err, sizeof(err)), -1);
	assert_int_equal(boardc_check(&t, "http://h", "K7P2QX", "a\tb", err, sizeof(err)), -1);
	assert_int_equal(boardc_check(&t, "http://h", "K7P2QX", "x23456789012345678901234567890123",
				      err, sizeof(err)), -1);
	assert_non_null(strstr(err, "--as"));
}

static const char *const run_lines[] = {
	"{\"type\":\"start\",\"run\":\"cli-1\",\"demo\":\"sync-tax\",\"command\":\"demo\","
	"\"system\":{\"cpu_model\":\"AMD EPYC\",\"cores\":2,\"kernel\":\"Linux 6.1\",\"hostname\":\"h\"}}",
	"{\"type\":\"result\",\"run\":\"cli-1\",\"mechanism\":\"pipe\",\"msgs_per_s\":5}",
	"{\"type\":\"summary\",\"run\":\"cli-1\",\"mechanism\":\"shm\",\"label\":\"shm sync=spin\","
	"\"size\":4096,\"reps\":3,\"msgs_per_s\":{\"median\":250000.125,\"min\":1,\"max\":3e5},"
	"\"notes\":[\"x\"]}",
	"{\"type\":\"summary\",\"run\":\"cli-1\",\"mechanism\":\"pipe\",\"label\":\"pipe\","
	"\"size\":4096,\"reps\":3,\"msgs_per_s\":{\"median\":90000,\"min\":1,\"max\":1e5}}",
	"{\"type\":\"summary\",\"run\":\"cli-1\",\"mechanism\":\"shm\",\"label\":\"shm sync=mutex\","
	"\"size\":4096,\"reps\":3,\"msgs_per_s\":{\"median\":10000.5,\"min\":1,\"max\":2e4}}",
	"{\"type\":\"comparison\",\"run\":\"cli-1\",\"metric\":\"msgs_per_s\",\"higher_is_better\":true,"
	"\"baseline_label\":\"shm sync=spin\",\"rows\":[{\"label\":\"shm sync=spin\",\"ci_low\":null,"
	"\"verdict\":\"baseline\"},{\"label\":\"shm sync=mutex\",\"ci_low\":0.035,\"ci_high\":0.045,"
	"\"verdict\":\"clear\"}]}",
	"{\"type\":\"lesson\",\"run\":\"cli-1\",\"text\":\"Spinning won.\"}",
	"{\"type\":\"end\",\"run\":\"cli-1\",\"status\":\"ok\"}",
};

static void take_all(struct boardc_run *b, int upto)
{
	for (int i = 0; i < upto; i++) {
		cJSON *o = cJSON_Parse(run_lines[i]);

		boardc_tap(b, o);
		cJSON_Delete(o);
	}
}

static void test_post_round_trip(void **state)
{
	struct boardc_run b = { 0 };
	struct boardc_target t;
	struct board_entry *e = malloc(sizeof(*e));
	char err[256], field[48], *post;
	int n = (int)(sizeof(run_lines) / sizeof(*run_lines));

	(void)state;
	assert_int_equal(boardc_check(&t, "http://h", "K7P2QX", "ana", err, sizeof(err)), 0);
	take_all(&b, n);
	post = boardc_body(&b, &t, err, sizeof(err));
	assert_non_null(post);
	assert_null(strstr(post, "hostname"));
	assert_null(strstr(post, "\"machine\""));
	assert_int_equal(board_parse(post, strlen(post), e, field, sizeof(field), err, sizeof(err)), 0);
	assert_string_equal(e->demo, "sync-tax");
	assert_string_equal(e->as, "ana");
	assert_int_equal(e->nsum, 3);
	assert_true(e->sum[0].median == 250000.125);
	/* the key figure, taken by the board's parser as the medians make it */
	assert_true(e->key.has);
	assert_string_equal(e->key.a, "shm sync=mutex");
	assert_true(e->key.factor == 250000.125 / 10000.5);
	assert_true(e->key.low == 1 / 0.045 && e->key.high == 1 / 0.035);
	assert_string_equal(e->key.verdict, "clear");
	assert_string_equal(e->lesson, "Spinning won.");
	free(post);
	t.share_machine = true;
	post = boardc_body(&b, &t, err, sizeof(err));
	assert_null(strstr(post, "hostname"));
	assert_int_equal(board_parse(post, strlen(post), e, field, sizeof(field), err, sizeof(err)), 0);
	assert_true(e->machine);
	assert_string_equal(e->cpu, "AMD EPYC");
	assert_int_equal(e->cores, 2);
	free(post);
	boardc_free(&b);
	/* a run that did not end ok sends nothing */
	take_all(&b, n - 1);
	assert_null(boardc_body(&b, &t, err, sizeof(err)));
	assert_non_null(strstr(err, "nothing was sent"));
	boardc_free(&b);
	free(e);
}

static cJSON *post_of(const char *demo, bool higher, const char *sums)
{
	char text[2048];

	snprintf(text, sizeof(text), "{\"demo\":\"%s\",\"metric\":\"%s\",\"higher_is_better\":"
		 "%s,\"summaries\":[%s]}", demo, higher ? "msgs_per_s" : "latency_p50_ns",
		 higher ? "true" : "false", sums);
	return cJSON_Parse(text);
}

#define S(label, mech, med) "{\"label\":\"" label "\",\"mechanism\":\"" mech "\",\"median\":" med "}"

/* the key figure: the pair each demo's headline compares, the factor of
   their medians as a cost, and the comparison row's interval turned into
   the same direction */
static void test_key(void **state)
{
	cJSON *post, *cmp, *k;

	(void)state;
	post = post_of("sync-tax", true, S("shm sync=spin", "shm", "300000") ","
		       S("pipe", "pipe", "1000") "," S("shm sync=mutex", "shm", "12000"));
	cmp = cJSON_Parse("[{\"metric\":\"msgs_per_s\",\"baseline\":\"shm\",\"baseline_label\":"
			  "\"shm sync=spin\",\"rows\":[{\"label\":\"shm sync=mutex\",\"ci_low\":0.03,"
			  "\"ci_high\":0.05,\"verdict\":\"clear\"}]}]");
	k = boardc_key(post, cmp);
	assert_non_null(k);
	assert_string_equal(cJSON_GetObjectItem(k, "a")->valuestring, "shm sync=mutex");
	assert_string_equal(cJSON_GetObjectItem(k, "b")->valuestring, "shm sync=spin");
	assert_true(cJSON_GetObjectItem(k, "factor")->valuedouble == 25);
	assert_true(cJSON_GetObjectItem(k, "low")->valuedouble == 1 / 0.05);
	assert_true(cJSON_GetObjectItem(k, "high")->valuedouble == 1 / 0.03);
	assert_string_equal(cJSON_GetObjectItem(k, "verdict")->valuestring, "clear");
	cJSON_Delete(k);
	k = boardc_key(post, NULL);            /* no comparison row: no interval */
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(k, "low")));
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(k, "verdict")));
	cJSON_Delete(k);
	cJSON_Delete(cmp);
	cJSON_Delete(post);
	/* a sync-tax run without its mutex job has no key */
	post = post_of("sync-tax", true, S("shm sync=spin", "shm", "3") "," S("pipe", "pipe", "1"));
	assert_null(boardc_key(post, NULL));
	cJSON_Delete(post);
	/* layers: the dearest layer against unix at its size and mode (lower is better) */
	post = post_of("layers", false, S("unix 64 B latency", "unix", "5000") ","
		       S("zmq 64 B latency", "zmq", "20000") "," S("grpc 64 B latency", "grpc", "90000") ","
		       S("unix 4 KiB latency", "unix", "1000"));
	k = boardc_key(post, NULL);
	assert_string_equal(cJSON_GetObjectItem(k, "a")->valuestring, "grpc 64 B latency");
	assert_string_equal(cJSON_GetObjectItem(k, "b")->valuestring, "unix 64 B latency");
	assert_true(cJSON_GetObjectItem(k, "factor")->valuedouble == 18);
	cJSON_Delete(k);
	cJSON_Delete(post);
	/* compare: the slowest against the fastest */
	post = post_of("compare", true, S("pipe", "pipe", "100") "," S("tcp", "tcp", "50") ","
		       S("shm", "shm", "400"));
	k = boardc_key(post, NULL);
	assert_string_equal(cJSON_GetObjectItem(k, "a")->valuestring, "tcp");
	assert_string_equal(cJSON_GetObjectItem(k, "b")->valuestring, "shm");
	assert_true(cJSON_GetObjectItem(k, "factor")->valuedouble == 8);
	cJSON_Delete(k);
	cJSON_Delete(post);
}

static void test_args(void **state)
{
	char *argv[] = { "sync-tax", "--reps", "3", "--board", "http://h:1", "--code=K7P2QX",
			 "--share-machine", "--as", "ana", "--format", "ndjson", NULL };
	char *half[] = { "sync-tax", "--board", "http://h:1", NULL };
	char *none[] = { "sync-tax", "--reps", "3", NULL };
	struct boardc_target t;
	char err[256];
	int argc = 11;

	(void)state;
	assert_int_equal(boardc_args(&argc, argv, &t, err, sizeof(err)), 1);
	assert_int_equal(argc, 5);
	assert_string_equal(argv[3], "--format");
	assert_null(argv[5]);
	assert_true(t.share_machine);
	assert_string_equal(t.as, "ana");
	argc = 3;
	assert_int_equal(boardc_args(&argc, half, &t, err, sizeof(err)), -1);
	argc = 3;
	assert_int_equal(boardc_args(&argc, none, &t, err, sizeof(err)), 0);
	assert_int_equal(argc, 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_check),
		cmocka_unit_test(test_post_round_trip),
		cmocka_unit_test(test_key),
		cmocka_unit_test(test_args),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
