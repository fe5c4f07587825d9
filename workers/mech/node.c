/* node.c -- Node.js: a node process and its child_process.fork child, process.send */
#include <cjson/cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "mech/mech.h"
#include "mech/io.h"
#include "mech/spawn.h"

#define NODE_READY_MS 20000        /* node starts its child within this */
#define NODE_STOP_GRACE_MS 1000
#define NODE_LINE_MAX 4096
#define NODE_RTT_MAX (64u << 20)   /* round trips a result may carry */

/* The two processes' program, embedded from node.js next to this file. */
__asm__(".section .rodata\n"
	".global node_mech_js\n"
	"node_mech_js:\n"
	".incbin \"workers/mech/node.js\"\n"
	".byte 0\n"
	".previous\n");
extern const char node_mech_js[];

struct node_priv {
	char script[4096];
	pid_t sender, receiver;        /* the run worker's node processes */
	int res_fd, go_fd;             /* results from node, "go" to node */
};

/* node's own setting: how process.send serializes (NODE_SER_* order) */
enum { NODE_OPT_SERIALIZATION };
enum { NODE_SER_JSON, NODE_SER_ADVANCED };
static const char *const serialization_values[] = { "json", "advanced", NULL };
static const struct mech_option node_options[] = {
	[NODE_OPT_SERIALIZATION] = { "serialization", serialization_values,
				     "json: JSON lines; advanced: the V8 serializer" },
	{ NULL, NULL, NULL },
};

static int node_create(struct mech *m)
{
	struct node_priv *p = calloc(1, sizeof(*p));
	int fd, rc;

	if (!p)
		return -ENOMEM;
	p->res_fd = p->go_fd = -1;
	m->priv = p;
	if ((size_t)snprintf(p->script, sizeof(p->script), "%s/%s-node.js", m->tmpdir,
			     m->tag) >= sizeof(p->script))
		return -ENAMETOOLONG;
	fd = open(p->script, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		p->script[0] = '\0';
		return -errno;
	}
	rc = io_write_all(fd, node_mech_js, strlen(node_mech_js));
	close(fd);
	return rc;
}

static int node_open(struct mech *m, enum mech_role role)
{
	(void)m;
	return role == ROLE_SENDER ? 0 : -EINVAL;   /* one worker runs both */
}

/* node_config: the rep's settings as the JSON node.js reads from argv */
static char *node_config(const struct mech *m, const struct mech_run *r)
{
	cJSON *o = cJSON_CreateObject();
	char *s;

	if (!o)
		return NULL;
	cJSON_AddNumberToObject(o, "size", (double)m->msg_size);
	cJSON_AddStringToObject(o, "mode", m->mode == MODE_LATENCY ? "latency" : "throughput");
	cJSON_AddNumberToObject(o, "count", (double)r->count);
	cJSON_AddNumberToObject(o, "duration", r->duration);
	cJSON_AddNumberToObject(o, "warmup", (double)r->warmup);
	cJSON_AddBoolToObject(o, "verify", r->verify);
	cJSON_AddStringToObject(o, "serialization",
				serialization_values[m->opt[NODE_OPT_SERIALIZATION]]);
	s = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	return s;
}

/* node_pin: every thread of pid onto cpu (node's threads are made before
   ipcscope learns the child's pid, on the sender's CPU) */
static void node_pin(pid_t pid, int cpu)
{
	char path[64];
	struct dirent *e;
	cpu_set_t set;
	DIR *d;

	if (cpu < 0)
		return;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	if (!(d = opendir(path)))
		return;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			sched_setaffinity(atoi(e->d_name), sizeof(set), &set);
	closedir(d);
}

/* node_start: the sender node with fd 3 for results and fd 4 for "go",
   until it says its child is ready; 0 or -errno */
static int node_start(struct mech *m, const struct mech_run *r)
{
	struct node_priv *p = m->priv;
	char *cfg = node_config(m, r), line[NODE_LINE_MAX];
	char *argv[] = { "node", p->script, cfg, NULL };
	struct spawn_fds fds = { .nkeep = 2 };
	int res[2] = { -1, -1 }, go[2] = { -1, -1 }, n, rc = 0;

	if (!cfg)
		return -ENOMEM;
	/* the child outlives the sender by a moment: be the one to reap it */
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	if (pipe2(res, O_CLOEXEC) < 0 || pipe2(go, O_CLOEXEC) < 0) {
		rc = -errno;
		goto out;
	}
	fds.keep[0] = res[1];
	fds.keep[1] = go[0];
	p->sender = spawn_helper(argv, &fds, m->tmpdir);
	if (p->sender < 0) {
		rc = p->sender;
		p->sender = 0;
		goto out;
	}
	p->res_fd = res[0];
	p->go_fd = go[1];
	res[0] = go[1] = -1;
	n = spawn_read_line(p->res_fd, line, sizeof(line), NODE_READY_MS);
	if (n < 0 || sscanf(line, "ready %d", &p->receiver) != 1 || p->receiver <= 0) {
		rc = n < 0 ? n : -EPROTO;
		p->receiver = 0;
		goto out;
	}
	rc = cleanup_record_pid(m->tmpdir, p->receiver);
out:
	io_close(&res[0]);
	io_close(&res[1]);
	io_close(&go[0]);
	io_close(&go[1]);
	free(cfg);
	return rc;
}

static uint64_t jnum(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	if (cJSON_IsString(v))
		return strtoull(v->valuestring, NULL, 10);
	return cJSON_IsNumber(v) && v->valuedouble > 0 ? (uint64_t)v->valuedouble : 0;
}

/* node_side: one process's account as node.js reported it; 0 or -EPROTO */
static int node_side(const cJSON *o, struct mech_run_side *s)
{
	uint64_t t0 = jnum(o, "t0"), t1 = jnum(o, "t1");
	double cpu_s;

	if (!cJSON_IsObject(o) || t1 < t0)
		return -EPROTO;
	s->t_start_ns = t0;
	s->t_end_ns = t1;
	s->received = jnum(o, "received");
	s->lost = jnum(o, "lost");
	s->duplicated = jnum(o, "duplicated");
	s->reordered = jnum(o, "reordered");
	s->corrupted = jnum(o, "corrupted");
	s->user_s = (double)jnum(o, "user_us") / 1e6;
	s->sys_s = (double)jnum(o, "sys_us") / 1e6;
	cpu_s = s->user_s + s->sys_s;
	s->util_pct = t1 > t0 ? 100.0 * cpu_s / ((double)(t1 - t0) / 1e9) : 0;
	s->vol_cs = (long)jnum(o, "vol");
	s->invol_cs = (long)jnum(o, "invol");
	s->cpu = (int)cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(o, "cpu"));
	return 0;
}

/* node_results: the result line and the round trips that follow it */
static int node_results(struct node_priv *p, struct mech_run *r)
{
	static char line[NODE_LINE_MAX];
	cJSON *o;
	uint64_t n;
	int rc;

	/* no timeout: the harness ends a rep that outlives its deadline */
	if ((rc = spawn_read_line(p->res_fd, line, sizeof(line), -1)) < 0)
		return rc;
	if (!(o = cJSON_Parse(line)))
		return -EPROTO;
	rc = node_side(cJSON_GetObjectItemCaseSensitive(o, "snd"), &r->side[ROLE_SENDER]);
	if (rc == 0)
		rc = node_side(cJSON_GetObjectItemCaseSensitive(o, "rcv"), &r->side[ROLE_RECEIVER]);
	n = jnum(o, "nrtt");
	cJSON_Delete(o);
	if (rc < 0 || n == 0)
		return rc;
	if (n > NODE_RTT_MAX || !(r->rtt_ns = malloc(n * sizeof(uint64_t))))
		return -ENOMEM;
	r->nrtt = n;
	return io_read_all(p->res_fd, r->rtt_ns, n * sizeof(uint64_t));
}

static int node_run(struct mech *m, struct mech_run *r)
{
	struct node_priv *p = m->priv;
	int rc;

	if ((rc = node_start(m, r)) < 0)
		return rc;
	node_pin(p->receiver, r->cpu[ROLE_RECEIVER]);
	if ((rc = io_write_all(p->go_fd, "go\n", 3)) < 0)
		return rc;
	return node_results(p, r);
}

/* node_stop: both node processes, whether they finished or not */
static void node_stop(struct mech *m)
{
	struct node_priv *p = m->priv;

	io_close(&p->res_fd);
	io_close(&p->go_fd);
	spawn_stop(p->sender, NODE_STOP_GRACE_MS, m->tmpdir);
	/* the orphaned child is ours now (subreaper): its results are in */
	spawn_stop(p->receiver, NODE_STOP_GRACE_MS, m->tmpdir);
	p->sender = p->receiver = 0;
}

static void node_destroy(struct mech *m)
{
	struct node_priv *p = m->priv;

	if (!p)
		return;
	node_stop(m);
	if (p->script[0])
		unlink(p->script);
	free(p);
	m->priv = NULL;
}

static void node_limits(struct mech_limits *lim)
{
	snprintf(lim->why, sizeof(lim->why), "process.send takes any size; the 64 MiB "
		 "ipcscope cap");
}

const struct mech_ops mech_node = {
	.name = "node",
	.summary = "Node.js's IPC channel: a node process sends [seq, payload] "
		   "messages with process.send to its child_process.fork child, "
		   "serialized as JSON lines or with the V8 serializer (advanced); "
		   "timed inside node with process.hrtime.bigint().",
	.family = FAM_LIBRARY,
	.options = node_options,
	.copies = "at least 4: serialize into a string or buffer, into the kernel "
		  "pipe (socketpair) and out, then parse into a new object",
	.cleanup = "the script in the run directory; two node processes that exit "
		   "after the rep, die with their worker (parent-death signal, "
		   "then the child's channel closes), and are stopped by the "
		   "start-up sweep after a killed run (pids recorded in the run "
		   "directory)",
	.limits = node_limits,
	.create = node_create,
	.open = node_open,
	.run = node_run,
	.close = node_stop,
	.destroy = node_destroy,
};
