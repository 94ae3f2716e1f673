/* Unit tests of apps/org/org.c: right names, who holds which right, the membership read, and the
 * erasure of one enterprise's rows about a member who leaves (PP-37). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "apps/org/org.h"
#include "privacy/datamap.h"
#include "store/store.h"

#include "../lib/db.h"

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

static int listed(const char *table)
{
	for (const char *const *t = org_member_tables; *t; t++)
		if (!strcmp(*t, table))
			return 1;
	return 0;
}

/*
 * org_erase_member covers every org table the data map gives a subject column, each erased by
 * deleting the row; and every table of the live schema with enterprise_id and user_id.  Adding a
 * table about members without adding it to the list fails here.
 */
static void test_org__member_tables_follow_the_data_map(void **state)
{
	struct store *st = *state;
	for (const struct pi_column *c = org_pi; c->table; c++) {
		if (!c->subject)
			continue;
		if (!listed(c->table))
			fail_msg("org table %s has subject %s but org_erase_member misses it", c->table, c->subject);
		assert_string_equal(c->subject, "user_id");
		if (c->erasure != ERASE_DELETE_ROW)
			fail_msg("%s.%s is not erased by deleting the row: leaving must apply its erasure", c->table, c->column);
		assert_non_null(datamap_find(c->table, "enterprise_id"));
	}
	for (const char *const *t = org_member_tables; *t; t++) {
		const struct pi_column *c = datamap_find(*t, "user_id");
		assert_non_null(c);
		assert_non_null(c->subject);
	}
	struct store_stmt *s = store_prepare(st,
		"SELECT m.name FROM sqlite_master m WHERE m.type = 'table'"
		" AND EXISTS (SELECT 1 FROM pragma_table_info(m.name) WHERE name = 'user_id')"
		" AND EXISTS (SELECT 1 FROM pragma_table_info(m.name) WHERE name = 'enterprise_id')");
	int n = 0;
	while (store_step(s) == STORE_ROW) {
		if (!listed(store_col_text(s, 0)))
			fail_msg("table %s holds enterprise_id and user_id but org_erase_member misses it", store_col_text(s, 0));
		n++;
	}
	store_reset(s);
	/* and every listed table exists */
	int listed_tables = 0;
	for (const char *const *t = org_member_tables; *t; t++)
		listed_tables++;
	assert_int_equal(n, listed_tables);
}

/* store_prepare caches by the literal's address: one literal per table. */
static int64_t count(struct store *st, const char *table, int64_t eid, int64_t uid)
{
#define Q(t) { t, "SELECT count(*) FROM " t " WHERE enterprise_id = ? AND user_id = ?" }
	static const struct { const char *table, *sql; } q[] = {
		Q("admin_scope_departments"), Q("admin_rights"), Q("department_heads"),
		Q("member_departments"), Q("member_profiles"), Q("members"),
		Q("member_custom_values"), Q("member_photos"), Q("pending_members"), Q("conversation_members"),
		Q("attendance_group_people"), Q("attendance_roster"), Q("attendance_days"), Q("attendance_months"),
		Q("attendance_makeups"), Q("attendance_punches"), Q("attendance_devices"), Q("attendance_device_changes"),
	};
#undef Q
	for (size_t i = 0; i < sizeof(q) / sizeof(q[0]); i++) {
		if (strcmp(q[i].table, table))
			continue;
		struct store_stmt *s = store_prepare(st, q[i].sql);
		store_bind_int(s, 1, eid);
		store_bind_int(s, 2, uid);
		assert_int_equal(store_step(s), STORE_ROW);
		int64_t n = store_col_int(s, 0);
		store_reset(s);
		return n;
	}
	fail_msg("no count query for %s", table);
	return -1;
}

/* Leaving one enterprise erases its rows about the person there, nothing elsewhere or of others. */
static void test_org__erase_member_is_per_enterprise(void **state)
{
	struct store *st = *state;
	seed(st);
	run(st, "INSERT INTO members (enterprise_id, user_id, name_in_enterprise, role, status, joined_at)"
		" VALUES (10, 3, 'c', 'member', 'active', 0)");
	run(st, "INSERT INTO admin_scope_departments (enterprise_id, user_id, department_id) VALUES (10, 2, 100)");
	run(st, "INSERT INTO department_heads (enterprise_id, department_id, user_id) VALUES (10, 100, 2), (20, 200, 2), (10, 100, 3)");
	run(st, "INSERT INTO member_departments (enterprise_id, user_id, department_id, is_primary)"
		" VALUES (10, 2, 100, 1), (20, 2, 200, 1), (10, 3, 100, 1)");
	run(st, "INSERT INTO member_profiles (enterprise_id, user_id) VALUES (10, 2), (20, 2), (10, 3)");
	run(st, "INSERT INTO custom_fields (id, enterprise_id, name_zh, kind, created_at, updated_at)"
		" VALUES (1000, 10, 'f', 'text', 0, 0), (2000, 20, 'f', 'text', 0, 0)");
	run(st, "INSERT INTO member_custom_values (enterprise_id, user_id, field_id, value)"
		" VALUES (10, 2, 1000, 'v'), (20, 2, 2000, 'v'), (10, 3, 1000, 'v')");
	run(st, "INSERT INTO member_photos (enterprise_id, user_id, mime, bytes, updated_at)"
		" VALUES (10, 2, 'image/jpeg', x'ffd8', 0), (20, 2, 'image/jpeg', x'ffd8', 0), (10, 3, 'image/jpeg', x'ffd8', 0)");
	run(st, "INSERT INTO pending_members (id, enterprise_id, source, status, user_id, name, created_by, created_at,"
		" expires_at) VALUES (900, 10, 'link', 'awaiting_approval', 2, 'b', 2, 0, 1),"
		" (901, 20, 'link', 'awaiting_approval', 2, 'b', 2, 0, 1), (902, 10, 'link', 'awaiting_approval', 3, 'c', 3, 0, 1)");
	run(st, "INSERT INTO conversations (id, enterprise_id, kind, max_members, last_at, created_at)"
		" VALUES (500, 10, 'group', 10, 0, 0), (600, 20, 'group', 10, 0, 0)");
	run(st, "INSERT INTO conversation_members (conversation_id, enterprise_id, user_id, joined_seq)"
		" VALUES (500, 10, 2, 0), (600, 20, 2, 0), (500, 10, 3, 0)");
	run(st, "INSERT INTO attendance_groups (id, enterprise_id, name, kind, created_at, updated_at)"
		" VALUES (700, 10, 'g', 'scheduled', 0, 0), (800, 20, 'g', 'scheduled', 0, 0)");
	run(st, "INSERT INTO attendance_group_people (enterprise_id, group_id, user_id, excluded)"
		" VALUES (10, 700, 2, 0), (20, 800, 2, 0), (10, 700, 3, 0)");
	run(st, "INSERT INTO attendance_roster (enterprise_id, group_id, user_id, day, shift)"
		" VALUES (10, 700, 2, '2025-01-01', NULL), (20, 800, 2, '2025-01-01', NULL), (10, 700, 3, '2025-01-01', NULL)");
	run(st, "INSERT INTO attendance_days (enterprise_id, user_id, day, group_id, status, computed_at)"
		" VALUES (10, 2, '2025-01-01', 700, 'rest', 0), (20, 2, '2025-01-01', 800, 'rest', 0), (10, 3, '2025-01-01', 700, 'rest', 0)");
	run(st, "INSERT INTO attendance_months (enterprise_id, user_id, month, expected_days, attended_days, late_count,"
		" late_minutes, early_count, early_minutes, absent_days, missing_count, field_count, makeup_count, worked_minutes,"
		" rest_minutes) VALUES (10, 2, '2025-01', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), (20, 2, '2025-01', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),"
		" (10, 3, '2025-01', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)");
	run(st, "INSERT INTO attendance_makeups (id, enterprise_id, user_id, day, at, reason, status, created_at)"
		" VALUES (901, 10, 2, '2025-01-01', 0, 'r', 'pending', 0), (902, 20, 2, '2025-01-01', 0, 'r', 'pending', 0),"
		" (903, 10, 3, '2025-01-01', 0, 'r', 'pending', 0)");
	run(st, "INSERT INTO attendance_punches (id, enterprise_id, user_id, idempotency_key, kind, punched_at, day, client_time,"
		" device_id, flags, review) VALUES (800, 10, 2, 'k', 'wifi', 0, '2026-01-05', 0, 'd', 0, 'none'),"
		" (801, 20, 2, 'k', 'wifi', 0, '2026-01-05', 0, 'd', 0, 'none'), (802, 10, 3, 'k', 'wifi', 0, '2026-01-05', 0, 'd', 0, 'none')");
	run(st, "INSERT INTO attendance_devices (enterprise_id, user_id, device_id, bound_at) VALUES (10, 2, 'd', 0), (20, 2, 'd', 0), (10, 3, 'd', 0)");
	run(st, "INSERT INTO attendance_device_changes (id, enterprise_id, user_id, device_id, reason, status, created_at)"
		" VALUES (810, 10, 2, 'e', 'r', 'pending', 0), (811, 20, 2, 'e', 'r', 'pending', 0), (812, 10, 3, 'e', 'r', 'pending', 0)");
	for (const char *const *t = org_member_tables; *t; t++)
		assert_true(count(st, *t, 10, 2) == 1);
	assert_int_equal(org_erase_member(st, 10, 2), 0);
	for (const char *const *t = org_member_tables; *t; t++)
		assert_true(count(st, *t, 10, 2) == 0);
	static const char *const kept[] = { "department_heads", "member_departments", "member_profiles", "members",
					    "member_custom_values", "member_photos", "pending_members", "conversation_members",
					    "attendance_group_people", "attendance_roster", "attendance_days", "attendance_months",
					    "attendance_makeups", "attendance_punches", "attendance_devices", "attendance_device_changes" };
	for (size_t i = 0; i < sizeof(kept) / sizeof(kept[0]); i++) {
		assert_true(count(st, kept[i], 20, 2) == 1); /* the other enterprise's */
		assert_true(count(st, kept[i], 10, 3) == 1); /* a colleague's */
	}
	assert_int_equal(org_erase_member(st, 10, 2), 0); /* nothing left: still fine */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_org__right_names_round_trip),
		cmocka_unit_test(test_org__who_holds_which_right),
		cmocka_unit_test_setup_teardown(test_org__membership_is_read_per_enterprise, setup, teardown),
		cmocka_unit_test_setup_teardown(test_org__scope_stays_inside_the_enterprise, setup, teardown),
		cmocka_unit_test_setup_teardown(test_org__member_tables_follow_the_data_map, setup, teardown),
		cmocka_unit_test_setup_teardown(test_org__erase_member_is_per_enterprise, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
