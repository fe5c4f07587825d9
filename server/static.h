/* static.h -- the dashboard's files, served from an allowlist embedded in the binary */
#ifndef IPCSCOPE_STATIC_H
#define IPCSCOPE_STATIC_H

#include "mhd_api.h"

/* static_init: prepares ETags of the embedded files; dir, when not NULL,
   serves the same names from that directory instead (development);
   0 or -1 when dir is not a readable directory */
int static_init(const char *dir);

/* static_find: index of the file that answers url ("/" is "/index.html"),
   or -1 when url names no file of the table */
int static_find(const char *url);

/* static_answer: queues the file idx (200, or 304 when the client's
   If-None-Match already holds its ETag); MHD_YES or MHD_NO */
enum MHD_Result static_answer(struct MHD_Connection *conn, int idx);

/* static_content_type: the Content-Type for a path, by its extension */
const char *static_content_type(const char *path);

#endif
