/* ref_kernel.c -- reference loops for the kernel's faster paths: vmsplice
   into a pipe, process_vm_readv, MSG_ZEROCOPY, io_uring MSG_RING and
   io_uring SEND/RECV (liburing) */
#include <arpa/inet.h>
#include <fcntl.h>
#include <liburing.h>
#include <linux/errqueue.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include "ref.h"

/*
 * usage: ref_kernel splice|cma|tcp-zc|uring|uring-msg|eventfd|signalfd thr|rtt SIZE COUNT WARMUP CPU_SEND CPU_RECV
 * Each loop does the work its ipcscope mechanism does per message, with
 * no harness around it (no verification, no stop checks):
 * splice:    the sender copies the message into a page ring of its own and
 *            vmsplices it into a pipe; the receiver reads it out. A ring
 *            buffer comes round again only after a pipe's worth of later
 *            pages went in, so the pipe has let go of it.
 * cma:       a 16-byte note (address, length) through a pipe, then
 *            process_vm_readv; throughput waits for an ack per message, a
 *            round trip's echo goes out of a copy the receiver keeps.
 * tcp-zc:    loopback TCP, SO_ZEROCOPY, each send(MSG_ZEROCOPY) waiting
 *            for its completions on the error queue.
 * uring-msg: 8 bytes per IORING_OP_MSG_RING into the peer's ring, a credit
 *            back every 16 messages, 64 in flight.
 * uring:     a unix socketpair; the sender copies into 8 slots and submits
 *            8 linked SENDs with one io_uring_submit_and_wait; RECVs with
 *            MSG_WAITALL; a round trip submits its send with its receive.
 * eventfd:   (rtt only) a ping-pong over two eventfds, each side in one
 *            blocking read: the loop ipcscope's eventfd latency is held to.
 * signalfd:  (rtt only) queued real-time signals, each side in one blocking
 *            read of its signalfd.
 */

struct shared {
	uint64_t t0, t1, mean_ns, p50_ns, p99_ns;
	volatile pid_t pid[2];   /* sender, receiver */
};

struct note {
	uint64_t addr, len;
};

static int fwd[2], back[2], sv[2];   /* pipes; sockets */
static int efd[2];                   /* eventfd: ping, echo */
static struct io_uring mring[2];     /* uring-msg: sender's, receiver's */
static size_t page;

static void write_all(int fd, const void *b, size_t len)
{
	const char *p = b;

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

static void read_all(int fd, void *b, size_t len)
{
	char *p = b;

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

/* ---- one message each way, per kind; role 0 sender, 1 receiver ---- */

struct side {
	int role;
	uint64_t size;
	pid_t peer;
	unsigned char *ring;        /* splice: page ring; uring: slots; cma: echo copy */
	size_t nring, stride, next;
	struct io_uring u;          /* uring: this side's */
	unsigned queued;
	struct io_uring_sqe *last;  /* uring: the last queued SEND */
	uint32_t zc_issued, zc_done;
	uint64_t sent, credited, uncredited;
	int sfd;                    /* signalfd: this side's */
};

#define SIG_PING (SIGRTMIN + 1)
#define SIG_ECHO (SIGRTMIN + 2)

static void splice_send(struct side *s, const void *buf)
{
	unsigned char *m = s->ring + (s->next++ % s->nring) * s->stride;
	struct iovec iov = { m, s->size };
	int fd = s->role ? back[1] : fwd[1];

	memcpy(m, buf, s->size);
	while (iov.iov_len) {
		ssize_t n = vmsplice(fd, &iov, 1, 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			ref_die("vmsplice");
		}
		iov.iov_base = (char *)iov.iov_base + n;
		iov.iov_len -= (size_t)n;
	}
}

static void cma_pull(struct side *s, const struct note *n, void *buf)
{
	size_t done = 0;

	while (done < n->len) {
		struct iovec l = { (char *)buf + done, n->len - done };
		struct iovec r = { (void *)(uintptr_t)(n->addr + done), n->len - done };
		ssize_t k = process_vm_readv(s->peer, &l, 1, &r, 1, 0);
		if (k <= 0)
			ref_die("process_vm_readv");
		done += (size_t)k;
	}
}

static void zc_settle(struct side *s, int fd)
{
	while (s->zc_done != s->zc_issued) {
		char control[128];
		struct msghdr msg = { .msg_control = control, .msg_controllen = sizeof(control) };
		struct pollfd pfd = { .fd = fd, .events = 0 };
		struct cmsghdr *cm;

		if (recvmsg(fd, &msg, MSG_ERRQUEUE | MSG_DONTWAIT) < 0) {
			if (errno != EAGAIN && errno != EINTR)
				ref_die("recvmsg errqueue");
			if (poll(&pfd, 1, -1) < 0 && errno != EINTR)
				ref_die("poll");
			continue;
		}
		for (cm = CMSG_FIRSTHDR(&msg); cm; cm = CMSG_NXTHDR(&msg, cm)) {
			struct sock_extended_err ee;

			memcpy(&ee, CMSG_DATA(cm), sizeof(ee));
			if (ee.ee_origin == SO_EE_ORIGIN_ZEROCOPY)
				s->zc_done += ee.ee_data - ee.ee_info + 1;
		}
	}
}

static void zc_send(struct side *s, const void *buf)
{
	int fd = sv[s->role];
	const char *p = buf;
	size_t len = s->size;

	while (len) {
		ssize_t n = send(fd, p, len, MSG_ZEROCOPY);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == ENOBUFS) {
				zc_settle(s, fd);
				continue;
			}
			ref_die("send");
		}
		s->zc_issued++;
		p += n;
		len -= (size_t)n;
	}
	zc_settle(s, fd);
}

static void umsg_post(struct side *s, uint64_t v, unsigned what)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&mring[s->role]);

	if (!sqe)
		ref_die("io_uring_get_sqe");
	io_uring_prep_msg_ring(sqe, mring[!s->role].ring_fd, what, v, 0);
	sqe->flags |= IOSQE_CQE_SKIP_SUCCESS;
	if (io_uring_submit(&mring[s->role]) != 1)
		ref_die("io_uring_submit");
}

static uint64_t umsg_take(struct side *s, unsigned what)
{
	struct io_uring_cqe *cqe;
	uint64_t v;
	int ret;

	while ((ret = io_uring_wait_cqe(&mring[s->role], &cqe)) == -EINTR)
		;
	if (ret < 0 || cqe->res != (int)what) {
		errno = ret < 0 ? -ret : EPROTO;
		ref_die("msg_ring completion");
	}
	v = cqe->user_data;
	io_uring_cqe_seen(&mring[s->role], cqe);
	return v;
}

/* uring_reap: n completions of this side's ring, each a whole message */
static void uring_reap(struct side *s, unsigned n)
{
	struct io_uring_cqe *cqe;

	while (n--) {
		int ret;

		while ((ret = io_uring_wait_cqe(&s->u, &cqe)) == -EINTR)
			;
		if (ret < 0 || cqe->res != (int)s->size) {
			errno = ret < 0 ? -ret : EIO;
			ref_die("uring send/recv");
		}
		io_uring_cqe_seen(&s->u, cqe);
	}
}

static void uring_queue_send(struct side *s, const void *buf)
{
	unsigned char *slot = s->ring + s->queued * s->stride;
	struct io_uring_sqe *sqe = io_uring_get_sqe(&s->u);

	memcpy(slot, buf, s->size);
	io_uring_prep_send(sqe, 0, slot, s->size, MSG_WAITALL);
	sqe->flags |= IOSQE_FIXED_FILE | IOSQE_IO_LINK;
	s->last = sqe;
	s->queued++;
}

static void uring_flush(struct side *s, struct io_uring_sqe *last)
{
	unsigned n = s->queued;

	if (last)
		last->flags &= (unsigned char)~IOSQE_IO_LINK;
	if (io_uring_submit_and_wait(&s->u, n) < 0)
		ref_die("io_uring_submit_and_wait");
	uring_reap(s, n);
	s->queued = 0;
}

/* uring_recv: submits whatever sends are queued with one RECV into buf */
static void uring_recv(struct side *s, void *buf, struct io_uring_sqe *last)
{
	struct io_uring_sqe *sqe;
	unsigned n = s->queued + 1;

	if (last)
		last->flags &= (unsigned char)~IOSQE_IO_LINK;
	sqe = io_uring_get_sqe(&s->u);
	io_uring_prep_recv(sqe, 0, buf, s->size, MSG_WAITALL);
	sqe->flags |= IOSQE_FIXED_FILE;
	if (io_uring_submit_and_wait(&s->u, n) < 0)
		ref_die("io_uring_submit_and_wait");
	uring_reap(s, n);
	s->queued = 0;
}

/* ---- the kinds, as send and receive of one message ---- */

static const char *kind;
static int thr_mode;

static void k_send(struct side *s, const void *buf)
{
	if (!strcmp(kind, "splice")) {
		splice_send(s, buf);
	} else if (!strcmp(kind, "cma")) {
		struct note n = { (uint64_t)(uintptr_t)buf, s->size };

		if (s->role) {   /* the echo goes out of the receiver's own copy */
			memcpy(s->ring, buf, s->size);
			n.addr = (uint64_t)(uintptr_t)s->ring;
		}
		write_all(s->role ? back[1] : fwd[1], &n, sizeof(n));
		if (thr_mode)
			read_all(back[0], &n, sizeof(n));
	} else if (!strcmp(kind, "tcp-zc")) {
		zc_send(s, buf);
	} else if (!strcmp(kind, "uring-msg")) {
		uint64_t v;

		memcpy(&v, buf, sizeof(v));
		if (thr_mode) {
			while (s->sent - s->credited >= 64)
				s->credited += umsg_take(s, 2);
			s->sent++;
		}
		umsg_post(s, v, 1);
	} else if (!strcmp(kind, "eventfd")) {
		uint64_t v;

		memcpy(&v, buf, sizeof(v));
		v = (v & 0xffffffffu) + 1;
		write_all(efd[s->role], &v, sizeof(v));
	} else if (!strcmp(kind, "signalfd")) {
		union sigval sv;

		memcpy(&sv.sival_ptr, buf, sizeof(sv.sival_ptr));
		if (sigqueue(s->peer, s->role ? SIG_ECHO : SIG_PING, sv) < 0)
			ref_die("sigqueue");
	} else {
		uring_queue_send(s, buf);
		if (thr_mode && s->queued == 8)
			uring_flush(s, s->last);
	}
}

static void k_recv(struct side *s, void *buf)
{
	if (!strcmp(kind, "splice")) {
		read_all(s->role ? fwd[0] : back[0], buf, s->size);
	} else if (!strcmp(kind, "cma")) {
		struct note n;

		read_all(s->role ? fwd[0] : back[0], &n, sizeof(n));
		cma_pull(s, &n, buf);
		if (thr_mode)
			write_all(back[1], &(struct note){ 0, 0 }, sizeof(n));
	} else if (!strcmp(kind, "tcp-zc")) {
		read_all(sv[s->role], buf, s->size);
	} else if (!strcmp(kind, "uring-msg")) {
		uint64_t v = umsg_take(s, 1);

		memcpy(buf, &v, sizeof(v));
		if (thr_mode && ++s->uncredited == 16) {
			s->uncredited = 0;
			umsg_post(s, 16, 2);
		}
	} else if (!strcmp(kind, "eventfd")) {
		uint64_t v;

		read_all(efd[!s->role], &v, sizeof(v));
		v--;
		memcpy(buf, &v, sizeof(v));
	} else if (!strcmp(kind, "signalfd")) {
		struct signalfd_siginfo si;

		read_all(s->sfd, &si, sizeof(si));
		memcpy(buf, &si.ssi_ptr, sizeof(si.ssi_ptr));
	} else {
		uring_recv(s, buf, s->queued ? s->last : NULL);
	}
}

/* k_open: what a side makes after fork */
static void k_open(struct side *s)
{
	if (!strcmp(kind, "splice")) {
		long slots = fcntl(fwd[1], F_GETPIPE_SZ) / (long)page;
		size_t pages = (s->size + page - 1) / page;

		s->stride = pages * page;
		s->nring = (size_t)slots / pages + 2;
		s->ring = mmap(NULL, s->stride * s->nring, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (s->ring == MAP_FAILED)
			ref_die("mmap");
	} else if (!strcmp(kind, "cma")) {
		prctl(PR_SET_PTRACER, PR_SET_PTRACER_ANY, 0, 0, 0);
		if (!(s->ring = malloc(s->size)))
			ref_die("malloc");
	} else if (!strcmp(kind, "signalfd")) {
		sigset_t in;

		sigemptyset(&in);
		sigaddset(&in, s->role ? SIG_PING : SIG_ECHO);
		if ((s->sfd = signalfd(-1, &in, 0)) < 0)
			ref_die("signalfd");
	} else if (!strcmp(kind, "uring")) {
		int fd = sv[s->role];

		if (io_uring_queue_init(18, &s->u, 0) < 0 ||
		    io_uring_register_files(&s->u, &fd, 1) < 0)
			ref_die("io_uring_queue_init");
		s->stride = (s->size + 63) / 64 * 64;
		if (!(s->ring = malloc(s->stride * 8)))
			ref_die("malloc");
	}
}

static void k_close(struct side *s)
{
	if (!strcmp(kind, "uring") && s->queued)
		uring_flush(s, s->last);
	if (!strcmp(kind, "cma") && s->role && !thr_mode) {
		struct note n;   /* the sender's last ack: its echo was read */
		read_all(fwd[0], &n, sizeof(n));
	}
	if (!strcmp(kind, "cma") && !s->role && !thr_mode)
		write_all(fwd[1], &(struct note){ 0, 0 }, sizeof(struct note));
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
	for (int i = 0; i < 2; i++)
		if (setsockopt(fd[i], IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) < 0 ||
		    setsockopt(fd[i], SOL_SOCKET, SO_ZEROCOPY, &one, sizeof(one)) < 0)
			ref_die("setsockopt");
}

/* ---- the loops ---- */

static void run_sender(struct side *s, struct shared *sh, unsigned char *buf, uint64_t n,
		       uint64_t warm, int start_fd)
{
	char go;

	for (uint64_t i = 0; i < warm; i++) {
		k_send(s, buf);
		if (!thr_mode)
			k_recv(s, buf);
	}
	if (!strcmp(kind, "uring") && s->queued)
		uring_flush(s, s->last);   /* the warm-up's last batch */
	read_all(start_fd, &go, 1);
	if (thr_mode) {
		sh->t0 = ref_now_ns();
		for (uint64_t i = 0; i < n; i++)
			k_send(s, buf);
	} else {
		uint64_t *rtt = malloc(n * sizeof(*rtt)), sum = 0;

		if (!rtt)
			ref_die("malloc");
		for (uint64_t i = 0; i < n; i++) {
			uint64_t a = ref_now_ns();
			k_send(s, buf);
			k_recv(s, buf);
			rtt[i] = ref_now_ns() - a;
			sum += rtt[i];
		}
		sh->mean_ns = sum / n;
		qsort(rtt, n, sizeof(*rtt), ref_cmp_u64);
		sh->p50_ns = ref_pct(rtt, n, 50);
		sh->p99_ns = ref_pct(rtt, n, 99);
		free(rtt);
	}
	k_close(s);
}

static void run_receiver(struct side *s, struct shared *sh, unsigned char *buf, uint64_t n,
			 uint64_t warm, int start_fd)
{
	for (uint64_t i = 0; i < warm; i++) {
		k_recv(s, buf);
		if (!thr_mode)
			k_send(s, buf);
	}
	write_all(start_fd, "g", 1);
	for (uint64_t i = 0; i < n; i++) {
		k_recv(s, buf);
		if (!thr_mode)
			k_send(s, buf);
	}
	sh->t1 = ref_now_ns();
	k_close(s);
}

int main(int argc, char **argv)
{
	struct shared *sh;
	uint64_t size, n, warm;
	int start[2];
	pid_t ps, pr;
	unsigned char *buf;

	if (argc != 8 || (strcmp(argv[2], "thr") && strcmp(argv[2], "rtt"))) {
		fprintf(stderr, "usage: ref_kernel splice|cma|tcp-zc|uring|uring-msg|eventfd|signalfd "
			"thr|rtt SIZE COUNT WARMUP CPU_SEND CPU_RECV\n");
		return 2;
	}
	kind = argv[1];
	thr_mode = !strcmp(argv[2], "thr");
	size = ref_num(argv[3]);
	n = ref_num(argv[4]);
	warm = ref_num(argv[5]);
	page = (size_t)sysconf(_SC_PAGESIZE);
	buf = malloc(size);
	if (!buf || !n || ((!strcmp(kind, "uring-msg") || !strcmp(kind, "eventfd") ||
			     !strcmp(kind, "signalfd")) && size != 8) ||
	    ((!strcmp(kind, "eventfd") || !strcmp(kind, "signalfd")) && thr_mode))
		return 2;
	memset(buf, 0x5a, size);
	sh = ref_shared(sizeof(*sh));
	if (pipe(start) < 0 || pipe(fwd) < 0 || pipe(back) < 0)
		ref_die("pipe");
	if (!strcmp(kind, "tcp-zc"))
		tcp_pair(sv);
	else if (!strcmp(kind, "uring") && socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
		ref_die("socketpair");
	else if (!strcmp(kind, "uring-msg") &&
		 (io_uring_queue_init(64, &mring[0], 0) < 0 || io_uring_queue_init(64, &mring[1], 0) < 0))
		ref_die("io_uring_queue_init");
	else if (!strcmp(kind, "eventfd") && ((efd[0] = eventfd(0, 0)) < 0 ||
					      (efd[1] = eventfd(0, 0)) < 0))
		ref_die("eventfd");
	else if (!strcmp(kind, "signalfd")) {
		sigset_t both;   /* blocked before fork: the workers inherit it */

		sigemptyset(&both);
		sigaddset(&both, SIG_PING);
		sigaddset(&both, SIG_ECHO);
		if (sigprocmask(SIG_BLOCK, &both, NULL) < 0)
			ref_die("sigprocmask");
	} else if (strcmp(kind, "splice") && strcmp(kind, "cma") && strcmp(kind, "tcp-zc") &&
		   strcmp(kind, "uring") && strcmp(kind, "uring-msg") && strcmp(kind, "eventfd")) {
		fprintf(stderr, "ref: unknown kind '%s'\n", kind);
		return 2;
	}
	if ((pr = fork()) == 0) {
		struct side s = { .role = 1, .size = size };

		ref_worker(atoi(argv[7]));
		while (!sh->pid[0])
			usleep(100);
		s.peer = sh->pid[0];
		k_open(&s);
		run_receiver(&s, sh, buf, n, warm, start[1]);
		_exit(0);
	}
	sh->pid[1] = pr;
	if ((ps = fork()) == 0) {
		struct side s = { .role = 0, .size = size, .peer = pr };

		ref_worker(atoi(argv[6]));
		k_open(&s);
		run_sender(&s, sh, buf, n, warm, start[0]);
		_exit(0);
	}
	if (pr < 0 || ps < 0)
		ref_die("fork");
	sh->pid[0] = ps;
	ref_reap(ps, pr);
	if (thr_mode) {
		double s = (double)(sh->t1 - sh->t0) / 1e9;
		printf("{\"ref\":\"%s\",\"mode\":\"thr\",\"size\":%llu,\"count\":%llu,\"elapsed_s\":%.6f,"
		       "\"msgs_per_s\":%.1f,\"bytes_per_s\":%.1f}\n", kind, (unsigned long long)size,
		       (unsigned long long)n, s, (double)n / s, (double)n * (double)size / s);
	} else {
		printf("{\"ref\":\"%s\",\"mode\":\"rtt\",\"size\":%llu,\"count\":%llu,\"rtt_mean_ns\":%llu,"
		       "\"rtt_p50_ns\":%llu,\"rtt_p99_ns\":%llu}\n", kind, (unsigned long long)size,
		       (unsigned long long)n, (unsigned long long)sh->mean_ns,
		       (unsigned long long)sh->p50_ns, (unsigned long long)sh->p99_ns);
	}
	return 0;
}
