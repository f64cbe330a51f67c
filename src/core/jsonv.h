/*
 * jsonv.h - validating fields of a JSON request body. Every function takes the Chinese label of
 * the field for its message ("标题不能为空", "标题过长（最多600字节）") and sets err.field to
 * the JSON key. Strings are already valid UTF-8 (jansson rejects invalid UTF-8 and NUL).
 *
 * Returned strings are borrowed from the JSON object. A missing optional field leaves *out
 * unchanged and returns 0, so callers preset defaults.
 */
#ifndef JW_JSONV_H
#define JW_JSONV_H

#include "core/err.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

/* Refuses keys not in the NULL-terminated list (a typo must not be silently ignored). */
int jv_only(json_t *obj, const char *const *allowed, struct err *e);
int jv_string(json_t *obj, const char *key, const char *label, bool required, size_t max_bytes,
              const char **out, struct err *e);
/* As jv_string, and null is accepted as "clear" (*out = NULL, *present = true). */
int jv_string_or_null(json_t *obj, const char *key, const char *label, size_t max_bytes,
                      const char **out, bool *present, struct err *e);
int jv_int(json_t *obj, const char *key, const char *label, bool required, int64_t min, int64_t max,
           int64_t *out, struct err *e);
int jv_bool(json_t *obj, const char *key, const char *label, bool required, bool *out,
            struct err *e);
/* "YYYY-MM-DD" -> days since epoch. */
int jv_date(json_t *obj, const char *key, const char *label, bool required, int *out,
            struct err *e);
/* One of a fixed set of codes; *index_out is its position in choices (NULL-terminated). */
int jv_enum(json_t *obj, const char *key, const char *label, bool required,
            const char *const *choices, int *index_out, struct err *e);
/* An array of strings, each at most max_bytes, at most max_items. */
int jv_string_array(json_t *obj, const char *key, const char *label, bool required,
                    size_t max_items, size_t max_bytes, json_t **out, struct err *e);
bool jv_has(json_t *obj, const char *key);

#endif
