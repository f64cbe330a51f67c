/*
 * acl.c - need-to-know rows and the visibility test (see acl.h).
 */
#include "docs/acl.h"
#include "core/timeutil.h"

#include <string.h>

static bool kind_ok(const char *kind)
{
	size_t n = kind ? strlen(kind) : 0;

	if (n == 0 || n > ACL_KIND_MAX)
		return false;
	for (const char *c = kind; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || *c == '_'))
			return false;
	return true;
}

int acl_append_visible(struct buf *sql, const struct principal *p, const char *kind,
                       const char *id_expr, int param_no)
{
	if (acl_sees_all(p))
		return 0;
	if (!kind_ok(kind))
		kind = "invalid"; /* a programming error must not become an SQL injection */
	buf_addf(
	    sql,
	    " AND %s IN (SELECT a.object_id FROM acl a WHERE a.user_id = $%d AND a.kind = '%s')",
	    id_expr, param_no, kind);
	return 1;
}

int docs_acl_grant(struct db *db, int64_t org_id, const char *kind, int64_t id, int64_t user_id,
                   const char *reason, struct err *e)
{
	int64_t n;

	if (!kind_ok(kind))
		return err_internal(e, "acl kind %s", kind ? kind : "(null)");
	n = db_execf(db, e,
	             "INSERT INTO acl (org_id, kind, object_id, user_id, reason, created_at)"
	             " SELECT $1, $2, $3, u.id, $5, $6 FROM app_user u WHERE u.id = $4"
	             " AND u.org_id = $1 ON CONFLICT DO NOTHING",
	             "IsIIsI", org_id, kind, id, user_id, reason ? reason : "", time_now());
	if (n < 0)
		return -1;
	if (n == 0) {
		bool has;
		if (acl_has_row(db, kind, id, user_id, &has, e))
			return -1;
		if (!has)
			return err_set(e, ERR_VALIDATION, "指定的用户不存在");
	}
	return 0;
}

int acl_has_row(struct db *db, const char *kind, int64_t id, int64_t user_id, bool *has,
                struct err *e)
{
	int64_t one;

	return db_query_int(db, e, &one, has,
	                    "SELECT 1 FROM acl WHERE kind = $1 AND object_id = $2 AND user_id = $3",
	                    "sII", kind, id, user_id);
}

int acl_can_see(struct db *db, const struct principal *p, const char *kind, int64_t id,
                bool *visible, struct err *e)
{
	if (acl_sees_all(p)) {
		*visible = true;
		return 0;
	}
	return acl_has_row(db, kind, id, p->user_id, visible, e);
}
