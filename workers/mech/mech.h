/* mech.h -- the interface every IPC mechanism implements (one file each in workers/mech/) */
#ifndef IPCSCOPE_MECH_H
#define IPCSCOPE_MECH_H

#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>
#include <sys/types.h>

enum mech_family {
	FAM_SHARED_MEMORY,
	FAM_KERNEL_STREAM,
	FAM_KERNEL_MESSAGE,
	FAM_NOTIFICATION,
	FAM_BASELINE,
	FAM_LIBRARY,
};

enum mech_role { ROLE_SENDER, ROLE_RECEIVER };

enum bench_mode { MODE_THROUGHPUT, MODE_LATENCY };

#define MECH_MAX_GRANTED 8
#define MECH_MAX_OPTIONS 4
#define MECH_NAME_MAX 64

/*
 * A setting of one mechanism beyond the common params (shm's "sync").
 * Declared once beside the mechanism's ops; the param parser, `list`,
 * /api/mechanisms, --help and the page's form all read it from there.
 * The first value is the default. A value chosen for a rep reaches the
 * mechanism as an index into values, in m->opt[i] for ops->options[i].
 */
struct mech_option {
	const char *name;             /* param name: "sync" */
	const char *const *values;    /* NULL-terminated, the default first */
	const char *help;             /* what it picks, one short line */
	const char *cross_host;       /* the value the two ends need to be on
					 two hosts (`peer=`, ops->cross_host);
					 NULL: every value can */
};

/* One "what the kernel actually gave" fact, reported in the start line. */
struct mech_granted {
	const char *key;   /* static string, e.g. "pipe_buffer_bytes" */
	long long value;
};

struct mech_ops;
struct mech_rep;
struct rep_result;

/* Cross-host runs: where this side's data socket binds, and the other
   host's data address once the control connection has told it. */
struct mech_net {
	struct sockaddr_in local;      /* bind here (port 0: any); the port
					  net_listen got is written back */
	struct sockaddr_in remote;     /* the other side's data socket */
	int accept_ms;                 /* net_join waits this long for it */
};

/*
 * One instance of a mechanism for one rep. The harness fills the first
 * block, create() may record granted settings, and priv is the backend's.
 * After fork each worker holds its own copy of this struct.
 */
struct mech {
	const struct mech_ops *ops;
	size_t msg_size;           /* bytes per message, within ops limits */
	enum bench_mode mode;      /* latency mode needs both directions */
	int opt[MECH_MAX_OPTIONS]; /* value index of each ops->options[i]
				      (0: its default) */
	enum mech_role role;       /* set by the harness before open() */
	int timeout_ms;            /* recv waits at most this long where the
				      kernel offers a timeout; -ETIMEDOUT */
	pid_t peer_pid;            /* the other worker; set before open() */
	const char *tmpdir;        /* private run directory (fifo, mmap file,
				      socket files); removed by the harness */
	const char *tag;           /* unique per rep: "ipcscope-<pid>-<rep>",
				      prefix for every kernel object name */
	struct mech_granted granted[MECH_MAX_GRANTED];
	int ngranted;
	pid_t broker_pid;          /* a third process create() started that
				      carries the messages (a bus daemon):
				      its CPU time is reported as the
				      broker's; 0 when none */
	pid_t kept[2];             /* helper processes create() keeps from rep
				      to rep (a node pair): not reaped after
				      the rep, so the harness adds their CPU
				      time in the rep to the run's own rather
				      than count it as other load; 0: none */
	int rep_ok;                /* set by the harness before destroy(): 1
				      when the rep ended cleanly, so a helper
				      kept from rep to rep is fit for the next */
	void *priv;                /* backend state, NULL until create() */
	struct mech_net *net;      /* cross-host runs only, else NULL */
};

/*
 * Limits of a mechanism on this machine: min/max message size in bytes
 * and why (a sentence naming the limit, e.g. the sysctl it comes from).
 */
struct mech_limits {
	size_t min_size;
	size_t max_size;
	char why[160];
};

/*
 * A rep that a mechanism runs itself (ops->run): for runtimes whose
 * processes are not ipcscope's, like node.js. The harness fills the first
 * block; run() fills the rest with what each side measured, under the
 * harness's rules (CLOCK_MONOTONIC, timed after the warm-up, verified).
 */
struct mech_run_side {
	uint64_t received;             /* timed messages taken in (sender, latency:
					  round trips) */
	uint64_t lost, duplicated, reordered, corrupted;
	uint64_t t_start_ns, t_end_ns; /* its timed section */
	double user_s, sys_s, util_pct;
	long vol_cs, invol_cs;
	int cpu;                       /* CPU it ran on last, -1 unknown */
};

struct mech_run {
	uint64_t count;                /* timed messages; 0: run for duration */
	double duration;               /* seconds */
	uint64_t warmup;
	int verify;
	int cpu[2];                    /* by enum mech_role, -1: not pinned */
	struct mech_run_side side[2];  /* by enum mech_role */
	uint64_t *rtt_ns;              /* latency: malloc'ed round trips, freed
					  by the harness */
	size_t nrtt;
};

struct mech_ops {
	/* catalogue */
	const char *name;         /* "pipe", "unix", "shm-ring", ... */
	const char *summary;      /* one sentence a student understands */
	enum mech_family family;
	const char *copies;       /* payload copies per message, explained:
				     "2: user->kernel, kernel->user" */
	const char *cleanup;      /* kernel object made and how it goes away */
	int threads;              /* 1: both roles run as threads of one process */
	int lossy;                /* 1: messages may be dropped (datagrams): a
				     receive timeout counts as loss; otherwise
				     it only means "still waiting" */
	int drain_before_close;   /* 1: a stream sender that closes while the
				     receiver still has a backlog may lose its
				     tail (zmq drops what a full receive queue
				     holds when the peer goes): it waits, bounded,
				     until the receiver has every message */
	int cross_host;           /* 1: the two ends can be on two hosts
				     (`peer=`), with each option at its
				     cross_host value; net_listen and
				     net_join set */

	/* the mechanism's own settings, {NULL}-terminated; NULL: none */
	const struct mech_option *options;

	/* fill *lim for this machine; NULL means 1..64M */
	void (*limits)(struct mech_limits *lim);

	/* The hooks below return 0 or -errno (an errno value, negated): a
	   mechanism is a thin layer over system calls and keeps their
	   contract. The rep above it turns a failure into its kind
	   (enum error_kind, base/error.h) and a message; params and runs fail
	   with param_error_set and error_set. */

	/* parent, before fork: 0 or -errno; may add m->granted entries */
	int  (*create)(struct mech *m);
	/* each worker after fork: keep own end, close the other; 0 or -errno */
	int  (*open)(struct mech *m, enum mech_role role);
	/* one whole message of m->msg_size bytes to the peer: 0 or -errno */
	int  (*send)(struct mech *m, const void *buf, size_t len);
	/* one whole message from the peer into buf: 0, -EPIPE when the peer
	   is gone, -ETIMEDOUT after m->timeout_ms where supported, or -errno */
	int  (*recv)(struct mech *m, void *buf, size_t len);
	/* optional, instead of send/recv: the whole rep in one worker (after
	   open(m, ROLE_SENDER), before close), filling r; 0 or -errno */
	int  (*run)(struct mech *m, struct mech_run *r);
	/* worker, own end */
	void (*close)(struct mech *m);
	/* parent, after both workers are reaped and before destroy: may add
	   m->granted entries saying how the rep went; NULL: nothing to say */
	void (*collect)(struct mech *m);
	/* parent, after both workers are reaped: release and unlink all;
	   must be safe after a partial or failed create() */
	void (*destroy)(struct mech *m);
	/* the run's process, as the run ends (and at exit): stop the helpers
	   kept from rep to rep (m->kept); NULL: nothing is kept */
	void (*finish)(void);

	/* cross-host (`peer=`): set only by mechanisms whose two ends can be
	   on two hosts. In the parent instead of create(), with m->role and
	   m->net set, and m->opt at the options' cross_host values: net_listen makes this side's data socket bound to
	   net->local and writes its port back; once net->remote is known,
	   net_join connects (sender) or accepts/connects (receiver), leaving
	   the role's end for open(). 0 or -errno; destroy() releases. */
	int  (*net_listen)(struct mech *m);
	int  (*net_join)(struct mech *m);

	/* unlike run (one rep inside a worker the harness forks, handing
	   back raw round trips), a mechanism whose two ends are not processes
	   of this run at all (mpi: two ranks of an mpirun, or this very
	   process as rank 0 of someone else's) runs each rep itself: 0 with
	   *out filled, or -1 with a message in err and *code set; create
	   to destroy are then NULL */
	int  (*run_rep)(const struct mech_rep *r, struct rep_result *out,
			char *err, size_t errlen, const char **code);
};

/* mech_granted_add: records one granted setting; silently ignores overflow
   of MECH_MAX_GRANTED (a programming error caught by the registry test). */
void mech_granted_add(struct mech *m, const char *key, long long value);

/* mech_find: the mechanism called name, or NULL */
const struct mech_ops *mech_find(const char *name);

/* mech_registry: NULL-terminated table of every mechanism, in catalogue
   order (workers/mech/registry.c) */
extern const struct mech_ops *const mech_registry[];

/* mech_cross_host_blocker: the option whose value in opt (as struct
   mech's) keeps ops's two ends on one host, or NULL when ops crosses
   hosts with opt; only for ops->cross_host mechanisms */
const struct mech_option *mech_cross_host_blocker(const struct mech_ops *ops,
						  const int opt[MECH_MAX_OPTIONS]);

/* mech_cross_host_text: "tcp" or "zmq (transport=tcp)": ops and the
   option values it crosses hosts with, into buf */
void mech_cross_host_text(const struct mech_ops *ops, char *buf, size_t len);

/* mech_limits_of: limits of ops on this machine (defaults when no hook) */
void mech_limits_of(const struct mech_ops *ops, struct mech_limits *lim);

const char *mech_family_name(enum mech_family f);

/* mech_option_count: number of ops->options */
int mech_option_count(const struct mech_ops *ops);

/* mech_option_index: index of option name in ops->options, or -1 */
int mech_option_index(const struct mech_ops *ops, const char *name);

/* mech_option_value: index of value v in o->values, or -1 */
int mech_option_value(const struct mech_option *o, const char *v);

/* mech_option_values_text: "a, b or c" of o->values into buf */
void mech_option_values_text(const struct mech_option *o, char *buf, size_t len);

/* mech_send, mech_recv: one message through m's mechanism */
static inline int mech_send(struct mech *m, const void *buf, size_t len)
{
	return m->ops->send(m, buf, len);
}

static inline int mech_recv(struct mech *m, void *buf, size_t len)
{
	return m->ops->recv(m, buf, len);
}

#define MECH_SIZE_MAX_DEFAULT ((size_t)64 << 20)

#endif
