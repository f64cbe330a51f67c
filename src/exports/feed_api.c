/*
 * feed_api.c - calendar feed addresses (exports.h, feed_ics.h).
 *
 *   POST   /api/v1/calendar-feeds        {"name"?} -> 201 {"id","name","url","created_at"}
 *   GET    /api/v1/calendar-feeds        the caller's live addresses (without their secrets)
 *   DELETE /api/v1/calendar-feeds/{id}   revoke
 *   GET    /api/v1/calendar/{secret}.ics public; 404 for an unknown or revoked secret
 *
 * The secret is TOKEN_BYTES random bytes (base64url) shown once, in the creation answer; only its
 * hash is stored (auth.h token_hash). A feed answers only while its owner is an active account
 * holding a business role, and lists only the owner's own todos (feed_ics.h).
 */
#include "exports/exports_int.h"
#include "exports/feed_ics.h"
#include "core/jsonv.h"
#include "core/timeutil.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#define FEED_PER_USER_MAX 5   /* live addresses of one user */
#define FEED_NAME_MAX     120 /* bytes of a label (40 CJK characters) */
#define FEED_URL_PREFIX   "/api/v1/calendar/"
#define FEED_URL_SUFFIX   ".ics"
#define FEED_SECRET_MAX   64 /* longest secret accepted in an address */

static json_t *feed_json(int64_t id, const char *name, int64_t created)
{
	char when[TIME_ISO_MAX];

	time_iso(created, when);
	return json_pack("{s:I, s:s, s:s}", "id", (json_int_t)id, "name", name, "created_at", when);
}

int feed_api_create(struct req *r, struct err *e)
{
	static const char *const fields[] = {"name", NULL};
	const char *name = "";
	char secret[64], hash[65], url[sizeof FEED_URL_PREFIX + 64 + sizeof FEED_URL_SUFFIX];
	int64_t live = 0, id = 0, now = time_now();
	bool found;
	json_t *j;

	if (r->body && (jv_only(r->body, fields, e) ||
	                jv_string(r->body, "name", "订阅名称", false, FEED_NAME_MAX, &name, e)))
		return -1;
	if (db_query_int(
	        r->db, e, &live, &found,
	        "SELECT count(*) FROM calendar_feed WHERE user_id = $1 AND revoked_at IS NULL", "I",
	        r->who.user_id))
		return -1;
	if (live >= FEED_PER_USER_MAX)
		return err_set(e, ERR_CONFLICT, "每人最多%d个日历订阅地址，请先撤销不再使用的地址",
		               FEED_PER_USER_MAX);
	token_random(secret);
	token_hash(secret, hash);
	if (db_query_int(r->db, e, &id, &found,
	                 "INSERT INTO calendar_feed (org_id, user_id, name, token_hash, created_at)"
	                 " VALUES ($1, $2, $3, $4, $5) RETURNING id",
	                 "IIssI", r->who.org_id, r->who.user_id, name, hash, now)) {
		sodium_memzero(secret, sizeof secret);
		return -1;
	}
	snprintf(url, sizeof url, FEED_URL_PREFIX "%s" FEED_URL_SUFFIX, secret);
	sodium_memzero(secret, sizeof secret);
	req_audit_object(r, "calendar_feed", id);
	j = feed_json(id, name, now);
	json_object_set_new(j, "url", json_string(url));
	sodium_memzero(url, sizeof url);
	req_reply(r, 201, j);
	return 0;
}

int feed_api_list(struct req *r, struct err *e)
{
	struct db_stmt *st = db_query(r->db, e,
	                              "SELECT id, name, created_at FROM calendar_feed"
	                              " WHERE user_id = $1 AND revoked_at IS NULL ORDER BY id",
	                              "I", r->who.user_id);
	json_t *items;
	int rc;

	if (st == NULL)
		return -1;
	items = json_array();
	while ((rc = db_step(st, e)) == DB_ROW)
		json_array_append_new(
		    items, feed_json(db_col_int(st, 0), db_col_text(st, 1), db_col_int(st, 2)));
	db_reset(st);
	if (rc < 0) {
		json_decref(items);
		return -1;
	}
	req_reply(r, 200, json_list(items, (int64_t)json_array_size(items)));
	return 0;
}

int feed_api_revoke(struct req *r, struct err *e)
{
	int64_t id, n;

	if (req_param_id(r, "id", &id, e))
		return -1;
	n = db_execf(r->db, e,
	             "UPDATE calendar_feed SET revoked_at = $1 WHERE id = $2 AND user_id = $3"
	             " AND revoked_at IS NULL",
	             "III", time_now(), id, r->who.user_id);
	if (n < 0)
		return -1;
	if (n == 0)
		return err_set(e, ERR_NOT_FOUND, "日历订阅地址不存在");
	req_audit_object(r, "calendar_feed", id);
	req_reply(r, 200, json_pack("{s:I, s:b}", "id", (json_int_t)id, "revoked", 1));
	return 0;
}

/* The secret of "/calendar/<secret>.ics" (the router strips the suffix): base64url characters
 * only, at most FEED_SECRET_MAX, else NULL. */
static const char *secret_of(struct req *r, char out[FEED_SECRET_MAX + 1])
{
	const char *s = req_param(r, "secret");
	size_t n = s ? strlen(s) : 0;

	if (n == 0 || n > FEED_SECRET_MAX)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '_'))
			return NULL;
	}
	memcpy(out, s, n + 1);
	return out;
}

int feed_api_ics(struct req *r, struct err *e)
{
	char secret[FEED_SECRET_MAX + 1], hash[65];
	struct principal owner;
	struct buf out = BUF_INIT;
	int64_t user_id = 0, org_id = 0;
	struct db_stmt *st;
	bool found = false;
	int rc;

	if (secret_of(r, secret) == NULL)
		return err_set(e, ERR_NOT_FOUND, "日历订阅地址不存在或已撤销");
	token_hash(secret, hash);
	sodium_memzero(secret, sizeof secret);
	st = db_query(r->db, e,
	              "SELECT user_id, org_id FROM calendar_feed WHERE token_hash = $1"
	              " AND revoked_at IS NULL",
	              "s", hash);
	if (st == NULL)
		return -1;
	if ((rc = db_step(st, e)) == DB_ROW) {
		user_id = db_col_int(st, 0);
		org_id = db_col_int(st, 1);
	}
	db_reset(st);
	if (rc < 0)
		return -1;
	/* the owner must still be an active business user of the feed's org */
	if (rc == DB_ROW && principal_load(r->db, user_id, &owner, &found, e))
		return -1;
	if (!found || owner.org_id != org_id || !(owner.roles & ROLES_BUSINESS))
		return err_set(e, ERR_NOT_FOUND, "日历订阅地址不存在或已撤销");
	if (feed_ics_write(r->db, owner.user_id, owner.name, time_now(), &out, e)) {
		buf_free(&out);
		return -1;
	}
	req_send_bytes(r, 200, "text/calendar; charset=utf-8", out.data, out.len);
	buf_free(&out);
	return 0;
}
