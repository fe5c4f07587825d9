/* manual.h -- what the man page (manual.c) and the completion (completion.c)
   share: the --help text of every command */
#ifndef IPCSCOPE_MANUAL_H
#define IPCSCOPE_MANUAL_H

#include <stdio.h>

typedef void manual_print_fn(FILE *f, const char *cmd);

/* manual_serve_usage: prints serve's --help (server/ hands it over) */
extern void (*manual_serve_usage)(FILE *f);

/* manual_help: what print(f, cmd) writes, in a malloc'd string; NULL when
   out of memory */
char *manual_help(manual_print_fn *print, const char *cmd);

/* manual_help_of: the --help text of cmd, serve's included */
void manual_help_of(FILE *f, const char *cmd);

#endif
