/* http_catalog.c -- the engine's catalogues as JSON text, rendered once for the API */
#include <cjson/cJSON.h>
#include <string.h>

#include "http_catalog.h"
#include "cli/engine.h"

static cJSON *demos;

/* render: o as JSON text for the life of the server */
static const char *render(cJSON *o, const char *fallback)
{
	char *s = o ? cJSON_PrintUnformatted(o) : NULL;

	return s ? s : fallback;
}

void catalog_load(struct catalog *cat)
{
	cJSON *m = engine_catalogue_json(), *s = engine_sysinfo_json();

	cJSON *p = engine_params_json();

	cat->mechanisms = render(m, "[]");
	cat->params = render(p, "[]");
	cJSON_Delete(p);
	cat->system = render(s, "{}");
	cJSON_Delete(m);
	cJSON_Delete(s);
	demos = engine_demos_json();
	if (!cJSON_IsArray(demos)) {
		cJSON_Delete(demos);
		demos = cJSON_CreateArray();
	}
	cat->demos = render(demos, "[]");
}

bool catalog_demo_known(const char *name)
{
	cJSON *d;

	if (!name || !demos)
		return false;
	cJSON_ArrayForEach(d, demos) {
		cJSON *n = cJSON_GetObjectItemCaseSensitive(d, "name");

		if (cJSON_IsString(n) && strcmp(n->valuestring, name) == 0)
			return true;
	}
	return false;
}
