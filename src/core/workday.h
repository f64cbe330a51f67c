/*
 * workday.h - the working-day calendar: weekends, national holidays and adjusted working days
 * (调休), plus office-hours arithmetic for time limits counted in working hours.
 *
 * Model. A day is a working day when it is listed in its year's "workdays" (调休上班), or it is a
 * Monday..Friday not listed in "holidays". Years without a configuration fall back to plain
 * weekends (Monday..Friday work); workday_cal_has_year() lets callers warn about that.
 *
 * One year's configuration is a JSON document, the form the server stores per org and an
 * administrator edits:
 *   {"year":2026, "holidays":["2026-01-01",...], "workdays":["2026-01-04",...], "note":"..."}
 * "holidays" may include weekend days inside a holiday period (the official notices do); every
 * "workdays" entry must be a Saturday or Sunday (a weekday is a working day already, so listing one
 * is a typing error). Dates must lie in the document's year; no date may appear twice.
 *
 * Office hours are a list of periods per working day, default "08:30-12:00,14:30-18:00"; all
 * hour arithmetic counts only seconds inside those periods on working days. Instants are Unix
 * seconds, dates days since 1970-01-01 (core/timeutil.h), all in China time.
 *
 * Lifecycle and threads: workday_cal_new() gives a weekends-only calendar with default office
 * hours; load years and set hours, then share it read-only. Every function taking a const calendar
 * is a pure read: any number of threads may call them at once. Loading is a write: to change a
 * calendar that others read, build a new one and publish the pointer (atomically), freeing the old
 * one once no reader holds it.
 */
#ifndef JW_WORKDAY_H
#define JW_WORKDAY_H

#include "core/err.h"

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#define WORKDAY_YEAR_MIN      1990
#define WORKDAY_YEAR_MAX      2199
#define WORKDAY_YEARS_MAX     64   /* configured years in one calendar */
#define WORKDAY_SPECIAL_MAX   64   /* entries of "holidays", and of "workdays", per year */
#define WORKDAY_NOTE_MAX      256  /* bytes of "note" */
#define WORKDAY_JSON_MAX      8192 /* bytes of one year's document */
#define WORKDAY_PERIODS_MAX   4    /* office-hour periods per day */
#define WORKDAY_SPEC_MAX      64   /* bytes of an office-hours spec string */
#define WORKDAY_ADD_MAX       3660 /* |n| accepted by workday_add; larger values are clamped */
#define WORKDAY_DEFAULT_HOURS "08:30-12:00,14:30-18:00"

struct workday_cal;

/* A weekends-only calendar with the default office hours; NULL when out of memory. */
struct workday_cal *workday_cal_new(void);
void workday_cal_free(struct workday_cal *cal);

/* Adds (or replaces) one year from its JSON document. On error the calendar is unchanged and e
 * names the offending field ("year", "holidays", "workdays", "note"). */
int workday_cal_load_json(struct workday_cal *cal, const char *json, size_t len, struct err *e);
int workday_cal_load(struct workday_cal *cal, const json_t *doc, struct err *e);
/* Loads every built-in official schedule (see workday_builtin_json). */
int workday_cal_load_builtin(struct workday_cal *cal, struct err *e);
/* The built-in official schedule of a year as a JSON document (static storage), or NULL. The
 * server seeds an org's calendar from it; the administrator edits the stored copy. */
const char *workday_builtin_json(int year);
/* The year's configuration as a JSON document (malloc'd, caller frees), or NULL when the year is
 * not configured or memory runs out. Dates are sorted. */
char *workday_year_json(const struct workday_cal *cal, int year);
int workday_cal_has_year(const struct workday_cal *cal, int year);

/* Replaces the office hours: "HH:MM-HH:MM[,HH:MM-HH:MM...]", periods ascending, not overlapping,
 * each non-empty. On error the hours are unchanged. */
int workday_cal_set_office_hours(struct workday_cal *cal, const char *spec, struct err *e);

/* --- days --- */
int workday_is_workday(const struct workday_cal *cal, int day);
/* The n-th working day after day (n > 0) or before it (n < 0); day itself when n == 0.
 * "Deadline minus N working days" is workday_add(cal, deadline, -N). */
int workday_add(const struct workday_cal *cal, int day, int n);
/* Working days d with from < d <= to; when to < from, minus the count from to to from. Hence
 * workday_count(cal, d, workday_add(cal, d, n)) == n for n >= 0, and for n < 0 when d is itself a
 * working day. O(log years): no loop over days. */
int workday_count(const struct workday_cal *cal, int from, int to);
/* day if it is a working day, else the next working day. */
int workday_roll_forward(const struct workday_cal *cal, int day);

/* --- office hours --- */
int64_t workday_day_seconds(const struct workday_cal *cal); /* working seconds in a working day */
int64_t workday_open_time(const struct workday_cal *cal, int day);  /* start of the first period */
int64_t workday_close_time(const struct workday_cal *cal, int day); /* end of the last period */
int workday_is_office_time(const struct workday_cal *cal, int64_t t);
/* secs > 0: the earliest u >= t with secs working seconds in [t, u).
 * secs < 0: the latest u <= t with -secs working seconds in [u, t). secs == 0: t. */
int64_t workday_add_seconds(const struct workday_cal *cal, int64_t t, int64_t secs);
/* Working seconds in [t0, t1); negative when t1 < t0. */
int64_t workday_seconds_between(const struct workday_cal *cal, int64_t t0, int64_t t1);
/* A limit of n (>= 1) working days starting at t: the close of business of the n-th working day
 * after t's date (the start day itself is not counted, whatever the hour). */
int64_t workday_due_days(const struct workday_cal *cal, int64_t t, int n);

#endif
