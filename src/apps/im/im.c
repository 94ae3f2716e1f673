/* What other modules need of conversations: see im.h. */
#include <stdlib.h>
#include "apps/im/im.h"
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
		" JOIN conversation_members c ON c.conversation_id = f.conversation_id AND c.user_id = ?"
		" WHERE f.enterprise_id = ? AND f.file_id = ? AND m.recalled_at IS NULL AND m.seq > c.joined_seq LIMIT 1");
	if (!s)
		return -1;
	store_bind_int(s, 1, uid);
	store_bind_int(s, 2, eid);
	store_bind_int(s, 3, fid);
	enum store_rc rc = store_step(s);
	store_reset(s);
	return rc == STORE_ROW ? 1 : rc == STORE_DONE ? 0 : -1;
}
