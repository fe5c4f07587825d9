/* ring.h -- single-producer single-consumer ring of fixed-size slots over any memory region */
#ifndef IPCSCOPE_RING_H
#define IPCSCOPE_RING_H

#include <stdalign.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "mech/mech.h"
#include "mech/spin.h"

/*
 * Each index gets two cache lines to itself: the producer writes head on
 * every message, the consumer writes tail, and neither may drag the other's
 * line along (adjacent-line prefetchers move lines in pairs).
 */
#define RING_LINE 64
#define RING_PAD (2 * RING_LINE)
#ifndef RING_TARGET_BYTES
#define RING_TARGET_BYTES ((size_t)2 << 20)   /* ring payload ~2 MiB */
#endif

/*
 * A stream publishes its index once per RING_BATCH messages (or
 * nslots / RING_BATCH_SHARE, when smaller), not once per message: with one
 * store a message, a receiver running right behind the sender pulls the
 * head line across on every message, which costs more than the 64 B
 * message itself and makes the ring bistable (see README, "The 64 B ring").
 * A side always publishes before it waits, and the sender at close, so
 * nothing is ever held back. Latency rings publish every message.
 */
#define RING_BATCH 32
#define RING_BATCH_SHARE 8

/*
 * A stream consumer that finds the ring empty does not read again the
 * moment the producer publishes: it lets the producer get RING_SLIP
 * messages ahead (or nslots / RING_SLIP_SHARE, when smaller). Reading
 * slots the producer wrote a moment ago takes each line out of the
 * producer's cache while it is still writing next to it; a consumer that
 * trails far enough behind reads lines that have settled. A producer
 * that stops short of the slip (the end of a stream, a pause) is not
 * waited for: once the published index has not moved for
 * RING_SLIP_PATIENCE spins the consumer takes what there is.
 */
#define RING_SLIP 256
#define RING_SLIP_SHARE 8
#define RING_SLIP_PATIENCE 512

/* The shared part, at the start of the region; the slots follow it. */
struct ring_ctl {
	alignas(RING_PAD) _Atomic uint64_t head;  /* messages published so far */
	uint64_t send_waits;                      /* at close: times found full */
	char pad_head[RING_PAD - 2 * sizeof(uint64_t)];
	alignas(RING_PAD) _Atomic uint64_t tail;  /* messages consumed so far */
	uint64_t recv_waits;                      /* at close: times found empty */
	char pad_tail[RING_PAD - 2 * sizeof(uint64_t)];
	alignas(RING_PAD) uint64_t nslots;        /* read-only after ring_init */
	uint64_t slot_bytes;
	char pad_const[RING_PAD - 2 * sizeof(uint64_t)];
};

_Static_assert(offsetof(struct ring_ctl, head) == 0, "head first");
_Static_assert(offsetof(struct ring_ctl, tail) == RING_PAD, "tail on its own lines");
_Static_assert(offsetof(struct ring_ctl, nslots) == 2 * RING_PAD, "constants apart");
_Static_assert(sizeof(struct ring_ctl) == 3 * RING_PAD, "slots start line-aligned");

/* One side's private view of a ring. Each side keeps its own index and a
   cached copy of the other's, and reads the shared one only when the cache
   says the ring is full (producer) or empty (consumer). */
struct ring_end {
	struct ring_ctl *ctl;
	char *slots;
	uint64_t mask;         /* nslots - 1, nslots a power of two */
	uint64_t nslots;
	size_t slot_bytes;
	uint64_t pos;          /* producer: head; consumer: tail */
	uint64_t peer;         /* cached tail (producer) or head (consumer) */
	uint64_t published;    /* pos as last stored in the shared index */
	uint64_t batch;        /* publish once pos is this far ahead */
	uint64_t slip;         /* consumer, once empty: wait for this many */
	_Atomic uint64_t *index;   /* the shared index this side writes */
	uint64_t *waits_out;       /* where close leaves waits for the parent */
	uint64_t waits;            /* slow paths taken: ring full / empty */
	int timeout_ms;
};

/* ring_init: lays an empty ring over mem (RING_PAD-aligned, ring_plan bytes) */
void ring_init(void *mem, uint64_t nslots, size_t slot_bytes);

/* ring_attach: fills *e to use the ring at mem as producer (or consumer),
   publishing every batch messages (a consumer of a batched ring also
   slips, see ring_slip); timeout_ms <= 0 waits forever */
void ring_attach(struct ring_end *e, void *mem, int producer, uint64_t batch,
		 int timeout_ms);

/* ring_batch: messages between two index stores for a ring of nslots
   (1 when every message must be seen at once, as in a ping-pong) */
uint64_t ring_batch(uint64_t nslots, int latency);

/* ring_slip: how far a consumer that found the ring empty lets the
   producer get ahead before it reads again (1: at once, as in a
   ping-pong, where batch is 1) */
uint64_t ring_slip(uint64_t nslots, uint64_t batch);

static inline char *ring_slot(const struct ring_end *e)
{
	return e->slots + (e->pos & e->mask) * e->slot_bytes;
}

/* ring_publish: makes every message this side has moved visible to the peer */
static inline void ring_publish(struct ring_end *e)
{
	if (e->published != e->pos) {
		e->published = e->pos;
		atomic_store_explicit(e->index, e->pos, memory_order_release);
	}
}

/* ring_advance: one message moved; the index goes out once per batch */
static inline void ring_advance(struct ring_end *e)
{
	if (++e->pos - e->published >= e->batch) {
		e->published = e->pos;
		atomic_store_explicit(e->index, e->pos, memory_order_release);
	}
}

/* ring_push: copies len (<= slot_bytes) bytes into the next slot, waiting
   for room; 0 or -ETIMEDOUT */
int ring_push(struct ring_end *e, const void *buf, size_t len);

/* ring_pop: copies the oldest message (len bytes) out, waiting for one;
   0 or -ETIMEDOUT */
int ring_pop(struct ring_end *e, void *buf, size_t len);

/*
 * Two rings, one per direction, for a mechanism: the forward ring carries
 * sender -> receiver, the backward one (latency mode only) the echo. The
 * ends are indexed by role and padded, so two threads sharing this struct
 * do not share a cache line either.
 */
struct ring_port {
	alignas(RING_PAD) struct ring_end tx;
	struct ring_end rx;
};

struct ring_pair {
	struct ring_port port[2];  /* [ROLE_SENDER], [ROLE_RECEIVER] */
	void *mem;                 /* both rings, forward first */
	size_t ring_bytes;         /* one ring */
	size_t map_bytes;          /* all of mem */
	int nrings;                /* 1 (throughput) or 2 (latency) */
	uint64_t nslots;
	size_t slot_bytes;
	size_t msg_size;
};

/* ring_pair_new: allocates an aligned ring_pair and plans its rings for m
   (one ring in throughput mode, two in latency mode); NULL on overflow or
   out of memory */
struct ring_pair *ring_pair_new(const struct mech *m);

/* ring_pair_init: lays the rings over mem (map_bytes long) and records
   ring_slots and slot_bytes in m->granted */
void ring_pair_init(struct ring_pair *rp, void *mem, struct mech *m);

/* The mech_ops entries shm-ring and threads share: their rings differ only
   in where the memory comes from (create), not in how it is used. */
int ring_mech_open(struct mech *m, enum mech_role role);
int ring_mech_send(struct mech *m, const void *buf, size_t len);
int ring_mech_recv(struct mech *m, void *buf, size_t len);
/* ring_mech_close: publishes what the worker sent, and how often each of
   its ends had to wait; the mapping goes with the worker */
void ring_mech_close(struct mech *m);
/* ring_mech_collect: the forward ring's regime into m->granted:
   ring_batch, ring_slip, ring_recv_waits and ring_send_waits (see README) */
void ring_mech_collect(struct mech *m);
/* ring_mech_destroy: unmaps the rings and frees the pair; safe after a
   partial create */
void ring_mech_destroy(struct mech *m);

#endif
