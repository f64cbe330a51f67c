/*
 * test_render_ics.c - iCalendar writer: TEXT escaping, folding at 75 octets without splitting
 * UTF-8, CRLF, the calendar and event properties, validation.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/timeutil.h"
#include "core/utf8.h"
#include "render/ics.h"

static char *buf_str(struct render_buf *b)
{
	char *s = malloc(b->len + 1);

	assert_non_null(s);
	memcpy(s, b->data, b->len);
	s[b->len] = '\0';
	return s;
}

static void test_escape(void **state)
{
	char out[128];

	(void)state;
	assert_int_equal(ics_escape_text("a\\b;c,d\ne", out, sizeof(out)), 13);
	assert_string_equal(out, "a\\\\b\\;c\\,d\\ne");
	/* CRLF and a lone CR are one line break each; controls other than TAB vanish */
	ics_escape_text("x\r\ny\rz\x01\tq", out, sizeof(out));
	assert_string_equal(out, "x\\ny\\nz\tq");
	ics_escape_text("办理时限：3月20日", out, sizeof(out));
	assert_string_equal(out, "办理时限：3月20日");
	/* invalid UTF-8 and a too small buffer are refused */
	assert_int_equal(ics_escape_text("\xe4\xb8", out, sizeof(out)), -1);
	assert_int_equal(ics_escape_text(";;;;", out, 8), -1);
	assert_int_equal(ics_escape_text(";;;;", out, 9), 8);
}

/* Unfolds RFC 5545 content lines; checks every physical line on the way. */
static char *unfold_checked(const char *s)
{
	char *out = malloc(strlen(s) + 1);
	size_t o = 0;
	const char *p = s;

	assert_non_null(out);
	while (*p) {
		const char *crlf = strstr(p, "\r\n");
		size_t len, count;
		const char *text = p;

		assert_non_null(crlf); /* every line ends in CRLF */
		len = (size_t)(crlf - p);
		assert_true(len <= ICS_FOLD_OCTETS);
		assert_null(memchr(p, '\n', len));
		if (p != s && *p == ' ') { /* a continuation */
			text++;
			len--;
		} else if (p != s) {
			out[o++] = '\n';
		}
		/* no fold splits a UTF-8 sequence: each physical line decodes on its own */
		assert_int_equal(utf8_count(text, len, &count), 0);
		memcpy(out + o, text, len);
		o += len;
		p = crlf + 2;
	}
	out[o] = '\0';
	return out;
}

static void test_fold_ascii(void **state)
{
	struct render_buf b = {0};
	struct render_sink s = render_sink_buf(&b);
	char value[301], *text, *unfolded;

	(void)state;
	memset(value, 'x', 300);
	value[300] = '\0';
	assert_int_equal(ics_write_line(&s, "DESCRIPTION:", value), 0);
	text = buf_str(&b);
	/* first line 75 octets, continuation lines a space plus 74 */
	assert_memory_equal(text + 75, "\r\n x", 4);
	unfolded = unfold_checked(text);
	assert_string_equal(unfolded + strlen("DESCRIPTION:"), value);
	assert_int_equal(strncmp(unfolded, "DESCRIPTION:", 12), 0);
	free(text);
	free(unfolded);
	render_buf_free(&b);
}

static void test_fold_utf8(void **state)
{
	struct render_buf b = {0};
	struct render_sink s = render_sink_buf(&b);
	char value[3 * 100 + 2], *text, *unfolded;
	int i;

	(void)state;
	/* one ASCII byte first, so three-byte characters straddle every 75-octet boundary */
	value[0] = 'a';
	for (i = 0; i < 100; i++)
		memcpy(value + 1 + 3 * i, "检", 3);
	value[301] = '\0';
	assert_int_equal(ics_write_line(&s, "SUMMARY:", value), 0);
	text = buf_str(&b);
	unfolded = unfold_checked(text);
	assert_string_equal(unfolded + strlen("SUMMARY:"), value);
	free(text);
	free(unfolded);
	render_buf_free(&b);
}

static void test_short_line_not_folded(void **state)
{
	struct render_buf b = {0};
	struct render_sink s = render_sink_buf(&b);
	char value[76 - 8];

	(void)state;
	memset(value, 'y', sizeof(value) - 1);
	value[sizeof(value) - 1] = '\0';
	/* "SUMMARY:" + 67 = exactly 75 octets: one line */
	assert_int_equal(ics_write_line(&s, "SUMMARY:", value), 0);
	assert_int_equal(b.len, 77);
	assert_memory_equal(b.data + 75, "\r\n", 2);
	render_buf_free(&b);
}

static void test_calendar(void **state)
{
	struct render_buf b = {0};
	struct render_sink s = render_sink_buf(&b);
	struct ics_writer w;
	struct err e = ERR_INIT;
	struct ics_event ev = {0};
	int64_t stamp = date_start_time(date_from_ymd(2026, 3, 5)) + 9 * 3600; /* 09:00 +08:00 */
	char *text, *u;

	(void)state;
	ev.uid = "deadline-153@jianwu";
	ev.all_day = true;
	ev.date = date_from_ymd(2026, 3, 20);
	ev.summary = "办理时限：专项评查, 第二检察部";
	ev.description = "来文：榆检发〔2026〕21号\n承办：第二检察部";
	ev.url = "https://jianwu.example/incoming/153";
	assert_int_equal(ics_begin(&w, &s, "王晓梅的办理时限", stamp, &e), 0);
	assert_int_equal(ics_event(&w, &ev, &e), 0);
	ev.uid = "meeting-9@jianwu";
	ev.all_day = false;
	ev.start = stamp + 3600;
	ev.end = stamp + 7200;
	ev.url = NULL;
	ev.description = NULL;
	assert_int_equal(ics_event(&w, &ev, &e), 0);
	assert_int_equal(ics_end(&w, &e), 0);
	text = buf_str(&b);
	u = unfold_checked(text);
	assert_int_equal(strncmp(u, "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:", 35), 0);
	assert_non_null(strstr(u, "\nX-WR-CALNAME:王晓梅的办理时限\n"));
	assert_non_null(strstr(u,
	                       "\nBEGIN:VEVENT\nUID:deadline-153@jianwu\nDTSTAMP:20260305T010000Z\n"
	                       "DTSTART;VALUE=DATE:20260320\nDTEND;VALUE=DATE:20260321\n"));
	assert_non_null(strstr(u, "\nSUMMARY:办理时限：专项评查\\, 第二检察部\n"));
	assert_non_null(strstr(u, "\nDESCRIPTION:来文：榆检发〔2026〕21号\\n承办：第二检察部\n"));
	assert_non_null(strstr(u, "\nURL:https://jianwu.example/incoming/153\n"));
	assert_non_null(strstr(u, "\nDTSTART:20260305T020000Z\nDTEND:20260305T030000Z\n"));
	assert_int_equal(strcmp(u + strlen(u) - strlen("END:VCALENDAR"), "END:VCALENDAR"), 0);
	free(text);
	free(u);
	render_buf_free(&b);
}

static void test_validation(void **state)
{
	struct render_buf b = {0};
	struct render_sink s = render_sink_buf(&b);
	struct ics_writer w;
	struct err e = ERR_INIT;
	struct ics_event ev = {0};

	(void)state;
	assert_int_equal(ics_begin(&w, &s, "x", 0, &e), 0);
	ev.summary = "x";
	assert_int_equal(ics_event(&w, &ev, &e), -1);
	assert_int_equal(e.kind, ERR_VALIDATION);
	assert_string_equal(e.field, "uid");
	err_clear(&e);
	ev.uid = "u1";
	ev.url = "javascript:alert(1)";
	assert_int_equal(ics_event(&w, &ev, &e), -1);
	assert_string_equal(e.field, "url");
	err_clear(&e);
	ev.url = "https://a.example/x y"; /* a space would end the URI */
	assert_int_equal(ics_event(&w, &ev, &e), -1);
	err_clear(&e);
	ev.url = NULL;
	ev.summary = "\xff";
	assert_int_equal(ics_event(&w, &ev, &e), -1);
	assert_string_equal(e.field, "summary");
	err_clear(&e);
	ev.summary = "x";
	ev.all_day = true;
	ev.date = 100;
	ev.end_date = 100;
	assert_int_equal(ics_event(&w, &ev, &e), -1);
	assert_string_equal(e.field, "end_date");
	render_buf_free(&b);
}

static int failing_write(void *ctx, const void *data, size_t len)
{
	(void)ctx;
	(void)data;
	(void)len;
	return -1;
}

static void test_sink_failure(void **state)
{
	struct render_sink s = {failing_write, NULL};
	struct ics_writer w;
	struct err e = ERR_INIT;

	(void)state;
	assert_int_equal(ics_begin(&w, &s, "x", 0, &e), -1);
	assert_int_equal(e.kind, ERR_INTERNAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_escape),       cmocka_unit_test(test_fold_ascii),
	    cmocka_unit_test(test_fold_utf8),    cmocka_unit_test(test_short_line_not_folded),
	    cmocka_unit_test(test_calendar),     cmocka_unit_test(test_validation),
	    cmocka_unit_test(test_sink_failure),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
