/* test_mech_registry.c -- the mechanism registry and catalogue, and the shared-memory family's timeouts and half-done creates */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "params/params.h"
#include "mech/mech.h"
#include "mech_check.h"
#include "mech/cma.h"
#include "mech/uring.h"
#include "probe/sysinfo.h"

/* ---- catalogue and registry ---- */

static void test_catalogue(void **state)
{
	const struct mech_ops *ops = *state;
	struct mech m;

	assert_non_null(ops->name);
	assert_ptr_equal(mech_find(ops->name), ops);
	assert_non_null(ops->summary);
	assert_true(strlen(ops->summary) > 20);
	assert_non_null(ops->copies);
	assert_true(strlen(ops->copies) > 0);
	assert_non_null(ops->cleanup);
	assert_true(strlen(ops->cleanup) > 0);
	assert_string_not_equal(mech_family_name(ops->family), "unknown");
	if (ops->run_rep) {
		/* its reps run elsewhere (mpi: ranks under mpirun); nothing to drive */
		assert_null(ops->create);
		assert_null(ops->send);
		return;
	}
	assert_non_null(ops->create);
	assert_non_null(ops->open);
	assert_true(ops->run || (ops->send && ops->recv));
	assert_non_null(ops->destroy);
	/* destroy before any create (priv still NULL) must be harmless */
	memset(&m, 0, sizeof(m));
	m.ops = ops;
	ops->destroy(&m);
}

/* test_registry_complete: the table is what the catalogue lists: unique
   names, each found, options well formed and not named like a param */
static void test_registry_complete(void **state)
{
	int n = 0;

	(void)state;
	for (; mech_registry[n]; n++) {
		const struct mech_ops *ops = mech_registry[n];

		assert_ptr_equal(mech_find(ops->name), ops);
		assert_true(strlen(ops->name) < MECH_NAME_MAX);
		assert_true(mech_option_count(ops) <= MECH_MAX_OPTIONS);
		/* crossing hosts: both hooks, and a value it needs is one it has */
		assert_true(!ops->cross_host || (ops->net_listen && ops->net_join));
		for (int k = 0; k < mech_option_count(ops); k++) {
			const struct mech_option *o = &ops->options[k];

			assert_true(strlen(o->name) < PARAMS_OPTION_NAME_MAX);
			assert_non_null(o->help);
			assert_non_null(o->values[0]);
			assert_int_equal(mech_option_index(ops, o->name), k);
			assert_true(!o->cross_host ||
				    (ops->cross_host && mech_option_value(o, o->cross_host) >= 0));
			for (int id = 0; id < P__COUNT; id++)
				assert_string_not_equal(o->name, params_name(id));
			for (int v = 0; o->values[v]; v++) {
				assert_true(strlen(o->values[v]) < PARAMS_OPTION_VALUE_MAX);
				assert_int_equal(mech_option_value(o, o->values[v]), v);
			}
		}
	}
	assert_true(n > 0);
	print_message("# %d mechanisms in the registry\n", n);
}

/* ---- timeouts of the shared-memory family: a wait never spins forever ---- */

static void check_recv_times_out(const char *name, int var)
{
	const struct mech_ops *ops = mech_find(name);
	char tag[MECH_NAME_MAX], buf[64], what[64];
	struct mech m;
	struct timespec t0, t1;

	if (!ops) {
		print_message("# %s not built, skipped\n", name);
		return;
	}
	snprintf(tag, sizeof(tag), "ipcscope-%d-%d", (int)getpid(), ++case_no);
	memset(&m, 0, sizeof(m));
	m.ops = ops;
	m.msg_size = sizeof(buf);
	m.mode = MODE_LATENCY;
	assert_int_equal(variant(ops, var, m.opt, what, sizeof(what)), 0);
	m.timeout_ms = 10;   /* a send waits SPIN_SEND_TIMEOUT_FACTOR times longer */
	m.tmpdir = test_root;
	m.tag = tag;
	assert_int_equal(ops->create(&m), 0);
	m.role = ROLE_RECEIVER;
	assert_int_equal(ops->open(&m, ROLE_RECEIVER), 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(ops->recv(&m, buf, sizeof(buf)), -ETIMEDOUT);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	/* the receiver may send its one echo slot, the next one must wait */
	memset(buf, 0, sizeof(buf));
	assert_int_equal(ops->send(&m, buf, sizeof(buf)), 0);
	if (strcmp(name, "shm") == 0 || strcmp(name, "mmap") == 0)
		assert_int_equal(ops->send(&m, buf, sizeof(buf)), -ETIMEDOUT);
	if (ops->close)
		ops->close(&m);
	ops->destroy(&m);
	assert_true(t1.tv_sec - t0.tv_sec < 5);
	assert_int_equal(count_prefixed("/dev/shm", tag), 0);
	assert_int_equal(count_prefixed(test_root, ""), 0);
}

static void test_shared_memory_timeouts(void **state)
{
	(void)state;
	for (int v = 0; v < 4; v++)     /* shm: each of its four syncs */
		check_recv_times_out("shm", v);
	check_recv_times_out("mmap", 0);
	check_recv_times_out("shm-ring", 0);
	check_recv_times_out("threads", 0);
}

/* ---- a create that fails half-way is undone by destroy ---- */

/* check_create_fails: create() of name with tmpdir dir must fail with want,
   and destroy() afterwards must be harmless */
static void check_create_fails(const char *name, const char *tag, const char *dir,
			       int want)
{
	const struct mech_ops *ops = mech_find(name);
	struct mech m;

	if (!ops)
		return;
	memset(&m, 0, sizeof(m));
	m.ops = ops;
	m.msg_size = 64;
	m.mode = MODE_LATENCY;
	m.opt[0] = mech_option_count(ops) ? 1 : 0;   /* shm: sync=sem */
	m.timeout_ms = 100;
	m.tmpdir = dir;
	m.tag = tag;
	assert_int_equal(ops->create(&m), want);
	ops->destroy(&m);
	assert_null(m.priv);
}

static void test_shared_memory_failed_create(void **state)
{
	char tag[MECH_NAME_MAX], name[MECH_NAME_MAX + 16];
	const char *suffix[] = { "shm", "ring" }, *mech[] = { "shm", "shm-ring" };
	char missing[300];
	int fd;

	(void)state;
	snprintf(tag, sizeof(tag), "ipcscope-%d-%d", (int)getpid(), ++case_no);
	for (int i = 0; i < 2; i++) {
		/* someone else's object under our name: refuse it, leave it alone */
		snprintf(name, sizeof(name), "/%s-%s", tag, suffix[i]);
		fd = shm_open(name, O_RDWR | O_CREAT | O_EXCL, 0600);
		assert_true(fd >= 0);
		close(fd);
		check_create_fails(mech[i], tag, test_root, -EEXIST);
		assert_int_equal(count_prefixed("/dev/shm", tag), 1);
		assert_int_equal(shm_unlink(name), 0);
	}
	snprintf(missing, sizeof(missing), "%s/missing", test_root);
	check_create_fails("mmap", tag, missing, -ENOENT);
}

/* ---- cma: refused, with the sysctl named, where Yama forbids it ---- */

static void test_cma_forbidden(void **state)
{
	char why[160];

	(void)state;
	assert_int_equal(cma_forbidden(-1, 0, 0, why, sizeof(why)), 0);   /* no Yama */
	assert_int_equal(cma_forbidden(0, 0, 0, why, sizeof(why)), 0);
	assert_int_equal(cma_forbidden(1, 0, 0, why, sizeof(why)), 0);    /* PR_SET_PTRACER */
	assert_int_equal(cma_forbidden(2, 1, 0, why, sizeof(why)), 0);
	assert_int_equal(cma_forbidden(2, 0, 0, why, sizeof(why)), 1);
	assert_non_null(strstr(why, "kernel.yama.ptrace_scope is 2"));
	assert_non_null(strstr(why, "CAP_SYS_PTRACE"));
	assert_int_equal(cma_forbidden(3, 1, 0, why, sizeof(why)), 1);
	assert_non_null(strstr(why, "kernel.yama.ptrace_scope is 3"));
	assert_int_equal(cma_forbidden(0, 0, ENOSYS, why, sizeof(why)), 1);
	assert_non_null(strstr(why, "CONFIG_CROSS_MEMORY_ATTACH"));
	assert_int_equal(cma_forbidden(1, 0, EPERM, why, sizeof(why)), 1);
	assert_non_null(strstr(why, "process_vm_readv failed"));
}

/* ---- io_uring: refused, with the sysctl or the missing piece named ---- */

static void test_uring_forbidden(void **state)
{
	char why[160];

	(void)state;
	assert_int_equal(uring_forbidden(0, 0, 0, "IORING_OP_MSG_RING", why, sizeof(why)), 0);
	assert_int_equal(uring_forbidden(-1, 0, 0, "IORING_OP_MSG_RING", why, sizeof(why)), 0);
	assert_int_equal(uring_forbidden(2, 0, 0, "IORING_OP_MSG_RING", why, sizeof(why)), 1);
	assert_non_null(strstr(why, "kernel.io_uring_disabled is 2"));
	assert_int_equal(uring_forbidden(1, EPERM, 0, "IORING_OP_SEND", why, sizeof(why)), 1);
	assert_non_null(strstr(why, "kernel.io_uring_group"));
	assert_int_equal(uring_forbidden(0, ENOSYS, 0, "IORING_OP_SEND", why, sizeof(why)), 1);
	assert_non_null(strstr(why, "CONFIG_IO_URING"));
	assert_int_equal(uring_forbidden(0, EPERM, 0, "IORING_OP_SEND", why, sizeof(why)), 1);
	assert_non_null(strstr(why, "seccomp"));
	assert_int_equal(uring_forbidden(0, 0, 1, "IORING_OP_MSG_RING", why, sizeof(why)), 1);
	assert_non_null(strstr(why, "lacks IORING_OP_MSG_RING"));
	/* and here, where io_uring is on, the probe finds both opcodes */
	if (sysinfo_read_long("/proc/sys/kernel/io_uring_disabled") == 0) {
		assert_int_equal(uring_unavailable(IORING_OP_MSG_RING, "MSG_RING", why,
						   sizeof(why)), 0);
		assert_int_equal(uring_unavailable(IORING_OP_RECV, "RECV", why, sizeof(why)), 0);
	}
	/* an opcode past any kernel's table is missing */
	assert_int_equal(uring_unavailable(255, "opcode 255", why, sizeof(why)), 1);
}

int main(void)
{
	static struct CMUnitTest tests[5 + MAX_MECHS];
	static char names[MAX_MECHS][MECH_NAME_MAX + 16];
	int n = 0;

	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_registry_complete);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_shared_memory_timeouts);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_shared_memory_failed_create);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_cma_forbidden);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_uring_forbidden);
	for (int i = 0; mech_registry[i] && i < MAX_MECHS; i++) {
		snprintf(names[i], sizeof(names[i]), "catalogue_%s", mech_registry[i]->name);
		tests[n++] = (struct CMUnitTest){ names[i], test_catalogue, NULL, NULL,
						  (void *)mech_registry[i] };
	}
	return _cmocka_run_group_tests("mech_registry", tests, (size_t)n, root_setup,
				       root_teardown);
}
