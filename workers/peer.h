/* peer.h -- `ipcscope peer` (the far side of a cross-host run) and the driver's connection to it */
#ifndef IPCSCOPE_PEER_H
#define IPCSCOPE_PEER_H

#include <stddef.h>
#include <stdio.h>
#include <cjson/cJSON.h>

#include "peerlink.h"

#define PEER_RUN_MAX_S 120      /* one run's wall time on the peer, as the server's default */

/* peer_main: argv[0] is "peer"; 0 after --once or a signal, 1 when it
   cannot listen, 2 on a usage error */
int peer_main(int argc, char **argv);

/* peer_usage: the --help of `ipcscope peer` */
void peer_usage(FILE *f);

/* peer_drive_open: the driver's side: connects to the peer at hostport,
   proves the token and learns the peer's host; *info gets the start
   line's "peer" object (both hosts and the path). 0 or -1 with err */
int peer_drive_open(struct peer_link *l, const char *hostport, const char *token,
		    cJSON **info, char *err, size_t errlen);

/* peer_drive_close: says goodbye and closes; safe on a link never opened */
void peer_drive_close(struct peer_link *l);

#endif
