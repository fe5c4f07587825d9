/* netns.h -- network namespaces for the lab: `ip`/`tc` with fixed argv, entering, removing, sweeping */
#ifndef IPCSCOPE_NETNS_H
#define IPCSCOPE_NETNS_H

#include <stddef.h>

/* Names of the lab's namespaces: "ipcscope-<pid>-a" and "-b", so a later
   start can tell whose they were and remove those of dead labs. */
#define NETNS_PREFIX "ipcscope-"
#define NETNS_DIR "/run/netns"

/* netns_tool: runs argv (argv[0] looked up in PATH: "ip" or "tc", never a
   shell) and waits; 0 when it exited 0, else -1 with its first line of
   stderr (or why it could not start) in err */
int netns_tool(char *const argv[], char *err, size_t errlen);

/* netns_enter: moves the calling process into namespace name; 0 or -1
   with a message in err */
int netns_enter(const char *name, char *err, size_t errlen);

/* netns_remove: kills every process inside namespace name, waits for
   them to go, and deletes it (its links go with it); 0, or -1 with err */
int netns_remove(const char *name, char *err, size_t errlen);

/* netns_sweep_stale: removes the namespaces of labs whose process is
   gone; how many were removed */
int netns_sweep_stale(void);

#endif
