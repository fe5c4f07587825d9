/* mpi_job.h -- what the mpi mechanism hands its helper binary (bin/ipcscope-mpi) and gets back */
#ifndef IPCSCOPE_MPI_JOB_H
#define IPCSCOPE_MPI_JOB_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "mech/mech.h"

#define MPIJOB_HELPER "ipcscope-mpi"          /* beside the ipcscope binary, */
#define MPIJOB_LIBEXEC "libexec/ipcscope"     /* or installed: ../libexec/ipcscope/ */
#define MPIJOB_RESULT "ipcscope-mpi-result"   /* rank 0's line: tag, then hex */
#define MPIJOB_ERROR "ipcscope-mpi-error"     /* rank 0's line: tag, then a message */

/* One rep for ranks 0 (sender) and 1 (receiver). Both binaries are built
   from one tree at one time, so the struct travels as it is (hex on a
   command line, raw in an MPI broadcast). */
struct mpi_job {
	uint32_t magic;            /* MPIJOB_MAGIC, and the size below */
	uint32_t bytes;            /* sizeof(struct mpi_job) */
	int32_t mode;              /* enum bench_mode */
	int32_t verify;
	int32_t cpu[2];            /* sender, receiver; -1: not pinned */
	int32_t stop;              /* cluster mode: no more reps */
	uint64_t size, count, warmup;
	double duration;           /* seconds, when count is 0 */
};

#define MPIJOB_MAGIC 0x69706d31u
#define MPIJOB_ONE_NODE "ranks_on_one_node"   /* the granted fact of a rep */

struct mech_rep;
struct rep_result;

/* mech_mpi_inproc: set by bin/ipcscope-mpi running as rank 0 of an
   mpirun someone else started; the mpi mechanism then runs each rep in
   that process, with rank 1 */
extern int (*mech_mpi_inproc)(const struct mech_rep *r, struct rep_result *out,
			      char *err, size_t errlen, const char **code);

/* mech_mpi_under_mpirun: in a rank of someone else's mpirun, becomes
   bin/ipcscope-mpi with the same arguments; returns only if not a rank
   (or the helper is missing) */
void mech_mpi_under_mpirun(int argc, char **argv);

/* mech_mpi_job_of: the job of rep r */
void mech_mpi_job_of(const struct mech_rep *r, struct mpi_job *j);

/* mpijob_hex: n bytes of p as hex into out (2n + 1 bytes) */
static inline void mpijob_hex(const void *p, size_t n, char *out)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *b = p;

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = hex[b[i] >> 4];
		out[2 * i + 1] = hex[b[i] & 15];
	}
	out[2 * n] = '\0';
}

/* mpijob_unhex: exactly n bytes from hex text s into p; 0 or -1 */
static inline int mpijob_unhex(const char *s, void *p, size_t n)
{
	unsigned char *b = p;

	for (size_t i = 0; i < n; i++) {
		unsigned v;
		if (sscanf(s + 2 * i, "%2x", &v) != 1)
			return -1;
		b[i] = (unsigned char)v;
	}
	return s[2 * n] == '\0' || s[2 * n] == '\n' ? 0 : -1;
}

#endif
