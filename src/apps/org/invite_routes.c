/*
 * Invitation routes: joining an enterprise only with the person's consent (PP-04, PP-11).
 *
 *   administrators (members right)          the person
 *   POST pending-members   (by phone) ───▶  GET /me/invitations: who holds what about me
 *                                           POST /me/invitations/{pid}/accept | decline
 *   POST invitations       (a link/QR) ───▶  GET /invitations/{token}: what it is, unsigned
 *                                           POST /invitations/{token}/accept
 *   POST pending-members/{pid}/approve  ◀── a request to join through a link needing approval
 *
 * Until the person accepts, what the enterprise entered is a pending member (join.h): visible to
 * its administrators only, deleted when the person declines, an administrator withdraws it, or
 * pending-days pass without an answer (the retention job).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "apps/org/dept.h"
#include "apps/org/join.h"
#include "apps/org/member.h"
#include "core/clock.h"
#include "core/jsonw.h"
#include "crypto/token.h"
#include "privacy/audit.h"
#include "privacy/privacy.h"
#include "core/banned.h"

#define DAY_MS (24LL * 3600 * 1000)
#define MAX_INVITE_DAYS 90

static int64_t pending_expiry(struct req *r, int64_t now)
{
	return now + r->app->cfg->pending_days * DAY_MS;
}

/* The enterprise's name into out ("" when gone). */
static void enterprise_name(struct store *st, int64_t eid, char *out, size_t len)
{
	struct store_stmt *s = store_prepare(st, "SELECT name FROM enterprises WHERE id = ?");
	store_bind_int(s, 1, eid);
	snprintf(out, len, "%s", store_step(s) == STORE_ROW ? store_col_text(s, 0) : "");
	store_reset(s);
}

/* A department id of the body (field department_id) that me may place people in; 0 for none. */
static enum err body_department(struct req *r, const struct org_member *me, int64_t eid, int64_t *did)
{
	const char *text = req_str(r, "department_id");
	*did = 0;
	if (!text) {
		/* An administrator of some departments places people inside them. */
		return me->scope_all ? ERR_OK
				     : req_fail(r, ERR_FORBIDDEN, "your scope is some departments: name one in department_id");
	}
	int found = id_parse(text, did) ? 0 : dept_exists(r->app->st, eid, *did);
	if (found < 0)
		return req_fail(r, ERR_INTERNAL, "cannot read the departments");
	if (!found) {
		req_extra(r, "field", json_string("department_id"));
		return req_fail(r, ERR_DEPARTMENT_NOT_FOUND, "no department '%.24s' in this enterprise", text);
	}
	int in = dept_in_scope(r->app->st, me, *did);
	if (in < 0)
		return req_fail(r, ERR_INTERNAL, "cannot read the departments");
	return in ? ERR_OK : req_fail(r, ERR_FORBIDDEN, "department '%.24s' is outside your scope", text);
}

/* ---- pending members, as administrators see them ---- */

#define PENDING_COLS                                                                                 \
	"p.id, p.enterprise_id, p.source, p.status, p.user_id, p.phone_sealed, p.name, p.department_id," \
	" p.title, p.job_number, p.email, p.created_at, p.expires_at, p.invitation_id, p.import_id, p.created_by"

/* Writes the pending row s is on (PENDING_COLS); the phone opened with the row's own key. */
static void pending_write(struct req *r, struct store_stmt *s, struct jsonw *w)
{
	int64_t pid = store_col_int(s, 0);
	size_t len;
	const uint8_t *sealed = store_col_blob(s, 5, &len);
	char *phone = sealed ? subject_open(r->app->st, r->app->kr, pid, "pending_members.phone", sealed, len) : NULL;
	jsonw_open(w, NULL, '{');
	jsonw_id(w, "id", pid);
	jsonw_id(w, "enterprise_id", store_col_int(s, 1));
	jsonw_str(w, "source", store_col_text(s, 2));
	jsonw_str(w, "status", store_col_text(s, 3));
	jsonw_ref(w, "user_id", store_col_int(s, 4));
	jsonw_str(w, "name", store_col_text(s, 6));
	jsonw_str(w, "mobile", phone);
	jsonw_ref(w, "department_id", store_col_int(s, 7));
	jsonw_str(w, "title", store_col_text(s, 8));
	jsonw_str(w, "job_number", store_col_text(s, 9));
	jsonw_str(w, "email", store_col_text(s, 10));
	jsonw_time(w, "created_at", store_col_int(s, 11));
	jsonw_time(w, "expires_at", store_col_int(s, 12));
	org_write_person(r->app->st, r->app->kr, store_col_int(s, 1), store_col_int(s, 15), "created_by", w);
	if (!store_col_is_null(s, 13))
		jsonw_id(w, "invitation_id", store_col_int(s, 13));
	if (!store_col_is_null(s, 14))
		jsonw_id(w, "import_id", store_col_int(s, 14));
	jsonw_close(w, '}');
	free(phone);
}

/* Replies with pending row pid of eid. */
static enum err reply_pending(struct req *r, int status, int64_t eid, int64_t pid)
{
	struct store_stmt *s = store_prepare(r->app->st,
		"SELECT " PENDING_COLS " FROM pending_members p WHERE p.enterprise_id = ? AND p.id = ?");
	store_bind_int(s, 1, eid);
	store_bind_int(s, 2, pid);
	if (store_step(s) != STORE_ROW) {
		store_reset(s);
		return req_fail(r, ERR_PENDING_NOT_FOUND, NULL);
	}
	struct jsonw w;
	jsonw_init(&w);
	pending_write(r, s, &w);
	store_reset(s);
	req_json_text(r, status, w.buf, w.len);
	jsonw_release(&w);
	return ERR_OK;
}

/* Checks the optional profile values of the body that a pending member may carry. */
static enum err body_person(struct req *r, struct join_person *p, char e164[PHONE_E164_LEN])
{
	static const char *const names[] = { "title", "job_number", "email" };
	const char **slots[] = { &p->title, &p->job_number, &p->email };
	char unused[PHONE_E164_LEN];
	const char *stored;
	enum err rc;
	memset(p, 0, sizeof(*p));
	p->name = req_str(r, "name");
	if ((rc = org_check_text(r, "name", p->name, 64, 0)))
		return rc;
	if (phone_normalize(req_str(r, "mobile"), e164)) {
		req_extra(r, "field", json_string("mobile"));
		return req_fail(r, ERR_INVALID_VALUE, "'mobile' must be a mobile number");
	}
	p->phone = e164;
	for (size_t i = 0; i < 3; i++) {
		const char *v = req_str(r, names[i]);
		*slots[i] = v ? v : "";
		if (v && (rc = member_check_field(r, member_field_find(names[i]), v, unused, &stored)))
			return rc;
	}
	return ERR_OK;
}

/*
 * An invitation by mobile number: what the administrator enters becomes a pending member, and
 * the person gets an SMS (unless notify is false) telling them where to accept or decline.
 */
static enum err post_pending(struct req *r)
{
	static const struct field spec[] = {
		{ "name", F_STRING, 1 }, { "mobile", F_STRING, 1 }, { "department_id", F_STRING, 0 },
		{ "title", F_STRING, 0 }, { "job_number", F_STRING, 0 }, { "email", F_STRING, 0 },
		{ "notify", F_BOOL, 0 }, { 0 }
	};
	int64_t eid, pid, now = clock_now_ms();
	struct org_member me;
	struct join_person p;
	char e164[PHONE_E164_LEN], name[256], url[256];
	enum err rc;
	if ((rc = org_require_body(r, ORG_RIGHT_MEMBERS, spec, &eid, &me)) || (rc = body_person(r, &p, e164)) ||
	    (rc = body_department(r, &me, eid, &p.department_id)))
		return rc;
	struct join_origin o = { .source = "invitation", .status = "awaiting_person", .created_by = me.user_id,
				 .expires_at = pending_expiry(r, now) };
	switch (join_pending_add(r->app->st, r->app->kr, eid, &p, &o, now, &pid)) {
	case JOIN_OK:
		break;
	case JOIN_ALREADY_INVITED:
		return req_fail(r, ERR_ALREADY_INVITED, NULL);
	case JOIN_ALREADY_MEMBER:
		return req_fail(r, ERR_ALREADY_MEMBER, "the account with this mobile number is already a member");
	default:
		return req_fail(r, ERR_INTERNAL, "cannot store the invitation");
	}
	if ((rc = org_audit(r, "member.invite", 0, "pending", pid, NULL)) || (rc = org_commit(r)))
		return rc;
	json_t *notify = json_object_get(r->body, "notify");
	if (!notify || json_is_true(notify)) {
		enterprise_name(r->app->st, eid, name, sizeof(name));
		join_base_url(r->app->cfg, url, sizeof(url));
		join_notify(r->app->notify, e164, name, url, (int)r->app->cfg->pending_days);
	}
	return reply_pending(r, 201, eid, pid);
}

static enum err get_pending(struct req *r)
{
	int64_t eid, cursor;
	int limit, n = 0;
	enum err rc;
	if ((rc = org_require(r, r->params[0], ORG_RIGHT_MEMBERS, &eid, NULL)) || (rc = req_page(r, &limit, &cursor)))
		return rc;
	const char *status = req_query(r, "status");
	if (status && strcmp(status, "awaiting_person") && strcmp(status, "awaiting_approval")) {
		req_extra(r, "field", json_string("status"));
		return req_fail(r, ERR_INVALID_VALUE, "'status' must be awaiting_person or awaiting_approval");
	}
	struct store_stmt *s = store_prepare(r->app->st,
		"SELECT " PENDING_COLS " FROM pending_members p WHERE p.enterprise_id = ? AND p.id > ?"
		" AND (? IS NULL OR p.status = ?) ORDER BY p.id LIMIT ?");
	store_bind_int(s, 1, eid);
	store_bind_int(s, 2, cursor);
	if (status) {
		store_bind_text(s, 3, status, -1);
		store_bind_text(s, 4, status, -1);
	} else {
		store_bind_null(s, 3);
		store_bind_null(s, 4);
	}
	store_bind_int(s, 5, limit + 1);
	struct jsonw w;
	int64_t last = 0;
	jsonw_init(&w);
	jsonw_open(&w, NULL, '{');
	jsonw_open(&w, "pending_members", '[');
	while (store_step(s) == STORE_ROW && ++n <= limit) {
		last = store_col_int(s, 0);
		pending_write(r, s, &w);
	}
	store_reset(s);
	req_page_reply(r, &w, n > limit ? last : 0);
	return ERR_OK;
}

/* The pending row {pid} of eid with its status and user into *status / *uid, else 404. */
static enum err find_pending(struct req *r, int64_t eid, const char *text, int64_t *pid, char status[24], int64_t *uid)
{
	struct store_stmt *s = store_prepare(r->app->st,
		"SELECT status, coalesce(user_id, 0) FROM pending_members WHERE enterprise_id = ? AND id = ?");
	int found = !id_parse(text, pid);
	if (found) {
		store_bind_int(s, 1, eid);
		store_bind_int(s, 2, *pid);
		found = store_step(s) == STORE_ROW;
		if (found) {
			snprintf(status, 24, "%s", store_col_text(s, 0));
			*uid = store_col_int(s, 1);
		}
		store_reset(s);
	}
	return found ? ERR_OK : req_fail(r, ERR_PENDING_NOT_FOUND, "no pending member '%.24s' here", text);
}

static int pending_delete(struct store *st, int64_t pid)
{
	struct store_stmt *s = store_prepare(st, "DELETE FROM pending_members WHERE id = ?");
	store_bind_int(s, 1, pid);
	return store_run(s) == STORE_DONE ? 0 : -1;
}

/* Withdraws an invitation or rejects a request to join: the pending data is deleted. */
static enum err delete_pending(struct req *r)
{
	int64_t eid, pid, uid;
	char status[24];
	enum err rc;
	if ((rc = org_begin(r)) || (rc = org_require(r, r->params[0], ORG_RIGHT_MEMBERS, &eid, NULL)) ||
	    (rc = find_pending(r, eid, r->params[1], &pid, status, &uid)))
		return rc;
	if (pending_delete(r->app->st, pid))
		return req_fail(r, ERR_INTERNAL, "cannot delete the pending member");
	if ((rc = org_audit(r, strcmp(status, "awaiting_approval") ? "member.invite_withdraw" : "member.join_reject",
			    uid, "pending", pid, NULL)) ||
	    (rc = org_commit(r)))
		return rc;
	req_no_content(r);
	return ERR_OK;
}

/*
 * Turns pending row pid into a membership of uid and deletes the row; name overrides the name
 * the row holds when given.  Runs in the caller's transaction.
 */
static enum err pending_to_member(struct req *r, int64_t eid, int64_t pid, int64_t uid, const char *name, int64_t now)
{
	struct store_stmt *s = store_prepare(r->app->st,
		"SELECT name, coalesce(department_id, 0), title, job_number, email FROM pending_members WHERE id = ?");
	store_bind_int(s, 1, pid);
	if (store_step(s) != STORE_ROW) {
		store_reset(s);
		return req_fail(r, ERR_PENDING_NOT_FOUND, NULL);
	}
	char *held[4];
	for (int i = 0; i < 4; i++)
		held[i] = strdup(store_col_text(s, i ? i + 1 : 0));
	struct join_person p = { .name = name ? name : held[0], .department_id = store_col_int(s, 1),
				 .title = held[1], .job_number = held[2], .email = held[3] };
	store_reset(s);
	enum join_rc jrc = join_member_add(r->app->st, eid, uid, &p, now);
	for (int i = 0; i < 4; i++)
		free(held[i]);
	if (pending_delete(r->app->st, pid))
		return req_fail(r, ERR_INTERNAL, "cannot delete the pending member");
	if (jrc == JOIN_ALREADY_MEMBER)
		return req_fail(r, ERR_ALREADY_MEMBER, NULL);
	return jrc == JOIN_OK ? ERR_OK : req_fail(r, ERR_INTERNAL, "cannot add the member");
}

/* Replies 201 with uid as the new member sees themself. */
static enum err reply_new_member(struct req *r, int64_t eid, int64_t uid)
{
	struct org_member me;
	struct member_viewer v;
	struct jsonw w;
	if (org_member_get(r->app->st, eid, uid, &me) != 1)
		return req_fail(r, ERR_INTERNAL, "cannot read the membership");
	member_viewer_load(r->app->st, eid, &me, &v);
	jsonw_init(&w);
	member_write(r, &v, eid, uid, 1, &w);
	req_json_text(r, 201, w.buf, w.len);
	jsonw_release(&w);
	return ERR_OK;
}

/* Approves a request to join through a link: the person becomes a member at once. */
static enum err post_pending_approve(struct req *r)
{
	int64_t eid, pid, uid, now = clock_now_ms();
	char status[24], name[256], title[320];
	enum err rc;
	if ((rc = org_begin(r)) || (rc = org_require(r, r->params[0], ORG_RIGHT_MEMBERS, &eid, NULL)) ||
	    (rc = find_pending(r, eid, r->params[1], &pid, status, &uid)))
		return rc;
	if (strcmp(status, "awaiting_approval"))
		return req_fail(r, ERR_PENDING_NOT_FOUND, "pending member '%.24s' waits for the person, not for approval",
				r->params[1]);
	if ((rc = pending_to_member(r, eid, pid, uid, NULL, now)))
		return rc;
	enterprise_name(r->app->st, eid, name, sizeof(name));
	snprintf(title, sizeof(title), "您已加入“%.120s” You have joined %.120s", name, name);
	if (notify_inapp(r->app->st, uid, "enterprise_joined", title, "", now))
		return req_fail(r, ERR_INTERNAL, "cannot store the notification");
	if ((rc = org_audit(r, "member.join_approve", uid, "enterprise", eid, NULL)) || (rc = org_commit(r)))
		return rc;
	return reply_new_member(r, eid, uid);
}

/* ---- invitation links ---- */

/* The link at the row of s; token and url only in the reply that makes it (else NULL). */
static void invitation_write(struct req *r, struct store_stmt *s, struct jsonw *w, int64_t now, const char *token,
			     const char *url)
{
	jsonw_open(w, NULL, '{');
	jsonw_id(w, "id", store_col_int(s, 0));
	jsonw_ref(w, "department_id", store_col_int(s, 1));
	jsonw_bool(w, "needs_approval", (int)store_col_int(s, 2));
	if (store_col_is_null(s, 3))
		jsonw_null(w, "max_uses");
	else
		jsonw_int(w, "max_uses", store_col_int(s, 3));
	jsonw_int(w, "uses", store_col_int(s, 4));
	jsonw_time(w, "expires_at", store_col_int(s, 5));
	jsonw_time(w, "created_at", store_col_int(s, 6));
	const char *state = !store_col_is_null(s, 7) ? "revoked"
			    : store_col_int(s, 5) <= now  ? "expired"
			    : !store_col_is_null(s, 3) && store_col_int(s, 4) >= store_col_int(s, 3) ? "used_up"
												      : "active";
	jsonw_str(w, "state", state);
	org_write_person(r->app->st, r->app->kr, store_col_int(s, 8), store_col_int(s, 9), "created_by", w);
	if (token) {
		jsonw_str(w, "token", token);
		jsonw_str(w, "url", url);
	}
	jsonw_close(w, '}');
}

#define INVITATION_COLS \
	"id, department_id, needs_approval, max_uses, uses, expires_at, created_at, revoked_at, enterprise_id, created_by"

/*
 * A link (and the QR code that carries it) anyone may use to ask to join: expires_in_days (1 to
 * 90, default 7), max_uses (default none), needs_approval, department_id.  The token is in the
 * reply only: the server keeps its hash.
 */
static enum err post_invitation(struct req *r)
{
	static const struct field spec[] = {
		{ "expires_in_days", F_INT, 0 }, { "max_uses", F_INT, 0 }, { "needs_approval", F_BOOL, 0 },
		{ "department_id", F_STRING, 0 }, { 0 }
	};
	int64_t eid, did, id = id_next(), now = clock_now_ms();
	struct org_member me;
	enum err rc;
	if ((rc = org_require_body(r, ORG_RIGHT_MEMBERS, spec, &eid, &me)) || (rc = body_department(r, &me, eid, &did)))
		return rc;
	json_t *days = json_object_get(r->body, "expires_in_days"), *uses = json_object_get(r->body, "max_uses");
	json_int_t d = days ? json_integer_value(days) : 7, u = uses ? json_integer_value(uses) : 0;
	if (d < 1 || d > MAX_INVITE_DAYS) {
		req_extra(r, "field", json_string("expires_in_days"));
		return req_fail(r, ERR_INVALID_VALUE, "'expires_in_days' must be 1 to %d", MAX_INVITE_DAYS);
	}
	if (uses && (u < 1 || u > 100000)) {
		req_extra(r, "field", json_string("max_uses"));
		return req_fail(r, ERR_INVALID_VALUE, "'max_uses' must be 1 to 100000");
	}
	char token[TOKEN_STR_LEN], url[256 + TOKEN_STR_LEN + 16];
	uint8_t hash[TOKEN_HASH_LEN];
	token_new(token, hash);
	struct store_stmt *s = store_prepare(r->app->st,
		"INSERT INTO invitations (id, enterprise_id, token_hash, created_by, department_id, needs_approval,"
		" max_uses, expires_at, created_at) VALUES (?, ?, ?, ?, NULLIF(?, 0), ?, NULLIF(?, 0), ?, ?)");
	store_bind_int(s, 1, id);
	store_bind_int(s, 2, eid);
	store_bind_blob(s, 3, hash, TOKEN_HASH_LEN);
	store_bind_int(s, 4, me.user_id);
	store_bind_int(s, 5, did);
	store_bind_int(s, 6, json_is_true(json_object_get(r->body, "needs_approval")));
	store_bind_int(s, 7, u);
	store_bind_int(s, 8, now + d * DAY_MS);
	store_bind_int(s, 9, now);
	if (store_run(s) != STORE_DONE)
		return req_fail(r, ERR_INTERNAL, "cannot store the invitation");
	if ((rc = org_audit(r, "invitation.create", 0, "invitation", id, NULL)) || (rc = org_commit(r)))
		return rc;
	join_base_url(r->app->cfg, url, 256);
	size_t n = strlen(url);
	snprintf(url + n, sizeof(url) - n, "/join/%s", token);
	s = store_prepare(r->app->st, "SELECT " INVITATION_COLS " FROM invitations WHERE id = ?");
	store_bind_int(s, 1, id);
	struct jsonw w;
	jsonw_init(&w);
	/* The token and its link go out once, in this reply: the server keeps only the hash. */
	if (store_step(s) != STORE_ROW) {
		store_reset(s);
		jsonw_release(&w);
		return req_fail(r, ERR_INTERNAL, "cannot read the invitation back");
	}
	invitation_write(r, s, &w, now, token, url);
	store_reset(s);
	req_json_text(r, 201, w.buf, w.len);
	memset(w.buf, 0, w.len);
	jsonw_release(&w);
	return ERR_OK;
}

static enum err get_invitations(struct req *r)
{
	int64_t eid, cursor, last = 0, now = clock_now_ms();
	int limit, n = 0;
	enum err rc;
	if ((rc = org_require(r, r->params[0], ORG_RIGHT_MEMBERS, &eid, NULL)) || (rc = req_page(r, &limit, &cursor)))
		return rc;
	struct store_stmt *s = store_prepare(r->app->st,
		"SELECT " INVITATION_COLS " FROM invitations WHERE enterprise_id = ? AND id < ?"
		" ORDER BY id DESC LIMIT ?");
	store_bind_int(s, 1, eid);
	store_bind_int(s, 2, cursor ? cursor : INT64_MAX);
	store_bind_int(s, 3, limit + 1);
	struct jsonw w;
	jsonw_init(&w);
	jsonw_open(&w, NULL, '{');
	jsonw_open(&w, "invitations", '[');
	while (store_step(s) == STORE_ROW && ++n <= limit) {
		last = store_col_int(s, 0);
		invitation_write(r, s, &w, now, NULL, NULL);
	}
	store_reset(s);
	req_page_reply(r, &w, n > limit ? last : 0);
	return ERR_OK;
}

/* Revokes a link: it stops working at once; who joined through it stays. */
static enum err delete_invitation(struct req *r)
{
	int64_t eid, id;
	enum err rc;
	if ((rc = org_begin(r)) || (rc = org_require(r, r->params[0], ORG_RIGHT_MEMBERS, &eid, NULL)))
		return rc;
	struct store_stmt *s = store_prepare(r->app->st,
		"UPDATE invitations SET revoked_at = coalesce(revoked_at, ?) WHERE enterprise_id = ? AND id = ?");
	int ok = !id_parse(r->params[1], &id);
	if (ok) {
		store_bind_int(s, 1, clock_now_ms());
		store_bind_int(s, 2, eid);
		store_bind_int(s, 3, id);
		if (store_run(s) != STORE_DONE)
			return req_fail(r, ERR_INTERNAL, "cannot revoke the invitation");
		ok = store_changes(r->app->st) == 1;
	}
	if (!ok)
		return req_fail(r, ERR_INVITATION_NOT_FOUND, NULL);
	if ((rc = org_audit(r, "invitation.revoke", 0, "invitation", id, NULL)) || (rc = org_commit(r)))
		return rc;
	req_no_content(r);
	return ERR_OK;
}

/* What a token names, in use: its invitation's fields, else the failure (already recorded). */
struct link {
	int64_t id, eid, did, expires_at;
	int needs_approval;
};

static enum err find_link(struct req *r, struct link *l)
{
	uint8_t hash[TOKEN_HASH_LEN];
	const char *token = r->params[0];
	if (token_hash(token, strlen(token), hash))
		return req_fail(r, ERR_INVITATION_NOT_FOUND, NULL);
	struct store_stmt *s = store_prepare(r->app->st,
		"SELECT id, enterprise_id, coalesce(department_id, 0), needs_approval, expires_at, revoked_at IS NOT NULL,"
		" max_uses IS NOT NULL AND uses >= max_uses FROM invitations WHERE token_hash = ?");
	store_bind_blob(s, 1, hash, TOKEN_HASH_LEN);
	if (store_step(s) != STORE_ROW) {
		store_reset(s);
		return req_fail(r, ERR_INVITATION_NOT_FOUND, NULL);
	}
	*l = (struct link){ .id = store_col_int(s, 0), .eid = store_col_int(s, 1), .did = store_col_int(s, 2),
			    .needs_approval = (int)store_col_int(s, 3), .expires_at = store_col_int(s, 4) };
	int revoked = (int)store_col_int(s, 5), used_up = (int)store_col_int(s, 6);
	store_reset(s);
	if (revoked)
		return req_fail(r, ERR_INVITATION_NOT_FOUND, NULL);
	if (l->expires_at <= clock_now_ms())
		return req_fail(r, ERR_INVITATION_EXPIRED, NULL);
	if (used_up)
		return req_fail(r, ERR_INVITATION_USED_UP, NULL);
	return ERR_OK;
}

/* What a link invites to, for the page a link or QR code opens (no sign-in needed). */
static enum err get_link(struct req *r)
{
	struct link l;
	char name[256];
	enum err rc;
	if ((rc = find_link(r, &l)))
		return rc;
	enterprise_name(r->app->st, l.eid, name, sizeof(name));
	struct jsonw w;
	jsonw_init(&w);
	jsonw_open(&w, NULL, '{');
	jsonw_open(&w, "enterprise", '{');
	jsonw_id(&w, "id", l.eid);
	jsonw_str(&w, "name", name);
	jsonw_close(&w, '}');
	jsonw_bool(&w, "needs_approval", l.needs_approval);
	jsonw_time(&w, "expires_at", l.expires_at);
	jsonw_close(&w, '}');
	req_json_text(r, 200, w.buf, w.len);
	jsonw_release(&w);
	return ERR_OK;
}

/*
 * The signed-in person uses a link: with approval needed their request waits (202, a pending
 * member the administrators see); without, they join at once (201).  Either way one use.
 */
static enum err post_link_accept(struct req *r)
{
	static const struct field spec[] = { { "name_in_enterprise", F_STRING, 1 }, { 0 } };
	struct link l;
	int64_t pid, now = clock_now_ms();
	struct store *st = r->app->st;
	enum err rc;
	if ((rc = req_check_body(r, spec)) ||
	    (rc = org_check_text(r, "name_in_enterprise", req_str(r, "name_in_enterprise"), 64, 0)) ||
	    (rc = org_begin(r)) || (rc = find_link(r, &l)))
		return rc;
	struct store_stmt *s = store_prepare(st, "UPDATE invitations SET uses = uses + 1 WHERE id = ?"
						 " AND (max_uses IS NULL OR uses < max_uses)");
	store_bind_int(s, 1, l.id);
	if (store_run(s) != STORE_DONE)
		return req_fail(r, ERR_INTERNAL, "cannot count the use");
	if (store_changes(st) != 1)
		return req_fail(r, ERR_INVITATION_USED_UP, NULL);
	struct join_person p = { .name = req_str(r, "name_in_enterprise"), .department_id = l.did };
	if (l.needs_approval) {
		struct join_origin o = { .source = "link", .status = "awaiting_approval", .created_by = r->user_id,
					 .invitation_id = l.id, .user_id = r->user_id, .expires_at = pending_expiry(r, now) };
		switch (join_pending_add(st, r->app->kr, l.eid, &p, &o, now, &pid)) {
		case JOIN_OK:
			break;
		case JOIN_ALREADY_INVITED:
			return req_fail(r, ERR_AWAITING_APPROVAL, "your request to join already waits for approval");
		case JOIN_ALREADY_MEMBER:
			return req_fail(r, ERR_ALREADY_MEMBER, "you are already a member of this enterprise");
		default:
			return req_fail(r, ERR_INTERNAL, "cannot store the request to join");
		}
		if (audit_append(st, r->user_id, "member.join_request", r->user_id, "pending", NULL) || (rc = org_commit(r)))
			return rc ? rc : req_fail(r, ERR_INTERNAL, "cannot record the request in the audit log");
		struct jsonw w;
		jsonw_init(&w);
		jsonw_open(&w, NULL, '{');
		jsonw_id(&w, "pending_id", pid);
		jsonw_id(&w, "enterprise_id", l.eid);
		jsonw_str(&w, "status", "awaiting_approval");
		jsonw_time(&w, "expires_at", pending_expiry(r, now));
		jsonw_close(&w, '}');
		req_json_text(r, 202, w.buf, w.len);
		jsonw_release(&w);
		return ERR_OK;
	}
	switch (join_member_add(st, l.eid, r->user_id, &p, now)) {
	case JOIN_OK:
		break;
	case JOIN_ALREADY_MEMBER:
		return req_fail(r, ERR_ALREADY_MEMBER, "you are already a member of this enterprise");
	default:
		return req_fail(r, ERR_INTERNAL, "cannot add the member");
	}
	char object[AUDIT_OBJECT_LEN];
	if (audit_append(st, r->user_id, "member.join", r->user_id, audit_object("enterprise", l.eid, object),
			 "{\"via\":\"link\"}"))
		return req_fail(r, ERR_INTERNAL, "cannot record the join in the audit log");
	if ((rc = org_commit(r)))
		return rc;
	return reply_new_member(r, l.eid, r->user_id);
}

/* ---- the person's side: what enterprises hold about me before I joined ---- */

/* The signed-in person's phone blind index; 0, or -1 when the account has none. */
static int my_phone_index(struct req *r, uint8_t index[KEYRING_INDEX_LEN])
{
	struct store_stmt *s = store_prepare(r->app->st, "SELECT phone_index FROM users WHERE id = ?");
	store_bind_int(s, 1, r->user_id);
	int rc = -1;
	size_t len;
	if (store_step(s) == STORE_ROW) {
		const uint8_t *b = store_col_blob(s, 0, &len);
		if (b && len == KEYRING_INDEX_LEN) {
			memcpy(index, b, len);
			rc = 0;
		}
	}
	store_reset(s);
	return rc;
}

#define MINE "(p.phone_index = ? OR p.user_id = ?)"

static void bind_mine(struct store_stmt *s, int at, const uint8_t index[KEYRING_INDEX_LEN], int64_t uid)
{
	store_bind_blob(s, at, index, KEYRING_INDEX_LEN);
	store_bind_int(s, at + 1, uid);
}

/*
 * Every pending row about me, with the enterprise's name and what exactly it holds (PP-04): the
 * person decides knowing it.
 */
static enum err get_my_invitations(struct req *r)
{
	uint8_t index[KEYRING_INDEX_LEN] = { 0 };
	my_phone_index(r, index);
	struct store_stmt *s = store_prepare(r->app->st,
		"SELECT " PENDING_COLS ", e.name, (SELECT d.name FROM departments d WHERE d.enterprise_id = p.enterprise_id"
		" AND d.id = p.department_id) FROM pending_members p JOIN enterprises e ON e.id = p.enterprise_id"
		" WHERE " MINE " ORDER BY p.id");
	bind_mine(s, 1, index, r->user_id);
	struct jsonw w;
	jsonw_init(&w);
	jsonw_open(&w, NULL, '{');
	jsonw_open(&w, "invitations", '[');
	while (store_step(s) == STORE_ROW) {
		int64_t pid = store_col_int(s, 0);
		size_t len;
		const uint8_t *sealed = store_col_blob(s, 5, &len);
		char *phone = sealed ? subject_open(r->app->st, r->app->kr, pid, "pending_members.phone", sealed, len) : NULL;
		jsonw_open(&w, NULL, '{');
		jsonw_id(&w, "id", pid);
		jsonw_open(&w, "enterprise", '{');
		jsonw_id(&w, "id", store_col_int(s, 1));
		jsonw_str(&w, "name", store_col_text(s, 16));
		jsonw_close(&w, '}');
		jsonw_str(&w, "source", store_col_text(s, 2));
		jsonw_str(&w, "status", store_col_text(s, 3));
		jsonw_open(&w, "held", '{');
		jsonw_str(&w, "name", store_col_text(s, 6));
		if (phone)
			jsonw_str(&w, "mobile", phone);
		if (!store_col_is_null(s, 17))
			jsonw_str(&w, "department", store_col_text(s, 17));
		for (int i = 8; i <= 10; i++)
			if (*store_col_text(s, i))
				jsonw_str(&w, i == 8 ? "title" : i == 9 ? "job_number" : "email", store_col_text(s, i));
		jsonw_close(&w, '}');
		jsonw_time(&w, "created_at", store_col_int(s, 11));
		jsonw_time(&w, "expires_at", store_col_int(s, 12));
		if (!strcmp(store_col_text(s, 3), "awaiting_person"))
			org_write_person(r->app->st, r->app->kr, store_col_int(s, 1), store_col_int(s, 15), "invited_by", &w);
		jsonw_close(&w, '}');
		free(phone);
	}
	store_reset(s);
	jsonw_close(&w, ']');
	jsonw_close(&w, '}');
	req_json_text(r, 200, w.buf, w.len);
	jsonw_release(&w);
	return ERR_OK;
}

/* My pending row {pid}: its enterprise and status, else pending_not_found. */
static enum err find_mine(struct req *r, int64_t *pid, int64_t *eid, char status[24])
{
	uint8_t index[KEYRING_INDEX_LEN] = { 0 };
	my_phone_index(r, index);
	struct store_stmt *s = store_prepare(r->app->st,
		"SELECT p.enterprise_id, p.status FROM pending_members p WHERE p.id = ? AND " MINE);
	int found = !id_parse(r->params[0], pid);
	if (found) {
		store_bind_int(s, 1, *pid);
		bind_mine(s, 2, index, r->user_id);
		found = store_step(s) == STORE_ROW;
		if (found) {
			*eid = store_col_int(s, 0);
			snprintf(status, 24, "%s", store_col_text(s, 1));
		}
		store_reset(s);
	}
	return found ? ERR_OK : req_fail(r, ERR_PENDING_NOT_FOUND, "you have no pending invitation '%.24s'", r->params[0]);
}

/* The person accepts: they become a member with what the enterprise entered (their name may differ). */
static enum err post_my_accept(struct req *r)
{
	static const struct field spec[] = { { "name_in_enterprise", F_STRING, 0 }, { 0 } };
	int64_t pid, eid, now = clock_now_ms();
	char status[24], object[AUDIT_OBJECT_LEN];
	const char *name;
	enum err rc;
	if ((rc = req_read_body(r)) || (rc = req_check_body(r, spec)) ||
	    ((name = req_str(r, "name_in_enterprise")) && (rc = org_check_text(r, "name_in_enterprise", name, 64, 0))) ||
	    (rc = org_begin(r)) || (rc = find_mine(r, &pid, &eid, status)))
		return rc;
	if (!strcmp(status, "awaiting_approval"))
		return req_fail(r, ERR_AWAITING_APPROVAL, NULL);
	if ((rc = pending_to_member(r, eid, pid, r->user_id, name, now)))
		return rc;
	if (audit_append(r->app->st, r->user_id, "member.join", r->user_id, audit_object("enterprise", eid, object),
			 "{\"via\":\"invitation\"}"))
		return req_fail(r, ERR_INTERNAL, "cannot record the join in the audit log");
	if ((rc = org_commit(r)))
		return rc;
	return reply_new_member(r, eid, r->user_id);
}

/* The person declines (or withdraws a request to join): what the enterprise held is deleted. */
static enum err post_my_decline(struct req *r)
{
	int64_t pid, eid;
	char status[24], object[AUDIT_OBJECT_LEN];
	enum err rc;
	if ((rc = org_begin(r)) || (rc = find_mine(r, &pid, &eid, status)))
		return rc;
	if (pending_delete(r->app->st, pid) ||
	    audit_append(r->app->st, r->user_id, "member.decline", r->user_id, audit_object("enterprise", eid, object), NULL))
		return req_fail(r, ERR_INTERNAL, "cannot delete the pending data");
	if ((rc = org_commit(r)))
		return rc;
	req_no_content(r);
	return ERR_OK;
}

const struct route invite_routes[] = {
	{ "POST", "/api/v1/enterprises/{eid}/pending-members", post_pending, ROUTE_AUTH },
	{ "GET", "/api/v1/enterprises/{eid}/pending-members", get_pending, ROUTE_AUTH },
	{ "DELETE", "/api/v1/enterprises/{eid}/pending-members/{pid}", delete_pending, ROUTE_AUTH },
	{ "POST", "/api/v1/enterprises/{eid}/pending-members/{pid}/approve", post_pending_approve, ROUTE_AUTH },
	{ "POST", "/api/v1/enterprises/{eid}/invitations", post_invitation, ROUTE_AUTH },
	{ "GET", "/api/v1/enterprises/{eid}/invitations", get_invitations, ROUTE_AUTH },
	{ "DELETE", "/api/v1/enterprises/{eid}/invitations/{iid}", delete_invitation, ROUTE_AUTH },
	{ "GET", "/api/v1/invitations/{token}", get_link, 0 },
	{ "POST", "/api/v1/invitations/{token}/accept", post_link_accept, ROUTE_AUTH | ROUTE_BODY },
	{ "GET", "/api/v1/me/invitations", get_my_invitations, ROUTE_AUTH },
	{ "POST", "/api/v1/me/invitations/{pid}/accept", post_my_accept, ROUTE_AUTH },
	{ "POST", "/api/v1/me/invitations/{pid}/decline", post_my_decline, ROUTE_AUTH },
	{ 0 }
};
