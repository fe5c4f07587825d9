/* exp.c -- what the demos that run their own experiment share */
#include "demos/exp.h"
#include "mech/io.h"

#include <errno.h>
#include <stdarg.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "rep/harness.h"
#include "mech/sockpair.h"
#include "out/ndjson.h"
#include "base/error.h"

#define POLL_NS 2000000L         /* reaping looks every 2 ms */

double exp_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void exp_stop(void)
{
	harness_stop();
}

int exp_stopped(void)
{
	return harness_stopping();
}

void exp_emit(struct exp_out *o, cJSON *line)
{
	if (o && o->emit && line)
		o->emit(o->ctx, line);
	else
		cJSON_Delete(line);
}

void exp_progress(struct exp_out *o, double done)
{
	cJSON *l;

	if (!o || !o->emit)
		return;
	done = done < 0 ? 0 : done > 1 ? 1 : done;
	l = ndjson_line("progress", o->run ? o->run : "");
	cJSON_AddStringToObject(l, "step", o->label);
	cJSON_AddStringToObject(l, "label", o->label);
	cJSON_AddNumberToObject(l, "step_index", o->step);
	cJSON_AddNumberToObject(l, "steps", o->steps);
	cJSON_AddNumberToObject(l, "step_done", done);
	cJSON_AddNumberToObject(l, "rep_done", done);     /* the page's progress bar reads it */
	cJSON_AddNumberToObject(l, "done", o->steps > 0 ? (o->step - 1 + done) / o->steps : 0);
	exp_emit(o, l);
}

void exp_plan(struct exp_out *o, int steps)
{
	if (o) {
		o->steps = steps;
		o->step = 0;
	}
}

void exp_begin(struct exp_out *o, const char *label, double expect_s)
{
	if (!o)
		return;
	if (o->step > 0)
		exp_progress(o, 1);      /* the step before is done */
	o->step++;
	snprintf(o->label, sizeof(o->label), "%s", label);
	o->step_t0 = exp_now();
	o->step_expect_s = expect_s;
	exp_progress(o, 0);
}

cJSON *exp_point_new(const struct exp_out *o, const char *label, const char *series, double x)
{
	cJSON *l = ndjson_line("point", o && o->run ? o->run : "");

	cJSON_AddStringToObject(l, "step", o ? o->label : "");
	cJSON_AddStringToObject(l, "label", label);
	cJSON_AddStringToObject(l, "series", series ? series : label);
	cJSON_AddNumberToObject(l, "x", x);
	return l;
}

void *exp_shared(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

void exp_unshare(void *p, size_t len)
{
	if (p)
		munmap(p, len);
}

int exp_cpus(void)
{
	cpu_set_t set;

	if (sched_getaffinity(0, sizeof(set), &set) != 0)
		return 1;
	return CPU_COUNT(&set) > 0 ? CPU_COUNT(&set) : 1;
}

/* pin_to: pins the caller to the idx-th CPU (modulo) it may run on */
static void pin_to(int idx)
{
	cpu_set_t set, one;
	int n = exp_cpus(), want = idx % n, seen = 0;

	if (sched_getaffinity(0, sizeof(set), &set) != 0)
		return;
	for (int c = 0; c < CPU_SETSIZE; c++) {
		if (!CPU_ISSET(c, &set))
			continue;
		if (seen++ == want) {
			CPU_ZERO(&one);
			CPU_SET(c, &one);
			sched_setaffinity(0, sizeof(one), &one);
			return;
		}
	}
}

pid_t exp_fork(int (*fn)(void *arg, int idx), void *arg, int idx, int pin,
	       char *err, size_t errlen)
{
	pid_t parent = getpid();
	pid_t pid = fork();

	if (pid < 0) {
		error_set(err, errlen, "cannot fork a worker: %s", strerror(errno));
		return -1;
	}
	if (pid > 0)
		return pid;
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(1);
	signal(SIGPIPE, SIG_IGN);
	if (pin)
		pin_to(idx);
	_exit(fn(arg, idx) & 0x7f);
}

void exp_kill_all(pid_t *pids, int n)
{
	for (int i = 0; i < n; i++)
		if (pids[i] > 0)
			kill(pids[i], SIGKILL);
	for (int i = 0; i < n; i++)
		if (pids[i] > 0) {
			while (waitpid(pids[i], NULL, 0) < 0 && errno == EINTR)
				;
			pids[i] = -1;
		}
}

/* reaped: records one child's end; 0 when it exited 0 */
static int reaped(pid_t pid, int status, const struct rusage *ru, double *cpu_s,
		  char *err, size_t errlen)
{
	if (cpu_s)
		*cpu_s += (double)ru->ru_utime.tv_sec + ru->ru_utime.tv_usec / 1e6 +
			  (double)ru->ru_stime.tv_sec + ru->ru_stime.tv_usec / 1e6;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (WIFSIGNALED(status))
		error_set(err, errlen, "worker %d was killed by signal %d", (int)pid,
			  WTERMSIG(status));
	else
		error_set(err, errlen, "worker %d failed (exit status %d)", (int)pid,
			  WEXITSTATUS(status));
	return -1;
}

int exp_wait(struct exp_out *o, pid_t *pids, int n, double *cpu_s, char *err, size_t errlen)
{
	double t0 = o ? o->step_t0 : exp_now(), expect = o ? o->step_expect_s : 0;
	double next = exp_now() + EXP_PROGRESS_S;
	int left = n, rc = 0;
	struct timespec nap = { 0, POLL_NS };

	for (int i = 0; i < n; i++)
		left -= pids[i] <= 0;
	while (left > 0) {
		int status, got = 0;
		struct rusage ru;

		for (int i = 0; i < n; i++)
			if (pids[i] > 0 && wait4(pids[i], &status, WNOHANG, &ru) == pids[i]) {
				if (reaped(pids[i], status, &ru, cpu_s, err, errlen) < 0)
					rc = -1;
				pids[i] = -1;
				left--;
				got = 1;
			}
		if (got)
			continue;
		if (exp_stopped() || exp_now() > t0 + EXP_SLACK * expect + EXP_GRACE_S) {
			if (exp_stopped())
				error_set(err, errlen, "interrupted");
			else
				error_set(err, errlen, "the step overran its plan of %.1f s; its "
					  "workers were killed", expect);
			exp_kill_all(pids, n);
			return -1;
		}
		if (exp_now() >= next) {
			exp_progress(o, expect > 0 ? (exp_now() - t0) / expect : 0.5);
			next += EXP_PROGRESS_S;
		}
		nanosleep(&nap, NULL);
	}
	return rc;
}

void exp_wait_go(volatile int *go, int yield)
{
	while (!__atomic_load_n(go, __ATOMIC_ACQUIRE))
		if (yield)
			sched_yield();
}

int exp_full_io(int fd, void *buf, size_t len, int wr)
{
	return (wr ? io_write_all(fd, buf, len) : io_read_all(fd, buf, len)) ? -1 : 0;
}

int exp_tcp_pair(int sv[2], char *err, size_t errlen)
{
	struct sockaddr_in addr = { 0 };
	int lfd = sockpair_bind_loopback(SOCK_STREAM, &addr);

	sv[0] = sv[1] = -1;
	if (lfd < 0) {
		error_set(err, errlen, "cannot bind a loopback socket: %s", strerror(-lfd));
		return -1;
	}
	if (listen(lfd, 1) < 0 || (sv[0] = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0 ||
	    connect(sv[0], (struct sockaddr *)&addr, sizeof(addr)) < 0 ||
	    (sv[1] = accept4(lfd, NULL, NULL, SOCK_CLOEXEC)) < 0) {
		error_set(err, errlen, "cannot connect over loopback tcp: %s", strerror(errno));
		if (sv[0] >= 0)
			close(sv[0]);
		sv[0] = -1;
		close(lfd);
		return -1;
	}
	close(lfd);
	return 0;
}

void exp_lesson_add(char *buf, size_t len, const char *fmt, ...)
{
	size_t used = strlen(buf);
	va_list ap;

	if (used + 1 >= len)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + used, len - used, fmt, ap);
	va_end(ap);
}
