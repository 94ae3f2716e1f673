/* Unit tests of apps/org/org.c: right names, who holds which right, and the membership read. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "apps/org/org.h"
#include "store/store.h"

static int setup(void **state)
{
	char err[256];
	struct store *st = store_open(":memory:", err, sizeof(err));
	if (!st || store_migrate(st, err, sizeof(err))) {
		fprintf(stderr, "store: %s\n", err);
		store_close(st);
		return -1;
	}
	*state = st;
	return 0;
}

static int teardown(void **state)
{
	store_close(*state);
	return 0;
}

static void run(struct store *st, const char *sql)
{
	assert_int_equal(store_run(store_prepare(st, sql)), STORE_DONE);
}

static void test_org__right_names_round_trip(void **state)
{
	static const char *const names[] = { "members", "departments", "apps", "attendance", "approvals", "privacy" };
	unsigned all = 0;
	for (int i = 0; i < 6; i++) {
		enum org_right r = org_right_parse(names[i]);
		assert_int_equal(r, 1 << i); /* stored bit values never change */
		assert_string_equal(org_right_name(r), names[i]);
		all |= (unsigned)r;
	}
	assert_int_equal(all, ORG_RIGHTS_ALL);
	assert_int_equal(org_right_parse("owner"), 0); /* pseudo-rights are not grantable */
	assert_int_equal(org_right_parse("admin"), 0);
	assert_int_equal(org_right_parse("Members"), 0);
	assert_int_equal(org_right_parse(""), 0);
	assert_string_equal(org_right_name(ORG_OWNER), "owner");
	assert_string_equal(org_right_name(ORG_ANY_ADMIN), "admin");
}

static void test_org__who_holds_which_right(void **state)
{
	struct org_member owner = { .role = ORG_ROLE_OWNER, .active = 1, .rights = ORG_RIGHTS_ALL, .scope_all = 1 };
	struct org_member admin = { .role = ORG_ROLE_ADMIN, .active = 1, .rights = ORG_RIGHT_MEMBERS | ORG_RIGHT_APPS };
	struct org_member member = { .role = ORG_ROLE_MEMBER, .active = 1 };
	struct org_member disabled = { .role = ORG_ROLE_OWNER, .active = 0, .rights = ORG_RIGHTS_ALL };
	assert_true(org_allows(&owner, ORG_OWNER) && org_allows(&owner, ORG_RIGHT_PRIVACY) &&
		    org_allows(&owner, ORG_ANY_ADMIN) && org_allows(&owner, ORG_MEMBER));
	assert_true(org_allows(&admin, ORG_RIGHT_MEMBERS) && org_allows(&admin, ORG_RIGHT_APPS));
	assert_false(org_allows(&admin, ORG_RIGHT_PRIVACY));
	assert_true(org_allows(&admin, ORG_ANY_ADMIN));
	assert_false(org_allows(&admin, ORG_OWNER));
	assert_true(org_allows(&member, ORG_MEMBER));
	assert_false(org_allows(&member, ORG_ANY_ADMIN) || org_allows(&member, ORG_RIGHT_MEMBERS) ||
		     org_allows(&member, ORG_OWNER));
	assert_false(org_allows(&disabled, ORG_MEMBER) || org_allows(&disabled, ORG_OWNER));
}

static void seed(struct store *st)
{
	run(st, "INSERT INTO users (id, phone_index, phone_sealed, name, policy_version, created_at, updated_at)"
		" VALUES (1, x'01', x'01', 'a', '1', 0, 0), (2, x'02', x'02', 'b', '1', 0, 0), (3, x'03', x'03', 'c', '1', 0, 0)");
	run(st, "INSERT INTO enterprises (id, name, industry, size, region, owner_id, created_at, updated_at)"
		" VALUES (10, 'e', 'i', 's', 'r', 1, 0, 0), (20, 'f', 'i', 's', 'r', 3, 0, 0)");
	run(st, "INSERT INTO members (enterprise_id, user_id, name_in_enterprise, role, status, joined_at)"
		" VALUES (10, 1, 'a', 'owner', 'active', 0), (10, 2, 'b', 'admin', 'active', 0),"
		" (20, 3, 'c', 'owner', 'active', 0), (20, 2, 'b', 'member', 'disabled', 0)");
	run(st, "INSERT INTO departments (id, enterprise_id, name) VALUES (100, 10, 'd'), (200, 20, 'd')");
	run(st, "INSERT INTO admin_rights (enterprise_id, user_id, rights, scope) VALUES (10, 2, 9, 'departments')");
}

static void test_org__membership_is_read_per_enterprise(void **state)
{
	struct store *st = *state;
	struct org_member m;
	seed(st);
	assert_int_equal(org_member_get(st, 10, 1, &m), 1);
	assert_int_equal(m.role, ORG_ROLE_OWNER);
	assert_int_equal(m.rights, ORG_RIGHTS_ALL);
	assert_int_equal(org_member_get(st, 10, 2, &m), 1);
	assert_int_equal(m.role, ORG_ROLE_ADMIN);
	assert_int_equal(m.rights, ORG_RIGHT_MEMBERS | ORG_RIGHT_ATTENDANCE);
	assert_false(m.scope_all);
	assert_true(org_allows(&m, ORG_RIGHT_ATTENDANCE));
	/* The same person elsewhere: a disabled plain member, with none of those rights. */
	assert_int_equal(org_member_get(st, 20, 2, &m), 1);
	assert_int_equal(m.role, ORG_ROLE_MEMBER);
	assert_false(m.active);
	assert_int_equal(m.rights, 0);
	assert_int_equal(org_member_get(st, 20, 1, &m), 0);
	assert_int_equal(org_member_get(st, 999, 1, &m), 0);
}

/* A scope can name only the enterprise's own departments, and only for an administrator. */
static void test_org__scope_stays_inside_the_enterprise(void **state)
{
	struct store *st = *state;
	seed(st);
	run(st, "INSERT INTO admin_scope_departments (enterprise_id, user_id, department_id) VALUES (10, 2, 100)");
	assert_int_equal(store_run(store_prepare(st,
		"INSERT INTO admin_scope_departments (enterprise_id, user_id, department_id) VALUES (10, 2, 200)")),
		STORE_CONSTRAINT);
	assert_int_equal(store_run(store_prepare(st,
		"INSERT INTO admin_scope_departments (enterprise_id, user_id, department_id) VALUES (20, 3, 200)")),
		STORE_CONSTRAINT);
	assert_int_equal(store_run(store_prepare(st,
		"INSERT INTO admin_rights (enterprise_id, user_id, rights, scope) VALUES (20, 1, 1, 'all')")),
		STORE_CONSTRAINT); /* not a member there */
	/* Demotion takes the scope with the rights. */
	run(st, "DELETE FROM admin_rights WHERE enterprise_id = 10 AND user_id = 2");
	struct store_stmt *s = store_prepare(st, "SELECT count(*) FROM admin_scope_departments WHERE enterprise_id = 10");
	assert_int_equal(store_step(s), STORE_ROW);
	assert_int_equal(store_col_int(s, 0), 0);
	store_reset(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_org__right_names_round_trip),
		cmocka_unit_test(test_org__who_holds_which_right),
		cmocka_unit_test_setup_teardown(test_org__membership_is_read_per_enterprise, setup, teardown),
		cmocka_unit_test_setup_teardown(test_org__scope_stays_inside_the_enterprise, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
