/* run.h -- one run of the server: the record the queue, the streams and the store share */
#ifndef IPCSCOPE_RUN_H
#define IPCSCOPE_RUN_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

#include "run_store.h"

#define RUN_ID_MAX 16              /* "r" and the run's number */
#define RUN_CLIENT_MAX 64
#define RUN_MSG_MAX 512            /* an error line's message, a store error */

enum run_state { RUN_QUEUED, RUN_RUNNING, RUN_DONE };

struct server_run {
	char id[RUN_ID_MAX];
	unsigned long num;
	int refs;                  /* under runs_mu */
	enum run_state state;
	bool cancel;               /* client gone or server stopping */
	bool ended;                /* the end line is stored: nothing follows */
	char **argv;               /* NULL-terminated, for posix_spawn */
	char *input;               /* the run process's stdin (the peer's token),
				      never on its command line, stored or served */
	char kind[16];
	char *target, *request;
	char client[RUN_CLIENT_MAX];
	double created_at;         /* unix time of the request */
	double t_submit, t_start;  /* monotonic */
	char status[STORE_STATUS_MAX];
	double elapsed_s;
	char *buf;                 /* the NDJSON lines of the run */
	size_t len, cap;
	bool ending;               /* its end line is being stored: nothing else is taken */
	char store_err[RUN_MSG_MAX];   /* why its record is not stored, or "" */
};

/* runs_mu guards every run and the queue; runs_data is signalled when a
   run gets lines */
extern pthread_mutex_t runs_mu;
extern pthread_cond_t runs_data;

/* run_lines_init: sets up runs_data on the clock of ca */
void run_lines_init(const pthread_condattr_t *ca);

/* run_free: frees r and what it holds (its references are gone) */
void run_free(struct server_run *r);

/* run_unref_locked: drops one reference, freeing r with the last */
void run_unref_locked(struct server_run *r);

/* run_append_queued_locked: a "queued" line with r's place in the queue */
void run_append_queued_locked(struct server_run *r, int position);

/* run_end: the server's own ending of r (an error line with code and
   message when code is set, then the end line with status), unless the
   run already has its end line; marks r done either way. Without runs_mu,
   by the one thread that ends r (the runner, or whoever took r off the
   queue) */
void run_end(struct server_run *r, const char *status, const char *code, const char *message);

/* run_relay_line: a proc_sink line callback (ctx is the run): stores one line
   of the run process if it is an NDJSON object; drops heartbeats (they are
   per stream) and anything after the end line */
void run_relay_line(void *ctx, const char *line, size_t n);

/* Every end line is shown only after the run's record (its lines and that
   end line, rN.ndjson) is written to the results directory; when that
   fails, the end line says so with "stored":false and "store_error".
   run_store_failed_locked: counts and logs one failure to write the history
   (a record, a .json, the id file); run_store_failures: how many there
   were since the server started, and the last one's message in last */
void run_store_failed_locked(const char *err);
unsigned long run_store_failures(char *last, size_t n);

#endif
