/*
 * Work calendar routes: the week and time zone, dated exceptions (holidays, swapped working
 * weekends), and a yearly holiday set imported from a CSV or XLSX file, all or nothing.  Any
 * member reads the calendar; changing it needs the attendance right.  Every change marks the
 * day results from the first day it touches as stale.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "apps/attendance/routes_int.h"
#include "apps/attendance/rules_int.h"
#include "apps/org/org.h"
#include "core/clock.h"
#include "core/mem.h"
#include "core/sheet.h"
#include "core/banned.h"

#define DAY_NAME_MAX 32         /* characters of an exception's name */
#define IMPORT_MAX_BYTES (1 << 20)
#define IMPORT_MAX_ROWS 1000    /* a few years of holidays; one year has about 30 */
#define IMPORT_MAX_ERRORS 100

/* Counts UTF-8 characters of a name: -1 on a control character. */
static int name_chars(const char *s)
{
	int n = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p < 0x20 || *p == 0x7f)
			return -1;
		n += (*p & 0xc0) != 0x80;
	}
	return n;
}

static void write_calendar(struct req *r, int64_t eid, const struct att_calendar *cal, const char *year,
			   struct jsonw *w)
{
	char offset[8];
	att_offset_text(cal->offset, offset);
	jsonw_open(w, NULL, '{');
	jsonw_str(w, "time_zone", cal->zone);
	jsonw_str(w, "utc_offset", offset);
	jsonw_open(w, "workdays", '[');
	for (int d = 1; d <= 7; d++)
		if ((cal->workdays >> (d - 1)) & 1)
			jsonw_int(w, NULL, d);
	jsonw_close(w, ']');
	struct store_stmt *s;
	if (year) {
		char from[16], to[16];
		snprintf(from, sizeof(from), "%s-01-01", year);
		snprintf(to, sizeof(to), "%s-12-31", year);
		s = store_prepare(r->app->st, "SELECT day, kind, name FROM attendance_calendar_days"
					      " WHERE enterprise_id = ? AND day >= ? AND day <= ? ORDER BY day");
		store_bind_int(s, 1, eid);
		store_bind_text(s, 2, from, -1);
		store_bind_text(s, 3, to, -1);
	} else {
		s = store_prepare(r->app->st,
			"SELECT day, kind, name FROM attendance_calendar_days WHERE enterprise_id = ? ORDER BY day");
		store_bind_int(s, 1, eid);
	}
	jsonw_open(w, "days", '[');
	while (store_step(s) == STORE_ROW) {
		jsonw_open(w, NULL, '{');
		jsonw_str(w, "day", store_col_text(s, 0));
		jsonw_str(w, "kind", store_col_text(s, 1));
		jsonw_str(w, "name", store_col_text(s, 2));
		jsonw_close(w, '}');
	}
	jsonw_close(w, ']');
	jsonw_close(w, '}');
}

static enum err reply_calendar(struct req *r, int64_t eid, const char *year)
{
	struct att_calendar cal;
	if (att_calendar_get(r->app->st, eid, &cal))
		return att_store_failed(r);
	struct jsonw w;
	jsonw_init(&w);
	write_calendar(r, eid, &cal, year, &w);
	req_json_text(r, 200, w.buf, w.len);
	jsonw_release(&w);
	return ERR_OK;
}

/* ?year=YYYY, or NULL for every year. */
static enum err query_year(struct req *r, const char **year)
{
	*year = req_query(r, "year");
	if (*year && (strlen(*year) != 4 || !isdigit((unsigned char)(*year)[0]) || !isdigit((unsigned char)(*year)[1]) ||
		      !isdigit((unsigned char)(*year)[2]) || !isdigit((unsigned char)(*year)[3]) || strcmp(*year, "1970") < 0)) {
		req_extra(r, "field", json_string("year"));
		return req_fail(r, ERR_INVALID_VALUE, "'year' must be a year such as 2025");
	}
	return ERR_OK;
}

static enum err get_calendar(struct req *r)
{
	int64_t eid;
	const char *year;
	enum err rc;
	if ((rc = org_require(r, r->params[0], ORG_MEMBER, &eid, NULL)) || (rc = query_year(r, &year)))
		return rc;
	return reply_calendar(r, eid, year);
}

/* Sets the working weekdays (ISO 1 Monday … 7 Sunday) and the time zone; either may be left out. */
static enum err put_calendar(struct req *r)
{
	static const struct field spec[] = { { "workdays", F_ARRAY, 0 }, { "time_zone", F_STRING, 0 }, { 0 } };
	struct org_member me;
	int64_t eid;
	struct att_calendar cal;
	struct store *st = r->app->st;
	enum err rc;
	if ((rc = org_require_body(r, ORG_RIGHT_ATTENDANCE, spec, &eid, &me)) || (rc = att_require_whole(r, &me)))
		return rc;
	if (att_calendar_get(st, eid, &cal))
		return att_store_failed(r);
	char before[ATT_DAY_LEN], after[ATT_DAY_LEN];
	att_local_time(clock_now_ms(), cal.offset, before, NULL);
	json_t *list = json_object_get(r->body, "workdays"), *v;
	const char *zone = req_str(r, "time_zone");
	size_t i;
	if (list) {
		int mask = 0;
		json_array_foreach(list, i, v) {
			json_int_t d = json_is_integer(v) ? json_integer_value(v) : 0;
			if (d < 1 || d > 7 || (mask >> (d - 1)) & 1) {
				req_extra(r, "field", json_string("workdays"));
				return req_fail(r, ERR_INVALID_VALUE,
						"'workdays' must list distinct weekdays from 1 (Monday) to 7 (Sunday)");
			}
			mask |= 1 << (d - 1);
		}
		if (!mask) {
			req_extra(r, "field", json_string("workdays"));
			return req_fail(r, ERR_INVALID_VALUE, "'workdays' needs at least one working weekday");
		}
		cal.workdays = mask;
	}
	if (zone && !(cal.zone = att_zone_find(zone, &cal.offset))) {
		req_extra(r, "field", json_string("time_zone"));
		return req_fail(r, ERR_INVALID_VALUE, "no time zone '%.40s' without daylight saving is offered; Asia/Shanghai is",
				zone);
	}
	struct store_stmt *s = store_prepare(st,
		"INSERT INTO attendance_calendars (enterprise_id, workdays, time_zone, updated_at) VALUES (?, ?, ?, ?)"
		" ON CONFLICT (enterprise_id) DO UPDATE SET workdays = excluded.workdays, time_zone = excluded.time_zone,"
		" updated_at = excluded.updated_at");
	store_bind_int(s, 1, eid);
	store_bind_int(s, 2, cal.workdays);
	store_bind_text(s, 3, cal.zone, -1);
	store_bind_int(s, 4, clock_now_ms());
	if (store_run(s) != STORE_DONE)
		return att_store_failed(r);
	/* The week is not dated: results from today on follow it; a new zone may move "today". */
	att_local_time(clock_now_ms(), cal.offset, after, NULL);
	struct jsonw detail;
	jsonw_init(&detail);
	jsonw_open(&detail, NULL, '{');
	jsonw_open(&detail, "fields", '[');
	if (list)
		jsonw_str(&detail, NULL, "workdays");
	if (zone)
		jsonw_str(&detail, NULL, "time_zone");
	jsonw_close(&detail, ']');
	jsonw_close(&detail, '}');
	rc = att_stale_from(r, eid, strcmp(before, after) < 0 ? before : after);
	if (!rc)
		rc = org_audit(r, "attendance.calendar_update", 0, "enterprise", eid, detail.buf);
	jsonw_release(&detail);
	if (rc || (rc = org_commit(r)))
		return rc;
	return reply_calendar(r, eid, NULL);
}

static enum err path_day(struct req *r, const char **day)
{
	*day = r->params[1];
	if (!att_day_valid(*day)) {
		req_extra(r, "field", json_string("day"));
		return req_fail(r, ERR_INVALID_VALUE, "'%.16s' is not a date written YYYY-MM-DD", *day);
	}
	return ERR_OK;
}

static int set_day(struct store *st, int64_t eid, const char *day, const char *kind, const char *name)
{
	struct store_stmt *s = store_prepare(st,
		"INSERT INTO attendance_calendar_days (enterprise_id, day, kind, name) VALUES (?, ?, ?, ?)"
		" ON CONFLICT (enterprise_id, day) DO UPDATE SET kind = excluded.kind, name = excluded.name");
	store_bind_int(s, 1, eid);
	store_bind_text(s, 2, day, -1);
	store_bind_text(s, 3, kind, -1);
	store_bind_text(s, 4, name, -1);
	return store_run(s) == STORE_DONE ? 0 : -1;
}

/* A public holiday (off though a weekday) or a swapped working weekend (调休), with its name. */
static enum err put_day(struct req *r)
{
	static const struct field spec[] = { { "kind", F_STRING, 1 }, { "name", F_STRING, 0 }, { 0 } };
	struct org_member me;
	int64_t eid;
	const char *day, *kind, *name;
	enum err rc;
	if ((rc = org_require_body(r, ORG_RIGHT_ATTENDANCE, spec, &eid, &me)) ||
	    (rc = att_require_whole(r, &me)) || (rc = path_day(r, &day)))
		return rc;
	kind = req_str(r, "kind");
	name = req_str(r, "name") ? req_str(r, "name") : "";
	if (strcmp(kind, "holiday") && strcmp(kind, "workday")) {
		req_extra(r, "field", json_string("kind"));
		return req_fail(r, ERR_INVALID_VALUE, "'kind' must be holiday or workday");
	}
	int chars = name_chars(name);
	if (chars < 0 || chars > DAY_NAME_MAX || name[0] == ' ') {
		req_extra(r, "field", json_string("name"));
		return req_fail(r, ERR_INVALID_VALUE, "'name' must be at most %d characters of text", DAY_NAME_MAX);
	}
	char detail[64];
	snprintf(detail, sizeof(detail), "{\"day\":\"%s\",\"kind\":\"%s\"}", day, kind);
	if (set_day(r->app->st, eid, day, kind, name))
		return att_store_failed(r);
	if ((rc = att_stale_from(r, eid, day)) || (rc = org_audit(r, "attendance.calendar_day_set", 0, "enterprise", eid, detail)) ||
	    (rc = org_commit(r)))
		return rc;
	struct jsonw w;
	jsonw_init(&w);
	jsonw_open(&w, NULL, '{');
	jsonw_str(&w, "day", day);
	jsonw_str(&w, "kind", kind);
	jsonw_str(&w, "name", name);
	jsonw_bool(&w, "workday", !strcmp(kind, "workday"));
	jsonw_close(&w, '}');
	req_json_text(r, 200, w.buf, w.len);
	jsonw_release(&w);
	return ERR_OK;
}

/* Removes an exception: the day follows the week again. */
static enum err delete_day(struct req *r)
{
	struct org_member me;
	int64_t eid;
	const char *day;
	enum err rc;
	if ((rc = org_begin(r)) || (rc = org_require(r, r->params[0], ORG_RIGHT_ATTENDANCE, &eid, &me)) ||
	    (rc = att_require_whole(r, &me)) ||
	    (rc = path_day(r, &day)))
		return rc;
	struct store_stmt *s = store_prepare(r->app->st,
		"DELETE FROM attendance_calendar_days WHERE enterprise_id = ? AND day = ?");
	store_bind_int(s, 1, eid);
	store_bind_text(s, 2, day, -1);
	if (store_run(s) != STORE_DONE)
		return att_store_failed(r);
	if (!store_changes(r->app->st))
		return req_fail(r, ERR_CALENDAR_DAY_NOT_FOUND, "the calendar has no exception on %s", day);
	char detail[48];
	snprintf(detail, sizeof(detail), "{\"day\":\"%s\"}", day);
	if ((rc = att_stale_from(r, eid, day)) ||
	    (rc = org_audit(r, "attendance.calendar_day_delete", 0, "enterprise", eid, detail)) || (rc = org_commit(r)))
		return rc;
	req_no_content(r);
	return ERR_OK;
}

/* ---- the holiday file ---- */

enum col { C_DATE, C_KIND, C_NAME, NCOLS };
static const struct {
	const char *field, *names[5];
} columns[NCOLS] = {
	{ "date", { "日期", "date", "day", "日期 date", NULL } },
	{ "kind", { "类型", "kind", "type", "类型 kind", NULL } },
	{ "name", { "名称", "name", "节日", "名称 name", NULL } },
};

struct import {
	json_t *errors;
	size_t nerrors;
	struct holiday {
		char day[ATT_DAY_LEN];
		int workday;
		char *name;
	} *days;
	size_t ndays;
};

static void row_error(struct import *im, size_t row, const char *column, const char *code, const char *detail)
{
	if (im->nerrors++ >= IMPORT_MAX_ERRORS)
		return;
	json_array_append_new(im->errors, json_pack("{s:I, s:s?, s:s, s:s}", "row", (json_int_t)row, "column", column,
						    "code", code, "detail", detail));
}

/* Compares a header cell with a column's names: case and spaces, "*", "_" ignored. */
static int header_is(const char *cell, const char *name)
{
	for (;;) {
		while (*cell == ' ' || *cell == '*' || *cell == '_')
			cell++;
		while (*name == ' ' || *name == '*' || *name == '_')
			name++;
		if (!*cell || !*name)
			return !*cell && !*name;
		if (tolower((unsigned char)*cell) != tolower((unsigned char)*name))
			return 0;
		cell++;
		name++;
	}
}

static int header_column(const char *cell)
{
	for (int c = 0; c < NCOLS; c++)
		for (int k = 0; columns[c].names[k]; k++)
			if (header_is(cell, columns[c].names[k]))
				return c;
	return -1;
}

/*
 * A date cell into "YYYY-MM-DD": as typed (2025-10-01, 2025/10/1, 2025.10.1), or the serial day
 * number an .xlsx stores for a date cell (45931 for 2025-10-01, days since 1899-12-30).
 */
static int cell_date(const char *cell, char out[ATT_DAY_LEN])
{
	int y = 0, m = 0, d = 0, n = 0;
	char sep1 = 0, sep2 = 0;
	size_t len = strlen(cell);
	if (len >= 5 && len <= 7 && strspn(cell, "0123456789") == len) {
		long serial = strtol(cell, NULL, 10);
		/* 25569 is 1970-01-01 */
		if (serial < 25569)
			return -1;
		att_day_of_number(serial - 25569, out);
		return out[0] ? 0 : -1;
	}
	if (sscanf(cell, "%4d%c%2d%c%2d%n", &y, &sep1, &m, &sep2, &d, &n) != 5 || (size_t)n != len || sep1 != sep2 ||
	    (sep1 != '-' && sep1 != '/' && sep1 != '.'))
		return -1;
	if (y < 1970 || y > 9999 || m < 1 || m > 12 || d < 1 || d > 31)
		return -1;
	char text[48];
	snprintf(text, sizeof(text), "%04d-%02d-%02d", y, m, d);
	snprintf(out, ATT_DAY_LEN, "%.10s", text);
	return att_day_valid(out) ? 0 : -1;
}

/* holiday|workday, or the words a Chinese calendar uses: 休/假/放假 and 班/上班/补班/调休上班. */
static int cell_kind(const char *cell, int *workday)
{
	static const char *const off[] = { "holiday", "休", "假", "休息", "放假", "节假日", NULL };
	static const char *const on[] = { "workday", "班", "上班", "补班", "调休上班", "工作日", NULL };
	for (int i = 0; off[i]; i++)
		if (header_is(cell, off[i])) {
			*workday = 0;
			return 0;
		}
	for (int i = 0; on[i]; i++)
		if (header_is(cell, on[i])) {
			*workday = 1;
			return 0;
		}
	return -1;
}

/* A copy of a cell without the spaces (ASCII and the full-width one) around it. */
static char *dup_trimmed(const char *v)
{
	while (*v == ' ' || *v == '\t' || !strncmp(v, "\xE3\x80\x80", 3))
		v += *v == ' ' || *v == '\t' ? 1 : 3;
	size_t n = strlen(v);
	for (;;) {
		if (n && (v[n - 1] == ' ' || v[n - 1] == '\t'))
			n--;
		else if (n >= 3 && !strncmp(v + n - 3, "\xE3\x80\x80", 3))
			n -= 3;
		else
			break;
	}
	return xstrndup(v, n);
}

/* Checks one row of cells (map: column of each cell) and keeps it; errors name row and column. */
static void read_row(struct import *im, size_t row, const char **cells, size_t ncells, const int *map)
{
	char *v[NCOLS] = { 0 }, day[ATT_DAY_LEN];
	int workday = 0, bad = 0;
	for (size_t i = 0; i < ncells && i < SHEET_MAX_COLS; i++)
		if (map[i] >= 0 && !v[map[i]])
			v[map[i]] = dup_trimmed(cells[i]);
	for (int c = 0; c < NCOLS; c++)
		if (!v[c])
			v[c] = xstrdup("");
	if (cell_date(v[C_DATE], day)) {
		row_error(im, row, "date", "invalid_date", "not a date written YYYY-MM-DD");
		bad = 1;
	}
	if (cell_kind(v[C_KIND], &workday)) {
		row_error(im, row, "kind", "invalid_kind", "the kind must be holiday or workday");
		bad = 1;
	}
	int chars = name_chars(v[C_NAME]);
	if (chars < 0 || chars > DAY_NAME_MAX) {
		row_error(im, row, "name", "invalid_name", "the name must be at most 32 characters of text");
		bad = 1;
	}
	for (size_t i = 0; !bad && i < im->ndays; i++)
		if (!strcmp(im->days[i].day, day)) {
			row_error(im, row, "date", "duplicate_day", "the same date is in an earlier row");
			bad = 1;
		}
	if (!bad) {
		struct holiday *h = &im->days[im->ndays++];
		snprintf(h->day, sizeof(h->day), "%s", day);
		h->workday = workday;
		h->name = v[C_NAME];
		v[C_NAME] = NULL;
	}
	for (int c = 0; c < NCOLS; c++)
		free(v[c]);
}

/* Reads the whole file into im; row errors (if any) into im->errors. */
static void read_file(struct import *im, const uint8_t *data, size_t len)
{
	char err[256];
	struct sheet *sh = sheet_open(data, len, SHEET_DETECT, err, sizeof(err));
	const char **cells;
	size_t ncells, rows = 0;
	int map[SHEET_MAX_COLS], rc, seen[NCOLS] = { 0 };
	if (!sh) {
		row_error(im, 0, NULL, "unreadable_file", err);
		return;
	}
	if ((rc = sheet_next_row(sh, &cells, &ncells)) != 1) {
		row_error(im, rc ? sheet_row_number(sh) : 0, NULL, rc ? "unreadable_file" : "empty_file",
			  rc ? sheet_error(sh) : "the file has no rows");
		sheet_close(sh);
		return;
	}
	/* A first row that starts with a date is data in the template's order, not a header. */
	char probe[ATT_DAY_LEN], *first = dup_trimmed(cells[0]);
	int headerless = !cell_date(first, probe);
	free(first);
	for (size_t i = 0; i < SHEET_MAX_COLS; i++) {
		char *cell = i < ncells ? dup_trimmed(cells[i]) : NULL;
		map[i] = headerless ? (i < NCOLS ? (int)i : -1) : cell ? header_column(cell) : -1;
		if (map[i] >= 0 && seen[map[i]]++)
			map[i] = -1;
		free(cell);
	}
	if (!headerless)
		for (int c = 0; c < NCOLS; c++)
			if (c != C_NAME && !seen[c])
				row_error(im, sheet_row_number(sh), columns[c].field, "missing_column",
					  c == C_DATE ? "no column 日期 (date) in the first row" : "no column 类型 (kind) in the first row");
	if (im->nerrors) {
		sheet_close(sh);
		return;
	}
	im->days = xcalloc(IMPORT_MAX_ROWS, sizeof(*im->days));
	if (headerless) {
		read_row(im, sheet_row_number(sh), cells, ncells, map);
		rows++;
	}
	while ((rc = sheet_next_row(sh, &cells, &ncells)) == 1) {
		if (++rows > IMPORT_MAX_ROWS) {
			row_error(im, sheet_row_number(sh), NULL, "too_many_rows", "a holiday file has at most 1000 rows");
			break;
		}
		read_row(im, sheet_row_number(sh), cells, ncells, map);
	}
	if (rc < 0)
		row_error(im, sheet_row_number(sh), NULL, "unreadable_file", sheet_error(sh));
	else if (!rows)
		row_error(im, sheet_row_number(sh), NULL, "empty_file", "the file has a header row and no days");
	sheet_close(sh);
}

static int by_day(const void *a, const void *b)
{
	return strcmp(((const struct holiday *)a)->day, ((const struct holiday *)b)->day);
}

/*
 * Replaces, for every year the file names, that year's exceptions with the file's days; other
 * years stay.  The file is small (a year holds about 30 days), so it is read here rather than
 * queued for the job runner.  A file with any bad row changes nothing: 422 with every row error.
 */
static enum err post_import(struct req *r)
{
	struct org_member me;
	int64_t eid;
	const uint8_t *data;
	size_t len;
	struct store *st = r->app->st;
	struct import im = { .errors = json_array() };
	enum err rc;
	if ((rc = org_begin(r)) || (rc = org_require(r, r->params[0], ORG_RIGHT_ATTENDANCE, &eid, &me)) ||
	    (rc = att_require_whole(r, &me)) ||
	    (rc = req_upload(r, IMPORT_MAX_BYTES, &data, &len)))
		goto out;
	if ((len >= 4 && !memcmp(data, "%PDF", 4)) || ((len < 4 || memcmp(data, "PK\x03\x04", 4)) &&
						       memchr(data, 0, len < 8192 ? len : 8192))) {
		rc = req_fail(r, ERR_UNSUPPORTED_FILE, NULL);
		goto out;
	}
	read_file(&im, data, len);
	if (im.nerrors) {
		req_extra(r, "errors", json_incref(im.errors));
		req_extra(r, "error_count", json_integer((json_int_t)im.nerrors));
		rc = req_fail(r, ERR_CALENDAR_FILE_INVALID, "%zu row error(s); nothing was imported", im.nerrors);
		goto out;
	}
	qsort(im.days, im.ndays, sizeof(*im.days), by_day);
	json_t *years = json_array();
	char last[5] = "";
	for (size_t i = 0; i < im.ndays; i++) {
		if (!strncmp(last, im.days[i].day, 4))
			continue;
		char from[ATT_DAY_LEN], to[ATT_DAY_LEN];
		snprintf(last, sizeof(last), "%.4s", im.days[i].day);
		snprintf(from, sizeof(from), "%s-01-01", last);
		snprintf(to, sizeof(to), "%s-12-31", last);
		json_array_append_new(years, json_integer(strtol(last, NULL, 10)));
		struct store_stmt *s = store_prepare(st,
			"DELETE FROM attendance_calendar_days WHERE enterprise_id = ? AND day >= ? AND day <= ?");
		store_bind_int(s, 1, eid);
		store_bind_text(s, 2, from, -1);
		store_bind_text(s, 3, to, -1);
		if (store_run(s) != STORE_DONE) {
			json_decref(years);
			rc = att_store_failed(r);
			goto out;
		}
	}
	for (size_t i = 0; i < im.ndays; i++)
		if (set_day(st, eid, im.days[i].day, im.days[i].workday ? "workday" : "holiday", im.days[i].name)) {
			json_decref(years);
			rc = att_store_failed(r);
			goto out;
		}
	char first_day[ATT_DAY_LEN];
	snprintf(first_day, sizeof(first_day), "%.4s-01-01", im.days[0].day);
	json_t *detail = json_pack("{s:O, s:I}", "years", years, "days", (json_int_t)im.ndays);
	char *text = json_dumps(detail, JSON_COMPACT);
	json_decref(detail);
	rc = att_stale_from(r, eid, first_day);
	if (!rc)
		rc = org_audit(r, "attendance.calendar_import", 0, "enterprise", eid, text);
	free(text);
	if (rc || (rc = org_commit(r))) {
		json_decref(years);
		goto out;
	}
	json_t *reply = json_pack("{s:I, s:o}", "imported", (json_int_t)im.ndays, "years", years);
	req_json(r, 200, reply);
out:
	for (size_t i = 0; i < im.ndays; i++)
		free(im.days[i].name);
	free(im.days);
	json_decref(im.errors);
	return rc;
}

/* The file's columns with two example rows: a holiday and a swapped working weekend. */
static enum err get_template(struct req *r)
{
	int64_t eid;
	enum err rc = org_require(r, r->params[0], ORG_RIGHT_ATTENDANCE, &eid, NULL);
	if (rc)
		return rc;
	static const char csv[] = "\xEF\xBB\xBF" /* a BOM: Excel then reads it as UTF-8 */
				  "日期 date,类型 kind,名称 name\r\n"
				  "2025-10-01,holiday,国庆节\r\n"
				  "2025-09-28,workday,国庆节调休上班\r\n";
	req_set_header(r, "content-disposition", "attachment; filename=\"holidays-template.csv\"");
	req_send_bytes(r, 200, "text/csv; charset=utf-8", csv, sizeof(csv) - 1);
	return ERR_OK;
}

const struct route attendance_calendar_routes[] = {
	{ "GET", "/api/v1/enterprises/{eid}/attendance/calendar", get_calendar, ROUTE_AUTH },
	{ "PUT", "/api/v1/enterprises/{eid}/attendance/calendar", put_calendar, ROUTE_AUTH },
	{ "PUT", "/api/v1/enterprises/{eid}/attendance/calendar/days/{day}", put_day, ROUTE_AUTH },
	{ "DELETE", "/api/v1/enterprises/{eid}/attendance/calendar/days/{day}", delete_day, ROUTE_AUTH },
	{ "POST", "/api/v1/enterprises/{eid}/attendance/calendar/import", post_import, ROUTE_AUTH },
	{ "GET", "/api/v1/enterprises/{eid}/attendance/calendar/template", get_template, ROUTE_AUTH },
	{ 0 }
};
