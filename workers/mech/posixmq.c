/* posixmq.c -- POSIX message queues, one per direction, unlinked as soon as they are open */
#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "mech/mech.h"
#include "mech/io.h"

#define MQ_MSGSIZE_MAX "/proc/sys/fs/mqueue/msgsize_max"
#define MQ_MSG_MAX "/proc/sys/fs/mqueue/msg_max"
/* queue depth asked for: enough to stream, within the usual default */
#define POSIXMQ_DEPTH 10

struct posixmq_priv {
	mqd_t fwd;    /* sender -> receiver */
	mqd_t back;   /* receiver -> sender (latency mode) */
	mqd_t out, in;   /* this worker's send and receive queues */
};

static void posixmq_limits(struct mech_limits *lim)
{
	long long max = sysinfo_read_long(MQ_MSGSIZE_MAX);

	lim->min_size = 1;
	lim->max_size = max > 0 ? (size_t)max : 0;
	snprintf(lim->why, sizeof(lim->why),
		 "one message must fit %s (%lld bytes on this machine)",
		 MQ_MSGSIZE_MAX, max);
}

/*
 * posixmq_make: creates the queue /<tag>-<dir> (never an existing one),
 * opens it read-write for both workers to inherit, and removes the name
 * at once: from then on only open descriptors keep the queue alive, so a
 * killed run cannot leave it behind. The descriptor or -errno.
 */
static mqd_t posixmq_make(const struct mech *m, const char *dir, long depth)
{
	struct mq_attr attr = { .mq_maxmsg = depth, .mq_msgsize = (long)m->msg_size };
	char name[MECH_NAME_MAX + 16];
	mqd_t q;
	int n = snprintf(name, sizeof(name), "/%s-%s", m->tag, dir);

	if (n < 0 || (size_t)n >= sizeof(name))
		return -ENAMETOOLONG;
	q = mq_open(name, O_RDWR | O_CREAT | O_EXCL, 0600, &attr);
	if (q == (mqd_t)-1)
		return -errno;
	if (mq_unlink(name) < 0) {
		int err = -errno;
		mq_close(q);
		return err;
	}
	return q;
}

/* posixmq_depth: the queue depth to ask for: POSIXMQ_DEPTH within msg_max */
static long posixmq_depth(void)
{
	long long max = sysinfo_read_long(MQ_MSG_MAX);

	return max > 0 && max < POSIXMQ_DEPTH ? (long)max : POSIXMQ_DEPTH;
}

static int posixmq_create(struct mech *m)
{
	struct posixmq_priv *p = calloc(1, sizeof(*p));
	long long max = sysinfo_read_long(MQ_MSGSIZE_MAX);
	struct mq_attr got;
	long depth = posixmq_depth();

	if (!p)
		return -ENOMEM;
	p->fwd = p->back = p->out = p->in = (mqd_t)-1;
	m->priv = p;
	if (!m->tag)
		return -EINVAL;
	/* root could go past msgsize_max; the catalogue promises it cannot */
	if (max > 0 && m->msg_size > (size_t)max)
		return -EMSGSIZE;
	p->fwd = posixmq_make(m, "fwd", depth);
	if (p->fwd < 0)
		return p->fwd;
	p->back = posixmq_make(m, "back", depth);
	if (p->back < 0)
		return p->back;
	if (mq_getattr(p->fwd, &got) < 0)
		return -errno;
	mech_granted_add(m, "mq_msgsize", got.mq_msgsize);
	mech_granted_add(m, "mq_maxmsg", got.mq_maxmsg);
	return 0;
}

static int posixmq_open(struct mech *m, enum mech_role role)
{
	struct posixmq_priv *p = m->priv;

	p->out = role == ROLE_SENDER ? p->fwd : p->back;
	p->in = role == ROLE_SENDER ? p->back : p->fwd;
	return 0;
}

/* posixmq_deadline: CLOCK_REALTIME (what mq_timed* use) plus ms, or NULL
   for no timeout when ms <= 0 */
static const struct timespec *posixmq_deadline(struct timespec *ts, int ms)
{
	if (ms <= 0)
		return NULL;
	clock_gettime(CLOCK_REALTIME, ts);
	ts->tv_sec += ms / 1000;
	ts->tv_nsec += (long)(ms % 1000) * 1000000L;
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000L;
	}
	return ts;
}

/* a full queue makes the sender wait, untimed: the harness ends a rep
   whose receiver is gone */
static int posixmq_send(struct mech *m, const void *buf, size_t len)
{
	struct posixmq_priv *p = m->priv;
	int ret;

	do
		ret = mq_send(p->out, buf, len, 0);
	while (ret < 0 && errno == EINTR);
	return ret < 0 ? -errno : 0;
}

/* one whole message of len bytes (the queue's msgsize), -ETIMEDOUT when
   none came within m->timeout_ms */
static int posixmq_recv(struct mech *m, void *buf, size_t len)
{
	struct posixmq_priv *p = m->priv;
	struct timespec ts;
	const struct timespec *dl = posixmq_deadline(&ts, m->timeout_ms);
	ssize_t n;

	do
		n = dl ? mq_timedreceive(p->in, buf, len, NULL, dl)
		       : mq_receive(p->in, buf, len, NULL);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -EPROTO;
}

/* posixmq_close_q: closes *q if open and marks it closed */
static void posixmq_close_q(mqd_t *q)
{
	if (*q != (mqd_t)-1) {
		mq_close(*q);
		*q = (mqd_t)-1;
	}
}

static void posixmq_close(struct mech *m)
{
	struct posixmq_priv *p = m->priv;

	posixmq_close_q(&p->fwd);
	posixmq_close_q(&p->back);
	p->out = p->in = (mqd_t)-1;
}

static void posixmq_destroy(struct mech *m)
{
	if (!m->priv)
		return;
	posixmq_close(m);
	free(m->priv);
	m->priv = NULL;
}

const struct mech_ops mech_posixmq = {
	.name = "mq",
	.summary = "A POSIX message queue: the kernel keeps a short list of whole "
		   "messages that one process appends and the other takes out.",
	.family = FAM_KERNEL_MESSAGE,
	.copies = "2: sender buffer into a kernel message, kernel message to "
		  "receiver buffer",
	.cleanup = "two queues named /<tag>-fwd and /<tag>-back, unlinked right "
		   "after they are opened in the parent; the last close frees them",
	.limits = posixmq_limits,
	.create = posixmq_create,
	.open = posixmq_open,
	.send = posixmq_send,
	.recv = posixmq_recv,
	.close = posixmq_close,
	.destroy = posixmq_destroy,
};
