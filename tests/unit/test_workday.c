/* Working-day calendar: 2026 official schedule, day and office-hour arithmetic, configuration. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/timeutil.h"
#include "core/workday.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

static int D(const char *s)
{
	int d = 0;

	assert_int_equal(date_parse(s, &d), 0);
	return d;
}

static int64_t T(const char *s)
{
	int64_t t = 0;

	assert_int_equal(time_parse_iso(s, &t), 0);
	return t;
}

static void assert_time(int64_t got, const char *want)
{
	char buf[TIME_ISO_MAX];

	time_iso(got, buf);
	assert_string_equal(buf, want);
}

static void assert_date(int got, const char *want)
{
	char buf[DATE_STR_MAX];

	date_format(got, buf);
	assert_string_equal(buf, want);
}

static int setup_2026(void **state)
{
	struct err e = ERR_INIT;
	struct workday_cal *cal = workday_cal_new();

	assert_non_null(cal);
	assert_int_equal(workday_cal_load_builtin(cal, &e), 0);
	*state = cal;
	return 0;
}

static int teardown_cal(void **state)
{
	workday_cal_free(*state);
	return 0;
}

/* Every day of the 2026 notice that differs from the plain week, and neighbours that do not. */
static void test_2026_days(void **state)
{
	const struct workday_cal *cal = *state;
	static const struct {
		const char *date;
		int work;
	} days[] = {
	    {"2025-12-31", 1}, {"2026-01-01", 0},
	    {"2026-01-02", 0}, {"2026-01-03", 0},
	    {"2026-01-04", 1}, /* Sunday, 调休上班 */
	    {"2026-01-05", 1}, {"2026-01-10", 0},
	    {"2026-02-13", 1}, {"2026-02-14", 1}, /* Saturday, 调休上班 */
	    {"2026-02-15", 0}, {"2026-02-16", 0},
	    {"2026-02-20", 0}, {"2026-02-23", 0},
	    {"2026-02-24", 1}, {"2026-02-28", 1}, /* Saturday, 调休上班 */
	    {"2026-03-01", 0}, {"2026-03-07", 0},
	    {"2026-04-03", 1}, {"2026-04-06", 0},
	    {"2026-04-07", 1}, {"2026-04-30", 1},
	    {"2026-05-01", 0}, {"2026-05-04", 0},
	    {"2026-05-05", 0}, {"2026-05-06", 1},
	    {"2026-05-09", 1}, /* Saturday */
	    {"2026-05-10", 0}, {"2026-06-18", 1},
	    {"2026-06-19", 0}, {"2026-06-22", 1},
	    {"2026-09-20", 1}, /* Sunday */
	    {"2026-09-25", 0}, {"2026-09-28", 1},
	    {"2026-09-30", 1}, {"2026-10-01", 0},
	    {"2026-10-07", 0}, {"2026-10-08", 1},
	    {"2026-10-10", 1}, /* Saturday */
	    {"2026-10-11", 0}, {"2026-12-31", 1},
	    {"2027-01-01", 1}, /* unconfigured year: a plain Friday */
	    {"2027-01-02", 0},
	};

	for (size_t i = 0; i < sizeof days / sizeof days[0]; i++) {
		if (workday_is_workday(cal, D(days[i].date)) != days[i].work)
			fail_msg("%s: expected %s", days[i].date, days[i].work ? "work" : "rest");
	}
	assert_true(workday_cal_has_year(cal, 2026));
	assert_false(workday_cal_has_year(cal, 2027));
}

/* 261 weekdays in 2026, 19 of them holidays, 6 weekend days worked: 248 working days. */
static void test_2026_total(void **state)
{
	const struct workday_cal *cal = *state;
	int brute = 0;

	for (int d = D("2026-01-01"); d <= D("2026-12-31"); d++)
		brute += workday_is_workday(cal, d);
	assert_int_equal(brute, 248);
	assert_int_equal(workday_count(cal, D("2025-12-31"), D("2026-12-31")), 248);
	assert_int_equal(workday_count(cal, D("2026-12-31"), D("2025-12-31")), -248);
	/* a plain year around it */
	assert_int_equal(workday_count(cal, D("2026-12-31"), D("2027-12-31")), 261);
}

static void test_add_and_minus(void **state)
{
	const struct workday_cal *cal = *state;
	static const struct {
		const char *from;
		int n;
		const char *want;
	} cases[] = {
	    {"2026-02-13", 1, "2026-02-14"}, /* Friday -> 调休 Saturday */
	    {"2026-02-13", 2, "2026-02-24"}, /* over the Spring Festival */
	    {"2026-02-13", 3, "2026-02-25"},
	    {"2026-09-30", 1, "2026-10-08"},  /* over National Day */
	    {"2026-09-30", 3, "2026-10-10"},  /* ... onto the 调休 Saturday */
	    {"2026-10-09", -1, "2026-10-08"}, /* deadline minus N working days */
	    {"2026-10-09", -2, "2026-09-30"},
	    {"2026-10-09", -3, "2026-09-29"},
	    {"2026-09-21", -1, "2026-09-20"}, /* back onto the 调休 Sunday */
	    {"2026-03-06", 1, "2026-03-09"},  /* an ordinary weekend */
	    {"2026-03-07", 0, "2026-03-07"},
	    {"2026-12-31", 1, "2027-01-01"}, /* into an unconfigured year */
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int got = workday_add(cal, D(cases[i].from), cases[i].n);

		assert_date(got, cases[i].want);
		assert_int_equal(workday_count(cal, D(cases[i].from), got), cases[i].n);
	}
	assert_date(workday_roll_forward(cal, D("2026-10-01")), "2026-10-08");
	assert_date(workday_roll_forward(cal, D("2026-10-10")), "2026-10-10");
	assert_int_equal(workday_count(cal, D("2026-09-30"), D("2026-10-10")), 3);
	assert_int_equal(workday_count(cal, D("2026-10-01"), D("2026-10-01")), 0);
}

/* workday_count (prefix sums) against a day-by-day count, and add as count's inverse. */
static void test_count_matches_brute_force(void **state)
{
	const struct workday_cal *cal = *state;
	unsigned seed = 2026;

	for (int i = 0; i < 3000; i++) {
		int a = D("2025-06-01") + (int)((seed = seed * 1103515245u + 12345u) >> 8) % 900;
		int b = D("2025-06-01") + (int)((seed = seed * 1103515245u + 12345u) >> 8) % 900;
		int n = (int)((seed = seed * 1103515245u + 12345u) >> 8) % 61 - 30;
		int brute = 0;

		for (int d = (a < b ? a : b) + 1; d <= (a < b ? b : a); d++)
			brute += workday_is_workday(cal, d);
		assert_int_equal(workday_count(cal, a, b), a <= b ? brute : -brute);
		if (n >= 0 || workday_is_workday(cal, a))
			assert_int_equal(workday_count(cal, a, workday_add(cal, a, n)), n);
	}
}

static void test_office_hours(void **state)
{
	const struct workday_cal *cal = *state;
	static const struct {
		const char *from;
		int64_t secs;
		const char *want;
	} cases[] = {
	    {"2026-02-13T17:00:00+08:00", 2 * 3600, "2026-02-14T09:30:00+08:00"},
	    {"2026-09-30T16:00:00+08:00", 4 * 3600, "2026-10-08T10:30:00+08:00"},
	    {"2026-03-02T12:30:00+08:00", 3600, "2026-03-02T15:30:00+08:00"},  /* lunch */
	    {"2026-03-02T08:30:00+08:00", 12600, "2026-03-02T12:00:00+08:00"}, /* exact end */
	    {"2026-03-07T10:00:00+08:00", 60, "2026-03-09T08:31:00+08:00"},    /* Saturday */
	    {"2026-03-02T20:00:00+08:00", 7 * 3600, "2026-03-03T18:00:00+08:00"},
	    {"2026-10-08T10:30:00+08:00", -4 * 3600, "2026-09-30T16:00:00+08:00"},
	    {"2026-03-02T15:30:00+08:00", -3600, "2026-03-02T14:30:00+08:00"},
	    {"2026-03-02T15:30:00+08:00", -5400, "2026-03-02T11:30:00+08:00"}, /* lunch */
	    {"2026-03-03T18:00:00+08:00", -7 * 3600, "2026-03-03T08:30:00+08:00"},
	    {"2026-03-02T09:00:00+08:00", 0, "2026-03-02T09:00:00+08:00"},
	};

	assert_int_equal(workday_day_seconds(cal), 7 * 3600);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int64_t from = T(cases[i].from);
		int64_t got = workday_add_seconds(cal, from, cases[i].secs);

		assert_time(got, cases[i].want);
		assert_int_equal(workday_seconds_between(cal, from, got), cases[i].secs);
	}
	assert_int_equal(workday_seconds_between(cal, T("2026-03-02T08:30:00+08:00"),
	                                         T("2026-03-09T08:30:00+08:00")),
	                 5 * 7 * 3600);
	/* the National Day week: 9/30 afternoon, then nothing until 10/8 */
	assert_int_equal(workday_seconds_between(cal, T("2026-09-30T14:30:00+08:00"),
	                                         T("2026-10-08T08:30:00+08:00")),
	                 12600);
	assert_true(workday_is_office_time(cal, T("2026-03-02T08:30:00+08:00")));
	assert_false(workday_is_office_time(cal, T("2026-03-02T12:00:00+08:00")));
	assert_false(workday_is_office_time(cal, T("2026-10-01T09:00:00+08:00")));
	assert_true(workday_is_office_time(cal, T("2026-10-10T09:00:00+08:00")));
	assert_time(workday_due_days(cal, T("2026-02-13T10:00:00+08:00"), 3),
	            "2026-02-25T18:00:00+08:00");
	assert_time(workday_due_days(cal, T("2026-03-07T23:00:00+08:00"), 1),
	            "2026-03-09T18:00:00+08:00");
}

static void test_custom_hours(void **state)
{
	struct workday_cal *cal = workday_cal_new();
	struct err e = ERR_INIT;

	(void)state;
	assert_int_equal(workday_cal_set_office_hours(cal, "09:00-17:00", &e), 0);
	assert_int_equal(workday_day_seconds(cal), 8 * 3600);
	assert_time(workday_add_seconds(cal, T("2026-03-06T16:00:00+08:00"), 2 * 3600),
	            "2026-03-09T10:00:00+08:00");
	static const char *const bad[] = {
	    "",
	    "9:00-17:00",
	    "09:00-08:00",
	    "08:00-12:00,11:00-13:00",
	    "08:00-12:00;14:00-18:00",
	    "08:00-25:00",
	    "01:00-02:00,03:00-04:00,05:00-06:00,07:00-08:00,09:00-10:00"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		err_clear(&e);
		assert_int_equal(workday_cal_set_office_hours(cal, bad[i], &e), -1);
		assert_int_equal(e.kind, ERR_VALIDATION);
		assert_string_equal(e.field, "office_hours");
	}
	assert_int_equal(workday_day_seconds(cal), 8 * 3600); /* unchanged */
	workday_cal_free(cal);
}

static void test_bad_config(void **state)
{
	static const struct {
		const char *json;
		enum err_kind kind;
		const char *field;
	} cases[] = {
	    {"{\"year\":2026,\"workdays\":[\"2026-03-03\"]}", ERR_VALIDATION, "workdays"},
	    {"{\"year\":2026,\"holidays\":[\"2027-01-01\"]}", ERR_VALIDATION, "holidays"},
	    {"{\"year\":2026,\"holidays\":[\"2026-02-30\"]}", ERR_VALIDATION, "holidays"},
	    {"{\"year\":2026,\"holidays\":[\"2026-05-01\",\"2026-05-01\"]}", ERR_VALIDATION,
	     "holidays"},
	    {"{\"year\":2026,\"holidays\":[\"2026-03-07\"],\"workdays\":[\"2026-03-07\"]}",
	     ERR_VALIDATION, "workdays"},
	    {"{\"year\":2026,\"holiday\":[]}", ERR_VALIDATION, "holiday"},
	    {"{\"year\":1800}", ERR_VALIDATION, "year"},
	    {"{\"year\":\"2026\"}", ERR_VALIDATION, "year"},
	    {"{\"year\":2026,\"holidays\":\"2026-01-01\"}", ERR_VALIDATION, "holidays"},
	    {"{\"year\":2026,", ERR_BAD_REQUEST, ""},
	    {"[2026]", ERR_VALIDATION, ""},
	};
	struct workday_cal *cal = workday_cal_new();

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct err e = ERR_INIT;

		assert_int_equal(
		    workday_cal_load_json(cal, cases[i].json, strlen(cases[i].json), &e), -1);
		assert_int_equal(e.kind, cases[i].kind);
		assert_string_equal(e.field, cases[i].field);
		assert_true(e.msg[0] != '\0');
	}
	assert_false(workday_cal_has_year(cal, 2026));
	workday_cal_free(cal);
}

static void test_too_many_dates(void **state)
{
	char buf[WORKDAY_JSON_MAX];
	size_t n = 0;
	struct workday_cal *cal = workday_cal_new();
	struct err e = ERR_INIT;

	(void)state;
	n += (size_t)snprintf(buf + n, sizeof buf - n, "{\"year\":2026,\"holidays\":[");
	for (int i = 0; i <= WORKDAY_SPECIAL_MAX; i++) {
		char d[DATE_STR_MAX];

		date_format(D("2026-01-01") + i, d);
		n += (size_t)snprintf(buf + n, sizeof buf - n, "%s\"%s\"", i ? "," : "", d);
	}
	n += (size_t)snprintf(buf + n, sizeof buf - n, "]}");
	assert_int_equal(workday_cal_load_json(cal, buf, n, &e), -1);
	assert_string_equal(e.field, "holidays");
	err_clear(&e);
	assert_int_equal(workday_cal_load_json(cal, buf, WORKDAY_JSON_MAX + 1, &e), -1);
	assert_int_equal(e.kind, ERR_TOO_LARGE);
	workday_cal_free(cal);
}

/* The administrator's edit: replacing a year changes the answers; serialising and loading gives
 * the same document back. */
static void test_replace_and_roundtrip(void **state)
{
	struct workday_cal *cal = *state, *copy = workday_cal_new();
	struct err e = ERR_INIT;
	const char *edit = "{\"year\":2026,\"holidays\":[\"2026-03-02\"],\"workdays\":[]}";
	char *a = workday_year_json(cal, 2026), *b;

	assert_non_null(a);
	assert_int_equal(workday_cal_load_json(copy, a, strlen(a), &e), 0);
	b = workday_year_json(copy, 2026);
	assert_string_equal(a, b);
	assert_int_equal(workday_count(copy, D("2025-12-31"), D("2026-12-31")), 248);
	free(b);
	assert_int_equal(workday_cal_load_json(copy, edit, strlen(edit), &e), 0);
	assert_false(workday_is_workday(copy, D("2026-03-02")));
	assert_false(workday_is_workday(copy, D("2026-01-04")));
	assert_true(workday_is_workday(copy, D("2026-01-01")));
	assert_int_equal(workday_count(copy, D("2025-12-31"), D("2026-12-31")), 260);
	assert_null(workday_year_json(copy, 2030));
	assert_null(workday_builtin_json(2030));
	free(a);
	workday_cal_free(copy);
}

struct reader {
	const struct workday_cal *cal;
	long sum;
};

static void *read_many(void *p)
{
	struct reader *r = p;

	for (int d = D("2025-01-01"); d < D("2027-12-31"); d++)
		r->sum += workday_count(r->cal, d, workday_add(r->cal, d, 5)) +
		          workday_is_workday(r->cal, d);
	return NULL;
}

/* Readers share one loaded calendar without locks and all see the same answers. */
static void test_concurrent_readers(void **state)
{
	struct reader r[4];
	pthread_t th[4];

	for (int i = 0; i < 4; i++) {
		r[i].cal = *state;
		r[i].sum = 0;
		assert_int_equal(pthread_create(&th[i], NULL, read_many, &r[i]), 0);
	}
	for (int i = 0; i < 4; i++)
		assert_int_equal(pthread_join(th[i], NULL), 0);
	for (int i = 1; i < 4; i++)
		assert_int_equal(r[i].sum, r[0].sum);
	assert_true(r[0].sum > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_2026_days, setup_2026, teardown_cal),
	    cmocka_unit_test_setup_teardown(test_2026_total, setup_2026, teardown_cal),
	    cmocka_unit_test_setup_teardown(test_add_and_minus, setup_2026, teardown_cal),
	    cmocka_unit_test_setup_teardown(test_count_matches_brute_force, setup_2026,
	                                    teardown_cal),
	    cmocka_unit_test_setup_teardown(test_office_hours, setup_2026, teardown_cal),
	    cmocka_unit_test(test_custom_hours),
	    cmocka_unit_test(test_bad_config),
	    cmocka_unit_test(test_too_many_dates),
	    cmocka_unit_test_setup_teardown(test_replace_and_roundtrip, setup_2026, teardown_cal),
	    cmocka_unit_test_setup_teardown(test_concurrent_readers, setup_2026, teardown_cal),
	};

	return cmocka_run_group_tests_name("workday", tests, NULL, NULL);
}
