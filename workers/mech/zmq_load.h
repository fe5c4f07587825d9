/* zmq_load.h -- libzmq, opened when the zmq mechanism first runs */
#ifndef IPCSCOPE_ZMQ_LOAD_H
#define IPCSCOPE_ZMQ_LOAD_H

/* zmq_load: opens libzmq for the zmq_* calls; 0 or -ENOENT */
int zmq_load(void);

#endif
