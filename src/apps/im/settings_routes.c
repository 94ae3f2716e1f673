/*
 * The enterprise's choices for its messages (PP-29, PP-33, PP-37): how many days messages and
 * their files are kept (null: kept), applied by the retention job; and whether a member who
 * leaves keeps their messages under a pseudonym (the default) or has them deleted.  Any member
 * may read them (people should know how long what they write is kept); administrators holding
 * the privacy right change them, audited.
 */
#include <stdio.h>
#include <string.h>
#include "apps/org/org.h"
#include "core/jsonw.h"
#include "core/banned.h"

#define MAX_RETENTION_DAYS 36500

static enum err reply_settings(struct req *r, int64_t eid)
{
	struct store_stmt *s = store_prepare(r->app->st, "SELECT retention_days, on_leave FROM im_settings WHERE enterprise_id = ?");
	store_bind_int(s, 1, eid);
	int found = store_step(s) == STORE_ROW;
	struct jsonw w;
	jsonw_init(&w);
	jsonw_open(&w, NULL, '{');
	if (found && !store_col_is_null(s, 0))
		jsonw_int(&w, "retention_days", store_col_int(s, 0));
	else
		jsonw_null(&w, "retention_days");
	jsonw_str(&w, "on_leave", found ? store_col_text(s, 1) : "pseudonym");
	jsonw_int(&w, "recall_seconds", r->app->cfg->im_recall_seconds); /* so clients offer recall only while it works */
	jsonw_close(&w, '}');
	store_reset(s);
	req_json_text(r, 200, w.buf, w.len);
	jsonw_release(&w);
	return ERR_OK;
}

static enum err get_settings(struct req *r)
{
	int64_t eid;
	enum err rc = org_require(r, r->params[0], ORG_MEMBER, &eid, NULL);
	return rc ? rc : reply_settings(r, eid);
}

/* Sets what the body names: retention_days (1 to 36500, or null: keep) and on_leave. */
static enum err put_settings(struct req *r)
{
	static const struct field spec[] = { { "retention_days", F_ANY, 0 }, { "on_leave", F_STRING, 0 }, { 0 } };
	int64_t eid;
	enum err rc;
	if ((rc = org_require_body(r, ORG_RIGHT_PRIVACY, spec, &eid, NULL)))
		return rc;
	json_t *days = json_object_get(r->body, "retention_days");
	const char *on_leave = req_str(r, "on_leave");
	if (days && !json_is_null(days) &&
	    (!json_is_integer(days) || json_integer_value(days) < 1 || json_integer_value(days) > MAX_RETENTION_DAYS)) {
		req_extra(r, "field", json_string("retention_days"));
		return req_fail(r, ERR_INVALID_VALUE, "'retention_days' must be 1 to %d, or null to keep messages", MAX_RETENTION_DAYS);
	}
	if (on_leave && strcmp(on_leave, "pseudonym") && strcmp(on_leave, "delete")) {
		req_extra(r, "field", json_string("on_leave"));
		return req_fail(r, ERR_INVALID_VALUE, "'on_leave' must be pseudonym or delete");
	}
	struct store_stmt *s = store_prepare(r->app->st,
		"INSERT INTO im_settings (enterprise_id, retention_days, on_leave) VALUES (?, ?, coalesce(?, 'pseudonym'))"
		" ON CONFLICT (enterprise_id) DO UPDATE SET retention_days = CASE WHEN ? THEN excluded.retention_days"
		" ELSE retention_days END, on_leave = coalesce(?, on_leave)");
	store_bind_int(s, 1, eid);
	if (days && json_is_integer(days))
		store_bind_int(s, 2, json_integer_value(days));
	else
		store_bind_null(s, 2);
	on_leave ? store_bind_text(s, 3, on_leave, -1) : store_bind_null(s, 3);
	store_bind_int(s, 4, days != NULL);
	on_leave ? store_bind_text(s, 5, on_leave, -1) : store_bind_null(s, 5);
	if (store_run(s) != STORE_DONE)
		return req_fail(r, ERR_INTERNAL, "cannot store the settings");
	char detail[96];
	snprintf(detail, sizeof(detail), "{\"retention_days\":%s,\"on_leave\":%s}", days ? "\"set\"" : "null",
		 on_leave ? (strcmp(on_leave, "delete") ? "\"pseudonym\"" : "\"delete\"") : "null");
	if ((rc = org_audit(r, "im.settings_update", 0, "enterprise", eid, detail)) || (rc = org_commit(r)))
		return rc;
	return reply_settings(r, eid);
}

const struct route im_settings_routes[] = {
	{ "GET", "/api/v1/enterprises/{eid}/im/settings", get_settings, ROUTE_AUTH },
	{ "PUT", "/api/v1/enterprises/{eid}/im/settings", put_settings, ROUTE_AUTH },
	{ 0 }
};
