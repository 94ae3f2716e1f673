/* Pinyin search keys of members' names, kept beside the names: see address_book.h. */
#include <stdlib.h>
#include <string.h>
#include "apps/org/address_book.h"
#include "core/mem.h"
#include "core/pinyin.h"
#include "core/banned.h"

/* Writes the keys of name to uid's row; pinyin.h bounds them by the name's length. */
static int store_keys(struct store *st, int64_t eid, int64_t uid, const char *name)
{
	size_t n = strlen(name);
	char *full = xmalloc(2 * n + 1), *initials = xmalloc(n + 1);
	if (pinyin_keys(name, full, 2 * n + 1, initials, n + 1))
		full[0] = initials[0] = '\0';
	struct store_stmt *s = store_prepare(st,
		"UPDATE members SET name_pinyin = ?, name_initials = ? WHERE enterprise_id = ? AND user_id = ?");
	store_bind_text(s, 1, full, -1);
	store_bind_text(s, 2, initials, -1);
	store_bind_int(s, 3, eid);
	store_bind_int(s, 4, uid);
	int rc = store_run(s) == STORE_DONE ? 0 : -1;
	free(full);
	free(initials);
	return rc;
}

int member_search_keys_update(struct store *st, int64_t eid, int64_t uid)
{
	struct store_stmt *s = store_prepare(st, "SELECT name_in_enterprise FROM members WHERE enterprise_id = ? AND user_id = ?");
	store_bind_int(s, 1, eid);
	store_bind_int(s, 2, uid);
	enum store_rc step = store_step(s);
	if (step != STORE_ROW) {
		store_reset(s);
		return step == STORE_DONE ? 0 : -1;
	}
	char *name = xstrdup(store_col_text(s, 0));
	store_reset(s);
	int rc = store_keys(st, eid, uid, name);
	free(name);
	return rc;
}

struct stale {
	int64_t eid, uid;
	char *name;
};

int member_search_keys_backfill(struct store *st)
{
	struct stale *rows = NULL;
	size_t n = 0, cap = 0;
	int rc = -1;
	if (store_begin(st) != STORE_OK)
		return -1;
	/* Read them all first: the rows are updated as they are visited otherwise. */
	struct store_stmt *s = store_prepare(st,
		"SELECT enterprise_id, user_id, name_in_enterprise FROM members WHERE name_pinyin = '' AND name_initials = ''");
	enum store_rc step;
	while ((step = store_step(s)) == STORE_ROW) {
		if (n == cap)
			rows = xrealloc(rows, (cap = cap ? 2 * cap : 256) * sizeof(*rows));
		rows[n].eid = store_col_int(s, 0);
		rows[n].uid = store_col_int(s, 1);
		rows[n].name = xstrdup(store_col_text(s, 2));
		n++;
	}
	store_reset(s);
	if (step != STORE_DONE)
		goto out;
	for (size_t i = 0; i < n; i++)
		if (store_keys(st, rows[i].eid, rows[i].uid, rows[i].name))
			goto out;
	if (store_commit(st) == STORE_OK)
		rc = n > 0x7fffffff ? 0x7fffffff : (int)n;
out:
	if (rc < 0)
		store_rollback(st);
	for (size_t i = 0; i < n; i++)
		free(rows[i].name);
	free(rows);
	return rc;
}
