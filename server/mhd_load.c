/* mhd_load.c -- libmicrohttpd, loaded only by `ipcscope serve`
 *
 * The run processes that the server spawns are this same binary; linking
 * libmicrohttpd would make every one of them load it and its TLS stack
 * (gnutls and eight more libraries) before printing a line, several
 * milliseconds of every request. So the binary does not link it: the few
 * entry points the server uses are defined here and forwarded to the
 * library, opened with dlopen() on first use.
 */
#include <dlfcn.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>

#include <microhttpd.h>

#include "mhd_load.h"

#define MHD_SONAME "libmicrohttpd.so.12"

/* The table of entry points: X(return type, name, parameters, arguments) */
#define MHD_FUNCS(X) \
	X(enum MHD_Result, MHD_add_response_header, \
	  (struct MHD_Response *r, const char *h, const char *v), (r, h, v)) \
	X(struct MHD_Response *, MHD_create_response_from_buffer, \
	  (size_t n, void *b, enum MHD_ResponseMemoryMode m), (n, b, m)) \
	X(struct MHD_Response *, MHD_create_response_from_callback, \
	  (uint64_t n, size_t bs, MHD_ContentReaderCallback cb, void *cls, \
	   MHD_ContentReaderFreeCallback fcb), (n, bs, cb, cls, fcb)) \
	X(void, MHD_destroy_response, (struct MHD_Response *r), (r)) \
	X(int, MHD_get_connection_values, (struct MHD_Connection *c, enum MHD_ValueKind k, \
	  MHD_KeyValueIterator it, void *cls), (c, k, it, cls)) \
	X(const char *, MHD_lookup_connection_value, \
	  (struct MHD_Connection *c, enum MHD_ValueKind k, const char *key), (c, k, key)) \
	X(enum MHD_Result, MHD_queue_response, \
	  (struct MHD_Connection *c, unsigned int s, struct MHD_Response *r), (c, s, r)) \
	X(void, MHD_stop_daemon, (struct MHD_Daemon *d), (d))

#define DECLARE(ret, name, params, args) static ret (*p_##name) params;
MHD_FUNCS(DECLARE)
#undef DECLARE
static const union MHD_ConnectionInfo *(*p_MHD_get_connection_info)
	(struct MHD_Connection *, enum MHD_ConnectionInfoType, ...);
static const union MHD_DaemonInfo *(*p_MHD_get_daemon_info)
	(struct MHD_Daemon *, enum MHD_DaemonInfoType, ...);
static struct MHD_Daemon *(*p_MHD_start_daemon_va)
	(unsigned int, uint16_t, MHD_AcceptPolicyCallback, void *,
	 MHD_AccessHandlerCallback, void *, va_list);

static pthread_once_t once = PTHREAD_ONCE_INIT;
static char load_error[256];
static int loaded;

static void load(void)
{
	void *lib = dlopen(MHD_SONAME, RTLD_NOW | RTLD_LOCAL);

	if (!lib) {
		const char *why = dlerror();
		snprintf(load_error, sizeof(load_error), "cannot load " MHD_SONAME ": %s",
			 why ? why : "unknown");
		return;
	}
#define RESOLVE(ret, name, params, args) \
	if (!(*(void **)&p_##name = dlsym(lib, #name))) goto missing;
	MHD_FUNCS(RESOLVE)
	RESOLVE(, MHD_get_connection_info, , )
	RESOLVE(, MHD_get_daemon_info, , )
	RESOLVE(, MHD_start_daemon_va, , )
#undef RESOLVE
	loaded = 1;
	return;
missing:
	{
		const char *why = dlerror();
		snprintf(load_error, sizeof(load_error), MHD_SONAME " lacks an entry point: %s",
			 why ? why : "unknown");
	}
}

const char *mhd_load(void)
{
	pthread_once(&once, load);
	return loaded ? NULL : load_error;
}

/* Every forwarder runs after mhd_load() succeeded: the server calls it
   before starting the daemon, and nothing else reaches these. */
#define FORWARD(ret, name, params, args) \
	ret name params { mhd_load(); return p_##name args; }
MHD_FUNCS(FORWARD)
#undef FORWARD

/* The info queries used here take no extra arguments. */
const union MHD_ConnectionInfo *MHD_get_connection_info(struct MHD_Connection *c,
							enum MHD_ConnectionInfoType t, ...)
{
	mhd_load();
	return p_MHD_get_connection_info(c, t);
}

const union MHD_DaemonInfo *MHD_get_daemon_info(struct MHD_Daemon *d,
						enum MHD_DaemonInfoType t, ...)
{
	mhd_load();
	return p_MHD_get_daemon_info(d, t);
}

struct MHD_Daemon *MHD_start_daemon(unsigned int flags, uint16_t port,
				    MHD_AcceptPolicyCallback apc, void *apc_cls,
				    MHD_AccessHandlerCallback dh, void *dh_cls, ...)
{
	struct MHD_Daemon *d;
	va_list ap;

	if (mhd_load())
		return NULL;
	va_start(ap, dh_cls);
	d = p_MHD_start_daemon_va(flags, port, apc, apc_cls, dh, dh_cls, ap);
	va_end(ap);
	return d;
}
