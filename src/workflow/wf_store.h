/*
 * wf_store.h - the approval engine's store and its surroundings, internal to src/workflow
 * (business modules use workflow.h): definitions per org and version, instances with their work
 * items mirrored into todo rows, the history timeline and notices; the resolver that turns
 * assignee rules into the org's people; per-org working-day calendars kept in memory; the clock;
 * the 报备审批 forms; the scheduler.
 *
 * Tables (src/db/migrations/010..012): wf_definition, wf_instance, wf_history, wf_calendar, and
 * the todo/notice tables of workflow.h.
 *
 * One action, one transaction (the caller's: the HTTP write transaction, or the scheduler's own):
 *   load row + engine document (wf_load); check the client's version; wf_apply;
 *   UPDATE wf_instance ... WHERE id AND version = loaded (0 rows: ERR_CONFLICT, someone else
 *   committed first - possible on PostgreSQL; on SQLite writers are serialised by BEGIN
 *   IMMEDIATE and the load already sees the latest row);
 *   upsert the todo row of every item the engine reports changed (todo_item unique key);
 *   insert the history entries and notices; call the module's listener.
 * The engine document (instance.h) is the source of truth; todo rows, state, step_name and
 * next_timer_at are copies kept in the same transaction, so they never disagree once committed.
 *
 * Timers: wf_instance.next_timer_at = wf_instance_next_timer() after every action. The scheduler
 * ticks instances whose next_timer_at has passed, through the same path (WF_ACT_TICK, actor 0);
 * a fired timer is a flag in the document committed with its notice, so it fires exactly once
 * whatever the number of sweeps, processes or restarts.
 *
 * Memory: wf_load fills a struct wf_loaded that owns its definition and instance
 * (wf_loaded_free). Returned json_t are new references. Calendars returned by wf_calendar are
 * shared and read-only, valid until wf_calendar_release_all() (module stop).
 */
#ifndef JW_WF_STORE_H
#define JW_WF_STORE_H

#include "auth/auth.h"
#include "core/err.h"
#include "core/workday.h"
#include "db/db.h"
#include "workflow/engine.h"
#include "workflow/workflow.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

/* Who may remind or cancel anyone's instance (the engine's "privileged": 督办). */
#define WF_PRIVILEGED_ROLES (ROLE_OFFICE_DIRECTOR | ROLE_CHIEF)
/* Who sees every instance of the org (modules.md need-to-know). */
#define WF_SEE_ALL_ROLES    (ROLES_OFFICE | ROLES_LEADERS)
#define WF_FORM_MODULE      "approval" /* module (and todo kind) of the 报备审批 forms */
#define WF_SCHED_INTERVAL_S 30         /* the scheduler sweeps this often */
#define WF_SCHED_BATCH      100        /* instances read per sweep query */
#define WF_CAL_ORGS_MAX     256        /* orgs with a calendar in memory */
#define WF_DEF_CACHE_MAX    64         /* parsed definitions kept for reuse */

/* --- the clock (wf_sched.c) ---
 * Real time, unless the process started with JIANWU_FAKE_NOW (ISO 8601 or Unix seconds): then a
 * fixed instant that only wf_clock_set moves (POST /api/v1/workflows/scheduler/run, tests). */
int64_t wf_now(void);
bool wf_clock_fake(void);
void wf_clock_set(int64_t t);

/* --- calendars (wf_cal.c) --- */
/* The org's calendar (loaded from wf_calendar on first use). NULL with e set on failure. */
const struct workday_cal *wf_calendar(struct db *db, int64_t org_id, struct err *e);
/* Reloads the in-memory calendar of org from the store and publishes it atomically. */
int wf_calendar_reload(struct db *db, int64_t org_id, struct err *e);
/* Reloads every loaded org whose stored calendar changed (another process edited it). */
int wf_calendar_refresh(struct db *db, struct err *e);
/* The year's document {"year","holidays","workdays","note","version","configured"}. */
json_t *wf_calendar_get(struct db *db, int64_t org_id, int year, struct err *e);
/* Validates and stores a year (version: the stored version the editor saw, 0 = none yet;
 * ERR_CONFLICT when stale), then reloads the org's calendar. */
int wf_calendar_put(struct db *db, int64_t org_id, int year, json_t *body, int64_t user,
                    struct err *e);
/* Inserts the built-in official years the org does not have yet. */
int wf_calendar_seed(struct db *db, int64_t org_id, struct err *e);
void wf_calendar_release_all(void);

/* --- definitions --- */
/* The org's definition key at version (0 = the latest); NULL with ERR_NOT_FOUND if none.
 * *active (may be NULL) says whether new instances may start from it. Caller frees. */
struct wf_def *wf_def_load(struct db *db, int64_t org_id, const char *key, int version,
                           bool *active, struct err *e);
/* Saves doc as the next version of its key (base_version: the latest version the editor saw, 0
 * for a new key; ERR_CONFLICT when another version was saved since). Checks the assignee rules
 * against the org (role names, users). *version is the new version. */
int wf_def_save(struct db *db, int64_t org_id, json_t *doc, int base_version, bool active,
                int64_t user, int *version, struct err *e);
/* Frees the cached parsed definitions nobody uses (module stop). */
void wf_def_cache_clear(void);
/* Role codes a role rule names: a code ("leader"), a role's Chinese name ("分管院领导"), or the
 * group 院领导 (chief + leader). Returns how many (0 = unknown role). */
int wf_role_codes(const char *role, const char *codes[2]);

/* --- instances --- */
struct wf_loaded {
	int64_t id, org_id, object_id, initiator, version;
	char module[WF_MODULE_MAX + 1];
	char title[TODO_TITLE_MAX + 1];
	struct wf_def *def;       /* the version the instance started with (shared: read only) */
	struct wf_instance *inst; /* the engine document */
};

/* Loads instance id of org; *found false (and nothing to free) when absent. */
int wf_load(struct db *db, int64_t org_id, int64_t id, struct wf_loaded *out, bool *found,
            struct err *e);
void wf_loaded_free(struct wf_loaded *l);

/* Need-to-know: initiator, anyone who held work in it or was notified about it, office and
 * leader roles, or the module listener's visible(). */
int wf_may_see(struct db *db, const struct principal *who, const struct wf_loaded *l, bool *ok,
               struct err *e);

/* wf_load + wf_may_see: ERR_NOT_FOUND for an instance who may not see. */
int wf_load_visible(struct db *db, const struct principal *who, int64_t id, struct wf_loaded *l,
                    struct err *e);
/* wf_act on a loaded, visible instance (body as for wf_act). */
int wf_act_loaded(struct db *db, const struct principal *who, struct wf_loaded *l,
                  const json_t *body, int64_t *version_out, struct err *e);
/* The people a "chosen" rule (or any rule but users-less ones) allows, for an initiator in dept;
 * count or -1. */
int wf_candidates(struct db *db, int64_t org_id, const struct wf_rule *chosen, int64_t initiator,
                  int64_t dept, int64_t *out, int max, struct err *e);

/* wf_start with the chosen assignees of the first step (next may be NULL, n_next 0). */
int wf_store_start(struct db *db, const struct principal *who, const char *def_key,
                   const char *module, int64_t object_id, const char *title, const json_t *form,
                   const int64_t *next, int n_next, int64_t *instance_id, struct err *e);
/* Applies act (actor, at and privileged are set here from who; who NULL = the scheduler) to a
 * loaded instance and writes everything back. *new_version may be NULL. */
int wf_store_act(struct db *db, const struct principal *who, struct wf_loaded *l,
                 struct wf_action *act, int64_t *new_version, struct err *e);
/* Ticks instance id at now inside the caller's transaction; *fired = history entries written
 * (0: nothing was due). Audits a tick that fired something. */
int wf_tick(struct db *db, int64_t id, int64_t now, int *fired, struct err *e);
/* Ticks every instance with a timer due at now, each in its own transaction when own_tx (the
 * scheduler thread), or all inside the caller's (the test route). *fired counts entries. */
int wf_sweep(struct db *db, int64_t now, bool own_tx, int *instances, int *fired, struct err *e);

/* --- forms (wf_forms.c) --- */
struct wf_form {
	const char *key;         /* definition key */
	const char *name;        /* 请假 */
	const char *default_def; /* the definition seeded for every org */
	/* Checks the user's fields and builds the stored form (computed fields added) and the
	 * instance title. */
	int (*validate)(struct db *db, const struct principal *who, json_t *in, json_t **form,
	                char *title, size_t title_size, struct err *e);
};
const struct wf_form *wf_form_find(const char *key);
extern const struct wf_form wf_forms[];
extern const int wf_form_count;
/* Adds the default definition of every form the org does not have yet. */
int wf_defaults_seed(struct db *db, int64_t org_id, struct err *e);

/* --- scheduler (wf_sched.c) --- */
int wf_sched_start(const char *db_uri, struct err *e);
void wf_sched_stop(void);

/* --- helpers shared by the API --- */
/* An instance as the API shows it: fields, form, steps, items, history, and for who the allowed
 * actions, return targets and candidates of a chosen next step. */
json_t *wf_instance_json(struct db *db, const struct principal *who, const struct wf_loaded *l,
                         struct err *e);
int wf_demo(struct db *db, int64_t org_id, struct err *e);

#endif
