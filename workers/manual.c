/* manual.c -- ipcscope(1) in roff, written from what --help prints and from
   the mechanism and demo registries, so the man page cannot drift from the
   binary it documents (`ipcscope --man`, run by make) */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "demos/demo.h"
#include "demos/dparam.h"
#include "engine.h"
#include "human.h"
#include "mech.h"

/* --- roff text ------------------------------------------------------------- */

/* roff_put: n bytes of s as roff text on the current line: backslashes
   escaped, a dash in an option (at a word's start, or after another dash)
   a minus sign, quotes and periods harmless where roff would read them */
static void roff_put(FILE *f, const char *s, size_t n, bool bol)
{
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (bol && i == 0 && (c == '.' || c == '\''))
			fputs("\\&", f);
		if (c == '\\')
			fputs("\\e", f);
		else if (c == '-' && (i == 0 || s[i - 1] == ' ' || s[i - 1] == '-' ||
				      s[i - 1] == '[' || s[i - 1] == '(' || s[i - 1] == '|' ||
				      s[i - 1] == '\'' || s[i + 1] == '-'))
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

/* help_text: what print(f, cmd) writes, in a malloc'd string, or NULL */
static char *help_text(void (*print)(FILE *f, const char *cmd), const char *cmd)
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
static void conv_text(struct conv *c, void (*print)(FILE *f, const char *cmd), const char *cmd,
		      const char *same_as)
{
	char *buf = help_text(print, cmd);

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

static void (*serve_help)(FILE *f);

/* help_of: the --help text of cmd, serve's included */
static void help_of(FILE *f, const char *cmd)
{
	if (!strcmp(cmd, "serve"))
		serve_help(f);
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
	char *buf = help_text(top_help, NULL), *line, *nl, *gap, text[256] = "";
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

	serve_help = serve_usage;
	fprintf(f, ".TH IPCSCOPE 1 \"\" \"ipcscope %s\" \"User Commands\"\n.nh\n.ad l\n",
		IPCSCOPE_VERSION);
	fputs(".SH NAME\n"
	      "ipcscope \\- how fast can two processes on this machine talk, and why\n"
	      ".SH SYNOPSIS\n", f);
	/* the commands, as ipcscope's own usage lists them */
	buf = help_text(top_help, NULL);
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
			conv_text(&c, help_of, "demo-params", as);
			fputs(".PP\nThe demos and their own params are under \\fBDEMOS\\fR below.\n", f);
		} else {
			conv_text(&c, help_of, cmd, as);
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

/* --- bash completion --------------------------------------------------------- */

/* The flags of one command (or of one demo that takes its own params), read
   from the rows and the usage line of its --help: a flag, whether it takes
   a value, and the values when the help lists them (a|b|c). */
#define COMP_FLAGS_MAX 48

struct comp_flag {
	char name[40];
	bool arg;
	char values[256];          /* space-separated; "" when free-form */
};

struct comp_set {
	struct comp_flag f[COMP_FLAGS_MAX];
	int n;
};

/* values_of: "a b c" from "a|b|c", words of lowercase letters, digits,
   '-' and '_' only ("A,B" and "N[K|M]" are placeholders, not values) */
static void values_of(const char *arg, size_t n, char *out, size_t len)
{
	out[0] = '\0';
	if (!memchr(arg, '|', n))
		return;
	for (size_t i = 0; i < n; ) {
		size_t k = i;

		while (k < n && arg[k] != '|')
			k++;
		if (k > i && strspn(arg + i, "abcdefghijklmnopqrstuvwxyz0123456789-_") == k - i)
			snprintf(out + strlen(out), len - strlen(out), "%s%.*s", out[0] ? " " : "",
				 (int)(k - i), arg + i);
		i = k + 1;
	}
}

/* merge: the words of add not yet in values, appended */
static void merge(char *values, size_t len, const char *add)
{
	char word[64];

	for (const char *p = add; *p; ) {
		size_t n = strcspn(p, " "), have = strlen(values);
		bool dup = false;

		snprintf(word, sizeof(word), "%.*s", (int)n, p);
		for (const char *v = values; *v; v += strcspn(v, " "), v += *v == ' ')
			dup |= strcspn(v, " ") == strlen(word) && !strncmp(v, word, strlen(word));
		if (!dup)
			snprintf(values + have, len - have, "%s%s", have ? " " : "", word);
		p += n;
		p += *p == ' ';
	}
}

/* add_flag: the flag at s ("--name[ ARG]"), once, its values those of every
   row naming it (zmq's and grpc's --transport take different ones); a DIR
   argument completes as a directory */
static void add_flag(struct comp_set *set, const char *s)
{
	size_t n = strspn(s + 2, "abcdefghijklmnopqrstuvwxyz0123456789-_");
	const char *arg = s + 2 + n;
	struct comp_flag *f = NULL;
	char values[256] = "";
	bool has_arg = *arg == ' ' && arg[1] && arg[1] != '-' && arg[1] != ' ' && arg[1] != '(';

	if (n == 0 || n >= sizeof(set->f[0].name))
		return;
	if (has_arg) {
		arg++;
		if (!strncmp(arg, "DIR", 3) && strchr(" ]", arg[3]))
			snprintf(values, sizeof(values), "@dirs");
		else
			values_of(arg, strcspn(arg, " ]"), values, sizeof(values));
	}
	for (int i = 0; i < set->n; i++)
		if (strlen(set->f[i].name) == n + 2 && !strncmp(set->f[i].name, s, n + 2))
			f = &set->f[i];
	if (!f) {
		if (set->n == COMP_FLAGS_MAX)
			return;
		f = &set->f[set->n++];
		snprintf(f->name, sizeof(f->name), "%.*s", (int)n + 2, s);
		f->arg = has_arg;
	}
	merge(f->values, sizeof(f->values), values);
}

/* flags_of: the flags of a help text: its usage line's and its rows' */
static void flags_of(struct comp_set *set, const char *help)
{
	for (const char *line = help; line && *line; ) {
		const char *nl = strchr(line, '\n');
		char buf[512];
		size_t n = nl ? (size_t)(nl - line) : strlen(line);

		snprintf(buf, sizeof(buf), "%.*s", (int)n, line);
		if (!strncmp(buf, "usage: ", 7)) {
			for (char *p = buf; (p = strstr(p, "--")); p += 2)
				if (p[-1] == ' ' || p[-1] == '[')
					add_flag(set, p);
		} else if (!strncmp(buf, "  --", 4)) {
			add_flag(set, buf + 2);
		}
		line = nl ? nl + 1 : NULL;
	}
	add_flag(set, "--help");
}

/* comp_case: one context's flags and values as case arms of bash */
static void comp_case(FILE *f, const char *ctx, const struct comp_set *set)
{
	fprintf(f, "\t\"%s\")\n\t\tflags=\"", ctx);
	for (int i = 0; i < set->n; i++)
		fprintf(f, "%s%s", i ? " " : "", set->f[i].name);
	fputs("\"\n\t\tcase $prev in\n", f);
	for (int i = 0; i < set->n; i++) {
		const struct comp_flag *fl = &set->f[i];

		if (!fl->arg)
			continue;
		if (!strcmp(fl->name, "--mechanisms"))
			fprintf(f, "\t\t%s) _ipcscope_list \"$mechs\"; return ;;\n", fl->name);
		else if (!strcmp(fl->name, "--baseline"))
			fprintf(f, "\t\t%s) values=$mechs ;;\n", fl->name);
		else
			fprintf(f, "\t\t%s) values=\"%s\" ;;\n", fl->name, fl->values);
	}
	fputs("\t\tesac ;;\n", f);
}

static void comp_help(FILE *f, void (*print)(FILE *f, const char *cmd), const char *cmd,
		      const char *ctx)
{
	char *h = help_text(print, cmd);
	struct comp_set *set = calloc(1, sizeof(*set));

	if (h && set) {
		flags_of(set, h);
		comp_case(f, ctx, set);
	}
	free(set);
	free(h);
}

/* demo_flags: an experiment demo's own params, as its --help lists them */
static void demo_flags(FILE *f, const struct demo *d)
{
	struct comp_set *set = calloc(1, sizeof(*set));
	char ctx[64];

	if (!set)
		return;
	for (const struct dparam *p = d->exp->params; p && p->name; p++) {
		char flag[64];

		snprintf(flag, sizeof(flag), "--%s N", p->name);
		add_flag(set, flag);
		if (p->kind == DP_BOOL)
			snprintf(set->f[set->n - 1].values, sizeof(set->f[0].values), "0 1");
	}
	add_flag(set, "--format text|json|ndjson");
	add_flag(set, "--help");
	snprintf(ctx, sizeof(ctx), "demo %s", d->name);
	comp_case(f, ctx, set);
	free(set);
}

void engine_completion_bash(FILE *f, void (*serve_usage)(FILE *f))
{
	serve_help = serve_usage;
	fprintf(f, "# bash completion for ipcscope %s, written by 'ipcscope --completion bash'\n"
		"# from its usage texts and its mechanism and demo registries\n\n", IPCSCOPE_VERSION);
	fputs("# _ipcscope_list WORDS: the last item of a comma-separated list\n"
	      "_ipcscope_list() {\n"
	      "\tlocal head= tail=$cur\n"
	      "\tif [[ $cur == *,* ]]; then head=${cur%,*},; tail=${cur##*,}; fi\n"
	      "\tCOMPREPLY=($(compgen -P \"$head\" -W \"$1\" -- \"$tail\"))\n"
	      "\tcompopt -o nospace 2>/dev/null || true\n"
	      "}\n\n"
	      "_ipcscope() {\n"
	      "\tlocal cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}\n"
	      "\tlocal cmd=${COMP_WORDS[1]} ctx flags= values=- i\n", f);
	fputs("\tlocal commands=\"", f);
	for (int i = 0; engine_commands[i]; i++)
		fprintf(f, "%s ", engine_commands[i]);
	fputs("--help --version\"\n\tlocal mechs=\"", f);
	for (int i = 0; mech_registry[i]; i++)
		fprintf(f, "%s%s", i ? " " : "", mech_registry[i]->name);
	fputs("\"\n\tlocal demos=\"", f);
	for (int i = 0; demo_registry[i]; i++)
		fprintf(f, "%s%s", i ? " " : "", demo_registry[i]->name);
	fputs("\"\n\n"
	      "\tCOMPREPLY=()\n"
	      "\tif [ \"$COMP_CWORD\" -eq 1 ]; then\n"
	      "\t\tCOMPREPLY=($(compgen -W \"$commands\" -- \"$cur\"))\n"
	      "\t\treturn\n"
	      "\tfi\n"
	      "\t# lab runs a command after --: complete that command's name\n"
	      "\tif [ \"$cmd\" = lab ]; then\n"
	      "\t\tfor ((i = 2; i < COMP_CWORD; i++)); do\n"
	      "\t\t\tif [ \"${COMP_WORDS[i]}\" = -- ]; then\n"
	      "\t\t\t\t[ \"$i\" -eq $((COMP_CWORD - 1)) ] && COMPREPLY=($(compgen -c -- \"$cur\"))\n"
	      "\t\t\t\treturn\n"
	      "\t\t\tfi\n"
	      "\t\tdone\n"
	      "\tfi\n"
	      "\tctx=$cmd\n"
	      "\t[ \"$cmd\" = demo ] && [ \"$COMP_CWORD\" -gt 2 ] && ctx=\"demo ${COMP_WORDS[2]}\"\n"
	      "\tcase $ctx in\n", f);
	for (int i = 0; engine_commands[i]; i++) {
		const char *cmd = engine_commands[i];

		if (!strcmp(cmd, "demo"))
			continue;
		comp_help(f, help_of, cmd, cmd);
	}
	for (int i = 0; demo_registry[i]; i++) {
		char ctx[64];

		if (demo_registry[i]->exp) {
			demo_flags(f, demo_registry[i]);
			continue;
		}
		snprintf(ctx, sizeof(ctx), "demo %s", demo_registry[i]->name);
		comp_help(f, help_of, "demo-params", ctx);
	}
	fputs("\tesac\n"
	      "\t# the value of a flag: its values, or nothing to offer when free-form\n"
	      "\tif [ \"$values\" = @dirs ]; then\n"
	      "\t\tCOMPREPLY=($(compgen -d -- \"$cur\"))\n"
	      "\t\treturn\n"
	      "\tfi\n"
	      "\tif [ \"$values\" != - ]; then\n"
	      "\t\tCOMPREPLY=($(compgen -W \"$values\" -- \"$cur\"))\n"
	      "\t\treturn\n"
	      "\tfi\n"
	      "\tif [[ $cur == -* ]]; then\n"
	      "\t\tCOMPREPLY=($(compgen -W \"$flags\" -- \"$cur\"))\n"
	      "\t\treturn\n"
	      "\tfi\n"
	      "\t# the positional word: a mechanism, a list of them, or a demo\n"
	      "\tcase $cmd in\n"
	      "\tbench) [ \"$COMP_CWORD\" -eq 2 ] && COMPREPLY=($(compgen -W \"$mechs\" -- \"$cur\")) ;;\n"
	      "\tcompare | sweep) [ \"$COMP_CWORD\" -eq 2 ] && _ipcscope_list \"$mechs\" ;;\n"
	      "\tdemo) [ \"$COMP_CWORD\" -eq 2 ] && COMPREPLY=($(compgen -W \"$demos\" -- \"$cur\")) ;;\n"
	      "\tesac\n"
	      "}\n"
	      "complete -F _ipcscope ipcscope\n", f);
}
