/*
 * Privacy mechanisms other modules call: subjects' data keys (seal and open a field, destroy the
 * key), consent records, and the privacy policy in force.
 */
#ifndef ATRIUM_PRIVACY_PRIVACY_H
#define ATRIUM_PRIVACY_PRIVACY_H
#include <stddef.h>
#include <stdint.h>
#include "crypto/keyring.h"
#include "store/store.h"

/* Creates and stores subject's data key; fails if one exists.  Returns 0 or -1. */
int subject_key_create(struct store *st, const struct keyring *kr, int64_t subject);
/*
 * Unwraps subject's data key into key (wipe it after use), for data sealed outside the database
 * with it (an enterprise's blobs: blob/blob.h).  0, or -1 when the subject has no key (never made,
 * or destroyed).
 */
int subject_key_open(struct store *st, const struct keyring *kr, int64_t subject,
		     uint8_t key[KEYRING_KEY_LEN] /* OUT */);
/* Removes subject's data key: what was sealed with it is gone for good.  Returns 0 or -1. */
int subject_key_destroy(struct store *st, int64_t subject);

/*
 * Seals a field value with subject's key.  Returns a malloc'ed buffer of *outlen bytes, or NULL
 * when the subject has no key.  field names what is sealed ("users.phone"): a value sealed for
 * one field or subject cannot be opened as another.
 */
uint8_t *subject_seal(struct store *st, const struct keyring *kr, int64_t subject,
		      const char *field, const char *value, size_t *outlen /* OUT */);
/* Opens a sealed field into a malloc'ed string; NULL when the key is destroyed or data forged. */
char *subject_open(struct store *st, const struct keyring *kr, int64_t subject, const char *field,
		   const uint8_t *sealed, size_t len);

/* The same with the subject's wrapped key already read (a query may join subject_keys);
 * wrapped NULL (no key: destroyed) gives NULL. */
char *subject_open_with(const struct keyring *kr, int64_t subject, const uint8_t *wrapped,
			size_t wlen, const char *field, const uint8_t *sealed, size_t len);

/* Appends a consent record (grant or revocation); 0 or -1. */
int consent_record(struct store *st, int64_t user, const char *purpose, int granted,
		   const char *policy_version, const char *device_id, int64_t at);

/*
 * The register of third-party SDKs and processors (PP-14), read once at start from a JSON file:
 * an array of {name, company, data_types [strings], purpose, scenario, collection_method,
 * policy_url, platform}.  An empty path means none.  Returns 0, or -1 with the reason in err.
 */
int third_parties_load(const char *path, char *err, size_t errlen);
/* The register as JSON text ("[]" when none). */
const char *third_parties_json(size_t *len /* OUT */);

/* The privacy policy in force: its text and version (16 hex digits of its hash). */
const char *policy_text(size_t *len /* OUT */);
const char *policy_version(void);

#endif
