/* mpirep.h -- one rep between MPI ranks 0 (sender, times everything) and 1 (receiver) */
#ifndef IPCSCOPE_MPIREP_H
#define IPCSCOPE_MPIREP_H

#include <stddef.h>

#include "rep/harness.h"
#include "mech/mpi_job.h"

/* mpirep_run: this rank's side of job j (MPI already initialised, two
   ranks); on rank 0 *out gets the rep's figures. 0, or -1 with err */
int mpirep_run(const struct mpi_job *j, int rank, struct rep_result *out, char *err,
	       size_t errlen);

#endif
