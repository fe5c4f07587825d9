/* interference_peer.h -- the peer's side of a cross-host rep's interference: what it sends, and what the driver believes of it */
#ifndef IPCSCOPE_INTERFERENCE_PEER_H
#define IPCSCOPE_INTERFERENCE_PEER_H

#include <cjson/cJSON.h>

#include "probe/interference.h"

/* Far beyond any rep's involuntary context switches (a rep lasts at most
   a day): a larger count from a peer is not believed. */
#define INTERF_PEER_MAX_CTX 1e12

/* interference_json_add: o[key] = v, or null when not measured (v < 0) */
void interference_json_add(cJSON *o, const char *key, double v);

/* interference_far_of: the share of a rep's interference a peer reports:
   what it measured on its own side (here) */
void interference_far_of(const struct interference *here, struct interference_far *far);

/* interference_far_json: {other_cpu_pct, steal_pct, involuntary_ctx},
   each a number or null when not measured: what the peer sends in its
   result message, and the start of the result line's interference.peer */
cJSON *interference_far_json(const struct interference_far *far);

/* interference_peer_take: the "interference" object of a peer's result
   message msg into *far. The peer is not trusted: sent only when the
   object is there; each field is believed only as a number in its range
   (shares 0..100, a whole count 0..INTERF_PEER_MAX_CTX), else not measured
   (-1) */
void interference_peer_take(const cJSON *msg, struct interference_far *far);

#endif
