/* verdict_pairs.c -- the ratio interval of each sample pair of a file, printed
   for tests/integration/verdict_scipy.sh to hold against scipy.
   usage: verdict_pairs FILE; each line "NAME paired|unpaired A1,A2,... B1,B2,..."
   ('#' starts a comment); prints "NAME METHOD EST LO HI LEVEL P" a pair */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stats/verdict.h"

#define LINE_MAX_LEN 8192

/* values: the comma-separated numbers of s into x (room for max); how
   many, or -1 on anything else */
static int values(char *s, double *x, int max)
{
	int n = 0;

	for (char *tok = strtok(s, ","); tok; tok = strtok(NULL, ",")) {
		char *end;

		if (n == max)
			return -1;
		x[n++] = strtod(tok, &end);
		if (end == tok || *end)
			return -1;
	}
	return n;
}

static int one(char *line)
{
	char name[64], kind[16], *sa = malloc(LINE_MAX_LEN), *sb = malloc(LINE_MAX_LEN);
	double a[VERDICT_MAX_REPS], b[VERDICT_MAX_REPS];
	struct ratio_ci ci;
	int na, nb, ret = -1;

	if (!sa || !sb || sscanf(line, "%63s %15s %8191s %8191s", name, kind, sa, sb) != 4)
		goto out;
	na = values(sa, a, VERDICT_MAX_REPS);
	nb = values(sb, b, VERDICT_MAX_REPS);
	if (na < 1 || nb < 1)
		goto out;
	if (!strcmp(kind, "paired") && na == nb)
		ratio_signed_rank(a, b, na, &ci);
	else if (!strcmp(kind, "unpaired"))
		ratio_rank_sum(a, na, b, nb, &ci);
	else
		goto out;
	printf("%s %s %.17g %.17g %.17g %.17g %.17g\n", name,
	       ci.method == RATIO_NONE ? "none" : verdict_method_name(ci.method), ci.est, ci.lo,
	       ci.hi, ci.level, ci.p);
	ret = 0;
out:
	free(sa);
	free(sb);
	return ret;
}

int main(int argc, char **argv)
{
	char line[LINE_MAX_LEN];
	FILE *f;
	int bad = 0;

	if (argc != 2 || !(f = fopen(argv[1], "r"))) {
		fprintf(stderr, "usage: verdict_pairs FILE\n");
		return 2;
	}
	while (fgets(line, sizeof(line), f))
		if (line[0] != '#' && line[0] != '\n' && one(line) < 0) {
			fprintf(stderr, "verdict_pairs: bad line: %s", line);
			bad = 1;
		}
	fclose(f);
	return bad;
}
