/*
 * The work calendar of an enterprise: its working weekdays, dated exceptions (public holidays,
 * swapped working weekends), its time zone, and the date arithmetic of local days.
 */
#include <stdio.h>
#include <string.h>
#include "apps/attendance/rules_int.h"
#include "core/clock.h"
#include "core/banned.h"

#define DAY_MS 86400000LL

/*
 * Zones an enterprise may choose.  Only zones that keep no daylight saving time are listed: each
 * is then one fixed offset, and local time is plain arithmetic on UTC — unlike switching the TZ
 * variable for localtime_r, which is process-wide and not safe while other loops run.  Zones
 * with daylight saving (Europe/London, America/New_York, …) would need the tz database read per
 * call and are not offered.
 */
static const struct zone {
	const char *name;
	int offset;
} zones[] = {
	{ "Asia/Shanghai", 480 },   { "Asia/Hong_Kong", 480 },     { "Asia/Macau", 480 },
	{ "Asia/Taipei", 480 },     { "Asia/Urumqi", 360 },        { "Asia/Singapore", 480 },
	{ "Asia/Kuala_Lumpur", 480 }, { "Asia/Manila", 480 },      { "Australia/Perth", 480 },
	{ "Asia/Tokyo", 540 },      { "Asia/Seoul", 540 },         { "Australia/Brisbane", 600 },
	{ "Asia/Bangkok", 420 },    { "Asia/Ho_Chi_Minh", 420 },   { "Asia/Jakarta", 420 },
	{ "Asia/Yangon", 390 },     { "Asia/Dhaka", 360 },         { "Asia/Kathmandu", 345 },
	{ "Asia/Kolkata", 330 },    { "Asia/Karachi", 300 },       { "Asia/Tashkent", 300 },
	{ "Asia/Dubai", 240 },      { "Asia/Riyadh", 180 },        { "Europe/Moscow", 180 },
	{ "Europe/Istanbul", 180 }, { "Africa/Nairobi", 180 },     { "Africa/Johannesburg", 120 },
	{ "Africa/Lagos", 60 },     { "UTC", 0 },                  { "America/Sao_Paulo", -180 },
	{ "America/Bogota", -300 }, { "America/Lima", -300 },      { "Pacific/Honolulu", -600 },
};
#define NZONES (sizeof(zones) / sizeof(zones[0]))

const char *att_zone_find(const char *name, int *offset)
{
	for (size_t i = 0; i < NZONES; i++)
		if (!strcmp(zones[i].name, name)) {
			*offset = zones[i].offset;
			return zones[i].name;
		}
	return NULL;
}

const char *att_zone_at(size_t i, int *offset)
{
	if (i >= NZONES)
		return NULL;
	*offset = zones[i].offset;
	return zones[i].name;
}

void att_offset_text(int offset, char out[8])
{
	int a = offset < 0 ? -offset : offset;
	snprintf(out, 8, "%c%02d:%02d", offset < 0 ? '-' : '+', a / 60 % 100, a % 60);
}

/* ---- dates ---- */

static int leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int month_days(int y, int m)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	return m == 2 && leap(y) ? 29 : days[m - 1];
}

static int digits(const char *s, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

static int parse_day(const char *day, int *y, int *m, int *d)
{
	if (!day || strlen(day) != 10 || day[4] != '-' || day[7] != '-' || digits(day, 4, y) ||
	    digits(day + 5, 2, m) || digits(day + 8, 2, d))
		return -1;
	if (*y < 1970 || *m < 1 || *m > 12 || *d < 1 || *d > month_days(*y, *m))
		return -1;
	return 0;
}

int att_day_valid(const char *day)
{
	int y, m, d;
	return !parse_day(day, &y, &m, &d);
}

/* Days in the whole years from 1970 to y, and in the whole months of y before m. */
static int64_t days_before_year(int y)
{
	int64_t n = 0;
	/* 400 years hold 146097 days, whatever their start. */
	while (y - 400 >= 1970) {
		n += 146097;
		y -= 400;
	}
	for (int k = 1970; k < y; k++)
		n += leap(k) ? 366 : 365;
	return n;
}

int64_t att_day_number(const char *day)
{
	int y, m, d;
	if (parse_day(day, &y, &m, &d))
		return -1;
	int64_t n = days_before_year(y);
	for (int k = 1; k < m; k++)
		n += month_days(y, k);
	return n + d - 1;
}

void att_day_of_number(int64_t n, char out[ATT_DAY_LEN])
{
	int y = 1970, m = 1;
	if (n < 0 || n > 2932896) { /* 9999-12-31 */
		out[0] = '\0';
		return;
	}
	while (n >= 146097) {
		n -= 146097;
		y += 400;
	}
	while (n >= (leap(y) ? 366 : 365)) {
		n -= leap(y) ? 366 : 365;
		y++;
	}
	while (n >= month_days(y, m)) {
		n -= month_days(y, m);
		m++;
	}
	char text[48]; /* y, m and n are in range: the copy below never cuts */
	snprintf(text, sizeof(text), "%04d-%02d-%02d", y, m, (int)n + 1);
	memcpy(out, text, ATT_DAY_LEN - 1);
	out[ATT_DAY_LEN - 1] = '\0';
}

void att_day_add(const char *day, int n, char out[ATT_DAY_LEN])
{
	int64_t k = att_day_number(day);
	if (k < 0) {
		out[0] = '\0';
		return;
	}
	att_day_of_number(k + n, out);
}

int att_weekday(const char *day)
{
	int64_t n = att_day_number(day);
	/* 1970-01-01 was a Thursday, ISO weekday 4. */
	return n < 0 ? 0 : (int)((n + 3) % 7) + 1;
}

int64_t att_day_ms(const char *day, int offset)
{
	int64_t n = att_day_number(day);
	return n < 0 ? INT64_MIN : n * DAY_MS - (int64_t)offset * 60000;
}

void att_local_time(int64_t ms, int offset, char day[ATT_DAY_LEN], int *minute)
{
	int64_t local = ms + (int64_t)offset * 60000;
	int64_t n = local / DAY_MS, rest = local % DAY_MS;
	if (rest < 0) {
		rest += DAY_MS;
		n--;
	}
	att_day_of_number(n, day);
	if (minute)
		*minute = (int)(rest / 60000);
}

/* ---- the calendar ---- */

int att_calendar_get(struct store *st, int64_t eid, struct att_calendar *cal)
{
	struct store_stmt *s = store_prepare(st,
		"SELECT workdays, time_zone FROM attendance_calendars WHERE enterprise_id = ?");
	store_bind_int(s, 1, eid);
	enum store_rc rc = store_step(s);
	cal->workdays = ATT_DEFAULT_WORKDAYS;
	cal->zone = att_zone_find(ATT_DEFAULT_ZONE, &cal->offset);
	if (rc == STORE_ROW) {
		cal->workdays = (int)store_col_int(s, 0);
		/* A zone no longer listed reads as the default rather than failing every punch. */
		const char *zone = att_zone_find(store_col_text(s, 1), &cal->offset);
		cal->zone = zone ? zone : att_zone_find(ATT_DEFAULT_ZONE, &cal->offset);
	}
	store_reset(s);
	return rc == STORE_ROW || rc == STORE_DONE ? 0 : -1;
}

int att_zone_offset(struct store *st, int64_t eid, int *minutes)
{
	struct att_calendar cal;
	if (att_calendar_get(st, eid, &cal))
		return -1;
	*minutes = cal.offset;
	return 0;
}

int att_today(struct store *st, int64_t eid, char day[ATT_DAY_LEN])
{
	int offset;
	if (att_zone_offset(st, eid, &offset))
		return -1;
	att_local_time(clock_now_ms(), offset, day, NULL);
	return 0;
}

/*
 * A dated exception decides first: a holiday is off even on a working weekday, a swapped
 * working weekend (调休) works even on a day the week keeps off.  Else the week decides.
 */
int att_is_workday(struct store *st, int64_t eid, const char *day)
{
	int weekday = att_weekday(day);
	if (!weekday)
		return -1;
	struct store_stmt *s = store_prepare(st,
		"SELECT kind FROM attendance_calendar_days WHERE enterprise_id = ? AND day = ?");
	store_bind_int(s, 1, eid);
	store_bind_text(s, 2, day, -1);
	enum store_rc rc = store_step(s);
	if (rc == STORE_ROW) {
		int work = !strcmp(store_col_text(s, 0), "workday");
		store_reset(s);
		return work;
	}
	store_reset(s);
	if (rc != STORE_DONE)
		return -1;
	struct att_calendar cal;
	if (att_calendar_get(st, eid, &cal))
		return -1;
	return (cal.workdays >> (weekday - 1)) & 1;
}
