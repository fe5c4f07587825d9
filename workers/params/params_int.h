/* params_int.h -- the parser's own helpers, shared by params.c,
   params_options.c and params_peer.c only */
#ifndef IPCSCOPE_PARAMS_INT_H
#define IPCSCOPE_PARAMS_INT_H

#include "params/params_request.h"

/* params_option_known: 1 when some mechanism of the registry declares name */
int params_option_known(const char *name);

/* params_set_option: mechanism option name=v, checked against every
   mechanism declaring it; 0 or -1 with *err */
int params_set_option(struct bench_params *p, const char *name, const char *v,
		      struct param_error *err);

/* params_check_peer: a run against a peer names its peer and token, and
   only mechanisms that can cross hosts (explicit_mechs: the run names
   them); 0 or -1 with *err */
int params_check_peer(const struct bench_params *p, bool explicit_mechs,
		      struct param_error *err);

/* params_options_apply: each option given is declared by one of p's
   mechanisms; 0 or -1 with *err */
int params_options_apply(const struct bench_params *p, struct param_error *err);

#endif
