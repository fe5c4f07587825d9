/* completion.c -- the bash completion of ipcscope, written from what --help
   prints and from the mechanism and demo registries (`ipcscope --completion
   bash`, run by make) */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "demos/demo.h"
#include "demos/dparam.h"
#include "cli/engine.h"
#include "cli/manual.h"
#include "mech/mech.h"

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

static void comp_help(FILE *f, manual_print_fn *print, const char *cmd,
		      const char *ctx)
{
	char *h = manual_help(print, cmd);
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
	manual_serve_usage = serve_usage;
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
		comp_help(f, manual_help_of, cmd, cmd);
	}
	for (int i = 0; demo_registry[i]; i++) {
		char ctx[64];

		if (demo_registry[i]->exp) {
			demo_flags(f, demo_registry[i]);
			continue;
		}
		snprintf(ctx, sizeof(ctx), "demo %s", demo_registry[i]->name);
		comp_help(f, manual_help_of, "demo-params", ctx);
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
