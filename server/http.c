/* http.c -- the HTTP routes: safety checks, JSON answers, NDJSON streams of runs */
#include <arpa/inet.h>
#include <cjson/cJSON.h>
#include <ctype.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../workers/mech.h"
#include "http.h"
#include "mhd_load.h"
#include "params.h"
#include "runs.h"
#include "serve.h"
#include "static.h"

#ifndef IPCSCOPE_VERSION
#define IPCSCOPE_VERSION "0.1.0"
#endif

#define HTTP_URL_MAX 8192          /* path plus query, before MHD's own 32 KiB cap */
#define HTTP_ARGS_MAX 32           /* query parameters of one request */
#define HTTP_CONN_MAX 64
#define HTTP_CONN_TIMEOUT_S 30     /* idle keep-alive connections */
#define HTTP_STREAM_BLOCK 16384
#define HTTP_POLL_MS 200           /* how often a waiting stream checks its client */
#define HEARTBEAT "{\"type\":\"heartbeat\"}\n"

static const struct serve_config *cfg;

/* ---- answers ------------------------------------------------------------ */

static enum MHD_Result answer(struct MHD_Connection *c, unsigned status, const char *ctype,
			      char *body, enum MHD_ResponseMemoryMode mode,
			      const char *hname, const char *hvalue)
{
	struct MHD_Response *resp;
	enum MHD_Result ret;

	resp = MHD_create_response_from_buffer(body ? strlen(body) : 0, body, mode);
	if (!resp) {
		if (mode == MHD_RESPMEM_MUST_FREE)
			free(body);
		return MHD_NO;
	}
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, ctype);
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	if (hname)
		MHD_add_response_header(resp, hname, hvalue);
	ret = MHD_queue_response(c, status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static enum MHD_Result answer_json(struct MHD_Connection *c, const char *body)
{
	return answer(c, MHD_HTTP_OK, "application/json", (char *)body,
		      MHD_RESPMEM_PERSISTENT, NULL, NULL);
}

/* answer_error: {"error":{"code":..,"message":..,"param":..}} with status;
   hname/hvalue add one header (Allow, Retry-After) */
static enum MHD_Result answer_error(struct MHD_Connection *c, unsigned status, const char *code,
				    const char *param, const char *hname, const char *hvalue,
				    const char *fmt, ...)
{
	cJSON *o = cJSON_CreateObject(), *e = cJSON_AddObjectToObject(o, "error");
	char msg[512];
	va_list ap;
	char *body;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	cJSON_AddStringToObject(e, "code", code);
	cJSON_AddStringToObject(e, "message", msg);
	if (param)
		cJSON_AddStringToObject(e, "param", param);
	body = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	if (!body)
		return MHD_NO;
	return answer(c, status, "application/json", body, MHD_RESPMEM_MUST_FREE, hname, hvalue);
}

static enum MHD_Result not_found(struct MHD_Connection *c, const char *what, const char *name)
{
	return answer_error(c, MHD_HTTP_NOT_FOUND, "not_found", NULL, NULL, NULL,
			    "unknown %s '%.200s'", what, name);
}

/* ---- safety ------------------------------------------------------------- */

static bool ip_literal(const char *h)
{
	unsigned char a[16];
	char v6[64];
	size_t n = strlen(h);

	if (inet_pton(AF_INET, h, a) == 1)
		return true;
	if (n < 3 || n > sizeof(v6) + 1 || h[0] != '[' || h[n - 1] != ']')
		return false;
	memcpy(v6, h + 1, n - 2);
	v6[n - 2] = '\0';
	return inet_pton(AF_INET6, v6, a) == 1;
}

bool http_host_allowed(const char *host, bool public_bind)
{
	char h[300];
	char *colon;
	size_t n;

	if (!host || (n = strlen(host)) == 0 || n >= sizeof(h))
		return false;
	for (size_t i = 0; i <= n; i++)
		h[i] = (char)tolower((unsigned char)host[i]);
	colon = strrchr(h, ':');
	if (colon && (h[0] != '[' || colon > strrchr(h, ']'))) {
		if (colon[1] == '\0' || strspn(colon + 1, "0123456789") != strlen(colon + 1) ||
		    strlen(colon + 1) > 5)
			return false;
		*colon = '\0';
	}
	if (!strcmp(h, "localhost") || !strcmp(h, "127.0.0.1") || !strcmp(h, "[::1]"))
		return true;
	return public_bind && ip_literal(h);
}

static bool cross_site(struct MHD_Connection *c)
{
	const char *s = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Sec-Fetch-Site");

	return s && strcasecmp(s, "cross-site") == 0;
}

/* ---- query parameters --------------------------------------------------- */

struct query {
	struct bench_params p;
	struct param_error err;
	bool failed;
	size_t bytes;              /* of names and values, for 414 */
	int n;                     /* parameters seen */
	const char *args[2 * HTTP_ARGS_MAX + 4];
	int nargs;
	char names[HTTP_ARGS_MAX][24];
};

static enum MHD_Result count_arg(void *cls, enum MHD_ValueKind kind, const char *key,
				 const char *value)
{
	struct query *q = cls;

	(void)kind;
	q->bytes += strlen(key) + (value ? strlen(value) : 0) + 2;
	q->n++;
	return MHD_YES;
}

/* take_arg: one name=value through the strict parser, duplicates included
   (MHD yields every occurrence); valid pairs become `--name value` */
static enum MHD_Result take_arg(void *cls, enum MHD_ValueKind kind, const char *key,
				const char *value)
{
	struct query *q = cls;
	int i = q->nargs;

	(void)kind;
	if (params_set(&q->p, key, value, true, &q->err) < 0) {
		q->failed = true;
		return MHD_NO;
	}
	snprintf(q->names[i / 2 % HTTP_ARGS_MAX], sizeof(q->names[0]), "--%s", key);
	q->args[q->nargs++] = q->names[i / 2 % HTTP_ARGS_MAX];
	q->args[q->nargs++] = value;
	return MHD_YES;
}

/* parse_query: validates every query parameter for cmd (mech: the
   mechanism of the path, or NULL); MHD_YES with q filled, or an answer
   already queued (*answered) */
static enum MHD_Result parse_query(struct MHD_Connection *c, const char *url,
				   enum params_cmd cmd, const char *mech, struct query *q,
				   bool *answered)
{
	*answered = true;
	memset(q, 0, sizeof(*q));
	MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, count_arg, q);
	if (q->bytes + strlen(url) > HTTP_URL_MAX)
		return answer_error(c, MHD_HTTP_URI_TOO_LONG, "uri_too_long", NULL, NULL, NULL,
				    "the URL is longer than %d bytes", HTTP_URL_MAX);
	if (q->n > HTTP_ARGS_MAX)
		return answer_error(c, MHD_HTTP_BAD_REQUEST, "bad_param", "", NULL, NULL,
				    "too many parameters: at most %d", HTTP_ARGS_MAX);
	params_init(&q->p, cmd);
	if (mech) {
		snprintf(q->p.mechs[0], sizeof(q->p.mechs[0]), "%s", mech);
		q->p.nmechs = 1;
	}
	MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, take_arg, q);
	if (!q->failed && params_finish(&q->p, &q->err) < 0)
		q->failed = true;
	if (q->failed)
		return answer_error(c, MHD_HTTP_BAD_REQUEST, "bad_param", q->err.param, NULL, NULL,
				    "%s", q->err.message);
	*answered = false;
	return MHD_YES;
}

/* ---- streams ------------------------------------------------------------ */

/* One request's hold on its run: the completion callback cancels the run
   when the client went away before the end (owner only). */
struct req {
	struct run *run;
	bool owner;
};

struct stream {
	struct run *run;
	size_t off;
	int fd;                    /* the client's socket, to notice hang-ups */
	bool owner;
	struct timespec last;      /* last bytes sent */
};

static double since(const struct timespec *t)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t->tv_sec) + (now.tv_nsec - t->tv_nsec) / 1e9;
}

static bool client_gone(int fd)
{
	struct pollfd pf = { fd, POLLRDHUP, 0 };

	return fd >= 0 && poll(&pf, 1, 0) > 0 &&
	       (pf.revents & (POLLRDHUP | POLLHUP | POLLERR | POLLNVAL));
}

/* stream_read: MHD's content reader, in this connection's own thread: it
   blocks on the run's condition variable (never spins), sends a heartbeat
   after a quiet second, and ends the stream after the end line */
static ssize_t stream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct stream *s = cls;

	(void)pos;
	for (;;) {
		ssize_t n = runs_read(s->run, s->off, buf, max, HTTP_POLL_MS);

		if (n < 0)
			return MHD_CONTENT_READER_END_OF_STREAM;
		if (n > 0) {
			s->off += (size_t)n;
			clock_gettime(CLOCK_MONOTONIC, &s->last);
			return n;
		}
		if (client_gone(s->fd)) {
			if (s->owner)
				runs_cancel(s->run);
			return MHD_CONTENT_READER_END_WITH_ERROR;
		}
		if (since(&s->last) >= 1.0 && max >= sizeof(HEARTBEAT) - 1) {
			memcpy(buf, HEARTBEAT, sizeof(HEARTBEAT) - 1);
			clock_gettime(CLOCK_MONOTONIC, &s->last);
			return (ssize_t)(sizeof(HEARTBEAT) - 1);
		}
	}
}

/* Streams still being sent, so a stopping server can let their end lines out. */
static pthread_mutex_t streams_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t streams_cv = PTHREAD_COND_INITIALIZER;
static int streams_open;

static void streams_add(int d)
{
	pthread_mutex_lock(&streams_mu);
	streams_open += d;
	pthread_cond_broadcast(&streams_cv);
	pthread_mutex_unlock(&streams_mu);
}

void http_drain(int ms)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += ms / 1000;
	ts.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&streams_mu);
	while (streams_open > 0)
		if (pthread_cond_timedwait(&streams_cv, &streams_mu, &ts) != 0)
			break;
	pthread_mutex_unlock(&streams_mu);
}

static void stream_free(void *cls)
{
	struct stream *s = cls;

	runs_unref(s->run);
	free(s);
	streams_add(-1);
}

/* answer_stream: the NDJSON of run r, live; takes over the reference r */
static enum MHD_Result answer_stream(struct MHD_Connection *c, struct run *r, bool owner,
				     void **con_cls)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
	struct stream *s = calloc(1, sizeof(*s));
	struct req *q = calloc(1, sizeof(*q));
	struct MHD_Response *resp = NULL;
	enum MHD_Result ret = MHD_NO;

	if (!s || !q)
		goto fail;
	s->run = r;
	s->owner = owner;
	s->fd = ci ? ci->connect_fd : -1;
	clock_gettime(CLOCK_MONOTONIC, &s->last);
	resp = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, HTTP_STREAM_BLOCK,
						 stream_read, s, stream_free);
	if (!resp)
		goto fail;
	streams_add(1);
	q->run = r;
	q->owner = owner;
	runs_ref(r);               /* the request's own, dropped in on_completed */
	*con_cls = q;
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, "application/x-ndjson");
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "X-Accel-Buffering", "no");
	MHD_add_response_header(resp, "X-Run-Id", run_id(r));
	ret = MHD_queue_response(c, MHD_HTTP_OK, resp);
	MHD_destroy_response(resp);
	return ret;
fail:
	if (owner)
		runs_cancel(r);
	runs_unref(r);
	free(s);
	free(q);
	return MHD_NO;
}

/* ---- run routes --------------------------------------------------------- */

static const char *const cmd_names[] = { "bench", "compare", "sweep", "demo" };

static enum MHD_Result start_run(struct MHD_Connection *c, const char *url, enum params_cmd cmd,
				 const char *target, void **con_cls)
{
	struct query *q = malloc(sizeof(*q));
	const char *args[2 * HTTP_ARGS_MAX + 4];
	enum runs_submit_result res;
	enum MHD_Result ret;
	struct run *r = NULL;
	char request[HTTP_URL_MAX + 64];
	bool answered;
	int n = 0;

	if (!q)
		return MHD_NO;
	ret = parse_query(c, url, cmd, cmd == CMD_BENCH || cmd == CMD_SWEEP ? target : NULL,
			  q, &answered);
	if (answered)
		goto out;
	args[n++] = cmd_names[cmd];
	if (cmd != CMD_COMPARE)
		args[n++] = target;
	else
		target = "all";    /* unless mechanisms= names them, below */
	for (int i = 0; i < q->nargs; i++) {
		args[n++] = q->args[i];
		if (cmd == CMD_COMPARE && i % 2 && !strcmp(q->args[i - 1], "--mechanisms"))
			target = q->args[i];
	}
	snprintf(request, sizeof(request), "%s", url);
	for (int i = 0; i + 1 < q->nargs; i += 2)
		snprintf(request + strlen(request), sizeof(request) - strlen(request), "%c%s=%s",
			 i ? '&' : '?', q->args[i] + 2, q->args[i + 1]);
	res = runs_submit(args, n, cmd_names[cmd], target, request, &r);
	if (res == RUNS_QUEUE_FULL)
		ret = answer_error(c, MHD_HTTP_TOO_MANY_REQUESTS, "queue_full", NULL, "Retry-After",
				   "10", "%d runs are already waiting; try again later",
				   cfg->queue_max);
	else if (res == RUNS_STOPPING)
		ret = answer_error(c, MHD_HTTP_SERVICE_UNAVAILABLE, "stopping", NULL, NULL, NULL,
				   "the server is stopping");
	else if (res != RUNS_OK)
		ret = answer_error(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "internal", NULL, NULL, NULL,
				   "cannot queue the run");
	else
		ret = answer_stream(c, r, true, con_cls);
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

static enum MHD_Result run_route(struct MHD_Connection *c, const char *url, void **con_cls)
{
	const char *name;

	if (cross_site(c))
		return answer_error(c, MHD_HTTP_FORBIDDEN, "cross_site", NULL, NULL, NULL,
				    "runs cannot be started from another site");
	if (!strcmp(url, "/api/compare"))
		return start_run(c, url, CMD_COMPARE, NULL, con_cls);
	if ((name = one_segment(url, "/api/bench/")))
		return mech_find(name) ? start_run(c, url, CMD_BENCH, name, con_cls)
				       : not_found(c, "mechanism", name);
	if ((name = one_segment(url, "/api/sweep/")))
		return mech_find(name) ? start_run(c, url, CMD_SWEEP, name, con_cls)
				       : not_found(c, "mechanism", name);
	name = one_segment(url, "/api/demos/");
	return serve_demo_known(name) ? start_run(c, url, CMD_DEMO, name, con_cls)
				      : not_found(c, "demo", name);
}

static enum MHD_Result runs_route(struct MHD_Connection *c, const char *url, void **con_cls)
{
	const char *id = one_segment(url, "/api/runs/");
	struct run *r;
	char *list;

	if (!id) {
		list = runs_list_json();
		return list ? answer(c, MHD_HTTP_OK, "application/json", list,
				     MHD_RESPMEM_MUST_FREE, NULL, NULL) : MHD_NO;
	}
	r = strlen(id) < 16 ? runs_get(id) : NULL;
	if (!r)
		return not_found(c, "run", id);
	return answer_stream(c, r, false, con_cls);
}

static enum MHD_Result health(struct MHD_Connection *c)
{
	char body[160];

	snprintf(body, sizeof(body), "{\"status\":\"ok\",\"version\":\"%s\",\"busy\":%d,"
		 "\"queue_max\":%d}", IPCSCOPE_VERSION, runs_busy(), cfg->queue_max);
	return answer(c, MHD_HTTP_OK, "application/json", body, MHD_RESPMEM_MUST_COPY,
		      NULL, NULL);
}

/* ---- routing ------------------------------------------------------------ */

enum route { R_NONE, R_HEALTH, R_MECHS, R_DEMOS, R_SYSTEM, R_RUN, R_RUNS, R_RUN_ID, R_STATIC };

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
	if (!strcmp(url, "/api/runs"))
		return R_RUNS;
	if (one_segment(url, "/api/runs/"))
		return R_RUN_ID;
	if (!strcmp(url, "/api/compare") || one_segment(url, "/api/bench/") ||
	    one_segment(url, "/api/sweep/") || one_segment(url, "/api/demos/"))
		return R_RUN;
	if (static_find(url) >= 0)
		return R_STATIC;
	return R_NONE;
}

static enum MHD_Result dispatch(struct MHD_Connection *c, enum route rt, const char *url,
				void **con_cls)
{
	switch (rt) {
	case R_HEALTH:
		return health(c);
	case R_MECHS:
		return answer_json(c, serve_cat.mechanisms);
	case R_DEMOS:
		return answer_json(c, serve_cat.demos);
	case R_SYSTEM:
		return answer_json(c, serve_cat.system);
	case R_RUNS:
	case R_RUN_ID:
		return runs_route(c, url, con_cls);
	case R_RUN:
		return run_route(c, url, con_cls);
	case R_STATIC:
		return static_answer(c, static_find(url));
	default:
		return not_found(c, "route", url);
	}
}

/* checked: the request line and headers passed the checks; answering in
   the first call would make MHD close a keep-alive connection */
static int checked;

/* check: answers the request when its Host, URL or method is refused */
static enum MHD_Result check(struct MHD_Connection *c, const char *url, const char *method,
			     bool *answered)
{
	const char *host = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_HOST);
	enum route rt;
	bool streams;

	*answered = true;
	if (!http_host_allowed(host, cfg->public_bind))
		return answer_error(c, MHD_HTTP_MISDIRECTED_REQUEST, "host_not_allowed", NULL,
				    NULL, NULL, "host '%.100s' is not allowed: use localhost "
				    "or 127.0.0.1", host ? host : "");
	if (strlen(url) > HTTP_URL_MAX)
		return answer_error(c, MHD_HTTP_URI_TOO_LONG, "uri_too_long", NULL, NULL, NULL,
				    "the URL is longer than %d bytes", HTTP_URL_MAX);
	rt = route_of(url);
	if (rt == R_NONE)
		return not_found(c, "route", url);
	streams = rt == R_RUN || rt == R_RUN_ID;
	if (strcmp(method, "GET") && (streams || strcmp(method, "HEAD")))
		return answer_error(c, MHD_HTTP_METHOD_NOT_ALLOWED, "method_not_allowed", NULL,
				    "Allow", streams ? "GET" : "GET, HEAD",
				    "method %.20s is not allowed here", method);
	*answered = false;
	return MHD_YES;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
				  const char *method, const char *version,
				  const char *upload, size_t *upload_size, void **con_cls)
{
	enum MHD_Result ret;
	bool answered;

	(void)cls;
	(void)version;
	(void)upload;
	if (*con_cls == NULL) {
		ret = check(c, url, method, &answered);
		if (!answered)
			*con_cls = &checked;
		return ret;
	}
	if (*con_cls != &checked || *upload_size) {
		*upload_size = 0;  /* a body: not for us */
		return MHD_YES;
	}
	*con_cls = NULL;
	return dispatch(c, route_of(url), url, con_cls);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	struct req *q = *con_cls;

	(void)cls;
	(void)c;
	if (!q || *con_cls == (void *)&checked)
		return;
	if (q->owner && toe != MHD_REQUEST_TERMINATED_COMPLETED_OK)
		runs_cancel(q->run);
	runs_unref(q->run);
	free(q);
	*con_cls = NULL;
}

/* ---- the daemon --------------------------------------------------------- */

/* http_log: MHD's own messages, marked as the server's; a client that
   hangs up mid-stream is routine here (it cancels its run), not an error */
static void http_log(void *cls, const char *fmt, va_list ap)
{
	char msg[512];

	(void)cls;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (strstr(msg, "application error generating response"))
		return;
	fprintf(stderr, "ipcscope: http: %s%s", msg,
		msg[0] && msg[strlen(msg) - 1] == '\n' ? "" : "\n");
}

/* on_connection: small answers go out in two writes (head, body); without
   TCP_NODELAY the second waits for the client's delayed ACK (~40 ms) */
static void on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
			  enum MHD_ConnectionNotificationCode code)
{
	const union MHD_ConnectionInfo *ci;
	int one = 1;

	(void)cls;
	(void)socket_context;
	if (code != MHD_CONNECTION_NOTIFY_STARTED)
		return;
	ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
	if (ci)
		setsockopt(ci->connect_fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

static int bind_addr(const char *bind, int port, struct sockaddr_storage *ss, bool *v6)
{
	struct sockaddr_in *a4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	*v6 = false;
	if (inet_pton(AF_INET, bind, &a4->sin_addr) == 1) {
		a4->sin_family = AF_INET;
		a4->sin_port = htons((uint16_t)port);
		return 0;
	}
	if (inet_pton(AF_INET6, bind, &a6->sin6_addr) == 1) {
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons((uint16_t)port);
		*v6 = true;
		return 0;
	}
	return -1;
}

/*
 * One thread per connection: a stream's content reader may then block on
 * its run's condition variable (with a timeout, to send heartbeats and to
 * notice a client that hung up) instead of returning 0 and spinning.
 * Bounded by HTTP_CONN_MAX connections and MHD's per-connection memory
 * limit; idle keep-alive connections close after HTTP_CONN_TIMEOUT_S.
 */
struct MHD_Daemon *http_start(const struct serve_config *config, int *port,
			      char *err, size_t errlen)
{
	unsigned flags = MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD |
			 MHD_USE_POLL | MHD_USE_ERROR_LOG;
	const union MHD_DaemonInfo *info;
	struct sockaddr_storage ss;
	struct MHD_Daemon *d;
	const char *lib_err;
	bool v6;

	cfg = config;
	if ((lib_err = mhd_load())) {
		snprintf(err, errlen, "%s", lib_err);
		return NULL;
	}
	if (bind_addr(cfg->bind, cfg->port, &ss, &v6) < 0) {
		snprintf(err, errlen, "bad bind address '%s': expected a numeric IPv4 or IPv6 "
			 "address", cfg->bind);
		return NULL;
	}
	d = MHD_start_daemon(flags | (v6 ? MHD_USE_IPv6 : 0), (uint16_t)cfg->port, NULL, NULL,
			     on_request, NULL,
			     MHD_OPTION_EXTERNAL_LOGGER, http_log, NULL,
			     MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
			     MHD_OPTION_CONNECTION_LIMIT, (unsigned)HTTP_CONN_MAX,
			     MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)HTTP_CONN_TIMEOUT_S,
			     MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
			     MHD_OPTION_NOTIFY_CONNECTION, on_connection, NULL,
			     MHD_OPTION_END);
	if (!d) {
		snprintf(err, errlen, "cannot listen on %s port %d (in use, or not an address "
			 "of this machine)", cfg->bind, cfg->port);
		return NULL;
	}
	info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	*port = info ? info->port : cfg->port;
	return d;
}
