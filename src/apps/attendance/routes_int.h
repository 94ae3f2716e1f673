/*
 * What the attendance route files share (routes.c): their ways of failing, the checks of an
 * administrator's scope, and marking day results for recomputing after a change.
 */
#ifndef ATRIUM_APPS_ATTENDANCE_ROUTES_INT_H
#define ATRIUM_APPS_ATTENDANCE_ROUTES_INT_H
#include <stdint.h>
#include "apps/attendance/attendance.h"
#include "apps/org/org.h"
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

/* Marks eid's day results from day on (NULL: today in its zone) for recomputing. */
enum err att_stale_from(struct req *r, int64_t eid, const char *day);

#endif
