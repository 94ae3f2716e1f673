/* Unit tests of core/phone.c: what a person types becomes one E.164 number, or is refused. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include "core/phone.h"

static void test_phone__chinese_forms_give_one_number(void **state)
{
	static const char *forms[] = {
		"13800138000",
		"+8613800138000",
		"+86 138 0013 8000",
		"86-138-0013-8000",
		"0086 13800138000",
		"(138) 0013-8000",
		"138.0013.8000",
		"  13800138000",
		"008613800138000",
		"8613800138000",
	};
	for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		char out[PHONE_E164_LEN] = "";
		if (phone_normalize(forms[i], out))
			fail_msg("'%s' was refused", forms[i]);
		assert_string_equal(out, "+8613800138000");
	}
}

static void test_phone__every_chinese_mobile_prefix(void **state)
{
	char in[] = "1X800138000", want[] = "+861X800138000", out[PHONE_E164_LEN];
	for (char c = '3'; c <= '9'; c++) {
		in[1] = c;
		want[4] = c;
		assert_int_equal(phone_normalize(in, out), 0);
		assert_string_equal(out, want);
	}
}

static void test_phone__other_countries_need_plus(void **state)
{
	char out[PHONE_E164_LEN];
	assert_int_equal(phone_normalize("+14155552671", out), 0);
	assert_string_equal(out, "+14155552671");
	assert_int_equal(phone_normalize("+1 (415) 555-2671", out), 0);
	assert_string_equal(out, "+14155552671");
	assert_int_equal(phone_normalize("0044 7911 123456", out), 0);
	assert_string_equal(out, "+447911123456");
	assert_int_equal(phone_normalize("+12345678", out), 0); /* 8 digits: the shortest taken */
	assert_string_equal(out, "+12345678");
	assert_int_equal(phone_normalize("+123456789012345", out), 0); /* 15: the longest E.164 */
	assert_string_equal(out, "+123456789012345");
}

static void test_phone__rejects_what_is_not_a_mobile(void **state)
{
	static const char *bad[] = {
		"12345",
		"+86 123",
		"abc",
		"23800138000",          /* Chinese mobiles start with 1 */
		"12800138000",          /* ... then 3 to 9 */
		"",
		"+",
		"   ",
		"138001380001",         /* 12 digits */
		"1380013800",           /* 10 digits */
		"+0123456789",          /* no country code starts with 0 */
		"+1234567",             /* 7 digits */
		"+1234567890123456",    /* 16 digits */
		"+8612800138000",
		"+86138001380001",
		"4155552671",           /* foreign number without + */
		"13800138000x",
		"138-0013-8000 ext 1",
		"+86+13800138000",
		"1380013800０",          /* full-width digit */
		"11111111111111111111111111111111111111111111111111", /* longer than the digit buffer */
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char out[PHONE_E164_LEN] = "";
		if (phone_normalize(bad[i], out) != -1)
			fail_msg("'%s' was accepted as '%s'", bad[i], out);
	}
}

static void test_phone__mask_keeps_three_and_four(void **state)
{
	char out[PHONE_E164_LEN];
	phone_mask("+8613800138000", out);
	assert_string_equal(out, "+86138****8000");
	phone_mask("+14155552671", out);
	assert_string_equal(out, "+141****2671");
	phone_mask("+447911123456", out);
	assert_string_equal(out, "+447*****3456");
}

static void test_phone__mask_hides_the_middle_of_every_normalised_number(void **state)
{
	static const char *in[] = { "13900001111", "+12345678", "+123456789012345", "+447911123456" };
	for (size_t i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
		char e164[PHONE_E164_LEN], masked[PHONE_E164_LEN];
		assert_int_equal(phone_normalize(in[i], e164), 0);
		phone_mask(e164, masked);
		assert_int_equal(strlen(masked), strlen(e164));
		assert_non_null(strchr(masked, '*'));
		assert_string_equal(masked + strlen(masked) - 4, e164 + strlen(e164) - 4);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_phone__chinese_forms_give_one_number),
		cmocka_unit_test(test_phone__every_chinese_mobile_prefix),
		cmocka_unit_test(test_phone__other_countries_need_plus),
		cmocka_unit_test(test_phone__rejects_what_is_not_a_mobile),
		cmocka_unit_test(test_phone__mask_keeps_three_and_four),
		cmocka_unit_test(test_phone__mask_hides_the_middle_of_every_normalised_number),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
