/* http_stream.h -- a run's NDJSON, live, to one client */
#ifndef IPCSCOPE_HTTP_STREAM_H
#define IPCSCOPE_HTTP_STREAM_H

#include <stdbool.h>

#include "mhd_api.h"
#include "runs.h"

/* stream_answer: queues the NDJSON of run r as it comes (200, with
   X-Run-Id); takes over the reference r. An owner's stream cancels the run
   when its client disconnects; a client that only half-closes (shuts its
   sending side) still gets every line. MHD_YES or MHD_NO */
enum MHD_Result stream_answer(struct MHD_Connection *c, struct server_run *r, bool owner);

/* stream_drain: waits until every stream has been sent, at most ms */
void stream_drain(int ms);

#endif
