/* leftovers.c -- the cleanup demo's experiment: a naive worker makes a shm
   object, a FIFO, a socket file and a System V queue and is SIGKILLed; what it
   left, what a second start hits, and ipcscope's own sweep removing it all

   What the page shows: a table (no chart) of each object in each phase
   (left after SIGKILL, the restart's error, left after the sweep). The
   headline counts the objects the first phase left (its rows saying
   "yes"); the supporting sentences the restart's errors and the sweep. */
#include "demos/cores.h"
#include "demos/demo.h"
#include "demos/exp_demo.h"

#include <stddef.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/msg.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/human.h"
#include "base/error.h"

#define CL_SHM_SIZE 4096
#define CL_READY_S 5

const char *const cleanup_object_names[CL_NOBJECTS] = {
	"shared memory object", "FIFO", "socket file", "System V message queue",
};

/* The names the naive program always uses, made from the pid of its first
   start: fixed names are its mistake, the pid lets the sweep judge them. */
struct cl_names {
	char shm[64];            /* "/ipcscope-P-naive" */
	char dir[128];
	char fifo[160];
	char sock[160];
};

struct cl_ctx {
	struct cl_names n;
	int report[2];           /* child -> parent: one int per object, then msqid */
};

static void make_names(struct cl_names *n, int pid)
{
	snprintf(n->shm, sizeof(n->shm), "/ipcscope-%d-naive", pid);
	snprintf(n->dir, sizeof(n->dir), "%s/ipcscope-%d-naive", cleanup_tmp_base(), pid);
	snprintf(n->fifo, sizeof(n->fifo), "%s/fifo", n->dir);
	snprintf(n->sock, sizeof(n->sock), "%s/sock", n->dir);
}

/* naive_start: what a naive program does at start; errs[] gets each
   creation's errno (0: created), *msqid the queue */
static void naive_start(const struct cl_names *n, int errs[CL_NOBJECTS], int *msqid)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int fd;

	fd = shm_open(n->shm, O_CREAT | O_EXCL | O_RDWR, 0600);
	errs[CL_SHM] = fd < 0 ? errno : (ftruncate(fd, CL_SHM_SIZE) < 0 ? errno : 0);
	mkdir(n->dir, 0700);                       /* "mkdir -p": exists is fine */
	errs[CL_FIFO] = mkfifo(n->fifo, 0600) < 0 ? errno : 0;
	if (strlen(n->sock) >= sizeof(a.sun_path)) {
		errs[CL_SOCKET] = ENAMETOOLONG;
	} else {
		memcpy(a.sun_path, n->sock, strlen(n->sock) + 1);
		fd = socket(AF_UNIX, SOCK_STREAM, 0);
		errs[CL_SOCKET] = fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 ||
				  listen(fd, 1) < 0 ? errno : 0;
		if (fd >= 0)
			close(fd);       /* the file stays: nobody unlinks it */
	}
	*msqid = msgget(ftok(n->dir, CLEANUP_FTOK_ID), IPC_CREAT | IPC_EXCL | 0600);
	errs[CL_SYSV] = *msqid < 0 ? errno : 0;
	if (*msqid >= 0)
		cleanup_record_sysv(n->dir, *msqid);
}

/* naive: the first start; makes everything, reports, and waits to be killed */
static int naive(void *arg, int idx)
{
	struct cl_ctx *c = arg;
	int errs[CL_NOBJECTS + 1];

	(void)idx;
	make_names(&c->n, getpid());
	close(c->report[0]);
	naive_start(&c->n, errs, &errs[CL_NOBJECTS]);
	if (write(c->report[1], errs, sizeof(errs)) != (ssize_t)sizeof(errs))
		return 1;
	for (;;)
		pause();
}

/* restart: the second start, with the first one's names */
static int restart(void *arg, int idx)
{
	struct cl_ctx *c = arg;
	int errs[CL_NOBJECTS + 1];

	(void)idx;
	close(c->report[0]);
	naive_start(&c->n, errs, &errs[CL_NOBJECTS]);
	return write(c->report[1], errs, sizeof(errs)) == (ssize_t)sizeof(errs) ? 0 : 1;
}

/* still_there: which objects exist now */
static void still_there(const struct cl_names *n, int msqid, int there[CL_NOBJECTS])
{
	struct stat st;
	struct msqid_ds ds;
	char shm[96];

	snprintf(shm, sizeof(shm), "/dev/shm%s", n->shm);
	there[CL_SHM] = lstat(shm, &st) == 0;
	there[CL_FIFO] = lstat(n->fifo, &st) == 0 && S_ISFIFO(st.st_mode);
	there[CL_SOCKET] = lstat(n->sock, &st) == 0 && S_ISSOCK(st.st_mode);
	there[CL_SYSV] = msqid >= 0 && msgctl(msqid, IPC_STAT, &ds) == 0;
}

/* start_child: runs fn and reads its report (errno per object, then msqid) */
static int start_child(struct cl_ctx *c, int (*fn)(void *, int), pid_t *pid,
		       int errs[CL_NOBJECTS + 1], char *err, size_t errlen)
{
	struct timeval tv = { CL_READY_S, 0 };
	ssize_t got;

	if (pipe(c->report) < 0) {
		error_set(err, errlen, "cannot make a pipe: %s", strerror(errno));
		return -1;
	}
	*pid = exp_fork(fn, c, 0, 0, err, errlen);
	close(c->report[1]);
	setsockopt(c->report[0], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	got = *pid > 0 ? read(c->report[0], errs, sizeof(int) * (CL_NOBJECTS + 1)) : -1;
	close(c->report[0]);
	if (got != (ssize_t)(sizeof(int) * (CL_NOBJECTS + 1))) {
		if (*pid > 0)
			error_set(err, errlen, "the naive worker did not report");
		return -1;
	}
	return 0;
}

static void emit_objects(struct exp_out *o, const struct cleanup_result *r, const int *state,
			 const char *key, int x)
{
	for (int k = 0; k < CL_NOBJECTS; k++) {
		cJSON *l = exp_point_new(o, cleanup_object_names[k], key, x);
		cJSON_AddStringToObject(l, "where", r->where[k]);
		if (!strcmp(key, "restart"))
			cJSON_AddStringToObject(l, "error", state[k] ? strerrorname_np(state[k]) : "");
		else
			cJSON_AddBoolToObject(l, "left", state[k]);
		exp_emit(o, l);
	}
}

/* kill_naive: starts the naive worker and SIGKILLs it; its names and queue */
static int kill_naive(struct cl_ctx *c, struct cleanup_result *r, struct exp_out *o,
		      int *msqid, char *err, size_t errlen)
{
	int errs[CL_NOBJECTS + 1];
	pid_t pid = -1;

	exp_begin(o, "a naive worker makes a shm object, a FIFO, a socket file and a queue", 1);
	if (start_child(c, naive, &pid, errs, err, errlen) < 0) {
		exp_kill_all(&pid, 1);
		return -1;
	}
	r->naive_pid = (int)pid;
	make_names(&c->n, (int)pid);
	*msqid = errs[CL_NOBJECTS];
	exp_begin(o, "SIGKILL: the worker gets no chance to clean up", 0.2);
	exp_kill_all(&pid, 1);
	for (int k = 0; k < CL_NOBJECTS; k++)
		if (errs[k]) {
			error_set(err, errlen, "the naive worker could not make its %s: %s",
				  cleanup_object_names[k], strerror(errs[k]));
			return -1;
		}
	return 0;
}

int cleanup_demo_run(struct cleanup_result *r, struct exp_out *o, char *err, size_t errlen)
{
	struct cl_ctx c;
	int errs[CL_NOBJECTS + 1], msqid = -1;
	pid_t pid = -1;

	memset(r, 0, sizeof(*r));
	exp_plan(o, 4);
	if (kill_naive(&c, r, o, &msqid, err, errlen) < 0)
		return -1;
	snprintf(r->where[CL_SHM], sizeof(r->where[0]), "/dev/shm%s", c.n.shm);
	snprintf(r->where[CL_FIFO], sizeof(r->where[0]), "%s", c.n.fifo);
	snprintf(r->where[CL_SOCKET], sizeof(r->where[0]), "%s", c.n.sock);
	snprintf(r->where[CL_SYSV], sizeof(r->where[0]), "msqid %d", msqid);
	still_there(&c.n, msqid, r->left);
	emit_objects(o, r, r->left, "left after SIGKILL", 0);
	exp_begin(o, "the naive program starts again with the same names", 1);
	if (start_child(&c, restart, &pid, errs, err, errlen) == 0 &&
	    exp_wait(o, &pid, 1, NULL, err, errlen) == 0)
		memcpy(r->restart_errno, errs, sizeof(r->restart_errno));
	exp_kill_all(&pid, 1);
	emit_objects(o, r, r->restart_errno, "restart", 1);
	exp_begin(o, "ipcscope's sweep of objects whose owner is dead", 0.5);
	r->swept = cleanup_sweep_stale();
	still_there(&c.n, msqid, r->after);
	emit_objects(o, r, r->after, "left after the sweep", 2);
	return 0;
}

void cleanup_demo_lesson(const struct cleanup_result *r, char *buf, size_t len)
{
	int left = 0, after = 0, hit = 0;

	buf[0] = '\0';
	for (int k = 0; k < CL_NOBJECTS; k++) {
		left += r->left[k];
		after += r->after[k];
		hit += r->restart_errno[k] != 0;
	}
	exp_lesson_add(buf, len, "Killed with SIGKILL, the naive worker left %d of its 4 "
		       "objects behind", left);
	for (int k = 0, n = 0; k < CL_NOBJECTS; k++)
		if (r->left[k])
			exp_lesson_add(buf, len, "%s%s", n++ ? ", " : ": ", cleanup_object_names[k]);
	exp_lesson_add(buf, len, ". Its next start failed %d times:", hit);
	for (int k = 0, n = 0; k < CL_NOBJECTS; k++)
		if (r->restart_errno[k])
			exp_lesson_add(buf, len, "%s %s on the %s", n++ ? "," : "",
				       strerrorname_np(r->restart_errno[k]), cleanup_object_names[k]);
	if (after == 0)
		exp_lesson_add(buf, len, ". ipcscope's sweep removes what is named after a "
			       "process that no longer exists (the queue through the id recorded "
			       "in its directory); after it, none of the 4 is left.");
	else
		exp_lesson_add(buf, len, ". After ipcscope's sweep %d of the 4 objects are still "
			       "there: that is a defect.", after);
	if (left < 4)
		exp_lesson_add(buf, len, " (Fewer than 4 were left because another ipcscope run's "
			       "sweep got to them first.)");
}

EXP_DEMO_NO_PARAMS(cleanup, cleanup, struct cleanup_result, cleanup_demo_run, cleanup_demo_lesson, exp_no_check,
	 "{\"kind\":\"table\",\"y\":[\"where\",\"left\",\"error\"]}",
	.name = "cleanup",
	.title = "What a killed process leaves behind",
	.claim = "A killed process leaves IPC objects behind (shm segments, FIFOs, socket files, "
		 "SysV queues) and the next start fails (EEXIST, EADDRINUSE).",
	.method = "a naive worker makes a shm object, a FIFO, a socket file and a System V queue "
		  "and is SIGKILLed; what it left, what its next start hits, and the sweep of "
		  "ipcscope removing it all.");
