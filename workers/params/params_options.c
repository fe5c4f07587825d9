/* params_options.c -- mechanism options (struct mech_option) as params:
   known by the registry, stored by name, checked per mechanism */
#include "params/params.h"
#include "params/params_int.h"

#include <stdio.h>
#include <string.h>

/* option_of: ops's option called name, or NULL */
static const struct mech_option *option_of(const struct mech_ops *ops, const char *name)
{
	int k = mech_option_index(ops, name);

	return k < 0 ? NULL : &ops->options[k];
}

/* option_known: 1 when some mechanism of the registry declares name */
int params_option_known(const char *name)
{
	for (int i = 0; mech_registry[i]; i++)
		if (option_of(mech_registry[i], name))
			return 1;
	return 0;
}

/* declarers: "shm" or "zmq and grpc", the mechanisms declaring name;
   returns how many there are */
static int declarers(const char *name, char *buf, size_t len)
{
	int n = 0;

	buf[0] = '\0';
	for (int i = 0; mech_registry[i]; i++)
		if (option_of(mech_registry[i], name))
			snprintf(buf + strlen(buf), len - strlen(buf), "%s%s",
				 n++ ? " and " : "", mech_registry[i]->name);
	return n;
}

/* set_option: mechanism option name=v, checked against every mechanism
   declaring it; 0 or -1 with *err */
int params_set_option(struct bench_params *p, const char *name, const char *v,
		      struct param_error *err)
{
	char values[256] = "";
	int ok = 0;

	for (int i = 0; mech_registry[i]; i++) {
		const struct mech_option *o = option_of(mech_registry[i], name);
		char text[128];

		if (!o)
			continue;
		ok |= mech_option_value(o, v) >= 0;
		mech_option_values_text(o, text, sizeof(text));
		if (!strstr(values, text))
			snprintf(values + strlen(values), sizeof(values) - strlen(values), "%s%s",
				 values[0] ? "; " : "", text);
	}
	if (!ok || strlen(v) >= PARAMS_OPTION_VALUE_MAX)
		return param_error_set(err, name, "bad value '%.64s' for %s: expected %s", v, name, values);
	if (p->nopts == PARAMS_MAX_OPTIONS)
		return param_error_set(err, name, "too many mechanism options: at most %d", PARAMS_MAX_OPTIONS);
	snprintf(p->opts[p->nopts].name, sizeof(p->opts[p->nopts].name), "%s", name);
	snprintf(p->opts[p->nopts].value, sizeof(p->opts[p->nopts].value), "%s", v);
	p->nopts++;
	return 0;
}

const char *params_option(const struct bench_params *p, const char *name)
{
	for (int i = 0; i < p->nopts; i++)
		if (strcmp(p->opts[i].name, name) == 0)
			return p->opts[i].value;
	return NULL;
}

void params_mech_options(const struct bench_params *p, const struct mech_ops *ops,
			 int opt[MECH_MAX_OPTIONS])
{
	for (int i = 0; i < MECH_MAX_OPTIONS; i++)
		opt[i] = 0;
	for (int i = 0; i < mech_option_count(ops) && i < MECH_MAX_OPTIONS; i++) {
		const char *v = params_option(p, ops->options[i].name);
		int k = v ? mech_option_value(&ops->options[i], v) : 0;

		opt[i] = k < 0 ? 0 : k;
	}
}

int params_check_options(const struct bench_params *p, const struct mech_ops *ops,
			 struct param_error *err)
{
	for (int i = 0; i < p->nopts; i++) {
		const struct mech_option *o = option_of(ops, p->opts[i].name);
		char text[128];

		if (!o || mech_option_value(o, p->opts[i].value) >= 0)
			continue;
		mech_option_values_text(o, text, sizeof(text));
		return param_error_set(err, o->name, "bad value '%s' for %s: %s takes %s",
			    p->opts[i].value, o->name, ops->name, text);
	}
	return 0;
}

/* check_options_apply: each option given is declared by one of the
   mechanisms run; 0 or -1 with *err */
int params_options_apply(const struct bench_params *p, struct param_error *err)
{
	for (int i = 0; i < p->nopts; i++) {
		char who[256];
		int used = 0, n;

		for (int k = 0; k < p->nmechs; k++) {
			const struct mech_ops *ops = mech_find(p->mechs[k]);
			used |= ops && option_of(ops, p->opts[i].name);
		}
		if (used)
			continue;
		n = declarers(p->opts[i].name, who, sizeof(who));
		return param_error_set(err, p->opts[i].name, "%s applies to the %s mechanism%s only",
			    p->opts[i].name, who, n > 1 ? "s" : "");
	}
	return 0;
}

