/* http_gate.h -- the listening socket: each connection's head judged before MHD takes it */
#ifndef IPCSCOPE_HTTP_GATE_H
#define IPCSCOPE_HTTP_GATE_H

#include <stddef.h>

#include "mhd_api.h"

#define GATE_HEAD_TIMEOUT_S 10     /* a connection's request head must arrive in this */
#define GATE_PENDING_MAX 64        /* connections waiting for their head */
#define GATE_PER_IP 32             /* of those, and of MHD's, from one address */

/* gate_listen: binds and listens on bind (numeric address) and port (0: any);
   the port it got in *bound; 0, or -1 with a message in err */
int gate_listen(const char *bind, int port, int *bound, char *err, size_t errlen);

/* gate_start: starts the thread that accepts connections, waits for each
   one's request head (at most GATE_HEAD_TIMEOUT_S), answers a refused head
   with ipcscope's JSON error and hands the others to d; 0, or -1 with err */
int gate_start(struct MHD_Daemon *d, char *err, size_t errlen);

/* gate_answer: sends ipcscope's JSON error for a refused head v on fd
   (what the client sent is read first) and ends the sending side */
struct head_verdict;
void gate_answer(int fd, const struct head_verdict *v);

/* gate_stop: stops accepting and closes what waits; before MHD stops */
void gate_stop(void);

#endif
