/* http_reply.c -- every answer of the server: headers, JSON, JSON errors */
#include <cjson/cJSON.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http_head.h"
#include "http_keep.h"
#include "http_reply.h"
#include "utf8.h"

#define REPLY_MESSAGE_MAX 512      /* an error message, after escaping */

struct keep *reply_keep(struct MHD_Connection *c)
{
	const union MHD_ConnectionInfo *ci =
		mhd.get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);

	return ci ? ci->socket_context : NULL;
}

void reply_headers(struct MHD_Connection *c, struct MHD_Response *resp)
{
	mhd.add_response_header(resp, "Content-Security-Policy", HTTP_CSP);
	mhd.add_response_header(resp, "X-Content-Type-Options", "nosniff");
	mhd.add_response_header(resp, "X-Frame-Options", "DENY");
	mhd.add_response_header(resp, "Referrer-Policy", "no-referrer");
	/* a connection is kept only while every head on it was judged */
	if (!keep_answer(reply_keep(c)))
		mhd.add_response_header(resp, MHD_HTTP_HEADER_CONNECTION, "close");
}

enum MHD_Result reply(struct MHD_Connection *c, unsigned status, const char *ctype,
		      char *body, enum MHD_ResponseMemoryMode mode,
		      const char *hname, const char *hvalue)
{
	struct MHD_Response *resp;
	enum MHD_Result ret;

	resp = mhd.create_response_from_buffer(body ? strlen(body) : 0, body, mode);
	if (!resp) {
		if (mode == MHD_RESPMEM_MUST_FREE)
			free(body);
		return MHD_NO;
	}
	mhd.add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, ctype);
	mhd.add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	reply_headers(c, resp);
	if (hname)
		mhd.add_response_header(resp, hname, hvalue);
	ret = mhd.queue_response(c, status, resp);
	mhd.destroy_response(resp);
	return ret;
}

enum MHD_Result reply_json(struct MHD_Connection *c, const char *body)
{
	return reply(c, MHD_HTTP_OK, "application/json", (char *)body, MHD_RESPMEM_PERSISTENT,
		     NULL, NULL);
}

char *utf8_clean(char *dst, size_t n, const char *src)
{
	const unsigned char *s = (const unsigned char *)src;
	size_t o = 0, left = strlen(src);

	if (n == 0)
		return dst;
	while (*s) {
		size_t k = utf8_seq(s, left);
		bool escape = k == 0 || *s < 0x20 || *s == 0x7f;

		if (escape) {
			if (o + 4 >= n)
				break;
			snprintf(dst + o, n - o, "\\x%02x", *s);
			o += 4;
			s++;
			left--;
			continue;
		}
		if (o + k >= n)
			break;
		memcpy(dst + o, s, k);
		o += k;
		s += k;
		left -= k;
	}
	dst[o] = '\0';
	return dst;
}

enum MHD_Result reply_error(struct MHD_Connection *c, unsigned status, const char *code,
			    const char *param, const char *hname, const char *hvalue,
			    const char *fmt, ...)
{
	cJSON *o = cJSON_CreateObject(), *e = cJSON_AddObjectToObject(o, "error");
	char raw[REPLY_MESSAGE_MAX], msg[REPLY_MESSAGE_MAX], pname[64];
	va_list ap;
	char *body;

	va_start(ap, fmt);
	vsnprintf(raw, sizeof(raw), fmt, ap);
	va_end(ap);
	cJSON_AddStringToObject(e, "code", code);
	cJSON_AddStringToObject(e, "message", utf8_clean(msg, sizeof(msg), raw));
	if (param)
		cJSON_AddStringToObject(e, "param", utf8_clean(pname, sizeof(pname), param));
	body = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	if (!body)
		return MHD_NO;
	return reply(c, status, "application/json", body, MHD_RESPMEM_MUST_FREE, hname, hvalue);
}

enum MHD_Result reply_not_found(struct MHD_Connection *c, const char *what, const char *name)
{
	return reply_error(c, MHD_HTTP_NOT_FOUND, "not_found", NULL, NULL, NULL,
			   "unknown %s '%.200s'", what, name);
}
