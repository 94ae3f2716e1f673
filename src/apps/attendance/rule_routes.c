/*
 * Attendance rule routes: punch places, attendance groups (members, exceptions, places and the
 * rule), the roster of scheduled shifts, and a member's own view of today (/attendance/me).
 * Changes need the attendance right; /attendance/me needs only membership.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "apps/attendance/routes_int.h"
#include "apps/attendance/rules_int.h"
#include "apps/org/dept.h"
#include "apps/org/org.h"
#include "core/clock.h"
#include "core/geo.h"
#include "core/mem.h"
#include "core/banned.h"

#define MAX_GROUP_DEPARTMENTS 256
#define MAX_GROUP_PEOPLE 1000
#define MAX_ROSTER_ENTRIES 2000
#define MAX_ROSTER_DAYS 62       /* days one GET of the roster spans */
#define MIN_RADIUS 50
#define MAX_RADIUS 5000

/* Text of 1 to max bytes (and characters), as org_check_text judges text. */
static enum err check_name(struct req *r, const char *field, const char *v, size_t max, int may_be_empty)
{
	enum err rc = org_check_text(r, field, v, (int)max, may_be_empty);
	if (!rc && strlen(v) > max) {
		req_extra(r, "field", json_string(field));
		return req_fail(r, ERR_INVALID_VALUE, "'%s' must be at most %zu bytes (%zu Chinese characters)", field, max,
				max / 3);
	}
	return rc;
}

static void write_ids(struct jsonw *w, const char *key, const int64_t *ids, size_t n)
{
	jsonw_open(w, key, '[');
	for (size_t i = 0; i < n; i++)
		jsonw_id(w, NULL, ids[i]);
	jsonw_close(w, ']');
}

/* ---- places ---- */

static int load_place(struct store *st, int64_t eid, int64_t pid, struct att_place *p)
{
	struct store_stmt *s = store_prepare(st,
		"SELECT kind, name, latitude_e7, longitude_e7, radius_m, ssid, bssid FROM attendance_places"
		" WHERE enterprise_id = ? AND id = ?");
	store_bind_int(s, 1, eid);
	store_bind_int(s, 2, pid);
	enum store_rc rc = store_step(s);
	if (rc == STORE_ROW) {
		memset(p, 0, sizeof(*p));
		p->id = pid;
		p->wifi = !strcmp(store_col_text(s, 0), "wifi");
		snprintf(p->name, sizeof(p->name), "%s", store_col_text(s, 1));
		p->latitude = (double)store_col_int(s, 2) / 1e7;
		p->longitude = (double)store_col_int(s, 3) / 1e7;
		p->radius_m = (int)store_col_int(s, 4);
		snprintf(p->ssid, sizeof(p->ssid), "%s", store_col_text(s, 5));
		snprintf(p->bssid, sizeof(p->bssid), "%s", store_col_text(s, 6));
	}
	store_reset(s);
	return rc == STORE_ROW ? 1 : rc == STORE_DONE ? 0 : -1;
}

static enum err find_place(struct req *r, int64_t eid, const char *text, const char *field, int64_t *pid)
{
	struct att_place p;
	int found = id_parse(text, pid) ? 0 : load_place(r->app->st, eid, *pid, &p);
	if (found < 0)
		return att_store_failed(r);
	if (!found) {
		if (field)
			req_extra(r, "field", json_string(field));
		return req_fail(r, ERR_PLACE_NOT_FOUND, "no punch place '%.24s' in this enterprise", text);
	}
	return ERR_OK;
}

static enum err reply_place(struct req *r, int status, int64_t eid, int64_t pid)
{
	struct att_place p;
	int found = load_place(r->app->st, eid, pid, &p);
	if (found <= 0)
		return found ? att_store_failed(r) : req_fail(r, ERR_PLACE_NOT_FOUND, NULL);
	struct jsonw w;
	jsonw_init(&w);
	att_place_write(&p, &w);
	req_json_text(r, status, w.buf, w.len);
	jsonw_release(&w);
	return ERR_OK;
}

/* "AA-BB-cc:dd:EE:ff" into "aa:bb:cc:dd:ee:ff"; 0 or -1. */
static int normalise_bssid(const char *in, char out[18])
{
	if (strlen(in) != 17)
		return -1;
	for (int i = 0; i < 17; i++) {
		char c = in[i];
		if (i % 3 == 2) {
			if (c != ':' && c != '-')
				return -1;
			out[i] = ':';
		} else if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')) {
			out[i] = c;
		} else if (c >= 'A' && c <= 'F') {
			out[i] = (char)(c - 'A' + 'a');
		} else {
			return -1;
		}
	}
	out[17] = '\0';
	return 0;
}

/*
 * Reads a place from the body: a geofence (latitude, longitude, coords wgs84|gcj02 — a GCJ-02
 * centre is converted and stored as WGS-84 — and radius_m 50..5000) or a Wi-Fi network (ssid
 * 1..32 bytes, bssid optional).  A field of the other kind is refused rather than ignored.
 */
static enum err body_place(struct req *r, struct att_place *p)
{
	static const char *const geo_fields[] = { "latitude", "longitude", "coords", "radius_m" };
	static const char *const wifi_fields[] = { "ssid", "bssid" };
	const char *kind = req_str(r, "kind"), *name = req_str(r, "name");
	enum err rc;
	memset(p, 0, sizeof(*p));
	if (strcmp(kind, "geofence") && strcmp(kind, "wifi"))
		return att_field_fail(r, ERR_INVALID_VALUE, "kind", "'kind' must be geofence or wifi");
	if ((rc = check_name(r, "name", name, ATT_NAME_MAX, 0)))
		return rc;
	snprintf(p->name, sizeof(p->name), "%s", name);
	p->wifi = !strcmp(kind, "wifi");
	const char *const *other = p->wifi ? geo_fields : wifi_fields;
	for (size_t i = 0; i < (p->wifi ? 4 : 2); i++) {
		json_t *v = json_object_get(r->body, other[i]);
		if (v && !json_is_null(v)) {
			char detail[96];
			snprintf(detail, sizeof(detail), "a %s place takes no '%s'", kind, other[i]);
			return att_field_fail(r, ERR_INVALID_VALUE, other[i], "%s", detail);
		}
	}
	if (p->wifi) {
		const char *ssid = req_str(r, "ssid"), *bssid = req_str(r, "bssid");
		json_t *bv = json_object_get(r->body, "bssid");
		if (!ssid)
			return att_field_fail(r, ERR_MISSING_FIELD, "ssid", "field 'ssid' is required");
		if (!*ssid || strlen(ssid) > 32)
			return att_field_fail(r, ERR_INVALID_VALUE, "ssid", "'ssid' must be 1 to 32 bytes");
		if (bv && !json_is_null(bv) && !bssid)
			return att_field_fail(r, ERR_INVALID_TYPE, "bssid", "field 'bssid' must be a string or null");
		if (bssid && *bssid && normalise_bssid(bssid, p->bssid))
			return att_field_fail(r, ERR_INVALID_VALUE, "bssid", "'bssid' must be six hexadecimal pairs, aa:bb:cc:dd:ee:ff");
		snprintf(p->ssid, sizeof(p->ssid), "%s", ssid);
		return ERR_OK;
	}
	json_t *lat = json_object_get(r->body, "latitude"), *lng = json_object_get(r->body, "longitude"),
	       *radius = json_object_get(r->body, "radius_m");
	const char *coords = req_str(r, "coords");
	for (size_t i = 0; i < 4; i++)
		if (!json_object_get(r->body, geo_fields[i]) || json_is_null(json_object_get(r->body, geo_fields[i]))) {
			char detail[64];
			snprintf(detail, sizeof(detail), "field '%s' is required", geo_fields[i]);
			return att_field_fail(r, ERR_MISSING_FIELD, geo_fields[i], "%s", detail);
		}
	if (!json_is_number(lat) || !json_is_number(lng) || !geo_valid(json_number_value(lat), json_number_value(lng)))
		return att_field_fail(r, ERR_INVALID_VALUE, !json_is_number(lat) || fabs(json_number_value(lat)) > 90 ? "latitude" : "longitude",
				  "'latitude' must be -90 to 90 and 'longitude' -180 to 180, in degrees");
	if (!coords || (strcmp(coords, "wgs84") && strcmp(coords, "gcj02")))
		return att_field_fail(r, ERR_INVALID_VALUE, "coords", "'coords' must be wgs84 (GPS) or gcj02 (Chinese map SDKs)");
	if (!json_is_integer(radius) || json_integer_value(radius) < MIN_RADIUS || json_integer_value(radius) > MAX_RADIUS)
		return att_field_fail(r, ERR_INVALID_VALUE, "radius_m", "'radius_m' must be 50 to 5000 metres");
	p->latitude = json_number_value(lat);
	p->longitude = json_number_value(lng);
	if (!strcmp(coords, "gcj02"))
		geo_gcj02_to_wgs84(json_number_value(lat), json_number_value(lng), &p->latitude, &p->longitude);
	p->radius_m = (int)json_integer_value(radius);
	return ERR_OK;
}

static const struct field place_spec[] = {
	{ "kind", F_STRING, 1 }, { "name", F_STRING, 1 }, { "latitude", F_ANY, 0 }, { "longitude", F_ANY, 0 },
	{ "coords", F_STRING, 0 }, { "radius_m", F_INT, 0 }, { "ssid", F_STRING, 0 }, { "bssid", F_ANY, 0 }, { 0 }
};

static int save_place(struct store *st, int64_t eid, int64_t pid, const struct att_place *p, int insert)
{
	int64_t now = clock_now_ms();
	struct store_stmt *s = insert
		? store_prepare(st, "INSERT INTO attendance_places (kind, name, latitude_e7, longitude_e7, radius_m, ssid, bssid,"
				    " updated_at, enterprise_id, id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
		: store_prepare(st, "UPDATE attendance_places SET kind = ?, name = ?, latitude_e7 = ?, longitude_e7 = ?,"
				    " radius_m = ?, ssid = ?, bssid = ?, updated_at = ? WHERE enterprise_id = ? AND id = ?");
	store_bind_text(s, 1, p->wifi ? "wifi" : "geofence", -1);
	store_bind_text(s, 2, p->name, -1);
	if (p->wifi) {
		store_bind_null(s, 3);
		store_bind_null(s, 4);
		store_bind_null(s, 5);
		store_bind_text(s, 6, p->ssid, -1);
		store_bind_text(s, 7, p->bssid, -1);
	} else {
		store_bind_int(s, 3, llround(p->latitude * 1e7));
		store_bind_int(s, 4, llround(p->longitude * 1e7));
		store_bind_int(s, 5, p->radius_m);
		store_bind_null(s, 6);
		store_bind_text(s, 7, "", -1);
	}
	store_bind_int(s, 8, now);
	store_bind_int(s, 9, eid);
	store_bind_int(s, 10, pid);
	if (insert)
		store_bind_int(s, 11, now);
	return store_run(s) == STORE_DONE ? 0 : -1;
}

static enum err get_places(struct req *r)
{
	int64_t eid;
	enum err rc = org_require(r, r->params[0], ORG_RIGHT_ATTENDANCE, &eid, NULL);
	if (rc)
		return rc;
	struct store_stmt *s = store_prepare(r->app->st,
		"SELECT id FROM attendance_places WHERE enterprise_id = ? ORDER BY id");
	int64_t *ids = NULL;
	size_t n = 0, cap = 0;
	store_bind_int(s, 1, eid);
	while (store_step(s) == STORE_ROW) {
		if (n == cap)
			ids = xrealloc(ids, (cap = cap ? cap * 2 : 32) * sizeof(*ids));
		ids[n++] = store_col_int(s, 0);
	}
	struct jsonw w;
	jsonw_init(&w);
	jsonw_open(&w, NULL, '{');
	jsonw_open(&w, "places", '[');
	for (size_t i = 0; i < n; i++) {
		struct att_place p;
		if (load_place(r->app->st, eid, ids[i], &p) == 1)
			att_place_write(&p, &w);
	}
	jsonw_close(&w, ']');
	jsonw_close(&w, '}');
	free(ids);
	req_json_text(r, 200, w.buf, w.len);
	jsonw_release(&w);
	return ERR_OK;
}

static enum err post_place(struct req *r)
{
	struct org_member me;
	int64_t eid, pid = id_next();
	struct att_place p;
	enum err rc;
	if ((rc = org_require_body(r, ORG_RIGHT_ATTENDANCE, place_spec, &eid, &me)) ||
	    (rc = att_require_whole(r, &me)) || (rc = body_place(r, &p)))
		return rc;
	if (save_place(r->app->st, eid, pid, &p, 1))
		return att_store_failed(r);
	if ((rc = org_audit(r, "attendance.place_create", 0, "attendance_place", pid, NULL)) || (rc = org_commit(r)))
		return rc;
	return reply_place(r, 201, eid, pid);
}

/* Replaces a place whole (the body is as for creating one). */
static enum err put_place(struct req *r)
{
	struct org_member me;
	int64_t eid, pid;
	struct att_place p;
	enum err rc;
	if ((rc = org_require_body(r, ORG_RIGHT_ATTENDANCE, place_spec, &eid, &me)) ||
	    (rc = att_require_whole(r, &me)) ||
	    (rc = find_place(r, eid, r->params[1], NULL, &pid)) || (rc = body_place(r, &p)))
		return rc;
	if (save_place(r->app->st, eid, pid, &p, 0))
		return att_store_failed(r);
	if ((rc = org_audit(r, "attendance.place_update", 0, "attendance_place", pid, NULL)) || (rc = org_commit(r)))
		return rc;
	return reply_place(r, 200, eid, pid);
}

/* A deleted place leaves every group that had it (ON DELETE CASCADE). */
static enum err delete_place(struct req *r)
{
	struct org_member me;
	int64_t eid, pid;
	enum err rc;
	if ((rc = org_begin(r)) || (rc = org_require(r, r->params[0], ORG_RIGHT_ATTENDANCE, &eid, &me)) ||
	    (rc = att_require_whole(r, &me)) ||
	    (rc = find_place(r, eid, r->params[1], NULL, &pid)))
		return rc;
	struct store_stmt *s = store_prepare(r->app->st, "DELETE FROM attendance_places WHERE enterprise_id = ? AND id = ?");
	store_bind_int(s, 1, eid);
	store_bind_int(s, 2, pid);
	if (store_run(s) != STORE_DONE)
		return att_store_failed(r);
	if ((rc = org_audit(r, "attendance.place_delete", 0, "attendance_place", pid, NULL)) || (rc = org_commit(r)))
		return rc;
	req_no_content(r);
	return ERR_OK;
}

/* ---- the rule as the body gives it ---- */

/* An integer field into *out (clamped so a huge value fails the range check, never overflows). */
static void int_field(json_t *obj, const char *name, int *out)
{
	json_t *v = json_object_get(obj, name);
	if (json_is_integer(v)) {
		json_int_t x = json_integer_value(v);
		*out = x < -1 ? -1 : x > 1000000 ? 1000000 : (int)x;
	}
}

static enum err shift_fail(struct req *r, const char *field, const char *detail)
{
	return att_field_fail(r, ERR_SHIFT_INVALID, field, "%s", detail);
}

static enum err body_time(struct req *r, json_t *obj, const char *key, const char *prefix, int *minutes)
{
	char field[128], detail[192];
	snprintf(field, sizeof(field), "%s.%s", prefix, key);
	if (att_time_parse(json_str(obj, key, NULL), minutes)) {
		snprintf(detail, sizeof(detail), "'%s' must be a time of day written HH:MM, 00:00 to 23:59", field);
		return shift_fail(r, field, detail);
	}
	return ERR_OK;
}

static enum err body_shift(struct req *r, json_t *obj, int i, struct att_shift *sh)
{
	static const struct field spec[] = {
		{ "name", F_STRING, 0 }, { "start", F_STRING, 1 }, { "end", F_STRING, 1 }, { "ends_next_day", F_BOOL, 0 },
		{ "late_grace", F_INT, 0 }, { "early_grace", F_INT, 0 }, { "flex", F_INT, 0 }, { "breaks", F_ARRAY, 0 }, { 0 }
	};
	static const struct field break_spec[] = { { "start", F_STRING, 1 }, { "end", F_STRING, 1 }, { 0 } };
	char prefix[48], field[64];
	enum err rc;
	snprintf(prefix, sizeof(prefix), "rule.shifts[%d]", i);
	memset(sh, 0, sizeof(*sh));
	if (!json_is_object(obj))
		return att_field_fail(r, ERR_INVALID_TYPE, prefix, "each shift must be an object");
	if ((rc = req_check_object(r, obj, prefix, spec)) || (rc = body_time(r, obj, "start", prefix, &sh->start)) ||
	    (rc = body_time(r, obj, "end", prefix, &sh->end)))
		return rc;
	const char *name = json_str(obj, "name", "");
	snprintf(field, sizeof(field), "%s.name", prefix);
	if ((rc = check_name(r, field, name, ATT_SHIFT_NAME_MAX, 1)))
		return rc;
	snprintf(sh->name, sizeof(sh->name), "%s", name);
	json_t *next = json_object_get(obj, "ends_next_day");
	if (json_is_boolean(next) && json_is_true(next) != (sh->end <= sh->start)) {
		snprintf(field, sizeof(field), "%s.ends_next_day", prefix);
		return shift_fail(r, field, json_is_true(next) ? "'ends_next_day' is true but the end comes after the start"
							       : "'ends_next_day' is false but the end is not after the start");
	}
	int_field(obj, "late_grace", &sh->late_grace);
	int_field(obj, "early_grace", &sh->early_grace);
	int_field(obj, "flex", &sh->flex);
	json_t *breaks = json_object_get(obj, "breaks"), *b;
	size_t k;
	if (json_array_size(breaks) > ATT_MAX_BREAKS) {
		snprintf(field, sizeof(field), "%s.breaks", prefix);
		return shift_fail(r, field, "a shift has at most 2 rest breaks");
	}
	json_array_foreach(breaks, k, b) {
		char bprefix[64];
		snprintf(bprefix, sizeof(bprefix), "%s.breaks[%d]", prefix, (int)k);
		if (!json_is_object(b))
			return att_field_fail(r, ERR_INVALID_TYPE, bprefix, "each rest break must be an object {start, end}");
		if ((rc = req_check_object(r, b, bprefix, break_spec)) || (rc = body_time(r, b, "start", bprefix, &sh->breaks[k][0])) ||
		    (rc = body_time(r, b, "end", bprefix, &sh->breaks[k][1])))
			return rc;
		sh->nbreaks++;
	}
	return ERR_OK;
}

/*
 * Applies the body's rule object onto *rule (the current rule, or the defaults for a new group):
 * fields left out keep their value, except that a new kind starts without shifts and hours.
 * Then checks the whole.
 */
static enum err body_rule(struct req *r, json_t *obj, struct att_rule *rule)
{
	static const struct field spec[] = {
		{ "kind", F_STRING, 0 }, { "shifts", F_ARRAY, 0 }, { "hours_per_day", F_ANY, 0 },
		{ "allow_field", F_BOOL, 0 }, { "makeup_per_month", F_INT, 0 }, { "device_changes_per_month", F_INT, 0 },
		{ "location_retention_days", F_INT, 0 }, { "max_speed_kmh", F_INT, 0 }, { "max_accuracy_m", F_INT, 0 },
		{ "clock_skew_s", F_INT, 0 }, { 0 }
	};
	enum err rc;
	if ((rc = req_check_object(r, obj, "rule", spec)))
		return rc;
	const char *kind = json_str(obj, "kind", NULL);
	if (kind) {
		enum att_rule_kind k;
		if (att_kind_parse(kind, &k))
			return att_field_fail(r, ERR_INVALID_VALUE, "rule.kind", "'rule.kind' must be fixed, scheduled, flexible or free");
		if (k != rule->kind) {
			rule->nshifts = 0;
			rule->hours_per_day = 0;
		}
		rule->kind = k;
	}
	json_t *shifts = json_object_get(obj, "shifts"), *v;
	size_t i;
	if (json_is_array(shifts)) {
		if (json_array_size(shifts) > ATT_MAX_SHIFTS)
			return shift_fail(r, "rule.shifts", "a rule has at most 4 shifts");
		rule->nshifts = 0;
		json_array_foreach(shifts, i, v) {
			if ((rc = body_shift(r, v, (int)i, &rule->shifts[i])))
				return rc;
			rule->nshifts++;
		}
	}
	json_t *hours = json_object_get(obj, "hours_per_day");
	if (hours && json_is_null(hours)) {
		rule->hours_per_day = 0;
	} else if (hours) {
		double h = json_is_number(hours) ? json_number_value(hours) * 60 : -1;
		if (h <= 0 || h > 1440 || fabs(h - round(h)) > 1e-6)
			return att_field_fail(r, ERR_INVALID_VALUE, "rule.hours_per_day",
					  "'rule.hours_per_day' must be more than 0 and at most 24, in whole minutes (7.5 is 7 h 30)");
		rule->hours_per_day = (int)round(h);
	}
	json_t *field = json_object_get(obj, "allow_field");
	if (json_is_boolean(field))
		rule->allow_field = json_is_true(field);
	int_field(obj, "makeup_per_month", &rule->makeup_per_month);
	int_field(obj, "device_changes_per_month", &rule->device_changes_per_month);
	int_field(obj, "location_retention_days", &rule->location_retention_days);
	int_field(obj, "max_speed_kmh", &rule->max_speed_kmh);
	int_field(obj, "max_accuracy_m", &rule->max_accuracy_m);
	int_field(obj, "clock_skew_s", &rule->clock_skew_s);
	char where[64], why[160];
	int shift_problem;
	if (att_rule_check(rule, where, sizeof(where), why, sizeof(why), &shift_problem))
		return att_field_fail(r, shift_problem ? ERR_SHIFT_INVALID : ERR_INVALID_VALUE, where, "%s", why);
	return ERR_OK;
}

/* ---- groups ---- */

/* Who and what a group holds, as stored or as a change will leave it. */
struct members {
	int64_t *departments, *users, *excluded, *places;
	size_t ndepartments, nusers, nexcluded, nplaces;
};

static void members_release(struct members *m)
{
	free(m->departments);
	free(m->users);
	free(m->excluded);
	free(m->places);
	memset(m, 0, sizeof(*m));
}

static int64_t *read_ids(struct store_stmt *s, int64_t eid, int64_t gid, size_t *n)
{
	int64_t *ids = NULL;
	size_t cap = 0;
	*n = 0;
	store_bind_int(s, 1, eid);
	store_bind_int(s, 2, gid);
	while (store_step(s) == STORE_ROW) {
		if (*n == cap)
			ids = xrealloc(ids, (cap = cap ? cap * 2 : 16) * sizeof(*ids));
		ids[(*n)++] = store_col_int(s, 0);
	}
	store_reset(s);
	return ids;
}

static void members_load(struct store *st, int64_t eid, int64_t gid, struct members *m)
{
	m->departments = read_ids(store_prepare(st, "SELECT department_id FROM attendance_group_departments"
						    " WHERE enterprise_id = ? AND group_id = ? ORDER BY department_id"),
				  eid, gid, &m->ndepartments);
	m->users = read_ids(store_prepare(st, "SELECT user_id FROM attendance_group_people"
					      " WHERE enterprise_id = ? AND group_id = ? AND excluded = 0 ORDER BY user_id"),
			    eid, gid, &m->nusers);
	m->excluded = read_ids(store_prepare(st, "SELECT user_id FROM attendance_group_people"
						 " WHERE enterprise_id = ? AND group_id = ? AND excluded = 1 ORDER BY user_id"),
			       eid, gid, &m->nexcluded);
	m->places = read_ids(store_prepare(st, "SELECT place_id FROM attendance_group_places"
					       " WHERE enterprise_id = ? AND group_id = ? ORDER BY place_id"),
			     eid, gid, &m->nplaces);
}

static int contains(const int64_t *ids, size_t n, int64_t id)
{
	for (size_t i = 0; i < n; i++)
		if (ids[i] == id)
			return 1;
	return 0;
}

enum id_kind { ID_DEPARTMENT, ID_MEMBER, ID_PLACE };

/* A list of distinct ids of one kind from the body's array at field, checked to exist in eid. */
static enum err body_ids(struct req *r, int64_t eid, const char *field, enum id_kind kind, size_t max, int64_t **out,
			 size_t *n)
{
	json_t *list = json_object_get(r->body, field), *v;
	size_t i;
	enum err rc;
	free(*out);
	*out = NULL;
	*n = 0;
	if (json_array_size(list) > max) {
		char detail[64];
		snprintf(detail, sizeof(detail), "'%s' lists at most %zu", field, max);
		return att_field_fail(r, ERR_INVALID_VALUE, field, "%s", detail);
	}
	*out = xcalloc(json_array_size(list) + 1, sizeof(**out));
	json_array_foreach(list, i, v) {
		const char *text = json_is_string(v) ? json_string_value(v) : "";
		int64_t id = 0;
		int found;
		struct org_member m;
		switch (kind) {
		case ID_DEPARTMENT:
			found = id_parse(text, &id) ? 0 : dept_exists(r->app->st, eid, id);
			if (found < 0)
				return att_store_failed(r);
			if (!found) {
				req_extra(r, "field", json_string(field));
				return req_fail(r, ERR_DEPARTMENT_NOT_FOUND, "no department '%.24s' in this enterprise", text);
			}
			break;
		case ID_MEMBER:
			found = id_parse(text, &id) ? 0 : org_member_get(r->app->st, eid, id, &m);
			if (found < 0)
				return att_store_failed(r);
			if (!found || !m.active) {
				req_extra(r, "field", json_string(field));
				return req_fail(r, ERR_MEMBER_NOT_FOUND, "no active member '%.24s' in this enterprise", text);
			}
			break;
		case ID_PLACE:
			if ((rc = find_place(r, eid, text, field, &id)))
				return rc;
			break;
		}
		if (!contains(*out, *n, id))
			(*out)[(*n)++] = id;
	}
	return ERR_OK;
}

/*
 * An administrator of some departments manages only groups wholly inside their scope: each
 * department of the group at or below one of theirs, each person named into it or out of it
 * sitting in one of them.  403 otherwise; an administrator of scope "all" manages every group.
 */
static enum err require_group_scope(struct req *r, const struct org_member *me, const struct members *m)
{
	char id[ID_STR_LEN];
	enum err rc;
	if (me->scope_all)
		return ERR_OK;
	for (size_t i = 0; i < m->ndepartments; i++) {
		int in = dept_in_scope(r->app->st, me, m->departments[i]);
		if (in < 0)
			return att_store_failed(r);
		if (!in)
			return req_fail(r, ERR_FORBIDDEN, "the group takes department '%s', which is outside your scope",
					id_format(m->departments[i], id));
	}
	const int64_t *lists[] = { m->users, m->excluded };
	const size_t counts[] = { m->nusers, m->nexcluded };
	for (size_t l = 0; l < 2; l++)
		for (size_t i = 0; i < counts[l]; i++)
			if ((rc = att_require_scope(r, me, lists[l][i])))
				return rc;
	return ERR_OK;
}

/*
 * Conflicts are refused, never resolved silently: a department is in at most one group, and a
 * person is named into at most one group (409 attendance_member_conflict naming the other).
 */
static enum err check_conflicts(struct req *r, int64_t eid, int64_t gid, const struct members *m)
{
	struct store *st = r->app->st;
	char id[ID_STR_LEN], other[ID_STR_LEN];
	for (size_t i = 0; i < m->nusers; i++)
		if (contains(m->excluded, m->nexcluded, m->users[i])) {
			req_extra(r, "field", json_string("excluded_user_ids"));
			return req_fail(r, ERR_INVALID_VALUE, "member '%s' cannot be both named into the group and an exception of it",
					id_format(m->users[i], id));
		}
	for (size_t i = 0; i < m->ndepartments; i++) {
		struct store_stmt *s = store_prepare(st, "SELECT group_id FROM attendance_group_departments"
							 " WHERE enterprise_id = ? AND department_id = ? AND group_id <> ?");
		store_bind_int(s, 1, eid);
		store_bind_int(s, 2, m->departments[i]);
		store_bind_int(s, 3, gid);
		int64_t found = store_step(s) == STORE_ROW ? store_col_int(s, 0) : 0;
		store_reset(s);
		if (found) {
			req_extra(r, "field", json_string("department_ids"));
			req_extra(r, "department_id", json_string(id_format(m->departments[i], id)));
			req_extra(r, "group_id", json_string(id_format(found, other)));
			return req_fail(r, ERR_ATTENDANCE_MEMBER_CONFLICT,
					"department '%s' is already in attendance group '%s'; take it out there first", id, other);
		}
	}
	for (size_t i = 0; i < m->nusers; i++) {
		struct store_stmt *s = store_prepare(st, "SELECT group_id FROM attendance_group_people"
							 " WHERE enterprise_id = ? AND user_id = ? AND excluded = 0 AND group_id <> ?");
		store_bind_int(s, 1, eid);
		store_bind_int(s, 2, m->users[i]);
		store_bind_int(s, 3, gid);
		int64_t found = store_step(s) == STORE_ROW ? store_col_int(s, 0) : 0;
		store_reset(s);
		if (found) {
			req_extra(r, "field", json_string("user_ids"));
			req_extra(r, "user_id", json_string(id_format(m->users[i], id)));
			req_extra(r, "group_id", json_string(id_format(found, other)));
			return req_fail(r, ERR_ATTENDANCE_MEMBER_CONFLICT,
					"member '%s' is already named into attendance group '%s'; take them out there first", id, other);
		}
	}
	return ERR_OK;
}

static int insert_pairs(struct store *st, const char *sql, int64_t eid, int64_t gid, const int64_t *ids, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct store_stmt *s = store_prepare(st, sql);
		store_bind_int(s, 1, eid);
		store_bind_int(s, 2, gid);
		store_bind_int(s, 3, ids[i]);
		if (store_run(s) != STORE_DONE)
			return -1;
	}
	return 0;
}

static int members_store(struct store *st, int64_t eid, int64_t gid, const struct members *m)
{
	static const char *const clear[] = {
		"DELETE FROM attendance_group_departments WHERE enterprise_id = ? AND group_id = ?",
		"DELETE FROM attendance_group_people WHERE enterprise_id = ? AND group_id = ?",
		"DELETE FROM attendance_group_places WHERE enterprise_id = ? AND group_id = ?",
	};
	for (size_t i = 0; i < 3; i++) {
		struct store_stmt *s = store_prepare(st, clear[i]);
		store_bind_int(s, 1, eid);
		store_bind_int(s, 2, gid);
		if (store_run(s) != STORE_DONE)
			return -1;
	}
	return insert_pairs(st, "INSERT INTO attendance_group_departments (enterprise_id, group_id, department_id) VALUES (?, ?, ?)",
			    eid, gid, m->departments, m->ndepartments) ||
	       insert_pairs(st, "INSERT INTO attendance_group_people (enterprise_id, group_id, user_id, excluded) VALUES (?, ?, ?, 0)",
			    eid, gid, m->users, m->nusers) ||
	       insert_pairs(st, "INSERT INTO attendance_group_people (enterprise_id, group_id, user_id, excluded) VALUES (?, ?, ?, 1)",
			    eid, gid, m->excluded, m->nexcluded) ||
	       insert_pairs(st, "INSERT INTO attendance_group_places (enterprise_id, group_id, place_id) VALUES (?, ?, ?)",
			    eid, gid, m->places, m->nplaces);
}

/* Writes group gid (found) as an object. */
static int group_write(struct store *st, int64_t eid, int64_t gid, struct jsonw *w)
{
	struct store_stmt *s = store_prepare(st,
		"SELECT name, created_at, updated_at FROM attendance_groups WHERE enterprise_id = ? AND id = ?");
	store_bind_int(s, 1, eid);
	store_bind_int(s, 2, gid);
	if (store_step(s) != STORE_ROW) {
		store_reset(s);
		return -1;
	}
	char *name = xstrdup(store_col_text(s, 0));
	int64_t created = store_col_int(s, 1), updated = store_col_int(s, 2);
	store_reset(s);
	struct att_rule rule;
	struct members m = { 0 };
	if (att_rule_load(st, eid, gid, &rule) != 1) {
		free(name);
		return -1;
	}
	members_load(st, eid, gid, &m);
	jsonw_open(w, NULL, '{');
	jsonw_id(w, "id", gid);
	jsonw_str(w, "name", name);
	att_rule_write(&rule, "rule", w);
	write_ids(w, "department_ids", m.departments, m.ndepartments);
	write_ids(w, "user_ids", m.users, m.nusers);
	write_ids(w, "excluded_user_ids", m.excluded, m.nexcluded);
	write_ids(w, "place_ids", m.places, m.nplaces);
	jsonw_time(w, "created_at", created);
	jsonw_time(w, "updated_at", updated);
	jsonw_close(w, '}');
	members_release(&m);
	free(name);
	return 0;
}

static enum err reply_group(struct req *r, int status, int64_t eid, int64_t gid)
{
	struct jsonw w;
	jsonw_init(&w);
	if (group_write(r->app->st, eid, gid, &w)) {
		jsonw_release(&w);
		return req_fail(r, ERR_ATTENDANCE_GROUP_NOT_FOUND, NULL);
	}
	req_json_text(r, status, w.buf, w.len);
	jsonw_release(&w);
	return ERR_OK;
}

static enum err find_group(struct req *r, int64_t eid, const char *text, int64_t *gid)
{
	struct store_stmt *s = store_prepare(r->app->st, "SELECT 1 FROM attendance_groups WHERE enterprise_id = ? AND id = ?");
	int found = !id_parse(text, gid);
	if (found) {
		store_bind_int(s, 1, eid);
		store_bind_int(s, 2, *gid);
		enum store_rc rc = store_step(s);
		store_reset(s);
		if (rc != STORE_ROW && rc != STORE_DONE)
			return att_store_failed(r);
		found = rc == STORE_ROW;
	}
	return found ? ERR_OK : req_fail(r, ERR_ATTENDANCE_GROUP_NOT_FOUND, "no attendance group '%.24s' in this enterprise", text);
}

static enum err get_groups(struct req *r)
{
	int64_t eid;
	enum err rc = org_require(r, r->params[0], ORG_RIGHT_ATTENDANCE, &eid, NULL);
	if (rc)
		return rc;
	int64_t *ids = NULL;
	size_t n = 0, cap = 0;
	struct store_stmt *s = store_prepare(r->app->st, "SELECT id FROM attendance_groups WHERE enterprise_id = ? ORDER BY id");
	store_bind_int(s, 1, eid);
	while (store_step(s) == STORE_ROW) {
		if (n == cap)
			ids = xrealloc(ids, (cap = cap ? cap * 2 : 16) * sizeof(*ids));
		ids[n++] = store_col_int(s, 0);
	}
	struct jsonw w;
	jsonw_init(&w);
	jsonw_open(&w, NULL, '{');
	jsonw_open(&w, "groups", '[');
	for (size_t i = 0; i < n; i++)
		group_write(r->app->st, eid, ids[i], &w);
	jsonw_close(&w, ']');
	jsonw_close(&w, '}');
	free(ids);
	req_json_text(r, 200, w.buf, w.len);
	jsonw_release(&w);
	return ERR_OK;
}

static enum err get_group(struct req *r)
{
	int64_t eid, gid;
	enum err rc;
	if ((rc = org_require(r, r->params[0], ORG_RIGHT_ATTENDANCE, &eid, NULL)) || (rc = find_group(r, eid, r->params[1], &gid)))
		return rc;
	return reply_group(r, 200, eid, gid);
}

static const struct field group_spec[] = {
	{ "name", F_STRING, 0 }, { "rule", F_OBJECT, 0 }, { "department_ids", F_ARRAY, 0 }, { "user_ids", F_ARRAY, 0 },
	{ "excluded_user_ids", F_ARRAY, 0 }, { "place_ids", F_ARRAY, 0 }, { 0 }
};

/*
 * The membership parts the body gives replace those of m; their field names go to fields (for the
 * audit) and whether any was given to *changed.
 */
static enum err body_members(struct req *r, int64_t eid, struct members *m, struct jsonw *fields, int *changed)
{
	enum err rc;
	static const struct {
		const char *field;
		enum id_kind kind;
		size_t max;
	} parts[] = {
		{ "department_ids", ID_DEPARTMENT, MAX_GROUP_DEPARTMENTS }, { "user_ids", ID_MEMBER, MAX_GROUP_PEOPLE },
		{ "excluded_user_ids", ID_MEMBER, MAX_GROUP_PEOPLE }, { "place_ids", ID_PLACE, ATT_MAX_PLACES },
	};
	int64_t **lists[] = { &m->departments, &m->users, &m->excluded, &m->places };
	size_t *counts[] = { &m->ndepartments, &m->nusers, &m->nexcluded, &m->nplaces };
	for (size_t i = 0; i < 4; i++) {
		json_t *v = json_object_get(r->body, parts[i].field);
		if (!v || json_is_null(v))
			continue;
		if ((rc = body_ids(r, eid, parts[i].field, parts[i].kind, parts[i].max, lists[i], counts[i])))
			return rc;
		jsonw_str(fields, NULL, parts[i].field);
		*changed = 1;
	}
	return ERR_OK;
}

static enum err post_group(struct req *r)
{
	int64_t eid, gid = id_next(), now = clock_now_ms();
	struct att_rule rule;
	struct members m = { 0 };
	struct org_member me;
	struct jsonw fields;
	int changed = 0;
	enum err rc;
	jsonw_init(&fields);
	jsonw_open(&fields, NULL, '{');
	jsonw_open(&fields, "fields", '[');
	if ((rc = org_require_body(r, ORG_RIGHT_ATTENDANCE, group_spec, &eid, &me)))
		goto out;
	if (!req_str(r, "name") || !json_is_object(json_object_get(r->body, "rule"))) {
		const char *missing = !req_str(r, "name") ? "name" : "rule";
		char detail[48];
		snprintf(detail, sizeof(detail), "field '%s' is required", missing);
		rc = att_field_fail(r, ERR_MISSING_FIELD, missing, "%s", detail);
		goto out;
	}
	if (!json_is_string(json_object_get(json_object_get(r->body, "rule"), "kind"))) {
		rc = att_field_fail(r, ERR_MISSING_FIELD, "rule.kind", "field 'rule.kind' is required");
		goto out;
	}
	att_rule_defaults(&rule);
	rule.enterprise_id = eid;
	rule.group_id = gid;
	if ((rc = check_name(r, "name", req_str(r, "name"), ATT_NAME_MAX, 0)) ||
	    (rc = body_rule(r, json_object_get(r->body, "rule"), &rule)) ||
	    (rc = body_members(r, eid, &m, &fields, &changed)) || (rc = require_group_scope(r, &me, &m)) ||
	    (rc = check_conflicts(r, eid, gid, &m)))
		goto out;
	struct store_stmt *s = store_prepare(r->app->st,
		"INSERT INTO attendance_groups (id, enterprise_id, name, kind, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)");
	store_bind_int(s, 1, gid);
	store_bind_int(s, 2, eid);
	store_bind_text(s, 3, req_str(r, "name"), -1);
	store_bind_text(s, 4, att_kind_name(rule.kind), -1);
	store_bind_int(s, 5, now);
	store_bind_int(s, 6, now);
	if (store_run(s) != STORE_DONE || att_rule_store(r->app->st, &rule) || members_store(r->app->st, eid, gid, &m)) {
		rc = att_store_failed(r);
		goto out;
	}
	jsonw_str(&fields, NULL, "name");
	jsonw_str(&fields, NULL, "rule");
	jsonw_close(&fields, ']');
	jsonw_close(&fields, '}');
	if ((rc = att_stale_from(r, eid, NULL)) ||
	    (rc = org_audit(r, "attendance.group_create", 0, "attendance_group", gid, fields.buf)) || (rc = org_commit(r)))
		goto out;
	rc = reply_group(r, 201, eid, gid);
out:
	members_release(&m);
	jsonw_release(&fields);
	return rc;
}

/* A scheduled rule that keeps its kind may not drop a shift the roster still names. */
static enum err check_roster_names(struct req *r, int64_t eid, const struct att_rule *rule)
{
	struct store_stmt *s = store_prepare(r->app->st,
		"SELECT DISTINCT shift FROM attendance_roster WHERE enterprise_id = ? AND group_id = ? AND shift IS NOT NULL"
		" ORDER BY shift");
	store_bind_int(s, 1, eid);
	store_bind_int(s, 2, rule->group_id);
	enum err rc = ERR_OK;
	while (!rc && store_step(s) == STORE_ROW) {
		const char *name = store_col_text(s, 0);
		int i = 0;
		while (i < rule->nshifts && strcmp(rule->shifts[i].name, name))
			i++;
		if (i == rule->nshifts) {
			req_extra(r, "field", json_string("rule.shifts"));
			req_extra(r, "shift", json_string(name));
			rc = req_fail(r, ERR_SHIFT_IN_USE, "the roster still names shift '%.32s'; change those days first", name);
		}
	}
	store_reset(s);
	return rc;
}

/*
 * Changes any of name, rule (fields left out keep their value), and the parts of the
 * membership given (each replaced whole).  A rule that stops being scheduled drops its roster.
 */
static enum err patch_group(struct req *r)
{
	int64_t eid, gid;
	struct att_rule rule;
	struct members m = { 0 };
	struct org_member me;
	struct jsonw fields;
	struct store *st = r->app->st;
	int changed = 0;
	enum err rc;
	jsonw_init(&fields);
	jsonw_open(&fields, NULL, '{');
	jsonw_open(&fields, "fields", '[');
	if ((rc = org_require_body(r, ORG_RIGHT_ATTENDANCE, group_spec, &eid, &me)) ||
	    (rc = find_group(r, eid, r->params[1], &gid)))
		goto out;
	if (att_rule_load(st, eid, gid, &rule) != 1) {
		rc = att_store_failed(r);
		goto out;
	}
	enum att_rule_kind was = rule.kind;
	const char *name = req_str(r, "name");
	json_t *rule_v = json_object_get(r->body, "rule");
	if (!json_is_object(rule_v))
		rule_v = NULL;
	members_load(st, eid, gid, &m);
	/* Inside the scope before the change, and after it. */
	if ((rc = require_group_scope(r, &me, &m)) || (name && (rc = check_name(r, "name", name, ATT_NAME_MAX, 0))) ||
	    (rule_v && (rc = body_rule(r, rule_v, &rule))) || (rc = body_members(r, eid, &m, &fields, &changed)) ||
	    (rc = require_group_scope(r, &me, &m)) ||
	    (rc = check_conflicts(r, eid, gid, &m)) ||
	    (rule_v && was == ATT_SCHEDULED && rule.kind == ATT_SCHEDULED && (rc = check_roster_names(r, eid, &rule))))
		goto out;
	struct store_stmt *s = store_prepare(st,
		"UPDATE attendance_groups SET name = coalesce(?, name), updated_at = ? WHERE enterprise_id = ? AND id = ?");
	store_bind_text(s, 1, name, -1);
	store_bind_int(s, 2, clock_now_ms());
	store_bind_int(s, 3, eid);
	store_bind_int(s, 4, gid);
	int ok = store_run(s) == STORE_DONE && (!rule_v || !att_rule_store(st, &rule)) && !members_store(st, eid, gid, &m);
	if (ok && was == ATT_SCHEDULED && rule.kind != ATT_SCHEDULED) {
		s = store_prepare(st, "DELETE FROM attendance_roster WHERE enterprise_id = ? AND group_id = ?");
		store_bind_int(s, 1, eid);
		store_bind_int(s, 2, gid);
		ok = store_run(s) == STORE_DONE;
		jsonw_str(&fields, NULL, "roster");
	}
	if (!ok) {
		rc = att_store_failed(r);
		goto out;
	}
	if (name)
		jsonw_str(&fields, NULL, "name");
	if (rule_v)
		jsonw_str(&fields, NULL, "rule");
	jsonw_close(&fields, ']');
	jsonw_close(&fields, '}');
	if ((rule_v || changed) && (rc = att_stale_from(r, eid, NULL)))
		goto out;
	if ((rc = org_audit(r, "attendance.group_update", 0, "attendance_group", gid, fields.buf)) || (rc = org_commit(r)))
		goto out;
	rc = reply_group(r, 200, eid, gid);
out:
	members_release(&m);
	jsonw_release(&fields);
	return rc;
}

/* Its members fall back to whatever group their departments give them next. */
static enum err delete_group(struct req *r)
{
	int64_t eid, gid;
	struct org_member me;
	struct members m = { 0 };
	enum err rc;
	if ((rc = org_begin(r)) || (rc = org_require(r, r->params[0], ORG_RIGHT_ATTENDANCE, &eid, &me)) ||
	    (rc = find_group(r, eid, r->params[1], &gid)))
		return rc;
	members_load(r->app->st, eid, gid, &m);
	rc = require_group_scope(r, &me, &m);
	members_release(&m);
	if (rc)
		return rc;
	struct store_stmt *s = store_prepare(r->app->st, "DELETE FROM attendance_groups WHERE enterprise_id = ? AND id = ?");
	store_bind_int(s, 1, eid);
	store_bind_int(s, 2, gid);
	if (store_run(s) != STORE_DONE)
		return att_store_failed(r);
	if ((rc = att_stale_from(r, eid, NULL)) || (rc = org_audit(r, "attendance.group_delete", 0, "attendance_group", gid, NULL)) ||
	    (rc = org_commit(r)))
		return rc;
	req_no_content(r);
	return ERR_OK;
}

/* ---- the roster ---- */

static enum err require_scheduled(struct req *r, int64_t eid, int64_t gid, struct att_rule *rule)
{
	int found = att_rule_load(r->app->st, eid, gid, rule);
	if (found <= 0)
		return found ? att_store_failed(r) : req_fail(r, ERR_ATTENDANCE_GROUP_NOT_FOUND, NULL);
	if (rule->kind != ATT_SCHEDULED)
		return req_fail(r, ERR_RULE_NOT_SCHEDULED, "the group's rule is %s, not scheduled shifts: it has no roster",
				att_kind_name(rule->kind));
	return ERR_OK;
}

/* ?from=&to= (inclusive; default today and 30 days on; at most 62 days) and optional ?user_id=. */
static enum err get_roster(struct req *r)
{
	int64_t eid, gid, uid = 0;
	struct att_rule rule;
	char from[ATT_DAY_LEN], to[ATT_DAY_LEN];
	enum err rc;
	if ((rc = org_require(r, r->params[0], ORG_RIGHT_ATTENDANCE, &eid, NULL)) || (rc = find_group(r, eid, r->params[1], &gid)) ||
	    (rc = require_scheduled(r, eid, gid, &rule)))
		return rc;
	const char *qfrom = req_query(r, "from"), *qto = req_query(r, "to"), *quser = req_query(r, "user_id");
	if (qfrom && !att_day_valid(qfrom))
		return att_field_fail(r, ERR_INVALID_VALUE, "from", "'from' must be a date written YYYY-MM-DD");
	if (qto && !att_day_valid(qto))
		return att_field_fail(r, ERR_INVALID_VALUE, "to", "'to' must be a date written YYYY-MM-DD");
	if (quser && id_parse(quser, &uid))
		return att_field_fail(r, ERR_INVALID_VALUE, "user_id", "'user_id' must be a member's id");
	if (qfrom)
		snprintf(from, sizeof(from), "%s", qfrom);
	else if (att_today(r->app->st, eid, from))
		return att_store_failed(r);
	if (qto)
		snprintf(to, sizeof(to), "%s", qto);
	else
		att_day_add(from, 30, to);
	int64_t span = att_day_number(to) - att_day_number(from);
	if (span < 0 || span >= MAX_ROSTER_DAYS)
		return att_field_fail(r, ERR_INVALID_VALUE, "to", "'to' must be on or after 'from', at most 62 days in all");
	struct store_stmt *s = uid
		? store_prepare(r->app->st, "SELECT user_id, day, shift FROM attendance_roster WHERE enterprise_id = ? AND group_id = ?"
					    " AND day >= ? AND day <= ? AND user_id = ? ORDER BY day, user_id")
		: store_prepare(r->app->st, "SELECT user_id, day, shift FROM attendance_roster WHERE enterprise_id = ? AND group_id = ?"
					    " AND day >= ? AND day <= ? ORDER BY day, user_id");
	store_bind_int(s, 1, eid);
	store_bind_int(s, 2, gid);
	store_bind_text(s, 3, from, -1);
	store_bind_text(s, 4, to, -1);
	if (uid)
		store_bind_int(s, 5, uid);
	struct jsonw w;
	jsonw_init(&w);
	jsonw_open(&w, NULL, '{');
	jsonw_str(&w, "from", from);
	jsonw_str(&w, "to", to);
	jsonw_open(&w, "entries", '[');
	while (store_step(s) == STORE_ROW) {
		jsonw_open(&w, NULL, '{');
		jsonw_id(&w, "user_id", store_col_int(s, 0));
		jsonw_str(&w, "day", store_col_text(s, 1));
		if (store_col_is_null(s, 2))
			jsonw_null(&w, "shift");
		else
			jsonw_str(&w, "shift", store_col_text(s, 2));
		jsonw_close(&w, '}');
	}
	jsonw_close(&w, ']');
	jsonw_close(&w, '}');
	req_json_text(r, 200, w.buf, w.len);
	jsonw_release(&w);
	return ERR_OK;
}

struct roster_entry {
	int64_t uid;
	char day[ATT_DAY_LEN];
	const char *shift; /* in the body; NULL: a rest day */
};

static int by_user(const void *a, const void *b)
{
	const struct roster_entry *x = a, *y = b;
	return x->uid < y->uid ? -1 : x->uid > y->uid;
}

/*
 * Sets entries {user_id, day, shift} of the roster, shift naming one of the rule's shifts or null
 * for a rest day; other days stay.  Each person must belong to the group now.  Audited once per
 * person (they are its subject, so it shows in their access log).
 */
static enum err put_roster(struct req *r)
{
	static const struct field spec[] = { { "entries", F_ARRAY, 1 }, { 0 } };
	static const struct field entry_spec[] = {
		{ "user_id", F_STRING, 1 }, { "day", F_STRING, 1 }, { "shift", F_ANY, 1 }, { 0 }
	};
	int64_t eid, gid;
	struct att_rule rule;
	struct store *st = r->app->st;
	struct roster_entry *entries = NULL;
	enum err rc;
	struct org_member me;
	struct members group = { 0 };
	if ((rc = org_require_body(r, ORG_RIGHT_ATTENDANCE, spec, &eid, &me)) || (rc = find_group(r, eid, r->params[1], &gid)))
		return rc;
	members_load(st, eid, gid, &group);
	rc = require_group_scope(r, &me, &group);
	members_release(&group);
	if (rc || (rc = require_scheduled(r, eid, gid, &rule)))
		return rc;
	json_t *list = json_object_get(r->body, "entries"), *v;
	size_t n = json_array_size(list), i;
	if (!n || n > MAX_ROSTER_ENTRIES)
		return att_field_fail(r, ERR_INVALID_VALUE, "entries", "'entries' must hold 1 to 2000 entries");
	entries = xcalloc(n, sizeof(*entries));
	char first[ATT_DAY_LEN] = "9999-12-31";
	json_array_foreach(list, i, v) {
		char prefix[32], field[48];
		struct roster_entry *e = &entries[i];
		struct org_member m;
		snprintf(prefix, sizeof(prefix), "entries[%zu]", i);
		if (!json_is_object(v)) {
			rc = att_field_fail(r, ERR_INVALID_TYPE, prefix, "each entry must be an object {user_id, day, shift}");
			goto out;
		}
		if ((rc = req_check_object(r, v, prefix, entry_spec)))
			goto out;
		const char *text = json_str(v, "user_id", ""), *day = json_str(v, "day", "");
		json_t *shift = json_object_get(v, "shift");
		snprintf(field, sizeof(field), "%s.day", prefix);
		if (!att_day_valid(day)) {
			rc = att_field_fail(r, ERR_INVALID_VALUE, field, "'day' must be a date written YYYY-MM-DD");
			goto out;
		}
		snprintf(e->day, sizeof(e->day), "%s", day);
		snprintf(field, sizeof(field), "%s.user_id", prefix);
		int found = id_parse(text, &e->uid) ? 0 : org_member_get(st, eid, e->uid, &m);
		if (found < 0) {
			rc = att_store_failed(r);
			goto out;
		}
		if (!found || !m.active) {
			req_extra(r, "field", json_string(field));
			rc = req_fail(r, ERR_MEMBER_NOT_FOUND, "no active member '%.24s' in this enterprise", text);
			goto out;
		}
		int64_t in = att_group_of(st, eid, e->uid);
		if (in < 0) {
			rc = att_store_failed(r);
			goto out;
		}
		if (in != gid) {
			req_extra(r, "field", json_string(field));
			rc = req_fail(r, ERR_NOT_IN_ATTENDANCE_GROUP, "member '%.24s' does not belong to this attendance group", text);
			goto out;
		}
		snprintf(field, sizeof(field), "%s.shift", prefix);
		if (!json_is_null(shift)) {
			const char *name = json_is_string(shift) ? json_string_value(shift) : NULL;
			int k = 0;
			while (name && k < rule.nshifts && strcmp(rule.shifts[k].name, name))
				k++;
			if (!name || k == rule.nshifts) {
				req_extra(r, "field", json_string(field));
				rc = req_fail(r, ERR_SHIFT_INVALID, "'shift' must name a shift of the rule, or be null for a rest day");
				goto out;
			}
			e->shift = rule.shifts[k].name;
		}
		for (size_t j = 0; j < i; j++)
			if (entries[j].uid == e->uid && !strcmp(entries[j].day, e->day)) {
				rc = att_field_fail(r, ERR_INVALID_VALUE, prefix, "the same person and day are in an earlier entry");
				goto out;
			}
		if (strcmp(e->day, first) < 0)
			snprintf(first, sizeof(first), "%s", e->day);
	}
	for (i = 0; i < n; i++) {
		struct store_stmt *s = store_prepare(st,
			"INSERT INTO attendance_roster (enterprise_id, group_id, user_id, day, shift) VALUES (?, ?, ?, ?, ?)"
			" ON CONFLICT (enterprise_id, group_id, user_id, day) DO UPDATE SET shift = excluded.shift");
		store_bind_int(s, 1, eid);
		store_bind_int(s, 2, gid);
		store_bind_int(s, 3, entries[i].uid);
		store_bind_text(s, 4, entries[i].day, -1);
		store_bind_text(s, 5, entries[i].shift, -1);
		if (store_run(s) != STORE_DONE) {
			rc = att_store_failed(r);
			goto out;
		}
	}
	qsort(entries, n, sizeof(*entries), by_user);
	for (i = 0; i < n && !rc; i++) {
		size_t days = 1;
		while (i + 1 < n && entries[i + 1].uid == entries[i].uid) {
			i++;
			days++;
		}
		char detail[48];
		snprintf(detail, sizeof(detail), "{\"days\":%zu}", days);
		rc = org_audit(r, "attendance.roster_set", entries[i].uid, "attendance_group", gid, detail);
	}
	if (rc || (rc = att_days_stale(st, eid, first) ? req_fail(r, ERR_INTERNAL, "cannot mark the day results for recomputing")
						    : ERR_OK) ||
	    (rc = org_commit(r)))
		goto out;
	struct jsonw w;
	jsonw_init(&w);
	jsonw_open(&w, NULL, '{');
	jsonw_int(&w, "updated", (int64_t)n);
	jsonw_close(&w, '}');
	req_json_text(r, 200, w.buf, w.len);
	jsonw_release(&w);
out:
	free(entries);
	return rc;
}

/* ---- a member's own view ---- */

/*
 * The caller's group, rule, the shifts of the day (?day=, default today in the enterprise's
 * zone) and the places to punch at: what the client's "today's shift" screen shows.
 */
static enum err get_me(struct req *r)
{
	int64_t eid;
	struct store *st = r->app->st;
	struct att_calendar cal;
	struct att_rule rule;
	char day[ATT_DAY_LEN], offset[8];
	enum err rc;
	if ((rc = org_require(r, r->params[0], ORG_MEMBER, &eid, NULL)))
		return rc;
	const char *qday = req_query(r, "day");
	if (qday && !att_day_valid(qday))
		return att_field_fail(r, ERR_INVALID_VALUE, "day", "'day' must be a date written YYYY-MM-DD");
	if (att_calendar_get(st, eid, &cal))
		return att_store_failed(r);
	if (qday)
		snprintf(day, sizeof(day), "%s", qday);
	else
		att_local_time(clock_now_ms(), cal.offset, day, NULL);
	int workday = att_is_workday(st, eid, day), in = att_rule_of(st, eid, r->user_id, &rule);
	if (workday < 0 || in < 0)
		return att_store_failed(r);
	att_offset_text(cal.offset, offset);
	struct jsonw w;
	jsonw_init(&w);
	jsonw_open(&w, NULL, '{');
	jsonw_str(&w, "day", day);
	jsonw_str(&w, "time_zone", cal.zone);
	jsonw_str(&w, "utc_offset", offset);
	jsonw_bool(&w, "workday", workday);
	if (!in) {
		jsonw_null(&w, "group");
		jsonw_null(&w, "rule");
		jsonw_raw(&w, "shifts", "[]", 2);
		jsonw_raw(&w, "places", "[]", 2);
	} else {
		struct att_shift shifts[ATT_MAX_SHIFTS];
		struct att_place *places = xcalloc(ATT_MAX_PLACES, sizeof(*places));
		int nshifts = att_shifts_on(st, &rule, r->user_id, day, shifts);
		int nplaces = att_places(st, eid, rule.group_id, places, ATT_MAX_PLACES);
		struct store_stmt *s = store_prepare(st, "SELECT name FROM attendance_groups WHERE enterprise_id = ? AND id = ?");
		store_bind_int(s, 1, eid);
		store_bind_int(s, 2, rule.group_id);
		jsonw_open(&w, "group", '{');
		jsonw_id(&w, "id", rule.group_id);
		jsonw_str(&w, "name", store_step(s) == STORE_ROW ? store_col_text(s, 0) : "");
		store_reset(s);
		jsonw_close(&w, '}');
		att_rule_write(&rule, "rule", &w);
		jsonw_open(&w, "shifts", '[');
		for (int i = 0; i < nshifts; i++)
			att_shift_write(&shifts[i], &w);
		jsonw_close(&w, ']');
		jsonw_open(&w, "places", '[');
		for (int i = 0; i < nplaces; i++)
			att_place_write(&places[i], &w);
		jsonw_close(&w, ']');
		free(places);
		if (nshifts < 0 || nplaces < 0) {
			jsonw_release(&w);
			return att_store_failed(r);
		}
	}
	jsonw_close(&w, '}');
	req_json_text(r, 200, w.buf, w.len);
	jsonw_release(&w);
	return ERR_OK;
}

const struct route attendance_rule_routes[] = {
	{ "GET", "/api/v1/enterprises/{eid}/attendance/me", get_me, ROUTE_AUTH },
	{ "GET", "/api/v1/enterprises/{eid}/attendance/places", get_places, ROUTE_AUTH },
	{ "POST", "/api/v1/enterprises/{eid}/attendance/places", post_place, ROUTE_AUTH },
	{ "PUT", "/api/v1/enterprises/{eid}/attendance/places/{pid}", put_place, ROUTE_AUTH },
	{ "DELETE", "/api/v1/enterprises/{eid}/attendance/places/{pid}", delete_place, ROUTE_AUTH },
	{ "GET", "/api/v1/enterprises/{eid}/attendance/groups", get_groups, ROUTE_AUTH },
	{ "POST", "/api/v1/enterprises/{eid}/attendance/groups", post_group, ROUTE_AUTH },
	{ "GET", "/api/v1/enterprises/{eid}/attendance/groups/{gid}", get_group, ROUTE_AUTH },
	{ "PATCH", "/api/v1/enterprises/{eid}/attendance/groups/{gid}", patch_group, ROUTE_AUTH },
	{ "DELETE", "/api/v1/enterprises/{eid}/attendance/groups/{gid}", delete_group, ROUTE_AUTH },
	{ "GET", "/api/v1/enterprises/{eid}/attendance/groups/{gid}/roster", get_roster, ROUTE_AUTH },
	{ "PUT", "/api/v1/enterprises/{eid}/attendance/groups/{gid}/roster", put_roster, ROUTE_AUTH },
	{ 0 }
};
