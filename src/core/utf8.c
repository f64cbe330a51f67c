#include "core/utf8.h"

int utf8_decode(const char *str, size_t len, uint32_t *cp)
{
	const unsigned char *s = (const unsigned char *)str;
	uint32_t c, min;
	int n;

	if (len == 0)
		return -1;
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if ((s[0] & 0xe0) == 0xc0) {
		n = 2, c = s[0] & 0x1f, min = 0x80;
	} else if ((s[0] & 0xf0) == 0xe0) {
		n = 3, c = s[0] & 0x0f, min = 0x800;
	} else if ((s[0] & 0xf8) == 0xf0) {
		n = 4, c = s[0] & 0x07, min = 0x10000;
	} else {
		return -1;
	}
	if (len < (size_t)n)
		return -1;
	for (int i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return -1;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return -1;
	*cp = c;
	return n;
}

int utf8_count(const char *s, size_t len, size_t *count)
{
	size_t i = 0, n = 0;
	uint32_t cp;

	while (i < len) {
		int k = utf8_decode(s + i, len - i, &cp);
		if (k < 0)
			return -1;
		i += (size_t)k;
		n++;
	}
	*count = n;
	return 0;
}

size_t utf8_truncate(const char *s, size_t len, size_t max_bytes)
{
	size_t i = len < max_bytes ? len : max_bytes;

	while (i > 0 && i < len && ((unsigned char)s[i] & 0xc0) == 0x80)
		i--;
	return i;
}
