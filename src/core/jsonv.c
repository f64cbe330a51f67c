#include "core/jsonv.h"
#include "core/timeutil.h"

#include <string.h>

bool jv_has(json_t *obj, const char *key)
{
	return obj && json_object_get(obj, key) != NULL;
}

int jv_only(json_t *obj, const char *const *allowed, struct err *e)
{
	const char *key;
	json_t *v;

	if (obj == NULL)
		return 0;
	json_object_foreach(obj, key, v)
	{
		bool ok = false;
		for (const char *const *a = allowed; *a && !ok; a++)
			ok = strcmp(*a, key) == 0;
		if (!ok)
			return err_field(e, ERR_VALIDATION, key, "不支持的字段：%.60s", key);
	}
	return 0;
}

static json_t *get(json_t *obj, const char *key)
{
	return obj ? json_object_get(obj, key) : NULL;
}

static bool blank(const char *s)
{
	for (; *s; s++)
		if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
			return false;
	return true;
}

int jv_string(json_t *obj, const char *key, const char *label, bool required, size_t max_bytes,
              const char **out, struct err *e)
{
	json_t *v = get(obj, key);
	const char *s;

	if (v == NULL || json_is_null(v)) {
		if (required)
			return err_field(e, ERR_VALIDATION, key, "%s不能为空", label);
		return 0;
	}
	if (!json_is_string(v))
		return err_field(e, ERR_VALIDATION, key, "%s必须是文本", label);
	s = json_string_value(v);
	if (json_string_length(v) != strlen(s))
		return err_field(e, ERR_VALIDATION, key, "%s包含无效字符", label);
	if (required && blank(s))
		return err_field(e, ERR_VALIDATION, key, "%s不能为空", label);
	if (strlen(s) > max_bytes)
		return err_field(e, ERR_VALIDATION, key, "%s过长（最多%zu字节）", label, max_bytes);
	*out = s;
	return 0;
}

int jv_string_or_null(json_t *obj, const char *key, const char *label, size_t max_bytes,
                      const char **out, bool *present, struct err *e)
{
	json_t *v = get(obj, key);

	*present = v != NULL;
	if (v && json_is_null(v)) {
		*out = NULL;
		return 0;
	}
	return jv_string(obj, key, label, false, max_bytes, out, e);
}

int jv_int(json_t *obj, const char *key, const char *label, bool required, int64_t min, int64_t max,
           int64_t *out, struct err *e)
{
	json_t *v = get(obj, key);
	int64_t n;

	if (v == NULL || json_is_null(v)) {
		if (required)
			return err_field(e, ERR_VALIDATION, key, "%s不能为空", label);
		return 0;
	}
	if (!json_is_integer(v))
		return err_field(e, ERR_VALIDATION, key, "%s必须是整数", label);
	n = json_integer_value(v);
	if (n < min || n > max)
		return err_field(e, ERR_VALIDATION, key, "%s应在 %lld 到 %lld 之间", label,
		                 (long long)min, (long long)max);
	*out = n;
	return 0;
}

int jv_bool(json_t *obj, const char *key, const char *label, bool required, bool *out,
            struct err *e)
{
	json_t *v = get(obj, key);

	if (v == NULL || json_is_null(v)) {
		if (required)
			return err_field(e, ERR_VALIDATION, key, "%s不能为空", label);
		return 0;
	}
	if (!json_is_boolean(v))
		return err_field(e, ERR_VALIDATION, key, "%s必须是 true 或 false", label);
	*out = json_is_true(v);
	return 0;
}

int jv_date(json_t *obj, const char *key, const char *label, bool required, int *out, struct err *e)
{
	const char *s = NULL;

	if (jv_string(obj, key, label, required, 10, &s, e))
		return -1;
	if (s == NULL)
		return 0;
	if (date_parse(s, out))
		return err_field(e, ERR_VALIDATION, key, "%s不是有效日期（格式 YYYY-MM-DD）",
		                 label);
	return 0;
}

int jv_enum(json_t *obj, const char *key, const char *label, bool required,
            const char *const *choices, int *index_out, struct err *e)
{
	const char *s = NULL;

	if (jv_string(obj, key, label, required, 64, &s, e))
		return -1;
	if (s == NULL)
		return 0;
	for (int i = 0; choices[i]; i++) {
		if (strcmp(choices[i], s) == 0) {
			*index_out = i;
			return 0;
		}
	}
	return err_field(e, ERR_VALIDATION, key, "%s的取值无效：%.60s", label, s);
}

int jv_string_array(json_t *obj, const char *key, const char *label, bool required,
                    size_t max_items, size_t max_bytes, json_t **out, struct err *e)
{
	json_t *v = get(obj, key), *item;
	size_t i;

	if (v == NULL || json_is_null(v)) {
		if (required)
			return err_field(e, ERR_VALIDATION, key, "%s不能为空", label);
		return 0;
	}
	if (!json_is_array(v))
		return err_field(e, ERR_VALIDATION, key, "%s必须是列表", label);
	if (json_array_size(v) > max_items)
		return err_field(e, ERR_VALIDATION, key, "%s最多%zu项", label, max_items);
	if (required && json_array_size(v) == 0)
		return err_field(e, ERR_VALIDATION, key, "%s不能为空", label);
	json_array_foreach(v, i, item)
	{
		if (!json_is_string(item) || json_string_length(item) == 0 ||
		    json_string_length(item) > max_bytes)
			return err_field(e, ERR_VALIDATION, key, "%s第%zu项无效", label, i + 1);
	}
	*out = v;
	return 0;
}
