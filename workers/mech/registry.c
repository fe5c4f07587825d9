/* registry.c -- the table of every mechanism, in catalogue order */
#include <stdio.h>
#include <string.h>

#include "mech/mech.h"

extern const struct mech_ops mech_shm, mech_shm_ring, mech_mmap, mech_pipe, mech_splice, mech_fifo,
	mech_unix, mech_uring, mech_unix_dgram, mech_cma, mech_tcp, mech_tcp_zc, mech_udp, mech_posixmq, mech_sysvmq,
	mech_eventfd, mech_uring_msg, mech_signal, mech_signalfd, mech_threads, mech_zmq, mech_grpc, mech_dbus,
	mech_node, mech_mpi;

/* Adding a mechanism: its file in workers/mech/ and one line here. */
const struct mech_ops *const mech_registry[] = {
	&mech_shm,
	&mech_shm_ring,
	&mech_mmap,
	&mech_pipe,
	&mech_splice,
	&mech_fifo,
	&mech_unix,
	&mech_uring,
	&mech_unix_dgram,
	&mech_tcp,
	&mech_tcp_zc,
	&mech_udp,
	&mech_posixmq,
	&mech_sysvmq,
	&mech_cma,
	&mech_eventfd,
	&mech_uring_msg,
	&mech_signal,
	&mech_signalfd,
	&mech_threads,
	&mech_zmq,
	&mech_grpc,
	&mech_dbus,
	&mech_node,
	&mech_mpi,
	NULL,
};

const struct mech_ops *mech_find(const char *name)
{
	for (int i = 0; mech_registry[i]; i++)
		if (strcmp(mech_registry[i]->name, name) == 0)
			return mech_registry[i];
	return NULL;
}

void mech_granted_add(struct mech *m, const char *key, long long value)
{
	if (m->ngranted < MECH_MAX_GRANTED) {
		m->granted[m->ngranted].key = key;
		m->granted[m->ngranted].value = value;
		m->ngranted++;
	}
}

void mech_limits_of(const struct mech_ops *ops, struct mech_limits *lim)
{
	lim->min_size = 1;
	lim->max_size = MECH_SIZE_MAX_DEFAULT;
	strcpy(lim->why, "any size up to the 64 MiB ipcscope cap");
	if (ops->limits)
		ops->limits(lim);
}

const char *mech_family_name(enum mech_family f)
{
	static const char *const names[] = {
		[FAM_SHARED_MEMORY] = "shared-memory",
		[FAM_KERNEL_STREAM] = "kernel-stream",
		[FAM_KERNEL_MESSAGE] = "kernel-message",
		[FAM_NOTIFICATION] = "notification",
		[FAM_BASELINE] = "baseline",
		[FAM_LIBRARY] = "library",
	};
	return (unsigned)f < sizeof(names) / sizeof(names[0]) ? names[f] : "unknown";
}

int mech_option_count(const struct mech_ops *ops)
{
	int n = 0;

	while (ops->options && ops->options[n].name)
		n++;
	return n;
}

int mech_option_index(const struct mech_ops *ops, const char *name)
{
	for (int i = 0; ops->options && ops->options[i].name; i++)
		if (strcmp(ops->options[i].name, name) == 0)
			return i;
	return -1;
}

int mech_option_value(const struct mech_option *o, const char *v)
{
	for (int i = 0; o->values[i]; i++)
		if (strcmp(o->values[i], v) == 0)
			return i;
	return -1;
}

void mech_option_values_text(const struct mech_option *o, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (int i = 0; o->values[i] && used < len; i++) {
		const char *sep = i == 0 ? "" : o->values[i + 1] ? ", " : " or ";
		int n = snprintf(buf + used, len - used, "%s%s", sep, o->values[i]);

		if (n < 0)
			break;
		used += (size_t)n;
	}
}

const struct mech_option *mech_cross_host_blocker(const struct mech_ops *ops,
						  const int opt[MECH_MAX_OPTIONS])
{
	for (int i = 0; i < mech_option_count(ops) && i < MECH_MAX_OPTIONS; i++) {
		const struct mech_option *o = &ops->options[i];

		if (o->cross_host && strcmp(o->values[opt[i]], o->cross_host) != 0)
			return o;
	}
	return NULL;
}

void mech_cross_host_text(const struct mech_ops *ops, char *buf, size_t len)
{
	size_t used = (size_t)snprintf(buf, len, "%s", ops->name);
	int n = 0;

	for (int i = 0; ops->options && ops->options[i].name && used < len; i++)
		if (ops->options[i].cross_host)
			used += (size_t)snprintf(buf + used, len - used, "%s%s=%s", n++ ? ", " : " (",
						 ops->options[i].name, ops->options[i].cross_host);
	if (n && used < len)
		snprintf(buf + used, len - used, ")");
}
