/* payload.h -- how a message carries its sequence number and its pattern:
   the coding both workers of a rep share */
#ifndef IPCSCOPE_PAYLOAD_H
#define IPCSCOPE_PAYLOAD_H

#include <endian.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* payload_fill: pattern k (0 or 1) of n bytes; messages alternate them */
static inline void payload_fill(unsigned char *p, size_t n, int k)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (unsigned char)((i * 131u + (size_t)k * 77u + 17u) ^ (i >> 9));
}

/* The sequence number travels little-endian in the first min(size, 8)
   bytes; the common case is one 8-byte store and load. */
static inline void put_seq(unsigned char *buf, size_t size, uint64_t seq)
{
	if (size >= 8) {
		uint64_t le = htole64(seq);
		memcpy(buf, &le, 8);
		return;
	}
	for (size_t i = 0; i < size; i++)
		buf[i] = (unsigned char)(seq >> (8 * i));
}

static inline uint64_t get_seq(const unsigned char *buf, size_t size)
{
	uint64_t v = 0;

	if (size >= 8) {
		memcpy(&v, buf, 8);
		return le64toh(v);
	}
	for (size_t i = 0; i < size; i++)
		v |= (uint64_t)buf[i] << (8 * i);
	return v;
}

/* seq_mask: sequence numbers wrap at the width the message can carry */
static inline uint64_t seq_mask(size_t size)
{
	return size >= 8 ? UINT64_MAX : (1ull << (8 * size)) - 1;
}

/* payload_gap: a message that is not the next one expected: a gap means
   lost messages, one behind a duplicate, anything else a reordering */
static inline void payload_gap(uint64_t seq, uint64_t *expected, uint64_t mask,
			       uint64_t *lost, uint64_t *duplicated, uint64_t *reordered)
{
	uint64_t want = *expected & mask;

	if (((seq - want) & mask) < (mask >> 1)) {
		*lost += (seq - want) & mask;
		*expected += ((seq - want) & mask) + 1;
	} else if (((want - seq) & mask) == 1) {
		(*duplicated)++;
	} else {
		(*reordered)++;
	}
}

#endif
