/*
 * Punch routes: punching under a live consent for each proof offered (PP-12, PP-13), the bound
 * device and its changes, flagged punches and their review, and reading punches back.  A raw
 * location is opened only for the person or an administrator with the attendance right, and an
 * administrator's look is audited with the person as subject (GET /me/access-log shows it).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include "apps/attendance/punch.h"
#include "apps/attendance/routes_int.h"
#include "apps/im/file.h"
#include "apps/org/member.h"
#include "apps/org/org.h"
#include "core/clock.h"
#include "core/jsonw.h"
#include "core/mem.h"
#include "privacy/audit.h"
#include "privacy/consent.h"
#include "privacy/privacy.h"
#include "core/banned.h"

#define DAY_MS (24LL * 3600 * 1000)
#define OWN_RANGE_DAYS 93   /* the longest span of days one read of one's own punches covers */
#define OWN_MAX 1000        /* punches one such read returns at most */

/* Text of 1 to max bytes without control characters: device ids, idempotency keys, app ids. */
static int plain_text(const char *v, size_t max)
{
	size_t n = strlen(v);
	if (n < 1 || n > max)
		return 0;
	for (const unsigned char *p = (const unsigned char *)v; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return 0;
	return 1;
}

static enum err bad_value(struct req *r, const char *field, const char *why)
{
	req_extra(r, "field", json_string(field));
	return req_fail(r, ERR_INVALID_VALUE, "'%s' %s", field, why);
}

/* ---- one punch as the API shows it ---- */

/* Replies with punch pid of eid as view shows it, with status.  ERR_OK, or the failure. */
static enum err reply_punch(struct req *r, int status, int64_t eid, int64_t pid, enum punch_view view, int apps_checked)
{
	struct jsonw w;
	jsonw_init(&w);
	if (punch_render(r->app->st, r->app->kr, eid, pid, view, apps_checked, &w)) {
		jsonw_release(&w);
		return req_fail(r, ERR_INTERNAL, "cannot read the punch back");
	}
	req_json_text(r, status, w.buf, w.len);
	jsonw_release(&w);
	return ERR_OK;
}

/* ---- what a punch offers ---- */

static enum err read_location(struct req *r, json_t *o, struct punch_proof *p)
{
	static const struct field spec[] = {
		{ "latitude", F_ANY, 1 }, { "longitude", F_ANY, 1 }, { "coords", F_STRING, 1 }, { "accuracy_m", F_ANY, 1 },
		{ 0 }
	};
	enum err rc;
	if ((rc = req_check_object(r, o, "location", spec)))
		return rc;
	json_t *lat = json_object_get(o, "latitude"), *lng = json_object_get(o, "longitude");
	json_t *acc = json_object_get(o, "accuracy_m");
	const char *coords = json_str(o, "coords", "");
	if (!json_is_number(lat) || !json_is_number(lng) ||
	    !geo_valid(json_number_value(lat), json_number_value(lng)))
		return bad_value(r, "location", "needs a latitude within ±90 and a longitude within ±180, as numbers");
	if (!json_is_number(acc) || !(json_number_value(acc) >= 0) || json_number_value(acc) > 1e6)
		return bad_value(r, "location.accuracy_m", "must be a number of metres, 0 or more");
	p->has_location = 1;
	p->accuracy_m = json_number_value(acc);
	/* Maps sold in China give GCJ-02; places and distances are WGS-84 (core/geo.h). */
	if (!strcmp(coords, "gcj02"))
		geo_gcj02_to_wgs84(json_number_value(lat), json_number_value(lng), &p->latitude, &p->longitude);
	else if (!strcmp(coords, "wgs84")) {
		p->latitude = json_number_value(lat);
		p->longitude = json_number_value(lng);
	} else {
		return bad_value(r, "location.coords", "must be 'wgs84' or 'gcj02'");
	}
	return ERR_OK;
}

static enum err read_wifi(struct req *r, json_t *o, struct punch_proof *p)
{
	static const struct field spec[] = { { "ssid", F_STRING, 1 }, { "bssid", F_STRING, 0 }, { 0 } };
	enum err rc;
	if ((rc = req_check_object(r, o, "wifi", spec)))
		return rc;
	const char *ssid = json_str(o, "ssid", ""), *bssid = json_str(o, "bssid", NULL);
	if (!plain_text(ssid, 32))
		return bad_value(r, "wifi.ssid", "must be 1 to 32 bytes of text");
	snprintf(p->ssid, sizeof(p->ssid), "%s", ssid);
	if (bssid && *bssid && punch_bssid_normal(bssid, p->bssid))
		return bad_value(r, "wifi.bssid", "must be six hexadecimal pairs, as aa:bb:cc:dd:ee:ff");
	p->has_wifi = 1;
	return ERR_OK;
}

/* The identifiers of installed apps, only looked at (never kept) and only under their consent. */
static enum err read_apps(struct req *r, json_t *a, const char ***apps, size_t *n)
{
	size_t i;
	json_t *v;
	*n = json_array_size(a);
	if (*n > PUNCH_APPS_MAX)
		return bad_value(r, "apps", "may name at most 2000 apps");
	*apps = *n ? xmalloc(sizeof(**apps) * *n) : NULL;
	json_array_foreach(a, i, v) {
		if (!json_is_string(v) || !plain_text(json_string_value(v), PUNCH_APP_ID_MAX)) {
			free(*apps);
			*apps = NULL;
			return bad_value(r, "apps", "must be identifiers of 1 to 200 bytes of text");
		}
		(*apps)[i] = json_string_value(v);
	}
	return ERR_OK;
}

/* ---- the device bound to a person ---- */

/* ---- POST /enterprises/{eid}/attendance/punches ---- */

struct punch_in {
	enum punch_kind kind;
	const char *key, *device, *note;
	int64_t client_ms, photo;
	int mock, rooted, wifi_chosen;
	struct punch_proof proof;
	const char **apps;
	size_t napps;
};

/* Reads and checks the body; nothing is looked up yet. */
static enum err read_punch(struct req *r, struct punch_in *in)
{
	json_t *b = r->body, *v;
	enum err rc;
	memset(in, 0, sizeof(*in));
	in->key = req_str(r, "idempotency_key");
	if (!plain_text(in->key, PUNCH_KEY_MAX))
		return bad_value(r, "idempotency_key", "must be 1 to 128 bytes of text");
	if (punch_kind_parse(req_str(r, "kind"), &in->kind))
		return bad_value(r, "kind", "must be 'location', 'wifi', 'both' or 'field'");
	if (punch_time_parse(req_str(r, "client_time"), &in->client_ms))
		return bad_value(r, "client_time", "must be an RFC 3339 time, such as 2026-03-02T08:59:30.000+08:00");
	in->device = req_str(r, "device_id");
	if (!plain_text(in->device, CONSENT_DEVICE_LEN - 1))
		return bad_value(r, "device_id", "must be 1 to 128 bytes of text");
	in->proof.accuracy_m = -1;
	if ((v = json_object_get(b, "location")) && !json_is_null(v) && (rc = read_location(r, v, &in->proof)))
		return rc;
	if ((v = json_object_get(b, "wifi")) && !json_is_null(v) && (rc = read_wifi(r, v, &in->proof)))
		return rc;
	/* The kind says which proofs the punch stands on; a proof it does not name is not taken,
	 * so nothing is collected that the punch does not use. */
	int need_loc = in->kind == PUNCH_LOCATION || in->kind == PUNCH_BOTH;
	int need_wifi = in->kind == PUNCH_WIFI || in->kind == PUNCH_BOTH;
	if (need_loc && !in->proof.has_location) {
		req_extra(r, "field", json_string("location"));
		return req_fail(r, ERR_MISSING_FIELD, "a '%s' punch needs 'location'", punch_kind_name(in->kind));
	}
	if (need_wifi && !in->proof.has_wifi) {
		req_extra(r, "field", json_string("wifi"));
		return req_fail(r, ERR_MISSING_FIELD, "a '%s' punch needs 'wifi'", punch_kind_name(in->kind));
	}
	if (in->kind == PUNCH_WIFI && in->proof.has_location)
		return bad_value(r, "location", "is not taken with a 'wifi' punch");
	if (in->kind == PUNCH_LOCATION && in->proof.has_wifi)
		return bad_value(r, "wifi", "is not taken with a 'location' punch");
	if ((v = json_object_get(b, "flags")) && !json_is_null(v)) {
		static const struct field spec[] = {
			{ "mock_location", F_BOOL, 0 }, { "rooted", F_BOOL, 0 }, { "wifi_chosen", F_BOOL, 0 }, { 0 }
		};
		if ((rc = req_check_object(r, v, "flags", spec)))
			return rc;
		in->mock = json_is_true(json_object_get(v, "mock_location"));
		in->wifi_chosen = in->proof.has_wifi && json_is_true(json_object_get(v, "wifi_chosen"));
		in->rooted = json_is_true(json_object_get(v, "rooted"));
	}
	in->note = req_str(r, "note");
	if (in->note && (rc = org_check_text(r, "note", in->note, PUNCH_NOTE_MAX, 0)))
		return rc;
	if (in->kind == PUNCH_FIELD && !in->note) {
		req_extra(r, "field", json_string("note"));
		return req_fail(r, ERR_MISSING_FIELD, "a field punch needs a 'note' saying where and why");
	}
	const char *photo = req_str(r, "photo_file_id");
	if (photo && id_parse(photo, &in->photo))
		return bad_value(r, "photo_file_id", "must be the id of an uploaded image");
	if ((v = json_object_get(b, "apps")) && !json_is_null(v) && (rc = read_apps(r, v, &in->apps, &in->napps)))
		return rc;
	return ERR_OK;
}

/* Whether the apps include a tool of eid's list, under the app-list consent only: otherwise the
 * list is not even looked at.  *checked says whether it was.  ERR_OK or the failure. */
static enum err check_apps(struct req *r, int64_t eid, const struct punch_in *in, int *checked, int *blocked)
{
	char detail[256], **list;
	size_t n;
	*checked = *blocked = 0;
	if (!in->apps)
		return ERR_OK;
	enum err rc = consent_require(r->app->st, r->user_id, "app_list_anti_cheating", in->device, detail, sizeof(detail));
	if (rc == ERR_CONSENT_REQUIRED)
		return ERR_OK;
	if (rc)
		return req_fail(r, rc, "%s", detail);
	if (punch_blocklist_get(r->app->st, eid, &list, &n))
		return req_fail(r, ERR_INTERNAL, "cannot read the enterprise's list of cheating tools");
	*blocked = punch_apps_blocked(in->apps, in->napps, (const char *const *)list, n);
	*checked = 1;
	punch_list_free(list, n);
	return ERR_OK;
}

/* Reads, matches, judges and seals the punch on the loop, in one read snapshot; the writer
 * stores it (punch_write_submit) and the answer follows its commit. */
static enum err judge_punch(struct req *r, struct punch_write *p)
{
	static const struct field spec[] = {
		{ "idempotency_key", F_STRING, 1 }, { "kind", F_STRING, 1 }, { "client_time", F_STRING, 1 },
		{ "device_id", F_STRING, 1 }, { "location", F_OBJECT, 0 }, { "wifi", F_OBJECT, 0 },
		{ "flags", F_OBJECT, 0 }, { "apps", F_ARRAY, 0 }, { "note", F_STRING, 0 },
		{ "photo_file_id", F_STRING, 0 }, { 0 }
	};
	struct store *st = r->app->st;
	struct att_place places[ATT_MAX_PLACES];
	struct punch_match match;
	struct punch_prev prev;
	struct punch_in in = { 0 };
	char text[160];
	int64_t pid;
	int blocked = 0, found;
	enum err rc;
	/* Membership first: an outsider learns nothing, whatever they sent. */
	if ((rc = org_require(r, r->params[0], ORG_MEMBER, &p->eid, NULL)) || (rc = req_read_body(r)) ||
	    (rc = req_check_body(r, spec)) || (rc = read_punch(r, &in)))
		goto out;
	p->uid = r->user_id;
	/* A retry of a punch already made is that punch, whatever has changed since. */
	if ((pid = punch_by_key(st, p->eid, p->uid, in.key))) {
		rc = reply_punch(r, 200, p->eid, pid, PUNCH_VIEW_OWN, -1);
		p->status = 200;
		goto out;
	}
	if ((found = att_rule_of(st, p->eid, p->uid, &p->rule)) < 0) {
		rc = req_fail(r, ERR_INTERNAL, "cannot read your attendance rule");
		goto out;
	}
	if (!found) {
		rc = req_fail(r, ERR_NO_ATTENDANCE_GROUP, NULL);
		goto out;
	}
	/* PP-12, PP-13: each proof under its own live consent, on a device whose permission is not
	 * off, checked before anything is stored (and again where it is stored); refusing one leaves
	 * the others working. */
	if (in.proof.has_location)
		p->purposes[0] = "attendance_location";
	if (in.proof.has_wifi)
		p->purposes[in.proof.has_location] = "attendance_wifi";
	for (int i = 0; i < 2 && p->purposes[i]; i++)
		if ((rc = consent_require_req(r, p->purposes[i], in.device)))
			goto out;
	if ((rc = check_apps(r, p->eid, &in, &p->apps_checked, &blocked)))
		goto out;
	if (att_zone_offset(st, p->eid, &p->offset)) {
		rc = req_fail(r, ERR_INTERNAL, "cannot read the enterprise's time zone");
		goto out;
	}
	int n = att_places(st, p->eid, p->rule.group_id, places, ATT_MAX_PLACES);
	if (n < 0) {
		rc = req_fail(r, ERR_INTERNAL, "cannot read your group's punch places");
		goto out;
	}
	if (!punch_match(&in.proof, places, (size_t)n, &match)) {
		if (!p->rule.allow_field || !in.note) {
			req_extra(r, "field_allowed", json_boolean(p->rule.allow_field));
			if (match.distance_m >= 0)
				req_extra(r, "distance_m", json_integer(match.distance_m));
			rc = req_fail(r, ERR_OUTSIDE_PLACES, p->rule.allow_field
				      ? "the punch is outside every punch place of your group: add a note to make it a field punch"
				      : "the punch is outside every punch place of your group, and your rule allows no field punch");
			goto out;
		}
		p->flags |= PUNCH_FLAG_FIELD;
	}
	if (in.photo) {
		struct jsonw scratch;
		enum err ferr = ERR_OK;
		jsonw_init(&scratch);
		int bad = file_describe(st, p->eid, in.photo, p->uid, "image", &scratch, &ferr);
		jsonw_release(&scratch);
		if (bad) {
			if (ferr != ERR_INTERNAL)
				req_extra(r, "field", json_string("photo_file_id"));
			rc = req_fail(r, ferr, ferr == ERR_INVALID_VALUE ? "'photo_file_id' must be an image"
					  : "'photo_file_id' names no image you uploaded to this enterprise");
			goto out;
		}
	}
	/* Anti-cheating: flags for review, never a silent rejection. */
	if (in.mock)
		p->flags |= PUNCH_FLAG_MOCK_LOCATION;
	if (in.wifi_chosen)
		p->flags |= PUNCH_FLAG_WIFI_CHOSEN;
	if (in.rooted)
		p->flags |= PUNCH_FLAG_ROOTED;
	if (blocked)
		p->flags |= PUNCH_FLAG_CHEATING_APP;
	found = 0;
	if (in.proof.has_location && p->rule.max_speed_kmh > 0 &&
	    (found = punch_prev_located(st, r->app->kr, p->eid, p->uid, &prev)) < 0) {
		rc = req_fail(r, ERR_INTERNAL, "cannot read your previous punch");
		goto out;
	}
	p->now = clock_now_ms();
	p->flags |= punch_judge(&p->rule, &in.proof, found ? &prev : NULL, p->now, in.client_ms);
	/* The raw coordinates only sealed for the person, and only for the rule's retention. */
	if (in.proof.has_location) {
		if (punch_location_text(&in.proof, text, sizeof(text)) ||
		    !(p->sealed = subject_seal(st, r->app->kr, p->uid, PUNCH_LOCATION_FIELD, text, &p->sealed_len))) {
			sodium_memzero(text, sizeof(text));
			rc = req_fail(r, ERR_INTERNAL, "cannot seal the location");
			goto out;
		}
		sodium_memzero(text, sizeof(text));
		int days = p->rule.location_retention_days > 0 ? p->rule.location_retention_days : 30;
		p->location_expires_at = p->now + days * DAY_MS;
	}
	if (in.note && !(p->note = strdup(in.note))) {
		rc = req_fail(r, ERR_INTERNAL, "out of memory");
		goto out;
	}
	att_local_time(p->now, p->offset, p->day, NULL);
	p->kind = in.kind;
	p->client_ms = in.client_ms;
	p->photo = in.photo;
	p->place_id = match.place_id;
	p->matched_by = match.place_id ? (match.by_wifi ? "wifi" : "location") : NULL;
	p->distance_m = match.distance_m;
	snprintf(p->key, sizeof(p->key), "%s", in.key);
	snprintf(p->device, sizeof(p->device), "%s", in.device);
out:
	free(in.apps);
	return rc;
}

static enum err post_punch(struct req *r)
{
	struct punch_write *p = calloc(1, sizeof(*p));
	if (!p)
		return req_fail(r, ERR_INTERNAL, "out of memory");
	p->distance_m = -1;
	store_begin_read(r->app->st);
	enum err rc = judge_punch(r, p);
	store_end_read(r->app->st);
	if (!rc && !p->status) {
		p->kr = r->app->kr;
		p->loop = r->app->loop;
		if ((p->later = req_defer(r))) {
			punch_write_submit(p);
			return ERR_OK;
		}
		rc = req_fail(r, ERR_INTERNAL, "out of memory");
	}
	free(p->note);
	free(p->sealed);
	free(p);
	return rc;
}

/* ---- reading punches ---- */

/* ?name= as a day, or def when absent; ERR_OK or invalid_value. */
static enum err query_day(struct req *r, const char *name, const char *def, char out[ATT_DAY_LEN])
{
	const char *v = req_query(r, name);
	if (!v) {
		snprintf(out, ATT_DAY_LEN, "%s", def);
		return ERR_OK;
	}
	if (!att_day_valid(v))
		return bad_value(r, name, "must be a date written YYYY-MM-DD");
	snprintf(out, ATT_DAY_LEN, "%s", v);
	return ERR_OK;
}

/* The span [from, to] of days a list asks for, as Unix milliseconds [*lo, *hi). */
static enum err query_span(struct req *r, int64_t eid, int64_t *lo, int64_t *hi, int need_bound)
{
	char today[ATT_DAY_LEN], start[ATT_DAY_LEN], from[ATT_DAY_LEN], to[ATT_DAY_LEN], after[ATT_DAY_LEN];
	int offset;
	enum err rc;
	if (att_zone_offset(r->app->st, eid, &offset))
		return req_fail(r, ERR_INTERNAL, "cannot read the enterprise's time zone");
	att_local_time(clock_now_ms(), offset, today, NULL);
	att_day_add(today, -30, start);
	if ((rc = query_day(r, "from", need_bound ? start : "1970-01-01", from)) ||
	    (rc = query_day(r, "to", need_bound ? today : "9999-12-30", to)))
		return rc;
	if (strcmp(from, to) > 0)
		return bad_value(r, "from", "must not be after 'to'");
	att_day_add(from, OWN_RANGE_DAYS - 1, after);
	if (need_bound && strcmp(to, after) > 0)
		return bad_value(r, "to", "may be at most 93 days after 'from'");
	att_day_add(to, 1, after);
	*lo = att_day_ms(from, offset);
	*hi = *after ? att_day_ms(after, offset) : INT64_MAX;
	return ERR_OK;
}

/* GET …/attendance/punches/me?from&to: one's own punches, oldest first. */
static enum err get_my_punches(struct req *r)
{
	int64_t eid, lo, hi;
	enum err rc;
	if ((rc = org_require(r, r->params[0], ORG_MEMBER, &eid, NULL)) || (rc = query_span(r, eid, &lo, &hi, 1)))
		return rc;
	struct store_stmt *s = store_prepare(r->app->st,
		PUNCH_COLUMNS " WHERE enterprise_id = ? AND user_id = ? AND punched_at >= ? AND punched_at < ?"
		" ORDER BY punched_at, id LIMIT ?");
	store_bind_int(s, 1, eid);
	store_bind_int(s, 2, r->user_id);
	store_bind_int(s, 3, lo);
	store_bind_int(s, 4, hi);
	store_bind_int(s, 5, OWN_MAX);
	struct jsonw w;
	jsonw_init(&w);
	jsonw_open(&w, NULL, '{');
	jsonw_open(&w, "punches", '[');
	enum store_rc src;
	while ((src = store_step(s)) == STORE_ROW)
		punch_write_row(r->app->st, r->app->kr, eid, s, PUNCH_VIEW_OWN, -1, &w);
	store_reset(s);
	if (src != STORE_DONE) {
		jsonw_release(&w);
		return req_fail(r, ERR_INTERNAL, "cannot read your punches");
	}
	jsonw_close(&w, ']');
	jsonw_close(&w, '}');
	req_json_text(r, 200, w.buf, w.len);
	jsonw_release(&w);
	return ERR_OK;
}

/*
 * GET …/attendance/punches?user_id&from&to&flagged&review: punches of the enterprise for an
 * administrator with the attendance right (within their scope), newest first, by pages.
 */
static enum err get_punches(struct req *r)
{
	struct org_member me;
	int64_t eid, lo, hi, cursor, user = 0;
	int limit, review = -1, flagged = -1;
	enum err rc;
	if ((rc = org_require(r, r->params[0], ORG_RIGHT_ATTENDANCE, &eid, &me)) || (rc = req_page(r, &limit, &cursor)) ||
	    (rc = query_span(r, eid, &lo, &hi, 0)))
		return rc;
	const char *v;
	if ((v = req_query(r, "user_id")) && id_parse(v, &user))
		return bad_value(r, "user_id", "must be a member's id");
	if ((v = req_query(r, "flagged"))) {
		if (strcmp(v, "true") && strcmp(v, "false"))
			return bad_value(r, "flagged", "must be 'true' or 'false'");
		flagged = !strcmp(v, "true");
	}
	if ((v = req_query(r, "review")) && (review = punch_review_parse(v)) < 0)
		return bad_value(r, "review", "must be 'none', 'pending', 'accepted' or 'rejected'");
	if (user && !me.scope_all && (rc = att_require_scope(r, &me, user)))
		return rc;
	struct store_stmt *s = store_prepare(r->app->st,
		PUNCH_COLUMNS " WHERE enterprise_id = ? AND id < ? AND (? = 0 OR user_id = ?)"
		" AND punched_at >= ? AND punched_at < ? AND (? < 0 OR (flags <> 0) = (? = 1))"
		" AND (? = '' OR review = ?) ORDER BY id DESC LIMIT ?");
	const char *rname = review >= 0 ? punch_review_name((enum att_review)review) : "";
	/* Rows out of a scoped administrator's scope are skipped; a page then reads further. */
	int scan = me.scope_all ? limit + 1 : 10 * limit + 1;
	store_bind_int(s, 1, eid);
	store_bind_int(s, 2, cursor ? cursor : INT64_MAX);
	store_bind_int(s, 3, user);
	store_bind_int(s, 4, user);
	store_bind_int(s, 5, lo);
	store_bind_int(s, 6, hi);
	store_bind_int(s, 7, flagged);
	store_bind_int(s, 8, flagged);
	store_bind_text(s, 9, rname, -1);
	store_bind_text(s, 10, rname, -1);
	store_bind_int(s, 11, scan);
	struct jsonw w;
	jsonw_init(&w);
	jsonw_open(&w, NULL, '{');
	jsonw_open(&w, "punches", '[');
	int shown = 0, consumed = 0;
	int64_t last = 0, next = 0;
	enum store_rc src;
	while ((src = store_step(s)) == STORE_ROW) {
		if (shown == limit) { /* one more: the page is full and more follow */
			next = last;
			break;
		}
		last = store_col_int(s, 0);
		consumed++;
		if (!me.scope_all && member_in_scope(r->app->st, &me, store_col_int(s, 1)) != 1)
			continue;
		punch_write_row(r->app->st, r->app->kr, eid, s, PUNCH_VIEW_ADMIN, -1, &w);
		shown++;
	}
	/* A scan cut short by its own limit before the page filled goes on where it stopped. */
	if (src == STORE_DONE && consumed == scan && shown < limit)
		next = last;
	store_reset(s);
	if (src != STORE_DONE && src != STORE_ROW) {
		jsonw_release(&w);
		return req_fail(r, ERR_INTERNAL, "cannot read the punches");
	}
	req_page_reply(r, &w, next);
	return ERR_OK;
}

/* Punch pid of eid: its person and day into *uid, day.  1, 0 when none, -1. */
static int punch_owner(struct store *st, int64_t eid, int64_t pid, int64_t *uid, char day[ATT_DAY_LEN],
		       char review[16])
{
	struct store_stmt *s = store_prepare(st,
		"SELECT user_id, day, review FROM attendance_punches WHERE enterprise_id = ? AND id = ?");
	store_bind_int(s, 1, eid);
	store_bind_int(s, 2, pid);
	enum store_rc rc = store_step(s);
	if (rc == STORE_ROW) {
		*uid = store_col_int(s, 0);
		snprintf(day, ATT_DAY_LEN, "%s", store_col_text(s, 1));
		snprintf(review, 16, "%s", store_col_text(s, 2));
	}
	store_reset(s);
	return rc == STORE_ROW ? 1 : rc == STORE_DONE ? 0 : -1;
}

/*
 * The punch {pid} for the caller: their own, or anyone's in scope with the attendance right.
 * Someone else's punch without the right is punch_not_found, like one that does not exist.
 */
static enum err find_punch(struct req *r, int64_t eid, const struct org_member *me, int64_t *pid, int64_t *uid,
			   char day[ATT_DAY_LEN], char review[16])
{
	int found = id_parse(r->params[1], pid) ? 0 : punch_owner(r->app->st, eid, *pid, uid, day, review);
	if (found < 0)
		return req_fail(r, ERR_INTERNAL, "cannot read the punch");
	if (found && *uid == me->user_id)
		return ERR_OK;
	if (!found || !org_allows(me, ORG_RIGHT_ATTENDANCE))
		return req_fail(r, ERR_PUNCH_NOT_FOUND, NULL);
	return att_require_scope(r, me, *uid);
}

/*
 * GET …/attendance/punches/{pid}/location: the raw coordinates while they are kept, opened with
 * the person's key.  An administrator's look is on the audit chain with the person as subject.
 */
static enum err get_punch_location(struct req *r)
{
	struct store *st = r->app->st;
	struct org_member me;
	int64_t eid, pid, uid;
	char day[ATT_DAY_LEN], review[16];
	enum err rc;
	/* The look and its audit entry commit together, or neither happens: a write transaction. */
	store_end_read(st);
	if ((rc = org_begin(r)) || (rc = org_require(r, r->params[0], ORG_MEMBER, &eid, &me)) ||
	    (rc = find_punch(r, eid, &me, &pid, &uid, day, review)))
		return rc;
	struct store_stmt *s = store_prepare(st,
		"SELECT location_sealed, location_expires_at FROM attendance_punches"
		" WHERE enterprise_id = ? AND id = ? AND location_sealed IS NOT NULL");
	store_bind_int(s, 1, eid);
	store_bind_int(s, 2, pid);
	if (store_step(s) != STORE_ROW) {
		store_reset(s);
		return req_fail(r, ERR_LOCATION_NOT_KEPT, NULL);
	}
	size_t len;
	const void *b = store_col_blob(s, 0, &len);
	int64_t expires = store_col_int(s, 1);
	uint8_t *copy = xmalloc(len ? len : 1);
	memcpy(copy, b, len);
	store_reset(s);
	char *text = subject_open(st, r->app->kr, uid, PUNCH_LOCATION_FIELD, copy, len);
	free(copy);
	double lat, lng, acc;
	int ok = text && !punch_location_parse(text, &lat, &lng, &acc);
	if (text) {
		sodium_memzero(text, strlen(text));
		free(text);
	}
	if (!ok) /* the person's key is gone: so is the location */
		return req_fail(r, ERR_LOCATION_NOT_KEPT, NULL);
	if (uid != me.user_id && (rc = org_audit(r, "attendance.location_view", uid, "punch", pid, NULL)))
		return rc;
	if ((rc = org_commit(r)))
		return rc;
	char at[CLOCK_RFC3339_LEN], id[ID_STR_LEN];
	req_json(r, 200, json_pack("{s:s, s:f, s:f, s:f, s:s, s:s}", "punch_id", id_format(pid, id), "latitude", lat,
				   "longitude", lng, "accuracy_m", acc, "coords", "wgs84", "expires_at",
				   clock_format(expires, at)));
	return ERR_OK;
}

/* POST …/attendance/punches/{pid}/review {decision: accept|reject}: a flagged punch judged. */
static enum err post_punch_review(struct req *r)
{
	static const struct field spec[] = { { "decision", F_STRING, 1 }, { 0 } };
	struct store *st = r->app->st;
	struct org_member me;
	struct att_rule rule;
	int64_t eid, pid, uid, now = clock_now_ms();
	char day[ATT_DAY_LEN], review[16];
	enum err rc;
	if ((rc = org_require_body(r, ORG_RIGHT_ATTENDANCE, spec, &eid, &me)) ||
	    (rc = find_punch(r, eid, &me, &pid, &uid, day, review)))
		return rc;
	const char *decision = req_str(r, "decision");
	int accept = !strcmp(decision, "accept");
	if (!accept && strcmp(decision, "reject"))
		return bad_value(r, "decision", "must be 'accept' or 'reject'");
	/* Four eyes: whoever a flag is about does not clear it. */
	if (uid == me.user_id)
		return req_fail(r, ERR_FORBIDDEN, "your own punches are reviewed by another administrator");
	if (strcmp(review, "pending"))
		return req_fail(r, ERR_PUNCH_NOT_PENDING, "the punch is '%s', not awaiting review", review);
	struct store_stmt *s = store_prepare(st,
		"UPDATE attendance_punches SET review = ?, reviewed_by = ?, reviewed_at = ? WHERE enterprise_id = ? AND id = ?");
	store_bind_text(s, 1, punch_review_name(accept ? ATT_REVIEW_ACCEPTED : ATT_REVIEW_REJECTED), -1);
	store_bind_int(s, 2, me.user_id);
	store_bind_int(s, 3, now);
	store_bind_int(s, 4, eid);
	store_bind_int(s, 5, pid);
	if (store_run(s) != STORE_DONE)
		return req_fail(r, ERR_INTERNAL, "cannot store the review");
	int found = att_rule_of(st, eid, uid, &rule);
	if (found < 0 || punch_recompute(st, eid, uid, day, found ? &rule : NULL))
		return req_fail(r, ERR_INTERNAL, "cannot compute the day's result");
	if ((rc = org_audit(r, "attendance.punch_review", uid, "punch", pid,
			    accept ? "{\"decision\":\"accept\"}" : "{\"decision\":\"reject\"}")) ||
	    (rc = org_commit(r)))
		return rc;
	return reply_punch(r, 200, eid, pid, PUNCH_VIEW_ADMIN, -1);
}

/* ---- device changes ---- */

#define REQUEST_COLUMNS \
	"SELECT id, user_id, device_id, reason, status, created_at, decided_by, decided_at FROM attendance_device_changes"

static void write_request(struct req *r, int64_t eid, struct store_stmt *s, int admin, struct jsonw *w)
{
	jsonw_open(w, NULL, '{');
	jsonw_id(w, "id", store_col_int(s, 0));
	if (admin)
		org_write_person(r->app->st, r->app->kr, eid, store_col_int(s, 1), "user", w);
	else
		jsonw_id(w, "user_id", store_col_int(s, 1));
	jsonw_str(w, "device_id", store_col_text(s, 2));
	jsonw_str(w, "reason", store_col_text(s, 3));
	jsonw_str(w, "status", store_col_text(s, 4));
	jsonw_time(w, "created_at", store_col_int(s, 5));
	jsonw_ref(w, "decided_by", store_col_int(s, 6));
	if (store_col_is_null(s, 7))
		jsonw_null(w, "decided_at");
	else
		jsonw_time(w, "decided_at", store_col_int(s, 7));
	jsonw_close(w, '}');
}

static enum err reply_request(struct req *r, int status, int64_t eid, int64_t id, int admin)
{
	return att_reply_row(r, status, REQUEST_COLUMNS " WHERE enterprise_id = ? AND id = ?", eid, id, write_request, admin);
}

/* POST …/attendance/device-requests {device_id, reason}: asks to punch from another device. */
static enum err post_device_request(struct req *r)
{
	static const struct field spec[] = { { "device_id", F_STRING, 1 }, { "reason", F_STRING, 1 }, { 0 } };
	struct store *st = r->app->st;
	char bound[CONSENT_DEVICE_LEN];
	int64_t eid, uid = r->user_id, now = clock_now_ms(), id = id_next();
	enum err rc;
	if ((rc = org_require_body(r, ORG_MEMBER, spec, &eid, NULL)))
		return rc;
	const char *dev = req_str(r, "device_id"), *reason = req_str(r, "reason");
	if (!plain_text(dev, CONSENT_DEVICE_LEN - 1))
		return bad_value(r, "device_id", "must be 1 to 128 bytes of text");
	if ((rc = org_check_text(r, "reason", reason, 200, 0)))
		return rc;
	int found = punch_bound_device(st, eid, uid, bound);
	if (found < 0)
		return req_fail(r, ERR_INTERNAL, "cannot read your bound device");
	if (!found || !strcmp(bound, dev))
		return req_fail(r, ERR_DEVICE_REQUEST_NOT_NEEDED, NULL);
	struct store_stmt *s = store_prepare(st,
		"INSERT INTO attendance_device_changes (id, enterprise_id, user_id, device_id, reason, status, created_at)"
		" VALUES (?, ?, ?, ?, ?, 'pending', ?)");
	store_bind_int(s, 1, id);
	store_bind_int(s, 2, eid);
	store_bind_int(s, 3, uid);
	store_bind_text(s, 4, dev, -1);
	store_bind_text(s, 5, reason, -1);
	store_bind_int(s, 6, now);
	enum store_rc src = store_run(s);
	if (src == STORE_CONSTRAINT)
		return req_fail(r, ERR_DEVICE_REQUEST_PENDING, NULL);
	if (src != STORE_DONE)
		return req_fail(r, ERR_INTERNAL, "cannot store the request");
	if ((rc = org_commit(r)))
		return rc;
	return reply_request(r, 201, eid, id, 0);
}

/*
 * GET …/attendance/device-requests?status: an administrator with the attendance right sees the
 * requests of the people in scope; anyone else their own.  Newest first, by pages.
 */
static enum err get_device_requests(struct req *r)
{
	struct org_member me;
	int64_t eid, cursor;
	int limit;
	enum err rc;
	if ((rc = org_require(r, r->params[0], ORG_MEMBER, &eid, &me)) || (rc = req_page(r, &limit, &cursor)))
		return rc;
	const char *status = req_query(r, "status");
	if (status && strcmp(status, "pending") && strcmp(status, "approved") && strcmp(status, "rejected") &&
	    strcmp(status, "automatic"))
		return bad_value(r, "status", "must be 'pending', 'approved', 'rejected' or 'automatic'");
	int admin = org_allows(&me, ORG_RIGHT_ATTENDANCE);
	struct store_stmt *s = store_prepare(r->app->st,
		REQUEST_COLUMNS " WHERE enterprise_id = ? AND id < ? AND (? = 1 OR user_id = ?) AND (? = '' OR status = ?)"
		" ORDER BY id DESC LIMIT ?");
	store_bind_int(s, 1, eid);
	store_bind_int(s, 2, cursor ? cursor : INT64_MAX);
	store_bind_int(s, 3, admin);
	store_bind_int(s, 4, me.user_id);
	store_bind_text(s, 5, status ? status : "", -1);
	store_bind_text(s, 6, status ? status : "", -1);
	int scan = !admin || me.scope_all ? limit + 1 : 10 * limit + 1;
	store_bind_int(s, 7, scan);
	struct jsonw w;
	jsonw_init(&w);
	jsonw_open(&w, NULL, '{');
	jsonw_open(&w, "requests", '[');
	int shown = 0, consumed = 0;
	int64_t last = 0, next = 0;
	enum store_rc src;
	while ((src = store_step(s)) == STORE_ROW) {
		if (shown == limit) {
			next = last;
			break;
		}
		last = store_col_int(s, 0);
		consumed++;
		int64_t uid = store_col_int(s, 1);
		if (admin && uid != me.user_id && !me.scope_all && member_in_scope(r->app->st, &me, uid) != 1)
			continue;
		write_request(r, eid, s, admin, &w);
		shown++;
	}
	if (src == STORE_DONE && consumed == scan && shown < limit)
		next = last;
	store_reset(s);
	if (src != STORE_DONE && src != STORE_ROW) {
		jsonw_release(&w);
		return req_fail(r, ERR_INTERNAL, "cannot read the requests");
	}
	req_page_reply(r, &w, next);
	return ERR_OK;
}

/* POST …/attendance/device-requests/{rid}/review {decision: approve|reject}. */
static enum err post_device_review(struct req *r)
{
	static const struct field spec[] = { { "decision", F_STRING, 1 }, { 0 } };
	struct store *st = r->app->st;
	struct org_member me;
	int64_t eid, rid, uid = 0, now = clock_now_ms();
	char dev[CONSENT_DEVICE_LEN], status[16] = "";
	enum err rc;
	if ((rc = org_require_body(r, ORG_RIGHT_ATTENDANCE, spec, &eid, &me)))
		return rc;
	const char *decision = req_str(r, "decision");
	int approve = !strcmp(decision, "approve");
	if (!approve && strcmp(decision, "reject"))
		return bad_value(r, "decision", "must be 'approve' or 'reject'");
	int found = 0;
	if (!id_parse(r->params[1], &rid)) {
		struct store_stmt *s = store_prepare(st,
			"SELECT user_id, device_id, status FROM attendance_device_changes WHERE enterprise_id = ? AND id = ?");
		store_bind_int(s, 1, eid);
		store_bind_int(s, 2, rid);
		enum store_rc src = store_step(s);
		if (src == STORE_ROW) {
			found = 1;
			uid = store_col_int(s, 0);
			snprintf(dev, sizeof(dev), "%s", store_col_text(s, 1));
			snprintf(status, sizeof(status), "%s", store_col_text(s, 2));
		} else if (src != STORE_DONE) {
			found = -1;
		}
		store_reset(s);
	}
	if (found < 0)
		return req_fail(r, ERR_INTERNAL, "cannot read the request");
	if (!found)
		return req_fail(r, ERR_DEVICE_REQUEST_NOT_FOUND, NULL);
	if (uid == me.user_id)
		return req_fail(r, ERR_FORBIDDEN, "your own device change is decided by another administrator");
	if ((rc = att_require_scope(r, &me, uid)))
		return rc;
	if (strcmp(status, "pending"))
		return req_fail(r, ERR_DEVICE_REQUEST_CLOSED, "the request is already '%s'", status);
	struct store_stmt *s = store_prepare(st,
		"UPDATE attendance_device_changes SET status = ?, decided_by = ?, decided_at = ? WHERE enterprise_id = ? AND id = ?");
	store_bind_text(s, 1, approve ? "approved" : "rejected", -1);
	store_bind_int(s, 2, me.user_id);
	store_bind_int(s, 3, now);
	store_bind_int(s, 4, eid);
	store_bind_int(s, 5, rid);
	if (store_run(s) != STORE_DONE || (approve && punch_bind_device(st, eid, uid, dev, now)))
		return req_fail(r, ERR_INTERNAL, "cannot store the decision");
	if ((rc = org_audit(r, "attendance.device_change", uid, "device_request", rid,
			    approve ? "{\"status\":\"approved\"}" : "{\"status\":\"rejected\"}")) ||
	    (rc = org_commit(r)))
		return rc;
	return reply_request(r, 200, eid, rid, 1);
}

/* GET …/attendance/devices/me: the device one punches from, if any is bound yet. */
static enum err get_my_device(struct req *r)
{
	int64_t eid;
	enum err rc;
	if ((rc = org_require(r, r->params[0], ORG_MEMBER, &eid, NULL)))
		return rc;
	struct store_stmt *s = store_prepare(r->app->st,
		"SELECT device_id, bound_at FROM attendance_devices WHERE enterprise_id = ? AND user_id = ?");
	store_bind_int(s, 1, eid);
	store_bind_int(s, 2, r->user_id);
	enum store_rc src = store_step(s);
	struct jsonw w;
	jsonw_init(&w);
	jsonw_open(&w, NULL, '{');
	if (src == STORE_ROW) {
		jsonw_str(&w, "device_id", store_col_text(s, 0));
		jsonw_time(&w, "bound_at", store_col_int(s, 1));
	} else {
		jsonw_null(&w, "device_id");
		jsonw_null(&w, "bound_at");
	}
	jsonw_close(&w, '}');
	store_reset(s);
	if (src != STORE_ROW && src != STORE_DONE) {
		jsonw_release(&w);
		return req_fail(r, ERR_INTERNAL, "cannot read your device");
	}
	req_json_text(r, 200, w.buf, w.len);
	jsonw_release(&w);
	return ERR_OK;
}

/* ---- the enterprise's list of cheating tools ---- */

/* GET …/attendance/app-blocklist: any member may read what is looked for on their phone. */
static enum err get_blocklist(struct req *r)
{
	int64_t eid;
	char **list;
	size_t n;
	enum err rc;
	if ((rc = org_require(r, r->params[0], ORG_MEMBER, &eid, NULL)))
		return rc;
	if (punch_blocklist_get(r->app->st, eid, &list, &n))
		return req_fail(r, ERR_INTERNAL, "cannot read the list");
	struct jsonw w;
	jsonw_init(&w);
	jsonw_open(&w, NULL, '{');
	jsonw_open(&w, "apps", '[');
	for (size_t i = 0; i < n; i++)
		jsonw_str(&w, NULL, list[i]);
	jsonw_close(&w, ']');
	jsonw_close(&w, '}');
	punch_list_free(list, n);
	req_json_text(r, 200, w.buf, w.len);
	jsonw_release(&w);
	return ERR_OK;
}

/* PUT …/attendance/app-blocklist {apps: [...]}: replaces the list (attendance right). */
static enum err put_blocklist(struct req *r)
{
	static const struct field spec[] = { { "apps", F_ARRAY, 1 }, { 0 } };
	struct store *st = r->app->st;
	struct org_member me;
	int64_t eid;
	size_t i;
	json_t *v, *apps;
	enum err rc;
	if ((rc = org_require_body(r, ORG_RIGHT_ATTENDANCE, spec, &eid, &me)) || (rc = att_require_whole(r, &me)))
		return rc;
	apps = json_object_get(r->body, "apps");
	if (json_array_size(apps) > PUNCH_BLOCKLIST_MAX)
		return bad_value(r, "apps", "may name at most 500 apps");
	json_array_foreach(apps, i, v)
		if (!json_is_string(v) || !plain_text(json_string_value(v), PUNCH_APP_ID_MAX))
			return bad_value(r, "apps", "must be identifiers of 1 to 200 bytes of text");
	struct store_stmt *s = store_prepare(st, "DELETE FROM attendance_app_blocklist WHERE enterprise_id = ?");
	store_bind_int(s, 1, eid);
	if (store_run(s) != STORE_DONE)
		return req_fail(r, ERR_INTERNAL, "cannot store the list");
	json_array_foreach(apps, i, v) {
		s = store_prepare(st,
			"INSERT INTO attendance_app_blocklist (enterprise_id, app_id) VALUES (?, ?) ON CONFLICT DO NOTHING");
		store_bind_int(s, 1, eid);
		store_bind_text(s, 2, json_string_value(v), -1);
		if (store_run(s) != STORE_DONE)
			return req_fail(r, ERR_INTERNAL, "cannot store the list");
	}
	char detail[64];
	snprintf(detail, sizeof(detail), "{\"count\":%zu}", json_array_size(apps));
	if ((rc = org_audit(r, "attendance.app_blocklist_set", 0, "enterprise", eid, detail)) || (rc = org_commit(r)))
		return rc;
	return get_blocklist(r);
}

const struct route punch_routes[] = {
	{ "POST", "/api/v1/enterprises/{eid}/attendance/punches", post_punch, ROUTE_AUTH },
	{ "GET", "/api/v1/enterprises/{eid}/attendance/punches", get_punches, ROUTE_AUTH },
	{ "GET", "/api/v1/enterprises/{eid}/attendance/punches/me", get_my_punches, ROUTE_AUTH },
	{ "GET", "/api/v1/enterprises/{eid}/attendance/punches/{pid}/location", get_punch_location, ROUTE_AUTH },
	{ "POST", "/api/v1/enterprises/{eid}/attendance/punches/{pid}/review", post_punch_review, ROUTE_AUTH },
	{ "POST", "/api/v1/enterprises/{eid}/attendance/device-requests", post_device_request, ROUTE_AUTH },
	{ "GET", "/api/v1/enterprises/{eid}/attendance/device-requests", get_device_requests, ROUTE_AUTH },
	{ "POST", "/api/v1/enterprises/{eid}/attendance/device-requests/{rid}/review", post_device_review, ROUTE_AUTH },
	{ "GET", "/api/v1/enterprises/{eid}/attendance/devices/me", get_my_device, ROUTE_AUTH },
	{ "GET", "/api/v1/enterprises/{eid}/attendance/app-blocklist", get_blocklist, ROUTE_AUTH },
	{ "PUT", "/api/v1/enterprises/{eid}/attendance/app-blocklist", put_blocklist, ROUTE_AUTH },
	{ 0 }
};
