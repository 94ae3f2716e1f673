/*
 * The spreadsheet reader: CSV (RFC 4180) and the first worksheet of an .xlsx (ECMA-376
 * SpreadsheetML), the worksheet's XML parsed by expat as rows are asked for.
 */
#include <errno.h>
#include <iconv.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <expat.h>
#include <zip.h>
#include "core/mem.h"
#include "core/sheet.h"
#include "core/banned.h"

#define MAX_REF_ROW 1048576u /* the last row and column a worksheet can have */
#define MAX_REF_COL 16384u   /* XFD */
#define MAX_PLAIN_DIGITS 30  /* a whole number longer than this keeps its exponent */

/* An XML part of the archive being parsed. */
struct part {
	const char *name;
	zip_file_t *zf;
	XML_Parser xp;
	int eof, suspended;
};

struct sheet {
	enum sheet_format format;
	char error[256];
	int failed, done;
	size_t row; /* number of the row last returned or being read */

	/* the current row: each column's text in its own slot, "" when empty */
	char slot[SHEET_MAX_COLS][SHEET_MAX_CELL + 1];
	const char *cells[SHEET_MAX_COLS];
	size_t width; /* the last non-empty column + 1 */
	/* a cell's text while it is read; one byte past the cap says it is too long */
	char text[SHEET_MAX_CELL + 2];
	size_t textlen;

	/* CSV: the text left to read, in converted when it was converted from GB18030 */
	const char *p, *end;
	char *converted;

	/* XLSX */
	zip_t *za;
	uint64_t budget; /* uncompressed bytes that may still be read */
	struct part ws;
	XML_Parser now; /* the parser whose handler is running */
	char rid[128], sheet_path[256], sst_path[256];
	int seen_sheet;
	char *sst; /* the shared strings, each NUL-terminated, at the offsets in sst_at */
	size_t sst_len, sst_cap, sst_n, sst_at_cap;
	uint32_t *sst_at;
	int in_si, in_data, in_row, in_cell, in_value, in_is, in_t, rph;
	int priming, row_known;
	size_t last_row, col, next_col;
	char type; /* 's' shared string, 'b' boolean, 'n' number, 'x' text as written */
	unsigned char chunk[1 << 16];
};

static int fail(struct sheet *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(struct sheet *s, const char *fmt, ...)
{
	if (!s->error[0]) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(s->error, sizeof(s->error), fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* Fails from inside an expat handler: the parse stops after this callback. */
static void xfail(struct sheet *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void xfail(struct sheet *s, const char *fmt, ...)
{
	if (!s->error[0]) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(s->error, sizeof(s->error), fmt, ap);
		va_end(ap);
	}
	XML_StopParser(s->now, XML_FALSE);
}

/* "C7" for column index 2 (from 0) of row 7, as Excel names cells. */
static void cell_name(size_t col, size_t row, char out[32])
{
	char letters[8];
	int n = 0, k = 0;
	for (size_t c = col + 1; c && n < (int)sizeof(letters); c = (c - 1) / 26)
		letters[n++] = (char)('A' + (c - 1) % 26);
	while (n)
		out[k++] = letters[--n];
	snprintf(out + k, 32 - (size_t)k, "%zu", row);
}

static void col_name(size_t col, char out[32])
{
	cell_name(col, 0, out);
	*strchr(out, '0') = '\0';
}

/* Decimal digits only, at most max. */
static int parse_uint(const char *p, size_t max, size_t *out)
{
	size_t v = 0;
	if (!*p)
		return -1;
	for (; *p; p++) {
		if (*p < '0' || *p > '9' || v > (max - (size_t)(*p - '0')) / 10)
			return -1;
		v = v * 10 + (size_t)(*p - '0');
	}
	*out = v;
	return 0;
}

static void text_add(struct sheet *s, const char *p, size_t n)
{
	size_t room = SHEET_MAX_CELL + 1 - s->textlen;
	if (n > room)
		n = room;
	memcpy(s->text + s->textlen, p, n);
	s->textlen += n;
	s->text[s->textlen] = '\0';
}

static void row_clear(struct sheet *s)
{
	for (size_t i = 0; i < s->width; i++)
		s->slot[i][0] = '\0';
	s->width = 0;
}

/* Puts a non-empty cell's text in column col of the current row. */
static int row_put(struct sheet *s, size_t col, const char *text, size_t len)
{
	char ref[32], last[32];
	cell_name(col, s->row, ref);
	if (len > SHEET_MAX_CELL)
		return fail(s, "row %zu: cell %s is longer than %d bytes", s->row, ref, SHEET_MAX_CELL);
	if (col >= SHEET_MAX_COLS) {
		col_name(SHEET_MAX_COLS - 1, last);
		return fail(s, "row %zu: cell %s is past column %s, the last one read", s->row, ref, last);
	}
	memcpy(s->slot[col], text, len);
	s->slot[col][len] = '\0';
	if (col >= s->width)
		s->width = col + 1;
	return 0;
}

static int row_full(struct sheet *s)
{
	if (s->row > SHEET_MAX_ROWS)
		return fail(s, "row %zu: the sheet has more than %d rows", s->row, SHEET_MAX_ROWS);
	return 0;
}

/* ---- CSV ---- */

/* Where the first byte that is not strict UTF-8 is; len when there is none. */
static size_t utf8_valid_len(const unsigned char *p, size_t len)
{
	size_t i = 0;
	while (i < len) {
		unsigned c = p[i], n, cp, min;
		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			n = 2, cp = c & 0x1f, min = 0x80;
		else if (c >= 0xe0 && c <= 0xef)
			n = 3, cp = c & 0x0f, min = 0x800;
		else if (c >= 0xf0 && c <= 0xf4)
			n = 4, cp = c & 0x07, min = 0x10000;
		else
			return i;
		if (len - i < n)
			return i;
		for (unsigned k = 1; k < n; k++) {
			if ((p[i + k] & 0xc0) != 0x80)
				return i;
			cp = cp << 6 | (p[i + k] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return i;
		i += n;
	}
	return len;
}

static size_t line_of(const char *text, const char *at)
{
	size_t line = 1;
	for (const char *p = text; p < at; p++)
		line += *p == '\n';
	return line;
}

/*
 * Excel in a Chinese locale saves "CSV (comma delimited)" in the ANSI code page, GBK, of which
 * GB18030 is the superset; text that is not UTF-8 is taken to be that.
 */
static int from_gb18030(struct sheet *s, const char *in, size_t len)
{
	iconv_t cd = iconv_open("UTF-8", "GB18030");
	if (cd == (iconv_t)-1)
		return fail(s, "cannot convert from GB18030: %s", strerror(errno));
	size_t cap = len + len / 2 + 16, left = len, room = cap;
	char *out = xmalloc(cap), *ip = (char *)in, *op = out;
	int rc = 0;
	while (left && iconv(cd, &ip, &left, &op, &room) == (size_t)-1) {
		if (errno != E2BIG) {
			rc = fail(s, "the file is neither UTF-8 nor GBK/GB18030 text (line %zu)",
				  line_of(in, ip));
			break;
		}
		size_t used = (size_t)(op - out);
		cap *= 2;
		out = xrealloc(out, cap);
		op = out + used;
		room = cap - used;
	}
	iconv_close(cd);
	if (rc) {
		free(out);
		return rc;
	}
	s->converted = out;
	s->p = out;
	s->end = op;
	return 0;
}

static int csv_open(struct sheet *s, const char *data, size_t len)
{
	const unsigned char *b = (const unsigned char *)data;
	if (len >= 2 && ((b[0] == 0xff && b[1] == 0xfe) || (b[0] == 0xfe && b[1] == 0xff)))
		return fail(s, "the file is UTF-16 text (Excel's \"Unicode text\"): save it as CSV UTF-8 or .xlsx");
	if (utf8_valid_len(b, len) == len) {
		s->p = data;
		s->end = data + len;
	} else if (from_gb18030(s, data, len)) {
		return -1;
	}
	if (s->end - s->p >= 3 && !memcmp(s->p, "\xef\xbb\xbf", 3))
		s->p += 3;
	if (memchr(s->p, '\0', (size_t)(s->end - s->p)))
		return fail(s, "the file has NUL bytes: it is not CSV text");
	return 0;
}

static int csv_next(struct sheet *s)
{
	const char *p = s->p, *end = s->end;
	while (p < end) {
		row_clear(s);
		s->row++;
		for (size_t col = 0;; col++) {
			s->textlen = 0;
			if (p < end && *p == '"') {
				const char *open = p++;
				for (;;) {
					const char *q = memchr(p, '"', (size_t)(end - p));
					if (!q) {
						char ref[32];
						cell_name(col, s->row, ref);
						s->p = open;
						return fail(s, "row %zu: the quote that opens cell %s is never closed",
							    s->row, ref);
					}
					text_add(s, p, (size_t)(q - p));
					p = q + 1;
					if (p < end && *p == '"') {
						text_add(s, "\"", 1);
						p++;
						continue;
					}
					break;
				}
			}
			/* an unquoted cell, or what follows a closing quote, which Excel keeps too */
			const char *q = p;
			while (q < end && *q != ',' && *q != '\n' && *q != '\r')
				q++;
			text_add(s, p, (size_t)(q - p));
			p = q;
			if (s->textlen && row_put(s, col, s->text, s->textlen))
				return -1;
			if (p < end && *p == ',') {
				p++;
				continue;
			}
			break;
		}
		if (p < end && *p == '\r')
			p++;
		if (p < end && *p == '\n')
			p++;
		if (s->width) {
			s->p = p;
			return row_full(s) ? -1 : 1;
		}
	}
	s->p = p;
	return 0;
}

/* ---- XLSX ---- */

static const char *local_name(const char *name)
{
	const char *bar = strrchr(name, '|'); /* the parser puts namespace|name */
	return bar ? bar + 1 : name;
}

static const char *attr(const XML_Char **atts, const char *name)
{
	for (; *atts; atts += 2)
		if (!strcmp(atts[0], name))
			return atts[1];
	return NULL;
}

/*
 * No spreadsheet program writes a DOCTYPE, and one is how entity bombs and external entities
 * come in: refuse the part before any declaration in it is read.
 */
static void XMLCALL on_doctype(void *u, const XML_Char *name, const XML_Char *sysid,
			       const XML_Char *pubid, int has_internal_subset)
{
	xfail(u, "the workbook has a DOCTYPE, which spreadsheet programs never write: refused");
}

static void XMLCALL on_text(void *u, const XML_Char *text, int len)
{
	struct sheet *s = u;
	if (s->in_t || s->in_value)
		text_add(s, text, (size_t)len);
}

static int part_open(struct sheet *s, const char *name, struct part *pt,
		     XML_StartElementHandler start, XML_EndElementHandler end)
{
	memset(pt, 0, sizeof(*pt));
	pt->name = name;
	zip_int64_t i = zip_name_locate(s->za, name, ZIP_FL_NOCASE);
	if (i < 0)
		return 1;
	zip_stat_t st;
	if (zip_stat_index(s->za, (zip_uint64_t)i, 0, &st))
		return fail(s, "the workbook is damaged: %s", zip_strerror(s->za));
	if ((st.valid & ZIP_STAT_SIZE) && st.size > s->budget)
		return fail(s, "the workbook is larger than %d MiB once uncompressed", SHEET_MAX_XML >> 20);
	pt->zf = zip_fopen_index(s->za, (zip_uint64_t)i, 0);
	if (!pt->zf)
		return fail(s, "the workbook is damaged: cannot open '%s': %s", name, zip_strerror(s->za));
	pt->xp = XML_ParserCreateNS(NULL, '|');
	if (!pt->xp)
		abort();
	XML_SetUserData(pt->xp, s);
	XML_SetElementHandler(pt->xp, start, end);
	XML_SetCharacterDataHandler(pt->xp, on_text);
	XML_SetStartDoctypeDeclHandler(pt->xp, on_doctype);
	return 0;
}

static void part_close(struct part *pt)
{
	if (pt->xp)
		XML_ParserFree(pt->xp);
	if (pt->zf)
		zip_fclose(pt->zf);
	memset(pt, 0, sizeof(*pt));
}

/*
 * Feeds the part to its parser until a handler suspends it (1), the part ends (0) or fails
 * (-1).  The sizes in the archive are the sender's word, so the bytes are counted too.
 */
static int pump(struct sheet *s, struct part *pt)
{
	for (;;) {
		enum XML_Status st;
		s->now = pt->xp;
		if (pt->suspended) {
			st = XML_ResumeParser(pt->xp);
		} else if (pt->eof) {
			return 0;
		} else {
			zip_int64_t n = zip_fread(pt->zf, s->chunk, sizeof(s->chunk));
			if (n < 0)
				return fail(s, "the workbook is damaged: cannot read '%s': %s", pt->name,
					    zip_file_strerror(pt->zf));
			if ((uint64_t)n > s->budget)
				return fail(s, "the workbook is larger than %d MiB once uncompressed",
					    SHEET_MAX_XML >> 20);
			s->budget -= (uint64_t)n;
			pt->eof = n == 0;
			st = XML_Parse(pt->xp, (const char *)s->chunk, (int)n, pt->eof);
		}
		pt->suspended = st == XML_STATUS_SUSPENDED;
		if (st == XML_STATUS_ERROR)
			return fail(s, "the workbook is damaged: '%s' line %lu: %s", pt->name,
				    (unsigned long)XML_GetCurrentLineNumber(pt->xp),
				    XML_ErrorString(XML_GetErrorCode(pt->xp)));
		if (pt->suspended)
			return 1;
	}
}

/* Parses a whole part; 1 when the archive has none of that name. */
static int read_part(struct sheet *s, const char *name, XML_StartElementHandler start,
		     XML_EndElementHandler end)
{
	struct part pt;
	int rc = part_open(s, name, &pt, start, end);
	if (!rc)
		rc = pump(s, &pt) < 0 ? -1 : 0;
	part_close(&pt);
	return rc;
}

/* xl/workbook.xml: the first <sheet> is the first tab; its r:id names it in the rels. */
static void XMLCALL workbook_start(void *u, const XML_Char *name, const XML_Char **atts)
{
	struct sheet *s = u;
	if (s->seen_sheet || strcmp(local_name(name), "sheet"))
		return;
	s->seen_sheet = 1;
	for (; *atts; atts += 2)
		if (strchr(atts[0], '|') && !strcmp(local_name(atts[0]), "id"))
			snprintf(s->rid, sizeof(s->rid), "%s", atts[1]);
}

/* A part name from a relationship's target, which is relative to xl/ unless it starts with '/'. */
static int resolve(const char *target, char *out, size_t outlen)
{
	char path[512];
	size_t len = 0;
	int n = snprintf(path, sizeof(path), "%s%s", target[0] == '/' ? "" : "xl/", target);
	if (n < 0 || (size_t)n >= sizeof(path))
		return -1;
	for (char *seg = path, *next; seg; seg = next) {
		next = strchr(seg, '/');
		if (next)
			*next++ = '\0';
		if (!*seg || !strcmp(seg, "."))
			continue;
		if (!strcmp(seg, "..")) {
			while (len && out[len - 1] != '/')
				len--;
			if (len)
				len--;
			continue;
		}
		size_t k = strlen(seg);
		if (len + (len > 0) + k >= outlen)
			return -1;
		if (len)
			out[len++] = '/';
		memcpy(out + len, seg, k);
		len += k;
	}
	out[len] = '\0';
	return len ? 0 : -1;
}

static void XMLCALL rels_start(void *u, const XML_Char *name, const XML_Char **atts)
{
	struct sheet *s = u;
	if (strcmp(local_name(name), "Relationship"))
		return;
	const char *id = attr(atts, "Id"), *type = attr(atts, "Type"), *target = attr(atts, "Target");
	const char *mode = attr(atts, "TargetMode");
	if (!id || !type || !target || (mode && !strcmp(mode, "External")))
		return;
	size_t tl = strlen(type), k = strlen("/sharedStrings");
	if (s->rid[0] && !strcmp(id, s->rid) && resolve(target, s->sheet_path, sizeof(s->sheet_path)))
		s->sheet_path[0] = '\0';
	if (tl > k && !strcmp(type + tl - k, "/sharedStrings") &&
	    resolve(target, s->sst_path, sizeof(s->sst_path)))
		s->sst_path[0] = '\0';
}

/*
 * xl/sharedStrings.xml: each <si> is one string, plain (<t>) or rich text (runs <r><t>); the
 * phonetic guides of <rPh> are not part of it.  A string too long to be a cell is kept one byte
 * past the cap, which is how a cell using it learns it is too long.
 */
static void XMLCALL sst_start(void *u, const XML_Char *name, const XML_Char **atts)
{
	struct sheet *s = u;
	const char *n = local_name(name);
	if (!strcmp(n, "si")) {
		s->in_si = 1;
		s->in_t = s->rph = 0;
		s->textlen = 0;
		s->text[0] = '\0';
	} else if (s->in_si && !strcmp(n, "rPh")) {
		s->rph++;
	} else if (s->in_si && !s->rph && !strcmp(n, "t")) {
		s->in_t = 1;
	}
}

static void XMLCALL sst_end(void *u, const XML_Char *name)
{
	struct sheet *s = u;
	const char *n = local_name(name);
	if (!strcmp(n, "t")) {
		s->in_t = 0;
	} else if (!strcmp(n, "rPh")) {
		if (s->rph)
			s->rph--;
	} else if (s->in_si && !strcmp(n, "si")) {
		s->in_si = 0;
		if (s->sst_n == s->sst_at_cap) {
			s->sst_at_cap = s->sst_at_cap ? 2 * s->sst_at_cap : 256;
			s->sst_at = xrealloc(s->sst_at, s->sst_at_cap * sizeof(*s->sst_at));
		}
		while (s->sst_len + s->textlen + 1 > s->sst_cap) {
			s->sst_cap = s->sst_cap ? 2 * s->sst_cap : 4096;
			s->sst = xrealloc(s->sst, s->sst_cap);
		}
		/* below 2^32: the text comes from at most SHEET_MAX_XML bytes of XML */
		s->sst_at[s->sst_n++] = (uint32_t)s->sst_len;
		memcpy(s->sst + s->sst_len, s->text, s->textlen + 1);
		s->sst_len += s->textlen + 1;
	}
}

/*
 * Excel writes a number as the shortest text that reads back as the same double, so a phone
 * number typed as a number can be stored as 1.38001380001E10, and other writers put 123.0 for a
 * whole number.  A whole number is written out as plain digits (what the cell shows); 1 when
 * done, 0 to keep the text as written.
 */
static int plain_integer(const char *v, char *out, size_t outlen)
{
	char digits[48]; /* significant: the value is 0.digits × 10^point */
	size_t n = 0;
	long point = 0, exp = 0;
	int neg = 0, any = 0, dot = 0;
	const char *p = v;
	if (*p == '-' || *p == '+')
		neg = *p++ == '-';
	for (;; p++) {
		if (*p == '.' && !dot) {
			dot = 1;
		} else if (*p >= '0' && *p <= '9') {
			any = 1;
			if (!n && *p == '0') {
				point -= dot;
			} else {
				if (n == sizeof(digits))
					return 0;
				digits[n++] = *p;
				point += !dot;
			}
		} else {
			break;
		}
	}
	if (!any)
		return 0;
	if (*p == 'e' || *p == 'E') {
		int eneg = 0, k = 0;
		p++;
		if (*p == '-' || *p == '+')
			eneg = *p++ == '-';
		for (; *p >= '0' && *p <= '9'; p++, k++) {
			if (k == 4)
				return 0;
			exp = exp * 10 + (*p - '0');
		}
		if (!k)
			return 0;
		point += eneg ? -exp : exp;
	}
	if (*p)
		return 0;
	while (n && digits[n - 1] == '0')
		n--;
	if (!n) {
		snprintf(out, outlen, "0");
		return 1;
	}
	if (point < (long)n || point > MAX_PLAIN_DIGITS || (size_t)point + 2 > outlen)
		return 0;
	size_t k = 0;
	if (neg)
		out[k++] = '-';
	memcpy(out + k, digits, n);
	k += n;
	memset(out + k, '0', (size_t)point - n);
	k += (size_t)point - n;
	out[k] = '\0';
	return 1;
}

/* r="C5": column 2 (from 0), row 5; the row may be missing (0). */
static int parse_ref(const char *r, size_t *col, size_t *row)
{
	size_t c = 0, i = 0;
	for (; r[i] >= 'A' && r[i] <= 'Z'; i++)
		if ((c = c * 26 + (size_t)(r[i] - 'A' + 1)) > MAX_REF_COL)
			return -1;
	if (!i)
		return -1;
	*col = c - 1;
	*row = 0;
	if (r[i] && (parse_uint(r + i, MAX_REF_ROW, row) || !*row))
		return -1;
	return 0;
}

static void cell_start(struct sheet *s, const XML_Char **atts)
{
	const char *t = attr(atts, "t"), *r = attr(atts, "r");
	s->in_cell = 1;
	s->in_value = s->in_is = s->in_t = s->rph = 0;
	s->textlen = 0;
	s->text[0] = '\0';
	s->type = !t || !strcmp(t, "n") ? 'n' : !strcmp(t, "s") ? 's' : !strcmp(t, "b") ? 'b' : 'x';
	s->col = s->next_col;
	if (r) {
		size_t row;
		if (parse_ref(r, &s->col, &row)) {
			xfail(s, "the workbook is damaged: cell reference '%s' is not valid", r);
			return;
		}
		/* a row written without its number takes the one its cells give */
		if (row && !s->row_known) {
			if (row <= s->last_row) {
				xfail(s, "the workbook is damaged: row %zu comes after row %zu", row, s->last_row);
				return;
			}
			s->row = row;
			s->row_known = 1;
		}
	}
	s->next_col = s->col + 1;
}

static void cell_end(struct sheet *s)
{
	char ref[32], num[MAX_PLAIN_DIGITS + 2];
	const char *v = s->text;
	size_t len = s->textlen;
	s->in_cell = 0;
	if (!len)
		return;
	cell_name(s->col, s->row, ref);
	if (s->type == 's') {
		size_t i;
		if (parse_uint(s->text, SIZE_MAX, &i) || i >= s->sst_n) {
			xfail(s, "the workbook is damaged: cell %s uses shared string '%s', which does not exist",
			      ref, s->text);
			return;
		}
		v = s->sst + s->sst_at[i];
		len = strlen(v);
	} else if (s->type == 'b' && (!strcmp(v, "0") || !strcmp(v, "1"))) {
		v = *v == '1' ? "TRUE" : "FALSE";
		len = strlen(v);
	} else if (s->type == 'n' && plain_integer(v, num, sizeof(num))) {
		v = num;
		len = strlen(v);
	}
	if (len && row_put(s, s->col, v, len))
		XML_StopParser(s->now, XML_FALSE);
}

static void XMLCALL ws_start(void *u, const XML_Char *name, const XML_Char **atts)
{
	struct sheet *s = u;
	const char *n = local_name(name);
	if (!strcmp(n, "sheetData")) {
		s->in_data = 1;
		if (s->priming)
			XML_StopParser(s->now, XML_TRUE);
	} else if (!s->in_data) {
		return;
	} else if (!strcmp(n, "row")) {
		const char *r = attr(atts, "r");
		size_t row = s->last_row + 1;
		row_clear(s);
		s->in_row = 1;
		s->next_col = 0;
		s->row_known = r != NULL;
		if (r && (parse_uint(r, MAX_REF_ROW, &row) || !row)) {
			xfail(s, "the workbook is damaged: row number '%s' is not valid", r);
			return;
		}
		if (row <= s->last_row) {
			xfail(s, "the workbook is damaged: row %zu comes after row %zu", row, s->last_row);
			return;
		}
		s->row = row;
	} else if (!s->in_row) {
		return;
	} else if (!strcmp(n, "c")) {
		cell_start(s, atts);
	} else if (!s->in_cell) {
		return;
	} else if (!strcmp(n, "v")) {
		s->in_value = 1;
	} else if (!strcmp(n, "is")) {
		s->in_is = 1;
	} else if (s->in_is && !strcmp(n, "rPh")) {
		s->rph++;
	} else if (s->in_is && !s->rph && !strcmp(n, "t")) {
		s->in_t = 1;
	}
}

static void XMLCALL ws_end(void *u, const XML_Char *name)
{
	struct sheet *s = u;
	const char *n = local_name(name);
	if (!strcmp(n, "v")) {
		s->in_value = 0;
	} else if (!strcmp(n, "t")) {
		s->in_t = 0;
	} else if (!strcmp(n, "rPh")) {
		if (s->rph)
			s->rph--;
	} else if (!strcmp(n, "is")) {
		s->in_is = 0;
	} else if (s->in_cell && !strcmp(n, "c")) {
		cell_end(s);
	} else if (s->in_row && !strcmp(n, "row")) {
		s->in_row = 0;
		s->last_row = s->row;
		if (s->width)
			XML_StopParser(s->now, row_full(s) ? XML_FALSE : XML_TRUE);
	} else if (!strcmp(n, "sheetData")) {
		s->in_data = 0;
	}
}

static int xlsx_open(struct sheet *s, const void *data, size_t len)
{
	zip_error_t ze;
	zip_error_init(&ze);
	zip_source_t *src = zip_source_buffer_create(data, len, 0, &ze);
	if (src)
		s->za = zip_open_from_source(src, ZIP_RDONLY, &ze);
	if (!s->za) {
		fail(s, "the file is not a readable .xlsx workbook: %s", zip_error_strerror(&ze));
		zip_source_free(src);
		zip_error_fini(&ze);
		return -1;
	}
	zip_error_fini(&ze);
	s->budget = SHEET_MAX_XML;

	/* the first tab's part, through the workbook and its relationships; else the usual name */
	if (read_part(s, "xl/workbook.xml", workbook_start, NULL) < 0 ||
	    read_part(s, "xl/_rels/workbook.xml.rels", rels_start, NULL) < 0)
		return -1;
	if (!s->sheet_path[0] || zip_name_locate(s->za, s->sheet_path, ZIP_FL_NOCASE) < 0)
		snprintf(s->sheet_path, sizeof(s->sheet_path), "xl/worksheets/sheet1.xml");
	if (!s->sst_path[0])
		snprintf(s->sst_path, sizeof(s->sst_path), "xl/sharedStrings.xml");
	if (read_part(s, s->sst_path, sst_start, sst_end) < 0)
		return -1;

	int rc = part_open(s, s->sheet_path, &s->ws, ws_start, ws_end);
	if (rc > 0)
		return fail(s, "the workbook has no worksheet");
	if (rc < 0)
		return -1;
	/* up to <sheetData>, so that what is wrong before the first row fails here */
	s->priming = 1;
	rc = pump(s, &s->ws);
	s->priming = 0;
	if (rc < 0)
		return -1;
	s->done = rc == 0;
	return 0;
}

/* ---- the API ---- */

struct sheet *sheet_open(const void *data, size_t len, enum sheet_format format, char *err,
			 size_t errlen)
{
	struct sheet *s = xcalloc(1, sizeof(*s));
	int rc;
	for (size_t i = 0; i < SHEET_MAX_COLS; i++)
		s->cells[i] = s->slot[i];
	if (!data) {
		data = "";
		len = 0;
	}
	if (format == SHEET_DETECT)
		format = len >= 4 && !memcmp(data, "PK\3\4", 4) ? SHEET_XLSX : SHEET_CSV;
	s->format = format;
	if (len > SHEET_MAX_BYTES)
		rc = fail(s, "the file is larger than %d MiB", SHEET_MAX_BYTES >> 20);
	else if (len >= 8 && !memcmp(data, "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8))
		/* the OLE container of Excel 97-2003 files, and of password-protected .xlsx */
		rc = fail(s, "the file is an old .xls or a password-protected workbook: save it as .xlsx or CSV");
	else
		rc = format == SHEET_XLSX ? xlsx_open(s, data, len) : csv_open(s, data, len);
	if (rc) {
		if (err && errlen)
			snprintf(err, errlen, "%s", s->error);
		sheet_close(s);
		return NULL;
	}
	return s;
}

int sheet_next_row(struct sheet *s, const char ***cells, size_t *ncells)
{
	int rc;
	*cells = s->cells;
	*ncells = 0;
	if (s->failed)
		return -1;
	if (s->done)
		return 0;
	rc = s->format == SHEET_XLSX ? pump(s, &s->ws) : csv_next(s);
	if (rc < 0)
		s->failed = 1;
	else if (rc == 0)
		s->done = 1;
	else
		*ncells = s->width;
	return rc;
}

size_t sheet_row_number(const struct sheet *s)
{
	return s->row;
}

const char *sheet_error(const struct sheet *s)
{
	return s->error;
}

void sheet_close(struct sheet *s)
{
	if (!s)
		return;
	part_close(&s->ws);
	if (s->za)
		zip_discard(s->za);
	free(s->converted);
	free(s->sst);
	free(s->sst_at);
	free(s);
}
