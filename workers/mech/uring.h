/* uring.h -- a minimal io_uring instance over the raw system calls, for
   the uring and uring-msg mechanisms (no library: two calls and three
   mappings are all they need, and nothing is loaded at start) */
#ifndef IPCSCOPE_URING_H
#define IPCSCOPE_URING_H

#include <stddef.h>
#include <stdint.h>
#include <linux/io_uring.h>

struct uring {
	int fd;                         /* -1: none */
	unsigned flags;                 /* IORING_SETUP_* it was made with */
	unsigned features;
	unsigned sq_entries, cq_entries;
	unsigned *sq_head, *sq_tail, *sq_mask, *sq_flags, *sq_array;
	unsigned *cq_head, *cq_tail, *cq_mask;
	struct io_uring_sqe *sqes;
	struct io_uring_cqe *cqes;
	void *sq_map, *cq_map;          /* cq_map == sq_map with one mapping */
	size_t sq_map_len, cq_map_len, sqes_len;
	unsigned sq_local_tail;         /* SQEs written, published on enter */
	unsigned to_submit;             /* written, not yet taken by the kernel */
};

/* uring_init: a ring of entries SQEs (flags IORING_SETUP_*; sq_idle_ms for
   IORING_SETUP_SQPOLL); 0 or -errno, r->fd -1 on failure */
int uring_init(struct uring *r, unsigned entries, unsigned flags, unsigned sq_idle_ms);

/* uring_free: unmaps and closes r if made; safe twice */
void uring_free(struct uring *r);

/* uring_sqe: the next free SQE, zeroed, or NULL when the queue is full */
struct io_uring_sqe *uring_sqe(struct uring *r);

/* uring_enter: hands the written SQEs to the kernel and, with wait_nr,
   waits until that many completions are queued, at most timeout_ms (<= 0:
   no limit); the count submitted, -ETIMEDOUT, or -errno */
int uring_enter(struct uring *r, unsigned wait_nr, int timeout_ms);

/* uring_seen: marks the completion uring_peek gave as consumed */
void uring_seen(struct uring *r);

/* uring_wait: the oldest unseen completion, waiting at most timeout_ms
   (<= 0: no limit) and submitting what was written; 0 with *cqe, or
   -ETIMEDOUT or -errno */
int uring_wait(struct uring *r, struct io_uring_cqe **cqe, int timeout_ms);

/* uring_forbidden: 1 with the reason in why when io_uring cannot serve a
   mechanism needing opcode op_name here: kernel.io_uring_disabled
   (disabled; -1 when absent) at 2, a failed io_uring_setup (setup_err,
   0: it worked; EPERM at io_uring_disabled=1 means not in
   kernel.io_uring_group), or an opcode the kernel lacks (op_missing); 0
   with a plain why otherwise */
int uring_forbidden(int disabled, int setup_err, int op_missing, const char *op_name,
		    char *why, size_t len);

/* uring_available: probes this kernel for io_uring and opcode op (named
   op_name) as uring_forbidden says; 1 with why when it cannot run */
int uring_unavailable(unsigned op, const char *op_name, char *why, size_t len);

#endif
