/* helper.c -- bin/ipcscope-mpi: the two MPI ranks of the mpi mechanism (the only ipcscope code that links libmpi) */
#include <mpi.h>

#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "base/error.h"
#include "rep/harness.h"
#include "rep/payload.h"
#include "stats/stats.h"
#include "mech/mpi_job.h"
#include "cli/engine.h"
#include "mpi/mpirep.h"

/* rep_main: `ipcscope-mpi rep HEXJOB` under the mpirun the mpi mechanism
   started: one rep, rank 0 prints the result line */
static int rep_main(const char *hex, int rank)
{
	struct mpi_job j;
	struct rep_result res;
	char err[ERROR_MSG_MAX], *line;
	int rc;

	if (mpijob_unhex(hex, &j, sizeof(j)) < 0 || j.magic != MPIJOB_MAGIC ||
	    j.bytes != sizeof(j)) {
		if (rank == 0)
			printf(MPIJOB_ERROR " the job does not come from this build\n");
		return 2;
	}
	rc = mpirep_run(&j, rank, &res, err, sizeof(err));
	if (rank != 0)
		return rc < 0 ? 1 : 0;
	if (rc < 0) {
		printf(MPIJOB_ERROR " %s\n", err);
		return 1;
	}
	if (!(line = malloc(2 * sizeof(res) + 1)))
		return 1;
	mpijob_hex(&res, sizeof(res), line);
	printf(MPIJOB_RESULT " %s\n", line);
	free(line);
	return 0;
}

/* --- under someone else's mpirun: rank 0 runs the CLI, rank 1 serves --- */

static int inproc_rep(const struct mech_rep *spec, struct rep_result *out, char *err,
		      size_t errlen, const char **code)
{
	struct mpi_job j;

	mech_mpi_job_of(spec, &j);
	j.cpu[0] = j.cpu[1] = -1;   /* placement is the mpirun's (--bind-to, -H) */
	MPI_Bcast(&j, sizeof(j), MPI_BYTE, 0, MPI_COMM_WORLD);
	*code = "mpi_failed";
	if (mpirep_run(&j, 0, out, err, errlen) < 0)
		return -1;
	out->rep = spec->rep;
	return 0;
}

/* serve: rank 1 runs the receiving side of every rep rank 0 announces */
static int serve(void)
{
	struct rep_result unused;
	char err[ERROR_MSG_MAX];
	struct mpi_job j;

	for (;;) {
		MPI_Bcast(&j, sizeof(j), MPI_BYTE, 0, MPI_COMM_WORLD);
		if (j.stop)
			return 0;
		mpirep_run(&j, 1, &unused, err, sizeof(err));
	}
}

static int cluster_main(int argc, char **argv, int rank)
{
	struct mpi_job stop = { .magic = MPIJOB_MAGIC, .bytes = sizeof(stop), .stop = 1 };
	int rc;

	if (rank != 0)
		return serve();
	if (argc < 3 || strcmp(argv[1], "bench") || strcmp(argv[2], "mpi")) {
		fprintf(stderr, "ipcscope: under mpirun only 'ipcscope bench mpi [params]' runs\n");
		rc = 2;
	} else {
		mech_mpi_inproc = inproc_rep;
		rc = engine_main(argc - 1, argv + 1);
	}
	MPI_Bcast(&stop, sizeof(stop), MPI_BYTE, 0, MPI_COMM_WORLD);
	return rc;
}

int main(int argc, char **argv)
{
	int rank = 0, size = 0, rc;

	/* a rank of the mpirun a run started dies with that mpirun: Open MPI
	   puts each rank in a process group of its own, so killing mpirun's
	   group alone would leave the ranks running */
	if (argc == 3 && !strcmp(argv[1], "rep")) {
		pid_t parent = getppid();

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			return 1;
	}
	MPI_Init(&argc, &argv);
	MPI_Comm_rank(MPI_COMM_WORLD, &rank);
	MPI_Comm_size(MPI_COMM_WORLD, &size);
	if (size != 2) {
		if (rank == 0)
			fprintf(stderr, "ipcscope: mpi needs exactly 2 ranks (mpirun -np 2), "
				"not %d\n", size);
		MPI_Finalize();
		return 2;
	}
	if (argc == 3 && !strcmp(argv[1], "rep"))
		rc = rep_main(argv[2], rank);
	else
		rc = cluster_main(argc, argv, rank);
	fflush(stdout);
	MPI_Finalize();
	return rc;
}
