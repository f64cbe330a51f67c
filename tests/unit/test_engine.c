/*
 * Approval engine: a table of scenarios. Each scenario is a definition and a list of operations
 * (an action body as the API would receive it, the actor, the time); after every operation the
 * test asserts exactly which users hold pending work, and optionally the state, the notices
 * emitted and the timers of one user's item.
 *
 * Every successful operation is also a restart: the new instance is serialised, parsed back and
 * the next operation continues from the parsed copy. Each operation also checks the invariants of
 * instance.h and that result.changed names exactly the items whose rows changed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/timeutil.h"
#include "core/workday.h"
#include "workflow/engine.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* --- the org the scenarios run in ---
 * dept 10: head 2, 分管领导 3.   dept 20: head 8, 分管领导 9.
 * 办公室主任 4, 检察长 5, role 院领导 = {3, 5, 6}, role 空 = {}.
 * initiators: 1 (dept 10), 7 (dept 20); spare people 21, 22. */
static int64_t dept_of(int64_t user)
{
	return user == 7 || user == 8 || user == 9 ? 20 : 10;
}

static int resolve(void *ctx, const struct wf_rule *rule, const struct wf_instance *inst,
                   int64_t *out, int max, struct err *e)
{
	int n = 0;

	(void)ctx;
	(void)e;
	assert_true(max >= 3);
	switch (rule->kind) {
	case WF_RULE_DEPT_HEAD:
		out[n++] = inst->initiator_dept == 20 ? 8 : 2;
		break;
	case WF_RULE_LEADER_IN_CHARGE:
		out[n++] = inst->initiator_dept == 20 ? 9 : 3;
		break;
	case WF_RULE_OFFICE_DIRECTOR:
		out[n++] = 4;
		break;
	case WF_RULE_CHIEF:
		out[n++] = 5;
		break;
	case WF_RULE_ROLE:
		if (strcmp(rule->role, "院领导") == 0) {
			out[n++] = 3;
			out[n++] = 5;
			out[n++] = 6;
			out[n++] = 5; /* duplicates are the engine's to remove */
		}
		break;
	default:
		fail_msg("resolver called with rule %s", wf_rule_kind_name(rule->kind));
	}
	return n;
}

static const struct wf_resolver resolver = {NULL, resolve};

/* --- definitions --- */

#define STEP_DEPT                                                                                         \
	"{\"id\":\"dept\",\"name\":\"部门负责人审批\",\"kind\":\"single\",\"assignee\":{\"rule\":" \
	"\"dept_head\"}}"
#define STEP_LEAD                                                                                        \
	"{\"id\":\"leader\",\"name\":\"分管领导审批\",\"kind\":\"single\",\"assignee\":{\"rule\":" \
	"\"leader_in_charge\"}}"
#define STEP_CHIEF                                                                                   \
	"{\"id\":\"chief\",\"name\":\"检察长审批\",\"kind\":\"single\",\"assignee\":{\"rule\":" \
	"\"chief\"}}"
#define SIGNERS "\"assignee\":{\"rule\":\"users\",\"users\":[11,12,13]}"
#define STEP_CS "{\"id\":\"cs\",\"name\":\"会签\",\"kind\":\"countersign\"," SIGNERS "}"

/* 请假: the 检察长 only for more than 3 days; the department head has 2 working days. */
static const char DEF_LEAVE[] =
    "{\"key\":\"leave\",\"name\":\"请假\",\"version\":1,\"resubmit\":\"continue\",\"steps\":["
    "{\"id\":\"dept\",\"name\":\"部门负责人审批\",\"kind\":\"single\","
    "\"assignee\":{\"rule\":\"dept_head\"},\"time_limit\":{\"days\":2},"
    "\"remind_before\":{\"hours\":2},\"escalate\":{\"to\":{\"rule\":\"office_director\"}}}"
    "," STEP_LEAD ","
    "{\"id\":\"chief\",\"name\":\"检察长审批\",\"kind\":\"single\",\"assignee\":{\"rule\":"
    "\"chief\"},"
    "\"condition\":{\"field\":\"days\",\"op\":\">\",\"value\":3}}]}";

static const char DEF_CS_CONTINUE[] =
    "{\"key\":\"doc\",\"name\":\"发文会签\",\"version\":1,\"resubmit\":\"continue\",\"steps\":"
    "[" STEP_DEPT "," STEP_LEAD "," STEP_CS "," STEP_CHIEF "]}";
static const char DEF_CS_RESTART[] =
    "{\"key\":\"doc\",\"name\":\"发文会签\",\"version\":1,\"resubmit\":\"restart\",\"steps\":"
    "[" STEP_DEPT "," STEP_LEAD "," STEP_CS "," STEP_CHIEF "]}";
static const char DEF_CS_FIRST[] =
    "{\"key\":\"doc\",\"name\":\"会签\",\"version\":1,\"steps\":[" STEP_CS "," STEP_CHIEF "]}";
static const char DEF_OR[] =
    "{\"key\":\"car\",\"name\":\"派车\",\"version\":1,\"steps\":["
    "{\"id\":\"or\",\"name\":\"或签\",\"kind\":\"or_sign\"," SIGNERS "}," STEP_CHIEF "]}";
static const char DEF_PCT[] =
    "{\"key\":\"vote\",\"name\":\"表决\",\"version\":1,\"steps\":["
    "{\"id\":\"pct\",\"name\":\"表决\",\"kind\":\"percentage\",\"percent\":60," SIGNERS
    "}," STEP_CHIEF "]}";
static const char DEF_SINGLE[] =
    "{\"key\":\"out\",\"name\":\"外出报备\",\"version\":1,\"steps\":[" STEP_DEPT "]}";
static const char DEF_CHOSEN[] =
    "{\"key\":\"trip\",\"name\":\"出差\",\"version\":1,\"steps\":[" STEP_DEPT ","
    "{\"id\":\"pick\",\"name\":\"院领导审批\",\"kind\":\"single\","
    "\"assignee\":{\"rule\":\"chosen\",\"from\":{\"rule\":\"role\",\"role\":\"院领导\"}}},"
    "{\"id\":\"office\",\"name\":\"办公室备案\",\"kind\":\"single\","
    "\"assignee\":{\"rule\":\"office_director\"}}]}";
static const char DEF_CHOSEN_FIRST[] =
    "{\"key\":\"ask\",\"name\":\"请示\",\"version\":1,\"steps\":["
    "{\"id\":\"pick\",\"name\":\"院领导审批\",\"kind\":\"countersign\","
    "\"assignee\":{\"rule\":\"chosen\",\"from\":{\"rule\":\"role\",\"role\":\"院领导\"}}}]}";
static const char DEF_EMPTY_ROLE[] = "{\"key\":\"x\",\"name\":\"无人\",\"version\":1,\"steps\":["
                                     "{\"id\":\"a\",\"name\":\"空角色\",\"kind\":\"single\","
                                     "\"assignee\":{\"rule\":\"role\",\"role\":\"空\"}}]}";
/* One working day for the department head, then the 分管领导; escalation to 办公室主任. */
static const char DEF_TIMER[] =
    "{\"key\":\"t\",\"name\":\"时限\",\"version\":1,\"resubmit\":\"continue\",\"steps\":["
    "{\"id\":\"dept\",\"name\":\"部门负责人审批\",\"kind\":\"single\","
    "\"assignee\":{\"rule\":\"dept_head\"},\"time_limit\":{\"days\":1},"
    "\"remind_before\":{\"hours\":2},"
    "\"escalate\":{\"to\":{\"rule\":\"office_director\"},\"after\":{\"hours\":1}}}," STEP_LEAD "]}";
/* Four working hours to countersign; overdue items are handed to the 检察长. */
static const char DEF_HOURS[] =
    "{\"key\":\"h\",\"name\":\"限时会签\",\"version\":1,\"steps\":["
    "{\"id\":\"cs\",\"name\":\"会签\",\"kind\":\"countersign\","
    "\"assignee\":{\"rule\":\"users\",\"users\":[11,12]},\"time_limit\":{\"hours\":4},"
    "\"remind_before\":{\"hours\":1},"
    "\"escalate\":{\"to\":{\"rule\":\"chief\"},\"mode\":\"reassign\"}}]}";

/* A limit shorter than the reminder offset: no reminder at all. */
static const char DEF_SHORT[] =
    "{\"key\":\"s\",\"name\":\"急件\",\"version\":1,\"steps\":["
    "{\"id\":\"a\",\"name\":\"审批\",\"kind\":\"single\",\"assignee\":{\"rule\":\"chief\"},"
    "\"time_limit\":{\"hours\":1},\"remind_before\":{\"hours\":2}}]}";

/* --- actions as request bodies --- */

#define SUBMIT(form) "{\"action\":\"submit\",\"form\":" form "}"
#define APPROVE      "{\"action\":\"approve\",\"opinion\":\"同意\"}"
#define APPROVE_NEXT(ids)                                                                          \
	"{\"action\":\"approve\",\"opinion\":\"同意\",\"next_assignees\":[" ids "]}"
#define REJECT        "{\"action\":\"reject\",\"opinion\":\"不同意\"}"
#define RETURN_TO(s)  "{\"action\":\"return\",\"opinion\":\"请补充材料\",\"to\":\"" s "\"}"
#define RESUBMIT      "{\"action\":\"resubmit\",\"opinion\":\"已补充\"}"
#define TRANSFER(u)   "{\"action\":\"transfer\",\"opinion\":\"请代为审核\",\"target\":" #u "}"
#define ADD_BEFORE(u) "{\"action\":\"add_signer\",\"position\":\"before\",\"target\":" #u "}"
#define ADD_AFTER(u)                                                                               \
	"{\"action\":\"add_signer\",\"opinion\":\"同意，请再审\",\"position\":\"after\","    \
	"\"target\":" #u "}"
#define WITHDRAW "{\"action\":\"withdraw\"}"
#define REMIND   "{\"action\":\"remind\",\"opinion\":\"请尽快处理\"}"
#define CANCEL   "{\"action\":\"cancel\",\"opinion\":\"不再需要\"}"
#define TICK     "tick"

struct op {
	const char *act; /* request body, or TICK */
	int64_t actor;
	const char *at;    /* ISO time; NULL: one minute after the previous operation */
	int priv;          /* privileged actor (督办 role) */
	enum err_kind err; /* expected refusal, ERR_NONE for success */
	const char
	    *pending;      /* users holding pending work afterwards, "11,12" ("" none); required */
	const char *state; /* expected instance state, or NULL */
	const char *notices;                 /* "kind:user ..." sorted, or NULL (not checked) */
	int64_t t_user;                      /* check this user's pending item timers: */
	const char *due, *remind, *escalate; /* ISO, or "0" for none */
};

struct scenario {
	const char *name;
	const char *def;
	struct op ops[24];
};

#define START "2026-03-02T09:00:00+08:00" /* a Monday */

static const struct scenario scenarios[] = {
    /* --- single steps, conditions --- */
    {"single: approve through, days<=3 skips the chief step",
     DEF_LEAVE,
     {
         {SUBMIT("{\"days\":2}"), 1, START, .pending = "2", .state = "running",
          .notices = "assigned:2"},
         {APPROVE, 2, .pending = "3", .notices = "assigned:3"},
         {APPROVE, 3, .pending = "", .state = "approved", .notices = "finished:1"},
     }},
    {"condition: days>3 adds the chief step",
     DEF_LEAVE,
     {
         {SUBMIT("{\"days\":5}"), 1, START, .pending = "2"},
         {APPROVE, 2, .pending = "3"},
         {APPROVE, 3, .pending = "5"},
         {APPROVE, 5, .pending = "", .state = "approved"},
     }},
    {"single: other department's initiator gets their own head",
     DEF_LEAVE,
     {
         {SUBMIT("{\"days\":1}"), 7, START, .pending = "8"},
         {APPROVE, 8, .pending = "9"},
         {APPROVE, 9, .pending = "", .state = "approved"},
     }},
    {"single: refusals - not a holder 403, finished 409",
     DEF_LEAVE,
     {
         {SUBMIT("{\"days\":1}"), 1, START, .pending = "2"},
         {APPROVE, 3, .err = ERR_FORBIDDEN, .pending = "2"},
         {APPROVE, 1, .err = ERR_FORBIDDEN, .pending = "2"},
         {APPROVE, 2, .pending = "3"},
         {APPROVE, 2, .err = ERR_FORBIDDEN, .pending = "3"},
         {APPROVE, 3, .pending = "", .state = "approved"},
         {APPROVE, 3, .err = ERR_CONFLICT, .pending = ""},
         {CANCEL, 1, .err = ERR_CONFLICT, .pending = ""},
     }},
    {"single: reject needs an opinion and ends",
     DEF_LEAVE,
     {
         {SUBMIT("{\"days\":5}"), 1, START, .pending = "2"},
         {"{\"action\":\"reject\"}", 2, .err = ERR_VALIDATION, .pending = "2"},
         {REJECT, 2, .pending = "", .state = "rejected", .notices = "finished:1"},
         {RESUBMIT, 1, .err = ERR_CONFLICT, .pending = ""},
     }},
    {"single: return to initiator, resubmit continues at the returning step",
     DEF_LEAVE,
     {
         {SUBMIT("{\"days\":5}"), 1, START, .pending = "2"},
         {APPROVE, 2, .pending = "3"},
         {RETURN_TO("initiator"), 3, .pending = "1", .state = "returned", .notices = "returned:1"},
         {APPROVE, 3, .err = ERR_CONFLICT, .pending = "1"},
         {RESUBMIT, 2, .err = ERR_FORBIDDEN, .pending = "1"},
         {RESUBMIT, 1, .pending = "3", .state = "running", .notices = "assigned:3"},
         {APPROVE, 3, .pending = "5"},
         {APPROVE, 5, .pending = "", .state = "approved"},
     }},
    {"single: resubmitted form re-evaluates conditions",
     DEF_LEAVE,
     {
         {SUBMIT("{\"days\":5}"), 1, START, .pending = "2"},
         {RETURN_TO("initiator"), 2, .pending = "1"},
         {"{\"action\":\"resubmit\",\"form\":{\"days\":2}}", 1, .pending = "2"},
         {APPROVE, 2, .pending = "3"},
         {APPROVE, 3, .pending = "", .state = "approved"},
     }},
    {"single: return to an earlier step, continue jumps back to the returner",
     DEF_LEAVE,
     {
         {SUBMIT("{\"days\":5}"), 1, START, .pending = "2"},
         {APPROVE, 2, .pending = "3"},
         {APPROVE, 3, .pending = "5"},
         {RETURN_TO("dept"), 5, .pending = "2", .notices = "returned:2"},
         {APPROVE, 2, .pending = "5"},
         {APPROVE, 5, .pending = "", .state = "approved"},
     }},
    {"return: only to steps already passed",
     DEF_LEAVE,
     {
         {SUBMIT("{\"days\":5}"), 1, START, .pending = "2"},
         {RETURN_TO("dept"), 2, .err = ERR_VALIDATION, .pending = "2"},
         {APPROVE, 2, .pending = "3"},
         {RETURN_TO("chief"), 3, .err = ERR_VALIDATION, .pending = "3"},
         {RETURN_TO("nosuch"), 3, .err = ERR_VALIDATION, .pending = "3"},
         {"{\"action\":\"return\",\"to\":\"dept\"}", 3, .err = ERR_VALIDATION, .pending = "3"},
         {RETURN_TO("dept"), 3, .pending = "2"},
     }},
    {"submit: a rule that finds nobody is refused",
     DEF_EMPTY_ROLE,
     {
         {SUBMIT("{}"), 1, START, .err = ERR_VALIDATION, .pending = ""},
     }},

    /* --- countersign --- */
    {"countersign: all must approve",
     DEF_CS_FIRST,
     {
         {SUBMIT("{}"), 1, START, .pending = "11,12,13",
          .notices = "assigned:11 assigned:12 assigned:13"},
         {APPROVE, 12, .pending = "11,13"},
         {APPROVE, 11, .pending = "13"},
         {APPROVE, 13, .pending = "5"},
         {APPROVE, 5, .pending = "", .state = "approved"},
     }},
    {"countersign: one rejection ends it",
     DEF_CS_FIRST,
     {
         {SUBMIT("{}"), 1, START, .pending = "11,12,13"},
         {APPROVE, 11, .pending = "12,13"},
         {REJECT, 12, .pending = "", .state = "rejected"},
     }},
    {"countersign + return to initiator + resubmit (continue)",
     DEF_CS_CONTINUE,
     {
         {SUBMIT("{}"), 1, START, .pending = "2"},
         {APPROVE, 2, .pending = "3"},
         {APPROVE, 3, .pending = "11,12,13"},
         {APPROVE, 11, .pending = "12,13"},
         {RETURN_TO("initiator"), 12, .pending = "1", .state = "returned"},
         {APPROVE, 13, .err = ERR_CONFLICT, .pending = "1"},
         {RESUBMIT, 1, .pending = "11,12,13"},
         {APPROVE, 11, .pending = "12,13"},
         {APPROVE, 12, .pending = "13"},
         {APPROVE, 13, .pending = "5"},
         {APPROVE, 5, .pending = "", .state = "approved"},
     }},
    {"countersign + return to initiator + resubmit (restart)",
     DEF_CS_RESTART,
     {
         {SUBMIT("{}"), 1, START, .pending = "2"},
         {APPROVE, 2, .pending = "3"},
         {APPROVE, 3, .pending = "11,12,13"},
         {APPROVE, 11, .pending = "12,13"},
         {RETURN_TO("initiator"), 13, .pending = "1", .state = "returned"},
         {RESUBMIT, 1, .pending = "2"},
         {APPROVE, 2, .pending = "3"},
         {APPROVE, 3, .pending = "11,12,13"},
         {APPROVE, 11, .pending = "12,13"},
         {APPROVE, 12, .pending = "13"},
         {APPROVE, 13, .pending = "5"},
     }},
    {"countersign + return to an earlier step (continue skips back)",
     DEF_CS_CONTINUE,
     {
         {SUBMIT("{}"), 1, START, .pending = "2"},
         {APPROVE, 2, .pending = "3"},
         {APPROVE, 3, .pending = "11,12,13"},
         {APPROVE, 13, .pending = "11,12"},
         {RETURN_TO("dept"), 12, .pending = "2"},
         {APPROVE, 2, .pending = "11,12,13"},
         {APPROVE, 11, .pending = "12,13"},
     }},
    {"countersign + return to an earlier step (restart walks every step)",
     DEF_CS_RESTART,
     {
         {SUBMIT("{}"), 1, START, .pending = "2"},
         {APPROVE, 2, .pending = "3"},
         {APPROVE, 3, .pending = "11,12,13"},
         {RETURN_TO("dept"), 12, .pending = "2"},
         {APPROVE, 2, .pending = "3"},
         {APPROVE, 3, .pending = "11,12,13"},
     }},
    {"countersign: transfer during countersign",
     DEF_CS_FIRST,
     {
         {SUBMIT("{}"), 1, START, .pending = "11,12,13"},
         {TRANSFER(12), 11, .err = ERR_VALIDATION, .pending = "11,12,13"},
         {TRANSFER(11), 11, .err = ERR_VALIDATION, .pending = "11,12,13"},
         {TRANSFER(21), 12, .pending = "11,13,21", .notices = "assigned:21"},
         {APPROVE, 12, .err = ERR_FORBIDDEN, .pending = "11,13,21"},
         {APPROVE, 11, .pending = "13,21"},
         {APPROVE, 13, .pending = "21"},
         {APPROVE, 21, .pending = "5"},
     }},
    {"countersign: transfer, then the new holder returns; resubmit resolves the rule again",
     DEF_CS_FIRST,
     {
         {SUBMIT("{}"), 1, START, .pending = "11,12,13"},
         {TRANSFER(21), 12, .pending = "11,13,21"},
         {APPROVE, 11, .pending = "13,21"},
         {RETURN_TO("initiator"), 21, .pending = "1"},
         {RESUBMIT, 1, .pending = "11,12,13"},
     }},
    {"countersign: add signer before oneself",
     DEF_CS_FIRST,
     {
         {SUBMIT("{}"), 1, START, .pending = "11,12,13"},
         {ADD_BEFORE(21), 11, .pending = "12,13,21", .notices = "assigned:21"},
         {APPROVE, 11, .err = ERR_FORBIDDEN, .pending = "12,13,21"},
         {APPROVE, 12, .pending = "13,21"},
         {APPROVE, 13, .pending = "21"},
         {APPROVE, 21, .pending = "11", .notices = "assigned:11"},
         {APPROVE, 11, .pending = "5"},
     }},
    {"countersign: add signer after oneself, then that signer transfers",
     DEF_CS_FIRST,
     {
         {SUBMIT("{}"), 1, START, .pending = "11,12,13"},
         {ADD_AFTER(21), 11, .pending = "12,13,21"},
         {APPROVE, 12, .pending = "13,21"},
         {APPROVE, 13, .pending = "21"},
         {TRANSFER(22), 21, .pending = "22"},
         {APPROVE, 22, .pending = "5"},
     }},
    {"countersign: added signer (before) returns; resubmit starts the step afresh",
     DEF_CS_FIRST,
     {
         {SUBMIT("{}"), 1, START, .pending = "11,12,13"},
         {APPROVE, 13, .pending = "11,12"},
         {ADD_BEFORE(21), 11, .pending = "12,21"},
         {RETURN_TO("initiator"), 21, .pending = "1"},
         {RESUBMIT, 1, .pending = "11,12,13"},
     }},
    {"countersign: nested add-before, then transfer of the waiting chain's head",
     DEF_CS_FIRST,
     {
         {SUBMIT("{}"), 1, START, .pending = "11,12,13"},
         {ADD_BEFORE(21), 11, .pending = "12,13,21"},
         {ADD_BEFORE(22), 21, .pending = "12,13,22"},
         {TRANSFER(6), 22, .pending = "6,12,13"},
         {APPROVE, 6, .pending = "12,13,21"},
         {APPROVE, 21, .pending = "11,12,13"},
         {APPROVE, 11, .pending = "12,13"},
     }},

    /* --- add signer + reject --- */
    {"add signer before + reject ends the instance",
     DEF_SINGLE,
     {
         {SUBMIT("{}"), 1, START, .pending = "2"},
         {ADD_BEFORE(21), 2, .pending = "21"},
         {REJECT, 21, .pending = "", .state = "rejected", .notices = "finished:1"},
     }},
    {"add signer after + reject ends the instance",
     DEF_SINGLE,
     {
         {SUBMIT("{}"), 1, START, .pending = "2"},
         {ADD_AFTER(21), 2, .pending = "21"},
         {ADD_AFTER(2), 21, .err = ERR_NONE, .pending = "2"},
         {REJECT, 2, .pending = "", .state = "rejected"},
     }},
    {"add signer: target already holding work or oneself is refused",
     DEF_CS_FIRST,
     {
         {SUBMIT("{}"), 1, START, .pending = "11,12,13"},
         {ADD_BEFORE(12), 11, .err = ERR_VALIDATION, .pending = "11,12,13"},
         {ADD_AFTER(11), 11, .err = ERR_VALIDATION, .pending = "11,12,13"},
         {ADD_BEFORE(1), 11, .pending = "1,12,13"},
     }},

    /* --- or-sign --- */
    {"or-sign: the first approval completes the step",
     DEF_OR,
     {
         {SUBMIT("{}"), 1, START, .pending = "11,12,13"},
         {APPROVE, 12, .pending = "5", .notices = "assigned:5"},
         {APPROVE, 11, .err = ERR_FORBIDDEN, .pending = "5"},
     }},
    {"or-sign: the first rejection ends it",
     DEF_OR,
     {
         {SUBMIT("{}"), 1, START, .pending = "11,12,13"},
         {REJECT, 13, .pending = "", .state = "rejected"},
     }},
    {"or-sign: add after; the added signer's approval decides",
     DEF_OR,
     {
         {SUBMIT("{}"), 1, START, .pending = "11,12,13"},
         {ADD_AFTER(21), 11, .pending = "12,13,21"},
         {APPROVE, 21, .pending = "5"},
     }},
    {"or-sign: transfer, then return to initiator, withdraw refused",
     DEF_OR,
     {
         {SUBMIT("{}"), 1, START, .pending = "11,12,13"},
         {TRANSFER(21), 13, .pending = "11,12,21"},
         {WITHDRAW, 1, .err = ERR_CONFLICT, .pending = "11,12,21"},
         {RETURN_TO("initiator"), 21, .pending = "1"},
         {RESUBMIT, 1, .pending = "11,12,13"},
         {WITHDRAW, 1, .pending = "", .state = "withdrawn"},
     }},

    /* --- percentage --- */
    {"percentage 60% of 3 needs 2 approvals",
     DEF_PCT,
     {
         {SUBMIT("{}"), 1, START, .pending = "11,12,13"},
         {APPROVE, 11, .pending = "12,13"},
         {APPROVE, 13, .pending = "5"},
     }},
    {"percentage: one no-vote is tolerated, two are not",
     DEF_PCT,
     {
         {SUBMIT("{}"), 1, START, .pending = "11,12,13"},
         {REJECT, 11, .pending = "12,13", .state = "running", .notices = ""},
         {REJECT, 12, .pending = "", .state = "rejected"},
     }},
    {"percentage: no, yes, yes passes",
     DEF_PCT,
     {
         {SUBMIT("{}"), 1, START, .pending = "11,12,13"},
         {REJECT, 12, .pending = "11,13"},
         {APPROVE, 11, .pending = "13"},
         {APPROVE, 13, .pending = "5"},
     }},
    {"percentage: an added signer's rejection is its slot's no-vote",
     DEF_PCT,
     {
         {SUBMIT("{}"), 1, START, .pending = "11,12,13"},
         {ADD_BEFORE(21), 11, .pending = "12,13,21"},
         {REJECT, 21, .pending = "12,13"},
         {APPROVE, 12, .pending = "13"},
         {REJECT, 13, .pending = "", .state = "rejected"},
     }},
    {"percentage: return to initiator and resubmit",
     DEF_PCT,
     {
         {SUBMIT("{}"), 1, START, .pending = "11,12,13"},
         {APPROVE, 11, .pending = "12,13"},
         {RETURN_TO("initiator"), 12, .pending = "1"},
         {RESUBMIT, 1, .pending = "11,12,13"},
         {APPROVE, 12, .pending = "11,13"},
         {APPROVE, 13, .pending = "5"},
     }},

    /* --- withdraw, remind, cancel --- */
    {"withdraw while nobody acted, then resubmit",
     DEF_LEAVE,
     {
         {SUBMIT("{\"days\":1}"), 1, START, .pending = "2"},
         {WITHDRAW, 2, .err = ERR_FORBIDDEN, .pending = "2"},
         {WITHDRAW, 1, .pending = "", .state = "withdrawn"},
         {APPROVE, 2, .err = ERR_CONFLICT, .pending = ""},
         {WITHDRAW, 1, .err = ERR_CONFLICT, .pending = ""},
         {RESUBMIT, 1, .pending = "2", .state = "running"},
     }},
    {"withdraw after someone acted is refused",
     DEF_LEAVE,
     {
         {SUBMIT("{\"days\":1}"), 1, START, .pending = "2"},
         {APPROVE, 2, .pending = "3"},
         {WITHDRAW, 1, .err = ERR_CONFLICT, .pending = "3"},
         {RETURN_TO("initiator"), 3, .pending = "1"},
         {WITHDRAW, 1, .err = ERR_CONFLICT, .pending = "1"},
         {RESUBMIT, 1, .pending = "3"},
         {WITHDRAW, 1, .pending = "", .state = "withdrawn"},
         {RESUBMIT, 1, .pending = "2"}, /* after a withdraw the flow always restarts */
     }},
    {"withdraw after a transfer is refused",
     DEF_SINGLE,
     {
         {SUBMIT("{}"), 1, START, .pending = "2"},
         {TRANSFER(21), 2, .pending = "21"},
         {WITHDRAW, 1, .err = ERR_CONFLICT, .pending = "21"},
     }},
    {"remind: initiator or privileged, rate-limited",
     DEF_CS_FIRST,
     {
         {SUBMIT("{}"), 1, START, .pending = "11,12,13"},
         {APPROVE, 11, .pending = "12,13"},
         {REMIND, 1, .pending = "12,13", .notices = "reminded:12 reminded:13"},
         {REMIND, 1, .err = ERR_RATE_LIMITED, .pending = "12,13"},
         {REMIND, 12, "2026-03-02T10:00:00+08:00", .err = ERR_FORBIDDEN, .pending = "12,13"},
         {REMIND, 4, "2026-03-02T10:00:00+08:00", 1, .pending = "12,13",
          .notices = "reminded:12 reminded:13"},
     }},
    {"cancel: not by an approver; by the office; never twice",
     DEF_LEAVE,
     {
         {SUBMIT("{\"days\":1}"), 1, START, .pending = "2"},
         {CANCEL, 2, .err = ERR_FORBIDDEN, .pending = "2"},
         {CANCEL, 4, .priv = 1, .pending = "", .state = "cancelled", .notices = "finished:1"},
         {CANCEL, 1, .err = ERR_CONFLICT, .pending = ""},
         {REMIND, 1, .err = ERR_CONFLICT, .pending = ""},
     }},
    {"cancel by the initiator while returned",
     DEF_LEAVE,
     {
         {SUBMIT("{\"days\":1}"), 1, START, .pending = "2"},
         {RETURN_TO("initiator"), 2, .pending = "1"},
         {CANCEL, 1, .pending = "", .state = "cancelled", .notices = ""},
     }},

    /* --- chosen assignees --- */
    {"chosen: the previous approver picks from the allowed set",
     DEF_CHOSEN,
     {
         {SUBMIT("{}"), 1, START, .pending = "2"},
         {APPROVE, 2, .err = ERR_VALIDATION, .pending = "2"},
         {APPROVE_NEXT("4"), 2, .err = ERR_VALIDATION, .pending = "2"},
         {APPROVE_NEXT("3,5"), 2, .err = ERR_VALIDATION, .pending = "2"},
         {APPROVE_NEXT("6"), 2, .pending = "6"},
         {APPROVE_NEXT("5"), 6, .err = ERR_VALIDATION, .pending = "6"},
         {APPROVE, 6, .pending = "4"},
         {RETURN_TO("pick"), 4, .pending = "6"}, /* the choice is kept */
         {APPROVE, 6, .pending = "4"},
     }},
    {"chosen: the initiator picks the first step's countersigners",
     DEF_CHOSEN_FIRST,
     {
         {SUBMIT("{}"), 1, START, .err = ERR_VALIDATION, .pending = ""},
         {"{\"action\":\"submit\",\"form\":{},\"next_assignees\":[3,6]}", 1, START,
          .pending = "3,6"},
         {APPROVE, 3, .pending = "6"},
         {APPROVE, 6, .pending = "", .state = "approved"},
     }},

    /* --- time limits, reminders, escalation --- */
    {"time limit in working days over the Spring Festival and a 调休 Saturday",
     DEF_LEAVE,
     {
         {SUBMIT("{\"days\":1}"), 1, "2026-02-13T10:00:00+08:00", .pending = "2", .t_user = 2,
          .due = "2026-02-24T18:00:00+08:00", .remind = "2026-02-24T16:00:00+08:00",
          .escalate = "2026-02-24T18:00:00+08:00"},
         {TICK, 0, "2026-02-24T15:59:00+08:00", .pending = "2", .notices = ""},
         {TICK, 0, "2026-02-24T16:00:00+08:00", .pending = "2", .notices = "reminded:2"},
         {TICK, 0, "2026-02-24T17:00:00+08:00", .pending = "2", .notices = ""},
         {TICK, 0, "2026-02-24T18:00:00+08:00", .pending = "2", .notices = "escalated:4 overdue:2"},
         {TICK, 0, "2026-02-25T09:00:00+08:00", .pending = "2", .notices = ""},
         {APPROVE, 2, .pending = "3"},
     }},
    {"time limit across National Day onto the 调休 Saturday",
     DEF_TIMER,
     {
         {SUBMIT("{}"), 1, "2026-09-30T11:00:00+08:00", .pending = "2", .t_user = 2,
          .due = "2026-10-08T18:00:00+08:00", .remind = "2026-10-08T16:00:00+08:00",
          .escalate = "2026-10-09T09:30:00+08:00"},
         {TICK, 0, "2026-10-08T18:30:00+08:00", .pending = "2", .notices = "overdue:2 reminded:2"},
         {TICK, 0, "2026-10-09T09:29:00+08:00", .pending = "2", .notices = ""},
         {TICK, 0, "2026-10-09T09:30:00+08:00", .pending = "2", .notices = "escalated:4"},
     }},
    {"escalation after a return: the new item has a new clock",
     DEF_TIMER,
     {
         {SUBMIT("{}"), 1, START, .pending = "2", .t_user = 2, .due = "2026-03-03T18:00:00+08:00",
          .remind = "2026-03-03T16:00:00+08:00", .escalate = "2026-03-04T09:30:00+08:00"},
         {APPROVE, 2, "2026-03-02T10:00:00+08:00", .pending = "3"},
         {RETURN_TO("dept"), 3, "2026-03-04T09:00:00+08:00", .pending = "2", .t_user = 2,
          .due = "2026-03-05T18:00:00+08:00", .remind = "2026-03-05T16:00:00+08:00",
          .escalate = "2026-03-06T09:30:00+08:00"},
         {TICK, 0, "2026-03-04T10:00:00+08:00", .pending = "2", .notices = ""},
         {TICK, 0, "2026-03-05T16:00:00+08:00", .pending = "2", .notices = "reminded:2"},
         {TICK, 0, "2026-03-06T09:30:00+08:00", .pending = "2", .notices = "escalated:4 overdue:2"},
         {APPROVE, 2, .pending = "3"},
     }},
    {"escalation after a return to the initiator and resubmit",
     DEF_TIMER,
     {
         {SUBMIT("{}"), 1, START, .pending = "2"},
         {RETURN_TO("initiator"), 2, "2026-03-02T10:00:00+08:00", .pending = "1"},
         {TICK, 0, "2026-03-05T09:00:00+08:00", .pending = "1", .notices = ""},
         {RESUBMIT, 1, "2026-03-06T09:00:00+08:00", .pending = "2", .t_user = 2,
          .due = "2026-03-09T18:00:00+08:00", .remind = "2026-03-09T16:00:00+08:00",
          .escalate = "2026-03-10T09:30:00+08:00"},
         {TICK, 0, "2026-03-10T09:30:00+08:00", .pending = "2",
          .notices = "escalated:4 overdue:2 reminded:2"},
     }},
    {"transfer keeps the clock; the new holder is reminded",
     DEF_TIMER,
     {
         {SUBMIT("{}"), 1, START, .pending = "2"},
         {TICK, 0, "2026-03-03T16:00:00+08:00", .pending = "2", .notices = "reminded:2"},
         {TRANSFER(21), 2, "2026-03-03T16:30:00+08:00", .pending = "21", .t_user = 21,
          .due = "2026-03-03T18:00:00+08:00", .remind = "2026-03-03T16:00:00+08:00",
          .escalate = "2026-03-04T09:30:00+08:00"},
         {TICK, 0, "2026-03-03T16:31:00+08:00", .pending = "21", .notices = "reminded:21"},
         {TICK, 0, "2026-03-04T09:30:00+08:00", .pending = "21",
          .notices = "escalated:4 overdue:21"},
     }},
    {"working-hours limit over Qingming; overdue countersign item reassigned",
     DEF_HOURS,
     {
         {SUBMIT("{}"), 1, "2026-04-03T16:00:00+08:00", .pending = "11,12", .t_user = 12,
          .due = "2026-04-07T10:30:00+08:00", .remind = "2026-04-07T09:30:00+08:00",
          .escalate = "2026-04-07T10:30:00+08:00"},
         {APPROVE, 11, "2026-04-03T16:30:00+08:00", .pending = "12"},
         {TICK, 0, "2026-04-06T12:00:00+08:00", .pending = "12", .notices = ""},
         {TICK, 0, "2026-04-07T10:30:00+08:00", .pending = "5",
          .notices = "assigned:5 escalated:5 overdue:12 reminded:12", .t_user = 5,
          .due = "2026-04-07T17:00:00+08:00", .remind = "2026-04-07T16:00:00+08:00",
          .escalate = "0"},
         {APPROVE, 12, .err = ERR_FORBIDDEN, .pending = "5"},
         {TICK, 0, "2026-04-08T09:00:00+08:00", .pending = "5", .notices = "overdue:5 reminded:5"},
         {APPROVE, 5, .pending = "", .state = "approved"},
     }},
    {"escalation reassigns an added signer's item; the waiting holder still wakes",
     DEF_HOURS,
     {
         {SUBMIT("{}"), 1, "2026-04-03T16:00:00+08:00", .pending = "11,12"},
         {APPROVE, 12, "2026-04-03T16:10:00+08:00", .pending = "11"},
         {ADD_BEFORE(21), 11, "2026-04-03T16:30:00+08:00", .pending = "21", .t_user = 21,
          .due = "2026-04-07T11:00:00+08:00", .remind = "2026-04-07T10:00:00+08:00",
          .escalate = "2026-04-07T11:00:00+08:00"},
         {TICK, 0, "2026-04-07T10:30:00+08:00", .pending = "21", .notices = "reminded:21"},
         {TICK, 0, "2026-04-07T11:00:00+08:00", .pending = "5",
          .notices = "assigned:5 escalated:5 overdue:21"},
         {APPROVE, 5, "2026-04-07T11:30:00+08:00", .pending = "11", .notices = "assigned:11"},
         /* 11's own clock ran while waiting: it fires once 11 holds the item again */
         {TICK, 0, "2026-04-07T11:31:00+08:00", .pending = "5",
          .notices = "assigned:5 escalated:5 overdue:11 reminded:11"},
         {APPROVE, 5, .pending = "", .state = "approved"},
     }},
    {"a limit shorter than the reminder offset sets no reminder",
     DEF_SHORT,
     {
         {SUBMIT("{}"), 1, START, .pending = "5", .t_user = 5, .due = "2026-03-02T10:00:00+08:00",
          .remind = "0", .escalate = "0"},
         {TICK, 0, "2026-03-02T10:00:00+08:00", .pending = "5", .notices = "overdue:5"},
         {TICK, 0, "2026-03-02T11:00:00+08:00", .pending = "5", .notices = ""},
     }},
    {"tick on a finished instance does nothing",
     DEF_SINGLE,
     {
         {SUBMIT("{}"), 1, START, .pending = "2"},
         {APPROVE, 2, .pending = "", .state = "approved"},
         {TICK, 0, "2026-12-31T09:00:00+08:00", .pending = "", .notices = ""},
     }},
};

/* --- the harness --- */

struct run {
	const struct wf_def *def;
	struct workday_cal *cal;
	struct wf_instance *inst;
	int64_t now;
};

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void notices_string(const struct wf_result *r, char *out, size_t cap)
{
	char tok[64][40];
	const char *p[64];
	size_t n = 0;

	out[0] = '\0';
	assert_true(r->n_notices <= 64);
	for (int i = 0; i < r->n_notices; i++) {
		snprintf(tok[i], sizeof tok[i], "%s:%lld", wf_notice_kind_name(r->notices[i].kind),
		         (long long)r->notices[i].user);
		p[i] = tok[i];
	}
	qsort(p, (size_t)r->n_notices, sizeof p[0], cmp_str);
	for (int i = 0; i < r->n_notices; i++)
		n += (size_t)snprintf(out + n, cap - n, "%s%s", i ? " " : "", p[i]);
}

static void pending_string(const struct wf_instance *inst, char *out, size_t cap)
{
	int64_t users[WF_ITEMS_MAX];
	int n = inst ? wf_instance_pending_users(inst, users, WF_ITEMS_MAX) : 0;
	size_t len = 0;

	out[0] = '\0';
	for (int i = 0; i < n; i++)
		len += (size_t)snprintf(out + len, cap - len, "%s%lld", i ? "," : "",
		                        (long long)users[i]);
}

static void check_time(const char *label, int64_t got, const char *want)
{
	char buf[TIME_ISO_MAX];

	if (strcmp(want, "0") == 0) {
		if (got != 0)
			fail_msg("%s: expected none, got %lld", label, (long long)got);
		return;
	}
	time_iso(got, buf);
	if (strcmp(buf, want) != 0)
		fail_msg("%s: expected %s, got %s", label, want, buf);
}

static int item_same(const struct wf_item *a, const struct wf_item *b)
{
	json_t *ja = wf_item_to_json(a), *jb = wf_item_to_json(b);
	int same = json_equal(ja, jb);

	json_decref(ja);
	json_decref(jb);
	return same;
}

/* result.changed must name exactly the items that differ from the previous state. */
static void check_changed(const struct wf_instance *before, const struct wf_result *r)
{
	const struct wf_instance *after = r->inst;
	int k = 0;

	for (int i = 1; i < r->n_changed; i++)
		assert_true(r->changed[i - 1] < r->changed[i]);
	for (int i = 0; i < after->n_items; i++) {
		const struct wf_item *it = &after->items[i];
		const struct wf_item *old = before ? wf_instance_item(before, it->id) : NULL;
		int differs = old == NULL || !item_same(old, it);
		int listed = k < r->n_changed && r->changed[k] == it->id;

		if (differs != listed)
			fail_msg("item %lld %s but %s in changed", (long long)it->id,
			         differs ? "changed" : "did not change", listed ? "is" : "is not");
		k += listed;
	}
	assert_int_equal(k, r->n_changed);
}

static void check_invariants(const struct wf_instance *inst)
{
	int open_current = 0, resubmit = 0;

	for (int i = 0; i < inst->n_items; i++) {
		const struct wf_item *it = &inst->items[i];
		int open = it->state == WF_ITEM_PENDING || it->state == WF_ITEM_WAITING;

		if (!open)
			continue;
		assert_int_equal(it->activation, inst->activation);
		for (int k = i + 1; k < inst->n_items; k++) {
			const struct wf_item *o = &inst->items[k];

			if (o->user == it->user &&
			    (o->state == WF_ITEM_PENDING || o->state == WF_ITEM_WAITING))
				fail_msg("user %lld holds two open items", (long long)it->user);
		}
		open_current += it->step == inst->step;
		resubmit += it->kind == WF_ITEM_RESUBMIT && it->user == inst->initiator &&
		            it->state == WF_ITEM_PENDING;
	}
	switch (inst->state) {
	case WF_RUNNING:
		assert_true(open_current > 0);
		assert_int_equal(resubmit, 0);
		break;
	case WF_RETURNED:
		assert_int_equal(resubmit, 1);
		break;
	default:
		assert_int_equal(open_current + resubmit, 0);
		break;
	}
}

/* The restart: serialise, parse, serialise again; both texts must agree. */
static struct wf_instance *restart(const struct wf_instance *inst)
{
	struct err e = ERR_INIT;
	struct wf_instance *copy = NULL;
	char *a = wf_instance_dump(inst), *b;

	assert_non_null(a);
	if (wf_instance_load(a, strlen(a), &copy, &e))
		fail_msg("reload failed: %s (%s)", e.msg, e.field);
	b = wf_instance_dump(copy);
	assert_string_equal(a, b);
	free(a);
	free(b);
	return copy;
}

/* Returns -1 (e set) when the API layer would already refuse the body. */
static int build_action(const struct op *op, const struct run *run, struct wf_action *act,
                        json_t **body, struct err *e)
{
	json_error_t jerr;
	int rc = 0;

	*body = NULL;
	if (strcmp(op->act, TICK) == 0) {
		memset(act, 0, sizeof *act);
		act->kind = WF_ACT_TICK;
	} else {
		*body = json_loads(op->act, JSON_REJECT_DUPLICATES, &jerr);
		if (*body == NULL)
			fail_msg("bad body %s: %s", op->act, jerr.text);
		rc = wf_action_from_json(run->def, *body, act, e);
	}
	act->actor = op->actor;
	act->at = run->now;
	act->privileged = op->priv;
	act->initiator_dept = dept_of(op->actor);
	return rc;
}

static void run_op(struct run *run, const struct op *op, int idx)
{
	struct wf_action act;
	struct wf_result r;
	struct err e = ERR_INIT;
	json_t *body;
	char got[512];
	int rc;

	if (op->at != NULL)
		assert_int_equal(time_parse_iso(op->at, &run->now), 0);
	else
		run->now += 60;
	rc = build_action(op, run, &act, &body, &e);
	if (rc == 0)
		rc = wf_apply(run->def, run->inst, &act, &resolver, run->cal, &r, &e);
	if (op->err != ERR_NONE) {
		if (rc != -1 || e.kind != op->err)
			fail_msg("op %d (%s by %lld): expected %s, got rc %d %s %s", idx, op->act,
			         (long long)op->actor, err_code(op->err), rc, err_code(e.kind),
			         e.msg);
		assert_true(e.msg[0] != '\0');
	} else {
		if (rc != 0)
			fail_msg("op %d (%s by %lld) failed: %s %s (%s)", idx, op->act,
			         (long long)op->actor, err_code(e.kind), e.msg, e.field);
		check_changed(run->inst, &r);
		check_invariants(r.inst);
		for (int i = 0; i < r.n_history; i++)
			assert_int_equal(r.history[i].seq,
			                 (run->inst ? run->inst->next_seq : 1) + i);
		if (op->notices != NULL) {
			notices_string(&r, got, sizeof got);
			if (strcmp(got, op->notices) != 0)
				fail_msg("op %d: notices \"%s\", expected \"%s\"", idx, got,
				         op->notices);
		}
		wf_instance_free(run->inst);
		run->inst = restart(r.inst);
		wf_result_free(&r);
	}
	json_decref(body);
	if (op->pending == NULL)
		fail_msg("op %d: the scenario must say who holds pending work", idx);
	pending_string(run->inst, got, sizeof got);
	if (strcmp(got, op->pending) != 0)
		fail_msg("op %d (%s by %lld): pending \"%s\", expected \"%s\"", idx, op->act,
		         (long long)op->actor, got, op->pending);
	if (op->state != NULL)
		assert_string_equal(wf_state_name(run->inst->state), op->state);
	if (op->t_user != 0) {
		const struct wf_item *it = wf_instance_pending_of(run->inst, op->t_user);

		assert_non_null(it);
		check_time("due", it->due, op->due);
		check_time("remind_at", it->remind_at, op->remind);
		check_time("escalate_at", it->escalate_at, op->escalate);
	}
}

static void run_scenario(void **state)
{
	const struct scenario *sc = *state;
	struct wf_def *def = NULL;
	struct err e = ERR_INIT;
	struct run run = {0};

	if (wf_def_parse(sc->def, strlen(sc->def), &def, &e))
		fail_msg("definition: %s (%s)", e.msg, e.field);
	run.def = def;
	run.cal = workday_cal_new();
	assert_int_equal(workday_cal_load_builtin(run.cal, &e), 0);
	for (int i = 0; i < 24 && sc->ops[i].act != NULL; i++)
		run_op(&run, &sc->ops[i], i);
	wf_instance_free(run.inst);
	workday_cal_free(run.cal);
	wf_def_free(def);
}

/* --- focused tests --- */

static void test_percent_required(void **state)
{
	static const int cases[][3] = {{3, 60, 2},    {3, 50, 2}, {3, 34, 2},  {3, 33, 1},
	                               {4, 50, 2},    {5, 60, 3}, {5, 61, 4},  {1, 1, 1},
	                               {10, 100, 10}, {7, 15, 2}, {2, 100, 2}, {64, 1, 1}};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		if (wf_percent_required(cases[i][0], cases[i][1]) != cases[i][2])
			fail_msg("%d signers at %d%%: expected %d", cases[i][0], cases[i][1],
			         cases[i][2]);
}

static void test_conditions(void **state)
{
	static const struct {
		const char *cond, *form;
		int want;
	} cases[] = {
	    {"{\"field\":\"days\",\"op\":\">\",\"value\":3}", "{\"days\":5}", 1},
	    {"{\"field\":\"days\",\"op\":\">\",\"value\":3}", "{\"days\":3}", 0},
	    {"{\"field\":\"days\",\"op\":\">=\",\"value\":3}", "{\"days\":3}", 1},
	    {"{\"field\":\"days\",\"op\":\"<\",\"value\":3.5}", "{\"days\":3}", 1},
	    {"{\"field\":\"days\",\"op\":\"<=\",\"value\":2}", "{\"days\":3}", 0},
	    {"{\"field\":\"days\",\"op\":\">\",\"value\":3}", "{}", 0},
	    {"{\"field\":\"days\",\"op\":\">\",\"value\":3}", "{\"days\":\"5\"}", 0},
	    {"{\"field\":\"kind\",\"op\":\"==\",\"value\":\"病假\"}", "{\"kind\":\"病假\"}", 1},
	    {"{\"field\":\"kind\",\"op\":\"!=\",\"value\":\"病假\"}", "{\"kind\":\"事假\"}", 1},
	    {"{\"field\":\"kind\",\"op\":\"in\",\"value\":[\"年假\",\"事假\"]}",
	     "{\"kind\":\"事假\"}", 1},
	    {"{\"field\":\"kind\",\"op\":\"in\",\"value\":[\"年假\",\"事假\"]}",
	     "{\"kind\":\"病假\"}", 0},
	    {"{\"field\":\"abroad\",\"op\":\"==\",\"value\":true}", "{\"abroad\":true}", 1},
	    {"{\"field\":\"abroad\",\"op\":\"==\",\"value\":true}", "{\"abroad\":false}", 0},
	    {"{\"all\":[{\"field\":\"days\",\"op\":\">\",\"value\":3},"
	     "{\"field\":\"kind\",\"op\":\"==\",\"value\":\"事假\"}]}",
	     "{\"days\":5,\"kind\":\"病假\"}", 0},
	    {"{\"any\":[{\"field\":\"days\",\"op\":\">\",\"value\":3},"
	     "{\"field\":\"kind\",\"op\":\"==\",\"value\":\"事假\"}]}",
	     "{\"days\":1,\"kind\":\"事假\"}", 1},
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		json_t *c = json_loads(cases[i].cond, 0, NULL),
		       *f = json_loads(cases[i].form, 0, NULL);

		assert_non_null(c);
		assert_non_null(f);
		if (wf_cond_eval(c, f) != cases[i].want)
			fail_msg("%s on %s: expected %d", cases[i].cond, cases[i].form,
			         cases[i].want);
		json_decref(c);
		json_decref(f);
	}
}

static void test_bad_definitions(void **state)
{
#define W(steps) "{\"key\":\"k\",\"name\":\"n\",\"steps\":[" steps "]}"
	static const struct {
		const char *json, *field;
	} cases[] = {
	    {"{\"key\":\"k\",\"name\":\"n\",\"steps\":[]}", "steps"},
	    {"{\"key\":\"K!\",\"name\":\"n\",\"steps\":[" STEP_DEPT "]}", "key"},
	    {"{\"key\":\"k\",\"steps\":[" STEP_DEPT "]}", "name"},
	    {"{\"key\":\"k\",\"name\":\"n\",\"resubmit\":\"again\",\"steps\":[" STEP_DEPT "]}",
	     "resubmit"},
	    {"{\"key\":\"k\",\"name\":\"n\",\"stpes\":[]}", "definition"},
	    {W(STEP_DEPT "," STEP_DEPT), "steps[1].id"},
	    {W("{\"id\":\"a\",\"name\":\"a\",\"kind\":\"vote\",\"assignee\":{\"rule\":\"chief\"}}"),
	     "steps[0].kind"},
	    {W("{\"id\":\"a\",\"name\":\"a\",\"kind\":\"percentage\",\"assignee\":{\"rule\":"
	       "\"chief\"}}"),
	     "steps[0].percent"},
	    {W("{\"id\":\"a\",\"name\":\"a\",\"kind\":\"percentage\",\"percent\":101,"
	       "\"assignee\":{\"rule\":\"chief\"}}"),
	     "steps[0].percent"},
	    {W("{\"id\":\"a\",\"name\":\"a\",\"kind\":\"single\",\"percent\":50,"
	       "\"assignee\":{\"rule\":\"chief\"}}"),
	     "steps[0].percent"},
	    {W("{\"id\":\"a\",\"name\":\"a\",\"kind\":\"single\",\"assignee\":{\"rule\":\"boss\"}"
	       "}"),
	     "steps[0].assignee"},
	    {W("{\"id\":\"a\",\"name\":\"a\",\"kind\":\"single\",\"assignee\":{\"rule\":\"users\","
	       "\"users\":[]}}"),
	     "steps[0].assignee"},
	    {W("{\"id\":\"a\",\"name\":\"a\",\"kind\":\"single\",\"assignee\":{\"rule\":\"role\"}"
	       "}"),
	     "steps[0].assignee"},
	    {W("{\"id\":\"a\",\"name\":\"a\",\"kind\":\"single\",\"assignee\":{\"rule\":\"chosen\","
	       "\"from\":{\"rule\":\"chosen\",\"from\":{\"rule\":\"chief\"}}}}"),
	     "steps[0].assignee"},
	    {W("{\"id\":\"a\",\"name\":\"a\",\"kind\":\"single\",\"assignee\":{\"rule\":\"chief\"},"
	       "\"remind_before\":{\"hours\":1}}"),
	     "steps[0]"},
	    {W("{\"id\":\"a\",\"name\":\"a\",\"kind\":\"single\",\"assignee\":{\"rule\":\"chief\"},"
	       "\"time_limit\":{\"weeks\":1}}"),
	     "steps[0].time_limit"},
	    {W("{\"id\":\"a\",\"name\":\"a\",\"kind\":\"single\",\"assignee\":{\"rule\":\"chief\"},"
	       "\"time_limit\":{\"days\":0}}"),
	     "steps[0].time_limit"},
	    {W("{\"id\":\"a\",\"name\":\"a\",\"kind\":\"single\",\"assignee\":{\"rule\":\"chief\"},"
	       "\"time_limit\":{\"days\":1},\"escalate\":{\"to\":{\"rule\":\"chosen\","
	       "\"from\":{\"rule\":\"chief\"}}}}"),
	     "steps[0].escalate"},
	    {W("{\"id\":\"a\",\"name\":\"a\",\"kind\":\"single\",\"assignee\":{\"rule\":\"chief\"},"
	       "\"condition\":{\"field\":\"days\",\"op\":\"~\",\"value\":3}}"),
	     "steps[0].condition"},
	    {W("{\"id\":\"a\",\"name\":\"a\",\"kind\":\"single\",\"assignee\":{\"rule\":\"chief\"},"
	       "\"condition\":{\"field\":\"x\",\"op\":\">\",\"value\":true}}"),
	     "steps[0].condition"},
	    {W("{\"id\":\"a\",\"name\":\"a\",\"kind\":\"single\",\"assignee\":{\"rule\":\"chief\"},"
	       "\"condition\":{\"all\":[{\"all\":[{\"all\":[{\"all\":[{\"field\":\"x\",\"op\":\"=="
	       "\","
	       "\"value\":1}]}]}]}]}}"),
	     "steps[0].condition"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct wf_def *def = (struct wf_def *)1;
		struct err e = ERR_INIT;

		if (wf_def_parse(cases[i].json, strlen(cases[i].json), &def, &e) != -1)
			fail_msg("accepted: %s", cases[i].json);
		assert_null(def);
		assert_int_equal(e.kind, ERR_VALIDATION);
		if (strcmp(e.field, cases[i].field) != 0)
			fail_msg("%s: field \"%s\", expected \"%s\" (%s)", cases[i].json, e.field,
			         cases[i].field, e.msg);
	}
#undef W
}

static void test_too_many_steps(void **state)
{
	char buf[WF_DEF_JSON_MAX];
	size_t n = 0;
	struct wf_def *def;
	struct err e = ERR_INIT;

	(void)state;
	n += (size_t)snprintf(buf + n, sizeof buf - n, "{\"key\":\"k\",\"name\":\"n\",\"steps\":[");
	for (int i = 0; i <= WF_STEPS_MAX; i++)
		n += (size_t)snprintf(buf + n, sizeof buf - n,
		                      "%s{\"id\":\"s%d\",\"name\":\"s\",\"kind\":\"single\","
		                      "\"assignee\":{\"rule\":\"chief\"}}",
		                      i ? "," : "", i);
	n += (size_t)snprintf(buf + n, sizeof buf - n, "]}");
	assert_int_equal(wf_def_parse(buf, n, &def, &e), -1);
	assert_string_equal(e.field, "steps");
	err_clear(&e);
	assert_int_equal(wf_def_parse(buf, WF_DEF_JSON_MAX + 1, &def, &e), -1);
	assert_int_equal(e.kind, ERR_TOO_LARGE);
}

/* An instance is driven only by the definition version it started with. */
static void test_version_mismatch(void **state)
{
	struct wf_def *v1, *v2;
	struct err e = ERR_INIT;
	struct wf_action act = {.kind = WF_ACT_SUBMIT, .actor = 1, .at = 1772413200};
	struct wf_result r, r2;
	json_t *form = json_object();

	(void)state;
	act.form = form;
	assert_int_equal(wf_def_parse(DEF_SINGLE, strlen(DEF_SINGLE), &v1, &e), 0);
	assert_int_equal(wf_def_parse(DEF_SINGLE, strlen(DEF_SINGLE), &v2, &e), 0);
	v2->version = 2;
	assert_int_equal(wf_apply(v1, NULL, &act, &resolver, NULL, &r, &e), 0);
	assert_int_equal(r.inst->def_version, 1);
	act.kind = WF_ACT_APPROVE;
	act.actor = 2;
	assert_int_equal(wf_apply(v2, r.inst, &act, &resolver, NULL, &r2, &e), -1);
	assert_int_equal(e.kind, ERR_INTERNAL);
	err_clear(&e);
	assert_int_equal(wf_apply(v1, r.inst, &act, &resolver, NULL, &r2, &e), 0);
	assert_string_equal(wf_state_name(r2.inst->state), "approved");
	/* the input instance is untouched */
	assert_string_equal(wf_state_name(r.inst->state), "running");
	wf_result_free(&r2);
	wf_result_free(&r);
	wf_def_free(v1);
	wf_def_free(v2);
	json_decref(form);
}

/* Blobs are input: corrupt ones are refused, not trusted. */
static void test_bad_blobs(void **state)
{
	struct wf_def *def;
	struct err e = ERR_INIT;
	struct wf_action act = {.kind = WF_ACT_SUBMIT, .actor = 1, .at = 1772413200};
	struct wf_result r;
	json_t *form = json_object(), *doc;
	struct wf_instance *inst;
	char *s;

	(void)state;
	act.form = form;
	assert_int_equal(wf_def_parse(DEF_CS_FIRST, strlen(DEF_CS_FIRST), &def, &e), 0);
	assert_int_equal(wf_apply(def, NULL, &act, &resolver, NULL, &r, &e), 0);
	static const char *const breaks[][2] = {
	    {"format", "2"},    {"state", "\"done\""}, {"initiator", "0"}, {"step", "40"},
	    {"next_item", "1"}, {"form", "[]"},        {"items", "{}"},
	};
	for (size_t i = 0; i < sizeof breaks / sizeof breaks[0]; i++) {
		doc = wf_instance_to_json(r.inst);
		json_object_set_new(doc, breaks[i][0],
		                    json_loads(breaks[i][1], JSON_DECODE_ANY, NULL));
		s = json_dumps(doc, JSON_COMPACT);
		err_clear(&e);
		if (wf_instance_load(s, strlen(s), &inst, &e) != -1)
			fail_msg("accepted a blob with %s = %s", breaks[i][0], breaks[i][1]);
		assert_null(inst);
		assert_int_equal(e.kind, ERR_INTERNAL);
		free(s);
		json_decref(doc);
	}
	/* items out of order */
	doc = wf_instance_to_json(r.inst);
	json_object_set_new(json_array_get(json_object_get(doc, "items"), 0), "id",
	                    json_integer(3));
	s = json_dumps(doc, JSON_COMPACT);
	err_clear(&e);
	assert_int_equal(wf_instance_load(s, strlen(s), &inst, &e), -1);
	free(s);
	json_decref(doc);
	err_clear(&e);
	assert_int_equal(wf_instance_load("{", 1, &inst, &e), -1);
	wf_result_free(&r);
	wf_def_free(def);
	json_decref(form);
}

/* History lines carry the actor, opinion and sequence; the UI's buttons follow the state. */
static void test_history_and_allowed(void **state)
{
	struct wf_def *def;
	struct err e = ERR_INIT;
	json_t *form = json_pack("{s:i}", "days", 5);
	struct wf_action act = {.kind = WF_ACT_SUBMIT,
	                        .actor = 1,
	                        .at = 1772413200,
	                        .form = form,
	                        .initiator_dept = 10};
	struct wf_result r1, r2;
	int targets[WF_STEPS_MAX];
	unsigned m;

	(void)state;
	assert_int_equal(wf_def_parse(DEF_LEAVE, strlen(DEF_LEAVE), &def, &e), 0);
	struct workday_cal *cal = workday_cal_new();
	assert_int_equal(wf_apply(def, NULL, &act, &resolver, cal, &r1, &e), 0);
	assert_int_equal(r1.n_history, 1);
	assert_string_equal(wf_event_name(r1.history[0].event), "submit");
	m = wf_allowed_actions(def, r1.inst, 1, 0);
	assert_int_equal(m, 1u << WF_ACT_WITHDRAW | 1u << WF_ACT_REMIND | 1u << WF_ACT_CANCEL);
	m = wf_allowed_actions(def, r1.inst, 2, 0);
	assert_int_equal(m, 1u << WF_ACT_APPROVE | 1u << WF_ACT_REJECT | 1u << WF_ACT_RETURN |
	                        1u << WF_ACT_TRANSFER | 1u << WF_ACT_ADD_SIGNER);
	assert_int_equal(wf_allowed_actions(def, r1.inst, 21, 0), 0);
	assert_int_equal(wf_allowed_actions(def, r1.inst, 21, 1),
	                 1u << WF_ACT_REMIND | 1u << WF_ACT_CANCEL);

	act.kind = WF_ACT_APPROVE;
	act.actor = 2;
	act.opinion = "同意，请分管领导审批";
	act.at += 3600;
	assert_int_equal(wf_apply(def, r1.inst, &act, &resolver, cal, &r2, &e), 0);
	assert_int_equal(r2.n_history, 2);
	assert_int_equal(r2.history[0].seq, 2);
	assert_string_equal(wf_event_name(r2.history[0].event), "approve");
	assert_int_equal(r2.history[0].actor, 2);
	assert_int_equal(r2.history[0].step, 0);
	assert_string_equal(r2.history[0].opinion, "同意，请分管领导审批");
	assert_int_equal(r2.history[0].at, act.at);
	assert_string_equal(wf_event_name(r2.history[1].event), "step_done");
	assert_null(r2.history[1].opinion);
	assert_int_equal(wf_return_targets(r2.inst, targets, WF_STEPS_MAX), 1);
	assert_int_equal(targets[0], 0);
	assert_int_equal(wf_allowed_actions(def, r2.inst, 1, 0),
	                 1u << WF_ACT_REMIND | 1u << WF_ACT_CANCEL);
	wf_result_free(&r1);
	wf_result_free(&r2);
	workday_cal_free(cal);
	wf_def_free(def);
	json_decref(form);
}

static void test_action_from_json(void **state)
{
	struct wf_def *def;
	struct err e = ERR_INIT;
	struct wf_action act;
	json_t *body;

	(void)state;
	assert_int_equal(wf_def_parse(DEF_LEAVE, strlen(DEF_LEAVE), &def, &e), 0);
	body = json_loads(
	    "{\"action\":\"return\",\"to\":\"leader\",\"opinion\":\"退\",\"version\":3}", 0, NULL);
	assert_int_equal(wf_action_from_json(def, body, &act, &e), 0);
	assert_int_equal(act.kind, WF_ACT_RETURN);
	assert_int_equal(act.to_step, 1);
	assert_string_equal(act.opinion, "退");
	assert_int_equal(act.behalf, 0);
	json_decref(body);
	body = json_loads("{\"action\":\"approve\",\"on_behalf_of\":5}", 0, NULL);
	assert_int_equal(wf_action_from_json(def, body, &act, &e), 0);
	assert_int_equal(act.behalf, 5);
	json_decref(body);
	static const char *const bad[] = {
	    "{\"action\":\"tick\"}",
	    "{\"action\":\"approve\",\"extra\":1}",
	    "{\"action\":\"transfer\",\"target\":\"x\"}",
	    "{\"action\":\"add_signer\",\"position\":\"middle\",\"target\":3}",
	    "{\"action\":\"approve\",\"next_assignees\":[0]}",
	    "{\"opinion\":\"同意\"}",
	    "{\"action\":\"approve\",\"opinion\":5}",
	    "{\"action\":\"approve\",\"on_behalf_of\":0}",
	    "{\"action\":\"approve\",\"on_behalf_of\":\"3\"}",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		body = json_loads(bad[i], 0, NULL);
		err_clear(&e);
		if (wf_action_from_json(def, body, &act, &e) != -1)
			fail_msg("accepted %s", bad[i]);
		assert_int_equal(e.kind, ERR_VALIDATION);
		json_decref(body);
	}
	wf_def_free(def);
}

/* An over-long opinion is refused before anything happens. */
static void test_opinion_limit(void **state)
{
	struct wf_def *def;
	struct err e = ERR_INIT;
	json_t *form = json_object();
	struct wf_action act = {.kind = WF_ACT_SUBMIT, .actor = 1, .at = 1772413200, .form = form};
	struct wf_result r, r2;
	char *big = malloc(WF_OPINION_MAX + 2);

	(void)state;
	memset(big, 'x', WF_OPINION_MAX + 1);
	big[WF_OPINION_MAX + 1] = '\0';
	assert_int_equal(wf_def_parse(DEF_SINGLE, strlen(DEF_SINGLE), &def, &e), 0);
	assert_int_equal(wf_apply(def, NULL, &act, &resolver, NULL, &r, &e), 0);
	act.kind = WF_ACT_APPROVE;
	act.actor = 2;
	act.opinion = big;
	assert_int_equal(wf_apply(def, r.inst, &act, &resolver, NULL, &r2, &e), -1);
	assert_string_equal(e.field, "opinion");
	big[WF_OPINION_MAX] = '\0';
	err_clear(&e);
	assert_int_equal(wf_apply(def, r.inst, &act, &resolver, NULL, &r2, &e), 0);
	wf_result_free(&r2);
	wf_result_free(&r);
	wf_def_free(def);
	json_decref(form);
	free(big);
}

static struct wf_instance *apply_ok(const struct wf_def *def, const struct wf_instance *inst,
                                    const struct wf_action *act, const struct workday_cal *cal)
{
	struct err e = ERR_INIT;
	struct wf_result r;

	if (wf_apply(def, inst, act, &resolver, cal, &r, &e))
		fail_msg("%s by %lld: %s", wf_action_name(act->kind), (long long)act->actor, e.msg);
	struct wf_instance *out = wf_result_take_instance(&r);
	wf_result_free(&r);
	return out;
}

/* 代: an approval on a holder's authority completes the holder's item; the history names the
 * actor with the holder as target. Only approve may be done so, never for oneself, and only for
 * someone who holds pending work. */
static void test_behalf(void **state)
{
	struct wf_def *def;
	struct err e = ERR_INIT;
	json_t *form = json_pack("{s:i}", "days", 5);
	struct wf_action act = {.kind = WF_ACT_SUBMIT,
	                        .actor = 1,
	                        .at = 1772413200,
	                        .form = form,
	                        .initiator_dept = 10};
	struct wf_instance *i1;
	struct wf_result r;

	(void)state;
	assert_int_equal(wf_def_parse(DEF_SINGLE, strlen(DEF_SINGLE), &def, &e), 0);
	i1 = apply_ok(def, NULL, &act, NULL);
	act = (struct wf_action){.kind = WF_ACT_APPROVE, .actor = 3, .at = 1772416800};
	assert_int_equal(wf_apply(def, i1, &act, &resolver, NULL, &r, &e), -1); /* holds nothing */
	assert_int_equal(e.kind, ERR_FORBIDDEN);
	act.behalf = 3;
	err_clear(&e);
	assert_int_equal(wf_apply(def, i1, &act, &resolver, NULL, &r, &e), -1);
	assert_string_equal(e.field, "on_behalf_of");
	act.behalf = 2;
	act.kind = WF_ACT_RETURN;
	act.opinion = "退回";
	err_clear(&e);
	assert_int_equal(wf_apply(def, i1, &act, &resolver, NULL, &r, &e), -1);
	assert_string_equal(e.field, "on_behalf_of");
	act.behalf = 21; /* holds nothing either */
	act.kind = WF_ACT_APPROVE;
	err_clear(&e);
	assert_int_equal(wf_apply(def, i1, &act, &resolver, NULL, &r, &e), -1);
	assert_int_equal(e.kind, ERR_FORBIDDEN);
	act.behalf = 2;
	err_clear(&e);
	assert_int_equal(wf_apply(def, i1, &act, &resolver, NULL, &r, &e), 0);
	assert_int_equal(r.inst->state, WF_APPROVED);
	assert_string_equal(wf_event_name(r.history[0].event), "approve");
	assert_int_equal(r.history[0].actor, 3);
	assert_int_equal(r.history[0].target, 2);
	assert_int_equal(r.inst->items[0].user, 2);
	assert_int_equal(r.inst->items[0].outcome, WF_OUT_APPROVED);
	wf_result_free(&r);
	wf_instance_free(i1);
	wf_def_free(def);
	json_decref(form);
}

/* Choices made in advance for "chosen" steps are used when the step activates; an approver's own
 * choice replaces them; a preset may name the first step. */
static void test_presets(void **state)
{
	struct wf_def *def, *def1;
	struct err e = ERR_INIT;
	json_t *form = json_object();
	struct wf_choice pick = {.step = 1, .n = 1, .users = {6}};
	struct wf_action act = {.kind = WF_ACT_SUBMIT,
	                        .actor = 1,
	                        .at = 1772413200,
	                        .form = form,
	                        .initiator_dept = 10,
	                        .n_presets = 1,
	                        .presets = &pick};
	struct wf_instance *i1, *i2;
	char pending[256];
	struct wf_result r;

	(void)state;
	assert_int_equal(wf_def_parse(DEF_CHOSEN, strlen(DEF_CHOSEN), &def, &e), 0);
	i1 = apply_ok(def, NULL, &act, NULL);
	act = (struct wf_action){.kind = WF_ACT_APPROVE, .actor = 2, .at = 1772416800};
	i2 = apply_ok(def, i1, &act, NULL);
	pending_string(i2, pending, sizeof pending);
	assert_string_equal(pending, "6");
	wf_instance_free(i2);
	act.n_next = 1; /* the head picks someone else: that wins */
	act.next[0] = 5;
	i2 = apply_ok(def, i1, &act, NULL);
	pending_string(i2, pending, sizeof pending);
	assert_string_equal(pending, "5");
	wf_instance_free(i2);
	wf_instance_free(i1);
	/* presets only on a submit, and only for "chosen" steps */
	act = (struct wf_action){
	    .kind = WF_ACT_APPROVE, .actor = 2, .n_presets = 1, .presets = &pick};
	assert_int_equal(wf_apply(def, NULL, &act, &resolver, NULL, &r, &e), -1);
	pick.step = 0;
	act = (struct wf_action){
	    .kind = WF_ACT_SUBMIT, .actor = 1, .form = form, .n_presets = 1, .presets = &pick};
	err_clear(&e);
	assert_int_equal(wf_apply(def, NULL, &act, &resolver, NULL, &r, &e), -1);
	assert_int_equal(e.kind, ERR_INTERNAL);
	/* the first step of a countersign chosen in advance */
	assert_int_equal(wf_def_parse(DEF_CHOSEN_FIRST, strlen(DEF_CHOSEN_FIRST), &def1, &e), 0);
	pick = (struct wf_choice){.step = 0, .n = 2, .users = {3, 6}};
	i1 = apply_ok(def1, NULL, &act, NULL);
	pending_string(i1, pending, sizeof pending);
	assert_string_equal(pending, "3,6");
	wf_instance_free(i1);
	wf_def_free(def1);
	wf_def_free(def);
	json_decref(form);
}

/* Two approvers load the same state at once. Each apply succeeds on its own copy; the store's
 * version check lets one write win, and the loser's retry on the winner's state gives the right
 * answer: countersign counts both, or-sign refuses the second (its item was cancelled). */
static void test_race_retry(void **state)
{
	static const char *const defs[] = {DEF_CS_FIRST, DEF_OR};
	static const char *const after_retry[] = {"13", "5"};
	struct err e = ERR_INIT;

	(void)state;
	for (int d = 0; d < 2; d++) {
		struct wf_def *def;
		json_t *form = json_object();
		struct wf_action act = {
		    .kind = WF_ACT_SUBMIT, .actor = 1, .at = 1772413200, .form = form};
		struct wf_instance *base, *a, *b;
		struct wf_result r;
		char got[64];

		assert_int_equal(wf_def_parse(defs[d], strlen(defs[d]), &def, &e), 0);
		base = apply_ok(def, NULL, &act, NULL);
		act.kind = WF_ACT_APPROVE;
		act.at += 60;
		act.actor = 11;
		a = apply_ok(def, base, &act, NULL);
		act.actor = 12;
		b = apply_ok(def, base, &act, NULL); /* fine alone: the store refuses its write */
		err_clear(&e);
		if (d == 0) {
			struct wf_instance *retry = apply_ok(def, a, &act, NULL);

			pending_string(retry, got, sizeof got);
			wf_instance_free(retry);
		} else {
			assert_int_equal(wf_apply(def, a, &act, &resolver, NULL, &r, &e), -1);
			assert_int_equal(e.kind, ERR_FORBIDDEN);
			pending_string(a, got, sizeof got);
		}
		assert_string_equal(got, after_retry[d]);
		wf_instance_free(base);
		wf_instance_free(a);
		wf_instance_free(b);
		wf_def_free(def);
		json_decref(form);
	}
}

/* The scheduler's index: earliest unfired timer of the running instance, none once finished. */
static void test_next_timer(void **state)
{
	struct wf_def *def;
	struct err e = ERR_INIT;
	struct workday_cal *cal = workday_cal_new();
	json_t *form = json_object();
	struct wf_action act = {.kind = WF_ACT_SUBMIT, .actor = 1, .form = form};
	struct wf_instance *i1, *i2, *i3;
	char buf[TIME_ISO_MAX];

	(void)state;
	assert_int_equal(workday_cal_load_builtin(cal, &e), 0);
	assert_int_equal(time_parse_iso(START, &act.at), 0);
	assert_int_equal(wf_def_parse(DEF_TIMER, strlen(DEF_TIMER), &def, &e), 0);
	i1 = apply_ok(def, NULL, &act, cal);
	time_iso(wf_instance_next_timer(i1), buf);
	assert_string_equal(buf, "2026-03-03T16:00:00+08:00"); /* the reminder */
	act.kind = WF_ACT_TICK;
	act.actor = 0;
	assert_int_equal(time_parse_iso("2026-03-03T16:00:00+08:00", &act.at), 0);
	i2 = apply_ok(def, i1, &act, cal);
	time_iso(wf_instance_next_timer(i2), buf);
	assert_string_equal(buf, "2026-03-03T18:00:00+08:00"); /* then the due time */
	act.kind = WF_ACT_APPROVE;
	act.actor = 2;
	i3 = apply_ok(def, i2, &act, cal);
	assert_int_equal(wf_instance_next_timer(i3), 0); /* the 分管领导 step has no limit */
	wf_instance_free(i1);
	wf_instance_free(i2);
	wf_instance_free(i3);
	wf_def_free(def);
	workday_cal_free(cal);
	json_decref(form);
}

int main(void)
{
	size_t n = sizeof scenarios / sizeof scenarios[0];
	struct CMUnitTest *tests = calloc(n + 16, sizeof *tests);
	size_t k = 0;
	int rc;

	for (size_t i = 0; i < n; i++) {
		tests[k].name = scenarios[i].name;
		tests[k].test_func = run_scenario;
		tests[k].initial_state = (void *)&scenarios[i];
		k++;
	}
	tests[k++] = (struct CMUnitTest)cmocka_unit_test(test_percent_required);
	tests[k++] = (struct CMUnitTest)cmocka_unit_test(test_conditions);
	tests[k++] = (struct CMUnitTest)cmocka_unit_test(test_bad_definitions);
	tests[k++] = (struct CMUnitTest)cmocka_unit_test(test_too_many_steps);
	tests[k++] = (struct CMUnitTest)cmocka_unit_test(test_version_mismatch);
	tests[k++] = (struct CMUnitTest)cmocka_unit_test(test_bad_blobs);
	tests[k++] = (struct CMUnitTest)cmocka_unit_test(test_history_and_allowed);
	tests[k++] = (struct CMUnitTest)cmocka_unit_test(test_action_from_json);
	tests[k++] = (struct CMUnitTest)cmocka_unit_test(test_opinion_limit);
	tests[k++] = (struct CMUnitTest)cmocka_unit_test(test_race_retry);
	tests[k++] = (struct CMUnitTest)cmocka_unit_test(test_next_timer);
	tests[k++] = (struct CMUnitTest)cmocka_unit_test(test_behalf);
	tests[k++] = (struct CMUnitTest)cmocka_unit_test(test_presets);
	rc = _cmocka_run_group_tests("engine", tests, k, NULL, NULL);
	free(tests);
	return rc;
}
