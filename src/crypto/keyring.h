/*
 * The key ring: a master key read from the key file, and what is derived from it.  The master
 * key never encrypts data itself: it wraps per-subject data keys (envelope encryption), keys the
 * blind indexes that let the store find a sealed value, and keys the hashes of one-time codes.
 * Destroying a subject's wrapped key makes every field sealed with it unreadable for good,
 * backups included: that is erasure by crypto-shredding.
 */
#ifndef ATRIUM_CRYPTO_KEYRING_H
#define ATRIUM_CRYPTO_KEYRING_H
#include <stddef.h>
#include <stdint.h>

#define KEYRING_KEY_LEN 32
#define KEYRING_WRAPPED_LEN (24 + 32 + 16) /* nonce, key, tag */
#define KEYRING_SEAL_OVERHEAD (24 + 16)    /* nonce in front, tag behind */
#define KEYRING_INDEX_LEN 32
#define KEYRING_SIGN_PK_LEN 32   /* Ed25519 public key */
#define KEYRING_SIGNATURE_LEN 64 /* Ed25519 signature */
#define KEYRING_KEY_ID_LEN 17    /* 16 hex digits and a NUL */

struct keyring;

/*
 * Loads the 32-byte master key from path, or, when the file does not exist, creates it with
 * fresh random bytes and mode 0600.  Refuses a key file that others may read.  Returns NULL with
 * a message in err on failure.  Calls sodium_init().
 */
struct keyring *keyring_load(const char *path, char *err, size_t errlen);
/* A key ring on a given master key, for tests. */
struct keyring *keyring_from_bytes(const uint8_t master[KEYRING_KEY_LEN]);
/* Wipes and frees. */
void keyring_free(struct keyring *kr);

/*
 * Makes a new random data key for subject and writes it, wrapped by the master key and bound to
 * the subject id, into wrapped.  The plain key goes to key (wipe it after use).
 */
void keyring_new_subject_key(const struct keyring *kr, int64_t subject,
			     uint8_t wrapped[KEYRING_WRAPPED_LEN] /* OUT */,
			     uint8_t key[KEYRING_KEY_LEN] /* OUT */);
/* Unwraps a subject's data key; -1 when wrapped was not made for this subject and master key. */
int keyring_open_subject_key(const struct keyring *kr, int64_t subject,
			     const uint8_t wrapped[KEYRING_WRAPPED_LEN], uint8_t key[KEYRING_KEY_LEN] /* OUT */);

/*
 * Seals len bytes with key, bound to ad (say "users.phone:123"), into out, which must hold
 * len + KEYRING_SEAL_OVERHEAD bytes.
 */
void keyring_seal(const uint8_t key[KEYRING_KEY_LEN], const char *ad, const void *in, size_t len,
		  uint8_t *out /* OUT */);
/* Opens what keyring_seal made; out holds len - KEYRING_SEAL_OVERHEAD bytes.  -1 if forged. */
int keyring_open(const uint8_t key[KEYRING_KEY_LEN], const char *ad, const uint8_t *in, size_t len,
		 uint8_t *out /* OUT */);

/*
 * Blind index: a keyed hash of value within a domain ("phone", "email"), so equal values can be
 * found without storing them in the clear.
 */
void keyring_index(const struct keyring *kr, const char *domain, const char *value,
		   uint8_t out[KEYRING_INDEX_LEN] /* OUT */);

/* A keyed MAC for server-made values a client hands back (CSRF tokens); 32 bytes. */
void keyring_mac(const struct keyring *kr, const char *domain, const void *msg, size_t len,
		 uint8_t out[32] /* OUT */);

/*
 * Signs len bytes with the server's Ed25519 key, derived from the master key (the same key on
 * every start and every node), for documents a user keeps and checks offline (consent receipts).
 */
void keyring_sign(const struct keyring *kr, const void *msg, size_t len,
		  uint8_t sig[KEYRING_SIGNATURE_LEN] /* OUT */);
/* The public half of the signing key, and its id: 16 hex digits of the key's BLAKE2b hash. */
void keyring_sign_public(const struct keyring *kr, uint8_t pk[KEYRING_SIGN_PK_LEN] /* OUT */,
			 char key_id[KEYRING_KEY_ID_LEN] /* OUT */);

#endif
