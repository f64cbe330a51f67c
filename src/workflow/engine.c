#include "workflow/engine.h"
#include "core/timeutil.h"

#include <stdlib.h>
#include <string.h>

#define N_OF(a) ((int)(sizeof(a) / sizeof((a)[0])))

static const char *const action_names[] = {
    [WF_ACT_SUBMIT] = "submit",
    [WF_ACT_APPROVE] = "approve",
    [WF_ACT_REJECT] = "reject",
    [WF_ACT_RETURN] = "return",
    [WF_ACT_RESUBMIT] = "resubmit",
    [WF_ACT_TRANSFER] = "transfer",
    [WF_ACT_ADD_SIGNER] = "add_signer",
    [WF_ACT_WITHDRAW] = "withdraw",
    [WF_ACT_REMIND] = "remind",
    [WF_ACT_CANCEL] = "cancel",
    [WF_ACT_TICK] = "tick",
};
static const char *const event_names[] = {
    [WF_EV_SUBMIT] = "submit",           [WF_EV_APPROVE] = "approve",
    [WF_EV_REJECT] = "reject",           [WF_EV_RETURN] = "return",
    [WF_EV_RESUBMIT] = "resubmit",       [WF_EV_TRANSFER] = "transfer",
    [WF_EV_ADD_SIGNER] = "add_signer",   [WF_EV_WITHDRAW] = "withdraw",
    [WF_EV_REMIND] = "remind",           [WF_EV_CANCEL] = "cancel",
    [WF_EV_AUTO_REMIND] = "auto_remind", [WF_EV_OVERDUE] = "overdue",
    [WF_EV_ESCALATE] = "escalate",       [WF_EV_STEP_DONE] = "step_done",
    [WF_EV_FINISH] = "finish",
};
static const char *const notice_names[] = {
    [WF_NOTICE_ASSIGNED] = "assigned",   [WF_NOTICE_REMINDED] = "reminded",
    [WF_NOTICE_RETURNED] = "returned",   [WF_NOTICE_OVERDUE] = "overdue",
    [WF_NOTICE_ESCALATED] = "escalated", [WF_NOTICE_FINISHED] = "finished",
};

const char *wf_action_name(enum wf_action_kind k)
{
	return (int)k >= 0 && (int)k < N_OF(action_names) ? action_names[k] : "?";
}

const char *wf_event_name(enum wf_event ev)
{
	return (int)ev >= 0 && (int)ev < N_OF(event_names) ? event_names[ev] : "?";
}

const char *wf_notice_kind_name(enum wf_notice_kind k)
{
	return (int)k >= 0 && (int)k < N_OF(notice_names) ? notice_names[k] : "?";
}

int wf_action_kind_parse(const char *s)
{
	for (int i = 0; s != NULL && i < WF_ACT_TICK; i++)
		if (strcmp(action_names[i], s) == 0)
			return i;
	return -1;
}

/* Everything one wf_apply call works with. inst is the engine's private copy. */
struct ctx {
	const struct wf_def *def;
	struct wf_instance *inst;
	const struct wf_action *act;
	const struct wf_resolver *res;
	const struct workday_cal *cal;
	struct wf_result *out;
	struct err *e;
};

/* --- result building --- */

static int grow(void **p, int *cap, int n, size_t size, struct err *e)
{
	void *q;
	int c;

	if (n < *cap)
		return 0;
	c = *cap ? *cap * 2 : 8;
	q = realloc(*p, (size_t)c * size);
	if (q == NULL)
		return err_internal(e, "wf_engine: out of memory");
	*p = q;
	*cap = c;
	return 0;
}

static int mark_changed(struct ctx *c, int64_t id)
{
	struct wf_result *r = c->out;
	int i;

	for (i = r->n_changed; i > 0 && r->changed[i - 1] >= id; i--)
		if (r->changed[i - 1] == id)
			return 0;
	if (grow((void **)&r->changed, &r->cap_changed, r->n_changed, sizeof *r->changed, c->e))
		return -1;
	memmove(&r->changed[i + 1], &r->changed[i], (size_t)(r->n_changed - i) * sizeof(int64_t));
	r->changed[i] = id;
	r->n_changed++;
	return 0;
}

struct hist_args {
	enum wf_event event;
	int step;
	int64_t item;
	int64_t target;
	int to_step;
	int with_opinion;
};

static int add_history(struct ctx *c, const struct hist_args *a, int64_t actor)
{
	struct wf_result *r = c->out;
	struct wf_history *h;

	if (grow((void **)&r->history, &r->cap_history, r->n_history, sizeof *r->history, c->e))
		return -1;
	h = &r->history[r->n_history];
	memset(h, 0, sizeof *h);
	h->seq = c->inst->next_seq;
	h->at = c->act->at;
	h->actor = actor;
	h->event = a->event;
	h->step = a->step;
	h->item = a->item;
	h->target = a->target;
	h->to_step = a->to_step;
	h->before = a->event == WF_EV_ADD_SIGNER ? c->act->before : 0;
	h->state = c->inst->state;
	if (a->with_opinion && c->act->opinion != NULL && c->act->opinion[0] != '\0') {
		h->opinion = strdup(c->act->opinion);
		if (h->opinion == NULL)
			return err_internal(c->e, "wf_engine: out of memory");
	}
	r->n_history++;
	c->inst->next_seq++;
	return 0;
}

/* A history line of the acting user about their own item, with their opinion. */
static int history_act(struct ctx *c, enum wf_event ev, const struct wf_item *it, int64_t target)
{
	struct hist_args a = {ev, it ? it->step : c->inst->step, it ? it->id : 0, target, -1, 1};

	if (ev == WF_EV_RETURN)
		a.to_step = c->act->to_step;
	return add_history(c, &a, c->act->actor);
}

static int history_sys(struct ctx *c, enum wf_event ev, int step, int64_t item, int64_t target)
{
	struct hist_args a = {ev, step, item, target, -1, 0};

	return add_history(c, &a, 0);
}

static int notify(struct ctx *c, int64_t user, enum wf_notice_kind kind, const struct wf_item *it)
{
	struct wf_result *r = c->out;
	struct wf_notice *n;

	if (grow((void **)&r->notices, &r->cap_notices, r->n_notices, sizeof *r->notices, c->e))
		return -1;
	n = &r->notices[r->n_notices++];
	n->user = user;
	n->kind = kind;
	n->step = it ? it->step : c->inst->step;
	n->item = it ? it->id : 0;
	n->actor = c->act->actor;
	n->state = c->inst->state;
	return 0;
}

/* --- assignees --- */

static int append_unique(int64_t *users, int n, int64_t u)
{
	if (u <= 0)
		return n;
	for (int i = 0; i < n; i++)
		if (users[i] == u)
			return n;
	users[n] = u;
	return n + 1;
}

/* Users for a rule (kind may not be WF_RULE_CHOSEN), deduplicated; count or -1. */
static int resolve_rule(struct ctx *c, const struct wf_rule *rule, int64_t *out)
{
	int64_t raw[WF_ASSIGNEES_MAX];
	int n = 0, got;

	if (rule->kind == WF_RULE_USERS) {
		for (int i = 0; i < rule->n_users && n < WF_ASSIGNEES_MAX; i++)
			n = append_unique(out, n, rule->users[i]);
		return n;
	}
	if (c->res == NULL || c->res->resolve == NULL)
		return err_internal(c->e, "wf_engine: no resolver for rule %s",
		                    wf_rule_kind_name(rule->kind));
	got = c->res->resolve(c->res->ctx, rule, c->inst, raw, WF_ASSIGNEES_MAX, c->e);
	if (got < 0)
		return -1;
	for (int i = 0; i < got && i < WF_ASSIGNEES_MAX; i++)
		n = append_unique(out, n, raw[i]);
	return n;
}

/* The set a "chosen" rule allows. */
static int resolve_allowed(struct ctx *c, const struct wf_rule *chosen, int64_t *out)
{
	struct wf_rule from = *chosen;

	from.kind = chosen->from;
	return resolve_rule(c, &from, out);
}

static struct wf_choice *choice_for(struct wf_instance *inst, int step)
{
	for (int i = 0; i < inst->n_choices; i++)
		if (inst->choices[i].step == step)
			return &inst->choices[i];
	return NULL;
}

static int step_users(struct ctx *c, int s, int64_t *out)
{
	const struct wf_step *st = &c->def->steps[s];
	const struct wf_choice *ch;
	int n;

	if (st->assignee.kind == WF_RULE_CHOSEN) {
		ch = choice_for(c->inst, s);
		if (ch == NULL)
			return err_field(c->e, ERR_VALIDATION, "next_assignees",
			                 "请为“%s”选择审批人", st->name);
		memcpy(out, ch->users, (size_t)ch->n * sizeof *out);
		return ch->n;
	}
	n = resolve_rule(c, &st->assignee, out);
	if (n == 0)
		return err_set(c->e, ERR_VALIDATION, "“%s”找不到审批人，请联系办公室检查流程配置",
		               st->name);
	return n;
}

/* Records the assignees the actor chose for step s, checked against the allowed set. */
static int apply_choice(struct ctx *c, int s)
{
	const struct wf_action *a = c->act;
	const struct wf_step *st;
	int64_t allowed[WF_ASSIGNEES_MAX];
	struct wf_choice *ch;
	int n_allowed;

	if (a->n_next == 0)
		return 0;
	if (s < 0 || c->def->steps[s].assignee.kind != WF_RULE_CHOSEN)
		return err_field(c->e, ERR_VALIDATION, "next_assignees", "下一步骤无需选择审批人");
	st = &c->def->steps[s];
	if (a->n_next < 0 || a->n_next > WF_CHOSEN_MAX ||
	    (st->kind == WF_STEP_SINGLE && a->n_next != 1))
		return err_field(c->e, ERR_VALIDATION, "next_assignees",
		                 st->kind == WF_STEP_SINGLE ? "“%s”只能选择一位审批人"
		                                            : "“%s”选择的审批人数量超出上限",
		                 st->name);
	n_allowed = resolve_allowed(c, &st->assignee, allowed);
	if (n_allowed < 0)
		return -1;
	for (int i = 0; i < a->n_next; i++) {
		int ok = 0;

		for (int k = 0; k < n_allowed; k++)
			ok |= allowed[k] == a->next[i];
		for (int k = 0; k < i; k++)
			if (a->next[k] == a->next[i])
				return err_field(c->e, ERR_VALIDATION, "next_assignees",
				                 "选择的审批人重复");
		if (!ok)
			return err_field(c->e, ERR_VALIDATION, "next_assignees",
			                 "所选人员不在“%s”的可选范围内", st->name);
	}
	ch = choice_for(c->inst, s);
	if (ch == NULL) {
		ch = &c->inst->choices[c->inst->n_choices++];
		ch->step = s;
	}
	ch->n = a->n_next;
	memcpy(ch->users, a->next, (size_t)a->n_next * sizeof *ch->users);
	return 0;
}

/* --- timers --- */

static int64_t span_back(const struct workday_cal *cal, int64_t t, const struct wf_span *s)
{
	int64_t secs = s->unit == WF_SPAN_DAYS ? s->amount * workday_day_seconds(cal) : s->amount;

	return workday_add_seconds(cal, t, -secs);
}

static int64_t span_forward(const struct workday_cal *cal, int64_t t, const struct wf_span *s)
{
	int64_t secs = s->unit == WF_SPAN_DAYS ? s->amount * workday_day_seconds(cal) : s->amount;

	return workday_add_seconds(cal, t, secs);
}

static int set_timers(struct ctx *c, struct wf_item *it)
{
	const struct wf_step *st = &c->def->steps[it->step];
	int64_t now = c->act->at;

	it->due = it->remind_at = it->escalate_at = 0;
	it->reminded = it->overdue = it->escalated = 0;
	if (st->time_limit.unit == WF_SPAN_NONE)
		return 0;
	if (c->cal == NULL)
		return err_internal(c->e, "wf_engine: step %s has a time limit but no calendar",
		                    st->id);
	if (st->time_limit.unit == WF_SPAN_DAYS)
		it->due = workday_due_days(c->cal, now, (int)st->time_limit.amount);
	else
		it->due = workday_add_seconds(c->cal, now, st->time_limit.amount);
	if (st->remind_before.unit != WF_SPAN_NONE) {
		it->remind_at = span_back(c->cal, it->due, &st->remind_before);
		if (it->remind_at <= now) /* no room for a reminder before the end */
			it->remind_at = 0;
	}
	if (st->escalate)
		it->escalate_at = span_forward(c->cal, it->due, &st->escalate_after);
	return 0;
}

/* --- items --- */

struct item_args {
	int64_t user;
	enum wf_item_kind kind;
	int64_t slot; /* 0: a new slot */
	int64_t parent;
	int after;
	int64_t by;
};

/* Appends a pending item of the current activation. Returns its index or -1. */
static int new_item(struct ctx *c, int step, const struct item_args *a)
{
	struct wf_item *it = wf_instance_add_item(c->inst, c->e);

	if (it == NULL)
		return -1;
	it->user = a->user;
	it->step = step;
	it->activation = c->inst->activation;
	it->slot = a->slot ? a->slot : it->id;
	it->parent = a->parent;
	it->after = a->after;
	it->kind = a->kind;
	it->state = WF_ITEM_PENDING;
	it->outcome = WF_OUT_NONE;
	it->by = a->by;
	it->created = c->act->at;
	if (step >= 0 && set_timers(c, it))
		return -1;
	if (mark_changed(c, it->id))
		return -1;
	return c->inst->n_items - 1;
}

static int is_open(const struct wf_item *it)
{
	return it->state == WF_ITEM_PENDING || it->state == WF_ITEM_WAITING;
}

static int close_item(struct ctx *c, struct wf_item *it, enum wf_item_state state,
                      enum wf_outcome outcome)
{
	it->state = state;
	it->outcome = outcome;
	it->closed = c->act->at;
	return mark_changed(c, it->id);
}

/* Cancels open items: of one slot (slot != 0), or of the whole instance (slot == 0). */
static int cancel_open(struct ctx *c, int64_t slot)
{
	for (int i = 0; i < c->inst->n_items; i++) {
		struct wf_item *it = &c->inst->items[i];

		if (is_open(it) && (slot == 0 || it->slot == slot) &&
		    close_item(c, it, WF_ITEM_CANCELLED, WF_OUT_NONE))
			return -1;
	}
	return 0;
}

static int user_has_open(const struct wf_instance *inst, int64_t user)
{
	for (int i = 0; i < inst->n_items; i++)
		if (inst->items[i].user == user && is_open(&inst->items[i]))
			return 1;
	return 0;
}

/* --- flow --- */

static int next_applicable(const struct ctx *c, int from)
{
	for (int s = from < 0 ? 0 : from; s < c->def->n_steps; s++)
		if (wf_cond_eval(c->def->steps[s].condition, c->inst->form))
			return s;
	return -1;
}

/* The step that follows the current one when it completes. */
static int step_after_current(const struct ctx *c)
{
	if (c->inst->resume_step > c->inst->step)
		return next_applicable(c, c->inst->resume_step);
	return next_applicable(c, c->inst->step + 1);
}

static int activate(struct ctx *c, int s, enum wf_notice_kind why)
{
	const struct wf_step *st = &c->def->steps[s];
	int64_t users[WF_ASSIGNEES_MAX];
	struct item_args a = {0};
	int n;

	c->inst->step = s;
	c->inst->activation++;
	c->inst->visited |= 1u << s;
	c->inst->state = WF_RUNNING;
	n = step_users(c, s, users);
	if (n < 0)
		return -1;
	a.kind = st->kind == WF_STEP_COUNTERSIGN ? WF_ITEM_COUNTERSIGN : WF_ITEM_APPROVE;
	for (int i = 0; i < n; i++) {
		int idx;

		a.user = users[i];
		idx = new_item(c, s, &a);
		if (idx < 0 || notify(c, users[i], why, &c->inst->items[idx]))
			return -1;
	}
	return 0;
}

static int finish(struct ctx *c, enum wf_state state)
{
	struct wf_instance *inst = c->inst;

	if (cancel_open(c, 0))
		return -1;
	inst->state = state;
	inst->finished = c->act->at;
	if (history_sys(c, WF_EV_FINISH, inst->step, 0, 0))
		return -1;
	if (c->act->actor != inst->initiator &&
	    notify(c, inst->initiator, WF_NOTICE_FINISHED, NULL))
		return -1;
	return 0;
}

/* Runs the flow from step s on (s < 0: nothing left, the instance is approved). */
static int enter(struct ctx *c, int s, enum wf_notice_kind why)
{
	return s < 0 ? finish(c, WF_APPROVED) : activate(c, s, why);
}

enum step_status { STEP_OPEN, STEP_DONE, STEP_REJECTED };

struct slot {
	int64_t id;
	int open, rejected, approved;
};

static enum step_status step_status(const struct ctx *c)
{
	const struct wf_instance *inst = c->inst;
	const struct wf_step *st = &c->def->steps[inst->step];
	struct slot slots[WF_ASSIGNEES_MAX];
	int n = 0, approved = 0, rejected = 0, need;

	for (int i = 0; i < inst->n_items; i++) {
		const struct wf_item *it = &inst->items[i];
		int k;

		if (it->activation != inst->activation || it->step != inst->step)
			continue;
		for (k = 0; k < n && slots[k].id != it->slot; k++)
			;
		if (k == n) {
			if (n == WF_ASSIGNEES_MAX)
				continue; /* cannot happen: slots are made only on activation */
			memset(&slots[n++], 0, sizeof slots[0]);
			slots[k].id = it->slot;
		}
		slots[k].open |= is_open(it);
		slots[k].rejected |= it->outcome == WF_OUT_REJECTED;
		slots[k].approved |= it->outcome == WF_OUT_APPROVED;
	}
	for (int k = 0; k < n; k++) {
		if (slots[k].open)
			continue;
		if (slots[k].rejected)
			rejected++;
		else if (slots[k].approved)
			approved++;
	}
	switch (st->kind) {
	case WF_STEP_COUNTERSIGN:
		need = n;
		break;
	case WF_STEP_PERCENTAGE:
		need = wf_percent_required(n, st->percent);
		break;
	default:
		need = 1;
		break;
	}
	if (approved >= need)
		return STEP_DONE;
	if (st->kind == WF_STEP_PERCENTAGE ? n - rejected < need : rejected > 0)
		return STEP_REJECTED;
	return STEP_OPEN;
}

static int complete_step(struct ctx *c)
{
	struct wf_instance *inst = c->inst;
	int next = step_after_current(c);

	inst->resume_step = -1; /* used (a return to an earlier step resumes once) */
	if (cancel_open(c, 0) || history_sys(c, WF_EV_STEP_DONE, inst->step, 0, 0))
		return -1;
	return enter(c, next, WF_NOTICE_ASSIGNED);
}

static int evaluate(struct ctx *c)
{
	switch (step_status(c)) {
	case STEP_DONE:
		return complete_step(c);
	case STEP_REJECTED:
		return finish(c, WF_REJECTED);
	default:
		return 0;
	}
}

/* --- checks shared by actions --- */

static int need_state(struct ctx *c, enum wf_state want)
{
	if (c->inst->state != want)
		return err_set(c->e, ERR_CONFLICT, "流程当前状态为%s，不能执行此操作",
		               wf_state_name(c->inst->state));
	return 0;
}

/* The actor's pending item of the running step. */
static struct wf_item *own_item(struct ctx *c)
{
	struct wf_item *it;

	if (need_state(c, WF_RUNNING))
		return NULL;
	it = wf_instance_pending_of(c->inst, c->act->behalf ? c->act->behalf : c->act->actor);
	if (it == NULL || it->step < 0)
		err_set(c->e, ERR_FORBIDDEN,
		        c->act->behalf ? "被代办的人员在此流程中没有待办事项"
		                       : "您在此流程中没有待办事项");
	return it == NULL || it->step < 0 ? NULL : it;
}

static int need_opinion(struct ctx *c, const char *what)
{
	if (c->act->opinion == NULL || c->act->opinion[0] == '\0')
		return err_field(c->e, ERR_VALIDATION, "opinion", "%s须填写意见", what);
	return 0;
}

static int check_target(struct ctx *c)
{
	int64_t t = c->act->target;

	if (t <= 0)
		return err_field(c->e, ERR_VALIDATION, "target", "请选择人员");
	if (t == c->act->actor)
		return err_field(c->e, ERR_VALIDATION, "target", "不能选择自己");
	if (user_has_open(c->inst, t))
		return err_field(c->e, ERR_VALIDATION, "target", "所选人员在此流程中已有待办事项");
	return 0;
}

static int check_form(struct ctx *c, const json_t *form)
{
	if (!json_is_object(form))
		return err_field(c->e, ERR_VALIDATION, "form", "申请内容必须是JSON对象");
	if (json_dumpb(form, NULL, 0, JSON_COMPACT) > WF_FORM_JSON_MAX)
		return err_field(c->e, ERR_TOO_LARGE, "form", "申请内容过大（上限%d字节）",
		                 WF_FORM_JSON_MAX);
	return 0;
}

static int set_form(struct ctx *c, const json_t *form)
{
	json_t *copy = json_deep_copy(form);

	if (copy == NULL)
		return err_internal(c->e, "wf_engine: out of memory");
	json_decref(c->inst->form);
	c->inst->form = copy;
	return 0;
}

/* Choices made in advance for "chosen" steps (the caller checked them against the rules). */
static int set_presets(struct ctx *c)
{
	const struct wf_action *a = c->act;

	if (a->n_presets < 0 || a->n_presets > WF_STEPS_MAX)
		return err_internal(c->e, "wf_engine: %d presets", a->n_presets);
	for (int i = 0; i < a->n_presets; i++) {
		const struct wf_choice *p = &a->presets[i];
		struct wf_choice *ch;

		if (p->step < 0 || p->step >= c->def->n_steps || p->n < 0 || p->n > WF_CHOSEN_MAX ||
		    c->def->steps[p->step].assignee.kind != WF_RULE_CHOSEN)
			return err_internal(c->e, "wf_engine: bad preset for step %d", p->step);
		if (p->n == 0)
			continue;
		ch = choice_for(c->inst, p->step);
		if (ch == NULL)
			ch = &c->inst->choices[c->inst->n_choices++];
		*ch = *p;
	}
	return 0;
}

/* --- actions --- */

static int do_submit(struct ctx *c)
{
	struct wf_instance *inst = c->inst;
	int s;

	if (c->act->actor <= 0)
		return err_set(c->e, ERR_FORBIDDEN, "请先登录");
	if (check_form(c, c->act->form) || set_form(c, c->act->form))
		return -1;
	snprintf(inst->def_key, sizeof inst->def_key, "%s", c->def->key);
	inst->def_version = c->def->version;
	inst->initiator = c->act->actor;
	inst->initiator_dept = c->act->initiator_dept;
	inst->submitted = c->act->at;
	inst->state = WF_RUNNING;
	if (set_presets(c))
		return -1;
	s = next_applicable(c, 0);
	if (apply_choice(c, s) || history_act(c, WF_EV_SUBMIT, NULL, 0))
		return -1;
	return enter(c, s, WF_NOTICE_ASSIGNED);
}

static int do_approve(struct ctx *c)
{
	struct wf_item *it = own_item(c), *parent;

	if (it == NULL || apply_choice(c, step_after_current(c)))
		return -1;
	c->inst->acted++;
	if (close_item(c, it, WF_ITEM_DONE, WF_OUT_APPROVED) ||
	    history_act(c, WF_EV_APPROVE, it, c->act->behalf))
		return -1;
	parent = it->parent ? wf_instance_item(c->inst, it->parent) : NULL;
	if (parent != NULL && parent->state == WF_ITEM_WAITING) {
		parent->state = WF_ITEM_PENDING;
		if (mark_changed(c, parent->id) ||
		    notify(c, parent->user, WF_NOTICE_ASSIGNED, parent))
			return -1;
	}
	return evaluate(c);
}

static int do_reject(struct ctx *c)
{
	struct wf_item *it = own_item(c);

	if (it == NULL || need_opinion(c, "不同意"))
		return -1;
	c->inst->acted++;
	if (close_item(c, it, WF_ITEM_DONE, WF_OUT_REJECTED) ||
	    history_act(c, WF_EV_REJECT, it, 0) || cancel_open(c, it->slot))
		return -1;
	return evaluate(c);
}

static int do_return(struct ctx *c)
{
	struct wf_instance *inst = c->inst;
	struct wf_item *it = own_item(c);
	int to = c->act->to_step, idx;
	struct item_args a = {0};

	if (it == NULL || need_opinion(c, "退回"))
		return -1;
	if (to != WF_TO_INITIATOR && (to < 0 || to >= inst->step || !(inst->visited & (1u << to))))
		return err_field(c->e, ERR_VALIDATION, "to", "只能退回给发起人或已经办理过的步骤");
	inst->acted++;
	if (close_item(c, it, WF_ITEM_DONE, WF_OUT_RETURNED) ||
	    history_act(c, WF_EV_RETURN, it, 0) || cancel_open(c, 0))
		return -1;
	if (c->def->resubmit == WF_RESUBMIT_CONTINUE)
		inst->resume_step = inst->step;
	if (to != WF_TO_INITIATOR)
		return activate(c, to, WF_NOTICE_RETURNED);
	inst->state = WF_RETURNED;
	inst->activation++;
	a.user = inst->initiator;
	a.kind = WF_ITEM_RESUBMIT;
	idx = new_item(c, WF_STEP_INITIATOR, &a);
	if (idx < 0)
		return -1;
	return notify(c, inst->initiator, WF_NOTICE_RETURNED, &inst->items[idx]);
}

static int do_resubmit(struct ctx *c)
{
	struct wf_instance *inst = c->inst;
	struct wf_item *it;
	int s;

	if (inst->state != WF_RETURNED && inst->state != WF_WITHDRAWN)
		return err_set(c->e, ERR_CONFLICT, "只有被退回或已撤回的申请可以重新提交");
	if (c->act->actor != inst->initiator)
		return err_set(c->e, ERR_FORBIDDEN, "只有发起人可以重新提交");
	if (c->act->form != NULL && (check_form(c, c->act->form) || set_form(c, c->act->form)))
		return -1;
	it = wf_instance_pending_of(inst, inst->initiator);
	if (inst->state == WF_RETURNED && it != NULL && it->kind == WF_ITEM_RESUBMIT &&
	    close_item(c, it, WF_ITEM_DONE, WF_OUT_RESUBMITTED))
		return -1;
	if (inst->state == WF_WITHDRAWN || c->def->resubmit == WF_RESUBMIT_RESTART ||
	    inst->resume_step < 0) {
		inst->visited = 0;
		s = next_applicable(c, 0);
	} else {
		s = next_applicable(c, inst->resume_step);
	}
	inst->resume_step = -1;
	inst->acted = 0;
	inst->state = WF_RUNNING;
	if (apply_choice(c, s) ||
	    history_act(c, WF_EV_RESUBMIT, it && it->kind == WF_ITEM_RESUBMIT ? it : NULL, 0))
		return -1;
	return enter(c, s, WF_NOTICE_ASSIGNED);
}

static int do_transfer(struct ctx *c)
{
	struct wf_item *it = own_item(c), old, *n;
	struct item_args a = {0};
	int idx;

	if (it == NULL || check_target(c))
		return -1;
	c->inst->acted++;
	if (close_item(c, it, WF_ITEM_DONE, WF_OUT_TRANSFERRED) ||
	    history_act(c, WF_EV_TRANSFER, it, c->act->target))
		return -1;
	old = *it; /* new_item may move the array */
	a.user = c->act->target;
	a.kind = old.kind;
	a.slot = old.slot;
	a.parent = old.parent;
	a.after = old.after;
	a.by = c->act->actor;
	idx = new_item(c, old.step, &a);
	if (idx < 0)
		return -1;
	/* The same task in new hands keeps its clock; only the reminder is owed to the new holder.
	 */
	n = &c->inst->items[idx];
	n->due = old.due;
	n->remind_at = old.remind_at;
	n->escalate_at = old.escalate_at;
	n->overdue = old.overdue;
	n->escalated = old.escalated;
	n->reminded = 0;
	return notify(c, n->user, WF_NOTICE_ASSIGNED, n);
}

static int do_add_signer(struct ctx *c)
{
	struct wf_item *it = own_item(c);
	struct item_args a = {0};
	int idx, step;

	if (it == NULL || check_target(c))
		return -1;
	c->inst->acted++;
	step = it->step;
	a.user = c->act->target;
	a.kind = WF_ITEM_ADDED_SIGNER;
	a.slot = it->slot;
	a.by = c->act->actor;
	if (c->act->before) {
		it->state = WF_ITEM_WAITING;
		a.parent = it->id;
		if (mark_changed(c, it->id))
			return -1;
	} else {
		a.parent = it->parent;
		a.after = 1;
		if (close_item(c, it, WF_ITEM_DONE, WF_OUT_APPROVED))
			return -1;
	}
	if (history_act(c, WF_EV_ADD_SIGNER, it, c->act->target))
		return -1;
	idx = new_item(c, step, &a);
	if (idx < 0)
		return -1;
	return notify(c, a.user, WF_NOTICE_ASSIGNED, &c->inst->items[idx]);
}

static int do_withdraw(struct ctx *c)
{
	if (c->act->actor != c->inst->initiator)
		return err_set(c->e, ERR_FORBIDDEN, "只有发起人可以撤回");
	if (need_state(c, WF_RUNNING))
		return -1;
	if (c->inst->acted > 0)
		return err_set(c->e, ERR_CONFLICT, "已有审批人处理，不能撤回");
	if (cancel_open(c, 0))
		return -1;
	c->inst->state = WF_WITHDRAWN;
	return history_act(c, WF_EV_WITHDRAW, NULL, 0);
}

static int do_remind(struct ctx *c)
{
	struct wf_instance *inst = c->inst;

	if (c->act->actor != inst->initiator && !c->act->privileged)
		return err_set(c->e, ERR_FORBIDDEN, "只有发起人或督办人员可以催办");
	if (need_state(c, WF_RUNNING))
		return -1;
	if (inst->last_remind != 0 && c->act->at - inst->last_remind < WF_REMIND_INTERVAL)
		return err_set(c->e, ERR_RATE_LIMITED, "催办过于频繁，请%d分钟后再试",
		               WF_REMIND_INTERVAL / 60);
	inst->last_remind = c->act->at;
	if (history_act(c, WF_EV_REMIND, NULL, 0))
		return -1;
	for (int i = 0; i < inst->n_items; i++)
		if (inst->items[i].state == WF_ITEM_PENDING &&
		    notify(c, inst->items[i].user, WF_NOTICE_REMINDED, &inst->items[i]))
			return -1;
	return 0;
}

static int do_cancel(struct ctx *c)
{
	if (c->act->actor != c->inst->initiator && !c->act->privileged)
		return err_set(c->e, ERR_FORBIDDEN, "只有发起人或督办人员可以取消");
	if (wf_state_terminal(c->inst->state))
		return err_set(c->e, ERR_CONFLICT, "流程已结束，不能取消");
	c->inst->state = WF_CANCELLED;
	if (history_act(c, WF_EV_CANCEL, NULL, 0))
		return -1;
	return finish(c, WF_CANCELLED);
}

/* Escalation of item idx: tell the supervisors; in mode reassign hand the item to the first of
 * them who holds nothing open here. The new item gets a fresh clock but never escalates again. */
static int escalate(struct ctx *c, int idx)
{
	struct wf_instance *inst = c->inst;
	const struct wf_step *st = &c->def->steps[inst->items[idx].step];
	int64_t sup[WF_ASSIGNEES_MAX], to = 0;
	struct item_args a = {0};
	int n = resolve_rule(c, &st->supervisor, sup), k;

	if (n < 0)
		return -1;
	for (int i = 0; i < n; i++) {
		if (notify(c, sup[i], WF_NOTICE_ESCALATED, &inst->items[idx]))
			return -1;
		if (to == 0 && !user_has_open(inst, sup[i]))
			to = sup[i];
	}
	if (history_sys(c, WF_EV_ESCALATE, inst->items[idx].step, inst->items[idx].id,
	                n > 0 ? sup[0] : 0))
		return -1;
	if (st->escalate_mode != WF_ESCALATE_REASSIGN || to == 0)
		return 0;
	if (close_item(c, &inst->items[idx], WF_ITEM_DONE, WF_OUT_ESCALATED))
		return -1;
	a.user = to;
	a.kind = inst->items[idx].kind;
	a.slot = inst->items[idx].slot;
	a.parent = inst->items[idx].parent;
	a.after = inst->items[idx].after;
	k = new_item(c, inst->items[idx].step, &a);
	if (k < 0)
		return -1;
	inst->items[k].escalate_at = 0;
	inst->items[k].escalated = 1;
	return notify(c, to, WF_NOTICE_ASSIGNED, &inst->items[k]);
}

static int tick_item(struct ctx *c, int idx)
{
	struct wf_item *it = &c->inst->items[idx];
	int64_t now = c->act->at;

	if (it->remind_at && !it->reminded && it->remind_at <= now) {
		it->reminded = 1;
		if (mark_changed(c, it->id) || notify(c, it->user, WF_NOTICE_REMINDED, it) ||
		    history_sys(c, WF_EV_AUTO_REMIND, it->step, it->id, it->user))
			return -1;
	}
	it = &c->inst->items[idx];
	if (it->due && !it->overdue && it->due <= now) {
		it->overdue = 1;
		if (mark_changed(c, it->id) || notify(c, it->user, WF_NOTICE_OVERDUE, it) ||
		    history_sys(c, WF_EV_OVERDUE, it->step, it->id, it->user))
			return -1;
	}
	it = &c->inst->items[idx];
	if (it->escalate_at && !it->escalated && it->escalate_at <= now) {
		it->escalated = 1;
		if (mark_changed(c, it->id) || escalate(c, idx))
			return -1;
	}
	return 0;
}

static int do_tick(struct ctx *c)
{
	int n = c->inst->n_items;

	if (c->act->actor != 0)
		return err_set(c->e, ERR_FORBIDDEN, "只有系统调度可以触发时限处理");
	if (c->inst->state != WF_RUNNING)
		return 0;
	for (int i = 0; i < n; i++)
		if (c->inst->items[i].state == WF_ITEM_PENDING && c->inst->items[i].step >= 0 &&
		    tick_item(c, i))
			return -1;
	return 0;
}

static int dispatch(struct ctx *c)
{
	switch (c->act->kind) {
	case WF_ACT_SUBMIT:
		return do_submit(c);
	case WF_ACT_APPROVE:
		return do_approve(c);
	case WF_ACT_REJECT:
		return do_reject(c);
	case WF_ACT_RETURN:
		return do_return(c);
	case WF_ACT_RESUBMIT:
		return do_resubmit(c);
	case WF_ACT_TRANSFER:
		return do_transfer(c);
	case WF_ACT_ADD_SIGNER:
		return do_add_signer(c);
	case WF_ACT_WITHDRAW:
		return do_withdraw(c);
	case WF_ACT_REMIND:
		return do_remind(c);
	case WF_ACT_CANCEL:
		return do_cancel(c);
	case WF_ACT_TICK:
		return do_tick(c);
	default:
		return err_set(c->e, ERR_BAD_REQUEST, "未知的操作");
	}
}

static int check_action(const struct wf_def *def, const struct wf_instance *inst,
                        const struct wf_action *act, struct err *e)
{
	if (act->kind == WF_ACT_SUBMIT && inst != NULL)
		return err_set(e, ERR_CONFLICT, "申请已经提交");
	if (act->kind != WF_ACT_SUBMIT && inst == NULL)
		return err_set(e, ERR_NOT_FOUND, "流程实例不存在");
	if (inst != NULL &&
	    (strcmp(inst->def_key, def->key) != 0 || inst->def_version != def->version))
		return err_internal(e, "wf_engine: instance %lld uses %s v%d, given %s v%d",
		                    (long long)inst->id, inst->def_key, inst->def_version, def->key,
		                    def->version);
	if (act->opinion != NULL && strlen(act->opinion) > WF_OPINION_MAX)
		return err_field(e, ERR_VALIDATION, "opinion", "意见不能超过%d字节",
		                 WF_OPINION_MAX);
	if (act->n_next < 0 || act->n_next > WF_CHOSEN_MAX)
		return err_field(e, ERR_VALIDATION, "next_assignees", "最多选择%d位审批人",
		                 WF_CHOSEN_MAX);
	if (act->behalf != 0 && (act->kind != WF_ACT_APPROVE || act->behalf < 0))
		return err_field(e, ERR_VALIDATION, "on_behalf_of", "只有“同意”可以代他人办理");
	if (act->behalf != 0 && act->behalf == act->actor)
		return err_field(e, ERR_VALIDATION, "on_behalf_of", "不能代自己办理");
	if (act->n_presets != 0 && act->kind != WF_ACT_SUBMIT)
		return err_internal(e, "wf_engine: presets outside a submit");
	return 0;
}

int wf_apply(const struct wf_def *def, const struct wf_instance *inst, const struct wf_action *act,
             const struct wf_resolver *res, const struct workday_cal *cal, struct wf_result *out,
             struct err *e)
{
	struct ctx c = {def, NULL, act, res, cal, out, e};

	memset(out, 0, sizeof *out);
	if (check_action(def, inst, act, e))
		return -1;
	c.inst = inst ? wf_instance_clone(inst) : wf_instance_new();
	if (c.inst == NULL)
		return err_internal(e, "wf_engine: out of memory");
	out->inst = c.inst;
	if (dispatch(&c)) {
		wf_result_free(out);
		return -1;
	}
	return 0;
}

void wf_result_free(struct wf_result *r)
{
	if (r == NULL)
		return;
	wf_instance_free(r->inst);
	free(r->changed);
	for (int i = 0; i < r->n_history; i++)
		free(r->history[i].opinion);
	free(r->history);
	free(r->notices);
	memset(r, 0, sizeof *r);
}

struct wf_instance *wf_result_take_instance(struct wf_result *r)
{
	struct wf_instance *inst = r->inst;

	r->inst = NULL;
	return inst;
}

/* --- requests --- */

static int next_from_json(const json_t *arr, struct wf_action *out, struct err *e)
{
	const json_t *v;
	size_t i;

	if (!json_is_array(arr) || json_array_size(arr) > WF_CHOSEN_MAX)
		return err_field(e, ERR_VALIDATION, "next_assignees",
		                 "下一步审批人须为最多%d个用户编号", WF_CHOSEN_MAX);
	json_array_foreach(arr, i, v)
	{
		if (!json_is_integer(v) || json_integer_value(v) <= 0)
			return err_field(e, ERR_VALIDATION, "next_assignees",
			                 "用户编号必须是正整数");
		out->next[out->n_next++] = json_integer_value(v);
	}
	return 0;
}

int wf_action_from_json(const struct wf_def *def, const json_t *body, struct wf_action *out,
                        struct err *e)
{
	static const char *const keys[] = {
	    "action",         "opinion", "to",           "target",  "position",
	    "next_assignees", "form",    "on_behalf_of", "version", NULL};
	const json_t *v;
	const char *key, *to, *pos;
	int kind;

	memset(out, 0, sizeof *out);
	out->to_step = WF_TO_INITIATOR;
	if (!json_is_object(body))
		return err_set(e, ERR_BAD_REQUEST, "请求体必须是JSON对象");
	json_object_foreach((json_t *)body, key, v)
	{
		int ok = 0;

		for (int i = 0; keys[i] != NULL; i++)
			ok |= strcmp(keys[i], key) == 0;
		if (!ok)
			return err_field(e, ERR_VALIDATION, key, "未知字段：%s", key);
	}
	kind = wf_action_kind_parse(json_string_value(json_object_get(body, "action")));
	if (kind < 0)
		return err_field(e, ERR_VALIDATION, "action", "未知的操作");
	out->kind = (enum wf_action_kind)kind;
	v = json_object_get(body, "opinion");
	if (v != NULL && !json_is_string(v))
		return err_field(e, ERR_VALIDATION, "opinion", "意见必须是文字");
	out->opinion = json_string_value(v);
	to = json_string_value(json_object_get(body, "to"));
	if (out->kind == WF_ACT_RETURN && to != NULL && strcmp(to, "initiator") != 0) {
		out->to_step = wf_def_step_index(def, to);
		if (out->to_step < 0)
			return err_field(e, ERR_VALIDATION, "to", "退回的步骤不存在");
	}
	v = json_object_get(body, "target");
	if (v != NULL && (!json_is_integer(v) || json_integer_value(v) <= 0))
		return err_field(e, ERR_VALIDATION, "target", "人员编号必须是正整数");
	out->target = v ? json_integer_value(v) : 0;
	v = json_object_get(body, "on_behalf_of");
	if (v != NULL && (!json_is_integer(v) || json_integer_value(v) <= 0))
		return err_field(e, ERR_VALIDATION, "on_behalf_of", "被代办人员编号必须是正整数");
	out->behalf = v ? json_integer_value(v) : 0;
	pos = json_string_value(json_object_get(body, "position"));
	if (pos != NULL && strcmp(pos, "before") != 0 && strcmp(pos, "after") != 0)
		return err_field(e, ERR_VALIDATION, "position", "加签位置应为before或after");
	out->before = pos == NULL || strcmp(pos, "before") == 0;
	v = json_object_get(body, "next_assignees");
	if (v != NULL && next_from_json(v, out, e))
		return -1;
	v = json_object_get(body, "form");
	if (v != NULL && !json_is_object(v))
		return err_field(e, ERR_VALIDATION, "form", "申请内容必须是JSON对象");
	out->form = v;
	return 0;
}

/* --- queries --- */

unsigned wf_allowed_actions(const struct wf_def *def, const struct wf_instance *inst, int64_t user,
                            int privileged)
{
	const struct wf_item *it = wf_instance_pending_of(inst, user);
	int initiator = user == inst->initiator;
	unsigned m = 0;

	(void)def;
	if (inst->state == WF_RUNNING && it != NULL && it->step >= 0)
		m |= 1u << WF_ACT_APPROVE | 1u << WF_ACT_REJECT | 1u << WF_ACT_RETURN |
		     1u << WF_ACT_TRANSFER | 1u << WF_ACT_ADD_SIGNER;
	if (initiator && (inst->state == WF_RETURNED || inst->state == WF_WITHDRAWN))
		m |= 1u << WF_ACT_RESUBMIT;
	if (initiator && inst->state == WF_RUNNING && inst->acted == 0)
		m |= 1u << WF_ACT_WITHDRAW;
	if ((initiator || privileged) && inst->state == WF_RUNNING)
		m |= 1u << WF_ACT_REMIND;
	if ((initiator || privileged) && !wf_state_terminal(inst->state))
		m |= 1u << WF_ACT_CANCEL;
	return m;
}

int wf_return_targets(const struct wf_instance *inst, int *out, int max)
{
	int n = 0;

	if (inst->state != WF_RUNNING)
		return 0;
	for (int s = 0; s < inst->step && n < max; s++)
		if (inst->visited & (1u << s))
			out[n++] = s;
	return n;
}
