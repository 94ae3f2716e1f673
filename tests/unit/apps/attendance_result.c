/*
 * Unit tests of apps/attendance/result.c: judging a day from its shifts and punches (the pure
 * judge(), reached by including the file), and results stored, made stale and judged again.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "../../../src/apps/attendance/result.c"

#include "../lib/db.h"

#define OFFSET 480 /* Asia/Shanghai */
#define MIN(h, m) ((h) * 60 + (m))

/* Monday 2024-05-06, a working day of the default week. */
static int64_t midnight(void)
{
	return att_day_ms("2024-05-06", OFFSET);
}

/* The instant of HH:MM:SS on the test day (hours past 24 run into the next day). */
static int64_t at(int h, int m, int s)
{
	return midnight() + ((int64_t)h * 3600 + m * 60 + s) * 1000;
}

/* Long after the day: every window has closed. */
#define LATER at(72, 0, 0)

static struct att_shift shift(int start, int end)
{
	struct att_shift s;
	memset(&s, 0, sizeof(s));
	s.start = start;
	s.end = end;
	return s;
}

static struct plan fixed(int nshifts, const struct att_shift *shifts)
{
	struct plan p;
	memset(&p, 0, sizeof(p));
	p.kind = ATT_FIXED;
	p.nshifts = nshifts;
	p.workday = nshifts > 0;
	if (nshifts)
		memcpy(p.shifts, shifts, (size_t)nshifts * sizeof(*shifts));
	p.midnight = midnight();
	return p;
}

/* The 09:00-18:00 day most tests use, with grace and flex as given. */
static struct plan nine_to_six(int late_grace, int early_grace, int flex)
{
	struct att_shift s = shift(MIN(9, 0), MIN(18, 0));
	s.late_grace = late_grace;
	s.early_grace = early_grace;
	s.flex = flex;
	return fixed(1, &s);
}

static struct mark punch(int64_t t)
{
	struct mark m;
	memset(&m, 0, sizeof(m));
	m.at = t;
	m.id = t;
	m.place_id = 7;
	return m;
}

static struct verdict judged(const struct plan *p, const struct mark *marks, size_t n, int64_t now)
{
	struct verdict v;
	judge(p, marks, n, now, &v);
	return v;
}

static void test_attendance_result__on_time_is_normal(void **state)
{
	struct plan p = nine_to_six(0, 0, 0);
	struct mark m[] = { punch(at(8, 58, 30)), punch(at(12, 30, 0)), punch(at(18, 5, 0)) };
	struct verdict v = judged(&p, m, 3, LATER);
	assert_int_equal(v.day.status, ATT_ST_NORMAL);
	assert_int_equal(v.day.late_minutes, 0);
	assert_int_equal(v.day.early_minutes, 0);
	assert_int_equal(v.day.missing_count, 0);
	assert_true(v.day.expected && v.day.attended);
	assert_int_equal(v.shifts[0].in, 0);
	assert_int_equal(v.shifts[0].out, 2); /* the latest punch of the end window */
	assert_int_equal(v.day.worked_minutes, MIN(18, 5) - MIN(8, 58));
	assert_int_equal(v.day.first_at, at(8, 58, 30));
	assert_int_equal(v.day.last_at, at(18, 5, 0));
	assert_int_equal(v.settles_at, 0);
}

static void test_attendance_result__late_by_seven_minutes(void **state)
{
	struct plan p = nine_to_six(5, 0, 0);
	struct mark m[] = { punch(at(9, 7, 10)), punch(at(18, 0, 0)) };
	struct verdict v = judged(&p, m, 2, LATER);
	assert_int_equal(v.day.status, ATT_ST_LATE);
	assert_int_equal(v.day.late_minutes, 7); /* counted from the start, not from the grace's end */
	assert_int_equal(v.day.late_count, 1);
	assert_int_equal(v.day.early_minutes, 0);
}

static void test_attendance_result__within_grace_and_the_same_minute_are_on_time(void **state)
{
	struct plan p = nine_to_six(5, 0, 0);
	struct mark m[] = { punch(at(9, 5, 59)), punch(at(18, 0, 0)) };
	assert_int_equal(judged(&p, m, 2, LATER).day.status, ATT_ST_NORMAL);
	struct plan strict = nine_to_six(0, 0, 0);
	struct mark n[] = { punch(at(9, 0, 59)), punch(at(18, 0, 0)) };
	assert_int_equal(judged(&strict, n, 2, LATER).day.status, ATT_ST_NORMAL); /* 09:00:59 is 09:00 */
	struct mark o[] = { punch(at(9, 1, 0)), punch(at(18, 0, 0)) };
	struct verdict v = judged(&strict, o, 2, LATER);
	assert_int_equal(v.day.status, ATT_ST_LATE);
	assert_int_equal(v.day.late_minutes, 1);
}

static void test_attendance_result__early_leave(void **state)
{
	struct plan p = nine_to_six(0, 0, 0);
	struct mark m[] = { punch(at(8, 50, 0)), punch(at(17, 40, 30)) };
	struct verdict v = judged(&p, m, 2, LATER);
	assert_int_equal(v.day.status, ATT_ST_EARLY);
	assert_int_equal(v.day.early_minutes, 20);
	assert_int_equal(v.day.early_count, 1);
	/* within the early grace it is not early */
	struct plan g = nine_to_six(0, 20, 0);
	assert_int_equal(judged(&g, m, 2, LATER).day.status, ATT_ST_NORMAL);
}

static void test_attendance_result__late_and_early_both_count(void **state)
{
	struct plan p = nine_to_six(0, 0, 0);
	struct mark m[] = { punch(at(9, 30, 0)), punch(at(17, 0, 0)) };
	struct verdict v = judged(&p, m, 2, LATER);
	assert_int_equal(v.day.status, ATT_ST_LATE); /* the more serious one names the day */
	assert_int_equal(v.day.late_minutes, 30);
	assert_int_equal(v.day.early_minutes, 60);
}

static void test_attendance_result__missing_end_and_missing_start(void **state)
{
	struct plan p = nine_to_six(0, 0, 0);
	struct mark m[] = { punch(at(8, 55, 0)) };
	struct verdict v = judged(&p, m, 1, LATER);
	assert_int_equal(v.day.status, ATT_ST_MISSING);
	assert_int_equal(v.day.missing_count, 1);
	assert_true(v.shifts[0].out_missing && !v.shifts[0].in_missing);
	assert_int_equal(v.day.worked_minutes, 0);
	/* a lone punch after the shift's midpoint is the end: the start is missing, and it is early */
	struct mark n[] = { punch(at(13, 31, 0)) };
	v = judged(&p, n, 1, LATER);
	assert_int_equal(v.day.status, ATT_ST_MISSING);
	assert_true(v.shifts[0].in_missing && !v.shifts[0].out_missing);
	assert_int_equal(v.day.early_minutes, MIN(18, 0) - MIN(13, 31));
}

static void test_attendance_result__no_punch_is_absent(void **state)
{
	struct plan p = nine_to_six(0, 0, 0);
	struct verdict v = judged(&p, NULL, 0, LATER);
	assert_int_equal(v.day.status, ATT_ST_ABSENT);
	assert_int_equal(v.day.missing_count, 0); /* absent, not two missing punches */
	assert_false(v.day.attended);
	assert_true(v.day.expected);
	/* punches outside every window do not count either */
	struct mark m[] = { punch(at(4, 30, 0)), punch(at(24, 30, 0)) };
	v = judged(&p, m, 2, LATER);
	assert_int_equal(v.day.status, ATT_ST_ABSENT);
	assert_int_equal(v.day.first_at, 0);
}

static void test_attendance_result__windows(void **state)
{
	struct plan p = nine_to_six(0, 0, 0);
	struct window w[ATT_MAX_SHIFTS];
	int lo, hi;
	plan_windows(&p, w, &lo, &hi);
	assert_int_equal(w[0].open, MIN(5, 0));
	assert_int_equal(w[0].mid, MIN(13, 30));
	assert_int_equal(w[0].close, MIN(24, 0));
	assert_int_equal(lo, MIN(5, 0));
	assert_int_equal(hi, MIN(24, 0));
	/* 04:59 is too early, 05:00 opens the day */
	struct mark m[] = { punch(at(4, 59, 59)), punch(at(5, 0, 0)), punch(at(18, 0, 0)) };
	struct verdict v = judged(&p, m, 3, LATER);
	assert_int_equal(v.shifts[0].in, 1);
	assert_int_equal(v.day.first_at, at(5, 0, 0));
}

static void test_attendance_result__flexible_start_moves_the_end(void **state)
{
	struct plan p = nine_to_six(0, 0, 30);
	struct mark m[] = { punch(at(9, 20, 0)), punch(at(18, 10, 0)) };
	struct verdict v = judged(&p, m, 2, LATER);
	assert_int_equal(v.shifts[0].expected_end, MIN(18, 20));
	assert_int_equal(v.day.status, ATT_ST_EARLY); /* 18:10 is ten minutes before 18:20 */
	assert_int_equal(v.day.late_minutes, 0);
	assert_int_equal(v.day.early_minutes, 10);
	struct mark n[] = { punch(at(9, 20, 0)), punch(at(18, 20, 0)) };
	assert_int_equal(judged(&p, n, 2, LATER).day.status, ATT_ST_NORMAL);
	/* past the flexible minutes it is late by what lies beyond them, the end moving the whole 30 */
	struct mark o[] = { punch(at(9, 40, 0)), punch(at(18, 30, 0)) };
	v = judged(&p, o, 2, LATER);
	assert_int_equal(v.day.status, ATT_ST_LATE);
	assert_int_equal(v.day.late_minutes, 10);
	assert_int_equal(v.day.early_minutes, 0);
	/* an early start does not move the end earlier */
	struct mark e[] = { punch(at(8, 30, 0)), punch(at(17, 50, 0)) };
	v = judged(&p, e, 2, LATER);
	assert_int_equal(v.shifts[0].expected_end, MIN(18, 0));
	assert_int_equal(v.day.early_minutes, 10);
}

static void test_attendance_result__breaks_are_not_work(void **state)
{
	struct att_shift s = shift(MIN(9, 0), MIN(18, 0));
	s.breaks[0][0] = MIN(12, 0);
	s.breaks[0][1] = MIN(13, 0);
	s.nbreaks = 1;
	struct plan p = fixed(1, &s);
	struct mark m[] = { punch(at(9, 0, 0)), punch(at(18, 0, 0)) };
	assert_int_equal(judged(&p, m, 2, LATER).day.worked_minutes, 8 * 60);
	/* leaving during the break: only the morning counts */
	struct mark n[] = { punch(at(9, 0, 0)), punch(at(14, 0, 0)) };
	assert_int_equal(judged(&p, n, 2, LATER).day.worked_minutes, 4 * 60);
	struct mark o[] = { punch(at(9, 0, 0)), punch(at(13, 45, 0)) };
	assert_int_equal(judged(&p, o, 2, LATER).day.worked_minutes, 3 * 60 + 45);
	/* a punch in the break before the shift's midpoint is no end: nothing is worked */
	struct mark q[] = { punch(at(9, 0, 0)), punch(at(12, 30, 0)) };
	assert_int_equal(judged(&p, q, 2, LATER).day.worked_minutes, 0);
}

static void test_attendance_result__overnight_shift_ends_the_next_day(void **state)
{
	struct att_shift s = shift(MIN(22, 0), MIN(6, 0));
	s.breaks[0][0] = MIN(2, 0); /* a break after midnight */
	s.breaks[0][1] = MIN(2, 30);
	s.nbreaks = 1;
	struct plan p = fixed(1, &s);
	struct mark m[] = { punch(at(21, 55, 0)), punch(at(24 + 6, 10, 0)) };
	struct verdict v = judged(&p, m, 2, LATER);
	assert_int_equal(v.day.status, ATT_ST_NORMAL);
	assert_int_equal(v.shifts[0].w.end, MIN(30, 0));
	assert_int_equal(v.day.worked_minutes, MIN(8, 15) - 30);
	/* not closed until 12:00 the next day: still open at 07:00 */
	v = judged(&p, m, 2, at(24 + 7, 0, 0));
	assert_int_equal(v.day.status, ATT_ST_ONGOING);
	assert_int_equal(v.settles_at, at(24 + 12, 0, 0));
	/* leaving at 05:00 the next morning is an hour early */
	struct mark n[] = { punch(at(22, 0, 0)), punch(at(24 + 5, 0, 0)) };
	v = judged(&p, n, 2, LATER);
	assert_int_equal(v.day.status, ATT_ST_EARLY);
	assert_int_equal(v.day.early_minutes, 60);
}

static void test_attendance_result__the_next_day_leaves_a_night_shift_its_end(void **state)
{
	/* Monday after a Sunday night shift 22:00-06:00: the 06:10 punch ended Sunday's shift */
	struct plan p = nine_to_six(0, 0, 0);
	p.has_prev = 1;
	p.prev_end = MIN(30, 0);
	struct window w[ATT_MAX_SHIFTS];
	int lo, hi;
	plan_windows(&p, w, &lo, &hi);
	assert_int_equal(lo, MIN(7, 30)); /* the middle of 06:00 … 09:00 */
	struct mark m[] = { punch(at(6, 10, 0)), punch(at(8, 58, 0)), punch(at(18, 0, 0)) };
	struct verdict v = judged(&p, m, 3, LATER);
	assert_int_equal(v.shifts[0].in, 1);
	assert_int_equal(v.day.first_at, at(8, 58, 0));
	/* and a night shift's end window stops where the next morning's start window begins */
	struct att_shift night = shift(MIN(22, 0), MIN(6, 0));
	struct plan q = fixed(1, &night);
	q.has_next = 1;
	q.next_start = MIN(9, 0);
	plan_windows(&q, w, &lo, &hi);
	assert_int_equal(hi, MIN(24 + 7, 30));
}

static void test_attendance_result__two_shifts(void **state)
{
	struct att_shift s[2] = { shift(MIN(9, 0), MIN(12, 0)), shift(MIN(13, 0), MIN(18, 0)) };
	struct plan p = fixed(2, s);
	struct window w[ATT_MAX_SHIFTS];
	int lo, hi;
	plan_windows(&p, w, &lo, &hi);
	assert_int_equal(w[0].close, MIN(12, 30)); /* the windows meet in the middle of the gap */
	assert_int_equal(w[1].open, MIN(12, 30));
	struct mark m[] = { punch(at(8, 55, 0)), punch(at(12, 2, 0)), punch(at(12, 58, 0)), punch(at(18, 1, 0)) };
	struct verdict v = judged(&p, m, 4, LATER);
	assert_int_equal(v.day.status, ATT_ST_NORMAL);
	assert_int_equal(v.day.worked_minutes, (MIN(12, 2) - MIN(8, 55)) + (MIN(18, 1) - MIN(12, 58)));
	/* only the day's first and last punch: the lunch ends are missing */
	struct mark n[] = { punch(at(8, 55, 0)), punch(at(18, 1, 0)) };
	v = judged(&p, n, 2, LATER);
	assert_int_equal(v.day.status, ATT_ST_MISSING);
	assert_int_equal(v.day.missing_count, 2);
	assert_true(v.shifts[0].out_missing && v.shifts[1].in_missing);
	/* late for the afternoon only */
	struct mark o[] = { punch(at(8, 55, 0)), punch(at(12, 0, 0)), punch(at(13, 12, 0)), punch(at(18, 0, 0)) };
	v = judged(&p, o, 4, LATER);
	assert_int_equal(v.day.status, ATT_ST_LATE);
	assert_int_equal(v.day.late_count, 1);
	assert_int_equal(v.day.late_minutes, 12);
	/* the shifts come in any order from a rule: sorted first */
	struct att_shift r[2] = { s[1], s[0] };
	sort_shifts(r, 2);
	assert_int_equal(r[0].start, MIN(9, 0));
}

static void test_attendance_result__rest_day_punches_are_rest_day_work(void **state)
{
	struct plan p = fixed(0, NULL);
	struct mark m[] = { punch(at(10, 0, 0)), punch(at(15, 30, 0)) };
	struct verdict v = judged(&p, m, 2, LATER);
	assert_int_equal(v.day.status, ATT_ST_REST);
	assert_false(v.day.expected);
	assert_true(v.day.attended);
	assert_int_equal(v.day.worked_minutes, 330);
	assert_int_equal(v.day.late_minutes + v.day.early_minutes + v.day.missing_count, 0);
	v = judged(&p, NULL, 0, LATER);
	assert_int_equal(v.day.status, ATT_ST_REST);
}

static void test_attendance_result__free_rule_judges_nothing(void **state)
{
	struct plan p = fixed(0, NULL);
	p.kind = ATT_FREE;
	p.workday = 1;
	struct mark m[] = { punch(at(11, 0, 0)), punch(at(12, 0, 0)), punch(at(16, 0, 0)) };
	struct verdict v = judged(&p, m, 3, LATER);
	assert_int_equal(v.day.status, ATT_ST_FREE);
	assert_false(v.day.expected);
	assert_int_equal(v.day.worked_minutes, 300);
	assert_int_equal(judged(&p, NULL, 0, LATER).day.status, ATT_ST_FREE); /* never absent */
}

static void test_attendance_result__flexible_hours(void **state)
{
	struct plan p = fixed(0, NULL);
	p.kind = ATT_FLEXIBLE;
	p.workday = 1;
	p.hours_per_day = 8 * 60;
	struct mark m[] = { punch(at(10, 0, 0)), punch(at(18, 30, 0)) };
	struct verdict v = judged(&p, m, 2, LATER);
	assert_int_equal(v.day.status, ATT_ST_NORMAL);
	assert_int_equal(v.day.worked_minutes, 510);
	struct mark n[] = { punch(at(9, 30, 0)), punch(at(17, 0, 0)) };
	v = judged(&p, n, 2, LATER);
	assert_int_equal(v.day.status, ATT_ST_EARLY); /* short by half an hour */
	assert_int_equal(v.day.early_minutes, 30);
	struct mark o[] = { punch(at(9, 30, 0)) };
	assert_int_equal(judged(&p, o, 1, LATER).day.status, ATT_ST_MISSING);
	assert_int_equal(judged(&p, NULL, 0, LATER).day.status, ATT_ST_ABSENT);
	/* while the day lasts nothing is decided */
	assert_int_equal(judged(&p, n, 2, at(17, 5, 0)).day.status, ATT_ST_ONGOING);
	p.workday = 0;
	assert_int_equal(judged(&p, n, 2, LATER).day.status, ATT_ST_REST);
}

static void test_attendance_result__today_is_ongoing_until_its_windows_close(void **state)
{
	struct plan p = nine_to_six(0, 0, 0);
	struct mark m[] = { punch(at(8, 59, 0)) };
	struct verdict v = judged(&p, m, 1, at(11, 0, 0));
	assert_int_equal(v.day.status, ATT_ST_ONGOING);
	assert_int_equal(v.day.missing_count, 0);
	assert_int_equal(v.settles_at, at(13, 30, 0)); /* the next window to close */
	v = judged(&p, NULL, 0, at(11, 0, 0));
	assert_int_equal(v.day.status, ATT_ST_ONGOING); /* not yet absent */
	/* lateness is known as soon as the start is punched */
	struct mark n[] = { punch(at(9, 10, 0)) };
	assert_int_equal(judged(&p, n, 1, at(11, 0, 0)).day.status, ATT_ST_LATE);
	/* after the start window closed empty, the start is missing while the end may still come */
	v = judged(&p, NULL, 0, at(15, 0, 0));
	assert_int_equal(v.day.status, ATT_ST_ONGOING);
	v = judged(&p, m, 1, at(24, 0, 0));
	assert_int_equal(v.day.status, ATT_ST_MISSING);
	assert_int_equal(v.settles_at, 0);
}

static void test_attendance_result__field_punches_and_makeups(void **state)
{
	struct plan p = nine_to_six(0, 0, 0);
	struct mark m[] = { punch(at(8, 55, 0)), punch(at(18, 5, 0)) };
	m[0].field = FIELD_PENDING;
	m[0].place_id = 0;
	m[0].review = ATT_REVIEW_PENDING;
	struct verdict v = judged(&p, m, 2, LATER);
	assert_int_equal(v.day.status, ATT_ST_FIELD_PENDING);
	assert_int_equal(v.day.field_count, 1);
	m[0].field = FIELD_ACCEPTED;
	assert_int_equal(judged(&p, m, 2, LATER).day.status, ATT_ST_FIELD);
	/* lateness outranks the field punch */
	m[0].at = at(9, 15, 0);
	assert_int_equal(judged(&p, m, 2, LATER).day.status, ATT_ST_LATE);
	/* an approved make-up is a punch of its own */
	struct mark n[] = { punch(at(8, 55, 0)), punch(at(18, 0, 0)) };
	n[1].makeup = 1;
	v = judged(&p, n, 2, LATER);
	assert_int_equal(v.day.status, ATT_ST_NORMAL);
	assert_int_equal(v.day.makeup_count, 1);
	struct jsonw w;
	write_shifts(&w, &p, &v, n);
	assert_non_null(strstr(w.buf, "\"proof\":\"makeup\""));
	assert_non_null(strstr(w.buf, "\"start\":\"09:00\""));
	assert_non_null(strstr(w.buf, "\"in_missing\":false"));
	jsonw_release(&w);
}

static void test_attendance_result__months(void **state)
{
	char first[ATT_DAY_LEN];
	int n;
	assert_true(att_month_parse("2024-02", first, &n));
	assert_string_equal(first, "2024-02-01");
	assert_int_equal(n, 29);
	assert_true(att_month_parse("2023-02", first, &n) && n == 28);
	assert_true(att_month_parse("2024-12", first, &n) && n == 31);
	assert_true(att_month_parse("2024-04", first, &n) && n == 30);
	assert_false(att_month_parse("2024-13", first, &n));
	assert_false(att_month_parse("2024-1", first, &n));
	assert_false(att_month_parse("1999-12", first, &n));
	assert_false(att_month_parse("2024-05-01", first, &n));
	assert_int_equal(att_status_parse(att_status_name(ATT_ST_FIELD_PENDING)), ATT_ST_FIELD_PENDING);
	/* the next day by the digits agrees with the calendar's arithmetic across months and years */
	char a[ATT_DAY_LEN] = "2023-12-25", b[ATT_DAY_LEN];
	for (int i = 0; i < 800; i++) {
		att_day_add("2023-12-25", i + 1, b);
		att_day_next(a);
		assert_string_equal(a, b);
	}
}

/* ---- stored results ---- */

/*
 * Enterprise 10 (owner 1), members 2 (joined 2024-05-01) and 3 (joined later, 2024-05-08);
 * group 50, fixed 09:00-18:00, holds both; 2024-05-06 is a Monday.
 */
static void seed(struct store *st)
{
	run(st, "INSERT INTO users (id, phone_index, phone_sealed, name, policy_version, created_at, updated_at)"
		" VALUES (1, x'01', x'01', 'a', '1', 0, 0), (2, x'02', x'02', 'b', '1', 0, 0), (3, x'03', x'03', 'c', '1', 0, 0)");
	run(st, "INSERT INTO enterprises (id, name, industry, size, region, owner_id, created_at, updated_at)"
		" VALUES (10, 'e', 'i', 's', 'r', 1, 0, 0)");
	char sql[512];
	snprintf(sql, sizeof(sql), "INSERT INTO members (enterprise_id, user_id, name_in_enterprise, role, status, joined_at)"
		 " VALUES (10, 1, 'a', 'owner', 'active', 0), (10, 2, 'b', 'member', 'active', %lld),"
		 " (10, 3, 'c', 'member', 'active', %lld)",
		 (long long)att_day_ms("2024-05-01", OFFSET), (long long)att_day_ms("2024-05-08", OFFSET) + 3600000);
	assert_int_equal(store_run(store_prepare(st, sql)), STORE_DONE);
	run(st, "INSERT INTO attendance_groups (id, enterprise_id, name, kind, created_at, updated_at)"
		" VALUES (50, 10, 'office', 'fixed', 0, 0)");
	run(st, "INSERT INTO attendance_shifts (enterprise_id, group_id, idx, start_min, end_min, late_grace)"
		" VALUES (10, 50, 0, 540, 1080, 5)");
	run(st, "INSERT INTO attendance_group_people (enterprise_id, group_id, user_id) VALUES (10, 50, 2), (10, 50, 3)");
}

static int64_t count(struct store *st, const char *sql)
{
	struct store_stmt *s = store_prepare(st, sql);
	assert_int_equal(store_step(s), STORE_ROW);
	int64_t n = store_col_int(s, 0);
	store_reset(s);
	return n;
}

static void add_punch(struct store *st, int64_t id, int64_t uid, int64_t t)
{
	struct store_stmt *s = store_prepare(st,
		"INSERT INTO attendance_punches (id, enterprise_id, user_id, idempotency_key, kind, punched_at, day,"
		" client_time, device_id, place_id, flags, review) VALUES (?, 10, ?, ?, 'wifi', ?, '', ?, 'd', 7, 0, 'none')");
	char key[24];
	snprintf(key, sizeof(key), "k%lld", (long long)id);
	store_bind_int(s, 1, id);
	store_bind_int(s, 2, uid);
	store_bind_text(s, 3, key, -1);
	store_bind_int(s, 4, t);
	store_bind_int(s, 5, t);
	assert_int_equal(store_run(s), STORE_DONE);
}

static void test_attendance_result__stored_then_stale_then_judged_again(void **state)
{
	struct store *st = *state;
	struct att_day d;
	seed(st);
	clock_set_fixed(at(48, 0, 0)); /* Wednesday */
	add_punch(st, 1, 2, at(9, 7, 0));
	add_punch(st, 2, 2, at(18, 2, 0));
	assert_int_equal(att_day_compute(st, 10, 2, "2024-05-06"), 0);
	assert_int_equal(att_day_get(st, 10, 2, "2024-05-06", clock_now_ms(), &d), 0);
	assert_int_equal(d.status, ATT_ST_LATE);
	assert_int_equal(d.late_minutes, 7);
	assert_int_equal(d.group_id, 50);
	assert_non_null(strstr(d.detail, "\"late_minutes\":7"));
	att_day_release(&d);
	/* the rule changes (grace 10): nothing happens until the day is read again */
	run(st, "UPDATE attendance_shifts SET late_grace = 10 WHERE group_id = 50");
	assert_int_equal(att_days_stale(st, 10, "2024-05-06"), 0);
	struct store_stmt *s = store_prepare(st, "SELECT status, stale FROM attendance_days WHERE user_id = 2 AND day = '2024-05-06'");
	assert_int_equal(store_step(s), STORE_ROW);
	assert_string_equal(store_col_text(s, 0), "late");
	assert_int_equal(store_col_int(s, 1), 1);
	store_reset(s);
	assert_int_equal(att_day_get(st, 10, 2, "2024-05-06", clock_now_ms(), &d), 0);
	assert_int_equal(d.status, ATT_ST_NORMAL);
	att_day_release(&d);
	/* the month's sums follow each day judged */
	assert_int_equal(count(st, "SELECT late_minutes FROM attendance_months WHERE user_id = 2 AND month = '2024-05'"), 0);
	assert_int_equal(count(st, "SELECT attended_days FROM attendance_months WHERE user_id = 2 AND month = '2024-05'"), 1);
	/* a make-up approved is a punch: the day before (no punch) becomes missing, not absent */
	assert_int_equal(att_day_get(st, 10, 2, "2024-05-07", clock_now_ms(), &d), 0);
	assert_int_equal(d.status, ATT_ST_ABSENT);
	att_day_release(&d);
	char sql[256];
	snprintf(sql, sizeof(sql), "INSERT INTO attendance_makeups (id, enterprise_id, user_id, day, at, reason, status, created_at)"
		 " VALUES (900, 10, 2, '2024-05-07', %lld, 'r', 'approved', 0)", (long long)at(24 + 9, 0, 0));
	assert_int_equal(store_run(store_prepare(st, sql)), STORE_DONE);
	assert_int_equal(att_day_compute(st, 10, 2, "2024-05-07"), 0);
	assert_int_equal(att_day_get(st, 10, 2, "2024-05-07", clock_now_ms(), &d), 0);
	assert_int_equal(d.status, ATT_ST_MISSING);
	assert_int_equal(d.makeup_count, 1);
	att_day_release(&d);
	assert_int_equal(count(st, "SELECT makeup_count FROM attendance_months WHERE user_id = 2 AND month = '2024-05'"), 1);
	assert_int_equal(count(st, "SELECT missing_count FROM attendance_months WHERE user_id = 2 AND month = '2024-05'"), 1);
	clock_set_fixed(0);
}

static void test_attendance_result__ensure_covers_a_month_up_to_today_only(void **state)
{
	struct store *st = *state;
	struct att_day d;
	seed(st);
	int64_t now = at(24 * 3 + 10, 0, 0); /* Thursday 2024-05-09, 10:00 */
	assert_int_equal(att_days_ensure(st, 10, 3, "2024-05-01", "2024-05-31", now), 0);
	struct store_stmt *s = store_prepare(st,
		"SELECT day, status, settles_at IS NOT NULL FROM attendance_days WHERE enterprise_id = 10 AND user_id = 3 ORDER BY day");
	/* joined on the 8th: absent that day, today ongoing with a window still to close, nothing before or after */
	assert_int_equal(store_step(s), STORE_ROW);
	assert_string_equal(store_col_text(s, 0), "2024-05-08");
	assert_string_equal(store_col_text(s, 1), "absent");
	assert_int_equal(store_step(s), STORE_ROW);
	assert_string_equal(store_col_text(s, 0), "2024-05-09");
	assert_string_equal(store_col_text(s, 1), "ongoing");
	assert_int_equal(store_col_int(s, 2), 1);
	assert_int_equal(store_step(s), STORE_DONE);
	/* before joining: nothing judged */
	assert_int_equal(att_day_get(st, 10, 3, "2024-05-07", now, &d), 0);
	assert_int_equal(d.status, ATT_ST_NONE);
	att_day_release(&d);
	/* once today's windows have closed, reading judges it again */
	assert_int_equal(att_day_get(st, 10, 3, "2024-05-09", at(24 * 4, 0, 0), &d), 0);
	assert_int_equal(d.status, ATT_ST_ABSENT);
	att_day_release(&d);
	/* a weekend day is a rest day; the owner, in no group, has no result */
	assert_int_equal(att_days_ensure(st, 10, 2, "2024-05-11", "2024-05-12", at(24 * 8, 0, 0)), 0);
	assert_int_equal(att_day_get(st, 10, 2, "2024-05-11", at(24 * 8, 0, 0), &d), 0);
	assert_int_equal(d.status, ATT_ST_REST);
	att_day_release(&d);
	assert_int_equal(att_day_get(st, 10, 1, "2024-05-06", at(24 * 8, 0, 0), &d), 0);
	assert_int_equal(d.status, ATT_ST_NONE);
	att_day_release(&d);
}

static void test_attendance_result__the_job_settles_closed_days_and_judges_stale_ones_again(void **state)
{
	struct store *st = *state;
	seed(st);
	clock_set_fixed(at(24 * 3 + 10, 0, 0)); /* Thursday 2024-05-09, 10:00 */
	assert_int_equal(att_results_job(st, NULL, NULL, NULL), 0);
	struct store_stmt *s = store_prepare(st, "SELECT from_day, through_day FROM attendance_settled WHERE enterprise_id = 10");
	assert_int_equal(store_step(s), STORE_ROW);
	assert_string_equal(store_col_text(s, 0), "2024-04-04"); /* 35 days back */
	assert_string_equal(store_col_text(s, 1), "2024-05-08");
	store_reset(s);
	/* 2 from the day they joined (Wednesday the 1st) to yesterday; 3 since the 8th; not today */
	assert_int_equal(count(st, "SELECT count(*) FROM attendance_days WHERE user_id = 2"), 8);
	assert_int_equal(count(st, "SELECT count(*) FROM attendance_days WHERE user_id = 2 AND status = 'absent'"), 6);
	assert_int_equal(count(st, "SELECT count(*) FROM attendance_days WHERE user_id = 2 AND status = 'rest'"), 2);
	assert_int_equal(count(st, "SELECT count(*) FROM attendance_days WHERE user_id = 3"), 1);
	assert_int_equal(count(st, "SELECT count(*) FROM attendance_days WHERE day = '2024-05-09'"), 0);
	assert_int_equal(count(st, "SELECT count(*) FROM attendance_days WHERE user_id = 1"), 0);
	/* a punch stored behind the results' back, then a rule change: the next run judges again */
	add_punch(st, 1, 2, at(8, 59, 0));
	add_punch(st, 2, 2, at(18, 0, 0));
	assert_int_equal(att_days_stale(st, 10, "2024-05-06"), 0);
	assert_int_equal(att_results_job(st, NULL, NULL, NULL), 0);
	assert_int_equal(count(st, "SELECT count(*) FROM attendance_days WHERE stale = 1"), 0);
	assert_int_equal(count(st, "SELECT count(*) FROM attendance_days WHERE user_id = 2 AND day = '2024-05-06' AND status = 'normal'"), 1);
	/* a day settled by the job and read later needs nothing more */
	struct att_day d;
	assert_int_equal(att_day_get(st, 10, 2, "2024-05-07", clock_now_ms(), &d), 0);
	assert_int_equal(d.status, ATT_ST_ABSENT);
	att_day_release(&d);
	/* a settled day without a result had nothing to judge then (the owner is in no group): a
	 * group made for them later does not reach back into settled days */
	run(st, "INSERT INTO attendance_group_people (enterprise_id, group_id, user_id) VALUES (10, 50, 1)");
	assert_int_equal(att_day_get(st, 10, 1, "2024-05-07", clock_now_ms(), &d), 0);
	assert_int_equal(d.status, ATT_ST_NONE);
	att_day_release(&d);
	assert_int_equal(att_day_get(st, 10, 1, "2024-05-09", clock_now_ms(), &d), 0);
	assert_int_equal(d.status, ATT_ST_ONGOING); /* today is not settled */
	att_day_release(&d);
	clock_set_fixed(0);
}

/*
 * Queries that must not scan every result of an enterprise (a report of thousands of people
 * once took seconds so): one person's days by the primary key, a day's people by the day
 * index, results to judge again by their partial indexes.
 */
static void test_attendance_result__results_are_read_by_the_right_index(void **state)
{
	struct store *st = *state;
	static const struct {
		const char *sql, *index;
	} q[] = {
#define PLAN(sql) "EXPLAIN QUERY PLAN " sql
		{ PLAN("SELECT day, stale = 0 AND (settles_at IS NULL OR settles_at > 1) FROM attendance_days"
		       " WHERE enterprise_id = 1 AND user_id = 2 AND day >= '2024-05-01' AND day <= '2024-05-31' ORDER BY day"),
		  "sqlite_autoindex_attendance_days_1 (enterprise_id=? AND user_id=? AND day>? AND day<?)" },
		{ PLAN("SELECT max(group_id), coalesce(sum(expected), 0) FROM attendance_days"
		       " WHERE enterprise_id = 1 AND user_id = 2 AND day >= '2024-05-01' AND day <= '2024-05-31'"),
		  "sqlite_autoindex_attendance_days_1 (enterprise_id=? AND user_id=? AND day>? AND day<?)" },
		{ PLAN("SELECT day FROM attendance_days WHERE enterprise_id = 1 AND user_id = 2 AND (stale = 1 OR settles_at <= 5)"
		       " ORDER BY day"),
		  "sqlite_autoindex_attendance_days_1 (enterprise_id=? AND user_id=?)" },
		{ PLAN("SELECT user_id FROM attendance_days WHERE enterprise_id = 1 AND day = '2024-05-06'"),
		  "attendance_days_day (enterprise_id=? AND day=?)" },
		{ PLAN("SELECT user_id, day FROM attendance_days WHERE stale = 1 AND enterprise_id = 1"),
		  "attendance_days_stale (enterprise_id=?)" },
		{ PLAN("SELECT DISTINCT enterprise_id, user_id FROM attendance_days WHERE stale = 1 LIMIT 50"), "attendance_days_stale" },
		{ PLAN("SELECT user_id, enterprise_id, day FROM attendance_days WHERE settles_at <= 5"),
		  "attendance_days_settles (settles_at<?)" },
#undef PLAN
	};
	for (size_t i = 0; i < sizeof(q) / sizeof(q[0]); i++) {
		char plan[512] = "";
		struct store_stmt *s = store_prepare(st, q[i].sql);
		while (store_step(s) == STORE_ROW)
			snprintf(plan + strlen(plan), sizeof(plan) - strlen(plan), "%s; ", store_col_text(s, 3));
		if (!strstr(plan, q[i].index))
			fail_msg("%s\n  planned: %s\n  expected: %s", q[i].sql, plan, q[i].index);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_attendance_result__on_time_is_normal),
		cmocka_unit_test(test_attendance_result__late_by_seven_minutes),
		cmocka_unit_test(test_attendance_result__within_grace_and_the_same_minute_are_on_time),
		cmocka_unit_test(test_attendance_result__early_leave),
		cmocka_unit_test(test_attendance_result__late_and_early_both_count),
		cmocka_unit_test(test_attendance_result__missing_end_and_missing_start),
		cmocka_unit_test(test_attendance_result__no_punch_is_absent),
		cmocka_unit_test(test_attendance_result__windows),
		cmocka_unit_test(test_attendance_result__flexible_start_moves_the_end),
		cmocka_unit_test(test_attendance_result__breaks_are_not_work),
		cmocka_unit_test(test_attendance_result__overnight_shift_ends_the_next_day),
		cmocka_unit_test(test_attendance_result__the_next_day_leaves_a_night_shift_its_end),
		cmocka_unit_test(test_attendance_result__two_shifts),
		cmocka_unit_test(test_attendance_result__rest_day_punches_are_rest_day_work),
		cmocka_unit_test(test_attendance_result__free_rule_judges_nothing),
		cmocka_unit_test(test_attendance_result__flexible_hours),
		cmocka_unit_test(test_attendance_result__today_is_ongoing_until_its_windows_close),
		cmocka_unit_test(test_attendance_result__field_punches_and_makeups),
		cmocka_unit_test(test_attendance_result__months),
		cmocka_unit_test_setup_teardown(test_attendance_result__stored_then_stale_then_judged_again, setup, teardown),
		cmocka_unit_test_setup_teardown(test_attendance_result__ensure_covers_a_month_up_to_today_only, setup, teardown),
		cmocka_unit_test_setup_teardown(test_attendance_result__the_job_settles_closed_days_and_judges_stale_ones_again, setup, teardown),
		cmocka_unit_test_setup_teardown(test_attendance_result__results_are_read_by_the_right_index, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
