/*
 * auth_api.c - /api/v1/health, /api/v1/session (sign in/out), /api/v1/me and its password.
 */
#include "auth/auth.h"
#include "core/jsonv.h"
#include "http/http.h"
#include "org/org.h"
#include "version.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#define SESSION_COOKIE "jw_session"

static void set_session_cookie(struct req *r, const char *value, int max_age)
{
	char cookie[160];

	snprintf(cookie, sizeof cookie,
	         SESSION_COOKIE "=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%d", value,
	         max_age);
	req_set_header(r, "Set-Cookie", cookie);
}

static int get_health(struct req *r, struct err *e)
{
	req_reply(r, 200, json_pack("{s:s, s:s}", "status", "ok", "version", JW_VERSION));
	return 0;
}

static json_t *session_json(struct req *r, const struct principal *p, struct err *e)
{
	json_t *u = user_json(r->db, p->org_id, p->user_id, e);

	if (u == NULL)
		return NULL;
	return json_pack("{s:o, s:s}", "user", u, "csrf_token", p->csrf);
}

static int attempted_org(struct db *db, const char *username, int64_t *org_id, struct err *e)
{
	bool found;

	*org_id = 0;
	return db_query_int(db, e, org_id, &found, "SELECT org_id FROM app_user WHERE username = $1",
	                    "s", username);
}

static const char *const login_fields[] = {"username", "password", NULL};

static int post_session(struct req *r, struct err *e)
{
	const char *username = NULL, *pw = NULL;
	char pwcopy[PASSWORD_MAX_BYTES + 1], cookie[64];
	struct principal p;
	int rc = -1;

	if (jv_only(r->body, login_fields, e) ||
	    jv_string(r->body, "username", "用户名", true, USERNAME_MAX, &username, e) ||
	    jv_string(r->body, "password", "密码", true, PASSWORD_MAX_BYTES, &pw, e))
		return -1;
	/* The audit row names who tried, even when the attempt fails, and lands in the org of that
	 * account so its auditor sees it (unknown names: org 0, shown to every auditor). */
	snprintf(r->who.username, sizeof r->who.username, "%s", username);
	if (attempted_org(r->db, username, &r->who.org_id, e))
		return -1;
	snprintf(pwcopy, sizeof pwcopy, "%s", pw);
	r->commit_on_error = true; /* failures count towards the lockout */
	if (session_login(r->db, username, pwcopy, r->ip, &p, cookie, e))
		goto out;
	r->who = p;
	req_audit_object(r, "user", p.user_id);
	set_session_cookie(r, cookie, SESSION_ABSOLUTE_S);
	r->json = session_json(r, &p, e);
	rc = r->json ? 0 : -1;
out:
	sodium_memzero(pwcopy, sizeof pwcopy);
	sodium_memzero(cookie, sizeof cookie);
	return rc;
}

static int get_session(struct req *r, struct err *e)
{
	if (r->who.via_token)
		return err_set(e, ERR_BAD_REQUEST, "API 令牌没有会话");
	r->json = session_json(r, &r->who, e);
	return r->json ? 0 : -1;
}

static int delete_session(struct req *r, struct err *e)
{
	const char *cookie = req_cookie(r, SESSION_COOKIE);

	if (cookie && session_logout(r->db, cookie, e))
		return -1;
	req_audit_object(r, "user", r->who.user_id);
	set_session_cookie(r, "", 0);
	req_reply(r, 200, json_pack("{s:b}", "ok", 1));
	return 0;
}

static int get_me(struct req *r, struct err *e)
{
	r->json = user_json(r->db, r->who.org_id, r->who.user_id, e);
	return r->json ? 0 : -1;
}

static const char *const password_fields[] = {"old_password", "new_password", NULL};

static int post_me_password(struct req *r, struct err *e)
{
	const char *old = NULL, *neu = NULL;
	char hash[PASSWORD_HASH_MAX] = "", pwcopy[PASSWORD_MAX_BYTES + 1], cookie[64];
	struct db_stmt *st;
	int rc = -1;

	if (jv_only(r->body, password_fields, e) ||
	    jv_string(r->body, "old_password", "原密码", true, PASSWORD_MAX_BYTES, &old, e) ||
	    jv_string(r->body, "new_password", "新密码", true, PASSWORD_MAX_BYTES, &neu, e))
		return -1;
	st = db_query(r->db, e, "SELECT password_hash FROM app_user WHERE id = $1", "I",
	              r->who.user_id);
	if (st == NULL)
		return -1;
	if (db_step(st, e) == DB_ROW)
		snprintf(hash, sizeof hash, "%s", db_col_text(st, 0));
	db_reset(st);
	if (!hash[0] || !password_verify(hash, old)) {
		err_field(e, ERR_VALIDATION, "old_password", "原密码不正确");
		goto out;
	}
	if (strcmp(old, neu) == 0) {
		err_field(e, ERR_VALIDATION, "new_password", "新密码不能与原密码相同");
		goto out;
	}
	snprintf(pwcopy, sizeof pwcopy, "%s", neu);
	if (password_set(r->db, r->who.user_id, r->who.username, pwcopy, false, e))
		goto out;
	req_audit_object(r, "user", r->who.user_id);
	r->who.must_change = false;
	if (!r->who.via_token) {
		/* password_set ended every session; this browser gets a fresh one */
		if (session_create(r->db, r->who.user_id, r->ip, cookie, r->who.csrf, e))
			goto out;
		set_session_cookie(r, cookie, SESSION_ABSOLUTE_S);
	}
	r->json = session_json(r, &r->who, e);
	rc = r->json ? 0 : -1;
out:
	sodium_memzero(hash, sizeof hash);
	sodium_memzero(pwcopy, sizeof pwcopy);
	sodium_memzero(cookie, sizeof cookie);
	return rc;
}

static const struct route auth_routes[] = {
    {"GET", "/api/v1/health", get_health, ROUTE_PUBLIC, 0, NULL},
    {"POST", "/api/v1/session", post_session, ROUTE_PUBLIC, 0, "session.login"},
    {"GET", "/api/v1/session", get_session, ROUTE_PW_EXPIRED, 0, NULL},
    {"DELETE", "/api/v1/session", delete_session, ROUTE_PW_EXPIRED, 0, "session.logout"},
    {"GET", "/api/v1/me", get_me, ROUTE_PW_EXPIRED, 0, NULL},
    {"POST", "/api/v1/me/password", post_me_password, ROUTE_PW_EXPIRED, 0, "me.password"},
};

const struct module auth_module = {
    .name = "auth",
    .routes = auth_routes,
    .route_count = sizeof auth_routes / sizeof auth_routes[0],
};
