/* cma.c -- cross-memory attach: the receiver copies each message straight
   out of the sender's buffer with process_vm_readv */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/uio.h>
#include <unistd.h>

#include "mech/mech.h"
#include "probe/sysinfo.h"
#include "mech/cma.h"
#include "mech/io.h"

/*
 * A message never passes through the kernel's buffers: the sender writes
 * a 16-byte note (where its message is, how long) into a pipe, and the
 * receiver, woken by it, copies the bytes from the sender's address space
 * into its own with one process_vm_readv. The sender's buffer must hold
 * still until then, and the caller reuses it as soon as send returns, so:
 *
 * throughput: send waits for the receiver's acknowledgement (an empty
 *             note back) before it returns: one message in flight, the
 *             price of not copying it anywhere first;
 * latency:    no acknowledgements: the echo proves the ping was read.
 *             The next ping proves the echo was, but the receiver's last
 *             echo has no ping after it, and its caller may free the
 *             buffer once send returns: the receiver copies each echo into
 *             a buffer of its own first, the sender acknowledges the last
 *             one when it closes, and the receiver's close waits for that
 *             (bounded) before it lets the buffer go.
 *
 * Yama (kernel.yama.ptrace_scope) decides who may read whom: at 1 only an
 * ancestor may, so each worker names the other with PR_SET_PTRACER; at 2
 * only a process with CAP_SYS_PTRACE may; at 3 nobody.
 */
#define CMA_YAMA "/proc/sys/kernel/yama/ptrace_scope"
#define CAP_SYS_PTRACE_BIT 19

struct cma_note {
	uint64_t addr;   /* 0: an acknowledgement */
	uint64_t len;
};

struct cma_priv {
	int fwd[2];      /* sender -> receiver notes */
	int back[2];     /* receiver -> sender: acks or echo notes */
	int rfd, wfd;    /* this worker's ends */
	int echo_out;    /* latency receiver: an echo not yet known read */
	int echo_in;     /* latency sender: read an echo since the last ping */
	void *echo;      /* latency receiver: where its echoes are read from */
};

#define CMA_LAST_ACK_MS 2000   /* the receiver waits at most this at close */

int cma_forbidden(int scope, int has_cap, int probe_err, char *why, size_t len)
{
	if (scope >= 3) {
		snprintf(why, len, "none here: kernel.yama.ptrace_scope is %d, which forbids "
			 "process_vm_readv of another process to everyone", scope);
		return 1;
	}
	if (scope == 2 && !has_cap) {
		snprintf(why, len, "none here: kernel.yama.ptrace_scope is 2, which allows "
			 "process_vm_readv only with CAP_SYS_PTRACE (set it to 0 or 1)");
		return 1;
	}
	if (probe_err) {
		snprintf(why, len, "none here: process_vm_readv failed: %s%s", strerror(probe_err),
			 probe_err == ENOSYS ? " (a kernel without CONFIG_CROSS_MEMORY_ATTACH)" : "");
		return 1;
	}
	snprintf(why, len, "any size up to the 64 MiB ipcscope cap; one message in "
		 "flight in throughput mode");
	return 0;
}

/* cma_has_ptrace_cap: 1 when this process holds CAP_SYS_PTRACE */
static int cma_has_ptrace_cap(void)
{
	FILE *f = fopen("/proc/self/status", "re");
	char line[256];
	unsigned long long eff = 0;
	int found = 0;

	if (!f)
		return 0;
	while (!found && fgets(line, sizeof(line), f))
		found = sscanf(line, "CapEff: %llx", &eff) == 1;
	fclose(f);
	return found && (eff >> CAP_SYS_PTRACE_BIT) & 1;
}

/* cma_probe: 0 when process_vm_readv works on this very process, else
   its errno (ENOSYS: not built in; EPERM: a seccomp filter) */
static int cma_probe(void)
{
	char src = 'x', dst = 0;
	struct iovec l = { &dst, 1 }, r = { &src, 1 };

	return process_vm_readv(getpid(), &l, 1, &r, 1, 0) == 1 ? 0 : errno;
}

static void cma_limits(struct mech_limits *lim)
{
	long long scope = sysinfo_read_long(CMA_YAMA);

	if (cma_forbidden(scope < 0 ? -1 : (int)scope, scope == 2 ? cma_has_ptrace_cap() : 0,
			  cma_probe(), lim->why, sizeof(lim->why)))
		lim->max_size = 0;
}

static int cma_create(struct mech *m)
{
	struct cma_priv *p = calloc(1, sizeof(*p));
	long long scope = sysinfo_read_long(CMA_YAMA);
	int rc;

	if (!p)
		return -ENOMEM;
	p->rfd = p->wfd = -1;
	m->priv = p;
	if ((rc = io_pipes_make(p->fwd, p->back)) < 0)
		return rc;
	mech_granted_add(m, "ptrace_scope", scope < 0 ? -1 : scope);
	return 0;
}

static int cma_open(struct mech *m, enum mech_role role)
{
	struct cma_priv *p = m->priv;

	io_pipes_take(p->fwd, p->back, role == ROLE_SENDER, &p->rfd, &p->wfd);
	if (role == ROLE_RECEIVER && m->mode == MODE_LATENCY &&
	    !(p->echo = malloc(m->msg_size ? m->msg_size : 1)))
		return -ENOMEM;
	/* Yama at 1: let the other worker read this one (EINVAL without Yama) */
	if (m->peer_pid > 0 && prctl(PR_SET_PTRACER, (unsigned long)m->peer_pid, 0, 0, 0) < 0 &&
	    errno != EINVAL)
		return -errno;
	return 0;
}

static int cma_send(struct mech *m, const void *buf, size_t len)
{
	struct cma_priv *p = m->priv;
	struct cma_note n = { (uint64_t)(uintptr_t)buf, len };
	int ret;

	if (!buf || len == 0)
		return -EINVAL;
	if (p->echo) {
		memcpy(p->echo, buf, len);
		n.addr = (uint64_t)(uintptr_t)p->echo;
	}
	ret = io_write_all(p->wfd, &n, sizeof(n));
	if (m->mode == MODE_LATENCY) {
		p->echo_out = ret == 0 && m->role == ROLE_RECEIVER;
		p->echo_in = 0;
	}
	if (ret < 0 || m->mode == MODE_LATENCY || m->role != ROLE_SENDER)
		return ret;
	ret = io_read_all(p->rfd, &n, sizeof(n));
	if (ret == 0 && n.addr != 0)
		ret = -EPROTO;
	return ret;
}

/* cma_pull: len bytes at addr in pid into buf; 0 or -errno (-EPIPE when
   the process is gone) */
static int cma_pull(pid_t pid, uint64_t addr, void *buf, size_t len)
{
	size_t done = 0;

	while (done < len) {
		struct iovec l = { (char *)buf + done, len - done };
		struct iovec r = { (void *)(uintptr_t)(addr + done), len - done };
		ssize_t n = process_vm_readv(pid, &l, 1, &r, 1, 0);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return errno == ESRCH ? -EPIPE : -errno;
		}
		if (n == 0)
			return -EFAULT;
		done += (size_t)n;
	}
	return 0;
}

static int cma_recv(struct mech *m, void *buf, size_t len)
{
	struct cma_priv *p = m->priv;
	struct cma_note n;
	int ret;

	do
		ret = io_read_all(p->rfd, &n, sizeof(n));
	while (ret == 0 && n.addr == 0 && m->mode == MODE_LATENCY);   /* a late ack */
	if (ret < 0)
		return ret;
	if (n.addr == 0 || n.len != len)
		return -EPROTO;
	ret = cma_pull(m->peer_pid, n.addr, buf, len);
	if (m->mode == MODE_LATENCY)
		p->echo_in = ret == 0 && m->role == ROLE_SENDER;
	if (ret < 0 || m->mode == MODE_LATENCY)
		return ret;
	n.addr = n.len = 0;   /* the bytes are in: the sender may go on */
	return io_write_all(p->wfd, &n, sizeof(n));
}

/* cma_last_ack: the latency receiver's wait, at close, until the sender
   has read its last echo (an ack note, or the sender's end closing) */
static void cma_last_ack(struct cma_priv *p)
{
	struct pollfd pfd = { .fd = p->rfd, .events = POLLIN };
	struct cma_note n;

	while (poll(&pfd, 1, CMA_LAST_ACK_MS) < 0 && errno == EINTR)
		;
	if (pfd.revents & POLLIN)
		(void)!read(p->rfd, &n, sizeof(n));
}

static void cma_close(struct mech *m)
{
	struct cma_priv *p = m->priv;
	struct cma_note ack = { 0, 0 };

	if (p->echo_in && p->wfd >= 0)
		(void)!write(p->wfd, &ack, sizeof(ack));
	if (p->echo_out && p->rfd >= 0)
		cma_last_ack(p);
	p->echo_in = p->echo_out = 0;
	free(p->echo);
	p->echo = NULL;
	io_close(&p->rfd);
	io_close(&p->wfd);
}

static void cma_destroy(struct mech *m)
{
	struct cma_priv *p = m->priv;

	if (!p)
		return;
	io_pipes_close(p->fwd, p->back);
	free(p);
	m->priv = NULL;
}

const struct mech_ops mech_cma = {
	.name = "cma",
	.summary = "Cross-memory attach: the receiver copies each message straight "
		   "out of the sender's memory with process_vm_readv, after a "
		   "16-byte note through a pipe says where it is; the sender's "
		   "buffer must hold still until then, so in throughput mode each "
		   "send waits for the receiver's acknowledgement.",
	.family = FAM_KERNEL_MESSAGE,
	.copies = "1: sender buffer to receiver buffer by process_vm_readv (plus "
		  "a 16-byte note in and out of a pipe, and in throughput mode a "
		  "16-byte acknowledgement back); a pipe makes 2. Latency mode's "
		  "echoes take 2: the receiver copies each into a buffer of its own, "
		  "which outlives the caller's until the sender has read it",
	.cleanup = "two pipe file descriptors, closed by each worker and the parent; "
		   "nothing named, nothing can be left behind",
	.limits = cma_limits,
	.create = cma_create,
	.open = cma_open,
	.send = cma_send,
	.recv = cma_recv,
	.close = cma_close,
	.destroy = cma_destroy,
};
