/* harness.c -- one rep of one mechanism: fork, pin, warm up, time, verify */
#include "harness.h"
#include "harness_int.h"

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

#include "broker.h"
#include "params.h"
#include "peerlink.h"

#define NPATTERNS 2
#define WARMUP_MIN 100                       /* default warmup with a count */
#define WARMUP_DURATION 1000                 /* default warmup with a duration */
#define WARMUP_BYTES_MAX ((uint64_t)16 << 20) /* default warmup: data cap */
#define RECV_TIMEOUT_MS 500   /* long enough that only a lost datagram trips it */
#define PROGRESS_EVERY 1024
#define PEER_RESULT_WAIT_MS 5000   /* the peer's figures follow its worker's end */

/* Per-worker view: everything the loops need, nothing shared. */
struct worker {
	struct mech m;
	struct ctl *ctl;
	const struct rep_spec *spec;
	enum mech_role role;
	uint64_t warmup, count;        /* count 0: run for duration */
	int cpu;                       /* -1: not pinned */
	int start_fd, ready_fd, go_fd; /* barrier pipes */
	int thread;                    /* running as a thread (threads mech) */
	unsigned char *pat[NPATTERNS];
	unsigned char *rbuf;
};

static volatile sig_atomic_t stop_requested;

void harness_stop(void)
{
	stop_requested = 1;
}

static inline uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void fill_pattern(unsigned char *p, size_t n, int k)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (unsigned char)((i * 131u + (size_t)k * 77u + 17u) ^ (i >> 9));
}

/* The sequence number travels little-endian in the first min(size, 8)
   bytes; the common case is one 8-byte store and load. */
static inline void put_seq(unsigned char *buf, size_t size, uint64_t seq)
{
	if (size >= 8) {
		uint64_t le = htole64(seq);
		memcpy(buf, &le, 8);
		return;
	}
	for (size_t i = 0; i < size; i++)
		buf[i] = (unsigned char)(seq >> (8 * i));
}

static inline uint64_t get_seq(const unsigned char *buf, size_t size)
{
	uint64_t v = 0;

	if (size >= 8) {
		memcpy(&v, buf, 8);
		return le64toh(v);
	}
	for (size_t i = 0; i < size; i++)
		v |= (uint64_t)buf[i] << (8 * i);
	return v;
}

/* seq_mask: sequence numbers wrap at the width the message can carry */
static inline uint64_t seq_mask(size_t size)
{
	return size >= 8 ? UINT64_MAX : (1ull << (8 * size)) - 1;
}

static inline int payload_ok(const struct worker *w, const unsigned char *buf, uint64_t seq)
{
	size_t size = w->m.msg_size;

	return size <= 8 || memcmp(buf + 8, w->pat[seq & 1] + 8, size - 8) == 0;
}

/* A point in a worker's CPU account: rusage for the user/system split and
   context switches, the CPU-time clock for a precise total (rusage is
   tick-grained, too coarse for short reps). */
struct usage_mark {
	long migrations;               /* -1: not counted */
	struct rusage ru;
	uint64_t cpu_ns;
};

static void usage_snapshot(const struct worker *w, struct usage_mark *u)
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

static void usage_finish(struct worker *w, const struct usage_mark *a, uint64_t t0, uint64_t t1)
{
	struct worker_out *o = &w->ctl->out[w->role];
	struct usage_mark b;
	double wall = (double)(t1 - t0) / 1e9;

	usage_snapshot(w, &b);
	o->use.user_s = tv_s(a->ru.ru_utime, b.ru.ru_utime);
	o->use.sys_s = tv_s(a->ru.ru_stime, b.ru.ru_stime);
	o->use.util_pct = wall > 0 ? 100.0 * (double)(b.cpu_ns - a->cpu_ns) / 1e9 / wall : 0;
	o->use.vol_cs = b.ru.ru_nvcsw - a->ru.ru_nvcsw;
	o->use.invol_cs = b.ru.ru_nivcsw - a->ru.ru_nivcsw;
	o->use.migrations = a->migrations >= 0 && b.migrations >= 0 ?
			    b.migrations - a->migrations : -1;
	o->use.cpu = sched_getcpu();
}

/* broker_mark: the broker's CPU account at the start (0) or the end (1)
   of the timed section, taken by the worker that starts or ends it */
static inline void broker_mark(struct worker *w, int end)
{
	if (w->m.broker_pid > 0)
		broker_mark_take(w->m.broker_pid, &w->ctl->broker[end]);
}

static int worker_fail(struct worker *w, const char *code, const char *what, int rc)
{
	struct worker_out *o = &w->ctl->out[w->role];

	o->failed = 1;
	o->code = code;
	snprintf(o->err, sizeof(o->err), "%s %s: %s", w->role == ROLE_SENDER ?
		 "sender" : "receiver", what, strerror(-rc));
	atomic_store(&w->ctl->stop, 1);
	return -1;
}

/* --- throughput: a one-way stream ------------------------------------ */

static int stream_send(struct worker *w)
{
	struct ctl *c = w->ctl;
	struct mech *m = &w->m;     /* invariants in locals, as in stream_recv */
	int (*send)(struct mech *, const void *, size_t) = m->ops->send;
	unsigned char *pat0 = w->pat[0], *pat1 = w->pat[1];
	const size_t size = m->msg_size;
	uint64_t seq = 0, batch = 1, next_check, t0 = 0, deadline = 0, t_check;
	uint64_t total = w->count ? w->warmup + w->count : UINT64_MAX;
	struct usage_mark ru;
	int rc;

	for (; seq < w->warmup; seq++) {
		put_seq(w->pat[seq & 1], size, seq);
		if ((rc = w->m.ops->send(&w->m, w->pat[seq & 1], size)) < 0)
			return worker_fail(w, "send_failed", "send", rc);
	}
	broker_mark(w, 0);
	usage_snapshot(w, &ru);
	t0 = t_check = now_ns();
	if (!w->count)
		deadline = t0 + (uint64_t)(w->spec->params->duration * 1e9);
	else
		batch = 1024;    /* only stop requests to look for: rarely */
	next_check = seq + batch;
	for (; seq < total; seq++) {
		unsigned char *msg = seq & 1 ? pat1 : pat0;

		if (seq == next_check) {
			if (atomic_load_explicit(&c->stop, memory_order_relaxed))
				break;
			if (deadline) {
				/* read the clock about every 0.2-2 ms, whatever the
				   message size, so the rep ends close to its duration */
				uint64_t t = now_ns();
				if (t >= deadline) {
					/* the receiver stops after the next message */
					total = seq + 1;
					atomic_store(&c->total, total);
				} else if (t - t_check < 200000 && batch < 4096) {
					batch *= 2;
				} else if (t - t_check > 2000000 && batch > 1) {
					batch /= 2;
				}
				t_check = t;
			}
			next_check = seq + batch;
		}
		put_seq(msg, size, seq);
		if (__builtin_expect((rc = send(m, msg, size)) < 0, 0))
			return worker_fail(w, "send_failed", "send", rc);
	}
	c->out[ROLE_SENDER].t_start_ns = t0;
	usage_finish(w, &ru, t0, now_ns());
	atomic_store(&c->sender_done, 1);
	return 0;
}

/* account_gap: a message that is not the next one expected: a gap means
   lost messages, one behind a duplicate, anything else a reordering */
static void account_gap(struct worker_out *o, uint64_t seq, uint64_t *expected,
			uint64_t mask)
{
	uint64_t want = *expected & mask;

	if (((seq - want) & mask) < (mask >> 1)) {
		o->lost += (seq - want) & mask;
		*expected += ((seq - want) & mask) + 1;
	} else if (((want - seq) & mask) == 1) {
		o->duplicated++;
	} else {
		o->reordered++;
	}
}

static int stream_recv(struct worker *w)
{
	struct ctl *c = w->ctl;
	struct worker_out *o = &c->out[ROLE_RECEIVER];
	/* the loop's invariants in locals: the indirect call would otherwise
	   make the compiler reload each of them for every message */
	struct mech *m = &w->m;
	int (*recv)(struct mech *, void *, size_t) = m->ops->recv;
	unsigned char *rbuf = w->rbuf;
	const size_t size = m->msg_size;
	const uint64_t mask = seq_mask(size), warmup = w->warmup;
	const int verify = w->spec->params->verify;
	uint64_t got = 0, expected = 0, t0 = 0;
	struct usage_mark ru;
	int rc;

	for (;;) {
		uint64_t total = atomic_load_explicit(&c->total, memory_order_acquire);
		uint64_t seq;

		if (got >= total)
			break;
		if (got == warmup) {
			usage_snapshot(w, &ru);
			t0 = now_ns();
		}
		rc = recv(m, rbuf, size);
		if (__builtin_expect(rc < 0, 0)) {
			if (rc == -EPIPE && w->spec->link)
				break;     /* the driver closed: all it sent is in */
			if (rc != -ETIMEDOUT)
				return worker_fail(w, rc == -EPIPE ? "peer_gone" : "recv_failed",
						   "recv", rc);
			o->errors++;
			if (atomic_load(&c->stop))
				break;
			if (m->ops->lossy && atomic_load(&c->sender_done)) {
				/* everything was sent: what did not come is lost */
				total = atomic_load(&c->total);
				if (total != UINT64_MAX && total > expected)
					o->lost += total - expected;
				break;
			}
			continue;
		}
		seq = get_seq(rbuf, size);
		if (__builtin_expect(seq == (expected & mask), 1))
			expected++;
		else
			account_gap(o, seq, &expected, mask);
		if (verify && !payload_ok(w, rbuf, seq))
			o->corrupted++;
		if ((++got & (PROGRESS_EVERY - 1)) == 0)
			atomic_store_explicit(&c->progress, got, memory_order_relaxed);
	}
	o->t_end_ns = now_ns();
	broker_mark(w, 1);
	o->received = got;
	o->t_start_ns = t0 ? t0 : o->t_end_ns;  /* across hosts, the only clock */
	if (!t0) {
		usage_snapshot(w, &ru);
		t0 = o->t_end_ns;
	}
	usage_finish(w, &ru, t0, o->t_end_ns);
	atomic_store(&c->progress, got);
	return 0;
}

/* --- latency: ping-pong, every round trip timed ----------------------- */

static int lat_grow(uint64_t **v, size_t *cap, size_t need)
{
	uint64_t *n;
	size_t ncap = *cap ? *cap : 4096;

	while (ncap < need)
		ncap *= 2;
	if (ncap == *cap)
		return 0;
	n = realloc(*v, ncap * sizeof(**v));
	if (!n)
		return -1;
	*v = n;
	*cap = ncap;
	return 0;
}

/* ping: one round trip for seq; 1 done, 0 lost (timed out), -1 failed */
static int ping(struct worker *w, struct worker_out *o, uint64_t seq)
{
	size_t size = w->m.msg_size;
	uint64_t mask = seq_mask(size);
	int rc;

	put_seq(w->pat[seq & 1], size, seq);
	if ((rc = w->m.ops->send(&w->m, w->pat[seq & 1], size)) < 0)
		return worker_fail(w, "send_failed", "send", rc);
	for (;;) {
		rc = w->m.ops->recv(&w->m, w->rbuf, size);
		if (rc == -ETIMEDOUT) {
			o->errors++;
			if (atomic_load(&w->ctl->stop))
				return -1;
			if (!w->m.ops->lossy)
				continue;      /* slow, not lost: keep waiting */
			o->lost++;
			return 0;
		}
		if (rc < 0)
			return worker_fail(w, rc == -EPIPE ? "peer_gone" : "recv_failed", "recv", rc);
		if (get_seq(w->rbuf, size) == (seq & mask))
			break;
		o->duplicated++;               /* a late echo of an earlier ping */
	}
	if (w->spec->params->verify && !payload_ok(w, w->rbuf, seq))
		o->corrupted++;
	return 1;
}

static int latency_send(struct worker *w)
{
	struct ctl *c = w->ctl;
	struct worker_out *o = &c->out[ROLE_SENDER];
	uint64_t *rtt = NULL, seq, t0, deadline = 0, t;
	size_t n = 0, cap = 0;
	struct usage_mark ru;
	int rc = 0;

	for (seq = 0; seq < w->warmup; seq++)
		if (ping(w, o, seq) < 0)
			goto out;
	o->lost = o->duplicated = o->errors = 0;
	if (lat_grow(&rtt, &cap, w->count ? w->count : 65536) < 0) {
		rc = worker_fail(w, "no_memory", "allocating round-trip times", -ENOMEM);
		goto out;
	}
	broker_mark(w, 0);
	usage_snapshot(w, &ru);
	t0 = now_ns();
	if (!w->count)
		deadline = t0 + (uint64_t)(w->spec->params->duration * 1e9);
	for (t = t0;; seq++) {
		uint64_t t1;
		int r;

		if (w->count ? n + o->lost >= w->count : t >= deadline)
			break;
		if (n == cap && lat_grow(&rtt, &cap, n + 1) < 0) {
			rc = worker_fail(w, "no_memory", "allocating round-trip times", -ENOMEM);
			goto out;
		}
		r = ping(w, o, seq);
		t1 = now_ns();
		if (r < 0) {
			rc = -1;
			goto out;
		}
		if (r)
			rtt[n++] = t1 - t;
		t = t1;
		if ((n & (PROGRESS_EVERY - 1)) == 0)
			atomic_store_explicit(&c->progress, n, memory_order_relaxed);
	}
	o->t_start_ns = t0;
	o->t_end_ns = t;
	o->received = n;
	usage_finish(w, &ru, t0, t);
	broker_mark(w, 1);
	if (!w->count) {
		/* the echo side cannot know the last ping: send one more that it
		   recognises by count, and do not time it */
		uint64_t lost = o->lost, dup = o->duplicated;
		atomic_store(&c->total, seq + 1);
		if (ping(w, o, seq) < 0) {
			rc = -1;
			goto out;
		}
		o->lost = lost;
		o->duplicated = dup;
	}
	if (n) {
		stats_latency(rtt, n, 2.0, &o->lat);
		stats_latency(rtt, n, 1.0, &o->rtt);  /* already sorted: cheap */
		stats_histogram(rtt, n, 2.0, &o->hist);
	}
out:
	free(rtt);
	atomic_store(&c->sender_done, 1);
	return rc;
}

static int latency_echo(struct worker *w)
{
	struct ctl *c = w->ctl;
	struct worker_out *o = &c->out[ROLE_RECEIVER];
	size_t size = w->m.msg_size;
	uint64_t got = 0, t0 = 0;
	struct usage_mark ru;
	int rc;

	usage_snapshot(w, &ru);
	for (;;) {
		if (got == w->warmup)
			t0 = now_ns(), usage_snapshot(w, &ru);
		rc = w->m.ops->recv(&w->m, w->rbuf, size);
		if (rc == -ETIMEDOUT) {
			if (atomic_load(&c->stop) || atomic_load(&c->sender_done))
				break;
			continue;
		}
		if (rc == -EPIPE && (atomic_load(&c->sender_done) || w->spec->link))
			break;
		if (rc < 0)
			return worker_fail(w, rc == -EPIPE ? "peer_gone" : "recv_failed", "recv", rc);
		if (w->spec->params->verify && !payload_ok(w, w->rbuf, get_seq(w->rbuf, size)))
			o->corrupted++;
		if ((rc = w->m.ops->send(&w->m, w->rbuf, size)) < 0)
			return worker_fail(w, "send_failed", "send", rc);
		got++;
		if (got >= atomic_load_explicit(&c->total, memory_order_acquire))
			break;
	}
	o->received = got;
	o->t_end_ns = now_ns();
	usage_finish(w, &ru, t0 ? t0 : o->t_end_ns, o->t_end_ns);
	return 0;
}

/* --- the worker: barrier, open, loop, close ---------------------------- */

static void pin_self(int cpu)
{
	cpu_set_t set;

	if (cpu < 0)
		return;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);  /* the calling thread */
}

static int read_byte(int fd)
{
	char b;
	ssize_t n;

	do
		n = read(fd, &b, 1);
	while (n < 0 && errno == EINTR);
	return n == 1 ? 0 : -1;
}

static void write_byte(int fd)
{
	char b = 1;

	while (write(fd, &b, 1) < 0 && errno == EINTR)
		;
}

static int worker_alloc(struct worker *w)
{
	size_t size = w->m.msg_size;

	for (int k = 0; k < NPATTERNS; k++) {
		if (!(w->pat[k] = malloc(size)))
			return -1;
		fill_pattern(w->pat[k], size, k);
	}
	return (w->rbuf = calloc(1, size)) ? 0 : -1;
}

static void worker_free(struct worker *w)
{
	for (int k = 0; k < NPATTERNS; k++)
		free(w->pat[k]);
	free(w->rbuf);
}

/* worker_run: the life of one worker; 0 on success */
static int worker_run(struct worker *w)
{
	int rc = -1;

	pin_self(w->cpu);
	if (read_byte(w->start_fd) < 0)
		return -1;
	w->m.peer_pid = w->ctl->pid[w->role == ROLE_SENDER ? ROLE_RECEIVER : ROLE_SENDER];
	w->m.role = w->role;
	if (worker_alloc(w) < 0) {
		worker_fail(w, "no_memory", "allocating buffers", -ENOMEM);
		write_byte(w->ready_fd);
		goto out;
	}
	if ((rc = w->m.ops->open(&w->m, w->role)) < 0) {
		worker_fail(w, "open_failed", "open", rc);
		write_byte(w->ready_fd);
		goto out;
	}
	write_byte(w->ready_fd);
	if (read_byte(w->go_fd) < 0 || atomic_load(&w->ctl->stop)) {
		rc = -1;
		goto close;
	}
	if (w->spec->params->mode == MODE_LATENCY)
		rc = w->role == ROLE_SENDER ? latency_send(w) : latency_echo(w);
	else
		rc = w->role == ROLE_SENDER ? stream_send(w) : stream_recv(w);
close:
	w->m.ops->close(&w->m);
out:
	worker_free(w);
	return rc;
}

static void *worker_thread(void *arg)
{
	return (void *)(intptr_t)worker_run(arg);
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
static int cpu_for(const struct bench_params *p, enum mech_role role)
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
static uint64_t warmup_of(const struct bench_params *p, uint64_t size)
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
	w->warmup = warmup_of(p, spec->size);
	w->cpu = cpu_for(p, role);
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
	o[ROLE_RECEIVER].received += w->warmup;   /* counted like stream_recv */
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

	pin_self(s->cpu);
	if (read_byte(s->start_fd) < 0)
		return 1;
	s->m.role = ROLE_SENDER;
	if ((rc = s->m.ops->open(&s->m, ROLE_SENDER)) < 0)
		worker_fail(s, "open_failed", "open", rc);
	write_byte(s->ready_fd);
	write_byte(s->ready_fd);
	if (rc < 0)
		return 1;
	if (read_byte(s->go_fd) == 0 && !atomic_load(&s->ctl->stop) &&
	    (rc = s->m.ops->run(&s->m, &r)) < 0)
		worker_fail(s, "run_failed", "run", rc);
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

		if (pid < 0) {
			snprintf(err, errlen, "cannot fork a worker: %s", strerror(errno));
			return -1;
		}
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
		write_byte(st->start[1]);
	while (ready < workers) {
		int n = poll(&pfd, 1, 100);

		if (n > 0 && read_byte(st->ready[0]) == 0) {
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
		write_byte(st->go[1]);
	return rc;
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

	for (; r >= 0; r = reap_one(st, 100, &status)) {
		uint64_t t = now_ns();

		/* a stop asked of the run comes first: a Ctrl-C reaches the
		   workers too, and their deaths are its consequence */
		if (stop_requested && !bad) {
			snprintf(err, errlen, "interrupted");
			*code = "cancelled";
			bad = 1;
			stop_rep(st);
		}
		if (r == 1 && !(WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
			if (!bad && WIFSIGNALED(status)) {
				snprintf(err, errlen, "a worker was killed by signal %d (%s); "
					 "the other was stopped", WTERMSIG(status),
					 strsignal(WTERMSIG(status)));
				*code = "worker_killed";
			}
			bad = 1;
			stop_rep(st);
		}
		if (!bad && (double)(t - t0) / 1e9 > spec->deadline_s) {
			snprintf(err, errlen, "rep exceeded its %.0f s limit; use a smaller "
				 "count", spec->deadline_s);
			*code = "timeout";
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
	out->size = spec->size;
	out->elapsed_s = end > start ? (double)(end - start) / 1e9 : 0;
	if (lat)
		out->count = s->received;
	else
		out->count = r->received > st->warmup ? r->received - st->warmup : 0;
	if (out->elapsed_s > 0) {
		out->msgs_per_s = (double)out->count / out->elapsed_s;
		out->bytes_per_s = out->msgs_per_s * (double)spec->size;
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
	out->interference.involuntary_ctx = s->use.invol_cs + r->use.invol_cs;
	out->interference.migrations = s->use.migrations >= 0 && r->use.migrations >= 0 ?
				       s->use.migrations + r->use.migrations : -1;
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

	*code = "run_failed";
	err[0] = '\0';
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	pthread_sigmask(SIG_BLOCK, &chld, &oldmask);
	st.ctl = mmap(NULL, sizeof(*st.ctl), PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (st.ctl == MAP_FAILED) {
		snprintf(err, errlen, "cannot map the control block: %s", strerror(errno));
		pthread_sigmask(SIG_SETMASK, &oldmask, NULL);
		return -1;
	}
	memset(st.ctl, 0, sizeof(*st.ctl));
	snprintf(tag, sizeof(tag), "ipcscope-%d-%d", (int)getpid(), spec->rep);
	st.m.ops = spec->ops;
	st.m.msg_size = spec->size;
	st.m.mode = p->mode;
	params_mech_options(p, spec->ops, st.m.opt);
	st.m.timeout_ms = RECV_TIMEOUT_MS;
	st.m.tmpdir = spec->tmpdir;
	st.m.tag = tag;
	if (pipes_open(&st) < 0) {
		snprintf(err, errlen, "cannot make pipes: %s", strerror(errno));
		goto out;
	}
	st.created = 1;
	if (spec->link) {
		if ((rc = peerlink_data_open(spec->link, &st.m, p, err, errlen, code)) < 0)
			goto out;
	} else if ((rc = spec->ops->create(&st.m)) < 0) {
		snprintf(err, errlen, "cannot create %s: %s", spec->ops->name, strerror(-rc));
		*code = "create_failed";
		rc = -1;
		goto out;
	}
	warm = warmup_of(p, spec->size);
	st.warmup = warm;
	atomic_store(&st.ctl->total, p->count ? p->count + warm : UINT64_MAX);
	interference_init(&st.interf);
	interference_rep_begin(&st.mark, cpu_for(p, ROLE_SENDER), cpu_for(p, ROLE_RECEIVER),
			       &st.interf);
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
		while (reap_one(&st, 50, &status) >= 0)
			;
	}
	if (pumping && peerlink_pump_finish(spec->link, PEER_RESULT_WAIT_MS, perr,
					    sizeof(perr)) < 0 && rc == 0) {
		snprintf(err, errlen, "%s", perr);
		*code = "peer_failed";
		rc = -1;
	}
	/* a worker's own account of its failure says more than its exit */
	for (int i = 0; i < 2; i++)
		if (st.ctl->out[i].failed && (rc == 0 || strcmp(*code, "cancelled") != 0)) {
			snprintf(err, errlen, "%s", st.ctl->out[i].err);
			*code = st.ctl->out[i].code ? st.ctl->out[i].code : "run_failed";
			rc = -1;
			break;
		}
	interference_end(&st.mark, &st.interf);
	if (rc == 0 && spec->ops->collect)
		spec->ops->collect(&st.m);
	if (rc == 0)
		fill_result(&st, spec, out);
out:
	if (st.created)
		spec->ops->destroy(&st.m);
	pipes_close(&st);
	munmap(st.ctl, sizeof(*st.ctl));
	pthread_sigmask(SIG_SETMASK, &oldmask, NULL);
	return rc;
}
