/*
 * exports_int.h - private to src/exports: the route handlers of the PDF and calendar-feed files,
 * gathered into exports_module's one route table by exports_api.c.
 */
#ifndef JW_EXPORTS_INT_H
#define JW_EXPORTS_INT_H

#include "http/http.h"

#include <stdbool.h>

/* pdf_api.c */
int pdf_api_outgoing(struct req *r, struct err *e);
int pdf_api_outgoing_draft(struct req *r, struct err *e);
int pdf_api_incoming_sheet(struct req *r, struct err *e);
int pdf_api_approval_sheet(struct req *r, struct err *e);

/* feed_api.c */
int feed_api_create(struct req *r, struct err *e);
int feed_api_list(struct req *r, struct err *e);
int feed_api_revoke(struct req *r, struct err *e);
int feed_api_ics(struct req *r, struct err *e);

/* Sets Content-Disposition to `inline` (the browser shows it, e.g. in the PDF preview) or
 * `attachment` (it downloads), with filename as an RFC 5987 UTF-8 name. */
void exports_disposition(struct req *r, bool inline_view, const char *filename);

#endif
