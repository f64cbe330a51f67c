#include "core/buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char buf_empty[1];

void buf_grow(struct buf *b, size_t extra)
{
	size_t want = b->len + extra + 1;
	char *p;

	if (want <= b->cap)
		return;
	if (want < b->cap * 2)
		want = b->cap * 2;
	if (want < 64)
		want = 64;
	p = realloc(b->cap ? b->data : NULL, want);
	if (p == NULL)
		abort();
	if (b->cap == 0)
		p[0] = '\0';
	b->data = p;
	b->cap = want;
}

void buf_add(struct buf *b, const void *data, size_t len)
{
	buf_grow(b, len);
	memcpy(b->data + b->len, data, len);
	b->len += len;
	b->data[b->len] = '\0';
}

void buf_adds(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

void buf_addc(struct buf *b, char c)
{
	buf_add(b, &c, 1);
}

size_t dec_u64(char *out, uint64_t v)
{
	char tmp[DEC_U64_MAX];
	size_t n = 0, i;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	for (i = 0; i < n; i++)
		out[i] = tmp[n - 1 - i];
	return n;
}

size_t dec_i64(char *out, int64_t v)
{
	if (v >= 0)
		return dec_u64(out, (uint64_t)v);
	out[0] = '-';
	return 1 + dec_u64(out + 1, (uint64_t)0 - (uint64_t)v);
}

void buf_add_int(struct buf *b, int64_t v)
{
	char d[DEC_I64_MAX];

	buf_add(b, d, dec_i64(d, v));
}

void buf_vaddf(struct buf *b, const char *fmt, va_list ap)
{
	va_list cp;
	int n;

	va_copy(cp, ap);
	n = vsnprintf(b->data + b->len, b->cap ? b->cap - b->len : 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		return;
	if (b->len + (size_t)n + 1 > b->cap) {
		buf_grow(b, (size_t)n);
		vsnprintf(b->data + b->len, b->cap - b->len, fmt, ap);
	}
	b->len += (size_t)n;
}

void buf_addf(struct buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	buf_vaddf(b, fmt, ap);
	va_end(ap);
}

void buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->cap)
		b->data[0] = '\0';
}

char *buf_detach(struct buf *b, size_t *len)
{
	char *s;

	if (b->cap == 0)
		buf_grow(b, 0);
	s = b->data;
	if (len)
		*len = b->len;
	b->data = buf_empty;
	b->len = b->cap = 0;
	return s;
}

void buf_free(struct buf *b)
{
	if (b->cap)
		free(b->data);
	b->data = buf_empty;
	b->len = b->cap = 0;
}
