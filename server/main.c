/* main.c -- ipcscope: one binary, the CLI and the server */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/prctl.h>

#include "../workers/engine.h"
#include "serve.h"
#include "../workers/mech/mpi_job.h"

static void usage(FILE *f)
{
	fprintf(f,
		"ipcscope " IPCSCOPE_VERSION " -- how fast can two processes on this machine talk?\n\n"
		"usage:\n"
		"  ipcscope serve [--port 8080] [--bind 127.0.0.1]   the dashboard and REST API\n"
		"  ipcscope bench MECHANISM [params]                 measure one mechanism\n"
		"  ipcscope compare [MECH,...] [params]              several side by side (default: the\n"
		"                                                    local set, see compare --help)\n"
		"  ipcscope sweep MECH[,MECH...] --sizes LIST        mechanisms over message sizes\n"
		"  ipcscope demo NAME [params]                       a teaching demo\n"
		"  ipcscope list [--format json]                     the mechanisms\n"
		"  ipcscope sysinfo [--format json]                  this machine and its IPC limits\n"
		"  ipcscope peer --listen ADDR:PORT [--token T]      the far side of a run between hosts\n"
		"  ipcscope lab [--rate R] -- COMMAND...             two network namespaces and a peer (root)\n\n"
		"'ipcscope COMMAND --help' shows the params of each command.\n");
}

/* die_with_server: a run process of `ipcscope serve` (which names itself
   in IPCSCOPE_SERVER_PID) is stopped by SIGTERM, as the server would stop
   it, the moment the server dies, even by SIGKILL; a server already gone
   before this point means the run is not wanted */
static void die_with_server(void)
{
	const char *s = getenv("IPCSCOPE_SERVER_PID");

	if (!s)
		return;
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (atoi(s) != (int)getppid())
		_exit(1);
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "";

	mech_mpi_under_mpirun(argc, argv);   /* a rank of someone's mpirun */
	die_with_server();

	if (engine_is_command(cmd))
		return engine_main(argc - 1, argv + 1);
	if (!strcmp(cmd, "serve"))
		return serve_main(argc - 1, argv + 1);
	if (!strcmp(cmd, "--version") || !strcmp(cmd, "version")) {
		printf("ipcscope " IPCSCOPE_VERSION "\n");
		return 0;
	}
	if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
		usage(stdout);
		return 0;
	}
	usage(stderr);
	if (*cmd)
		fprintf(stderr, "\nipcscope: unknown command '%s'\n", cmd);
	return 2;
}
