/*
 * wf_store.c - definitions, instances, work items, history and notices in the store; the resolver
 * of assignee rules; the listener registry; wf_start/wf_act (see wf_store.h, workflow.h).
 */
#include "workflow/wf_store.h"
#include "audit/audit.h"
#include "core/buf.h"
#include "core/log.h"
#include "core/timeutil.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* --- listeners --- */

static const struct wf_listener *listeners[WF_LISTENERS_MAX];
static int n_listeners;

int wf_register_listener(const struct wf_listener *l)
{
	if (l == NULL || l->module == NULL || n_listeners == WF_LISTENERS_MAX ||
	    wf_listener_for(l->module) != NULL)
		return -1;
	listeners[n_listeners++] = l;
	return 0;
}

const struct wf_listener *wf_listener_for(const char *module)
{
	for (int i = 0; module != NULL && i < n_listeners; i++)
		if (strcmp(listeners[i]->module, module) == 0)
			return listeners[i];
	return NULL;
}

/* --- roles and the resolver --- */

int wf_role_codes(const char *role, const char *codes[2])
{
	if (strcmp(role, "院领导") == 0) {
		codes[0] = "chief";
		codes[1] = "leader";
		return 2;
	}
	if (strcmp(role, "分管领导") == 0) {
		codes[0] = "leader";
		return 1;
	}
	for (int i = 0; i < ROLE_COUNT; i++) {
		if (strcmp(role_table[i].code, role) == 0 ||
		    strcmp(role_table[i].name, role) == 0) {
			codes[0] = role_table[i].code;
			return 1;
		}
	}
	return 0;
}

/* Active users of the org holding role c1 or c2, ascending; count or -1. */
static int users_with_role(struct db *db, int64_t org_id, const char *c1, const char *c2,
                           int64_t *out, int max, struct err *e)
{
	struct db_stmt *st =
	    db_query(db, e,
	             "SELECT u.id FROM app_user u JOIN user_role r ON r.user_id = u.id"
	             " WHERE u.org_id = $1 AND u.active = 1 AND r.role IN ($2, $3)"
	             " GROUP BY u.id ORDER BY u.id",
	             "Iss", org_id, c1, c2 ? c2 : c1);
	int n = 0, rc;

	if (st == NULL)
		return -1;
	while ((rc = db_step(st, e)) == DB_ROW && n < max)
		out[n++] = db_col_int(st, 0);
	db_reset(st);
	return rc < 0 ? -1 : n;
}

/* The department's head and 分管领导, 0 when unset or inactive. */
static int dept_people(struct db *db, int64_t org_id, int64_t dept, int64_t *head, int64_t *leader,
                       struct err *e)
{
	struct db_stmt *st =
	    db_query(db, e,
	             "SELECT (SELECT id FROM app_user WHERE id = d.head_id AND active = 1),"
	             " (SELECT id FROM app_user WHERE id = d.leader_id AND active = 1)"
	             " FROM department d WHERE d.id = $1 AND d.org_id = $2",
	             "II", dept, org_id);
	int rc;

	*head = *leader = 0;
	if (st == NULL)
		return -1;
	if ((rc = db_step(st, e)) == DB_ROW) {
		*head = db_col_int(st, 0);
		*leader = db_col_int(st, 1);
	}
	db_reset(st);
	return rc < 0 ? -1 : 0;
}

struct resolver_ctx {
	struct db *db;
	int64_t org_id;
};

/*
 * Assignee rules against the org. Someone never approves their own request where the org has a
 * superior to ask: when the initiator is their department's head, "dept_head" goes to the
 * department's 分管领导; when the initiator is that 分管领导, it goes to the 检察长 (the office
 * practice for a head's own leave). An unset head or 分管领导 yields nobody, which the engine
 * reports as a configuration error naming the step.
 */
static int resolve(void *ctx, const struct wf_rule *rule, const struct wf_instance *inst,
                   int64_t *out, int max, struct err *e)
{
	struct resolver_ctx *rc = ctx;
	const char *codes[2] = {NULL, NULL};
	int64_t head, leader;
	int n;

	switch (rule->kind) {
	case WF_RULE_DEPT_HEAD:
	case WF_RULE_LEADER_IN_CHARGE:
		if (dept_people(rc->db, rc->org_id, inst->initiator_dept, &head, &leader, e))
			return -1;
		if (rule->kind == WF_RULE_DEPT_HEAD && head != inst->initiator) {
			out[0] = head;
			return head > 0 ? 1 : 0;
		}
		if (leader != inst->initiator) {
			out[0] = leader;
			return leader > 0 ? 1 : 0;
		}
		return users_with_role(rc->db, rc->org_id, "chief", NULL, out, max, e);
	case WF_RULE_OFFICE_DIRECTOR:
		return users_with_role(rc->db, rc->org_id, "office_director", NULL, out, max, e);
	case WF_RULE_CHIEF:
		return users_with_role(rc->db, rc->org_id, "chief", NULL, out, max, e);
	case WF_RULE_ROLE:
		n = wf_role_codes(rule->role, codes);
		if (n == 0)
			return err_set(e, ERR_VALIDATION, "流程配置中的角色“%s”不存在", rule->role);
		return users_with_role(rc->db, rc->org_id, codes[0], codes[1], out, max, e);
	default:
		return 0;
	}
}

/* --- definitions --- */

struct wf_def *wf_def_load(struct db *db, int64_t org_id, const char *key, int version,
                           bool *active, struct err *e)
{
	struct db_stmt *st =
	    db_query(db, e,
	             "SELECT version, active, body FROM wf_definition"
	             " WHERE org_id = $1 AND def_key = $2 AND ($3 = 0 OR version = $3)"
	             " ORDER BY version DESC LIMIT 1",
	             "Isi", org_id, key, version);
	struct wf_def *def = NULL;
	int rc, v = 0;

	if (st == NULL)
		return NULL;
	rc = db_step(st, e);
	if (rc == DB_ROW) {
		const char *body = db_col_text(st, 2);
		v = (int)db_col_int(st, 0);
		if (active)
			*active = db_col_int(st, 1) != 0;
		if (wf_def_parse(body, strlen(body), &def, e)) {
			db_reset(st);
			err_internal(e, "wf_store: stored definition %s v%d does not parse", key,
			             v);
			return NULL;
		}
		def->version = v;
	}
	db_reset(st);
	if (rc == DB_DONE)
		err_set(e, ERR_NOT_FOUND, "流程定义不存在：%.40s", key);
	return def;
}

/*
 * Parsed definitions, shared: a (org, key, version) never changes once saved, so every action on
 * an instance of it can reuse one parse. Entries are reference-counted; an unreferenced one is
 * evicted (least recently used) when the cache is full, and when every entry is in use a
 * definition is simply not cached (def_release frees it).
 */
struct def_entry {
	int64_t org_id;
	char key[WF_ID_LEN + 1];
	int version;
	int refs;
	uint64_t used;
	struct wf_def *def;
};

static struct def_entry def_cache[WF_DEF_CACHE_MAX];
static uint64_t def_tick;
static pthread_mutex_t def_mu = PTHREAD_MUTEX_INITIALIZER;

static struct def_entry *def_find(int64_t org_id, const char *key, int version)
{
	for (int i = 0; i < WF_DEF_CACHE_MAX; i++)
		if (def_cache[i].def && def_cache[i].org_id == org_id &&
		    def_cache[i].version == version && strcmp(def_cache[i].key, key) == 0)
			return &def_cache[i];
	return NULL;
}

/* Takes a reference to the definition of an instance (version > 0); NULL with e set. */
static struct wf_def *def_acquire(struct db *db, int64_t org_id, const char *key, int version,
                                  struct err *e)
{
	struct def_entry *d, *slot = NULL;
	struct wf_def *def;

	pthread_mutex_lock(&def_mu);
	if ((d = def_find(org_id, key, version)) != NULL) {
		d->refs++;
		d->used = ++def_tick;
		pthread_mutex_unlock(&def_mu);
		return d->def;
	}
	pthread_mutex_unlock(&def_mu);
	if ((def = wf_def_load(db, org_id, key, version, NULL, e)) == NULL)
		return NULL;
	pthread_mutex_lock(&def_mu);
	if ((d = def_find(org_id, key, version)) != NULL) { /* another thread parsed it meanwhile */
		d->refs++;
		d->used = ++def_tick;
		pthread_mutex_unlock(&def_mu);
		wf_def_free(def);
		return d->def;
	}
	for (int i = 0; i < WF_DEF_CACHE_MAX; i++)
		if (def_cache[i].refs == 0 && (slot == NULL || def_cache[i].used < slot->used))
			slot = &def_cache[i];
	if (slot != NULL) {
		wf_def_free(slot->def);
		*slot = (struct def_entry){.org_id = org_id,
		                           .version = version,
		                           .refs = 1,
		                           .used = ++def_tick,
		                           .def = def};
		snprintf(slot->key, sizeof slot->key, "%s", key);
	}
	pthread_mutex_unlock(&def_mu);
	return def;
}

static void def_release(struct wf_def *def)
{
	if (def == NULL)
		return;
	pthread_mutex_lock(&def_mu);
	for (int i = 0; i < WF_DEF_CACHE_MAX; i++) {
		if (def_cache[i].def == def) {
			def_cache[i].refs--;
			pthread_mutex_unlock(&def_mu);
			return;
		}
	}
	pthread_mutex_unlock(&def_mu);
	wf_def_free(def); /* was not cached */
}

void wf_def_cache_clear(void)
{
	pthread_mutex_lock(&def_mu);
	for (int i = 0; i < WF_DEF_CACHE_MAX; i++) {
		if (def_cache[i].refs == 0) {
			wf_def_free(def_cache[i].def);
			memset(&def_cache[i], 0, sizeof def_cache[i]);
		}
	}
	pthread_mutex_unlock(&def_mu);
}

static int check_user(struct db *db, int64_t org_id, int64_t user, const char *path, struct err *e)
{
	int64_t id;
	bool found;

	if (db_query_int(db, e, &id, &found,
	                 "SELECT id FROM app_user WHERE id = $1 AND org_id = $2 AND active = 1",
	                 "II", user, org_id))
		return -1;
	return found ? 0
	             : err_field(e, ERR_VALIDATION, path, "用户 %lld 不存在或已停用",
	                         (long long)user);
}

/* A rule's role names and users must exist in the org (the engine checks only the shape). */
static int check_rule(struct db *db, int64_t org_id, const struct wf_rule *r,
                      enum wf_rule_kind kind, const char *path, struct err *e)
{
	const char *codes[2];

	if (kind == WF_RULE_ROLE && wf_role_codes(r->role, codes) == 0)
		return err_field(e, ERR_VALIDATION, path,
		                 "角色“%s”不存在（可用：院领导、检察长、"
		                 "分管院领导、办公室主任、部门负责人等）",
		                 r->role);
	if (kind == WF_RULE_USERS)
		for (int i = 0; i < r->n_users; i++)
			if (check_user(db, org_id, r->users[i], path, e))
				return -1;
	return 0;
}

int wf_def_save(struct db *db, int64_t org_id, json_t *doc, int base_version, bool active,
                int64_t user, int *version, struct err *e)
{
	struct wf_def *def = NULL;
	struct db_stmt *st;
	char path[64];
	char *body = NULL;
	int64_t latest = 0;
	bool found;
	int rc = -1;

	json_object_del(doc, "version"); /* the store assigns it */
	if (wf_def_from_json(doc, &def, e))
		return -1;
	for (int i = 0; i < def->n_steps; i++) {
		const struct wf_step *s = &def->steps[i];
		snprintf(path, sizeof path, "steps[%d].assignee", i);
		if (check_rule(db, org_id, &s->assignee,
		               s->assignee.kind == WF_RULE_CHOSEN ? s->assignee.from
		                                                  : s->assignee.kind,
		               path, e))
			goto out;
		snprintf(path, sizeof path, "steps[%d].escalate.to", i);
		if (s->escalate &&
		    check_rule(db, org_id, &s->supervisor, s->supervisor.kind, path, e))
			goto out;
	}
	if (db_query_int(db, e, &latest, &found,
	                 "SELECT coalesce(max(version), 0) FROM wf_definition"
	                 " WHERE org_id = $1 AND def_key = $2",
	                 "Is", org_id, def->key))
		goto out;
	if (latest != base_version) {
		err_field(e, ERR_CONFLICT, "version",
		          latest ? "流程定义已被他人修改（当前为第%lld版），请刷新后重试"
		                 : "流程定义不存在（当前为第%lld版），请以 version 0 新建",
		          (long long)latest);
		goto out;
	}
	*version = (int)latest + 1;
	json_object_set_new(doc, "version", json_integer(*version));
	body = json_dumps(doc, JSON_COMPACT);
	if (body == NULL) {
		err_internal(e, "wf_store: out of memory");
		goto out;
	}
	st = db_query(db, e,
	              "INSERT INTO wf_definition (org_id, def_key, version, name, body, active,"
	              " created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
	              "IsissinI", org_id, def->key, *version, def->name, body, active ? 1 : 0,
	              wf_now());
	if (st == NULL)
		goto out;
	if (user > 0)
		db_bind_int(st, 7, user);
	rc = db_step(st, e) < 0 ? -1 : 0;
	db_reset(st);
out:
	free(body);
	wf_def_free(def);
	return rc;
}

/* --- instances --- */

int wf_load(struct db *db, int64_t org_id, int64_t id, struct wf_loaded *out, bool *found,
            struct err *e)
{
	struct db_stmt *st = db_query(
	    db, e,
	    "SELECT org_id, def_key, def_version, module, object_id, title, initiator, version, doc"
	    " FROM wf_instance WHERE id = $1 AND ($2 = 0 OR org_id = $2)",
	    "II", id, org_id);
	char key[WF_ID_LEN + 1];
	int def_version = 0, rc;

	memset(out, 0, sizeof *out);
	*found = false;
	if (st == NULL)
		return -1;
	rc = db_step(st, e);
	if (rc == DB_ROW) {
		const char *doc = db_col_text(st, 8);
		out->id = id;
		out->org_id = db_col_int(st, 0);
		snprintf(key, sizeof key, "%s", db_col_text(st, 1));
		def_version = (int)db_col_int(st, 2);
		snprintf(out->module, sizeof out->module, "%s", db_col_text(st, 3));
		out->object_id = db_col_int(st, 4);
		snprintf(out->title, sizeof out->title, "%s", db_col_text(st, 5));
		out->initiator = db_col_int(st, 6);
		out->version = db_col_int(st, 7);
		if (wf_instance_load(doc, strlen(doc), &out->inst, e))
			rc = -1;
	}
	db_reset(st);
	if (rc != DB_ROW)
		return rc < 0 ? -1 : 0;
	out->inst->id = id;
	out->def = def_acquire(db, out->org_id, key, def_version, e);
	if (out->def == NULL) {
		wf_loaded_free(out);
		return err_internal(e, "wf_store: instance %lld names missing definition %s v%d",
		                    (long long)id, key, def_version);
	}
	*found = true;
	return 0;
}

void wf_loaded_free(struct wf_loaded *l)
{
	def_release(l->def);
	wf_instance_free(l->inst);
	l->def = NULL;
	l->inst = NULL;
}

int wf_may_see(struct db *db, const struct principal *who, const struct wf_loaded *l, bool *ok,
               struct err *e)
{
	const struct wf_listener *lis;
	int64_t n;
	bool found;

	*ok = who->org_id == l->org_id &&
	      (who->user_id == l->initiator || (who->roles & WF_SEE_ALL_ROLES));
	if (*ok || who->org_id != l->org_id)
		return 0;
	if (db_query_int(db, e, &n, &found,
	                 "SELECT 1 WHERE EXISTS (SELECT 1 FROM todo WHERE instance_id = $1"
	                 " AND user_id = $2) OR EXISTS (SELECT 1 FROM notice WHERE instance_id = $1"
	                 " AND user_id = $2)",
	                 "II", l->id, who->user_id))
		return -1;
	*ok = found;
	lis = wf_listener_for(l->module);
	if (!*ok && lis && lis->visible)
		return lis->visible(db, who, l->object_id, ok, e);
	return 0;
}

int wf_instance_of(struct db *db, int64_t org_id, const char *module, int64_t object_id,
                   int64_t *instance_id, struct err *e)
{
	bool found;

	*instance_id = 0;
	return db_query_int(db, e, instance_id, &found,
	                    "SELECT id FROM wf_instance WHERE module = $1 AND object_id = $2"
	                    " AND org_id = $3 ORDER BY id DESC LIMIT 1",
	                    "sII", module, object_id, org_id);
}

/* --- writing an action's result --- */

struct pctx {
	struct db *db;
	const struct wf_loaded *l;        /* id, org, module, object, title, def */
	const struct wf_instance *before; /* NULL for the submit */
	const struct wf_instance *after;
	const struct wf_result *res;
	const struct wf_action *act;
	char actor_name[FIELD_NAME_MAX + 1];
	struct err *e;
};

static int user_name(struct db *db, int64_t id, char *out, size_t size, struct err *e)
{
	struct db_stmt *st;
	int rc;

	snprintf(out, size, "%s", id ? "" : "系统");
	if (id == 0)
		return 0;
	st = db_query(db, e, "SELECT name FROM app_user WHERE id = $1", "I", id);
	if (st == NULL)
		return -1;
	if ((rc = db_step(st, e)) == DB_ROW)
		snprintf(out, size, "%s", db_col_text(st, 0));
	db_reset(st);
	return rc < 0 ? -1 : 0;
}

static const char *step_name_of(const struct wf_def *def, int step)
{
	if (step == WF_STEP_INITIATOR)
		return "修改后重新提交";
	return step >= 0 && step < def->n_steps ? def->steps[step].name : "";
}

/* "2026-03-03 18:00" */
static void short_time(int64_t t, char out[TIME_ISO_MAX])
{
	time_iso(t, out);
	out[10] = ' ';
	out[16] = '\0';
}

static const char *item_row_state(const struct wf_item *it)
{
	switch (it->state) {
	case WF_ITEM_PENDING:
		return "pending";
	case WF_ITEM_WAITING:
		return "waiting";
	case WF_ITEM_DONE:
		return it->outcome == WF_OUT_ESCALATED ? "cancelled" : "done";
	default:
		return "cancelled";
	}
}

/* Mirrors one engine item into its todo row (insert or update). */
static int upsert_item(struct pctx *p, const struct wf_item *it)
{
	char due[DATE_STR_MAX];
	struct db_stmt *st = db_query(
	    p->db, p->e,
	    "INSERT INTO todo (org_id, user_id, kind, object_id, title, step, due_date, due_at,"
	    " instance_id, item_id, state, outcome, created_at, done_at)"
	    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)"
	    " ON CONFLICT (instance_id, item_id) DO UPDATE SET state = excluded.state,"
	    " outcome = excluded.outcome, done_at = excluded.done_at, due_at = excluded.due_at,"
	    " due_date = excluded.due_date, title = excluded.title",
	    "IIsIss", p->l->org_id, it->user, p->l->module, p->l->object_id, p->l->title,
	    step_name_of(p->l->def, it->step));
	int rc;

	if (st == NULL)
		return -1;
	if (it->due) {
		date_format(date_of_time(it->due), due);
		db_bind_text(st, 7, due);
		db_bind_int(st, 8, it->due);
	} else {
		db_bind_null(st, 7);
		db_bind_null(st, 8);
	}
	db_bind_int(st, 9, p->l->id);
	db_bind_int(st, 10, it->id);
	db_bind_text(st, 11, item_row_state(it));
	db_bind_text(st, 12, it->outcome == WF_OUT_NONE ? NULL : wf_outcome_name(it->outcome));
	db_bind_int(st, 13, it->created);
	it->closed ? db_bind_int(st, 14, it->closed) : db_bind_null(st, 14);
	rc = db_step(st, p->e);
	db_reset(st);
	return rc < 0 ? -1 : 0;
}

static int insert_history(struct pctx *p, const struct wf_history *h)
{
	struct db_stmt *st =
	    db_query(p->db, p->e,
	             "INSERT INTO wf_history (instance_id, seq, at, actor, event,"
	             " step, item_id, target, to_step, position, state, opinion)"
	             " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
	             "IIIIsi", p->l->id, h->seq, h->at, h->actor, wf_event_name(h->event), h->step);
	int rc;

	if (st == NULL)
		return -1;
	if (h->actor == 0)
		db_bind_null(st, 4);
	h->item ? db_bind_int(st, 7, h->item) : db_bind_null(st, 7);
	h->target ? db_bind_int(st, 8, h->target) : db_bind_null(st, 8);
	h->event == WF_EV_RETURN ? db_bind_int(st, 9, h->to_step) : db_bind_null(st, 9);
	db_bind_text(st, 10,
	             h->event == WF_EV_ADD_SIGNER ? (h->before ? "before" : "after") : NULL);
	db_bind_text(st, 11, wf_state_name(h->state));
	db_bind_text(st, 12, h->opinion);
	rc = db_step(st, p->e);
	db_reset(st);
	return rc < 0 ? -1 : 0;
}

/* The words of a notice. */
static int notice_text(struct pctx *p, const struct wf_notice *n, char *title, size_t tsize,
                       char *body, size_t bsize)
{
	const struct wf_item *it = n->item ? wf_instance_item(p->after, n->item) : NULL;
	const char *step = it ? step_name_of(p->l->def, it->step) : "";
	const char *opinion = p->act->opinion && p->act->opinion[0] ? p->act->opinion : NULL;
	char when[TIME_ISO_MAX] = "", holder[FIELD_NAME_MAX + 1];

	if (it && it->due)
		short_time(it->due, when);
	/* the actor's name, looked up once, only for the notices that say who acted */
	if (n->actor && p->actor_name[0] == '\0' && n->kind != WF_NOTICE_ASSIGNED &&
	    user_name(p->db, n->actor, p->actor_name, sizeof p->actor_name, p->e))
		return -1;
	body[0] = '\0';
	switch (n->kind) {
	case WF_NOTICE_ASSIGNED:
		snprintf(title, tsize, "待您审批：%s", p->l->title);
		snprintf(body, bsize, "办理环节：%s%s%s", step, when[0] ? "，办理时限：" : "",
		         when);
		break;
	case WF_NOTICE_REMINDED:
		snprintf(title, tsize, "催办：%s", p->l->title);
		if (n->actor)
			snprintf(body, bsize, "%s催办“%s”%s%s", p->actor_name, step,
			         opinion ? "：" : "，请尽快处理", opinion ? opinion : "");
		else
			snprintf(body, bsize, "“%s”将于 %s 到期，请及时处理", step, when);
		break;
	case WF_NOTICE_RETURNED:
		snprintf(title, tsize, "已退回：%s", p->l->title);
		snprintf(body, bsize, "%s退回%s%s", p->actor_name, opinion ? "：" : "",
		         opinion ? opinion : "");
		break;
	case WF_NOTICE_OVERDUE:
		snprintf(title, tsize, "已超期：%s", p->l->title);
		snprintf(body, bsize, "“%s”的办理时限（%s）已过，请尽快办理", step, when);
		break;
	case WF_NOTICE_ESCALATED:
		if (user_name(p->db, it ? it->user : 0, holder, sizeof holder, p->e))
			return -1;
		snprintf(title, tsize, "超期督办：%s", p->l->title);
		snprintf(body, bsize, "%s办理的“%s”已超过办理时限（%s）", holder, step, when);
		break;
	case WF_NOTICE_FINISHED:
		snprintf(title, tsize, "%s：%s",
		         n->state == WF_APPROVED   ? "已通过"
		         : n->state == WF_REJECTED ? "未通过"
		                                   : "已取消",
		         p->l->title);
		if (n->actor)
			snprintf(body, bsize, "%s%s%s", p->actor_name, opinion ? "：" : "",
			         opinion ? opinion : "");
		break;
	}
	return 0;
}

static int insert_notice(struct pctx *p, const struct wf_notice *n)
{
	char title[TODO_TITLE_MAX + 64], body[WF_OPINION_MAX + 256];
	struct notice_new nn = {.org_id = p->l->org_id,
	                        .user_id = n->user,
	                        .kind = wf_notice_kind_name(n->kind),
	                        .title = title,
	                        .body = body,
	                        .object_kind = p->l->module,
	                        .object_id = p->l->object_id,
	                        .instance_id = p->l->id};

	if (notice_text(p, n, title, sizeof title, body, sizeof body))
		return -1;
	if (body[0] == '\0')
		nn.body = NULL;
	return notice_add(p->db, &nn, p->e);
}

static bool finished_state(enum wf_state s)
{
	return wf_state_terminal(s) || s == WF_WITHDRAWN;
}

static int call_listener(struct pctx *p)
{
	const struct wf_listener *lis = wf_listener_for(p->l->module);
	const struct wf_instance *b = p->before, *a = p->after;
	struct wf_change c;
	int step;

	if (lis == NULL || lis->changed == NULL)
		return 0;
	if (!lis->every_action && b != NULL && b->state == a->state &&
	    b->activation == a->activation)
		return 0;
	step = a->step;
	c = (struct wf_change){
	    .org_id = p->l->org_id,
	    .instance_id = p->l->id,
	    .module = p->l->module,
	    .object_id = p->l->object_id,
	    .def_key = p->l->def->key,
	    .actor = p->act->actor,
	    .action = wf_action_name(p->act->kind),
	    .opinion = p->act->opinion,
	    .prev_state = b ? b->state : WF_RUNNING,
	    .state = a->state,
	    .finished = finished_state(a->state),
	    .prev_step = b ? b->step : -1,
	    .step = step,
	    .prev_step_id = b && b->step >= 0 && b->step < p->l->def->n_steps
	                        ? p->l->def->steps[b->step].id
	                        : "",
	    .step_id = step >= 0 && step < p->l->def->n_steps ? p->l->def->steps[step].id : "",
	    .step_name = step >= 0 && step < p->l->def->n_steps ? p->l->def->steps[step].name : "",
	    .behalf = p->act->behalf,
	    .target = p->act->target,
	    .form = a->form,
	};
	return lis->changed(p->db, &c, p->e);
}

/* Items, history, notices and the listener of one applied action. */
static int persist(struct pctx *p)
{
	const struct wf_result *r = p->res;

	for (int i = 0; i < r->n_changed; i++) {
		const struct wf_item *it = wf_instance_item(p->after, r->changed[i]);
		if (it == NULL)
			return err_internal(p->e, "wf_store: changed item %lld missing",
			                    (long long)r->changed[i]);
		if (upsert_item(p, it))
			return -1;
	}
	for (int i = 0; i < r->n_history; i++)
		if (insert_history(p, &r->history[i]))
			return -1;
	for (int i = 0; i < r->n_notices; i++)
		if (insert_notice(p, &r->notices[i]))
			return -1;
	return call_listener(p);
}

static const char *row_step_name(const struct wf_def *def, const struct wf_instance *inst)
{
	if (inst->state == WF_RUNNING)
		return step_name_of(def, inst->step);
	return inst->state == WF_RETURNED ? "退回修改" : "";
}

static int module_check(const char *module, struct err *e)
{
	size_t n = module ? strlen(module) : 0;

	if (n == 0 || n > WF_MODULE_MAX)
		return err_internal(e, "wf_store: bad module name");
	for (size_t i = 0; i < n; i++)
		if (!((module[i] >= 'a' && module[i] <= 'z') || module[i] == '_'))
			return err_internal(e, "wf_store: bad module name %s", module);
	return 0;
}

/* The latest version of a definition and whether it is active. */
static int latest_version(struct db *db, int64_t org_id, const char *key, int *version,
                          bool *active, struct err *e)
{
	struct db_stmt *st = db_query(db, e,
	                              "SELECT version, active FROM wf_definition WHERE org_id = $1"
	                              " AND def_key = $2 ORDER BY version DESC LIMIT 1",
	                              "Is", org_id, key);
	int rc;

	if (st == NULL)
		return -1;
	if ((rc = db_step(st, e)) == DB_ROW) {
		*version = (int)db_col_int(st, 0);
		*active = db_col_int(st, 1) != 0;
	}
	db_reset(st);
	if (rc == DB_DONE)
		return err_set(e, ERR_NOT_FOUND, "流程定义不存在：%.40s", key);
	return rc < 0 ? -1 : 0;
}

/* Turns presets by step id into engine choices checked against each step's allowed set, for an
 * instance of initiator in dept; presets of unknown or not-"chosen" steps are dropped. */
static int presets_resolve(struct db *db, int64_t org_id, const struct wf_def *def,
                           int64_t initiator, int64_t dept, const struct wf_preset *in, int n_in,
                           struct wf_choice *out, int *n_out, struct err *e)
{
	int64_t allowed[WF_ASSIGNEES_MAX];

	*n_out = 0;
	for (int i = 0; i < n_in; i++) {
		int s = in[i].step_id ? wf_def_step_index(def, in[i].step_id) : -1, n_allowed;
		const struct wf_step *st = s >= 0 ? &def->steps[s] : NULL;
		struct wf_choice *ch = &out[*n_out];

		if (st == NULL || st->assignee.kind != WF_RULE_CHOSEN || *n_out == WF_STEPS_MAX)
			continue;
		if (in[i].n < 0 || in[i].n > WF_CHOSEN_MAX ||
		    (st->kind == WF_STEP_SINGLE && in[i].n > 1))
			return err_field(e, ERR_VALIDATION, "next_assignees", "“%s”最多%d人",
			                 st->name, st->kind == WF_STEP_SINGLE ? 1 : WF_CHOSEN_MAX);
		n_allowed = in[i].n == 0 ? 0
		                         : wf_candidates(db, org_id, &st->assignee, initiator, dept,
		                                         allowed, WF_ASSIGNEES_MAX, e);
		if (n_allowed < 0)
			return -1;
		ch->step = s;
		ch->n = 0;
		for (int k = 0; k < in[i].n; k++) {
			int ok = 0, dup = 0;

			for (int j = 0; j < n_allowed; j++)
				ok |= allowed[j] == in[i].users[k];
			for (int j = 0; j < ch->n; j++)
				dup |= ch->users[j] == in[i].users[k];
			if (!ok)
				return err_field(e, ERR_VALIDATION, "next_assignees",
				                 "人员 %lld 不在“%s”的可选范围内",
				                 (long long)in[i].users[k], st->name);
			if (!dup)
				ch->users[ch->n++] = in[i].users[k];
		}
		(*n_out)++;
	}
	return 0;
}

static int store_start(struct db *db, const struct principal *who, const char *def_key,
                       const char *module, int64_t object_id, const char *title, const json_t *form,
                       const int64_t *next, int n_next, const struct wf_preset *presets,
                       int n_presets, int64_t *instance_id, struct err *e)
{
	struct wf_choice chosen[WF_STEPS_MAX];
	struct resolver_ctx rctx = {db, who->org_id};
	struct wf_resolver res = {&rctx, resolve};
	struct wf_action act = {.kind = WF_ACT_SUBMIT,
	                        .actor = who->user_id,
	                        .at = wf_now(),
	                        .to_step = WF_TO_INITIATOR,
	                        .form = form,
	                        .initiator_dept = who->department_id};
	struct wf_result out = {0};
	struct wf_loaded l = {0};
	const struct workday_cal *cal;
	struct pctx p = {0};
	struct db_stmt *st;
	char *doc = NULL;
	bool active = false;
	int rc = -1, version = 0;

	if (module_check(module, e))
		return -1;
	if (title == NULL || title[0] == '\0' || strlen(title) > TODO_TITLE_MAX)
		return err_field(e, ERR_VALIDATION, "title", "标题不能为空且不超过%d字节",
		                 TODO_TITLE_MAX);
	if (n_next < 0 || n_next > WF_CHOSEN_MAX)
		return err_field(e, ERR_VALIDATION, "next_assignees", "最多选择%d位审批人",
		                 WF_CHOSEN_MAX);
	act.n_next = n_next;
	if (n_next)
		memcpy(act.next, next, (size_t)n_next * sizeof *next);
	if (latest_version(db, who->org_id, def_key, &version, &active, e) ||
	    (l.def = def_acquire(db, who->org_id, def_key, version, e)) == NULL)
		return -1;
	if (!active) {
		err_field(e, ERR_VALIDATION, "def_key", "流程“%s”已停用", l.def->name);
		goto out;
	}
	if (presets_resolve(db, who->org_id, l.def, who->user_id, who->department_id, presets,
	                    n_presets, chosen, &act.n_presets, e))
		goto out;
	act.presets = chosen;
	if ((cal = wf_calendar(db, who->org_id, e)) == NULL ||
	    wf_apply(l.def, NULL, &act, &res, cal, &out, e))
		goto out;
	doc = wf_instance_dump(out.inst);
	if (doc == NULL) {
		err_internal(e, "wf_store: out of memory");
		goto out;
	}
	st =
	    db_query(db, e,
	             "INSERT INTO wf_instance (org_id, def_key, def_version, def_name, module,"
	             " object_id, title, initiator, initiator_dept, state, step_name, version, doc,"
	             " submitted_at, updated_at, next_timer_at) VALUES ($1, $2, $3, $4, $5, $6, $7,"
	             " $8, $9, $10, $11, 1, $12, $13, $13, $14) RETURNING id",
	             "Isisss", who->org_id, l.def->key, l.def->version, l.def->name, module, NULL);
	if (st == NULL)
		goto out;
	db_bind_int(st, 6, object_id);
	db_bind_text(st, 7, title);
	db_bind_int(st, 8, who->user_id);
	db_bind_int(st, 9, who->department_id);
	db_bind_text(st, 10, wf_state_name(out.inst->state));
	db_bind_text(st, 11, row_step_name(l.def, out.inst));
	db_bind_text(st, 12, doc);
	db_bind_int(st, 13, act.at);
	wf_instance_next_timer(out.inst) ? db_bind_int(st, 14, wf_instance_next_timer(out.inst))
	                                 : db_bind_null(st, 14);
	if (db_step(st, e) != DB_ROW) {
		db_reset(st);
		goto out;
	}
	l.id = db_col_int(st, 0);
	db_reset(st);
	out.inst->id = l.id; /* the stored document says 0 until the next action; wf_load sets it */
	l.org_id = who->org_id;
	l.object_id = object_id ? object_id : l.id;
	l.initiator = who->user_id;
	l.version = 1;
	snprintf(l.module, sizeof l.module, "%s", module);
	snprintf(l.title, sizeof l.title, "%s", title);
	if (object_id == 0 &&
	    db_execf(db, e, "UPDATE wf_instance SET object_id = $1 WHERE id = $1", "I", l.id) < 0)
		goto out;
	p = (struct pctx){.db = db, .l = &l, .after = out.inst, .res = &out, .act = &act, .e = e};
	if (persist(&p))
		goto out;
	*instance_id = l.id;
	rc = 0;
out:
	free(doc);
	wf_result_free(&out);
	def_release(l.def);
	return rc;
}

int wf_store_start(struct db *db, const struct principal *who, const char *def_key,
                   const char *module, int64_t object_id, const char *title, const json_t *form,
                   const int64_t *next, int n_next, int64_t *instance_id, struct err *e)
{
	return store_start(db, who, def_key, module, object_id, title, form, next, n_next, NULL, 0,
	                   instance_id, e);
}

int wf_start(struct db *db, const struct principal *who, const char *def_key, const char *module,
             int64_t object_id, const char *title, json_t *form, int64_t *instance_id,
             struct err *e)
{
	return store_start(db, who, def_key, module, object_id, title, form, NULL, 0, NULL, 0,
	                   instance_id, e);
}

int wf_start_preset(struct db *db, const struct principal *who, const char *def_key,
                    const char *module, int64_t object_id, const char *title, json_t *form,
                    const struct wf_preset *presets, int n_presets, int64_t *instance_id,
                    struct err *e)
{
	return store_start(db, who, def_key, module, object_id, title, form, NULL, 0, presets,
	                   n_presets, instance_id, e);
}

/* Writes l->inst back as the next version of the instance (no history: wf_update). */
static int store_doc(struct db *db, struct wf_loaded *l, struct err *e)
{
	char *doc = wf_instance_dump(l->inst);
	int rc;

	if (doc == NULL)
		return err_internal(e, "wf_store: out of memory");
	rc = db_execf(db, e,
	              "UPDATE wf_instance SET doc = $1, version = version + 1, updated_at = $2"
	              " WHERE id = $3 AND version = $4",
	              "sIII", doc, wf_now(), l->id, l->version);
	free(doc);
	if (rc < 0)
		return -1;
	if (rc == 0)
		return err_set(e, ERR_CONFLICT, "流程已被他人同时处理，请刷新后重试");
	l->version++;
	return 0;
}

/* Sets (n > 0) or forgets (n == 0) the choice of a step. */
static void choice_put(struct wf_instance *inst, const struct wf_choice *c)
{
	int i = 0;

	while (i < inst->n_choices && inst->choices[i].step != c->step)
		i++;
	if (c->n == 0) {
		if (i < inst->n_choices)
			inst->choices[i] = inst->choices[--inst->n_choices];
		return;
	}
	if (i == inst->n_choices) {
		if (inst->n_choices == WF_STEPS_MAX)
			return; /* cannot happen: one choice per step */
		inst->n_choices++;
	}
	inst->choices[i] = *c;
}

int wf_update(struct db *db, int64_t org_id, int64_t instance_id, const json_t *form,
              const struct wf_preset *presets, int n_presets, struct err *e)
{
	struct wf_choice chosen[WF_STEPS_MAX];
	struct wf_loaded l;
	json_t *copy;
	bool found;
	int n = 0, rc = -1;

	if (wf_load(db, org_id, instance_id, &l, &found, e))
		return -1;
	if (!found)
		return err_set(e, ERR_NOT_FOUND, "流程实例不存在");
	if (wf_state_terminal(l.inst->state)) {
		err_set(e, ERR_CONFLICT, "流程已经结束");
		goto out;
	}
	if (form != NULL) {
		if (!json_is_object(form) ||
		    json_dumpb(form, NULL, 0, JSON_COMPACT) > WF_FORM_JSON_MAX) {
			err_field(e, ERR_VALIDATION, "form", "申请内容须为不超过%d字节的JSON对象",
			          WF_FORM_JSON_MAX);
			goto out;
		}
		if ((copy = json_deep_copy(form)) == NULL) {
			err_internal(e, "wf_store: out of memory");
			goto out;
		}
		json_decref(l.inst->form);
		l.inst->form = copy;
	}
	if (presets_resolve(db, org_id, l.def, l.inst->initiator, l.inst->initiator_dept, presets,
	                    n_presets, chosen, &n, e))
		goto out;
	for (int i = 0; i < n; i++)
		choice_put(l.inst, &chosen[i]);
	rc = store_doc(db, &l, e);
out:
	wf_loaded_free(&l);
	return rc;
}

int wf_view(struct db *db, const struct principal *who, int64_t instance_id, struct wf_view *v,
            struct err *e)
{
	const struct wf_item *it;
	struct wf_loaded l;
	unsigned allowed;
	bool found;

	memset(v, 0, sizeof *v);
	if (wf_load(db, who->org_id, instance_id, &l, &found, e))
		return -1;
	if (!found)
		return err_set(e, ERR_NOT_FOUND, "流程实例不存在");
	v->id = l.id;
	v->version = l.version;
	snprintf(v->def_key, sizeof v->def_key, "%s", l.def->key);
	v->state = l.inst->state;
	if (l.inst->state == WF_RUNNING && l.inst->step >= 0 && l.inst->step < l.def->n_steps)
		snprintf(v->step_id, sizeof v->step_id, "%s", l.def->steps[l.inst->step].id);
	it = wf_instance_pending_of(l.inst, who->user_id);
	v->holds = l.inst->state == WF_RUNNING && it != NULL && it->step >= 0;
	allowed = wf_allowed_actions(l.def, l.inst, who->user_id,
	                             (who->roles & WF_PRIVILEGED_ROLES) != 0);
	v->may_resubmit = (allowed & (1u << WF_ACT_RESUBMIT)) != 0;
	v->may_withdraw = (allowed & (1u << WF_ACT_WITHDRAW)) != 0;
	v->may_cancel = (allowed & (1u << WF_ACT_CANCEL)) != 0;
	wf_loaded_free(&l);
	return 0;
}

/* The timer column alone (a tick with nothing due writes nothing else). */
static int set_timer(struct db *db, int64_t id, int64_t timer, struct err *e)
{
	struct db_stmt *st =
	    db_query(db, e, "UPDATE wf_instance SET next_timer_at = $1 WHERE id = $2", "nI", id);
	int rc;

	if (st == NULL)
		return -1;
	if (timer)
		db_bind_int(st, 1, timer);
	rc = db_step(st, e);
	db_reset(st);
	return rc < 0 ? -1 : 0;
}

/* Acting on someone's authority (代) is the module's decision: its listener's may_act_for. */
static int may_act_for(struct db *db, const struct principal *who, const struct wf_loaded *l,
                       int64_t holder, struct err *e)
{
	const struct wf_listener *lis = wf_listener_for(l->module);
	const struct wf_instance *inst = l->inst;
	bool ok = false;

	if (who == NULL || lis == NULL || lis->may_act_for == NULL)
		return err_field(e, ERR_FORBIDDEN, "on_behalf_of", "此流程不能代他人办理");
	if (lis->may_act_for(
	        db, who, l->object_id,
	        inst->step >= 0 && inst->step < l->def->n_steps ? l->def->steps[inst->step].id : "",
	        holder, &ok, e))
		return -1;
	return ok ? 0 : err_field(e, ERR_FORBIDDEN, "on_behalf_of", "您不能代此人办理");
}

/* wf_store_act, and the names of the history events it wrote appended to events (may be NULL). */
static int store_act(struct db *db, const struct principal *who, struct wf_loaded *l,
                     struct wf_action *act, int64_t *new_version, struct buf *events, struct err *e)
{
	struct resolver_ctx rctx = {db, l->org_id};
	struct wf_resolver res = {&rctx, resolve};
	struct wf_result out = {0};
	const struct workday_cal *cal;
	struct pctx p;
	struct db_stmt *st;
	int64_t timer;
	char *doc = NULL;
	int rc = -1;

	act->actor = who ? who->user_id : 0;
	act->privileged = who && (who->roles & WF_PRIVILEGED_ROLES) != 0;
	if (act->behalf != 0 && may_act_for(db, who, l, act->behalf, e))
		goto out;
	if ((cal = wf_calendar(db, l->org_id, e)) == NULL ||
	    wf_apply(l->def, l->inst, act, &res, cal, &out, e))
		goto out;
	timer = wf_instance_next_timer(out.inst);
	if (out.n_changed == 0 && out.n_history == 0 && out.n_notices == 0) {
		/* a tick with nothing due: only keep the timer column truthful */
		rc = set_timer(db, l->id, timer, e);
		if (new_version)
			*new_version = l->version;
		goto out;
	}
	if ((doc = wf_instance_dump(out.inst)) == NULL) {
		err_internal(e, "wf_store: out of memory");
		goto out;
	}
	st =
	    db_query(db, e,
	             "UPDATE wf_instance SET doc = $1, state = $2, step_name = $3, title = $4,"
	             " version = version + 1, updated_at = $5, finished_at = $6, next_timer_at = $7"
	             " WHERE id = $8 AND version = $9",
	             "ssssI", doc, wf_state_name(out.inst->state), row_step_name(l->def, out.inst),
	             l->title, act->at);
	if (st == NULL)
		goto out;
	wf_state_terminal(out.inst->state) ? db_bind_int(st, 6, out.inst->finished)
	                                   : db_bind_null(st, 6);
	timer ? db_bind_int(st, 7, timer) : db_bind_null(st, 7);
	db_bind_int(st, 8, l->id);
	db_bind_int(st, 9, l->version);
	rc = db_step(st, e);
	db_reset(st);
	if (rc < 0)
		goto out;
	rc = -1;
	if (db_changes(db) == 0) {
		err_set(e, ERR_CONFLICT, "流程已被他人同时处理，请刷新后重试");
		goto out;
	}
	p = (struct pctx){.db = db,
	                  .l = l,
	                  .before = l->inst,
	                  .after = out.inst,
	                  .res = &out,
	                  .act = act,
	                  .e = e};
	if (persist(&p))
		goto out;
	for (int i = 0; events && i < out.n_history; i++)
		buf_addf(events, "%s%s", events->len ? " " : "",
		         wf_event_name(out.history[i].event));
	l->version++;
	wf_instance_free(l->inst);
	l->inst = wf_result_take_instance(&out);
	if (new_version)
		*new_version = l->version;
	rc = 0;
out:
	free(doc);
	wf_result_free(&out);
	return rc;
}

int wf_store_act(struct db *db, const struct principal *who, struct wf_loaded *l,
                 struct wf_action *act, int64_t *new_version, struct err *e)
{
	return store_act(db, who, l, act, new_version, NULL, e);
}

int wf_act_loaded(struct db *db, const struct principal *who, struct wf_loaded *l,
                  const json_t *body, int64_t *version_out, struct err *e)
{
	const json_t *v = json_object_get(body, "version");
	struct wf_action act;

	if (v != NULL && !json_is_integer(v))
		return err_field(e, ERR_VALIDATION, "version", "版本号必须是整数");
	if (v != NULL && json_integer_value(v) != l->version)
		return err_field(e, ERR_CONFLICT, "version",
		                 "流程已有新的办理进展（当前为第%lld版），请刷新后重试",
		                 (long long)l->version);
	if (wf_action_from_json(l->def, body, &act, e))
		return -1;
	if (act.kind == WF_ACT_SUBMIT)
		return err_field(e, ERR_VALIDATION, "action", "新的申请请通过“发起申请”提交");
	act.at = wf_now();
	return wf_store_act(db, who, l, &act, version_out, e);
}

int wf_load_visible(struct db *db, const struct principal *who, int64_t id, struct wf_loaded *l,
                    struct err *e)
{
	bool found, ok = false;

	if (wf_load(db, who->org_id, id, l, &found, e))
		return -1;
	if (!found)
		return err_set(e, ERR_NOT_FOUND, "流程实例不存在");
	if (wf_may_see(db, who, l, &ok, e) == 0 && !ok)
		err_set(e, ERR_NOT_FOUND, "流程实例不存在");
	if (e->kind != ERR_NONE) {
		wf_loaded_free(l);
		return -1;
	}
	return 0;
}

int wf_act(struct db *db, const struct principal *who, int64_t instance_id, const json_t *body,
           int64_t *version_out, struct err *e)
{
	struct wf_loaded l;
	int rc;

	if (wf_load_visible(db, who, instance_id, &l, e))
		return -1;
	rc = wf_act_loaded(db, who, &l, body, version_out, e);
	wf_loaded_free(&l);
	return rc;
}

int wf_candidates(struct db *db, int64_t org_id, const struct wf_rule *chosen, int64_t initiator,
                  int64_t dept, int64_t *out, int max, struct err *e)
{
	struct resolver_ctx rctx = {db, org_id};
	struct wf_instance *inst;
	struct wf_rule from = *chosen;
	int n;

	from.kind = chosen->kind == WF_RULE_CHOSEN ? chosen->from : chosen->kind;
	if (from.kind == WF_RULE_USERS) {
		n = from.n_users < max ? from.n_users : max;
		memcpy(out, from.users, (size_t)n * sizeof *out);
		return n;
	}
	if ((inst = wf_instance_new()) == NULL)
		return err_internal(e, "wf_store: out of memory");
	inst->initiator = initiator;
	inst->initiator_dept = dept;
	n = resolve(&rctx, &from, inst, out, max, e);
	wf_instance_free(inst);
	return n;
}

/* --- the scheduler's path --- */

int wf_tick(struct db *db, int64_t id, int64_t now, int *fired, struct err *e)
{
	struct wf_loaded l;
	struct wf_action act = {.kind = WF_ACT_TICK, .at = now, .to_step = WF_TO_INITIATOR};
	struct buf events = BUF_INIT;
	char oid[32];
	int64_t seq_before;
	bool found;
	int rc = -1;

	*fired = 0;
	if (wf_load(db, 0, id, &l, &found, e))
		return -1;
	if (!found)
		return 0;
	seq_before = l.inst->next_seq;
	if (store_act(db, NULL, &l, &act, NULL, &events, e))
		goto out;
	*fired = (int)(l.inst->next_seq - seq_before);
	snprintf(oid, sizeof oid, "%lld", (long long)l.id);
	rc = *fired == 0 ? 0
	                 : audit_append(db,
	                                &(struct audit_entry){.org_id = l.org_id,
	                                                      .actor = "system",
	                                                      .ip = "",
	                                                      .action = "workflow.tick",
	                                                      .object_type = "wf_instance",
	                                                      .object_id = oid,
	                                                      .result = "ok",
	                                                      .detail = events.data},
	                                e);
out:
	buf_free(&events);
	wf_loaded_free(&l);
	return rc;
}

int wf_sweep(struct db *db, int64_t now, bool own_tx, int *instances, int *fired, struct err *e)
{
	int64_t ids[WF_SCHED_BATCH], last = 0;
	struct db_stmt *st;
	int n, rc;

	*instances = *fired = 0;
	for (;;) {
		st = db_query(db, e,
		              "SELECT id FROM wf_instance WHERE next_timer_at IS NOT NULL"
		              " AND next_timer_at <= $1 AND id > $2 ORDER BY id LIMIT $3",
		              "III", now, last, (int64_t)WF_SCHED_BATCH);
		if (st == NULL)
			return -1;
		n = 0;
		while ((rc = db_step(st, e)) == DB_ROW && n < WF_SCHED_BATCH)
			ids[n++] = db_col_int(st, 0);
		db_reset(st);
		if (rc < 0)
			return -1;
		if (n == 0)
			return 0;
		for (int i = 0; i < n; i++) {
			struct err te = ERR_INIT;
			int f = 0;

			last = ids[i];
			if (!own_tx) {
				if (wf_tick(db, ids[i], now, &f, e))
					return -1;
			} else if (db_begin(db, &te) == 0) {
				if (wf_tick(db, ids[i], now, &f, &te) != 0 ||
				    db_commit(db, &te) != 0) {
					db_rollback(db);
					f = 0;
					/* a conflict means another process ticked it first */
					if (te.kind != ERR_CONFLICT)
						log_error(
						    "workflow: tick of instance %lld failed: %s",
						    (long long)ids[i], te.msg);
				}
			} else {
				log_error("workflow: scheduler cannot begin: %s", te.msg);
				return 0;
			}
			*fired += f;
			*instances += f > 0;
		}
	}
}
