/*
 * incoming.c - 收文办理 (domain.md §1): 签收 → 登记 → 初审 (or 退回) → 拟办 → 批办 → 承办 (主办 +
 * 协办, deadlines) → 传阅 / 催办 → 办结 → 答复 → 待归档, as a table-driven state machine.
 *
 * Who may act: office steps (初审, 拟办, 交办 on a 批示, 催办, 办结, 答复) any office role; 批办 a
 * leader; 交办 also a leader; 交办承办人 and 办理反馈 the head of an assigned department (反馈 also
 * the person the head handed it to). Every step writes an opinion row with name and time.
 *
 * 待办: 初审, 交办, 办结 and 答复 go to the registrar (the office clerk handling the document),
 * 拟办 to the office directors, 批办 to the leader named in 拟办, 主办/协办 to department heads.
 */
#include "docs/docs_int.h"
#include "docs/acl.h"
#include "core/timeutil.h"
#include "files/files.h"
#include "workflow/workflow.h"

#include <stdio.h>
#include <string.h>

const char *const in_state_codes[IN_STATE_COUNT + 1] = {
    "registered", "returned",    "reviewed", "proposed",   "instructed",
    "handling",   "circulating", "finished", "archivable", NULL};
const char *const in_state_names[IN_STATE_COUNT] = {
    "待初审", "已退回", "待拟办", "待批办", "待交办", "承办中", "传阅中", "已办结", "待归档"};
const char *const in_action_codes[IN_ACT_COUNT + 1] = {"review", "return",   "propose", "instruct",
                                                       "assign", "delegate", "report",  "urge",
                                                       "finish", "reply",    "close",   NULL};
const char *const in_action_steps[IN_ACT_COUNT] = {"初审", "退回",       "拟办",     "批办",
                                                   "承办", "交办承办人", "办理反馈", "催办",
                                                   "办结", "答复",       "归档准备"};

#define S(x)               (1u << (x))
#define ROLES_ANY_ASSIGNEE 0u /* checked against the assignment rows instead of roles */

/* The state machine: which action from which states, by whom, to where. */
static const struct in_rule {
	unsigned from;  /* bit mask of enum in_state */
	unsigned roles; /* enum role bits; ROLES_ANY_ASSIGNEE = the assigned departments */
	int to;         /* next state, -1 = unchanged */
	bool opinion_required;
	const char *opinion_label;
} in_rules[IN_ACT_COUNT] = {
    [IN_ACT_REVIEW] = {S(IN_REGISTERED), ROLES_OFFICE, IN_REVIEWED, false, "初审意见"},
    [IN_ACT_RETURN] = {S(IN_REGISTERED), ROLES_OFFICE, IN_RETURNED, true, "退回理由"},
    [IN_ACT_PROPOSE] = {S(IN_REVIEWED), ROLES_OFFICE, IN_PROPOSED, true, "拟办意见"},
    [IN_ACT_INSTRUCT] = {S(IN_PROPOSED), ROLES_LEADERS, IN_INSTRUCTED, true, "领导批示"},
    [IN_ACT_ASSIGN] = {S(IN_INSTRUCTED), ROLES_OFFICE | ROLES_LEADERS, IN_HANDLING, false,
                       "交办意见"},
    [IN_ACT_DELEGATE] = {S(IN_HANDLING), ROLES_ANY_ASSIGNEE, -1, false, "交办意见"},
    [IN_ACT_REPORT] = {S(IN_HANDLING), ROLES_ANY_ASSIGNEE, -1, true, "办理结果"},
    [IN_ACT_URGE] = {S(IN_HANDLING) | S(IN_CIRCULATING), ROLES_OFFICE | ROLES_LEADERS, -1, false,
                     "催办意见"},
    [IN_ACT_FINISH] = {S(IN_HANDLING) | S(IN_CIRCULATING), ROLES_OFFICE, IN_FINISHED, false,
                       "办结意见"},
    [IN_ACT_REPLY] = {S(IN_FINISHED), ROLES_OFFICE, IN_ARCHIVABLE, true, "答复内容"},
    [IN_ACT_CLOSE] = {S(IN_FINISHED), ROLES_OFFICE, IN_ARCHIVABLE, false, "说明"},
};

int in_state_from_code(const char *code)
{
	for (int i = 0; code && i < IN_STATE_COUNT; i++)
		if (strcmp(in_state_codes[i], code) == 0)
			return i;
	return -1;
}

int in_doc_load(struct dctx *c, int64_t id, struct in_doc *d, struct err *e)
{
	struct db_stmt *st;
	bool visible;
	int rc;

	memset(d, 0, sizeof *d);
	st = db_query(c->db, e,
	              "SELECT state, version, registrar_id, coalesce(leader_id, 0), secrecy, title,"
	              " number, due_date, coalesce(main_dept_id, 0), body <> '' FROM incoming_doc"
	              " WHERE id = $1 AND org_id = $2",
	              "II", id, c->who->org_id);
	if (st == NULL)
		return -1;
	if ((rc = db_step(st, e)) == DB_ROW) {
		d->id = id;
		d->state = in_state_from_code(db_col_text(st, 0));
		d->version = db_col_int(st, 1);
		d->registrar_id = db_col_int(st, 2);
		d->leader_id = db_col_int(st, 3);
		d->secrecy = secrecy_from_code(db_col_text(st, 4));
		snprintf(d->title, sizeof d->title, "%s", db_col_text(st, 5));
		snprintf(d->number, sizeof d->number, "%s", db_col_text(st, 6));
		snprintf(d->due, sizeof d->due, "%s", db_col_text(st, 7) ? db_col_text(st, 7) : "");
		d->main_dept_id = db_col_int(st, 8);
		d->has_body = db_col_int(st, 9) != 0;
	}
	db_reset(st);
	if (rc < 0)
		return -1;
	if (rc != DB_ROW || d->state < 0)
		return err_set(e, ERR_NOT_FOUND, "收文不存在");
	if (acl_can_see(c->db, c->who, DOC_KIND_INCOMING, id, &visible, e))
		return -1;
	return visible ? 0 : err_set(e, ERR_NOT_FOUND, "收文不存在");
}

int in_set_state(struct dctx *c, struct in_doc *d, int to, struct err *e)
{
	if (db_execf(c->db, e,
	             "UPDATE incoming_doc SET state = $1, version = version + 1, updated_at = $2,"
	             " finished_at = CASE WHEN $1 = 'finished' THEN $2 ELSE finished_at END"
	             " WHERE id = $3",
	             "sII", in_state_codes[to], c->now, d->id) < 0)
		return -1;
	d->state = to;
	d->version++;
	return 0;
}

int incoming_visible(struct dctx *c, int64_t id, int *state, int64_t *version, struct err *e)
{
	struct in_doc d;

	if (in_doc_load(c, id, &d, e))
		return -1;
	if (state)
		*state = d.state;
	if (version)
		*version = d.version;
	return 0;
}

static int in_todo(struct dctx *c, struct in_doc *d, int64_t user, const char *step,
                   const char *due, struct err *e)
{
	char title[FIELD_TITLE_MAX + 80];

	docs_todo_title(title, sizeof title, d->number, d->title);
	return docs_todo(c, DOC_KIND_INCOMING, d->id, user, title, step, due, e);
}

static int in_notice(struct dctx *c, struct in_doc *d, int64_t user, const char *kind,
                     const char *what, const char *body, struct err *e)
{
	char title[FIELD_TITLE_MAX + 160];

	snprintf(title, sizeof title, "%s：%s %s", what, d->number, d->title);
	return docs_notice(c, user, kind, DOC_KIND_INCOMING, d->id, title, body, e);
}

/* ---- registration ---- */

static int next_number(struct dctx *c, int year, int64_t *seq, char number[64], struct err *e)
{
	bool found;

	if (db_query_int(
	        c->db, e, seq, &found,
	        "INSERT INTO incoming_counter (org_id, year, last) VALUES ($1, $2, 1)"
	        " ON CONFLICT (org_id, year) DO UPDATE SET last = incoming_counter.last + 1"
	        " RETURNING last",
	        "Ii", c->who->org_id, year))
		return -1;
	if (!found)
		return err_internal(e, "incoming counter returned no row");
	/* 收文编号: 收文〔2026〕12号 — the 文号 brackets of GB/T 9704, no zero padding */
	snprintf(number, 64, "收文〔%d〕%lld号", year, (long long)*seq);
	return 0;
}

static int register_check(struct dctx *c, const struct incoming_new *in, int *years,
                          const char **type_code, struct err *e)
{
	const struct doc_type *t = doc_type_find(in->doc_type);
	int rd, dd;

	if (t == NULL)
		return err_field(e, ERR_VALIDATION, "doc_type",
		                 "文种应为条例规定的15种之一（如 通知、请示、函）");
	*type_code = t->code;
	if (secrecy_check(in->secrecy, in->secrecy_years, years, e))
		return -1;
	if (docs_date_check(in->received_date, "received_date", "收文日期", e) ||
	    docs_date_check(in->due_date, "due_date", "办理期限", e))
		return -1;
	rd = date_of_time(c->now);
	if (in->received_date)
		date_parse(in->received_date, &rd);
	if (in->due_date && date_parse(in->due_date, &dd) == 0 && dd < rd)
		return err_field(e, ERR_VALIDATION, "due_date", "办理期限不能早于收文日期");
	if (in->attachment_count > DOCS_ATTACHMENTS_MAX)
		return err_field(e, ERR_VALIDATION, "attachments", "附件最多%d个",
		                 DOCS_ATTACHMENTS_MAX);
	return docs_check_register_only(c, in->secrecy, in->body && *in->body,
	                                in->attachment_count > 0, e);
}

static int incoming_register_do(struct dctx *c, const struct incoming_new *in, int64_t *id,
                                char number[64], struct err *e)
{
	const char *type_code = NULL;
	char received[DATE_STR_MAX];
	int years, y, m, dd, rd;
	int64_t seq;
	bool internal = in->source && strcmp(in->source, "internal") == 0;
	struct in_doc d = {0};
	json_t *detail;
	int rc;

	if (register_check(c, in, &years, &type_code, e))
		return -1;
	if (in->received_date)
		snprintf(received, sizeof received, "%s", in->received_date);
	else
		docs_today(c, received);
	date_parse(received, &rd);
	date_ymd(rd, &y, &m, &dd);
	if (next_number(c, y, &seq, number, e))
		return -1;
	if (db_query_int(
	        c->db, e, id, NULL,
	        "INSERT INTO incoming_doc (org_id, year, seq, number, title, from_org,"
	        " from_number, doc_type, secrecy, secrecy_years, urgency, copies, pages,"
	        " received_date, due_date, body, state, source, outgoing_id, registrar_id,"
	        " created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10,"
	        " $11, $12, $13, $14, $15, $16, $17, $18, nullif($19, 0), $20, $21, $21)"
	        " RETURNING id",
	        "IiIssssssisIIsssssIII", c->who->org_id, y, seq, number, in->title, in->from_org,
	        in->from_number ? in->from_number : "", type_code, secrecy_codes[in->secrecy],
	        years, urgency_codes[in->urgency], in->copies, in->pages, received, in->due_date,
	        in->body ? in->body : "", in_state_codes[internal ? IN_CIRCULATING : IN_REGISTERED],
	        internal ? "internal" : "external", in->outgoing_id, c->who->user_id, c->now))
		return -1;
	d.id = *id;
	snprintf(d.title, sizeof d.title, "%s", in->title);
	snprintf(d.number, sizeof d.number, "%s", number);
	if (docs_acl_grant(c->db, c->who->org_id, DOC_KIND_INCOMING, *id, c->who->user_id,
	                   "registrar", e) ||
	    (in->attachment_count > 0 &&
	     docs_set_attachments(c, DOC_KIND_INCOMING, *id, in->attachments, in->attachment_count,
	                          e)))
		return -1;
	detail = json_pack("{s:I, s:I}", "copies", (json_int_t)in->copies, "pages",
	                   (json_int_t)in->pages);
	rc = docs_opinion_add(c,
	                      &(struct opinion_new){.kind = DOC_KIND_INCOMING,
	                                            .doc_id = *id,
	                                            .action = "receive",
	                                            .step = "签收",
	                                            .opinion = internal ? "本院发文内部分发" : "",
	                                            .to_state = "registered",
	                                            .detail = detail},
	                      e);
	json_decref(detail);
	if (rc)
		return -1;
	detail = json_pack("{s:s}", "number", number);
	rc = docs_opinion_add(
	    c,
	    &(struct opinion_new){.kind = DOC_KIND_INCOMING,
	                          .doc_id = *id,
	                          .action = "register",
	                          .step = "登记",
	                          .to_state =
	                              in_state_codes[internal ? IN_CIRCULATING : IN_REGISTERED],
	                          .detail = detail},
	    e);
	json_decref(detail);
	if (rc)
		return -1;
	return internal ? 0 : in_todo(c, &d, c->who->user_id, "初审", in->due_date, e);
}

int incoming_register(struct dctx *c, const struct incoming_new *in, int64_t *id, char number[64],
                      struct err *e)
{
	if (incoming_register_do(c, in, id, number, e))
		return -1;
	return docs_indexed(c->db, DOC_KIND_INCOMING, *id, e);
}

static int incoming_update_do(struct dctx *c, int64_t id, const struct incoming_patch *p,
                              struct err *e)
{
	struct in_doc d;
	const struct doc_type *t = NULL;
	int years = 0, sec, cur_years;
	int64_t cur_years64;
	bool found, body_after;
	size_t files_after = 0;
	const char *due;

	if (in_doc_load(c, id, &d, e))
		return -1;
	if (!(c->who->roles & ROLES_OFFICE))
		return err_set(e, ERR_FORBIDDEN, "只有办公室可以修改收文登记信息");
	if (d.state == IN_ARCHIVABLE || d.state == IN_RETURNED)
		return err_set(e, ERR_VALIDATION, "%s的收文不能再修改", in_state_names[d.state]);
	if (p->version != d.version)
		return err_set(e, ERR_CONFLICT, "收文已被他人修改，请刷新后重试");
	if (p->doc_type && (t = doc_type_find(p->doc_type)) == NULL)
		return err_field(e, ERR_VALIDATION, "doc_type", "文种应为条例规定的15种之一");
	if (docs_date_check(p->due_date, "due_date", "办理期限", e))
		return -1;
	sec = p->secrecy >= 0 ? p->secrecy : (d.secrecy >= 0 ? d.secrecy : SECRECY_NONE);
	if (db_query_int(c->db, e, &cur_years64, &found,
	                 "SELECT secrecy_years FROM incoming_doc WHERE id = $1", "I", id))
		return -1;
	cur_years = (int)cur_years64;
	if (secrecy_check((enum secrecy)sec,
	                  p->secrecy_years >= 0
	                      ? p->secrecy_years
	                      : (p->secrecy >= 0 && p->secrecy != d.secrecy ? 0 : cur_years),
	                  &years, e))
		return -1;
	body_after = p->body ? *p->body != '\0' : d.has_body;
	if (p->set_attachments)
		files_after = p->attachment_count;
	else if (docs_attachment_count(c, DOC_KIND_INCOMING, id, &files_after, e))
		return -1;
	if (docs_check_register_only(c, (enum secrecy)sec, body_after, files_after > 0, e) ||
	    (p->set_attachments && docs_set_attachments(c, DOC_KIND_INCOMING, id, p->attachments,
	                                                p->attachment_count, e)))
		return -1;
	due = p->clear_due ? NULL : (p->due_date ? p->due_date : (d.due[0] ? d.due : NULL));
	if (db_execf(c->db, e,
	             "UPDATE incoming_doc SET title = coalesce($1, title),"
	             " from_org = coalesce($2, from_org), from_number = coalesce($3, from_number),"
	             " doc_type = coalesce($4, doc_type), body = coalesce($5, body), due_date = $6,"
	             " secrecy = $7, secrecy_years = $8, urgency = coalesce($9, urgency),"
	             " copies = CASE WHEN $10 < 0 THEN copies ELSE $10 END,"
	             " pages = CASE WHEN $11 < 0 THEN pages ELSE $11 END,"
	             " version = version + 1, updated_at = $12 WHERE id = $13",
	             "sssssssisIIII", p->title, p->from_org, p->from_number, t ? t->code : NULL,
	             p->body, due, secrecy_codes[sec], years,
	             p->urgency >= 0 ? urgency_codes[p->urgency] : NULL, p->copies, p->pages,
	             c->now, id) < 0)
		return -1;
	return docs_opinion_add(c,
	                        &(struct opinion_new){.kind = DOC_KIND_INCOMING,
	                                              .doc_id = id,
	                                              .action = "edit",
	                                              .step = "修改登记信息",
	                                              .from_state = in_state_codes[d.state],
	                                              .to_state = in_state_codes[d.state]},
	                        e);
}

int incoming_update(struct dctx *c, int64_t id, const struct incoming_patch *p, struct err *e)
{
	if (incoming_update_do(c, id, p, e))
		return -1;
	return docs_indexed(c->db, DOC_KIND_INCOMING, id, e);
}

/* ---- assignments (承办) ---- */

struct in_assignment {
	int64_t id, dept_id, head_id, delegate_id;
	bool main, done;
	char deadline[DATE_STR_MAX];
};

/* The caller's pending assignment on a document: as the department's head, or as the person the
 * head handed it to (heads_only: not the latter). found=false if none. */
static int my_assignment(struct dctx *c, int64_t doc_id, bool heads_only, struct in_assignment *a,
                         bool *found, struct err *e);

int in_is_assignee(struct dctx *c, int64_t doc_id, bool *yes, struct err *e)
{
	struct in_assignment a;

	return my_assignment(c, doc_id, false, &a, yes, e);
}

static int my_assignment(struct dctx *c, int64_t doc_id, bool heads_only, struct in_assignment *a,
                         bool *found, struct err *e)
{
	struct db_stmt *st;
	int rc;

	memset(a, 0, sizeof *a);
	st = db_query(c->db, e,
	              "SELECT a.id, a.department_id, coalesce(a.head_id, 0),"
	              " coalesce(a.delegate_id, 0), a.role = 'main', a.state = 'done',"
	              " coalesce(a.deadline, '') FROM incoming_assignment a"
	              " JOIN department dp ON dp.id = a.department_id"
	              " WHERE a.doc_id = $1 AND a.state = 'pending' AND (a.head_id = $2"
	              " OR dp.head_id = $2 OR ($3 = 1 AND a.department_id = $4)"
	              " OR ($5 = 0 AND a.delegate_id = $2)) ORDER BY a.role = 'main' DESC, a.id"
	              " LIMIT 1",
	              "IIiIi", doc_id, c->who->user_id, (c->who->roles & ROLE_DEPT_HEAD) ? 1 : 0,
	              c->who->department_id, heads_only ? 1 : 0);
	if (st == NULL)
		return -1;
	if ((rc = db_step(st, e)) == DB_ROW) {
		a->id = db_col_int(st, 0);
		a->dept_id = db_col_int(st, 1);
		a->head_id = db_col_int(st, 2);
		a->delegate_id = db_col_int(st, 3);
		a->main = db_col_int(st, 4) != 0;
		a->done = db_col_int(st, 5) != 0;
		snprintf(a->deadline, sizeof a->deadline, "%s", db_col_text(st, 6));
	}
	db_reset(st);
	*found = rc == DB_ROW;
	return rc < 0 ? -1 : 0;
}

static int assign_one(struct dctx *c, struct in_doc *d, const struct dept_deadline *dd, bool main,
                      json_t *detail, struct err *e)
{
	int64_t head;
	char name[FIELD_NAME_MAX + 1] = "";
	struct db_stmt *st;

	if (docs_dept_in_org(c->db, c->who->org_id, dd->dept_id, e) ||
	    docs_dept_head(c->db, c->who->org_id, dd->dept_id, &head, e))
		return -1;
	st = db_query(c->db, e, "SELECT name FROM department WHERE id = $1", "I", dd->dept_id);
	if (st == NULL)
		return -1;
	if (db_step(st, e) == DB_ROW)
		snprintf(name, sizeof name, "%s", db_col_text(st, 0));
	db_reset(st);
	if (head == 0)
		return err_field(e, ERR_VALIDATION, main ? "main_department_id" : "assist",
		                 "部门“%s”没有负责人，无法交办", name);
	if (db_execf(c->db, e,
	             "INSERT INTO incoming_assignment (doc_id, department_id, role, deadline,"
	             " head_id, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
	             "IIssII", d->id, dd->dept_id, main ? "main" : "assist", dd->deadline, head,
	             c->now) < 0)
		return -1;
	json_array_append_new(
	    detail, json_pack("{s:I, s:s, s:s, s:o}", "department_id", (json_int_t)dd->dept_id,
	                      "department", name, "role", main ? "主办" : "协办", "deadline",
	                      dd->deadline ? json_string(dd->deadline) : json_null()));
	if (docs_acl_grant(c->db, c->who->org_id, DOC_KIND_INCOMING, d->id, head, "assigned", e) ||
	    in_todo(c, d, head, main ? "主办" : "协办", dd->deadline, e))
		return -1;
	return in_notice(c, d, head, "assigned", main ? "请主办" : "请协办",
	                 dd->deadline ? dd->deadline : NULL, e);
}

static int act_assign(struct dctx *c, struct in_doc *d, const struct incoming_action *a,
                      json_t *detail, struct err *e)
{
	if (a->main.dept_id <= 0)
		return err_field(e, ERR_VALIDATION, "main_department_id", "请选择主办部门");
	if (docs_date_check(a->main.deadline, "main_deadline", "主办期限", e))
		return -1;
	for (size_t i = 0; i < a->assist_count; i++) {
		if (a->assist[i].dept_id == a->main.dept_id)
			return err_field(e, ERR_VALIDATION, "assist", "协办部门不能同时是主办部门");
		for (size_t k = 0; k < i; k++)
			if (a->assist[k].dept_id == a->assist[i].dept_id)
				return err_field(e, ERR_VALIDATION, "assist", "协办部门重复");
		if (docs_date_check(a->assist[i].deadline, "assist", "协办期限", e))
			return -1;
	}
	if (assign_one(c, d, &a->main, true, detail, e))
		return -1;
	for (size_t i = 0; i < a->assist_count; i++)
		if (assign_one(c, d, &a->assist[i], false, detail, e))
			return -1;
	return db_execf(c->db, e,
	                "UPDATE incoming_doc SET main_dept_id = $1,"
	                " due_date = coalesce(due_date, $2) WHERE id = $3",
	                "IsI", a->main.dept_id, a->main.deadline, d->id) < 0
	           ? -1
	           : todo_close(c->db, DOC_KIND_INCOMING, d->id, 0, "交办", e);
}

static int act_delegate(struct dctx *c, struct in_doc *d, const struct incoming_action *a,
                        json_t *detail, struct err *e)
{
	struct in_assignment as;
	int64_t one;
	bool found;

	if (my_assignment(c, d->id, true, &as, &found, e))
		return -1;
	if (!found)
		return err_set(e, ERR_FORBIDDEN, "只有承办部门负责人可以指定承办人");
	if (a->user_id <= 0)
		return err_field(e, ERR_VALIDATION, "user_id", "请选择承办人");
	if (db_query_int(
	        c->db, e, &one, &found,
	        "SELECT 1 FROM app_user WHERE id = $1 AND department_id = $2 AND active = 1", "II",
	        a->user_id, as.dept_id))
		return -1;
	if (!found)
		return err_field(e, ERR_VALIDATION, "user_id", "承办人须是本部门在职人员");
	if (as.delegate_id > 0 && as.delegate_id != a->user_id &&
	    todo_close(c->db, DOC_KIND_INCOMING, d->id, as.delegate_id, "承办", e))
		return -1;
	if (db_execf(c->db, e, "UPDATE incoming_assignment SET delegate_id = $1 WHERE id = $2",
	             "II", a->user_id, as.id) < 0 ||
	    todo_close(c->db, DOC_KIND_INCOMING, d->id, c->who->user_id, NULL, e))
		return -1;
	json_object_set_new(detail, "user_id", json_integer(a->user_id));
	if (docs_acl_grant(c->db, c->who->org_id, DOC_KIND_INCOMING, d->id, a->user_id, "delegated",
	                   e) ||
	    in_todo(c, d, a->user_id, "承办", as.deadline[0] ? as.deadline : NULL, e))
		return -1;
	return in_notice(c, d, a->user_id, "assigned", "请承办", a->opinion, e);
}

static int act_report(struct dctx *c, struct in_doc *d, const struct incoming_action *a,
                      json_t *detail, struct err *e)
{
	struct in_assignment as;
	bool found;

	if (my_assignment(c, d->id, false, &as, &found, e))
		return -1;
	if (!found)
		return err_set(e, ERR_FORBIDDEN, "只有承办部门可以反馈办理结果");
	if (db_execf(c->db, e,
	             "UPDATE incoming_assignment SET state = 'done', result = $1, reported_by = $2,"
	             " reported_at = $3 WHERE id = $4",
	             "sIII", a->opinion, c->who->user_id, c->now, as.id) < 0)
		return -1;
	json_object_set_new(detail, "department_id", json_integer(as.dept_id));
	json_object_set_new(detail, "role", json_string(as.main ? "主办" : "协办"));
	if (todo_close(c->db, DOC_KIND_INCOMING, d->id, as.head_id, NULL, e) ||
	    (as.delegate_id > 0 &&
	     todo_close(c->db, DOC_KIND_INCOMING, d->id, as.delegate_id, NULL, e)) ||
	    (c->who->user_id != as.head_id && c->who->user_id != as.delegate_id &&
	     todo_close(c->db, DOC_KIND_INCOMING, d->id, c->who->user_id, NULL, e)))
		return -1;
	if (as.main && in_todo(c, d, d->registrar_id, "办结", NULL, e))
		return -1;
	return in_notice(c, d, d->registrar_id, "reported",
	                 as.main ? "主办部门已反馈" : "协办部门已反馈", a->opinion, e);
}

/* 催办: everyone still owing something hears about it. */
static int act_urge(struct dctx *c, struct in_doc *d, const struct incoming_action *a,
                    json_t *detail, struct err *e)
{
	struct db_stmt *st;
	int64_t users[DOCS_CIRCULATE_MAX];
	size_t n = 0;
	int rc = DB_DONE;

	st = db_query(c->db, e,
	              d->state == IN_HANDLING
	                  ? "SELECT coalesce(delegate_id, head_id) FROM incoming_assignment"
	                    " WHERE doc_id = $1 AND state = 'pending' ORDER BY id"
	                  : "SELECT user_id FROM circulation WHERE doc_id = $1 AND read_at IS NULL"
	                    " ORDER BY id",
	              "I", d->id);
	if (st == NULL)
		return -1;
	while (n < DOCS_CIRCULATE_MAX && (rc = db_step(st, e)) == DB_ROW)
		users[n++] = db_col_int(st, 0);
	db_reset(st);
	if (rc < 0)
		return -1;
	if (n == 0)
		return err_set(e, ERR_VALIDATION, "没有需要催办的部门或人员");
	json_object_set_new(detail, "user_ids", json_array());
	for (size_t i = 0; i < n; i++) {
		json_array_append_new(json_object_get(detail, "user_ids"), json_integer(users[i]));
		if (in_notice(c, d, users[i], "reminded", "催办",
		              a->opinion && *a->opinion ? a->opinion : "请抓紧办理", e))
			return -1;
	}
	return 0;
}

static int act_finish(struct dctx *c, struct in_doc *d, struct err *e)
{
	int64_t pending;
	bool found;

	if (d->state == IN_HANDLING) {
		if (db_query_int(c->db, e, &pending, &found,
		                 "SELECT count(*) FROM incoming_assignment WHERE doc_id = $1"
		                 " AND role = 'main' AND state = 'pending'",
		                 "I", d->id))
			return -1;
		if (pending > 0)
			return err_set(e, ERR_VALIDATION, "主办部门尚未反馈办理结果，不能办结");
	}
	if (todo_close(c->db, DOC_KIND_INCOMING, d->id, 0, NULL, e))
		return -1;
	return in_todo(c, d, d->registrar_id, "答复", NULL, e);
}

static int act_propose(struct dctx *c, struct in_doc *d, const struct incoming_action *a,
                       json_t *detail, struct err *e)
{
	if (a->leader_id <= 0)
		return err_field(e, ERR_VALIDATION, "leader_id", "请选择批办的院领导");
	if (docs_user_in_org(c->db, c->who->org_id, a->leader_id, e))
		return -1;
	if (!docs_user_has_role(c->db, a->leader_id, "chief", e) &&
	    !docs_user_has_role(c->db, a->leader_id, "leader", e))
		return e->kind ? -1 : err_field(e, ERR_VALIDATION, "leader_id", "批办人须是院领导");
	json_object_set_new(detail, "leader_id", json_integer(a->leader_id));
	if (db_execf(c->db, e, "UPDATE incoming_doc SET leader_id = $1 WHERE id = $2", "II",
	             a->leader_id, d->id) < 0 ||
	    docs_acl_grant(c->db, c->who->org_id, DOC_KIND_INCOMING, d->id, a->leader_id,
	                   "instruct", e) ||
	    todo_close(c->db, DOC_KIND_INCOMING, d->id, 0, "拟办", e))
		return -1;
	return in_todo(c, d, a->leader_id, "批办", d->due[0] ? d->due : NULL, e);
}

static int act_review(struct dctx *c, struct in_doc *d, struct err *e)
{
	int64_t ids[16];
	size_t n;

	if (todo_close(c->db, DOC_KIND_INCOMING, d->id, 0, "初审", e) ||
	    docs_users_with_role(c->db, c->who->org_id, "office_director", ids, 16, &n, e))
		return -1;
	if (n == 0) /* an office without a director: the registrar proposes */
		ids[n++] = d->registrar_id;
	for (size_t i = 0; i < n; i++)
		if (in_todo(c, d, ids[i], "拟办", d->due[0] ? d->due : NULL, e))
			return -1;
	return 0;
}

/* Runs the action's own work; the state change and the opinion row are done by the caller. */
static int act_body(struct dctx *c, struct in_doc *d, const struct incoming_action *a,
                    json_t *detail, struct err *e)
{
	switch (a->action) {
	case IN_ACT_REVIEW:
		return act_review(c, d, e);
	case IN_ACT_RETURN:
		return todo_close(c->db, DOC_KIND_INCOMING, d->id, 0, NULL, e);
	case IN_ACT_PROPOSE:
		return act_propose(c, d, a, detail, e);
	case IN_ACT_INSTRUCT:
		return todo_close(c->db, DOC_KIND_INCOMING, d->id, 0, "批办", e) ||
		               in_todo(c, d, d->registrar_id, "交办", d->due[0] ? d->due : NULL, e)
		           ? -1
		           : 0;
	case IN_ACT_ASSIGN:
		json_object_set_new(detail, "departments", json_array());
		return act_assign(c, d, a, json_object_get(detail, "departments"), e);
	case IN_ACT_DELEGATE:
		return act_delegate(c, d, a, detail, e);
	case IN_ACT_REPORT:
		return act_report(c, d, a, detail, e);
	case IN_ACT_URGE:
		return act_urge(c, d, a, detail, e);
	case IN_ACT_FINISH:
		return act_finish(c, d, e);
	case IN_ACT_REPLY:
		if (a->method)
			json_object_set_new(detail, "method", json_string(a->method));
		return todo_close(c->db, DOC_KIND_INCOMING, d->id, 0, NULL, e);
	case IN_ACT_CLOSE:
		return todo_close(c->db, DOC_KIND_INCOMING, d->id, 0, NULL, e);
	default:
		return err_set(e, ERR_VALIDATION, "未知的办理操作");
	}
}

/* May the caller take this action now? (state and role; assignments for the departments) */
static int may_act(struct dctx *c, struct in_doc *d, enum in_action act, bool *ok,
                   bool *wrong_state, struct err *e)
{
	const struct in_rule *r = &in_rules[act];
	struct in_assignment as;

	*ok = false;
	*wrong_state = !(r->from & S(d->state));
	if (*wrong_state)
		return 0;
	if (r->roles != ROLES_ANY_ASSIGNEE) {
		*ok = (c->who->roles & r->roles) != 0;
		return 0;
	}
	return my_assignment(c, d->id, act == IN_ACT_DELEGATE, &as, ok, e);
}

static int incoming_act_do(struct dctx *c, int64_t id, const struct incoming_action *a,
                           struct err *e)
{
	const struct in_rule *r;
	struct in_doc d;
	bool ok, wrong_state;
	int from;
	json_t *detail = NULL;
	int rc = -1;

	if (a->action >= IN_ACT_COUNT)
		return err_field(e, ERR_VALIDATION, "action", "未知的办理操作");
	r = &in_rules[a->action];
	if (in_doc_load(c, id, &d, e))
		return -1;
	if (a->version > 0 && a->version != d.version)
		return err_set(e, ERR_CONFLICT, "收文已被他人处理，请刷新后重试");
	if (may_act(c, &d, a->action, &ok, &wrong_state, e))
		return -1;
	if (wrong_state)
		return err_set(e, ERR_VALIDATION, "当前环节（%s）不能执行“%s”",
		               in_state_names[d.state], in_action_steps[a->action]);
	if (!ok)
		return err_set(e, ERR_FORBIDDEN, "您无权执行“%s”", in_action_steps[a->action]);
	if (r->opinion_required && (a->opinion == NULL || *a->opinion == '\0'))
		return err_field(e, ERR_VALIDATION, "opinion", "请填写%s", r->opinion_label);
	from = d.state;
	detail = json_object();
	if (act_body(c, &d, a, detail, e))
		goto out;
	if (r->to >= 0 && in_set_state(c, &d, r->to, e))
		goto out;
	if (r->to < 0 && db_execf(c->db, e,
	                          "UPDATE incoming_doc SET version = version + 1, updated_at = $1"
	                          " WHERE id = $2",
	                          "II", c->now, id) < 0)
		goto out;
	rc = docs_opinion_add(
	    c,
	    &(struct opinion_new){.kind = DOC_KIND_INCOMING,
	                          .doc_id = id,
	                          .action = in_action_codes[a->action],
	                          .step = in_action_steps[a->action],
	                          .opinion = a->opinion,
	                          .from_state = in_state_codes[from],
	                          .to_state = in_state_codes[d.state],
	                          .detail = json_object_size(detail) ? detail : NULL},
	    e);
out:
	json_decref(detail);
	return rc;
}

int incoming_act(struct dctx *c, int64_t id, const struct incoming_action *a, struct err *e)
{
	if (incoming_act_do(c, id, a, e))
		return -1;
	return docs_indexed(c->db, DOC_KIND_INCOMING, id, e);
}

/* ---- reading ---- */

static json_t *assignments_json(struct db *db, int64_t doc_id, struct err *e)
{
	return db_query_json(
	    db, e, 1 + DOCS_ASSIST_MAX,
	    "SELECT a.id, a.department_id, dp.name AS department, a.role, a.deadline, a.state,"
	    " a.result, a.head_id, h.name AS head, a.delegate_id, dl.name AS delegate,"
	    " r.name AS reported_by, a.reported_at FROM incoming_assignment a"
	    " JOIN department dp ON dp.id = a.department_id"
	    " LEFT JOIN app_user h ON h.id = a.head_id LEFT JOIN app_user dl ON dl.id = "
	    "a.delegate_id"
	    " LEFT JOIN app_user r ON r.id = a.reported_by WHERE a.doc_id = $1"
	    " ORDER BY a.role = 'main' DESC, a.id",
	    "I", doc_id);
}

static void fix_times(json_t *rows, const char *key)
{
	size_t i;
	json_t *row;

	json_array_foreach(rows, i, row)
	{
		json_t *v = json_object_get(row, key);
		if (json_is_integer(v)) {
			char iso[TIME_ISO_MAX];
			time_iso(json_integer_value(v), iso);
			json_object_set_new(row, key, json_string(iso));
		}
	}
}

/* The 收文处理单 grouped as printed: 拟办意见, 领导批示, 承办情况, 办理结果, 答复. */
static json_t *sheet_json(json_t *opinions)
{
	static const struct {
		const char *key, *action;
	} groups[] = {{"review", "review"},         {"proposal", "propose"},
	              {"instructions", "instruct"}, {"assignment", "assign"},
	              {"reports", "report"},        {"urges", "urge"},
	              {"finish", "finish"},         {"reply", "reply"}};
	json_t *sheet = json_object();
	size_t i;
	json_t *o;

	for (size_t g = 0; g < sizeof groups / sizeof groups[0]; g++)
		json_object_set_new(sheet, groups[g].key, json_array());
	json_array_foreach(opinions, i, o)
	{
		const char *act = json_string_value(json_object_get(o, "action"));
		for (size_t g = 0; act && g < sizeof groups / sizeof groups[0]; g++)
			if (strcmp(act, groups[g].action) == 0)
				json_array_append(json_object_get(sheet, groups[g].key), o);
	}
	return sheet;
}

static int allowed_actions(struct dctx *c, struct in_doc *d, json_t *out, struct err *e)
{
	int64_t main_pending = 0;

	/* 办结 of a handled document waits for the 主办 department: offer it only then */
	if (d->state == IN_HANDLING &&
	    db_query_int(c->db, e, &main_pending, NULL,
	                 "SELECT count(*) FROM incoming_assignment WHERE doc_id = $1"
	                 " AND role = 'main' AND state = 'pending'",
	                 "I", d->id))
		return -1;
	for (int a = 0; a < IN_ACT_COUNT; a++) {
		bool ok, wrong;
		if (may_act(c, d, (enum in_action)a, &ok, &wrong, e))
			return -1;
		if (a == IN_ACT_FINISH && main_pending > 0)
			ok = false;
		if (ok)
			json_array_append_new(out, json_string(in_action_codes[a]));
	}
	return 0;
}

json_t *incoming_get_json(struct dctx *c, int64_t id, struct err *e)
{
	struct in_doc d;
	struct db_stmt *st;
	json_t *doc = NULL, *x;
	char today[DATE_STR_MAX];
	int rc;

	if (in_doc_load(c, id, &d, e))
		return NULL;
	docs_today(c, today);
	st = db_query(
	    c->db, e,
	    "SELECT " IN_COLS ", d.body, d.registrar_id, reg.name, d.leader_id, ld.name,"
	    " d.outgoing_id FROM incoming_doc d JOIN app_user reg ON reg.id = d.registrar_id"
	    " LEFT JOIN app_user ld ON ld.id = d.leader_id WHERE d.id = $1",
	    "I", id);
	if (st == NULL)
		return NULL;
	if ((rc = db_step(st, e)) == DB_ROW) {
		doc = incoming_row_json(st, today);
		json_object_set_new(doc, "body", json_string(db_col_text(st, 20)));
		json_object_set_new(doc, "registrar",
		                    json_pack("{s:I, s:s}", "id", (json_int_t)db_col_int(st, 21),
		                              "name", db_col_text(st, 22)));
		json_object_set_new(doc, "leader",
		                    db_col_is_null(st, 23)
		                        ? json_null()
		                        : json_pack("{s:I, s:s?}", "id",
		                                    (json_int_t)db_col_int(st, 23), "name",
		                                    db_col_text(st, 24)));
		json_object_set_new(doc, "outgoing_id", db_col_json(st, 25));
	}
	db_reset(st);
	if (rc != DB_ROW) {
		if (rc == DB_DONE)
			err_set(e, ERR_NOT_FOUND, "收文不存在");
		return NULL;
	}
	if ((x = docs_opinions_json(c->db, DOC_KIND_INCOMING, id, e)) == NULL)
		goto fail;
	json_object_set_new(doc, "sheet", sheet_json(x));
	json_object_set_new(doc, "opinions", x);
	if ((x = assignments_json(c->db, id, e)) == NULL)
		goto fail;
	fix_times(x, "reported_at");
	json_object_set_new(doc, "assignments", x);
	if ((x = circulation_status_json(c, id, e)) == NULL)
		goto fail;
	json_object_set_new(doc, "circulation", x);
	if ((x = files_of_object(c->db, c->who->org_id, DOC_KIND_INCOMING, id, e)) == NULL)
		goto fail;
	json_object_set_new(doc, "attachments", x);
	x = json_array();
	json_object_set_new(doc, "actions", x);
	if (allowed_actions(c, &d, x, e))
		goto fail;
	return doc;
fail:
	json_decref(doc);
	return NULL;
}

/*
 * List totals, cached per server thread. Counting a few thousand index entries costs more than
 * the page itself; the total only changes when incoming_gen does (migration 031: triggers bump it
 * in every transaction that writes a document, an assignment or an incoming acl row), and it is
 * read in the same snapshot as the count would be, so a cached total is exact.
 */
#define COUNT_CACHE_SLOTS 32
#define COUNT_KEY_MAX     512

struct count_slot {
	int64_t gen, total;
	char key[COUNT_KEY_MAX];
};
static _Thread_local struct count_slot count_cache[COUNT_CACHE_SLOTS];
static _Thread_local unsigned count_next;

static int count_cached(struct dctx *c, struct qb *q, int64_t *total, struct err *e)
{
	char key[COUNT_KEY_MAX];
	int64_t gen = -1;
	/* the store is part of the key: a thread may open another one (the unit tests do) */
	int n = snprintf(key, sizeof key, "%s#", db_uri(c->db));
	bool found, cacheable = n > 0 && (size_t)n < sizeof key &&
	                        qb_key(q, key + n, sizeof key - (size_t)n);
	struct db_stmt *st;
	int step;

	if (cacheable &&
	    db_query_int(c->db, e, &gen, &found, "SELECT gen FROM incoming_gen WHERE id = 1", NULL))
		return -1;
	for (int i = 0; cacheable && i < COUNT_CACHE_SLOTS; i++) {
		if (count_cache[i].gen == gen && strcmp(count_cache[i].key, key) == 0) {
			*total = count_cache[i].total;
			return 0;
		}
	}
	st = qb_prepare(q, c->db, "SELECT count(*) FROM incoming_doc d", NULL, 0, 0, e);
	if (st == NULL)
		return -1;
	if ((step = db_step(st, e)) == DB_ROW)
		*total = db_col_int(st, 0);
	db_reset(st);
	if (step < 0)
		return -1;
	if (cacheable && gen >= 0) {
		struct count_slot *slot = &count_cache[count_next++ % COUNT_CACHE_SLOTS];
		slot->gen = gen;
		slot->total = *total;
		memcpy(slot->key, key, sizeof key);
	}
	return 0;
}

int incoming_list_text(struct dctx *c, const struct incoming_filter *f, struct buf *items,
                       int64_t *total, struct err *e)
{
	struct qb q;
	struct db_stmt *st;
	char today[DATE_STR_MAX];
	int rc = -1, step;

	docs_today(c, today);
	qb_init(&q);
	qb_int(&q, "d.org_id = $?", c->who->org_id);
	if (f->year > 0)
		qb_int(&q, "d.year = $?", f->year);
	if (f->state >= 0)
		qb_text(&q, "d.state = $?", in_state_codes[f->state]);
	if (f->doc_type)
		qb_text(&q, "d.doc_type = $?", f->doc_type);
	if (f->secrecy >= 0)
		qb_text(&q, "d.secrecy = $?", secrecy_codes[f->secrecy]);
	if (f->dept_id > 0)
		qb_int(&q,
		       "d.id IN (SELECT doc_id FROM incoming_assignment WHERE department_id = $?)",
		       f->dept_id);
	if (f->overdue) {
		qb_text(&q, "d.due_date < $?", today);
		qb_raw(&q, "d.state IN ('registered', 'reviewed', 'proposed', 'instructed',"
		           " 'handling', 'circulating')");
	}
	/* need-to-know inside the query, so the total counts only what the caller may see */
	docs_qb_visible(&q, c->who, DOC_KIND_INCOMING, f->mine);
	if (count_cached(c, &q, total, e))
		goto out;
	/* the total is exact (same snapshot): a page past it has no rows, no need to look */
	if (*total <= f->offset) {
		buf_adds(items, "[]");
		rc = 0;
		goto out;
	}
	st = qb_prepare(&q, c->db, "SELECT " IN_COLS " FROM incoming_doc d",
	                " ORDER BY d.id DESC LIMIT $L OFFSET $O", f->limit, f->offset, e);
	if (st == NULL)
		goto out;
	buf_addc(items, '[');
	for (int n = 0; (step = db_step(st, e)) == DB_ROW; n++) {
		if (n)
			buf_addc(items, ',');
		incoming_row_write(items, st, today);
	}
	buf_addc(items, ']');
	db_reset(st);
	if (step < 0)
		goto out;
	rc = 0;
out:
	qb_free(&q);
	return rc;
}

int incoming_list(struct dctx *c, const struct incoming_filter *f, json_t **items, int64_t *total,
                  struct err *e)
{
	struct buf text = BUF_INIT;

	return docs_list_json(incoming_list_text(c, f, &text, total, e), &text, items, e);
}
