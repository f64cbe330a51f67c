/*
 * instance.h - the state of one approval instance and its work items, and their JSON form.
 *
 * Everything the engine needs to continue an instance is in struct wf_instance, and it serialises
 * to one JSON document (the "blob"), so a process restart in the middle of a flow loses nothing:
 * timers (due, remind_at, escalate_at) and whether each has fired live on the work items.
 *
 * Work items are the pending, waiting and finished tasks of people. Item ids are per-instance
 * sequence numbers (1, 2, ...), never reused, so the store keys a row by (instance id, item id) and
 * mirrors every item the engine reports as changed; the blob stays the source of truth.
 *
 * Slots. Each assignee of a step activation owns a slot (the slot id is the id of its first item).
 * Transfer (转办) and add-signer (加签) create further items in the same slot; the slot's vote is
 * decided when it has no open item: rejected if any of its items was rejected, else approved.
 * An item added before oneself has `parent` = the item that waits (state waiting) for it.
 *
 * Invariants (checked by the tests after every action):
 *  - a user holds at most one open (pending or waiting) item per instance;
 *  - open items belong to the current activation (`activation` == instance activation);
 *  - state running <=> the current step's activation has open items; state returned <=> exactly
 *    one pending resubmit item, held by the initiator; terminal states have no open items.
 *
 * JSON (all instants Unix seconds, 0 = none; enum values as the names below):
 * {"format":1, "id":0, "def_key":"leave", "def_version":3, "state":"running",
 *  "initiator":7, "initiator_dept":3, "form":{...}, "step":1, "activation":2, "resume_step":-1,
 *  "visited":3, "acted":1, "submitted":..., "finished":0, "last_remind":0,
 *  "next_item":4, "next_seq":5, "choices":[{"step":2,"users":[9]}],
 *  "items":[{"id":1, "user":2, "step":0, "activation":1, "slot":1, "parent":0, "after":false,
 *            "kind":"approve", "state":"done", "outcome":"approved", "by":0, "created":...,
 *            "due":..., "remind_at":..., "escalate_at":..., "closed":..., "reminded":false,
 *            "overdue":false, "escalated":false}]}
 *
 * Ownership: wf_instance_new/clone/from_json allocate; free with wf_instance_free. The form is an
 * owned jansson reference. An instance is not shared between threads while being modified.
 */
#ifndef JW_WF_INSTANCE_H
#define JW_WF_INSTANCE_H

#include "core/err.h"
#include "workflow/definition.h"

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#define WF_FORMAT            1
#define WF_ITEMS_MAX         1024      /* work items per instance, over its whole life */
#define WF_CHOSEN_MAX        16        /* users chosen for one step */
#define WF_FORM_JSON_MAX     65536     /* bytes of a form */
#define WF_INSTANCE_JSON_MAX (1 << 20) /* bytes of a serialised instance */
#define WF_STEP_INITIATOR    (-1)      /* step of the initiator's resubmit item */

enum wf_state {
	WF_RUNNING,   /* a step is active */
	WF_RETURNED,  /* returned to the initiator, who may resubmit or cancel */
	WF_WITHDRAWN, /* withdrawn by the initiator, who may resubmit or cancel */
	WF_APPROVED,  /* terminal */
	WF_REJECTED,  /* terminal */
	WF_CANCELLED, /* terminal */
};

enum wf_item_kind {
	WF_ITEM_APPROVE,      /* single, or-sign and percentage steps */
	WF_ITEM_COUNTERSIGN,  /* countersign steps */
	WF_ITEM_ADDED_SIGNER, /* 加签 */
	WF_ITEM_RESUBMIT,     /* the initiator, after a return */
};

enum wf_item_state { WF_ITEM_PENDING, WF_ITEM_WAITING, WF_ITEM_DONE, WF_ITEM_CANCELLED };

enum wf_outcome {
	WF_OUT_NONE,
	WF_OUT_APPROVED,
	WF_OUT_REJECTED,
	WF_OUT_RETURNED,
	WF_OUT_TRANSFERRED,
	WF_OUT_RESUBMITTED,
	WF_OUT_ESCALATED, /* taken over by the supervisor (escalate mode "reassign") */
};

struct wf_item {
	int64_t id;
	int64_t user;
	int step;       /* step index, or WF_STEP_INITIATOR */
	int activation; /* the instance activation it belongs to */
	int64_t slot;
	int64_t parent; /* item waiting for this one (added before), else 0 */
	int after;      /* added after its slot's holder: its vote decides the slot */
	enum wf_item_kind kind;
	enum wf_item_state state;
	enum wf_outcome outcome;
	int64_t by; /* who created it by transfer or add-signer (0: the engine) */
	int64_t created, due, remind_at, escalate_at, closed;
	int reminded, overdue, escalated; /* timers fired */
};

struct wf_choice {
	int step;
	int n;
	int64_t users[WF_CHOSEN_MAX];
};

struct wf_instance {
	int64_t id; /* the store's id; the engine only carries it */
	char def_key[WF_ID_LEN + 1];
	int def_version;
	enum wf_state state;
	int64_t initiator;
	int64_t initiator_dept;
	json_t *form;
	int step;       /* current step while running, else the last active one (-1 before any) */
	int activation; /* incremented on every step activation and every return to the initiator */
	int resume_step;  /* continue mode: the step that returned, to resume at; -1 none */
	uint32_t visited; /* steps activated since the last (re)start: valid return targets */
	int acted;        /* approver actions since the last (re)submit; withdraw needs 0 */
	int64_t submitted, finished, last_remind;
	int64_t next_item, next_seq; /* next item id, next history sequence number */
	int n_choices;
	struct wf_choice choices[WF_STEPS_MAX];
	int n_items, cap_items;
	struct wf_item *items;
};

struct wf_instance *wf_instance_new(void);
struct wf_instance *wf_instance_clone(const struct wf_instance *inst);
void wf_instance_free(struct wf_instance *inst);

/* Appends a zeroed item with the next id; NULL when out of memory or past WF_ITEMS_MAX (e set).
 * The pointer is valid until the next append. */
struct wf_item *wf_instance_add_item(struct wf_instance *inst, struct err *e);
struct wf_item *wf_instance_item(const struct wf_instance *inst, int64_t id);
/* The user's pending item, or NULL. */
struct wf_item *wf_instance_pending_of(const struct wf_instance *inst, int64_t user);
/* Users holding pending items, ascending, at most max; returns the number written. */
int wf_instance_pending_users(const struct wf_instance *inst, int64_t *out, int max);
/* Earliest timer of a pending item that has not fired yet, or 0. */
int64_t wf_item_next_timer(const struct wf_item *it);
/* The earliest of those over the instance, or 0 (none, or not running): the store keeps it in an
 * indexed column so the scheduler finds the instances to tick without reading blobs. */
int64_t wf_instance_next_timer(const struct wf_instance *inst);
int wf_state_terminal(enum wf_state s);

/* Serialisation. to_json returns a new reference / malloc'd string (caller frees), NULL when out
 * of memory. from_json validates everything it reads and refuses a bad blob with ERR_INTERNAL
 * (the detail is logged): blobs come from the store, so a bad one is a defect, not user error. */
json_t *wf_instance_to_json(const struct wf_instance *inst);
char *wf_instance_dump(const struct wf_instance *inst);
json_t *wf_item_to_json(const struct wf_item *it);
int wf_instance_from_json(const json_t *doc, struct wf_instance **out, struct err *e);
int wf_instance_load(const char *json, size_t len, struct wf_instance **out, struct err *e);

const char *wf_state_name(enum wf_state s);
const char *wf_item_kind_name(enum wf_item_kind k);
const char *wf_item_state_name(enum wf_item_state s);
const char *wf_outcome_name(enum wf_outcome o);

#endif
