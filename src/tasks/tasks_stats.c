/*
 * tasks_stats.c - statistics of 督办, the 领导驾驶舱 figures and the periodic 通报 (xlsx, pdf).
 *
 * Definitions (period [from, to], both dates inclusive; "today" = the module clock's date):
 *   counted         items that were 立项 and not cancelled (not 报备待批/未通过, not 已撤销)
 *   due             counted items whose 办理时限 — the deadline in force, i.e. after approved
 *                   extensions — falls in [from, to]
 *   closed          due items that are 办结销号 (closed or archived) by now
 *   closed_on_time  closed items whose accepted 办结报告 (done_date) is on or before the deadline
 *   overdue         due items that missed the deadline: reported after it, or still without an
 *                   accepted 办结报告 while the deadline lies before today
 *   extended        due items with at least one approved extension
 *   on_time_rate    closed_on_time / due, rounded to 4 decimals; null when due = 0
 *   closed_rate     closed / due (办结率), same rounding
 *   avg_days        mean calendar days from 交办日期 to the accepted 办结报告 over closed items
 *   assigned        counted items whose 交办日期 falls in [from, to] (new work of the period)
 * Items count for their 牵头部门 (the department answerable for the whole item) and their 来源.
 * Need-to-know applies: a caller who does not see all counts only the items visible to them.
 */
#include "tasks/tasks_private.h"
#include "core/buf.h"
#include "core/timeutil.h"
#include "docs/acl.h"
#include "docs/docs.h"
#include "http/http.h"
#include "tasks/tasks_pdf.h"
#include "render/xlsx.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define STATS_DEPTS_MAX 256 /* departments of one org shown in statistics */

struct counts {
	int64_t due, closed, on_time, overdue, extended, assigned, days;
};

struct dept_counts {
	int64_t id;
	char code[32];
	char name[FIELD_NAME_MAX + 1];
	struct counts c;
};

struct stats {
	struct dept_counts *depts;
	size_t n_depts;
	struct counts by_source[SRC_COUNT];
	struct counts total;
};

static void add_counts(struct counts *to, const struct counts *c)
{
	to->due += c->due;
	to->closed += c->closed;
	to->on_time += c->on_time;
	to->overdue += c->overdue;
	to->extended += c->extended;
	to->assigned += c->assigned;
	to->days += c->days;
}

static struct dept_counts *dept_slot(struct stats *s, int64_t id)
{
	for (size_t i = 0; i < s->n_depts; i++)
		if (s->depts[i].id == id)
			return &s->depts[i];
	return NULL;
}

/* Every department of the org in display order (names and codes for the rows). */
static int load_depts(struct db *db, int64_t org_id, struct stats *s, struct err *e)
{
	struct db_stmt *st = db_query(db, e,
	                              "SELECT id, code, name FROM department WHERE org_id = $1"
	                              " ORDER BY sort, id",
	                              "I", org_id);
	int rc;

	s->depts = calloc(STATS_DEPTS_MAX, sizeof *s->depts);
	if (s->depts == NULL)
		return err_internal(e, "out of memory");
	if (st == NULL)
		return -1;
	while ((rc = db_step(st, e)) == DB_ROW && s->n_depts < STATS_DEPTS_MAX) {
		struct dept_counts *d = &s->depts[s->n_depts++];
		d->id = db_col_int(st, 0);
		snprintf(d->code, sizeof d->code, "%s", db_col_text(st, 1));
		snprintf(d->name, sizeof d->name, "%s", db_col_text(st, 2));
	}
	db_reset(st);
	return rc < 0 ? -1 : 0;
}

static int source_index(const char *code)
{
	for (int i = 0; i < SRC_COUNT; i++)
		if (strcmp(task_source_codes[i], code) == 0)
			return i;
	return SRC_COUNT - 1;
}

static void account(struct stats *s, int64_t dept, int source, const struct counts *c)
{
	struct dept_counts *d = dept_slot(s, dept);

	if (d)
		add_counts(&d->c, c);
	add_counts(&s->by_source[source], c);
	add_counts(&s->total, c);
}

/* Per month of a year (the dashboard): the same figures keyed by the deadline's month, and new
 * items by the 交办日期's month. */
struct months {
	int64_t due[12], closed[12], on_time[12], overdue[12], assigned[12];
};

static bool counted(const char *state)
{
	return strcmp(state, "filing") && strcmp(state, "rejected") && strcmp(state, "cancelled");
}

/* One due item, classified by the definitions at the top of this file. */
static void classify(const char *state, int deadline, int done, int ext, int assigned, int today,
                     struct counts *c)
{
	bool closed = strcmp(state, "closed") == 0 || strcmp(state, "archived") == 0;

	c->due = 1;
	c->closed = closed;
	c->on_time = closed && done > 0 && done <= deadline;
	c->overdue = done > deadline || (done == 0 && deadline < today);
	c->extended = ext > 0;
	c->days = closed && done > 0 ? done - assigned : 0;
}

/*
 * Two range scans on covering indexes, aggregated here rather than with GROUP BY: SQLite would
 * sort every row of the period into a temporary b-tree for the grouping, which costs more than
 * the scan itself (bench/tasks/README.md). The first scan takes the items due in the period (and
 * counts those of them assigned in it); the second only the items assigned in the period but due
 * after it. A caller who does not see all starts from their acl rows instead of the whole period.
 */
#define DUE_COLS                                                                                   \
	"SELECT t.lead_dept_id, t.source, t.state, t.deadline, t.done_date, t.extensions,"         \
	" t.assigned_date FROM "
#define DUE_WHERE  " t.org_id = $1 AND t.deadline >= $2 AND t.deadline <= $3"
#define LATER_COLS "SELECT t.lead_dept_id, t.source, t.state, t.assigned_date FROM "
#define LATER_WHERE                                                                                \
	" t.org_id = $1 AND t.assigned_date >= $2 AND t.assigned_date <= $3 AND t.deadline > $3"
#define FROM_ACL                                                                                   \
	"acl a CROSS JOIN task t WHERE t.id = a.object_id AND a.user_id = $4 AND a.kind = 'task' " \
	"AND"

static int compute(struct db *db, const struct principal *who, int from, int to, struct stats *s,
                   struct months *m, struct err *e)
{
	int today = tasks_today(), rc, y, mo, d;
	bool all = acl_sees_all(who);
	struct db_stmt *st;

	memset(s, 0, sizeof *s);
	if (m)
		memset(m, 0, sizeof *m);
	if (load_depts(db, who->org_id, s, e))
		return -1;
	st = all ? db_query(db, e, DUE_COLS "task t WHERE" DUE_WHERE, "Iii", who->org_id, from, to)
	         : db_query(db, e, DUE_COLS FROM_ACL DUE_WHERE, "IiiI", who->org_id, from, to,
	                    who->user_id);
	if (st == NULL)
		return -1;
	while ((rc = db_step(st, e)) == DB_ROW) {
		const char *state = db_col_text(st, 2);
		struct counts c;
		int deadline = (int)db_col_int(st, 3), assigned = (int)db_col_int(st, 6);
		if (!counted(state))
			continue;
		classify(state, deadline, db_col_is_null(st, 4) ? 0 : (int)db_col_int(st, 4),
		         (int)db_col_int(st, 5), assigned, today, &c);
		c.assigned = assigned >= from && assigned <= to;
		account(s, db_col_int(st, 0), source_index(db_col_text(st, 1)), &c);
		if (m) {
			date_ymd(deadline, &y, &mo, &d);
			m->due[mo - 1]++;
			m->closed[mo - 1] += c.closed;
			m->on_time[mo - 1] += c.on_time;
			m->overdue[mo - 1] += c.overdue;
			if (c.assigned) {
				date_ymd(assigned, &y, &mo, &d);
				m->assigned[mo - 1]++;
			}
		}
	}
	db_reset(st);
	if (rc < 0)
		return -1;
	st = all ? db_query(db, e, LATER_COLS "task t WHERE" LATER_WHERE, "Iii", who->org_id, from,
	                    to)
	         : db_query(db, e, LATER_COLS FROM_ACL LATER_WHERE, "IiiI", who->org_id, from, to,
	                    who->user_id);
	if (st == NULL)
		return -1;
	while ((rc = db_step(st, e)) == DB_ROW) {
		struct counts c = {.assigned = 1};
		if (!counted(db_col_text(st, 2)))
			continue;
		account(s, db_col_int(st, 0), source_index(db_col_text(st, 1)), &c);
		if (m) {
			date_ymd((int)db_col_int(st, 3), &y, &mo, &d);
			m->assigned[mo - 1]++;
		}
	}
	db_reset(st);
	return rc < 0 ? -1 : 0;
}

static json_t *rate(int64_t num, int64_t den)
{
	return den > 0 ? json_real(round((double)num * 10000.0 / (double)den) / 10000.0)
	               : json_null();
}

static json_t *counts_json(const struct counts *c)
{
	return json_pack("{s:I, s:I, s:I, s:I, s:I, s:o, s:o, s:I, s:o}", "due", (json_int_t)c->due,
	                 "closed", (json_int_t)c->closed, "closed_on_time", (json_int_t)c->on_time,
	                 "overdue", (json_int_t)c->overdue, "extended", (json_int_t)c->extended,
	                 "on_time_rate", rate(c->on_time, c->due), "closed_rate",
	                 rate(c->closed, c->due), "assigned", (json_int_t)c->assigned, "avg_days",
	                 c->closed > 0
	                     ? json_real(round((double)c->days * 10.0 / (double)c->closed) / 10.0)
	                     : json_null());
}

static json_t *stats_json(const struct stats *s, int from, int to)
{
	json_t *depts = json_array(), *sources = json_array();
	char f[DATE_STR_MAX], t[DATE_STR_MAX], today[DATE_STR_MAX];

	for (size_t i = 0; i < s->n_depts; i++) {
		const struct dept_counts *d = &s->depts[i];
		json_t *row;
		if (d->c.due == 0 && d->c.assigned == 0)
			continue;
		row = counts_json(&d->c);
		json_object_set_new(row, "department_code", json_string(d->code));
		json_object_set_new(row, "department_name", json_string(d->name));
		json_array_append_new(depts, row);
	}
	for (int i = 0; i < SRC_COUNT; i++) {
		json_t *row;
		if (s->by_source[i].due == 0 && s->by_source[i].assigned == 0)
			continue;
		row = counts_json(&s->by_source[i]);
		json_object_set_new(row, "source", json_string(task_source_codes[i]));
		json_object_set_new(row, "source_name", json_string(task_source_names[i]));
		json_array_append_new(sources, row);
	}
	date_format(from, f);
	date_format(to, t);
	date_format(tasks_today(), today);
	return json_pack("{s:s, s:s, s:s, s:o, s:o, s:o}", "from", f, "to", t, "as_of", today,
	                 "by_department", depts, "by_source", sources, "total",
	                 counts_json(&s->total));
}

json_t *task_stats_json(struct db *db, const struct principal *who, int from, int to, struct err *e)
{
	struct stats s;
	json_t *out = NULL;

	if (compute(db, who, from, to, &s, NULL, e) == 0)
		out = stats_json(&s, from, to);
	free(s.depts);
	return out;
}

/* ---- 领导驾驶舱 ---- */

static int dashboard_lights(struct db *db, const struct principal *who, json_t *out, struct err *e)
{
	int today = tasks_today(), all = acl_sees_all(who) ? 1 : 0, rc;
	json_t *by_dept = json_object(),
	       *total = json_pack("{s:i, s:i, s:i}", "green", 0, "yellow", 0, "red", 0);
	struct db_stmt *st;

	json_object_set_new(out, "by_light", total);
	json_object_set_new(out, "lights_by_department", by_dept);
	st = db_query(
	    db, e,
	    "SELECT d.code, x.light, count(*) FROM (SELECT t.lead_dept_id AS dept, " TASK_LIGHT_SQL(
	        "$2") " AS light FROM task t WHERE t.org_id = $1 AND t.state "
	              "IN " TASK_LIGHT_STATES_SQL " AND " ACL_VISIBLE_SQL(
	                  "task", "t.id", "$3",
	                  "$4") ") x JOIN department d ON d.id = x.dept GROUP BY d.code, x.light",
	    "IiiI", who->org_id, today, all, who->user_id);
	if (st == NULL)
		return -1;
	while ((rc = db_step(st, e)) == DB_ROW) {
		const char *code = db_col_text(st, 0), *light = db_col_text(st, 1);
		json_int_t n = db_col_int(st, 2);
		json_t *d = json_object_get(by_dept, code);
		if (light == NULL)
			continue;
		if (d == NULL) {
			d = json_pack("{s:i, s:i, s:i}", "green", 0, "yellow", 0, "red", 0);
			json_object_set_new(by_dept, code, d);
		}
		json_object_set_new(d, light, json_integer(n));
		json_object_set_new(
		    total, light,
		    json_integer(json_integer_value(json_object_get(total, light)) + n));
	}
	db_reset(st);
	return rc < 0 ? -1 : 0;
}

static json_t *months_json(const struct months *m, int year)
{
	json_t *arr = json_array();
	int today = tasks_today();

	for (int i = 0; i < 12; i++) {
		char month[32], first[DATE_STR_MAX], last[DATE_STR_MAX];
		int start = date_from_ymd(year, i + 1, 1);
		snprintf(month, sizeof month, "%04d-%02d", year % 10000, i + 1);
		date_format(start, first);
		date_format(i == 11 ? date_from_ymd(year, 12, 31)
		                    : date_from_ymd(year, i + 2, 1) - 1,
		            last);
		json_array_append_new(
		    arr,
		    json_pack("{s:s, s:s, s:s, s:I, s:I, s:I, s:I, s:I, s:o}", "month", month,
		              "from", first, "to", last, "assigned", (json_int_t)m->assigned[i],
		              "due", (json_int_t)m->due[i], "closed", (json_int_t)m->closed[i],
		              "closed_on_time", (json_int_t)m->on_time[i], "overdue",
		              (json_int_t)m->overdue[i], "on_time_rate",
		              /* a month that has not begun has no rate yet */
		              start > today ? json_null() : rate(m->on_time[i], m->due[i])));
	}
	return arr;
}

#define DASH_RED_MAX  20
#define DASH_DOCS_MAX 20

static int dashboard_red(struct db *db, const struct principal *who, json_t *out, struct err *e)
{
	int today = tasks_today(), all = acl_sees_all(who) ? 1 : 0;
	json_t *rows;
	size_t i;
	json_t *r;
	int64_t total = 0;
	bool found;

	if (db_query_int(db, e, &total, &found,
	                 "SELECT count(*) FROM task t WHERE t.org_id = $1 AND t.state "
	                 "IN " TASK_LIGHT_STATES_SQL
	                 " AND (t.done_date > t.deadline OR (t.done_date IS NULL"
	                 " AND t.deadline < $2)) AND " ACL_VISIBLE_SQL("task", "t.id", "$3", "$4"),
	                 "IiiI", who->org_id, today, all, who->user_id))
		return -1;
	rows = db_query_json(
	    db, e, DASH_RED_MAX,
	    "SELECT t.id, t.number, t.title, t.state, t.deadline, t.done_date, d.code AS"
	    " department_code, d.name AS department_name, u.name AS responsible_name,"
	    " l.name AS leader_name, t.extensions FROM task t JOIN department d ON d.id ="
	    " t.lead_dept_id JOIN app_user u ON u.id = t.responsible_id JOIN app_user l ON l.id ="
	    " t.leader_id WHERE t.org_id = $1 AND t.state IN " TASK_LIGHT_STATES_SQL
	    " AND (t.done_date > t.deadline OR (t.done_date IS NULL AND t.deadline < $2)) "
	    "AND " ACL_VISIBLE_SQL("task", "t.id", "$3",
	                           "$4") " ORDER BY t.deadline, t.id LIMIT 20",
	    "IiiI", who->org_id, today, all, who->user_id);
	if (rows == NULL)
		return -1;
	json_array_foreach(rows, i, r)
	{
		int deadline = (int)json_integer_value(json_object_get(r, "deadline"));
		int done = (int)json_integer_value(json_object_get(r, "done_date"));
		int late = 0;
		char s[DATE_STR_MAX];
		if (task_workdays(db, who->org_id, deadline + 1, done > 0 ? done : today, &late,
		                  e)) {
			json_decref(rows);
			return -1;
		}
		date_format(deadline, s);
		json_object_set_new(r, "deadline", json_string(s));
		if (done > 0) {
			date_format(done, s);
			json_object_set_new(r, "done_date", json_string(s));
		}
		json_object_set_new(r, "state_name",
		                    json_string(task_state_names[task_state_parse(
		                        json_string_value(json_object_get(r, "state")))]));
		json_object_set_new(r, "overdue_workdays", json_integer(late));
	}
	json_object_set_new(out, "red_items", rows);
	json_object_set_new(out, "red_total", json_integer(total));
	return 0;
}

static int dashboard_docs(struct db *db, const struct principal *who, json_t *out, struct err *e)
{
	struct dctx c = {.db = db, .who = who, .now = tasks_now()};
	struct incoming_filter f = {
	    .state = -1, .secrecy = -1, .overdue = true, .limit = DASH_DOCS_MAX};
	json_t *items = NULL;
	int64_t total = 0;

	if (incoming_list(&c, &f, &items, &total, e))
		return -1;
	json_object_set_new(out, "overdue_documents", json_list(items, total));
	return 0;
}

json_t *task_dashboard_json(struct db *db, const struct principal *who, int year, struct err *e)
{
	int from = date_from_ymd(year, 1, 1), to = date_from_ymd(year, 12, 31);
	json_t *out = json_object();
	char today[DATE_STR_MAX];
	struct months m;
	struct stats s;

	if (compute(db, who, from, to, &s, &m, e))
		goto fail;
	json_object_set_new(out, "year", json_integer(year));
	date_format(tasks_today(), today);
	json_object_set_new(out, "as_of", json_string(today));
	json_object_set_new(out, "stats", stats_json(&s, from, to));
	json_object_set_new(out, "by_month", months_json(&m, year));
	if (dashboard_lights(db, who, out, e) || dashboard_red(db, who, out, e) ||
	    dashboard_docs(db, who, out, e))
		goto fail;
	free(s.depts);
	return out;
fail:
	free(s.depts);
	json_decref(out);
	return NULL;
}

/* ---- 通报 ---- */

static void pct(char *out, size_t n, int64_t num, int64_t den)
{
	if (den > 0)
		snprintf(out, n, "%.1f%%", (double)num * 100.0 / (double)den);
	else
		snprintf(out, n, "—");
}

static int xlsx_counts_row(struct xlsx_writer *w, const char *kind, const char *name,
                           const struct counts *c, struct err *e)
{
	struct xlsx_cell cells[10] = {
	    {.v.text = kind},         {.v.text = name},      {.v.i = c->due},
	    {.v.i = c->closed},       {.v.i = c->on_time},   {.v.i = c->overdue},
	    {.v.i = c->extended},     {.null = c->due == 0}, {.null = c->due == 0},
	    {.null = c->closed == 0},
	};

	if (c->due > 0) {
		cells[7].v.num = round((double)c->on_time * 1000.0 / (double)c->due) / 10.0;
		cells[8].v.num = round((double)c->closed * 1000.0 / (double)c->due) / 10.0;
	}
	if (c->closed > 0)
		cells[9].v.num = round((double)c->days * 10.0 / (double)c->closed) / 10.0;
	return xlsx_row(w, cells, e);
}

int task_bulletin_xlsx(struct db *db, const struct principal *who, int from, int to,
                       const char *path, struct err *e)
{
	static const struct xlsx_column cols[] = {
	    {"分类", XLSX_TEXT, 8},         {"名称", XLSX_TEXT, 18},
	    {"应办结", XLSX_INT, 9},        {"已办结", XLSX_INT, 9},
	    {"按期办结", XLSX_INT, 10},     {"逾期", XLSX_INT, 8},
	    {"延期", XLSX_INT, 8},          {"按期办结率(%)", XLSX_NUMBER, 14},
	    {"办结率(%)", XLSX_NUMBER, 11}, {"平均办理天数", XLSX_NUMBER, 13},
	};
	struct xlsx_writer *w = NULL;
	struct stats s;
	int rc = -1;

	if (compute(db, who, from, to, &s, NULL, e) ||
	    xlsx_open(&w, path, "督办通报", cols, sizeof cols / sizeof cols[0], e))
		goto out;
	for (size_t i = 0; i < s.n_depts; i++)
		if (s.depts[i].c.due > 0 &&
		    xlsx_counts_row(w, "部门", s.depts[i].name, &s.depts[i].c, e))
			goto fail;
	if (xlsx_counts_row(w, "合计", "全院", &s.total, e))
		goto fail;
	for (int i = 0; i < SRC_COUNT; i++)
		if (s.by_source[i].due > 0 &&
		    xlsx_counts_row(w, "来源", task_source_names[i], &s.by_source[i], e))
			goto fail;
	rc = xlsx_close(w, e);
	w = NULL;
	goto out;
fail:
	xlsx_abort(w);
out:
	free(s.depts);
	return rc;
}

static void counts_sentence(struct buf *b, const struct counts *c)
{
	char r[16];

	pct(r, sizeof r, c->on_time, c->due);
	buf_addf(b,
	         "应办结%lld件，已办结%lld件，其中按期办结%lld件，按期办结率%s；逾期%lld件；"
	         "经批准延期%lld件。",
	         (long long)c->due, (long long)c->closed, (long long)c->on_time, r,
	         (long long)c->overdue, (long long)c->extended);
}

static void date_cn(int days, char *out, size_t n)
{
	int y, m, d;

	date_ymd(days, &y, &m, &d);
	snprintf(out, n, "%d年%d月%d日", y, m, d);
}

static int bulletin_body(struct db *db, const struct principal *who, int from, int to,
                         const struct stats *s, struct buf *b, struct err *e)
{
	static const char *const cn[] = {"一", "二", "三", "四", "五",
	                                 "六", "七", "八", "九", "十"};
	char f[32], t[32];
	json_t *red;
	size_t i, k = 0;
	json_t *r;
	int today = tasks_today(), all = acl_sees_all(who) ? 1 : 0;

	date_cn(from, f, sizeof f);
	date_cn(to, t, sizeof t);
	buf_addf(b, "现将%s至%s督察督办事项办理情况通报如下：\n一、总体情况\n本期", f, t);
	counts_sentence(b, &s->total);
	buf_adds(b, "\n二、各部门办理情况\n");
	for (i = 0; i < s->n_depts; i++) {
		if (s->depts[i].c.due == 0)
			continue;
		buf_addf(b, "（%s）%s：", cn[k % 10], s->depts[i].name);
		counts_sentence(b, &s->depts[i].c);
		buf_addc(b, '\n');
		k++;
	}
	if (k == 0)
		buf_adds(b, "本期无应办结事项。\n");
	buf_adds(b, "三、逾期未办结事项\n");
	red = db_query_json(db, e, 50,
	                    "SELECT t.number, t.title, d.name AS dept FROM task t JOIN department d"
	                    " ON d.id = t.lead_dept_id WHERE t.org_id = $1 AND t.deadline >= $2"
	                    " AND t.deadline <= $3 AND t.done_date IS NULL AND t.deadline < $4"
	                    " AND t.state IN " TASK_LIGHT_STATES_SQL " AND " ACL_VISIBLE_SQL(
	                        "task", "t.id", "$5", "$6") " ORDER BY t.deadline, t.id",
	                    "IiiiiI", who->org_id, from, to, today, all, who->user_id);
	if (red == NULL)
		return -1;
	json_array_foreach(red, i, r)
	    buf_addf(b, "%zu.%s %s（%s）\n", i + 1, json_string_value(json_object_get(r, "number")),
	             json_string_value(json_object_get(r, "title")),
	             json_string_value(json_object_get(r, "dept")));
	if (json_array_size(red) == 0)
		buf_adds(b, "无。\n");
	json_decref(red);
	buf_adds(b, "请各部门对照通报，逾期事项须于五个工作日内办结或书面说明情况，"
	            "确保党组决策部署落到实处。");
	return 0;
}

int task_bulletin_pdf(struct db *db, const struct principal *who, int from, int to,
                      const char *path, struct err *e)
{
	struct buf body = BUF_INIT, title = BUF_INIT, sign = BUF_INIT;
	char org[FIELD_TITLE_MAX + 1] = "", f[32], t[32], date[DATE_STR_MAX];
	struct stats s;
	struct db_stmt *st;
	int rc = -1;

	if (compute(db, who, from, to, &s, NULL, e))
		goto out;
	st = db_query(db, e, "SELECT name FROM org WHERE id = $1", "I", who->org_id);
	if (st == NULL)
		goto out;
	if (db_step(st, e) == DB_ROW)
		snprintf(org, sizeof org, "%s", db_col_text(st, 0));
	db_reset(st);
	date_cn(from, f, sizeof f);
	date_cn(to, t, sizeof t);
	buf_addf(&title, "关于%s至%s督察督办事项办理情况的通报", f, t);
	buf_addf(&sign, "%s办公室", org);
	date_format(tasks_today(), date);
	if (bulletin_body(db, who, from, to, &s, &body, e))
		goto out;
	{
		struct tasks_letter doc = {.org = org,
		                           .title = title.data,
		                           .recipients = "院各部门",
		                           .body = body.data,
		                           .signatory = sign.data,
		                           .date = date};
		rc = tasks_letter_pdf(&doc, path, e);
	}
out:
	free(s.depts);
	buf_free(&body);
	buf_free(&title);
	buf_free(&sign);
	return rc;
}
