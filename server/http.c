/* http.c -- the routes of `ipcscope serve` and the daemon that answers them */
#include <arpa/inet.h>
#include <cjson/cJSON.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "board.h"
#include "board_http.h"
#include "cli/engine.h"
#include "http_catalog.h"
#include "http.h"
#include "http_check.h"
#include "http_diff.h"
#include "http_gate.h"
#include "http_head.h"
#include "http_keep.h"
#include "http_query.h"
#include "http_reply.h"
#include "http_stream.h"
#include "runs.h"
#include "static.h"
#include "base/error.h"


#define HTTP_URL_MAX HEAD_URL_MAX
#define HTTP_CONN_MAX 64           /* connections at once */
#define HTTP_MEMORY_LIMIT (64u << 10)  /* MHD's pool of one connection: room for
					  any head the gate lets through */
#define HTTP_RETRY_AFTER_S "10"
#define HTTP_LOG_MAX 512           /* one libmicrohttpd log message */
#define HTTP_REASON_MAX 256

static const struct serve_config *cfg;
static const struct catalog *cat;

/* One request, from its request line to its completion. */
struct request {
	bool checked;              /* passed check(): route in the next call */
	struct server_run *run;           /* the run its stream shows */
	bool owner;                /* it started that run: a disconnect cancels it */
	char *body;                /* a board route's request body, NUL-terminated */
	size_t body_len;
	bool takes_body;
};

/* ---- run routes --------------------------------------------------------- */

static const char *const cmd_names[] = { "bench", "compare", "sweep", "demo" };

struct pairs {
	struct query_pair v[QUERY_PARAMS_MAX];
	int n;                     /* every pair seen, even past the array */
};

static enum MHD_Result take_pair(void *cls, enum MHD_ValueKind kind, const char *key,
				 size_t key_size, const char *value, size_t value_size)
{
	struct pairs *p = cls;

	(void)kind;
	if (p->n < QUERY_PARAMS_MAX)
		p->v[p->n] = (struct query_pair){ key, key_size, value, value_size };
	p->n++;
	return MHD_YES;
}

/* client_of: the client's address as text, the key of its run limit */
static void client_of(struct MHD_Connection *c, char *out, size_t n)
{
	const union MHD_ConnectionInfo *ci =
		mhd.get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct sockaddr *sa = ci ? ci->client_addr : NULL;

	snprintf(out, n, "?");
	if (sa && sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, out, (socklen_t)n);
	else if (sa && sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, out,
			  (socklen_t)n);
}

static enum MHD_Result submit_failed(struct MHD_Connection *c, enum runs_submit_result res)
{
	char why[HTTP_REASON_MAX];

	switch (res) {
	case RUNS_QUEUE_FULL:
		return reply_error(c, MHD_HTTP_TOO_MANY_REQUESTS, "queue_full", NULL, "Retry-After",
				   HTTP_RETRY_AFTER_S, "%d runs are already waiting; try again "
				   "later", cfg->queue_max);
	case RUNS_CLIENT_LIMIT:
		return reply_error(c, MHD_HTTP_TOO_MANY_REQUESTS, "client_limit", NULL,
				   "Retry-After", HTTP_RETRY_AFTER_S, "this client already has %d "
				   "runs queued or running (--per-client)", cfg->per_client);
	case RUNS_STOPPING:
		return reply_error(c, MHD_HTTP_SERVICE_UNAVAILABLE, "stopping", NULL, NULL, NULL,
				   "the server is stopping");
	case RUNS_NO_ID:
		runs_store_health(why, sizeof(why));
		return reply_error(c, MHD_HTTP_SERVICE_UNAVAILABLE, "store_failed", NULL, NULL,
				   NULL, "no run id can be recorded in the results directory, so "
				   "none is given out: %s", why);
	default:
		return reply_error(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "internal", NULL, NULL, NULL,
				   "cannot queue the run");
	}
}

static enum MHD_Result start_run(struct MHD_Connection *c, struct request *rq, const char *url,
				 enum params_cmd cmd, const char *target)
{
	const char *head[2] = { cmd_names[cmd], target }, *argv[2 * QUERY_PARAMS_MAX + 4];
	struct query *q = malloc(sizeof(*q));
	struct param_error err;
	struct pairs pairs = { .n = 0 };
	enum runs_submit_result res;
	enum MHD_Result ret;
	struct runs_request req;
	char text[HTTP_URL_MAX + 64], client[INET6_ADDRSTRLEN];

	if (!q)
		return MHD_NO;
	mhd.get_connection_values_n(c, MHD_GET_ARGUMENT_KIND, take_pair, &pairs);
	if (query_parse(q, cmd, cmd != CMD_COMPARE ? target : NULL, pairs.v,
			pairs.n, &err) < 0) {
		ret = reply_error(c, MHD_HTTP_BAD_REQUEST, "bad_param", err.param, NULL, NULL,
				  "%s", err.message);
		goto out;
	}
	if (cmd == CMD_COMPARE)
		target = "all";    /* unless mechanisms= names them, below */
	for (int i = 0; i < q->npairs; i++)
		if (cmd == CMD_COMPARE && !strcmp(q->names[i] + 2, params_name(P_MECHANISMS)))
			target = q->values[i];
	if (query_argv(q, head, cmd == CMD_COMPARE ? 1 : 2, argv,
		       (int)(sizeof(argv) / sizeof(*argv))) < 0) {
		ret = reply_error(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "internal", NULL, NULL, NULL,
				  "the run's arguments do not fit");
		goto out;
	}
	query_text(q, url, text, sizeof(text));
	client_of(c, client, sizeof(client));
	req = (struct runs_request){ .argv = argv, .kind = cmd_names[cmd], .target = target,
				     .request = text, .client = client };
	res = runs_submit(&req, &rq->run);
	if (res != RUNS_OK) {
		ret = submit_failed(c, res);
		goto out;
	}
	rq->owner = true;
	runs_ref(rq->run);         /* the stream's own, dropped when it is freed */
	ret = stream_answer(c, rq->run, true);
out:
	free(q);
	return ret;
}

/* one_segment: the rest of url after prefix, when it is one non-empty
   path segment */
static const char *one_segment(const char *url, const char *prefix)
{
	size_t n = strlen(prefix);

	if (strncmp(url, prefix, n) != 0 || url[n] == '\0' || strchr(url + n, '/'))
		return NULL;
	return url + n;
}

static enum MHD_Result run_route(struct MHD_Connection *c, struct request *rq, const char *url)
{
	const char *name;

	if (!strcmp(url, "/api/compare"))
		return start_run(c, rq, url, CMD_COMPARE, NULL);
	if ((name = one_segment(url, "/api/bench/")))
		return engine_is_mechanism(name) ? start_run(c, rq, url, CMD_BENCH, name)
				       : reply_not_found(c, "mechanism", name);
	/* a sweep may name several mechanisms, /api/sweep/pipe,unix: one run */
	if ((name = one_segment(url, "/api/sweep/")))
		return engine_is_mechanism(name) || strchr(name, ',') ? start_run(c, rq, url, CMD_SWEEP, name)
							     : reply_not_found(c, "mechanism", name);
	name = one_segment(url, "/api/demos/");
	return catalog_demo_known(name) ? start_run(c, rq, url, CMD_DEMO, name)
					: reply_not_found(c, "demo", name);
}

static enum MHD_Result runs_route(struct MHD_Connection *c, const char *url)
{
	const char *id = one_segment(url, "/api/runs/");
	struct server_run *r;
	char *list;

	if (!id) {
		list = runs_list_json();
		return list ? reply(c, MHD_HTTP_OK, "application/json", list,
				    MHD_RESPMEM_MUST_FREE, NULL, NULL) : MHD_NO;
	}
	r = runs_get(id);
	if (!r)
		return reply_not_found(c, "run", id);
	return stream_answer(c, r, false);
}

/* health: the server's state, and whether its history is being written */
static enum MHD_Result health(struct MHD_Connection *c)
{
	char last[HTTP_REASON_MAX * 2], clean[HTTP_REASON_MAX * 2];
	unsigned long failures = runs_store_health(last, sizeof(last));
	cJSON *o = cJSON_CreateObject();
	char *body;

	cJSON_AddStringToObject(o, "status", "ok");
	cJSON_AddStringToObject(o, "version", IPCSCOPE_VERSION);
	cJSON_AddNumberToObject(o, "busy", runs_busy());
	cJSON_AddNumberToObject(o, "queue_max", cfg->queue_max);
	cJSON_AddNumberToObject(o, "store_failures", (double)failures);
	if (failures)
		cJSON_AddStringToObject(o, "store_error", utf8_clean(clean, sizeof(clean), last));
	else
		cJSON_AddNullToObject(o, "store_error");
	body = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	return body ? reply(c, MHD_HTTP_OK, "application/json", body, MHD_RESPMEM_MUST_FREE,
			    NULL, NULL) : MHD_NO;
}

/* ---- routing ------------------------------------------------------------ */

enum route { R_NONE, R_HEALTH, R_MECHS, R_DEMOS, R_SYSTEM, R_PARAMS, R_RUN, R_RUNS, R_RUN_ID, R_STATIC,
	     R_BOARD, R_DIFF };

static enum route route_of(const char *url)
{
	if (!strcmp(url, "/api/health"))
		return R_HEALTH;
	if (!strcmp(url, "/api/mechanisms"))
		return R_MECHS;
	if (!strcmp(url, "/api/demos"))
		return R_DEMOS;
	if (!strcmp(url, "/api/system"))
		return R_SYSTEM;
	if (!strcmp(url, "/api/params"))
		return R_PARAMS;
	if (!strcmp(url, "/api/runs"))
		return R_RUNS;
	if (board_is_route(url))
		return R_BOARD;
	if (one_segment(url, "/api/runs/"))
		return R_RUN_ID;
	if (!strcmp(url, "/api/diff"))
		return R_DIFF;
	if (!strcmp(url, "/api/compare") || one_segment(url, "/api/bench/") ||
	    one_segment(url, "/api/sweep/") || one_segment(url, "/api/demos/"))
		return R_RUN;
	if (static_find(url) >= 0)
		return R_STATIC;
	return R_NONE;
}

static enum MHD_Result dispatch(struct MHD_Connection *c, struct request *rq, const char *url)
{
	switch (route_of(url)) {
	case R_HEALTH:
		return health(c);
	case R_MECHS:
		return reply_json(c, cat->mechanisms);
	case R_DEMOS:
		return reply_json(c, cat->demos);
	case R_SYSTEM:
		return reply_json(c, cat->system);
	case R_PARAMS:
		return reply_json(c, cat->params);
	case R_RUNS:
	case R_RUN_ID:
		return runs_route(c, url);
	case R_RUN:
		return run_route(c, rq, url);
	case R_STATIC:
		return static_answer(c, static_find(url));
	case R_BOARD:
		return board_answer(c, url, rq->body ? rq->body : "", rq->body_len);
	case R_DIFF:
		return diff_answer(c);
	default:
		return reply_not_found(c, "route", url);
	}
}

static enum MHD_Result count_host(void *cls, enum MHD_ValueKind kind, const char *key,
				  const char *value)
{
	(void)kind;
	(void)value;
	if (strcasecmp(key, MHD_HTTP_HEADER_HOST) == 0)
		(*(int *)cls)++;
	return MHD_YES;
}

/* check_origin: a request that starts work must come from the page itself */
static enum MHD_Result check_origin(struct MHD_Connection *c, const char *host, bool *answered)
{
	char why[HTTP_REASON_MAX];
	const char *origin = mhd.lookup_connection_value(c, MHD_HEADER_KIND, "Origin");
	const char *site = mhd.lookup_connection_value(c, MHD_HEADER_KIND, "Sec-Fetch-Site");

	if (http_same_origin(host, origin, site, why, sizeof(why)) == 0)
		return MHD_YES;
	*answered = true;
	return reply_error(c, MHD_HTTP_FORBIDDEN, "cross_site", NULL, NULL, NULL, "%s", why);
}

/* check: answers the request when its Host, target, route or method is
   refused, or when it would start work for another origin */
static enum MHD_Result check(struct MHD_Connection *c, struct request *rq,
			     const char *url, const char *method, const char *version,
			     bool *answered)
{
	const char *host = mhd.lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_HOST);
	enum route rt;
	int hosts = 0;
	bool streams;

	*answered = true;
	if (keep_unjudged(reply_keep(c)))
		return MHD_NO;     /* a head nobody judged: no answer, the connection ends */
	keep_request(reply_keep(c), version,
		     mhd.lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONNECTION));
	/* the gate judged the head already; the Host rules are kept here too,
	   where the routes are, so they hold whoever hands MHD a connection */
	mhd.get_connection_values(c, MHD_HEADER_KIND, count_host, &hosts);
	*answered = true;
	if (hosts > 1)
		return reply_error(c, MHD_HTTP_BAD_REQUEST, "bad_host", NULL, NULL, NULL,
				   "the request has %d Host headers: one is allowed", hosts);
	if (!http_host_allowed(host, cfg->public_bind))
		return reply_error(c, MHD_HTTP_MISDIRECTED_REQUEST, "host_not_allowed", NULL,
				   NULL, NULL, "host '%.100s' is not allowed: use localhost "
				   "or 127.0.0.1", host ? host : "");
	rt = route_of(url);
	if (rt == R_NONE)
		return reply_not_found(c, "route", url);
	/* with a class board, other machines reach the board and nothing else */
	if (board_foreign(c) && rt != R_BOARD)
		return reply_error(c, MHD_HTTP_FORBIDDEN, "loopback_only", NULL, NULL, NULL,
				   "this server serves other machines its class board only");
	if (rt == R_BOARD) {
		rq->takes_body = board_takes_body(url);
		return board_check(c, url, method, host, answered);
	}
	streams = rt == R_RUN || rt == R_RUN_ID;
	if (strcmp(method, "GET") && (streams || strcmp(method, "HEAD")))
		return reply_error(c, MHD_HTTP_METHOD_NOT_ALLOWED, "method_not_allowed", NULL,
				   "Allow", streams ? "GET" : "GET, HEAD",
				   "method %.20s is not allowed here", method);
	*answered = false;
	return rt == R_RUN ? check_origin(c, host, answered) : MHD_YES;
}

/* on_uri: the request's record starts with its request line */
static void *on_uri(void *cls, const char *uri, struct MHD_Connection *c)
{
	(void)cls;
	(void)uri;
	keep_began(reply_keep(c));
	return calloc(1, sizeof(struct request));
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
				  const char *method, const char *version,
				  const char *upload, size_t *upload_size, void **con_cls)
{
	struct request *rq = *con_cls;
	enum MHD_Result ret;
	bool answered;

	(void)cls;
	if (!rq)
		return MHD_NO;
	if (!rq->checked) {
		/* answer in the next call, once MHD has the whole head */
		ret = check(c, rq, url, method, version, &answered);
		rq->checked = !answered;
		return ret;
	}
	if (*upload_size) {
		if (rq->takes_body && rq->body_len + *upload_size <= BOARD_BODY_MAX) {
			char *more = realloc(rq->body, rq->body_len + *upload_size + 1);

			if (!more)
				return MHD_NO;
			memcpy(more + rq->body_len, upload, *upload_size);
			rq->body = more;
			rq->body_len += *upload_size;
			rq->body[rq->body_len] = '\0';
		}
		*upload_size = 0;  /* the gate let no longer body through */
		return MHD_YES;
	}
	if (rq->run)               /* answered already */
		return MHD_YES;
	return dispatch(c, rq, url);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	struct request *rq = *con_cls;

	(void)cls;
	if (!rq)
		return;
	if (rq->run) {
		if (rq->owner && toe != MHD_REQUEST_TERMINATED_COMPLETED_OK)
			runs_cancel(rq->run);
		runs_unref(rq->run);
	}
	free(rq->body);
	free(rq);
	*con_cls = NULL;
	/* a kept connection: its next head is judged before MHD reads it */
	if (toe == MHD_REQUEST_TERMINATED_COMPLETED_OK)
		keep_next(reply_keep(c));
}

/* ---- the daemon --------------------------------------------------------- */

/* http_log: MHD's own messages, marked as the server's; a client that
   hangs up mid-stream is routine here (it cancels its run), not an error */
static void http_log(void *cls, const char *fmt, va_list ap)
{
	char msg[HTTP_LOG_MAX];

	(void)cls;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (strstr(msg, "application error generating response"))
		return;
	fprintf(stderr, "ipcscope: http: %s%s", msg,
		msg[0] && msg[strlen(msg) - 1] == '\n' ? "" : "\n");
}

/* on_connection: the record of a kept connection (http_keep.c); and small
   answers go out in two writes (head, body): without TCP_NODELAY the
   second waits for the client's delayed ACK (~40 ms) */
static void on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
			  enum MHD_ConnectionNotificationCode code)
{
	const union MHD_ConnectionInfo *ci;
	int one = 1;

	(void)cls;
	if (code == MHD_CONNECTION_NOTIFY_CLOSED) {
		keep_close(*socket_context);
		*socket_context = NULL;
		return;
	}
	ci = mhd.get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
	if (!ci)
		return;
	setsockopt(ci->connect_fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	*socket_context = keep_open(ci->connect_fd);
}

static struct MHD_Daemon *start_daemon(unsigned flags, ...)
{
	struct MHD_Daemon *d;
	va_list ap;

	va_start(ap, flags);
	d = mhd.start_daemon_va(flags, 0, NULL, NULL, on_request, NULL, ap);
	va_end(ap);
	return d;
}

/*
 * The gate (http_gate.c) listens and accepts; MHD serves what it hands
 * over, one thread per connection: a stream's content reader may then
 * block on its run's condition variable (with a timeout, to send
 * heartbeats and to notice a client that hung up) instead of spinning.
 * Bounded by HTTP_CONN_MAX connections (GATE_PER_IP from one address) and
 * MHD's per-connection memory; an idle connection closes after
 * KEEP_IDLE_S. A kept connection's next head is judged before MHD reads it
 * (http_keep.c), in the connection's own thread.
 */
struct MHD_Daemon *http_start(const struct serve_config *config, const struct catalog *catalog,
			      int *port, char *err, size_t errlen)
{
	unsigned flags = MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD |
			 MHD_USE_POLL | MHD_USE_ERROR_LOG | MHD_USE_NO_LISTEN_SOCKET | MHD_USE_ITC;
	struct MHD_Daemon *d;

	cfg = config;
	cat = catalog;
	if (mhd_load(err, errlen) < 0 || gate_listen(cfg->bind, cfg->port, port, err, errlen) < 0)
		return NULL;
	d = start_daemon(flags,
			 MHD_OPTION_EXTERNAL_LOGGER, http_log, NULL,
			 MHD_OPTION_CONNECTION_LIMIT, (unsigned)HTTP_CONN_MAX,
			 MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)GATE_PER_IP,
			 MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)KEEP_IDLE_S,
			 MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)HTTP_MEMORY_LIMIT,
			 MHD_OPTION_URI_LOG_CALLBACK, on_uri, NULL,
			 MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
			 MHD_OPTION_NOTIFY_CONNECTION, on_connection, NULL,
			 MHD_OPTION_END);
	if (!d) {
		error_set(err, errlen, "cannot start the HTTP daemon");
		gate_stop();
		return NULL;
	}
	if (gate_start(d, err, errlen) < 0) {
		gate_stop();
		mhd.stop_daemon(d);
		return NULL;
	}
	return d;
}

void http_stop(struct MHD_Daemon *d)
{
	keep_stop();
	gate_stop();
	stream_drain(SERVE_DRAIN_MS);
	mhd.stop_daemon(d);
}
