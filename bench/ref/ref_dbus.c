/* ref_dbus.c -- a reference D-Bus method-call loop through a private dbus-daemon */
#include <dbus/dbus.h>
#include <fcntl.h>

#include "ref.h"

/*
 * usage: ref_dbus SIZE COUNT WARMUP CPU_CALLER CPU_SERVER
 * Starts dbus-daemon with a config of its own in a temp dir (the daemon
 * left to the scheduler, as ipcscope leaves it), then the server owns a
 * name and answers each call with the byte array it got; the caller makes
 * WARMUP + COUNT calls with dbus_connection_send_with_reply_and_block,
 * each of the COUNT timed with CLOCK_MONOTONIC.
 */

#define NAME "org.ipcscope.Ref"
#define REF_PATH "/org/ipcscope/Ref"
#define IFACE "org.ipcscope.Ref"

struct shared {
	volatile int named;
	uint64_t *rtt;                 /* COUNT round trips, shared */
};

static char dir[] = "/tmp/ref_dbus.XXXXXX";
static char address[512];

static pid_t start_daemon(void)
{
	char conf[300], arg[320];
	int ap[2];
	pid_t pid;
	FILE *f;
	ssize_t n;

	snprintf(conf, sizeof(conf), "%s/bus.conf", dir);
	if (!(f = fopen(conf, "w")))
		ref_die("bus.conf");
	fprintf(f, "<busconfig><type>ref</type><listen>unix:path=%s/bus</listen>"
		"<auth>EXTERNAL</auth><policy context=\"default\"><allow send_destination=\"*\"/>"
		"<allow own=\"*\"/><allow receive_sender=\"*\"/></policy></busconfig>\n", dir);
	fclose(f);
	snprintf(arg, sizeof(arg), "--config-file=%s", conf);
	if (pipe(ap) < 0 || (pid = fork()) < 0)
		ref_die("fork");
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		dup2(null, 1);
		dup2(null, 2);
		dup2(ap[1], 3);
		execlp("dbus-daemon", "dbus-daemon", arg, "--print-address=3", "--nofork",
		       "--nopidfile", "--nosyslog", (char *)NULL);
		_exit(127);
	}
	close(ap[1]);
	n = read(ap[0], address, sizeof(address) - 1);
	if (n <= 0)
		ref_die("dbus-daemon address");
	address[n] = '\0';
	address[strcspn(address, "\n")] = '\0';
	close(ap[0]);
	return pid;
}

static DBusConnection *connect_bus(void)
{
	DBusError e;
	DBusConnection *c;

	dbus_error_init(&e);
	c = dbus_connection_open_private(address, &e);
	if (!c || !dbus_bus_register(c, &e))
		ref_die("dbus connect");
	dbus_connection_set_max_message_size(c, DBUS_MAXIMUM_MESSAGE_LENGTH);
	return c;
}

static void server(struct shared *sh, uint64_t total)
{
	DBusConnection *c = connect_bus();
	DBusMessage *m, *r;
	DBusMessageIter it, sub;
	const unsigned char *p;
	int n;

	if (dbus_bus_request_name(c, NAME, DBUS_NAME_FLAG_DO_NOT_QUEUE, NULL) !=
	    DBUS_REQUEST_NAME_REPLY_PRIMARY_OWNER)
		ref_die("request name");
	sh->named = 1;
	for (uint64_t i = 0; i < total;) {
		if (!(m = dbus_connection_pop_message(c))) {
			if (!dbus_connection_read_write(c, -1))
				ref_die("bus gone");
			continue;
		}
		if (dbus_message_is_method_call(m, IFACE, "Echo")) {
			dbus_message_iter_init(m, &it);
			dbus_message_iter_recurse(&it, &sub);
			dbus_message_iter_get_fixed_array(&sub, &p, &n);
			r = dbus_message_new_method_return(m);
			dbus_message_append_args(r, DBUS_TYPE_ARRAY, DBUS_TYPE_BYTE, &p, n,
						 DBUS_TYPE_INVALID);
			dbus_connection_send(c, r, NULL);
			dbus_connection_flush(c);
			dbus_message_unref(r);
			i++;
		}
		dbus_message_unref(m);
	}
	dbus_connection_close(c);
}

static void caller(struct shared *sh, uint64_t size, uint64_t n, uint64_t warm)
{
	DBusConnection *c = connect_bus();
	unsigned char *buf = malloc(size);
	const unsigned char *p = buf;

	if (!buf)
		ref_die("malloc");
	memset(buf, 0x5a, size);
	while (!sh->named)
		usleep(100);
	for (uint64_t i = 0; i < warm + n; i++) {
		uint64_t a = ref_now_ns();
		DBusMessage *m = dbus_message_new_method_call(NAME, REF_PATH, IFACE, "Echo"), *r;

		dbus_message_append_args(m, DBUS_TYPE_ARRAY, DBUS_TYPE_BYTE, &p, (int)size,
					 DBUS_TYPE_INVALID);
		r = dbus_connection_send_with_reply_and_block(c, m, -1, NULL);
		if (!r)
			ref_die("call");
		dbus_message_unref(m);
		dbus_message_unref(r);
		if (i >= warm)
			sh->rtt[i - warm] = ref_now_ns() - a;
	}
	dbus_connection_close(c);
}

int main(int argc, char **argv)
{
	struct shared *sh;
	uint64_t size, n, warm;
	pid_t pd, ps, pc;
	char path[300];

	if (argc != 6) {
		fprintf(stderr, "usage: ref_dbus SIZE COUNT WARMUP CPU_CALLER CPU_SERVER\n");
		return 2;
	}
	size = ref_num(argv[1]);
	n = ref_num(argv[2]);
	warm = ref_num(argv[3]);
	if (!n || !mkdtemp(dir))
		return 2;
	sh = ref_shared(sizeof(*sh));
	sh->rtt = ref_shared(n * sizeof(*sh->rtt));
	pd = start_daemon();
	if ((ps = fork()) == 0) {
		ref_worker(atoi(argv[5]));
		server(sh, warm + n);
		_exit(0);
	}
	if ((pc = fork()) == 0) {
		ref_worker(atoi(argv[4]));
		caller(sh, size, n, warm);
		_exit(0);
	}
	if (ps < 0 || pc < 0)
		ref_die("fork");
	ref_reap(pc, ps);
	kill(pd, SIGTERM);
	waitpid(pd, NULL, 0);
	snprintf(path, sizeof(path), "%s/bus.conf", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/bus", dir);
	unlink(path);
	rmdir(dir);
	ref_rtt_line("dbus", size, sh->rtt, n);
	return 0;
}
