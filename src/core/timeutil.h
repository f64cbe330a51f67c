/*
 * timeutil.h - civil time in China (Asia/Shanghai, UTC+8, no daylight saving since 1991).
 *
 * Stored times are Unix seconds (int64); dates are "YYYY-MM-DD" strings or days since 1970-01-01
 * (int). Formatting never consults the process TZ, so results do not depend on the machine.
 */
#ifndef JW_TIMEUTIL_H
#define JW_TIMEUTIL_H

#include <stdint.h>

#define TIME_ISO_MAX  48 /* "2026-03-05T09:12:00+08:00" + NUL, with room */
#define DATE_STR_MAX  11 /* "2026-03-05" + NUL */
#define CN_UTC_OFFSET (8 * 3600)

int64_t time_now(void);                           /* Unix seconds */
void time_iso(int64_t t, char out[TIME_ISO_MAX]); /* "2026-03-05T09:12:00+08:00" */
void time_iso_now(char out[TIME_ISO_MAX]);
/* Parses ISO 8601 with offset ("...+08:00" or "Z"); -1 on malformed input. */
int time_parse_iso(const char *s, int64_t *out);

/* Days since 1970-01-01 <-> "YYYY-MM-DD". date_parse rejects impossible dates (2026-02-30). */
int date_parse(const char *s, int *days_out);
void date_format(int days, char out[DATE_STR_MAX]);
int date_today(void);              /* today's date in China */
int date_of_time(int64_t t);       /* the China date of an instant */
int64_t date_start_time(int days); /* 00:00 China time of that date, as Unix seconds */
int date_weekday(int days);        /* 1 = Monday ... 7 = Sunday */
void date_ymd(int days, int *y, int *m, int *d);
int date_from_ymd(int y, int m, int d); /* no validation; use date_parse for input */

#endif
