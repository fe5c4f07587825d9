/* test_lesson_split.c -- a lesson cut into headline, support and notes for the page */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "out/lesson_split.h"

/* split: the line lesson_split_json makes of text */
static cJSON *split(const char *text, const char *unreliable)
{
	cJSON *l = cJSON_CreateObject();

	assert_non_null(l);
	assert_int_equal(lesson_split_json(l, text, unreliable), 0);
	return l;
}

static const char *str(const cJSON *l, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(l, key);

	assert_true(cJSON_IsString(v));
	return v->valuestring;
}

static const char *item(const cJSON *l, const char *key, int i)
{
	const cJSON *a = cJSON_GetObjectItemCaseSensitive(l, key);

	assert_true(cJSON_IsArray(a));
	assert_true(i < cJSON_GetArraySize(a));
	return cJSON_GetArrayItem(a, i)->valuestring;
}

static int count(const cJSON *l, const char *key)
{
	return cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(l, key));
}

/* the first sentence heads, two support it, the rest are notes; decimals
   ("1.5 µs", "2.62×") do not end a sentence */
static void test_headline_support_notes(void **state)
{
	cJSON *l = split("The mutex was 22× slower (18–25×). Fastest: spin at 1.5 M messages/s. "
			 "A pipe took 2.62 µs! Is that so? Yes.", NULL);

	(void)state;
	assert_string_equal(str(l, "headline"), "The mutex was 22× slower (18–25×).");
	assert_int_equal(count(l, "support"), 2);
	assert_string_equal(item(l, "support", 0), "Fastest: spin at 1.5 M messages/s.");
	assert_string_equal(item(l, "support", 1), "A pipe took 2.62 µs!");
	assert_int_equal(count(l, "notes"), 2);
	assert_string_equal(item(l, "notes", 0), "Is that so?");
	assert_string_equal(item(l, "notes", 1), "Yes.");
	cJSON_Delete(l);
}

/* the caution in front of an unreliable lesson is in none of the parts */
static void test_caveat_left_out(void **state)
{
	const char *why = "shm-ring 64 B against pipe 64 B: too few reps to tell";
	char text[256];
	cJSON *l;

	(void)state;
	snprintf(text, sizeof(text), "Unreliable here (%s), so take this with care: At 1 MiB it "
		 "moved 4.51× the bytes.", why);
	l = split(text, why);
	assert_string_equal(str(l, "headline"), "At 1 MiB it moved 4.51× the bytes.");
	assert_int_equal(count(l, "support"), 0);
	assert_int_equal(count(l, "notes"), 0);
	cJSON_Delete(l);
	/* a different reason: the text is taken as it is */
	l = split(text, "another reason");
	assert_true(strncmp(str(l, "headline"), "Unreliable here (", 17) == 0);
	cJSON_Delete(l);
}

/* no full stop, or nothing at all: one headline, or an empty one */
static void test_odd_texts(void **state)
{
	cJSON *l = split("no stop at the end", NULL);

	(void)state;
	assert_string_equal(str(l, "headline"), "no stop at the end");
	cJSON_Delete(l);
	l = split("", NULL);
	assert_string_equal(str(l, "headline"), "");
	assert_int_equal(count(l, "support"), 0);
	cJSON_Delete(l);
	l = split("   ", NULL);
	assert_string_equal(str(l, "headline"), "");
	cJSON_Delete(l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_headline_support_notes),
		cmocka_unit_test(test_caveat_left_out),
		cmocka_unit_test(test_odd_texts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
