/* params_peer.c -- peer= and token=: which mechanisms, with which of their
   options, can run between two hosts */
#include "params/params.h"
#include "params/params_int.h"

#include <stdio.h>
#include <string.h>

/* params_cross_host_names: "tcp, udp, zmq (transport=tcp) and grpc
   (transport=tcp)": the mechanisms that can cross hosts, with the option
   values they need */
void params_cross_host_names(char *buf, size_t len)
{
	size_t n = 0;
	int k = 0;

	buf[0] = '\0';
	for (int i = 0; mech_registry[i]; i++)
		k += mech_registry[i]->cross_host != 0;
	for (int i = 0, j = 0; mech_registry[i] && n < len; i++) {
		char one[96];

		if (!mech_registry[i]->cross_host)
			continue;
		mech_cross_host_text(mech_registry[i], one, sizeof(one));
		n += (size_t)snprintf(buf + n, len - n, "%s%s", j++ == 0 ? "" :
				      j == k ? " and " : ", ", one);
	}
}

int params_check_cross_host(const struct bench_params *p, const struct mech_ops *ops,
			    struct param_error *err)
{
	const struct mech_option *o;
	int opt[MECH_MAX_OPTIONS];
	char names[256];

	params_cross_host_names(names, sizeof(names));
	if (!ops->cross_host)
		return param_error_set(err, params_name(P_PEER), "mechanism '%s' cannot cross hosts: with peer only "
				       "%s can (the others' two ends share this machine's memory "
				       "or kernel objects)", ops->name, names);
	params_mech_options(p, ops, opt);
	if (!(o = mech_cross_host_blocker(ops, opt)))
		return 0;
	return param_error_set(err, params_name(P_PEER), "with peer, %s crosses hosts only with %s=%s (%s=%s "
			       "keeps both ends on this machine); the mechanisms that can cross "
			       "hosts: %s", ops->name, o->name, o->cross_host, o->name,
			       params_option(p, o->name) ? params_option(p, o->name) : o->values[0],
			       names);
}

int params_check_peer(const struct bench_params *p, bool explicit_mechs,
		      struct param_error *err)
{
	char names[256];

	if (!p->peer[0] && !p->token[0])
		return 0;
	if (!p->peer[0])
		return param_error_set(err, params_name(P_TOKEN), "token is for a run against a peer: give peer=HOST:PORT too");
	if (!p->token[0])
		return param_error_set(err, params_name(P_TOKEN), "peer needs the token that 'ipcscope peer' printed: "
			    "give token=...");
	params_cross_host_names(names, sizeof(names));
	if (!explicit_mechs || p->cmd == CMD_DEMO)
		return param_error_set(err, params_name(P_PEER), "with peer, name the mechanisms: only %s can cross hosts",
			    names);
	for (int i = 0; i < p->nmechs; i++) {
		const struct mech_ops *ops = mech_find(p->mechs[i]);

		if (ops && ops->run_rep)
			return param_error_set(err, params_name(P_PEER), "mechanism '%s' crosses hosts with its own launcher, "
				    "not with peer: run 'mpirun -np 2 -H HOST1,HOST2 ipcscope bench "
				    "%s' there", ops->name, ops->name);
		if (ops && params_check_cross_host(p, ops, err) < 0)
			return -1;
	}
	return 0;
}
