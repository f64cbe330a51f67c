/*
 * engine.h - the approval engine: pure logic, no I/O.
 *
 * wf_apply(definition, instance, action) validates the action and produces the next instance
 * state, the work items that changed, history entries and notices to emit. It reads nothing but
 * its arguments (assignee rules are turned into user ids by the caller's resolver; working time
 * comes from the calendar) and writes nothing but the result, so the store wraps it as:
 *
 *   BEGIN; load blob + version (and the definition version the instance names);
 *   wf_apply(...);                                  error -> ROLLBACK, map e.kind to a status
 *   UPDATE instance SET blob, version = version + 1, state, ... WHERE id AND version = :loaded;
 *   upsert the rows of result.changed items; insert result.history; insert result.notices;
 *   COMMIT                                          0 rows updated -> conflict (409) or retry
 *
 * Actions and who may take them (e.kind on refusal):
 *   submit      anyone; creates the instance (inst NULL). The form is required.
 *   approve     holder of a pending item of the current step   (else ERR_FORBIDDEN), or someone
 *               completing a holder's item on their authority (behalf, 代: the caller decides
 *               who may; the history names the actor with target = the holder)
 *   reject      same; ends the instance as rejected — except in a percentage step, where it is a
 *               "no" vote that ends the instance only once the threshold can no longer be reached
 *   return      same; to the initiator (to_step WF_TO_INITIATOR) or to any step activated earlier
 * in this run. The current step's other open items are cancelled. resubmit    the initiator, in
 * state returned or withdrawn. Definition "continue": resume at the step that returned (and, after
 * a return to an earlier step, jump back to the returning step as soon as that earlier step
 * completes); "restart": run all steps again. After a withdraw it always restarts. The form may be
 * replaced. transfer    holder of a pending item: hands it to target, same slot and same time
 * limits add_signer  holder of a pending item: before oneself (own item waits until target
 * approves) or after oneself (own approval given now; target's vote then decides the slot) withdraw
 * the initiator, while running and nobody has acted since the last (re)submit remind      the
 * initiator or a privileged actor, while running; at most once per WF_REMIND_INTERVAL seconds
 * (ERR_RATE_LIMITED) cancel      the initiator or a privileged actor, in any non-terminal state
 *   tick        the scheduler (actor 0): fires every due reminder (remind_at), overdue notice (due)
 *               and escalation (escalate_at) of pending items, each exactly once; a no-op
 *               (n_changed == 0) when nothing is due or the instance is not running
 * A state that does not allow the action gives ERR_CONFLICT; bad arguments ERR_VALIDATION.
 * Reject and return need an opinion (意见).
 *
 * Step kinds, by slot votes (see instance.h): single and or_sign complete on the first approved
 * slot (a single step whose rule yields several people behaves as or_sign) and end rejected on
 * the first rejected slot; countersign completes when every slot approved and ends on any
 * rejection; percentage completes at wf_percent_required(slots, percent) approvals. Completing a
 * step cancels its remaining open items.
 *
 * Time limits: a new item (on activation, a return, an added signer, an escalation reassignment)
 * gets due = created + time_limit in working days (close of business) or working hours;
 * remind_at = due - remind_before in working time; escalate_at = due + escalate.after.
 * A transferred item keeps the clock of the item it replaces (same task, new hands).
 *
 * Ownership: wf_apply fills a caller-provided struct wf_result; free it with wf_result_free. The
 * input instance is never modified; result.inst is a new instance owned by the result (take it
 * with wf_result_take_instance). Strings in an action are borrowed for the call only.
 * Thread safety: the definition, calendar and input instance are only read.
 */
#ifndef JW_WF_ENGINE_H
#define JW_WF_ENGINE_H

#include "core/err.h"
#include "core/limits.h"
#include "core/workday.h"
#include "workflow/definition.h"
#include "workflow/instance.h"

#include <jansson.h>
#include <stdint.h>

#define WF_OPINION_MAX     FIELD_OPINION_MAX /* bytes of an opinion (意见) */
#define WF_ASSIGNEES_MAX   64                /* users one step activation may have */
#define WF_REMIND_INTERVAL 600 /* seconds between two manual reminders of one instance */
#define WF_TO_INITIATOR    (-1)

enum wf_action_kind {
	WF_ACT_SUBMIT,
	WF_ACT_APPROVE,
	WF_ACT_REJECT,
	WF_ACT_RETURN,
	WF_ACT_RESUBMIT,
	WF_ACT_TRANSFER,
	WF_ACT_ADD_SIGNER,
	WF_ACT_WITHDRAW,
	WF_ACT_REMIND,
	WF_ACT_CANCEL,
	WF_ACT_TICK,
	WF_ACT_COUNT_,
};

struct wf_action {
	enum wf_action_kind kind;
	int64_t actor;       /* user id; 0 for tick */
	int64_t at;          /* Unix seconds */
	const char *opinion; /* 意见, UTF-8, may be NULL */
	int to_step;         /* return: WF_TO_INITIATOR or a step index */
	int64_t target;      /* transfer, add_signer */
	int before;          /* add_signer: 1 before oneself, 0 after */
	int n_next;          /* approve/submit/resubmit: assignees chosen for the next step */
	int64_t next[WF_CHOSEN_MAX];
	const json_t *form;     /* submit (required), resubmit (optional): a JSON object */
	int64_t initiator_dept; /* submit */
	int privileged; /* remind, cancel: the caller checked the actor's supervising role */
	/* approve only: the holder whose pending item the actor completes on their authority (代);
	 * 0 = the actor's own item. The caller checked that the actor may act for them. */
	int64_t behalf;
	/* submit only: assignees of "chosen" steps picked in advance (step = index), each checked
	 * by the caller against the step's allowed set; a later approver's choice replaces one. */
	int n_presets;
	const struct wf_choice *presets;
};

/* Turns an assignee rule into user ids for an instance (the initiator and their department are in
 * inst). Writes at most max ids to out and returns how many, or -1 with e set. Never called with
 * WF_RULE_USERS (the engine reads those itself) nor WF_RULE_CHOSEN (it is given the "from" rule,
 * with kind set to it). Duplicates are removed by the engine. */
struct wf_resolver {
	void *ctx;
	int (*resolve)(void *ctx, const struct wf_rule *rule, const struct wf_instance *inst,
	               int64_t *out, int max, struct err *e);
};

enum wf_event {
	WF_EV_SUBMIT,
	WF_EV_APPROVE,
	WF_EV_REJECT,
	WF_EV_RETURN,
	WF_EV_RESUBMIT,
	WF_EV_TRANSFER,
	WF_EV_ADD_SIGNER,
	WF_EV_WITHDRAW,
	WF_EV_REMIND,
	WF_EV_CANCEL,
	WF_EV_AUTO_REMIND, /* a reminder fired by the scheduler */
	WF_EV_OVERDUE,     /* an item passed its due time */
	WF_EV_ESCALATE,    /* the supervisor was told (and, mode reassign, took the item over) */
	WF_EV_STEP_DONE,   /* a step completed; step = its index */
	WF_EV_FINISH,      /* the instance ended; state = the outcome */
};

/* One line of the instance's history (the timeline the UI shows and the audit records). */
struct wf_history {
	int64_t seq; /* per instance, ascending, from inst->next_seq */
	int64_t at;
	int64_t actor; /* 0 = the system */
	enum wf_event event;
	int step;            /* step index, or -1 */
	int64_t item;        /* the item acted on, or 0 */
	int64_t target;      /* transfer/add_signer target, escalation supervisor, else 0 */
	int to_step;         /* return: WF_TO_INITIATOR or the step index; else -1 */
	int before;          /* add_signer */
	enum wf_state state; /* the instance state after the event */
	char *opinion;       /* malloc'd copy or NULL */
};

enum wf_notice_kind {
	WF_NOTICE_ASSIGNED,  /* new pending work for user */
	WF_NOTICE_REMINDED,  /* 催办 or an automatic reminder */
	WF_NOTICE_RETURNED,  /* work came back to user after a return */
	WF_NOTICE_OVERDUE,   /* user's item is past due */
	WF_NOTICE_ESCALATED, /* user (a supervisor) is told of an overdue item */
	WF_NOTICE_FINISHED,  /* to the initiator: the instance ended; outcome in state */
};

struct wf_notice {
	int64_t user;
	enum wf_notice_kind kind;
	int step;
	int64_t item;  /* the item concerned, or 0 */
	int64_t actor; /* who caused it, 0 = the system */
	enum wf_state state;
};

struct wf_result {
	struct wf_instance *inst; /* the new state */
	int n_changed;
	int64_t *changed; /* ids of items created or modified, ascending, no duplicates */
	int n_history;
	struct wf_history *history;
	int n_notices;
	struct wf_notice *notices;
	int cap_changed, cap_history, cap_notices;
};

/* Applies act to inst (NULL for submit). On success fills *out (zeroed first) and returns 0; on
 * failure returns -1, fills e, and *out holds nothing to free (calling wf_result_free is
 * harmless). def must be the definition version the instance names. */
int wf_apply(const struct wf_def *def, const struct wf_instance *inst, const struct wf_action *act,
             const struct wf_resolver *res, const struct workday_cal *cal, struct wf_result *out,
             struct err *e);
void wf_result_free(struct wf_result *r);
/* Hands result.inst to the caller (who frees it); the result keeps the rest. */
struct wf_instance *wf_result_take_instance(struct wf_result *r);

/* Builds an action from a request body {"action":"approve", "opinion":"同意", "to":"initiator" or
 * a step id, "target":12, "position":"before"|"after", "next_assignees":[9], "form":{...},
 * "on_behalf_of":3}.
 * Unknown keys are refused. opinion and form point into body (borrowed: keep body alive). The
 * caller sets actor, at, privileged and, for submit, initiator_dept. def resolves step ids. */
int wf_action_from_json(const struct wf_def *def, const json_t *body, struct wf_action *out,
                        struct err *e);

/* Actions user may take now (bit 1u << WF_ACT_x), for the buttons the UI shows. */
unsigned wf_allowed_actions(const struct wf_def *def, const struct wf_instance *inst, int64_t user,
                            int privileged);
/* Steps a return may target now (ascending step indexes), not counting the initiator. */
int wf_return_targets(const struct wf_instance *inst, int *out, int max);

const char *wf_action_name(enum wf_action_kind k);
int wf_action_kind_parse(const char *s); /* -1 if unknown; "tick" is not accepted from clients */
const char *wf_event_name(enum wf_event ev);
const char *wf_notice_kind_name(enum wf_notice_kind k);

#endif
