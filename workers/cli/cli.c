/* cli.c -- the engine's command line: bench, compare, sweep and demo argv
   into params, the run from plan to end line, and the dispatch of every
   engine command */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/catalogue.h"
#include "base/cleanup.h"
#include "base/error.h"
#include "out/compare.h"
#include "demos/demo.h"
#include "cli/engine.h"
#include "net/lab.h"
#include "out/ndjson.h"
#include "run/peer.h"
#include "run/runner.h"
#include "cli/diff_cli.h"
#include "net/board_client.h"
#include "params/params_table.h"

#define CLI_ID_MAX 32

/* --- usage ------------------------------------------------------------ */

/* A flag longer than this column gets a line of its own, its text below. */
#define USAGE_FLAG_W 27
#define USAGE_TEXT_W 66      /* a row's text wraps at spaces past this */

/* usage_row: one param: its flag, and what it does in the column beside it */
static void usage_row(FILE *f, const char *flag, const char *text)
{
	size_t len = strlen(text);

	if (strlen(flag) > USAGE_FLAG_W) {
		fprintf(f, "  %s\n", flag);
		flag = "";
	}
	/* the text in lines of at most USAGE_TEXT_W, broken at spaces */
	do {
		size_t n = len;

		if (n > USAGE_TEXT_W) {
			n = USAGE_TEXT_W;
			while (n > 0 && text[n] != ' ')
				n--;
			if (n == 0)
				n = USAGE_TEXT_W;
		}
		fprintf(f, "  %-*s  %.*s\n", USAGE_FLAG_W, flag, (int)n, text);
		flag = "";
		text += n;
		len -= n;
		while (*text == ' ') {
			text++;
			len--;
		}
	} while (len > 0);
}

/* declarers: how many mechanisms of the registry declare option name */
static int declarers(const char *name)
{
	int n = 0;

	for (int i = 0; mech_registry[i]; i++)
		n += mech_option_index(mech_registry[i], name) >= 0;
	return n;
}

/* usage_options: one row per mechanism option of the registry and
   mechanism declaring it (zmq's and grpc's transport take other values) */
static void usage_options(FILE *f)
{
	for (int i = 0; mech_registry[i]; i++) {
		const struct mech_ops *ops = mech_registry[i];

		for (int k = 0; k < mech_option_count(ops); k++) {
			const struct mech_option *o = &ops->options[k];
			char flag[96] = "", text[512];

			snprintf(flag, sizeof(flag), "--%s ", o->name);
			for (int v = 0; o->values[v]; v++)
				snprintf(flag + strlen(flag), sizeof(flag) - strlen(flag), "%s%s",
					 v ? "|" : "", o->values[v]);
			snprintf(text, sizeof(text), "%s%s: %s (%s)", ops->name,
				 declarers(o->name) > 1 ? "" : " only", o->help, o->values[0]);
			usage_row(f, flag, text);
		}
	}
}

/* usage_param: the row of param id in usage, from its table entry */
static void usage_param(FILE *f, enum param_id id)
{
	const struct param_row *row = &params_table[id];
	char flag[64], text[512];

	usage_row(f, params_table_flag(row, flag, sizeof(flag)),
		  params_table_expand(row, row->help, text, sizeof(text)));
}

/* usage_peer: --peer and --token, with what can cross hosts */
static void usage_peer(FILE *f)
{
	char names[256];

	params_cross_host_names(names, sizeof(names));
	usage_param(f, P_PEER);
	usage_row(f, "", names);
	usage_param(f, P_TOKEN);
	usage_row(f, "--token-file PATH", "read the token from PATH ('-': stdin) instead:");
	usage_row(f, "", "off the command line, which every user can see");
}

static void usage(FILE *f, enum params_cmd cmd)
{
	const char *synopsis =
		cmd == CMD_COMPARE ? "compare [MECH,...] [params]\n"
				     "  no list: every mechanism that can carry the size, but for the library\n"
				     "  family (see ipcscope list) and mpi: they start a daemon or runtime (once\n"
				     "  a run or each rep) and run only when named (the start line lists them\n  as skipped)" :
		cmd == CMD_SWEEP ? "sweep MECH[,MECH...] --sizes 64,4K,64K,1M [params]" :
		cmd == CMD_DEMO ? "demo NAME [params]   (the params of every job of the demo)" :
		"bench MECHANISM [params]";

	fprintf(f, "usage: ipcscope %s\n\nparams (also accepted as --name=value):\n", synopsis);
	/* every param of the table the command takes and people set, in
	   its order; peer and token come with what can cross hosts */
	for (int id = 0; id < P__COUNT; id++)
		if (params_table[id].help && params_table_takes((enum param_id)id, cmd, false) &&
		    id != P_PEER && id != P_TOKEN)
			usage_param(f, (enum param_id)id);
	if (cmd == CMD_COMPARE || cmd == CMD_DEMO) {
		usage_row(f, "--board URL", "when the run ends, send its result to the class board");
		usage_row(f, "", "at URL (http://HOST[:PORT]); exit 1 when it refuses");
		usage_row(f, "--code CODE", "the board's join code");
		usage_row(f, "--as NAME", "the pseudonym the board shows (1..32 bytes)");
		usage_row(f, "--share-machine", "send CPU model, cores, kernel and VM or not too");
	}
	usage_peer(f);
	usage_options(f);
	if (cmd != CMD_DEMO)
		diff_after_usage(f);
	fprintf(f, "\nthe platform: each run leaves its cache-line round trip per CPU pair in\n"
		"platform.json in $IPCSCOPE_CACHE_DIR, else $XDG_CACHE_HOME/ipcscope, else\n"
		"~/.cache/ipcscope; the next run on the same CPUs says so when the\n"
		"platform moved since (its round trip 1.5x longer or shorter)\n");
	fprintf(f, "\nexit status: 0 ok, 1 the run failed%s, 2 usage error\n",
		cmd != CMD_DEMO ? " (or, with --baseline RUN, is slower than RUN)" : "");
}

/* token_file: --token-file PATH, the command line's way to give the
   peer's token without putting it on the command line (a server hands
   its runs the token this way, on stdin); 0 or -1 with err */
static int token_file(struct bench_params *p, const char *path, struct param_error *err)
{
	char token[PEER_TOKEN_MAX + 1], msg[sizeof(err->message)];
	int rc;

	if (peer_token_read(path, token, msg, sizeof(msg)) < 0)
		return param_error_set(err, "token-file", "%s", msg);
	rc = params_set(p, params_name(P_TOKEN), token, false, err);
	explicit_bzero(token, sizeof(token));
	return rc;
}

/* parse_args: --name value / --name=value into p; positional is the
   mechanism (bench, sweep) or the list (compare); 0, 1 for --help, -1 */
/* what a bench, compare or sweep does with its lines when it ends */
static struct diff_after after;

static int parse_args(struct bench_params *p, int argc, char **argv,
		      struct param_error *err)
{
	int positional = 0;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *val;
		char name[40];

		if (!strcmp(a, "--help") || !strcmp(a, "-h"))
			return 1;
		if (strncmp(a, "--", 2) != 0) {
			if (positional++ || p->cmd == CMD_DEMO) {
				return param_error_set(err, "mechanism", "unexpected argument "
						       "'%.64s'%s", a, p->cmd == CMD_DEMO ?
						       ": a demo takes its name and params only (see "
						       "'ipcscope demo --help')" : "");
			}
			if (p->cmd == CMD_COMPARE) {
				if (params_set(p, params_name(P_MECHANISMS), a, false, err) < 0)
					return -1;
				continue;
			}
			if (p->cmd == CMD_SWEEP && strchr(a, ',')) {
				if (params_set_targets(p, a, err) < 0)
					return -1;
				continue;
			}
			if (!mech_find(a))
				return param_error_set_as(err, "unknown_mechanism", "mechanism",
							  "unknown mechanism '%.64s' (see 'ipcscope "
							  "list')", a);
			snprintf(p->mechs[0], sizeof(p->mechs[0]), "%s", a);
			p->nmechs = 1;
			continue;
		}
		a += 2;
		if ((val = strchr(a, '='))) {
			snprintf(name, sizeof(name), "%.*s", (int)(val - a), a);
			val++;
		} else {
			snprintf(name, sizeof(name), "%s", a);
			val = i + 1 < argc ? argv[++i] : "";
		}
		if (!strcmp(name, "token-file")) {
			if (token_file(p, val, err) < 0)
				return -1;
			continue;
		}
		if (p->cmd != CMD_DEMO) {
			int took = diff_after_arg(&after, name, val, err);

			if (took < 0)
				return -1;
			if (took)
				continue;
		}
		if (params_set(p, name, val, false, err) < 0)
			return -1;
	}
	if (p->cmd != CMD_COMPARE && p->cmd != CMD_DEMO && p->nmechs == 0) {
		return param_error_set(err, "mechanism", "which mechanism? (see 'ipcscope %s --help' "
				       "and 'ipcscope list')", p->cmd == CMD_SWEEP ? "sweep" : "bench");
	}
	return params_finish(p, err);
}

/* prescan_format: takes --format before the other params, so an error in
   an earlier param is already reported in the format asked for */
static void prescan_format(struct bench_params *p, int argc, char **argv)
{
	const char *name = params_name(P_FORMAT);
	size_t n = strlen(name);
	struct bench_params tmp;
	struct param_error e;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = NULL;

		if (!strncmp(a, "--", 2) && !strncmp(a + 2, name, n) && a[2 + n] == '=')
			v = a + 3 + n;
		else if (!strncmp(a, "--", 2) && !strcmp(a + 2, name) && i + 1 < argc)
			v = argv[i + 1];
		params_init(&tmp, p->cmd);
		if (v && params_set(&tmp, name, v, false, &e) == 0)
			p->format = tmp.format;
	}
}

/* demo_list: the usage of demo with the list of demos */
static void demo_list(FILE *f)
{
	fprintf(f, "usage: ipcscope demo NAME [--reps N] [--count N | --duration S] [params]\n\n"
		"Each demo puts a claim about IPC to the test on this machine and ends with a\n"
		"lesson computed from what it measured. The demos:\n\n");
	for (int i = 0; demo_registry[i]; i++) {
		const struct demo *d = demo_registry[i];

		fprintf(f, "  %-22s %s\n  %-22s %s", d->name, d->claim, "",
			d->exp ? "params:" : "defaults: ");
		for (const struct dparam *p = d->exp ? d->exp->params : NULL; p && p->name; p++)
			fprintf(f, " --%s (%s)", p->name, p->def);
		fprintf(f, "%s\n", d->exp ? (d->exp->params ? "" : " none") : d->defaults);
	}
	fprintf(f, "\nA demo's own settings (for example pin=same in placement) win over params;\n"
		"a demo that runs its own experiment takes its own params instead: see\n"
		"'ipcscope demo NAME --help'.\n");
}

/* demo_usage: the list of demos (demo --help); exit status 0 */
static int demo_usage(void)
{
	demo_list(stdout);
	return 0;
}

/* --- the run ---------------------------------------------------------------- */

static enum report_format fmt_of(enum out_format f)
{
	return f == FMT_JSON ? REPORT_JSON : f == FMT_NDJSON ? REPORT_NDJSON :
	       f == FMT_CSV ? REPORT_CSV : REPORT_TEXT;
}

/* usage_error: reports a bad param in the chosen format; exit status 2 */
static int usage_error(struct run *r, const struct param_error *err)
{
	fprintf(stderr, "ipcscope: %s\n", err->message);
	if (r->p.format == FMT_NDJSON || r->p.format == FMT_JSON) {
		ndjson_param_error(r, err);
		ndjson_end(r, "error");
	}
	return 2;
}

/* setup: the run directory and the plan; 0, or -1 after the error and
   end lines */
static int setup(struct run *r, cJSON *skipped)
{
	char msg[RUN_TMPDIR_MAX + RUN_ERR_MAX], why[RUN_ERR_MAX];
	int rc = cleanup_tmpdir_make(r->tmpdir, sizeof(r->tmpdir));

	if (rc < 0) {
		if (cleanup_base_check(why, sizeof(why)) < 0)
			snprintf(msg, sizeof(msg), "cannot make a run directory: %s", why);
		else
			snprintf(msg, sizeof(msg), "cannot make a run directory '%s': %s",
				 r->tmpdir, strerror(-rc));
		r->tmpdir[0] = '\0';      /* nothing was made: nothing to remove */
	} else if (run_plan(r, skipped, why, sizeof(why)) < 0) {
		snprintf(msg, sizeof(msg), "cannot plan the run: %s", why);
	} else {
		return 0;
	}
	cJSON_Delete(skipped);
	ndjson_error(r, "setup_failed", msg, NULL, 0);
	ndjson_end(r, "error");
	return -1;
}

/* peer_open: the control connection to the run's peer; 0, or -1 after
   the error and end lines */
static int peer_open(struct run *r)
{
	char msg[RUN_ERR_MAX];

	r->link = calloc(1, sizeof(*r->link));
	if (r->link && peer_drive_open(r->link, r->p.peer, r->p.token, &r->peer_info,
				       msg, sizeof(msg)) == 0)
		return 0;
	if (!r->link)
		snprintf(msg, sizeof(msg), "out of memory");
	ndjson_error(r, "peer_failed", msg, NULL, 0);
	ndjson_end(r, "error");
	return -1;
}

/* run_main: bench, compare, sweep and demo (argv[0] is the command) */
static int run_main(int argc, char **argv)
{
	static char default_id[CLI_ID_MAX];
	enum params_cmd cmd = !strcmp(argv[0], "compare") ? CMD_COMPARE :
			      !strcmp(argv[0], "sweep") ? CMD_SWEEP :
			      !strcmp(argv[0], "demo") ? CMD_DEMO : CMD_BENCH;
	struct run r = { 0 };
	struct boardc_target bt;
	struct boardc_run br = { 0 };
	char berr[ERROR_MSG_MAX];
	int board;
	struct param_error err = { 0 };
	const char *status = "ok";
	enum run_status st;
	cJSON *skipped;
	int rc;

	r.t0 = run_now_s();
	params_init(&r.p, cmd);
	diff_after_init(&after);
	if (cmd == CMD_DEMO) {
		if (argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")))
			return demo_usage();
		/* a missing name is a usage error, as for bench and sweep */
		if (argc < 2 || !strncmp(argv[1], "-", 1)) {
			fprintf(stderr, "ipcscope: which demo? (see 'ipcscope demo --help')\n");
			return 2;
		}
		if (!(r.demo = demo_find(argv[1]))) {
			fprintf(stderr, "ipcscope: unknown demo '%s' (see 'ipcscope demo --help')\n",
				argv[1]);
			return 2;
		}
		r.about = (struct run_about){ r.demo->name, r.demo->title, r.demo->claim,
					      r.demo->method, r.demo->metric };
		r.plan = demo_plan;
		argc--;
		argv++;
	}
	if ((board = boardc_args(&argc, argv, &bt, berr, sizeof(berr))) < 0 ||
	    (board && (cmd == CMD_BENCH || cmd == CMD_SWEEP || (r.demo && r.demo->exp)))) {
		fprintf(stderr, "ipcscope: %s\n", board < 0 ? berr : "a class board takes a "
			"compare, or a demo that compares mechanisms");
		return 2;
	}
	if (cmd == CMD_DEMO) {
		if (r.demo->exp) {
			snprintf(default_id, sizeof(default_id), "cli-%d", (int)getpid());
			r.id = default_id;
			return demo_exp_main(&r, argc, argv);
		}
	}
	prescan_format(&r.p, argc, argv);
	rc = parse_args(&r.p, argc, argv, &err);
	if (rc == 0 && r.demo && run_apply_args(&r.p, r.demo->defaults, 0, &err) < 0)
		rc = -1;
	snprintf(default_id, sizeof(default_id), "cli-%d", (int)getpid());
	r.id = r.p.run_id[0] ? r.p.run_id : default_id;
	report_open(&r.out, fmt_of(r.p.format), stdout);
	if (board) {
		report_watch(&r.out, boardc_tap, &br);
	}
	if (rc == 1) {
		if (r.demo)
			printf("%s: %s\n  claim: %s\n  method: %s\n  defaults: %s\n\n",
			       r.demo->name, r.demo->title, r.demo->claim, r.demo->method,
			       r.demo->defaults && *r.demo->defaults ? r.demo->defaults : "none");
		usage(stdout, cmd);
		report_close(&r.out);
		return 0;
	}
	if (rc == 0 && diff_after_prepare(&after, &r.out, &err) < 0)
		rc = -1;
	if (rc < 0) {
		rc = usage_error(&r, &err);
		diff_after_free(&after);
		report_close(&r.out);
		boardc_free(&br);
		return rc;
	}
	run_install_signals();
	cleanup_sweep_stale();
	skipped = cJSON_CreateArray();
	if (setup(&r, skipped) < 0) {
		diff_after_free(&after);
		run_finish(&r);
		boardc_free(&br);
		return 1;
	}
	if (r.p.peer[0] && peer_open(&r) < 0) {
		cJSON_Delete(skipped);
		diff_after_free(&after);
		run_finish(&r);
		boardc_free(&br);
		return 1;
	}
	/* against a peer, what the kernel gave comes with each rep's result */
	ndjson_start(&r, r.link ? cJSON_CreateObject() : run_probe_granted(&r), skipped);
	st = run_rounds(&r);
	platform_run_check(&r, &r.platform);
	if (st == RUN_CANCELLED) {
		status = "cancelled";
	} else {
		ndjson_comparisons(&r);
		if (r.demo)
			demo_emit_lesson(&r);
		if (st == RUN_FAILED)
			status = "error";
	}
	ndjson_end(&r, status);
	/* --save and --baseline: a run slower than its baseline exits 1 */
	rc = diff_after_finish(&after, &r.out, status);
	run_finish(&r);
	if (st != RUN_OK)
		rc = 1;
	/* the result goes to the class board once it is shown here */
	if (board && boardc_finish(&br, &bt) != 0)
		rc = 1;
	return rc;
}

/* The engine's commands. */
static const struct {
	const char *name;
	int (*main)(int argc, char **argv);
} commands[] = {
	{ "bench", run_main }, { "compare", run_main }, { "sweep", run_main },
	{ "demo", run_main }, { "list", catalogue_list_main },
	{ "sysinfo", catalogue_sysinfo_main }, { "peer", peer_main }, { "lab", lab_main },
	{ "diff", diff_main },
};

/* top_usage: every command, one line each */
static void top_usage(FILE *f)
{
	fprintf(f,
		"ipcscope " IPCSCOPE_VERSION " -- how fast can two processes on this machine talk?\n\n"
		"usage:\n"
		"  ipcscope serve [--port 8080] [--bind 127.0.0.1]   the dashboard and REST API\n"
		"  ipcscope bench MECHANISM [params]                 measure one mechanism\n"
		"  ipcscope compare [MECH,...] [params]              several side by side (default: the\n"
		"                                                    local set, see compare --help)\n"
		"  ipcscope sweep MECH[,MECH...] --sizes LIST        mechanisms over message sizes\n"
		"  ipcscope demo NAME [params]                       a teaching demo\n"
		"  ipcscope diff A B [--threshold PCT]               run B against run A: slower?\n"
		"  ipcscope list [--format json]                     the mechanisms\n"
		"  ipcscope sysinfo [--format json]                  this machine and its IPC limits\n"
		"  ipcscope peer --listen ADDR:PORT [--token T]      the far side of a run between hosts\n"
		"  ipcscope lab [--rate R] -- COMMAND...             two network namespaces and a peer (root)\n\n"
		"'ipcscope COMMAND --help' shows the params of each command.\n");
}

void engine_usage(FILE *f, const char *cmd)
{
	if (!cmd || !*cmd)
		top_usage(f);
	else if (!strcmp(cmd, "bench"))
		usage(f, CMD_BENCH);
	else if (!strcmp(cmd, "compare"))
		usage(f, CMD_COMPARE);
	else if (!strcmp(cmd, "sweep"))
		usage(f, CMD_SWEEP);
	else if (!strcmp(cmd, "demo"))
		demo_list(f);
	else if (!strcmp(cmd, "demo-params"))
		usage(f, CMD_DEMO);
	else if (!strcmp(cmd, "list") || !strcmp(cmd, "sysinfo"))
		catalogue_usage(f, cmd);
	else if (!strcmp(cmd, "peer"))
		peer_usage(f);
	else if (!strcmp(cmd, "lab"))
		lab_usage(f);
	else if (!strcmp(cmd, "diff"))
		diff_usage(f);
}

const char *const engine_commands[] = {
	"serve", "bench", "compare", "sweep", "demo", "list", "sysinfo", "peer", "lab", "diff",
	NULL,
};

int engine_is_command(const char *cmd)
{
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(cmd, commands[i].name) == 0)
			return 1;
	return 0;
}

int engine_main(int argc, char **argv)
{
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (argc > 0 && strcmp(argv[0], commands[i].name) == 0)
			return commands[i].main(argc, argv);
	fprintf(stderr, "ipcscope: unknown command '%s'\n", argc > 0 ? argv[0] : "");
	return 2;
}
