/*
 * xlsx.h - streaming Excel (.xlsx) writer over libxlsxwriter in constant-memory mode.
 *
 * One workbook with one worksheet: a bold, frozen header row with an autofilter over all written
 * rows, typed columns and set widths. Rows are appended one at a time and flushed to a temporary
 * file as they go, so memory stays flat however many rows are written (bench/render/README.md).
 *
 * Lifecycle: xlsx_open() creates the writer; xlsx_row() appends a row; xlsx_close() writes the
 * file and frees the writer whether or not it succeeds; xlsx_abort() frees it and removes the
 * partial file. After any failed xlsx_row() call only xlsx_close()/xlsx_abort() are allowed.
 * Column definitions and strings are copied or written at once; the caller keeps ownership.
 *
 * Dates are real Excel date cells: a serial number formatted yyyy-mm-dd (datetimes
 * yyyy-mm-dd hh:mm:ss) in China time, so sorting and filtering by date work in Excel.
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
