#include "core/timeutil.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

/* Howard Hinnant's civil-from-days / days-from-civil algorithms (public domain descriptions). */
int date_from_ymd(int y, int m, int d)
{
	y -= m <= 2;
	int era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (unsigned)(m + (m > 2 ? -3 : 9)) + 2) / 5 + (unsigned)d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int)doe - 719468;
}

void date_ymd(int days, int *y, int *m, int *d)
{
	int z = days + 719468;
	int era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)yoe + era * 400 + (*m <= 2);
}

int64_t time_now(void)
{
	return (int64_t)time(NULL);
}

void time_iso(int64_t t, char out[TIME_ISO_MAX])
{
	int64_t local = t + CN_UTC_OFFSET;
	int64_t days = local >= 0 ? local / 86400 : -((-local + 86399) / 86400);
	int secs = (int)(local - days * 86400);
	int y, m, d;

	date_ymd((int)days, &y, &m, &d);
	snprintf(out, TIME_ISO_MAX, "%04d-%02d-%02dT%02d:%02d:%02d+08:00", y % 10000, m % 100,
	         d % 100, secs / 3600 % 100, secs / 60 % 60, secs % 60);
}

void time_iso_now(char out[TIME_ISO_MAX])
{
	time_iso(time_now(), out);
}

static int parse_digits(const char *s, int n, int *out)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

static int days_in_month(int y, int m)
{
	static const int dim[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 ? 28 + leap : dim[m - 1];
}

int date_parse(const char *s, int *days_out)
{
	int y, m, d;

	if (s == NULL || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return -1;
	if (parse_digits(s, 4, &y) || parse_digits(s + 5, 2, &m) || parse_digits(s + 8, 2, &d))
		return -1;
	if (y < 1900 || y > 2999 || m < 1 || m > 12 || d < 1 || d > days_in_month(y, m))
		return -1;
	*days_out = date_from_ymd(y, m, d);
	return 0;
}

void date_format(int days, char out[DATE_STR_MAX])
{
	int y, m, d;

	date_ymd(days, &y, &m, &d);
	snprintf(out, DATE_STR_MAX, "%04d-%02d-%02d", y, m, d);
}

int date_of_time(int64_t t)
{
	int64_t local = t + CN_UTC_OFFSET;
	return (int)(local >= 0 ? local / 86400 : -((-local + 86399) / 86400));
}

int date_today(void)
{
	return date_of_time(time_now());
}

int64_t date_start_time(int days)
{
	return (int64_t)days * 86400 - CN_UTC_OFFSET;
}

int date_weekday(int days)
{
	/* 1970-01-01 was a Thursday (4). */
	int w = (days % 7 + 7 + 3) % 7; /* 0 = Monday */
	return w + 1;
}

int time_parse_iso(const char *s, int64_t *out)
{
	int days, hh, mm, ss = 0, oh = 0, om = 0, sign = 1;
	char date[DATE_STR_MAX];
	const char *p;

	if (s == NULL || strlen(s) < 16 || s[10] != 'T')
		return -1;
	memcpy(date, s, 10);
	date[10] = '\0';
	if (date_parse(date, &days) || parse_digits(s + 11, 2, &hh) || s[13] != ':' ||
	    parse_digits(s + 14, 2, &mm))
		return -1;
	p = s + 16;
	if (*p == ':') {
		if (parse_digits(p + 1, 2, &ss))
			return -1;
		p += 3;
	}
	if (*p == 'Z' && p[1] == '\0') {
		oh = 0;
	} else if ((*p == '+' || *p == '-') && strlen(p) == 6 && p[3] == ':') {
		sign = *p == '-' ? -1 : 1;
		if (parse_digits(p + 1, 2, &oh) || parse_digits(p + 4, 2, &om))
			return -1;
	} else {
		return -1;
	}
	if (hh > 23 || mm > 59 || ss > 59 || oh > 14 || om > 59)
		return -1;
	*out = (int64_t)days * 86400 + hh * 3600 + mm * 60 + ss - sign * (oh * 3600 + om * 60);
	return 0;
}
