/*
 * A reader for the spreadsheets administrators upload to import people: CSV (RFC 4180, in UTF-8
 * or in the GBK/GB18030 that Chinese Excel saves by default) and the first worksheet of an .xlsx
 * workbook, read from memory row by row.  Uploads are hostile: sizes, rows, columns and cell
 * lengths are capped, and XML with a DOCTYPE (entity bombs, external entities) is refused.
 *
 * Every cell comes out as the text a person would read in it: strings exactly as typed (a job
 * number "00123" stored as text stays "00123"); numbers as Excel stored them, except that whole
 * numbers written with an exponent or a fraction of zeros (1.38001380001E10, 13800138000.0) come
 * out as plain digits (13800138001, 13800138000); booleans as TRUE or FALSE; a formula as its
 * last computed value.  Dates and times typed into .xlsx are numbers, so they come out as
 * Excel's serial day numbers ("45292" for 2024-01-01), not as the text the cell shows; number
 * formats are not applied.  CSV cells are never interpreted.
 */
#ifndef ATRIUM_CORE_SHEET_H
#define ATRIUM_CORE_SHEET_H
#include <stddef.h>

#define SHEET_MAX_BYTES (64 << 20) /* of the file itself */
#define SHEET_MAX_XML (64 << 20)   /* of an .xlsx's parts once uncompressed, all together */
#define SHEET_MAX_ROWS 100000      /* the last row number that may hold text */
#define SHEET_MAX_COLS 64          /* columns A to BL */
#define SHEET_MAX_CELL 4096        /* bytes of UTF-8 in one cell */

enum sheet_format {
	SHEET_DETECT, /* .xlsx when the data starts as a ZIP archive does, else CSV */
	SHEET_CSV,
	SHEET_XLSX,
};

struct sheet;

/*
 * Opens the len bytes at data as a spreadsheet.  The reader reads data as it goes: it must stay
 * valid and unchanged until sheet_close().  Returns the reader, or NULL with a short English
 * reason in err (when err is not NULL) if the file cannot be read as a spreadsheet at all: not
 * a workbook, damaged, too large, a DOCTYPE, text neither UTF-8 nor GB18030.
 */
struct sheet *sheet_open(const void *data, size_t len, enum sheet_format format, char *err,
			 size_t errlen);

/*
 * Reads the next row that has text in it (rows whose cells are all empty are skipped, and so
 * are the empty cells after a row's last non-empty one, so *ncells >= 1).  A cell is NUL-
 * terminated UTF-8, "" for an empty one, and *cells[0] is column A.  The cells belong to the
 * reader and last until the next call.  Returns 1 for a row, 0 at the end, -1 when the row
 * cannot be read (a cap passed, damaged data: see sheet_error()); after -1 every call fails.
 * Rows are read as they are asked for, and damage to an .xlsx part (its CRC-32) shows only at
 * its end: an import keeps nothing unless it reaches 0.
 */
int sheet_next_row(struct sheet *s, const char ***cells /* OUT */, size_t *ncells /* OUT */);

/*
 * The number of the row last returned (or the one that failed) as the person who made the file
 * sees it in Excel: 1 for the first, counting skipped empty rows; a CSV row with a line break
 * inside a quoted cell is still one row.
 */
size_t sheet_row_number(const struct sheet *s);

/* Why sheet_next_row() failed, "" when it has not: lowercase English, naming the row and cell. */
const char *sheet_error(const struct sheet *s);

/* Frees the reader; NULL is fine. */
void sheet_close(struct sheet *s);

#endif
