/*
 * Unit tests of apps/attendance/punch.c: a punch is matched against its group's places (geofences
 * in WGS-84, whatever the phone reported, and Wi-Fi by BSSID or SSID), judged by the rule's
 * anti-cheating limits, its app list matched in plain or hashed form, its clock read in any RFC
 * 3339 offset, its coordinates sealed and opened for the speed check, and read back by results
 * without the punches rejected in review.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <sodium.h>
#include "apps/attendance/punch.h"
#include "core/geo.h"
#include "privacy/privacy.h"
#include "store/store.h"

#define T0 1772438400000LL /* 2026-03-02T08:00:00Z */
#define MIN (60LL * 1000)

/* An office in Shanghai (WGS-84) with a 200 m geofence, another in Suzhou, and two networks. */
#define OFFICE_LAT 31.2304
#define OFFICE_LNG 121.4737
static const struct att_place places[] = {
	{ .id = 11, .latitude = OFFICE_LAT, .longitude = OFFICE_LNG, .radius_m = 200, .name = "HQ" },
	{ .id = 12, .latitude = 31.2989, .longitude = 120.5853, .radius_m = 300, .name = "Suzhou" },
	{ .id = 21, .wifi = 1, .ssid = "Office", .bssid = "aa:bb:cc:dd:ee:ff", .name = "HQ Wi-Fi" },
	{ .id = 22, .wifi = 1, .ssid = "Guest", .name = "Guest Wi-Fi" },
};
#define NPLACES (sizeof(places) / sizeof(places[0]))

/* The point metres north of the office (a degree of latitude is about 111.2 km). */
static void north_of_office(double metres, double *lat, double *lng)
{
	*lat = OFFICE_LAT + metres / 111195.0;
	*lng = OFFICE_LNG;
}

static struct punch_proof at(double lat, double lng, double accuracy)
{
	struct punch_proof p = { .has_location = 1, .latitude = lat, .longitude = lng, .accuracy_m = accuracy };
	return p;
}

static void test_punch__geofence_matches_within_its_radius_and_says_how_far(void **state)
{
	struct punch_match m;
	double lat, lng;
	north_of_office(150, &lat, &lng);
	struct punch_proof p = at(lat, lng, 10);
	assert_int_equal(punch_match(&p, places, NPLACES, &m), 1);
	assert_int_equal(m.place_id, 11);
	assert_int_equal(m.by_wifi, 0);
	assert_in_range(m.distance_m, 148, 152);
	/* Past the edge: outside, with the distance to the nearest geofence for review. */
	north_of_office(230, &lat, &lng);
	p = at(lat, lng, 10);
	assert_int_equal(punch_match(&p, places, NPLACES, &m), 0);
	assert_int_equal(m.place_id, 0);
	assert_in_range(m.distance_m, 228, 232);
	/* No geofence at all: the distance is unknown. */
	assert_int_equal(punch_match(&p, places + 2, 2, &m), 0);
	assert_int_equal(m.distance_m, -1);
}

/*
 * A phone on a Chinese map SDK reports GCJ-02, some hundreds of metres off: converted first, the
 * point 150 m inside matches; taken as WGS-84 it would not.
 */
static void test_punch__gcj02_is_converted_before_matching(void **state)
{
	struct punch_match m;
	double lat, lng, glat, glng, back_lat, back_lng;
	north_of_office(150, &lat, &lng);
	geo_wgs84_to_gcj02(lat, lng, &glat, &glng);
	assert_true(geo_distance_m(lat, lng, glat, glng) > 300); /* the shift is larger than the fence */
	struct punch_proof raw = at(glat, glng, 10);
	assert_int_equal(punch_match(&raw, places, NPLACES, &m), 0);
	geo_gcj02_to_wgs84(glat, glng, &back_lat, &back_lng);
	struct punch_proof converted = at(back_lat, back_lng, 10);
	assert_int_equal(punch_match(&converted, places, NPLACES, &m), 1);
	assert_int_equal(m.place_id, 11);
	assert_in_range(m.distance_m, 149, 151);
	/* And a point just outside stays outside however it was reported. */
	north_of_office(210, &lat, &lng);
	geo_wgs84_to_gcj02(lat, lng, &glat, &glng);
	geo_gcj02_to_wgs84(glat, glng, &back_lat, &back_lng);
	converted = at(back_lat, back_lng, 10);
	assert_int_equal(punch_match(&converted, places, NPLACES, &m), 0);
}

static void test_punch__wifi_matches_by_bssid_else_by_ssid(void **state)
{
	struct punch_match m;
	struct punch_proof p = { .has_wifi = 1, .ssid = "Office", .bssid = "aa:bb:cc:dd:ee:ff" };
	assert_int_equal(punch_match(&p, places, NPLACES, &m), 1);
	assert_int_equal(m.place_id, 21);
	assert_int_equal(m.by_wifi, 1);
	assert_int_equal(m.distance_m, -1);
	/* The right name on another router is not the office's network. */
	snprintf(p.bssid, sizeof(p.bssid), "00:11:22:33:44:55");
	assert_int_equal(punch_match(&p, places, NPLACES, &m), 0);
	p.bssid[0] = '\0';
	assert_int_equal(punch_match(&p, places, NPLACES, &m), 0);
	/* A place that names no BSSID goes by its SSID. */
	struct punch_proof guest = { .has_wifi = 1, .ssid = "Guest", .bssid = "01:02:03:04:05:06" };
	assert_int_equal(punch_match(&guest, places, NPLACES, &m), 1);
	assert_int_equal(m.place_id, 22);
	/* Location first: a punch with both proofs inside a geofence matches the geofence. */
	struct punch_proof both = at(OFFICE_LAT, OFFICE_LNG, 5);
	both.has_wifi = 1;
	snprintf(both.ssid, sizeof(both.ssid), "Guest");
	assert_int_equal(punch_match(&both, places, NPLACES, &m), 1);
	assert_int_equal(m.place_id, 11);
}

static void test_punch__bssid_is_normalised(void **state)
{
	char out[18];
	assert_int_equal(punch_bssid_normal("AA:BB:CC:DD:EE:FF", out), 0);
	assert_string_equal(out, "aa:bb:cc:dd:ee:ff");
	assert_int_equal(punch_bssid_normal("aa-bb-cc-dd-ee-0f", out), 0);
	assert_string_equal(out, "aa:bb:cc:dd:ee:0f");
	assert_int_equal(punch_bssid_normal("aa:bb:cc:dd:ee", out), -1);
	assert_int_equal(punch_bssid_normal("aa:bb:cc:dd:ee:fg", out), -1);
	assert_int_equal(punch_bssid_normal("aabb:cc:dd:ee:ff:", out), -1);
}

static const struct att_rule rule = {
	.max_speed_kmh = 300, .max_accuracy_m = 200, .clock_skew_s = 300, .location_retention_days = 30,
};

static void test_punch__judge_flags_speed_accuracy_and_skew(void **state)
{
	struct punch_proof here = at(OFFICE_LAT, OFFICE_LNG, 20);
	struct punch_prev suzhou = { .at = T0 - 10 * MIN, .latitude = 31.2989, .longitude = 120.5853, .accuracy_m = 20 };
	/* About 85 km in 10 minutes: over 500 km/h. */
	assert_int_equal(punch_judge(&rule, &here, &suzhou, T0, T0), PUNCH_FLAG_SPEED);
	/* The same in two hours is a train ride. */
	suzhou.at = T0 - 120 * MIN;
	assert_int_equal(punch_judge(&rule, &here, &suzhou, T0, T0), 0);
	/* Jitter within both accuracies is no movement, however soon. */
	struct punch_prev near = { .at = T0 - 1000, .latitude = OFFICE_LAT + 30 / 111195.0, .longitude = OFFICE_LNG,
				   .accuracy_m = 15 };
	assert_int_equal(punch_judge(&rule, &here, &near, T0, T0), 0);
	/* The same instant somewhere else. */
	near.at = T0;
	near.latitude = OFFICE_LAT + 0.01;
	assert_int_equal(punch_judge(&rule, &here, &near, T0, T0), PUNCH_FLAG_SPEED);
	/* Accuracy worse than the rule's limit, and a phone clock 6 minutes off either way. */
	struct punch_proof vague = at(OFFICE_LAT, OFFICE_LNG, 250);
	assert_int_equal(punch_judge(&rule, &vague, NULL, T0, T0), PUNCH_FLAG_ACCURACY);
	assert_int_equal(punch_judge(&rule, &here, NULL, T0, T0 + 6 * MIN), PUNCH_FLAG_CLOCK_SKEW);
	assert_int_equal(punch_judge(&rule, &here, NULL, T0, T0 - 6 * MIN), PUNCH_FLAG_CLOCK_SKEW);
	assert_int_equal(punch_judge(&rule, &here, NULL, T0, T0 - 4 * MIN), 0);
	/* A Wi-Fi punch has no location to judge; a rule of zeros judges nothing. */
	struct punch_proof wifi = { .has_wifi = 1, .ssid = "Office" };
	assert_int_equal(punch_judge(&rule, &wifi, &suzhou, T0, T0), 0);
	struct att_rule lax = { 0 };
	assert_int_equal(punch_judge(&lax, &vague, &near, T0, T0 + 3600 * 1000LL), 0);
}

static void test_punch__blocked_apps_match_plain_or_hashed(void **state)
{
	const char *list[] = { "com.example.fakegps", "com.example.cloner" };
	const char *clean[] = { "com.android.chrome", "com.tencent.mm" };
	const char *dirty[] = { "com.android.chrome", "com.example.fakegps" };
	assert_int_equal(punch_apps_blocked(clean, 2, list, 2), 0);
	assert_int_equal(punch_apps_blocked(dirty, 2, list, 2), 1);
	assert_int_equal(punch_apps_blocked(dirty, 2, list, 0), 0);
	assert_int_equal(punch_apps_blocked(NULL, 0, list, 2), 0);
	/* A phone may send SHA-256 hashes of the identifiers instead. */
	unsigned char h[crypto_hash_sha256_BYTES];
	char hex[crypto_hash_sha256_BYTES * 2 + 1];
	crypto_hash_sha256(h, (const unsigned char *)"com.example.cloner", strlen("com.example.cloner"));
	sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
	const char *hashed[] = { "0000", hex };
	assert_int_equal(punch_apps_blocked(hashed, 2, list, 2), 1);
	/* Case matters: identifiers are exact. */
	const char *upper[] = { "COM.EXAMPLE.FAKEGPS" };
	assert_int_equal(punch_apps_blocked(upper, 1, list, 2), 0);
}

static void test_punch__client_time_reads_any_offset(void **state)
{
	int64_t ms;
	assert_int_equal(punch_time_parse("2026-03-02T08:00:00Z", &ms), 0);
	assert_int_equal(ms, T0);
	assert_int_equal(punch_time_parse("2026-03-02T16:00:00.250+08:00", &ms), 0);
	assert_int_equal(ms, T0 + 250);
	assert_int_equal(punch_time_parse("2026-03-02T03:30:00-04:30", &ms), 0);
	assert_int_equal(ms, T0);
	assert_int_equal(punch_time_parse("2026-03-02T08:00:00.123456Z", &ms), 0);
	assert_int_equal(ms, T0 + 123);
	assert_int_equal(punch_time_parse("2026-03-02T08:00:00", &ms), -1);
	assert_int_equal(punch_time_parse("2026-03-02T08:00:00+0800", &ms), -1);
	assert_int_equal(punch_time_parse("2026-03-02T08:00:00+24:00", &ms), -1);
	assert_int_equal(punch_time_parse("2026-02-30T08:00:00Z", &ms), -1);
	assert_int_equal(punch_time_parse("yesterday", &ms), -1);
	assert_int_equal(punch_time_parse("", &ms), -1);
}

static void test_punch__kinds_and_reviews_round_trip(void **state)
{
	enum punch_kind k;
	for (int i = PUNCH_LOCATION; i <= PUNCH_FIELD; i++) {
		assert_int_equal(punch_kind_parse(punch_kind_name((enum punch_kind)i), &k), 0);
		assert_int_equal(k, i);
	}
	assert_int_equal(punch_kind_parse("face", &k), -1);
	for (int i = ATT_REVIEW_NONE; i <= ATT_REVIEW_REJECTED; i++)
		assert_int_equal(punch_review_parse(punch_review_name((enum att_review)i)), i);
	assert_int_equal(punch_review_parse("maybe"), -1);
	assert_string_equal(punch_flag_names[3], "implausible_speed"); /* bit 3: PUNCH_FLAG_SPEED */
	assert_int_equal(1 << 3, PUNCH_FLAG_SPEED);
}

/* ---- with a store ---- */

struct fixture {
	struct store *st;
	struct keyring *kr;
};

static int setup(void **state)
{
	static const uint8_t master[KEYRING_KEY_LEN] = "punch-test-master-key-32-bytes!!";
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

static void run(struct store *st, const char *sql)
{
	assert_int_equal(store_run(store_prepare(st, sql)), STORE_DONE);
}

/* Enterprise 10 with member 2 (owner 1). */
static void seed(struct fixture *f)
{
	run(f->st, "INSERT INTO users (id, phone_index, phone_sealed, name, policy_version, created_at, updated_at)"
		   " VALUES (1, x'01', x'01', 'a', '1', 0, 0), (2, x'02', x'02', 'b', '1', 0, 0)");
	run(f->st, "INSERT INTO enterprises (id, name, industry, size, region, owner_id, created_at, updated_at)"
		   " VALUES (10, 'e', 'i', 's', 'r', 1, 0, 0)");
	run(f->st, "INSERT INTO members (enterprise_id, user_id, name_in_enterprise, role, status, joined_at)"
		   " VALUES (10, 1, 'a', 'owner', 'active', 0), (10, 2, 'b', 'member', 'active', 0)");
}

static void insert_punch(struct fixture *f, int64_t id, int64_t at, int64_t place, const char *review,
			 const struct punch_proof *where)
{
	char text[160];
	size_t len = 0;
	uint8_t *sealed = NULL;
	if (where) {
		assert_int_equal(punch_location_text(where, text, sizeof(text)), 0);
		assert_non_null(sealed = subject_seal(f->st, f->kr, 2, PUNCH_LOCATION_FIELD, text, &len));
	}
	struct store_stmt *s = store_prepare(f->st,
		"INSERT INTO attendance_punches (id, enterprise_id, user_id, idempotency_key, kind, punched_at, day,"
		" client_time, device_id, place_id, location_sealed, location_expires_at, flags, review)"
		" VALUES (?, 10, 2, ?, 'location', ?, '2026-03-02', ?, 'phone', ?, ?, ?, 0, ?)");
	char key[32];
	snprintf(key, sizeof(key), "k%lld", (long long)id);
	store_bind_int(s, 1, id);
	store_bind_text(s, 2, key, -1);
	store_bind_int(s, 3, at);
	store_bind_int(s, 4, at);
	if (place)
		store_bind_int(s, 5, place);
	else
		store_bind_null(s, 5);
	if (sealed) {
		store_bind_blob(s, 6, sealed, len);
		store_bind_int(s, 7, at + 30 * 24 * 60 * MIN);
	} else {
		store_bind_null(s, 6);
		store_bind_null(s, 7);
	}
	store_bind_text(s, 8, review, -1);
	assert_int_equal(store_run(s), STORE_DONE);
	free(sealed);
}

static void test_punch__results_read_punches_without_rejected_ones(void **state)
{
	struct fixture *f = *state;
	struct att_punch out[8];
	seed(f);
	insert_punch(f, 100, T0, 11, "none", NULL);
	insert_punch(f, 101, T0 + MIN, 0, "pending", NULL);
	insert_punch(f, 102, T0 + 2 * MIN, 11, "rejected", NULL);
	insert_punch(f, 103, T0 + 3 * MIN, 0, "accepted", NULL);
	insert_punch(f, 104, T0 + 24 * 60 * MIN, 11, "none", NULL);
	int n = att_punches_between(f->st, 10, 2, T0, T0 + 24 * 60 * MIN, out, 8);
	assert_int_equal(n, 3);
	assert_int_equal(out[0].id, 100);
	assert_int_equal(out[0].place_id, 11);
	assert_int_equal(out[0].field, 0);
	assert_int_equal(out[1].id, 101);
	assert_int_equal(out[1].field, 1);
	assert_int_equal(out[1].review, ATT_REVIEW_PENDING);
	assert_int_equal(out[2].id, 103);
	assert_int_equal(out[2].review, ATT_REVIEW_ACCEPTED);
	/* At most max, and another person or enterprise has none. */
	assert_int_equal(att_punches_between(f->st, 10, 2, T0, T0 + 24 * 60 * MIN, out, 2), 2);
	assert_int_equal(att_punches_between(f->st, 10, 1, 0, INT64_MAX, out, 8), 0);
	assert_int_equal(att_punches_between(f->st, 11, 2, 0, INT64_MAX, out, 8), 0);
}

static void test_punch__previous_location_is_opened_with_the_persons_key(void **state)
{
	struct fixture *f = *state;
	struct punch_prev prev;
	seed(f);
	assert_int_equal(subject_key_create(f->st, f->kr, 2), 0);
	assert_int_equal(punch_prev_located(f->st, f->kr, 10, 2, &prev), 0);
	struct punch_proof a = at(31.2989, 120.5853, 12.5), b = at(OFFICE_LAT, OFFICE_LNG, 8);
	insert_punch(f, 100, T0, 12, "none", &a);
	insert_punch(f, 101, T0 + MIN, 21, "none", NULL); /* a Wi-Fi punch carries no location */
	assert_int_equal(punch_prev_located(f->st, f->kr, 10, 2, &prev), 1);
	assert_int_equal(prev.at, T0);
	assert_true(fabs(prev.latitude - 31.2989) < 1e-6 && fabs(prev.longitude - 120.5853) < 1e-6);
	assert_true(fabs(prev.accuracy_m - 12.5) < 1e-6);
	insert_punch(f, 102, T0 + 2 * MIN, 11, "none", &b);
	assert_int_equal(punch_prev_located(f->st, f->kr, 10, 2, &prev), 1);
	assert_true(fabs(prev.latitude - OFFICE_LAT) < 1e-6);
	/* Cleared by retention: the one before is all there is; the key destroyed: nothing. */
	run(f->st, "UPDATE attendance_punches SET location_sealed = NULL, location_expires_at = NULL WHERE id = 102");
	assert_int_equal(punch_prev_located(f->st, f->kr, 10, 2, &prev), 1);
	assert_int_equal(prev.at, T0);
	assert_int_equal(subject_key_destroy(f->st, 2), 0);
	assert_int_equal(punch_prev_located(f->st, f->kr, 10, 2, &prev), 0);
}

static void test_punch__location_text_round_trips(void **state)
{
	char text[160];
	double lat, lng, acc;
	struct punch_proof p = at(-33.8688197, 151.2092955, 7.5);
	assert_int_equal(punch_location_text(&p, text, sizeof(text)), 0);
	assert_int_equal(punch_location_parse(text, &lat, &lng, &acc), 0);
	assert_true(fabs(lat - p.latitude) < 1e-7 && fabs(lng - p.longitude) < 1e-7 && fabs(acc - 7.5) < 1e-9);
	assert_int_equal(punch_location_text(&p, text, 10), -1); /* a full buffer is an error, not a cut */
	assert_int_equal(punch_location_parse("{\"latitude\":1}", &lat, &lng, &acc), -1);
	assert_int_equal(punch_location_parse("not json", &lat, &lng, &acc), -1);
}

/* Leaving the enterprise takes the punches, the bound device and the requests with it (PP-37). */
static void test_punch__rows_go_with_the_membership(void **state)
{
	struct fixture *f = *state;
	seed(f);
	insert_punch(f, 100, T0, 11, "none", NULL);
	run(f->st, "INSERT INTO attendance_devices (enterprise_id, user_id, device_id, bound_at) VALUES (10, 2, 'phone', 0)");
	run(f->st, "INSERT INTO attendance_device_changes (id, enterprise_id, user_id, device_id, reason, status, created_at)"
		   " VALUES (1, 10, 2, 'new', 'lost it', 'pending', 0)");
	run(f->st, "DELETE FROM members WHERE enterprise_id = 10 AND user_id = 2");
	struct store_stmt *s = store_prepare(f->st,
		"SELECT (SELECT count(*) FROM attendance_punches) + (SELECT count(*) FROM attendance_devices)"
		" + (SELECT count(*) FROM attendance_device_changes)");
	assert_int_equal(store_step(s), STORE_ROW);
	assert_int_equal(store_col_int(s, 0), 0);
	store_reset(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_punch__geofence_matches_within_its_radius_and_says_how_far),
		cmocka_unit_test(test_punch__gcj02_is_converted_before_matching),
		cmocka_unit_test(test_punch__wifi_matches_by_bssid_else_by_ssid),
		cmocka_unit_test(test_punch__bssid_is_normalised),
		cmocka_unit_test(test_punch__judge_flags_speed_accuracy_and_skew),
		cmocka_unit_test(test_punch__blocked_apps_match_plain_or_hashed),
		cmocka_unit_test(test_punch__client_time_reads_any_offset),
		cmocka_unit_test(test_punch__kinds_and_reviews_round_trip),
		cmocka_unit_test_setup_teardown(test_punch__results_read_punches_without_rejected_ones, setup, teardown),
		cmocka_unit_test_setup_teardown(test_punch__previous_location_is_opened_with_the_persons_key, setup, teardown),
		cmocka_unit_test(test_punch__location_text_round_trips),
		cmocka_unit_test_setup_teardown(test_punch__rows_go_with_the_membership, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
