/* cleanup.c -- private run directories and the sweep of stale objects

   Every run directory lives in one base directory per user,
   "$TMPDIR/ipcscope.<euid>" (or /tmp), made 0700 and checked before each
   use: a directory, not a link, owned by the effective user, with no access
   for group or others, in a parent that others cannot rename it out of.
   Where another user took that name first, the next free one of
   "ipcscope.<euid>.1" .. ".15" serves, and the sweep visits them all.
   Other users cannot create names in it, so what the sweep finds there is
   ipcscope's own; the sweep still opens each entry with O_NOFOLLOW and
   checks it with fstat before it touches anything inside, and acts only
   through the descriptors it checked. Outside the base (/dev/shm,
   /dev/mqueue) it removes a stale name only when the effective user owns
   it; a recorded System V queue only when that user created it with a key
   ipcscope derives; a recorded helper only when it runs as that user and
   still names the run directory. */
#include "base/cleanup.h"
#include "base/error.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <mqueue.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/stat.h>
#include <unistd.h>

/* how deep the removal of a run directory goes */
#define CLEANUP_TREE_DEPTH 8

static char base_path[PATH_MAX];
static int base_err;                  /* 0, or -errno: no usable base */
static pthread_once_t base_once = PTHREAD_ONCE_INIT;

static const char *tmp_root(void)
{
	const char *t = getenv("TMPDIR");

	return (t && *t == '/') ? t : "/tmp";
}

/* private_fd: 0 when fd is a directory owned by the effective user with no
   access for group or others; -ENOTDIR, -EPERM or -errno */
static int private_fd(int fd)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return -errno;
	if (!S_ISDIR(st.st_mode))
		return -ENOTDIR;
	if (st.st_uid != geteuid() || (st.st_mode & 077))
		return -EPERM;
	return 0;
}

/* parent_holds: 0 when others cannot rename entries out of the directory
   that holds the base: it belongs to root or this user, and others cannot
   write to it, or it is sticky like /tmp */
static int parent_holds(const char *dir)
{
	struct stat st;

	if (stat(dir, &st) < 0)
		return -errno;
	if (!S_ISDIR(st.st_mode))
		return -ENOTDIR;
	if (st.st_uid != 0 && st.st_uid != geteuid())
		return -EPERM;
	if ((st.st_mode & (S_IWGRP | S_IWOTH)) && !(st.st_mode & S_ISVTX))
		return -EPERM;
	return 0;
}

/* open_private: the directory at path (relative to at), opened without
   following a link and checked private; fd or -errno */
static int open_private(int at, const char *path)
{
	int fd = openat(at, path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	int rc;

	if (fd < 0)
		return -errno;
	if ((rc = private_fd(fd)) < 0) {
		close(fd);
		return rc;
	}
	return fd;
}

/* base_name: the k-th name the base may have: "ipcscope.<euid>", then,
   where another user took that name, "ipcscope.<euid>.<k>" */
static int base_name(char *buf, size_t len, const char *root, int k)
{
	size_t n = k ? (size_t)snprintf(buf, len, "%s/ipcscope.%u.%d", root, (unsigned)geteuid(), k)
		     : (size_t)snprintf(buf, len, "%s/ipcscope.%u", root, (unsigned)geteuid());

	return n < len - 64 ? 0 : -ENAMETOOLONG;   /* room for a run dir and its files */
}

/* take_base: makes or checks the base at path; 0, or -EPERM when the name
   is not a private directory of this user, or another -errno */
static int take_base(const char *path)
{
	int fd, rc;

	if (mkdir(path, 0700) < 0 && errno != EEXIST)
		return -errno;
	fd = openat(AT_FDCWD, path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return errno == ELOOP || errno == ENOTDIR ? -EPERM : -errno;
	/* a umask may have taken bits from the owner: give them back */
	if ((rc = private_fd(fd)) == 0)
		rc = fchmod(fd, 0700) < 0 ? -errno : 0;
	close(fd);
	return rc;
}

static void base_init(void)
{
	const char *root = tmp_root();
	char first[PATH_MAX];
	int rc;

	if ((rc = base_name(first, sizeof(first), root, 0)) < 0 || (rc = parent_holds(root)) < 0) {
		snprintf(base_path, sizeof(base_path), "%s", first);
		base_err = rc;
		return;
	}
	/* another user may have taken the name first: then the next one */
	for (int k = 0; k < CLEANUP_BASE_NAMES; k++) {
		base_name(base_path, sizeof(base_path), root, k);
		if ((rc = take_base(base_path)) != -EPERM)
			break;
	}
	if (rc == 0 && strcmp(base_path, first))
		fprintf(stderr, "ipcscope: %s is not a private directory of this user; run "
			"directories go to %s\n", first, base_path);
	if (rc == -EPERM)
		snprintf(base_path, sizeof(base_path), "%s", first);
	base_err = rc;
}

const char *cleanup_tmp_base(void)
{
	pthread_once(&base_once, base_init);
	return base_path;
}

int cleanup_base_check(char *err, size_t errlen)
{
	const char *b = cleanup_tmp_base();

	if (base_err == 0)
		return 0;
	if (base_err == -EPERM)
		error_set(err, errlen, "%s is not a private directory of this user (it must be a "
			  "directory, not a link, owned by uid %u with mode 0700, in a directory "
			  "others cannot rename it out of); remove it or set TMPDIR to a private "
			  "directory", b, (unsigned)geteuid());
	else
		error_set(err, errlen, "cannot use %s for run directories: %s; set TMPDIR to a "
			  "private directory", b, strerror(-base_err));
	return base_err;
}

/* make_private: mkdtemp of the template in buf, checked private after;
   0 or -errno (nothing left behind) */
static int make_private(char *buf)
{
	int fd;

	if (!mkdtemp(buf))
		return -errno;
	if ((fd = open_private(AT_FDCWD, buf)) < 0) {
		rmdir(buf);
		return fd;
	}
	close(fd);
	return 0;
}

int cleanup_tmpdir_make(char *buf, size_t len)
{
	const char *b = cleanup_tmp_base();
	int fd;

	if (base_err)
		return base_err;
	if ((size_t)snprintf(buf, len, "%s/ipcscope-%d-XXXXXX", b, (int)getpid()) >= len)
		return -ENAMETOOLONG;
	/* the base is checked again each time: it may have been replaced */
	if ((fd = open_private(AT_FDCWD, b)) < 0)
		return fd;
	close(fd);
	return make_private(buf);
}

/* for_each_entry: fn(dirfd, name, arg) for each entry of the directory fd
   (which stays open); the sum of what fn returns */
static int for_each_entry(int dirfd, int (*fn)(int, const char *, void *), void *arg)
{
	int dup_fd = fcntl(dirfd, F_DUPFD_CLOEXEC, 0), n = 0;
	DIR *d;
	struct dirent *e;

	if (dup_fd < 0)
		return 0;
	if (!(d = fdopendir(dup_fd))) {
		close(dup_fd);
		return 0;
	}
	rewinddir(d);             /* a dup shares the offset of an earlier walk */
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n += fn(dirfd, e->d_name, arg);
	closedir(d);
	return n;
}

/* a System V queue ipcscope made: created by this user, with IPC_PRIVATE
   (the mechanisms) or ftok(run directory, CLEANUP_FTOK_ID) (the cleanup
   demo's naive worker) */
static int our_queue(int id, const char *dir)
{
	struct msqid_ds ds;
	key_t k;

	if (msgctl(id, IPC_STAT, &ds) < 0)
		return 0;
	if (ds.msg_perm.cuid != geteuid() || ds.msg_perm.uid != geteuid())
		return 0;
	k = ds.msg_perm.__key;
	return k == IPC_PRIVATE || (dir && k == ftok(dir, CLEANUP_FTOK_ID));
}

/* runs_as_us_naming: 1 when process pid runs as this user and its
   command line names dir */
static int runs_as_us_naming(int pid, const char *dir)
{
	char path[64], cmd[4096];
	struct stat st;
	ssize_t n;
	int fd, hit = 0;

	snprintf(path, sizeof(path), "/proc/%d", pid);
	if (stat(path, &st) < 0 || st.st_uid != geteuid())
		return 0;
	snprintf(path, sizeof(path), "/proc/%d/cmdline", pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return 0;
	n = read(fd, cmd, sizeof(cmd) - 1);
	close(fd);
	for (ssize_t i = 0; i < n; i++)
		if (cmd[i] == '\0')
			cmd[i] = ' ';
	if (n > 0) {
		cmd[n] = '\0';
		hit = strstr(cmd, dir) != NULL;
	}
	return hit;
}

/* what a run directory's records say, acted on: "msqid-N" and "pid-N" */
static int act_on_record(int dirfd, const char *name, void *arg)
{
	const char *dir = arg;
	int id;
	char end;

	(void)dirfd;
	if (sscanf(name, "msqid-%d%c", &id, &end) == 1 && id >= 0)
		return our_queue(id, dir) && msgctl(id, IPC_RMID, NULL) == 0;
	if (sscanf(name, "pid-%d%c", &id, &end) == 1 && id > 0)
		return runs_as_us_naming(id, dir) && kill(id, SIGKILL) == 0;
	return 0;
}

/* remove_entry: removes name in dirfd, a directory with everything in it
   (Open MPI leaves a tree of session files in a run directory), never
   following a link and going no deeper than CLEANUP_TREE_DEPTH; arg
   points to the depth of dirfd */
static int remove_entry(int dirfd, const char *name, void *arg)
{
	int depth = arg ? *(const int *)arg : 0, sub, fd;
	struct stat st;

	if (unlinkat(dirfd, name, 0) == 0)
		return 1;
	if (errno != EISDIR || depth >= CLEANUP_TREE_DEPTH)
		return 0;
	fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return 0;
	if (fstat(fd, &st) < 0 || st.st_uid != geteuid()) {
		close(fd);
		return 0;
	}
	sub = depth + 1;
	for_each_entry(fd, remove_entry, &sub);
	close(fd);
	return unlinkat(dirfd, name, AT_REMOVEDIR) == 0;
}

int cleanup_remove_tree(int dirfd, const char *name)
{
	return remove_entry(dirfd, name, NULL) ? 0 : -1;
}

int cleanup_shm_dir_make(char *buf, size_t len)
{
	if ((size_t)snprintf(buf, len, "/dev/shm/ipcscope-%d-XXXXXX", (int)getpid()) >= len)
		return -ENAMETOOLONG;
	return make_private(buf);
}

static int record_path(char *path, size_t len, const char *dir, const char *kind, int id)
{
	return (size_t)snprintf(path, len, "%s/%s-%d", dir, kind, id) < len ? 0 : -ENAMETOOLONG;
}

/* record: an empty file "<kind>-<id>" in the run directory dir, which must
   be a private directory of this user */
static int record(const char *dir, const char *kind, int id)
{
	char name[64];
	int dfd, fd;

	snprintf(name, sizeof(name), "%s-%d", kind, id);
	if ((dfd = open_private(AT_FDCWD, dir)) < 0)
		return dfd;
	fd = openat(dfd, name, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	close(dfd);
	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

int cleanup_record_pid(const char *dir, int pid)
{
	return record(dir, "pid", pid);
}

int cleanup_record_sysv(const char *dir, int msqid)
{
	return record(dir, "msqid", msqid);
}

void cleanup_unrecord_pid(const char *dir, int pid)
{
	char path[4096];

	if (record_path(path, sizeof(path), dir, "pid", pid) == 0)
		unlink(path);
}

int cleanup_tmpdir_remove(const char *dir)
{
	int fd = open_private(AT_FDCWD, dir);

	if (fd < 0)
		return fd == -ENOENT ? 0 : fd;
	for_each_entry(fd, remove_entry, NULL);
	close(fd);
	return rmdir(dir) == 0 ? 0 : -errno;
}

/* stale_pid: pid of an "ipcscope-<pid>-..." name whose process is gone,
   or 0 (not ours, or still alive) */
static int stale_pid(const char *name)
{
	int pid;
	char dash;

	if (sscanf(name, "ipcscope-%d%c", &pid, &dash) != 2 || dash != '-' || pid <= 0)
		return 0;
	if (kill(pid, 0) == 0 || errno != ESRCH)
		return 0;
	return pid;
}

/* a stale object of this user's in /dev/shm or /dev/mqueue */
static int stale_and_ours(int dirfd, const char *name)
{
	struct stat st;

	if (!stale_pid(name))
		return 0;
	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return 0;
	return S_ISREG(st.st_mode) && st.st_uid == geteuid();
}

/* sweep_shm: a stale shm object of this user's, or a stale private
   directory of theirs (cleanup_shm_dir_make) with what it holds */
static int sweep_shm(int dirfd, const char *name, void *arg)
{
	int fd;

	(void)arg;
	if (stale_and_ours(dirfd, name))
		return unlinkat(dirfd, name, 0) == 0;
	if (!stale_pid(name) || (fd = open_private(dirfd, name)) < 0)
		return 0;
	close(fd);
	return remove_entry(dirfd, name, NULL);
}

static int sweep_mq(int dirfd, const char *name, void *arg)
{
	char qname[NAME_MAX + 2];

	(void)arg;
	if (!stale_and_ours(dirfd, name))
		return 0;
	snprintf(qname, sizeof(qname), "/%s", name);
	return mq_unlink(qname) == 0;
}

/* sweep_run_dir: a dead run's directory in the base: its records acted
   on, its files removed, then itself */
static int sweep_run_dir(int basefd, const char *name, void *arg)
{
	const char *base = arg;
	char dir[PATH_MAX];
	int fd, n;

	if (!stale_pid(name))
		return 0;
	if ((fd = open_private(basefd, name)) < 0)
		return 0;
	snprintf(dir, sizeof(dir), "%s/%s", base, name);
	n = for_each_entry(fd, act_on_record, dir);
	for_each_entry(fd, remove_entry, NULL);
	close(fd);
	return n + (unlinkat(basefd, name, AT_REMOVEDIR) == 0);
}

static int sweep_in(const char *dir, int (*fn)(int, const char *, void *))
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), n;

	if (fd < 0)
		return 0;
	n = for_each_entry(fd, fn, NULL);
	close(fd);
	return n;
}

int cleanup_sweep_stale(void)
{
	int n = sweep_in("/dev/shm", sweep_shm) + sweep_in("/dev/mqueue", sweep_mq);
	char path[PATH_MAX];
	int fd;

	/* every base this user may have used, not only this run's */
	for (int k = 0; k < CLEANUP_BASE_NAMES; k++) {
		if (base_name(path, sizeof(path), tmp_root(), k) < 0 ||
		    (fd = open_private(AT_FDCWD, path)) < 0)
			continue;
		n += for_each_entry(fd, sweep_run_dir, path);
		close(fd);
	}
	return n;
}
