/* http_head.c -- the verdict on a request head, before libmicrohttpd sees it
 *
 * libmicrohttpd answers some malformed heads itself, with HTML bodies, and
 * some of them (a Content-Length of -1 or past 2^64) with two status
 * lines; it waits for a body announced by Content-Length or Expect, and
 * refuses a head with many header lines with its own 431. Every head is
 * judged here first, so every refusal is ipcscope's own JSON answer, at once.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http_head.h"

#define METHOD_MAX 16
#define REQUEST_LINE_MAX (METHOD_MAX + HEAD_URL_MAX + 16)   /* method, URL, version */

/* refuse: the verdict status, code and a message formatted from fmt (the
   limits it names come from their constants); -1 */
__attribute__((format(printf, 4, 5)))
static int refuse(struct head_verdict *v, unsigned status, const char *code, const char *fmt, ...)
{
	va_list ap;

	v->status = status;
	v->code = code;
	va_start(ap, fmt);
	vsnprintf(v->message, sizeof(v->message), fmt, ap);
	va_end(ap);
	return -1;
}

size_t head_end(const char *buf, size_t len)
{
	for (size_t i = 0; i + 1 < len; i++) {
		if (buf[i] != '\n')
			continue;
		if (buf[i + 1] == '\n')
			return i + 2;
		if (i + 2 < len && buf[i + 1] == '\r' && buf[i + 2] == '\n')
			return i + 3;
	}
	return 0;
}

/* line_len: bytes of the line at p (before its LF, without a CR) and the
   offset of the next line in *next */
static size_t line_len(const char *p, const char *end, const char **next)
{
	const char *nl = memchr(p, '\n', (size_t)(end - p));
	size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);

	*next = nl ? nl + 1 : end;
	return n > 0 && p[n - 1] == '\r' ? n - 1 : n;
}

static bool tchar(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

static int check_target(const char *t, size_t n, struct head_verdict *v)
{
	int params = 0;
	const char *q = memchr(t, '?', n);

	if (n > HEAD_URL_MAX)
		return refuse(v, 414, "uri_too_long", "the URL is longer than %d bytes",
			      HEAD_URL_MAX);
	for (size_t i = 0; i + 2 < n; i++)
		if (t[i] == '%' && t[i + 1] == '0' && t[i + 2] == '0')
			return refuse(v, 400, "nul_byte", "the URL holds a NUL byte (%%00)");
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)t[i] <= ' ' || t[i] == 0x7f)
			return refuse(v, 400, "bad_request", "the URL holds a control byte or a space");
	if (q && (size_t)(q - t) + 1 < n) {
		params = 1;
		for (const char *p = q + 1; p < t + n; p++)
			params += *p == '&';
	}
	if (params > HEAD_PARAMS_MAX)
		return refuse(v, 414, "uri_too_long", "the URL has more than %d parameters",
			      HEAD_PARAMS_MAX);
	if (t[0] != '/')
		return refuse(v, 400, "bad_request", "the request target must start with '/'");
	return 0;
}

/* body_route: a POST to one of the class board's routes, the only
   requests that may carry a body (HEAD_BODY_MAX) */
static bool body_route(const char *p, size_t mlen, const char *t, size_t tlen)
{
	static const char board[] = "/api/board/";

	return mlen == 4 && !memcmp(p, "POST", 4) && tlen > sizeof(board) - 1 &&
	       !memcmp(t, board, sizeof(board) - 1);
}

/* check_request_line: "METHOD SP TARGET SP HTTP/1.x"; *v11 is HTTP/1.1,
   *body a request that may carry a body */
static int check_request_line(const char *p, size_t n, bool *v11, bool *body,
			      struct head_verdict *v)
{
	const char *sp1 = memchr(p, ' ', n), *sp2;
	size_t mlen;

	if (!sp1)
		return refuse(v, 400, "bad_request", "the request line is malformed");
	mlen = (size_t)(sp1 - p);
	sp2 = memchr(sp1 + 1, ' ', (size_t)(p + n - sp1 - 1));
	if (mlen == 0 || mlen > METHOD_MAX || !sp2)
		return refuse(v, 400, "bad_request", "the request line is malformed");
	for (size_t i = 0; i < mlen; i++)
		if (!tchar(p[i]))
			return refuse(v, 400, "bad_request", "the method is malformed");
	if (check_target(sp1 + 1, (size_t)(sp2 - sp1 - 1), v) < 0)
		return -1;
	if ((size_t)(p + n - sp2 - 1) != 8 || (memcmp(sp2 + 1, "HTTP/1.1", 8) != 0 &&
					      memcmp(sp2 + 1, "HTTP/1.0", 8) != 0))
		return refuse(v, 505, "http_version", "only HTTP/1.0 and HTTP/1.1 are served");
	*v11 = sp2[8] == '1';
	*body = body_route(p, mlen, sp1 + 1, (size_t)(sp2 - sp1 - 1));
	return 0;
}

struct head_counts {
	int host, length, fields;
	bool body_ok;              /* the request may carry a body */
};

/* check_header: one "Name: value" line */
static int check_header(const char *p, size_t n, struct head_counts *hc, struct head_verdict *v)
{
	const char *colon = memchr(p, ':', n);
	const char *val;
	size_t name_len, vlen;

	if (p[0] == ' ' || p[0] == '\t')
		return refuse(v, 400, "bad_request", "folded header lines are not accepted");
	if (!colon || colon == p)
		return refuse(v, 400, "bad_request", "a header line has no name");
	name_len = (size_t)(colon - p);
	for (size_t i = 0; i < name_len; i++)
		if (!tchar(p[i]))
			return refuse(v, 400, "bad_request", "a header name is malformed");
	for (size_t i = 0; i < n; i++)
		if (p[i] == '\0' || p[i] == '\r')
			return refuse(v, 400, "bad_request", "a header holds a NUL or CR byte");
	val = colon + 1;
	vlen = (size_t)(p + n - val);
	while (vlen && (*val == ' ' || *val == '\t'))
		val++, vlen--;
	while (vlen && (val[vlen - 1] == ' ' || val[vlen - 1] == '\t'))
		vlen--;
	if (name_len == 4 && strncasecmp(p, "Host", 4) == 0)
		hc->host++;
	if (name_len == 17 && strncasecmp(p, "Transfer-Encoding", 17) == 0)
		return refuse(v, 400, "body_not_accepted", "requests with a body are not accepted");
	if (name_len == 6 && strncasecmp(p, "Expect", 6) == 0)
		return refuse(v, 417, "expect_not_accepted", "Expect is not accepted: send a "
			      "body with its head");
	if (name_len == 14 && strncasecmp(p, "Content-Length", 14) == 0) {
		bool digits = vlen > 0, zero = true;

		hc->length++;
		for (size_t i = 0; i < vlen; i++) {
			digits = digits && val[i] >= '0' && val[i] <= '9';
			zero = zero && val[i] == '0';
		}
		if (!digits)
			return refuse(v, 400, "bad_request", "Content-Length must be a number of bytes");
		if (!zero && hc->body_ok && (vlen > 9 || strtoul(val, NULL, 10) > HEAD_BODY_MAX))
			return refuse(v, 400, "body_too_large", "the request body is larger than "
				      "32768 bytes");
		if (!zero && !hc->body_ok)
			return refuse(v, 400, "body_not_accepted", "requests with a body are not "
				      "accepted (Content-Length must be 0)");
	}
	return 0;
}

int head_check(const char *buf, size_t len, struct head_verdict *v)
{
	const char *end = buf + len, *p = buf, *next;
	struct head_counts hc = { 0, 0, 0, false };
	bool v11 = false;
	size_t n;

	v->status = 0;
	v->code = NULL;
	v->message[0] = '\0';
	if (!memchr(buf, '\n', len < REQUEST_LINE_MAX ? len : REQUEST_LINE_MAX))
		return refuse(v, 414, "uri_too_long", "the URL is longer than %d bytes",
			      HEAD_URL_MAX);
	if (len > HEAD_MAX)
		return refuse(v, 431, "headers_too_large", "the request head is larger "
			      "than %u KiB", HEAD_MAX >> 10);
	n = line_len(p, end, &next);
	if (check_request_line(p, n, &v11, &hc.body_ok, v) < 0)
		return -1;
	for (p = next; p < end; p = next) {
		n = line_len(p, end, &next);
		if (n == 0)
			break;
		if (++hc.fields > HEAD_FIELDS_MAX)
			return refuse(v, 431, "headers_too_large", "the request has more than %d "
				      "header lines", HEAD_FIELDS_MAX);
		if (check_header(p, n, &hc, v) < 0)
			return -1;
	}
	if (hc.host > 1)
		return refuse(v, 400, "bad_host", "the request has more than one Host header");
	if (hc.host == 0 && v11)
		return refuse(v, 421, "host_not_allowed", "the request has no Host header");
	if (hc.length > 1)
		return refuse(v, 400, "bad_request", "the request has more than one Content-Length");
	return 0;
}
