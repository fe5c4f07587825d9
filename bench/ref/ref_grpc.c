/* ref_grpc.c -- a reference gRPC unary ping-pong (C core) over a unix socket */
#include <grpc/byte_buffer.h>
#include <grpc/grpc.h>
#include <grpc/grpc_security.h>

#include "ref.h"

/*
 * usage: ref_grpc SIZE COUNT WARMUP CPU_CLIENT CPU_SERVER
 * The server answers every unary call with the bytes it got; the client
 * makes WARMUP + COUNT calls, each one batch (metadata, message, half
 * close, reply, status) completed on a pluck queue, the COUNT timed with
 * CLOCK_MONOTONIC. gRPC starts in each process after fork. Insecure
 * credentials, raw byte buffers, default channel arguments but for the
 * message limits, raised to 64 MiB as ipcscope raises them.
 */

#define METHOD "/ref.Echo/Echo"
#define LIMIT (64 << 20)

struct shared {
	volatile int up;
	uint64_t *rtt;                 /* COUNT round trips, shared */
};

static char dir[] = "/tmp/ref_grpc.XXXXXX";
static char addr[300];

static grpc_channel_args *limits(void)
{
	static grpc_arg a[2];
	static grpc_channel_args args = { 2, a };

	a[0].type = a[1].type = GRPC_ARG_INTEGER;
	a[0].key = GRPC_ARG_MAX_RECEIVE_MESSAGE_LENGTH;
	a[1].key = GRPC_ARG_MAX_SEND_MESSAGE_LENGTH;
	a[0].value.integer = a[1].value.integer = LIMIT;
	return &args;
}

static void wait_tag(grpc_completion_queue *cq, void *tag)
{
	grpc_event ev = grpc_completion_queue_pluck(cq, tag, gpr_inf_future(GPR_CLOCK_REALTIME), NULL);

	if (ev.type != GRPC_OP_COMPLETE || !ev.success) {
		fprintf(stderr, "ref: a grpc batch failed\n");
		exit(1);
	}
}

static void server(struct shared *sh, uint64_t total)
{
	grpc_completion_queue *cq;
	grpc_server *s;
	grpc_server_credentials *cr;

	grpc_init();
	cq = grpc_completion_queue_create_for_pluck(NULL);
	s = grpc_server_create(limits(), NULL);
	cr = grpc_insecure_server_credentials_create();
	grpc_server_register_completion_queue(s, cq, NULL);
	if (!grpc_server_add_http2_port(s, addr, cr))
		ref_die("grpc listen");
	grpc_server_start(s);
	sh->up = 1;
	for (uint64_t i = 0; i < total; i++) {
		grpc_call *call;
		grpc_call_details d;
		grpc_metadata_array md;
		grpc_byte_buffer *in = NULL;
		int cancelled;
		grpc_op ops[3];

		grpc_call_details_init(&d);
		grpc_metadata_array_init(&md);
		grpc_server_request_call(s, &call, &d, &md, cq, cq, (void *)1);
		wait_tag(cq, (void *)1);
		memset(ops, 0, sizeof(ops));
		ops[0].op = GRPC_OP_SEND_INITIAL_METADATA;
		ops[1].op = GRPC_OP_RECV_MESSAGE;
		ops[1].data.recv_message.recv_message = &in;
		grpc_call_start_batch(call, ops, 2, (void *)2, NULL);
		wait_tag(cq, (void *)2);
		memset(ops, 0, sizeof(ops));
		ops[0].op = GRPC_OP_RECV_CLOSE_ON_SERVER;
		ops[0].data.recv_close_on_server.cancelled = &cancelled;
		ops[1].op = GRPC_OP_SEND_MESSAGE;
		ops[1].data.send_message.send_message = in;
		ops[2].op = GRPC_OP_SEND_STATUS_FROM_SERVER;
		ops[2].data.send_status_from_server.status = GRPC_STATUS_OK;
		grpc_call_start_batch(call, ops, 3, (void *)3, NULL);
		wait_tag(cq, (void *)3);
		grpc_byte_buffer_destroy(in);
		grpc_call_unref(call);
		grpc_call_details_destroy(&d);
		grpc_metadata_array_destroy(&md);
	}
	_exit(0);   /* the client is done: no orderly shutdown to time */
}

static uint64_t ping(grpc_channel *ch, grpc_completion_queue *cq, grpc_slice payload)
{
	uint64_t t0 = ref_now_ns();
	grpc_byte_buffer *out = grpc_raw_byte_buffer_create(&payload, 1), *in = NULL;
	grpc_metadata_array imd, tmd;
	grpc_status_code status;
	grpc_slice details;
	grpc_op ops[6];
	grpc_call *call = grpc_channel_create_call(ch, NULL, GRPC_PROPAGATE_DEFAULTS, cq,
						   grpc_slice_from_static_string(METHOD), NULL,
						   gpr_inf_future(GPR_CLOCK_REALTIME), NULL);

	grpc_metadata_array_init(&imd);
	grpc_metadata_array_init(&tmd);
	memset(ops, 0, sizeof(ops));
	ops[0].op = GRPC_OP_SEND_INITIAL_METADATA;
	ops[1].op = GRPC_OP_SEND_MESSAGE;
	ops[1].data.send_message.send_message = out;
	ops[2].op = GRPC_OP_SEND_CLOSE_FROM_CLIENT;
	ops[3].op = GRPC_OP_RECV_INITIAL_METADATA;
	ops[3].data.recv_initial_metadata.recv_initial_metadata = &imd;
	ops[4].op = GRPC_OP_RECV_MESSAGE;
	ops[4].data.recv_message.recv_message = &in;
	ops[5].op = GRPC_OP_RECV_STATUS_ON_CLIENT;
	ops[5].data.recv_status_on_client.trailing_metadata = &tmd;
	ops[5].data.recv_status_on_client.status = &status;
	ops[5].data.recv_status_on_client.status_details = &details;
	grpc_call_start_batch(call, ops, 6, (void *)9, NULL);
	wait_tag(cq, (void *)9);
	if (status != GRPC_STATUS_OK || !in)
		ref_die("grpc call");
	grpc_byte_buffer_destroy(in);
	grpc_byte_buffer_destroy(out);
	grpc_slice_unref(details);
	grpc_metadata_array_destroy(&imd);
	grpc_metadata_array_destroy(&tmd);
	grpc_call_unref(call);
	return ref_now_ns() - t0;
}

static void client(struct shared *sh, uint64_t size, uint64_t n, uint64_t warm)
{
	char *buf = malloc(size);
	grpc_channel_credentials *cr;
	grpc_completion_queue *cq;
	grpc_channel *ch;
	grpc_slice payload;

	if (!buf)
		ref_die("malloc");
	memset(buf, 0x5a, size);
	while (!sh->up)
		usleep(100);
	grpc_init();
	cq = grpc_completion_queue_create_for_pluck(NULL);
	cr = grpc_insecure_credentials_create();
	ch = grpc_channel_create(addr, cr, limits());
	payload = grpc_slice_from_copied_buffer(buf, size);
	for (uint64_t i = 0; i < warm + n; i++) {
		uint64_t t = ping(ch, cq, payload);
		if (i >= warm)
			sh->rtt[i - warm] = t;
	}
	_exit(0);
}

int main(int argc, char **argv)
{
	struct shared *sh;
	uint64_t size, n, warm;
	pid_t ps, pc;

	if (argc != 6) {
		fprintf(stderr, "usage: ref_grpc SIZE COUNT WARMUP CPU_CLIENT CPU_SERVER\n");
		return 2;
	}
	size = ref_num(argv[1]);
	n = ref_num(argv[2]);
	warm = ref_num(argv[3]);
	if (!n || !mkdtemp(dir))
		return 2;
	snprintf(addr, sizeof(addr), "unix:%s/sock", dir);
	sh = ref_shared(sizeof(*sh));
	sh->rtt = ref_shared(n * sizeof(*sh->rtt));
	if ((ps = fork()) == 0) {
		ref_worker(atoi(argv[5]));
		server(sh, warm + n);
	}
	if ((pc = fork()) == 0) {
		ref_worker(atoi(argv[4]));
		client(sh, size, n, warm);
	}
	if (ps < 0 || pc < 0)
		ref_die("fork");
	ref_reap(pc, ps);
	snprintf(addr, sizeof(addr), "%s/sock", dir);
	unlink(addr);
	rmdir(dir);
	ref_rtt_line("grpc", size, sh->rtt, n);
	return 0;
}
