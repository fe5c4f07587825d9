/* sysinfo.h -- what the machine is and which IPC limits it sets */
#ifndef IPCSCOPE_SYSINFO_H
#define IPCSCOPE_SYSINFO_H

#include <cjson/cJSON.h>

/* sysinfo_json: a new object with CPU model, cores, kernel, clock source
   and IPC limits (never NULL unless out of memory) */
cJSON *sysinfo_json(void);

/* sysinfo_read_long: first integer in a /proc or /sys file, or -1 */
long long sysinfo_read_long(const char *path);

#endif
