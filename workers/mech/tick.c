/* tick.c -- the periodic SIGALRM behind tick.h's receive timeouts */
#include "mech/tick.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/time.h>

static int ticking;   /* this process armed the timer */

static void tick_handler(int sig)
{
	(void)sig;   /* only to interrupt a blocking read */
}

int tick_start(int timeout_ms)
{
	struct sigaction sa;
	int ms = timeout_ms / 4 > 0 ? timeout_ms / 4 : 1;
	struct itimerval it = { { ms / 1000, (ms % 1000) * 1000 }, { ms / 1000, (ms % 1000) * 1000 } };

	if (timeout_ms <= 0)
		return 0;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = tick_handler;   /* no SA_RESTART: the read returns EINTR */
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGALRM, &sa, NULL) < 0 || setitimer(ITIMER_REAL, &it, NULL) < 0)
		return -errno;
	ticking = 1;
	return 0;
}

void tick_stop(void)
{
	struct itimerval off;

	if (!ticking)
		return;   /* the parent's destroy: it never armed one */
	ticking = 0;
	memset(&off, 0, sizeof(off));
	setitimer(ITIMER_REAL, &off, NULL);
	signal(SIGALRM, SIG_IGN);
}
