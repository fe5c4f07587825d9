/* platform.h -- the platform between runs: each CPU pair's cache-line round
   trip remembered in a small file, and the next run told when it moved */
#ifndef IPCSCOPE_PLATFORM_H
#define IPCSCOPE_PLATFORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <cjson/cJSON.h>

#define PLATFORM_FILE "platform.json"
#define PLATFORM_MAX_ENTRIES 32      /* baselines the file keeps (hosts x pairs) */
#define PLATFORM_FILE_MAX 65536      /* a longer file is not read */
#define PLATFORM_HOST_LEN 65         /* a host name, as uname gives it */
#define PLATFORM_BOOT_LEN 40         /* /proc/sys/kernel/random/boot_id */
#define PLATFORM_PATH_MAX 4096
#define PLATFORM_NOTE_LEN 512

/* What one run left for the next: the median line round trip of its reps
   on one CPU pair, on one host since one boot. */
struct platform_baseline {
	char host[PLATFORM_HOST_LEN];
	char boot_id[PLATFORM_BOOT_LEN];
	int cpu[2];
	double line_rtt_ns;
	double at;                   /* unix seconds */
};

struct platform_cache {
	int n;
	struct platform_baseline b[PLATFORM_MAX_ENTRIES];
};

/* A run's line round trip against the last run's on the same CPU pair. */
struct platform_check {
	bool measured;               /* a round trip was measured: the rest holds */
	int cpu[2];
	double line_rtt_ns;          /* median of this run's first reps on that pair */
	bool has_last;               /* same host, same boot, a baseline */
	double last_line_rtt_ns, last_at, ratio;
	double age_s;                /* how long before this run the last one ended */
	bool moved;                  /* interference_moved(last, now) */
	char note[PLATFORM_NOTE_LEN];  /* the move in words, or "" */
};

/* platform_cache_dir: the cache directory: $IPCSCOPE_CACHE_DIR, else
   $XDG_CACHE_HOME/ipcscope, else $HOME/.cache/ipcscope; 0, or -1 when
   none of them is set (or the path is too long) */
int platform_cache_dir(char *buf, size_t len);

/* platform_cache_parse: the valid baselines of a cache file's text into c
   (anything else in it is ignored: wrong types, bogus numbers, garbage);
   how many */
int platform_cache_parse(const char *text, size_t len, struct platform_cache *c);

/* platform_cache_load: the baselines of the file at path into c; a file
   missing, not a regular file, over PLATFORM_FILE_MAX or not JSON gives
   none; how many */
int platform_cache_load(const char *path, struct platform_cache *c);

/* platform_cache_merge: b replaces the baseline of the same host and CPU
   pair (another boot's too), else joins them, the oldest making room */
void platform_cache_merge(struct platform_cache *c, const struct platform_baseline *b);

/* platform_cache_find: the baseline of host and CPU pair a,b since boot, or
   NULL (none, or one of another boot: a new baseline, not a move) */
const struct platform_baseline *platform_cache_find(const struct platform_cache *c,
						    const char *host, const char *boot_id,
						    int a, int b);

/* platform_cache_json: the file's text for c; free() it; NULL when out
   of memory */
char *platform_cache_json(const struct platform_cache *c);

/* platform_cache_save: merges the n baselines into the file in dir (made
   when missing, mode 0700), under a lock, by a temporary file renamed over
   it (mode 0600); 0, or -1 with a message in err */
int platform_cache_save(const char *dir, const struct platform_baseline *b, int n,
			char *err, size_t errlen);

/* platform_judge: pc for a run that measured rtt (ns) on CPUs a,b at
   unix time now, against last (NULL: no baseline) */
void platform_judge(struct platform_check *pc, int a, int b, double rtt,
		    const struct platform_baseline *last, double now);

/* platform_json: the platform object of the end line (docs/API.md) */
cJSON *platform_json(const struct platform_check *pc);

/* platform_identity: this host's name and boot id into b; 0 or -1 */
int platform_identity(struct platform_baseline *b);

/* platform_text_end / platform_text_comparison: the words the text view
   prints for an end line's platform object, or under a comparison line
   whose platform moved since the last run */
void platform_text_end(FILE *out, const cJSON *end);
void platform_text_comparison(FILE *out, const cJSON *comparison);

#endif
