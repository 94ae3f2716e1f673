/*
 * Conversation routes: one-to-one conversations (found again by their pair), groups with an
 * owner, administrators, a notice and settings, their members, and each member's own pinned
 * and muted switches; the conversation list.  Every change is an event of the system appended
 * to the conversation (conversation.h), so sync carries it in order, and is pushed to members.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "apps/im/conversation.h"
#include "apps/im/file.h"
#include "apps/org/dept.h"
#include "apps/im/hub.h"
#include "apps/im/message.h"
#include "core/clock.h"
#include "core/jsonw.h"
#include "privacy/audit.h"
#include "core/banned.h"

#define MAX_ADD 500       /* members added by one request */
#define NAME_MAX_CHARS 64
#define NOTICE_MAX_CHARS 2000

/* Whether uid is an active member of eid. */
static int active_member(struct store *st, int64_t eid, int64_t uid)
{
	struct org_member m;
	return org_member_get(st, eid, uid, &m) == 1 && m.active;
}

/* The user ids of a JSON array of id strings, each an active member of eid and not me; at most max. */
static enum err parse_users(struct req *r, int64_t eid, json_t *list, const char *field, int64_t *ids, size_t max,
			    size_t *n)
{
	size_t i;
	json_t *v;
	*n = 0;
	if (!json_is_array(list) || json_array_size(list) > max) {
		req_extra(r, "field", json_string(field));
		return req_fail(r, ERR_INVALID_VALUE, "'%s' must be a list of at most %zu user ids", field, max);
	}
	json_array_foreach(list, i, v) {
		int64_t uid;
		if (!json_is_string(v) || id_parse(json_string_value(v), &uid) || !active_member(r->app->st, eid, uid)) {
			req_extra(r, "field", json_string(field));
			return req_fail(r, ERR_MEMBER_NOT_FOUND, "'%s' names someone who is no active member of this enterprise",
					field);
		}
		size_t k = 0;
		while (k < *n && ids[k] != uid)
			k++;
		if (k == *n && uid != r->user_id)
			ids[(*n)++] = uid;
	}
	return ERR_OK;
}

static int seat_add(struct store *st, int64_t eid, int64_t cid, int64_t uid, const char *role, int64_t joined_seq)
{
	struct store_stmt *s = store_prepare(st,
		"INSERT INTO conversation_members (conversation_id, enterprise_id, user_id, role, joined_seq, read_seq)"
		" VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (conversation_id, user_id) DO NOTHING");
	store_bind_int(s, 1, cid);
	store_bind_int(s, 2, eid);
	store_bind_int(s, 3, uid);
	store_bind_text(s, 4, role, -1);
	store_bind_int(s, 5, joined_seq);
	store_bind_int(s, 6, joined_seq);
	return store_run(s) == STORE_DONE ? store_changes(st) : -1;
}

static int64_t member_count(struct store *st, int64_t cid)
{
	struct store_stmt *s = store_prepare(st, "SELECT count(*) FROM conversation_members WHERE conversation_id = ?");
	store_bind_int(s, 1, cid);
	int64_t n = store_step(s) == STORE_ROW ? store_col_int(s, 0) : -1;
	store_reset(s);
	return n;
}

/* ---- the conversation as its members see it ---- */

#define UNREAD_KINDS "('text', 'image', 'file', 'voice', 'location', 'card', 'forward')"

/* Writes conversation cid as uid sees it: the list's entry, and with members the member list. */
static void conversation_write(struct req *r, int64_t cid, int64_t uid, int with_members, struct jsonw *w)
{
	struct store *st = r->app->st;
	struct store_stmt *s = store_prepare(st,
		"SELECT c.enterprise_id, c.kind, c.name, c.notice, coalesce(c.owner_id, 0), c.who_adds, c.mute_all,"
		" c.last_seq, c.last_at, c.created_at, m.role, m.read_seq, m.pinned, m.muted, m.joined_seq,"
		" (SELECT count(*) FROM conversation_members x WHERE x.conversation_id = c.id),"
		" (SELECT count(*) FROM messages g WHERE g.conversation_id = c.id AND g.seq > m.read_seq AND g.sender_id <> m.user_id"
		"  AND g.recalled_at IS NULL AND g.kind IN " UNREAD_KINDS "),"
		" (SELECT count(*) FROM message_mentions n JOIN messages g ON g.conversation_id = n.conversation_id AND g.seq = n.seq"
		"  WHERE n.conversation_id = c.id AND n.user_id IN (0, m.user_id) AND n.seq > m.read_seq AND g.sender_id <> m.user_id"
		"  AND g.recalled_at IS NULL),"
		" coalesce(c.department_id, 0), coalesce(c.avatar_file_id, 0)"
		" FROM conversations c JOIN conversation_members m ON m.conversation_id = c.id AND m.user_id = ? WHERE c.id = ?");
	store_bind_int(s, 1, uid);
	store_bind_int(s, 2, cid);
	if (store_step(s) != STORE_ROW) {
		store_reset(s);
		return;
	}
	int64_t eid = store_col_int(s, 0), last_seq = store_col_int(s, 7), joined = store_col_int(s, 14);
	int direct = !strcmp(store_col_text(s, 1), "direct");
	jsonw_open(w, NULL, '{');
	jsonw_id(w, "id", cid);
	jsonw_id(w, "enterprise_id", eid);
	jsonw_str(w, "kind", store_col_text(s, 1));
	jsonw_str(w, "name", store_col_text(s, 2));
	if (!direct) {
		jsonw_str(w, "notice", store_col_text(s, 3));
		jsonw_ref(w, "owner_id", store_col_int(s, 4));
		jsonw_str(w, "who_adds", store_col_text(s, 5));
		jsonw_bool(w, "mute_all", (int)store_col_int(s, 6));
		jsonw_ref(w, "department_id", store_col_int(s, 18));
		jsonw_ref(w, "avatar_file_id", store_col_int(s, 19));
	}
	jsonw_int(w, "last_seq", last_seq);
	jsonw_time(w, "last_at", store_col_int(s, 8));
	jsonw_time(w, "created_at", store_col_int(s, 9));
	jsonw_str(w, "role", store_col_text(s, 10));
	jsonw_int(w, "read_seq", store_col_int(s, 11));
	jsonw_bool(w, "pinned", (int)store_col_int(s, 12));
	jsonw_bool(w, "muted", (int)store_col_int(s, 13));
	jsonw_int(w, "joined_seq", joined);
	jsonw_int(w, "member_count", store_col_int(s, 15));
	jsonw_int(w, "unread", store_col_int(s, 16));
	jsonw_int(w, "mentions", store_col_int(s, 17));
	store_reset(s);
	if (direct) {
		s = store_prepare(st, "SELECT user_id FROM conversation_members WHERE conversation_id = ? AND user_id <> ?");
		store_bind_int(s, 1, cid);
		store_bind_int(s, 2, uid);
		int64_t peer = store_step(s) == STORE_ROW ? store_col_int(s, 0) : 0;
		store_reset(s);
		if (peer)
			org_write_person(st, r->app->kr, eid, peer, "peer", w);
		else
			jsonw_null(w, "peer");
	}
	s = store_prepare(st, "SELECT " IM_MESSAGE_COLS " FROM messages m WHERE m.conversation_id = ? AND m.seq = ?"
			      " AND m.seq > ?");
	store_bind_int(s, 1, cid);
	store_bind_int(s, 2, last_seq);
	store_bind_int(s, 3, joined);
	if (store_step(s) == STORE_ROW) {
		struct jsonw m;
		jsonw_init(&m);
		im_message_write(st, r->app->kr, s, &m);
		jsonw_raw(w, "last_message", m.buf, m.len);
		jsonw_release(&m);
	} else {
		jsonw_null(w, "last_message");
	}
	store_reset(s);
	if (with_members) {
		jsonw_open(w, "members", '[');
		s = store_prepare(st, "SELECT user_id, role FROM conversation_members WHERE conversation_id = ?"
				      " ORDER BY role = 'owner' DESC, role = 'admin' DESC, joined_seq, user_id");
		store_bind_int(s, 1, cid);
		while (store_step(s) == STORE_ROW) {
			jsonw_open(w, NULL, '{');
			org_write_person(st, r->app->kr, eid, store_col_int(s, 0), "person", w);
			jsonw_str(w, "role", store_col_text(s, 1));
			jsonw_close(w, '}');
		}
		store_reset(s);
		jsonw_close(w, ']');
	}
	jsonw_close(w, '}');
}

static enum err reply_conversation(struct req *r, int status, int64_t cid)
{
	struct jsonw w;
	jsonw_init(&w);
	conversation_write(r, cid, r->user_id, 1, &w);
	if (!w.len) {
		jsonw_release(&w);
		return req_fail(r, ERR_CONVERSATION_NOT_FOUND, NULL);
	}
	req_json_text(r, status, w.buf, w.len);
	jsonw_release(&w);
	return ERR_OK;
}

/* ---- creating ---- */

static int64_t conversation_insert(struct store *st, int64_t eid, const char *kind, const char *name, int64_t owner,
				   const char *direct_key, int64_t max_members)
{
	int64_t id = id_next(), now = clock_now_ms();
	struct store_stmt *s = store_prepare(st,
		"INSERT INTO conversations (id, enterprise_id, kind, name, owner_id, direct_key, max_members, last_at, created_at)"
		" VALUES (?, ?, ?, ?, NULLIF(?, 0), ?, ?, ?, ?)");
	store_bind_int(s, 1, id);
	store_bind_int(s, 2, eid);
	store_bind_text(s, 3, kind, -1);
	store_bind_text(s, 4, name, -1);
	store_bind_int(s, 5, owner);
	if (direct_key)
		store_bind_text(s, 6, direct_key, -1);
	else
		store_bind_null(s, 6);
	store_bind_int(s, 7, max_members);
	store_bind_int(s, 8, now);
	store_bind_int(s, 9, now);
	return store_run(s) == STORE_DONE ? id : 0;
}

/* A one-to-one conversation with user_id: the existing one (200) or a new one (201). */
static enum err create_direct(struct req *r, int64_t eid)
{
	int64_t peer;
	struct store *st = r->app->st;
	const char *text = req_str(r, "user_id");
	if (!text || id_parse(text, &peer) || peer == r->user_id || !active_member(st, eid, peer)) {
		req_extra(r, "field", json_string("user_id"));
		return req_fail(r, ERR_MEMBER_NOT_FOUND, "'user_id' must name another active member of this enterprise");
	}
	char key[2 * ID_STR_LEN + 2];
	int64_t lo = peer < r->user_id ? peer : r->user_id, hi = peer < r->user_id ? r->user_id : peer;
	snprintf(key, sizeof(key), "%lld:%lld", (long long)lo, (long long)hi);
	struct store_stmt *s = store_prepare(st, "SELECT id FROM conversations WHERE enterprise_id = ? AND direct_key = ?");
	store_bind_int(s, 1, eid);
	store_bind_text(s, 2, key, -1);
	int64_t cid = store_step(s) == STORE_ROW ? store_col_int(s, 0) : 0;
	store_reset(s);
	enum err rc;
	if (cid) {
		if ((rc = org_commit(r)))
			return rc;
		return reply_conversation(r, 200, cid);
	}
	if (!(cid = conversation_insert(st, eid, "direct", "", 0, key, 2)) || seat_add(st, eid, cid, r->user_id, "member", 0) < 0 ||
	    seat_add(st, eid, cid, peer, "member", 0) < 0)
		return req_fail(r, ERR_INTERNAL, "cannot store the conversation");
	if ((rc = org_commit(r)))
		return rc;
	return reply_conversation(r, 201, cid);
}

static enum err create_group(struct req *r, int64_t eid)
{
	int64_t ids[MAX_ADD];
	size_t n;
	struct store *st = r->app->st;
	const char *name = req_str(r, "name");
	enum err rc;
	if ((name && (rc = org_check_text(r, "name", name, NAME_MAX_CHARS, 0))) ||
	    (rc = parse_users(r, eid, json_object_get(r->body, "member_ids"), "member_ids", ids, MAX_ADD, &n)))
		return rc;
	if ((int64_t)n + 1 > r->app->cfg->im_group_max)
		return req_fail(r, ERR_CONVERSATION_FULL, "a group holds at most %lld members", (long long)r->app->cfg->im_group_max);
	int64_t cid = conversation_insert(st, eid, "group", name ? name : "", r->user_id, NULL, r->app->cfg->im_group_max);
	if (!cid || seat_add(st, eid, cid, r->user_id, "owner", 0) < 0)
		return req_fail(r, ERR_INTERNAL, "cannot store the conversation");
	for (size_t i = 0; i < n; i++)
		if (seat_add(st, eid, cid, ids[i], "member", 0) < 0)
			return req_fail(r, ERR_INTERNAL, "cannot store the conversation");
	int64_t seq = im_event_append(st, eid, cid, r->user_id, "group_create", "{}");
	if (!seq)
		return req_fail(r, ERR_INTERNAL, "cannot store the conversation");
	if ((rc = org_commit(r)))
		return rc;
	im_publish_seq(r, cid, seq, 0);
	return reply_conversation(r, 201, cid);
}

/*
 * A group that follows the structure: a department's (the departments right over it; one per
 * department) or the all-staff group (the members right; one per enterprise).  Its creator owns
 * it; its members come and go with the structure.
 */
static enum err create_following(struct req *r, int64_t eid, const struct org_member *me, int all)
{
	struct store *st = r->app->st;
	const char *name = req_str(r, "name");
	char dname[256] = "";
	int64_t did = 0;
	enum err rc;
	if (name && (rc = org_check_text(r, "name", name, NAME_MAX_CHARS, 0)))
		return rc;
	if (!org_allows(me, all ? ORG_RIGHT_MEMBERS : ORG_RIGHT_DEPARTMENTS)) {
		req_extra(r, "right", json_string(all ? "members" : "departments"));
		return req_fail(r, ERR_FORBIDDEN, "a %s group takes the %s right", all ? "all-staff" : "department",
				all ? "members" : "departments");
	}
	if (!all) {
		const char *text = req_str(r, "department_id");
		struct store_stmt *s = store_prepare(st, "SELECT name FROM departments WHERE enterprise_id = ? AND id = ?");
		int found = text && !id_parse(text, &did);
		if (found) {
			store_bind_int(s, 1, eid);
			store_bind_int(s, 2, did);
			found = store_step(s) == STORE_ROW;
			if (found)
				snprintf(dname, sizeof(dname), "%s", store_col_text(s, 0));
			store_reset(s);
		}
		if (!found) {
			req_extra(r, "field", json_string("department_id"));
			return req_fail(r, ERR_DEPARTMENT_NOT_FOUND, "'department_id' names no department of this enterprise");
		}
		if (dept_in_scope(st, me, did) != 1)
			return req_fail(r, ERR_FORBIDDEN, "the department is outside your scope");
		if (!name)
			name = dname; /* the department's name by default */
	}
	struct store_stmt *s = store_prepare(st, "SELECT id FROM conversations WHERE enterprise_id = ? AND dissolved_at IS NULL"
						 " AND (kind = 'all_staff' AND ? OR department_id = ?)");
	store_bind_int(s, 1, eid);
	store_bind_int(s, 2, all);
	store_bind_int(s, 3, did);
	int64_t existing = store_step(s) == STORE_ROW ? store_col_int(s, 0) : 0;
	store_reset(s);
	if (existing)
		return req_fail(r, ERR_CONVERSATION_EXISTS, "this %s group exists already: %lld", all ? "all-staff" : "department",
				(long long)existing);
	int64_t cid = conversation_insert(st, eid, all ? "all_staff" : "department", name ? name : (all ? "全员群" : ""),
					  r->user_id, NULL, r->app->cfg->im_group_max);
	if (cid && did) {
		s = store_prepare(st, "UPDATE conversations SET department_id = ? WHERE id = ?");
		store_bind_int(s, 1, did);
		store_bind_int(s, 2, cid);
		if (store_run(s) != STORE_DONE)
			cid = 0;
	}
	int64_t seq = cid && seat_add(st, eid, cid, r->user_id, "owner", 0) >= 0
			      ? im_event_append(st, eid, cid, r->user_id, "group_create", "{}") : 0;
	if (!seq || im_follow_one(st, eid, cid))
		return req_fail(r, ERR_INTERNAL, "cannot store the conversation");
	if ((rc = org_commit(r)))
		return rc;
	im_publish_seq(r, cid, seq, 0);
	return reply_conversation(r, 201, cid);
}

static enum err post_conversation(struct req *r)
{
	static const struct field spec[] = {
		{ "kind", F_STRING, 1 }, { "user_id", F_STRING, 0 }, { "name", F_STRING, 0 }, { "member_ids", F_ARRAY, 0 },
		{ "department_id", F_STRING, 0 }, { 0 }
	};
	int64_t eid;
	struct org_member me;
	enum err rc;
	if ((rc = org_require_body(r, ORG_MEMBER, spec, &eid, &me)))
		return rc;
	const char *kind = req_str(r, "kind");
	if (!strcmp(kind, "direct"))
		return create_direct(r, eid);
	if (!strcmp(kind, "group"))
		return create_group(r, eid);
	if (!strcmp(kind, "department") || !strcmp(kind, "all_staff"))
		return create_following(r, eid, &me, !strcmp(kind, "all_staff"));
	req_extra(r, "field", json_string("kind"));
	return req_fail(r, ERR_INVALID_VALUE, "'kind' must be direct, group, department or all_staff");
}

/* ---- reading ---- */

/* The caller's conversations: pinned first, then by latest activity. */
static enum err get_conversations(struct req *r)
{
	int64_t eid;
	enum err rc;
	if ((rc = org_require(r, r->params[0], ORG_MEMBER, &eid, NULL)))
		return rc;
	struct store_stmt *s = store_prepare(r->app->st,
		"SELECT c.id FROM conversation_members m JOIN conversations c ON c.id = m.conversation_id"
		" WHERE m.user_id = ? AND m.enterprise_id = ? AND c.dissolved_at IS NULL"
		" ORDER BY m.pinned DESC, c.last_at DESC, c.id DESC LIMIT 1000");
	store_bind_int(s, 1, r->user_id);
	store_bind_int(s, 2, eid);
	int64_t *ids = NULL;
	size_t n = 0, cap = 0;
	while (store_step(s) == STORE_ROW) {
		if (n == cap) {
			int64_t *more = realloc(ids, (cap = cap ? cap * 2 : 64) * sizeof(*ids));
			if (!more)
				break;
			ids = more;
		}
		ids[n++] = store_col_int(s, 0);
	}
	store_reset(s);
	struct jsonw w;
	jsonw_init(&w);
	jsonw_open(&w, NULL, '{');
	jsonw_open(&w, "conversations", '[');
	for (size_t i = 0; i < n; i++)
		conversation_write(r, ids[i], r->user_id, 0, &w);
	jsonw_close(&w, ']');
	jsonw_close(&w, '}');
	free(ids);
	req_json_text(r, 200, w.buf, w.len);
	jsonw_release(&w);
	return ERR_OK;
}

static enum err get_conversation(struct req *r)
{
	struct im_conv c;
	struct im_seat seat;
	enum err rc = im_require(r, &c, &seat);
	return rc ? rc : reply_conversation(r, 200, c.id);
}

/* ---- changing a group ---- */

/* The check of group changes: a group (not one-to-one) the caller may manage, or only its owner. */
static enum err require_group(struct req *r, struct im_conv *c, struct im_seat *seat, int owner_only)
{
	enum err rc;
	if ((rc = org_begin(r)) || (rc = im_require(r, c, seat)))
		return rc;
	if (!strcmp(c->kind, "direct"))
		return req_fail(r, ERR_FORBIDDEN, "a one-to-one conversation has no settings or members to change");
	if (owner_only ? strcmp(seat->role, "owner") : !im_seat_manages(seat)) {
		req_extra(r, "right", json_string(owner_only ? "owner" : "admin"));
		return req_fail(r, ERR_FORBIDDEN, "only the group's %s may do this", owner_only ? "owner" : "owner and administrators");
	}
	return ERR_OK;
}

/*
 * Appends the event (carrying file fid, 0 for none), commits, pushes it (also to a user just
 * removed).
 */
static enum err changed_with(struct req *r, const struct im_conv *c, const char *kind, const char *body, int64_t also,
			     int64_t fid)
{
	enum err rc;
	int64_t seq = im_event_append(r->app->st, c->eid, c->id, r->user_id, kind, body);
	if (!seq)
		return req_fail(r, ERR_INTERNAL, "cannot store the change");
	if (fid) {
		struct store_stmt *s = store_prepare(r->app->st,
			"INSERT INTO message_files (conversation_id, seq, enterprise_id, file_id) VALUES (?, ?, ?, ?)");
		store_bind_int(s, 1, c->id);
		store_bind_int(s, 2, seq);
		store_bind_int(s, 3, c->eid);
		store_bind_int(s, 4, fid);
		if (store_run(s) != STORE_DONE)
			return req_fail(r, ERR_INTERNAL, "cannot store the change");
	}
	if ((rc = org_commit(r)))
		return rc;
	im_publish_seq(r, c->id, seq, also);
	return ERR_OK;
}

static enum err changed(struct req *r, const struct im_conv *c, const char *kind, const char *body, int64_t also)
{
	return changed_with(r, c, kind, body, also, 0);
}

static enum err patch_conversation(struct req *r)
{
	static const struct field spec[] = {
		{ "name", F_STRING, 0 }, { "notice", F_STRING, 0 }, { "who_adds", F_STRING, 0 }, { "mute_all", F_BOOL, 0 },
		{ "avatar_file_id", F_ANY, 0 }, { 0 }
	};
	struct im_conv c;
	struct im_seat seat;
	struct store *st = r->app->st;
	enum err rc;
	if ((rc = require_group(r, &c, &seat, 0)) || (rc = req_read_body(r)) || (rc = req_check_body(r, spec)))
		return rc;
	const char *name = req_str(r, "name"), *notice = req_str(r, "notice"), *who = req_str(r, "who_adds");
	json_t *mute = json_object_get(r->body, "mute_all");
	if ((name && (rc = org_check_text(r, "name", name, NAME_MAX_CHARS, 1))) ||
	    (notice && (rc = org_check_text(r, "notice", notice, NOTICE_MAX_CHARS, 1))))
		return rc;
	if (who && strcmp(who, "members") && strcmp(who, "admins")) {
		req_extra(r, "field", json_string("who_adds"));
		return req_fail(r, ERR_INVALID_VALUE, "'who_adds' must be members or admins");
	}
	/* The avatar: an image the caller uploaded (or sees), or null to clear it. */
	json_t *avatar = json_object_get(r->body, "avatar_file_id");
	int64_t fid = 0;
	if (avatar && !json_is_null(avatar)) {
		struct jsonw scratch;
		enum err e = ERR_OK;
		jsonw_init(&scratch);
		jsonw_open(&scratch, NULL, '{');
		int bad_file = !json_is_string(avatar) || id_parse(json_string_value(avatar), &fid) ||
			       file_describe(st, c.eid, fid, r->user_id, "image", &scratch, &e);
		jsonw_release(&scratch);
		if (bad_file) {
			req_extra(r, "field", json_string("avatar_file_id"));
			return req_fail(r, e == ERR_INVALID_VALUE ? e : ERR_FILE_NOT_FOUND, "'avatar_file_id' must name an image you uploaded");
		}
	}
	struct store_stmt *s = store_prepare(st,
		"UPDATE conversations SET name = coalesce(?, name), notice = coalesce(?, notice), who_adds = coalesce(?, who_adds),"
		" mute_all = coalesce(?, mute_all), avatar_file_id = CASE WHEN ? THEN NULLIF(?, 0) ELSE avatar_file_id END"
		" WHERE id = ?");
	name ? store_bind_text(s, 1, name, -1) : store_bind_null(s, 1);
	notice ? store_bind_text(s, 2, notice, -1) : store_bind_null(s, 2);
	who ? store_bind_text(s, 3, who, -1) : store_bind_null(s, 3);
	mute ? store_bind_int(s, 4, json_is_true(mute)) : store_bind_null(s, 4);
	store_bind_int(s, 5, avatar != NULL);
	store_bind_int(s, 6, fid);
	store_bind_int(s, 7, c.id);
	if (store_run(s) != STORE_DONE)
		return req_fail(r, ERR_INTERNAL, "cannot store the change");
	json_t *body = json_deep_copy(r->body);
	char *text = json_dumps(body, JSON_COMPACT);
	json_decref(body);
	rc = changed_with(r, &c, "group_update", text ? text : "{}", 0, fid);
	free(text);
	return rc ? rc : reply_conversation(r, 200, c.id);
}

static enum err post_members(struct req *r)
{
	static const struct field spec[] = { { "user_ids", F_ARRAY, 1 }, { 0 } };
	int64_t ids[MAX_ADD];
	size_t n, added = 0;
	struct im_conv c;
	struct im_seat seat;
	struct store *st = r->app->st;
	enum err rc;
	if ((rc = org_begin(r)) || (rc = im_require(r, &c, &seat)))
		return rc;
	if (!strcmp(c.kind, "direct"))
		return req_fail(r, ERR_FORBIDDEN, "a one-to-one conversation has no members to add: start a group");
	if (strcmp(c.kind, "group"))
		return req_fail(r, ERR_FORBIDDEN, "this group's members follow the enterprise's structure");
	if (!strcmp(c.who_adds, "admins") && !im_seat_manages(&seat)) {
		req_extra(r, "right", json_string("admin"));
		return req_fail(r, ERR_FORBIDDEN, "in this group only its owner and administrators add members");
	}
	if ((rc = req_read_body(r)) || (rc = req_check_body(r, spec)) ||
	    (rc = parse_users(r, c.eid, json_object_get(r->body, "user_ids"), "user_ids", ids, MAX_ADD, &n)))
		return rc;
	int64_t count = member_count(st, c.id);
	if (count < 0)
		return req_fail(r, ERR_INTERNAL, "cannot read the members");
	/* The new members see the event that adds them, and nothing before it. */
	int64_t joined = c.last_seq;
	struct jsonw body;
	jsonw_init(&body);
	jsonw_open(&body, NULL, '{');
	jsonw_open(&body, "user_ids", '[');
	for (size_t i = 0; i < n; i++) {
		int k = seat_add(st, c.eid, c.id, ids[i], "member", joined);
		if (k < 0) {
			jsonw_release(&body);
			return req_fail(r, ERR_INTERNAL, "cannot store the members");
		}
		if (k) {
			added++;
			jsonw_id(&body, NULL, ids[i]);
		}
	}
	jsonw_close(&body, ']');
	jsonw_close(&body, '}');
	if (count + (int64_t)added > c.max_members) {
		jsonw_release(&body);
		return req_fail(r, ERR_CONVERSATION_FULL, "a group holds at most %lld members", (long long)c.max_members);
	}
	rc = added ? changed(r, &c, "member_add", body.buf, 0) : org_commit(r);
	jsonw_release(&body);
	return rc ? rc : reply_conversation(r, 200, c.id);
}

/* The member uid leaves cid (removed or by choice); ownership passes on; the last one dissolves. */
static int seat_remove(struct store *st, int64_t cid, int64_t uid)
{
	struct store_stmt *s = store_prepare(st, "DELETE FROM conversation_members WHERE conversation_id = ? AND user_id = ?");
	store_bind_int(s, 1, cid);
	store_bind_int(s, 2, uid);
	return store_run(s) == STORE_DONE ? 0 : -1;
}

static enum err delete_member(struct req *r)
{
	int64_t uid;
	struct im_conv c;
	struct im_seat seat;
	char body[64];
	enum err rc;
	if ((rc = require_group(r, &c, &seat, 0)))
		return rc;
	if (strcmp(c.kind, "group"))
		return req_fail(r, ERR_FORBIDDEN, "this group's members follow the enterprise's structure");
	struct store_stmt *s = store_prepare(r->app->st,
		"SELECT role FROM conversation_members WHERE conversation_id = ? AND user_id = ?");
	int found = !id_parse(r->params[2], &uid);
	char role[8] = "";
	if (found) {
		store_bind_int(s, 1, c.id);
		store_bind_int(s, 2, uid);
		found = store_step(s) == STORE_ROW;
		if (found)
			snprintf(role, sizeof(role), "%s", store_col_text(s, 0));
		store_reset(s);
	}
	if (!found)
		return req_fail(r, ERR_MEMBER_NOT_FOUND, "no member '%.24s' in this conversation", r->params[2]);
	if (uid == r->user_id)
		return req_fail(r, ERR_FORBIDDEN, "to leave use DELETE …/members/me");
	if (!strcmp(role, "owner") || (!strcmp(role, "admin") && strcmp(seat.role, "owner")))
		return req_fail(r, ERR_FORBIDDEN, "only the owner removes administrators, and nobody removes the owner");
	if (seat_remove(r->app->st, c.id, uid))
		return req_fail(r, ERR_INTERNAL, "cannot remove the member");
	snprintf(body, sizeof(body), "{\"user_id\":\"%lld\"}", (long long)uid);
	if ((rc = changed(r, &c, "member_remove", body, uid)))
		return rc;
	req_no_content(r);
	return ERR_OK;
}

/* Leaving: an owner's group passes to its first administrator, else its longest member. */
static enum err delete_member_me(struct req *r)
{
	struct im_conv c;
	struct im_seat seat;
	enum err rc;
	if ((rc = org_begin(r)) || (rc = im_require(r, &c, &seat)))
		return rc;
	if (!strcmp(c.kind, "direct"))
		return req_fail(r, ERR_FORBIDDEN, "a one-to-one conversation cannot be left; mute or unpin it instead");
	if (strcmp(c.kind, "group"))
		return req_fail(r, ERR_FORBIDDEN, "this group follows the enterprise's structure; mute it instead");
	int64_t seq = im_seat_leave(r->app->st, c.eid, c.id, r->user_id);
	if (!seq)
		return req_fail(r, ERR_INTERNAL, "cannot leave");
	if ((rc = org_commit(r)))
		return rc;
	im_publish_seq(r, c.id, seq, r->user_id);
	req_no_content(r);
	return ERR_OK;
}

static enum err put_member_role(struct req *r)
{
	static const struct field spec[] = { { "role", F_STRING, 1 }, { 0 } };
	int64_t uid;
	struct im_conv c;
	struct im_seat seat;
	char body[96];
	enum err rc;
	if ((rc = require_group(r, &c, &seat, 1)) || (rc = req_read_body(r)) || (rc = req_check_body(r, spec)))
		return rc;
	const char *role = req_str(r, "role");
	if (strcmp(role, "admin") && strcmp(role, "member")) {
		req_extra(r, "field", json_string("role"));
		return req_fail(r, ERR_INVALID_VALUE, "'role' must be admin or member");
	}
	struct store_stmt *s = store_prepare(r->app->st,
		"UPDATE conversation_members SET role = ? WHERE conversation_id = ? AND user_id = ? AND role <> 'owner'");
	int ok = !id_parse(r->params[2], &uid);
	if (ok) {
		store_bind_text(s, 1, role, -1);
		store_bind_int(s, 2, c.id);
		store_bind_int(s, 3, uid);
		if (store_run(s) != STORE_DONE)
			return req_fail(r, ERR_INTERNAL, "cannot store the role");
		ok = store_changes(r->app->st) == 1;
	}
	if (!ok)
		return req_fail(r, ERR_MEMBER_NOT_FOUND, "no member '%.24s' in this conversation other than its owner", r->params[2]);
	snprintf(body, sizeof(body), "{\"user_id\":\"%lld\",\"role\":\"%s\"}", (long long)uid, role);
	if ((rc = changed(r, &c, "role_change", body, 0)))
		return rc;
	return reply_conversation(r, 200, c.id);
}

/* Dissolving: the group goes for everyone; its messages stay until the retention rule. */
static enum err delete_conversation(struct req *r)
{
	struct im_conv c;
	struct im_seat seat;
	enum err rc;
	if ((rc = require_group(r, &c, &seat, 1)))
		return rc;
	int64_t seq = im_event_append(r->app->st, c.eid, c.id, r->user_id, "dissolve", "{}");
	struct store_stmt *s = store_prepare(r->app->st, "UPDATE conversations SET dissolved_at = ? WHERE id = ?");
	store_bind_int(s, 1, clock_now_ms());
	store_bind_int(s, 2, c.id);
	if (!seq || store_run(s) != STORE_DONE)
		return req_fail(r, ERR_INTERNAL, "cannot dissolve the group");
	if ((rc = org_commit(r)))
		return rc;
	im_publish_seq(r, c.id, seq, 0);
	req_no_content(r);
	return ERR_OK;
}

/* The caller's own switches: pinned and muted. */
static enum err put_settings(struct req *r)
{
	static const struct field spec[] = { { "pinned", F_BOOL, 0 }, { "muted", F_BOOL, 0 }, { 0 } };
	struct im_conv c;
	struct im_seat seat;
	enum err rc;
	if ((rc = org_begin(r)) || (rc = im_require(r, &c, &seat)) || (rc = req_read_body(r)) || (rc = req_check_body(r, spec)))
		return rc;
	json_t *pinned = json_object_get(r->body, "pinned"), *muted = json_object_get(r->body, "muted");
	struct store_stmt *s = store_prepare(r->app->st,
		"UPDATE conversation_members SET pinned = coalesce(?, pinned), muted = coalesce(?, muted)"
		" WHERE conversation_id = ? AND user_id = ?");
	pinned ? store_bind_int(s, 1, json_is_true(pinned)) : store_bind_null(s, 1);
	muted ? store_bind_int(s, 2, json_is_true(muted)) : store_bind_null(s, 2);
	store_bind_int(s, 3, c.id);
	store_bind_int(s, 4, r->user_id);
	if (store_run(s) != STORE_DONE)
		return req_fail(r, ERR_INTERNAL, "cannot store the settings");
	if ((rc = org_commit(r)))
		return rc;
	/* The caller's other devices follow. */
	char event[128];
	int n = snprintf(event, sizeof(event), "{\"type\":\"settings\",\"enterprise_id\":\"%lld\",\"conversation_id\":\"%lld\"}",
			 (long long)c.eid, (long long)c.id);
	hub_publish_user(r->user_id, r->session_id, event, (size_t)n);
	return reply_conversation(r, 200, c.id);
}

const struct route conversation_routes[] = {
	{ "POST", "/api/v1/enterprises/{eid}/conversations", post_conversation, ROUTE_AUTH },
	{ "GET", "/api/v1/enterprises/{eid}/conversations", get_conversations, ROUTE_AUTH },
	{ "GET", "/api/v1/enterprises/{eid}/conversations/{cid}", get_conversation, ROUTE_AUTH },
	{ "PATCH", "/api/v1/enterprises/{eid}/conversations/{cid}", patch_conversation, ROUTE_AUTH },
	{ "DELETE", "/api/v1/enterprises/{eid}/conversations/{cid}", delete_conversation, ROUTE_AUTH },
	{ "PUT", "/api/v1/enterprises/{eid}/conversations/{cid}/settings", put_settings, ROUTE_AUTH },
	{ "POST", "/api/v1/enterprises/{eid}/conversations/{cid}/members", post_members, ROUTE_AUTH },
	/* before {uid}: the first pattern that matches serves */
	{ "DELETE", "/api/v1/enterprises/{eid}/conversations/{cid}/members/me", delete_member_me, ROUTE_AUTH },
	{ "DELETE", "/api/v1/enterprises/{eid}/conversations/{cid}/members/{uid}", delete_member, ROUTE_AUTH },
	{ "PUT", "/api/v1/enterprises/{eid}/conversations/{cid}/members/{uid}/role", put_member_role, ROUTE_AUTH },
	{ 0 }
};
