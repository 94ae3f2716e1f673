/*
 * Account rules and their SQL: one-time codes, sign-up, sign-in, sessions, the profile.
 * Merged into one file while the module is small (DESIGN.md §2).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include "apps/account/account.h"
#include "apps/account/account_int.h"
#include "core/clock.h"
#include "core/mem.h"
#include "core/phone.h"
#include "crypto/token.h"
#include "notify/notify.h"
#include "privacy/erasure.h"
#include "privacy/privacy.h"
#include "core/banned.h"

/* ---- per-address limit on code requests, shared by all loops ---- */

#define IP_SLOTS 4096
static struct ip_slot {
	char ip[48];
	int64_t window;
	int count;
} ip_slots[IP_SLOTS];
static pthread_mutex_t ip_lock = PTHREAD_MUTEX_INITIALIZER;

/* Counts one request from ip; returns seconds to wait, or 0 when within the hourly limit. */
static int ip_limit(const char *ip, long per_hour, int64_t now)
{
	const int64_t hour = 3600 * 1000;
	uint32_t h = 2166136261u;
	for (const char *p = ip; *p; p++)
		h = (h ^ (uint8_t)*p) * 16777619u;
	int wait = 0;
	pthread_mutex_lock(&ip_lock);
	struct ip_slot *s = NULL;
	for (int i = 0; i < 8 && !s; i++) {
		struct ip_slot *c = &ip_slots[(h + (uint32_t)i) % IP_SLOTS];
		if (!strcmp(c->ip, ip) || now - c->window >= hour)
			s = c;
	}
	if (!s) /* all probed slots busy: take the first; a lost count errs toward service */
		s = &ip_slots[h % IP_SLOTS];
	if (strcmp(s->ip, ip) || now - s->window >= hour) {
		snprintf(s->ip, sizeof(s->ip), "%s", ip);
		s->window = now;
		s->count = 0;
	}
	if (s->count >= per_hour)
		wait = (int)((s->window + hour - now + 999) / 1000);
	else
		s->count++;
	pthread_mutex_unlock(&ip_lock);
	return wait;
}

/* Fails with rate_limited, telling the client when to come back (header and body). */
static enum err rate_limited(struct req *r, int secs, const char *why)
{
	char v[16];
	snprintf(v, sizeof(v), "%d", secs);
	req_set_header(r, "retry-after", v);
	req_extra(r, "retry_after", json_integer(secs));
	return req_fail(r, ERR_RATE_LIMITED, "%s; wait %d seconds", why, secs);
}

/* ---- codes ---- */

static void code_hash(const struct keyring *kr, const uint8_t target[KEYRING_INDEX_LEN],
		      const char *purpose, const char *code, uint8_t out[32])
{
	uint8_t msg[KEYRING_INDEX_LEN + 16 + CODE_LEN];
	size_t pl = strnlen(purpose, 16), cl = strnlen(code, CODE_LEN);
	memset(msg, 0, sizeof(msg));
	memcpy(msg, target, KEYRING_INDEX_LEN);
	memcpy(msg + KEYRING_INDEX_LEN, purpose, pl);
	memcpy(msg + KEYRING_INDEX_LEN + 16, code, cl);
	keyring_mac(kr, "code", msg, sizeof(msg), out);
}

enum err code_issue(struct req *r, const uint8_t target[KEYRING_INDEX_LEN], const char *purpose,
		    char code[CODE_LEN + 1])
{
	struct store *st = r->app->st;
	int64_t now = clock_now_ms();
	/* One code a minute and ten a day to one number or address, whatever the purpose. */
	struct store_stmt *s = store_prepare(st,
		"SELECT max(created_at), count(*), min(created_at) FROM verification_codes"
		" WHERE target_index = ? AND created_at > ?");
	store_bind_blob(s, 1, target, KEYRING_INDEX_LEN);
	store_bind_int(s, 2, now - 24 * 3600 * 1000);
	if (store_step(s) != STORE_ROW)
		return req_fail(r, ERR_INTERNAL, "cannot read codes");
	int64_t last = store_col_int(s, 0), count = store_col_int(s, 1), first = store_col_int(s, 2);
	store_reset(s);
	int64_t wait_ms = 0;
	int64_t resend = r->app->cfg->code_resend * 1000;
	if (count && now - last < resend)
		wait_ms = last + resend - now;
	if (count >= CODE_PER_DAY && first + 24 * 3600 * 1000 - now > wait_ms)
		wait_ms = first + 24 * 3600 * 1000 - now;
	if (wait_ms > 0)
		return rate_limited(r, (int)((wait_ms + 999) / 1000), "a code was sent to it recently");
	uint8_t hash[32];
	code_new(code);
	code_hash(r->app->kr, target, purpose, code, hash);
	s = store_prepare(st,
		"INSERT INTO verification_codes (id, target_index, purpose, code_hash, created_at, expires_at)"
		" VALUES (?, ?, ?, ?, ?, ?)");
	store_bind_int(s, 1, id_next());
	store_bind_blob(s, 2, target, KEYRING_INDEX_LEN);
	store_bind_text(s, 3, purpose, -1);
	store_bind_blob(s, 4, hash, sizeof(hash));
	store_bind_int(s, 5, now);
	store_bind_int(s, 6, now + r->app->cfg->code_ttl * 1000);
	if (store_run(s) != STORE_DONE)
		return req_fail(r, ERR_INTERNAL, "cannot store the code");
	/* Codes older than a day serve no limit any more: sweep them as we go. */
	s = store_prepare(st, "DELETE FROM verification_codes WHERE target_index = ? AND created_at <= ?");
	store_bind_blob(s, 1, target, KEYRING_INDEX_LEN);
	store_bind_int(s, 2, now - 24 * 3600 * 1000);
	store_run(s);
	return ERR_OK;
}

enum err code_check(struct req *r, const uint8_t target[KEYRING_INDEX_LEN], const char *purpose,
		    const char *code, int64_t *code_id)
{
	struct store *st = r->app->st;
	int64_t now = clock_now_ms();
	struct store_stmt *s = store_prepare(st,
		"SELECT id, code_hash, tries, expires_at, used_at IS NOT NULL FROM verification_codes"
		" WHERE target_index = ? AND purpose = ? ORDER BY id DESC LIMIT 1");
	store_bind_blob(s, 1, target, KEYRING_INDEX_LEN);
	store_bind_text(s, 2, purpose, -1);
	if (store_step(s) != STORE_ROW)
		return req_fail(r, ERR_CODE_EXPIRED, "no code was sent for this; request one first");
	int64_t id = store_col_int(s, 0), tries = store_col_int(s, 2), expires = store_col_int(s, 3);
	int used = (int)store_col_int(s, 4);
	size_t hl;
	uint8_t stored[32], given[32];
	const void *h = store_col_blob(s, 1, &hl);
	memcpy(stored, h, hl == 32 ? 32 : 0);
	store_reset(s);
	if (used || expires <= now)
		return req_fail(r, ERR_CODE_EXPIRED, "the code has expired or was already used");
	if (tries >= CODE_MAX_TRIES)
		return req_fail(r, ERR_CODE_LOCKED, "the code was tried wrongly %d times", CODE_MAX_TRIES);
	code_hash(r->app->kr, target, purpose, code, given);
	if (hl != 32 || strlen(code) != CODE_LEN || token_equal(stored, given, 32)) {
		/* The failed try counts even though the request fails: outside any transaction. */
		s = store_prepare(st, "UPDATE verification_codes SET tries = tries + 1 WHERE id = ?");
		store_bind_int(s, 1, id);
		store_run(s);
		req_extra(r, "tries_left", json_integer(CODE_MAX_TRIES - tries - 1));
		return req_fail(r, ERR_CODE_INVALID, "the code is wrong; %d tries left",
				(int)(CODE_MAX_TRIES - tries - 1));
	}
	*code_id = id;
	return ERR_OK;
}

enum err code_consume(struct req *r, int64_t code_id)
{
	struct store_stmt *s = store_prepare(r->app->st,
		"UPDATE verification_codes SET used_at = ? WHERE id = ? AND used_at IS NULL");
	store_bind_int(s, 1, clock_now_ms());
	store_bind_int(s, 2, code_id);
	if (store_run(s) != STORE_DONE)
		return req_fail(r, ERR_INTERNAL, "cannot use the code");
	/* Two requests raced with the same code: only one may win. */
	if (store_changes(r->app->st) != 1)
		return req_fail(r, ERR_CODE_EXPIRED, "the code was already used");
	return ERR_OK;
}

void phone_target(struct req *r, const char *e164, uint8_t out[KEYRING_INDEX_LEN])
{
	keyring_index(r->app->kr, "phone", e164, out);
}

enum err parse_phone(struct req *r, const char *in, char e164[PHONE_E164_LEN])
{
	if (phone_normalize(in, e164)) {
		req_extra(r, "phone", json_string(in));
		return req_fail(r, ERR_INVALID_PHONE, "phone number '%.40s' is not a valid mobile number", in);
	}
	return ERR_OK;
}

enum err send_code(struct req *r, const char *phone, const char *purpose)
{
	char e164[PHONE_E164_LEN], code[CODE_LEN + 1], text[256];
	uint8_t target[KEYRING_INDEX_LEN];
	enum err rc;
	if ((rc = parse_phone(r, phone, e164)))
		return rc;
	int wait = ip_limit(r->ip, r->app->cfg->sms_ip_per_hour, clock_now_ms());
	if (wait)
		return rate_limited(r, wait, "too many codes were requested from this address");
	phone_target(r, e164, target);
	if (store_begin(r->app->st) != STORE_OK)
		return req_fail(r, ERR_UNAVAILABLE, "the database is busy");
	if ((rc = code_issue(r, target, purpose, code)))
		return rc;
	snprintf(text, sizeof(text),
		 "【Atrium】验证码 %s，%ld 分钟内有效，请勿告诉他人。Your Atrium code is %s, valid for %ld minutes.",
		 code, ttl_minutes(r), code, ttl_minutes(r));
	if (notify_sms(r->app->notify, e164, "code", purpose, code, text))
		return req_fail(r, ERR_UNAVAILABLE, "the SMS could not be sent");
	if (store_commit(r->app->st) != STORE_OK)
		return req_fail(r, ERR_INTERNAL, "cannot store the code");
	return ERR_OK;
}

long ttl_minutes(struct req *r)
{
	long m = (r->app->cfg->code_ttl + 59) / 60;
	return m ? m : 1;
}

/* ---- sessions ---- */

void csrf_token(const struct keyring *kr, const char *token, char out[TOKEN_STR_LEN])
{
	uint8_t mac[32];
	keyring_mac(kr, "csrf", token, strlen(token), mac);
	token_b64(mac, sizeof(mac), out);
}

enum err session_create(struct req *r, int64_t user, json_t *device, int cookie,
			struct new_session *out)
{
	uint8_t hash[TOKEN_HASH_LEN];
	int64_t now = clock_now_ms();
	memset(out, 0, sizeof(*out));
	out->id = id_next();
	out->cookie = cookie;
	token_new(out->token, hash);
	struct store_stmt *s = store_prepare(r->app->st,
		"INSERT INTO sessions (id, user_id, token_hash, cookie, device_id, device_model, device_os,"
		" app_version, ip, created_at, last_seen_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
	store_bind_int(s, 1, out->id);
	store_bind_int(s, 2, user);
	store_bind_blob(s, 3, hash, sizeof(hash));
	store_bind_int(s, 4, cookie);
	store_bind_text(s, 5, json_str(device, "id", ""), -1);
	store_bind_text(s, 6, json_str(device, "model", ""), -1);
	store_bind_text(s, 7, json_str(device, "os", ""), -1);
	store_bind_text(s, 8, json_str(device, "app_version", ""), -1);
	store_bind_text(s, 9, r->ip, -1);
	store_bind_int(s, 10, now);
	store_bind_int(s, 11, now);
	if (store_run(s) != STORE_DONE)
		return req_fail(r, ERR_INTERNAL, "cannot store the session");
	int64_t idle = r->app->cfg->session_idle_days * 24 * 3600 * 1000;
	out->expires_at = now + idle;
	if (cookie) {
		char hdr[256];
		csrf_token(r->app->kr, out->token, out->csrf);
		snprintf(hdr, sizeof(hdr), "%s=%s; Path=/api/v1; Max-Age=%lld; HttpOnly; SameSite=Strict%s",
			 SESSION_COOKIE, out->token, (long long)(idle / 1000), r->app->tls ? "; Secure" : "");
		req_set_header(r, "set-cookie", hdr);
	}
	return ERR_OK;
}

/* The value of the session cookie in a Cookie header, or NULL. */
static const char *cookie_value(struct req *r, size_t *len)
{
	const char *c = req_header(r, "cookie");
	size_t nl = strlen(SESSION_COOKIE);
	for (const char *p = c; p && *p;) {
		while (*p == ' ' || *p == ';')
			p++;
		if (!strncmp(p, SESSION_COOKIE, nl) && p[nl] == '=') {
			p += nl + 1;
			*len = strcspn(p, "; ");
			return p;
		}
		p = strchr(p, ';');
	}
	return NULL;
}

/* Session bookkeeping, run after the reply (outside the request's read transaction). */
static void end_idle_session(struct req *r)
{
	struct store_stmt *s = store_prepare(r->app->st, "DELETE FROM sessions WHERE id = ?");
	store_bind_int(s, 1, r->session_id);
	store_run(s);
}

static void touch_session(struct req *r)
{
	struct store_stmt *s = store_prepare(r->app->st, "UPDATE sessions SET last_seen_at = ? WHERE id = ?");
	store_bind_int(s, 1, clock_now_ms());
	store_bind_int(s, 2, r->session_id);
	store_run(s);
}

enum err account_authenticate(struct req *r)
{
	const char *auth = req_header(r, "authorization"), *token = NULL;
	size_t len = 0;
	int cookie = 0;
	if (auth && !strncasecmp(auth, "Bearer ", 7)) {
		token = auth + 7;
		len = strlen(token);
	} else if ((token = cookie_value(r, &len))) {
		cookie = 1;
	}
	uint8_t hash[TOKEN_HASH_LEN];
	if (!token || token_hash(token, len, hash))
		return req_fail(r, ERR_AUTH_REQUIRED, NULL);
	struct store *st = r->app->st;
	struct store_stmt *s = store_prepare(st,
		"SELECT id, user_id, last_seen_at FROM sessions WHERE token_hash = ?");
	store_bind_blob(s, 1, hash, sizeof(hash));
	if (store_step(s) != STORE_ROW)
		return req_fail(r, ERR_AUTH_REQUIRED, NULL);
	int64_t sid = store_col_int(s, 0), uid = store_col_int(s, 1), seen = store_col_int(s, 2);
	store_reset(s);
	int64_t now = clock_now_ms(), idle = r->app->cfg->session_idle_days * 24 * 3600 * 1000;
	r->session_id = sid;
	if (now - seen > idle) {
		r->after = end_idle_session;
		return req_fail(r, ERR_AUTH_REQUIRED, "the session ended after %ld idle days",
				r->app->cfg->session_idle_days);
	}
	/* Cookies ride along on cross-site requests; a header a foreign page cannot set proves the
	 * change comes from our own client. */
	if (cookie && req_unsafe(r)) {
		char t[TOKEN_STR_LEN], want[TOKEN_STR_LEN];
		const char *got = req_header(r, "x-csrf-token");
		snprintf(t, sizeof(t), "%.*s", (int)len, token);
		csrf_token(r->app->kr, t, want);
		if (!got || strlen(got) != strlen(want) ||
		    token_equal((const uint8_t *)got, (const uint8_t *)want, strlen(want)))
			return req_fail(r, ERR_CSRF_FAILED, NULL);
	}
	/* Record activity at most once a minute: a write per request would cost more than it tells. */
	if (now - seen > 60 * 1000)
		r->after = touch_session;
	r->user_id = uid;
	r->cookie_session = cookie;
	return ERR_OK;
}

int64_t account_session_user(struct store *st, const struct config *cfg, const char *token,
			     int64_t *session_id)
{
	uint8_t hash[TOKEN_HASH_LEN];
	*session_id = 0;
	if (!token || token_hash(token, strlen(token), hash))
		return 0;
	struct store_stmt *s = store_prepare(st,
		"SELECT id, user_id, last_seen_at FROM sessions WHERE token_hash = ?");
	store_bind_blob(s, 1, hash, sizeof(hash));
	enum store_rc rc = store_step(s);
	if (rc != STORE_ROW) {
		store_reset(s);
		return rc == STORE_DONE ? 0 : -1;
	}
	int64_t sid = store_col_int(s, 0), uid = store_col_int(s, 1), seen = store_col_int(s, 2);
	store_reset(s);
	int64_t now = clock_now_ms(), idle = cfg->session_idle_days * 24 * 3600 * 1000;
	if (now - seen > idle) {
		s = store_prepare(st, "DELETE FROM sessions WHERE id = ?");
		store_bind_int(s, 1, sid);
		store_run(s);
		return 0;
	}
	/* Opening the device's real-time channel is a use of the session, recorded as a request's
	 * is: at most once a minute. */
	if (now - seen > 60 * 1000) {
		s = store_prepare(st, "UPDATE sessions SET last_seen_at = ? WHERE id = ?");
		store_bind_int(s, 1, now);
		store_bind_int(s, 2, sid);
		store_run(s);
	}
	*session_id = sid;
	return uid;
}

int account_session_live(struct store *st, const struct config *cfg, int64_t sid)
{
	struct store_stmt *s = store_prepare(st, "SELECT last_seen_at FROM sessions WHERE id = ?");
	store_bind_int(s, 1, sid);
	enum store_rc rc = store_step(s);
	int64_t seen = rc == STORE_ROW ? store_col_int(s, 0) : 0;
	store_reset(s);
	if (rc != STORE_ROW)
		return rc == STORE_DONE ? 0 : -1;
	return clock_now_ms() - seen <= cfg->session_idle_days * 24 * 3600 * 1000;
}

void email_target(const struct keyring *kr, int64_t user, const char *email,
		  uint8_t out[KEYRING_INDEX_LEN])
{
	char v[ID_STR_LEN + 300];
	snprintf(v, sizeof(v), "%lld:%.299s", (long long)user, email);
	keyring_index(kr, "email", v, out);
}

static int delete_codes(struct store *st, const uint8_t target[KEYRING_INDEX_LEN])
{
	struct store_stmt *s = store_prepare(st, "DELETE FROM verification_codes WHERE target_index = ?");
	store_bind_blob(s, 1, target, KEYRING_INDEX_LEN);
	return store_run(s) == STORE_DONE ? 0 : -1;
}

/*
 * Codes are kept under keyed hashes of the number and addresses, not under the user's id, so the
 * data map's subject columns cannot reach them: delete them here, and have the outboxes forget
 * the number and addresses.
 */
static int erase_account_data(struct erasure_ctx *ctx)
{
	struct store_stmt *s = store_prepare(ctx->st,
		"SELECT u.phone_index, u.phone_sealed, u.email, u.pending_email, k.wrapped"
		" FROM users u LEFT JOIN subject_keys k ON k.subject_id = u.id WHERE u.id = ?");
	store_bind_int(s, 1, ctx->user);
	if (store_step(s) != STORE_ROW)
		return 0; /* nothing left to erase */
	size_t ilen, slen, wlen;
	uint8_t index[KEYRING_INDEX_LEN], target[KEYRING_INDEX_LEN];
	const void *ip = store_col_blob(s, 0, &ilen);
	memcpy(index, ip, ilen == KEYRING_INDEX_LEN ? ilen : 0);
	const uint8_t *sealed = store_col_blob(s, 1, &slen), *wrapped = store_col_blob(s, 4, &wlen);
	char *phone = subject_open_with(ctx->kr, ctx->user, wrapped, wlen, "users.phone", sealed, slen);
	char *emails[2] = { store_col_is_null(s, 2) ? NULL : xstrdup(store_col_text(s, 2)),
			    store_col_is_null(s, 3) ? NULL : xstrdup(store_col_text(s, 3)) };
	store_reset(s);
	int rc = ilen == KEYRING_INDEX_LEN ? delete_codes(ctx->st, index) : 0;
	erasure_forget(ctx, phone);
	for (int i = 0; i < 2; i++) {
		if (!emails[i])
			continue;
		email_target(ctx->kr, ctx->user, emails[i], target);
		rc |= delete_codes(ctx->st, target);
		erasure_forget(ctx, emails[i]);
		free(emails[i]);
	}
	free(phone);
	return rc;
}

void account_init(void)
{
	erasure_add_hook(erase_account_data);
}
