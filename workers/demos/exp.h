/* exp.h -- what the demos that run their own experiment share: their output
   lines (steps, progress, points), forked workers, shared mappings, timing */
#ifndef IPCSCOPE_EXP_H
#define IPCSCOPE_EXP_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/types.h>

#include <cjson/cJSON.h>

#include "probe/interference.h"
#include "demos/dparam.h"

#define EXP_PROGRESS_S 0.25      /* a running step reports this often */
#define EXP_SLACK 3.0            /* a busy machine may take this many times the plan */
#define EXP_GRACE_S 5.0          /* ... and this much more, before a step is killed */
#define EXP_WHY_LEN 400          /* why a lesson's comparison does not hold */

/* Where an experiment's lines go. emit takes ownership of the line; with
   emit NULL the lines are dropped (unit tests). */
struct exp_out {
	void (*emit)(void *ctx, cJSON *line);
	void *ctx;
	const char *run;         /* run id put in every line */
	int steps;               /* planned steps of the whole experiment */
	int step;                /* the running one, 1-based; 0 before the first */
	char label[96];          /* what the running step does */
	double step_t0;
	double step_expect_s;    /* planned length of the running step */
	char why[EXP_WHY_LEN];   /* exp_claim: why a comparison of the lesson does not hold */
};

/* An experiment a demo runs itself (rather than a list of mechanism jobs):
   its params, the chart that fits its "point" lines, and how to run it. */
struct exp_demo {
	const struct dparam *params;  /* NULL-name-terminated; NULL: takes none */
	size_t params_size;           /* sizeof the params struct they fill */
	const char *chart;            /* JSON: {"kind", "y", "unit", ...}, see docs/API.md */
	/* the chart for these params when it depends on them (NULL: chart) */
	const char *(*chart_for)(const void *params);
	/* runs with parsed params, writes the lesson; 0 or -1 with err */
	int (*run)(const void *params, struct exp_out *o, char *lesson, size_t len,
		   char *err, size_t errlen);
};

/* exp_text_line: the text view of an experiment's start, progress (each
   step once, numbered) or point line onto f; 1 when it was one of those,
   0 for any other line (the run's own text view shows it); *step is the
   step last shown */
int exp_text_line(FILE *f, const cJSON *l, int *step);

/* exp_now: CLOCK_MONOTONIC in seconds */
double exp_now(void);

/* exp_stop: asks the running experiment to stop (signal-safe) */
void exp_stop(void);

/* exp_stopped: 1 once exp_stop was called */
int exp_stopped(void);

/* exp_plan: the experiment will run steps steps (o may be NULL) */
void exp_plan(struct exp_out *o, int steps);

/* exp_begin: ends the running step (a progress line at 1) and starts the
   next, named label, planned to last expect_s (a progress line at 0) */
void exp_begin(struct exp_out *o, const char *label, double expect_s);

/* exp_progress: a progress line for the running step, done in 0..1 */
void exp_progress(struct exp_out *o, double done);

/* exp_point_new: a new "point" line: one measured figure set of the
   running step, drawn as label (bar) or as series over x (line) */
cJSON *exp_point_new(const struct exp_out *o, const char *label, const char *series,
		     double x);

/* exp_emit: hands a line to the output (ownership taken) */
void exp_emit(struct exp_out *o, cJSON *line);

/* exp_shared: a zeroed anonymous shared mapping of len bytes, gone when
   the last process unmaps or exits; NULL on failure */
void *exp_shared(size_t len);

/* exp_unshare: unmaps what exp_shared returned */
void exp_unshare(void *p, size_t len);

/* exp_cpus: how many CPUs this process may run on */
int exp_cpus(void);

/* exp_fork: starts fn(arg, idx) in a child that dies with its parent,
   pinned to the idx-th allowed CPU when pin is set; the child _exits
   with fn's return value; the child's pid, or -1 with a message in err */
pid_t exp_fork(int (*fn)(void *arg, int idx), void *arg, int idx, int pin,
	       char *err, size_t errlen);

/* exp_wait: reaps the n children in pids, with a progress line every
   EXP_PROGRESS_S; kills all of them once the step overruns EXP_SLACK times
   its plan plus EXP_GRACE_S, or exp_stop was called; adds their CPU time to *cpu_s
   (user + system, may be NULL); 0 when every child exited 0, else -1
   with a message in err */
int exp_wait(struct exp_out *o, pid_t *pids, int n, double *cpu_s, char *err, size_t errlen);

/* exp_kill_all: SIGKILLs and reaps the n children in pids (those > 0) */
void exp_kill_all(pid_t *pids, int n);

/* exp_wait_go: spins until *go is set (yielding the CPU between looks when
   yield is set): every worker of a step starts at the same moment */
void exp_wait_go(volatile int *go, int yield);

/* exp_full_io: reads (wr 0) or writes (wr 1) all len bytes of a stream,
   over short transfers and EINTR; 0, or -1 on error or end of stream */
int exp_full_io(int fd, void *buf, size_t len, int wr);

/* exp_tcp_pair: a loopback TCP connection, sv[0] connected to sv[1];
   0, or -1 with a message in err */
int exp_tcp_pair(int sv[2], char *err, size_t errlen);

/* exp_lesson_add: appends printf-style text to the lesson in buf */
void exp_lesson_add(char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* --- whether a comparison a lesson draws holds (exp_check.c) ---------------

   A lesson that says "A was 5× faster than B" rests on each side's reps.
   Each side is judged first: a side that ran once shows nothing of its
   spread; from EXP_SURE_REPS reps the robust tools judge it (two regimes,
   outliers, an interval of the median wider than trust.h allows). A claim
   that the sides differ then needs their ranges over reps apart, and, when
   a side has fewer than EXP_SURE_REPS reps or more than half of its reps
   were disturbed by other processes (trust_disturbed), a gap between the
   medians wider than the spread (max/min) within either side. */
#define EXP_SURE_REPS 3

/* One side of a comparison: one figure's value in each rep. */
struct exp_side {
	const char *name;                   /* "same cache line" */
	const double *x;                    /* the figure of each rep, > 0 */
	int n;                              /* reps */
	const struct interference *in;      /* what disturbed each rep, or NULL */
};

enum exp_claim_kind {
	EXP_DIFFERS,       /* "A was N× faster than B" */
	EXP_ALIKE,         /* "A and B were about the same" */
};

struct exp_cmp {
	struct exp_side a, b;
	const char *unit;                   /* "increments/s", "ns", "s", "B/s" */
	bool higher;                        /* a higher figure is better */
	enum exp_claim_kind kind;
};

/* exp_compare: whether a lesson may draw c's claim (the rule above): 1, or
   0 with the reason in why ("A ran once: ..."); why is "" when it holds */
int exp_compare(const struct exp_cmp *c, char *why, size_t len);

/* exp_claim: exp_compare, keeping the first reason a claim fails in o->why,
   which the engine puts before the lesson (exp_caveat) and into the
   lesson line's unreliable; 1 when the claim holds (o may be NULL) */
int exp_claim(struct exp_out *o, const struct exp_cmp *c);

/* exp_caveat: when why is not empty, text (of room len) becomes
   "Unreliable here (why), so take this with care: text": the words every
   lesson resting on figures that do not hold starts with */
void exp_caveat(char *text, size_t len, const char *why);

#endif
