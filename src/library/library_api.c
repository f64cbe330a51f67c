/*
 * library_api.c - /api/v1/library: the 法规资料库. Every business role reads it; the office
 * (office_director, clerk) adds, edits and removes documents. Lists carry no body; the detail does.
 * The list filters: ?q= (title contains), ?type=, ?issuer= (exact, as GET /library/issuers lists
 * them) and ?year= (the year of doc_date; documents without a date have none).
 */
#include "library/library.h"
#include "core/buf.h"
#include "core/jsonv.h"
#include "core/timeutil.h"
#include "http/http.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LIBRARY_QUERY_MAX   200  /* bytes of ?q= */
#define LIBRARY_TYPES_MAX   200  /* distinct types listed */
#define LIBRARY_ISSUERS_MAX 1000 /* distinct issuers listed (the shared corpus has 146) */
#define LIBRARY_YEAR_MIN    1900
#define LIBRARY_YEAR_MAX    2099

#define LIST_WHERE                                                                                 \
	" FROM library_doc WHERE org_id = $1 AND ($2 IS NULL OR type = $2)"                        \
	" AND ($3 IS NULL OR title LIKE $3 ESCAPE '\\') AND ($4 IS NULL OR issuer = $4)"           \
	" AND ($5 IS NULL OR (doc_date >= $5 AND doc_date < $6))"

/* '%q%' with LIKE's wildcards in q escaped, so "50%" finds "50%" literally. */
static void like_pattern(const char *q, struct buf *out)
{
	buf_addc(out, '%');
	for (; *q; q++) {
		if (*q == '%' || *q == '_' || *q == '\\')
			buf_addc(out, '\\');
		buf_addc(out, *q);
	}
	buf_addc(out, '%');
}

static json_t *row_json(struct db_stmt *st, bool with_body)
{
	char created[TIME_ISO_MAX], updated[TIME_ISO_MAX];
	json_t *o =
	    json_pack("{s:I, s:o, s:s, s:o, s:o, s:s, s:o, s:o, s:o, s:b, s:I}", "id",
	              (json_int_t)db_col_int(st, 0), "external_id", db_col_json(st, 1), "title",
	              db_col_text(st, 2), "issuer", db_col_json(st, 3), "date", db_col_json(st, 4),
	              "type", db_col_text(st, 5), "category", db_col_json(st, 6), "jurisdiction",
	              db_col_json(st, 7), "script", db_col_json(st, 8), "abolished",
	              (int)db_col_int(st, 9), "version", (json_int_t)db_col_int(st, 10));

	time_iso(db_col_int(st, 11), created);
	time_iso(db_col_int(st, 12), updated);
	json_object_set_new(o, "created_at", json_string(created));
	json_object_set_new(o, "updated_at", json_string(updated));
	if (with_body)
		json_object_set_new(o, "body", json_string(db_col_text(st, 13)));
	return o;
}

#define ROW_COLUMNS                                                                                \
	"id, external_id, title, issuer, doc_date, type, category, jurisdiction, script,"          \
	" abolished, version, created_at, updated_at"

/* ?year=: the bounds "YYYY-01-01" and "YYYY+1-01-01" of doc_date, or both NULL. */
static int query_year(struct req *r, char from[DATE_STR_MAX], char to[DATE_STR_MAX],
                      const char **from_p, const char **to_p, struct err *e)
{
	const char *s = req_query(r, "year");
	char *end;
	long y;

	*from_p = *to_p = NULL;
	if (s == NULL || *s == '\0')
		return 0;
	y = strtol(s, &end, 10);
	if (*end || y < LIBRARY_YEAR_MIN || y > LIBRARY_YEAR_MAX)
		return err_field(e, ERR_BAD_REQUEST, "year", "年份应在%d到%d之间", LIBRARY_YEAR_MIN,
		                 LIBRARY_YEAR_MAX);
	snprintf(from, DATE_STR_MAX, "%04ld-01-01", y);
	snprintf(to, DATE_STR_MAX, "%04ld-01-01", y + 1);
	*from_p = from;
	*to_p = to;
	return 0;
}

static int get_list(struct req *r, struct err *e)
{
	const char *q = req_query(r, "q"), *type = req_query(r, "type");
	const char *issuer = req_query(r, "issuer"), *from, *to;
	char from_buf[DATE_STR_MAX], to_buf[DATE_STR_MAX];
	struct buf pat = BUF_INIT;
	int64_t limit, offset, total = 0;
	struct db_stmt *st;
	json_t *items = NULL;
	int rc = -1;

	if (req_paging(r, &limit, &offset, e) || query_year(r, from_buf, to_buf, &from, &to, e))
		return -1;
	if ((q && strlen(q) > LIBRARY_QUERY_MAX) || (type && strlen(type) > LIBRARY_TYPE_MAX) ||
	    (issuer && strlen(issuer) > LIBRARY_ISSUER_MAX))
		return err_field(
		    e, ERR_BAD_REQUEST,
		    q && strlen(q) > LIBRARY_QUERY_MAX
		        ? "q"
		        : (issuer && strlen(issuer) > LIBRARY_ISSUER_MAX ? "issuer" : "type"),
		    "查询条件过长");
	if (q)
		like_pattern(q, &pat);
	if (db_query_int(r->db, e, &total, NULL, "SELECT count(*)" LIST_WHERE, "Isssss",
	                 r->who.org_id, type, q ? pat.data : NULL, issuer, from, to))
		goto out;
	st = db_query(r->db, e,
	              "SELECT " ROW_COLUMNS LIST_WHERE
	              " ORDER BY doc_date DESC NULLS LAST, id DESC LIMIT $7 OFFSET $8",
	              "IsssssII", r->who.org_id, type, q ? pat.data : NULL, issuer, from, to, limit,
	              offset);
	if (st == NULL)
		goto out;
	items = json_array();
	while ((rc = db_step(st, e)) == DB_ROW)
		json_array_append_new(items, row_json(st, false));
	db_reset(st);
	if (rc < 0)
		goto out;
	req_reply(r, 200, json_list(items, total));
	items = NULL;
	rc = 0;
out:
	json_decref(items);
	buf_free(&pat);
	return rc < 0 ? -1 : 0;
}

/* A list of (value, count) rows of the org's documents, answered as {"items","total"}. */
static int reply_counts(struct req *r, size_t max, const char *sql, struct err *e)
{
	json_t *items = db_query_json(r->db, e, max, sql, "I", r->who.org_id);

	if (items == NULL)
		return -1;
	req_reply(r, 200, json_list(items, (int64_t)json_array_size(items)));
	return 0;
}

static int get_types(struct req *r, struct err *e)
{
	return reply_counts(r, LIBRARY_TYPES_MAX,
	                    "SELECT type, count(*) AS count FROM library_doc"
	                    " WHERE org_id = $1 GROUP BY type ORDER BY count(*) DESC, type",
	                    e);
}

/* 发布机关 with their number of documents, most first (the list's issuer filter). */
static int get_issuers(struct req *r, struct err *e)
{
	return reply_counts(r, LIBRARY_ISSUERS_MAX,
	                    "SELECT issuer, count(*) AS count FROM library_doc"
	                    " WHERE org_id = $1 AND issuer IS NOT NULL"
	                    " GROUP BY issuer ORDER BY count(*) DESC, issuer",
	                    e);
}

static json_t *load(struct db *db, int64_t org_id, int64_t id, struct err *e)
{
	struct db_stmt *st = db_query(db, e,
	                              "SELECT " ROW_COLUMNS ", body FROM library_doc"
	                              " WHERE id = $1 AND org_id = $2",
	                              "II", id, org_id);
	json_t *j = NULL;
	int rc;

	if (st == NULL)
		return NULL;
	rc = db_step(st, e);
	if (rc == DB_ROW)
		j = row_json(st, true);
	db_reset(st);
	if (rc == DB_DONE)
		err_set(e, ERR_NOT_FOUND, "资料不存在");
	return j;
}

static int get_one(struct req *r, struct err *e)
{
	int64_t id;
	json_t *j;

	if (req_param_id(r, "id", &id, e) || (j = load(r->db, r->who.org_id, id, e)) == NULL)
		return -1;
	req_reply(r, 200, j);
	return 0;
}

static const char *const doc_fields[] = {"external_id", "title",     "issuer",   "date",
                                         "type",        "body",      "category", "jurisdiction",
                                         "script",      "abolished", "version",  NULL};

/* The request body as a library_doc: the import's rules, with the key names of the API. */
static int doc_from_request(json_t *body, struct library_doc *d, struct err *e)
{
	json_t *copy = json_copy(body), *ext = json_object_get(body, "external_id");
	int rc;

	if (ext && json_is_null(ext))
		ext = NULL;
	/* the import calls the source's id "id"; the API calls it external_id (optional) */
	json_object_del(copy, "external_id");
	json_object_set_new(copy, "id", ext ? json_incref(ext) : json_string("-"));
	rc = library_doc_from_json(copy, d, e);
	if (rc == 0 && ext == NULL)
		d->external_id = NULL;
	if (rc && strcmp(e->field, "id") == 0)
		snprintf(e->field, sizeof e->field, "external_id");
	/* the strings d borrows stay valid: json_copy is shallow, body holds the same objects */
	json_decref(copy);
	return rc;
}

static int post_doc(struct req *r, struct err *e)
{
	struct library_doc d;
	int64_t id;
	bool inserted;
	json_t *j;

	if (jv_only(r->body, doc_fields, e))
		return -1;
	if (jv_has(r->body, "version"))
		return err_field(e, ERR_VALIDATION, "version", "新建资料时不能指定版本号");
	if (doc_from_request(r->body, &d, e) ||
	    library_upsert(r->db, r->who.org_id, &d, &id, &inserted, e))
		return -1;
	if (!inserted)
		return err_field(e, ERR_CONFLICT, "external_id", "已有相同编号的资料");
	req_audit_object(r, "library", id);
	if ((j = load(r->db, r->who.org_id, id, e)) == NULL)
		return -1;
	req_reply(r, 201, j);
	return 0;
}

static int patch_doc(struct req *r, struct err *e)
{
	int64_t id, version = 0, exists;
	const char *title = NULL, *issuer = NULL, *date = NULL, *type = NULL, *body = NULL;
	bool has_issuer, has_date, abolished = false, found;
	json_t *j;
	int days;

	if (req_param_id(r, "id", &id, e) || jv_only(r->body, doc_fields, e) ||
	    jv_int(r->body, "version", "版本号", true, 1, INT64_MAX, &version, e) ||
	    jv_string(r->body, "title", "标题", false, LIBRARY_TITLE_MAX, &title, e) ||
	    jv_string_or_null(r->body, "issuer", "发布机关", LIBRARY_ISSUER_MAX, &issuer,
	                      &has_issuer, e) ||
	    jv_string_or_null(r->body, "date", "日期", DATE_STR_MAX - 1, &date, &has_date, e) ||
	    jv_string(r->body, "type", "类别", false, LIBRARY_TYPE_MAX, &type, e) ||
	    jv_string(r->body, "body", "正文", false, LIBRARY_BODY_MAX, &body, e) ||
	    jv_bool(r->body, "abolished", "废止标记", false, &abolished, e))
		return -1;
	if (jv_has(r->body, "external_id") || jv_has(r->body, "category") ||
	    jv_has(r->body, "jurisdiction") || jv_has(r->body, "script"))
		return err_set(e, ERR_VALIDATION, "编号、分类、法域和文字由导入来源决定，不能修改");
	if (title && strspn(title, " \t\r\n") == strlen(title))
		return err_field(e, ERR_VALIDATION, "title", "标题不能为空");
	if (date && date_parse(date, &days) != 0)
		return err_field(e, ERR_VALIDATION, "date", "日期应为有效的 YYYY-MM-DD");
	if (db_query_int(r->db, e, &exists, &found,
	                 "SELECT id FROM library_doc WHERE id = $1 AND org_id = $2", "II", id,
	                 r->who.org_id))
		return -1;
	if (!found)
		return err_set(e, ERR_NOT_FOUND, "资料不存在");
	if (db_execf(r->db, e,
	             "UPDATE library_doc SET title = coalesce($1, title),"
	             " issuer = CASE WHEN $2 = 1 THEN $3 ELSE issuer END,"
	             " doc_date = CASE WHEN $4 = 1 THEN $5 ELSE doc_date END,"
	             " type = coalesce($6, type), body = coalesce($7, body),"
	             " abolished = CASE WHEN $8 = 1 THEN $9 ELSE abolished END,"
	             " version = version + 1, updated_at = $10"
	             " WHERE id = $11 AND org_id = $12 AND version = $13",
	             "sisisssiiIIII", title, has_issuer ? 1 : 0, issuer, has_date ? 1 : 0, date,
	             type, body, jv_has(r->body, "abolished") ? 1 : 0, abolished ? 1 : 0,
	             time_now(), id, r->who.org_id, version) == 0)
		return err_set(e, ERR_CONFLICT, "资料已被他人修改，请刷新后重试");
	if (e->kind != ERR_NONE || library_indexed(r->db, id, e))
		return -1;
	req_audit_object(r, "library", id);
	if ((j = load(r->db, r->who.org_id, id, e)) == NULL)
		return -1;
	req_reply(r, 200, j);
	return 0;
}

static int delete_doc(struct req *r, struct err *e)
{
	int64_t id, n;

	if (req_param_id(r, "id", &id, e))
		return -1;
	n = db_execf(r->db, e, "DELETE FROM library_doc WHERE id = $1 AND org_id = $2", "II", id,
	             r->who.org_id);
	if (n < 0)
		return -1;
	if (n == 0)
		return err_set(e, ERR_NOT_FOUND, "资料不存在");
	if (library_indexed(r->db, id, e)) /* the row is gone: the index drops it */
		return -1;
	req_audit_object(r, "library", id);
	req_reply(r, 200, json_pack("{s:I, s:b}", "id", (json_int_t)id, "deleted", 1));
	return 0;
}

static const struct route library_routes[] = {
    {"GET", "/api/v1/library", get_list, 0, ROLES_BUSINESS, NULL},
    {"GET", "/api/v1/library/types", get_types, 0, ROLES_BUSINESS, NULL},
    {"GET", "/api/v1/library/issuers", get_issuers, 0, ROLES_BUSINESS, NULL},
    {"GET", "/api/v1/library/{id}", get_one, 0, ROLES_BUSINESS, NULL},
    {"POST", "/api/v1/library", post_doc, 0, ROLES_OFFICE, "library.create"},
    {"PATCH", "/api/v1/library/{id}", patch_doc, 0, ROLES_OFFICE, "library.update"},
    {"DELETE", "/api/v1/library/{id}", delete_doc, 0, ROLES_OFFICE, "library.delete"},
};

const struct module library_module = {
    .name = "library",
    .routes = library_routes,
    .route_count = sizeof library_routes / sizeof library_routes[0],
};
