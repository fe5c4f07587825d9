/* test_http.c -- the server's Host allowlist, same-origin rule, head verdicts,
   UTF-8 escaping and static-file allowlist */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "../../server/http_check.h"
#include "../../server/http_head.h"
#include "../../server/http_reply.h"
#include "../../server/static.h"

static void test_loopback_hosts(void **state)
{
	static const char *const good[] = {
		"localhost", "localhost:8080", "LocalHost:1", "127.0.0.1", "127.0.0.1:65535",
		"[::1]", "[::1]:8080",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		assert_true(http_host_allowed(good[i], false));
		assert_true(http_host_allowed(good[i], true));
	}
}

static void test_foreign_hosts(void **state)
{
	static const char *const bad[] = {
		"", "evil.example", "evil.example:8080", "localhost.evil.example",
		"127.0.0.1.evil.example", "localhost:", "localhost:abc", "localhost:123456",
		"localhost:80:80", "::1", "[::1", "10.0.0.1", "[fe80::1]:80", "localhost.",
		"local host", "127.0.0.1:8080/x",
	};

	(void)state;
	assert_false(http_host_allowed(NULL, false));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_false(http_host_allowed(bad[i], false));
}

static void test_public_bind_takes_ip_literals(void **state)
{
	(void)state;
	assert_true(http_host_allowed("10.0.0.1:8080", true));
	assert_true(http_host_allowed("[fe80::1]:80", true));
	assert_false(http_host_allowed("evil.example", true));
	assert_false(http_host_allowed("10.0.0.1.nip.io", true));
}

static void test_same_origin(void **state)
{
	static const struct {
		const char *host, *origin, *site;
		int want;
	} cases[] = {
		{ "127.0.0.1:8080", NULL, NULL, 0 },
		{ "127.0.0.1:8080", "http://127.0.0.1:8080", "same-origin", 0 },
		{ "localhost:8080", "http://LOCALHOST:8080", NULL, 0 },
		{ "127.0.0.1:8080", NULL, "none", 0 },
		{ "127.0.0.1:8080", "http://evil.example", NULL, -1 },
		{ "127.0.0.1:8080", "null", NULL, -1 },
		{ "127.0.0.1:8080", "http://localhost:8080", NULL, -1 },
		{ "127.0.0.1:8080", "https://127.0.0.1:8080", NULL, -1 },
		{ "127.0.0.1:8080", "http://127.0.0.1:8081", NULL, -1 },
		{ "127.0.0.1:8080", "http://127.0.0.1:8080/", NULL, -1 },
		{ "127.0.0.1:8080", NULL, "same-site", -1 },
		{ "127.0.0.1:8080", NULL, "cross-site", -1 },
		{ NULL, "http://127.0.0.1:8080", NULL, -1 },
	};
	char why[256];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		why[0] = '\0';
		assert_int_equal(http_same_origin(cases[i].host, cases[i].origin, cases[i].site, why,
						  sizeof(why)), cases[i].want);
		assert_true(cases[i].want == 0 || strstr(why, "own page"));
	}
}

static void test_head_verdicts(void **state)
{
	static const struct {
		const char *head;
		unsigned status;
	} cases[] = {
		{ "GET /api/health HTTP/1.1\r\nHost: x\r\n\r\n", 0 },
		{ "GET /api/health HTTP/1.0\r\n\r\n", 0 },
		{ "GET /api/health HTTP/1.1\nHost: x\n\n", 0 },
		{ "GET /api/health HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n", 400 },
		{ "GET /api/health HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n", 400 },
		{ "GET /api/health HTTP/1.1\r\n\r\n", 421 },
		{ "GET /api/health%00x HTTP/1.1\r\nHost: x\r\n\r\n", 400 },
		{ "GET /a?size=64K%00 HTTP/1.1\r\nHost: x\r\n\r\n", 400 },
		{ "GET /api/health HTTP/2.0\r\nHost: x\r\n\r\n", 505 },
		{ "GET http://x/ HTTP/1.1\r\nHost: x\r\n\r\n", 400 },
		{ "GET /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n", 400 },
		{ "GET /a HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n", 400 },
		{ "GET /a HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n", 0 },
		{ "GET /a HTTP/1.1\r\nHost: x\r\nContent-Length: 00\r\n\r\n", 0 },
		{ "GET /a HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\n", 400 },
		{ "GET /a HTTP/1.1\r\nHost: x\r\nContent-Length: 18446744073709551615\r\n\r\n", 400 },
		{ "GET /a HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999999\r\n\r\n", 400 },
		{ "GET /a HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n\r\n", 417 },
		{ "GET /a HTTP/1.1\r\nHost: x\r\nexpect: 100-continue\r\n\r\n", 417 },
	};
	struct head_verdict v;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t n = strlen(cases[i].head), end = head_end(cases[i].head, n);

		assert_int_equal(end, n);
		assert_int_equal(head_check(cases[i].head, end, &v), cases[i].status ? -1 : 0);
		assert_int_equal(v.status, cases[i].status);
	}
	assert_int_equal(head_end("GET / HTTP/1.1\r\nHost: x\r\n", strlen("GET / HTTP/1.1\r\nHost: x\r\n")), 0);
}

/* head_fields: HEAD_FIELDS_MAX header lines pass, one more is 431 */
static void test_head_fields(void **state)
{
	char head[4096];
	struct head_verdict v;
	size_t n;

	(void)state;
	for (int lines = HEAD_FIELDS_MAX; lines <= HEAD_FIELDS_MAX + 1; lines++) {
		n = (size_t)snprintf(head, sizeof(head), "GET /a HTTP/1.1\r\nHost: x\r\n");
		for (int i = 1; i < lines; i++)
			n += (size_t)snprintf(head + n, sizeof(head) - n, "X-%d: b\r\n", i);
		n += (size_t)snprintf(head + n, sizeof(head) - n, "\r\n");
		assert_int_equal(head_check(head, n, &v), lines > HEAD_FIELDS_MAX ? -1 : 0);
		assert_int_equal(v.status, lines > HEAD_FIELDS_MAX ? 431 : 0);
	}
}

static void test_utf8_clean(void **state)
{
	char out[64];

	(void)state;
	assert_string_equal(utf8_clean(out, sizeof(out), "plain"), "plain");
	assert_string_equal(utf8_clean(out, sizeof(out), "\xc2\xb5s \xe2\x80\x93"), "\xc2\xb5s \xe2\x80\x93");
	assert_string_equal(utf8_clean(out, sizeof(out), "a\xff\xfe"), "a\\xff\\xfe");
	assert_string_equal(utf8_clean(out, sizeof(out), "\xc0\xae"), "\\xc0\\xae");
	assert_string_equal(utf8_clean(out, sizeof(out), "\xe2\x82"), "\\xe2\\x82");
	assert_string_equal(utf8_clean(out, sizeof(out), "\xed\xa0\x80"), "\\xed\\xa0\\x80");
	assert_string_equal(utf8_clean(out, sizeof(out), "tab\tnl\n"), "tab\\x09nl\\x0a");
	assert_string_equal(utf8_clean(out, 6, "\xff\xff"), "\\xff");
}

static void test_static_allowlist(void **state)
{
	static const char *const refused[] = {
		"", "/index.html/", "/../index.html", "/static/../index.html", "/etc/passwd",
		"/../../etc/passwd", "//index.html", "/INDEX.HTML", "index.html", "/index.html%00",
	};

	(void)state;
	assert_int_equal(static_init(NULL), 0);
	assert_true(static_find("/") >= 0);
	assert_int_equal(static_find("/"), static_find("/index.html"));
	assert_true(static_find("/chart.umd.js") >= 0);
	assert_true(static_find("/chartjs-chart-error-bars.umd.js") >= 0);
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++)
		assert_int_equal(static_find(refused[i]), -1);
	assert_int_equal(static_init("/nonexistent-ipcscope-dir"), -1);
}

static void test_content_types(void **state)
{
	(void)state;
	assert_string_equal(static_content_type("/index.html"), "text/html; charset=utf-8");
	assert_string_equal(static_content_type("/app.js"), "text/javascript; charset=utf-8");
	assert_string_equal(static_content_type("/style.css"), "text/css; charset=utf-8");
	assert_string_equal(static_content_type("/x.svg"), "image/svg+xml");
	assert_string_equal(static_content_type("/js"), "application/octet-stream");
	assert_string_equal(static_content_type("/noext"), "application/octet-stream");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_loopback_hosts),
		cmocka_unit_test(test_foreign_hosts),
		cmocka_unit_test(test_public_bind_takes_ip_literals),
		cmocka_unit_test(test_same_origin),
		cmocka_unit_test(test_head_verdicts),
		cmocka_unit_test(test_head_fields),
		cmocka_unit_test(test_utf8_clean),
		cmocka_unit_test(test_static_allowlist),
		cmocka_unit_test(test_content_types),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
