/*
 * numbering_api.c - /api/v1/number-series: 文号管理. The office (office_director, clerk) keeps the
 * series, reserves (预留) and voids (作废) numbers; every business role may read the series (a
 * drafter picks one); the office and the leaders read the ledger and the gap report.
 */
#include "numbering/numbering.h"
#include "core/buf.h"
#include "core/jsonv.h"
#include "core/timeutil.h"
#include "core/utf8.h"
#include "http/http.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SERIES_LIST_MAX 500 /* series per org: a handful in practice */

static int this_year(void)
{
	int y, m, d;

	date_ymd(date_today(), &y, &m, &d);
	return y;
}

/* ?year=, default this year. */
static int query_year(struct req *r, int *year, struct err *e)
{
	const char *s = req_query(r, "year");
	char *end;
	long v;

	*year = this_year();
	if (s == NULL)
		return 0;
	v = strtol(s, &end, 10);
	if (*end || v < NUMBERING_YEAR_MIN || v > NUMBERING_YEAR_MAX)
		return err_field(e, ERR_BAD_REQUEST, "year", "年份应在%d到%d之间",
		                 NUMBERING_YEAR_MIN, NUMBERING_YEAR_MAX);
	*year = (int)v;
	return 0;
}

static int get_series_list(struct req *r, struct err *e)
{
	struct db_stmt *st;
	json_t *items;
	int year, rc = 0;

	if (query_year(r, &year, e))
		return -1;
	st = db_query(r->db, e,
	              "SELECT s.id, s.code, s.format, s.name, s.active, s.version,"
	              " coalesce(c.last_seq, 0) FROM number_series s"
	              " LEFT JOIN number_counter c ON c.series_id = s.id AND c.year = $2"
	              " WHERE s.org_id = $1 ORDER BY s.id",
	              "Ii", r->who.org_id, year);
	if (st == NULL)
		return -1;
	items = json_array();
	while (json_array_size(items) < SERIES_LIST_MAX && (rc = db_step(st, e)) == DB_ROW) {
		char next[NUMBERING_NUMBER_MAX] = "";
		struct err ignored = ERR_INIT;
		numbering_format(db_col_text(st, 2), db_col_text(st, 1), year,
		                 db_col_int(st, 6) + 1, next, sizeof next, &ignored);
		json_array_append_new(
		    items, json_pack("{s:I, s:s, s:s, s:s, s:b, s:I, s:i, s:I, s:s}", "id",
		                     (json_int_t)db_col_int(st, 0), "code", db_col_text(st, 1),
		                     "format", db_col_text(st, 2), "name", db_col_text(st, 3),
		                     "active", (int)db_col_int(st, 4), "version",
		                     (json_int_t)db_col_int(st, 5), "year", year, "last_seq",
		                     (json_int_t)db_col_int(st, 6), "next", next));
	}
	db_reset(st);
	if (rc < 0) {
		json_decref(items);
		return -1;
	}
	req_reply(r, 200, json_list(items, (int64_t)json_array_size(items)));
	return 0;
}

static int get_series(struct req *r, struct err *e)
{
	int64_t id;
	int year;
	json_t *j;

	if (req_param_id(r, "id", &id, e) || query_year(r, &year, e))
		return -1;
	if ((j = numbering_series_json(r->db, r->who.org_id, id, year, e)) == NULL)
		return -1;
	req_reply(r, 200, j);
	return 0;
}

static const char *const series_fields[] = {"code", "format", "name", "active", "version", NULL};

static int post_series(struct req *r, struct err *e)
{
	const char *code = NULL, *format = NUMBERING_DEFAULT_FORMAT, *name = "";
	int64_t id;
	json_t *j;

	if (jv_only(r->body, series_fields, e) ||
	    jv_string(r->body, "code", "机关代字", true, NUMBERING_CODE_MAX, &code, e) ||
	    jv_string(r->body, "format", "文号格式", false, NUMBERING_FORMAT_MAX, &format, e) ||
	    jv_string(r->body, "name", "系列名称", false, NUMBERING_NAME_MAX, &name, e))
		return -1;
	if (jv_has(r->body, "active") || jv_has(r->body, "version"))
		return err_set(e, ERR_VALIDATION, "新建文号系列时不能指定启用状态或版本号");
	if (numbering_series_create(r->db, r->who.org_id, code, format, name, &id, e))
		return -1;
	req_audit_object(r, "number_series", id);
	snprintf(r->audit_detail, sizeof r->audit_detail, "%s %s", code, format);
	if ((j = numbering_series_json(r->db, r->who.org_id, id, this_year(), e)) == NULL)
		return -1;
	req_reply(r, 201, j);
	return 0;
}

static int patch_series(struct req *r, struct err *e)
{
	const char *format = NULL, *name = NULL;
	int64_t id, version = 0;
	bool active = true, has_active = jv_has(r->body, "active");
	json_t *j;

	if (req_param_id(r, "id", &id, e) || jv_only(r->body, series_fields, e) ||
	    jv_int(r->body, "version", "版本号", true, 1, INT64_MAX, &version, e) ||
	    jv_string(r->body, "format", "文号格式", false, NUMBERING_FORMAT_MAX, &format, e) ||
	    jv_string(r->body, "name", "系列名称", false, NUMBERING_NAME_MAX, &name, e) ||
	    jv_bool(r->body, "active", "启用状态", false, &active, e))
		return -1;
	if (jv_has(r->body, "code"))
		return err_field(e, ERR_VALIDATION, "code",
		                 "机关代字创建后不能修改（已编发的文号依赖它）");
	if (format && numbering_format_check(format, e))
		return -1;
	if ((j = numbering_series_json(r->db, r->who.org_id, id, this_year(), e)) == NULL)
		return -1;
	json_decref(j);
	if (db_execf(
	        r->db, e,
	        "UPDATE number_series SET format = coalesce($1, format), name = coalesce($2, name),"
	        " active = CASE WHEN $3 = 1 THEN $4 ELSE active END, version = version + 1"
	        " WHERE id = $5 AND org_id = $6 AND version = $7",
	        "ssiiIII", format, name, has_active ? 1 : 0, active ? 1 : 0, id, r->who.org_id,
	        version) == 0)
		return err_set(e, ERR_CONFLICT, "文号系列已被他人修改，请刷新后重试");
	if (e->kind != ERR_NONE)
		return -1;
	req_audit_object(r, "number_series", id);
	if ((j = numbering_series_json(r->db, r->who.org_id, id, this_year(), e)) == NULL)
		return -1;
	req_reply(r, 200, j);
	return 0;
}

static const char *const reserve_fields[] = {"year", "purpose", NULL};

static int post_reserve(struct req *r, struct err *e)
{
	int64_t id, year = this_year(), seq;
	const char *purpose = "";
	char number[NUMBERING_NUMBER_MAX];

	if (req_param_id(r, "id", &id, e))
		return -1;
	req_audit_object(r, "number_series", id);
	if (r->body &&
	    (jv_only(r->body, reserve_fields, e) ||
	     jv_int(r->body, "year", "年份", false, this_year() - 1, this_year() + 1, &year, e) ||
	     jv_string(r->body, "purpose", "预留用途", false, NUMBERING_PURPOSE_MAX, &purpose, e)))
		return -1;
	if (numbering_reserve(r->db, r->who.org_id, id, (int)year, r->who.user_id, purpose, number,
	                      sizeof number, &seq, e))
		return -1;
	snprintf(r->audit_detail, sizeof r->audit_detail, "%s", number);
	req_reply(r, 200,
	          json_pack("{s:s, s:I, s:I, s:I, s:s}", "number", number, "seq", (json_int_t)seq,
	                    "year", (json_int_t)year, "series_id", (json_int_t)id, "state",
	                    NUMBER_RESERVED));
	return 0;
}

static const char *const void_fields[] = {"seq", "year", "reason", NULL};

static int post_void(struct req *r, struct err *e)
{
	int64_t id, year = 0, seq = 0;
	const char *reason = NULL;
	char number[NUMBERING_NUMBER_MAX];
	struct buf detail = BUF_INIT;
	size_t cut;

	if (req_param_id(r, "id", &id, e))
		return -1;
	req_audit_object(r, "number_series",
	                 id); /* refused attempts are traced to the series too */
	if (r->body == NULL)
		return err_field(e, ERR_VALIDATION, "seq", "请指定要作废的文号序号、年份和原因");
	if (jv_only(r->body, void_fields, e) ||
	    jv_int(r->body, "seq", "序号", true, 1, INT64_MAX, &seq, e) ||
	    jv_int(r->body, "year", "年份", true, NUMBERING_YEAR_MIN, NUMBERING_YEAR_MAX, &year,
	           e) ||
	    jv_string(r->body, "reason", "作废原因", true, NUMBERING_REASON_MAX, &reason, e))
		return -1;
	if (numbering_void(r->db, r->who.org_id, id, (int)year, seq, r->who.user_id, reason, number,
	                   sizeof number, e))
		return -1;
	/* 留痕: the number and the reason, cut on a character boundary to fit the audit detail */
	buf_addf(&detail, "%s 作废：%s", number, reason);
	cut = utf8_truncate(detail.data, detail.len, sizeof r->audit_detail - 1);
	memcpy(r->audit_detail, detail.data, cut);
	r->audit_detail[cut] = '\0';
	buf_free(&detail);
	req_reply(r, 200,
	          json_pack("{s:s, s:I, s:I, s:I, s:s, s:s}", "number", number, "seq",
	                    (json_int_t)seq, "year", (json_int_t)year, "series_id", (json_int_t)id,
	                    "state", NUMBER_VOID, "reason", reason));
	return 0;
}

static int get_gaps(struct req *r, struct err *e)
{
	int64_t id;
	int year;
	json_t *j;

	if (req_param_id(r, "id", &id, e) || query_year(r, &year, e))
		return -1;
	if ((j = numbering_gaps(r->db, r->who.org_id, id, year, e)) == NULL)
		return -1;
	req_reply(r, 200, j);
	return 0;
}

#define LEDGER_SQL                                                                                 \
	" FROM number_issued n LEFT JOIN app_user u ON u.id = n.issued_by"                         \
	" WHERE n.series_id = $1 AND n.year = $2 AND n.org_id = $3 AND ($4 IS NULL OR n.state = "  \
	"$4)"

/* 文号登记簿: the ledger of one series and year, newest first. */
static int get_numbers(struct req *r, struct err *e)
{
	static const char *const states[] = {NUMBER_USED, NUMBER_RESERVED, NUMBER_VOID, NULL};
	const char *state = req_query(r, "state");
	int64_t id, limit, offset, total = 0;
	int year;
	json_t *items, *series;
	bool ok = state == NULL;

	if (req_param_id(r, "id", &id, e) || query_year(r, &year, e) ||
	    req_paging(r, &limit, &offset, e))
		return -1;
	for (int i = 0; states[i] && !ok; i++)
		ok = strcmp(state, states[i]) == 0;
	if (!ok)
		return err_field(e, ERR_BAD_REQUEST, "state", "状态应为 used、reserved 或 void");
	if ((series = numbering_series_json(r->db, r->who.org_id, id, year, e)) == NULL)
		return -1;
	json_decref(series);
	if (db_query_int(r->db, e, &total, NULL, "SELECT count(*)" LEDGER_SQL, "IiIs", id, year,
	                 r->who.org_id, state))
		return -1;
	items = db_query_json(
	    r->db, e, (size_t)limit,
	    "SELECT n.seq, n.number, n.state, n.object_kind, n.object_id,"
	    " n.purpose, n.void_reason AS reason, n.issued_at, u.name AS issued_by_name" LEDGER_SQL
	    " ORDER BY n.seq DESC LIMIT $5 OFFSET $6",
	    "IiIsII", id, year, r->who.org_id, state, limit, offset);
	if (items == NULL)
		return -1;
	for (size_t i = 0; i < json_array_size(items); i++) {
		json_t *it = json_array_get(items, i);
		char when[TIME_ISO_MAX];
		time_iso(json_integer_value(json_object_get(it, "issued_at")), when);
		json_object_set_new(it, "issued_at", json_string(when));
	}
	req_reply(r, 200, json_list(items, total));
	return 0;
}

#define ROLES_LEDGER (ROLES_OFFICE | ROLES_LEADERS)

static const struct route numbering_routes[] = {
    {"GET", "/api/v1/number-series", get_series_list, 0, ROLES_BUSINESS, NULL},
    {"POST", "/api/v1/number-series", post_series, 0, ROLES_OFFICE, "number_series.create"},
    {"GET", "/api/v1/number-series/{id}", get_series, 0, ROLES_BUSINESS, NULL},
    {"PATCH", "/api/v1/number-series/{id}", patch_series, 0, ROLES_OFFICE, "number_series.update"},
    {"POST", "/api/v1/number-series/{id}/reserve", post_reserve, 0, ROLES_OFFICE, "number.reserve"},
    {"POST", "/api/v1/number-series/{id}/void", post_void, 0, ROLES_OFFICE, "number.void"},
    {"GET", "/api/v1/number-series/{id}/gaps", get_gaps, 0, ROLES_LEDGER, NULL},
    {"GET", "/api/v1/number-series/{id}/numbers", get_numbers, 0, ROLES_LEDGER, NULL},
};

const struct module numbering_module = {
    .name = "numbering",
    .routes = numbering_routes,
    .route_count = sizeof numbering_routes / sizeof numbering_routes[0],
    .demo = numbering_demo,
};
