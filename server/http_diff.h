/* http_diff.h -- GET /api/diff: two remembered runs compared across time */
#ifndef IPCSCOPE_HTTP_DIFF_H
#define IPCSCOPE_HTTP_DIFF_H

#include <stdbool.h>

#include "mhd_api.h"

/* diff_answer: the diff of runs a and b (query params a, b, threshold) as
   NDJSON: 400 naming a bad or missing param, 404 naming an unknown run,
   409 naming one that has not ended */
enum MHD_Result diff_answer(struct MHD_Connection *c);

#endif
