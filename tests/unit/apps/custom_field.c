/* Unit tests of apps/org/custom_field.c: what a value of each kind may be, and which values a
 * viewer's level shows, of one enterprise only. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "apps/org/custom_field.h"
#include "store/store.h"

static void run(struct store *st, const char *sql)
{
	assert_int_equal(store_run(store_prepare(st, sql)), STORE_DONE);
}

static void test_custom_field__values_follow_their_kind(void **state)
{
	static const char *const numbers[] = { "0", "42", "-3", "3.25", "-0.5", "12345678901234567890" };
	static const char *const not_numbers[] = { "", "-", "1.", ".5", "1e3", "4,2", " 1", "1 ", "+1", "0x10",
						   "123456789012345678901234567890123" };
	for (size_t i = 0; i < sizeof(numbers) / sizeof(numbers[0]); i++)
		assert_true(custom_field_valid(CUSTOM_NUMBER, "[]", numbers[i]));
	for (size_t i = 0; i < sizeof(not_numbers) / sizeof(not_numbers[0]); i++)
		if (custom_field_valid(CUSTOM_NUMBER, "[]", not_numbers[i]))
			fail_msg("'%s' taken as a number", not_numbers[i]);
	assert_true(custom_field_valid(CUSTOM_DATE, "[]", "2024-02-29"));
	assert_false(custom_field_valid(CUSTOM_DATE, "[]", "2023-02-29"));
	assert_false(custom_field_valid(CUSTOM_DATE, "[]", "2024-2-9"));
	assert_true(custom_field_valid(CUSTOM_CHOICE, "[\"A\",\"AB\",\"血型未知\"]", "AB"));
	assert_true(custom_field_valid(CUSTOM_CHOICE, "[\"A\",\"AB\",\"血型未知\"]", "血型未知"));
	assert_false(custom_field_valid(CUSTOM_CHOICE, "[\"A\",\"AB\"]", "B"));
	assert_false(custom_field_valid(CUSTOM_CHOICE, "[\"A\",\"AB\"]", "a"));
	assert_false(custom_field_valid(CUSTOM_CHOICE, "not json", "A"));
	assert_true(custom_field_valid(CUSTOM_TEXT, "[]", "anything at all"));
}

struct seen {
	char text[2048];
};

static void written(struct store *st, int64_t eid, int64_t uid, enum member_level level, struct seen *out)
{
	struct jsonw w;
	jsonw_init(&w);
	jsonw_open(&w, NULL, '{');
	custom_field_write_values(st, eid, uid, level, &w);
	jsonw_close(&w, '}');
	snprintf(out->text, sizeof(out->text), "%s", w.buf);
	jsonw_release(&w);
}

static void test_custom_field__a_viewer_sees_what_the_level_reaches(void **state)
{
	char err[256];
	struct seen s;
	struct store *st = store_open(":memory:", err, sizeof(err));
	assert_non_null(st);
	assert_int_equal(store_migrate(st, err, sizeof(err)), 0);
	run(st, "INSERT INTO users (id, phone_index, phone_sealed, name, policy_version, created_at, updated_at)"
		" VALUES (1, x'01', x'01', 'a', '1', 0, 0)");
	run(st, "INSERT INTO enterprises (id, name, industry, size, region, owner_id, created_at, updated_at)"
		" VALUES (10, 'e', 'i', 's', 'r', 1, 0, 0), (20, 'f', 'i', 's', 'r', 1, 0, 0)");
	run(st, "INSERT INTO members (enterprise_id, user_id, name_in_enterprise, role, status, joined_at)"
		" VALUES (10, 1, 'a', 'owner', 'active', 0), (20, 1, 'a', 'owner', 'active', 0)");
	run(st, "INSERT INTO custom_fields (id, enterprise_id, name_zh, name_en, kind, level, sort, created_at, updated_at) VALUES"
		" (100, 10, '甲', 'a', 'text', 'everyone', 2, 0, 0), (101, 10, '乙', 'b', 'text', 'department', 1, 0, 0),"
		" (102, 10, '丙', 'c', 'text', 'admins', 0, 0, 0), (103, 10, '丁', 'd', 'text', 'hidden', 0, 0, 0),"
		" (200, 20, '戊', 'e', 'text', 'everyone', 0, 0, 0)");
	run(st, "INSERT INTO member_custom_values (enterprise_id, user_id, field_id, value) VALUES"
		" (10, 1, 100, 'va'), (10, 1, 101, 'vb'), (10, 1, 102, 'vc'), (10, 1, 103, 'vd'), (20, 1, 200, 've')");
	written(st, 10, 1, MEMBER_LV_EVERYONE, &s);
	assert_string_equal(s.text, "{\"custom\":[{\"id\":\"100\",\"name_zh\":\"甲\",\"name_en\":\"a\",\"value\":\"va\"}]}");
	written(st, 10, 1, MEMBER_LV_DEPARTMENT, &s);
	assert_non_null(strstr(s.text, "\"vb\""));
	assert_null(strstr(s.text, "\"vc\""));
	/* In the enterprise's order: sort, then id. */
	written(st, 10, 1, MEMBER_LV_HIDDEN, &s);
	const char *c = strstr(s.text, "\"vc\""), *d = strstr(s.text, "\"vd\""), *b = strstr(s.text, "\"vb\""),
		   *a = strstr(s.text, "\"va\"");
	assert_true(c && d && b && a && c < d && d < b && b < a);
	assert_null(strstr(s.text, "\"ve\""));
	written(st, 20, 1, MEMBER_LV_HIDDEN, &s);
	assert_string_equal(s.text, "{\"custom\":[{\"id\":\"200\",\"name_zh\":\"戊\",\"name_en\":\"e\",\"value\":\"ve\"}]}");
	store_close(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_custom_field__values_follow_their_kind),
		cmocka_unit_test(test_custom_field__a_viewer_sees_what_the_level_reaches),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
