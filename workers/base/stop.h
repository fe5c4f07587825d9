/* stop.h -- a stop asked by a signal (SIGINT, SIGTERM, SIGHUP): the hooks
   whoever runs something long registers, called from the handler */
#ifndef IPCSCOPE_STOP_H
#define IPCSCOPE_STOP_H

#define STOP_HOOKS_MAX 8

/* stop_signals: handler for SIGINT, SIGTERM and SIGHUP, SIGPIPE ignored
   (a write to a closed pipe is an error return, not a death) */
void stop_signals(void (*handler)(int));

/* stop_hook_add: hook is called, signal-safe, on every stop signal once
   stop_install ran; a hook already there is not added twice; 0, or -1 when
   STOP_HOOKS_MAX are registered */
int stop_hook_add(void (*hook)(void));

/* stop_install: the stop signals call the registered hooks, in the order
   they were added */
void stop_install(void);

#endif
