/* shm.c -- POSIX shared memory (shm_open + mmap): one slot per direction, handed over */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../mech.h"
#include "slot.h"

/* shm_map_fresh: maps bytes of a new POSIX shm object and unlinks its name
   at once: the name exists only for these few calls, so /dev/shm is empty
   again before any worker starts, whatever happens to it later */
static int shm_map_fresh(const char *tag, size_t bytes, void **out)
{
	char name[MECH_NAME_MAX + 16];
	void *mem;
	int fd, rc = 0;

	snprintf(name, sizeof(name), "/%s-shm", tag);
	fd = shm_open(name, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	shm_unlink(name);
	if (ftruncate(fd, (off_t)bytes) < 0) {
		rc = -errno;
		goto out;
	}
	/* reserve the pages now: ENOSPC here instead of SIGBUS mid-run */
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

static int shm_mech_create(struct mech *m)
{
	struct slot_map *sm = slot_map_new(m);
	void *mem = NULL;
	int rc;

	if (!sm)
		return -ENOMEM;
	m->priv = sm;
	rc = shm_map_fresh(m->tag, sm->map_bytes, &mem);
	if (rc)
		return rc;
	rc = slot_map_init(sm, mem, m);
	if (rc)
		return rc;
	mech_granted_add(m, "shm_bytes", (long long)sm->map_bytes);
	return 0;
}

static void shm_mech_destroy(struct mech *m)
{
	slot_map_free(m->priv);
	m->priv = NULL;
}

const struct mech_ops mech_shm = {
	.name = "shm",
	.summary = "A POSIX shared memory object mapped by both processes: the "
		   "sender fills one slot, flags it full, and the receiver copies "
		   "it out and flags it empty again.",
	.family = FAM_SHARED_MEMORY,
	.copies = "2: sender buffer into shared memory, shared memory into "
		  "receiver buffer",
	.cleanup = "a POSIX shared memory object (/dev/shm/<tag>-shm), "
		   "unlinked by the parent right after mapping it and before "
		   "the workers start, so the memory vanishes with the last "
		   "mapping even if every process is killed; semaphores or "
		   "mutexes inside it are destroyed by the parent",
	.create = shm_mech_create,
	.open = slot_open,
	.send = slot_send,
	.recv = slot_recv,
	.close = slot_close,
	.destroy = shm_mech_destroy,
};
