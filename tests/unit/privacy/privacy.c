/* Unit tests of privacy/privacy.c: subject keys (erasure by key destruction), consents, the policy. */
#define _GNU_SOURCE /* memmem */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "privacy/privacy.h"

struct fixture {
	struct store *st;
	struct keyring *kr;
};

/* Each test gets a fresh migrated in-memory store and a key ring on a fixed master key. */
static int setup(void **state)
{
	static const uint8_t master[KEYRING_KEY_LEN] = "privacy-test-master-key-32-bytes";
	char err[256];
	struct fixture *f = calloc(1, sizeof(*f));
	if (!(f->st = store_open(":memory:", err, sizeof(err))) || store_migrate(f->st, err, sizeof(err))) {
		fprintf(stderr, "store: %s\n", err);
		return -1;
	}
	if (!(f->kr = keyring_from_bytes(master)))
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	store_close(f->st);
	keyring_free(f->kr);
	free(f);
	return 0;
}

static void test_privacy__seal_open_round_trip(void **state)
{
	struct fixture *f = *state;
	size_t len = 0;
	assert_int_equal(subject_key_create(f->st, f->kr, 1), 0);
	uint8_t *sealed = subject_seal(f->st, f->kr, 1, "users.phone", "+8613800138000", &len);
	assert_non_null(sealed);
	assert_int_equal(len, strlen("+8613800138000") + KEYRING_SEAL_OVERHEAD);
	assert_null(memmem(sealed, len, "13800138000", 11));
	char *opened = subject_open(f->st, f->kr, 1, "users.phone", sealed, len);
	assert_non_null(opened);
	assert_string_equal(opened, "+8613800138000");
	free(opened);
	free(sealed);

	/* The empty string seals and opens as itself. */
	sealed = subject_seal(f->st, f->kr, 1, "users.email", "", &len);
	assert_non_null(sealed);
	opened = subject_open(f->st, f->kr, 1, "users.email", sealed, len);
	assert_non_null(opened);
	assert_string_equal(opened, "");
	free(opened);
	free(sealed);
}

static void test_privacy__key_create_fails_when_one_exists(void **state)
{
	struct fixture *f = *state;
	size_t len = 0;
	assert_int_equal(subject_key_create(f->st, f->kr, 7), 0);
	uint8_t *sealed = subject_seal(f->st, f->kr, 7, "users.phone", "+8613900001111", &len);
	assert_non_null(sealed);
	/* A second create must not replace the key: what was sealed still opens. */
	assert_int_equal(subject_key_create(f->st, f->kr, 7), -1);
	char *opened = subject_open(f->st, f->kr, 7, "users.phone", sealed, len);
	assert_non_null(opened);
	assert_string_equal(opened, "+8613900001111");
	free(opened);
	free(sealed);
}

static void test_privacy__sealed_value_opens_only_as_its_field_and_subject(void **state)
{
	struct fixture *f = *state;
	size_t len = 0;
	assert_int_equal(subject_key_create(f->st, f->kr, 1), 0);
	assert_int_equal(subject_key_create(f->st, f->kr, 2), 0);
	uint8_t *sealed = subject_seal(f->st, f->kr, 1, "users.phone", "+8613800138000", &len);
	assert_non_null(sealed);
	assert_null(subject_open(f->st, f->kr, 1, "users.email", sealed, len));
	assert_null(subject_open(f->st, f->kr, 2, "users.phone", sealed, len));
	assert_null(subject_open(f->st, f->kr, 3, "users.phone", sealed, len)); /* no key at all */
	assert_null(subject_open(f->st, f->kr, 1, "users.phone", sealed, len - 1));
	assert_null(subject_open(f->st, f->kr, 1, "users.phone", sealed, KEYRING_SEAL_OVERHEAD - 1));
	sealed[len / 2] ^= 1;
	assert_null(subject_open(f->st, f->kr, 1, "users.phone", sealed, len));
	sealed[len / 2] ^= 1;

	/* Under another master key nothing opens, even with the row in place. */
	static const uint8_t other_master[KEYRING_KEY_LEN] = "another-master-key-32-bytes-long";
	struct keyring *other = keyring_from_bytes(other_master);
	assert_non_null(other);
	assert_null(subject_open(f->st, other, 1, "users.phone", sealed, len));
	keyring_free(other);

	char *opened = subject_open(f->st, f->kr, 1, "users.phone", sealed, len);
	assert_non_null(opened);
	free(opened);
	free(sealed);
}

static void test_privacy__destroyed_key_erases_for_good(void **state)
{
	struct fixture *f = *state;
	size_t len = 0, len2 = 0;
	assert_int_equal(subject_key_create(f->st, f->kr, 1), 0);
	assert_int_equal(subject_key_create(f->st, f->kr, 2), 0);
	uint8_t *sealed = subject_seal(f->st, f->kr, 1, "users.phone", "+8613800138000", &len);
	uint8_t *other = subject_seal(f->st, f->kr, 2, "users.phone", "+8613900001111", &len2);
	assert_non_null(sealed);
	assert_non_null(other);

	assert_int_equal(subject_key_destroy(f->st, 1), 0);
	assert_null(subject_open(f->st, f->kr, 1, "users.phone", sealed, len));
	/* Nothing new can be sealed for the erased subject. */
	size_t n = 99;
	assert_null(subject_seal(f->st, f->kr, 1, "users.phone", "+8613800138000", &n));
	/* A new key for the same subject does not bring the old data back. */
	assert_int_equal(subject_key_create(f->st, f->kr, 1), 0);
	assert_null(subject_open(f->st, f->kr, 1, "users.phone", sealed, len));

	/* Other subjects are untouched. */
	char *opened = subject_open(f->st, f->kr, 2, "users.phone", other, len2);
	assert_non_null(opened);
	assert_string_equal(opened, "+8613900001111");
	free(opened);

	/* The key row is gone, not just hidden. */
	assert_int_equal(subject_key_destroy(f->st, 2), 0);
	struct store_stmt *s = store_prepare(f->st, "SELECT count(*) FROM subject_keys WHERE subject_id = 2");
	assert_int_equal(store_step(s), STORE_ROW);
	assert_int_equal(store_col_int(s, 0), 0);
	store_reset(s);
	assert_int_equal(subject_key_destroy(f->st, 12345), 0); /* no key: nothing to do, no error */
	free(sealed);
	free(other);
}

static void add_user(struct store *st, int64_t id)
{
	struct store_stmt *s = store_prepare(st,
		"INSERT INTO users (id, phone_index, phone_sealed, name, policy_version, created_at, updated_at)"
		" VALUES (?, ?, x'00', 'Han Meimei', 'v', 1, 1)");
	store_bind_int(s, 1, id);
	store_bind_blob(s, 2, &id, sizeof(id));
	assert_int_equal(store_run(s), STORE_DONE);
}

static void test_privacy__consent_record_appends_a_row(void **state)
{
	struct fixture *f = *state;
	add_user(f->st, 10);
	assert_int_equal(consent_record(f->st, 10, "marketing_sms", 1, policy_version(), "device-a", 1000), 0);
	assert_int_equal(consent_record(f->st, 10, "marketing_sms", 0, policy_version(), NULL, 2000), 0);

	struct store_stmt *s = store_prepare(f->st,
		"SELECT id, user_id, purpose, granted, policy_version, device_id, created_at"
		" FROM consents WHERE user_id = ? ORDER BY created_at");
	store_bind_int(s, 1, 10);
	assert_int_equal(store_step(s), STORE_ROW);
	int64_t first_id = store_col_int(s, 0);
	assert_true(first_id > 0);
	assert_int_equal(store_col_int(s, 1), 10);
	assert_string_equal(store_col_text(s, 2), "marketing_sms");
	assert_int_equal(store_col_int(s, 3), 1);
	assert_string_equal(store_col_text(s, 4), policy_version());
	assert_string_equal(store_col_text(s, 5), "device-a");
	assert_int_equal(store_col_int(s, 6), 1000);
	assert_int_equal(store_step(s), STORE_ROW); /* the revocation is a new row, the grant stays */
	assert_true(store_col_int(s, 0) != first_id);
	assert_int_equal(store_col_int(s, 3), 0);
	assert_true(store_col_is_null(s, 5));
	assert_int_equal(store_col_int(s, 6), 2000);
	assert_int_equal(store_step(s), STORE_DONE);

	/* A consent for nobody is refused. */
	assert_int_equal(consent_record(f->st, 999, "marketing_sms", 1, policy_version(), NULL, 3000), -1);
}

static int is_lower_hex(const char *s)
{
	for (; *s; s++)
		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
			return 0;
	return 1;
}

static void test_privacy__policy_version_is_16_hex_and_stable(void **state)
{
	const char *v = policy_version();
	assert_non_null(v);
	assert_int_equal(strlen(v), 16);
	assert_true(is_lower_hex(v));
	char copy[17];
	memcpy(copy, v, sizeof(copy));
	assert_string_equal(policy_version(), copy);
	assert_string_not_equal(v, "0000000000000000");
}

static void test_privacy__policy_text_is_there(void **state)
{
	size_t len = 0;
	const char *t = policy_text(&len);
	assert_non_null(t);
	assert_true(len > 100);
	assert_int_equal(strlen(t), len);
	assert_non_null(strstr(t, "Privacy Policy"));
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_privacy__seal_open_round_trip),
		T(test_privacy__key_create_fails_when_one_exists),
		T(test_privacy__sealed_value_opens_only_as_its_field_and_subject),
		T(test_privacy__destroyed_key_erases_for_good),
		T(test_privacy__consent_record_appends_a_row),
		cmocka_unit_test(test_privacy__policy_version_is_16_hex_and_stable),
		cmocka_unit_test(test_privacy__policy_text_is_there),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
