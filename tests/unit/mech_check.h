/* mech_check.h -- what test_mech*.c share: a private run directory, leftover counts, option variants */
#ifndef IPCSCOPE_TEST_MECH_CHECK_H
#define IPCSCOPE_TEST_MECH_CHECK_H

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mech/mech.h"

static char test_root[256];      /* private temp dir of this test run */
static int case_no;

#define MAX_MECHS 32             /* room for the registry in a test table */

/* count_prefixed: entries of dir whose name starts with prefix (all if "") */
static inline int count_prefixed(const char *dir, const char *prefix)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	if (!d)
		return 0;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..") &&
		    strncmp(e->d_name, prefix, strlen(prefix)) == 0)
			n++;
	closedir(d);
	return n;
}

/* variant: the option values of case v of ops: 0 every default, then each
   other value of each option in turn; 0, or -1 past the last; *what
   names it ("sync=sem") */
static inline int variant(const struct mech_ops *ops, int v, int opt[MECH_MAX_OPTIONS],
		   char *what, size_t len)
{
	memset(opt, 0, sizeof(int) * MECH_MAX_OPTIONS);
	snprintf(what, len, "defaults");
	if (v == 0)
		return 0;
	for (int i = 0; i < mech_option_count(ops); i++)
		for (int k = 1; ops->options[i].values[k]; k++)
			if (--v == 0) {
				opt[i] = k;
				snprintf(what, len, "%s=%s", ops->options[i].name,
					 ops->options[i].values[k]);
				return 0;
			}
	return -1;
}

static inline int root_setup(void **state)
{
	const char *t = getenv("TMPDIR");

	(void)state;
	snprintf(test_root, sizeof(test_root), "%s/ipcscope-test-XXXXXX",
		 t && *t ? t : "/tmp");
	return mkdtemp(test_root) ? 0 : -1;
}

static inline int root_teardown(void **state)
{
	(void)state;
	return rmdir(test_root) == 0 ? 0 : -1;
}

#endif
