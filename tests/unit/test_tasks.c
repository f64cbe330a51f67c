/*
 * 督察督办 rules on a real SQLite store: lights around weekends, holidays and 调休 days, report due
 * dates, statistics against a hand-computed fixture, the life of an item and its refusals, and
 * reminders that fire exactly once across a reconnect (restart).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/timeutil.h"
#include "db/db.h"
#include "org/org.h"
#include "tasks/tasks_private.h"
#include "workflow/wf_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int D(const char *s)
{
	int d = 0;

	assert_int_equal(date_parse(s, &d), 0);
	return d;
}

static void assert_date(int got, const char *want)
{
	char buf[DATE_STR_MAX];

	date_format(got, buf);
	assert_string_equal(buf, want);
}

/* ---- lights: calendar arithmetic on an org without an edited calendar (the official 2026
 * schedule built in) ---- */

static char cal_dir[64];
static struct db *cal_db; /* an empty migrated store: org 1 has no stored calendar */

static int cal_setup(void **state)
{
	struct err e = ERR_INIT;
	char path[128];

	(void)state;
	snprintf(cal_dir, sizeof cal_dir, "/tmp/jw-tasks-cal-XXXXXX");
	if (mkdtemp(cal_dir) == NULL)
		return -1;
	snprintf(path, sizeof path, "%s/c.db", cal_dir);
	cal_db = db_open(path, &e);
	return cal_db == NULL || db_migrate(cal_db, &e) ? -1 : 0;
}

static int cal_teardown(void **state)
{
	char cmd[128];

	(void)state;
	db_close(cal_db);
	wf_calendar_release_all();
	wf_def_cache_clear();
	snprintf(cmd, sizeof cmd, "rm -rf %s", cal_dir);
	return system(cmd) == 0 ? 0 : -1;
}

static int yellow(const char *assigned, const char *deadline)
{
	struct err e = ERR_INIT;
	int y = 0;

	assert_int_equal(task_yellow_from(cal_db, 1, D(assigned), D(deadline), &y, &e), 0);
	return y;
}

/* Deadline on a Monday: the weekend does not count, so Friday is already under 3 working days. */
static void light_around_weekend(void **state)
{
	int y = yellow("2026-03-02", "2026-03-09");

	(void)state;
	assert_date(y, "2026-03-06"); /* R(Fri) = Fri, Mon = 2 < 3; R(Thu) = 3 */
	assert_int_equal(task_light(TS_IN_PROGRESS, D("2026-03-09"), y, 0, D("2026-03-05")),
	                 LIGHT_GREEN);
	assert_int_equal(task_light(TS_IN_PROGRESS, D("2026-03-09"), y, 0, D("2026-03-06")),
	                 LIGHT_YELLOW);
	assert_int_equal(task_light(TS_IN_PROGRESS, D("2026-03-09"), y, 0, D("2026-03-08")),
	                 LIGHT_YELLOW);
	assert_int_equal(task_light(TS_IN_PROGRESS, D("2026-03-09"), y, 0, D("2026-03-09")),
	                 LIGHT_YELLOW);
	assert_int_equal(task_light(TS_IN_PROGRESS, D("2026-03-09"), y, 0, D("2026-03-10")),
	                 LIGHT_RED);
}

/* 2026-02-28 (Saturday) is a 调休 working day: it counts, so yellow starts on it, not earlier. */
static void light_around_tiaoxiu(void **state)
{
	(void)state;
	/* P = 12 working days (2/9-13, 2/14 调休, 2/24-27, 2/28 调休, 3/2) -> threshold 3 */
	assert_date(yellow("2026-02-09", "2026-03-02"), "2026-02-28");
	/* 5/9 (Saturday) is a 调休 working day after the 劳动节 holiday 5/1-5 */
	assert_date(yellow("2026-04-20", "2026-05-11"), "2026-05-09");
}

/* Spring Festival: 2/15-23 are holidays, so three working days before 2/24 reach back to 2/13. */
static void light_around_holiday(void **state)
{
	int y = yellow("2026-01-26", "2026-02-24");

	(void)state;
	/* P = 17 -> threshold max(3, 3.4): R(2/13) = 2/13, 2/14 (调休), 2/24 = 3 < 3.4 */
	assert_date(y, "2026-02-13");
	assert_int_equal(task_light(TS_ASSIGNED, D("2026-02-24"), y, 0, D("2026-02-12")),
	                 LIGHT_GREEN);
	assert_int_equal(task_light(TS_ASSIGNED, D("2026-02-24"), y, 0, D("2026-02-20")),
	                 LIGHT_YELLOW);
}

/* A long period: 20% of 83 working days is 16.6, above 3; 6/19 (端午) does not count. */
static void light_twenty_percent(void **state)
{
	int y = yellow("2026-03-02", "2026-06-30");
	struct err e = ERR_INIT;
	int r = 0;

	(void)state;
	assert_date(y, "2026-06-06");
	assert_int_equal(task_workdays(cal_db, 1, D("2026-06-06"), D("2026-06-30"), &r, &e), 0);
	assert_int_equal(r, 16);
	assert_int_equal(task_workdays(cal_db, 1, D("2026-06-05"), D("2026-06-30"), &r, &e), 0);
	assert_int_equal(r, 17);
}

static void light_states_and_reports(void **state)
{
	int dl = D("2026-03-09"), y = D("2026-03-06");

	(void)state;
	/* no light outside handling */
	assert_int_equal(task_light(TS_CLOSED, dl, y, dl, D("2026-03-20")), LIGHT_NONE);
	assert_int_equal(task_light(TS_FILING, dl, y, 0, D("2026-03-20")), LIGHT_NONE);
	assert_int_equal(task_light(TS_CANCELLED, dl, y, 0, D("2026-03-20")), LIGHT_NONE);
	/* once the 办结报告 is in, the light is frozen on whether it was on time */
	assert_int_equal(task_light(TS_REPORTED, dl, y, dl, D("2026-03-20")), LIGHT_GREEN);
	assert_int_equal(task_light(TS_LEADER_REVIEW, dl, y, dl + 1, D("2026-03-20")), LIGHT_RED);
}

static void report_due_dates(void **state)
{
	struct err e = ERR_INIT;
	int d = 0;

	(void)state;
	assert_int_equal(task_report_due(cal_db, 1, FB_WEEKLY, D("2026-03-02"), 1, &d, &e), 0);
	assert_date(d, "2026-03-09");
	/* monthly from the 31st: clamped to the month's end; 2/28 is a 调休 working Saturday */
	assert_int_equal(task_report_due(cal_db, 1, FB_MONTHLY, D("2026-01-31"), 1, &d, &e), 0);
	assert_date(d, "2026-02-28");
	assert_int_equal(task_report_due(cal_db, 1, FB_MONTHLY, D("2026-01-31"), 2, &d, &e), 0);
	assert_date(d, "2026-03-31");
	assert_int_equal(task_report_due(cal_db, 1, FB_QUARTERLY, D("2026-01-01"), 1, &d, &e), 0);
	assert_date(d, "2026-04-01");
	/* a due date in the 国庆 holiday moves to the next working day */
	assert_int_equal(task_report_due(cal_db, 1, FB_WEEKLY, D("2026-09-24"), 1, &d, &e), 0);
	assert_date(d, "2026-10-08");
	assert_int_equal(task_report_due(cal_db, 1, FB_NONE, D("2026-09-24"), 1, &d, &e), 0);
	assert_int_equal(d, 0);
}

/* ---- a store with an org, two departments and the people of the scenarios ---- */

struct world {
	char dir[64];
	char path[128];
	struct db *db;
	int64_t org, dept_a, dept_b, dept_office;
	struct principal clerk, director, leader, chief, head_a, staff_a, head_b, staff_b;
};

static void add_user(struct world *w, const char *username, const char *name, int64_t dept,
                     const char *roles, struct principal *p)
{
	struct err e = ERR_INIT;
	char pw[] = "Test#Pass2026";
	struct user_new u = {
	    .username = username, .name = name, .department_id = dept, .password = pw};
	int64_t id;
	bool found;

	assert_int_equal(role_parse_list(roles, &u.roles, &e), 0);
	assert_int_equal(user_create(w->db, w->org, &u, &id, &e), 0);
	assert_int_equal(principal_load(w->db, id, p, &found, &e), 0);
	assert_true(found);
}

static int setup_world(void **state)
{
	struct world *w = calloc(1, sizeof *w);
	struct err e = ERR_INIT;

	snprintf(w->dir, sizeof w->dir, "/tmp/jw-tasks-XXXXXX");
	if (mkdtemp(w->dir) == NULL)
		return -1;
	snprintf(w->path, sizeof w->path, "%s/t.db", w->dir);
	w->db = db_open(w->path, &e);
	if (w->db == NULL || db_migrate(w->db, &e) ||
	    org_create(w->db, "定边县人民检察院", "定检", &w->org, &e) ||
	    dept_create(w->db, w->org, "BGS", "办公室", 0, &w->dept_office, &e) ||
	    dept_create(w->db, w->org, "YLD", "院领导", 0, &w->dept_a, &e))
		return -1;
	add_user(w, "leader", "李红梅", w->dept_a, "leader", &w->leader);
	add_user(w, "chief", "张建国", w->dept_a, "chief", &w->chief);
	if (dept_create(w->db, w->org, "DYJCB", "第一检察部", 0, &w->dept_a, &e) ||
	    dept_create(w->db, w->org, "DEJCB", "第二检察部", 0, &w->dept_b, &e))
		return -1;
	add_user(w, "clerk", "赵丽", w->dept_office, "clerk", &w->clerk);
	add_user(w, "director", "王强", w->dept_office, "office_director,dept_head", &w->director);
	add_user(w, "heada", "刘洋", w->dept_a, "dept_head", &w->head_a);
	add_user(w, "staffa", "陈杰", w->dept_a, "staff", &w->staff_a);
	add_user(w, "headb", "黄涛", w->dept_b, "dept_head", &w->head_b);
	add_user(w, "staffb", "徐芳", w->dept_b, "staff", &w->staff_b);
	if (db_execf(w->db, &e, "UPDATE department SET leader_id = $1 WHERE org_id = $2", "II",
	             w->leader.user_id, w->org) < 0)
		return -1;
	/* the approvals run on the engine: the module's listener, as its .start registers it;
	 * this org's calendar is loaded afresh from this store */
	wf_calendar_release_all();
	if (tasks_engine_register())
		return -1;
	*state = w;
	return 0;
}

static int teardown_world(void **state)
{
	struct world *w = *state;
	char cmd[128];

	tasks_clock_set(0);
	db_close(w->db);
	wf_calendar_release_all();
	wf_def_cache_clear();
	snprintf(cmd, sizeof cmd, "rm -rf %s", w->dir);
	free(w);
	return system(cmd) == 0 ? 0 : -1;
}

static void clock_at(const char *day, int hour)
{
	tasks_clock_set(date_start_time(D(day)) + hour * 3600);
}

/* A routine item of department A: responsible staff_a, supervisor clerk. */
static int64_t routine(struct world *w, enum task_source src, const char *assigned,
                       const char *deadline, int64_t dept, const struct principal *resp)
{
	struct err e = ERR_INIT;
	struct task_new n = {.title = "落实党组会决定事项",
	                     .content = "按要求办理",
	                     .source = src,
	                     .lead_dept_id = dept,
	                     .responsible_id = resp->user_id,
	                     .assigned_date = D(assigned),
	                     .deadline = D(deadline)};
	int64_t id = 0;

	n.supervisors[n.n_supervisors++] = w->clerk.user_id;
	clock_at(assigned, 9);
	if (task_create(w->db, &w->clerk, &n, &id, &e))
		fail_msg("task_create: %s", e.msg);
	return id;
}

static int act(struct world *w, const struct principal *p, int64_t id, const char *action,
               const char *opinion, const char *day, struct err *e)
{
	struct task_action a = {.action = action, .opinion = opinion};

	clock_at(day, 10);
	return task_act(w->db, p, id, &a, e);
}

static void must(struct world *w, const struct principal *p, int64_t id, const char *action,
                 const char *opinion, const char *day)
{
	struct err e = ERR_INIT;

	if (act(w, p, id, action, opinion, day, &e))
		fail_msg("%s by %s on %s: %s", action, p->username, day, e.msg);
}

static enum task_state state_of(struct world *w, int64_t id)
{
	struct task_row t;
	struct err e = ERR_INIT;
	bool found;

	assert_int_equal(task_load(w->db, w->org, id, &t, &found, &e), 0);
	assert_true(found);
	return t.state;
}

static void handle_to(struct world *w, int64_t id, const struct principal *resp,
                      const char *assigned)
{
	must(w, &w->clerk, id, "assign", NULL, assigned);
	must(w, resp, id, "sign", NULL, assigned);
}

static void close_item(struct world *w, int64_t id, const struct principal *resp, const char *done,
                       const char *closed)
{
	must(w, resp, id, "report_done", "已办结", done);
	must(w, &w->clerk, id, "pass", NULL, closed);
	must(w, &w->leader, id, "approve", "同意销号", closed);
}

static void extend(struct world *w, int64_t id, const struct principal *resp, const char *day,
                   const char *to, bool approve)
{
	struct task_action a = {
	    .action = "request_extension", .opinion = "需协调外单位", .new_deadline = D(to)};
	struct err e = ERR_INIT;

	clock_at(day, 10);
	if (task_act(w->db, resp, id, &a, &e))
		fail_msg("request_extension: %s", e.msg);
	must(w, &w->leader, id, approve ? "approve_extension" : "refuse_extension",
	     approve ? NULL : "不予延期", day);
}

static json_t *dept_row(json_t *stats, const char *code)
{
	size_t i;
	json_t *r;

	json_array_foreach(json_object_get(stats, "by_department"), i,
	                   r) if (strcmp(json_string_value(json_object_get(r, "department_code")),
	                                 code) == 0) return r;
	fail_msg("no department %s in statistics", code);
	return NULL;
}

static json_t *source_row(json_t *stats, const char *code)
{
	size_t i;
	json_t *r;

	json_array_foreach(json_object_get(stats, "by_source"), i,
	                   r) if (strcmp(json_string_value(json_object_get(r, "source")), code) ==
	                          0) return r;
	fail_msg("no source %s in statistics", code);
	return NULL;
}

static void assert_counts(json_t *row, int due, int closed, int on_time, int overdue, int extended,
                          int assigned)
{
	assert_int_equal(json_integer_value(json_object_get(row, "due")), due);
	assert_int_equal(json_integer_value(json_object_get(row, "closed")), closed);
	assert_int_equal(json_integer_value(json_object_get(row, "closed_on_time")), on_time);
	assert_int_equal(json_integer_value(json_object_get(row, "overdue")), overdue);
	assert_int_equal(json_integer_value(json_object_get(row, "extended")), extended);
	assert_int_equal(json_integer_value(json_object_get(row, "assigned")), assigned);
}

/*
 * The fixture of the second quarter of 2026, as of 2026-07-10 (dates explicit, hand counted):
 *   A1 DYJCB party_group 04-01..04-30  报结 04-28, closed             due, closed, on time
 *   A2 DYJCB party_group 04-01..05-15  报结 05-20, closed             due, closed, overdue (late)
 *   A3 DYJCB superior    04-10..05-29  extended to 06-19, 报结 06-18  due, closed, on time,
 * extended A4 DYJCB key_work    05-01..06-30  still in handling              due, overdue (open) A5
 * DYJCB key_work    06-01..07-31  in handling                    assigned only (not due) A6 DYJCB
 * party_group 04-01..04-20  cancelled                      nothing B1 DEJCB superior 04-01..06-10
 * 报结 06-09, in 领导审阅          due B2 DEJCB party_group 03-01..04-05  报结 04-03, closed due,
 * closed, on time B3 DEJCB key_work    04-15..05-10  extended to 07-20              assigned only
 * (moved out) B4 DEJCB key_work    05-01..05-31  extension refused, 报结 06-05, 退办, 报结 06-12,
 * closed due, closed, overdue
 */
static void statistics_fixture(void **state)
{
	struct world *w = *state;
	struct err e = ERR_INIT;
	int64_t a1, a2, a3, a4, a5, a6, b1, b2, b3, b4;
	json_t *s, *t;

	a1 = routine(w, SRC_PARTY_GROUP, "2026-04-01", "2026-04-30", w->dept_a, &w->staff_a);
	handle_to(w, a1, &w->staff_a, "2026-04-01");
	close_item(w, a1, &w->staff_a, "2026-04-28", "2026-04-29");
	a2 = routine(w, SRC_PARTY_GROUP, "2026-04-01", "2026-05-15", w->dept_a, &w->staff_a);
	handle_to(w, a2, &w->staff_a, "2026-04-01");
	close_item(w, a2, &w->staff_a, "2026-05-20", "2026-05-21");
	a3 = routine(w, SRC_SUPERIOR, "2026-04-10", "2026-05-29", w->dept_a, &w->staff_a);
	handle_to(w, a3, &w->staff_a, "2026-04-10");
	extend(w, a3, &w->staff_a, "2026-05-20", "2026-06-19", true);
	close_item(w, a3, &w->staff_a, "2026-06-18", "2026-06-22");
	a4 = routine(w, SRC_KEY_WORK, "2026-05-01", "2026-06-30", w->dept_a, &w->staff_a);
	handle_to(w, a4, &w->staff_a, "2026-05-06");
	a5 = routine(w, SRC_KEY_WORK, "2026-06-01", "2026-07-31", w->dept_a, &w->staff_a);
	handle_to(w, a5, &w->staff_a, "2026-06-01");
	a6 = routine(w, SRC_PARTY_GROUP, "2026-04-01", "2026-04-20", w->dept_a, &w->staff_a);
	must(w, &w->director, a6, "cancel", "不再督办", "2026-04-02");
	b1 = routine(w, SRC_SUPERIOR, "2026-04-01", "2026-06-10", w->dept_b, &w->staff_b);
	handle_to(w, b1, &w->staff_b, "2026-04-01");
	must(w, &w->staff_b, b1, "report_done", "已办结", "2026-06-09");
	must(w, &w->clerk, b1, "pass", NULL, "2026-06-10");
	b2 = routine(w, SRC_PARTY_GROUP, "2026-03-01", "2026-04-05", w->dept_b, &w->staff_b);
	handle_to(w, b2, &w->staff_b, "2026-03-02");
	close_item(w, b2, &w->staff_b, "2026-04-03", "2026-04-07");
	b3 = routine(w, SRC_KEY_WORK, "2026-04-15", "2026-05-10", w->dept_b, &w->staff_b);
	handle_to(w, b3, &w->staff_b, "2026-04-15");
	extend(w, b3, &w->staff_b, "2026-05-08", "2026-07-20", true);
	b4 = routine(w, SRC_KEY_WORK, "2026-05-01", "2026-05-31", w->dept_b, &w->staff_b);
	handle_to(w, b4, &w->staff_b, "2026-05-06");
	extend(w, b4, &w->staff_b, "2026-05-25", "2026-06-30", false);
	must(w, &w->staff_b, b4, "report_done", "已办结", "2026-06-05");
	must(w, &w->clerk, b4, "return", "材料不全", "2026-06-08");
	close_item(w, b4, &w->staff_b, "2026-06-12", "2026-06-15");
	assert_int_equal(state_of(w, a4), TS_IN_PROGRESS);
	assert_int_equal(state_of(w, b1), TS_LEADER_REVIEW);
	(void)a5;

	clock_at("2026-07-10", 9);
	s = task_stats_json(w->db, &w->director, D("2026-04-01"), D("2026-06-30"), &e);
	assert_non_null(s);
	assert_counts(dept_row(s, "DYJCB"), 4, 3, 2, 2, 1, 5);
	assert_counts(dept_row(s, "DEJCB"), 3, 2, 1, 1, 0, 3);
	t = json_object_get(s, "total");
	assert_counts(t, 7, 5, 3, 3, 1, 8);
	assert_true(json_real_value(json_object_get(dept_row(s, "DYJCB"), "on_time_rate")) == 0.5);
	assert_true(json_real_value(json_object_get(dept_row(s, "DEJCB"), "on_time_rate")) ==
	            0.3333);
	assert_true(json_real_value(json_object_get(t, "on_time_rate")) == 0.4286);
	/* (27 + 49 + 69) / 3 calendar days from 交办 to 报结 */
	assert_true(json_real_value(json_object_get(dept_row(s, "DYJCB"), "avg_days")) == 48.3);
	assert_counts(source_row(s, "party_group"), 3, 3, 2, 1, 0, 2);
	assert_counts(source_row(s, "superior"), 2, 1, 1, 0, 1, 2);
	assert_counts(source_row(s, "key_work"), 2, 1, 0, 2, 0, 4);
	json_decref(s);

	/* need-to-know: a department head counts only what is visible to them */
	s = task_stats_json(w->db, &w->head_b, D("2026-04-01"), D("2026-06-30"), &e);
	assert_non_null(s);
	assert_counts(json_object_get(s, "total"), 3, 2, 1, 1, 0, 3);
	assert_int_equal(json_array_size(json_object_get(s, "by_department")), 1);
	json_decref(s);
	(void)b2;
}

/* Refusals of the life cycle: state, role, late extension, joint supervision. */
static void life_refusals(void **state)
{
	struct world *w = *state;
	struct err e = ERR_INIT;
	struct task_new n = {.title = "联合督办事项",
	                     .source = SRC_CHIEF_MEETING,
	                     .complex = true,
	                     .lead_dept_id = w->dept_a,
	                     .responsible_id = w->staff_a.user_id,
	                     .leader_id = w->chief.user_id,
	                     .assigned_date = D("2026-03-02"),
	                     .deadline = D("2026-03-31")};
	struct task_action ext = {
	    .action = "request_extension", .opinion = "来不及", .new_deadline = D("2026-04-30")};
	int64_t id, late, part;
	bool found;

	/* a complex item needs its split into a lead part and at least one assisting part */
	n.supervisors[n.n_supervisors++] = w->clerk.user_id;
	n.supervisors[n.n_supervisors++] = w->director.user_id;
	clock_at("2026-03-02", 9);
	assert_int_equal(task_create(w->db, &w->clerk, &n, &id, &e), -1);
	assert_string_equal(e.field, "parts");
	err_clear(&e);
	n.parts[0] =
	    (struct task_part_new){w->dept_a, true, w->staff_a.user_id, "牵头", D("2026-03-31")};
	n.parts[1] =
	    (struct task_part_new){w->dept_b, false, w->staff_b.user_id, "协办", D("2026-03-20")};
	n.n_parts = 2;
	assert_int_equal(task_create(w->db, &w->clerk, &n, &id, &e), 0);
	/* not visible to an uninvolved department head? head_b's department is involved */
	assert_int_equal(task_check_visible(w->db, &w->head_b, id, &e), 0);
	/* 签收 before 交办 is a state conflict */
	assert_int_equal(act(w, &w->staff_a, id, "sign", NULL, "2026-03-02", &e), -1);
	assert_int_equal(e.kind, ERR_CONFLICT);
	err_clear(&e);
	handle_to(w, id, &w->staff_a, "2026-03-02");
	must(w, &w->staff_b, id, "sign", NULL, "2026-03-03");
	/* 报结 with an assisting part open is refused */
	assert_int_equal(act(w, &w->staff_a, id, "report_done", "完成", "2026-03-10", &e), -1);
	assert_int_equal(e.kind, ERR_VALIDATION);
	err_clear(&e);
	assert_int_equal(
	    db_query_int(w->db, &e, &part, &found,
	                 "SELECT id FROM task_part WHERE task_id = $1 AND role = 'assist'", "I",
	                 id),
	    0);
	clock_at("2026-03-11", 10);
	assert_int_equal(task_act(w->db, &w->staff_b, id,
	                          &(struct task_action){.action = "complete_part",
	                                                .opinion = "已完成",
	                                                .part_id = part},
	                          &e),
	                 0);
	must(w, &w->staff_a, id, "report_done", "完成", "2026-03-12");
	/* the responsible person cannot pass their own report; joint supervisors must all pass */
	assert_int_equal(act(w, &w->staff_a, id, "pass", NULL, "2026-03-13", &e), -1);
	assert_int_equal(e.kind, ERR_FORBIDDEN);
	err_clear(&e);
	must(w, &w->clerk, id, "pass", NULL, "2026-03-13");
	assert_int_equal(state_of(w, id), TS_REPORTED);
	assert_int_equal(act(w, &w->clerk, id, "pass", NULL, "2026-03-13", &e), -1);
	err_clear(&e);
	/* 退办 needs reasons and resets the round */
	assert_int_equal(act(w, &w->director, id, "return", NULL, "2026-03-13", &e), -1);
	assert_string_equal(e.field, "opinion");
	err_clear(&e);
	must(w, &w->director, id, "return", "请补充佐证材料", "2026-03-13");
	assert_int_equal(state_of(w, id), TS_IN_PROGRESS);
	must(w, &w->staff_a, id, "report_done", "已补充", "2026-03-16");
	must(w, &w->director, id, "pass", NULL, "2026-03-16");
	assert_int_equal(state_of(w, id), TS_REPORTED); /* the clerk's earlier pass was reset */
	must(w, &w->clerk, id, "pass", NULL, "2026-03-17");
	assert_int_equal(state_of(w, id), TS_LEADER_REVIEW);
	/* the responsible leader is the chief: the 分管领导 may not close it */
	assert_int_equal(act(w, &w->leader, id, "approve", NULL, "2026-03-17", &e), -1);
	assert_int_equal(e.kind, ERR_FORBIDDEN);
	err_clear(&e);
	must(w, &w->chief, id, "approve", "同意", "2026-03-18");
	assert_int_equal(state_of(w, id), TS_CLOSED);

	/* a late extension request is refused: filed after the deadline passed */
	late = routine(w, SRC_KEY_WORK, "2026-02-02", "2026-02-27", w->dept_a, &w->staff_a);
	handle_to(w, late, &w->staff_a, "2026-02-02");
	clock_at("2026-02-27", 17); /* on the deadline day itself it is still in time */
	assert_int_equal(task_act(w->db, &w->staff_a, late, &ext, &e), 0);
	must(w, &w->leader, late, "refuse_extension", "不同意", "2026-02-27");
	clock_at("2026-03-02", 9);
	assert_int_equal(task_act(w->db, &w->staff_a, late, &ext, &e), -1);
	assert_int_equal(e.kind, ERR_VALIDATION);
	assert_non_null(strstr(e.msg, "超过办理时限"));
}

/* Reminders: each fires once per deadline, across a reconnect; an extension re-arms them. */
static int sweep(struct db *db, const char *when)
{
	struct task_sweep_result r;
	struct err e = ERR_INIT;
	int64_t t;

	assert_int_equal(time_parse_iso(when, &t), 0);
	assert_int_equal(db_begin(db, &e), 0);
	if (tasks_sweep(db, t, &r, &e))
		fail_msg("sweep: %s", e.msg);
	assert_int_equal(db_commit(db, &e), 0);
	return r.fired;
}

static int64_t count(struct db *db, const char *sql, int64_t id)
{
	struct err e = ERR_INIT;
	int64_t n = -1;
	bool found;

	assert_int_equal(db_query_int(db, &e, &n, &found, sql, "I", id), 0);
	return n;
}

static void reminders_exactly_once(void **state)
{
	struct world *w = *state;
	struct err e = ERR_INIT;
	int64_t id, before;

	id = routine(w, SRC_LEADER_INSTRUCTION, "2026-03-02", "2026-03-06", w->dept_a, &w->staff_a);
	handle_to(w, id, &w->staff_a, "2026-03-02");
	before = count(w->db, "SELECT count(*) FROM notice WHERE user_id = $1", w->staff_a.user_id);
	/* Tuesday: green, nothing */
	sweep(w->db, "2026-03-03T09:00:00+08:00");
	assert_int_equal(count(w->db, "SELECT count(*) FROM task_reminder WHERE task_id = $1", id),
	                 0);
	/* Thursday: yellow (Thu, Fri = 2 working days left) -> near_due once */
	sweep(w->db, "2026-03-05T09:00:00+08:00");
	sweep(w->db, "2026-03-05T15:00:00+08:00");
	assert_int_equal(count(w->db,
	                       "SELECT count(*) FROM task_reminder WHERE task_id = $1 AND"
	                       " kind = 'near_due'",
	                       id),
	                 1);
	/* Monday after: red -> overdue to the responsible person, escalate to the leader */
	sweep(w->db, "2026-03-09T09:00:00+08:00");
	/* restart: a new connection (the scheduler's own) sweeping the same instant again */
	db_close(w->db);
	w->db = db_open(w->path, &e);
	assert_non_null(w->db);
	assert_int_equal(sweep(w->db, "2026-03-09T09:00:00+08:00"), 0);
	sweep(w->db, "2026-03-10T09:00:00+08:00");
	assert_int_equal(count(w->db,
	                       "SELECT count(*) FROM task_reminder WHERE task_id = $1 AND"
	                       " kind IN ('overdue', 'escalate')",
	                       id),
	                 2);
	assert_int_equal(
	    count(w->db, "SELECT count(*) FROM notice WHERE user_id = $1", w->staff_a.user_id) -
	        before,
	    2); /* near_due + overdue */
	assert_int_equal(
	    count(w->db, "SELECT count(*) FROM notice WHERE user_id = $1 AND kind = 'overdue'",
	          w->leader.user_id),
	    1);
}

/* The org's calendar decides the light: making Thursday 03-19 a holiday moves the yellow of an
 * item due Friday 03-20 from 03-19 back to 03-18 (item and part), once the lights are synced;
 * a second sync finds nothing to do. */
static void calendar_edit_moves_lights(void **state)
{
	struct world *w = *state;
	struct err e = ERR_INIT;
	json_t *body = json_loads(workday_builtin_json(2026), 0, NULL);
	int changed = -1;
	struct task_row t;
	bool found;
	int64_t id, part_yellow;

	id = routine(w, SRC_KEY_WORK, "2026-03-02", "2026-03-20", w->dept_a, &w->staff_a);
	handle_to(w, id, &w->staff_a, "2026-03-02");
	assert_int_equal(tasks_calendar_sync(w->db, &changed, &e), 0); /* first sync: signature */
	assert_int_equal(changed, 0);
	assert_int_equal(task_load(w->db, w->org, id, &t, &found, &e), 0);
	assert_date(t.yellow_from, "2026-03-19");

	assert_non_null(body);
	json_object_del(body, "year");
	json_array_append_new(json_object_get(body, "holidays"), json_string("2026-03-19"));
	assert_int_equal(wf_calendar_put(w->db, w->org, 2026, body, w->director.user_id, &e), 0);
	json_decref(body);
	assert_int_equal(tasks_calendar_sync(w->db, &changed, &e), 0);
	assert_int_equal(changed, 2); /* the item and its part */
	assert_int_equal(task_load(w->db, w->org, id, &t, &found, &e), 0);
	assert_date(t.yellow_from, "2026-03-18");
	part_yellow = count(w->db, "SELECT yellow_from FROM task_part WHERE task_id = $1", id);
	assert_date((int)part_yellow, "2026-03-18");
	assert_int_equal(task_light(t.state, t.deadline, t.yellow_from, 0, D("2026-03-18")),
	                 LIGHT_YELLOW);
	assert_int_equal(tasks_calendar_sync(w->db, &changed, &e), 0);
	assert_int_equal(changed, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(light_around_weekend),
	    cmocka_unit_test(light_around_tiaoxiu),
	    cmocka_unit_test(light_around_holiday),
	    cmocka_unit_test(light_twenty_percent),
	    cmocka_unit_test(light_states_and_reports),
	    cmocka_unit_test(report_due_dates),
	    cmocka_unit_test_setup_teardown(statistics_fixture, setup_world, teardown_world),
	    cmocka_unit_test_setup_teardown(life_refusals, setup_world, teardown_world),
	    cmocka_unit_test_setup_teardown(reminders_exactly_once, setup_world, teardown_world),
	    cmocka_unit_test_setup_teardown(calendar_edit_moves_lights, setup_world,
	                                    teardown_world),
	};

	return cmocka_run_group_tests_name("tasks", tests, cal_setup, cal_teardown);
}
