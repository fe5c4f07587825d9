/* cleanup.c -- private run directories and the sweep of stale objects */
#include "cleanup.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/msg.h>
#include <sys/stat.h>
#include <unistd.h>

const char *cleanup_tmp_base(void)
{
	const char *t = getenv("TMPDIR");

	return (t && *t == '/') ? t : "/tmp";
}

int cleanup_tmpdir_make(char *buf, size_t len)
{
	if ((size_t)snprintf(buf, len, "%s/ipcscope-%d-XXXXXX", cleanup_tmp_base(),
			     (int)getpid()) >= len)
		return -ENAMETOOLONG;
	return mkdtemp(buf) ? 0 : -errno;
}

/* remove_sysv_records: IPC_RMID for every "msqid-N" file in dir */
static int remove_sysv_records(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0, id;

	if (!d)
		return 0;
	while ((e = readdir(d)))
		if (sscanf(e->d_name, "msqid-%d", &id) == 1 && msgctl(id, IPC_RMID, NULL) == 0)
			n++;
	closedir(d);
	return n;
}

int cleanup_tmpdir_remove(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[4096];

	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		unlink(path);
	}
	closedir(d);
	return rmdir(dir) == 0 ? 0 : -errno;
}

int cleanup_record_sysv(const char *dir, int msqid)
{
	char path[4096];
	int fd;

	snprintf(path, sizeof(path), "%s/msqid-%d", dir, msqid);
	fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
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

static int sweep_dir(const char *dir, int kind)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[4096];
	int n = 0;

	if (!d)
		return 0;
	while ((e = readdir(d))) {
		if (!stale_pid(e->d_name))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (kind == 'd') {
			n += remove_sysv_records(path);
			n += cleanup_tmpdir_remove(path) == 0;
		} else if (kind == 'q') {
			char qname[300];
			snprintf(qname, sizeof(qname), "/%s", e->d_name);
			n += mq_unlink(qname) == 0;
		} else {
			n += unlink(path) == 0;
		}
	}
	closedir(d);
	return n;
}

int cleanup_sweep_stale(void)
{
	return sweep_dir("/dev/shm", 'f') + sweep_dir("/dev/mqueue", 'q') +
	       sweep_dir(cleanup_tmp_base(), 'd');
}
