/* board_send.c -- /api/board/send: a run of this server's history sent to a class board
 *
 * The student's page asks its own server (loopback, same origin) to send
 * a finished run; the server reads the run's NDJSON, builds the post as
 * the command line does (workers/board_client.c) and posts it, so the
 * browser never talks to another origin.
 */
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "net/board_client.h"
#include "board.h"
#include "board_http.h"
#include "http_reply.h"
#include "runs.h"

#define SEND_RUN_MAX (16u << 20)       /* a run's output, as runs keep it */
#define SEND_CHUNK (64u << 10)

/* run_text: the whole NDJSON of a run that has ended (caller frees), or
   NULL when it is still going or too big */
static char *run_text(struct server_run *r)
{
	size_t n = 0, cap = SEND_CHUNK;
	char *buf = malloc(cap + 1), *more;
	ssize_t got;

	while (buf && (got = runs_read(r, n, buf + n, cap - n, 0)) > 0) {
		n += (size_t)got;
		if (n == cap) {
			if (cap >= SEND_RUN_MAX || !(more = realloc(buf, 2 * cap + 1))) {
				free(buf);
				return NULL;
			}
			buf = more;
			cap *= 2;
		}
	}
	if (buf && got == 0) {     /* not ended */
		free(buf);
		return NULL;
	}
	if (buf)
		buf[n] = '\0';
	return buf;
}

/* collect: every line of text handed to boardc_take */
static void collect(struct boardc_run *b, char *text)
{
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		cJSON *o = cJSON_Parse(line);

		if (o)
			boardc_take(b, o);
		cJSON_Delete(o);
	}
}

static const char *str_of(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* forward: sends run id to the board t; the answer to the page */
static enum MHD_Result forward(struct MHD_Connection *c, const struct boardc_target *t,
			       const char *id)
{
	struct boardc_run b = { 0 };
	struct server_run *r = runs_get(id);
	char why[512], *text, *post;
	int status;

	if (!r)
		return reply_not_found(c, "run", id);
	text = run_text(r);
	runs_unref(r);
	if (!text)
		return reply_error(c, MHD_HTTP_CONFLICT, "run_not_ended", "run", NULL, NULL,
				   "run '%.40s' has not ended", id);
	collect(&b, text);
	free(text);
	post = boardc_body(&b, t, why, sizeof(why));
	boardc_free(&b);
	if (!post)
		return reply_error(c, MHD_HTTP_CONFLICT, "nothing_to_send", "run", NULL, NULL,
				   "%s", why);
	status = boardc_send(t, post, why, sizeof(why));
	free(post);
	if (status == MHD_HTTP_OK)
		return reply(c, MHD_HTTP_OK, "application/json", (char *)"{\"status\":\"sent\"}",
			     MHD_RESPMEM_PERSISTENT, NULL, NULL);
	if (status < 0)
		return reply_error(c, MHD_HTTP_BAD_GATEWAY, "board_unreachable", "board", NULL,
				   NULL, "%s", why);
	return reply_error(c, MHD_HTTP_BAD_GATEWAY, "board_refused", "board", NULL, NULL,
			   "the board refused the post (%d): %s", status, why);
}

enum MHD_Result board_send_answer(struct MHD_Connection *c, const char *body, size_t len)
{
	cJSON *o = len && len <= BOARD_BODY_MAX ? cJSON_ParseWithLength(body, len) : NULL;
	const cJSON *share = cJSON_GetObjectItemCaseSensitive(o, "share_machine");
	const char *run = str_of(o, "run");
	struct boardc_target t;
	enum MHD_Result ret;
	char why[256];

	if (!cJSON_IsObject(o) || !run || (share && !cJSON_IsBool(share)))
		ret = reply_error(c, MHD_HTTP_BAD_REQUEST, "bad_send", NULL, NULL, NULL,
				  "expected {\"board\", \"code\", \"as\", \"run\" and "
				  "\"share_machine\": true|false}");
	else if (boardc_check(&t, str_of(o, "board"), str_of(o, "code"), str_of(o, "as"), why,
			      sizeof(why)) < 0)
		ret = reply_error(c, MHD_HTTP_BAD_REQUEST, "bad_send", NULL, NULL, NULL, "%s", why);
	else {
		t.share_machine = cJSON_IsTrue(share);
		ret = forward(c, &t, run);
	}
	cJSON_Delete(o);
	return ret;
}
