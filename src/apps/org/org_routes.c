/*
 * Enterprise routes: create one, list mine, read and edit its profile, appoint and demote
 * administrators, transfer ownership, and (until invitations exist) add an account as a member.
 * Every route under /enterprises/{eid} starts with org_require(), inside the transaction that
 * then reads or writes, so the check and the change see the same roles.
 */
#include <stdio.h>
#include <string.h>
#include "apps/org/address_book.h"
#include "apps/org/org.h"
#include "core/clock.h"
#include "core/jsonw.h"
#include "privacy/audit.h"
#include "core/banned.h"

#define NOT_FOUND_TEXT "no route for this path" /* the router's own words (http/req.c) */

enum err org_require(struct req *r, const char *eid_text, enum org_right right, int64_t *eid,
		     struct org_member *out)
{
	struct org_member m;
	int found;
	if (id_parse(eid_text, eid))
		return req_fail(r, ERR_NOT_FOUND, NOT_FOUND_TEXT);
	if ((found = org_member_get(r->app->st, *eid, r->user_id, &m)) < 0)
		return req_fail(r, ERR_INTERNAL, "cannot read the membership");
	/* An outsider learns nothing, not even that the enterprise exists. */
	if (!found)
		return req_fail(r, ERR_NOT_FOUND, NOT_FOUND_TEXT);
	if (!org_allows(&m, right)) {
		req_extra(r, "right", json_string(org_right_name(right)));
		if (!m.active)
			return req_fail(r, ERR_FORBIDDEN, "your membership of this enterprise is disabled");
		if (right == ORG_OWNER)
			return req_fail(r, ERR_FORBIDDEN, "only the owner of the enterprise may do this");
		if (right == ORG_ANY_ADMIN)
			return req_fail(r, ERR_FORBIDDEN, "only the owner or an administrator may do this");
		return req_fail(r, ERR_FORBIDDEN, "this needs the '%s' right", org_right_name(right));
	}
	if (out)
		*out = m;
	return ERR_OK;
}

/* Counts UTF-8 characters; -1 on a control character. */
static int text_chars(const char *s)
{
	int n = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p < 0x20 || *p == 0x7f)
			return -1;
		n += (*p & 0xc0) != 0x80;
	}
	return n;
}

/* 1 to max characters of text, or, when may_be_empty, "" to clear the field (org.h). */
enum err org_check_text(struct req *r, const char *field, const char *v, int max, int may_be_empty)
{
	if (may_be_empty && !*v)
		return ERR_OK;
	int n = text_chars(v);
	if (n < 1 || n > max || v[0] == ' ') {
		req_extra(r, "field", json_string(field));
		return req_fail(r, ERR_INVALID_VALUE, "'%s' must be 1 to %d characters of text", field, max);
	}
	return ERR_OK;
}

static int blank(const char *s)
{
	if (!s)
		return 1;
	while (*s == ' ' || *s == '\t')
		s++;
	return !*s;
}

/* The enterprise's profile fields: name, limit, and whether a PATCH may clear it with "". */
static const struct profile_field {
	const char *name;
	int max, optional;
} profile[] = {
	{ "name", 100, 0 }, { "industry", 64, 0 }, { "size", 32, 0 }, { "region", 64, 0 },
	{ "logo_url", 512, 1 }, { "invoice_header", 200, 1 }, { "address", 200, 1 }, { "contact", 100, 1 },
};
#define NPROFILE (sizeof(profile) / sizeof(profile[0]))

static enum err check_profile_field(struct req *r, const struct profile_field *f, const char *v)
{
	enum err rc = org_check_text(r, f->name, v, f->max, f->optional);
	if (rc)
		return rc;
	if (!strcmp(f->name, "logo_url") && *v &&
	    ((strncmp(v, "https://", 8) && strncmp(v, "http://", 7)) || strchr(v, ' '))) {
		req_extra(r, "field", json_string(f->name));
		return req_fail(r, ERR_INVALID_VALUE, "'logo_url' must be an http or https address, not '%.64s'", v);
	}
	return ERR_OK;
}

/* Writes the enterprise as its members see it; 0, or -1 when it is gone. */
static int enterprise_write(struct req *r, int64_t eid, enum org_role my_role, struct jsonw *w)
{
	struct store_stmt *s = store_prepare(r->app->st,
		"SELECT name, industry, size, region, logo_url, invoice_header, address, contact, owner_id,"
		" created_at, updated_at FROM enterprises WHERE id = ?");
	store_bind_int(s, 1, eid);
	if (store_step(s) != STORE_ROW) {
		store_reset(s);
		return -1;
	}
	jsonw_open(w, NULL, '{');
	jsonw_id(w, "id", eid);
	for (int i = 0; i < 8; i++)
		jsonw_str(w, profile[i].name, store_col_text(s, i));
	jsonw_id(w, "owner_id", store_col_int(s, 8));
	jsonw_time(w, "created_at", store_col_int(s, 9));
	jsonw_time(w, "updated_at", store_col_int(s, 10));
	jsonw_str(w, "my_role", org_role_name(my_role));
	jsonw_close(w, '}');
	store_reset(s);
	return 0;
}

static enum err reply_enterprise(struct req *r, int status, int64_t eid, enum org_role my_role)
{
	struct jsonw w;
	jsonw_init(&w);
	if (enterprise_write(r, eid, my_role, &w)) {
		jsonw_release(&w);
		return req_fail(r, ERR_NOT_FOUND, NOT_FOUND_TEXT);
	}
	req_json_text(r, status, w.buf, w.len);
	jsonw_release(&w);
	return ERR_OK;
}

enum err org_begin(struct req *r)
{
	return store_begin(r->app->st) == STORE_OK ? ERR_OK : req_fail(r, ERR_UNAVAILABLE, "the database is busy");
}

enum err org_commit(struct req *r)
{
	return store_commit(r->app->st) == STORE_OK ? ERR_OK : req_fail(r, ERR_INTERNAL, "cannot commit the change");
}

enum err org_audit(struct req *r, const char *action, int64_t subject, const char *kind, int64_t id,
		   const char *detail)
{
	char object[AUDIT_OBJECT_LEN];
	if (audit_append(r->app->st, r->user_id, action, subject, audit_object(kind, id, object), detail))
		return req_fail(r, ERR_INTERNAL, "cannot record the change in the audit log");
	return ERR_OK;
}

static enum err audit(struct req *r, const char *action, int64_t subject, int64_t eid, const char *detail)
{
	return org_audit(r, action, subject, "enterprise", eid, detail);
}

/* The rights check first, then the body: an outsider learns nothing from what they sent. */
enum err org_require_body(struct req *r, enum org_right right, const struct field *spec, int64_t *eid,
			 struct org_member *me)
{
	enum err rc;
	if ((rc = org_begin(r)) || (rc = org_require(r, r->params[0], right, eid, me)) || (rc = req_read_body(r)) ||
	    (rc = req_check_body(r, spec)))
		return rc;
	return ERR_OK;
}

/* PP-03: no enterprise without its creator's name and the enterprise's own basic facts. */
static enum err post_enterprise(struct req *r)
{
	static const struct field spec[] = {
		{ "creator_name", F_STRING, 0 }, { "name", F_STRING, 0 }, { "industry", F_STRING, 0 },
		{ "size", F_STRING, 0 }, { "region", F_STRING, 0 }, { 0 }
	};
	static const char *const needed[] = { "creator_name", "name", "industry", "size", "region" };
	struct store *st = r->app->st;
	int64_t eid = id_next(), now = clock_now_ms();
	enum err rc;
	if ((rc = req_check_body(r, spec)))
		return rc;
	for (int i = 0; i < 5; i++) {
		if (blank(req_str(r, needed[i]))) {
			req_extra(r, "field", json_string(needed[i]));
			return req_fail(r, ERR_CREATOR_INFO_REQUIRED, "'%s' is required to create an enterprise", needed[i]);
		}
	}
	if ((rc = org_check_text(r, "creator_name", req_str(r, "creator_name"), 64, 0)))
		return rc;
	for (int i = 0; i < 4; i++)
		if ((rc = check_profile_field(r, &profile[i], req_str(r, profile[i].name))))
			return rc;
	if ((rc = org_begin(r)))
		return rc;
	struct store_stmt *s = store_prepare(st,
		"INSERT INTO enterprises (id, name, industry, size, region, owner_id, created_at, updated_at)"
		" VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
	store_bind_int(s, 1, eid);
	for (int i = 0; i < 4; i++)
		store_bind_text(s, 2 + i, req_str(r, profile[i].name), -1);
	store_bind_int(s, 6, r->user_id);
	store_bind_int(s, 7, now);
	store_bind_int(s, 8, now);
	if (store_run(s) != STORE_DONE)
		return req_fail(r, ERR_INTERNAL, "cannot store the enterprise");
	s = store_prepare(st,
		"INSERT INTO members (enterprise_id, user_id, name_in_enterprise, role, status, joined_at)"
		" VALUES (?, ?, ?, 'owner', 'active', ?)");
	store_bind_int(s, 1, eid);
	store_bind_int(s, 2, r->user_id);
	store_bind_text(s, 3, req_str(r, "creator_name"), -1);
	store_bind_int(s, 4, now);
	if (store_run(s) != STORE_DONE || member_search_keys_update(st, eid, r->user_id))
		return req_fail(r, ERR_INTERNAL, "cannot store the owner");
	if ((rc = audit(r, "enterprise.create", r->user_id, eid, NULL)) || (rc = org_commit(r)))
		return rc;
	return reply_enterprise(r, 201, eid, ORG_ROLE_OWNER);
}

/* The caller's enterprises.  The one query keyed by the person, not by an enterprise: it is how
 * a client learns which eids it may switch between. */
static enum err get_my_enterprises(struct req *r)
{
	struct store_stmt *s = store_prepare(r->app->st,
		"SELECT e.id, e.name, e.logo_url, m.role, m.status, m.name_in_enterprise, m.joined_at"
		" FROM members m JOIN enterprises e ON e.id = m.enterprise_id"
		" WHERE m.user_id = ? ORDER BY m.joined_at, e.id");
	store_bind_int(s, 1, r->user_id);
	struct jsonw w;
	jsonw_init(&w);
	jsonw_open(&w, NULL, '{');
	jsonw_open(&w, "enterprises", '[');
	while (store_step(s) == STORE_ROW) {
		jsonw_open(&w, NULL, '{');
		jsonw_id(&w, "id", store_col_int(s, 0));
		jsonw_str(&w, "name", store_col_text(s, 1));
		jsonw_str(&w, "logo_url", store_col_text(s, 2));
		jsonw_str(&w, "role", store_col_text(s, 3));
		jsonw_str(&w, "status", store_col_text(s, 4));
		jsonw_str(&w, "name_in_enterprise", store_col_text(s, 5));
		jsonw_time(&w, "joined_at", store_col_int(s, 6));
		jsonw_close(&w, '}');
	}
	jsonw_close(&w, ']');
	jsonw_close(&w, '}');
	req_json_text(r, 200, w.buf, w.len);
	jsonw_release(&w);
	return ERR_OK;
}

static enum err get_enterprise(struct req *r)
{
	int64_t eid;
	struct org_member me;
	enum err rc = org_require(r, r->params[0], ORG_MEMBER, &eid, &me);
	if (rc)
		return rc;
	return reply_enterprise(r, 200, eid, me.role);
}

/* The profile is edited by the owner and by any administrator, whatever their rights: it is
 * none of the six rights, and the issue gives it to "administrators". */
static enum err patch_enterprise(struct req *r)
{
	static const struct field spec[] = {
		{ "name", F_STRING, 0 }, { "industry", F_STRING, 0 }, { "size", F_STRING, 0 },
		{ "region", F_STRING, 0 }, { "logo_url", F_STRING, 0 }, { "invoice_header", F_STRING, 0 },
		{ "address", F_STRING, 0 }, { "contact", F_STRING, 0 }, { 0 }
	};
	int64_t eid;
	struct org_member me;
	struct jsonw detail;
	enum err rc;
	if ((rc = org_require_body(r, ORG_ANY_ADMIN, spec, &eid, &me)))
		return rc;
	for (size_t i = 0; i < NPROFILE; i++) {
		const char *v = req_str(r, profile[i].name);
		if (v && (rc = check_profile_field(r, &profile[i], v)))
			return rc;
	}
	struct store_stmt *s = store_prepare(r->app->st,
		"UPDATE enterprises SET name = coalesce(?, name), industry = coalesce(?, industry),"
		" size = coalesce(?, size), region = coalesce(?, region), logo_url = coalesce(?, logo_url),"
		" invoice_header = coalesce(?, invoice_header), address = coalesce(?, address),"
		" contact = coalesce(?, contact), updated_at = ? WHERE id = ?");
	/* The audit entry names the fields changed, never their values. */
	jsonw_init(&detail);
	jsonw_open(&detail, NULL, '{');
	jsonw_open(&detail, "fields", '[');
	for (size_t i = 0; i < NPROFILE; i++) {
		const char *v = req_str(r, profile[i].name);
		store_bind_text(s, (int)i + 1, v, -1);
		if (v)
			jsonw_str(&detail, NULL, profile[i].name);
	}
	jsonw_close(&detail, ']');
	jsonw_close(&detail, '}');
	store_bind_int(s, 9, clock_now_ms());
	store_bind_int(s, 10, eid);
	if (store_run(s) != STORE_DONE)
		rc = req_fail(r, ERR_INTERNAL, "cannot update the enterprise");
	if (!rc)
		rc = audit(r, "enterprise.update", 0, eid, detail.buf);
	jsonw_release(&detail);
	if (rc || (rc = org_commit(r)))
		return rc;
	return reply_enterprise(r, 200, eid, me.role);
}

static void rights_write(struct jsonw *w, const char *key, unsigned rights)
{
	jsonw_open(w, key, '[');
	for (unsigned bit = 1; bit <= ORG_RIGHTS_ALL; bit <<= 1)
		if (rights & bit)
			jsonw_str(w, NULL, org_right_name((enum org_right)bit));
	jsonw_close(w, ']');
}

/* An administrator (or the owner) as GET …/admins lists them. */
static void admin_write(struct req *r, struct jsonw *w, int64_t eid, int64_t uid, const char *name,
			const char *role, unsigned rights, int scope_all)
{
	jsonw_open(w, NULL, '{');
	jsonw_id(w, "user_id", uid);
	jsonw_str(w, "name_in_enterprise", name);
	jsonw_str(w, "role", role);
	rights_write(w, "rights", rights);
	if (scope_all) {
		jsonw_str(w, "scope", "all");
	} else {
		struct store_stmt *d = store_prepare(r->app->st,
			"SELECT department_id FROM admin_scope_departments WHERE enterprise_id = ? AND user_id = ?"
			" ORDER BY department_id");
		store_bind_int(d, 1, eid);
		store_bind_int(d, 2, uid);
		jsonw_open(w, "scope", '{');
		jsonw_open(w, "departments", '[');
		while (store_step(d) == STORE_ROW)
			jsonw_id(w, NULL, store_col_int(d, 0));
		jsonw_close(w, ']');
		jsonw_close(w, '}');
	}
	jsonw_close(w, '}');
}

static enum err get_admins(struct req *r)
{
	int64_t eid;
	enum err rc = org_require(r, r->params[0], ORG_ANY_ADMIN, &eid, NULL);
	if (rc)
		return rc;
	struct store_stmt *s = store_prepare(r->app->st,
		"SELECT m.user_id, m.name_in_enterprise, m.role, a.rights, a.scope FROM members m"
		" LEFT JOIN admin_rights a ON a.enterprise_id = m.enterprise_id AND a.user_id = m.user_id"
		" WHERE m.enterprise_id = ? AND m.role IN ('owner', 'admin')"
		" ORDER BY m.role = 'owner' DESC, m.user_id");
	store_bind_int(s, 1, eid);
	struct jsonw w;
	jsonw_init(&w);
	jsonw_open(&w, NULL, '{');
	jsonw_open(&w, "admins", '[');
	while (store_step(s) == STORE_ROW) {
		int owner = !strcmp(store_col_text(s, 2), "owner");
		unsigned rights = owner ? ORG_RIGHTS_ALL : (unsigned)store_col_int(s, 3) & ORG_RIGHTS_ALL;
		int all = owner || store_col_is_null(s, 4) || !strcmp(store_col_text(s, 4), "all");
		admin_write(r, &w, eid, store_col_int(s, 0), store_col_text(s, 1), store_col_text(s, 2), rights, all);
	}
	jsonw_close(&w, ']');
	jsonw_close(&w, '}');
	req_json_text(r, 200, w.buf, w.len);
	jsonw_release(&w);
	return ERR_OK;
}

/* The member a path or body names: active, of this enterprise, else member_not_found. */
static enum err target_member(struct req *r, int64_t eid, const char *text, const char *field,
			      struct org_member *m)
{
	int64_t uid;
	int found = id_parse(text, &uid) ? 0 : org_member_get(r->app->st, eid, uid, m);
	if (found < 0)
		return req_fail(r, ERR_INTERNAL, "cannot read the membership");
	if (!found || !m->active) {
		if (field)
			req_extra(r, "field", json_string(field));
		return req_fail(r, ERR_MEMBER_NOT_FOUND, "no active member '%.24s' in this enterprise", text);
	}
	return ERR_OK;
}

#define MAX_SCOPE_DEPARTMENTS 256

/* rights: a non-empty array of right names; bad ones are invalid_value naming "rights". */
static enum err parse_rights(struct req *r, json_t *list, unsigned *rights)
{
	size_t i;
	json_t *v;
	*rights = 0;
	json_array_foreach(list, i, v) {
		enum org_right one = json_is_string(v) ? org_right_parse(json_string_value(v)) : 0;
		if (!one) {
			req_extra(r, "field", json_string("rights"));
			return req_fail(r, ERR_INVALID_VALUE,
					"rights are members, departments, apps, attendance, approvals and privacy, not '%.32s'",
					json_is_string(v) ? json_string_value(v) : "(not a string)");
		}
		*rights |= (unsigned)one;
	}
	if (!*rights) {
		req_extra(r, "field", json_string("rights"));
		return req_fail(r, ERR_INVALID_VALUE, "an administrator needs at least one right");
	}
	return ERR_OK;
}

/* scope: "all", or {departments: [ids]} of at least one department of this enterprise. */
static enum err parse_scope(struct req *r, int64_t eid, json_t *scope, int *all, int64_t *depts, size_t *ndepts)
{
	static const struct field spec[] = { { "departments", F_ARRAY, 1 }, { 0 } };
	enum err rc;
	size_t i;
	json_t *v;
	*ndepts = 0;
	*all = json_is_string(scope) && !strcmp(json_string_value(scope), "all");
	if (*all)
		return ERR_OK;
	if (!json_is_object(scope)) {
		req_extra(r, "field", json_string("scope"));
		return req_fail(r, ERR_INVALID_VALUE, "scope must be \"all\" or {\"departments\": [ids]}");
	}
	if ((rc = req_check_object(r, scope, "scope", spec)))
		return rc;
	json_t *list = json_object_get(scope, "departments");
	if (json_array_size(list) == 0 || json_array_size(list) > MAX_SCOPE_DEPARTMENTS) {
		req_extra(r, "field", json_string("scope.departments"));
		return req_fail(r, ERR_INVALID_VALUE, "a scope names 1 to %d departments", MAX_SCOPE_DEPARTMENTS);
	}
	json_array_foreach(list, i, v) {
		int64_t id = 0;
		const char *text = json_is_string(v) ? json_string_value(v) : "";
		int ok = !id_parse(text, &id);
		if (ok) {
			struct store_stmt *s = store_prepare(r->app->st,
				"SELECT 1 FROM departments WHERE enterprise_id = ? AND id = ?");
			store_bind_int(s, 1, eid);
			store_bind_int(s, 2, id);
			ok = store_step(s) == STORE_ROW;
			store_reset(s);
		}
		if (!ok) {
			req_extra(r, "field", json_string("scope.departments"));
			return req_fail(r, ERR_INVALID_VALUE, "no department '%.24s' in this enterprise", text);
		}
		size_t j = 0;
		while (j < *ndepts && depts[j] != id)
			j++;
		if (j == *ndepts)
			depts[(*ndepts)++] = id;
	}
	return ERR_OK;
}

/* Makes uid an administrator with rights and scope (replacing any earlier ones); -1 on failure. */
static int admin_store(struct store *st, int64_t eid, int64_t uid, unsigned rights, int all,
		       const int64_t *depts, size_t ndepts)
{
	struct store_stmt *s = store_prepare(st,
		"UPDATE members SET role = 'admin' WHERE enterprise_id = ? AND user_id = ?");
	store_bind_int(s, 1, eid);
	store_bind_int(s, 2, uid);
	if (store_run(s) != STORE_DONE)
		return -1;
	s = store_prepare(st,
		"INSERT INTO admin_rights (enterprise_id, user_id, rights, scope) VALUES (?, ?, ?, ?)"
		" ON CONFLICT (enterprise_id, user_id) DO UPDATE SET rights = excluded.rights, scope = excluded.scope");
	store_bind_int(s, 1, eid);
	store_bind_int(s, 2, uid);
	store_bind_int(s, 3, rights);
	store_bind_text(s, 4, all ? "all" : "departments", -1);
	if (store_run(s) != STORE_DONE)
		return -1;
	s = store_prepare(st, "DELETE FROM admin_scope_departments WHERE enterprise_id = ? AND user_id = ?");
	store_bind_int(s, 1, eid);
	store_bind_int(s, 2, uid);
	if (store_run(s) != STORE_DONE)
		return -1;
	for (size_t i = 0; i < ndepts; i++) {
		s = store_prepare(st,
			"INSERT INTO admin_scope_departments (enterprise_id, user_id, department_id) VALUES (?, ?, ?)");
		store_bind_int(s, 1, eid);
		store_bind_int(s, 2, uid);
		store_bind_int(s, 3, depts[i]);
		if (store_run(s) != STORE_DONE)
			return -1;
	}
	return 0;
}

static enum err put_admin(struct req *r)
{
	static const struct field spec[] = { { "rights", F_ARRAY, 1 }, { "scope", F_ANY, 1 }, { 0 } };
	int64_t eid, depts[MAX_SCOPE_DEPARTMENTS] = { 0 };
	size_t ndepts;
	unsigned rights;
	int all;
	struct org_member target;
	enum err rc;
	if ((rc = org_require_body(r, ORG_OWNER, spec, &eid, NULL)) ||
	    (rc = target_member(r, eid, r->params[1], NULL, &target)))
		return rc;
	if (target.role == ORG_ROLE_OWNER)
		return req_fail(r, ERR_ROLE_CONFLICT, "the owner holds every right; transfer ownership instead");
	if ((rc = parse_rights(r, json_object_get(r->body, "rights"), &rights)) ||
	    (rc = parse_scope(r, eid, json_object_get(r->body, "scope"), &all, depts, &ndepts)))
		return rc;
	if (admin_store(r->app->st, eid, target.user_id, rights, all, depts, ndepts))
		return req_fail(r, ERR_INTERNAL, "cannot store the administrator");
	/* Rights and scope are the enterprise's settings, not personal data: they may be logged. */
	struct jsonw detail;
	jsonw_init(&detail);
	jsonw_open(&detail, NULL, '{');
	rights_write(&detail, "rights", rights);
	jsonw_str(&detail, "scope", all ? "all" : "departments");
	jsonw_close(&detail, '}');
	rc = audit(r, target.role == ORG_ROLE_ADMIN ? "enterprise.admin_update" : "enterprise.admin_appoint",
		   target.user_id, eid, detail.buf);
	jsonw_release(&detail);
	if (rc || (rc = org_commit(r)))
		return rc;
	struct store_stmt *s = store_prepare(r->app->st,
		"SELECT name_in_enterprise FROM members WHERE enterprise_id = ? AND user_id = ?");
	store_bind_int(s, 1, eid);
	store_bind_int(s, 2, target.user_id);
	struct jsonw w;
	jsonw_init(&w);
	if (store_step(s) == STORE_ROW)
		admin_write(r, &w, eid, target.user_id, store_col_text(s, 0), "admin", rights, all);
	store_reset(s);
	req_json_text(r, 200, w.buf, w.len);
	jsonw_release(&w);
	return ERR_OK;
}

/* Demotes an administrator to a plain member; a plain member stays one (204 either way). */
static enum err delete_admin(struct req *r)
{
	int64_t eid;
	struct org_member target;
	struct store *st = r->app->st;
	enum err rc;
	if ((rc = org_begin(r)) || (rc = org_require(r, r->params[0], ORG_OWNER, &eid, NULL)) ||
	    (rc = target_member(r, eid, r->params[1], NULL, &target)))
		return rc;
	if (target.role == ORG_ROLE_OWNER)
		return req_fail(r, ERR_ROLE_CONFLICT, "the owner stays owner until ownership is transferred");
	if (target.role == ORG_ROLE_ADMIN) {
		struct store_stmt *s = store_prepare(st, "DELETE FROM admin_rights WHERE enterprise_id = ? AND user_id = ?");
		store_bind_int(s, 1, eid);
		store_bind_int(s, 2, target.user_id);
		if (store_run(s) != STORE_DONE)
			return req_fail(r, ERR_INTERNAL, "cannot remove the rights");
		s = store_prepare(st, "UPDATE members SET role = 'member' WHERE enterprise_id = ? AND user_id = ?");
		store_bind_int(s, 1, eid);
		store_bind_int(s, 2, target.user_id);
		if (store_run(s) != STORE_DONE)
			return req_fail(r, ERR_INTERNAL, "cannot change the role");
		if ((rc = audit(r, "enterprise.admin_remove", target.user_id, eid, NULL)))
			return rc;
	}
	if ((rc = org_commit(r)))
		return rc;
	req_no_content(r);
	return ERR_OK;
}

/* The new owner takes every right; the old one stays on as an administrator of scope all. */
static enum err post_transfer(struct req *r)
{
	static const struct field spec[] = { { "to_user_id", F_STRING, 1 }, { 0 } };
	int64_t eid;
	struct org_member me, target;
	struct store *st = r->app->st;
	enum err rc;
	if ((rc = org_require_body(r, ORG_OWNER, spec, &eid, &me)) ||
	    (rc = target_member(r, eid, req_str(r, "to_user_id"), "to_user_id", &target)))
		return rc;
	if (target.user_id == me.user_id) {
		req_extra(r, "field", json_string("to_user_id"));
		return req_fail(r, ERR_ROLE_CONFLICT, "you already own this enterprise");
	}
	/* The old owner stays as an administrator holding every right, of scope "all". */
	if (org_make_owner(st, eid, target.user_id) || admin_store(st, eid, me.user_id, ORG_RIGHTS_ALL, 1, NULL, 0))
		return req_fail(r, ERR_INTERNAL, "cannot transfer the enterprise");
	if ((rc = audit(r, "enterprise.transfer", target.user_id, eid, NULL)) || (rc = org_commit(r)))
		return rc;
	return reply_enterprise(r, 200, eid, ORG_ROLE_ADMIN);
}

/* Routes under /enterprises/{eid} take their body themselves, after the rights check. */
const struct route org_routes[] = {
	{ "POST", "/api/v1/enterprises", post_enterprise, ROUTE_AUTH | ROUTE_BODY },
	{ "GET", "/api/v1/me/enterprises", get_my_enterprises, ROUTE_AUTH },
	{ "GET", "/api/v1/enterprises/{eid}", get_enterprise, ROUTE_AUTH },
	{ "PATCH", "/api/v1/enterprises/{eid}", patch_enterprise, ROUTE_AUTH },
	{ "GET", "/api/v1/enterprises/{eid}/admins", get_admins, ROUTE_AUTH },
	{ "PUT", "/api/v1/enterprises/{eid}/admins/{uid}", put_admin, ROUTE_AUTH },
	{ "DELETE", "/api/v1/enterprises/{eid}/admins/{uid}", delete_admin, ROUTE_AUTH },
	{ "POST", "/api/v1/enterprises/{eid}/transfer", post_transfer, ROUTE_AUTH },
	{ 0 }
};
