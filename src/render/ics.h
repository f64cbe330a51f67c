/*
 * ics.h - iCalendar (RFC 5545) feed writer: one VCALENDAR of VEVENTs.
 *
 * Output is CRLF-terminated content lines folded at 75 octets (a fold never splits a UTF-8
 * sequence); TEXT values are escaped (backslash, semicolon, comma, newline) and stripped of the
 * control characters RFC 5545 does not allow. Times are written in UTC ("20260305T011200Z"),
 * all-day items as DTSTART;VALUE=DATE with the China calendar date.
 *
 * Lifecycle: ics_begin() writes the calendar header to the sink; ics_event() once per event;
 * ics_end() the footer. The writer holds no heap memory; the sink stays the caller's. Redaction
 * (need-to-know, 涉密事项) is the feed builder's job: this writer prints what it is given.
 */
#ifndef JW_ICS_H
#define JW_ICS_H

#include <stdbool.h>
#include <stdint.h>

#include "render/render.h"

#define ICS_FOLD_OCTETS 75          /* RFC 5545 §3.1: max octets of a line, CRLF excluded */
#define ICS_UID_MAX     255         /* bytes */
#define ICS_TEXT_MAX    (64 * 1024) /* bytes of one SUMMARY/DESCRIPTION/X-WR-CALNAME */
#define ICS_URL_MAX     2048        /* bytes */

struct ics_writer {
	const struct render_sink *sink;
	int64_t dtstamp; /* written as DTSTAMP of every event */
	int failed;      /* a sink write failed; later calls fail at once */
};

struct ics_event {
	const char *uid;         /* required, globally unique ("deadline-42@jianwu.example") */
	bool all_day;            /* deadlines: true */
	int date;                /* all_day: days since 1970-01-01 (China date) */
	int end_date;            /* all_day: exclusive end day; 0 means date + 1 */
	int64_t start;           /* !all_day: Unix seconds */
	int64_t end;             /* !all_day: Unix seconds; 0 means no DTEND */
	const char *summary;     /* required */
	const char *description; /* optional, may contain newlines */
	const char *url;         /* optional absolute URL */
};

/* Writes BEGIN:VCALENDAR ... X-WR-CALNAME. calname is TEXT; dtstamp is the feed's generation
 * time (Unix seconds). 0, or -1 with e set. */
int ics_begin(struct ics_writer *w, const struct render_sink *sink, const char *calname,
              int64_t dtstamp, struct err *e);
/* Writes one VEVENT. 0, or -1 with e set (ERR_VALIDATION on bad fields, naming the field). */
int ics_event(struct ics_writer *w, const struct ics_event *ev, struct err *e);
/* Writes END:VCALENDAR. 0, or -1 with e set. */
int ics_end(struct ics_writer *w, struct err *e);

/* Escapes TEXT per RFC 5545 §3.3.11 into out (NUL-terminated). Returns the length written, or
 * -1 when in is not valid UTF-8 or out (cap bytes) is too small; 2 * strlen(in) + 1 always
 * suffices. Exposed for the tests. */
long ics_escape_text(const char *in, char *out, size_t cap);

/* Writes "NAME" + value as one folded content line with CRLF through the sink. value is written
 * as given (escape it first). 0 or -1 (sink failure). Exposed for the tests. */
int ics_write_line(const struct render_sink *sink, const char *name, const char *value);

#endif
