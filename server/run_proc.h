/* run_proc.h -- one run process: spawned, its lines relayed, stopped, reaped */
#ifndef IPCSCOPE_RUN_PROC_H
#define IPCSCOPE_RUN_PROC_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define PROC_LINE_MAX (1u << 20)     /* one NDJSON line from a run process */
#define PROC_OUTPUT_MAX (16u << 20)  /* all lines of one run */
#define PROC_PARENT_ENV "IPCSCOPE_SERVER_PID"

/* Where a run process's lines go, and how the server asks it to stop. */
struct proc_sink {
	void *ctx;
	void (*line)(void *ctx, const char *line, size_t n);  /* one line, no newline */
	bool (*stop)(void *ctx);                               /* end the run now */
	int wake_fd;               /* readable when stop may have changed */
};

/* Why the run ended: on its own, or by the server's hand. */
enum proc_end { PROC_EXITED, PROC_CANCELLED, PROC_TIMEOUT, PROC_OUTPUT };

struct proc_limits {
	double max_seconds;        /* wall time */
	int grace_ms;              /* SIGTERM to SIGKILL of the process group */
};

/* proc_init: resolves the path of this binary, so run processes show as
   its name (not "exe") in ps and top, and marks them as the server's, so
   they die with it; 0, or -1 with a message in err */
int proc_init(char *err, size_t errlen);

/* proc_exe: the path of this binary, argv[0] of run processes */
const char *proc_exe(void);

/* proc_run: spawns argv with input (see proc_spawn), hands each line to
   sink until the process ends or sink->stop, the time limit or the output limit ends it (SIGTERM to
   the group, a grace period, SIGKILL), and reaps it; 0 with *why and the
   wait status in *status, or -1 with a message in err (nothing started) */
int proc_run(char *const *argv, const char *input, const struct proc_limits *lim,
	     const struct proc_sink *sink, enum proc_end *why, int *status, char *err,
	     size_t errlen);

/* proc_reap_orphans: reaps exited children (workers re-parented to the
   server, a child subreaper) */
void proc_reap_orphans(void);

/* proc_status_message: a wait status as a sentence for the error line */
void proc_status_message(int status, char *msg, size_t n);

#endif
