/* shm_ring.c -- lock-free single-producer single-consumer ring in POSIX shared memory */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../mech.h"
#include "ring.h"

/* shmring_map: a fresh shared mapping of bytes from a POSIX shm object that
   is unlinked again at once: the name lives only for these few calls, so
   nothing is left in /dev/shm whatever happens to the processes later */
static int shmring_map(const char *tag, size_t bytes, void **out)
{
	char name[MECH_NAME_MAX + 16];
	void *mem = MAP_FAILED;
	int fd, rc = 0;

	snprintf(name, sizeof(name), "/%s-ring", tag);
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

static int shmring_create(struct mech *m)
{
	struct ring_pair *rp = ring_pair_new(m);
	void *mem = NULL;
	int rc;

	if (!rp)
		return -ENOMEM;
	m->priv = rp;
	rc = shmring_map(m->tag, rp->map_bytes, &mem);
	if (rc)
		return rc;
	ring_pair_init(rp, mem, m);
	mech_granted_add(m, "shm_bytes", (long long)rp->map_bytes);
	return 0;
}

static int shmring_open(struct mech *m, enum mech_role role)
{
	m->role = role;
	return ring_pair_open(m->priv, role, m->timeout_ms);
}

static int shmring_send(struct mech *m, const void *buf, size_t len)
{
	return ring_pair_send(m->priv, m->role, buf, len);
}

static int shmring_recv(struct mech *m, void *buf, size_t len)
{
	return ring_pair_recv(m->priv, m->role, buf, len);
}

static void shmring_close(struct mech *m)
{
	(void)m;   /* the mapping goes with the worker; destroy unmaps it */
}

static void shmring_destroy(struct mech *m)
{
	struct ring_pair *rp = m->priv;

	if (!rp)
		return;
	if (rp->mem)
		munmap(rp->mem, rp->map_bytes);
	free(rp);
	m->priv = NULL;
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
	.open = shmring_open,
	.send = shmring_send,
	.recv = shmring_recv,
	.close = shmring_close,
	.destroy = shmring_destroy,
};
