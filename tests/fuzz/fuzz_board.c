/* fuzz_board.c -- libFuzzer: a student's post to the class board through the
   strict parser and onto a board of four machines, whose JSON must then
   parse; a refusal always has its status (400, 409, 503) and a reason */
#include <cjson/cJSON.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../server/board.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static unsigned posts;
	struct board_refusal r;
	char err[128], *text;
	cJSON *o;

	if (!board_on() && (board_start(4, err, sizeof(err)) < 0 ||
			    board_set_task("sync-tax", true, &r) < 0))
		abort();
	if (board_post((const char *)data, size, &r) < 0) {
		if (!r.why[0] || (r.status != 400 && r.status != 409 && r.status != 503))
			abort();
		return 0;
	}
	text = board_json();
	o = text ? cJSON_Parse(text) : NULL;
	if (!o || cJSON_GetArraySize(cJSON_GetObjectItem(o, "machines")) < 1)
		abort();   /* what the page reads is JSON, with the post on it */
	cJSON_Delete(o);
	free(text);
	/* a new task now and then empties the board, as the teacher's does */
	if (++posts % 8 == 0) {
		board_set_task("compare", true, &r);
		board_set_task("sync-tax", true, &r);
	}
	return 0;
}
