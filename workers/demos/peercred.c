/* peercred.c -- the peercred demo's experiment: a Unix socket's receiver
   learns who the sender is from the kernel (SO_PEERCRED, SCM_CREDENTIALS),
   whatever the message claims; shared memory holds only what was written

   What the page shows: a table (no chart) of the pid, uid and gid each
   source gives. The headline quotes the SO_PEERCRED row and the message's
   claim; the supporting sentences the SCM_CREDENTIALS and shared-memory
   rows. */
#include "demos/cores.h"
#include "demos/demo.h"
#include "demos/exp_demo.h"

#include <stddef.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "base/human.h"
#include "base/error.h"

#define PC_LIE_PID 1             /* what the sender claims to be: init, */
#define PC_LIE_ROOT 0            /* and root; or, when it is root, */
#define PC_LIE_USER 1000         /* an ordinary user */
#define PC_ACCEPT_S 5.0

struct pc_msg {
	long pid, uid, gid;      /* what the sender says it is */
};

struct pc_shared {
	struct peercred_ids truth;
	int forge_errno;
	struct pc_msg written;   /* the shared-memory "message" */
};

struct pc_ctx {
	struct pc_shared *sh;
	struct sockaddr_un addr;
	socklen_t addrlen;
};

/* send_with_creds: one message carrying explicit credentials; 0 or errno */
static int send_with_creds(int fd, const struct pc_msg *m, pid_t pid, uid_t uid, gid_t gid)
{
	union {
		char buf[CMSG_SPACE(sizeof(struct ucred))];
		struct cmsghdr align;
	} u;
	struct iovec iov = { (void *)m, sizeof(*m) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf,
			     .msg_controllen = sizeof(u.buf) };
	struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
	struct ucred cred = { .pid = pid, .uid = uid, .gid = gid };

	memset(u.buf, 0, sizeof(u.buf));
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_CREDENTIALS;
	c->cmsg_len = CMSG_LEN(sizeof(cred));
	memcpy(CMSG_DATA(c), &cred, sizeof(cred));
	return sendmsg(fd, &mh, MSG_NOSIGNAL) == (ssize_t)sizeof(*m) ? 0 : errno;
}

/* lie_id: an id that is not the caller's uid */
static long lie_id(void)
{
	return getuid() == PC_LIE_ROOT ? PC_LIE_USER : PC_LIE_ROOT;
}

/* sender: lies in its message, tries to forge its credentials, and writes
   the same lie into shared memory */
static int sender(void *arg, int idx)
{
	struct pc_ctx *c = arg;
	struct pc_msg lie = { PC_LIE_PID, lie_id(), lie_id() };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0), on = 1, rc;

	(void)idx;
	c->sh->truth = (struct peercred_ids){ getpid(), getuid(), getgid() };
	c->sh->written = lie;
	if (fd < 0 || connect(fd, (struct sockaddr *)&c->addr, c->addrlen) < 0)
		return 1;
	setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &on, sizeof(on));
	c->sh->forge_errno = send_with_creds(fd, &lie, PC_LIE_PID, (uid_t)lie.uid, (gid_t)lie.gid);
	rc = c->sh->forge_errno == 0 ? 0 :
	     send_with_creds(fd, &lie, getpid(), getuid(), getgid());
	close(fd);
	return rc ? 1 : 0;
}

/* receive: the claimed ids and the kernel's SCM_CREDENTIALS of one message */
static int receive(int fd, struct peercred_result *r, char *err, size_t errlen)
{
	union {
		char buf[CMSG_SPACE(sizeof(struct ucred))];
		struct cmsghdr align;
	} u;
	struct pc_msg m;
	struct iovec iov = { &m, sizeof(m) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf,
			     .msg_controllen = sizeof(u.buf) };
	struct cmsghdr *c;

	if (recvmsg(fd, &mh, MSG_WAITALL) != (ssize_t)sizeof(m)) {
		error_set(err, errlen, "the sender's message did not arrive whole");
		return -1;
	}
	r->claimed = (struct peercred_ids){ m.pid, m.uid, m.gid };
	r->scm = (struct peercred_ids){ -1, -1, -1 };
	for (c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c))
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_CREDENTIALS) {
			struct ucred cr;
			memcpy(&cr, CMSG_DATA(c), sizeof(cr));
			r->scm = (struct peercred_ids){ cr.pid, cr.uid, cr.gid };
		}
	return 0;
}

static int accept_one(int lfd, struct peercred_result *r, char *err, size_t errlen)
{
	struct ucred cr;
	socklen_t len = sizeof(cr);
	struct timeval tv = { (time_t)PC_ACCEPT_S, 0 };
	int on = 1, fd, rc;

	setsockopt(lfd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if ((fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC)) < 0) {
		error_set(err, errlen, "the sender never connected: %s", strerror(errno));
		return -1;
	}
	setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &on, sizeof(on));
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &len) < 0) {
		error_set(err, errlen, "SO_PEERCRED failed: %s", strerror(errno));
		close(fd);
		return -1;
	}
	r->peercred = (struct peercred_ids){ cr.pid, cr.uid, cr.gid };
	rc = receive(fd, r, err, errlen);
	close(fd);
	return rc;
}

/* listen_abstract: a listening socket in the abstract namespace: no file */
static int listen_abstract(struct pc_ctx *c, char *err, size_t errlen)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int n;

	c->addr.sun_family = AF_UNIX;
	n = snprintf(c->addr.sun_path + 1, sizeof(c->addr.sun_path) - 1,
		     "ipcscope-%d-peercred", (int)getpid());
	c->addrlen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + n);
	if (fd < 0 || bind(fd, (struct sockaddr *)&c->addr, c->addrlen) < 0 || listen(fd, 1) < 0) {
		error_set(err, errlen, "cannot listen on a unix socket: %s", strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

static void emit_ids(struct exp_out *o, const char *label, const struct peercred_ids *ids,
		     int x)
{
	cJSON *l = exp_point_new(o, label, NULL, x);

	cJSON_AddNumberToObject(l, "pid", (double)ids->pid);
	cJSON_AddNumberToObject(l, "uid", (double)ids->uid);
	cJSON_AddNumberToObject(l, "gid", (double)ids->gid);
	exp_emit(o, l);
}

int peercred_run(struct peercred_result *r, struct exp_out *o, char *err, size_t errlen)
{
	struct pc_ctx c = { 0 };
	pid_t pid = -1;
	int lfd, rc = -1;
	char label[96];

	memset(r, 0, sizeof(*r));
	exp_plan(o, 2);
	if (!(c.sh = exp_shared(sizeof(*c.sh)))) {
		error_set(err, errlen, "cannot map shared memory: %s", strerror(errno));
		return -1;
	}
	snprintf(label, sizeof(label), "a child connects to a unix socket and claims to be "
		 "pid %d, uid %ld", PC_LIE_PID, lie_id());
	exp_begin(o, label, 1);
	if ((lfd = listen_abstract(&c, err, errlen)) < 0)
		goto out;
	if ((pid = exp_fork(sender, &c, 0, 0, err, errlen)) < 0 ||
	    accept_one(lfd, r, err, errlen) < 0 || exp_wait(o, &pid, 1, NULL, err, errlen) < 0)
		goto out;
	r->truth = c.sh->truth;
	r->forge_errno = c.sh->forge_errno;
	emit_ids(o, "what the message claimed", &r->claimed, 0);
	emit_ids(o, "SO_PEERCRED (kernel)", &r->peercred, 1);
	emit_ids(o, "SCM_CREDENTIALS (kernel)", &r->scm, 2);
	exp_begin(o, "the child wrote the same claim into shared memory", 0.1);
	r->shm_claimed = (struct peercred_ids){ c.sh->written.pid, c.sh->written.uid,
						c.sh->written.gid };
	emit_ids(o, "what shared memory holds", &r->shm_claimed, 3);
	rc = 0;
out:
	if (pid > 0)
		exp_kill_all(&pid, 1);
	if (lfd >= 0)
		close(lfd);
	exp_unshare(c.sh, sizeof(*c.sh));
	return rc;
}

void peercred_lesson(const struct peercred_result *r, char *buf, size_t len)
{
	int kernel_right = r->peercred.pid == r->truth.pid && r->peercred.uid == r->truth.uid &&
			   r->peercred.gid == r->truth.gid;

	buf[0] = '\0';
	exp_lesson_add(buf, len, "SO_PEERCRED named the sender pid %ld, uid %ld, gid %ld, %s, "
		       "though its message claimed pid %ld, uid %ld. ",
		       r->peercred.pid, r->peercred.uid, r->peercred.gid,
		       kernel_right ? "exactly the process that connected" :
		       "which is NOT the process that connected (a defect)",
		       r->claimed.pid, r->claimed.uid);
	if (r->forge_errno)
		exp_lesson_add(buf, len, "Forging SCM_CREDENTIALS was refused (%s). ",
			       strerror(r->forge_errno));
	else
		exp_lesson_add(buf, len, "Running with privileges, the sender could forge "
			       "SCM_CREDENTIALS (the kernel reported pid %ld): only SO_PEERCRED, "
			       "taken at connect time, is beyond its reach. ", r->scm.pid);
	exp_lesson_add(buf, len, "Shared memory holds only the bytes written (\"pid %ld\"): "
		       "no kernel-checked word about who wrote them.", r->shm_claimed.pid);
}

EXP_DEMO_NO_PARAMS(peercred, peercred, struct peercred_result, peercred_run, peercred_lesson, exp_no_check,
	 "{\"kind\":\"table\",\"y\":[\"pid\",\"uid\",\"gid\"]}",
	.name = "peercred",
	.title = "Who is on the other end",
	.claim = "A Unix socket tells the receiver who the sender is (SO_PEERCRED); shared "
		 "memory cannot.",
	.method = "a child claims to be someone else in its message; the receiver reads its pid, "
		  "uid and gid from the kernel, and the same claim written into shared memory.");
