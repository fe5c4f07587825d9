/* diff_cli.c -- `ipcscope diff A B`, a run's --save and --baseline: where
   stored and saved runs live, reading them with suspicion, saving one
   without ever overwriting, and the diff's text, JSON, NDJSON and CSV */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "stats/diff.h"
#include "cli/diff_cli.h"
#include "params/params_table.h"
#include "base/human.h"
#include "mech/mech.h"

#define DIFF_PATH_MAX 4096
#define DIFF_STATE_MAX 2048        /* the state directory's path */

/* ---- where runs live ---------------------------------------------------- */

/* state_dir: $XDG_STATE_HOME/ipcscope (absolute), else
   $HOME/.local/state/ipcscope; -1 when neither is set */
static int state_dir(char *buf, size_t len)
{
	const char *xdg = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
	int n;

	if (xdg && xdg[0] == '/')
		n = snprintf(buf, len, "%s/ipcscope", xdg);
	else if (home && home[0] == '/')
		n = snprintf(buf, len, "%s/.local/state/ipcscope", home);
	else
		return -1;
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

/* results_dir: the server's results directory, as `ipcscope serve` picks it */
static void results_dir(const struct diff_after *d, char *buf, size_t len)
{
	char s[DIFF_STATE_MAX];

	if (d && d->results_dir[0])
		snprintf(buf, len, "%s", d->results_dir);
	else if (state_dir(s, sizeof(s)) == 0)
		snprintf(buf, len, "%s/results", s);
	else
		snprintf(buf, len, "results");
}

static bool run_number(const char *s)
{
	return s[0] == 'r' && s[1] && strspn(s + 1, "0123456789") == strlen(s + 1) &&
	       strlen(s) <= 10;
}

static bool ends_with(const char *s, const char *tail)
{
	size_t n = strlen(s), t = strlen(tail);

	return n >= t && !strcmp(s + n - t, tail);
}

/* name_check: a saved run's name: letters, digits, '.', '_', '-', starting
   with a letter or digit, at most DIFF_NAME_MAX; not rN (a stored run), not
   ending in .ndjson (a file) and not a mechanism (--baseline pipe names the
   comparison's baseline); 0 or -1 with why */
static int name_check(const char *s, char *why, size_t len)
{
	static const char ok[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
				 "0123456789._-";

	if (!*s || strlen(s) > DIFF_NAME_MAX || strspn(s, ok) != strlen(s) || s[0] == '.' ||
	    s[0] == '-' || s[0] == '_')
		snprintf(why, len, "a name is 1 to %d letters, digits, '.', '_' or '-', "
			 "starting with a letter or digit", DIFF_NAME_MAX);
	else if (run_number(s))
		snprintf(why, len, "'%s' reads as a stored run id (rN)", s);
	else if (ends_with(s, ".ndjson"))
		snprintf(why, len, "a name ending in .ndjson reads as a file");
	else if (mech_find(s))
		snprintf(why, len, "'%s' is a mechanism (--baseline %s picks the comparison's "
			 "baseline)", s, s);
	else
		return 0;
	return -1;
}

/* saved_dir: the private directory of saved runs, made (0700, parents
   too) when make; refused unless it is a directory of this user that
   nobody else can write or read; 0 or -1 with why */
static int saved_dir(char *buf, size_t len, bool make, char *why, size_t wlen)
{
	char s[DIFF_STATE_MAX];
	struct stat st;

	if (state_dir(s, sizeof(s)) < 0) {
		snprintf(why, wlen, "no place for saved runs: set XDG_STATE_HOME or HOME");
		return -1;
	}
	snprintf(buf, len, "%s/saved", s);
	if (make) {
		for (char *p = buf + 1; (p = strchr(p, '/')); p++) {
			*p = '\0';
			if (mkdir(buf, 0700) < 0 && errno != EEXIST) {
				snprintf(why, wlen, "cannot create '%s': %s", buf, strerror(errno));
				*p = '/';
				return -1;
			}
			*p = '/';
		}
		if (mkdir(buf, 0700) < 0 && errno != EEXIST) {
			snprintf(why, wlen, "cannot create '%s': %s", buf, strerror(errno));
			return -1;
		}
	}
	if (lstat(buf, &st) < 0) {
		snprintf(why, wlen, "'%s': %s", buf, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode) || st.st_uid != getuid() || (st.st_mode & 077)) {
		snprintf(why, wlen, "'%s' is not a private directory of this user (mode 0700): "
			 "not used", buf);
		return -1;
	}
	return 0;
}

/* read_run: the whole of path: a regular file of at most DIFF_FILE_MAX
   bytes (nofollow: a link is refused); 0, or -1 with why */
static int read_run(const char *path, bool nofollow, char **buf, size_t *len, char *why,
		    size_t wlen)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | (nofollow ? O_NOFOLLOW : 0));
	struct stat st;
	size_t got = 0;
	char *b;

	if (fd < 0) {
		snprintf(why, wlen, "cannot read '%s': %s", path,
			 errno == ELOOP ? "a link, not followed" : strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > (off_t)DIFF_FILE_MAX) {
		snprintf(why, wlen, "'%s' is not a regular file of at most %u MiB", path,
			 DIFF_FILE_MAX >> 20);
		close(fd);
		return -1;
	}
	if (!(b = malloc((size_t)st.st_size + 1))) {
		snprintf(why, wlen, "out of memory");
		close(fd);
		return -1;
	}
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, b + got, (size_t)st.st_size - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	b[got] = '\0';
	*buf = b;
	*len = got;
	return 0;
}

/* load: a run named on the command line: a path (with a '/' or ending in
   .ndjson), a stored run id rN of the results directory, or a saved
   name; 0, or -1 with why */
static int load(const struct diff_after *d, const char *arg, char **buf, size_t *len,
		char *why, size_t wlen)
{
	char dir[DIFF_PATH_MAX], path[DIFF_PATH_MAX + DIFF_ARG_MAX], w[200];

	if (strchr(arg, '/') || ends_with(arg, ".ndjson"))
		return read_run(arg, false, buf, len, why, wlen);
	if (run_number(arg)) {
		results_dir(d, dir, sizeof(dir));
		snprintf(path, sizeof(path), "%s/%s.ndjson", dir, arg);
		return read_run(path, true, buf, len, why, wlen);
	}
	if (name_check(arg, w, sizeof(w)) < 0) {
		snprintf(why, wlen, "'%.100s' is not a run: give a stored run id (r3), a name saved "
			 "with --save, or an NDJSON file (a path with a '/' or ending in .ndjson)",
			 arg);
		return -1;
	}
	if (saved_dir(dir, sizeof(dir), false, w, sizeof(w)) < 0) {
		snprintf(why, wlen, "no saved run '%s': %s", arg, w);
		return -1;
	}
	snprintf(path, sizeof(path), "%s/%s.ndjson", dir, arg);
	if (access(path, F_OK) < 0 && errno == ENOENT) {
		snprintf(why, wlen, "no saved run '%s' (in %s)", arg, dir);
		return -1;
	}
	return read_run(path, true, buf, len, why, wlen);
}

/* save: lines as saved run name, never replacing one: an exclusive temp
   file in the private directory, flushed, then linked to its name (which
   fails when the name is taken) and unlinked; 0, or -1 with why */
static int save(const char *name, const char *lines, size_t len, char *why, size_t wlen)
{
	char dir[DIFF_PATH_MAX], tmp[DIFF_PATH_MAX + 128], dst[DIFF_PATH_MAX + 128];
	size_t off = 0;
	int fd, rc = -1;

	if (saved_dir(dir, sizeof(dir), true, why, wlen) < 0)
		return -1;
	snprintf(tmp, sizeof(tmp), "%s/.%s.tmp.%d", dir, name, (int)getpid());
	snprintf(dst, sizeof(dst), "%s/%s.ndjson", dir, name);
	unlink(tmp);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		snprintf(why, wlen, "cannot create '%s': %s", tmp, strerror(errno));
		return -1;
	}
	while (off < len) {
		ssize_t n = write(fd, lines + off, len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		off += (size_t)n;
	}
	if (off < len || fsync(fd) < 0)
		snprintf(why, wlen, "cannot write '%s': %s", tmp, strerror(errno ? errno : EIO));
	else if (link(tmp, dst) < 0)
		snprintf(why, wlen, errno == EEXIST ? "a run is already saved as '%s' (%s): "
			 "choose another name or remove it" : "cannot save '%s' as %s: %s", name,
			 dst, strerror(errno));
	else
		rc = 0;
	close(fd);
	unlink(tmp);
	return rc;
}

/* ---- output ------------------------------------------------------------- */

struct dout {
	enum report_format fmt;
	FILE *out;
	cJSON *doc;                /* json: {diff_start, rows, diff_end} */
	bool csv_header;
	bool latency;
};

static const char *sval(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static double nval(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsNumber(v) ? v->valuedouble : NAN;
}

static void text_side(FILE *f, const char *tag, const cJSON *s)
{
	const cJSON *sys = cJSON_GetObjectItemCaseSensitive(s, "system");
	const char *kernel = sval(sys, "kernel"), *cpu = sval(sys, "cpu_model");
	const char *what = sval(s, "what"), *run = sval(s, "run");

	fprintf(f, "%s: %s  %s (run %s, %s)  %s, %s, %.0f cores\n", tag, sval(s, "name"),
		what ? what : "?", run ? run : "?", sval(s, "status"), kernel ? kernel : "?",
		cpu ? cpu : "?", nval(sys, "cores"));
}

static void text_figure(double v, bool latency, char *buf, size_t len)
{
	if (!isfinite(v))
		snprintf(buf, len, "-");
	else if (latency)
		human_seconds(v / 1e9, buf, len);
	else
		human_si(v, "msgs/s", buf, len);
}

/* put_padded: s, then spaces to width columns (a UTF-8 character, "×",
   "–", "±", takes one) */
static void put_padded(FILE *f, const char *s, int width)
{
	int cols = 0;

	for (const char *p = s; *p; p++)
		cols += ((unsigned char)*p & 0xc0) != 0x80;
	fprintf(f, "%s%*s", s, width > cols ? width - cols : 0, "");
}

static void text_line(struct dout *o, const cJSON *l)
{
	const char *type = sval(l, "type");
	const cJSON *v;
	char a[HUMAN_LEN], b[HUMAN_LEN], sz[HUMAN_LEN], name[160];

	if (!strcmp(type, "diff_start")) {
		o->latency = !strcmp(sval(l, "metric"), "latency_p50_ns");
		text_side(o->out, "a", cJSON_GetObjectItemCaseSensitive(l, "a"));
		text_side(o->out, "b", cJSON_GetObjectItemCaseSensitive(l, "b"));
		cJSON_ArrayForEach(v, cJSON_GetObjectItemCaseSensitive(l, "moves"))
			fprintf(o->out, "warning: the machine moved between the runs: %s\n",
				v->valuestring);
		cJSON_ArrayForEach(v, cJSON_GetObjectItemCaseSensitive(l, "params_differ"))
			fprintf(o->out, "note: the runs were asked differently: %s\n", v->valuestring);
		fprintf(o->out, "\n%-24s       size %14s %14s  %-40s %s\n", "mechanism", "a median",
			"b median", "b against a", "change");
		return;
	}
	if (!strcmp(type, "diff_row")) {
		const char *change = sval(l, "change"), *why = sval(l, "unreliable");
		const char *place = sval(l, "placement");

		text_figure(nval(l, "a_median"), o->latency, a, sizeof(a));
		text_figure(nval(l, "b_median"), o->latency, b, sizeof(b));
		snprintf(name, sizeof(name), "%s", sval(l, "label"));
		fprintf(o->out, "%-24s %10s %14s %14s  ", name,
			human_bytes(nval(l, "size"), sz, sizeof(sz)), a, b);
		put_padded(o->out, sval(l, "verdict_text"), 40);
		fprintf(o->out, " %s\n", !strcmp(change, "slower") ? "SLOWER" : change);
		if (why)
			fprintf(o->out, "%24s unreliable: %s\n", "", why);
		if (place && (!why || strcmp(why, place)))
			fprintf(o->out, "%24s note: %s\n", "", place);
		return;
	}
	if (!strcmp(type, "diff_end")) {
		double slower = nval(l, "slower");

		fprintf(o->out, "\n");
		if (slower > 0) {
			fprintf(o->out, "slower beyond the threshold in %.0f of %.0f rows:", slower,
				nval(l, "rows"));
			cJSON_ArrayForEach(v, cJSON_GetObjectItemCaseSensitive(l, "slower_rows"))
				fprintf(o->out, " %s;", v->valuestring);
			fprintf(o->out, "\n");
		} else {
			fprintf(o->out, "no row slower beyond the threshold (%.0f row%s: %.0f no change, "
				"%.0f faster, %.0f probably faster or slower, %.0f unknown, %.0f in one "
				"run only)\n", nval(l, "rows"), nval(l, "rows") == 1 ? "" : "s",
				nval(l, "no_change"), nval(l, "faster"), nval(l, "probably"),
				nval(l, "unknown"), nval(l, "missing"));
		}
	}
}

/* csv_line: one row per diff_row, its fields as columns (the header from
   the first) */
static void csv_line(struct dout *o, const cJSON *l)
{
	const cJSON *v;
	bool first = true;

	if (strcmp(sval(l, "type"), "diff_row"))
		return;
	if (!o->csv_header) {
		cJSON_ArrayForEach(v, l) {
			if (!strcmp(v->string, "type"))
				continue;
			fprintf(o->out, "%s%s", first ? "" : ",", v->string);
			first = false;
		}
		fprintf(o->out, "\n");
		o->csv_header = true;
		first = true;
	}
	cJSON_ArrayForEach(v, l) {
		if (!strcmp(v->string, "type"))
			continue;
		if (!first)
			fputc(',', o->out);
		first = false;
		if (cJSON_IsString(v))
			report_csv_field(o->out, v->valuestring);
		else if (cJSON_IsNumber(v))
			fprintf(o->out, "%.10g", v->valuedouble);
		else if (cJSON_IsBool(v))
			fputs(cJSON_IsTrue(v) ? "true" : "false", o->out);
	}
	fputc('\n', o->out);
}

static void dout_emit(void *ctx, cJSON *line)
{
	struct dout *o = ctx;
	const char *type = sval(line, "type");
	char *s;

	switch (o->fmt) {
	case REPORT_NDJSON:
		if ((s = cJSON_PrintUnformatted(line))) {
			fprintf(o->out, "%s\n", s);
			free(s);
		}
		break;
	case REPORT_JSON:
		/* diff_start, rows, diff_end, in that order */
		if (!strcmp(type, "diff_row")) {
			cJSON_AddItemToArray(cJSON_GetObjectItemCaseSensitive(o->doc, "rows"), line);
			return;
		}
		cJSON_AddItemToObject(o->doc, type, line);
		if (!strcmp(type, "diff_start"))
			cJSON_AddArrayToObject(o->doc, "rows");
		return;
	case REPORT_CSV:
		csv_line(o, line);
		break;
	case REPORT_TEXT:
		text_line(o, line);
		break;
	}
	cJSON_Delete(line);
}

static void dout_open(struct dout *o, enum report_format fmt, FILE *out)
{
	memset(o, 0, sizeof(*o));
	o->fmt = fmt;
	o->out = out;
	if (fmt == REPORT_JSON)
		o->doc = cJSON_CreateObject();
}

/* ---- ipcscope diff ------------------------------------------------------ */

void diff_usage(FILE *f)
{
	fprintf(f,
		"usage: ipcscope diff A B [--threshold PCT] [--format text|json|ndjson|csv]\n"
		"                         [--results-dir DIR]\n\n"
		"Compares run B against run A, per mechanism and size: the ratio of B's reps to\n"
		"A's with its 95%% interval (rank sum: the runs are not paired) and the verdict\n"
		"it supports, both runs' platform and what moved on the machine between them.\n\n"
		"A and B are each a stored run id of the server's results directory (r3), a name\n"
		"saved with --save (before), or an NDJSON file of a run (a path with a '/' or\n"
		"ending in .ndjson: ipcscope bench pipe --format ndjson > a.ndjson).\n\n"
		"  --threshold PCT   how much slower a row may be and pass (0..%g, default %g)\n"
		"  --format F        text (default), json, ndjson or csv\n"
		"  --results-dir DIR the server's results directory (default\n"
		"                    $XDG_STATE_HOME/ipcscope/results, else\n"
		"                    ~/.local/state/ipcscope/results)\n\n"
		"Saved runs live in $XDG_STATE_HOME/ipcscope/saved (else\n"
		"~/.local/state/ipcscope/saved).\n\n"
		"Exit status: 0 no row slower beyond the threshold, 1 a row is, 2 a usage error\n"
		"or an input that is not a run.\n", DIFF_THRESHOLD_MAX, DIFF_THRESHOLD_PCT);
}

static int threshold_of(const char *v, double *out, struct param_error *err)
{
	char *end;
	double x;

	errno = 0;
	x = strtod(v, &end);
	if (!*v || *end || errno || !isfinite(x) || x < 0 || x > DIFF_THRESHOLD_MAX) {
		return param_error_set(err, "threshold", "bad value '%.64s' for threshold: expected "
				       "a percentage from 0 to %g", v, DIFF_THRESHOLD_MAX);
	}
	*out = x;
	return 0;
}

static int diff_usage_error(const char *fmt, const char *a)
{
	fprintf(stderr, "ipcscope diff: ");
	fprintf(stderr, fmt, a);
	fprintf(stderr, " (see 'ipcscope diff --help')\n");
	return 2;
}

int diff_main(int argc, char **argv)
{
	struct diff_after d;
	struct param_error err;
	const char *pos[2] = { NULL, NULL };
	enum report_format fmt = REPORT_TEXT;
	struct dout o;
	char *buf[2] = { NULL, NULL }, why[DIFF_ERR_MAX + DIFF_PATH_MAX];
	size_t len[2] = { 0, 0 };
	int npos = 0, rc;

	diff_after_init(&d);
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *val;
		char name[32];

		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			diff_usage(stdout);
			return 0;
		}
		if (strncmp(a, "--", 2)) {
			if (npos == 2)
				return diff_usage_error("unexpected argument '%.64s': diff takes two "
							"runs", a);
			pos[npos++] = a;
			continue;
		}
		a += 2;
		if ((val = strchr(a, '='))) {
			snprintf(name, sizeof(name), "%.*s", (int)(val - a), a);
			val++;
		} else {
			snprintf(name, sizeof(name), "%s", a);
			if (i + 1 >= argc)
				return diff_usage_error("--%s needs a value", name);
			val = argv[++i];
		}
		if (!strcmp(name, params_table[P_FORMAT].name)) {
			if (!strcmp(val, "text"))
				fmt = REPORT_TEXT;
			else if (!strcmp(val, "json"))
				fmt = REPORT_JSON;
			else if (!strcmp(val, "ndjson"))
				fmt = REPORT_NDJSON;
			else if (!strcmp(val, "csv"))
				fmt = REPORT_CSV;
			else
				return diff_usage_error("bad value '%.64s' for format: expected text, "
							"json, ndjson or csv", val);
		} else if (!strcmp(name, "threshold") || !strcmp(name, "results-dir")) {
			if (diff_after_arg(&d, name, val, &err) < 0)
				return diff_usage_error("%s", err.message);
		} else {
			return diff_usage_error("unknown option '--%.64s'", name);
		}
	}
	if (npos < 2)
		return diff_usage_error("%s", "which two runs? diff takes A and B: stored run ids "
					"(r3), saved names or NDJSON files");
	for (int s = 0; s < 2; s++)
		if (load(&d, pos[s], &buf[s], &len[s], why, sizeof(why)) < 0) {
			free(buf[0]);
			return diff_usage_error("%s", why);
		}
	struct diff_input ia = { pos[0], buf[0], len[0] }, ib = { pos[1], buf[1], len[1] };

	dout_open(&o, fmt, stdout);
	rc = diff_runs(&ia, &ib, d.threshold_pct, dout_emit, &o, why, sizeof(why));
	free(buf[0]);
	free(buf[1]);
	if (rc == DIFF_BAD) {
		cJSON_Delete(o.doc);
		return diff_usage_error("%s", why);
	}
	if (fmt == REPORT_JSON) {
		char *s = cJSON_Print(o.doc);

		if (s)
			printf("%s\n", s);
		free(s);
		cJSON_Delete(o.doc);
	}
	fflush(stdout);
	return rc == DIFF_SLOWER ? 1 : 0;
}

/* ---- a run's --save and --baseline ---------------------------------------- */

void diff_after_init(struct diff_after *d)
{
	memset(d, 0, sizeof(*d));
	d->threshold_pct = DIFF_THRESHOLD_PCT;
}

int diff_after_arg(struct diff_after *d, const char *name, const char *val,
		   struct param_error *err)
{
	char why[200];

	if (!strcmp(name, "save")) {
		if (name_check(val, why, sizeof(why)) < 0)
			return param_error_set(err, "save", "bad value '%.64s' for save: %.150s", val, why);
		snprintf(d->save, sizeof(d->save), "%s", val);
		return 1;
	}
	if (!strcmp(name, "threshold")) {
		if (threshold_of(val, &d->threshold_pct, err) < 0)
			return -1;
		d->threshold_set = true;
		return 1;
	}
	if (!strcmp(name, "results-dir")) {
		if (!*val || strlen(val) >= sizeof(d->results_dir))
			return param_error_set(err, "results-dir", "bad value '%.64s' for results-dir: "
					  "expected a directory%s", val, "");
		snprintf(d->results_dir, sizeof(d->results_dir), "%s", val);
		return 1;
	}
	if (!strcmp(name, params_table[P_BASELINE].name) && *val && !mech_find(val)) {
		if (strlen(val) >= sizeof(d->baseline))
			return param_error_set(err, params_table[P_BASELINE].name, "bad value '%.64s...' for baseline: "
					  "too long%s", val, "");
		snprintf(d->baseline, sizeof(d->baseline), "%s", val);
		return 1;
	}
	return 0;
}

void diff_after_usage(FILE *f)
{
	fprintf(f,
		"\nAcross time:\n"
		"  --save NAME           keep this run as NAME (letters, digits, . _ -), for a\n"
		"                        later --baseline NAME or 'ipcscope diff NAME ...'\n"
		"  --baseline RUN        when RUN is not a mechanism: when the run ends, diff it\n"
		"                        against RUN (a stored id r3, a saved name, or an NDJSON\n"
		"                        file), as 'ipcscope diff RUN this-run'; exit 1 when a\n"
		"                        row is slower beyond the threshold\n"
		"  --threshold PCT       how much slower may pass (default %g)\n"
		"  --results-dir DIR     where stored run ids are found (as diff's)\n",
		DIFF_THRESHOLD_PCT);
}

static void tee_line(void *ctx, const cJSON *line)
{
	struct diff_after *d = ctx;
	char *s;

	if (!d->rec || !(s = cJSON_PrintUnformatted(line)))
		return;
	fprintf(d->rec, "%s\n", s);
	free(s);
}

static void discard(void *ctx, cJSON *line)
{
	(void)ctx;
	cJSON_Delete(line);
}

int diff_after_prepare(struct diff_after *d, struct report *rep, struct param_error *err)
{
	char why[DIFF_ERR_MAX + DIFF_PATH_MAX], dir[DIFF_PATH_MAX], path[DIFF_PATH_MAX + 128];
	struct stat st;

	if (!d->save[0] && !d->baseline[0]) {
		if (d->results_dir[0])
			return param_error_set(err, "results-dir", "--results-dir applies to a diff: "
					  "give --baseline RUN too%s%s", "", "");
		if (d->threshold_set)
			return param_error_set(err, "threshold", "--threshold applies to a diff: give "
					  "--baseline RUN too%s%s", "", "");
		return 0;
	}
	if (d->save[0]) {
		if (saved_dir(dir, sizeof(dir), true, why, sizeof(why)) < 0)
			return param_error_set(err, "save", "cannot save: %.200s%s", why, "");
		snprintf(path, sizeof(path), "%s/%s.ndjson", dir, d->save);
		if (lstat(path, &st) == 0)
			return param_error_set(err, "save", "a run is already saved as '%s': choose "
					  "another name or remove %.100s", d->save, path);
	}
	if (d->baseline[0]) {
		struct diff_input in;

		if (load(d, d->baseline, &d->base_lines, &d->base_len, why, sizeof(why)) < 0)
			return param_error_set(err, params_table[P_BASELINE].name, "bad value for baseline: %.200s%s", why, "");
		in = (struct diff_input){ d->baseline, d->base_lines, d->base_len };
		if (diff_runs(&in, &in, d->threshold_pct, discard, NULL, why, sizeof(why)) ==
		    DIFF_BAD)
			return param_error_set(err, params_table[P_BASELINE].name, "bad value for baseline: %.200s%s", why, "");
	}
	if (!(d->rec = open_memstream(&d->rec_buf, &d->rec_len))) {
		return param_error_set(err, "save", "out of memory%s%s", "", "");
	}
	if (report_watch(rep, tee_line, d) < 0)
		return param_error_set(err, "save", "cannot record the run: %s%s", "too many watchers", "");
	return 0;
}

void diff_after_free(struct diff_after *d)
{
	if (d->rec)
		fclose(d->rec);
	d->rec = NULL;
	free(d->rec_buf);
	d->rec_buf = NULL;
	free(d->base_lines);
	d->base_lines = NULL;
}

int diff_after_finish(struct diff_after *d, struct report *rep, const char *status)
{
	char why[DIFF_ERR_MAX + DIFF_PATH_MAX];
	struct dout o;
	int rc = 0;
	enum diff_outcome out;

	if (!d->rec)
		return 0;
	report_unwatch(rep, tee_line);
	fclose(d->rec);
	d->rec = NULL;
	if (strcmp(status, "ok")) {
		if (d->save[0])
			fprintf(stderr, "ipcscope: not saved as '%s': the run did not end ok\n",
				d->save);
		diff_after_free(d);
		return 0;
	}
	if (d->save[0]) {
		if (save(d->save, d->rec_buf, d->rec_len, why, sizeof(why)) < 0) {
			fprintf(stderr, "ipcscope: --save: %s\n", why);
			rc = 2;
		} else if (rep->fmt == REPORT_TEXT) {
			fprintf(rep->out, "saved as '%s'\n", d->save);
		}
	}
	if (d->baseline[0]) {
		struct diff_input a = { d->baseline, d->base_lines, d->base_len };
		struct diff_input b = { d->save[0] ? d->save : "this run", d->rec_buf, d->rec_len };

		if (rep->fmt == REPORT_TEXT)
			fprintf(rep->out, "\nagainst %s:\n", d->baseline);
		dout_open(&o, rep->fmt, rep->out);
		out = diff_runs(&a, &b, d->threshold_pct, dout_emit, &o, why, sizeof(why));
		if (out == DIFF_BAD) {
			fprintf(stderr, "ipcscope: --baseline: %s\n", why);
			cJSON_Delete(o.doc);
			rc = 2;
		} else {
			if (rep->fmt == REPORT_JSON) {
				cJSON_AddStringToObject(o.doc, "type", "diff");
				report_emit(rep, o.doc);
			}
			if (out == DIFF_SLOWER && !rc)
				rc = 1;
		}
		fflush(rep->out);
	}
	diff_after_free(d);
	return rc;
}
