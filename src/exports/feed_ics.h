/*
 * feed_ics.h - private to src/exports: a user's deadlines as an iCalendar document
 * (src/render/ics.h), for GET /api/v1/calendar/{secret}.ics (feed_api.c).
 *
 * What a feed lists: the owner's own open todos (state pending) that have a due date — document
 * handling, approvals, tasks, any module's — as all-day events on the due date, UID
 * "todo-<todo id>@jianwu" (stable while the todo lives). Only the owner's own todos appear, so
 * nothing above their need-to-know can (a todo is only ever made for someone who may see it).
 *
 * Redaction: a todo whose object is marked 秘密 or above appears with SUMMARY "涉密事项" and no
 * description at all — a feed ends up in phone calendars and other devices outside the network.
 * Secrecy is decided per kind by one query each (not one per item), from the table in
 * feed_ics.c mapping a todo kind to the SQL that selects the classified objects among the user's
 * open todos; a kind missing from the table is redacted whole (fail closed) until a row is added.
 *
 * Kept apart from http.h/auth.h: ics.h includes render.h (see exports_pdf.h). Runs inside the
 * caller's read transaction. out receives the document (appended).
 */
#ifndef JW_FEED_ICS_H
#define JW_FEED_ICS_H

#include "core/buf.h"
#include "core/err.h"
#include "db/db.h"

#include <stdint.h>

#define FEED_EVENTS_MAX  2000 /* events of one feed, soonest deadlines first */
#define FEED_SECRET_TEXT "涉密事项"

int feed_ics_write(struct db *db, int64_t user_id, const char *owner_name, int64_t now,
                   struct buf *out, struct err *e);

#endif
