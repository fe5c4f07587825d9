/* dynlib.h -- a library a mechanism opens when it first runs (dlopen), not when ipcscope starts */
#ifndef IPCSCOPE_DYNLIB_H
#define IPCSCOPE_DYNLIB_H

#include <pthread.h>

/*
 * Linking libzmq, libdbus-1 or gRPC would make every ipcscope process load
 * them (gRPC alone brings some fifty libraries) before it prints a line.
 * Each such mechanism instead calls the library through a table of function
 * pointers of its own (struct zmq_api zapi in zmq_load.h, ...), filled here
 * the first time its create() or open() runs.  ipcscope never defines a
 * library's public names.
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
 * For an X-macro list FUNCS of X(return type, member, symbol, parameters):
 * DYNLIB_MEMBERS(FUNCS) declares one pointer per entry point inside a
 * struct; DYNLIB_TABLE(FUNCS, soname, loader) -- with DYNLIB_API defined as
 * the table object -- defines `int loader(void)` that opens soname and
 * fills that table by dlsym.
 */
#define DYNLIB_MEMBER_(ret, member, sym, params) ret (*member) params;
#define DYNLIB_NAME_(ret, member, sym, params) #sym,
#define DYNLIB_SLOT_(ret, member, sym, params) (void **)&DYNLIB_API.member,
#define DYNLIB_MEMBERS(FUNCS) FUNCS(DYNLIB_MEMBER_)
#define DYNLIB_TABLE(FUNCS, soname, loader) \
	static const char *const dynlib_names_[] = { FUNCS(DYNLIB_NAME_) NULL }; \
	static void **const dynlib_slots_[] = { FUNCS(DYNLIB_SLOT_) NULL }; \
	static struct dynlib dynlib_lib_ = DYNLIB_INIT(soname, dynlib_names_, dynlib_slots_); \
	int loader(void) { return dynlib_load(&dynlib_lib_); }

#endif
