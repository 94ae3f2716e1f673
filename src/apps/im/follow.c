/*
 * Department and all-staff groups follow the enterprise's structure (org_add_change_hook): a
 * department group holds the members of its department and the departments below it, the
 * all-staff group every member; the group's owner stays whatever happens.  Changes are events
 * of the conversation like any other (member_add, member_remove), so sync carries them.
 */
#include <stdio.h>
#include <string.h>
#include "apps/im/conversation.h"
#include "apps/im/im.h"
#include "core/jsonw.h"
#include "core/banned.h"

#define SUBTREE                                                                                    \
	"WITH RECURSIVE sub (id) AS (SELECT ?1 UNION ALL SELECT d.id FROM departments d JOIN sub"  \
	" ON d.parent_id = sub.id WHERE d.enterprise_id = ?2), want (user_id) AS (SELECT DISTINCT user_id" \
	" FROM member_departments WHERE enterprise_id = ?2 AND department_id IN (SELECT id FROM sub)) "
#define EVERYONE "WITH want (user_id) AS (SELECT user_id FROM members WHERE enterprise_id = ?2) "

/* ?1 department (unused for all staff), ?2 enterprise, ?3 conversation, ?4 joined_seq */
static const char *const add_sql[2] = {
	SUBTREE "INSERT INTO conversation_members (conversation_id, enterprise_id, user_id, role, joined_seq, read_seq)"
	" SELECT ?3, ?2, w.user_id, 'member', ?4, ?4 FROM want w WHERE NOT EXISTS (SELECT 1 FROM conversation_members c"
	" WHERE c.conversation_id = ?3 AND c.user_id = w.user_id) RETURNING user_id",
	EVERYONE "INSERT INTO conversation_members (conversation_id, enterprise_id, user_id, role, joined_seq, read_seq)"
	" SELECT ?3, ?2, w.user_id, 'member', ?4, ?4 FROM want w WHERE ?1 = ?1 AND NOT EXISTS (SELECT 1 FROM"
	" conversation_members c WHERE c.conversation_id = ?3 AND c.user_id = w.user_id) RETURNING user_id",
};
static const char *const remove_sql[2] = {
	SUBTREE "DELETE FROM conversation_members WHERE conversation_id = ?3 AND role <> 'owner' AND ?4 = ?4"
	" AND user_id NOT IN (SELECT user_id FROM want) RETURNING user_id",
	EVERYONE "DELETE FROM conversation_members WHERE conversation_id = ?3 AND role <> 'owner' AND ?4 = ?4 AND ?1 = ?1"
	" AND user_id NOT IN (SELECT user_id FROM want) RETURNING user_id",
};

/* Runs one of the statements above; the user ids it returned go into an event of kind. */
static int apply(struct store *st, const char *sql, int64_t eid, int64_t cid, int64_t did, int64_t last_seq,
		 const char *kind)
{
	struct store_stmt *s = store_prepare(st, sql);
	if (!s)
		return -1;
	store_bind_int(s, 1, did);
	store_bind_int(s, 2, eid);
	store_bind_int(s, 3, cid);
	store_bind_int(s, 4, last_seq);
	struct jsonw w;
	int n = 0;
	enum store_rc rc;
	jsonw_init(&w);
	jsonw_open(&w, NULL, '{');
	jsonw_open(&w, "user_ids", '[');
	while ((rc = store_step(s)) == STORE_ROW) {
		jsonw_id(&w, NULL, store_col_int(s, 0));
		n++;
	}
	store_reset(s);
	jsonw_close(&w, ']');
	jsonw_bool(&w, "automatic", 1);
	jsonw_close(&w, '}');
	int ok = rc == STORE_DONE && (!n || im_event_append(st, eid, cid, 0, kind, w.buf));
	jsonw_release(&w);
	return ok ? 0 : -1;
}

int im_follow_one(struct store *st, int64_t eid, int64_t cid)
{
	struct store_stmt *s = store_prepare(st, "SELECT kind = 'all_staff', coalesce(department_id, 0), last_seq"
						 " FROM conversations WHERE id = ? AND enterprise_id = ? AND dissolved_at IS NULL");
	store_bind_int(s, 1, cid);
	store_bind_int(s, 2, eid);
	if (store_step(s) != STORE_ROW) {
		store_reset(s);
		return 0;
	}
	int all = (int)store_col_int(s, 0);
	int64_t did = store_col_int(s, 1), last = store_col_int(s, 2);
	store_reset(s);
	return apply(st, add_sql[all], eid, cid, did, last, "member_add") ||
	       apply(st, remove_sql[all], eid, cid, did, last, "member_remove") ? -1 : 0;
}

static int follow(struct store *st, int64_t eid)
{
	int64_t ids[256];
	size_t n = 0;
	struct store_stmt *s = store_prepare(st, "SELECT id FROM conversations WHERE enterprise_id = ?"
						 " AND kind IN ('department', 'all_staff') AND dissolved_at IS NULL LIMIT 256");
	store_bind_int(s, 1, eid);
	while (store_step(s) == STORE_ROW)
		ids[n++] = store_col_int(s, 0);
	store_reset(s);
	for (size_t i = 0; i < n; i++)
		if (im_follow_one(st, eid, ids[i]))
			return -1;
	return 0;
}

void im_follow_init(void)
{
	org_add_change_hook(follow);
}
