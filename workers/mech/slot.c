/* slot.c -- the one-slot handoff of shm and mmap with its four synchronisations */
#include <errno.h>
#include <linux/futex.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "mech/slot.h"
#include "mech/spin.h"

static char *slot_payload(struct slot_ctl *c)
{
	return (char *)c + sizeof(*c);
}

/* slot_deadline: CLOCK_MONOTONIC now + ms */
static void slot_deadline(int ms, struct timespec *ts)
{
	clock_gettime(CLOCK_MONOTONIC, ts);
	ts->tv_sec += ms / 1000;
	ts->tv_nsec += (long)(ms % 1000) * 1000000L;
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000L;
	}
}

/* ---- spin: an atomic flag, acquire/release, pause while waiting ---- */

/* slot_spin_until: waits until (state & SLOT_FULL) == want */
static int slot_spin_until(struct slot_ctl *c, uint32_t want, int timeout_ms)
{
	struct spin_wait w;
	int rc;

	if ((atomic_load_explicit(&c->state, memory_order_acquire) & SLOT_FULL) == want)
		return 0;
	spin_start(&w, timeout_ms);
	while ((atomic_load_explicit(&c->state, memory_order_acquire) & SLOT_FULL) != want)
		if ((rc = spin_once(&w)))
			return rc;
	return 0;
}

static int slot_spin_put(struct slot_ctl *c, const void *buf, size_t len, int tmo)
{
	int rc = slot_spin_until(c, 0, tmo);

	if (rc)
		return rc;
	memcpy(slot_payload(c), buf, len);
	atomic_store_explicit(&c->state, SLOT_FULL, memory_order_release);
	return 0;
}

static int slot_spin_get(struct slot_ctl *c, void *buf, size_t len, int tmo)
{
	int rc = slot_spin_until(c, SLOT_FULL, tmo);

	if (rc)
		return rc;
	memcpy(buf, slot_payload(c), len);
	atomic_store_explicit(&c->state, 0, memory_order_release);
	return 0;
}

/*
 * Spin in latency mode: the two sides alternate (a ping, then its echo), so
 * the peer's next message proves it has emptied our slot and nobody needs
 * to clear a flag. The state word becomes a count of messages posted,
 * written only by the poster: one cache-line transfer per direction where
 * the flag protocol needs the clear to travel back as well. Our previous
 * message was taken once the peer has posted as many as we have (the
 * sender: its echo came) or one more (the echoing side: the next ping
 * came); that count sits in the line we spin on anyway.
 */
static int slot_spin_post(struct slot_map *sm, const void *buf, size_t len, int tmo)
{
	struct slot_ctl *c = sm->tx;
	uint32_t need = sm->tx_seq + sm->lag;
	struct spin_wait w;
	int rc;

#define PEER_BEHIND() ((int32_t)(atomic_load_explicit(&sm->rx->state, \
					memory_order_acquire) - need) < 0)
	if (sm->tx_seq && PEER_BEHIND()) {
		spin_start(&w, tmo);
		while (PEER_BEHIND())
			if ((rc = spin_once(&w)))
				return rc;
	}
#undef PEER_BEHIND
	memcpy(slot_payload(c), buf, len);
	atomic_store_explicit(&c->state, ++sm->tx_seq, memory_order_release);
	return 0;
}

static int slot_spin_take(struct slot_ctl *c, void *buf, size_t len, uint32_t seq,
			  int timeout_ms)
{
	struct spin_wait w;
	int rc;

	if (atomic_load_explicit(&c->state, memory_order_acquire) != seq) {
		spin_start(&w, timeout_ms);
		while (atomic_load_explicit(&c->state, memory_order_acquire) != seq)
			if ((rc = spin_once(&w)))
				return rc;
	}
	memcpy(buf, slot_payload(c), len);
	return 0;
}

/* ---- sem: a process-shared semaphore pair, empty (1) and full (0) ---- */

static int slot_sem_wait(sem_t *s, int timeout_ms)
{
	struct timespec ts;

	if (sem_trywait(s) == 0)
		return 0;
	if (timeout_ms > 0)
		slot_deadline(timeout_ms, &ts);
	for (;;) {
		int r = timeout_ms > 0 ? sem_clockwait(s, CLOCK_MONOTONIC, &ts)
				       : sem_wait(s);
		if (r == 0)
			return 0;
		if (errno != EINTR)
			return -errno;
	}
}

static int slot_sem_put(struct slot_ctl *c, const void *buf, size_t len, int tmo)
{
	int rc = slot_sem_wait(&c->empty, tmo);

	if (rc)
		return rc;
	memcpy(slot_payload(c), buf, len);
	return sem_post(&c->full) ? -errno : 0;
}

static int slot_sem_get(struct slot_ctl *c, void *buf, size_t len, int tmo)
{
	int rc = slot_sem_wait(&c->full, tmo);

	if (rc)
		return rc;
	memcpy(buf, slot_payload(c), len);
	return sem_post(&c->empty) ? -errno : 0;
}

/* ---- mutex: a process-shared mutex guards state, a condvar waits on it ---- */

/* slot_mutex_xfer: under the lock, waits until the slot is in the state
   this side needs, copies, flips the state and wakes the peer */
static int slot_mutex_xfer(struct slot_ctl *c, void *dst, const void *src,
			   size_t len, uint32_t want, int tmo)
{
	struct timespec ts;
	int rc = 0, timed = 0;

	if ((rc = pthread_mutex_lock(&c->mu)))
		return -rc;
	while ((atomic_load_explicit(&c->state, memory_order_relaxed) & SLOT_FULL) != want) {
		if (tmo > 0 && !timed) {
			slot_deadline(tmo, &ts);
			timed = 1;
		}
		rc = timed ? pthread_cond_timedwait(&c->cv, &c->mu, &ts)
			   : pthread_cond_wait(&c->cv, &c->mu);
		if (rc)
			goto out;
	}
	memcpy(dst, src, len);
	atomic_store_explicit(&c->state, want ^ SLOT_FULL, memory_order_relaxed);
	pthread_cond_signal(&c->cv);
out:
	pthread_mutex_unlock(&c->mu);
	return -rc;
}

/* ---- futex: sleep in the kernel on the state word itself ---- */

static long slot_futex(_Atomic uint32_t *word, int op, uint32_t val,
		       const struct timespec *rel)
{
	return syscall(SYS_futex, (uint32_t *)word, op, val, rel, NULL, 0);
}

/* slot_futex_until: waits until (state & SLOT_FULL) == want, announcing
   itself with SLOT_WAITER so the peer knows a wake is needed */
static int slot_futex_until(struct slot_ctl *c, uint32_t want, int timeout_ms)
{
	struct timespec rel = { timeout_ms / 1000, (long)(timeout_ms % 1000) * 1000000L };
	uint32_t s = atomic_load_explicit(&c->state, memory_order_acquire);

	while ((s & SLOT_FULL) != want) {
		if (!(s & SLOT_WAITER)) {
			if (!atomic_compare_exchange_weak_explicit(&c->state, &s,
					s | SLOT_WAITER, memory_order_acquire,
					memory_order_acquire))
				continue;
			s |= SLOT_WAITER;
		}
		if (slot_futex(&c->state, FUTEX_WAIT, s, timeout_ms > 0 ? &rel : NULL) < 0 &&
		    errno == ETIMEDOUT)
			return -ETIMEDOUT;
		s = atomic_load_explicit(&c->state, memory_order_acquire);
	}
	return 0;
}

/* slot_futex_set: publishes the new state; wakes the peer only if it said
   it sleeps */
static void slot_futex_set(struct slot_ctl *c, uint32_t v)
{
	uint32_t old = atomic_exchange_explicit(&c->state, v, memory_order_acq_rel);

	if (old & SLOT_WAITER)
		slot_futex(&c->state, FUTEX_WAKE, 1, NULL);
}

static int slot_futex_put(struct slot_ctl *c, const void *buf, size_t len, int tmo)
{
	int rc = slot_futex_until(c, 0, tmo);

	if (rc)
		return rc;
	memcpy(slot_payload(c), buf, len);
	slot_futex_set(c, SLOT_FULL);
	return 0;
}

static int slot_futex_get(struct slot_ctl *c, void *buf, size_t len, int tmo)
{
	int rc = slot_futex_until(c, SLOT_FULL, tmo);

	if (rc)
		return rc;
	memcpy(buf, slot_payload(c), len);
	slot_futex_set(c, 0);
	return 0;
}

/* ---- setup and teardown (parent) ---- */

struct slot_map *slot_map_new(const struct mech *m, enum shm_sync sync)
{
	struct slot_map *sm;
	size_t slot;

	if (m->msg_size == 0 || m->msg_size > SIZE_MAX / 8)
		return NULL;
	slot = (m->msg_size + SLOT_LINE - 1) & ~(size_t)(SLOT_LINE - 1);
	sm = calloc(1, sizeof(*sm));
	if (!sm)
		return NULL;
	sm->msg_size = m->msg_size;
	sm->slot_bytes = slot;
	sm->dir_bytes = sizeof(struct slot_ctl) + slot;
	sm->ndirs = m->mode == MODE_LATENCY ? 2 : 1;
	sm->map_bytes = sm->dir_bytes * (size_t)sm->ndirs;
	sm->sync = sync;
	return sm;
}

static struct slot_ctl *slot_dir(const struct slot_map *sm, int i)
{
	return (struct slot_ctl *)((char *)sm->mem + (size_t)i * sm->dir_bytes);
}

static int slot_init_mutex(struct slot_ctl *c)
{
	pthread_mutexattr_t ma;
	pthread_condattr_t ca;
	int rc;

	pthread_mutexattr_init(&ma);
	pthread_mutexattr_setpshared(&ma, PTHREAD_PROCESS_SHARED);
	rc = pthread_mutex_init(&c->mu, &ma);
	pthread_mutexattr_destroy(&ma);
	if (rc)
		return -rc;
	pthread_condattr_init(&ca);
	pthread_condattr_setpshared(&ca, PTHREAD_PROCESS_SHARED);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	rc = pthread_cond_init(&c->cv, &ca);
	pthread_condattr_destroy(&ca);
	if (rc) {
		pthread_mutex_destroy(&c->mu);
		return -rc;
	}
	return 0;
}

static int slot_init_dir(struct slot_ctl *c, enum shm_sync sync)
{
	atomic_init(&c->state, 0);
	if (sync == SYNC_SEM) {
		if (sem_init(&c->empty, 1, 1) < 0)
			return -errno;
		if (sem_init(&c->full, 1, 0) < 0) {
			int rc = -errno;
			sem_destroy(&c->empty);
			return rc;
		}
	}
	if (sync == SYNC_MUTEX)
		return slot_init_mutex(c);
	return 0;
}

static void slot_fini_dir(struct slot_ctl *c, enum shm_sync sync)
{
	if (sync == SYNC_SEM) {
		sem_destroy(&c->empty);
		sem_destroy(&c->full);
	}
	/* The condvar is not destroyed: glibc's pthread_cond_destroy waits
	   until every waiter that entered has confirmed it left, and a worker
	   killed inside pthread_cond_wait (a stop, a worker's death) never
	   does, so the run would hang here. A process-shared condvar holds no
	   kernel resource; unmapping the slot is its whole teardown. */
	if (sync == SYNC_MUTEX)
		pthread_mutex_destroy(&c->mu);
}

int slot_map_init(struct slot_map *sm, void *mem, struct mech *m)
{
	int rc;

	sm->mem = mem;
	for (sm->ninit = 0; sm->ninit < sm->ndirs; sm->ninit++)
		if ((rc = slot_init_dir(slot_dir(sm, sm->ninit), sm->sync)))
			return rc;
	mech_granted_add(m, "slot_bytes", (long long)sm->slot_bytes);
	return 0;
}

void slot_map_free(struct slot_map *sm)
{
	if (!sm)
		return;
	for (int i = 0; i < sm->ninit; i++)
		slot_fini_dir(slot_dir(sm, i), sm->sync);
	if (sm->mem)
		munmap(sm->mem, sm->map_bytes);
	free(sm);
}

/* ---- the worker side ---- */

int slot_open(struct mech *m, enum mech_role role)
{
	struct slot_map *sm = m->priv;
	struct slot_ctl *fwd, *back;

	if (!sm || !sm->mem)
		return -EINVAL;
	m->role = role;
	sm->timeout_ms = spin_recv_timeout(m->timeout_ms, sm->msg_size);
	fwd = slot_dir(sm, 0);
	back = sm->ndirs > 1 ? slot_dir(sm, 1) : NULL;
	sm->tx = role == ROLE_SENDER ? fwd : back;
	sm->rx = role == ROLE_SENDER ? back : fwd;
	sm->lag = role == ROLE_SENDER ? 0 : 1;
	return 0;
}

int slot_send(struct mech *m, const void *buf, size_t len)
{
	struct slot_map *sm = m->priv;
	struct slot_ctl *c = sm->tx;
	int tmo = spin_send_timeout(sm->timeout_ms);

	if (!c)
		return -EINVAL;
	if (len > sm->slot_bytes)
		return -EMSGSIZE;
	switch (sm->sync) {
	case SYNC_SPIN:
		if (sm->ndirs > 1)      /* latency mode: see slot_spin_post */
			return slot_spin_post(sm, buf, len, tmo);
		return slot_spin_put(c, buf, len, tmo);
	case SYNC_SEM:
		return slot_sem_put(c, buf, len, tmo);
	case SYNC_MUTEX:
		return slot_mutex_xfer(c, slot_payload(c), buf, len, 0, tmo);
	case SYNC_FUTEX:
		return slot_futex_put(c, buf, len, tmo);
	}
	return -EINVAL;
}

int slot_recv(struct mech *m, void *buf, size_t len)
{
	struct slot_map *sm = m->priv;
	struct slot_ctl *c = sm->rx;

	if (!c)
		return -EINVAL;
	if (len > sm->slot_bytes)
		return -EMSGSIZE;
	switch (sm->sync) {
	case SYNC_SPIN:
		if (sm->ndirs > 1) {
			int rc = slot_spin_take(c, buf, len, sm->rx_seq + 1, sm->timeout_ms);
			if (rc == 0)
				sm->rx_seq++;
			return rc;
		}
		return slot_spin_get(c, buf, len, sm->timeout_ms);
	case SYNC_SEM:
		return slot_sem_get(c, buf, len, sm->timeout_ms);
	case SYNC_MUTEX:
		return slot_mutex_xfer(c, buf, slot_payload(c), len, SLOT_FULL,
				       sm->timeout_ms);
	case SYNC_FUTEX:
		return slot_futex_get(c, buf, len, sm->timeout_ms);
	}
	return -EINVAL;
}

void slot_close(struct mech *m)
{
	struct slot_map *sm = m->priv;

	if (sm)
		sm->tx = sm->rx = NULL;   /* destroy unmaps; exit would too */
}
