/* Pending members and the making of members: see join.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "apps/org/address_book.h"
#include "apps/org/join.h"
#include "apps/org/org.h"
#include "core/id.h"
#include "privacy/privacy.h"
#include "core/banned.h"

int join_phone_is_member(struct store *st, int64_t eid, const uint8_t index[KEYRING_INDEX_LEN])
{
	struct store_stmt *s = store_prepare(st,
		"SELECT 1 FROM users u JOIN members m ON m.user_id = u.id AND m.enterprise_id = ?"
		" WHERE u.phone_index = ?");
	if (!s)
		return -1;
	store_bind_int(s, 1, eid);
	store_bind_blob(s, 2, index, KEYRING_INDEX_LEN);
	int rc = store_step(s);
	store_reset(s);
	return rc == STORE_ROW ? 1 : rc == STORE_DONE ? 0 : -1;
}

static int user_is_member(struct store *st, int64_t eid, int64_t uid)
{
	struct store_stmt *s = store_prepare(st, "SELECT 1 FROM members WHERE enterprise_id = ? AND user_id = ?");
	if (!s)
		return -1;
	store_bind_int(s, 1, eid);
	store_bind_int(s, 2, uid);
	int rc = store_step(s);
	store_reset(s);
	return rc == STORE_ROW ? 1 : rc == STORE_DONE ? 0 : -1;
}

enum join_rc join_pending_add(struct store *st, const struct keyring *kr, int64_t eid, const struct join_person *p,
			      const struct join_origin *o, int64_t now, int64_t *pid)
{
	uint8_t index[KEYRING_INDEX_LEN], *sealed = NULL;
	size_t sealed_len = 0;
	int64_t id = id_next();
	int member = 0;
	if (p->phone) {
		keyring_index(kr, "phone", p->phone, index);
		member = join_phone_is_member(st, eid, index);
	}
	if (!member && o->user_id)
		member = user_is_member(st, eid, o->user_id);
	if (member)
		return member > 0 ? JOIN_ALREADY_MEMBER : JOIN_FAILED;
	if (p->phone) {
		if (subject_key_create(st, kr, id) ||
		    !(sealed = subject_seal(st, kr, id, "pending_members.phone", p->phone, &sealed_len)))
			return JOIN_FAILED;
	}
	struct store_stmt *s = store_prepare(st,
		"INSERT INTO pending_members (id, enterprise_id, source, status, invitation_id, import_id, user_id,"
		" phone_index, phone_sealed, name, department_id, title, job_number, email, created_by, created_at,"
		" expires_at) VALUES (?, ?, ?, ?, NULLIF(?, 0), NULLIF(?, 0), NULLIF(?, 0), ?, ?, ?, NULLIF(?, 0),"
		" ?, ?, ?, ?, ?, ?)");
	store_bind_int(s, 1, id);
	store_bind_int(s, 2, eid);
	store_bind_text(s, 3, o->source, -1);
	store_bind_text(s, 4, o->status, -1);
	store_bind_int(s, 5, o->invitation_id);
	store_bind_int(s, 6, o->import_id);
	store_bind_int(s, 7, o->user_id);
	if (p->phone) {
		store_bind_blob(s, 8, index, KEYRING_INDEX_LEN);
		store_bind_blob(s, 9, sealed, sealed_len);
	} else {
		store_bind_null(s, 8);
		store_bind_null(s, 9);
	}
	store_bind_text(s, 10, p->name, -1);
	store_bind_int(s, 11, p->department_id);
	store_bind_text(s, 12, p->title ? p->title : "", -1);
	store_bind_text(s, 13, p->job_number ? p->job_number : "", -1);
	store_bind_text(s, 14, p->email ? p->email : "", -1);
	store_bind_int(s, 15, o->created_by);
	store_bind_int(s, 16, now);
	store_bind_int(s, 17, o->expires_at);
	free(sealed);
	enum store_rc rc = store_run(s);
	if (rc == STORE_CONSTRAINT) { /* the unique index of the number or user in eid */
		subject_key_destroy(st, id);
		return JOIN_ALREADY_INVITED;
	}
	if (rc != STORE_DONE)
		return JOIN_FAILED;
	*pid = id;
	return JOIN_OK;
}

static int department_exists(struct store *st, int64_t eid, int64_t did)
{
	struct store_stmt *s = store_prepare(st, "SELECT 1 FROM departments WHERE enterprise_id = ? AND id = ?");
	store_bind_int(s, 1, eid);
	store_bind_int(s, 2, did);
	int found = store_step(s) == STORE_ROW;
	store_reset(s);
	return found;
}

enum join_rc join_member_add(struct store *st, int64_t eid, int64_t uid, const struct join_person *p, int64_t now)
{
	struct store_stmt *s = store_prepare(st,
		"INSERT INTO members (enterprise_id, user_id, name_in_enterprise, role, status, joined_at)"
		" VALUES (?, ?, ?, 'member', 'active', ?) ON CONFLICT (enterprise_id, user_id) DO NOTHING");
	store_bind_int(s, 1, eid);
	store_bind_int(s, 2, uid);
	store_bind_text(s, 3, p->name, -1);
	store_bind_int(s, 4, now);
	if (store_run(s) != STORE_DONE)
		return JOIN_FAILED;
	if (store_changes(st) != 1)
		return JOIN_ALREADY_MEMBER;
	if (member_search_keys_update(st, eid, uid))
		return JOIN_FAILED;
	s = store_prepare(st, "INSERT INTO member_profiles (enterprise_id, user_id, title, job_number, email)"
			      " VALUES (?, ?, ?, ?, ?)");
	store_bind_int(s, 1, eid);
	store_bind_int(s, 2, uid);
	store_bind_text(s, 3, p->title ? p->title : "", -1);
	store_bind_text(s, 4, p->job_number ? p->job_number : "", -1);
	store_bind_text(s, 5, p->email ? p->email : "", -1);
	if (store_run(s) != STORE_DONE)
		return JOIN_FAILED;
	/* Whatever else the enterprise entered about them before (an invitation by their mobile, a
	 * request by link) is answered by the joining: none of it lingers. */
	s = store_prepare(st, "DELETE FROM pending_members WHERE enterprise_id = ? AND (user_id = ?"
			      " OR phone_index = (SELECT phone_index FROM users WHERE id = ?))");
	store_bind_int(s, 1, eid);
	store_bind_int(s, 2, uid);
	store_bind_int(s, 3, uid);
	if (store_run(s) != STORE_DONE)
		return JOIN_FAILED;
	/* A department deleted since the invitation leaves the new member outside the tree. */
	if (p->department_id && department_exists(st, eid, p->department_id)) {
		s = store_prepare(st, "INSERT INTO member_departments (enterprise_id, user_id, department_id, is_primary)"
				      " VALUES (?, ?, ?, 1)");
		store_bind_int(s, 1, eid);
		store_bind_int(s, 2, uid);
		store_bind_int(s, 3, p->department_id);
		if (store_run(s) != STORE_DONE)
			return JOIN_FAILED;
	}
	return org_changed(st, eid) ? JOIN_FAILED : JOIN_OK;
}

int64_t join_department_by_path(struct store *st, int64_t eid, const char *path)
{
	int64_t parent = 0;
	const char *p = path;
	while (*p) {
		const char *end = strchr(p, '/');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		while (len && p[0] == ' ')
			p++, len--;
		while (len && p[len - 1] == ' ')
			len--;
		if (!len)
			return 0;
		struct store_stmt *s = store_prepare(st,
			"SELECT id FROM departments WHERE enterprise_id = ? AND coalesce(parent_id, 0) = ? AND name = ?"
			" ORDER BY sort, id LIMIT 1");
		store_bind_int(s, 1, eid);
		store_bind_int(s, 2, parent);
		store_bind_text(s, 3, p, (int)len);
		parent = store_step(s) == STORE_ROW ? store_col_int(s, 0) : 0;
		store_reset(s);
		if (!parent)
			return 0;
		p = end ? end + 1 : p + len;
		if (!end)
			break;
	}
	return parent;
}

void join_base_url(const struct config *cfg, char *out, size_t len)
{
	if (*cfg->public_url)
		snprintf(out, len, "%s", cfg->public_url);
	else
		snprintf(out, len, "http%s://%s", *cfg->tls_cert ? "s" : "", cfg->listen);
	size_t n = strlen(out);
	if (n && out[n - 1] == '/')
		out[n - 1] = '\0';
}

int join_notify(struct notify *n, const char *phone, const char *enterprise, const char *base_url, int days)
{
	char text[1024];
	snprintf(text, sizeof(text),
		 "【Atrium】“%.120s”邀请您加入。请登录 %.200s 确认或拒绝；%d 天内未确认，对方提供的您的信息将被删除。"
		 " %.120s invited you to join; sign in at %.200s to accept or decline. Unanswered, what they "
		 "sent about you is deleted after %d days.",
		 enterprise, base_url, days, enterprise, base_url, days);
	return notify_sms(n, phone, "invitation", NULL, NULL, text);
}
