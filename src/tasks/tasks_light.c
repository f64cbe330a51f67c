/*
 * tasks_light.c - working-day arithmetic of 督办: lights, report due dates. All of it goes through
 * src/core/workday.h (weekends, holidays, 调休).
 *
 * Light rule (issue 8): green on track; yellow when the remaining working time falls under
 * max(3 working days, 20% of the period); red when overdue. Precisely, with W[a, b] the working
 * days d with a <= d <= b:
 *   period     P = W[交办日期, 办理时限]
 *   remaining  R(t) = W[t, 办理时限]        (today counts while it lasts)
 *   yellow on day t  <=>  t <= 办理时限 and (R(t) < 3 or 5 R(t) < P)
 *   red on day t     <=>  t > 办理时限 (and the 办结报告 is not in)
 * R falls as t grows, so the yellow days are one run ending at the deadline; its first day is
 * stored per item and part (yellow_from) so that lists and statistics filter lights in SQL.
 *
 * Calendar: the org's working-day calendar (wf_calendar, the official schedule as the office
 * director edited it). yellow_from is derived from it, so when an org's stored calendar changes
 * (its signature, the sum of its wf_calendar row versions, moves) tasks_calendar_sync recomputes
 * the yellow_from of the items and parts that show a light; the scheduler checks every
 * TASKS_CAL_CHECK_S (tasks_sched.c) and every sweep syncs first.
 */
#include "tasks/tasks_private.h"
#include "core/log.h"
#include "core/timeutil.h"
#include "core/workday.h"
#include "workflow/wf_store.h"

#include <stdlib.h>

#define YELLOW_MIN_DAYS 3 /* working days */
#define YELLOW_PERCENT  20
#define SYNC_ORGS_MAX   WF_CAL_ORGS_MAX

static int org_cal(struct db *db, int64_t org_id, const struct workday_cal **cal, struct err *e)
{
	*cal = wf_calendar(db, org_id, e);
	return *cal ? 0 : -1;
}

/* W[from, to] */
static int wd(const struct workday_cal *cal, int from, int to)
{
	return to < from ? 0 : workday_count(cal, from - 1, to);
}

static bool yellow_on(const struct workday_cal *cal, int t, int deadline, int period)
{
	int r = wd(cal, t, deadline);

	return r < YELLOW_MIN_DAYS || r * 100 < period * YELLOW_PERCENT;
}

int task_yellow_from_cal(const struct workday_cal *cal, int assigned, int deadline)
{
	int period = wd(cal, assigned, deadline), t = deadline;

	/* R(t - 1) = R(t) + (t - 1 is a working day): each step back adds at most one day, so the
	 * walk stops within max(3, P/5) working days of the deadline. */
	while (yellow_on(cal, t - 1, deadline, period))
		t--;
	return t;
}

int task_yellow_from(struct db *db, int64_t org_id, int assigned, int deadline, int *out,
                     struct err *e)
{
	const struct workday_cal *cal = NULL;

	if (org_cal(db, org_id, &cal, e))
		return -1;
	*out = task_yellow_from_cal(cal, assigned, deadline);
	return 0;
}

enum task_light task_light(enum task_state s, int deadline, int yellow_from, int done_date,
                           int today)
{
	if (s != TS_REGISTERED && s != TS_ASSIGNED && s != TS_IN_PROGRESS && s != TS_REPORTED &&
	    s != TS_LEADER_REVIEW)
		return LIGHT_NONE;
	if (done_date > 0)
		return done_date > deadline ? LIGHT_RED : LIGHT_GREEN;
	if (today > deadline)
		return LIGHT_RED;
	return today >= yellow_from ? LIGHT_YELLOW : LIGHT_GREEN;
}

int task_workdays(struct db *db, int64_t org_id, int from, int to, int *out, struct err *e)
{
	const struct workday_cal *cal = NULL;

	if (org_cal(db, org_id, &cal, e))
		return -1;
	*out = wd(cal, from, to);
	return 0;
}

static int add_months(int day, int months)
{
	static const int dim[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int y, m, d, last;

	date_ymd(day, &y, &m, &d);
	m += months;
	y += (m - 1) / 12;
	m = (m - 1) % 12 + 1;
	last = dim[m - 1] + (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0));
	return date_from_ymd(y, m, d > last ? last : d);
}

int task_report_nominal(enum task_feedback fb, int assigned, int k)
{
	switch (fb) {
	case FB_WEEKLY:
		return assigned + 7 * k;
	case FB_MONTHLY:
		return add_months(assigned, k);
	case FB_QUARTERLY:
		return add_months(assigned, 3 * k);
	default:
		return 0;
	}
}

int task_report_due(struct db *db, int64_t org_id, enum task_feedback fb, int assigned, int k,
                    int *out, struct err *e)
{
	const struct workday_cal *cal = NULL;
	int nominal = task_report_nominal(fb, assigned, k);

	*out = 0;
	if (nominal == 0)
		return 0;
	if (org_cal(db, org_id, &cal, e))
		return -1;
	*out = workday_roll_forward(cal, nominal);
	return 0;
}

int task_report_slots(struct db *db, const struct task_row *t, int today, int *last_due,
                      int *prev_due, int *next_due, struct err *e)
{
	int prev = t->assigned_date - 1, due;

	*last_due = *prev_due = *next_due = 0;
	if (t->feedback == FB_NONE)
		return 0;
	for (int k = 1;; k++) {
		if (task_report_due(db, t->org_id, t->feedback, t->assigned_date, k, &due, e))
			return -1;
		if (due >= t->deadline) /* the 办结报告 answers the last period */
			return 0;
		if (due >= today) {
			*next_due = due;
			return 0;
		}
		*last_due = due;
		*prev_due = prev;
		prev = due;
	}
}

/* ---- following the org's calendar ---- */

/* Orgs whose stored calendar signature differs from the one their lights were computed with. */
#define CAL_SIG_SQL "coalesce((SELECT sum(c.version) FROM wf_calendar c WHERE c.org_id = o.id), 0)"
#define STALE_SQL                                                                                  \
	"SELECT o.id, " CAL_SIG_SQL " FROM org o WHERE " CAL_SIG_SQL                               \
	" <> coalesce((SELECT s.sig FROM task_calendar_sig s WHERE s.org_id = o.id), -1)"          \
	" ORDER BY o.id LIMIT $1"

int tasks_calendar_stale(struct db *db, bool *stale, struct err *e)
{
	int64_t id;

	return db_query_int(db, e, &id, stale, STALE_SQL, "i", 1);
}

/* Recomputes yellow_from of one table's open rows of org with cal; *changed += rows updated. */
static int resync(struct db *db, const struct workday_cal *cal, int64_t org_id, bool parts,
                  int *changed, struct err *e)
{
	struct row {
		int64_t id;
		int assigned, deadline, yellow;
	} *rows = NULL;
	size_t n = 0, cap = 0;
	struct db_stmt *st =
	    parts ? db_query(
	                db, e,
	                "SELECT p.id, t.assigned_date, p.deadline, p.yellow_from FROM task_part p"
	                " JOIN task t ON t.id = p.task_id WHERE t.org_id = $1"
	                " AND t.state IN " TASK_LIGHT_STATES_SQL,
	                "I", org_id)
	          : db_query(db, e,
	                     "SELECT id, assigned_date, deadline, yellow_from FROM task"
	                     " WHERE org_id = $1 AND state IN " TASK_LIGHT_STATES_SQL,
	                     "I", org_id);
	int rc;

	if (st == NULL)
		return -1;
	while ((rc = db_step(st, e)) == DB_ROW) {
		struct row r = {db_col_int(st, 0), (int)db_col_int(st, 1), (int)db_col_int(st, 2),
		                (int)db_col_int(st, 3)};
		if (task_yellow_from_cal(cal, r.assigned, r.deadline) == r.yellow)
			continue;
		if (n == cap) {
			struct row *g = realloc(rows, (cap = cap ? 2 * cap : 64) * sizeof *rows);
			if (g == NULL) {
				db_reset(st);
				free(rows);
				return err_internal(e, "out of memory");
			}
			rows = g;
		}
		r.yellow = task_yellow_from_cal(cal, r.assigned, r.deadline);
		rows[n++] = r;
	}
	db_reset(st);
	for (size_t i = 0; rc == DB_DONE && i < n; i++)
		if ((parts ? db_execf(db, e, "UPDATE task_part SET yellow_from = $1 WHERE id = $2",
		                      "iI", rows[i].yellow, rows[i].id)
		           : db_execf(db, e, "UPDATE task SET yellow_from = $1 WHERE id = $2", "iI",
		                      rows[i].yellow, rows[i].id)) < 0)
			rc = -1;
	free(rows);
	if (rc < 0)
		return -1;
	*changed += (int)n;
	return 0;
}

int tasks_calendar_sync(struct db *db, int *changed, struct err *e)
{
	int64_t orgs[SYNC_ORGS_MAX], sigs[SYNC_ORGS_MAX];
	size_t n = 0;
	int count = 0, rc;
	struct db_stmt *st;

	if (changed)
		*changed = 0;
	st = db_query(db, e, STALE_SQL, "i", SYNC_ORGS_MAX);
	if (st == NULL)
		return -1;
	while ((rc = db_step(st, e)) == DB_ROW && n < SYNC_ORGS_MAX) {
		orgs[n] = db_col_int(st, 0);
		sigs[n++] = db_col_int(st, 1);
	}
	db_reset(st);
	if (rc < 0)
		return -1;
	/* the calendars in memory follow the store first (another process may have edited it) */
	if (n > 0 && wf_calendar_refresh(db, e))
		return -1;
	for (size_t i = 0; i < n; i++) {
		const struct workday_cal *cal = wf_calendar(db, orgs[i], e);
		if (cal == NULL || resync(db, cal, orgs[i], false, &count, e) ||
		    resync(db, cal, orgs[i], true, &count, e) ||
		    db_execf(db, e,
		             "INSERT INTO task_calendar_sig (org_id, sig) VALUES ($1, $2)"
		             " ON CONFLICT (org_id) DO UPDATE SET sig = excluded.sig",
		             "II", orgs[i], sigs[i]) < 0)
			return -1;
	}
	if (count > 0)
		log_info("督办: working-day calendar changed, %d lights recomputed", count);
	if (changed)
		*changed = count;
	return 0;
}
