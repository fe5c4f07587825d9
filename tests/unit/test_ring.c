/* test_ring.c -- the SPSC ring publishes in batches, slips behind the producer, never holds a message back, and counts its waits */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

#include "mech/ring.h"

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

static void test_slip_sizes(void **state)
{
	(void)state;
	assert_int_equal(ring_slip(32768, RING_BATCH), RING_SLIP);
	assert_int_equal(ring_slip(NSLOTS, ring_batch(NSLOTS, 0)), NSLOTS / RING_SLIP_SHARE);
	assert_int_equal(ring_slip(32768, 1), 1);    /* ping-pong: at once */
	assert_int_equal(ring_slip(4, ring_batch(4, 0)), 1);
}

static void test_consumer_slips_producer_does_not(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(f->rx.slip, NSLOTS / RING_SLIP_SHARE);
	assert_int_equal(f->tx.slip, 1);
}

#define STREAM_MSGS 200000

static void *stream_producer(void *arg)
{
	struct ring_end *tx = arg;

	for (uint64_t i = 0; i < STREAM_MSGS; i++)
		if (ring_push(tx, &i, sizeof(i)))
			return (void *)1;
	ring_publish(tx);
	return NULL;
}

/* a real stream across two threads: every message arrives, in order, also
   the tail that ends short of a batch and of the slip */
static void test_stream_in_order_through_slip(void **state)
{
	struct fixture *f = *state;
	pthread_t t;
	void *prc;
	uint64_t v;

	f->tx.timeout_ms = f->rx.timeout_ms = 5000;
	assert_int_equal(pthread_create(&t, NULL, stream_producer, &f->tx), 0);
	for (uint64_t i = 0; i < STREAM_MSGS; i++) {
		assert_int_equal(ring_pop(&f->rx, &v, sizeof(v)), 0);
		assert_true(v == i);
	}
	assert_int_equal(pthread_join(t, &prc), 0);
	assert_null(prc);
	/* nothing beyond the stream */
	f->rx.timeout_ms = WAIT_MS;
	assert_int_equal(ring_pop(&f->rx, &v, sizeof(v)), -ETIMEDOUT);
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
		cmocka_unit_test(test_slip_sizes),
		cmocka_unit_test_setup_teardown(test_consumer_slips_producer_does_not, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stream_in_order_through_slip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_partial_batch_published, setup, teardown),
		cmocka_unit_test_setup_teardown(test_full_ring_publishes_before_waiting, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
