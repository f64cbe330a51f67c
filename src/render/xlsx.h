/*
 * xlsx.h - streaming Excel (.xlsx) writer: sheet XML written by hand, deflated with zlib into a
 * ZIP container written as the rows come.
 *
 * One workbook with one worksheet: a bold, frozen header row with an autofilter over all written
 * rows, typed columns and set widths. Rows are appended one at a time; their XML goes through a
 * 64 KiB buffer into deflate and the compressed bytes to the file through a 128 KiB buffer, so
 * memory stays flat (about 0.5 MiB per writer, zlib's state included) however many rows are
 * written.
 *
 * Lifecycle: xlsx_open() creates the file and writes the fixed parts; xlsx_row() appends a row;
 * xlsx_close() finishes the file (the filter range, known only then, goes after the sheet data and
 * into xl/workbook.xml) and frees the writer whether or not it succeeds; xlsx_abort() frees it and
 * removes the partial file. After any failed xlsx_row() call only xlsx_close() (which then fails
 * and removes the file) or xlsx_abort() are allowed: part of the row may already be compressed.
 * Column definitions and strings are copied or written at once; the caller keeps ownership.
 *
 * Cells: text is inline (t="inlineStr"), so nothing is kept per distinct string; & < > are escaped,
 * CR is written as &#13; (parsers would turn it into LF), the control characters XML 1.0 forbids
 * and U+FFFE/U+FFFF as Excel's own _xHHHH_ escape, and a literal "_xHHHH_" in the text keeps its
 * underscore as _x005F_ so that Excel does not decode it. Empty text and null cells are not
 * written. Integers and dates are formatted by hand; numbers with at most 6 decimals too, others
 * as the 15 or, when needed to read back the same double, 17 significant digits of printf.
 *
 * Dates are real Excel date cells: a serial number formatted yyyy-mm-dd (datetimes
 * yyyy-mm-dd hh:mm:ss, serials with 10 decimals, i.e. to 4 µs) in China time, so sorting and
 * filtering by date work in Excel. The serial is days since 1899-12-30, exact from 1900-03-01 on;
 * Excel's fictitious 1900-02-29 (serial 60) is not compensated, so earlier dates show one day
 * late in Excel, as they did with libxlsxwriter's write_number.
 *
 * Size: no ZIP64. The sheet XML and the whole file must stay below 4 GiB; beyond that xlsx_row()
 * fails with ERR_TOO_LARGE (and the writer is failed). 1,048,575 rows of 64 columns can reach it
 * only with more than 64 bytes per cell; the 10-column audit export is ~590 bytes of XML a row
 * (~0.6 GB for the maximum rows). Refusing keeps every file readable by Excel versions and tools
 * that do not read ZIP64.
 *
 * Why not libxlsxwriter (used until 2026-11): it has no compression level (its default-level
 * deflate was ~49% of the time) and formats every cell with fprintf (~35%); 100,000 rows x 8
 * columns took 1.2-1.5 s CPU. This writer: 0.26-0.41 s CPU and 7.5 MB peak RSS for the whole
 * bench process, with deflate level 2 (measured: fewer instructions than level 1 for an 11%
 * smaller file; zlib's default level 6 costs 2.5x the CPU for 12% less); through the API 100,000
 * audit rows take 0.35-0.69 s of server CPU. Figures and command lines: bench/render/README.md,
 * bench/exports/README.md.
 */
#ifndef JW_XLSX_H
#define JW_XLSX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

#define XLSX_SHEET_NAME_MAX 31      /* characters, Excel's limit */
#define XLSX_COLS_MAX       64      /* columns of one sheet */
#define XLSX_ROWS_MAX       1048575 /* data rows (Excel's 1,048,576 minus the header) */
#define XLSX_TEXT_MAX       32767   /* characters of one cell, Excel's limit */
#define XLSX_WIDTH_MAX      255.0   /* column width in characters, Excel's limit */

enum xlsx_type {
	XLSX_TEXT,     /* v.text (UTF-8) */
	XLSX_INT,      /* v.i; Excel keeps 15 significant digits */
	XLSX_NUMBER,   /* v.num */
	XLSX_DATE,     /* v.days: days since 1970-01-01 (timeutil.h) */
	XLSX_DATETIME, /* v.time: Unix seconds, shown in China time */
};

struct xlsx_column {
	const char *header; /* UTF-8 */
	enum xlsx_type type;
	double width; /* in characters (a CJK character counts about 2); 0 = Excel default */
};

struct xlsx_cell {
	bool null; /* an empty cell */
	union {
		const char *text;
		int64_t i;
		double num;
		int days;
		int64_t time;
	} v;
};

struct xlsx_writer;

/* Creates path (overwriting it) with one sheet named sheet_name and the header row. 0, or -1 with
 * e set (ERR_VALIDATION for a bad sheet name or column list). */
int xlsx_open(struct xlsx_writer **out, const char *path, const char *sheet_name,
              const struct xlsx_column *cols, size_t ncols, struct err *e);
/* Appends one row of exactly the number of columns given to xlsx_open; cell i is read as
 * cols[i].type. 0, or -1 with e set. */
int xlsx_row(struct xlsx_writer *w, const struct xlsx_cell *cells, struct err *e);
/* Number of data rows written so far. */
size_t xlsx_rows(const struct xlsx_writer *w);
/* Writes the file and frees w (also on failure). 0, or -1 with e set. */
int xlsx_close(struct xlsx_writer *w, struct err *e);
/* Frees w and removes its file. w may be NULL. */
void xlsx_abort(struct xlsx_writer *w);

/* The Excel serial number (1900 date system) of a date / of an instant in China time. */
double xlsx_serial_date(int days);
double xlsx_serial_time(int64_t t);

#endif
