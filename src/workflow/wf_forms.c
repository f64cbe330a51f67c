/*
 * wf_forms.c - the first forms on the engine (报备审批): 请假, 出差, 外出报备. Each checks the
 * user's fields with Chinese messages, stores a normalised copy (with computed fields the
 * definitions' conditions may read) and names the instance. The default definitions seeded for
 * every org are here too; the office director edits them afterwards (new versions).
 */
#include "workflow/wf_store.h"
#include "core/jsonv.h"
#include "core/timeutil.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define FORM_TEXT_MAX    1000     /* bytes of a reason / purpose */
#define FORM_SPAN_DAYS   366      /* longest leave or trip, natural days */
#define FORM_OUTING_DAYS 30       /* longest 外出报备 */
#define FORM_COST_MAX    10000000 /* yuan */
#define FORM_COMPANIONS  200      /* bytes */

/* A JSON number field in [min, max] that is a multiple of step (0: any). */
static int jv_number(json_t *obj, const char *key, const char *label, double min, double max,
                     double step, double *out, struct err *e)
{
	json_t *v = json_object_get(obj, key);
	double x;

	if (v == NULL || json_is_null(v))
		return err_field(e, ERR_VALIDATION, key, "%s不能为空", label);
	if (!json_is_number(v))
		return err_field(e, ERR_VALIDATION, key, "%s必须是数字", label);
	x = json_number_value(v);
	if (!isfinite(x) || x < min || x > max)
		return err_field(e, ERR_VALIDATION, key, "%s应在 %g 到 %g 之间", label, min, max);
	if (step > 0 && fabs(x / step - round(x / step)) > 1e-9)
		return err_field(e, ERR_VALIDATION, key,
		                 step == 0.5 ? "%s应为0.5的整数倍" : "%s最多保留两位小数", label);
	*out = x;
	return 0;
}

/* A whole number stays an integer in the stored form (conditions compare either way). */
static json_t *number_json(double x)
{
	return x == floor(x) ? json_integer((json_int_t)x) : json_real(x);
}

static int form_object(json_t *in, const char *const *fields, struct err *e)
{
	if (!json_is_object(in))
		return err_field(e, ERR_VALIDATION, "form", "申请内容不能为空");
	return jv_only(in, fields, e);
}

/* start/end dates, end not before start, span at most max natural days. */
static int date_range(json_t *in, const char *what, int max, int *start, int *end, struct err *e)
{
	char label[64];

	snprintf(label, sizeof label, "%s开始日期", what);
	if (jv_date(in, "start_date", label, true, start, e))
		return -1;
	snprintf(label, sizeof label, "%s结束日期", what);
	if (jv_date(in, "end_date", label, true, end, e))
		return -1;
	if (*end < *start)
		return err_field(e, ERR_VALIDATION, "end_date", "结束日期不能早于开始日期");
	if (*end - *start + 1 > max)
		return err_field(e, ERR_VALIDATION, "end_date", "%s时间跨度不能超过%d天", what,
		                 max);
	return 0;
}

/* --- 请假 --- */

static const char *const leave_kinds[] = {"事假",   "病假", "年休假", "婚假",   "产假",
                                          "陪产假", "丧假", "探亲假", "工伤假", NULL};

static int leave_validate(struct db *db, const struct principal *who, json_t *in, json_t **form,
                          char *title, size_t size, struct err *e)
{
	static const char *const fields[] = {"kind", "start_date", "end_date",
	                                     "days", "reason",     NULL};
	const char *reason = NULL;
	char s[DATE_STR_MAX], t[DATE_STR_MAX];
	int kind = 0, start = 0, end = 0;
	double days = 0;

	(void)db;
	if (form_object(in, fields, e))
		return -1;
	if (!jv_has(in, "kind"))
		return err_field(e, ERR_VALIDATION, "kind", "请选择请假类别");
	if (jv_enum(in, "kind", "请假类别", true, leave_kinds, &kind, e) ||
	    date_range(in, "请假", FORM_SPAN_DAYS, &start, &end, e) ||
	    jv_number(in, "days", "请假天数", 0.5, FORM_SPAN_DAYS, 0.5, &days, e))
		return -1;
	if (days > end - start + 1)
		return err_field(e, ERR_VALIDATION, "days",
		                 "请假天数不能超过所选日期的天数（%d天）", end - start + 1);
	if (jv_string(in, "reason", "请假事由", true, FORM_TEXT_MAX, &reason, e))
		return -1;
	date_format(start, s);
	date_format(end, t);
	*form = json_pack("{s:s, s:s, s:s, s:o, s:s}", "kind", leave_kinds[kind], "start_date", s,
	                  "end_date", t, "days", number_json(days), "reason", reason);
	snprintf(title, size, "%s的请假申请（%s%g天）", who->name, leave_kinds[kind], days);
	return *form ? 0 : err_internal(e, "wf_forms: out of memory");
}

/* --- 出差 --- */

static const char *const transports[] = {"火车", "飞机", "长途汽车", "公务用车",
                                         "自驾", "其他", NULL};

static int trip_validate(struct db *db, const struct principal *who, json_t *in, json_t **form,
                         char *title, size_t size, struct err *e)
{
	static const char *const fields[] = {
	    "destination",    "start_date", "end_date",   "purpose",
	    "estimated_cost", "transport",  "companions", NULL};
	const char *dest = NULL, *purpose = NULL, *companions = NULL;
	char s[DATE_STR_MAX], t[DATE_STR_MAX];
	int start = 0, end = 0, tr = -1;
	double cost = 0;

	(void)db;
	if (form_object(in, fields, e) ||
	    jv_string(in, "destination", "出差地点", true, FIELD_NAME_MAX, &dest, e) ||
	    date_range(in, "出差", FORM_SPAN_DAYS, &start, &end, e) ||
	    jv_string(in, "purpose", "出差事由", true, FORM_TEXT_MAX, &purpose, e) ||
	    jv_number(in, "estimated_cost", "预计费用", 0, FORM_COST_MAX, 0.01, &cost, e) ||
	    jv_enum(in, "transport", "交通方式", false, transports, &tr, e) ||
	    jv_string(in, "companions", "同行人员", false, FORM_COMPANIONS, &companions, e))
		return -1;
	date_format(start, s);
	date_format(end, t);
	*form = json_pack("{s:s, s:s, s:s, s:i, s:s, s:o}", "destination", dest, "start_date", s,
	                  "end_date", t, "days", end - start + 1, "purpose", purpose,
	                  "estimated_cost", number_json(round(cost * 100) / 100));
	if (*form == NULL)
		return err_internal(e, "wf_forms: out of memory");
	if (tr >= 0)
		json_object_set_new(*form, "transport", json_string(transports[tr]));
	if (companions && companions[0])
		json_object_set_new(*form, "companions", json_string(companions));
	snprintf(title, size, "%s的出差申请（%s，%d天）", who->name, dest, end - start + 1);
	return 0;
}

/* --- 外出报备: leaving the county during working time --- */

static int iso_field(json_t *in, const char *key, const char *label, int64_t *out, struct err *e)
{
	const char *s = NULL;

	if (jv_string(in, key, label, true, TIME_ISO_MAX, &s, e))
		return -1;
	if (time_parse_iso(s, out))
		return err_field(e, ERR_VALIDATION, key, "%s格式应为 2026-03-05T09:00:00+08:00",
		                 label);
	return 0;
}

static int outing_validate(struct db *db, const struct principal *who, json_t *in, json_t **form,
                           char *title, size_t size, struct err *e)
{
	static const char *const fields[] = {"destination", "start_at", "end_at", "reason", NULL};
	const struct workday_cal *cal;
	const char *dest = NULL, *reason = NULL;
	char s[TIME_ISO_MAX], t[TIME_ISO_MAX];
	int64_t start = 0, end = 0, secs;

	if (form_object(in, fields, e) ||
	    jv_string(in, "destination", "外出地点", true, FIELD_NAME_MAX, &dest, e) ||
	    iso_field(in, "start_at", "外出时间", &start, e) ||
	    iso_field(in, "end_at", "返回时间", &end, e))
		return -1;
	if (end <= start)
		return err_field(e, ERR_VALIDATION, "end_at", "返回时间必须晚于外出时间");
	if (end - start > (int64_t)FORM_OUTING_DAYS * 86400)
		return err_field(e, ERR_VALIDATION, "end_at",
		                 "外出报备不能超过%d天，较长时间离开请办理请假或出差",
		                 FORM_OUTING_DAYS);
	if (jv_string(in, "reason", "外出事由", true, FORM_TEXT_MAX, &reason, e))
		return -1;
	if ((cal = wf_calendar(db, who->org_id, e)) == NULL)
		return -1;
	secs = workday_seconds_between(cal, start, end);
	if (secs <= 0)
		return err_field(e, ERR_VALIDATION, "start_at",
		                 "所选时间段不在工作时间内，无需外出报备");
	time_iso(start, s);
	time_iso(end, t);
	*form = json_pack("{s:s, s:s, s:s, s:s, s:o}", "destination", dest, "start_at", s, "end_at",
	                  t, "reason", reason, "work_hours",
	                  number_json(round((double)secs / 360.0) / 10.0));
	snprintf(title, size, "%s的外出报备（%s，%.10s）", who->name, dest, s);
	return *form ? 0 : err_internal(e, "wf_forms: out of memory");
}

/* --- default definitions --- */

#define STEP_TIMERS(limit)                                                                         \
	"\"time_limit\":" limit ",\"remind_before\":{\"hours\":2},"                                \
	"\"escalate\":{\"to\":{\"rule\":\"office_director\"},\"mode\":\"notify\"}"

/* 请假: 部门负责人 → 分管领导 → 检察长 (more than 3 days). */
static const char leave_def[] =
    "{\"key\":\"leave\",\"name\":\"请假审批\",\"resubmit\":\"continue\",\"steps\":["
    "{\"id\":\"dept\",\"name\":\"部门负责人审批\",\"kind\":\"single\","
    "\"assignee\":{\"rule\":\"dept_head\"}," STEP_TIMERS(
        "{\"days\":1}") "},"
                        "{\"id\":\"leader\",\"name\":\"分管领导审批\",\"kind\":\"single\","
                        "\"assignee\":{\"rule\":\"leader_in_charge\"}," STEP_TIMERS(
                            "{\"days\":1}") "},"
                                            "{\"id\":\"chief\",\"name\":\"检察长审批\",\"kind\":"
                                            "\"single\","
                                            "\"assignee\":{\"rule\":\"chief\"},\"condition\":{"
                                            "\"field\":\"days\",\"op\":\">\","
                                            "\"value\":3},\"time_limit\":{\"days\":2},\"remind_"
                                            "before\":{\"hours\":2}}]}";

/* 出差: 部门负责人 → 分管领导 → 检察长 (estimated cost over 10,000 yuan). */
static const char trip_def[] =
    "{\"key\":\"trip\",\"name\":\"出差审批\",\"resubmit\":\"continue\",\"steps\":["
    "{\"id\":\"dept\",\"name\":\"部门负责人审批\",\"kind\":\"single\","
    "\"assignee\":{\"rule\":\"dept_head\"}," STEP_TIMERS(
        "{\"days\":1}") "},"
                        "{\"id\":\"leader\",\"name\":\"分管领导审批\",\"kind\":\"single\","
                        "\"assignee\":{\"rule\":\"leader_in_charge\"}," STEP_TIMERS(
                            "{\"days\":1}") "},"
                                            "{\"id\":\"chief\",\"name\":\"检察长审批\",\"kind\":"
                                            "\"single\","
                                            "\"assignee\":{\"rule\":\"chief\"},\"condition\":{"
                                            "\"field\":\"estimated_cost\","
                                            "\"op\":\">\",\"value\":10000},\"time_limit\":{"
                                            "\"days\":2},"
                                            "\"remind_before\":{\"hours\":2}}]}";

/* 外出报备: the department head within half a working day. */
static const char outing_def[] =
    "{\"key\":\"outing\",\"name\":\"外出报备\",\"resubmit\":\"restart\",\"steps\":["
    "{\"id\":\"dept\",\"name\":\"部门负责人审批\",\"kind\":\"single\","
    "\"assignee\":{\"rule\":\"dept_head\"},\"time_limit\":{\"hours\":4},"
    "\"remind_before\":{\"hours\":1},"
    "\"escalate\":{\"to\":{\"rule\":\"office_director\"},\"mode\":\"notify\"}}]}";

const struct wf_form wf_forms[] = {
    {"leave", "请假", leave_def, leave_validate},
    {"trip", "出差", trip_def, trip_validate},
    {"outing", "外出报备", outing_def, outing_validate},
};
const int wf_form_count = (int)(sizeof wf_forms / sizeof wf_forms[0]);

const struct wf_form *wf_form_find(const char *key)
{
	for (int i = 0; key != NULL && i < wf_form_count; i++)
		if (strcmp(wf_forms[i].key, key) == 0)
			return &wf_forms[i];
	return NULL;
}

int wf_def_seed(struct db *db, int64_t org_id, const char *definition_json, struct err *e)
{
	json_error_t jerr;
	json_t *doc = json_loads(definition_json, JSON_REJECT_DUPLICATES, &jerr);
	const char *key = json_string_value(json_object_get(doc, "key"));
	int64_t v;
	int version, rc = -1;
	bool found;

	if (doc == NULL || key == NULL) {
		err_internal(e, "wf_def_seed: not a definition: %s", doc ? "no key" : jerr.text);
		goto out;
	}
	if (db_query_int(db, e, &v, &found,
	                 "SELECT version FROM wf_definition WHERE org_id = $1 AND def_key = $2"
	                 " LIMIT 1",
	                 "Is", org_id, key))
		goto out;
	rc = found ? 0 : wf_def_save(db, org_id, doc, 0, true, 0, &version, e);
out:
	json_decref(doc);
	return rc;
}

int wf_defaults_seed(struct db *db, int64_t org_id, struct err *e)
{
	for (int i = 0; i < wf_form_count; i++)
		if (wf_def_seed(db, org_id, wf_forms[i].default_def, e))
			return -1;
	return 0;
}

int wf_org_seed(struct db *db, int64_t org_id, struct err *e)
{
	return wf_defaults_seed(db, org_id, e) || wf_calendar_seed(db, org_id, e) ? -1 : 0;
}
