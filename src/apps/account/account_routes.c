/* Account routes: codes, sign-up, sign-in, sign-out, sessions, the profile, notifications. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "apps/account/account.h"
#include "apps/account/account_int.h"
#include <sodium.h>
#include "core/clock.h"
#include "core/jsonw.h"
#include "notify/notify.h"
#include "privacy/audit.h"
#include "privacy/privacy.h"
#include "core/banned.h"

static const struct field device_fields[] = {
	{ "id", F_STRING, 1 }, { "model", F_STRING, 0 }, { "os", F_STRING, 0 },
	{ "app_version", F_STRING, 0 }, { 0 }
};

/* Counts UTF-8 characters; -1 on a control character. */
static int text_chars(const char *s)
{
	int n = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p < 0x20 || *p == 0x7f)
			return -1;
		n += (*p & 0xc0) != 0x80;
	}
	return n;
}

static enum err check_text(struct req *r, const char *field, const char *v, int max)
{
	int n = text_chars(v);
	if (n < 1 || n > max || v[0] == ' ') {
		req_extra(r, "field", json_string(field));
		return req_fail(r, ERR_INVALID_VALUE, "'%s' must be 1 to %d characters of text", field, max);
	}
	return ERR_OK;
}

/* The device object of a sign-in: an id and, optionally, model, OS and app version. */
static enum err check_device(struct req *r, json_t **device)
{
	enum err rc;
	*device = json_object_get(r->body, "device");
	if ((rc = req_check_object(r, *device, "device", device_fields)))
		return rc;
	if ((rc = check_text(r, "device.id", json_str(*device, "id", ""), 128)))
		return rc;
	static const char *const optional[] = { "model", "os", "app_version" };
	for (int i = 0; i < 3; i++) {
		const char *v = json_str(*device, optional[i], NULL);
		char name[32];
		snprintf(name, sizeof(name), "device.%s", optional[i]);
		if (v && *v && (rc = check_text(r, name, v, 128)))
			return rc;
	}
	return ERR_OK;
}

static enum err post_sms_code(struct req *r)
{
	static const struct field spec[] = { { "phone", F_STRING, 1 }, { "purpose", F_STRING, 1 }, { 0 } };
	enum err rc;
	if ((rc = req_check_body(r, spec)))
		return rc;
	const char *purpose = req_str(r, "purpose");
	if (strcmp(purpose, "register") && strcmp(purpose, "login") && strcmp(purpose, "verify")) {
		req_extra(r, "field", json_string("purpose"));
		return req_fail(r, ERR_INVALID_VALUE, "purpose must be register, login or verify, not '%.32s'", purpose);
	}
	/* The same reply whether or not the number has an account: nobody learns who is registered. */
	if ((rc = send_code(r, req_str(r, "phone"), purpose)))
		return rc;
	req_json(r, 202, json_pack("{s:b, s:i, s:i}", "sent", 1, "expires_in", (int)r->app->cfg->code_ttl,
				   "resend_after", (int)r->app->cfg->code_resend));
	return ERR_OK;
}

/* Writes the account as its owner sees it; 0, or -1 when there is no such account. */
static int me_write(struct req *r, int64_t user, struct jsonw *w, const char *key)
{
	struct store_stmt *s = store_prepare(r->app->st,
		"SELECT u.phone_sealed, u.name, u.gender, u.email, u.pending_email, u.policy_version,"
		" u.created_at, k.wrapped FROM users u LEFT JOIN subject_keys k ON k.subject_id = u.id"
		" WHERE u.id = ?");
	store_bind_int(s, 1, user);
	if (store_step(s) != STORE_ROW)
		return -1;
	size_t len, wlen;
	const uint8_t *sealed = store_col_blob(s, 0, &len), *wrapped = store_col_blob(s, 7, &wlen);
	char *phone = subject_open_with(r->app->kr, user, wrapped, wlen, "users.phone", sealed, len);
	jsonw_open(w, key, '{');
	jsonw_id(w, "id", user);
	jsonw_str(w, "phone", phone);
	jsonw_str(w, "name", store_col_text(s, 1));
	jsonw_str(w, "gender", store_col_text(s, 2));
	jsonw_str(w, "email", store_col_is_null(s, 3) ? NULL : store_col_text(s, 3));
	jsonw_str(w, "pending_email", store_col_is_null(s, 4) ? NULL : store_col_text(s, 4));
	jsonw_str(w, "policy_version", store_col_text(s, 5));
	jsonw_time(w, "created_at", store_col_int(s, 6));
	jsonw_close(w, '}');
	store_reset(s);
	free(phone);
	return 0;
}

/* Common to sign-up and sign-in: body, phone and code checked; the code's id returned. */
static enum err check_sign_in(struct req *r, const char *purpose, const struct field *spec,
			      char e164[PHONE_E164_LEN], uint8_t target[KEYRING_INDEX_LEN],
			      json_t **device, int64_t *code_id)
{
	enum err rc;
	if ((rc = req_check_body(r, spec)) || (rc = check_device(r, device)))
		return rc;
	if (!strcmp(purpose, "register")) {
		const char *v = req_str(r, "policy_version");
		if (!v || !*v)
			return req_fail(r, ERR_POLICY_ACCEPTANCE_REQUIRED,
					"accept the privacy policy (GET /api/v1/privacy/policy) by sending its version");
		if (strcmp(v, policy_version())) {
			req_extra(r, "current_version", json_string(policy_version()));
			return req_fail(r, ERR_POLICY_VERSION_OUTDATED, "policy version '%.32s' is not the current one", v);
		}
		if ((rc = check_text(r, "name", req_str(r, "name"), 64)))
			return rc;
	}
	if ((rc = parse_phone(r, req_str(r, "phone"), e164)))
		return rc;
	phone_target(r, e164, target);
	return code_check(r, target, purpose, req_str(r, "code"), code_id);
}

static void reply_signed_in(struct req *r, int status, int64_t user, struct new_session *ns)
{
	struct jsonw w;
	jsonw_init(&w);
	jsonw_open(&w, NULL, '{');
	if (me_write(r, user, &w, "user"))
		jsonw_null(&w, "user");
	jsonw_open(&w, "session", '{');
	jsonw_id(&w, "id", ns->id);
	jsonw_time(&w, "expires_at", ns->expires_at);
	if (ns->cookie)
		jsonw_str(&w, "csrf_token", ns->csrf);
	else
		jsonw_str(&w, "token", ns->token);
	jsonw_close(&w, '}');
	jsonw_close(&w, '}');
	req_json_text(r, status, w.buf, w.len);
	sodium_memzero(w.buf, w.len);
	sodium_memzero(ns->token, sizeof(ns->token));
	jsonw_release(&w);
}

static int cookie_wanted(struct req *r)
{
	return json_is_true(json_object_get(r->body, "cookie"));
}

static enum err post_register(struct req *r)
{
	static const struct field spec[] = {
		{ "phone", F_STRING, 1 }, { "code", F_STRING, 1 }, { "name", F_STRING, 1 },
		{ "policy_version", F_STRING, 0 }, { "device", F_OBJECT, 1 }, { "cookie", F_BOOL, 0 }, { 0 }
	};
	char e164[PHONE_E164_LEN];
	uint8_t target[KEYRING_INDEX_LEN];
	json_t *device;
	struct new_session session;
	int64_t code_id, now = clock_now_ms(), user = id_next();
	struct store *st = r->app->st;
	enum err rc;
	if ((rc = check_sign_in(r, "register", spec, e164, target, &device, &code_id)))
		return rc;
	if (store_begin(st) != STORE_OK)
		return req_fail(r, ERR_UNAVAILABLE, "the database is busy");
	if ((rc = code_consume(r, code_id)))
		return rc;
	struct store_stmt *s = store_prepare(st, "SELECT 1 FROM users WHERE phone_index = ?");
	store_bind_blob(s, 1, target, KEYRING_INDEX_LEN);
	int exists = store_step(s) == STORE_ROW;
	store_reset(s);
	if (exists)
		return req_fail(r, ERR_ACCOUNT_EXISTS, NULL);

	size_t sealed_len;
	if (subject_key_create(st, r->app->kr, user))
		return req_fail(r, ERR_INTERNAL, "cannot create the data key");
	uint8_t *sealed = subject_seal(st, r->app->kr, user, "users.phone", e164, &sealed_len);
	s = store_prepare(st,
		"INSERT INTO users (id, phone_index, phone_sealed, name, policy_version, created_at, updated_at)"
		" VALUES (?, ?, ?, ?, ?, ?, ?)");
	store_bind_int(s, 1, user);
	store_bind_blob(s, 2, target, KEYRING_INDEX_LEN);
	store_bind_blob(s, 3, sealed, sealed_len);
	store_bind_text(s, 4, req_str(r, "name"), -1);
	store_bind_text(s, 5, policy_version(), -1);
	store_bind_int(s, 6, now);
	store_bind_int(s, 7, now);
	free(sealed);
	enum store_rc src = store_run(s);
	if (src == STORE_CONSTRAINT) /* another sign-up for this number committed first */
		return req_fail(r, ERR_ACCOUNT_EXISTS, NULL);
	if (src != STORE_DONE)
		return req_fail(r, ERR_INTERNAL, "cannot store the account");
	/* Accepting the policy is a consent like any other: who, which version, when, on which device. */
	if (consent_record(st, user, "privacy_policy", 1, policy_version(), json_str(device, "id", ""), now))
		return req_fail(r, ERR_INTERNAL, "cannot record the policy acceptance");
	char object[AUDIT_OBJECT_LEN], detail[64];
	snprintf(detail, sizeof(detail), "{\"policy_version\":\"%s\"}", policy_version());
	if (audit_append(st, user, "account.register", user, audit_object("user", user, object), NULL) ||
	    audit_append(st, user, "consent.grant", user, "purpose:privacy_policy", detail))
		return req_fail(r, ERR_INTERNAL, "cannot record the sign-up in the audit log");
	s = store_prepare(st, "INSERT INTO known_devices (user_id, device_id, first_seen_at) VALUES (?, ?, ?)");
	store_bind_int(s, 1, user);
	store_bind_text(s, 2, json_str(device, "id", ""), -1);
	store_bind_int(s, 3, now);
	if (store_run(s) != STORE_DONE)
		return req_fail(r, ERR_INTERNAL, "cannot record the device");
	if ((rc = session_create(r, user, device, cookie_wanted(r), &session)))
		return rc;
	if (store_commit(st) != STORE_OK)
		return req_fail(r, ERR_INTERNAL, "cannot commit the account");
	reply_signed_in(r, 201, user, &session);
	return ERR_OK;
}

/* PP-17: a sign-in from a device never seen on this account is told to its owner. */
static int tell_new_device(struct req *r, int64_t user, json_t *device, int64_t now, char *sms,
			   size_t smslen)
{
	char at[CLOCK_RFC3339_LEN], when[32], title[128], body[512];
	const char *model = json_str(device, "model", "");
	if (!*model)
		model = "未知设备 unknown device";
	clock_format(now, at);
	snprintf(when, sizeof(when), "%.10s %.5s UTC", at, at + 11);
	snprintf(title, sizeof(title), "新设备登录 / New sign-in");
	snprintf(body, sizeof(body),
		 "您的账号于 %s 在新设备 %.100s 上登录。如非本人操作，请在“我的设备”中将其退出。"
		 " / New sign-in on %.100s at %s. If this was not you, sign that device out in My devices.",
		 when, model, model, when);
	snprintf(sms, smslen, "【Atrium】%s", body);
	return notify_inapp(r->app->st, user, "new_sign_in", title, body, now);
}

static enum err post_login(struct req *r)
{
	static const struct field spec[] = {
		{ "phone", F_STRING, 1 }, { "code", F_STRING, 1 }, { "device", F_OBJECT, 1 },
		{ "cookie", F_BOOL, 0 }, { 0 }
	};
	char e164[PHONE_E164_LEN], sms[1024] = "";
	uint8_t target[KEYRING_INDEX_LEN];
	json_t *device;
	struct new_session session;
	int64_t code_id, now = clock_now_ms(), user;
	struct store *st = r->app->st;
	enum err rc;
	if ((rc = check_sign_in(r, "login", spec, e164, target, &device, &code_id)))
		return rc;
	if (store_begin(st) != STORE_OK)
		return req_fail(r, ERR_UNAVAILABLE, "the database is busy");
	if ((rc = code_consume(r, code_id)))
		return rc;
	struct store_stmt *s = store_prepare(st, "SELECT id FROM users WHERE phone_index = ?");
	store_bind_blob(s, 1, target, KEYRING_INDEX_LEN);
	if (store_step(s) != STORE_ROW)
		return req_fail(r, ERR_ACCOUNT_NOT_FOUND, NULL);
	user = store_col_int(s, 0);
	store_reset(s);
	s = store_prepare(st,
		"INSERT INTO known_devices (user_id, device_id, first_seen_at) VALUES (?, ?, ?)"
		" ON CONFLICT (user_id, device_id) DO NOTHING");
	store_bind_int(s, 1, user);
	store_bind_text(s, 2, json_str(device, "id", ""), -1);
	store_bind_int(s, 3, now);
	if (store_run(s) != STORE_DONE)
		return req_fail(r, ERR_INTERNAL, "cannot record the device");
	if (store_changes(st) == 1 && tell_new_device(r, user, device, now, sms, sizeof(sms)))
		return req_fail(r, ERR_INTERNAL, "cannot store the notification");
	if ((rc = session_create(r, user, device, cookie_wanted(r), &session)))
		return rc;
	if (store_commit(st) != STORE_OK)
		return req_fail(r, ERR_INTERNAL, "cannot commit the sign-in");
	if (*sms)
		notify_sms(r->app->notify, e164, "new_sign_in", NULL, NULL, sms);
	reply_signed_in(r, 200, user, &session);
	return ERR_OK;
}

static void clear_cookie(struct req *r)
{
	if (r->cookie_session)
		req_set_header(r, "set-cookie", SESSION_COOKIE "=; Path=/api/v1; Max-Age=0; HttpOnly; SameSite=Strict");
}

static enum err end_session(struct req *r, int64_t id)
{
	struct store_stmt *s = store_prepare(r->app->st, "DELETE FROM sessions WHERE id = ? AND user_id = ?");
	store_bind_int(s, 1, id);
	store_bind_int(s, 2, r->user_id);
	if (store_run(s) != STORE_DONE)
		return req_fail(r, ERR_INTERNAL, "cannot end the session");
	if (store_changes(r->app->st) != 1)
		return req_fail(r, ERR_SESSION_NOT_FOUND, NULL);
	return ERR_OK;
}

static enum err post_logout(struct req *r)
{
	enum err rc = end_session(r, r->session_id);
	if (rc)
		return rc;
	clear_cookie(r);
	req_no_content(r);
	return ERR_OK;
}

static enum err get_me(struct req *r)
{
	struct jsonw w;
	jsonw_init(&w);
	if (me_write(r, r->user_id, &w, NULL)) {
		jsonw_release(&w);
		return req_fail(r, ERR_AUTH_REQUIRED, NULL);
	}
	req_json_text(r, 200, w.buf, w.len);
	jsonw_release(&w);
	return ERR_OK;
}

static int email_valid(const char *e)
{
	const char *at = strchr(e, '@');
	size_t n = strlen(e);
	if (!at || at == e || n > 254 || strchr(at + 1, '@') || !strchr(at + 1, '.'))
		return 0;
	if (at[1] == '.' || e[n - 1] == '.')
		return 0;
	for (const char *p = e; *p; p++)
		if ((unsigned char)*p <= ' ' || strchr("<>()[]\\,;:\"", *p))
			return 0;
	return 1;
}

static enum err patch_me(struct req *r)
{
	static const struct field spec[] = {
		{ "name", F_STRING, 0 }, { "gender", F_STRING, 0 }, { "email", F_STRING, 0 }, { 0 }
	};
	struct store *st = r->app->st;
	const char *name = req_str(r, "name"), *gender = req_str(r, "gender"), *email = req_str(r, "email");
	char code[CODE_LEN + 1] = "";
	int64_t now = clock_now_ms();
	enum err rc;
	if ((rc = req_check_body(r, spec)))
		return rc;
	if (name && (rc = check_text(r, "name", name, 64)))
		return rc;
	if (gender && strcmp(gender, "male") && strcmp(gender, "female") && strcmp(gender, "unspecified")) {
		req_extra(r, "field", json_string("gender"));
		return req_fail(r, ERR_INVALID_VALUE, "gender must be male, female or unspecified");
	}
	if (email && !email_valid(email)) {
		req_extra(r, "field", json_string("email"));
		return req_fail(r, ERR_INVALID_EMAIL, "e-mail address '%.80s' is not valid", email);
	}
	if (store_begin(st) != STORE_OK)
		return req_fail(r, ERR_UNAVAILABLE, "the database is busy");
	struct store_stmt *s = store_prepare(st,
		"UPDATE users SET name = coalesce(?, name), gender = coalesce(?, gender), updated_at = ?"
		" WHERE id = ?");
	store_bind_text(s, 1, name, -1);
	store_bind_text(s, 2, gender, -1);
	store_bind_int(s, 3, now);
	store_bind_int(s, 4, r->user_id);
	if (store_run(s) != STORE_DONE)
		return req_fail(r, ERR_INTERNAL, "cannot update the account");
	if (email) {
		/* A new address takes effect only once a code sent to it comes back. */
		uint8_t target[KEYRING_INDEX_LEN];
		email_target(r->app->kr, r->user_id, email, target);
		if ((rc = code_issue(r, target, "email", code)))
			return rc;
		s = store_prepare(st, "UPDATE users SET pending_email = ? WHERE id = ?");
		store_bind_text(s, 1, email, -1);
		store_bind_int(s, 2, r->user_id);
		if (store_run(s) != STORE_DONE)
			return req_fail(r, ERR_INTERNAL, "cannot update the account");
		char text[512];
		snprintf(text, sizeof(text),
			 "您的 Atrium 邮箱验证码是 %s，%ld 分钟内有效。\nYour Atrium e-mail verification code is %s; it is valid for %ld minutes.",
			 code, ttl_minutes(r), code, ttl_minutes(r));
		if (notify_email(r->app->notify, email, "code", "email", code,
				 "Atrium 邮箱验证 / Verify your e-mail", text))
			return req_fail(r, ERR_UNAVAILABLE, "the e-mail could not be sent");
	}
	if (store_commit(st) != STORE_OK)
		return req_fail(r, ERR_INTERNAL, "cannot update the account");
	return get_me(r);
}

static enum err post_email_verify(struct req *r)
{
	static const struct field spec[] = { { "code", F_STRING, 1 }, { 0 } };
	struct store *st = r->app->st;
	enum err rc;
	int64_t code_id;
	char pending[300];
	if ((rc = req_check_body(r, spec)))
		return rc;
	struct store_stmt *s = store_prepare(st, "SELECT pending_email FROM users WHERE id = ?");
	store_bind_int(s, 1, r->user_id);
	if (store_step(s) != STORE_ROW || store_col_is_null(s, 0)) {
		store_reset(s);
		return req_fail(r, ERR_CODE_EXPIRED, "no e-mail change is waiting for a code");
	}
	snprintf(pending, sizeof(pending), "%s", store_col_text(s, 0));
	store_reset(s);
	uint8_t target[KEYRING_INDEX_LEN];
	email_target(r->app->kr, r->user_id, pending, target);
	if ((rc = code_check(r, target, "email", req_str(r, "code"), &code_id)))
		return rc;
	if (store_begin(st) != STORE_OK)
		return req_fail(r, ERR_UNAVAILABLE, "the database is busy");
	if ((rc = code_consume(r, code_id)))
		return rc;
	s = store_prepare(st,
		"UPDATE users SET email = pending_email, pending_email = NULL, updated_at = ?"
		" WHERE id = ? AND pending_email = ?");
	store_bind_int(s, 1, clock_now_ms());
	store_bind_int(s, 2, r->user_id);
	store_bind_text(s, 3, pending, -1);
	if (store_run(s) != STORE_DONE)
		return req_fail(r, ERR_INTERNAL, "cannot update the account");
	/* The address itself stays out of the audit log: it is personal data. */
	char object[AUDIT_OBJECT_LEN];
	if (store_changes(st) == 1 &&
	    audit_append(st, r->user_id, "account.email_change", r->user_id, audit_object("user", r->user_id, object), NULL))
		return req_fail(r, ERR_INTERNAL, "cannot record the change in the audit log");
	if (store_commit(st) != STORE_OK)
		return req_fail(r, ERR_INTERNAL, "cannot update the account");
	return get_me(r);
}

static enum err get_sessions(struct req *r)
{
	struct store_stmt *s = store_prepare(r->app->st,
		"SELECT id, device_id, device_model, device_os, app_version, ip, created_at, last_seen_at"
		" FROM sessions WHERE user_id = ? ORDER BY id DESC");
	store_bind_int(s, 1, r->user_id);
	json_t *list = json_array();
	while (store_step(s) == STORE_ROW) {
		char id[ID_STR_LEN], created[CLOCK_RFC3339_LEN], seen[CLOCK_RFC3339_LEN];
		int64_t sid = store_col_int(s, 0);
		json_array_append_new(list, json_pack("{s:s, s:{s:s, s:s, s:s, s:s}, s:s, s:s, s:s, s:b}",
			"id", id_format(sid, id),
			"device", "id", store_col_text(s, 1), "model", store_col_text(s, 2),
			"os", store_col_text(s, 3), "app_version", store_col_text(s, 4),
			"ip", store_col_text(s, 5), "created_at", clock_format(store_col_int(s, 6), created),
			"last_seen_at", clock_format(store_col_int(s, 7), seen), "current", sid == r->session_id));
	}
	req_json(r, 200, json_pack("{s:o}", "sessions", list));
	return ERR_OK;
}

static enum err delete_session(struct req *r)
{
	int64_t id;
	char object[AUDIT_OBJECT_LEN];
	struct store *st = r->app->st;
	if (id_parse(r->params[0], &id))
		return req_fail(r, ERR_SESSION_NOT_FOUND, NULL);
	/* One transaction: the session ends only if its audit entry is written too. */
	if (store_begin(st) != STORE_OK)
		return req_fail(r, ERR_UNAVAILABLE, "the database is busy");
	enum err rc = end_session(r, id);
	if (rc)
		return rc;
	if (audit_append(st, r->user_id, "session.revoke", r->user_id, audit_object("session", id, object), NULL))
		return req_fail(r, ERR_INTERNAL, "cannot record the revocation in the audit log");
	if (store_commit(st) != STORE_OK)
		return req_fail(r, ERR_INTERNAL, "cannot end the session");
	if (id == r->session_id)
		clear_cookie(r);
	req_no_content(r);
	return ERR_OK;
}

static enum err get_notifications(struct req *r)
{
	int64_t cursor, next;
	int limit;
	enum err rc = req_page(r, &limit, &cursor);
	if (rc)
		return rc;
	json_t *list = notify_list(r->app->st, r->user_id, cursor, (int)limit, &next);
	char nc[ID_STR_LEN];
	req_json(r, 200, json_pack("{s:o, s:o}", "notifications", list,
				   "next_cursor", next ? json_string(id_format(next, nc)) : json_null()));
	return ERR_OK;
}

const struct route account_routes[] = {
	{ "POST", "/api/v1/auth/sms-codes", post_sms_code, ROUTE_BODY },
	{ "POST", "/api/v1/auth/register", post_register, ROUTE_BODY },
	{ "POST", "/api/v1/auth/login", post_login, ROUTE_BODY },
	{ "POST", "/api/v1/auth/logout", post_logout, ROUTE_AUTH },
	{ "GET", "/api/v1/me", get_me, ROUTE_AUTH },
	{ "PATCH", "/api/v1/me", patch_me, ROUTE_AUTH | ROUTE_BODY },
	{ "POST", "/api/v1/me/email/verify", post_email_verify, ROUTE_AUTH | ROUTE_BODY },
	{ "GET", "/api/v1/me/sessions", get_sessions, ROUTE_AUTH },
	{ "DELETE", "/api/v1/me/sessions/{id}", delete_session, ROUTE_AUTH },
	{ "GET", "/api/v1/me/notifications", get_notifications, ROUTE_AUTH },
	{ 0 }
};
