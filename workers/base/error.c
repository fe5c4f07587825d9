/* error.c -- error_set and the names of the failure kinds */
#include "base/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const char *const kind_names[ERR__COUNT] = {
	[ERR_RUN_FAILED] = "run_failed",
	[ERR_CANCELLED] = "cancelled",
	[ERR_TIMEOUT] = "timeout",
	[ERR_WORKER_KILLED] = "worker_killed",
	[ERR_CREATE_FAILED] = "create_failed",
	[ERR_OPEN_FAILED] = "open_failed",
	[ERR_SEND_FAILED] = "send_failed",
	[ERR_RECV_FAILED] = "recv_failed",
	[ERR_NO_MEMORY] = "no_memory",
	[ERR_PEER_FAILED] = "peer_failed",
	[ERR_PEER_GONE] = "peer_gone",
	[ERR_BAD_TOKEN] = "bad_token",
	[ERR_BAD_VERSION] = "bad_version",
	[ERR_MPI_FAILED] = "mpi_failed",
	[ERR_MPI_UNAVAILABLE] = "mpi_unavailable",
};

int error_set(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

const char *error_kind_name(enum error_kind k)
{
	return (unsigned)k < ERR__COUNT ? kind_names[k] : kind_names[ERR_RUN_FAILED];
}

int error_kind_find(const char *name)
{
	for (int k = 0; name && k < ERR__COUNT; k++)
		if (!strcmp(name, kind_names[k]))
			return k;
	return -1;
}
