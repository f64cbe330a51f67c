/*
 * definition.h - approval definitions: an ordered list of steps, parsed and validated from JSON.
 *
 * A definition is data an org's office director edits. The store keeps every version of it
 * (key + version); an instance names the version it started with and is always driven by that
 * version, so editing a definition never changes running instances.
 *
 * JSON form (limits below; unknown keys are refused so typing errors surface):
 * {
 *   "key": "leave",                      [a-z0-9_-], 1..WF_ID_LEN; the form kind
 *   "version": 3,                        optional (the store assigns it on save)
 *   "name": "请假审批",
 *   "resubmit": "continue" | "restart",  after a return: resume at the returning step, or rerun all
 *   "steps": [{
 *     "id": "dept",                      unique in the definition; return targets name it
 *     "name": "部门负责人审批",
 *     "kind": "single" | "countersign" | "or_sign" | "percentage",
 *     "percent": 60,                     percentage only: at least this share must approve
 *     "assignee": RULE,
 *     "condition": COND,                 optional: the step applies only when it holds
 *     "time_limit": {"days": 2} | {"hours": 4.5},      optional
 *     "remind_before": {"days": 1} | {"hours": 2},     optional, needs time_limit
 *     "escalate": {"to": RULE, "after": {"hours": 0}, "mode": "notify" | "reassign"}
 *   }]                                   optional, needs time_limit; "after" defaults to 0
 * }
 * RULE: {"rule":"users","users":[12,13]} | {"rule":"role","role":"院领导"} | {"rule":"dept_head"} |
 *       {"rule":"leader_in_charge"} (分管领导 of the initiator's department) |
 *       {"rule":"office_director"} | {"rule":"chief"} (检察长) |
 *       {"rule":"chosen","from":RULE}  (the previous approver, or the initiator for the first step,
 *                                        picks the assignees from the set RULE gives; not nested)
 * COND: {"field":"days","op":">","value":3}  op: > >= < <= == != in (value an array for "in");
 *       {"all":[COND,...]} | {"any":[COND,...]}; a missing field makes a comparison false;
 *       numbers compare as numbers, strings as strings, booleans with == and != only.
 *
 * Ownership: wf_def_parse allocates one struct wf_def (free with wf_def_free). A parsed definition
 * is immutable and may be shared read-only between threads.
 */
#ifndef JW_WF_DEFINITION_H
#define JW_WF_DEFINITION_H

#include "core/err.h"
#include "core/limits.h"

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#define WF_STEPS_MAX       32 /* steps per definition (a bit per step in the visited mask) */
#define WF_ID_LEN          32 /* bytes of a key or step id */
#define WF_NAME_LEN        FIELD_NAME_MAX /* bytes of a definition or step name */
#define WF_ROLE_LEN        64             /* bytes of a role name */
#define WF_RULE_USERS_MAX  64             /* named users in one rule */
#define WF_COND_DEPTH_MAX  4              /* nesting of all/any */
#define WF_COND_ITEMS_MAX  16             /* members of one all/any */
#define WF_COND_IN_MAX     32             /* values of an "in" */
#define WF_DEF_JSON_MAX    65536          /* bytes of a definition document */
#define WF_LIMIT_DAYS_MAX  365            /* a time limit or offset in working days */
#define WF_LIMIT_HOURS_MAX 2000           /* a time limit or offset in working hours */

enum wf_step_kind { WF_STEP_SINGLE, WF_STEP_COUNTERSIGN, WF_STEP_OR_SIGN, WF_STEP_PERCENTAGE };

enum wf_rule_kind {
	WF_RULE_USERS,
	WF_RULE_ROLE,
	WF_RULE_DEPT_HEAD,
	WF_RULE_LEADER_IN_CHARGE,
	WF_RULE_OFFICE_DIRECTOR,
	WF_RULE_CHIEF,
	WF_RULE_CHOSEN,
};

enum wf_resubmit { WF_RESUBMIT_CONTINUE, WF_RESUBMIT_RESTART };
enum wf_span_unit { WF_SPAN_NONE, WF_SPAN_DAYS, WF_SPAN_HOURS };
enum wf_escalate_mode { WF_ESCALATE_NOTIFY, WF_ESCALATE_REASSIGN };

/* A duration: working days, or working seconds (given in hours). */
struct wf_span {
	enum wf_span_unit unit;
	int64_t amount; /* days for WF_SPAN_DAYS, seconds for WF_SPAN_HOURS */
};

struct wf_rule {
	enum wf_rule_kind kind;
	enum wf_rule_kind
	    from; /* WF_RULE_CHOSEN: the rule giving the allowed set; role/users below */
	char role[WF_ROLE_LEN + 1];
	int n_users;
	int64_t users[WF_RULE_USERS_MAX];
};

struct wf_step {
	char id[WF_ID_LEN + 1];
	char name[WF_NAME_LEN + 1];
	enum wf_step_kind kind;
	int percent; /* WF_STEP_PERCENTAGE: 1..100 */
	struct wf_rule assignee;
	json_t *condition; /* owned reference, validated; NULL = always applies */
	struct wf_span time_limit;
	struct wf_span remind_before;
	int escalate; /* 1 when "escalate" is configured */
	struct wf_rule supervisor;
	struct wf_span escalate_after;
	enum wf_escalate_mode escalate_mode;
};

struct wf_def {
	char key[WF_ID_LEN + 1];
	int version;
	char name[WF_NAME_LEN + 1];
	enum wf_resubmit resubmit;
	int n_steps;
	struct wf_step steps[WF_STEPS_MAX];
};

/* Parses and validates; on failure *out is NULL and e says what is wrong (ERR_VALIDATION with the
 * field path, e.g. "steps[2].percent"; ERR_BAD_REQUEST for malformed JSON). */
int wf_def_parse(const char *json, size_t len, struct wf_def **out, struct err *e);
int wf_def_from_json(const json_t *doc, struct wf_def **out, struct err *e);
void wf_def_free(struct wf_def *def);

/* Index of the step with that id, or -1. */
int wf_def_step_index(const struct wf_def *def, const char *id);
/* 1 when the condition holds for the form (NULL condition: 1). */
int wf_cond_eval(const json_t *cond, const json_t *form);
/* Approvals needed for a percentage step of n assignees: ceil(n * percent / 100), at least 1. */
int wf_percent_required(int n, int percent);

const char *wf_step_kind_name(enum wf_step_kind k);
const char *wf_rule_kind_name(enum wf_rule_kind k);

#endif
