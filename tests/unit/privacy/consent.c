/*
 * Unit tests of privacy/consent.c: the consent check every collecting module calls (live grant,
 * no record, revoked, older purpose version, device permission off, unknown purpose), the
 * append-only history, and signed receipts.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "../../../src/privacy/consent.c"

struct fixture {
	struct store *st;
	struct keyring *kr;
};

static const uint8_t master[KEYRING_KEY_LEN] = "consent-test-master-key-32-bytes";

static void add_user(struct store *st, int64_t id, const char *device)
{
	struct store_stmt *s = store_prepare(st,
		"INSERT INTO users (id, phone_index, phone_sealed, name, policy_version, created_at, updated_at)"
		" VALUES (?, ?, x'00', 'Han Meimei', 'v', 1, 1)");
	store_bind_int(s, 1, id);
	store_bind_blob(s, 2, &id, sizeof(id));
	assert_int_equal(store_run(s), STORE_DONE);
	s = store_prepare(st, "INSERT INTO known_devices (user_id, device_id, first_seen_at) VALUES (?, ?, 1)");
	store_bind_int(s, 1, id);
	store_bind_text(s, 2, device, -1);
	assert_int_equal(store_run(s), STORE_DONE);
}

/* A fresh migrated store with users 10 (device phone-a) and 20 (device phone-z). */
static int setup(void **state)
{
	char err[256];
	struct fixture *f = calloc(1, sizeof(*f));
	if (!(f->st = store_open(":memory:", err, sizeof(err))) || store_migrate(f->st, err, sizeof(err))) {
		fprintf(stderr, "store: %s\n", err);
		return -1;
	}
	if (!(f->kr = keyring_from_bytes(master)))
		return -1;
	add_user(f->st, 10, "phone-a");
	add_user(f->st, 20, "phone-z");
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

static int64_t t = 1700000000000;

static void give(struct fixture *f, int64_t user, const char *purpose, int granted, const char *device)
{
	struct consent c;
	const struct purpose *p = purpose_find(purpose);
	assert_non_null(p);
	assert_int_equal(consent_append(f->st, user, p, granted, device, t += 1000, &c), 0);
}

static enum err check(struct fixture *f, int64_t user, const char *purpose, const char *device,
		      char *detail, size_t len)
{
	detail[0] = '\0';
	return consent_require(f->st, user, purpose, device, detail, len);
}

static void test_consent__live_grant_passes(void **state)
{
	struct fixture *f = *state;
	char detail[256];
	give(f, 10, "push_notifications", 1, "phone-a");
	assert_int_equal(check(f, 10, "push_notifications", "phone-a", detail, sizeof(detail)), ERR_OK);
	assert_int_equal(check(f, 10, "push_notifications", NULL, detail, sizeof(detail)), ERR_OK);
	/* A grant covers its purpose only. */
	assert_int_equal(check(f, 10, "marketing_messages", NULL, detail, sizeof(detail)), ERR_CONSENT_REQUIRED);
}

static void test_consent__no_record_is_consent_required(void **state)
{
	struct fixture *f = *state;
	char detail[256];
	assert_int_equal(check(f, 10, "attendance_location", "phone-a", detail, sizeof(detail)), ERR_CONSENT_REQUIRED);
	assert_non_null(strstr(detail, "'attendance_location'"));
	/* Another user's grant is not this user's. */
	give(f, 20, "attendance_location", 1, "phone-z");
	assert_int_equal(check(f, 10, "attendance_location", "phone-a", detail, sizeof(detail)), ERR_CONSENT_REQUIRED);
	assert_int_equal(check(f, 20, "attendance_location", "phone-z", detail, sizeof(detail)), ERR_OK);
}

static void test_consent__revoked_is_consent_required(void **state)
{
	struct fixture *f = *state;
	char detail[256];
	give(f, 10, "face_punch_in", 1, "phone-a");
	give(f, 10, "face_punch_in", 0, "phone-a");
	assert_int_equal(check(f, 10, "face_punch_in", "phone-a", detail, sizeof(detail)), ERR_CONSENT_REQUIRED);
	assert_non_null(strstr(detail, "withdrawn"));
	struct consent_state cs;
	assert_int_equal(consent_state(f->st, 10, purpose_find("face_punch_in"), &cs), 0);
	assert_false(cs.granted);
	assert_false(cs.needs_renewal);
	assert_int_equal(cs.updated_at, t);
	/* Granting again after a revocation counts again. */
	give(f, 10, "face_punch_in", 1, "phone-a");
	assert_int_equal(check(f, 10, "face_punch_in", "phone-a", detail, sizeof(detail)), ERR_OK);
}

/* PP-19: a purpose whose version rises (what or why changed) asks again; older grants lapse. */
static void test_consent__older_purpose_version_does_not_count(void **state)
{
	struct fixture *f = *state;
	char detail[256];
	struct consent c;
	struct consent_state cs;
	struct purpose raised = *purpose_find("calendar_sync");
	give(f, 10, "calendar_sync", 1, "phone-a");
	raised.version++;
	assert_int_equal(require(f->st, &raised, 10, "phone-a", detail, sizeof(detail)), ERR_CONSENT_REQUIRED);
	assert_non_null(strstr(detail, "version"));
	assert_int_equal(consent_state(f->st, 10, &raised, &cs), 0);
	assert_false(cs.granted);
	assert_true(cs.needs_renewal);
	/* Under the declaration as it stands the grant still holds. */
	assert_int_equal(check(f, 10, "calendar_sync", "phone-a", detail, sizeof(detail)), ERR_OK);
	/* Renewing under the new version counts, and is recorded with that version. */
	assert_int_equal(consent_append(f->st, 10, &raised, 1, "phone-a", t += 1000, &c), 0);
	assert_int_equal(c.purpose_version, raised.version);
	assert_int_equal(require(f->st, &raised, 10, "phone-a", detail, sizeof(detail)), ERR_OK);
	assert_int_equal(consent_state(f->st, 10, &raised, &cs), 0);
	assert_true(cs.granted);
	assert_false(cs.needs_renewal);
	/* A revocation of an old version is no renewal to ask for. */
	give(f, 10, "photo_access", 0, NULL);
	struct purpose photos = *purpose_find("photo_access");
	photos.version++;
	assert_int_equal(consent_state(f->st, 10, &photos, &cs), 0);
	assert_false(cs.granted);
	assert_false(cs.needs_renewal);
}

/* PP-13: a permission switched off on a device stops collection from that device. */
static void test_consent__device_permission_off_is_consent_required(void **state)
{
	struct fixture *f = *state;
	char detail[256];
	give(f, 10, "push_notifications", 1, "phone-a");
	give(f, 10, "marketing_messages", 1, "phone-a");
	assert_int_equal(device_permission_set(f->st, 10, "phone-a", PERM_NOTIFICATIONS, 0, t), 0);
	assert_int_equal(check(f, 10, "push_notifications", "phone-a", detail, sizeof(detail)), ERR_CONSENT_REQUIRED);
	assert_non_null(strstr(detail, "notifications"));
	assert_non_null(strstr(detail, "'phone-a'"));
	/* Other devices, and purposes on no permission, go on. */
	assert_int_equal(check(f, 10, "push_notifications", "phone-b", detail, sizeof(detail)), ERR_OK);
	assert_int_equal(check(f, 10, "marketing_messages", "phone-a", detail, sizeof(detail)), ERR_OK);
	/* Another permission switched off does not matter; switching this one on again does. */
	assert_int_equal(device_permission_set(f->st, 10, "phone-a", PERM_CAMERA, 0, t), 0);
	assert_int_equal(device_permission_set(f->st, 10, "phone-a", PERM_NOTIFICATIONS, 1, t + 1), 0);
	assert_int_equal(check(f, 10, "push_notifications", "phone-a", detail, sizeof(detail)), ERR_OK);

	int states[PERM__COUNT];
	int64_t at;
	assert_int_equal(device_permissions_get(f->st, 10, "phone-a", states, &at), 0);
	assert_int_equal(states[PERM_NOTIFICATIONS], 1);
	assert_int_equal(states[PERM_CAMERA], 0);
	assert_int_equal(states[PERM_LOCATION], -1);
	assert_int_equal(at, t + 1);
	/* Another user's switch is not this user's. */
	assert_int_equal(device_permissions_get(f->st, 20, "phone-a", states, &at), 0);
	assert_int_equal(states[PERM_NOTIFICATIONS], -1);
	assert_int_equal(at, 0);
}

static void test_consent__unknown_purpose(void **state)
{
	struct fixture *f = *state;
	char detail[256];
	assert_int_equal(check(f, 10, "read_my_mind", NULL, detail, sizeof(detail)), ERR_UNKNOWN_PURPOSE);
	assert_non_null(strstr(detail, "'read_my_mind'"));
	/* The policy acceptance is a record, not a purpose anyone can require or grant. */
	assert_int_equal(check(f, 10, "privacy_policy", NULL, detail, sizeof(detail)), ERR_UNKNOWN_PURPOSE);
}

struct seen {
	int64_t ids[16];
	int n;
};

static void collect(const struct consent *c, void *arg)
{
	struct seen *s = arg;
	assert_true(s->n < 16);
	assert_int_equal(c->user, 10);
	s->ids[s->n++] = c->id;
}

static void test_consent__history_is_every_record_newest_first(void **state)
{
	struct fixture *f = *state;
	struct consent a, b, c, got;
	const struct purpose *p = purpose_find("microphone");
	assert_int_equal(consent_append(f->st, 10, p, 1, "phone-a", t += 1000, &a), 0);
	assert_int_equal(consent_append(f->st, 10, p, 0, NULL, t += 1000, &b), 0);
	assert_int_equal(consent_append(f->st, 10, p, 1, "phone-a", t += 1000, &c), 0);
	give(f, 20, "microphone", 1, "phone-z");
	struct seen s = { .n = 0 };
	assert_int_equal(consent_history(f->st, 10, collect, &s), 0);
	assert_int_equal(s.n, 3);
	assert_true(s.ids[0] == c.id && s.ids[1] == b.id && s.ids[2] == a.id);

	assert_int_equal(consent_get(f->st, 10, b.id, &got), 0);
	assert_string_equal(got.purpose, "microphone");
	assert_int_equal(got.purpose_version, p->version);
	assert_int_equal(got.granted, 0);
	assert_string_equal(got.policy_version, policy_version());
	assert_string_equal(got.device_id, "");
	assert_int_equal(got.created_at, b.created_at);
	/* Someone else's record is as good as none. */
	assert_int_equal(consent_get(f->st, 20, b.id, &got), -1);
}

static void test_consent__receipt_is_signed_and_binds_its_content(void **state)
{
	struct fixture *f = *state;
	struct consent c;
	struct consent_receipt cr;
	uint8_t pk[KEYRING_SIGN_PK_LEN], sig[KEYRING_SIGNATURE_LEN];
	char key_id[KEYRING_KEY_ID_LEN];
	size_t siglen;
	assert_int_equal(consent_append(f->st, 10, purpose_find("attendance_location"), 1, "phone-a",
					1700000123456, &c), 0);
	assert_int_equal(consent_receipt_make(f->st, f->kr, 10, c.id, "zh", &cr), 0);
	assert_non_null(strstr(cr.text, "\"version\":\"KI-CR-v1.1.0\""));
	assert_non_null(strstr(cr.text, "\"consentTimestamp\":1700000123,"));
	assert_non_null(strstr(cr.text, "\"purpose\":\"考勤定位\""));
	assert_non_null(strstr(cr.text, "\"sensitive\":true"));
	assert_non_null(strstr(cr.text, "\"granted\":true"));
	assert_non_null(strstr(cr.text, "\"device_id\":\"phone-a\""));

	keyring_sign_public(f->kr, pk, key_id);
	assert_string_equal(cr.key_id, key_id);
	assert_int_equal(sodium_base642bin(sig, sizeof(sig), cr.signature, strlen(cr.signature), NULL, &siglen,
					   NULL, sodium_base64_VARIANT_URLSAFE_NO_PADDING), 0);
	assert_int_equal(siglen, sizeof(sig));
	assert_int_equal(crypto_sign_verify_detached(sig, (const uint8_t *)cr.text, cr.len, pk), 0);
	/* A receipt changed after signing no longer verifies. */
	char *at = strstr(cr.text, "\"granted\":true");
	memcpy(at, "\"granted\":fals", 14);
	assert_int_not_equal(crypto_sign_verify_detached(sig, (const uint8_t *)cr.text, cr.len, pk), 0);
	consent_receipt_release(&cr);

	/* In English on request; never for another user's record. */
	assert_int_equal(consent_receipt_make(f->st, f->kr, 10, c.id, "en", &cr), 0);
	assert_non_null(strstr(cr.text, "\"purpose\":\"Attendance location\""));
	consent_receipt_release(&cr);
	assert_int_equal(consent_receipt_make(f->st, f->kr, 20, c.id, "zh", &cr), -1);
	assert_null(cr.text);
	consent_receipt_release(&cr);
}

/* The signing key follows from the master key: receipts verify after a restart, not under
 * another installation's key. */
static void test_consent__signing_key_is_derived_from_the_master_key(void **state)
{
	static const uint8_t other_master[KEYRING_KEY_LEN] = "another-master-key-32-bytes-long";
	struct fixture *f = *state;
	struct keyring *same = keyring_from_bytes(master), *other = keyring_from_bytes(other_master);
	uint8_t pk1[KEYRING_SIGN_PK_LEN], pk2[KEYRING_SIGN_PK_LEN], pk3[KEYRING_SIGN_PK_LEN];
	char id1[KEYRING_KEY_ID_LEN], id2[KEYRING_KEY_ID_LEN], id3[KEYRING_KEY_ID_LEN];
	keyring_sign_public(f->kr, pk1, id1);
	keyring_sign_public(same, pk2, id2);
	keyring_sign_public(other, pk3, id3);
	assert_memory_equal(pk1, pk2, sizeof(pk1));
	assert_string_equal(id1, id2);
	assert_int_equal(strlen(id1), 16);
	assert_memory_not_equal(pk1, pk3, sizeof(pk1));
	assert_string_not_equal(id1, id3);
	keyring_free(same);
	keyring_free(other);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_consent__live_grant_passes),
		T(test_consent__no_record_is_consent_required),
		T(test_consent__revoked_is_consent_required),
		T(test_consent__older_purpose_version_does_not_count),
		T(test_consent__device_permission_off_is_consent_required),
		T(test_consent__unknown_purpose),
		T(test_consent__history_is_every_record_newest_first),
		T(test_consent__receipt_is_signed_and_binds_its_content),
		T(test_consent__signing_key_is_derived_from_the_master_key),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
