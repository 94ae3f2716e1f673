/* Platform operators (the admin API's users): granted, withdrawn and listed at the machine. */
#include <stdio.h>
#include "core/clock.h"
#include "core/id.h"
#include "privacy/audit.h"
#include "privacy/operators.h"
#include "core/banned.h"

int operators_is(struct store *st, int64_t user)
{
	struct store_stmt *s = store_prepare(st, "SELECT 1 FROM platform_operators WHERE user_id = ?");
	store_bind_int(s, 1, user);
	enum store_rc rc = store_step(s);
	store_reset(s);
	return rc == STORE_ROW ? 1 : rc == STORE_DONE ? 0 : -1;
}

/* 1 when the account exists, 0 when not, -1 when the store failed. */
static int user_exists(struct store *st, int64_t user)
{
	struct store_stmt *s = store_prepare(st, "SELECT 1 FROM users WHERE id = ?");
	store_bind_int(s, 1, user);
	enum store_rc rc = store_step(s);
	store_reset(s);
	return rc == STORE_ROW ? 1 : rc == STORE_DONE ? 0 : -1;
}

/* Grants (grant 1) or withdraws the role inside one transaction with its audit entry. */
static int change(struct store *st, int64_t user, int grant, char *err, size_t errlen)
{
	char id[ID_STR_LEN], object[AUDIT_OBJECT_LEN];
	int rc = -1;
	if (store_begin(st) != STORE_OK) {
		snprintf(err, errlen, "cannot write the database: %s", store_errmsg(st));
		return -1;
	}
	int exists = user_exists(st, user), is = exists > 0 ? operators_is(st, user) : 0;
	if (exists < 0 || is < 0)
		goto failed;
	if (!exists) {
		snprintf(err, errlen, "no account with id '%s'", id_format(user, id));
		goto out;
	}
	if (is == grant) { /* already as asked: nothing to change or to record */
		rc = 1;
		goto out;
	}
	struct store_stmt *s;
	if (grant) {
		s = store_prepare(st, "INSERT INTO platform_operators (user_id, granted_at) VALUES (?, ?)");
		store_bind_int(s, 1, user);
		store_bind_int(s, 2, clock_now_ms());
	} else {
		s = store_prepare(st, "DELETE FROM platform_operators WHERE user_id = ?");
		store_bind_int(s, 1, user);
	}
	if (store_run(s) != STORE_DONE ||
	    audit_append(st, 0, grant ? "operator.grant" : "operator.revoke", user,
			 audit_object("operator", user, object), NULL) ||
	    store_commit(st) != STORE_OK)
		goto failed;
	return 0;
failed:
	snprintf(err, errlen, "cannot change the operators: %s", store_errmsg(st));
out:
	store_rollback(st);
	return rc;
}

int operators_add(struct store *st, int64_t user, char *err, size_t errlen)
{
	return change(st, user, 1, err, errlen);
}

int operators_remove(struct store *st, int64_t user, char *err, size_t errlen)
{
	return change(st, user, 0, err, errlen);
}

int operators_list(struct store *st, void (*fn)(int64_t user, int64_t granted_at, void *arg), void *arg)
{
	struct store_stmt *s = store_prepare(st,
		"SELECT user_id, granted_at FROM platform_operators ORDER BY granted_at, user_id");
	enum store_rc rc;
	int n = 0;
	while ((rc = store_step(s)) == STORE_ROW) {
		fn(store_col_int(s, 0), store_col_int(s, 1), arg);
		n++;
	}
	store_reset(s);
	return rc == STORE_DONE ? n : -1;
}
