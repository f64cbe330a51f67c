/*
 * tasks_private.h - what the files of the 督办 module share and nothing else includes.
 */
#ifndef JW_TASKS_PRIVATE_H
#define JW_TASKS_PRIVATE_H

#include "core/limits.h"
#include "tasks/tasks.h"

/* States in which an item shows a light (it has been 立项 and is not finished or cancelled). */
#define TASK_LIGHT_STATES_SQL "('registered','assigned','in_progress','reported','leader_review')"
/* States in which the clock runs for the handlers (reminders, reports, extensions). */
#define TASK_HANDLING_STATES_SQL "('assigned','in_progress')"
/* States counted by statistics: everything that was 立项 and not cancelled. */
#define TASK_COUNTED_STATES_SQL                                                                    \
	"('registered','assigned','in_progress','reported','leader_review','closed','archived')"

/* The light of row alias t as SQL, with $today bound to the module's today (days). */
#define TASK_LIGHT_SQL(today)                                                                      \
	"CASE WHEN t.state NOT IN " TASK_LIGHT_STATES_SQL " THEN NULL"                             \
	" WHEN t.done_date IS NOT NULL THEN CASE WHEN t.done_date > t.deadline THEN 'red'"         \
	" ELSE 'green' END WHEN t.deadline < " today " THEN 'red' WHEN t.yellow_from <= " today    \
	" THEN 'yellow' ELSE 'green' END"

#define TASK_NUMBER_MAX 64

/* One item as the rules see it. */
struct task_row {
	int64_t id, org_id, lead_dept_id, responsible_id, leader_id, creator_id, version;
	int64_t link_id;
	enum task_state state;
	enum task_source source;
	enum task_feedback feedback;
	bool complex, filed;
	int assigned_date, deadline, orig_deadline, yellow_from, done_date, closed_date;
	int extensions;
	int year, seq;
	char number[TASK_NUMBER_MAX];
	char title[FIELD_TITLE_MAX + 1];
};

/* Loads an item of org_id; found=false when there is none. */
int task_load(struct db *db, int64_t org_id, int64_t id, struct task_row *t, bool *found,
              struct err *e);

/* "督〔2026〕12号 标题" (or the title alone before 立项), for todos and notices. out: 700 bytes. */
#define TASK_LABEL_MAX 700
void task_label(const struct task_row *t, char out[TASK_LABEL_MAX]);

/* A history row; actor_id 0 = the system (scheduler). Returns the event id in *event_id if
 * event_id is not NULL. */
int task_event_add(struct db *db, int64_t task_id, int64_t ts, int64_t actor_id,
                   const char *actor_name, const char *action, const char *from_state,
                   const char *to_state, const char *opinion, const char *detail, int64_t *event_id,
                   struct err *e);

/* A notice about an item to one user. */
int task_notify(struct db *db, const struct task_row *t, int64_t user_id, const char *kind,
                const char *what, const char *body, struct err *e);

/* Name of a user ("" when unknown); out holds FIELD_NAME_MAX + 1 bytes. */
int task_user_name(struct db *db, int64_t user_id, char *out, struct err *e);

/* Exported rules of tasks.c for the other files of the module. */
/* Moves t to state `to` (version and updated_at bumped, parts' item_open kept). */
int task_set_state(struct db *db, struct task_row *t, enum task_state to, int64_t now,
                   struct err *e);
/* Takes the next 编号 of t's org and year (立项) and stores it on t and its row. */
int task_take_number(struct db *db, struct task_row *t, struct err *e);
/* A pending module todo about t for user (step "交办", "办理" ...; due in days or 0). */
int task_todo(struct db *db, const struct task_row *t, int64_t user_id, const char *step, int due,
              struct err *e);

/*
 * Approvals on the shared engine (tasks_engine.c): 延期申请 (definition "task_extension") and
 * 报备审批 ("task_filing"), instances of module TASK_KIND whose object is the item. task_approval
 * keeps the item's record of each request; the module's listener (registered by
 * tasks_engine_register from the module's .start, the demo and tests) applies an instance's
 * outcome to the item inside the transaction of the action that decided it, whichever route the
 * approver used (the item's actions or POST /api/v1/workflows/instances/{id}/actions).
 */
#define TAPPR_EXTENSION "extension"
#define TAPPR_FILING    "filing"

struct tappr {
	int64_t id, task_id, instance_id, requester_id;
	int old_deadline, new_deadline;
	bool holder; /* the asking user holds a pending work item of the instance */
};
/* The pending request of a kind on an item; holder is computed for user_id. */
int tappr_pending(struct db *db, int64_t task_id, const char *kind, int64_t user_id,
                  struct tappr *out, bool *found, struct err *e);
/* 报备: starts the filing approval of item t (state filing) as its creator. */
int tappr_file(struct db *db, const struct principal *who, const struct task_row *t,
               const char *content, struct err *e);
/* 延期申请 by a handler of t (checked by the caller, as are the deadline rules). */
int tappr_extend(struct db *db, const struct principal *who, const struct task_row *t,
                 const char *reason, int new_deadline, struct err *e);
/* Approves or refuses (reject) as who, through the engine (wf_act). */
int tappr_decide(struct db *db, const struct principal *who, const struct tappr *a, bool approve,
                 const char *opinion, struct err *e);
/* Cancels every open request of an item that is itself being cancelled (call after the item's
 * state changed, so the listener only closes the records). */
int tappr_cancel_all(struct db *db, const struct principal *who, int64_t task_id,
                     const char *reason, struct err *e);
/* Seeds the two default definitions for org (kept when the org has them). */
int tasks_defs_seed(struct db *db, int64_t org_id, struct err *e);
/* Registers the module's approval listener once; 0 when registered (now or before). */
int tasks_engine_register(void);

/* Search (tasks_search.c): the kind "task" (title, 编号, content, sub-tasks, progress reports,
 * 办结报告) with the acl need-to-know. tasks_search_register adds the kind (before serving);
 * task_index re-reads item id into the index inside the caller's transaction (nothing when the
 * kind is not registered: `jianwu demo`, whose items tasks_search_start indexes at the next
 * start); tasks_search_start indexes the items the index lacks. */
void tasks_search_register(void);
int task_index(struct db *db, int64_t id, struct err *e);
int tasks_search_start(const char *db_uri, struct err *e);

/* Calendar (tasks_light.c): the working-day calendar is the org's (wf_calendar). When the stored
 * calendar of an org changed since its items' yellow_from were computed, recomputes them (items
 * and parts that show a light) and records the new signature. *changed counts rows updated (may
 * be NULL). Inside the caller's write transaction. */
int tasks_calendar_sync(struct db *db, int *changed, struct err *e);
/* Whether some org's stored calendar differs from what its lights were computed with (a read). */
int tasks_calendar_stale(struct db *db, bool *stale, struct err *e);

/* Reminder ledger (tasks_sched.c): inserts the row unless (task, part, kind, due_key) fired
 * already; *fired says whether this call added it. */
int task_reminder_record(struct db *db, int64_t org_id, int64_t task_id, int64_t part_id,
                         const char *kind, int64_t due_key, int64_t now, int64_t actor_id,
                         const char *recipients, const char *message, bool *fired, struct err *e);

/* Progress-report slots: the latest due date strictly before today (0 if none) and the next due
 * date on or after today (0 if none), limited to dates before the deadline. */
int task_report_slots(struct db *db, const struct task_row *t, int today, int *last_due,
                      int *prev_due, int *next_due, struct err *e);

#endif
