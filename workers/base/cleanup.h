/* cleanup.h -- private run directories and the sweep of stale objects */
#ifndef IPCSCOPE_CLEANUP_H
#define IPCSCOPE_CLEANUP_H

#include <stddef.h>

/* how many names the per-user base may take: "ipcscope.<euid>", then
   "ipcscope.<euid>.1" .. where another user holds the earlier ones */
#define CLEANUP_BASE_NAMES 16
/* the ftok id of a System V queue keyed on a run directory */
#define CLEANUP_FTOK_ID 'i'

/* cleanup_tmp_base: the private directory of this user that holds every
   run directory, "$TMPDIR/ipcscope.<euid>" ($TMPDIR when it is an absolute
   path, else /tmp), made 0700 on first use */
const char *cleanup_tmp_base(void);

/* cleanup_base_check: 0 when that base is usable, else -errno with a
   sentence for the user in err */
int cleanup_base_check(char *err, size_t errlen);

/* cleanup_tmpdir_make: creates a private directory "ipcscope-<pid>-XXXXXX"
   in the base into buf; 0 or -errno */
int cleanup_tmpdir_make(char *buf, size_t len);

/* cleanup_tmpdir_remove: removes a private run directory and everything
   in it, never following a link; 0 or -errno (-EPERM: not a private
   directory of this user, left alone) */
int cleanup_tmpdir_remove(const char *dir);

/* cleanup_remove_tree: removes name in dirfd, a file or a directory with
   everything in it, never following a link, at most 8 levels deep and only
   through directories this user owns; 0 or -1 */
int cleanup_remove_tree(int dirfd, const char *name);

/* cleanup_shm_dir_make: a private directory "/dev/shm/ipcscope-<pid>-XXXXXX"
   into buf, for a library's shared-memory files (the sweep removes it
   with what it holds once pid is gone); 0 or -errno */
int cleanup_shm_dir_make(char *buf, size_t len);

/* cleanup_sweep_stale: removes what runs of this user that died left:
   objects named "ipcscope-<pid>-..." whose pid is gone, in /dev/shm and
   /dev/mqueue when this user owns them, and run directories in the base
   (each checked private), with the System V queues recorded there (when
   this user created them with a key ipcscope uses) and helper processes
   (while they run as this user and their command line still names the
   directory, so a reused pid is left alone); returns how many objects were
   removed */
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
