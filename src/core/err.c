#include "core/err.h"
#include "core/log.h"
#include "core/utf8.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/*
 * Messages and fields quote user text cut to a byte count ("%.60s", ERR_MSG_MAX, ERR_FIELD_MAX).
 * A cut inside a character would leave invalid UTF-8, which jansson refuses: the HTTP layer would
 * have no error answer to send. Bytes that are not part of a whole character are dropped.
 */
static void keep_utf8(char *s)
{
	size_t len = strlen(s), i = 0, o = 0;
	uint32_t cp;

	while (i < len) {
		int k = utf8_decode(s + i, len - i, &cp);
		if (k < 0) {
			i++;
			continue;
		}
		memmove(s + o, s + i, (size_t)k);
		o += (size_t)k;
		i += (size_t)k;
	}
	s[o] = '\0';
}

static void vset(struct err *e, enum err_kind kind, const char *field, const char *fmt, va_list ap)
{
	if (e == NULL || e->kind != ERR_NONE)
		return;
	e->kind = kind;
	vsnprintf(e->msg, sizeof e->msg, fmt, ap);
	snprintf(e->field, sizeof e->field, "%s", field ? field : "");
	keep_utf8(e->msg);
	keep_utf8(e->field);
}

int err_set(struct err *e, enum err_kind kind, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vset(e, kind, NULL, fmt, ap);
	va_end(ap);
	return -1;
}

int err_field(struct err *e, enum err_kind kind, const char *field, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vset(e, kind, field, fmt, ap);
	va_end(ap);
	return -1;
}

int err_internal(struct err *e, const char *fmt, ...)
{
	char detail[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(detail, sizeof detail, fmt, ap);
	va_end(ap);
	log_error("internal: %s", detail);
	return err_set(e, ERR_INTERNAL, "服务器内部错误，请稍后重试");
}

void err_clear(struct err *e)
{
	memset(e, 0, sizeof *e);
}

static const struct {
	int status;
	const char *code;
} err_map[] = {
    [ERR_NONE] = {200, "ok"},
    [ERR_BAD_REQUEST] = {400, "bad_request"},
    [ERR_VALIDATION] = {422, "validation_failed"},
    [ERR_UNAUTHENTICATED] = {401, "unauthenticated"},
    [ERR_FORBIDDEN] = {403, "forbidden"},
    [ERR_NOT_FOUND] = {404, "not_found"},
    [ERR_METHOD] = {405, "method_not_allowed"},
    [ERR_CONFLICT] = {409, "conflict"},
    [ERR_LOCKED] = {423, "locked"},
    [ERR_TOO_LARGE] = {413, "payload_too_large"},
    [ERR_UNSUPPORTED_MEDIA] = {415, "unsupported_media_type"},
    [ERR_HEADER_TOO_LARGE] = {431, "bad_request"},
    [ERR_RATE_LIMITED] = {429, "rate_limited"},
    [ERR_INTERNAL] = {500, "internal"},
    [ERR_UNAVAILABLE] = {503, "internal"},
};

int err_http_status(enum err_kind kind)
{
	return (unsigned)kind < sizeof err_map / sizeof err_map[0] ? err_map[kind].status : 500;
}

const char *err_code(enum err_kind kind)
{
	return (unsigned)kind < sizeof err_map / sizeof err_map[0] ? err_map[kind].code
	                                                           : "internal";
}
