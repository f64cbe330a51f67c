/*
 * limits.h - every input limit of Jianwu, in one place. Each is enforced where the input is parsed
 * and has a test (tests/api/limits.test.mjs or a unit test) that goes one past it.
 */
#ifndef JW_LIMITS_H
#define JW_LIMITS_H

/* HTTP */
#define HTTP_BODY_MAX            (1024 * 1024) /* JSON request body */
#define HTTP_HEADERS_MAX         (16 * 1024)   /* sum of request header names + values */
#define HTTP_MHD_POOL_SIZE       (32 * 1024)   /* MHD per-connection pool (zeroed per request) */
#define HTTP_URL_MAX             4096
#define HTTP_CONN_MAX            512 /* connections in total */
#define HTTP_CONN_PER_IP_MAX     128 /* connections from one address */
#define HTTP_IDLE_TIMEOUT_S      30  /* an idle connection is closed after this */
#define HTTP_THREADS_DEFAULT     4
#define HTTP_SHUTDOWN_GRACE_S    10 /* SIGTERM: wait this long for requests in flight */
#define HTTP_ROUTE_PARAMS_MAX    4
#define HTTP_QUERY_LIMIT_DEFAULT 20
#define HTTP_QUERY_LIMIT_MAX     200

/* JSON fields */
#define FIELD_SHORT_MAX   64           /* codes, usernames (bytes) */
#define FIELD_NAME_MAX    128          /* names (bytes) */
#define FIELD_TITLE_MAX   600          /* titles (bytes; 200 CJK characters) */
#define FIELD_TEXT_MAX    (512 * 1024) /* body text (bytes) */
#define FIELD_OPINION_MAX 8000         /* an opinion / comment (bytes) */

/* Accounts and sessions (等保 2.0 level 3) */
#define PASSWORD_MIN_CHARS  8
#define PASSWORD_MAX_BYTES  128
#define LOGIN_FAIL_MAX      5         /* failures ...   */
#define LOGIN_FAIL_WINDOW_S (15 * 60) /* ... within this window lock the account */
#define LOGIN_LOCK_S        (15 * 60) /* for this long */
#define SESSION_IDLE_S      (30 * 60)
#define SESSION_ABSOLUTE_S  (12 * 3600)
#define TOKEN_BYTES         32 /* random bytes in a session id, CSRF token or API token */

#endif
