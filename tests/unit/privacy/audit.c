/*
 * Unit tests of privacy/audit.c: the chain verifies when untouched, and a changed, removed or
 * reordered entry is named; the hash is the one audit.h documents; the access listing.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <sodium.h>
#include "../../../src/privacy/audit.c"

#define N 5

struct fixture {
	struct store *st;
	int64_t id[N]; /* the entries appended by setup, oldest first */
};

static void append(struct store *st, int64_t actor, const char *action, int64_t subject,
		   const char *object, const char *detail)
{
	assert_int_equal(store_begin(st), STORE_OK);
	assert_int_equal(audit_append(st, actor, action, subject, object, detail), 0);
	assert_int_equal(store_commit(st), STORE_OK);
}

/* Each test gets a fresh migrated in-memory store holding a chain of N entries. */
static int setup(void **state)
{
	char err[256];
	struct fixture *f = calloc(1, sizeof(*f));
	if (!(f->st = store_open(":memory:", err, sizeof(err))) || store_migrate(f->st, err, sizeof(err))) {
		fprintf(stderr, "store: %s\n", err);
		return -1;
	}
	append(f->st, 10, "account.register", 10, "user:10", NULL);
	append(f->st, 10, "consent.grant", 10, "purpose:privacy_policy", "{\"policy_version\":\"abc\"}");
	append(f->st, 20, "export.read", 10, "export:456", "");
	append(f->st, 0, "retention.sweep", 10, "sessions", "{\"rows\":3}");
	append(f->st, 10, "session.revoke", 10, "session:77", NULL);
	struct store_stmt *s = store_prepare(f->st, "SELECT id FROM audit_log ORDER BY id");
	for (int i = 0; i < N; i++) {
		if (store_step(s) != STORE_ROW)
			return -1;
		f->id[i] = store_col_int(s, 0);
	}
	store_reset(s);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	store_close(f->st);
	free(f);
	return 0;
}

/* Verifies and returns the first bad id (0 when intact), checking the two answers agree. */
static int64_t first_bad(struct store *st)
{
	char why[256];
	int64_t bad = -1;
	int rc = audit_verify(st, &bad, why, sizeof(why));
	if (rc == 0) {
		assert_int_equal(bad, 0);
		assert_string_equal(why, "");
	} else {
		assert_int_equal(rc, -1);
		assert_true(bad > 0);
		assert_true(strlen(why) > 10);
	}
	return bad;
}

static void test_audit__untouched_chain_verifies(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(first_bad(f->st), 0);
	assert_int_equal(audit_count(f->st), N);
	for (int i = 1; i < N; i++)
		assert_true(f->id[i] > f->id[i - 1]);

	/* The stored text is what was given; NULL detail is stored as "". */
	struct store_stmt *s = store_prepare(f->st,
		"SELECT actor, action, subject, object, detail FROM audit_log WHERE id = ?");
	store_bind_int(s, 1, f->id[1]);
	assert_int_equal(store_step(s), STORE_ROW);
	assert_int_equal(store_col_int(s, 0), 10);
	assert_string_equal(store_col_text(s, 1), "consent.grant");
	assert_int_equal(store_col_int(s, 2), 10);
	assert_string_equal(store_col_text(s, 3), "purpose:privacy_policy");
	assert_string_equal(store_col_text(s, 4), "{\"policy_version\":\"abc\"}");
	store_reset(s);
	s = store_prepare(f->st, "SELECT detail FROM audit_log WHERE id = ?");
	store_bind_int(s, 1, f->id[0]);
	assert_int_equal(store_step(s), STORE_ROW);
	assert_false(store_col_is_null(s, 0));
	assert_string_equal(store_col_text(s, 0), "");
	store_reset(s);
}

static void test_audit__an_empty_chain_verifies(void **state)
{
	char err[256];
	struct store *st = store_open(":memory:", err, sizeof(err));
	assert_non_null(st);
	assert_int_equal(store_migrate(st, err, sizeof(err)), 0);
	assert_int_equal(first_bad(st), 0);
	assert_int_equal(audit_count(st), 0);
	store_close(st);
}

static void read_hashes(struct store *st, int64_t id, uint8_t prev[32], uint8_t hash[32])
{
	struct store_stmt *s = store_prepare(st, "SELECT prev_hash, hash FROM audit_log WHERE id = ?");
	size_t plen, hlen;
	store_bind_int(s, 1, id);
	assert_int_equal(store_step(s), STORE_ROW);
	const void *p = store_col_blob(s, 0, &plen), *h = store_col_blob(s, 1, &hlen);
	assert_int_equal(plen, 32);
	assert_int_equal(hlen, 32);
	memcpy(prev, p, 32);
	memcpy(hash, h, 32);
	store_reset(s);
}

static void test_audit__first_entry_links_to_zeros_and_each_to_the_one_before(void **state)
{
	struct fixture *f = *state;
	static const uint8_t zeros[32];
	uint8_t prev[32], hash[32], before[32];
	read_hashes(f->st, f->id[0], prev, hash);
	assert_memory_equal(prev, zeros, 32);
	assert_memory_not_equal(hash, zeros, 32);
	for (int i = 1; i < N; i++) {
		memcpy(before, hash, 32);
		read_hashes(f->st, f->id[i], prev, hash);
		assert_memory_equal(prev, before, 32);
	}
}

static void be64(uint8_t *b, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		b[i] = (uint8_t)(v >> (56 - 8 * i));
}

/* The documented encoding, built independently of audit.c, gives the stored hash: anyone can
 * verify a copy of the database from audit.h alone. */
static void test_audit__hash_is_the_documented_encoding(void **state)
{
	struct fixture *f = *state;
	uint8_t prev[32], hash[32], want[32], buf[512];
	size_t n = 32;
	read_hashes(f->st, f->id[1], prev, hash);
	memcpy(buf, prev, 32);
	struct store_stmt *s = store_prepare(f->st, "SELECT at FROM audit_log WHERE id = ?");
	store_bind_int(s, 1, f->id[1]);
	assert_int_equal(store_step(s), STORE_ROW);
	int64_t at = store_col_int(s, 0);
	store_reset(s);
	const int64_t vals[3] = { f->id[1], at, 10 }; /* id, at, actor */
	for (int i = 0; i < 3; i++) {
		be64(buf + n, 8);
		be64(buf + n + 8, (uint64_t)vals[i]);
		n += 16;
	}
	const char *action = "consent.grant", *object = "purpose:privacy_policy",
		   *detail = "{\"policy_version\":\"abc\"}";
	be64(buf + n, strlen(action));
	memcpy(buf + n + 8, action, strlen(action));
	n += 8 + strlen(action);
	be64(buf + n, 8);
	be64(buf + n + 8, 10); /* subject */
	n += 16;
	be64(buf + n, strlen(object));
	memcpy(buf + n + 8, object, strlen(object));
	n += 8 + strlen(object);
	be64(buf + n, strlen(detail));
	memcpy(buf + n + 8, detail, strlen(detail));
	n += 8 + strlen(detail);
	crypto_generichash(want, sizeof(want), buf, n, NULL, 0);
	assert_memory_equal(hash, want, 32);
}

static void test_audit__a_changed_field_is_named(void **state)
{
	struct fixture *f = *state;
	int64_t middle = f->id[2];
	struct store_stmt *s;

	s = store_prepare(f->st, "UPDATE audit_log SET action = 'export.read_nothing' WHERE id = ?");
	store_bind_int(s, 1, middle);
	assert_int_equal(store_run(s), STORE_DONE);
	assert_int_equal(first_bad(f->st), middle);
	/* Putting the value back makes it whole again: the check is on content, nothing else. */
	s = store_prepare(f->st, "UPDATE audit_log SET action = 'export.read' WHERE id = ?");
	store_bind_int(s, 1, middle);
	assert_int_equal(store_run(s), STORE_DONE);
	assert_int_equal(first_bad(f->st), 0);

	s = store_prepare(f->st, "UPDATE audit_log SET actor = 10 WHERE id = ?"); /* hide who read it */
	store_bind_int(s, 1, middle);
	assert_int_equal(store_run(s), STORE_DONE);
	assert_int_equal(first_bad(f->st), middle);
	s = store_prepare(f->st, "UPDATE audit_log SET actor = 20 WHERE id = ?");
	store_bind_int(s, 1, middle);
	assert_int_equal(store_run(s), STORE_DONE);

	s = store_prepare(f->st, "UPDATE audit_log SET at = at - 86400000 WHERE id = ?");
	store_bind_int(s, 1, middle);
	assert_int_equal(store_run(s), STORE_DONE);
	assert_int_equal(first_bad(f->st), middle);
	s = store_prepare(f->st, "UPDATE audit_log SET at = at + 86400000 WHERE id = ?");
	store_bind_int(s, 1, middle);
	assert_int_equal(store_run(s), STORE_DONE);

	/* A byte appended after a NUL would read as the same C string: still caught. */
	s = store_prepare(f->st, "UPDATE audit_log SET detail = CAST(x'007a' AS TEXT) WHERE id = ?");
	store_bind_int(s, 1, middle);
	assert_int_equal(store_run(s), STORE_DONE);
	assert_int_equal(first_bad(f->st), middle);
	s = store_prepare(f->st, "UPDATE audit_log SET detail = '' WHERE id = ?");
	store_bind_int(s, 1, middle);
	assert_int_equal(store_run(s), STORE_DONE);
	assert_int_equal(first_bad(f->st), 0);

	/* A forged hash for the changed entry moves the break to the next link. */
	s = store_prepare(f->st, "UPDATE audit_log SET hash = zeroblob(32) WHERE id = ?");
	store_bind_int(s, 1, middle);
	assert_int_equal(store_run(s), STORE_DONE);
	assert_int_equal(first_bad(f->st), middle);
}

static void test_audit__a_rehashed_forgery_breaks_the_next_link(void **state)
{
	struct fixture *f = *state;
	int64_t middle = f->id[2];
	uint8_t prev[32], hash[32];
	/* The forger rewrites the entry and its own hash consistently... */
	struct store_stmt *s = store_prepare(f->st, "UPDATE audit_log SET actor = 10 WHERE id = ?");
	store_bind_int(s, 1, middle);
	assert_int_equal(store_run(s), STORE_DONE);
	read_hashes(f->st, middle, prev, hash);
	s = store_prepare(f->st, "SELECT at FROM audit_log WHERE id = ?");
	store_bind_int(s, 1, middle);
	assert_int_equal(store_step(s), STORE_ROW);
	struct fields fl = {
		.id = middle, .at = store_col_int(s, 0), .actor = 10, .subject = 10,
		.action = "export.read", .action_len = 11, .object = "export:456", .object_len = 10,
		.detail = "", .detail_len = 0,
	};
	store_reset(s);
	entry_hash(prev, &fl, hash);
	s = store_prepare(f->st, "UPDATE audit_log SET hash = ? WHERE id = ?");
	store_bind_blob(s, 1, hash, 32);
	store_bind_int(s, 2, middle);
	assert_int_equal(store_run(s), STORE_DONE);
	/* ...and the entry after it no longer links. */
	assert_int_equal(first_bad(f->st), f->id[3]);
}

static void test_audit__a_removed_entry_is_named_by_the_one_after_the_gap(void **state)
{
	struct fixture *f = *state;
	struct store_stmt *s = store_prepare(f->st, "DELETE FROM audit_log WHERE id = ?");
	store_bind_int(s, 1, f->id[2]);
	assert_int_equal(store_run(s), STORE_DONE);
	assert_int_equal(store_changes(f->st), 1);
	assert_int_equal(first_bad(f->st), f->id[3]);
}

static void test_audit__a_removed_first_entry_is_caught(void **state)
{
	struct fixture *f = *state;
	struct store_stmt *s = store_prepare(f->st, "DELETE FROM audit_log WHERE id = ?");
	store_bind_int(s, 1, f->id[0]);
	assert_int_equal(store_run(s), STORE_DONE);
	assert_int_equal(first_bad(f->st), f->id[1]);
}

static void test_audit__reordered_entries_are_caught(void **state)
{
	struct fixture *f = *state;
	/* Swap the ids of entries 1 and 3 (through a free id, as the key is unique). */
	struct store_stmt *s = store_prepare(f->st, "UPDATE audit_log SET id = ? WHERE id = ?");
	store_bind_int(s, 1, 1);
	store_bind_int(s, 2, f->id[1]);
	assert_int_equal(store_run(s), STORE_DONE);
	s = store_prepare(f->st, "UPDATE audit_log SET id = ? WHERE id = ?");
	store_bind_int(s, 1, f->id[1]);
	store_bind_int(s, 2, f->id[3]);
	assert_int_equal(store_run(s), STORE_DONE);
	s = store_prepare(f->st, "UPDATE audit_log SET id = ? WHERE id = ?");
	store_bind_int(s, 1, f->id[3]);
	store_bind_int(s, 2, 1);
	assert_int_equal(store_run(s), STORE_DONE);
	assert_int_equal(first_bad(f->st), f->id[1]);
}

/* Entries dropped from the end leave a chain intact in itself: the head catches it. */
static void test_audit__entries_dropped_from_the_end_are_caught(void **state)
{
	struct fixture *f = *state;
	struct store_stmt *s = store_prepare(f->st, "DELETE FROM audit_log WHERE id = ?");
	store_bind_int(s, 1, f->id[N - 1]);
	assert_int_equal(store_run(s), STORE_DONE);
	assert_int_equal(first_bad(f->st), f->id[N - 1]);
}

/* With the key set, a head rewritten to match a shortened chain fails its seal. */
static void test_audit__a_forged_head_fails_its_seal(void **state)
{
	struct fixture *f = *state;
	uint8_t master[KEYRING_KEY_LEN] = { 7 }, prev[32], hash[32];
	struct keyring *kr = keyring_from_bytes(master);
	audit_set_key(kr);
	append(f->st, 10, "session.revoke", 10, "session:78", NULL); /* the head is sealed now */
	assert_int_equal(first_bad(f->st), 0);
	int64_t newest;
	struct store_stmt *s = store_prepare(f->st, "SELECT max(id) FROM audit_log");
	assert_int_equal(store_step(s), STORE_ROW);
	newest = store_col_int(s, 0);
	store_reset(s);
	/* drop the newest entry and point the head at the one before, as a forger would */
	read_hashes(f->st, f->id[N - 1], prev, hash);
	s = store_prepare(f->st, "DELETE FROM audit_log WHERE id = ?");
	store_bind_int(s, 1, newest);
	assert_int_equal(store_run(s), STORE_DONE);
	s = store_prepare(f->st, "UPDATE audit_head SET last_id = ?, entries = entries - 1, hash = ?");
	store_bind_int(s, 1, f->id[N - 1]);
	store_bind_blob(s, 2, hash, 32);
	assert_int_equal(store_run(s), STORE_DONE);
	assert_int_not_equal(first_bad(f->st), 0);
	audit_set_key(NULL);
	keyring_free(kr);
}

static void test_audit__a_rolled_back_append_leaves_no_trace(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(store_begin(f->st), STORE_OK);
	assert_int_equal(audit_append(f->st, 10, "account.email_change", 10, "user:10", NULL), 0);
	store_rollback(f->st);
	assert_int_equal(audit_count(f->st), N);
	append(f->st, 10, "account.email_change", 10, "user:10", NULL);
	assert_int_equal(audit_count(f->st), N + 1);
	assert_int_equal(first_bad(f->st), 0);
}

/* After the clock steps back (or another node's ids run ahead), new entries still sort last. */
static void test_audit__an_entry_sorts_after_a_head_from_the_future(void **state)
{
	struct fixture *f = *state;
	int64_t future = f->id[N - 1] + ((int64_t)3600 * 1000 << 22); /* an hour ahead */
	uint8_t prev[32], hash[32];
	read_hashes(f->st, f->id[N - 1], prev, hash);
	struct store_stmt *s = store_prepare(f->st, "SELECT at FROM audit_log WHERE id = ?");
	store_bind_int(s, 1, f->id[N - 1]);
	assert_int_equal(store_step(s), STORE_ROW);
	struct fields fl = {
		.id = future, .at = store_col_int(s, 0), .actor = 10, .subject = 10,
		.action = "session.revoke", .action_len = 14, .object = "session:77", .object_len = 10,
		.detail = "", .detail_len = 0,
	};
	store_reset(s);
	entry_hash(prev, &fl, hash);
	s = store_prepare(f->st, "UPDATE audit_log SET id = ?, hash = ? WHERE id = ?");
	store_bind_int(s, 1, future);
	store_bind_blob(s, 2, hash, 32);
	store_bind_int(s, 3, f->id[N - 1]);
	assert_int_equal(store_run(s), STORE_DONE);
	/* as if it had been written so: the (unsealed, no key in this test) head says the same */
	s = store_prepare(f->st, "UPDATE audit_head SET last_id = ?, hash = ?");
	store_bind_int(s, 1, future);
	store_bind_blob(s, 2, hash, 32);
	assert_int_equal(store_run(s), STORE_DONE);
	assert_int_equal(first_bad(f->st), 0);

	append(f->st, 0, "retention.sweep", 10, "sessions", NULL);
	assert_int_equal(first_bad(f->st), 0);
	s = store_prepare(f->st, "SELECT max(id) FROM audit_log");
	assert_int_equal(store_step(s), STORE_ROW);
	assert_true(store_col_int(s, 0) > future);
	store_reset(s);
}

struct seen {
	int n;
	int64_t id[16], actor[16];
	char action[16][32];
};

static void collect(const struct audit_entry *e, void *arg)
{
	struct seen *s = arg;
	assert_true(s->n < 16);
	s->id[s->n] = e->id;
	s->actor[s->n] = e->actor;
	snprintf(s->action[s->n], sizeof(s->action[0]), "%s", e->action);
	s->n++;
}

static void test_audit__listing_by_others_is_newest_first_and_pages(void **state)
{
	struct fixture *f = *state;
	struct seen seen = { 0 };
	int64_t next = -1;
	append(f->st, 30, "profile.read", 10, "user:10", NULL);
	append(f->st, 30, "profile.read", 99, "user:99", NULL); /* someone else's data */

	/* What user 10 did to their own data is not an access by someone else. */
	assert_int_equal(audit_list(f->st, 10, AUDIT_BY_OTHERS, 0, 10, collect, &seen, &next), 0);
	assert_int_equal(seen.n, 3);
	assert_int_equal(next, 0);
	assert_string_equal(seen.action[0], "profile.read");
	assert_int_equal(seen.actor[0], 30);
	assert_string_equal(seen.action[1], "retention.sweep");
	assert_int_equal(seen.actor[1], 0);
	assert_string_equal(seen.action[2], "export.read");
	assert_int_equal(seen.actor[2], 20);

	/* Two pages of two and one, no entry twice. */
	memset(&seen, 0, sizeof(seen));
	assert_int_equal(audit_list(f->st, 10, AUDIT_BY_OTHERS, 0, 2, collect, &seen, &next), 0);
	assert_int_equal(seen.n, 2);
	assert_int_equal(next, seen.id[1]);
	assert_int_equal(audit_list(f->st, 10, AUDIT_BY_OTHERS, next, 2, collect, &seen, &next), 0);
	assert_int_equal(seen.n, 3);
	assert_int_equal(next, 0);
	assert_int_equal(seen.id[2], f->id[2]);
	assert_true(seen.id[0] > seen.id[1] && seen.id[1] > seen.id[2]);

	/* Without the filter, every entry about user 10. */
	memset(&seen, 0, sizeof(seen));
	assert_int_equal(audit_list(f->st, 10, 0, 0, 100, collect, &seen, &next), 0);
	assert_int_equal(seen.n, N + 1);
	/* A user nobody touched has an empty list. */
	memset(&seen, 0, sizeof(seen));
	assert_int_equal(audit_list(f->st, 12345, AUDIT_BY_OTHERS, 0, 10, collect, &seen, &next), 0);
	assert_int_equal(seen.n, 0);
	assert_int_equal(next, 0);
}

static void test_audit__object_names_kind_and_id(void **state)
{
	char buf[AUDIT_OBJECT_LEN];
	assert_string_equal(audit_object("consent", 123, buf), "consent:123");
	assert_string_equal(audit_object("session", 7399848261025792LL, buf), "session:7399848261025792");
	/* A long kind is cut, never overflows. */
	char kind[100];
	memset(kind, 'k', sizeof(kind) - 1);
	kind[sizeof(kind) - 1] = '\0';
	audit_object(kind, 1, buf);
	assert_int_equal(strlen(buf), 42);
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_audit__untouched_chain_verifies),
		cmocka_unit_test(test_audit__an_empty_chain_verifies),
		T(test_audit__first_entry_links_to_zeros_and_each_to_the_one_before),
		T(test_audit__hash_is_the_documented_encoding),
		T(test_audit__a_changed_field_is_named),
		T(test_audit__a_rehashed_forgery_breaks_the_next_link),
		T(test_audit__a_removed_entry_is_named_by_the_one_after_the_gap),
		T(test_audit__a_removed_first_entry_is_caught),
		T(test_audit__reordered_entries_are_caught),
		T(test_audit__a_rolled_back_append_leaves_no_trace),
		T(test_audit__entries_dropped_from_the_end_are_caught),
		T(test_audit__a_forged_head_fails_its_seal),
		T(test_audit__an_entry_sorts_after_a_head_from_the_future),
		T(test_audit__listing_by_others_is_newest_first_and_pages),
		cmocka_unit_test(test_audit__object_names_kind_and_id),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
