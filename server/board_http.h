/* board_http.h -- the class board's routes, who may reach them, and the join URL */
#ifndef IPCSCOPE_BOARD_HTTP_H
#define IPCSCOPE_BOARD_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "mhd_api.h"

/* board_is_route: url is one of the board's routes (/api/board...) */
bool board_is_route(const char *url);

/* board_takes_body: url is a board route that takes a request body */
bool board_takes_body(const char *url);

/* board_foreign: a board runs and c's client is not on loopback: it may
   reach /api/board and /api/board/results only */
bool board_foreign(struct MHD_Connection *c);

/* board_check: judges a board route's method and who asks (host: the
   Host header); *answered and the answer when refused, else MHD_YES */
enum MHD_Result board_check(struct MHD_Connection *c, const char *url, const char *method,
			    const char *host, bool *answered);

/* board_answer: answers a board route that passed board_check, with its
   request body (len bytes, NUL-terminated) */
enum MHD_Result board_answer(struct MHD_Connection *c, const char *url, const char *body,
			     size_t len);

/* board_send_answer: /api/board/send: a finished run of this server sent
   to a board (board_send.c) */
enum MHD_Result board_send_answer(struct MHD_Connection *c, const char *body, size_t len);

/* board_task_known: name may be the class task: a demo whose jobs
   compare mechanisms, or compare */
bool board_task_known(const char *name);

/* board_save_to: every accepted post rewrites the board's posts, one a
   line, to board-<UTC start>-<N>-<task>.ndjson in the results directory
   (N: the how-manyth task of this server's board) */
void board_save_to(void);

/* board_announce: the join code, the URLs students use (one per address
   of the machine when bind is a wildcard) and their QR code, on f */
void board_announce(const char *bind, bool public_bind, int port, FILE *f);

#endif
