/* lab.h -- `ipcscope lab`: two network namespaces joined by a veth pair, a peer in one, a command in the other */
#ifndef IPCSCOPE_LAB_H
#define IPCSCOPE_LAB_H

#include <stdio.h>

/* the lab's addresses (LAB_PEER_ADDR, LAB_CMD_ADDR) are its namespace
   pair's, in netns.h */
#include "net/netns.h"

#define LAB_PEER_PORT 7399

/* lab_main: argv[0] is "lab"; the command's exit status, 1 when the lab
   could not be made (or not as root), 2 on a usage error */
int lab_main(int argc, char **argv);

/* lab_usage: the --help of `ipcscope lab` */
void lab_usage(FILE *f);

#endif
