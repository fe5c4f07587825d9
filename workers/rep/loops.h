/* loops.h -- the timed loops of one side of a rep (loops.c) */
#ifndef IPCSCOPE_LOOPS_H
#define IPCSCOPE_LOOPS_H

#include "rep/side.h"

/* The loops: 0, or -1 after side_fail. */
int loop_stream_send(struct worker *w);
int loop_stream_recv(struct worker *w);
int loop_latency_send(struct worker *w);
int loop_latency_echo(struct worker *w);

#endif
