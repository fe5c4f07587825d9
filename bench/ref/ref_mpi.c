/* ref_mpi.c -- reference MPI loops in the shape of osu_latency and osu_bw (built with mpicc, run under mpirun -np 2) */
#include <mpi.h>

#include "ref.h"

/*
 * usage: mpirun -np 2 ref_mpi lat SIZE COUNT WARMUP
 *        mpirun -np 2 ref_mpi bw SIZE WINDOWS WARMUP_WINDOWS
 * Rank r runs on CPU r. lat: MPI_Send/MPI_Recv ping-pong, one pass untimed
 * inside (osu_latency's figure: total / 2 / COUNT) and one pass timing
 * each round trip (percentiles, as ipcscope measures). bw: windows of 64
 * MPI_Isend against 64 MPI_Irecv, a 0-byte ack after each window, timed
 * from the first timed window to the last ack (osu_bw's loop). No
 * payload checks: the plain cost of the library. Rank 0 prints one line.
 */

#define WINDOW 64
#define TAG 1

static void pingpong(int rank, char *buf, int size, uint64_t n)
{
	for (uint64_t i = 0; i < n; i++) {
		if (rank == 0) {
			MPI_Send(buf, size, MPI_BYTE, 1, TAG, MPI_COMM_WORLD);
			MPI_Recv(buf, size, MPI_BYTE, 1, TAG, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
		} else {
			MPI_Recv(buf, size, MPI_BYTE, 0, TAG, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
			MPI_Send(buf, size, MPI_BYTE, 0, TAG, MPI_COMM_WORLD);
		}
	}
}

static void lat(int rank, int size, uint64_t n, uint64_t warm)
{
	char *buf = calloc(1, (size_t)size);
	uint64_t *rtt = malloc(n * sizeof(*rtt)), t0, total;

	if (!buf || !rtt)
		ref_die("malloc");
	pingpong(rank, buf, size, warm);
	t0 = ref_now_ns();
	pingpong(rank, buf, size, n);
	total = ref_now_ns() - t0;
	for (uint64_t i = 0; i < n; i++) {
		uint64_t t = ref_now_ns();
		pingpong(rank, buf, size, 1);
		rtt[i] = ref_now_ns() - t;
	}
	if (rank == 0) {
		qsort(rtt, n, sizeof(*rtt), ref_cmp_u64);
		printf("{\"lat_mean_ns\":%.1f,\"rtt_p50_ns\":%llu,\"rtt_p99_ns\":%llu}\n",
		       (double)total / 2.0 / (double)n, (unsigned long long)ref_pct(rtt, n, 50),
		       (unsigned long long)ref_pct(rtt, n, 99));
	}
	free(buf);
	free(rtt);
}

static void window(int rank, char *buf, int size, MPI_Request *req)
{
	for (int i = 0; i < WINDOW; i++) {
		if (rank == 0)
			MPI_Isend(buf, size, MPI_BYTE, 1, TAG, MPI_COMM_WORLD, &req[i]);
		else
			MPI_Irecv(buf, size, MPI_BYTE, 0, TAG, MPI_COMM_WORLD, &req[i]);
	}
	MPI_Waitall(WINDOW, req, MPI_STATUSES_IGNORE);
	if (rank == 0)
		MPI_Recv(NULL, 0, MPI_BYTE, 1, TAG, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
	else
		MPI_Send(NULL, 0, MPI_BYTE, 0, TAG, MPI_COMM_WORLD);
}

static void bw(int rank, int size, uint64_t windows, uint64_t warm)
{
	char *buf = calloc(1, (size_t)size);
	MPI_Request req[WINDOW];
	uint64_t t0, t;

	if (!buf)
		ref_die("malloc");
	for (uint64_t i = 0; i < warm; i++)
		window(rank, buf, size, req);
	t0 = ref_now_ns();
	for (uint64_t i = 0; i < windows; i++)
		window(rank, buf, size, req);
	t = ref_now_ns() - t0;
	if (rank == 0)
		printf("{\"msgs_per_s\":%.1f,\"bytes_per_s\":%.1f}\n",
		       (double)(windows * WINDOW) / ((double)t / 1e9),
		       (double)(windows * WINDOW) * size / ((double)t / 1e9));
	free(buf);
}

int main(int argc, char **argv)
{
	int rank;

	MPI_Init(&argc, &argv);
	MPI_Comm_rank(MPI_COMM_WORLD, &rank);
	if (argc != 5) {
		if (rank == 0)
			fprintf(stderr, "usage: ref_mpi lat|bw SIZE COUNT WARMUP\n");
		MPI_Finalize();
		return 2;
	}
	ref_pin(rank);
	MPI_Barrier(MPI_COMM_WORLD);
	if (!strcmp(argv[1], "lat"))
		lat(rank, (int)ref_num(argv[2]), ref_num(argv[3]), ref_num(argv[4]));
	else
		bw(rank, (int)ref_num(argv[2]), ref_num(argv[3]), ref_num(argv[4]));
	MPI_Finalize();
	return 0;
}
