/* dbus.c -- D-Bus (libdbus-1) through a private dbus-daemon started once for the run */
#include <dbus/dbus.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>

#include "mech/mech.h"
#include "mech/dbus_load.h"
#include "mech/io.h"
#include "mech/spawn.h"

#define DBUS_NAME "org.ipcscope.Receiver"
#define DBUS_PATH "/org/ipcscope/Bench"
#define DBUS_IFACE "org.ipcscope.Bench"
#define DBUS_MEMBER "Msg"          /* the signal (stream) and the method (round trip) */
#define DBUS_CREDIT "Credit"       /* receiver to sender: messages taken so far */
#define DBUS_START_MS 5000         /* the daemon prints its address within this */
#define DBUS_STOP_GRACE_MS 1000
#define DBUS_QUEUE_LIMIT 1000000000LL  /* max_incoming/outgoing_bytes of the bus */
#define DBUS_WINDOW_BYTES ((size_t)4 << 20) /* a credit every this many bytes */
#define DBUS_WINDOW_MAX 256        /* ... or messages, whichever comes first */
#define DBUS_ADDR_MAX 512
#define DBUS_SETTLE_MS 5000        /* the bus answers a round trip within this */

struct dbus_priv {
	pid_t daemon;
	char name[64];                 /* the receiver's name on the bus, this rep's */
	char conf[4096], sock[4096];
	char address[DBUS_ADDR_MAX];
	DBusConnection *conn;          /* this worker's, from open() */
	DBusMessage *call;             /* receiver: the call to answer next */
	char peer[DBUS_ADDR_MAX];      /* receiver: where credits go */
	uint64_t window;               /* messages a credit stands for */
	uint64_t sent, taken, credit;  /* stream flow control */
};

/* The config of the private bus: one socket in the run directory, no
   activation, anyone on it may talk to anyone, queues big enough that the
   credit window, not the daemon, bounds what is in flight. */
static int dbus_write_conf(struct dbus_priv *p)
{
	char *addr = dapi.address_escape_value(p->sock);
	FILE *f;
	int ok;

	if (!addr)
		return -ENOMEM;
	if (!(f = fopen(p->conf, "wex"))) {
		dapi.free(addr);
		return -errno;
	}
	fprintf(f, "<!DOCTYPE busconfig PUBLIC \"-//freedesktop//DTD D-BUS Bus "
		"Configuration 1.0//EN\"\n \"http://www.freedesktop.org/standards/"
		"dbus/1.0/busconfig.dtd\">\n<busconfig>\n  <type>ipcscope</type>\n"
		"  <listen>unix:path=%s</listen>\n  <auth>EXTERNAL</auth>\n"
		"  <policy context=\"default\">\n    <allow send_destination=\"*\"/>\n"
		"    <allow own=\"*\"/>\n    <allow receive_sender=\"*\"/>\n  </policy>\n"
		"  <limit name=\"max_message_size\">%d</limit>\n"
		"  <limit name=\"max_incoming_bytes\">%lld</limit>\n"
		"  <limit name=\"max_outgoing_bytes\">%lld</limit>\n</busconfig>\n",
		addr, DBUS_MAXIMUM_MESSAGE_LENGTH, DBUS_QUEUE_LIMIT, DBUS_QUEUE_LIMIT);
	dapi.free(addr);
	ok = !ferror(f);
	return fclose(f) == 0 && ok ? 0 : -EIO;
}

/* dbus_paths: config and socket in the run directory; XML-unsafe
   characters in the directory are refused rather than escaped */
static int dbus_paths(struct mech *m, struct dbus_priv *p)
{
	if (strpbrk(m->tmpdir, "<>&\"'"))
		return -EINVAL;
	if ((size_t)snprintf(p->conf, sizeof(p->conf), "%s/%s-bus.conf", m->tmpdir,
			     m->tag) >= sizeof(p->conf) ||
	    (size_t)snprintf(p->sock, sizeof(p->sock), "%s/%s-bus", m->tmpdir,
			     m->tag) >= 108)
		return -ENAMETOOLONG;
	return 0;
}

/* dbus_start_daemon: the bus, its address read from the pipe it prints on */
static int dbus_start_daemon(struct dbus_priv *p, const char *dir)
{
	char conf_arg[4200];
	char *argv[] = { "dbus-daemon", conf_arg, "--print-address=3", "--nofork",
			 "--nopidfile", "--nosyslog", NULL };
	struct spawn_fds fds = { .nkeep = 1 };
	int ap[2], n;

	snprintf(conf_arg, sizeof(conf_arg), "--config-file=%s", p->conf);
	if (pipe2(ap, O_CLOEXEC) < 0)
		return -errno;
	fds.keep[0] = ap[1];
	p->daemon = spawn_helper(argv, &fds, dir);
	close(ap[1]);
	if (p->daemon < 0) {
		n = p->daemon;
		p->daemon = 0;
		close(ap[0]);
		return n;
	}
	n = spawn_read_line(ap[0], p->address, sizeof(p->address), DBUS_START_MS);
	close(ap[0]);
	return n > 0 ? 0 : n == 0 ? -EPROTO : n;
}

static uint64_t dbus_window(size_t size)
{
	size_t w = DBUS_WINDOW_BYTES / (size ? size : 1);

	return w < 1 ? 1 : w > DBUS_WINDOW_MAX ? DBUS_WINDOW_MAX : w;
}

/* The bus of the run: started by the run's process at the first rep and
   kept for the next ones (a daemon start costs more than a short rep); a
   new run directory, or a rep that did not end cleanly, starts a new one.
   Each rep's receiver takes a name of its own on it, so a name the last
   rep's receiver held until the daemon saw it go is never in the way. */
static struct {
	pid_t owner;                   /* the process that started it */
	pid_t daemon;
	unsigned reps;                 /* reps it carried: the next receiver's name */
	char dir[4096], conf[4096], sock[4096];
	char address[DBUS_ADDR_MAX];
} bus;

/* bus_stop: the run's bus, its config and socket */
static void bus_stop(void)
{
	if (bus.owner != getpid())
		return;
	spawn_stop(bus.daemon, DBUS_STOP_GRACE_MS, bus.dir);
	if (bus.conf[0])
		unlink(bus.conf);
	if (bus.sock[0])
		unlink(bus.sock);
	memset(&bus, 0, sizeof(bus));
}

static void bus_stop_at_exit(void)
{
	bus_stop();
}

/* bus_start: a new bus for the run in m's run directory; 0 or -errno */
static int bus_start(struct mech *m, struct dbus_priv *p)
{
	static int registered;
	int rc;

	bus_stop();
	if (!registered && atexit(bus_stop_at_exit) == 0)
		registered = 1;
	if ((rc = dbus_paths(m, p)) < 0)
		return rc;
	bus.owner = getpid();
	snprintf(bus.dir, sizeof(bus.dir), "%s", m->tmpdir);
	snprintf(bus.conf, sizeof(bus.conf), "%s", p->conf);
	if ((rc = dbus_write_conf(p)) < 0)
		return rc;
	snprintf(bus.sock, sizeof(bus.sock), "%s", p->sock);
	rc = dbus_start_daemon(p, m->tmpdir);
	bus.daemon = p->daemon;
	snprintf(bus.address, sizeof(bus.address), "%s", p->address);
	return rc;
}

static int dbus_create(struct mech *m)
{
	struct dbus_priv *p = calloc(1, sizeof(*p));
	int rc;

	if (!p)
		return -ENOMEM;
	m->priv = p;
	p->window = dbus_window(m->msg_size);
	if ((rc = dapi_load()) < 0)
		return rc;
	/* a daemon that exited is reaped here, and forgotten: never signalled */
	if (bus.owner == getpid() && bus.daemon > 0 && waitpid(bus.daemon, NULL, WNOHANG) != 0)
		bus.daemon = 0;
	if ((bus.owner != getpid() || bus.daemon <= 0 || strcmp(bus.dir, m->tmpdir) != 0) &&
	    (rc = bus_start(m, p)) < 0) {
		bus_stop();
		return rc;
	}
	p->daemon = bus.daemon;
	snprintf(p->address, sizeof(p->address), "%s", bus.address);
	snprintf(p->name, sizeof(p->name), "%s.n%u", DBUS_NAME, ++bus.reps);
	m->broker_pid = bus.daemon;
	m->kept[0] = bus.daemon;
	mech_granted_add(m, "bus_max_message_bytes", DBUS_MAXIMUM_MESSAGE_LENGTH);
	mech_granted_add(m, "bus_queue_bytes", DBUS_QUEUE_LIMIT);
	mech_granted_add(m, "credit_window_msgs", (long long)p->window);
	return 0;
}

/* dbus_call_ok: runs a bus call that must succeed; 0 or -EPROTO */
static int dbus_check(DBusError *e)
{
	if (!dapi.error_is_set(e))
		return 0;
	dapi.error_free(e);
	return -EPROTO;
}

/* The receiver owns the name the round trips go to and listens to the
   stream's signals; both are in place before the barrier's "go". */
static int dbus_receiver_setup(DBusConnection *c, const char *name)
{
	DBusError e;
	int r;

	dapi.error_init(&e);
	r = dapi.bus_request_name(c, name, DBUS_NAME_FLAG_DO_NOT_QUEUE, &e);
	if (dbus_check(&e) < 0 || r != DBUS_REQUEST_NAME_REPLY_PRIMARY_OWNER)
		return -EADDRINUSE;
	dapi.bus_add_match(c, "type='signal',interface='" DBUS_IFACE "',member='"
			   DBUS_MEMBER "'", &e);
	return dbus_check(&e);
}

static int dbus_open(struct mech *m, enum mech_role role)
{
	struct dbus_priv *p = m->priv;
	DBusError e;

	p->daemon = 0;   /* the parent's to stop */
	dapi.error_init(&e);
	p->conn = dapi.connection_open_private(p->address, &e);
	if (!p->conn || dbus_check(&e) < 0)
		return -ECONNREFUSED;
	dapi.connection_set_exit_on_disconnect(p->conn, FALSE);
	dapi.connection_set_max_message_size(p->conn, DBUS_MAXIMUM_MESSAGE_LENGTH);
	dapi.connection_set_max_received_size(p->conn, DBUS_QUEUE_LIMIT);
	if (!dapi.bus_register(p->conn, &e) || dbus_check(&e) < 0)
		return -EPROTO;
	return role == ROLE_RECEIVER ? dbus_receiver_setup(p->conn, p->name) : 0;
}

static uint64_t ms_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* dbus_next: the next message of ours (a call, a signal, a reply or a
   credit; the bus's own notices are dropped) into *out; 0, -ETIMEDOUT
   after timeout_ms, or -EPIPE when the bus went away */
static int dbus_next(struct mech *m, DBusMessage **out)
{
	struct dbus_priv *p = m->priv;
	int t = m->timeout_ms > 0 ? m->timeout_ms : -1;
	uint64_t end = ms_now() + (uint64_t)(t > 0 ? t : 0);

	for (;;) {
		DBusMessage *msg = dapi.connection_pop_message(p->conn);

		if (msg && (dapi.message_has_interface(msg, DBUS_IFACE) ||
			    dapi.message_get_type(msg) == DBUS_MESSAGE_TYPE_METHOD_RETURN ||
			    dapi.message_get_type(msg) == DBUS_MESSAGE_TYPE_ERROR)) {
			*out = msg;
			return 0;
		}
		if (msg) {
			dapi.message_unref(msg);
			continue;
		}
		if (t > 0 && ms_now() >= end)
			return -ETIMEDOUT;
		if (!dapi.connection_read_write(p->conn, t > 0 ? (int)(end - ms_now()) : -1))
			return -EPIPE;
	}
}

/* dbus_payload: the byte array a message carries into buf; 0 or -EPROTO */
static int dbus_payload(DBusMessage *msg, void *buf, size_t len)
{
	DBusMessageIter it, sub;
	const unsigned char *bytes;
	int n = 0;

	if (!dapi.message_iter_init(msg, &it) ||
	    dapi.message_iter_get_arg_type(&it) != DBUS_TYPE_ARRAY ||
	    dapi.message_iter_get_element_type(&it) != DBUS_TYPE_BYTE)
		return -EPROTO;
	dapi.message_iter_recurse(&it, &sub);
	dapi.message_iter_get_fixed_array(&sub, &bytes, &n);
	if ((size_t)n != len)
		return -EPROTO;
	memcpy(buf, bytes, len);
	return 0;
}

/* dbus_post: appends the payload, queues and flushes msg (consumed) */
static int dbus_post(struct dbus_priv *p, DBusMessage *msg, const void *buf, size_t len)
{
	const unsigned char *bytes = buf;
	int ok;

	if (!msg)
		return -ENOMEM;
	ok = dapi_append_args(msg, DBUS_TYPE_ARRAY, DBUS_TYPE_BYTE, &bytes,
				      (int)len, DBUS_TYPE_INVALID) &&
	     dapi.connection_send(p->conn, msg, NULL);
	dapi.message_unref(msg);
	if (!ok)
		return -ENOMEM;
	dapi.connection_flush(p->conn);
	return dapi.connection_get_is_connected(p->conn) ? 0 : -EPIPE;
}

/* dbus_wait_credit: the stream sender keeps at most two windows in
   flight, since the bus drops what overflows a receiver's queue */
static int dbus_wait_credit(struct mech *m)
{
	struct dbus_priv *p = m->priv;
	dbus_uint64_t got;
	DBusMessage *msg;
	int rc;

	while (p->sent - p->credit >= 2 * p->window) {
		/* a timeout only means a slow receiver: its credit will come,
		   and the harness ends a rep whose receiver died */
		if ((rc = dbus_next(m, &msg)) == -ETIMEDOUT)
			continue;
		if (rc < 0)
			return rc;
		if (dapi.message_is_signal(msg, DBUS_IFACE, DBUS_CREDIT) &&
		    dapi_get_args(msg, NULL, DBUS_TYPE_UINT64, &got, DBUS_TYPE_INVALID) &&
		    got > p->credit)
			p->credit = got;
		dapi.message_unref(msg);
	}
	return 0;
}

static int dbus_mech_send(struct mech *m, const void *buf, size_t len)
{
	struct dbus_priv *p = m->priv;
	DBusMessage *msg;
	int rc;

	if (m->role == ROLE_RECEIVER) {   /* the reply to the call just taken */
		if (!p->call)
			return -EPROTO;
		msg = dapi.message_new_method_return(p->call);
		dapi.message_unref(p->call);
		p->call = NULL;
		return dbus_post(p, msg, buf, len);
	}
	if (m->mode == MODE_LATENCY)
		return dbus_post(p, dapi.message_new_method_call(p->name, DBUS_PATH,
								 DBUS_IFACE, DBUS_MEMBER),
				 buf, len);
	if ((rc = dbus_wait_credit(m)) < 0)
		return rc;
	p->sent++;
	return dbus_post(p, dapi.message_new_signal(DBUS_PATH, DBUS_IFACE, DBUS_MEMBER),
			 buf, len);
}

/* dbus_give_credit: tells the stream sender how many messages were taken */
static int dbus_give_credit(struct dbus_priv *p)
{
	dbus_uint64_t n = p->taken;
	DBusMessage *msg = dapi.message_new_signal(DBUS_PATH, DBUS_IFACE, DBUS_CREDIT);
	int ok;

	if (!msg)
		return -ENOMEM;
	ok = dapi.message_set_destination(msg, p->peer) &&
	     dapi_append_args(msg, DBUS_TYPE_UINT64, &n, DBUS_TYPE_INVALID) &&
	     dapi.connection_send(p->conn, msg, NULL);
	dapi.message_unref(msg);
	if (!ok)
		return -ENOMEM;
	dapi.connection_flush(p->conn);
	return 0;
}

/* dbus_take: a received message the role expects: its payload into buf */
static int dbus_take(struct mech *m, DBusMessage *msg, void *buf, size_t len)
{
	struct dbus_priv *p = m->priv;
	int type = dapi.message_get_type(msg), rc;

	if (m->role == ROLE_SENDER)
		return type == DBUS_MESSAGE_TYPE_METHOD_RETURN ? dbus_payload(msg, buf, len)
							       : -EPROTO;
	if (m->mode == MODE_LATENCY) {
		if (type != DBUS_MESSAGE_TYPE_METHOD_CALL)
			return -EPROTO;
		p->call = dapi.message_ref(msg);
		return dbus_payload(msg, buf, len);
	}
	if (!dapi.message_is_signal(msg, DBUS_IFACE, DBUS_MEMBER))
		return -EPROTO;
	if (!p->peer[0])
		snprintf(p->peer, sizeof(p->peer), "%s", dapi.message_get_sender(msg));
	if ((rc = dbus_payload(msg, buf, len)) < 0)
		return rc;
	return ++p->taken % p->window == 0 ? dbus_give_credit(p) : 0;
}

static int dbus_mech_recv(struct mech *m, void *buf, size_t len)
{
	DBusMessage *msg;
	int rc;

	do {
		if ((rc = dbus_next(m, &msg)) < 0)
			return rc;
		/* a credit the sender did not wait for is skipped */
		if (dapi.message_is_signal(msg, DBUS_IFACE, DBUS_CREDIT)) {
			dapi.message_unref(msg);
			continue;
		}
		if (dapi.message_get_type(msg) == DBUS_MESSAGE_TYPE_ERROR)
			rc = -EPIPE;   /* the bus answered instead of the peer */
		else
			rc = dbus_take(m, msg, buf, len);
		dapi.message_unref(msg);
		return rc;
	} while (1);
}

/* dbus_settle: a round trip to the daemon before hanging up. The daemon
   takes a connection's messages in order, so its answer means all we sent
   was routed. A stream sender that hung up straight after its last signal
   lost the last few (a few runs in 100 at 64 B: the receiver had 291 of
   300, in order, and waited for the rest for ever). */
static void dbus_settle(struct dbus_priv *p)
{
	DBusMessage *call, *reply;
	DBusError e;

	if (!dapi.connection_get_is_connected(p->conn))
		return;
	call = dapi.message_new_method_call(DBUS_SERVICE_DBUS, DBUS_PATH_DBUS,
					    DBUS_INTERFACE_DBUS, "GetId");
	if (!call)
		return;
	dapi.error_init(&e);
	reply = dapi.connection_send_with_reply_and_block(p->conn, call, DBUS_SETTLE_MS, &e);
	dapi.message_unref(call);
	if (reply)
		dapi.message_unref(reply);
	if (dapi.error_is_set(&e))
		dapi.error_free(&e);
}

static void dbus_mech_close(struct mech *m)
{
	struct dbus_priv *p = m->priv;

	if (p->call)
		dapi.message_unref(p->call);
	p->call = NULL;
	if (p->conn) {
		dbus_settle(p);
		dapi.connection_flush(p->conn);
		dapi.connection_close(p->conn);
		dapi.connection_unref(p->conn);
		p->conn = NULL;
	}
}

static void dbus_destroy(struct mech *m)
{
	struct dbus_priv *p = m->priv;

	if (!p)
		return;
	/* a rep that did not end cleanly may leave messages in the bus: the
	   next rep gets a new one */
	if (!m->rep_ok)
		bus_stop();
	m->broker_pid = 0;
	free(p);
	m->priv = NULL;
}

static void dbus_limits(struct mech_limits *lim)
{
	lim->max_size = DBUS_MAXIMUM_ARRAY_LENGTH < MECH_SIZE_MAX_DEFAULT ?
			DBUS_MAXIMUM_ARRAY_LENGTH : MECH_SIZE_MAX_DEFAULT;
	snprintf(lim->why, sizeof(lim->why), "a D-Bus byte array holds at most %d bytes "
		 "(DBUS_MAXIMUM_ARRAY_LENGTH), a message %d", DBUS_MAXIMUM_ARRAY_LENGTH,
		 DBUS_MAXIMUM_MESSAGE_LENGTH);
}

const struct mech_ops mech_dbus = {
	.name = "dbus",
	.summary = "D-Bus (libdbus-1) through a private dbus-daemon started once for "
		   "the run: a stream of signals the bus routes to the receiver (with a "
		   "credit back every few MiB), or method calls and their replies; "
		   "the daemon's CPU time is shown as the broker's.",
	.family = FAM_LIBRARY,
	.copies = "6 and two extra context switches: into a D-Bus message, through "
		  "the kernel to the daemon (2), out through the kernel (2), out of "
		  "the message",
	.cleanup = "a dbus-daemon with its config and socket in the run directory, "
		   "kept from rep to rep and stopped by the run at its end (or after a "
		   "rep that did not end cleanly); it dies with the run "
		   "(parent-death signal) and a killed run's is stopped by the "
		   "start-up sweep (its pid is recorded in the run directory)",
	.limits = dbus_limits,
	.create = dbus_create,
	.open = dbus_open,
	.send = dbus_mech_send,
	.recv = dbus_mech_recv,
	.close = dbus_mech_close,
	.destroy = dbus_destroy,
	.finish = bus_stop,
};
