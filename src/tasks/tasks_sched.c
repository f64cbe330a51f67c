/*
 * tasks_sched.c - automatic reminders of 督办, exactly once, surviving restarts.
 *
 * What falls due at instant now (today = its China date), for items in handling (交办, 办理中):
 *   near_due        the item's light is yellow          -> the responsible person
 *   overdue         the item's light is red             -> the responsible person
 *   escalate        the item's light is red             -> the responsible leader
 *   report_overdue  the latest 反馈周期 due date before today has no progress report in its
 *                   window (previous due date, due date]  -> the responsible person (+ a 待办)
 *   part_overdue    a 协办 sub-task past its own deadline and not done -> its assignee
 * Each is keyed in the ledger task_reminder by (item, part, kind, due_key), due_key being the
 * deadline or due date it is about; the UNIQUE key makes the insert the arbiter, and the ledger
 * row, its notices, history and audit rows commit in one transaction. So a reminder fires once
 * per deadline whatever the number of sweeps, restarts or server processes; an approved extension
 * moves the deadline and so arms the reminders again for the new date.
 *
 * Every sweep first brings the stored lights in line with the org's working-day calendar
 * (tasks_calendar_sync), so reminders follow an edited calendar.
 *
 * The scheduler thread sweeps at start and then every TASKS_SCHED_INTERVAL_S on its own
 * connection; in between it looks every TASKS_CAL_CHECK_S whether an org's calendar was edited
 * and then sweeps at once, so lights follow an edit within seconds. The clock is tasks_now()
 * (JIANWU_FAKE_NOW in tests).
 */
#include "tasks/tasks_private.h"
#include "audit/audit.h"
#include "core/log.h"
#include "core/timeutil.h"
#include "workflow/workflow.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define TASKS_SCHED_INTERVAL_S 60
#define TASKS_CAL_CHECK_S      5
#define SWEEP_BATCH            500 /* rows read per query; the sweep pages by id */

int task_reminder_record(struct db *db, int64_t org_id, int64_t task_id, int64_t part_id,
                         const char *kind, int64_t due_key, int64_t now, int64_t actor_id,
                         const char *recipients, const char *message, bool *fired, struct err *e)
{
	struct db_stmt *st =
	    db_query(db, e,
	             "INSERT INTO task_reminder (org_id, task_id, part_id, kind, due_key,"
	             " fired_at, actor_id, recipients, message)"
	             " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
	             " ON CONFLICT (task_id, part_id, kind, due_key) DO NOTHING"
	             " RETURNING id",
	             "IIIsII", org_id, task_id, part_id, kind, due_key, now);
	int rc;

	if (st == NULL)
		return -1;
	actor_id > 0 ? db_bind_int(st, 7, actor_id) : db_bind_null(st, 7);
	db_bind_text(st, 8, recipients ? recipients : "");
	db_bind_text(st, 9, message ? message : "");
	rc = db_step(st, e);
	db_reset(st);
	*fired = rc == DB_ROW;
	return rc < 0 ? -1 : 0;
}

/* One item in handling, as the sweep reads it. */
struct sweep_item {
	struct task_row t;
	int64_t part_id, part_assignee;
	int part_deadline;
};

struct sweep {
	struct db *db;
	int64_t now;
	int today;
	struct task_sweep_result *res;
};

static int fire(struct sweep *s, const struct task_row *t, int64_t part_id, const char *kind,
                int due_key, int64_t user, const char *notice_kind, const char *what,
                const char *message, struct err *e)
{
	char name[FIELD_NAME_MAX + 1], id[32];
	bool fired;
	struct audit_entry a = {.org_id = t->org_id,
	                        .actor = "system",
	                        .ip = "",
	                        .action = "task.remind.auto",
	                        .object_type = TASK_KIND,
	                        .object_id = id,
	                        .result = "ok",
	                        .detail = kind};

	if (user <= 0 || task_user_name(s->db, user, name, e) ||
	    task_reminder_record(s->db, t->org_id, t->id, part_id, kind, due_key, s->now, 0, name,
	                         message, &fired, e))
		return user <= 0 ? 0 : -1;
	if (!fired)
		return 0;
	snprintf(id, sizeof id, "%lld", (long long)t->id);
	s->res->fired++;
	s->res->notices++;
	if (task_notify(s->db, t, user, notice_kind, what, message, e) ||
	    task_event_add(s->db, t->id, s->now, 0, "系统", "auto_remind", "", "", message, kind,
	                   NULL, e))
		return -1;
	return audit_append(s->db, &a, e);
}

static int light_reminders(struct sweep *s, const struct task_row *t, struct err *e)
{
	char due[DATE_STR_MAX], msg[256], name[FIELD_NAME_MAX + 1];

	date_format(t->deadline, due);
	if (s->today > t->deadline) {
		if (task_user_name(s->db, t->responsible_id, name, e))
			return -1;
		snprintf(msg, sizeof msg, "已超过办理时限（%s），请尽快办结或说明情况", due);
		if (fire(s, t, 0, "overdue", t->deadline, t->responsible_id, "overdue",
		         "督办事项已逾期", msg, e))
			return -1;
		snprintf(msg, sizeof msg, "已超过办理时限（%s），责任人：%s，请督促办理", due,
		         name);
		return fire(s, t, 0, "escalate", t->deadline, t->leader_id, "overdue",
		            "督办事项逾期提请督促", msg, e);
	}
	if (s->today >= t->yellow_from) {
		snprintf(msg, sizeof msg, "临近办理时限（%s），请抓紧办理", due);
		return fire(s, t, 0, "near_due", t->deadline, t->responsible_id, "remind",
		            "督办事项临近时限", msg, e);
	}
	return 0;
}

static int report_reminder(struct sweep *s, const struct task_row *t, struct err *e)
{
	int last, prev, next;
	int64_t n;
	bool found;
	char due[DATE_STR_MAX], msg[256], label[TASK_LABEL_MAX];

	if (task_report_slots(s->db, t, s->today, &last, &prev, &next, e))
		return -1;
	if (last == 0)
		return 0;
	if (db_query_int(s->db, e, &n, &found,
	                 "SELECT count(*) FROM task_report WHERE task_id = $1 AND report_date > $2"
	                 " AND report_date <= $3",
	                 "Iii", t->id, prev, last))
		return -1;
	if (n > 0)
		return 0;
	date_format(last, due);
	snprintf(msg, sizeof msg, "进展情况应于%s前报送，至今未报送，请及时报送", due);
	if (fire(s, t, 0, "report_overdue", last, t->responsible_id, "remind", "督办进展报告逾期",
	         msg, e))
		return -1;
	task_label(t, label);
	return todo_add(s->db,
	                &(struct todo_new){.org_id = t->org_id,
	                                   .user_id = t->responsible_id,
	                                   .kind = TASK_KIND,
	                                   .object_id = t->id,
	                                   .title = label,
	                                   .step = "进展报告",
	                                   .due_date = last},
	                e);
}

/* Reads up to SWEEP_BATCH handling items with id > after. */
static int load_items(struct sweep *s, int64_t after, struct task_row *rows, size_t *n,
                      struct err *e)
{
	struct db_stmt *st = db_query(
	    s->db, e,
	    "SELECT id, org_id FROM task WHERE state IN " TASK_HANDLING_STATES_SQL
	    " AND id > $1 AND (yellow_from <= $2 OR feedback <> 'none') ORDER BY id LIMIT $3",
	    "Iii", after, s->today, SWEEP_BATCH);
	int64_t ids[SWEEP_BATCH], orgs[SWEEP_BATCH];
	size_t k = 0;
	bool found;
	int rc;

	*n = 0;
	if (st == NULL)
		return -1;
	while ((rc = db_step(st, e)) == DB_ROW && k < SWEEP_BATCH) {
		ids[k] = db_col_int(st, 0);
		orgs[k++] = db_col_int(st, 1);
	}
	db_reset(st);
	if (rc < 0)
		return -1;
	for (size_t i = 0; i < k; i++) {
		if (task_load(s->db, orgs[i], ids[i], &rows[*n], &found, e))
			return -1;
		if (found)
			(*n)++;
	}
	return 0;
}

static int item_reminders(struct sweep *s, struct err *e)
{
	struct task_row *rows = calloc(SWEEP_BATCH, sizeof *rows);
	int64_t after = 0;
	size_t n;
	int rc = -1;

	if (rows == NULL)
		return err_internal(e, "out of memory");
	for (;;) {
		if (load_items(s, after, rows, &n, e))
			goto out;
		if (n == 0)
			break;
		for (size_t i = 0; i < n; i++) {
			s->res->examined++;
			if (light_reminders(s, &rows[i], e) || report_reminder(s, &rows[i], e))
				goto out;
		}
		after = rows[n - 1].id;
	}
	rc = 0;
out:
	free(rows);
	return rc;
}

static int part_reminders(struct sweep *s, struct err *e)
{
	struct db_stmt *st;
	struct {
		int64_t part, task, org, assignee;
		int deadline;
	} p[SWEEP_BATCH];
	int64_t after = 0;
	size_t n;
	int rc;

	do {
		n = 0;
		st = db_query(s->db, e,
		              "SELECT p.id, p.task_id, t.org_id, p.assignee_id, p.deadline"
		              " FROM task_part p JOIN task t ON t.id = p.task_id"
		              " WHERE t.state IN " TASK_HANDLING_STATES_SQL " AND p.role = 'assist'"
		              " AND p.state <> 'done' AND p.deadline < $1 AND p.id > $2"
		              " ORDER BY p.id LIMIT $3",
		              "iIi", s->today, after, SWEEP_BATCH);
		if (st == NULL)
			return -1;
		while ((rc = db_step(st, e)) == DB_ROW && n < SWEEP_BATCH) {
			p[n].part = db_col_int(st, 0);
			p[n].task = db_col_int(st, 1);
			p[n].org = db_col_int(st, 2);
			p[n].assignee = db_col_int(st, 3);
			p[n++].deadline = (int)db_col_int(st, 4);
		}
		db_reset(st);
		if (rc < 0)
			return -1;
		for (size_t i = 0; i < n; i++) {
			struct task_row t;
			char due[DATE_STR_MAX], msg[256];
			bool found;
			if (task_load(s->db, p[i].org, p[i].task, &t, &found, e))
				return -1;
			date_format(p[i].deadline, due);
			snprintf(msg, sizeof msg, "协办子任务已超过时限（%s），请尽快完成", due);
			if (found && fire(s, &t, p[i].part, "part_overdue", p[i].deadline,
			                  p[i].assignee, "overdue", "督办子任务逾期", msg, e))
				return -1;
			after = p[i].part;
		}
	} while (n == SWEEP_BATCH);
	return 0;
}

int tasks_sweep(struct db *db, int64_t now, struct task_sweep_result *res, struct err *e)
{
	struct sweep s = {.db = db, .now = now, .today = date_of_time(now), .res = res};

	memset(res, 0, sizeof *res);
	return tasks_calendar_sync(db, &res->lights, e) || item_reminders(&s, e) ||
	               part_reminders(&s, e)
	           ? -1
	           : 0;
}

/* ---- the thread ---- */

static pthread_t sched_thread;
static pthread_mutex_t sched_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t sched_cv = PTHREAD_COND_INITIALIZER;
static bool sched_running, sched_stopping;
static char *sched_uri;
static _Atomic int64_t last_run, last_now, sweeps;

void tasks_sched_status(int64_t *run, int64_t *now, int64_t *count)
{
	*run = atomic_load(&last_run);
	*now = atomic_load(&last_now);
	*count = atomic_load(&sweeps);
}

static void sweep_once(struct db *db)
{
	struct task_sweep_result res;
	struct err e = ERR_INIT;
	int64_t now = tasks_now();

	if (db_begin(db, &e)) {
		log_warn("督办 scheduler: %s", e.msg);
		return;
	}
	if (tasks_sweep(db, now, &res, &e) || db_commit(db, &e)) {
		db_rollback(db);
		log_error("督办 scheduler sweep failed: %s", e.msg);
		return;
	}
	atomic_store(&last_now, now);
	atomic_store(&last_run, time_now());
	atomic_fetch_add(&sweeps, 1);
	if (res.fired)
		log_info("督办 scheduler: %d reminders fired", res.fired);
}

/* Sweep now: the interval has passed, or an org's calendar changed since the last sync. */
static bool sweep_due(struct db *db, time_t last)
{
	struct err e = ERR_INIT;
	bool stale = false;

	if (time(NULL) - last >= TASKS_SCHED_INTERVAL_S)
		return true;
	if (tasks_calendar_stale(db, &stale, &e))
		log_warn("督办 scheduler: %s", e.msg);
	return stale;
}

static void *sched_main(void *arg)
{
	struct err e = ERR_INIT;
	struct db *db = db_open(sched_uri, &e);
	struct timespec until;
	time_t last = 0;

	(void)arg;
	if (db == NULL) {
		log_error("督办 scheduler cannot open the store: %s", e.msg);
		return NULL;
	}
	pthread_mutex_lock(&sched_mu);
	while (!sched_stopping) {
		pthread_mutex_unlock(&sched_mu);
		if (sweep_due(db, last)) {
			sweep_once(db);
			last = time(NULL);
		}
		pthread_mutex_lock(&sched_mu);
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += TASKS_CAL_CHECK_S;
		while (!sched_stopping &&
		       pthread_cond_timedwait(&sched_cv, &sched_mu, &until) != ETIMEDOUT)
			;
	}
	pthread_mutex_unlock(&sched_mu);
	db_close(db);
	return NULL;
}

int tasks_sched_start(const char *db_uri, struct err *e)
{
	tasks_clock_init();
	sched_uri = strdup(db_uri);
	sched_stopping = false;
	if (sched_uri == NULL || pthread_create(&sched_thread, NULL, sched_main, NULL) != 0)
		return err_internal(e, "督办 scheduler thread could not start");
	sched_running = true;
	return 0;
}

void tasks_sched_stop(void)
{
	if (!sched_running)
		return;
	pthread_mutex_lock(&sched_mu);
	sched_stopping = true;
	pthread_cond_broadcast(&sched_cv);
	pthread_mutex_unlock(&sched_mu);
	pthread_join(sched_thread, NULL);
	sched_running = false;
	free(sched_uri);
	sched_uri = NULL;
}
