/*
 * wf_sched.c - the engine's clock and its scheduler: one background thread with its own
 * connection that ticks every instance whose next timer (reminder, due time, escalation) has
 * passed, through the same path as users' actions (wf_tick: WF_ACT_TICK in a write transaction).
 *
 * Exactly once: a timer's "fired" flag lives in the instance document and commits together with
 * its notice, history entry and audit row, under the instance's version check. A crash before the
 * commit loses nothing (the timer is still due and fires at the next sweep); after it, the flag
 * is set and no later sweep, restart or second process fires it again.
 *
 * Timing: a sweep at start (before the server accepts requests, so what fell due while the
 * server was down fires first) and then every WF_SCHED_INTERVAL_S; timers are instants computed
 * in working time by the engine, so a reminder fires within one interval of its instant.
 *
 * Clock: wf_now() is real time unless the process started with JIANWU_FAKE_NOW (the convention
 * the tasks module uses too). Then time stands still at that instant until
 * POST /api/v1/workflows/scheduler/run {"now": ...} moves it and sweeps at once; without
 * JIANWU_FAKE_NOW that route answers 404, so production has no way to move time.
 */
#include "workflow/wf_store.h"
#include "core/log.h"
#include "core/timeutil.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* --- the clock --- */

static _Atomic int64_t fake_now; /* 0 = real time */
static pthread_once_t clock_once = PTHREAD_ONCE_INIT;

static void clock_init(void)
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
}

int64_t wf_now(void)
{
	int64_t t;

	pthread_once(&clock_once, clock_init);
	t = atomic_load(&fake_now);
	return t ? t : time_now();
}

bool wf_clock_fake(void)
{
	pthread_once(&clock_once, clock_init);
	return atomic_load(&fake_now) != 0;
}

void wf_clock_set(int64_t t)
{
	if (wf_clock_fake() && t > 0)
		atomic_store(&fake_now, t);
}

/* --- the thread --- */

static pthread_t thread;
static bool running;
static bool stopping; /* under mu */
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake;
static char *sched_uri;

static void sweep(struct db *db)
{
	struct err e = ERR_INIT;
	int instances = 0, fired = 0;

	if (wf_calendar_refresh(db, &e)) {
		log_error("workflow: calendar refresh failed: %s", e.msg);
		err_clear(&e);
	}
	if (wf_sweep(db, wf_now(), true, &instances, &fired, &e))
		log_error("workflow: scheduler sweep failed: %s", e.msg);
	else if (fired)
		log_info("workflow: %d timer events on %d instances", fired, instances);
}

static void *sched_main(void *arg)
{
	struct err e = ERR_INIT;
	struct db *db = db_open(sched_uri, &e);
	struct timespec until;

	(void)arg;
	if (db == NULL) {
		log_error("workflow: scheduler cannot open the store: %s", e.msg);
		return NULL;
	}
	pthread_mutex_lock(&mu);
	while (!stopping) {
		clock_gettime(CLOCK_MONOTONIC, &until);
		until.tv_sec += WF_SCHED_INTERVAL_S;
		while (!stopping && pthread_cond_timedwait(&wake, &mu, &until) == 0)
			;
		if (stopping)
			break;
		pthread_mutex_unlock(&mu);
		sweep(db);
		pthread_mutex_lock(&mu);
	}
	pthread_mutex_unlock(&mu);
	db_close(db);
	return NULL;
}

/* Seeds every org (definitions and calendar) and runs the first sweep, on a connection of its
 * own, before the server accepts requests. */
static int first_run(struct db *db, struct err *e)
{
	int64_t ids[WF_CAL_ORGS_MAX];
	struct db_stmt *st = db_query(db, e, "SELECT id FROM org ORDER BY id", NULL);
	int n = 0, rc;

	if (st == NULL)
		return -1;
	while ((rc = db_step(st, e)) == DB_ROW && n < WF_CAL_ORGS_MAX)
		ids[n++] = db_col_int(st, 0);
	db_reset(st);
	if (rc < 0)
		return -1;
	for (int i = 0; i < n; i++) {
		if (db_begin(db, e))
			return -1;
		if (wf_org_seed(db, ids[i], e)) {
			db_rollback(db);
			return -1;
		}
		if (db_commit(db, e))
			return -1;
	}
	sweep(db);
	return 0;
}

int wf_sched_start(const char *db_uri, struct err *e)
{
	pthread_condattr_t attr;
	struct db *db;
	int rc;

	if (running)
		return 0;
	if ((db = db_open(db_uri, e)) == NULL)
		return -1;
	rc = first_run(db, e);
	db_close(db);
	if (rc)
		return -1;
	sched_uri = strdup(db_uri);
	if (sched_uri == NULL)
		return err_internal(e, "workflow: out of memory");
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&wake, &attr);
	pthread_condattr_destroy(&attr);
	stopping = false;
	if (pthread_create(&thread, NULL, sched_main, NULL) != 0) {
		free(sched_uri);
		sched_uri = NULL;
		return err_internal(e, "workflow: cannot start the scheduler thread");
	}
	running = true;
	return 0;
}

void wf_sched_stop(void)
{
	if (!running)
		return;
	pthread_mutex_lock(&mu);
	stopping = true;
	pthread_cond_signal(&wake);
	pthread_mutex_unlock(&mu);
	pthread_join(thread, NULL);
	pthread_cond_destroy(&wake);
	free(sched_uri);
	sched_uri = NULL;
	running = false;
}
