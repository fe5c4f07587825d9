/* config.h -- the options of `ipcscope serve` and the limits they default to */
#ifndef IPCSCOPE_CONFIG_H
#define IPCSCOPE_CONFIG_H

#include <stdbool.h>

#define SERVE_DEFAULT_PORT 8080
#define SERVE_DEFAULT_RUN_SECONDS 120  /* wall-time limit of one run */
#define SERVE_DEFAULT_QUEUE 8          /* runs that may wait behind the running one */
#define SERVE_DEFAULT_PER_CLIENT 3     /* runs one client address may have queued or running */
#define SERVE_RUN_SECONDS_MAX 86400
#define SERVE_QUEUE_MAX 64
#define SERVE_GRACE_MS 400             /* SIGTERM to SIGKILL of a run's process group */
#define SERVE_DRAIN_MS 2000            /* a stopping server lets end lines out this long */
#define SERVE_ERR_MAX 512              /* a message for the caller's buffer */

struct serve_config {
	const char *bind;          /* numeric address, default 127.0.0.1 */
	int port;                  /* 0: any free port */
	const char *static_dir;    /* NULL: the files embedded in the binary */
	const char *results_dir;
	int max_run_seconds;
	int queue_max;
	int per_client;            /* runs queued or running per client address */
	bool public_bind;          /* bind is not a loopback address */
	bool board;                /* --board: a class board */
	int board_max;             /* machines it holds */
	const char *board_task;    /* its first task, or NULL */
	bool board_save;           /* its posts kept in the results directory too */
};

#endif
