/*
 * xlsx_stream.c - a prepared statement, row by row, into an Excel sheet sent as the response
 * (exports.h). Memory stays flat: src/render/xlsx.c deflates each row into the workbook file as it
 * comes, and the finished workbook goes to the client from an unlinked file.
 */
#include "exports/exports.h"
#include "core/log.h"
#include "core/timeutil.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *tmp_dir(void)
{
	const char *d = getenv("TMPDIR");

	return d && *d && strlen(d) < PATH_MAX - 32 ? d : "/tmp";
}

int export_tmpfd(struct err *e)
{
	char path[PATH_MAX];
	int fd;

	snprintf(path, sizeof path, "%s/jianwu-out-XXXXXX", tmp_dir());
	fd = mkstemp(path);
	if (fd < 0)
		return err_internal(e, "exports: mkstemp in %s: %s", tmp_dir(), strerror(errno));
	unlink(path);
	return fd;
}

int export_row_default(struct db_stmt *st, struct xlsx_cell *cells, size_t ncols, void *arg,
                       struct err *e)
{
	const struct xlsx_column *cols = arg;

	for (size_t i = 0; i < ncols; i++) {
		const char *s;
		int days;

		if (db_col_is_null(st, (int)i)) {
			cells[i].null = true;
			continue;
		}
		switch (cols[i].type) {
		case XLSX_TEXT:
			cells[i].v.text = db_col_text(st, (int)i);
			break;
		case XLSX_INT:
			cells[i].v.i = db_col_int(st, (int)i);
			break;
		case XLSX_NUMBER:
			cells[i].v.num = db_col_double(st, (int)i);
			break;
		case XLSX_DATE:
			s = db_col_text(st, (int)i);
			if (s && strchr(s, '-')) {
				if (date_parse(s, &days))
					return err_internal(
					    e, "exports: bad date \"%.20s\" in column %zu", s, i);
				cells[i].v.days = days;
			} else {
				cells[i].v.days = (int)db_col_int(st, (int)i);
			}
			break;
		case XLSX_DATETIME:
			cells[i].v.time = db_col_int(st, (int)i);
			break;
		}
	}
	return 0;
}

/* The rows of st into the open writer. */
static int write_rows(struct xlsx_writer *w, size_t ncols, struct db_stmt *st, export_row_fn fn,
                      void *arg, struct err *e)
{
	struct xlsx_cell cells[XLSX_COLS_MAX];
	int step;

	while ((step = db_step(st, e)) == DB_ROW) {
		if (xlsx_rows(w) >= EXPORT_ROWS_MAX)
			return err_set(
			    e, ERR_VALIDATION,
			    "导出行数超过Excel单表上限（%d行），请缩小筛选范围后分批导出",
			    EXPORT_ROWS_MAX);
		memset(cells, 0, ncols * sizeof cells[0]);
		if (fn(st, cells, ncols, arg, e) || xlsx_row(w, cells, e))
			return -1;
	}
	return step < 0 ? -1 : 0;
}

int export_xlsx_query(struct req *r, const char *filename, const char *sheet,
                      const struct xlsx_column *cols, size_t ncols, struct db_stmt *st,
                      export_row_fn row_fn, void *arg, struct err *e)
{
	char path[PATH_MAX];
	struct xlsx_writer *w = NULL;
	struct stat sb;
	int fd, rc = -1;

	if (ncols == 0 || ncols > XLSX_COLS_MAX) {
		db_reset(st);
		return err_internal(e, "exports: %zu columns", ncols);
	}
	if (row_fn == NULL) {
		row_fn = export_row_default;
		arg = (void *)cols;
	}
	/* A named file because xlsx_open() takes a path (and truncates this same inode); our
	 * descriptor keeps the inode after the name is removed below, whatever happens between. */
	snprintf(path, sizeof path, "%s/jianwu-xlsx-XXXXXX", tmp_dir());
	fd = mkstemp(path);
	if (fd < 0) {
		db_reset(st);
		return err_internal(e, "exports: mkstemp in %s: %s", tmp_dir(), strerror(errno));
	}
	if (xlsx_open(&w, path, sheet, cols, ncols, e))
		goto out;
	if (write_rows(w, ncols, st, row_fn, arg, e))
		goto out;
	rc = xlsx_close(w, e);
	w = NULL;
	if (rc)
		goto out;
	rc = -1;
	if (fstat(fd, &sb) != 0 || lseek(fd, 0, SEEK_SET) != 0) {
		err_internal(e, "exports: stat %s: %s", path, strerror(errno));
		goto out;
	}
	req_send_fd(r, fd, (uint64_t)sb.st_size, XLSX_MIME, filename);
	fd = -1;
	rc = 0;
out:
	db_reset(st);
	if (w)
		xlsx_abort(w);
	unlink(path);
	if (fd >= 0)
		close(fd);
	return rc;
}
