/* lab.h -- `ipcscope lab`: two network namespaces joined by a veth pair, a peer in one, a command in the other */
#ifndef IPCSCOPE_LAB_H
#define IPCSCOPE_LAB_H

#include <stdio.h>

/* The lab's fixed addresses: they exist only inside the lab's own two
   namespaces, never on the host's network. */
#define LAB_PEER_ADDR "10.199.0.1"
#define LAB_CMD_ADDR "10.199.0.2"
#define LAB_PREFIX_LEN "30"
#define LAB_PEER_PORT 7399

/* lab_main: argv[0] is "lab"; the command's exit status, 1 when the lab
   could not be made (or not as root), 2 on a usage error */
int lab_main(int argc, char **argv);

/* lab_usage: the --help of `ipcscope lab` */
void lab_usage(FILE *f);

#endif
