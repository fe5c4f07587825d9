/* http_conn.h -- connections: TCP_NODELAY, and a deadline for each request head */
#ifndef IPCSCOPE_HTTP_CONN_H
#define IPCSCOPE_HTTP_CONN_H

#include <stddef.h>

#include "mhd_api.h"

#define CONN_HEAD_TIMEOUT_S 10     /* request line and headers, from the first byte wait */

/* conn_notify: MHD's connection callback: tracks every connection */
void conn_notify(void *cls, struct MHD_Connection *c, void **socket_context,
		 enum MHD_ConnectionNotificationCode code);

/* conn_head_done: c's request head has arrived: no deadline until the
   request completes */
void conn_head_done(struct MHD_Connection *c);

/* conn_request_done: c finished a request: the next head's deadline starts */
void conn_request_done(struct MHD_Connection *c);

/* conn_watch_start: starts the thread that shuts connections whose head
   does not arrive in time (a client trickling header bytes); 0, or -1
   with a message in err */
int conn_watch_start(char *err, size_t errlen);

/* conn_watch_stop: stops that thread */
void conn_watch_stop(void);

#endif
