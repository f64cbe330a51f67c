/*
 * tasks.h - 督察督办: the items the leadership decides, chased until they are done
 * (domain.md §4). Rules only; the HTTP side is tasks_api.c.
 *
 * An item (task) has a 编号 (督〔2026〕12号, one gap-free counter per org and year, taken at 立项),
 * a 来源, a 类型 (routine: one responsible person and one supervisor; complex: a 牵头部门 plus
 * 协办部门, a responsible leader and several joint supervisors), sub-tasks (parts) per department
 * with their own person and deadline, a 交办日期, a 办理时限 (deadline) and a 反馈周期.
 *
 * Life (state codes in task_state_codes):
 *   filing (报备待批) -> registered | rejected      a department's own item, approved first
 *   registered (已立项) -> assigned (交办)
 *   assigned -> in_progress (签收)
 *   in_progress -> reported (报结: the lead department's 办结报告)
 *   reported -> leader_review (初审: every supervisor passes) | in_progress (退办)
 *   leader_review -> closed (办结销号) | in_progress (退办)
 *   closed -> archived (ready for archiving, then 归档)
 *   filing/registered/assigned/in_progress -> cancelled (撤销)
 * 延期申请 (request_extension) is an approval beside the state: filed before the deadline passes,
 * decided on the shared approval engine (definition "task_extension": the item's 责任领导);
 * approval moves the deadline and counts one extension. 报备审批 runs on the engine too
 * ("task_filing": 办公室主任 审核, then the 分管院领导 of the filing department 审批).
 *
 * Clock: every business decision (today, lights, late extension, statistics, reminders) reads
 * tasks_now(), which is the real time unless the process started with JIANWU_FAKE_NOW (an ISO
 * 8601 time or Unix seconds) — then it is a fixed instant that tests move with tasks_clock_set()
 * or POST /api/v1/tasks/scheduler/run {"now": ...}.
 *
 * Need-to-know: acl rows of kind "task" (src/docs/acl.h) for the creator, responsible person and
 * leader, supervisors, part assignees and the members of every department involved; office roles
 * and leaders see every item of their org.
 *
 * Every function that takes a struct db runs inside the caller's transaction. Returned json_t are
 * new references owned by the caller.
 */
#ifndef JW_TASKS_H
#define JW_TASKS_H

#include "auth/auth.h"
#include "core/err.h"
#include "db/db.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

/* Input limits (tests/api/tasks.test.mjs goes one past each). */
#define TASK_PARTS_MAX        20          /* sub-tasks of one item */
#define TASK_SUPERVISORS_MAX  10          /* joint supervisors of one item */
#define TASK_CONTENT_MAX      (64 * 1024) /* item content, part content, report text (bytes) */
#define TASK_SPAN_MAX_DAYS    (3 * 366)   /* 交办日期 to 办理时限 */
#define TASK_STATS_SPAN_MAX   (5 * 366)   /* from..to of statistics */
#define TASK_EMBED_MAX        500         /* events / reports / reminders inlined in an item */
#define TASK_REPORT_FILES_MAX 10          /* attachments of one progress report */

#define TASK_KIND "task" /* acl kind, todo kind, notice object kind, audit object type */

enum task_state {
	TS_FILING,
	TS_REJECTED,
	TS_REGISTERED,
	TS_ASSIGNED,
	TS_IN_PROGRESS,
	TS_REPORTED,
	TS_LEADER_REVIEW,
	TS_CLOSED,
	TS_ARCHIVED,
	TS_CANCELLED,
	TS_COUNT
};
extern const char *const task_state_codes[TS_COUNT + 1]; /* NULL-terminated */
extern const char *const task_state_names[TS_COUNT];
int task_state_parse(const char *code); /* -1 if unknown */

enum task_source {
	SRC_PARTY_GROUP,        /* 党组会决定 */
	SRC_CHIEF_MEETING,      /* 检察长办公会 */
	SRC_LEADER_INSTRUCTION, /* 领导批示 */
	SRC_SUPERIOR,           /* 上级交办 */
	SRC_KEY_WORK,           /* 重点工作 */
	SRC_INCOMING,           /* 收文批示 (linked to the 收文) */
	SRC_DEPARTMENT,         /* 部门自报 (报备) */
	SRC_COUNT
};
extern const char *const task_source_codes[SRC_COUNT + 1];
extern const char *const task_source_names[SRC_COUNT];

enum task_feedback { FB_NONE, FB_WEEKLY, FB_MONTHLY, FB_QUARTERLY, FB_COUNT };
extern const char *const task_feedback_codes[FB_COUNT + 1];
extern const char *const task_feedback_names[FB_COUNT];

enum task_light { LIGHT_NONE, LIGHT_GREEN, LIGHT_YELLOW, LIGHT_RED };
extern const char *const task_light_codes[4]; /* NULL, "green", "yellow", "red" */

/* The module clock (see above). Thread-safe. */
int64_t tasks_now(void);
int tasks_today(void);
bool tasks_clock_fake(void);
void tasks_clock_set(int64_t t); /* makes the clock fake and fixed at t */
void tasks_clock_init(void);     /* reads JIANWU_FAKE_NOW; called by the module's start */

/* --- creating and acting (tasks.c) --- */

struct task_part_new {
	int64_t department_id;
	bool lead;
	int64_t assignee_id;
	const char *content;
	int deadline; /* days */
};

struct task_new {
	const char *title;
	const char *content;
	enum task_source source;
	int64_t link_incoming; /* 收文 id for SRC_INCOMING, else 0 */
	bool complex;
	int64_t lead_dept_id;
	int64_t responsible_id;
	int64_t leader_id; /* 0 = the 分管领导 of the lead department */
	int64_t supervisors[TASK_SUPERVISORS_MAX];
	size_t n_supervisors;
	int assigned_date; /* days */
	int deadline;      /* days */
	enum task_feedback feedback;
	struct task_part_new parts[TASK_PARTS_MAX]; /* none: one lead part from the item itself */
	size_t n_parts;
};

/* 立项 (office roles, leaders) or 报备 (a department head's item for their own department, which
 * waits in TS_FILING for approval). Validates everything; *id is the new item. */
int task_create(struct db *db, const struct principal *who, const struct task_new *t, int64_t *id,
                struct err *e);

struct task_action {
	const char *action;  /* see task_action_codes */
	const char *opinion; /* 意见 / 办结报告 / 退办理由 / 延期理由 / 催办内容 */
	int new_deadline;    /* request_extension */
	int64_t part_id;     /* complete_part */
	int64_t version;     /* 0 = not checked; stale -> ERR_CONFLICT */
};
extern const char *const task_action_codes[]; /* NULL-terminated */

/* Validates the action against the state and the caller's part in the item, applies it and
 * records it (history, todos, notices). Items the caller may not see are ERR_NOT_FOUND. */
int task_act(struct db *db, const struct principal *who, int64_t id, const struct task_action *a,
             struct err *e);

/* A progress report (进展记录) on an item in handling; part_id 0 = the item as a whole. files:
 * ids of uploads (/api/v1/files) the author may read, attached to the report and linked to the
 * item (readable by whoever may see it). */
int task_report_add(struct db *db, const struct principal *who, int64_t id, int64_t part_id,
                    const char *content, const int64_t *files, size_t n_files, int64_t *report_id,
                    struct err *e);
/* Adds "files" ([{id, name, size, type}]) to every report object of the array (each has "id"),
 * one query for the item's reports. */
int task_reports_files(struct db *db, int64_t task_id, json_t *reports, struct err *e);

/* May who see item id of its org? ERR_NOT_FOUND when not. */
int task_check_visible(struct db *db, const struct principal *who, int64_t id, struct err *e);

/* The item as JSON; full adds parts, supervisors, history, reports, reminders, approvals and the
 * actions the caller may take. NULL with e set. */
json_t *task_json(struct db *db, const struct principal *who, int64_t id, bool full, struct err *e);

/* --- calendar arithmetic (tasks_light.c, on src/core/workday.h) ---
 * The calendar is the org's working-day calendar (wf_calendar: the official schedule as edited by
 * the office director); a change reaches stored lights through tasks_calendar_sync. */

struct workday_cal;
/* The first date the item shows yellow: remaining working days [d, deadline] fall below
 * max(3, 20% of the working days in [assigned, deadline]). */
int task_yellow_from_cal(const struct workday_cal *cal, int assigned, int deadline);
/* The same with org_id's calendar. */
int task_yellow_from(struct db *db, int64_t org_id, int assigned, int deadline, int *out,
                     struct err *e);
/* The light of an item: none when not in handling (filing, rejected, closed, archived,
 * cancelled); once reported (done_date > 0) red if it was late, else green; otherwise red after the
 * deadline, yellow from yellow_from, else green. */
enum task_light task_light(enum task_state s, int deadline, int yellow_from, int done_date,
                           int today);
/* Working days in [from, to] (0 when to < from). */
int task_workdays(struct db *db, int64_t org_id, int from, int to, int *out, struct err *e);
/* The k-th (k >= 1) progress-report due date of a feedback cycle starting at assigned, moved to
 * the next working day; 0 for FB_NONE. */
int task_report_due(struct db *db, int64_t org_id, enum task_feedback fb, int assigned, int k,
                    int *out, struct err *e);
/* The nominal k-th due date (before moving to a working day). */
int task_report_nominal(enum task_feedback fb, int assigned, int k);

/* --- statistics, dashboard, 通报 (tasks_stats.c) --- */

/* GET /api/v1/tasks/stats: counts over the items visible to who, "due in the period" [from, to]
 * as defined in tasks_stats.c. */
json_t *task_stats_json(struct db *db, const struct principal *who, int from, int to,
                        struct err *e);
/* The 领导驾驶舱 figures of a year. */
json_t *task_dashboard_json(struct db *db, const struct principal *who, int year, struct err *e);
/* The 通报 of a period as .xlsx / .pdf written to path. */
int task_bulletin_xlsx(struct db *db, const struct principal *who, int from, int to,
                       const char *path, struct err *e);
int task_bulletin_pdf(struct db *db, const struct principal *who, int from, int to,
                      const char *path, struct err *e);

/* --- reminders (tasks_sched.c) --- */

struct task_sweep_result {
	int fired;    /* reminders fired (ledger rows added) */
	int notices;  /* notices sent */
	int examined; /* items looked at */
	int lights;   /* yellow_from recomputed after a calendar change */
};
/* Fires every reminder due at instant now that has not fired yet (ledger), inside the caller's
 * write transaction. */
int tasks_sweep(struct db *db, int64_t now, struct task_sweep_result *res, struct err *e);
/* The scheduler thread (struct module .start/.stop). */
int tasks_sched_start(const char *db_uri, struct err *e);
void tasks_sched_stop(void);
/* Last sweep of this process's scheduler thread (0 = none yet) and its clock instant. */
void tasks_sched_status(int64_t *last_run, int64_t *last_now, int64_t *sweeps);

/* Demo data (tasks_demo.c). */
int tasks_demo(struct db *db, int64_t org_id, struct err *e);

struct module;
extern const struct module tasks_module;

#endif
