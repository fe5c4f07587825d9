/* test_mech.c -- every mechanism of the registry: sizes x modes, checksummed messages, nothing left behind */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "params/params.h"
#include "mech/mech.h"
#include "mech_check.h"
#include "mech_own.h"

#define N_MSGS 200
#define N_MSGS_BIG 8             /* messages of 64 KiB and more */
#define BIG_SIZE ((size_t)64 << 10)
#define WORKER_TIMEOUT_MS 5000   /* m->timeout_ms for lossless mechanisms */
#define LOSSY_TIMEOUT_MS 300     /* a lost last message ends the wait sooner */
#define CASE_DEADLINE_S 20       /* then both workers are killed */

/* worker exit codes */
enum {
	WK_OK, WK_OPEN = 10, WK_SEND, WK_RECV, WK_SEQ, WK_CORRUPT, WK_ECHO, WK_NOMEM,
	WK_LOST_ALL,
};

static const size_t test_sizes[] = { 1, 64, 4096, (size_t)1 << 20 };

/* One transfer case: what the workers need to know. */
struct xfer {
	const struct mech_ops *ops;
	size_t size;
	enum bench_mode mode;
	int nmsgs;
	int lossy;                   /* may drop messages (udp), never corrupt */
};

/* ---- message contents: seq, checksum, pseudo-random bytes from seq ---- */

static uint64_t fnv1a(const unsigned char *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ull;

	while (n--)
		h = (h ^ *p++) * 0x100000001b3ull;
	return h;
}

/* msg_fill: the one valid content of message seq of len bytes */
static void msg_fill(unsigned char *p, size_t len, uint64_t seq)
{
	uint64_t x = seq * 0x9e3779b97f4a7c15ull + 0x2545f4914f6cdd1dull;

	for (size_t i = 0; i < len; i += 8) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		memcpy(p + i, &x, len - i < 8 ? len - i : 8);
	}
	if (len >= 8)
		memcpy(p, &seq, 8);
	if (len >= 16) {
		uint64_t sum = fnv1a(p + 16, len - 16);
		memcpy(p + 8, &sum, 8);
	}
}

/* msg_check: WK_OK if p is message seq; WK_SEQ if it carries another
   sequence number (*got set), WK_CORRUPT if its bytes are wrong */
static int msg_check(const unsigned char *p, unsigned char *scratch,
		     size_t len, uint64_t seq, uint64_t *got)
{
	*got = seq;
	if (len >= 8) {
		memcpy(got, p, 8);
		if (*got != seq)
			return WK_SEQ;
	}
	if (len >= 16) {
		uint64_t sum;
		memcpy(&sum, p + 8, 8);
		if (sum != fnv1a(p + 16, len - 16))
			return WK_CORRUPT;
	}
	msg_fill(scratch, len, seq);
	if (memcmp(p, scratch, len) != 0)
		return len >= 8 ? WK_CORRUPT : WK_SEQ;
	return WK_OK;
}

/* ---- the two workers ---- */

static int worker_sender(struct mech *m, const struct xfer *x,
			 unsigned char *buf, unsigned char *scratch)
{
	for (int i = 0; i < x->nmsgs; i++) {
		uint64_t got;
		int rc;

		msg_fill(buf, x->size, (uint64_t)i);
		if ((rc = m->ops->send(m, buf, x->size))) {
			fprintf(stderr, "# %s: send %d: %s\n", x->ops->name, i, strerror(-rc));
			return WK_SEND;
		}
		if (x->mode != MODE_LATENCY)
			continue;
		if ((rc = m->ops->recv(m, buf, x->size))) {
			fprintf(stderr, "# %s: echo recv %d: %s\n", x->ops->name, i, strerror(-rc));
			return WK_RECV;
		}
		if (msg_check(buf, scratch, x->size, (uint64_t)i, &got) != WK_OK) {
			fprintf(stderr, "# %s: echo %d came back wrong\n", x->ops->name, i);
			return WK_ECHO;
		}
	}
	return WK_OK;
}

/* receiver_accept: checks message *next; for a lossy mechanism a later
   intact message is accepted (a gap, never going back) */
static int receiver_accept(const struct xfer *x, unsigned char *buf,
			   unsigned char *scratch, int *next)
{
	uint64_t got;
	int rc = msg_check(buf, scratch, x->size, (uint64_t)*next, &got);

	if (rc == WK_SEQ && x->lossy && got > (uint64_t)*next &&
	    got < (uint64_t)x->nmsgs &&
	    msg_check(buf, scratch, x->size, got, &got) == WK_OK) {
		*next = (int)got;
		rc = WK_OK;
	}
	if (rc == WK_SEQ)
		fprintf(stderr, "# %s: got seq %llu, want %d\n", x->ops->name,
			(unsigned long long)got, *next);
	if (rc == WK_CORRUPT)
		fprintf(stderr, "# %s: message %d corrupted\n", x->ops->name, *next);
	return rc;
}

static int worker_receiver(struct mech *m, const struct xfer *x,
			   unsigned char *buf, unsigned char *scratch)
{
	int got_any = 0;

	for (int i = 0; i < x->nmsgs; i++) {
		int rc = m->ops->recv(m, buf, x->size);

		if (rc == -ETIMEDOUT && x->lossy)
			return got_any ? WK_OK : WK_LOST_ALL;
		if (rc) {
			fprintf(stderr, "# %s: recv %d: %s\n", x->ops->name, i, strerror(-rc));
			return WK_RECV;
		}
		if ((rc = receiver_accept(x, buf, scratch, &i)))
			return rc;
		got_any = 1;
		if (x->mode == MODE_LATENCY && (rc = m->ops->send(m, buf, x->size))) {
			fprintf(stderr, "# %s: echo send %d: %s\n", x->ops->name, i, strerror(-rc));
			return WK_SEND;
		}
	}
	return WK_OK;
}

/* worker_run: one role from open to close; a WK_ code */
static int worker_run(struct mech *m, const struct xfer *x, enum mech_role role)
{
	unsigned char *buf = malloc(x->size), *scratch = malloc(x->size);
	int rc;

	if (!buf || !scratch) {
		rc = WK_NOMEM;
		goto out;
	}
	rc = role == ROLE_SENDER ? worker_sender(m, x, buf, scratch)
				 : worker_receiver(m, x, buf, scratch);
out:
	free(buf);
	free(scratch);
	return rc;
}

/* ---- two processes: receiver first, then the sender, then "go" ---- */

static int read_full(int fd, void *p, size_t n, int timeout_ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	while (n) {
		ssize_t r;
		int k = poll(&pfd, 1, timeout_ms);

		/* a worker's open may have armed a timer signal (tick.h) */
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return -1;
		r = read(fd, p, n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		p = (char *)p + r;
		n -= (size_t)r;
	}
	return 0;
}

struct sync_pipes {
	int ready[2], go[2], pid[2];
};

/* child_main: a forked worker; tells the parent whether open() worked,
   waits for "go", runs, exits with a WK_ code */
static void child_main(struct mech *m, const struct xfer *x, enum mech_role role,
		       struct sync_pipes *sp)
{
	char ok, go;
	int rc;

	close(sp->ready[0]);
	close(sp->go[1]);
	close(sp->pid[1]);
	if (role == ROLE_RECEIVER &&
	    read_full(sp->pid[0], &m->peer_pid, sizeof(m->peer_pid), 10000) < 0)
		_exit(WK_OPEN);
	close(sp->pid[0]);
	m->role = role;
	rc = m->ops->open(m, role);
	if (rc)
		fprintf(stderr, "# %s: open: %s\n", x->ops->name, strerror(-rc));
	ok = rc ? 1 : 0;
	if (write(sp->ready[1], &ok, 1) != 1 || rc)
		_exit(WK_OPEN);
	if (read_full(sp->go[0], &go, 1, 10000) < 0)
		_exit(WK_OPEN);
	rc = worker_run(m, x, role);
	if (m->ops->close)
		m->ops->close(m);
	_exit(rc);
}

/* reap_both: waits for both workers, killing them at the deadline;
   fills status[] with the exit codes (-1: killed or crashed) */
static void reap_both(pid_t pids[2], int status[2])
{
	time_t deadline = time(NULL) + CASE_DEADLINE_S;
	int left = (pids[0] > 0) + (pids[1] > 0);

	status[0] = status[1] = -1;
	while (left) {
		for (int i = 0; i < 2; i++) {
			int st;
			if (pids[i] <= 0 || waitpid(pids[i], &st, WNOHANG) != pids[i])
				continue;
			status[i] = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
			pids[i] = 0;
			left--;
		}
		if (left && time(NULL) > deadline)
			for (int i = 0; i < 2; i++)
				if (pids[i] > 0)
					kill(pids[i], SIGKILL);
		if (left)
			usleep(1000);
	}
}

static void close_pipes(struct sync_pipes *sp)
{
	int *fds = (int *)sp;

	for (size_t i = 0; i < sizeof(*sp) / sizeof(int); i++)
		if (fds[i] >= 0)
			close(fds[i]);
}

/* run_processes: the case over two forked workers; status[0] sender,
   status[1] receiver */
static void run_processes(struct mech *m, const struct xfer *x, int status[2])
{
	struct sync_pipes sp;
	pid_t pids[2] = { -1, -1 };
	char ready[2] = { 1, 1 }, go[2] = { 'g', 'g' };

	memset(&sp, 0xff, sizeof(sp));
	assert_int_equal(pipe(sp.ready), 0);
	assert_int_equal(pipe(sp.go), 0);
	assert_int_equal(pipe(sp.pid), 0);
	fflush(NULL);
	pids[1] = fork();
	if (pids[1] == 0)
		child_main(m, x, ROLE_RECEIVER, &sp);
	if (pids[1] > 0) {
		m->peer_pid = pids[1];
		pids[0] = fork();
		if (pids[0] == 0)
			child_main(m, x, ROLE_SENDER, &sp);
	}
	/* keep only the parent's ends, so a worker that dies early shows as EOF */
	close(sp.ready[1]);
	close(sp.go[0]);
	close(sp.pid[0]);
	sp.ready[1] = sp.go[0] = sp.pid[0] = -1;
	if (pids[0] > 0 && write(sp.pid[1], &pids[0], sizeof(pids[0])) < 0)
		kill(pids[0], SIGKILL);
	if (read_full(sp.ready[0], ready, 2, 10000) == 0 && !ready[0] && !ready[1])
		if (write(sp.go[1], go, 2) != 2)
			perror("go");
	close_pipes(&sp);   /* a worker still waiting for "go" gives up */
	reap_both(pids, status);
}

/* ---- two threads of this process, for .threads mechanisms ---- */

struct thread_arg {
	struct mech m;               /* own copy, priv shared */
	const struct xfer *x;
	enum mech_role role;
	int status;
};

static void *thread_main(void *p)
{
	struct thread_arg *a = p;
	int rc;

	a->m.role = a->role;
	rc = a->m.ops->open(&a->m, a->role);
	if (rc) {
		fprintf(stderr, "# %s: open: %s\n", a->x->ops->name, strerror(-rc));
		a->status = WK_OPEN;
		return NULL;
	}
	a->status = worker_run(&a->m, a->x, a->role);
	if (a->m.ops->close)
		a->m.ops->close(&a->m);
	return NULL;
}

static void run_threads(struct mech *m, const struct xfer *x, int status[2])
{
	struct thread_arg a[2];
	pthread_t t[2];
	struct timespec dl;

	for (int i = 0; i < 2; i++) {
		a[i].m = *m;
		a[i].x = x;
		a[i].role = i == 0 ? ROLE_SENDER : ROLE_RECEIVER;
		a[i].status = -1;
	}
	assert_int_equal(pthread_create(&t[1], NULL, thread_main, &a[1]), 0);
	assert_int_equal(pthread_create(&t[0], NULL, thread_main, &a[0]), 0);
	clock_gettime(CLOCK_REALTIME, &dl);
	dl.tv_sec += CASE_DEADLINE_S;
	for (int i = 0; i < 2; i++) {
		/* a thread stuck past the deadline cannot be killed: fail loudly */
		if (pthread_timedjoin_np(t[i], NULL, &dl) != 0)
			fail_msg("%s: a worker thread is stuck", x->ops->name);
		status[i] = a[i].status;
	}
}

/* ---- leftovers ---- */

/* sweep_prefixed: removes the entries of dir whose name starts with
   prefix, so a failing case leaves nothing behind; returns how many */
static int sweep_prefixed(const char *dir, const char *prefix)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[1024];
	int n = 0;

	if (!d)
		return 0;
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") ||
		    strncmp(e->d_name, prefix, strlen(prefix)) != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		unlink(path);
		n++;
	}
	closedir(d);
	return n;
}

/* ---- one case ---- */

static int is_lossy(const struct mech_ops *ops)
{
	return strcmp(ops->name, "udp") == 0;   /* API.md: reports lost */
}

static void run_case(const struct mech_ops *ops, size_t size,
		     enum bench_mode mode, int var)
{
	struct xfer x = { ops, size, mode, size >= BIG_SIZE ? N_MSGS_BIG : N_MSGS,
			  is_lossy(ops) };
	char what[64];
	char tag[MECH_NAME_MAX], dir[512];
	struct mech m;
	int status[2], rc, left_shm, left_mq, left_dir, left_procs;
	struct timespec t0, t1;

	snprintf(tag, sizeof(tag), "ipcscope-%d-%d", (int)getpid(), ++case_no);
	snprintf(dir, sizeof(dir), "%s/%d", test_root, case_no);
	assert_int_equal(mkdir(dir, 0700), 0);
	memset(&m, 0, sizeof(m));
	m.ops = ops;
	m.msg_size = size;
	m.mode = mode;
	assert_int_equal(variant(ops, var, m.opt, what, sizeof(what)), 0);
	m.timeout_ms = x.lossy ? LOSSY_TIMEOUT_MS : WORKER_TIMEOUT_MS;
	m.tmpdir = dir;
	m.tag = tag;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	rc = ops->create(&m);
	if (rc == 0) {
		if (ops->run)
			run_own(&m, (uint64_t)x.nmsgs, status);
		else if (ops->threads)
			run_threads(&m, &x, status);
		else
			run_processes(&m, &x, status);
	}
	ops->destroy(&m);
	if (ops->finish)              /* the run ends: kept helpers stop */
		ops->finish();
	clock_gettime(CLOCK_MONOTONIC, &t1);
	left_shm = sweep_prefixed("/dev/shm", tag);
	left_mq = sweep_prefixed("/dev/mqueue", tag);
	/* a kept helper's own child (node's forked receiver) exits on its
	   own once its parent is gone: give it up to 2 s */
	for (int i = 0; (left_procs = procs_naming(dir)) > 0 && i < 200; i++)
		usleep(10000);
	left_dir = sweep_prefixed(dir, "");
	rmdir(dir);
	print_message("# %-10s %-10s size %-7zu %-10s: create %d, sender %d, "
		      "receiver %d, %.0f ms\n", ops->name,
		      mode == MODE_LATENCY ? "latency" : "throughput", size,
		      what, rc, rc ? 0 : status[0], rc ? 0 : status[1],
		      (double)(t1.tv_sec - t0.tv_sec) * 1e3 +
			      (double)(t1.tv_nsec - t0.tv_nsec) / 1e6);
	if (rc)
		fail_msg("%s: create failed: %s", ops->name, strerror(-rc));
	assert_true(m.ngranted < MECH_MAX_GRANTED);  /* never silently full */
	assert_int_equal(status[0], WK_OK);
	assert_int_equal(status[1], WK_OK);
	assert_int_equal(left_shm, 0);
	assert_int_equal(left_mq, 0);
	assert_int_equal(left_dir, 0);
	assert_int_equal(left_procs, 0);
}

/* test_transfer: every size within the mechanism's limits (or its only
   size), both modes, and every value of each of its options */
static void test_transfer(void **state)
{
	const struct mech_ops *ops = *state;
	struct mech_limits lim;
	int opt[MECH_MAX_OPTIONS], nvar = 0, ran = 0;
	char what[64];

	while (variant(ops, nvar, opt, what, sizeof(what)) == 0)
		nvar++;

	mech_limits_of(ops, &lim);
	if (lim.max_size < lim.min_size) {
		/* the kernel here cannot run it: limits say why, and the param
		   check refuses every size with that reason */
		print_message("# %s: %s\n", ops->name, lim.why);
		assert_true(strncmp(lim.why, "none here: ", 11) == 0);
		return;
	}
	for (size_t i = 0; i <= sizeof(test_sizes) / sizeof(test_sizes[0]); i++) {
		size_t size = i < sizeof(test_sizes) / sizeof(test_sizes[0])
				      ? test_sizes[i] : lim.max_size;
		if (size < lim.min_size || size > lim.max_size || (ran && i == 4) ||
		    (ops->run && !own_size_tested(size)))
			continue;
		for (int mode = MODE_THROUGHPUT; mode <= MODE_LATENCY; mode++)
			for (int v = 0; v < nvar; v++)
				run_case(ops, size, mode, v);
		ran = 1;
	}
	assert_true(ran);
}

int main(void)
{
	static struct CMUnitTest tests[MAX_MECHS];
	static char names[MAX_MECHS][MECH_NAME_MAX + 16];
	int n = 0;

	for (int i = 0; mech_registry[i] && n < MAX_MECHS; i++) {
		if (mech_registry[i]->run_rep)
			continue;   /* its reps run under mpirun: tests/integration/mpi.sh */
		snprintf(names[n], sizeof(names[n]), "transfer_%s", mech_registry[i]->name);
		tests[n] = (struct CMUnitTest){ names[n], test_transfer, NULL, NULL,
						(void *)mech_registry[i] };
		n++;
	}
	/* IPCSCOPE_TEST_MECH=transfer_pipe: only the cases named so (cmocka's
	   wildcards), to walk one mechanism while working on it */
	if (getenv("IPCSCOPE_TEST_MECH"))
		cmocka_set_test_filter(getenv("IPCSCOPE_TEST_MECH"));
	return _cmocka_run_group_tests("mech", tests, (size_t)n, root_setup,
				       root_teardown);
}
