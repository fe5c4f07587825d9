/* ref_ring.c -- reference SPSC ring in shared memory between two forked processes, one-way stream */
#include <stdalign.h>
#include <stdatomic.h>

#include "ref.h"

/*
 * usage: ref_ring SIZE COUNT WARMUP CPU_SEND CPU_RECV [seq]
 * Prints one JSON line. With "seq" (SIZE >= 8) the sender writes each
 * message's number into its first 8 bytes and the receiver checks it
 * against the number it expects, counting mismatches in seq_errors: the
 * part of ipcscope's per-message duty that makes loss and reordering
 * countable, without its table of operations, stop checks or size checks
 * (bench/GAPS.md). The ring holds about 2 MiB of slots (slot = SIZE
 * rounded up to 64 bytes, at least 2 slots), the same footprint ipcscope's
 * shm-ring plans, so both stream through the same amount of cache. Like
 * it, each side stores its index once per BATCH messages (and before it
 * waits, and the sender at the end), as well-tuned SPSC rings do, and a
 * receiver that finds the ring empty lets the sender get SLIP messages
 * ahead (nslots / 8 when smaller) before it reads on, unless the sender's
 * index stands still for PATIENCE spins.
 */

#define LINE 128           /* two cache lines: adjacent-line prefetch */
#define RING_BYTES ((size_t)2 << 20)
#define BATCH 32
#define SLIP 256
#define PATIENCE 512

struct ctl {
	alignas(LINE) _Atomic uint64_t head;
	alignas(LINE) _Atomic uint64_t tail;
	alignas(LINE) _Atomic int ack;      /* receiver done with warm-up */
	uint64_t t0, t1;
	uint64_t seq_errors;                /* receiver, with "seq" */
};

struct ring {
	struct ctl *ctl;
	char *slots;
	uint64_t nslots, slot;
};

static void sender(struct ring *r, uint64_t size, uint64_t n, uint64_t warm, int seq)
{
	char *buf = malloc(size);
	uint64_t head = 0, tail = 0;
	unsigned spins = 0;

	if (!buf)
		ref_die("malloc");
	memset(buf, 0x5a, size);
	for (uint64_t i = 0; i < warm + n; i++) {
		if (i == warm) {
			/* the receiver acks after the warm-up's last message */
			atomic_store_explicit(&r->ctl->head, head, memory_order_release);
			while (!atomic_load_explicit(&r->ctl->ack, memory_order_acquire))
				ref_relax(&spins);
			r->ctl->t0 = ref_now_ns();
		}
		if (head - tail == r->nslots) {
			atomic_store_explicit(&r->ctl->head, head, memory_order_release);
			while ((tail = atomic_load_explicit(&r->ctl->tail, memory_order_acquire)) + r->nslots == head)
				ref_relax(&spins);
		}
		if (seq)
			memcpy(buf, &i, sizeof(i));
		memcpy(r->slots + (head & (r->nslots - 1)) * r->slot, buf, size);
		if (++head % BATCH == 0)
			atomic_store_explicit(&r->ctl->head, head, memory_order_release);
	}
	atomic_store_explicit(&r->ctl->head, head, memory_order_release);
	free(buf);
}

static void receiver(struct ring *r, uint64_t size, uint64_t n, uint64_t warm, int seq)
{
	char *buf = malloc(size);
	uint64_t tail = 0, head = 0, errors = 0;
	uint64_t slip = r->nslots / 8 < SLIP ? r->nslots / 8 : SLIP;
	unsigned spins = 0;

	if (!buf)
		ref_die("malloc");
	if (slip < 1)
		slip = 1;
	for (uint64_t i = 0; i < warm + n; i++) {
		if (i == warm)
			atomic_store_explicit(&r->ctl->ack, 1, memory_order_release);
		if (tail == head) {
			uint64_t seen = tail;
			unsigned still = 0;

			atomic_store_explicit(&r->ctl->tail, tail, memory_order_release);
			for (;;) {
				head = atomic_load_explicit(&r->ctl->head, memory_order_acquire);
				if (head - tail >= slip)
					break;
				if (head != tail && head == seen && ++still >= PATIENCE)
					break;
				if (head != seen) {
					seen = head;
					still = 0;
				}
				ref_relax(&spins);
			}
		}
		memcpy(buf, r->slots + (tail & (r->nslots - 1)) * r->slot, size);
		if (seq) {
			uint64_t got;

			memcpy(&got, buf, sizeof(got));
			errors += got != i;
		}
		__asm__ __volatile__("" : : "r"(buf) : "memory");
		if (++tail % BATCH == 0)
			atomic_store_explicit(&r->ctl->tail, tail, memory_order_release);
	}
	r->ctl->t1 = ref_now_ns();
	r->ctl->seq_errors = errors;
	free(buf);
}

int main(int argc, char **argv)
{
	struct ring r;
	uint64_t size, n, warm, slots = 2;
	pid_t ps, pr;
	int seq = argc == 7 && !strcmp(argv[6], "seq");

	if ((argc != 6 && !seq) || (seq && ref_num(argv[1]) < 8)) {
		fprintf(stderr, "usage: ref_ring SIZE COUNT WARMUP CPU_SEND CPU_RECV [seq]\n"
			"(seq: SIZE at least 8)\n");
		return 2;
	}
	size = ref_num(argv[1]);
	n = ref_num(argv[2]);
	warm = ref_num(argv[3]);
	r.slot = (size + 63) & ~(uint64_t)63;
	while (slots * 2 * r.slot <= RING_BYTES)
		slots *= 2;
	r.nslots = slots;
	r.ctl = ref_shared(sizeof(struct ctl) + slots * r.slot);
	r.slots = (char *)r.ctl + sizeof(struct ctl);
	if ((pr = fork()) == 0) {
		ref_worker(atoi(argv[5]));
		receiver(&r, size, n, warm, seq);
		_exit(0);
	}
	if ((ps = fork()) == 0) {
		ref_worker(atoi(argv[4]));
		sender(&r, size, n, warm, seq);
		_exit(0);
	}
	if (pr < 0 || ps < 0)
		ref_die("fork");
	ref_reap(ps, pr);
	double s = (double)(r.ctl->t1 - r.ctl->t0) / 1e9;
	printf("{\"ref\":\"ring\",\"size\":%llu,\"count\":%llu,\"slots\":%llu,\"elapsed_s\":%.6f,"
	       "\"msgs_per_s\":%.1f,\"bytes_per_s\":%.1f,\"seq\":%s,\"seq_errors\":%llu}\n",
	       (unsigned long long)size, (unsigned long long)n, (unsigned long long)slots,
	       s, (double)n / s, (double)n * (double)size / s, seq ? "true" : "false",
	       (unsigned long long)r.ctl->seq_errors);
	return 0;
}
