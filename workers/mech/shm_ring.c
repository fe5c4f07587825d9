/* shm_ring.c -- lock-free single-producer single-consumer ring in POSIX shared memory */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "mech/mech.h"
#include "mech/ring.h"
#include "mech/shmap.h"

static int shmring_create(struct mech *m)
{
	struct ring_pair *rp = ring_pair_new(m);
	void *mem = NULL;
	int rc;

	if (!rp)
		return -ENOMEM;
	m->priv = rp;
	rc = shmap_posix(m->tag, "ring", rp->map_bytes, &mem);
	if (rc)
		return rc;
	ring_pair_init(rp, mem, m);
	mech_granted_add(m, "shm_bytes", (long long)rp->map_bytes);
	return 0;
}

const struct mech_ops mech_shm_ring = {
	.name = "shm-ring",
	.summary = "A lock-free circular queue in shared memory: the sender "
		   "writes messages into free slots and the receiver reads them "
		   "in order, with no system call on the way.",
	.family = FAM_SHARED_MEMORY,
	.copies = "2: sender buffer into a ring slot in shared memory, "
		  "ring slot into receiver buffer",
	.cleanup = "a POSIX shared memory object (/dev/shm/<tag>-ring), "
		   "unlinked by the parent right after mapping it and before "
		   "the workers start, so the memory vanishes with the last "
		   "mapping even if every process is killed",
	.create = shmring_create,
	.open = ring_mech_open,
	.send = ring_mech_send,
	.recv = ring_mech_recv,
	.close = ring_mech_close,
	.collect = ring_mech_collect,
	.destroy = ring_mech_destroy,
};
