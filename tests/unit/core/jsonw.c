/* Unit tests of core/jsonw.c: what it writes is JSON a parser reads back as the same values. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include <jansson.h>
#include "core/jsonw.h"

/* Parses what w holds, failing the test with the text when it is not JSON. */
static json_t *parse(struct jsonw *w)
{
	json_error_t err;
	json_t *v = json_loadb(w->buf, w->len, 0, &err);
	if (!v)
		fail_msg("not JSON (%s): %s", err.text, w->buf);
	return v;
}

static void test_jsonw__strings_round_trip_with_every_escape(void **state)
{
	static const char *values[] = {
		"plain", "", "say \"hi\"", "back\\slash", "line\nbreak\r\ttab", "\x01\x1f control",
		"张三 / Zhang San", "emoji 😀", "</script>",
	};
	for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		struct jsonw w;
		jsonw_init(&w);
		jsonw_open(&w, NULL, '{');
		jsonw_str(&w, "k\"ey", values[i]);
		jsonw_close(&w, '}');
		json_t *v = parse(&w);
		assert_string_equal(json_string_value(json_object_get(v, "k\"ey")), values[i]);
		json_decref(v);
		jsonw_release(&w);
	}
}

static void test_jsonw__nesting_commas_and_types(void **state)
{
	struct jsonw w;
	jsonw_init(&w);
	jsonw_open(&w, NULL, '{');
	jsonw_id(&w, "id", 385259040940228608LL);
	jsonw_ref(&w, "ref", 7);
	jsonw_ref(&w, "no_ref", 0);
	jsonw_int(&w, "n", -42);
	jsonw_bool(&w, "yes", 1);
	jsonw_bool(&w, "no", 0);
	jsonw_null(&w, "nothing");
	jsonw_str(&w, "absent", NULL);
	jsonw_time(&w, "at", 1764383400123LL);
	jsonw_open(&w, "list", '[');
	jsonw_int(&w, NULL, 1);
	jsonw_open(&w, NULL, '{');
	jsonw_close(&w, '}');
	jsonw_str(&w, NULL, "x");
	jsonw_close(&w, ']');
	jsonw_raw(&w, "raw", "{\"a\":[1,2]}", 11);
	jsonw_close(&w, '}');
	json_t *v = parse(&w);
	assert_string_equal(json_string_value(json_object_get(v, "id")), "385259040940228608");
	assert_string_equal(json_string_value(json_object_get(v, "ref")), "7");
	assert_true(json_is_null(json_object_get(v, "no_ref")));
	assert_int_equal(json_integer_value(json_object_get(v, "n")), -42);
	assert_true(json_is_true(json_object_get(v, "yes")));
	assert_true(json_is_false(json_object_get(v, "no")));
	assert_true(json_is_null(json_object_get(v, "nothing")));
	assert_true(json_is_null(json_object_get(v, "absent")));
	assert_string_equal(json_string_value(json_object_get(v, "at")), "2025-11-29T02:30:00.123Z");
	json_t *list = json_object_get(v, "list");
	assert_int_equal(json_array_size(list), 3);
	assert_true(json_is_object(json_array_get(list, 1)));
	assert_string_equal(json_string_value(json_array_get(list, 2)), "x");
	assert_int_equal(json_array_size(json_object_get(json_object_get(v, "raw"), "a")), 2);
	json_decref(v);
	jsonw_release(&w);
}

static void test_jsonw__grows_past_its_first_buffer(void **state)
{
	struct jsonw w;
	char big[5000];
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	jsonw_init(&w);
	jsonw_open(&w, NULL, '[');
	for (int i = 0; i < 10; i++)
		jsonw_str(&w, NULL, big);
	jsonw_close(&w, ']');
	json_t *v = parse(&w);
	assert_int_equal(json_array_size(v), 10);
	assert_int_equal(strlen(json_string_value(json_array_get(v, 9))), sizeof(big) - 1);
	assert_int_equal(strlen(w.buf), w.len);
	json_decref(v);
	jsonw_release(&w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_jsonw__strings_round_trip_with_every_escape),
		cmocka_unit_test(test_jsonw__nesting_commas_and_types),
		cmocka_unit_test(test_jsonw__grows_past_its_first_buffer),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
