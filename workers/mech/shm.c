/* shm.c -- POSIX shared memory (shm_open + mmap): one slot per direction, handed over */
#include <errno.h>
#include <stdio.h>

#include "mech/mech.h"
#include "mech/shmap.h"
#include "mech/slot.h"

/* shm's own setting: how the slot is handed over (enum shm_sync order) */
enum { SHM_OPT_SYNC };
static const char *const sync_values[] = { "spin", "sem", "mutex", "futex", NULL };
static const struct mech_option shm_options[] = {
	[SHM_OPT_SYNC] = { "sync", sync_values, "how the slot is handed over" },
	{ NULL, NULL, NULL },
};

static int posixshm_create(struct mech *m)
{
	struct slot_map *sm = slot_map_new(m, (enum shm_sync)m->opt[SHM_OPT_SYNC]);
	void *mem = NULL;
	int rc;

	if (!sm)
		return -ENOMEM;
	m->priv = sm;
	rc = shmap_posix(m->tag, "shm", sm->map_bytes, &mem);
	if (rc)
		return rc;
	rc = slot_map_init(sm, mem, m);
	if (rc)
		return rc;
	mech_granted_add(m, "shm_bytes", (long long)sm->map_bytes);
	return 0;
}

static void posixshm_destroy(struct mech *m)
{
	slot_map_free(m->priv);
	m->priv = NULL;
}

const struct mech_ops mech_shm = {
	.name = "shm",
	.summary = "A POSIX shared memory object mapped by both processes: the "
		   "sender fills one slot and flags it full, the receiver copies "
		   "it out and flags it empty, and sync picks how each side waits "
		   "(spinning on an atomic flag, semaphores, a mutex with a "
		   "condition variable, or a futex).",
	.family = FAM_SHARED_MEMORY,
	.copies = "2: sender buffer into shared memory, shared memory into "
		  "receiver buffer",
	.cleanup = "a POSIX shared memory object (/dev/shm/<tag>-shm), "
		   "unlinked by the parent right after mapping it and before "
		   "the workers start, so the memory vanishes with the last "
		   "mapping even if every process is killed; semaphores or "
		   "mutexes inside it are destroyed by the parent",
	.options = shm_options,
	.create = posixshm_create,
	.open = slot_open,
	.send = slot_send,
	.recv = slot_recv,
	.close = slot_close,
	.destroy = posixshm_destroy,
};
