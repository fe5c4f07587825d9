/* clock.h -- seconds now, and a deadline for pthread_cond_timedwait */
#ifndef IPCSCOPE_CLOCK_H
#define IPCSCOPE_CLOCK_H

#include <time.h>

#define CLOCK_NS_PER_S 1000000000L
#define CLOCK_NS_PER_MS 1000000L

/* clock_s: seconds on clk (CLOCK_MONOTONIC, CLOCK_REALTIME) */
static inline double clock_s(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / CLOCK_NS_PER_S;
}

/* clock_after: the time on clk ms milliseconds from now */
static inline struct timespec clock_after(clockid_t clk, int ms)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	ts.tv_sec += ms / 1000;
	ts.tv_nsec += (long)(ms % 1000) * CLOCK_NS_PER_MS;
	if (ts.tv_nsec >= CLOCK_NS_PER_S) {
		ts.tv_sec++;
		ts.tv_nsec -= CLOCK_NS_PER_S;
	}
	return ts;
}

#endif
