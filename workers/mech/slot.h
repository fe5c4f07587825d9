/* slot.h -- one shared slot per direction handed back and forth, for shm and mmap */
#ifndef IPCSCOPE_SLOT_H
#define IPCSCOPE_SLOT_H

#include <pthread.h>
#include <semaphore.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "mech/mech.h"

#define SLOT_LINE 64

/* state word bits: the slot holds a message; someone sleeps on the futex */
#define SLOT_FULL 1u
#define SLOT_WAITER 2u

/*
 * The shared control block of one direction; its payload follows, line
 * aligned. state is the whole protocol for spin and futex; sem uses the
 * empty/full pair; mutex guards state with mu and sleeps on cv.
 */
struct slot_ctl {
	alignas(SLOT_LINE) _Atomic uint32_t state;
	alignas(SLOT_LINE) sem_t empty;
	sem_t full;
	pthread_mutex_t mu;
	pthread_cond_t cv;
};

_Static_assert(offsetof(struct slot_ctl, empty) == SLOT_LINE,
	       "the state word has a cache line to itself");
_Static_assert(sizeof(struct slot_ctl) % SLOT_LINE == 0,
	       "the payload starts line-aligned");

/* How each side waits for the other; in the order of shm's "sync" values. */
enum shm_sync { SYNC_SPIN, SYNC_SEM, SYNC_MUTEX, SYNC_FUTEX };

/* A mechanism's view of the slots; the backend's m->priv. */
struct slot_map {
	void *mem;                 /* ndirs directions, forward first */
	size_t map_bytes;
	size_t dir_bytes;          /* control block + payload */
	size_t slot_bytes;         /* payload, msg_size rounded to a line */
	size_t msg_size;
	int ndirs;                 /* 1 (throughput) or 2 (latency) */
	int ninit;                 /* directions whose sync objects exist */
	enum shm_sync sync;
	int timeout_ms;            /* receive bound, scaled by message size */
	struct slot_ctl *tx, *rx;  /* this worker's directions, after open */
	uint32_t tx_seq, rx_seq;   /* spin in latency mode: messages posted on
				      tx and taken from rx by this worker */
	uint32_t lag;              /* 0 for the sender, 1 for the echoing side */
};

/* slot_map_new: plans the slots for m (sizes, directions) handed over
   with sync; NULL on overflow or out of memory */
struct slot_map *slot_map_new(const struct mech *m, enum shm_sync sync);

/* slot_map_init: lays the slots over mem (map_bytes long, shared between
   processes), initialises the process-shared sync objects and records
   slot_bytes in m->granted; 0 or -errno */
int slot_map_init(struct slot_map *sm, void *mem, struct mech *m);

/* slot_map_free: destroys the sync objects, unmaps and frees sm (NULL ok) */
void slot_map_free(struct slot_map *sm);

/* The worker side, usable directly as mech_ops hooks when m->priv is a
   struct slot_map: 0 or -errno (-ETIMEDOUT after m->timeout_ms). */
int slot_open(struct mech *m, enum mech_role role);
int slot_send(struct mech *m, const void *buf, size_t len);
int slot_recv(struct mech *m, void *buf, size_t len);
void slot_close(struct mech *m);

#endif
