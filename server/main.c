/* main.c -- ipcscope: one binary, the CLI and the server */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "http.h"

#define IPCSCOPE_VERSION "0.1.0"

static void usage(FILE *f)
{
	fprintf(f,
		"ipcscope " IPCSCOPE_VERSION " -- how fast can two processes on this machine talk?\n\n"
		"usage:\n"
		"  ipcscope serve [--port 8080] [--bind 127.0.0.1]   the dashboard and REST API\n"
		"  ipcscope bench MECHANISM [params]                 measure one mechanism\n"
		"  ipcscope compare [MECH,...] [params]              several side by side (default: all)\n"
		"  ipcscope sweep MECHANISM --sizes LIST [params]    one mechanism over message sizes\n"
		"  ipcscope demo NAME [params]                       a teaching demo\n"
		"  ipcscope list [--format json]                     the mechanisms\n"
		"  ipcscope sysinfo [--format json]                  this machine and its IPC limits\n\n"
		"'ipcscope COMMAND --help' shows the params of each command.\n");
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "";

	if (!strcmp(cmd, "bench") || !strcmp(cmd, "compare") || !strcmp(cmd, "sweep") ||
	    !strcmp(cmd, "demo"))
		return cli_run_main(argc - 1, argv + 1);
	if (!strcmp(cmd, "list"))
		return cli_list_main(argc - 1, argv + 1);
	if (!strcmp(cmd, "sysinfo"))
		return cli_sysinfo_main(argc - 1, argv + 1);
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
