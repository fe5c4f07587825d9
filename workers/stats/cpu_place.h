/* cpu_place.h -- reps of two runs sorted by where the machine had put the
   two CPUs they ran on, as each rep's cache-line round trip shows it. On a
   VM the host may move the virtual CPUs under a run, from two cores that
   share a cache (a round trip of ~90 ns) to two that do not (~400 ns), and
   that alone can make shared memory 4x slower; reps of one placement are
   compared with reps of the same placement only. Pure computation. */
#ifndef IPCSCOPE_CPU_PLACE_H
#define IPCSCOPE_CPU_PLACE_H

#include <stdbool.h>
#include <stddef.h>

#define CPU_PLACE_APART 1.5        /* two neighbouring round trips (in sorted
				      order) further apart than this factor
				      split the reps into two placements */
#define CPU_PLACE_MIN_REPS 4       /* reps a side a placement needs (the
				      fewest a 95 % rank-sum interval takes) */
#define CPU_PLACE_NOTE_LEN 240

enum cpu_place_pick {
	CPU_PLACE_ALL,      /* one placement (or no round trips): every rep */
	CPU_PLACE_SOME,     /* two: keep[] marks the reps of the one compared */
	CPU_PLACE_NONE,     /* two, and no one of them has enough reps in both runs */
};

/* cpu_place_common: rtt_a[na] and rtt_b[nb] the reps' round trips (ns;
   NaN when a rep has none, which keeps every rep). Sorted, the round
   trips are cut in two at their widest gap between neighbours when it is
   wider than CPU_PLACE_APART, else they are one placement; the placement with the most reps in the
   run that has fewer of it is compared. keep_a[] and keep_b[] are set for
   the reps kept; note says, for SOME and NONE, which placement was kept or
   which each run ran in */
enum cpu_place_pick cpu_place_common(const double *rtt_a, int na, const double *rtt_b, int nb,
				     bool *keep_a, bool *keep_b, char *note, size_t len);

#endif
