/* ref_zmq.c -- reference ZeroMQ loops in the shape of libzmq's local_thr/remote_thr and local_lat/remote_lat */
#include <zmq.h>

#include "ref.h"

/*
 * usage: ref_zmq thr|rtt SIZE COUNT WARMUP CPU_SEND CPU_RECV
 * thr: PUSH connects, PULL binds an ipc endpoint; the sender sends
 *      WARMUP then COUNT messages (zmq_msg_init_size + zmq_msg_send, as
 *      remote_thr), the receiver takes them with zmq_msg_recv (as
 *      local_thr); timed from the first timed send to the last receive.
 * rtt: REQ/REP, the same message there and back COUNT times (as
 *      remote_lat/local_lat), each round trip timed with CLOCK_MONOTONIC.
 * Default high-water marks and socket buffers; one I/O thread per side.
 */

struct shared {
	volatile int bound;
	uint64_t t0, t1;
	uint64_t *rtt;                 /* COUNT round trips, shared */
};

static char endpoint[256];

static void *zsock(void **ctx, int type)
{
	void *s;

	if (!(*ctx = zmq_ctx_new()) || !(s = zmq_socket(*ctx, type)))
		ref_die("zmq socket");
	return s;
}

static void zsend(void *s, size_t size)
{
	zmq_msg_t m;

	if (zmq_msg_init_size(&m, size) < 0)
		ref_die("zmq_msg_init_size");
	memset(zmq_msg_data(&m), 0x5a, size);
	if (zmq_msg_send(&m, s, 0) < 0)
		ref_die("zmq_msg_send");
}

static void zrecv(void *s, zmq_msg_t *m)
{
	if (zmq_msg_recv(m, s, 0) < 0)
		ref_die("zmq_msg_recv");
}

static void zdone(void *ctx, void *s)
{
	zmq_close(s);
	zmq_ctx_term(ctx);
}

static void receiver(struct shared *sh, int thr, uint64_t total)
{
	void *ctx, *s = zsock(&ctx, thr ? ZMQ_PULL : ZMQ_REP);
	zmq_msg_t m;

	if (zmq_bind(s, endpoint) < 0)
		ref_die("zmq_bind");
	sh->bound = 1;
	zmq_msg_init(&m);
	for (uint64_t i = 0; i < total; i++) {
		zrecv(s, &m);
		if (!thr && zmq_msg_send(&m, s, 0) < 0)
			ref_die("zmq_msg_send");
	}
	sh->t1 = ref_now_ns();
	zmq_msg_close(&m);
	zdone(ctx, s);
}

static void thr_sender(struct shared *sh, void *s, uint64_t size, uint64_t n, uint64_t warm)
{
	for (uint64_t i = 0; i < warm; i++)
		zsend(s, size);
	sh->t0 = ref_now_ns();
	for (uint64_t i = 0; i < n; i++)
		zsend(s, size);
}

static void rtt_sender(struct shared *sh, void *s, uint64_t size, uint64_t n, uint64_t warm)
{
	zmq_msg_t m;

	zmq_msg_init(&m);
	for (uint64_t i = 0; i < warm + n; i++) {
		uint64_t a = ref_now_ns();
		zsend(s, size);
		zrecv(s, &m);
		if (i >= warm)
			sh->rtt[i - warm] = ref_now_ns() - a;
	}
	zmq_msg_close(&m);
}

static void sender(struct shared *sh, int thr, uint64_t size, uint64_t n, uint64_t warm)
{
	void *ctx, *s = zsock(&ctx, thr ? ZMQ_PUSH : ZMQ_REQ);
	int linger = -1;

	while (!sh->bound)
		usleep(100);
	if (zmq_connect(s, endpoint) < 0 ||
	    zmq_setsockopt(s, ZMQ_LINGER, &linger, sizeof(linger)) < 0)
		ref_die("zmq_connect");
	if (thr)
		thr_sender(sh, s, size, n, warm);
	else
		rtt_sender(sh, s, size, n, warm);
	zdone(ctx, s);
}

int main(int argc, char **argv)
{
	char dir[] = "/tmp/ref_zmq.XXXXXX";
	struct shared *sh;
	uint64_t size, n, warm;
	int thr;
	pid_t ps, pr;

	if (argc != 7 || (strcmp(argv[1], "thr") && strcmp(argv[1], "rtt"))) {
		fprintf(stderr, "usage: ref_zmq thr|rtt SIZE COUNT WARMUP CPU_SEND CPU_RECV\n");
		return 2;
	}
	thr = !strcmp(argv[1], "thr");
	size = ref_num(argv[2]);
	n = ref_num(argv[3]);
	warm = ref_num(argv[4]);
	if (!n || !mkdtemp(dir))
		return 2;
	snprintf(endpoint, sizeof(endpoint), "ipc://%s/ep", dir);
	sh = ref_shared(sizeof(*sh));
	sh->rtt = ref_shared(n * sizeof(*sh->rtt));
	if ((pr = fork()) == 0) {
		ref_worker(atoi(argv[6]));
		receiver(sh, thr, warm + n);
		_exit(0);
	}
	if ((ps = fork()) == 0) {
		ref_worker(atoi(argv[5]));
		sender(sh, thr, size, n, warm);
		_exit(0);
	}
	if (pr < 0 || ps < 0)
		ref_die("fork");
	ref_reap(ps, pr);
	snprintf(endpoint, sizeof(endpoint), "%s/ep", dir);
	unlink(endpoint);
	rmdir(dir);
	if (thr) {
		double s = (double)(sh->t1 - sh->t0) / 1e9;
		printf("{\"ref\":\"zmq\",\"mode\":\"thr\",\"size\":%llu,\"count\":%llu,\"elapsed_s\":%.6f,"
		       "\"msgs_per_s\":%.1f,\"bytes_per_s\":%.1f}\n", (unsigned long long)size,
		       (unsigned long long)n, s, (double)n / s, (double)n * (double)size / s);
	} else {
		ref_rtt_line("zmq", size, sh->rtt, n);
	}
	return 0;
}
