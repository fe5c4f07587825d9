/* http_check.c -- who may ask: the Host allowlist and the same-origin rule */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "http_check.h"

#define HOST_MAX 300               /* a Host header we bother to look at */
#define PORT_DIGITS_MAX 5

static bool ip_literal(const char *h)
{
	unsigned char a[16];
	char v6[64];
	size_t n = strlen(h);

	if (inet_pton(AF_INET, h, a) == 1)
		return true;
	if (n < 3 || n > sizeof(v6) + 1 || h[0] != '[' || h[n - 1] != ']')
		return false;
	memcpy(v6, h + 1, n - 2);
	v6[n - 2] = '\0';
	return inet_pton(AF_INET6, v6, a) == 1;
}

bool http_host_allowed(const char *host, bool public_bind)
{
	char h[HOST_MAX];
	char *colon;
	size_t n;

	if (!host || (n = strlen(host)) == 0 || n >= sizeof(h))
		return false;
	for (size_t i = 0; i <= n; i++)
		h[i] = (char)tolower((unsigned char)host[i]);
	colon = strrchr(h, ':');
	if (colon && (h[0] != '[' || colon > strrchr(h, ']'))) {
		if (colon[1] == '\0' || strspn(colon + 1, "0123456789") != strlen(colon + 1) ||
		    strlen(colon + 1) > PORT_DIGITS_MAX)
			return false;
		*colon = '\0';
	}
	if (!strcmp(h, "localhost") || !strcmp(h, "127.0.0.1") || !strcmp(h, "[::1]"))
		return true;
	return public_bind && ip_literal(h);
}

int http_same_origin(const char *host, const char *origin, const char *fetch_site,
		     char *why, size_t n)
{
	static const char scheme[] = "http://";

	if (fetch_site && strcasecmp(fetch_site, "same-origin") != 0 &&
	    strcasecmp(fetch_site, "none") != 0) {
		snprintf(why, n, "runs start only from this server's own page "
			 "(Sec-Fetch-Site is '%.40s')", fetch_site);
		return -1;
	}
	if (!origin)
		return 0;
	if (host && strncasecmp(origin, scheme, sizeof(scheme) - 1) == 0 &&
	    strcasecmp(origin + sizeof(scheme) - 1, host) == 0)
		return 0;
	snprintf(why, n, "runs start only from this server's own page (Origin '%.100s' "
		 "is not http://%.100s)", origin, host ? host : "");
	return -1;
}
