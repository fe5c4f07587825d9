/* run_store.c -- the history of runs on disk: written once, loaded with suspicion
 *
 * Files are rNUM.ndjson (the run's lines) and rNUM.json (what was asked,
 * written when the run is queued, so a run the server never finished is
 * still known), and the id file (STORE_IDS), which records the run numbers
 * that may have been given out, so none is given twice even when a run's
 * files could not be written or were removed. Everything is
 * opened relative to the directory, without following links, and only
 * regular files are read: a link or a FIFO planted here is skipped.
 */
#include <cjson/cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "run_store.h"
#include "utf8.h"
#include "base/error.h"

#define STORE_NAME_MAX 64
#define STORE_REASON_MAX 200
#define STORE_TAIL_MAX 320         /* the lines an interrupted run ends with */

enum { F_NDJSON = 1, F_JSON = 2, F_TMP = 4, F_BAD = 8 };

static const struct {
	const char *suffix;
	int flag;
} suffixes[] = {
	{ ".ndjson", F_NDJSON }, { ".json", F_JSON },
	{ ".ndjson.tmp", F_TMP }, { ".json.tmp", F_TMP },
	{ ".ndjson.bad", F_BAD }, { ".json.bad", F_BAD },
};
#define NSUFFIXES (sizeof(suffixes) / sizeof(suffixes[0]))

static int dirfd_ = -1;
static char dirname_[PATH_MAX];

static void name_of(char *out, unsigned long num, const char *suffix)
{
	snprintf(out, STORE_NAME_MAX, "r%lu%s", num, suffix);
}

/* ---- writing ------------------------------------------------------------ */

static int write_all(int fd, const char *data, size_t len)
{
	size_t off = 0;

	while (off < len) {
		ssize_t n = write(fd, data + off, len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		off += (size_t)n;
	}
	return 0;
}

/* create_tmp: a fresh temp file; a name already there (a dead server's
   leftover, or a planted link) is removed, never opened */
static int create_tmp(const char *tmp)
{
	int flags = O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC;
	int fd = openat(dirfd_, tmp, flags, 0644);

	if (fd < 0 && errno == EEXIST && unlinkat(dirfd_, tmp, 0) == 0)
		fd = openat(dirfd_, tmp, flags, 0644);
	return fd;
}

/* write_named: writes name through an exclusive temp file and a rename,
   never following a link; with sync, the file and the directory reach the
   disk before it returns; 0, or -1 with err */
static int write_named(const char *name, const char *data, size_t len, bool sync,
		       char *err, size_t errlen)
{
	char tmp[STORE_NAME_MAX + 8];
	int fd, rc = -1;

	snprintf(tmp, sizeof(tmp), "%s.tmp", name);
	fd = create_tmp(tmp);
	if (fd < 0)
		return error_set(err, errlen, "cannot create '%s/%s': %s", dirname_, tmp, strerror(errno));
	if (write_all(fd, data, len) < 0 || (sync && fsync(fd) < 0))
		error_set(err, errlen, "cannot write '%s/%s': %s", dirname_, tmp, strerror(errno));
	else
		rc = 0;
	if (close(fd) < 0 && rc == 0) {
		error_set(err, errlen, "cannot write '%s/%s': %s", dirname_, tmp, strerror(errno));
		rc = -1;
	}
	if (rc == 0 && renameat(dirfd_, tmp, dirfd_, name) < 0) {
		error_set(err, errlen, "cannot rename '%s/%s': %s", dirname_, tmp, strerror(errno));
		rc = -1;
	}
	if (rc < 0)
		unlinkat(dirfd_, tmp, 0);
	else if (sync && fsync(dirfd_) < 0 && errno != EINVAL) {
		error_set(err, errlen, "cannot flush '%s': %s", dirname_, strerror(errno));
		rc = -1;
	}
	return rc;
}

int store_write(unsigned long num, const char *ext, const char *data, size_t len,
		char *err, size_t errlen)
{
	char name[STORE_NAME_MAX];

	name_of(name, num, ext);
	return write_named(name, data, len, false, err, errlen);
}

int store_write_named(const char *name, const char *data, size_t len, char *err,
		      size_t errlen)
{
	if (strlen(name) + 8 > STORE_NAME_MAX || strchr(name, '/')) {
		error_set(err, errlen, "bad file name '%.40s'", name);
		return -1;
	}
	return write_named(name, data, len, false, err, errlen);
}

void store_remove(unsigned long num)
{
	char name[STORE_NAME_MAX];

	for (size_t i = 0; i < NSUFFIXES; i++) {
		name_of(name, num, suffixes[i].suffix);
		unlinkat(dirfd_, name, 0);
	}
}

/* ---- checking ----------------------------------------------------------- */

const char *store_status_word(const char *s)
{
	static const char *const known[] = { "ok", "error", "cancelled", "timeout" };

	for (size_t i = 0; s && i < sizeof(known) / sizeof(known[0]); i++)
		if (strcmp(s, known[i]) == 0)
			return known[i];
	return "error";
}

/* check_line: one line of a history file: a JSON object with a string
   "type"; an end line fills *st */
static int check_line(const char *p, size_t n, struct store_status *st)
{
	cJSON *o = cJSON_ParseWithLength(p, n);
	cJSON *type = cJSON_GetObjectItemCaseSensitive(o, "type");
	int rc = -1;

	if (cJSON_IsObject(o) && cJSON_IsString(type)) {
		rc = 0;
		if (strcmp(type->valuestring, "end") == 0) {
			cJSON *s = cJSON_GetObjectItemCaseSensitive(o, "status");
			cJSON *e = cJSON_GetObjectItemCaseSensitive(o, "elapsed_s");

			snprintf(st->status, sizeof(st->status), "%s",
				 store_status_word(cJSON_IsString(s) ? s->valuestring : NULL));
			st->elapsed_s = cJSON_IsNumber(e) ? e->valuedouble : 0;
			st->has_end = true;
		}
	}
	cJSON_Delete(o);
	return rc;
}

int store_check(const char *buf, size_t len, struct store_status *st, char *why, size_t n)
{
	size_t lineno = 0, bad;

	memset(st, 0, sizeof(*st));
	snprintf(st->status, sizeof(st->status), "interrupted");
	if (len == 0) {
		snprintf(why, n, "it is empty");
		return -1;
	}
	if (memchr(buf, '\0', len)) {
		snprintf(why, n, "it holds a NUL byte");
		return -1;
	}
	if ((bad = utf8_valid(buf, len)) < len) {
		snprintf(why, n, "byte %zu is not UTF-8", bad + 1);
		return -1;
	}
	for (const char *p = buf, *end = buf + len; p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t k = nl ? (size_t)(nl - p) : (size_t)(end - p);

		lineno++;
		if (k > STORE_LINE_MAX) {
			snprintf(why, n, "line %zu is longer than %u bytes", lineno, STORE_LINE_MAX);
			return -1;
		}
		if (st->has_end) {
			snprintf(why, n, "line %zu follows the end line", lineno);
			return -1;
		}
		if (check_line(p, k, st) < 0) {
			snprintf(why, n, "line %zu is not an NDJSON object with a type", lineno);
			return -1;
		}
		p += k + (nl ? 1 : 0);
	}
	return 0;
}

/* ---- reading ------------------------------------------------------------ */

/* read_file: a regular file of at most max bytes, opened without following
   a link or waiting on a FIFO; 0 with *buf (NUL-terminated), -1 with why
   (*big set when only its size is wrong) */
static int read_file(const char *name, size_t max, char **buf, size_t *len, bool *big,
		     char *why, size_t n)
{
	int fd = openat(dirfd_, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	struct stat st;
	ssize_t got;

	*buf = NULL;
	*big = false;
	if (fd < 0) {
		snprintf(why, n, "%s", errno == ELOOP ? "it is a symbolic link" : strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		snprintf(why, n, "it is not a regular file");
		goto fail;
	}
	if ((size_t)st.st_size > max) {
		snprintf(why, n, "it is larger than %zu bytes", max);
		*big = true;
		goto fail;
	}
	*buf = malloc((size_t)st.st_size + 1);
	if (!*buf) {
		snprintf(why, n, "out of memory");
		goto fail;
	}
	*len = 0;
	while (*len < (size_t)st.st_size &&
	       ((got = read(fd, *buf + *len, (size_t)st.st_size - *len)) > 0 ||
		(got < 0 && errno == EINTR)))
		*len += got > 0 ? (size_t)got : 0;
	(*buf)[*len] = '\0';
	close(fd);
	return 0;
fail:
	close(fd);
	free(*buf);
	*buf = NULL;
	return -1;
}

/* read_ids: the number the id file holds; 0 when there is none, or it is
   not one (logged: the directory's own numbers are all there is then) */
static unsigned long read_ids(void)
{
	char why[STORE_REASON_MAX], *s, *end;
	unsigned long v = 0;
	struct stat st;
	size_t len = 0;
	bool big;

	if (fstatat(dirfd_, STORE_IDS, &st, AT_SYMLINK_NOFOLLOW) < 0 && errno == ENOENT)
		return 0;
	if (read_file(STORE_IDS, 32, &s, &len, &big, why, sizeof(why)) < 0) {
		fprintf(stderr, "ipcscope: id file '%s/%s' ignored: %s\n", dirname_, STORE_IDS,
			why);
		return 0;
	}
	errno = 0;
	if (len > 0 && s[0] >= '1' && s[0] <= '9')
		v = strtoul(s, &end, 10);
	if (v == 0 || errno || (*end && strcmp(end, "\n") != 0) || v > STORE_NUM_MAX + 1) {
		fprintf(stderr, "ipcscope: id file '%s/%s' ignored: it does not hold a run "
			"number\n", dirname_, STORE_IDS);
		v = 0;
	}
	free(s);
	return v;
}

/* overwrite_ids: writes text over the id file in place: a full disk has
   no room for a temp file, but the id file's own block takes the few bytes;
   0, or -1 (the caller's error stands) */
static int overwrite_ids(const char *text, size_t n)
{
	int fd = openat(dirfd_, STORE_IDS, O_WRONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	struct stat st;
	int rc = -1;

	if (fd < 0)
		return -1;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && pwrite(fd, text, n, 0) == (ssize_t)n &&
	    ftruncate(fd, (off_t)n) == 0 && fsync(fd) == 0)
		rc = 0;
	close(fd);
	return rc;
}

int store_reserve(unsigned long upto, char *err, size_t errlen)
{
	char text[32];
	int n = snprintf(text, sizeof(text), "%lu\n", upto);
	unsigned long back;

	if (write_named(STORE_IDS, text, (size_t)n, true, err, errlen) < 0 &&
	    overwrite_ids(text, (size_t)n) < 0)
		return -1;
	back = read_ids();
	if (back != upto)
		return error_set(err, errlen, "the id file '%s/%s' reads back %lu, not %lu", dirname_,
				STORE_IDS, back, upto);
	return 0;
}

static void aside(const char *name, const char *why)
{
	char bad[STORE_NAME_MAX + 8];

	snprintf(bad, sizeof(bad), "%s.bad", name);
	if (renameat(dirfd_, name, dirfd_, bad) == 0)
		fprintf(stderr, "ipcscope: history '%s/%s' is not loaded: %s; moved to '%s'\n",
			dirname_, name, why, bad);
	else
		fprintf(stderr, "ipcscope: history '%s/%s' is not loaded: %s\n", dirname_, name,
			why);
}

static void load_meta(struct stored_run *sr, bool has_json)
{
	char name[STORE_NAME_MAX], why[STORE_REASON_MAX];
	size_t len = 0;
	char *s;
	bool big;
	cJSON *o, *v;

	snprintf(sr->kind, sizeof(sr->kind), "unknown");
	name_of(name, sr->num, ".json");
	if (!has_json)
		return;
	if (read_file(name, STORE_META_MAX, &s, &len, &big, why, sizeof(why)) < 0) {
		if (big)
			aside(name, why);
		else
			fprintf(stderr, "ipcscope: history '%s/%s' skipped: %s\n", dirname_,
				name, why);
		return;
	}
	if (utf8_valid(s, len) < len) {
		free(s);
		aside(name, "it is not UTF-8");
		return;
	}
	o = cJSON_ParseWithLength(s, len);
	free(s);
	if (!cJSON_IsObject(o)) {
		cJSON_Delete(o);
		aside(name, "it is not a JSON object");
		return;
	}
	if (cJSON_IsString(v = cJSON_GetObjectItemCaseSensitive(o, "kind")))
		snprintf(sr->kind, sizeof(sr->kind), "%s", v->valuestring);
	if (cJSON_IsString(v = cJSON_GetObjectItemCaseSensitive(o, "target")))
		sr->target = strdup(v->valuestring);
	if (cJSON_IsString(v = cJSON_GetObjectItemCaseSensitive(o, "request")))
		sr->request = strdup(v->valuestring);
	if (cJSON_IsNumber(v = cJSON_GetObjectItemCaseSensitive(o, "created_at")))
		sr->created_at = v->valuedouble;
	cJSON_Delete(o);
}

/* add_interrupted: the lines a run without an end line ends with */
static int add_interrupted(struct stored_run *sr)
{
	char tail[STORE_TAIL_MAX];
	int n = snprintf(tail, sizeof(tail),
			 "{\"type\":\"error\",\"run\":\"r%lu\",\"code\":\"interrupted\","
			 "\"message\":\"the server stopped before the run ended\"}\n"
			 "{\"type\":\"end\",\"run\":\"r%lu\",\"status\":\"interrupted\","
			 "\"elapsed_s\":0}\n", sr->num, sr->num);
	char *nb = realloc(sr->lines, sr->len + (size_t)n + 1);

	if (!nb)
		return -1;
	memcpy(nb + sr->len, tail, (size_t)n + 1);
	sr->lines = nb;
	sr->len += (size_t)n;
	return 0;
}

/* load_lines: the run's NDJSON, checked; -1 when it cannot be shown */
static int load_lines(struct stored_run *sr, bool has_ndjson)
{
	char name[STORE_NAME_MAX], why[STORE_REASON_MAX];
	bool big;

	name_of(name, sr->num, ".ndjson");
	if (has_ndjson) {
		if (read_file(name, STORE_FILE_MAX, &sr->lines, &sr->len, &big, why,
			      sizeof(why)) < 0) {
			if (big)
				aside(name, why);
			else
				fprintf(stderr, "ipcscope: history '%s/%s' skipped: %s\n",
					dirname_, name, why);
			return -1;
		}
		if (store_check(sr->lines, sr->len, &sr->st, why, sizeof(why)) < 0) {
			aside(name, why);
			return -1;
		}
	} else {
		snprintf(sr->st.status, sizeof(sr->st.status), "interrupted");
	}
	return sr->st.has_end ? 0 : add_interrupted(sr);
}

void stored_run_free(struct stored_run *sr)
{
	if (!sr)
		return;
	free(sr->lines);
	free(sr->target);
	free(sr->request);
	free(sr);
}

static struct stored_run *load_one(unsigned long num, int flags)
{
	struct stored_run *sr = calloc(1, sizeof(*sr));

	if (!sr)
		return NULL;
	sr->num = num;
	if (load_lines(sr, flags & F_NDJSON) < 0) {
		stored_run_free(sr);
		return NULL;
	}
	load_meta(sr, flags & F_JSON);
	return sr;
}

/* ---- the directory ------------------------------------------------------ */

int store_open(const char *dir, char *err, size_t errlen)
{
	snprintf(dirname_, sizeof(dirname_), "%s", dir);
	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		return error_set(err, errlen, "cannot create results dir '%s': %s", dir, strerror(errno));
	dirfd_ = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd_ < 0)
		return error_set(err, errlen, "cannot open results dir '%s': %s", dir, strerror(errno));
	return 0;
}

struct entry {
	unsigned long num;
	int flags;
};

/* parse_name: rNUM + a known suffix; its flag, or 0 */
static int parse_name(const char *name, unsigned long *num)
{
	char *end;

	if (name[0] != 'r' || name[1] < '1' || name[1] > '9')
		return 0;
	errno = 0;
	*num = strtoul(name + 1, &end, 10);
	if (errno || *num == 0 || *num > STORE_NUM_MAX)
		return 0;
	for (size_t i = 0; i < NSUFFIXES; i++)
		if (strcmp(end, suffixes[i].suffix) == 0)
			return suffixes[i].flag;
	return 0;
}

static int add_entry(struct entry **v, int *n, int *cap, unsigned long num, int flag)
{
	for (int i = 0; i < *n; i++) {
		if ((*v)[i].num == num) {
			(*v)[i].flags |= flag;
			return 0;
		}
	}
	if (*n == *cap) {
		int nc = *cap ? *cap * 2 : 64;
		struct entry *nv = realloc(*v, (size_t)nc * sizeof(*nv));

		if (!nv)
			return -1;
		*v = nv;
		*cap = nc;
	}
	(*v)[(*n)++] = (struct entry){ num, flag };
	return 0;
}

/* scan: every run number with files here, and which files */
static int scan(struct entry **v, char *err, size_t errlen)
{
	int fd = dup(dirfd_), n = 0, cap = 0;
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *e;
	unsigned long num;
	int flag;

	*v = NULL;
	if (!d) {
		error_set(err, errlen, "cannot read results dir '%s': %s", dirname_, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	rewinddir(d);
	while ((e = readdir(d)))
		if ((flag = parse_name(e->d_name, &num)) && add_entry(v, &n, &cap, num, flag) < 0)
			break;
	closedir(d);
	return n;
}

static int cmp_entry(const void *a, const void *b)
{
	unsigned long x = ((const struct entry *)a)->num, y = ((const struct entry *)b)->num;

	return x < y ? -1 : x > y;
}

/* tidy: temp files are a dead server's unfinished writes */
static void remove_tmp(unsigned long num)
{
	char name[STORE_NAME_MAX];

	name_of(name, num, ".ndjson.tmp");
	unlinkat(dirfd_, name, 0);
	name_of(name, num, ".json.tmp");
	unlinkat(dirfd_, name, 0);
}

/* never_given: the files of a number the id file says was never given
   out: not ipcscope's, moved aside */
static void never_given(const struct entry *e, unsigned long ids)
{
	char name[STORE_NAME_MAX], why[STORE_REASON_MAX];

	snprintf(why, sizeof(why), "run number %lu was never given out (the id file holds %lu)",
		 e->num, ids);
	if (e->flags & F_TMP)
		remove_tmp(e->num);
	if (e->flags & F_NDJSON) {
		name_of(name, e->num, ".ndjson");
		aside(name, why);
	}
	if (e->flags & F_JSON) {
		name_of(name, e->num, ".json");
		aside(name, why);
	}
}

int store_load(void (*take)(void *ctx, struct stored_run *sr), void *ctx,
	       unsigned long *next, char *err, size_t errlen)
{
	struct stored_run *kept[STORE_KEEP];
	struct entry *v;
	int n = scan(&v, err, errlen), nkept = 0;
	unsigned long ids;

	if (n < 0)
		return -1;
	if (n > 1)
		qsort(v, (size_t)n, sizeof(*v), cmp_entry);
	ids = read_ids();
	while (ids > 0 && n > 0 && v[n - 1].num >= ids)
		never_given(&v[--n], ids);
	*next = n > 0 && v[n - 1].num + 1 > ids ? v[n - 1].num + 1 : ids > 0 ? ids : 1;
	/* newest first: the newest STORE_KEEP runs that load are kept, and a
	   file that does not load (planted, corrupt, a link) takes no place
	   among them; the files of older runs are pruned */
	for (int i = n - 1; i >= 0; i--) {
		struct stored_run *sr;

		if (v[i].flags & F_TMP)
			remove_tmp(v[i].num);
		if (nkept == STORE_KEEP) {
			store_remove(v[i].num);
			continue;
		}
		if ((v[i].flags & (F_NDJSON | F_JSON)) && (sr = load_one(v[i].num, v[i].flags)))
			kept[nkept++] = sr;
	}
	while (nkept > 0)
		take(ctx, kept[--nkept]);
	free(v);
	return 0;
}
