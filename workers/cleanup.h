/* cleanup.h -- private run directories and the sweep of stale objects */
#ifndef IPCSCOPE_CLEANUP_H
#define IPCSCOPE_CLEANUP_H

#include <stddef.h>

/* cleanup_tmp_base: $TMPDIR when it is an absolute path, else "/tmp" */
const char *cleanup_tmp_base(void);

/* cleanup_tmpdir_make: creates a private directory "ipcscope-<pid>-XXXXXX"
   under $TMPDIR or /tmp into buf; 0 or -errno */
int cleanup_tmpdir_make(char *buf, size_t len);

/* cleanup_tmpdir_remove: removes the directory and every file in it
   (files only: run directories are flat); 0 or -errno */
int cleanup_tmpdir_remove(const char *dir);

/* cleanup_sweep_stale: removes objects named "ipcscope-<pid>-..." in
   /dev/shm, /dev/mqueue and the temp dir whose pid is no longer alive,
   and System V queues and helper processes recorded in such a directory
   (a helper only while its command line still names the directory, so a
   reused pid is left alone); returns how many
   objects were removed */
int cleanup_sweep_stale(void);

/* cleanup_record_sysv: notes a System V queue id in a run directory so a
   later sweep can remove it if the run dies; 0 or -errno */
int cleanup_record_sysv(const char *dir, int msqid);

/* cleanup_record_pid: notes a helper process (a bus daemon) in a run
   directory so a later sweep can stop it if the run dies; 0 or -errno */
int cleanup_record_pid(const char *dir, int pid);

/* cleanup_unrecord_pid: removes that note once the helper is stopped */
void cleanup_unrecord_pid(const char *dir, int pid);

#endif
