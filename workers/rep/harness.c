/* harness.c -- one rep of one mechanism: fork, pin, warm up, time, verify */
#include "rep/harness.h"
#include "rep/harness_int.h"
#include "rep/worker.h"

#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "rep/broker.h"
#include "params/params.h"
#include "rep/peerlink.h"
#include "base/error.h"

#define WARMUP_MIN 100                       /* default warmup with a count */
#define WARMUP_DURATION 1000                 /* default warmup with a duration */
#define WARMUP_BYTES_MAX ((uint64_t)16 << 20) /* default warmup: data cap */
#define RECV_TIMEOUT_MS 500   /* long enough that only a lost datagram trips it */
#define PEER_RESULT_WAIT_MS 5000   /* the peer's figures follow its worker's end */
#define REAP_WAIT_MS 100      /* one wait for a worker's end, between progress checks */
#define REAP_KILLED_MS 50     /* how long one reap waits for a SIGKILLed worker */

static volatile sig_atomic_t stop_requested;

void harness_stop(void)
{
	stop_requested = 1;
}

int harness_stopping(void)
{
	return stop_requested;
}

/* --- the parent -------------------------------------------------------- */

struct rep_state {
	struct ctl *ctl;
	struct mech m;
	int created;
	int start[2], ready[2], go[2];
	pid_t pids[2];
	int npids;
	uint64_t warmup;
	int early_exit, early_status;  /* a worker died before go */
	struct interference_mark mark; /* /proc/stat when the rep began */
	struct interference interf;
	struct broker_mark kept[2];    /* m.kept's CPU account when it began */
};

static int first_cpus(int cpus[2])
{
	cpu_set_t set;
	int n = 0;

	if (sched_getaffinity(0, sizeof(set), &set) < 0)
		return 0;
	for (int i = 0; i < CPU_SETSIZE && n < 2; i++)
		if (CPU_ISSET(i, &set))
			cpus[n++] = i;
	return n;
}

/* cpu_for: the CPU a role is pinned to under params, or -1 */
static int harness_cpu_for(const struct bench_params *p, enum mech_role role)
{
	int cpus[2] = { -1, -1 };
	int n;

	switch (p->pin) {
	case PIN_CPUS:
		return p->pin_cpu[role == ROLE_SENDER ? 0 : 1];
	case PIN_NONE:
		return -1;
	case PIN_SAME:
		return first_cpus(cpus) >= 1 ? cpus[0] : -1;
	case PIN_SPLIT:
	default:
		n = first_cpus(cpus);
		if (n < 2)
			return n == 1 ? cpus[0] : -1;
		return cpus[role == ROLE_SENDER ? 0 : 1];
	}
}

/* warmup_of: messages sent and discarded before timing (docs/API.md):
   as given, else 1 % of count (at least WARMUP_MIN) or WARMUP_DURATION
   with a duration, and then at most WARMUP_BYTES_MAX of data (at least
   one message), so large messages do not spend seconds warming up */
static uint64_t harness_warmup_of(const struct bench_params *p, uint64_t size)
{
	uint64_t n, cap;

	if (p->seen & (1u << P_WARMUP))
		return p->warmup;
	if (!p->count)
		n = WARMUP_DURATION;
	else
		n = p->count / 100 > WARMUP_MIN ? p->count / 100 : WARMUP_MIN;
	cap = size ? WARMUP_BYTES_MAX / size : n;
	if (cap < 1)
		cap = 1;
	return n < cap ? n : cap;
}

static void worker_setup(struct worker *w, struct rep_state *st, const struct rep_spec *spec,
			 enum mech_role role)
{
	const struct bench_params *p = spec->params;
	uint64_t count = p->count;

	memset(w, 0, sizeof(*w));
	w->m = st->m;
	w->ctl = st->ctl;
	w->spec = spec;
	w->role = role;
	w->count = count;
	w->warmup = harness_warmup_of(p, spec->params->size);
	w->cpu = harness_cpu_for(p, role);
	w->start_fd = st->start[0];
	w->ready_fd = st->ready[1];
	w->go_fd = st->go[0];
	w->thread = st->m.ops->threads;
}

static void child_init(void)
{
	struct sigaction sa = { .sa_handler = SIG_DFL };

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGPIPE, &sa, NULL);
}

/* threads_main: the threads baseline: both roles in one process */
static int threads_main(struct worker w[2])
{
	pthread_t t[2];
	void *r0 = NULL, *r1 = NULL;

	/* both threads share m.priv: the receiver's struct is a copy */
	if (pthread_create(&t[1], NULL, worker_thread, &w[ROLE_RECEIVER]) != 0)
		return 1;
	if (pthread_create(&t[0], NULL, worker_thread, &w[ROLE_SENDER]) != 0) {
		atomic_store(&w[0].ctl->stop, 1);
		pthread_join(t[1], NULL);
		return 1;
	}
	pthread_join(t[0], &r0);
	pthread_join(t[1], &r1);
	return (r0 || r1) ? 1 : 0;
}

/* --- a rep the mechanism runs itself (ops->run) ----------------------- */

static void side_to_out(const struct mech_run_side *s, struct worker_out *o)
{
	o->received = s->received;
	o->lost = s->lost;
	o->duplicated = s->duplicated;
	o->reordered = s->reordered;
	o->corrupted = s->corrupted;
	o->t_start_ns = s->t_start_ns;
	o->t_end_ns = s->t_end_ns;
	o->use.user_s = s->user_s;
	o->use.sys_s = s->sys_s;
	o->use.util_pct = s->util_pct;
	o->use.vol_cs = s->vol_cs;
	o->use.invol_cs = s->invol_cs;
	o->use.cpu = s->cpu;
}

/* own_run_finish: the mechanism's figures into the workers' accounts, as
   the harness's own loops would have left them */
static void own_run_finish(struct worker *w, struct mech_run *r)
{
	struct worker_out *o = w->ctl->out;

	side_to_out(&r->side[ROLE_SENDER], &o[ROLE_SENDER]);
	side_to_out(&r->side[ROLE_RECEIVER], &o[ROLE_RECEIVER]);
	o[ROLE_RECEIVER].received += w->warmup;   /* counted like loop_stream_recv */
	if (r->nrtt) {
		stats_latency(r->rtt_ns, r->nrtt, 2.0, &o[ROLE_SENDER].lat);
		stats_latency(r->rtt_ns, r->nrtt, 1.0, &o[ROLE_SENDER].rtt);
		stats_histogram(r->rtt_ns, r->nrtt, 2.0, &o[ROLE_SENDER].hist);
	}
	atomic_store(&w->ctl->progress, o[ROLE_RECEIVER].received);
}

/* own_run_main: one worker opens, says ready for both roles, and lets the
   mechanism run the rep (its own processes, pinned as asked) */
static int own_run_main(struct worker w[2])
{
	struct worker *s = &w[ROLE_SENDER];
	const struct bench_params *p = s->spec->params;
	struct mech_run r = { .count = s->count, .duration = p->duration,
			      .warmup = s->warmup, .verify = p->verify,
			      .cpu = { w[ROLE_SENDER].cpu, w[ROLE_RECEIVER].cpu } };
	int rc;

	worker_pin_self(s->cpu);
	if (worker_read_byte(s->start_fd) < 0)
		return 1;
	s->m.role = ROLE_SENDER;
	if ((rc = s->m.ops->open(&s->m, ROLE_SENDER)) < 0)
		side_fail(s, ERR_OPEN_FAILED, "open", rc);
	worker_write_byte(s->ready_fd);
	worker_write_byte(s->ready_fd);
	if (rc < 0)
		return 1;
	if (worker_read_byte(s->go_fd) == 0 && !atomic_load(&s->ctl->stop) &&
	    (rc = s->m.ops->run(&s->m, &r)) < 0)
		side_fail(s, ERR_RUN_FAILED, "run", rc);
	s->m.ops->close(&s->m);
	if (rc == 0)
		own_run_finish(s, &r);
	free(r.rtt_ns);
	atomic_store(&s->ctl->sender_done, 1);
	return rc < 0 ? 1 : 0;
}

static int spawn_workers(struct rep_state *st, const struct rep_spec *spec,
			 char *err, size_t errlen)
{
	struct worker w[2];
	/* threads and a mechanism that runs the rep itself: one process */
	int single = st->m.ops->threads || st->m.ops->run;
	int roles = single ? 1 : 2, first = 0;

	worker_setup(&w[ROLE_SENDER], st, spec, ROLE_SENDER);
	worker_setup(&w[ROLE_RECEIVER], st, spec, ROLE_RECEIVER);
	if (spec->link) {          /* the other role runs on the other host */
		first = spec->link->role == ROLE_SENDER ? 1 : 0;
		roles = first + 1;
	}
	/* fork the receiver first so it is listening when the sender starts */
	for (int i = first; i < roles; i++) {
		enum mech_role role = i == 0 ? ROLE_RECEIVER : ROLE_SENDER;
		pid_t pid = fork();

		if (pid < 0)
			return error_set(err, errlen, "cannot fork a worker: %s", strerror(errno));
		if (pid == 0) {
			child_init();
			if (st->m.ops->run)
				_exit(own_run_main(w));
			if (st->m.ops->threads)
				_exit(threads_main(w));
			_exit(worker_run(&w[role]) < 0 ? 1 : 0);
		}
		st->pids[st->npids++] = pid;
		st->ctl->pid[role] = pid;
	}
	if (single)
		st->ctl->pid[ROLE_SENDER] = st->ctl->pid[ROLE_RECEIVER] = st->pids[0];
	return 0;
}

static void kill_workers(struct rep_state *st, int sig)
{
	for (int i = 0; i < st->npids; i++)
		if (st->pids[i] > 0)
			kill(st->pids[i], sig);
}

/* reap_one: waits up to ms for a worker to exit; 1 reaped, 0 none, -1 none left */
static int reap_one(struct rep_state *st, int ms, int *status)
{
	sigset_t set;
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
	int alive = 0;

	for (int i = 0; i < st->npids; i++) {
		if (st->pids[i] <= 0)
			continue;
		alive++;
		if (waitpid(st->pids[i], status, WNOHANG) == st->pids[i]) {
			st->pids[i] = -1;
			return 1;
		}
	}
	if (!alive)
		return -1;
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigtimedwait(&set, NULL, &ts);
	return 0;
}

/* reap_dead: 1 when a worker has already exited (it is reaped and its
   status kept for wait_workers) */
static int reap_dead(struct rep_state *st)
{
	for (int i = 0; i < st->npids; i++)
		if (st->pids[i] > 0 && waitpid(st->pids[i], &st->early_status, WNOHANG) == st->pids[i]) {
			st->pids[i] = -1;
			st->early_exit = 1;
			return 1;
		}
	return 0;
}

static int pipes_open(struct rep_state *st)
{
	st->start[0] = st->start[1] = st->ready[0] = st->ready[1] = -1;
	st->go[0] = st->go[1] = -1;
	return (pipe2(st->start, O_CLOEXEC) < 0 || pipe2(st->ready, O_CLOEXEC) < 0 ||
		pipe2(st->go, O_CLOEXEC) < 0) ? -1 : 0;
}

static void pipes_close(struct rep_state *st)
{
	int *fds[] = { &st->start[0], &st->start[1], &st->ready[0], &st->ready[1],
		       &st->go[0], &st->go[1] };

	for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++)
		if (*fds[i] >= 0) {
			close(*fds[i]);
			*fds[i] = -1;
		}
}

/* barrier: lets the workers open, waits until all are ready (or one
   died, or a stop was asked), then says go; 0 when all are ready */
static int barrier(struct rep_state *st, int workers, struct peer_link *link)
{
	struct pollfd pfd = { .fd = st->ready[0], .events = POLLIN };
	int ready = 0, rc = 0;
	char err[192];

	for (int i = 0; i < workers; i++)
		worker_write_byte(st->start[1]);
	while (ready < workers) {
		int n = poll(&pfd, 1, 100);

		if (n > 0 && worker_read_byte(st->ready[0]) == 0) {
			ready++;
			continue;
		}
		if (stop_requested || reap_dead(st)) {
			rc = -1;
			break;
		}
	}
	/* across hosts both sides' workers must be ready before either goes */
	if (link && peerlink_barrier(link, rc == 0 && !atomic_load(&st->ctl->out[link->role].failed),
				     err, sizeof(err)) < 0)
		rc = -1;
	if (rc < 0)
		atomic_store(&st->ctl->stop, 1);
	for (int i = 0; i < workers; i++)
		worker_write_byte(st->go[1]);
	return rc;
}

void harness_timeout_message(const struct bench_params *p, double deadline_s, char *err,
			     size_t n)
{
	if (p->count)
		snprintf(err, n, "rep exceeded its %.0f s limit; use a smaller count", deadline_s);
	else
		snprintf(err, n, "rep exceeded its %.0f s limit, though it was to run %g s: a "
			 "worker did not stop when its duration was over (blocked on the other "
			 "side, or starved of CPU)", deadline_s, p->duration);
}

/* stop_rep: tells both workers to stop and makes sure they do */
static void stop_rep(struct rep_state *st)
{
	atomic_store(&st->ctl->stop, 1);
	kill_workers(st, SIGKILL);   /* a worker may be blocked for good */
}

/* wait_workers: reaps both workers, reporting progress and enforcing the
   deadline and stop requests; 0 when both exited cleanly */
static int wait_workers(struct rep_state *st, const struct rep_spec *spec, uint64_t t0,
			char *err, size_t errlen, const char **code)
{
	const struct bench_params *p = spec->params;
	int bad = 0, status = st->early_status, r = st->early_exit;
	uint64_t last = t0;

	for (; r >= 0; r = reap_one(st, REAP_WAIT_MS, &status)) {
		uint64_t t = now_ns();

		/* a stop asked of the run comes first: a Ctrl-C reaches the
		   workers too, and their deaths are its consequence */
		if (stop_requested && !bad) {
			error_set(err, errlen, "interrupted");
			*code = error_kind_name(ERR_CANCELLED);
			bad = 1;
			stop_rep(st);
		}
		if (r == 1 && !(WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
			if (!bad && WIFSIGNALED(status)) {
				error_set(err, errlen, "a worker was killed by signal %d (%s); "
					 "the other was stopped", WTERMSIG(status),
					 strsignal(WTERMSIG(status)));
				*code = error_kind_name(ERR_WORKER_KILLED);
			}
			bad = 1;
			stop_rep(st);
		}
		if (!bad && (double)(t - t0) / 1e9 > spec->deadline_s) {
			harness_timeout_message(p, spec->deadline_s, err, errlen);
			*code = error_kind_name(ERR_TIMEOUT);
			bad = 1;
			stop_rep(st);
		}
		if (spec->progress && t - last >= 250000000ull) {
			double done = p->count ?
				(double)atomic_load(&st->ctl->progress) / (double)(p->count + 1) :
				(double)(t - t0) / 1e9 / p->duration;

			spec->progress(spec->progress_ctx, done > 0.99 ? 0.99 : done);
			last = t;
		}
	}
	return bad ? -1 : 0;
}

static void fill_result(const struct rep_state *st, const struct rep_spec *spec,
			struct rep_result *out)
{
	const struct worker_out *s = &st->ctl->out[ROLE_SENDER];
	const struct worker_out *r = &st->ctl->out[ROLE_RECEIVER];
	int lat = spec->params->mode == MODE_LATENCY;
	uint64_t end = lat ? s->t_end_ns : r->t_end_ns;
	/* across hosts a throughput is timed on the receiver's clock alone */
	uint64_t start = spec->link && !lat ? r->t_start_ns : s->t_start_ns;

	memset(out, 0, sizeof(*out));
	out->rep = spec->rep;
	out->size = spec->params->size;
	out->elapsed_s = end > start ? (double)(end - start) / 1e9 : 0;
	if (lat)
		out->count = s->received;
	else
		out->count = r->received > st->warmup ? r->received - st->warmup : 0;
	if (out->elapsed_s > 0) {
		out->msgs_per_s = (double)out->count / out->elapsed_s;
		out->bytes_per_s = out->msgs_per_s * (double)spec->params->size;
	}
	out->sender = s->use;
	out->receiver = r->use;
	out->has_broker = st->m.broker_pid > 0 &&
			  broker_usage(&st->ctl->broker[0], &st->ctl->broker[1],
				       end - s->t_start_ns, &out->broker) == 0;
	out->lost = s->lost + r->lost;
	out->duplicated = s->duplicated + r->duplicated;
	out->reordered = s->reordered + r->reordered;
	out->corrupted = s->corrupted + r->corrupted;
	out->errors = s->errors + r->errors;
	out->has_latency = lat;
	if (lat) {
		out->lat = s->lat;
		out->rtt = s->rtt;
		out->hist = s->hist;
	}
	out->verified = spec->params->verify && !out->lost && !out->duplicated &&
			!out->reordered && !out->corrupted;
	memcpy(out->granted, st->m.granted, sizeof(out->granted));
	out->ngranted = st->m.ngranted;
	out->interference = st->interf;
	if (spec->link) {   /* this host's side only; the peer's came apart */
		out->interference.involuntary_ctx = s->use.invol_cs;
		out->interference.migrations = s->use.migrations;
		out->interference.peer = spec->link->far;
		return;
	}
	out->interference.involuntary_ctx = s->use.invol_cs + r->use.invol_cs;
	out->interference.migrations = s->use.migrations >= 0 && r->use.migrations >= 0 ?
				       s->use.migrations + r->use.migrations : -1;
}

/* interf_start: marks both workers' CPUs after the line round trip; across
   hosts only this side's worker's CPU (in a lab both "hosts" share CPUs,
   and the far worker is no one else's load), and only the driver times
   the line */
static void interf_start(struct rep_state *st, const struct rep_spec *spec)
{
	int a = harness_cpu_for(spec->params, ROLE_SENDER);
	int b = harness_cpu_for(spec->params, ROLE_RECEIVER);
	int driver = spec->link && spec->link->role == ROLE_SENDER;

	interference_init(&st->interf);
	if (!spec->link) {
		interference_rep_begin(&st->mark, a, b, &st->interf);
		for (int i = 0; i < 2; i++)
			broker_mark_take(st->m.kept[i], &st->kept[i]);
		return;
	}
	if (driver)
		interference_rep_line(a, b, &st->interf);
	interference_side_begin(&st->mark, driver ? a : b);
}

/* interf_end: after the reap; the peer counts its worker's switches */
static void interf_end(struct rep_state *st, const struct rep_spec *spec)
{
	for (int i = 0; i < 2; i++) {
		struct broker_mark now;

		broker_mark_take(st->m.kept[i], &now);
		if (st->kept[i].ok && now.ok && now.cpu_ns >= st->kept[i].cpu_ns)
			st->mark.own_cpu_s -= (double)(now.cpu_ns - st->kept[i].cpu_ns) / 1e9;
	}
	interference_end(&st->mark, &st->interf);
	if (spec->link && spec->link->role == ROLE_RECEIVER)
		st->interf.involuntary_ctx = st->ctl->out[ROLE_RECEIVER].use.invol_cs;
}

int harness_run_rep(const struct rep_spec *spec, struct rep_result *out,
		    char *err, size_t errlen, const char **code)
{
	const struct bench_params *p = spec->params;
	struct rep_state st = { 0 };
	char tag[64], perr[192];
	int rc = -1, pumping = 0;
	uint64_t t0, warm;
	sigset_t chld, oldmask;

	*code = error_kind_name(ERR_RUN_FAILED);
	err[0] = '\0';
	if (spec->ops->run_rep) {   /* its ends are not processes forked here */
		struct mech_rep mr = {
			.rep = spec->rep, .size = spec->params->size, .count = p->count,
			.warmup = harness_warmup_of(p, spec->params->size), .duration = p->duration,
			.mode = (int)p->mode, .verify = p->verify,
			.cpu = { harness_cpu_for(p, ROLE_SENDER), harness_cpu_for(p, ROLE_RECEIVER) },
			.deadline_s = spec->deadline_s, .tmpdir = spec->tmpdir,
			.progress = spec->progress, .progress_ctx = spec->progress_ctx,
			.stopping = harness_stopping,
		};
		return spec->ops->run_rep(&mr, out, err, errlen, code);
	}
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	pthread_sigmask(SIG_BLOCK, &chld, &oldmask);
	st.ctl = mmap(NULL, sizeof(*st.ctl), PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (st.ctl == MAP_FAILED) {
		error_set(err, errlen, "cannot map the control block: %s", strerror(errno));
		pthread_sigmask(SIG_SETMASK, &oldmask, NULL);
		return -1;
	}
	memset(st.ctl, 0, sizeof(*st.ctl));
	snprintf(tag, sizeof(tag), "ipcscope-%d-%d", (int)getpid(), spec->rep);
	st.m.ops = spec->ops;
	st.m.msg_size = spec->params->size;
	st.m.mode = p->mode;
	params_mech_options(p, spec->ops, st.m.opt);
	st.m.timeout_ms = RECV_TIMEOUT_MS;
	st.m.tmpdir = spec->tmpdir;
	st.m.tag = tag;
	if (pipes_open(&st) < 0) {
		error_set(err, errlen, "cannot make pipes: %s", strerror(errno));
		goto out;
	}
	st.created = 1;
	if (spec->link) {
		if ((rc = peerlink_data_open(spec->link, &st.m, p, err, errlen, code)) < 0)
			goto out;
	} else if ((rc = spec->ops->create(&st.m)) < 0) {
		error_set(err, errlen, "cannot create %s: %s", spec->ops->name, strerror(-rc));
		*code = error_kind_name(ERR_CREATE_FAILED);
		rc = -1;
		goto out;
	}
	warm = harness_warmup_of(p, spec->params->size);
	st.warmup = warm;
	atomic_store(&st.ctl->total, p->count ? p->count + warm : UINT64_MAX);
	interf_start(&st, spec);
	if ((rc = spawn_workers(&st, spec, err, errlen)) < 0)
		goto reap;
	t0 = now_ns();
	/* one byte per role, whether process or thread; one role across hosts */
	barrier(&st, spec->link ? 1 : 2, spec->link);
	if (spec->link && !(pumping = peerlink_pump_start(spec->link, st.ctl) == 0))
		stop_rep(&st);
	rc = wait_workers(&st, spec, t0, err, errlen, code);
reap:
	kill_workers(&st, SIGKILL);
	{
		int status;
		while (reap_one(&st, REAP_KILLED_MS, &status) >= 0)
			;
	}
	interf_end(&st, spec);
	if (pumping && peerlink_pump_finish(spec->link, &st.interf, PEER_RESULT_WAIT_MS, perr,
					    sizeof(perr)) < 0 && rc == 0) {
		error_set(err, errlen, "%s", perr);
		*code = error_kind_name(ERR_PEER_FAILED);
		rc = -1;
	}
	/* a worker's own account of its failure says more than its exit */
	for (int i = 0; i < 2; i++)
		if (st.ctl->out[i].failed && (rc == 0 || error_kind_find(*code) != ERR_CANCELLED)) {
			error_set(err, errlen, "%s", st.ctl->out[i].err);
			*code = st.ctl->out[i].code ? st.ctl->out[i].code :
							  error_kind_name(ERR_RUN_FAILED);
			rc = -1;
			break;
		}
	if (rc == 0 && spec->ops->collect)
		spec->ops->collect(&st.m);
	if (rc == 0)
		fill_result(&st, spec, out);
out:
	st.m.rep_ok = rc == 0;
	if (st.created)
		spec->ops->destroy(&st.m);
	pipes_close(&st);
	munmap(st.ctl, sizeof(*st.ctl));
	pthread_sigmask(SIG_SETMASK, &oldmask, NULL);
	return rc;
}
