/* side.c -- a side's CPU account over the timed section, the broker's
   marks, and the record of a failed step */
#include "rep/side.h"

#include <errno.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "rep/broker.h"
#include "probe/interference.h"
#include "params/params.h"

void side_usage_snapshot(const struct worker *w, struct usage_mark *u)
{
	struct timespec ts;

	/* unpinned workers count their moves between CPUs (one /proc read) */
	u->migrations = w->cpu < 0 && w->spec->params->pin == PIN_NONE ?
			interference_own_migrations() : -1;
	getrusage(w->thread ? RUSAGE_THREAD : RUSAGE_SELF, &u->ru);
	clock_gettime(w->thread ? CLOCK_THREAD_CPUTIME_ID : CLOCK_PROCESS_CPUTIME_ID, &ts);
	u->cpu_ns = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static double tv_s(struct timeval a, struct timeval b)
{
	return (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_usec - a.tv_usec) / 1e6;
}

void side_usage_finish(struct worker *w, const struct usage_mark *a, uint64_t t0, uint64_t t1)
{
	struct worker_out *o = &w->ctl->out[w->role];
	struct usage_mark b;
	double wall = (double)(t1 - t0) / 1e9;

	side_usage_snapshot(w, &b);
	o->use.user_s = tv_s(a->ru.ru_utime, b.ru.ru_utime);
	o->use.sys_s = tv_s(a->ru.ru_stime, b.ru.ru_stime);
	o->use.util_pct = wall > 0 ? 100.0 * (double)(b.cpu_ns - a->cpu_ns) / 1e9 / wall : 0;
	o->use.vol_cs = b.ru.ru_nvcsw - a->ru.ru_nvcsw;
	o->use.invol_cs = b.ru.ru_nivcsw - a->ru.ru_nivcsw;
	o->use.migrations = a->migrations >= 0 && b.migrations >= 0 ?
			    b.migrations - a->migrations : -1;
	o->use.cpu = sched_getcpu();
}

void side_broker_mark(struct worker *w, int end)
{
	if (w->m.broker_pid > 0)
		broker_mark_take(w->m.broker_pid, &w->ctl->broker[end]);
}

int side_fail(struct worker *w, enum error_kind kind, const char *what, int rc)
{
	struct worker_out *o = &w->ctl->out[w->role];

	o->failed = 1;
	o->code = error_kind_name(kind);
	snprintf(o->err, sizeof(o->err), "%s %s: %s", w->role == ROLE_SENDER ?
		 "sender" : "receiver", what, strerror(-rc));
	atomic_store(&w->ctl->stop, 1);
	return -1;
}

/* --- the worker: barrier, open, loop, close ---------------------------- */

