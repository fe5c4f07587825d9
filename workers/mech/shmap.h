/* shmap.h -- fresh shared mappings whose name is gone before any worker starts */
#ifndef IPCSCOPE_SHMAP_H
#define IPCSCOPE_SHMAP_H

#include <stddef.h>

/* shmap_posix: creates the POSIX shm object "/<tag>-<suffix>", unlinks it
   at once (the name exists only inside this call: /dev/shm is clean again
   before any worker starts, whatever happens to it later), reserves bytes
   and maps them MAP_SHARED into *out; 0 or -errno (-EEXIST if the name
   exists, -ENOSPC if /dev/shm is too small, -ENAMETOOLONG) */
int shmap_posix(const char *tag, const char *suffix, size_t bytes, void **out);

/* shmap_file: the same with a new file at path; *tmpfs is 1 when the file
   lived on tmpfs (memory only), 0 when a disk's page cache backs it */
int shmap_file(const char *path, size_t bytes, void **out, int *tmpfs);

#endif
