/*
 * Accounts: sign-up and sign-in with a mobile number and an SMS code (PP-01), one session per
 * device with its device data (PP-05), notice of sign-ins from new devices (PP-17), and the
 * user's own profile (PP-36).
 */
#ifndef ATRIUM_APPS_ACCOUNT_H
#define ATRIUM_APPS_ACCOUNT_H
#include "http/req.h"

#define CODE_MAX_TRIES 5
#define CODE_PER_DAY 10
#define SESSION_COOKIE "atrium_session"

/* Authenticates a request by its bearer token or session cookie (with the CSRF header on unsafe
 * methods); sets r->user_id and r->session_id.  Installed with req_set_authenticator(). */
enum err account_authenticate(struct req *r);
/* Registers the account's part of erasure (codes kept under hashes of the number and address,
 * and the outbox lines that hold them).  Call once at start. */
void account_init(void);

#endif
