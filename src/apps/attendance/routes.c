/* What the attendance route files share: see routes_int.h. */
#include <stdarg.h>
#include <stdio.h>
#include "apps/attendance/routes_int.h"
#include "apps/attendance/rules_int.h"
#include "apps/org/member.h"
#include "core/banned.h"

enum err att_store_failed(struct req *r)
{
	return req_fail(r, ERR_INTERNAL, "cannot read or store the attendance data");
}

enum err att_field_fail(struct req *r, enum err e, const char *field, const char *fmt, ...)
{
	char detail[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	req_extra(r, "field", json_string(field));
	return req_fail(r, e, "%s", detail);
}

enum err att_require_scope(struct req *r, const struct org_member *me, int64_t uid)
{
	int in = member_in_scope(r->app->st, me, uid);
	if (in < 0)
		return att_store_failed(r);
	if (!in)
		return req_fail(r, ERR_FORBIDDEN, "the person sits in no department of your scope");
	return ERR_OK;
}

enum err att_require_whole(struct req *r, const struct org_member *me)
{
	if (me->scope_all)
		return ERR_OK;
	return req_fail(r, ERR_FORBIDDEN, "what every attendance group shares is changed by an administrator whose scope "
			"is the whole enterprise; yours is some departments");
}

enum err att_stale_from(struct req *r, int64_t eid, const char *day)
{
	char today[ATT_DAY_LEN];
	if (!day) {
		if (att_today(r->app->st, eid, today))
			return att_store_failed(r);
		day = today;
	}
	if (att_days_stale(r->app->st, eid, day))
		return req_fail(r, ERR_INTERNAL, "cannot mark the day results for recomputing");
	return ERR_OK;
}

enum err att_reply_row(struct req *r, int status, const char *sql, int64_t eid, int64_t id, att_row_writer *write,
		       int admin)
{
	struct store_stmt *s = store_prepare(r->app->st, sql);
	store_bind_int(s, 1, eid);
	store_bind_int(s, 2, id);
	if (store_step(s) != STORE_ROW) {
		store_reset(s);
		return att_store_failed(r);
	}
	struct jsonw w;
	jsonw_init(&w);
	/* the writer's own queries (names of people) prepare other statements: s stays valid */
	write(r, eid, s, admin, &w);
	store_reset(s);
	req_json_text(r, status, w.buf, w.len);
	jsonw_release(&w);
	return ERR_OK;
}
