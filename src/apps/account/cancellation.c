/*
 * Cancelling an account (PP-38): asked for with a fresh SMS code, carried out after a cooling-off
 * period (cooling-off-days) by the erasure runner, withdrawn by signing in and confirming.
 */
#include <string.h>
#include <sodium.h>
#include "apps/account/account.h"
#include "apps/account/account_int.h"
#include "core/clock.h"
#include "core/jsonw.h"
#include "jobs/jobs.h"
#include "privacy/audit.h"
#include "privacy/erasure.h"
#include "core/banned.h"

static void write_state(struct jsonw *w, int64_t requested, int64_t due)
{
	jsonw_str(w, "status", "pending");
	jsonw_time(w, "requested_at", requested);
	jsonw_time(w, "due_at", due);
}

static enum err post_cancellation(struct req *r)
{
	static const struct field spec[] = { { "code", F_STRING, 1 }, { 0 } };
	struct store *st = r->app->st;
	uint8_t index[KEYRING_INDEX_LEN];
	int64_t code_id, now = clock_now_ms(), due;
	enum err rc;
	if ((rc = req_check_body(r, spec)))
		return rc;
	struct store_stmt *s = store_prepare(st, "SELECT phone_index FROM users WHERE id = ?");
	store_bind_int(s, 1, r->user_id);
	size_t len = 0;
	if (store_step(s) == STORE_ROW)
		memcpy(index, store_col_blob(s, 0, &len), KEYRING_INDEX_LEN);
	store_reset(s);
	if (len != KEYRING_INDEX_LEN)
		return req_fail(r, ERR_AUTH_REQUIRED, NULL);
	/* A fresh code to the account's own number: whoever holds a session alone cannot cancel. */
	if ((rc = code_check(r, index, "verify", req_str(r, "code"), &code_id)))
		return rc;
	if (store_begin(st) != STORE_OK)
		return req_fail(r, ERR_UNAVAILABLE, "the database is busy");
	if ((rc = code_consume(r, code_id)))
		return rc;
	struct jsonw w;
	jsonw_init(&w);
	jsonw_open(&w, NULL, '{');
	if ((rc = account_cancellation_start(r, now, &w, &due))) {
		jsonw_release(&w);
		return rc;
	}
	if (store_commit(st) != STORE_OK) {
		sodium_memzero(w.buf, w.len);
		jsonw_release(&w);
		return req_fail(r, ERR_INTERNAL, "cannot record the cancellation");
	}
	if (due <= now)
		jobs_poke();
	jsonw_close(&w, '}');
	req_json_text(r, 202, w.buf, w.len);
	sodium_memzero(w.buf, w.len);
	jsonw_release(&w);
	return ERR_OK;
}

enum err account_cancellation_start(struct req *r, int64_t now, struct jsonw *w, int64_t *due)
{
	struct store *st = r->app->st;
	uint8_t token_hash[TOKEN_HASH_LEN];
	char token[TOKEN_STR_LEN], object[AUDIT_OBJECT_LEN];
	*due = now + r->app->cfg->cooling_off_days * 24 * 3600 * 1000;
	/* The receipt of the erasure will be fetched with this token: the account is gone by then. */
	token_new(token, token_hash);
	struct store_stmt *s = store_prepare(st,
		"INSERT INTO cancellations (user_id, requested_at, due_at, receipt_hash) VALUES (?, ?, ?, ?)");
	store_bind_int(s, 1, r->user_id);
	store_bind_int(s, 2, now);
	store_bind_int(s, 3, *due);
	store_bind_blob(s, 4, token_hash, sizeof(token_hash));
	enum store_rc src = store_run(s);
	if (src == STORE_CONSTRAINT)
		return req_fail(r, ERR_CANCELLATION_PENDING, NULL);
	if (src != STORE_DONE ||
	    audit_append(st, r->user_id, "account.cancellation_request", r->user_id,
			 audit_object("account", r->user_id, object), ""))
		return req_fail(r, ERR_INTERNAL, "cannot record the cancellation");
	write_state(w, now, *due);
	jsonw_str(w, "receipt_token", token);
	sodium_memzero(token, sizeof(token));
	return ERR_OK;
}

static enum err get_cancellation(struct req *r)
{
	struct store_stmt *s = store_prepare(r->app->st,
		"SELECT requested_at, due_at FROM cancellations WHERE user_id = ?");
	store_bind_int(s, 1, r->user_id);
	if (store_step(s) != STORE_ROW)
		return req_fail(r, ERR_NO_CANCELLATION, NULL);
	struct jsonw w;
	jsonw_init(&w);
	jsonw_open(&w, NULL, '{');
	write_state(&w, store_col_int(s, 0), store_col_int(s, 1));
	jsonw_close(&w, '}');
	store_reset(s);
	req_json_text(r, 200, w.buf, w.len);
	jsonw_release(&w);
	return ERR_OK;
}

static enum err delete_cancellation(struct req *r)
{
	struct store *st = r->app->st;
	char object[AUDIT_OBJECT_LEN];
	if (store_begin(st) != STORE_OK)
		return req_fail(r, ERR_UNAVAILABLE, "the database is busy");
	struct store_stmt *s = store_prepare(st, "DELETE FROM cancellations WHERE user_id = ?");
	store_bind_int(s, 1, r->user_id);
	if (store_run(s) != STORE_DONE)
		return req_fail(r, ERR_INTERNAL, "cannot withdraw the cancellation");
	if (store_changes(st) != 1)
		return req_fail(r, ERR_NO_CANCELLATION, NULL);
	if (audit_append(st, r->user_id, "account.cancellation_withdraw", r->user_id,
			 audit_object("account", r->user_id, object), "") ||
	    store_commit(st) != STORE_OK)
		return req_fail(r, ERR_INTERNAL, "cannot withdraw the cancellation");
	req_no_content(r);
	return ERR_OK;
}

const struct route cancellation_routes[] = {
	{ "POST", "/api/v1/me/cancellation", post_cancellation, ROUTE_AUTH | ROUTE_BODY },
	{ "GET", "/api/v1/me/cancellation", get_cancellation, ROUTE_AUTH },
	{ "DELETE", "/api/v1/me/cancellation", delete_cancellation, ROUTE_AUTH },
	{ 0 }
};
