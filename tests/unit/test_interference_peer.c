/* test_interference_peer.c -- the peer's side of a cross-host rep's interference: hostile result messages, the result line's interference.peer, the words */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net/interference_peer.h"
#include "stats/trust.h"

/* take: what the driver believes of the result message text */
static struct interference_far take(const char *text)
{
	cJSON *msg = cJSON_Parse(text);
	struct interference_far far;

	assert_non_null(msg);
	interference_far_init(&far);
	interference_peer_take(msg, &far);
	cJSON_Delete(msg);
	return far;
}

static void assert_unmeasured(const struct interference_far *f)
{
	assert_true(f->other_cpu_pct == -1);
	assert_true(f->steal_pct == -1);
	assert_int_equal(f->involuntary_ctx, -1);
}

static void test_well_formed(void **state)
{
	struct interference_far f = take("{\"type\":\"result\",\"interference\":"
		"{\"other_cpu_pct\":38.5,\"steal_pct\":0,\"involuntary_ctx\":154}}");

	(void)state;
	assert_true(f.sent);
	assert_true(f.other_cpu_pct == 38.5);
	assert_true(f.steal_pct == 0);
	assert_int_equal(f.involuntary_ctx, 154);
}

/* a peer from before the field: its rep still counts, not measured */
static void test_not_sent(void **state)
{
	struct interference_far f = take("{\"type\":\"result\",\"received\":10}");

	(void)state;
	assert_false(f.sent);
	assert_unmeasured(&f);
	f = take("{\"type\":\"result\",\"interference\":null}");
	assert_false(f.sent);
	f = take("{\"type\":\"result\",\"interference\":[38,0,1]}");
	assert_false(f.sent);
	assert_unmeasured(&f);
	f = take("{\"type\":\"result\",\"interference\":\"38%\"}");
	assert_false(f.sent);
}

static void test_out_of_range(void **state)
{
	static const char *const bad[] = {
		"{\"interference\":{\"other_cpu_pct\":-0.1,\"steal_pct\":100.5,\"involuntary_ctx\":-1}}",
		"{\"interference\":{\"other_cpu_pct\":1e999,\"steal_pct\":-1e999,\"involuntary_ctx\":1e999}}",
		"{\"interference\":{\"other_cpu_pct\":\"38\",\"steal_pct\":true,\"involuntary_ctx\":\"7\"}}",
		"{\"interference\":{\"other_cpu_pct\":null,\"steal_pct\":{},\"involuntary_ctx\":2.5}}",
		"{\"interference\":{\"other_cpu_pct\":[1],\"involuntary_ctx\":1e13}}",
		"{\"interference\":{}}",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct interference_far f = take(bad[i]);

		assert_true(f.sent);
		assert_unmeasured(&f);
	}
}

/* the edges of each range are believed; one bad field spoils only itself */
static void test_edges(void **state)
{
	struct interference_far f = take("{\"interference\":{\"other_cpu_pct\":100,"
		"\"steal_pct\":-3,\"involuntary_ctx\":0}}");

	(void)state;
	assert_true(f.other_cpu_pct == 100);
	assert_true(f.steal_pct == -1);
	assert_int_equal(f.involuntary_ctx, 0);
}

/* what the peer sends is what the driver takes */
static void test_round_trip(void **state)
{
	struct interference here;
	struct interference_far sent, got;
	cJSON *msg = cJSON_CreateObject();

	(void)state;
	interference_init(&here);
	here.other_cpu_pct = 61.25;
	here.steal_pct = -1;          /* not measured on the peer */
	here.involuntary_ctx = 59;
	here.line_rtt_ns = 131;       /* never sent */
	interference_far_of(&here, &sent);
	cJSON_AddItemToObject(msg, "interference", interference_far_json(&sent));
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(cJSON_GetObjectItem(msg, "interference"),
						     "steal_pct")));
	assert_null(cJSON_GetObjectItem(cJSON_GetObjectItem(msg, "interference"), "line_rtt_ns"));
	interference_far_init(&got);
	interference_peer_take(msg, &got);
	cJSON_Delete(msg);
	assert_true(got.sent);
	assert_true(got.other_cpu_pct == 61.25);
	assert_true(got.steal_pct == -1);
	assert_int_equal(got.involuntary_ctx, 59);
}

/* the result line: peer null locally; across hosts an object, and a rep
   disturbed on either side is disturbed */
static void test_result_line(void **state)
{
	struct interference x;
	cJSON *o, *p;

	(void)state;
	interference_init(&x);
	x.other_cpu_pct = 2;
	x.steal_pct = 0;
	o = trust_interference_json(&x);
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(o, "peer")));
	assert_true(cJSON_IsFalse(cJSON_GetObjectItem(o, "disturbed")));
	cJSON_Delete(o);

	x.peer = take("{\"interference\":{\"other_cpu_pct\":38,\"steal_pct\":0,"
		      "\"involuntary_ctx\":12}}");
	assert_true(trust_disturbed(&x));
	assert_false(trust_here_disturbed(&x));
	o = trust_interference_json(&x);
	p = cJSON_GetObjectItem(o, "peer");
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(o, "disturbed")));
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(p, "disturbed")));
	assert_true(cJSON_GetObjectItem(p, "other_cpu_pct")->valuedouble == 38);
	assert_int_equal(cJSON_GetObjectItem(p, "involuntary_ctx")->valueint, 12);
	cJSON_Delete(o);

	/* a hostile peer's numbers never disturb a rep */
	x.peer = take("{\"interference\":{\"other_cpu_pct\":1e308,\"steal_pct\":\"99\"}}");
	assert_false(trust_disturbed(&x));
}

/* text: which side was disturbed */
static void test_words(void **state)
{
	struct interference x;
	cJSON *line = cJSON_CreateObject();
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	(void)state;
	interference_init(&x);
	x.other_cpu_pct = 1;
	x.steal_pct = 0;
	x.peer = take("{\"interference\":{\"other_cpu_pct\":38,\"steal_pct\":0}}");
	cJSON_AddNumberToObject(line, "rep", 3);
	cJSON_AddItemToObject(line, "interference", trust_interference_json(&x));
	trust_text_result(f, line);
	fclose(f);
	cJSON_Delete(line);
	assert_non_null(strstr(text, "rep 3 disturbed on the peer: other processes took 38% "
			       "of its CPUs' time"));
	assert_null(strstr(text, "on this host"));
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_well_formed),
		cmocka_unit_test(test_not_sent),
		cmocka_unit_test(test_out_of_range),
		cmocka_unit_test(test_edges),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_result_line),
		cmocka_unit_test(test_words),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
