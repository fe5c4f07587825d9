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

#define DECLARE(ret, name, params, args) static ret (*p_##name) params;
ZMQ_FUNCS(DECLARE)
#undef DECLARE

#define NAME(ret, name, params, args) #name,
static const char *const names[] = { ZMQ_FUNCS(NAME) NULL };
#undef NAME
#define SLOT(ret, name, params, args) (void **)&p_##name,
static void **const slots[] = { ZMQ_FUNCS(SLOT) NULL };
#undef SLOT

static struct dynlib lib = DYNLIB_INIT("libzmq.so.5", names, slots);

int zmq_load(void)
{
	return dynlib_load(&lib);
}

#define FORWARD(ret, name, params, args) ret name params { return p_##name args; }
ZMQ_FUNCS(FORWARD)
#undef FORWARD
