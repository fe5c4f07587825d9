/* dynlib.c -- a library a mechanism opens when it first runs (dlopen), not when ipcscope starts */
#include "mech/dynlib.h"

#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>

/* pthread_once takes no argument: the library being loaded is passed here */
static __thread struct dynlib *loading;

static void load_once(void)
{
	struct dynlib *l = loading;
	void *lib = dlopen(l->soname, RTLD_NOW | RTLD_LOCAL);
	const char *why;

	l->rc = -ENOENT;
	if (!lib) {
		why = dlerror();
		fprintf(stderr, "ipcscope: cannot load %s: %s\n", l->soname, why ? why : "?");
		return;
	}
	for (int i = 0; l->names[i]; i++)
		if (!(*l->slots[i] = dlsym(lib, l->names[i]))) {
			fprintf(stderr, "ipcscope: %s lacks %s\n", l->soname, l->names[i]);
			return;
		}
	l->rc = 0;
}

int dynlib_load(struct dynlib *l)
{
	loading = l;
	pthread_once(&l->once, load_once);
	return l->rc;
}
