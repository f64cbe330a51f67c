/*
 * tasks.c - 督察督办 rules: 立项/报备, the life of an item, progress reports, need-to-know and the
 * item as JSON (see tasks.h for the states and the clock).
 */
#include "tasks/tasks_private.h"
#include "core/buf.h"
#include "core/log.h"
#include "core/timeutil.h"
#include "docs/acl.h"
#include "docs/docs.h"
#include "files/files.h"
#include "workflow/workflow.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const task_state_codes[TS_COUNT + 1] = {
    "filing",        "rejected", "registered", "assigned",  "in_progress", "reported",
    "leader_review", "closed",   "archived",   "cancelled", NULL};
const char *const task_state_names[TS_COUNT] = {
    "报备待批",     "报备未通过", "已立项",     "已交办", "办理中",
    "已报结待初审", "领导审阅",   "已办结销号", "已归档", "已撤销"};
const char *const task_source_codes[SRC_COUNT + 1] = {
    "party_group", "chief_meeting", "leader_instruction", "superior",
    "key_work",    "incoming",      "department",         NULL};
const char *const task_source_names[SRC_COUNT] = {
    "党组会决定", "检察长办公会", "领导批示", "上级交办", "重点工作", "收文批示", "部门自报"};
const char *const task_feedback_codes[FB_COUNT + 1] = {"none", "weekly", "monthly", "quarterly",
                                                       NULL};
const char *const task_feedback_names[FB_COUNT] = {"无需定期反馈", "每周", "每月", "每季度"};
const char *const task_light_codes[4] = {NULL, "green", "yellow", "red"};

int task_state_parse(const char *code)
{
	for (int i = 0; code && i < TS_COUNT; i++)
		if (strcmp(task_state_codes[i], code) == 0)
			return i;
	return -1;
}

static int code_index(const char *const *codes, const char *code)
{
	for (int i = 0; code && codes[i]; i++)
		if (strcmp(codes[i], code) == 0)
			return i;
	return 0;
}

/* ---- the clock ---- */

static _Atomic int64_t fake_now; /* 0 = real time */

void tasks_clock_init(void)
{
	const char *s = getenv("JIANWU_FAKE_NOW");
	int64_t t = 0;
	char *end;

	if (s == NULL || *s == '\0')
		return;
	if (time_parse_iso(s, &t) != 0) {
		t = strtoll(s, &end, 10);
		if (*end != '\0' || t <= 0) {
			log_warn("JIANWU_FAKE_NOW=%s is neither ISO 8601 nor Unix seconds; ignored",
			         s);
			return;
		}
	}
	atomic_store(&fake_now, t);
	log_warn("督办 clock fixed at JIANWU_FAKE_NOW=%s (test clock)", s);
}

int64_t tasks_now(void)
{
	int64_t t = atomic_load(&fake_now);
	return t ? t : time_now();
}

int tasks_today(void)
{
	return date_of_time(tasks_now());
}

bool tasks_clock_fake(void)
{
	return atomic_load(&fake_now) != 0;
}

void tasks_clock_set(int64_t t)
{
	atomic_store(&fake_now, t);
}

/* ---- shared helpers ---- */

#define TASK_COLS                                                                                  \
	"id, org_id, lead_dept_id, responsible_id, leader_id, creator_id, version, link_id, "      \
	"state,"                                                                                   \
	" source, feedback, type, filed, assigned_date, deadline, orig_deadline, yellow_from,"     \
	" done_date, closed_date, extensions, year, seq, number, title"

int task_load(struct db *db, int64_t org_id, int64_t id, struct task_row *t, bool *found,
              struct err *e)
{
	struct db_stmt *st =
	    db_query(db, e, "SELECT " TASK_COLS " FROM task WHERE id = $1 AND org_id = $2", "II",
	             id, org_id);
	int rc;

	*found = false;
	if (st == NULL)
		return -1;
	rc = db_step(st, e);
	if (rc == DB_ROW) {
		memset(t, 0, sizeof *t);
		t->id = db_col_int(st, 0);
		t->org_id = db_col_int(st, 1);
		t->lead_dept_id = db_col_int(st, 2);
		t->responsible_id = db_col_int(st, 3);
		t->leader_id = db_col_int(st, 4);
		t->creator_id = db_col_int(st, 5);
		t->version = db_col_int(st, 6);
		t->link_id = db_col_int(st, 7);
		t->state = (enum task_state)task_state_parse(db_col_text(st, 8));
		t->source = (enum task_source)code_index(task_source_codes, db_col_text(st, 9));
		t->feedback =
		    (enum task_feedback)code_index(task_feedback_codes, db_col_text(st, 10));
		t->complex = strcmp(db_col_text(st, 11), "complex") == 0;
		t->filed = db_col_int(st, 12) != 0;
		t->assigned_date = (int)db_col_int(st, 13);
		t->deadline = (int)db_col_int(st, 14);
		t->orig_deadline = (int)db_col_int(st, 15);
		t->yellow_from = (int)db_col_int(st, 16);
		t->done_date = db_col_is_null(st, 17) ? 0 : (int)db_col_int(st, 17);
		t->closed_date = db_col_is_null(st, 18) ? 0 : (int)db_col_int(st, 18);
		t->extensions = (int)db_col_int(st, 19);
		t->year = (int)db_col_int(st, 20);
		t->seq = (int)db_col_int(st, 21);
		snprintf(t->number, sizeof t->number, "%s",
		         db_col_text(st, 22) ? db_col_text(st, 22) : "");
		snprintf(t->title, sizeof t->title, "%s", db_col_text(st, 23));
		*found = (int)t->state >= 0;
	}
	db_reset(st);
	if (rc < 0)
		return -1;
	return 0;
}

void task_label(const struct task_row *t, char out[TASK_LABEL_MAX])
{
	if (t->number[0])
		snprintf(out, TASK_LABEL_MAX, "%s %s", t->number, t->title);
	else
		snprintf(out, TASK_LABEL_MAX, "%s", t->title);
}

int task_event_add(struct db *db, int64_t task_id, int64_t ts, int64_t actor_id,
                   const char *actor_name, const char *action, const char *from_state,
                   const char *to_state, const char *opinion, const char *detail, int64_t *event_id,
                   struct err *e)
{
	struct db_stmt *st =
	    db_query(db, e,
	             "INSERT INTO task_event (task_id, ts, actor_id, actor_name, action,"
	             " from_state, to_state, opinion, detail)"
	             " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
	             "II", task_id, ts);
	int rc;

	if (st == NULL)
		return -1;
	actor_id > 0 ? db_bind_int(st, 3, actor_id) : db_bind_null(st, 3);
	db_bind_text(st, 4, actor_name ? actor_name : "系统");
	db_bind_text(st, 5, action);
	db_bind_text(st, 6, from_state ? from_state : "");
	db_bind_text(st, 7, to_state ? to_state : "");
	db_bind_text(st, 8, opinion ? opinion : "");
	db_bind_text(st, 9, detail ? detail : "");
	rc = db_step(st, e);
	if (rc == DB_ROW && event_id)
		*event_id = db_col_int(st, 0);
	db_reset(st);
	return rc == DB_ROW ? 0
	                    : (rc < 0 ? -1 : err_internal(e, "task_event insert returned no id"));
}

int task_notify(struct db *db, const struct task_row *t, int64_t user_id, const char *kind,
                const char *what, const char *body, struct err *e)
{
	char label[TASK_LABEL_MAX], title[TASK_LABEL_MAX + 64];
	struct notice_new n = {.org_id = t->org_id,
	                       .user_id = user_id,
	                       .kind = kind,
	                       .title = title,
	                       .body = body,
	                       .object_kind = TASK_KIND,
	                       .object_id = t->id};

	if (user_id <= 0)
		return 0;
	task_label(t, label);
	snprintf(title, sizeof title, "%s：%s", what, label);
	return notice_add(db, &n, e);
}

int task_todo(struct db *db, const struct task_row *t, int64_t user_id, const char *step, int due,
              struct err *e)
{
	char label[TASK_LABEL_MAX];
	struct todo_new n = {.org_id = t->org_id,
	                     .user_id = user_id,
	                     .kind = TASK_KIND,
	                     .object_id = t->id,
	                     .title = label,
	                     .step = step,
	                     .due_date = due};

	if (user_id <= 0)
		return 0;
	task_label(t, label);
	return todo_add(db, &n, e);
}

int task_user_name(struct db *db, int64_t user_id, char *out, struct err *e)
{
	struct db_stmt *st =
	    db_query(db, e, "SELECT name FROM app_user WHERE id = $1", "I", user_id);
	int rc;

	out[0] = '\0';
	if (st == NULL)
		return -1;
	if ((rc = db_step(st, e)) == DB_ROW)
		snprintf(out, FIELD_NAME_MAX + 1, "%s", db_col_text(st, 0));
	db_reset(st);
	return rc < 0 ? -1 : 0;
}

static int grant(struct db *db, int64_t org_id, int64_t task_id, int64_t user_id,
                 const char *reason, struct err *e)
{
	return user_id > 0 ? docs_acl_grant(db, org_id, TASK_KIND, task_id, user_id, reason, e) : 0;
}

/* Every active member of every department with a part in the item sees it. */
static int grant_departments(struct db *db, int64_t org_id, int64_t task_id, struct err *e)
{
	return db_execf(db, e,
	                "INSERT INTO acl (org_id, kind, object_id, user_id, reason, created_at)"
	                " SELECT $1, 'task', $2, u.id, 'department', $3 FROM app_user u"
	                " WHERE u.org_id = $1 AND u.active = 1 AND u.department_id IN"
	                " (SELECT department_id FROM task_part WHERE task_id = $2)"
	                " ON CONFLICT DO NOTHING",
	                "III", org_id, task_id, time_now()) < 0
	           ? -1
	           : 0;
}

int task_check_visible(struct db *db, const struct principal *who, int64_t id, struct err *e)
{
	int64_t one;
	bool found;

	if (db_query_int(
	        db, e, &one, &found,
	        "SELECT 1 FROM task t WHERE t.id = $1 AND t.org_id = $2 AND " ACL_VISIBLE_SQL(
	            "task", "t.id", "$3", "$4"),
	        "IIiI", id, who->org_id, acl_sees_all(who) ? 1 : 0, who->user_id))
		return -1;
	return found ? 0 : err_set(e, ERR_NOT_FOUND, "督办事项不存在");
}

/* ---- 立项 / 报备 ---- */

struct person {
	int64_t department_id;
	unsigned roles;
	bool active;
};

static int load_person(struct db *db, int64_t org_id, int64_t user_id, struct person *p,
                       bool *found, struct err *e)
{
	struct db_stmt *st =
	    db_query(db, e,
	             "SELECT u.department_id, u.active,"
	             " (SELECT group_concat(role) FROM user_role WHERE user_id = u.id)"
	             " FROM app_user u WHERE u.id = $1 AND u.org_id = $2",
	             "II", user_id, org_id);
	struct err ignored = ERR_INIT;
	int rc;

	*found = false;
	if (st == NULL)
		return -1;
	if ((rc = db_step(st, e)) == DB_ROW) {
		p->department_id = db_col_int(st, 0);
		p->active = db_col_int(st, 1) != 0;
		p->roles = 0;
		role_parse_list(db_col_text(st, 2) ? db_col_text(st, 2) : "", &p->roles, &ignored);
		*found = true;
	}
	db_reset(st);
	return rc < 0 ? -1 : 0;
}

static int need_person(struct db *db, int64_t org_id, int64_t user_id, const char *field,
                       const char *label, struct person *p, struct err *e)
{
	bool found;

	if (user_id <= 0)
		return err_field(e, ERR_VALIDATION, field, "请指定%s", label);
	if (load_person(db, org_id, user_id, p, &found, e))
		return -1;
	if (!found || !p->active)
		return err_field(e, ERR_VALIDATION, field, "%s不存在或已停用", label);
	if (p->roles & (ROLE_SYSADMIN | ROLE_SECADMIN | ROLE_AUDITOR) &&
	    !(p->roles & ROLES_BUSINESS))
		return err_field(e, ERR_VALIDATION, field, "%s不能是系统管理类账号", label);
	return 0;
}

static int dept_active(struct db *db, int64_t org_id, int64_t dept_id, const char *field,
                       struct err *e)
{
	int64_t one;
	bool found;

	if (db_query_int(db, e, &one, &found,
	                 "SELECT 1 FROM department WHERE id = $1 AND org_id = $2 AND active = 1",
	                 "II", dept_id, org_id))
		return -1;
	return found ? 0 : err_field(e, ERR_VALIDATION, field, "部门不存在或已停用");
}

static int check_link(struct db *db, const struct principal *who, const struct task_new *t,
                      struct err *e)
{
	struct dctx c = {.db = db, .who = who, .now = tasks_now()};
	struct err missing = ERR_INIT;

	if (t->source != SRC_INCOMING) {
		if (t->link_incoming > 0)
			return err_field(e, ERR_VALIDATION, "link_id",
			                 "只有来源为“收文批示”的事项可关联收文");
		return 0;
	}
	if (t->link_incoming <= 0)
		return err_field(e, ERR_VALIDATION, "link_id", "来源为“收文批示”时须关联收文");
	/* the 收文 must exist for the caller (its org and need-to-know) */
	if (incoming_visible(&c, t->link_incoming, NULL, NULL, &missing) == 0)
		return 0;
	if (missing.kind != ERR_NOT_FOUND) {
		*e = missing;
		return -1;
	}
	return err_field(e, ERR_VALIDATION, "link_id", "关联的收文不存在");
}

static int check_people(struct db *db, const struct principal *who, const struct task_new *t,
                        int64_t *leader, struct err *e)
{
	struct person p;
	bool found;

	if (dept_active(db, who->org_id, t->lead_dept_id, "lead_department", e) ||
	    need_person(db, who->org_id, t->responsible_id, "responsible_id", "责任人", &p, e))
		return -1;
	if (p.department_id != t->lead_dept_id)
		return err_field(e, ERR_VALIDATION, "responsible_id",
		                 "责任人须是牵头（承办）部门的人员");
	*leader = t->leader_id;
	if (*leader <= 0 &&
	    db_query_int(db, e, leader, &found,
	                 "SELECT coalesce(leader_id, 0) FROM department WHERE id = $1", "I",
	                 t->lead_dept_id))
		return -1;
	if (*leader <= 0)
		return err_field(e, ERR_VALIDATION, "leader_id",
		                 "牵头部门未设分管领导，请指定责任领导");
	if (need_person(db, who->org_id, *leader, "leader_id", "责任领导", &p, e))
		return -1;
	if (!(p.roles & ROLES_LEADERS))
		return err_field(e, ERR_VALIDATION, "leader_id",
		                 "责任领导须是院领导（检察长或分管院领导）");
	if (!t->complex && t->n_supervisors != 1)
		return err_field(e, ERR_VALIDATION, "supervisor_ids", "常规事项须指定一名督办人");
	if (t->complex && t->n_supervisors < 1)
		return err_field(e, ERR_VALIDATION, "supervisor_ids",
		                 "复杂事项须指定督办人（可多人联合督办）");
	for (size_t i = 0; i < t->n_supervisors; i++) {
		if (need_person(db, who->org_id, t->supervisors[i], "supervisor_ids", "督办人", &p,
		                e))
			return -1;
		if (t->supervisors[i] == t->responsible_id)
			return err_field(e, ERR_VALIDATION, "supervisor_ids",
			                 "督办人不能是责任人本人");
		for (size_t j = 0; j < i; j++)
			if (t->supervisors[j] == t->supervisors[i])
				return err_field(e, ERR_VALIDATION, "supervisor_ids", "督办人重复");
	}
	return 0;
}

static int check_parts(struct db *db, const struct principal *who, const struct task_new *t,
                       struct err *e)
{
	size_t leads = 0, assists = 0;
	struct person p;

	if (!t->complex && t->n_parts > 1)
		return err_field(e, ERR_VALIDATION, "parts",
		                 "常规事项只有一个承办部门，不能拆分子任务");
	for (size_t i = 0; i < t->n_parts; i++) {
		const struct task_part_new *pt = &t->parts[i];
		if (dept_active(db, who->org_id, pt->department_id, "parts", e) ||
		    need_person(db, who->org_id, pt->assignee_id, "parts", "子任务承办人", &p, e))
			return -1;
		if (p.department_id != pt->department_id)
			return err_field(e, ERR_VALIDATION, "parts",
			                 "第%zu项子任务的承办人不在该部门", i + 1);
		if (pt->deadline < t->assigned_date || pt->deadline > t->deadline)
			return err_field(e, ERR_VALIDATION, "parts",
			                 "第%zu项子任务的时限须在交办日期与办理时限之间", i + 1);
		if (pt->lead) {
			leads++;
			if (pt->department_id != t->lead_dept_id)
				return err_field(e, ERR_VALIDATION, "parts",
				                 "牵头子任务须由牵头部门承办");
		} else {
			assists++;
			if (pt->department_id == t->lead_dept_id)
				return err_field(e, ERR_VALIDATION, "parts",
				                 "协办部门不能是牵头部门");
		}
		for (size_t j = 0; j < i; j++)
			if (t->parts[j].department_id == pt->department_id)
				return err_field(e, ERR_VALIDATION, "parts",
				                 "同一部门只能有一项子任务");
	}
	if (t->complex && (leads != 1 || assists < 1))
		return err_field(e, ERR_VALIDATION, "parts",
		                 "复杂事项须拆分为牵头部门的一项子任务和至少一个协办部门的子任务");
	return 0;
}

int task_take_number(struct db *db, struct task_row *t, struct err *e)
{
	int y, m, d;
	int64_t seq;
	bool found;

	date_ymd(tasks_today(), &y, &m, &d);
	if (db_query_int(db, e, &seq, &found,
	                 "INSERT INTO task_counter (org_id, year, last) VALUES ($1, $2, 1)"
	                 " ON CONFLICT (org_id, year) DO UPDATE SET last = task_counter.last + 1"
	                 " RETURNING last",
	                 "Ii", t->org_id, y))
		return -1;
	t->year = y;
	t->seq = (int)seq;
	snprintf(t->number, sizeof t->number, "督〔%d〕%d号", y, (int)seq);
	return db_execf(db, e, "UPDATE task SET year = $1, seq = $2, number = $3 WHERE id = $4",
	                "iisI", y, (int)seq, t->number, t->id) < 0
	           ? -1
	           : 0;
}

static int insert_parts(struct db *db, const struct task_new *t, int64_t task_id, int64_t org_id,
                        bool open, struct err *e)
{
	struct task_part_new own = {.department_id = t->lead_dept_id,
	                            .lead = true,
	                            .assignee_id = t->responsible_id,
	                            .content = t->content,
	                            .deadline = t->deadline};
	const struct task_part_new *parts = t->n_parts ? t->parts : &own;
	size_t n = t->n_parts ? t->n_parts : 1;
	int yellow;

	for (size_t i = 0; i < n; i++) {
		if (task_yellow_from(db, org_id, t->assigned_date, parts[i].deadline, &yellow, e))
			return -1;
		if (db_execf(
		        db, e,
		        "INSERT INTO task_part (task_id, department_id, role, assignee_id, content,"
		        " deadline, yellow_from, sort, item_open)"
		        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
		        "IIsIsiiii", task_id, parts[i].department_id,
		        parts[i].lead ? "lead" : "assist", parts[i].assignee_id,
		        parts[i].content ? parts[i].content : "", parts[i].deadline, yellow, (int)i,
		        open ? 1 : 0) < 0)
			return -1;
	}
	return 0;
}

static int grant_all(struct db *db, const struct task_new *t, int64_t org_id, int64_t id,
                     int64_t creator, int64_t leader, struct err *e)
{
	if (grant(db, org_id, id, creator, "creator", e) ||
	    grant(db, org_id, id, t->responsible_id, "responsible", e) ||
	    grant(db, org_id, id, leader, "leader", e))
		return -1;
	for (size_t i = 0; i < t->n_supervisors; i++)
		if (grant(db, org_id, id, t->supervisors[i], "supervisor", e))
			return -1;
	for (size_t i = 0; i < t->n_parts; i++)
		if (grant(db, org_id, id, t->parts[i].assignee_id, "assignee", e))
			return -1;
	return grant_departments(db, org_id, id, e);
}

int task_create(struct db *db, const struct principal *who, const struct task_new *n, int64_t *id,
                struct err *e)
{
	bool direct = (who->roles & (ROLES_OFFICE | ROLES_LEADERS)) != 0;
	int64_t leader = 0, now = tasks_now();
	struct task_row t = {0};
	struct db_stmt *st;
	int yellow, rc;

	if (!direct && !(who->roles & ROLE_DEPT_HEAD))
		return err_set(e, ERR_FORBIDDEN,
		               "只有办公室、院领导可以立项；部门负责人可报备本部门事项");
	if (!direct && n->lead_dept_id != who->department_id)
		return err_field(e, ERR_VALIDATION, "lead_department",
		                 "部门报备的事项须由本部门牵头");
	if (n->deadline < n->assigned_date)
		return err_field(e, ERR_VALIDATION, "deadline", "办理时限不能早于交办日期");
	if (n->deadline - n->assigned_date > TASK_SPAN_MAX_DAYS)
		return err_field(e, ERR_VALIDATION, "deadline", "办理时限距交办日期不能超过%d天",
		                 TASK_SPAN_MAX_DAYS);
	if (check_link(db, who, n, e) || check_people(db, who, n, &leader, e) ||
	    check_parts(db, who, n, e) ||
	    task_yellow_from(db, who->org_id, n->assigned_date, n->deadline, &yellow, e))
		return -1;
	st = db_query(
	    db, e,
	    "INSERT INTO task (org_id, title, content, source, link_kind, link_id, type,"
	    " lead_dept_id, responsible_id, leader_id, creator_id, filed, state, assigned_date,"
	    " deadline, orig_deadline, yellow_from, feedback, created_at, updated_at)"
	    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15,"
	    " $16, $17, $18, $18) RETURNING id",
	    "Iss", who->org_id, n->title, n->content ? n->content : "");
	if (st == NULL)
		return -1;
	db_bind_text(st, 4, task_source_codes[n->source]);
	db_bind_text(st, 5, n->link_incoming > 0 ? "incoming" : NULL);
	n->link_incoming > 0 ? db_bind_int(st, 6, n->link_incoming) : db_bind_null(st, 6);
	db_bind_text(st, 7, n->complex ? "complex" : "routine");
	db_bind_int(st, 8, n->lead_dept_id);
	db_bind_int(st, 9, n->responsible_id);
	db_bind_int(st, 10, leader);
	db_bind_int(st, 11, who->user_id);
	db_bind_int(st, 12, direct ? 0 : 1);
	db_bind_text(st, 13, direct ? "registered" : "filing");
	db_bind_int(st, 14, n->assigned_date);
	db_bind_int(st, 15, n->deadline);
	db_bind_int(st, 16, yellow);
	db_bind_text(st, 17, task_feedback_codes[n->feedback]);
	db_bind_int(st, 18, now);
	rc = db_step(st, e);
	if (rc == DB_ROW)
		*id = db_col_int(st, 0);
	db_reset(st);
	if (rc != DB_ROW)
		return rc < 0 ? -1 : err_internal(e, "task insert returned no id");
	t.id = *id;
	t.org_id = who->org_id;
	t.creator_id = who->user_id;
	t.lead_dept_id = n->lead_dept_id;
	t.assigned_date = n->assigned_date;
	t.deadline = n->deadline;
	t.state = direct ? TS_REGISTERED : TS_FILING;
	snprintf(t.title, sizeof t.title, "%s", n->title);
	for (size_t i = 0; i < n->n_supervisors; i++)
		if (db_execf(db, e,
		             "INSERT INTO task_supervisor (task_id, user_id) VALUES ($1, $2)", "II",
		             *id, n->supervisors[i]) < 0)
			return -1;
	if (insert_parts(db, n, *id, who->org_id, direct, e) ||
	    grant_all(db, n, who->org_id, *id, who->user_id, leader, e))
		return -1;
	if (direct) {
		if (task_take_number(db, &t, e) || task_todo(db, &t, who->user_id, "交办", 0, e))
			return -1;
	} else if (tappr_file(db, who, &t, n->content, e)) {
		return -1;
	}
	return task_event_add(db, *id, now, who->user_id, who->name, direct ? "create" : "file", "",
	                      direct ? "registered" : "filing", n->content, t.number, NULL, e) ||
	               task_index(db, *id, e)
	           ? -1
	           : 0;
}

/* ---- actions ---- */

/* What the caller is to the item. */
struct rel {
	bool creator, responsible, leader, supervisor, passed, lead_head, lead_assignee, assignee;
	bool office, leaders, chief, office_director;
};

struct actx {
	struct db *db;
	const struct principal *who;
	struct task_row t;
	struct rel rel;
	const struct task_action *in;
	int64_t now;
	int today;
	bool has_ext, has_filing; /* a pending 延期申请, 报备 */
	struct tappr ext, filing;
};

static int load_rel(struct actx *c, struct err *e)
{
	const struct principal *w = c->who;
	struct db_stmt *st;
	int rc;

	memset(&c->rel, 0, sizeof c->rel);
	c->rel.creator = c->t.creator_id == w->user_id;
	c->rel.responsible = c->t.responsible_id == w->user_id;
	c->rel.leader = c->t.leader_id == w->user_id;
	c->rel.office = (w->roles & ROLES_OFFICE) != 0;
	c->rel.office_director = (w->roles & ROLE_OFFICE_DIRECTOR) != 0;
	c->rel.leaders = (w->roles & ROLES_LEADERS) != 0;
	c->rel.chief = (w->roles & ROLE_CHIEF) != 0;
	c->rel.lead_head = (w->roles & ROLE_DEPT_HEAD) && w->department_id == c->t.lead_dept_id;
	st = db_query(
	    c->db, e,
	    "SELECT (SELECT count(*) FROM task_supervisor WHERE task_id = $1 AND user_id = $2),"
	    " (SELECT count(*) FROM task_supervisor WHERE task_id = $1 AND user_id = $2"
	    " AND passed_at IS NOT NULL),"
	    " (SELECT count(*) FROM task_part WHERE task_id = $1 AND assignee_id = $2),"
	    " (SELECT count(*) FROM task_part WHERE task_id = $1 AND assignee_id = $2"
	    " AND role = 'lead')",
	    "II", c->t.id, w->user_id);
	if (st == NULL)
		return -1;
	if ((rc = db_step(st, e)) == DB_ROW) {
		c->rel.supervisor = db_col_int(st, 0) > 0;
		c->rel.passed = db_col_int(st, 1) > 0;
		c->rel.assignee = db_col_int(st, 2) > 0;
		c->rel.lead_assignee = db_col_int(st, 3) > 0;
	}
	db_reset(st);
	if (rc < 0)
		return -1;
	return tappr_pending(c->db, c->t.id, TAPPR_EXTENSION, w->user_id, &c->ext, &c->has_ext,
	                     e) ||
	               (c->t.state == TS_FILING &&
	                tappr_pending(c->db, c->t.id, TAPPR_FILING, w->user_id, &c->filing,
	                              &c->has_filing, e))
	           ? -1
	           : 0;
}

#define S(x)     (1u << (x))
#define HANDLING (S(TS_ASSIGNED) | S(TS_IN_PROGRESS))
#define OPEN_STATES                                                                                \
	(S(TS_REGISTERED) | S(TS_ASSIGNED) | S(TS_IN_PROGRESS) | S(TS_REPORTED) |                  \
	 S(TS_LEADER_REVIEW))

struct action_def {
	const char *code;
	const char *name; /* history label */
	unsigned states;
	bool opinion_required;
	const char *opinion_label;
	bool (*may)(const struct actx *c);
	int (*apply)(struct actx *c, struct err *e);
	bool engine; /* decided on the approval engine: recorded by the listener */
};

static bool handler(const struct actx *c)
{
	return c->rel.responsible || c->rel.lead_head || c->rel.lead_assignee;
}

/* The approvers are whoever holds the current step of the engine instance. */
static bool may_decide_filing(const struct actx *c)
{
	return c->has_filing && c->filing.holder;
}
static bool may_assign(const struct actx *c)
{
	return c->rel.creator || c->rel.office || c->rel.leaders;
}
static bool may_sign(const struct actx *c)
{
	return handler(c) || c->rel.assignee;
}
static bool may_complete_part(const struct actx *c)
{
	return c->rel.assignee || (c->who->roles & ROLE_DEPT_HEAD);
}
static bool may_pass(const struct actx *c)
{
	return c->rel.supervisor && !c->rel.passed;
}
static bool may_return(const struct actx *c)
{
	if (c->t.state == TS_REPORTED)
		return c->rel.supervisor;
	return c->rel.leader || c->rel.chief;
}
static bool may_approve(const struct actx *c)
{
	return c->rel.leader || c->rel.chief;
}
static bool may_archive(const struct actx *c)
{
	return c->rel.office;
}
static bool may_request_extension(const struct actx *c)
{
	return handler(c);
}
static bool may_decide_extension(const struct actx *c)
{
	return c->has_ext && c->ext.holder;
}
static bool may_remind(const struct actx *c)
{
	return c->rel.supervisor || c->rel.office || c->rel.leaders || c->rel.creator;
}
static bool may_cancel(const struct actx *c)
{
	if (c->rel.office_director || c->rel.leaders)
		return true;
	return c->rel.creator && (c->t.state == TS_FILING || c->t.state == TS_REGISTERED);
}

int task_set_state(struct db *db, struct task_row *t, enum task_state to, int64_t now,
                   struct err *e)
{
	if (db_execf(
	        db, e,
	        "UPDATE task SET state = $1, version = version + 1, updated_at = $2 WHERE id = $3",
	        "sII", task_state_codes[to], now, t->id) < 0 ||
	    db_execf(db, e, "UPDATE task_part SET item_open = $1 WHERE task_id = $2", "iI",
	             task_light(to, 1, 1, 0, 0) != LIGHT_NONE ? 1 : 0, t->id) < 0)
		return -1;
	t->state = to;
	return 0;
}

/* Moves the item to a new state (version checked by the caller's UPDATE). */
static int set_state(struct actx *c, enum task_state to, struct err *e)
{
	return task_set_state(c->db, &c->t, to, c->now, e);
}

static int close_step(struct actx *c, int64_t user_id, const char *step, struct err *e)
{
	return todo_close(c->db, TASK_KIND, c->t.id, user_id, step, e);
}

/* Everyone holding a part: todos and notices on 交办, 退办 and so on. */
static int each_assignee(struct actx *c,
                         int (*fn)(struct actx *c, int64_t user, int deadline, struct err *e),
                         bool open_only, struct err *e)
{
	int64_t users[TASK_PARTS_MAX];
	int deadlines[TASK_PARTS_MAX];
	size_t n = 0;
	struct db_stmt *st =
	    db_query(c->db, e,
	             "SELECT assignee_id, deadline FROM task_part WHERE task_id = $1"
	             " AND ($2 = 0 OR state <> 'done') ORDER BY sort",
	             "Ii", c->t.id, open_only ? 1 : 0);
	int rc;

	if (st == NULL)
		return -1;
	while ((rc = db_step(st, e)) == DB_ROW && n < TASK_PARTS_MAX) {
		users[n] = db_col_int(st, 0);
		deadlines[n++] = (int)db_col_int(st, 1);
	}
	db_reset(st);
	if (rc < 0)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (fn(c, users[i], deadlines[i], e))
			return -1;
	return 0;
}

static int todo_sign(struct actx *c, int64_t user, int deadline, struct err *e)
{
	(void)deadline;
	return task_todo(c->db, &c->t, user, "签收", 0, e) ||
	       task_notify(c->db, &c->t, user, "assigned", "督办事项已交办", NULL, e);
}

/* The engine applies the outcome through the module's listener (tasks_engine.c). */
static int act_decide_filing(struct actx *c, bool approve, struct err *e)
{
	return tappr_decide(c->db, c->who, &c->filing, approve, c->in->opinion, e);
}

static int act_approve_filing(struct actx *c, struct err *e)
{
	return act_decide_filing(c, true, e);
}
static int act_refuse_filing(struct actx *c, struct err *e)
{
	return act_decide_filing(c, false, e);
}

static int act_assign(struct actx *c, struct err *e)
{
	if (set_state(c, TS_ASSIGNED, e) || close_step(c, 0, "交办", e))
		return -1;
	return each_assignee(c, todo_sign, false, e);
}

static int todo_handle(struct actx *c, int64_t user, int deadline, struct err *e)
{
	return task_todo(c->db, &c->t, user, "办理", deadline, e);
}

/* The caller's own 办理 deadline: the item's for the responsible person, else their part's. */
static int own_deadline(struct actx *c, int *due, struct err *e)
{
	int64_t d = 0;
	bool found;

	*due = c->t.deadline;
	if (c->rel.responsible)
		return 0;
	if (db_query_int(
	        c->db, e, &d, &found,
	        "SELECT min(deadline) FROM task_part WHERE task_id = $1 AND assignee_id = $2", "II",
	        c->t.id, c->who->user_id))
		return -1;
	if (d > 0)
		*due = (int)d;
	return 0;
}

static int act_sign(struct actx *c, struct err *e)
{
	bool lead = handler(c);
	int due;

	if (db_execf(c->db, e,
	             "UPDATE task_part SET state = 'signed', signed_at = $1 WHERE task_id = $2"
	             " AND state = 'open' AND (assignee_id = $3 OR ($4 = 1 AND role = 'lead'))",
	             "IIIi", c->now, c->t.id, c->who->user_id, lead ? 1 : 0) < 0)
		return -1;
	if (own_deadline(c, &due, e) || close_step(c, c->who->user_id, "签收", e) ||
	    todo_handle(c, c->who->user_id, due, e))
		return -1;
	if (lead && c->t.state == TS_ASSIGNED) {
		if (set_state(c, TS_IN_PROGRESS, e) ||
		    (c->who->user_id != c->t.responsible_id &&
		     (close_step(c, c->t.responsible_id, "签收", e) ||
		      todo_handle(c, c->t.responsible_id, c->t.deadline, e))))
			return -1;
	}
	return 0;
}

static int act_complete_part(struct actx *c, struct err *e)
{
	int64_t dept = 0, assignee = 0;
	bool found;
	struct db_stmt *st;
	int rc;

	if (c->in->part_id <= 0)
		return err_field(e, ERR_VALIDATION, "part_id", "请指定子任务");
	st = db_query(c->db, e,
	              "SELECT department_id, assignee_id, state, role FROM task_part WHERE id = $1"
	              " AND task_id = $2",
	              "II", c->in->part_id, c->t.id);
	if (st == NULL)
		return -1;
	found = (rc = db_step(st, e)) == DB_ROW;
	if (found) {
		dept = db_col_int(st, 0);
		assignee = db_col_int(st, 1);
		if (strcmp(db_col_text(st, 2), "done") == 0)
			rc = 2;
		else if (strcmp(db_col_text(st, 3), "lead") == 0)
			rc = 3;
	}
	db_reset(st);
	if (rc < 0)
		return -1;
	if (!found)
		return err_field(e, ERR_VALIDATION, "part_id", "子任务不存在");
	if (rc == 2)
		return err_set(e, ERR_CONFLICT, "该子任务已经完成");
	if (rc == 3)
		return err_field(e, ERR_VALIDATION, "part_id",
		                 "牵头子任务随办结报告一并完成，请使用“报结”");
	if (assignee != c->who->user_id &&
	    !((c->who->roles & ROLE_DEPT_HEAD) && c->who->department_id == dept))
		return err_set(e, ERR_FORBIDDEN, "只有该子任务的承办人或其部门负责人可以报告完成");
	if (db_execf(
	        c->db, e,
	        "UPDATE task_part SET state = 'done', done_at = $1, done_date = $2, result = $3"
	        " WHERE id = $4",
	        "IisI", c->now, c->today, c->in->opinion, c->in->part_id) < 0)
		return -1;
	return close_step(c, assignee, "办理", e) ||
	               db_execf(
	                   c->db, e,
	                   "UPDATE task SET version = version + 1, updated_at = $1 WHERE id = $2",
	                   "II", c->now, c->t.id) < 0
	           ? -1
	           : 0;
}

static int each_supervisor(struct actx *c, int (*fn)(struct actx *c, int64_t user, struct err *e),
                           struct err *e)
{
	int64_t users[TASK_SUPERVISORS_MAX];
	size_t n = 0;
	struct db_stmt *st = db_query(c->db, e,
	                              "SELECT user_id FROM task_supervisor WHERE task_id = $1"
	                              " ORDER BY user_id",
	                              "I", c->t.id);
	int rc;

	if (st == NULL)
		return -1;
	while ((rc = db_step(st, e)) == DB_ROW && n < TASK_SUPERVISORS_MAX)
		users[n++] = db_col_int(st, 0);
	db_reset(st);
	if (rc < 0)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (fn(c, users[i], e))
			return -1;
	return 0;
}

static int todo_review(struct actx *c, int64_t user, struct err *e)
{
	return task_todo(c->db, &c->t, user, "初审", 0, e) ||
	       task_notify(c->db, &c->t, user, "review", "办结报告待初审", NULL, e);
}

static int act_report_done(struct actx *c, struct err *e)
{
	int64_t open_assist;
	bool found;

	if (c->has_ext)
		return err_set(e, ERR_CONFLICT, "延期申请尚在审批中，请待审批后再报结");
	if (db_query_int(c->db, e, &open_assist, &found,
	                 "SELECT count(*) FROM task_part WHERE task_id = $1 AND role = 'assist'"
	                 " AND state <> 'done'",
	                 "I", c->t.id))
		return -1;
	if (open_assist > 0)
		return err_set(e, ERR_VALIDATION, "还有%lld个协办部门的子任务未完成，不能报结",
		               (long long)open_assist);
	if (db_execf(c->db, e, "UPDATE task SET done_date = $1 WHERE id = $2", "iI", c->today,
	             c->t.id) < 0 ||
	    db_execf(
	        c->db, e,
	        "UPDATE task_part SET state = 'done', done_at = $1, done_date = $2, result = $3"
	        " WHERE task_id = $4 AND role = 'lead'",
	        "IisI", c->now, c->today, c->in->opinion, c->t.id) < 0 ||
	    db_execf(c->db, e, "UPDATE task_supervisor SET passed_at = NULL WHERE task_id = $1",
	             "I", c->t.id) < 0)
		return -1;
	c->t.done_date = c->today;
	if (set_state(c, TS_REPORTED, e) || close_step(c, 0, "办理", e) ||
	    close_step(c, 0, "进展报告", e) || close_step(c, 0, "签收", e))
		return -1;
	return each_supervisor(c, todo_review, e);
}

static int act_pass(struct actx *c, struct err *e)
{
	int64_t left;
	bool found;

	if (db_execf(
	        c->db, e,
	        "UPDATE task_supervisor SET passed_at = $1 WHERE task_id = $2 AND user_id = $3",
	        "III", c->now, c->t.id, c->who->user_id) < 0 ||
	    close_step(c, c->who->user_id, "初审", e) ||
	    db_query_int(
	        c->db, e, &left, &found,
	        "SELECT count(*) FROM task_supervisor WHERE task_id = $1 AND passed_at IS NULL",
	        "I", c->t.id))
		return -1;
	if (left > 0)
		return db_execf(
		           c->db, e,
		           "UPDATE task SET version = version + 1, updated_at = $1 WHERE id = $2",
		           "II", c->now, c->t.id) < 0
		           ? -1
		           : 0;
	return set_state(c, TS_LEADER_REVIEW, e) ||
	               task_todo(c->db, &c->t, c->t.leader_id, "领导审阅", 0, e) ||
	               task_notify(c->db, &c->t, c->t.leader_id, "review", "督办事项待领导审阅",
	                           NULL, e)
	           ? -1
	           : 0;
}

static int act_return(struct actx *c, struct err *e)
{
	if (db_execf(c->db, e, "UPDATE task SET done_date = NULL WHERE id = $1", "I", c->t.id) <
	        0 ||
	    db_execf(c->db, e,
	             "UPDATE task_part SET state = 'signed', done_at = NULL, done_date = NULL"
	             " WHERE task_id = $1 AND role = 'lead'",
	             "I", c->t.id) < 0 ||
	    db_execf(c->db, e, "UPDATE task_supervisor SET passed_at = NULL WHERE task_id = $1",
	             "I", c->t.id) < 0)
		return -1;
	c->t.done_date = 0;
	if (set_state(c, TS_IN_PROGRESS, e) || close_step(c, 0, "初审", e) ||
	    close_step(c, 0, "领导审阅", e) ||
	    todo_handle(c, c->t.responsible_id, c->t.deadline, e))
		return -1;
	return task_notify(c->db, &c->t, c->t.responsible_id, "returned", "督办事项被退办",
	                   c->in->opinion, e);
}

static int notify_finished(struct actx *c, int64_t user, struct err *e)
{
	return task_notify(c->db, &c->t, user, "finished", "督办事项已办结销号", NULL, e);
}

static int act_approve(struct actx *c, struct err *e)
{
	if (db_execf(c->db, e, "UPDATE task SET closed_date = $1 WHERE id = $2", "iI", c->today,
	             c->t.id) < 0 ||
	    set_state(c, TS_CLOSED, e) || todo_close(c->db, TASK_KIND, c->t.id, 0, NULL, e) ||
	    task_notify(c->db, &c->t, c->t.responsible_id, "finished", "督办事项已办结销号", NULL,
	                e))
		return -1;
	if (c->t.creator_id != c->t.responsible_id &&
	    task_notify(c->db, &c->t, c->t.creator_id, "finished", "督办事项已办结销号", NULL, e))
		return -1;
	return each_supervisor(c, notify_finished, e);
}

static int act_archive(struct actx *c, struct err *e)
{
	return db_execf(c->db, e, "UPDATE task SET archived_at = $1 WHERE id = $2", "II", c->now,
	                c->t.id) < 0 ||
	               set_state(c, TS_ARCHIVED, e)
	           ? -1
	           : 0;
}

static int act_request_extension(struct actx *c, struct err *e)
{
	if (c->has_ext)
		return err_set(e, ERR_CONFLICT, "已有一项待审批的延期申请，请待审批后再申请");
	if (c->today > c->t.deadline)
		return err_set(e, ERR_VALIDATION,
		               "已超过办理时限，不能再申请延期（延期须在时限届满前申请）");
	if (c->in->new_deadline <= 0)
		return err_field(e, ERR_VALIDATION, "new_deadline", "请填写延期后的办理时限");
	if (c->in->new_deadline <= c->t.deadline)
		return err_field(e, ERR_VALIDATION, "new_deadline", "延期后的时限须晚于现办理时限");
	if (c->in->new_deadline - c->t.assigned_date > TASK_SPAN_MAX_DAYS)
		return err_field(e, ERR_VALIDATION, "new_deadline",
		                 "办理时限距交办日期不能超过%d天", TASK_SPAN_MAX_DAYS);
	return tappr_extend(c->db, c->who, &c->t, c->in->opinion, c->in->new_deadline, e) ||
	               db_execf(c->db, e,
	                        "UPDATE task SET version = version + 1, updated_at = $1"
	                        " WHERE id = $2",
	                        "II", c->now, c->t.id) < 0
	           ? -1
	           : 0;
}

/* The engine applies the outcome through the module's listener (tasks_engine.c). */
static int act_decide_extension(struct actx *c, bool approve, struct err *e)
{
	return tappr_decide(c->db, c->who, &c->ext, approve, c->in->opinion, e);
}

static int act_approve_extension(struct actx *c, struct err *e)
{
	return act_decide_extension(c, true, e);
}
static int act_refuse_extension(struct actx *c, struct err *e)
{
	return act_decide_extension(c, false, e);
}

/* 催办: everyone who holds the item's current step hears it. */
static int remind_targets(struct actx *c, int64_t *ids, size_t *n, struct err *e)
{
	const char *sql;
	struct db_stmt *st;
	int rc;

	*n = 0;
	switch (c->t.state) {
	case TS_REPORTED:
		sql = "SELECT user_id FROM task_supervisor WHERE task_id = $1 AND passed_at IS NULL"
		      " AND $2 > 0 ORDER BY user_id";
		break;
	case TS_LEADER_REVIEW:
		ids[(*n)++] = c->t.leader_id;
		return 0;
	case TS_REGISTERED:
		ids[(*n)++] = c->t.creator_id;
		return 0;
	default:
		ids[(*n)++] = c->t.responsible_id;
		sql = "SELECT DISTINCT assignee_id FROM task_part WHERE task_id = $1 AND state <> "
		      "'done'"
		      " AND assignee_id <> $2 ORDER BY assignee_id";
		break;
	}
	st = db_query(c->db, e, sql, "II", c->t.id, c->t.responsible_id);
	if (st == NULL)
		return -1;
	while ((rc = db_step(st, e)) == DB_ROW && *n < TASK_PARTS_MAX + TASK_SUPERVISORS_MAX)
		ids[(*n)++] = db_col_int(st, 0);
	db_reset(st);
	return rc < 0 ? -1 : 0;
}

static int act_remind(struct actx *c, struct err *e)
{
	int64_t ids[TASK_PARTS_MAX + TASK_SUPERVISORS_MAX + 1], event_id = 0;
	char name[FIELD_NAME_MAX + 1];
	struct buf names = BUF_INIT;
	size_t n;
	bool fired;
	int rc = -1;

	if (remind_targets(c, ids, &n, e))
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (task_user_name(c->db, ids[i], name, e) ||
		    task_notify(c->db, &c->t, ids[i], "remind", "督办催办", c->in->opinion, e))
			goto out;
		buf_addf(&names, "%s%s", i ? "、" : "", name);
	}
	if (task_event_add(c->db, c->t.id, c->now, c->who->user_id, c->who->name, "remind", "", "",
	                   c->in->opinion, names.data, &event_id, e) ||
	    task_reminder_record(c->db, c->t.org_id, c->t.id, 0, "manual", event_id, c->now,
	                         c->who->user_id, names.data, c->in->opinion, &fired, e))
		goto out;
	rc = 0;
out:
	buf_free(&names);
	return rc;
}

static int act_cancel(struct actx *c, struct err *e)
{
	/* the item first: the listener then only closes the records of the requests it cancels */
	if (set_state(c, TS_CANCELLED, e) ||
	    tappr_cancel_all(c->db, c->who, c->t.id, c->in->opinion, e) ||
	    todo_close(c->db, TASK_KIND, c->t.id, 0, NULL, e))
		return -1;
	return task_notify(c->db, &c->t, c->t.responsible_id, "cancelled", "督办事项已撤销",
	                   c->in->opinion, e);
}

static const struct action_def action_defs[] = {
    {"approve_filing", "报备审批通过", S(TS_FILING), false, NULL, may_decide_filing,
     act_approve_filing, true},
    {"refuse_filing", "报备审批不通过", S(TS_FILING), true, "不予立项的理由", may_decide_filing,
     act_refuse_filing, true},
    {"assign", "交办", S(TS_REGISTERED), false, NULL, may_assign, act_assign, false},
    {"sign", "签收", HANDLING, false, NULL, may_sign, act_sign, false},
    {"complete_part", "子任务完成", S(TS_IN_PROGRESS), true, "办理结果", may_complete_part,
     act_complete_part, false},
    {"report_done", "报结", S(TS_IN_PROGRESS), true, "办结报告", handler, act_report_done, false},
    {"pass", "初审通过", S(TS_REPORTED), false, NULL, may_pass, act_pass, false},
    {"return", "退办", S(TS_REPORTED) | S(TS_LEADER_REVIEW), true, "退办理由", may_return,
     act_return, false},
    {"approve", "领导审阅同意，办结销号", S(TS_LEADER_REVIEW), false, NULL, may_approve,
     act_approve, false},
    {"archive", "归档", S(TS_CLOSED), false, NULL, may_archive, act_archive, false},
    {"request_extension", "延期申请", HANDLING, true, "延期理由", may_request_extension,
     act_request_extension, false},
    {"approve_extension", "延期批准", HANDLING | S(TS_REPORTED), false, NULL, may_decide_extension,
     act_approve_extension, true},
    {"refuse_extension", "延期不予批准", HANDLING | S(TS_REPORTED), true, "不予延期的理由",
     may_decide_extension, act_refuse_extension, true},
    {"remind", "催办", OPEN_STATES, true, "催办内容", may_remind, act_remind, false},
    {"cancel", "撤销", S(TS_FILING) | S(TS_REGISTERED) | HANDLING, true, "撤销理由", may_cancel,
     act_cancel, false},
};
#define ACTION_COUNT (sizeof action_defs / sizeof action_defs[0])

const char *const task_action_codes[] = {"approve_filing",
                                         "refuse_filing",
                                         "assign",
                                         "sign",
                                         "complete_part",
                                         "report_done",
                                         "pass",
                                         "return",
                                         "approve",
                                         "archive",
                                         "request_extension",
                                         "approve_extension",
                                         "refuse_extension",
                                         "remind",
                                         "cancel",
                                         NULL};

/* Whether the caller still has something to do with "sign" (their part is unsigned). */
static int sign_pending(struct actx *c, bool *pending, struct err *e)
{
	int64_t n;
	bool found;

	if (db_query_int(c->db, e, &n, &found,
	                 "SELECT count(*) FROM task_part WHERE task_id = $1 AND state = 'open'"
	                 " AND (assignee_id = $2 OR ($3 = 1 AND role = 'lead'))",
	                 "IIi", c->t.id, c->who->user_id, handler(c) ? 1 : 0))
		return -1;
	*pending = n > 0;
	return 0;
}

static int action_allowed(struct actx *c, const struct action_def *d, bool *ok, struct err *e)
{
	*ok = (d->states & S(c->t.state)) && d->may(c);
	if (*ok && strcmp(d->code, "sign") == 0)
		return sign_pending(c, ok, e);
	if (*ok && strcmp(d->code, "complete_part") == 0) {
		int64_t n;
		bool found;
		if (db_query_int(
		        c->db, e, &n, &found,
		        "SELECT count(*) FROM task_part WHERE task_id = $1 AND role = 'assist'"
		        " AND state <> 'done' AND (assignee_id = $2 OR department_id = $3)",
		        "III", c->t.id, c->who->user_id,
		        (c->who->roles & ROLE_DEPT_HEAD) ? c->who->department_id : -1))
			return -1;
		*ok = n > 0;
	}
	return 0;
}

static int actx_init(struct actx *c, struct db *db, const struct principal *who, int64_t id,
                     struct err *e)
{
	bool found;

	memset(c, 0, sizeof *c);
	c->db = db;
	c->who = who;
	c->now = tasks_now();
	c->today = date_of_time(c->now);
	if (task_check_visible(db, who, id, e) || task_load(db, who->org_id, id, &c->t, &found, e))
		return -1;
	if (!found)
		return err_set(e, ERR_NOT_FOUND, "督办事项不存在");
	return load_rel(c, e);
}

int task_act(struct db *db, const struct principal *who, int64_t id, const struct task_action *a,
             struct err *e)
{
	const struct action_def *d = NULL;
	enum task_state from;
	struct actx c;
	char detail[64] = "";
	bool ok;

	for (size_t i = 0; i < ACTION_COUNT && d == NULL; i++)
		if (a->action && strcmp(action_defs[i].code, a->action) == 0)
			d = &action_defs[i];
	if (d == NULL)
		return err_field(e, ERR_VALIDATION, "action", "不支持的操作：%.40s",
		                 a->action ? a->action : "");
	if (actx_init(&c, db, who, id, e))
		return -1;
	c.in = a;
	if (a->version > 0 && a->version != c.t.version)
		return err_set(e, ERR_CONFLICT, "督办事项已被他人处理，请刷新后重试");
	if (!(d->states & S(c.t.state)))
		return err_set(e, ERR_CONFLICT, "事项当前状态为“%s”，不能执行“%s”",
		               task_state_names[c.t.state], d->name);
	if (action_allowed(&c, d, &ok, e))
		return -1;
	if (!ok)
		return err_set(e, ERR_FORBIDDEN, "您在此事项中无权执行“%s”", d->name);
	if (d->opinion_required && (a->opinion == NULL || a->opinion[0] == '\0'))
		return err_field(e, ERR_VALIDATION, "opinion", "请填写%s", d->opinion_label);
	from = c.t.state;
	if (strcmp(d->code, "request_extension") == 0 && a->new_deadline > 0)
		date_format(a->new_deadline, detail);
	if (d->apply(&c, e))
		return -1;
	/* 催办 is recorded with its recipients by act_remind; the engine's decisions by the
	 * module's listener (the same whichever route the approver took) */
	if (strcmp(d->code, "complete_part") == 0)
		snprintf(detail, sizeof detail, "%lld", (long long)a->part_id);
	if (strcmp(d->code, "remind") != 0 && !d->engine &&
	    task_event_add(db, id, c.now, who->user_id, who->name, d->code, task_state_codes[from],
	                   task_state_codes[c.t.state], a->opinion, detail, NULL, e))
		return -1;
	return task_index(db, id, e);
}

/* ---- progress reports ---- */

/* Files named by a report: each must be readable by the author (their own upload, or a file they
 * may see already), so that nobody exposes someone else's file by naming its id; it is then
 * linked to the item, which makes it readable by everyone who may see the item. */
static int report_files(struct actx *c, int64_t report_id, const int64_t *files, size_t n,
                        struct err *e)
{
	for (size_t i = 0; i < n; i++) {
		bool ok = false;
		for (size_t j = 0; j < i; j++)
			if (files[j] == files[i])
				return err_field(e, ERR_VALIDATION, "attachments", "附件重复：%lld",
				                 (long long)files[i]);
		if (files_readable(c->db, c->who, files[i], &ok, e))
			return -1;
		if (!ok)
			return err_field(e, ERR_VALIDATION, "attachments", "附件不存在：%lld",
			                 (long long)files[i]);
		if (files_attach(c->db, files[i], TASK_KIND, c->t.id, e) ||
		    db_execf(c->db, e,
		             "INSERT INTO task_report_file (report_id, file_id, sort)"
		             " VALUES ($1, $2, $3)",
		             "IIi", report_id, files[i], (int)i) < 0)
			return -1;
	}
	return 0;
}

int task_report_add(struct db *db, const struct principal *who, int64_t id, int64_t part_id,
                    const char *content, const int64_t *files, size_t n_files, int64_t *report_id,
                    struct err *e)
{
	struct actx c;
	struct db_stmt *st;
	int rc;

	if (actx_init(&c, db, who, id, e))
		return -1;
	if (!(HANDLING & S(c.t.state)))
		return err_set(e, ERR_CONFLICT, "事项当前状态为“%s”，不能报送进展",
		               task_state_names[c.t.state]);
	if (!handler(&c) && !c.rel.assignee)
		return err_set(e, ERR_FORBIDDEN, "只有承办人员可以报送进展");
	if (n_files > TASK_REPORT_FILES_MAX)
		return err_field(e, ERR_VALIDATION, "attachments", "附件最多%d个",
		                 TASK_REPORT_FILES_MAX);
	if (part_id > 0) {
		int64_t one;
		bool found;
		if (db_query_int(db, e, &one, &found,
		                 "SELECT 1 FROM task_part WHERE id = $1 AND task_id = $2", "II",
		                 part_id, id))
			return -1;
		if (!found)
			return err_field(e, ERR_VALIDATION, "part_id", "子任务不存在");
	}
	st = db_query(db, e,
	              "INSERT INTO task_report (task_id, part_id, author_id, author_name, content,"
	              " report_date, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
	              "I", id);
	if (st == NULL)
		return -1;
	part_id > 0 ? db_bind_int(st, 2, part_id) : db_bind_null(st, 2);
	db_bind_int(st, 3, who->user_id);
	db_bind_text(st, 4, who->name);
	db_bind_text(st, 5, content);
	db_bind_int(st, 6, c.today);
	db_bind_int(st, 7, c.now);
	rc = db_step(st, e);
	if (rc == DB_ROW)
		*report_id = db_col_int(st, 0);
	db_reset(st);
	if (rc != DB_ROW)
		return rc < 0 ? -1 : err_internal(e, "task_report insert returned no id");
	return report_files(&c, *report_id, files, n_files, e) ||
	               todo_close(db, TASK_KIND, id, 0, "进展报告", e) ||
	               task_event_add(db, id, c.now, who->user_id, who->name, "report", "", "",
	                              content, "", NULL, e) ||
	               task_index(db, id, e)
	           ? -1
	           : 0;
}

/* ---- JSON ---- */

static json_t *date_json(int days)
{
	char s[DATE_STR_MAX];

	if (days <= 0)
		return json_null();
	date_format(days, s);
	return json_string(s);
}

static json_t *time_json(int64_t t)
{
	char s[TIME_ISO_MAX];

	if (t <= 0)
		return json_null();
	time_iso(t, s);
	return json_string(s);
}

#define DETAIL_SQL                                                                                 \
	"SELECT t.id, t.number, t.title, t.content, t.source, t.link_kind, t.link_id, t.type,"     \
	" t.state, d.id, d.code, d.name, r.id, r.name, l.id, l.name, c.id, c.name, t.filed,"       \
	" t.assigned_date, t.deadline, t.orig_deadline, t.feedback, t.extensions, t.done_date,"    \
	" t.closed_date, t.yellow_from, t.version, t.created_at, t.updated_at, t.archived_at"      \
	" FROM task t JOIN department d ON d.id = t.lead_dept_id"                                  \
	" JOIN app_user r ON r.id = t.responsible_id JOIN app_user l ON l.id = t.leader_id"        \
	" JOIN app_user c ON c.id = t.creator_id WHERE t.id = $1 AND t.org_id = $2"

static json_t *ref(struct db_stmt *st, int col)
{
	return json_pack("{s:I, s:s}", "id", (json_int_t)db_col_int(st, col), "name",
	                 db_col_text(st, col + 1));
}

static json_t *detail_row(struct db_stmt *st, int today)
{
	enum task_state s = (enum task_state)task_state_parse(db_col_text(st, 8));
	int deadline = (int)db_col_int(st, 20);
	int done = db_col_is_null(st, 24) ? 0 : (int)db_col_int(st, 24);
	enum task_light light = task_light(s, deadline, (int)db_col_int(st, 26), done, today);
	int src = code_index(task_source_codes, db_col_text(st, 4));
	int fb = code_index(task_feedback_codes, db_col_text(st, 22));
	json_t *link = db_col_is_null(st, 5) ? json_null()
	                                     : json_pack("{s:s, s:I}", "kind", db_col_text(st, 5),
	                                                 "id", (json_int_t)db_col_int(st, 6));

	return json_pack(
	    "{s:I, s:o, s:s, s:s, s:s, s:s, s:o, s:s, s:s, s:s, s:{s:I, s:s, s:s}, s:o, s:o, s:o,"
	    " s:b, s:o, s:o, s:o, s:s, s:s, s:i, s:o, s:o, s:o, s:I, s:o, s:o, s:o}",
	    "id", (json_int_t)db_col_int(st, 0), "number", db_col_json(st, 1), "title",
	    db_col_text(st, 2), "content", db_col_text(st, 3), "source", task_source_codes[src],
	    "source_name", task_source_names[src], "link", link, "type", db_col_text(st, 7),
	    "state", task_state_codes[s], "state_name", task_state_names[s], "lead_department",
	    "id", (json_int_t)db_col_int(st, 9), "code", db_col_text(st, 10), "name",
	    db_col_text(st, 11), "responsible", ref(st, 12), "leader", ref(st, 14), "creator",
	    ref(st, 16), "filed", (int)db_col_int(st, 18), "assigned_date",
	    date_json((int)db_col_int(st, 19)), "deadline", date_json(deadline), "orig_deadline",
	    date_json((int)db_col_int(st, 21)), "feedback", task_feedback_codes[fb],
	    "feedback_name", task_feedback_names[fb], "extensions", (int)db_col_int(st, 23),
	    "done_date", date_json(done), "closed_date",
	    date_json(db_col_is_null(st, 25) ? 0 : (int)db_col_int(st, 25)), "light",
	    task_light_codes[light] ? json_string(task_light_codes[light]) : json_null(), "version",
	    (json_int_t)db_col_int(st, 27), "created_at", time_json(db_col_int(st, 28)),
	    "updated_at", time_json(db_col_int(st, 29)), "archived_at",
	    time_json(db_col_is_null(st, 30) ? 0 : db_col_int(st, 30)));
}

static json_t *parts_json(struct db *db, int64_t id, int assigned, int today, struct err *e)
{
	struct db_stmt *st = db_query(
	    db, e,
	    "SELECT p.id, p.role, d.id, d.code, d.name, u.id, u.name, p.content, p.deadline,"
	    " p.yellow_from, p.state, p.done_date, p.result, p.signed_at, p.done_at"
	    " FROM task_part p JOIN department d ON d.id = p.department_id"
	    " JOIN app_user u ON u.id = p.assignee_id WHERE p.task_id = $1 ORDER BY p.sort, p.id",
	    "I", id);
	json_t *arr = json_array();
	int rc;

	(void)assigned;
	if (st == NULL)
		goto fail;
	while ((rc = db_step(st, e)) == DB_ROW) {
		int done = db_col_is_null(st, 11) ? 0 : (int)db_col_int(st, 11);
		int deadline = (int)db_col_int(st, 8);
		enum task_light l =
		    task_light(TS_IN_PROGRESS, deadline, (int)db_col_int(st, 9), done, today);
		json_array_append_new(
		    arr, json_pack(
		             "{s:I, s:s, s:{s:I, s:s, s:s}, s:o, s:s, s:o, s:s, s:o, s:s,"
		             " s:s, s:o, s:o}",
		             "id", (json_int_t)db_col_int(st, 0), "role", db_col_text(st, 1),
		             "department", "id", (json_int_t)db_col_int(st, 2), "code",
		             db_col_text(st, 3), "name", db_col_text(st, 4), "assignee", ref(st, 5),
		             "content", db_col_text(st, 7), "deadline", date_json(deadline),
		             "state", db_col_text(st, 10), "done_date", date_json(done), "result",
		             db_col_text(st, 12), "light", task_light_codes[l], "signed_at",
		             time_json(db_col_is_null(st, 13) ? 0 : db_col_int(st, 13)), "done_at",
		             time_json(db_col_is_null(st, 14) ? 0 : db_col_int(st, 14))));
	}
	db_reset(st);
	if (rc < 0)
		goto fail;
	return arr;
fail:
	json_decref(arr);
	return NULL;
}

/* Rows of a query as an array, with times and dates in the given columns converted. */
static json_t *rows_json(struct db *db, struct err *e, const char *sql, int64_t id,
                         const char *const *time_cols, const char *const *date_cols)
{
	json_t *rows = db_query_json(db, e, TASK_EMBED_MAX, sql, "I", id), *r;
	size_t i;

	if (rows == NULL)
		return NULL;
	json_array_foreach(rows, i, r)
	{
		for (const char *const *c = time_cols; c && *c; c++) {
			json_t *v = json_object_get(r, *c);
			if (json_is_integer(v))
				json_object_set_new(r, *c, time_json(json_integer_value(v)));
		}
		for (const char *const *c = date_cols; c && *c; c++) {
			json_t *v = json_object_get(r, *c);
			if (json_is_integer(v))
				json_object_set_new(r, *c, date_json((int)json_integer_value(v)));
		}
	}
	return rows;
}

static const char *const ts_cols[] = {"ts",       "created_at", "decided_at",
                                      "fired_at", "passed_at",  NULL};
static const char *const day_cols[] = {"report_date", "old_deadline", "new_deadline",
                                       "due_key_date", NULL};

static int add_embedded(struct db *db, json_t *j, int64_t id, struct err *e)
{
	static const struct {
		const char *key, *sql;
	} parts[] = {
	    {"supervisors",
	     "SELECT u.id, u.name, s.passed_at FROM task_supervisor s JOIN app_user u"
	     " ON u.id = s.user_id WHERE s.task_id = $1 ORDER BY u.id"},
	    {"events", "SELECT id, ts, actor_id, actor_name, action, from_state, to_state, opinion,"
	               " detail FROM task_event WHERE task_id = $1 ORDER BY id"},
	    {"reports", "SELECT id, part_id, author_id, author_name, content, report_date,"
	                " created_at FROM task_report WHERE task_id = $1 ORDER BY id DESC"},
	    {"reminders", "SELECT id, part_id, kind, CASE WHEN kind = 'manual' THEN NULL ELSE"
	                  " due_key END AS due_key_date, fired_at, actor_id, recipients, message"
	                  " FROM task_reminder WHERE task_id = $1 ORDER BY id DESC"},
	    {"approvals", "SELECT a.id, a.kind, a.state, a.requester_id, u.name AS requester_name,"
	                  " a.reason, a.old_deadline, a.new_deadline, a.decided_name, a.opinion,"
	                  " a.created_at, a.decided_at, a.instance_id FROM task_approval a JOIN"
	                  " app_user u ON"
	                  " u.id = a.requester_id WHERE a.task_id = $1 ORDER BY a.id"},
	};

	for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
		json_t *rows = rows_json(db, e, parts[i].sql, id, ts_cols, day_cols);
		if (rows == NULL)
			return -1;
		json_object_set_new(j, parts[i].key, rows);
	}
	return task_reports_files(db, id, json_object_get(j, "reports"), e);
}

int task_reports_files(struct db *db, int64_t task_id, json_t *reports, struct err *e)
{
	struct db_stmt *st = db_query(
	    db, e,
	    "SELECT rf.report_id, f.id, f.name, f.size, f.kind FROM task_report r"
	    " JOIN task_report_file rf ON rf.report_id = r.id JOIN file f ON f.id = rf.file_id"
	    " WHERE r.task_id = $1 ORDER BY rf.report_id, rf.sort",
	    "I", task_id);
	json_t *r;
	size_t i;
	int rc;

	if (st == NULL)
		return -1;
	json_array_foreach(reports, i, r) json_object_set_new(r, "files", json_array());
	while ((rc = db_step(st, e)) == DB_ROW) {
		int64_t report = db_col_int(st, 0);
		json_array_foreach(reports, i, r)
		{
			if (json_integer_value(json_object_get(r, "id")) != report)
				continue;
			json_array_append_new(
			    json_object_get(r, "files"),
			    json_pack("{s:I, s:s, s:I, s:s}", "id", (json_int_t)db_col_int(st, 1),
			              "name", db_col_text(st, 2), "size",
			              (json_int_t)db_col_int(st, 3), "type", db_col_text(st, 4)));
			break;
		}
	}
	db_reset(st);
	return rc < 0 ? -1 : 0;
}

static int add_actions(struct actx *c, json_t *j, struct err *e)
{
	json_t *arr = json_array();
	bool ok;

	json_object_set_new(j, "actions", arr);
	for (size_t i = 0; i < ACTION_COUNT; i++) {
		if (action_allowed(c, &action_defs[i], &ok, e))
			return -1;
		if (ok)
			json_array_append_new(
			    arr, json_pack("{s:s, s:s, s:b, s:s?}", "action", action_defs[i].code,
			                   "name", action_defs[i].name, "opinion_required",
			                   action_defs[i].opinion_required, "opinion_label",
			                   action_defs[i].opinion_label));
	}
	json_object_set_new(
	    j, "can_report",
	    json_boolean((HANDLING & S(c->t.state)) && (handler(c) || c->rel.assignee)));
	return 0;
}

static int add_report_slots(struct actx *c, json_t *j, struct err *e)
{
	int last = 0, prev = 0, next = 0;
	int64_t n = 0;
	bool found;

	if (task_report_slots(c->db, &c->t, c->today, &last, &prev, &next, e))
		return -1;
	if (last > 0 && db_query_int(c->db, e, &n, &found,
	                             "SELECT count(*) FROM task_report WHERE task_id = $1"
	                             " AND report_date > $2 AND report_date <= $3",
	                             "Iii", c->t.id, prev, last))
		return -1;
	json_object_set_new(j, "next_report_due", date_json(next));
	json_object_set_new(j, "report_overdue",
	                    json_boolean(last > 0 && n == 0 && (HANDLING & S(c->t.state))));
	return 0;
}

json_t *task_json(struct db *db, const struct principal *who, int64_t id, bool full, struct err *e)
{
	struct actx c;
	struct db_stmt *st;
	json_t *j = NULL, *parts;
	int rc;

	if (actx_init(&c, db, who, id, e))
		return NULL;
	st = db_query(db, e, DETAIL_SQL, "II", id, who->org_id);
	if (st == NULL)
		return NULL;
	if ((rc = db_step(st, e)) == DB_ROW)
		j = detail_row(st, c.today);
	db_reset(st);
	if (j == NULL) {
		if (rc >= 0)
			err_set(e, ERR_NOT_FOUND, "督办事项不存在");
		return NULL;
	}
	json_object_set_new(j, "type_name", json_string(c.t.complex ? "复杂" : "常规"));
	json_object_set_new(j, "pending_extension",
	                    c.has_ext
	                        ? json_pack("{s:I, s:I, s:o, s:o}", "id", (json_int_t)c.ext.id,
	                                    "instance_id", (json_int_t)c.ext.instance_id,
	                                    "old_deadline", date_json(c.ext.old_deadline),
	                                    "new_deadline", date_json(c.ext.new_deadline))
	                        : json_null());
	json_object_set_new(j, "pending_filing",
	                    c.has_filing
	                        ? json_pack("{s:I, s:I}", "id", (json_int_t)c.filing.id,
	                                    "instance_id", (json_int_t)c.filing.instance_id)
	                        : json_null());
	if (!full)
		return j;
	parts = parts_json(db, id, c.t.assigned_date, c.today, e);
	if (parts == NULL || add_embedded(db, j, id, e) || add_actions(&c, j, e) ||
	    add_report_slots(&c, j, e)) {
		json_decref(parts);
		json_decref(j);
		return NULL;
	}
	json_object_set_new(j, "parts", parts);
	return j;
}
