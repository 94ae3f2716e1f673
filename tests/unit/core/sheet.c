/*
 * Unit tests of core/sheet.c: CSV as Excel and WPS save it (UTF-8 with a BOM, GBK, quotes, line
 * breaks inside cells) and .xlsx workbooks written here with core/zip.c come out as the rows and
 * cell text a person sees in them; damaged and hostile files fail fast, with a reason.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>
#include "core/sheet.h"
#include "core/zip.h"

#define XML "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
#define NS_MAIN "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
#define NS_REL "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
#define TYPE_SHEET NS_REL "/worksheet"
#define TYPE_SST NS_REL "/sharedStrings"

struct part {
	const char *name;
	const char *text;
	size_t len; /* 0: strlen(text) */
};

/* A ZIP archive of the parts, in memory, as core/zip.c writes it. */
static unsigned char *zip_of(const struct part *parts, size_t n, int level, size_t *len)
{
	int fd = memfd_create("sheet-test", 0);
	assert_true(fd >= 0);
	struct zip *z = zip_new(fd, level);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(zip_begin(z, parts[i].name, 1767225600000LL), 0);
		assert_int_equal(zip_write(z, parts[i].text, parts[i].len ? parts[i].len : strlen(parts[i].text)), 0);
		assert_int_equal(zip_end(z), 0);
	}
	assert_int_equal(zip_finish(z), 0);
	zip_free(z);
	*len = (size_t)lseek(fd, 0, SEEK_END);
	unsigned char *buf = malloc(*len);
	assert_int_equal(pread(fd, buf, *len, 0), (ssize_t)*len);
	close(fd);
	return buf;
}

static char *worksheet(const char *rows)
{
	char *xml;
	assert_true(asprintf(&xml, XML "<worksheet xmlns=\"" NS_MAIN "\" xmlns:r=\"" NS_REL "\">"
			     "<dimension ref=\"A1:F9\"/><sheetFormatPr defaultRowHeight=\"15\"/>"
			     "<sheetData>%s</sheetData><pageMargins left=\"0.7\"/></worksheet>", rows) > 0);
	return xml;
}

/* A workbook as Excel lays it out: one tab, its rows and shared strings given. */
static unsigned char *xlsx(const char *rows, const char *strings, size_t *len)
{
	char *ws = worksheet(rows), *sst;
	assert_true(asprintf(&sst, XML "<sst xmlns=\"" NS_MAIN "\">%s</sst>", strings ? strings : "") > 0);
	struct part parts[] = {
		{ "[Content_Types].xml", XML "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"/>" },
		{ "xl/workbook.xml", XML "<workbook xmlns=\"" NS_MAIN "\" xmlns:r=\"" NS_REL "\"><sheets>"
				     "<sheet name=\"人员\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>" },
		{ "xl/_rels/workbook.xml.rels",
		  XML "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
		      "<Relationship Id=\"rId1\" Type=\"" TYPE_SHEET "\" Target=\"worksheets/sheet1.xml\"/>"
		      "<Relationship Id=\"rId2\" Type=\"" TYPE_SST "\" Target=\"sharedStrings.xml\"/>"
		      "</Relationships>" },
		{ "xl/sharedStrings.xml", sst },
		{ "xl/worksheets/sheet1.xml", ws },
	};
	unsigned char *data = zip_of(parts, 5, 6, len);
	free(ws);
	free(sst);
	return data;
}

/*
 * What a person would list reading the file: "row:cell|cell" a line, then "error: why" when
 * reading stopped on one, or "open: why" when the file did not open.
 */
static char *rows_of(const void *data, size_t len)
{
	char *out = NULL, err[256] = "";
	size_t outlen = 0;
	FILE *f = open_memstream(&out, &outlen);
	struct sheet *s = sheet_open(data, len, SHEET_DETECT, err, sizeof(err));
	if (!s) {
		assert_true(err[0] != '\0');
		fprintf(f, "open: %s", err);
	} else {
		const char **cells;
		size_t n;
		int rc;
		while ((rc = sheet_next_row(s, &cells, &n)) == 1) {
			assert_true(n >= 1 && n <= SHEET_MAX_COLS);
			assert_true(cells[n - 1][0] != '\0'); /* trailing empty cells are trimmed */
			fprintf(f, "%zu:", sheet_row_number(s));
			for (size_t i = 0; i < n; i++)
				fprintf(f, "%s%s", i ? "|" : "", cells[i]);
			fputc('\n', f);
		}
		if (rc < 0)
			fprintf(f, "error: %s", sheet_error(s));
		else
			assert_string_equal(sheet_error(s), "");
		assert_int_equal(sheet_next_row(s, &cells, &n), rc); /* the end, or the error, stays */
		sheet_close(s);
	}
	fclose(f);
	return out;
}

static void expect_rows(const void *data, size_t len, const char *want)
{
	char *got = rows_of(data, len);
	assert_string_equal(got, want);
	free(got);
}

static void expect_text(const char *csv, const char *want)
{
	expect_rows(csv, strlen(csv), want);
}

/* The rows before the failure, then a reason that says want_why. */
static void expect_failure(const void *data, size_t len, const char *want_rows, const char *want_why)
{
	char *got = rows_of(data, len);
	size_t n = strlen(want_rows);
	if (strncmp(got, want_rows, n) || !strstr(got + n, want_why) ||
	    (strncmp(got + n, "open: ", 6) && strncmp(got + n, "error: ", 7)))
		fail_msg("expected rows '%s' then a failure saying '%s', got '%s'", want_rows, want_why, got);
	free(got);
}

static void expect_xlsx(const char *rows, const char *strings, const char *want)
{
	size_t len;
	unsigned char *data = xlsx(rows, strings, &len);
	expect_rows(data, len, want);
	free(data);
}

static void expect_xlsx_failure(const char *rows, const char *strings, const char *want_rows,
				const char *want_why)
{
	size_t len;
	unsigned char *data = xlsx(rows, strings, &len);
	expect_failure(data, len, want_rows, want_why);
	free(data);
}

static char *repeat(const char *piece, size_t times)
{
	size_t n = strlen(piece);
	char *out = malloc(n * times + 1);
	for (size_t i = 0; i < times; i++)
		memcpy(out + i * n, piece, n);
	out[n * times] = '\0';
	return out;
}

/* ---- CSV ---- */

static void test_sheet__csv_as_excel_saves_it(void **state)
{
	/* "CSV UTF-8" from Excel: a BOM, CRLF, quotes around cells with commas, quotes or line
	 * breaks (a line break typed in a cell is a bare LF), empty lines and all-empty rows */
	expect_text("\xef\xbb\xbf姓名,手机,备注\r\n"
		    "张三,13800138000,\"北京市,朝阳区\"\r\n"
		    "\r\n"
		    "李四,\"139 0013 9000\",\"第一行\n第二行\"\r\n"
		    ",,\r\n"
		    "\"王\"\"五\"\"\",00123,,\r\n",
		    "1:姓名|手机|备注\n"
		    "2:张三|13800138000|北京市,朝阳区\n"
		    "4:李四|139 0013 9000|第一行\n第二行\n"
		    "6:王\"五\"|00123\n");
	/* LF or CR alone end rows too; the last row needs no line end; a cell may be skipped */
	expect_text("a,b\nc\rd,,f", "1:a|b\n2:c\n3:d||f\n");
	/* spaces are the cell's own, and a quote inside an unquoted cell is just a quote */
	expect_text(" 张三 ,5\"6", "1: 张三 |5\"6\n");
	expect_text("", "");
	expect_text("\xef\xbb\xbf\r\n,\r\n", "");
}

static void test_sheet__csv_in_gbk_as_chinese_excel_saves_it(void **state)
{
	/* 姓名,手机 / 张三,13800138000 in GBK, Excel's "CSV (comma delimited)" in a Chinese locale */
	expect_text("\xd0\xd5\xc3\xfb,\xca\xd6\xbb\xfa\r\n"
		    "\xd5\xc5\xc8\xfd,13800138000\r\n",
		    "1:姓名|手机\n2:张三|13800138000\n");
	/* a character only GB18030 has (U+20000, four bytes) */
	expect_text("\x95\x32\x82\x36\r\n", "1:𠀀\n");
}

static void test_sheet__csv_that_is_not_text_is_refused(void **state)
{
	/* neither UTF-8 nor GB18030: the line is named */
	expect_failure("name\n\xff\xfe\xfd\n", 9, "", "open: the file is neither UTF-8 nor GBK/GB18030 text (line 2)");
	expect_failure("a,b\n\x80", 5, "", "neither UTF-8 nor GBK");
	/* Excel's "Unicode text" */
	expect_failure("\xff\xfe\x20\x59", 4, "", "UTF-16");
	/* an Excel 97-2003 file, or a password-protected .xlsx */
	expect_failure("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\0\0\0\0", 12, "", "old .xls");
	expect_failure("a\0b\n", 4, "", "NUL");
}

static void test_sheet__csv_broken_or_too_big_rows_fail_at_their_row(void **state)
{
	expect_failure("姓名\n张三,\"北京\n朝阳\n", strlen("姓名\n张三,\"北京\n朝阳\n"), "1:姓名\n",
		       "error: row 2: the quote that opens cell B2 is never closed");

	/* 64 columns are read; past them, empty cells are fine and text is an error */
	char *wide = repeat("x,", 64);
	wide[strlen(wide) - 1] = '\0';
	char *want = repeat("x|", 64);
	want[strlen(want) - 1] = '\n';
	char *got = rows_of(wide, strlen(wide));
	assert_string_equal(got + 2, want);
	free(got);
	char *line;
	assert_true(asprintf(&line, "a\n%s,,,,\n%s,y\n", wide, wide) > 0);
	char *before;
	assert_true(asprintf(&before, "1:a\n2:%s", want) > 0);
	expect_failure(line, strlen(line), before, "error: row 3: cell BM3 is past column BL, the last one read");
	free(before);
	free(line);
	free(wide);
	free(want);

	/* a cell of 4096 bytes is read, one of 4097 is not */
	char *cell = repeat("x", SHEET_MAX_CELL + 1);
	assert_true(asprintf(&line, "\"%s\"\n", cell + 1) > 0);
	got = rows_of(line, strlen(line));
	assert_int_equal(strlen(got), 2 + SHEET_MAX_CELL + 1);
	free(got);
	free(line);
	assert_true(asprintf(&line, "a\n%s\n", cell) > 0);
	expect_failure(line, strlen(line), "1:a\n", "error: row 2: cell A2 is longer than 4096 bytes");
	free(line);
	free(cell);

	/* 100,000 rows are read, row 100,001 is an error; empty rows after the last are fine */
	char *many = repeat("1\n", SHEET_MAX_ROWS + 1);
	const char **cells;
	size_t n;
	struct sheet *s = sheet_open(many, 2 * SHEET_MAX_ROWS, SHEET_CSV, NULL, 0);
	size_t rows = 0;
	while (sheet_next_row(s, &cells, &n) == 1)
		rows++;
	assert_int_equal(rows, SHEET_MAX_ROWS);
	assert_string_equal(sheet_error(s), "");
	sheet_close(s);
	s = sheet_open(many, strlen(many), SHEET_CSV, NULL, 0);
	int rc;
	while ((rc = sheet_next_row(s, &cells, &n)) == 1)
		;
	assert_int_equal(rc, -1);
	assert_int_equal(sheet_row_number(s), SHEET_MAX_ROWS + 1);
	assert_string_equal(sheet_error(s), "row 100001: the sheet has more than 100000 rows");
	sheet_close(s);
	free(many);
}

/* ---- XLSX ---- */

static void test_sheet__xlsx_cells_come_out_as_shown(void **state)
{
	expect_xlsx(
		/* header: shared and inline strings */
		"<row r=\"1\" spans=\"1:6\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" t=\"s\"><v>1</v></c>"
		"<c r=\"C1\" t=\"s\"><v>2</v></c><c r=\"D1\" t=\"inlineStr\"><is><t>部门</t></is></c>"
		"<c r=\"E1\" t=\"inlineStr\"><is><t>在职</t></is></c><c r=\"F1\" t=\"s\"><v>7</v></c></row>"
		/* formatted but empty: skipped; row 3 is missing */
		"<row r=\"2\" ht=\"20\" customHeight=\"1\"><c r=\"A2\" s=\"1\"/><c r=\"D2\" s=\"3\"><v></v></c></row>"
		/* rich text, a job number stored as text, a phone stored as a number, a rich inline
		 * string, a boolean, a date (a serial day number), a formatted empty cell far right */
		"<row r=\"4\"><c r=\"A4\" t=\"s\"><v>3</v></c><c r=\"B4\" t=\"s\"><v>4</v></c>"
		"<c r=\"C4\" s=\"2\"><v>13800138000</v></c>"
		"<c r=\"D4\" t=\"inlineStr\"><is><r><t>研发</t></r><r><rPr><b/></rPr><t>部</t></r></is></c>"
		"<c r=\"E4\" t=\"b\"><v>1</v></c><c r=\"F4\" s=\"5\"><v>45292</v></c><c r=\"BZ4\" s=\"2\"/></row>"
		/* no row number: the next one; a cell without a reference takes the next column; a
		 * phone number Excel wrote with an exponent */
		"<row><c t=\"s\"><v>5</v></c><c r=\"C5\"><v>1.3800138001E10</v></c><c r=\"E5\" t=\"b\"><v>0</v></c></row>"
		/* a formula's cached text, a number that is not whole, an empty shared string */
		"<row><c r=\"A6\" t=\"str\"><f>CONCAT(\"王\",\"五\")</f><v>王五</v></c>"
		"<c r=\"C6\"><v>1.5E-3</v></c><c r=\"D6\" t=\"s\"><v>6</v></c></row>"
		/* numbers from other writers, and an error value */
		"<row r=\"9\"><c r=\"A9\"><v>13800138000.0</v></c><c r=\"B9\"><v>-1.2E2</v></c>"
		"<c r=\"C9\"><v>1E+20</v></c><c r=\"D9\"><v>0.30000000000000004</v></c>"
		"<c r=\"E9\" t=\"e\"><v>#N/A</v></c><c r=\"F9\"><v>1.38001380001E10</v></c></row>"
		/* only A and C */
		"<row r=\"10\"><c r=\"A10\" t=\"inlineStr\"><is><t>甲</t></is></c>"
		"<c r=\"C10\" t=\"inlineStr\"><is><t xml:space=\"preserve\"> 丙 </t></is></c></row>"
		/* neither rows nor cells numbered */
		"<row><c t=\"inlineStr\"><is><t>x</t></is></c><c t=\"inlineStr\"><is><t>y&amp;z</t></is></c></row>",
		"<si><t>姓名</t></si><si><t>工号</t></si><si><t>手机</t></si>"
		"<si><r><t>张</t></r><r><rPr><b/><sz val=\"11\"/></rPr><t>三</t></r></si>"
		"<si><t>00123</t></si>"
		"<si><t>李四</t><rPh sb=\"0\" eb=\"2\"><t>リシ</t></rPh><phoneticPr fontId=\"1\"/></si>"
		"<si><t/></si><si><t>入职日期</t></si>",
		"1:姓名|工号|手机|部门|在职|入职日期\n"
		"4:张三|00123|13800138000|研发部|TRUE|45292\n"
		"5:李四||13800138001||FALSE\n"
		"6:王五||1.5E-3\n"
		"9:13800138000|-120|100000000000000000000|0.30000000000000004|#N/A|1.38001380001E10\n"
		"10:甲|| 丙 \n"
		"11:x|y&z\n");
	/* no rows at all */
	expect_xlsx("", NULL, "");
}

static void test_sheet__xlsx_reads_the_first_tab_whatever_its_part_is_called(void **state)
{
	/* the first tab is "名单", kept in people.xml; sheet1.xml is the second tab, to be ignored */
	struct part parts[] = {
		{ "xl/workbook.xml", XML "<workbook xmlns=\"" NS_MAIN "\" xmlns:r=\"" NS_REL "\"><sheets>"
				     "<sheet name=\"名单\" sheetId=\"2\" r:id=\"rId7\"/>"
				     "<sheet name=\"说明\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>" },
		{ "xl/_rels/workbook.xml.rels",
		  XML "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
		      "<Relationship Id=\"rId1\" Type=\"" TYPE_SHEET "\" Target=\"worksheets/sheet1.xml\"/>"
		      "<Relationship Id=\"rId9\" Type=\"" NS_REL "/hyperlink\" Target=\"https://example.com/\" TargetMode=\"External\"/>"
		      "<Relationship Id=\"rId7\" Type=\"" TYPE_SHEET "\" Target=\"/xl/worksheets/people.xml\"/>"
		      "<Relationship Id=\"rId8\" Type=\"" TYPE_SST "\" Target=\"../xl/./strings.xml\"/>"
		      "</Relationships>" },
		{ "xl/strings.xml", XML "<sst xmlns=\"" NS_MAIN "\"><si><t>张三</t></si><si><t>请勿修改</t></si></sst>" },
		{ "xl/worksheets/sheet1.xml", XML "<worksheet xmlns=\"" NS_MAIN "\"><sheetData><row r=\"1\">"
					      "<c r=\"A1\" t=\"s\"><v>1</v></c></row></sheetData></worksheet>" },
		{ "xl/worksheets/people.xml", XML "<worksheet xmlns=\"" NS_MAIN "\"><sheetData><row r=\"2\">"
					      "<c r=\"B2\" t=\"s\"><v>0</v></c></row></sheetData></worksheet>" },
	};
	size_t len;
	unsigned char *data = zip_of(parts, 5, 6, &len);
	expect_rows(data, len, "2:|张三\n");
	free(data);

	/* without a workbook part, sheet1.xml; elements with a prefix instead of a default namespace */
	struct part bare[] = {
		{ "xl/worksheets/sheet1.xml",
		  XML "<x:worksheet xmlns:x=\"" NS_MAIN "\"><x:sheetData><x:row r=\"3\"><x:c r=\"A3\" t=\"inlineStr\">"
		      "<x:is><x:t>前缀</x:t></x:is></x:c></x:row></x:sheetData></x:worksheet>" },
	};
	data = zip_of(bare, 1, 6, &len);
	expect_rows(data, len, "3:前缀\n");
	free(data);

	struct part none[] = { { "docProps/app.xml", XML "<Properties/>" } };
	data = zip_of(none, 1, 6, &len);
	expect_failure(data, len, "", "open: the workbook has no worksheet");
	free(data);
}

static void test_sheet__xlsx_entity_bombs_fail_fast(void **state)
{
	static const char bomb[] =
		XML "<!DOCTYPE lolz [<!ENTITY lol \"lol\">"
		"<!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">"
		"<!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;\">"
		"<!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">"
		"<!ENTITY lol4 \"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;\">"
		"<!ENTITY lol5 \"&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;\">"
		"<!ENTITY lol6 \"&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;\">"
		"<!ENTITY lol7 \"&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;\">"
		"<!ENTITY lol8 \"&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;\">"
		"<!ENTITY lol9 \"&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;\">]>";
	char *sst, *ws, *ext;
	assert_true(asprintf(&sst, "%s<sst xmlns=\"" NS_MAIN "\"><si><t>&lol9;</t></si></sst>", bomb) > 0);
	assert_true(asprintf(&ws, "%s<worksheet xmlns=\"" NS_MAIN "\"><sheetData><row r=\"1\"><c r=\"A1\" "
			     "t=\"inlineStr\"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>", bomb) > 0);
	assert_true(asprintf(&ext, XML "<!DOCTYPE x [<!ENTITY p SYSTEM \"file:///etc/passwd\">]>"
			     "<worksheet xmlns=\"" NS_MAIN "\"><sheetData><row r=\"1\"><c r=\"A1\" "
			     "t=\"inlineStr\"><is><t>&p;</t></is></c></row></sheetData></worksheet>") > 0);
	const char *plain = XML "<worksheet xmlns=\"" NS_MAIN "\"><sheetData/></worksheet>";
	const struct part cases[][2] = {
		{ { "xl/sharedStrings.xml", sst }, { "xl/worksheets/sheet1.xml", plain } },
		{ { "xl/sharedStrings.xml", "<sst/>" }, { "xl/worksheets/sheet1.xml", ws } },
		{ { "xl/sharedStrings.xml", "<sst/>" }, { "xl/worksheets/sheet1.xml", ext } },
	};
	for (size_t i = 0; i < 3; i++) {
		size_t len;
		unsigned char *data = zip_of(cases[i], 2, 6, &len);
		struct timespec t0, t1;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		expect_failure(data, len, "", "open: the workbook has a DOCTYPE");
		clock_gettime(CLOCK_MONOTONIC, &t1);
		assert_true(t1.tv_sec - t0.tv_sec < 2);
		free(data);
	}
	free(sst);
	free(ws);
	free(ext);
}

static void test_sheet__damaged_workbooks_fail(void **state)
{
	size_t len;
	unsigned char *data = xlsx("<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>张三</t></is></c></row>", NULL, &len);
	expect_rows(data, len, "1:张三\n");
	/* cut short: no central directory */
	expect_failure(data, len / 2, "", "open: the file is not a readable .xlsx workbook");
	/* the start of a ZIP and then noise */
	expect_failure("PK\3\4 this is not really an archive", 35, "", "open: the file is not a readable .xlsx workbook");
	free(data);

	/* a byte changed inside the stored worksheet: its CRC-32 no longer matches, which shows
	 * only at the end of the part, after the rows before it (so an import is all or nothing) */
	struct part parts[] = {
		{ "xl/worksheets/sheet1.xml", XML "<worksheet xmlns=\"" NS_MAIN "\"><sheetData><row r=\"1\">"
					      "<c r=\"A1\" t=\"inlineStr\"><is><t>张三</t></is></c></row></sheetData></worksheet>" },
	};
	data = zip_of(parts, 1, 0, &len);
	unsigned char *name = memmem(data, len, "张三", strlen("张三"));
	assert_non_null(name);
	name[0] ^= 1;
	expect_failure(data, len, "1:传三\n", "error: the workbook is damaged: cannot read 'xl/worksheets/sheet1.xml': CRC error");
	free(data);

	/* XML that breaks off after the first row */
	expect_xlsx_failure("<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>a</t></is></c></row>"
			    "<row r=\"2\"><c r=\"A2\" t=\"inlineStr\"><is><t>b</t></is></row></c>", NULL,
			    "1:a\n", "error: the workbook is damaged: 'xl/worksheets/sheet1.xml' line 2: mismatched tag");
	expect_xlsx_failure("<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" t=\"s\"><v>1</v></c></row>",
			    "<si><t>唯一</t></si>", "",
			    "error: the workbook is damaged: cell B1 uses shared string '1', which does not exist");
	expect_xlsx_failure("<row r=\"5\"><c r=\"A5\"><v>1</v></c></row><row r=\"3\"><c r=\"A3\"><v>2</v></c></row>",
			    NULL, "5:1\n", "error: the workbook is damaged: row 3 comes after row 5");
	expect_xlsx_failure("<row r=\"1\"><c r=\"1A\"><v>1</v></c></row>", NULL, "",
			    "error: the workbook is damaged: cell reference '1A' is not valid");
}

static void test_sheet__xlsx_caps_are_enforced(void **state)
{
	/* text past column BL, a cell past 4096 bytes, inline or shared, text past row 100,000 */
	expect_xlsx_failure("<row r=\"1\"><c r=\"A1\"><v>1</v></c></row><row r=\"2\"><c r=\"BL2\"><v>64</v></c>"
			    "<c r=\"BM2\"><v>65</v></c></row>", NULL,
			    "1:1\n", "error: row 2: cell BM2 is past column BL, the last one read");
	/* 1365 × 3 bytes, and 1 or 2 more */
	char *cell = repeat("长", SHEET_MAX_CELL / 3), *rows, *strings, *want;
	assert_true(asprintf(&rows, "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>%sx</t></is></c></row>"
			     "<row r=\"2\"><c r=\"A2\" t=\"inlineStr\"><is><r><t>%s</t></r><r><t>xx</t></r></is></c></row>",
			     cell, cell) > 0);
	assert_true(asprintf(&want, "1:%sx\n", cell) > 0);
	expect_xlsx_failure(rows, NULL, want, "error: row 2: cell A2 is longer than 4096 bytes");
	free(rows);
	free(want);
	assert_true(asprintf(&strings, "<si><t>%sx</t></si><si><r><t>%s</t></r><r><t>xx</t></r></si>", cell, cell) > 0);
	assert_true(asprintf(&want, "7:||%sx\n", cell) > 0);
	expect_xlsx_failure("<row r=\"7\"><c r=\"C7\" t=\"s\"><v>0</v></c></row><row r=\"8\"><c r=\"C8\" t=\"s\"><v>1</v></c></row>",
			    strings, want, "error: row 8: cell C8 is longer than 4096 bytes");
	free(strings);
	free(want);
	free(cell);
	expect_xlsx_failure("<row r=\"100000\"><c r=\"A100000\"><v>1</v></c></row><row r=\"100001\" s=\"1\"><c r=\"A100001\" s=\"1\"/></row>"
			    "<row r=\"100002\"><c r=\"A100002\"><v>2</v></c></row>",
			    NULL, "100000:1\n", "error: row 100002: the sheet has more than 100000 rows");
}

/* Sets the uncompressed size of every entry, in the central directory and data descriptors. */
static void claim_size(unsigned char *zip, size_t len, uint32_t size)
{
	unsigned char le[4] = { (unsigned char)size, (unsigned char)(size >> 8), (unsigned char)(size >> 16),
				(unsigned char)(size >> 24) };
	for (size_t i = 0; i + 46 <= len; i++) {
		if (!memcmp(zip + i, "PK\1\2", 4))
			memcpy(zip + i + 24, le, 4);
		else if (!memcmp(zip + i, "PK\7\10", 4))
			memcpy(zip + i + 12, le, 4);
	}
}

static void test_sheet__xlsx_that_inflates_past_64_mib_is_stopped(void **state)
{
	/* a worksheet of 65 MiB of spaces, which deflate to some 64 KiB */
	const char *head = XML "<worksheet xmlns=\"" NS_MAIN "\"><sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\">"
			   "<is><t>张三</t></is></c></row>";
	const char *tail = "</sheetData></worksheet>";
	size_t big = ((size_t)SHEET_MAX_XML) + (1 << 20);
	char *ws = malloc(big + 1);
	memset(ws, ' ', big);
	memcpy(ws, head, strlen(head));
	memcpy(ws + big - strlen(tail), tail, strlen(tail));
	struct part parts[] = { { "xl/worksheets/sheet1.xml", ws, big } };
	size_t len;
	unsigned char *data = zip_of(parts, 1, 1, &len);
	free(ws);
	assert_true(len < 1024 * 1024);
	/* the archive tells the size: refused before inflating */
	expect_failure(data, len, "", "open: the workbook is larger than 64 MiB once uncompressed");
	/* the archive lies about it: stopped once 64 MiB are read */
	claim_size(data, len, 4096);
	expect_failure(data, len, "1:张三\n", "error: the workbook is larger than 64 MiB once uncompressed");
	free(data);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sheet__csv_as_excel_saves_it),
		cmocka_unit_test(test_sheet__csv_in_gbk_as_chinese_excel_saves_it),
		cmocka_unit_test(test_sheet__csv_that_is_not_text_is_refused),
		cmocka_unit_test(test_sheet__csv_broken_or_too_big_rows_fail_at_their_row),
		cmocka_unit_test(test_sheet__xlsx_cells_come_out_as_shown),
		cmocka_unit_test(test_sheet__xlsx_reads_the_first_tab_whatever_its_part_is_called),
		cmocka_unit_test(test_sheet__xlsx_entity_bombs_fail_fast),
		cmocka_unit_test(test_sheet__damaged_workbooks_fail),
		cmocka_unit_test(test_sheet__xlsx_caps_are_enforced),
		cmocka_unit_test(test_sheet__xlsx_that_inflates_past_64_mib_is_stopped),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
