/*
 * docs_common.c - what 收文 and 发文 share: the 15 document types, 密级 and 保密期限, 紧急程度,
 * the classified-network switch, the opinion record, people lookups, todos and notices.
 */
#include "docs/docs.h"
#include "core/timeutil.h"
#include "files/files.h"
#include "workflow/workflow.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const struct doc_type doc_types[DOC_TYPE_COUNT] = {
    {"decision", "决定", true},      {"order", "命令（令）", true}, {"announcement", "公告", true},
    {"public_notice", "通告", true}, {"opinion", "意见", true},     {"notice", "通知", true},
    {"circular", "通报", true},      {"report", "报告", true},      {"request", "请示", true},
    {"reply", "批复", true},         {"motion", "议案", true},      {"letter", "函", true},
    {"minutes", "纪要", true},       {"resolution", "决议", false}, {"communique", "公报", false},
};

const struct doc_type *doc_type_find(const char *s)
{
	if (s == NULL)
		return NULL;
	for (int i = 0; i < DOC_TYPE_COUNT; i++)
		if (strcmp(doc_types[i].code, s) == 0 || strcmp(doc_types[i].name, s) == 0)
			return &doc_types[i];
	if (strcmp(s, "命令") == 0 || strcmp(s, "令") == 0)
		return &doc_types[1];
	return NULL;
}

const char *const secrecy_codes[SECRECY_COUNT + 1] = {"none",         "internal",   "secret",
                                                      "confidential", "top_secret", NULL};
const char *const secrecy_names[SECRECY_COUNT] = {"非密", "内部", "秘密", "机密", "绝密"};
static const int secrecy_years_max[SECRECY_COUNT] = {0, 0, 10, 20, 30};

int secrecy_from_code(const char *code)
{
	for (int i = 0; code && i < SECRECY_COUNT; i++)
		if (strcmp(secrecy_codes[i], code) == 0)
			return i;
	return -1;
}

int secrecy_max_years(enum secrecy s)
{
	return s < SECRECY_COUNT ? secrecy_years_max[s] : 0;
}

bool secrecy_classified(enum secrecy s)
{
	return s >= SECRECY_SECRET && s < SECRECY_COUNT;
}

void secrecy_mark(enum secrecy s, int years, char out[32])
{
	if (secrecy_classified(s))
		snprintf(out, 32, "%s★%d年", secrecy_names[s], years);
	else if (s == SECRECY_INTERNAL)
		snprintf(out, 32, "%s", secrecy_names[s]);
	else
		out[0] = '\0';
}

int secrecy_check(enum secrecy s, int64_t years, int *years_out, struct err *e)
{
	int max = secrecy_max_years(s);

	if (!secrecy_classified(s)) {
		if (years > 0)
			return err_field(e, ERR_VALIDATION, "secrecy_years",
			                 "只有秘密、机密、绝密公文才有保密期限");
		*years_out = 0;
		return 0;
	}
	if (years < 0 || years > max)
		return err_field(e, ERR_VALIDATION, "secrecy_years", "%s公文的保密期限最长%d年",
		                 secrecy_names[s], max);
	*years_out = years == 0 ? max : (int)years; /* unmarked means the maximum (§0) */
	return 0;
}

const char *const urgency_codes[4] = {"normal", "urgent", "very_urgent", NULL};
const char *const urgency_names[3] = {"普通", "加急", "特急"};

int urgency_from_code(const char *code)
{
	for (int i = 0; code && i < 3; i++)
		if (strcmp(urgency_codes[i], code) == 0)
			return i;
	return -1;
}

static docs_index_fn index_hook;

void docs_set_index_hook(docs_index_fn fn)
{
	index_hook = fn;
}

int docs_indexed(struct db *db, const char *kind, int64_t id, struct err *e)
{
	return index_hook ? index_hook(db, kind, id, e) : 0;
}

int docs_classified_network(struct db *db, int64_t org_id, bool *on, struct err *e)
{
	int64_t v = 0;
	bool found;

	if (db_query_int(db, e, &v, &found,
	                 "SELECT CASE WHEN value = '1' THEN 1 ELSE 0 END FROM setting"
	                 " WHERE org_id = $1 AND key = 'classified_network'",
	                 "I", org_id))
		return -1;
	*on = found && v == 1;
	return 0;
}

int docs_check_register_only(struct dctx *c, enum secrecy s, bool has_body, bool has_attachments,
                             struct err *e)
{
	bool on;

	if (!secrecy_classified(s) || (!has_body && !has_attachments))
		return 0;
	if (docs_classified_network(c->db, c->who->org_id, &on, e))
		return -1;
	if (on)
		return 0;
	return err_field(
	    e, ERR_VALIDATION, has_body ? "body" : "attachments",
	    "%s公文属于国家秘密，本系统运行在非涉密网络上，只能登记文号、密级、保密期限等目录"
	    "信息，不得录入正文或上传附件（《保守国家秘密法》）",
	    secrecy_names[s]);
}

int docs_attachment_count(struct dctx *c, const char *kind, int64_t doc_id, size_t *count,
                          struct err *e)
{
	int64_t n = 0;

	if (db_query_int(c->db, e, &n, NULL,
	                 "SELECT count(*) FROM file_link WHERE kind = $1 AND object_id = $2", "sI",
	                 kind, doc_id))
		return -1;
	*count = (size_t)n;
	return 0;
}

int docs_set_attachments(struct dctx *c, const char *kind, int64_t doc_id, const int64_t *ids,
                         size_t n, struct err *e)
{
	json_t *now = files_of_object(c->db, c->who->org_id, kind, doc_id, e), *f;
	size_t i;
	int rc = -1;

	if (now == NULL)
		return -1;
	for (size_t k = 0; k < n; k++) {
		bool ok = false;
		if (files_readable(c->db, c->who, ids[k], &ok, e))
			goto out;
		if (!ok) {
			err_field(e, ERR_VALIDATION, "attachments", "附件不存在：%lld",
			          (long long)ids[k]);
			goto out;
		}
		if (files_attach(c->db, ids[k], kind, doc_id, e))
			goto out;
	}
	json_array_foreach(now, i, f)
	{
		int64_t id = json_integer_value(json_object_get(f, "id"));
		bool keep = false;
		for (size_t k = 0; k < n && !keep; k++)
			keep = ids[k] == id;
		if (!keep && files_detach(c->db, id, kind, doc_id, e))
			goto out;
	}
	rc = 0;
out:
	json_decref(now);
	return rc;
}

int docs_opinion_add(struct dctx *c, const struct opinion_new *o, struct err *e)
{
	char *detail = o->detail ? json_dumps(o->detail, JSON_COMPACT) : NULL;
	struct db_stmt *st;
	int rc = -1;

	st = db_query(
	    c->db, e,
	    "INSERT INTO doc_opinion (org_id, kind, doc_id, action, step, opinion, user_id,"
	    " user_name, dept_name, on_behalf_id, on_behalf_name, from_state, to_state,"
	    " detail, created_at)"
	    " SELECT $1, $2, $3, $4, $5, $6, $7, $8,"
	    " coalesce((SELECT name FROM department WHERE id = $9), ''),"
	    " b.id, b.name, $11, $12, $13, $14"
	    " FROM (SELECT 1) AS one LEFT JOIN app_user b ON b.id = $10",
	    "IsIsssIsIIsssI", c->who->org_id, o->kind, o->doc_id, o->action, o->step,
	    o->opinion ? o->opinion : "", c->who->user_id, c->who->name, c->who->department_id,
	    o->on_behalf_id, o->from_state ? o->from_state : "", o->to_state ? o->to_state : "",
	    detail, c->now);
	if (st == NULL)
		goto out;
	rc = db_step(st, e) < 0 ? -1 : 0;
	db_reset(st);
out:
	free(detail);
	return rc;
}

json_t *docs_opinions_json(struct db *db, const char *kind, int64_t doc_id, struct err *e)
{
	struct db_stmt *st;
	json_t *items = json_array();
	int rc;

	st = db_query(
	    db, e,
	    "SELECT id, action, step, opinion, user_id, user_name, dept_name, on_behalf_id,"
	    " on_behalf_name, from_state, to_state, detail, created_at FROM doc_opinion"
	    " WHERE kind = $1 AND doc_id = $2 ORDER BY id",
	    "sI", kind, doc_id);
	if (st == NULL)
		goto fail;
	while ((rc = db_step(st, e)) == DB_ROW) {
		char at[TIME_ISO_MAX], date[DATE_STR_MAX];
		json_t *detail = NULL;
		const char *d = db_col_text(st, 11);
		char signer[2 * FIELD_NAME_MAX + 16];

		time_iso(db_col_int(st, 12), at);
		date_format(date_of_time(db_col_int(st, 12)), date);
		if (d)
			detail = json_loads(d, 0, NULL);
		/* the name as it is written on the sheet: 李红梅（代张建国） */
		if (db_col_text(st, 8))
			snprintf(signer, sizeof signer, "%s（代%s）", db_col_text(st, 5),
			         db_col_text(st, 8));
		else
			snprintf(signer, sizeof signer, "%s", db_col_text(st, 5));
		json_array_append_new(
		    items,
		    json_pack("{s:I, s:s, s:s, s:s, s:{s:I, s:s}, s:s, s:s, s:o, s:s, s:s, s:s,"
		              " s:s, s:o}",
		              "id", (json_int_t)db_col_int(st, 0), "action", db_col_text(st, 1),
		              "step", db_col_text(st, 2), "opinion", db_col_text(st, 3), "user",
		              "id", (json_int_t)db_col_int(st, 4), "name", db_col_text(st, 5),
		              "department", db_col_text(st, 6), "signature", signer, "on_behalf_of",
		              db_col_text(st, 8)
		                  ? json_pack("{s:I, s:s}", "id", (json_int_t)db_col_int(st, 7),
		                              "name", db_col_text(st, 8))
		                  : json_null(),
		              "from_state", db_col_text(st, 9), "to_state", db_col_text(st, 10),
		              "at", at, "date", date, "detail", detail ? detail : json_null()));
	}
	db_reset(st);
	if (rc < 0)
		goto fail;
	return items;
fail:
	json_decref(items);
	return NULL;
}

int docs_user_in_org(struct db *db, int64_t org_id, int64_t user_id, struct err *e)
{
	int64_t one;
	bool found;

	if (db_query_int(db, e, &one, &found,
	                 "SELECT 1 FROM app_user WHERE id = $1 AND org_id = $2 AND active = 1",
	                 "II", user_id, org_id))
		return -1;
	return found ? 0
	             : err_field(e, ERR_VALIDATION, "user_ids", "用户不存在或已停用：%lld",
	                         (long long)user_id);
}

int docs_dept_in_org(struct db *db, int64_t org_id, int64_t dept_id, struct err *e)
{
	int64_t one;
	bool found;

	if (db_query_int(db, e, &one, &found,
	                 "SELECT 1 FROM department WHERE id = $1 AND org_id = $2 AND active = 1",
	                 "II", dept_id, org_id))
		return -1;
	return found ? 0
	             : err_field(e, ERR_VALIDATION, "department_id", "部门不存在：%lld",
	                         (long long)dept_id);
}

int docs_dept_head(struct db *db, int64_t org_id, int64_t dept_id, int64_t *head, struct err *e)
{
	bool found;

	*head = 0;
	if (db_query_int(
	        db, e, head, &found,
	        "SELECT coalesce(d.head_id, (SELECT u.id FROM app_user u JOIN user_role r"
	        " ON r.user_id = u.id AND r.role = 'dept_head' WHERE u.department_id = d.id"
	        " AND u.active = 1 ORDER BY u.id LIMIT 1), 0)"
	        " FROM department d WHERE d.id = $1 AND d.org_id = $2",
	        "II", dept_id, org_id))
		return -1;
	if (!found)
		*head = 0;
	return 0;
}

int docs_is_dept_head(struct db *db, const struct principal *p, int64_t dept_id, bool *yes,
                      struct err *e)
{
	int64_t one;

	return db_query_int(db, e, &one, yes,
	                    "SELECT 1 FROM department d WHERE d.id = $1 AND d.org_id = $2 AND"
	                    " (d.head_id = $3 OR ($4 = 1 AND $5 = d.id))",
	                    "IIIiI", dept_id, p->org_id, p->user_id,
	                    (p->roles & ROLE_DEPT_HEAD) ? 1 : 0, p->department_id);
}

int docs_users_with_role(struct db *db, int64_t org_id, const char *role, int64_t *ids, size_t max,
                         size_t *n, struct err *e)
{
	struct db_stmt *st;
	int rc = DB_DONE;

	*n = 0;
	st = db_query(db, e,
	              "SELECT u.id FROM app_user u JOIN user_role r ON r.user_id = u.id"
	              " WHERE u.org_id = $1 AND r.role = $2 AND u.active = 1 ORDER BY u.id",
	              "Is", org_id, role);
	if (st == NULL)
		return -1;
	while (*n < max && (rc = db_step(st, e)) == DB_ROW)
		ids[(*n)++] = db_col_int(st, 0);
	db_reset(st);
	return rc < 0 ? -1 : 0;
}

bool docs_user_has_role(struct db *db, int64_t user_id, const char *role, struct err *e)
{
	int64_t one;
	bool found = false;

	if (db_query_int(db, e, &one, &found,
	                 "SELECT 1 FROM user_role r JOIN app_user u ON u.id = r.user_id"
	                 " WHERE r.user_id = $1 AND r.role = $2 AND u.active = 1",
	                 "Is", user_id, role))
		return false;
	return found;
}

int docs_todo(struct dctx *c, const char *kind, int64_t doc_id, int64_t user_id, const char *title,
              const char *step, const char *due_date, struct err *e)
{
	struct todo_new t = {
	    .org_id = c->who->org_id,
	    .user_id = user_id,
	    .kind = kind,
	    .object_id = doc_id,
	    .title = title,
	    .step = step,
	};
	int days;

	if (user_id <= 0)
		return 0;
	if (due_date && date_parse(due_date, &days) == 0)
		t.due_date = days;
	return todo_add(c->db, &t, e);
}

int docs_notice(struct dctx *c, int64_t user_id, const char *notice_kind, const char *object_kind,
                int64_t doc_id, const char *title, const char *body, struct err *e)
{
	struct notice_new n = {
	    .org_id = c->who->org_id,
	    .user_id = user_id,
	    .kind = notice_kind,
	    .title = title,
	    .body = body,
	    .object_kind = object_kind,
	    .object_id = doc_id,
	};

	if (user_id <= 0 || user_id == c->who->user_id)
		return 0;
	return notice_add(c->db, &n, e);
}

int docs_list_json(int rc, struct buf *text, json_t **items, struct err *e)
{
	*items = NULL;
	if (rc == 0 && (*items = json_loadb(text->data, text->len, 0, NULL)) == NULL)
		rc = err_internal(e, "list text is not JSON");
	buf_free(text);
	return rc;
}
