/* test_http.c -- the server's Host allowlist and static-file allowlist */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "../../server/http_check.h"
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
		cmocka_unit_test(test_static_allowlist),
		cmocka_unit_test(test_content_types),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
