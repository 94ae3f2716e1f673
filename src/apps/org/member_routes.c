/*
 * Member routes: the profile an enterprise holds about a member, who sees which field of it
 * (PP-20, PP-26: the enterprise decides, per field), and disabling and re-enabling a member.
 * An administrator's look at another member's full profile is audited with the member as
 * subject, so the member finds it in GET /me/access-log.  Leaving and removal (PP-37, PP-38)
 * erase the enterprise's rows about the person; leaving the last enterprise cancels the account.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "apps/account/account.h"
#include "apps/org/address_book.h"
#include "apps/org/contact.h"
#include "apps/org/custom_field.h"
#include "apps/org/member.h"
#include "core/clock.h"
#include "core/jsonw.h"
#include "core/phone.h"
#include "jobs/jobs.h"
#include "privacy/privacy.h"
#include "core/banned.h"


static enum err reply_member(struct req *r, int status, const struct member_viewer *v, int64_t eid, int64_t uid, int full)
{
	struct jsonw w;
	jsonw_init(&w);
	if (member_write(r, v, eid, uid, full, &w)) {
		jsonw_release(&w);
		return req_fail(r, ERR_MEMBER_NOT_FOUND, NULL);
	}
	req_json_text(r, status, w.buf, w.len);
	jsonw_release(&w);
	return ERR_OK;
}

/* The member {uid} names in eid (active or disabled), else member_not_found. */
static enum err find_member(struct req *r, int64_t eid, struct org_member *target, int64_t *uid)
{
	int found = id_parse(r->params[1], uid) ? 0 : org_member_get(r->app->st, eid, *uid, target);
	if (found < 0)
		return req_fail(r, ERR_INTERNAL, "cannot read the membership");
	if (!found)
		return req_fail(r, ERR_MEMBER_NOT_FOUND, "no member '%.24s' in this enterprise", r->params[1]);
	return ERR_OK;
}

/* 403 unless me's scope of departments covers uid. */
static enum err require_member_scope(struct req *r, const struct org_member *me, int64_t uid)
{
	int in = member_in_scope(r->app->st, me, uid);
	if (in < 0)
		return req_fail(r, ERR_INTERNAL, "cannot read the departments");
	if (!in)
		return req_fail(r, ERR_FORBIDDEN, "member '%.24s' sits in no department of your scope", r->params[1]);
	return ERR_OK;
}


/*
 * The list shows every member as the viewer's level allows, but never another member's full
 * profile: that is GET /members/{uid}, where the look is audited.
 */
static enum err get_members(struct req *r)
{
	int64_t eid, cursor, ids[101];
	int limit, n = 0;
	struct org_member me;
	struct member_viewer v;
	enum err rc;
	if ((rc = org_require(r, r->params[0], ORG_MEMBER, &eid, &me)) || (rc = req_page(r, &limit, &cursor)))
		return rc;
	struct store_stmt *s = store_prepare(r->app->st,
		"SELECT user_id FROM members WHERE enterprise_id = ? AND user_id > ? ORDER BY user_id LIMIT ?");
	store_bind_int(s, 1, eid);
	store_bind_int(s, 2, cursor);
	store_bind_int(s, 3, limit + 1);
	while (n < limit + 1 && store_step(s) == STORE_ROW)
		ids[n++] = store_col_int(s, 0);
	store_reset(s);
	member_viewer_load(r->app->st, eid, &me, &v);
	struct jsonw w;
	jsonw_init(&w);
	jsonw_open(&w, NULL, '{');
	jsonw_open(&w, "members", '[');
	for (int i = 0; i < n && i < limit; i++)
		member_write(r, &v, eid, ids[i], ids[i] == me.user_id, &w);
	req_page_reply(r, &w, n > limit ? ids[limit - 1] : 0);
	return ERR_OK;
}

/*
 * One member as the viewer may see them.  A full view of someone else is audited, so this read
 * leaves the read snapshot the dispatcher opened and runs in a write transaction: the entry and
 * the reply go together or not at all.
 */
static enum err get_member(struct req *r)
{
	int64_t eid, uid;
	struct org_member me, target;
	struct member_viewer v;
	struct store *st = r->app->st;
	enum err rc;
	store_end_read(st);
	if ((rc = org_begin(r)) || (rc = org_require(r, r->params[0], ORG_MEMBER, &eid, &me)) ||
	    (rc = find_member(r, eid, &target, &uid)))
		return rc;
	member_viewer_load(st, eid, &me, &v);
	int full = member_full_view(st, &me, uid);
	if (full && uid != me.user_id && (rc = org_audit(r, "member.view", uid, "enterprise", eid, NULL)))
		return rc;
	struct jsonw w;
	jsonw_init(&w);
	if (member_write(r, &v, eid, uid, full, &w)) {
		jsonw_release(&w);
		return req_fail(r, ERR_MEMBER_NOT_FOUND, NULL);
	}
	if ((rc = org_commit(r))) {
		jsonw_release(&w);
		return rc;
	}
	req_json_text(r, 200, w.buf, w.len);
	jsonw_release(&w);
	return ERR_OK;
}


/* Edits the profile the enterprise holds; fields absent stay, "" clears one. */
static enum err patch_member(struct req *r)
{
	static const struct field spec[] = {
		{ "name_in_enterprise", F_STRING, 0 }, { "gender", F_STRING, 0 }, { "work_phone", F_STRING, 0 },
		{ "landline", F_STRING, 0 }, { "email", F_STRING, 0 }, { "position", F_STRING, 0 },
		{ "rank", F_STRING, 0 }, { "title", F_STRING, 0 }, { "job_number", F_STRING, 0 },
		{ "office_seat", F_STRING, 0 }, { "fax", F_STRING, 0 }, { "work_signature", F_STRING, 0 },
		{ "hire_date", F_STRING, 0 }, { "custom", F_OBJECT, 0 }, { 0 }
	};
	int64_t eid, uid;
	struct org_member me, target;
	struct member_viewer v;
	struct store *st = r->app->st;
	char e164[PHONE_E164_LEN];
	const char *values[MEMBER_NFIELDS], *name = NULL;
	enum err rc;
	if ((rc = org_require_body(r, ORG_RIGHT_MEMBERS, spec, &eid, &me)) || (rc = find_member(r, eid, &target, &uid)) ||
	    (rc = require_member_scope(r, &me, uid)))
		return rc;
	if ((name = req_str(r, "name_in_enterprise")) && (rc = org_check_text(r, "name_in_enterprise", name, 64, 0)))
		return rc;
	for (size_t i = 0; i < MEMBER_NFIELDS; i++) {
		const char *in = req_str(r, member_fields[i].name);
		values[i] = NULL;
		if (in && (rc = member_check_field(r, &member_fields[i], in, e164, &values[i])))
			return rc;
	}
	/* The enterprise's own fields: every value checked before anything is stored. */
	json_t *custom = json_object_get(r->body, "custom");
	if (!json_is_object(custom))
		custom = NULL;
	if (custom && (rc = custom_field_check_values(r, eid, custom)))
		return rc;
	struct jsonw detail;
	jsonw_init(&detail);
	jsonw_open(&detail, NULL, '{');
	jsonw_open(&detail, "fields", '[');
	struct store_stmt *s;
	int ok = 1;
	if (name) {
		s = store_prepare(st, "UPDATE members SET name_in_enterprise = ? WHERE enterprise_id = ? AND user_id = ?");
		store_bind_text(s, 1, name, -1);
		store_bind_int(s, 2, eid);
		store_bind_int(s, 3, uid);
		ok = store_run(s) == STORE_DONE && !member_search_keys_update(st, eid, uid);
		jsonw_str(&detail, NULL, "name_in_enterprise");
	}
	s = store_prepare(st, "INSERT INTO member_profiles (enterprise_id, user_id) VALUES (?, ?)"
			      " ON CONFLICT (enterprise_id, user_id) DO NOTHING");
	store_bind_int(s, 1, eid);
	store_bind_int(s, 2, uid);
	ok = ok && store_run(s) == STORE_DONE;
	for (size_t i = 0; ok && i < MEMBER_NFIELDS; i++) {
		if (!values[i])
			continue;
		s = store_prepare(st, member_fields[i].update);
		store_bind_text(s, 1, values[i], -1);
		store_bind_int(s, 2, eid);
		store_bind_int(s, 3, uid);
		ok = store_run(s) == STORE_DONE;
		/* Field names only: the values are personal data and the chain outlives them (audit.h). */
		jsonw_str(&detail, NULL, member_fields[i].name);
	}
	if (ok && custom)
		ok = !custom_field_store_values(st, eid, uid, custom, &detail);
	jsonw_close(&detail, ']');
	jsonw_close(&detail, '}');
	rc = ok ? org_audit(r, "member.profile_update", uid, "enterprise", eid, detail.buf)
		: req_fail(r, ERR_INTERNAL, "cannot store the profile");
	jsonw_release(&detail);
	if (rc || (rc = org_commit(r)))
		return rc;
	member_viewer_load(st, eid, &me, &v);
	return reply_member(r, 200, &v, eid, uid, 1);
}

/* Disables or re-enables a member; a disabled member gets 403 on every route of the enterprise. */
static enum err set_status(struct req *r, int active)
{
	int64_t eid, uid;
	struct org_member me, target;
	struct member_viewer v;
	struct store *st = r->app->st;
	enum err rc;
	if ((rc = org_begin(r)) || (rc = org_require(r, r->params[0], ORG_RIGHT_MEMBERS, &eid, &me)) ||
	    (rc = find_member(r, eid, &target, &uid)))
		return rc;
	if (target.role == ORG_ROLE_OWNER)
		return req_fail(r, ERR_MEMBER_IS_OWNER, NULL);
	if (uid == me.user_id)
		return req_fail(r, ERR_FORBIDDEN, "you cannot disable or enable yourself");
	if ((rc = require_member_scope(r, &me, uid)))
		return rc;
	struct store_stmt *s = store_prepare(st, "UPDATE members SET status = ? WHERE enterprise_id = ? AND user_id = ?");
	store_bind_text(s, 1, active ? "active" : "disabled", -1);
	store_bind_int(s, 2, eid);
	store_bind_int(s, 3, uid);
	if (store_run(s) != STORE_DONE)
		return req_fail(r, ERR_INTERNAL, "cannot change the member's status");
	if ((rc = org_audit(r, active ? "member.enable" : "member.disable", uid, "enterprise", eid, NULL)) ||
	    (rc = org_commit(r)))
		return rc;
	member_viewer_load(st, eid, &me, &v);
	return reply_member(r, 200, &v, eid, uid, 0);
}

static enum err post_disable(struct req *r)
{
	return set_status(r, 0);
}

static enum err post_enable(struct req *r)
{
	return set_status(r, 1);
}

static enum err reply_visibility(struct req *r, int64_t eid)
{
	enum member_level levels[MEMBER_NVIS];
	int show_mobile;
	member_levels_load(r->app->st, eid, levels, &show_mobile);
	struct jsonw w;
	jsonw_init(&w);
	jsonw_open(&w, NULL, '{');
	jsonw_open(&w, "levels", '{');
	for (size_t i = 0; i < MEMBER_NVIS; i++)
		jsonw_str(&w, member_vis_name(i), member_level_names[levels[i]]);
	jsonw_close(&w, '}');
	jsonw_bool(&w, "show_mobile", show_mobile);
	jsonw_close(&w, '}');
	req_json_text(r, 200, w.buf, w.len);
	jsonw_release(&w);
	return ERR_OK;
}

static enum err get_field_visibility(struct req *r)
{
	int64_t eid;
	enum err rc = org_require(r, r->params[0], ORG_MEMBER, &eid, NULL);
	return rc ? rc : reply_visibility(r, eid);
}

/* Sets the levels named in "levels" (others stay) and, if given, show_mobile. */
static enum err put_field_visibility(struct req *r)
{
	static const struct field spec[] = { { "levels", F_OBJECT, 0 }, { "show_mobile", F_BOOL, 0 }, { 0 } };
	int64_t eid;
	int set[MEMBER_NVIS];
	struct store *st = r->app->st;
	enum err rc;
	if ((rc = org_require_body(r, ORG_RIGHT_MEMBERS, spec, &eid, NULL)))
		return rc;
	json_t *levels = json_object_get(r->body, "levels"), *v, *show = json_object_get(r->body, "show_mobile");
	const char *key;
	for (size_t i = 0; i < MEMBER_NVIS; i++)
		set[i] = -1;
	json_object_foreach(levels, key, v) {
		size_t i = 0;
		while (i < MEMBER_NVIS && strcmp(member_vis_name(i), key))
			i++;
		char path[80];
		snprintf(path, sizeof(path), "levels.%.40s", key);
		if (i == MEMBER_NVIS) {
			req_extra(r, "field", json_string(path));
			return req_fail(r, ERR_INVALID_VALUE, "no profile field '%.40s'", key);
		}
		for (int l = 0; l < 4; l++)
			if (json_is_string(v) && !strcmp(json_string_value(v), member_level_names[l]))
				set[i] = l;
		if (set[i] < 0) {
			req_extra(r, "field", json_string(path));
			return req_fail(r, ERR_INVALID_VALUE, "'%s' must be everyone, department, admins or hidden", path);
		}
	}
	int ok = 1;
	struct jsonw detail;
	jsonw_init(&detail);
	jsonw_open(&detail, NULL, '{');
	jsonw_open(&detail, "levels", '{');
	for (size_t i = 0; ok && i < MEMBER_NVIS; i++) {
		if (set[i] < 0)
			continue;
		struct store_stmt *s = store_prepare(st,
			"INSERT INTO field_visibility (enterprise_id, field, level) VALUES (?, ?, ?)"
			" ON CONFLICT (enterprise_id, field) DO UPDATE SET level = excluded.level");
		store_bind_int(s, 1, eid);
		store_bind_text(s, 2, member_vis_name(i), -1);
		store_bind_text(s, 3, member_level_names[set[i]], -1);
		ok = store_run(s) == STORE_DONE;
		jsonw_str(&detail, member_vis_name(i), member_level_names[set[i]]);
	}
	jsonw_close(&detail, '}');
	if (show) {
		struct store_stmt *s = store_prepare(st, "UPDATE enterprises SET show_mobile = ?, updated_at = ? WHERE id = ?");
		store_bind_int(s, 1, json_is_true(show));
		store_bind_int(s, 2, clock_now_ms());
		store_bind_int(s, 3, eid);
		ok = ok && store_run(s) == STORE_DONE;
		jsonw_bool(&detail, "show_mobile", json_is_true(show));
	}
	jsonw_close(&detail, '}');
	rc = ok ? org_audit(r, "enterprise.field_visibility_set", 0, "enterprise", eid, detail.buf)
		: req_fail(r, ERR_INTERNAL, "cannot store the field visibility");
	jsonw_release(&detail);
	if (rc || (rc = org_commit(r)))
		return rc;
	return reply_visibility(r, eid);
}

/* How many enterprises uid belongs to (any status).  -1 on failure. */
static int64_t enterprises_of(struct store *st, int64_t uid)
{
	struct store_stmt *s = store_prepare(st, "SELECT count(*) FROM members WHERE user_id = ?");
	store_bind_int(s, 1, uid);
	int64_t n = store_step(s) == STORE_ROW ? store_col_int(s, 0) : -1;
	store_reset(s);
	return n;
}

/*
 * Leaving (PP-37): any member but the owner.  Leaving the last enterprise cancels the account
 * (PP-38), so that is said first — 409 last_enterprise — and done only with confirm_cancel=true:
 * the cancellation path then starts in the same transaction and the reply carries its receipt
 * token.  Someone who never joined an enterprise is not concerned: only leaving counts.
 */
static enum err delete_member_me(struct req *r)
{
	int64_t eid, now = clock_now_ms(), due = 0;
	struct org_member me;
	struct store *st = r->app->st;
	enum err rc;
	if ((rc = org_begin(r)) || (rc = org_require(r, r->params[0], ORG_MEMBER, &eid, &me)))
		return rc;
	if (me.role == ORG_ROLE_OWNER)
		return req_fail(r, ERR_OWNER_MUST_TRANSFER, "you own this enterprise: transfer ownership before leaving");
	int64_t n = enterprises_of(st, me.user_id);
	if (n < 0)
		return req_fail(r, ERR_INTERNAL, "cannot read the memberships");
	const char *confirm = req_query(r, "confirm_cancel");
	int last = n == 1;
	if (last && !(confirm && !strcmp(confirm, "true")))
		return req_fail(r, ERR_LAST_ENTERPRISE,
				"this is your last enterprise: leaving it cancels your account, which is erased after "
				"the cooling-off period of %d days; repeat with confirm_cancel=true to leave and cancel",
				(int)r->app->cfg->cooling_off_days);
	/* The leaver's external contacts go to a colleague first: none is lost. */
	if ((rc = contact_leave(r, eid, me.user_id, NULL)))
		return rc;
	if (org_erase_member(st, eid, me.user_id))
		return req_fail(r, ERR_INTERNAL, "cannot remove the membership");
	if ((rc = org_audit(r, "member.leave", me.user_id, "enterprise", eid, last ? "{\"account_cancelled\":true}" : NULL)))
		return rc;
	if (!last) {
		if ((rc = org_commit(r)))
			return rc;
		req_no_content(r);
		return ERR_OK;
	}
	struct jsonw w;
	jsonw_init(&w);
	jsonw_open(&w, NULL, '{');
	jsonw_bool(&w, "left", 1);
	jsonw_bool(&w, "account_cancelled", 1);
	if ((rc = account_cancellation_start(r, now, &w, &due)) || (rc = org_commit(r))) {
		jsonw_release(&w);
		return rc;
	}
	if (due <= now)
		jobs_poke();
	jsonw_close(&w, '}');
	req_json_text(r, 202, w.buf, w.len);
	memset(w.buf, 0, w.len);
	jsonw_release(&w);
	return ERR_OK;
}

/* Removal by an administrator with the members right over the member: not the owner, not oneself. */
static enum err delete_member(struct req *r)
{
	int64_t eid, uid;
	struct org_member me, target;
	enum err rc;
	if ((rc = org_begin(r)) || (rc = org_require(r, r->params[0], ORG_RIGHT_MEMBERS, &eid, &me)) ||
	    (rc = find_member(r, eid, &target, &uid)))
		return rc;
	if (target.role == ORG_ROLE_OWNER)
		return req_fail(r, ERR_OWNER_MUST_TRANSFER, "the owner cannot be removed; ownership must be transferred first");
	if (uid == me.user_id)
		return req_fail(r, ERR_FORBIDDEN, "to leave the enterprise yourself use DELETE /api/v1/enterprises/{eid}/members/me");
	if ((rc = require_member_scope(r, &me, uid)))
		return rc;
	/* The member's external contacts go to handover_to, or by default to their head or the owner. */
	if ((rc = contact_leave(r, eid, uid, req_query(r, "handover_to"))))
		return rc;
	if (org_erase_member(r->app->st, eid, uid))
		return req_fail(r, ERR_INTERNAL, "cannot remove the member");
	if ((rc = org_audit(r, "member.remove", uid, "enterprise", eid, NULL)) || (rc = org_commit(r)))
		return rc;
	req_no_content(r);
	return ERR_OK;
}

const struct route member_routes[] = {
	{ "GET", "/api/v1/enterprises/{eid}/members", get_members, ROUTE_AUTH },
	{ "GET", "/api/v1/enterprises/{eid}/members/{uid}", get_member, ROUTE_AUTH },
	{ "PATCH", "/api/v1/enterprises/{eid}/members/{uid}", patch_member, ROUTE_AUTH },
	/* before {uid}: the first pattern that matches serves */
	{ "DELETE", "/api/v1/enterprises/{eid}/members/me", delete_member_me, ROUTE_AUTH },
	{ "DELETE", "/api/v1/enterprises/{eid}/members/{uid}", delete_member, ROUTE_AUTH },
	{ "POST", "/api/v1/enterprises/{eid}/members/{uid}/disable", post_disable, ROUTE_AUTH },
	{ "POST", "/api/v1/enterprises/{eid}/members/{uid}/enable", post_enable, ROUTE_AUTH },
	{ "GET", "/api/v1/enterprises/{eid}/field-visibility", get_field_visibility, ROUTE_AUTH },
	{ "PUT", "/api/v1/enterprises/{eid}/field-visibility", put_field_visibility, ROUTE_AUTH },
	{ 0 }
};
