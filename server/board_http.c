/* board_http.c -- the class board's routes, who may reach them, and the join URL
 *
 * Other machines reach two routes, each with the join code: POST
 * /api/board/results (a student's post) and GET /api/board (the class's
 * results). The teacher's own page, on loopback, reads the code and sets
 * the class task; a student's own page, on loopback, has its server
 * forward a finished run to a board (/api/board/send), so the browser
 * never posts to another origin. Nothing here starts a run or reads the
 * run history, except /api/board/send reading the one run named, for
 * the loopback page only.
 */
#include <arpa/inet.h>
#include <cjson/cJSON.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/error.h"
#include "cli/engine.h"
#include "board.h"
#include "board_http.h"
#include "board_qr.h"
#include "http_check.h"
#include "http_head.h"
#include "http_reply.h"
#include "run_store.h"

#define BOARD_URLS_MAX 8
#define BOARD_URL_LEN 64
#define BOARD_RETRY_S "3"              /* BOARD_REFILL_S */

_Static_assert(BOARD_BODY_MAX == HEAD_BODY_MAX, "the gate lets a whole post through");

enum who { ANYONE, LOOPBACK, PAGE };   /* PAGE: loopback and same-origin */

static const struct board_route {
	const char *url;
	const char *method;                /* GET also allows HEAD */
	enum who who;
	bool needs_board;
} routes[] = {
	{ "/api/board", "GET", ANYONE, true },
	{ "/api/board/results", "POST", ANYONE, true },
	{ "/api/board/session", "GET", LOOPBACK, false },
	{ "/api/board/task", "POST", PAGE, true },
	{ "/api/board/send", "POST", PAGE, false },
};

static char urls[BOARD_URLS_MAX][BOARD_URL_LEN];
static int nurls;
static char save_prefix[32];           /* "" unless --board-save */
static pthread_mutex_t save_lock = PTHREAD_MUTEX_INITIALIZER;

static const struct board_route *route_of(const char *url)
{
	for (size_t i = 0; i < sizeof(routes) / sizeof(*routes); i++)
		if (!strcmp(url, routes[i].url))
			return &routes[i];
	return NULL;
}

bool board_is_route(const char *url)
{
	return route_of(url) != NULL;
}

bool board_takes_body(const char *url)
{
	const struct board_route *r = route_of(url);

	return r && !strcmp(r->method, "POST");
}

static const struct sockaddr *client_addr(struct MHD_Connection *c)
{
	const union MHD_ConnectionInfo *ci =
		mhd.get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);

	return ci ? ci->client_addr : NULL;
}

static void client_text(struct MHD_Connection *c, char *out, size_t n)
{
	const struct sockaddr *sa = client_addr(c);

	snprintf(out, n, "?");
	if (sa && sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, out, (socklen_t)n);
	else if (sa && sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, out,
			  (socklen_t)n);
}

static bool client_loopback(struct MHD_Connection *c)
{
	const struct sockaddr *sa = client_addr(c);

	if (sa && sa->sa_family == AF_INET)
		return (ntohl(((const struct sockaddr_in *)sa)->sin_addr.s_addr) >> 24) == 127;
	return sa && sa->sa_family == AF_INET6 &&
	       IN6_IS_ADDR_LOOPBACK(&((const struct sockaddr_in6 *)sa)->sin6_addr);
}

bool board_foreign(struct MHD_Connection *c)
{
	return board_on() && !client_loopback(c);
}

enum MHD_Result board_check(struct MHD_Connection *c, const char *url, const char *method,
			    const char *host, bool *answered)
{
	const struct board_route *r = route_of(url);
	const char *origin = mhd.lookup_connection_value(c, MHD_HEADER_KIND, "Origin");
	const char *site = mhd.lookup_connection_value(c, MHD_HEADER_KIND, "Sec-Fetch-Site");
	bool get = !strcmp(r->method, "GET");
	char why[256];

	*answered = true;
	if (strcmp(method, r->method) && !(get && !strcmp(method, "HEAD")))
		return reply_error(c, MHD_HTTP_METHOD_NOT_ALLOWED, "method_not_allowed", NULL,
				   "Allow", get ? "GET, HEAD" : r->method,
				   "method %.20s is not allowed here", method);
	if (r->needs_board && !board_on())
		return reply_error(c, MHD_HTTP_NOT_FOUND, "no_board", NULL, NULL, NULL,
				   "this server runs no class board (start it with --board)");
	if (r->who != ANYONE && !client_loopback(c))
		return reply_error(c, MHD_HTTP_FORBIDDEN, "loopback_only", NULL, NULL, NULL,
				   "%s is only for this machine's own page", url);
	if (r->who == PAGE && http_same_origin(host, origin, site, why, sizeof(why)) < 0)
		return reply_error(c, MHD_HTTP_FORBIDDEN, "cross_site", NULL, NULL, NULL, "%s",
				   why);
	*answered = false;
	return MHD_YES;
}

/* ---- the routes --------------------------------------------------------- */

/* code_given: X-Board-Code, else ?code= */
static const char *code_given(struct MHD_Connection *c)
{
	const char *h = mhd.lookup_connection_value(c, MHD_HEADER_KIND, "X-Board-Code");

	return h ? h : mhd.lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "code");
}

/* gate: the address's budget and the code; MHD_YES to go on, else the answer */
static enum MHD_Result gate(struct MHD_Connection *c, bool spend, bool *answered)
{
	char addr[INET6_ADDRSTRLEN];
	bool ok = board_code_ok(code_given(c));

	*answered = true;
	client_text(c, addr, sizeof(addr));
	if ((spend || !ok) && !board_allow(addr))
		return reply_error(c, MHD_HTTP_TOO_MANY_REQUESTS, "rate_limited", NULL,
				   "Retry-After", BOARD_RETRY_S, "too many posts or wrong codes "
				   "from this address: %d at once, then one every %s s",
				   BOARD_BURST, BOARD_RETRY_S);
	if (!ok)
		return reply_error(c, MHD_HTTP_FORBIDDEN, "wrong_code", NULL, NULL, NULL,
				   "the join code is missing or wrong (X-Board-Code or ?code=)");
	*answered = false;
	return MHD_YES;
}

void board_save_to(void)
{
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(save_prefix, sizeof(save_prefix), "board-%Y%m%dT%H%M%SZ", &tm);
}

/* save: the board's posts to the results directory (--board-save), one
   writer at a time, as a run's record is written */
static void save(void)
{
	char err[ERROR_MSG_MAX], task[BOARD_MECH_MAX + 1], name[96], *text;

	if (!save_prefix[0])
		return;
	pthread_mutex_lock(&save_lock);
	snprintf(name, sizeof(name), "%s-%d-%s.ndjson", save_prefix,
		 board_task(task, sizeof(task)) + 1, task);
	text = board_ndjson();
	if (!text || store_write_named(name, text, strlen(text), err, sizeof(err)) < 0)
		fprintf(stderr, "ipcscope: class board not saved: %s\n", text ? err : "no memory");
	pthread_mutex_unlock(&save_lock);
	free(text);
}

static enum MHD_Result results(struct MHD_Connection *c, const char *body, size_t len)
{
	struct board_refusal r;
	bool answered;
	enum MHD_Result ret = gate(c, true, &answered);

	if (answered)
		return ret;
	if (board_post(body, len, &r) < 0)
		return reply_error(c, r.status, r.code, r.field[0] ? r.field : NULL, NULL, NULL,
				   "%s", r.why);
	save();
	return reply(c, MHD_HTTP_OK, "application/json", (char *)"{\"status\":\"ok\"}",
		     MHD_RESPMEM_PERSISTENT, NULL, NULL);
}

static enum MHD_Result board(struct MHD_Connection *c)
{
	bool answered;
	enum MHD_Result ret = gate(c, false, &answered);
	char *text;

	if (answered)
		return ret;
	text = board_json();
	return text ? reply(c, MHD_HTTP_OK, "application/json", text, MHD_RESPMEM_MUST_FREE,
			    NULL, NULL) : MHD_NO;
}

static void add_qr(cJSON *o, const char *url)
{
	int w = 0;
	unsigned char *m = board_qr(url, &w);
	char *bits;
	cJSON *q;

	if (!m || !(bits = malloc((size_t)w * (size_t)w + 1))) {
		free(m);
		cJSON_AddNullToObject(o, "qr");
		return;
	}
	for (int i = 0; i < w * w; i++)
		bits[i] = (char)('0' + m[i]);
	bits[w * w] = '\0';
	q = cJSON_AddObjectToObject(o, "qr");
	cJSON_AddNumberToObject(q, "width", w);
	cJSON_AddStringToObject(q, "modules", bits);
	free(bits);
	free(m);
}

/* session: {"board": false} without a board; else the join code, URLs
   and the first URL's QR code, for the teacher's page */
static enum MHD_Result session(struct MHD_Connection *c)
{
	cJSON *o = cJSON_CreateObject(), *a;
	char *text;

	cJSON_AddBoolToObject(o, "board", board_on());
	if (board_on()) {
		cJSON_AddStringToObject(o, "code", board_code());
		a = cJSON_AddArrayToObject(o, "urls");
		for (int i = 0; i < nurls; i++)
			cJSON_AddItemToArray(a, cJSON_CreateString(urls[i]));
		if (nurls)
			add_qr(o, urls[0]);
		else
			cJSON_AddNullToObject(o, "qr");
	}
	text = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	return text ? reply(c, MHD_HTTP_OK, "application/json", text, MHD_RESPMEM_MUST_FREE,
			    NULL, NULL) : MHD_NO;
}

/* task_known: a demo whose jobs compare mechanisms, or compare */
bool board_task_known(const char *name)
{
	return (name && !strcmp(name, "compare")) || engine_demo_of_jobs(name);
}

static enum MHD_Result task(struct MHD_Connection *c, const char *body, size_t len)
{
	cJSON *o = len && len <= BOARD_BODY_MAX ? cJSON_ParseWithLength(body, len) : NULL;
	const cJSON *d = cJSON_GetObjectItemCaseSensitive(o, "demo");
	const char *name = cJSON_IsString(d) ? d->valuestring : NULL;
	struct board_refusal r;
	enum MHD_Result ret;
	char *text;

	if (!cJSON_IsObject(o) || cJSON_GetArraySize(o) != 1 || !name)
		ret = reply_error(c, MHD_HTTP_BAD_REQUEST, "bad_task", "demo", NULL, NULL,
				  "expected {\"demo\": NAME}, NAME a demo or compare");
	else if (board_set_task(name, board_task_known(name), &r) < 0)
		ret = reply_error(c, r.status, r.code, r.field, NULL, NULL, "%s", r.why);
	else
		ret = (text = board_json()) ? reply(c, MHD_HTTP_OK, "application/json", text,
						    MHD_RESPMEM_MUST_FREE, NULL, NULL) : MHD_NO;
	cJSON_Delete(o);
	return ret;
}

enum MHD_Result board_answer(struct MHD_Connection *c, const char *url, const char *body,
			     size_t len)
{
	if (!strcmp(url, "/api/board/results"))
		return results(c, body, len);
	if (!strcmp(url, "/api/board/session"))
		return session(c);
	if (!strcmp(url, "/api/board/task"))
		return task(c, body, len);
	if (!strcmp(url, "/api/board/send"))
		return board_send_answer(c, body, len);
	return board(c);
}

/* ---- the join URL ------------------------------------------------------- */

static void add_url(const char *addr, bool v6, int port)
{
	if (nurls < BOARD_URLS_MAX)
		snprintf(urls[nurls++], BOARD_URL_LEN, "http://%s%s%s:%d/", v6 ? "[" : "", addr,
			 v6 ? "]" : "", port);
}

/* wildcard_urls: one URL per IPv4 address of the machine's interfaces
   that are up, loopback left out */
static void wildcard_urls(int port)
{
	struct ifaddrs *ifs = NULL, *i;
	char a[INET_ADDRSTRLEN];

	if (getifaddrs(&ifs) < 0)
		return;
	for (i = ifs; i; i = i->ifa_next)
		if (i->ifa_addr && i->ifa_addr->sa_family == AF_INET && (i->ifa_flags & IFF_UP) &&
		    !(i->ifa_flags & IFF_LOOPBACK) &&
		    inet_ntop(AF_INET, &((struct sockaddr_in *)i->ifa_addr)->sin_addr, a, sizeof(a)))
			add_url(a, false, port);
	freeifaddrs(ifs);
}

void board_announce(const char *bind, bool public_bind, int port, FILE *f)
{
	nurls = 0;
	if (!strcmp(bind, "0.0.0.0") || !strcmp(bind, "::"))
		wildcard_urls(port);
	else
		add_url(bind, strchr(bind, ':') != NULL, port);
	fprintf(f, "ipcscope: class board: join code %s\n", board_code());
	for (int i = 0; i < nurls; i++)
		fprintf(f, "ipcscope: students join at %s (code %s), e.g.\n"
			"  ipcscope demo NAME --board %.*s --code %s --as PSEUDONYM\n",
			urls[i], board_code(), (int)strlen(urls[i]) - 1, urls[i], board_code());
	if (!public_bind)
		fprintf(f, "ipcscope: note: %s is a loopback address, so other machines cannot "
			"reach the board; serve with --bind ADDR\n", bind);
	if (nurls)
		board_qr_print(f, urls[0]);
	fflush(f);
}
