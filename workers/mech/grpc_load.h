/* grpc_load.h -- gRPC's C core, opened when the grpc mechanism first runs: called through gapi */
#ifndef IPCSCOPE_GRPC_LOAD_H
#define IPCSCOPE_GRPC_LOAD_H

#include <grpc/byte_buffer.h>
#include <grpc/byte_buffer_reader.h>
#include <grpc/grpc.h>
#include <grpc/grpc_posix.h>
#include <grpc/grpc_security.h>

#include "mech/dynlib.h"

/* X(return type, member, symbol, parameters) */
#define GRPC_FUNCS(X) \
	X(void, init, grpc_init, (void)) \
	X(grpc_completion_queue *, completion_queue_create_for_pluck, \
	  grpc_completion_queue_create_for_pluck, (void *r)) \
	X(grpc_event, completion_queue_pluck, grpc_completion_queue_pluck, \
	  (grpc_completion_queue *q, void *t, gpr_timespec d, void *r)) \
	X(void, completion_queue_shutdown, grpc_completion_queue_shutdown, \
	  (grpc_completion_queue *q)) \
	X(void, completion_queue_destroy, grpc_completion_queue_destroy, \
	  (grpc_completion_queue *q)) \
	X(grpc_server *, server_create, grpc_server_create, (const grpc_channel_args *a, \
	  void *r)) \
	X(void, server_register_completion_queue, grpc_server_register_completion_queue, \
	  (grpc_server *s, grpc_completion_queue *q, void *r)) \
	X(int, server_add_http2_port, grpc_server_add_http2_port, (grpc_server *s, \
	  const char *a, grpc_server_credentials *c)) \
	X(void, server_start, grpc_server_start, (grpc_server *s)) \
	X(grpc_call_error, server_request_call, grpc_server_request_call, (grpc_server *s, \
	  grpc_call **c, grpc_call_details *d, grpc_metadata_array *m, \
	  grpc_completion_queue *bq, grpc_completion_queue *nq, void *t)) \
	X(void, server_shutdown_and_notify, grpc_server_shutdown_and_notify, \
	  (grpc_server *s, grpc_completion_queue *q, void *t)) \
	X(void, server_cancel_all_calls, grpc_server_cancel_all_calls, (grpc_server *s)) \
	X(void, server_destroy, grpc_server_destroy, (grpc_server *s)) \
	X(grpc_server_credentials *, insecure_server_credentials_create, \
	  grpc_insecure_server_credentials_create, (void)) \
	X(void, server_credentials_release, grpc_server_credentials_release, \
	  (grpc_server_credentials *c)) \
	X(grpc_channel_credentials *, insecure_credentials_create, \
	  grpc_insecure_credentials_create, (void)) \
	X(void, channel_credentials_release, grpc_channel_credentials_release, \
	  (grpc_channel_credentials *c)) \
	X(grpc_channel *, channel_create, grpc_channel_create, (const char *t, \
	  grpc_channel_credentials *c, const grpc_channel_args *a)) \
	X(void, channel_destroy, grpc_channel_destroy, (grpc_channel *c)) \
	X(grpc_channel *, channel_create_from_fd, grpc_channel_create_from_fd, \
	  (const char *t, int fd, grpc_channel_credentials *c, const grpc_channel_args *a)) \
	X(void, server_add_channel_from_fd, grpc_server_add_channel_from_fd, \
	  (grpc_server *s, int fd, grpc_server_credentials *c)) \
	X(grpc_call *, channel_create_call, grpc_channel_create_call, (grpc_channel *ch, \
	  grpc_call *pc, uint32_t m, grpc_completion_queue *q, grpc_slice me, \
	  const grpc_slice *h, gpr_timespec d, void *r)) \
	X(grpc_call_error, call_start_batch, grpc_call_start_batch, (grpc_call *c, \
	  const grpc_op *o, size_t n, void *t, void *r)) \
	X(grpc_call_error, call_cancel, grpc_call_cancel, (grpc_call *c, void *r)) \
	X(void, call_unref, grpc_call_unref, (grpc_call *c)) \
	X(void, metadata_array_init, grpc_metadata_array_init, (grpc_metadata_array *a)) \
	X(void, metadata_array_destroy, grpc_metadata_array_destroy, \
	  (grpc_metadata_array *a)) \
	X(void, call_details_init, grpc_call_details_init, (grpc_call_details *d)) \
	X(void, call_details_destroy, grpc_call_details_destroy, (grpc_call_details *d)) \
	X(grpc_slice, slice_from_static_string, grpc_slice_from_static_string, \
	  (const char *s)) \
	X(grpc_slice, slice_from_copied_buffer, grpc_slice_from_copied_buffer, \
	  (const char *s, size_t n)) \
	X(void, slice_unref, grpc_slice_unref, (grpc_slice s)) \
	X(grpc_byte_buffer *, raw_byte_buffer_create, grpc_raw_byte_buffer_create, \
	  (grpc_slice *s, size_t n)) \
	X(void, byte_buffer_destroy, grpc_byte_buffer_destroy, (grpc_byte_buffer *b)) \
	X(size_t, byte_buffer_length, grpc_byte_buffer_length, (grpc_byte_buffer *b)) \
	X(int, byte_buffer_reader_init, grpc_byte_buffer_reader_init, \
	  (grpc_byte_buffer_reader *r, grpc_byte_buffer *b)) \
	X(int, byte_buffer_reader_next, grpc_byte_buffer_reader_next, \
	  (grpc_byte_buffer_reader *r, grpc_slice *s)) \
	X(void, byte_buffer_reader_destroy, grpc_byte_buffer_reader_destroy, \
	  (grpc_byte_buffer_reader *r)) \
	X(gpr_timespec, gpr_inf_future, gpr_inf_future, (gpr_clock_type t)) \
	X(gpr_timespec, gpr_now, gpr_now, (gpr_clock_type t)) \
	X(gpr_timespec, gpr_time_add, gpr_time_add, (gpr_timespec a, gpr_timespec b)) \
	X(gpr_timespec, gpr_time_from_millis, gpr_time_from_millis, (int64_t ms, \
	  gpr_clock_type t))

/* gapi: our table of gRPC's C core's entry points, filled by gapi_load() */
struct grpc_api {
	DYNLIB_MEMBERS(GRPC_FUNCS)
};
extern struct grpc_api gapi;

/* gapi_load: opens libgrpc.so.29 and fills gapi; 0 or -ENOENT */
int gapi_load(void);

#endif
