/* Unit tests of apps/org/contact.c: who sees an external contact card, who inherits a leaver's
 * cards, and the handover itself (PP-09, PP-37), one enterprise at a time. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "apps/org/contact.h"
#include "store/store.h"

#include "../lib/db.h"

/*
 * Enterprise 10 (owner 1): department 100 with 101 below it, and 102 aside.  2 and 7 sit in 101,
 * 3 (disabled) and 4 head 101 with 2, 4 sits in 102 which has no head.  Enterprise 20 (owner 6)
 * has 2 as a member too.  Cards: 1001 of 2, private; 1002 of 2, shared with 100; 1003 of 4,
 * shared with colleague 2; 2001 of 2 in enterprise 20.
 */
static void seed(struct store *st)
{
	run(st, "INSERT INTO users (id, phone_index, phone_sealed, name, policy_version, created_at, updated_at)"
		" VALUES (1, x'01', x'01', 'a', '1', 0, 0), (2, x'02', x'02', 'b', '1', 0, 0), (3, x'03', x'03', 'c', '1', 0, 0),"
		" (4, x'04', x'04', 'd', '1', 0, 0), (6, x'06', x'06', 'f', '1', 0, 0), (7, x'07', x'07', 'g', '1', 0, 0)");
	run(st, "INSERT INTO enterprises (id, name, industry, size, region, owner_id, created_at, updated_at)"
		" VALUES (10, 'e', 'i', 's', 'r', 1, 0, 0), (20, 'f', 'i', 's', 'r', 6, 0, 0)");
	run(st, "INSERT INTO members (enterprise_id, user_id, name_in_enterprise, role, status, joined_at)"
		" VALUES (10, 1, 'a', 'owner', 'active', 0), (10, 2, 'b', 'member', 'active', 0),"
		" (10, 3, 'c', 'member', 'disabled', 0), (10, 4, 'd', 'member', 'active', 0), (10, 7, 'g', 'member', 'active', 0),"
		" (20, 6, 'f', 'owner', 'active', 0), (20, 2, 'b', 'member', 'active', 0)");
	run(st, "INSERT INTO departments (id, enterprise_id, name, parent_id) VALUES (100, 10, 'top', NULL), (101, 10, 'below', 100),"
		" (102, 10, 'aside', NULL)");
	run(st, "INSERT INTO member_departments (enterprise_id, user_id, department_id, is_primary)"
		" VALUES (10, 2, 101, 1), (10, 7, 101, 1), (10, 4, 102, 1)");
	run(st, "INSERT INTO department_heads (enterprise_id, department_id, user_id) VALUES (10, 101, 2), (10, 101, 3), (10, 101, 4)");
	run(st, "INSERT INTO external_contacts (enterprise_id, id, owner_id, name, created_at, updated_at)"
		" VALUES (10, 1001, 2, 'p', 0, 0), (10, 1002, 2, 'q', 0, 0), (10, 1003, 4, 'r', 0, 0), (20, 2001, 2, 's', 0, 0)");
	run(st, "INSERT INTO external_contact_departments (enterprise_id, contact_id, department_id) VALUES (10, 1002, 100)");
	run(st, "INSERT INTO external_contact_colleagues (enterprise_id, contact_id, colleague_id) VALUES (10, 1003, 2)");
}

static struct org_member member(struct store *st, int64_t eid, int64_t uid)
{
	struct org_member m;
	assert_int_equal(org_member_get(st, eid, uid, &m), 1);
	return m;
}

static void test_contact__visible_to_owner_shares_and_members_right(void **state)
{
	struct store *st = *state;
	seed(st);
	struct org_member two = member(st, 10, 2), four = member(st, 10, 4), seven = member(st, 10, 7);
	struct org_member owner = member(st, 10, 1), six = member(st, 20, 6), two_there = member(st, 20, 2);
	assert_int_equal(contact_visible(st, &two, 1001), 1);
	assert_int_equal(contact_visible(st, &two, 1003), 1);       /* shared with them by name */
	assert_int_equal(contact_visible(st, &seven, 1002), 1);     /* 101 lies below 100 */
	assert_int_equal(contact_visible(st, &seven, 1001), 0);
	assert_int_equal(contact_visible(st, &seven, 1003), 0);
	assert_int_equal(contact_visible(st, &four, 1002), 0);      /* 102 is not below 100 */
	assert_int_equal(contact_visible(st, &owner, 1001), 1);     /* the members right */
	assert_int_equal(contact_visible(st, &owner, 2001), 0);     /* another enterprise's card */
	assert_int_equal(contact_visible(st, &six, 1001), 0);
	assert_int_equal(contact_visible(st, &two_there, 2001), 1);
	assert_int_equal(contact_visible(st, &two_there, 1001), 0); /* the same person, in enterprise 20 */
	assert_int_equal(contact_visible(st, &two, 99999), 0);
}

static void test_contact__heir_is_an_active_head_else_the_owner(void **state)
{
	struct store *st = *state;
	seed(st);
	assert_int_equal(contact_heir(st, 10, 2), 4); /* not the leaver, not the disabled head 3 */
	assert_int_equal(contact_heir(st, 10, 7), 2); /* the first active head */
	assert_int_equal(contact_heir(st, 10, 4), 1); /* 102 has no head: the owner */
	assert_int_equal(contact_heir(st, 20, 2), 6); /* no department there */
}

static int64_t owner_of(struct store *st, int64_t eid, int64_t cid)
{
	struct store_stmt *s = store_prepare(st, "SELECT owner_id FROM external_contacts WHERE enterprise_id = ? AND id = ?");
	store_bind_int(s, 1, eid);
	store_bind_int(s, 2, cid);
	assert_int_equal(store_step(s), STORE_ROW);
	int64_t owner = store_col_int(s, 0);
	store_reset(s);
	return owner;
}

static void test_contact__handover_moves_cards_of_one_enterprise_and_drops_shares(void **state)
{
	struct store *st = *state;
	seed(st);
	assert_int_equal(contact_handover(st, 10, 2, 4), 2);
	assert_int_equal(owner_of(st, 10, 1001), 4);
	assert_int_equal(owner_of(st, 10, 1002), 4);
	assert_int_equal(owner_of(st, 10, 1003), 4);
	assert_int_equal(owner_of(st, 20, 2001), 2); /* their card elsewhere stays theirs */
	struct store_stmt *s = store_prepare(st, "SELECT count(*) FROM external_contact_colleagues WHERE colleague_id = 2");
	assert_int_equal(store_step(s), STORE_ROW);
	assert_int_equal(store_col_int(s, 0), 0);
	store_reset(s);
	s = store_prepare(st, "SELECT count(*) FROM external_contact_departments WHERE contact_id = 1002");
	assert_int_equal(store_step(s), STORE_ROW);
	assert_int_equal(store_col_int(s, 0), 1); /* the card's own shares stay */
	store_reset(s);
	assert_int_equal(contact_handover(st, 10, 2, 4), 0); /* nothing left: still fine */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_contact__visible_to_owner_shares_and_members_right, setup, teardown),
		cmocka_unit_test_setup_teardown(test_contact__heir_is_an_active_head_else_the_owner, setup, teardown),
		cmocka_unit_test_setup_teardown(test_contact__handover_moves_cards_of_one_enterprise_and_drops_shares, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
