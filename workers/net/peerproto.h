/* peerproto.h -- the cross-host control connection: tokens, addresses, JSON lines, host and path facts */
#ifndef IPCSCOPE_PEERPROTO_H
#define IPCSCOPE_PEERPROTO_H

#include <netinet/in.h>
#include <stddef.h>
#include <cjson/cJSON.h>

#define PEER_TOKEN_LEN 32            /* generated tokens: 128 random bits in hex */
#define PEER_TOKEN_MAX 64            /* accepted tokens: 8..64 of [A-Za-z0-9_-] */
#define PEER_TOKEN_MIN 8
#define PEER_LINE_MAX 16384          /* one control message, newline included */
#define PEER_PROTO_VERSION 1
#define PEER_COUNT_MAX 9.0e18        /* below 2^63: any count or ns time fits */

/* One end of a control connection: a socket and what was read past the
   last line. */
struct peer_conn {
	int fd;
	size_t n;
	char buf[PEER_LINE_MAX];
};

/* peer_token_new: a fresh random token, PEER_TOKEN_LEN hex digits */
void peer_token_new(char out[PEER_TOKEN_LEN + 1]);

/* peer_token_ok: token has the accepted form; 1 or 0 */
int peer_token_ok(const char *token);

/* peer_token_equal: 1 when a and b are the same, in time that depends on
   the expected token's length only */
int peer_token_equal(const char *expected, const char *given);

/* peer_token_read: the token in the file at path ("-": stdin), one line
   (its newline optional): a way to give it that keeps it off the command
   line; 0, or -1 with err naming the file but never its bytes */
int peer_token_read(const char *path, char out[PEER_TOKEN_MAX + 1], char *err, size_t errlen);

/* peer_token_pipe: the read end of a pipe (close-on-exec) holding token
   and a newline, its write end closed: a child's stdin for
   "--token-file -", which keeps the token off its command line; or -1 */
int peer_token_pipe(const char *token);

/* peer_parse_hostport: "HOST:PORT" (IPv4 address or host name, port
   1..65535) into *out, resolved to IPv4; 0 or -1 with err naming what is
   wrong (resolve 0: only the form is checked) */
int peer_parse_hostport(const char *s, struct sockaddr_in *out, int resolve,
			char *err, size_t errlen);

/* peer_send: o as one line on c (o is not freed); 0 or -errno */
int peer_send(struct peer_conn *c, const cJSON *o);

/* peer_msg_check: o is a control message (an object with a string
   "type") and every field its type has is of the kind and in the range
   the protocol gives it; 0, or -1 with err naming the message and field */
int peer_msg_check(const cJSON *o, char *err, size_t errlen);

/* peer_parse_line: one control message, line[0..n) without its newline
   (line[n] is its terminator): JSON with nothing after it, no NUL
   character, and passing peer_msg_check; the object, or NULL with err */
cJSON *peer_parse_line(const char *line, size_t n, char *err, size_t errlen);

/* peer_recv: the next line on c as a checked control message (see
   peer_parse_line), waiting at most timeout_ms (-1: forever); the
   object, or NULL with err (timeout, closed, too long, not a control
   message) */
cJSON *peer_recv(struct peer_conn *c, int timeout_ms, char *err, size_t errlen);

/* peer_recv_nowait: as peer_recv, reading only what c's socket holds
   now: the next message; or NULL with *more 1 when its line is not all
   in yet; or NULL with *more 0 and err */
cJSON *peer_recv_nowait(struct peer_conn *c, int *more, char *err, size_t errlen);

/* peer_msg: a new {"type": type} */
cJSON *peer_msg(const char *type);

/* peer_type_is: o's "type" is type */
int peer_type_is(const cJSON *o, const char *type);

/* peer_num: o[key] when it is a finite number within lo..hi, else fallback:
   what the other side sends is believed only in range */
double peer_num(const cJSON *o, const char *key, double lo, double hi, double fallback);

/* peer_host_json: this host: name, kernel, CPU model and count */
cJSON *peer_host_json(void);

/* peer_path_json: the path a connected socket takes from this host:
   local and remote address, interface, MTU, whether it is loopback */
cJSON *peer_path_json(int fd);

#endif
