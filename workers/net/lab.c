/* lab.c -- `ipcscope lab`: two network namespaces joined by a veth pair, a peer in one, a command in the other */
#include "net/lab.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "net/netns.h"
#include "net/peerproto.h"
#include "base/error.h"

#define LAB_MAX_TOOL_ARGS 24
#define LAB_PEER_WAIT_MS 10000        /* the peer says it listens within this */
#define LAB_TERM_GRACE_S 5            /* a signalled command gets this long */
#define LAB_RATE_MIN 8e3              /* bit/s: 1 kB/s */
#define LAB_RATE_MAX 100e9
#define LAB_DELAY_MAX_US 10e6

struct lab_unit {
	const char *suffix;
	double scale;
};

static const struct lab_unit rate_units[] = {
	{ "gbit", 1e9 }, { "mbit", 1e6 }, { "kbit", 1e3 }, { "bit", 1 }, { NULL, 0 } };
static const struct lab_unit delay_units[] = {
	{ "us", 1 }, { "ms", 1e3 }, { "s", 1e6 }, { NULL, 0 } };
static const struct lab_unit loss_units[] = { { "%", 1 }, { NULL, 0 } };

struct lab {
	double rate_bps, delay_us, loss_pct;   /* 0: not asked */
	struct netns_pair net;                 /* [0] the peer's, [1] the command's */
	char token[PEER_TOKEN_LEN + 1];
	char **cmd;
	pid_t peer, child;
};

static volatile sig_atomic_t lab_signal;

static void on_signal(int sig)
{
	lab_signal = sig;
}

void lab_usage(FILE *f)
{
	fprintf(f,
		"usage: ipcscope lab [--rate R] [--delay D] [--loss L] -- COMMAND [ARGS...]\n\n"
		"Makes two network namespaces joined by a veth pair (" LAB_PEER_ADDR " and "
		LAB_CMD_ADDR "/" LAB_PREFIX_LEN "),\n"
		"starts an ipcscope peer in the first and runs COMMAND in the second; removes\n"
		"both namespaces and the link at the end. Root only.\n\n"
		"  --rate R    link rate each way, e.g. 100mbit, 1gbit (8kbit..100gbit; tbf)\n"
		"  --delay D   added delay each way, e.g. 500us, 1ms (up to 10s; needs netem)\n"
		"  --loss L    packets dropped each way, e.g. 0.1%% (needs netem)\n\n"
		"In COMMAND, {peer} becomes " LAB_PEER_ADDR ":%d and {token} the peer's token;\n"
		"both are also in the environment as IPCSCOPE_PEER and IPCSCOPE_TOKEN, and the\n"
		"namespaces' names as IPCSCOPE_NETNS_PEER and IPCSCOPE_NETNS_SELF:\n"
		"  ipcscope lab --rate 1gbit -- ipcscope bench tcp --peer {peer} --token {token}\n"
		"The lab's own peer takes the token on stdin; to keep it off COMMAND's line too:\n"
		"  ipcscope lab -- sh -c 'echo \"$IPCSCOPE_TOKEN\" | ipcscope bench tcp \\\n"
		"      --peer \"$IPCSCOPE_PEER\" --token-file -'\n\n"
		"exit status: the command's; 1 when the lab could not be made; 2 usage error\n",
		LAB_PEER_PORT);
}

/* parse_amount: "<number><unit>" with a unit of units into *out (scaled);
   0 or -1 for anything else */
static int parse_amount(const char *s, const struct lab_unit *units, double *out)
{
	char *end;
	double v;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s)
		return -1;
	for (; units->suffix; units++)
		if (!strcmp(end, units->suffix)) {
			*out = v * units->scale;
			return 0;
		}
	return -1;
}

/* usage_error: one line saying what is wrong and where the usage is; -1 */
__attribute__((format(printf, 1, 2)))
static int usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "ipcscope lab: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (see 'ipcscope lab --help')\n");
	return -1;
}

static int bad_option(const char *name, const char *value, const char *range)
{
	usage_error("bad value '%s' for --%s: expected %s", value, name, range);
	return -1;
}

/* parse_option: one --name value; 0 or -1 (reported) */
static int parse_option(struct lab *l, const char *name, const char *v)
{
	if (!strcmp(name, "rate")) {
		if (parse_amount(v, rate_units, &l->rate_bps) < 0 ||
		    l->rate_bps < LAB_RATE_MIN || l->rate_bps > LAB_RATE_MAX)
			return bad_option(name, v, "8kbit..100gbit (bit, kbit, mbit, gbit)");
		return 0;
	}
	if (!strcmp(name, "delay")) {
		if (parse_amount(v, delay_units, &l->delay_us) < 0 || l->delay_us <= 0 ||
		    l->delay_us > LAB_DELAY_MAX_US)
			return bad_option(name, v, "a time above 0 up to 10s (us, ms, s)");
		return 0;
	}
	if (!strcmp(name, "loss")) {
		if (parse_amount(v, loss_units, &l->loss_pct) < 0 || l->loss_pct <= 0 ||
		    l->loss_pct > 100)
			return bad_option(name, v, "a percentage above 0 up to 100%");
		return 0;
	}
	usage_error("unknown option '--%s'", name);
	return -1;
}

/* parse_args: options, then "--" and the command; 0, 1 for --help, -1 */
static int parse_args(struct lab *l, int argc, char **argv)
{
	int i;

	for (i = 1; i < argc && strcmp(argv[i], "--") != 0; i++) {
		const char *a = argv[i], *eq;
		char name[16];

		if (!strcmp(a, "--help") || !strcmp(a, "-h"))
			return 1;
		if (strncmp(a, "--", 2) != 0 || strlen(a) > 40) {
			usage_error("unexpected '%.40s': the command goes after '--'", a);
			return -1;
		}
		a += 2;
		if ((eq = strchr(a, '=')))
			snprintf(name, sizeof(name), "%.*s", (int)(eq - a), a);
		else
			snprintf(name, sizeof(name), "%s", a);
		if (!eq && i + 1 >= argc) {
			usage_error("--%s needs a value", name);
			return -1;
		}
		if (parse_option(l, name, eq ? eq + 1 : argv[++i]) < 0)
			return -1;
	}
	if (i + 1 >= argc) {
		usage_error("which command? give it after '--'");
		return -1;
	}
	l->cmd = argv + i + 1;
	return 0;
}

/* tool: runs one `ip`/`tc` command given as words, NULL-terminated; 0 or
   -1 with the tool's complaint in err */
static int tool(char *err, size_t errlen, const char *a0, ...)
{
	char *argv[LAB_MAX_TOOL_ARGS];
	va_list ap;
	int n = 0;

	argv[n++] = (char *)a0;
	va_start(ap, a0);
	while (n < LAB_MAX_TOOL_ARGS - 1 && (argv[n] = va_arg(ap, char *)))
		n++;
	va_end(ap);
	argv[n] = NULL;
	return netns_tool(argv, err, errlen);
}

/* --- the link ------------------------------------------------------------ */

/* shape: the rate, delay and loss asked for, on one end of the link */
static int shape(const struct lab *l, int i, int *netem_missing, char *err, size_t errlen)
{
	char rate[32], delay[32], loss[32];

	snprintf(rate, sizeof(rate), "%.0fbit", l->rate_bps);
	snprintf(delay, sizeof(delay), "%.0fus", l->delay_us);
	snprintf(loss, sizeof(loss), "%g%%", l->loss_pct);
	if ((l->delay_us > 0 || l->loss_pct > 0) && !*netem_missing) {
		/* netem carries delay, loss and (if asked) the rate in one qdisc */
		if (tool(err, errlen, "tc", "-n", l->net.ns[i], "qdisc", "add", "dev", l->net.dev[i],
			 "root", "netem", "delay", l->delay_us > 0 ? delay : "0us",
			 "loss", l->loss_pct > 0 ? loss : "0%",
			 l->rate_bps > 0 ? "rate" : NULL, rate, NULL) == 0)
			return 0;
		*netem_missing = 1;
		fprintf(stderr, "ipcscope lab: this kernel has no netem qdisc (tc said: %s): "
			"--delay and --loss are NOT applied; going on without them\n", err);
	}
	return l->rate_bps > 0 ? netns_pair_tbf(&l->net, i, l->rate_bps, err, errlen) : 0;
}

static int link_make(struct lab *l, char *err, size_t errlen)
{
	int netem_missing = 0;

	if (netns_pair_link(&l->net, err, errlen) < 0)
		return -1;
	for (int i = 0; i < 2; i++)
		if (shape(l, i, &netem_missing, err, errlen) < 0)
			return -1;
	return 0;
}

/* --- the two processes ------------------------------------------------------ */

/* child_enter: in a forked child: default signals, death with the lab,
   into namespace ns; exits on failure */
static void child_enter(const char *ns)
{
	char err[ERROR_MSG_MAX];

	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	signal(SIGPIPE, SIG_DFL);
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (netns_enter(ns, err, sizeof(err)) < 0) {
		fprintf(stderr, "ipcscope lab: %s\n", err);
		_exit(127);
	}
}

/* read_line_ms: one line from fd within ms into buf; 0 or -1 */
static int read_line_ms(int fd, char *buf, size_t len, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	size_t n = 0;

	while (n + 1 < len) {
		ssize_t r;

		if (poll(&p, 1, ms) <= 0)
			return -1;
		r = read(fd, buf + n, 1);
		if (r <= 0)
			return -1;
		if (buf[n] == '\n')
			break;
		n++;
	}
	buf[n] = '\0';
	return 0;
}

/* peer_start: the peer in the first namespace, its token on its stdin
   (never on its command line), IPCSCOPE_LAB naming this lab in its
   environment; 0 once it listens, or -1 with err */
static int peer_start(struct lab *l, char *err, size_t errlen)
{
	char listen[48], line[256], lab[24];
	int pfd[2] = { -1, -1 }, tfd = peer_token_pipe(l->token), rc;

	snprintf(listen, sizeof(listen), LAB_PEER_ADDR ":%d", LAB_PEER_PORT);
	snprintf(lab, sizeof(lab), "%d", (int)getpid());
	if (tfd < 0 || pipe2(pfd, O_CLOEXEC) < 0 || (l->peer = fork()) < 0) {
		error_set(err, errlen, "cannot start the peer: %s", strerror(errno));
		if (tfd >= 0)
			close(tfd);
		return -1;
	}
	if (l->peer == 0) {
		char *argv[] = { "ipcscope", "peer", "--listen", listen, "--token-file", "-", NULL };
		child_enter(l->net.ns[0]);
		dup2(tfd, STDIN_FILENO);
		dup2(pfd[1], STDOUT_FILENO);
		setenv("IPCSCOPE_LAB", lab, 1);
		execv("/proc/self/exe", argv);
		_exit(127);
	}
	close(tfd);
	close(pfd[1]);
	rc = read_line_ms(pfd[0], line, sizeof(line), LAB_PEER_WAIT_MS);
	close(pfd[0]);
	if (rc < 0 || !strstr(line, "listening on"))
		return error_set(err, errlen, "the peer did not start listening on %s", listen);
	fprintf(stderr, "ipcscope lab: %s\n", line);
	return 0;
}

/* subst: word with every {peer} and {token} replaced (malloc'd) */
static char *subst(const char *word, const char *peer, const char *token)
{
	size_t cap = strlen(word) * 8 + 64, n = 0;
	char *out = malloc(cap);

	if (!out)
		return NULL;
	while (*word && n + 1 < cap) {
		const char *with = !strncmp(word, "{peer}", 6) ? peer :
				   !strncmp(word, "{token}", 7) ? token : NULL;
		if (with && n + strlen(with) + 1 < cap) {
			n += (size_t)sprintf(out + n, "%s", with);
			word += with == peer ? 6 : 7;
			continue;
		}
		out[n++] = *word++;
	}
	out[n] = '\0';
	return out;
}

static void command_exec(const struct lab *l)
{
	char peer[48], **argv;
	int n = 0;

	snprintf(peer, sizeof(peer), LAB_PEER_ADDR ":%d", LAB_PEER_PORT);
	while (l->cmd[n])
		n++;
	if (!(argv = calloc((size_t)n + 1, sizeof(*argv))))
		_exit(127);
	for (int i = 0; i < n; i++)
		if (!(argv[i] = subst(l->cmd[i], peer, l->token)))
			_exit(127);
	setenv("IPCSCOPE_PEER", peer, 1);
	setenv("IPCSCOPE_TOKEN", l->token, 1);
	/* for launchers that start processes on the peer's side themselves
	   (mpirun's plm_rsh_agent: `ip netns exec $IPCSCOPE_NETNS_PEER ...`) */
	setenv("IPCSCOPE_NETNS_PEER", l->net.ns[0], 1);
	setenv("IPCSCOPE_NETNS_SELF", l->net.ns[1], 1);
	execvp(argv[0], argv);
	fprintf(stderr, "ipcscope lab: cannot run '%s': %s\n", argv[0], strerror(errno));
	_exit(127);
}

/* command_wait: the command's exit status as a shell would give it; a
   signal to the lab is passed on, then SIGKILL after a grace period */
static int command_wait(struct lab *l)
{
	int status, signalled = 0;

	for (;;) {
		if (waitpid(l->child, &status, 0) == l->child)
			break;
		if (errno != EINTR)
			return 1;
		if (lab_signal && !signalled) {
			kill(l->child, SIGTERM);
			signalled = 1;
			alarm(LAB_TERM_GRACE_S);
		} else if (signalled && lab_signal == SIGALRM) {
			kill(l->child, SIGKILL);
		}
	}
	alarm(0);
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 128 + WTERMSIG(status);
}

static void lab_signals(void)
{
	struct sigaction sa = { .sa_handler = on_signal };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGALRM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

/* lab_run: the lab around the command once the guardian watches; the
   command's status or -1 with err */
static int lab_run(struct lab *l, char *err, size_t errlen)
{
	if (link_make(l, err, errlen) < 0)
		return -1;
	fprintf(stderr, "ipcscope lab: namespaces %s (" LAB_PEER_ADDR ") and %s (" LAB_CMD_ADDR
		") joined by %s-%s\n", l->net.ns[0], l->net.ns[1], l->net.dev[0], l->net.dev[1]);
	if (peer_start(l, err, errlen) < 0)
		return -1;
	if ((l->child = fork()) < 0)
		return error_set(err, errlen, "cannot fork: %s", strerror(errno));
	if (l->child == 0) {
		child_enter(l->net.ns[1]);
		command_exec(l);
	}
	return command_wait(l);
}

int lab_main(int argc, char **argv)
{
	struct lab l = { 0 };
	char err[512];
	int rc;

	rc = parse_args(&l, argc, argv);
	if (rc != 0) {
		if (rc > 0)
			lab_usage(stdout);
		return rc > 0 ? 0 : 2;
	}
	if (geteuid() != 0) {
		fprintf(stderr, "ipcscope lab: needs root to make network namespaces and a veth "
			"pair; run it as root (for example with sudo)\n");
		return 1;
	}
	netns_pair_init(&l.net);
	peer_token_new(l.token);
	lab_signals();
	if (netns_pair_guard(&l.net, "ipcscope lab", err, sizeof(err)) < 0) {
		fprintf(stderr, "ipcscope lab: cannot start: %s\n", err);
		return 1;
	}
	rc = lab_run(&l, err, sizeof(err));
	if (rc < 0)
		fprintf(stderr, "ipcscope lab: %s\n", err);
	netns_pair_release(&l.net);
	if (l.peer > 0)
		waitpid(l.peer, NULL, 0);   /* the guardian has killed it */
	return rc < 0 ? 1 : rc;
}
