/* sysvmq.c -- one System V message queue (IPC_PRIVATE): type 1 forward, type 2 back */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "mech/mech.h"
#include "mech/io.h"

#define SYSVMQ_MSGMAX "/proc/sys/kernel/msgmax"
#define SYSVMQ_MSGMNB "/proc/sys/kernel/msgmnb"
#define SYSVMQ_FWD 1L    /* mtype of sender -> receiver messages */
#define SYSVMQ_BACK 2L   /* mtype of the receiver's echoes */

/* the layout msgsnd/msgrcv expect: a positive type, then the bytes */
struct sysvmq_msg {
	long mtype;
	char mtext[];
};

struct sysvmq_priv {
	int id;                   /* queue id, -1 until msgget */
	int recorded;             /* id noted in the run directory */
	long out, in;             /* mtype this worker sends and receives */
	struct sysvmq_msg *msg;   /* framing buffer: mtype + one payload */
};

/* sysvmq_max: the largest message: msgmax bounds one message and msgmnb
   the whole queue, so a message must fit both; 0 when unknown */
static size_t sysvmq_max(long long *msgmax, long long *msgmnb)
{
	*msgmax = sysinfo_read_long(SYSVMQ_MSGMAX);
	*msgmnb = sysinfo_read_long(SYSVMQ_MSGMNB);
	if (*msgmax <= 0 || *msgmnb <= 0)
		return 0;
	return (size_t)(*msgmax < *msgmnb ? *msgmax : *msgmnb);
}

static void sysvmq_limits(struct mech_limits *lim)
{
	long long msgmax, msgmnb;

	lim->min_size = 1;
	lim->max_size = sysvmq_max(&msgmax, &msgmnb);
	snprintf(lim->why, sizeof(lim->why),
		 "one message must fit %s (%lld bytes) and the queue size %s "
		 "(%lld bytes)", SYSVMQ_MSGMAX, msgmax, SYSVMQ_MSGMNB, msgmnb);
}

static int sysvmq_create(struct mech *m)
{
	struct sysvmq_priv *p = calloc(1, sizeof(*p));
	long long msgmax, msgmnb;
	struct msqid_ds ds;

	if (!p)
		return -ENOMEM;
	p->id = -1;
	m->priv = p;
	if (m->msg_size > sysvmq_max(&msgmax, &msgmnb))
		return -EMSGSIZE;
	p->msg = malloc(sizeof(*p->msg) + m->msg_size);
	if (!p->msg)
		return -ENOMEM;
	p->id = msgget(IPC_PRIVATE, IPC_CREAT | 0600);
	if (p->id < 0)
		return -errno;
	/* a nameless queue outlives a killed run: note its id where the
	   sweep of stale run directories will find and remove it */
	if (m->tmpdir) {
		int ret = cleanup_record_sysv(m->tmpdir, p->id);
		if (ret < 0)
			return ret;
		p->recorded = 1;
	}
	if (msgctl(p->id, IPC_STAT, &ds) < 0)
		return -errno;
	mech_granted_add(m, "msgmax", msgmax);
	mech_granted_add(m, "msgmnb", (long long)ds.msg_qbytes);
	return 0;
}

static int sysvmq_open(struct mech *m, enum mech_role role)
{
	struct sysvmq_priv *p = m->priv;

	p->out = role == ROLE_SENDER ? SYSVMQ_FWD : SYSVMQ_BACK;
	p->in = role == ROLE_SENDER ? SYSVMQ_BACK : SYSVMQ_FWD;
	return 0;
}

/* sysvmq_err: a removed queue (EIDRM) means the run is over: -EPIPE */
static int sysvmq_err(int err)
{
	return err == EIDRM || err == EINVAL ? -EPIPE : -err;
}

static int sysvmq_send(struct mech *m, const void *buf, size_t len)
{
	struct sysvmq_priv *p = m->priv;
	int ret;

	p->msg->mtype = p->out;
	memcpy(p->msg->mtext, buf, len);
	do
		ret = msgsnd(p->id, p->msg, len, 0);
	while (ret < 0 && errno == EINTR);
	return ret < 0 ? sysvmq_err(errno) : 0;
}

/*
 * System V queues have no receive timeout: a receiver whose peer died
 * waits until the harness ends the rep and the queue is removed.
 */
static int sysvmq_recv(struct mech *m, void *buf, size_t len)
{
	struct sysvmq_priv *p = m->priv;
	ssize_t n;

	do
		n = msgrcv(p->id, p->msg, len, p->in, 0);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return errno == E2BIG ? -EMSGSIZE : sysvmq_err(errno);
	if ((size_t)n != len)
		return -EPROTO;
	memcpy(buf, p->msg->mtext, len);
	return 0;
}

/* the queue id is not a descriptor: a worker has nothing of its own to close */
static void sysvmq_close(struct mech *m)
{
	(void)m;
}

/* sysvmq_unrecord: drops the note of a removed queue, so no later sweep
   removes another queue that reuses its id */
static void sysvmq_unrecord(const char *dir, int id)
{
	char path[PATH_MAX];

	if (snprintf(path, sizeof(path), "%s/msqid-%d", dir, id) < (int)sizeof(path))
		unlink(path);
}

/* IPC_RMID removes the queue at once, even for processes still using it,
   which is why it only runs here, after both workers are reaped */
static void sysvmq_destroy(struct mech *m)
{
	struct sysvmq_priv *p = m->priv;

	if (!p)
		return;
	if (p->id >= 0)
		msgctl(p->id, IPC_RMID, NULL);
	if (p->recorded)
		sysvmq_unrecord(m->tmpdir, p->id);
	free(p->msg);
	free(p);
	m->priv = NULL;
}

const struct mech_ops mech_sysvmq = {
	.name = "sysv-mq",
	.summary = "A System V message queue: the classic Unix kernel mailbox where "
		   "each message carries a type and readers pick a type to take.",
	.family = FAM_KERNEL_MESSAGE,
	.copies = "4: sender buffer into the framing buffer that adds the type, "
		  "into a kernel message, to the receiver's framing buffer, to the "
		  "receiver buffer (the two framing copies are the API's cost)",
	.cleanup = "one IPC_PRIVATE queue (no name, but it outlives processes), "
		   "removed with IPC_RMID by the parent after the workers are reaped; "
		   "its id is noted in the run directory so a sweep removes it "
		   "if the run itself is killed",
	.limits = sysvmq_limits,
	.create = sysvmq_create,
	.open = sysvmq_open,
	.send = sysvmq_send,
	.recv = sysvmq_recv,
	.close = sysvmq_close,
	.destroy = sysvmq_destroy,
};
