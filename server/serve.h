/* serve.h -- `ipcscope serve`: the dashboard and the REST + NDJSON API */
#ifndef IPCSCOPE_SERVE_H
#define IPCSCOPE_SERVE_H

#include <stdio.h>

/* serve_main: `ipcscope serve [options]`, argv[0] being "serve"; serves
   until SIGINT/SIGTERM, then stops every run; 0 on a clean stop, 1 when
   the server cannot start, 2 on a usage error */
int serve_main(int argc, char **argv);

/* serve_usage: the --help of `ipcscope serve` */
void serve_usage(FILE *f);

#endif
