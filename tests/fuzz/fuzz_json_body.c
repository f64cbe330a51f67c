/*
 * fuzz_json_body.c - JSON request bodies as handlers see them: jansson with
 * JSON_REJECT_DUPLICATES under HTTP_BODY_MAX (router.c parse_body), then the validators of
 * core/jsonv.h as the modules call them, the library document (library_doc_from_json: API and
 * `jianwu import`) and an approval definition (wf_def_from_json, with wf_cond_eval of each step's
 * condition over the body's "form").
 *
 * Invariants:
 *   - every refusal carries a kind, a non-empty message and a field that are valid UTF-8, and the
 *     server's error answer (error_json + json_emit) is built and reads back as JSON;
 *   - an accepted string is a string of the body within its byte limit; an accepted date formats
 *     back to the same text; an accepted enum index names the value; an accepted int is in range.
 */
#include "core/jsonv.h"
#include "core/limits.h"
#include "core/timeutil.h"
#include "fuzz_util.h"
#include "http/http_private.h"
#include "library/library.h"
#include "workflow/definition.h"

static void check_refusal(const struct err *e)
{
	struct buf b = BUF_INIT;
	json_t *j, *back;

	FUZZ_CHECK(e->kind != ERR_NONE && e->msg[0], "refusal without kind or message");
	FUZZ_CHECK(fuzz_utf8_valid(e->msg, strlen(e->msg)), "message not UTF-8: %s", e->msg);
	FUZZ_CHECK(fuzz_utf8_valid(e->field, strlen(e->field)), "field not UTF-8: %s", e->field);
	j = error_json(e);
	FUZZ_CHECK(j != NULL, "no error answer for: %s", e->msg);
	json_emit(&b, j);
	back = json_loadb(b.data, b.len, JSON_REJECT_DUPLICATES, NULL);
	FUZZ_CHECK(back != NULL, "error answer is not JSON: %.*s", (int)b.len, b.data);
	json_decref(back);
	json_decref(j);
	buf_free(&b);
}

/* Ran: -1 refused (checked), 0 accepted. */
static int outcome(int rc, const struct err *e)
{
	if (rc != 0)
		check_refusal(e);
	else
		FUZZ_CHECK(e->kind == ERR_NONE, "accepted with an error set: %s", e->msg);
	return rc;
}

static void string_fields(json_t *body)
{
	static const struct {
		const char *key, *label;
		bool required;
		size_t max;
	} fields[] = {
	    {"title", "标题", true, FIELD_TITLE_MAX},
	    {"number", "文号", false, FIELD_NAME_MAX},
	    {"username", "用户名", true, FIELD_SHORT_MAX},
	    {"body", "正文", false, FIELD_TEXT_MAX},
	    {"opinion", "意见", false, FIELD_OPINION_MAX},
	};
	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
		struct err e = ERR_INIT;
		const char *s = NULL;
		bool present = false;

		if (outcome(jv_string(body, fields[i].key, fields[i].label, fields[i].required,
		                      fields[i].max, &s, &e),
		            &e) == 0 &&
		    s != NULL) {
			json_t *v = json_object_get(body, fields[i].key);
			FUZZ_CHECK(json_is_string(v) && s == json_string_value(v) &&
			               strlen(s) <= fields[i].max,
			           "%s accepted as '%s'", fields[i].key, s);
			FUZZ_CHECK(fuzz_utf8_valid(s, strlen(s)), "%s not UTF-8", fields[i].key);
		}
		err_clear(&e);
		s = "unchanged";
		if (outcome(jv_string_or_null(body, fields[i].key, fields[i].label, fields[i].max,
		                              &s, &present, &e),
		            &e) == 0 &&
		    present && json_is_null(json_object_get(body, fields[i].key)))
			FUZZ_CHECK(s == NULL, "null %s not cleared", fields[i].key);
	}
}

static void typed_fields(json_t *body)
{
	static const char *const urgency[] = {"normal", "urgent", "very_urgent", "特急", NULL};
	static const char *const allowed[] = {"title",   "number", "username", "body",
	                                      "opinion", "due",    "days",     "urgent",
	                                      "level",   "tags",   "form",     NULL};
	struct err e = ERR_INIT;
	int day = 0, idx = -1;
	int64_t n = -7;
	bool flag = false;
	json_t *tags = NULL;
	char back[DATE_STR_MAX];

	outcome(jv_only(body, allowed, &e), &e);
	err_clear(&e);
	if (outcome(jv_date(body, "due", "办理期限", false, &day, &e), &e) == 0 &&
	    jv_has(body, "due") && !json_is_null(json_object_get(body, "due"))) {
		date_format(day, back);
		FUZZ_CHECK(strcmp(back, json_string_value(json_object_get(body, "due"))) == 0,
		           "date %s read as %s", json_string_value(json_object_get(body, "due")),
		           back);
	}
	err_clear(&e);
	if (outcome(jv_int(body, "days", "天数", false, 1, 365, &n, &e), &e) == 0)
		FUZZ_CHECK(n == -7 || (n >= 1 && n <= 365), "days %lld", (long long)n);
	err_clear(&e);
	outcome(jv_bool(body, "urgent", "加急", false, &flag, &e), &e);
	err_clear(&e);
	if (outcome(jv_enum(body, "level", "紧急程度", false, urgency, &idx, &e), &e) == 0 &&
	    idx >= 0)
		FUZZ_CHECK(idx < 4 && strcmp(urgency[idx], json_string_value(json_object_get(
		                                               body, "level"))) == 0,
		           "enum index %d", idx);
	err_clear(&e);
	if (outcome(jv_string_array(body, "tags", "标签", false, 16, FIELD_NAME_MAX, &tags, &e),
	            &e) == 0 &&
	    tags)
		FUZZ_CHECK(json_is_array(tags) && json_array_size(tags) <= 16, "tags");
}

static void library_doc(json_t *body)
{
	struct library_doc d;
	struct err e = ERR_INIT;
	int day;

	if (outcome(library_doc_from_json(body, &d, &e), &e) != 0)
		return;
	FUZZ_CHECK(d.title && d.body && d.external_id && d.type, "library doc without title");
	FUZZ_CHECK(d.doc_date == NULL || date_parse(d.doc_date, &day) == 0, "date %s", d.doc_date);
}

static void definition(json_t *body)
{
	struct wf_def *def = NULL;
	struct err e = ERR_INIT;
	json_t *form = json_object_get(body, "form");

	if (outcome(wf_def_from_json(body, &def, &e), &e) != 0) {
		FUZZ_CHECK(def == NULL, "definition refused but returned");
		return;
	}
	FUZZ_CHECK(def && def->n_steps >= 1 && def->n_steps <= WF_STEPS_MAX, "steps");
	for (int i = 0; i < def->n_steps; i++) {
		int r = wf_cond_eval(def->steps[i].condition, form ? form : body);
		FUZZ_CHECK(r == 0 || r == 1, "condition %d", r);
		FUZZ_CHECK(wf_def_step_index(def, def->steps[i].id) == i, "step id %s",
		           def->steps[i].id);
	}
	wf_def_free(def);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_error_t jerr;
	json_t *body;

	if (size > HTTP_BODY_MAX)
		return 0;
	body = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &jerr);
	if (body == NULL)
		return 0;
	if (json_is_object(body)) {
		string_fields(body);
		typed_fields(body);
		library_doc(body);
		definition(body);
	}
	json_decref(body);
	return 0;
}
