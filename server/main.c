/* main.c -- ipcscope: one binary, the CLI and the server */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/prctl.h>

#include "cli/engine.h"
#include "serve.h"

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

	engine_under_mpirun(argc, argv);   /* a rank of someone's mpirun */
	die_with_server();

	if (engine_is_command(cmd))
		return engine_main(argc - 1, argv + 1);
	if (!strcmp(cmd, "serve"))
		return serve_main(argc - 1, argv + 1);
	/* what make writes the man page and the completion with (not in the
	   usage) */
	if (!strcmp(cmd, "--man") && argc == 2) {
		engine_manual(stdout, serve_usage);
		return fflush(stdout) == 0 ? 0 : 1;
	}
	if (!strcmp(cmd, "--completion") && argc == 3 && !strcmp(argv[2], "bash")) {
		engine_completion_bash(stdout, serve_usage);
		return fflush(stdout) == 0 ? 0 : 1;
	}
	if (!strcmp(cmd, "--version") || !strcmp(cmd, "version")) {
		printf("ipcscope " IPCSCOPE_VERSION "\n");
		return 0;
	}
	if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
		engine_usage(stdout, NULL);
		return 0;
	}
	engine_usage(stderr, NULL);
	if (*cmd)
		fprintf(stderr, "\nipcscope: unknown command '%s'\n", cmd);
	return 2;
}
