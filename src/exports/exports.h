/*
 * exports.h - documents out of Jianwu: Excel exports of lists, PDFs of documents and their
 * processing sheets, and secret calendar feeds of a user's deadlines (issue 7).
 *
 * Routes (exports_module):
 *   Excel, one sheet each, streamed in constant memory (below):
 *     GET /api/v1/audit/export       auditor; the filters of GET /api/v1/audit
 *     GET /api/v1/users/export       sysadmin; the filters of GET /api/v1/users
 *     GET /api/v1/incoming/export    收文登记簿; the filters of GET /api/v1/incoming
 *     GET /api/v1/outgoing/export    发文登记簿; the filters of GET /api/v1/outgoing
 *   PDF (pdf_api.c), with the need-to-know of the JSON detail (404 outside it):
 *     GET /api/v1/outgoing/{id}/pdf         the GB/T 9704 正本, from 编号 on; ?copy=N numbers it
 *     GET /api/v1/outgoing/{id}/draft.pdf   发文稿纸
 *     GET /api/v1/incoming/{id}/sheet.pdf   收文处理单
 *     GET /api/v1/workflows/instances/{id}/sheet.pdf   审批单
 *   Calendar feeds (feed_api.c):
 *     POST/GET /api/v1/calendar-feeds, DELETE /api/v1/calendar-feeds/{id}
 *     GET /api/v1/calendar/{secret}.ics     public: the secret is the credential
 *
 * Excel helper. export_xlsx_query() steps a prepared statement row by row into a workbook written
 * by src/render/xlsx.c (a streaming writer: the sheet XML is deflated as it goes) to a temporary
 * file that is unlinked as soon as it is complete, and hands the open descriptor to the server
 * (req_send_fd), so memory stays flat whatever the number of rows and nothing is left on disk.
 * The statement belongs to the caller (cached: it is reset here, not finalised).
 *
 * Threads: handlers run in the server's worker threads; everything here is per request.
 */
#ifndef JW_EXPORTS_H
#define JW_EXPORTS_H

#include "core/err.h"
#include "db/db.h"
#include "http/http.h"
#include "render/xlsx.h"

#include <stddef.h>
#include <stdint.h>

#define XLSX_MIME           "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#define EXPORT_ROWS_MAX     XLSX_ROWS_MAX /* rows of one export: Excel's sheet limit */
#define EXPORT_FILENAME_MAX 200           /* bytes of a download name */

/*
 * Fills cells[0..ncols) from the statement's current row. Strings put into cells must stay valid
 * until the next step of st (db_col_text pointers do) or live in arg. Returns 0, or -1 with e set
 * to abort the export.
 */
typedef int (*export_row_fn)(struct db_stmt *st, struct xlsx_cell *cells, size_t ncols, void *arg,
                             struct err *e);

/*
 * The default row function: statement column i feeds cell i as cols[i].type says — TEXT from
 * text, INT/NUMBER from numbers, DATE from "YYYY-MM-DD" text or days since 1970, DATETIME from
 * Unix seconds; SQL NULL is an empty cell. arg: the const struct xlsx_column array.
 */
int export_row_default(struct db_stmt *st, struct xlsx_cell *cells, size_t ncols, void *arg,
                       struct err *e);

/*
 * Writes one sheet named `sheet` with columns cols from every row of st (row_fn NULL = the
 * default, given cols as arg) and answers the request with it as an attachment named filename
 * (UTF-8; the server encodes it per RFC 5987). ERR_VALIDATION when more than EXPORT_ROWS_MAX
 * rows match. Returns 0 with the response set, or -1 with e set (nothing sent).
 */
int export_xlsx_query(struct req *r, const char *filename, const char *sheet,
                      const struct xlsx_column *cols, size_t ncols, struct db_stmt *st,
                      export_row_fn row_fn, void *arg, struct err *e);

/*
 * A temporary file for a response body, created in $TMPDIR (or /tmp) and unlinked at once, so it
 * disappears with its descriptor (the server closes it after sending). Returns the descriptor
 * open for reading and writing, or -1 with e set.
 */
int export_tmpfd(struct err *e);

extern const struct module exports_module;

#endif
