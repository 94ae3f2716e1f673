/*
 * Inside the results part of attendance (result.c, report_routes.c): local dates, a judged day
 * as the reports show it, and reading results that may have to be computed first.  Other parts
 * use attendance.h only.  A day is a local date "YYYY-MM-DD" of the enterprise's zone; shift
 * times are minutes after its local midnight.
 */
#ifndef ATRIUM_APPS_ATTENDANCE_RESULT_H
#define ATRIUM_APPS_ATTENDANCE_RESULT_H
#include <stdint.h>
#include "apps/attendance/attendance.h"
#include "core/jsonw.h"
#include "store/store.h"

#define ATT_MONTH_LEN 8 /* "YYYY-MM" and a NUL */

/* ---- local dates (the calendar's zone: attendance.h) ---- */

/* Whether month is "YYYY-MM" (from 2000); its first day and its number of days go out.  1 or 0. */
int att_month_parse(const char *month, char first[ATT_DAY_LEN] /* OUT */, int *ndays /* OUT */);
/* Moves a valid day (att_day_valid) to the next one, in place. */
void att_day_next(char day[ATT_DAY_LEN]);
/* The local date of now in eid's zone, and the zone's offset in minutes (may be NULL).  0 or -1. */
int att_day_now(struct store *st, int64_t eid, int64_t now, char out[ATT_DAY_LEN] /* OUT */, int *offset /* OUT */);

/* ---- a judged day ---- */

enum att_status {
	ATT_ST_NONE,          /* in no attendance group, or before joining: nothing judged, nothing stored */
	ATT_ST_NORMAL,
	ATT_ST_LATE,
	ATT_ST_EARLY,
	ATT_ST_MISSING,
	ATT_ST_ABSENT,
	ATT_ST_FIELD_PENDING, /* on time, but a field punch counted awaits review */
	ATT_ST_FIELD,         /* on time, with an accepted field punch */
	ATT_ST_ONGOING,       /* nothing wrong so far, a window still open */
	ATT_ST_REST,
	ATT_ST_FREE,
};
/* The API's (and the table's) name of a status. */
const char *att_status_name(enum att_status s);
enum att_status att_status_parse(const char *name);

/* A result as stored (the per-shift detail stays JSON text). */
struct att_day {
	char day[ATT_DAY_LEN];
	int64_t group_id;
	enum att_status status;
	int expected, attended;
	int late_count, late_minutes, early_count, early_minutes;
	int missing_count, field_count, makeup_count, worked_minutes;
	int64_t first_at, last_at; /* 0 when none */
	int64_t computed_at;
	char *detail;              /* JSON array of shifts; malloc'ed, att_day_release() frees it */
};
void att_day_release(struct att_day *d);

/*
 * uid's result of day in eid as of now: the stored one when fresh, else computed and stored
 * first (so the caller holds a write transaction).  A day after today, before uid joined, or
 * without a group reads as ATT_ST_NONE.  0 or -1.
 */
int att_day_get(struct store *st, int64_t eid, int64_t uid, const char *day, int64_t now, struct att_day *out /* OUT */);
/* uid's result of day as stored (ATT_ST_NONE when there is none), judging nothing: for reads
 * after att_days_ensure, inside a read snapshot.  0 or -1. */
int att_day_read(struct store *st, int64_t eid, int64_t uid, const char *day, struct att_day *out /* OUT */);
/*
 * Makes the stored results of uid for the days from `from` to `to` fresh as of now (judging
 * those stale, whose open window has closed since, or missing where the results job has not
 * settled the day), inside the caller's write transaction.  Days after today are left alone.
 * 0 or -1.
 */
int att_days_ensure(struct store *st, int64_t eid, int64_t uid, const char *from, const char *to, int64_t now);

/* The day as a make-up request sees it: which shifts, and when punches would count. */
struct att_day_plan {
	struct att_rule rule;
	int judged;              /* a working day the rule judges: there is something to make up */
	int nshifts;
	struct att_shift shifts[ATT_MAX_SHIFTS]; /* in start order */
	int64_t open[ATT_MAX_SHIFTS], close[ATT_MAX_SHIFTS]; /* each shift's windows, UTC ms */
	int64_t midnight, lo, hi; /* the day's local midnight; the span of the punches it owns */
};
/*
 * The plan of uid's day in eid: 1, 0 when no rule judges it (no group, before joining or the
 * group's making, after today), -1.
 */
int att_day_plan(struct store *st, int64_t eid, int64_t uid, const char *day, int64_t now,
		 struct att_day_plan *out /* OUT */);

/*
 * The days the results job has settled for every member of eid: from through through (1), none
 * yet (0, both ""), or -1.  Inside that range a day without a result has nothing to judge.
 */
int att_settled_range(struct store *st, int64_t eid, char from[ATT_DAY_LEN] /* OUT */, char through[ATT_DAY_LEN] /* OUT */);

/* Writes d as the API shows a day: {"day", "status", …, "shifts": […]}. */
void att_day_write(struct jsonw *w, const char *key, const struct att_day *d);

/*
 * The shifts uid is expected to work on a day to come, as the month view shows them: writes
 * {"day", "status": "future" or "rest", "shifts": [{name, start, end}]}.  0 or -1.
 */
int att_day_write_expected(struct store *st, const struct att_rule *rule, int have_rule, int64_t uid,
			   const char *day, struct jsonw *w);

/* "HH:MM" of minutes after midnight (taken modulo a day). */
void att_hhmm(int minutes, char out[6]);

#endif
