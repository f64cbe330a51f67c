#include "core/log.h"
#include "core/timeutil.h"

#include <stdarg.h>
#include <stdio.h>

static enum log_level log_min = LOG_INFO;

void log_set_level(enum log_level min)
{
	log_min = min;
}

void log_msg(enum log_level level, const char *fmt, ...)
{
	static const char *const names[] = {"debug", "info", "warn", "error"};
	char line[1024], ts[TIME_ISO_MAX];
	va_list ap;

	if (level < log_min)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	time_iso_now(ts);
	fprintf(stderr, "%s %s %s\n", ts, names[level], line);
}
