/* What other modules need of conversations: see im.h. */
#include <stdlib.h>
#include "apps/im/conversation.h"
#include "apps/im/im.h"
#include "apps/org/org.h"
#include "core/banned.h"

int im_is_member(struct store *st, int64_t eid, int64_t cid, int64_t uid)
{
	struct store_stmt *s = store_prepare(st,
		"SELECT 1 FROM conversation_members WHERE conversation_id = ? AND user_id = ? AND enterprise_id = ?");
	if (!s)
		return -1;
	store_bind_int(s, 1, cid);
	store_bind_int(s, 2, uid);
	store_bind_int(s, 3, eid);
	enum store_rc rc = store_step(s);
	store_reset(s);
	return rc == STORE_ROW ? 1 : rc == STORE_DONE ? 0 : -1;
}

int im_members(struct store *st, int64_t cid, int64_t **users, size_t *n)
{
	struct store_stmt *s = store_prepare(st, "SELECT user_id FROM conversation_members WHERE conversation_id = ?");
	size_t cap = 16;
	*n = 0;
	*users = malloc(cap * sizeof(**users));
	if (!s || !*users) {
		free(*users);
		*users = NULL;
		return -1;
	}
	store_bind_int(s, 1, cid);
	enum store_rc rc;
	while ((rc = store_step(s)) == STORE_ROW) {
		if (*n == cap) {
			int64_t *more = realloc(*users, (cap *= 2) * sizeof(*more));
			if (!more) {
				store_reset(s);
				free(*users);
				*users = NULL;
				return -1;
			}
			*users = more;
		}
		(*users)[(*n)++] = store_col_int(s, 0);
	}
	store_reset(s);
	return rc == STORE_DONE ? 0 : -1;
}

int im_file_visible(struct store *st, int64_t eid, int64_t fid, int64_t uid)
{
	struct store_stmt *s = store_prepare(st,
		"SELECT 1 FROM message_files f JOIN messages m ON m.conversation_id = f.conversation_id AND m.seq = f.seq"
		" JOIN conversation_members c ON c.conversation_id = f.conversation_id AND c.user_id = ?1"
		" WHERE f.enterprise_id = ?2 AND f.file_id = ?3 AND m.recalled_at IS NULL AND m.seq > c.joined_seq"
		" UNION ALL SELECT 1 FROM conversations v JOIN conversation_members c ON c.conversation_id = v.id AND c.user_id = ?1"
		" WHERE v.enterprise_id = ?2 AND v.avatar_file_id = ?3 AND v.dissolved_at IS NULL LIMIT 1");
	if (!s)
		return -1;
	store_bind_int(s, 1, uid);
	store_bind_int(s, 2, eid);
	store_bind_int(s, 3, fid);
	enum store_rc rc = store_step(s);
	store_reset(s);
	return rc == STORE_ROW ? 1 : rc == STORE_DONE ? 0 : -1;
}

/* The enterprise's choice for a leaver's messages: 1 to delete them, 0 to keep them (pseudonym). */
static int deletes_on_leave(struct store *st, int64_t eid)
{
	struct store_stmt *s = store_prepare(st, "SELECT on_leave = 'delete' FROM im_settings WHERE enterprise_id = ?");
	store_bind_int(s, 1, eid);
	int del = store_step(s) == STORE_ROW && store_col_int(s, 0);
	store_reset(s);
	return del;
}

/* What a member writes, as against the events of the system they caused (those stay). */
#define WRITTEN "('text', 'image', 'file', 'voice', 'location', 'card')"

/*
 * A leaver's messages, when the enterprise chose so: their content goes like a recall's, and the
 * row stays as a tombstone without a sender so every conversation's sequence keeps no gap.
 */
static int delete_messages(struct store *st, int64_t eid, int64_t uid)
{
	static const char *const sql[] = {
		"DELETE FROM message_mentions WHERE (conversation_id, seq) IN"
		" (SELECT conversation_id, seq FROM messages WHERE enterprise_id = ? AND sender_id = ? AND kind IN " WRITTEN ")",
		"DELETE FROM message_files WHERE (conversation_id, seq) IN"
		" (SELECT conversation_id, seq FROM messages WHERE enterprise_id = ? AND sender_id = ? AND kind IN " WRITTEN ")",
		"UPDATE messages SET kind = 'deleted', body = '{}', client_id = NULL, sender_id = 0,"
		" recalled_at = coalesce(recalled_at, created_at) WHERE enterprise_id = ? AND sender_id = ? AND kind IN " WRITTEN,
	};
	for (size_t i = 0; i < sizeof(sql) / sizeof(sql[0]); i++) {
		struct store_stmt *s = store_prepare(st, sql[i]);
		store_bind_int(s, 1, eid);
		store_bind_int(s, 2, uid);
		if (store_run(s) != STORE_DONE)
			return -1;
	}
	return 0;
}

static int member_leaves(struct store *st, int64_t eid, int64_t uid)
{
	int64_t groups[512];
	size_t n = 0;
	struct store_stmt *s = store_prepare(st,
		"SELECT c.id FROM conversation_members m JOIN conversations c ON c.id = m.conversation_id"
		" WHERE m.user_id = ? AND m.enterprise_id = ? AND c.kind <> 'direct' AND c.dissolved_at IS NULL LIMIT 512");
	store_bind_int(s, 1, uid);
	store_bind_int(s, 2, eid);
	while (store_step(s) == STORE_ROW)
		groups[n++] = store_col_int(s, 0);
	store_reset(s);
	for (size_t i = 0; i < n; i++)
		if (!im_seat_leave(st, eid, groups[i], uid))
			return -1;
	return deletes_on_leave(st, eid) ? delete_messages(st, eid, uid) : 0;
}

void im_init(void)
{
	org_add_leave_hook(member_leaves);
	im_follow_init();
}
