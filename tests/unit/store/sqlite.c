/* Unit tests of store/sqlite.c: migrations, statement cache, errors, transactions, backup. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "core/embedded.h"
#include "store/store.h"

/* Each test gets a fresh, migrated in-memory store. */
static int open_store(void **state)
{
	char err[256];
	struct store *st = store_open(":memory:", err, sizeof(err));
	if (!st) {
		fprintf(stderr, "store_open: %s\n", err);
		return -1;
	}
	if (store_migrate(st, err, sizeof(err))) {
		fprintf(stderr, "store_migrate: %s\n", err);
		store_close(st);
		return -1;
	}
	*state = st;
	return 0;
}

static int close_store(void **state)
{
	store_close(*state);
	return 0;
}

static int64_t count_users(struct store *st)
{
	struct store_stmt *s = store_prepare(st, "SELECT count(*) FROM users");
	assert_int_equal(store_step(s), STORE_ROW);
	int64_t n = store_col_int(s, 0);
	store_reset(s);
	return n;
}

static enum store_rc add_user(struct store *st, int64_t id, const char *phone_index)
{
	struct store_stmt *s = store_prepare(st,
		"INSERT INTO users (id, phone_index, phone_sealed, name, policy_version, created_at, updated_at)"
		" VALUES (?, ?, ?, ?, 'v1', 1, 1)");
	store_bind_int(s, 1, id);
	store_bind_blob(s, 2, phone_index, strlen(phone_index));
	store_bind_blob(s, 3, "sealed", 6);
	store_bind_text(s, 4, "Li Lei", -1);
	return store_run(s);
}

static int has_table(struct store *st, const char *name)
{
	struct store_stmt *s = store_prepare(st,
		"SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?");
	store_bind_text(s, 1, name, -1);
	assert_int_equal(store_step(s), STORE_ROW);
	int n = (int)store_col_int(s, 0);
	store_reset(s);
	return n;
}

static void test_sqlite__migrate_applies_every_migration_once(void **state)
{
	struct store *st = *state;
	char err[256] = "";
	assert_true(embedded_migrations_count > 0);
	assert_int_equal(store_migration_count(st), embedded_migrations_count);

	/* Recorded by name, in order. */
	struct store_stmt *s = store_prepare(st, "SELECT name, applied_at FROM schema_migrations ORDER BY name");
	for (unsigned i = 0; i < embedded_migrations_count; i++) {
		assert_int_equal(store_step(s), STORE_ROW);
		assert_string_equal(store_col_text(s, 0), embedded_migrations[i].name);
		assert_true(store_col_int(s, 1) > 0);
	}
	assert_int_equal(store_step(s), STORE_DONE);

	/* A second run applies nothing: no error, same count, the data untouched. */
	assert_int_equal(add_user(st, 1, "idx-1"), STORE_DONE);
	assert_int_equal(store_migrate(st, err, sizeof(err)), 0);
	assert_int_equal(store_migration_count(st), embedded_migrations_count);
	assert_int_equal(count_users(st), 1);
	assert_int_equal(store_ping(st), 0);
}

static void test_sqlite__migrate_on_an_empty_store(void **state)
{
	char err[256] = "";
	struct store *st = store_open(":memory:", err, sizeof(err));
	assert_non_null(st);
	assert_int_equal(store_migrate(st, err, sizeof(err)), 0);
	assert_int_equal(store_migration_count(st), embedded_migrations_count);
	store_close(st);
}

static void test_sqlite__tables_exist(void **state)
{
	struct store *st = *state;
	static const char *tables[] = {
		"schema_migrations", "subject_keys", "users", "sessions", "known_devices",
		"verification_codes", "consents", "notifications",
	};
	for (size_t i = 0; i < sizeof(tables) / sizeof(tables[0]); i++)
		if (!has_table(st, tables[i]))
			fail_msg("table '%s' is missing after store_migrate", tables[i]);
	assert_int_equal(has_table(st, "no_such_table"), 0);
}

static struct store_stmt *select_param(struct store *st)
{
	return store_prepare(st, "SELECT ?1");
}

static void test_sqlite__statement_cache_returns_the_same_statement(void **state)
{
	struct store *st = *state;
	struct store_stmt *a = select_param(st);
	store_bind_int(a, 1, 7);
	assert_int_equal(store_step(a), STORE_ROW);
	assert_int_equal(store_col_int(a, 0), 7);

	/* Asked again mid-result: the same statement, reset and with its binding cleared. */
	struct store_stmt *b = select_param(st);
	assert_ptr_equal(a, b);
	assert_int_equal(store_step(b), STORE_ROW);
	assert_true(store_col_is_null(b, 0));
	assert_string_equal(store_col_text(b, 0), "");
	assert_int_equal(store_step(b), STORE_DONE);

	/* Another SQL text is another statement. */
	assert_ptr_not_equal(store_prepare(st, "SELECT 2"), a);
}

static void test_sqlite__binds_and_reads_back_every_type(void **state)
{
	struct store *st = *state;
	static const uint8_t blob[] = { 0, 1, 2, 0xff };
	struct store_stmt *s = store_prepare(st, "SELECT ?1, ?2, ?3, ?4, ?5");
	store_bind_int(s, 1, INT64_C(-9007199254740993));
	store_bind_text(s, 2, "héllo world", 5); /* a length cuts the text */
	store_bind_blob(s, 3, blob, sizeof(blob));
	store_bind_null(s, 4);
	store_bind_text(s, 5, NULL, -1);
	assert_int_equal(store_step(s), STORE_ROW);
	assert_int_equal(store_col_int(s, 0), INT64_C(-9007199254740993));
	assert_string_equal(store_col_text(s, 1), "h\xc3\xa9ll");
	size_t len = 0;
	const void *p = store_col_blob(s, 2, &len);
	assert_int_equal(len, sizeof(blob));
	assert_memory_equal(p, blob, sizeof(blob));
	assert_true(store_col_is_null(s, 3));
	assert_true(store_col_is_null(s, 4));
	assert_false(store_col_is_null(s, 0));
	store_reset(s);
}

static void test_sqlite__unique_violation_is_constraint(void **state)
{
	struct store *st = *state;
	assert_int_equal(add_user(st, 1, "same-index"), STORE_DONE);
	assert_int_equal(store_changes(st), 1);
	assert_int_equal(add_user(st, 2, "same-index"), STORE_CONSTRAINT);
	assert_int_equal(add_user(st, 1, "other-index"), STORE_CONSTRAINT); /* primary key */
	assert_int_equal(count_users(st), 1);
	/* The connection is still usable after the refusal. */
	assert_int_equal(add_user(st, 2, "other-index"), STORE_DONE);
	assert_int_equal(count_users(st), 2);
}

static void test_sqlite__foreign_keys_are_enforced(void **state)
{
	struct store *st = *state;
	struct store_stmt *s = store_prepare(st,
		"INSERT INTO known_devices (user_id, device_id, first_seen_at) VALUES (?, 'd1', 1)");
	store_bind_int(s, 1, 424242);
	assert_int_equal(store_run(s), STORE_CONSTRAINT);

	/* Deleting a user cascades to what references it. */
	assert_int_equal(add_user(st, 5, "idx-5"), STORE_DONE);
	s = store_prepare(st, "INSERT INTO known_devices (user_id, device_id, first_seen_at) VALUES (?, 'd1', 1)");
	store_bind_int(s, 1, 5);
	assert_int_equal(store_run(s), STORE_DONE);
	s = store_prepare(st, "DELETE FROM users WHERE id = ?");
	store_bind_int(s, 1, 5);
	assert_int_equal(store_run(s), STORE_DONE);
	s = store_prepare(st, "SELECT count(*) FROM known_devices");
	assert_int_equal(store_step(s), STORE_ROW);
	assert_int_equal(store_col_int(s, 0), 0);
	store_reset(s);
}

static void test_sqlite__check_constraint_is_constraint(void **state)
{
	struct store *st = *state;
	struct store_stmt *s = store_prepare(st,
		"INSERT INTO users (id, phone_index, phone_sealed, name, gender, policy_version, created_at, updated_at)"
		" VALUES (9, x'01', x'02', 'n', 'other', 'v1', 1, 1)");
	assert_int_equal(store_run(s), STORE_CONSTRAINT);
}

static void test_sqlite__rollback_leaves_nothing(void **state)
{
	struct store *st = *state;
	assert_int_equal(store_begin(st), STORE_OK);
	assert_int_equal(add_user(st, 1, "idx-1"), STORE_DONE);
	assert_int_equal(add_user(st, 2, "idx-2"), STORE_DONE);
	assert_int_equal(count_users(st), 2);
	store_rollback(st);
	assert_int_equal(count_users(st), 0);
	store_rollback(st); /* outside a transaction: harmless */

	assert_int_equal(store_begin(st), STORE_OK);
	assert_int_equal(add_user(st, 3, "idx-3"), STORE_DONE);
	assert_int_equal(store_commit(st), STORE_OK);
	assert_int_equal(count_users(st), 1);
}

struct tmp {
	char dir[64], db[128], other[128];
};

static void tmp_make(struct tmp *t)
{
	snprintf(t->dir, sizeof(t->dir), "/tmp/atrium-store-XXXXXX");
	assert_non_null(mkdtemp(t->dir));
	snprintf(t->db, sizeof(t->db), "%s/backup.db", t->dir);
	snprintf(t->other, sizeof(t->other), "%s/other", t->dir);
}

static void tmp_remove(struct tmp *t)
{
	static const char *suffix[] = { "", "-wal", "-shm", "-journal" };
	char p[160];
	for (size_t i = 0; i < sizeof(suffix) / sizeof(suffix[0]); i++) {
		snprintf(p, sizeof(p), "%s%s", t->db, suffix[i]);
		unlink(p);
		snprintf(p, sizeof(p), "%s%s", t->other, suffix[i]);
		unlink(p);
	}
	rmdir(t->dir);
}

static void test_sqlite__backup_check_and_restore(void **state)
{
	struct store *st = *state;
	struct tmp t;
	char err[512] = "", wal[160];
	tmp_make(&t);
	assert_int_equal(add_user(st, 1, "idx-1"), STORE_DONE);
	assert_int_equal(add_user(st, 2, "idx-2"), STORE_DONE);

	if (store_backup(st, t.db, err, sizeof(err)))
		fail_msg("store_backup: %s", err);
	snprintf(wal, sizeof(wal), "%s-wal", t.db);
	assert_int_equal(access(wal, F_OK), -1); /* one self-contained file */
	if (store_check_file(t.db, err, sizeof(err)))
		fail_msg("store_check_file: %s", err);

	/* Rows written after the backup are not in it. */
	assert_int_equal(add_user(st, 3, "idx-3"), STORE_DONE);

	char oerr[256];
	struct store *other = store_open(":memory:", oerr, sizeof(oerr));
	assert_non_null(other);
	if (store_restore(other, t.db, err, sizeof(err)))
		fail_msg("store_restore: %s", err);
	assert_int_equal(count_users(other), 2);
	assert_int_equal(store_migration_count(other), embedded_migrations_count);
	struct store_stmt *s = store_prepare(other, "SELECT name FROM users WHERE id = ?");
	store_bind_int(s, 1, 2);
	assert_int_equal(store_step(s), STORE_ROW);
	assert_string_equal(store_col_text(s, 0), "Li Lei");
	store_reset(s);
	store_close(other);

	/* Restoring over a store that holds other rows replaces them. */
	assert_int_equal(count_users(st), 3);
	assert_int_equal(store_restore(st, t.db, err, sizeof(err)), 0);
	assert_int_equal(count_users(st), 2);
	tmp_remove(&t);
}

static void test_sqlite__check_file_rejects_what_is_not_ours(void **state)
{
	struct tmp t;
	char err[512] = "";
	tmp_make(&t);

	/* Not a database. */
	FILE *f = fopen(t.other, "w");
	assert_non_null(f);
	for (int i = 0; i < 200; i++)
		fputs("this is not a database, just text\n", f);
	fclose(f);
	assert_int_equal(store_check_file(t.other, err, sizeof(err)), -1);
	assert_non_null(strstr(err, t.other));

	/* A sound SQLite database, but not Atrium's. */
	unlink(t.other);
	err[0] = '\0';
	struct store *plain = store_open(t.other, err, sizeof(err));
	assert_non_null(plain);
	store_close(plain);
	assert_int_equal(store_check_file(t.other, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "schema_migrations"));

	/* No file at all. */
	err[0] = '\0';
	assert_int_equal(store_check_file("/nonexistent/dir/atrium.db", err, sizeof(err)), -1);
	assert_true(err[0] != '\0');

	/* Restoring from a file that is not a database fails and keeps the store as it was. */
	struct store *st = *state;
	f = fopen(t.db, "w");
	assert_non_null(f);
	fputs("garbage garbage garbage garbage garbage garbage garbage garbage garbage garbage\n", f);
	fclose(f);
	assert_int_equal(add_user(st, 1, "idx-1"), STORE_DONE);
	assert_int_equal(store_restore(st, t.db, err, sizeof(err)), -1);
	assert_int_equal(count_users(st), 1);
	tmp_remove(&t);
}

static void test_sqlite__open_fails_with_a_message(void **state)
{
	char err[256] = "";
	assert_null(store_open("/nonexistent/dir/atrium.db", err, sizeof(err)));
	assert_non_null(strstr(err, "/nonexistent/dir/atrium.db"));
	store_close(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_sqlite__migrate_applies_every_migration_once, open_store, close_store),
		cmocka_unit_test(test_sqlite__migrate_on_an_empty_store),
		cmocka_unit_test_setup_teardown(test_sqlite__tables_exist, open_store, close_store),
		cmocka_unit_test_setup_teardown(test_sqlite__statement_cache_returns_the_same_statement, open_store, close_store),
		cmocka_unit_test_setup_teardown(test_sqlite__binds_and_reads_back_every_type, open_store, close_store),
		cmocka_unit_test_setup_teardown(test_sqlite__unique_violation_is_constraint, open_store, close_store),
		cmocka_unit_test_setup_teardown(test_sqlite__foreign_keys_are_enforced, open_store, close_store),
		cmocka_unit_test_setup_teardown(test_sqlite__check_constraint_is_constraint, open_store, close_store),
		cmocka_unit_test_setup_teardown(test_sqlite__rollback_leaves_nothing, open_store, close_store),
		cmocka_unit_test_setup_teardown(test_sqlite__backup_check_and_restore, open_store, close_store),
		cmocka_unit_test_setup_teardown(test_sqlite__check_file_rejects_what_is_not_ours, open_store, close_store),
		cmocka_unit_test(test_sqlite__open_fails_with_a_message),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
