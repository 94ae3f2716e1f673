/* Unit tests of apps/org/dept.c: which department lies below which (the cycle check), and scope. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <cmocka.h>
#include "apps/org/dept.h"
#include "store/store.h"

static void run(struct store *st, const char *sql)
{
	assert_int_equal(store_run(store_prepare(st, sql)), STORE_DONE);
}

/*
 * Enterprise 10:  1 ─┬─ 2 ── 4 ── 5      Enterprise 20: 9 (under nothing)
 *                    └─ 3
 *                 6 (a second top)
 */
static int setup(void **state)
{
	char err[256];
	struct store *st = store_open(":memory:", err, sizeof(err));
	if (!st || store_migrate(st, err, sizeof(err))) {
		fprintf(stderr, "store: %s\n", err);
		store_close(st);
		return -1;
	}
	run(st, "INSERT INTO users (id, phone_index, phone_sealed, name, policy_version, created_at, updated_at)"
		" VALUES (1, x'01', x'01', 'a', '1', 0, 0), (2, x'02', x'02', 'b', '1', 0, 0)");
	run(st, "INSERT INTO enterprises (id, name, industry, size, region, owner_id, created_at, updated_at)"
		" VALUES (10, 'e', 'i', 's', 'r', 1, 0, 0), (20, 'f', 'i', 's', 'r', 1, 0, 0)");
	run(st, "INSERT INTO members (enterprise_id, user_id, name_in_enterprise, role, status, joined_at)"
		" VALUES (10, 1, 'a', 'owner', 'active', 0), (10, 2, 'b', 'admin', 'active', 0)");
	run(st, "INSERT INTO departments (id, enterprise_id, name, parent_id) VALUES (1, 10, 'd', NULL),"
		" (2, 10, 'd', 1), (3, 10, 'd', 1), (4, 10, 'd', 2), (5, 10, 'd', 4), (6, 10, 'd', NULL),"
		" (9, 20, 'd', NULL)");
	run(st, "INSERT INTO admin_rights (enterprise_id, user_id, rights, scope) VALUES (10, 2, 2, 'departments')");
	run(st, "INSERT INTO admin_scope_departments (enterprise_id, user_id, department_id) VALUES (10, 2, 2)");
	*state = st;
	return 0;
}

static int teardown(void **state)
{
	store_close(*state);
	return 0;
}

static void test_dept__a_move_into_its_own_branch_is_a_cycle(void **state)
{
	struct store *st = *state;
	/* Moving 2 under 2, 4 or 5 (itself, a child, a grandchild) would close a loop. */
	assert_int_equal(dept_within(st, 10, 2, 2), 1);
	assert_int_equal(dept_within(st, 10, 2, 4), 1);
	assert_int_equal(dept_within(st, 10, 2, 5), 1);
	assert_int_equal(dept_within(st, 10, 1, 5), 1);
	/* Under a sibling, its parent, another top, or upward: no loop. */
	assert_int_equal(dept_within(st, 10, 2, 3), 0);
	assert_int_equal(dept_within(st, 10, 2, 1), 0);
	assert_int_equal(dept_within(st, 10, 2, 6), 0);
	assert_int_equal(dept_within(st, 10, 5, 2), 0);
	/* Another enterprise's department lies below nothing here. */
	assert_int_equal(dept_within(st, 10, 1, 9), 0);
	assert_int_equal(dept_exists(st, 10, 9), 0);
	assert_int_equal(dept_exists(st, 20, 9), 1);
}

static void test_dept__a_loop_in_stored_data_ends_the_walk(void **state)
{
	struct store *st = *state;
	run(st, "UPDATE departments SET parent_id = 5 WHERE enterprise_id = 10 AND id = 1");
	assert_int_equal(dept_within(st, 10, 6, 5), -1);
}

static void test_dept__scope_is_the_branch_below_the_scope(void **state)
{
	struct store *st = *state;
	struct org_member owner, admin;
	assert_int_equal(org_member_get(st, 10, 1, &owner), 1);
	assert_int_equal(org_member_get(st, 10, 2, &admin), 1);
	for (int64_t d = 0; d <= 6; d++)
		assert_int_equal(dept_in_scope(st, &owner, d), 1);
	assert_int_equal(dept_in_scope(st, &admin, 2), 1);
	assert_int_equal(dept_in_scope(st, &admin, 4), 1);
	assert_int_equal(dept_in_scope(st, &admin, 5), 1);
	assert_int_equal(dept_in_scope(st, &admin, 1), 0); /* the parent of the scope */
	assert_int_equal(dept_in_scope(st, &admin, 3), 0); /* a sibling */
	assert_int_equal(dept_in_scope(st, &admin, 6), 0);
	assert_int_equal(dept_in_scope(st, &admin, 0), 0); /* the top of the tree */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_dept__a_move_into_its_own_branch_is_a_cycle, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dept__a_loop_in_stored_data_ends_the_walk, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dept__scope_is_the_branch_below_the_scope, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
