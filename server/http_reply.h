/* http_reply.h -- every answer of the server: headers, JSON, JSON errors */
#ifndef IPCSCOPE_HTTP_REPLY_H
#define IPCSCOPE_HTTP_REPLY_H

#include <stddef.h>

#include "mhd_api.h"

/* HTTP_CSP, the page's content security policy: http_head.h */
/* reply_headers: the headers every answer on c carries (CSP, nosniff, no
   referrer, no framing), and Connection: close when c is not kept after
   it (http_keep.c) */
void reply_headers(struct MHD_Connection *c, struct MHD_Response *resp);

/* reply_keep: the kept-connection record of c, or NULL */
struct keep *reply_keep(struct MHD_Connection *c);

/* reply: queues body (NULL: empty) with status and ctype, plus one header
   hname: hvalue when hname is set; body is freed per mode; MHD_YES/NO */
enum MHD_Result reply(struct MHD_Connection *c, unsigned status, const char *ctype,
		      char *body, enum MHD_ResponseMemoryMode mode,
		      const char *hname, const char *hvalue);

/* reply_json: 200 with a JSON text that outlives the answer */
enum MHD_Result reply_json(struct MHD_Connection *c, const char *body);

/* reply_error: status with {"error":{"code","message"[,"param"]}}; the
   message (printf format) may quote request bytes: anything that is not
   valid UTF-8 is escaped as \xNN, so the body always is; hname/hvalue
   add one header (Allow, Retry-After) */
enum MHD_Result reply_error(struct MHD_Connection *c, unsigned status, const char *code,
			    const char *param, const char *hname, const char *hvalue,
			    const char *fmt, ...) __attribute__((format(printf, 7, 8)));

/* reply_not_found: 404 "unknown WHAT 'NAME'" */
enum MHD_Result reply_not_found(struct MHD_Connection *c, const char *what, const char *name);

/* utf8_clean: copies src into dst (size n, NUL-terminated) with every byte
   that is not part of a valid UTF-8 sequence, and every control byte,
   written as \xNN; returns dst */
char *utf8_clean(char *dst, size_t n, const char *src);

#endif
