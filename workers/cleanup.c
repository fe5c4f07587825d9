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

/* names_dir: 1 when process pid's command line mentions dir */
static int names_dir(int pid, const char *dir)
{
	char path[64], cmd[4096];
	ssize_t n;
	int fd, hit = 0;

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

/* stop_helpers: SIGKILL for every "pid-N" helper recorded in dir that is
   still the helper it was */
static int stop_helpers(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0, pid;

	if (!d)
		return 0;
	while ((e = readdir(d)))
		if (sscanf(e->d_name, "pid-%d", &pid) == 1 && pid > 0 &&
		    names_dir(pid, dir) && kill(pid, SIGKILL) == 0)
			n++;
	closedir(d);
	return n;
}

static int record_path(char *path, size_t len, const char *dir, const char *kind, int id)
{
	return (size_t)snprintf(path, len, "%s/%s-%d", dir, kind, id) < len ? 0 : -ENAMETOOLONG;
}

int cleanup_record_pid(const char *dir, int pid)
{
	char path[4096];
	int fd;

	if (record_path(path, sizeof(path), dir, "pid", pid) < 0)
		return -ENAMETOOLONG;
	fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

void cleanup_unrecord_pid(const char *dir, int pid)
{
	char path[4096];

	if (record_path(path, sizeof(path), dir, "pid", pid) == 0)
		unlink(path);
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
			n += stop_helpers(path);
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
