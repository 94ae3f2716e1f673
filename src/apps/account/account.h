/*
 * Accounts: sign-up and sign-in with a mobile number and an SMS code (PP-01), one session per
 * device with its device data (PP-05), notice of sign-ins from new devices (PP-17), and the
 * user's own profile (PP-36).
 */
#ifndef ATRIUM_APPS_ACCOUNT_H
#define ATRIUM_APPS_ACCOUNT_H
#include <stdint.h>
#include "core/jsonw.h"
#include "http/req.h"

#define CODE_MAX_TRIES 5
#define CODE_PER_DAY 10
#define SESSION_COOKIE "atrium_session"

/* Authenticates a request by its bearer token or session cookie (with the CSRF header on unsafe
 * methods); sets r->user_id and r->session_id.  Installed with req_set_authenticator(). */
enum err account_authenticate(struct req *r);
/*
 * The user a session token (43 base64url characters, as the API's bearer token) signs in, for
 * channels outside HTTP requests (the WebSocket's first frame): the same rules as
 * account_authenticate (an unknown, signed-out or idle-ended session is refused; an idle one is
 * ended).  Sets *session_id and returns the user id (> 0); 0 when refused; -1 when the store
 * failed.  Runs its own statements on st: no transaction may be open.
 */
int64_t account_session_user(struct store *st, const struct config *cfg, const char *token,
			     int64_t *session_id /* OUT */);
/* Whether session sid still stands (not signed out, not idle past session-idle-days): 1, 0, or
 * -1 when the store failed.  Cheap: one lookup by primary key. */
int account_session_live(struct store *st, const struct config *cfg, int64_t sid);
/* Registers the account's part of erasure (codes kept under hashes of the number and address,
 * and the outbox lines that hold them).  Call once at start. */
void account_init(void);

/*
 * Starts the cancellation of the caller's account (PP-38) inside the caller's open transaction:
 * the cancellations row due after the cooling-off period, its audit entry, and into the open
 * object w the state (status, requested_at, due_at) and the receipt_token (wipe w after use).
 * *due gets the moment erasure is due; poke the jobs (jobs_poke) after commit when it is now.
 * Returns ERR_OK or the failure (cancellation_pending when one is already set; recorded).
 */
enum err account_cancellation_start(struct req *r, int64_t now, struct jsonw *w, int64_t *due /* OUT */);

#endif
