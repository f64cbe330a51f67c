/*
 * search_api.c - GET /api/v1/search (architecture contract, issue 6).
 *
 *   ?q=         the query language of fts_cjk_match_expr() (required)
 *   ?kind=      one kind or several, comma-separated (library,incoming,outgoing)
 *   ?from= ?to= date range, YYYY-MM-DD, inclusive
 *   ?doc_type=  文种 / 类别 as shown (通知, 司法解释)
 *   ?secrecy=   secrecy code (none, internal, secret, …)
 *   ?department_id=
 *   ?sort=      relevance (default) | date (newest first)
 *   ?limit= ?offset=  as every list (limit at most 200; offset + limit at most SEARCH_WINDOW_MAX)
 *
 * Business roles only: the three separated administrators get 403 (no business content).
 * Need-to-know is applied inside the query (search.h).
 */
#include "core/limits.h"
#include "core/log.h"
#include "core/timeutil.h"
#include "http/http.h"
#include "search/search.h"

#include <stdlib.h>
#include <string.h>

#define KIND_PARAM_MAX 256 /* bytes of ?kind= */

static int parse_kinds(const char *s, struct search_query *q, char *store, size_t cap,
                       struct err *e)
{
	char *tok, *save = NULL;

	if (s == NULL || *s == '\0')
		return 0;
	if (strlen(s) >= cap)
		return err_field(e, ERR_VALIDATION, "kind", "检索类别参数过长");
	strcpy(store, s);
	for (tok = strtok_r(store, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (*tok == '\0')
			continue;
		if (q->nkinds == SEARCH_KINDS_MAX)
			return err_field(e, ERR_VALIDATION, "kind", "检索类别过多");
		q->kinds[q->nkinds++] = tok;
	}
	return 0;
}

static int parse_date(struct req *r, const char *key, const char *label, int *out, struct err *e)
{
	const char *s = req_query(r, key);

	if (s == NULL || *s == '\0')
		return 0;
	if (date_parse(s, out) != 0)
		return err_field(e, ERR_VALIDATION, key, "%s应为有效的 YYYY-MM-DD 日期", label);
	return 0;
}

static const char *opt(struct req *r, const char *key)
{
	const char *s = req_query(r, key);

	return s && *s ? s : NULL;
}

static int get_search(struct req *r, struct err *e)
{
	struct search_query q;
	char kinds[KIND_PARAM_MAX];
	const char *sort = req_query(r, "sort"), *dept = opt(r, "department_id");
	char *end;
	json_t *out;

	search_query_init(&q);
	q.q = req_query(r, "q");
	if (req_paging(r, &q.limit, &q.offset, e) ||
	    parse_kinds(req_query(r, "kind"), &q, kinds, sizeof kinds, e) ||
	    parse_date(r, "from", "起始日期", &q.date_from, e) ||
	    parse_date(r, "to", "截止日期", &q.date_to, e))
		return -1;
	if (sort && *sort && strcmp(sort, "relevance") != 0) {
		if (strcmp(sort, "date") != 0)
			return err_field(e, ERR_VALIDATION, "sort",
			                 "排序方式应为 relevance 或 date");
		q.sort = SEARCH_SORT_DATE;
	}
	if (dept) {
		q.department_id = strtoll(dept, &end, 10);
		if (*end != '\0' || q.department_id <= 0)
			return err_field(e, ERR_VALIDATION, "department_id", "部门参数无效");
	}
	q.doc_type = opt(r, "doc_type");
	q.secrecy = opt(r, "secrecy");
	if (search_run(r->db, &r->who, &q, &out, e) < 0)
		return -1;
	req_reply(r, 200, out);
	return 0;
}

/* Creates the FTS5 table (the migration cannot: search.h) and indexes what a database filled
 * before the index existed holds. */
static int search_start(const char *db_uri, struct err *e)
{
	struct db *db = db_open(db_uri, e);
	int rc;

	if (db == NULL)
		return -1;
	rc = search_schema_ensure(db, e);
	if (rc == 0)
		rc = search_index_rebuild_if_empty(db, e);
	db_close(db);
	return rc;
}

static const struct route search_routes[] = {
    {"GET", "/api/v1/search", get_search, 0, ROLES_BUSINESS, NULL},
};

const struct module search_module = {
    .name = "search",
    .routes = search_routes,
    .route_count = sizeof search_routes / sizeof search_routes[0],
    .start = search_start,
};
