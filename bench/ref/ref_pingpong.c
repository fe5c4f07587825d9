/* ref_pingpong.c -- reference cache-line ping-pong between two forked processes over shared memory */
#include <stdalign.h>
#include <stdatomic.h>

#include "ref.h"

/*
 * usage: ref_pingpong SIZE COUNT WARMUP CPU_SEND CPU_RECV
 * The sender copies SIZE bytes into the "ping" slot and bumps its flag; the
 * receiver spins on the flag, copies the bytes out and back into the
 * "pong" slot and bumps its flag. Two passes of COUNT round trips: one
 * untimed inside (the true mean), one timing each round trip with
 * CLOCK_MONOTONIC (percentiles, as ipcscope measures them).
 */

#define LINE 128

struct slot {
	alignas(LINE) _Atomic uint64_t flag;
	alignas(64) char data[];
};

struct shared {
	struct slot *ping, *pong;
	uint64_t mean_ns, p50_ns, p99_ns, timed_mean_ns;
};

static inline void wait_flag(struct slot *s, uint64_t want)
{
	unsigned spins = 0;

	while (atomic_load_explicit(&s->flag, memory_order_acquire) != want)
		ref_relax(&spins);
}

static void echo(struct shared *sh, uint64_t size, uint64_t total)
{
	char *buf = malloc(size);

	if (!buf)
		ref_die("malloc");
	for (uint64_t i = 1; i <= total; i++) {
		wait_flag(sh->ping, i);
		memcpy(buf, sh->ping->data, size);
		memcpy(sh->pong->data, buf, size);
		atomic_store_explicit(&sh->pong->flag, i, memory_order_release);
	}
	free(buf);
}

static inline void round_trip(struct shared *sh, char *buf, uint64_t size, uint64_t i)
{
	memcpy(sh->ping->data, buf, size);
	atomic_store_explicit(&sh->ping->flag, i, memory_order_release);
	wait_flag(sh->pong, i);
	memcpy(buf, sh->pong->data, size);
}

static void ping(struct shared *sh, uint64_t size, uint64_t n, uint64_t warm)
{
	char *buf = malloc(size);
	uint64_t *rtt = malloc(n * sizeof(*rtt)), i = 1, t0, sum = 0;

	if (!buf || !rtt)
		ref_die("malloc");
	memset(buf, 0x5a, size);
	for (; i <= warm; i++)
		round_trip(sh, buf, size, i);
	t0 = ref_now_ns();
	for (uint64_t k = 0; k < n; k++, i++)
		round_trip(sh, buf, size, i);
	sh->mean_ns = (ref_now_ns() - t0) / n;
	for (uint64_t k = 0; k < n; k++, i++) {
		uint64_t a = ref_now_ns();
		round_trip(sh, buf, size, i);
		rtt[k] = ref_now_ns() - a;
		sum += rtt[k];
	}
	qsort(rtt, n, sizeof(*rtt), ref_cmp_u64);
	sh->p50_ns = ref_pct(rtt, n, 50);
	sh->p99_ns = ref_pct(rtt, n, 99);
	sh->timed_mean_ns = sum / n;
	free(rtt);
	free(buf);
}

int main(int argc, char **argv)
{
	uint64_t size, n, warm, slot_bytes;
	struct shared *sh;
	pid_t ps, pr;

	if (argc != 6) {
		fprintf(stderr, "usage: ref_pingpong SIZE COUNT WARMUP CPU_SEND CPU_RECV\n");
		return 2;
	}
	size = ref_num(argv[1]);
	n = ref_num(argv[2]);
	warm = ref_num(argv[3]);
	if (!n)
		return 2;
	slot_bytes = (sizeof(struct slot) + size + LINE - 1) & ~(uint64_t)(LINE - 1);
	sh = ref_shared(LINE + 2 * slot_bytes);
	sh->ping = (struct slot *)((char *)sh + LINE);
	sh->pong = (struct slot *)((char *)sh->ping + slot_bytes);
	if ((pr = fork()) == 0) {
		ref_worker(atoi(argv[5]));
		echo(sh, size, warm + 2 * n);
		_exit(0);
	}
	if ((ps = fork()) == 0) {
		ref_worker(atoi(argv[4]));
		ping(sh, size, n, warm);
		_exit(0);
	}
	if (pr < 0 || ps < 0)
		ref_die("fork");
	ref_reap(ps, pr);
	printf("{\"ref\":\"pingpong\",\"size\":%llu,\"count\":%llu,\"rtt_mean_ns\":%llu,"
	       "\"rtt_p50_ns\":%llu,\"rtt_p99_ns\":%llu,\"rtt_timed_mean_ns\":%llu}\n",
	       (unsigned long long)size, (unsigned long long)n,
	       (unsigned long long)sh->mean_ns, (unsigned long long)sh->p50_ns,
	       (unsigned long long)sh->p99_ns, (unsigned long long)sh->timed_mean_ns);
	return 0;
}
