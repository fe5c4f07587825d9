/* mmap.c -- a MAP_SHARED mapping of a file: the same one-slot handoff as shm, file-backed */
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "../mech.h"
#include "slot.h"

/* mmapf_map_fresh: maps bytes of a new file in dir and unlinks it at once,
   so the file is gone before any worker starts; *tmpfs tells whether the
   page cache behind it is memory only (tmpfs) or a disk's */
static int mmapf_map_fresh(const char *dir, const char *tag, size_t bytes,
			   void **out, int *tmpfs)
{
	char path[4096];
	struct statfs sf;
	void *mem;
	int fd, rc = 0;

	if (!dir)
		return -EINVAL;
	if (snprintf(path, sizeof(path), "%s/%s-mmap", dir, tag) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	unlink(path);
	*tmpfs = fstatfs(fd, &sf) == 0 && sf.f_type == TMPFS_MAGIC;
	if (ftruncate(fd, (off_t)bytes) < 0) {
		rc = -errno;
		goto out;
	}
	/* reserve the blocks now: ENOSPC here instead of SIGBUS mid-run */
	rc = -posix_fallocate(fd, 0, (off_t)bytes);
	if (rc)
		goto out;
	mem = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (mem == MAP_FAILED)
		rc = -errno;
	else
		*out = mem;
out:
	close(fd);
	return rc;
}

static int mmapf_create(struct mech *m)
{
	struct slot_map *sm = slot_map_new(m);
	void *mem = NULL;
	int rc, tmpfs = 0;

	if (!sm)
		return -ENOMEM;
	m->priv = sm;
	rc = mmapf_map_fresh(m->tmpdir, m->tag, sm->map_bytes, &mem, &tmpfs);
	if (rc)
		return rc;
	rc = slot_map_init(sm, mem, m);
	if (rc)
		return rc;
	mech_granted_add(m, "file_bytes", (long long)sm->map_bytes);
	mech_granted_add(m, "file_on_tmpfs", tmpfs);
	return 0;
}

static void mmapf_destroy(struct mech *m)
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
	.create = mmapf_create,
	.open = slot_open,
	.send = slot_send,
	.recv = slot_recv,
	.close = slot_close,
	.destroy = mmapf_destroy,
};
