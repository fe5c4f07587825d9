/* lesson_split.c -- a lesson cut into headline, support and notes */
#include "out/lesson_split.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CAVEAT_TAIL "), so take this with care: "

/* sentence_end: where the sentence starting at s ends (past its '.', '!'
   or '?'), or at the end of s */
static const char *sentence_end(const char *s)
{
	for (const char *p = s; *p; p++)
		if (strchr(".!?", *p) && (p[1] == ' ' || p[1] == '\0'))
			return p + 1;
	return s + strlen(s);
}

/* skip_caveat: text past the caveat its unreliable put in front */
static const char *skip_caveat(const char *text, const char *unreliable)
{
	static const char head[] = "Unreliable here (";
	size_t h = sizeof(head) - 1, u;

	if (!unreliable || !*unreliable || strncmp(text, head, h))
		return text;
	u = strlen(unreliable);
	if (strncmp(text + h, unreliable, u) || strncmp(text + h + u, CAVEAT_TAIL,
							 sizeof(CAVEAT_TAIL) - 1))
		return text;
	return text + h + u + sizeof(CAVEAT_TAIL) - 1;
}

int lesson_split_json(cJSON *line, const char *text, const char *unreliable)
{
	cJSON *support = cJSON_AddArrayToObject(line, "support");
	cJSON *notes = cJSON_AddArrayToObject(line, "notes");
	const char *p = skip_caveat(text, unreliable);
	int n = 0;

	if (!support || !notes)
		return -1;
	while (*p) {
		const char *e;
		char *s;
		cJSON *item;

		while (*p == ' ')
			p++;
		if (!*p)
			break;
		e = sentence_end(p);
		if (!(s = strndup(p, (size_t)(e - p))))
			return -1;
		item = cJSON_CreateString(s);
		free(s);
		if (!item)
			return -1;
		if (n == 0)
			cJSON_AddItemToObject(line, "headline", item);
		else
			cJSON_AddItemToArray(n <= LESSON_SUPPORT_MAX ? support : notes, item);
		n++;
		p = e;
	}
	if (n == 0 && !cJSON_AddStringToObject(line, "headline", ""))
		return -1;
	return 0;
}
