/* uring.c -- a minimal io_uring instance over the raw system calls */
#include "mech/uring.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "probe/sysinfo.h"

#define URING_DISABLED "/proc/sys/kernel/io_uring_disabled"

static int sys_setup(unsigned entries, struct io_uring_params *p)
{
	return (int)syscall(__NR_io_uring_setup, entries, p);
}

static int sys_enter(int fd, unsigned submit, unsigned wait_nr, unsigned flags, void *arg,
		     size_t argsz)
{
	return (int)syscall(__NR_io_uring_enter, fd, submit, wait_nr, flags, arg, argsz);
}

static void *ring_map(int fd, size_t len, off_t off)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd, off);

	return p == MAP_FAILED ? NULL : p;
}

int uring_init(struct uring *r, unsigned entries, unsigned flags, unsigned sq_idle_ms)
{
	struct io_uring_params p;
	unsigned char *sq, *cq;
	int err;

	memset(r, 0, sizeof(*r));
	memset(&p, 0, sizeof(p));
	p.flags = flags;
	p.sq_thread_idle = sq_idle_ms;
	r->fd = sys_setup(entries, &p);
	if (r->fd < 0) {
		err = -errno;
		r->fd = -1;
		return err;
	}
	r->flags = flags;
	r->features = p.features;
	r->sq_entries = p.sq_entries;
	r->cq_entries = p.cq_entries;
	r->sq_map_len = p.sq_off.array + p.sq_entries * sizeof(unsigned);
	r->cq_map_len = p.cq_off.cqes + p.cq_entries * sizeof(struct io_uring_cqe);
	if (p.features & IORING_FEAT_SINGLE_MMAP) {
		if (r->cq_map_len > r->sq_map_len)
			r->sq_map_len = r->cq_map_len;
		r->cq_map_len = r->sq_map_len;
	}
	r->sq_map = ring_map(r->fd, r->sq_map_len, IORING_OFF_SQ_RING);
	if (!r->sq_map)
		goto fail;
	r->cq_map = p.features & IORING_FEAT_SINGLE_MMAP
			    ? r->sq_map : ring_map(r->fd, r->cq_map_len, IORING_OFF_CQ_RING);
	if (!r->cq_map)
		goto fail;
	r->sqes_len = p.sq_entries * sizeof(struct io_uring_sqe);
	r->sqes = ring_map(r->fd, r->sqes_len, IORING_OFF_SQES);
	if (!r->sqes)
		goto fail;
	sq = r->sq_map;
	cq = r->cq_map;
	r->sq_head = (unsigned *)(sq + p.sq_off.head);
	r->sq_tail = (unsigned *)(sq + p.sq_off.tail);
	r->sq_mask = (unsigned *)(sq + p.sq_off.ring_mask);
	r->sq_flags = (unsigned *)(sq + p.sq_off.flags);
	r->sq_array = (unsigned *)(sq + p.sq_off.array);
	r->cq_head = (unsigned *)(cq + p.cq_off.head);
	r->cq_tail = (unsigned *)(cq + p.cq_off.tail);
	r->cq_mask = (unsigned *)(cq + p.cq_off.ring_mask);
	r->cqes = (struct io_uring_cqe *)(cq + p.cq_off.cqes);
	r->sq_local_tail = *r->sq_tail;
	return 0;
fail:
	err = -errno;
	uring_free(r);
	return err ? err : -ENOMEM;
}

void uring_free(struct uring *r)
{
	if (r->sqes)
		munmap(r->sqes, r->sqes_len);
	if (r->cq_map && r->cq_map != r->sq_map)
		munmap(r->cq_map, r->cq_map_len);
	if (r->sq_map)
		munmap(r->sq_map, r->sq_map_len);
	if (r->fd >= 0)
		close(r->fd);
	memset(r, 0, sizeof(*r));
	r->fd = -1;
}

struct io_uring_sqe *uring_sqe(struct uring *r)
{
	unsigned head = __atomic_load_n(r->sq_head, __ATOMIC_ACQUIRE), idx;
	struct io_uring_sqe *sqe;

	if (r->sq_local_tail - head >= r->sq_entries)
		return NULL;
	idx = r->sq_local_tail & *r->sq_mask;
	sqe = &r->sqes[idx];
	memset(sqe, 0, sizeof(*sqe));
	r->sq_array[idx] = idx;
	r->sq_local_tail++;
	r->to_submit++;
	return sqe;
}

int uring_enter(struct uring *r, unsigned wait_nr, int timeout_ms)
{
	struct __kernel_timespec ts = { timeout_ms / 1000, (timeout_ms % 1000) * 1000000L };
	struct io_uring_getevents_arg arg = { 0, 0, 0, (uint64_t)(uintptr_t)&ts };
	unsigned flags = wait_nr ? IORING_ENTER_GETEVENTS : 0, submit = r->to_submit;
	int n;

	__atomic_store_n(r->sq_tail, r->sq_local_tail, __ATOMIC_RELEASE);
	if (r->flags & IORING_SETUP_SQPOLL) {
		/* the kernel's thread takes the SQEs; wake it if it went idle */
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		if (__atomic_load_n(r->sq_flags, __ATOMIC_RELAXED) & IORING_SQ_NEED_WAKEUP)
			flags |= IORING_ENTER_SQ_WAKEUP;
		r->to_submit = 0;
		if (!flags)
			return (int)submit;
		submit = 0;
	}
	if (wait_nr && timeout_ms > 0)
		flags |= IORING_ENTER_EXT_ARG;
	do
		n = sys_enter(r->fd, submit, wait_nr, flags,
			      flags & IORING_ENTER_EXT_ARG ? &arg : NULL,
			      flags & IORING_ENTER_EXT_ARG ? sizeof(arg) : 0);
	while (n < 0 && errno == EINTR && !wait_nr);
	if (n < 0)
		return errno == ETIME ? -ETIMEDOUT : -errno;
	if (!(r->flags & IORING_SETUP_SQPOLL))
		r->to_submit -= (unsigned)n < r->to_submit ? (unsigned)n : r->to_submit;
	return (r->flags & IORING_SETUP_SQPOLL) ? (int)submit : n;
}

/* uring_peek: the oldest unseen completion, or NULL */
static struct io_uring_cqe *uring_peek(struct uring *r)
{
	unsigned head = *r->cq_head;

	if (head == __atomic_load_n(r->cq_tail, __ATOMIC_ACQUIRE))
		return NULL;
	return &r->cqes[head & *r->cq_mask];
}

void uring_seen(struct uring *r)
{
	__atomic_store_n(r->cq_head, *r->cq_head + 1, __ATOMIC_RELEASE);
}

/* ms_since: milliseconds from t0 to now, CLOCK_MONOTONIC */
static long ms_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) * 1000 + (t.tv_nsec - t0->tv_nsec) / 1000000;
}

int uring_wait(struct uring *r, struct io_uring_cqe **cqe, int timeout_ms)
{
	struct timespec t0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		long left = timeout_ms > 0 ? timeout_ms - ms_since(&t0) : 0;
		int n;

		if ((*cqe = uring_peek(r)) && r->to_submit == 0)
			return 0;
		if (timeout_ms > 0 && left <= 0)
			return -ETIMEDOUT;
		n = uring_enter(r, *cqe ? 0 : 1, timeout_ms > 0 ? (int)left : 0);
		if (n == -EINTR || n == -EAGAIN || n == -EBUSY)
			continue;
		if (n == -ETIMEDOUT && (*cqe = uring_peek(r)))
			return 0;
		if (n < 0)
			return n;
	}
}

int uring_forbidden(int disabled, int setup_err, int op_missing, const char *op_name,
		    char *why, size_t len)
{
	if (disabled >= 2) {
		snprintf(why, len, "none here: kernel.io_uring_disabled is %d, which turns "
			 "io_uring off for every process", disabled);
		return 1;
	}
	if (setup_err == EPERM && disabled == 1) {
		snprintf(why, len, "none here: kernel.io_uring_disabled is 1 and this user "
			 "is not in kernel.io_uring_group");
		return 1;
	}
	if (setup_err) {
		snprintf(why, len, "none here: io_uring_setup failed: %s%s", strerror(setup_err),
			 setup_err == ENOSYS ? " (a kernel without CONFIG_IO_URING)" :
			 setup_err == EPERM ? " (a seccomp filter or a container's policy)" : "");
		return 1;
	}
	if (op_missing) {
		snprintf(why, len, "none here: this kernel's io_uring lacks %s", op_name);
		return 1;
	}
	return 0;
}

/* What this process found io_uring able to do, probed once: making a ring
   and tearing it down costs about half a millisecond, and the catalogue
   asks for every mechanism's limits on each request. */
static struct {
	int setup_err;                  /* errno of io_uring_setup, 0: it worked */
	int ext_arg;                    /* IORING_FEAT_EXT_ARG (timed waits) */
	unsigned char supported[256];   /* by opcode */
} probed;
static pthread_once_t probe_once = PTHREAD_ONCE_INIT;

static void uring_probe(void)
{
	struct uring r;
	struct {
		struct io_uring_probe p;
		struct io_uring_probe_op ops[256];
	} probe;

	probed.setup_err = -uring_init(&r, 2, 0, 0);
	if (probed.setup_err)
		return;
	probed.ext_arg = (r.features & IORING_FEAT_EXT_ARG) != 0;
	memset(&probe, 0, sizeof(probe));
	if (syscall(__NR_io_uring_register, r.fd, IORING_REGISTER_PROBE, &probe, 256) == 0)
		for (unsigned op = 0; op <= probe.p.last_op && op < 256; op++)
			probed.supported[op] = (probe.ops[op].flags & IO_URING_OP_SUPPORTED) != 0;
	uring_free(&r);
}

int uring_unavailable(unsigned op, const char *op_name, char *why, size_t len)
{
	long long disabled = sysinfo_read_long(URING_DISABLED);
	int missing = 0, err = 0;

	if (disabled < 2) {
		pthread_once(&probe_once, uring_probe);
		err = probed.setup_err;
		missing = !err && (op >= 256 || !probed.supported[op] || !probed.ext_arg);
	}
	return uring_forbidden(disabled < 0 ? -1 : (int)disabled, err, missing, op_name, why,
			       len);
}
