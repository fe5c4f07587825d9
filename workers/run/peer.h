/* peer.h -- `ipcscope peer` (the far side of a cross-host run) and the driver's connection to it */
#ifndef IPCSCOPE_PEER_H
#define IPCSCOPE_PEER_H

#include <stddef.h>
#include <stdio.h>
#include <cjson/cJSON.h>

#include "rep/peerlink.h"

#define PEER_RUN_MAX_S 120      /* one run's wall time on the peer, as the server's default */

/* peer_main: argv[0] is "peer"; 0 after --once or a signal, 1 when it
   cannot listen, 2 on a usage error */
int peer_main(int argc, char **argv);

/* peer_usage: the --help of `ipcscope peer` */
void peer_usage(FILE *f);

/* peer_hello_check: o is a hello with this token and protocol version;
   0, or -1 with *code ("bad_token", "bad_version") and why */
int peer_hello_check(const cJSON *o, const char *token, const char **code, char *why,
		     size_t len);

struct bench_params;
struct mech_ops;

/* peer_rep_check: a rep asked of the peer: its mechanism one that can
   cross hosts, its params an object of strings that the same strict
   parser as every other input takes, with a size; 0 with *p and *ops,
   or -1 with why */
int peer_rep_check(const cJSON *rep, struct bench_params *p, const struct mech_ops **ops,
		   char *why, size_t len);

/* peer_drive_open: the driver's side: connects to the peer at hostport,
   proves the token and learns the peer's host; *info gets the start
   line's "peer" object (both hosts and the path). 0 or -1 with err */
int peer_drive_open(struct peer_link *l, const char *hostport, const char *token,
		    cJSON **info, char *err, size_t errlen);

/* peer_drive_close: says goodbye and closes; safe on a link never opened */
void peer_drive_close(struct peer_link *l);

#endif
