/* netns.h -- network namespaces for the lab: `ip`/`tc` with fixed argv, entering, removing, sweeping */
#ifndef IPCSCOPE_NETNS_H
#define IPCSCOPE_NETNS_H

#include <stddef.h>
#include <sys/types.h>

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

/* The fixed addresses of a pair's two ends: they exist only inside the
   pair's own two namespaces, never on the host's network. */
#define LAB_PEER_ADDR "10.199.0.1"
#define LAB_CMD_ADDR "10.199.0.2"
#define LAB_PREFIX_LEN "30"

/* A lab's two namespaces joined by a veth pair, both ends born inside
   them, [0] the peer's (LAB_PEER_ADDR) and [1] the client's (LAB_CMD_ADDR),
   named after the calling process so a later start can sweep them. */
struct netns_pair {
	char ns[2][32];
	char dev[2][16];
	int guard_fd;             /* -1 until netns_pair_guard */
	pid_t guard;
};

/* netns_pair_init: the pair's names for this process, no guardian yet;
   sweeps the namespaces of labs that died */
void netns_pair_init(struct netns_pair *p);

/* netns_pair_guard: a child that removes both namespaces once the owner
   closes a pipe, at its end or by dying (even of SIGKILL); who prefixes
   its complaints ("ipcscope lab"); 0, or -1 with err */
int netns_pair_guard(struct netns_pair *p, const char *who, char *err, size_t errlen);

/* netns_pair_release: lets the guardian remove the namespaces, and waits */
void netns_pair_release(struct netns_pair *p);

/* netns_pair_link: the namespaces, the veth pair, the addresses, links up;
   0, or -1 with err */
int netns_pair_link(const struct netns_pair *p, char *err, size_t errlen);

/* netns_pair_tbf: a token bucket of rate_bps bit/s on end i; 0, or -1 */
int netns_pair_tbf(const struct netns_pair *p, int i, double rate_bps, char *err,
		   size_t errlen);

#endif
