/* Inside the account module: shared by account.c and account_routes.c. */
#ifndef ATRIUM_APPS_ACCOUNT_INT_H
#define ATRIUM_APPS_ACCOUNT_INT_H
#include "core/phone.h"
#include "crypto/keyring.h"
#include "crypto/token.h"
#include "http/req.h"

/* Normalises a typed number, or fails with invalid_phone quoting it. */
enum err parse_phone(struct req *r, const char *in, char e164[PHONE_E164_LEN] /* OUT */);
/* The blind index a phone number's codes and account are found by. */
void phone_target(struct req *r, const char *e164, uint8_t out[KEYRING_INDEX_LEN] /* OUT */);
/* How long a code lives, in whole minutes (rounded up), for the message that carries it. */
long ttl_minutes(struct req *r);
/* Checks limits, makes and sends an SMS code (one transaction). */
enum err send_code(struct req *r, const char *phone, const char *purpose);
/* Inside a transaction the caller opened: checks limits and stores a new code for target. */
enum err code_issue(struct req *r, const uint8_t target[KEYRING_INDEX_LEN], const char *purpose,
		    char code[CODE_LEN + 1] /* OUT */);
/* Checks a code outside any transaction (a wrong try is counted even though the request fails). */
enum err code_check(struct req *r, const uint8_t target[KEYRING_INDEX_LEN], const char *purpose,
		    const char *code, int64_t *code_id /* OUT */);
/* Inside the caller's transaction: marks the checked code used; fails if another request did. */
enum err code_consume(struct req *r, int64_t code_id);
/* A new session as its owner gets it, once: the token is never shown again. */
struct new_session {
	int64_t id, expires_at;
	int cookie;                     /* the token went out as a cookie, not in the body */
	char token[TOKEN_STR_LEN];      /* wiped after the reply */
	char csrf[TOKEN_STR_LEN];
};

/* Inside the caller's transaction: a new session for the device (sets the cookie header when
 * asked for one). */
enum err session_create(struct req *r, int64_t user, json_t *device, int cookie,
			struct new_session *out /* OUT */);
/* The blind index e-mail codes are kept under: the user and the address, so a code sent to one
 * address cannot confirm another. */
void email_target(const struct keyring *kr, int64_t user, const char *email,
		  uint8_t out[KEYRING_INDEX_LEN] /* OUT */);
void csrf_token(const struct keyring *kr, const char *token, char out[TOKEN_STR_LEN] /* OUT */);

#endif
