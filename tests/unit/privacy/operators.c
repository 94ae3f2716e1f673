/*
 * Unit tests of privacy/operators.c: the role is granted and withdrawn for real accounts only,
 * each change is audited once, repeating one changes nothing, and erasing the account ends it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "core/clock.h"
#include "privacy/audit.h"
#include "privacy/operators.h"

/* 2026-03-02T08:00:00Z */
#define T0 1772438400000LL

static int setup(void **state)
{
	char err[256];
	struct store *st = store_open(":memory:", err, sizeof(err));
	if (!st || store_migrate(st, err, sizeof(err))) {
		fprintf(stderr, "store: %s\n", err);
		store_close(st);
		return -1;
	}
	clock_set_fixed(T0);
	*state = st;
	return 0;
}

static int teardown(void **state)
{
	clock_set_fixed(0);
	store_close(*state);
	return 0;
}

static void add_user(struct store *st, int64_t id)
{
	struct store_stmt *s = store_prepare(st,
		"INSERT INTO users (id, phone_index, phone_sealed, name, policy_version, created_at, updated_at)"
		" VALUES (?, ?, x'00', 'Li Lei', 'v1', 0, 0)");
	store_bind_int(s, 1, id);
	store_bind_blob(s, 2, &id, sizeof(id));
	assert_int_equal(store_run(s), STORE_DONE);
}

static int64_t count(struct store *st, const char *sql)
{
	struct store_stmt *s = store_prepare(st, sql);
	assert_int_equal(store_step(s), STORE_ROW);
	int64_t n = store_col_int(s, 0);
	store_reset(s);
	return n;
}

struct seen {
	int64_t users[4], at[4];
	int n;
};

static void collect(int64_t user, int64_t granted_at, void *arg)
{
	struct seen *s = arg;
	if (s->n < 4) {
		s->users[s->n] = user;
		s->at[s->n++] = granted_at;
	}
}

static void test_operators__grant_list_withdraw(void **state)
{
	struct store *st = *state;
	char err[256];
	add_user(st, 42);
	assert_int_equal(operators_is(st, 42), 0);
	assert_int_equal(operators_add(st, 42, err, sizeof(err)), 0);
	assert_int_equal(operators_is(st, 42), 1);
	/* Asked again: already so, nothing changes and nothing more is audited. */
	assert_int_equal(operators_add(st, 42, err, sizeof(err)), 1);
	struct seen seen = { .n = 0 };
	assert_int_equal(operators_list(st, collect, &seen), 1);
	assert_int_equal(seen.users[0], 42);
	assert_int_equal(seen.at[0], T0);

	assert_int_equal(operators_remove(st, 42, err, sizeof(err)), 0);
	assert_int_equal(operators_is(st, 42), 0);
	assert_int_equal(operators_remove(st, 42, err, sizeof(err)), 1);
	assert_int_equal(operators_list(st, collect, &seen), 0);

	struct store_stmt *s = store_prepare(st, "SELECT actor, action, subject, object FROM audit_log ORDER BY id");
	const char *actions[] = { "operator.grant", "operator.revoke" };
	for (int i = 0; i < 2; i++) {
		assert_int_equal(store_step(s), STORE_ROW);
		assert_int_equal(store_col_int(s, 0), 0);
		assert_string_equal(store_col_text(s, 1), actions[i]);
		assert_int_equal(store_col_int(s, 2), 42);
		assert_string_equal(store_col_text(s, 3), "operator:42");
	}
	assert_int_equal(store_step(s), STORE_DONE);
	int64_t bad = 0;
	char why[128];
	assert_int_equal(audit_verify(st, &bad, why, sizeof(why)), 0);
}

static void test_operators__unknown_account_is_named(void **state)
{
	struct store *st = *state;
	char err[256];
	assert_int_equal(operators_add(st, 999, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "no account with id '999'"));
	err[0] = '\0';
	assert_int_equal(operators_remove(st, 999, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "'999'"));
	assert_int_equal(count(st, "SELECT count(*) FROM platform_operators"), 0);
	assert_int_equal(count(st, "SELECT count(*) FROM audit_log"), 0);
}

/* The role goes with the account: no erased account stays an operator. */
static void test_operators__erasing_the_account_ends_the_role(void **state)
{
	struct store *st = *state;
	char err[256];
	add_user(st, 7);
	add_user(st, 8);
	assert_int_equal(operators_add(st, 7, err, sizeof(err)), 0);
	assert_int_equal(operators_add(st, 8, err, sizeof(err)), 0);
	assert_int_equal(store_run(store_prepare(st, "DELETE FROM users WHERE id = 7")), STORE_DONE);
	assert_int_equal(operators_is(st, 7), 0);
	assert_int_equal(operators_is(st, 8), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_operators__grant_list_withdraw, setup, teardown),
		cmocka_unit_test_setup_teardown(test_operators__unknown_account_is_named, setup, teardown),
		cmocka_unit_test_setup_teardown(test_operators__erasing_the_account_ends_the_role, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
