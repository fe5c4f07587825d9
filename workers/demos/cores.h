/* cores.h -- the experiments of the demos that run their own (race,
   false-sharing, framing, contention, zero-copy, cleanup, peercred,
   serialization, decide): params, what each measured, and its lesson */
#ifndef IPCSCOPE_CORES_H
#define IPCSCOPE_CORES_H

#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "demos/exp.h"

/* Every *_run fills its result and returns 0, or -1 with a lowercase message
   in err; every *_lesson writes two or three sentences computed from the
   result into buf. */

/* The experiments, one per demo file, for the demo table. */
extern const struct exp_demo race_exp, fs_exp, framing_exp, ct_exp, zc_exp, cleanup_exp,
	peercred_exp, ser_exp, decide_exp;

/* --- race ------------------------------------------------------------------ */
#define RACE_PROCS_MAX 16

enum race_variant { RACE_NONE, RACE_ATOMIC, RACE_MUTEX, RACE_OWNER, RACE_NVARIANTS };

extern const char *const race_variant_names[RACE_NVARIANTS];

struct race_params {
	int procs;                /* adding processes */
	uint64_t adds;            /* increments each */
};

struct race_outcome {
	int ok;
	uint64_t expected, actual;
	double elapsed_s, cpu_s;
};

struct race_result {
	struct race_params p;
	struct race_outcome v[RACE_NVARIANTS];
};

int race_run(const struct race_params *p, struct race_result *r, struct exp_out *o,
	     char *err, size_t errlen);
void race_lesson(const struct race_result *r, char *buf, size_t len);

/* --- false-sharing ----------------------------------------------------- */
#define FS_NLAYOUTS 3
#define FS_REPS_MAX 5

extern const int fs_gaps[FS_NLAYOUTS];   /* bytes between the two counters */

struct fs_params {
	double duration;          /* seconds per layout and rep */
	int reps;
};

struct fs_layout {
	int ok;
	int gap;
	double rate[2];           /* increments/s of each process, median over reps */
	double total;             /* both together: the median over reps of their sum */
	double cpu_share[2];      /* CPU time / wall of each process, median */
	double totals[FS_REPS_MAX]; /* both together, each rep */
	int n;                    /* reps */
};

struct fs_result {
	struct fs_params p;
	int cpus;
	struct fs_layout l[FS_NLAYOUTS];
};

int fs_run(const struct fs_params *p, struct fs_result *r, struct exp_out *o,
	   char *err, size_t errlen);
void fs_lesson(const struct fs_result *r, char *buf, size_t len);

/* --- peercred --------------------------------------------------------------- */
struct peercred_ids {
	long pid, uid, gid;
};

struct peercred_result {
	struct peercred_ids truth;      /* what the sender process really is */
	struct peercred_ids claimed;    /* what its message said it was (a lie) */
	struct peercred_ids peercred;   /* SO_PEERCRED on the accepted connection */
	struct peercred_ids scm;        /* SCM_CREDENTIALS on its message */
	int forge_errno;                /* sendmsg with forged credentials: errno */
	struct peercred_ids shm_claimed;/* what the shared-memory writer wrote */
};

int peercred_run(struct peercred_result *r, struct exp_out *o, char *err, size_t errlen);
void peercred_lesson(const struct peercred_result *r, char *buf, size_t len);

/* --- cleanup ------------------------------------------------------------------ */
enum cleanup_object { CL_SHM, CL_FIFO, CL_SOCKET, CL_SYSV, CL_NOBJECTS };

extern const char *const cleanup_object_names[CL_NOBJECTS];

struct cleanup_result {
	int naive_pid;                    /* the worker that was killed */
	char where[CL_NOBJECTS][160];     /* path, or "msqid N" */
	int left[CL_NOBJECTS];            /* there after the SIGKILL */
	int restart_errno[CL_NOBJECTS];   /* what a second naive start hit (0: none) */
	int swept;                        /* objects the sweep removed (any run's) */
	int after[CL_NOBJECTS];           /* still there after the sweep */
};

int cleanup_demo_run(struct cleanup_result *r, struct exp_out *o, char *err, size_t errlen);
void cleanup_demo_lesson(const struct cleanup_result *r, char *buf, size_t len);

/* --- framing ------------------------------------------------------------------ */
enum framing_kind { FR_NEWLINE, FR_LENGTH, FR_NKINDS };

extern const char *const framing_kind_names[FR_NKINDS];

struct framing_params {
	uint64_t count;           /* messages written, one write() each */
};

struct framing_outcome {
	int ok;
	uint64_t writes;          /* messages written, one write() each */
	uint64_t reads;           /* read() calls that returned data */
	uint64_t merged_reads;    /* reads holding bytes of more than one message */
	uint64_t split_msgs;      /* messages whose bytes came in more than one read */
	uint64_t naive_count;     /* what "one read = one message" counted */
	uint64_t naive_intact;    /* reads that held exactly one whole message */
	uint64_t framed_count;    /* what the framing parser recovered */
	uint64_t framed_verified; /* of those, right sequence number and bytes */
	double elapsed_s;
};

struct framing_result {
	struct framing_params p;
	struct framing_outcome k[FR_NKINDS];
};

int framing_run(const struct framing_params *p, struct framing_result *r, struct exp_out *o,
		char *err, size_t errlen);
void framing_lesson(const struct framing_result *r, char *buf, size_t len);

/* --- zero-copy ---------------------------------------------------------------- */
enum zc_variant { ZC_COPY, ZC_POOL, ZC_NVARIANTS };
#define ZC_REPS_MAX 5

extern const char *const zc_variant_names[ZC_NVARIANTS];

struct zc_params {
	uint64_t frame;           /* bytes per frame */
	uint64_t frames;          /* frames per rep */
	int slots;                /* buffers in the memfd pool */
	int reps;
};

struct zc_outcome {
	int ok;
	uint64_t frames, verified;   /* over all reps: checksums that matched */
	double bytes_per_s;          /* median over reps */
	double cpu_s_per_gb;         /* CPU seconds of both processes per GB moved */
	uint64_t wire_bytes;         /* bytes through the socket in one rep */
	double reps_bps[ZC_REPS_MAX];/* bytes/s of each rep */
	int n;                       /* reps */
};

struct zc_result {
	struct zc_params p;
	struct zc_outcome v[ZC_NVARIANTS];
};

int zc_run(const struct zc_params *p, struct zc_result *r, struct exp_out *o,
	   char *err, size_t errlen);
void zc_lesson(const struct zc_result *r, char *buf, size_t len);

/* --- contention ---------------------------------------------------------------- */
enum ct_queue { CT_LOCKFREE, CT_MUTEX, CT_MQ, CT_NQUEUES };
#define CT_NCOUNTS 4
#define CT_PRODUCERS_MAX 8
#define CT_REPS_MAX 5

extern const char *const ct_queue_names[CT_NQUEUES];
extern const int ct_producer_counts[CT_NCOUNTS];    /* 1, 2, 4, 8 */

struct ct_params {
	double duration;          /* seconds per queue and producer count */
	int reps;                 /* every cell this many times, interleaved (0: 1) */
};

struct ct_cell {
	int ok;
	uint64_t received;        /* messages the consumer took in the window */
	uint64_t out_of_order;    /* a producer's messages seen out of order */
	double msgs_per_s;
	double cpu_pct;           /* CPU of every process, % of one CPU */
};

struct ct_result {
	struct ct_params p;
	int cpus;
	struct ct_cell c[CT_NQUEUES][CT_NCOUNTS];   /* medians over reps */
	double kept[CT_NQUEUES][CT_REPS_MAX];       /* the rate at 8 producers over
						       the rate at 1, each rep */
	int reps;
};

int ct_run(const struct ct_params *p, struct ct_result *r, struct exp_out *o,
	   char *err, size_t errlen);
void ct_lesson(const struct ct_result *r, char *buf, size_t len);

/* --- serialization ------------------------------------------------------------- */
enum ser_format { SER_PACKED, SER_PROTOBUF, SER_JSON, SER_NFORMATS };
#define SER_TEXT_MAX 65536

extern const char *const ser_format_names[SER_NFORMATS];

struct ser_params {
	uint64_t count;           /* records sent per format */
	uint64_t text;            /* bytes of text in each record */
};

struct ser_outcome {
	int ok;
	uint64_t sent, verified;  /* records, and those that arrived equal */
	double wire_bytes;        /* per record, length prefix included */
	double encode_s, decode_s;/* CPU seconds per record, timed alone */
	double msgs_per_s;        /* over unix, encoding and decoding included */
	double cpu_s;             /* per record, both processes */
};

struct ser_result {
	struct ser_params p;
	struct ser_outcome f[SER_NFORMATS];
};

int ser_run(const struct ser_params *p, struct ser_result *r, struct exp_out *o,
	    char *err, size_t errlen);
void ser_lesson(const struct ser_result *r, char *buf, size_t len);

/* --- decide -------------------------------------------------------------------- */
#define DECIDE_BIG_BYTES (100 * 1000)      /* "> 100 KB ..." */
#define DECIDE_FAST_RATE 10000.0           /* "... at > 10 k/s" */
#define DECIDE_TIGHT_NS 1000.0             /* "< 1 µs latency" */
#define DECIDE_REPS_MAX 10

enum decide_branch { DB_REMOTE, DB_BIG_FAST, DB_TIGHT, DB_MESSAGES, DB_NBRANCHES };

struct decide_params {
	int remote;               /* the peer is on another machine */
	uint64_t size;            /* bytes per message */
	double rate;              /* messages/s needed, 0: no need stated */
	double latency_ns;        /* one-way bound, 0: none */
	double latency_us;        /* the same as given (a param) */
	double duration;          /* seconds per measured rep */
	int reps;
};

struct decide_plan {
	enum decide_branch branch;
	const char *rec, *alt;    /* mechanism names: recommended, runner-up */
	int latency;              /* measure latency (a bound was given) */
	const char *why;          /* the flow's answer in words */
};

struct decide_option {
	int ok;
	double msgs_per_s;        /* median over reps */
	double p50_ns;            /* one-way, latency mode */
	double cpu_pct;
	double fig[DECIDE_REPS_MAX];  /* each rep's p50_ns (latency mode) or msgs_per_s */
	struct interference in[DECIDE_REPS_MAX];  /* what disturbed each rep */
	int n;                    /* reps measured */
	char error[ERROR_MSG_MAX];
};

struct decide_result {
	struct decide_params p;
	struct decide_plan plan;
	struct decide_option rec, alt;
};

/* decide_answer: the decision flow's answer to p */
void decide_answer(const struct decide_params *p, struct decide_plan *plan);

int decide_run(const struct decide_params *p, struct decide_result *r, struct exp_out *o,
	       char *err, size_t errlen);
void decide_lesson(const struct decide_result *r, char *buf, size_t len);

#endif
