/* peer.c -- `ipcscope peer` (the far side of a cross-host run) and the driver's connection to it */
#include "run/peer.h"

#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "rep/harness.h"
#include "params/params.h"
#include "base/stop.h"
#include "base/error.h"

#define PEER_HELLO_MS 5000       /* a caller proves the token within this */
#define PEER_CONNECT_MS 5000
#define PEER_ACCEPT_POLL_MS 200  /* how often the idle peer looks for a signal */
#define PEER_BACKLOG 16
#define PEER_HELLO_SLOTS 8       /* callers proving the token at once */
#define PEER_REP_DEADLINE_S 120.0

struct peer_cfg {
	struct sockaddr_in addr;
	char token[PEER_TOKEN_MAX + 1];
	int once;
	int max_run_s;
};

static volatile sig_atomic_t peer_quit;

static void on_signal(int sig)
{
	(void)sig;
	peer_quit = 1;
	harness_stop();
}

void peer_usage(FILE *f)
{
	fprintf(f,
		"usage: ipcscope peer --listen ADDR:PORT [--token T | --token-file PATH] [--once]\n"
		"                     [--max-run-seconds N]\n\n"
		"The far side of a run between two hosts: a run started elsewhere with\n"
		"'--peer HOST:PORT --token T' (or peer=...&token=... in a URL) drives it.\n"
		"It runs only ipcscope's receiving role of tcp, tcp-zc, udp, zmq (transport=tcp)\n"
		"or grpc (transport=tcp), never a command, for a caller with the token, and\n"
		"binds only ADDR.\n\n"
		"  --listen ADDR:PORT     IPv4 address and port to listen on (port 0: any)\n"
		"  --token T              the caller's token, %d..%d of [A-Za-z0-9_-]\n"
		"                         (default: a random one, printed at start)\n"
		"  --token-file PATH      the token from PATH ('-': stdin), one line: off\n"
		"                         the command line, which every user can see\n"
		"  --once                 exit after one run\n"
		"  --max-run-seconds N    wall time of one run, 1..86400 (%d)\n\n"
		"exit status: 0 ok, 1 cannot listen, 2 usage error\n",
		PEER_TOKEN_MIN, PEER_TOKEN_MAX, PEER_RUN_MAX_S);
}

/* parse_listen: "A.B.C.D:PORT", port 0..65535 */
static int parse_listen(const char *v, struct sockaddr_in *a)
{
	const char *colon = strrchr(v, ':');
	char host[INET_ADDRSTRLEN], *end;
	long port;

	if (!colon || colon - v >= (long)sizeof(host))
		return -1;
	snprintf(host, sizeof(host), "%.*s", (int)(colon - v), v);
	port = strtol(colon + 1, &end, 10);
	if (colon[1] < '0' || colon[1] > '9' || *end || port < 0 || port > 65535)
		return -1;
	memset(a, 0, sizeof(*a));
	a->sin_family = AF_INET;
	a->sin_port = htons((uint16_t)port);
	return inet_pton(AF_INET, host, &a->sin_addr) == 1 ? 0 : -1;
}

/* usage_error: one line saying what is wrong and where the usage is; -1 */
__attribute__((format(printf, 1, 2)))
static int usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "ipcscope peer: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (see 'ipcscope peer --help')\n");
	return -1;
}

/* parse_args: 0, 1 for --help, -1 (reported) */
static int parse_args(struct peer_cfg *c, int argc, char **argv)
{
	int listen_seen = 0;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		char *end;

		if (!strcmp(a, "--help") || !strcmp(a, "-h"))
			return 1;
		if (!strcmp(a, "--once")) {
			c->once = 1;
		} else if (!strcmp(a, "--listen") && v) {
			if (parse_listen(v, &c->addr) < 0) {
				usage_error("bad value '%.64s' for --listen: expected "
					"an IPv4 address and a port, e.g. 192.0.2.7:7399", v);
				return -1;
			}
			listen_seen = 1;
			i++;
		} else if (!strcmp(a, "--token") && v) {
			if (!peer_token_ok(v)) {
				usage_error("bad value for --token: expected %d..%d "
					"letters, digits, '-' or '_'", PEER_TOKEN_MIN, PEER_TOKEN_MAX);
				return -1;
			}
			snprintf(c->token, sizeof(c->token), "%s", v);
			i++;
		} else if (!strcmp(a, "--token-file") && v) {
			char err[ERROR_MSG_MAX];

			if (peer_token_read(v, c->token, err, sizeof(err)) < 0)
				return usage_error("%s", err);
			i++;
		} else if (!strcmp(a, "--max-run-seconds") && v) {
			long n = strtol(v, &end, 10);
			if (*v < '0' || *v > '9' || *end || n < 1 || n > 86400) {
				usage_error("bad value '%.16s' for --max-run-seconds: "
					"expected 1..86400", v);
				return -1;
			}
			c->max_run_s = (int)n;
			i++;
		} else {
			usage_error("unknown or incomplete argument '%.64s'", a);
			return -1;
		}
	}
	if (!listen_seen) {
		usage_error("where to listen? give --listen ADDR:PORT");
		return -1;
	}
	return 0;
}

static int listen_on(const struct peer_cfg *c, struct sockaddr_in *bound)
{
	socklen_t len = sizeof(*bound);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1;

	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (const struct sockaddr *)&c->addr, sizeof(c->addr)) < 0 ||
	    listen(fd, PEER_BACKLOG) < 0 ||
	    getsockname(fd, (struct sockaddr *)bound, &len) < 0) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

static void send_error(struct peer_conn *c, const char *code, const char *msg)
{
	cJSON *o = peer_msg("error");

	cJSON_AddStringToObject(o, "code", code);
	cJSON_AddStringToObject(o, "message", msg);
	peer_send(c, o);
	cJSON_Delete(o);
}

/* --- one rep asked by the driver -------------------------------------------- */

/* rep_param_taken: 1 when a rep may carry param name for ops: a common
   param of the run, or one of ops's own options */
static int rep_param_taken(const struct mech_ops *ops, const char *name)
{
	static const enum param_id taken[] = { P_MODE, P_SIZE, P_COUNT, P_DURATION, P_WARMUP,
					       P_PIN, P_VERIFY };

	for (size_t k = 0; k < sizeof(taken) / sizeof(taken[0]); k++)
		if (!strcmp(params_name(taken[k]), name))
			return 1;
	return mech_option_index(ops, name) >= 0;
}

int peer_rep_check(const cJSON *rep, struct bench_params *p, const struct mech_ops **ops,
		     char *why, size_t len)
{
	const cJSON *name = cJSON_GetObjectItemCaseSensitive(rep, "mechanism"), *it;
	const cJSON *params = cJSON_GetObjectItemCaseSensitive(rep, "params");
	struct param_error pe;

	*ops = NULL;
	if (!cJSON_IsObject(params)) {
		snprintf(why, len, "the rep's params are not an object of strings");
		return -1;
	}
	if (!cJSON_IsString(name) || !(*ops = mech_find(name->valuestring)) || !(*ops)->cross_host) {
		snprintf(why, len, "mechanism '%.40s' cannot cross hosts", cJSON_IsString(name) ?
			 name->valuestring : "?");
		return -1;
	}
	params_init(p, CMD_BENCH);
	p->nmechs = 1;
	snprintf(p->mechs[0], sizeof(p->mechs[0]), "%s", (*ops)->name);
	cJSON_ArrayForEach(it, params) {
		if (!it->string || !cJSON_IsString(it) || !rep_param_taken(*ops, it->string)) {
			snprintf(why, len, "parameter '%.32s' is not one a peer takes",
				 it->string ? it->string : "?");
			return -1;
		}
		if (params_set(p, it->string, it->valuestring, true, &pe) < 0) {
			snprintf(why, len, "%s", pe.message);
			return -1;
		}
	}
	if (!(p->seen & (1u << P_SIZE))) {
		snprintf(why, len, "the rep names no size");
		return -1;
	}
	if (params_finish(p, &pe) < 0 || params_check_cross_host(p, *ops, &pe) < 0) {
		snprintf(why, len, "%s", pe.message);
		return -1;
	}
	return 0;
}

static double mono_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void peer_rep(struct peer_link *l, cJSON *msg, int n, const char *dir, double left_s)
{
	struct bench_params p;
	const struct mech_ops *ops;
	struct rep_result res;
	const char *code;
	char err[ERROR_MSG_MAX];
	struct rep_spec spec = { .rep = n, .tmpdir = dir, .link = l };

	l->answered = 0;
	if (peer_rep_check(msg, &p, &ops, err, sizeof(err)) < 0) {
		peerlink_refuse(l, err);
		return;
	}
	spec.ops = ops;
	spec.params = &p;
	spec.deadline_s = p.count ? PEER_REP_DEADLINE_S : p.duration * 3 + 30;
	if (spec.deadline_s > left_s)
		spec.deadline_s = left_s;
	l->rep = msg;
	if (harness_run_rep(&spec, &res, err, sizeof(err), &code) < 0 && !l->answered)
		peerlink_refuse(l, err);
	l->rep = NULL;
}

/* --- one caller ---------------------------------------------------------------- */

/* peer_hello_check: o is a hello with this peer's token and protocol version;
   0, or -1 with the error code and message for the caller */
int peer_hello_check(const cJSON *o, const char *token, const char **code, char *why,
		     size_t len)
{
	const cJSON *tok = cJSON_GetObjectItemCaseSensitive(o, "token");
	const cJSON *ver = cJSON_GetObjectItemCaseSensitive(o, "version");

	*code = error_kind_name(ERR_BAD_TOKEN);
	if (!peer_type_is(o, "hello") || !cJSON_IsString(tok) || !peer_token_ok(tok->valuestring) ||
	    !peer_token_equal(token, tok->valuestring)) {
		snprintf(why, len, "wrong token: give the token this peer printed");
		return -1;
	}
	if (!cJSON_IsNumber(ver) || ver->valuedouble != PEER_PROTO_VERSION) {
		*code = error_kind_name(ERR_BAD_VERSION);
		snprintf(why, len, "this peer speaks control protocol version %d, not %.6g: run "
			 "the same ipcscope on both hosts", PEER_PROTO_VERSION,
			 cJSON_IsNumber(ver) ? ver->valuedouble : 0.0);
		return -1;
	}
	return 0;
}

/* welcome_send: the caller proved the token: the peer's host and path */
static void welcome_send(struct peer_link *l)
{
	cJSON *w = peer_msg("welcome");

	cJSON_AddNumberToObject(w, "version", PEER_PROTO_VERSION);
	cJSON_AddItemToObject(w, "host", peer_host_json());
	cJSON_AddItemToObject(w, "path", peer_path_json(l->conn.fd));
	peer_send(&l->conn, w);
	cJSON_Delete(w);
}

/* late_relay: news of a rep that has ended, sent while its receiver was
   already done (the stream's last message can beat the "done") */
static int late_relay(const cJSON *m)
{
	return peer_type_is(m, "total") || peer_type_is(m, "done") || peer_type_is(m, "stop");
}

/* session: the reps of one caller who proved the token */
static void session(const struct peer_cfg *cfg, struct peer_link *l, const char *who)
{
	char dir[512], err[160];
	double t_end = mono_s() + cfg->max_run_s;
	int reps = 0;

	if (cleanup_tmpdir_make(dir, sizeof(dir)) < 0)
		return;
	while (!peer_quit) {
		double left = t_end - mono_s();
		cJSON *m = left > 0 ? peer_recv(&l->conn, (int)(left * 1000), err, sizeof(err)) : NULL;

		if (!m && left <= 0)
			send_error(&l->conn, "run_time_cap", "this peer's run time cap is reached");
		else if (!m)
			send_error(&l->conn, "bad_message", err);
		if (m && late_relay(m)) {
			cJSON_Delete(m);
			continue;
		}
		if (!m || !peer_type_is(m, "rep")) {
			if (!m && left > 0)
				fprintf(stderr, "ipcscope peer: run from %s ends: %s\n", who, err);
			cJSON_Delete(m);
			break;
		}
		peer_rep(l, m, ++reps, dir, t_end - mono_s());
		cJSON_Delete(m);
	}
	cleanup_tmpdir_remove(dir);
	fprintf(stderr, "ipcscope peer: run from %s: %d rep%s\n", who, reps, reps == 1 ? "" : "s");
}

/* --- callers proving the token, several at once ------------------------------ */

/* A caller accepted and not yet through its hello. A caller has
   PEER_HELLO_MS from accept for the whole hello, however it trickles in,
   and PEER_HELLO_SLOTS of them are read side by side: one that is slow or
   silent never keeps out one that has the token, which sends its hello
   as it connects. */
struct caller {
	struct peer_link *l;         /* NULL: a free slot */
	double deadline;             /* monotonic s: the hello is in by then */
	char who[INET_ADDRSTRLEN];
};

static void caller_drop(struct caller *c, const char *code, const char *why)
{
	if (code)
		send_error(&c->l->conn, code, why);
	if (why)
		fprintf(stderr, "ipcscope peer: refused %s: %s\n", c->who, why);
	close(c->l->conn.fd);
	free(c->l);
	c->l = NULL;
}

/* slots_of: the slots held by callers from c's address */
static int slots_of(const struct caller *cs, const struct caller *c)
{
	int n = 0;

	for (int i = 0; i < PEER_HELLO_SLOTS; i++)
		n += cs[i].l && cs[i].l->there.sin_addr.s_addr == c->l->there.sin_addr.s_addr;
	return n;
}

/* evictee: when every slot is taken, the caller that gives way: the one
   waiting longest of the address that holds the most slots, so that
   callers from one address cannot push out a caller from another */
static struct caller *evictee(struct caller *cs)
{
	struct caller *c = &cs[0];
	int most = slots_of(cs, c);

	for (int i = 1; i < PEER_HELLO_SLOTS; i++) {
		int n = slots_of(cs, &cs[i]);

		if (n > most || (n == most && cs[i].deadline < c->deadline)) {
			c = &cs[i];
			most = n;
		}
	}
	return c;
}

/* caller_add: a connection just accepted into a free slot (or the slot
   of the caller that gives way, told so) */
static void caller_add(struct caller *cs, int fd)
{
	struct caller *c = NULL;
	char err[160];

	for (int i = 0; i < PEER_HELLO_SLOTS && !c; i++)
		if (!cs[i].l)
			c = &cs[i];
	if (!c) {
		c = evictee(cs);
		caller_drop(c, "busy", "too many callers are proving the token at once: try again");
	}
	c->l = calloc(1, sizeof(*c->l));
	if (!c->l || peerlink_init(c->l, fd, ROLE_RECEIVER, err, sizeof(err)) < 0) {
		free(c->l);
		c->l = NULL;
		close(fd);
		return;
	}
	c->deadline = mono_s() + PEER_HELLO_MS / 1000.0;
	snprintf(c->who, sizeof(c->who), "?");
	inet_ntop(AF_INET, &c->l->there.sin_addr, c->who, sizeof(c->who));
}

/* caller_read: what c sent by now; 1 when its hello proves the token
   (welcomed), 0 when its hello is not all in, -1 when it is refused
   (told why, dropped) */
static int caller_read(const struct peer_cfg *cfg, struct caller *c)
{
	char why[160];
	const char *code = error_kind_name(ERR_BAD_TOKEN);
	int more;
	cJSON *o = peer_recv_nowait(&c->l->conn, &more, why, sizeof(why));

	if (!o && more)
		return 0;
	if (o && peer_hello_check(o, cfg->token, &code, why, sizeof(why)) == 0) {
		cJSON_Delete(o);
		welcome_send(c->l);
		return 1;
	}
	caller_drop(c, o ? code : "bad_message", why);
	cJSON_Delete(o);
	return -1;
}

/* next_wait_ms: until the first hello deadline, at most PEER_ACCEPT_POLL_MS */
static int next_wait_ms(const struct caller *cs)
{
	double now = mono_s(), ms = PEER_ACCEPT_POLL_MS;

	for (int i = 0; i < PEER_HELLO_SLOTS; i++)
		if (cs[i].l && (cs[i].deadline - now) * 1000 + 1 < ms)
			ms = (cs[i].deadline - now) * 1000 + 1;
	return ms < 0 ? 0 : (int)ms;
}

/* callers_serve: accepts callers and reads their hellos side by side
   until one proves the token or a signal comes; the slot of the one that
   did, or -1. The others are told the peer is busy. */
static int callers_serve(const struct peer_cfg *cfg, int lfd, struct caller *cs)
{
	while (!peer_quit) {
		struct pollfd p[PEER_HELLO_SLOTS + 1] = { { .fd = lfd, .events = POLLIN } };
		int slot[PEER_HELLO_SLOTS + 1], n = 1, won = -1;
		double now;

		for (int i = 0; i < PEER_HELLO_SLOTS; i++)
			if (cs[i].l) {
				p[n] = (struct pollfd){ .fd = cs[i].l->conn.fd, .events = POLLIN };
				slot[n++] = i;
			}
		if (poll(p, (nfds_t)n, next_wait_ms(cs)) < 0)
			continue;
		for (int k = 1; k < n && won < 0; k++)
			if (p[k].revents && caller_read(cfg, &cs[slot[k]]) > 0)
				won = slot[k];
		if (won >= 0) {
			for (int i = 0; i < PEER_HELLO_SLOTS; i++)
				if (i != won && cs[i].l)
					caller_drop(&cs[i], "busy", "this peer is running another "
						    "caller's run: try again when it ends");
			return won;
		}
		now = mono_s();
		for (int i = 0; i < PEER_HELLO_SLOTS; i++)
			if (cs[i].l && now >= cs[i].deadline) {
				char why[96];
				snprintf(why, sizeof(why), "no hello with the token within %.0f s "
					 "of connecting", PEER_HELLO_MS / 1000.0);
				caller_drop(&cs[i], "hello_timeout", why);
			}
		if (p[0].revents & POLLIN) {
			int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
			if (fd >= 0)
				caller_add(cs, fd);
		}
	}
	return -1;
}

int peer_main(int argc, char **argv)
{
	struct peer_cfg cfg = { .max_run_s = PEER_RUN_MAX_S };
	struct caller cs[PEER_HELLO_SLOTS] = { { 0 } };
	struct sockaddr_in bound;
	char addr[INET_ADDRSTRLEN];
	int lfd, rc = parse_args(&cfg, argc, argv);

	if (rc != 0) {
		if (rc > 0)
			peer_usage(stdout);
		return rc > 0 ? 0 : 2;
	}
	if (!cfg.token[0])
		peer_token_new(cfg.token);
	if ((lfd = listen_on(&cfg, &bound)) < 0) {
		fprintf(stderr, "ipcscope peer: cannot listen on %s:%d: %s\n",
			inet_ntoa(cfg.addr.sin_addr), ntohs(cfg.addr.sin_port), strerror(errno));
		return 1;
	}
	stop_signals(on_signal);
	cleanup_sweep_stale();
	inet_ntop(AF_INET, &bound.sin_addr, addr, sizeof(addr));
	printf("ipcscope peer: listening on %s:%d, token %s; runs only ipcscope's own "
	       "receiving role, for a caller with the token%s\n", addr, ntohs(bound.sin_port),
	       cfg.token, cfg.once ? "; exits after one run" : "");
	fflush(stdout);
	while (!peer_quit) {
		int won = callers_serve(&cfg, lfd, cs);

		if (won < 0)
			break;
		session(&cfg, cs[won].l, cs[won].who);
		caller_drop(&cs[won], NULL, NULL);
		if (cfg.once)
			break;
	}
	for (int i = 0; i < PEER_HELLO_SLOTS; i++)
		if (cs[i].l)
			caller_drop(&cs[i], NULL, NULL);
	close(lfd);
	return 0;
}

/* --- the driver's side ------------------------------------------------------------ */

static int connect_within(const struct sockaddr_in *a, int ms, char *err, size_t errlen)
{
	struct timeval tv = { ms / 1000, (ms % 1000) * 1000 }, none = { 0, 0 };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) < 0 ||
	    connect(fd, (const struct sockaddr *)a, sizeof(*a)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &none, sizeof(none)) < 0) {
		error_set(err, errlen, "cannot connect to the peer at %s:%d: %s",
			  inet_ntoa(a->sin_addr), ntohs(a->sin_port),
			  errno == EINPROGRESS ? "no answer" : strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

/* welcome: the peer's answer to our hello; its object, or NULL with err */
static cJSON *welcome(struct peer_link *l, const char *token, char *err, size_t errlen)
{
	cJSON *o = peer_msg("hello"), *w;
	char why[160];

	cJSON_AddNumberToObject(o, "version", PEER_PROTO_VERSION);
	cJSON_AddStringToObject(o, "token", token);
	peer_send(&l->conn, o);
	cJSON_Delete(o);
	w = peer_recv(&l->conn, PEER_HELLO_MS * 2, why, sizeof(why));
	if (w && peer_type_is(w, "welcome") &&
	    cJSON_GetObjectItemCaseSensitive(w, "version")->valuedouble == PEER_PROTO_VERSION)
		return w;
	if (w && peer_type_is(w, "welcome")) {
		snprintf(why, sizeof(why), "it speaks control protocol version %.6g, this ipcscope "
			 "%d: run the same ipcscope on both hosts",
			 cJSON_GetObjectItemCaseSensitive(w, "version")->valuedouble, PEER_PROTO_VERSION);
	} else if (w) {
		const cJSON *m = cJSON_GetObjectItemCaseSensitive(w, "message");
		snprintf(why, sizeof(why), "%s", cJSON_IsString(m) ? m->valuestring : "no welcome");
	}
	error_set(err, errlen, "the peer refused the run: %s", why);
	cJSON_Delete(w);
	return NULL;
}

int peer_drive_open(struct peer_link *l, const char *hostport, const char *token,
		    cJSON **info, char *err, size_t errlen)
{
	struct sockaddr_in a;
	cJSON *w, *path;
	int fd;

	l->conn.fd = -1;
	if (peer_parse_hostport(hostport, &a, 1, err, errlen) < 0 ||
	    (fd = connect_within(&a, PEER_CONNECT_MS, err, errlen)) < 0)
		return -1;
	if (peerlink_init(l, fd, ROLE_SENDER, err, errlen) < 0 ||
	    !(w = welcome(l, token, err, errlen))) {
		close(fd);
		l->conn.fd = -1;
		return -1;
	}
	*info = cJSON_CreateObject();
	cJSON_AddStringToObject(*info, "address", hostport);
	cJSON_AddItemToObject(*info, "local_host", peer_host_json());
	cJSON_AddItemToObject(*info, "remote_host",
			      cJSON_DetachItemFromObjectCaseSensitive(w, "host"));
	path = peer_path_json(fd);
	cJSON_AddItemToObject(*info, "path", path);
	cJSON_AddStringToObject(*info, "latency", "round trips timed on this host; one-way = RTT/2");
	cJSON_Delete(w);
	return 0;
}

void peer_drive_close(struct peer_link *l)
{
	cJSON *o;

	if (l->conn.fd < 0)
		return;
	o = peer_msg("bye");
	peer_send(&l->conn, o);
	cJSON_Delete(o);
	close(l->conn.fd);
	l->conn.fd = -1;
}
