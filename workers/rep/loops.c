/* loops.c -- the timed loops of a worker: a one-way stream, or a ping-pong
   timing every round trip */
#include "rep/loops.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "params/params.h"
#include "stats/stats.h"

/* A sender of a count looks for a stop request every COUNT_CHECK_EVERY
   messages; a sender of a duration reads the clock every batch of
   messages, the batch doubled while a batch takes under CHECK_FAST_NS (up
   to CHECK_BATCH_MAX) and halved while it takes over CHECK_SLOW_NS, so the
   clock is read about every 0.2-2 ms whatever the message size. */
#define COUNT_CHECK_EVERY 1024
#define CHECK_FAST_NS 200000ull
#define CHECK_SLOW_NS 2000000ull
#define CHECK_BATCH_MAX 4096
#define LAT_SAMPLES_FIRST 4096   /* round-trip samples kept at first, doubled when full */

/* --- throughput: a one-way stream ------------------------------------ */

int loop_stream_send(struct worker *w)
{
	struct ctl *c = w->ctl;
	struct mech *m = &w->m;     /* invariants in locals, as in loop_stream_recv */
	int (*send)(struct mech *, const void *, size_t) = m->ops->send;   /* hoisted out of the hot loop */
	/* SEND_BUFS buffers, each sequence number written SEND_AHEAD messages
	   ahead (worker.h); or the two patterns, each written as it goes */
	unsigned char *const *bufs = w->send_buf[0] ? w->send_buf : w->pat;
	const uint64_t mask = w->send_buf[0] ? SEND_BUFS - 1 : NPATTERNS - 1;
	const uint64_t ahead = w->send_buf[0] ? SEND_AHEAD : 0;
	const size_t size = m->msg_size;
	uint64_t seq = 0, batch = 1, next_check, t0 = 0, deadline = 0, t_check;
	uint64_t total = w->count ? w->warmup + w->count : UINT64_MAX;
	struct usage_mark ru;
	int rc;

	for (; seq < w->warmup; seq++) {
		put_seq(w->pat[seq & 1], size, seq);
		if ((rc = mech_send(&w->m, w->pat[seq & 1], size)) < 0)
			return side_fail(w, ERR_SEND_FAILED, "send", rc);
	}
	side_broker_mark(w, 0);
	side_usage_snapshot(w, &ru);
	t0 = t_check = now_ns();
	if (!w->count)
		deadline = t0 + (uint64_t)(w->spec->params->duration * 1e9);
	else
		batch = COUNT_CHECK_EVERY;   /* only stop requests to look for: rarely */
	next_check = seq + batch;
	for (uint64_t k = 0; k < ahead; k++)
		put_seq(bufs[(seq + k) & mask], size, seq + k);
	for (; seq < total; seq++) {
		unsigned char *msg = bufs[seq & mask];

		if (seq == next_check) {
			if (atomic_load_explicit(&c->stop, memory_order_relaxed))
				break;
			if (deadline) {
				/* read the clock about every 0.2-2 ms, whatever the
				   message size, so the rep ends close to its duration */
				uint64_t t = now_ns();
				if (t >= deadline) {
					/* the receiver stops after the next message */
					total = seq + 1;
					atomic_store(&c->total, total);
				} else if (t - t_check < CHECK_FAST_NS && batch < CHECK_BATCH_MAX) {
					batch *= 2;
				} else if (t - t_check > CHECK_SLOW_NS && batch > 1) {
					batch /= 2;
				}
				t_check = t;
			}
			next_check = seq + batch;
		}
		if (!ahead)
			put_seq(msg, size, seq);
		if (__builtin_expect((rc = send(m, msg, size)) < 0, 0))
			return side_fail(w, ERR_SEND_FAILED, "send", rc);
		if (ahead)
			put_seq(bufs[(seq + ahead) & mask], size, seq + ahead);
	}
	c->out[ROLE_SENDER].t_start_ns = t0;
	side_usage_finish(w, &ru, t0, now_ns());
	atomic_store(&c->sender_done, 1);
	return 0;
}

/* account_gap: a message that is not the next one expected (payload.h) */
static void account_gap(struct worker_out *o, uint64_t seq, uint64_t *expected,
			uint64_t mask)
{
	payload_gap(seq, expected, mask, &o->lost, &o->duplicated, &o->reordered);
}

int loop_stream_recv(struct worker *w)
{
	struct ctl *c = w->ctl;
	struct worker_out *o = &c->out[ROLE_RECEIVER];
	/* the loop's invariants in locals: the indirect call would otherwise
	   make the compiler reload each of them for every message */
	struct mech *m = &w->m;
	int (*recv)(struct mech *, void *, size_t) = m->ops->recv;   /* hoisted out of the hot loop */
	unsigned char *rbuf = w->rbuf;
	const size_t size = m->msg_size;
	const uint64_t mask = seq_mask(size), warmup = w->warmup;
	const int verify = w->spec->params->verify;
	uint64_t got = 0, expected = 0, t0 = 0;
	struct usage_mark ru;
	int rc;

	for (;;) {
		uint64_t total = atomic_load_explicit(&c->total, memory_order_acquire);
		uint64_t seq;

		if (got >= total)
			break;
		if (got == warmup) {
			side_usage_snapshot(w, &ru);
			t0 = now_ns();
		}
		rc = recv(m, rbuf, size);
		if (__builtin_expect(rc < 0, 0)) {
			if (rc == -EPIPE && w->spec->link)
				break;     /* the driver closed: all it sent is in */
			if (rc != -ETIMEDOUT)
				return side_fail(w, rc == -EPIPE ? ERR_PEER_GONE : ERR_RECV_FAILED,
						   "recv", rc);
			o->errors++;
			if (atomic_load(&c->stop))
				break;
			if (m->ops->lossy && atomic_load(&c->sender_done)) {
				/* everything was sent: what did not come is lost */
				total = atomic_load(&c->total);
				if (total != UINT64_MAX && total > expected)
					o->lost += total - expected;
				break;
			}
			continue;
		}
		seq = get_seq(rbuf, size);
		if (__builtin_expect(seq == (expected & mask), 1))
			expected++;
		else
			account_gap(o, seq, &expected, mask);
		if (verify && !payload_ok(w, rbuf, seq))
			o->corrupted++;
		if ((++got & (PROGRESS_EVERY - 1)) == 0)
			atomic_store_explicit(&c->progress, got, memory_order_relaxed);
	}
	o->t_end_ns = now_ns();
	side_broker_mark(w, 1);
	o->received = got;
	o->t_start_ns = t0 ? t0 : o->t_end_ns;  /* across hosts, the only clock */
	if (!t0) {
		side_usage_snapshot(w, &ru);
		t0 = o->t_end_ns;
	}
	side_usage_finish(w, &ru, t0, o->t_end_ns);
	atomic_store(&c->progress, got);
	return 0;
}

/* --- latency: ping-pong, every round trip timed ----------------------- */

static int lat_grow(uint64_t **v, size_t *cap, size_t need)
{
	uint64_t *n;
	size_t ncap = *cap ? *cap : LAT_SAMPLES_FIRST;

	while (ncap < need)
		ncap *= 2;
	if (ncap == *cap)
		return 0;
	n = realloc(*v, ncap * sizeof(**v));
	if (!n)
		return -1;
	*v = n;
	*cap = ncap;
	return 0;
}

/* ping: one round trip for seq; 1 done, 0 lost (timed out), -1 failed */
static int ping(struct worker *w, struct worker_out *o, uint64_t seq)
{
	size_t size = w->m.msg_size;
	uint64_t mask = seq_mask(size);
	int rc;

	put_seq(w->pat[seq & 1], size, seq);
	if ((rc = mech_send(&w->m, w->pat[seq & 1], size)) < 0)
		return side_fail(w, ERR_SEND_FAILED, "send", rc);
	for (;;) {
		rc = mech_recv(&w->m, w->rbuf, size);
		if (rc == -ETIMEDOUT) {
			o->errors++;
			if (atomic_load(&w->ctl->stop))
				return -1;
			if (!w->m.ops->lossy)
				continue;      /* slow, not lost: keep waiting */
			o->lost++;
			return 0;
		}
		if (rc < 0)
			return side_fail(w, rc == -EPIPE ? ERR_PEER_GONE : ERR_RECV_FAILED, "recv", rc);
		if (get_seq(w->rbuf, size) == (seq & mask))
			break;
		o->duplicated++;               /* a late echo of an earlier ping */
	}
	if (w->spec->params->verify && !payload_ok(w, w->rbuf, seq))
		o->corrupted++;
	return 1;
}

int loop_latency_send(struct worker *w)
{
	struct ctl *c = w->ctl;
	struct worker_out *o = &c->out[ROLE_SENDER];
	uint64_t *rtt = NULL, seq, t0, deadline = 0, t;
	size_t n = 0, cap = 0;
	struct usage_mark ru;
	int rc = 0;

	for (seq = 0; seq < w->warmup; seq++)
		if (ping(w, o, seq) < 0)
			goto out;
	o->lost = o->duplicated = o->errors = 0;
	if (lat_grow(&rtt, &cap, w->count ? w->count : 65536) < 0) {
		rc = side_fail(w, ERR_NO_MEMORY, "allocating round-trip times", -ENOMEM);
		goto out;
	}
	side_broker_mark(w, 0);
	side_usage_snapshot(w, &ru);
	t0 = now_ns();
	if (!w->count)
		deadline = t0 + (uint64_t)(w->spec->params->duration * 1e9);
	for (t = t0;; seq++) {
		uint64_t t1;
		int r;

		if (w->count ? n + o->lost >= w->count : t >= deadline)
			break;
		if (n == cap && lat_grow(&rtt, &cap, n + 1) < 0) {
			rc = side_fail(w, ERR_NO_MEMORY, "allocating round-trip times", -ENOMEM);
			goto out;
		}
		r = ping(w, o, seq);
		t1 = now_ns();
		if (r < 0) {
			rc = -1;
			goto out;
		}
		if (r)
			rtt[n++] = t1 - t;
		t = t1;
		if ((n & (PROGRESS_EVERY - 1)) == 0)
			atomic_store_explicit(&c->progress, n, memory_order_relaxed);
	}
	o->t_start_ns = t0;
	o->t_end_ns = t;
	o->received = n;
	side_usage_finish(w, &ru, t0, t);
	side_broker_mark(w, 1);
	if (!w->count) {
		/* the echo side cannot know the last ping: send one more that it
		   recognises by count, and do not time it */
		uint64_t lost = o->lost, dup = o->duplicated;
		atomic_store(&c->total, seq + 1);
		if (ping(w, o, seq) < 0) {
			rc = -1;
			goto out;
		}
		o->lost = lost;
		o->duplicated = dup;
	}
	if (n) {
		stats_latency(rtt, n, 2.0, &o->lat);
		stats_latency(rtt, n, 1.0, &o->rtt);  /* already sorted: cheap */
		stats_histogram(rtt, n, 2.0, &o->hist);
	}
out:
	free(rtt);
	atomic_store(&c->sender_done, 1);
	return rc;
}

int loop_latency_echo(struct worker *w)
{
	struct ctl *c = w->ctl;
	struct worker_out *o = &c->out[ROLE_RECEIVER];
	size_t size = w->m.msg_size;
	uint64_t got = 0, t0 = 0;
	struct usage_mark ru;
	int rc;

	side_usage_snapshot(w, &ru);
	for (;;) {
		if (got == w->warmup)
			t0 = now_ns(), side_usage_snapshot(w, &ru);
		rc = mech_recv(&w->m, w->rbuf, size);
		if (rc == -ETIMEDOUT) {
			if (atomic_load(&c->stop) || atomic_load(&c->sender_done))
				break;
			continue;
		}
		if (rc == -EPIPE && (atomic_load(&c->sender_done) || w->spec->link))
			break;
		if (rc < 0)
			return side_fail(w, rc == -EPIPE ? ERR_PEER_GONE : ERR_RECV_FAILED, "recv", rc);
		if (w->spec->params->verify && !payload_ok(w, w->rbuf, get_seq(w->rbuf, size)))
			o->corrupted++;
		if ((rc = mech_send(&w->m, w->rbuf, size)) < 0)
			return side_fail(w, ERR_SEND_FAILED, "send", rc);
		got++;
		if (got >= atomic_load_explicit(&c->total, memory_order_acquire))
			break;
	}
	o->received = got;
	o->t_end_ns = now_ns();
	side_usage_finish(w, &ru, t0 ? t0 : o->t_end_ns, o->t_end_ns);
	return 0;
}

