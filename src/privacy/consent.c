/* Consent records, the consent check, device permission switches and signed receipts. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include "core/id.h"
#include "core/jsonw.h"
#include "privacy/consent.h"
#include "privacy/privacy.h"
#include "core/banned.h"

_Static_assert(CONSENT_SIGNATURE_LEN >= sodium_base64_ENCODED_LEN(KEYRING_SIGNATURE_LEN,
			sodium_base64_VARIANT_URLSAFE_NO_PADDING), "signature buffer too small");

/* The latest record decides: a later revocation undoes an earlier grant, a later grant of the
 * current version renews an older one.  Ids grow with time, so the highest id is the latest. */
#define LATEST_SQL \
	"SELECT granted, purpose_version, created_at FROM consents" \
	" WHERE user_id = ? AND purpose = ? ORDER BY id DESC LIMIT 1"

/* The check on a given purpose declaration: consent_require() passes the declared one, tests a
 * copy with a raised version. */
static enum err require(struct store *st, const struct purpose *p, int64_t user,
			const char *device_id, char *detail, size_t len)
{
	struct store_stmt *s = store_prepare(st, LATEST_SQL);
	store_bind_int(s, 1, user);
	store_bind_text(s, 2, p->id, -1);
	enum store_rc rc = store_step(s);
	if (rc == STORE_DONE) {
		snprintf(detail, len, "no consent to '%s' was ever given", p->id);
		return ERR_CONSENT_REQUIRED;
	}
	if (rc != STORE_ROW) {
		snprintf(detail, len, "consents could not be read");
		return ERR_INTERNAL;
	}
	int granted = (int)store_col_int(s, 0), version = (int)store_col_int(s, 1);
	store_reset(s);
	if (!granted) {
		snprintf(detail, len, "consent to '%s' was withdrawn", p->id);
		return ERR_CONSENT_REQUIRED;
	}
	/* PP-19: what was agreed to is the purpose as it read then; a changed purpose asks again. */
	if (version != p->version) {
		snprintf(detail, len, "consent to '%s' was given for version %d; version %d asks again",
			 p->id, version, p->version);
		return ERR_CONSENT_REQUIRED;
	}
	/* PP-13: a permission switched off on the phone stops collection from that phone, whatever
	 * consent says.  A device that never reported a switch is taken at its consent. */
	if (p->permission != PERM_NONE && device_id) {
		s = store_prepare(st,
			"SELECT granted FROM device_permissions"
			" WHERE user_id = ? AND device_id = ? AND permission = ?");
		store_bind_int(s, 1, user);
		store_bind_text(s, 2, device_id, -1);
		store_bind_text(s, 3, permission_name(p->permission), -1);
		rc = store_step(s);
		int off = rc == STORE_ROW && store_col_int(s, 0) == 0;
		store_reset(s);
		if (rc != STORE_ROW && rc != STORE_DONE) {
			snprintf(detail, len, "device permissions could not be read");
			return ERR_INTERNAL;
		}
		if (off) {
			snprintf(detail, len, "the %s permission is switched off on device '%.64s'",
				 permission_name(p->permission), device_id);
			return ERR_CONSENT_REQUIRED;
		}
	}
	return ERR_OK;
}

enum err consent_require(struct store *st, int64_t user, const char *purpose, const char *device_id,
			 char *detail, size_t len)
{
	const struct purpose *p = purpose_find(purpose);
	if (!p) {
		snprintf(detail, len, "purpose '%.64s' is not declared", purpose);
		return ERR_UNKNOWN_PURPOSE;
	}
	return require(st, p, user, device_id, detail, len);
}

int consent_append(struct store *st, int64_t user, const struct purpose *p, int granted,
		   const char *device_id, int64_t at, struct consent *out)
{
	memset(out, 0, sizeof(*out));
	out->id = id_next();
	out->user = user;
	out->created_at = at;
	snprintf(out->purpose, sizeof(out->purpose), "%s", p->id);
	out->purpose_version = p->version;
	out->granted = granted ? 1 : 0;
	snprintf(out->policy_version, sizeof(out->policy_version), "%s", policy_version());
	if (device_id)
		snprintf(out->device_id, sizeof(out->device_id), "%s", device_id);
	struct store_stmt *s = store_prepare(st,
		"INSERT INTO consents (id, user_id, purpose, purpose_version, granted, policy_version,"
		" device_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
	store_bind_int(s, 1, out->id);
	store_bind_int(s, 2, user);
	store_bind_text(s, 3, out->purpose, -1);
	store_bind_int(s, 4, out->purpose_version);
	store_bind_int(s, 5, out->granted);
	store_bind_text(s, 6, out->policy_version, -1);
	store_bind_text(s, 7, device_id, -1);
	store_bind_int(s, 8, at);
	return store_run(s) == STORE_DONE ? 0 : -1;
}

#define RECORD_COLUMNS \
	"SELECT id, user_id, purpose, purpose_version, granted, policy_version, device_id, created_at" \
	" FROM consents"

static void read_record(struct store_stmt *s, struct consent *c)
{
	c->id = store_col_int(s, 0);
	c->user = store_col_int(s, 1);
	snprintf(c->purpose, sizeof(c->purpose), "%s", store_col_text(s, 2));
	c->purpose_version = (int)store_col_int(s, 3);
	c->granted = (int)store_col_int(s, 4);
	snprintf(c->policy_version, sizeof(c->policy_version), "%s", store_col_text(s, 5));
	snprintf(c->device_id, sizeof(c->device_id), "%s", store_col_text(s, 6));
	c->created_at = store_col_int(s, 7);
}

int consent_get(struct store *st, int64_t user, int64_t id, struct consent *out)
{
	struct store_stmt *s = store_prepare(st, RECORD_COLUMNS " WHERE id = ? AND user_id = ?");
	store_bind_int(s, 1, id);
	store_bind_int(s, 2, user);
	int rc = -1;
	if (store_step(s) == STORE_ROW) {
		read_record(s, out);
		rc = 0;
	}
	store_reset(s);
	return rc;
}

int consent_history(struct store *st, int64_t user, void (*fn)(const struct consent *c, void *arg),
		    void *arg)
{
	struct store_stmt *s = store_prepare(st, RECORD_COLUMNS " WHERE user_id = ? ORDER BY id DESC");
	store_bind_int(s, 1, user);
	enum store_rc rc;
	struct consent c;
	while ((rc = store_step(s)) == STORE_ROW) {
		read_record(s, &c);
		fn(&c, arg);
	}
	store_reset(s);
	return rc == STORE_DONE ? 0 : -1;
}

int consent_state(struct store *st, int64_t user, const struct purpose *p, struct consent_state *out)
{
	memset(out, 0, sizeof(*out));
	struct store_stmt *s = store_prepare(st, LATEST_SQL);
	store_bind_int(s, 1, user);
	store_bind_text(s, 2, p->id, -1);
	enum store_rc rc = store_step(s);
	if (rc == STORE_ROW) {
		int granted = (int)store_col_int(s, 0), version = (int)store_col_int(s, 1);
		out->granted = granted && version == p->version;
		out->needs_renewal = granted && version < p->version;
		out->updated_at = store_col_int(s, 2);
	}
	store_reset(s);
	return rc == STORE_ROW || rc == STORE_DONE ? 0 : -1;
}

int device_known(struct store *st, int64_t user, const char *device_id)
{
	struct store_stmt *s = store_prepare(st,
		"SELECT 1 FROM known_devices WHERE user_id = ? AND device_id = ?");
	store_bind_int(s, 1, user);
	store_bind_text(s, 2, device_id, -1);
	int known = store_step(s) == STORE_ROW;
	store_reset(s);
	return known;
}

int device_permission_set(struct store *st, int64_t user, const char *device_id,
			  enum device_permission perm, int granted, int64_t at)
{
	struct store_stmt *s = store_prepare(st,
		"INSERT INTO device_permissions (user_id, device_id, permission, granted, updated_at)"
		" VALUES (?, ?, ?, ?, ?) ON CONFLICT (user_id, device_id, permission)"
		" DO UPDATE SET granted = excluded.granted, updated_at = excluded.updated_at");
	store_bind_int(s, 1, user);
	store_bind_text(s, 2, device_id, -1);
	store_bind_text(s, 3, permission_name(perm), -1);
	store_bind_int(s, 4, granted ? 1 : 0);
	store_bind_int(s, 5, at);
	return store_run(s) == STORE_DONE ? 0 : -1;
}

int device_permissions_get(struct store *st, int64_t user, const char *device_id,
			   int states[PERM__COUNT], int64_t *updated_at)
{
	for (int i = 0; i < PERM__COUNT; i++)
		states[i] = -1;
	*updated_at = 0;
	struct store_stmt *s = store_prepare(st,
		"SELECT permission, granted, updated_at FROM device_permissions"
		" WHERE user_id = ? AND device_id = ?");
	store_bind_int(s, 1, user);
	store_bind_text(s, 2, device_id, -1);
	enum store_rc rc;
	while ((rc = store_step(s)) == STORE_ROW) {
		enum device_permission perm = permission_find(store_col_text(s, 0));
		if (perm != PERM_NONE)
			states[perm] = (int)store_col_int(s, 1);
		if (store_col_int(s, 2) > *updated_at)
			*updated_at = store_col_int(s, 2);
	}
	store_reset(s);
	return rc == STORE_DONE ? 0 : -1;
}

/* The purpose a record names, for its receipt: declared, the policy, or (for records older than
 * the declaration of their purpose) a bare stand-in naming the purpose by id. */
static const struct purpose *record_purpose(const struct consent *c, struct purpose *stand_in)
{
	const struct purpose *p = purpose_find(c->purpose);
	if (p)
		return p;
	if (!strcmp(c->purpose, purpose_policy.id))
		return &purpose_policy;
	static const char *const none[] = { NULL };
	*stand_in = (struct purpose){ c->purpose, c->purpose_version, c->purpose, c->purpose, "", "",
				      PURPOSE_OPTIONAL, PERM_NONE, 0, "consent", "14 - Other", none };
	return stand_in;
}

static void write_list(struct jsonw *w, const char *key, const char *const *items, int when)
{
	jsonw_open(w, key, '[');
	for (const char *const *i = items; when && *i; i++)
		jsonw_str(w, NULL, *i);
	jsonw_close(w, ']');
}

/*
 * The receipt's fields in one fixed order: the text is signed as written, so the same record
 * always gives the same bytes.  Kantara CR v1.1 names first, Atrium's additions after.
 */
static void write_receipt(struct jsonw *w, const struct consent *c, const struct purpose *p,
			  int en, const char *key_id)
{
	const char *termination = p == &purpose_policy
		? (en ? "ends when the account is cancelled or a new policy version is accepted"
		      : "账号注销或接受新版本隐私政策时终止")
		: (en ? "until withdrawn, at any time (POST /api/v1/me/consents with granted false); "
			"withdrawing stops further collection and leaves earlier processing as it was"
		      : "您可随时撤回（POST /api/v1/me/consents，granted 为 false）；撤回后停止继续收集，"
			"此前已进行的处理不受影响");
	jsonw_open(w, NULL, '{');
	jsonw_str(w, "version", "KI-CR-v1.1.0");
	jsonw_str(w, "jurisdiction", "CN");
	jsonw_int(w, "consentTimestamp", c->created_at / 1000);
	jsonw_str(w, "collectionMethod", "api");
	jsonw_id(w, "consentReceiptID", c->id);
	jsonw_str(w, "language", en ? "en" : "zh-CN");
	jsonw_id(w, "piiPrincipalId", c->user);
	jsonw_open(w, "piiControllers", '[');
	jsonw_open(w, NULL, '{');
	jsonw_str(w, "piiController", "Atrium (platform)");
	jsonw_bool(w, "onBehalf", 0);
	jsonw_str(w, "piiControllerUrl", "/api/v1/privacy/policy");
	jsonw_close(w, '}');
	jsonw_close(w, ']');
	jsonw_str(w, "policyUrl", "/api/v1/privacy/policy");
	jsonw_open(w, "services", '[');
	jsonw_open(w, NULL, '{');
	jsonw_str(w, "service", "Atrium");
	jsonw_open(w, "purposes", '[');
	jsonw_open(w, NULL, '{');
	jsonw_str(w, "purpose", purpose_title(p, en ? "en" : "zh"));
	const char *const category[] = { p->category, NULL };
	write_list(w, "purposeCategory", category, 1);
	jsonw_str(w, "consentType", "EXPLICIT");
	write_list(w, "piiCategory", p->pii, 1);
	jsonw_bool(w, "primaryPurpose", p->need == PURPOSE_REQUIRED);
	jsonw_str(w, "termination", termination);
	/* Processors acting on instructions are not third parties (PP-24). */
	jsonw_bool(w, "thirdPartyDisclosure", 0);
	jsonw_close(w, '}');
	jsonw_close(w, ']');
	jsonw_close(w, '}');
	jsonw_close(w, ']');
	jsonw_bool(w, "sensitive", p->sensitive);
	write_list(w, "spiCat", p->pii, p->sensitive);
	jsonw_str(w, "policy_version", c->policy_version);
	jsonw_str(w, "purpose_id", c->purpose);
	jsonw_int(w, "purpose_version", c->purpose_version);
	jsonw_bool(w, "granted", c->granted);
	jsonw_str(w, "device_id", *c->device_id ? c->device_id : NULL);
	jsonw_time(w, "created_at", c->created_at);
	jsonw_str(w, "key_id", key_id);
	jsonw_close(w, '}');
}

int consent_receipt_make(struct store *st, const struct keyring *kr, int64_t user, int64_t id,
			 const char *lang, struct consent_receipt *out)
{
	struct consent c;
	struct purpose stand_in;
	uint8_t pk[KEYRING_SIGN_PK_LEN], sig[KEYRING_SIGNATURE_LEN];
	memset(out, 0, sizeof(*out));
	if (consent_get(st, user, id, &c))
		return -1;
	keyring_sign_public(kr, pk, out->key_id);
	struct jsonw w;
	jsonw_init(&w);
	write_receipt(&w, &c, record_purpose(&c, &stand_in), lang && !strcmp(lang, "en"), out->key_id);
	out->text = w.buf; /* ownership passes to the receipt */
	out->len = w.len;
	keyring_sign(kr, out->text, out->len, sig);
	sodium_bin2base64(out->signature, sizeof(out->signature), sig, sizeof(sig),
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	return 0;
}

void consent_receipt_release(struct consent_receipt *cr)
{
	free(cr->text);
	memset(cr, 0, sizeof(*cr));
}
