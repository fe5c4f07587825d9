/* catalogue.h -- the list and sysinfo commands (the catalogues themselves
   are in engine.h) */
#ifndef IPCSCOPE_CATALOGUE_H
#define IPCSCOPE_CATALOGUE_H

#include <stdio.h>

/* catalogue_list_main, catalogue_sysinfo_main: exit status 0, or 2 on a
   usage error */
int catalogue_list_main(int argc, char **argv);
int catalogue_sysinfo_main(int argc, char **argv);

/* catalogue_usage: the --help of list or sysinfo (cmd) */
void catalogue_usage(FILE *f, const char *cmd);

#endif
