/*
 * Attendance groups and their rules: which group a person belongs to, what their rule is, the
 * shifts they work on a day, and the group's punch places.  The punching and results parts ask
 * these on every punch and every day computed.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "apps/attendance/rules_int.h"
#include "apps/org/dept.h"
#include "core/geo.h"
#include "core/banned.h"

#define DAY_MIN 1440
#define MAX_GRACE 240     /* minutes of late_grace, early_grace, flex */
#define MAX_EXCLUDED 256  /* groups one person is an exception of, read at once */
#define MAX_DEPARTMENTS 64

static const char *const kinds[] = {
	[ATT_FIXED] = "fixed", [ATT_SCHEDULED] = "scheduled", [ATT_FLEXIBLE] = "flexible", [ATT_FREE] = "free",
};

const char *att_kind_name(enum att_rule_kind kind)
{
	return (unsigned)kind <= ATT_FREE ? kinds[kind] : "?";
}

int att_kind_parse(const char *name, enum att_rule_kind *kind)
{
	for (int k = ATT_FIXED; k <= ATT_FREE; k++)
		if (name && !strcmp(kinds[k], name)) {
			*kind = (enum att_rule_kind)k;
			return 0;
		}
	return -1;
}

void att_rule_defaults(struct att_rule *rule)
{
	memset(rule, 0, sizeof(*rule));
	rule->kind = ATT_FIXED;
	rule->makeup_per_month = 3;
	rule->device_changes_per_month = 0;
	rule->location_retention_days = 30;
	rule->max_speed_kmh = 300;
	rule->max_accuracy_m = 200;
	rule->clock_skew_s = 300;
}

void att_time_text(int minutes, char out[6])
{
	minutes = ((minutes % DAY_MIN) + DAY_MIN) % DAY_MIN;
	snprintf(out, 6, "%02d:%02d", minutes / 60, minutes % 60);
}

int att_time_parse(const char *t, int *minutes)
{
	if (!t || strlen(t) != 5 || t[2] != ':')
		return -1;
	for (int i = 0; i < 5; i++)
		if (i != 2 && (t[i] < '0' || t[i] > '9'))
			return -1;
	int h = (t[0] - '0') * 10 + (t[1] - '0'), m = (t[3] - '0') * 10 + (t[4] - '0');
	if (h > 23 || m > 59)
		return -1;
	*minutes = h * 60 + m;
	return 0;
}

/* ---- checking a rule ---- */

struct problem {
	char *field, *why;
	size_t field_len, why_len;
	int shift;
};

static int __attribute__((format(printf, 4, 5))) problem(struct problem *p, int shift, const char *field,
							  const char *fmt, ...)
{
	va_list ap;
	snprintf(p->field, p->field_len, "rule.%s", field);
	va_start(ap, fmt);
	vsnprintf(p->why, p->why_len, fmt, ap);
	va_end(ap);
	p->shift = shift;
	return -1;
}

/* A time at or after base, on base's day or the next (a clock time read forward from base). */
static int after(int base, int t)
{
	return t < base ? t + DAY_MIN : t;
}

static int check_shift(const struct att_shift *sh, int i, struct problem *p)
{
	char f[64];
	int start = sh->start, end = after(start, sh->end), len = end - start;
	if (start < 0 || start >= DAY_MIN || sh->end < 0 || sh->end >= DAY_MIN || len == 0) {
		snprintf(f, sizeof(f), "shifts[%d].end", i);
		return problem(p, 1, f, "shift %d ends when it starts", i + 1);
	}
	const struct {
		const char *name;
		int v;
	} graces[] = { { "late_grace", sh->late_grace }, { "early_grace", sh->early_grace }, { "flex", sh->flex } };
	for (size_t k = 0; k < 3; k++)
		if (graces[k].v < 0 || graces[k].v > MAX_GRACE || graces[k].v >= len) {
			snprintf(f, sizeof(f), "shifts[%d].%s", i, graces[k].name);
			return problem(p, 1, f, "'%s' of shift %d must be 0 to %d minutes and shorter than the shift",
				       graces[k].name, i + 1, MAX_GRACE);
		}
	if (sh->nbreaks < 0 || sh->nbreaks > ATT_MAX_BREAKS) {
		snprintf(f, sizeof(f), "shifts[%d].breaks", i);
		return problem(p, 1, f, "a shift has at most %d rest breaks", ATT_MAX_BREAKS);
	}
	int prev = start;
	for (int b = 0; b < sh->nbreaks; b++) {
		int bs = after(start, sh->breaks[b][0]), be = after(start, sh->breaks[b][1]);
		snprintf(f, sizeof(f), "shifts[%d].breaks[%d]", i, b);
		if (sh->breaks[b][0] < 0 || sh->breaks[b][0] >= DAY_MIN || sh->breaks[b][1] < 0 ||
		    sh->breaks[b][1] >= DAY_MIN || bs <= prev || be <= bs || be >= end)
			return problem(p, 1, f, "rest break %d of shift %d must lie inside the shift, after the one before it",
				       b + 1, i + 1);
		prev = be;
	}
	return 0;
}

int att_rule_check(const struct att_rule *rule, char *field, size_t field_len, char *why, size_t why_len,
		   int *shift_problem)
{
	struct problem p = { field, why, field_len, why_len, 0 };
	int rc = -1;
	if ((unsigned)rule->kind > ATT_FREE) {
		problem(&p, 0, "kind", "'kind' must be fixed, scheduled, flexible or free");
		goto out;
	}
	if (rule->nshifts < 0 || rule->nshifts > ATT_MAX_SHIFTS) {
		problem(&p, 1, "shifts", "a rule has at most %d shifts", ATT_MAX_SHIFTS);
		goto out;
	}
	if ((rule->kind == ATT_FIXED || rule->kind == ATT_SCHEDULED) && !rule->nshifts) {
		problem(&p, 1, "shifts", "a %s rule needs 1 to %d shifts", att_kind_name(rule->kind), ATT_MAX_SHIFTS);
		goto out;
	}
	if ((rule->kind == ATT_FLEXIBLE || rule->kind == ATT_FREE) && rule->nshifts) {
		problem(&p, 1, "shifts", "a %s rule has no shifts", att_kind_name(rule->kind));
		goto out;
	}
	if (rule->kind == ATT_FLEXIBLE && (rule->hours_per_day < 1 || rule->hours_per_day > DAY_MIN)) {
		problem(&p, 0, "hours_per_day", "a flexible rule needs 'hours_per_day', more than 0 and at most 24");
		goto out;
	}
	if (rule->kind != ATT_FLEXIBLE && rule->hours_per_day) {
		problem(&p, 0, "hours_per_day", "only a flexible rule takes 'hours_per_day'");
		goto out;
	}
	for (int i = 0; i < rule->nshifts; i++)
		if (check_shift(&rule->shifts[i], i, &p))
			goto out;
	if (rule->kind == ATT_FIXED) {
		/* Several shifts a day follow each other without overlap, all within one day's span
		 * from the first start (a night shift may end the next morning). */
		int first = rule->shifts[0].start, prev_end = first;
		for (int i = 0; i < rule->nshifts; i++) {
			const struct att_shift *sh = &rule->shifts[i];
			int start = after(first, sh->start), end = start + (after(sh->start, sh->end) - sh->start);
			char f[32];
			snprintf(f, sizeof(f), "shifts[%d].start", i);
			if (i && start < prev_end) {
				problem(&p, 1, f, "shift %d must start after shift %d ends", i + 1, i);
				goto out;
			}
			if (end - first > DAY_MIN) {
				problem(&p, 1, f, "the day's shifts must fit within 24 hours of the first start");
				goto out;
			}
			prev_end = end;
		}
	}
	if (rule->kind == ATT_SCHEDULED)
		for (int i = 0; i < rule->nshifts; i++) {
			char f[32];
			snprintf(f, sizeof(f), "shifts[%d].name", i);
			if (!rule->shifts[i].name[0]) {
				problem(&p, 1, f, "each shift of a scheduled rule needs a name the roster uses");
				goto out;
			}
			for (int j = 0; j < i; j++)
				if (!strcmp(rule->shifts[i].name, rule->shifts[j].name)) {
					problem(&p, 1, f, "two shifts are called '%s'", rule->shifts[i].name);
					goto out;
				}
		}
	const struct {
		const char *name;
		int v, min, max;
	} settings[] = {
		{ "allow_field", rule->allow_field, 0, 1 },
		{ "makeup_per_month", rule->makeup_per_month, 0, 31 },
		{ "device_changes_per_month", rule->device_changes_per_month, 0, 10 },
		{ "location_retention_days", rule->location_retention_days, 1, 365 },
		{ "max_speed_kmh", rule->max_speed_kmh, 1, 2000 },
		{ "max_accuracy_m", rule->max_accuracy_m, 10, 5000 },
		{ "clock_skew_s", rule->clock_skew_s, 10, 3600 },
	};
	for (size_t k = 0; k < sizeof(settings) / sizeof(settings[0]); k++)
		if (settings[k].v < settings[k].min || settings[k].v > settings[k].max) {
			problem(&p, 0, settings[k].name, "'%s' must be %d to %d", settings[k].name, settings[k].min,
				settings[k].max);
			goto out;
		}
	rc = 0;
out:
	*shift_problem = p.shift;
	return rc;
}

/* ---- the stored rule ---- */

int att_rule_load(struct store *st, int64_t eid, int64_t gid, struct att_rule *rule)
{
	struct store_stmt *s = store_prepare(st,
		"SELECT kind, hours_per_day, allow_field, makeup_per_month, device_changes_per_month,"
		" location_retention_days, max_speed_kmh, max_accuracy_m, clock_skew_s"
		" FROM attendance_groups WHERE enterprise_id = ? AND id = ?");
	store_bind_int(s, 1, eid);
	store_bind_int(s, 2, gid);
	enum store_rc rc = store_step(s);
	if (rc != STORE_ROW) {
		store_reset(s);
		return rc == STORE_DONE ? 0 : -1;
	}
	att_rule_defaults(rule);
	rule->group_id = gid;
	rule->enterprise_id = eid;
	if (att_kind_parse(store_col_text(s, 0), &rule->kind))
		rule->kind = ATT_FREE; /* the CHECK constraint makes this unreachable */
	rule->hours_per_day = (int)store_col_int(s, 1);
	rule->allow_field = (int)store_col_int(s, 2);
	rule->makeup_per_month = (int)store_col_int(s, 3);
	rule->device_changes_per_month = (int)store_col_int(s, 4);
	rule->location_retention_days = (int)store_col_int(s, 5);
	rule->max_speed_kmh = (int)store_col_int(s, 6);
	rule->max_accuracy_m = (int)store_col_int(s, 7);
	rule->clock_skew_s = (int)store_col_int(s, 8);
	store_reset(s);
	s = store_prepare(st,
		"SELECT name, start_min, end_min, late_grace, early_grace, flex, break1_start, break1_end,"
		" break2_start, break2_end FROM attendance_shifts WHERE enterprise_id = ? AND group_id = ? ORDER BY idx");
	store_bind_int(s, 1, eid);
	store_bind_int(s, 2, gid);
	while ((rc = store_step(s)) == STORE_ROW && rule->nshifts < ATT_MAX_SHIFTS) {
		struct att_shift *sh = &rule->shifts[rule->nshifts++];
		snprintf(sh->name, sizeof(sh->name), "%s", store_col_text(s, 0));
		sh->start = (int)store_col_int(s, 1);
		sh->end = (int)store_col_int(s, 2);
		sh->late_grace = (int)store_col_int(s, 3);
		sh->early_grace = (int)store_col_int(s, 4);
		sh->flex = (int)store_col_int(s, 5);
		for (int b = 0; b < ATT_MAX_BREAKS && !store_col_is_null(s, 6 + 2 * b); b++) {
			sh->breaks[b][0] = (int)store_col_int(s, 6 + 2 * b);
			sh->breaks[b][1] = (int)store_col_int(s, 7 + 2 * b);
			sh->nbreaks++;
		}
	}
	store_reset(s);
	return rc == STORE_ROW || rc == STORE_DONE ? 1 : -1;
}

int att_rule_store(struct store *st, const struct att_rule *rule)
{
	struct store_stmt *s = store_prepare(st,
		"UPDATE attendance_groups SET kind = ?, hours_per_day = ?, allow_field = ?, makeup_per_month = ?,"
		" device_changes_per_month = ?, location_retention_days = ?, max_speed_kmh = ?, max_accuracy_m = ?,"
		" clock_skew_s = ? WHERE enterprise_id = ? AND id = ?");
	store_bind_text(s, 1, att_kind_name(rule->kind), -1);
	store_bind_int(s, 2, rule->hours_per_day);
	store_bind_int(s, 3, rule->allow_field);
	store_bind_int(s, 4, rule->makeup_per_month);
	store_bind_int(s, 5, rule->device_changes_per_month);
	store_bind_int(s, 6, rule->location_retention_days);
	store_bind_int(s, 7, rule->max_speed_kmh);
	store_bind_int(s, 8, rule->max_accuracy_m);
	store_bind_int(s, 9, rule->clock_skew_s);
	store_bind_int(s, 10, rule->enterprise_id);
	store_bind_int(s, 11, rule->group_id);
	if (store_run(s) != STORE_DONE)
		return -1;
	s = store_prepare(st, "DELETE FROM attendance_shifts WHERE enterprise_id = ? AND group_id = ?");
	store_bind_int(s, 1, rule->enterprise_id);
	store_bind_int(s, 2, rule->group_id);
	if (store_run(s) != STORE_DONE)
		return -1;
	for (int i = 0; i < rule->nshifts; i++) {
		const struct att_shift *sh = &rule->shifts[i];
		s = store_prepare(st,
			"INSERT INTO attendance_shifts (enterprise_id, group_id, idx, name, start_min, end_min, late_grace,"
			" early_grace, flex, break1_start, break1_end, break2_start, break2_end)"
			" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
		store_bind_int(s, 1, rule->enterprise_id);
		store_bind_int(s, 2, rule->group_id);
		store_bind_int(s, 3, i);
		store_bind_text(s, 4, sh->name, -1);
		store_bind_int(s, 5, sh->start);
		store_bind_int(s, 6, sh->end);
		store_bind_int(s, 7, sh->late_grace);
		store_bind_int(s, 8, sh->early_grace);
		store_bind_int(s, 9, sh->flex);
		for (int b = 0; b < ATT_MAX_BREAKS; b++) {
			if (b < sh->nbreaks) {
				store_bind_int(s, 10 + 2 * b, sh->breaks[b][0]);
				store_bind_int(s, 11 + 2 * b, sh->breaks[b][1]);
			} else {
				store_bind_null(s, 10 + 2 * b);
				store_bind_null(s, 11 + 2 * b);
			}
		}
		if (store_run(s) != STORE_DONE)
			return -1;
	}
	return 0;
}

/* ---- who belongs where ---- */

/* The group department did is in, 0 for none, -1; its parent into *parent (0 at the top). */
static int64_t department_group(struct store *st, int64_t eid, int64_t did, int64_t *parent)
{
	struct store_stmt *s = store_prepare(st,
		"SELECT group_id FROM attendance_group_departments WHERE enterprise_id = ? AND department_id = ?");
	store_bind_int(s, 1, eid);
	store_bind_int(s, 2, did);
	enum store_rc rc = store_step(s);
	int64_t gid = rc == STORE_ROW ? store_col_int(s, 0) : rc == STORE_DONE ? 0 : -1;
	store_reset(s);
	if (gid < 0)
		return -1;
	s = store_prepare(st, "SELECT parent_id FROM departments WHERE enterprise_id = ? AND id = ?");
	store_bind_int(s, 1, eid);
	store_bind_int(s, 2, did);
	rc = store_step(s);
	*parent = rc == STORE_ROW && !store_col_is_null(s, 0) ? store_col_int(s, 0) : 0;
	store_reset(s);
	return rc == STORE_ROW || rc == STORE_DONE ? gid : -1;
}

/*
 * Named by person beats everything.  Else departments decide: the primary department and the
 * departments above it, nearest first, then each other department of the person (by id) and
 * those above it; the first group met that does not name the person as an exception wins.  An
 * exception takes the person out of that group only: the walk goes on past it.
 */
int64_t att_group_of(struct store *st, int64_t eid, int64_t uid)
{
	struct store_stmt *s = store_prepare(st,
		"SELECT group_id, excluded FROM attendance_group_people WHERE enterprise_id = ? AND user_id = ?"
		" ORDER BY excluded, group_id");
	int64_t excluded[MAX_EXCLUDED], depts[MAX_DEPARTMENTS], primary, gid = 0;
	size_t nexcluded = 0, ndepts;
	enum store_rc rc;
	store_bind_int(s, 1, eid);
	store_bind_int(s, 2, uid);
	while ((rc = store_step(s)) == STORE_ROW) {
		if (!store_col_int(s, 1)) {
			gid = store_col_int(s, 0);
			break;
		}
		if (nexcluded < MAX_EXCLUDED)
			excluded[nexcluded++] = store_col_int(s, 0);
	}
	store_reset(s);
	if (rc != STORE_ROW && rc != STORE_DONE)
		return -1;
	if (gid)
		return gid;
	ndepts = dept_of_member(st, eid, uid, depts, MAX_DEPARTMENTS, &primary);
	for (size_t i = 0; i < ndepts; i++) {
		int64_t did = depts[i];
		for (int depth = 0; did && depth < DEPT_MAX_DEPTH; depth++) {
			int64_t parent, found = department_group(st, eid, did, &parent);
			if (found < 0)
				return -1;
			if (found) {
				size_t k = 0;
				while (k < nexcluded && excluded[k] != found)
					k++;
				if (k == nexcluded)
					return found;
			}
			did = parent;
		}
	}
	return 0;
}

int att_rule_of(struct store *st, int64_t eid, int64_t uid, struct att_rule *rule)
{
	int64_t gid = att_group_of(st, eid, uid);
	if (gid <= 0)
		return (int)gid;
	int found = att_rule_load(st, eid, gid, rule);
	return found;
}

/*
 * A fixed rule works its shifts on the calendar's working days; a scheduled rule works what the
 * roster says whatever the calendar (rosters are made knowing the holidays); flexible and free
 * rules have no shifts (a flexible day expects hours_per_day on the calendar's working days).
 */
int att_shifts_on(struct store *st, const struct att_rule *rule, int64_t uid, const char *day,
		  struct att_shift *out)
{
	if (!att_day_valid(day))
		return -1;
	if (rule->kind == ATT_FIXED) {
		int work = att_is_workday(st, rule->enterprise_id, day);
		if (work <= 0)
			return work;
		int n = rule->nshifts < ATT_MAX_SHIFTS ? rule->nshifts : ATT_MAX_SHIFTS;
		memcpy(out, rule->shifts, (size_t)n * sizeof(*out));
		return n;
	}
	if (rule->kind != ATT_SCHEDULED)
		return 0;
	struct store_stmt *s = store_prepare(st,
		"SELECT shift FROM attendance_roster WHERE enterprise_id = ? AND group_id = ? AND user_id = ? AND day = ?");
	store_bind_int(s, 1, rule->enterprise_id);
	store_bind_int(s, 2, rule->group_id);
	store_bind_int(s, 3, uid);
	store_bind_text(s, 4, day, -1);
	enum store_rc rc = store_step(s);
	int n = 0;
	if (rc == STORE_ROW && !store_col_is_null(s, 0)) {
		const char *name = store_col_text(s, 0);
		for (int i = 0; i < rule->nshifts && !n; i++)
			if (!strcmp(rule->shifts[i].name, name)) {
				out[0] = rule->shifts[i];
				n = 1;
			}
	}
	store_reset(s);
	return rc == STORE_ROW || rc == STORE_DONE ? n : -1;
}

int att_places(struct store *st, int64_t eid, int64_t gid, struct att_place *out, size_t max)
{
	struct store_stmt *s = store_prepare(st,
		"SELECT p.id, p.kind, p.name, p.latitude_e7, p.longitude_e7, p.radius_m, p.ssid, p.bssid"
		" FROM attendance_group_places g JOIN attendance_places p ON p.enterprise_id = g.enterprise_id AND p.id = g.place_id"
		" WHERE g.enterprise_id = ? AND g.group_id = ? ORDER BY p.id");
	store_bind_int(s, 1, eid);
	store_bind_int(s, 2, gid);
	size_t n = 0;
	enum store_rc rc = STORE_DONE;
	while (n < max && (rc = store_step(s)) == STORE_ROW) {
		struct att_place *p = &out[n++];
		memset(p, 0, sizeof(*p));
		p->id = store_col_int(s, 0);
		p->wifi = !strcmp(store_col_text(s, 1), "wifi");
		snprintf(p->name, sizeof(p->name), "%s", store_col_text(s, 2));
		if (p->wifi) {
			snprintf(p->ssid, sizeof(p->ssid), "%s", store_col_text(s, 6));
			snprintf(p->bssid, sizeof(p->bssid), "%s", store_col_text(s, 7));
		} else {
			p->latitude = (double)store_col_int(s, 3) / 1e7;
			p->longitude = (double)store_col_int(s, 4) / 1e7;
			p->radius_m = (int)store_col_int(s, 5);
		}
	}
	store_reset(s);
	return rc == STORE_ROW || rc == STORE_DONE ? (int)n : -1;
}

/* ---- as the API shows them ---- */

void att_shift_write(const struct att_shift *sh, struct jsonw *w)
{
	char t[6];
	jsonw_open(w, NULL, '{');
	jsonw_str(w, "name", sh->name);
	att_time_text(sh->start, t);
	jsonw_str(w, "start", t);
	att_time_text(sh->end, t);
	jsonw_str(w, "end", t);
	jsonw_bool(w, "ends_next_day", sh->end <= sh->start);
	jsonw_int(w, "late_grace", sh->late_grace);
	jsonw_int(w, "early_grace", sh->early_grace);
	jsonw_int(w, "flex", sh->flex);
	jsonw_open(w, "breaks", '[');
	for (int b = 0; b < sh->nbreaks; b++) {
		jsonw_open(w, NULL, '{');
		att_time_text(sh->breaks[b][0], t);
		jsonw_str(w, "start", t);
		att_time_text(sh->breaks[b][1], t);
		jsonw_str(w, "end", t);
		jsonw_close(w, '}');
	}
	jsonw_close(w, ']');
	jsonw_close(w, '}');
}

/* A number with at most decimals decimals, without trailing zeros. */
static void write_number(struct jsonw *w, const char *key, double v, int decimals)
{
	char text[48];
	int n = snprintf(text, sizeof(text), "%.*f", decimals, v);
	if (strchr(text, '.')) {
		while (text[n - 1] == '0')
			text[--n] = '\0';
		if (text[n - 1] == '.')
			text[--n] = '\0';
	}
	jsonw_raw(w, key, text, (size_t)n);
}

void att_rule_write(const struct att_rule *rule, const char *key, struct jsonw *w)
{
	jsonw_open(w, key, '{');
	jsonw_str(w, "kind", att_kind_name(rule->kind));
	jsonw_open(w, "shifts", '[');
	for (int i = 0; i < rule->nshifts; i++)
		att_shift_write(&rule->shifts[i], w);
	jsonw_close(w, ']');
	if (rule->kind == ATT_FLEXIBLE)
		write_number(w, "hours_per_day", rule->hours_per_day / 60.0, 4);
	else
		jsonw_null(w, "hours_per_day");
	jsonw_bool(w, "allow_field", rule->allow_field);
	jsonw_int(w, "makeup_per_month", rule->makeup_per_month);
	jsonw_int(w, "device_changes_per_month", rule->device_changes_per_month);
	jsonw_int(w, "location_retention_days", rule->location_retention_days);
	jsonw_int(w, "max_speed_kmh", rule->max_speed_kmh);
	jsonw_int(w, "max_accuracy_m", rule->max_accuracy_m);
	jsonw_int(w, "clock_skew_s", rule->clock_skew_s);
	jsonw_close(w, '}');
}

void att_place_write(const struct att_place *p, struct jsonw *w)
{
	jsonw_open(w, NULL, '{');
	jsonw_id(w, "id", p->id);
	jsonw_str(w, "kind", p->wifi ? "wifi" : "geofence");
	jsonw_str(w, "name", p->name);
	if (p->wifi) {
		jsonw_str(w, "ssid", p->ssid);
		if (p->bssid[0])
			jsonw_str(w, "bssid", p->bssid);
		else
			jsonw_null(w, "bssid");
	} else {
		double lat, lng;
		write_number(w, "latitude", p->latitude, 7);
		write_number(w, "longitude", p->longitude, 7);
		jsonw_str(w, "coords", "wgs84");
		jsonw_int(w, "radius_m", p->radius_m);
		/* The same centre for a map SDK that draws GCJ-02 (AMap, Tencent, Baidu's GCJ mode). */
		geo_wgs84_to_gcj02(p->latitude, p->longitude, &lat, &lng);
		jsonw_open(w, "gcj02", '{');
		write_number(w, "latitude", lat, 7);
		write_number(w, "longitude", lng, 7);
		jsonw_close(w, '}');
	}
	jsonw_close(w, '}');
}
