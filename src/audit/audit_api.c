/*
 * audit_api.c - GET /api/v1/audit for the security auditor (安全审计员) only.
 */
#include "audit/audit.h"
#include "core/timeutil.h"
#include "http/http.h"

#include <string.h>

#define AUDIT_WHERE                                                                                \
	" WHERE (org_id = $1 OR org_id = 0) AND ($2 IS NULL OR actor = $2) AND ($3 IS NULL OR action = $3)"        \
	" AND ($4 IS NULL OR object_type = $4) AND ($5 IS NULL OR result LIKE $5 || '%')"          \
	" AND ts >= $6 AND ts < $7"

static void bind_filters(struct db_stmt *st, struct req *r, int64_t from, int64_t to)
{
	db_bind_int(st, 1, r->who.org_id);
	db_bind_text(st, 2, req_query(r, "actor"));
	db_bind_text(st, 3, req_query(r, "action"));
	db_bind_text(st, 4, req_query(r, "object_type"));
	db_bind_text(st, 5, req_query(r, "result"));
	db_bind_int(st, 6, from);
	db_bind_int(st, 7, to);
}

static int date_bound(struct req *r, const char *key, int64_t dflt, int add_days, int64_t *out,
                      struct err *e)
{
	const char *s = req_query(r, key);
	int days;

	if (s == NULL) {
		*out = dflt;
		return 0;
	}
	if (date_parse(s, &days))
		return err_field(e, ERR_BAD_REQUEST, key, "日期格式应为 YYYY-MM-DD");
	*out = date_start_time(days + add_days);
	return 0;
}

static int get_audit(struct req *r, struct err *e)
{
	int64_t limit, offset, from, to, total = 0;
	struct db_stmt *st;
	json_t *items;
	int rc;

	if (req_paging(r, &limit, &offset, e) || date_bound(r, "from", 0, 0, &from, e) ||
	    date_bound(r, "to", INT64_MAX, 1, &to, e))
		return -1;
	st = db_prepare(r->db, "SELECT count(*) FROM audit_log" AUDIT_WHERE, e);
	if (st == NULL)
		return -1;
	bind_filters(st, r, from, to);
	if ((rc = db_step(st, e)) == DB_ROW)
		total = db_col_int(st, 0);
	db_reset(st);
	if (rc < 0)
		return -1;
	st = db_prepare(r->db,
	                "SELECT a.id, a.ts, a.actor, coalesce(u.name, '') AS actor_name, a.ip,"
	                " a.action, a.object_type, a.object_id, a.result, a.detail"
	                " FROM audit_log a LEFT JOIN app_user u ON u.id = a.actor_id"
	                " WHERE a.id IN (SELECT id FROM audit_log" AUDIT_WHERE
	                " ORDER BY id DESC LIMIT $8 OFFSET $9) ORDER BY a.id DESC",
	                e);
	if (st == NULL)
		return -1;
	bind_filters(st, r, from, to);
	db_bind_int(st, 8, limit);
	db_bind_int(st, 9, offset);
	items = json_array();
	while ((rc = db_step(st, e)) == DB_ROW) {
		json_t *row = db_row_json(st);
		char ts[TIME_ISO_MAX];
		time_iso(db_col_int(st, 1), ts);
		json_object_set_new(row, "ts", json_string(ts));
		json_array_append_new(items, row);
	}
	db_reset(st);
	if (rc < 0) {
		json_decref(items);
		return -1;
	}
	req_reply(r, 200, json_list(items, total));
	return 0;
}

static const struct route audit_routes[] = {
    {"GET", "/api/v1/audit", get_audit, 0, ROLE_AUDITOR, NULL},
};

const struct module audit_module = {
    .name = "audit",
    .routes = audit_routes,
    .route_count = 1,
};
