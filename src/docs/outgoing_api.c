/*
 * outgoing_api.c - /api/v1/outgoing (发文): the 稿纸, its steps, its 正文 versions and their
 * comparison. The routes are listed in docs_api.h (OUTGOING_ROUTES) and served by docs_module.
 */
#include "docs/docs_int.h"
#include "docs/docs_api.h"
#include "core/jsonv.h"
#include "core/timeutil.h"

#include <string.h>

#define YEAR_MIN 2000
#define YEAR_MAX 2100

static struct dctx ctx_of(struct req *r)
{
	return (struct dctx){.db = r->db, .who = &r->who, .now = time_now()};
}

static int direction_code(const char *s)
{
	for (int i = 0; s && i < 3; i++)
		if (strcmp(direction_codes[i], s) == 0)
			return i;
	return -1;
}

int outgoing_api_list(struct req *r, struct err *e)
{
	struct dctx c = ctx_of(r);
	struct outgoing_filter f = {.state = -1, .secrecy = -1, .direction = -1};
	int64_t year = 0, dept = 0, total = 0;
	struct buf items = BUF_INIT;
	int rc;

	if (req_paging(r, &f.limit, &f.offset, e) ||
	    docs_query_int(r, "year", "年度", YEAR_MIN, YEAR_MAX, &year, e) ||
	    docs_query_int(r, "department_id", "部门", 1, INT64_MAX, &dept, e) ||
	    docs_query_code(r, "state", "状态", out_state_from_code, &f.state, e) ||
	    docs_query_code(r, "secrecy", "密级", secrecy_from_code, &f.secrecy, e) ||
	    docs_query_code(r, "direction", "行文方向", direction_code, &f.direction, e) ||
	    docs_query_doc_type(r, &f.doc_type, e))
		return -1;
	f.year = (int)year;
	f.dept_id = dept;
	f.mine = docs_query_flag(r, "mine");
	rc = outgoing_list_text(&c, &f, &items, &total, e);
	return docs_send_list(r, rc, &items, total);
}

static const char *const draft_fields[] = {"title",
                                           "doc_type",
                                           "main_to",
                                           "copy_to",
                                           "secrecy",
                                           "secrecy_years",
                                           "urgency",
                                           "direction",
                                           "department_id",
                                           "print_copies",
                                           "body",
                                           "attachment_note",
                                           "countersign_department_ids",
                                           "attachments",
                                           "version",
                                           NULL};

static int parse_fields(struct req *r, struct outgoing_fields *f, bool create, struct err *e)
{
	json_t *a;
	size_t n = 0;

	*f = (struct outgoing_fields){.secrecy = -1,
	                              .urgency = -1,
	                              .direction = -1,
	                              .secrecy_years = -1,
	                              .dept_id = -1,
	                              .print_copies = -1,
	                              .countersign_count = -1,
	                              .attachment_count = -1};
	if (jv_only(r->body, draft_fields, e) ||
	    jv_string(r->body, "title", "标题", create, FIELD_TITLE_MAX, &f->title, e) ||
	    jv_string(r->body, "doc_type", "文种", create, FIELD_SHORT_MAX, &f->doc_type, e) ||
	    jv_string(r->body, "main_to", "主送", false, DOCS_ADDRESSEES_MAX, &f->main_to, e) ||
	    jv_string(r->body, "copy_to", "抄送", false, DOCS_ADDRESSEES_MAX, &f->copy_to, e) ||
	    jv_enum(r->body, "secrecy", "密级", false, secrecy_codes, &f->secrecy, e) ||
	    jv_int(r->body, "secrecy_years", "保密期限", false, 0, DOCS_SECRECY_YEARS_MAX,
	           &f->secrecy_years, e) ||
	    jv_enum(r->body, "urgency", "紧急程度", false, urgency_codes, &f->urgency, e) ||
	    jv_enum(r->body, "direction", "行文方向", create, direction_codes, &f->direction, e) ||
	    jv_int(r->body, "department_id", "主办科室", false, 1, INT64_MAX, &f->dept_id, e) ||
	    jv_int(r->body, "print_copies", "印制份数", false, 0, DOCS_COPIES_MAX, &f->print_copies,
	           e) ||
	    jv_string(r->body, "body", "正文", false, FIELD_TEXT_MAX, &f->body, e) ||
	    jv_string(r->body, "attachment_note", "附件说明", false, DOCS_ATTACH_NOTE_MAX,
	              &f->attachment_note, e))
		return -1;
	a = json_object_get(r->body, "countersign_department_ids");
	if (a) {
		if (docs_id_array(a, "countersign_department_ids", "会签部门", f->countersign,
		                  DOCS_COUNTERSIGN_MAX, &n, e))
			return -1;
		f->countersign_count = (int)n;
	}
	a = json_object_get(r->body, "attachments");
	if (a) {
		if (docs_id_array(a, "attachments", "附件", f->attachments, DOCS_ATTACHMENTS_MAX,
		                  &n, e))
			return -1;
		f->attachment_count = (int)n;
	}
	return 0;
}

int outgoing_api_create(struct req *r, struct err *e)
{
	struct dctx c = ctx_of(r);
	struct outgoing_fields f;
	int64_t id;
	json_t *doc;

	if (parse_fields(r, &f, true, e))
		return -1;
	if (jv_has(r->body, "version"))
		return err_field(e, ERR_VALIDATION, "version", "不支持的字段：version");
	if (outgoing_create(&c, &f, &id, e))
		return -1;
	req_audit_object(r, "outgoing", id);
	if ((doc = outgoing_get_json(&c, id, e)) == NULL)
		return -1;
	req_reply(r, 201, doc);
	return 0;
}

int outgoing_api_get(struct req *r, struct err *e)
{
	struct dctx c = ctx_of(r);
	int64_t id;
	json_t *doc;

	if (req_param_id(r, "id", &id, e) || (doc = outgoing_get_json(&c, id, e)) == NULL)
		return -1;
	req_reply(r, 200, doc);
	return 0;
}

int outgoing_api_update(struct req *r, struct err *e)
{
	struct dctx c = ctx_of(r);
	struct outgoing_fields f;
	int64_t id, version = 0;
	json_t *doc;

	if (req_param_id(r, "id", &id, e) || parse_fields(r, &f, false, e) ||
	    jv_int(r->body, "version", "版本号", true, 1, INT64_MAX, &version, e))
		return -1;
	req_audit_object(r, "outgoing", id);
	if (outgoing_update(&c, id, version, &f, e) || (doc = outgoing_get_json(&c, id, e)) == NULL)
		return -1;
	req_reply(r, 200, doc);
	return 0;
}

static const char *const action_fields[] = {"action",
                                            "opinion",
                                            "version",
                                            "to",
                                            "on_behalf_of",
                                            "series_id",
                                            "reserved_seq",
                                            "date",
                                            "internal_user_ids",
                                            "internal_department_ids",
                                            "external",
                                            NULL};

static int parse_external(json_t *arr, struct outgoing_action *a, struct err *e)
{
	static const char *const keys[] = {"name", "method", "date", NULL};
	size_t i;
	json_t *v;

	if (arr == NULL || json_is_null(arr))
		return 0;
	if (!json_is_array(arr) || json_array_size(arr) > DOCS_RECIPIENTS_MAX)
		return err_field(e, ERR_VALIDATION, "external", "外部分发对象应为数组，最多%d个",
		                 DOCS_RECIPIENTS_MAX);
	json_array_foreach(arr, i, v)
	{
		struct external_recipient *x = &a->external[a->external_count];
		if (!json_is_object(v))
			return err_field(e, ERR_VALIDATION, "external",
			                 "外部分发对象格式应为 {name, method, date}");
		if (jv_only(v, keys, e) ||
		    jv_string(v, "name", "分发单位", true, DOCS_ORG_NAME_MAX, &x->name, e) ||
		    jv_string(v, "method", "分发方式", false, DOCS_METHOD_MAX, &x->method, e) ||
		    jv_string(v, "date", "分发日期", false, DATE_STR_MAX, &x->date, e))
			return -1;
		a->external_count++;
	}
	return 0;
}

static int parse_action(struct req *r, struct outgoing_action *a, struct err *e)
{
	static const char *const targets[] = {"draft",       "dept_review",   "office_review",
	                                      "countersign", "leader_review", NULL};
	int act = 0, to = -1;

	memset(a, 0, sizeof *a);
	a->return_to = -1;
	if (jv_only(r->body, action_fields, e) ||
	    jv_enum(r->body, "action", "发文操作", true, out_action_codes, &act, e) ||
	    jv_string(r->body, "opinion", "意见", false, FIELD_OPINION_MAX, &a->opinion, e) ||
	    jv_int(r->body, "version", "版本号", false, 1, INT64_MAX, &a->version, e) ||
	    jv_enum(r->body, "to", "退回环节", false, targets, &to, e) ||
	    jv_int(r->body, "on_behalf_of", "代签对象", false, 1, INT64_MAX, &a->on_behalf_id, e) ||
	    jv_int(r->body, "series_id", "发文字号系列", false, 1, INT64_MAX, &a->series_id, e) ||
	    jv_int(r->body, "reserved_seq", "预留号", false, 1, INT64_MAX, &a->reserved_seq, e) ||
	    jv_string(r->body, "date", "日期", false, DATE_STR_MAX, &a->date, e) ||
	    docs_id_array(json_object_get(r->body, "internal_user_ids"), "internal_user_ids",
	                  "内部分发人员", a->users, DOCS_RECIPIENTS_MAX, &a->user_count, e) ||
	    docs_id_array(json_object_get(r->body, "internal_department_ids"),
	                  "internal_department_ids", "内部分发部门", a->depts, DOCS_RECIPIENTS_MAX,
	                  &a->dept_count, e) ||
	    parse_external(json_object_get(r->body, "external"), a, e))
		return -1;
	a->action = (enum out_action)act;
	/* targets[] follows enum out_state from OUT_DRAFT to OUT_LEADER_REVIEW */
	a->return_to = to <= 0 ? -1 : to;
	return 0;
}

int outgoing_api_action(struct req *r, struct err *e)
{
	struct dctx c = ctx_of(r);
	struct outgoing_action *a;
	int64_t id;
	json_t *doc = NULL;
	int rc = -1;

	if (req_param_id(r, "id", &id, e))
		return -1;
	a = malloc(sizeof *a); /* large: recipient lists */
	if (a == NULL)
		return err_internal(e, "out of memory");
	if (parse_action(r, a, e))
		goto out;
	req_audit_object(r, "outgoing", id);
	snprintf(r->audit_detail, sizeof r->audit_detail, "%s", out_action_codes[a->action]);
	if (outgoing_act(&c, id, a, e) || (doc = outgoing_get_json(&c, id, e)) == NULL)
		goto out;
	req_reply(r, 200, doc);
	rc = 0;
out:
	free(a);
	return rc;
}

int outgoing_api_versions(struct req *r, struct err *e)
{
	struct dctx c = ctx_of(r);
	int64_t id;
	json_t *rows;

	if (req_param_id(r, "id", &id, e) || (rows = outgoing_versions_json(&c, id, e)) == NULL)
		return -1;
	req_reply(r, 200, json_list(rows, (int64_t)json_array_size(rows)));
	return 0;
}

int outgoing_api_version(struct req *r, struct err *e)
{
	struct dctx c = ctx_of(r);
	int64_t id, no;
	json_t *v;

	if (req_param_id(r, "id", &id, e) || req_param_id(r, "no", &no, e) ||
	    (v = outgoing_version_json(&c, id, no, e)) == NULL)
		return -1;
	req_reply(r, 200, v);
	return 0;
}

int outgoing_api_compare(struct req *r, struct err *e)
{
	struct dctx c = ctx_of(r);
	int64_t id, from = 0, to = 0;
	json_t *d;

	if (req_param_id(r, "id", &id, e) ||
	    docs_query_int(r, "from", "起始版本", 1, INT64_MAX, &from, e) ||
	    docs_query_int(r, "to", "对比版本", 1, INT64_MAX, &to, e))
		return -1;
	if (from == 0 || to == 0)
		return err_set(e, ERR_BAD_REQUEST, "请指定要对比的两个版本（from、to）");
	if ((d = outgoing_compare_json(&c, id, from, to, e)) == NULL)
		return -1;
	req_reply(r, 200, d);
	return 0;
}
