/* grpc.c -- gRPC (C core): unary calls for round trips, one client stream for throughput */
#include <errno.h>
#include <grpc/byte_buffer.h>
#include <grpc/byte_buffer_reader.h>
#include <grpc/grpc.h>
#include <grpc/grpc_security.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "mech/mech.h"
#include "mech/grpc_load.h"
#include "mech/sockpair.h"

#define GRPCM_METHOD "/ipcscope.Bench/Msg"
#define GRPCM_TARGET_MAX 200
#define GRPCM_CLOSE_MS 2000        /* ending a stream or the server waits this */
#define GRPCM_PORT_WAIT_MS 10000   /* the sender waits this for the tcp port */
#define GRPCM_NET_TARGET "ipcscope-peer"  /* the channel's name across hosts */

/* grpc's own setting: the transport under HTTP/2 (enum grpcm_transport order) */
enum grpcm_transport { GT_UNIX, GT_TCP };
enum { GRPC_OPT_TRANSPORT };
static const char *const transport_values[] = { "unix", "tcp", NULL };
static const struct mech_option grpcm_options[] = {
	[GRPC_OPT_TRANSPORT] = { "transport", transport_values,
				 "unix: a socket file in the run directory; tcp: 127.0.0.1, "
				 "or the network to a peer", "tcp" },
	{ NULL, NULL, NULL, NULL },
};

/* completion-queue tags: which batch completed */
enum { TAG_NEW = 1, TAG_OPEN, TAG_MSG, TAG_CALL, TAG_REPLY, TAG_CLOSE, TAG_SHUT };

/* Each worker's own (copied by fork), but for *port: the one block shared
   between parent and workers (MAP_SHARED), where the receiver publishes
   the tcp port its server got. */
struct grpcm_priv {
	volatile int *port;            /* tcp: set by the receiver's open() */
	struct sockpair net;           /* across hosts: the TCP connection the
					  workers hand to gRPC (sockpair.h) */
	char path[108];                /* unix: the socket file */
	grpc_completion_queue *cq;
	grpc_server *server;
	grpc_channel *channel;
	grpc_call *call;
	grpc_call_details details;
	grpc_metadata_array req_md, init_md, trail_md;
	grpc_byte_buffer *in, *out;    /* received message, message being sent */
	grpc_status_code status;
	grpc_slice status_details;
	int cancelled;
	void *pending;                 /* tag of the batch still to complete */
	int inited, stream_open;
};

static gpr_timespec grpcm_after(int ms)
{
	return ms < 0 ? gapi.gpr_inf_future(GPR_CLOCK_REALTIME) :
	       gapi.gpr_time_add(gapi.gpr_now(GPR_CLOCK_REALTIME),
			    gapi.gpr_time_from_millis(ms, GPR_TIMESPAN));
}

/* grpcm_wait: the completion of tag within ms (< 0: no limit); 0,
   -ETIMEDOUT (still pending), or -EPIPE when the batch failed */
static int grpcm_wait(struct grpcm_priv *p, void *tag, int ms)
{
	grpc_event ev = gapi.completion_queue_pluck(p->cq, tag, grpcm_after(ms), NULL);

	if (ev.type == GRPC_QUEUE_TIMEOUT)
		return -ETIMEDOUT;
	p->pending = NULL;
	return ev.type == GRPC_OP_COMPLETE && ev.success ? 0 : -EPIPE;
}

/* grpcm_batch: starts n ops on the call under tag; 0 or -EPROTO */
static int grpcm_batch(struct grpcm_priv *p, grpc_op *ops, size_t n, void *tag)
{
	if (gapi.call_start_batch(p->call, ops, n, tag, NULL) != GRPC_CALL_OK)
		return -EPROTO;
	p->pending = tag;
	return 0;
}

static grpc_op grpcm_op(grpc_op_type type)
{
	grpc_op op;

	memset(&op, 0, sizeof(op));
	op.op = type;
	return op;
}

/* the channel and server args: messages up to the ipcscope cap both ways */
static grpc_channel_args grpcm_args(grpc_arg a[2])
{
	a[0].type = a[1].type = GRPC_ARG_INTEGER;
	a[0].key = GRPC_ARG_MAX_RECEIVE_MESSAGE_LENGTH;
	a[1].key = GRPC_ARG_MAX_SEND_MESSAGE_LENGTH;
	a[0].value.integer = a[1].value.integer = (int)MECH_SIZE_MAX_DEFAULT;
	return (grpc_channel_args){ .num_args = 2, .args = a };
}

static enum grpcm_transport grpcm_transport(const struct mech *m)
{
	return (enum grpcm_transport)m->opt[GRPC_OPT_TRANSPORT];
}

/* grpcm_priv_new: fresh state in m->priv; NULL when out of memory */
static struct grpcm_priv *grpcm_priv_new(struct mech *m)
{
	struct grpcm_priv *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	sockpair_init(&p->net);
	m->priv = p;
	return p;
}

/* No gRPC call before fork: grpc_init's threads would not survive it.
   The parent opens the library (loading it and its fifty dependencies
   costs more than a short rep, and opening starts no thread), reserves
   the shared block and the socket path; each worker inherits the loaded
   library and calls grpc_init itself. */
static int grpcm_create(struct mech *m)
{
	struct grpcm_priv *p = grpcm_priv_new(m);
	void *port;
	int rc;

	if (!p)
		return -ENOMEM;
	if ((rc = gapi_load()) < 0)
		return rc;
	port = mmap(NULL, sizeof(*p->port), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
		    -1, 0);
	if (port == MAP_FAILED)
		return -ENOMEM;
	p->port = port;
	if (grpcm_transport(m) == GT_UNIX &&
	    (size_t)snprintf(p->path, sizeof(p->path), "%s/%s.grpc", m->tmpdir, m->tag) >=
		    sizeof(p->path))
		return -ENAMETOOLONG;
	mech_granted_add(m, "max_message_bytes", (long long)MECH_SIZE_MAX_DEFAULT);
	return 0;
}

/* --- across hosts: a TCP connection made before fork (sockpair.h), which
   each worker hands to gRPC: the server takes it as a channel, the sender
   makes its channel on it ------------------------------------------------ */

static int grpcm_net_listen(struct mech *m)
{
	struct grpcm_priv *p = grpcm_priv_new(m);
	int rc;

	if (!p)
		return -ENOMEM;
	if ((rc = gapi_load()) < 0)   /* as in grpcm_create */
		return rc;
	return sockpair_tcp_net_listen(m, &p->net.lfd);
}

static int grpcm_net_join(struct mech *m)
{
	int rc = sockpair_tcp_net_join(m, &((struct grpcm_priv *)m->priv)->net);

	if (rc == 0)
		mech_granted_add(m, "max_message_bytes", (long long)MECH_SIZE_MAX_DEFAULT);
	return rc;
}

/* grpcm_net_fd: the worker's connection to the other host, handed over
   (gRPC polls it non-blocking and closes it), or -1 in a local run */
static int grpcm_net_fd(struct mech *m, struct grpcm_priv *p)
{
	int *mine = &p->net.sv[sockpair_mine(m)], fd = *mine;

	*mine = -1;
	if (fd >= 0)
		fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	return fd;
}

/* grpcm_add_port: the server's listener: the socket file, or 127.0.0.1
   at a port the kernel picks; the port or -EADDRNOTAVAIL */
static int grpcm_add_port(struct mech *m, struct grpcm_priv *p, grpc_server_credentials *cr)
{
	char addr[GRPCM_TARGET_MAX];
	int port;

	if (grpcm_transport(m) == GT_UNIX)
		snprintf(addr, sizeof(addr), "unix:%s", p->path);
	else
		snprintf(addr, sizeof(addr), "127.0.0.1:0");
	port = gapi.server_add_http2_port(p->server, addr, cr);
	return port > 0 ? port : -EADDRNOTAVAIL;
}

/* grpcm_serve: the receiver's server, listening (or on the connection
   from the other host), with a call requested */
static int grpcm_serve(struct mech *m, struct grpcm_priv *p)
{
	grpc_arg a[2];
	grpc_channel_args args = grpcm_args(a);
	grpc_server_credentials *cr = gapi.insecure_server_credentials_create();
	int fd = grpcm_net_fd(m, p), port = 0;

	p->server = gapi.server_create(&args, NULL);
	gapi.server_register_completion_queue(p->server, p->cq, NULL);
	if (fd < 0 && (port = grpcm_add_port(m, p, cr)) < 0) {
		gapi.server_credentials_release(cr);
		return port;
	}
	gapi.server_start(p->server);
	if (fd >= 0)
		gapi.server_add_channel_from_fd(p->server, fd, cr);
	gapi.server_credentials_release(cr);
	if (fd < 0 && grpcm_transport(m) == GT_TCP)
		*p->port = port;
	if (gapi.server_request_call(p->server, &p->call, &p->details, &p->req_md, p->cq,
				     p->cq, (void *)TAG_NEW) != GRPC_CALL_OK)
		return -EPROTO;
	p->pending = (void *)TAG_NEW;
	return 0;
}

static int grpcm_open(struct mech *m, enum mech_role role)
{
	struct grpcm_priv *p = m->priv;
	int rc;

	if ((rc = gapi_load()) < 0)
		return rc;
	gapi.init();
	p->inited = 1;
	p->cq = gapi.completion_queue_create_for_pluck(NULL);
	gapi.metadata_array_init(&p->req_md);
	gapi.metadata_array_init(&p->init_md);
	gapi.metadata_array_init(&p->trail_md);
	gapi.call_details_init(&p->details);
	return role == ROLE_RECEIVER ? grpcm_serve(m, p) : 0;
}

/* grpcm_connect: the sender's channel, made at its first message (the
   receiver has opened by then: the tcp port is known) */
static int grpcm_connect(struct mech *m, struct grpcm_priv *p)
{
	grpc_arg a[2];
	grpc_channel_args args = grpcm_args(a);
	grpc_channel_credentials *cr;
	char target[GRPCM_TARGET_MAX];
	int fd = grpcm_net_fd(m, p);

	if (fd >= 0) {
		cr = gapi.insecure_credentials_create();
		p->channel = gapi.channel_create_from_fd(GRPCM_NET_TARGET, fd, cr, &args);
		gapi.channel_credentials_release(cr);
		return p->channel ? 0 : -ECONNREFUSED;
	}
	for (int i = 0; grpcm_transport(m) == GT_TCP && !*p->port; i++) {
		if (i >= GRPCM_PORT_WAIT_MS)
			return -ETIMEDOUT;
		usleep(1000);
	}
	if (grpcm_transport(m) == GT_UNIX)
		snprintf(target, sizeof(target), "unix:%s", p->path);
	else
		snprintf(target, sizeof(target), "127.0.0.1:%d", *p->port);
	cr = gapi.insecure_credentials_create();
	p->channel = gapi.channel_create(target, cr, &args);
	gapi.channel_credentials_release(cr);
	return p->channel ? 0 : -ECONNREFUSED;
}

static int grpcm_new_call(struct grpcm_priv *p)
{
	p->call = gapi.channel_create_call(p->channel, NULL, GRPC_PROPAGATE_DEFAULTS, p->cq,
					   gapi.slice_from_static_string(GRPCM_METHOD), NULL,
					   gapi.gpr_inf_future(GPR_CLOCK_REALTIME), NULL);
	return p->call ? 0 : -ENOMEM;
}

static grpc_byte_buffer *grpcm_buffer(const void *buf, size_t len)
{
	grpc_slice s = gapi.slice_from_copied_buffer(buf, len);
	grpc_byte_buffer *bb = gapi.raw_byte_buffer_create(&s, 1);

	gapi.slice_unref(s);
	return bb;
}

/* grpcm_take: the received message into buf, whole; 0, -EPIPE when the
   stream ended instead, or -EPROTO for another length */
static int grpcm_take(struct grpcm_priv *p, void *buf, size_t len)
{
	grpc_byte_buffer_reader r;
	grpc_slice s;
	size_t got = 0;
	int rc = 0;

	if (!p->in)
		return -EPIPE;
	if (gapi.byte_buffer_length(p->in) != len || !gapi.byte_buffer_reader_init(&r, p->in)) {
		rc = -EPROTO;
		goto out;
	}
	while (gapi.byte_buffer_reader_next(&r, &s)) {
		memcpy((char *)buf + got, GRPC_SLICE_START_PTR(s), GRPC_SLICE_LENGTH(s));
		got += GRPC_SLICE_LENGTH(s);
		gapi.slice_unref(s);
	}
	gapi.byte_buffer_reader_destroy(&r);
out:
	gapi.byte_buffer_destroy(p->in);
	p->in = NULL;
	return rc;
}

/* --- the sender -------------------------------------------------------- */

/* one unary call: message, half-close and the reply, all in one batch */
static int grpcm_call(struct grpcm_priv *p, const void *buf, size_t len)
{
	grpc_op ops[6] = {
		grpcm_op(GRPC_OP_SEND_INITIAL_METADATA), grpcm_op(GRPC_OP_SEND_MESSAGE),
		grpcm_op(GRPC_OP_SEND_CLOSE_FROM_CLIENT), grpcm_op(GRPC_OP_RECV_INITIAL_METADATA),
		grpcm_op(GRPC_OP_RECV_MESSAGE), grpcm_op(GRPC_OP_RECV_STATUS_ON_CLIENT),
	};
	int rc;

	if ((rc = grpcm_new_call(p)) < 0)
		return rc;
	p->out = grpcm_buffer(buf, len);
	ops[1].data.send_message.send_message = p->out;
	ops[3].data.recv_initial_metadata.recv_initial_metadata = &p->init_md;
	ops[4].data.recv_message.recv_message = &p->in;
	ops[5].data.recv_status_on_client.trailing_metadata = &p->trail_md;
	ops[5].data.recv_status_on_client.status = &p->status;
	ops[5].data.recv_status_on_client.status_details = &p->status_details;
	return grpcm_batch(p, ops, 6, (void *)TAG_CALL);
}

/* one message of the client stream, opened at the first */
static int grpcm_stream_send(struct grpcm_priv *p, const void *buf, size_t len)
{
	grpc_op ops[2] = { grpcm_op(GRPC_OP_SEND_INITIAL_METADATA),
			   grpcm_op(GRPC_OP_SEND_MESSAGE) };
	int rc, first = !p->stream_open;

	if (first && (rc = grpcm_new_call(p)) < 0)
		return rc;
	p->stream_open = 1;
	p->out = grpcm_buffer(buf, len);
	ops[1].data.send_message.send_message = p->out;
	if ((rc = grpcm_batch(p, first ? ops : ops + 1, first ? 2 : 1, (void *)TAG_MSG)) < 0)
		return rc;
	rc = grpcm_wait(p, (void *)TAG_MSG, -1);   /* one send in flight at a time */
	gapi.byte_buffer_destroy(p->out);
	p->out = NULL;
	return rc;
}

static void grpcm_call_done(struct grpcm_priv *p)
{
	if (p->out)
		gapi.byte_buffer_destroy(p->out);
	p->out = NULL;
	gapi.slice_unref(p->status_details);
	memset(&p->status_details, 0, sizeof(p->status_details));
	gapi.metadata_array_destroy(&p->init_md);
	gapi.metadata_array_destroy(&p->trail_md);
	gapi.metadata_array_init(&p->init_md);
	gapi.metadata_array_init(&p->trail_md);
	gapi.call_unref(p->call);
	p->call = NULL;
}

/* --- the receiver ------------------------------------------------------ */

/* grpcm_next_message: waits for the requested call (then accepts it) or
   for the message asked for; 0, -ETIMEDOUT or -EPIPE */
static int grpcm_next_message(struct mech *m, struct grpcm_priv *p)
{
	grpc_op ops[2] = { grpcm_op(GRPC_OP_SEND_INITIAL_METADATA),
			   grpcm_op(GRPC_OP_RECV_MESSAGE) };
	int rc;

	if (p->pending == (void *)TAG_NEW) {
		if ((rc = grpcm_wait(p, (void *)TAG_NEW, m->timeout_ms)) < 0)
			return rc;
		ops[1].data.recv_message.recv_message = &p->in;
		if ((rc = grpcm_batch(p, ops, 2, (void *)TAG_MSG)) < 0)
			return rc;
	} else if (p->pending != (void *)TAG_MSG) {
		ops[1].data.recv_message.recv_message = &p->in;
		if ((rc = grpcm_batch(p, ops + 1, 1, (void *)TAG_MSG)) < 0)
			return rc;
	}
	return grpcm_wait(p, (void *)TAG_MSG, m->timeout_ms);
}

/* the reply that ends a unary call, and the request for the next call */
static int grpcm_reply(struct grpcm_priv *p, const void *buf, size_t len)
{
	grpc_op ops[3] = { grpcm_op(GRPC_OP_RECV_CLOSE_ON_SERVER),
			   grpcm_op(GRPC_OP_SEND_MESSAGE),
			   grpcm_op(GRPC_OP_SEND_STATUS_FROM_SERVER) };
	int rc;

	if (!p->call)
		return -EPROTO;
	p->out = grpcm_buffer(buf, len);
	ops[0].data.recv_close_on_server.cancelled = &p->cancelled;
	ops[1].data.send_message.send_message = p->out;
	ops[2].data.send_status_from_server.status = GRPC_STATUS_OK;
	if ((rc = grpcm_batch(p, ops, 3, (void *)TAG_REPLY)) < 0)
		return rc;
	rc = grpcm_wait(p, (void *)TAG_REPLY, -1);
	gapi.call_details_destroy(&p->details);
	gapi.metadata_array_destroy(&p->req_md);
	gapi.call_details_init(&p->details);
	gapi.metadata_array_init(&p->req_md);
	grpcm_call_done(p);
	if (rc == 0 && gapi.server_request_call(p->server, &p->call, &p->details, &p->req_md,
						p->cq, p->cq, (void *)TAG_NEW) != GRPC_CALL_OK)
		rc = -EPROTO;
	p->pending = rc == 0 ? (void *)TAG_NEW : NULL;
	return rc;
}

/* --- the ops ------------------------------------------------------------ */

static int grpcm_send(struct mech *m, const void *buf, size_t len)
{
	struct grpcm_priv *p = m->priv;
	int rc;

	if (m->role == ROLE_RECEIVER)
		return grpcm_reply(p, buf, len);
	if (!p->channel && (rc = grpcm_connect(m, p)) < 0)
		return rc;
	return m->mode == MODE_LATENCY ? grpcm_call(p, buf, len) : grpcm_stream_send(p, buf, len);
}

static int grpcm_recv(struct mech *m, void *buf, size_t len)
{
	struct grpcm_priv *p = m->priv;
	int rc;

	if (m->role == ROLE_RECEIVER) {
		if ((rc = grpcm_next_message(m, p)) < 0)
			return rc;
		return grpcm_take(p, buf, len);
	}
	if (p->pending != (void *)TAG_CALL)
		return -EPROTO;
	if ((rc = grpcm_wait(p, (void *)TAG_CALL, m->timeout_ms)) < 0)
		return rc;
	rc = p->status == GRPC_STATUS_OK ? grpcm_take(p, buf, len) : -EPIPE;
	grpcm_call_done(p);
	return rc;
}

/* grpcm_end_call: a call still open at close: the stream half-closed and
   its status awaited (sender), or answered (receiver); cancelled if the
   peer does not answer in time */
static void grpcm_end_call(struct mech *m, struct grpcm_priv *p)
{
	void *tag = p->pending;
	grpc_op ops[4];
	size_t n = 0;

	if (!p->call || tag == (void *)TAG_NEW)
		return;
	/* a batch the rep left unfinished: cancelled, and its end collected */
	if (tag && grpcm_wait(p, tag, 0) == -ETIMEDOUT) {
		gapi.call_cancel(p->call, NULL);
		grpcm_wait(p, tag, -1);
	}
	if (m->role == ROLE_SENDER) {
		ops[n++] = grpcm_op(GRPC_OP_SEND_CLOSE_FROM_CLIENT);
		if (m->mode != MODE_LATENCY) {   /* the stream's, never asked for */
			ops[n] = grpcm_op(GRPC_OP_RECV_INITIAL_METADATA);
			ops[n++].data.recv_initial_metadata.recv_initial_metadata = &p->init_md;
		}
		ops[n] = grpcm_op(GRPC_OP_RECV_STATUS_ON_CLIENT);
		ops[n].data.recv_status_on_client.trailing_metadata = &p->trail_md;
		ops[n].data.recv_status_on_client.status = &p->status;
		ops[n++].data.recv_status_on_client.status_details = &p->status_details;
	} else {
		ops[n] = grpcm_op(GRPC_OP_RECV_CLOSE_ON_SERVER);
		ops[n++].data.recv_close_on_server.cancelled = &p->cancelled;
		ops[n] = grpcm_op(GRPC_OP_SEND_STATUS_FROM_SERVER);
		ops[n++].data.send_status_from_server.status = GRPC_STATUS_OK;
	}
	if (grpcm_batch(p, ops, n, (void *)TAG_CLOSE) == 0 &&
	    grpcm_wait(p, (void *)TAG_CLOSE, GRPCM_CLOSE_MS) == -ETIMEDOUT) {
		gapi.call_cancel(p->call, NULL);
		grpcm_wait(p, (void *)TAG_CLOSE, -1);
	}
	grpcm_call_done(p);
}

static void grpcm_close(struct mech *m)
{
	struct grpcm_priv *p = m->priv;

	if (!p->inited)
		return;
	grpcm_end_call(m, p);
	if (p->channel)
		gapi.channel_destroy(p->channel);
	if (p->server) {
		gapi.server_shutdown_and_notify(p->server, p->cq, (void *)TAG_SHUT);
		gapi.server_cancel_all_calls(p->server);
		if (p->pending == (void *)TAG_NEW)   /* the shutdown ends it */
			grpcm_wait(p, (void *)TAG_NEW, -1);
		grpcm_wait(p, (void *)TAG_SHUT, -1);
		gapi.server_destroy(p->server);
	}
	gapi.call_details_destroy(&p->details);
	gapi.metadata_array_destroy(&p->req_md);
	gapi.metadata_array_destroy(&p->init_md);
	gapi.metadata_array_destroy(&p->trail_md);
	gapi.completion_queue_shutdown(p->cq);
	gapi.completion_queue_destroy(p->cq);
	p->channel = NULL;
	p->server = NULL;
	p->cq = NULL;
	p->inited = 0;
	/* No grpc_shutdown(): the worker _exits right after, and gRPC's
	   shutdown waits up to 10 s for its I/O manager's last objects (a
	   channel's socket still closing), which held about every second rep
	   for the full 10 s, and a layers demo up to 35 s */
}

static void grpcm_destroy(struct mech *m)
{
	struct grpcm_priv *p = m->priv;

	if (!p)
		return;
	if (p->path[0])
		unlink(p->path);
	sockpair_close_all(&p->net);
	if (p->port)
		munmap((void *)p->port, sizeof(*p->port));
	free(p);
	m->priv = NULL;
}

static void grpcm_limits(struct mech_limits *lim)
{
	snprintf(lim->why, sizeof(lim->why), "gRPC's message limits are raised to the 64 MiB "
		 "ipcscope cap on both sides (its default receive limit is 4 MiB)");
}

const struct mech_ops mech_grpc = {
	.name = "grpc",
	.summary = "gRPC (C core) over HTTP/2: a unary call per round trip, or one "
		   "client stream of messages; raw byte payloads (no serializer), "
		   "insecure credentials, over a unix socket or 127.0.0.1; with tcp also "
		   "between two hosts.",
	.family = FAM_LIBRARY,
	.options = grpcm_options,
	.copies = "4 and HTTP/2 framing: into a gRPC byte buffer, through the kernel "
		  "socket (2 copies), out of the byte buffer",
	.cleanup = "a unix socket file in the run directory (removed by the parent) "
		   "or a 127.0.0.1 port the receiver's server closes (across hosts, "
		   "one tcp connection made before fork, closed by gRPC and the "
		   "parent); gRPC runs only inside the workers, started after fork",
	.limits = grpcm_limits,
	.create = grpcm_create,
	.open = grpcm_open,
	.send = grpcm_send,
	.recv = grpcm_recv,
	.close = grpcm_close,
	.destroy = grpcm_destroy,
	.cross_host = 1,
	.net_listen = grpcm_net_listen,
	.net_join = grpcm_net_join,
};
