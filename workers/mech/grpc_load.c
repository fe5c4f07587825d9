/* grpc_load.c -- the gRPC C-core entry points grpc.c calls, forwarded to the library opened on first use */
#include <grpc/byte_buffer.h>
#include <grpc/byte_buffer_reader.h>
#include <grpc/grpc.h>
#include <grpc/grpc_security.h>

#include "dynlib.h"
#include "grpc_load.h"

typedef grpc_completion_queue cq_t;
typedef grpc_byte_buffer bb_t;
typedef grpc_byte_buffer_reader bbr_t;

/* X(return type, name, parameters, arguments) */
#define GRPC_FUNCS(X) \
	X(void, grpc_init, (void), ()) \
	X(void, grpc_shutdown, (void), ()) \
	X(cq_t *, grpc_completion_queue_create_for_pluck, (void *r), (r)) \
	X(grpc_event, grpc_completion_queue_pluck, (cq_t *q, void *t, gpr_timespec d, \
	  void *r), (q, t, d, r)) \
	X(void, grpc_completion_queue_shutdown, (cq_t *q), (q)) \
	X(void, grpc_completion_queue_destroy, (cq_t *q), (q)) \
	X(grpc_server *, grpc_server_create, (const grpc_channel_args *a, void *r), (a, r)) \
	X(void, grpc_server_register_completion_queue, (grpc_server *s, cq_t *q, void *r), \
	  (s, q, r)) \
	X(int, grpc_server_add_http2_port, (grpc_server *s, const char *a, \
	  grpc_server_credentials *c), (s, a, c)) \
	X(void, grpc_server_start, (grpc_server *s), (s)) \
	X(grpc_call_error, grpc_server_request_call, (grpc_server *s, grpc_call **c, \
	  grpc_call_details *d, grpc_metadata_array *m, cq_t *bq, cq_t *nq, void *t), \
	  (s, c, d, m, bq, nq, t)) \
	X(void, grpc_server_shutdown_and_notify, (grpc_server *s, cq_t *q, void *t), (s, q, t)) \
	X(void, grpc_server_cancel_all_calls, (grpc_server *s), (s)) \
	X(void, grpc_server_destroy, (grpc_server *s), (s)) \
	X(grpc_server_credentials *, grpc_insecure_server_credentials_create, (void), ()) \
	X(void, grpc_server_credentials_release, (grpc_server_credentials *c), (c)) \
	X(grpc_channel_credentials *, grpc_insecure_credentials_create, (void), ()) \
	X(void, grpc_channel_credentials_release, (grpc_channel_credentials *c), (c)) \
	X(grpc_channel *, grpc_channel_create, (const char *t, grpc_channel_credentials *c, \
	  const grpc_channel_args *a), (t, c, a)) \
	X(void, grpc_channel_destroy, (grpc_channel *c), (c)) \
	X(grpc_call *, grpc_channel_create_call, (grpc_channel *ch, grpc_call *pc, uint32_t m, \
	  cq_t *q, grpc_slice me, const grpc_slice *h, gpr_timespec d, void *r), \
	  (ch, pc, m, q, me, h, d, r)) \
	X(grpc_call_error, grpc_call_start_batch, (grpc_call *c, const grpc_op *o, size_t n, \
	  void *t, void *r), (c, o, n, t, r)) \
	X(grpc_call_error, grpc_call_cancel, (grpc_call *c, void *r), (c, r)) \
	X(void, grpc_call_unref, (grpc_call *c), (c)) \
	X(void, grpc_metadata_array_init, (grpc_metadata_array *a), (a)) \
	X(void, grpc_metadata_array_destroy, (grpc_metadata_array *a), (a)) \
	X(void, grpc_call_details_init, (grpc_call_details *d), (d)) \
	X(void, grpc_call_details_destroy, (grpc_call_details *d), (d)) \
	X(grpc_slice, grpc_slice_from_static_string, (const char *s), (s)) \
	X(grpc_slice, grpc_slice_from_copied_buffer, (const char *s, size_t n), (s, n)) \
	X(void, grpc_slice_unref, (grpc_slice s), (s)) \
	X(bb_t *, grpc_raw_byte_buffer_create, (grpc_slice *s, size_t n), (s, n)) \
	X(void, grpc_byte_buffer_destroy, (bb_t *b), (b)) \
	X(size_t, grpc_byte_buffer_length, (bb_t *b), (b)) \
	X(int, grpc_byte_buffer_reader_init, (bbr_t *r, bb_t *b), (r, b)) \
	X(int, grpc_byte_buffer_reader_next, (bbr_t *r, grpc_slice *s), (r, s)) \
	X(void, grpc_byte_buffer_reader_destroy, (bbr_t *r), (r)) \
	X(gpr_timespec, gpr_inf_future, (gpr_clock_type t), (t)) \
	X(gpr_timespec, gpr_now, (gpr_clock_type t), (t)) \
	X(gpr_timespec, gpr_time_add, (gpr_timespec a, gpr_timespec b), (a, b)) \
	X(gpr_timespec, gpr_time_from_millis, (int64_t ms, gpr_clock_type t), (ms, t))

#define DECLARE(ret, name, params, args) static ret (*p_##name) params;
GRPC_FUNCS(DECLARE)
#undef DECLARE

#define NAME(ret, name, params, args) #name,
static const char *const names[] = { GRPC_FUNCS(NAME) NULL };
#undef NAME
#define SLOT(ret, name, params, args) (void **)&p_##name,
static void **const slots[] = { GRPC_FUNCS(SLOT) NULL };
#undef SLOT

static struct dynlib lib = DYNLIB_INIT("libgrpc.so.29", names, slots);

int grpc_load(void)
{
	return dynlib_load(&lib);
}

#define FORWARD(ret, name, params, args) ret name params { return p_##name args; }
GRPC_FUNCS(FORWARD)
#undef FORWARD
