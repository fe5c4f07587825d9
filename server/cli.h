/* cli.h -- the ipcscope subcommands other than serve */
#ifndef IPCSCOPE_CLI_H
#define IPCSCOPE_CLI_H

#include <cjson/cJSON.h>

/* cli_run_main: bench, compare, sweep, demo (argv[0] is the subcommand);
   returns the exit status: 0 ok, 1 run failed, 2 usage error */
int cli_run_main(int argc, char **argv);

/* cli_list_main, cli_sysinfo_main: the catalogue and the machine */
int cli_list_main(int argc, char **argv);
int cli_sysinfo_main(int argc, char **argv);

/* cli_catalogue_json: a new array of every mechanism as API.md §2 */
cJSON *cli_catalogue_json(void);

/* cli_demos_json: a new array of every demo (name, title, claim, ...) */
cJSON *cli_demos_json(void);

/* cli_sysinfo_json: a new object describing this machine */
cJSON *cli_sysinfo_json(void);

#endif
