/* board_client.h -- a run's result sent to a class board: the post, and the HTTP/1.1 that carries it */
#ifndef IPCSCOPE_BOARD_CLIENT_H
#define IPCSCOPE_BOARD_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <cjson/cJSON.h>

#define BOARDC_CONNECT_MS 5000         /* to connect to the board */
#define BOARDC_TOTAL_MS 10000          /* for the whole exchange */
#define BOARDC_ANSWER_MAX (64u << 10)  /* the board's answer, bytes */
#define BOARDC_URL_MAX 256

/* Where and as whom a result goes. */
struct boardc_target {
	char url[BOARDC_URL_MAX];          /* http://HOST[:PORT][/] */
	char code[8];                      /* the join code, upper case */
	char as[40];                       /* the pseudonym */
	bool share_machine;                /* CPU model, cores, kernel, VM */
};

/* What a run's lines hold for the board, collected as they go by. */
struct boardc_run {
	char demo[40];                     /* a demo's name, or "compare" */
	char metric[40];
	bool higher;
	cJSON *summaries;                  /* the summary lines, copied */
	cJSON *comparisons;                /* the comparison lines, copied */
	char *lesson;
	cJSON *system;                     /* the start line's machine */
	char status[16];                   /* the end line's */
};

/* boardc_check: url, code and pseudonym as a student gives them, checked
   and copied into *t (the code upper-cased); 0, or -1 with a sentence
   naming the option at fault in err */
int boardc_check(struct boardc_target *t, const char *url, const char *code, const char *as,
		 char *err, size_t errlen);

/* boardc_args: takes --board URL, --code CODE, --as NAME and
   --share-machine (or --opt=value) out of argv (argc updated); 1 when
   they ask for a board, with *t filled, 0 when none is there, -1 with
   err when one is missing or bad */
int boardc_args(int *argc, char **argv, struct boardc_target *t, char *err, size_t errlen);

/* boardc_tap: boardc_take as a report tap (ctx: the struct boardc_run) */
void boardc_tap(void *ctx, const cJSON *line);

/* boardc_finish: sends what b collected to t's board and says so on
   stderr; 0 when the board took it, else 1 (the board's reason said) */
int boardc_finish(struct boardc_run *b, const struct boardc_target *t);

/* boardc_take: one NDJSON line of the run (start, summary, comparison,
   lesson, end); other lines are passed over */
void boardc_take(struct boardc_run *b, const cJSON *line);

/* boardc_free: what boardc_take kept */
void boardc_free(struct boardc_run *b);

/* boardc_body: the post (docs/API.md) for the run as the student t, with
   the lesson's key figure (boardc_key) when the run has one, the machine
   only when t->share_machine; the JSON text (caller frees), or
   NULL with err when the run has nothing to send */
char *boardc_body(const struct boardc_run *b, const struct boardc_target *t, char *err,
		  size_t errlen);

/* boardc_key: the lesson's key figure of the post's demo and summaries
   (post: the object boardc_body builds, without its key): the pair of
   jobs the demo's lesson turns on, and the factor of their medians, as a
   JSON object, or NULL when the run has no such pair */
cJSON *boardc_key(const cJSON *post, const cJSON *comparisons);

/* boardc_send: POSTs body to t's board (/api/board/results); the board's
   HTTP status (200 when taken), its message in reason when it refuses,
   or -1 with reason when it cannot be reached */
int boardc_send(const struct boardc_target *t, const char *body, char *reason, size_t rlen);

#endif
