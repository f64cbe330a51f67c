/*
 * docs_api.c - /api/v1/doc-types, /api/v1/incoming (收文), its circulation (传阅) and
 * /api/v1/circulation (the caller's reading list). The routes of 发文 are in outgoing_api.c; both
 * tables make up docs_module.
 *
 * Auth: every route is for business roles only (the three administrators see no document content);
 * registering and editing a 收文 is the office's; everything else is decided per document by
 * need-to-know and the step's rules (docs.h), so a document outside the caller's sight answers
 * 404 everywhere.
 */
#include "docs/docs_int.h"
#include "docs/docs_api.h"
#include "core/jsonv.h"
#include "core/timeutil.h"
#include "http/http.h"

#include <stdlib.h>
#include <string.h>

#define YEAR_MIN      2000
#define YEAR_MAX      2100
#define DOCS_ORGS_MAX 256 /* orgs seeded at start (as many as the engine keeps calendars for) */

static struct dctx ctx_of(struct req *r)
{
	return (struct dctx){.db = r->db, .who = &r->who, .now = time_now()};
}

int docs_query_int(struct req *r, const char *key, const char *label, int64_t min, int64_t max,
                   int64_t *out, struct err *e)
{
	const char *s = req_query(r, key);
	char *end;
	long long v;

	if (s == NULL || *s == '\0')
		return 0;
	v = strtoll(s, &end, 10);
	if (*end != '\0' || v < min || v > max)
		return err_field(e, ERR_BAD_REQUEST, key, "%s参数无效", label);
	*out = v;
	return 0;
}

int docs_send_list(struct req *r, int rc, struct buf *items, int64_t total)
{
	struct buf out = BUF_INIT;

	if (rc == 0) {
		buf_grow(&out, items->len + 40);
		buf_adds(&out, "{\"items\":");
		buf_add(&out, items->data, items->len);
		buf_addf(&out, ",\"total\":%lld}", (long long)total);
		req_send_bytes(r, 200, "application/json; charset=utf-8", out.data, out.len);
	}
	buf_free(&out);
	buf_free(items);
	return rc;
}

bool docs_query_flag(struct req *r, const char *key)
{
	const char *s = req_query(r, key);

	return s && (strcmp(s, "1") == 0 || strcmp(s, "true") == 0);
}

int docs_query_code(struct req *r, const char *key, const char *label,
                    int (*from_code)(const char *), int *out, struct err *e)
{
	const char *s = req_query(r, key);

	if (s == NULL || *s == '\0')
		return 0;
	if ((*out = from_code(s)) < 0)
		return err_field(e, ERR_BAD_REQUEST, key, "%s参数无效：%.40s", label, s);
	return 0;
}

int docs_query_doc_type(struct req *r, const char **code, struct err *e)
{
	const char *s = req_query(r, "doc_type");
	const struct doc_type *t;

	if (s == NULL || *s == '\0')
		return 0;
	if ((t = doc_type_find(s)) == NULL)
		return err_field(e, ERR_BAD_REQUEST, "doc_type", "文种参数无效：%.40s", s);
	*code = t->code;
	return 0;
}

static json_t *names_json(const char *const *codes, const char *const *names, int n)
{
	json_t *a = json_array();

	for (int i = 0; i < n; i++)
		json_array_append_new(a,
		                      json_pack("{s:s, s:s}", "code", codes[i], "name", names[i]));
	return a;
}

/* The 15 types (13 procuratorate types first) and the other code lists of the forms. */
static int get_doc_types(struct req *r, struct err *e)
{
	json_t *items = json_array(), *sec = json_array(), *out;

	for (int i = 0; i < DOC_TYPE_COUNT; i++)
		json_array_append_new(items, json_pack("{s:s, s:s, s:b}", "code", doc_types[i].code,
		                                       "name", doc_types[i].name, "procuratorate",
		                                       doc_types[i].procuratorate));
	for (int i = 0; i < SECRECY_COUNT; i++)
		json_array_append_new(sec, json_pack("{s:s, s:s, s:i}", "code", secrecy_codes[i],
		                                     "name", secrecy_names[i], "max_years",
		                                     secrecy_max_years((enum secrecy)i)));
	out = json_list(items, DOC_TYPE_COUNT);
	json_object_set_new(out, "secrecy", sec);
	json_object_set_new(out, "urgency", names_json(urgency_codes, urgency_names, 3));
	json_object_set_new(out, "directions", names_json(direction_codes, direction_names, 3));
	json_object_set_new(out, "incoming_states",
	                    names_json(in_state_codes, in_state_names, IN_STATE_COUNT));
	json_object_set_new(out, "outgoing_states",
	                    names_json(out_state_codes, out_state_names, OUT_STATE_COUNT));
	req_reply(r, 200, out);
	return 0;
}

static int get_incoming_list(struct req *r, struct err *e)
{
	struct dctx c = ctx_of(r);
	struct incoming_filter f = {.state = -1, .secrecy = -1};
	int64_t year = 0, dept = 0, total = 0;
	struct buf items = BUF_INIT;
	int rc;

	if (req_paging(r, &f.limit, &f.offset, e) ||
	    docs_query_int(r, "year", "年度", YEAR_MIN, YEAR_MAX, &year, e) ||
	    docs_query_int(r, "department_id", "部门", 1, INT64_MAX, &dept, e) ||
	    docs_query_code(r, "state", "状态", in_state_from_code, &f.state, e) ||
	    docs_query_code(r, "secrecy", "密级", secrecy_from_code, &f.secrecy, e) ||
	    docs_query_doc_type(r, &f.doc_type, e))
		return -1;
	f.year = (int)year;
	f.dept_id = dept;
	f.overdue = docs_query_flag(r, "overdue");
	f.mine = docs_query_flag(r, "mine");
	rc = incoming_list_text(&c, &f, &items, &total, e);
	return docs_send_list(r, rc, &items, total);
}

static const char *const incoming_fields[] = {
    "title",         "from_org", "from_number", "doc_type", "secrecy",
    "secrecy_years", "urgency",  "copies",      "pages",    "received_date",
    "due_date",      "body",     "attachments", "version",  NULL};

static int parse_secrecy_urgency(struct req *r, int *sec, int *urg, struct err *e)
{
	if (jv_enum(r->body, "secrecy", "密级", false, secrecy_codes, sec, e) ||
	    jv_enum(r->body, "urgency", "紧急程度", false, urgency_codes, urg, e))
		return -1;
	return 0;
}

/* "attachments": [file ids] — the complete set of files of the document. */
static int parse_attachments(struct req *r, int64_t *ids, size_t *n, bool *given, struct err *e)
{
	json_t *a = r->body ? json_object_get(r->body, "attachments") : NULL;

	*n = 0;
	*given = a != NULL;
	return docs_id_array(a, "attachments", "附件", ids, DOCS_ATTACHMENTS_MAX, n, e);
}

static int post_incoming(struct req *r, struct err *e)
{
	struct dctx c = ctx_of(r);
	struct incoming_new in = {.copies = 1};
	int sec = SECRECY_NONE, urg = 0;
	int64_t years = 0, id;
	char number[64];
	int64_t files[DOCS_ATTACHMENTS_MAX];
	bool attach;
	json_t *doc;

	if (jv_only(r->body, incoming_fields, e) ||
	    jv_string(r->body, "title", "标题", true, FIELD_TITLE_MAX, &in.title, e) ||
	    jv_string(r->body, "from_org", "来文单位", true, DOCS_ORG_NAME_MAX, &in.from_org, e) ||
	    jv_string(r->body, "from_number", "来文字号", false, DOCS_FROM_NUMBER_MAX,
	              &in.from_number, e) ||
	    jv_string(r->body, "doc_type", "文种", true, FIELD_SHORT_MAX, &in.doc_type, e) ||
	    parse_secrecy_urgency(r, &sec, &urg, e) ||
	    jv_int(r->body, "secrecy_years", "保密期限", false, 0, DOCS_SECRECY_YEARS_MAX, &years,
	           e) ||
	    jv_int(r->body, "copies", "份数", false, 1, DOCS_COPIES_MAX, &in.copies, e) ||
	    jv_int(r->body, "pages", "页数", false, 0, DOCS_PAGES_MAX, &in.pages, e) ||
	    jv_string(r->body, "received_date", "收文日期", false, DATE_STR_MAX, &in.received_date,
	              e) ||
	    jv_string(r->body, "due_date", "办理期限", false, DATE_STR_MAX, &in.due_date, e) ||
	    jv_string(r->body, "body", "正文", false, FIELD_TEXT_MAX, &in.body, e) ||
	    parse_attachments(r, files, &in.attachment_count, &attach, e))
		return -1;
	in.secrecy = (enum secrecy)sec;
	in.secrecy_years = (int)years;
	in.urgency = urg;
	in.attachments = files;
	if (incoming_register(&c, &in, &id, number, e))
		return -1;
	req_audit_object(r, "incoming", id);
	snprintf(r->audit_detail, sizeof r->audit_detail, "%s", number);
	if ((doc = incoming_get_json(&c, id, e)) == NULL)
		return -1;
	req_reply(r, 201, doc);
	return 0;
}

static int get_incoming(struct req *r, struct err *e)
{
	struct dctx c = ctx_of(r);
	int64_t id;
	json_t *doc;

	if (req_param_id(r, "id", &id, e) || (doc = incoming_get_json(&c, id, e)) == NULL)
		return -1;
	req_reply(r, 200, doc);
	return 0;
}

static int patch_incoming(struct req *r, struct err *e)
{
	struct dctx c = ctx_of(r);
	struct incoming_patch p = {
	    .secrecy = -1, .urgency = -1, .secrecy_years = -1, .copies = -1, .pages = -1};
	int64_t id, files[DOCS_ATTACHMENTS_MAX];
	bool due_present = false;
	json_t *doc;

	if (req_param_id(r, "id", &id, e) || jv_only(r->body, incoming_fields, e) ||
	    jv_int(r->body, "version", "版本号", true, 1, INT64_MAX, &p.version, e) ||
	    jv_string(r->body, "title", "标题", false, FIELD_TITLE_MAX, &p.title, e) ||
	    jv_string(r->body, "from_org", "来文单位", false, DOCS_ORG_NAME_MAX, &p.from_org, e) ||
	    jv_string(r->body, "from_number", "来文字号", false, DOCS_FROM_NUMBER_MAX,
	              &p.from_number, e) ||
	    jv_string(r->body, "doc_type", "文种", false, FIELD_SHORT_MAX, &p.doc_type, e) ||
	    parse_secrecy_urgency(r, &p.secrecy, &p.urgency, e) ||
	    jv_int(r->body, "secrecy_years", "保密期限", false, 0, DOCS_SECRECY_YEARS_MAX,
	           &p.secrecy_years, e) ||
	    jv_int(r->body, "copies", "份数", false, 1, DOCS_COPIES_MAX, &p.copies, e) ||
	    jv_int(r->body, "pages", "页数", false, 0, DOCS_PAGES_MAX, &p.pages, e) ||
	    jv_string_or_null(r->body, "due_date", "办理期限", DATE_STR_MAX, &p.due_date,
	                      &due_present, e) ||
	    jv_string(r->body, "body", "正文", false, FIELD_TEXT_MAX, &p.body, e) ||
	    parse_attachments(r, files, &p.attachment_count, &p.set_attachments, e))
		return -1;
	p.attachments = files;
	if (jv_has(r->body, "received_date"))
		return err_field(e, ERR_VALIDATION, "received_date",
		                 "收文日期决定收文编号，登记后不能修改");
	p.clear_due = due_present && p.due_date == NULL;
	if (incoming_update(&c, id, &p, e))
		return -1;
	req_audit_object(r, "incoming", id);
	if ((doc = incoming_get_json(&c, id, e)) == NULL)
		return -1;
	req_reply(r, 200, doc);
	return 0;
}

static const char *const action_fields[] = {
    "action",        "opinion", "version", "leader_id", "main_department_id",
    "main_deadline", "assist",  "user_id", "method",    NULL};

static int parse_assist(json_t *arr, struct incoming_action *a, struct err *e)
{
	size_t i;
	json_t *v;

	if (arr == NULL || json_is_null(arr))
		return 0;
	if (!json_is_array(arr) || json_array_size(arr) > DOCS_ASSIST_MAX)
		return err_field(e, ERR_VALIDATION, "assist", "协办部门应为数组，最多%d个",
		                 DOCS_ASSIST_MAX);
	json_array_foreach(arr, i, v)
	{
		static const char *const keys[] = {"department_id", "deadline", NULL};
		int64_t dept = 0;
		const char *deadline = NULL;
		if (!json_is_object(v) || jv_only(v, keys, e) ||
		    jv_int(v, "department_id", "协办部门", true, 1, INT64_MAX, &dept, e) ||
		    jv_string(v, "deadline", "协办期限", false, DATE_STR_MAX, &deadline, e))
			return e->kind ? -1
			               : err_field(e, ERR_VALIDATION, "assist",
			                           "协办部门格式应为 {department_id, deadline}");
		a->assist[a->assist_count++] = (struct dept_deadline){dept, deadline};
	}
	return 0;
}

static int post_incoming_action(struct req *r, struct err *e)
{
	struct dctx c = ctx_of(r);
	struct incoming_action a = {0};
	int64_t id;
	int act = 0;
	json_t *doc;

	if (req_param_id(r, "id", &id, e) || jv_only(r->body, action_fields, e) ||
	    jv_enum(r->body, "action", "办理操作", true, in_action_codes, &act, e) ||
	    jv_string(r->body, "opinion", "意见", false, FIELD_OPINION_MAX, &a.opinion, e) ||
	    jv_int(r->body, "version", "版本号", false, 1, INT64_MAX, &a.version, e) ||
	    jv_int(r->body, "leader_id", "批办领导", false, 1, INT64_MAX, &a.leader_id, e) ||
	    jv_int(r->body, "main_department_id", "主办部门", false, 1, INT64_MAX, &a.main.dept_id,
	           e) ||
	    jv_string(r->body, "main_deadline", "主办期限", false, DATE_STR_MAX, &a.main.deadline,
	              e) ||
	    parse_assist(json_object_get(r->body, "assist"), &a, e) ||
	    jv_int(r->body, "user_id", "承办人", false, 1, INT64_MAX, &a.user_id, e) ||
	    jv_string(r->body, "method", "答复方式", false, DOCS_METHOD_MAX, &a.method, e))
		return -1;
	a.action = (enum in_action)act;
	req_audit_object(r, "incoming", id);
	snprintf(r->audit_detail, sizeof r->audit_detail, "%s", in_action_codes[act]);
	if (incoming_act(&c, id, &a, e) || (doc = incoming_get_json(&c, id, e)) == NULL)
		return -1;
	req_reply(r, 200, doc);
	return 0;
}

static const char *const circulate_fields[] = {"user_ids", NULL};

static int post_circulate(struct req *r, struct err *e)
{
	struct dctx c = ctx_of(r);
	int64_t id, users[DOCS_CIRCULATE_MAX];
	size_t n;
	int added;
	json_t *status;

	if (req_param_id(r, "id", &id, e) || jv_only(r->body, circulate_fields, e))
		return -1;
	if (!jv_has(r->body, "user_ids"))
		return err_field(e, ERR_VALIDATION, "user_ids", "请选择传阅对象");
	if (docs_id_array(json_object_get(r->body, "user_ids"), "user_ids", "传阅对象", users,
	                  DOCS_CIRCULATE_MAX, &n, e))
		return -1;
	req_audit_object(r, "incoming", id);
	if (circulation_send(&c, id, users, n, &added, e) ||
	    (status = circulation_status_json(&c, id, e)) == NULL)
		return -1;
	snprintf(r->audit_detail, sizeof r->audit_detail, "circulate %d", added);
	json_object_set_new(status, "added", json_integer(added));
	req_reply(r, 200, status);
	return 0;
}

static const char *const read_fields[] = {"comment", NULL};

static int post_read(struct req *r, struct err *e)
{
	struct dctx c = ctx_of(r);
	const char *comment = NULL;
	int64_t id;
	json_t *status;

	if (req_param_id(r, "id", &id, e) || jv_only(r->body, read_fields, e) ||
	    jv_string(r->body, "comment", "阅读意见", false, FIELD_OPINION_MAX, &comment, e))
		return -1;
	req_audit_object(r, "incoming", id);
	if (circulation_read(&c, id, comment, e) ||
	    (status = circulation_status_json(&c, id, e)) == NULL)
		return -1;
	req_reply(r, 200, status);
	return 0;
}

static int get_circulation(struct req *r, struct err *e)
{
	struct dctx c = ctx_of(r);
	int64_t id;
	json_t *status;

	if (req_param_id(r, "id", &id, e) || incoming_visible(&c, id, NULL, NULL, e) ||
	    (status = circulation_status_json(&c, id, e)) == NULL)
		return -1;
	req_reply(r, 200, status);
	return 0;
}

static int get_my_circulation(struct req *r, struct err *e)
{
	struct dctx c = ctx_of(r);
	int64_t limit, offset, total = 0;
	json_t *items;

	if (req_paging(r, &limit, &offset, e) ||
	    circulation_mine(&c, docs_query_flag(r, "unread"), limit, offset, &items, &total, e))
		return -1;
	req_reply(r, 200, json_list(items, total));
	return 0;
}

/* The classified-network switch (domain.md §0): off by default; only the 安全保密管理员 turns it
 * on, for a deployment on a classified network, and the change is audited. */
static int get_doc_settings(struct req *r, struct err *e)
{
	bool on;

	if (docs_classified_network(r->db, r->who.org_id, &on, e))
		return -1;
	req_reply(r, 200, json_pack("{s:b}", "classified_network", on));
	return 0;
}

static const char *const settings_fields[] = {"classified_network", NULL};

static int put_doc_settings(struct req *r, struct err *e)
{
	bool on = false;

	if (jv_only(r->body, settings_fields, e) ||
	    jv_bool(r->body, "classified_network", "涉密网络开关", true, &on, e))
		return -1;
	if (db_execf(
	        r->db, e,
	        "INSERT INTO setting (org_id, key, value) VALUES ($1, 'classified_network', $2)"
	        " ON CONFLICT (org_id, key) DO UPDATE SET value = excluded.value",
	        "Is", r->who.org_id, on ? "1" : "0") < 0)
		return -1;
	snprintf(r->audit_detail, sizeof r->audit_detail, "classified_network=%d", on ? 1 : 0);
	req_reply(r, 200, json_pack("{s:b}", "classified_network", on));
	return 0;
}

static const struct route docs_routes[] = {
    {"GET", "/api/v1/doc-types", get_doc_types, 0, ROLES_BUSINESS, NULL},
    {"GET", "/api/v1/incoming", get_incoming_list, 0, ROLES_BUSINESS, NULL},
    {"POST", "/api/v1/incoming", post_incoming, 0, ROLES_OFFICE, "incoming.register"},
    {"GET", "/api/v1/incoming/{id}", get_incoming, 0, ROLES_BUSINESS, NULL},
    {"PATCH", "/api/v1/incoming/{id}", patch_incoming, 0, ROLES_OFFICE, "incoming.update"},
    {"POST", "/api/v1/incoming/{id}/actions", post_incoming_action, 0, ROLES_BUSINESS,
     "incoming.action"},
    {"POST", "/api/v1/incoming/{id}/circulate", post_circulate, 0, ROLES_BUSINESS,
     "incoming.circulate"},
    {"POST", "/api/v1/incoming/{id}/read", post_read, 0, ROLES_BUSINESS, "incoming.read"},
    {"GET", "/api/v1/incoming/{id}/circulation", get_circulation, 0, ROLES_BUSINESS, NULL},
    {"GET", "/api/v1/circulation", get_my_circulation, 0, ROLES_BUSINESS, NULL},
    {"GET", "/api/v1/doc-settings", get_doc_settings, 0, ROLES_BUSINESS | ROLE_SECADMIN, NULL},
    {"PUT", "/api/v1/doc-settings", put_doc_settings, 0, ROLE_SECADMIN, "docs.settings"},
    /* 发文 (outgoing_api.c) */
    OUTGOING_ROUTES,
};

/* 发文 approvals run on the engine: its listener is registered before the server serves, and
 * every org gets the default chains the office director may then edit. */
static int docs_start(const char *db_uri, struct err *e)
{
	int64_t ids[DOCS_ORGS_MAX];
	struct db_stmt *st;
	struct db *db;
	int n = 0, rc;

	out_approval_register();
	if ((db = db_open(db_uri, e)) == NULL)
		return -1;
	st = db_query(db, e, "SELECT id FROM org ORDER BY id", NULL);
	rc = st ? DB_ROW : -1;
	while (st && (rc = db_step(st, e)) == DB_ROW && n < DOCS_ORGS_MAX)
		ids[n++] = db_col_int(st, 0);
	if (st)
		db_reset(st);
	for (int i = 0; rc >= 0 && i < n; i++) {
		if (db_begin(db, e)) {
			rc = -1;
		} else if (out_approval_seed(db, ids[i], e)) {
			db_rollback(db);
			rc = -1;
		} else if (db_commit(db, e)) {
			rc = -1;
		}
	}
	db_close(db);
	return rc < 0 ? -1 : 0;
}

static int docs_module_demo(struct db *db, int64_t org_id, struct err *e)
{
	out_approval_register();
	return out_approval_seed(db, org_id, e) || docs_demo(db, org_id, e) ? -1 : 0;
}

const struct module docs_module = {
    .name = "docs",
    .routes = docs_routes,
    .route_count = sizeof docs_routes / sizeof docs_routes[0],
    .start = docs_start,
    .demo = docs_module_demo,
};
