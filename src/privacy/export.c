/*
 * Exports: the queue in table exports, the ZIP of a user's data driven by the data map, and the
 * job that builds the queued ones and deletes the old.
 */
#include <assert.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sodium.h>
#include "core/clock.h"
#include "core/id.h"
#include "core/jsonw.h"
#include "core/mem.h"
#include "core/zip.h"
#include "privacy/datamap.h"
#include "privacy/erasure.h"
#include "privacy/export.h"
#include "privacy/privacy.h"
#include "core/banned.h"

#define MAX_SETS 64
#define MAX_COLS 48
#define FLUSH_AT (1 << 16)  /* text gathered before it goes to the deflater */
#define CHECK_EVERY 1024    /* rows between progress reports and stop checks */
#define ZIP_LEVEL 6
#define PROGRESS_STEP 5     /* percent between progress writes: each one is a commit */
#define SWEEP_BATCH 64

static const char *const status_names[] = {
	[EXPORT_QUEUED] = "queued", [EXPORT_RUNNING] = "running", [EXPORT_READY] = "ready",
	[EXPORT_FAILED] = "failed", [EXPORT_EXPIRED] = "expired",
};

const char *export_status_name(enum export_status s)
{
	return (unsigned)s < sizeof(status_names) / sizeof(status_names[0]) ? status_names[s] : "?";
}

static enum export_status status_parse(const char *s)
{
	for (size_t i = 0; i < sizeof(status_names) / sizeof(status_names[0]); i++)
		if (!strcmp(s, status_names[i]))
			return (enum export_status)i;
	return EXPORT_FAILED;
}

/* ---- the queue ---- */

int export_request(struct store *st, int64_t user, int64_t now, struct export_info *out, int *created)
{
	memset(out, 0, sizeof(*out));
	struct store_stmt *s = store_prepare(st,
		"SELECT id, status, progress, created_at FROM exports"
		" WHERE user_id = ? AND status IN ('queued', 'running') ORDER BY id DESC LIMIT 1");
	store_bind_int(s, 1, user);
	enum store_rc rc = store_step(s);
	if (rc == STORE_ROW) {
		out->id = store_col_int(s, 0);
		out->status = status_parse(store_col_text(s, 1));
		out->progress = (int)store_col_int(s, 2);
		out->created_at = store_col_int(s, 3);
		out->user = user;
		store_reset(s);
		*created = 0;
		return 0;
	}
	if (rc != STORE_DONE)
		return -1;
	out->id = id_next();
	out->user = user;
	out->created_at = now;
	out->status = EXPORT_QUEUED;
	s = store_prepare(st,
		"INSERT INTO exports (id, user_id, status, progress, created_at) VALUES (?, ?, 'queued', 0, ?)");
	store_bind_int(s, 1, out->id);
	store_bind_int(s, 2, user);
	store_bind_int(s, 3, now);
	if (store_run(s) != STORE_DONE)
		return -1;
	*created = 1;
	return 0;
}

int export_get(struct store *st, int64_t user, int64_t id, int64_t now, struct export_info *out)
{
	memset(out, 0, sizeof(*out));
	struct store_stmt *s = store_prepare(st,
		"SELECT status, progress, created_at, ready_at, expires_at, size, file FROM exports"
		" WHERE id = ? AND user_id = ?");
	store_bind_int(s, 1, id);
	store_bind_int(s, 2, user);
	enum store_rc rc = store_step(s);
	if (rc != STORE_ROW)
		return rc == STORE_DONE ? 1 : -1;
	out->id = id;
	out->user = user;
	out->status = status_parse(store_col_text(s, 0));
	out->progress = (int)store_col_int(s, 1);
	out->created_at = store_col_int(s, 2);
	out->ready_at = store_col_int(s, 3);
	out->expires_at = store_col_int(s, 4);
	out->size = store_col_int(s, 5);
	snprintf(out->file, sizeof(out->file), "%s", store_col_text(s, 6));
	store_reset(s);
	if (out->status == EXPORT_READY && out->expires_at <= now)
		out->status = EXPORT_EXPIRED;
	return 0;
}

/* ---- what is exported: one query per data set, made once from the data map ---- */

enum col_kind {
	COL_PLAIN,
	COL_TIME,   /* an integer is milliseconds: written as RFC 3339 */
	COL_ID,     /* an integer is an id: written as a string, as the API does (past 2^53) */
	COL_SEALED, /* sealed with the subject's key: written opened */
};

struct export_query {
	const struct pi_dataset *set;
	int ncols;
	char *name[MAX_COLS];  /* as exported: the column, without "_sealed" */
	char *label[MAX_COLS]; /* what a sealed value was sealed as ("users.phone"); else NULL */
	enum col_kind kind[MAX_COLS];
	char *select, *count;  /* from the map's constants only, never from input */
};

static struct export_query queries[MAX_SETS];
static int nqueries;
static pthread_once_t queries_once = PTHREAD_ONCE_INIT;

static int ends_with(const char *s, const char *tail)
{
	size_t n = strlen(s), t = strlen(tail);
	return n >= t && !strcmp(s + n - t, tail);
}

static void add_column(const struct pi_column *c, void *arg)
{
	struct export_query *q = arg;
	if (strcmp(c->table, q->set->table) || c->export != EXPORT_VALUE)
		return;
	assert(q->ncols < MAX_COLS);
	int i = q->ncols++;
	size_t n = strlen(c->column);
	q->kind[i] = COL_PLAIN;
	q->label[i] = NULL;
	/* A sealed column is one erased by destroying the key; its value is exported opened, under
	 * the name of what it holds ("phone", not "phone_sealed"). */
	if (c->erasure == ERASE_DESTROY_KEY) {
		if (ends_with(c->column, "_sealed"))
			n -= strlen("_sealed");
		q->kind[i] = COL_SEALED;
		size_t len = strlen(c->table) + n + 2;
		q->label[i] = xmalloc(len);
		snprintf(q->label[i], len, "%s.%.*s", c->table, (int)n, c->column);
	} else if (!strcmp(c->column, "at") || ends_with(c->column, "_at")) {
		q->kind[i] = COL_TIME;
	} else if (!strcmp(c->column, "id") || ends_with(c->column, "_id") || c->category == PI_IDENTITY) {
		q->kind[i] = COL_ID;
	}
	q->name[i] = xstrndup(c->column, n);
	/* The SELECT list grows column by column; the map's names need no quoting. */
	size_t have = q->select ? strlen(q->select) : 0, more = strlen(c->column) + 3;
	q->select = xrealloc(q->select, have + more);
	snprintf(q->select + have, more, "%s%s", have ? ", " : "", c->column);
}

static void add_set(const struct pi_dataset *d, void *arg)
{
	(void)arg;
	if (!d->subject)
		return;
	assert(nqueries < MAX_SETS);
	struct export_query *q = &queries[nqueries];
	memset(q, 0, sizeof(*q));
	q->set = d;
	datamap_each(add_column, q);
	if (!q->ncols)
		return; /* nothing of it is shown: it is left out */
	size_t len = strlen(q->select) + strlen(d->table) + strlen(d->subject) + 48;
	char *sql = xmalloc(len);
	snprintf(sql, len, "SELECT %s FROM %s WHERE %s = ?", q->select, d->table, d->subject);
	free(q->select);
	q->select = sql;
	len = strlen(d->table) + strlen(d->subject) + 48;
	q->count = xmalloc(len);
	snprintf(q->count, len, "SELECT count(*) FROM %s WHERE %s = ?", d->table, d->subject);
	nqueries++;
}

static void make_queries(void)
{
	datamap_each_dataset(add_set, NULL);
}

/* ---- writing the archive ---- */

struct out {
	struct zip *z;
	struct store *rd;
	struct jsonw w;        /* data.json not yet handed to the zip */
	char *html;            /* index.html not yet handed to the zip */
	size_t hlen, hcap;
	const struct keyring *kr;
	int64_t user;
	uint8_t wrapped[KEYRING_WRAPPED_LEN];
	int has_key;
	uint64_t done, total;  /* rows written, of both files */
	int64_t rows[MAX_SETS];
	void (*progress)(void *arg, int percent);
	void *arg;
	int (*stopping)(void);
	char err[160];
};

static int out_fail(struct out *o, const char *why)
{
	if (!o->err[0])
		snprintf(o->err, sizeof(o->err), "%s", why);
	return -1;
}

static int json_flush(struct out *o)
{
	if (o->w.len && zip_write(o->z, o->w.buf, o->w.len))
		return out_fail(o, zip_error(o->z));
	o->w.len = 0;
	o->w.buf[0] = '\0';
	return 0;
}

static void html_put(struct out *o, const char *s, size_t n)
{
	if (o->hlen + n > o->hcap) {
		while (o->hlen + n > o->hcap)
			o->hcap = o->hcap ? o->hcap * 2 : FLUSH_AT * 2;
		o->html = xrealloc(o->html, o->hcap);
	}
	memcpy(o->html + o->hlen, s, n);
	o->hlen += n;
}

static void html(struct out *o, const char *s)
{
	html_put(o, s, strlen(s));
}

/* Text as HTML: whatever a person typed (a name, a notification) can never become markup. */
static void html_text(struct out *o, const char *s, size_t n)
{
	size_t start = 0;
	for (size_t i = 0; i < n; i++) {
		const char *esc;
		switch (s[i]) {
		case '&': esc = "&amp;"; break;
		case '<': esc = "&lt;"; break;
		case '>': esc = "&gt;"; break;
		case '"': esc = "&quot;"; break;
		case '\'': esc = "&#39;"; break;
		default: continue;
		}
		html_put(o, s + start, i - start);
		html(o, esc);
		start = i + 1;
	}
	html_put(o, s + start, n - start);
}

static int html_flush(struct out *o)
{
	if (o->hlen && zip_write(o->z, o->html, o->hlen))
		return out_fail(o, zip_error(o->z));
	o->hlen = 0;
	return 0;
}

/* One value as both files write it. */
struct cell {
	enum { CELL_NULL, CELL_NUMBER, CELL_STRING } kind;
	const char *s;
	size_t n;
	char buf[40];
	char *heap;
};

static void cell_read(struct out *o, const struct export_query *q, int i, struct store_stmt *s,
		      struct cell *c)
{
	c->heap = NULL;
	c->kind = CELL_STRING;
	switch (store_col_type(s, i)) {
	case STORE_NULL:
		c->kind = CELL_NULL;
		return;
	case STORE_INT: {
		int64_t v = store_col_int(s, i);
		if (q->kind[i] == COL_TIME)
			clock_format(v, c->buf);
		else
			id_format(v, c->buf);
		if (q->kind[i] != COL_TIME && q->kind[i] != COL_ID)
			c->kind = CELL_NUMBER;
		c->s = c->buf;
		break;
	}
	case STORE_FLOAT: {
		double d = store_col_float(s, i);
		if (!isfinite(d)) {
			c->kind = CELL_NULL;
			return;
		}
		snprintf(c->buf, sizeof(c->buf), "%.17g", d);
		c->kind = CELL_NUMBER;
		c->s = c->buf;
		break;
	}
	case STORE_TEXT:
		c->s = store_col_text(s, i);
		break;
	case STORE_BLOB: {
		size_t len;
		const void *b = store_col_blob(s, i, &len);
		if (q->kind[i] == COL_SEALED) {
			c->heap = o->has_key ? subject_open_with(o->kr, o->user, o->wrapped, sizeof(o->wrapped),
								  q->label[i], b, len) : NULL;
			if (!c->heap) { /* the key is destroyed: the value is gone for good */
				c->kind = CELL_NULL;
				return;
			}
		} else {
			size_t m = sodium_base64_encoded_len(len, sodium_base64_VARIANT_ORIGINAL);
			c->heap = xmalloc(m);
			sodium_bin2base64(c->heap, m, b, len, sodium_base64_VARIANT_ORIGINAL);
		}
		c->s = c->heap;
		break;
	}
	}
	c->n = strlen(c->s);
}

/* After each row: now and then, report progress and ask whether to stop. */
static int row_done(struct out *o)
{
	o->done++;
	if (o->done % CHECK_EVERY)
		return 0;
	if (o->stopping && o->stopping())
		return out_fail(o, "stopped");
	if (o->progress)
		o->progress(o->arg, (int)(o->done * 99 / o->total));
	return 0;
}

static int json_row(struct out *o, const struct export_query *q, struct store_stmt *s)
{
	jsonw_open(&o->w, NULL, '{');
	for (int i = 0; i < q->ncols; i++) {
		struct cell c;
		cell_read(o, q, i, s, &c);
		if (c.kind == CELL_NULL)
			jsonw_null(&o->w, q->name[i]);
		else if (c.kind == CELL_NUMBER)
			jsonw_raw(&o->w, q->name[i], c.s, c.n);
		else
			jsonw_strn(&o->w, q->name[i], c.s, c.n);
		free(c.heap);
	}
	jsonw_close(&o->w, '}');
	return o->w.len >= FLUSH_AT ? json_flush(o) : 0;
}

static int html_row(struct out *o, const struct export_query *q, struct store_stmt *s)
{
	html(o, "<tr>");
	for (int i = 0; i < q->ncols; i++) {
		struct cell c;
		cell_read(o, q, i, s, &c);
		html(o, "<td>");
		if (c.kind == CELL_NULL)
			html(o, "<i>—</i>");
		else
			html_text(o, c.s, c.n);
		html(o, "</td>");
		free(c.heap);
	}
	html(o, "</tr>\n");
	return o->hlen >= FLUSH_AT ? html_flush(o) : 0;
}

/* Streams the user's rows of one data set through row(): one at a time, never all at once. */
static int each_row(struct out *o, const struct export_query *q,
		    int (*row)(struct out *o, const struct export_query *q, struct store_stmt *s))
{
	struct store_stmt *s = store_prepare(o->rd, q->select);
	store_bind_int(s, 1, o->user);
	enum store_rc rc;
	while ((rc = store_step(s)) == STORE_ROW) {
		if (row(o, q, s) || row_done(o)) {
			store_reset(s);
			return -1;
		}
	}
	if (rc != STORE_DONE)
		return out_fail(o, "cannot read the data");
	return 0;
}

static void json_texts(struct out *o, const char *key, const char *zh, const char *en)
{
	jsonw_open(&o->w, key, '{');
	jsonw_str(&o->w, "zh", zh);
	jsonw_str(&o->w, "en", en);
	jsonw_close(&o->w, '}');
}

static int write_json(struct out *o, int64_t export_id, int64_t now)
{
	char id[ID_STR_LEN];
	if (zip_begin(o->z, "data.json", now))
		return out_fail(o, zip_error(o->z));
	jsonw_open(&o->w, NULL, '{');
	jsonw_str(&o->w, "format", "atrium-export/1");
	if (export_id)
		jsonw_str(&o->w, "export_id", id_format(export_id, id));
	jsonw_str(&o->w, "user_id", id_format(o->user, id));
	jsonw_time(&o->w, "exported_at", now);
	json_texts(o, "about",
		   "Atrium 保存的、属于您的全部个人信息，按数据表分组；时间为 UTC（RFC 3339），加密保存的字段已解密。index.html 以表格列出同样的内容。",
		   "All personal data Atrium holds about you, grouped by table; times are UTC (RFC 3339) and fields stored encrypted are decrypted. index.html shows the same as tables.");
	jsonw_open(&o->w, "datasets", '{');
	for (int i = 0; i < nqueries; i++) {
		const struct export_query *q = &queries[i];
		const struct pi_dataset *d = q->set;
		jsonw_open(&o->w, d->table, '{');
		json_texts(o, "title", d->title_zh, d->title_en);
		json_texts(o, "purpose", d->why_zh, d->why_en);
		json_texts(o, "retention", d->kept_zh, d->kept_en);
		jsonw_str(&o->w, "controller", datamap_controller_name(d->controller));
		jsonw_open(&o->w, "rows", '[');
		if (each_row(o, q, json_row))
			return -1;
		jsonw_close(&o->w, ']');
		jsonw_close(&o->w, '}');
	}
	jsonw_close(&o->w, '}');
	jsonw_close(&o->w, '}');
	if (json_flush(o) || zip_end(o->z))
		return out_fail(o, zip_error(o->z));
	return 0;
}

static int write_html(struct out *o, int64_t now)
{
	char id[ID_STR_LEN], at[CLOCK_RFC3339_LEN];
	if (zip_begin(o->z, "index.html", now))
		return out_fail(o, zip_error(o->z));
	html(o, "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
		"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
		"<title>您的个人信息副本 · Copy of your personal data</title>\n"
		"<style>body{font-family:system-ui,sans-serif;margin:1.5em;line-height:1.5}"
		"table{border-collapse:collapse;font-size:90%;margin:.5em 0 1.5em}"
		"th,td{border:1px solid #ccc;padding:2px 6px;text-align:left;vertical-align:top}"
		"th{background:#f3f3f3}[lang=en]{color:#555}</style>\n</head>\n<body>\n"
		"<h1>您的个人信息副本 <span lang=\"en\">· Copy of your personal data</span></h1>\n");
	html(o, "<p>导出时间 Exported at: ");
	html(o, clock_format(now, at));
	html(o, " (UTC) · 用户 ID User id: ");
	html(o, id_format(o->user, id));
	html(o, "</p>\n<p>本页列出 Atrium 保存的、属于您的全部个人信息，按数据集分组；加密保存的字段已解密。"
		"同一内容的机器可读版本见同一压缩包中的 data.json。</p>\n"
		"<p lang=\"en\">This page lists all personal data Atrium holds about you, grouped by data set; "
		"fields stored encrypted are shown decrypted. data.json in the same archive holds the same in "
		"machine-readable form.</p>\n");
	for (int i = 0; i < nqueries; i++) {
		const struct export_query *q = &queries[i];
		const struct pi_dataset *d = q->set;
		html(o, "<section>\n<h2>");
		html_text(o, d->title_zh, strlen(d->title_zh));
		html(o, " <span lang=\"en\">· ");
		html_text(o, d->title_en, strlen(d->title_en));
		html(o, "</span></h2>\n<p>用途：");
		html_text(o, d->why_zh, strlen(d->why_zh));
		html(o, "<br>保存期限：");
		html_text(o, d->kept_zh, strlen(d->kept_zh));
		html(o, "</p>\n<p lang=\"en\">Purpose: ");
		html_text(o, d->why_en, strlen(d->why_en));
		html(o, "<br>Kept: ");
		html_text(o, d->kept_en, strlen(d->kept_en));
		html(o, "</p>\n");
		if (!o->rows[i]) {
			html(o, "<p>无记录 <span lang=\"en\">· none</span></p>\n</section>\n");
			continue;
		}
		html(o, "<table>\n<thead><tr>");
		for (int c = 0; c < q->ncols; c++) {
			html(o, "<th>");
			html_text(o, q->name[c], strlen(q->name[c]));
			html(o, "</th>");
		}
		html(o, "</tr></thead>\n<tbody>\n");
		if (each_row(o, q, html_row))
			return -1;
		html(o, "</tbody>\n</table>\n</section>\n");
	}
	html(o, "</body>\n</html>\n");
	if (html_flush(o) || zip_end(o->z))
		return out_fail(o, zip_error(o->z));
	return 0;
}

/* The user's wrapped data key, read once for every sealed value; none once it is destroyed. */
static int read_key(struct out *o)
{
	struct store_stmt *s = store_prepare(o->rd, "SELECT wrapped FROM subject_keys WHERE subject_id = ?");
	store_bind_int(s, 1, o->user);
	enum store_rc rc = store_step(s);
	if (rc == STORE_ROW) {
		size_t len;
		const void *w = store_col_blob(s, 0, &len);
		if (len == sizeof(o->wrapped)) {
			memcpy(o->wrapped, w, len);
			o->has_key = 1;
		}
		store_reset(s);
	}
	return rc == STORE_ROW || rc == STORE_DONE ? 0 : out_fail(o, "cannot read the data key");
}

static int count_rows(struct out *o)
{
	o->total = 2; /* so that progress never divides by zero */
	for (int i = 0; i < nqueries; i++) {
		struct store_stmt *s = store_prepare(o->rd, queries[i].count);
		store_bind_int(s, 1, o->user);
		if (store_step(s) != STORE_ROW)
			return out_fail(o, "cannot count the data");
		o->rows[i] = store_col_int(s, 0);
		store_reset(s);
		o->total += 2 * (uint64_t)o->rows[i]; /* each row is written twice: data.json, index.html */
	}
	return 0;
}

int export_write(struct store *rd, const struct keyring *kr, int64_t user, int64_t export_id,
		 int64_t now, int fd, void (*progress)(void *arg, int percent), void *arg,
		 int (*stopping)(void), uint64_t *size, char *err, size_t errlen)
{
	pthread_once(&queries_once, make_queries);
	struct out o = {
		.rd = rd, .kr = kr, .user = user, .progress = progress, .arg = arg, .stopping = stopping,
	};
	int rc = -1;
	/* One snapshot for both files and every table: the copy is what was held at one moment. */
	if (store_begin_read(rd) != STORE_OK) {
		snprintf(err, errlen, "cannot read the database: %s", store_errmsg(rd));
		return -1;
	}
	jsonw_init(&o.w);
	o.z = zip_new(fd, ZIP_LEVEL);
	if (read_key(&o) || count_rows(&o) || write_json(&o, export_id, now) || write_html(&o, now))
		goto out;
	if (zip_finish(o.z)) {
		out_fail(&o, zip_error(o.z));
		goto out;
	}
	*size = zip_size(o.z);
	rc = 0;
out:
	if (rc)
		snprintf(err, errlen, "%s", o.err[0] ? o.err : "cannot write the export");
	store_end_read(rd);
	zip_free(o.z);
	jsonw_release(&o.w);
	free(o.html);
	return rc;
}

/* ---- the job ---- */

struct progress {
	struct store *st;
	int64_t id;
	int last;
};

static void record_progress(void *arg, int percent)
{
	struct progress *p = arg;
	if (percent < p->last + PROGRESS_STEP)
		return;
	struct store_stmt *s = store_prepare(p->st,
		"UPDATE exports SET progress = ? WHERE id = ? AND status = 'running'");
	store_bind_int(s, 1, percent);
	store_bind_int(s, 2, p->id);
	store_run(s); /* progress is a courtesy: a busy moment only skips one step */
	p->last = percent;
}

static int set_status(struct store *st, int64_t id, const char *status)
{
	struct store_stmt *s = store_prepare(st, "UPDATE exports SET status = ?, progress = 0 WHERE id = ?");
	store_bind_text(s, 1, status, -1);
	store_bind_int(s, 2, id);
	return store_run(s) == STORE_DONE ? 0 : -1;
}

/* Takes the oldest queued export: 1 with its id and user, 0 when none, -1 on error. */
static int claim(struct store *st, int64_t *id, int64_t *user)
{
	if (store_begin(st) != STORE_OK)
		return -1;
	struct store_stmt *s = store_prepare(st,
		"SELECT id, user_id FROM exports WHERE status = 'queued' ORDER BY id LIMIT 1");
	enum store_rc rc = store_step(s);
	if (rc == STORE_ROW) {
		*id = store_col_int(s, 0);
		*user = store_col_int(s, 1);
		store_reset(s);
		s = store_prepare(st, "UPDATE exports SET status = 'running', progress = 0 WHERE id = ?");
		store_bind_int(s, 1, *id);
		if (store_run(s) != STORE_DONE)
			rc = STORE_ERROR;
	}
	if ((rc != STORE_ROW && rc != STORE_DONE) || store_commit(st) != STORE_OK) {
		store_rollback(st);
		return -1;
	}
	return rc == STORE_ROW;
}

static void path_of(char *buf, size_t len, const char *dir, const char *file, const char *suffix)
{
	snprintf(buf, len, "%s/%s%s", dir, file, suffix);
}

/* Makes the rename of a finished file durable, so "ready" never outlives its file in a crash. */
static void sync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
}

static int build(struct export_env *env, struct store *st, struct store *rd, int64_t id, int64_t user,
		 int (*stopping)(void))
{
	char file[EXPORT_FILE_LEN], digits[ID_STR_LEN], part[4096], final[4096], err[256];
	uint64_t size = 0;
	int64_t now = clock_now_ms();
	snprintf(file, sizeof(file), "%s.zip", id_format(id, digits));
	path_of(part, sizeof(part), env->dir, file, ".part");
	path_of(final, sizeof(final), env->dir, file, "");
	unlink(part);
	/* 0600 whatever the umask: the file is the user's whole copy. */
	int fd = open(part, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600), rc = -1;
	if (fd < 0) {
		snprintf(err, sizeof(err), "cannot create '%.160s': %s", part, strerror(errno));
	} else {
		struct progress p = { .st = st, .id = id };
		rc = export_write(rd, env->kr, user, id, now, fd, record_progress, &p, stopping, &size, err, sizeof(err));
		if (!rc && fsync(fd)) {
			snprintf(err, sizeof(err), "cannot sync '%.160s': %s", part, strerror(errno));
			rc = -1;
		}
		close(fd);
		if (!rc && rename(part, final)) {
			snprintf(err, sizeof(err), "cannot rename '%.160s': %s", part, strerror(errno));
			rc = -1;
		}
	}
	if (rc) {
		unlink(part);
		if (stopping()) /* cut off by a stop, not failed: the next start builds it again */
			return set_status(st, id, "queued");
		fprintf(stderr, "atrium: export %s failed: %s\n", digits, err);
		set_status(st, id, "failed");
		return -1;
	}
	sync_dir(env->dir);
	struct store_stmt *s = store_prepare(st,
		"UPDATE exports SET status = 'ready', progress = 100, ready_at = ?, expires_at = ?, size = ?,"
		" file = ? WHERE id = ? AND status = 'running'");
	int64_t ready = clock_now_ms();
	store_bind_int(s, 1, ready);
	store_bind_int(s, 2, ready + EXPORT_KEEP_MS);
	store_bind_int(s, 3, (int64_t)size);
	store_bind_text(s, 4, file, -1);
	store_bind_int(s, 5, id);
	if (store_run(s) != STORE_DONE || store_changes(st) != 1) {
		/* The row is gone (the account was erased meanwhile) or unwritable: no file without it. */
		unlink(final);
		return -1;
	}
	return 0;
}

/* Deletes the files whose download time is up, then any file no ready export names. */
static int sweep(struct store *st, const char *dir, int64_t now)
{
	int64_t ids[SWEEP_BATCH];
	char files[SWEEP_BATCH][EXPORT_FILE_LEN], path[4096];
	int n, rc = 0;
	do {
		struct store_stmt *s = store_prepare(st,
			"SELECT id, file FROM exports WHERE status = 'ready' AND expires_at <= ? ORDER BY id LIMIT ?");
		store_bind_int(s, 1, now);
		store_bind_int(s, 2, SWEEP_BATCH);
		for (n = 0; n < SWEEP_BATCH && store_step(s) == STORE_ROW; n++) {
			ids[n] = store_col_int(s, 0);
			snprintf(files[n], sizeof(files[n]), "%s", store_col_text(s, 1));
		}
		store_reset(s);
		for (int i = 0; i < n; i++) {
			if (files[i][0]) {
				path_of(path, sizeof(path), dir, files[i], "");
				unlink(path);
			}
			s = store_prepare(st, "UPDATE exports SET status = 'expired', file = NULL WHERE id = ?");
			store_bind_int(s, 1, ids[i]);
			if (store_run(s) != STORE_DONE)
				return -1;
		}
	} while (n == SWEEP_BATCH);

	DIR *d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0 : -1;
	struct dirent *e;
	while ((e = readdir(d))) {
		const char *name = e->d_name;
		int64_t id = 0;
		char digits[ID_STR_LEN];
		size_t len = strlen(name);
		if (name[0] == '.')
			continue;
		int keep = 0;
		/* A .part is never in the making now: this thread is the only one writing them. */
		if (ends_with(name, ".zip") && len - 4 < sizeof(digits)) {
			memcpy(digits, name, len - 4);
			digits[len - 4] = '\0';
			if (!id_parse(digits, &id)) {
				struct store_stmt *s = store_prepare(st,
					"SELECT file FROM exports WHERE id = ? AND status = 'ready'");
				store_bind_int(s, 1, id);
				enum store_rc q = store_step(s);
				keep = q == STORE_ROW && !strcmp(store_col_text(s, 0), name);
				store_reset(s);
				if (q != STORE_ROW && q != STORE_DONE) {
					keep = 1; /* cannot tell: delete nothing */
					rc = -1;
				}
			}
		} else if (!ends_with(name, ".part")) {
			keep = 1; /* not ours */
		}
		if (!keep) {
			path_of(path, sizeof(path), dir, name, "");
			unlink(path);
		}
	}
	closedir(d);
	return rc;
}

int export_job(struct store *st, struct store *rd, void *arg, int (*stopping)(void))
{
	struct export_env *env = arg;
	int rc = 0;
	if (mkdir(env->dir, 0700) && errno != EEXIST) {
		fprintf(stderr, "atrium: cannot create '%s': %s\n", env->dir, strerror(errno));
		return -1;
	}
	if (!env->recovered) {
		/* The server holds the data folder's lock, so this runner is the only one building
		 * exports: one still marked running was cut off by a crash, and starts over. */
		struct store_stmt *s = store_prepare(st,
			"UPDATE exports SET status = 'queued', progress = 0 WHERE status = 'running'");
		if (store_run(s) != STORE_DONE)
			return -1;
		env->recovered = 1;
	}
	while (!stopping()) {
		int64_t id, user;
		int got = claim(st, &id, &user);
		if (got <= 0) {
			rc |= got;
			break;
		}
		rc |= build(env, st, rd, id, user, stopping);
	}
	if (!stopping() && sweep(st, env->dir, clock_now_ms()))
		rc = -1;
	return rc;
}

static char *erase_dir;

/* Runs inside the erasure's transaction, before the rows go: the files are named by them. */
static int erase_files(struct erasure_ctx *ctx)
{
	struct store_stmt *s = store_prepare(ctx->st,
		"SELECT file FROM exports WHERE user_id = ? AND file IS NOT NULL AND file <> ''");
	store_bind_int(s, 1, ctx->user);
	int rc = 0;
	while (store_step(s) == STORE_ROW) {
		char path[4096];
		const char *file = store_col_text(s, 0);
		if (strchr(file, '/'))
			continue; /* names are ours ("<id>.zip"); anything else is not touched */
		snprintf(path, sizeof(path), "%s/%s", erase_dir, file);
		if (unlink(path) && errno != ENOENT)
			rc = -1;
	}
	return rc;
}

void export_init(const char *dir)
{
	free(erase_dir);
	erase_dir = xstrdup(dir);
	erasure_add_hook(erase_files);
}
