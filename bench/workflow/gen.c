/*
 * bench/workflow/gen.c - fills a demo database with approval instances through the real store
 * (wf_start / wf_act: the same code path as the API, minus HTTP), for bench/workflow/run.sh.
 *
 *   bench-workflow-gen DB FINISHED OPEN
 *
 * Adds GEN_STAFF 干警 to 第一检察部 (whose head is 刘洋, the busy approver; 分管领导 李红梅), then
 * FINISHED 请假 requests approved by both (submitted GEN_STEP_S apart on the engine's test clock),
 * then OPEN requests waiting for 刘洋, one a second. Commits every GEN_BATCH instances. Prints what
 * it made and, last, "now <ISO time>": a clock at which no open request has a timer due yet (the
 * benchmark's server runs at it, so its start-up sweep has nothing to do).
 */
#include "auth/auth.h"
#include "core/timeutil.h"
#include "db/db.h"
#include "org/org.h"
#include "workflow/wf_store.h"
#include "workflow/workflow.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define GEN_STAFF  50
#define GEN_BATCH  500
#define GEN_STEP_S 97
#define GEN_START  "2025-01-06T09:00:00+08:00"

static int die(const char *what, const struct err *e)
{
	fprintf(stderr, "bench-workflow-gen: %s: %s\n", what, e ? e->msg : "");
	return 1;
}

static int user_id(struct db *db, const char *username, int64_t *id, struct err *e)
{
	bool found;

	if (user_by_username(db, username, id, &found, e))
		return -1;
	return found ? 0
	             : err_set(e, ERR_NOT_FOUND, "no user %s (run jianwu demo first)", username);
}

static int add_staff(struct db *db, int64_t org, int64_t dept, struct principal *out, struct err *e)
{
	for (int i = 0; i < GEN_STAFF; i++) {
		char username[32], name[32];
		struct db_stmt *st;
		int rc;

		snprintf(username, sizeof username, "bench%02d", i);
		snprintf(name, sizeof name, "干警%02d", i);
		st = db_query(
		    db, e,
		    "INSERT INTO app_user (org_id, username, name, department_id, password_hash,"
		    " must_change, created_at, updated_at) VALUES ($1, $2, $3, $4, '!', 0, 0, 0)"
		    " RETURNING id",
		    "IssI", org, username, name, dept);
		if (st == NULL)
			return -1;
		rc = db_step(st, e);
		out[i] = (struct principal){.user_id = db_col_int(st, 0),
		                            .org_id = org,
		                            .department_id = dept,
		                            .roles = ROLE_STAFF};
		db_reset(st);
		if (rc != DB_ROW ||
		    db_execf(db, e, "INSERT INTO user_role (user_id, role) VALUES ($1, 'staff')",
		             "I", out[i].user_id) < 0)
			return -1;
		snprintf(out[i].name, sizeof out[i].name, "%s", name);
	}
	return 0;
}

int main(int argc, char **argv)
{
	static struct principal staff[GEN_STAFF];
	struct principal head = {0}, leader = {0};
	struct err e = ERR_INIT;
	struct db *db;
	json_t *approve;
	int64_t org, dept, t0, id;
	long finished, open;
	char now[TIME_ISO_MAX];
	bool found;
	struct timespec a, b;

	if (argc != 4)
		return fprintf(stderr, "usage: bench-workflow-gen DB FINISHED OPEN\n"), 2;
	finished = atol(argv[2]);
	open = atol(argv[3]);
	setenv("JIANWU_FAKE_NOW", GEN_START, 1);
	if ((db = db_open(argv[1], &e)) == NULL || db_migrate(db, &e))
		return die("open", &e);
	if (org_default(db, &org, &e) ||
	    db_query_int(db, &e, &dept, &found,
	                 "SELECT id FROM department WHERE org_id = $1 AND code = 'DYJCB'", "I",
	                 org) ||
	    !found)
		return die("demo org", &e);
	if (user_id(db, "liuy", &head.user_id, &e) || user_id(db, "lihm", &leader.user_id, &e))
		return die("demo users", &e);
	head.org_id = leader.org_id = org;
	head.roles = ROLE_DEPT_HEAD;
	leader.roles = ROLE_LEADER;
	if (db_begin(db, &e) || add_staff(db, org, dept, staff, &e) || db_commit(db, &e))
		return die("staff", &e);
	approve = json_pack("{s:s, s:s}", "action", "approve", "opinion", "同意");
	time_parse_iso(GEN_START, &t0);
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (long i = 0; i < finished + open; i++) {
		const struct principal *who = &staff[i % GEN_STAFF];
		char title[128];
		json_t *form = json_pack("{s:s, s:s, s:s, s:i, s:s}", "kind", "事假", "start_date",
		                         "2025-02-03", "end_date", "2025-02-04", "days",
		                         1 + (int)(i % 2), "reason", "基准测试");

		if (i % GEN_BATCH == 0 && db_begin(db, &e))
			return die("begin", &e);
		wf_clock_set(i < finished ? t0 + i * GEN_STEP_S
		                          : t0 + finished * GEN_STEP_S + (i - finished));
		snprintf(title, sizeof title, "%s的请假申请（事假%d天）", who->name,
		         1 + (int)(i % 2));
		if (wf_start(db, who, "leave", WF_FORM_MODULE, 0, title, form, &id, &e))
			return die("start", &e);
		json_decref(form);
		if (i < finished && (wf_act(db, &head, id, approve, NULL, &e) ||
		                     wf_act(db, &leader, id, approve, NULL, &e)))
			return die("approve", &e);
		if ((i + 1) % GEN_BATCH == 0 || i + 1 == finished + open) {
			if (db_commit(db, &e))
				return die("commit", &e);
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	json_decref(approve);
	db_close(db);
	time_iso(t0 + finished * GEN_STEP_S + open + 60, now);
	printf("generated %ld finished + %ld open instances in %.1f s (%.0f engine actions/s)\n",
	       finished, open,
	       (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9,
	       (double)(finished * 3 + open) /
	           ((double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9));
	printf("now %s\n", now);
	return 0;
}
