/* peerlink.c -- a rep whose two workers are on two hosts: data sockets, barrier, and the rep's life over the control connection */
#include "rep/peerlink.h"

#include <errno.h>
#include <math.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "rep/harness_int.h"
#include "net/interference_peer.h"
#include "params/params.h"
#include "base/error.h"

#define PEER_REPLY_MS 15000      /* the other side answers a step within this */
#define PEER_JOIN_MS 10000       /* the data connection is made within this */
#define PUMP_TICK_MS 2           /* how often the relay looks at the control block */
#define PUMP_PROGRESS_MS 250

static uint64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

int peerlink_init(struct peer_link *l, int fd, enum mech_role role, char *err, size_t errlen)
{
	socklen_t a = sizeof(l->here), b = sizeof(l->there);

	memset(l, 0, sizeof(*l));
	l->conn.fd = fd;
	l->role = role;
	if (getsockname(fd, (struct sockaddr *)&l->here, &a) < 0 ||
	    getpeername(fd, (struct sockaddr *)&l->there, &b) < 0 ||
	    l->here.sin_family != AF_INET)
		return error_set(err, errlen, "the control connection is not an IPv4 connection");
	l->net.accept_ms = PEER_JOIN_MS;
	return 0;
}

/* fail_link: records why the link failed; -1 */
static int fail_link(struct peer_link *l, char *err, size_t errlen, const char *why)
{
	snprintf(l->failure, sizeof(l->failure), "%s", why);
	atomic_store(&l->broken, 1);
	return error_set(err, errlen, "peer: %s", why);
}

/* expect: the next message, which must be of type want (an "error" from
   the other side ends the rep with its message); NULL with err */
static cJSON *expect(struct peer_link *l, const char *want, char *err, size_t errlen)
{
	char why[160];
	cJSON *o = peer_recv(&l->conn, PEER_REPLY_MS, why, sizeof(why));
	const cJSON *msg;

	if (!o) {
		fail_link(l, err, errlen, why);
		return NULL;
	}
	if (peer_type_is(o, want))
		return o;
	msg = cJSON_GetObjectItemCaseSensitive(o, "message");
	snprintf(why, sizeof(why), "%s", cJSON_IsString(msg) ? msg->valuestring :
		 "an unexpected control message");
	cJSON_Delete(o);
	fail_link(l, err, errlen, why);
	return NULL;
}

/* rep_params: the params of one rep of m as strings the peer parses with
   the same strict parser as every other input, with the value of each of
   m's own options */
static cJSON *rep_params(const struct bench_params *p, const struct mech *m)
{
	const struct mech_ops *ops = m->ops;
	uint64_t size = m->msg_size;
	cJSON *o = cJSON_CreateObject();
	char v[48];

	cJSON_AddStringToObject(o, params_name(P_MODE), params_mode_name(p->mode));
	snprintf(v, sizeof(v), "%llu", (unsigned long long)size);
	cJSON_AddStringToObject(o, params_name(P_SIZE), v);
	if (p->count)
		snprintf(v, sizeof(v), "%llu", (unsigned long long)p->count);
	else
		snprintf(v, sizeof(v), "%.6g", p->duration);
	cJSON_AddStringToObject(o, params_name(p->count ? P_COUNT : P_DURATION), v);
	if (p->seen & (1u << P_WARMUP)) {
		snprintf(v, sizeof(v), "%llu", (unsigned long long)p->warmup);
		cJSON_AddStringToObject(o, params_name(P_WARMUP), v);
	}
	cJSON_AddStringToObject(o, params_name(P_PIN), params_pin_text(p, v, sizeof(v)));
	cJSON_AddStringToObject(o, params_name(P_VERIFY), p->verify ? "1" : "0");
	for (int i = 0; i < mech_option_count(ops) && i < MECH_MAX_OPTIONS; i++)
		cJSON_AddStringToObject(o, ops->options[i].name, ops->options[i].values[m->opt[i]]);
	return o;
}

static int data_listen(struct peer_link *l, struct mech *m, char *err, size_t errlen)
{
	const struct mech_option *o = mech_cross_host_blocker(m->ops, m->opt);
	int rc;

	if (o) {   /* params refuse it before: never a data socket for it */
		return error_set(err, errlen, "%s crosses hosts only with %s=%s", m->ops->name, o->name,
				o->cross_host);
	}
	l->net.local = l->here;
	l->net.local.sin_port = 0;
	m->net = &l->net;
	m->role = l->role;
	if ((rc = m->ops->net_listen(m)) < 0)
		return error_set(err, errlen, "cannot make the %s data socket on this side: %s",
				m->ops->name, strerror(-rc));
	return 0;
}

static int data_join(struct peer_link *l, struct mech *m, int port, char *err, size_t errlen)
{
	int rc;

	l->net.remote = l->there;
	l->net.remote.sin_port = htons((uint16_t)port);
	if ((rc = m->ops->net_join(m)) < 0)
		return error_set(err, errlen, "cannot %s the %s data connection: %s",
				l->role == ROLE_SENDER ? "make" : "accept", m->ops->name, strerror(-rc));
	return 0;
}

static int driver_data_open(struct peer_link *l, struct mech *m, const struct bench_params *p,
			    char *err, size_t errlen, const char **code)
{
	cJSON *o, *port;
	int rc;

	*code = error_kind_name(ERR_PEER_FAILED);
	if (atomic_load(&l->broken))
		return error_set(err, errlen, "peer: the control connection failed earlier: %s", l->failure);
	if (data_listen(l, m, err, errlen) < 0)
		return -1;
	o = peer_msg("rep");
	cJSON_AddStringToObject(o, "mechanism", m->ops->name);
	cJSON_AddItemToObject(o, "params", rep_params(p, m));
	cJSON_AddNumberToObject(o, "port", ntohs(l->net.local.sin_port));
	rc = peer_send(&l->conn, o);
	cJSON_Delete(o);
	if (rc < 0)
		return fail_link(l, err, errlen, "cannot send the rep to the peer");
	if (!(o = expect(l, "port", err, errlen)))
		return -1;
	port = cJSON_GetObjectItemCaseSensitive(o, "port");
	rc = cJSON_IsNumber(port) && port->valueint > 0 && port->valueint < 65536 ?
	     data_join(l, m, port->valueint, err, errlen) :
	     fail_link(l, err, errlen, "the peer sent no data port");
	cJSON_Delete(o);
	if (rc < 0 && !atomic_load(&l->broken)) {
		/* the peer waits in vain for this rep: the link is done */
		snprintf(l->failure, sizeof(l->failure), "%s", err);
		atomic_store(&l->broken, 1);
	}
	return rc;
}

/* peer_fail: the peer tells the driver why the rep cannot run; -1 */
int peerlink_refuse(struct peer_link *l, const char *why)
{
	cJSON *o = peer_msg("error");

	cJSON_AddStringToObject(o, "code", "peer_failed");
	cJSON_AddStringToObject(o, "message", why);
	peer_send(&l->conn, o);
	cJSON_Delete(o);
	l->answered = 1;
	return -1;
}

static int peer_data_open(struct peer_link *l, struct mech *m, char *err, size_t errlen)
{
	const cJSON *dport = cJSON_GetObjectItemCaseSensitive(l->rep, "port");
	cJSON *o;
	int rc;

	if (data_listen(l, m, err, errlen) < 0)
		return peerlink_refuse(l, err);
	o = peer_msg("port");
	cJSON_AddNumberToObject(o, "port", ntohs(l->net.local.sin_port));
	rc = peer_send(&l->conn, o);
	cJSON_Delete(o);
	if (rc < 0)
		return error_set(err, errlen, "cannot answer the driver: %s", strerror(-rc));
	/* tcp accepts from the driver's host only; udp talks to its port */
	if (data_join(l, m, cJSON_IsNumber(dport) ? dport->valueint : 0, err, errlen) < 0)
		return peerlink_refuse(l, err);
	return 0;
}

int peerlink_data_open(struct peer_link *l, struct mech *m, const struct bench_params *p,
		       char *err, size_t errlen, const char **code)
{
	*code = error_kind_name(ERR_PEER_FAILED);
	if (l->role == ROLE_SENDER)
		return driver_data_open(l, m, p, err, errlen, code);
	return peer_data_open(l, m, err, errlen);
}

int peerlink_barrier(struct peer_link *l, int local_ok, char *err, size_t errlen)
{
	cJSON *o, *it;
	int go;

	if (l->role == ROLE_RECEIVER) {
		o = peer_msg("ready");
		cJSON_AddBoolToObject(o, "ok", local_ok);
		peer_send(&l->conn, o);
		cJSON_Delete(o);
		if (!(o = expect(l, "go", err, errlen)))
			return -1;
		go = cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(o, "stop"));
		cJSON_Delete(o);
		return go ? 0 : -1;
	}
	if (!(o = expect(l, "ready", err, errlen)))
		return -1;
	it = cJSON_GetObjectItemCaseSensitive(o, "ok");
	go = local_ok && cJSON_IsTrue(it);
	cJSON_Delete(o);
	o = peer_msg("go");
	cJSON_AddBoolToObject(o, "stop", !go);
	peer_send(&l->conn, o);
	cJSON_Delete(o);
	if (!go && local_ok)
		error_set(err, errlen, "peer: its worker could not open the %s", "data socket");
	return go ? 0 : -1;
}

/* --- the relay while the rep runs ----------------------------------------- */

static void send_count(struct peer_link *l, const char *type, uint64_t n)
{
	cJSON *o = peer_msg(type);

	cJSON_AddNumberToObject(o, "n", (double)n);
	peer_send(&l->conn, o);
	cJSON_Delete(o);
}

/* A peer's counts and times, believed only when finite and not negative,
   clamped to what the fields hold (a hostile 1e308 must not reach a
   conversion to an integer type, whose result would be undefined). */
#define PEER_SECONDS_MAX 1.0e9
#define PEER_PCT_MAX 1.0e4       /* util_pct of several threads, with room */
#define PEER_CS_MAX 1.0e15
#define PEER_CPU_MAX 1.0e6

static double num_in(const cJSON *o, const char *key, double max)
{
	return fmin(peer_num(o, key, 0, INFINITY, 0), max);
}

static double num(const cJSON *o, const char *key)
{
	return num_in(o, key, PEER_SECONDS_MAX);
}

static uint64_t count(const cJSON *o, const char *key)
{
	return (uint64_t)num_in(o, key, PEER_COUNT_MAX);
}

/* result_json: the peer's worker figures (it is the receiver) and the
   interference on its side */
static cJSON *result_json(const struct worker_out *w, const struct interference *here)
{
	cJSON *o = peer_msg("result"), *u;
	struct interference_far far;

	cJSON_AddBoolToObject(o, "failed", w->failed);
	cJSON_AddStringToObject(o, "message", w->err);
	cJSON_AddStringToObject(o, "code", w->code ? w->code : "");
	cJSON_AddNumberToObject(o, "received", (double)w->received);
	cJSON_AddNumberToObject(o, "lost", (double)w->lost);
	cJSON_AddNumberToObject(o, "duplicated", (double)w->duplicated);
	cJSON_AddNumberToObject(o, "reordered", (double)w->reordered);
	cJSON_AddNumberToObject(o, "corrupted", (double)w->corrupted);
	cJSON_AddNumberToObject(o, "errors", (double)w->errors);
	cJSON_AddNumberToObject(o, "t_start_ns", (double)w->t_start_ns);
	cJSON_AddNumberToObject(o, "t_end_ns", (double)w->t_end_ns);
	u = cJSON_AddObjectToObject(o, "cpu");
	cJSON_AddNumberToObject(u, "user_s", w->use.user_s);
	cJSON_AddNumberToObject(u, "sys_s", w->use.sys_s);
	cJSON_AddNumberToObject(u, "util_pct", w->use.util_pct);
	cJSON_AddNumberToObject(u, "vol_cs", (double)w->use.vol_cs);
	cJSON_AddNumberToObject(u, "invol_cs", (double)w->use.invol_cs);
	cJSON_AddNumberToObject(u, "cpu", w->use.cpu);
	interference_far_of(here, &far);
	cJSON_AddItemToObject(o, "interference", interference_far_json(&far));
	return o;
}

static void result_take(struct peer_link *l, const cJSON *o)
{
	struct worker_out *w = &l->ctl->out[ROLE_RECEIVER];
	const cJSON *u = cJSON_GetObjectItemCaseSensitive(o, "cpu");
	const cJSON *msg = cJSON_GetObjectItemCaseSensitive(o, "message");
	const cJSON *code = cJSON_GetObjectItemCaseSensitive(o, "code");

	w->failed = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, "failed")) ||
		    peer_type_is(o, "error");
	snprintf(w->err, sizeof(w->err), "peer %s", cJSON_IsString(msg) ? msg->valuestring : "");
	snprintf(l->remote_code, sizeof(l->remote_code), "%s",
		 cJSON_IsString(code) && code->valuestring[0] ? code->valuestring : "peer_failed");
	w->code = l->remote_code;
	w->received = count(o, "received");
	w->lost = count(o, "lost");
	w->duplicated = count(o, "duplicated");
	w->reordered = count(o, "reordered");
	w->corrupted = count(o, "corrupted");
	w->errors = count(o, "errors");
	w->t_start_ns = count(o, "t_start_ns");
	w->t_end_ns = count(o, "t_end_ns");
	w->use.user_s = num(u, "user_s");
	w->use.sys_s = num(u, "sys_s");
	w->use.util_pct = num_in(u, "util_pct", PEER_PCT_MAX);
	w->use.vol_cs = (long)num_in(u, "vol_cs", PEER_CS_MAX);
	w->use.invol_cs = (long)num_in(u, "invol_cs", PEER_CS_MAX);
	w->use.cpu = (int)peer_num(u, "cpu", 0, PEER_CPU_MAX, -1);   /* -1: unknown */
	interference_peer_take(o, &l->far);
	atomic_store(&l->result_in, 1);
}

/* take: one message from the other side into the control block */
static void take(struct peer_link *l, const cJSON *o)
{
	struct ctl *c = l->ctl;
	uint64_t n = count(o, "n");

	if (peer_type_is(o, "progress"))
		atomic_store(&c->progress, n);
	else if (peer_type_is(o, "total"))
		atomic_store(&c->total, n);
	else if (peer_type_is(o, "done"))
		atomic_store(&c->sender_done, 1);
	else if (peer_type_is(o, "stop"))
		atomic_store(&c->stop, 1);
	else if (l->role == ROLE_SENDER && (peer_type_is(o, "result") || peer_type_is(o, "error")))
		result_take(l, o);
}

/* relay_out: what changed on this side since last time */
struct peerlink_relay {
	uint64_t total, t_progress;
	int done, stop;
};

static void relay_out(struct peer_link *l, struct peerlink_relay *r)
{
	struct ctl *c = l->ctl;
	uint64_t total = atomic_load(&c->total), now;

	if (l->role == ROLE_RECEIVER) {
		if ((now = mono_ms()) - r->t_progress >= PUMP_PROGRESS_MS) {
			send_count(l, "progress", atomic_load(&c->progress));
			r->t_progress = now;
		}
		return;
	}
	if (total != r->total) {   /* duration mode: where the stream ends */
		send_count(l, "total", total);
		r->total = total;
	}
	if (!r->done && atomic_load(&c->sender_done))
		send_count(l, "done", 0), r->done = 1;
	if (!r->stop && atomic_load(&c->stop))
		send_count(l, "stop", 0), r->stop = 1;
}

/* readable: a whole line is buffered or the socket has data */
static int readable(struct peer_link *l, int ms)
{
	struct pollfd p = { .fd = l->conn.fd, .events = POLLIN };

	if (memchr(l->conn.buf, '\n', l->conn.n))
		return 1;
	return poll(&p, 1, ms) > 0;
}

static void *pump_main(void *arg)
{
	struct peer_link *l = arg;
	struct peerlink_relay r = { .total = atomic_load(&l->ctl->total) };
	char why[160];

	while (!atomic_load(&l->result_in)) {
		relay_out(l, &r);
		if (l->role == ROLE_RECEIVER && atomic_load(&l->finish))
			break;
		if (readable(l, PUMP_TICK_MS)) {
			cJSON *o = peer_recv(&l->conn, PEER_REPLY_MS, why, sizeof(why));
			if (!o) {
				snprintf(l->failure, sizeof(l->failure), "%s", why);
				atomic_store(&l->broken, 1);
				atomic_store(&l->ctl->stop, 1);
				break;
			}
			take(l, o);
			cJSON_Delete(o);
		}
		if (atomic_load(&l->finish) == 2) {   /* the driver gave up waiting */
			snprintf(l->failure, sizeof(l->failure), "no figures came from the peer");
			atomic_store(&l->broken, 1);
			break;
		}
	}
	if (l->role == ROLE_SENDER)
		relay_out(l, &r);   /* the last "done" or "stop" */
	return NULL;
}

int peerlink_pump_start(struct peer_link *l, struct ctl *c)
{
	l->ctl = c;
	interference_far_init(&l->far);
	atomic_store(&l->result_in, 0);
	atomic_store(&l->finish, 0);
	l->pumping = pthread_create(&l->pump, NULL, pump_main, l) == 0;
	return l->pumping ? 0 : -1;
}

int peerlink_pump_finish(struct peer_link *l, const struct interference *here, int wait_ms,
			 char *err, size_t errlen)
{
	uint64_t deadline = mono_ms() + (uint64_t)wait_ms;
	cJSON *o;

	atomic_store(&l->finish, 1);
	while (l->pumping && l->role == ROLE_SENDER && !atomic_load(&l->result_in) &&
	       !atomic_load(&l->broken) &&
	       mono_ms() < deadline) {
		struct timespec ts = { 0, PUMP_TICK_MS * 1000000L };
		nanosleep(&ts, NULL);
	}
	atomic_store(&l->finish, 2);
	if (l->pumping)
		pthread_join(l->pump, NULL);
	l->pumping = 0;
	if (l->role == ROLE_RECEIVER) {
		o = result_json(&l->ctl->out[ROLE_RECEIVER], here);
		peer_send(&l->conn, o);
		cJSON_Delete(o);
		l->answered = 1;
		return 0;
	}
	if (atomic_load(&l->result_in))
		return 0;
	return error_set(err, errlen, "peer: %s", l->failure[0] ? l->failure : "no figures came");
}
