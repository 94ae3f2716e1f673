/* The audit chain: append, verify, list.  The hash and its encoding are described in audit.h. */
#include <stdio.h>
#include <string.h>
#include <sodium.h>
#include "core/clock.h"
#include "crypto/keyring.h"
#include "privacy/audit.h"
#include "core/banned.h"

static void put_len(crypto_generichash_state *h, uint64_t n)
{
	uint8_t b[8];
	for (int i = 0; i < 8; i++)
		b[i] = (uint8_t)(n >> (56 - 8 * i));
	crypto_generichash_update(h, b, sizeof(b));
}

static void put_int(crypto_generichash_state *h, int64_t v)
{
	put_len(h, 8);
	put_len(h, (uint64_t)v);
}

static void put_bytes(crypto_generichash_state *h, const void *p, size_t n)
{
	put_len(h, n);
	if (n)
		crypto_generichash_update(h, p, n);
}

/* One entry's fields as they are hashed: text as its exact bytes, not up to a NUL. */
struct fields {
	int64_t id, at, actor, subject;
	const void *action, *object, *detail;
	size_t action_len, object_len, detail_len;
};

static void entry_hash(const uint8_t prev[AUDIT_HASH_LEN], const struct fields *f,
		       uint8_t out[AUDIT_HASH_LEN])
{
	crypto_generichash_state h;
	crypto_generichash_init(&h, NULL, 0, AUDIT_HASH_LEN);
	crypto_generichash_update(&h, prev, AUDIT_HASH_LEN);
	put_int(&h, f->id);
	put_int(&h, f->at);
	put_int(&h, f->actor);
	put_bytes(&h, f->action, f->action_len);
	put_int(&h, f->subject);
	put_bytes(&h, f->object, f->object_len);
	put_bytes(&h, f->detail, f->detail_len);
	crypto_generichash_final(&h, out, AUDIT_HASH_LEN);
}

static const struct keyring *head_key;

void audit_set_key(const struct keyring *kr)
{
	head_key = kr;
}

/* The head's seal: a MAC over (last id, number of entries, newest hash); empty without a key. */
static size_t head_seal(int64_t last_id, int64_t entries, const uint8_t hash[AUDIT_HASH_LEN],
			uint8_t seal[32])
{
	uint8_t msg[16 + AUDIT_HASH_LEN];
	if (!head_key)
		return 0;
	for (int i = 0; i < 8; i++) {
		msg[i] = (uint8_t)((uint64_t)last_id >> (56 - 8 * i));
		msg[8 + i] = (uint8_t)((uint64_t)entries >> (56 - 8 * i));
	}
	memcpy(msg + 16, hash, AUDIT_HASH_LEN);
	keyring_mac(head_key, "audit-head", msg, sizeof(msg), seal);
	return 32;
}

static int write_head(struct store *st, int64_t last_id, const uint8_t hash[AUDIT_HASH_LEN])
{
	/* The count comes from the head when there is one, from the log for the first head (a
	 * database from before heads were kept). */
	struct store_stmt *s = store_prepare(st,
		"SELECT coalesce((SELECT entries + 1 FROM audit_head WHERE id = 1),"
		" (SELECT count(*) FROM audit_log))");
	if (store_step(s) != STORE_ROW)
		return -1;
	int64_t entries = store_col_int(s, 0);
	store_reset(s);
	uint8_t seal[32];
	size_t n = head_seal(last_id, entries, hash, seal);
	s = store_prepare(st,
		"INSERT INTO audit_head (id, last_id, entries, hash, seal) VALUES (1, ?, ?, ?, ?)"
		" ON CONFLICT (id) DO UPDATE SET last_id = excluded.last_id, entries = excluded.entries,"
		" hash = excluded.hash, seal = excluded.seal");
	store_bind_int(s, 1, last_id);
	store_bind_int(s, 2, entries);
	store_bind_blob(s, 3, hash, AUDIT_HASH_LEN);
	store_bind_blob(s, 4, seal, n);
	return store_run(s) == STORE_DONE ? 0 : -1;
}

int audit_append(struct store *st, int64_t actor, const char *action, int64_t subject,
		 const char *object, const char *detail)
{
	uint8_t prev[AUDIT_HASH_LEN] = { 0 }, hash[AUDIT_HASH_LEN];
	int64_t last = 0;
	int rc = -1;
	if (!detail)
		detail = "";
	struct store_stmt *s = store_prepare(st, "SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1");
	enum store_rc src = store_step(s);
	if (src == STORE_ROW) {
		size_t n;
		const void *h = store_col_blob(s, 1, &n);
		last = store_col_int(s, 0);
		if (n == AUDIT_HASH_LEN)
			memcpy(prev, h, n);
		else
			src = STORE_ERROR; /* a damaged head: chaining onto it would hide the damage */
	}
	store_reset(s);
	if (src != STORE_ROW && src != STORE_DONE)
		goto out;

	/* The chain is ordered by id, so a new entry must sort after the head even when ids were
	 * taken out of order (another thread took one before our transaction began) or the clock
	 * stepped back. */
	struct fields f = {
		.id = id_next(), .at = clock_now_ms(), .actor = actor, .subject = subject,
		.action = action, .action_len = strlen(action),
		.object = object, .object_len = strlen(object),
		.detail = detail, .detail_len = strlen(detail),
	};
	if (f.id <= last)
		f.id = last + 1;
	entry_hash(prev, &f, hash);
	s = store_prepare(st,
		"INSERT INTO audit_log (id, at, actor, action, subject, object, detail, prev_hash, hash)"
		" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
	store_bind_int(s, 1, f.id);
	store_bind_int(s, 2, f.at);
	store_bind_int(s, 3, actor);
	store_bind_text(s, 4, action, -1);
	store_bind_int(s, 5, subject);
	store_bind_text(s, 6, object, -1);
	store_bind_text(s, 7, detail, -1);
	store_bind_blob(s, 8, prev, sizeof(prev));
	store_bind_blob(s, 9, hash, sizeof(hash));
	if (store_run(s) != STORE_DONE || write_head(st, f.id, hash))
		goto out;
	rc = 0;
out:
	return rc;
}

/* The walked chain must end where its sealed head says: same newest entry, count and hash. */
static int check_head(struct store *st, int64_t last, int64_t walked, const uint8_t hash[AUDIT_HASH_LEN],
		      int64_t *bad_id, char *why, size_t len)
{
	struct store_stmt *s = store_prepare(st,
		"SELECT last_id, entries, hash, seal FROM audit_head WHERE id = 1");
	enum store_rc src = store_step(s);
	int rc = -1;
	*bad_id = 0;
	if (src == STORE_DONE) {
		if (walked == 0)
			return 0;
		*bad_id = last;
		snprintf(why, len, "the chain's sealed head is missing");
		return -1;
	}
	if (src != STORE_ROW) {
		snprintf(why, len, "cannot read the audit head: %s", store_errmsg(st));
		return -1;
	}
	int64_t head_last = store_col_int(s, 0), head_entries = store_col_int(s, 1);
	size_t hlen, slen;
	uint8_t head_hash[AUDIT_HASH_LEN] = { 0 }, seal[32];
	const void *h = store_col_blob(s, 2, &hlen), *sl = store_col_blob(s, 3, &slen);
	if (hlen == AUDIT_HASH_LEN)
		memcpy(head_hash, h, hlen);
	size_t n = head_seal(head_last, head_entries, head_hash, seal);
	int sealed = n && (slen != n || memcmp(sl, seal, n));
	store_reset(s);
	if (sealed) {
		*bad_id = head_last;
		snprintf(why, len, "the chain's head was changed: its seal does not match the master key's");
	} else if (head_last != last || head_entries != walked || memcmp(head_hash, hash, AUDIT_HASH_LEN)) {
		*bad_id = head_last;
		snprintf(why, len, "the chain ends at entry %lld after %lld entries, but its sealed head "
			 "names entry %lld after %lld: entries were removed from its end or the chain was rewritten",
			 (long long)last, (long long)walked, (long long)head_last, (long long)head_entries);
	} else {
		rc = 0;
	}
	return rc;
}

int audit_verify(struct store *st, int64_t *bad_id, char *why, size_t len)
{
	uint8_t prev[AUDIT_HASH_LEN] = { 0 }, hash[AUDIT_HASH_LEN];
	int64_t last = 0, walked = 0;
	enum store_rc src;
	int rc = -1;
	*bad_id = 0;
	if (len)
		why[0] = '\0';
	/* The operator's verify runs without a key ring, which is what initialises libsodium in serve. */
	if (sodium_init() < 0) {
		snprintf(why, len, "cannot initialise libsodium");
		return -1;
	}
	struct store_stmt *s = store_prepare(st,
		"SELECT id, at, actor, action, subject, object, detail, prev_hash, hash"
		" FROM audit_log ORDER BY id");
	while ((src = store_step(s)) == STORE_ROW) {
		struct fields f = {
			.id = store_col_int(s, 0), .at = store_col_int(s, 1), .actor = store_col_int(s, 2),
			.subject = store_col_int(s, 4),
		};
		/* Text read as bytes, so a value with a NUL inside cannot pass for a shorter one. */
		f.action = store_col_blob(s, 3, &f.action_len);
		f.object = store_col_blob(s, 5, &f.object_len);
		f.detail = store_col_blob(s, 6, &f.detail_len);
		size_t plen, hlen;
		const void *stored_prev = store_col_blob(s, 7, &plen), *stored = store_col_blob(s, 8, &hlen);
		*bad_id = f.id;
		if (plen != AUDIT_HASH_LEN || memcmp(stored_prev, prev, AUDIT_HASH_LEN)) {
			snprintf(why, len, "its link does not match the entry before it: an entry was removed, "
				 "added or moved before it");
			goto out;
		}
		entry_hash(prev, &f, hash);
		if (hlen != AUDIT_HASH_LEN || memcmp(stored, hash, AUDIT_HASH_LEN)) {
			snprintf(why, len, "its content does not match its hash: the entry was changed");
			goto out;
		}
		memcpy(prev, hash, sizeof(prev));
		last = f.id;
		walked++;
	}
	if (src != STORE_DONE) {
		*bad_id = 0;
		snprintf(why, len, "cannot read the audit log: %s", store_errmsg(st));
		goto out;
	}
	store_reset(s);
	rc = check_head(st, last, walked, prev, bad_id, why, len);
	return rc;
out:
	store_reset(s);
	return rc;
}

int64_t audit_count(struct store *st)
{
	struct store_stmt *s = store_prepare(st, "SELECT count(*) FROM audit_log");
	int64_t n = store_step(s) == STORE_ROW ? store_col_int(s, 0) : -1;
	store_reset(s);
	return n;
}

int audit_list(struct store *st, int64_t subject, enum audit_list_flags flags, int64_t cursor,
	       int limit, void (*fn)(const struct audit_entry *e, void *arg), void *arg,
	       int64_t *next)
{
	/* Two literals: statements are cached by their text. */
	struct store_stmt *s = flags & AUDIT_BY_OTHERS
		? store_prepare(st, "SELECT id, at, actor, action, object, detail FROM audit_log"
				    " WHERE subject = ? AND actor <> subject AND id < ? ORDER BY id DESC LIMIT ?")
		: store_prepare(st, "SELECT id, at, actor, action, object, detail FROM audit_log"
				    " WHERE subject = ? AND id < ? ORDER BY id DESC LIMIT ?");
	enum store_rc src;
	int n = 0;
	int64_t last = 0;
	store_bind_int(s, 1, subject);
	store_bind_int(s, 2, cursor > 0 ? cursor : INT64_MAX);
	store_bind_int(s, 3, (int64_t)limit + 1); /* one more tells whether a next page exists */
	*next = 0;
	while ((src = store_step(s)) == STORE_ROW) {
		if (n == limit) {
			*next = last;
			src = STORE_DONE;
			break;
		}
		struct audit_entry e = {
			.id = store_col_int(s, 0), .at = store_col_int(s, 1), .actor = store_col_int(s, 2),
			.subject = subject, .action = store_col_text(s, 3), .object = store_col_text(s, 4),
			.detail = store_col_text(s, 5),
		};
		fn(&e, arg);
		last = e.id;
		n++;
	}
	store_reset(s);
	return src == STORE_DONE ? 0 : -1;
}

char *audit_object(const char *kind, int64_t id, char buf[AUDIT_OBJECT_LEN])
{
	char n[ID_STR_LEN];
	snprintf(buf, AUDIT_OBJECT_LEN, "%.40s:%s", kind, id_format(id, n));
	return buf;
}
