/* mhd_api.c -- fills struct mhd_api from libmicrohttpd, opened with dlopen() */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>

#include "mhd_api.h"
#include "base/error.h"

#define MHD_SONAME "libmicrohttpd.so.12"
#define MHD_ERR_MAX 256

struct mhd_api mhd;

/* Each slot of the table and the library symbol that fills it. */
#define MHD_SLOT(field) { (void **)&mhd.field, "MHD_" #field }
static const struct {
	void **slot;
	const char *symbol;
} slots[] = {
	MHD_SLOT(create_response_from_buffer),
	MHD_SLOT(create_response_from_callback),
	MHD_SLOT(add_response_header),
	MHD_SLOT(queue_response),
	MHD_SLOT(destroy_response),
	MHD_SLOT(get_connection_values),
	MHD_SLOT(get_connection_values_n),
	MHD_SLOT(lookup_connection_value),
	MHD_SLOT(get_connection_info),
	MHD_SLOT(add_connection),
	MHD_SLOT(start_daemon_va),
	MHD_SLOT(get_daemon_info),
	MHD_SLOT(stop_daemon),
};

static pthread_once_t once = PTHREAD_ONCE_INIT;
static char load_error[MHD_ERR_MAX];
static int loaded;

static void load(void)
{
	void *lib = dlopen(MHD_SONAME, RTLD_NOW | RTLD_LOCAL);
	const char *why;

	if (!lib) {
		why = dlerror();
		snprintf(load_error, sizeof(load_error), "cannot load " MHD_SONAME ": %s",
			 why ? why : "unknown");
		return;
	}
	for (size_t i = 0; i < sizeof(slots) / sizeof(slots[0]); i++) {
		*slots[i].slot = dlsym(lib, slots[i].symbol);
		if (!*slots[i].slot) {
			snprintf(load_error, sizeof(load_error), MHD_SONAME " lacks '%s'",
				 slots[i].symbol);
			return;
		}
	}
	loaded = 1;
}

int mhd_load(char *err, size_t errlen)
{
	pthread_once(&once, load);
	if (loaded)
		return 0;
	return error_set(err, errlen, "%s", load_error);
}
