/* node.c -- Node.js: a node process and its child_process.fork child, process.send */
#include <cjson/cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
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

/* The node pair of a run: started by the run's process at the first rep
   and kept for the next ones (a node start costs a few hundred ms, more
   than a short rep), in a shared page so a worker can say whether it left
   the pair between reps; a new run directory or serialization, or a rep
   that did not finish cleanly, starts a new pair. */
struct node_pool {
	pid_t owner;                   /* the process that started the pair */
	pid_t sender, receiver;
	int res_fd, go_fd;             /* results from node, "go" to node */
	int serialization;
	int busy;                      /* a rep was handed to the pair and its
					  results not read whole yet */
	char dir[4096];                /* the run directory the pair lives in */
	char script[4096];
};

static struct node_pool *pool;

/* node's own setting: how process.send serializes (NODE_SER_* order) */
enum { NODE_OPT_SERIALIZATION };
enum { NODE_SER_JSON, NODE_SER_ADVANCED };
static const char *const serialization_values[] = { "json", "advanced", NULL };
static const struct mech_option node_options[] = {
	[NODE_OPT_SERIALIZATION] = { "serialization", serialization_values,
				     "json: JSON lines; advanced: the V8 serializer" },
	{ NULL, NULL, NULL },
};

/* pool_stop: the pair, whether it is between reps or inside one */
static void pool_stop(void)
{
	if (!pool || pool->owner != getpid())
		return;
	io_close(&pool->go_fd);       /* end of fd 4: the pair exits */
	io_close(&pool->res_fd);
	/* the receiver is the sender's child, not ours to signal (its pid may
	   be someone else's by now): it exits when the sender's channel closes */
	if (pool->receiver > 0)
		cleanup_unrecord_pid(pool->dir, pool->receiver);
	spawn_stop(pool->sender, NODE_STOP_GRACE_MS, pool->dir);
	if (pool->script[0])
		unlink(pool->script);
	pool->sender = pool->receiver = 0;
	pool->script[0] = '\0';
	pool->owner = 0;
}

static void pool_stop_at_exit(void)
{
	pool_stop();
}

/* pool_script: node.js written to the run directory; 0 or -errno */
static int pool_script(const struct mech *m)
{
	int fd, rc;

	if ((size_t)snprintf(pool->script, sizeof(pool->script), "%s/%s-node.js", m->tmpdir,
			     m->tag) >= sizeof(pool->script)) {
		pool->script[0] = '\0';
		return -ENAMETOOLONG;
	}
	fd = open(pool->script, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		pool->script[0] = '\0';
		return -errno;
	}
	rc = io_write_all(fd, node_mech_js, strlen(node_mech_js));
	close(fd);
	return rc;
}

/* pool_start: the sender node with fd 3 for results and fd 4 for "go",
   until it says its child is ready; 0 or -errno */
static int pool_start(const struct mech *m)
{
	char cfg[64], line[NODE_LINE_MAX];
	char *argv[] = { "node", pool->script, cfg, NULL };
	struct spawn_fds fds = { .nkeep = 2 };
	int res[2] = { -1, -1 }, go[2] = { -1, -1 }, n, rc;

	pool->owner = getpid();
	pool->res_fd = pool->go_fd = -1;
	pool->serialization = m->opt[NODE_OPT_SERIALIZATION];
	snprintf(pool->dir, sizeof(pool->dir), "%s", m->tmpdir);
	snprintf(cfg, sizeof(cfg), "{\"serialization\":\"%s\"}",
		 serialization_values[pool->serialization]);
	if ((rc = pool_script(m)) < 0)
		return rc;
	if (pipe2(res, O_CLOEXEC) < 0 || pipe2(go, O_CLOEXEC) < 0) {
		rc = -errno;
		goto out;
	}
	fds.keep[0] = res[1];
	fds.keep[1] = go[0];
	pool->sender = spawn_helper(argv, &fds, m->tmpdir);
	if (pool->sender < 0) {
		rc = pool->sender;
		pool->sender = 0;
		goto out;
	}
	pool->res_fd = res[0];
	pool->go_fd = go[1];
	res[0] = go[1] = -1;
	n = spawn_read_line(pool->res_fd, line, sizeof(line), NODE_READY_MS);
	if (n < 0 || sscanf(line, "ready %d", &pool->receiver) != 1 || pool->receiver <= 0) {
		rc = n < 0 ? n : -EPROTO;
		pool->receiver = 0;
		goto out;
	}
	rc = cleanup_record_pid(m->tmpdir, pool->receiver);
out:
	io_close(&res[0]);
	io_close(&res[1]);
	io_close(&go[0]);
	io_close(&go[1]);
	return rc;
}

/* node_create: the run's pair, started now unless the one running fits */
static int node_create(struct mech *m)
{
	static int registered;
	int rc;

	if (!pool) {
		void *p = mmap(NULL, sizeof(*pool), PROT_READ | PROT_WRITE,
			       MAP_SHARED | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED)
			return -errno;
		pool = p;
	}
	if (!registered && atexit(pool_stop_at_exit) == 0)
		registered = 1;
	/* a sender that exited is reaped here, and forgotten: never signalled */
	if (pool->owner == getpid() && pool->sender > 0 && waitpid(pool->sender, NULL, WNOHANG) != 0)
		pool->sender = 0;
	if (pool->owner == getpid() && (pool->busy || pool->sender <= 0 ||
	    pool->serialization != m->opt[NODE_OPT_SERIALIZATION] ||
	    strcmp(pool->dir, m->tmpdir) != 0))
		pool_stop();
	if (pool->owner != getpid()) {
		memset(pool, 0, sizeof(*pool));
		if ((rc = pool_start(m)) < 0) {
			pool_stop();
			return rc;
		}
	}
	m->priv = pool;
	m->kept[0] = pool->sender;
	m->kept[1] = pool->receiver;
	return 0;
}

static int node_open(struct mech *m, enum mech_role role)
{
	(void)m;
	return role == ROLE_SENDER ? 0 : -EINVAL;   /* one worker runs both */
}

/* node_config: the rep's settings as the JSON node.js reads after "go " */
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
	s = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	return s;
}

/* node_pin: every thread of pid onto cpu, or back onto the CPUs this
   worker may use when cpu < 0 (an earlier rep may have pinned the pair) */
static void node_pin(pid_t pid, int cpu)
{
	char path[64];
	struct dirent *e;
	cpu_set_t set;
	DIR *d;

	CPU_ZERO(&set);
	if (cpu >= 0)
		CPU_SET(cpu, &set);
	else if (sched_getaffinity(0, sizeof(set), &set) < 0)
		return;
	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	if (!(d = opendir(path)))
		return;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			sched_setaffinity(atoi(e->d_name), sizeof(set), &set);
	closedir(d);
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
static int node_results(struct node_pool *p, struct mech_run *r)
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

/* node_go: "go <config>" to the sender: the rep starts; 0 or -errno */
static int node_go(struct node_pool *p, const struct mech *m, const struct mech_run *r)
{
	char *cfg = node_config(m, r);
	int rc;

	if (!cfg)
		return -ENOMEM;
	rc = io_write_all(p->go_fd, "go ", 3);
	if (rc == 0)
		rc = io_write_all(p->go_fd, cfg, strlen(cfg));
	if (rc == 0)
		rc = io_write_all(p->go_fd, "\n", 1);
	free(cfg);
	return rc;
}

static int node_run(struct mech *m, struct mech_run *r)
{
	struct node_pool *p = m->priv;
	int rc;

	node_pin(p->sender, r->cpu[ROLE_SENDER]);
	node_pin(p->receiver, r->cpu[ROLE_RECEIVER]);
	p->busy = 1;        /* until the results are in, the pair is inside a rep */
	if ((rc = node_go(p, m, r)) < 0 || (rc = node_results(p, r)) < 0)
		return rc;
	p->busy = 0;
	return 0;
}

/* node_close: the worker's end; the pair stays for the next rep */
static void node_close(struct mech *m)
{
	(void)m;
}

/* node_destroy: a pair a rep left in the middle of a rep is stopped */
static void node_destroy(struct mech *m)
{
	if (m->priv && pool->busy)
		pool_stop();
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
	.cleanup = "the script in the run directory; two node processes started "
		   "once per run and kept between its reps, that exit at the end of "
		   "the run, die with the run's process (parent-death signal, then "
		   "the child's channel closes), and are stopped by the start-up "
		   "sweep after a killed run (pids recorded in the run directory)",
	.limits = node_limits,
	.create = node_create,
	.open = node_open,
	.run = node_run,
	.close = node_close,
	.destroy = node_destroy,
	.finish = pool_stop,
};
