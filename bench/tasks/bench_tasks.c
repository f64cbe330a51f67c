/*
 * bench_tasks - figures of the 督办 module (bench/tasks/README.md).
 *
 *   bench_tasks seed DB N      a store with one org, its departments and people, and N items whose
 *                              deadlines spread over 2026 (states, extensions, parts, acl rows as
 *                              a year of use leaves them); prints the seeding time
 *   bench_tasks stats DB RUNS  GET /tasks/stats for the whole year, in process: milliseconds per
 *                              call (min, median, p95, max) for the office (sees all) and for a
 *                              department head (need-to-know through acl); the dashboard too
 */
#include "core/timeutil.h"
#include "db/db.h"
#include "org/org.h"
#include "tasks/tasks_private.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double ms_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

static int die(const char *what, const struct err *e)
{
	fprintf(stderr, "bench_tasks: %s: %s\n", what, e->msg);
	return 1;
}

static const char *const depts[] = {"DYJCB", "DEJCB", "DSJCB", "DSIJCB",
                                    "JWDCB", "AGB",   "ZZB",   "JSK"};
#define NDEPT (sizeof depts / sizeof depts[0])

static uint32_t rnd(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

static int user(struct db *db, int64_t org, const char *name, int64_t dept, const char *roles,
                int64_t *id, struct err *e)
{
	char pw[] = "Bench#Pass2026";
	struct user_new u = {.username = name, .name = name, .department_id = dept, .password = pw};

	return role_parse_list(roles, &u.roles, e) || user_create(db, org, &u, id, e);
}

static int seed(const char *path, int n)
{
	struct err e = ERR_INIT;
	struct db *db = db_open(path, &e);
	int64_t org, office, lead_dept, dept_ids[NDEPT], heads[NDEPT], staff[NDEPT], clerk, leader;
	int y2026 = date_from_ymd(2026, 1, 1);
	uint32_t s = 2463534242u;
	double t0 = ms_now();

	if (db == NULL || db_migrate(db, &e) || org_create(db, "基准院", "基检", &org, &e) ||
	    dept_create(db, org, "BGS", "办公室", 0, &office, &e) ||
	    dept_create(db, org, "YLD", "院领导", 0, &lead_dept, &e) ||
	    user(db, org, "clerk", office, "clerk", &clerk, &e) ||
	    user(db, org, "director", office, "office_director,dept_head", &clerk, &e) ||
	    user(db, org, "leader", lead_dept, "leader", &leader, &e))
		return die("setup", &e);
	for (size_t i = 0; i < NDEPT; i++) {
		char name[32];
		if (dept_create(db, org, depts[i], depts[i], 0, &dept_ids[i], &e))
			return die("dept", &e);
		snprintf(name, sizeof name, "head%zu", i);
		if (user(db, org, name, dept_ids[i], "dept_head", &heads[i], &e))
			return die("user", &e);
		snprintf(name, sizeof name, "staff%zu", i);
		if (user(db, org, name, dept_ids[i], "staff", &staff[i], &e))
			return die("user", &e);
	}
	if (db_begin(db, &e))
		return die("begin", &e);
	for (int i = 0; i < n; i++) {
		size_t d = rnd(&s) % NDEPT, d2 = (d + 1 + rnd(&s) % (NDEPT - 1)) % NDEPT;
		int assigned = y2026 - 40 + (int)(rnd(&s) % 360), span = 10 + (int)(rnd(&s) % 80);
		int deadline = assigned + span, yellow, today = date_from_ymd(2026, 11, 28);
		uint32_t o = rnd(&s) % 100;
		bool complex = o % 5 == 0;
		const char *state = "closed";
		int done = deadline - (int)(o % 7), ext = o >= 85 && o < 92;
		int64_t id;
		int open;
		if (ext)
			deadline += 14;
		if (o >= 92)
			done = deadline + 3; /* late */
		if (deadline >= today - 5) {
			state = o % 3 ? "in_progress" : "assigned";
			done = 0;
		} else if (o < 3) {
			state = "cancelled";
			done = 0;
		} else if (o < 8) {
			state = "in_progress"; /* red */
			done = 0;
		}
		open = strcmp(state, "closed") && strcmp(state, "cancelled");
		if (task_yellow_from(db, org, assigned, deadline, &yellow, &e))
			return die("yellow", &e);
		{
			struct db_stmt *st = db_query(
			    db, &e,
			    "INSERT INTO task (org_id, year, seq, number, title, content, source, "
			    "type,"
			    " lead_dept_id, responsible_id, leader_id, creator_id, state, "
			    "assigned_date,"
			    " deadline, orig_deadline, yellow_from, feedback, extensions, "
			    "done_date,"
			    " closed_date, created_at, updated_at) VALUES ($1, 2026, $2, "
			    "'督〔2026〕' ||"
			    " $2 || '号', '基准事项', '', $3, $4, $5, $6, $7, $8, $9, $10, $11, "
			    "$12, $13,"
			    " 'monthly', $14, $15, $16, 0, 0) RETURNING id",
			    "IissIIIIsiiiii", org, i + 1, task_source_codes[o % 5],
			    complex ? "complex" : "routine", dept_ids[d], staff[d], leader, clerk,
			    state, assigned, deadline, ext ? deadline - 14 : deadline, yellow, ext);
			if (st == NULL)
				return die("insert", &e);
			done ? db_bind_int(st, 15, done) : db_bind_null(st, 15);
			strcmp(state, "closed") == 0 ? db_bind_int(st, 16, done + 2)
			                             : db_bind_null(st, 16);
			if (db_step(st, &e) != DB_ROW)
				return die("insert", &e);
			id = db_col_int(st, 0);
			db_reset(st);
		}
		if (db_execf(
		        db, &e,
		        "INSERT INTO task_part (task_id, department_id, role, assignee_id, content,"
		        " deadline, yellow_from, state, item_open)"
		        " VALUES ($1, $2, 'lead', $3, '', $4, $5, $6, $7)",
		        "IIIiisi", id, dept_ids[d], staff[d], deadline, yellow,
		        done ? "done" : "signed", open) < 0 ||
		    (complex &&
		     db_execf(db, &e,
		              "INSERT INTO task_part (task_id, department_id, role, assignee_id,"
		              " content, deadline, yellow_from, state, item_open) VALUES ($1, $2,"
		              " 'assist', $3, '', $4, $5, 'done', $6)",
		              "IIIiii", id, dept_ids[d2], staff[d2], deadline, yellow, open) < 0) ||
		    db_execf(db, &e,
		             "INSERT INTO task_supervisor (task_id, user_id) VALUES ($1, $2)", "II",
		             id, clerk) < 0 ||
		    db_execf(
		        db, &e,
		        "INSERT INTO acl (org_id, kind, object_id, user_id, reason, created_at)"
		        " SELECT $1, 'task', $2, u.id, 'department', 0 FROM app_user u"
		        " WHERE u.department_id IN (SELECT department_id FROM task_part"
		        " WHERE task_id = $2) ON CONFLICT DO NOTHING",
		        "II", org, id) < 0)
			return die("rows", &e);
	}
	if (db_commit(db, &e) || db_exec(db, "ANALYZE", &e))
		return die("commit", &e);
	printf("seeded %d items in %.0f ms\n", n, ms_now() - t0);
	db_close(db);
	return 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static int time_calls(struct db *db, const struct principal *p, const char *label, int runs,
                      bool dashboard)
{
	double *ms = calloc((size_t)runs, sizeof *ms);
	struct err e = ERR_INIT;
	int from = date_from_ymd(2026, 1, 1), to = date_from_ymd(2026, 12, 31);
	json_t *j = NULL;

	for (int i = 0; i < runs; i++) {
		double t0 = ms_now();
		if (db_begin_read(db, &e))
			return die("begin", &e);
		j = dashboard ? task_dashboard_json(db, p, 2026, &e)
		              : task_stats_json(db, p, from, to, &e);
		db_rollback(db);
		ms[i] = ms_now() - t0;
		if (j == NULL)
			return die(label, &e);
		if (i == runs - 1)
			printf("%-34s due %lld, on_time_rate %.4f\n", label,
			       (long long)json_integer_value(json_object_get(
			           json_object_get(dashboard ? json_object_get(j, "stats") : j,
			                           "total"),
			           "due")),
			       json_real_value(json_object_get(
			           json_object_get(dashboard ? json_object_get(j, "stats") : j,
			                           "total"),
			           "on_time_rate")));
		json_decref(j);
	}
	qsort(ms, (size_t)runs, sizeof *ms, cmp_double);
	printf("%-34s ms: min %.2f  median %.2f  p95 %.2f  max %.2f  (%d runs)\n", label, ms[0],
	       ms[runs / 2], ms[(runs * 95) / 100], ms[runs - 1], runs);
	free(ms);
	return 0;
}

static int stats(const char *path, int runs)
{
	struct err e = ERR_INIT;
	struct db *db = db_open(path, &e);
	struct principal office, head;
	int64_t id;
	bool found;

	if (db == NULL || user_by_username(db, "director", &id, &found, &e) ||
	    principal_load(db, id, &office, &found, &e) ||
	    user_by_username(db, "head0", &id, &found, &e) ||
	    principal_load(db, id, &head, &found, &e))
		return die("open", &e);
	tasks_clock_set(date_start_time(date_from_ymd(2026, 11, 28)) + 9 * 3600);
	if (time_calls(db, &office, "stats 2026, office (sees all)", runs, false) ||
	    time_calls(db, &head, "stats 2026, dept head (acl)", runs, false) ||
	    time_calls(db, &office, "dashboard 2026, office", runs, true))
		return 1;
	db_close(db);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && strcmp(argv[1], "seed") == 0)
		return seed(argv[2], atoi(argv[3]));
	if (argc == 4 && strcmp(argv[1], "stats") == 0)
		return stats(argv[2], atoi(argv[3]));
	fprintf(stderr, "usage: bench_tasks seed DB N | stats DB RUNS\n");
	return 2;
}
