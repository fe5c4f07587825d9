/* race.c -- the race demo's experiment: N processes add to one shared
   counter without synchronisation, with atomics, under a process-shared
   mutex, and by messages to a single owner; the loss is counted

   What the page shows: one bar per variant, the updates it lost. The
   headline quotes the unsynchronised bar (its lost updates of the
   expected count); the sentence on the synchronised variants quotes the
   zero bars beside it. */
#include "demos/cores.h"
#include "demos/demo.h"
#include "demos/exp_demo.h"

#include <stddef.h>

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/human.h"
#include "base/error.h"

#define RACE_BATCH 64            /* increments per write: 512 B, below PIPE_BUF */
#define RACE_EXPECT_NS 60.0      /* planned cost of one increment, for progress */

const char *const race_variant_names[RACE_NVARIANTS] = {
	"unsynchronised", "atomic", "mutex", "single owner",
};

struct race_shared {
	volatile int go;
	pthread_mutex_t mu;
	double t_end[RACE_PROCS_MAX + 1];   /* when each worker finished */
	_Alignas(64) volatile uint64_t counter;
};

struct race_ctx {
	struct race_shared *sh;
	const struct race_params *p;
	enum race_variant v;
	int pipefd[2];
};

/* send_adds: the owner variant's worker: one 8-byte "+1" message per add */
static int send_adds(struct race_ctx *c)
{
	uint64_t batch[RACE_BATCH];
	uint64_t left = c->p->adds;

	for (int i = 0; i < RACE_BATCH; i++)
		batch[i] = 1;
	close(c->pipefd[0]);
	exp_wait_go(&c->sh->go, 1);
	while (left > 0) {
		size_t k = left < RACE_BATCH ? left : RACE_BATCH;
		if (write(c->pipefd[1], batch, k * sizeof(batch[0])) != (ssize_t)(k * sizeof(batch[0])))
			return 1;
		left -= k;
	}
	return 0;
}

static int adder(void *arg, int idx)
{
	struct race_ctx *c = arg;
	struct race_shared *sh = c->sh;
	uint64_t n = c->p->adds;

	if (c->v == RACE_OWNER)
		return send_adds(c);
	exp_wait_go(&sh->go, 1);
	for (uint64_t i = 0; i < n; i++) {
		if (c->v == RACE_NONE) {
			uint64_t v = sh->counter;      /* read, add, write back: the race */
			sh->counter = v + 1;
		} else if (c->v == RACE_ATOMIC) {
			__atomic_fetch_add(&sh->counter, 1, __ATOMIC_RELAXED);
		} else {
			pthread_mutex_lock(&sh->mu);
			sh->counter = sh->counter + 1;
			pthread_mutex_unlock(&sh->mu);
		}
	}
	sh->t_end[idx] = exp_now();
	return 0;
}

/* owner: the single owner applies every message it reads until EOF */
static int owner(void *arg, int idx)
{
	struct race_ctx *c = arg;
	uint64_t buf[RACE_BATCH * 4], total = 0;
	ssize_t got;

	close(c->pipefd[1]);
	while ((got = read(c->pipefd[0], buf, sizeof(buf))) > 0 || (got < 0 && errno == EINTR))
		for (ssize_t i = 0; i < got / (ssize_t)sizeof(buf[0]); i++)
			total += buf[i];
	c->sh->counter = total;
	c->sh->t_end[idx] = exp_now();
	return got < 0;
}

static int init_mutex(pthread_mutex_t *mu)
{
	pthread_mutexattr_t a;
	int rc;

	pthread_mutexattr_init(&a);
	pthread_mutexattr_setpshared(&a, PTHREAD_PROCESS_SHARED);
	rc = pthread_mutex_init(mu, &a);
	pthread_mutexattr_destroy(&a);
	return rc;
}

/* run_variant: one variant from fork to reaping; fills *out */
static int run_variant(struct race_ctx *c, struct exp_out *o, struct race_outcome *out,
		       char *err, size_t errlen)
{
	pid_t pids[RACE_PROCS_MAX + 1];
	int n = 0, rc = -1;
	double t0;

	memset(pids, -1, sizeof(pids));
	c->sh->counter = 0;
	c->sh->go = 0;
	c->pipefd[0] = c->pipefd[1] = -1;
	if (c->v == RACE_OWNER && pipe(c->pipefd) < 0) {
		error_set(err, errlen, "cannot make the owner's pipe: %s", strerror(errno));
		return -1;
	}
	memset(c->sh->t_end, 0, sizeof(c->sh->t_end));
	if (c->v == RACE_OWNER && (pids[n++] = exp_fork(owner, c, RACE_PROCS_MAX, 0, err, errlen)) < 0)
		goto out;
	for (int i = 0; i < c->p->procs; i++)
		if ((pids[n++] = exp_fork(adder, c, i, 0, err, errlen)) < 0)
			goto out;
	if (c->v == RACE_OWNER) {
		close(c->pipefd[0]);
		close(c->pipefd[1]);
		c->pipefd[0] = c->pipefd[1] = -1;
	}
	t0 = exp_now();
	__atomic_store_n(&c->sh->go, 1, __ATOMIC_RELEASE);
	rc = exp_wait(o, pids, n, &out->cpu_s, err, errlen);
	for (int i = 0; i <= RACE_PROCS_MAX; i++)
		if (c->sh->t_end[i] - t0 > out->elapsed_s)
			out->elapsed_s = c->sh->t_end[i] - t0;
	out->expected = (uint64_t)c->p->procs * c->p->adds;
	out->actual = c->sh->counter;
	out->ok = rc == 0;
out:
	if (rc < 0)
		exp_kill_all(pids, n);
	if (c->pipefd[0] >= 0)
		close(c->pipefd[0]);
	if (c->pipefd[1] >= 0)
		close(c->pipefd[1]);
	return rc;
}

static void emit_outcome(struct exp_out *o, enum race_variant v, const struct race_outcome *r)
{
	cJSON *l = exp_point_new(o, race_variant_names[v], NULL, v);

	cJSON_AddNumberToObject(l, "expected", (double)r->expected);
	cJSON_AddNumberToObject(l, "actual", (double)r->actual);
	cJSON_AddNumberToObject(l, "lost", (double)(r->expected - r->actual));
	cJSON_AddNumberToObject(l, "lost_pct", r->expected ?
				100.0 * (double)(r->expected - r->actual) / (double)r->expected : 0);
	cJSON_AddNumberToObject(l, "elapsed_s", r->elapsed_s);
	cJSON_AddNumberToObject(l, "adds_per_s", r->elapsed_s > 0 ? (double)r->actual / r->elapsed_s : 0);
	cJSON_AddNumberToObject(l, "cpu_s", r->cpu_s);
	cJSON_AddBoolToObject(l, "exact", r->expected == r->actual);
	exp_emit(o, l);
}

int race_run(const struct race_params *p, struct race_result *r, struct exp_out *o,
	     char *err, size_t errlen)
{
	struct race_ctx c = { .p = p };
	int rc = 0;

	memset(r, 0, sizeof(*r));
	r->p = *p;
	if (!(c.sh = exp_shared(sizeof(*c.sh)))) {
		error_set(err, errlen, "cannot map the shared counter: %s", strerror(errno));
		return -1;
	}
	if (init_mutex(&c.sh->mu) != 0) {
		error_set(err, errlen, "cannot make a process-shared mutex");
		exp_unshare(c.sh, sizeof(*c.sh));
		return -1;
	}
	exp_plan(o, RACE_NVARIANTS);
	for (int v = 0; v < RACE_NVARIANTS && rc == 0; v++) {
		char label[96], adds[HUMAN_LEN];

		snprintf(label, sizeof(label), "%s: %d processes add %s each", race_variant_names[v],
			 p->procs, human_count(p->adds, adds, sizeof(adds)));
		exp_begin(o, label, (double)p->procs * (double)p->adds * RACE_EXPECT_NS / 1e9);
		c.v = v;
		rc = run_variant(&c, o, &r->v[v], err, errlen);
		if (rc == 0)
			emit_outcome(o, v, &r->v[v]);
	}
	pthread_mutex_destroy(&c.sh->mu);
	exp_unshare(c.sh, sizeof(*c.sh));
	return rc;
}

/* price_sentence: the mutex's price against the atomic add, as a factor only
   when one run each can carry it (exp_compare): the counts are the lesson,
   the times an aside, so a factor that does not hold is left out rather
   than put under a caveat */
static void price_sentence(const struct race_outcome *a, const struct race_outcome *m,
			   char *buf, size_t len)
{
	struct exp_cmp c = { .a = { "the mutex", &m->elapsed_s, 1, NULL },
			     .b = { "the atomic add", &a->elapsed_s, 1, NULL },
			     .unit = "s", .higher = false, .kind = EXP_DIFFERS };
	char why[EXP_WHY_LEN], h[HUMAN_LEN];

	if (exp_compare(&c, why, sizeof(why)))
		exp_lesson_add(buf, len, "Correctness has a price: the mutex was %s slower than "
			       "the atomic add.", human_ratio(m->elapsed_s / a->elapsed_s, h,
							      sizeof(h)));
	else
		exp_lesson_add(buf, len, "The mutex took longer than the atomic add, but no factor "
			       "is put on that price here: %s.", why);
}

/* synced_sentence: how the three synchronised variants counted, and their price */
static void synced_sentence(const struct race_result *r, char *buf, size_t len)
{
	const struct race_outcome *a = &r->v[RACE_ATOMIC], *m = &r->v[RACE_MUTEX];
	const struct race_outcome *w = &r->v[RACE_OWNER];
	int exact = a->actual == a->expected && m->actual == m->expected && w->actual == w->expected;
	char h[4][HUMAN_LEN];

	if (exact)
		exp_lesson_add(buf, len, "Atomics, the mutex and the single owner each counted "
			       "exactly %s, taking %s, %s and %s. ",
			       human_count(a->expected, h[0], sizeof(h[0])),
			       human_seconds(a->elapsed_s, h[1], sizeof(h[1])),
			       human_seconds(m->elapsed_s, h[2], sizeof(h[2])),
			       human_seconds(w->elapsed_s, h[3], sizeof(h[3])));
	else
		exp_lesson_add(buf, len, "A synchronised variant miscounted (atomic %s, mutex %s, "
			       "owner %s): that is a defect, not a lesson. ",
			       human_count(a->actual, h[0], sizeof(h[0])),
			       human_count(m->actual, h[1], sizeof(h[1])),
			       human_count(w->actual, h[2], sizeof(h[2])));
	if (a->elapsed_s > 0 && m->elapsed_s > a->elapsed_s)
		price_sentence(a, m, buf, len);
}

void race_lesson(const struct race_result *r, char *buf, size_t len)
{
	const struct race_outcome *u = &r->v[RACE_NONE];
	char h[4][HUMAN_LEN];
	uint64_t lost = u->expected - u->actual;

	buf[0] = '\0';
	for (int v = 0; v < RACE_NVARIANTS; v++)
		if (!r->v[v].ok) {
			snprintf(buf, len, "Not every variant ran, so there is no lesson this time.");
			return;
		}
	if (lost > 0)
		exp_lesson_add(buf, len, "Without synchronisation %s of %s updates were lost (%s): "
			       "the count reached %s, as %d processes overwrote values the others "
			       "had just written. ", human_count(lost, h[2], sizeof(h[2])),
			       human_count(u->expected, h[0], sizeof(h[0])),
			       human_pct(100.0 * (double)lost / (double)u->expected, h[3], sizeof(h[3])),
			       human_count(u->actual, h[1], sizeof(h[1])), r->p.procs);
	else
		exp_lesson_add(buf, len, "Against the claim, 0 of %s updates were lost this time: "
			       "the unsynchronised count reached %s. The processes barely ran at "
			       "the same moment (on %d CPUs shared with other work a short run can "
			       "finish one process before the next starts); more adds make the race "
			       "show. ", human_count(u->expected, h[1], sizeof(h[1])),
			       human_count(u->actual, h[0], sizeof(h[0])), exp_cpus());
	synced_sentence(r, buf, len);
}

static const struct dparam race_params[] = {
	{ "procs", DP_INT, 2, RACE_PROCS_MAX, "4", "processes adding to the one counter",
	  offsetof(struct race_params, procs) },
	{ "adds", DP_COUNT, 1000, 100000000, "5M", "increments each process makes",
	  offsetof(struct race_params, adds) },
	{ 0 }
};

EXP_DEMO(race, race, race_params, struct race_params, struct race_result, race_run, race_lesson, exp_no_check,
	 "{\"kind\":\"bar\",\"y\":[\"lost\"],\"unit\":\"lost updates\",\"also\":[\"expected\",\"actual\",\"elapsed_s\"]}",
	.name = "race",
	.title = "Lost updates",
	.claim = "Unsynchronised increments of a shared counter lose updates; atomics, a lock, "
		 "or a single owner fed by messages do not.",
	.method = "N processes add to one shared counter unsynchronised, with atomic adds, under "
		  "a process-shared mutex, and by messages to a single owner; expected vs actual "
		  "count.");
