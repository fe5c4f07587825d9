/* board.h -- the class board: a join code, the class task and each student machine's result */
#ifndef IPCSCOPE_BOARD_H
#define IPCSCOPE_BOARD_H

#include <stdbool.h>
#include <stddef.h>

#define BOARD_CODE_LEN 6
#define BOARD_CODE_ALPHABET "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  /* no 0/O, 1/I/L */
#define BOARD_BODY_MAX (32u << 10)     /* one post, bytes */
#define BOARD_DEFAULT_MAX 200          /* machines on the board (--board-max) */
#define BOARD_MAX_LIMIT 1000
#define BOARD_SUMMARIES_MAX 64         /* summary lines of one post */
#define BOARD_NAME_MAX 32              /* a pseudonym, bytes */
#define BOARD_LABEL_MAX 64             /* a job's label, bytes */
#define BOARD_MECH_MAX 32
#define BOARD_LESSON_MAX 2048
#define BOARD_MACHINE_TEXT_MAX 128     /* CPU model, kernel */
#define BOARD_REPS_MAX 1000
#define BOARD_BURST 20                 /* posts (and wrong codes) one address may send at once */
#define BOARD_REFILL_S 3.0             /* then one more every this many seconds */
#define BOARD_ADDRS_MAX 4096           /* addresses whose budget is remembered */

/* One summary line of a post: a job's label and its metric over reps. */
struct board_summary {
	char label[BOARD_LABEL_MAX + 1];
	char mech[BOARD_MECH_MAX + 1];
	double size;
	int reps;
	double median, min, max;
};

/* The lesson's key figure of a post: how many times the time per message
   (or the elapsed time, or the latency) of the job labelled a is that of
   the job labelled b, as the student's run computed it from its medians,
   with the interval and verdict of the run's comparison row of a against
   b when the run has one. */
struct board_key {
	bool has;
	char a[BOARD_LABEL_MAX + 1], b[BOARD_LABEL_MAX + 1];
	double factor;
	double low, high;                  /* NAN when the run has no interval */
	char verdict[16];                  /* clear, probably, same, unknown, or "" */
};

#define BOARD_KEY_MIN 1e-6             /* a key figure's range */
#define BOARD_KEY_MAX 1e6
#define BOARD_KEY_TOLERANCE 1e-6       /* relative: the factor against its summaries' medians */

/* One student machine's post, as parsed. */
struct board_entry {
	char as[BOARD_NAME_MAX + 1];
	char demo[BOARD_MECH_MAX + 1];     /* a demo's name, or "compare" */
	char metric[BOARD_MECH_MAX + 1];
	bool higher;                       /* a higher figure is better */
	int nsum;
	struct board_summary sum[BOARD_SUMMARIES_MAX];
	char lesson[BOARD_LESSON_MAX + 1];
	struct board_key key;
	bool machine;                      /* the student shared its machine */
	char cpu[BOARD_MACHINE_TEXT_MAX + 1];
	char kernel[BOARD_MACHINE_TEXT_MAX + 1];
	int cores;
	int vm;                            /* 1, 0, or -1: not known */
	double at;                         /* seconds since the epoch, when received */
};

/* board_parse: body (len bytes, a JSON object) into *e under the post
   format's rules (known fields only, each of its kind and range, text
   valid UTF-8 without control bytes and within its length); 0, or -1 with
   the field at fault in field and a sentence in why */
int board_parse(const char *body, size_t len, struct board_entry *e, char *field,
		size_t flen, char *why, size_t wlen);

/* board_start: turns the board on, with a fresh join code (getrandom) and
   room for max machines; 0, or -1 with err */
int board_start(int max, char *err, size_t errlen);

/* board_stop: forgets the board's results */
void board_stop(void);

/* board_on: the server runs a board */
bool board_on(void);

/* board_code: the join code (NUL-terminated), "" when no board runs */
const char *board_code(void);

/* board_code_ok: given is the join code, compared in constant time */
bool board_code_ok(const char *given);

/* board_allow: takes one from the post budget of the address addr; false
   when it is spent (BOARD_BURST, then one per BOARD_REFILL_S) */
bool board_allow(const char *addr);

/* Why a post is refused: its HTTP status, error code and sentence. */
struct board_refusal {
	unsigned status;
	const char *code;
	char field[48];
	char why[256];
};

/* board_post: adds (or replaces, by pseudonym) the post in body; 0, or -1
   with the refusal in *r (400 malformed, 409 another demo than the task,
   503 the board is full) */
int board_post(const char *body, size_t len, struct board_refusal *r);

/* board_set_task: the class task, a demo's name or "compare" (known is
   the caller's judgement of the name); a new task clears the board; 0, or
   -1 with *r */
int board_set_task(const char *demo, bool known, struct board_refusal *r);

/* board_task: the class task into out (n bytes), "" while none is set;
   returns how many tasks were set before it (each one a board of its own) */
int board_task(char *out, size_t n);

/* board_ndjson: each machine's post as board_json shows it, one line
   each (the caller frees it); NULL when out of memory */
char *board_ndjson(void);

/* board_json: the board as JSON text (the caller frees it): the task,
   every machine's post, per label the class's median, quartiles,
   extremes and outliers, and the same of the lesson's key figure; NULL
   when out of memory */
char *board_json(void);

#endif
