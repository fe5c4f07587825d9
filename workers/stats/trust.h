/* trust.h -- how far a job's figures hold: disturbed reps, outliers, two regimes, the median's interval; in JSON and in words */
#ifndef IPCSCOPE_TRUST_H
#define IPCSCOPE_TRUST_H

#include <stdbool.h>
#include <stdio.h>
#include <cjson/cJSON.h>

#include "probe/interference.h"
#include "stats/robust.h"

#define TRUST_MAX_REPS 100
#define TRUST_MAX_NOTES 4
#define TRUST_NOTE_LEN 200

/* A rep is disturbed when others took this share of its CPUs' time, or
   the hypervisor this share (steal). */
#define TRUST_DISTURBED_PCT 10.0
#define TRUST_STEAL_PCT 5.0

/* A job missing its ci target by this factor is too far off to compare. */
#define TRUST_FAR_FACTOR 2.0

/* Without a ci target, an interval of the median wider than this is too
   wide to rank mechanisms by. */
#define TRUST_WIDE_CI_PCT 25.0

struct trust {
	int n;                          /* reps judged */
	int outliers[TRUST_MAX_REPS];   /* rep numbers */
	int noutliers;
	int disturbed[TRUST_MAX_REPS];  /* rep numbers */
	int ndisturbed;
	struct robust_modes modes;
	struct robust_ci ci;
	bool has_ci;
	double ci_target;               /* percent; 0: none asked */
	bool ci_reached;
	bool platform_moved;            /* the line round trip moved between reps */
	char why[TRUST_NOTE_LEN];       /* "" when a comparison may rest on it */
	char notes[TRUST_MAX_NOTES][TRUST_NOTE_LEN];
	int nnotes;
};

/* trust_judge: judges n reps (x: the run's figure, reps: their numbers,
   in: what disturbed each, may be NULL); higher: whether a higher figure is
   better; ci_pct: the ci target (0: none); unit: the figure's unit for the
   words ("msgs/s", "ns") */
void trust_judge(struct trust *t, const double *x, const int *reps,
		 const struct interference *in, int n, bool higher, double ci_pct,
		 const char *unit);

/* trust_summary_json: adds the judgement to a summary line: outliers,
   bimodal (and regimes), median_ci, reps_used, ci_reached, disturbed_reps,
   platform_moved, notes and unreliable (see docs/API.md) */
void trust_summary_json(const struct trust *t, cJSON *summary);

/* trust_interference_json: the interference object of a result line,
   with "peer" (the far side's, or null: a local run or a peer that did
   not say) */
cJSON *trust_interference_json(const struct interference *x);

/* trust_disturbed: whether a rep's interference says it was disturbed,
   on this host or (across hosts) on the peer; trust_here_disturbed and
   trust_peer_disturbed: on that side */
bool trust_disturbed(const struct interference *x);
bool trust_here_disturbed(const struct interference *x);
/* trust_text_result / trust_text_summary: the words the text view prints
   under a result line (a disturbed rep) or a summary line (its notes) */
void trust_text_result(FILE *out, const cJSON *result);
void trust_text_summary(FILE *out, const cJSON *summary);

#endif
