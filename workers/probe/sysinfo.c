/* sysinfo.c -- what the machine is and which IPC limits it sets */
#include "probe/sysinfo.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <unistd.h>

/* read_small: the start of a small file (a /proc or /sys value) into buf,
   NUL-terminated: one open, one read and one close, no stdio stream to
   set up (a run reads a dozen of these before its start line); the
   bytes read, or -1 */
static ssize_t read_small(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	buf[0] = '\0';
	if (fd < 0)
		return -1;
	do
		n = read(fd, buf, len - 1);
	while (n < 0 && errno == EINTR);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	return n;
}

long long sysinfo_read_long(const char *path)
{
	char buf[64], *end;
	long long v;

	if (read_small(path, buf, sizeof(buf)) <= 0)
		return -1;
	errno = 0;
	v = strtoll(buf, &end, 10);
	return end == buf || errno ? -1 : v;
}

static void read_line(const char *path, char *buf, size_t len)
{
	if (read_small(path, buf, len) > 0)
		buf[strcspn(buf, "\n")] = '\0';
}

static void cpu_model(char *buf, size_t len)
{
	char text[4096], *line, *colon, *eol;

	snprintf(buf, len, "unknown");
	if (read_small("/proc/cpuinfo", text, sizeof(text)) <= 0)
		return;
	/* among the first lines of the first processor's block */
	line = strncmp(text, "model name", 10) == 0 ? text : strstr(text, "\nmodel name");
	if (!line)
		return;
	line += *line == '\n';
	colon = strchr(line, ':');
	eol = strchr(line, '\n');
	if (!colon || (eol && colon > eol))
		return;
	colon += 1 + (colon[1] == ' ');
	colon[strcspn(colon, "\n")] = '\0';
	snprintf(buf, len, "%s", colon);
}

static void add_limit(cJSON *o, const char *key, const char *path)
{
	long long v = sysinfo_read_long(path);

	if (v >= 0)
		cJSON_AddNumberToObject(o, key, (double)v);
	else
		cJSON_AddNullToObject(o, key);
}

cJSON *sysinfo_json(void)
{
	cJSON *o = cJSON_CreateObject(), *lim;
	struct utsname u;
	struct rlimit rl;
	char buf[256];

	if (!o)
		return NULL;
	cpu_model(buf, sizeof(buf));
	cJSON_AddStringToObject(o, "cpu_model", buf);
	cJSON_AddNumberToObject(o, "cores", (double)sysconf(_SC_NPROCESSORS_ONLN));
	if (uname(&u) == 0) {
		snprintf(buf, sizeof(buf), "%s %s", u.sysname, u.release);
		cJSON_AddStringToObject(o, "kernel", buf);
		cJSON_AddStringToObject(o, "arch", u.machine);
	}
	read_line("/sys/devices/system/clocksource/clocksource0/current_clocksource",
		  buf, sizeof(buf));
	cJSON_AddStringToObject(o, "clock_source", buf[0] ? buf : "unknown");
	cJSON_AddNumberToObject(o, "page_size", (double)sysconf(_SC_PAGESIZE));
	cJSON_AddNumberToObject(o, "memory_bytes",
				(double)sysconf(_SC_PHYS_PAGES) * (double)sysconf(_SC_PAGESIZE));
	lim = cJSON_AddObjectToObject(o, "limits");
	add_limit(lim, "pipe_max_size", "/proc/sys/fs/pipe-max-size");
	add_limit(lim, "mqueue_msg_max", "/proc/sys/fs/mqueue/msg_max");
	add_limit(lim, "mqueue_msgsize_max", "/proc/sys/fs/mqueue/msgsize_max");
	add_limit(lim, "mqueue_queues_max", "/proc/sys/fs/mqueue/queues_max");
	add_limit(lim, "sysv_msgmax", "/proc/sys/kernel/msgmax");
	add_limit(lim, "sysv_msgmnb", "/proc/sys/kernel/msgmnb");
	add_limit(lim, "sysv_msgmni", "/proc/sys/kernel/msgmni");
	add_limit(lim, "net_core_wmem_max", "/proc/sys/net/core/wmem_max");
	add_limit(lim, "net_core_rmem_max", "/proc/sys/net/core/rmem_max");
	if (getrlimit(RLIMIT_SIGPENDING, &rl) == 0)
		cJSON_AddNumberToObject(lim, "rlimit_sigpending",
					rl.rlim_cur == RLIM_INFINITY ? -1 : (double)rl.rlim_cur);
	if (getrlimit(RLIMIT_MSGQUEUE, &rl) == 0)
		cJSON_AddNumberToObject(lim, "rlimit_msgqueue_bytes",
					rl.rlim_cur == RLIM_INFINITY ? -1 : (double)rl.rlim_cur);
	return o;
}
