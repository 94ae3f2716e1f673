/*
 * Smart attendance (issue 6): attendance groups and their rules, the work calendar, punch
 * places (geofences, Wi-Fi), punches collected only under a live consent, anti-cheating with as
 * little data as possible, day results, make-up requests and reports.  The module is split by
 * what each part owns:
 *
 *   rules.c, rule_routes.c, calendar.c,  groups, rules, rosters, places, the work calendar
 *   calendar_routes.c (rules_int.h)
 *   punch.c, punch_write.c,             punching (stored by the batch writer), devices, flags
 *   punch_routes.c (punch.h)            and review, raw locations
 *   result.c, report_routes.c           day results, make-up requests, summaries, exports
 *   routes.c (routes_int.h)             what the route files share: failures, scope checks
 *
 * This header is the contract between them: what each part offers the others.
 */
#ifndef ATRIUM_APPS_ATTENDANCE_H
#define ATRIUM_APPS_ATTENDANCE_H
#include <stddef.h>
#include <stdint.h>
#include "store/store.h"

#define ATT_MAX_SHIFTS 4   /* shifts in one day of a rule */
#define ATT_MAX_BREAKS 2   /* rest breaks in one shift */
#define ATT_MAX_PLACES 64  /* punch places of one group */
#define ATT_DAY_LEN 11     /* "YYYY-MM-DD" and a NUL */

/* Registers the module's part in others (call once at start): administrators with the attendance
 * right may look at the photos of the punches of people in their scope (apps/im/file.h). */
void att_init(void);

/* ---- rules (rules.c) ---- */

enum att_rule_kind {
	ATT_FIXED,     /* the same shifts every working day of the calendar */
	ATT_SCHEDULED, /* a roster names each person's shift (or rest) per day */
	ATT_FLEXIBLE,  /* hours per day, any time */
	ATT_FREE,      /* punches recorded, nothing judged */
};

/* Times are minutes after local midnight; an end before its start ends the next day. */
struct att_shift {
	char name[32];          /* "" for the shift of a fixed rule; a roster's shift name otherwise */
	int start, end;
	int late_grace;         /* minutes after start still on time */
	int early_grace;        /* minutes before end still not early */
	int flex;               /* minutes the start may move later, the end moving with it */
	int breaks[ATT_MAX_BREAKS][2];
	int nbreaks;
};

/* A group's rule as the other parts use it. */
struct att_rule {
	int64_t group_id, enterprise_id;
	enum att_rule_kind kind;
	struct att_shift shifts[ATT_MAX_SHIFTS]; /* fixed: the day's shifts; scheduled: the roster's named shifts */
	int nshifts;
	int hours_per_day;              /* flexible: minutes of work a day expects (hours × 60) */
	int allow_field;                /* punches outside every place allowed (flagged for review) */
	int makeup_per_month;           /* make-up requests a person may make a month */
	int device_changes_per_month;   /* device changes allowed without approval (0: each needs it) */
	int location_retention_days;    /* raw coordinates kept this long (default 30) */
	int max_speed_kmh;              /* movement between punches faster than this is flagged */
	int max_accuracy_m;             /* a location less accurate than this is flagged */
	int clock_skew_s;               /* a client time further than this from the server's is flagged */
};

/*
 * The group uid belongs to in eid (by person, else by department — their primary one first,
 * then those above it — with exceptions removed) and its rule into *rule.  1, 0 when none, -1.
 */
int att_rule_of(struct store *st, int64_t eid, int64_t uid, struct att_rule *rule /* OUT */);

/*
 * The shifts uid works on day under rule: a fixed rule's shifts on the calendar's working days,
 * the roster's shift for a scheduled rule; none on rest days.  The count, or -1.
 */
int att_shifts_on(struct store *st, const struct att_rule *rule, int64_t uid, const char *day,
		  struct att_shift *out /* [ATT_MAX_SHIFTS] */);

/* A punch place. */
struct att_place {
	int64_t id;
	int wifi;                /* 0: a geofence; 1: a Wi-Fi network */
	double latitude, longitude; /* WGS-84 */
	int radius_m;
	char ssid[33], bssid[18]; /* bssid lowercase aa:bb:cc:dd:ee:ff, "" to match by ssid alone */
	char name[65];
};

/* The places of group gid: the count (at most max), or -1. */
int att_places(struct store *st, int64_t eid, int64_t gid, struct att_place *out, size_t max);

/* ---- the calendar (calendar.c) ---- */

/* Whether day ("YYYY-MM-DD") is a working day of eid's calendar: 1, 0, or -1. */
int att_is_workday(struct store *st, int64_t eid, const char *day);

/*
 * Time zones.  An enterprise keeps one (default Asia/Shanghai); days are its local dates.  Only
 * zones without daylight saving are offered, so a zone is a fixed offset and local time is UTC
 * plus that offset: no TZ variable, no localtime_r, safe on every thread.
 */

/* eid's offset from UTC in minutes east (480 for Asia/Shanghai) into *minutes.  0 or -1. */
int att_zone_offset(struct store *st, int64_t eid, int *minutes /* OUT */);

/* The local date of the instant ms (Unix milliseconds) at offset minutes east of UTC, and the
 * minute after local midnight into *minute (may be NULL). */
void att_local_time(int64_t ms, int offset, char day[ATT_DAY_LEN] /* OUT */, int *minute /* OUT */);

/* The Unix milliseconds of local midnight starting day at offset, or INT64_MIN for a bad day. */
int64_t att_day_ms(const char *day, int offset);

/* Whether day is a real date written "YYYY-MM-DD" (years 1970 to 9999): 1 or 0. */
int att_day_valid(const char *day);

/* The date n days after day (n may be negative) into out; "" for a bad day. */
void att_day_add(const char *day, int n, char out[ATT_DAY_LEN] /* OUT */);

/* The ISO weekday of day: 1 Monday … 7 Sunday, or 0 for a bad day. */
int att_weekday(const char *day);

/* ---- punches (punch.c) ---- */

/* What review made of a punch: flagged ones wait for an administrator, rejected ones do not count. */
enum att_review { ATT_REVIEW_NONE, ATT_REVIEW_PENDING, ATT_REVIEW_ACCEPTED, ATT_REVIEW_REJECTED };

/* A punch as day results use it. */
struct att_punch {
	int64_t id;
	int64_t at;            /* server time, Unix milliseconds: what counts, never the phone's clock */
	int64_t place_id;      /* the place matched; 0 outside every place */
	int field;             /* a field punch (outside every place, allowed by the rule) */
	unsigned flags;        /* what anti-cheating flagged (enum punch_flags); 0 for none */
	enum att_review review;
};

/*
 * uid's punches in eid made at from <= at < to, oldest first, those rejected in review left out:
 * the count (at most max), or -1.
 */
int att_punches_between(struct store *st, int64_t eid, int64_t uid, int64_t from, int64_t to,
			struct att_punch *out /* [max] */, size_t max);

/* ---- results (result.c) ---- */

/*
 * Recomputes uid's result of day in eid from rule, calendar, punches and approved make-ups, and
 * stores it (inside the caller's transaction).  Called after a punch, a make-up decision, and by
 * the rules part when a rule or the calendar changes (for the days affected).  0 or -1.
 */
int att_day_compute(struct store *st, int64_t eid, int64_t uid, const char *day);

/*
 * Marks every stored result of eid from day `from` on as stale (a rule or the calendar changed);
 * reading a stale result recomputes it.  0 or -1.
 */
int att_days_stale(struct store *st, int64_t eid, const char *from);

/*
 * The job (jobs/jobs.h) that keeps results ready for reports off the event loops: it judges
 * again the results made stale or whose open window has closed, and judges every active
 * member's closed days (up to yesterday) of each enterprise with attendance groups.  0 or -1.
 */
int att_results_job(struct store *st, struct store *rd, void *arg, int (*stopping)(void));

#endif
