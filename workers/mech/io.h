/* io.h -- whole-message read/write helpers shared by the fd-based mechanisms */
#ifndef IPCSCOPE_IO_H
#define IPCSCOPE_IO_H

#include <errno.h>
#include <stddef.h>
#include <unistd.h>

/* io_write_all: writes len bytes, looping over short writes; 0 or -errno
   (-EPIPE when the reader is gone) */
static inline int io_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* io_read_all: reads exactly len bytes; 0, -EPIPE at end of file,
   -ETIMEDOUT when a receive timeout expired, or -errno */
static inline int io_read_all(int fd, void *buf, size_t len)
{
	char *p = buf;

	while (len) {
		ssize_t n = read(fd, p, len);
		if (n == 0)
			return -EPIPE;
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return -ETIMEDOUT;
			return -errno;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* io_close: closes *fd if open and marks it closed */
static inline void io_close(int *fd)
{
	if (*fd >= 0) {
		close(*fd);
		*fd = -1;
	}
}

#endif
