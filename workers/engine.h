/* engine.h -- what the rest of ipcscope (server/, main) uses of the engine:
   the command line of every engine command, the catalogues, the version.
   Params validation is params.h. */
#ifndef IPCSCOPE_ENGINE_H
#define IPCSCOPE_ENGINE_H

#include <stddef.h>

#include <cjson/cJSON.h>

#define IPCSCOPE_VERSION "0.1.0"

/* engine_is_command: 1 when cmd is one of the engine's commands (bench,
   compare, sweep, demo, list, sysinfo, peer, lab) */
int engine_is_command(const char *cmd);

/* engine_main: runs an engine command (argv[0] is the command); returns
   the exit status: 0 ok, 1 the run failed, 2 usage error */
int engine_main(int argc, char **argv);

/* engine_catalogue_json: a new array of every mechanism (docs/API.md) */
cJSON *engine_catalogue_json(void);

/* engine_demos_json: a new array of every demo (name, title, claim, ...) */
cJSON *engine_demos_json(void);

/* engine_demo_own_params: 1 when the demo called name runs its own
   experiment and takes its own params (workers/demos/exp.h), not bench's */
int engine_demo_own_params(const char *name);

/* engine_demo_param: name=value is a valid param of that demo; 0, or -1
   with a message naming the param and its range in err */
int engine_demo_param(const char *demo, const char *name, const char *value, char *err,
		      size_t errlen);

/* engine_sysinfo_json: a new object describing this machine */
cJSON *engine_sysinfo_json(void);

#endif
