/* fuzz_peer.c -- libFuzzer: what a caller sends to `ipcscope peer`, as bytes
   on a control connection, through the line framing (peer_recv, or
   peer_recv_nowait as the peer reads hellos), the message checks, the
   hello check and the rep check (the strict param parser behind it) */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "mech/mech.h"
#include "params/params.h"
#include "run/peer.h"

#define FUZZ_INPUT_MAX (2 * PEER_LINE_MAX)
#define FUZZ_TOKEN "fuzz-token-0123"

/* one: a message the framing let through, handled as the peer would */
static void one(cJSON *o)
{
	struct bench_params *p = malloc(sizeof(*p));
	const struct mech_ops *ops = NULL;
	const char *code = NULL;
	char why[256] = "";

	if (!p)
		return;
	if (peer_msg_check(o, why, sizeof(why)) < 0)
		abort();   /* what the framing returns is a checked message */
	if (peer_hello_check(o, FUZZ_TOKEN, &code, why, sizeof(why)) < 0) {
		if (!why[0] || !code)
			abort();   /* a refused hello is refused with a code and a reason */
	} else if (!peer_type_is(o, "hello")) {
		abort();
	}
	why[0] = '\0';
	if (peer_type_is(o, "rep")) {
		if (peer_rep_check(o, p, &ops, why, sizeof(why)) == 0) {
			if (!ops || !ops->cross_host || p->size < 1 || p->size > PARAMS_SIZE_MAX)
				abort();   /* an accepted rep can cross hosts, with a size in range */
		} else if (!why[0]) {
			abort();   /* every refusal says why */
		}
	}
	(void)peer_num(o, "n", 0, PEER_COUNT_MAX, 0);
	free(p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct peer_conn *c;
	char err[200];
	int sv[2], more = 1;
	cJSON *o;

	if (size > FUZZ_INPUT_MAX || socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return 0;
	if (!(c = calloc(1, sizeof(*c)))) {
		close(sv[0]);
		close(sv[1]);
		return 0;
	}
	if (size && write(sv[1], data, size) != (ssize_t)size)
		abort();
	close(sv[1]);
	c->fd = sv[0];
	/* odd sizes: read as the peer reads hellos, a piece at a time; a bad
	   line is passed over, to reach the lines after it */
	for (int k = 0; k < 64; k++) {
		err[0] = '\0';
		o = size % 2 ? peer_recv_nowait(c, &more, err, sizeof(err))
			     : peer_recv(c, 0, err, sizeof(err));
		if (!o && !err[0] && !(size % 2 && more))
			abort();   /* nothing returned: it says why */
		if (o)
			one(o);
		cJSON_Delete(o);
	}
	close(sv[0]);
	free(c);
	return 0;
}
