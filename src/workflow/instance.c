#include "workflow/instance.h"

#include <stdlib.h>
#include <string.h>

#define N_OF(a) ((int)(sizeof(a) / sizeof((a)[0])))

static const char *const state_names[] = {
    [WF_RUNNING] = "running",   [WF_RETURNED] = "returned", [WF_WITHDRAWN] = "withdrawn",
    [WF_APPROVED] = "approved", [WF_REJECTED] = "rejected", [WF_CANCELLED] = "cancelled",
};
static const char *const item_kind_names[] = {
    [WF_ITEM_APPROVE] = "approve",
    [WF_ITEM_COUNTERSIGN] = "countersign",
    [WF_ITEM_ADDED_SIGNER] = "added_signer",
    [WF_ITEM_RESUBMIT] = "resubmit",
};
static const char *const item_state_names[] = {
    [WF_ITEM_PENDING] = "pending",
    [WF_ITEM_WAITING] = "waiting",
    [WF_ITEM_DONE] = "done",
    [WF_ITEM_CANCELLED] = "cancelled",
};
static const char *const outcome_names[] = {
    [WF_OUT_NONE] = "none",
    [WF_OUT_APPROVED] = "approved",
    [WF_OUT_REJECTED] = "rejected",
    [WF_OUT_RETURNED] = "returned",
    [WF_OUT_TRANSFERRED] = "transferred",
    [WF_OUT_RESUBMITTED] = "resubmitted",
    [WF_OUT_ESCALATED] = "escalated",
};

static const char *name_of(const char *const *names, int n, int v)
{
	return v >= 0 && v < n ? names[v] : "?";
}

static int index_of(const char *const *names, int n, const char *s)
{
	for (int i = 0; s != NULL && i < n; i++)
		if (strcmp(names[i], s) == 0)
			return i;
	return -1;
}

const char *wf_state_name(enum wf_state s)
{
	return name_of(state_names, N_OF(state_names), (int)s);
}

const char *wf_item_kind_name(enum wf_item_kind k)
{
	return name_of(item_kind_names, N_OF(item_kind_names), (int)k);
}

const char *wf_item_state_name(enum wf_item_state s)
{
	return name_of(item_state_names, N_OF(item_state_names), (int)s);
}

const char *wf_outcome_name(enum wf_outcome o)
{
	return name_of(outcome_names, N_OF(outcome_names), (int)o);
}

int wf_state_terminal(enum wf_state s)
{
	return s == WF_APPROVED || s == WF_REJECTED || s == WF_CANCELLED;
}

struct wf_instance *wf_instance_new(void)
{
	struct wf_instance *inst = calloc(1, sizeof *inst);

	if (inst == NULL)
		return NULL;
	inst->step = -1;
	inst->resume_step = -1;
	inst->next_item = 1;
	inst->next_seq = 1;
	return inst;
}

void wf_instance_free(struct wf_instance *inst)
{
	if (inst == NULL)
		return;
	json_decref(inst->form);
	free(inst->items);
	free(inst);
}

struct wf_instance *wf_instance_clone(const struct wf_instance *inst)
{
	struct wf_instance *c = malloc(sizeof *c);

	if (c == NULL)
		return NULL;
	*c = *inst;
	c->items = NULL;
	c->form = NULL;
	if (inst->n_items > 0) {
		c->items = malloc((size_t)inst->n_items * sizeof *c->items);
		if (c->items == NULL) {
			free(c);
			return NULL;
		}
		memcpy(c->items, inst->items, (size_t)inst->n_items * sizeof *c->items);
	}
	c->cap_items = inst->n_items;
	if (inst->form != NULL && (c->form = json_deep_copy(inst->form)) == NULL) {
		wf_instance_free(c);
		return NULL;
	}
	return c;
}

struct wf_item *wf_instance_add_item(struct wf_instance *inst, struct err *e)
{
	struct wf_item *it;

	if (inst->n_items >= WF_ITEMS_MAX) {
		err_set(e, ERR_CONFLICT, "该流程的办理记录已达上限（%d条），请取消后重新发起",
		        WF_ITEMS_MAX);
		return NULL;
	}
	if (inst->n_items == inst->cap_items) {
		int cap = inst->cap_items ? inst->cap_items * 2 : 8;
		struct wf_item *p = realloc(inst->items, (size_t)cap * sizeof *p);

		if (p == NULL) {
			err_internal(e, "wf_instance: out of memory");
			return NULL;
		}
		inst->items = p;
		inst->cap_items = cap;
	}
	it = &inst->items[inst->n_items++];
	memset(it, 0, sizeof *it);
	it->id = inst->next_item++;
	return it;
}

struct wf_item *wf_instance_item(const struct wf_instance *inst, int64_t id)
{
	/* Items are appended in id order: binary search. */
	int lo = 0, hi = inst->n_items - 1;

	while (lo <= hi) {
		int mid = (lo + hi) / 2;

		if (inst->items[mid].id == id)
			return &inst->items[mid];
		if (inst->items[mid].id < id)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return NULL;
}

struct wf_item *wf_instance_pending_of(const struct wf_instance *inst, int64_t user)
{
	for (int i = 0; i < inst->n_items; i++)
		if (inst->items[i].user == user && inst->items[i].state == WF_ITEM_PENDING)
			return &inst->items[i];
	return NULL;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

int wf_instance_pending_users(const struct wf_instance *inst, int64_t *out, int max)
{
	int n = 0;

	for (int i = 0; i < inst->n_items && n < max; i++)
		if (inst->items[i].state == WF_ITEM_PENDING)
			out[n++] = inst->items[i].user;
	qsort(out, (size_t)n, sizeof *out, cmp_i64);
	return n;
}

int64_t wf_item_next_timer(const struct wf_item *it)
{
	int64_t t = 0;

	if (it->state != WF_ITEM_PENDING)
		return 0;
	if (it->remind_at && !it->reminded)
		t = it->remind_at;
	if (it->due && !it->overdue && (t == 0 || it->due < t))
		t = it->due;
	if (it->escalate_at && !it->escalated && (t == 0 || it->escalate_at < t))
		t = it->escalate_at;
	return t;
}

int64_t wf_instance_next_timer(const struct wf_instance *inst)
{
	int64_t t = 0;

	if (inst->state != WF_RUNNING)
		return 0;
	for (int i = 0; i < inst->n_items; i++) {
		int64_t x = wf_item_next_timer(&inst->items[i]);

		if (x != 0 && (t == 0 || x < t))
			t = x;
	}
	return t;
}

/* --- to JSON --- */

json_t *wf_item_to_json(const struct wf_item *it)
{
	return json_pack("{s:I, s:I, s:i, s:i, s:I, s:I, s:b, s:s, s:s, s:s, s:I, s:I, s:I, s:I, "
	                 "s:I, s:I, s:b, s:b, s:b}",
	                 "id", (json_int_t)it->id, "user", (json_int_t)it->user, "step", it->step,
	                 "activation", it->activation, "slot", (json_int_t)it->slot, "parent",
	                 (json_int_t)it->parent, "after", it->after, "kind",
	                 wf_item_kind_name(it->kind), "state", wf_item_state_name(it->state),
	                 "outcome", wf_outcome_name(it->outcome), "by", (json_int_t)it->by,
	                 "created", (json_int_t)it->created, "due", (json_int_t)it->due,
	                 "remind_at", (json_int_t)it->remind_at, "escalate_at",
	                 (json_int_t)it->escalate_at, "closed", (json_int_t)it->closed, "reminded",
	                 it->reminded, "overdue", it->overdue, "escalated", it->escalated);
}

static json_t *users_json(const int64_t *users, int n)
{
	json_t *a = json_array();

	for (int i = 0; a != NULL && i < n; i++) {
		if (json_array_append_new(a, json_integer((json_int_t)users[i]))) {
			json_decref(a);
			return NULL;
		}
	}
	return a;
}

static json_t *choices_json(const struct wf_instance *inst)
{
	json_t *a = json_array();

	for (int i = 0; a != NULL && i < inst->n_choices; i++) {
		const struct wf_choice *c = &inst->choices[i];

		if (json_array_append_new(a, json_pack("{s:i, s:o*}", "step", c->step, "users",
		                                       users_json(c->users, c->n)))) {
			json_decref(a);
			return NULL;
		}
	}
	return a;
}

static json_t *items_json(const struct wf_instance *inst)
{
	json_t *a = json_array();

	for (int i = 0; a != NULL && i < inst->n_items; i++) {
		if (json_array_append_new(a, wf_item_to_json(&inst->items[i]))) {
			json_decref(a);
			return NULL;
		}
	}
	return a;
}

json_t *wf_instance_to_json(const struct wf_instance *inst)
{
	json_t *form = inst->form ? json_deep_copy(inst->form) : json_object();

	return json_pack("{s:i, s:I, s:s, s:i, s:s, s:I, s:I, s:o*, s:i, s:i, s:i, s:I, s:i, s:I, "
	                 "s:I, s:I, s:I, s:I, s:o*, s:o*}",
	                 "format", WF_FORMAT, "id", (json_int_t)inst->id, "def_key", inst->def_key,
	                 "def_version", inst->def_version, "state", wf_state_name(inst->state),
	                 "initiator", (json_int_t)inst->initiator, "initiator_dept",
	                 (json_int_t)inst->initiator_dept, "form", form, "step", inst->step,
	                 "activation", inst->activation, "resume_step", inst->resume_step,
	                 "visited", (json_int_t)inst->visited, "acted", inst->acted, "submitted",
	                 (json_int_t)inst->submitted, "finished", (json_int_t)inst->finished,
	                 "last_remind", (json_int_t)inst->last_remind, "next_item",
	                 (json_int_t)inst->next_item, "next_seq", (json_int_t)inst->next_seq,
	                 "choices", choices_json(inst), "items", items_json(inst));
}

char *wf_instance_dump(const struct wf_instance *inst)
{
	json_t *doc = wf_instance_to_json(inst);
	char *s;

	if (doc == NULL)
		return NULL;
	s = json_dumps(doc, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(doc);
	return s;
}

/* --- from JSON --- */

static int get_i64(const json_t *obj, const char *key, int64_t lo, int64_t hi, int64_t *out,
                   struct err *e)
{
	const json_t *v = json_object_get(obj, key);

	if (!json_is_integer(v) || json_integer_value(v) < lo || json_integer_value(v) > hi)
		return err_field(e, ERR_VALIDATION, key, "流程实例数据的%s字段无效", key);
	*out = json_integer_value(v);
	return 0;
}

static int get_int(const json_t *obj, const char *key, int lo, int hi, int *out, struct err *e)
{
	int64_t v;

	if (get_i64(obj, key, lo, hi, &v, e))
		return -1;
	*out = (int)v;
	return 0;
}

static int get_bool(const json_t *obj, const char *key, int *out, struct err *e)
{
	const json_t *v = json_object_get(obj, key);

	if (!json_is_boolean(v))
		return err_field(e, ERR_VALIDATION, key, "流程实例数据的%s字段无效", key);
	*out = json_is_true(v);
	return 0;
}

static int get_enum(const json_t *obj, const char *key, const char *const *names, int n, int *out,
                    struct err *e)
{
	int v = index_of(names, n, json_string_value(json_object_get(obj, key)));

	if (v < 0)
		return err_field(e, ERR_VALIDATION, key, "流程实例数据的%s字段无效", key);
	*out = v;
	return 0;
}

#define T_MAX  ((int64_t)1 << 40) /* instants: far beyond any real date, and no overflow in sums */
#define ID_MAX ((int64_t)1 << 53)

static int item_from_json(const json_t *j, struct wf_item *it, struct err *e)
{
	int kind, state, outcome;

	if (!json_is_object(j))
		return err_set(e, ERR_VALIDATION, "流程实例数据的办理事项无效");
	if (get_i64(j, "id", 1, ID_MAX, &it->id, e) ||
	    get_i64(j, "user", 1, ID_MAX, &it->user, e) ||
	    get_int(j, "step", WF_STEP_INITIATOR, WF_STEPS_MAX - 1, &it->step, e) ||
	    get_int(j, "activation", 0, 1 << 30, &it->activation, e) ||
	    get_i64(j, "slot", 0, ID_MAX, &it->slot, e) ||
	    get_i64(j, "parent", 0, ID_MAX, &it->parent, e) ||
	    get_bool(j, "after", &it->after, e) ||
	    get_enum(j, "kind", item_kind_names, N_OF(item_kind_names), &kind, e) ||
	    get_enum(j, "state", item_state_names, N_OF(item_state_names), &state, e) ||
	    get_enum(j, "outcome", outcome_names, N_OF(outcome_names), &outcome, e) ||
	    get_i64(j, "by", 0, ID_MAX, &it->by, e) ||
	    get_i64(j, "created", 0, T_MAX, &it->created, e) ||
	    get_i64(j, "due", 0, T_MAX, &it->due, e) ||
	    get_i64(j, "remind_at", 0, T_MAX, &it->remind_at, e) ||
	    get_i64(j, "escalate_at", 0, T_MAX, &it->escalate_at, e) ||
	    get_i64(j, "closed", 0, T_MAX, &it->closed, e) ||
	    get_bool(j, "reminded", &it->reminded, e) || get_bool(j, "overdue", &it->overdue, e) ||
	    get_bool(j, "escalated", &it->escalated, e))
		return -1;
	it->kind = (enum wf_item_kind)kind;
	it->state = (enum wf_item_state)state;
	it->outcome = (enum wf_outcome)outcome;
	return 0;
}

static int choices_from_json(const json_t *arr, struct wf_instance *inst, struct err *e)
{
	const json_t *c, *u;
	size_t i, k;

	if (!json_is_array(arr) || json_array_size(arr) > WF_STEPS_MAX)
		return err_field(e, ERR_VALIDATION, "choices", "流程实例数据的choices字段无效");
	json_array_foreach(arr, i, c)
	{
		struct wf_choice *ch = &inst->choices[i];
		const json_t *users = json_object_get(c, "users");

		if (get_int(c, "step", 0, WF_STEPS_MAX - 1, &ch->step, e))
			return -1;
		if (!json_is_array(users) || json_array_size(users) == 0 ||
		    json_array_size(users) > WF_CHOSEN_MAX)
			return err_field(e, ERR_VALIDATION, "choices",
			                 "流程实例数据的choices字段无效");
		json_array_foreach(users, k, u)
		{
			if (!json_is_integer(u) || json_integer_value(u) <= 0)
				return err_field(e, ERR_VALIDATION, "choices",
				                 "流程实例数据的choices字段无效");
			ch->users[ch->n++] = json_integer_value(u);
		}
		inst->n_choices++;
	}
	return 0;
}

static int items_from_json(const json_t *arr, struct wf_instance *inst, struct err *e)
{
	const json_t *j;
	size_t i;

	if (!json_is_array(arr) || json_array_size(arr) > WF_ITEMS_MAX)
		return err_field(e, ERR_VALIDATION, "items", "流程实例数据的items字段无效");
	json_array_foreach(arr, i, j)
	{
		int64_t next = inst->next_item;
		struct wf_item *it = wf_instance_add_item(inst, e);

		if (it == NULL || item_from_json(j, it, e))
			return -1;
		/* ids ascend strictly (lookups binary-search them) and stay below next_item */
		if (it->id < next || (i > 0 && it->id <= inst->items[i - 1].id))
			return err_field(e, ERR_VALIDATION, "items", "流程实例数据的事项编号无效");
		inst->next_item = it->id + 1;
	}
	return 0;
}

static int header_from_json(const json_t *doc, struct wf_instance *inst, struct err *e)
{
	int64_t visited, next_item;
	const char *key = json_string_value(json_object_get(doc, "def_key"));
	int state, fmt;

	if (get_int(doc, "format", WF_FORMAT, WF_FORMAT, &fmt, e) ||
	    get_i64(doc, "id", 0, ID_MAX, &inst->id, e))
		return -1;
	if (key == NULL || strlen(key) == 0 || strlen(key) > WF_ID_LEN)
		return err_field(e, ERR_VALIDATION, "def_key", "流程实例数据的def_key字段无效");
	strcpy(inst->def_key, key);
	if (get_int(doc, "def_version", 0, 1000000, &inst->def_version, e) ||
	    get_enum(doc, "state", state_names, N_OF(state_names), &state, e) ||
	    get_i64(doc, "initiator", 1, ID_MAX, &inst->initiator, e) ||
	    get_i64(doc, "initiator_dept", 0, ID_MAX, &inst->initiator_dept, e) ||
	    get_int(doc, "step", -1, WF_STEPS_MAX - 1, &inst->step, e) ||
	    get_int(doc, "activation", 0, 1 << 30, &inst->activation, e) ||
	    get_int(doc, "resume_step", -1, WF_STEPS_MAX - 1, &inst->resume_step, e) ||
	    get_i64(doc, "visited", 0, UINT32_MAX, &visited, e) ||
	    get_int(doc, "acted", 0, 1 << 30, &inst->acted, e) ||
	    get_i64(doc, "submitted", 0, T_MAX, &inst->submitted, e) ||
	    get_i64(doc, "finished", 0, T_MAX, &inst->finished, e) ||
	    get_i64(doc, "last_remind", 0, T_MAX, &inst->last_remind, e) ||
	    get_i64(doc, "next_item", 1, ID_MAX, &next_item, e) ||
	    get_i64(doc, "next_seq", 1, ID_MAX, &inst->next_seq, e))
		return -1;
	inst->state = (enum wf_state)state;
	inst->visited = (uint32_t)visited;
	inst->next_item = next_item;
	return 0;
}

static int instance_from_json(const json_t *doc, struct wf_instance **out, struct err *e)
{
	struct wf_instance *inst = wf_instance_new();
	const json_t *form = json_object_get(doc, "form");
	int64_t next_item;
	int rc = -1;

	*out = NULL;
	if (inst == NULL)
		return err_internal(e, "wf_instance: out of memory");
	if (!json_is_object(doc)) {
		err_set(e, ERR_VALIDATION, "流程实例数据必须是JSON对象");
		goto out;
	}
	if (header_from_json(doc, inst, e))
		goto out;
	if (!json_is_object(form)) {
		err_field(e, ERR_VALIDATION, "form", "流程实例数据的form字段无效");
		goto out;
	}
	inst->form = json_deep_copy(form);
	next_item = inst->next_item;
	inst->next_item = 1;
	if (inst->form == NULL || choices_from_json(json_object_get(doc, "choices"), inst, e) ||
	    items_from_json(json_object_get(doc, "items"), inst, e))
		goto out;
	if (next_item < inst->next_item) {
		err_field(e, ERR_VALIDATION, "next_item", "流程实例数据的next_item字段无效");
		goto out;
	}
	inst->next_item = next_item;
	*out = inst;
	inst = NULL;
	rc = 0;
out:
	wf_instance_free(inst);
	return rc;
}

/* A blob comes from the store, not from a user: a bad one is an internal error, logged in detail.
 */
int wf_instance_from_json(const json_t *doc, struct wf_instance **out, struct err *e)
{
	struct err why = ERR_INIT;

	if (instance_from_json(doc, out, &why) == 0)
		return 0;
	return err_internal(e, "wf_instance: bad blob: %s (%s)", why.msg, why.field);
}

int wf_instance_load(const char *json, size_t len, struct wf_instance **out, struct err *e)
{
	json_error_t jerr;
	json_t *doc;
	int rc;

	*out = NULL;
	if (len > WF_INSTANCE_JSON_MAX)
		return err_internal(e, "wf_instance: blob of %zu bytes", len);
	doc = json_loadb(json, len, JSON_REJECT_DUPLICATES, &jerr);
	if (doc == NULL)
		return err_internal(e, "wf_instance: bad blob: %s", jerr.text);
	rc = wf_instance_from_json(doc, out, e);
	json_decref(doc);
	return rc;
}
