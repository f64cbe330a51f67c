/*
 * ics.c - iCalendar writer (see ics.h).
 */
#include "render/ics.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/timeutil.h"

#define PRODID "-//Jianwu//Jianwu Calendar 1.0//ZH"

long ics_escape_text(const char *in, char *out, size_t cap)
{
	size_t n = strlen(in), i = 0, o = 0;

	if (render_utf8_check(in, n) != 0)
		return -1;
	while (i < n) {
		unsigned char c = (unsigned char)in[i++];
		const char *rep = NULL;
		char one[2] = {(char)c, '\0'};

		switch (c) {
		case '\\':
			rep = "\\\\";
			break;
		case ';':
			rep = "\\;";
			break;
		case ',':
			rep = "\\,";
			break;
		case '\r':
			/* CRLF and lone CR both mean one line break */
			if (i < n && in[i] == '\n')
				i++;
			rep = "\\n";
			break;
		case '\n':
			rep = "\\n";
			break;
		default:
			/* RFC 5545 TSAFE-CHAR excludes CONTROL except HTAB */
			if ((c < 0x20 && c != '\t') || c == 0x7F)
				rep = "";
			else
				rep = one;
		}
		if (strlen(rep) >= cap - o)
			return -1;
		memcpy(out + o, rep, strlen(rep));
		o += strlen(rep);
	}
	out[o] = '\0';
	return (long)o;
}

/* Length of the UTF-8 sequence that starts with byte c (1 for a stray continuation byte). */
static size_t seq_len(unsigned char c)
{
	if (c >= 0xF0)
		return 4;
	if (c >= 0xE0)
		return 3;
	if (c >= 0xC0)
		return 2;
	return 1;
}

int ics_write_line(const struct render_sink *sink, const char *name, const char *value)
{
	size_t nlen = strlen(name), vlen = strlen(value), total = nlen + vlen;
	size_t pos = 0, width = 0, limit = ICS_FOLD_OCTETS;
	char *line = malloc(total + 1);
	int rc = -1;

	if (!line)
		return -1;
	memcpy(line, name, nlen);
	memcpy(line + nlen, value, vlen + 1);
	/* Emit whole UTF-8 sequences while they fit in the current physical line; a continuation
	 * line starts with one space, which counts against its 75 octets. */
	while (pos < total) {
		size_t start = pos;

		width = 0;
		while (pos < total) {
			size_t k = seq_len((unsigned char)line[pos]);

			if (pos + k > total)
				k = total - pos;
			if (width + k > limit)
				break;
			width += k;
			pos += k;
		}
		if (start > 0 && render_write(sink, " ", 1) != 0)
			goto out;
		if (render_write(sink, line + start, pos - start) != 0 ||
		    render_write(sink, "\r\n", 2))
			goto out;
		limit = ICS_FOLD_OCTETS - 1;
	}
	if (total == 0 && render_write(sink, "\r\n", 2) != 0)
		goto out;
	rc = 0;
out:
	free(line);
	return rc;
}

/* STAMP_MAX leaves room for any year the compiler cannot rule out. */
#define STAMP_MAX 40

static void utc_stamp(int64_t t, char out[STAMP_MAX])
{
	int days = (int)(t >= 0 ? t / 86400 : -((-t + 86399) / 86400));
	int secs = (int)(t - (int64_t)days * 86400);
	int y, m, d;

	date_ymd(days, &y, &m, &d);
	snprintf(out, STAMP_MAX, "%04d%02d%02dT%02d%02d%02dZ", y, m, d, secs / 3600, secs / 60 % 60,
	         secs % 60);
}

static void date_stamp(int days, char out[STAMP_MAX])
{
	int y, m, d;

	date_ymd(days, &y, &m, &d);
	snprintf(out, STAMP_MAX, "%04d%02d%02d", y, m, d);
}

/* Writes name + escaped TEXT; validates length and UTF-8. */
static int text_line(struct ics_writer *w, const char *name, const char *field, const char *val,
                     struct err *e)
{
	size_t n = strlen(val);
	char *esc;
	int rc = -1;

	if (n > ICS_TEXT_MAX)
		return err_field(e, ERR_VALIDATION, field, "日历内容过长");
	esc = malloc(2 * n + 1);
	if (!esc)
		return err_internal(e, "ics: out of memory");
	if (ics_escape_text(val, esc, 2 * n + 1) < 0) {
		err_field(e, ERR_VALIDATION, field, "日历内容不是有效的 UTF-8 文本");
		goto out;
	}
	if (ics_write_line(w->sink, name, esc) != 0) {
		w->failed = 1;
		err_internal(e, "ics: sink write failed");
		goto out;
	}
	rc = 0;
out:
	free(esc);
	return rc;
}

static int raw_line(struct ics_writer *w, const char *name, const char *val, struct err *e)
{
	if (ics_write_line(w->sink, name, val) != 0) {
		w->failed = 1;
		return err_internal(e, "ics: sink write failed");
	}
	return 0;
}

int ics_begin(struct ics_writer *w, const struct render_sink *sink, const char *calname,
              int64_t dtstamp, struct err *e)
{
	memset(w, 0, sizeof(*w));
	w->sink = sink;
	w->dtstamp = dtstamp;
	if (raw_line(w, "BEGIN:", "VCALENDAR", e) || raw_line(w, "VERSION:", "2.0", e) ||
	    raw_line(w, "PRODID:", PRODID, e) || raw_line(w, "CALSCALE:", "GREGORIAN", e) ||
	    raw_line(w, "METHOD:", "PUBLISH", e))
		return -1;
	if (calname && *calname && text_line(w, "X-WR-CALNAME:", "calname", calname, e))
		return -1;
	/* subscribed clients re-fetch hourly: deadlines move */
	if (raw_line(w, "X-WR-TIMEZONE:", "Asia/Shanghai", e) ||
	    raw_line(w, "REFRESH-INTERVAL;VALUE=DURATION:", "PT1H", e) ||
	    raw_line(w, "X-PUBLISHED-TTL:", "PT1H", e))
		return -1;
	return 0;
}

/* A URI value is written unescaped, so it must hold no controls or spaces. */
static int url_ok(const char *u)
{
	size_t n = strlen(u), i;

	if (n == 0 || n > ICS_URL_MAX)
		return 0;
	if (strncmp(u, "https://", 8) != 0 && strncmp(u, "http://", 7) != 0)
		return 0;
	for (i = 0; i < n; i++)
		if ((unsigned char)u[i] <= 0x20 || (unsigned char)u[i] >= 0x7F)
			return 0;
	return 1;
}

static int check_event(const struct ics_event *ev, struct err *e)
{
	if (!ev->uid || !*ev->uid || strlen(ev->uid) > ICS_UID_MAX)
		return err_field(e, ERR_VALIDATION, "uid", "日历事件缺少有效的 UID");
	if (!ev->summary || !*ev->summary)
		return err_field(e, ERR_VALIDATION, "summary", "日历事件缺少标题");
	if (ev->url && *ev->url && !url_ok(ev->url))
		return err_field(e, ERR_VALIDATION, "url", "日历事件链接无效");
	if (ev->all_day && ev->end_date && ev->end_date <= ev->date)
		return err_field(e, ERR_VALIDATION, "end_date", "结束日期须晚于开始日期");
	if (!ev->all_day && ev->end && ev->end < ev->start)
		return err_field(e, ERR_VALIDATION, "end", "结束时间须不早于开始时间");
	return 0;
}

int ics_event(struct ics_writer *w, const struct ics_event *ev, struct err *e)
{
	char stamp[STAMP_MAX], day[STAMP_MAX];

	if (w->failed)
		return err_internal(e, "ics: writer already failed");
	if (check_event(ev, e))
		return -1;
	utc_stamp(w->dtstamp, stamp);
	if (raw_line(w, "BEGIN:", "VEVENT", e) || text_line(w, "UID:", "uid", ev->uid, e) ||
	    raw_line(w, "DTSTAMP:", stamp, e))
		return -1;
	if (ev->all_day) {
		date_stamp(ev->date, day);
		if (raw_line(w, "DTSTART;VALUE=DATE:", day, e))
			return -1;
		date_stamp(ev->end_date ? ev->end_date : ev->date + 1, day);
		if (raw_line(w, "DTEND;VALUE=DATE:", day, e))
			return -1;
	} else {
		utc_stamp(ev->start, stamp);
		if (raw_line(w, "DTSTART:", stamp, e))
			return -1;
		if (ev->end) {
			utc_stamp(ev->end, stamp);
			if (raw_line(w, "DTEND:", stamp, e))
				return -1;
		}
	}
	if (text_line(w, "SUMMARY:", "summary", ev->summary, e))
		return -1;
	if (ev->description && *ev->description &&
	    text_line(w, "DESCRIPTION:", "description", ev->description, e))
		return -1;
	if (ev->url && *ev->url && raw_line(w, "URL:", ev->url, e))
		return -1;
	/* deadlines must not block the user's free/busy time */
	if (raw_line(w, "TRANSP:", "TRANSPARENT", e) || raw_line(w, "END:", "VEVENT", e))
		return -1;
	return 0;
}

int ics_end(struct ics_writer *w, struct err *e)
{
	if (w->failed)
		return err_internal(e, "ics: writer already failed");
	return raw_line(w, "END:", "VCALENDAR", e);
}
