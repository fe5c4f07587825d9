/* peerproto.c -- the cross-host control connection: tokens, addresses, JSON lines, host and path facts */
#include "net/peerproto.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <math.h>
#include <net/if.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include "probe/sysinfo.h"
#include "base/error.h"

#define PEER_HOST_MAX 253            /* longest DNS name */

void peer_token_new(char out[PEER_TOKEN_LEN + 1])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char raw[PEER_TOKEN_LEN / 2];
	size_t got = 0;

	while (got < sizeof(raw)) {
		ssize_t n = getrandom(raw + got, sizeof(raw) - got, 0);
		if (n > 0)
			got += (size_t)n;
		else if (errno != EINTR)
			abort();   /* no randomness: never hand out a guessable token */
	}
	for (size_t i = 0; i < sizeof(raw); i++) {
		out[2 * i] = hex[raw[i] >> 4];
		out[2 * i + 1] = hex[raw[i] & 15];
	}
	out[PEER_TOKEN_LEN] = '\0';
}

int peer_token_ok(const char *t)
{
	size_t n = strlen(t);

	if (n < PEER_TOKEN_MIN || n > PEER_TOKEN_MAX)
		return 0;
	return strspn(t, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") == n;
}

int peer_token_equal(const char *expected, const char *given)
{
	size_t n = strlen(expected), m = strnlen(given, PEER_TOKEN_MAX + 1);
	unsigned char diff = (unsigned char)(n != m);

	/* every byte of the expected token is compared whatever differs */
	for (size_t i = 0; i < n; i++)
		diff |= (unsigned char)(expected[i] ^ (i < m ? given[i] : 0));
	return diff == 0;
}

int peer_token_read(const char *path, char out[PEER_TOKEN_MAX + 1], char *err, size_t errlen)
{
	char buf[PEER_TOKEN_MAX + 3];   /* a token, "\r\n", and one byte to see more */
	int fd = strcmp(path, "-") ? open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY) : STDIN_FILENO;
	size_t n = 0;

	if (fd < 0)
		return error_set(err, errlen, "cannot read token-file '%.128s': %s", path, strerror(errno));
	while (n < sizeof(buf)) {
		ssize_t r = read(fd, buf + n, sizeof(buf) - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			error_set(err, errlen, "cannot read token-file '%.128s': %s", path,
				  strerror(errno));
			if (fd != STDIN_FILENO)
				close(fd);
			return -1;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	if (fd != STDIN_FILENO)
		close(fd);
	if (n > 0 && buf[n - 1] == '\n')
		n--;
	if (n > 0 && buf[n - 1] == '\r')
		n--;
	/* the token's bytes are never echoed: it is a secret */
	if (n < PEER_TOKEN_MIN || n > PEER_TOKEN_MAX || memchr(buf, '\0', n) ||
	    (buf[n] = '\0', !peer_token_ok(buf))) {
		explicit_bzero(buf, sizeof(buf));
		return error_set(err, errlen, "token-file '%.128s' does not hold a token: expected one line "
				"of %d..%d letters, digits, '-' or '_'", path, PEER_TOKEN_MIN, PEER_TOKEN_MAX);
	}
	memcpy(out, buf, n + 1);
	explicit_bzero(buf, sizeof(buf));
	return 0;
}

int peer_token_pipe(const char *token)
{
	char line[PEER_TOKEN_MAX + 2];
	int p[2], n = snprintf(line, sizeof(line), "%s\n", token);

	if (n < 0 || (size_t)n >= sizeof(line) || pipe2(p, O_CLOEXEC) < 0)
		return -1;
	/* a line far below PIPE_BUF: written at once, nobody reading yet */
	if (write(p[1], line, (size_t)n) != n) {
		close(p[0]);
		p[0] = -1;
	}
	close(p[1]);
	explicit_bzero(line, sizeof(line));
	return p[0];
}

/* host_ok: an IPv4 address or a DNS name: letters, digits, dots, hyphens */
static int host_ok(const char *h, size_t n)
{
	if (n == 0 || n > PEER_HOST_MAX || h[0] == '-' || h[0] == '.')
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-", h[i]))
			return 0;
	return 1;
}

static int resolve(const char *host, struct in_addr *out, char *err, size_t errlen)
{
	struct addrinfo hints = { .ai_family = AF_INET, .ai_socktype = SOCK_STREAM }, *res;
	int rc;

	if (inet_pton(AF_INET, host, out) == 1)
		return 0;
	rc = getaddrinfo(host, NULL, &hints, &res);
	if (rc != 0)
		return error_set(err, errlen, "cannot resolve '%s': %s", host, gai_strerror(rc));
	*out = ((struct sockaddr_in *)res->ai_addr)->sin_addr;
	freeaddrinfo(res);
	return 0;
}

int peer_parse_hostport(const char *s, struct sockaddr_in *out, int resolve_host,
			char *err, size_t errlen)
{
	const char *colon = strrchr(s, ':');
	char host[PEER_HOST_MAX + 1], *end;
	long port;

	if (!colon || !host_ok(s, (size_t)(colon - s)))
		return error_set(err, errlen, "'%.80s' is not HOST:PORT (an IPv4 address or host "
				"name, a colon, a port 1..65535)", s);
	errno = 0;
	port = strtol(colon + 1, &end, 10);
	if (colon[1] < '0' || colon[1] > '9' || *end || errno || port < 1 || port > 65535)
		return error_set(err, errlen, "port '%.16s' is outside 1..65535", colon + 1);
	memset(out, 0, sizeof(*out));
	out->sin_family = AF_INET;
	out->sin_port = htons((uint16_t)port);
	snprintf(host, sizeof(host), "%.*s", (int)(colon - s), s);
	return resolve_host ? resolve(host, &out->sin_addr, err, errlen) : 0;
}

int peer_send(struct peer_conn *c, const cJSON *o)
{
	char *s = cJSON_PrintUnformatted(o);
	size_t len, off = 0;
	int rc = 0;

	if (!s)
		return -ENOMEM;
	len = strlen(s);
	s[len] = '\n';   /* replaces the terminator: send len + 1 bytes */
	while (off < len + 1) {
		ssize_t n = send(c->fd, s + off, len + 1 - off, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = -errno;
			break;
		}
		off += (size_t)n;
	}
	free(s);
	return rc;
}

/* nul_escape: the line spells a NUL character (\u0000) inside a string,
   which would cut the string short where it is used as a C string */
static int nul_escape(const char *s)
{
	for (; *s; s++) {
		if (*s != '\\')
			continue;
		if (s[1] == 'u' && !strncmp(s + 2, "0000", 4))
			return 1;
		if (s[1])
			s++;   /* the escaped character: a "\\" is no escape */
	}
	return 0;
}

/* One rule of the control protocol: a field of a message type, its kind
   and its range. */
enum field_kind { F_STRING, F_INT, F_NUMBER, F_BOOL, F_OBJECT, F_STRINGS };

struct field_rule {
	const char *type, *key;
	enum field_kind kind;
	double lo, hi;               /* F_INT, F_NUMBER: the range; F_STRING: length */
	int optional;
};

static const struct field_rule rules[] = {
	{ "hello", "version", F_NUMBER, -1e9, 1e9, 0 },
	{ "hello", "token", F_STRING, 0, PEER_TOKEN_MAX, 0 },
	{ "welcome", "version", F_NUMBER, -1e9, 1e9, 0 },
	{ "welcome", "host", F_OBJECT, 0, 0, 1 },
	{ "welcome", "path", F_OBJECT, 0, 0, 1 },
	{ "rep", "mechanism", F_STRING, 1, 64, 0 },
	{ "rep", "params", F_STRINGS, 0, 0, 0 },
	{ "rep", "port", F_INT, 0, 65535, 0 },   /* 0: the driver connects */
	{ "port", "port", F_INT, 1, 65535, 0 },
	{ "ready", "ok", F_BOOL, 0, 0, 0 },
	{ "go", "stop", F_BOOL, 0, 0, 0 },
	{ "progress", "n", F_INT, 0, PEER_COUNT_MAX, 0 },
	{ "total", "n", F_INT, 0, PEER_COUNT_MAX, 0 },
	{ "done", "n", F_INT, 0, PEER_COUNT_MAX, 1 },
	{ "stop", "n", F_INT, 0, PEER_COUNT_MAX, 1 },
	{ "error", "code", F_STRING, 0, 64, 0 },
	{ "error", "message", F_STRING, 0, PEER_LINE_MAX, 0 },
	{ "result", "failed", F_BOOL, 0, 0, 0 },
	{ "result", "message", F_STRING, 0, PEER_LINE_MAX, 0 },
	{ "result", "code", F_STRING, 0, 64, 0 },
	{ "result", "cpu", F_OBJECT, 0, 0, 0 },
	{ "result", "interference", F_OBJECT, 0, 0, 1 },
};

static const char *const kind_text[] = {
	[F_STRING] = "a string of %.0f..%.0f characters",
	[F_INT] = "an integer %.0f..%.0f",
	[F_NUMBER] = "a number",
	[F_BOOL] = "true or false",
	[F_OBJECT] = "an object",
	[F_STRINGS] = "an object of strings",
};

/* field_ok: it is what rule asks */
static int field_ok(const cJSON *it, const struct field_rule *r)
{
	const cJSON *m;
	double v;

	switch (r->kind) {
	case F_STRING:
		return cJSON_IsString(it) && strlen(it->valuestring) >= r->lo &&
		       strlen(it->valuestring) <= r->hi;
	case F_INT:
	case F_NUMBER:
		if (!cJSON_IsNumber(it))
			return 0;
		v = it->valuedouble;
		return isfinite(v) && v >= r->lo && v <= r->hi &&
		       (r->kind == F_NUMBER || v == floor(v));
	case F_BOOL:
		return cJSON_IsBool(it);
	case F_OBJECT:
		return cJSON_IsObject(it);
	case F_STRINGS:
		if (!cJSON_IsObject(it))
			return 0;
		cJSON_ArrayForEach(m, it)
			if (!m->string || !cJSON_IsString(m))
				return 0;
		return 1;
	}
	return 0;
}

int peer_msg_check(const cJSON *o, char *err, size_t errlen)
{
	const cJSON *t = cJSON_GetObjectItemCaseSensitive(o, "type");

	if (!cJSON_IsObject(o) || !cJSON_IsString(t))
		return error_set(err, errlen, "the other side sent something that is not a control message");
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
		const struct field_rule *r = &rules[i];
		const cJSON *it;
		char want[64];

		if (strcmp(r->type, t->valuestring) != 0)
			continue;
		it = cJSON_GetObjectItemCaseSensitive(o, r->key);
		if ((!it && r->optional) || (it && field_ok(it, r)))
			continue;
		snprintf(want, sizeof(want), kind_text[r->kind], r->lo, r->hi);
		return error_set(err, errlen, "the other side sent a bad '%s' message: '%s' %s %s", r->type,
				r->key, it ? "must be" : "is missing: it is", want);
	}
	return 0;
}

cJSON *peer_parse_line(const char *line, size_t n, char *err, size_t errlen)
{
	cJSON *o;

	if (memchr(line, '\0', n) || line[n] != '\0' || nul_escape(line)) {
		error_set(err, errlen, "the other side sent a control message with a NUL character");
		return NULL;
	}
	o = cJSON_ParseWithOpts(line, NULL, 1);
	if (peer_msg_check(o, err, errlen) < 0) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

/* take_line: a whole line out of c->buf into a checked object, or NULL */
static cJSON *take_line(struct peer_conn *c, char *nl, char *err, size_t errlen)
{
	size_t used = (size_t)(nl + 1 - c->buf);
	cJSON *o;

	*nl = '\0';
	o = peer_parse_line(c->buf, (size_t)(nl - c->buf), err, errlen);
	memmove(c->buf, nl + 1, c->n - used);
	c->n -= used;
	return o;
}

cJSON *peer_recv(struct peer_conn *c, int timeout_ms, char *err, size_t errlen)
{
	struct pollfd p = { .fd = c->fd, .events = POLLIN };

	for (;;) {
		char *nl = memchr(c->buf, '\n', c->n);
		ssize_t r;
		int pr;

		if (nl)
			return take_line(c, nl, err, errlen);
		if (c->n >= sizeof(c->buf) - 1) {
			error_set(err, errlen, "a control message longer than %d bytes", PEER_LINE_MAX);
			return NULL;
		}
		pr = poll(&p, 1, timeout_ms);
		if (pr < 0 && errno == EINTR)
			continue;
		if (pr <= 0) {
			error_set(err, errlen, pr == 0 ? "no answer within %.1f s" : "poll failed",
				  timeout_ms / 1000.0);
			return NULL;
		}
		r = recv(c->fd, c->buf + c->n, sizeof(c->buf) - 1 - c->n, 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			error_set(err, errlen, "the control connection closed%s%s",
				  r < 0 ? ": " : "", r < 0 ? strerror(errno) : "");
			return NULL;
		}
		c->n += (size_t)r;
	}
}

cJSON *peer_recv_nowait(struct peer_conn *c, int *more, char *err, size_t errlen)
{
	char *nl = memchr(c->buf, '\n', c->n);
	ssize_t r;

	*more = 0;
	if (nl)
		return take_line(c, nl, err, errlen);
	if (c->n >= sizeof(c->buf) - 1) {
		error_set(err, errlen, "a control message longer than %d bytes", PEER_LINE_MAX);
		return NULL;
	}
	r = recv(c->fd, c->buf + c->n, sizeof(c->buf) - 1 - c->n, MSG_DONTWAIT);
	if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
		*more = 1;
		return NULL;
	}
	if (r <= 0) {
		error_set(err, errlen, "the control connection closed%s%s",
			  r < 0 ? ": " : "", r < 0 ? strerror(errno) : "");
		return NULL;
	}
	c->n += (size_t)r;
	if ((nl = memchr(c->buf, '\n', c->n)))
		return take_line(c, nl, err, errlen);
	*more = c->n < sizeof(c->buf) - 1;
	if (!*more)
		error_set(err, errlen, "a control message longer than %d bytes", PEER_LINE_MAX);
	return NULL;
}

cJSON *peer_msg(const char *type)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "type", type);
	return o;
}

int peer_type_is(const cJSON *o, const char *type)
{
	const cJSON *t = cJSON_GetObjectItemCaseSensitive(o, "type");

	return cJSON_IsString(t) && !strcmp(t->valuestring, type);
}

double peer_num(const cJSON *o, const char *key, double lo, double hi, double fallback)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(o, key);
	double v = cJSON_IsNumber(it) ? it->valuedouble : NAN;

	return isfinite(v) && v >= lo && v <= hi ? v : fallback;
}

cJSON *peer_host_json(void)
{
	cJSON *sys = sysinfo_json(), *o = cJSON_CreateObject();
	static const char *const keep[] = { "cpu_model", "cores", "kernel", "arch" };
	char name[256];

	if (gethostname(name, sizeof(name)) == 0) {
		name[sizeof(name) - 1] = '\0';
		cJSON_AddStringToObject(o, "hostname", name);
	}
	for (size_t i = 0; i < sizeof(keep) / sizeof(keep[0]); i++) {
		cJSON *it = cJSON_DetachItemFromObjectCaseSensitive(sys, keep[i]);
		if (it)
			cJSON_AddItemToObject(o, keep[i], it);
	}
	cJSON_Delete(sys);
	return o;
}

/* iface_of: the interface holding local address a, its MTU and flags */
static void iface_of(struct in_addr a, cJSON *o)
{
	struct ifaddrs *all, *i;

	if (getifaddrs(&all) < 0)
		return;
	for (i = all; i; i = i->ifa_next) {
		struct ifreq r = { 0 };
		int s;

		if (!i->ifa_addr || i->ifa_addr->sa_family != AF_INET ||
		    ((struct sockaddr_in *)i->ifa_addr)->sin_addr.s_addr != a.s_addr)
			continue;
		cJSON_AddStringToObject(o, "interface", i->ifa_name);
		cJSON_AddBoolToObject(o, "loopback", !!(i->ifa_flags & IFF_LOOPBACK));
		snprintf(r.ifr_name, sizeof(r.ifr_name), "%s", i->ifa_name);
		s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		if (s >= 0 && ioctl(s, SIOCGIFMTU, &r) == 0)
			cJSON_AddNumberToObject(o, "mtu", r.ifr_mtu);
		if (s >= 0)
			close(s);
		break;
	}
	freeifaddrs(all);
}

cJSON *peer_path_json(int fd)
{
	struct sockaddr_in l, r;
	socklen_t ll = sizeof(l), rl = sizeof(r);
	char la[INET_ADDRSTRLEN], ra[INET_ADDRSTRLEN], buf[INET_ADDRSTRLEN + 8];
	cJSON *o = cJSON_CreateObject();

	if (getsockname(fd, (struct sockaddr *)&l, &ll) < 0 ||
	    getpeername(fd, (struct sockaddr *)&r, &rl) < 0)
		return o;
	inet_ntop(AF_INET, &l.sin_addr, la, sizeof(la));
	inet_ntop(AF_INET, &r.sin_addr, ra, sizeof(ra));
	snprintf(buf, sizeof(buf), "%s", la);
	cJSON_AddStringToObject(o, "local_address", buf);
	cJSON_AddStringToObject(o, "remote_address", ra);
	iface_of(l.sin_addr, o);
	return o;
}
