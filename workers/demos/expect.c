/* expect.c -- about how long each demo's defaults take, for a class deciding what to run */
#include "demos/expect.h"

#include <string.h>

/* Seconds on a quiet 2-core machine, rounded up: each demo's defaults
   timed end to end on an idle 2-core VM (load average 0.5) on 2026-12-06,
   the README's demo table (layers and cross-host timed again after their
   last changes, idle; layers once more at 15:07 after gRPC's shutdown
   wait left the workers). make bench (group demos) measures them again. */
static const struct {
	const char *name;
	int seconds;
} expect[] = {
	{ "sync-tax", 5 }, { "placement", 5 }, { "threads-vs-processes", 4 },
	{ "crossover", 6 }, { "layers", 5 }, { "copies", 5 }, { "race", 2 },
	{ "false-sharing", 3 }, { "framing", 1 }, { "contention", 5 },
	{ "zero-copy", 1 }, { "cleanup", 1 }, { "peercred", 1 },
	{ "serialization", 1 }, { "decide", 2 }, { "cross-host", 8 },
};

int demo_expect_s(const char *name)
{
	for (size_t i = 0; i < sizeof(expect) / sizeof(expect[0]); i++)
		if (!strcmp(expect[i].name, name))
			return expect[i].seconds;
	return 0;
}
