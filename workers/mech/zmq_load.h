/* zmq_load.h -- libzmq, opened when the zmq mechanism first runs: called only through zapi */
#ifndef IPCSCOPE_ZMQ_LOAD_H
#define IPCSCOPE_ZMQ_LOAD_H

#include <stddef.h>

#include "mech/dynlib.h"

/* X(return type, member, symbol, parameters) */
#define ZMQ_FUNCS(X) \
	X(void *, ctx_new, zmq_ctx_new, (void)) \
	X(int, ctx_term, zmq_ctx_term, (void *c)) \
	X(void *, socket, zmq_socket, (void *c, int type)) \
	X(int, close, zmq_close, (void *s)) \
	X(int, setsockopt, zmq_setsockopt, (void *s, int o, const void *v, size_t n)) \
	X(int, bind, zmq_bind, (void *s, const char *a)) \
	X(int, connect, zmq_connect, (void *s, const char *a)) \
	X(int, send, zmq_send, (void *s, const void *b, size_t n, int f)) \
	X(int, recv, zmq_recv, (void *s, void *b, size_t n, int f)) \
	X(int, errnum, zmq_errno, (void))

/* zapi: our table of libzmq's entry points, filled by zapi_load() */
struct zmq_api {
	DYNLIB_MEMBERS(ZMQ_FUNCS)
};
extern struct zmq_api zapi;

/* zapi_load: opens libzmq.so.5 and fills zapi; 0 or -ENOENT */
int zapi_load(void);

#endif
