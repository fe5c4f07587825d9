/* registry.c -- the table of every mechanism, in catalogue order */
#include <string.h>

#include "../mech.h"

/* Weak so the table links while a backend is being written; the registry
   test checks that every entry below is present in the build. */
#define MECH(x) extern const struct mech_ops x __attribute__((weak));
MECH(mech_shm) MECH(mech_shm_ring) MECH(mech_mmap) MECH(mech_pipe)
MECH(mech_fifo) MECH(mech_unix) MECH(mech_unix_dgram) MECH(mech_tcp)
MECH(mech_udp) MECH(mech_posixmq) MECH(mech_sysvmq) MECH(mech_eventfd)
MECH(mech_signal) MECH(mech_threads)
#undef MECH

static const struct mech_ops *const all[] = {
	&mech_shm, &mech_shm_ring, &mech_mmap, &mech_pipe, &mech_fifo,
	&mech_unix, &mech_unix_dgram, &mech_tcp, &mech_udp, &mech_posixmq,
	&mech_sysvmq, &mech_eventfd, &mech_signal, &mech_threads,
};

const struct mech_ops *mech_registry[sizeof(all) / sizeof(all[0]) + 1];

__attribute__((constructor)) static void registry_init(void)
{
	const struct mech_ops **r = mech_registry;
	size_t i, n = 0;

	for (i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		if (all[i])
			r[n++] = all[i];
	r[n] = NULL;
}

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
		"shared-memory", "kernel-stream", "kernel-message",
		"notification", "baseline",
	};
	return (unsigned)f < 5 ? names[f] : "unknown";
}

const char *shm_sync_name(enum shm_sync s)
{
	static const char *const names[] = { "spin", "sem", "mutex", "futex" };
	return (unsigned)s < 4 ? names[s] : "unknown";
}
