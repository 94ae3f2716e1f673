/*
 * Erasure of an account, driven by the data map: for every table with a subject column, each
 * column's declared erasure is applied to the subject's rows (delete the row, clear or
 * pseudonymise the field, destroy the key, or keep with the named legal reason), in one
 * transaction, with an audit entry and a signed deletion receipt that lists each category and
 * what was done to it.  Afterwards the database file and its WAL are purged of the old pages
 * (secure_delete, checkpoint) and the outboxes of the person's addresses.
 */
#ifndef ATRIUM_PRIVACY_ERASURE_H
#define ATRIUM_PRIVACY_ERASURE_H
#include <stdint.h>
#include "core/config.h"
#include "crypto/keyring.h"
#include "notify/notify.h"
#include "store/store.h"

#define ERASURE_MAX_FORGET 8

/* What a module's hook sees while an account is erased, inside the erasure's transaction. */
struct erasure_ctx {
	struct store *st;
	const struct keyring *kr;
	int64_t user;
	/* strings (numbers, addresses) to strike from the outboxes after commit; malloc'ed */
	char *forget[ERASURE_MAX_FORGET];
	int nforget;
};

/* A module's own part of erasure, for data the map cannot reach by subject column (codes kept
 * under a hash of the number).  Runs first, before any row is removed.  0 or -1. */
typedef int (*erasure_hook)(struct erasure_ctx *ctx);
void erasure_add_hook(erasure_hook fn);
/* Adds s to ctx's forget list (copied). */
void erasure_forget(struct erasure_ctx *ctx, const char *s);

/*
 * Erases user now.  receipt_hash (may be NULL) is the hash of the token the user holds to fetch
 * the receipt.  Returns 0, or -1 (nothing changed).
 */
int erasure_erase_user(struct store *st, const struct keyring *kr, struct notify *n, int64_t user,
		       const uint8_t *receipt_hash);
/* Erases every account whose cooling-off has ended by now; *count gets how many.  0 or -1. */
int erasure_run_due(struct store *st, const struct keyring *kr, struct notify *n, int64_t now,
		    int *count /* OUT */);

/* The job (jobs/jobs.h) that erases every account whose cooling-off has ended; poke the runner
 * (jobs_poke) to have it run at once. */
struct erasure_env {
	const struct keyring *kr;
	struct notify *notify;
};
int erasure_job(struct store *st, struct store *rd, void *arg, int (*stopping)(void));

#endif
