/* mhd_load.h -- libmicrohttpd, loaded only by `ipcscope serve` */
#ifndef IPCSCOPE_MHD_LOAD_H
#define IPCSCOPE_MHD_LOAD_H

/* mhd_load: opens libmicrohttpd once; NULL on success, else a message */
const char *mhd_load(void);

#endif
