/*
 * xlsx.c - streaming Excel writer (see xlsx.h).
 */
#include "render/xlsx.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xlsxwriter.h>

#include "core/timeutil.h"
#include "core/utf8.h"

/* Excel serial of 1970-01-01 in the 1900 date system. */
#define EXCEL_EPOCH_1970 25569.0

struct xlsx_writer {
	lxw_workbook *wb;
	lxw_worksheet *ws;
	lxw_format *fmt_header, *fmt_date, *fmt_datetime;
	enum xlsx_type types[XLSX_COLS_MAX];
	size_t ncols;
	size_t rows; /* data rows written */
	int failed;
	char *path;
};

double xlsx_serial_date(int days)
{
	return EXCEL_EPOCH_1970 + days;
}

double xlsx_serial_time(int64_t t)
{
	return EXCEL_EPOCH_1970 + (double)(t + CN_UTC_OFFSET) / 86400.0;
}

/* Counts UTF-8 characters; -1 when s is not valid UTF-8. */
static long utf8_chars(const char *s)
{
	size_t count;

	return utf8_count(s, strlen(s), &count) == 0 ? (long)count : -1;
}

static int check_sheet_name(const char *name, struct err *e)
{
	long n = name ? utf8_chars(name) : -1;

	if (n <= 0)
		return err_field(e, ERR_VALIDATION, "sheet_name", "工作表名称不能为空");
	if (n > XLSX_SHEET_NAME_MAX)
		return err_field(e, ERR_VALIDATION, "sheet_name", "工作表名称不能超过 %d 个字",
		                 XLSX_SHEET_NAME_MAX);
	if (strpbrk(name, "[]:*?/\\") || name[0] == '\'' || name[strlen(name) - 1] == '\'')
		return err_field(e, ERR_VALIDATION, "sheet_name",
		                 "工作表名称不能含有 [ ] : * ? / \\ 或以单引号开头结尾");
	return 0;
}

static int check_columns(const struct xlsx_column *cols, size_t ncols, struct err *e)
{
	size_t i;

	if (ncols == 0 || ncols > XLSX_COLS_MAX)
		return err_field(e, ERR_VALIDATION, "columns", "列数须在 1 到 %d 之间",
		                 XLSX_COLS_MAX);
	for (i = 0; i < ncols; i++) {
		long n = cols[i].header ? utf8_chars(cols[i].header) : -1;

		if (n < 0 || n > XLSX_TEXT_MAX)
			return err_field(e, ERR_VALIDATION, "columns", "第 %zu 列的标题无效",
			                 i + 1);
		if ((unsigned)cols[i].type > XLSX_DATETIME)
			return err_field(e, ERR_VALIDATION, "columns", "第 %zu 列的类型无效",
			                 i + 1);
		if (!(cols[i].width >= 0 && cols[i].width <= XLSX_WIDTH_MAX))
			return err_field(e, ERR_VALIDATION, "columns", "第 %zu 列的宽度无效",
			                 i + 1);
	}
	return 0;
}

static int lxw_fail(struct xlsx_writer *w, lxw_error rc, struct err *e)
{
	w->failed = 1;
	return err_internal(e, "xlsx: %s", lxw_strerror(rc));
}

static int write_header(struct xlsx_writer *w, const struct xlsx_column *cols, struct err *e)
{
	size_t i;
	lxw_error rc;

	for (i = 0; i < w->ncols; i++) {
		lxw_col_t c = (lxw_col_t)i;

		if (cols[i].width > 0) {
			rc = worksheet_set_column(w->ws, c, c, cols[i].width, NULL);
			if (rc != LXW_NO_ERROR)
				return lxw_fail(w, rc, e);
		}
		rc = worksheet_write_string(w->ws, 0, c, cols[i].header, w->fmt_header);
		if (rc != LXW_NO_ERROR)
			return lxw_fail(w, rc, e);
	}
	worksheet_freeze_panes(w->ws, 1, 0);
	return 0;
}

int xlsx_open(struct xlsx_writer **out, const char *path, const char *sheet_name,
              const struct xlsx_column *cols, size_t ncols, struct err *e)
{
	lxw_workbook_options opts = {.constant_memory = LXW_TRUE, .tmpdir = NULL, .use_zip64 = 0};
	struct xlsx_writer *w = NULL;
	size_t i;

	*out = NULL;
	if (check_sheet_name(sheet_name, e) || check_columns(cols, ncols, e))
		return -1;
	w = calloc(1, sizeof(*w));
	if (!w || !(w->path = strdup(path))) {
		free(w);
		return err_internal(e, "xlsx: out of memory");
	}
	w->ncols = ncols;
	for (i = 0; i < ncols; i++)
		w->types[i] = cols[i].type;
	w->wb = workbook_new_opt(path, &opts);
	if (!w->wb)
		goto fail;
	w->ws = workbook_add_worksheet(w->wb, sheet_name);
	w->fmt_header = workbook_add_format(w->wb);
	w->fmt_date = workbook_add_format(w->wb);
	w->fmt_datetime = workbook_add_format(w->wb);
	if (!w->ws || !w->fmt_header || !w->fmt_date || !w->fmt_datetime)
		goto fail;
	format_set_bold(w->fmt_header);
	format_set_bottom(w->fmt_header, LXW_BORDER_THIN);
	format_set_num_format(w->fmt_date, "yyyy-mm-dd");
	format_set_num_format(w->fmt_datetime, "yyyy-mm-dd hh:mm:ss");
	if (write_header(w, cols, e))
		goto fail_set;
	*out = w;
	return 0;
fail:
	err_internal(e, "xlsx: cannot create workbook %s", path);
fail_set:
	xlsx_abort(w);
	return -1;
}

static int write_cell(struct xlsx_writer *w, lxw_row_t r, lxw_col_t c, enum xlsx_type t,
                      const struct xlsx_cell *cell, struct err *e)
{
	lxw_error rc = LXW_NO_ERROR;

	if (cell->null)
		return 0;
	switch (t) {
	case XLSX_TEXT: {
		long n = cell->v.text ? utf8_chars(cell->v.text) : -1;

		if (n < 0)
			return err_field(e, ERR_VALIDATION, "cells", "第 %u 列不是有效的文本",
			                 (unsigned)c + 1);
		if (n > XLSX_TEXT_MAX)
			return err_field(e, ERR_VALIDATION, "cells", "第 %u 列超过 %d 字",
			                 (unsigned)c + 1, XLSX_TEXT_MAX);
		if (n > 0)
			rc = worksheet_write_string(w->ws, r, c, cell->v.text, NULL);
		break;
	}
	case XLSX_INT:
		rc = worksheet_write_number(w->ws, r, c, (double)cell->v.i, NULL);
		break;
	case XLSX_NUMBER:
		if (!isfinite(cell->v.num))
			return err_field(e, ERR_VALIDATION, "cells", "第 %u 列不是有限数值",
			                 (unsigned)c + 1);
		rc = worksheet_write_number(w->ws, r, c, cell->v.num, NULL);
		break;
	case XLSX_DATE:
		rc = worksheet_write_number(w->ws, r, c, xlsx_serial_date(cell->v.days),
		                            w->fmt_date);
		break;
	case XLSX_DATETIME:
		rc = worksheet_write_number(w->ws, r, c, xlsx_serial_time(cell->v.time),
		                            w->fmt_datetime);
		break;
	}
	if (rc != LXW_NO_ERROR)
		return lxw_fail(w, rc, e);
	return 0;
}

int xlsx_row(struct xlsx_writer *w, const struct xlsx_cell *cells, struct err *e)
{
	lxw_row_t r;
	size_t i;

	if (w->failed)
		return err_internal(e, "xlsx: writer already failed");
	if (w->rows >= XLSX_ROWS_MAX)
		return err_set(e, ERR_TOO_LARGE, "导出行数超过 Excel 上限 %d 行", XLSX_ROWS_MAX);
	r = (lxw_row_t)(w->rows + 1);
	for (i = 0; i < w->ncols; i++)
		if (write_cell(w, r, (lxw_col_t)i, w->types[i], &cells[i], e)) {
			/* constant-memory rows cannot be rewritten: the sheet is now inconsistent
			 */
			w->failed = 1;
			return -1;
		}
	w->rows++;
	return 0;
}

size_t xlsx_rows(const struct xlsx_writer *w)
{
	return w->rows;
}

int xlsx_close(struct xlsx_writer *w, struct err *e)
{
	lxw_error rc;
	int ret = 0;

	if (w->failed) {
		xlsx_abort(w);
		return err_internal(e, "xlsx: writer failed before close");
	}
	rc = worksheet_autofilter(w->ws, 0, 0, (lxw_row_t)w->rows, (lxw_col_t)(w->ncols - 1));
	if (rc != LXW_NO_ERROR) {
		xlsx_abort(w);
		return err_internal(e, "xlsx: %s", lxw_strerror(rc));
	}
	rc = workbook_close(w->wb);
	if (rc != LXW_NO_ERROR) {
		ret = err_internal(e, "xlsx: cannot write %s: %s", w->path, lxw_strerror(rc));
		unlink(w->path);
	}
	free(w->path);
	free(w);
	return ret;
}

void xlsx_abort(struct xlsx_writer *w)
{
	if (!w)
		return;
	if (w->wb)
		lxw_workbook_free(w->wb);
	if (w->path)
		unlink(w->path);
	free(w->path);
	free(w);
}
