/* ref_memcpy.c -- memcpy bandwidth on one core: the ceiling for mechanisms that copy the payload */
#include "ref.h"

/*
 * usage: ref_memcpy SIZE COUNT CPU
 * Copies SIZE bytes COUNT times on one core and prints two figures:
 * "ring": from one hot source buffer into destinations that walk through
 * a 2 MiB region, the footprint of a 2 MiB ring of SIZE-byte slots (what a
 * ring's sender does); "hot": source and destination the same two buffers
 * every time (the best case, the data never leaves the nearest cache).
 */

#define REGION ((size_t)2 << 20)

static double copy_rate(char *dst, size_t span, const char *src, uint64_t size, uint64_t n)
{
	uint64_t slots = span / size, t0 = ref_now_ns();

	for (uint64_t i = 0; i < n; i++) {
		memcpy(dst + (i % slots) * size, src, size);
		__asm__ __volatile__("" : : "r"(dst) : "memory");
	}
	return (double)n * (double)size / ((double)(ref_now_ns() - t0) / 1e9);
}

int main(int argc, char **argv)
{
	uint64_t size, n;
	char *src, *dst;
	size_t span;

	if (argc != 4) {
		fprintf(stderr, "usage: ref_memcpy SIZE COUNT CPU\n");
		return 2;
	}
	size = ref_num(argv[1]);
	n = ref_num(argv[2]);
	ref_pin(atoi(argv[3]));
	span = size > REGION / 2 ? 2 * size : REGION;
	src = malloc(size);
	dst = malloc(span);
	if (!src || !dst || !n)
		return 2;
	memset(src, 0x5a, size);
	memset(dst, 0, span);
	copy_rate(dst, span, src, size, n / 10 + 1);   /* warm-up: fault in, fill caches */
	double ring = copy_rate(dst, span, src, size, n);
	double hot = copy_rate(dst, size, src, size, n);
	printf("{\"ref\":\"memcpy\",\"size\":%llu,\"count\":%llu,\"ring_bytes_per_s\":%.1f,"
	       "\"hot_bytes_per_s\":%.1f}\n", (unsigned long long)size, (unsigned long long)n, ring, hot);
	free(src);
	free(dst);
	return 0;
}
