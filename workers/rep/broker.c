/* broker.c -- CPU account of a third process that carries the messages (a bus daemon) */
#include "rep/broker.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "mech/mech_rep.h"

#define STAT_UTIME_FIELD 14    /* proc(5), counting from 1 */
#define STAT_STIME_FIELD 15
#define STAT_CPU_FIELD 39

/* stat_fields: utime, stime and processor from /proc/<pid>/stat; 0 or -1 */
static int stat_fields(pid_t pid, struct broker_mark *b)
{
	char path[64], line[1024], *p;
	FILE *f;
	int field;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (!(f = fopen(path, "re")))
		return -1;
	p = fgets(line, sizeof(line), f);
	fclose(f);
	/* the command name may hold spaces: field 3 starts after its ") " */
	if (!p || !(p = strrchr(line, ')')) || p[1] != ' ')
		return -1;
	p += 2;
	for (field = 3; p && field <= STAT_CPU_FIELD; field++, p = strchr(p, ' ')) {
		unsigned long long v = strtoull(p += *p == ' ', NULL, 10);

		if (field == STAT_UTIME_FIELD)
			b->utime = v;
		else if (field == STAT_STIME_FIELD)
			b->stime = v;
		else if (field == STAT_CPU_FIELD)
			b->cpu = (int)v;
	}
	return field > STAT_CPU_FIELD ? 0 : -1;
}

/* status_switches: the context-switch counts of /proc/<pid>/status */
static void status_switches(pid_t pid, struct broker_mark *b)
{
	char path[64], line[256];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if (!(f = fopen(path, "re")))
		return;
	while (fgets(line, sizeof(line), f)) {
		sscanf(line, "voluntary_ctxt_switches: %ld", &b->vol_cs);
		sscanf(line, "nonvoluntary_ctxt_switches: %ld", &b->invol_cs);
	}
	fclose(f);
}

void broker_mark_take(pid_t pid, struct broker_mark *b)
{
	struct timespec ts;
	clockid_t clk;

	memset(b, 0, sizeof(*b));
	if (pid <= 0 || clock_getcpuclockid(pid, &clk) != 0 || clock_gettime(clk, &ts) != 0)
		return;
	b->cpu_ns = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
	if (stat_fields(pid, b) < 0)
		return;
	status_switches(pid, b);
	b->ok = 1;
}

int broker_usage(const struct broker_mark *a, const struct broker_mark *b,
		 uint64_t wall_ns, struct worker_usage *out)
{
	double tick = (double)sysconf(_SC_CLK_TCK);

	if (!a->ok || !b->ok || b->cpu_ns < a->cpu_ns)
		return -1;
	memset(out, 0, sizeof(*out));
	out->user_s = (double)(b->utime - a->utime) / tick;
	out->sys_s = (double)(b->stime - a->stime) / tick;
	out->util_pct = wall_ns ? 100.0 * (double)(b->cpu_ns - a->cpu_ns) / (double)wall_ns : 0;
	out->vol_cs = b->vol_cs - a->vol_cs;
	out->invol_cs = b->invol_cs - a->invol_cs;
	out->cpu = b->cpu;
	return 0;
}
