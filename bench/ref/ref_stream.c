/* ref_stream.c -- reference write/read loops over a pipe, a unix stream socket or loopback tcp */
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <sys/socket.h>

#include "ref.h"

/*
 * usage: ref_stream pipe|unix|tcp thr|rtt SIZE COUNT WARMUP CPU_SEND CPU_RECV
 * thr: the sender writes COUNT messages of SIZE bytes, the receiver reads
 *      exactly SIZE bytes per message; timed from the first write to the
 *      last read.
 * rtt: SIZE bytes there and back COUNT times, each round trip timed with
 *      CLOCK_MONOTONIC (mean and percentiles), as ipcscope times them.
 * Sockets use the kernel's default buffer sizes; tcp sets TCP_NODELAY.
 */

struct chan {
	int snd_w, snd_r;  /* sender's ends: data out, acks / echoes in */
	int rcv_r, rcv_w;  /* receiver's ends */
};

struct shared {
	uint64_t t0, t1, mean_ns, p50_ns, p99_ns;
};

static void write_all(int fd, const char *p, size_t len)
{
	while (len) {
		ssize_t n = write(fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			ref_die("write");
		}
		p += n;
		len -= (size_t)n;
	}
}

static void read_all(int fd, char *p, size_t len)
{
	while (len) {
		ssize_t n = read(fd, p, len);
		if (n <= 0) {
			if (n < 0 && errno == EINTR)
				continue;
			if (n == 0)
				errno = EPIPE;
			ref_die("read");
		}
		p += n;
		len -= (size_t)n;
	}
}

static void tcp_pair(int fd[2])
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t alen = sizeof(a);
	int one = 1, lst = socket(AF_INET, SOCK_STREAM, 0);

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (lst < 0 || bind(lst, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(lst, 1) < 0 ||
	    getsockname(lst, (struct sockaddr *)&a, &alen) < 0)
		ref_die("tcp listen");
	fd[0] = socket(AF_INET, SOCK_STREAM, 0);
	if (fd[0] < 0 || connect(fd[0], (struct sockaddr *)&a, sizeof(a)) < 0)
		ref_die("tcp connect");
	fd[1] = accept(lst, NULL, NULL);
	if (fd[1] < 0)
		ref_die("tcp accept");
	close(lst);
	if (setsockopt(fd[0], IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) < 0 ||
	    setsockopt(fd[1], IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) < 0)
		ref_die("TCP_NODELAY");
}

static void chan_open(const char *kind, struct chan *c)
{
	int a[2], b[2];

	if (!strcmp(kind, "pipe")) {
		if (pipe(a) < 0 || pipe(b) < 0)
			ref_die("pipe");
		*c = (struct chan){ .snd_w = a[1], .rcv_r = a[0], .rcv_w = b[1], .snd_r = b[0] };
		return;
	}
	if (!strcmp(kind, "unix")) {
		if (socketpair(AF_UNIX, SOCK_STREAM, 0, a) < 0)
			ref_die("socketpair");
	} else if (!strcmp(kind, "tcp")) {
		tcp_pair(a);
	} else {
		fprintf(stderr, "ref: unknown kind '%s'\n", kind);
		exit(2);
	}
	*c = (struct chan){ .snd_w = a[0], .snd_r = a[0], .rcv_r = a[1], .rcv_w = a[1] };
}

static void thr_sender(const struct chan *c, struct shared *sh, char *buf, uint64_t size,
		       uint64_t n, uint64_t warm)
{
	char ack;

	for (uint64_t i = 0; i < warm; i++)
		write_all(c->snd_w, buf, size);
	read_all(c->snd_r, &ack, 1);
	sh->t0 = ref_now_ns();
	for (uint64_t i = 0; i < n; i++)
		write_all(c->snd_w, buf, size);
}

static void thr_receiver(const struct chan *c, struct shared *sh, char *buf, uint64_t size,
			 uint64_t n, uint64_t warm)
{
	for (uint64_t i = 0; i < warm; i++)
		read_all(c->rcv_r, buf, size);
	write_all(c->rcv_w, "a", 1);
	for (uint64_t i = 0; i < n; i++)
		read_all(c->rcv_r, buf, size);
	sh->t1 = ref_now_ns();
}

static void rtt_sender(const struct chan *c, struct shared *sh, char *buf, uint64_t size,
		       uint64_t n, uint64_t warm)
{
	uint64_t *rtt = malloc(n * sizeof(*rtt)), sum = 0;

	if (!rtt)
		ref_die("malloc");
	for (uint64_t i = 0; i < warm; i++) {
		write_all(c->snd_w, buf, size);
		read_all(c->snd_r, buf, size);
	}
	for (uint64_t i = 0; i < n; i++) {
		uint64_t a = ref_now_ns();
		write_all(c->snd_w, buf, size);
		read_all(c->snd_r, buf, size);
		rtt[i] = ref_now_ns() - a;
		sum += rtt[i];
	}
	sh->mean_ns = sum / n;
	qsort(rtt, n, sizeof(*rtt), ref_cmp_u64);
	sh->p50_ns = ref_pct(rtt, n, 50);
	sh->p99_ns = ref_pct(rtt, n, 99);
	free(rtt);
}

static void rtt_echo(const struct chan *c, char *buf, uint64_t size, uint64_t total)
{
	for (uint64_t i = 0; i < total; i++) {
		read_all(c->rcv_r, buf, size);
		write_all(c->rcv_w, buf, size);
	}
}

static void print_result(const char *kind, int thr, const struct shared *sh, uint64_t size, uint64_t n)
{
	if (thr) {
		double s = (double)(sh->t1 - sh->t0) / 1e9;
		printf("{\"ref\":\"%s\",\"mode\":\"thr\",\"size\":%llu,\"count\":%llu,\"elapsed_s\":%.6f,"
		       "\"msgs_per_s\":%.1f,\"bytes_per_s\":%.1f}\n", kind,
		       (unsigned long long)size, (unsigned long long)n, s, (double)n / s,
		       (double)n * (double)size / s);
	} else {
		printf("{\"ref\":\"%s\",\"mode\":\"rtt\",\"size\":%llu,\"count\":%llu,\"rtt_mean_ns\":%llu,"
		       "\"rtt_p50_ns\":%llu,\"rtt_p99_ns\":%llu}\n", kind,
		       (unsigned long long)size, (unsigned long long)n, (unsigned long long)sh->mean_ns,
		       (unsigned long long)sh->p50_ns, (unsigned long long)sh->p99_ns);
	}
}

int main(int argc, char **argv)
{
	struct chan c;
	struct shared *sh;
	uint64_t size, n, warm;
	int thr;
	pid_t ps, pr;

	if (argc != 8 || (strcmp(argv[2], "thr") && strcmp(argv[2], "rtt"))) {
		fprintf(stderr, "usage: ref_stream pipe|unix|tcp thr|rtt SIZE COUNT WARMUP CPU_SEND CPU_RECV\n");
		return 2;
	}
	thr = !strcmp(argv[2], "thr");
	size = ref_num(argv[3]);
	n = ref_num(argv[4]);
	warm = ref_num(argv[5]);
	char *buf = malloc(size);
	if (!buf || !n)
		return 2;
	memset(buf, 0x5a, size);
	sh = ref_shared(sizeof(*sh));
	chan_open(argv[1], &c);
	if ((pr = fork()) == 0) {
		ref_worker(atoi(argv[7]));
		if (thr)
			thr_receiver(&c, sh, buf, size, n, warm);
		else
			rtt_echo(&c, buf, size, warm + n);
		_exit(0);
	}
	if ((ps = fork()) == 0) {
		ref_worker(atoi(argv[6]));
		if (thr)
			thr_sender(&c, sh, buf, size, n, warm);
		else
			rtt_sender(&c, sh, buf, size, n, warm);
		_exit(0);
	}
	if (pr < 0 || ps < 0)
		ref_die("fork");
	ref_reap(ps, pr);
	print_result(argv[1], thr, sh, size, n);
	return 0;
}
