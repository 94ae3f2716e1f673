/*
 * Consent routes: the declared purposes, the user's grants and revocations with their signed
 * receipts, the server's signing key, each device's permission switches, and the push token a
 * device registers only under a live consent (the first collecting route behind the check).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include "core/clock.h"
#include "core/jsonw.h"
#include "http/req.h"
#include "privacy/audit.h"
#include "privacy/consent.h"
#include "core/banned.h"

enum err consent_require_req(struct req *r, const char *purpose, const char *device_id)
{
	char detail[256];
	enum err rc = consent_require(r->app->st, r->user_id, purpose, device_id, detail, sizeof(detail));
	if (rc == ERR_OK)
		return ERR_OK;
	/* The client asks the user for this purpose and tries again: name it. */
	if (rc != ERR_INTERNAL)
		req_extra(r, "purpose", json_string(purpose));
	return req_fail(r, rc, "%s", detail);
}

/* A device id as clients send it at sign-in: 1 to 128 bytes, no control characters. */
static enum err check_device_id(struct req *r, const char *field, const char *v)
{
	size_t n = strlen(v);
	int ok = n >= 1 && n < CONSENT_DEVICE_LEN;
	for (const unsigned char *p = (const unsigned char *)v; ok && *p; p++)
		ok = *p >= 0x20 && *p != 0x7f;
	if (ok)
		return ERR_OK;
	req_extra(r, "field", json_string(field));
	return req_fail(r, ERR_INVALID_VALUE, "'%s' must be 1 to 128 bytes of text", field);
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9') return c - '0';
	if (c >= 'a' && c <= 'f') return c - 'a' + 10;
	if (c >= 'A' && c <= 'F') return c - 'A' + 10;
	return -1;
}

/* The device of the path, %XX-decoded (ids are whatever the client sent at sign-in), and one of
 * the user's known devices: anything else is device_not_found. */
static enum err path_device(struct req *r, char out[CONSENT_DEVICE_LEN])
{
	const char *s = r->params[0];
	size_t n = 0;
	for (; *s && n < CONSENT_DEVICE_LEN - 1; s++) {
		if (*s == '%' && hexval(s[1]) >= 0 && hexval(s[2]) >= 0) {
			out[n++] = (char)(hexval(s[1]) * 16 + hexval(s[2]));
			s += 2;
		} else {
			out[n++] = *s;
		}
	}
	out[n] = '\0';
	if (*s || n == 0 || strlen(out) != n || !device_known(r->app->st, r->user_id, out))
		return req_fail(r, ERR_DEVICE_NOT_FOUND, "no device '%.64s' has signed in to this account",
				r->params[0]);
	return ERR_OK;
}

static enum err get_purposes(struct req *r)
{
	const char *lang = req_lang(r);
	struct jsonw w;
	jsonw_init(&w);
	jsonw_open(&w, NULL, '{');
	jsonw_str(&w, "language", lang);
	jsonw_open(&w, "purposes", '[');
	for (const struct purpose *p = purposes; p->id; p++) {
		jsonw_open(&w, NULL, '{');
		jsonw_str(&w, "id", p->id);
		jsonw_int(&w, "version", p->version);
		jsonw_str(&w, "title", purpose_title(p, lang));
		jsonw_str(&w, "description", purpose_desc(p, lang));
		jsonw_open(&w, "i18n", '{');
		jsonw_open(&w, "zh", '{');
		jsonw_str(&w, "title", p->title_zh);
		jsonw_str(&w, "description", p->desc_zh);
		jsonw_close(&w, '}');
		jsonw_open(&w, "en", '{');
		jsonw_str(&w, "title", p->title_en);
		jsonw_str(&w, "description", p->desc_en);
		jsonw_close(&w, '}');
		jsonw_close(&w, '}');
		jsonw_str(&w, "permission", permission_name(p->permission));
		jsonw_bool(&w, "sensitive", p->sensitive);
		jsonw_bool(&w, "required", p->need == PURPOSE_REQUIRED);
		jsonw_str(&w, "basis", p->basis);
		jsonw_close(&w, '}');
	}
	jsonw_close(&w, ']');
	jsonw_close(&w, '}');
	req_set_header(r, "content-language", lang);
	req_set_header(r, "vary", "accept-language");
	req_json_text(r, 200, w.buf, w.len);
	jsonw_release(&w);
	return ERR_OK;
}

static enum err get_signing_key(struct req *r)
{
	uint8_t pk[KEYRING_SIGN_PK_LEN];
	char key_id[KEYRING_KEY_ID_LEN];
	char x[sodium_base64_ENCODED_LEN(KEYRING_SIGN_PK_LEN, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
	keyring_sign_public(r->app->kr, pk, key_id);
	sodium_bin2base64(x, sizeof(x), pk, sizeof(pk), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	req_json(r, 200, json_pack("{s:s, s:s, s:s, s:{s:s, s:s, s:s, s:s, s:s}}",
		"alg", "Ed25519", "key_id", key_id, "public_key", x,
		"jwk", "kty", "OKP", "crv", "Ed25519", "x", x, "kid", key_id, "use", "sig"));
	return ERR_OK;
}

static void write_record(struct jsonw *w, const struct consent *c)
{
	jsonw_open(w, NULL, '{');
	jsonw_id(w, "id", c->id);
	jsonw_str(w, "purpose", c->purpose);
	jsonw_int(w, "purpose_version", c->purpose_version);
	jsonw_bool(w, "granted", c->granted);
	jsonw_str(w, "policy_version", c->policy_version);
	jsonw_str(w, "device_id", *c->device_id ? c->device_id : NULL);
	jsonw_time(w, "created_at", c->created_at);
	jsonw_close(w, '}');
}

static enum err post_consent(struct req *r)
{
	static const struct field spec[] = {
		{ "purpose", F_STRING, 1 }, { "granted", F_BOOL, 1 }, { "device_id", F_STRING, 0 }, { 0 }
	};
	struct store *st = r->app->st;
	const char *device = req_str(r, "device_id");
	int granted = json_is_true(json_object_get(r->body, "granted"));
	struct consent c;
	enum err rc;
	if ((rc = req_check_body(r, spec)) || (device && (rc = check_device_id(r, "device_id", device))))
		return rc;
	const struct purpose *p = purpose_find(req_str(r, "purpose"));
	if (!p) {
		req_extra(r, "field", json_string("purpose"));
		return req_fail(r, ERR_UNKNOWN_PURPOSE, "purpose '%.64s' is not declared; GET /api/v1/privacy/purposes lists them",
				req_str(r, "purpose"));
	}
	if (store_begin(st) != STORE_OK)
		return req_fail(r, ERR_UNAVAILABLE, "the database is busy");
	if (consent_append(st, r->user_id, p, granted, device, clock_now_ms(), &c))
		return req_fail(r, ERR_INTERNAL, "cannot record the consent");
	char object[AUDIT_OBJECT_LEN], detail[160];
	snprintf(detail, sizeof(detail), "{\"purpose\":\"%s\",\"purpose_version\":%d,\"policy_version\":\"%s\"}",
		 p->id, p->version, c.policy_version);
	if (audit_append(st, r->user_id, granted ? "consent.grant" : "consent.revoke", r->user_id,
			 audit_object("consent", c.id, object), detail))
		return req_fail(r, ERR_INTERNAL, "cannot record the consent in the audit log");
	if (store_commit(st) != STORE_OK)
		return req_fail(r, ERR_INTERNAL, "cannot commit the consent");
	struct jsonw w;
	jsonw_init(&w);
	write_record(&w, &c);
	req_json_text(r, 201, w.buf, w.len);
	jsonw_release(&w);
	return ERR_OK;
}

static void history_item(const struct consent *c, void *arg)
{
	write_record(arg, c);
}

static enum err get_consents(struct req *r)
{
	const char *lang = req_lang(r);
	struct consent_state cs;
	struct jsonw w;
	jsonw_init(&w);
	jsonw_open(&w, NULL, '{');
	jsonw_open(&w, "purposes", '[');
	for (const struct purpose *p = purposes; p->id; p++) {
		if (consent_state(r->app->st, r->user_id, p, &cs)) {
			jsonw_release(&w);
			return req_fail(r, ERR_INTERNAL, "cannot read the consents");
		}
		jsonw_open(&w, NULL, '{');
		jsonw_str(&w, "purpose", p->id);
		jsonw_str(&w, "title", purpose_title(p, lang));
		jsonw_int(&w, "version", p->version);
		jsonw_bool(&w, "granted", cs.granted);
		jsonw_bool(&w, "needs_renewal", cs.needs_renewal);
		if (cs.updated_at)
			jsonw_time(&w, "updated_at", cs.updated_at);
		else
			jsonw_null(&w, "updated_at");
		jsonw_close(&w, '}');
	}
	jsonw_close(&w, ']');
	jsonw_open(&w, "history", '[');
	if (consent_history(r->app->st, r->user_id, history_item, &w)) {
		jsonw_release(&w);
		return req_fail(r, ERR_INTERNAL, "cannot read the consents");
	}
	jsonw_close(&w, ']');
	jsonw_close(&w, '}');
	req_json_text(r, 200, w.buf, w.len);
	jsonw_release(&w);
	return ERR_OK;
}

static enum err get_receipt(struct req *r)
{
	struct consent_receipt cr;
	int64_t id;
	if (id_parse(r->params[0], &id) ||
	    consent_receipt_make(r->app->st, r->app->kr, r->user_id, id, req_lang(r), &cr))
		return req_fail(r, ERR_CONSENT_NOT_FOUND, NULL);
	/* The receipt twice: as an object to read, and as the exact text the signature covers. */
	struct jsonw w;
	jsonw_init(&w);
	jsonw_open(&w, NULL, '{');
	jsonw_raw(&w, "receipt", cr.text, cr.len);
	jsonw_str(&w, "alg", "Ed25519");
	jsonw_str(&w, "signature", cr.signature);
	jsonw_strn(&w, "receipt_text", cr.text, cr.len);
	jsonw_str(&w, "key_id", cr.key_id);
	jsonw_str(&w, "key_url", "/api/v1/privacy/signing-key");
	jsonw_close(&w, '}');
	req_json_text(r, 200, w.buf, w.len);
	jsonw_release(&w);
	consent_receipt_release(&cr);
	return ERR_OK;
}

/* Replies with every switch of the device: true, false, or null when never reported. */
static enum err reply_permissions(struct req *r, const char *device)
{
	int states[PERM__COUNT];
	int64_t updated_at;
	if (device_permissions_get(r->app->st, r->user_id, device, states, &updated_at))
		return req_fail(r, ERR_INTERNAL, "cannot read the device's permissions");
	struct jsonw w;
	jsonw_init(&w);
	jsonw_open(&w, NULL, '{');
	jsonw_str(&w, "device_id", device);
	jsonw_open(&w, "permissions", '{');
	for (int i = PERM_NONE + 1; i < PERM__COUNT; i++) {
		if (states[i] < 0)
			jsonw_null(&w, permission_name(i));
		else
			jsonw_bool(&w, permission_name(i), states[i]);
	}
	jsonw_close(&w, '}');
	if (updated_at)
		jsonw_time(&w, "updated_at", updated_at);
	else
		jsonw_null(&w, "updated_at");
	jsonw_close(&w, '}');
	req_json_text(r, 200, w.buf, w.len);
	jsonw_release(&w);
	return ERR_OK;
}

static enum err get_permissions(struct req *r)
{
	char device[CONSENT_DEVICE_LEN];
	enum err rc = path_device(r, device);
	return rc ? rc : reply_permissions(r, device);
}

static enum err put_permissions(struct req *r)
{
	struct store *st = r->app->st;
	char device[CONSENT_DEVICE_LEN], object[AUDIT_OBJECT_LEN];
	int64_t now = clock_now_ms();
	const char *key;
	json_t *v;
	enum err rc;
	/* Any subset of the switches, each true or false: the phone reports what changed. */
	json_object_foreach(r->body, key, v) {
		if (permission_find(key) == PERM_NONE) {
			req_extra(r, "field", json_string(key));
			return req_fail(r, ERR_UNKNOWN_FIELD, "'%.32s' is not a device permission", key);
		}
		if (!json_is_boolean(v)) {
			req_extra(r, "field", json_string(key));
			return req_fail(r, ERR_INVALID_TYPE, "field '%s' must be true or false", key);
		}
	}
	if ((rc = path_device(r, device)))
		return rc;
	if (json_object_size(r->body) == 0) /* nothing changed: nothing to record */
		return reply_permissions(r, device);
	if (store_begin(st) != STORE_OK)
		return req_fail(r, ERR_UNAVAILABLE, "the database is busy");
	json_object_foreach(r->body, key, v) {
		if (device_permission_set(st, r->user_id, device, permission_find(key), json_is_true(v), now))
			return req_fail(r, ERR_INTERNAL, "cannot store the permission");
	}
	/* The switches themselves go to the audit log, the device id does not (audit.h). */
	char *detail = json_dumps(r->body, JSON_COMPACT | JSON_SORT_KEYS);
	int failed = audit_append(st, r->user_id, "device.permissions", r->user_id,
				  audit_object("user", r->user_id, object), detail);
	free(detail);
	if (failed)
		return req_fail(r, ERR_INTERNAL, "cannot record the change in the audit log");
	if (store_commit(st) != STORE_OK)
		return req_fail(r, ERR_INTERNAL, "cannot commit the permissions");
	return reply_permissions(r, device);
}

/* Push tokens are opaque strings from the phone's push service: visible ASCII, bounded. */
static enum err check_token(struct req *r, const char *t)
{
	size_t n = strlen(t);
	int ok = n >= 1 && n <= 512;
	for (const unsigned char *p = (const unsigned char *)t; ok && *p; p++)
		ok = *p > 0x20 && *p < 0x7f;
	if (ok)
		return ERR_OK;
	req_extra(r, "field", json_string("token"));
	return req_fail(r, ERR_INVALID_VALUE, "'token' must be 1 to 512 visible ASCII characters");
}

/* Stores the device's push token, only under a live consent to push_notifications on a device
 * whose notifications switch is not off (PP-12, PP-13).  A refusal stores nothing. */
static enum err post_push_token(struct req *r)
{
	static const struct field spec[] = { { "token", F_STRING, 1 }, { 0 } };
	struct store *st = r->app->st;
	char device[CONSENT_DEVICE_LEN];
	int64_t now = clock_now_ms();
	enum err rc;
	if ((rc = req_check_body(r, spec)) || (rc = check_token(r, req_str(r, "token"))) ||
	    (rc = path_device(r, device)))
		return rc;
	if (store_begin(st) != STORE_OK)
		return req_fail(r, ERR_UNAVAILABLE, "the database is busy");
	/* Checked inside the transaction that stores: a revocation cannot land in between. */
	if ((rc = consent_require_req(r, "push_notifications", device)))
		return rc;
	struct store_stmt *s = store_prepare(st,
		"INSERT INTO push_tokens (user_id, device_id, token, updated_at) VALUES (?, ?, ?, ?)"
		" ON CONFLICT (user_id, device_id) DO UPDATE SET token = excluded.token,"
		" updated_at = excluded.updated_at");
	store_bind_int(s, 1, r->user_id);
	store_bind_text(s, 2, device, -1);
	store_bind_text(s, 3, req_str(r, "token"), -1);
	store_bind_int(s, 4, now);
	if (store_run(s) != STORE_DONE || store_commit(st) != STORE_OK)
		return req_fail(r, ERR_INTERNAL, "cannot store the push token");
	char at[CLOCK_RFC3339_LEN];
	req_json(r, 200, json_pack("{s:s, s:b, s:s}", "device_id", device, "registered", 1,
				   "updated_at", clock_format(now, at)));
	return ERR_OK;
}

const struct route consent_routes[] = {
	{ "GET", "/api/v1/privacy/purposes", get_purposes, 0 },
	{ "GET", "/api/v1/privacy/signing-key", get_signing_key, 0 },
	{ "GET", "/api/v1/me/consents", get_consents, ROUTE_AUTH },
	{ "POST", "/api/v1/me/consents", post_consent, ROUTE_AUTH | ROUTE_BODY },
	{ "GET", "/api/v1/me/consents/{id}/receipt", get_receipt, ROUTE_AUTH },
	{ "GET", "/api/v1/me/devices/{id}/permissions", get_permissions, ROUTE_AUTH },
	{ "PUT", "/api/v1/me/devices/{id}/permissions", put_permissions, ROUTE_AUTH | ROUTE_BODY },
	{ "POST", "/api/v1/me/devices/{id}/push-token", post_push_token, ROUTE_AUTH | ROUTE_BODY },
	{ 0 }
};
