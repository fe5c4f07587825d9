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

#include "base/error.h"
#include "board.h"
#include "board_http.h"
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
		"  --board               run a class board: a join code, and students' results\n"
		"                        posted to /api/board/results (see README, In a\n"
		"                        classroom); other machines reach only the board\n"
		"  --board-max N         machines the board holds (default 200, at most 1000)\n"
		"  --board-task NAME     the class task to start with: a demo or compare\n"
		"  --board-save          keep the board's posts in the results directory too\n"
		"                        (board-<UTC start>-<N>-<task>.ndjson, a post a line)\n"
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
		{ "board", no_argument, NULL, 'B' },
		{ "board-max", required_argument, NULL, 'M' },
		{ "board-task", required_argument, NULL, 'T' },
		{ "board-save", no_argument, NULL, 'S' },
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
		case 'B': c->board = true; break;
		case 'M': bad = parse_int("board-max", optarg, 1, BOARD_MAX_LIMIT, &c->board_max);
			  break;
		case 'T': c->board_task = optarg; break;
		case 'S': c->board_save = true; break;
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
	if (!bad && (c->board_task || c->board_save || c->board_max != BOARD_DEFAULT_MAX) &&
	    !c->board)
		bad = usage_error("--board-max, --board-task and --board-save go with --board");
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

/* serve_board: the class board, with its first task when --board-task
   names one; 0, or -1 with err */
static int serve_board(const struct serve_config *c, char *err, size_t errlen)
{
	struct board_refusal r;

	if (board_start(c->board_max, err, errlen) < 0)
		return -1;
	if (c->board_save)
		board_save_to();
	if (c->board_task && board_set_task(c->board_task, board_task_known(c->board_task),
					    &r) < 0) {
		error_set(err, errlen, "bad value '%.40s' for --board-task: %s", c->board_task,
			 r.why);
		board_stop();
		return -1;
	}
	return 0;
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
	if (c->board && serve_board(c, err, sizeof(err)) < 0) {
		fprintf(stderr, "ipcscope serve: %s\n", err);
		return 2;
	}
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
	if (c->board)
		board_announce(c->bind, c->public_bind, port, stdout);
	fflush(stdout);
	sigwait(stop, &sig);
	fprintf(stderr, "ipcscope: %s: stopping runs and exiting\n", strsignal(sig));
	runs_shutdown();
	http_stop(d);
	board_stop();
	return 0;
}

int serve_main(int argc, char **argv)
{
	struct serve_config c = {
		.bind = "127.0.0.1", .port = SERVE_DEFAULT_PORT, .results_dir = NULL,
		.max_run_seconds = SERVE_DEFAULT_RUN_SECONDS, .queue_max = SERVE_DEFAULT_QUEUE,
		.per_client = SERVE_DEFAULT_PER_CLIENT, .board_max = BOARD_DEFAULT_MAX,
	};
	sigset_t stop;
	char results[4096];
	int rc = parse_options(argc, argv, &c);

	if (rc)
		return rc > 0 ? 0 : 2;
	if (!c.results_dir)
		c.results_dir = default_results_dir(results, sizeof(results));
	if (c.public_bind && c.board)
		fprintf(stderr, "ipcscope serve: %s is not a loopback address; other machines "
			"may post to and read the class board (with its code), nothing else\n",
			c.bind);
	else if (c.public_bind)
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
