/*
 * session.c - sign-in with lockout, cookie sessions with idle and absolute expiry, API tokens.
 */
#include "auth/auth.h"
#include "core/log.h"
#include "core/timeutil.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#define SESSION_TOUCH_S 60 /* last_seen is written at most once a minute per session */

/* A real hash of a random password, so that unknown usernames cost the same as known ones. */
static const char *dummy_hash(void)
{
	static char hash[PASSWORD_HASH_MAX];
	static int ready;

	if (!ready) {
		struct err e = ERR_INIT;
		char pw[64];
		token_random(pw);
		if (password_hash(pw, hash, sizeof hash, &e) == 0)
			ready = 1;
		sodium_memzero(pw, sizeof pw);
	}
	return hash;
}

#define PRINCIPAL_COLUMNS                                                                          \
	"u.id, u.org_id, u.department_id, u.must_change, u.username, u.name,"                      \
	" (SELECT group_concat(role) FROM user_role WHERE user_id = u.id)"

static const char principal_sql[] =
    "SELECT " PRINCIPAL_COLUMNS " FROM app_user u WHERE u.id = $1 AND u.active = 1";

static void principal_fill(struct db_stmt *st, int c, struct principal *p)
{
	struct err ignored = ERR_INIT;
	const char *roles = db_col_text(st, c + 6);

	p->user_id = db_col_int(st, c);
	p->org_id = db_col_int(st, c + 1);
	p->department_id = db_col_int(st, c + 2);
	p->must_change = db_col_int(st, c + 3) != 0;
	snprintf(p->username, sizeof p->username, "%s", db_col_text(st, c + 4));
	snprintf(p->name, sizeof p->name, "%s", db_col_text(st, c + 5));
	p->roles = 0;
	role_parse_list(roles, &p->roles, &ignored);
}

int principal_load(struct db *db, int64_t user_id, struct principal *p, bool *found, struct err *e)
{
	struct db_stmt *st = db_query(db, e, principal_sql, "I", user_id);
	int rc;

	if (st == NULL)
		return -1;
	memset(p, 0, sizeof *p);
	rc = db_step(st, e);
	*found = rc == DB_ROW;
	if (rc == DB_ROW)
		principal_fill(st, 0, p);
	db_reset(st);
	return rc < 0 ? -1 : 0;
}

static int recent_failures(struct db *db, const char *username, int64_t now, int64_t *count,
                           int64_t *last, struct err *e)
{
	struct db_stmt *st = db_query(db, e,
	                              "SELECT count(*), coalesce(max(ts), 0) FROM login_failure"
	                              " WHERE username = $1 AND ts > $2",
	                              "sI", username, now - LOGIN_FAIL_WINDOW_S);
	int rc;

	if (st == NULL)
		return -1;
	rc = db_step(st, e);
	if (rc == DB_ROW) {
		*count = db_col_int(st, 0);
		*last = db_col_int(st, 1);
	}
	db_reset(st);
	return rc < 0 ? -1 : 0;
}

int session_create(struct db *db, int64_t user_id, const char *ip, char cookie_out[64],
                   char csrf_out[64], struct err *e)
{
	char hash[65];
	int64_t now = time_now();

	token_random(cookie_out);
	token_random(csrf_out);
	token_hash(cookie_out, hash);
	return db_execf(
	           db, e,
	           "INSERT INTO session (id_hash, user_id, csrf_token, created_at, last_seen, ip)"
	           " VALUES ($1, $2, $3, $4, $4, $5)",
	           "sIsIs", hash, user_id, csrf_out, now, ip) < 0
	           ? -1
	           : 0;
}

int session_login(struct db *db, const char *username, char *pw, const char *ip,
                  struct principal *p, char cookie_out[64], struct err *e)
{
	int64_t now = time_now(), fails = 0, last = 0, user_id = 0;
	char hash[PASSWORD_HASH_MAX] = "";
	bool found = false, ok;
	struct db_stmt *st;
	int rc = -1;

	if (recent_failures(db, username, now, &fails, &last, e))
		goto out;
	if (fails >= LOGIN_FAIL_MAX && last + LOGIN_LOCK_S > now) {
		err_set(e, ERR_LOCKED, "登录失败次数过多，账户已锁定，请%lld分钟后再试",
		        (long long)((last + LOGIN_LOCK_S - now + 59) / 60));
		goto out;
	}
	st = db_query(db, e,
	              "SELECT id, password_hash FROM app_user WHERE username = $1 AND active = 1",
	              "s", username);
	if (st == NULL)
		goto out;
	if ((rc = db_step(st, e)) == DB_ROW) {
		found = true;
		user_id = db_col_int(st, 0);
		snprintf(hash, sizeof hash, "%s", db_col_text(st, 1));
	}
	db_reset(st);
	if (rc < 0)
		goto out;
	rc = -1;
	ok = password_verify(found ? hash : dummy_hash(), pw) && found;
	if (!ok) {
		if (db_execf(db, e,
		             "INSERT INTO login_failure (username, ts, ip) VALUES ($1, $2, $3)",
		             "sIs", username, now, ip) < 0)
			goto out;
		if (fails + 1 >= LOGIN_FAIL_MAX)
			err_set(e, ERR_LOCKED, "登录失败次数过多，账户已锁定，请%d分钟后再试",
			        LOGIN_LOCK_S / 60);
		else
			err_set(e, ERR_UNAUTHENTICATED, "用户名或密码错误（还可尝试%lld次）",
			        (long long)(LOGIN_FAIL_MAX - fails - 1));
		goto out;
	}
	if (db_execf(db, e, "DELETE FROM login_failure WHERE username = $1", "s", username) < 0)
		goto out;
	if (principal_load(db, user_id, p, &found, e) || !found)
		goto out;
	if (session_create(db, user_id, ip, cookie_out, p->csrf, e))
		goto out;
	rc = 0;
out:
	sodium_memzero(pw, strlen(pw));
	sodium_memzero(hash, sizeof hash);
	return rc;
}

/* Read-only, one query: the session and its user together. Writing last_seen or deleting an
 * expired session is left to session_after_request(), outside the request's read snapshot. */
int session_lookup(struct db *db, const char *cookie, struct principal *p, bool *found,
                   enum session_after *after, struct err *e)
{
	int64_t now = time_now(), created, seen;
	char hash[65];
	struct db_stmt *st;
	int rc;

	*found = false;
	*after = SESSION_KEEP;
	token_hash(cookie, hash);
	st = db_query(db, e,
	              "SELECT " PRINCIPAL_COLUMNS ", s.created_at, s.last_seen, s.csrf_token"
	              " FROM session s JOIN app_user u ON u.id = s.user_id"
	              " WHERE s.id_hash = $1 AND u.active = 1",
	              "s", hash);
	if (st == NULL)
		return -1;
	memset(p, 0, sizeof *p);
	rc = db_step(st, e);
	if (rc == DB_ROW) {
		created = db_col_int(st, 7);
		seen = db_col_int(st, 8);
		if (now - seen > SESSION_IDLE_S || now - created > SESSION_ABSOLUTE_S) {
			*after = SESSION_DELETE;
		} else {
			principal_fill(st, 0, p);
			snprintf(p->csrf, sizeof p->csrf, "%s", db_col_text(st, 9));
			*found = true;
			if (now - seen >= SESSION_TOUCH_S)
				*after = SESSION_TOUCH;
		}
	}
	db_reset(st);
	return rc < 0 ? -1 : 0;
}

int session_after_request(struct db *db, const char *cookie, enum session_after after,
                          struct err *e)
{
	char hash[65];

	if (after == SESSION_KEEP)
		return 0;
	token_hash(cookie, hash);
	if (after == SESSION_DELETE)
		return db_execf(db, e, "DELETE FROM session WHERE id_hash = $1", "s", hash) < 0 ? -1
		                                                                                : 0;
	return db_execf(db, e, "UPDATE session SET last_seen = $1 WHERE id_hash = $2", "Is",
	                time_now(), hash) < 0
	               ? -1
	               : 0;
}

int session_logout(struct db *db, const char *cookie, struct err *e)
{
	char hash[65];

	token_hash(cookie, hash);
	return db_execf(db, e, "DELETE FROM session WHERE id_hash = $1", "s", hash) < 0 ? -1 : 0;
}

int session_end_all(struct db *db, int64_t user_id, struct err *e)
{
	return db_execf(db, e, "DELETE FROM session WHERE user_id = $1", "I", user_id) < 0 ? -1 : 0;
}

int token_create(struct db *db, int64_t user_id, const char *name, char secret_out[64],
                 struct err *e)
{
	char hash[65];

	token_random(secret_out);
	token_hash(secret_out, hash);
	return db_execf(db, e,
	                "INSERT INTO api_token (user_id, name, token_hash, created_at)"
	                " VALUES ($1, $2, $3, $4)",
	                "IssI", user_id, name, hash, time_now()) < 0
	           ? -1
	           : 0;
}

/* One query per request: the token and its user together. */
int token_lookup(struct db *db, const char *secret, struct principal *p, bool *found, struct err *e)
{
	char hash[65];
	struct db_stmt *st;
	int rc;

	token_hash(secret, hash);
	st = db_query(db, e,
	              "SELECT " PRINCIPAL_COLUMNS
	              " FROM api_token t JOIN app_user u ON u.id = t.user_id"
	              " WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND u.active = 1",
	              "s", hash);
	if (st == NULL)
		return -1;
	memset(p, 0, sizeof *p);
	rc = db_step(st, e);
	*found = rc == DB_ROW;
	if (rc == DB_ROW) {
		principal_fill(st, 0, p);
		p->via_token = true;
	}
	db_reset(st);
	return rc < 0 ? -1 : 0;
}

int password_set(struct db *db, int64_t user_id, const char *username, char *pw, bool must_change,
                 struct err *e)
{
	char hash[PASSWORD_HASH_MAX];
	int rc = -1;

	if (password_check_policy(pw, username, e))
		goto out;
	if (password_hash(pw, hash, sizeof hash, e))
		goto out;
	if (db_execf(db, e,
	             "UPDATE app_user SET password_hash = $1, must_change = $2, updated_at = $3,"
	             " version = version + 1 WHERE id = $4",
	             "siII", hash, must_change ? 1 : 0, time_now(), user_id) < 0)
		goto out;
	rc = session_end_all(db, user_id, e);
out:
	sodium_memzero(pw, strlen(pw));
	sodium_memzero(hash, sizeof hash);
	return rc;
}
