/* test_ring.c -- the SPSC ring publishes in batches, never holds a message back, and counts its waits */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>

#include "../../workers/mech/ring.h"

#define NSLOTS 64
#define SLOT 64
#define WAIT_MS 1

struct fixture {
	void *mem;
	struct ring_end tx, rx;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f || !(f->mem = aligned_alloc(RING_PAD, sizeof(struct ring_ctl) + NSLOTS * SLOT)))
		return -1;
	ring_init(f->mem, NSLOTS, SLOT);
	ring_attach(&f->tx, f->mem, 1, ring_batch(NSLOTS, 0), WAIT_MS);
	ring_attach(&f->rx, f->mem, 0, ring_batch(NSLOTS, 0), WAIT_MS);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	free(f->mem);
	free(f);
	return 0;
}

static void test_batch_sizes(void **state)
{
	(void)state;
	assert_int_equal(ring_batch(32768, 0), RING_BATCH);
	assert_int_equal(ring_batch(NSLOTS, 0), NSLOTS / RING_BATCH_SHARE);
	assert_int_equal(ring_batch(4, 0), 1);
	assert_int_equal(ring_batch(32768, 1), 1);   /* ping-pong: every message */
}

static void test_partial_batch_published(void **state)
{
	struct fixture *f = *state;
	uint64_t v;

	for (uint64_t i = 0; i < 3; i++)
		assert_int_equal(ring_push(&f->tx, &i, sizeof(i)), 0);
	/* fewer than a batch: not visible yet */
	assert_int_equal(ring_pop(&f->rx, &v, sizeof(v)), -ETIMEDOUT);
	ring_publish(&f->tx);
	for (uint64_t i = 0; i < 3; i++) {
		assert_int_equal(ring_pop(&f->rx, &v, sizeof(v)), 0);
		assert_true(v == i);
	}
	assert_int_equal(ring_pop(&f->rx, &v, sizeof(v)), -ETIMEDOUT);
	/* every empty ring met was one wait */
	assert_true(f->rx.waits == 3);
}

static void test_full_ring_publishes_before_waiting(void **state)
{
	struct fixture *f = *state;
	uint64_t v, i;

	for (i = 0; i < NSLOTS; i++)
		assert_int_equal(ring_push(&f->tx, &i, sizeof(i)), 0);
	/* full: the sender publishes all it wrote, then waits for room */
	assert_int_equal(ring_push(&f->tx, &i, sizeof(i)), -ETIMEDOUT);
	assert_true(f->tx.waits == 1);
	for (i = 0; i < NSLOTS; i++) {
		assert_int_equal(ring_pop(&f->rx, &v, sizeof(v)), 0);
		assert_true(v == i);
	}
	assert_true(f->rx.waits == 1);    /* one look at head for all 64 */
	/* the receiver freed the slots in batches: room again */
	assert_int_equal(ring_push(&f->tx, &i, sizeof(i)), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_batch_sizes),
		cmocka_unit_test_setup_teardown(test_partial_batch_published, setup, teardown),
		cmocka_unit_test_setup_teardown(test_full_ring_publishes_before_waiting, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
