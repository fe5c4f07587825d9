/* tick.h -- receive timeouts for a blocking read with no poll before it:
   a periodic SIGALRM interrupts the read, and the reader gives up once
   its timeout has passed */
#ifndef IPCSCOPE_TICK_H
#define IPCSCOPE_TICK_H

#include <stdint.h>
#include <time.h>

/*
 * Waiting for a counter or a signal with poll() and then read() costs two
 * system calls a message, and a non-blocking read before the poll a third
 * whenever the message is not there yet. A blocking read costs one, but
 * never times out, and a receive must give up after m->timeout_ms so a
 * peer that is gone cannot hang a rep. So while a worker holds such a
 * mechanism open, an interval timer sends it SIGALRM every timeout / 4,
 * through a handler that does nothing and is installed without
 * SA_RESTART: a read blocked at that moment returns EINTR, and the reader
 * checks the clock (tick_expired) and either gives up or reads again.
 * One signal per timeout / 4 whether or not anything waits: nothing next
 * to the messages it times.
 */

/* tick_start: the handler and the timer for a receive timeout of
   timeout_ms (nothing when <= 0); 0 or -errno */
int tick_start(int timeout_ms);

/* tick_stop: stops the timer this process started, if any; SIGALRM is
   ignored afterwards, so one still pending does nothing */
void tick_stop(void);

/* tick_expired: after a read that returned EINTR: 1 when timeout_ms
   (<= 0: never) have passed since the first interruption of this wait,
   which *since (0 when the wait began) remembers */
static inline int tick_expired(uint64_t *since, int timeout_ms)
{
	struct timespec ts;
	uint64_t now;

	if (timeout_ms <= 0)
		return 0;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	now = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
	if (!*since) {
		/* the wait began at most one tick before its first interruption */
		*since = now;
		return 0;
	}
	return now - *since + 1000000ull * (uint64_t)timeout_ms / 4 >=
	       1000000ull * (uint64_t)timeout_ms;
}

#endif
