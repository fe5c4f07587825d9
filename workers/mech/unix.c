/* unix.c -- AF_UNIX SOCK_STREAM socketpair: one connected pair, both directions */
#include <errno.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "mech/mech.h"
#include "mech/io.h"
#include "mech/sockpair.h"

static int unix_create(struct mech *m)
{
	struct sockpair *p = sockpair_new(m);
	int ret;

	if (!p)
		return -ENOMEM;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, p->sv) < 0)
		return -errno;
	for (int i = 0; i < 2; i++) {
		ret = io_set_timeout(p->sv[i], SO_RCVTIMEO, m->timeout_ms);
		if (ret < 0)
			return ret;
	}
	sockpair_grant_buffers(m);
	return 0;
}

const struct mech_ops mech_unix = {
	.name = "unix",
	.summary = "A Unix domain stream socket: a two-way byte stream between "
		   "processes on one machine, with the socket API but no network.",
	.family = FAM_KERNEL_STREAM,
	.copies = "2: sender buffer into a kernel socket buffer, kernel socket "
		  "buffer to receiver buffer",
	.cleanup = "a nameless socketpair made before fork; each worker and the "
		   "parent close their descriptors, nothing named can be left",
	.create = unix_create,
	.open = sockpair_open,
	.send = sockpair_send_stream,
	.recv = sockpair_recv_stream,
	.close = sockpair_close,
	.destroy = sockpair_destroy,
};
