/*
 * err.h - the error every fallible function fills.
 *
 * Functions return 0 on success and -1 on failure; on failure they fill the caller's struct err
 * with a kind (which the HTTP layer maps to a status and an error code, architecture.md §4), a
 * message in Chinese meant for the user, and optionally the offending field. The first error set
 * wins: err_set() on an already-set err does nothing, so the innermost cause is kept.
 *
 * Lifecycle: a struct err lives on the caller's stack; initialise it with ERR_INIT (or zero it).
 * It owns no heap memory.
 */
#ifndef JW_ERR_H
#define JW_ERR_H

enum err_kind {
	ERR_NONE = 0,
	ERR_BAD_REQUEST,       /* 400 bad_request */
	ERR_VALIDATION,        /* 422 validation_failed */
	ERR_UNAUTHENTICATED,   /* 401 unauthenticated */
	ERR_FORBIDDEN,         /* 403 forbidden */
	ERR_NOT_FOUND,         /* 404 not_found */
	ERR_METHOD,            /* 405 method_not_allowed */
	ERR_CONFLICT,          /* 409 conflict (stale version, duplicate) */
	ERR_LOCKED,            /* 423 locked (account lockout) */
	ERR_TOO_LARGE,         /* 413 payload_too_large */
	ERR_UNSUPPORTED_MEDIA, /* 415 unsupported_media_type */
	ERR_HEADER_TOO_LARGE,  /* 431 bad_request */
	ERR_RATE_LIMITED,      /* 429 rate_limited */
	ERR_INTERNAL,          /* 500 internal: details go to the log, never to the client */
	ERR_UNAVAILABLE,       /* 503 internal (shutting down, store busy) */
};

#define ERR_MSG_MAX   256
#define ERR_FIELD_MAX 64

struct err {
	enum err_kind kind;
	char msg[ERR_MSG_MAX];     /* user-facing, Chinese */
	char field[ERR_FIELD_MAX]; /* offending field or "" */
};

#define ERR_INIT                                                                                   \
	{                                                                                          \
		ERR_NONE, "", ""                                                                   \
	}

/* Sets kind and a printf-formatted message unless e is already set. Returns -1 always, so that
 * `return err_set(e, ERR_VALIDATION, "标题不能为空");` reads naturally. e may be NULL. */
int err_set(struct err *e, enum err_kind kind, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* As err_set, and records the field name. */
int err_field(struct err *e, enum err_kind kind, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Internal failure: logs the detail (never shown to users) and sets the generic message. */
int err_internal(struct err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void err_clear(struct err *e);

int err_http_status(enum err_kind kind);
const char *err_code(enum err_kind kind); /* "validation_failed", ... */

#endif
