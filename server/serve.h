/* serve.h -- what the parts of `ipcscope serve` share: options, catalogues, the daemon */
#ifndef IPCSCOPE_SERVE_H
#define IPCSCOPE_SERVE_H

#include <stdbool.h>
#include <stddef.h>

struct serve_config {
	const char *bind;          /* numeric address, default 127.0.0.1 */
	int port;                  /* 0: any free port */
	const char *static_dir;    /* NULL: the files embedded in the binary */
	const char *results_dir;
	int max_run_seconds;
	int queue_max;
	bool public_bind;          /* bind is not a loopback address */
};

/* The catalogues, rendered once at start-up: JSON text, never freed. */
struct serve_catalog {
	const char *mechanisms;
	const char *demos;
	const char *system;
};

extern struct serve_catalog serve_cat;

/* serve_demo_known: name is in the demo catalogue */
bool serve_demo_known(const char *name);

struct MHD_Daemon;

/* http_start: starts the daemon on cfg's address; the daemon and the
   port it got in *port, or NULL with a message in err */
struct MHD_Daemon *http_start(const struct serve_config *cfg, int *port,
			      char *err, size_t errlen);

/* http_host_allowed: host (a Host header) names this machine by a loopback
   name or address, with or without a port, so a DNS-rebinding page cannot
   reach the API; public_bind (a non-loopback --bind) also admits IP
   literals, which cannot be rebound */
bool http_host_allowed(const char *host, bool public_bind);

/* http_drain: waits until every NDJSON stream has been sent, at most ms */
void http_drain(int ms);

#endif
