/* run_store.h -- the history of runs on disk: written once, loaded with suspicion */
#ifndef IPCSCOPE_RUN_STORE_H
#define IPCSCOPE_RUN_STORE_H

#include <stdbool.h>
#include <stddef.h>

#define STORE_KEEP 50                  /* finished runs kept, in memory and on disk */
#define STORE_FILE_MAX (17u << 20)     /* a larger history file is not loaded */
#define STORE_META_MAX (64u << 10)     /* a larger .json is not loaded */
#define STORE_LINE_MAX (1u << 20)      /* a longer line is not loaded: a run process's
					  lines are no longer (PROC_LINE_MAX) */
#define STORE_STATUS_MAX 16
#define STORE_NUM_MAX 999999999UL      /* the largest run number */
#define STORE_ID_BLOCK 32              /* run numbers recorded in the id file at a time */
#define STORE_IDS "next-run"           /* the id file: no number at or past the one it
					  holds was ever given out */

/* What a run's end line says; status "interrupted" when it has none. */
struct store_status {
	char status[STORE_STATUS_MAX];     /* ok, error, cancelled, timeout, interrupted */
	double elapsed_s;
	bool has_end;
};

/* One run read back from the results directory. */
struct stored_run {
	unsigned long num;                 /* the N of rN */
	char *lines;                       /* malloc'd NDJSON, ends with one end line */
	size_t len;
	struct store_status st;
	char kind[16];
	char *target, *request;            /* malloc'd, or NULL */
	double created_at;
};

/* store_status_of: the status an end line object carries, one of the known
   words ("error" for anything else) */
const char *store_status_word(const char *s);

/* store_check: the loader's verdict on a history file's bytes: valid
   UTF-8, every line at most STORE_LINE_MAX bytes and a JSON object with a
   string "type", nothing after an end line, not empty; 0 with *st filled,
   or -1 with the reason in why */
int store_check(const char *buf, size_t len, struct store_status *st, char *why, size_t n);

/* store_open: creates dir if needed and keeps it open; 0 or -1 with err */
int store_open(const char *dir, char *err, size_t errlen);

/* store_load: hands take() the newest STORE_KEEP runs that load (oldest
   first; take owns them then): a file that does not load takes no place
   among them. Removes the files of older runs and stale temp files, moves
   corrupt, empty, oversized or non-UTF-8 ones aside (".bad"), skips and
   reports links, FIFOs and other non-regular files. *next is the first
   run number never given out: the id file's, and past every number with
   files here; with an id file, files numbered at or past it were never
   written by ipcscope and are moved aside. 0, or -1 with a message in err */
int store_load(void (*take)(void *ctx, struct stored_run *sr), void *ctx,
	       unsigned long *next, char *err, size_t errlen);

/* store_reserve: records in the id file that numbers below upto may be
   given out: through a temp file, flushed to disk, renamed into place and
   read back; 0, or -1 with err */
int store_reserve(unsigned long upto, char *err, size_t errlen);

/* store_write: writes rNUM.EXT (".ndjson", ".json") through an exclusive
   temp file and a rename, never following a link; 0, or -1 with err */
int store_write(unsigned long num, const char *ext, const char *data, size_t len,
		char *err, size_t errlen);

/* store_write_named: writes name (a file name of its own, not a run's)
   in the results directory as store_write does; 0, or -1 with err */
int store_write_named(const char *name, const char *data, size_t len, char *err,
		      size_t errlen);

/* store_remove: removes every file of run num (links themselves, never
   their targets) */
void store_remove(unsigned long num);

/* stored_run_free: frees sr and what it holds */
void stored_run_free(struct stored_run *sr);

#endif
