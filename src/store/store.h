/*
 * Storage interface.  One struct store is one connection, used by one thread at a time (each
 * event loop has its own).  Statements are prepared once per connection and cached by their SQL
 * text; bind parameters are numbered from 1, result columns from 0.  The SQLite backend keeps its
 * types and error codes inside store/.
 */
#ifndef ATRIUM_STORE_STORE_H
#define ATRIUM_STORE_STORE_H
#include <stddef.h>
#include <stdint.h>

struct store;
struct store_stmt;

enum store_rc {
	STORE_OK = 0,
	STORE_ROW,        /* a result row is ready */
	STORE_DONE,       /* the statement has finished */
	STORE_CONSTRAINT, /* a UNIQUE, FOREIGN KEY or CHECK constraint said no */
	STORE_BUSY,       /* the database stayed locked past the busy timeout */
	STORE_ERROR,      /* anything else: I/O, corruption, misuse */
};

/*
 * Opens (creating if needed) the database file at path in WAL mode with foreign keys, a busy
 * timeout and synchronous commits.  ":memory:" gives a private in-memory database (tests).
 * Returns NULL with a message in err on failure.
 */
struct store *store_open(const char *path, char *err, size_t errlen);
/* Finalises cached statements and closes; NULL is fine. */
void store_close(struct store *st);

/*
 * Applies, in name order and each inside its own transaction, every embedded migration not yet
 * recorded in schema_migrations.  Returns 0, or -1 with the failing file and error in err (the
 * failing migration is rolled back; earlier ones stay).
 */
int store_migrate(struct store *st, char *err, size_t errlen);
/* Number of migrations applied so far, or -1. */
int store_migration_count(struct store *st);

/*
 * Returns the cached prepared statement for sql (a string literal: it is cached by its address
 * and text), reset and with its bindings cleared.  SQL that does not compile is a programmer
 * error and aborts.
 */
struct store_stmt *store_prepare(struct store *st, const char *sql);
void store_bind_int(struct store_stmt *s, int idx, int64_t v);
/* Binds a copy of text (len -1: up to the NUL); NULL binds SQL NULL. */
void store_bind_text(struct store_stmt *s, int idx, const char *text, int len);
void store_bind_blob(struct store_stmt *s, int idx, const void *data, size_t len);
void store_bind_null(struct store_stmt *s, int idx);
/* Runs one step. */
enum store_rc store_step(struct store_stmt *s);
/* Runs a statement that returns no rows to its end: STORE_DONE, or an error. */
enum store_rc store_run(struct store_stmt *s);
int store_col_is_null(struct store_stmt *s, int col);
int64_t store_col_int(struct store_stmt *s, int col);
/* Valid until the next step or reset of s; "" for NULL. */
const char *store_col_text(struct store_stmt *s, int col);
const void *store_col_blob(struct store_stmt *s, int col, size_t *len /* OUT */);
/* The type of a result value, for code that reads columns it does not know in advance (export). */
enum store_type { STORE_NULL, STORE_INT, STORE_FLOAT, STORE_TEXT, STORE_BLOB };
enum store_type store_col_type(struct store_stmt *s, int col);
double store_col_float(struct store_stmt *s, int col);
/* Resets s early, releasing its read lock; store_prepare() resets too. */
void store_reset(struct store_stmt *s);
/* Rows changed by the last INSERT, UPDATE or DELETE on this connection. */
int store_changes(struct store *st);

/* Transactions: BEGIN IMMEDIATE, so writers queue at the start, not at the first write. */
enum store_rc store_begin(struct store *st);
enum store_rc store_commit(struct store *st);
void store_rollback(struct store *st);
/*
 * A read transaction: every query until store_end_read() sees one snapshot, and the database's
 * locks are taken once instead of once a statement.  No writes inside it.
 */
enum store_rc store_begin_read(struct store *st);
void store_end_read(struct store *st);

/* Folds the WAL into the database file and truncates it, so old page images (of erased data)
 * are gone from the WAL too.  Best effort: readers elsewhere may keep some frames a moment. */
void store_checkpoint(struct store *st);

/* A cheap query that proves the database answers. */
int store_ping(struct store *st);
/* The last error text of this connection, for logs. */
const char *store_errmsg(struct store *st);

/* Copies the database consistently to a new file at path (online backup). */
int store_backup(struct store *st, const char *path, char *err, size_t errlen);
/* Replaces the database's content with the backup file at path (the server must be stopped). */
int store_restore(struct store *st, const char *path, char *err, size_t errlen);
/* Checks that the file at path is an Atrium database whose integrity check passes. */
int store_check_file(const char *path, char *err, size_t errlen);

#endif
