/*
 * fuzz_workday.c - the working-day calendar an administrator edits (core/workday.c): one year's
 * JSON document and an office-hours spec, then the day and hour arithmetic over them.
 *
 * Input: the office-hours spec, a newline, the year's JSON document. Invariants:
 *   - a refused document leaves the calendar as it was, with a UTF-8 message;
 *   - an accepted year reads back (workday_year_json) as a document that loads to the same JSON;
 *   - workday_count(d, workday_add(d, n)) == n for n >= 0 (and n < 0 from a working day), the
 *     result is a working day, and roll_forward gives the first working day at or after d;
 *   - with valid office hours, workday_seconds_between(t, workday_add_seconds(t, s)) == s.
 */
#include "core/timeutil.h"
#include "core/workday.h"
#include "fuzz_util.h"

static uint32_t mix(const uint8_t *data, size_t size)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < size; i++)
		h = (h ^ data[i]) * 16777619u;
	return h;
}

static void check_days(const struct workday_cal *cal, int first, uint32_t h)
{
	for (int k = 0; k < 8; k++, h = h * 1103515245u + 12345u) {
		int d = first - 20 + (int)(h % 420), n = (int)((h >> 9) % 61) - 30;
		int r = workday_add(cal, d, n), f = workday_roll_forward(cal, d);

		if (n >= 0 || workday_is_workday(cal, d))
			FUZZ_CHECK(workday_count(cal, d, r) == n,
			           "count(%d, add(%d, %d) = %d) = %d", d, d, n, r,
			           workday_count(cal, d, r));
		FUZZ_CHECK(n == 0 || workday_is_workday(cal, r), "add(%d, %d) = %d is off", d, n,
		           r);
		FUZZ_CHECK(f >= d && workday_is_workday(cal, f) &&
		               workday_count(cal, d, f) == (f > d ? 1 : 0),
		           "roll_forward(%d) = %d", d, f);
	}
}

static void check_hours(const struct workday_cal *cal, int first, uint32_t h)
{
	for (int k = 0; k < 6; k++, h = h * 1103515245u + 12345u) {
		int64_t t =
		    date_start_time(first - 5 + (int)(h % 380)) + (int64_t)((h >> 7) % 86400);
		int64_t s = (int64_t)((h >> 3) % (40 * 3600)), u = workday_add_seconds(cal, t, s);
		int64_t back = workday_add_seconds(cal, t, -s);

		FUZZ_CHECK(u >= t && workday_seconds_between(cal, t, u) == s,
		           "between(%lld, add(%lld)) = %lld", (long long)t, (long long)s,
		           (long long)workday_seconds_between(cal, t, u));
		FUZZ_CHECK(back <= t && workday_seconds_between(cal, back, t) == s,
		           "between(add(%lld, -%lld), t) = %lld", (long long)t, (long long)s,
		           (long long)workday_seconds_between(cal, back, t));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *nl = memchr(data, '\n', size);
	size_t speclen = nl ? (size_t)(nl - (const char *)data) : 0;
	char *spec = fuzz_cstr(data, speclen);
	const char *json = nl ? nl + 1 : (const char *)data;
	size_t jlen = size - (size_t)(json - (const char *)data);
	struct workday_cal *cal = workday_cal_new(), *again;
	struct err e = ERR_INIT;
	char *before, *doc, *doc2;
	int year = 2026;
	uint32_t h = mix(data, size);

	FUZZ_CHECK(cal != NULL, "calendar");
	before = workday_year_json(cal, 2026);
	if (workday_cal_load_json(cal, json, jlen, &e) != 0) {
		FUZZ_CHECK(e.kind != ERR_NONE && fuzz_utf8_valid(e.msg, strlen(e.msg)),
		           "refusal message");
		FUZZ_CHECK(workday_cal_has_year(cal, 2026) == 0 && before == NULL,
		           "refused document changed the calendar");
	} else {
		for (year = WORKDAY_YEAR_MIN; !workday_cal_has_year(cal, year); year++)
			FUZZ_CHECK(year < WORKDAY_YEAR_MAX, "accepted year not found");
		doc = workday_year_json(cal, year);
		FUZZ_CHECK(doc != NULL, "year %d has no document", year);
		again = workday_cal_new();
		err_clear(&e);
		FUZZ_CHECK(workday_cal_load_json(again, doc, strlen(doc), &e) == 0,
		           "own document refused: %s: %s", e.msg, doc);
		doc2 = workday_year_json(again, year);
		FUZZ_CHECK(doc2 && strcmp(doc, doc2) == 0, "%s reads back as %s", doc, doc2);
		free(doc2);
		free(doc);
		workday_cal_free(again);
	}
	free(before);
	check_days(cal, date_from_ymd(year, 1, 1), h);
	err_clear(&e);
	if (workday_cal_set_office_hours(cal, spec, &e) == 0) {
		FUZZ_CHECK(workday_day_seconds(cal) > 0, "no office seconds");
		check_hours(cal, date_from_ymd(year, 1, 1), h);
	}
	workday_cal_free(cal);
	free(spec);
	return 0;
}
