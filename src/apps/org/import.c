/*
 * Importing people from a file: the routes (upload, progress, template) and the job that does
 * the work off the event loops (DESIGN §6).  All or nothing: the rows are checked first, with
 * progress recorded as the job goes, and only a file without a bad row is stored — as pending
 * members in one transaction.  Row errors name the row, the column and a code, never a value.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xlsxwriter.h>
#include "apps/org/dept.h"
#include "apps/org/import.h"
#include "apps/org/join.h"
#include "apps/org/member.h"
#include "core/clock.h"
#include "core/id.h"
#include "core/jsonw.h"
#include "core/phone.h"
#include "core/sheet.h"
#include "jobs/jobs.h"
#include "privacy/audit.h"
#include "core/banned.h"

#define DAY_MS (24LL * 3600 * 1000)
#define PROGRESS_EVERY 500 /* rows between two progress records */
#define MAX_ERRORS 1000    /* row errors listed; the count goes on */

/* The columns of the file, in the template's order; a header cell names one in either language. */
enum col { C_NAME, C_MOBILE, C_DEPARTMENT, C_TITLE, C_JOB_NUMBER, C_EMAIL, NCOLS };
static const struct column {
	const char *field, *zh, *en, *alt_zh, *alt_en;
	int required, max;
} columns[NCOLS] = {
	{ "name", "姓名", "Name", "名字", "full name", 1, 64 },
	{ "mobile", "手机号", "Mobile", "手机", "phone", 1, 32 },
	{ "department", "部门", "Department", "所在部门", "dept", 0, 512 },
	{ "title", "职务", "Title", "职位", "position", 0, 64 },
	{ "job_number", "工号", "Job number", "员工编号", "job_number", 0, 32 },
	{ "email", "邮箱", "E-mail", "电子邮箱", "email", 0, 254 },
};

/* ---- the routes ---- */

static enum err find_import(struct req *r, int64_t eid, int64_t *id)
{
	struct store_stmt *s = store_prepare(r->app->st, "SELECT 1 FROM imports WHERE enterprise_id = ? AND id = ?");
	int found = !id_parse(r->params[1], id);
	if (found) {
		store_bind_int(s, 1, eid);
		store_bind_int(s, 2, *id);
		found = store_step(s) == STORE_ROW;
		store_reset(s);
	}
	return found ? ERR_OK : req_fail(r, ERR_IMPORT_NOT_FOUND, "no import '%.24s' in this enterprise", r->params[1]);
}

static enum err reply_import(struct req *r, int status, int64_t eid, int64_t id)
{
	struct store_stmt *s = store_prepare(r->app->st,
		"SELECT status, rows_total, rows_done, imported, errors, created_at, finished_at, created_by FROM imports"
		" WHERE enterprise_id = ? AND id = ?");
	store_bind_int(s, 1, eid);
	store_bind_int(s, 2, id);
	if (store_step(s) != STORE_ROW) {
		store_reset(s);
		return req_fail(r, ERR_IMPORT_NOT_FOUND, NULL);
	}
	struct jsonw w;
	jsonw_init(&w);
	jsonw_open(&w, NULL, '{');
	jsonw_id(&w, "id", id);
	jsonw_str(&w, "status", store_col_text(s, 0));
	jsonw_int(&w, "rows_total", store_col_int(s, 1));
	jsonw_int(&w, "rows_done", store_col_int(s, 2));
	jsonw_int(&w, "imported", store_col_int(s, 3));
	if (store_col_is_null(s, 4))
		jsonw_raw(&w, "errors", "[]", 2);
	else
		jsonw_raw(&w, "errors", store_col_text(s, 4), strlen(store_col_text(s, 4)));
	jsonw_time(&w, "created_at", store_col_int(s, 5));
	if (store_col_is_null(s, 6))
		jsonw_null(&w, "finished_at");
	else
		jsonw_time(&w, "finished_at", store_col_int(s, 6));
	org_write_person(r->app->st, r->app->kr, eid, store_col_int(s, 7), "created_by", &w);
	jsonw_close(&w, '}');
	store_reset(s);
	req_json_text(r, status, w.buf, w.len);
	jsonw_release(&w);
	return ERR_OK;
}

/* Whether data can be a spreadsheet at all: a ZIP (xlsx) or text without NUL bytes (CSV). */
static int looks_like_sheet(const uint8_t *data, size_t len)
{
	if (len >= 4 && !memcmp(data, "PK\x03\x04", 4))
		return 1;
	return len < 4 || memcmp(data, "%PDF", 4) ? !memchr(data, 0, len < 8192 ? len : 8192) : 0;
}

/*
 * Takes the file (the body, CSV or XLSX by content) and queues it: 202 with the import, whose
 * progress GET /imports/{id} shows.  ?notify=false imports without sending invitation SMS.
 */
static enum err post_import(struct req *r)
{
	int64_t eid, id = id_next(), now = clock_now_ms();
	struct org_member me;
	const uint8_t *data;
	size_t len;
	enum err rc;
	const char *notify = req_query(r, "notify");
	if ((rc = org_begin(r)) || (rc = org_require(r, r->params[0], ORG_RIGHT_MEMBERS, &eid, &me)) ||
	    (rc = req_upload(r, (size_t)r->app->cfg->max_upload, &data, &len)))
		return rc;
	if (notify && strcmp(notify, "true") && strcmp(notify, "false")) {
		req_extra(r, "field", json_string("notify"));
		return req_fail(r, ERR_INVALID_VALUE, "'notify' must be true or false");
	}
	if (!looks_like_sheet(data, len))
		return req_fail(r, ERR_UNSUPPORTED_FILE, NULL);
	struct store_stmt *s = store_prepare(r->app->st,
		"INSERT INTO imports (id, enterprise_id, created_by, status, file, notify, created_at)"
		" VALUES (?, ?, ?, 'queued', ?, ?, ?)");
	store_bind_int(s, 1, id);
	store_bind_int(s, 2, eid);
	store_bind_int(s, 3, me.user_id);
	store_bind_blob(s, 4, data, len);
	store_bind_int(s, 5, !notify || !strcmp(notify, "true"));
	store_bind_int(s, 6, now);
	if (store_run(s) != STORE_DONE)
		return req_fail(r, ERR_INTERNAL, "cannot store the file");
	if ((rc = org_audit(r, "member.import_upload", 0, "import", id, NULL)) || (rc = org_commit(r)))
		return rc;
	jobs_poke();
	char location[128];
	snprintf(location, sizeof(location), "/api/v1/enterprises/%lld/imports/%lld", (long long)eid, (long long)id);
	req_set_header(r, "location", location);
	return reply_import(r, 202, eid, id);
}

static enum err get_import(struct req *r)
{
	int64_t eid, id;
	enum err rc;
	if ((rc = org_require(r, r->params[0], ORG_RIGHT_MEMBERS, &eid, NULL)) || (rc = find_import(r, eid, &id)))
		return rc;
	return reply_import(r, 200, eid, id);
}

/* The template's header cells: "姓名 Name" …, required ones marked with *. */
static void header_text(const struct column *c, char *out, size_t len)
{
	snprintf(out, len, "%s%s %s", c->zh, c->required ? "*" : "", c->en);
}

static enum err send_csv_template(struct req *r)
{
	char buf[512] = "\xEF\xBB\xBF", cell[64]; /* a BOM: Excel then reads it as UTF-8 */
	for (int i = 0; i < NCOLS; i++) {
		header_text(&columns[i], cell, sizeof(cell));
		size_t n = strlen(buf);
		snprintf(buf + n, sizeof(buf) - n, "%s%s", i ? "," : "", cell);
	}
	size_t n = strlen(buf);
	snprintf(buf + n, sizeof(buf) - n, "\r\n");
	req_set_header(r, "content-disposition", "attachment; filename=\"members-template.csv\"");
	req_send_bytes(r, 200, "text/csv; charset=utf-8", buf, strlen(buf));
	return ERR_OK;
}

/*
 * The .xlsx template: the header row in bold, wide columns formatted as text (so 00123 and
 * mobile numbers stay as typed).  libxlsxwriter writes to a file: a private one in the data
 * folder, read back and removed at once.
 */
static enum err send_xlsx_template(struct req *r)
{
	char path[512], cell[64];
	snprintf(path, sizeof(path), "%s/template-XXXXXX", r->app->cfg->data);
	int fd = mkstemp(path);
	if (fd < 0)
		return req_fail(r, ERR_INTERNAL, "cannot make the template");
	close(fd);
	lxw_workbook *wb = workbook_new(path);
	lxw_worksheet *ws = wb ? workbook_add_worksheet(wb, "成员 Members") : NULL;
	lxw_format *bold = wb ? workbook_add_format(wb) : NULL, *text = wb ? workbook_add_format(wb) : NULL;
	lxw_error err = LXW_ERROR_MEMORY_MALLOC_FAILED;
	if (ws && bold && text) {
		format_set_bold(bold);
		format_set_num_format(text, "@");
		for (int i = 0; i < NCOLS; i++) {
			header_text(&columns[i], cell, sizeof(cell));
			worksheet_set_column(ws, (lxw_col_t)i, (lxw_col_t)i, 20, text);
			worksheet_write_string(ws, 0, (lxw_col_t)i, cell, bold);
		}
	}
	if (wb)
		err = ws && bold && text ? workbook_close(wb) : (workbook_close(wb), err);
	char buf[64 << 10];
	ssize_t n = -1;
	if (err == LXW_NO_ERROR && (fd = open(path, O_RDONLY | O_CLOEXEC)) >= 0) {
		n = read(fd, buf, sizeof(buf));
		close(fd);
	}
	unlink(path);
	if (n <= 0 || n == (ssize_t)sizeof(buf))
		return req_fail(r, ERR_INTERNAL, "cannot make the template");
	req_set_header(r, "content-disposition", "attachment; filename=\"members-template.xlsx\"");
	req_send_bytes(r, 200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", buf, (size_t)n);
	return ERR_OK;
}

static enum err get_template(struct req *r)
{
	int64_t eid;
	enum err rc;
	if ((rc = org_require(r, r->params[0], ORG_RIGHT_MEMBERS, &eid, NULL)))
		return rc;
	const char *format = req_query(r, "format");
	if (!format || !strcmp(format, "xlsx"))
		return send_xlsx_template(r);
	if (!strcmp(format, "csv"))
		return send_csv_template(r);
	req_extra(r, "field", json_string("format"));
	return req_fail(r, ERR_INVALID_VALUE, "'format' must be xlsx or csv");
}

const struct route import_routes[] = {
	/* before {id}: the first pattern that matches serves */
	{ "GET", "/api/v1/enterprises/{eid}/imports/template", get_template, ROUTE_AUTH },
	{ "POST", "/api/v1/enterprises/{eid}/imports", post_import, ROUTE_AUTH },
	{ "GET", "/api/v1/enterprises/{eid}/imports/{id}", get_import, ROUTE_AUTH },
	{ 0 }
};

/* ---- the job ---- */

/* One row of the file, its cells copied out of the reader. */
struct row {
	size_t number;
	char *cell[NCOLS];
	char e164[PHONE_E164_LEN];
	int64_t department_id;
};

struct run {
	struct store *st;
	const struct import_env *env;
	int64_t id, eid, created_by, now;
	int notify;
	struct org_member admin;
	struct row *rows;
	size_t nrows;
	struct jsonw errors;
	size_t nerrors;
};

static void row_error(struct run *run, size_t row, const char *field, const char *code, const char *detail)
{
	if (run->nerrors++ >= MAX_ERRORS)
		return;
	jsonw_open(&run->errors, NULL, '{');
	jsonw_int(&run->errors, "row", (int64_t)row);
	if (field)
		jsonw_str(&run->errors, "column", field);
	else
		jsonw_null(&run->errors, "column");
	jsonw_str(&run->errors, "code", code);
	jsonw_str(&run->errors, "detail", detail);
	jsonw_close(&run->errors, '}');
}

/* Lowercase ASCII, without spaces, "*" and "_", for comparing header cells. */
static void squeeze(const char *in, char *out, size_t len)
{
	size_t n = 0;
	for (; *in && n + 1 < len; in++)
		if (*in != ' ' && *in != '*' && *in != '_' && *in != '-')
			out[n++] = (*in >= 'A' && *in <= 'Z') ? (char)(*in + 32) : *in;
	out[n] = '\0';
}

/* The column a header cell names, or -1: its Chinese name first ("姓名*"), else an English one. */
static int header_column(const char *cell)
{
	char c[256], a[64];
	squeeze(cell, c, sizeof(c));
	for (int i = 0; i < NCOLS; i++) {
		const char *names[] = { columns[i].zh, columns[i].alt_zh, columns[i].en, columns[i].alt_en };
		for (int k = 0; k < 4; k++) {
			squeeze(names[k], a, sizeof(a));
			if (k < 2 ? !strncmp(c, a, strlen(a)) : !strcmp(c, a) || (strlen(c) > strlen(a) && strstr(c, a) &&
										!strcmp(c + strlen(c) - strlen(a), a)))
				return i;
		}
	}
	return -1;
}

static void rows_free(struct run *run)
{
	for (size_t i = 0; i < run->nrows; i++)
		for (int c = 0; c < NCOLS; c++)
			free(run->rows[i].cell[c]);
	free(run->rows);
	run->rows = NULL;
	run->nrows = 0;
}

/* Trims spaces (ASCII and the full-width one Chinese input leaves) around a cell, in place. */
static char *trim(char *v)
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
	v[n] = '\0';
	return v;
}

/* Reads the file into run->rows after mapping the header.  0, or -1 with a file-level error. */
static int read_rows(struct run *run, const void *data, size_t len)
{
	char err[256];
	struct sheet *sh = sheet_open(data, len, SHEET_DETECT, err, sizeof(err));
	const char **cells;
	size_t ncells, cap = 0;
	int map[SHEET_MAX_COLS], seen[NCOLS] = { 0 }, rc;
	if (!sh) {
		row_error(run, 0, NULL, "unreadable_file", err);
		return -1;
	}
	if ((rc = sheet_next_row(sh, &cells, &ncells)) != 1) {
		row_error(run, rc ? sheet_row_number(sh) : 0, NULL, rc ? "unreadable_file" : "empty_file",
			  rc ? sheet_error(sh) : "the file has no rows");
		sheet_close(sh);
		return -1;
	}
	size_t header_row = sheet_row_number(sh);
	for (size_t i = 0; i < SHEET_MAX_COLS; i++) {
		map[i] = i < ncells ? header_column(cells[i]) : -1;
		if (map[i] >= 0 && seen[map[i]]++)
			map[i] = -1; /* the first column of a name counts */
	}
	for (int c = 0; c < NCOLS; c++)
		if (columns[c].required && !seen[c]) {
			char detail[128];
			snprintf(detail, sizeof(detail), "no column %s (%s) in the first row", columns[c].zh, columns[c].en);
			row_error(run, header_row, columns[c].field, "missing_column", detail);
		}
	if (run->nerrors) {
		sheet_close(sh);
		return -1;
	}
	while ((rc = sheet_next_row(sh, &cells, &ncells)) == 1) {
		if (run->nrows == cap) {
			cap = cap ? cap * 2 : 256;
			struct row *more = realloc(run->rows, cap * sizeof(*more));
			if (!more) {
				row_error(run, sheet_row_number(sh), NULL, "unreadable_file", "out of memory");
				sheet_close(sh);
				return -1;
			}
			run->rows = more;
		}
		struct row *row = &run->rows[run->nrows++];
		memset(row, 0, sizeof(*row));
		row->number = sheet_row_number(sh);
		for (size_t i = 0; i < ncells && i < SHEET_MAX_COLS; i++)
			if (map[i] >= 0 && !row->cell[map[i]])
				row->cell[map[i]] = strdup(cells[i]);
		for (int c = 0; c < NCOLS; c++)
			if (!row->cell[c])
				row->cell[c] = strdup("");
	}
	if (rc < 0)
		row_error(run, sheet_row_number(sh), NULL, "unreadable_file", sheet_error(sh));
	sheet_close(sh);
	if (!rc && !run->nrows)
		row_error(run, header_row, NULL, "empty_file", "the file has a header row and no people");
	return run->nerrors ? -1 : 0;
}

static int record_progress(struct run *run, size_t done)
{
	struct store_stmt *s = store_prepare(run->st, "UPDATE imports SET rows_total = ?, rows_done = ? WHERE id = ?");
	store_bind_int(s, 1, (int64_t)run->nrows);
	store_bind_int(s, 2, (int64_t)done);
	store_bind_int(s, 3, run->id);
	return store_run(s) == STORE_DONE ? 0 : -1;
}

static int pending_phone(struct store *st, int64_t eid, const uint8_t index[KEYRING_INDEX_LEN])
{
	struct store_stmt *s = store_prepare(st, "SELECT 1 FROM pending_members WHERE enterprise_id = ? AND phone_index = ?");
	store_bind_int(s, 1, eid);
	store_bind_blob(s, 2, index, KEYRING_INDEX_LEN);
	int found = store_step(s) == STORE_ROW;
	store_reset(s);
	return found;
}

/* Checks one row; its errors go to run->errors.  Sets the row's E.164 and department. */
static void check_row(struct run *run, struct row *row, size_t at)
{
	const size_t n = row->number;
	char detail[160], unused[PHONE_E164_LEN];
	for (int c = 0; c < NCOLS; c++) {
		char *v = trim(row->cell[c]);
		memmove(row->cell[c], v, strlen(v) + 1);
		if (columns[c].required && !*row->cell[c]) {
			snprintf(detail, sizeof(detail), "%s (%s) is empty", columns[c].zh, columns[c].en);
			row_error(run, n, columns[c].field, "missing_value", detail);
		} else if ((int)strlen(row->cell[c]) > columns[c].max * 4) {
			snprintf(detail, sizeof(detail), "%s (%s) is longer than %d characters", columns[c].zh, columns[c].en,
				 columns[c].max);
			row_error(run, n, columns[c].field, "too_long", detail);
		}
	}
	const char *name = row->cell[C_NAME];
	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		if (*p < 0x20) {
			row_error(run, n, "name", "invalid_value", "the name holds control characters");
			break;
		}
	if (*row->cell[C_MOBILE] && phone_normalize(row->cell[C_MOBILE], row->e164))
		row_error(run, n, "mobile", "invalid_value", "not a mobile number");
	if (*row->cell[C_EMAIL] && !member_field_valid(member_field_find("email"), row->cell[C_EMAIL], unused))
		row_error(run, n, "email", "invalid_value", "not an e-mail address");
	if (*row->cell[C_DEPARTMENT]) {
		row->department_id = join_department_by_path(run->st, run->eid, row->cell[C_DEPARTMENT]);
		if (!row->department_id)
			row_error(run, n, "department", "department_not_found",
				  "no such department; write the path from the top, levels separated by /");
	}
	if (!run->admin.scope_all && dept_in_scope(run->st, &run->admin, row->department_id) != 1)
		row_error(run, n, "department", "outside_scope", "the department is outside the importing administrator's scope");
	if (!*row->e164)
		return;
	/* The same number twice in the file: the later row is the error. */
	for (size_t i = 0; i < at; i++)
		if (!strcmp(run->rows[i].e164, row->e164)) {
			snprintf(detail, sizeof(detail), "the same mobile number as row %zu", run->rows[i].number);
			row_error(run, n, "mobile", "duplicate_in_file", detail);
			return;
		}
	uint8_t index[KEYRING_INDEX_LEN];
	keyring_index(run->env->kr, "phone", row->e164, index);
	if (join_phone_is_member(run->st, run->eid, index) == 1)
		row_error(run, n, "mobile", "already_member", "the account with this number is already a member");
	else if (pending_phone(run->st, run->eid, index))
		row_error(run, n, "mobile", "already_invited", "this number already has an invitation waiting for an answer");
}

static int finish(struct run *run, const char *status, int64_t imported)
{
	jsonw_close(&run->errors, ']');
	struct store_stmt *s = store_prepare(run->st,
		"UPDATE imports SET status = ?, file = NULL, rows_total = ?, rows_done = ?, imported = ?, errors = ?,"
		" finished_at = ? WHERE id = ?");
	store_bind_text(s, 1, status, -1);
	store_bind_int(s, 2, (int64_t)run->nrows);
	store_bind_int(s, 3, (int64_t)run->nrows);
	store_bind_int(s, 4, imported);
	store_bind_text(s, 5, run->errors.buf, (int)run->errors.len);
	store_bind_int(s, 6, clock_now_ms());
	store_bind_int(s, 7, run->id);
	return store_run(s) == STORE_DONE ? 0 : -1;
}

/* Stores every row as a pending member, all in one transaction, or none.  0, 1 (a row lost a race), -1. */
static int store_rows(struct run *run)
{
	char object[AUDIT_OBJECT_LEN], detail[64];
	int64_t expires = run->now + run->env->cfg->pending_days * DAY_MS;
	if (store_begin(run->st) != STORE_OK)
		return -1;
	for (size_t i = 0; i < run->nrows; i++) {
		struct row *row = &run->rows[i];
		struct join_person p = { .name = row->cell[C_NAME], .phone = row->e164, .title = row->cell[C_TITLE],
					 .job_number = row->cell[C_JOB_NUMBER], .email = row->cell[C_EMAIL],
					 .department_id = row->department_id };
		struct join_origin o = { .source = "import", .status = "awaiting_person", .created_by = run->created_by,
					 .import_id = run->id, .expires_at = expires };
		int64_t pid;
		enum join_rc rc = join_pending_add(run->st, run->env->kr, run->eid, &p, &o, run->now, &pid);
		if (rc == JOIN_OK)
			continue;
		store_rollback(run->st);
		if (rc == JOIN_FAILED)
			return -1;
		/* Someone joined or was invited while the job checked: report it like any bad row. */
		row_error(run, row->number, "mobile", rc == JOIN_ALREADY_MEMBER ? "already_member" : "already_invited",
			  "the number joined or was invited while the file was being checked");
		return 1;
	}
	snprintf(detail, sizeof(detail), "{\"rows\":%zu}", run->nrows);
	if (audit_append(run->st, run->created_by, "member.import", 0, audit_object("import", run->id, object), detail) ||
	    finish(run, "done", (int64_t)run->nrows) || store_commit(run->st) != STORE_OK) {
		store_rollback(run->st);
		return -1;
	}
	return 0;
}

static void send_invitations(struct run *run)
{
	char name[256] = "", url[256];
	struct store_stmt *s = store_prepare(run->st, "SELECT name FROM enterprises WHERE id = ?");
	store_bind_int(s, 1, run->eid);
	if (store_step(s) == STORE_ROW)
		snprintf(name, sizeof(name), "%s", store_col_text(s, 0));
	store_reset(s);
	join_base_url(run->env->cfg, url, sizeof(url));
	for (size_t i = 0; i < run->nrows; i++)
		join_notify(run->env->notify, run->rows[i].e164, name, url, (int)run->env->cfg->pending_days);
}

/* Runs import id from the file to the end.  0, or -1 when the store failed (it runs again). */
static int run_import(struct run *run, int (*stopping)(void))
{
	struct store_stmt *s = store_prepare(run->st, "SELECT file FROM imports WHERE id = ?");
	store_bind_int(s, 1, run->id);
	size_t len = 0;
	void *file = NULL;
	if (store_step(s) == STORE_ROW) {
		const void *b = store_col_blob(s, 0, &len);
		if (b && (file = malloc(len ? len : 1)))
			memcpy(file, b, len);
	}
	store_reset(s);
	jsonw_init(&run->errors);
	jsonw_open(&run->errors, NULL, '[');
	int rc = 0;
	if (!file) {
		row_error(run, 0, NULL, "unreadable_file", "the file is gone");
		rc = finish(run, "failed", 0);
	} else if (org_member_get(run->st, run->eid, run->created_by, &run->admin) != 1 ||
		   !org_allows(&run->admin, ORG_RIGHT_MEMBERS)) {
		row_error(run, 0, NULL, "forbidden", "the administrator who uploaded the file no longer has the members right");
		rc = finish(run, "failed", 0);
	} else if (read_rows(run, file, len)) {
		rc = finish(run, "failed", 0);
	} else {
		rc = record_progress(run, 0);
		for (size_t i = 0; !rc && i < run->nrows; i++) {
			check_row(run, &run->rows[i], i);
			if ((i + 1) % PROGRESS_EVERY == 0 && (rc = record_progress(run, i + 1)) == 0 && stopping())
				rc = -1; /* stopping: the import runs again from the start at the next wake */
		}
		if (!rc && run->nerrors) {
			rc = finish(run, "failed", 0);
		} else if (!rc) {
			int stored = store_rows(run);
			if (stored == 1)
				rc = finish(run, "failed", 0);
			else if (stored < 0)
				rc = -1;
			else if (run->notify)
				send_invitations(run);
		}
	}
	free(file);
	rows_free(run);
	jsonw_release(&run->errors);
	return rc;
}

int import_job(struct store *st, struct store *rd, void *arg, int (*stopping)(void))
{
	const struct import_env *env = arg;
	(void)rd;
	while (!stopping()) {
		struct run run = { .st = st, .env = env, .now = clock_now_ms() };
		struct store_stmt *s = store_prepare(st,
			"SELECT id, enterprise_id, created_by, notify FROM imports WHERE status IN ('queued', 'running')"
			" ORDER BY id LIMIT 1");
		int found = store_step(s) == STORE_ROW;
		if (found) {
			run.id = store_col_int(s, 0);
			run.eid = store_col_int(s, 1);
			run.created_by = store_col_int(s, 2);
			run.notify = (int)store_col_int(s, 3);
		}
		store_reset(s);
		if (!found)
			return 0;
		s = store_prepare(st, "UPDATE imports SET status = 'running' WHERE id = ?");
		store_bind_int(s, 1, run.id);
		if (store_run(s) != STORE_DONE || run_import(&run, stopping)) {
			fprintf(stderr, "atrium: import %lld: %s\n", (long long)run.id, store_errmsg(st));
			return -1;
		}
	}
	return 0;
}
