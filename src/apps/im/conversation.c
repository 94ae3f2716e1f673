/* Conversations as the IM routes use them: see conversation.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "apps/im/conversation.h"
#include "apps/im/hub.h"
#include "apps/im/im.h"
#include "apps/im/message.h"
#include "core/clock.h"
#include "core/id.h"
#include "core/banned.h"

enum err im_require(struct req *r, struct im_conv *c, struct im_seat *seat)
{
	int64_t eid, cid;
	enum err rc = org_require(r, r->params[0], ORG_MEMBER, &eid, &seat->org);
	if (rc)
		return rc;
	struct store_stmt *s = store_prepare(r->app->st,
		"SELECT c.kind, coalesce(c.owner_id, 0), coalesce(c.department_id, 0), c.last_seq, c.max_members,"
		" c.who_adds, c.mute_all, m.role, m.joined_seq, m.read_seq, m.pinned, m.muted"
		" FROM conversations c JOIN conversation_members m ON m.conversation_id = c.id AND m.user_id = ?"
		" WHERE c.id = ? AND c.enterprise_id = ? AND c.dissolved_at IS NULL");
	int found = !id_parse(r->params[1], &cid);
	if (found) {
		store_bind_int(s, 1, r->user_id);
		store_bind_int(s, 2, cid);
		store_bind_int(s, 3, eid);
		found = store_step(s) == STORE_ROW;
	}
	if (found) {
		memset(c, 0, sizeof(*c));
		c->id = cid;
		c->eid = eid;
		snprintf(c->kind, sizeof(c->kind), "%s", store_col_text(s, 0));
		c->owner_id = store_col_int(s, 1);
		c->department_id = store_col_int(s, 2);
		c->last_seq = store_col_int(s, 3);
		c->max_members = store_col_int(s, 4);
		snprintf(c->who_adds, sizeof(c->who_adds), "%s", store_col_text(s, 5));
		c->mute_all = (int)store_col_int(s, 6);
		snprintf(seat->role, sizeof(seat->role), "%s", store_col_text(s, 7));
		seat->joined_seq = store_col_int(s, 8);
		seat->read_seq = store_col_int(s, 9);
		seat->pinned = (int)store_col_int(s, 10);
		seat->muted = (int)store_col_int(s, 11);
	}
	store_reset(s);
	return found ? ERR_OK : req_fail(r, ERR_CONVERSATION_NOT_FOUND, NULL);
}

int im_seat_manages(const struct im_seat *seat)
{
	return !strcmp(seat->role, "owner") || !strcmp(seat->role, "admin");
}

int64_t im_event_append(struct store *st, int64_t eid, int64_t cid, int64_t actor, const char *kind, const char *body)
{
	int64_t now = clock_now_ms();
	struct store_stmt *s = store_prepare(st,
		"UPDATE conversations SET last_seq = last_seq + 1, last_at = ? WHERE id = ? RETURNING last_seq");
	store_bind_int(s, 1, now);
	store_bind_int(s, 2, cid);
	int64_t seq = store_step(s) == STORE_ROW ? store_col_int(s, 0) : 0;
	store_reset(s);
	if (!seq)
		return 0;
	s = store_prepare(st, "INSERT INTO messages (conversation_id, seq, id, enterprise_id, sender_id, kind, body, created_at)"
			      " VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
	store_bind_int(s, 1, cid);
	store_bind_int(s, 2, seq);
	store_bind_int(s, 3, id_next());
	store_bind_int(s, 4, eid);
	store_bind_int(s, 5, actor);
	store_bind_text(s, 6, kind, -1);
	store_bind_text(s, 7, body, -1);
	store_bind_int(s, 8, now);
	return store_run(s) == STORE_DONE ? seq : 0;
}

void im_publish_members(struct store *st, int64_t cid, const char *json, size_t len)
{
	int64_t *users;
	size_t n;
	if (im_members(st, cid, &users, &n))
		return;
	hub_publish(users, n, json, len);
	free(users);
}

void im_publish_seq(struct req *r, int64_t cid, int64_t seq, int64_t also)
{
	struct store_stmt *s = store_prepare(r->app->st, "SELECT enterprise_id FROM conversations WHERE id = ?");
	store_bind_int(s, 1, cid);
	int64_t eid = store_step(s) == STORE_ROW ? store_col_int(s, 0) : 0;
	store_reset(s);
	s = store_prepare(r->app->st, "SELECT " IM_MESSAGE_COLS " FROM messages m WHERE m.conversation_id = ? AND m.seq = ?");
	store_bind_int(s, 1, cid);
	store_bind_int(s, 2, seq);
	if (!eid || store_step(s) != STORE_ROW) {
		store_reset(s);
		return;
	}
	struct jsonw w;
	jsonw_init(&w);
	im_message_write(r->app->st, r->app->kr, s, &w);
	store_reset(s);
	size_t len;
	char *event = im_message_event(eid, w.buf, w.len, &len);
	if (event) {
		im_publish_members(r->app->st, cid, event, len);
		if (also)
			hub_publish(&also, 1, event, len);
		free(event);
	}
	jsonw_release(&w);
}

int64_t im_seat_leave(struct store *st, int64_t eid, int64_t cid, int64_t uid)
{
	struct store_stmt *s = store_prepare(st, "SELECT role = 'owner' FROM conversation_members WHERE conversation_id = ? AND user_id = ?");
	store_bind_int(s, 1, cid);
	store_bind_int(s, 2, uid);
	int owner = store_step(s) == STORE_ROW && store_col_int(s, 0);
	store_reset(s);
	s = store_prepare(st, "DELETE FROM conversation_members WHERE conversation_id = ? AND user_id = ?");
	store_bind_int(s, 1, cid);
	store_bind_int(s, 2, uid);
	if (store_run(s) != STORE_DONE)
		return 0;
	int64_t heir = 0;
	char body[96];
	if (owner) {
		s = store_prepare(st, "SELECT user_id FROM conversation_members WHERE conversation_id = ?"
				      " ORDER BY role = 'admin' DESC, joined_seq, user_id LIMIT 1");
		store_bind_int(s, 1, cid);
		heir = store_step(s) == STORE_ROW ? store_col_int(s, 0) : 0;
		store_reset(s);
		s = store_prepare(st, "UPDATE conversation_members SET role = 'owner' WHERE conversation_id = ? AND user_id = ?");
		store_bind_int(s, 1, cid);
		store_bind_int(s, 2, heir);
		if (heir && store_run(s) != STORE_DONE)
			return 0;
		s = store_prepare(st, "UPDATE conversations SET owner_id = NULLIF(?, 0),"
				      " dissolved_at = CASE WHEN ? = 0 THEN ? END WHERE id = ?");
		store_bind_int(s, 1, heir);
		store_bind_int(s, 2, heir);
		store_bind_int(s, 3, clock_now_ms());
		store_bind_int(s, 4, cid);
		if (store_run(s) != STORE_DONE)
			return 0;
	}
	if (heir)
		snprintf(body, sizeof(body), "{\"user_id\":\"%lld\",\"new_owner_id\":\"%lld\"}", (long long)uid, (long long)heir);
	else
		snprintf(body, sizeof(body), "{\"user_id\":\"%lld\"}", (long long)uid);
	return im_event_append(st, eid, cid, uid, "member_leave", body);
}
