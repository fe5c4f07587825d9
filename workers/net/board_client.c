/* board_client.c -- a run's result sent to a class board: the post, and the HTTP/1.1 that carries it
 *
 * The post carries what the run's summary lines say of each job (label,
 * mechanism, size, reps and the compared metric's median, min and max),
 * the lesson's key figure (the factor between the two jobs its headline
 * compares, as this run measured it), the lesson and the pseudonym the student chose; the machine (CPU model,
 * cores, kernel, VM or not) only when asked. Never a host name, a user
 * name or an address.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "base/error.h"
#include "net/board_client.h"

#define BOARDC_CODE_LEN 6
#define BOARDC_CODE_ALPHABET "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
#define BOARDC_AS_MAX 32
#define BOARDC_HEAD_MAX 512

int boardc_check(struct boardc_target *t, const char *url, const char *code, const char *as,
		 char *err, size_t errlen)
{
	size_t n;

	memset(t, 0, sizeof(*t));
	if (!url || strncmp(url, "http://", 7) || strlen(url) >= sizeof(t->url) || !url[7] ||
	    strpbrk(url + 7, " \t\r\n?#@") || url[7] == '/') {
		error_set(err, errlen, "bad value for --board: expected http://HOST[:PORT] (only "
			 "http://, at most %zu bytes)", sizeof(t->url) - 1);
		return -1;
	}
	if (!code || strlen(code) != BOARDC_CODE_LEN) {
		error_set(err, errlen, "bad value for --code: expected the board's %d-character "
			 "join code", BOARDC_CODE_LEN);
		return -1;
	}
	for (int i = 0; i < BOARDC_CODE_LEN; i++) {
		char c = (char)(code[i] >= 'a' && code[i] <= 'z' ? code[i] - 32 : code[i]);

		if (!strchr(BOARDC_CODE_ALPHABET, c) || !c) {
			error_set(err, errlen, "bad value for --code: expected %d characters of %s",
				 BOARDC_CODE_LEN, BOARDC_CODE_ALPHABET);
			return -1;
		}
		t->code[i] = c;
	}
	n = as ? strlen(as) : 0;
	if (n == 0 || n > BOARDC_AS_MAX) {
		error_set(err, errlen, "bad value for --as: expected a pseudonym of 1..%d bytes",
			 BOARDC_AS_MAX);
		return -1;
	}
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)as[i] < 0x20 || as[i] == 0x7f) {
			error_set(err, errlen, "bad value for --as: no control characters");
			return -1;
		}
	snprintf(t->url, sizeof(t->url), "%s", url);
	n = strlen(t->url);
	if (t->url[n - 1] == '/')
		t->url[n - 1] = '\0';     /* the routes are the board's, not the URL's */
	snprintf(t->as, sizeof(t->as), "%s", as);
	return 0;
}

/* ---- the post ----------------------------------------------------------- */

static const char *str_of(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static void take_start(struct boardc_run *b, const cJSON *line)
{
	const char *demo = str_of(line, "demo"), *cmd = str_of(line, "command");
	const cJSON *sys = cJSON_GetObjectItemCaseSensitive(line, "system");

	snprintf(b->demo, sizeof(b->demo), "%s", demo ? demo : cmd ? cmd : "");
	cJSON_Delete(b->system);
	b->system = cJSON_IsObject(sys) ? cJSON_Duplicate(sys, 1) : NULL;
}

void boardc_take(struct boardc_run *b, const cJSON *line)
{
	const char *type = str_of(line, "type"), *s;

	if (!type)
		return;
	if (!strcmp(type, "start")) {
		take_start(b, line);
	} else if (!strcmp(type, "summary")) {
		if (!b->summaries)
			b->summaries = cJSON_CreateArray();
		cJSON_AddItemToArray(b->summaries, cJSON_Duplicate(line, 1));
	} else if (!strcmp(type, "comparison") && (s = str_of(line, "metric"))) {
		if (!b->comparisons)
			b->comparisons = cJSON_CreateArray();
		cJSON_AddItemToArray(b->comparisons, cJSON_Duplicate(line, 1));
		snprintf(b->metric, sizeof(b->metric), "%s", s);
		b->higher = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(line,
									  "higher_is_better"));
	} else if (!strcmp(type, "lesson") && (s = str_of(line, "text"))) {
		free(b->lesson);
		b->lesson = strdup(s);
	} else if (!strcmp(type, "end") && (s = str_of(line, "status"))) {
		snprintf(b->status, sizeof(b->status), "%s", s);
	}
}

void boardc_free(struct boardc_run *b)
{
	cJSON_Delete(b->summaries);
	cJSON_Delete(b->comparisons);
	cJSON_Delete(b->system);
	free(b->lesson);
	memset(b, 0, sizeof(*b));
}

/* vm: 1 when /proc/cpuinfo shows the hypervisor flag, 0 when it shows
   flags without it, -1 when it cannot be told */
static int vm(void)
{
	FILE *f = fopen("/proc/cpuinfo", "re");
	char line[4096];
	int v = -1;

	while (f && v != 1 && fgets(line, sizeof(line), f))
		if (!strncmp(line, "flags", 5))
			v = strstr(line, " hypervisor") != NULL;
	if (f)
		fclose(f);
	return v;
}

static void add_machine(cJSON *post, const cJSON *sys)
{
	cJSON *m = cJSON_AddObjectToObject(post, "machine");
	const cJSON *cores = cJSON_GetObjectItemCaseSensitive(sys, "cores");
	const char *cpu = str_of(sys, "cpu_model"), *kernel = str_of(sys, "kernel");
	int v = vm();

	cJSON_AddStringToObject(m, "cpu_model", cpu ? cpu : "");
	cJSON_AddNumberToObject(m, "cores", cJSON_IsNumber(cores) ? cores->valuedouble : 1);
	cJSON_AddStringToObject(m, "kernel", kernel ? kernel : "");
	if (v < 0)
		cJSON_AddNullToObject(m, "vm");
	else
		cJSON_AddBoolToObject(m, "vm", v);
}

/* add_summary: a summary line as the post carries it, or -1 when it lacks
   the metric */
static int add_summary(cJSON *a, const cJSON *line, const char *metric)
{
	const cJSON *fig = cJSON_GetObjectItemCaseSensitive(line, metric);
	const char *label = str_of(line, "label"), *mech = str_of(line, "mechanism");
	cJSON *o;

	if (!cJSON_IsObject(fig) || !mech)
		return -1;
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "label", label ? label : mech);
	cJSON_AddStringToObject(o, "mechanism", mech);
	cJSON_AddItemToObject(o, "size", cJSON_Duplicate(
		cJSON_GetObjectItemCaseSensitive(line, "size"), 1));
	cJSON_AddItemToObject(o, "reps", cJSON_Duplicate(
		cJSON_GetObjectItemCaseSensitive(line, "reps"), 1));
	cJSON_AddItemToObject(o, "median", cJSON_Duplicate(
		cJSON_GetObjectItemCaseSensitive(fig, "median"), 1));
	cJSON_AddItemToObject(o, "min", cJSON_Duplicate(
		cJSON_GetObjectItemCaseSensitive(fig, "min"), 1));
	cJSON_AddItemToObject(o, "max", cJSON_Duplicate(
		cJSON_GetObjectItemCaseSensitive(fig, "max"), 1));
	cJSON_AddItemToArray(a, o);
	return 0;
}

/* ---- the lesson's key figure ------------------------------------------ */

/* The pair of jobs a demo's headline compares: a against b, by label; a
   NULL a is the dearest job, a NULL b the cheapest, and b "unix" the unix
   socket's job of a's size and mode (a's label with its mechanism
   replaced). A demo not named here, and compare, take the dearest
   against the cheapest. */
static const struct key_rule {
	const char *demo, *a, *b;
} key_rules[] = {
	{ "sync-tax", "shm sync=mutex", "shm sync=spin" },
	{ "crossover", "pipe 1 MiB", "shm-ring 1 MiB" },
	{ "layers", NULL, "unix" },
};

static double num_of(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsNumber(v) ? v->valuedouble : NAN;
}

/* cost: a summary's figure as a cost (time per message: the inverse of a
   rate), NAN when it measured nothing */
static double cost(const cJSON *s, bool higher)
{
	double m = num_of(s, "median");

	return !(m > 0) ? NAN : higher ? 1 / m : m;
}

static const cJSON *by_label(const cJSON *sums, const char *label)
{
	const cJSON *s;

	cJSON_ArrayForEach(s, sums)
		if (label && !strcmp(str_of(s, "label"), label))
			return s;
	return NULL;
}

/* extreme: the dearest (sign 1) or cheapest (-1) summary other than not,
   and not of the mechanism skip */
static const cJSON *extreme(const cJSON *sums, bool higher, int sign, const cJSON *not,
			    const char *skip)
{
	const cJSON *s, *best = NULL;

	cJSON_ArrayForEach(s, sums) {
		double c = cost(s, higher);

		if (s == not || isnan(c) || (skip && !strcmp(str_of(s, "mechanism"), skip)))
			continue;
		if (!best || sign * c > sign * cost(best, higher))
			best = s;
	}
	return best;
}

/* row_of: the comparison row of label a against the baseline label b, in
   the run's comparison lines of metric */
static const cJSON *row_of(const cJSON *comparisons, const char *metric, const char *a,
			   const char *b)
{
	const cJSON *c, *r;

	cJSON_ArrayForEach(c, comparisons) {
		const char *bl = str_of(c, "baseline_label"), *m = str_of(c, "metric");

		if (!m || strcmp(m, metric) || !(bl ? bl : str_of(c, "baseline")) ||
		    strcmp(bl ? bl : str_of(c, "baseline"), b))
			continue;
		cJSON_ArrayForEach(r, cJSON_GetObjectItemCaseSensitive(c, "rows")) {
			const char *l = str_of(r, "label") ? str_of(r, "label") : str_of(r, "mechanism");

			if (l && !strcmp(l, a))
				return r;
		}
	}
	return NULL;
}

cJSON *boardc_key(const cJSON *post, const cJSON *comparisons)
{
	const cJSON *sums = cJSON_GetObjectItemCaseSensitive(post, "summaries"), *a, *b, *row;
	const char *demo = str_of(post, "demo"), *metric = str_of(post, "metric");
	bool higher = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(post, "higher_is_better"));
	const struct key_rule *rule = NULL;
	double lo, hi;
	char label[128];
	cJSON *k;

	for (size_t i = 0; demo && i < sizeof(key_rules) / sizeof(key_rules[0]); i++)
		if (!strcmp(demo, key_rules[i].demo))
			rule = &key_rules[i];
	if (rule && rule->b && !strcmp(rule->b, "unix")) {
		a = extreme(sums, higher, 1, NULL, "unix");
		size_t n = a ? strlen(str_of(a, "mechanism")) : 0;

		/* "zmq 64 B latency" against "unix 64 B latency" */
		snprintf(label, sizeof(label), "unix%s", a && !strncmp(str_of(a, "label"),
			 str_of(a, "mechanism"), n) ? str_of(a, "label") + n : "");
		b = by_label(sums, label);
	} else if (rule) {
		a = by_label(sums, rule->a);
		b = by_label(sums, rule->b);
	} else {
		a = extreme(sums, higher, 1, NULL, NULL);
		b = extreme(sums, higher, -1, a, NULL);
	}
	if (!a || !b || a == b || isnan(cost(a, higher)) || isnan(cost(b, higher)))
		return NULL;
	k = cJSON_CreateObject();
	cJSON_AddStringToObject(k, "a", str_of(a, "label"));
	cJSON_AddStringToObject(k, "b", str_of(b, "label"));
	cJSON_AddNumberToObject(k, "factor", higher ? num_of(b, "median") / num_of(a, "median")
					       : num_of(a, "median") / num_of(b, "median"));
	row = metric ? row_of(comparisons, metric, str_of(a, "label"), str_of(b, "label")) : NULL;
	lo = num_of(row, "ci_low");
	hi = num_of(row, "ci_high");
	if (lo > 0 && hi >= lo) {
		/* the row's interval is of a's figure over b's: a cost's inverts a rate's */
		cJSON_AddNumberToObject(k, "low", higher ? 1 / hi : lo);
		cJSON_AddNumberToObject(k, "high", higher ? 1 / lo : hi);
	} else {
		cJSON_AddNullToObject(k, "low");
		cJSON_AddNullToObject(k, "high");
	}
	if (str_of(row, "verdict") && strcmp(str_of(row, "verdict"), "baseline"))
		cJSON_AddStringToObject(k, "verdict", str_of(row, "verdict"));
	else
		cJSON_AddNullToObject(k, "verdict");
	return k;
}

char *boardc_body(const struct boardc_run *b, const struct boardc_target *t, char *err,
		  size_t errlen)
{
	const char *metric = b->metric[0] ? b->metric : "msgs_per_s";
	cJSON *post, *a, *line, *key;
	char *text;

	if (strcmp(b->status, "ok") || !b->demo[0] || cJSON_GetArraySize(b->summaries) == 0) {
		error_set(err, errlen, "the run did not end ok with summary lines (status '%s'), so "
			 "nothing was sent to the board", b->status[0] ? b->status : "none");
		return NULL;
	}
	post = cJSON_CreateObject();
	cJSON_AddStringToObject(post, "demo", b->demo);
	cJSON_AddStringToObject(post, "as", t->as);
	cJSON_AddStringToObject(post, "metric", metric);
	cJSON_AddBoolToObject(post, "higher_is_better", b->metric[0] ? b->higher : true);
	a = cJSON_AddArrayToObject(post, "summaries");
	cJSON_ArrayForEach(line, b->summaries)
		add_summary(a, line, metric);
	cJSON_AddStringToObject(post, "lesson", b->lesson ? b->lesson : "");
	key = boardc_key(post, b->comparisons);
	if (key)
		cJSON_AddItemToObject(post, "key", key);
	if (t->share_machine && b->system)
		add_machine(post, b->system);
	text = cJSON_PrintUnformatted(post);
	cJSON_Delete(post);
	if (!text)
		error_set(err, errlen, "out of memory");
	return text;
}

/* ---- HTTP/1.1 ----------------------------------------------------------- */

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* split_url: host and port of http://HOST[:PORT][/] (HOST may be [v6]) */
static int split_url(const char *url, char *host, size_t hlen, char *port, size_t plen)
{
	const char *h = url + 7, *end = h + strcspn(h, "/"), *colon;

	if (*end && strcmp(end, "/"))
		return -1;         /* a path: the board's routes are fixed */
	if (*h == '[') {
		const char *rb = memchr(h, ']', (size_t)(end - h));

		if (!rb || (size_t)(rb - h - 1) >= hlen)
			return -1;
		snprintf(host, hlen, "%.*s", (int)(rb - h - 1), h + 1);
		colon = rb + 1 < end && rb[1] == ':' ? rb + 1 : NULL;
	} else {
		colon = memchr(h, ':', (size_t)(end - h));
		if ((size_t)((colon ? colon : end) - h) >= hlen)
			return -1;
		snprintf(host, hlen, "%.*s", (int)((colon ? colon : end) - h), h);
	}
	if (colon && ((size_t)(end - colon - 1) >= plen || end == colon + 1))
		return -1;
	snprintf(port, plen, "%.*s", colon ? (int)(end - colon - 1) : 2, colon ? colon + 1 : "80");
	return host[0] && strspn(port, "0123456789") == strlen(port) ? 0 : -1;
}

/* dial: a connected socket to host:port within BOARDC_CONNECT_MS, or -1 */
static int dial(const char *host, const char *port, char *reason, size_t rlen)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *ai = NULL, *p;
	int fd = -1, rc = getaddrinfo(host, port, &hints, &ai);

	if (rc) {
		snprintf(reason, rlen, "cannot resolve '%s': %s", host, gai_strerror(rc));
		return -1;
	}
	for (p = ai; p && fd < 0; p = p->ai_next) {
		struct pollfd pf;
		int e = 0;
		socklen_t el = sizeof(e);

		fd = socket(p->ai_family, p->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		if (fd < 0)
			continue;
		pf = (struct pollfd){ fd, POLLOUT, 0 };
		if ((connect(fd, p->ai_addr, p->ai_addrlen) == 0 ||
		     (errno == EINPROGRESS && poll(&pf, 1, BOARDC_CONNECT_MS) == 1 &&
		      getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &el) == 0 && e == 0)))
			break;
		snprintf(reason, rlen, "cannot connect to %s port %s: %s", host, port,
			 e ? strerror(e) : errno == EINPROGRESS ? "timed out" : strerror(errno));
		close(fd);
		fd = -1;
	}
	freeaddrinfo(ai);
	return fd;
}

/* host_of: "ADDR:PORT" of the board as connected on fd: the server takes
   only IP literals in Host (a name could be rebound to it), so a board
   named by a host name is still reached */
static void host_of(int fd, char *out, size_t n)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	char a[INET6_ADDRSTRLEN] = "";
	int port = 0;

	if (getpeername(fd, (struct sockaddr *)&ss, &len) == 0 && ss.ss_family == AF_INET) {
		inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr, a, sizeof(a));
		port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
	} else if (ss.ss_family == AF_INET6) {
		inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr, a, sizeof(a));
		port = ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
	}
	snprintf(out, n, "%s%s%s:%d", ss.ss_family == AF_INET6 ? "[" : "", a,
		 ss.ss_family == AF_INET6 ? "]" : "", port);
}

/* put: writes all of buf before the deadline; 0, or -1 */
static int put(int fd, const char *buf, size_t n, long long deadline)
{
	while (n > 0) {
		struct pollfd pf = { fd, POLLOUT, 0 };
		ssize_t w;

		if (poll(&pf, 1, (int)(deadline - now_ms())) != 1)
			return -1;
		w = send(fd, buf, n, MSG_NOSIGNAL);
		if (w < 0 && errno != EAGAIN && errno != EINTR)
			return -1;
		if (w > 0) {
			buf += w;
			n -= (size_t)w;
		}
	}
	return 0;
}

/* take_answer: reads the answer until the board closes (Connection:
   close), at most BOARDC_ANSWER_MAX bytes, before the deadline */
static char *take_answer(int fd, long long deadline, size_t *len)
{
	char *buf = malloc(BOARDC_ANSWER_MAX + 1);
	size_t n = 0;

	while (buf && n < BOARDC_ANSWER_MAX) {
		struct pollfd pf = { fd, POLLIN, 0 };
		ssize_t r;

		if (poll(&pf, 1, (int)(deadline - now_ms())) != 1)
			break;
		r = recv(fd, buf + n, BOARDC_ANSWER_MAX - n, 0);
		if (r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR))
			break;
		if (r > 0)
			n += (size_t)r;
	}
	if (buf)
		buf[n] = '\0';
	*len = n;
	return buf;
}

/* judge: the status of the answer, its error message in reason */
static int judge(const char *ans, size_t n, char *reason, size_t rlen)
{
	const char *body = strstr(ans, "\r\n\r\n");
	int status = 0;
	cJSON *o, *e;

	if (n < 12 || sscanf(ans, "HTTP/1.%*[01] %3d", &status) != 1 || status < 100) {
		snprintf(reason, rlen, "the board's answer is not HTTP");
		return -1;
	}
	o = body ? cJSON_Parse(body + 4) : NULL;
	e = cJSON_GetObjectItemCaseSensitive(o, "error");
	if (cJSON_IsString(cJSON_GetObjectItemCaseSensitive(e, "message")))
		snprintf(reason, rlen, "%.300s",
			 cJSON_GetObjectItemCaseSensitive(e, "message")->valuestring);
	else
		snprintf(reason, rlen, "status %d", status);
	cJSON_Delete(o);
	return status;
}

int boardc_send(const struct boardc_target *t, const char *body, char *reason, size_t rlen)
{
	long long deadline = now_ms() + BOARDC_TOTAL_MS;
	char host[BOARDC_URL_MAX], port[8], head[BOARDC_HEAD_MAX + BOARDC_URL_MAX], peer[64];
	char *ans = NULL;
	size_t n = 0;
	int fd, hn, status = -1;

	if (split_url(t->url, host, sizeof(host), port, sizeof(port)) < 0) {
		snprintf(reason, rlen, "bad board URL '%s': expected http://HOST[:PORT]", t->url);
		return -1;
	}
	if ((fd = dial(host, port, reason, rlen)) < 0)
		return -1;
	host_of(fd, peer, sizeof(peer));
	hn = snprintf(head, sizeof(head), "POST /api/board/results HTTP/1.1\r\nHost: %s\r\n"
		      "Content-Type: application/json\r\nX-Board-Code: %s\r\n"
		      "Content-Length: %zu\r\nConnection: close\r\n\r\n", peer, t->code,
		      strlen(body));
	if (hn < 0 || (size_t)hn >= sizeof(head) || put(fd, head, (size_t)hn, deadline) < 0 ||
	    put(fd, body, strlen(body), deadline) < 0) {
		snprintf(reason, rlen, "cannot send the post to %s", t->url);
		goto out;
	}
	ans = take_answer(fd, deadline, &n);
	status = ans ? judge(ans, n, reason, rlen) : -1;
	if (!ans)
		snprintf(reason, rlen, "out of memory");
out:
	free(ans);
	close(fd);
	return status;
}

/* ---- the command line --------------------------------------------------- */

/* opt_value: the value of --name at argv[i] (--name V or --name=V), the
   words it took in *used; NULL when argv[i] is not --name */
static const char *opt_value(int argc, char **argv, int i, const char *name, int *used)
{
	size_t n = strlen(name);

	if (strncmp(argv[i], name, n))
		return NULL;
	if (argv[i][n] == '=') {
		*used = 1;
		return argv[i] + n + 1;
	}
	if (argv[i][n])
		return NULL;
	*used = 2;
	return i + 1 < argc ? argv[i + 1] : "";
}

int boardc_args(int *argc, char **argv, struct boardc_target *t, char *err, size_t errlen)
{
	const char *url = NULL, *code = NULL, *as = NULL, *v;
	bool share = false, any = false;
	int out = 0;

	for (int i = 0; i < *argc; ) {
		int used = 0;

		if ((v = opt_value(*argc, argv, i, "--board", &used)))
			url = v;
		else if ((v = opt_value(*argc, argv, i, "--code", &used)))
			code = v;
		else if ((v = opt_value(*argc, argv, i, "--as", &used)))
			as = v;
		else if (!strcmp(argv[i], "--share-machine"))
			share = true, used = 1;
		if (used) {
			any = true;
			i += used;
		} else {
			argv[out++] = argv[i++];
		}
	}
	*argc = out;
	argv[out] = NULL;
	if (!any)
		return 0;
	if (!url || !code || !as) {
		error_set(err, errlen, "a class board needs --board URL, --code CODE and --as "
			 "PSEUDONYM together");
		return -1;
	}
	if (boardc_check(t, url, code, as, err, errlen) < 0)
		return -1;
	t->share_machine = share;
	return 1;
}

void boardc_tap(void *ctx, const cJSON *line)
{
	boardc_take(ctx, line);
}

int boardc_finish(struct boardc_run *b, const struct boardc_target *t)
{
	char why[512], *post = boardc_body(b, t, why, sizeof(why));
	int status;

	boardc_free(b);
	if (!post) {
		fprintf(stderr, "ipcscope: %s\n", why);
		return 1;
	}
	status = boardc_send(t, post, why, sizeof(why));
	free(post);
	if (status == 200) {
		fprintf(stderr, "ipcscope: sent to the class board at %s as '%s'%s\n", t->url,
			t->as, t->share_machine ? ", with this machine's details" : "");
		return 0;
	}
	if (status < 0)
		fprintf(stderr, "ipcscope: cannot reach the class board: %s\n", why);
	else
		fprintf(stderr, "ipcscope: the class board refused the result (%d): %s\n", status,
			why);
	return 1;
}
