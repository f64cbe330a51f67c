/*
 * buf.h - a growable byte buffer, always NUL-terminated (after git's strbuf).
 *
 * Invariants: b->data is never NULL after buf_init (it points to a static "" until the first
 * append), b->data[b->len] == '\0', b->len < b->cap unless b->cap == 0.
 * Lifecycle: struct buf b = BUF_INIT; buf_add...(&b, ...); use b.data; buf_free(&b).
 * buf_detach() hands the heap string to the caller (free() it) and resets the buffer.
 * Allocation failure aborts: a server that cannot allocate a few bytes cannot answer anyway.
 */
#ifndef JW_BUF_H
#define JW_BUF_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

struct buf {
	char *data;
	size_t len;
	size_t cap;
};

extern char buf_empty[];
#define BUF_INIT                                                                                   \
	{                                                                                          \
		buf_empty, 0, 0                                                                    \
	}

void buf_grow(struct buf *b, size_t extra);
void buf_add(struct buf *b, const void *data, size_t len);
void buf_adds(struct buf *b, const char *s);
void buf_addc(struct buf *b, char c);
/* Decimal text of an integer without printf (hot paths: SQL parameter names, audit rows, JSON of
 * list pages, xlsx cells). dec_u64/dec_i64 write the digits at out, unterminated, and return how
 * many (at most DEC_U64_MAX / DEC_I64_MAX); buf_add_int appends them. */
#define DEC_U64_MAX 20
#define DEC_I64_MAX 20 /* 19 digits and a sign */
size_t dec_u64(char *out, uint64_t v);
size_t dec_i64(char *out, int64_t v);
void buf_add_int(struct buf *b, int64_t v);
void buf_addf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_vaddf(struct buf *b, const char *fmt, va_list ap);
void buf_reset(struct buf *b); /* len = 0, keeps the allocation */
char *buf_detach(struct buf *b, size_t *len);
void buf_free(struct buf *b);

#endif
