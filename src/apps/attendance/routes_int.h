/*
 * What the attendance route files share (routes.c): their ways of failing, the checks of an
 * administrator's scope, and marking day results for recomputing after a change.
 */
#ifndef ATRIUM_APPS_ATTENDANCE_ROUTES_INT_H
#define ATRIUM_APPS_ATTENDANCE_ROUTES_INT_H
#include <stdint.h>
#include "apps/attendance/attendance.h"
#include "apps/org/org.h"
#include "core/jsonw.h"
#include "http/req.h"

/* 500 internal: the store failed reading or writing attendance data. */
enum err att_store_failed(struct req *r);
/* e naming field (the problem's "field"), with a printf-style detail. */
__attribute__((format(printf, 4, 5))) enum err att_field_fail(struct req *r, enum err e, const char *field,
							       const char *fmt, ...);

/* 403 unless the administrator me may manage uid's attendance: scope "all", or uid sits in a
 * department of their scope. */
enum err att_require_scope(struct req *r, const struct org_member *me, int64_t uid);
/* 403 unless me's scope is the whole enterprise: what every group shares (the work calendar,
 * punch places, the cheating-app list) is not for an administrator of some departments. */
enum err att_require_whole(struct req *r, const struct org_member *me);

/* How a route file writes one row of its own (a request, a make-up) as the API shows it. */
typedef void att_row_writer(struct req *r, int64_t eid, struct store_stmt *s, int admin, struct jsonw *w);
/*
 * Replies with status and row id of eid, read by sql (a string literal: statements are cached by
 * their address; it binds the enterprise, then the id) and written by write as an administrator
 * (admin 1) or its person sees it: the answer of a change, read back after the commit.  ERR_OK,
 * or 500 when the row cannot be read.
 */
enum err att_reply_row(struct req *r, int status, const char *sql, int64_t eid, int64_t id, att_row_writer *write,
		       int admin);

/* Marks eid's day results from day on (NULL: today in its zone) for recomputing. */
enum err att_stale_from(struct req *r, int64_t eid, const char *day);

#endif
