/* http_head.h -- the verdict on a request head, before libmicrohttpd sees it */
#ifndef IPCSCOPE_HTTP_HEAD_H
#define IPCSCOPE_HTTP_HEAD_H

#include <stdbool.h>
#include <stddef.h>

#define HEAD_MAX (24u << 10)       /* request line and headers, bytes */
#define HEAD_URL_MAX 8192          /* the request target, bytes */
#define HEAD_PARAMS_MAX 256        /* fields of the query; the parser allows fewer */
#define HEAD_FIELDS_MAX 100        /* header lines; libmicrohttpd's pool holds them all */
#define HEAD_BODY_MAX (32u << 10)  /* a body, on a POST to /api/board/... only */

/* The page's own files only, no inline script or style, never framed: the
   policy every answer carries, the gate's refusals too. */
#define HTTP_CSP "default-src 'self'; frame-ancestors 'none'"

/* Why a head is refused: the status and the JSON error's code and message. */
struct head_verdict {
	unsigned status;           /* 0: let it through */
	const char *code;
	char message[160];
};

/* head_end: the length of the head in buf (up to and including its blank
   line), or 0 while it is incomplete */
size_t head_end(const char *buf, size_t len);

/* head_check: judges one complete head (len bytes from head_end): a
   request line "METHOD TARGET HTTP/1.x", header lines "Name: value", one
   Host (at least one for HTTP/1.1), no body (no Transfer-Encoding, a
   Content-Length of digits only, 0 except on a POST to /api/board/...,
   there at most HEAD_BODY_MAX), a target within HEAD_URL_MAX and
   HEAD_PARAMS_MAX without %00; 0 with v->status 0, or -1 with *v filled */
int head_check(const char *buf, size_t len, struct head_verdict *v);

#endif
