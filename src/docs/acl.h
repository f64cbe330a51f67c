/*
 * acl.h - need-to-know (知悉范围), the contract every module that shows business objects uses
 * (documents, tasks, search, exports, calendar feeds, notices). Table `acl` (migration 030):
 *
 *   acl(org_id, kind TEXT, object_id INTEGER, user_id INTEGER, reason TEXT, created_at,
 *       PRIMARY KEY (kind, object_id, user_id)), index (user_id, kind, object_id)
 *
 * Rule (domain.md §0): an object of kind K is visible to a user when
 *   - the user holds an office role (office_director, clerk) or a leader role (chief, leader)
 *     and the object is in the user's org — they "see all", no acl row needed; or
 *   - there is an acl row (K, object id, user id): its creator, everyone it was routed or
 *     circulated to, its handlers.
 * The archive's view (domain.md §3: a document goes to the archive once its handling is over): the
 * archive roles (档案员) also see every 收文 and 发文 of their org that is ready for archiving
 * (ACL_INCOMING_ARCHIVABLE, ACL_OUTGOING_ARCHIVABLE) — never a draft or a document in progress,
 * unless an acl row of their own grants it. The rule is written once, in acl.c; every document
 * list, count, detail, export and search result takes it from the functions and macros below.
 * The three separated administrators (sysadmin, secadmin, auditor) see no business content at all:
 * routes keep them out with ROLES_BUSINESS (or narrower); acl never grants them anything.
 * Anything outside the rule does not exist for the caller: 404 on details, absent from every list,
 * count and search result. Rows are only added, never removed (a reader stays a reader: the
 * processing sheet shows what they saw).
 *
 * Every function runs inside the caller's transaction.
 */
#ifndef JW_DOCS_ACL_H
#define JW_DOCS_ACL_H

#include "auth/auth.h"
#include "core/buf.h"
#include "core/err.h"
#include "db/db.h"

#include <stdbool.h>
#include <stdint.h>

#define ACL_KIND_MAX   32 /* "incoming", "outgoing", "task", ... */
#define ACL_REASON_MAX 64 /* "creator", "circulated", "assigned", ... */

/* Roles that see every object of their org without an acl row. */
#define ACL_ROLES_SEE_ALL (ROLES_OFFICE | ROLES_LEADERS)

static inline bool acl_sees_all(const struct principal *p)
{
	return (p->roles & ACL_ROLES_SEE_ALL) != 0;
}

/* Roles that see what is ready for archiving, and the states that mean it: 收文 待归档, and 发文
 * 已分发，待归档 (the last step of both lifecycles, docs.h); a later 已归档 state joins them. */
#define ACL_ROLES_ARCHIVE       ROLE_ARCHIVIST
#define ACL_ROLES_ARCHIVE_CODE  "archivist" /* the role code of ACL_ROLES_ARCHIVE (user_role) */
#define ACL_INCOMING_ARCHIVABLE "('archivable')"
#define ACL_OUTGOING_ARCHIVABLE "('distributed')"

static inline bool acl_sees_archive(const struct principal *p)
{
	return (p->roles & ACL_ROLES_ARCHIVE) != 0;
}

/*
 * The visibility test as an SQL fragment for statements written as string literals, so the
 * statement cache keys stay constant. kind is a string literal; id_expr the object id column
 * ("d.id"); all_param the placeholder bound to 1 when the caller sees all, else 0; user_param
 * the placeholder bound to the caller's user id. Combine with the org condition of the query.
 *
 *   "SELECT count(*) FROM incoming_doc d WHERE d.org_id = $1 AND "
 *   ACL_VISIBLE_SQL("incoming", "d.id", "$2", "$3")
 *
 * The IN (subquery) form lets the planner start from the caller's few acl rows when the caller
 * does not see all, and skips the subquery altogether when all_param is 1.
 */
#define ACL_VISIBLE_SQL(kind, id_expr, all_param, user_param)                                      \
	"(" all_param " = 1 OR " id_expr                                                           \
	" IN (SELECT a.object_id FROM acl a WHERE a.user_id = " user_param " AND a.kind = '" kind  \
	"'))"

/*
 * The same test appended to a query that is built at run time (for lists whose filters vary):
 * appends " AND <id_expr> IN (SELECT ...)" with the caller's user id bound as $<param_no>, or
 * nothing when the caller sees all. Returns the number of placeholders used (0 or 1); the caller
 * binds p->user_id at param_no when it is 1. kind must be one of the module kinds (letters and
 * '_' only, at most ACL_KIND_MAX bytes) — it is written into the SQL text, never user input.
 * For the document kinds ("incoming", "outgoing") id_expr is "<alias>.id" of the document table,
 * and for a caller with an archive role the condition also admits "<alias>.state IN (ready for
 * archiving)". The text depends on the caller's roles, so a cache keyed on the SQL text and its
 * parameters (incoming.c's list totals) never serves one role's count to another.
 */
int acl_append_visible(struct buf *sql, const struct principal *p, const char *kind,
                       const char *id_expr, int param_no);

/*
 * The same for the 收文 and 发文 lists built with struct qb (docs_int.h, alias d): adds the
 * condition with the caller's user id as its value, or nothing when the caller sees all; with
 * mine (?mine=1, "与我有关") the caller's acl rows only, whatever their roles. Defined in
 * docs_query.c, next to the builder.
 */
struct qb;
void docs_qb_visible(struct qb *q, const struct principal *who, const char *kind, bool mine);

/*
 * The need-to-know condition of a searchable document kind (src/search: a kind's visible_sql), on
 * `s`, a search_doc row of the kind in the caller's org, with $1 the caller's user id: the
 * caller's acl rows, and the documents ready for archiving when the caller holds the archive role
 * (looked up in user_role, since the search statement is one text for every caller). The
 * subquery is not correlated: it runs once per statement, and its archive half costs nothing
 * for a caller without the role (the EXISTS is false before any document row is read).
 *   .visible_sql = ACL_DOC_SEARCH_VISIBLE("incoming", "incoming_doc", ACL_INCOMING_ARCHIVABLE)
 */
#define ACL_DOC_SEARCH_VISIBLE(kind, table, states)                                                \
	"s.object_id IN (SELECT a.object_id FROM acl a WHERE a.user_id = $1 AND a.kind = '" kind   \
	"' UNION ALL SELECT x.id FROM " table " x WHERE EXISTS (SELECT 1 FROM user_role r"         \
	" WHERE r.user_id = $1 AND r.role = '" ACL_ROLES_ARCHIVE_CODE "') AND x.org_id = (SELECT"  \
	" u.org_id FROM app_user u WHERE u.id = $1) AND x.state IN " states ")"

/* Grants user_id sight of (kind, id) with a reason; a second grant keeps the first reason.
 * The user must be in org (an acl row never crosses orgs): ERR_VALIDATION otherwise. */
int docs_acl_grant(struct db *db, int64_t org_id, const char *kind, int64_t id, int64_t user_id,
                   const char *reason, struct err *e);

/* May p see (kind, id) of an object in p's org? The object's org is the caller's to check (its
 * own table); this answers the acl half of the rule (true at once for see-all roles), and for a
 * document kind and an archive role whether the document is ready for archiving. */
int acl_can_see(struct db *db, const struct principal *p, const char *kind, int64_t id,
                bool *visible, struct err *e);

/* Does user_id (not necessarily the caller) have an acl row for (kind, id)? */
int acl_has_row(struct db *db, const char *kind, int64_t id, int64_t user_id, bool *has,
                struct err *e);

#endif
