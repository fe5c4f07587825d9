/* contention.c -- the contention demo's experiment: 1, 2, 4 and 8 producers
   into one consumer through a lock-free MPSC queue in shared memory, a
   mutex-guarded queue and a POSIX message queue

   What the page shows: one line per queue, messages/s (the median over
   reps) against the producer count, log scale. The headline quotes the
   ends of the lines of the queue that held up best and the one that fell
   most; the notes quote every line's ends with its share kept and CPU. */
#include "demos/cores.h"
#include "demos/demo.h"
#include "stats/robust.h"
#include "demos/exp_demo.h"

#include <stddef.h>

#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/human.h"
#include "base/error.h"

#define CT_SLOTS 1024            /* cells of the shared-memory queues (power of 2) */
#define CT_MQ_DEPTH 10           /* the unprivileged default of fs/mqueue/msg_max */
#define CT_WAIT_NS 10000000L     /* blocked sides look for the stop every 10 ms */
#define CT_SPINS 64              /* failed tries before a spinning side yields */
#define CT_SEQ_BITS 40

const char *const ct_queue_names[CT_NQUEUES] = {
	"lock-free queue", "mutex queue", "POSIX mq",
};
const int ct_producer_counts[CT_NCOUNTS] = { 1, 2, 4, 8 };

/* Vyukov's bounded queue: a producer claims a cell by CAS on enq; the cell's
   sequence number says whether it is free, full, or still being written. */
struct lf_cell {
	uint64_t seq;
	uint64_t val;
};

struct ct_shared {
	volatile int go, stop;
	double deadline;
	uint64_t received, out_of_order;
	_Alignas(64) uint64_t enq;
	_Alignas(64) uint64_t deq;
	_Alignas(64) struct lf_cell cells[CT_SLOTS];
	/* the mutex queue */
	pthread_mutex_t mu;
	pthread_cond_t not_empty, not_full;
	uint64_t head, tail;
	uint64_t ring[CT_SLOTS];
};

struct ct_ctx {
	struct ct_shared *sh;
	enum ct_queue q;
	mqd_t mq;
	int producers;
};

static int lf_push(struct ct_shared *sh, uint64_t v)
{
	uint64_t pos = __atomic_load_n(&sh->enq, __ATOMIC_RELAXED);

	for (;;) {
		struct lf_cell *c = &sh->cells[pos & (CT_SLOTS - 1)];
		int64_t dif = (int64_t)(__atomic_load_n(&c->seq, __ATOMIC_ACQUIRE) - pos);
		if (dif == 0 && __atomic_compare_exchange_n(&sh->enq, &pos, pos + 1, 1,
							    __ATOMIC_RELAXED, __ATOMIC_RELAXED)) {
			c->val = v;
			__atomic_store_n(&c->seq, pos + 1, __ATOMIC_RELEASE);
			return 0;
		}
		if (dif < 0)
			return -1;                  /* full */
		if (dif > 0)
			pos = __atomic_load_n(&sh->enq, __ATOMIC_RELAXED);
	}
}

static int lf_pop(struct ct_shared *sh, uint64_t *v)
{
	struct lf_cell *c = &sh->cells[sh->deq & (CT_SLOTS - 1)];

	if (__atomic_load_n(&c->seq, __ATOMIC_ACQUIRE) != sh->deq + 1)
		return -1;                          /* empty, or not yet written */
	*v = c->val;
	__atomic_store_n(&c->seq, sh->deq + CT_SLOTS, __ATOMIC_RELEASE);
	sh->deq++;
	return 0;
}

static void deadline_in(struct timespec *ts)
{
	clock_gettime(CLOCK_REALTIME, ts);
	ts->tv_nsec += CT_WAIT_NS;
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000L;
	}
}

static int mutex_push(struct ct_shared *sh, uint64_t v)
{
	struct timespec ts;
	int rc = -1;

	pthread_mutex_lock(&sh->mu);
	if (sh->tail - sh->head == CT_SLOTS) {
		deadline_in(&ts);
		pthread_cond_timedwait(&sh->not_full, &sh->mu, &ts);
	}
	if (sh->tail - sh->head < CT_SLOTS) {
		sh->ring[sh->tail++ & (CT_SLOTS - 1)] = v;
		pthread_cond_signal(&sh->not_empty);
		rc = 0;
	}
	pthread_mutex_unlock(&sh->mu);
	return rc;
}

static int mutex_pop(struct ct_shared *sh, uint64_t *v)
{
	struct timespec ts;
	int rc = -1;

	pthread_mutex_lock(&sh->mu);
	if (sh->tail == sh->head) {
		deadline_in(&ts);
		pthread_cond_timedwait(&sh->not_empty, &sh->mu, &ts);
	}
	if (sh->tail != sh->head) {
		*v = sh->ring[sh->head++ & (CT_SLOTS - 1)];
		pthread_cond_signal(&sh->not_full);
		rc = 0;
	}
	pthread_mutex_unlock(&sh->mu);
	return rc;
}

static int push(struct ct_ctx *c, uint64_t v)
{
	struct timespec ts;

	if (c->q == CT_LOCKFREE)
		return lf_push(c->sh, v);
	if (c->q == CT_MUTEX)
		return mutex_push(c->sh, v);
	deadline_in(&ts);
	return mq_timedsend(c->mq, (const char *)&v, sizeof(v), 0, &ts);
}

static int pop(struct ct_ctx *c, uint64_t *v)
{
	struct timespec ts;

	if (c->q == CT_LOCKFREE)
		return lf_pop(c->sh, v);
	if (c->q == CT_MUTEX)
		return mutex_pop(c->sh, v);
	deadline_in(&ts);
	return mq_timedreceive(c->mq, (char *)v, sizeof(*v), NULL, &ts) == sizeof(*v) ? 0 : -1;
}

static int producer(void *arg, int idx)
{
	struct ct_ctx *c = arg;
	uint64_t seq = 0, tag = (uint64_t)idx << CT_SEQ_BITS;
	int fails = 0;

	exp_wait_go(&c->sh->go, 1);
	while (!__atomic_load_n(&c->sh->stop, __ATOMIC_RELAXED)) {
		if (push(c, tag | seq) == 0) {
			seq++;
			fails = 0;
		} else if (++fails >= CT_SPINS) {
			sched_yield();
			fails = 0;
		}
	}
	return 0;
}

static int consumer(void *arg, int idx)
{
	struct ct_ctx *c = arg;
	uint64_t last[CT_PRODUCERS_MAX + 1] = { 0 }, n = 0, bad = 0, v;
	int fails = 0;

	(void)idx;
	exp_wait_go(&c->sh->go, 1);
	while (exp_now() < c->sh->deadline) {
		for (int k = 0; k < CT_SPINS; k++) {
			if (pop(c, &v) < 0) {
				if (++fails >= CT_SPINS) {
					sched_yield();
					fails = 0;
				}
				continue;
			}
			uint64_t who = v >> CT_SEQ_BITS, seq = v & ((1ULL << CT_SEQ_BITS) - 1);
			bad += who > CT_PRODUCERS_MAX || seq + 1 <= last[who];
			if (who <= CT_PRODUCERS_MAX)
				last[who] = seq + 1;
			n++;
		}
	}
	c->sh->received = n;
	c->sh->out_of_order = bad;
	__atomic_store_n(&c->sh->stop, 1, __ATOMIC_RELEASE);
	return 0;
}

static int init_sync(struct ct_shared *sh)
{
	pthread_mutexattr_t ma;
	pthread_condattr_t ca;
	int rc;

	pthread_mutexattr_init(&ma);
	pthread_mutexattr_setpshared(&ma, PTHREAD_PROCESS_SHARED);
	pthread_condattr_init(&ca);
	pthread_condattr_setpshared(&ca, PTHREAD_PROCESS_SHARED);
	rc = pthread_mutex_init(&sh->mu, &ma) || pthread_cond_init(&sh->not_empty, &ca) ||
	     pthread_cond_init(&sh->not_full, &ca);
	pthread_mutexattr_destroy(&ma);
	pthread_condattr_destroy(&ca);
	return rc ? -1 : 0;
}

static void reset_queues(struct ct_shared *sh)
{
	sh->go = sh->stop = 0;
	sh->received = sh->out_of_order = 0;
	sh->enq = sh->deq = sh->head = sh->tail = 0;
	for (uint64_t i = 0; i < CT_SLOTS; i++)
		sh->cells[i].seq = i;
}

/* open_mq: a fresh queue whose name is gone at once; the children inherit it */
static int open_mq(struct ct_ctx *c, char *err, size_t errlen)
{
	struct mq_attr a = { .mq_maxmsg = CT_MQ_DEPTH, .mq_msgsize = sizeof(uint64_t) };
	char name[64];

	snprintf(name, sizeof(name), "/ipcscope-%d-contention", (int)getpid());
	c->mq = mq_open(name, O_CREAT | O_EXCL | O_RDWR | O_CLOEXEC, 0600, &a);
	if (c->mq == (mqd_t)-1) {
		error_set(err, errlen, "cannot open a POSIX message queue: %s", strerror(errno));
		return -1;
	}
	mq_unlink(name);
	return 0;
}

static int run_cell(struct ct_ctx *c, const struct ct_params *p, struct exp_out *o,
		    struct ct_cell *cell, char *err, size_t errlen)
{
	pid_t pids[CT_PRODUCERS_MAX + 1];
	double cpu = 0;
	int n = 0, rc = -1;

	memset(pids, -1, sizeof(pids));
	reset_queues(c->sh);
	c->mq = (mqd_t)-1;
	if (c->q == CT_MQ && open_mq(c, err, errlen) < 0)
		return -1;
	if ((pids[n++] = exp_fork(consumer, c, 0, 0, err, errlen)) < 0)
		goto out;
	for (int i = 1; i <= c->producers; i++)
		if ((pids[n++] = exp_fork(producer, c, i, 0, err, errlen)) < 0)
			goto out;
	c->sh->deadline = exp_now() + p->duration;
	__atomic_store_n(&c->sh->go, 1, __ATOMIC_RELEASE);
	if ((rc = exp_wait(o, pids, n, &cpu, err, errlen)) < 0)
		goto out;
	cell->ok = 1;
	cell->received = c->sh->received;
	cell->out_of_order = c->sh->out_of_order;
	cell->msgs_per_s = (double)cell->received / p->duration;
	cell->cpu_pct = 100 * cpu / p->duration;
out:
	exp_kill_all(pids, n);
	if (c->mq != (mqd_t)-1)
		mq_close(c->mq);
	return rc;
}

static void emit_cell(struct exp_out *o, enum ct_queue q, int producers, int rep,
		      const struct ct_cell *c)
{
	char label[64];
	cJSON *l;

	snprintf(label, sizeof(label), "%s, %d producer%s", ct_queue_names[q], producers,
		 producers > 1 ? "s" : "");
	l = exp_point_new(o, label, ct_queue_names[q], producers);
	cJSON_AddNumberToObject(l, "rep", rep);
	cJSON_AddNumberToObject(l, "producers", producers);
	cJSON_AddNumberToObject(l, "msgs_per_s", c->msgs_per_s);
	cJSON_AddNumberToObject(l, "cpu_pct", c->cpu_pct);
	cJSON_AddNumberToObject(l, "received", (double)c->received);
	cJSON_AddNumberToObject(l, "out_of_order", (double)c->out_of_order);
	exp_emit(o, l);
}

/* median_cells: each cell of r as the median of its reps in each[rep] */
static void median_cells(struct ct_result *r, struct ct_cell each[][CT_NQUEUES][CT_NCOUNTS])
{
	for (int q = 0; q < CT_NQUEUES; q++)
		for (int k = 0; k < CT_NCOUNTS; k++) {
			double rate[CT_REPS_MAX], got[CT_REPS_MAX], cpu[CT_REPS_MAX];
			struct ct_cell *c = &r->c[q][k];

			for (int i = 0; i < r->reps; i++) {
				rate[i] = each[i][q][k].msgs_per_s;
				got[i] = (double)each[i][q][k].received;
				cpu[i] = each[i][q][k].cpu_pct;
				c->out_of_order += each[i][q][k].out_of_order;
			}
			c->ok = 1;
			c->msgs_per_s = robust_median(rate, r->reps);
			c->received = (uint64_t)robust_median(got, r->reps);
			c->cpu_pct = robust_median(cpu, r->reps);
		}
}

/* measure: every cell r->reps times, rep by rep, so that a noisy moment of
   the machine hits every queue alike; medians into r->c, the share each
   queue kept of its one-producer rate in each rep into r->kept */
static int measure(struct ct_ctx *c, const struct ct_params *p, struct exp_out *o,
		   struct ct_result *r, char *err, size_t errlen)
{
	struct ct_cell each[CT_REPS_MAX][CT_NQUEUES][CT_NCOUNTS] = { 0 };

	for (int rep = 0; rep < r->reps; rep++)
		for (int k = 0; k < CT_NCOUNTS; k++)
			for (int q = 0; q < CT_NQUEUES; q++) {
				struct ct_cell *cell = &each[rep][q][k];
				char label[96];

				c->q = q;
				c->producers = ct_producer_counts[k];
				snprintf(label, sizeof(label), "%s: %d producer%s into one consumer, "
					 "rep %d of %d", ct_queue_names[q], c->producers,
					 c->producers > 1 ? "s" : "", rep + 1, r->reps);
				exp_begin(o, label, p->duration);
				if (run_cell(c, p, o, cell, err, errlen) < 0)
					return -1;
				emit_cell(o, q, c->producers, rep + 1, cell);
			}
	for (int rep = 0; rep < r->reps; rep++)
		for (int q = 0; q < CT_NQUEUES; q++)
			r->kept[q][rep] = each[rep][q][0].msgs_per_s > 0 ?
				each[rep][q][CT_NCOUNTS - 1].msgs_per_s / each[rep][q][0].msgs_per_s : 0;
	median_cells(r, each);
	return 0;
}

int ct_run(const struct ct_params *p, struct ct_result *r, struct exp_out *o,
	   char *err, size_t errlen)
{
	struct ct_ctx c = { 0 };
	int rc = 0;

	memset(r, 0, sizeof(*r));
	r->p = *p;
	r->cpus = exp_cpus();
	r->reps = p->reps < 1 ? 1 : p->reps > CT_REPS_MAX ? CT_REPS_MAX : p->reps;
	if (!(c.sh = exp_shared(sizeof(*c.sh))) || init_sync(c.sh) < 0) {
		error_set(err, errlen, "cannot set up the shared queues: %s", strerror(errno));
		exp_unshare(c.sh, sizeof(*c.sh));
		return -1;
	}
	exp_plan(o, r->reps * CT_NCOUNTS * CT_NQUEUES);
	rc = measure(&c, p, o, r, err, errlen);
	/* no pthread_cond_destroy: it waits for every waiter to confirm it
	   left, and a producer killed in pthread_cond_timedwait (a stop, an
	   overrun step) never does; the condvars hold no kernel resource and
	   go with the mapping */
	pthread_mutex_destroy(&c.sh->mu);
	exp_unshare(c.sh, sizeof(*c.sh));
	return rc;
}

/* kept: the share of its one-producer rate a queue kept with the most producers */
static double kept(const struct ct_result *r, int q)
{
	double one = r->c[q][0].msgs_per_s;

	return one > 0 ? r->c[q][CT_NCOUNTS - 1].msgs_per_s / one : 0;
}

/* rank: the queues that kept the most and the least of their rate */
static void rank(const struct ct_result *r, int *best, int *worst)
{
	*best = *worst = 0;
	for (int q = 1; q < CT_NQUEUES; q++) {
		*best = kept(r, q) > kept(r, *best) ? q : *best;
		*worst = kept(r, q) < kept(r, *worst) ? q : *worst;
	}
}

void ct_lesson(const struct ct_result *r, char *buf, size_t len)
{
	char h[4][HUMAN_LEN], detail[1024] = "";
	int best, worst;

	buf[0] = '\0';
	for (int q = 0; q < CT_NQUEUES; q++) {
		const struct ct_cell *a = &r->c[q][0], *b = &r->c[q][CT_NCOUNTS - 1];
		if (!a->ok || !b->ok) {
			snprintf(buf, len, "Not every queue ran, so there is no lesson this time.");
			return;
		}
		if (kept(r, q) < 1)
			human_pct(100 * kept(r, q), h[2], sizeof(h[2]));
		else
			human_ratio(kept(r, q), h[2], sizeof(h[2]));
		exp_lesson_add(detail, sizeof(detail), "%s the %s went from %s to %s messages/s "
			       "(%s %s, %s of a CPU busy)", q ? ";" : "From 1 to 8 producers,",
			       ct_queue_names[q], human_si(r->c[q][0].msgs_per_s, "", h[0], sizeof(h[0])),
			       human_si(b->msgs_per_s, "", h[1], sizeof(h[1])), h[2],
			       kept(r, q) < 1 ? "kept" : "the rate",
			       human_pct(b->cpu_pct, h[3], sizeof(h[3])));
	}
	rank(r, &best, &worst);
	exp_lesson_add(buf, len, "From 1 to %d producers the %s held up best, from %s to %s, and "
		       "the %s fell most, from %s to %s. ", CT_PRODUCERS_MAX, ct_queue_names[best],
		       human_si(r->c[best][0].msgs_per_s, "", h[0], sizeof(h[0])),
		       human_si(r->c[best][CT_NCOUNTS - 1].msgs_per_s, "messages/s", h[1],
				sizeof(h[1])), ct_queue_names[worst],
		       human_si(r->c[worst][0].msgs_per_s, "", h[2], sizeof(h[2])),
		       human_si(r->c[worst][CT_NCOUNTS - 1].msgs_per_s, "", h[3], sizeof(h[3])));
	if (best == CT_LOCKFREE && worst == CT_MUTEX)
		exp_lesson_add(buf, len, "As claimed, the lock-free queue degraded most gracefully "
			       "and the mutex queue collapsed. ");
	else
		exp_lesson_add(buf, len, "Against the claim, the %s held up best and the %s "
			       "degraded most. ", ct_queue_names[best], ct_queue_names[worst]);
	exp_lesson_add(buf, len, "With %d producers and a consumer on %d CPUs most processes "
		       "wait for a CPU: a spinning producer burns the time slice the consumer "
		       "needs, while a blocked one gives it back. %s.", CT_PRODUCERS_MAX, r->cpus,
		       detail);
}

/* ct_check: whether the lesson's ranking of the queues (the share of its
   one-producer rate each kept at eight, each rep) holds */
static void ct_check(const struct ct_result *r, struct exp_out *o)
{
	int best, worst;
	struct exp_cmp c = { .unit = "", .higher = true, .kind = EXP_DIFFERS };

	rank(r, &best, &worst);
	c.a = (struct exp_side){ ct_queue_names[best], r->kept[best], r->reps, NULL };
	c.b = (struct exp_side){ ct_queue_names[worst], r->kept[worst], r->reps, NULL };
	exp_claim(o, &c);
}

static const struct dparam ct_params[] = {
	{ "duration", DP_REAL, 0.01, 2, "0.2", "seconds each queue runs at each producer count",
	  offsetof(struct ct_params, duration) },
	{ "reps", DP_INT, 1, CT_REPS_MAX, "2", "repetitions of every queue and count, interleaved",
	  offsetof(struct ct_params, reps) },
	{ 0 }
};

EXP_DEMO(ct, contention, ct_params, struct ct_params, struct ct_result, ct_run, ct_lesson, ct_check,
	 "{\"kind\":\"line\",\"x\":\"producers\",\"y\":[\"msgs_per_s\"],\"unit\":\"messages/s\",\"log\":true,\"also\":[\"cpu_pct\"]}",
	.name = "contention",
	.title = "Many producers, one consumer",
	.claim = "With 1, 2, 4, 8 producers a lock-free queue degrades gracefully, a mutex queue "
		 "collapses, a kernel queue stays predictable.",
	.method = "1, 2, 4 and 8 producers into one consumer through a lock-free MPSC queue in "
		  "shared memory, a process-shared mutex queue and a POSIX message queue; "
		  "messages/s and CPU by producer count.");
