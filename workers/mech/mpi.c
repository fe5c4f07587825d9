/* mpi.c -- Open MPI between ranks 0 and 1: each rep runs in bin/ipcscope-mpi under mpirun, so ipcscope itself never loads libmpi */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "mech/mech_rep.h"
#include "mech/mpi_job.h"
#include "base/error.h"

extern char **environ;

#define MPI_OUT_MAX (64u << 10)      /* rank 0's answer: one hex line */
#define MPI_POLL_MS 100

/* Set by bin/ipcscope-mpi when it runs the CLI as rank 0 of an mpirun
   someone else started: reps then run in that process, with rank 1. */
int (*mech_mpi_inproc)(const struct mech_rep *spec, struct rep_result *out,
		       char *err, size_t errlen, const char **code);

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* helper_path: ipcscope-mpi beside this binary (bin/ of a build), else
   where make install puts it, PREFIX/libexec/ipcscope/ for PREFIX/bin/ipcscope;
   0 or -1 */
static int helper_path(char *buf, size_t len)
{
	static const char *const where[] = { "", "/../" MPIJOB_LIBEXEC };
	char self[4096];
	const char *dir;
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	if (n <= 0)
		return -1;
	self[n] = '\0';
	dir = dirname(self);
	for (size_t i = 0; i < sizeof(where) / sizeof(where[0]); i++)
		if ((size_t)snprintf(buf, len, "%s%s/" MPIJOB_HELPER, dir, where[i]) < len &&
		    access(buf, X_OK) == 0)
			return 0;
	return -1;
}

static const char *mpirun_path(void)
{
	static const char *const paths[] = { "/usr/bin/mpirun", "/usr/local/bin/mpirun",
					     "/bin/mpirun" };

	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
		if (access(paths[i], X_OK) == 0)
			return paths[i];
	return NULL;
}

void mech_mpi_job_of(const struct mech_rep *r, struct mpi_job *j)
{
	memset(j, 0, sizeof(*j));
	j->magic = MPIJOB_MAGIC;
	j->bytes = sizeof(*j);
	j->mode = r->mode;
	j->verify = r->verify;
	j->cpu[0] = r->cpu[0];
	j->cpu[1] = r->cpu[1];
	j->size = r->size;
	j->count = r->count;
	j->warmup = r->warmup;
	j->duration = r->duration;
}

/* mpirun_exec: the forked child's side: its own process group (a stop
   kills the group), killed (SIGKILL) when the run process dies however it
   dies, stdout on the pipe; never returns */
static void mpirun_exec(const char *mpirun, char *const argv[], pid_t parent, int out)
{
	sigset_t none;
	int null = open("/dev/null", O_RDONLY | O_CLOEXEC);

	setpgid(0, 0);
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(127);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_DFL);
	if (null >= 0)
		dup2(null, STDIN_FILENO);
	dup2(out, STDOUT_FILENO);
	execve(mpirun, argv, environ);
	_exit(127);
}

/* spawn: mpirun -np 2 of the helper for one job, its stdout on *out; the
   pid or -1. The ranks (bin/ipcscope-mpi rep) sit in process groups of
   their own and die with mpirun (their parent-death signal), so killing
   mpirun ends the whole tree; Open MPI's session files go into the run
   directory, which the run removes whatever ends it, and the ranks' shared
   memory files into shmdir (a private directory in /dev/shm, removed after
   the rep, or by the sweep when the run dies; "": Open MPI's default). */
static pid_t spawn(const char *mpirun, const char *helper, const struct mpi_job *j,
		   const char *tmpdir, const char *shmdir, int *out)
{
	char hex[2 * sizeof(*j) + 1];
	char *argv[] = { "mpirun", "-np", "2", "--oversubscribe", "--bind-to", "none",
			 "--allow-run-as-root", (char *)helper, "rep", hex, NULL };
	pid_t parent = getpid(), pid;
	int pfd[2];

	if (geteuid() != 0)   /* only root needs (and may give) the flag */
		memmove(&argv[6], &argv[7], 4 * sizeof(argv[0]));
	mpijob_hex(j, sizeof(*j), hex);
	if (pipe2(pfd, O_CLOEXEC) < 0)
		return -1;
	if (tmpdir && tmpdir[0])
		setenv("OMPI_MCA_orte_tmpdir_base", tmpdir, 1);
	if (shmdir[0])
		setenv("OMPI_MCA_btl_vader_backing_directory", shmdir, 1);
	pid = fork();
	if (pid == 0)
		mpirun_exec(mpirun, argv, parent, pfd[1]);
	close(pfd[1]);
	if (pid < 0) {
		close(pfd[0]);
		return -1;
	}
	setpgid(pid, pid);    /* whichever of parent and child comes first */
	*out = pfd[0];
	return pid;
}

/* collect: rank 0's output until mpirun ends; on a stop or past the
   deadline kills mpirun's group at once (SIGKILL: a SIGTERMed mpirun takes
   over a second to take its ranks down, and a stopped one never does);
   0, -1 stopped or timed out (err set) */
static int collect(const struct mech_rep *spec, pid_t pid, int fd, char *buf, size_t len,
		   char *err, size_t errlen, const char **code)
{
	double t0 = now_s();
	int killed = 0;
	size_t n = 0;
	siginfo_t si;

	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		double t = now_s();

		if (!killed && (spec->stopping() || t - t0 > spec->deadline_s)) {
			error_set(err, errlen, spec->stopping() ? "interrupted" :
				  "rep exceeded its %.0f s limit", spec->deadline_s);
			*code = error_kind_name(spec->stopping() ? ERR_CANCELLED : ERR_TIMEOUT);
			kill(-pid, SIGKILL);
			killed = 1;
		}
		if (spec->progress && !killed)
			spec->progress(spec->progress_ctx, spec->count ? 0.5 :
				       (t - t0) / (spec->duration + 1));
		if (poll(&p, 1, MPI_POLL_MS) > 0) {
			ssize_t r = read(fd, buf + n, len - 1 - n);
			if (r <= 0)
				break;
			n += (size_t)r;
			if (n == len - 1)
				break;
		}
	}
	buf[n] = '\0';
	/* nothing of the group outlives the rep: the group is killed while its
	   leader, exited but not reaped yet, still holds its id, so the id
	   cannot have passed to another process's group by then */
	while (waitid(P_PID, (id_t)pid, &si, WEXITED | WNOWAIT) < 0 && errno == EINTR)
		;
	kill(-pid, SIGKILL);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
	return killed ? -1 : 0;
}

/* session_remove: Open MPI's session directories ("ompi.HOST.UID") in the
   run directory, which a killed mpirun leaves behind */
static void session_remove(const char *tmpdir)
{
	int fd = tmpdir && tmpdir[0] ?
		 open(tmpdir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC) : -1;
	struct dirent *e;
	DIR *d;

	if (fd < 0 || !(d = fdopendir(fd))) {
		if (fd >= 0)
			close(fd);
		return;
	}
	while ((e = readdir(d)))
		if (!strncmp(e->d_name, "ompi.", 5))
			cleanup_remove_tree(dirfd(d), e->d_name);
	closedir(d);
}

/* answer: rank 0's result line into *out; 0 or -1 with err */
static int answer(const char *text, struct rep_result *out, char *err, size_t errlen)
{
	const char *r = strstr(text, MPIJOB_RESULT " "), *e = strstr(text, MPIJOB_ERROR " ");

	if (r && mpijob_unhex(r + strlen(MPIJOB_RESULT) + 1, out, sizeof(*out)) == 0) {
		/* the one granted fact's key pointed into the helper */
		out->ngranted = out->ngranted == 1;
		out->granted[0].key = MPIJOB_ONE_NODE;
		return 0;
	}
	if (e) {
		e += strlen(MPIJOB_ERROR) + 1;
		error_set(err, errlen, "mpi: %.*s", (int)strcspn(e, "\n"), e);
	} else {
		error_set(err, errlen, "mpi: mpirun gave no result (see its messages above)");
	}
	return -1;
}

static int mpi_run_rep(const struct mech_rep *spec, struct rep_result *out, char *err,
		       size_t errlen, const char **code)
{
	char helper[4200], shmdir[64] = "", *buf;
	const char *mpirun = mpirun_path();
	struct mpi_job j;
	int fd = -1, rc;
	pid_t pid;

	if (mech_mpi_inproc)
		return mech_mpi_inproc(spec, out, err, errlen, code);
	*code = error_kind_name(ERR_MPI_UNAVAILABLE);
	if (helper_path(helper, sizeof(helper)) < 0 || !mpirun) {
		return error_set(err, errlen, "mpi needs %s and mpirun (Debian: openmpi-bin; "
				 "build with 'make bin/" MPIJOB_HELPER "')", helper);
	}
	mech_mpi_job_of(spec, &j);
	if (!(buf = malloc(MPI_OUT_MAX)))
		return -1;
	*code = error_kind_name(ERR_MPI_FAILED);
	/* a killed rank leaves its shared memory files: keep them where they
	   are removed after the rep, or swept when the run dies */
	if (cleanup_shm_dir_make(shmdir, sizeof(shmdir)) < 0)
		shmdir[0] = '\0';
	if ((pid = spawn(mpirun, helper, &j, spec->tmpdir, shmdir, &fd)) < 0) {
		error_set(err, errlen, "cannot start %s: %s", mpirun, strerror(errno));
		if (shmdir[0])
			cleanup_remove_tree(AT_FDCWD, shmdir);
		free(buf);
		return -1;
	}
	rc = collect(spec, pid, fd, buf, MPI_OUT_MAX, err, errlen, code);
	close(fd);
	session_remove(spec->tmpdir);
	if (shmdir[0])
		cleanup_remove_tree(AT_FDCWD, shmdir);
	if (rc == 0)
		rc = answer(buf, out, err, errlen);
	free(buf);
	if (rc == 0)
		out->rep = spec->rep;
	return rc;
}

/* mech_mpi_under_mpirun: when this process is a rank of an mpirun someone
   else started (`mpirun -np 2 -H a,b ipcscope bench mpi`), the ranks
   become bin/ipcscope-mpi, which speaks MPI; returns only if not */
void mech_mpi_under_mpirun(int argc, char **argv)
{
	char helper[4200];

	(void)argc;
	if (!getenv("OMPI_COMM_WORLD_SIZE") || helper_path(helper, sizeof(helper)) < 0)
		return;
	argv[0] = helper;
	execv(helper, argv);
}

const struct mech_ops mech_mpi = {
	.name = "mpi",
	.summary = "Open MPI between ranks 0 and 1 started by mpirun: MPI_Send/Recv "
		   "for round trips, windows of MPI_Isend/Irecv for streams; on one "
		   "host it goes through Open MPI's shared-memory transport.",
	.family = FAM_SHARED_MEMORY,
	.copies = "1-2 on one host: into and out of a shared-memory fragment "
		  "(large messages single-copy where the kernel allows)",
	.cleanup = "mpirun runs in its own process group per rep and is waited for; "
		   "it is killed on a stop or a timeout and dies with the run "
		   "(parent-death signal), the ranks die with it, and Open MPI's "
		   "session files live in the run directory",
	.run_rep = mpi_run_rep,
};
