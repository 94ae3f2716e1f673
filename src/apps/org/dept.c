/* The department tree's rules: which department lies below which, and an administrator's scope. */
#include "apps/org/dept.h"
#include "core/banned.h"

int dept_exists(struct store *st, int64_t eid, int64_t did)
{
	struct store_stmt *s = store_prepare(st, "SELECT 1 FROM departments WHERE enterprise_id = ? AND id = ?");
	store_bind_int(s, 1, eid);
	store_bind_int(s, 2, did);
	enum store_rc rc = store_step(s);
	store_reset(s);
	return rc == STORE_ROW ? 1 : rc == STORE_DONE ? 0 : -1;
}

int dept_within(struct store *st, int64_t eid, int64_t ancestor, int64_t did)
{
	for (int depth = 0; depth <= DEPT_MAX_DEPTH; depth++) {
		if (did == ancestor)
			return 1;
		struct store_stmt *s = store_prepare(st,
			"SELECT parent_id FROM departments WHERE enterprise_id = ? AND id = ?");
		store_bind_int(s, 1, eid);
		store_bind_int(s, 2, did);
		enum store_rc rc = store_step(s);
		if (rc != STORE_ROW) {
			store_reset(s);
			return rc == STORE_DONE ? 0 : -1;
		}
		int top = store_col_is_null(s, 0);
		did = top ? 0 : store_col_int(s, 0);
		store_reset(s);
		if (top)
			return 0;
	}
	return -1;
}

int dept_in_scope(struct store *st, const struct org_member *m, int64_t did)
{
	if (m->scope_all)
		return 1;
	if (!did)
		return 0;
	struct store_stmt *s = store_prepare(st,
		"SELECT department_id FROM admin_scope_departments WHERE enterprise_id = ? AND user_id = ?"
		" ORDER BY department_id");
	int64_t roots[256];
	int n = 0;
	enum store_rc rc = STORE_DONE;
	store_bind_int(s, 1, m->enterprise_id);
	store_bind_int(s, 2, m->user_id);
	/* Collected first: dept_within() prepares statements of its own. */
	while (n < 256 && (rc = store_step(s)) == STORE_ROW)
		roots[n++] = store_col_int(s, 0);
	store_reset(s);
	if (rc != STORE_ROW && rc != STORE_DONE)
		return -1;
	for (int i = 0; i < n; i++) {
		int in = dept_within(st, m->enterprise_id, roots[i], did);
		if (in)
			return in;
	}
	return 0;
}

size_t dept_of_member(struct store *st, int64_t eid, int64_t uid, int64_t *ids, size_t max, int64_t *primary)
{
	struct store_stmt *s = store_prepare(st,
		"SELECT department_id, is_primary FROM member_departments WHERE enterprise_id = ? AND user_id = ?"
		" ORDER BY is_primary DESC, department_id");
	size_t n = 0;
	*primary = 0;
	store_bind_int(s, 1, eid);
	store_bind_int(s, 2, uid);
	while (n < max && store_step(s) == STORE_ROW) {
		ids[n] = store_col_int(s, 0);
		if (store_col_int(s, 1))
			*primary = ids[n];
		n++;
	}
	store_reset(s);
	return n;
}
