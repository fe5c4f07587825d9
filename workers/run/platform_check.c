/* platform_check.c -- a run's cache-line round trips against the last run's
   on the same CPU pair: the judgement, its JSON and words, and the run's
   own baselines left for the next */
#include "probe/platform.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/human.h"
#include "probe/interference.h"
#include "run/runner.h"
#include "stats/stats.h"

#define PLATFORM_MAX_PAIRS 8          /* CPU pairs one run remembers */
#define PLATFORM_FIRST_REPS 3         /* whole rounds of reps until this many */
#define MINUTE_S 60.0
#define HOUR_S 3600.0
#define DAY_S 86400.0
#define ISO_LEN 32

/* age_words: "45 s", "20 min", "3 h", "2 days" */
static const char *age_words(double s, char *buf, size_t len)
{
	if (s < MINUTE_S)
		snprintf(buf, len, "%.0f s", s);
	else if (s < HOUR_S)
		snprintf(buf, len, "%.0f min", s / MINUTE_S);
	else if (s < DAY_S)
		snprintf(buf, len, "%.0f h", s / HOUR_S);
	else
		snprintf(buf, len, "%.0f day%s", s / DAY_S, s < 1.5 * DAY_S ? "" : "s");
	return buf;
}

void platform_judge(struct platform_check *pc, int a, int b, double rtt,
		    const struct platform_baseline *last, double now)
{
	char then[HUMAN_LEN], nowt[HUMAN_LEN], ratio[HUMAN_LEN], age[HUMAN_LEN];

	memset(pc, 0, sizeof(*pc));
	pc->measured = rtt > 0;
	pc->cpu[0] = a;
	pc->cpu[1] = b;
	pc->line_rtt_ns = rtt;
	if (!pc->measured || !last)
		return;
	pc->has_last = true;
	pc->last_line_rtt_ns = last->line_rtt_ns;
	pc->last_at = last->at;
	pc->age_s = fmax(0, now - last->at);
	pc->ratio = rtt / last->line_rtt_ns;
	pc->moved = interference_moved(last->line_rtt_ns, rtt);
	if (!pc->moved)
		return;
	human_seconds(last->line_rtt_ns / 1e9, then, sizeof(then));
	human_seconds(rtt / 1e9, nowt, sizeof(nowt));
	human_ratio(pc->ratio >= 1 ? pc->ratio : 1 / pc->ratio, ratio, sizeof(ratio));
	snprintf(pc->note, sizeof(pc->note), "the platform moved since the last run %s ago: "
		 "a cache-line round trip between CPUs %d and %d took %s then and %s now "
		 "(%s %s); figures from the two runs are not comparable",
		 age_words(pc->age_s, age, sizeof(age)), a, b, then, nowt, ratio,
		 pc->ratio >= 1 ? "slower" : "faster");
}

/* add_or_null: key = v when has, else null */
static void add_or_null(cJSON *o, const char *key, bool has, double v)
{
	if (has)
		cJSON_AddNumberToObject(o, key, v);
	else
		cJSON_AddNullToObject(o, key);
}

cJSON *platform_json(const struct platform_check *pc)
{
	cJSON *o = cJSON_CreateObject();
	char iso[ISO_LEN];
	time_t t = (time_t)pc->last_at;
	struct tm tm;

	cJSON_AddItemToObject(o, "cpus", cJSON_CreateIntArray(pc->cpu, 2));
	cJSON_AddNumberToObject(o, "line_rtt_ns", pc->line_rtt_ns);
	add_or_null(o, "last_line_rtt_ns", pc->has_last, pc->last_line_rtt_ns);
	if (pc->has_last && gmtime_r(&t, &tm) && strftime(iso, sizeof(iso), "%Y-%m-%dT%H:%M:%SZ", &tm))
		cJSON_AddStringToObject(o, "last_run_at", iso);
	else
		cJSON_AddNullToObject(o, "last_run_at");
	add_or_null(o, "last_run_age_s", pc->has_last, pc->age_s);
	add_or_null(o, "ratio", pc->has_last, pc->ratio);
	cJSON_AddBoolToObject(o, "moved_since_last_run", pc->moved);
	if (pc->note[0])
		cJSON_AddStringToObject(o, "note", pc->note);
	else
		cJSON_AddNullToObject(o, "note");
	return o;
}

void platform_text_end(FILE *out, const cJSON *end)
{
	const cJSON *p = cJSON_GetObjectItemCaseSensitive(end, "platform");
	const char *note = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(p, "note"));

	if (note)
		fprintf(out, "! %s\n", note);
}

void platform_text_comparison(FILE *out, const cJSON *c)
{
	if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(c, "platform_moved_since_last_run")))
		fprintf(out, "  ! the platform moved since the last run: these ratios hold "
			"within this run, whose reps were interleaved, not against an "
			"earlier run's figures\n");
}

/* --- the run's pairs ------------------------------------------------------- */

/* line_of: the line round trip of a rep on CPUs pair, or -1 */
static double line_of(const struct rep_result *res, const int pair[2])
{
	const struct interference *x = &res->interference;

	return x->line_rtt_ns > 0 && x->line_cpu[0] == pair[0] && x->line_cpu[1] == pair[1] ?
	       x->line_rtt_ns : -1;
}

/* samples: the round trips on pair into x, round by round (rep 1 of every
   job, then rep 2, ...) until at least want of them (INT_MAX: all); how many */
static int samples(const struct run *r, const int pair[2], int want, double *x)
{
	int n = 0;
	bool more = true;

	for (int k = 0; more && n < want; k++) {
		more = false;
		for (int i = 0; i < r->njobs; i++) {
			if (k >= r->jobs[i].nres)
				continue;
			more = true;
			if (line_of(&r->jobs[i].res[k], pair) > 0)
				x[n++] = line_of(&r->jobs[i].res[k], pair);
		}
	}
	return n;
}

/* line_pairs: the distinct CPU pairs the run's reps timed a line between,
   in the order met, into pairs (room for max); how many */
static int line_pairs(const struct run *r, int pairs[][2], int max, int *nreps)
{
	int n = 0;

	*nreps = 0;
	for (int i = 0; i < r->njobs; i++)
		for (int k = 0; k < r->jobs[i].nres; k++) {
			const struct interference *x = &r->jobs[i].res[k].interference;
			int p = 0;

			++*nreps;
			if (!(x->line_rtt_ns > 0) || x->line_cpu[0] < 0)
				continue;
			while (p < n && (pairs[p][0] != x->line_cpu[0] || pairs[p][1] != x->line_cpu[1]))
				p++;
			if (p == n && n < max) {
				pairs[n][0] = x->line_cpu[0];
				pairs[n++][1] = x->line_cpu[1];
			}
		}
	return n;
}

static double median_of(const double *x, int n)
{
	struct spread s;

	stats_spread(x, n, &s);
	return s.median;
}

/* says_more: whether check a tells more than b: a move, then a baseline */
static bool says_more(const struct platform_check *a, const struct platform_check *b)
{
	return a->moved != b->moved ? a->moved : a->has_last && !b->has_last;
}

void platform_run_check(const struct run *r, struct platform_check *pc)
{
	int pairs[PLATFORM_MAX_PAIRS][2], np, nreps;
	struct platform_baseline me = { 0 }, mine[PLATFORM_MAX_PAIRS];
	struct platform_cache *c = calloc(1, sizeof(*c));
	char dir[PLATFORM_PATH_MAX] = "", path[PLATFORM_PATH_MAX + sizeof(PLATFORM_FILE)];
	char err[PLATFORM_NOTE_LEN];
	bool known = platform_identity(&me) == 0 && platform_cache_dir(dir, sizeof(dir)) == 0;
	struct timespec now;
	double *x;
	int n;

	memset(pc, 0, sizeof(*pc));
	np = line_pairs(r, pairs, PLATFORM_MAX_PAIRS, &nreps);
	if (!c || np == 0 || !(x = malloc((size_t)nreps * sizeof(*x)))) {
		free(c);
		return;
	}
	clock_gettime(CLOCK_REALTIME, &now);
	if (known && snprintf(path, sizeof(path), "%s/%s", dir, PLATFORM_FILE) < (int)sizeof(path))
		platform_cache_load(path, c);
	for (int k = 0; k < np; k++) {
		struct platform_check one;
		const struct platform_baseline *last = known ?
			platform_cache_find(c, me.host, me.boot_id, pairs[k][0], pairs[k][1]) : NULL;

		/* the first reps: the nearest to the last run */
		n = samples(r, pairs[k], PLATFORM_FIRST_REPS, x);
		platform_judge(&one, pairs[k][0], pairs[k][1], median_of(x, n), last,
			       (double)now.tv_sec);
		if (k == 0 || says_more(&one, pc))
			*pc = one;
		mine[k] = me;
		memcpy(mine[k].cpu, pairs[k], sizeof(mine[k].cpu));
		mine[k].line_rtt_ns = median_of(x, samples(r, pairs[k], INT_MAX, x));
		mine[k].at = (double)now.tv_sec;
	}
	/* a cache that cannot be written costs the next run its comparison,
	   never this run its result */
	if (known)
		platform_cache_save(dir, mine, np, err, sizeof(err));
	free(x);
	free(c);
}
