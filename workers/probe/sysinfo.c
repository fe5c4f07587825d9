/* sysinfo.c -- what the machine is and which IPC limits it sets */
#include "probe/sysinfo.h"

#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <unistd.h>

long long sysinfo_read_long(const char *path)
{
	FILE *f = fopen(path, "r");
	long long v = -1;

	if (!f)
		return -1;
	if (fscanf(f, "%lld", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

static void read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");

	buf[0] = '\0';
	if (!f)
		return;
	if (fgets(buf, (int)len, f))
		buf[strcspn(buf, "\n")] = '\0';
	fclose(f);
}

static void cpu_model(char *buf, size_t len)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[256];

	snprintf(buf, len, "unknown");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *colon = strchr(line, ':');
		if (strncmp(line, "model name", 10) == 0 && colon) {
			colon += 1 + (colon[1] == ' ');
			colon[strcspn(colon, "\n")] = '\0';
			snprintf(buf, len, "%s", colon);
			break;
		}
	}
	fclose(f);
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
