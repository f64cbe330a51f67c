/*
 * outgoing_approval.c - the approval half of 发文 (domain.md §1 拟制): 部门审核 → 办公室核稿 →
 * 会签 (each involved department's head; all must sign) → 分管领导审核 → 签发, with returns to
 * the drafter or to an earlier step. Table-driven; the rest of the module talks to it only
 * through out_approval_* (docs_int.h), so the approval engine can take it over later.
 *
 * Who acts (and gets the 待办):
 *   部门审核      the head of the 主办科室
 *   办公室核稿    an office director
 *   会签          the head of each countersigning department
 *   分管领导审核  a leader (待办: the department's 分管领导, else every leader)
 *   签发          the 检察长 (chief); 平行文/下行文 also a leader; 上行文 only the chief, or a
 * leader signing on the chief's authority (代, recorded on the sheet as 李红梅（代张建国）)
 */
#include "docs/docs_int.h"
#include "docs/acl.h"
#include "core/timeutil.h"
#include "workflow/workflow.h"

#include <stdio.h>
#include <string.h>

#define STEP_PEOPLE_MAX 16

static const char *const step_names[OUT_STATE_COUNT] = {
    [OUT_DRAFT] = "修改",       [OUT_DEPT_REVIEW] = "部门审核",   [OUT_OFFICE_REVIEW] = "核稿",
    [OUT_COUNTERSIGN] = "会签", [OUT_LEADER_REVIEW] = "领导审核", [OUT_SIGNING] = "签发",
};

bool out_is_approval_state(int state)
{
	return state >= OUT_DEPT_REVIEW && state <= OUT_SIGNING;
}

static int out_todo(struct dctx *c, struct out_doc *d, int64_t user, const char *step,
                    struct err *e)
{
	return docs_todo(c, DOC_KIND_OUTGOING, d->id, user, d->title, step, NULL, e);
}

static int out_notice(struct dctx *c, struct out_doc *d, int64_t user, const char *kind,
                      const char *what, const char *body, struct err *e)
{
	char title[FIELD_TITLE_MAX + 160];

	snprintf(title, sizeof title, "%s：%s", what, d->title);
	return docs_notice(c, user, kind, DOC_KIND_OUTGOING, d->id, title, body, e);
}

static int pending_countersigns(struct dctx *c, struct out_doc *d, int64_t *n, struct err *e)
{
	return db_query_int(c->db, e, n, NULL,
	                    "SELECT count(*) FROM outgoing_countersign WHERE doc_id = $1"
	                    " AND state = 'pending'",
	                    "I", d->id);
}

/* The people whose turn it is in a state (for their 待办 and acl rows). */
static int step_people(struct dctx *c, struct out_doc *d, int state, int64_t *ids, size_t max,
                       size_t *n, struct err *e)
{
	int64_t id = 0;
	bool found;
	struct db_stmt *st;
	int rc = DB_DONE;

	*n = 0;
	switch (state) {
	case OUT_DRAFT:
		ids[(*n)++] = d->drafter_id;
		return 0;
	case OUT_DEPT_REVIEW:
		if (docs_dept_head(c->db, d->org_id, d->dept_id, &id, e))
			return -1;
		if (id > 0)
			ids[(*n)++] = id;
		return 0;
	case OUT_OFFICE_REVIEW:
		return docs_users_with_role(c->db, d->org_id, "office_director", ids, max, n, e);
	case OUT_COUNTERSIGN:
		st = db_query(c->db, e,
		              "SELECT department_id FROM outgoing_countersign WHERE doc_id = $1"
		              " AND state = 'pending' ORDER BY id",
		              "I", d->id);
		if (st == NULL)
			return -1;
		while (*n < max && (rc = db_step(st, e)) == DB_ROW) {
			int64_t head;
			int64_t dept = db_col_int(st, 0);
			struct err e2 = ERR_INIT;
			if (docs_dept_head(c->db, d->org_id, dept, &head, &e2) == 0 && head > 0)
				ids[(*n)++] = head;
		}
		db_reset(st);
		return rc < 0 ? -1 : 0;
	case OUT_LEADER_REVIEW:
		if (db_query_int(c->db, e, &id, &found,
		                 "SELECT coalesce(leader_id, 0) FROM department WHERE id = $1", "I",
		                 d->dept_id))
			return -1;
		if (id > 0) {
			ids[(*n)++] = id;
			return 0;
		}
		return docs_users_with_role(c->db, d->org_id, "leader", ids, max, n, e);
	case OUT_SIGNING:
		if (d->signer_id > 0) { /* a changed text goes back to the one who signed it */
			ids[(*n)++] = d->signer_id;
			return 0;
		}
		return docs_users_with_role(c->db, d->org_id, "chief", ids, max, n, e);
	default:
		return 0;
	}
}

/* Enters an approval state (or the draft): state, acl rows and 待办 for the people of the step. */
static int enter(struct dctx *c, struct out_doc *d, int state, struct err *e)
{
	int64_t ids[STEP_PEOPLE_MAX + DOCS_COUNTERSIGN_MAX];
	size_t n;

	if (out_set_state(c, d, state, e) ||
	    step_people(c, d, state, ids, sizeof ids / sizeof ids[0], &n, e))
		return -1;
	for (size_t i = 0; i < n; i++)
		if (docs_acl_grant(c->db, d->org_id, DOC_KIND_OUTGOING, d->id, ids[i],
		                   state == OUT_COUNTERSIGN ? "countersign" : "review", e) ||
		    out_todo(c, d, ids[i], step_names[state], e))
			return -1;
	return 0;
}

static int next_state(struct dctx *c, struct out_doc *d, int from, int *to, struct err *e)
{
	int64_t pending;

	switch (from) {
	case OUT_DEPT_REVIEW:
		*to = OUT_OFFICE_REVIEW;
		return 0;
	case OUT_OFFICE_REVIEW:
		if (pending_countersigns(c, d, &pending, e))
			return -1;
		*to = pending > 0 ? OUT_COUNTERSIGN : OUT_LEADER_REVIEW;
		return 0;
	case OUT_COUNTERSIGN:
		*to = OUT_LEADER_REVIEW;
		return 0;
	case OUT_LEADER_REVIEW:
		*to = OUT_SIGNING;
		return 0;
	default:
		return err_internal(e, "no next state after %d", from);
	}
}

/* The caller's pending countersign row (as head of that department); 0 if none. */
static int my_countersign(struct dctx *c, struct out_doc *d, int64_t *row, struct err *e)
{
	bool found;

	*row = 0;
	if (db_query_int(
	        c->db, e, row, &found,
	        "SELECT cs.id FROM outgoing_countersign cs JOIN department dp"
	        " ON dp.id = cs.department_id WHERE cs.doc_id = $1 AND cs.state = 'pending'"
	        " AND (dp.head_id = $2 OR ($3 = 1 AND cs.department_id = $4))"
	        " ORDER BY cs.department_id = $4 DESC, cs.id LIMIT 1",
	        "IIiI", d->id, c->who->user_id, (c->who->roles & ROLE_DEPT_HEAD) ? 1 : 0,
	        c->who->department_id))
		return -1;
	if (!found)
		*row = 0;
	return 0;
}

/* May the caller act in the document's current approval state? */
static int may_review(struct dctx *c, struct out_doc *d, bool *ok, struct err *e)
{
	int64_t row;

	*ok = false;
	switch (d->state) {
	case OUT_DEPT_REVIEW:
		return docs_is_dept_head(c->db, c->who, d->dept_id, ok, e);
	case OUT_OFFICE_REVIEW:
		*ok = (c->who->roles & ROLE_OFFICE_DIRECTOR) != 0;
		return 0;
	case OUT_COUNTERSIGN:
		if (my_countersign(c, d, &row, e))
			return -1;
		*ok = row > 0;
		return 0;
	case OUT_LEADER_REVIEW:
		*ok = (c->who->roles & ROLES_LEADERS) != 0;
		return 0;
	case OUT_SIGNING:
		*ok = (c->who->roles & ROLES_LEADERS) != 0;
		return 0;
	default:
		return 0;
	}
}

int out_approval_start(struct dctx *c, struct out_doc *d, const char *opinion, struct err *e)
{
	if (d->state != OUT_DRAFT)
		return err_set(e, ERR_VALIDATION, "当前环节（%s）不能送审",
		               out_state_names[d->state]);
	if (c->who->user_id != d->drafter_id)
		return err_set(e, ERR_FORBIDDEN, "只有拟稿人可以送审");
	if (todo_close(c->db, DOC_KIND_OUTGOING, d->id, 0, NULL, e))
		return -1;
	return enter(c, d, OUT_DEPT_REVIEW, e);
}

static int approve(struct dctx *c, struct out_doc *d, struct err *e)
{
	int to = OUT_DRAFT;

	if (d->state == OUT_COUNTERSIGN || d->state == OUT_SIGNING)
		return err_set(e, ERR_VALIDATION, "当前环节请使用“%s”",
		               d->state == OUT_SIGNING ? "签发" : "会签");
	if (todo_close(c->db, DOC_KIND_OUTGOING, d->id, 0, step_names[d->state], e) ||
	    next_state(c, d, d->state, &to, e))
		return -1;
	return enter(c, d, to, e);
}

static int countersign(struct dctx *c, struct out_doc *d, const char *opinion, struct err *e)
{
	int64_t row, pending;

	if (d->state != OUT_COUNTERSIGN)
		return err_set(e, ERR_VALIDATION, "当前环节（%s）不是会签",
		               out_state_names[d->state]);
	if (my_countersign(c, d, &row, e))
		return -1;
	if (row == 0)
		return err_set(e, ERR_FORBIDDEN, "只有会签部门的负责人可以会签");
	if (db_execf(c->db, e,
	             "UPDATE outgoing_countersign SET state = 'signed', signer_id = $1,"
	             " signer_name = $2, opinion = $3, signed_at = $4 WHERE id = $5",
	             "IssII", c->who->user_id, c->who->name, opinion ? opinion : "", c->now,
	             row) < 0 ||
	    todo_close(c->db, DOC_KIND_OUTGOING, d->id, c->who->user_id, "会签", e) ||
	    pending_countersigns(c, d, &pending, e))
		return -1;
	if (pending > 0) /* everyone must sign before it moves on */
		return 0;
	return todo_close(c->db, DOC_KIND_OUTGOING, d->id, 0, "会签", e) ||
	               enter(c, d, OUT_LEADER_REVIEW, e)
	           ? -1
	           : 0;
}

static int sign(struct dctx *c, struct out_doc *d, const struct outgoing_action *a, struct err *e)
{
	char behalf[FIELD_NAME_MAX + 1] = "";
	bool chief = (c->who->roles & ROLE_CHIEF) != 0, behalf_chief = false;
	char today[DATE_STR_MAX];
	struct db_stmt *st;
	int rc;

	if (d->state != OUT_SIGNING)
		return err_set(e, ERR_VALIDATION, "当前环节（%s）不能签发",
		               out_state_names[d->state]);
	if (!(c->who->roles & ROLES_LEADERS))
		return err_set(e, ERR_FORBIDDEN, "只有院领导可以签发");
	if (a->on_behalf_id > 0) {
		if (a->on_behalf_id == c->who->user_id)
			return err_field(e, ERR_VALIDATION, "on_behalf_of", "不能代自己签发");
		st = db_query(
		    c->db, e,
		    "SELECT u.name, EXISTS (SELECT 1 FROM user_role r WHERE r.user_id = u.id"
		    " AND r.role = 'chief') FROM app_user u WHERE u.id = $1 AND u.org_id = $2"
		    " AND EXISTS (SELECT 1 FROM user_role r WHERE r.user_id = u.id"
		    " AND r.role IN ('chief', 'leader'))",
		    "II", a->on_behalf_id, d->org_id);
		if (st == NULL)
			return -1;
		if ((rc = db_step(st, e)) == DB_ROW) {
			snprintf(behalf, sizeof behalf, "%s", db_col_text(st, 0));
			behalf_chief = db_col_int(st, 1) != 0;
		}
		db_reset(st);
		if (rc < 0)
			return -1;
		if (rc != DB_ROW)
			return err_field(e, ERR_VALIDATION, "on_behalf_of",
			                 "被代签的须是本院院领导");
	}
	/* 上行文 are signed by the 主要领导 (条例 §... 签发人): the chief, or on the chief's
	 * authority */
	if (d->direction == DIR_UP && !chief && !behalf_chief)
		return err_set(e, ERR_FORBIDDEN,
		               "上行文须由检察长签发（其他院领导须注明代检察长签发）");
	docs_today(c, today);
	if (db_execf(c->db, e,
	             "UPDATE outgoing_doc SET signer_id = $1, signer_name = $2,"
	             " signer_behalf_name = $3, signed_at = $4, sign_date = $5 WHERE id = $6",
	             "IssIsI", c->who->user_id, c->who->name, behalf[0] ? behalf : NULL, c->now,
	             today, d->id) < 0 ||
	    todo_close(c->db, DOC_KIND_OUTGOING, d->id, 0, "签发", e))
		return -1;
	d->signer_id = c->who->user_id;
	if (out_set_state(c, d, d->numbered ? OUT_NUMBERED : OUT_SIGNED, e))
		return -1;
	return out_notice(c, d, d->drafter_id, "signed", "已签发", NULL, e);
}

static bool return_target_ok(int from, int to)
{
	return to == OUT_DRAFT || (out_is_approval_state(to) && to < from);
}

static int do_return(struct dctx *c, struct out_doc *d, const struct outgoing_action *a,
                     struct err *e)
{
	int to = a->return_to < 0 ? OUT_DRAFT : a->return_to;
	int64_t ids[STEP_PEOPLE_MAX + DOCS_COUNTERSIGN_MAX];
	size_t n;

	if (!return_target_ok(d->state, to))
		return err_field(e, ERR_VALIDATION, "to", "只能退回拟稿人或此前的审核环节");
	if (todo_close(c->db, DOC_KIND_OUTGOING, d->id, 0, NULL, e))
		return -1;
	/* a revised text must be countersigned again */
	if (to <= OUT_COUNTERSIGN &&
	    db_execf(c->db, e,
	             "UPDATE outgoing_countersign SET state = 'pending', signer_id = NULL,"
	             " signer_name = NULL, opinion = '', signed_at = NULL WHERE doc_id = $1",
	             "I", d->id) < 0)
		return -1;
	if (to == OUT_COUNTERSIGN) {
		int64_t pending;
		if (pending_countersigns(c, d, &pending, e))
			return -1;
		if (pending == 0)
			return err_field(e, ERR_VALIDATION, "to", "此稿没有会签部门");
	}
	if (enter(c, d, to, e) || step_people(c, d, to, ids, sizeof ids / sizeof ids[0], &n, e))
		return -1;
	if (to != OUT_DRAFT &&
	    out_notice(c, d, d->drafter_id, "returned", "发文被退回", a->opinion, e))
		return -1;
	for (size_t i = 0; i < n; i++)
		if (out_notice(c, d, ids[i], "returned",
		               to == OUT_DRAFT ? "发文退回修改" : "发文退回重审", a->opinion, e))
			return -1;
	return 0;
}

int out_approval_act(struct dctx *c, struct out_doc *d, const struct outgoing_action *a,
                     struct err *e)
{
	bool ok;

	if (a->action == OUT_ACT_SUBMIT)
		return out_approval_start(c, d, a->opinion, e);
	if (!out_is_approval_state(d->state))
		return err_set(e, ERR_VALIDATION, "当前环节（%s）不在审批中",
		               out_state_names[d->state]);
	if (a->action == OUT_ACT_COUNTERSIGN)
		return countersign(c, d, a->opinion, e);
	if (a->action == OUT_ACT_SIGN)
		return sign(c, d, a, e);
	if (may_review(c, d, &ok, e))
		return -1;
	if (!ok)
		return err_set(e, ERR_FORBIDDEN, "您无权办理“%s”环节", out_state_names[d->state]);
	if (a->action == OUT_ACT_APPROVE)
		return approve(c, d, e);
	if (a->action == OUT_ACT_RETURN) {
		if (a->opinion == NULL || *a->opinion == '\0')
			return err_field(e, ERR_VALIDATION, "opinion", "请填写退回理由");
		return do_return(c, d, a, e);
	}
	return err_set(e, ERR_VALIDATION, "未知的审批操作");
}

void out_approval_allowed(struct dctx *c, struct out_doc *d, json_t *actions)
{
	struct err ignored = ERR_INIT;
	bool ok = false;

	if (d->state == OUT_DRAFT && c->who->user_id == d->drafter_id) {
		json_array_append_new(actions, json_string("submit"));
		return;
	}
	if (!out_is_approval_state(d->state) || may_review(c, d, &ok, &ignored) || !ok)
		return;
	if (d->state == OUT_COUNTERSIGN)
		json_array_append_new(actions, json_string("countersign"));
	else if (d->state == OUT_SIGNING)
		json_array_append_new(actions, json_string("sign"));
	else
		json_array_append_new(actions, json_string("approve"));
	json_array_append_new(actions, json_string("return"));
}

int out_approval_resign(struct dctx *c, struct out_doc *d, struct err *e)
{
	int64_t signer = d->signer_id;

	if (db_execf(c->db, e,
	             "UPDATE outgoing_doc SET signer_name = NULL, signer_behalf_name = NULL,"
	             " signed_at = NULL, sign_date = NULL WHERE id = $1",
	             "I", d->id) < 0 ||
	    todo_close(c->db, DOC_KIND_OUTGOING, d->id, 0, NULL, e) || enter(c, d, OUT_SIGNING, e))
		return -1;
	return out_notice(c, d, signer, "returned", "签发后正文有实质修改，请重新签发", NULL, e);
}
