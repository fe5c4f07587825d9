/* error.h -- one way to fail: a message formatted into the caller's
   buffer and -1 (error_set), and the kinds of a failure by name (the
   "code" of an error line, docs/API.md) */
#ifndef IPCSCOPE_ERROR_H
#define IPCSCOPE_ERROR_H

#include <stddef.h>

/* the room of one failure message, its terminator included: what a
   caller's err buffer and a param_error's message hold */
#define ERROR_MSG_MAX 256

/* error_set: the message fmt formats into err (errlen bytes, cut to fit,
   always terminated when errlen > 0); returns -1, so that a failing path
   reads `return error_set(err, errlen, "...", ...);` */
__attribute__((format(printf, 3, 4)))
int error_set(char *err, size_t errlen, const char *fmt, ...);

/* The kinds of a failed rep or run, each with the code its error line
   carries (error_kind_name). */
enum error_kind {
	ERR_RUN_FAILED,          /* run_failed: the catch-all */
	ERR_CANCELLED,           /* cancelled: a stop was asked */
	ERR_TIMEOUT,             /* timeout: a rep overran its deadline */
	ERR_WORKER_KILLED,       /* worker_killed: a worker died of a signal */
	ERR_CREATE_FAILED,       /* create_failed: the mechanism could not be made */
	ERR_OPEN_FAILED,         /* open_failed: a worker could not open its end */
	ERR_SEND_FAILED,         /* send_failed */
	ERR_RECV_FAILED,         /* recv_failed */
	ERR_NO_MEMORY,           /* no_memory */
	ERR_PEER_FAILED,         /* peer_failed: the far side failed or went away */
	ERR_PEER_GONE,           /* peer_gone */
	ERR_BAD_TOKEN,           /* bad_token: a peer refused the token */
	ERR_BAD_VERSION,         /* bad_version: a peer speaks another protocol */
	ERR_MPI_FAILED,          /* mpi_failed */
	ERR_MPI_UNAVAILABLE,     /* mpi_unavailable: no mpirun or no helper binary */
	ERR__COUNT
};

/* error_kind_name: the code of kind k ("run_failed" for any k out of range) */
const char *error_kind_name(enum error_kind k);

/* error_kind_find: the kind whose code is name, or -1 (NULL, or a code of
   none of them, as a peer may send) */
int error_kind_find(const char *name);

#endif
