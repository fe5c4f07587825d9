/* framing.c -- the framing demo's experiment: many small writes over loopback
   TCP, the reads they arrive in, a parser that takes one read for one
   message, and newline and length-prefix framing that restore them

   What the page shows: grouped bars of counts (writes, reads, merged
   reads, split messages, what the naive parser counted, what framing
   verified). The headline quotes the writes and reads bars; the
   supporting sentences the naive parser's and framing's bars. */
#include "demos/cores.h"
#include "demos/demo.h"
#include "demos/exp_demo.h"

#include <stddef.h>

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/human.h"
#include "base/error.h"

#define FR_READ_BUF 4096         /* the reader's buffer, as a typical program's */
#define FR_MSG_MAX 96
#define FR_FILLER_SPAN 40        /* messages carry 0..39 filler bytes */
#define FR_HDR 4                 /* length prefix: 32-bit big-endian */
#define FR_EXPECT_WRITES_S 200000.0

const char *const framing_kind_names[FR_NKINDS] = {
	"newline framing", "length-prefix framing",
};

struct fr_ctx {
	int sv[2];
	enum framing_kind kind;
	uint64_t count;
};

/* make_msg: message seq as written on the wire, framing included; its length */
static size_t make_msg(enum framing_kind k, uint64_t seq, unsigned char *m)
{
	size_t fill = (size_t)(seq * 7 % FR_FILLER_SPAN), n;

	if (k == FR_NEWLINE) {
		n = (size_t)snprintf((char *)m, FR_MSG_MAX, "m %llu ", (unsigned long long)seq);
		for (size_t i = 0; i < fill; i++)
			m[n++] = (unsigned char)('a' + (seq + i) % 26);
		m[n++] = '\n';
		return n;
	}
	n = FR_HDR;
	memcpy(m + n, &seq, sizeof(seq));
	n += sizeof(seq);
	for (size_t i = 0; i < fill; i++)
		m[n++] = (unsigned char)(seq + i);          /* any byte, '\n' too */
	uint32_t be = htonl((uint32_t)(n - FR_HDR));
	memcpy(m, &be, FR_HDR);
	return n;
}

static int writer(void *arg, int idx)
{
	struct fr_ctx *c = arg;
	unsigned char m[FR_MSG_MAX];

	(void)idx;
	close(c->sv[1]);
	for (uint64_t seq = 0; seq < c->count; seq++) {
		size_t n = make_msg(c->kind, seq, m), off = 0;
		while (off < n) {
			ssize_t w = write(c->sv[0], m + off, n - off);
			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0)
				return 1;
			off += (size_t)w;
		}
	}
	close(c->sv[0]);
	return 0;
}

/* frame_len: length of the whole message at the start of buf (have bytes),
   or 0 when it is not all there yet */
static size_t frame_len(enum framing_kind k, const unsigned char *buf, size_t have)
{
	if (k == FR_NEWLINE) {
		const unsigned char *nl = memchr(buf, '\n', have);
		return nl ? (size_t)(nl - buf) + 1 : 0;
	}
	if (have < FR_HDR)
		return 0;
	uint32_t be;
	memcpy(&be, buf, FR_HDR);
	return have >= FR_HDR + (size_t)ntohl(be) ? FR_HDR + (size_t)ntohl(be) : 0;
}

/* The reader's state: bytes of a message not yet complete, and the tallies. */
struct fr_reader {
	enum framing_kind kind;
	unsigned char acc[FR_READ_BUF + FR_MSG_MAX];
	size_t have;
	uint64_t next;           /* the sequence number expected next */
	struct framing_outcome *out;
};

/* take_read: one read's bytes through the framing parser and the naive one */
static int take_read(struct fr_reader *rd, const unsigned char *buf, size_t n)
{
	size_t carry = rd->have, off = 0, len;
	int whole = 0;

	memcpy(rd->acc + rd->have, buf, n);
	rd->have += n;
	rd->out->reads++;
	while ((len = frame_len(rd->kind, rd->acc + off, rd->have - off)) > 0) {
		unsigned char want[FR_MSG_MAX];
		size_t wl = make_msg(rd->kind, rd->next, want);
		rd->out->framed_count++;
		rd->out->framed_verified += wl == len && !memcmp(want, rd->acc + off, len);
		rd->out->split_msgs += whole == 0 && carry > 0;
		rd->next++;
		whole++;
		off += len;
	}
	memmove(rd->acc, rd->acc + off, rd->have - off);
	rd->have -= off;
	if (whole + (rd->have > 0) > 1 || (carry > 0 && whole > 0 && rd->have > 0))
		rd->out->merged_reads++;
	rd->out->naive_intact += whole == 1 && carry == 0 && rd->have == 0;
	return rd->have <= FR_MSG_MAX ? 0 : -1;
}

static int read_all(struct fr_ctx *c, struct fr_reader *rd, struct exp_out *o,
		    char *err, size_t errlen)
{
	unsigned char buf[FR_READ_BUF];
	double next = exp_now() + EXP_PROGRESS_S;
	ssize_t got;

	/* the reader is this process: a stop that lands between two reads
	   (no EINTR to see) must end the loop too */
	while (!exp_stopped() && (got = read(c->sv[1], buf, sizeof(buf))) != 0) {
		if (got < 0 && errno == EINTR && !exp_stopped())
			continue;
		if (got < 0 && errno == EINTR) {
			error_set(err, errlen, "interrupted");
			return -1;
		}
		if (got < 0 || take_read(rd, buf, (size_t)got) < 0) {
			error_set(err, errlen, got < 0 ? "reading the stream failed: %s" :
				  "the stream lost its framing%s", got < 0 ? strerror(errno) : "");
			return -1;
		}
		if (exp_now() >= next) {
			exp_progress(o, (double)rd->out->framed_count / (double)c->count);
			next += EXP_PROGRESS_S;
		}
	}
	if (exp_stopped()) {
		error_set(err, errlen, "interrupted");
		return -1;
	}
	return 0;
}

static void emit_outcome(struct exp_out *o, enum framing_kind k, const struct framing_outcome *f)
{
	cJSON *l = exp_point_new(o, framing_kind_names[k], NULL, k);

	cJSON_AddNumberToObject(l, "writes", (double)f->writes);
	cJSON_AddNumberToObject(l, "reads", (double)f->reads);
	cJSON_AddNumberToObject(l, "merged_reads", (double)f->merged_reads);
	cJSON_AddNumberToObject(l, "split_messages", (double)f->split_msgs);
	cJSON_AddNumberToObject(l, "naive_count", (double)f->naive_count);
	cJSON_AddNumberToObject(l, "naive_intact", (double)f->naive_intact);
	cJSON_AddNumberToObject(l, "framed_count", (double)f->framed_count);
	cJSON_AddNumberToObject(l, "framed_verified", (double)f->framed_verified);
	cJSON_AddNumberToObject(l, "elapsed_s", f->elapsed_s);
	exp_emit(o, l);
}

static int run_kind(const struct framing_params *p, enum framing_kind k,
		    struct framing_outcome *out, struct exp_out *o, char *err, size_t errlen)
{
	struct fr_ctx c = { .kind = k, .count = p->count };
	struct fr_reader *rd = calloc(1, sizeof(*rd));
	pid_t pid = -1;
	double t0 = exp_now();
	int rc = -1;

	if (!rd || exp_tcp_pair(c.sv, err, errlen) < 0)
		goto out;
	rd->kind = k;
	rd->out = out;
	if ((pid = exp_fork(writer, &c, 0, 0, err, errlen)) < 0)
		goto out;
	close(c.sv[0]);
	c.sv[0] = -1;
	if (read_all(&c, rd, o, err, errlen) < 0 || exp_wait(o, &pid, 1, NULL, err, errlen) < 0)
		goto out;
	out->writes = p->count;
	out->naive_count = out->reads;
	out->elapsed_s = exp_now() - t0;
	out->ok = 1;
	rc = 0;
out:
	exp_kill_all(&pid, 1);
	for (int i = 0; i < 2; i++)
		if (c.sv[i] >= 0)
			close(c.sv[i]);
	free(rd);
	return rc;
}

int framing_run(const struct framing_params *p, struct framing_result *r, struct exp_out *o,
		char *err, size_t errlen)
{
	memset(r, 0, sizeof(*r));
	r->p = *p;
	exp_plan(o, FR_NKINDS);
	for (int k = 0; k < FR_NKINDS; k++) {
		char label[96], n[HUMAN_LEN];

		snprintf(label, sizeof(label), "%s messages over tcp, %s",
			 human_count(p->count, n, sizeof(n)),
			 k == FR_NEWLINE ? "each ending in a newline" : "each after its length");
		exp_begin(o, label, (double)p->count / FR_EXPECT_WRITES_S);
		if (run_kind(p, k, &r->k[k], o, err, errlen) < 0)
			return -1;
		emit_outcome(o, k, &r->k[k]);
	}
	return 0;
}

void framing_lesson(const struct framing_result *r, char *buf, size_t len)
{
	const struct framing_outcome *a = &r->k[FR_NEWLINE], *b = &r->k[FR_LENGTH];
	char h[8][HUMAN_LEN];

	buf[0] = '\0';
	if (!a->ok || !b->ok) {
		snprintf(buf, len, "Not every variant ran, so there is no lesson this time.");
		return;
	}
	if (a->merged_reads + a->split_msgs + b->merged_reads + b->split_msgs == 0)
		exp_lesson_add(buf, len, "No coalescing happened this time: every one of the %s "
			       "writes arrived as its own read, so the naive parser happened to be "
			       "right (%s messages). Nothing in TCP promises that; on a busier "
			       "moment or a slower reader the writes merge. ",
			       human_count(a->writes, h[0], sizeof(h[0])),
			       human_count(a->naive_count, h[1], sizeof(h[1])));
	else
		exp_lesson_add(buf, len, "The sender made %s writes; the receiver got them in %s "
			       "reads, %s of which held pieces of several messages, and %s messages "
			       "were cut across two reads. A parser taking one read for one message "
			       "counted %s messages (%s intact). ",
			       human_count(a->writes, h[0], sizeof(h[0])),
			       human_count(a->reads, h[1], sizeof(h[1])),
			       human_count(a->merged_reads, h[2], sizeof(h[2])),
			       human_count(a->split_msgs, h[3], sizeof(h[3])),
			       human_count(a->naive_count, h[4], sizeof(h[4])),
			       human_count(a->naive_intact, h[5], sizeof(h[5])));
	exp_lesson_add(buf, len, "Newline framing recovered %s of %s messages and length "
		       "prefixes %s of %s (out of %s reads), each checked byte for byte: the boundaries "
		       "are the program's job, not the stream's.",
		       human_count(a->framed_verified, h[0], sizeof(h[0])),
		       human_count(a->writes, h[1], sizeof(h[1])),
		       human_count(b->framed_verified, h[2], sizeof(h[2])),
		       human_count(b->writes, h[3], sizeof(h[3])),
		       human_count(b->reads, h[4], sizeof(h[4])));
}

static const struct dparam framing_params[] = {
	{ "count", DP_COUNT, 10, 1000000, "100K", "messages written, one write() each",
	  offsetof(struct framing_params, count) },
	{ 0 }
};

EXP_DEMO(framing, framing, framing_params, struct framing_params, struct framing_result, framing_run, framing_lesson, exp_no_check,
	 "{\"kind\":\"bar\",\"y\":[\"writes\",\"reads\",\"merged_reads\",\"split_messages\",\"naive_count\",\"framed_verified\"],\"unit\":\"count\"}",
	.name = "framing",
	.title = "A stream has no message boundaries",
	.claim = "A byte stream has no message boundaries: small writes arrive merged or split; "
		 "a length prefix or newline framing restores them.",
	.method = "many small writes over loopback tcp; the reads they arrive in, a parser taking "
		  "one read for one message, and newline and length-prefix framing, each message "
		  "checked.");
