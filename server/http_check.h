/* http_check.h -- who may ask: the Host allowlist and the same-origin rule */
#ifndef IPCSCOPE_HTTP_CHECK_H
#define IPCSCOPE_HTTP_CHECK_H

#include <stdbool.h>
#include <stddef.h>

/* http_host_allowed: host (a Host header) names this machine by a loopback
   name or address, with or without a port, so a DNS-rebinding page cannot
   reach the API; public_bind (a non-loopback --bind) also admits IP
   literals, which cannot be rebound */
bool http_host_allowed(const char *host, bool public_bind);

/* http_same_origin: a request that starts work comes from the page itself:
   Sec-Fetch-Site (fetch_site) absent, "same-origin" or "none", and Origin
   absent or exactly "http://" + host, the origin the page was served
   from; 0, or -1 with the reason in why */
int http_same_origin(const char *host, const char *origin, const char *fetch_site,
		     char *why, size_t n);

#endif
