/* http_catalog.h -- the engine's catalogues as JSON text, rendered once for the API */
#ifndef IPCSCOPE_HTTP_CATALOG_H
#define IPCSCOPE_HTTP_CATALOG_H

#include <stdbool.h>

struct catalog {
	const char *mechanisms;    /* GET /api/mechanisms */
	const char *demos;         /* GET /api/demos */
	const char *system;        /* GET /api/system */
	const char *params;        /* GET /api/params */
};

/* catalog_load: renders the catalogues; the text lives as long as the
   process (a failure to render leaves "[]" or "{}") */
void catalog_load(struct catalog *cat);

/* catalog_demo_known: name is a demo of the catalogue */
bool catalog_demo_known(const char *name);

#endif
