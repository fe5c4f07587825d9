/* spawn.h -- helper processes a mechanism runs (a bus daemon, a node.js pair) */
#ifndef IPCSCOPE_SPAWN_H
#define IPCSCOPE_SPAWN_H

#include <sys/types.h>

#define SPAWN_MAX_KEEP 4

/* What the child keeps: fds dup'ed onto 3, 4, ... (in order) and left open
   across exec; stdin, stdout and stderr go to /dev/null. */
struct spawn_fds {
	int keep[SPAWN_MAX_KEEP];
	int nkeep;
};

/* spawn_helper: forks and execs argv (PATH searched) with every signal
   unblocked and at default, killed (SIGKILL) when the calling thread dies,
   and records its pid in the run directory dir so the start-up sweep of a
   killed run can stop it; the pid, or -errno (-ENOENT: not installed) */
pid_t spawn_helper(char *const argv[], const struct spawn_fds *fds, const char *dir);

/* spawn_stop: SIGTERM, up to grace_ms for it to exit, then SIGKILL; reaps
   it and removes its pid record from dir; safe with pid <= 0 */
void spawn_stop(pid_t pid, int grace_ms, const char *dir);

/* spawn_read_line: reads one '\n'-terminated line from fd into buf (the
   newline dropped) within timeout_ms (< 0: no limit); its length, -ETIMEDOUT, -EPIPE at end
   of file, -EMSGSIZE when it does not fit, or -errno */
int spawn_read_line(int fd, char *buf, size_t len, int timeout_ms);

#endif
