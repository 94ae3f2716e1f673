/*
 * Consent at the point of collection (PP-12, PP-13, PP-15, PP-19): append-only grant and
 * revocation records per declared purpose, the one check every collecting module calls before
 * it stores anything, each device's permission switches, and signed consent receipts.
 */
#ifndef ATRIUM_PRIVACY_CONSENT_H
#define ATRIUM_PRIVACY_CONSENT_H
#include <stddef.h>
#include <stdint.h>
#include "core/err.h"
#include "crypto/keyring.h"
#include "privacy/purpose.h"
#include "store/store.h"

#define CONSENT_PURPOSE_LEN 64
#define CONSENT_DEVICE_LEN 129   /* device ids are 1 to 128 bytes */
#define CONSENT_SIGNATURE_LEN 88 /* base64url of 64 bytes, unpadded, and a NUL */

/*
 * The check a module calls before it collects or stores data for purpose.  ERR_OK only when the
 * latest record of user for purpose is a grant of the purpose's current version and, when the
 * purpose rides on a device permission and device_id is not NULL, that device has not reported
 * the permission switched off.  Otherwise ERR_CONSENT_REQUIRED, ERR_UNKNOWN_PURPOSE (purpose is
 * not declared: a programmer's slip caught in tests) or ERR_INTERNAL (the store failed: nothing
 * may be collected then either), with the reason in detail.  Call it inside the transaction that
 * stores the data, so a revocation cannot slip in between.
 */
enum err consent_require(struct store *st, int64_t user, const char *purpose, const char *device_id,
			 char *detail, size_t len);

/*
 * The same for a route handler: runs consent_require() for the signed-in user of r and, when it
 * says no, records the failure on r with "purpose" in the problem body (HTTP 403
 * consent_required).  Returns ERR_OK or the recorded error.  Defined with the routes (http side);
 * declared here so a collecting module finds it beside the check.
 */
struct req;
enum err consent_require_req(struct req *r, const char *purpose, const char *device_id);

/* One consent record: a grant or a revocation. */
struct consent {
	int64_t id, user, created_at;
	char purpose[CONSENT_PURPOSE_LEN];
	int purpose_version, granted;
	char policy_version[17];
	char device_id[CONSENT_DEVICE_LEN]; /* "" when none was given */
};

/*
 * Appends a grant (granted 1) or revocation of p for user, stamped with p's current version and
 * the policy version in force; device_id may be NULL.  The record written goes to out.  Records
 * are never changed or removed afterwards.  Returns 0 or -1.
 */
int consent_append(struct store *st, int64_t user, const struct purpose *p, int granted,
		   const char *device_id, int64_t at, struct consent *out /* OUT */);
/* The record id of user (another user's record is as good as none).  0, or -1 when none. */
int consent_get(struct store *st, int64_t user, int64_t id, struct consent *out /* OUT */);
/* Calls fn for every record of user, newest first.  0, or -1 when the store failed. */
int consent_history(struct store *st, int64_t user, void (*fn)(const struct consent *c, void *arg),
		    void *arg);

/* Where user stands with one purpose. */
struct consent_state {
	int granted;       /* the latest record is a grant of the current version */
	int needs_renewal; /* the latest record is a grant of an older version (PP-19) */
	int64_t updated_at; /* time of the latest record; 0 when there is none */
};
/* 0, or -1 when the store failed. */
int consent_state(struct store *st, int64_t user, const struct purpose *p,
		  struct consent_state *out /* OUT */);

/* Whether device_id is one of user's known devices (signed in from at least once). */
int device_known(struct store *st, int64_t user, const char *device_id);
/* Records what the device reports of a permission: on (1) or off (0).  0 or -1. */
int device_permission_set(struct store *st, int64_t user, const char *device_id,
			  enum device_permission perm, int granted, int64_t at);
/*
 * Reads the device's switches: states[perm] is 1 (on), 0 (off) or -1 (never reported);
 * *updated_at the time of the latest report, 0 when none.  0, or -1 when the store failed.
 */
int device_permissions_get(struct store *st, int64_t user, const char *device_id,
			   int states[PERM__COUNT] /* OUT */, int64_t *updated_at /* OUT */);

/*
 * A consent receipt (Kantara Consent Receipt v1.1 fields, with Atrium's additions): text is the
 * canonical receipt, compact JSON, and signature the base64url Ed25519 signature of exactly those
 * bytes under the server key key_id.  The user can keep it and check it offline.
 */
struct consent_receipt {
	char *text; /* malloc'ed; consent_receipt_release() frees it */
	size_t len;
	char signature[CONSENT_SIGNATURE_LEN];
	char key_id[KEYRING_KEY_ID_LEN];
};
/*
 * Makes and signs the receipt of user's record id, with texts in lang ("en", else Chinese).
 * Returns 0, or -1 when user has no such record (out is then empty).
 */
int consent_receipt_make(struct store *st, const struct keyring *kr, int64_t user, int64_t id,
			 const char *lang, struct consent_receipt *out /* OUT */);
void consent_receipt_release(struct consent_receipt *cr);

#endif
