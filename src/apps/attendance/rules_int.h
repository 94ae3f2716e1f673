/*
 * Inside the rules part of attendance (calendar.c, rules.c and their routes): the calendar's
 * stored form, the zone list, and the rule's stored form and checks.  Other parts use
 * attendance.h.
 */
#ifndef ATRIUM_APPS_ATTENDANCE_RULES_INT_H
#define ATRIUM_APPS_ATTENDANCE_RULES_INT_H
#include <stddef.h>
#include <stdint.h>
#include "apps/attendance/attendance.h"
#include "core/jsonw.h"
#include "store/store.h"

#define ATT_DEFAULT_ZONE "Asia/Shanghai"
#define ATT_DEFAULT_WORKDAYS 0x1f /* Monday to Friday: bit n-1 for ISO weekday n */
#define ATT_NAME_MAX 64           /* bytes of a group's or a place's name (struct att_place) */
#define ATT_SHIFT_NAME_MAX 31     /* bytes of a shift's name (struct att_shift) */

/* ---- calendar.c ---- */

/* eid's week and zone as stored, or the defaults when it has none. */
struct att_calendar {
	int workdays;      /* bit n-1: ISO weekday n works */
	const char *zone;  /* a name of the zone list (static) */
	int offset;        /* minutes east of UTC */
};
/* 0 or -1. */
int att_calendar_get(struct store *st, int64_t eid, struct att_calendar *cal /* OUT */);

/* The offset of the zone called name into *offset and its static name; NULL when not listed. */
const char *att_zone_find(const char *name, int *offset /* OUT */);
/* The i-th listed zone (NULL past the end), its offset into *offset. */
const char *att_zone_at(size_t i, int *offset /* OUT */);
/* "+08:00" for 480. */
void att_offset_text(int offset, char out[8] /* OUT */);
/* Today's local date in eid's zone. 0 or -1. */
int att_today(struct store *st, int64_t eid, char day[ATT_DAY_LEN] /* OUT */);
/* The days since 1970-01-01 of a valid day (att_day_valid), and back. */
int64_t att_day_number(const char *day);
void att_day_of_number(int64_t n, char out[ATT_DAY_LEN] /* OUT */);

/* ---- rules.c ---- */

const char *att_kind_name(enum att_rule_kind kind);
/* 0 and *kind, or -1 for a name of no kind. */
int att_kind_parse(const char *name, enum att_rule_kind *kind /* OUT */);

/* A rule of no kind yet with every setting at its default (makeup 3, retention 30 days, …). */
void att_rule_defaults(struct att_rule *rule /* OUT */);

/*
 * Checks a rule as a person set it.  0, or -1 with the offending field's path (as the API names
 * it: "shifts[1].breaks[0].end", "hours_per_day") in field and the reason in why, lowercase;
 * *shift_problem says whether the problem lies in the shifts (shift_invalid) or a setting.
 */
int att_rule_check(const struct att_rule *rule, char *field, size_t field_len, char *why, size_t why_len,
		   int *shift_problem /* OUT */);

/* Reads group gid of eid and its rule: 1, 0 when there is no such group, -1. */
int att_rule_load(struct store *st, int64_t eid, int64_t gid, struct att_rule *rule /* OUT */);

/* Stores rule's settings and shifts into its group (rule->group_id), inside the caller's
 * transaction.  0 or -1. */
int att_rule_store(struct store *st, const struct att_rule *rule);

/* The group uid of eid belongs to (att_rule_of's answer): the id, 0 for none, -1. */
int64_t att_group_of(struct store *st, int64_t eid, int64_t uid);

/* "HH:MM" from minutes after midnight, and back (0 and *minutes, -1 when not a time). */
void att_time_text(int minutes, char out[6] /* OUT */);
int att_time_parse(const char *text, int *minutes /* OUT */);

/* Writes rule as the API shows it, as the value of key. */
void att_rule_write(const struct att_rule *rule, const char *key, struct jsonw *w);
/* Writes one shift as an object inside an array. */
void att_shift_write(const struct att_shift *shift, struct jsonw *w);
/* Writes a place as an object inside an array. */
void att_place_write(const struct att_place *place, struct jsonw *w);

#endif
