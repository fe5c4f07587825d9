/* worker.h -- one side of a rep: the worker's life, pinned, through the
   barrier, open, loop, close (internal to the harness; what the loops see
   is side.h) */
#ifndef IPCSCOPE_WORKER_H
#define IPCSCOPE_WORKER_H

#include "rep/side.h"

/* The worker's life (worker.c). */
void worker_pin_self(int cpu);
int worker_read_byte(int fd);
void worker_write_byte(int fd);
int worker_run(struct worker *w);
void *worker_thread(void *arg);

#endif
