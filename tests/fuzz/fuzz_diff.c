/* fuzz_diff.c -- libFuzzer: two runs' NDJSON text (split at the input's
   first NUL byte) through ipcscope diff's comparison (diff_runs), which
   reads files and stored runs a user or another user may have written */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "stats/diff.h"

struct seen {
	int lines;
	int bad;              /* a line that is not an object with a type */
	char first[16], last[16];
};

static void keep(void *ctx, cJSON *line)
{
	struct seen *s = ctx;
	const cJSON *t = cJSON_GetObjectItemCaseSensitive(line, "type");

	if (!cJSON_IsObject(line) || !cJSON_IsString(t))
		s->bad = 1;
	else {
		if (!s->lines)
			strncpy(s->first, t->valuestring, sizeof(s->first) - 1);
		strncpy(s->last, t->valuestring, sizeof(s->last) - 1);
	}
	s->lines++;
	cJSON_Delete(line);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	const char *nul = memchr(text, '\0', size);
	size_t na = nul ? (size_t)(nul - text) : size / 2;
	size_t skip = nul ? 1 : 0;
	struct diff_input a = { "a", text, na };
	struct diff_input b = { "b", text + na + skip, size - na - skip };
	struct seen s;
	char err[DIFF_ERR_MAX];
	enum diff_outcome o;

	memset(&s, 0, sizeof(s));
	err[0] = '\0';
	o = diff_runs(&a, &b, 5, keep, &s, err, sizeof(err));
	if (o == DIFF_BAD) {
		if (s.lines || !err[0])
			abort();   /* refused: nothing said, and why */
		return 0;
	}
	if (s.bad || s.lines < 2 || strcmp(s.first, "diff_start") || strcmp(s.last, "diff_end"))
		abort();   /* a start line, the rows, an end line */
	return 0;
}
