/* fuzz_query.c -- libFuzzer: a request's target through the gate's head check,
   then its query split and decoded as libmicrohttpd does, through query_parse
   (the engine's strict parser behind it), query_argv and query_text */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../server/http_head.h"
#include "../../server/http_query.h"

#define FUZZ_INPUT_MAX 4096
#define FUZZ_PAIRS_MAX (QUERY_PARAMS_MAX + 8)

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* decode: '+' is a space, %XY a byte (a NUL too); the decoded length */
static size_t decode(const char *s, size_t n, char *out)
{
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		int hi, lo;

		if (s[i] == '%' && i + 2 < n && (hi = hexval(s[i + 1])) >= 0 &&
		    (lo = hexval(s[i + 2])) >= 0) {
			out[o++] = (char)(hi << 4 | lo);
			i += 2;
		} else {
			out[o++] = s[i] == '+' ? ' ' : s[i];
		}
	}
	out[o] = '\0';
	return o;
}

static void head(const uint8_t *data, size_t size)
{
	static const char pre[] = "GET /api/bench/pipe?", post[] = " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
	char buf[sizeof(pre) + FUZZ_INPUT_MAX + sizeof(post)];
	struct head_verdict v;
	size_t n = 0, end;

	memcpy(buf, pre, sizeof(pre) - 1);
	n = sizeof(pre) - 1;
	memcpy(buf + n, data, size);
	n += size;
	memcpy(buf + n, post, sizeof(post) - 1);
	n += sizeof(post) - 1;
	end = head_end(buf, n);
	if (end && head_check(buf, end, &v) < 0 && (v.status < 400 || !v.code))
		abort();   /* a refusal always carries an error status and code */
}

static void query(const uint8_t *data, size_t size)
{
	static char store[2 * FUZZ_INPUT_MAX + 2 * FUZZ_PAIRS_MAX];
	struct query_pair pairs[FUZZ_PAIRS_MAX];
	const char *argv[2 * QUERY_PARAMS_MAX + 4], *headv[2] = { "bench", "pipe" };
	const char *s = (const char *)data, *end = s + size;
	struct param_error err;
	struct query *q = malloc(sizeof(*q));
	char text[FUZZ_INPUT_MAX * 2];
	size_t used = 0;
	int n = 0;

	if (!q)
		return;
	while (s < end && n < FUZZ_PAIRS_MAX) {
		const char *amp = memchr(s, '&', (size_t)(end - s)), *stop = amp ? amp : end;
		const char *eq = memchr(s, '=', (size_t)(stop - s));

		pairs[n].name = store + used;
		pairs[n].name_len = decode(s, (size_t)((eq ? eq : stop) - s), store + used);
		used += pairs[n].name_len + 1;
		pairs[n].value = NULL;
		pairs[n].value_len = 0;
		if (eq) {
			pairs[n].value = store + used;
			pairs[n].value_len = decode(eq + 1, (size_t)(stop - eq - 1), store + used);
			used += pairs[n].value_len + 1;
		}
		n++;
		s = stop + 1;
	}
	enum params_cmd cmd = (enum params_cmd)(size % 4);
	const char *mech = cmd == CMD_BENCH || cmd == CMD_SWEEP ? "pipe" : NULL;

	if (query_parse(q, cmd, mech, pairs, n, &err) == 0) {
		if (query_argv(q, headv, 2, argv, (int)(sizeof(argv) / sizeof(*argv))) < 0)
			abort();
		query_text(q, "/api/bench/pipe", text, sizeof(text));
	} else if (!err.message[0]) {
		abort();   /* every refusal says why */
	}
	free(q);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > FUZZ_INPUT_MAX)
		return 0;
	head(data, size);
	query(data, size);
	return 0;
}
