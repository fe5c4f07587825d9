/* dynlib.h -- a library a mechanism opens when it first runs (dlopen), not when ipcscope starts */
#ifndef IPCSCOPE_DYNLIB_H
#define IPCSCOPE_DYNLIB_H

#include <pthread.h>

/*
 * Linking libzmq, libdbus-1 or gRPC would make every ipcscope process load
 * them (gRPC alone brings some fifty libraries) before it prints a line.
 * Each such mechanism instead defines the entry points it calls as small
 * forwarders (zmq_load.c, dbus_load.c, ...) and opens the library here the
 * first time its create() or open() runs.
 */
struct dynlib {
	const char *soname;            /* "libzmq.so.5" */
	const char *const *names;      /* entry points, NULL-terminated */
	void **const *slots;           /* where each one goes, same order */
	pthread_once_t once;
	int rc;                        /* 0 loaded, -ENOENT missing */
};

#define DYNLIB_INIT(so, n, s) { .soname = (so), .names = (n), .slots = (s), \
				.once = PTHREAD_ONCE_INIT }

/* dynlib_load: opens l (once per process) and resolves every entry point;
   0, or -ENOENT when the library or one of them is missing (the reason is
   printed once on stderr) */
int dynlib_load(struct dynlib *l);

/*
 * DYNLIB_FORWARDERS(FUNCS, soname, loader): for an X-macro table FUNCS of
 * X(return type, name, parameters, arguments), a pointer p_<name> per entry
 * point, `int loader(void)` that opens soname and fills them, and a
 * forwarder <name> per entry point that calls through its pointer.
 */
#define DYNLIB_DECLARE_(ret, name, params, args) static ret (*p_##name) params;
#define DYNLIB_NAME_(ret, name, params, args) #name,
#define DYNLIB_SLOT_(ret, name, params, args) (void **)&p_##name,
#define DYNLIB_FORWARD_(ret, name, params, args) ret name params { return p_##name args; }
#define DYNLIB_FORWARDERS(FUNCS, soname, loader) \
	FUNCS(DYNLIB_DECLARE_) \
	static const char *const dynlib_names_[] = { FUNCS(DYNLIB_NAME_) NULL }; \
	static void **const dynlib_slots_[] = { FUNCS(DYNLIB_SLOT_) NULL }; \
	static struct dynlib dynlib_lib_ = DYNLIB_INIT(soname, dynlib_names_, dynlib_slots_); \
	int loader(void) { return dynlib_load(&dynlib_lib_); } \
	FUNCS(DYNLIB_FORWARD_)

#endif
