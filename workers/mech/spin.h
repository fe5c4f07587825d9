/* spin.h -- busy-wait helpers for the shared-memory mechanisms: pause, bounded by a timeout */
#ifndef IPCSCOPE_SPIN_H
#define IPCSCOPE_SPIN_H

#include <errno.h>
#include <sched.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* Spins between two looks at the clock: the clock is read rarely so that a
   wait that ends within microseconds costs nothing but pause instructions. */
#define SPIN_CHECK_EVERY 256u

/* After this long without progress the waiter also yields the CPU, so a
   peer pinned to the same core gets to run instead of waiting a time slice. */
#define SPIN_YIELD_AFTER_NS 20000ull

/* A message appears in shared memory all at once, when the sender has
   copied all of it, while a stream receiver sees its first bytes early: a
   receive therefore waits this much longer per MiB of message. */
#define SPIN_RECV_MS_PER_MIB 50

/* spin_recv_timeout: the receive bound for messages of msg_size bytes
   given the harness's timeout_ms (<= 0: none) */
static inline int spin_recv_timeout(int timeout_ms, size_t msg_size)
{
	size_t extra = (msg_size >> 20) * SPIN_RECV_MS_PER_MIB;

	if (timeout_ms <= 0)
		return 0;
	return extra > 100000 ? timeout_ms + 100000 : timeout_ms + (int)extra;
}

/* A sender waits this many times longer than a receiver before giving up:
   a full ring or slot only means a slow peer, and the harness kills a dead
   one; the bound is a safety net, not a protocol step. */
#define SPIN_SEND_TIMEOUT_FACTOR 20

/* spin_send_timeout: the send-side bound for a receive timeout (<= 0: none) */
static inline int spin_send_timeout(int recv_timeout_ms)
{
	if (recv_timeout_ms <= 0 || recv_timeout_ms > 100000)
		return recv_timeout_ms <= 0 ? 0 : 2000000;
	return recv_timeout_ms * SPIN_SEND_TIMEOUT_FACTOR;
}

struct spin_wait {
	uint32_t spins;
	int timeout_ms;      /* <= 0: wait forever */
	uint64_t start_ns;   /* set at the first clock check */
};

/* spin_relax: tells the CPU this is a spin loop (saves power, and frees
   the pipeline for a sibling hyperthread) */
static inline void spin_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#elif defined(__aarch64__)
	__asm__ __volatile__("yield" ::: "memory");
#else
	__asm__ __volatile__("" ::: "memory");
#endif
}

/* spin_now_ns: CLOCK_MONOTONIC in nanoseconds */
static inline uint64_t spin_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static inline void spin_start(struct spin_wait *w, int timeout_ms)
{
	w->spins = 0;
	w->timeout_ms = timeout_ms;
	w->start_ns = 0;
}

/* spin_check: the rare slow step of a wait; 0 to keep waiting or
   -ETIMEDOUT once timeout_ms has passed since the first check */
static __attribute__((noinline, cold, unused)) int spin_check(struct spin_wait *w)
{
	uint64_t now = spin_now_ns();

	if (!w->start_ns) {
		w->start_ns = now;
		return 0;
	}
	if (w->timeout_ms > 0 &&
	    now - w->start_ns >= (uint64_t)w->timeout_ms * 1000000ull)
		return -ETIMEDOUT;
	if (now - w->start_ns >= SPIN_YIELD_AFTER_NS)
		sched_yield();
	return 0;
}

/* spin_once: one pause of a wait; 0 to keep waiting or -ETIMEDOUT */
static inline int spin_once(struct spin_wait *w)
{
	spin_relax();
	if (++w->spins % SPIN_CHECK_EVERY)
		return 0;
	return spin_check(w);
}

#endif
