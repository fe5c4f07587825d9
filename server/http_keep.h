/* http_keep.h -- kept connections: each next request head judged as it arrives */
#ifndef IPCSCOPE_HTTP_KEEP_H
#define IPCSCOPE_HTTP_KEEP_H

#include <stdbool.h>

#define KEEP_IDLE_S 30             /* a kept connection with no next request closes */

struct keep;

/* keep_open: the record of a connection MHD was handed by the gate (fd),
   whose first head the gate judged; NULL when out of memory (then the
   connection is never kept) */
struct keep *keep_open(int fd);

/* keep_close: frees k */
void keep_close(struct keep *k);

/* keep_request: what a request asks of its connection: HTTP/1.0, or a
   Connection header with "close", ends it after the answer */
void keep_request(struct keep *k, const char *version, const char *connection);

/* keep_answer: at an answer: true when the connection may be kept after
   it, false when the answer must say "Connection: close": the client asks
   so, or libmicrohttpd has read bytes past the heads judged so far
   (a request sent before the answer to the last one, which nobody judged) */
bool keep_answer(struct keep *k);

/* keep_next: after an answer that kept the connection, in its thread:
   waits for the next request head (KEEP_IDLE_S for its first byte, then
   GATE_HEAD_TIMEOUT_S for the rest), judges it as the gate does, and lets
   libmicrohttpd read it only when it passes; a refused head gets
   ipcscope's JSON answer, and the connection is taken from libmicrohttpd
   (it can read nothing more) */
void keep_next(struct keep *k);

/* keep_began: libmicrohttpd began a request on k's connection */
void keep_began(struct keep *k);

/* keep_unjudged: true when the request libmicrohttpd began last is one
   whose head nobody judged (it is refused without an answer) */
bool keep_unjudged(struct keep *k);

/* keep_stop: kept connections waiting for a head end now (server stop) */
void keep_stop(void);

#endif
