/* shmap.c -- fresh shared mappings for shm, shm-ring and mmap, unlinked at birth */
#include <errno.h>
#include <stdio.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <sys/mman.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "mech/shmap.h"

/* shmap_fd: sizes the object behind fd, reserves its pages (so a full
   file system fails here with ENOSPC, not later with SIGBUS in a worker)
   and maps it shared; closes fd; 0 or -errno */
static int shmap_fd(int fd, size_t bytes, void **out)
{
	void *mem;
	int rc = 0;

	if (ftruncate(fd, (off_t)bytes) < 0) {
		rc = -errno;
		goto out;
	}
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

int shmap_posix(const char *tag, const char *suffix, size_t bytes, void **out)
{
	char name[256];
	int fd;

	if (snprintf(name, sizeof(name), "/%s-%s", tag, suffix) >= (int)sizeof(name))
		return -ENAMETOOLONG;
	fd = shm_open(name, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	shm_unlink(name);
	return shmap_fd(fd, bytes, out);
}

int shmap_file(const char *path, size_t bytes, void **out, int *tmpfs)
{
	struct statfs sf;
	int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);

	if (fd < 0)
		return -errno;
	unlink(path);
	*tmpfs = fstatfs(fd, &sf) == 0 && sf.f_type == TMPFS_MAGIC;
	return shmap_fd(fd, bytes, out);
}
