#include "core/workday.h"
#include "core/timeutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * Counting. W(d) is the number of working days in [D0, d), D0 a Monday long before any configured
 * year. Without configuration W is the closed-form weekday count wk(d); each configured year adds
 * a correction (its real working days minus its weekdays), kept as a prefix sum over the sorted
 * years and a per-day cumulative count inside the year. workday_count is then two W lookups.
 */

struct cal_year {
	int year;
	int first; /* days since epoch of 1 January */
	int len;   /* 365 or 366 */
	unsigned char work[366];
	int cum[367];     /* working days among the first k days of the year */
	int delta;        /* working days of the year minus its Monday..Friday days */
	int delta_before; /* sum of delta over earlier configured years */
	int n_holidays, n_workdays;
	int holidays[WORKDAY_SPECIAL_MAX];
	int workdays[WORKDAY_SPECIAL_MAX];
	char note[WORKDAY_NOTE_MAX + 1];
};

struct period {
	int start, end; /* seconds since midnight, start < end */
};

struct workday_cal {
	int n_years;
	struct cal_year *years[WORKDAY_YEARS_MAX]; /* sorted by year */
	int n_periods;
	struct period periods[WORKDAY_PERIODS_MAX];
};

static int floor_div(int a, int b)
{
	return a >= 0 ? a / b : -((-a + b - 1) / b);
}

/* Monday..Friday days in [D0, d). 1900-01-01 was a Monday. */
static int wk(int d)
{
	static const int d0 = -25567; /* date_from_ymd(1900, 1, 1) */
	int o = d - d0;
	int q = floor_div(o, 7);
	int r = o - 7 * q;

	return 5 * q + (r < 5 ? r : 5);
}

/* Index of the last configured year whose first day is <= d, or -1. */
static int year_at_or_before(const struct workday_cal *cal, int d)
{
	int lo = 0, hi = cal->n_years - 1, found = -1;

	while (lo <= hi) {
		int mid = (lo + hi) / 2;

		if (cal->years[mid]->first <= d) {
			found = mid;
			lo = mid + 1;
		} else {
			hi = mid - 1;
		}
	}
	return found;
}

/* Working days in [D0, d). */
static int W(const struct workday_cal *cal, int d)
{
	int i = year_at_or_before(cal, d - 1);
	const struct cal_year *y;
	int k;

	if (i < 0)
		return wk(d);
	y = cal->years[i];
	k = d - y->first;
	if (k > y->len)
		k = y->len;
	return wk(d) + y->delta_before + y->cum[k] - (wk(y->first + k) - wk(y->first));
}

int workday_is_workday(const struct workday_cal *cal, int day)
{
	int i = year_at_or_before(cal, day);

	if (i >= 0 && day < cal->years[i]->first + cal->years[i]->len)
		return cal->years[i]->work[day - cal->years[i]->first];
	return date_weekday(day) <= 5;
}

int workday_count(const struct workday_cal *cal, int from, int to)
{
	return W(cal, to + 1) - W(cal, from + 1);
}

/* Terminates: a configured year has at most WORKDAY_SPECIAL_MAX holidays, so it has working days,
 * and unconfigured years have Monday..Friday. */
int workday_add(const struct workday_cal *cal, int day, int n)
{
	int step = n < 0 ? -1 : 1;

	if (n > WORKDAY_ADD_MAX)
		n = WORKDAY_ADD_MAX;
	if (n < -WORKDAY_ADD_MAX)
		n = -WORKDAY_ADD_MAX;
	n = n < 0 ? -n : n;
	while (n > 0) {
		day += step;
		if (workday_is_workday(cal, day))
			n--;
	}
	return day;
}

int workday_roll_forward(const struct workday_cal *cal, int day)
{
	while (!workday_is_workday(cal, day))
		day++;
	return day;
}

/* --- loading --- */

static void cal_reindex(struct workday_cal *cal)
{
	int sum = 0;

	for (int i = 0; i < cal->n_years; i++) {
		cal->years[i]->delta_before = sum;
		sum += cal->years[i]->delta;
	}
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

/* Parses one of the date arrays into out (sorted), checking year, duplicates and count. */
static int load_dates(const json_t *doc, const char *key, const char *label, int year, int *out,
                      int *n_out, struct err *e)
{
	const json_t *arr = json_object_get(doc, key);
	size_t i;
	const json_t *v;

	*n_out = 0;
	if (arr == NULL)
		return 0;
	if (!json_is_array(arr))
		return err_field(e, ERR_VALIDATION, key, "%s必须是日期数组", label);
	if (json_array_size(arr) > WORKDAY_SPECIAL_MAX)
		return err_field(e, ERR_VALIDATION, key, "%s最多%d个日期", label,
		                 WORKDAY_SPECIAL_MAX);
	json_array_foreach(arr, i, v)
	{
		int d, y, m, dd;

		if (!json_is_string(v) || date_parse(json_string_value(v), &d))
			return err_field(e, ERR_VALIDATION, key,
			                 "%s第%zu项不是有效日期（YYYY-MM-DD）", label, i + 1);
		date_ymd(d, &y, &m, &dd);
		if (y != year)
			return err_field(e, ERR_VALIDATION, key, "%s中的日期%s不属于%d年", label,
			                 json_string_value(v), year);
		out[(*n_out)++] = d;
	}
	qsort(out, (size_t)*n_out, sizeof *out, cmp_int);
	for (int k = 1; k < *n_out; k++)
		if (out[k] == out[k - 1])
			return err_field(e, ERR_VALIDATION, key, "%s中有重复日期", label);
	return 0;
}

static int check_keys(const json_t *doc, struct err *e)
{
	const char *key;
	const json_t *v;

	json_object_foreach((json_t *)doc, key, v)
	{
		if (strcmp(key, "year") && strcmp(key, "holidays") && strcmp(key, "workdays") &&
		    strcmp(key, "note"))
			return err_field(e, ERR_VALIDATION, key, "未知字段：%s", key);
	}
	return 0;
}

static int build_year(struct cal_year *y, struct err *e)
{
	char buf[DATE_STR_MAX];

	for (int k = 0; k < y->len; k++)
		y->work[k] = date_weekday(y->first + k) <= 5;
	for (int k = 0; k < y->n_holidays; k++)
		y->work[y->holidays[k] - y->first] = 0;
	for (int k = 0; k < y->n_workdays; k++) {
		int d = y->workdays[k];

		date_format(d, buf);
		if (date_weekday(d) <= 5)
			return err_field(e, ERR_VALIDATION, "workdays", "调休上班日%s不是周末",
			                 buf);
		for (int h = 0; h < y->n_holidays; h++)
			if (y->holidays[h] == d)
				return err_field(e, ERR_VALIDATION, "workdays",
				                 "%s不能既是节假日又是调休上班日", buf);
		y->work[d - y->first] = 1;
	}
	y->cum[0] = 0;
	for (int k = 0; k < y->len; k++)
		y->cum[k + 1] = y->cum[k] + y->work[k];
	y->delta = y->cum[y->len] - (wk(y->first + y->len) - wk(y->first));
	return 0;
}

static int parse_year(const json_t *doc, struct cal_year *y, struct err *e)
{
	const json_t *jy, *note;

	if (!json_is_object(doc))
		return err_set(e, ERR_VALIDATION, "工作日历必须是JSON对象");
	if (check_keys(doc, e))
		return -1;
	jy = json_object_get(doc, "year");
	if (!json_is_integer(jy) || json_integer_value(jy) < WORKDAY_YEAR_MIN ||
	    json_integer_value(jy) > WORKDAY_YEAR_MAX)
		return err_field(e, ERR_VALIDATION, "year", "年份必须是%d至%d之间的整数",
		                 WORKDAY_YEAR_MIN, WORKDAY_YEAR_MAX);
	y->year = (int)json_integer_value(jy);
	y->first = date_from_ymd(y->year, 1, 1);
	y->len = date_from_ymd(y->year + 1, 1, 1) - y->first;
	note = json_object_get(doc, "note");
	if (note != NULL) {
		if (!json_is_string(note) || json_string_length(note) > WORKDAY_NOTE_MAX)
			return err_field(e, ERR_VALIDATION, "note", "说明必须是不超过%d字节的文字",
			                 WORKDAY_NOTE_MAX);
		snprintf(y->note, sizeof y->note, "%s", json_string_value(note));
	}
	if (load_dates(doc, "holidays", "节假日", y->year, y->holidays, &y->n_holidays, e) ||
	    load_dates(doc, "workdays", "调休上班日", y->year, y->workdays, &y->n_workdays, e))
		return -1;
	return build_year(y, e);
}

int workday_cal_load(struct workday_cal *cal, const json_t *doc, struct err *e)
{
	struct cal_year *y = calloc(1, sizeof *y);
	int i, rc = -1;

	if (y == NULL)
		return err_internal(e, "workday: out of memory");
	if (parse_year(doc, y, e))
		goto out;
	for (i = 0; i < cal->n_years && cal->years[i]->year < y->year; i++)
		;
	if (i < cal->n_years && cal->years[i]->year == y->year) {
		free(cal->years[i]);
	} else {
		if (cal->n_years == WORKDAY_YEARS_MAX) {
			err_field(e, ERR_VALIDATION, "year", "工作日历最多配置%d个年份",
			          WORKDAY_YEARS_MAX);
			goto out;
		}
		memmove(&cal->years[i + 1], &cal->years[i],
		        (size_t)(cal->n_years - i) * sizeof cal->years[0]);
		cal->n_years++;
	}
	cal->years[i] = y;
	y = NULL;
	cal_reindex(cal);
	rc = 0;
out:
	free(y);
	return rc;
}

int workday_cal_load_json(struct workday_cal *cal, const char *json, size_t len, struct err *e)
{
	json_error_t jerr;
	json_t *doc;
	int rc;

	if (len > WORKDAY_JSON_MAX)
		return err_set(e, ERR_TOO_LARGE, "工作日历配置过大（上限%d字节）",
		               WORKDAY_JSON_MAX);
	doc = json_loadb(json, len, JSON_REJECT_DUPLICATES, &jerr);
	if (doc == NULL)
		return err_set(e, ERR_BAD_REQUEST, "工作日历不是有效的JSON：%s", jerr.text);
	rc = workday_cal_load(cal, doc, e);
	json_decref(doc);
	return rc;
}

/* 国务院办公厅关于2026年部分节假日安排的通知 (2025-11-04): 元旦 1/1-3, 1/4 上班; 春节 2/15-23,
 * 2/14 与 2/28 上班; 清明 4/4-6; 劳动节 5/1-5, 5/9 上班; 端午 6/19-21; 中秋 9/25-27;
 * 国庆 10/1-7, 9/20 与 10/10 上班. */
static const char builtin_2026[] =
    "{\"year\":2026,"
    "\"note\":\"国务院办公厅关于2026年部分节假日安排的通知（2025年11月4日）\","
    "\"holidays\":["
    "\"2026-01-01\",\"2026-01-02\",\"2026-01-03\","
    "\"2026-02-15\",\"2026-02-16\",\"2026-02-17\",\"2026-02-18\",\"2026-02-19\","
    "\"2026-02-20\",\"2026-02-21\",\"2026-02-22\",\"2026-02-23\","
    "\"2026-04-04\",\"2026-04-05\",\"2026-04-06\","
    "\"2026-05-01\",\"2026-05-02\",\"2026-05-03\",\"2026-05-04\",\"2026-05-05\","
    "\"2026-06-19\",\"2026-06-20\",\"2026-06-21\","
    "\"2026-09-25\",\"2026-09-26\",\"2026-09-27\","
    "\"2026-10-01\",\"2026-10-02\",\"2026-10-03\",\"2026-10-04\",\"2026-10-05\","
    "\"2026-10-06\",\"2026-10-07\"],"
    "\"workdays\":[\"2026-01-04\",\"2026-02-14\",\"2026-02-28\",\"2026-05-09\","
    "\"2026-09-20\",\"2026-10-10\"]}";

static const struct {
	int year;
	const char *json;
} builtins[] = {
    {2026, builtin_2026},
};

const char *workday_builtin_json(int year)
{
	for (size_t i = 0; i < sizeof builtins / sizeof builtins[0]; i++)
		if (builtins[i].year == year)
			return builtins[i].json;
	return NULL;
}

int workday_cal_load_builtin(struct workday_cal *cal, struct err *e)
{
	for (size_t i = 0; i < sizeof builtins / sizeof builtins[0]; i++)
		if (workday_cal_load_json(cal, builtins[i].json, strlen(builtins[i].json), e))
			return -1;
	return 0;
}

int workday_cal_has_year(const struct workday_cal *cal, int year)
{
	for (int i = 0; i < cal->n_years; i++)
		if (cal->years[i]->year == year)
			return 1;
	return 0;
}

static json_t *dates_json(const int *days, int n)
{
	json_t *arr = json_array();
	char buf[DATE_STR_MAX];

	for (int i = 0; arr != NULL && i < n; i++) {
		date_format(days[i], buf);
		if (json_array_append_new(arr, json_string(buf))) {
			json_decref(arr);
			return NULL;
		}
	}
	return arr;
}

char *workday_year_json(const struct workday_cal *cal, int year)
{
	const struct cal_year *y = NULL;
	json_t *doc;
	char *s;

	for (int i = 0; i < cal->n_years; i++)
		if (cal->years[i]->year == year)
			y = cal->years[i];
	if (y == NULL)
		return NULL;
	doc = json_pack("{s:i, s:o*, s:o*}", "year", y->year, "holidays",
	                dates_json(y->holidays, y->n_holidays), "workdays",
	                dates_json(y->workdays, y->n_workdays));
	if (doc == NULL)
		return NULL;
	if (y->note[0] && json_object_set_new(doc, "note", json_string(y->note))) {
		json_decref(doc);
		return NULL;
	}
	s = json_dumps(doc, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(doc);
	return s;
}

struct workday_cal *workday_cal_new(void)
{
	struct workday_cal *cal = calloc(1, sizeof *cal);

	if (cal != NULL && workday_cal_set_office_hours(cal, WORKDAY_DEFAULT_HOURS, NULL)) {
		free(cal);
		return NULL;
	}
	return cal;
}

void workday_cal_free(struct workday_cal *cal)
{
	if (cal == NULL)
		return;
	for (int i = 0; i < cal->n_years; i++)
		free(cal->years[i]);
	free(cal);
}

/* "HH:MM" at s (exactly 5 characters) -> seconds; 24:00 allowed as an end. */
static int parse_hhmm(const char *s, int *out)
{
	int h, m;

	if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9' || s[2] != ':' || s[3] < '0' ||
	    s[3] > '9' || s[4] < '0' || s[4] > '9')
		return -1;
	h = (s[0] - '0') * 10 + (s[1] - '0');
	m = (s[3] - '0') * 10 + (s[4] - '0');
	if (m > 59 || h > 24 || (h == 24 && m != 0))
		return -1;
	*out = h * 3600 + m * 60;
	return 0;
}

int workday_cal_set_office_hours(struct workday_cal *cal, const char *spec, struct err *e)
{
	struct period p[WORKDAY_PERIODS_MAX];
	int n = 0;
	const char *s = spec;

	if (spec == NULL || strlen(spec) > WORKDAY_SPEC_MAX || *spec == '\0')
		return err_field(e, ERR_VALIDATION, "office_hours",
		                 "办公时间格式应为08:30-12:00,14:30-18:00");
	for (;;) {
		if (n == WORKDAY_PERIODS_MAX)
			return err_field(e, ERR_VALIDATION, "office_hours", "办公时间最多%d段",
			                 WORKDAY_PERIODS_MAX);
		if (strlen(s) < 11 || s[5] != '-' || parse_hhmm(s, &p[n].start) ||
		    parse_hhmm(s + 6, &p[n].end))
			return err_field(e, ERR_VALIDATION, "office_hours",
			                 "办公时间格式应为08:30-12:00,14:30-18:00");
		if (p[n].start >= p[n].end || (n > 0 && p[n].start < p[n - 1].end))
			return err_field(e, ERR_VALIDATION, "office_hours",
			                 "办公时间段必须按时间先后排列且互不重叠");
		n++;
		s += 11;
		if (*s == '\0')
			break;
		if (*s != ',')
			return err_field(e, ERR_VALIDATION, "office_hours",
			                 "办公时间格式应为08:30-12:00,14:30-18:00");
		s++;
	}
	memcpy(cal->periods, p, sizeof p);
	cal->n_periods = n;
	return 0;
}

/* --- office hours --- */

int64_t workday_day_seconds(const struct workday_cal *cal)
{
	int64_t sum = 0;

	for (int i = 0; i < cal->n_periods; i++)
		sum += cal->periods[i].end - cal->periods[i].start;
	return sum;
}

int64_t workday_open_time(const struct workday_cal *cal, int day)
{
	return date_start_time(day) + cal->periods[0].start;
}

int64_t workday_close_time(const struct workday_cal *cal, int day)
{
	return date_start_time(day) + cal->periods[cal->n_periods - 1].end;
}

static int second_of_day(int64_t t, int *day)
{
	*day = date_of_time(t);
	return (int)(t - date_start_time(*day));
}

int workday_is_office_time(const struct workday_cal *cal, int64_t t)
{
	int day, s = second_of_day(t, &day);

	if (!workday_is_workday(cal, day))
		return 0;
	for (int i = 0; i < cal->n_periods; i++)
		if (s >= cal->periods[i].start && s < cal->periods[i].end)
			return 1;
	return 0;
}

/* Working seconds of day between seconds-of-day a and b (a <= b). */
static int64_t partial(const struct workday_cal *cal, int day, int a, int b)
{
	int64_t sum = 0;

	if (!workday_is_workday(cal, day))
		return 0;
	for (int i = 0; i < cal->n_periods; i++) {
		int lo = a > cal->periods[i].start ? a : cal->periods[i].start;
		int hi = b < cal->periods[i].end ? b : cal->periods[i].end;

		if (hi > lo)
			sum += hi - lo;
	}
	return sum;
}

int64_t workday_seconds_between(const struct workday_cal *cal, int64_t t0, int64_t t1)
{
	int d0, d1, s0, s1;

	if (t1 < t0)
		return -workday_seconds_between(cal, t1, t0);
	s0 = second_of_day(t0, &d0);
	s1 = second_of_day(t1, &d1);
	if (d0 == d1)
		return partial(cal, d0, s0, s1);
	return partial(cal, d0, s0, 86400) +
	       (int64_t)(W(cal, d1) - W(cal, d0 + 1)) * workday_day_seconds(cal) +
	       partial(cal, d1, 0, s1);
}

static int64_t add_forward(const struct workday_cal *cal, int64_t t, int64_t left)
{
	int day, s = second_of_day(t, &day);

	for (;;) {
		if (workday_is_workday(cal, day)) {
			for (int i = 0; i < cal->n_periods; i++) {
				const struct period *p = &cal->periods[i];
				int from = s > p->start ? s : p->start;

				if (from >= p->end)
					continue;
				if (left <= p->end - from)
					return date_start_time(day) + from + left;
				left -= p->end - from;
				s = p->end;
			}
		}
		day++;
		s = 0;
	}
}

static int64_t add_backward(const struct workday_cal *cal, int64_t t, int64_t left)
{
	int day, s = second_of_day(t, &day);

	for (;;) {
		if (workday_is_workday(cal, day)) {
			for (int i = cal->n_periods - 1; i >= 0; i--) {
				const struct period *p = &cal->periods[i];
				int to = s < p->end ? s : p->end;

				if (to <= p->start)
					continue;
				if (left <= to - p->start)
					return date_start_time(day) + to - left;
				left -= to - p->start;
				s = p->start;
			}
		}
		day--;
		s = 86400;
	}
}

int64_t workday_add_seconds(const struct workday_cal *cal, int64_t t, int64_t secs)
{
	int64_t cap = (int64_t)WORKDAY_ADD_MAX * workday_day_seconds(cal);

	if (secs > cap)
		secs = cap;
	if (secs < -cap)
		secs = -cap;
	if (secs > 0)
		return add_forward(cal, t, secs);
	if (secs < 0)
		return add_backward(cal, t, -secs);
	return t;
}

int64_t workday_due_days(const struct workday_cal *cal, int64_t t, int n)
{
	return workday_close_time(cal, workday_add(cal, date_of_time(t), n < 1 ? 1 : n));
}
