/* threads.c -- the shm-ring code between two threads of one process: no process boundary */
#include <errno.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "mech/mech.h"
#include "mech/ring.h"

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
	/* shared, so the parent reads the ring's waits after the rep */
	mem = mmap(NULL, rp->map_bytes, PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED)
		return -errno;
	ring_pair_init(rp, mem, m);
	mech_granted_add(m, "ring_bytes", (long long)rp->map_bytes);
	return 0;
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
	.open = ring_mech_open,
	.send = ring_mech_send,
	.recv = ring_mech_recv,
	.close = ring_mech_close,
	.collect = ring_mech_collect,
	.destroy = ring_mech_destroy,
};
