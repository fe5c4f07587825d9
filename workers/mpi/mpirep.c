/* mpirep.c -- one rep between MPI ranks 0 (sender, times everything) and 1 (receiver) */
#include "mpi/mpirep.h"

#include <mpi.h>

#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "rep/payload.h"
#include "stats/stats.h"
#include "base/error.h"

enum { TAG_DATA = 1, TAG_LAST, TAG_STOP, TAG_ACK, TAG_REPORT };

#define WINDOW_MAX 64                  /* messages in flight, as osu_bw */
#define WINDOW_BYTES ((size_t)64 << 20) /* send buffers of one window */
#define RTT_CAP_FIRST 65536

/* What rank 1 tells rank 0 at the end of a rep. */
struct rank_report {
	uint64_t received, lost, duplicated, reordered, corrupted;
	struct worker_usage use;
};

/* One rank's state for a rep. */
struct side {
	const struct mpi_job *j;
	size_t size;
	uint64_t mask;
	int window, nbuf;              /* in flight; buffers (even: parity kept) */
	unsigned char **buf;           /* buffer b carries pattern b & 1 */
	unsigned char *rbuf;
	MPI_Request *req;
	MPI_Status *st;
	struct rank_report rep;
	uint64_t expected;
};

struct mark {
	struct rusage ru;
	uint64_t cpu_ns, wall_ns;
};

static uint64_t ns(clockid_t c)
{
	struct timespec ts;

	clock_gettime(c, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void mark(struct mark *m)
{
	getrusage(RUSAGE_SELF, &m->ru);
	m->cpu_ns = ns(CLOCK_PROCESS_CPUTIME_ID);
	m->wall_ns = ns(CLOCK_MONOTONIC);
}

static double tv_s(struct timeval a, struct timeval b)
{
	return (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_usec - a.tv_usec) / 1e6;
}

/* usage_since: this rank's CPU use since a */
static void usage_since(const struct mark *a, struct worker_usage *u)
{
	struct mark b;
	double wall;

	mark(&b);
	wall = (double)(b.wall_ns - a->wall_ns) / 1e9;
	u->user_s = tv_s(a->ru.ru_utime, b.ru.ru_utime);
	u->sys_s = tv_s(a->ru.ru_stime, b.ru.ru_stime);
	u->util_pct = wall > 0 ? 100.0 * (double)(b.cpu_ns - a->cpu_ns) / 1e9 / wall : 0;
	u->vol_cs = b.ru.ru_nvcsw - a->ru.ru_nvcsw;
	u->invol_cs = b.ru.ru_nivcsw - a->ru.ru_nivcsw;
	u->cpu = sched_getcpu();
}

static void pin(int cpu)
{
	cpu_set_t set;

	if (cpu < 0)
		return;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

static void side_free(struct side *s)
{
	for (int b = 0; s->buf && b < s->nbuf; b++)
		free(s->buf[b]);
	free(s->buf);
	free(s->rbuf);
	free(s->req);
	free(s->st);
}

static int side_init(struct side *s, const struct mpi_job *j)
{
	size_t w = WINDOW_BYTES / j->size;

	memset(s, 0, sizeof(*s));
	s->j = j;
	s->size = j->size;
	s->mask = seq_mask(j->size);
	s->window = j->mode == MODE_LATENCY ? 1 : (int)(w < 1 ? 1 : w > WINDOW_MAX ? WINDOW_MAX : w);
	s->nbuf = s->window % 2 ? 2 * s->window : s->window;
	s->buf = calloc((size_t)s->nbuf, sizeof(*s->buf));
	s->req = calloc((size_t)s->window, sizeof(*s->req));
	s->st = calloc((size_t)s->window, sizeof(*s->st));
	s->rbuf = malloc(j->size * (size_t)s->window);
	if (!s->buf || !s->req || !s->st || !s->rbuf)
		return -1;
	for (int b = 0; b < s->nbuf; b++) {
		if (!(s->buf[b] = malloc(j->size)))
			return -1;
		payload_fill(s->buf[b], j->size, b & 1);
	}
	return 0;
}

/* check: one received message against the sequence and the pattern */
static void check(struct side *s, const unsigned char *msg)
{
	uint64_t seq = get_seq(msg, s->size);

	s->rep.received++;
	if (seq == (s->expected & s->mask))
		s->expected++;
	else
		payload_gap(seq, &s->expected, s->mask, &s->rep.lost, &s->rep.duplicated,
			    &s->rep.reordered);
	if (s->j->verify && s->size > 8 &&
	    memcmp(msg + 8, s->buf[seq & 1] + 8, s->size - 8) != 0)
		s->rep.corrupted++;
}

/* --- latency: MPI_Send/MPI_Recv ping-pong ---------------------------------- */

static void ping(struct side *s, uint64_t seq)
{
	unsigned char *b = s->buf[seq & 1];

	put_seq(b, s->size, seq);
	MPI_Send(b, (int)s->size, MPI_BYTE, 1, TAG_DATA, MPI_COMM_WORLD);
	MPI_Recv(s->rbuf, (int)s->size, MPI_BYTE, 1, TAG_DATA, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
	s->expected = seq;
	check(s, s->rbuf);
}

static int lat_send(struct side *s, struct rep_result *out)
{
	const struct mpi_job *j = s->j;
	uint64_t seq = 0, n = 0, cap = j->count ? j->count : RTT_CAP_FIRST, *rtt, t0, t, end;
	struct mark a;

	if (!(rtt = malloc(cap * sizeof(*rtt))))
		return -1;
	for (; seq < j->warmup; seq++)
		ping(s, seq);
	memset(&s->rep, 0, sizeof(s->rep));
	mark(&a);
	t0 = t = a.wall_ns;
	end = t0 + (uint64_t)(j->duration * 1e9);
	while (j->count ? n < j->count : t < end) {
		uint64_t t1;

		if (n == cap) {
			uint64_t *g = realloc(rtt, 2 * cap * sizeof(*rtt));
			if (!g)
				break;
			rtt = g;
			cap *= 2;
		}
		ping(s, seq++);
		t1 = ns(CLOCK_MONOTONIC);
		rtt[n++] = t1 - t;
		t = t1;
	}
	usage_since(&a, &out->sender);
	out->count = n;
	out->elapsed_s = (double)(t - t0) / 1e9;
	out->has_latency = n > 0;
	if (n) {
		stats_latency(rtt, n, 2.0, &out->lat);
		stats_latency(rtt, n, 1.0, &out->rtt);
		stats_histogram(rtt, n, 2.0, &out->hist);
	}
	free(rtt);
	MPI_Send(NULL, 0, MPI_BYTE, 1, TAG_STOP, MPI_COMM_WORLD);
	return 0;
}

static void lat_echo(struct side *s)
{
	MPI_Status st;
	struct mark a;

	mark(&a);
	for (;;) {
		MPI_Recv(s->rbuf, (int)s->size, MPI_BYTE, 0, MPI_ANY_TAG, MPI_COMM_WORLD, &st);
		if (st.MPI_TAG == TAG_STOP)
			break;
		s->expected = get_seq(s->rbuf, s->size);
		check(s, s->rbuf);
		MPI_Send(s->rbuf, (int)s->size, MPI_BYTE, 0, TAG_DATA, MPI_COMM_WORLD);
	}
	usage_since(&a, &s->rep.use);
}

/* --- throughput: windows of MPI_Isend/MPI_Irecv, one ack each, as osu_bw -- */

/* send_window: n messages from seq on, all tagged tag, then the ack */
static void send_window(struct side *s, uint64_t *seq, int n, int tag)
{
	for (int i = 0; i < n; i++, (*seq)++) {
		unsigned char *b = s->buf[*seq % (uint64_t)s->nbuf];

		put_seq(b, s->size, *seq);
		MPI_Isend(b, (int)s->size, MPI_BYTE, 1, tag, MPI_COMM_WORLD, &s->req[i]);
	}
	MPI_Waitall(n, s->req, MPI_STATUSES_IGNORE);
	MPI_Recv(NULL, 0, MPI_BYTE, 1, TAG_ACK, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
}

/* recv_window: n messages, checked, then the ack; 1 when they were the last */
static int recv_window(struct side *s, int n)
{
	int last = 0;

	for (int i = 0; i < n; i++)
		MPI_Irecv(s->rbuf + (size_t)i * s->size, (int)s->size, MPI_BYTE, 0, MPI_ANY_TAG,
			  MPI_COMM_WORLD, &s->req[i]);
	MPI_Waitall(n, s->req, s->st);
	for (int i = 0; i < n; i++) {
		check(s, s->rbuf + (size_t)i * s->size);
		last |= s->st[i].MPI_TAG == TAG_LAST;
	}
	MPI_Send(NULL, 0, MPI_BYTE, 0, TAG_ACK, MPI_COMM_WORLD);
	return last;
}

/* window_n: messages in the next window when left remain (0: no count) */
static int window_n(const struct side *s, uint64_t left, int counted)
{
	return counted && left < (uint64_t)s->window ? (int)left : s->window;
}

static void bw_send(struct side *s, struct rep_result *out)
{
	const struct mpi_job *j = s->j;
	uint64_t seq = 0, t0, end;
	struct mark a;
	int last = 0;

	while (seq < j->warmup)
		send_window(s, &seq, window_n(s, j->warmup - seq, 1), TAG_DATA);
	mark(&a);
	t0 = a.wall_ns;
	end = t0 + (uint64_t)(j->duration * 1e9);
	while (!last) {
		int n = window_n(s, j->warmup + j->count - seq, j->count > 0);

		last = j->count ? seq + (uint64_t)n >= j->warmup + j->count :
				  ns(CLOCK_MONOTONIC) >= end;
		send_window(s, &seq, n, last ? TAG_LAST : TAG_DATA);
	}
	usage_since(&a, &out->sender);
	out->elapsed_s = (double)(ns(CLOCK_MONOTONIC) - t0) / 1e9;
	out->count = seq - j->warmup;
}

static void bw_recv(struct side *s)
{
	const struct mpi_job *j = s->j;
	uint64_t got = 0;
	struct mark a;

	while (got < j->warmup) {
		int n = window_n(s, j->warmup - got, 1);
		recv_window(s, n);
		got += (uint64_t)n;
	}
	mark(&a);
	for (;;) {
		int n = window_n(s, j->warmup + j->count - got, j->count > 0);
		got += (uint64_t)n;
		if (recv_window(s, n))
			break;
	}
	usage_since(&a, &s->rep.use);
}

/* --- the rep --------------------------------------------------------------- */

/* one_node: 1 when both ranks share one node's memory (Open MPI can take
   its shared-memory path), 0 when they are on two hosts */
static int one_node(void)
{
	MPI_Comm node;
	int n = 0;

	if (MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL,
				&node) != MPI_SUCCESS)
		return -1;
	MPI_Comm_size(node, &n);
	MPI_Comm_free(&node);
	return n == 2;
}

static void finish(const struct side *s, const struct rank_report *r, struct rep_result *out)
{
	const struct mpi_job *j = s->j;

	out->size = j->size;
	if (out->elapsed_s > 0) {
		out->msgs_per_s = (double)out->count / out->elapsed_s;
		out->bytes_per_s = out->msgs_per_s * (double)j->size;
	}
	out->receiver = r->use;
	out->lost = r->lost + s->rep.lost;
	out->duplicated = r->duplicated + s->rep.duplicated;
	out->reordered = r->reordered + s->rep.reordered;
	out->corrupted = r->corrupted + s->rep.corrupted;
	out->verified = j->verify && !out->lost && !out->duplicated && !out->reordered &&
			!out->corrupted;
	out->granted[0].key = MPIJOB_ONE_NODE;
	out->ngranted = 1;
}

int mpirep_run(const struct mpi_job *j, int rank, struct rep_result *out, char *err,
	       size_t errlen)
{
	struct side s;
	struct rank_report r;
	int node;

	memset(out, 0, sizeof(*out));
	memset(&s, 0, sizeof(s));
	if (j->size < 1 || j->size > MECH_SIZE_MAX_DEFAULT || side_init(&s, j) < 0) {
		error_set(err, errlen, "cannot allocate buffers for %llu-byte messages",
			  (unsigned long long)j->size);
		side_free(&s);
		return -1;
	}
	pin(j->cpu[rank == 0 ? 0 : 1]);
	node = one_node();             /* collective, so both ask here */
	MPI_Barrier(MPI_COMM_WORLD);   /* both ranks ready: go */
	if (rank != 0) {
		if (j->mode == MODE_LATENCY)
			lat_echo(&s);
		else
			bw_recv(&s);
		MPI_Send(&s.rep, sizeof(s.rep), MPI_BYTE, 0, TAG_REPORT, MPI_COMM_WORLD);
		side_free(&s);
		return 0;
	}
	if (j->mode == MODE_LATENCY)
		lat_send(&s, out);
	else
		bw_send(&s, out);
	MPI_Recv(&r, sizeof(r), MPI_BYTE, 1, TAG_REPORT, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
	finish(&s, &r, out);
	out->granted[0].value = node;
	side_free(&s);
	return 0;
}
