/* zmq_load.c -- the libzmq entry points zmq.c calls, forwarded to the library opened on first use */
#include <zmq.h>

#include "dynlib.h"
#include "zmq_load.h"

/* X(return type, name, parameters, arguments) */
#define ZMQ_FUNCS(X) \
	X(void *, zmq_ctx_new, (void), ()) \
	X(int, zmq_ctx_term, (void *c), (c)) \
	X(void *, zmq_socket, (void *c, int type), (c, type)) \
	X(int, zmq_close, (void *s), (s)) \
	X(int, zmq_setsockopt, (void *s, int o, const void *v, size_t n), (s, o, v, n)) \
	X(int, zmq_bind, (void *s, const char *a), (s, a)) \
	X(int, zmq_connect, (void *s, const char *a), (s, a)) \
	X(int, zmq_send, (void *s, const void *b, size_t n, int f), (s, b, n, f)) \
	X(int, zmq_recv, (void *s, void *b, size_t n, int f), (s, b, n, f)) \
	X(int, zmq_errno, (void), ())

DYNLIB_FORWARDERS(ZMQ_FUNCS, "libzmq.so.5", zmq_load)
