/*
 * tasks_engine.c - 延期申请 and 报备审批 on the shared approval engine (src/workflow/workflow.h).
 *
 * Definitions (seeded per org with wf_def_seed the first time an org needs them, and by the demo;
 * the office director edits them like any other, new versions apply to new requests):
 *   task_extension  "延期审批": the item's 责任领导 (a 院领导), who is chosen for the step by the
 *                   module when the request is filed. A county 检察院 lets the leader responsible
 *                   for the item decide; an office that wants the 检察长 to decide long or repeated
 *                   extensions adds a step with a condition on the form's "days" or "extensions".
 *   task_filing     "报备审核" by the 办公室主任 (the 督查 office checks that the item is a matter
 *                   for supervision and is well formed), then "报备审批" by the 分管院领导 of the
 *                   filing department; approved, the item is 立项.
 * Forms (what the definitions' conditions read and the instance page shows):
 *   extension  {task_id, number, title, reason, old_deadline, new_deadline, days, extensions}
 *   filing     {task_id, title, lead_department, assigned_date, deadline, type, content}
 *
 * The listener (module TASK_KIND) is called by the engine inside the transaction of every action
 * that changes an instance's state or step; it keeps task_approval and applies the outcome:
 *   approved extension  deadline moved (parts due with the item move too), yellow_from recomputed,
 *                       extensions + 1, the responsible person's 办理 todo re-dated, requester told
 *   refused extension   nothing moves; the requester is told
 *   approved 报备        立项: 编号 taken, the creator gets the 交办 todo
 *   refused 报备         the item is 报备未通过
 *   cancelled           the request is withdrawn (a cancelled 报备 cancels its item)
 *   returned / resubmitted   recorded; a resubmitted extension is checked again: after the
 *                       deadline it is refused (延期须在时限届满前申请), so is a new deadline that
 *                       does not extend the current one
 * Each of these writes one history event of the item, with the actor and opinion of the engine
 * action, so the item's timeline is the same whichever page the approver used.
 *
 * The extension's step takes its approver from the item (its 责任领导) as a preset of the "chosen"
 * step (wf_start_preset); a definition the office director changed to name its approvers by a
 * rule ignores the preset.
 */
#include "tasks/tasks_private.h"
#include "core/log.h"
#include "core/timeutil.h"
#include "core/utf8.h"
#include "docs/acl.h"
#include "workflow/workflow.h"

#include <stdio.h>
#include <string.h>

#define DEF_EXTENSION    "task_extension"
#define DEF_FILING       "task_filing"
#define FORM_CONTENT_MAX 2000 /* bytes of the item's content copied into a 报备 form */
#define CANCEL_MAX       8    /* open requests of one item (one per kind, room to spare) */

static const char extension_def[] =
    "{\"key\":\"" DEF_EXTENSION "\",\"name\":\"督办事项延期审批\",\"resubmit\":\"restart\","
    "\"steps\":[{\"id\":\"leader\",\"name\":\"延期审批\",\"kind\":\"single\","
    "\"assignee\":{\"rule\":\"chosen\",\"from\":{\"rule\":\"role\",\"role\":\"院领导\"}},"
    "\"time_limit\":{\"days\":2},\"remind_before\":{\"hours\":2}}]}";

static const char filing_def[] =
    "{\"key\":\"" DEF_FILING "\",\"name\":\"督办事项报备审批\",\"resubmit\":\"continue\","
    "\"steps\":[{\"id\":\"office\",\"name\":\"报备审核\",\"kind\":\"single\","
    "\"assignee\":{\"rule\":\"office_director\"},\"time_limit\":{\"days\":2},"
    "\"remind_before\":{\"hours\":2}},"
    "{\"id\":\"leader\",\"name\":\"报备审批\",\"kind\":\"single\","
    "\"assignee\":{\"rule\":\"leader_in_charge\"},\"time_limit\":{\"days\":2},"
    "\"remind_before\":{\"hours\":2}}]}";

int tasks_defs_seed(struct db *db, int64_t org_id, struct err *e)
{
	return wf_def_seed(db, org_id, extension_def, e) || wf_def_seed(db, org_id, filing_def, e)
	           ? -1
	           : 0;
}

/* ---- the record of a request ---- */

struct req_row {
	int64_t id, task_id, requester_id;
	int old_deadline, new_deadline;
	bool extension, pending;
};

int tappr_pending(struct db *db, int64_t task_id, const char *kind, int64_t user_id,
                  struct tappr *out, bool *found, struct err *e)
{
	struct db_stmt *st = db_query(
	    db, e,
	    "SELECT a.id, coalesce(a.instance_id, 0), a.requester_id, coalesce(a.old_deadline, 0),"
	    " coalesce(a.new_deadline, 0), EXISTS (SELECT 1 FROM todo d WHERE d.instance_id ="
	    " a.instance_id AND d.user_id = $3 AND d.state = 'pending')"
	    " FROM task_approval a WHERE a.task_id = $1 AND a.kind = $2 AND a.state = 'pending'",
	    "IsI", task_id, kind, user_id);
	int rc;

	*found = false;
	memset(out, 0, sizeof *out);
	if (st == NULL)
		return -1;
	if ((rc = db_step(st, e)) == DB_ROW) {
		out->id = db_col_int(st, 0);
		out->task_id = task_id;
		out->instance_id = db_col_int(st, 1);
		out->requester_id = db_col_int(st, 2);
		out->old_deadline = (int)db_col_int(st, 3);
		out->new_deadline = (int)db_col_int(st, 4);
		out->holder = db_col_int(st, 5) != 0;
		*found = true;
	}
	db_reset(st);
	return rc < 0 ? -1 : 0;
}

static int record(struct db *db, const struct task_row *t, const char *kind, int64_t instance,
                  const struct principal *who, const char *reason, int old_deadline,
                  int new_deadline, struct err *e)
{
	struct db_stmt *st = db_query(
	    db, e,
	    "INSERT INTO task_approval (org_id, task_id, kind, state, requester_id, reason,"
	    " old_deadline, new_deadline, created_at, instance_id)"
	    " VALUES ($1, $2, $3, 'pending', $4, $5, $6, $7, $8, $9)"
	    " ON CONFLICT DO NOTHING RETURNING id",
	    "IIsIs", t->org_id, t->id, kind, who->user_id, reason ? reason : "");
	int rc;

	if (st == NULL)
		return -1;
	old_deadline > 0 ? db_bind_int(st, 6, old_deadline) : db_bind_null(st, 6);
	new_deadline > 0 ? db_bind_int(st, 7, new_deadline) : db_bind_null(st, 7);
	db_bind_int(st, 8, tasks_now());
	db_bind_int(st, 9, instance);
	rc = db_step(st, e);
	db_reset(st);
	if (rc < 0)
		return -1;
	return rc == DB_ROW ? 0
	                    : err_set(e, ERR_CONFLICT, "已有一项待审批的申请，请待审批后再提交");
}

/* ---- starting and deciding ---- */

static const struct wf_listener listener;

static int ready(struct db *db, int64_t org_id, struct err *e)
{
	if (wf_listener_for(TASK_KIND) != &listener)
		return err_internal(e, "督办: the approval listener is not registered");
	return tasks_defs_seed(db, org_id, e);
}

/* "<what>：督〔2026〕3号 标题", cut to what a todo title holds. */
static void instance_title(const struct task_row *t, const char *what, char out[TODO_TITLE_MAX + 1])
{
	char label[TASK_LABEL_MAX], full[TASK_LABEL_MAX + 64];
	size_t n;

	task_label(t, label);
	n = (size_t)snprintf(full, sizeof full, "%s：%s", what, label);
	n = utf8_truncate(full, n < sizeof full ? n : sizeof full - 1, TODO_TITLE_MAX);
	memcpy(out, full, n);
	out[n] = '\0';
}

int tappr_file(struct db *db, const struct principal *who, const struct task_row *t,
               const char *content, struct err *e)
{
	char title[TODO_TITLE_MAX + 1], a[DATE_STR_MAX], d[DATE_STR_MAX], dept[FIELD_NAME_MAX + 1];
	char summary[FORM_CONTENT_MAX + 1];
	size_t n = content ? utf8_truncate(content, strlen(content), FORM_CONTENT_MAX) : 0;
	struct db_stmt *st;
	json_t *form;
	int64_t inst = 0;
	int rc;

	if (ready(db, t->org_id, e))
		return -1;
	st = db_query(db, e, "SELECT name FROM department WHERE id = $1", "I", t->lead_dept_id);
	if (st == NULL)
		return -1;
	dept[0] = '\0';
	if ((rc = db_step(st, e)) == DB_ROW)
		snprintf(dept, sizeof dept, "%s", db_col_text(st, 0));
	db_reset(st);
	if (rc < 0)
		return -1;
	memcpy(summary, content ? content : "", n);
	summary[n] = '\0';
	date_format(t->assigned_date, a);
	date_format(t->deadline, d);
	instance_title(t, "督办报备", title);
	form = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s}", "task_id", (json_int_t)t->id,
	                 "title", t->title, "lead_department", dept, "assigned_date", a, "deadline",
	                 d, "type", t->complex ? "复杂" : "常规", "content", summary);
	if (form == NULL)
		return err_internal(e, "out of memory");
	rc = wf_start(db, who, DEF_FILING, TASK_KIND, t->id, title, form, &inst, e);
	json_decref(form);
	return rc || record(db, t, TAPPR_FILING, inst, who, content, 0, 0, e) ? -1 : 0;
}

int tappr_extend(struct db *db, const struct principal *who, const struct task_row *t,
                 const char *reason, int new_deadline, struct err *e)
{
	char title[TODO_TITLE_MAX + 1], od[DATE_STR_MAX], nd[DATE_STR_MAX];
	int64_t inst = 0, leader = t->leader_id;
	struct wf_preset preset = {.step_id = "leader", .n = 1, .users = &leader};
	json_t *form;
	int rc;

	if (ready(db, t->org_id, e))
		return -1;
	date_format(t->deadline, od);
	date_format(new_deadline, nd);
	instance_title(t, "延期申请", title);
	form = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:i, s:i}", "task_id", (json_int_t)t->id,
	                 "number", t->number, "title", t->title, "reason", reason ? reason : "",
	                 "old_deadline", od, "new_deadline", nd, "days", new_deadline - t->deadline,
	                 "extensions", t->extensions);
	if (form == NULL)
		return err_internal(e, "out of memory");
	rc = wf_start_preset(db, who, DEF_EXTENSION, TASK_KIND, t->id, title, form, &preset, 1,
	                     &inst, e);
	json_decref(form);
	return rc || record(db, t, TAPPR_EXTENSION, inst, who, reason, t->deadline, new_deadline, e)
	           ? -1
	           : 0;
}

int tappr_decide(struct db *db, const struct principal *who, const struct tappr *a, bool approve,
                 const char *opinion, struct err *e)
{
	json_t *body = json_pack("{s:s}", "action", approve ? "approve" : "reject");
	int rc;

	if (body == NULL)
		return err_internal(e, "out of memory");
	if (opinion && opinion[0])
		json_object_set_new(body, "opinion", json_string(opinion));
	rc = wf_act(db, who, a->instance_id, body, NULL, e);
	json_decref(body);
	return rc;
}

int tappr_cancel_all(struct db *db, const struct principal *who, int64_t task_id,
                     const char *reason, struct err *e)
{
	int64_t ids[CANCEL_MAX];
	size_t n = 0;
	struct principal office = *who;
	struct db_stmt *st = db_query(db, e,
	                              "SELECT instance_id FROM task_approval WHERE task_id = $1"
	                              " AND state = 'pending' AND instance_id IS NOT NULL"
	                              " ORDER BY id",
	                              "I", task_id);
	json_t *body;
	int rc;

	if (st == NULL)
		return -1;
	while ((rc = db_step(st, e)) == DB_ROW && n < CANCEL_MAX)
		ids[n++] = db_col_int(st, 0);
	db_reset(st);
	if (rc < 0)
		return -1;
	/* The rules allowed who to cancel the item; its open requests end with it, which the engine
	 * lets the initiator or the 督办 office do: act with the office's standing. */
	office.roles |= ROLE_OFFICE_DIRECTOR;
	body = json_pack("{s:s, s:s}", "action", "cancel", "opinion",
	                 reason && reason[0] ? reason : "督办事项已撤销");
	if (body == NULL)
		return err_internal(e, "out of memory");
	for (size_t i = 0; i < n && rc >= 0; i++)
		rc = wf_act(db, &office, ids[i], body, NULL, e) ? -1 : 0;
	json_decref(body);
	return rc < 0 ? -1 : 0;
}

/* ---- the listener ---- */

struct change {
	struct db *db;
	const struct wf_change *c;
	struct req_row a;
	struct task_row t;
	int64_t now;
	char actor[FIELD_NAME_MAX + 1];
};

static int load_request(struct change *x, bool *found, struct err *e)
{
	struct db_stmt *st = db_query(x->db, e,
	                              "SELECT id, task_id, requester_id, coalesce(old_deadline, 0),"
	                              " coalesce(new_deadline, 0), kind, state FROM task_approval"
	                              " WHERE instance_id = $1 AND org_id = $2",
	                              "II", x->c->instance_id, x->c->org_id);
	int rc;

	*found = false;
	if (st == NULL)
		return -1;
	if ((rc = db_step(st, e)) == DB_ROW) {
		x->a.id = db_col_int(st, 0);
		x->a.task_id = db_col_int(st, 1);
		x->a.requester_id = db_col_int(st, 2);
		x->a.old_deadline = (int)db_col_int(st, 3);
		x->a.new_deadline = (int)db_col_int(st, 4);
		x->a.extension = strcmp(db_col_text(st, 5), TAPPR_EXTENSION) == 0;
		x->a.pending = strcmp(db_col_text(st, 6), "pending") == 0;
		*found = true;
	}
	db_reset(st);
	return rc < 0 ? -1 : 0;
}

static int close_request(struct change *x, const char *state, struct err *e)
{
	struct db_stmt *st =
	    db_query(x->db, e,
	             "UPDATE task_approval SET state = $1, decided_by = $2, decided_name = $3,"
	             " opinion = $4, decided_at = $5 WHERE id = $6",
	             "s", state);
	int rc;

	if (st == NULL)
		return -1;
	x->c->actor > 0 ? db_bind_int(st, 2, x->c->actor) : db_bind_null(st, 2);
	db_bind_text(st, 3, x->actor);
	db_bind_text(st, 4, x->c->opinion ? x->c->opinion : "");
	db_bind_int(st, 5, x->now);
	db_bind_int(st, 6, x->a.id);
	rc = db_step(st, e);
	db_reset(st);
	return rc < 0 ? -1 : 0;
}

static int event(struct change *x, const char *action, const char *from, const char *detail,
                 struct err *e)
{
	return task_event_add(x->db, x->t.id, x->now, x->c->actor, x->actor, action, from,
	                      task_state_codes[x->t.state], x->c->opinion, detail, NULL, e);
}

static int touch(struct change *x, struct err *e)
{
	return db_execf(x->db, e,
	                "UPDATE task SET version = version + 1, updated_at = $1 WHERE id = $2",
	                "II", x->now, x->t.id) < 0
	           ? -1
	           : 0;
}

static int extension_approved(struct change *x, struct err *e)
{
	int old = x->t.deadline, nd = x->a.new_deadline, yellow;
	char detail[DATE_STR_MAX];

	if (task_yellow_from(x->db, x->t.org_id, x->t.assigned_date, nd, &yellow, e))
		return -1;
	/* parts that were due with the item move with it */
	if (db_execf(x->db, e,
	             "UPDATE task_part SET deadline = $1, yellow_from = $2 WHERE task_id = $3"
	             " AND deadline = $4",
	             "iiIi", nd, yellow, x->t.id, old) < 0 ||
	    db_execf(x->db, e,
	             "UPDATE task SET deadline = $1, yellow_from = $2, extensions = extensions + 1"
	             " WHERE id = $3",
	             "iiI", nd, yellow, x->t.id) < 0)
		return -1;
	x->t.deadline = nd;
	if (todo_close(x->db, TASK_KIND, x->t.id, x->t.responsible_id, "办理", e) ||
	    (x->t.state == TS_IN_PROGRESS &&
	     task_todo(x->db, &x->t, x->t.responsible_id, "办理", nd, e)))
		return -1;
	date_format(nd, detail);
	return close_request(x, "approved", e) || touch(x, e) ||
	               event(x, "approve_extension", task_state_codes[x->t.state], detail, e) ||
	               task_notify(x->db, &x->t, x->a.requester_id, "approved", "延期申请已批准",
	                           x->c->opinion, e)
	           ? -1
	           : 0;
}

static int extension_refused(struct change *x, struct err *e)
{
	return close_request(x, "refused", e) || touch(x, e) ||
	               event(x, "refuse_extension", task_state_codes[x->t.state], "", e) ||
	               task_notify(x->db, &x->t, x->a.requester_id, "refused", "延期申请未获批准",
	                           x->c->opinion, e)
	           ? -1
	           : 0;
}

static int filing_decided(struct change *x, bool approved, struct err *e)
{
	if (x->t.state != TS_FILING)
		return err_set(e, ERR_CONFLICT, "该事项已不在报备审批中");
	if (close_request(x, approved ? "approved" : "refused", e) ||
	    task_set_state(x->db, &x->t, approved ? TS_REGISTERED : TS_REJECTED, x->now, e))
		return -1;
	if (approved && (task_take_number(x->db, &x->t, e) ||
	                 task_todo(x->db, &x->t, x->t.creator_id, "交办", 0, e)))
		return -1;
	return event(x, approved ? "approve_filing" : "refuse_filing", "filing",
	             approved ? x->t.number : "", e) ||
	               task_notify(x->db, &x->t, x->t.creator_id, approved ? "approved" : "refused",
	                           approved ? "报备已批准立项" : "报备未获批准", x->c->opinion, e)
	           ? -1
	           : 0;
}

/* The instance ended without a decision (cancelled by its initiator or with its item). */
static int request_cancelled(struct change *x, struct err *e)
{
	const char *from = task_state_codes[x->t.state];

	if (close_request(x, "withdrawn", e))
		return -1;
	if (x->t.state == TS_CANCELLED)
		return 0; /* the item's own cancellation is its record */
	if (!x->a.extension && x->t.state == TS_FILING &&
	    (task_set_state(x->db, &x->t, TS_CANCELLED, x->now, e) ||
	     todo_close(x->db, TASK_KIND, x->t.id, 0, NULL, e)))
		return -1;
	return touch(x, e) ||
	       event(x, x->a.extension ? "withdraw_extension" : "withdraw_filing", from, "", e);
}

/* A returned request sent again; an extension is checked again against the deadline. */
static int resubmitted(struct change *x, struct err *e)
{
	const char *nd_s = json_string_value(json_object_get(x->c->form, "new_deadline"));
	int nd = x->a.new_deadline;

	if (x->a.extension) {
		if (tasks_today() > x->t.deadline)
			return err_set(e, ERR_VALIDATION,
			               "已超过办理时限，不能再申请延期（延期须在时限届满前申请）");
		if (nd_s && date_parse(nd_s, &nd))
			return err_field(e, ERR_VALIDATION, "new_deadline",
			                 "延期后的办理时限不是有效日期");
		if (nd <= x->t.deadline)
			return err_field(e, ERR_VALIDATION, "new_deadline",
			                 "延期后的时限须晚于现办理时限");
		if (nd - x->t.assigned_date > TASK_SPAN_MAX_DAYS)
			return err_field(e, ERR_VALIDATION, "new_deadline",
			                 "办理时限距交办日期不能超过%d天", TASK_SPAN_MAX_DAYS);
		if (db_execf(x->db, e,
		             "UPDATE task_approval SET old_deadline = $1, new_deadline = $2"
		             " WHERE id = $3",
		             "iiI", x->t.deadline, nd, x->a.id) < 0)
			return -1;
	}
	return touch(x, e) || event(x, x->a.extension ? "resubmit_extension" : "resubmit_filing",
	                            task_state_codes[x->t.state], "", e);
}

static int apply(struct change *x, struct err *e)
{
	const struct wf_change *c = x->c;
	const char *kind = x->a.extension ? "extension" : "filing";
	char action[48];

	if (c->finished) {
		switch (c->state) {
		case WF_APPROVED:
			return x->a.extension ? extension_approved(x, e)
			                      : filing_decided(x, true, e);
		case WF_REJECTED:
			return x->a.extension ? extension_refused(x, e)
			                      : filing_decided(x, false, e);
		case WF_CANCELLED:
			return request_cancelled(x, e);
		default: /* withdrawn by the initiator: still open, it may be sent again */
			snprintf(action, sizeof action, "recall_%s", kind);
			return touch(x, e) || event(x, action, task_state_codes[x->t.state], "", e);
		}
	}
	if (c->state == WF_RETURNED) {
		snprintf(action, sizeof action, "return_%s", kind);
		return touch(x, e) || event(x, action, task_state_codes[x->t.state], "", e);
	}
	if (c->prev_state == WF_RETURNED || c->prev_state == WF_WITHDRAWN)
		return resubmitted(x, e);
	/* a step passed and the next one is active (报备审核 → 报备审批) */
	snprintf(action, sizeof action, "approve_%s_step", kind);
	return touch(x, e) || event(x, action, task_state_codes[x->t.state], c->step_name, e);
}

static int changed(struct db *db, const struct wf_change *c, struct err *e)
{
	struct change x = {.db = db, .c = c, .now = tasks_now()};
	bool found;

	if (strcmp(c->action, "submit") == 0)
		return 0; /* the module records the request it files */
	if (load_request(&x, &found, e))
		return -1;
	if (!found || !x.a.pending)
		return 0;
	if (task_load(db, c->org_id, x.a.task_id, &x.t, &found, e))
		return -1;
	if (!found)
		return 0;
	if (c->actor > 0) {
		if (task_user_name(db, c->actor, x.actor, e))
			return -1;
	} else {
		snprintf(x.actor, sizeof x.actor, "系统");
	}
	return apply(&x, e) || task_index(db, x.t.id, e) ? -1 : 0;
}

/* Whoever may see the item may see its requests. */
static int visible(struct db *db, const struct principal *who, int64_t object_id, bool *ok,
                   struct err *e)
{
	int64_t one;

	return db_query_int(
	    db, e, &one, ok,
	    "SELECT 1 FROM task t WHERE t.id = $1 AND t.org_id = $2 AND " ACL_VISIBLE_SQL(
	        "task", "t.id", "$3", "$4"),
	    "IIiI", object_id, who->org_id, acl_sees_all(who) ? 1 : 0, who->user_id);
}

static const struct wf_listener listener = {
    .module = TASK_KIND, .changed = changed, .visible = visible};

int tasks_engine_register(void)
{
	if (wf_listener_for(TASK_KIND) == &listener)
		return 0;
	if (wf_register_listener(&listener)) {
		log_error("督办: the approval listener could not be registered");
		return -1;
	}
	return 0;
}
