/*
 * wf_api.c - /api/v1/workflows/... and /api/v1/calendar/{year}.
 *
 *   GET  /workflows/definitions               the org's definitions (latest version of each key)
 *   POST /workflows/definitions               a new version (办公室主任); body = definition JSON
 *                                             + "version" (the latest the editor saw, 0 = new key)
 *                                             + "active"; stale version 409
 *   GET  /workflows/definitions/{key}         one (?version=N), with its versions
 *   GET  /workflows/instances                 我的申请 (?scope=mine|all, state, def_key, q, from,
 *                                             to, module); scope=all for office and leaders
 *   POST /workflows/instances                 发起申请 {"def_key","form","next_assignees"}
 *   GET  /workflows/instances/{id}            the instance with its history, the caller's allowed
 *                                             actions and return targets
 *   POST /workflows/instances/{id}/actions    {"action","opinion","version",...}
 *   POST /workflows/scheduler/run             test clock only (JIANWU_FAKE_NOW): move the clock
 *                                             to "now" and sweep (系统管理员)
 *   GET  /calendar/{year}  PUT /calendar/{year}  the org's working-day calendar (PUT: 办公室主任
 *                                             or 系统管理员: an administrative setting that holds
 *                                             no business content)
 * Business routes are for business roles only; need-to-know on instances is wf_may_see (404).
 */
#include "workflow/wf_store.h"
#include "core/jsonv.h"
#include "core/timeutil.h"
#include "http/http.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEF_VERSIONS_MAX 200 /* versions listed with a definition */
#define QUERY_TEXT_MAX   FIELD_NAME_MAX

static const char *state_label(enum wf_state s)
{
	static const char *const names[] = {"审批中", "已退回", "已撤回",
	                                    "已通过", "未通过", "已取消"};
	return (int)s >= 0 && (int)s < 6 ? names[s] : "";
}

static const char *event_label(const char *ev)
{
	static const char *const map[][2] = {
	    {"submit", "提交申请"},   {"approve", "同意"},         {"reject", "不同意"},
	    {"return", "退回"},       {"resubmit", "重新提交"},    {"transfer", "转办"},
	    {"add_signer", "加签"},   {"withdraw", "撤回"},        {"remind", "催办"},
	    {"cancel", "取消"},       {"auto_remind", "到期提醒"}, {"overdue", "超过时限"},
	    {"escalate", "超期督办"}, {"step_done", "环节完成"},   {"finish", "流程结束"},
	};
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		if (strcmp(map[i][0], ev) == 0)
			return map[i][1];
	return ev;
}

static json_t *iso_or_null(int64_t t)
{
	char s[TIME_ISO_MAX];

	if (t <= 0)
		return json_null();
	time_iso(t, s);
	return json_string(s);
}

static json_t *span_json(const struct wf_span *s)
{
	if (s->unit == WF_SPAN_DAYS)
		return json_pack("{s:I}", "days", (json_int_t)s->amount);
	if (s->unit == WF_SPAN_HOURS)
		return json_pack("{s:f}", "hours", (double)s->amount / 3600.0);
	return json_null();
}

/* --- people --- */

/* {"12": "张三", ...} for everyone the instance names. */
static json_t *instance_names(struct db *db, const struct wf_loaded *l, struct err *e)
{
	struct db_stmt *st =
	    db_query(db, e,
	             "SELECT id, name FROM app_user WHERE id = $2"
	             " OR id IN (SELECT user_id FROM todo WHERE instance_id = $1)"
	             " OR id IN (SELECT actor FROM wf_history WHERE instance_id = $1)"
	             " OR id IN (SELECT target FROM wf_history WHERE instance_id = $1)",
	             "II", l->id, l->initiator);
	json_t *names;
	char key[24];
	int rc;

	if (st == NULL)
		return NULL;
	names = json_object();
	while ((rc = db_step(st, e)) == DB_ROW) {
		snprintf(key, sizeof key, "%lld", (long long)db_col_int(st, 0));
		json_object_set_new(names, key, json_string(db_col_text(st, 1)));
	}
	db_reset(st);
	if (rc < 0) {
		json_decref(names);
		return NULL;
	}
	return names;
}

static json_t *user_ref(json_t *names, int64_t id)
{
	char key[24];
	json_t *n;

	if (id <= 0)
		return json_null();
	snprintf(key, sizeof key, "%lld", (long long)id);
	n = json_object_get(names, key);
	return json_pack("{s:I, s:O}", "id", (json_int_t)id, "name", n ? n : json_string(""));
}

/* [{"id","name"}] of user ids (a handful: candidates of a chosen step). */
static json_t *people_json(struct db *db, const int64_t *ids, int n, struct err *e)
{
	json_t *arr = json_array();

	for (int i = 0; i < n; i++) {
		struct db_stmt *st =
		    db_query(db, e, "SELECT name FROM app_user WHERE id = $1", "I", ids[i]);
		int rc;

		if (st == NULL) {
			json_decref(arr);
			return NULL;
		}
		if ((rc = db_step(st, e)) == DB_ROW)
			json_array_append_new(arr, json_pack("{s:I, s:s}", "id", (json_int_t)ids[i],
			                                     "name", db_col_text(st, 0)));
		db_reset(st);
		if (rc < 0) {
			json_decref(arr);
			return NULL;
		}
	}
	return arr;
}

/* --- an instance --- */

static const char *step_name(const struct wf_def *def, int step)
{
	if (step == WF_STEP_INITIATOR)
		return "修改后重新提交";
	return step >= 0 && step < def->n_steps ? def->steps[step].name : "";
}

static json_t *steps_json(const struct wf_def *def, const struct wf_instance *inst)
{
	json_t *arr = json_array();

	for (int i = 0; i < def->n_steps; i++) {
		const struct wf_step *s = &def->steps[i];
		int applies = wf_cond_eval(s->condition, inst->form);
		int visited = (inst->visited >> i) & 1;
		const char *status = "waiting";

		if (!applies)
			status = "skipped";
		else if (inst->state == WF_RUNNING && i == inst->step)
			status = "current";
		else if (visited && (i < inst->step || inst->state == WF_APPROVED))
			status = "done";
		else if (i == inst->step && inst->state == WF_REJECTED)
			status = "rejected";
		json_array_append_new(arr, json_pack("{s:i, s:s, s:s, s:s, s:b, s:s, s:o}", "index",
		                                     i, "id", s->id, "name", s->name, "kind",
		                                     wf_step_kind_name(s->kind), "applies", applies,
		                                     "status", status, "time_limit",
		                                     span_json(&s->time_limit)));
	}
	return arr;
}

static json_t *items_json(const struct wf_def *def, const struct wf_instance *inst, json_t *names)
{
	json_t *arr = json_array();

	for (int i = 0; i < inst->n_items; i++) {
		const struct wf_item *it = &inst->items[i];
		json_array_append_new(
		    arr,
		    json_pack(
		        "{s:I, s:o, s:i, s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:b, s:b, s:b}",
		        "id", (json_int_t)it->id, "user", user_ref(names, it->user), "step",
		        it->step, "step_name", step_name(def, it->step), "kind",
		        wf_item_kind_name(it->kind), "state", wf_item_state_name(it->state),
		        "outcome", wf_outcome_name(it->outcome), "by", user_ref(names, it->by),
		        "created_at", iso_or_null(it->created), "due_at", iso_or_null(it->due),
		        "closed_at", iso_or_null(it->closed), "reminded", it->reminded, "overdue",
		        it->overdue, "escalated", it->escalated));
	}
	return arr;
}

static json_t *history_json(struct db *db, const struct wf_loaded *l, json_t *names, struct err *e)
{
	struct db_stmt *st =
	    db_query(db, e,
	             "SELECT seq, at, actor, event, step, item_id, target, to_step,"
	             " position, state, opinion FROM wf_history"
	             " WHERE instance_id = $1 ORDER BY seq",
	             "I", l->id);
	json_t *arr;
	int rc;

	if (st == NULL)
		return NULL;
	arr = json_array();
	while ((rc = db_step(st, e)) == DB_ROW) {
		const char *ev = db_col_text(st, 3);
		int step = (int)db_col_int(st, 4);
		json_t *h = json_pack(
		    "{s:I, s:o, s:o, s:s, s:s, s:i, s:s, s:o, s:o, s:o, s:s, s:o}", "seq",
		    (json_int_t)db_col_int(st, 0), "at", iso_or_null(db_col_int(st, 1)), "actor",
		    user_ref(names, db_col_int(st, 2)), "event", ev, "event_name", event_label(ev),
		    "step", step, "step_name", step >= 0 ? step_name(l->def, step) : "", "item_id",
		    db_col_json(st, 5), "target", user_ref(names, db_col_int(st, 6)), "position",
		    db_col_json(st, 8), "state", db_col_text(st, 9), "opinion",
		    db_col_json(st, 10));

		if (!db_col_is_null(st, 7)) {
			int to = (int)db_col_int(st, 7);
			json_object_set_new(h, "to_step", json_integer(to));
			json_object_set_new(h, "to_step_name",
			                    json_string(to < 0 ? "发起人" : step_name(l->def, to)));
		}
		json_array_append_new(arr, h);
	}
	db_reset(st);
	if (rc < 0) {
		json_decref(arr);
		return NULL;
	}
	return arr;
}

/* The step a "chosen" rule of which the caller picks the people now, or -1. */
static int choice_step(const struct wf_def *def, const struct wf_instance *inst, unsigned allowed)
{
	int from;

	if (allowed & (1u << WF_ACT_APPROVE))
		from = inst->resume_step > inst->step ? inst->resume_step : inst->step + 1;
	else if (allowed & (1u << WF_ACT_RESUBMIT))
		from = inst->state == WF_RETURNED && def->resubmit == WF_RESUBMIT_CONTINUE &&
		               inst->resume_step >= 0
		           ? inst->resume_step
		           : 0;
	else
		return -1;
	for (int s = from < 0 ? 0 : from; s < def->n_steps; s++)
		if (wf_cond_eval(def->steps[s].condition, inst->form))
			return def->steps[s].assignee.kind == WF_RULE_CHOSEN ? s : -1;
	return -1;
}

static int add_controls(struct db *db, const struct principal *who, const struct wf_loaded *l,
                        json_t *names, json_t *j, struct err *e)
{
	const struct wf_instance *inst = l->inst;
	unsigned allowed =
	    wf_allowed_actions(l->def, inst, who->user_id, (who->roles & WF_PRIVILEGED_ROLES) != 0);
	json_t *acts = json_array(), *targets = json_array(), *pending = json_array();
	int64_t users[WF_ASSIGNEES_MAX];
	int idx[WF_STEPS_MAX], n, cs;

	for (int k = 0; k < WF_ACT_TICK; k++)
		if (allowed & (1u << k))
			json_array_append_new(acts,
			                      json_string(wf_action_name((enum wf_action_kind)k)));
	if (allowed & (1u << WF_ACT_RETURN)) {
		json_array_append_new(targets,
		                      json_pack("{s:s, s:s}", "to", "initiator", "name", "发起人"));
		n = wf_return_targets(inst, idx, WF_STEPS_MAX);
		for (int i = 0; i < n; i++)
			json_array_append_new(targets, json_pack("{s:s, s:s}", "to",
			                                         l->def->steps[idx[i]].id, "name",
			                                         l->def->steps[idx[i]].name));
	}
	n = wf_instance_pending_users(inst, users, WF_ASSIGNEES_MAX);
	for (int i = 0; i < n; i++)
		json_array_append_new(pending, user_ref(names, users[i]));
	json_object_set_new(j, "allowed_actions", acts);
	json_object_set_new(j, "return_targets", targets);
	json_object_set_new(j, "pending", pending);
	cs = choice_step(l->def, inst, allowed);
	if (cs < 0) {
		json_object_set_new(j, "next_choice", json_null());
		return 0;
	}
	n = wf_candidates(db, l->org_id, &l->def->steps[cs].assignee, inst->initiator,
	                  inst->initiator_dept, users, WF_ASSIGNEES_MAX, e);
	if (n < 0)
		return -1;
	json_t *cands = people_json(db, users, n, e);
	if (cands == NULL)
		return -1;
	json_object_set_new(j, "next_choice",
	                    json_pack("{s:s, s:s, s:s, s:o}", "step_id", l->def->steps[cs].id,
	                              "step_name", l->def->steps[cs].name, "kind",
	                              wf_step_kind_name(l->def->steps[cs].kind), "candidates",
	                              cands));
	return 0;
}

json_t *wf_instance_json(struct db *db, const struct principal *who, const struct wf_loaded *l,
                         struct err *e)
{
	const struct wf_instance *inst = l->inst;
	json_t *names = instance_names(db, l, e), *j = NULL, *hist;
	json_t *dept;

	if (names == NULL)
		return NULL;
	dept = db_query_json(db, e, 1, "SELECT id, name FROM department WHERE id = $1", "I",
	                     inst->initiator_dept);
	if (dept == NULL)
		goto fail;
	j = json_pack(
	    "{s:I, s:I, s:s, s:i, s:s, s:s, s:I, s:s, s:s, s:s, s:o, s:O, s:o, s:o, s:o, s:o}",
	    "id", (json_int_t)l->id, "version", (json_int_t)l->version, "def_key", l->def->key,
	    "def_version", l->def->version, "def_name", l->def->name, "module", l->module,
	    "object_id", (json_int_t)l->object_id, "title", l->title, "state",
	    wf_state_name(inst->state), "state_name", state_label(inst->state), "initiator",
	    user_ref(names, inst->initiator), "form", inst->form ? inst->form : json_null(),
	    "submitted_at", iso_or_null(inst->submitted), "finished_at",
	    iso_or_null(inst->finished), "steps", steps_json(l->def, inst), "items",
	    items_json(l->def, inst, names));
	if (j == NULL) {
		err_internal(e, "wf_api: out of memory");
		goto fail;
	}
	json_object_set(json_object_get(j, "initiator"), "department",
	                json_array_size(dept) ? json_array_get(dept, 0) : json_null());
	json_object_set_new(j, "current_step",
	                    inst->state == WF_RUNNING
	                        ? json_pack("{s:i, s:s, s:s}", "index", inst->step, "id",
	                                    l->def->steps[inst->step].id, "name",
	                                    l->def->steps[inst->step].name)
	                        : json_null());
	if ((hist = history_json(db, l, names, e)) == NULL)
		goto fail;
	json_object_set_new(j, "history", hist);
	if (add_controls(db, who, l, names, j, e))
		goto fail;
	json_decref(dept);
	json_decref(names);
	return j;
fail:
	json_decref(dept);
	json_decref(names);
	json_decref(j);
	return NULL;
}

/* --- definitions --- */

static json_t *def_summary(struct db_stmt *st)
{
	const char *key = db_col_text(st, 0);
	const struct wf_form *f = wf_form_find(key);
	json_t *body = json_loads(db_col_text(st, 6), 0, NULL);

	return json_pack("{s:s, s:I, s:s, s:b, s:o, s:o, s:b, s:o, s:o}", "key", key, "version",
	                 (json_int_t)db_col_int(st, 1), "name", db_col_text(st, 2), "active",
	                 (int)db_col_int(st, 3), "updated_at", iso_or_null(db_col_int(st, 4)),
	                 "updated_by", db_col_json(st, 5), "form", f != NULL, "form_name",
	                 f ? json_string(f->name) : json_null(), "definition",
	                 body ? body : json_null());
}

#define DEF_COLS                                                                                   \
	"SELECT d.def_key, d.version, d.name, d.active, d.created_at,"                             \
	" (SELECT name FROM app_user WHERE id = d.created_by), d.body FROM wf_definition d"

static int get_definitions(struct req *r, struct err *e)
{
	struct db_stmt *st = db_query(
	    r->db, e,
	    DEF_COLS " WHERE d.org_id = $1 AND d.version = (SELECT max(m.version) FROM"
	             " wf_definition m WHERE m.org_id = d.org_id AND m.def_key = d.def_key)"
	             " ORDER BY d.def_key",
	    "I", r->who.org_id);
	json_t *items;
	int rc;

	if (st == NULL)
		return -1;
	items = json_array();
	while ((rc = db_step(st, e)) == DB_ROW)
		json_array_append_new(items, def_summary(st));
	db_reset(st);
	if (rc < 0) {
		json_decref(items);
		return -1;
	}
	req_reply(r, 200, json_list(items, (int64_t)json_array_size(items)));
	return 0;
}

/* Candidates of every "chosen" step for the caller as initiator: {"step id": [{id, name}]}. */
static json_t *def_candidates(struct req *r, const struct wf_def *def, struct err *e)
{
	json_t *out = json_object();
	int64_t users[WF_ASSIGNEES_MAX];

	for (int i = 0; i < def->n_steps; i++) {
		json_t *people;
		int n;

		if (def->steps[i].assignee.kind != WF_RULE_CHOSEN)
			continue;
		n = wf_candidates(r->db, r->who.org_id, &def->steps[i].assignee, r->who.user_id,
		                  r->who.department_id, users, WF_ASSIGNEES_MAX, e);
		if (n < 0 || (people = people_json(r->db, users, n, e)) == NULL) {
			json_decref(out);
			return NULL;
		}
		json_object_set_new(out, def->steps[i].id, people);
	}
	return out;
}

static int reply_definition(struct req *r, const char *key, int64_t version, int status,
                            struct err *e)
{
	struct db_stmt *st = db_query(r->db, e,
	                              DEF_COLS " WHERE d.org_id = $1 AND d.def_key = $2"
	                                       " ORDER BY d.version DESC LIMIT $3",
	                              "IsI", r->who.org_id, key, (int64_t)DEF_VERSIONS_MAX);
	json_t *one = NULL, *versions, *cands;
	struct wf_def *def;
	int rc;

	if (st == NULL)
		return -1;
	versions = json_array();
	while ((rc = db_step(st, e)) == DB_ROW) {
		if (one == NULL && (version == 0 || db_col_int(st, 1) == version))
			one = def_summary(st);
		json_array_append_new(versions, json_pack("{s:I, s:b, s:o, s:o}", "version",
		                                          (json_int_t)db_col_int(st, 1), "active",
		                                          (int)db_col_int(st, 3), "created_at",
		                                          iso_or_null(db_col_int(st, 4)),
		                                          "created_by", db_col_json(st, 5)));
	}
	db_reset(st);
	if (rc < 0 || one == NULL) {
		json_decref(versions);
		json_decref(one);
		return rc < 0 ? -1 : err_set(e, ERR_NOT_FOUND, "流程定义不存在");
	}
	json_object_set_new(one, "versions", versions);
	def = wf_def_load(r->db, r->who.org_id, key,
	                  (int)json_integer_value(json_object_get(one, "version")), NULL, e);
	cands = def ? def_candidates(r, def, e) : NULL;
	wf_def_free(def);
	if (cands == NULL) {
		json_decref(one);
		return -1;
	}
	json_object_set_new(one, "candidates", cands);
	req_reply(r, status, one);
	return 0;
}

static int get_definition(struct req *r, struct err *e)
{
	const char *key = req_param(r, "key"), *vs = req_query(r, "version");
	long long version = 0;
	char *end = NULL;

	if (key == NULL || strlen(key) > WF_ID_LEN)
		return err_set(e, ERR_NOT_FOUND, "流程定义不存在");
	if (vs != NULL) {
		version = strtoll(vs, &end, 10);
		if (*end || version <= 0 || version > 1000000)
			return err_field(e, ERR_BAD_REQUEST, "version", "版本号参数无效");
	}
	return reply_definition(r, key, version, 200, e);
}

static int post_definition(struct req *r, struct err *e)
{
	json_t *doc;
	int64_t base = 0;
	bool active = true;
	int version = 0, rc;
	const char *key;

	if (r->body == NULL)
		return err_set(e, ERR_VALIDATION, "请提交流程定义");
	if (jv_int(r->body, "version", "版本号", false, 0, 1000000, &base, e) ||
	    jv_bool(r->body, "active", "启用状态", false, &active, e))
		return -1;
	doc = json_deep_copy(r->body);
	if (doc == NULL)
		return err_internal(e, "wf_api: out of memory");
	json_object_del(doc, "active");
	rc = wf_def_save(r->db, r->who.org_id, doc, (int)base, active, r->who.user_id, &version, e);
	key = json_string_value(json_object_get(doc, "key"));
	if (rc == 0) {
		snprintf(r->audit_object_type, sizeof r->audit_object_type, "wf_definition");
		snprintf(r->audit_object_id, sizeof r->audit_object_id, "%s", key);
		snprintf(r->audit_detail, sizeof r->audit_detail, "version %d%s", version,
		         active ? "" : " inactive");
		rc = reply_definition(r, key, version, 201, e);
	}
	json_decref(doc);
	return rc;
}

/* --- instances --- */

#define INST_COLS                                                                                  \
	"SELECT i.id, i.def_key, i.def_name, i.title, i.state, i.step_name, i.submitted_at,"       \
	" i.finished_at, i.version, i.module, i.object_id, u.id, u.name, d.name,"                  \
	" (SELECT group_concat(pu.name, '、') FROM todo t JOIN app_user pu ON pu.id = t.user_id"  \
	" WHERE t.instance_id = i.id AND t.state = 'pending')"                                     \
	" FROM wf_instance i JOIN app_user u ON u.id = i.initiator"                                \
	" LEFT JOIN department d ON d.id = i.initiator_dept"
#define INST_FILTERS                                                                               \
	" AND ($3 IS NULL OR i.state = $3) AND ($4 IS NULL OR i.def_key = $4)"                     \
	" AND ($5 IS NULL OR i.title LIKE '%' || $5 || '%') AND ($6 IS NULL OR i.submitted_at >= " \
	"$6)"                                                                                      \
	" AND ($7 IS NULL OR i.submitted_at < $7) AND ($8 IS NULL OR i.module = $8)"
#define INST_MINE " WHERE i.initiator = $2 AND i.org_id = $1" INST_FILTERS
#define INST_ALL  " WHERE i.org_id = $1 AND $2 = 0" INST_FILTERS

struct inst_filter {
	bool all;
	const char *state, *key, *q, *module;
	int64_t from, to; /* 0 = none */
};

static int bind_filter(struct db_stmt *st, struct req *r, const struct inst_filter *f)
{
	db_bind_int(st, 1, r->who.org_id);
	db_bind_int(st, 2, f->all ? 0 : r->who.user_id);
	db_bind_text(st, 3, f->state);
	db_bind_text(st, 4, f->key);
	db_bind_text(st, 5, f->q);
	f->from ? db_bind_int(st, 6, f->from) : db_bind_null(st, 6);
	f->to ? db_bind_int(st, 7, f->to) : db_bind_null(st, 7);
	db_bind_text(st, 8, f->module);
	return 0;
}

static int parse_filter(struct req *r, struct inst_filter *f, struct err *e)
{
	const char *scope = req_query(r, "scope"), *from = req_query(r, "from"),
	           *to = req_query(r, "to");
	int day;

	memset(f, 0, sizeof *f);
	if (scope && strcmp(scope, "all") == 0) {
		if (!(r->who.roles & WF_SEE_ALL_ROLES))
			return err_set(e, ERR_FORBIDDEN, "只有办公室和院领导可以查看全院的申请");
		f->all = true;
	} else if (scope && strcmp(scope, "mine") != 0) {
		return err_field(e, ERR_BAD_REQUEST, "scope", "scope 应为 mine 或 all");
	}
	f->state = req_query(r, "state");
	if (f->state) {
		bool ok = false;
		for (int s = WF_RUNNING; s <= WF_CANCELLED; s++)
			ok |= strcmp(wf_state_name((enum wf_state)s), f->state) == 0;
		if (!ok)
			return err_field(e, ERR_BAD_REQUEST, "state", "状态参数无效");
	}
	f->key = req_query(r, "def_key");
	f->q = req_query(r, "q");
	f->module = req_query(r, "module");
	if ((f->key && strlen(f->key) > WF_ID_LEN) || (f->q && strlen(f->q) > QUERY_TEXT_MAX) ||
	    (f->module && strlen(f->module) > WF_MODULE_MAX))
		return err_set(e, ERR_BAD_REQUEST, "查询参数过长");
	if (from) {
		if (date_parse(from, &day))
			return err_field(e, ERR_BAD_REQUEST, "from", "起始日期格式应为 YYYY-MM-DD");
		f->from = date_start_time(day);
	}
	if (to) {
		if (date_parse(to, &day))
			return err_field(e, ERR_BAD_REQUEST, "to", "截止日期格式应为 YYYY-MM-DD");
		f->to = date_start_time(day + 1);
	}
	return 0;
}

static json_t *inst_row(struct db_stmt *st)
{
	return json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:I, s:s, s:I, s:{s:I, "
	                 "s:s, s:o}, s:o}",
	                 "id", (json_int_t)db_col_int(st, 0), "def_key", db_col_text(st, 1),
	                 "def_name", db_col_text(st, 2), "title", db_col_text(st, 3), "state",
	                 db_col_text(st, 4), "state_name", "", "step_name", db_col_text(st, 5),
	                 "submitted_at", iso_or_null(db_col_int(st, 6)), "finished_at",
	                 iso_or_null(db_col_int(st, 7)), "version", (json_int_t)db_col_int(st, 8),
	                 "module", db_col_text(st, 9), "object_id", (json_int_t)db_col_int(st, 10),
	                 "initiator", "id", (json_int_t)db_col_int(st, 11), "name",
	                 db_col_text(st, 12), "department", db_col_json(st, 13), "handlers",
	                 db_col_json(st, 14));
}

static int get_instances(struct req *r, struct err *e)
{
	struct inst_filter f;
	int64_t limit, offset, total = 0;
	struct db_stmt *st;
	json_t *items, *row;
	int rc;

	if (req_paging(r, &limit, &offset, e) || parse_filter(r, &f, e))
		return -1;
	st = db_query(r->db, e,
	              f.all ? "SELECT count(*) FROM wf_instance i" INST_ALL
	                    : "SELECT count(*) FROM wf_instance i" INST_MINE,
	              NULL);
	if (st == NULL)
		return -1;
	bind_filter(st, r, &f);
	if ((rc = db_step(st, e)) == DB_ROW)
		total = db_col_int(st, 0);
	db_reset(st);
	if (rc < 0)
		return -1;
	st = db_query(r->db, e,
	              f.all ? INST_COLS INST_ALL
	                  " ORDER BY i.submitted_at DESC, i.id DESC LIMIT $9 OFFSET $10"
	                    : INST_COLS INST_MINE
	                  " ORDER BY i.submitted_at DESC, i.id DESC LIMIT $9 OFFSET $10",
	              NULL);
	if (st == NULL)
		return -1;
	bind_filter(st, r, &f);
	db_bind_int(st, 9, limit);
	db_bind_int(st, 10, offset);
	items = json_array();
	while ((rc = db_step(st, e)) == DB_ROW) {
		row = inst_row(st);
		for (int s = WF_RUNNING; s <= WF_CANCELLED; s++)
			if (strcmp(wf_state_name((enum wf_state)s), db_col_text(st, 4)) == 0)
				json_object_set_new(row, "state_name",
				                    json_string(state_label((enum wf_state)s)));
		json_array_append_new(items, row);
	}
	db_reset(st);
	if (rc < 0) {
		json_decref(items);
		return -1;
	}
	req_reply(r, 200, json_list(items, total));
	return 0;
}

static int next_from_body(json_t *body, int64_t *next, int *n, struct err *e)
{
	json_t *arr = json_object_get(body, "next_assignees"), *v;
	size_t i;

	*n = 0;
	if (arr == NULL || json_is_null(arr))
		return 0;
	if (!json_is_array(arr) || json_array_size(arr) > WF_CHOSEN_MAX)
		return err_field(e, ERR_VALIDATION, "next_assignees",
		                 "下一步审批人须为最多%d个用户", WF_CHOSEN_MAX);
	json_array_foreach(arr, i, v)
	{
		if (!json_is_integer(v) || json_integer_value(v) <= 0)
			return err_field(e, ERR_VALIDATION, "next_assignees",
			                 "用户编号必须是正整数");
		next[(*n)++] = json_integer_value(v);
	}
	return 0;
}

static int reply_instance(struct req *r, const struct wf_loaded *l, int status, struct err *e)
{
	json_t *j = wf_instance_json(r->db, &r->who, l, e);

	if (j == NULL)
		return -1;
	req_reply(r, status, j);
	return 0;
}

static int post_instance(struct req *r, struct err *e)
{
	static const char *const fields[] = {"def_key", "form", "next_assignees", NULL};
	const struct wf_form *form_kind;
	const char *key = NULL;
	char title[TODO_TITLE_MAX + 1];
	int64_t next[WF_CHOSEN_MAX], id = 0;
	json_t *form = NULL;
	struct wf_loaded l;
	int n_next = 0, rc = -1;

	if (r->body == NULL)
		return err_set(e, ERR_VALIDATION, "请填写申请内容");
	if (jv_only(r->body, fields, e) ||
	    jv_string(r->body, "def_key", "申请类型", true, WF_ID_LEN, &key, e))
		return -1;
	if ((form_kind = wf_form_find(key)) == NULL)
		return err_field(e, ERR_VALIDATION, "def_key", "不支持的申请类型：%s", key);
	if (next_from_body(r->body, next, &n_next, e) ||
	    form_kind->validate(r->db, &r->who, json_object_get(r->body, "form"), &form, title,
	                        sizeof title, e))
		return -1;
	if (wf_store_start(r->db, &r->who, key, WF_FORM_MODULE, 0, title, form, next, n_next, &id,
	                   e) == 0 &&
	    wf_load_visible(r->db, &r->who, id, &l, e) == 0) {
		req_audit_object(r, "wf_instance", id);
		snprintf(r->audit_detail, sizeof r->audit_detail, "%s %.200s", key, title);
		rc = reply_instance(r, &l, 201, e);
		wf_loaded_free(&l);
	}
	json_decref(form);
	return rc;
}

static int get_instance(struct req *r, struct err *e)
{
	struct wf_loaded l;
	int64_t id;
	int rc;

	if (req_param_id(r, "id", &id, e) || wf_load_visible(r->db, &r->who, id, &l, e))
		return -1;
	rc = reply_instance(r, &l, 200, e);
	wf_loaded_free(&l);
	return rc;
}

/* A resubmitted 报备审批 form goes through the form's checks; its title follows the new form. */
static int resubmit_form(struct req *r, struct wf_loaded *l, json_t **body, struct err *e)
{
	const char *action = json_string_value(json_object_get(r->body, "action"));
	json_t *in = json_object_get(r->body, "form"), *form = NULL;
	const struct wf_form *f;
	char title[TODO_TITLE_MAX + 1];

	*body = json_incref(r->body);
	if (in == NULL)
		return 0;
	if (action == NULL || strcmp(action, "resubmit") != 0)
		return err_field(e, ERR_VALIDATION, "form", "只有重新提交时可以修改申请内容");
	if (strcmp(l->module, WF_FORM_MODULE) != 0 || (f = wf_form_find(l->def->key)) == NULL)
		return 0;
	if (f->validate(r->db, &r->who, in, &form, title, sizeof title, e))
		return -1;
	json_decref(*body);
	*body = json_copy(r->body);
	json_object_set_new(*body, "form", form);
	snprintf(l->title, sizeof l->title, "%s", title);
	return 0;
}

static int post_action(struct req *r, struct err *e)
{
	struct wf_loaded l;
	json_t *body = NULL;
	int64_t id, version;
	int step, rc = -1;

	if (req_param_id(r, "id", &id, e))
		return -1;
	req_audit_object(r, "wf_instance", id);
	if (r->body == NULL)
		return err_field(e, ERR_VALIDATION, "action", "请选择操作");
	if (wf_load_visible(r->db, &r->who, id, &l, e))
		return -1;
	step = l.inst->step;
	if (resubmit_form(r, &l, &body, e) == 0 &&
	    wf_act_loaded(r->db, &r->who, &l, body, &version, e) == 0) {
		snprintf(r->audit_detail, sizeof r->audit_detail, "%s %s -> %s",
		         json_string_value(json_object_get(body, "action")),
		         step >= 0 && step < l.def->n_steps ? l.def->steps[step].id : "",
		         wf_state_name(l.inst->state));
		rc = reply_instance(r, &l, 200, e);
	}
	json_decref(body);
	wf_loaded_free(&l);
	return rc;
}

static int post_scheduler_run(struct req *r, struct err *e)
{
	static const char *const fields[] = {"now", NULL};
	const char *now = NULL;
	char iso[TIME_ISO_MAX];
	int64_t t;
	int instances, fired;

	if (!wf_clock_fake())
		return err_set(e, ERR_NOT_FOUND,
		               "接口不存在（仅在测试时钟 JIANWU_FAKE_NOW 下可用）");
	if (jv_only(r->body, fields, e) ||
	    jv_string(r->body, "now", "时间", false, TIME_ISO_MAX, &now, e))
		return -1;
	if (now != NULL) {
		if (time_parse_iso(now, &t))
			return err_field(e, ERR_VALIDATION, "now", "时间格式应为 ISO 8601");
		wf_clock_set(t);
	}
	t = wf_now();
	if (wf_sweep(r->db, t, false, &instances, &fired, e))
		return -1;
	time_iso(t, iso);
	snprintf(r->audit_detail, sizeof r->audit_detail, "now %s, %d events", iso, fired);
	req_reply(r, 200,
	          json_pack("{s:s, s:i, s:i}", "now", iso, "instances", instances, "fired", fired));
	return 0;
}

/* --- the calendar --- */

static int year_param(struct req *r, int *year, struct err *e)
{
	const char *s = req_param(r, "year");
	char *end = NULL;
	long y = s ? strtol(s, &end, 10) : 0;

	if (s == NULL || *end || y < WORKDAY_YEAR_MIN || y > WORKDAY_YEAR_MAX)
		return err_set(e, ERR_NOT_FOUND, "年份应在%d至%d之间", WORKDAY_YEAR_MIN,
		               WORKDAY_YEAR_MAX);
	*year = (int)y;
	return 0;
}

static int get_calendar(struct req *r, struct err *e)
{
	json_t *doc;
	int year;

	if (year_param(r, &year, e) ||
	    (doc = wf_calendar_get(r->db, r->who.org_id, year, e)) == NULL)
		return -1;
	req_reply(r, 200, doc);
	return 0;
}

static int put_calendar(struct req *r, struct err *e)
{
	json_t *doc;
	int year;

	if (year_param(r, &year, e))
		return -1;
	if (r->body == NULL)
		return err_set(e, ERR_VALIDATION, "请提交工作日历");
	if (wf_calendar_put(r->db, r->who.org_id, year, r->body, r->who.user_id, e) ||
	    (doc = wf_calendar_get(r->db, r->who.org_id, year, e)) == NULL)
		return -1;
	snprintf(r->audit_object_type, sizeof r->audit_object_type, "calendar");
	snprintf(r->audit_object_id, sizeof r->audit_object_id, "%d", year);
	snprintf(r->audit_detail, sizeof r->audit_detail, "version %lld",
	         (long long)json_integer_value(json_object_get(doc, "version")));
	req_reply(r, 200, doc);
	return 0;
}

/* --- the module --- */

static int wf_module_start(const char *db_uri, struct err *e)
{
	return wf_sched_start(db_uri, e);
}

static void wf_module_stop(void)
{
	wf_sched_stop();
	wf_calendar_release_all();
	wf_def_cache_clear();
}

int wf_demo(struct db *db, int64_t org_id, struct err *e)
{
	return wf_org_seed(db, org_id, e);
}

static const struct route wf_routes[] = {
    {"GET", "/api/v1/workflows/definitions", get_definitions, 0, ROLES_BUSINESS, NULL},
    {"POST", "/api/v1/workflows/definitions", post_definition, 0, ROLE_OFFICE_DIRECTOR,
     "workflow.definition.save"},
    {"GET", "/api/v1/workflows/definitions/{key}", get_definition, 0, ROLES_BUSINESS, NULL},
    {"GET", "/api/v1/workflows/instances", get_instances, 0, ROLES_BUSINESS, NULL},
    {"POST", "/api/v1/workflows/instances", post_instance, 0, ROLES_BUSINESS, "workflow.start"},
    {"GET", "/api/v1/workflows/instances/{id}", get_instance, 0, ROLES_BUSINESS, NULL},
    {"POST", "/api/v1/workflows/instances/{id}/actions", post_action, 0, ROLES_BUSINESS,
     "workflow.action"},
    {"POST", "/api/v1/workflows/scheduler/run", post_scheduler_run, 0, ROLE_SYSADMIN,
     "workflow.scheduler.run"},
    {"GET", "/api/v1/calendar/{year}", get_calendar, 0, 0, NULL},
    {"PUT", "/api/v1/calendar/{year}", put_calendar, 0, ROLE_OFFICE_DIRECTOR | ROLE_SYSADMIN,
     "calendar.update"},
};

const struct module workflow_module = {
    .name = "workflow",
    .routes = wf_routes,
    .route_count = sizeof wf_routes / sizeof wf_routes[0],
    .start = wf_module_start,
    .stop = wf_module_stop,
    .demo = wf_demo,
};
