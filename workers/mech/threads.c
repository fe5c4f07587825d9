/* threads.c -- the shm-ring code between two threads of one process: no process boundary */
#include <errno.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "../mech.h"
#include "ring.h"

/* Both roles share one struct ring_pair (the harness hands the two threads
   copies of struct mech with the same priv); everything per role lives in
   ring_pair.port[role], on cache lines of its own. */

static int threads_create(struct mech *m)
{
	struct ring_pair *rp = ring_pair_new(m);
	void *mem;

	if (!rp)
		return -ENOMEM;
	m->priv = rp;
	mem = mmap(NULL, rp->map_bytes, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED)
		return -errno;
	ring_pair_init(rp, mem, m);
	mech_granted_add(m, "ring_bytes", (long long)rp->map_bytes);
	return 0;
}

static int threads_open(struct mech *m, enum mech_role role)
{
	m->role = role;
	return ring_pair_open(m->priv, role, m->timeout_ms);
}

static int threads_send(struct mech *m, const void *buf, size_t len)
{
	return ring_pair_send(m->priv, m->role, buf, len);
}

static int threads_recv(struct mech *m, void *buf, size_t len)
{
	return ring_pair_recv(m->priv, m->role, buf, len);
}

static void threads_close(struct mech *m)
{
	(void)m;   /* private memory: destroy (or process exit) releases it */
}

static void threads_destroy(struct mech *m)
{
	struct ring_pair *rp = m->priv;

	if (!rp)
		return;
	if (rp->mem)
		munmap(rp->mem, rp->map_bytes);
	free(rp);
	m->priv = NULL;
}

const struct mech_ops mech_threads = {
	.name = "threads",
	.summary = "Two threads of one process pass messages through the same "
		   "lock-free ring as shm-ring, in ordinary process memory: "
		   "the cost of moving data without any process boundary.",
	.family = FAM_BASELINE,
	.copies = "2: sender buffer into a ring slot, ring slot into "
		  "receiver buffer (all in one address space)",
	.cleanup = "an anonymous private memory mapping, released by munmap "
		   "or when the process exits; nothing named, nothing can be "
		   "left behind",
	.threads = 1,
	.create = threads_create,
	.open = threads_open,
	.send = threads_send,
	.recv = threads_recv,
	.close = threads_close,
	.destroy = threads_destroy,
};
