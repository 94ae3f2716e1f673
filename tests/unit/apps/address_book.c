/* Unit tests of apps/org/address_book.c: the pinyin keys stored beside members' names, kept by
 * every write and filled at start for rows that have none. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "apps/org/address_book.h"
#include "store/store.h"

#include "../lib/db.h"

/* Two enterprises; user 2 is in both under different names. */
static void seed(struct store *st)
{
	run(st, "INSERT INTO users (id, phone_index, phone_sealed, name, policy_version, created_at, updated_at)"
		" VALUES (1, x'01', x'01', 'a', '1', 0, 0), (2, x'02', x'02', 'b', '1', 0, 0), (3, x'03', x'03', 'c', '1', 0, 0)");
	run(st, "INSERT INTO enterprises (id, name, industry, size, region, owner_id, created_at, updated_at)"
		" VALUES (10, 'e', 'i', 's', 'r', 1, 0, 0), (20, 'f', 'i', 's', 'r', 3, 0, 0)");
	run(st, "INSERT INTO members (enterprise_id, user_id, name_in_enterprise, role, status, joined_at)"
		" VALUES (10, 1, '张三', 'owner', 'active', 0), (10, 2, '王小明', 'member', 'active', 0),"
		" (20, 3, 'Alice 王', 'owner', 'active', 0), (20, 2, '小明', 'member', 'active', 0)");
}

static void expect_keys(struct store *st, int64_t eid, int64_t uid, const char *full, const char *initials)
{
	struct store_stmt *s = store_prepare(st,
		"SELECT name_pinyin, name_initials FROM members WHERE enterprise_id = ? AND user_id = ?");
	store_bind_int(s, 1, eid);
	store_bind_int(s, 2, uid);
	assert_int_equal(store_step(s), STORE_ROW);
	if (strcmp(store_col_text(s, 0), full) || strcmp(store_col_text(s, 1), initials))
		fail_msg("member %lld of %lld has '%s' '%s', not '%s' '%s'", (long long)uid, (long long)eid,
			 store_col_text(s, 0), store_col_text(s, 1), full, initials);
	store_reset(s);
}

static void test_address_book__update_follows_the_stored_name(void **state)
{
	struct store *st = *state;
	seed(st);
	expect_keys(st, 10, 2, "", "");
	assert_int_equal(member_search_keys_update(st, 10, 2), 0);
	expect_keys(st, 10, 2, "wangxiaoming", "wxm");
	expect_keys(st, 20, 2, "", ""); /* the same person elsewhere is another row */
	run(st, "UPDATE members SET name_in_enterprise = '李四' WHERE enterprise_id = 10 AND user_id = 2");
	assert_int_equal(member_search_keys_update(st, 10, 2), 0);
	expect_keys(st, 10, 2, "lisi", "ls");
	/* A name without a word keeps empty keys; no such member is no failure. */
	run(st, "UPDATE members SET name_in_enterprise = '—!?' WHERE enterprise_id = 10 AND user_id = 2");
	assert_int_equal(member_search_keys_update(st, 10, 2), 0);
	expect_keys(st, 10, 2, "", "");
	assert_int_equal(member_search_keys_update(st, 10, 3), 0);
	assert_int_equal(member_search_keys_update(st, 99, 1), 0);
}

static void test_address_book__backfill_fills_rows_without_keys(void **state)
{
	struct store *st = *state;
	seed(st);
	assert_int_equal(member_search_keys_update(st, 10, 1), 0);
	run(st, "UPDATE members SET name_pinyin = 'stale' WHERE enterprise_id = 10 AND user_id = 1");
	assert_int_equal(member_search_keys_backfill(st), 3); /* rows with keys are not looked at */
	expect_keys(st, 10, 1, "stale", "zs");
	expect_keys(st, 10, 2, "wangxiaoming", "wxm");
	expect_keys(st, 20, 3, "alicewang", "aw");
	expect_keys(st, 20, 2, "xiaoming", "xm");
	assert_int_equal(member_search_keys_backfill(st), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_address_book__update_follows_the_stored_name, setup, teardown),
		cmocka_unit_test_setup_teardown(test_address_book__backfill_fills_rows_without_keys, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
