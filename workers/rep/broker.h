/* broker.h -- CPU account of a third process that carries the messages (a bus daemon) */
#ifndef IPCSCOPE_BROKER_H
#define IPCSCOPE_BROKER_H

#include <stdint.h>
#include <sys/types.h>

struct worker_usage;

/* A point in the broker's CPU account, read from outside the process. */
struct broker_mark {
	int ok;                /* 1 when every figure could be read */
	uint64_t cpu_ns;       /* its CPU-time clock: all threads, in ns */
	uint64_t utime, stime; /* clock ticks, /proc/<pid>/stat */
	long vol_cs, invol_cs; /* /proc/<pid>/status */
	int cpu;               /* CPU it last ran on */
};

/* broker_mark_take: reads pid's account now into *b (b->ok 0 when the
   process is gone or cannot be read) */
void broker_mark_take(pid_t pid, struct broker_mark *b);

/* broker_usage: the account between a and b over wall_ns of wall time,
   as a worker's; 0, or -1 when either mark is missing */
int broker_usage(const struct broker_mark *a, const struct broker_mark *b,
		 uint64_t wall_ns, struct worker_usage *out);

#endif
