/* params.h -- the one strict parser for run parameters, shared by CLI and HTTP:
   what the engine uses of it (params_request.h: what a request needs) */
#ifndef IPCSCOPE_PARAMS_H
#define IPCSCOPE_PARAMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mech/mech.h"
#include "params/params_request.h"

/* params_parse_size: "64", "4K", "1M" (powers of 1024) into *out;
   0 or -1 for junk, overflow, or a value outside 1..64M */
int params_parse_size(const char *s, uint64_t *out);

/* params_given: 1 when the param or mechanism option name was set */
int params_given(const struct bench_params *p, const char *name);

/* params_forget: undoes the setting of name, so it can be set again */
void params_forget(struct bench_params *p, const char *name);

/* params_option: the value given for mechanism option name, or NULL */
const char *params_option(const struct bench_params *p, const char *name);

/* params_mech_options: opt[i] = index of the value of ops->options[i]
   under p (0, its default, when not given); what struct mech carries */
void params_mech_options(const struct bench_params *p, const struct mech_ops *ops,
			 int opt[MECH_MAX_OPTIONS]);

/* params_check_options: the options given that ops declares take values
   ops accepts; 0 or -1 with *err */
int params_check_options(const struct bench_params *p, const struct mech_ops *ops,
			 struct param_error *err);

/* params_mode_name: "latency", "throughput", ... */
const char *params_mode_name(enum bench_mode m);

/* params_pin_text: "split", "same", "none" or "A,B" into buf */
const char *params_pin_text(const struct bench_params *p, char *buf, size_t len);

/* params_effective_size: p->size, or the mechanism's fixed size when the
   user did not choose one and the mechanism cannot take the default */
uint64_t params_effective_size(const struct bench_params *p,
			       const struct mech_ops *ops);

/* params_check_size: size fits ops on this machine; 0, or -1 with *err
   naming param and the mechanism's limit */
int params_check_size(const struct mech_ops *ops, uint64_t size, const char *param,
		      struct param_error *err);

/* params_cross_host_names: "tcp, udp, zmq (transport=tcp) and grpc
   (transport=tcp)": the mechanisms that can cross hosts, with the option
   values they need, into buf */
void params_cross_host_names(char *buf, size_t len);

/* params_check_cross_host: ops (a cross_host mechanism) can cross hosts
   with p's options, for a run against a peer or a rep a peer is asked
   for; 0, or -1 with *err naming peer and the option value it needs */
int params_check_cross_host(const struct bench_params *p, const struct mech_ops *ops,
			    struct param_error *err);

#endif
