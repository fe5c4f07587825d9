/* params_check.h -- the checks test_params*.c share: errors that name their param, accepted and rejected values */
#ifndef IPCSCOPE_TEST_PARAMS_CHECK_H
#define IPCSCOPE_TEST_PARAMS_CHECK_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "params/params.h"

static const enum params_cmd all_cmds[] = { CMD_BENCH, CMD_COMPARE, CMD_SWEEP, CMD_DEMO };

/* fresh_err: an error filled with junk, so a missing fill is caught */
static inline void fresh_err(struct param_error *e)
{
	memset(e, 'X', sizeof(*e));
	e->param[sizeof(e->param) - 1] = '\0';
	e->message[sizeof(e->message) - 1] = '\0';
}

/* check_err: err names param and mentions every NULL-terminated hint */
static inline void check_err(const struct param_error *e, const char *param, ...)
{
	va_list ap;
	const char *hint;

	assert_non_null(memchr(e->param, '\0', sizeof(e->param)));
	assert_non_null(memchr(e->message, '\0', sizeof(e->message)));
	assert_true(e->message[0] != '\0' && e->message[0] != 'X');
	if (strcmp(e->param, param) != 0)
		fail_msg("error names '%s', not '%s': %s", e->param, param, e->message);
	if (!strstr(e->message, param))
		fail_msg("message '%s' does not name '%s'", e->message, param);
	va_start(ap, param);
	while ((hint = va_arg(ap, const char *)))
		if (!strstr(e->message, hint))
			fail_msg("message '%s' lacks '%s'", e->message, hint);
	va_end(ap);
}

static inline void accept_ok(struct bench_params *p, const char *name, const char *value)
{
	struct param_error e;

	fresh_err(&e);
	if (params_set(p, name, value, false, &e) != 0)
		fail_msg("%s=%s rejected: %s", name, value, e.message);
}

/* reject: name=value on fresh params of cmd fails, naming the param and
   the hints; the rejected value is never stored (no clamping) */
static inline void reject_cmd(enum params_cmd cmd, bool http, const char *name,
		       const char *value, const char *param, const char *h1,
		       const char *h2)
{
	struct bench_params p, before;
	struct param_error e;

	params_init(&p, cmd);
	fresh_err(&e);
	if (params_set(&p, name, value, http, &e) != -1)
		fail_msg("%s='%s' accepted", name, value ? value : "(null)");
	check_err(&e, param, h1, h2, NULL);
	/* a rejected scalar leaves the default in place (lists may be
	   half-built: the caller discards them with the error) */
	if (strcmp(name, "mechanisms") == 0 || strcmp(name, "sizes") == 0)
		return;
	params_init(&before, cmd);
	before.seen = p.seen;
	assert_memory_equal(&before, &p, sizeof(p));
}

static inline void reject(const char *name, const char *value, const char *h1, const char *h2)
{
	reject_cmd(CMD_BENCH, false, name, value, name, h1, h2);
}

/* bench_of: params for `bench mech` as the CLI builds them */
static inline void bench_of(struct bench_params *p, const char *mech)
{
	params_init(p, CMD_BENCH);
	p->nmechs = 1;
	snprintf(p->mechs[0], sizeof(p->mechs[0]), "%s", mech);
}

#endif
