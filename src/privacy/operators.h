/*
 * Platform operators: the accounts the admin API answers (rights requests, PP-39 … PP-42).  An
 * account becomes one only by `atrium admin operators add` at the server's machine, never over
 * the API, so no session can raise itself; every grant and withdrawal is audited.
 */
#ifndef ATRIUM_PRIVACY_OPERATORS_H
#define ATRIUM_PRIVACY_OPERATORS_H
#include <stddef.h>
#include <stdint.h>
#include "core/err.h"
#include "store/store.h"

/* 1 when user is a platform operator, 0 when not, -1 when the store failed. */
int operators_is(struct store *st, int64_t user);

/*
 * Makes user a platform operator, appending "operator.grant" to the audit chain (actor 0: the
 * operator at the machine; subject the user; object "operator:<id>").  Returns 0 done, 1 already
 * one (nothing changed, nothing audited), or -1 with a message (no such account, store failed).
 */
int operators_add(struct store *st, int64_t user, char *err, size_t errlen);

/*
 * Withdraws user's operator role, appending "operator.revoke" as above.  Returns 0 done, 1 not
 * one (nothing changed), or -1 with a message (no such account, store failed).
 */
int operators_remove(struct store *st, int64_t user, char *err, size_t errlen);

/* Calls fn for each operator, earliest grant first.  Returns the number listed, or -1. */
int operators_list(struct store *st, void (*fn)(int64_t user, int64_t granted_at, void *arg), void *arg);

/*
 * For an admin route, after sign-in: ERR_OK when the signed-in user is a platform operator.
 * Anyone else gets the router's own 404 not_found, so the admin API does not show it exists.
 * (In privacy/requests_routes.c.)
 */
struct req;
enum err operator_require(struct req *r);

#endif
