/* xh_lab.h -- the cross-host demo's lab: two namespaces joined by a veth
   pair, an ipcscope peer in one, and children spawned into either */
#ifndef IPCSCOPE_XH_LAB_H
#define IPCSCOPE_XH_LAB_H

#include <stddef.h>
#include <sys/types.h>

#include "net/netns.h"
#include "net/peerproto.h"
#include "demos/exp.h"

struct xh_lab {
	struct netns_pair net;       /* [0] the peer's, [1] the client's */
	char token[PEER_TOKEN_LEN + 1];
	int peer_fd;
	pid_t peer;
};

/* a child's output as it arrives, NUL-terminated, capped */
struct xh_buf {
	char *p;
	size_t n, cap;
};

/* xh_lab_open: the namespaces (removed by a guardian child however the
   demo ends), the link and the peer; 0 or -1 with err */
int xh_lab_open(struct xh_lab *l, struct exp_out *o, char *err, size_t errlen);

/* xh_lab_close: stops the peer and lets the guardian remove the namespaces */
void xh_lab_close(struct xh_lab *l);

/* xh_lab_shape: a tbf of rate_mbit on both ends of the link; 0 or -1 */
int xh_lab_shape(struct xh_lab *l, int rate_mbit, char *err, size_t errlen);

/* xh_spawn: /proc/self/exe with argv in namespace ns (or here), token
   (if any) on its stdin for "--token-file -" (never on a command line),
   its output on *fd; the pid or -1 with err */
pid_t xh_spawn(char *const argv[], const char *ns, const char *token, int *fd, char *err,
	       size_t errlen);

/* xh_slurp: what is ready on fd within a poll interval into b; 1 at end
   of stream */
int xh_slurp(int fd, struct xh_buf *b);

/* xh_reap: kills pid and waits for it; *status (may be NULL) its end; then
   sweeps what it could not remove (its run directory) */
void xh_reap(pid_t pid, int *status);

#endif
