/*
 * Attendance results as people and administrators see them: make-up punch requests (补卡) and
 * their decisions, a person's month day by day, and the administrators' daily and monthly
 * reports per department and person, the monthly one also as XLSX and CSV.  An administrator's
 * look at other people's results is on the audit chain, one entry per person shown, so it is in
 * that person's access log.
 *
 * Reports read stored results; att_results_job keeps closed days judged and attendance_months
 * keeps each person's month summed, so a report only judges what is missing or stale (today, a
 * day a rule change touched).  That judging runs first, in short write transactions; the report
 * itself is read from one snapshot; the audit entries commit before anything is sent.  Measured
 * with 3,000 people and a month of punches: the XLSX export in about 0.15 s, the CSV 0.06 s, a
 * page of the monthly report 0.03 s, the daily report 0.02 s — so exports run in the request.
 */
#define _GNU_SOURCE /* memfd_create: a CSV is built in memory, then streamed */
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xlsxwriter.h>
#include "apps/attendance/result.h"
#include "apps/attendance/routes_int.h"
#include "apps/org/dept.h"
#include "apps/org/member.h"
#include "apps/org/org.h"
#include "core/clock.h"
#include "core/id.h"
#include "core/jsonw.h"
#include "core/mem.h"
#include "privacy/audit.h"
#include "core/banned.h"

#define REASON_MAX 200 /* characters of a make-up's reason, and of a decision's comment */

/* ?month=YYYY-MM (default: this month in the enterprise's zone): its first day and length. */
static enum err read_month(struct req *r, int64_t eid, char first[ATT_DAY_LEN], char last[ATT_DAY_LEN], int *ndays)
{
	const char *v = req_query(r, "month");
	char today[ATT_DAY_LEN], month[ATT_MONTH_LEN];
	if (att_day_now(r->app->st, eid, clock_now_ms(), today, NULL))
		return att_store_failed(r);
	snprintf(month, sizeof(month), "%.7s", today);
	if (!att_month_parse(v ? v : month, first, ndays))
		return att_field_fail(r, ERR_INVALID_VALUE, "month", "'month' must be a month written YYYY-MM, not '%.20s'", v ? v : "");
	att_day_add(first, *ndays - 1, last);
	return ERR_OK;
}

/* ?department_id=: a department of eid (404 department_not_found) within me's scope (403). */
static enum err read_department(struct req *r, const struct org_member *me, int64_t *did)
{
	const char *v = req_query(r, "department_id");
	*did = 0;
	if (!v)
		return ERR_OK;
	int found = id_parse(v, did) ? 0 : dept_exists(r->app->st, me->enterprise_id, *did);
	if (found < 0)
		return att_store_failed(r);
	if (!found) {
		req_extra(r, "field", json_string("department_id"));
		return req_fail(r, ERR_DEPARTMENT_NOT_FOUND, "no department '%.24s' in this enterprise", v);
	}
	int in = dept_in_scope(r->app->st, me, *did);
	if (in < 0)
		return att_store_failed(r);
	if (!in)
		return req_fail(r, ERR_FORBIDDEN, "department '%.24s' is outside your scope of departments", v);
	return ERR_OK;
}

/* ---- who a report covers ---- */

/* Members of eid in department did and those below it (0: all), within me's scope, by id. */
#define PEOPLE_CTE \
	"WITH RECURSIVE sub (id) AS (SELECT ? WHERE ? <> 0 UNION SELECT d.id FROM departments d JOIN sub" \
	" ON d.parent_id = sub.id WHERE d.enterprise_id = ?)," \
	" scope (id) AS (SELECT department_id FROM admin_scope_departments WHERE enterprise_id = ? AND user_id = ?" \
	" UNION SELECT d.id FROM departments d JOIN scope ON d.parent_id = scope.id WHERE d.enterprise_id = ?)"
#define PEOPLE_WHERE(m) \
	" (? = 0 OR EXISTS (SELECT 1 FROM member_departments md WHERE md.enterprise_id = " m ".enterprise_id" \
	" AND md.user_id = " m ".user_id AND md.department_id IN (SELECT id FROM sub)))" \
	" AND (? = 1 OR EXISTS (SELECT 1 FROM member_departments md WHERE md.enterprise_id = " m ".enterprise_id" \
	" AND md.user_id = " m ".user_id AND md.department_id IN (SELECT id FROM scope)))"

/* Binds what PEOPLE_CTE and PEOPLE_WHERE need, from parameter i on; the next index. */
static int bind_cte(struct store_stmt *s, int i, const struct org_member *me, int64_t did)
{
	store_bind_int(s, i++, did);
	store_bind_int(s, i++, did);
	store_bind_int(s, i++, me->enterprise_id);
	store_bind_int(s, i++, me->enterprise_id);
	store_bind_int(s, i++, me->user_id);
	store_bind_int(s, i++, me->enterprise_id);
	return i;
}

static int bind_where(struct store_stmt *s, int i, const struct org_member *me, int64_t did)
{
	store_bind_int(s, i++, did);
	store_bind_int(s, i++, me->scope_all);
	return i;
}

struct people {
	int64_t *ids; /* ascending */
	size_t n;
};

static int cmp_id(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

/* The members a report covers.  0 or -1. */
static int people_of(struct store *st, const struct org_member *me, int64_t did, struct people *out)
{
	struct store_stmt *s = store_prepare(st, PEOPLE_CTE
		" SELECT m.user_id FROM members m WHERE m.enterprise_id = ? AND" PEOPLE_WHERE("m") " ORDER BY m.user_id");
	int i = bind_cte(s, 1, me, did);
	store_bind_int(s, i++, me->enterprise_id);
	bind_where(s, i, me, did);
	size_t cap = 0;
	enum store_rc rc;
	out->ids = NULL;
	out->n = 0;
	while ((rc = store_step(s)) == STORE_ROW) {
		if (out->n == cap)
			out->ids = xrealloc(out->ids, (cap = cap ? cap * 2 : 64) * sizeof(*out->ids));
		out->ids[out->n++] = store_col_int(s, 0);
	}
	if (rc != STORE_DONE) {
		free(out->ids);
		out->ids = NULL;
		return -1;
	}
	return 0;
}

/* A person's name in the enterprise and primary department, for exports. */
static void person_names(struct store *st, int64_t eid, int64_t uid, char *name, size_t nlen, char *dept, size_t dlen,
			 int64_t *did)
{
	struct store_stmt *s = store_prepare(st, "SELECT name_in_enterprise FROM members WHERE enterprise_id = ? AND user_id = ?");
	store_bind_int(s, 1, eid);
	store_bind_int(s, 2, uid);
	snprintf(name, nlen, "%s", store_step(s) == STORE_ROW ? store_col_text(s, 0) : "");
	store_reset(s);
	s = store_prepare(st,
		"SELECT d.id, d.name FROM member_departments md JOIN departments d ON d.enterprise_id = md.enterprise_id"
		" AND d.id = md.department_id WHERE md.enterprise_id = ? AND md.user_id = ? ORDER BY md.is_primary DESC, d.id LIMIT 1");
	store_bind_int(s, 1, eid);
	store_bind_int(s, 2, uid);
	*did = 0;
	dept[0] = '\0';
	if (store_step(s) == STORE_ROW) {
		*did = store_col_int(s, 0);
		snprintf(dept, dlen, "%s", store_col_text(s, 1));
	}
	store_reset(s);
}

/* Writes "user" (as org_write_person names them) and "department" ({id, name} or null). */
static void write_person(struct req *r, int64_t eid, int64_t uid, struct jsonw *w)
{
	char name[256], dept[256];
	int64_t did;
	org_write_person(r->app->st, r->app->kr, eid, uid, "user", w);
	person_names(r->app->st, eid, uid, name, sizeof(name), dept, sizeof(dept), &did);
	if (!did) {
		jsonw_null(w, "department");
		return;
	}
	jsonw_open(w, "department", '{');
	jsonw_id(w, "id", did);
	jsonw_str(w, "name", dept);
	jsonw_close(w, '}');
}

/* The name of uid's present attendance group, "" for none. */
static void group_name(struct store *st, int64_t eid, int64_t uid, char *out, size_t len, int64_t *gid)
{
	struct att_rule rule;
	out[0] = '\0';
	*gid = 0;
	if (att_rule_of(st, eid, uid, &rule) != 1)
		return;
	*gid = rule.group_id;
	struct store_stmt *s = store_prepare(st, "SELECT name FROM attendance_groups WHERE enterprise_id = ? AND id = ?");
	store_bind_int(s, 1, eid);
	store_bind_int(s, 2, rule.group_id);
	if (store_step(s) == STORE_ROW)
		snprintf(out, len, "%s", store_col_text(s, 0));
	store_reset(s);
}

#define ENSURE_CHUNK 100 /* people judged in one write transaction: punches wait no longer */

static void mark(const struct people *p, int64_t uid, unsigned char *need)
{
	const int64_t *at = bsearch(&uid, p->ids, p->n, sizeof(*p->ids), cmp_id);
	if (at)
		need[at - p->ids] = 1;
}

/*
 * Marks in need those of p who have a stale result in from..to, or one whose open window has
 * closed.  Both kinds are few (none, most of the time; today's): each is found by its own
 * partial index and sorted out here.
 */
static int need_overdue(struct store *st, int64_t eid, const struct people *p, const char *from, const char *to, int64_t now,
			unsigned char *need)
{
	struct store_stmt *s = store_prepare(st, "SELECT user_id, day FROM attendance_days WHERE stale = 1 AND enterprise_id = ?");
	store_bind_int(s, 1, eid);
	enum store_rc rc;
	while ((rc = store_step(s)) == STORE_ROW)
		if (strcmp(store_col_text(s, 1), from) >= 0 && strcmp(store_col_text(s, 1), to) <= 0)
			mark(p, store_col_int(s, 0), need);
	if (rc != STORE_DONE)
		return -1;
	s = store_prepare(st, "SELECT user_id, enterprise_id, day FROM attendance_days WHERE settles_at <= ?");
	store_bind_int(s, 1, now);
	while ((rc = store_step(s)) == STORE_ROW)
		if (store_col_int(s, 1) == eid && strcmp(store_col_text(s, 2), from) >= 0 && strcmp(store_col_text(s, 2), to) <= 0)
			mark(p, store_col_int(s, 0), need);
	return rc == STORE_DONE ? 0 : -1;
}

/*
 * Marks in need those of p who lack a result on a day of from..to (days the job has not
 * settled), asking day by day: an equality on the day index, whatever the planner knows.
 */
static int need_unsettled(struct store *st, int64_t eid, const struct people *p, const char *from, const char *to,
			  unsigned char *need)
{
	char day[ATT_DAY_LEN];
	int *have = xcalloc(p->n ? p->n : 1, sizeof(*have)), days = 0, rc = 0;
	for (snprintf(day, sizeof(day), "%s", from); !rc && strcmp(day, to) <= 0; att_day_next(day), days++) {
		struct store_stmt *s = store_prepare(st, "SELECT user_id FROM attendance_days WHERE enterprise_id = ? AND day = ?");
		store_bind_int(s, 1, eid);
		store_bind_text(s, 2, day, -1);
		enum store_rc src;
		while ((src = store_step(s)) == STORE_ROW) {
			int64_t uid = store_col_int(s, 0);
			const int64_t *at = bsearch(&uid, p->ids, p->n, sizeof(*p->ids), cmp_id);
			if (at)
				have[at - p->ids]++;
		}
		rc = src == STORE_DONE ? 0 : -1;
	}
	for (size_t i = 0; i < p->n; i++)
		need[i] |= have[i] < days;
	free(have);
	return rc;
}

/*
 * Judges what the days from..to of the people lack, then opens the read snapshot the report is
 * written from.  The results job settles closed days for everyone, so inside its range only
 * stale or overdue results need judging, found by two indexed queries; outside it (today,
 * months before the job began) whoever lacks a fresh result for a day is judged.  The judging
 * runs in write transactions of ENSURE_CHUNK people, so punches on other loops never wait long.
 */
static enum err ensure_people(struct req *r, int64_t eid, const struct people *p, const char *from, const char *to)
{
	struct store *st = r->app->st;
	int64_t now = clock_now_ms();
	char today[ATT_DAY_LEN], sfrom[ATT_DAY_LEN], sthrough[ATT_DAY_LEN], a[ATT_DAY_LEN], b[ATT_DAY_LEN];
	enum err rc = ERR_OK;
	int settled;
	if (att_day_now(st, eid, now, today, NULL) || (settled = att_settled_range(st, eid, sfrom, sthrough)) < 0)
		return att_store_failed(r);
	const char *last = strcmp(to, today) < 0 ? to : today;
	unsigned char *need = xcalloc(p->n ? p->n : 1, 1);
	int failed = 0;
	if (strcmp(from, last) <= 0 && p->n) {
		failed = need_overdue(st, eid, p, from, last, now, need);
		if (!settled) {
			failed = failed || need_unsettled(st, eid, p, from, last, need);
		} else {
			/* before the settled days, and after them */
			att_day_add(sfrom, -1, a);
			if (!failed && strcmp(from, sfrom) < 0)
				failed = need_unsettled(st, eid, p, from, strcmp(last, a) < 0 ? last : a, need);
			att_day_add(sthrough, 1, b);
			if (!failed && strcmp(last, sthrough) > 0)
				failed = need_unsettled(st, eid, p, strcmp(from, b) > 0 ? from : b, last, need);
		}
	}
	/* the people whose days in the range still need judging, by index into p */
	size_t *unjudged = xmalloc((p->n ? p->n : 1) * sizeof(*unjudged)), nunjudged = 0;
	for (size_t i = 0; i < p->n; i++)
		if (need[i])
			unjudged[nunjudged++] = i;
	free(need);
	if (failed)
		rc = att_store_failed(r);
	for (size_t k = 0; k < nunjudged && !rc; k += ENSURE_CHUNK) {
		if ((rc = org_begin(r)))
			break;
		for (size_t j = k; j < nunjudged && j < k + ENSURE_CHUNK && !rc; j++)
			if (att_days_ensure(st, eid, p->ids[unjudged[j]], from, to, now))
				rc = att_store_failed(r);
		if (!rc)
			rc = org_commit(r);
	}
	free(unjudged);
	if (rc)
		return rc;
	return store_begin_read(st) == STORE_OK ? ERR_OK : req_fail(r, ERR_UNAVAILABLE, "the database is busy");
}

/* One audit entry per person shown: each sees the look in their access log.  Commits. */
static enum err audit_people(struct req *r, const char *action, const int64_t *ids, size_t n, int64_t eid,
			     const char *detail)
{
	enum err rc;
	store_end_read(r->app->st);
	if ((rc = org_begin(r)))
		return rc;
	for (size_t i = 0; i < n; i++)
		if (ids[i] != r->user_id && (rc = org_audit(r, action, ids[i], "enterprise", eid, detail)))
			return rc;
	return org_commit(r);
}

/* ---- a month of one person ---- */

struct month_sum {
	int64_t expected, attended, late_count, late_minutes, early_count, early_minutes;
	int64_t absent, missing, field, makeups, worked, rest_worked;
};

/* The columns of attendance_months in struct month_sum's order. */
#define MONTH_SUMS \
	"expected_days, attended_days, late_count, late_minutes, early_count, early_minutes, absent_days," \
	" missing_count, field_count, makeup_count, worked_minutes, rest_minutes"

static void read_sums(struct store_stmt *s, int col, struct month_sum *m)
{
	int64_t *v[] = { &m->expected, &m->attended, &m->late_count, &m->late_minutes, &m->early_count, &m->early_minutes,
			 &m->absent, &m->missing, &m->field, &m->makeups, &m->worked, &m->rest_worked };
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		*v[i] = store_col_int(s, col + (int)i);
}

/* uid's sums of month ("YYYY-MM"), all 0 when nothing was judged.  0 or -1. */
static int month_sum(struct store *st, int64_t eid, int64_t uid, const char *month, struct month_sum *m)
{
	struct store_stmt *s = store_prepare(st,
		"SELECT " MONTH_SUMS " FROM attendance_months WHERE enterprise_id = ? AND user_id = ? AND month = ?");
	store_bind_int(s, 1, eid);
	store_bind_int(s, 2, uid);
	store_bind_text(s, 3, month, 7);
	enum store_rc rc = store_step(s);
	memset(m, 0, sizeof(*m));
	if (rc == STORE_ROW)
		read_sums(s, 0, m);
	store_reset(s);
	return rc == STORE_ROW || rc == STORE_DONE ? 0 : -1;
}

static void sum_add(struct month_sum *to, const struct month_sum *m)
{
	int64_t *a = &to->expected;
	const int64_t *b = &m->expected;
	for (size_t i = 0; i < sizeof(*m) / sizeof(int64_t); i++)
		a[i] += b[i];
}

static void write_sum(struct jsonw *w, const char *key, const struct month_sum *m)
{
	jsonw_open(w, key, '{');
	jsonw_int(w, "expected_days", m->expected);
	jsonw_int(w, "attended_days", m->attended);
	jsonw_int(w, "late_count", m->late_count);
	jsonw_int(w, "late_minutes", m->late_minutes);
	jsonw_int(w, "early_count", m->early_count);
	jsonw_int(w, "early_minutes", m->early_minutes);
	jsonw_int(w, "absent_days", m->absent);
	jsonw_int(w, "missing_punches", m->missing);
	jsonw_int(w, "field_punches", m->field);
	jsonw_int(w, "makeups", m->makeups);
	jsonw_int(w, "worked_minutes", m->worked);
	jsonw_int(w, "rest_day_minutes", m->rest_worked);
	jsonw_close(w, '}');
}

/*
 * uid's month day by day into w (an open object): days up to today as judged, later ones as
 * the shifts expected; then the month's sums.  0 or -1.
 */
static int write_month(struct store *st, int64_t eid, int64_t uid, const char *first, int ndays, struct jsonw *w)
{
	char today[ATT_DAY_LEN], day[ATT_DAY_LEN], name[256];
	int64_t now = clock_now_ms(), gid;
	struct att_rule rule;
	struct month_sum sum = { 0 };
	if (att_day_now(st, eid, now, today, NULL))
		return -1;
	int has = att_rule_of(st, eid, uid, &rule);
	if (has < 0)
		return -1;
	group_name(st, eid, uid, name, sizeof(name), &gid);
	if (gid) {
		jsonw_open(w, "group", '{');
		jsonw_id(w, "id", gid);
		jsonw_str(w, "name", name);
		jsonw_close(w, '}');
	} else {
		jsonw_null(w, "group");
	}
	jsonw_open(w, "days", '[');
	for (int i = 0; i < ndays; i++) {
		att_day_add(first, i, day);
		if (strcmp(day, today) > 0) {
			if (att_day_write_expected(st, &rule, has, uid, day, w))
				return -1;
			continue;
		}
		struct att_day d;
		if (att_day_read(st, eid, uid, day, &d))
			return -1;
		att_day_write(w, NULL, &d);
		att_day_release(&d);
	}
	jsonw_close(w, ']');
	if (month_sum(st, eid, uid, first, &sum))
		return -1;
	write_sum(w, "summary", &sum);
	return 0;
}

static enum err reply_month(struct req *r, int64_t eid, int64_t uid, int admin)
{
	struct store *st = r->app->st;
	char first[ATT_DAY_LEN], last[ATT_DAY_LEN], month[ATT_MONTH_LEN];
	int ndays;
	enum err rc;
	if ((rc = read_month(r, eid, first, last, &ndays)))
		return rc;
	struct people one = { &uid, 1 };
	if ((rc = ensure_people(r, eid, &one, first, last)))
		return rc;
	struct jsonw w;
	jsonw_init(&w);
	jsonw_open(&w, NULL, '{');
	snprintf(month, sizeof(month), "%.7s", first);
	jsonw_str(&w, "month", month);
	if (admin)
		write_person(r, eid, uid, &w);
	int failed = write_month(st, eid, uid, first, ndays, &w);
	jsonw_close(&w, '}');
	if (failed) {
		jsonw_release(&w);
		return att_store_failed(r);
	}
	char detail[64];
	snprintf(detail, sizeof(detail), "{\"report\":\"person\",\"month\":\"%s\"}", month);
	if (admin && (rc = audit_people(r, "attendance.report_view", &uid, 1, eid, detail))) {
		jsonw_release(&w);
		return rc;
	}
	req_json_text(r, 200, w.buf, w.len);
	jsonw_release(&w);
	return ERR_OK;
}

/* GET …/attendance/me/month?month=: my month, day by day. */
static enum err get_my_month(struct req *r)
{
	int64_t eid;
	struct org_member me;
	enum err rc;
	store_end_read(r->app->st);
	if ((rc = org_require(r, r->params[0], ORG_MEMBER, &eid, &me)))
		return rc;
	return reply_month(r, eid, me.user_id, 0);
}

/* GET …/attendance/reports/people/{uid}/month?month=: someone's month, for an administrator. */
static enum err get_person_month(struct req *r)
{
	int64_t eid, uid;
	struct org_member me, them;
	enum err rc;
	store_end_read(r->app->st);
	if ((rc = org_require(r, r->params[0], ORG_RIGHT_ATTENDANCE, &eid, &me)))
		return rc;
	int found = id_parse(r->params[1], &uid) ? 0 : org_member_get(r->app->st, eid, uid, &them);
	if (found < 0)
		return att_store_failed(r);
	if (!found)
		return req_fail(r, ERR_MEMBER_NOT_FOUND, "no member '%.24s' in this enterprise", r->params[1]);
	if ((rc = att_require_scope(r, &me, uid)))
		return rc;
	return reply_month(r, eid, uid, 1);
}

/* ---- the daily report ---- */

/*
 * GET …/attendance/reports/daily?day=&department_id=: each person's day (by pages), with the
 * count of each status over everyone the report covers.
 */
static enum err get_daily(struct req *r)
{
	struct store *st = r->app->st;
	struct org_member me;
	int64_t eid, did, cursor, now = clock_now_ms();
	int limit;
	char today[ATT_DAY_LEN], day[ATT_DAY_LEN];
	enum err rc;
	store_end_read(st);
	if ((rc = org_require(r, r->params[0], ORG_RIGHT_ATTENDANCE, &eid, &me)) || (rc = req_page(r, &limit, &cursor)) ||
	    (rc = read_department(r, &me, &did)))
		return rc;
	if (att_day_now(st, eid, now, today, NULL))
		return att_store_failed(r);
	const char *v = req_query(r, "day");
	if (v && (!att_day_valid(v) || strcmp(v, today) > 0))
		return att_field_fail(r, ERR_INVALID_VALUE, "day", "'day' must be a date written YYYY-MM-DD, today or before, not '%.20s'", v);
	snprintf(day, sizeof(day), "%s", v ? v : today);
	struct people all;
	if (people_of(st, &me, did, &all))
		return att_store_failed(r);
	if ((rc = ensure_people(r, eid, &all, day, day))) {
		free(all.ids);
		return rc;
	}
	int counts[ATT_ST_FREE + 1] = { 0 };
	size_t shown = 0, first = 0;
	while (first < all.n && all.ids[first] <= cursor)
		first++;
	struct jsonw w;
	jsonw_init(&w);
	jsonw_open(&w, NULL, '{');
	jsonw_str(&w, "day", day);
	jsonw_open(&w, "people", '[');
	int failed = 0;
	for (size_t i = 0; i < all.n && !failed; i++) {
		struct att_day d;
		if (att_day_read(st, eid, all.ids[i], day, &d)) {
			failed = 1;
			break;
		}
		counts[d.status <= ATT_ST_FREE ? d.status : ATT_ST_NONE]++;
		if (i >= first && shown < (size_t)limit) {
			jsonw_open(&w, NULL, '{');
			write_person(r, eid, all.ids[i], &w);
			att_day_write(&w, "result", &d);
			jsonw_close(&w, '}');
			shown++;
		}
		att_day_release(&d);
	}
	jsonw_close(&w, ']');
	jsonw_open(&w, "totals", '{');
	jsonw_int(&w, "people", (int64_t)all.n);
	for (int s = ATT_ST_NONE; s <= ATT_ST_FREE; s++)
		jsonw_int(&w, att_status_name((enum att_status)s), counts[s]);
	jsonw_close(&w, '}');
	int64_t next = first + shown < all.n && shown ? all.ids[first + shown - 1] : 0;
	if (next)
		jsonw_id(&w, "next_cursor", next);
	else
		jsonw_null(&w, "next_cursor");
	jsonw_close(&w, '}');
	char detail[64];
	snprintf(detail, sizeof(detail), "{\"report\":\"daily\",\"day\":\"%s\"}", day);
	rc = failed ? att_store_failed(r)
		: audit_people(r, "attendance.report_view", all.ids + (first < all.n ? first : all.n), shown, eid, detail);
	free(all.ids);
	if (rc) {
		jsonw_release(&w);
		return rc;
	}
	req_json_text(r, 200, w.buf, w.len);
	jsonw_release(&w);
	return ERR_OK;
}

/* ---- the monthly report and its exports ---- */

/* The columns of the monthly export, Chinese then English, as HR staff read them. */
static const char *const month_header[] = {
	"编号 ID", "姓名 Name", "部门 Department", "考勤组 Attendance group", "应出勤天数 Expected days",
	"出勤天数 Attended days", "迟到次数 Late (times)", "迟到时长(分钟) Late (minutes)", "早退次数 Early leave (times)",
	"早退时长(分钟) Early leave (minutes)", "旷工天数 Absent days", "缺卡次数 Missing punches",
	"外勤次数 Field punches", "补卡次数 Make-ups", "工作时长(分钟) Worked (minutes)",
	"休息日出勤(分钟) Rest-day work (minutes)",
};
#define NCOLS (sizeof(month_header) / sizeof(month_header[0]))
#define NTEXT 4 /* the first columns are text, the rest numbers */

/* One row of the export: the person's texts and the month's sums. */
struct month_row {
	char id[ID_STR_LEN], name[256], dept[256], group[128];
	int64_t gid;
	struct month_sum sum;
};

/*
 * Everyone's rows of the month (from: its first day) in three queries (sums, names, groups), not
 * a dozen per person: rows[i] is p->ids[i]'s.  The group is the newest one that judged a day of
 * theirs in the month.  0 or -1.
 */
static int load_rows(struct store *st, int64_t eid, const char *from, const struct people *p, struct month_row *rows)
{
	enum store_rc rc;
	for (size_t i = 0; i < p->n; i++)
		id_format(p->ids[i], rows[i].id);
	struct store_stmt *s = store_prepare(st,
		"SELECT user_id, group_id, " MONTH_SUMS " FROM attendance_months WHERE enterprise_id = ? AND month = ?");
	store_bind_int(s, 1, eid);
	store_bind_text(s, 2, from, 7);
	while ((rc = store_step(s)) == STORE_ROW) {
		int64_t uid = store_col_int(s, 0);
		const int64_t *at = bsearch(&uid, p->ids, p->n, sizeof(*p->ids), cmp_id);
		if (!at)
			continue;
		rows[at - p->ids].gid = store_col_int(s, 1);
		read_sums(s, 2, &rows[at - p->ids].sum);
	}
	if (rc != STORE_DONE)
		return -1;
	s = store_prepare(st,
		"SELECT m.user_id, m.name_in_enterprise, d.name FROM members m LEFT JOIN member_departments md"
		" ON md.enterprise_id = m.enterprise_id AND md.user_id = m.user_id AND md.is_primary = 1"
		" LEFT JOIN departments d ON d.enterprise_id = md.enterprise_id AND d.id = md.department_id"
		" WHERE m.enterprise_id = ?");
	store_bind_int(s, 1, eid);
	while ((rc = store_step(s)) == STORE_ROW) {
		int64_t uid = store_col_int(s, 0);
		const int64_t *at = bsearch(&uid, p->ids, p->n, sizeof(*p->ids), cmp_id);
		if (!at)
			continue;
		struct month_row *row = &rows[at - p->ids];
		snprintf(row->name, sizeof(row->name), "%s", store_col_text(s, 1));
		snprintf(row->dept, sizeof(row->dept), "%s", store_col_text(s, 2));
	}
	if (rc != STORE_DONE)
		return -1;
	s = store_prepare(st, "SELECT id, name FROM attendance_groups WHERE enterprise_id = ?");
	store_bind_int(s, 1, eid);
	while ((rc = store_step(s)) == STORE_ROW) {
		int64_t gid = store_col_int(s, 0);
		for (size_t i = 0; i < p->n; i++)
			if (rows[i].gid == gid)
				snprintf(rows[i].group, sizeof(rows[i].group), "%s", store_col_text(s, 1));
	}
	return rc == STORE_DONE ? 0 : -1;
}

static const char *row_text(const struct month_row *row, size_t col)
{
	return col == 0 ? row->id : col == 1 ? row->name : col == 2 ? row->dept : row->group;
}

static int64_t row_number(const struct month_row *row, size_t col)
{
	const struct month_sum *m = &row->sum;
	const int64_t v[] = { m->expected, m->attended, m->late_count, m->late_minutes, m->early_count, m->early_minutes,
			      m->absent, m->missing, m->field, m->makeups, m->worked, m->rest_worked };
	_Static_assert(sizeof(v) / sizeof(v[0]) == NCOLS - NTEXT, "one number per column");
	return v[col - NTEXT];
}

/*
 * A text a spreadsheet would take for a formula (= + - @, a tab or a carriage return first) gets
 * a leading apostrophe, so it shows as the text it is (CSV injection).  Returns s or buf.
 */
static const char *inert(const char *s, char *buf, size_t len)
{
	if (!*s || !strchr("=+-@\t\r", *s))
		return s;
	snprintf(buf, len, "'%s", s);
	return buf;
}

/* CSV into a file descriptor through one buffer; failed stays set after a failed write. */
struct csv {
	int fd, failed;
	size_t len, size;
	char buf[1 << 16];
};

static void csv_flush(struct csv *c)
{
	for (size_t done = 0; done < c->len && !c->failed;) {
		ssize_t n = write(c->fd, c->buf + done, c->len - done);
		if (n <= 0)
			c->failed = 1;
		else
			done += (size_t)n;
	}
	c->size += c->len;
	c->len = 0;
}

static void csv_put(struct csv *c, const char *s, size_t n)
{
	while (n) {
		size_t k = sizeof(c->buf) - c->len < n ? sizeof(c->buf) - c->len : n;
		memcpy(c->buf + c->len, s, k);
		c->len += k;
		s += k;
		n -= k;
		if (c->len == sizeof(c->buf))
			csv_flush(c);
	}
}

/* One field (RFC 4180): quoted when it holds a comma, quote or line break, quotes doubled. */
static void csv_cell(struct csv *c, int first, const char *text)
{
	char buf[600];
	const char *s = inert(text, buf, sizeof(buf));
	int quote = strpbrk(s, ",\"\r\n") != NULL;
	if (!first)
		csv_put(c, ",", 1);
	if (quote)
		csv_put(c, "\"", 1);
	const char *run = s;
	for (const char *p = s;; p++) {
		if (*p && *p != '"')
			continue;
		csv_put(c, run, (size_t)(p - run));
		if (!*p)
			break;
		csv_put(c, "\"\"", 2);
		run = p + 1;
	}
	if (quote)
		csv_put(c, "\"", 1);
}

/* The title of an export: what, which month, which department. */
static void export_title(struct store *st, int64_t eid, int64_t did, const char *month, char *out, size_t len)
{
	char dept[256] = "全部 All";
	if (did) {
		struct store_stmt *s = store_prepare(st, "SELECT name FROM departments WHERE enterprise_id = ? AND id = ?");
		store_bind_int(s, 1, eid);
		store_bind_int(s, 2, did);
		if (store_step(s) == STORE_ROW)
			snprintf(dept, sizeof(dept), "%s", store_col_text(s, 0));
		store_reset(s);
	}
	snprintf(out, len, "考勤月报 Monthly attendance report %s — %s", month, dept);
}

/* Writes the CSV of rows to a memory file: its descriptor (size to *size), or -1. */
static int write_csv(const char *title, const struct month_row *rows, size_t n, size_t *size)
{
	struct csv *c = xmalloc(sizeof(*c));
	c->failed = 0;
	c->len = c->size = 0;
	/* in memory, never in a file of the data folder that could outlive the request */
	c->fd = memfd_create("atrium-attendance-report", MFD_CLOEXEC);
	if (c->fd < 0) {
		free(c);
		return -1;
	}
	csv_put(c, "\xEF\xBB\xBF", 3); /* so Excel reads the file as UTF-8 */
	csv_cell(c, 1, title);
	csv_put(c, "\r\n", 2);
	for (size_t k = 0; k < NCOLS; k++)
		csv_cell(c, k == 0, month_header[k]);
	csv_put(c, "\r\n", 2);
	for (size_t i = 0; i < n; i++) {
		for (size_t k = 0; k < NCOLS; k++) {
			char num[24];
			if (k < NTEXT) {
				csv_cell(c, k == 0, row_text(&rows[i], k));
				continue;
			}
			snprintf(num, sizeof(num), "%lld", (long long)row_number(&rows[i], k));
			csv_cell(c, 0, num);
		}
		csv_put(c, "\r\n", 2);
	}
	csv_flush(c);
	int fd = c->fd, failed = c->failed;
	*size = c->size;
	free(c);
	if (failed) {
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * Writes the workbook of rows: a title row across the columns, the header row, one row per
 * person, numbers as numbers.  libxlsxwriter writes to a path: a private file in the data
 * folder, opened and unlinked at once, so only the reply holds it.  Its descriptor, or -1.
 */
static int write_xlsx(const char *data_dir, const char *title, const struct month_row *rows, size_t n, size_t *size)
{
	char path[512], buf[600];
	snprintf(path, sizeof(path), "%s/attendance-report-XXXXXX", data_dir);
	int fd = mkstemp(path);
	if (fd < 0)
		return -1;
	close(fd);
	lxw_workbook *wb = workbook_new(path);
	lxw_worksheet *ws = wb ? workbook_add_worksheet(wb, "考勤月报 Monthly") : NULL;
	lxw_format *head = wb ? workbook_add_format(wb) : NULL, *big = wb ? workbook_add_format(wb) : NULL;
	lxw_error err = LXW_ERROR_MEMORY_MALLOC_FAILED;
	if (ws && head && big) {
		format_set_bold(head);
		format_set_text_wrap(head);
		format_set_bold(big);
		format_set_font_size(big, 14);
		worksheet_merge_range(ws, 0, 0, 0, (lxw_col_t)(NCOLS - 1), title, big);
		worksheet_set_column(ws, 0, 0, 20, NULL);
		worksheet_set_column(ws, 1, 3, 16, NULL);
		worksheet_set_column(ws, NTEXT, (lxw_col_t)(NCOLS - 1), 12, NULL);
		for (size_t k = 0; k < NCOLS; k++)
			worksheet_write_string(ws, 1, (lxw_col_t)k, month_header[k], head);
		worksheet_freeze_panes(ws, 2, 2);
		for (size_t i = 0; i < n; i++) {
			lxw_row_t row = (lxw_row_t)(i + 2);
			for (size_t k = 0; k < NCOLS; k++) {
				if (k < NTEXT)
					worksheet_write_string(ws, row, (lxw_col_t)k, inert(row_text(&rows[i], k), buf, sizeof(buf)), NULL);
				else
					worksheet_write_number(ws, row, (lxw_col_t)k, (double)row_number(&rows[i], k), NULL);
			}
		}
	}
	if (wb)
		err = ws && head && big ? workbook_close(wb) : (workbook_close(wb), err);
	fd = err == LXW_NO_ERROR ? open(path, O_RDONLY | O_CLOEXEC) : -1;
	unlink(path);
	struct stat sb;
	if (fd >= 0 && fstat(fd, &sb)) {
		close(fd);
		fd = -1;
	}
	if (fd >= 0)
		*size = (size_t)sb.st_size;
	return fd;
}

/*
 * GET …/attendance/reports/monthly?month=&department_id=&format=json|xlsx|csv: each person's
 * month summed (JSON by pages, with the sums over everyone covered), or everyone at once as a
 * spreadsheet.
 */
static enum err get_monthly(struct req *r)
{
	struct store *st = r->app->st;
	struct org_member me;
	int64_t eid, did, cursor;
	int limit, ndays;
	char first[ATT_DAY_LEN], last[ATT_DAY_LEN], month[ATT_MONTH_LEN];
	enum err rc;
	store_end_read(st);
	if ((rc = org_require(r, r->params[0], ORG_RIGHT_ATTENDANCE, &eid, &me)) || (rc = req_page(r, &limit, &cursor)) ||
	    (rc = read_department(r, &me, &did)) || (rc = read_month(r, eid, first, last, &ndays)))
		return rc;
	const char *format = req_query(r, "format");
	format = format ? format : "json";
	int xlsx = !strcmp(format, "xlsx"), csv = !strcmp(format, "csv");
	if (!xlsx && !csv && strcmp(format, "json"))
		return att_field_fail(r, ERR_INVALID_VALUE, "format", "'format' must be json, xlsx or csv, not '%.20s'", format);
	snprintf(month, sizeof(month), "%.7s", first);
	struct people all;
	if (people_of(st, &me, did, &all))
		return att_store_failed(r);
	if ((rc = ensure_people(r, eid, &all, first, last))) {
		free(all.ids);
		return rc;
	}
	size_t from = 0, n = all.n;
	if (!xlsx && !csv) {
		while (from < all.n && all.ids[from] <= cursor)
			from++;
		n = all.n - from < (size_t)limit ? all.n - from : (size_t)limit;
	}
	struct month_row *rows = xcalloc(all.n ? all.n : 1, sizeof(*rows));
	struct month_sum totals = { 0 };
	int failed = load_rows(st, eid, first, &all, rows);
	for (size_t i = 0; i < all.n; i++)
		sum_add(&totals, &rows[i].sum);
	char detail[96], title[400];
	snprintf(detail, sizeof(detail), "{\"report\":\"monthly\",\"month\":\"%s\",\"format\":\"%s\"}", month, format);
	if (failed) {
		free(rows);
		free(all.ids);
		return att_store_failed(r);
	}
	if (xlsx || csv) {
		size_t size = 0;
		export_title(st, eid, did, month, title, sizeof(title));
		int fd = xlsx ? write_xlsx(r->app->cfg->data, title, rows, all.n, &size) : write_csv(title, rows, all.n, &size);
		free(rows);
		rc = fd < 0 ? req_fail(r, ERR_INTERNAL, "cannot write the export")
			    : audit_people(r, "attendance.report_export", all.ids, all.n, eid, detail);
		free(all.ids);
		if (rc) {
			if (fd >= 0)
				close(fd);
			return rc;
		}
		char disposition[128], id[ID_STR_LEN];
		snprintf(disposition, sizeof(disposition), "attachment; filename=\"attendance-%s-%s.%s\"", id_format(eid, id), month,
			 xlsx ? "xlsx" : "csv");
		req_set_header(r, "content-disposition", disposition);
		req_set_header(r, "x-content-type-options", "nosniff");
		req_send_file(r, 200, xlsx ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" : "text/csv; charset=utf-8",
			      fd, size);
		return ERR_OK;
	}
	struct jsonw w;
	jsonw_init(&w);
	jsonw_open(&w, NULL, '{');
	jsonw_str(&w, "month", month);
	jsonw_open(&w, "people", '[');
	for (size_t i = from; i < from + n; i++) {
		jsonw_open(&w, NULL, '{');
		write_person(r, eid, all.ids[i], &w);
		if (rows[i].gid) {
			jsonw_open(&w, "group", '{');
			jsonw_id(&w, "id", rows[i].gid);
			jsonw_str(&w, "name", rows[i].group);
			jsonw_close(&w, '}');
		} else {
			jsonw_null(&w, "group");
		}
		write_sum(&w, "summary", &rows[i].sum);
		jsonw_close(&w, '}');
	}
	jsonw_close(&w, ']');
	jsonw_int(&w, "people_total", (int64_t)all.n);
	write_sum(&w, "totals", &totals);
	if (from + n < all.n && n)
		jsonw_id(&w, "next_cursor", all.ids[from + n - 1]);
	else
		jsonw_null(&w, "next_cursor");
	jsonw_close(&w, '}');
	free(rows);
	rc = audit_people(r, "attendance.report_view", all.ids + from, n, eid, detail);
	free(all.ids);
	if (rc) {
		jsonw_release(&w);
		return rc;
	}
	req_json_text(r, 200, w.buf, w.len);
	jsonw_release(&w);
	return ERR_OK;
}

/* ---- make-up requests ---- */

#define MAKEUP_COLUMNS \
	"SELECT id, user_id, day, shift, at, reason, status, created_at, decided_by, decided_at, comment FROM attendance_makeups"

static void write_makeup(struct req *r, int64_t eid, struct store_stmt *s, int admin, struct jsonw *w)
{
	jsonw_open(w, NULL, '{');
	jsonw_id(w, "id", store_col_int(s, 0));
	if (admin)
		org_write_person(r->app->st, r->app->kr, eid, store_col_int(s, 1), "user", w);
	else
		jsonw_id(w, "user_id", store_col_int(s, 1));
	jsonw_str(w, "day", store_col_text(s, 2));
	if (store_col_is_null(s, 3))
		jsonw_null(w, "shift");
	else
		jsonw_int(w, "shift", store_col_int(s, 3));
	jsonw_time(w, "at", store_col_int(s, 4));
	jsonw_str(w, "reason", store_col_text(s, 5));
	jsonw_str(w, "status", store_col_text(s, 6));
	jsonw_time(w, "created_at", store_col_int(s, 7));
	if (store_col_is_null(s, 8))
		jsonw_null(w, "decided_by");
	else
		org_write_person(r->app->st, r->app->kr, eid, store_col_int(s, 8), "decided_by", w);
	if (store_col_is_null(s, 9))
		jsonw_null(w, "decided_at");
	else
		jsonw_time(w, "decided_at", store_col_int(s, 9));
	jsonw_str(w, "comment", store_col_text(s, 10));
	jsonw_close(w, '}');
}

static enum err reply_makeup(struct req *r, int status, int64_t eid, int64_t id, int admin)
{
	return att_reply_row(r, status, MAKEUP_COLUMNS " WHERE enterprise_id = ? AND id = ?", eid, id, write_makeup, admin);
}

/* "HH:MM" as minutes after midnight, or -1. */
static int hhmm(const char *v)
{
	if (strlen(v) != 5 || v[2] != ':')
		return -1;
	for (int i = 0; i < 5; i++)
		if (i != 2 && (v[i] < '0' || v[i] > '9'))
			return -1;
	int h = (v[0] - '0') * 10 + (v[1] - '0'), m = (v[3] - '0') * 10 + (v[4] - '0');
	return h < 24 && m < 60 ? h * 60 + m : -1;
}

/* An RFC 3339 time with Z or an offset (+08:00) as UTC milliseconds.  0 or -1. */
static int rfc3339(const char *v, int64_t *ms)
{
	char buf[40];
	size_t n = strlen(v);
	int64_t offset = 0;
	if (n < 20 || n >= sizeof(buf))
		return -1;
	memcpy(buf, v, n + 1);
	if ((buf[n - 6] == '+' || buf[n - 6] == '-') && buf[n - 3] == ':') {
		for (size_t i = n - 5; i < n; i++)
			if (i != n - 3 && (buf[i] < '0' || buf[i] > '9'))
				return -1;
		int h = (buf[n - 5] - '0') * 10 + (buf[n - 4] - '0'), m = (buf[n - 2] - '0') * 10 + (buf[n - 1] - '0');
		if (h > 23 || m > 59)
			return -1;
		offset = (buf[n - 6] == '+' ? 1 : -1) * ((int64_t)h * 60 + m) * 60000;
		buf[n - 6] = 'Z';
		buf[n - 5] = '\0';
	}
	if (clock_parse(buf, ms))
		return -1;
	*ms -= offset;
	return 0;
}

/*
 * The time a make-up claims, from "at": RFC 3339, or HH:MM on the day (or, for a shift running
 * past midnight, the next morning) — whichever falls where a punch of the day (of the shift
 * given) would count.  Fails with invalid_value naming "at".
 */
static enum err claimed_time(struct req *r, const struct att_day_plan *p, int shift, int64_t now, int64_t *at)
{
	const char *v = req_str(r, "at");
	int64_t lo = shift >= 0 ? p->open[shift] : p->lo, hi = shift >= 0 ? p->close[shift] : p->hi;
	int m = hhmm(v);
	if (m >= 0) {
		*at = p->midnight + m * 60000LL;
		if (*at < lo || *at >= hi)
			*at += 24 * 3600 * 1000LL;
	} else if (rfc3339(v, at)) {
		return att_field_fail(r, ERR_INVALID_VALUE, "at", "'at' must be a time written HH:MM or RFC 3339 (2024-05-06T09:00:00+08:00), not '%.40s'", v);
	}
	if (*at < lo || *at >= hi)
		return att_field_fail(r, ERR_INVALID_VALUE, "at", "'at' (%.40s) falls outside the times a punch of that day or shift would count", v);
	if (*at > now)
		return att_field_fail(r, ERR_INVALID_VALUE, "at", "'at' (%.40s) has not come yet", v);
	return ERR_OK;
}

/*
 * POST …/attendance/makeups {day, shift?, at, reason}: a request to count a punch the person
 * says they could not make.  Limited per month (of the day) by their rule: pending and approved
 * requests count, rejected ones give the chance back.
 */
static enum err post_makeup(struct req *r)
{
	static const struct field spec[] = {
		{ "day", F_STRING, 1 }, { "shift", F_INT, 0 }, { "at", F_STRING, 1 }, { "reason", F_STRING, 1 }, { 0 }
	};
	struct store *st = r->app->st;
	struct org_member me;
	struct att_day_plan plan;
	struct att_rule rule;
	int64_t eid, at, id = id_next(), now = clock_now_ms();
	char today[ATT_DAY_LEN], month[ATT_MONTH_LEN], lo[ATT_DAY_LEN], hi[ATT_DAY_LEN];
	enum err rc;
	if ((rc = org_require_body(r, ORG_MEMBER, spec, &eid, &me)) || (rc = org_check_text(r, "reason", req_str(r, "reason"), REASON_MAX, 0)))
		return rc;
	const char *day = req_str(r, "day");
	if (!att_day_valid(day))
		return att_field_fail(r, ERR_INVALID_VALUE, "day", "'day' must be a date written YYYY-MM-DD, not '%.20s'", day);
	if (att_day_now(st, eid, now, today, NULL))
		return att_store_failed(r);
	if (strcmp(day, today) > 0)
		return att_field_fail(r, ERR_INVALID_VALUE, "day", "'day' (%.20s) has not come yet", day);
	int has = att_rule_of(st, eid, me.user_id, &rule);
	if (has < 0)
		return att_store_failed(r);
	if (!has)
		return req_fail(r, ERR_NO_ATTENDANCE_GROUP, NULL);
	int found = att_day_plan(st, eid, me.user_id, day, now, &plan);
	if (found < 0)
		return att_store_failed(r);
	if (!found || !plan.judged)
		return req_fail(r, ERR_MAKEUP_NOT_APPLICABLE, "there is nothing to make up on %s", day);
	json_t *sv = json_object_get(r->body, "shift");
	int shift = -1;
	if (sv && !json_is_null(sv)) {
		json_int_t k = json_integer_value(sv);
		if (k < 0 || k >= plan.nshifts) {
			req_extra(r, "field", json_string("shift"));
			return req_fail(r, ERR_INVALID_VALUE, "'shift' must name one of the day's %d shift(s), from 0", plan.nshifts);
		}
		shift = (int)k;
	}
	if ((rc = claimed_time(r, &plan, shift, now, &at)))
		return rc;
	snprintf(month, sizeof(month), "%.7s", day);
	snprintf(lo, sizeof(lo), "%s-01", month);
	snprintf(hi, sizeof(hi), "%s-31", month);
	struct store_stmt *s = store_prepare(st,
		"SELECT count(*) FROM attendance_makeups WHERE enterprise_id = ? AND user_id = ? AND day >= ? AND day <= ?"
		" AND status IN ('pending', 'approved')");
	store_bind_int(s, 1, eid);
	store_bind_int(s, 2, me.user_id);
	store_bind_text(s, 3, lo, -1);
	store_bind_text(s, 4, hi, -1);
	int64_t used = store_step(s) == STORE_ROW ? store_col_int(s, 0) : -1;
	store_reset(s);
	if (used < 0)
		return att_store_failed(r);
	if (used >= rule.makeup_per_month) {
		req_extra(r, "limit", json_integer(rule.makeup_per_month));
		req_extra(r, "month", json_string(month));
		return req_fail(r, ERR_MAKEUP_LIMIT, "your rule allows %d make-up request(s) a month and %s has %lld",
				rule.makeup_per_month, month, (long long)used);
	}
	s = store_prepare(st,
		"INSERT INTO attendance_makeups (id, enterprise_id, user_id, day, shift, at, reason, status, created_at)"
		" VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', ?)");
	store_bind_int(s, 1, id);
	store_bind_int(s, 2, eid);
	store_bind_int(s, 3, me.user_id);
	store_bind_text(s, 4, day, -1);
	if (shift >= 0)
		store_bind_int(s, 5, shift);
	else
		store_bind_null(s, 5);
	store_bind_int(s, 6, at);
	store_bind_text(s, 7, req_str(r, "reason"), -1);
	store_bind_int(s, 8, now);
	if (store_run(s) != STORE_DONE)
		return att_store_failed(r);
	char object[AUDIT_OBJECT_LEN];
	if (audit_append(st, me.user_id, "attendance.makeup_request", me.user_id, audit_object("makeup", id, object), NULL))
		return req_fail(r, ERR_INTERNAL, "cannot record the request in the audit log");
	if ((rc = org_commit(r)))
		return rc;
	return reply_makeup(r, 201, eid, id, 0);
}

/* ?status= of a list of make-ups: "pending", "approved", "rejected" or "all" (def). */
static enum err read_status(struct req *r, const char *def, const char **status)
{
	const char *v = req_query(r, "status");
	*status = v ? v : def;
	if (strcmp(*status, "pending") && strcmp(*status, "approved") && strcmp(*status, "rejected") && strcmp(*status, "all"))
		return att_field_fail(r, ERR_INVALID_VALUE, "status", "'status' must be pending, approved, rejected or all, not '%.20s'", v);
	return ERR_OK;
}

/* ?month= of a list of make-ups, as the range of its days ("" to "~": every month). */
static enum err read_month_range(struct req *r, char lo[ATT_DAY_LEN], char hi[ATT_DAY_LEN])
{
	const char *v = req_query(r, "month");
	char first[ATT_DAY_LEN];
	int ndays;
	if (!v) {
		lo[0] = '\0';
		snprintf(hi, ATT_DAY_LEN, "~");
		return ERR_OK;
	}
	if (!att_month_parse(v, first, &ndays))
		return att_field_fail(r, ERR_INVALID_VALUE, "month", "'month' must be a month written YYYY-MM, not '%.20s'", v);
	memcpy(lo, first, ATT_DAY_LEN);
	att_day_add(first, ndays - 1, hi);
	return ERR_OK;
}

/* GET …/attendance/makeups/me?status=&month=: my requests, newest first. */
static enum err get_my_makeups(struct req *r)
{
	struct org_member me;
	int64_t eid, cursor;
	int limit;
	const char *status;
	char lo[ATT_DAY_LEN], hi[ATT_DAY_LEN];
	enum err rc;
	if ((rc = org_require(r, r->params[0], ORG_MEMBER, &eid, &me)) || (rc = req_page(r, &limit, &cursor)) ||
	    (rc = read_status(r, "all", &status)) || (rc = read_month_range(r, lo, hi)))
		return rc;
	struct store_stmt *s = store_prepare(r->app->st, MAKEUP_COLUMNS
		" WHERE enterprise_id = ? AND user_id = ? AND id < ? AND (? = 'all' OR status = ?) AND day >= ? AND day <= ?"
		" ORDER BY id DESC LIMIT ?");
	store_bind_int(s, 1, eid);
	store_bind_int(s, 2, me.user_id);
	store_bind_int(s, 3, cursor ? cursor : INT64_MAX);
	store_bind_text(s, 4, status, -1);
	store_bind_text(s, 5, status, -1);
	store_bind_text(s, 6, lo, -1);
	store_bind_text(s, 7, hi, -1);
	store_bind_int(s, 8, limit + 1);
	struct jsonw w;
	jsonw_init(&w);
	jsonw_open(&w, NULL, '{');
	jsonw_open(&w, "makeups", '[');
	int n = 0;
	int64_t last = 0, next = 0;
	enum store_rc src;
	while ((src = store_step(s)) == STORE_ROW) {
		if (n == limit) {
			next = last;
			break;
		}
		last = store_col_int(s, 0);
		write_makeup(r, eid, s, 0, &w);
		n++;
	}
	store_reset(s);
	if (src != STORE_ROW && src != STORE_DONE) {
		jsonw_release(&w);
		return att_store_failed(r);
	}
	req_page_reply(r, &w, next);
	return ERR_OK;
}

/*
 * GET …/attendance/makeups?status=&month=&department_id=: the requests an administrator with
 * the attendance right decides (pending by default), within their scope, newest first.
 */
static enum err get_makeups(struct req *r)
{
	struct org_member me;
	int64_t eid, cursor, did;
	int limit;
	const char *status;
	char lo[ATT_DAY_LEN], hi[ATT_DAY_LEN];
	enum err rc;
	if ((rc = org_require(r, r->params[0], ORG_RIGHT_ATTENDANCE, &eid, &me)) || (rc = req_page(r, &limit, &cursor)) ||
	    (rc = read_status(r, "pending", &status)) || (rc = read_month_range(r, lo, hi)) ||
	    (rc = read_department(r, &me, &did)))
		return rc;
	struct store_stmt *s = store_prepare(r->app->st, PEOPLE_CTE " " MAKEUP_COLUMNS " a"
		" WHERE a.enterprise_id = ? AND a.id < ? AND (? = 'all' OR a.status = ?) AND a.day >= ? AND a.day <= ? AND"
		PEOPLE_WHERE("a") " ORDER BY a.id DESC LIMIT ?");
	int i = bind_cte(s, 1, &me, did);
	store_bind_int(s, i++, eid);
	store_bind_int(s, i++, cursor ? cursor : INT64_MAX);
	store_bind_text(s, i++, status, -1);
	store_bind_text(s, i++, status, -1);
	store_bind_text(s, i++, lo, -1);
	store_bind_text(s, i++, hi, -1);
	i = bind_where(s, i, &me, did);
	store_bind_int(s, i++, limit + 1);
	struct jsonw w;
	jsonw_init(&w);
	jsonw_open(&w, NULL, '{');
	jsonw_open(&w, "makeups", '[');
	int n = 0;
	int64_t last = 0, next = 0;
	enum store_rc src;
	while ((src = store_step(s)) == STORE_ROW) {
		if (n == limit) {
			next = last;
			break;
		}
		last = store_col_int(s, 0);
		write_makeup(r, eid, s, 1, &w);
		n++;
	}
	store_reset(s);
	if (src != STORE_ROW && src != STORE_DONE) {
		jsonw_release(&w);
		return att_store_failed(r);
	}
	req_page_reply(r, &w, next);
	return ERR_OK;
}

/*
 * POST …/attendance/makeups/{id}/decision {approve, comment?}: an administrator with the
 * attendance right, within their scope, decides someone else's pending request.  Approved, the
 * time counts as a punch and the day is judged again; either way the person is told in the app.
 */
static enum err post_decision(struct req *r)
{
	static const struct field spec[] = { { "approve", F_BOOL, 1 }, { "comment", F_STRING, 0 }, { 0 } };
	struct store *st = r->app->st;
	struct org_member me;
	int64_t eid, id, uid = 0, at = 0, now = clock_now_ms();
	char day[ATT_DAY_LEN] = "", status[16] = "";
	enum err rc;
	if ((rc = org_require_body(r, ORG_RIGHT_ATTENDANCE, spec, &eid, &me)))
		return rc;
	const char *comment = req_str(r, "comment");
	comment = comment ? comment : "";
	if ((rc = org_check_text(r, "comment", comment, REASON_MAX, 1)))
		return rc;
	struct store_stmt *s = store_prepare(st, "SELECT user_id, day, status, at FROM attendance_makeups WHERE enterprise_id = ? AND id = ?");
	int found = !id_parse(r->params[1], &id);
	if (found) {
		store_bind_int(s, 1, eid);
		store_bind_int(s, 2, id);
		enum store_rc src = store_step(s);
		if ((found = src == STORE_ROW)) {
			uid = store_col_int(s, 0);
			snprintf(day, sizeof(day), "%s", store_col_text(s, 1));
			snprintf(status, sizeof(status), "%s", store_col_text(s, 2));
			at = store_col_int(s, 3);
		} else if (src != STORE_DONE) {
			store_reset(s);
			return att_store_failed(r);
		}
		store_reset(s);
	}
	if (!found)
		return req_fail(r, ERR_MAKEUP_NOT_FOUND, "no make-up request '%.24s' in this enterprise", r->params[1]);
	if (uid == me.user_id)
		return req_fail(r, ERR_FORBIDDEN, "an administrator cannot decide their own make-up request");
	if ((rc = att_require_scope(r, &me, uid)))
		return rc;
	if (strcmp(status, "pending"))
		return req_fail(r, ERR_MAKEUP_CLOSED, "the make-up request is already %s", status);
	int approve = json_is_true(json_object_get(r->body, "approve"));
	s = store_prepare(st,
		"UPDATE attendance_makeups SET status = ?, decided_by = ?, decided_at = ?, comment = ?"
		" WHERE enterprise_id = ? AND id = ? AND status = 'pending'");
	store_bind_text(s, 1, approve ? "approved" : "rejected", -1);
	store_bind_int(s, 2, me.user_id);
	store_bind_int(s, 3, now);
	store_bind_text(s, 4, comment, -1);
	store_bind_int(s, 5, eid);
	store_bind_int(s, 6, id);
	if (store_run(s) != STORE_DONE || store_changes(st) != 1)
		return att_store_failed(r);
	if (approve && att_day_compute(st, eid, uid, day))
		return req_fail(r, ERR_INTERNAL, "cannot compute the day's result");
	char title[96], body[256], local[ATT_DAY_LEN], hm[6];
	int offset, minute;
	if (att_zone_offset(st, eid, &offset))
		return att_store_failed(r);
	att_local_time(at, offset, local, &minute);
	att_hhmm(minute, hm);
	snprintf(title, sizeof(title), "%s", approve ? "补卡申请已通过 / Make-up approved" : "补卡申请未通过 / Make-up rejected");
	snprintf(body, sizeof(body), "您 %s %s 的补卡申请%s。 / Your make-up request for %s %s was %s.", local, hm,
		 approve ? "已通过" : "未通过", local, hm, approve ? "approved" : "rejected");
	if (notify_inapp(st, uid, "attendance_makeup", title, body, now))
		return req_fail(r, ERR_INTERNAL, "cannot store the notification");
	if ((rc = org_audit(r, approve ? "attendance.makeup_approve" : "attendance.makeup_reject", uid, "makeup", id, NULL)) ||
	    (rc = org_commit(r)))
		return rc;
	return reply_makeup(r, 200, eid, id, 1);
}

const struct route attendance_report_routes[] = {
	{ "POST", "/api/v1/enterprises/{eid}/attendance/makeups", post_makeup, ROUTE_AUTH },
	{ "GET", "/api/v1/enterprises/{eid}/attendance/makeups", get_makeups, ROUTE_AUTH },
	{ "GET", "/api/v1/enterprises/{eid}/attendance/makeups/me", get_my_makeups, ROUTE_AUTH },
	{ "POST", "/api/v1/enterprises/{eid}/attendance/makeups/{id}/decision", post_decision, ROUTE_AUTH },
	{ "GET", "/api/v1/enterprises/{eid}/attendance/me/month", get_my_month, ROUTE_AUTH },
	{ "GET", "/api/v1/enterprises/{eid}/attendance/reports/daily", get_daily, ROUTE_AUTH },
	{ "GET", "/api/v1/enterprises/{eid}/attendance/reports/monthly", get_monthly, ROUTE_AUTH },
	{ "GET", "/api/v1/enterprises/{eid}/attendance/reports/people/{uid}/month", get_person_month, ROUTE_AUTH },
	{ 0 }
};
