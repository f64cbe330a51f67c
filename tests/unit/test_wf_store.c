/*
 * The approval store under the module contract of workflow.h: wf_start for a module's object,
 * listeners called inside the action's transaction (and able to roll it back), todo rows that
 * mirror the engine's items, the resolver against the org (head / 分管领导 substitution, unset
 * head), need-to-know, timers that fire exactly once across a closed and reopened store, and the
 * per-org calendar swapped on change (also when another process changed it).
 * A real SQLite file store, migrated; the clock is fixed with JIANWU_FAKE_NOW.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/timeutil.h"
#include "org/org.h"
#include "workflow/wf_store.h"
#include "workflow/workflow.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define NOW "2026-03-02T09:00:00+08:00" /* a Monday */

static char path[64];
static struct db *db;
static int64_t org, dept_a, dept_b, dept_c, staff, head, leader, chief, office, other;

/* --- a listener that records what it hears --- */

#define HEARD_MAX 32
static struct {
	char action[16];
	enum wf_state state;
	int step, prev_step;
	bool finished;
	char step_id[WF_ID_LEN + 1];
	int64_t object_id;
} heard[HEARD_MAX];
static int n_heard;
static bool refuse_reject;

static int heard_changed(struct db *d, const struct wf_change *c, struct err *e)
{
	(void)d;
	if (refuse_reject && strcmp(c->action, "reject") == 0)
		return err_set(e, ERR_CONFLICT, "公文状态不允许");
	assert_true(n_heard < HEARD_MAX);
	snprintf(heard[n_heard].action, sizeof heard[n_heard].action, "%s", c->action);
	heard[n_heard].state = c->state;
	heard[n_heard].step = c->step;
	heard[n_heard].prev_step = c->prev_step;
	heard[n_heard].finished = c->finished;
	snprintf(heard[n_heard].step_id, sizeof heard[n_heard].step_id, "%s", c->step_id);
	heard[n_heard].object_id = c->object_id;
	n_heard++;
	return 0;
}

static int heard_visible(struct db *d, const struct principal *p, int64_t object_id, bool *ok,
                         struct err *e)
{
	(void)d;
	(void)e;
	*ok = object_id == 77 && p->user_id == other;
	return 0;
}

static const struct wf_listener listener = {
    .module = "testdoc", .changed = heard_changed, .visible = heard_visible};

/* --- the org --- */

static int64_t T(const char *s)
{
	int64_t t = 0;

	assert_int_equal(time_parse_iso(s, &t), 0);
	return t;
}

static void ok(int rc, const struct err *e)
{
	if (rc != 0)
		fail_msg("failed: %s", e->msg);
}

static int64_t user(const char *name, int64_t dept, const char *role)
{
	struct err e = ERR_INIT;
	struct db_stmt *st = db_query(db, &e,
	                              "INSERT INTO app_user (org_id, username, name, department_id,"
	                              " password_hash, created_at, updated_at)"
	                              " VALUES ($1, $2, $2, $3, 'x', 0, 0) RETURNING id",
	                              "IsI", org, name, dept);
	int64_t id;

	assert_non_null(st);
	assert_int_equal(db_step(st, &e), DB_ROW);
	id = db_col_int(st, 0);
	db_reset(st);
	assert_true(db_execf(db, &e, "INSERT INTO user_role (user_id, role) VALUES ($1, $2)", "Is",
	                     id, role) >= 0);
	return id;
}

static struct principal as(int64_t id, int64_t dept, unsigned roles)
{
	struct principal p = {.user_id = id, .org_id = org, .department_id = dept, .roles = roles};

	snprintf(p.name, sizeof p.name, "用户%lld", (long long)id);
	return p;
}

static int64_t count(const char *sql, int64_t arg)
{
	struct err e = ERR_INIT;
	int64_t n = -1;
	bool found;

	ok(db_query_int(db, &e, &n, &found, sql, "I", arg), &e);
	return n;
}

static int setup(void **state)
{
	struct err e = ERR_INIT;
	int fd;

	(void)state;
	setenv("JIANWU_FAKE_NOW", NOW, 1);
	snprintf(path, sizeof path, "/tmp/jw-wfstore-XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	unlink(path);
	db = db_open(path, &e);
	assert_non_null(db);
	ok(db_migrate(db, &e), &e);
	ok(db_begin(db, &e), &e);
	ok(org_create(db, "测试院", "测检", &org, &e), &e);
	ok(dept_create(db, org, "A", "第一检察部", 0, &dept_a, &e), &e);
	ok(dept_create(db, org, "B", "第二检察部", 0, &dept_b, &e), &e);
	ok(dept_create(db, org, "C", "无负责人部", 0, &dept_c, &e), &e);
	staff = user("干警甲", dept_a, "staff");
	head = user("负责人甲", dept_a, "dept_head");
	leader = user("分管领导", dept_b, "leader");
	chief = user("检察长", dept_b, "chief");
	office = user("办公室主任", dept_b, "office_director");
	other = user("干警乙", dept_b, "staff");
	ok(dept_set_leaders(db, dept_a, head, leader, &e), &e);
	ok(dept_set_leaders(db, dept_b, 0, leader, &e), &e);
	ok(wf_org_seed(db, org, &e), &e);
	ok(db_commit(db, &e), &e);
	if (wf_listener_for("testdoc") == NULL)
		assert_int_equal(wf_register_listener(&listener), 0);
	assert_int_equal(wf_register_listener(&listener), -1); /* one per module */
	return 0;
}

static int teardown(void **state)
{
	char p[80];

	(void)state;
	db_close(db);
	wf_calendar_release_all();
	unlink(path);
	snprintf(p, sizeof p, "%s-wal", path);
	unlink(p);
	snprintf(p, sizeof p, "%s-shm", path);
	unlink(p);
	return 0;
}

/* One action in its own transaction, as the HTTP layer runs it. */
static int act(const struct principal *p, int64_t id, const char *body, struct err *e)
{
	json_t *j = json_loads(body, 0, NULL);
	int rc;

	assert_non_null(j);
	ok(db_begin(db, e), e);
	rc = wf_act(db, p, id, j, NULL, e);
	if (rc == 0)
		ok(db_commit(db, e), e);
	else
		db_rollback(db);
	json_decref(j);
	return rc;
}

static int64_t start(const struct principal *p, const char *module, int64_t object,
                     const char *form, struct err *e)
{
	json_t *f = json_loads(form, 0, NULL);
	int64_t id = 0;
	int rc;

	ok(db_begin(db, e), e);
	rc = wf_start(db, p, "leave", module, object, "关于测试事项的请示", f, &id, e);
	if (rc == 0)
		ok(db_commit(db, e), e);
	else
		db_rollback(db);
	json_decref(f);
	return rc ? -1 : id;
}

static int64_t pending_of(int64_t id)
{
	struct err e = ERR_INIT;
	int64_t u = 0;
	bool found;

	ok(db_query_int(db, &e, &u, &found,
	                "SELECT user_id FROM todo WHERE instance_id = $1 AND state = 'pending'",
	                "I", id),
	   &e);
	return found ? u : 0;
}

/* --- tests --- */

static void test_listener_hears_every_step_and_the_end(void **state)
{
	struct principal s = as(staff, dept_a, ROLE_STAFF), h = as(head, dept_a, ROLE_DEPT_HEAD),
	                 l = as(leader, dept_b, ROLE_LEADER), c = as(chief, dept_b, ROLE_CHIEF);
	struct err e = ERR_INIT;
	int64_t id, found_id = 0;

	(void)state;
	n_heard = 0;
	id = start(&s, "testdoc", 77, "{\"days\":5}", &e);
	assert_true(id > 0);
	assert_int_equal(n_heard, 1);
	assert_string_equal(heard[0].action, "submit");
	assert_int_equal(heard[0].prev_step, -1);
	assert_string_equal(heard[0].step_id, "dept");
	assert_int_equal(heard[0].object_id, 77);
	assert_false(heard[0].finished);
	ok(wf_instance_of(db, org, "testdoc", 77, &found_id, &e), &e);
	assert_int_equal(found_id, id);
	/* the todo row carries the module's kind and object */
	assert_int_equal(
	    count("SELECT count(*) FROM todo WHERE instance_id = $1 AND kind = 'testdoc'"
	          " AND object_id = 77 AND state = 'pending'",
	          id),
	    1);
	assert_int_equal(pending_of(id), head);
	ok(act(&h, id, "{\"action\":\"approve\",\"opinion\":\"同意\"}", &e), &e);
	assert_int_equal(pending_of(id), leader);
	ok(act(&l, id, "{\"action\":\"approve\",\"opinion\":\"同意\"}", &e), &e);
	assert_int_equal(pending_of(id), chief); /* days 5 > 3 */
	/* a remind changes neither state nor step: not heard */
	ok(act(&s, id, "{\"action\":\"remind\"}", &e), &e);
	ok(act(&c, id, "{\"action\":\"approve\",\"opinion\":\"同意\"}", &e), &e);
	assert_int_equal(n_heard, 4);
	assert_string_equal(heard[1].step_id, "leader");
	assert_int_equal(heard[1].prev_step, 0);
	assert_string_equal(heard[2].step_id, "chief");
	assert_string_equal(heard[3].action, "approve");
	assert_int_equal(heard[3].state, WF_APPROVED);
	assert_true(heard[3].finished);
	assert_int_equal(pending_of(id), 0);
	assert_int_equal(
	    count("SELECT count(*) FROM todo WHERE instance_id = $1 AND state = 'done'", id), 3);
}

static void test_listener_failure_rolls_the_action_back(void **state)
{
	struct principal s = as(staff, dept_a, ROLE_STAFF), h = as(head, dept_a, ROLE_DEPT_HEAD);
	struct err e = ERR_INIT;
	int64_t id, version;

	(void)state;
	id = start(&s, "testdoc", 78, "{\"days\":1}", &e);
	assert_true(id > 0);
	version = count("SELECT version FROM wf_instance WHERE id = $1", id);
	refuse_reject = true;
	assert_int_equal(act(&h, id, "{\"action\":\"reject\",\"opinion\":\"不同意\"}", &e), -1);
	refuse_reject = false;
	assert_int_equal(e.kind, ERR_CONFLICT);
	assert_string_equal(e.msg, "公文状态不允许");
	assert_int_equal(count("SELECT version FROM wf_instance WHERE id = $1", id), version);
	assert_int_equal(pending_of(id), head);
	assert_int_equal(count("SELECT count(*) FROM wf_history WHERE instance_id = $1", id), 1);
}

static void test_withdraw_is_heard_as_finished(void **state)
{
	struct principal s = as(staff, dept_a, ROLE_STAFF);
	struct err e = ERR_INIT;
	int64_t id;

	(void)state;
	id = start(&s, "testdoc", 79, "{\"days\":1}", &e);
	n_heard = 0;
	ok(act(&s, id, "{\"action\":\"withdraw\"}", &e), &e);
	assert_int_equal(n_heard, 1);
	assert_int_equal(heard[0].state, WF_WITHDRAWN);
	assert_true(heard[0].finished);
	assert_int_equal(
	    count("SELECT count(*) FROM todo WHERE instance_id = $1 AND state = 'cancelled'", id),
	    1);
}

static void test_resolver_against_the_org(void **state)
{
	struct principal h = as(head, dept_a, ROLE_DEPT_HEAD), x = as(other, dept_c, ROLE_STAFF);
	struct err e = ERR_INIT;
	int64_t id, users[8];
	struct wf_rule rule = {.kind = WF_RULE_ROLE};
	const char *codes[2];
	int n;

	(void)state;
	/* the head's own request goes to the 分管领导, not to the head */
	id = start(&h, "approval", 0, "{\"days\":1}", &e);
	assert_true(id > 0);
	assert_int_equal(pending_of(id), leader);
	assert_int_equal(count("SELECT object_id FROM wf_instance WHERE id = $1", id), id);
	/* a department without a head: nobody to assign, a configuration error naming the step */
	err_clear(&e);
	assert_int_equal(start(&x, "approval", 0, "{\"days\":1}", &e), -1);
	assert_int_equal(e.kind, ERR_VALIDATION);
	assert_non_null(strstr(e.msg, "部门负责人审批"));
	/* role names: codes, Chinese names and the group 院领导 */
	assert_int_equal(wf_role_codes("院领导", codes), 2);
	assert_int_equal(wf_role_codes("办公室主任", codes), 1);
	assert_string_equal(codes[0], "office_director");
	assert_int_equal(wf_role_codes("dept_head", codes), 1);
	assert_int_equal(wf_role_codes("门卫", codes), 0);
	snprintf(rule.role, sizeof rule.role, "院领导");
	n = wf_candidates(db, org, &rule, other, dept_b, users, 8, &e);
	assert_int_equal(n, 2);
	assert_int_equal(users[0], leader);
	assert_int_equal(users[1], chief);
}

static void test_need_to_know(void **state)
{
	struct principal s = as(staff, dept_a, ROLE_STAFF), x = as(other, dept_b, ROLE_STAFF),
	                 o = as(office, dept_b, ROLE_OFFICE_DIRECTOR);
	struct err e = ERR_INIT;
	struct wf_loaded l;
	int64_t a, b;
	bool found, seen;

	(void)state;
	a = start(&s, "testdoc", 77, "{\"days\":1}", &e);
	b = start(&s, "testdoc", 80, "{\"days\":1}", &e);
	ok(wf_load(db, org, a, &l, &found, &e), &e);
	assert_true(found);
	ok(wf_may_see(db, &x, &l, &seen, &e), &e);
	assert_true(seen); /* the module's visible() lets this colleague see object 77 */
	ok(wf_may_see(db, &o, &l, &seen, &e), &e);
	assert_true(seen);
	wf_loaded_free(&l);
	ok(wf_load(db, org, b, &l, &found, &e), &e);
	ok(wf_may_see(db, &x, &l, &seen, &e), &e);
	assert_false(seen);
	wf_loaded_free(&l);
	assert_int_equal(act(&x, b, "{\"action\":\"approve\"}", &e), -1);
	assert_int_equal(e.kind, ERR_NOT_FOUND);
	ok(wf_load(db, org + 1, b, &l, &found, &e), &e);
	assert_false(found); /* another org's id does not exist */
}

static void test_timers_fire_once_across_a_reopened_store(void **state)
{
	struct principal s = as(staff, dept_a, ROLE_STAFF);
	struct err e = ERR_INIT;
	int64_t id;
	int inst, fired;

	(void)state;
	id = start(&s, "approval", 0, "{\"days\":2}", &e);
	assert_int_equal(count("SELECT next_timer_at FROM wf_instance WHERE id = $1", id),
	                 T("2026-03-03T16:00:00+08:00"));
	ok(wf_sweep(db, T("2026-03-03T15:59:59+08:00"), true, &inst, &fired, &e), &e);
	assert_int_equal(fired, 0);
	ok(wf_sweep(db, T("2026-03-03T16:00:00+08:00"), true, &inst, &fired, &e), &e);
	assert_true(fired >= 1);
	db_close(db);
	db = db_open(path, &e);
	assert_non_null(db);
	ok(wf_sweep(db, T("2026-03-03T16:30:00+08:00"), true, &inst, &fired, &e), &e);
	assert_int_equal(fired, 0);
	assert_int_equal(count("SELECT count(*) FROM notice WHERE instance_id = $1"
	                       " AND kind = 'reminded'",
	                       id),
	                 1);
	assert_int_equal(count("SELECT count(*) FROM audit_log WHERE action = 'workflow.tick'"
	                       " AND object_id = CAST($1 AS TEXT)",
	                       id),
	                 1);
	/* at close of business: overdue and escalation, once, whatever the number of sweeps */
	for (int i = 0; i < 3; i++)
		ok(wf_sweep(db, T("2026-03-03T18:00:00+08:00"), true, &inst, &fired, &e), &e);
	assert_int_equal(count("SELECT count(*) FROM notice WHERE instance_id = $1"
	                       " AND kind IN ('overdue', 'escalated')",
	                       id),
	                 2);
	assert_int_equal(count("SELECT count(*) FROM wf_instance WHERE id = $1"
	                       " AND next_timer_at IS NULL",
	                       id),
	                 1);
}

static void test_calendar_swaps_on_change(void **state)
{
	struct err e = ERR_INIT;
	const struct workday_cal *before, *after;
	struct db *other_conn;
	json_t *body;
	int day;

	(void)state;
	assert_int_equal(date_parse("2026-03-03", &day), 0);
	before = wf_calendar(db, org, &e);
	assert_non_null(before);
	assert_true(workday_is_workday(before, day));
	body = json_pack("{s:[s], s:[], s:i}", "holidays", "2026-03-03", "workdays", "version", 1);
	ok(db_begin(db, &e), &e);
	ok(wf_calendar_put(db, org, 2026, body, 0, &e), &e);
	ok(db_commit(db, &e), &e);
	json_decref(body);
	after = wf_calendar(db, org, &e);
	assert_ptr_not_equal(after, before);
	assert_false(workday_is_workday(after, day));
	assert_true(workday_is_workday(before, day)); /* the retired one is still readable */
	/* a stale version is refused */
	body = json_pack("{s:[], s:[], s:i}", "holidays", "workdays", "version", 1);
	ok(db_begin(db, &e), &e);
	assert_int_equal(wf_calendar_put(db, org, 2026, body, 0, &e), -1);
	assert_int_equal(e.kind, ERR_CONFLICT);
	db_rollback(db);
	json_decref(body);
	/* another process changes the stored year: the refresh picks it up */
	other_conn = db_open(path, &e);
	assert_non_null(other_conn);
	assert_true(db_execf(other_conn, &e,
	                     "UPDATE wf_calendar SET body = $1, version = version + 1"
	                     " WHERE org_id = $2 AND year = 2026",
	                     "sI", "{\"year\":2026,\"holidays\":[],\"workdays\":[]}", org) >= 0);
	db_close(other_conn);
	ok(wf_calendar_refresh(db, &e), &e);
	assert_true(workday_is_workday(wf_calendar(db, org, &e), day));
}

static void test_a_module_seeds_its_own_definition(void **state)
{
	static const char def[] =
	    "{\"key\":\"doc_sign\",\"name\":\"发文签发\",\"steps\":[{\"id\":\"sign\","
	    "\"name\":\"签发\",\"kind\":\"or_sign\",\"assignee\":{\"rule\":\"role\","
	    "\"role\":\"院领导\"}}]}";
	struct principal s = as(staff, dept_a, ROLE_STAFF);
	struct err e = ERR_INIT;
	int64_t id;

	(void)state;
	ok(db_begin(db, &e), &e);
	ok(wf_def_seed(db, org, def, &e), &e);
	ok(wf_def_seed(db, org, def, &e), &e); /* kept: no second version */
	ok(db_commit(db, &e), &e);
	assert_int_equal(count("SELECT count(*) FROM wf_definition WHERE org_id = $1"
	                       " AND def_key = 'doc_sign'",
	                       org),
	                 1);
	{
		json_t *f = json_object();
		ok(db_begin(db, &e), &e);
		ok(wf_start(db, &s, "doc_sign", "testdoc", 90, "关于某事的通知", f, &id, &e), &e);
		ok(db_commit(db, &e), &e);
		json_decref(f);
	}
	/* or-sign of 院领导: the 分管领导 and the 检察长 both hold it */
	assert_int_equal(
	    count("SELECT count(*) FROM todo WHERE instance_id = $1 AND state = 'pending'", id), 2);
}

/* --- a module that picks people in advance, hears every action and lets the chief act for others
 */

static int n_every;
static int64_t last_behalf;

static int every_changed(struct db *d, const struct wf_change *c, struct err *e)
{
	(void)d;
	(void)e;
	n_every++;
	last_behalf = c->behalf;
	return 0;
}

static int chief_acts_for(struct db *d, const struct principal *who, int64_t object_id,
                          const char *step_id, int64_t holder, bool *okp, struct err *e)
{
	(void)d;
	(void)e;
	(void)object_id;
	*okp = (who->roles & ROLE_CHIEF) && strcmp(step_id, "cs") == 0;
	return 0;
}

static const struct wf_listener every_listener = {
    .module = "presetdoc",
    .changed = every_changed,
    .may_act_for = chief_acts_for,
    .every_action = true,
};

static void test_presets_updates_and_acting_for_someone(void **state)
{
	static const char def[] =
	    "{\"key\":\"pre\",\"name\":\"预选会签\",\"steps\":[{\"id\":\"dept\","
	    "\"name\":\"部门审核\",\"kind\":\"single\",\"assignee\":{\"rule\":\"dept_head\"}},"
	    "{\"id\":\"cs\",\"name\":\"会签\",\"kind\":\"countersign\",\"assignee\":{\"rule\":"
	    "\"chosen\",\"from\":{\"rule\":\"role\",\"role\":\"院领导\"}},"
	    "\"condition\":{\"field\":\"cs\",\"op\":\"==\",\"value\":true}}]}";
	struct principal s = as(staff, dept_a, ROLE_STAFF), h = as(head, dept_a, ROLE_DEPT_HEAD),
	                 c = as(chief, dept_b, ROLE_CHIEF);
	int64_t one[1] = {leader}, both[2] = {leader, chief}, wrong[1] = {staff}, id = 0;
	struct wf_preset p[2] = {{"cs", 1, one}, {"nope", 1, wrong}};
	struct err e = ERR_INIT;
	struct wf_view v;
	json_t *f = json_pack("{s:b}", "cs", 1);

	(void)state;
	if (wf_listener_for("presetdoc") == NULL)
		assert_int_equal(wf_register_listener(&every_listener), 0);
	ok(db_begin(db, &e), &e);
	ok(wf_def_seed(db, org, def, &e), &e);
	/* someone outside the step's allowed set is refused */
	p[0].users = wrong;
	assert_int_equal(wf_start_preset(db, &s, "pre", "presetdoc", 91, "预选", f, p, 2, &id, &e),
	                 -1);
	assert_int_equal(e.kind, ERR_VALIDATION);
	err_clear(&e);
	p[0].users = one; /* the preset of a step the chain lacks is ignored */
	ok(wf_start_preset(db, &s, "pre", "presetdoc", 91, "预选", f, p, 2, &id, &e), &e);
	ok(db_commit(db, &e), &e);
	ok(wf_view(db, &h, id, &v, &e), &e);
	assert_true(v.holds);
	assert_string_equal(v.step_id, "dept");
	assert_string_equal(v.def_key, "pre");
	ok(wf_view(db, &s, id, &v, &e), &e);
	assert_false(v.holds);
	assert_true(v.may_withdraw && v.may_cancel && !v.may_resubmit);
	/* the object changed: both leaders countersign */
	p[0].n = 2;
	p[0].users = both;
	ok(db_begin(db, &e), &e);
	ok(wf_update(db, org, id, NULL, p, 1, &e), &e);
	ok(db_commit(db, &e), &e);
	assert_int_equal(count("SELECT version FROM wf_instance WHERE id = $1", id), v.version + 1);
	ok(act(&h, id, "{\"action\":\"approve\"}", &e), &e);
	assert_int_equal(
	    count("SELECT count(*) FROM todo WHERE instance_id = $1 AND state = 'pending'", id), 2);
	/* acting for the 分管领导: only as the listener allows */
	n_every = 0;
	char body[96];
	snprintf(body, sizeof body, "{\"action\":\"approve\",\"on_behalf_of\":%lld}",
	         (long long)leader);
	assert_int_equal(act(&h, id, body, &e), -1);
	assert_int_equal(e.kind, ERR_FORBIDDEN);
	err_clear(&e);
	ok(act(&c, id, body, &e), &e);
	/* a countersign vote changes neither state nor step, and this listener hears it */
	assert_int_equal(n_every, 1);
	assert_int_equal(last_behalf, leader);
	assert_int_equal(pending_of(id), chief);
	assert_int_equal(count("SELECT count(*) FROM wf_history WHERE instance_id = $1"
	                       " AND event = 'approve' AND actor = target",
	                       id),
	                 0);
	ok(act(&c, id, "{\"action\":\"approve\"}", &e), &e);
	assert_int_equal(
	    count("SELECT count(*) FROM wf_instance WHERE id = $1 AND state = 'approved'", id), 1);
	/* an instance that ended takes no update */
	ok(db_begin(db, &e), &e);
	assert_int_equal(wf_update(db, org, id, f, NULL, 0, &e), -1);
	assert_int_equal(e.kind, ERR_CONFLICT);
	db_rollback(db);
	json_decref(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_listener_hears_every_step_and_the_end),
	    cmocka_unit_test(test_listener_failure_rolls_the_action_back),
	    cmocka_unit_test(test_withdraw_is_heard_as_finished),
	    cmocka_unit_test(test_resolver_against_the_org),
	    cmocka_unit_test(test_need_to_know),
	    cmocka_unit_test(test_timers_fire_once_across_a_reopened_store),
	    cmocka_unit_test(test_calendar_swaps_on_change),
	    cmocka_unit_test(test_a_module_seeds_its_own_definition),
	    cmocka_unit_test(test_presets_updates_and_acting_for_someone),
	};

	return cmocka_run_group_tests_name("wf_store", tests, setup, teardown);
}
