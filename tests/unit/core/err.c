/* Unit tests of core/err.c: the error table clients match on. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "core/err.h"

static void test_err__every_error_has_a_4xx_or_5xx_status(void **state)
{
	assert_int_equal(err_status(ERR_OK), 200);
	for (int e = 0; e < ERR__COUNT; e++) {
		if (e == ERR_OK)
			continue;
		int s = err_status((enum err)e);
		if (s < 400 || s > 599)
			fail_msg("error '%s' has status %d, not 4xx or 5xx", err_code((enum err)e), s);
	}
}

static void test_err__codes_are_unique_snake_case(void **state)
{
	for (int a = 0; a < ERR__COUNT; a++) {
		const char *code = err_code((enum err)a);
		assert_non_null(code);
		assert_true(code[0] != '\0');
		for (const char *p = code; *p; p++)
			if (!((*p >= 'a' && *p <= 'z') || *p == '_'))
				fail_msg("code '%s' has a character outside [a-z_]", code);
		for (int b = a + 1; b < ERR__COUNT; b++)
			if (!strcmp(code, err_code((enum err)b)))
				fail_msg("code '%s' is used by rows %d and %d", code, a, b);
	}
}

static void test_err__texts_follow_the_message_style(void **state)
{
	for (int e = 0; e < ERR__COUNT; e++) {
		const char *t = err_text((enum err)e);
		size_t n = strlen(t);
		assert_true(n > 0);
		if (t[0] >= 'A' && t[0] <= 'Z')
			fail_msg("text of '%s' starts with a capital: '%s'", err_code((enum err)e), t);
		if (t[n - 1] == '.')
			fail_msg("text of '%s' ends with a full stop: '%s'", err_code((enum err)e), t);
	}
}

static void test_err__from_code_round_trips(void **state)
{
	for (int e = 0; e < ERR__COUNT; e++)
		assert_int_equal(err_from_code(err_code((enum err)e)), e);
	assert_int_equal(err_from_code("no_such_error"), ERR__COUNT);
	assert_int_equal(err_from_code(""), ERR__COUNT);
	assert_int_equal(err_from_code("RATE_LIMITED"), ERR__COUNT); /* codes are case-sensitive */
}

static void test_err__rows_keep_their_status_and_code(void **state)
{
	static const struct {
		enum err e;
		int status;
		const char *code;
	} rows[] = {
		{ ERR_OK, 200, "ok" },
		{ ERR_MALFORMED_JSON, 400, "malformed_json" },
		{ ERR_BODY_TOO_LARGE, 413, "body_too_large" },
		{ ERR_UNSUPPORTED_MEDIA_TYPE, 415, "unsupported_media_type" },
		{ ERR_NOT_FOUND, 404, "not_found" },
		{ ERR_METHOD_NOT_ALLOWED, 405, "method_not_allowed" },
		{ ERR_AUTH_REQUIRED, 401, "auth_required" },
		{ ERR_CSRF_FAILED, 403, "csrf_failed" },
		{ ERR_INVALID_PHONE, 400, "invalid_phone" },
		{ ERR_RATE_LIMITED, 429, "rate_limited" },
		{ ERR_CODE_LOCKED, 403, "code_locked" },
		{ ERR_ACCOUNT_EXISTS, 409, "account_exists" },
		{ ERR_ACCOUNT_NOT_FOUND, 404, "account_not_found" },
		{ ERR_POLICY_VERSION_OUTDATED, 409, "policy_version_outdated" },
		{ ERR_INTERNAL, 500, "internal_error" },
		{ ERR_UNAVAILABLE, 503, "service_unavailable" },
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		assert_string_equal(err_code(rows[i].e), rows[i].code);
		assert_int_equal(err_status(rows[i].e), rows[i].status);
	}
}

static void test_err__out_of_range_is_internal(void **state)
{
	assert_int_equal(err_status(ERR__COUNT), 500);
	assert_int_equal(err_status((enum err)-1), 500);
	assert_string_equal(err_code(ERR__COUNT), "internal_error");
	assert_string_equal(err_text((enum err)(ERR__COUNT + 7)), err_text(ERR_INTERNAL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_err__every_error_has_a_4xx_or_5xx_status),
		cmocka_unit_test(test_err__codes_are_unique_snake_case),
		cmocka_unit_test(test_err__texts_follow_the_message_style),
		cmocka_unit_test(test_err__from_code_round_trips),
		cmocka_unit_test(test_err__rows_keep_their_status_and_code),
		cmocka_unit_test(test_err__out_of_range_is_internal),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
