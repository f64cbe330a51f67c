#include "workflow/definition.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const step_kind_names[] = {
    [WF_STEP_SINGLE] = "single",
    [WF_STEP_COUNTERSIGN] = "countersign",
    [WF_STEP_OR_SIGN] = "or_sign",
    [WF_STEP_PERCENTAGE] = "percentage",
};

static const char *const rule_kind_names[] = {
    [WF_RULE_USERS] = "users",
    [WF_RULE_ROLE] = "role",
    [WF_RULE_DEPT_HEAD] = "dept_head",
    [WF_RULE_LEADER_IN_CHARGE] = "leader_in_charge",
    [WF_RULE_OFFICE_DIRECTOR] = "office_director",
    [WF_RULE_CHIEF] = "chief",
    [WF_RULE_CHOSEN] = "chosen",
};

#define N_OF(a) ((int)(sizeof(a) / sizeof((a)[0])))

const char *wf_step_kind_name(enum wf_step_kind k)
{
	return (int)k >= 0 && (int)k < N_OF(step_kind_names) ? step_kind_names[k] : "?";
}

const char *wf_rule_kind_name(enum wf_rule_kind k)
{
	return (int)k >= 0 && (int)k < N_OF(rule_kind_names) ? rule_kind_names[k] : "?";
}

static int name_index(const char *const *names, int n, const char *s)
{
	for (int i = 0; s != NULL && i < n; i++)
		if (names[i] != NULL && strcmp(names[i], s) == 0)
			return i;
	return -1;
}

int wf_percent_required(int n, int percent)
{
	int need = (n * percent + 99) / 100;

	return need < 1 ? 1 : need;
}

/* Refuses keys outside the allowed list, naming the first unknown one. */
static int only_keys(const json_t *obj, const char *const *allowed, const char *path, struct err *e)
{
	const char *key;
	json_t *v;

	json_object_foreach((json_t *)obj, key, v)
	{
		int ok = 0;

		for (int i = 0; allowed[i] != NULL; i++)
			ok |= strcmp(key, allowed[i]) == 0;
		if (!ok)
			return err_field(e, ERR_VALIDATION, path, "%s中有未知字段：%s", path, key);
	}
	return 0;
}

static int valid_id(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > WF_ID_LEN)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_' ||
		      s[i] == '-'))
			return 0;
	return 1;
}

static int get_text(const json_t *obj, const char *key, char *out, size_t cap, int required,
                    const char *path, const char *label, struct err *e)
{
	const json_t *v = json_object_get(obj, key);

	if (v == NULL && !required)
		return 0;
	if (!json_is_string(v) || json_string_length(v) == 0 || json_string_length(v) >= cap)
		return err_field(e, ERR_VALIDATION, path, "%s不能为空且不超过%zu字节", label,
		                 cap - 1);
	memcpy(out, json_string_value(v), json_string_length(v) + 1);
	return 0;
}

/* --- rules --- */

static int parse_rule_body(const json_t *j, struct wf_rule *r, enum wf_rule_kind kind,
                           const char *path, struct err *e)
{
	static const char *const k_users[] = {"rule", "users", NULL};
	static const char *const k_role[] = {"rule", "role", NULL};
	static const char *const k_plain[] = {"rule", NULL};
	const json_t *users, *v;
	size_t i;

	switch (kind) {
	case WF_RULE_USERS:
		if (only_keys(j, k_users, path, e))
			return -1;
		users = json_object_get(j, "users");
		if (!json_is_array(users) || json_array_size(users) == 0 ||
		    json_array_size(users) > WF_RULE_USERS_MAX)
			return err_field(e, ERR_VALIDATION, path, "指定人员须为1至%d个用户编号",
			                 WF_RULE_USERS_MAX);
		json_array_foreach(users, i, v)
		{
			if (!json_is_integer(v) || json_integer_value(v) <= 0)
				return err_field(e, ERR_VALIDATION, path, "用户编号必须是正整数");
			for (int k = 0; k < r->n_users; k++)
				if (r->users[k] == json_integer_value(v))
					return err_field(e, ERR_VALIDATION, path, "指定人员重复");
			r->users[r->n_users++] = json_integer_value(v);
		}
		return 0;
	case WF_RULE_ROLE:
		if (only_keys(j, k_role, path, e))
			return -1;
		return get_text(j, "role", r->role, sizeof r->role, 1, path, "角色", e);
	case WF_RULE_CHOSEN:
		return err_field(e, ERR_VALIDATION, path, "“chosen”规则不能嵌套");
	default:
		return only_keys(j, k_plain, path, e);
	}
}

static int parse_rule(const json_t *j, struct wf_rule *r, int allow_chosen, const char *path,
                      struct err *e)
{
	static const char *const k_chosen[] = {"rule", "from", NULL};
	const json_t *from;
	int kind;

	memset(r, 0, sizeof *r);
	if (!json_is_object(j))
		return err_field(e, ERR_VALIDATION, path, "审批人规则必须是对象");
	kind = name_index(rule_kind_names, N_OF(rule_kind_names),
	                  json_string_value(json_object_get(j, "rule")));
	if (kind < 0)
		return err_field(e, ERR_VALIDATION, path,
		                 "审批人规则应为users、role、dept_head、leader_in_charge、"
		                 "office_director、chief或chosen");
	r->kind = (enum wf_rule_kind)kind;
	if (r->kind != WF_RULE_CHOSEN)
		return parse_rule_body(j, r, r->kind, path, e);
	if (!allow_chosen)
		return err_field(e, ERR_VALIDATION, path, "此处不能使用“chosen”规则");
	if (only_keys(j, k_chosen, path, e))
		return -1;
	from = json_object_get(j, "from");
	if (!json_is_object(from))
		return err_field(e, ERR_VALIDATION, path, "“chosen”规则须用from给出可选范围");
	kind = name_index(rule_kind_names, N_OF(rule_kind_names),
	                  json_string_value(json_object_get(from, "rule")));
	if (kind < 0)
		return err_field(e, ERR_VALIDATION, path, "可选范围的规则无效");
	r->from = (enum wf_rule_kind)kind;
	return parse_rule_body(from, r, r->from, path, e);
}

/* --- conditions --- */

static const char *const cond_ops[] = {">", ">=", "<", "<=", "==", "!=", "in", NULL};

static int check_cond(const json_t *c, int depth, const char *path, struct err *e)
{
	static const char *const k_cmp[] = {"field", "op", "value", NULL};
	const json_t *list, *v, *val;
	const char *op;
	size_t i;

	if (!json_is_object(c) || depth > WF_COND_DEPTH_MAX)
		return err_field(e, ERR_VALIDATION, path, "条件格式无效或嵌套超过%d层",
		                 WF_COND_DEPTH_MAX);
	list = json_object_get(c, "all");
	if (list == NULL)
		list = json_object_get(c, "any");
	if (list != NULL) {
		if (json_object_size(c) != 1 || !json_is_array(list) ||
		    json_array_size(list) == 0 || json_array_size(list) > WF_COND_ITEMS_MAX)
			return err_field(e, ERR_VALIDATION, path, "all/any须为1至%d个条件的数组",
			                 WF_COND_ITEMS_MAX);
		json_array_foreach(list, i, v)
		{
			if (check_cond(v, depth + 1, path, e))
				return -1;
		}
		return 0;
	}
	if (only_keys(c, k_cmp, path, e))
		return -1;
	op = json_string_value(json_object_get(c, "op"));
	val = json_object_get(c, "value");
	if (!json_is_string(json_object_get(c, "field")) || name_index(cond_ops, 7, op) < 0 ||
	    val == NULL)
		return err_field(e, ERR_VALIDATION, path,
		                 "条件须有field、op（> >= < <= == != in）和value");
	if (strcmp(op, "in") == 0) {
		if (!json_is_array(val) || json_array_size(val) == 0 ||
		    json_array_size(val) > WF_COND_IN_MAX)
			return err_field(e, ERR_VALIDATION, path, "in的value须为1至%d个值的数组",
			                 WF_COND_IN_MAX);
		json_array_foreach(val, i, v)
		{
			if (!json_is_number(v) && !json_is_string(v))
				return err_field(e, ERR_VALIDATION, path, "in的值须为数字或文字");
		}
		return 0;
	}
	if (json_is_boolean(val) && strcmp(op, "==") && strcmp(op, "!="))
		return err_field(e, ERR_VALIDATION, path, "布尔值只能用==或!=比较");
	if (!json_is_number(val) && !json_is_string(val) && !json_is_boolean(val))
		return err_field(e, ERR_VALIDATION, path, "条件的value须为数字、文字或布尔值");
	return 0;
}

/* -1, 0, 1 when comparable; 2 when the types do not compare. */
static int compare(const json_t *a, const json_t *b)
{
	if (json_is_number(a) && json_is_number(b)) {
		double x = json_number_value(a), y = json_number_value(b);

		return (x > y) - (x < y);
	}
	if (json_is_string(a) && json_is_string(b)) {
		int c = strcmp(json_string_value(a), json_string_value(b));

		return (c > 0) - (c < 0);
	}
	if (json_is_boolean(a) && json_is_boolean(b))
		return json_is_true(a) == json_is_true(b) ? 0 : 1;
	return 2;
}

int wf_cond_eval(const json_t *cond, const json_t *form)
{
	const json_t *list, *v, *field, *val;
	const char *op;
	size_t i;
	int c;

	if (cond == NULL)
		return 1;
	if ((list = json_object_get(cond, "all")) != NULL) {
		json_array_foreach(list, i, v)
		{
			if (!wf_cond_eval(v, form))
				return 0;
		}
		return 1;
	}
	if ((list = json_object_get(cond, "any")) != NULL) {
		json_array_foreach(list, i, v)
		{
			if (wf_cond_eval(v, form))
				return 1;
		}
		return 0;
	}
	field = json_object_get(form, json_string_value(json_object_get(cond, "field")));
	op = json_string_value(json_object_get(cond, "op"));
	val = json_object_get(cond, "value");
	if (field == NULL || op == NULL)
		return 0;
	if (strcmp(op, "in") == 0) {
		json_array_foreach(val, i, v)
		{
			if (compare(field, v) == 0)
				return 1;
		}
		return 0;
	}
	c = compare(field, val);
	if (c == 2)
		return 0;
	if (strcmp(op, ">") == 0)
		return c > 0 && !json_is_boolean(field);
	if (strcmp(op, ">=") == 0)
		return c >= 0 && !json_is_boolean(field);
	if (strcmp(op, "<") == 0)
		return c < 0 && !json_is_boolean(field);
	if (strcmp(op, "<=") == 0)
		return c <= 0 && !json_is_boolean(field);
	if (strcmp(op, "==") == 0)
		return c == 0;
	return c != 0; /* "!=" */
}

/* --- spans --- */

static int parse_span(const json_t *j, struct wf_span *s, const char *path, struct err *e)
{
	const json_t *days = json_object_get(j, "days"), *hours = json_object_get(j, "hours");

	if (!json_is_object(j) || json_object_size(j) != 1 || (days == NULL && hours == NULL))
		return err_field(e, ERR_VALIDATION, path, "时限须写成{\"days\":N}或{\"hours\":N}");
	if (days != NULL) {
		if (!json_is_integer(days) || json_integer_value(days) < 0 ||
		    json_integer_value(days) > WF_LIMIT_DAYS_MAX)
			return err_field(e, ERR_VALIDATION, path, "工作日数须为0至%d的整数",
			                 WF_LIMIT_DAYS_MAX);
		s->unit = WF_SPAN_DAYS;
		s->amount = json_integer_value(days);
		return 0;
	}
	if (!json_is_number(hours) || json_number_value(hours) < 0 ||
	    json_number_value(hours) > WF_LIMIT_HOURS_MAX)
		return err_field(e, ERR_VALIDATION, path, "工作小时数须为0至%d之间的数",
		                 WF_LIMIT_HOURS_MAX);
	s->unit = WF_SPAN_HOURS;
	s->amount = (int64_t)llround(json_number_value(hours) * 3600.0);
	return 0;
}

static int parse_escalate(const json_t *j, struct wf_step *st, const char *path, struct err *e)
{
	static const char *const keys[] = {"to", "after", "mode", NULL};
	const json_t *after = json_object_get(j, "after");
	const char *mode = json_string_value(json_object_get(j, "mode"));

	if (!json_is_object(j))
		return err_field(e, ERR_VALIDATION, path, "超时升级须为对象");
	if (only_keys(j, keys, path, e) ||
	    parse_rule(json_object_get(j, "to"), &st->supervisor, 0, path, e))
		return -1;
	st->escalate = 1;
	st->escalate_after.unit = WF_SPAN_HOURS;
	if (after != NULL && parse_span(after, &st->escalate_after, path, e))
		return -1;
	if (mode == NULL || strcmp(mode, "notify") == 0)
		st->escalate_mode = WF_ESCALATE_NOTIFY;
	else if (strcmp(mode, "reassign") == 0)
		st->escalate_mode = WF_ESCALATE_REASSIGN;
	else
		return err_field(e, ERR_VALIDATION, path, "升级方式应为notify或reassign");
	return 0;
}

static int parse_limits(const json_t *j, struct wf_step *st, const char *base, struct err *e)
{
	const json_t *limit = json_object_get(j, "time_limit");
	const json_t *remind = json_object_get(j, "remind_before");
	const json_t *esc = json_object_get(j, "escalate");
	char path[64];

	if (limit != NULL) {
		snprintf(path, sizeof path, "%s.time_limit", base);
		if (parse_span(limit, &st->time_limit, path, e))
			return -1;
		if (st->time_limit.amount == 0)
			return err_field(e, ERR_VALIDATION, path, "办理时限必须大于0");
	}
	if ((remind != NULL || esc != NULL) && limit == NULL)
		return err_field(e, ERR_VALIDATION, base, "设置提醒或超时升级前须先设置办理时限");
	if (remind != NULL) {
		snprintf(path, sizeof path, "%s.remind_before", base);
		if (parse_span(remind, &st->remind_before, path, e))
			return -1;
		if (st->remind_before.amount == 0)
			return err_field(e, ERR_VALIDATION, path, "提前提醒的时间必须大于0");
	}
	if (esc != NULL) {
		snprintf(path, sizeof path, "%s.escalate", base);
		if (parse_escalate(esc, st, path, e))
			return -1;
	}
	return 0;
}

static int parse_step(const json_t *j, int idx, struct wf_def *def, struct err *e)
{
	static const char *const keys[] = {"id",       "name",      "kind",       "percent",
	                                   "assignee", "condition", "time_limit", "remind_before",
	                                   "escalate", NULL};
	struct wf_step *st = &def->steps[idx];
	const json_t *percent = json_object_get(j, "percent"), *cond;
	char base[32], path[64];
	int kind;

	snprintf(base, sizeof base, "steps[%d]", idx);
	if (!json_is_object(j))
		return err_field(e, ERR_VALIDATION, base, "步骤必须是对象");
	if (only_keys(j, keys, base, e))
		return -1;
	snprintf(path, sizeof path, "%s.id", base);
	if (get_text(j, "id", st->id, sizeof st->id, 1, path, "步骤编号", e))
		return -1;
	if (!valid_id(st->id))
		return err_field(e, ERR_VALIDATION, path, "步骤编号只能由小写字母、数字、_和-组成");
	if (wf_def_step_index(def, st->id) >= 0 && wf_def_step_index(def, st->id) < idx)
		return err_field(e, ERR_VALIDATION, path, "步骤编号“%s”重复", st->id);
	snprintf(path, sizeof path, "%s.name", base);
	if (get_text(j, "name", st->name, sizeof st->name, 1, path, "步骤名称", e))
		return -1;
	snprintf(path, sizeof path, "%s.kind", base);
	kind = name_index(step_kind_names, N_OF(step_kind_names),
	                  json_string_value(json_object_get(j, "kind")));
	if (kind < 0)
		return err_field(e, ERR_VALIDATION, path,
		                 "步骤类型应为single、countersign、or_sign或percentage");
	st->kind = (enum wf_step_kind)kind;
	snprintf(path, sizeof path, "%s.percent", base);
	if (st->kind == WF_STEP_PERCENTAGE) {
		if (!json_is_integer(percent) || json_integer_value(percent) < 1 ||
		    json_integer_value(percent) > 100)
			return err_field(e, ERR_VALIDATION, path, "通过比例须为1至100的整数");
		st->percent = (int)json_integer_value(percent);
	} else if (percent != NULL) {
		return err_field(e, ERR_VALIDATION, path, "只有percentage步骤可设置通过比例");
	}
	snprintf(path, sizeof path, "%s.assignee", base);
	if (parse_rule(json_object_get(j, "assignee"), &st->assignee, 1, path, e))
		return -1;
	cond = json_object_get(j, "condition");
	snprintf(path, sizeof path, "%s.condition", base);
	if (cond != NULL) {
		if (check_cond(cond, 1, path, e))
			return -1;
		st->condition = json_incref((json_t *)cond);
	}
	return parse_limits(j, st, base, e);
}

int wf_def_step_index(const struct wf_def *def, const char *id)
{
	for (int i = 0; id != NULL && i < def->n_steps; i++)
		if (strcmp(def->steps[i].id, id) == 0)
			return i;
	return -1;
}

int wf_def_from_json(const json_t *doc, struct wf_def **out, struct err *e)
{
	static const char *const keys[] = {"key", "version", "name", "resubmit", "steps", NULL};
	struct wf_def *def = calloc(1, sizeof *def);
	const json_t *steps, *version;
	const char *resub;
	int rc = -1;

	*out = NULL;
	if (def == NULL)
		return err_internal(e, "wf_def: out of memory");
	if (!json_is_object(doc)) {
		err_set(e, ERR_VALIDATION, "流程定义必须是JSON对象");
		goto out;
	}
	if (only_keys(doc, keys, "definition", e) ||
	    get_text(doc, "key", def->key, sizeof def->key, 1, "key", "流程标识", e) ||
	    get_text(doc, "name", def->name, sizeof def->name, 1, "name", "流程名称", e))
		goto out;
	if (!valid_id(def->key)) {
		err_field(e, ERR_VALIDATION, "key", "流程标识只能由小写字母、数字、_和-组成");
		goto out;
	}
	version = json_object_get(doc, "version");
	if (version != NULL && (!json_is_integer(version) || json_integer_value(version) < 0 ||
	                        json_integer_value(version) > 1000000)) {
		err_field(e, ERR_VALIDATION, "version", "版本号须为非负整数");
		goto out;
	}
	def->version = version ? (int)json_integer_value(version) : 0;
	resub = json_string_value(json_object_get(doc, "resubmit"));
	if (resub == NULL || strcmp(resub, "continue") == 0) {
		def->resubmit = WF_RESUBMIT_CONTINUE;
	} else if (strcmp(resub, "restart") == 0) {
		def->resubmit = WF_RESUBMIT_RESTART;
	} else {
		err_field(e, ERR_VALIDATION, "resubmit", "重新提交方式应为continue或restart");
		goto out;
	}
	steps = json_object_get(doc, "steps");
	if (!json_is_array(steps) || json_array_size(steps) == 0 ||
	    json_array_size(steps) > WF_STEPS_MAX) {
		err_field(e, ERR_VALIDATION, "steps", "流程须有1至%d个步骤", WF_STEPS_MAX);
		goto out;
	}
	for (size_t i = 0; i < json_array_size(steps); i++) {
		def->n_steps = (int)i + 1;
		if (parse_step(json_array_get(steps, i), (int)i, def, e))
			goto out;
	}
	*out = def;
	def = NULL;
	rc = 0;
out:
	wf_def_free(def);
	return rc;
}

int wf_def_parse(const char *json, size_t len, struct wf_def **out, struct err *e)
{
	json_error_t jerr;
	json_t *doc;
	int rc;

	*out = NULL;
	if (len > WF_DEF_JSON_MAX)
		return err_set(e, ERR_TOO_LARGE, "流程定义过大（上限%d字节）", WF_DEF_JSON_MAX);
	doc = json_loadb(json, len, JSON_REJECT_DUPLICATES, &jerr);
	if (doc == NULL)
		return err_set(e, ERR_BAD_REQUEST, "流程定义不是有效的JSON：%s", jerr.text);
	rc = wf_def_from_json(doc, out, e);
	json_decref(doc);
	return rc;
}

void wf_def_free(struct wf_def *def)
{
	if (def == NULL)
		return;
	for (int i = 0; i < def->n_steps; i++)
		json_decref(def->steps[i].condition);
	free(def);
}
