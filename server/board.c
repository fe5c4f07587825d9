/* board.c -- the class board: its join code, task, the machines' posts and the class's figures
 *
 * Everything is kept in memory behind one mutex. A machine is its
 * pseudonym: a second post under the same one replaces the first. The
 * class's figures are computed when the board is read, per label over
 * the machines that ran it: median, quartiles, extremes, and the
 * machines outside the quartiles' fences (in log space, as the figures of
 * a class span orders of magnitude), named by pseudonym. The lesson's key
 * figure (a factor each student's run computed, e.g. the mutex's time per
 * message over spinning's) gets the same, over the machines whose key
 * names the pair of jobs most machines name.
 */
#include <cjson/cJSON.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "base/error.h"
#include "board.h"

#define BOARD_OUTLIER_MIN 4            /* machines on a label before any is called an outlier */
#define BOARD_FENCE 1.5                /* quartile fences, as in a box plot */

struct budget {
	char addr[48];
	double tokens, t;
};

static struct {
	pthread_mutex_t lock;
	bool on;
	char code[BOARD_CODE_LEN + 1];
	char task[BOARD_MECH_MAX + 1];     /* "" while no task is set */
	int max, n;
	int tasks;                         /* tasks set so far */
	struct board_entry **e;
	struct budget *b;
	int nb;
} bd = { .lock = PTHREAD_MUTEX_INITIALIZER };

static double now_s(int clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* make_code: BOARD_CODE_LEN letters of the alphabet, uniformly (bytes
   past the last whole multiple of its size are drawn again) */
static int make_code(char *out)
{
	const size_t k = sizeof(BOARD_CODE_ALPHABET) - 1, limit = 256 - 256 % k;
	unsigned char r[64];
	int n = 0;

	while (n < BOARD_CODE_LEN) {
		if (getrandom(r, sizeof(r), 0) != (ssize_t)sizeof(r))
			return -1;
		for (size_t i = 0; i < sizeof(r) && n < BOARD_CODE_LEN; i++)
			if (r[i] < limit)
				out[n++] = BOARD_CODE_ALPHABET[r[i] % k];
	}
	out[n] = '\0';
	return 0;
}

int board_start(int max, char *err, size_t errlen)
{
	pthread_mutex_lock(&bd.lock);
	bd.e = calloc((size_t)max, sizeof(*bd.e));
	bd.b = calloc(BOARD_ADDRS_MAX, sizeof(*bd.b));
	if (!bd.e || !bd.b || make_code(bd.code) < 0) {
		free(bd.e);
		free(bd.b);
		bd.e = NULL;
		bd.b = NULL;
		pthread_mutex_unlock(&bd.lock);
		error_set(err, errlen, "cannot start the class board (no memory or no random bytes)");
		return -1;
	}
	bd.max = max;
	bd.n = bd.nb = bd.tasks = 0;
	bd.task[0] = '\0';
	bd.on = true;
	pthread_mutex_unlock(&bd.lock);
	return 0;
}

void board_stop(void)
{
	pthread_mutex_lock(&bd.lock);
	for (int i = 0; i < bd.n; i++)
		free(bd.e[i]);
	free(bd.e);
	free(bd.b);
	bd.e = NULL;
	bd.b = NULL;
	bd.n = bd.nb = 0;
	bd.on = false;
	memset(bd.code, 0, sizeof(bd.code));
	pthread_mutex_unlock(&bd.lock);
}

bool board_on(void)
{
	return bd.on;
}

const char *board_code(void)
{
	return bd.on ? bd.code : "";
}

bool board_code_ok(const char *given)
{
	size_t n = given ? strnlen(given, 64) : 0;
	unsigned char diff = n != BOARD_CODE_LEN;

	if (!bd.on)
		return false;
	/* every byte of the code is looked at, whatever was given */
	for (size_t i = 0; i < BOARD_CODE_LEN; i++)
		diff |= (unsigned char)(bd.code[i] ^ (i < n ? given[i] : 0));
	return diff == 0;
}

bool board_allow(const char *addr)
{
	double t = now_s(CLOCK_MONOTONIC);
	struct budget *b = NULL;
	bool ok;

	pthread_mutex_lock(&bd.lock);
	for (int i = 0; bd.b && i < bd.nb && !b; i++)
		if (!strcmp(bd.b[i].addr, addr))
			b = &bd.b[i];
	if (!b && bd.b) {
		/* a new address takes a free place, or the one idle longest */
		int at = bd.nb < BOARD_ADDRS_MAX ? bd.nb++ : 0;

		for (int i = 0; i < bd.nb && bd.nb == BOARD_ADDRS_MAX; i++)
			if (bd.b[i].t < bd.b[at].t)
				at = i;
		b = &bd.b[at];
		snprintf(b->addr, sizeof(b->addr), "%s", addr);
		b->tokens = BOARD_BURST;
		b->t = t;
	}
	if (!b) {
		pthread_mutex_unlock(&bd.lock);
		return false;
	}
	b->tokens = fmin(BOARD_BURST, b->tokens + (t - b->t) / BOARD_REFILL_S);
	b->t = t;
	ok = b->tokens >= 1;
	if (ok)
		b->tokens -= 1;
	pthread_mutex_unlock(&bd.lock);
	return ok;
}

static int refuse(struct board_refusal *r, unsigned status, const char *code, const char *field,
		  const char *why)
{
	r->status = status;
	r->code = code;
	snprintf(r->field, sizeof(r->field), "%s", field ? field : "");
	snprintf(r->why, sizeof(r->why), "%s", why);
	return -1;
}

/* place: the index of pseudonym as on the board, or a new one (-1: full) */
static int place(const char *as)
{
	for (int i = 0; i < bd.n; i++)
		if (!strcmp(bd.e[i]->as, as))
			return i;
	return bd.n < bd.max ? bd.n : -1;
}

int board_post(const char *body, size_t len, struct board_refusal *r)
{
	struct board_entry *e = malloc(sizeof(*e));
	char why[sizeof(r->why)], field[sizeof(r->field)];
	int at;

	if (!e)
		return refuse(r, 503, "no_memory", NULL, "the board has no memory left");
	if (board_parse(body, len, e, field, sizeof(field), why, sizeof(why)) < 0) {
		free(e);
		return refuse(r, 400, "bad_post", field, why);
	}
	e->at = now_s(CLOCK_REALTIME);
	pthread_mutex_lock(&bd.lock);
	if (strcmp(bd.task, e->demo)) {
		if (bd.task[0])
			snprintf(why, sizeof(why), "the class task is '%s', not '%s'", bd.task,
				 e->demo);
		else
			snprintf(why, sizeof(why), "the board has no class task yet: the teacher "
				 "picks one on the page (or with --board-task)");
		pthread_mutex_unlock(&bd.lock);
		free(e);
		return refuse(r, 409, "wrong_task", "demo", why);
	}
	if (!bd.on || (at = place(e->as)) < 0) {
		snprintf(why, sizeof(why), "the board holds %d machines already (--board-max)",
			 bd.max);
		pthread_mutex_unlock(&bd.lock);
		free(e);
		return refuse(r, 503, "board_full", NULL, why);
	}
	if (at == bd.n)
		bd.n++;
	else
		free(bd.e[at]);
	bd.e[at] = e;
	pthread_mutex_unlock(&bd.lock);
	return 0;
}

int board_set_task(const char *demo, bool known, struct board_refusal *r)
{
	char why[sizeof(r->why)];

	if (!demo || !known || strlen(demo) > BOARD_MECH_MAX) {
		snprintf(why, sizeof(why), "unknown task '%.40s': a demo that compares mechanisms, "
			 "or compare", demo ? demo : "");
		return refuse(r, 400, "bad_task", "demo", why);
	}
	pthread_mutex_lock(&bd.lock);
	if (strcmp(bd.task, demo)) {
		for (int i = 0; i < bd.n; i++)
			free(bd.e[i]);
		bd.n = 0;
		snprintf(bd.task, sizeof(bd.task), "%s", demo);
		bd.tasks++;
	}
	pthread_mutex_unlock(&bd.lock);
	return 0;
}

/* ---- the board as JSON -------------------------------------------------- */

static cJSON *entry_json(const struct board_entry *e)
{
	cJSON *o = cJSON_CreateObject(), *a = cJSON_AddArrayToObject(o, "summaries"), *m;

	cJSON_AddStringToObject(o, "as", e->as);
	cJSON_AddStringToObject(o, "demo", e->demo);
	cJSON_AddStringToObject(o, "metric", e->metric);
	cJSON_AddBoolToObject(o, "higher_is_better", e->higher);
	cJSON_AddNumberToObject(o, "received_at", floor(e->at));
	for (int i = 0; i < e->nsum; i++) {
		const struct board_summary *s = &e->sum[i];
		cJSON *j = cJSON_CreateObject();

		cJSON_AddStringToObject(j, "label", s->label);
		cJSON_AddStringToObject(j, "mechanism", s->mech);
		cJSON_AddNumberToObject(j, "size", s->size);
		cJSON_AddNumberToObject(j, "reps", s->reps);
		cJSON_AddNumberToObject(j, "median", s->median);
		cJSON_AddNumberToObject(j, "min", s->min);
		cJSON_AddNumberToObject(j, "max", s->max);
		cJSON_AddItemToArray(a, j);
	}
	cJSON_AddStringToObject(o, "lesson", e->lesson);
	if (e->key.has) {
		cJSON *k = cJSON_AddObjectToObject(o, "key");

		cJSON_AddStringToObject(k, "a", e->key.a);
		cJSON_AddStringToObject(k, "b", e->key.b);
		cJSON_AddNumberToObject(k, "factor", e->key.factor);
		if (isnan(e->key.low)) {
			cJSON_AddNullToObject(k, "low");
			cJSON_AddNullToObject(k, "high");
		} else {
			cJSON_AddNumberToObject(k, "low", e->key.low);
			cJSON_AddNumberToObject(k, "high", e->key.high);
		}
		if (e->key.verdict[0])
			cJSON_AddStringToObject(k, "verdict", e->key.verdict);
		else
			cJSON_AddNullToObject(k, "verdict");
	} else {
		cJSON_AddNullToObject(o, "key");
	}
	if (!e->machine) {
		cJSON_AddNullToObject(o, "machine");
		return o;
	}
	m = cJSON_AddObjectToObject(o, "machine");
	cJSON_AddStringToObject(m, "cpu_model", e->cpu);
	cJSON_AddNumberToObject(m, "cores", e->cores);
	cJSON_AddStringToObject(m, "kernel", e->kernel);
	if (e->vm < 0)
		cJSON_AddNullToObject(m, "vm");
	else
		cJSON_AddBoolToObject(m, "vm", e->vm);
	return o;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* quantile: of sorted x[n], linear between order statistics */
static double quantile(const double *x, int n, double q)
{
	double h = (n - 1) * q;
	int i = (int)floor(h);

	return i + 1 < n ? x[i] + (h - i) * (x[i + 1] - x[i]) : x[n - 1];
}

/* fences: the quartile fences of sorted x[n] (all > 0) in log10 space;
   false when there are too few machines to call any an outlier */
static bool fences(const double *sorted, int n, double *lo, double *hi)
{
	double lq1, lq3, iqr;

	if (n < BOARD_OUTLIER_MIN || sorted[0] <= 0)
		return false;
	lq1 = log10(quantile(sorted, n, 0.25));
	lq3 = log10(quantile(sorted, n, 0.75));
	iqr = lq3 - lq1;
	*lo = lq1 - BOARD_FENCE * iqr;
	*hi = lq3 + BOARD_FENCE * iqr;
	return true;
}

/* outliers: pseudonyms whose figure for label lies outside the fences of
   the log figures' quartiles */
static cJSON *outliers(const char *label, const double *sorted, int n)
{
	cJSON *a = cJSON_CreateArray();
	double lo, hi;

	if (!fences(sorted, n, &lo, &hi))
		return a;
	for (int i = 0; i < bd.n; i++)
		for (int j = 0; j < bd.e[i]->nsum; j++) {
			const struct board_summary *s = &bd.e[i]->sum[j];
			double l = log10(s->median);

			if (!strcmp(s->label, label) && (l < lo || l > hi))
				cJSON_AddItemToArray(a, cJSON_CreateString(bd.e[i]->as));
		}
	return a;
}

static bool same_pair(const struct board_key *k, const struct board_key *m)
{
	return k->has && m->has && !strcmp(k->a, m->a) && !strcmp(k->b, m->b);
}

/* key_json: the class's distribution of the lesson's key figure, over the
   machines whose key names the pair most of them name (the first such
   pair on a tie), or null when no machine sent one */
static cJSON *key_json(double *x)
{
	const struct board_key *pick = NULL;
	int best = 0, n = 0, others = 0;
	double lo, hi;
	bool fenced;
	cJSON *o, *out, *pts;

	for (int i = 0; i < bd.n; i++) {
		int c = 0;

		for (int j = 0; j < bd.n; j++)
			c += same_pair(&bd.e[i]->key, &bd.e[j]->key);
		if (c > best) {
			best = c;
			pick = &bd.e[i]->key;
		}
	}
	if (!pick)
		return cJSON_CreateNull();
	for (int i = 0; i < bd.n; i++)
		if (same_pair(pick, &bd.e[i]->key))
			x[n++] = bd.e[i]->key.factor;
		else
			others += bd.e[i]->key.has;
	qsort(x, (size_t)n, sizeof(*x), cmp_double);
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "a", pick->a);
	cJSON_AddStringToObject(o, "b", pick->b);
	cJSON_AddNumberToObject(o, "machines", n);
	cJSON_AddNumberToObject(o, "other_pairs", others);
	cJSON_AddNumberToObject(o, "median", quantile(x, n, 0.5));
	cJSON_AddNumberToObject(o, "q1", quantile(x, n, 0.25));
	cJSON_AddNumberToObject(o, "q3", quantile(x, n, 0.75));
	cJSON_AddNumberToObject(o, "min", x[0]);
	cJSON_AddNumberToObject(o, "max", x[n - 1]);
	fenced = fences(x, n, &lo, &hi);
	pts = cJSON_AddArrayToObject(o, "points");
	out = cJSON_AddArrayToObject(o, "outliers");
	for (int i = 0; i < bd.n; i++) {
		const struct board_entry *e = bd.e[i];
		cJSON *pt;

		if (!same_pair(pick, &e->key))
			continue;
		pt = cJSON_CreateObject();
		cJSON_AddStringToObject(pt, "as", e->as);
		cJSON_AddNumberToObject(pt, "factor", e->key.factor);
		cJSON_AddItemToArray(pts, pt);
		if (fenced && (log10(e->key.factor) < lo || log10(e->key.factor) > hi))
			cJSON_AddItemToArray(out, cJSON_CreateString(e->as));
	}
	return o;
}

/* class_json: the class's figures for label, or NULL when it was done */
static cJSON *class_json(const char *label, double *x)
{
	cJSON *o;
	int n = 0;

	for (int i = 0; i < bd.n; i++)
		for (int j = 0; j < bd.e[i]->nsum; j++)
			if (!strcmp(bd.e[i]->sum[j].label, label))
				x[n++] = bd.e[i]->sum[j].median;
	qsort(x, (size_t)n, sizeof(*x), cmp_double);
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "label", label);
	cJSON_AddNumberToObject(o, "machines", n);
	cJSON_AddNumberToObject(o, "median", quantile(x, n, 0.5));
	cJSON_AddNumberToObject(o, "q1", quantile(x, n, 0.25));
	cJSON_AddNumberToObject(o, "q3", quantile(x, n, 0.75));
	cJSON_AddNumberToObject(o, "min", x[0]);
	cJSON_AddNumberToObject(o, "max", x[n - 1]);
	cJSON_AddItemToObject(o, "outliers", outliers(label, x, n));
	return o;
}

/* classes: one entry per label, in the order the labels first appear */
static cJSON *classes(void)
{
	cJSON *a = cJSON_CreateArray();
	double *x = malloc(sizeof(*x) * (size_t)(bd.n ? bd.n : 1));

	for (int i = 0; x && i < bd.n; i++)
		for (int j = 0; j < bd.e[i]->nsum; j++) {
			const char *label = bd.e[i]->sum[j].label;
			bool seen = false;

			for (int k = 0; k < i && !seen; k++)
				for (int m = 0; m < bd.e[k]->nsum && !seen; m++)
					seen = !strcmp(bd.e[k]->sum[m].label, label);
			if (!seen)
				cJSON_AddItemToArray(a, class_json(label, x));
		}
	free(x);
	return a;
}

int board_task(char *out, size_t n)
{
	int tasks;

	pthread_mutex_lock(&bd.lock);
	snprintf(out, n, "%s", bd.task);
	tasks = bd.tasks;
	pthread_mutex_unlock(&bd.lock);
	return tasks > 0 ? tasks - 1 : 0;
}

char *board_ndjson(void)
{
	size_t n = 0, cap = 1;
	char *out = malloc(cap), *line, *more;

	pthread_mutex_lock(&bd.lock);
	for (int i = 0; out && i < bd.n; i++) {
		cJSON *o = entry_json(bd.e[i]);
		size_t len;

		line = cJSON_PrintUnformatted(o);
		cJSON_Delete(o);
		len = line ? strlen(line) : 0;
		more = line ? realloc(out, cap + len + 1) : NULL;
		if (!more) {
			free(out);
			out = NULL;
		} else {
			out = more;
			cap += len + 1;
			memcpy(out + n, line, len);
			n += len;
			out[n++] = '\n';
		}
		free(line);
	}
	pthread_mutex_unlock(&bd.lock);
	if (out)
		out[n] = '\0';
	return out;
}

char *board_json(void)
{
	cJSON *o = cJSON_CreateObject(), *m;
	double *x;
	char *text;

	pthread_mutex_lock(&bd.lock);
	if (bd.task[0])
		cJSON_AddStringToObject(o, "task", bd.task);
	else
		cJSON_AddNullToObject(o, "task");
	cJSON_AddNumberToObject(o, "max", bd.max);
	m = cJSON_AddArrayToObject(o, "machines");
	for (int i = 0; i < bd.n; i++)
		cJSON_AddItemToArray(m, entry_json(bd.e[i]));
	cJSON_AddItemToObject(o, "class", classes());
	x = malloc(sizeof(*x) * (size_t)(bd.n ? bd.n : 1));
	cJSON_AddItemToObject(o, "key", x ? key_json(x) : cJSON_CreateNull());
	free(x);
	pthread_mutex_unlock(&bd.lock);
	text = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	return text;
}
