/*
 * Unit tests of privacy/purpose.c: every declared purpose explains itself in Chinese and English
 * (PP-15), rides on a known permission, and marketing is never required.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include "privacy/purpose.h"

static int has_non_ascii(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 0x80)
			return 1;
	return 0;
}

static void test_purpose__each_explains_itself_in_both_languages(void **state)
{
	int n = 0;
	for (const struct purpose *p = purposes; p->id; p++, n++) {
		assert_true(p->version >= 1);
		/* Chinese texts are real Chinese, not English copied over. */
		assert_true(has_non_ascii(p->title_zh) && has_non_ascii(p->desc_zh));
		assert_true(strlen(p->title_en) > 0 && !has_non_ascii(p->desc_en));
		assert_true(strlen(p->desc_zh) > 30 && strlen(p->desc_en) > 30);
		assert_string_equal(p->basis, "consent");
		assert_non_null(p->pii[0]);
		assert_ptr_equal(purpose_find(p->id), p);
		for (const struct purpose *q = p + 1; q->id; q++)
			assert_string_not_equal(p->id, q->id);
	}
	assert_true(n >= 12);
	assert_null(purpose_find("no_such_purpose"));
	assert_string_equal(purpose_title(purpose_find("attendance_location"), "zh"), "考勤定位");
	assert_string_equal(purpose_title(purpose_find("attendance_location"), "en"), "Attendance location");
}

static void test_purpose__the_promised_ones_are_declared(void **state)
{
	static const char *const ids[] = {
		"attendance_location", "attendance_wifi", "face_punch_in", "face_recognition",
		"meeting_camera", "microphone", "calendar_sync", "photo_access", "app_list_anti_cheating",
		"phone_state_security", "push_notifications", "marketing_messages",
	};
	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++)
		assert_non_null(purpose_find(ids[i]));
	/* Face data is biometric and precise location is a movement trace: sensitive (PIPL art. 28). */
	assert_true(purpose_find("face_punch_in")->sensitive);
	assert_true(purpose_find("face_recognition")->sensitive);
	assert_true(purpose_find("attendance_location")->sensitive);
	assert_int_equal(purpose_find("face_punch_in")->permission, PERM_CAMERA);
	assert_int_equal(purpose_find("push_notifications")->permission, PERM_NOTIFICATIONS);
	/* PP-18, PP-22: marketing is optional, rides on nothing, and is never needed. */
	const struct purpose *m = purpose_find("marketing_messages");
	assert_int_equal(m->need, PURPOSE_OPTIONAL);
	assert_int_equal(m->permission, PERM_NONE);
}

static void test_purpose__every_permission_has_a_name_and_a_purpose(void **state)
{
	assert_null(permission_name(PERM_NONE));
	assert_int_equal(permission_find("no_such_permission"), PERM_NONE);
	assert_int_equal(permission_find(""), PERM_NONE);
	for (int i = PERM_NONE + 1; i < PERM__COUNT; i++) {
		const char *name = permission_name(i);
		assert_non_null(name);
		assert_int_equal(permission_find(name), i);
		int used = 0;
		for (const struct purpose *p = purposes; p->id; p++)
			used |= p->permission == (enum device_permission)i;
		if (!used)
			fail_msg("no purpose rides on the %s permission", name);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_purpose__each_explains_itself_in_both_languages),
		cmocka_unit_test(test_purpose__the_promised_ones_are_declared),
		cmocka_unit_test(test_purpose__every_permission_has_a_name_and_a_purpose),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
