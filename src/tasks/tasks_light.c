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
 * Calendar: the org's calendar is the official schedule built into workday.c until the shared
 * per-org calendar store exists; one read-only instance is built once and shared by all threads.
 */
#include "tasks/tasks_private.h"
#include "core/log.h"
#include "core/timeutil.h"
#include "core/workday.h"

#include <pthread.h>

#define YELLOW_MIN_DAYS 3 /* working days */
#define YELLOW_PERCENT  20

static struct workday_cal *builtin_cal;
static pthread_once_t builtin_once = PTHREAD_ONCE_INIT;

static void builtin_init(void)
{
	struct err e = ERR_INIT;

	builtin_cal = workday_cal_new();
	if (builtin_cal && workday_cal_load_builtin(builtin_cal, &e))
		log_error("督办: built-in working-day calendar did not load: %s", e.msg);
}

static int org_cal(struct db *db, int64_t org_id, const struct workday_cal **cal, struct err *e)
{
	(void)db;
	(void)org_id;
	pthread_once(&builtin_once, builtin_init);
	if (builtin_cal == NULL)
		return err_internal(e, "working-day calendar: out of memory");
	*cal = builtin_cal;
	return 0;
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

int task_yellow_from(struct db *db, int64_t org_id, int assigned, int deadline, int *out,
                     struct err *e)
{
	const struct workday_cal *cal = NULL;
	int period, t;

	if (org_cal(db, org_id, &cal, e))
		return -1;
	period = wd(cal, assigned, deadline);
	t = deadline;
	/* R(t - 1) = R(t) + (t - 1 is a working day): each step back adds at most one day, so the
	 * walk stops within max(3, P/5) working days of the deadline. */
	while (yellow_on(cal, t - 1, deadline, period))
		t--;
	*out = t;
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
