/*
 * workflow.h - what business modules use of the approval engine: start an approval for an object,
 * hear when it moves or finishes, and put items in people's 待办 (todo) and notices.
 *
 * Everything here runs inside the caller's write transaction, so a business change, the work it
 * creates for people and its audit row commit or roll back together.
 *
 * Todos: one row per (user, piece of work). The approval engine creates and closes its own (one
 * per engine work item, kind = the instance's module); a module adds todos for work that is not
 * an approval step (a circulated document to read, a progress report that falls due) with
 * todo_add() and closes them with todo_close(), which never touches the engine's rows.
 * GET /api/v1/todos lists a user's pending todos across modules, newest first, with counts by
 * kind; GET /api/v1/done the ones the user closed.
 *
 * Notices: in-app messages (assigned, reminded, returned, overdue, escalated, finished);
 * GET /api/v1/notices. Need-to-know: a todo or notice is only ever shown to its own user_id; its
 * title must not reveal more than that user may see (for 秘密 and above use the register title).
 *
 * Approvals (src/workflow/wf_store.h has the machinery):
 *   wf_start() submits a new instance of the org's current definition `def_key` for a module's
 *   object; the first applicable step's people get a todo and a notice at once.
 *   A module that wants to hear about its instances registers a listener once, from its module
 *   .start (before the server serves requests) or a test's setup: the listener is called inside
 *   the transaction of every action that changes an instance of that module's state or current
 *   step (including the submit itself), and its failure rolls the action back. Users act through
 *   POST /api/v1/workflows/instances/{id}/actions (or a module's own route calling wf_act()).
 *   A module whose object decides who approves (the departments that countersign a draft) picks
 *   people of "chosen" steps in advance (wf_start_preset) and keeps them and the form current
 *   while the object changes (wf_update).
 */
#ifndef JW_WORKFLOW_H
#define JW_WORKFLOW_H

#include "auth/auth.h"
#include "core/err.h"
#include "db/db.h"
#include "workflow/instance.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#define TODO_KIND_MAX  32 /* "incoming", "outgoing", "circulation", "task", "approval", ... */
#define TODO_TITLE_MAX 600

struct todo_new {
	int64_t org_id;
	int64_t user_id;
	const char *kind;    /* module's object kind, also the UI route family */
	int64_t object_id;   /* the business object */
	const char *title;   /* what the list shows */
	const char *step;    /* "签收", "核稿", "阅知" ... */
	int due_date;        /* days since epoch, or 0 = none */
	int64_t instance_id; /* approval instance, or 0 */
};

/* Adds a pending todo; a second pending todo for the same (user, kind, object, step) is not
 * added. */
int todo_add(struct db *db, const struct todo_new *t, struct err *e);
/* Closes (state done) the pending module todos of a user (user_id > 0) or of everyone
 * (user_id = 0) on an object; step NULL = any step. Closed todos show in GET /api/v1/done.
 * Rows of the approval engine are never closed here: the engine closes its own. */
int todo_close(struct db *db, const char *kind, int64_t object_id, int64_t user_id,
               const char *step, struct err *e);

struct notice_new {
	int64_t org_id;
	int64_t user_id;
	const char *kind; /* "assigned", "reminded", "returned", "overdue", "finished", ... */
	const char *title;
	const char *body;        /* may be NULL */
	const char *object_kind; /* link target, may be NULL */
	int64_t object_id;
	int64_t instance_id; /* approval instance, or 0 (callers that zero-initialise get 0) */
};
int notice_add(struct db *db, const struct notice_new *n, struct err *e);

/* --- approvals --- */

#define WF_MODULE_MAX    32 /* bytes of a module name (also the todo kind of its instances) */
#define WF_LISTENERS_MAX 16

/*
 * Starts an approval: the org's current active definition def_key, initiated by who (their
 * department is the initiator's department for the assignee rules), for module's object_id
 * (0: the instance is its own object, as for 报备审批 forms). title is what lists and todos show
 * (at most TODO_TITLE_MAX bytes). form is the JSON object the definition's conditions read
 * (borrowed; the instance keeps a copy). On success *instance_id is the new instance.
 * Errors: ERR_NOT_FOUND unknown or inactive definition; ERR_VALIDATION a step finds nobody to
 * assign or the title/form is unfit; whatever the module's listener returns.
 */
int wf_start(struct db *db, const struct principal *who, const char *def_key, const char *module,
             int64_t object_id, const char *title, json_t *form, int64_t *instance_id,
             struct err *e);

/*
 * Takes an action on an instance as who, from a request body {"action":"approve","opinion":"同意",
 * "version":7, "to":..., "target":..., "position":..., "next_assignees":[...], "form":{...}}
 * (engine.h wf_action_from_json). "version", when present, must be the instance's current
 * version (else ERR_CONFLICT). ERR_NOT_FOUND when who may not see the instance; ERR_FORBIDDEN
 * when who holds no pending work it needs. On success *version_out (may be NULL) is the new one.
 */
int wf_act(struct db *db, const struct principal *who, int64_t instance_id, const json_t *body,
           int64_t *version_out, struct err *e);

/* Assignees of a "chosen" step picked in advance by the module, which knows them from its object
 * (a draft's countersigning departments, the leader who signed before). */
struct wf_preset {
	const char *step_id;
	int n; /* 0: no choice (wf_update: forget an earlier one) */
	const int64_t *users;
};

/*
 * wf_start with presets (n_presets may be 0). Each set is checked like an approver's choice
 * (ERR_VALIDATION when someone is outside the step's allowed set, or a single step gets more than
 * one); an approver who chooses for that step later replaces it. A preset for a step the
 * definition does not have, or whose rule is not "chosen", is ignored: the office director may
 * have edited the chain, and the step then finds its people by its own rule.
 */
int wf_start_preset(struct db *db, const struct principal *who, const char *def_key,
                    const char *module, int64_t object_id, const char *title, json_t *form,
                    const struct wf_preset *presets, int n_presets, int64_t *instance_id,
                    struct err *e);

/*
 * Replaces the form (NULL: kept) and presets (as above) of an instance that has not ended, for a
 * module whose object changed in ways later steps read (a condition's field, a chosen step's
 * people). Steps already active keep their people. Bumps the instance version (a client holding
 * the old one gets ERR_CONFLICT); writes no history. ERR_NOT_FOUND unknown instance,
 * ERR_CONFLICT one that ended.
 */
int wf_update(struct db *db, int64_t org_id, int64_t instance_id, const json_t *form,
              const struct wf_preset *presets, int n_presets, struct err *e);

/* What a module shows of an instance for a user (no need-to-know check: the module did its own). */
struct wf_view {
	int64_t id, version;
	char def_key[WF_ID_LEN + 1];
	enum wf_state state;
	char step_id[WF_ID_LEN + 1]; /* the current step while running, else "" */
	bool holds;                  /* who has a pending item in the current step */
	bool may_resubmit, may_withdraw, may_cancel;
};
int wf_view(struct db *db, const struct principal *who, int64_t instance_id, struct wf_view *v,
            struct err *e);

/* The latest instance started for a module's object: 0 and *instance_id (0 when none). */
int wf_instance_of(struct db *db, int64_t org_id, const char *module, int64_t object_id,
                   int64_t *instance_id, struct err *e);

/* What a listener hears. Strings and form are borrowed for the call. */
struct wf_change {
	int64_t org_id;
	int64_t instance_id;
	const char *module;
	int64_t object_id;
	const char *def_key;
	int64_t actor;            /* 0: the scheduler */
	const char *action;       /* "submit", "approve", ..., "tick" */
	const char *opinion;      /* the actor's 意见, or NULL */
	enum wf_state prev_state; /* before the action (WF_RUNNING for the submit) */
	enum wf_state state;      /* after it */
	bool finished; /* approved, rejected, cancelled or withdrawn (a withdrawn instance may be
	                  resubmitted: it is then heard again, finished false) */
	int prev_step; /* step index before, -1 none */
	int step;      /* step index after (the last active one once finished) */
	const char *prev_step_id; /* id of `prev_step` (the step acted in), "" when none */
	const char *step_id;      /* id and name of `step`, "" when none */
	const char *step_name;
	int64_t behalf; /* approve on someone's authority (代): the holder, else 0 */
	int64_t target; /* transfer, add_signer: the person, else 0 */
	const json_t *form;
};

struct wf_listener {
	const char *module; /* instances whose module is this */
	/* Called inside the action's transaction; -1 with e set rolls the action back. */
	int (*changed)(struct db *db, const struct wf_change *c, struct err *e);
	/* Optional need-to-know: may who see the instance of object_id? Initiators, people who held
	 * work in it, and office/leader roles see it anyway. */
	int (*visible)(struct db *db, const struct principal *who, int64_t object_id, bool *ok,
	               struct err *e);
	/* Optional: may who approve on holder's authority (代, "on_behalf_of") in step step_id?
	 * Without it nobody may. */
	int (*may_act_for)(struct db *db, const struct principal *who, int64_t object_id,
	                   const char *step_id, int64_t holder, bool *ok, struct err *e);
	/* Hear every action (a countersign vote, a transfer, a reminder, a tick), not only those
	 * that change the state or the current step: for modules that keep their own record of
	 * every opinion. */
	bool every_action;
};

/* Registers l (kept by pointer: pass static storage). At most WF_LISTENERS_MAX, one per module;
 * -1 when full or the module has one. Not thread-safe: call before serving requests. */
int wf_register_listener(const struct wf_listener *l);
const struct wf_listener *wf_listener_for(const char *module);

/* Adds definition_json (definition.h) as version 1 of its key for the org unless the org has the
 * key already: how a module seeds its default approval chain (from its .demo, or when it first
 * needs it), which the office director then edits. */
int wf_def_seed(struct db *db, int64_t org_id, const char *definition_json, struct err *e);

/* Seeds an org's default definitions (请假, 出差, 外出报备) and its working-day calendar from the
 * built-in official schedules; keeps what exists. Called when an org is created, by the demo and
 * at server start for every org. */
int wf_org_seed(struct db *db, int64_t org_id, struct err *e);

extern const struct module todo_module;     /* /api/v1/todos, /api/v1/done, /api/v1/notices */
extern const struct module workflow_module; /* /api/v1/workflows/..., /api/v1/calendar/... */

#endif
