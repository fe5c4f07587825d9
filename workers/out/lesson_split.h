/* lesson_split.h -- a lesson's sentences as the page shows them: one
   headline with its key number, at most two supporting sentences, and the
   rest as notes folded below */
#ifndef IPCSCOPE_LESSON_SPLIT_H
#define IPCSCOPE_LESSON_SPLIT_H

#include <cjson/cJSON.h>

#define LESSON_SUPPORT_MAX 2

/* lesson_split_json: adds "headline" (the first sentence of text),
   "support" (the next LESSON_SUPPORT_MAX at most) and "notes" (the rest)
   to line. A sentence ends at '.', '!' or '?' followed by a space or the
   end; the caveat text starts with when unreliable is set ("Unreliable
   here (...), so take this with care: ") is left out, as the line's
   unreliable carries it. Returns 0, or -1 when memory ran out. */
int lesson_split_json(cJSON *line, const char *text, const char *unreliable);

#endif
