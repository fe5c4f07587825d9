/* serve.c -- `ipcscope serve`: options, start-up cleanup, signals and a clean stop */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>

#include "cli/engine.h"
#include "http_catalog.h"
#include "config.h"
#include "http.h"
#include "runs.h"
#include "serve.h"
#include "static.h"

static struct catalog cat;

void serve_usage(FILE *f)
{
	fprintf(f,
		"usage: ipcscope serve [options]\n\n"
		"  --port N              TCP port, 0 picks a free one (default 8080)\n"
		"  --bind ADDR           numeric address to listen on (default 127.0.0.1)\n"
		"  --static-dir DIR      serve the page's files from disk (development):\n"
		"                        DIR/static/*, DIR/web/* of a source tree, or DIR/*\n"
		"  --results-dir DIR     NDJSON of past runs (default\n"
		"                        $XDG_STATE_HOME/ipcscope/results, else\n"
		"                        ~/.local/state/ipcscope/results; ./results when\n"
		"                        neither variable is set)\n"
		"  --max-run-seconds N   wall-time limit of one run (default 120)\n"
		"  --queue N             runs that may wait behind the running one (default 8)\n"
		"  --per-client N        runs one client address may have queued or running\n"
		"                        (default 3)\n"
		"  --help                this text\n\n"
		"Runs execute one at a time; a client that disconnects cancels its run.\n"
		"Stop with SIGINT or SIGTERM: running runs are stopped and cleaned up.\n");
}

/* usage_error: one line saying what is wrong and where the usage is; -1 */
__attribute__((format(printf, 1, 2)))
static int usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "ipcscope serve: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (see 'ipcscope serve --help')\n");
	return -1;
}

static int parse_int(const char *opt, const char *s, long lo, long hi, int *out)
{
	char *end;
	long v;

	if (!s || !*s || *s == '-' || *s == '+' || *s == ' ')
		goto bad;
	v = strtol(s, &end, 10);
	if (*end || v < lo || v > hi)
		goto bad;
	*out = (int)v;
	return 0;
bad:
	return usage_error("bad value '%s' for --%s: expected %ld..%ld", s ? s : "", opt, lo, hi);
}

static bool loopback(const char *addr)
{
	struct in6_addr a6;
	struct in_addr a4;

	if (inet_pton(AF_INET, addr, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127;
	return inet_pton(AF_INET6, addr, &a6) == 1 && IN6_IS_ADDR_LOOPBACK(&a6);
}

static bool numeric_addr(const char *addr)
{
	unsigned char a[16];

	return inet_pton(AF_INET, addr, a) == 1 || inet_pton(AF_INET6, addr, a) == 1;
}

/* parse_options: 0 to serve, 1 after --help, -1 on a usage error */
static int parse_options(int argc, char **argv, struct serve_config *c)
{
	static const struct option opts[] = {
		{ "port", required_argument, NULL, 'p' },
		{ "bind", required_argument, NULL, 'b' },
		{ "static-dir", required_argument, NULL, 's' },
		{ "results-dir", required_argument, NULL, 'r' },
		{ "max-run-seconds", required_argument, NULL, 'm' },
		{ "queue", required_argument, NULL, 'q' },
		{ "per-client", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int o, bad = 0;

	optind = 1;
	opterr = 0;
	while (!bad && (o = getopt_long(argc, argv, "+:", opts, NULL)) != -1) {
		switch (o) {
		case 'p': bad = parse_int("port", optarg, 0, 65535, &c->port); break;
		case 'b': c->bind = optarg; break;
		case 's': c->static_dir = optarg; break;
		case 'r': c->results_dir = optarg; break;
		case 'm': bad = parse_int("max-run-seconds", optarg, 1, SERVE_RUN_SECONDS_MAX,
					  &c->max_run_seconds); break;
		case 'q': bad = parse_int("queue", optarg, 0, SERVE_QUEUE_MAX, &c->queue_max); break;
		case 'c': bad = parse_int("per-client", optarg, 1, SERVE_QUEUE_MAX + 1,
					  &c->per_client); break;
		case 'h': serve_usage(stdout); return 1;
		case ':': bad = usage_error("%.64s needs a value", argv[optind - 1]); break;
		default: bad = usage_error("unknown option '%.64s'", argv[optind - 1]); break;
		}
	}
	if (!bad && optind < argc)
		bad = usage_error("unexpected argument '%.64s'", argv[optind]);
	if (!bad && !numeric_addr(c->bind))
		bad = usage_error("bad value '%.64s' for --bind: expected a numeric IPv4 or IPv6 "
				  "address", c->bind);
	if (bad)
		return -1;
	c->public_bind = !loopback(c->bind);
	return 0;
}

/* default_results_dir: $XDG_STATE_HOME/ipcscope/results, else
   $HOME/.local/state/ipcscope/results (an installed server keeps its runs per user,
   whatever directory it starts in), its parents made as needed; "results"
   in the working directory when neither variable is set (or is relative,
   which the XDG rules say to ignore) */
static const char *default_results_dir(char *buf, size_t len)
{
	const char *xdg = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
	int n;

	if (xdg && xdg[0] == '/')
		n = snprintf(buf, len, "%s/ipcscope/results", xdg);
	else if (home && home[0] == '/')
		n = snprintf(buf, len, "%s/.local/state/ipcscope/results", home);
	else
		return "results";
	if (n < 0 || (size_t)n >= len)
		return "results";
	/* the parents, mode 0700 as the XDG rules ask; the last one
	   store_open makes */
	for (char *p = buf + 1; (p = strchr(p, '/')); p++) {
		*p = '\0';
		if (mkdir(buf, 0700) < 0 && errno != EEXIST)
			fprintf(stderr, "ipcscope serve: cannot create '%s': %s\n", buf,
				strerror(errno));
		*p = '/';
	}
	return buf;
}

/* serve_loop: serves until SIGINT/SIGTERM; the signals are blocked in
   every thread and taken here, so the stop runs in plain code */
static int serve_loop(const struct serve_config *c, const sigset_t *stop)
{
	struct MHD_Daemon *d;
	struct runs_config rc = {
		.results_dir = c->results_dir, .max_run_seconds = c->max_run_seconds,
		.queue_max = c->queue_max, .per_client = c->per_client,
		.grace_ms = SERVE_GRACE_MS,
	};
	char err[SERVE_ERR_MAX];
	int port, sig = 0, swept;

	/* what the runs of a server that died (even by SIGKILL) left behind:
	   run directories with their FIFOs, sockets and System V queue
	   records, shared memory, message queues */
	if (engine_base_check(err, sizeof(err)) < 0) {
		fprintf(stderr, "ipcscope serve: %s\n", err);
		return 1;
	}
	if ((swept = engine_sweep_stale()) > 0)
		fprintf(stderr, "ipcscope: removed %d objects left by runs of a dead server\n",
			swept);
	if (runs_init(&rc, err, sizeof(err)) < 0) {
		fprintf(stderr, "ipcscope serve: %s\n", err);
		runs_shutdown();
		return 1;
	}
	d = http_start(c, &cat, &port, err, sizeof(err));
	if (!d) {
		fprintf(stderr, "ipcscope serve: %s\n", err);
		runs_shutdown();
		return 1;
	}
	printf("ipcscope: serving on http://%s%s%s:%d/\n", strchr(c->bind, ':') ? "[" : "",
	       c->bind, strchr(c->bind, ':') ? "]" : "", port);
	fflush(stdout);
	sigwait(stop, &sig);
	fprintf(stderr, "ipcscope: %s: stopping runs and exiting\n", strsignal(sig));
	runs_shutdown();
	http_stop(d);
	return 0;
}

int serve_main(int argc, char **argv)
{
	struct serve_config c = {
		.bind = "127.0.0.1", .port = SERVE_DEFAULT_PORT, .results_dir = NULL,
		.max_run_seconds = SERVE_DEFAULT_RUN_SECONDS, .queue_max = SERVE_DEFAULT_QUEUE,
		.per_client = SERVE_DEFAULT_PER_CLIENT,
	};
	sigset_t stop;
	char results[4096];
	int rc = parse_options(argc, argv, &c);

	if (rc)
		return rc > 0 ? 0 : 2;
	if (!c.results_dir)
		c.results_dir = default_results_dir(results, sizeof(results));
	if (c.public_bind)
		fprintf(stderr, "ipcscope serve: warning: %s is not a loopback address; anyone "
			"who can reach it can start benchmarks on this machine\n", c.bind);
	if (static_init(c.static_dir) < 0) {
		fprintf(stderr, "ipcscope serve: --static-dir '%s' is not a readable directory\n",
			c.static_dir);
		return 2;
	}
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &stop, NULL);
	signal(SIGPIPE, SIG_IGN);
	/* a file size limit makes a history write fail (and say so), not the server */
	signal(SIGXFSZ, SIG_IGN);
	/* workers orphaned by a killed run come to us, and we reap them */
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	catalog_load(&cat);
	return serve_loop(&c, &stop);
}
