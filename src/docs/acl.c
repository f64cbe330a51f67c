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

/* The archive's view of each document kind (acl.h): the states of "ready for archiving", and the
 * detail test for one document (a literal per kind, for the statement cache). */
static const struct archive_view {
	const char *kind;
	const char *states;
	const char *one_sql;
} archive_views[] = {
    {"incoming", ACL_INCOMING_ARCHIVABLE,
     "SELECT 1 FROM incoming_doc WHERE id = $1 AND state IN " ACL_INCOMING_ARCHIVABLE},
    {"outgoing", ACL_OUTGOING_ARCHIVABLE,
     "SELECT 1 FROM outgoing_doc WHERE id = $1 AND state IN " ACL_OUTGOING_ARCHIVABLE},
};

/* The archive's view of kind for p, or NULL when p holds no archive role or kind has none. */
static const struct archive_view *archive_view_of(const struct principal *p, const char *kind)
{
	if (!acl_sees_archive(p))
		return NULL;
	for (size_t i = 0; i < sizeof archive_views / sizeof archive_views[0]; i++)
		if (strcmp(archive_views[i].kind, kind) == 0)
			return &archive_views[i];
	return NULL;
}

int acl_append_visible(struct buf *sql, const struct principal *p, const char *kind,
                       const char *id_expr, int param_no)
{
	const struct archive_view *v;
	size_t alias;

	if (acl_sees_all(p))
		return 0;
	if (!kind_ok(kind))
		kind = "invalid"; /* a programming error must not become an SQL injection */
	v = archive_view_of(p, kind);
	alias = strlen(id_expr);
	if (v && (alias < 2 || strcmp(id_expr + alias - 2, "id") != 0))
		v = NULL; /* not "<alias>.id": no state column to test, the acl rows alone */
	buf_addf(sql,
	         " AND %s%s IN (SELECT a.object_id FROM acl a WHERE a.user_id = $%d AND"
	         " a.kind = '%s')",
	         v ? "(" : "", id_expr, param_no, kind);
	if (v)
		buf_addf(sql, " OR %.*sstate IN %s)", (int)(alias - 2), id_expr, v->states);
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
	const struct archive_view *v = archive_view_of(p, kind);
	int64_t one;

	if (acl_sees_all(p)) {
		*visible = true;
		return 0;
	}
	if (acl_has_row(db, kind, id, p->user_id, visible, e))
		return -1;
	if (*visible || v == NULL)
		return 0;
	return db_query_int(db, e, &one, visible, v->one_sql, "I", id);
}
