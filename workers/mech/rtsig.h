/* rtsig.h -- real-time signals carrying 8 bytes each, shared by signal and signalfd */
#ifndef IPCSCOPE_RTSIG_H
#define IPCSCOPE_RTSIG_H

#include <signal.h>

#include "mech/mech.h"

#define SIG_SIZE 8             /* a queued signal carries one 8-byte sigval */

/*
 * Real-time signals queue (ordinary ones merge) and keep their order, so
 * one signal per message loses nothing. Each direction has its own
 * number; both stay blocked, so no handler ever runs: signal takes them
 * with sigtimedwait, signalfd reads them from a file descriptor.
 */
struct rtsig {
	int fwd, back;         /* signal numbers: sender->receiver, echo */
	int out, in;           /* this worker's numbers */
	sigset_t ours;         /* {fwd, back} */
	sigset_t unblock;      /* those of ours that were not blocked before */
	int masked;            /* this process blocked them */
	int fd;                /* signalfd of in, or -1 */
};

/* mech_ops hooks both mechanisms share; m->priv is a struct rtsig */
void rtsig_limits(struct mech_limits *lim);
int rtsig_create(struct mech *m);
int rtsig_open(struct mech *m, enum mech_role role);
int rtsig_send(struct mech *m, const void *buf, size_t len);
void rtsig_close(struct mech *m);
void rtsig_destroy(struct mech *m);

#endif
