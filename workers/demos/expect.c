/* expect.c -- about how long each demo's defaults take, for a class deciding what to run */
#include "demos/expect.h"

#include <string.h>

/* Seconds on a quiet 2-core machine, rounded up. They are estimates: the
   times were measured on a shared machine under load (the README's demo
   table gives them with the load) and scaled down to a quiet one, so a
   class sees "about N s"; make bench (group demos) measures them again. */
static const struct {
	const char *name;
	int seconds;
} expect[] = {
	{ "sync-tax", 5 }, { "placement", 6 }, { "threads-vs-processes", 3 },
	{ "crossover", 6 }, { "layers", 8 }, { "copies", 6 }, { "race", 2 },
	{ "false-sharing", 3 }, { "framing", 1 }, { "contention", 4 },
	{ "zero-copy", 3 }, { "cleanup", 1 }, { "peercred", 1 },
	{ "serialization", 4 }, { "decide", 3 }, { "cross-host", 9 },
};

int demo_expect_s(const char *name)
{
	for (size_t i = 0; i < sizeof(expect) / sizeof(expect[0]); i++)
		if (!strcmp(expect[i].name, name))
			return expect[i].seconds;
	return 0;
}
