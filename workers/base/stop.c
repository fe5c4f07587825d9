/* stop.c -- the stop signals call the hooks registered for them: the
   runner registers the harness's stop, a demo's experiment its own, so
   no layer calls one above it to be stopped */
#include "base/stop.h"

#include <signal.h>
#include <stddef.h>

static void (*hooks[STOP_HOOKS_MAX])(void);
static volatile sig_atomic_t nhooks;

void stop_signals(void (*handler)(int))
{
	struct sigaction sa = { .sa_handler = handler };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

int stop_hook_add(void (*hook)(void))
{
	for (int i = 0; i < nhooks; i++)
		if (hooks[i] == hook)
			return 0;
	if (nhooks == STOP_HOOKS_MAX)
		return -1;
	hooks[nhooks] = hook;
	nhooks = nhooks + 1;   /* published after the slot is filled */
	return 0;
}

static void on_stop(int sig)
{
	(void)sig;
	for (int i = 0; i < nhooks; i++)
		hooks[i]();
}

void stop_install(void)
{
	stop_signals(on_stop);
}
