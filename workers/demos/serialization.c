/* serialization.c -- the serialization demo's experiment: the same records
   over unix as a packed struct, as protobuf (protobuf-c) and as JSON (cJSON);
   codec CPU timed alone, then the whole exchange

   What the page shows: one stacked bar per format, its CPU per record
   (both processes) split into encode, decode and the transport (the
   rest), in µs. The headline quotes the JSON bar's and the packed bar's
   whole height; the first supporting sentence the encode and decode parts
   (timed alone); the records/s in the notes are in the table of points. */
#include "demos/cores.h"
#include "demos/demo.h"
#include "demos/exp_demo.h"

#include <stddef.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "record.pb-c.h"
#include "base/human.h"
#include "base/error.h"

#define SER_HDR 4                /* length prefix of every frame */
#define SER_OVERHEAD 256         /* room for a format's own bytes around the text */
#define SER_TYPES 4
#define SER_JSON_ESCAPE 6        /* worst case: "\u00XX" for one byte */
#define SER_EXPECT_REC_S 20e-6

const char *const ser_format_names[SER_NFORMATS] = { "packed struct", "protobuf", "JSON" };

struct rec {
	uint64_t seq;
	uint32_t type;
	double value;
	size_t len;
	char *text;              /* SER_TEXT_MAX + 1 bytes */
};

struct packed_hdr {
	uint64_t seq;
	double value;
	uint32_t type;
	uint32_t len;
};

static size_t buf_max(const struct ser_params *p)
{
	return SER_HDR + SER_OVERHEAD + (size_t)p->text * SER_JSON_ESCAPE;
}

/* The text of every record is a window of this repeating alphabet. */
static char alphabet[SER_TEXT_MAX + 32];

static void alphabet_init(void)
{
	for (size_t i = 0; i < sizeof(alphabet); i++)
		alphabet[i] = (char)('a' + i % 26);
}

/* make_rec: record seq as every sender builds it */
static void make_rec(struct rec *r, uint64_t seq, size_t len)
{
	r->seq = seq;
	r->type = (uint32_t)(seq % SER_TYPES);
	r->value = (double)seq * 0.5;
	r->len = len;
	memcpy(r->text, alphabet + seq % 26, len);
	r->text[len] = '\0';
}

static int same_rec(const struct rec *a, const struct rec *b)
{
	return a->seq == b->seq && a->type == b->type && a->value == b->value &&
	       a->len == b->len && !memcmp(a->text, b->text, a->len);
}

/* encode: r in format f into out (room bytes); the length (protobuf's can
   be 0: every field at its default), or -1 on failure */
static ssize_t encode(enum ser_format f, const struct rec *r, unsigned char *out, size_t room)
{
	if (f == SER_PACKED) {
		struct packed_hdr h = { r->seq, r->value, r->type, (uint32_t)r->len };
		memcpy(out, &h, sizeof(h));
		memcpy(out + sizeof(h), r->text, r->len);
		return (ssize_t)(sizeof(h) + r->len);
	}
	if (f == SER_PROTOBUF) {
		Record m = RECORD__INIT;
		m.seq = r->seq;
		m.type = r->type;
		m.value = r->value;
		m.text = r->text;
		return record__get_packed_size(&m) <= room ? (ssize_t)record__pack(&m, out) : -1;
	}
	cJSON *o = cJSON_CreateObject();
	ssize_t n = -1;
	if (o && cJSON_AddNumberToObject(o, "seq", (double)r->seq) &&
	    cJSON_AddNumberToObject(o, "type", r->type) &&
	    cJSON_AddNumberToObject(o, "value", r->value) &&
	    cJSON_AddStringToObject(o, "text", r->text) &&
	    cJSON_PrintPreallocated(o, (char *)out, (int)room, 0))
		n = (ssize_t)strlen((char *)out);
	cJSON_Delete(o);
	return n;
}

static int json_decode(const unsigned char *in, size_t len, struct rec *r)
{
	cJSON *o = cJSON_ParseWithLength((const char *)in, len);
	const cJSON *seq = cJSON_GetObjectItemCaseSensitive(o, "seq");
	const cJSON *type = cJSON_GetObjectItemCaseSensitive(o, "type");
	const cJSON *value = cJSON_GetObjectItemCaseSensitive(o, "value");
	const cJSON *text = cJSON_GetObjectItemCaseSensitive(o, "text");
	int rc = -1;

	if (cJSON_IsNumber(seq) && cJSON_IsNumber(type) && cJSON_IsNumber(value) &&
	    cJSON_IsString(text) && strlen(text->valuestring) <= SER_TEXT_MAX) {
		r->seq = (uint64_t)seq->valuedouble;
		r->type = (uint32_t)type->valuedouble;
		r->value = value->valuedouble;
		r->len = strlen(text->valuestring);
		memcpy(r->text, text->valuestring, r->len + 1);
		rc = 0;
	}
	cJSON_Delete(o);
	return rc;
}

/* decode: the bytes in into *r (its text buffer is reused); 0 or -1 */
static int decode(enum ser_format f, const unsigned char *in, size_t len, struct rec *r)
{
	if (f == SER_PACKED) {
		struct packed_hdr h;
		if (len < sizeof(h))
			return -1;
		memcpy(&h, in, sizeof(h));
		if (h.len != len - sizeof(h) || h.len > SER_TEXT_MAX)
			return -1;
		*r = (struct rec){ h.seq, h.type, h.value, h.len, r->text };
		memcpy(r->text, in + sizeof(h), h.len);
		r->text[h.len] = '\0';
		return 0;
	}
	if (f == SER_PROTOBUF) {
		Record *m = record__unpack(NULL, len, in);
		if (!m || strlen(m->text) > SER_TEXT_MAX) {
			record__free_unpacked(m, NULL);
			return -1;
		}
		r->seq = m->seq;
		r->type = m->type;
		r->value = m->value;
		r->len = strlen(m->text);
		memcpy(r->text, m->text, r->len + 1);
		record__free_unpacked(m, NULL);
		return 0;
	}
	return json_decode(in, len, r);
}

#define SER_POOL 64              /* distinct records the codec timing cycles through */
#define SER_CODEC_MAX 20000      /* records the codec timing takes at most */
#define SER_TICK 256             /* records between looks at the clock */

static double thread_cpu(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct ser_bufs {
	struct rec pool[SER_POOL];
	struct rec got;
	unsigned char *wire[SER_POOL];
	size_t wlen[SER_POOL];
	unsigned char *out;
};

static void bufs_free(struct ser_bufs *b)
{
	for (int i = 0; i < SER_POOL; i++) {
		free(b->pool[i].text);
		free(b->wire[i]);
	}
	free(b->got.text);
	free(b->out);
}

static int bufs_alloc(struct ser_bufs *b, const struct ser_params *p)
{
	int ok = 1;

	memset(b, 0, sizeof(*b));
	for (int i = 0; i < SER_POOL; i++) {
		ok &= (b->pool[i].text = malloc(SER_TEXT_MAX + 1)) != NULL;
		ok &= (b->wire[i] = malloc(buf_max(p))) != NULL;
	}
	ok &= (b->got.text = malloc(SER_TEXT_MAX + 1)) != NULL;
	ok &= (b->out = malloc(buf_max(p))) != NULL;
	if (!ok)
		bufs_free(b);
	return ok ? 0 : -1;
}

/* time_codec: CPU seconds per record to encode and to decode f, alone */
static int time_codec(enum ser_format f, const struct ser_params *p, struct ser_bufs *b,
		      struct ser_outcome *out, struct exp_out *o)
{
	uint64_t n = p->count < SER_CODEC_MAX ? p->count : SER_CODEC_MAX;
	double t0, wire = 0;

	for (int i = 0; i < SER_POOL; i++) {
		make_rec(&b->pool[i], (uint64_t)i, (size_t)p->text);
		ssize_t len = encode(f, &b->pool[i], b->wire[i], buf_max(p));
		if (len < 0)
			return -1;
		b->wlen[i] = (size_t)len;
		wire += (double)b->wlen[i];
	}
	out->wire_bytes = wire / SER_POOL + SER_HDR;
	t0 = thread_cpu();
	for (uint64_t i = 0; i < n; i++)
		if (encode(f, &b->pool[i % SER_POOL], b->out, buf_max(p)) < 0)
			return -1;
	out->encode_s = (thread_cpu() - t0) / (double)n;
	exp_progress(o, 0.2);
	t0 = thread_cpu();
	for (uint64_t i = 0; i < n; i++)
		if (decode(f, b->wire[i % SER_POOL], b->wlen[i % SER_POOL], &b->got) < 0)
			return -1;
	out->decode_s = (thread_cpu() - t0) / (double)n;
	exp_progress(o, 0.4);
	return 0;
}

struct ser_ctx {
	const struct ser_params *p;
	enum ser_format f;
	int sv[2];
	struct ser_bufs *b;
	struct ser_shared {
		volatile int go;
		double t0, t_end;
		uint64_t verified;
	} *sh;
};

static int ser_sender(void *arg, int idx)
{
	struct ser_ctx *c = arg;
	struct rec *r = &c->b->pool[0];

	(void)idx;
	close(c->sv[1]);
	exp_wait_go(&c->sh->go, 0);
	for (uint64_t seq = 0; seq < c->p->count; seq++) {
		ssize_t len;
		uint32_t n;
		make_rec(r, seq, (size_t)c->p->text);
		len = encode(c->f, r, c->b->out + SER_HDR, buf_max(c->p) - SER_HDR);
		n = (uint32_t)len;
		memcpy(c->b->out, &n, SER_HDR);
		if (len < 0 || exp_full_io(c->sv[0], c->b->out, SER_HDR + n, 1) < 0)
			return 1;
	}
	return 0;
}

static int ser_receiver(void *arg, int idx)
{
	struct ser_ctx *c = arg;
	struct rec *want = &c->b->pool[0];

	(void)idx;
	close(c->sv[0]);
	for (uint64_t seq = 0; seq < c->p->count; seq++) {
		uint32_t n;
		if (exp_full_io(c->sv[1], &n, SER_HDR, 0) < 0 || n > buf_max(c->p) ||
		    exp_full_io(c->sv[1], c->b->out, n, 0) < 0 ||
		    decode(c->f, c->b->out, n, &c->b->got) < 0)
			return 1;
		make_rec(want, seq, (size_t)c->p->text);
		c->sh->verified += same_rec(want, &c->b->got);
	}
	c->sh->t_end = exp_now();
	return 0;
}

/* exchange: count records over unix from one process to another */
static int exchange(struct ser_ctx *c, struct exp_out *o, struct ser_outcome *out,
		    char *err, size_t errlen)
{
	pid_t pids[2] = { -1, -1 };
	double cpu = 0;
	int rc = -1;

	memset(c->sh, 0, sizeof(*c->sh));
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, c->sv) < 0) {
		error_set(err, errlen, "cannot make a unix socket pair: %s", strerror(errno));
		return -1;
	}
	if ((pids[0] = exp_fork(ser_sender, c, 0, 1, err, errlen)) < 0 ||
	    (pids[1] = exp_fork(ser_receiver, c, 1, 1, err, errlen)) < 0)
		goto out;
	c->sh->t0 = exp_now();
	__atomic_store_n(&c->sh->go, 1, __ATOMIC_RELEASE);
	if ((rc = exp_wait(o, pids, 2, &cpu, err, errlen)) < 0)
		goto out;
	out->sent = c->p->count;
	out->verified = c->sh->verified;
	out->msgs_per_s = (double)c->p->count / (c->sh->t_end - c->sh->t0);
	out->cpu_s = cpu / (double)c->p->count;
out:
	exp_kill_all(pids, 2);
	close(c->sv[0]);
	close(c->sv[1]);
	return rc;
}

static void emit_format(struct exp_out *o, enum ser_format f, const struct ser_outcome *s)
{
	cJSON *l = exp_point_new(o, ser_format_names[f], NULL, f);

	cJSON_AddNumberToObject(l, "msgs_per_s", s->msgs_per_s);
	cJSON_AddNumberToObject(l, "wire_bytes", s->wire_bytes);
	cJSON_AddNumberToObject(l, "encode_us", s->encode_s * 1e6);
	cJSON_AddNumberToObject(l, "decode_us", s->decode_s * 1e6);
	cJSON_AddNumberToObject(l, "cpu_us", s->cpu_s * 1e6);
	cJSON_AddNumberToObject(l, "transport_us", (s->cpu_s - s->encode_s - s->decode_s) * 1e6);
	cJSON_AddNumberToObject(l, "sent", (double)s->sent);
	cJSON_AddNumberToObject(l, "verified", (double)s->verified);
	exp_emit(o, l);
}

int ser_run(const struct ser_params *p, struct ser_result *r, struct exp_out *o,
	    char *err, size_t errlen)
{
	struct ser_bufs b;
	struct ser_ctx c = { .p = p, .b = &b };
	int rc = 0;

	memset(r, 0, sizeof(*r));
	r->p = *p;
	alphabet_init();
	if (bufs_alloc(&b, p) < 0 || !(c.sh = exp_shared(sizeof(*c.sh)))) {
		error_set(err, errlen, "out of memory for the records");
		return -1;
	}
	exp_plan(o, SER_NFORMATS);
	for (int f = 0; rc == 0 && f < SER_NFORMATS; f++) {
		char label[96], n[HUMAN_LEN], t[HUMAN_LEN];

		snprintf(label, sizeof(label), "%s: %s records with %s of text over unix",
			 ser_format_names[f], human_count(p->count, n, sizeof(n)),
			 human_bytes((double)p->text, t, sizeof(t)));
		exp_begin(o, label, (double)p->count * SER_EXPECT_REC_S * (f == SER_JSON ? 4 : 1));
		c.f = f;
		if (time_codec(f, p, &b, &r->f[f], o) < 0) {
			error_set(err, errlen, "%s could not encode or decode a record",
				  ser_format_names[f]);
			rc = -1;
		} else if ((rc = exchange(&c, o, &r->f[f], err, errlen)) == 0) {
			r->f[f].ok = 1;
			emit_format(o, f, &r->f[f]);
		}
	}
	exp_unshare(c.sh, sizeof(*c.sh));
	bufs_free(&b);
	return rc;
}

/* claim_word: how a codec time compares with the claim's range lo..hi */
static const char *claim_word(double s, double lo, double hi)
{
	return s < lo ? "faster than" : s > hi ? "slower than" : "within";
}

/* wire_text: the records' size on the wire said once ("1019 B") when the
   three formats are within SER_WIRE_SAME of each other, else each */
#define SER_WIRE_SAME 1.1
static void wire_text(const struct ser_result *r, char *buf, size_t len)
{
	double lo = r->f[0].wire_bytes, hi = lo;
	char a[HUMAN_LEN], b[HUMAN_LEN], c[HUMAN_LEN];

	for (int f = 1; f < SER_NFORMATS; f++) {
		lo = r->f[f].wire_bytes < lo ? r->f[f].wire_bytes : lo;
		hi = r->f[f].wire_bytes > hi ? r->f[f].wire_bytes : hi;
	}
	if (lo > 0 && hi / lo <= SER_WIRE_SAME)
		snprintf(buf, len, "about %s on the wire in each format",
			 human_bytes(r->f[SER_PACKED].wire_bytes, a, sizeof(a)));
	else
		snprintf(buf, len, "%s, %s and %s on the wire",
			 human_bytes(r->f[SER_PACKED].wire_bytes, a, sizeof(a)),
			 human_bytes(r->f[SER_PROTOBUF].wire_bytes, b, sizeof(b)),
			 human_bytes(r->f[SER_JSON].wire_bytes, c, sizeof(c)));
}

void ser_lesson(const struct ser_result *r, char *buf, size_t len)
{
	const struct ser_outcome *pk = &r->f[SER_PACKED], *pb = &r->f[SER_PROTOBUF];
	const struct ser_outcome *js = &r->f[SER_JSON];
	double bin = pb->encode_s + pb->decode_s, json = js->encode_s + js->decode_s;
	char h[10][HUMAN_LEN];

	buf[0] = '\0';
	if (!pk->ok || !pb->ok || !js->ok) {
		snprintf(buf, len, "Not every format ran, so there is no lesson this time.");
		return;
	}
	exp_lesson_add(buf, len, "Over unix a JSON record cost %s of CPU in all, against %s as a "
		       "packed struct: JSON's encode and decode were %s of it. ",
		       human_seconds(js->cpu_s, h[0], sizeof(h[0])),
		       human_seconds(pk->cpu_s, h[1], sizeof(h[1])),
		       human_pct(js->cpu_s > 0 ? 100 * json / js->cpu_s : 0, h[2], sizeof(h[2])));
	wire_text(r, h[4], sizeof(h[4]));
	exp_lesson_add(buf, len, "Encoding and decoding alone took %s as a packed struct, %s as "
		       "protobuf and %s as JSON, for records of %s. ",
		       human_seconds(pk->encode_s + pk->decode_s, h[1], sizeof(h[1])),
		       human_seconds(bin, h[2], sizeof(h[2])), human_seconds(json, h[3], sizeof(h[3])),
		       h[4]);
	exp_lesson_add(buf, len, "The claim puts binary at 1–5 µs and JSON at 10–50 µs%s: "
		       "protobuf was %s that range and JSON %s it. ",
		       r->p.text < 512 || r->p.text > 2048 ? " for a 1 KB record (this one differs)" :
		       "", claim_word(bin, 1e-6, 5e-6), claim_word(json, 10e-6, 50e-6));
	if (json < 10e-6 || bin < 1e-6)
		exp_lesson_add(buf, len, "Faster than claimed is the easy case here: a flat record "
			       "of four fields with one plain string, while nested objects, many "
			       "numbers and escaped text cost a parser far more. ");
	exp_lesson_add(buf, len, "The packed struct made %s records/s, JSON %s.",
		       human_si(pk->msgs_per_s, "", h[0], sizeof(h[0])),
		       human_si(js->msgs_per_s, "", h[1], sizeof(h[1])));
}

static const struct dparam ser_params[] = {
	{ "count", DP_COUNT, 10, 1000000, "20K", "records sent in each format",
	  offsetof(struct ser_params, count) },
	{ "text", DP_SIZE, 0, SER_TEXT_MAX, "1000", "bytes of text in each record",
	  offsetof(struct ser_params, text) },
	{ 0 }
};

EXP_DEMO(ser, serialization, ser_params, struct ser_params, struct ser_result, ser_run, ser_lesson, exp_no_check,
	 "{\"kind\":\"stacked\",\"y\":[\"encode_us\",\"decode_us\",\"transport_us\"],\"unit\":\"µs per record\",\"also\":[\"msgs_per_s\",\"wire_bytes\",\"verified\"]}",
	.name = "serialization",
	.title = "The price of a text format",
	.claim = "Text formats cost more than the transport: JSON encode/decode can dominate a "
		 "fast channel (binary 1-5 µs, JSON 10-50 µs for a 1 KB message).",
	.method = "the same records (seq, type, value, text) over unix as a packed struct, as "
		  "protobuf and as JSON; encode and decode CPU alone, then records/s and bytes on "
		  "the wire.");
