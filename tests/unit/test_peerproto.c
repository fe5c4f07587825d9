/* test_peerproto.c -- the control protocol between a run and `ipcscope peer`: every message's fields checked for kind and range, NUL characters, the hello's token and version, the rep check, the token read from a file */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "params/params.h"
#include "run/peer.h"

#define TOKEN "unit-token-0123"

/* parse: line (a C string) as the framing takes it; the object or NULL
   with why */
static cJSON *parse(const char *line, char *why, size_t len)
{
	why[0] = '\0';
	return peer_parse_line(line, strlen(line), why, len);
}

/* refused: line is refused with a reason that contains want */
static void refused(const char *line, const char *want)
{
	char why[256];
	cJSON *o = parse(line, why, sizeof(why));

	if (o || !strstr(why, want))
		fail_msg("'%s': %s (wanted '%s')", line, o ? "accepted" : why, want);
}

static void accepted(const char *line)
{
	char why[256];
	cJSON *o = parse(line, why, sizeof(why));

	if (!o)
		fail_msg("'%s' refused: %s", line, why);
	cJSON_Delete(o);
}

static void test_well_formed(void **state)
{
	(void)state;
	accepted("{\"type\":\"hello\",\"version\":1,\"token\":\"" TOKEN "\"}");
	accepted("{\"type\":\"rep\",\"mechanism\":\"tcp\",\"params\":{\"size\":\"64\"},\"port\":0}");
	accepted("{\"type\":\"rep\",\"mechanism\":\"udp\",\"params\":{},\"port\":65535}");
	accepted("{\"type\":\"port\",\"port\":40000}");
	accepted("{\"type\":\"ready\",\"ok\":false}");
	accepted("{\"type\":\"go\",\"stop\":true}");
	accepted("{\"type\":\"total\",\"n\":9000000000000000000}");
	accepted("{\"type\":\"done\"}");
	accepted("{\"type\":\"error\",\"code\":\"peer_failed\",\"message\":\"why\"}");
	accepted("{\"type\":\"bye\"}");
	accepted("  {\"type\":\"bye\"}  ");
}

/* the message that crashed the peer, and each field out of kind or range */
static void test_fields(void **state)
{
	(void)state;
	refused("{\"type\":\"rep\",\"mechanism\":\"tcp\",\"params\":[\"size\",\"64\"],\"port\":40000}",
		"bad 'rep' message: 'params' must be an object of strings");
	refused("{\"type\":\"rep\",\"mechanism\":\"tcp\",\"params\":{\"size\":64},\"port\":0}",
		"'params' must be an object of strings");
	refused("{\"type\":\"rep\",\"mechanism\":\"tcp\",\"port\":0}", "'params' is missing");
	refused("{\"type\":\"rep\",\"mechanism\":7,\"params\":{},\"port\":0}",
		"'mechanism' must be a string");
	refused("{\"type\":\"rep\",\"mechanism\":\"tcp\",\"params\":{},\"port\":65536}",
		"'port' must be an integer 0..65535");
	refused("{\"type\":\"rep\",\"mechanism\":\"tcp\",\"params\":{},\"port\":-1}", "'port'");
	refused("{\"type\":\"rep\",\"mechanism\":\"tcp\",\"params\":{},\"port\":1.5}", "'port'");
	refused("{\"type\":\"rep\",\"mechanism\":\"tcp\",\"params\":{},\"port\":\"80\"}", "'port'");
	refused("{\"type\":\"port\",\"port\":0}", "'port' must be an integer 1..65535");
	refused("{\"type\":\"go\",\"stop\":0}", "'stop' must be true or false");
	refused("{\"type\":\"go\"}", "'stop' is missing");
	refused("{\"type\":\"ready\",\"ok\":\"yes\"}", "'ok' must be true or false");
	refused("{\"type\":\"total\",\"n\":-1}", "'n' must be an integer");
	refused("{\"type\":\"progress\",\"n\":1e300}", "'n'");
	refused("{\"type\":\"stop\",\"n\":null}", "'n'");
	refused("{\"type\":\"hello\",\"version\":\"1\",\"token\":\"" TOKEN "\"}",
		"'version' must be a number");
	refused("{\"type\":\"hello\",\"version\":1}", "'token' is missing");
	refused("{\"type\":\"error\",\"code\":\"x\"}", "'message' is missing");
	refused("{\"type\":\"result\",\"failed\":false,\"message\":\"\",\"code\":\"\"}",
		"'cpu' is missing");
}

static void test_framing(void **state)
{
	char why[256];
	const char nul[] = "{\"type\":\"bye\"}\0junk";

	(void)state;
	refused("{\"type\":\"bye\"} {\"type\":\"bye\"}", "not a control message");
	refused("{\"type\":\"bye\"", "not a control message");
	refused("[\"type\",\"bye\"]", "not a control message");
	refused("{\"type\":1}", "not a control message");
	refused("{\"type\":\"hello\",\"version\":1,\"token\":\"" TOKEN "\\u0000tail\"}",
		"NUL character");
	refused("{\"type\":\"rep\",\"mechanism\":\"tcp\\u0000\",\"params\":{},\"port\":0}",
		"NUL character");
	/* an escaped backslash before u0000 is text, not a NUL */
	accepted("{\"type\":\"error\",\"code\":\"x\",\"message\":\"a\\\\u0000b\"}");
	/* a raw NUL byte inside the line */
	assert_null(peer_parse_line(nul, sizeof(nul) - 1, why, sizeof(why)));
	assert_non_null(strstr(why, "NUL character"));
}

static void test_hello(void **state)
{
	char why[256];
	const char *code;
	cJSON *o;

	(void)state;
	o = cJSON_Parse("{\"type\":\"hello\",\"version\":1,\"token\":\"" TOKEN "\"}");
	assert_int_equal(peer_hello_check(o, TOKEN, &code, why, sizeof(why)), 0);
	cJSON_Delete(o);
	o = cJSON_Parse("{\"type\":\"hello\",\"version\":1.9,\"token\":\"" TOKEN "\"}");
	assert_int_equal(peer_hello_check(o, TOKEN, &code, why, sizeof(why)), -1);
	assert_string_equal(code, "bad_version");
	assert_non_null(strstr(why, "version 1, not 1.9"));
	cJSON_Delete(o);
	o = cJSON_Parse("{\"type\":\"hello\",\"version\":1,\"token\":\"" TOKEN "x\"}");
	assert_int_equal(peer_hello_check(o, TOKEN, &code, why, sizeof(why)), -1);
	assert_string_equal(code, "bad_token");
	assert_null(strstr(why, TOKEN));
	cJSON_Delete(o);
	o = cJSON_Parse("{\"type\":\"welcome\",\"version\":1,\"token\":\"" TOKEN "\"}");
	assert_int_equal(peer_hello_check(o, TOKEN, &code, why, sizeof(why)), -1);
	cJSON_Delete(o);
}

static void test_rep(void **state)
{
	struct bench_params p;
	const struct mech_ops *ops;
	char why[256];
	cJSON *o;

	(void)state;
	o = cJSON_Parse("{\"type\":\"rep\",\"mechanism\":\"tcp\",\"params\":{\"size\":\"4K\","
			"\"count\":\"100\"},\"port\":0}");
	assert_int_equal(peer_rep_check(o, &p, &ops, why, sizeof(why)), 0);
	assert_string_equal(ops->name, "tcp");
	assert_int_equal(p.size, 4096);
	cJSON_Delete(o);
	o = cJSON_Parse("{\"type\":\"rep\",\"mechanism\":\"tcp\",\"params\":[\"size\",\"64\"],"
			"\"port\":0}");
	assert_int_equal(peer_rep_check(o, &p, &ops, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "object of strings"));
	cJSON_Delete(o);
	o = cJSON_Parse("{\"type\":\"rep\",\"mechanism\":\"shm\",\"params\":{\"size\":\"64\"},"
			"\"port\":0}");
	assert_int_equal(peer_rep_check(o, &p, &ops, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "cannot cross hosts"));
	cJSON_Delete(o);
	o = cJSON_Parse("{\"type\":\"rep\",\"mechanism\":\"tcp\",\"params\":{\"size\":\"64\","
			"\"peer\":\"1.2.3.4:5\"},\"port\":0}");
	assert_int_equal(peer_rep_check(o, &p, &ops, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "not one a peer takes"));
	cJSON_Delete(o);
}

/* token_file: the token read from a file holding text */
static int token_file(const char *text, size_t n, char *out, char *why, size_t len)
{
	char path[] = "/tmp/test-peerproto-XXXXXX";
	int fd = mkstemp(path), rc;

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, n), (ssize_t)n);
	close(fd);
	rc = peer_token_read(path, out, why, len);
	unlink(path);
	return rc;
}

static void test_token_file(void **state)
{
	char tok[PEER_TOKEN_MAX + 1], why[256], long_tok[PEER_TOKEN_MAX + 2];

	(void)state;
	assert_int_equal(token_file(TOKEN "\n", strlen(TOKEN) + 1, tok, why, sizeof(why)), 0);
	assert_string_equal(tok, TOKEN);
	assert_int_equal(token_file(TOKEN "\r\n", strlen(TOKEN) + 2, tok, why, sizeof(why)), 0);
	assert_string_equal(tok, TOKEN);
	assert_int_equal(token_file(TOKEN, strlen(TOKEN), tok, why, sizeof(why)), 0);
	assert_int_equal(token_file("unit-tok\0en-0123", 16, tok, why, sizeof(why)), -1);
	assert_null(strstr(why, "unit-tok"));
	assert_int_equal(token_file(TOKEN "\n" TOKEN "\n", 2 * strlen(TOKEN) + 2, tok, why,
				    sizeof(why)), -1);
	assert_int_equal(token_file("short\n", 6, tok, why, sizeof(why)), -1);
	memset(long_tok, 'a', sizeof(long_tok) - 1);
	long_tok[sizeof(long_tok) - 1] = '\0';
	assert_int_equal(token_file(long_tok, strlen(long_tok), tok, why, sizeof(why)), -1);
	assert_int_equal(token_file("bad token!\n", 11, tok, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "does not hold a token"));
	assert_null(strstr(why, "bad token"));
	assert_int_equal(peer_token_read("/nonexistent/ipcscope-token", tok, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "cannot read token-file"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_well_formed),
		cmocka_unit_test(test_fields),
		cmocka_unit_test(test_framing),
		cmocka_unit_test(test_hello),
		cmocka_unit_test(test_rep),
		cmocka_unit_test(test_token_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
