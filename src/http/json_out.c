/*
 * json_out.c - compact JSON serialisation of a jansson value into a buffer.
 *
 * Why not json_dumps(): it costs about as much as the SQLite work of a typical API answer (its
 * callback-per-token writer and per-character UTF-8 re-validation). Strings in a json_t are
 * already valid UTF-8 without NUL (jansson enforces it), so escaping only needs the JSON specials
 * and control characters. U+2028/U+2029 are escaped too, so output is also safe inside <script>.
 */
#include "http/http_private.h"

#include <stdio.h>
#include <string.h>

static void emit_string(struct buf *b, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	size_t run = 0;

	buf_grow(b, len + 2);
	buf_addc(b, '"');
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)s[i];
		const char *esc = NULL;
		char u[7];

		if (ch == '"')
			esc = "\\\"";
		else if (ch == '\\')
			esc = "\\\\";
		else if (ch == '\n')
			esc = "\\n";
		else if (ch == '\r')
			esc = "\\r";
		else if (ch == '\t')
			esc = "\\t";
		else if (ch < 0x20) {
			memcpy(u, "\\u00", 4);
			u[4] = hex[ch >> 4];
			u[5] = hex[ch & 15];
			u[6] = '\0';
			esc = u;
		} else if (ch == 0xe2 && i + 2 < len && (unsigned char)s[i + 1] == 0x80 &&
		           ((unsigned char)s[i + 2] == 0xa8 || (unsigned char)s[i + 2] == 0xa9)) {
			esc = (unsigned char)s[i + 2] == 0xa8 ? "\\u2028" : "\\u2029";
		}
		if (esc == NULL) {
			run++;
			continue;
		}
		buf_add(b, s + i - run, run);
		run = 0;
		buf_adds(b, esc);
		if (esc[1] == 'u' && esc[2] == '2')
			i += 2; /* the two continuation bytes of U+2028/9 */
	}
	buf_add(b, s + len - run, run);
	buf_addc(b, '"');
}

void json_emit(struct buf *b, const json_t *v)
{
	char num[32];
	size_t i, n;

	switch (json_typeof(v)) {
	case JSON_OBJECT: {
		const char *key;
		json_t *val;
		int first = 1;
		buf_addc(b, '{');
		json_object_foreach((json_t *)v, key, val)
		{
			if (!first)
				buf_addc(b, ',');
			first = 0;
			emit_string(b, key, strlen(key));
			buf_addc(b, ':');
			json_emit(b, val);
		}
		buf_addc(b, '}');
		break;
	}
	case JSON_ARRAY:
		buf_addc(b, '[');
		n = json_array_size(v);
		for (i = 0; i < n; i++) {
			if (i)
				buf_addc(b, ',');
			json_emit(b, json_array_get(v, i));
		}
		buf_addc(b, ']');
		break;
	case JSON_STRING:
		emit_string(b, json_string_value(v), json_string_length(v));
		break;
	case JSON_INTEGER:
		snprintf(num, sizeof num, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		buf_adds(b, num);
		break;
	case JSON_REAL:
		snprintf(num, sizeof num, "%.17g", json_real_value(v));
		buf_adds(b, num);
		break;
	case JSON_TRUE:
		buf_adds(b, "true");
		break;
	case JSON_FALSE:
		buf_adds(b, "false");
		break;
	default:
		buf_adds(b, "null");
	}
}
