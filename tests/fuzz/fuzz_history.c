/* fuzz_history.c -- libFuzzer: a results-directory file through the history
   loader's check (store_check), whose verdict decides what is replayed
   (served as it is, so only valid UTF-8) */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../server/run_store.h"
#include "../../server/utf8.h"

static const char *const words[] = { "ok", "error", "cancelled", "timeout", "interrupted" };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct store_status st;
	char why[200];
	bool known = false;

	if (store_check((const char *)data, size, &st, why, sizeof(why)) < 0) {
		if (!why[0])
			abort();   /* a refused file is refused for a reason */
		return 0;
	}
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		known = known || strcmp(st.status, words[i]) == 0;
	if (!known || (st.has_end && !strcmp(st.status, "interrupted")))
		abort();   /* a replayed run has a status the API documents */
	if (utf8_valid((const char *)data, size) != size)
		abort();   /* a replayed file is served as it is: it must be UTF-8 */
	return 0;
}
