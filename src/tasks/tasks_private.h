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

/* Approvals of the module (tasks_approval.c): 延期申请 and 报备审批, kept behind this small
 * interface so that they can move onto the shared approval engine without touching the rules.
 * A pending approval is decided by approver_id, or when that is 0 by anyone of the org holding
 * one of approver_roles. Opening one puts it in the approvers' 待办; deciding closes those. */
#define TAPPR_EXTENSION "extension"
#define TAPPR_FILING    "filing"

struct tappr_new {
	int64_t org_id, task_id;
	const char *kind;
	int64_t requester_id;
	int64_t approver_id;
	unsigned approver_roles;
	const char *reason;
	int old_deadline, new_deadline; /* extension; 0 otherwise */
	const char *todo_title;
	const char *step; /* 待办 step, "延期审批" */
};
struct tappr {
	int64_t id, task_id, requester_id, approver_id;
	unsigned approver_roles;
	int old_deadline, new_deadline;
	char step[32];
};
int tappr_start(struct db *db, const struct tappr_new *n, int64_t *id, struct err *e);
int tappr_pending(struct db *db, int64_t task_id, const char *kind, struct tappr *out, bool *found,
                  struct err *e);
bool tappr_may_decide(const struct tappr *a, const struct principal *who);
/* Records the decision (approved or refused) and closes the approvers' todos. */
int tappr_decide(struct db *db, const struct tappr *a, const struct principal *who, bool approve,
                 const char *opinion, int64_t now, struct err *e);
/* Ends a pending approval without a decision (the item was cancelled or finished). */
int tappr_withdraw(struct db *db, int64_t task_id, const char *kind, int64_t now, struct err *e);

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
