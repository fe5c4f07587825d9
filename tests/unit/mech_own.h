/* mech_own.h -- test_mech's cases for mechanisms that run the rep themselves (ops->run), and its process leftover check */
#ifndef IPCSCOPE_TEST_MECH_OWN_H
#define IPCSCOPE_TEST_MECH_OWN_H

#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mech/mech.h"

#define OWN_WARMUP 10

/* own_size_tested: the sizes a self-running mechanism is walked at (each
   case starts a foreign runtime: two sizes say enough) */
static int own_size_tested(size_t size)
{
	return size == 1 || size == 4096;
}

/* own_check: exit-code-like verdict on what run() reported: 0 when every
   timed message arrived once, in order and intact, and the times hold */
static int own_check(const struct mech_run *r, enum bench_mode mode, uint64_t count)
{
	const struct mech_run_side *s = &r->side[ROLE_SENDER], *v = &r->side[ROLE_RECEIVER];

	for (int i = 0; i < 2; i++)
		if (r->side[i].lost || r->side[i].duplicated || r->side[i].reordered ||
		    r->side[i].corrupted || r->side[i].t_end_ns < r->side[i].t_start_ns ||
		    !r->side[i].t_start_ns)
			return 1;
	if (v->received != count)
		return 2;
	if (mode == MODE_LATENCY) {
		if (r->nrtt != count || s->received != count)
			return 3;
		for (size_t i = 0; i < r->nrtt; i++)
			if (r->rtt_ns[i] == 0)
				return 4;
	}
	return 0;
}

/* run_own: the case through ops->run; status[0] its verdict, status[1]
   whether open and run worked */
static void run_own(struct mech *m, uint64_t count, int status[2])
{
	struct mech_run r = { .count = count, .warmup = OWN_WARMUP, .verify = 1,
			      .cpu = { -1, -1 } };
	int rc;

	m->role = ROLE_SENDER;
	if ((rc = m->ops->open(m, ROLE_SENDER)) == 0)
		rc = m->ops->run(m, &r);
	m->ops->close(m);
	if (rc)
		fprintf(stderr, "# %s: run: %s\n", m->ops->name, strerror(-rc));
	status[1] = rc ? 1 : 0;
	status[0] = rc ? 1 : own_check(&r, m->mode, count);
	free(r.rtt_ns);
}

/* procs_naming: processes whose command line names dir (a bus daemon or a
   node process a case started and did not stop) */
static int procs_naming(const char *dir)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	char path[300], cmd[4096];
	int n = 0;

	if (!d)
		return 0;
	while ((e = readdir(d))) {
		ssize_t len;
		int fd;

		if (e->d_name[0] < '1' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/cmdline", e->d_name);
		if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
			continue;
		len = read(fd, cmd, sizeof(cmd) - 1);
		close(fd);
		for (ssize_t i = 0; i < len; i++)
			cmd[i] = cmd[i] ? cmd[i] : ' ';
		cmd[len > 0 ? len : 0] = '\0';
		if (strstr(cmd, dir)) {
			fprintf(stderr, "# left behind: pid %s: %s\n", e->d_name, cmd);
			n++;
		}
	}
	closedir(d);
	return n;
}

#endif
