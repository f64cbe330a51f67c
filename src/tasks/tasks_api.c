/*
 * tasks_api.c - /api/v1/tasks: items, actions, progress reports, department board, statistics,
 * the 领导驾驶舱, the 通报 (xlsx/pdf) and the scheduler hook. Rules live in tasks.c; this file
 * parses, checks need-to-know in the queries and shapes JSON.
 */
#include "tasks/tasks_private.h"
#include "core/buf.h"
#include "core/jsonv.h"
#include "core/log.h"
#include "core/timeutil.h"
#include "docs/acl.h"
#include "http/http.h"
#include "org/org.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define TASK_QUERY_MAX 128 /* bytes of the q= search text */
#define QB_ARGS_MAX    16

/* ---- a small query builder: WHERE clauses with numbered placeholders ---- */

struct qb {
	struct buf where;
	int n;
	struct {
		bool text;
		int64_t i;
		const char *s;
	} args[QB_ARGS_MAX];
};

/* Appends " AND <clause>" where every "$?" in clause takes the next placeholder number bound to
 * the same value. */
static void qb_add(struct qb *q, const char *clause, bool text, int64_t i, const char *s)
{
	int no = ++q->n;

	q->args[no - 1].text = text;
	q->args[no - 1].i = i;
	q->args[no - 1].s = s;
	buf_adds(&q->where, " AND ");
	for (const char *p = clause; *p; p++) {
		if (p[0] == '$' && p[1] == '?') {
			buf_addf(&q->where, "$%d", no);
			p++;
		} else {
			buf_addc(&q->where, *p);
		}
	}
}

static void qb_raw(struct qb *q, const char *clause)
{
	buf_addf(&q->where, " AND %s", clause);
}

static struct db_stmt *qb_prepare(struct qb *q, struct db *db, const char *head, const char *tail,
                                  struct err *e)
{
	struct buf sql = BUF_INIT;
	struct db_stmt *st;

	buf_addf(&sql, "%s WHERE 1 = 1%s%s", head, q->where.data, tail ? tail : "");
	st = db_prepare(db, sql.data, e);
	buf_free(&sql);
	if (st == NULL)
		return NULL;
	for (int i = 0; i < q->n; i++)
		q->args[i].text ? db_bind_text(st, i + 1, q->args[i].s)
		                : db_bind_int(st, i + 1, q->args[i].i);
	return st;
}

/* ---- query parameters ---- */

static int query_date(struct req *r, const char *key, const char *label, int *out, struct err *e)
{
	const char *s = req_query(r, key);

	if (s == NULL)
		return 0;
	if (date_parse(s, out))
		return err_field(e, ERR_BAD_REQUEST, key, "%s不是有效日期（格式 YYYY-MM-DD）",
		                 label);
	return 0;
}

static int query_enum(struct req *r, const char *key, const char *label, const char *const *codes,
                      int *out, struct err *e)
{
	const char *s = req_query(r, key);

	*out = -1;
	if (s == NULL || *s == '\0')
		return 0;
	for (int i = 0; codes[i]; i++)
		if (strcmp(codes[i], s) == 0) {
			*out = i;
			return 0;
		}
	return err_field(e, ERR_BAD_REQUEST, key, "%s的取值无效", label);
}

static int query_dept(struct req *r, const char *key, int64_t *out, struct err *e)
{
	const char *s = req_query(r, key);
	struct err ignored = ERR_INIT;

	*out = 0;
	if (s == NULL || *s == '\0')
		return 0;
	if (strlen(s) > DEPT_CODE_MAX || dept_by_code(r->db, r->who.org_id, s, out, &ignored))
		return err_field(e, ERR_BAD_REQUEST, key, "部门不存在");
	return 0;
}

/* ---- lists ---- */

#define LIST_HEAD                                                                                  \
	"SELECT t.id, t.number, t.title, t.source, t.type, t.state, d.code, d.name, r.id, r.name," \
	" l.id, l.name, t.assigned_date, t.deadline, t.extensions, t.done_date, t.closed_date,"    \
	" t.version, t.yellow_from, t.feedback"                                                    \
	" FROM task t JOIN department d ON d.id = t.lead_dept_id"                                  \
	" JOIN app_user r ON r.id = t.responsible_id JOIN app_user l ON l.id = t.leader_id"

static json_t *date_or_null(struct db_stmt *st, int col)
{
	char s[DATE_STR_MAX];

	if (db_col_is_null(st, col))
		return json_null();
	date_format((int)db_col_int(st, col), s);
	return json_string(s);
}

static int code_of(const char *const *codes, const char *s)
{
	for (int i = 0; s && codes[i]; i++)
		if (strcmp(codes[i], s) == 0)
			return i;
	return 0;
}

static json_t *list_row(struct db_stmt *st, int today)
{
	int state = task_state_parse(db_col_text(st, 5));
	int src = code_of(task_source_codes, db_col_text(st, 3));
	int done = db_col_is_null(st, 15) ? 0 : (int)db_col_int(st, 15);
	enum task_light light = task_light((enum task_state)state, (int)db_col_int(st, 13),
	                                   (int)db_col_int(st, 18), done, today);

	return json_pack(
	    "{s:I, s:o, s:s, s:s, s:s, s:s, s:s, s:s, s:{s:s, s:s}, s:{s:I, s:s},"
	    " s:{s:I, s:s}, s:o, s:o, s:i, s:o, s:o, s:I, s:o, s:s}",
	    "id", (json_int_t)db_col_int(st, 0), "number", db_col_json(st, 1), "title",
	    db_col_text(st, 2), "source", task_source_codes[src], "source_name",
	    task_source_names[src], "type", db_col_text(st, 4), "state", task_state_codes[state],
	    "state_name", task_state_names[state], "lead_department", "code", db_col_text(st, 6),
	    "name", db_col_text(st, 7), "responsible", "id", (json_int_t)db_col_int(st, 8), "name",
	    db_col_text(st, 9), "leader", "id", (json_int_t)db_col_int(st, 10), "name",
	    db_col_text(st, 11), "assigned_date", date_or_null(st, 12), "deadline",
	    date_or_null(st, 13), "extensions", (int)db_col_int(st, 14), "done_date",
	    date_or_null(st, 15), "closed_date", date_or_null(st, 16), "version",
	    (json_int_t)db_col_int(st, 17), "light",
	    task_light_codes[light] ? json_string(task_light_codes[light]) : json_null(),
	    "feedback", db_col_text(st, 19));
}

static const char *const scopes[] = {"all", "mine", "supervising", NULL};
static const char *const lights[] = {"green", "yellow", "red", NULL};
static const char *const stat_kinds[] = {
    "due", "closed", "closed_on_time", "overdue", "extended", "assigned", NULL};

static const char *const light_clauses[] = {
    "t.state IN " TASK_LIGHT_STATES_SQL " AND ((t.done_date IS NOT NULL AND t.done_date <="
    " t.deadline) OR (t.done_date IS NULL AND t.deadline >= $? AND t.yellow_from > $?))",
    "t.state IN " TASK_LIGHT_STATES_SQL " AND t.done_date IS NULL AND t.deadline >= $?"
    " AND t.yellow_from <= $?",
    "t.state IN " TASK_LIGHT_STATES_SQL " AND (t.done_date > t.deadline OR (t.done_date IS NULL"
    " AND t.deadline < $?))",
};

/* The filters of GET /tasks (and of the lists behind the dashboard's charts). */
static int list_filters(struct req *r, struct qb *q, int today, struct err *e)
{
	int scope, light, state, source, stat, from = 0, to = 0, afrom = 0, ato = 0;
	int64_t dept, lead;
	const char *text = req_query(r, "q"), *open = req_query(r, "open");

	if (query_enum(r, "scope", "范围", scopes, &scope, e) ||
	    query_enum(r, "light", "亮灯", lights, &light, e) ||
	    query_enum(r, "state", "状态", task_state_codes, &state, e) ||
	    query_enum(r, "source", "来源", task_source_codes, &source, e) ||
	    query_enum(r, "stat", "统计口径", stat_kinds, &stat, e) ||
	    query_dept(r, "department", &dept, e) || query_dept(r, "lead_department", &lead, e) ||
	    query_date(r, "due_from", "时限起", &from, e) ||
	    query_date(r, "due_to", "时限止", &to, e) ||
	    query_date(r, "assigned_from", "交办起", &afrom, e) ||
	    query_date(r, "assigned_to", "交办止", &ato, e))
		return -1;
	if (text && strlen(text) > TASK_QUERY_MAX)
		return err_field(e, ERR_BAD_REQUEST, "q", "查询词过长");
	qb_add(q, "t.org_id = $?", false, r->who.org_id, NULL);
	if (!acl_sees_all(&r->who))
		qb_add(q,
		       "t.id IN (SELECT a.object_id FROM acl a WHERE a.user_id = $? AND"
		       " a.kind = 'task')",
		       false, r->who.user_id, NULL);
	if (scope == 1)
		qb_add(q,
		       "(t.responsible_id = $? OR t.leader_id = $? OR t.creator_id = $? OR t.id IN"
		       " (SELECT task_id FROM task_part WHERE assignee_id = $?))",
		       false, r->who.user_id, NULL);
	if (scope == 2)
		qb_add(q, "t.id IN (SELECT task_id FROM task_supervisor WHERE user_id = $?)", false,
		       r->who.user_id, NULL);
	if (dept)
		qb_add(q, "t.id IN (SELECT task_id FROM task_part WHERE department_id = $?)", false,
		       dept, NULL);
	if (lead)
		qb_add(q, "t.lead_dept_id = $?", false, lead, NULL);
	if (state >= 0)
		qb_add(q, "t.state = $?", true, 0, task_state_codes[state]);
	if (open && strcmp(open, "1") == 0)
		qb_raw(q, "t.state IN " TASK_LIGHT_STATES_SQL);
	if (source >= 0)
		qb_add(q, "t.source = $?", true, 0, task_source_codes[source]);
	if (light >= 0)
		qb_add(q, light_clauses[light], false, today, NULL);
	if (from)
		qb_add(q, "t.deadline >= $?", false, from, NULL);
	if (to)
		qb_add(q, "t.deadline <= $?", false, to, NULL);
	if (afrom)
		qb_add(q, "t.assigned_date >= $?", false, afrom, NULL);
	if (ato)
		qb_add(q, "t.assigned_date <= $?", false, ato, NULL);
	if (stat >= 0)
		qb_raw(q, "t.state IN " TASK_COUNTED_STATES_SQL);
	if (stat == 1)
		qb_raw(q, "t.state IN ('closed','archived')");
	if (stat == 2)
		qb_raw(q, "t.state IN ('closed','archived') AND t.done_date <= t.deadline");
	if (stat == 3)
		qb_add(q, "(t.done_date > t.deadline OR (t.done_date IS NULL AND t.deadline < $?))",
		       false, today, NULL);
	if (stat == 4)
		qb_raw(q, "t.extensions > 0");
	if (text && *text)
		qb_add(q, "(t.title LIKE '%' || $? || '%' OR t.number LIKE '%' || $? || '%')", true,
		       0, text);
	return 0;
}

static int get_tasks(struct req *r, struct err *e)
{
	struct qb q = {.where = BUF_INIT};
	int64_t limit, offset, total = 0;
	int today = tasks_today(), rc = -1, step;
	struct db_stmt *st;
	json_t *items = NULL;
	char tail[96];

	if (req_paging(r, &limit, &offset, e) || list_filters(r, &q, today, e))
		goto out;
	st = qb_prepare(&q, r->db, "SELECT count(*) FROM task t", NULL, e);
	if (st == NULL)
		goto out;
	if ((step = db_step(st, e)) == DB_ROW)
		total = db_col_int(st, 0);
	db_reset(st);
	if (step < 0)
		goto out;
	/* placeholders, not literals: the statement cache keys on the text */
	snprintf(tail, sizeof tail, " ORDER BY t.deadline DESC, t.id DESC LIMIT $%d OFFSET $%d",
	         q.n + 1, q.n + 2);
	st = qb_prepare(&q, r->db, LIST_HEAD, tail, e);
	if (st == NULL)
		goto out;
	db_bind_int(st, q.n + 1, limit);
	db_bind_int(st, q.n + 2, offset);
	items = json_array();
	while ((step = db_step(st, e)) == DB_ROW)
		json_array_append_new(items, list_row(st, today));
	db_reset(st);
	if (step < 0)
		goto out;
	req_reply(r, 200, json_list(items, total));
	items = NULL;
	rc = 0;
out:
	json_decref(items);
	buf_free(&q.where);
	return rc;
}

/* ---- the department board ---- */

/* The department's parts of items in handling (partial index task_part_board), with the light of
 * the item; $1 org, $2 department, $3 today, $4 sees all, $5 user. Need-to-know as a per-row
 * acl key lookup (EXISTS): a department head has acl rows for all of the department's history,
 * many more than its open items, so the IN (list) form of ACL_VISIBLE_SQL would cost more. */
#define BOARD_KEYS                                                                                 \
	"SELECT p.id AS pid, t.id AS tid, t.deadline AS dl, " TASK_LIGHT_SQL(                      \
	    "$3") " AS light"                                                                      \
	          " FROM task_part p JOIN task t ON t.id = p.task_id WHERE p.department_id = $2"   \
	          " AND p.item_open = 1 AND t.org_id = $1 AND t.state IN " TASK_LIGHT_STATES_SQL   \
	          " AND ($4 = 1 OR EXISTS (SELECT 1 FROM acl a WHERE a.kind = 'task' AND "         \
	          "a.object_id = t.id"                                                             \
	          " AND a.user_id = $5))"

/* One page of them, red first: the sort runs on the narrow keys, the details join after it. */
#define BOARD_PAGE                                                                                 \
	"SELECT t.id, t.number, t.title, t.source, t.type, t.state, d.code, d.name, r.id, r.name," \
	" l.id, l.name, t.assigned_date, t.deadline, t.extensions, t.done_date, t.closed_date,"    \
	" t.version, t.yellow_from, t.feedback, p.id, p.role, p.deadline, p.yellow_from, p.state," \
	" p.done_date, a.name FROM (SELECT pid, tid, dl, CASE light WHEN 'red' THEN 0"             \
	" WHEN 'yellow' THEN 1 ELSE 2 END AS sev FROM (" BOARD_KEYS ") x"                          \
	" ORDER BY sev, dl, tid LIMIT $6 OFFSET $7) k"                                             \
	" JOIN task_part p ON p.id = k.pid JOIN task t ON t.id = k.tid"                            \
	" JOIN department d ON d.id = t.lead_dept_id JOIN app_user r ON r.id = t.responsible_id"   \
	" JOIN app_user l ON l.id = t.leader_id JOIN app_user a ON a.id = p.assignee_id"           \
	" ORDER BY k.sev, k.dl, k.tid"

static int get_board(struct req *r, struct err *e)
{
	int64_t dept = 0, limit, offset, total = 0;
	int today = tasks_today(), all = acl_sees_all(&r->who) ? 1 : 0, rc;
	json_t *items, *counts, *dj;
	struct db_stmt *st;

	if (req_paging(r, &limit, &offset, e) || query_dept(r, "department", &dept, e))
		return -1;
	if (dept == 0)
		dept = r->who.department_id;
	counts = json_pack("{s:i, s:i, s:i}", "green", 0, "yellow", 0, "red", 0);
	st = db_query(r->db, e, "SELECT light, count(*) FROM (" BOARD_KEYS ") y GROUP BY light",
	              "IIiiI", r->who.org_id, dept, today, all, r->who.user_id);
	if (st == NULL)
		goto fail;
	while ((rc = db_step(st, e)) == DB_ROW) {
		json_object_set_new(counts, db_col_text(st, 0), json_integer(db_col_int(st, 1)));
		total += db_col_int(st, 1);
	}
	db_reset(st);
	if (rc < 0)
		goto fail;
	st = db_query(r->db, e, BOARD_PAGE, "IIiiIII", r->who.org_id, dept, today, all,
	              r->who.user_id, limit, offset);
	if (st == NULL)
		goto fail;
	items = json_array();
	while ((rc = db_step(st, e)) == DB_ROW) {
		json_t *row = list_row(st, today);
		int pdone = db_col_is_null(st, 25) ? 0 : (int)db_col_int(st, 25);
		enum task_light pl = task_light(TS_IN_PROGRESS, (int)db_col_int(st, 22),
		                                (int)db_col_int(st, 23), pdone, today);
		json_object_set_new(row, "part",
		                    json_pack("{s:I, s:s, s:o, s:s, s:s, s:s}", "id",
		                              (json_int_t)db_col_int(st, 20), "role",
		                              db_col_text(st, 21), "deadline", date_or_null(st, 22),
		                              "state", db_col_text(st, 24), "assignee",
		                              db_col_text(st, 26), "light", task_light_codes[pl]));
		json_array_append_new(items, row);
	}
	db_reset(st);
	if (rc < 0) {
		json_decref(items);
		goto fail;
	}
	dj = db_query_json(r->db, e, 1, "SELECT id, code, name FROM department WHERE id = $1", "I",
	                   dept);
	if (dj == NULL) {
		json_decref(items);
		goto fail;
	}
	r->json = json_pack("{s:o, s:o, s:o, s:I}", "department",
	                    json_array_size(dj) ? json_incref(json_array_get(dj, 0)) : json_null(),
	                    "counts", counts, "items", items, "total", (json_int_t)total);
	json_decref(dj);
	return 0;
fail:
	json_decref(counts);
	return -1;
}

/* ---- create ---- */

static const char *const task_fields[] = {
    "title",          "content",   "source",         "link_id",       "type",     "lead_department",
    "responsible_id", "leader_id", "supervisor_ids", "assigned_date", "deadline", "feedback",
    "parts",          NULL};
static const char *const part_fields[] = {"department", "role",     "assignee_id",
                                          "content",    "deadline", NULL};
static const char *const types[] = {"routine", "complex", NULL};
static const char *const part_roles[] = {"lead", "assist", NULL};

/* A list of ids (users, files) in body field `field`: at most max positive integers. Absent or
 * null is an empty list when not required. `what` and `unit` word the messages (督办人, 人). */
static int id_list(struct req *r, const char *field, const char *what, const char *unit,
                   bool required, size_t max, int64_t *ids, size_t *n, struct err *e)
{
	json_t *arr = json_object_get(r->body, field), *v;
	size_t i;

	*n = 0;
	if (arr == NULL || json_is_null(arr))
		return required ? err_field(e, ERR_VALIDATION, field, "请指定%s", what) : 0;
	if (!json_is_array(arr))
		return err_field(e, ERR_VALIDATION, field, "%s必须是编号的列表", what);
	if (json_array_size(arr) > max)
		return err_field(e, ERR_VALIDATION, field, "%s最多%zu%s", what, max, unit);
	json_array_foreach(arr, i, v)
	{
		if (!json_is_integer(v) || json_integer_value(v) <= 0)
			return err_field(e, ERR_VALIDATION, field, "%s第%zu项无效", what, i + 1);
		ids[(*n)++] = json_integer_value(v);
	}
	return 0;
}

static int parse_supervisors(struct req *r, struct task_new *n, struct err *e)
{
	return id_list(r, "supervisor_ids", "督办人", "人", true, TASK_SUPERVISORS_MAX,
	               n->supervisors, &n->n_supervisors, e);
}

static int parse_part(struct req *r, json_t *o, struct task_part_new *p, struct err *e)
{
	const char *dept = NULL;
	int role = 1;

	if (!json_is_object(o))
		return err_field(e, ERR_VALIDATION, "parts", "子任务格式无效");
	if (jv_only(o, part_fields, e) ||
	    jv_string(o, "department", "子任务部门", true, DEPT_CODE_MAX, &dept, e) ||
	    jv_enum(o, "role", "子任务角色", false, part_roles, &role, e) ||
	    jv_int(o, "assignee_id", "子任务承办人", true, 1, INT64_MAX, &p->assignee_id, e) ||
	    jv_string(o, "content", "子任务内容", true, TASK_CONTENT_MAX, &p->content, e) ||
	    jv_date(o, "deadline", "子任务时限", true, &p->deadline, e))
		return -1;
	p->lead = role == 0;
	if (dept_by_code(r->db, r->who.org_id, dept, &p->department_id, e)) {
		snprintf(e->field, sizeof e->field, "parts");
		return -1;
	}
	return 0;
}

static int parse_task(struct req *r, struct task_new *n, struct err *e)
{
	const char *lead = NULL;
	int source = -1, type = 0, fb = FB_NONE;
	json_t *parts = NULL, *p;
	size_t i;

	memset(n, 0, sizeof *n);
	n->assigned_date = tasks_today();
	n->content = "";
	if (jv_only(r->body, task_fields, e) ||
	    jv_string(r->body, "title", "事项名称", true, FIELD_TITLE_MAX, &n->title, e) ||
	    jv_string(r->body, "content", "事项内容", false, TASK_CONTENT_MAX, &n->content, e) ||
	    jv_enum(r->body, "source", "来源", true, task_source_codes, &source, e) ||
	    jv_int(r->body, "link_id", "关联收文", false, 1, INT64_MAX, &n->link_incoming, e) ||
	    jv_enum(r->body, "type", "类型", false, types, &type, e) ||
	    jv_string(r->body, "lead_department", "牵头（承办）部门", true, DEPT_CODE_MAX, &lead,
	              e) ||
	    jv_int(r->body, "responsible_id", "责任人", true, 1, INT64_MAX, &n->responsible_id,
	           e) ||
	    jv_int(r->body, "leader_id", "责任领导", false, 1, INT64_MAX, &n->leader_id, e) ||
	    parse_supervisors(r, n, e) ||
	    jv_date(r->body, "assigned_date", "交办日期", false, &n->assigned_date, e) ||
	    jv_date(r->body, "deadline", "办理时限", true, &n->deadline, e) ||
	    jv_enum(r->body, "feedback", "反馈周期", false, task_feedback_codes, &fb, e))
		return -1;
	n->source = (enum task_source)source;
	n->complex = type == 1;
	n->feedback = (enum task_feedback)fb;
	if (dept_by_code(r->db, r->who.org_id, lead, &n->lead_dept_id, e)) {
		snprintf(e->field, sizeof e->field, "lead_department");
		return -1;
	}
	parts = json_object_get(r->body, "parts");
	if (parts == NULL || json_is_null(parts))
		return 0;
	if (!json_is_array(parts))
		return err_field(e, ERR_VALIDATION, "parts", "子任务必须是列表");
	if (json_array_size(parts) > TASK_PARTS_MAX)
		return err_field(e, ERR_VALIDATION, "parts", "子任务最多%d项", TASK_PARTS_MAX);
	json_array_foreach(parts, i, p)
	{
		if (parse_part(r, p, &n->parts[i], e))
			return -1;
		n->n_parts++;
	}
	return 0;
}

static int post_task(struct req *r, struct err *e)
{
	struct task_new n;
	int64_t id;

	if (parse_task(r, &n, e) || task_create(r->db, &r->who, &n, &id, e))
		return -1;
	req_audit_object(r, TASK_KIND, id);
	snprintf(r->audit_detail, sizeof r->audit_detail, "%.200s", n.title);
	r->json = task_json(r->db, &r->who, id, true, e);
	r->status = 201;
	return r->json ? 0 : -1;
}

static int get_task(struct req *r, struct err *e)
{
	int64_t id;

	if (req_param_id(r, "id", &id, e))
		return -1;
	r->json = task_json(r->db, &r->who, id, true, e);
	return r->json ? 0 : -1;
}

static const char *const action_fields[] = {"action",  "opinion", "new_deadline",
                                            "part_id", "version", NULL};

static int post_action(struct req *r, struct err *e)
{
	struct task_action a = {0};
	int64_t id;
	int idx = 0;

	if (req_param_id(r, "id", &id, e) || jv_only(r->body, action_fields, e) ||
	    jv_enum(r->body, "action", "操作", true, task_action_codes, &idx, e) ||
	    jv_string(r->body, "opinion", "意见", false, FIELD_OPINION_MAX, &a.opinion, e) ||
	    jv_date(r->body, "new_deadline", "延期后的办理时限", false, &a.new_deadline, e) ||
	    jv_int(r->body, "part_id", "子任务", false, 1, INT64_MAX, &a.part_id, e) ||
	    jv_int(r->body, "version", "版本号", false, 1, INT64_MAX, &a.version, e))
		return -1;
	a.action = task_action_codes[idx];
	req_audit_object(r, TASK_KIND, id);
	snprintf(r->audit_detail, sizeof r->audit_detail, "%s", a.action);
	if (task_act(r->db, &r->who, id, &a, e))
		return -1;
	r->json = task_json(r->db, &r->who, id, true, e);
	return r->json ? 0 : -1;
}

static const char *const report_fields[] = {"content", "part_id", "attachments", NULL};

static int post_report(struct req *r, struct err *e)
{
	const char *content = NULL;
	int64_t id, part = 0, report, files[TASK_REPORT_FILES_MAX];
	size_t n_files = 0;

	if (req_param_id(r, "id", &id, e) || jv_only(r->body, report_fields, e) ||
	    jv_string(r->body, "content", "进展情况", true, TASK_CONTENT_MAX, &content, e) ||
	    jv_int(r->body, "part_id", "子任务", false, 1, INT64_MAX, &part, e) ||
	    id_list(r, "attachments", "附件", "个", false, TASK_REPORT_FILES_MAX, files, &n_files,
	            e))
		return -1;
	req_audit_object(r, TASK_KIND, id);
	snprintf(r->audit_detail, sizeof r->audit_detail, "report");
	if (task_report_add(r->db, &r->who, id, part, content, files, n_files, &report, e))
		return -1;
	r->status = 201;
	r->json = db_query_json(r->db, e, 1,
	                        "SELECT id, task_id, part_id, author_id, author_name, content,"
	                        " report_date, created_at FROM task_report WHERE id = $1",
	                        "I", report);
	if (r->json == NULL)
		return -1;
	{
		json_t *row = json_incref(json_array_get(r->json, 0));
		char d[DATE_STR_MAX], t[TIME_ISO_MAX];
		json_decref(r->json);
		date_format((int)json_integer_value(json_object_get(row, "report_date")), d);
		time_iso(json_integer_value(json_object_get(row, "created_at")), t);
		json_object_set_new(row, "report_date", json_string(d));
		json_object_set_new(row, "created_at", json_string(t));
		r->json = row;
	}
	{
		json_t *one = json_pack("[O]", r->json);
		int rc = one ? task_reports_files(r->db, id, one, e) : -1;
		json_decref(one);
		return rc;
	}
}

static int get_reports(struct req *r, struct err *e)
{
	int64_t id, limit, offset, total = 0;
	bool found;
	json_t *items, *it;
	size_t i;

	if (req_param_id(r, "id", &id, e) || req_paging(r, &limit, &offset, e) ||
	    task_check_visible(r->db, &r->who, id, e) ||
	    db_query_int(r->db, e, &total, &found,
	                 "SELECT count(*) FROM task_report WHERE task_id = $1", "I", id))
		return -1;
	items = db_query_json(r->db, e, (size_t)limit,
	                      "SELECT id, part_id, author_id, author_name, content, report_date,"
	                      " created_at FROM task_report WHERE task_id = $1 ORDER BY id DESC"
	                      " LIMIT $2 OFFSET $3",
	                      "III", id, limit, offset);
	if (items == NULL)
		return -1;
	json_array_foreach(items, i, it)
	{
		char d[DATE_STR_MAX], t[TIME_ISO_MAX];
		date_format((int)json_integer_value(json_object_get(it, "report_date")), d);
		time_iso(json_integer_value(json_object_get(it, "created_at")), t);
		json_object_set_new(it, "report_date", json_string(d));
		json_object_set_new(it, "created_at", json_string(t));
	}
	if (task_reports_files(r->db, id, items, e)) {
		json_decref(items);
		return -1;
	}
	req_reply(r, 200, json_list(items, total));
	return 0;
}

/* ---- statistics, dashboard, 通报 ---- */

static int period(struct req *r, int *from, int *to, struct err *e)
{
	int y, m, d;

	date_ymd(tasks_today(), &y, &m, &d);
	*from = date_from_ymd(y, 1, 1);
	*to = date_from_ymd(y, 12, 31);
	if (query_date(r, "from", "起始日期", from, e) || query_date(r, "to", "截止日期", to, e))
		return -1;
	if (*to < *from)
		return err_field(e, ERR_BAD_REQUEST, "to", "截止日期不能早于起始日期");
	if (*to - *from > TASK_STATS_SPAN_MAX)
		return err_field(e, ERR_BAD_REQUEST, "to", "统计区间不能超过%d天",
		                 TASK_STATS_SPAN_MAX);
	return 0;
}

static int get_stats(struct req *r, struct err *e)
{
	int from, to;

	if (period(r, &from, &to, e))
		return -1;
	r->json = task_stats_json(r->db, &r->who, from, to, e);
	return r->json ? 0 : -1;
}

static int get_dashboard(struct req *r, struct err *e)
{
	const char *ys = req_query(r, "year");
	int y, m, d;
	char *end;

	date_ymd(tasks_today(), &y, &m, &d);
	if (ys) {
		long v = strtol(ys, &end, 10);
		if (*end != '\0' || v < 2000 || v > 2199)
			return err_field(e, ERR_BAD_REQUEST, "year", "年份无效");
		y = (int)v;
	}
	r->json = task_dashboard_json(r->db, &r->who, y, e);
	return r->json ? 0 : -1;
}

static int send_bulletin(struct req *r, bool pdf, struct err *e)
{
	char path[] = "/tmp/jianwu-bulletin-XXXXXX", name[96], f[DATE_STR_MAX], t[DATE_STR_MAX];
	int from, to, fd;
	struct stat sb;

	if (period(r, &from, &to, e))
		return -1;
	fd = mkstemp(path);
	if (fd < 0)
		return err_internal(e, "mkstemp: cannot create a temporary file");
	close(fd);
	if ((pdf ? task_bulletin_pdf(r->db, &r->who, from, to, path, e)
	         : task_bulletin_xlsx(r->db, &r->who, from, to, path, e))) {
		unlink(path);
		return -1;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	unlink(path); /* the open descriptor keeps the data until it is sent */
	if (fd < 0 || fstat(fd, &sb) != 0) {
		if (fd >= 0)
			close(fd);
		return err_internal(e, "bulletin file vanished");
	}
	date_format(from, f);
	date_format(to, t);
	snprintf(name, sizeof name, "督办通报_%s_%s.%s", f, t, pdf ? "pdf" : "xlsx");
	req_send_fd(r, fd, (uint64_t)sb.st_size,
	            pdf ? "application/pdf"
	                : "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	            name);
	return 0;
}

static int get_bulletin_xlsx(struct req *r, struct err *e)
{
	return send_bulletin(r, false, e);
}

static int get_bulletin_pdf(struct req *r, struct err *e)
{
	return send_bulletin(r, true, e);
}

/* ---- reference data ---- */

static json_t *code_names(const char *const *codes, const char *const *names, int n)
{
	json_t *arr = json_array();

	for (int i = 0; i < n; i++)
		json_array_append_new(arr,
		                      json_pack("{s:s, s:s}", "code", codes[i], "name", names[i]));
	return arr;
}

static int get_meta(struct req *r, struct err *e)
{
	char today[DATE_STR_MAX];

	(void)e;
	date_format(tasks_today(), today);
	r->json =
	    json_pack("{s:o, s:o, s:o, s:s, s:b, s:{s:i, s:i, s:i}}", "sources",
	              code_names(task_source_codes, task_source_names, SRC_COUNT), "states",
	              code_names(task_state_codes, task_state_names, TS_COUNT), "feedback",
	              code_names(task_feedback_codes, task_feedback_names, FB_COUNT), "today",
	              today, "fake_clock", tasks_clock_fake(), "limits", "parts", TASK_PARTS_MAX,
	              "supervisors", TASK_SUPERVISORS_MAX, "content_bytes", TASK_CONTENT_MAX);
	return 0;
}

/* ---- the scheduler hook ---- */

static const char *const run_fields[] = {"now", NULL};

/* Runs one reminder sweep now, inside this request's transaction. With the test clock
 * (JIANWU_FAKE_NOW) the body may move the clock first: {"now": "2026-03-10T09:00:00+08:00"}. */
static int post_scheduler_run(struct req *r, struct err *e)
{
	const char *now_s = NULL;
	struct task_sweep_result res;
	int64_t now;
	char iso[TIME_ISO_MAX];

	if (jv_only(r->body, run_fields, e) ||
	    jv_string(r->body, "now", "时间", false, TIME_ISO_MAX, &now_s, e))
		return -1;
	if (now_s) {
		if (!tasks_clock_fake())
			return err_field(e, ERR_VALIDATION, "now",
			                 "只有以测试时钟（JIANWU_FAKE_NOW）启动的服务才能指定时间");
		if (time_parse_iso(now_s, &now))
			return err_field(e, ERR_VALIDATION, "now", "时间格式无效（ISO 8601）");
		tasks_clock_set(now);
	}
	now = tasks_now();
	if (tasks_sweep(r->db, now, &res, e))
		return -1;
	time_iso(now, iso);
	snprintf(r->audit_detail, sizeof r->audit_detail, "sweep %s fired %d", iso, res.fired);
	r->json = json_pack("{s:s, s:i, s:i, s:i, s:i, s:b}", "now", iso, "fired", res.fired,
	                    "notices", res.notices, "examined", res.examined, "lights", res.lights,
	                    "fake_clock", tasks_clock_fake());
	return 0;
}

static int get_scheduler(struct req *r, struct err *e)
{
	int64_t last, now, count;
	char a[TIME_ISO_MAX] = "", b[TIME_ISO_MAX] = "", c[TIME_ISO_MAX];

	(void)e;
	tasks_sched_status(&last, &now, &count);
	if (last)
		time_iso(last, a);
	if (now)
		time_iso(now, b);
	time_iso(tasks_now(), c);
	r->json =
	    json_pack("{s:o, s:o, s:I, s:s, s:b}", "last_run", last ? json_string(a) : json_null(),
	              "last_clock", now ? json_string(b) : json_null(), "sweeps", (json_int_t)count,
	              "clock", c, "fake_clock", tasks_clock_fake());
	return 0;
}

#define ROLES_CREATE   (ROLES_OFFICE | ROLES_LEADERS | ROLE_DEPT_HEAD)
#define ROLES_OVERVIEW (ROLES_OFFICE | ROLES_LEADERS | ROLE_DEPT_HEAD)

static const struct route tasks_routes[] = {
    {"GET", "/api/v1/tasks", get_tasks, 0, ROLES_BUSINESS, NULL},
    {"POST", "/api/v1/tasks", post_task, 0, ROLES_CREATE, "task.create"},
    {"GET", "/api/v1/tasks/meta", get_meta, 0, ROLES_BUSINESS, NULL},
    {"GET", "/api/v1/tasks/stats", get_stats, 0, ROLES_BUSINESS, NULL},
    {"GET", "/api/v1/tasks/board", get_board, 0, ROLES_BUSINESS, NULL},
    {"GET", "/api/v1/tasks/dashboard", get_dashboard, 0, ROLES_OVERVIEW, NULL},
    {"GET", "/api/v1/tasks/bulletin.xlsx", get_bulletin_xlsx, 0, ROLES_OFFICE | ROLES_LEADERS,
     NULL},
    {"GET", "/api/v1/tasks/bulletin.pdf", get_bulletin_pdf, 0, ROLES_OFFICE | ROLES_LEADERS, NULL},
    {"GET", "/api/v1/tasks/scheduler", get_scheduler, 0, ROLE_OFFICE_DIRECTOR, NULL},
    {"POST", "/api/v1/tasks/scheduler/run", post_scheduler_run, 0, ROLE_OFFICE_DIRECTOR,
     "task.scheduler.run"},
    {"GET", "/api/v1/tasks/{id}", get_task, 0, ROLES_BUSINESS, NULL},
    {"POST", "/api/v1/tasks/{id}/actions", post_action, 0, ROLES_BUSINESS, "task.action"},
    {"GET", "/api/v1/tasks/{id}/reports", get_reports, 0, ROLES_BUSINESS, NULL},
    {"POST", "/api/v1/tasks/{id}/reports", post_report, 0, ROLES_BUSINESS, "task.report"},
};

/* Before serving: the approval listener and the search kind (process-wide registries), the
 * items the search index lacks, then the scheduler. */
static int tasks_start(const char *db_uri, struct err *e)
{
	if (tasks_engine_register())
		return err_internal(e, "督办: approval listener not registered");
	return tasks_search_start(db_uri, e) || tasks_sched_start(db_uri, e) ? -1 : 0;
}

const struct module tasks_module = {
    .name = "tasks",
    .routes = tasks_routes,
    .route_count = sizeof tasks_routes / sizeof tasks_routes[0],
    .start = tasks_start,
    .stop = tasks_sched_stop,
    .demo = tasks_demo,
};
