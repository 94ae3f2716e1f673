/*
 * The audit chain: an append-only log of who did what to whose data, each entry hash-chained to
 * the one before, so a changed, removed or reordered entry is found by audit_verify().
 *
 * What goes in an entry.  actor and subject are bare user ids (0: the system or operator, and no
 * subject); object names what was touched ("consent:123", "purpose:privacy_policy"); detail is
 * JSON text or "".  Never put personal data (phone numbers, e-mail addresses, names, device
 * data, message text) in action, object or detail: the chain is kept for the legal record after
 * an account is erased, and an entry cannot be rewritten without breaking every hash after it.
 * A bare id names no one once its account is gone, which is why ids are the only thing about a
 * person the chain holds.
 *
 * The hash.  hash = BLAKE2b-256 (crypto_generichash, no key) over prev_hash (32 bytes; 32 zero
 * bytes for the first entry) followed by, in order, id, at, actor, action, subject, object and
 * detail, each as an 8-byte big-endian length and then its bytes; integers are 8 bytes,
 * big-endian two's complement.  Anyone holding the database can recompute it.
 */
#ifndef ATRIUM_PRIVACY_AUDIT_H
#define ATRIUM_PRIVACY_AUDIT_H
#include <stddef.h>
#include <stdint.h>
#include "core/id.h"
#include "store/store.h"

#define AUDIT_HASH_LEN 32
#define AUDIT_OBJECT_LEN 64

/*
 * Seals the chain's head with a key derived from the master key from now on (call at start;
 * without it the head is kept unsealed, which still catches entries dropped from the end by
 * anyone who does not also rewrite the head).
 */
struct keyring;
void audit_set_key(const struct keyring *kr);

/*
 * Appends an entry.  Must run inside the caller's write transaction (store_begin … store_commit):
 * the transaction serialises writers, so each entry links to the one committed before it, and
 * the entry commits or rolls back with the change it records.  detail NULL is stored as "".
 * Returns 0 or -1.
 */
int audit_append(struct store *st, int64_t actor, const char *action, int64_t subject,
		 const char *object, const char *detail);

/*
 * Walks the whole chain in id order, recomputing every hash and link.  Returns 0 when intact;
 * -1 with the first bad entry's id in *bad_id and the reason in why (*bad_id 0 when the log
 * could not be read).  The walk must end at the sealed head (audit_head: newest id, count, hash),
 * so entries dropped from the end, or a chain rewritten whole, are caught too; the seal is
 * checked when audit_set_key() was called.
 */
int audit_verify(struct store *st, int64_t *bad_id /* OUT */, char *why, size_t len);
/* Number of entries, or -1. */
int64_t audit_count(struct store *st);

/* One entry as a listing shows it; the strings are valid only during the callback. */
struct audit_entry {
	int64_t id, at, actor, subject;
	const char *action, *object, *detail;
};

enum audit_list_flags {
	AUDIT_BY_OTHERS = 1 << 0, /* only what someone other than the subject did (actor != subject) */
};

/*
 * Calls fn for subject's entries newest first, at most limit of them, older than cursor (0: from
 * the newest).  *next gets the cursor of the next page, or 0 when this was the last.  Returns 0
 * or -1.
 */
int audit_list(struct store *st, int64_t subject, enum audit_list_flags flags, int64_t cursor,
	       int limit, void (*fn)(const struct audit_entry *e, void *arg), void *arg,
	       int64_t *next /* OUT */);

/* Writes "<kind>:<id>" (kind up to 40 bytes) into buf for the object of an entry; returns buf. */
char *audit_object(const char *kind, int64_t id, char buf[AUDIT_OBJECT_LEN]);

#endif
