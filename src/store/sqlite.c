/* The SQLite backend of store.h. */
#include <assert.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>
#include "core/clock.h"
#include "core/embedded.h"
#include "core/mem.h"
#include "store/store.h"
#include "core/banned.h"

#define CACHE_SLOTS 256 /* power of two, well above the number of distinct statements */

struct store {
	sqlite3 *db;
	struct cached {
		const char *sql;
		sqlite3_stmt *stmt;
	} cache[CACHE_SLOTS];
};

static enum store_rc map(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_OK: return STORE_OK;
	case SQLITE_ROW: return STORE_ROW;
	case SQLITE_DONE: return STORE_DONE;
	case SQLITE_CONSTRAINT: return STORE_CONSTRAINT;
	case SQLITE_BUSY:
	case SQLITE_LOCKED: return STORE_BUSY;
	default: return STORE_ERROR;
	}
}

static int exec(struct store *st, const char *sql)
{
	return sqlite3_exec(st->db, sql, NULL, NULL, NULL);
}

static void configure(void)
{
	/* Each loop has its own connection: SQLite's global allocation statistics would only add a
	 * mutex every loop takes on every allocation. */
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

struct store *store_open(const char *path, char *err, size_t errlen)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, configure);
	struct store *st = xcalloc(1, sizeof(*st));
	int rc = sqlite3_open_v2(path, &st->db,
				 SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		snprintf(err, errlen, "cannot open database '%s': %s", path,
			 st->db ? sqlite3_errmsg(st->db) : sqlite3_errstr(rc));
		goto fail;
	}
	sqlite3_busy_timeout(st->db, 5000);
	sqlite3_extended_result_codes(st->db, 1);
	/*
	 * WAL lets readers on other loops go on while one writes.  synchronous=FULL syncs the WAL at
	 * every commit: an acknowledged write survives not only kill -9 but a power cut.
	 */
	if (exec(st, "PRAGMA journal_mode=WAL") || exec(st, "PRAGMA synchronous=FULL") ||
	    exec(st, "PRAGMA foreign_keys=ON") || exec(st, "PRAGMA secure_delete=ON") ||
	    exec(st, "PRAGMA mmap_size=268435456")) {
		snprintf(err, errlen, "cannot set up database '%s': %s", path, sqlite3_errmsg(st->db));
		goto fail;
	}
	return st;
fail:
	store_close(st);
	return NULL;
}

void store_close(struct store *st)
{
	if (!st)
		return;
	for (int i = 0; i < CACHE_SLOTS; i++)
		sqlite3_finalize(st->cache[i].stmt);
	sqlite3_close(st->db);
	free(st);
}

struct store_stmt *store_prepare(struct store *st, const char *sql)
{
	uintptr_t h = (uintptr_t)sql;
	h ^= h >> 17;
	h *= 0x9E3779B97F4A7C15ull;
	for (unsigned i = 0; i < CACHE_SLOTS; i++) {
		struct cached *c = &st->cache[(h + i) & (CACHE_SLOTS - 1)];
		if (c->sql == sql) {
			sqlite3_reset(c->stmt);
			sqlite3_clear_bindings(c->stmt);
			return (struct store_stmt *)c->stmt;
		}
		if (!c->sql) {
			if (sqlite3_prepare_v3(st->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &c->stmt, NULL)) {
				fprintf(stderr, "atrium: bad SQL: %s\n%s\n", sqlite3_errmsg(st->db), sql);
				abort();
			}
			c->sql = sql;
			return (struct store_stmt *)c->stmt;
		}
	}
	fputs("atrium: statement cache full\n", stderr);
	abort();
}

#define S(s) ((sqlite3_stmt *)(s))

void store_bind_int(struct store_stmt *s, int idx, int64_t v) { sqlite3_bind_int64(S(s), idx, v); }
void store_bind_null(struct store_stmt *s, int idx) { sqlite3_bind_null(S(s), idx); }

void store_bind_text(struct store_stmt *s, int idx, const char *text, int len)
{
	if (text)
		sqlite3_bind_text(S(s), idx, text, len, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(S(s), idx);
}

void store_bind_blob(struct store_stmt *s, int idx, const void *data, size_t len)
{
	sqlite3_bind_blob64(S(s), idx, data, len, SQLITE_TRANSIENT);
}

enum store_rc store_step(struct store_stmt *s)
{
	enum store_rc rc = map(sqlite3_step(S(s)));
	if (rc != STORE_ROW)
		sqlite3_reset(S(s));
	return rc;
}

enum store_rc store_run(struct store_stmt *s)
{
	enum store_rc rc;
	while ((rc = store_step(s)) == STORE_ROW)
		;
	return rc;
}

int store_col_is_null(struct store_stmt *s, int col) { return sqlite3_column_type(S(s), col) == SQLITE_NULL; }
int64_t store_col_int(struct store_stmt *s, int col) { return sqlite3_column_int64(S(s), col); }

const char *store_col_text(struct store_stmt *s, int col)
{
	const unsigned char *t = sqlite3_column_text(S(s), col);
	return t ? (const char *)t : "";
}

const void *store_col_blob(struct store_stmt *s, int col, size_t *len)
{
	const void *p = sqlite3_column_blob(S(s), col);
	*len = (size_t)sqlite3_column_bytes(S(s), col);
	return p;
}

enum store_type store_col_type(struct store_stmt *s, int col)
{
	switch (sqlite3_column_type(S(s), col)) {
	case SQLITE_INTEGER: return STORE_INT;
	case SQLITE_FLOAT: return STORE_FLOAT;
	case SQLITE_TEXT: return STORE_TEXT;
	case SQLITE_BLOB: return STORE_BLOB;
	default: return STORE_NULL;
	}
}

double store_col_float(struct store_stmt *s, int col) { return sqlite3_column_double(S(s), col); }

void store_reset(struct store_stmt *s) { sqlite3_reset(S(s)); }
int store_changes(struct store *st) { return sqlite3_changes(st->db); }

enum store_rc store_begin(struct store *st) { return map(exec(st, "BEGIN IMMEDIATE")); }

enum store_rc store_commit(struct store *st)
{
	enum store_rc rc = map(exec(st, "COMMIT"));
	if (rc != STORE_OK)
		store_rollback(st);
	return rc;
}

/* Prepared once, not parsed by sqlite3_exec() on every request. */
enum store_rc store_begin_read(struct store *st)
{
	return store_run(store_prepare(st, "BEGIN DEFERRED")) == STORE_DONE ? STORE_OK : STORE_ERROR;
}

void store_end_read(struct store *st)
{
	if (!sqlite3_get_autocommit(st->db))
		store_run(store_prepare(st, "COMMIT"));
}

void store_rollback(struct store *st)
{
	if (!sqlite3_get_autocommit(st->db))
		exec(st, "ROLLBACK");
}

void store_checkpoint(struct store *st)
{
	sqlite3_wal_checkpoint_v2(st->db, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
}

int store_ping(struct store *st)
{
	struct store_stmt *s = store_prepare(st, "SELECT count(*) FROM schema_migrations");
	enum store_rc rc = store_step(s);
	store_reset(s);
	return rc == STORE_ROW ? 0 : -1;
}

const char *store_errmsg(struct store *st) { return sqlite3_errmsg(st->db); }

int store_migration_count(struct store *st)
{
	struct store_stmt *s = store_prepare(st, "SELECT count(*) FROM schema_migrations");
	int n = store_step(s) == STORE_ROW ? (int)store_col_int(s, 0) : -1;
	store_reset(s);
	return n;
}

int store_migrate(struct store *st, char *err, size_t errlen)
{
	if (exec(st, "CREATE TABLE IF NOT EXISTS schema_migrations ("
		     " name TEXT PRIMARY KEY, applied_at INTEGER NOT NULL)")) {
		snprintf(err, errlen, "cannot create schema_migrations: %s", sqlite3_errmsg(st->db));
		return -1;
	}
	for (unsigned i = 0; i < embedded_migrations_count; i++) {
		const struct embedded *m = &embedded_migrations[i];
		/* Read and write under one IMMEDIATE transaction, so two servers starting at once
		 * cannot both apply the same migration. */
		if (store_begin(st) != STORE_OK) {
			snprintf(err, errlen, "cannot begin migration %s: %s", m->name, sqlite3_errmsg(st->db));
			return -1;
		}
		sqlite3_stmt *q;
		sqlite3_prepare_v2(st->db, "SELECT 1 FROM schema_migrations WHERE name = ?", -1, &q, NULL);
		sqlite3_bind_text(q, 1, m->name, -1, SQLITE_STATIC);
		int done = sqlite3_step(q) == SQLITE_ROW;
		sqlite3_finalize(q);
		if (done) {
			store_rollback(st);
			continue;
		}
		char *msg = NULL;
		if (sqlite3_exec(st->db, m->data, NULL, NULL, &msg)) {
			snprintf(err, errlen, "migration %s failed: %s", m->name, msg ? msg : "?");
			sqlite3_free(msg);
			store_rollback(st);
			return -1;
		}
		sqlite3_prepare_v2(st->db, "INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)",
				   -1, &q, NULL);
		sqlite3_bind_text(q, 1, m->name, -1, SQLITE_STATIC);
		sqlite3_bind_int64(q, 2, clock_now_ms());
		int rc = sqlite3_step(q);
		sqlite3_finalize(q);
		if (rc != SQLITE_DONE || store_commit(st) != STORE_OK) {
			snprintf(err, errlen, "cannot record migration %s: %s", m->name, sqlite3_errmsg(st->db));
			store_rollback(st);
			return -1;
		}
	}
	return 0;
}

static int backup_between(sqlite3 *from, sqlite3 *to, char *err, size_t errlen)
{
	sqlite3_backup *b = sqlite3_backup_init(to, "main", from, "main");
	if (!b) {
		snprintf(err, errlen, "backup: %s", sqlite3_errmsg(to));
		return -1;
	}
	int rc;
	/* All pages in one step: the copy is one consistent snapshot even while others write. */
	while ((rc = sqlite3_backup_step(b, -1)) == SQLITE_BUSY || rc == SQLITE_LOCKED)
		sqlite3_sleep(20);
	sqlite3_backup_finish(b);
	if (rc != SQLITE_DONE) {
		snprintf(err, errlen, "backup: %s", sqlite3_errstr(rc));
		return -1;
	}
	return 0;
}

int store_backup(struct store *st, const char *path, char *err, size_t errlen)
{
	sqlite3 *to;
	if (sqlite3_open_v2(path, &to, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL)) {
		snprintf(err, errlen, "cannot create '%s': %s", path, sqlite3_errmsg(to));
		sqlite3_close(to);
		return -1;
	}
	int rc = backup_between(st->db, to, err, errlen);
	/* A backup is one self-contained file: no WAL beside it. */
	if (!rc && sqlite3_exec(to, "PRAGMA journal_mode=DELETE", NULL, NULL, NULL)) {
		snprintf(err, errlen, "cannot finish '%s': %s", path, sqlite3_errmsg(to));
		rc = -1;
	}
	sqlite3_close(to);
	return rc;
}

int store_restore(struct store *st, const char *path, char *err, size_t errlen)
{
	sqlite3 *from;
	if (sqlite3_open_v2(path, &from, SQLITE_OPEN_READONLY, NULL)) {
		snprintf(err, errlen, "cannot open '%s': %s", path, sqlite3_errmsg(from));
		sqlite3_close(from);
		return -1;
	}
	int rc = backup_between(from, st->db, err, errlen);
	sqlite3_close(from);
	return rc;
}

int store_check_file(const char *path, char *err, size_t errlen)
{
	sqlite3 *db;
	int ok = 0;
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL)) {
		snprintf(err, errlen, "cannot open '%s': %s", path, sqlite3_errmsg(db));
		sqlite3_close(db);
		return -1;
	}
	sqlite3_stmt *q = NULL;
	if (sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &q, NULL) == SQLITE_OK &&
	    sqlite3_step(q) == SQLITE_ROW && !strcmp((const char *)sqlite3_column_text(q, 0), "ok"))
		ok = 1;
	sqlite3_finalize(q);
	if (!ok) {
		snprintf(err, errlen, "'%s' is not a sound database", path);
	} else if (sqlite3_prepare_v2(db, "SELECT count(*) FROM schema_migrations", -1, &q, NULL) ||
		   sqlite3_step(q) != SQLITE_ROW) {
		snprintf(err, errlen, "'%s' is not an Atrium database (no schema_migrations)", path);
		ok = 0;
	}
	sqlite3_finalize(q);
	sqlite3_close(db);
	return ok ? 0 : -1;
}
