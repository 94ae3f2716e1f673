/*
 * Unit tests of the sequence logic of apps/im: every change of a conversation is the next seq,
 * with no gap, whoever writes it; leaving passes a group on; groups that follow the structure
 * catch up with it; a leaver's messages become tombstones that keep the sequence whole; who may
 * fetch a file a message carried.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "apps/im/conversation.h"
#include "apps/im/im.h"
#include "apps/org/org.h"
#include "store/store.h"
#include "../lib/db.h"

static int64_t count(struct store *st, const char *sql, int64_t a, int64_t b)
{
	struct store_stmt *s = store_prepare(st, sql);
	store_bind_int(s, 1, a);
	store_bind_int(s, 2, b);
	assert_int_equal(store_step(s), STORE_ROW);
	int64_t n = store_col_int(s, 0);
	store_reset(s);
	return n;
}

#define SEATS "SELECT count(*) FROM conversation_members WHERE conversation_id = ? AND user_id = ?"
#define ROLE_OWNER "SELECT count(*) FROM conversation_members WHERE conversation_id = ? AND user_id = ? AND role = 'owner'"
#define KIND_AT "SELECT count(*) FROM messages WHERE conversation_id = ? AND kind = 'member_leave' AND seq = ?"

/*
 * Enterprise 10: owner 1, members 2 to 5.  Departments 100 (研发) with 101 below it, and 102.
 * 2 sits in 100, 3 in 101, 4 in 102.  Group 500: owner 1, admin 3, members 2 and 4.
 */
static void seed(struct store *st)
{
	run(st, "INSERT INTO users (id, phone_index, phone_sealed, name, policy_version, created_at, updated_at)"
		" VALUES (1, x'01', x'01', 'a', '1', 0, 0), (2, x'02', x'02', 'b', '1', 0, 0), (3, x'03', x'03', 'c', '1', 0, 0),"
		" (4, x'04', x'04', 'd', '1', 0, 0), (5, x'05', x'05', 'e', '1', 0, 0)");
	run(st, "INSERT INTO enterprises (id, name, industry, size, region, owner_id, created_at, updated_at)"
		" VALUES (10, 'e', 'i', 's', 'r', 1, 0, 0)");
	run(st, "INSERT INTO members (enterprise_id, user_id, name_in_enterprise, role, status, joined_at)"
		" VALUES (10, 1, 'a', 'owner', 'active', 0), (10, 2, 'b', 'member', 'active', 0), (10, 3, 'c', 'member', 'active', 0),"
		" (10, 4, 'd', 'member', 'active', 0), (10, 5, 'e', 'member', 'active', 0)");
	run(st, "INSERT INTO departments (id, enterprise_id, name, parent_id) VALUES (100, 10, '研发', NULL), (101, 10, '前端', 100),"
		" (102, 10, '市场', NULL)");
	run(st, "INSERT INTO member_departments (enterprise_id, user_id, department_id, is_primary)"
		" VALUES (10, 2, 100, 1), (10, 3, 101, 1), (10, 4, 102, 1)");
	run(st, "INSERT INTO conversations (id, enterprise_id, kind, name, owner_id, max_members, last_at, created_at)"
		" VALUES (500, 10, 'group', 'g', 1, 100, 0, 0)");
	run(st, "INSERT INTO conversation_members (conversation_id, enterprise_id, user_id, role, joined_seq)"
		" VALUES (500, 10, 1, 'owner', 0), (500, 10, 3, 'admin', 0), (500, 10, 2, 'member', 0), (500, 10, 4, 'member', 0)");
}

static void test_im__events_take_the_next_seq_without_gap(void **state)
{
	struct store *st = *state;
	seed(st);
	for (int64_t i = 1; i <= 5; i++)
		assert_int_equal(im_event_append(st, 10, 500, 1, "group_update", "{}"), i);
	assert_int_equal(count(st, "SELECT last_seq FROM conversations WHERE id = ? AND enterprise_id = ?", 500, 10), 5);
	assert_int_equal(count(st, "SELECT count(DISTINCT seq) FROM messages WHERE conversation_id = ? AND seq <= ?", 500, 5), 5);
	assert_int_equal(im_event_append(st, 10, 999, 1, "group_update", "{}"), 0); /* no such conversation */
}

static void test_im__leaving_passes_the_group_to_an_admin_then_dissolves_it_when_empty(void **state)
{
	struct store *st = *state;
	seed(st);
	int64_t seq = im_seat_leave(st, 10, 500, 1);
	assert_true(seq > 0);
	assert_int_equal(count(st, KIND_AT, 500, seq), 1);
	assert_int_equal(count(st, SEATS, 500, 1), 0);
	assert_int_equal(count(st, ROLE_OWNER, 500, 3), 1); /* the administrator, not the longer member */
	assert_int_equal(count(st, "SELECT owner_id FROM conversations WHERE id = ? AND enterprise_id = ?", 500, 10), 3);
	assert_true(im_seat_leave(st, 10, 500, 3) > 0);
	assert_int_equal(count(st, ROLE_OWNER, 500, 2), 1); /* then the earliest member */
	assert_true(im_seat_leave(st, 10, 500, 2) > 0);
	assert_true(im_seat_leave(st, 10, 500, 4) > 0);
	assert_int_equal(count(st, "SELECT dissolved_at IS NOT NULL FROM conversations WHERE id = ? AND enterprise_id = ?", 500, 10), 1);
}

static void test_im__a_department_group_follows_the_subtree_and_keeps_its_owner(void **state)
{
	struct store *st = *state;
	seed(st);
	run(st, "INSERT INTO conversations (id, enterprise_id, kind, name, owner_id, department_id, max_members, last_at, created_at)"
		" VALUES (600, 10, 'department', '研发', 1, 100, 100, 0, 0)");
	run(st, "INSERT INTO conversation_members (conversation_id, enterprise_id, user_id, role, joined_seq) VALUES (600, 10, 1, 'owner', 0)");
	assert_int_equal(im_follow_one(st, 10, 600), 0);
	assert_int_equal(count(st, SEATS, 600, 2) + count(st, SEATS, 600, 3), 2); /* 100 and 101 below it */
	assert_int_equal(count(st, SEATS, 600, 4), 0);                             /* 102 is not */
	assert_int_equal(count(st, SEATS, 600, 1), 1);                             /* the owner stays */
	/* 3 moves to 102: out of the group, by an event. */
	run(st, "UPDATE member_departments SET department_id = 102 WHERE enterprise_id = 10 AND user_id = 3");
	assert_int_equal(im_follow_one(st, 10, 600), 0);
	assert_int_equal(count(st, SEATS, 600, 3), 0);
	assert_int_equal(count(st, "SELECT count(*) FROM messages WHERE conversation_id = ? AND kind = 'member_remove' AND ? = 1", 600, 1), 1);
	/* Nothing changed: no new event. */
	int64_t last = count(st, "SELECT last_seq FROM conversations WHERE id = ? AND enterprise_id = ?", 600, 10);
	assert_int_equal(im_follow_one(st, 10, 600), 0);
	assert_int_equal(count(st, "SELECT last_seq FROM conversations WHERE id = ? AND enterprise_id = ?", 600, 10), last);
	/* A new member joins at the group's current end: they see what comes after. */
	assert_int_equal(count(st, "SELECT joined_seq FROM conversation_members WHERE conversation_id = ? AND user_id = ?", 600, 2), 0);
}

static void test_im__a_leavers_messages_become_tombstones_when_the_enterprise_deletes_them(void **state)
{
	struct store *st = *state;
	seed(st);
	im_init();
	run(st, "INSERT INTO im_settings (enterprise_id, on_leave) VALUES (10, 'delete')");
	run(st, "INSERT INTO messages (conversation_id, seq, id, enterprise_id, sender_id, client_id, kind, body, created_at)"
		" VALUES (500, 1, 9001, 10, 2, 'c1', 'text', '{\"text\":\"秘密\"}', 0), (500, 2, 9002, 10, 4, NULL, 'text', '{\"text\":\"留下\"}', 0),"
		" (500, 3, 9003, 10, 2, NULL, 'text', '{\"text\":\"也走\"}', 0)");
	run(st, "UPDATE conversations SET last_seq = 3 WHERE id = 500");
	run(st, "INSERT INTO message_mentions (conversation_id, seq, user_id) VALUES (500, 1, 4)");
	assert_int_equal(org_erase_member(st, 10, 2), 0);
	assert_int_equal(count(st, "SELECT count(*) FROM messages WHERE conversation_id = ? AND kind = 'deleted' AND sender_id = 0"
				   " AND body = '{}' AND ? = 1", 500, 1), 2);
	assert_int_equal(count(st, "SELECT count(*) FROM messages WHERE conversation_id = ? AND body LIKE '%秘密%' AND ? = 1", 500, 1), 0);
	assert_int_equal(count(st, "SELECT count(*) FROM message_mentions WHERE conversation_id = ? AND seq = ?", 500, 1), 0);
	assert_int_equal(count(st, "SELECT count(*) FROM messages WHERE conversation_id = ? AND sender_id = ?", 500, 4), 1);
	/* The sequence stays whole: 1 to 3, then the member_leave event. */
	assert_int_equal(count(st, "SELECT count(*) = max(seq) FROM messages WHERE conversation_id = ? AND ? = 1", 500, 1), 1);
	assert_int_equal(count(st, SEATS, 500, 2), 0);
}

static void test_im__a_file_is_visible_to_members_who_saw_its_message(void **state)
{
	struct store *st = *state;
	seed(st);
	run(st, "INSERT INTO messages (conversation_id, seq, id, enterprise_id, sender_id, kind, body, created_at)"
		" VALUES (500, 1, 9001, 10, 1, 'file', '{}', 0)");
	run(st, "INSERT INTO message_files (conversation_id, seq, enterprise_id, file_id) VALUES (500, 1, 10, 7000)");
	assert_int_equal(im_file_visible(st, 10, 7000, 2), 1);
	assert_int_equal(im_file_visible(st, 10, 7000, 5), 0); /* not in the group */
	run(st, "INSERT INTO conversation_members (conversation_id, enterprise_id, user_id, joined_seq) VALUES (500, 10, 5, 1)");
	assert_int_equal(im_file_visible(st, 10, 7000, 5), 0); /* joined after it was sent */
	run(st, "UPDATE messages SET recalled_at = 1 WHERE conversation_id = 500 AND seq = 1");
	assert_int_equal(im_file_visible(st, 10, 7000, 2), 0); /* recalled */
	assert_int_equal(im_file_visible(st, 20, 7000, 2), 0); /* another enterprise's id */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_im__events_take_the_next_seq_without_gap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_im__leaving_passes_the_group_to_an_admin_then_dissolves_it_when_empty, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_im__a_department_group_follows_the_subtree_and_keeps_its_owner, setup, teardown),
		cmocka_unit_test_setup_teardown(test_im__a_leavers_messages_become_tombstones_when_the_enterprise_deletes_them, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_im__a_file_is_visible_to_members_who_saw_its_message, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
