/* runs.h -- the runs of the HTTP server: FIFO queue, cancel, live lines, history */
#ifndef IPCSCOPE_RUNS_H
#define IPCSCOPE_RUNS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct server_run;

struct runs_config {
	const char *results_dir;   /* NDJSON of past runs; created if missing */
	int max_run_seconds;       /* wall-time limit of one run */
	int queue_max;             /* runs that may wait behind the running one */
	int per_client;            /* runs one client may have queued or running */
	int grace_ms;              /* SIGTERM to SIGKILL of a run's group */
};

/* What a client asks to run, and who asks. */
struct runs_request {
	const char *const *argv;   /* the run process's arguments after argv[0],
				      NULL-terminated ("bench", "pipe", "--size", "64") */
	const char *kind;          /* bench, compare, sweep, demo */
	const char *target;        /* mechanism, demo, or the compared list */
	const char *request;       /* the request as the client wrote it */
	const char *client;        /* the client's address, for its run limit */
};

enum runs_submit_result {
	RUNS_OK, RUNS_QUEUE_FULL, RUNS_CLIENT_LIMIT, RUNS_STOPPING, RUNS_NOMEM,
	RUNS_NO_ID                 /* no run id can be recorded (runs_store_health says why) */
};

/* runs_init: loads past runs from cfg->results_dir and starts the runner
   thread; 0, or -1 with a message in err */
int runs_init(const struct runs_config *cfg, char *err, size_t errlen);

/* runs_shutdown: cancels every queued and running run (process groups
   terminated and reaped), stops the runner and reaps every child */
void runs_shutdown(void);

/* runs_submit: queues `ipcscope ARGV... --format ndjson --run-id ID`;
   RUNS_OK with *out holding a reference (runs_unref it), or why not */
enum runs_submit_result runs_submit(const struct runs_request *req, struct server_run **out);

/* runs_cancel: cancels r (its queue place, or its process group);
   does nothing once r has ended */
void runs_cancel(struct server_run *r);

/* runs_get: the run called id with a reference, or NULL */
struct server_run *runs_get(const char *id);

/* runs_ref: one more reference to r, for another holder */
void runs_ref(struct server_run *r);

/* runs_unref: drops a reference from runs_submit, runs_get or runs_ref */
void runs_unref(struct server_run *r);

/* run_id: "r17" */
const char *run_id(const struct server_run *r);

/* runs_read: copies up to max bytes of r's NDJSON from offset off into
   buf, waiting at most wait_ms for new lines; returns the bytes copied,
   0 when nothing came in time, or -1 when r has ended and all was read */
ssize_t runs_read(struct server_run *r, size_t off, char *buf, size_t max, int wait_ms);

/* runs_list_json: malloc'd JSON array of recent runs, newest first */
char *runs_list_json(void);

/* runs_busy: number of runs running or waiting */
int runs_busy(void);

/* runs_store_health: failures to write the history since the server
   started (records, .json files, the id file), and the last one's message
   in last ("" when none) */
unsigned long runs_store_health(char *last, size_t n);

#endif
