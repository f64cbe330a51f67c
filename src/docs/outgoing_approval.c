/*
 * outgoing_approval.c - the approval half of 发文 (domain.md §1 拟制) on the shared approval engine
 * (src/workflow): 部门审核 → 办公室核稿 → 会签 → 分管领导审核 → 签发, and 重新签发 after a
 * substantive change. The engine holds the chain (an org definition the office director edits), the
 * work items and their 待办; this file seeds the default chain, maps the 发文 route's approval
 * actions to engine actions, and listens to the engine to keep the document in step.
 *
 * The chain (definition "outgoing", seeded per org; step ids are the contract with this file):
 *   dept: 部门审核, the head of the 主办科室 (the instance's initiator department);
 *   office: 核稿, the office director(s);
 *   countersign: 会签, every involved department's head, all must approve. Rule "chosen" from
 *     部门负责人: the people are picked in advance from the 稿纸's 会签部门 (wf_preset) and kept
 *     current while the 稿纸 changes (wf_update); skipped when the form's countersign_count is 0;
 *   leader: 分管领导审核, the 分管领导 of the 主办科室;
 *   sign_up: 签发 of a 上行文 (form direction "up"), the 检察长;
 *   sign: 签发 of a 平行文 or 下行文, any 院领导 (or-sign).
 * Returns go to the drafter (the instance's initiator) or to a step already passed; after a
 * return to the drafter the chain restarts. A step id the office director adds maps to the
 * document's current review state.
 *
 * 代: another 院领导 may complete a 院领导's item on their authority (engine "on_behalf_of",
 * allowed by may_act_for). A 上行文 is signed by the 检察长 or on the chief's authority only; the
 * listener refuses any other signature, whichever route it came by.
 *
 * 重新签发 (definition "outgoing_resign"): a substantive change after 签发 starts a one-step
 * instance whose signer is chosen in advance: the one who signed. Approving signs again; the
 * signer's 退回 on the 发文 route is the engine's reject (back to the drafter). Returns to its
 * initiator and withdrawals are refused (there is nothing to resubmit: the text is the 稿纸's).
 *
 * The listener (every action, inside the action's transaction) writes what the 稿纸 shows: an
 * opinion row per step (approve, countersign, sign with 代, return), the 会签 rows, the signer,
 * the document state and version, acl rows for everyone who holds work now, and after 签发 the
 * office's 编号/校对 待办. Rejected, cancelled or withdrawn instances put the draft back in the
 * drafter's hands (拟稿); the next 送审 resubmits a returned or withdrawn instance and starts a
 * new one otherwise.
 */
#include "docs/docs_int.h"
#include "docs/acl.h"
#include "core/timeutil.h"
#include "workflow/workflow.h"

#include <stdio.h>
#include <string.h>

#define OUT_DEF_KEY    "outgoing"
#define OUT_RESIGN_KEY "outgoing_resign"
#define HOLDERS_MAX    64 /* people holding work at once (WF_ASSIGNEES_MAX) */

static const char out_def_json[] =
    "{\"key\":\"" OUT_DEF_KEY "\",\"name\":\"发文审批\",\"resubmit\":\"restart\",\"steps\":["
    "{\"id\":\"dept\",\"name\":\"部门审核\",\"kind\":\"single\","
    "\"assignee\":{\"rule\":\"dept_head\"}},"
    "{\"id\":\"office\",\"name\":\"核稿\",\"kind\":\"single\","
    "\"assignee\":{\"rule\":\"office_director\"}},"
    "{\"id\":\"countersign\",\"name\":\"会签\",\"kind\":\"countersign\","
    "\"assignee\":{\"rule\":\"chosen\",\"from\":{\"rule\":\"role\",\"role\":\"部门负责人\"}},"
    "\"condition\":{\"field\":\"countersign_count\",\"op\":\">\",\"value\":0}},"
    "{\"id\":\"leader\",\"name\":\"分管领导审核\",\"kind\":\"single\","
    "\"assignee\":{\"rule\":\"leader_in_charge\"}},"
    "{\"id\":\"sign_up\",\"name\":\"签发\",\"kind\":\"single\",\"assignee\":{\"rule\":\"chief\"},"
    "\"condition\":{\"field\":\"direction\",\"op\":\"==\",\"value\":\"up\"}},"
    "{\"id\":\"sign\",\"name\":\"签发\",\"kind\":\"or_sign\","
    "\"assignee\":{\"rule\":\"role\",\"role\":\"院领导\"},"
    "\"condition\":{\"field\":\"direction\",\"op\":\"!=\",\"value\":\"up\"}}]}";

static const char resign_def_json[] =
    "{\"key\":\"" OUT_RESIGN_KEY "\",\"name\":\"发文重新签发\",\"resubmit\":\"restart\","
    "\"steps\":[{\"id\":\"sign\",\"name\":\"签发\",\"kind\":\"single\","
    "\"assignee\":{\"rule\":\"chosen\",\"from\":{\"rule\":\"role\",\"role\":\"院领导\"}}}]}";

/* The document state of each step id of the chain (return targets are the reverse). */
static const struct {
	const char *step;
	int state;
} step_states[] = {
    {"dept", OUT_DEPT_REVIEW},     {"office", OUT_OFFICE_REVIEW}, {"countersign", OUT_COUNTERSIGN},
    {"leader", OUT_LEADER_REVIEW}, {"sign_up", OUT_SIGNING},      {"sign", OUT_SIGNING},
};

bool out_is_approval_state(int state)
{
	return state >= OUT_DEPT_REVIEW && state <= OUT_SIGNING;
}

static int state_of_step(const char *step, int current)
{
	for (size_t i = 0; i < sizeof step_states / sizeof step_states[0]; i++)
		if (strcmp(step_states[i].step, step) == 0)
			return step_states[i].state;
	return out_is_approval_state(current) ? current : OUT_OFFICE_REVIEW;
}

static const char *step_of_state(int state)
{
	for (size_t i = 0; i < sizeof step_states / sizeof step_states[0]; i++)
		if (step_states[i].state == state)
			return step_states[i].step;
	return NULL;
}

int out_approval_seed(struct db *db, int64_t org_id, struct err *e)
{
	return wf_def_seed(db, org_id, out_def_json, e) ||
	               wf_def_seed(db, org_id, resign_def_json, e)
	           ? -1
	           : 0;
}

/* ---- what the engine reads: the form and the people picked in advance ---- */

static json_t *out_form(struct dctx *c, const struct out_doc *d, struct err *e)
{
	json_t *depts = db_query_json(c->db, e, DOCS_COUNTERSIGN_MAX,
	                              "SELECT department_id FROM outgoing_countersign"
	                              " WHERE doc_id = $1 ORDER BY id",
	                              "I", d->id);
	json_t *ids, *row;
	size_t i;

	if (depts == NULL)
		return NULL;
	ids = json_array();
	json_array_foreach(depts, i, row)
	    json_array_append(ids, json_object_get(row, "department_id"));
	json_decref(depts);
	/* a count, not a boolean: the definition editor keeps numbers in conditions as numbers */
	return json_pack("{s:s, s:I, s:I, s:o}", "direction", direction_codes[d->direction],
	                 "department_id", (json_int_t)d->dept_id, "countersign_count",
	                 (json_int_t)json_array_size(ids), "countersign_departments", ids);
}

/* The heads of the 会签 departments, for the countersign step. */
static int countersign_heads(struct dctx *c, const struct out_doc *d, int64_t *heads, int *n,
                             struct err *e)
{
	int64_t depts[DOCS_COUNTERSIGN_MAX], head;
	struct db_stmt *st;
	int k = 0, rc;

	*n = 0;
	st =
	    db_query(c->db, e,
	             "SELECT department_id FROM outgoing_countersign WHERE doc_id = $1 ORDER BY id",
	             "I", d->id);
	if (st == NULL)
		return -1;
	while ((rc = db_step(st, e)) == DB_ROW && k < DOCS_COUNTERSIGN_MAX)
		depts[k++] = db_col_int(st, 0);
	db_reset(st);
	if (rc < 0)
		return -1;
	for (int i = 0; i < k; i++) {
		bool dup = false;
		if (docs_dept_head(c->db, d->org_id, depts[i], &head, e))
			return -1;
		if (head == 0)
			return err_field(e, ERR_VALIDATION, "countersign_department_ids",
			                 "会签部门没有负责人，请先在组织机构中设置");
		for (int j = 0; j < *n; j++)
			dup = dup || heads[j] == head;
		if (!dup)
			heads[(*n)++] = head;
	}
	return 0;
}

/* The document's instance (the latest; 0 when none) and its view for the caller. */
static int instance_of(struct dctx *c, const struct out_doc *d, struct wf_view *v, struct err *e)
{
	int64_t id;

	memset(v, 0, sizeof *v);
	if (wf_instance_of(c->db, d->org_id, DOC_KIND_OUTGOING, d->id, &id, e))
		return -1;
	return id ? wf_view(c->db, c->who, id, v, e) : 0;
}

int out_approval_instance(struct dctx *c, const struct out_doc *d, int64_t *id, struct err *e)
{
	return wf_instance_of(c->db, d->org_id, DOC_KIND_OUTGOING, d->id, id, e);
}

int out_approval_sync(struct dctx *c, struct out_doc *d, struct err *e)
{
	int64_t heads[DOCS_COUNTERSIGN_MAX];
	struct wf_preset p = {"countersign", 0, heads};
	struct wf_view v;
	json_t *form;
	int rc;

	if (instance_of(c, d, &v, e))
		return -1;
	if (v.id == 0 || strcmp(v.def_key, OUT_DEF_KEY) != 0 || v.state == WF_APPROVED ||
	    v.state == WF_REJECTED || v.state == WF_CANCELLED)
		return 0;
	if (countersign_heads(c, d, heads, &p.n, e) || (form = out_form(c, d, e)) == NULL)
		return -1;
	rc = wf_update(c->db, d->org_id, v.id, form, &p, 1, e);
	json_decref(form);
	return rc;
}

/* ---- the route's side: 送审 and the approval actions ---- */

/* A call through the 发文 route hands the listener its context: the caller and its clock (the
 * demo replays a year), and the 送审 opinion (wf_start takes none). */
static _Thread_local const struct dctx *route_ctx;
static _Thread_local const char *route_opinion;

static int act_engine(struct dctx *c, int64_t instance_id, json_t *body, const char *opinion,
                      struct err *e)
{
	int rc;

	route_ctx = c;
	route_opinion = opinion;
	rc = wf_act(c->db, c->who, instance_id, body, NULL, e);
	route_ctx = NULL;
	route_opinion = NULL;
	json_decref(body);
	return rc;
}

static int submit(struct dctx *c, struct out_doc *d, const char *opinion, struct err *e)
{
	int64_t heads[DOCS_COUNTERSIGN_MAX], id;
	struct wf_preset p = {"countersign", 0, heads};
	struct principal initiator = *c->who;
	struct wf_view v;
	json_t *form;
	int rc;

	if (d->state != OUT_DRAFT)
		return err_set(e, ERR_VALIDATION, "当前环节（%s）不能送审",
		               out_state_names[d->state]);
	if (c->who->user_id != d->drafter_id)
		return err_set(e, ERR_FORBIDDEN, "只有拟稿人可以送审");
	if (todo_close(c->db, DOC_KIND_OUTGOING, d->id, 0, NULL, e) ||
	    out_approval_seed(c->db, d->org_id, e) || instance_of(c, d, &v, e) ||
	    countersign_heads(c, d, heads, &p.n, e) || (form = out_form(c, d, e)) == NULL)
		return -1;
	if (v.may_resubmit && strcmp(v.def_key, OUT_DEF_KEY) == 0) {
		if (wf_update(c->db, d->org_id, v.id, form, &p, 1, e)) {
			json_decref(form);
			return -1;
		}
		json_decref(form);
		return act_engine(c, v.id, json_pack("{s:s}", "action", "resubmit"), opinion, e);
	}
	/* the 主办科室 is the initiator's department: its head reviews, its 分管领导 approves */
	initiator.department_id = d->dept_id;
	route_ctx = c;
	route_opinion = opinion;
	rc = wf_start_preset(c->db, &initiator, OUT_DEF_KEY, DOC_KIND_OUTGOING, d->id, d->title,
	                     form, &p, 1, &id, e);
	route_ctx = NULL;
	route_opinion = NULL;
	json_decref(form);
	return rc;
}

/* A leader of the org (chief or 分管院领导)? *chief says whether the 检察长. */
static int leader_of_org(struct db *db, int64_t org_id, int64_t user, bool *leader, bool *chief,
                         struct err *e)
{
	int64_t roles = 0;
	bool found;

	*leader = *chief = false;
	if (db_query_int(db, e, &roles, &found,
	                 "SELECT sum(CASE r.role WHEN 'chief' THEN 2 ELSE 1 END) FROM app_user u"
	                 " JOIN user_role r ON r.user_id = u.id WHERE u.id = $1 AND u.org_id = $2"
	                 " AND r.role IN ('chief', 'leader')",
	                 "II", user, org_id))
		return -1;
	*leader = found && roles > 0;
	*chief = found && roles >= 2;
	return 0;
}

static int sign_checks(struct dctx *c, struct out_doc *d, const struct outgoing_action *a,
                       struct err *e)
{
	bool leader, chief = (c->who->roles & ROLE_CHIEF) != 0;

	if (d->state != OUT_SIGNING)
		return err_set(e, ERR_VALIDATION, "当前环节（%s）不能签发",
		               out_state_names[d->state]);
	if (!(c->who->roles & ROLES_LEADERS))
		return err_set(e, ERR_FORBIDDEN, "只有院领导可以签发");
	if (a->on_behalf_id > 0) {
		if (a->on_behalf_id == c->who->user_id)
			return err_field(e, ERR_VALIDATION, "on_behalf_of", "不能代自己签发");
		if (leader_of_org(c->db, d->org_id, a->on_behalf_id, &leader, &chief, e))
			return -1;
		if (!leader)
			return err_field(e, ERR_VALIDATION, "on_behalf_of",
			                 "被代签的须是本院院领导");
	}
	/* 上行文 are signed by the 主要领导: the chief, or on the chief's authority */
	if (d->direction == DIR_UP && !chief)
		return err_set(e, ERR_FORBIDDEN,
		               "上行文须由检察长签发（其他院领导须注明代检察长签发）");
	return 0;
}

/* The engine body of an approval action on the route. */
static json_t *engine_body(struct dctx *c, struct out_doc *d, const struct wf_view *v,
                           const struct outgoing_action *a, struct err *e)
{
	bool resign = strcmp(v->def_key, OUT_RESIGN_KEY) == 0;
	const char *to;
	json_t *body;

	switch (a->action) {
	case OUT_ACT_APPROVE:
		if (d->state == OUT_COUNTERSIGN || d->state == OUT_SIGNING) {
			err_set(e, ERR_VALIDATION, "当前环节请使用“%s”",
			        d->state == OUT_SIGNING ? "签发" : "会签");
			return NULL;
		}
		return json_pack("{s:s}", "action", "approve");
	case OUT_ACT_COUNTERSIGN:
		if (d->state != OUT_COUNTERSIGN) {
			err_set(e, ERR_VALIDATION, "当前环节（%s）不是会签",
			        out_state_names[d->state]);
			return NULL;
		}
		return json_pack("{s:s}", "action", "approve");
	case OUT_ACT_SIGN:
		if (sign_checks(c, d, a, e))
			return NULL;
		body = json_pack("{s:s}", "action", "approve");
		if (a->on_behalf_id > 0)
			json_object_set_new(body, "on_behalf_of", json_integer(a->on_behalf_id));
		return body;
	case OUT_ACT_RETURN:
		if (resign) { /* the signer does not sign the changed text: back to the drafter */
			if (a->return_to >= 0) {
				err_field(e, ERR_VALIDATION, "to", "重新签发时只能退回拟稿人");
				return NULL;
			}
			return json_pack("{s:s}", "action", "reject");
		}
		to = a->return_to < 0 ? "initiator" : step_of_state(a->return_to);
		if (to == NULL || (a->return_to >= 0 && a->return_to >= d->state)) {
			err_field(e, ERR_VALIDATION, "to", "只能退回拟稿人或此前的审核环节");
			return NULL;
		}
		return json_pack("{s:s, s:s}", "action", "return", "to", to);
	default:
		err_set(e, ERR_VALIDATION, "未知的审批操作");
		return NULL;
	}
}

int out_approval_act(struct dctx *c, struct out_doc *d, const struct outgoing_action *a,
                     struct err *e)
{
	struct wf_view v;
	json_t *body;

	if (a->action == OUT_ACT_SUBMIT)
		return submit(c, d, a->opinion, e);
	if (!out_is_approval_state(d->state))
		return err_set(e, ERR_VALIDATION, "当前环节（%s）不在审批中",
		               out_state_names[d->state]);
	if (instance_of(c, d, &v, e))
		return -1;
	if (v.id == 0 || v.state != WF_RUNNING)
		return err_set(e, ERR_CONFLICT, "此发文没有进行中的审批流程，请刷新后重试");
	if ((body = engine_body(c, d, &v, a, e)) == NULL)
		return -1;
	if (a->opinion)
		json_object_set_new(body, "opinion", json_string(a->opinion));
	return act_engine(c, v.id, body, NULL, e);
}

void out_approval_allowed(struct dctx *c, struct out_doc *d, json_t *actions)
{
	struct err ignored = ERR_INIT;
	struct wf_view v;

	if (d->state == OUT_DRAFT && c->who->user_id == d->drafter_id) {
		json_array_append_new(actions, json_string("submit"));
		return;
	}
	if (!out_is_approval_state(d->state) || instance_of(c, d, &v, &ignored))
		return;
	if (v.holds) {
		json_array_append_new(actions,
		                      json_string(d->state == OUT_COUNTERSIGN ? "countersign"
		                                  : d->state == OUT_SIGNING   ? "sign"
		                                                              : "approve"));
		json_array_append_new(actions, json_string("return"));
	} else if (d->state == OUT_SIGNING && (c->who->roles & ROLES_LEADERS)) {
		json_array_append_new(actions,
		                      json_string("sign")); /* on someone's authority (代) */
	}
}

int out_approval_resign(struct dctx *c, struct out_doc *d, struct err *e)
{
	int64_t signer = d->signer_id, id;
	struct wf_preset p = {"sign", 1, &signer};
	char title[FIELD_TITLE_MAX + 160];
	json_t *form;
	int rc;

	if (db_execf(c->db, e,
	             "UPDATE outgoing_doc SET signer_name = NULL, signer_behalf_name = NULL,"
	             " signed_at = NULL, sign_date = NULL WHERE id = $1",
	             "I", d->id) < 0 ||
	    todo_close(c->db, DOC_KIND_OUTGOING, d->id, 0, NULL, e) ||
	    out_approval_seed(c->db, d->org_id, e) || (form = out_form(c, d, e)) == NULL)
		return -1;
	route_ctx = c;
	rc = wf_start_preset(c->db, c->who, OUT_RESIGN_KEY, DOC_KIND_OUTGOING, d->id, d->title,
	                     form, &p, 1, &id, e);
	route_ctx = NULL;
	json_decref(form);
	if (rc)
		return -1;
	d->state = OUT_SIGNING; /* the listener moved it */
	snprintf(title, sizeof title, "签发后正文有实质修改，请重新签发：%s", d->title);
	return docs_notice(c, signer, "returned", DOC_KIND_OUTGOING, d->id, title, NULL, e);
}

/* ---- the listener: the engine moved, the document follows ---- */

/* Everyone holding work in the instance now may see the document. */
static int grant_holders(struct db *db, int64_t org_id, int64_t doc_id, int64_t instance_id,
                         const char *reason, struct err *e)
{
	int64_t ids[HOLDERS_MAX];
	struct db_stmt *st;
	int n = 0, rc;

	st = db_query(db, e,
	              "SELECT user_id FROM todo WHERE instance_id = $1"
	              " AND state IN ('pending', 'waiting')",
	              "I", instance_id);
	if (st == NULL)
		return -1;
	while ((rc = db_step(st, e)) == DB_ROW && n < HOLDERS_MAX)
		ids[n++] = db_col_int(st, 0);
	db_reset(st);
	if (rc < 0)
		return -1;
	for (int i = 0; i < n; i++)
		if (docs_acl_grant(db, org_id, DOC_KIND_OUTGOING, doc_id, ids[i], reason, e))
			return -1;
	return 0;
}

static int opinion(struct dctx *c, const struct out_doc *d, const char *action, const char *step,
                   const char *text, int64_t behalf, int from, json_t *detail, struct err *e)
{
	return docs_opinion_add(c,
	                        &(struct opinion_new){.kind = DOC_KIND_OUTGOING,
	                                              .doc_id = d->id,
	                                              .action = action,
	                                              .step = step,
	                                              .opinion = text,
	                                              .on_behalf_id = behalf,
	                                              .from_state = out_state_codes[from],
	                                              .to_state = out_state_codes[d->state],
	                                              .detail = detail},
	                        e);
}

/* 会签: the row of the department the actor heads records their opinion. */
static int countersign_row(struct dctx *c, const struct out_doc *d, const char *text, struct err *e)
{
	int64_t row = 0;
	bool found;

	if (db_query_int(
	        c->db, e, &row, &found,
	        "SELECT cs.id FROM outgoing_countersign cs JOIN department dp"
	        " ON dp.id = cs.department_id WHERE cs.doc_id = $1 AND cs.state = 'pending'"
	        " AND (dp.head_id = $2 OR ($3 = 1 AND cs.department_id = $4))"
	        " ORDER BY cs.department_id = $4 DESC, cs.id LIMIT 1",
	        "IIiI", d->id, c->who->user_id, (c->who->roles & ROLE_DEPT_HEAD) ? 1 : 0,
	        c->who->department_id))
		return -1;
	if (!found) /* an added or transferred signer: the opinion row is the record */
		return 0;
	return db_execf(c->db, e,
	                "UPDATE outgoing_countersign SET state = 'signed', signer_id = $1,"
	                " signer_name = $2, opinion = $3, signed_at = $4 WHERE id = $5",
	                "IssII", c->who->user_id, c->who->name, text ? text : "", c->now, row) < 0
	           ? -1
	           : 0;
}

/* 签发: the approval that ends the chain. */
static int signed_by(struct dctx *c, struct out_doc *d, const struct wf_change *ch, struct err *e)
{
	char behalf[FIELD_NAME_MAX + 1] = "", today[DATE_STR_MAX];
	bool leader = false, chief = (c->who->roles & ROLE_CHIEF) != 0, behalf_chief = false;
	int from = d->state;
	struct db_stmt *st;
	int rc;

	if (ch->behalf > 0) {
		if (leader_of_org(c->db, d->org_id, ch->behalf, &leader, &behalf_chief, e))
			return -1;
		st = db_query(c->db, e, "SELECT name FROM app_user WHERE id = $1", "I", ch->behalf);
		if (st == NULL)
			return -1;
		if ((rc = db_step(st, e)) == DB_ROW)
			snprintf(behalf, sizeof behalf, "%s", db_col_text(st, 0));
		db_reset(st);
		if (rc < 0)
			return -1;
	}
	if (d->direction == DIR_UP && !chief && !behalf_chief)
		return err_set(e, ERR_FORBIDDEN,
		               "上行文须由检察长签发（其他院领导须注明代检察长签发）");
	docs_today(c, today);
	if (db_execf(c->db, e,
	             "UPDATE outgoing_doc SET signer_id = $1, signer_name = $2,"
	             " signer_behalf_name = $3, signed_at = $4, sign_date = $5 WHERE id = $6",
	             "IssIsI", c->who->user_id, c->who->name, behalf[0] ? behalf : NULL, c->now,
	             today, d->id) < 0 ||
	    out_set_state(c, d, d->numbered ? OUT_NUMBERED : OUT_SIGNED, e) ||
	    out_clerk_todos(c, d, d->numbered ? "校对" : "编号", e))
		return -1;
	return opinion(c, d, "sign", "签发", ch->opinion, ch->behalf, from, NULL, e);
}

static int reset_countersign(struct dctx *c, const struct out_doc *d, struct err *e)
{
	return db_execf(c->db, e,
	                "UPDATE outgoing_countersign SET state = 'pending', signer_id = NULL,"
	                " signer_name = NULL, opinion = '', signed_at = NULL WHERE doc_id = $1",
	                "I", d->id) < 0
	           ? -1
	           : 0;
}

/* The chain went backwards (a return, a rejection, a withdrawal, a cancellation). */
static int went_back(struct dctx *c, struct out_doc *d, const struct wf_change *ch, int to,
                     struct err *e)
{
	bool resign = strcmp(ch->def_key, OUT_RESIGN_KEY) == 0;
	const char *action = ch->action;
	int from = d->state;
	json_t *detail = NULL;
	int rc;

	if (resign && ch->state != WF_REJECTED && ch->state != WF_CANCELLED)
		return err_set(e, ERR_VALIDATION, "重新签发时请签发，或退回拟稿人");
	/* a revised text must be countersigned again */
	if (to <= OUT_COUNTERSIGN && reset_countersign(c, d, e))
		return -1;
	if (to != d->state && out_set_state(c, d, to, e))
		return -1;
	if (strcmp(action, "reject") ==
	    0) { /* 不同意: the 稿纸 shows it as a return to the drafter */
		action = "return";
		detail = json_pack("{s:b}", "rejected", 1);
	}
	rc = opinion(c, d, action,
	             strcmp(action, "return") == 0     ? out_state_names[from]
	             : strcmp(action, "withdraw") == 0 ? "撤回"
	                                               : "取消审批",
	             ch->opinion, 0, from, detail, e);
	json_decref(detail);
	return rc;
}

/* Who acted, and when: the route's context, or the actor loaded (the engine's own route). */
static int actor_ctx(struct db *db, const struct wf_change *ch, struct principal *who,
                     struct dctx *c, struct err *e)
{
	bool found;

	if (route_ctx != NULL && route_ctx->who->user_id == ch->actor) {
		*c = *route_ctx;
		return 0;
	}
	if (principal_load(db, ch->actor, who, &found, e))
		return -1;
	if (!found)
		return err_set(e, ERR_NOT_FOUND, "用户不存在");
	*c = (struct dctx){.db = db, .who = who, .now = time_now()};
	return 0;
}

static int out_changed(struct db *db, const struct wf_change *ch, struct err *e)
{
	const char *a = ch->action;
	bool resign = strcmp(ch->def_key, OUT_RESIGN_KEY) == 0;
	struct principal who;
	struct out_doc d;
	struct dctx c;
	int from;

	if (strcmp(a, "tick") == 0 || strcmp(a, "remind") == 0 || ch->actor == 0)
		return grant_holders(db, ch->org_id, ch->object_id, ch->instance_id, "review", e);
	if (actor_ctx(db, ch, &who, &c, e) || out_doc_read(&c, ch->object_id, &d, e))
		return -1;
	from = d.state;
	if (strcmp(a, "submit") == 0 || strcmp(a, "resubmit") == 0) {
		if (out_set_state(&c, &d, state_of_step(ch->step_id, from), e) ||
		    (!resign &&
		     opinion(&c, &d, "submit", "送审", ch->opinion ? ch->opinion : route_opinion, 0,
		             from, NULL, e)))
			return -1;
	} else if (strcmp(a, "approve") == 0 && ch->state == WF_APPROVED) {
		if (signed_by(&c, &d, ch, e))
			return -1;
	} else if (strcmp(a, "approve") == 0) {
		bool cs = strcmp(ch->prev_step_id, "countersign") == 0;
		if ((cs && countersign_row(&c, &d, ch->opinion, e)) ||
		    out_set_state(&c, &d, state_of_step(ch->step_id, from), e) ||
		    opinion(&c, &d, cs ? "countersign" : "approve",
		            cs ? "会签" : out_state_names[from], ch->opinion, ch->behalf, from,
		            NULL, e))
			return -1;
	} else if (strcmp(a, "transfer") == 0 || strcmp(a, "add_signer") == 0) {
		json_t *detail = json_pack("{s:I}", "target", (json_int_t)ch->target);
		int rc = opinion(&c, &d, a, strcmp(a, "transfer") == 0 ? "转办" : "加签",
		                 ch->opinion, 0, from, detail, e);
		json_decref(detail);
		if (rc)
			return -1;
	} else if (ch->state == WF_RUNNING) { /* a return to an earlier step */
		if (went_back(&c, &d, ch, state_of_step(ch->step_id, from), e))
			return -1;
	} else if (went_back(&c, &d, ch, OUT_DRAFT, e)) {
		return -1;
	}
	return grant_holders(db, ch->org_id, ch->object_id, ch->instance_id,
	                     d.state == OUT_COUNTERSIGN ? "countersign" : "review", e);
}

static int out_visible(struct db *db, const struct principal *who, int64_t object_id, bool *ok,
                       struct err *e)
{
	return acl_can_see(db, who, DOC_KIND_OUTGOING, object_id, ok, e);
}

/* 代: a 院领导 for another 院领导. */
static int out_may_act_for(struct db *db, const struct principal *who, int64_t object_id,
                           const char *step_id, int64_t holder, bool *ok, struct err *e)
{
	bool leader, chief;

	*ok = false;
	if (!(who->roles & ROLES_LEADERS) || holder == who->user_id)
		return 0;
	if (leader_of_org(db, who->org_id, holder, &leader, &chief, e))
		return -1;
	*ok = leader;
	return 0;
}

static const struct wf_listener out_listener = {
    .module = DOC_KIND_OUTGOING,
    .changed = out_changed,
    .visible = out_visible,
    .may_act_for = out_may_act_for,
    .every_action = true,
};

void out_approval_register(void)
{
	if (wf_listener_for(DOC_KIND_OUTGOING) == NULL)
		wf_register_listener(&out_listener);
}
