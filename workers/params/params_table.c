/* params_table.c -- the table of common run params, and the texts made
   from it (ranges, flags, expectations) */
#include "params/params_table.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "net/peerproto.h"

#define FIELD(f) offsetof(struct bench_params, f), sizeof(((struct bench_params *)0)->f)
#define ALL PARAM_CMDS_ALL
#define NOT_SWEEP (PARAM_CMD(CMD_BENCH) | PARAM_CMD(CMD_COMPARE) | PARAM_CMD(CMD_DEMO))
#define SIZE_SYNTAX "(a whole number, optionally with suffix K=1024 or M=1048576, either case: 1536, not 1.5K)"

static const char *const mode_words[] = { "throughput", "latency", NULL };
static const char *const pin_words[] = { "split", "same", "none", NULL };
static const char *const format_words[] = { "text", "json", "ndjson", "csv", NULL };

const struct param_row params_table[P__COUNT] = {
	[P_MODE] = { "mode", PARAM_WORD, NULL, 0, 1, 0, 0, false, mode_words, "",
		"{range}",
		"one-way stream, or ping-pong timing every round trip (throughput)",
		"throughput", ALL, false, { 0, 0, 0, 0 }, FIELD(mode) },
	[P_SIZE] = { "size", PARAM_SIZE, "N[K|M]", 1, (double)PARAMS_SIZE_MAX, 0, 0, false, NULL,
		"bytes", "{range} bytes " SIZE_SYNTAX,
		"bytes per message, {range} (64, or the mechanism's fixed size)",
		"64, or the mechanism's only size", NOT_SWEEP, false, { 64, 64, 64, 64 },
		FIELD(size) },
	[P_COUNT] = { "count", PARAM_WHOLE, "N", 1, (double)PARAMS_COUNT_MAX,
		(double)PARAMS_LAT_COUNT_MAX, 0, false, NULL, "messages",
		"a whole number of messages in {range}",
		"messages (latency: round trips) per rep, {range}",
		"none: reps run for duration", ALL, false, { 0, 0, 0, 0 }, FIELD(count) },
	[P_DURATION] = { "duration", PARAM_SECONDS, "S", 0.01, PARAMS_DURATION_MAX, 0, 0, false,
		NULL, "seconds", "seconds per rep in {range}",
		"seconds per rep instead of count, {range} ({default} when no count)",
		"0.25; compare and demos 0.1", ALL, false,
		{ PARAMS_DEFAULT_DURATION, PARAMS_CI_DEFAULT_DURATION, PARAMS_DEFAULT_DURATION,
		  PARAMS_CI_DEFAULT_DURATION }, FIELD(duration) },
	[P_WARMUP] = { "warmup", PARAM_WHOLE, "N", 0, (double)PARAMS_COUNT_MAX, 0, 0, false, NULL,
		"messages", "a whole number of messages in {range}",
		"messages sent before timing (1% of count, >= 100; 1000 with duration)",
		"1 % of count (at least 100), or 1000 with a duration", ALL, false,
		{ 0, 0, 0, 0 }, FIELD(warmup) },
	[P_REPS] = { "reps", PARAM_WHOLE, "N", 1, PARAMS_REPS_MAX, 0, 0, false, NULL, "reps",
		"{range}",
		"repetitions, {range} (5; compare: at most 21; demos: their own)",
		"5; compare 21; demos their own", ALL, false,
		{ 5, PARAMS_CI_DEFAULT_REPS, 5, PARAMS_CI_DEFAULT_REPS }, FIELD(reps) },
	[P_PIN] = { "pin", PARAM_PIN, NULL, 0, 0, 0, 0, false, pin_words, "",
		"{range} or two CPU numbers A,B in 0..{max_cpu}",
		"where sender and receiver run (split: two cores)",
		"split", ALL, false, { 0, 0, 0, 0 }, FIELD(pin) },
	[P_VERIFY] = { "verify", PARAM_FLAG, "0|1", 0, 1, 0, 0, false, NULL, "", "{range}",
		"check sequence numbers and payload bytes (1)",
		"1", ALL, false, { 1, 1, 1, 1 }, FIELD(verify) },
	[P_FORMAT] = { "format", PARAM_WORD, NULL, 0, 3, 0, 0, false, format_words, "",
		"{range}", "output (text)", "text", ALL, true, { 0, 0, 0, 0 }, FIELD(format) },
	[P_MECHANISMS] = { "mechanisms", PARAM_MECH_LIST, "A,B,...", 0, 0, 0, PARAMS_MAX_MECHS,
		false, NULL, "",
		"a comma-separated list of mechanism names (see 'ipcscope list')",
		"same as the positional list", "the local set", PARAM_CMD(CMD_COMPARE), false,
		{ 0, 0, 0, 0 }, FIELD(mechs) },
	[P_SIZES] = { "sizes", PARAM_SIZE_LIST, "LIST", 1, (double)PARAMS_SIZE_MAX, 0,
		PARAMS_MAX_SIZES, false, NULL, "bytes",
		"a comma-separated list of sizes, each {range} bytes " SIZE_SYNTAX,
		"message sizes, comma-separated, each {range}, at most 32",
		"(required)", PARAM_CMD(CMD_SWEEP), false, { 0, 0, 0, 0 }, FIELD(sizes) },
	[P_BASELINE] = { "baseline", PARAM_MECH, "MECH", 0, 0, 0, 0, false, NULL, "",
		"a mechanism name (see 'ipcscope list')",
		"compare against MECH instead of the best", "the best",
		PARAM_CMD(CMD_COMPARE), false, { 0, 0, 0, 0 }, FIELD(baseline) },
	[P_RUN_ID] = { "run-id", PARAM_ID, "ID", 1, (double)sizeof(((struct bench_params *)0)->run_id) - 1,
		0, 0, false, NULL, "", "{range} letters, digits, '-' or '_'", NULL,
		"cli-PID", ALL, true, { 0, 0, 0, 0 }, FIELD(run_id) },
	[P_PEER] = { "peer", PARAM_HOSTPORT, "HOST:PORT", 1, UINT16_MAX, 0, 0, false, NULL,
		"", "HOST:PORT of an 'ipcscope peer', a port in {range}",
		"run against 'ipcscope peer' on another host (the data goes over the "
		"mechanism between the two hosts) with a mechanism that can cross hosts:",
		"none", ALL, false, { 0, 0, 0, 0 }, FIELD(peer) },
	[P_TOKEN] = { "token", PARAM_SECRET, "T", PEER_TOKEN_MIN, PEER_TOKEN_MAX, 0, 0, false, NULL,
		"", "{range} letters, digits, '-' or '_' (as printed by 'ipcscope peer')",
		"the token that peer printed", "none", ALL, false, { 0, 0, 0, 0 },
		FIELD(token) },
	[P_CI] = { "ci", PARAM_SECONDS, "P", PARAMS_CI_MIN, PARAMS_CI_MAX, 0, 0, true, NULL,
		"percent", "0 (off) or the percent the median must be within, {range}",
		"add reps, up to --reps, until the median's 95% interval is within +-P % "
		"and every comparison's verdict is settled; 0 off (compare: 5, with 0.025 s "
		"reps; demos: 5)",
		"0; compare and demos 5", ALL, false, { 0, PARAMS_CI_DEFAULT, 0, PARAMS_CI_DEFAULT },
		FIELD(ci) },
	[P_GAP] = { "gap", PARAM_SECONDS, "S", 0, PARAMS_GAP_MAX, 0, 0, false, NULL, "seconds",
		"the seconds a run pauses between reps for a watching page, {range} (0: no pause)",
		"pause S seconds before the first rep, then between reps at most once a "
		"second, each said by a pause line ({range}; 0): a page draws then",
		"0 (no pause)", ALL, false, { 0, 0, 0, 0 }, FIELD(gap) },
};

int params_table_find(const char *name)
{
	for (int i = 0; i < P__COUNT; i++)
		if (strcmp(name, params_table[i].name) == 0)
			return i;
	return -1;
}

bool params_table_takes(enum param_id id, enum params_cmd cmd, bool http)
{
	const struct param_row *row;

	if ((unsigned)id >= P__COUNT)
		return false;
	row = &params_table[id];
	return (row->cmds & PARAM_CMD(cmd)) && !(http && row->cli_only);
}

const char *params_table_cmd_name(enum params_cmd cmd)
{
	static const char *const names[] = { "bench", "compare", "sweep", "demo" };

	return (unsigned)cmd <= CMD_DEMO ? names[cmd] : "?";
}

/* size_text: 67108864 as "64M", 4096 as "4K", 100 as "100" */
static void size_text(double v, char *buf, size_t len)
{
	unsigned long long u = (unsigned long long)v;

	if (u >= 1048576 && u % 1048576 == 0)
		snprintf(buf, len, "%lluM", u / 1048576);
	else if (u >= 1024 && u % 1024 == 0)
		snprintf(buf, len, "%lluK", u / 1024);
	else
		snprintf(buf, len, "%llu", u);
}

/* words: "a, b or c" (last_or) or "a, b, c" */
static void words(const char *const *w, bool last_or, char *buf, size_t len)
{
	buf[0] = '\0';
	for (int i = 0; w[i]; i++)
		snprintf(buf + strlen(buf), len - strlen(buf), "%s%s",
			 i == 0 ? "" : !w[i + 1] && last_or ? " or " : ", ", w[i]);
}

const char *params_table_range(const struct param_row *row, char *buf, size_t len)
{
	char lo[24], hi[24];

	switch (row->kind) {
	case PARAM_WORD:
		words(row->values, true, buf, len);
		break;
	case PARAM_PIN:
		words(row->values, false, buf, len);
		break;
	case PARAM_FLAG:
		snprintf(buf, len, "0 or 1");
		break;
	case PARAM_SIZE:
	case PARAM_SIZE_LIST:
		size_text(row->min, lo, sizeof(lo));
		size_text(row->max, hi, sizeof(hi));
		snprintf(buf, len, "%s..%s", lo, hi);
		break;
	case PARAM_SECONDS:
		snprintf(buf, len, "%g..%g", row->min, row->max);
		break;
	case PARAM_WHOLE:
	case PARAM_SECRET:
	case PARAM_ID:
	case PARAM_HOSTPORT:
		snprintf(buf, len, "%llu..%llu", (unsigned long long)row->min,
			 (unsigned long long)row->max);
		break;
	default:
		buf[0] = '\0';
		break;
	}
	return buf;
}

const char *params_table_expand(const struct param_row *row, const char *text, char *buf,
				size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	while (text && *text && used + 1 < len) {
		char piece[128];
		const char *open = strchr(text, '{');
		size_t n = open ? (size_t)(open - text) : strlen(text);

		snprintf(buf + used, len - used, "%.*s", (int)n, text);
		used = strlen(buf);
		if (!open)
			break;
		if (!strncmp(open, "{range}", 7)) {
			params_table_range(row, piece, sizeof(piece));
			text = open + 7;
		} else if (!strncmp(open, "{default}", 9)) {
			snprintf(piece, sizeof(piece), "%g", row->def[CMD_BENCH]);
			text = open + 9;
		} else if (!strncmp(open, "{max_cpu}", 9)) {
			snprintf(piece, sizeof(piece), "%ld", sysconf(_SC_NPROCESSORS_ONLN) - 1);
			text = open + 9;
		} else {
			snprintf(piece, sizeof(piece), "{");
			text = open + 1;
		}
		snprintf(buf + used, len - used, "%s", piece);
		used = strlen(buf);
	}
	return buf;
}

const char *params_table_flag(const struct param_row *row, char *buf, size_t len)
{
	char w[96];

	if (row->values) {
		words(row->values, false, w, sizeof(w));
		for (char *c = w; (c = strstr(c, ", ")); ) {
			memmove(c, c + 1, strlen(c));
			*c = '|';
		}
		snprintf(buf, len, "--%s %s%s", row->name, w, row->kind == PARAM_PIN ? "|A,B" : "");
	} else {
		snprintf(buf, len, "--%s %s", row->name, row->metavar ? row->metavar : "");
	}
	return buf;
}
