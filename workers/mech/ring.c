/* ring.c -- setup, push and pop (with their slow paths) of the SPSC ring shared by shm-ring and threads */
#include <errno.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "mech/ring.h"

/* ring_plan: slot size (msg_size rounded up to RING_LINE) and a power-of-two
   slot count giving about RING_TARGET_BYTES, at least 2; returns the bytes
   one ring needs (header included), or 0 on overflow */
static size_t ring_plan(size_t msg_size, uint64_t *nslots, size_t *slot_bytes)
{
	size_t slot, n = 2;

	if (msg_size == 0 || msg_size > SIZE_MAX / 4)
		return 0;
	slot = (msg_size + RING_LINE - 1) & ~(size_t)(RING_LINE - 1);
	while (n * 2 * slot <= RING_TARGET_BYTES)
		n *= 2;
	if (slot > (SIZE_MAX - sizeof(struct ring_ctl)) / n)
		return 0;
	*nslots = n;
	*slot_bytes = slot;
	return sizeof(struct ring_ctl) + n * slot;
}

void ring_init(void *mem, uint64_t nslots, size_t slot_bytes)
{
	struct ring_ctl *ctl = mem;

	atomic_init(&ctl->head, 0);
	atomic_init(&ctl->tail, 0);
	ctl->send_waits = ctl->recv_waits = 0;
	ctl->nslots = nslots;
	ctl->slot_bytes = slot_bytes;
}

uint64_t ring_batch(uint64_t nslots, int latency)
{
	uint64_t b = nslots / RING_BATCH_SHARE;

	if (latency || b < 1)
		return 1;
	return b < RING_BATCH ? b : RING_BATCH;
}

uint64_t ring_slip(uint64_t nslots, uint64_t batch)
{
	uint64_t s = nslots / RING_SLIP_SHARE;

	if (batch <= 1 || s < 1)
		return 1;
	return s < RING_SLIP ? s : RING_SLIP;
}

void ring_attach(struct ring_end *e, void *mem, int producer, uint64_t batch,
		 int timeout_ms)
{
	struct ring_ctl *ctl = mem;

	e->ctl = ctl;
	e->slots = (char *)mem + sizeof(*ctl);
	e->nslots = ctl->nslots;
	e->mask = ctl->nslots - 1;
	e->slot_bytes = ctl->slot_bytes;
	e->pos = 0;
	e->peer = 0;
	e->published = 0;
	e->batch = batch;
	e->slip = producer ? 1 : ring_slip(ctl->nslots, batch);
	e->index = producer ? &ctl->head : &ctl->tail;
	e->waits_out = producer ? &ctl->send_waits : &ctl->recv_waits;
	e->waits = 0;
	e->timeout_ms = timeout_ms;
}

/* ring_wait_room / ring_wait_data: the slow paths of push and pop;
   0 once there is room / data, or -ETIMEDOUT */
static int ring_wait_room(struct ring_end *e)
{
	struct spin_wait w;
	int rc;

	ring_publish(e);   /* a full ring waits on the receiver: let it see all */
	e->waits++;
	spin_start(&w, e->timeout_ms);
	for (;;) {
		e->peer = atomic_load_explicit(&e->ctl->tail, memory_order_acquire);
		if (e->pos - e->peer < e->nslots)
			return 0;
		if ((rc = spin_once(&w)))
			return rc;
	}
}

static int ring_wait_data(struct ring_end *e)
{
	struct spin_wait w;
	uint64_t seen = e->pos, still = 0;
	int rc;

	ring_publish(e);   /* an empty ring waits on the sender: give it room */
	e->waits++;
	spin_start(&w, e->timeout_ms);
	for (;;) {
		e->peer = atomic_load_explicit(&e->ctl->head, memory_order_acquire);
		if (e->peer - e->pos >= e->slip)
			return 0;
		if (e->peer != e->pos) {   /* some, short of the slip */
			if (e->peer != seen) {
				seen = e->peer;
				still = 0;
			} else if (++still >= RING_SLIP_PATIENCE) {
				return 0;  /* the producer paused: take them */
			}
		}
		if ((rc = spin_once(&w)))
			return rc;
	}
}

/* push, pop: ring_push and ring_pop, inlined into the mechanisms' send
   and recv below as they were when the header held them */
static inline int push(struct ring_end *e, const void *buf, size_t len)
{
	if (__builtin_expect(e->pos - e->peer == e->nslots, 0)) {
		int rc = ring_wait_room(e);
		if (rc)
			return rc;
	}
	memcpy(ring_slot(e), buf, len);
	ring_advance(e);
	return 0;
}

static inline int pop(struct ring_end *e, void *buf, size_t len)
{
	if (__builtin_expect(e->pos == e->peer, 0)) {
		int rc = ring_wait_data(e);
		if (rc)
			return rc;
	}
	memcpy(buf, ring_slot(e), len);
	ring_advance(e);
	return 0;
}

int ring_push(struct ring_end *e, const void *buf, size_t len)
{
	return push(e, buf, len);
}

int ring_pop(struct ring_end *e, void *buf, size_t len)
{
	return pop(e, buf, len);
}

/* ring_pair_send / ring_pair_recv: one message on the role's direction;
   0, -EMSGSIZE or -ETIMEDOUT */
static inline int ring_pair_send(struct ring_pair *rp, enum mech_role role,
				 const void *buf, size_t len)
{
	struct ring_end *e = &rp->port[role].tx;

	if (__builtin_expect(len > e->slot_bytes || !e->ctl, 0))
		return e->ctl ? -EMSGSIZE : -EINVAL;
	return push(e, buf, len);
}

static inline int ring_pair_recv(struct ring_pair *rp, enum mech_role role,
				 void *buf, size_t len)
{
	struct ring_end *e = &rp->port[role].rx;

	if (__builtin_expect(len > e->slot_bytes || !e->ctl, 0))
		return e->ctl ? -EMSGSIZE : -EINVAL;
	return pop(e, buf, len);
}

struct ring_pair *ring_pair_new(const struct mech *m)
{
	struct ring_pair *rp;
	size_t bytes;
	uint64_t nslots;
	size_t slot_bytes;

	bytes = ring_plan(m->msg_size, &nslots, &slot_bytes);
	if (!bytes)
		return NULL;
	rp = aligned_alloc(RING_PAD, sizeof(*rp));
	if (!rp)
		return NULL;
	memset(rp, 0, sizeof(*rp));
	rp->nrings = m->mode == MODE_LATENCY ? 2 : 1;
	rp->ring_bytes = bytes;
	rp->map_bytes = bytes * (size_t)rp->nrings;
	rp->nslots = nslots;
	rp->slot_bytes = slot_bytes;
	rp->msg_size = m->msg_size;
	return rp;
}

void ring_pair_init(struct ring_pair *rp, void *mem, struct mech *m)
{
	rp->mem = mem;
	for (int i = 0; i < rp->nrings; i++)
		ring_init((char *)mem + (size_t)i * rp->ring_bytes, rp->nslots,
			  rp->slot_bytes);
	mech_granted_add(m, "ring_slots", (long long)rp->nslots);
	mech_granted_add(m, "slot_bytes", (long long)rp->slot_bytes);
}

/* ring_pair_open: attaches the role's ends; a receive waits at most
   spin_recv_timeout(timeout_ms, msg_size) and a send spin_send_timeout()
   of that; 0 or -EINVAL before init */
static int ring_pair_open(struct ring_pair *rp, enum mech_role role, int timeout_ms)
{
	struct ring_port *p = &rp->port[role == ROLE_RECEIVER];
	char *fwd = rp->mem;
	char *back = rp->nrings > 1 ? fwd + rp->ring_bytes : NULL;
	uint64_t batch = ring_batch(rp->nslots, rp->nrings > 1);
	int send_ms;

	if (!fwd)
		return -EINVAL;
	timeout_ms = spin_recv_timeout(timeout_ms, rp->msg_size);
	send_ms = spin_send_timeout(timeout_ms);
	memset(p, 0, sizeof(*p));
	if (role == ROLE_SENDER) {
		ring_attach(&p->tx, fwd, 1, batch, send_ms);
		if (back)
			ring_attach(&p->rx, back, 0, batch, timeout_ms);
	} else {
		ring_attach(&p->rx, fwd, 0, batch, timeout_ms);
		if (back)
			ring_attach(&p->tx, back, 1, batch, send_ms);
	}
	return 0;
}

int ring_mech_open(struct mech *m, enum mech_role role)
{
	m->role = role;
	return ring_pair_open(m->priv, role, m->timeout_ms);
}

int ring_mech_send(struct mech *m, const void *buf, size_t len)
{
	return ring_pair_send(m->priv, m->role, buf, len);
}

int ring_mech_recv(struct mech *m, void *buf, size_t len)
{
	return ring_pair_recv(m->priv, m->role, buf, len);
}

void ring_mech_close(struct mech *m)
{
	struct ring_port *p;

	if (!m->priv)
		return;
	p = &((struct ring_pair *)m->priv)->port[m->role == ROLE_RECEIVER];
	if (p->tx.ctl) {
		ring_publish(&p->tx);
		*p->tx.waits_out = p->tx.waits;
	}
	if (p->rx.ctl)
		*p->rx.waits_out = p->rx.waits;
}

void ring_mech_collect(struct mech *m)
{
	struct ring_pair *rp = m->priv;
	struct ring_ctl *fwd = rp ? rp->mem : NULL;
	uint64_t batch;

	if (!fwd)
		return;
	batch = ring_batch(rp->nslots, rp->nrings > 1);
	mech_granted_add(m, "ring_batch", (long long)batch);
	mech_granted_add(m, "ring_slip", (long long)ring_slip(rp->nslots, batch));
	mech_granted_add(m, "ring_recv_waits", (long long)fwd->recv_waits);
	mech_granted_add(m, "ring_send_waits", (long long)fwd->send_waits);
}

void ring_mech_destroy(struct mech *m)
{
	struct ring_pair *rp = m->priv;

	if (!rp)
		return;
	if (rp->mem)
		munmap(rp->mem, rp->map_bytes);
	free(rp);
	m->priv = NULL;
}
