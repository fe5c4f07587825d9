/* sockpair.h -- the two connected sockets a socket backend makes before fork */
#ifndef IPCSCOPE_SOCKPAIR_H
#define IPCSCOPE_SOCKPAIR_H

#include <stddef.h>

#include "mech/mech.h"

/* Backend state of every socket mechanism: the parent holds both ends,
   each worker keeps its own. */
struct sockpair {
	int sv[2];   /* [0] the sender's end, [1] the receiver's end */
	int fd;      /* this worker's end, -1 in the parent */
	int lfd;     /* cross-host tcp receiver: the data listener, -1 */
};

/* sockpair_init: every end of p -1 */
void sockpair_init(struct sockpair *p);

/* sockpair_new: attaches fresh state (all ends -1) to m->priv; the
   struct or NULL when out of memory */
struct sockpair *sockpair_new(struct mech *m);

/* sockpair_fd: this worker's socket */
static inline int sockpair_fd(const struct mech *m)
{
	return ((const struct sockpair *)m->priv)->fd;
}

/* sockpair_open: keeps the role's end, closes the other; 0 */
int sockpair_open(struct mech *m, enum mech_role role);

/* sockpair_send_stream, sockpair_recv_stream: whole messages over a byte
   stream, looping over short writes and reads; 0 or -errno as io.h */
int sockpair_send_stream(struct mech *m, const void *buf, size_t len);
int sockpair_recv_stream(struct mech *m, void *buf, size_t len);

/* sockpair_close: the worker's own end */
void sockpair_close(struct mech *m);

/* sockpair_close_all: every end p holds */
void sockpair_close_all(struct sockpair *p);

/* sockpair_destroy: every end the parent still holds, and the state;
   safe after a partial create */
void sockpair_destroy(struct mech *m);

struct sockaddr_in;

/* sockpair_bind_loopback: a socket of type (SOCK_STREAM, SOCK_DGRAM)
   bound to 127.0.0.1 at a port the kernel picks, that address in *addr;
   the fd or -errno */
int sockpair_bind_loopback(int type, struct sockaddr_in *addr);

/* sockpair_grant_buffers: records the buffer sizes the kernel gave */
void sockpair_grant_buffers(struct mech *m);

/* Cross-host (mech.h net_listen/net_join): the role's own end is
   sv[sockpair_mine(m)]; the other stays -1, on the other host. */
static inline int sockpair_mine(const struct mech *m)
{
	return m->role == ROLE_SENDER ? 0 : 1;
}

/* sockpair_net_bind: a socket of type bound to m->net->local, the port
   the kernel gave written back there; the fd or -errno */
int sockpair_net_bind(struct mech *m, int type);

/* sockpair_net_state: the sockpair of a cross-host rep, made on first use;
   NULL when out of memory */
struct sockpair *sockpair_net_state(struct mech *m);

/* sockpair_net_grant: records the buffer sizes of this side's own end fd */
void sockpair_net_grant(struct mech *m, int fd);

/* --- a TCP data connection across hosts (tcp, and under zmq and grpc) --- */

/* sockpair_tcp_loopback: a TCP connection on 127.0.0.1 through a listener
   at a port the kernel picks (its address in *addr), closed once the
   connection is accepted: sv[0] the connecting end, sv[1] the accepted
   one; 0 or -errno (the ends made so far are in sv, for the caller) */
int sockpair_tcp_loopback(int sv[2], struct sockaddr_in *addr);

/* sockpair_tcp_tune: Nagle off (each message leaves at once) and a
   receive timeout of ms; 0 or -errno */
int sockpair_tcp_tune(int fd, int timeout_ms);

/* sockpair_tcp_net_listen: net_listen of a TCP data connection: the
   receiver listens on m->net->local (the fd in *lfd, the port written
   back), the sender, which connects, binds nothing (port 0); 0 or -errno */
int sockpair_tcp_net_listen(struct mech *m, int *lfd);

/* sockpair_tcp_net_join: net_join of it: the sender connects to
   m->net->remote, the receiver accepts from that host only (and closes
   p->lfd), within m->net->accept_ms; the tuned end in
   p->sv[sockpair_mine(m)], its port and buffer sizes granted; 0 or -errno */
int sockpair_tcp_net_join(struct mech *m, struct sockpair *p);

#endif
