/* External contacts: who sees a card, and where a leaving member's cards go (contact.h). */
#include <string.h>
#include "apps/org/contact.h"
#include "core/clock.h"
#include "core/banned.h"

int contact_visible(struct store *st, const struct org_member *m, int64_t cid)
{
	/* "mine" is the member's departments and every department above them: a card shared with
	 * one of those reaches the member.  UNION (not UNION ALL) ends the walk on a loop. */
	struct store_stmt *s = store_prepare(st,
		"WITH RECURSIVE mine (id) AS ("
		" SELECT department_id FROM member_departments WHERE enterprise_id = ? AND user_id = ?"
		" UNION SELECT d.parent_id FROM departments d JOIN mine ON d.id = mine.id"
		" WHERE d.enterprise_id = ? AND d.parent_id IS NOT NULL)"
		" SELECT 1 FROM external_contacts c WHERE c.enterprise_id = ? AND c.id = ? AND (? = 1 OR c.owner_id = ?"
		" OR EXISTS (SELECT 1 FROM external_contact_colleagues s WHERE s.enterprise_id = c.enterprise_id"
		" AND s.contact_id = c.id AND s.colleague_id = ?)"
		" OR EXISTS (SELECT 1 FROM external_contact_departments s WHERE s.enterprise_id = c.enterprise_id"
		" AND s.contact_id = c.id AND s.department_id IN (SELECT id FROM mine)))");
	int64_t eid = m->enterprise_id, uid = m->user_id;
	store_bind_int(s, 1, eid);
	store_bind_int(s, 2, uid);
	store_bind_int(s, 3, eid);
	store_bind_int(s, 4, eid);
	store_bind_int(s, 5, cid);
	store_bind_int(s, 6, org_allows(m, ORG_RIGHT_MEMBERS));
	store_bind_int(s, 7, uid);
	store_bind_int(s, 8, uid);
	enum store_rc rc = store_step(s);
	store_reset(s);
	return rc == STORE_ROW ? 1 : rc == STORE_DONE ? 0 : -1;
}

int64_t contact_heir(struct store *st, int64_t eid, int64_t leaver)
{
	/* A disabled head cannot reach the cards, so an active one is asked for. */
	struct store_stmt *s = store_prepare(st,
		"SELECT h.user_id FROM member_departments md"
		" JOIN department_heads h ON h.enterprise_id = md.enterprise_id AND h.department_id = md.department_id"
		" JOIN members m ON m.enterprise_id = h.enterprise_id AND m.user_id = h.user_id"
		" WHERE md.enterprise_id = ? AND md.user_id = ? AND md.is_primary = 1 AND h.user_id <> ?"
		" AND m.status = 'active' ORDER BY h.user_id LIMIT 1");
	store_bind_int(s, 1, eid);
	store_bind_int(s, 2, leaver);
	store_bind_int(s, 3, leaver);
	enum store_rc rc = store_step(s);
	int64_t heir = rc == STORE_ROW ? store_col_int(s, 0) : 0;
	store_reset(s);
	if (rc != STORE_ROW && rc != STORE_DONE)
		return -1;
	if (heir)
		return heir;
	s = store_prepare(st, "SELECT owner_id FROM enterprises WHERE id = ?");
	store_bind_int(s, 1, eid);
	heir = store_step(s) == STORE_ROW ? store_col_int(s, 0) : -1;
	store_reset(s);
	return heir;
}

int contact_handover(struct store *st, int64_t eid, int64_t from, int64_t to)
{
	struct store_stmt *s = store_prepare(st,
		"DELETE FROM external_contact_colleagues WHERE enterprise_id = ? AND colleague_id = ?");
	store_bind_int(s, 1, eid);
	store_bind_int(s, 2, from);
	if (store_run(s) != STORE_DONE)
		return -1;
	s = store_prepare(st,
		"UPDATE external_contacts SET owner_id = ?, updated_at = ? WHERE enterprise_id = ? AND owner_id = ?");
	store_bind_int(s, 1, to);
	store_bind_int(s, 2, clock_now_ms());
	store_bind_int(s, 3, eid);
	store_bind_int(s, 4, from);
	if (store_run(s) != STORE_DONE)
		return -1;
	return store_changes(st);
}
