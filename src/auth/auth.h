/*
 * auth.h - who is asking, and what may they do.
 *
 * Roles decide what a user may do; need-to-know (in each module) decides what a user may see.
 * Passwords are argon2id (libsodium). Session ids, CSRF tokens and API tokens are TOKEN_BYTES
 * random bytes, base64url; only a BLAKE2b hash of session ids and API tokens is stored, so a
 * stolen database does not yield live credentials. Plaintext passwords and tokens are wiped
 * (sodium_memzero) by the functions that received them as soon as they are used.
 */
#ifndef JW_AUTH_H
#define JW_AUTH_H

#include "core/err.h"
#include "core/limits.h"
#include "db/db.h"

#include <stdbool.h>
#include <stdint.h>

/* Roles (architecture.md §6 and the separation of three administrators). */
enum role {
	ROLE_CHIEF = 1u << 0,           /* 检察长 */
	ROLE_LEADER = 1u << 1,          /* 分管院领导 */
	ROLE_OFFICE_DIRECTOR = 1u << 2, /* 办公室主任 */
	ROLE_CLERK = 1u << 3,           /* 办公室文秘 */
	ROLE_ARCHIVIST = 1u << 4,       /* 档案员 */
	ROLE_FINANCE = 1u << 5,         /* 财务 */
	ROLE_DEPT_HEAD = 1u << 6,       /* 部门负责人 */
	ROLE_STAFF = 1u << 7,           /* 干警 */
	ROLE_SYSADMIN = 1u << 8,        /* 系统管理员: accounts only, no business content */
	ROLE_SECADMIN = 1u << 9,        /* 安全保密管理员 */
	ROLE_AUDITOR = 1u << 10,        /* 安全审计员: the audit log only */
};
#define ROLE_COUNT    11
#define ROLES_LEADERS (ROLE_CHIEF | ROLE_LEADER)
#define ROLES_OFFICE  (ROLE_OFFICE_DIRECTOR | ROLE_CLERK)
/* Everyone who does business work (i.e. not one of the three separated administrators). */
#define ROLES_BUSINESS                                                                             \
	(ROLE_CHIEF | ROLE_LEADER | ROLE_OFFICE_DIRECTOR | ROLE_CLERK | ROLE_ARCHIVIST |           \
	 ROLE_FINANCE | ROLE_DEPT_HEAD | ROLE_STAFF)

struct role_info {
	enum role bit;
	const char *code; /* "chief" */
	const char *name; /* "检察长" */
};
extern const struct role_info role_table[ROLE_COUNT];

/* "clerk,staff" -> bits; -1 (and e set) on an unknown code. */
int role_parse_list(const char *csv, unsigned *out, struct err *e);
unsigned role_from_code(const char *code); /* 0 if unknown */
/* Appends the codes of the bits to a JSON array. */
#include <jansson.h>
json_t *role_json(unsigned roles);

/* The authenticated caller of a request. Plain data, copied freely. */
struct principal {
	int64_t user_id;
	int64_t org_id;
	int64_t department_id;
	unsigned roles;
	bool must_change; /* administrator-set password not changed yet */
	bool via_token;   /* Authorization: Bearer (no CSRF, no cookie) */
	char username[FIELD_SHORT_MAX + 1];
	char name[FIELD_NAME_MAX + 1];
	char csrf[64]; /* the session's CSRF token; "" for Bearer callers */
};

/* Passwords */
int password_hash(const char *pw, char *out, size_t outlen, struct err *e); /* out: 128 bytes */
bool password_verify(const char *hash, const char *pw);
/* Policy: PASSWORD_MIN_CHARS characters, three of four classes, not the username. */
int password_check_policy(const char *pw, const char *username, struct err *e);
#define PASSWORD_HASH_MAX 128

/* Random tokens (base64url, NUL-terminated; out must hold 64 bytes) and their stored hash
 * (hex BLAKE2b-256; out must hold 65 bytes). */
void token_random(char out[64]);
void token_hash(const char *token, char out[65]);

/* Loads a principal for a user id (active users only). found=false if no such active user. */
int principal_load(struct db *db, int64_t user_id, struct principal *p, bool *found, struct err *e);

/*
 * Login. On success fills p, writes the new session's cookie value to cookie_out (64 bytes) and
 * returns 0. Wrong credentials: ERR_UNAUTHENTICATED; locked account: ERR_LOCKED. Records
 * failures for the lockout (caller commits even on failure). Wipes pw.
 */
int session_login(struct db *db, const char *username, char *pw, const char *ip,
                  struct principal *p, char cookie_out[64], struct err *e);
/* Resolves a cookie value without writing (it runs inside the request's read snapshot). Expired
 * or unknown sessions give found=false. *after says what session_after_request() must do once
 * the request's transaction has ended: refresh last_seen (at most once a minute) or delete an
 * expired session. */
enum session_after { SESSION_KEEP, SESSION_TOUCH, SESSION_DELETE };
int session_lookup(struct db *db, const char *cookie, struct principal *p, bool *found,
                   enum session_after *after, struct err *e);
int session_after_request(struct db *db, const char *cookie, enum session_after after,
                          struct err *e);
/* A new session for a user (after login or a password change). */
int session_create(struct db *db, int64_t user_id, const char *ip, char cookie_out[64],
                   char csrf_out[64], struct err *e);
int session_logout(struct db *db, const char *cookie, struct err *e);
/* Ends every session of a user (password change, deactivation). */
int session_end_all(struct db *db, int64_t user_id, struct err *e);

/* API tokens: create prints the secret once; lookup resolves "Authorization: Bearer". */
int token_create(struct db *db, int64_t user_id, const char *name, char secret_out[64],
                 struct err *e);
int token_lookup(struct db *db, const char *secret, struct principal *p, bool *found,
                 struct err *e);

/* Changes a password (policy checked) and ends other sessions. must_change is set when an
 * administrator sets it for someone else. Wipes pw. */
int password_set(struct db *db, int64_t user_id, const char *username, char *pw, bool must_change,
                 struct err *e);

#endif
