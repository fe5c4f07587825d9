/* manual.c -- ipcscope(1) in roff, written from what --help prints and from
   the mechanism and demo registries, so the man page cannot drift from the
   binary it documents (`ipcscope --man`, run by make) */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "demos/demo.h"
#include "demos/dparam.h"
#include "cli/engine.h"
#include "base/human.h"
#include "cli/manual.h"
#include "mech/mech.h"

/* --- roff text ------------------------------------------------------------- */

/* roff_put: n bytes of s as roff text on the current line: backslashes
   and double quotes (which would end a macro's argument) escaped, a dash
   in an option (at a word's start, or beside another dash) a minus sign,
   quotes and periods harmless where roff would read them */
static void roff_put(FILE *f, const char *s, size_t n, bool bol)
{
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (bol && i == 0 && (c == '.' || c == '\''))
			fputs("\\&", f);
		if (c == '\\')
			fputs("\\e", f);
		else if (c == '"')
			fputs("\\(dq", f);
		else if (c == '-' && (i == 0 || s[i - 1] == ' ' || s[i - 1] == '-' ||
				      s[i - 1] == '[' || s[i - 1] == '(' || s[i - 1] == '|' ||
				      s[i - 1] == '\'' || (i + 1 < n && s[i + 1] == '-')))
			fputs("\\-", f);
		else
			fputc(c, f);
	}
}

/* roff_line: s as one line of roff text */
static void roff_line(FILE *f, const char *s)
{
	roff_put(f, s, strlen(s), true);
	fputc('\n', f);
}

/* --- a --help text as roff -------------------------------------------------- */

/* The rows every help prints as "  TERM   TEXT" become tagged paragraphs;
   a row of a command already shown (compare's and sweep's params are
   mostly bench's) is left out, and the section says whose they are. */
#define SEEN_MAX 256

struct conv {
	FILE *f;
	char term[512], text[2048];  /* the row being gathered */
	char prose[2048];            /* the paragraph being gathered */
	bool in_row, para;           /* para: a .PP is due before prose */
	char *seen[SEEN_MAX];        /* "term\ttext" of rows already shown */
	int nseen, skipped;
};

static bool row_seen(struct conv *c, const char *key)
{
	for (int i = 0; i < c->nseen; i++)
		if (!strcmp(c->seen[i], key))
			return true;
	return false;
}

/* row_close: writes the row gathered, unless an earlier section has it */
static void row_close(struct conv *c)
{
	char key[sizeof(c->term) + sizeof(c->text) + 2];

	if (!c->in_row)
		return;
	c->in_row = false;
	snprintf(key, sizeof(key), "%s\t%s", c->term, c->text);
	if (row_seen(c, key)) {
		c->skipped++;
		return;
	}
	if (c->nseen < SEEN_MAX)
		c->seen[c->nseen++] = strdup(key);
	fputs(".TP\n.B \"", c->f);
	roff_put(c->f, c->term, strlen(c->term), false);
	fputs("\"\n", c->f);
	if (c->text[0])
		roff_line(c->f, c->text);
	else
		fputs("\\&\n", c->f);
	c->para = true;
}

static void append(char *buf, size_t len, const char *s, size_t n)
{
	size_t have = strlen(buf);

	snprintf(buf + have, len - have, "%s%.*s", have ? " " : "", (int)n, s);
}

/* prose_close: writes the paragraph gathered, unless an earlier section
   has it; a heading (it ends with a colon) is written every time */
static void prose_close(struct conv *c)
{
	size_t n = strlen(c->prose);

	if (!n)
		return;
	if (c->prose[n - 1] != ':' && row_seen(c, c->prose)) {
		c->skipped++;
	} else {
		if (c->prose[n - 1] != ':' && c->nseen < SEEN_MAX)
			c->seen[c->nseen++] = strdup(c->prose);
		if (c->para)
			fputs(".PP\n", c->f);
		roff_line(c->f, c->prose);
	}
	c->prose[0] = '\0';
	c->para = false;
}

/* conv_line: one line of a help text */
static void conv_line(struct conv *c, const char *line)
{
	size_t indent = strspn(line, " "), n = strlen(line);
	const char *s = line + indent, *gap = strstr(s, "  ");

	if (n == indent) {                       /* blank: a paragraph ends */
		row_close(c);
		prose_close(c);
		c->para = true;
		return;
	}
	if (indent == 2 && (gap || *s == '-')) { /* a row: TERM, then TEXT */
		row_close(c);
		prose_close(c);
		c->in_row = true;
		c->term[0] = c->text[0] = '\0';
		append(c->term, sizeof(c->term), s, gap ? (size_t)(gap - s) : strlen(s));
		if (gap)
			append(c->text, sizeof(c->text), gap + strspn(gap, " "),
			       strlen(gap + strspn(gap, " ")));
		return;
	}
	if (indent > 2 && c->in_row) {           /* the row's text goes on */
		append(c->text, sizeof(c->text), s, strlen(s));
		return;
	}
	row_close(c);
	if (!strncmp(s, "ipcscope ", 9)) {        /* an example: as typed */
		prose_close(c);
		fputs(".RS\n.EX\n", c->f);
		roff_line(c->f, s);
		fputs(".EE\n.RE\n", c->f);
		c->para = true;
	} else if (!strncmp(s, "usage: ", 7)) {   /* the synopsis, in bold */
		prose_close(c);
		fputs(".B \"", c->f);
		roff_put(c->f, s + 7, strlen(s + 7), false);
		fputs("\"\n.br\n", c->f);
	} else {
		append(c->prose, sizeof(c->prose), s, strlen(s));
	}
}

char *manual_help(manual_print_fn *print, const char *cmd)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);

	if (!m)
		return NULL;
	print(m, cmd);
	if (fclose(m) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* conv_text: a whole help text (as printed by print) as roff */
static void conv_text(struct conv *c, manual_print_fn *print, const char *cmd,
		      const char *same_as)
{
	char *buf = manual_help(print, cmd);

	if (!buf)
		return;
	c->skipped = 0;
	c->para = false;
	for (char *line = buf, *nl; *line; line = nl + 1) {
		if (!(nl = strchr(line, '\n')))
			nl = line + strlen(line) - 1;
		else
			*nl = '\0';
		conv_line(c, line);
	}
	row_close(c);
	prose_close(c);
	if (c->skipped && same_as) {
		fputs(".PP\n", c->f);
		fprintf(c->f, "The other params, and the notes on the platform and the exit\n"
			"status, are those of \\fBipcscope %s\\fR above.\n", same_as);
	}
	free(buf);
}

/* --- the sections from the registries --------------------------------------- */

static void mechanisms(FILE *f)
{
	fputs(".SH MECHANISMS\n"
	      "The mechanisms, in the order \\fBipcscope list\\fR shows them, with their\n"
	      "options (a param a mechanism declares; its first value is the default).\n", f);
	for (int i = 0; mech_registry[i]; i++) {
		const struct mech_ops *ops = mech_registry[i];

		fprintf(f, ".TP\n.B %s\n", ops->name);
		roff_line(f, ops->summary);
		fputs("(", f);
		roff_put(f, mech_family_name(ops->family), strlen(mech_family_name(ops->family)),
			 false);
		fputs(")\n", f);
		for (int k = 0; k < mech_option_count(ops); k++) {
			const struct mech_option *o = &ops->options[k];

			fputs(".br\n\\fB\\-\\-", f);
			roff_put(f, o->name, strlen(o->name), false);
			fputs("\\fR ", f);
			for (int v = 0; o->values[v]; v++) {
				fputs(v ? "|" : "", f);
				roff_put(f, o->values[v], strlen(o->values[v]), false);
			}
			fputs(": ", f);
			roff_line(f, o->help);
		}
	}
}

/* dparam_range: "whole 1..64" as the demo's --help says it */
static void dparam_range(const struct dparam *p, char *buf, size_t len)
{
	char max[HUMAN_LEN];

	if (p->kind == DP_SIZE)
		human_bytes(p->max, max, sizeof(max));
	else
		snprintf(max, sizeof(max), "%.10g", p->max);
	snprintf(buf, len, "%s %.10g..%s, default %s",
		 p->kind == DP_REAL ? "a number" : p->kind == DP_SIZE ? "bytes" : "whole",
		 p->min, max, p->def);
}

static void demos(FILE *f)
{
	fputs(".SH DEMOS\n"
	      "Each demo puts a claim about IPC to the test on this machine and ends\n"
	      "with a lesson computed from what it measured:\n"
	      "\\fBipcscope demo\\fR \\fINAME\\fR [params].\n", f);
	for (int i = 0; demo_registry[i]; i++) {
		const struct demo *d = demo_registry[i];

		fprintf(f, ".TP\n.B %s\n", d->name);
		roff_line(f, d->title);
		fputs(".br\nClaim: ", f);
		roff_line(f, d->claim);
		fputs(".br\nMethod: ", f);
		roff_line(f, d->method);
		fputs(".br\n", f);
		if (!d->exp) {
			fputs("Defaults: ", f);
			roff_line(f, d->defaults && *d->defaults ? d->defaults : "none");
			fputs("(with the params of a run, above)\n", f);
			continue;
		}
		if (!d->exp->params) {
			fputs("Params: none of its own.\n", f);
			continue;
		}
		fputs("Params of its own:\n", f);
		for (const struct dparam *p = d->exp->params; p->name; p++) {
			char range[128];

			dparam_range(p, range, sizeof(range));
			fputs(".br\n\\fB\\-\\-", f);
			roff_put(f, p->name, strlen(p->name), false);
			fputs("\\fR ", f);
			roff_put(f, p->help, strlen(p->help), false);
			fputs(" (", f);
			roff_put(f, range, strlen(range), false);
			fputs(")\n", f);
		}
	}
}

/* --- the page --------------------------------------------------------------- */

void (*manual_serve_usage)(FILE *f);

void manual_help_of(FILE *f, const char *cmd)
{
	if (!strcmp(cmd, "serve"))
		manual_serve_usage(f);
	else
		engine_usage(f, cmd);
}

static void top_help(FILE *f, const char *cmd)
{
	(void)cmd;
	engine_usage(f, NULL);
}

/* blurb: what ipcscope's usage says cmd does, as a paragraph */
static void blurb(FILE *f, const char *cmd)
{
	char *buf = manual_help(top_help, NULL), *line, *nl, *gap, text[256] = "";
	char want[64];
	bool in = false;

	snprintf(want, sizeof(want), "  ipcscope %s ", cmd);
	for (line = buf; line && *line; line = nl + 1) {
		if (!(nl = strchr(line, '\n')))
			break;
		*nl = '\0';
		gap = strstr(line + 2, "   ");
		if (!strncmp(line, "  ipcscope ", 11))
			in = !strncmp(line, want, strlen(want));
		else if (!in || strspn(line, " ") < 10)
			continue;
		if (in && gap)
			append(text, sizeof(text), gap + strspn(gap, " "),
			       strlen(gap + strspn(gap, " ")));
	}
	free(buf);
	if (text[0]) {
		text[0] = (char)(text[0] >= 'a' && text[0] <= 'z' ? text[0] - 32 : text[0]);
		roff_put(f, text, strlen(text), true);
		fputs(".\n.PP\n", f);
	}
}

void engine_manual(FILE *f, void (*serve_usage)(FILE *f))
{
	struct conv c = { .f = f };
	char *buf;
	static const char *const same[] = { "compare", "bench", "sweep", "bench",
					    "demo-params", "bench", NULL };

	manual_serve_usage = serve_usage;
	fprintf(f, ".TH IPCSCOPE 1 \"\" \"ipcscope %s\" \"User Commands\"\n.nh\n.ad l\n",
		IPCSCOPE_VERSION);
	fputs(".SH NAME\n"
	      "ipcscope \\- how fast can two processes on this machine talk, and why\n"
	      ".SH SYNOPSIS\n", f);
	/* the commands, as ipcscope's own usage lists them */
	buf = manual_help(top_help, NULL);
	for (char *line = buf, *nl; line && *line; line = nl + 1) {
		char *gap;

		if (!(nl = strchr(line, '\n')))
			break;
		*nl = '\0';
		if (strncmp(line, "  ipcscope ", 11))
			continue;
		if ((gap = strstr(line + 2, "   ")))
			*gap = '\0';
		fputs(".B \"", f);
		roff_put(f, line + 2, strlen(line + 2), false);
		fputs("\"\n.br\n", f);
	}
	free(buf);
	fputs(".SH DESCRIPTION\n"
	      "ipcscope measures the common Linux IPC mechanisms (shared memory, pipes,\n"
	      "FIFOs, sockets, message queues, eventfd, signals, threads) and the layers\n"
	      "put on top of them (ZeroMQ, gRPC, D\\-Bus, Node.js, Open MPI) for throughput,\n"
	      "latency and CPU cost. It is a command line tool, and with \\fBipcscope serve\\fR\n"
	      "a local HTTP server with a dashboard whose REST endpoints stream results as\n"
	      "newline\\-delimited JSON while a benchmark runs.\n"
	      ".PP\n\\fBipcscope\\fR \\fICOMMAND\\fR \\fB\\-\\-help\\fR shows the params of each command;\n"
	      "\\fBipcscope \\-\\-version\\fR its version.\n", f);
	fputs(".SH COMMANDS\n", f);
	for (int i = 0; engine_commands[i]; i++) {
		const char *cmd = engine_commands[i], *as = NULL;

		for (int k = 0; same[k]; k += 2)
			if (!strcmp(same[k], !strcmp(cmd, "demo") ? "demo-params" : cmd))
				as = same[k + 1];
		fprintf(f, ".SS %s\n", cmd);
		blurb(f, cmd);
		if (!strcmp(cmd, "demo")) {
			conv_text(&c, manual_help_of, "demo-params", as);
			fputs(".PP\nThe demos and their own params are under \\fBDEMOS\\fR below.\n", f);
		} else {
			conv_text(&c, manual_help_of, cmd, as);
		}
	}
	mechanisms(f);
	demos(f);
	fputs(".SH ENVIRONMENT\n"
	      ".TP\n.B IPCSCOPE_CACHE_DIR\n"
	      "where runs keep platform.json, the cache\\-line round trip per CPU pair\n"
	      "(else \\fB$XDG_CACHE_HOME/ipcscope\\fR, else \\fB~/.cache/ipcscope\\fR)\n"
	      ".TP\n.B XDG_STATE_HOME\n"
	      "\\fBipcscope serve\\fR keeps its runs in \\fB$XDG_STATE_HOME/ipcscope/results\\fR\n"
	      "(else \\fB~/.local/state/ipcscope/results\\fR) unless given \\fB\\-\\-results\\-dir\\fR\n"
	      ".TP\n.B TMPDIR\n"
	      "where a run makes its directory of FIFOs, sockets and records (else /tmp)\n"
	      ".SH FILES\n"
	      ".TP\n.B PREFIX/libexec/ipcscope/ipcscope\\-mpi\n"
	      "the binary the ranks of the mpi mechanism run under mpirun\n"
	      ".SH SEE ALSO\n"
	      ".BR mpirun (1),\n"
	      ".BR dbus\\-daemon (1),\n"
	      ".BR ip\\-netns (8);\n"
	      "the README and docs/API.md of ipcscope (the HTTP API and its NDJSON lines)\n", f);
	for (int i = 0; i < c.nseen; i++)
		free(c.seen[i]);
}
