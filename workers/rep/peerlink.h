/* peerlink.h -- a rep whose two workers are on two hosts: data sockets, barrier, and the rep's life over the control connection */
#ifndef IPCSCOPE_PEERLINK_H
#define IPCSCOPE_PEERLINK_H

#include <pthread.h>
#include <stdatomic.h>

#include "probe/interference.h"
#include "mech/mech.h"
#include "net/peerproto.h"

struct ctl;
struct bench_params;
struct cJSON;

/*
 * The driver (the side that asked for the run) is always the sender and
 * times everything it reports on its own clock; the peer is always the
 * receiver. Per rep, over the control connection:
 *   driver: rep {mechanism, params, port}   peer: port {port} | error
 *   peer:   ready {ok, message}             driver: go {stop}
 *   driver: total, done, stop as they happen; peer: progress
 *   peer:   result {its worker's figures and CPU use, and interference:
 *           what else ran on its worker's CPU (a peer that does not send
 *           it: not measured)}
 */
struct peer_link {
	struct peer_conn conn;
	enum mech_role role;            /* ROLE_SENDER on the driver */
	struct sockaddr_in here, there; /* the control connection's two ends */
	struct mech_net net;
	cJSON *rep;                     /* peer: the rep asked for, until used */
	/* the rep in flight */
	struct ctl *ctl;
	pthread_t pump;
	int pumping;
	_Atomic int finish;             /* the local worker is reaped */
	_Atomic int result_in;          /* driver: the peer's figures came */
	_Atomic int broken;             /* failure says why */
	struct interference_far far;    /* driver: the peer's interference, as believed */
	int answered;                   /* peer: this rep's result or error is sent */
	char failure[192];              /* why the link failed mid-rep, or "" */
	char remote_code[32];           /* storage for the peer's error code */
};

/* peerlink_init: a link over the connected control socket fd for role;
   0 or -1 with err */
int peerlink_init(struct peer_link *l, int fd, enum mech_role role, char *err, size_t errlen);

/* peerlink_data_open: this side's data socket of m's mechanism joined to
   the other host's (instead of create); the driver asks for the rep with
   p and size. 0, or -1 with err and *code */
int peerlink_data_open(struct peer_link *l, struct mech *m, const struct bench_params *p,
		       char *err, size_t errlen, const char **code);

/* peerlink_barrier: both sides' workers are ready (local_ok: ours is);
   the driver says go, or stop when either is not. 0 when the rep goes */
int peerlink_barrier(struct peer_link *l, int local_ok, char *err, size_t errlen);

/* peerlink_pump_start: relays the shared control block c to the other
   side until peerlink_pump_finish; 0 or -1 */
int peerlink_pump_start(struct peer_link *l, struct ctl *c);

/* peerlink_pump_finish: after the local worker is reaped: the peer sends
   its worker's figures and here (the interference on its side); the
   driver waits (at most wait_ms) until they are in c->out[ROLE_RECEIVER]
   and l->far. 0, or -1 with err */
int peerlink_pump_finish(struct peer_link *l, const struct interference *here, int wait_ms,
			 char *err, size_t errlen);

/* peerlink_refuse: the peer tells the driver why this rep cannot run
   (it answers every rep once: figures or this); -1 */
int peerlink_refuse(struct peer_link *l, const char *why);

#endif
