/*
 * Unit tests of apps/attendance/rules.c and calendar.c: local dates and time zones, the work
 * calendar with holidays and swapped working weekends, which group and rule a person has, the
 * shifts they work on a day, and the checks a rule passes before it is stored.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "apps/attendance/rules_int.h"
#include "../lib/db.h"

/*
 * Enterprise 10: departments 1 (top) ─ 2 ─ 3, and 4 (top).  Members 1…6; 7 is a member of
 * enterprise 20 only.
 *   user 1: department 3 (primary)      user 2: department 2 (primary)
 *   user 3: department 3, named into group 300
 *   user 4: department 4 (primary) and 3   user 5: department 3, an exception of group 200
 *   user 6: no department
 * Group 100 (fixed, 09:00–18:00) has department 1, group 200 (scheduled) department 2, group 300
 * (flexible) nobody by department.
 */
static int setup_rules(void **state)
{
	if (setup(state))
		return -1;
	struct store *st = *state;
	run(st, "INSERT INTO users (id, phone_index, phone_sealed, name, policy_version, created_at, updated_at) VALUES"
		" (1, x'01', x'01', 'a', '1', 0, 0), (2, x'02', x'02', 'b', '1', 0, 0), (3, x'03', x'03', 'c', '1', 0, 0),"
		" (4, x'04', x'04', 'd', '1', 0, 0), (5, x'05', x'05', 'e', '1', 0, 0), (6, x'06', x'06', 'f', '1', 0, 0),"
		" (7, x'07', x'07', 'g', '1', 0, 0)");
	run(st, "INSERT INTO enterprises (id, name, industry, size, region, owner_id, created_at, updated_at)"
		" VALUES (10, 'e', 'i', 's', 'r', 1, 0, 0), (20, 'f', 'i', 's', 'r', 7, 0, 0)");
	run(st, "INSERT INTO members (enterprise_id, user_id, name_in_enterprise, role, status, joined_at) VALUES"
		" (10, 1, 'a', 'owner', 'active', 0), (10, 2, 'b', 'member', 'active', 0), (10, 3, 'c', 'member', 'active', 0),"
		" (10, 4, 'd', 'member', 'active', 0), (10, 5, 'e', 'member', 'active', 0), (10, 6, 'f', 'member', 'active', 0),"
		" (20, 7, 'g', 'owner', 'active', 0)");
	run(st, "INSERT INTO departments (id, enterprise_id, name, parent_id) VALUES (1, 10, 'd', NULL), (2, 10, 'd', 1),"
		" (3, 10, 'd', 2), (4, 10, 'd', NULL), (9, 20, 'd', NULL)");
	run(st, "INSERT INTO member_departments (enterprise_id, user_id, department_id, is_primary) VALUES"
		" (10, 1, 3, 1), (10, 2, 2, 1), (10, 3, 3, 1), (10, 4, 4, 1), (10, 4, 3, 0), (10, 5, 3, 1)");
	run(st, "INSERT INTO attendance_groups (id, enterprise_id, name, kind, created_at, updated_at) VALUES"
		" (100, 10, 'office', 'fixed', 0, 0), (200, 10, 'plant', 'scheduled', 0, 0), (300, 10, 'sales', 'flexible', 0, 0)");
	struct att_rule rule;
	att_rule_defaults(&rule);
	rule.enterprise_id = 10;
	rule.group_id = 100;
	rule.kind = ATT_FIXED;
	rule.nshifts = 1;
	rule.shifts[0] = (struct att_shift){ .start = 9 * 60, .end = 18 * 60, .late_grace = 10,
					     .breaks = { { 12 * 60, 13 * 60 } }, .nbreaks = 1 };
	assert_int_equal(att_rule_store(st, &rule), 0);
	att_rule_defaults(&rule);
	rule.enterprise_id = 10;
	rule.group_id = 200;
	rule.kind = ATT_SCHEDULED;
	rule.nshifts = 2;
	rule.shifts[0] = (struct att_shift){ .name = "早班", .start = 6 * 60, .end = 14 * 60 };
	rule.shifts[1] = (struct att_shift){ .name = "夜班", .start = 22 * 60, .end = 6 * 60 };
	assert_int_equal(att_rule_store(st, &rule), 0);
	att_rule_defaults(&rule);
	rule.enterprise_id = 10;
	rule.group_id = 300;
	rule.kind = ATT_FLEXIBLE;
	rule.hours_per_day = 8 * 60;
	assert_int_equal(att_rule_store(st, &rule), 0);
	run(st, "INSERT INTO attendance_group_departments (enterprise_id, group_id, department_id) VALUES (10, 100, 1), (10, 200, 2)");
	run(st, "INSERT INTO attendance_group_people (enterprise_id, group_id, user_id, excluded) VALUES (10, 300, 3, 0), (10, 200, 5, 1)");
	return 0;
}

static void test_attendance_rules__dates_and_weekdays(void **state)
{
	char day[ATT_DAY_LEN];
	assert_true(att_day_valid("2024-02-29"));
	assert_false(att_day_valid("2025-02-29"));
	assert_false(att_day_valid("2025-13-01"));
	assert_false(att_day_valid("2025-1-01"));
	assert_false(att_day_valid("1969-12-31"));
	assert_false(att_day_valid(NULL));
	assert_int_equal(att_weekday("1970-01-01"), 4); /* a Thursday */
	assert_int_equal(att_weekday("2025-10-01"), 3); /* National Day 2025: a Wednesday */
	assert_int_equal(att_weekday("2025-09-28"), 7); /* the Sunday worked for it */
	assert_int_equal(att_weekday("2000-02-29"), 2);
	assert_int_equal(att_weekday("bad"), 0);
	att_day_add("2024-02-28", 1, day);
	assert_string_equal(day, "2024-02-29");
	att_day_add("2024-12-31", 1, day);
	assert_string_equal(day, "2025-01-01");
	att_day_add("2025-03-01", -1, day);
	assert_string_equal(day, "2025-02-28");
	att_day_add("2025-01-01", 365 * 400 + 97, day); /* one Gregorian cycle */
	assert_string_equal(day, "2425-01-01");
	att_day_add("nope", 1, day);
	assert_string_equal(day, "");
}

/* Local dates at a fixed offset: Shanghai is 8 hours ahead, so 16:30 UTC is past midnight there. */
static void test_attendance_rules__local_time_in_a_fixed_zone(void **state)
{
	char day[ATT_DAY_LEN];
	int minute, offset;
	int64_t ms = att_day_ms("2025-06-02", 0) + (16 * 60 + 30) * 60000LL;
	att_local_time(ms, 480, day, &minute);
	assert_string_equal(day, "2025-06-03");
	assert_int_equal(minute, 30);
	att_local_time(ms, 0, day, &minute);
	assert_string_equal(day, "2025-06-02");
	assert_int_equal(minute, 16 * 60 + 30);
	att_local_time(ms, -300, day, &minute); /* Bogota */
	assert_string_equal(day, "2025-06-02");
	assert_int_equal(minute, 11 * 60 + 30);
	/* Local midnight of a Shanghai day is 16:00 UTC the day before. */
	assert_true(att_day_ms("2025-06-03", 480) == att_day_ms("2025-06-02", 0) + 16 * 3600000LL);
	assert_true(att_day_ms("bad", 480) == INT64_MIN);
	assert_non_null(att_zone_find("Asia/Shanghai", &offset));
	assert_int_equal(offset, 480);
	assert_non_null(att_zone_find("Asia/Kolkata", &offset));
	assert_int_equal(offset, 330);
	assert_null(att_zone_find("Europe/London", &offset)); /* daylight saving: not offered */
	char text[8];
	att_offset_text(330, text);
	assert_string_equal(text, "+05:30");
	att_offset_text(-300, text);
	assert_string_equal(text, "-05:00");
	/* An enterprise without a calendar is in Asia/Shanghai. */
	assert_int_equal(att_zone_offset(*state, 10, &offset), 0);
	assert_int_equal(offset, 480);
}

static void test_attendance_rules__holidays_and_swapped_weekends(void **state)
{
	struct store *st = *state;
	/* The default week: Monday to Friday. */
	assert_int_equal(att_is_workday(st, 10, "2025-09-29"), 1); /* Monday */
	assert_int_equal(att_is_workday(st, 10, "2025-09-27"), 0); /* Saturday */
	assert_int_equal(att_is_workday(st, 10, "2025-10-01"), 1);
	run(st, "INSERT INTO attendance_calendar_days (enterprise_id, day, kind, name) VALUES"
		" (10, '2025-10-01', 'holiday', '国庆节'), (10, '2025-09-28', 'workday', '国庆节调休上班')");
	assert_int_equal(att_is_workday(st, 10, "2025-10-01"), 0); /* a holiday on a Wednesday */
	assert_int_equal(att_is_workday(st, 10, "2025-09-28"), 1); /* a Sunday worked */
	assert_int_equal(att_is_workday(st, 10, "2025-10-05"), 0); /* an ordinary Sunday */
	/* Another enterprise's calendar is its own. */
	assert_int_equal(att_is_workday(st, 20, "2025-10-01"), 1);
	assert_int_equal(att_is_workday(st, 20, "2025-09-28"), 0);
	/* A six-day week (Monday to Saturday). */
	run(st, "INSERT INTO attendance_calendars (enterprise_id, workdays, time_zone, updated_at) VALUES (20, 63, 'Asia/Tokyo', 0)");
	assert_int_equal(att_is_workday(st, 20, "2025-09-27"), 1);
	assert_int_equal(att_is_workday(st, 20, "2025-09-28"), 0);
	int offset;
	assert_int_equal(att_zone_offset(st, 20, &offset), 0);
	assert_int_equal(offset, 540);
	assert_int_equal(att_is_workday(st, 10, "2025-02-30"), -1);
}

static void test_attendance_rules__person_beats_department_nearest_department_wins(void **state)
{
	struct store *st = *state;
	struct att_rule rule;
	/* Department 3 has no group; the nearest above it, 2, has the scheduled one. */
	assert_int_equal(att_rule_of(st, 10, 1, &rule), 1);
	assert_int_equal(rule.group_id, 200);
	assert_int_equal(rule.kind, ATT_SCHEDULED);
	assert_int_equal(rule.nshifts, 2);
	assert_string_equal(rule.shifts[1].name, "夜班");
	assert_int_equal(att_rule_of(st, 10, 2, &rule), 1);
	assert_int_equal(rule.group_id, 200);
	/* Named by person: the flexible group, though their department gives another. */
	assert_int_equal(att_rule_of(st, 10, 3, &rule), 1);
	assert_int_equal(rule.group_id, 300);
	assert_int_equal(rule.kind, ATT_FLEXIBLE);
	assert_int_equal(rule.hours_per_day, 480);
	/* The primary department's branch comes first: 4 has none above it, then 3 → 2. */
	assert_int_equal(att_rule_of(st, 10, 4, &rule), 1);
	assert_int_equal(rule.group_id, 200);
	run(st, "INSERT INTO attendance_group_departments (enterprise_id, group_id, department_id) VALUES (10, 300, 4)");
	assert_int_equal(att_rule_of(st, 10, 4, &rule), 1);
	assert_int_equal(rule.group_id, 300);
	/* An exception of 200 skips it and goes on up the tree to department 1's group. */
	assert_int_equal(att_rule_of(st, 10, 5, &rule), 1);
	assert_int_equal(rule.group_id, 100);
	assert_int_equal(rule.kind, ATT_FIXED);
	assert_int_equal(rule.shifts[0].start, 540);
	assert_int_equal(rule.shifts[0].late_grace, 10);
	assert_int_equal(rule.shifts[0].nbreaks, 1);
	assert_int_equal(rule.shifts[0].breaks[0][1], 780);
	assert_int_equal(rule.makeup_per_month, 3);
	assert_int_equal(rule.location_retention_days, 30);
	assert_int_equal(rule.max_speed_kmh, 300);
	assert_int_equal(rule.max_accuracy_m, 200);
	assert_int_equal(rule.clock_skew_s, 300);
	/* Excepted from that one too: no group at all. */
	run(st, "INSERT INTO attendance_group_people (enterprise_id, group_id, user_id, excluded) VALUES (10, 100, 5, 1)");
	assert_int_equal(att_rule_of(st, 10, 5, &rule), 0);
	/* No department, not named: none.  Another enterprise's member: none here. */
	assert_int_equal(att_rule_of(st, 10, 6, &rule), 0);
	assert_int_equal(att_rule_of(st, 10, 7, &rule), 0);
	assert_int_equal(att_rule_of(st, 20, 1, &rule), 0);
	/* A group deleted: its members fall back to what their departments give. */
	run(st, "DELETE FROM attendance_groups WHERE enterprise_id = 10 AND id = 300");
	assert_int_equal(att_rule_of(st, 10, 3, &rule), 1);
	assert_int_equal(rule.group_id, 200);
}

static void test_attendance_rules__shifts_on_a_day(void **state)
{
	struct store *st = *state;
	struct att_rule fixed, scheduled, flexible;
	struct att_shift out[ATT_MAX_SHIFTS];
	assert_int_equal(att_rule_load(st, 10, 100, &fixed), 1);
	assert_int_equal(att_rule_load(st, 10, 200, &scheduled), 1);
	assert_int_equal(att_rule_load(st, 10, 300, &flexible), 1);
	run(st, "INSERT INTO attendance_calendar_days (enterprise_id, day, kind, name) VALUES"
		" (10, '2025-10-01', 'holiday', '国庆节'), (10, '2025-09-28', 'workday', '调休')");
	/* Fixed: its shifts on working days, swapped weekends included; none on holidays and weekends. */
	assert_int_equal(att_shifts_on(st, &fixed, 5, "2025-09-29", out), 1);
	assert_int_equal(out[0].start, 540);
	assert_int_equal(out[0].end, 1080);
	assert_int_equal(att_shifts_on(st, &fixed, 5, "2025-09-28", out), 1);
	assert_int_equal(att_shifts_on(st, &fixed, 5, "2025-10-01", out), 0);
	assert_int_equal(att_shifts_on(st, &fixed, 5, "2025-10-04", out), 0);
	/* Scheduled: what the roster says, whatever the calendar; a night shift ends the next day. */
	run(st, "INSERT INTO attendance_roster (enterprise_id, group_id, user_id, day, shift) VALUES"
		" (10, 200, 1, '2025-10-01', '夜班'), (10, 200, 1, '2025-10-02', NULL), (10, 200, 1, '2025-10-03', '早班')");
	assert_int_equal(att_shifts_on(st, &scheduled, 1, "2025-10-01", out), 1);
	assert_string_equal(out[0].name, "夜班");
	assert_int_equal(out[0].start, 22 * 60);
	assert_true(out[0].end < out[0].start);
	assert_int_equal(att_shifts_on(st, &scheduled, 1, "2025-10-02", out), 0); /* a rest day */
	assert_int_equal(att_shifts_on(st, &scheduled, 1, "2025-10-03", out), 1);
	assert_string_equal(out[0].name, "早班");
	assert_int_equal(att_shifts_on(st, &scheduled, 1, "2025-10-04", out), 0); /* not rostered */
	assert_int_equal(att_shifts_on(st, &scheduled, 2, "2025-10-01", out), 0); /* someone else's */
	/* Flexible and free have no shifts. */
	assert_int_equal(att_shifts_on(st, &flexible, 3, "2025-09-29", out), 0);
	assert_int_equal(att_shifts_on(st, &fixed, 5, "2025-9-29", out), -1);
}

static void test_attendance_rules__places_of_a_group(void **state)
{
	struct store *st = *state;
	struct att_place places[ATT_MAX_PLACES];
	run(st, "INSERT INTO attendance_places (id, enterprise_id, kind, name, latitude_e7, longitude_e7, radius_m, created_at,"
		" updated_at) VALUES (1, 10, 'geofence', 'HQ', 312304160, 1214737010, 300, 0, 0)");
	run(st, "INSERT INTO attendance_places (id, enterprise_id, kind, name, ssid, bssid, created_at, updated_at)"
		" VALUES (2, 10, 'wifi', 'HQ Wi-Fi', 'Office', 'aa:bb:cc:dd:ee:ff', 0, 0), (3, 10, 'wifi', 'Lab', 'Lab', '', 0, 0)");
	run(st, "INSERT INTO attendance_group_places (enterprise_id, group_id, place_id) VALUES (10, 100, 1), (10, 100, 2)");
	assert_int_equal(att_places(st, 10, 100, places, ATT_MAX_PLACES), 2);
	assert_false(places[0].wifi);
	assert_true(places[0].latitude > 31.23041 && places[0].latitude < 31.23042);
	assert_true(places[0].longitude > 121.47370 && places[0].longitude < 121.47371);
	assert_int_equal(places[0].radius_m, 300);
	assert_true(places[1].wifi);
	assert_string_equal(places[1].ssid, "Office");
	assert_string_equal(places[1].bssid, "aa:bb:cc:dd:ee:ff");
	assert_int_equal(att_places(st, 10, 100, places, 1), 1);
	assert_int_equal(att_places(st, 10, 200, places, ATT_MAX_PLACES), 0);
	assert_int_equal(att_places(st, 20, 100, places, ATT_MAX_PLACES), 0); /* another enterprise's id */
}

/* Checks one rule; returns the field of the problem ("" when none). */
static const char *check(const struct att_rule *rule, int *shift_problem)
{
	static char field[64];
	char why[160];
	field[0] = '\0';
	att_rule_check(rule, field, sizeof(field), why, sizeof(why), shift_problem);
	return field;
}

static void test_attendance_rules__rule_checks(void **state)
{
	struct att_rule rule;
	int shift;
	att_rule_defaults(&rule);
	rule.kind = ATT_FIXED;
	/* A fixed rule needs shifts. */
	assert_string_equal(check(&rule, &shift), "rule.shifts");
	assert_true(shift);
	/* Two shifts a day, in order, the second ending after midnight: fine. */
	rule.nshifts = 2;
	rule.shifts[0] = (struct att_shift){ .start = 8 * 60, .end = 12 * 60 };
	rule.shifts[1] = (struct att_shift){ .start = 18 * 60, .end = 1 * 60, .breaks = { { 20 * 60, 20 * 60 + 30 } }, .nbreaks = 1 };
	assert_string_equal(check(&rule, &shift), "");
	/* Overlapping shifts. */
	rule.shifts[1].start = 11 * 60;
	rule.shifts[1].nbreaks = 0;
	assert_string_equal(check(&rule, &shift), "rule.shifts[1].start");
	/* Longer than a day from the first start. */
	rule.shifts[1].start = 18 * 60;
	rule.shifts[1].end = 9 * 60;
	assert_string_equal(check(&rule, &shift), "rule.shifts[1].start");
	/* A break outside its shift, and a night shift's break after midnight inside it. */
	rule.nshifts = 1;
	rule.shifts[0] = (struct att_shift){ .start = 9 * 60, .end = 18 * 60, .breaks = { { 8 * 60, 9 * 60 } }, .nbreaks = 1 };
	assert_string_equal(check(&rule, &shift), "rule.shifts[0].breaks[0]");
	rule.shifts[0] = (struct att_shift){ .start = 22 * 60, .end = 6 * 60, .breaks = { { 2 * 60, 3 * 60 } }, .nbreaks = 1 };
	assert_string_equal(check(&rule, &shift), "");
	/* A shift ending when it starts; a grace longer than allowed. */
	rule.shifts[0] = (struct att_shift){ .start = 9 * 60, .end = 9 * 60 };
	assert_string_equal(check(&rule, &shift), "rule.shifts[0].end");
	rule.shifts[0] = (struct att_shift){ .start = 9 * 60, .end = 18 * 60, .late_grace = 241 };
	assert_string_equal(check(&rule, &shift), "rule.shifts[0].late_grace");
	rule.shifts[0].late_grace = 0;
	/* Settings out of range are no shift problem. */
	rule.location_retention_days = 366;
	assert_string_equal(check(&rule, &shift), "rule.location_retention_days");
	assert_false(shift);
	rule.location_retention_days = 30;
	/* Scheduled shifts need distinct names. */
	rule.kind = ATT_SCHEDULED;
	rule.nshifts = 2;
	rule.shifts[1] = rule.shifts[0];
	assert_string_equal(check(&rule, &shift), "rule.shifts[0].name");
	snprintf(rule.shifts[0].name, sizeof(rule.shifts[0].name), "A");
	snprintf(rule.shifts[1].name, sizeof(rule.shifts[1].name), "A");
	assert_string_equal(check(&rule, &shift), "rule.shifts[1].name");
	snprintf(rule.shifts[1].name, sizeof(rule.shifts[1].name), "B");
	assert_string_equal(check(&rule, &shift), "");
	/* Flexible takes hours and no shifts; free takes neither. */
	rule.kind = ATT_FLEXIBLE;
	assert_string_equal(check(&rule, &shift), "rule.shifts");
	rule.nshifts = 0;
	assert_string_equal(check(&rule, &shift), "rule.hours_per_day");
	rule.hours_per_day = 450;
	assert_string_equal(check(&rule, &shift), "");
	rule.kind = ATT_FREE;
	assert_string_equal(check(&rule, &shift), "rule.hours_per_day");
	rule.hours_per_day = 0;
	assert_string_equal(check(&rule, &shift), "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_attendance_rules__dates_and_weekdays),
		cmocka_unit_test_setup_teardown(test_attendance_rules__local_time_in_a_fixed_zone, setup_rules, teardown),
		cmocka_unit_test_setup_teardown(test_attendance_rules__holidays_and_swapped_weekends, setup_rules, teardown),
		cmocka_unit_test_setup_teardown(test_attendance_rules__person_beats_department_nearest_department_wins, setup_rules,
						teardown),
		cmocka_unit_test_setup_teardown(test_attendance_rules__shifts_on_a_day, setup_rules, teardown),
		cmocka_unit_test_setup_teardown(test_attendance_rules__places_of_a_group, setup_rules, teardown),
		cmocka_unit_test(test_attendance_rules__rule_checks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
