/* test_manual.c -- ipcscope(1) as `ipcscope --man` writes it: every param,
   mechanism (with its options and their values), demo (with its own params)
   and every flag of every command's --help is in it, and it uses only the
   man macros it means to; the bash completion offers every command,
   mechanism, demo, param and option value */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../server/serve.h"
#include "demos/demo.h"
#include "demos/dparam.h"
#include "cli/engine.h"
#include "mech/mech.h"
#include "params/params.h"

static char *roff;   /* the page as written */
static char *text;   /* the same with roff's escapes and fonts taken out */

/* capture: what print writes, in a malloc'd string (not inlined: gcc then
   takes the memstream's buffer for a pointer into this frame) */
__attribute__((noinline))
static char *capture(void (*print)(FILE *f, const char *arg), const char *arg)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);

	assert_non_null(m);
	print(m, arg);
	assert_int_equal(fclose(m), 0);
	return buf;
}

static void manual(FILE *f, const char *arg)
{
	(void)arg;
	engine_manual(f, serve_usage);
}

static void help(FILE *f, const char *cmd)
{
	if (!strcmp(cmd, "serve"))
		serve_usage(f);
	else
		engine_usage(f, cmd);
}

/* plain: s without \- \e \& \(dq \fB \fR \fI (as a reader sees it) */
static char *plain(const char *s)
{
	char *out = malloc(strlen(s) + 1), *o = out;

	assert_non_null(out);
	while (*s) {
		if (s[0] == '\\' && s[1] == 'f' && s[2]) {
			s += 3;
		} else if (s[0] == '\\' && s[1] == '-') {
			*o++ = '-';
			s += 2;
		} else if (s[0] == '\\' && s[1] == 'e') {
			*o++ = '\\';
			s += 2;
		} else if (s[0] == '\\' && s[1] == '&') {
			s += 2;
		} else if (!strncmp(s, "\\(dq", 4)) {
			*o++ = '"';
			s += 4;
		} else {
			*o++ = *s++;
		}
	}
	*o = '\0';
	return out;
}

/* has_flag: "--name" in the text, not as the start of a longer flag */
static bool has_flag(const char *name)
{
	char flag[64];
	size_t n;

	n = (size_t)snprintf(flag, sizeof(flag), "--%s", name);
	for (const char *p = text; (p = strstr(p, flag)); p += n) {
		char next = p[n];

		if (!(next >= 'a' && next <= 'z') && next != '-' && next != '_')
			return true;
	}
	return false;
}

/* has_entry: a tagged paragraph whose tag is name, in bold */
static bool has_entry(const char *name)
{
	char tag[96];

	snprintf(tag, sizeof(tag), ".TP\n.B %s\n", name);
	return strstr(roff, tag) != NULL;
}

static int setup(void **state)
{
	(void)state;
	roff = capture(manual, NULL);
	text = plain(roff);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(roff);
	free(text);
	return 0;
}

static void test_header(void **state)
{
	char want[128];

	(void)state;
	snprintf(want, sizeof(want), ".TH IPCSCOPE 1 \"\" \"ipcscope %s\"", IPCSCOPE_VERSION);
	assert_true(!strncmp(roff, want, strlen(want)));
	for (const char *sh = ".SH NAME\0.SH SYNOPSIS\0.SH DESCRIPTION\0.SH COMMANDS\0"
			      ".SH MECHANISMS\0.SH DEMOS\0.SH ENVIRONMENT\0"; *sh; sh += strlen(sh) + 1)
		assert_non_null(strstr(roff, sh));
}

/* every param of the parser, but run-id: the server names its run
   processes' runs with it (API.md: CLI only, the server sets it) */
static void test_every_param(void **state)
{
	(void)state;
	for (int i = 0; i < P__COUNT; i++) {
		const char *name = params_name((enum param_id)i);

		if (strcmp(name, "run-id") && !has_flag(name))
			fail_msg("param --%s is not in the man page", name);
	}
}

static void test_every_mechanism(void **state)
{
	(void)state;
	for (int i = 0; mech_registry[i]; i++) {
		const struct mech_ops *ops = mech_registry[i];

		if (!has_entry(ops->name))
			fail_msg("mechanism %s has no entry", ops->name);
		for (int k = 0; k < mech_option_count(ops); k++) {
			const struct mech_option *o = &ops->options[k];
			char values[128] = "--";

			/* "--transport ipc|tcp": the option with every value */
			snprintf(values + 2, sizeof(values) - 2, "%s ", o->name);
			for (int v = 0; o->values[v]; v++)
				snprintf(values + strlen(values), sizeof(values) - strlen(values),
					 "%s%s", v ? "|" : "", o->values[v]);
			if (!strstr(text, values))
				fail_msg("option '%s' of %s is not in the man page", values, ops->name);
		}
	}
}

static void test_every_demo(void **state)
{
	(void)state;
	for (int i = 0; demo_registry[i]; i++) {
		const struct demo *d = demo_registry[i];

		if (!has_entry(d->name))
			fail_msg("demo %s has no entry", d->name);
		if (!strstr(text, d->claim))
			fail_msg("the claim of demo %s is not in the man page", d->name);
		for (const struct dparam *p = d->exp ? d->exp->params : NULL; p && p->name; p++)
			if (!has_flag(p->name))
				fail_msg("param --%s of demo %s is not in the man page", p->name,
					 d->name);
	}
}

/* every flag every command's --help names, and every command */
static void test_every_flag_of_every_help(void **state)
{
	(void)state;
	for (int i = 0; engine_commands[i]; i++) {
		const char *cmd = engine_commands[i];
		char *h = capture(help, cmd), sect[64];

		snprintf(sect, sizeof(sect), ".SS %s\n", cmd);
		if (!strstr(roff, sect))
			fail_msg("command %s has no section", cmd);
		for (const char *p = h; (p = strstr(p, "--")); ) {
			char name[64];
			size_t n = strspn(p + 2, "abcdefghijklmnopqrstuvwxyz_-");

			if (n == 0 || n >= sizeof(name)) {
				p += 2;
				continue;
			}
			snprintf(name, sizeof(name), "%.*s", (int)n, p + 2);
			if (!has_flag(name))
				fail_msg("--%s of '%s --help' is not in the man page", name, cmd);
			p += 2 + n;
		}
		free(h);
	}
}

/* each request line is one of the man macros the page means to use, and
   no text line starts with a period or quote roff would take for one */
static void test_only_known_macros(void **state)
{
	static const char *const known[] = { "TH", "SH", "SS", "TP", "B", "BR", "PP", "RS",
					     "RE", "EX", "EE", "br", "nh", "ad", NULL };

	(void)state;
	for (const char *line = roff; *line; ) {
		const char *nl = strchr(line, '\n');
		size_t n = nl ? (size_t)(nl - line) : strlen(line);

		if (line[0] == '.' || line[0] == '\'') {
			size_t m = strcspn(line + 1, " \n");
			bool ok = false;

			for (int k = 0; known[k]; k++)
				ok |= strlen(known[k]) == m && !strncmp(line + 1, known[k], m);
			if (!ok)
				fail_msg("unexpected request line: %.*s", (int)n, line);
		}
		line += n + (nl != NULL);
	}
}

/* --- the bash completion ---------------------------------------------------- */

static void completion(FILE *f, const char *arg)
{
	(void)arg;
	engine_completion_bash(f, serve_usage);
}

/* flags_line: the flags="..." line of the case arm of ctx, or NULL */
static char *flags_line(const char *comp, const char *ctx)
{
	char arm[96];
	const char *p, *q;

	snprintf(arm, sizeof(arm), "\t\"%s\")\n\t\tflags=\"", ctx);
	if (!(p = strstr(comp, arm)))
		return NULL;
	p += strlen(arm);
	q = strchr(p, '"');
	return q ? strndup(p, (size_t)(q - p)) : NULL;
}

/* has_word: word is one of the space-separated words of list */
static bool has_word(const char *list, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = list; (p = strstr(p, word)); p += n)
		if ((p == list || p[-1] == ' ' || p[-1] == '"') &&
		    (p[n] == ' ' || p[n] == '"' || p[n] == '\0'))
			return true;
	return false;
}

static void test_completion(void **state)
{
	char *comp = capture(completion, NULL);
	static const char *const runs[] = { "bench", "compare", "sweep", "demo sync-tax", NULL };

	(void)state;
	/* every command, mechanism and demo among the words offered */
	for (int i = 0; engine_commands[i]; i++)
		if (!strstr(comp, "local commands=\"") || !has_word(strstr(comp, "local commands="),
								     engine_commands[i]))
			fail_msg("command %s is not completed", engine_commands[i]);
	for (int i = 0; mech_registry[i]; i++)
		if (!has_word(strstr(comp, "local mechs="), mech_registry[i]->name))
			fail_msg("mechanism %s is not completed", mech_registry[i]->name);
	for (int i = 0; demo_registry[i]; i++)
		if (!has_word(strstr(comp, "local demos="), demo_registry[i]->name))
			fail_msg("demo %s is not completed", demo_registry[i]->name);
	/* every param a run takes, and every mechanism option with its values */
	for (int r = 0; runs[r]; r++) {
		char *flags = flags_line(comp, runs[r]);

		if (!flags)
			fail_msg("no flags for %s", runs[r]);
		for (int i = 0; i < P__COUNT; i++) {
			const char *name = params_name((enum param_id)i);
			char flag[48];

			snprintf(flag, sizeof(flag), "--%s", name);
			/* sizes is sweep's, size not; mechanisms and baseline compare's */
			if (!strcmp(name, "run-id") ||
			    (!strcmp(name, "sizes")) != !strcmp(runs[r], "sweep") ||
			    (!strcmp(name, "size") && !strcmp(runs[r], "sweep")) ||
			    ((!strcmp(name, "mechanisms") || !strcmp(name, "baseline")) &&
			     strcmp(runs[r], "compare")))
				continue;
			if (!has_word(flags, flag))
				fail_msg("%s of %s is not completed", flag, runs[r]);
		}
		for (int i = 0; mech_registry[i]; i++)
			for (int k = 0; k < mech_option_count(mech_registry[i]); k++) {
				const struct mech_option *o = &mech_registry[i]->options[k];
				char flag[48], arm[64];
				const char *vals;

				snprintf(flag, sizeof(flag), "--%s", o->name);
				snprintf(arm, sizeof(arm), "\t\t%s) values=\"", flag);
				vals = strstr(comp, arm);
				if (!has_word(flags, flag) || !vals) {
					fail_msg("%s of %s is not completed", flag, runs[r]);
					continue;
				}
				for (int v = 0; o->values[v]; v++)
					if (!has_word(strchr(vals, '"'), o->values[v]))
						fail_msg("value %s of %s is not completed", o->values[v],
							 flag);
			}
		free(flags);
	}
	/* a demo with params of its own: those, not a run's */
	for (int i = 0; demo_registry[i]; i++) {
		const struct demo *d = demo_registry[i];
		char ctx[64], *flags;

		if (!d->exp)
			continue;
		snprintf(ctx, sizeof(ctx), "demo %s", d->name);
		if (!(flags = flags_line(comp, ctx)))
			fail_msg("no flags for %s", ctx);
		for (const struct dparam *p = d->exp->params; p && p->name; p++) {
			char flag[48];

			snprintf(flag, sizeof(flag), "--%s", p->name);
			if (!has_word(flags, flag))
				fail_msg("%s of %s is not completed", flag, ctx);
		}
		/* --mode is a run's param, never one of an experiment's own */
		if (has_word(flags, "--mode"))
			fail_msg("%s is offered the params of a run", ctx);
		free(flags);
	}
	free(comp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_header),
		cmocka_unit_test(test_every_param),
		cmocka_unit_test(test_every_mechanism),
		cmocka_unit_test(test_every_demo),
		cmocka_unit_test(test_every_flag_of_every_help),
		cmocka_unit_test(test_only_known_macros),
		cmocka_unit_test(test_completion),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
