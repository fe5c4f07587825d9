/* http.h -- the HTTP daemon of `ipcscope serve` and its routes */
#ifndef IPCSCOPE_HTTP_H
#define IPCSCOPE_HTTP_H

#include <stddef.h>

#include "http_catalog.h"
#include "config.h"

struct MHD_Daemon;

/* http_start: starts the daemon on cfg's address (cfg and cat must outlive
   it); the daemon and the port it got in *port, or NULL with a message in
   err */
struct MHD_Daemon *http_start(const struct serve_config *cfg, const struct catalog *cat,
			      int *port, char *err, size_t errlen);

/* http_stop: lets the streams of stopped runs send their end lines (at
   most SERVE_DRAIN_MS), then stops the daemon */
void http_stop(struct MHD_Daemon *d);

#endif
