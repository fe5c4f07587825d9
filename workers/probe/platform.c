/* platform.c -- the file of platform baselines: where it lives, reading it
   as hostile, merging a run into it, writing it atomically under a lock */
#include "probe/platform.h"
#include "base/error.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#define PLATFORM_VERSION 1
#define PLATFORM_LOCK "platform.lock"
#define PLATFORM_TMP "platform.json.tmp"
#define PLATFORM_RTT_MAX_NS 1e7      /* 10 ms: no cache line takes longer */
#define PLATFORM_AT_MAX 1e11         /* unix seconds: year 5138 */
#define LOCK_TRIES 100               /* a writer holds the lock for microseconds */
#define LOCK_WAIT_NS 10000000L       /* 10 ms between tries: 1 s in all */
#define DIR_MODE 0700
#define FILE_MODE 0600

/* --- where ------------------------------------------------------------- */

int platform_cache_dir(char *buf, size_t len)
{
	const char *own = getenv("IPCSCOPE_CACHE_DIR");
	const char *xdg = getenv("XDG_CACHE_HOME");
	const char *home = getenv("HOME");
	size_t n;

	if (own && *own)
		n = (size_t)snprintf(buf, len, "%s", own);
	else if (xdg && *xdg == '/')     /* relative: ignored, as the spec says */
		n = (size_t)snprintf(buf, len, "%s/ipcscope", xdg);
	else if (home && *home == '/')
		n = (size_t)snprintf(buf, len, "%s/.cache/ipcscope", home);
	else
		return -1;
	return n < len ? 0 : -1;
}

/* --- reading ----------------------------------------------------------- */

/* number: o[key] when it is a finite number in (0, max], else -1 */
static double number(const cJSON *o, const char *key, double max)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble) || !(v->valuedouble > 0) ||
	    v->valuedouble > max)
		return -1;
	return v->valuedouble;
}

/* string_of: o[key] into buf when it is a non-empty string that fits; 0 or -1 */
static int string_of(const cJSON *o, const char *key, char *buf, size_t len)
{
	const char *s = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, key));

	if (!s || !*s || strlen(s) >= len)
		return -1;
	memcpy(buf, s, strlen(s) + 1);
	return 0;
}

/* cpu_pair: o["cpus"] as two distinct CPU numbers; 0 or -1 */
static int cpu_pair(const cJSON *o, int cpu[2])
{
	const cJSON *a = cJSON_GetObjectItemCaseSensitive(o, "cpus");

	if (!cJSON_IsArray(a) || cJSON_GetArraySize(a) != 2)
		return -1;
	for (int i = 0; i < 2; i++) {
		const cJSON *v = cJSON_GetArrayItem(a, i);

		if (!cJSON_IsNumber(v) || !(v->valuedouble >= 0) ||
		    v->valuedouble >= CPU_SETSIZE || v->valuedouble != floor(v->valuedouble))
			return -1;
		cpu[i] = (int)v->valuedouble;
	}
	return cpu[0] == cpu[1] ? -1 : 0;
}

/* baseline_of: one entry of the file, checked; 0 or -1 */
static int baseline_of(const cJSON *o, struct platform_baseline *b)
{
	memset(b, 0, sizeof(*b));
	if (!cJSON_IsObject(o) || string_of(o, "host", b->host, sizeof(b->host)) < 0 ||
	    string_of(o, "boot_id", b->boot_id, sizeof(b->boot_id)) < 0 || cpu_pair(o, b->cpu) < 0)
		return -1;
	b->line_rtt_ns = number(o, "line_rtt_ns", PLATFORM_RTT_MAX_NS);
	b->at = number(o, "at", PLATFORM_AT_MAX);
	return b->line_rtt_ns > 0 && b->at > 0 ? 0 : -1;
}

int platform_cache_parse(const char *s, size_t len, struct platform_cache *c)
{
	cJSON *root = cJSON_ParseWithLength(s, len);
	const cJSON *e;

	c->n = 0;
	cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(root, "baselines")) {
		struct platform_baseline b;

		if (baseline_of(e, &b) == 0)
			platform_cache_merge(c, &b);
	}
	cJSON_Delete(root);
	return c->n;
}

int platform_cache_load(const char *path, struct platform_cache *c)
{
	/* no symlink followed, and no FIFO planted in its place waited on */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	struct stat st;
	char *buf = NULL;
	ssize_t n = -1;

	c->n = 0;
	if (fd < 0)
		return 0;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size <= PLATFORM_FILE_MAX &&
	    (buf = malloc(PLATFORM_FILE_MAX + 1)))
		n = read(fd, buf, PLATFORM_FILE_MAX + 1);   /* one read: a regular file */
	close(fd);
	if (n > 0 && n <= PLATFORM_FILE_MAX)
		platform_cache_parse(buf, (size_t)n, c);
	free(buf);
	return c->n;
}

/* --- merging ----------------------------------------------------------- */

static bool same_pair(const struct platform_baseline *x, const char *host, int a, int b)
{
	return strcmp(x->host, host) == 0 && x->cpu[0] == a && x->cpu[1] == b;
}

void platform_cache_merge(struct platform_cache *c, const struct platform_baseline *b)
{
	int at = -1, oldest = 0;

	for (int i = 0; i < c->n && at < 0; i++)
		if (same_pair(&c->b[i], b->host, b->cpu[0], b->cpu[1]))
			at = i;
	if (at < 0 && c->n < PLATFORM_MAX_ENTRIES)
		at = c->n++;
	if (at < 0) {
		for (int i = 1; i < c->n; i++)
			if (c->b[i].at < c->b[oldest].at)
				oldest = i;
		at = oldest;
	}
	c->b[at] = *b;
}

const struct platform_baseline *platform_cache_find(const struct platform_cache *c,
						    const char *host, const char *boot_id,
						    int a, int b)
{
	for (int i = 0; i < c->n; i++)
		if (same_pair(&c->b[i], host, a, b))
			return strcmp(c->b[i].boot_id, boot_id) == 0 ? &c->b[i] : NULL;
	return NULL;
}

char *platform_cache_json(const struct platform_cache *c)
{
	cJSON *root = cJSON_CreateObject(), *a;
	char *s = NULL;

	cJSON_AddNumberToObject(root, "version", PLATFORM_VERSION);
	a = cJSON_AddArrayToObject(root, "baselines");
	for (int i = 0; a && i < c->n; i++) {
		cJSON *o = cJSON_CreateObject();

		cJSON_AddStringToObject(o, "host", c->b[i].host);
		cJSON_AddStringToObject(o, "boot_id", c->b[i].boot_id);
		cJSON_AddItemToObject(o, "cpus", cJSON_CreateIntArray(c->b[i].cpu, 2));
		cJSON_AddNumberToObject(o, "line_rtt_ns", c->b[i].line_rtt_ns);
		cJSON_AddNumberToObject(o, "at", c->b[i].at);
		cJSON_AddItemToArray(a, o);
	}
	if (a)
		s = cJSON_PrintUnformatted(root);
	cJSON_Delete(root);
	return s;
}

int platform_identity(struct platform_baseline *b)
{
	struct utsname u;
	int fd = open("/proc/sys/kernel/random/boot_id", O_RDONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? read(fd, b->boot_id, sizeof(b->boot_id) - 1) : -1;

	if (fd >= 0)
		close(fd);
	if (n <= 0 || uname(&u) < 0)
		return -1;
	b->boot_id[n] = '\0';
	b->boot_id[strcspn(b->boot_id, "\n")] = '\0';
	snprintf(b->host, sizeof(b->host), "%s", u.nodename);
	return b->boot_id[0] && b->host[0] ? 0 : -1;
}

/* --- writing ----------------------------------------------------------- */

/* make_dirs: dir and any missing parent, mode 0700; 0 or -1 */
static int make_dirs(const char *dir)
{
	char p[PLATFORM_PATH_MAX];

	if (snprintf(p, sizeof(p), "%s", dir) >= (int)sizeof(p))
		return -1;
	for (char *s = strchr(p + 1, '/'); ; s = strchr(s + 1, '/')) {
		if (s)
			*s = '\0';
		if (mkdir(p, DIR_MODE) < 0 && errno != EEXIST)
			return -1;
		if (!s)
			return 0;
		*s = '/';
	}
}

/* take_lock: the lock file in dir, held; its fd, or -1 */
static int take_lock(const char *dir)
{
	char path[PLATFORM_PATH_MAX];
	struct timespec wait = { 0, LOCK_WAIT_NS };
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, PLATFORM_LOCK);
	if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK,
		       FILE_MODE)) < 0)
		return -1;
	for (int i = 0; i < LOCK_TRIES; i++) {
		if (flock(fd, LOCK_EX | LOCK_NB) == 0)
			return fd;
		nanosleep(&wait, NULL);
	}
	close(fd);
	errno = EWOULDBLOCK;
	return -1;
}

/* write_all: text into a new file at path (mode 0600); 0 or -1 */
static int write_all(const char *path, const char *s)
{
	size_t len = strlen(s), off = 0;
	int fd, rc = 0;

	unlink(path);   /* a leftover of a writer that died; never followed */
	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
		       FILE_MODE)) < 0)
		return -1;
	while (off < len && rc == 0) {
		ssize_t n = write(fd, s + off, len - off);

		if (n < 0 && errno != EINTR)
			rc = -1;
		else if (n > 0)
			off += (size_t)n;
	}
	if (close(fd) < 0)
		rc = -1;
	return rc;
}

int platform_cache_save(const char *dir, const struct platform_baseline *b, int n,
			char *err, size_t errlen)
{
	char path[PLATFORM_PATH_MAX], tmp[PLATFORM_PATH_MAX];
	struct platform_cache *c = malloc(sizeof(*c));
	char *text = NULL;
	int lock = -1, rc = -1;

	if (snprintf(path, sizeof(path), "%s/%s", dir, PLATFORM_FILE) >= (int)sizeof(path) ||
	    snprintf(tmp, sizeof(tmp), "%s/%s", dir, PLATFORM_TMP) >= (int)sizeof(tmp)) {
		error_set(err, errlen, "cache directory '%.64s...' is too long", dir);
		goto out;
	}
	if (!c || make_dirs(dir) < 0 || (lock = take_lock(dir)) < 0) {
		error_set(err, errlen, "cannot use cache directory '%s': %s", dir,
			  c ? strerror(errno) : "out of memory");
		goto out;
	}
	/* read again under the lock: a run that ended meanwhile is kept */
	platform_cache_load(path, c);
	for (int i = 0; i < n; i++)
		platform_cache_merge(c, &b[i]);
	if (!(text = platform_cache_json(c)) || write_all(tmp, text) < 0 ||
	    rename(tmp, path) < 0) {
		error_set(err, errlen, "cannot write '%s': %s", path,
			  text ? strerror(errno) : "out of memory");
		unlink(tmp);
		goto out;
	}
	rc = 0;
out:
	if (lock >= 0)
		close(lock);     /* and the lock with it */
	free(text);
	free(c);
	return rc;
}
