/* mmap.c -- a MAP_SHARED mapping of a file: the same one-slot handoff as shm, file-backed */
#include <errno.h>
#include <stdio.h>

#include "mech/mech.h"
#include "mech/shmap.h"
#include "mech/slot.h"

static int mmapfile_create(struct mech *m)
{
	struct slot_map *sm = slot_map_new(m, SYNC_SPIN);
	char path[4096];
	void *mem = NULL;
	int rc, tmpfs = 0;

	if (!sm)
		return -ENOMEM;
	m->priv = sm;
	if (!m->tmpdir)
		return -EINVAL;
	/* unlinked inside shmap_file, before any worker starts */
	if (snprintf(path, sizeof(path), "%s/%s-mmap", m->tmpdir, m->tag) >=
	    (int)sizeof(path))
		return -ENAMETOOLONG;
	rc = shmap_file(path, sm->map_bytes, &mem, &tmpfs);
	if (rc)
		return rc;
	rc = slot_map_init(sm, mem, m);
	if (rc)
		return rc;
	mech_granted_add(m, "file_bytes", (long long)sm->map_bytes);
	mech_granted_add(m, "file_on_tmpfs", tmpfs);
	return 0;
}

static void mmapfile_destroy(struct mech *m)
{
	slot_map_free(m->priv);
	m->priv = NULL;
}

const struct mech_ops mech_mmap = {
	.name = "mmap",
	.summary = "Both processes map the same file with MAP_SHARED, so a "
		   "write by one is seen by the other: the same one-slot "
		   "handoff as shm, backed by a file instead.",
	.family = FAM_SHARED_MEMORY,
	.copies = "2: sender buffer into the shared file mapping, mapping "
		  "into receiver buffer",
	.cleanup = "a file in the run's private temp directory, unlinked by "
		   "the parent right after mapping it and before the workers "
		   "start; the pages go with the last mapping, and the harness "
		   "removes the directory",
	.create = mmapfile_create,
	.open = slot_open,
	.send = slot_send,
	.recv = slot_recv,
	.close = slot_close,
	.destroy = mmapfile_destroy,
};
