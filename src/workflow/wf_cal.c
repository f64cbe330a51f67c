/*
 * wf_cal.c - the working-day calendar of each org: stored per year in wf_calendar, held in memory
 * as one struct workday_cal per org that time limits read without a lock.
 *
 * Readers find their org's slot and load its calendar pointer (atomic). A change builds a whole
 * new calendar and swaps the pointer; the old one is retired, not freed, because a request may
 * still be reading it and readers take no reference. Calendars change a few times a year and
 * weigh a few kilobytes, so retired ones are freed only at module stop (wf_calendar_release_all,
 * after the server's threads have stopped).
 *
 * Several processes (PostgreSQL deployments) see one another's edits through a signature: the
 * sum of the org's stored row versions, which every save increases. The scheduler compares it
 * every sweep (wf_calendar_refresh) and reloads what changed. A save in this process reloads at
 * once inside its transaction; should that transaction then fail, the signatures differ and the
 * next sweep reloads the committed state.
 */
#include "workflow/wf_store.h"
#include "core/jsonv.h"
#include "core/log.h"
#include "core/timeutil.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#define CAL_RETIRED_MAX 1024 /* swaps kept before the oldest retired calendars are freed */

struct cal_slot {
	_Atomic int64_t org_id; /* 0 = free; set once, after cal */
	_Atomic(struct workday_cal *) cal;
	int64_t sig; /* under mu */
};

static struct cal_slot slots[WF_CAL_ORGS_MAX];
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static struct workday_cal *retired[CAL_RETIRED_MAX];
static int n_retired;

/* A new calendar for org: the built-in official years, then the stored years over them. */
static struct workday_cal *build(struct db *db, int64_t org_id, int64_t *sig, struct err *e)
{
	struct workday_cal *cal = workday_cal_new();
	struct db_stmt *st;
	int rc;

	*sig = 0;
	if (cal == NULL) {
		err_internal(e, "wf_cal: out of memory");
		return NULL;
	}
	if (workday_cal_load_builtin(cal, e))
		goto fail;
	st = db_query(db, e, "SELECT year, body, version FROM wf_calendar WHERE org_id = $1", "I",
	              org_id);
	if (st == NULL)
		goto fail;
	while ((rc = db_step(st, e)) == DB_ROW) {
		const char *body = db_col_text(st, 1);
		struct err le = ERR_INIT;

		*sig += db_col_int(st, 2);
		if (workday_cal_load_json(cal, body, strlen(body), &le))
			log_error("wf_cal: stored calendar %lld/%lld refused: %s",
			          (long long)org_id, (long long)db_col_int(st, 0), le.msg);
	}
	db_reset(st);
	if (rc < 0)
		goto fail;
	return cal;
fail:
	workday_cal_free(cal);
	return NULL;
}

static struct cal_slot *find(int64_t org_id)
{
	for (int i = 0; i < WF_CAL_ORGS_MAX; i++) {
		int64_t o = atomic_load(&slots[i].org_id);
		if (o == org_id)
			return &slots[i];
		if (o == 0)
			return NULL;
	}
	return NULL;
}

static void retire(struct workday_cal *old)
{
	if (old == NULL)
		return;
	if (n_retired == CAL_RETIRED_MAX) {
		/* thousands of edits in one process life: the oldest has long been unread */
		workday_cal_free(retired[0]);
		memmove(retired, retired + 1, (CAL_RETIRED_MAX - 1) * sizeof retired[0]);
		n_retired--;
	}
	retired[n_retired++] = old;
}

/* Builds and publishes org's calendar; under mu. */
static struct workday_cal *publish(struct db *db, int64_t org_id, struct err *e)
{
	struct cal_slot *s = find(org_id);
	struct workday_cal *cal;
	int64_t sig;

	if (s == NULL) {
		for (int i = 0; i < WF_CAL_ORGS_MAX && s == NULL; i++)
			if (atomic_load(&slots[i].org_id) == 0)
				s = &slots[i];
		if (s == NULL) {
			err_internal(e, "wf_cal: more than %d orgs", WF_CAL_ORGS_MAX);
			return NULL;
		}
	}
	if ((cal = build(db, org_id, &sig, e)) == NULL)
		return NULL;
	s->sig = sig;
	retire(atomic_exchange(&s->cal, cal));
	atomic_store(&s->org_id, org_id);
	return cal;
}

const struct workday_cal *wf_calendar(struct db *db, int64_t org_id, struct err *e)
{
	struct cal_slot *s = find(org_id);
	struct workday_cal *cal;

	if (s != NULL && (cal = atomic_load(&s->cal)) != NULL)
		return cal;
	pthread_mutex_lock(&mu);
	s = find(org_id);
	cal = s ? atomic_load(&s->cal) : NULL;
	if (cal == NULL)
		cal = publish(db, org_id, e);
	pthread_mutex_unlock(&mu);
	return cal;
}

int wf_calendar_reload(struct db *db, int64_t org_id, struct err *e)
{
	struct workday_cal *cal;

	pthread_mutex_lock(&mu);
	cal = publish(db, org_id, e);
	pthread_mutex_unlock(&mu);
	return cal ? 0 : -1;
}

int wf_calendar_refresh(struct db *db, struct err *e)
{
	int64_t orgs[WF_CAL_ORGS_MAX];
	int n = 0, rc = 0;

	pthread_mutex_lock(&mu);
	for (int i = 0; i < WF_CAL_ORGS_MAX && atomic_load(&slots[i].org_id) != 0; i++) {
		int64_t sig;
		bool found;

		if (db_query_int(
		        db, e, &sig, &found,
		        "SELECT coalesce(sum(version), 0) FROM wf_calendar WHERE org_id = $1", "I",
		        atomic_load(&slots[i].org_id))) {
			rc = -1;
			break;
		}
		if (sig != slots[i].sig)
			orgs[n++] = atomic_load(&slots[i].org_id);
	}
	for (int i = 0; rc == 0 && i < n; i++)
		if (publish(db, orgs[i], e) == NULL)
			rc = -1;
	pthread_mutex_unlock(&mu);
	return rc;
}

void wf_calendar_release_all(void)
{
	pthread_mutex_lock(&mu);
	for (int i = 0; i < WF_CAL_ORGS_MAX; i++) {
		workday_cal_free(atomic_exchange(&slots[i].cal, NULL));
		atomic_store(&slots[i].org_id, 0);
		slots[i].sig = 0;
	}
	for (int i = 0; i < n_retired; i++)
		workday_cal_free(retired[i]);
	n_retired = 0;
	pthread_mutex_unlock(&mu);
}

/* --- the stored years --- */

static int store_year(struct db *db, int64_t org_id, int year, const char *body, int64_t user,
                      struct err *e)
{
	struct db_stmt *st =
	    db_query(db, e,
	             "INSERT INTO wf_calendar (org_id, year, body, version, updated_by, updated_at)"
	             " VALUES ($1, $2, $3, 1, $4, $5) ON CONFLICT (org_id, year) DO UPDATE SET"
	             " body = excluded.body, version = wf_calendar.version + 1,"
	             " updated_by = excluded.updated_by, updated_at = excluded.updated_at",
	             "Iis", org_id, year, body);
	int rc;

	if (st == NULL)
		return -1;
	user > 0 ? db_bind_int(st, 4, user) : db_bind_null(st, 4);
	db_bind_int(st, 5, wf_now());
	rc = db_step(st, e);
	db_reset(st);
	return rc < 0 ? -1 : 0;
}

int wf_calendar_seed(struct db *db, int64_t org_id, struct err *e)
{
	for (int y = WORKDAY_YEAR_MIN; y <= WORKDAY_YEAR_MAX; y++) {
		const char *json = workday_builtin_json(y);
		int64_t v;
		bool found;

		if (json == NULL)
			continue;
		if (db_query_int(db, e, &v, &found,
		                 "SELECT version FROM wf_calendar WHERE org_id = $1 AND year = $2",
		                 "Ii", org_id, y))
			return -1;
		if (!found && store_year(db, org_id, y, json, 0, e))
			return -1;
	}
	return 0;
}

json_t *wf_calendar_get(struct db *db, int64_t org_id, int year, struct err *e)
{
	struct db_stmt *st = db_query(db, e,
	                              "SELECT body, version, updated_at,"
	                              " (SELECT name FROM app_user WHERE id = updated_by)"
	                              " FROM wf_calendar WHERE org_id = $1 AND year = $2",
	                              "Ii", org_id, year);
	const char *builtin = workday_builtin_json(year);
	json_t *doc = NULL;
	char at[TIME_ISO_MAX];
	int rc;

	if (st == NULL)
		return NULL;
	rc = db_step(st, e);
	if (rc == DB_ROW) {
		doc = json_loads(db_col_text(st, 0), 0, NULL);
		if (doc != NULL) {
			time_iso(db_col_int(st, 2), at);
			json_object_set_new(doc, "version", json_integer(db_col_int(st, 1)));
			json_object_set_new(doc, "configured", json_true());
			json_object_set_new(doc, "updated_at", json_string(at));
			json_object_set_new(doc, "updated_by", db_col_json(st, 3));
		}
	}
	db_reset(st);
	if (rc < 0)
		return NULL;
	if (rc == DB_DONE) {
		doc = builtin ? json_loads(builtin, 0, NULL)
		              : json_pack("{s:i, s:[], s:[], s:s}", "year", year, "holidays",
		                          "workdays", "note", "");
		if (doc != NULL) {
			json_object_set_new(doc, "version", json_integer(0));
			json_object_set_new(doc, "configured", json_false());
		}
	}
	if (doc == NULL)
		err_internal(e, "wf_cal: calendar %d of org %lld unreadable", year,
		             (long long)org_id);
	else
		json_object_set_new(doc, "builtin", json_boolean(builtin != NULL));
	return doc;
}

int wf_calendar_put(struct db *db, int64_t org_id, int year, json_t *body, int64_t user,
                    struct err *e)
{
	static const char *const fields[] = {"holidays", "workdays", "note", "version", NULL};
	struct workday_cal *scratch = NULL;
	json_t *doc = NULL, *v;
	char *norm = NULL;
	int64_t version = 0, stored = 0;
	bool found;
	int rc = -1;

	if (jv_only(body, fields, e) ||
	    jv_int(body, "version", "版本号", false, 0, INT32_MAX, &version, e))
		return -1;
	doc = json_pack("{s:i, s:[], s:[]}", "year", year, "holidays", "workdays");
	if (doc == NULL)
		return err_internal(e, "wf_cal: out of memory");
	if ((v = json_object_get(body, "holidays")) != NULL)
		json_object_set(doc, "holidays", v);
	if ((v = json_object_get(body, "workdays")) != NULL)
		json_object_set(doc, "workdays", v);
	if ((v = json_object_get(body, "note")) != NULL)
		json_object_set(doc, "note", v);
	if ((scratch = workday_cal_new()) == NULL) {
		err_internal(e, "wf_cal: out of memory");
		goto out;
	}
	if (workday_cal_load(scratch, doc, e))
		goto out;
	if ((norm = workday_year_json(scratch, year)) == NULL) {
		err_internal(e, "wf_cal: out of memory");
		goto out;
	}
	if (db_query_int(db, e, &stored, &found,
	                 "SELECT version FROM wf_calendar WHERE org_id = $1 AND year = $2", "Ii",
	                 org_id, year))
		goto out;
	if ((found ? stored : 0) != version) {
		err_field(e, ERR_CONFLICT, "version",
		          "%d年的工作日历已被他人修改（当前为第%lld版），请刷新后重试", year,
		          (long long)(found ? stored : 0));
		goto out;
	}
	if (store_year(db, org_id, year, norm, user, e) || wf_calendar_reload(db, org_id, e))
		goto out;
	rc = 0;
out:
	free(norm);
	workday_cal_free(scratch);
	json_decref(doc);
	return rc;
}
