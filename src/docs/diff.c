/*
 * diff.c - line, then character, LCS diff of two texts (see diff.h).
 */
#include "docs/diff.h"
#include "core/buf.h"
#include "core/utf8.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum op { OP_EQ, OP_DEL, OP_INS };
static const char *const op_names[] = {"eq", "del", "ins"};

/* A text cut into tokens: token i is text[off[i] .. off[i + 1]). */
struct toks {
	const char *text;
	size_t n;
	size_t *off; /* n + 1 entries */
	uint64_t *h;
};

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);

	if (p == NULL)
		abort();
	return p;
}

static uint64_t hash_bytes(const char *s, size_t len)
{
	uint64_t h = 1469598103934665603ull;

	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
	return h;
}

/* Lines, each with its '\n'. */
static void toks_lines(struct toks *t, const char *s, size_t len)
{
	size_t n = 0, k = 0;

	for (size_t i = 0; i < len; i++)
		if (s[i] == '\n')
			n++;
	n += len > 0 && s[len - 1] != '\n';
	t->text = s;
	t->n = n;
	t->off = xcalloc(n + 1, sizeof *t->off);
	t->h = xcalloc(n, sizeof *t->h);
	for (size_t i = 0; i < len; i++)
		if (s[i] == '\n')
			t->off[++k] = i + 1;
	t->off[n] = len;
	for (size_t i = 0; i < n; i++)
		t->h[i] = hash_bytes(s + t->off[i], t->off[i + 1] - t->off[i]);
}

/* Code points (an invalid byte is a token of its own). */
static void toks_chars(struct toks *t, const char *s, size_t len)
{
	size_t n = 0, i = 0;

	t->text = s;
	t->off = xcalloc(len + 1, sizeof *t->off);
	t->h = xcalloc(len, sizeof *t->h);
	while (i < len) {
		uint32_t cp;
		int k = utf8_decode(s + i, len - i, &cp);
		if (k <= 0) {
			k = 1;
			cp = 0x80000000u | (unsigned char)s[i];
		}
		t->off[n] = i;
		t->h[n++] = cp;
		i += (size_t)k;
	}
	t->off[n] = len;
	t->n = n;
}

static void toks_free(struct toks *t)
{
	free(t->off);
	free(t->h);
}

static bool tok_eq(const struct toks *a, size_t i, const struct toks *b, size_t j)
{
	size_t la = a->off[i + 1] - a->off[i], lb = b->off[j + 1] - b->off[j];

	return a->h[i] == b->h[j] && la == lb &&
	       memcmp(a->text + a->off[i], b->text + b->off[j], la) == 0;
}

/* An edit script entry: op over tokens [i0, i1) of a (eq, del) or of b (ins). */
struct edit {
	enum op op;
	size_t i0, i1;
};

struct script {
	struct edit *v;
	size_t n, cap;
};

static void script_add(struct script *s, enum op op, size_t i0, size_t i1)
{
	if (i0 == i1)
		return;
	if (s->n && s->v[s->n - 1].op == op && s->v[s->n - 1].i1 == i0) {
		s->v[s->n - 1].i1 = i1;
		return;
	}
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 16;
		s->v = realloc(s->v, s->cap * sizeof *s->v);
		if (s->v == NULL)
			abort();
	}
	s->v[s->n++] = (struct edit){op, i0, i1};
}

/* The LCS edit script of a and b; deletions come before insertions within a change. */
static void lcs(const struct toks *a, const struct toks *b, struct script *out)
{
	size_t p = 0, sa = a->n, sb = b->n, n, m, i, j;
	uint8_t *dir;
	uint32_t *cur, *next, *tmp;

	while (p < sa && p < sb && tok_eq(a, p, b, p))
		p++;
	while (sa > p && sb > p && tok_eq(a, sa - 1, b, sb - 1))
		sa--, sb--;
	script_add(out, OP_EQ, 0, p);
	n = sa - p;
	m = sb - p;
	if (n == 0 || m == 0 || n > DIFF_CELLS_MAX / m) {
		script_add(out, OP_DEL, p, sa);
		script_add(out, OP_INS, p, sb);
		script_add(out, OP_EQ, sa, a->n);
		return;
	}
	dir = xcalloc(n * m, 1);
	cur = xcalloc(m + 1, sizeof *cur);
	next = xcalloc(m + 1, sizeof *next);
	for (i = n; i-- > 0;) {
		cur[m] = 0;
		for (j = m; j-- > 0;) {
			if (tok_eq(a, p + i, b, p + j)) {
				cur[j] = next[j + 1] + 1;
				dir[i * m + j] = 0;
			} else if (next[j] >= cur[j + 1]) {
				cur[j] = next[j];
				dir[i * m + j] = 1;
			} else {
				cur[j] = cur[j + 1];
				dir[i * m + j] = 2;
			}
		}
		tmp = cur, cur = next, next = tmp;
	}
	for (i = 0, j = 0; i < n && j < m;) {
		switch (dir[i * m + j]) {
		case 0:
			script_add(out, OP_EQ, p + i, p + i + 1);
			i++, j++;
			break;
		case 1:
			script_add(out, OP_DEL, p + i, p + i + 1);
			i++;
			break;
		default:
			script_add(out, OP_INS, p + j, p + j + 1);
			j++;
		}
	}
	script_add(out, OP_DEL, p + i, sa);
	script_add(out, OP_INS, p + j, sb);
	script_add(out, OP_EQ, sa, a->n);
	free(dir);
	free(cur);
	free(next);
}

/* The output: chunks merged while the op stays the same. */
struct sink {
	json_t *arr;
	struct buf cur;
	int op;
	struct diff_stats st;
};

static void sink_flush(struct sink *k)
{
	if (k->cur.len)
		json_array_append_new(k->arr, json_pack("{s:s, s:s%}", "op", op_names[k->op],
		                                        "text", k->cur.data, k->cur.len));
	buf_reset(&k->cur);
}

static void sink_add(struct sink *k, enum op op, const char *s, size_t len)
{
	size_t chars = 0;

	if (len == 0)
		return;
	if ((int)op != k->op)
		sink_flush(k);
	k->op = (int)op;
	buf_add(&k->cur, s, len);
	if (op != OP_EQ && utf8_count(s, len, &chars) != 0)
		chars = len;
	if (op == OP_INS)
		k->st.inserted += chars;
	else if (op == OP_DEL)
		k->st.deleted += chars;
}

static void emit_range(struct sink *k, enum op op, const struct toks *t, size_t i0, size_t i1)
{
	sink_add(k, op, t->text + t->off[i0], t->off[i1] - t->off[i0]);
}

/* A block of removed lines replaced by added lines: compare their characters. */
static void emit_chars(struct sink *k, const char *a, size_t alen, const char *b, size_t blen)
{
	struct toks ta, tb;
	struct script s = {0};

	toks_chars(&ta, a, alen);
	toks_chars(&tb, b, blen);
	lcs(&ta, &tb, &s);
	for (size_t i = 0; i < s.n; i++)
		emit_range(k, s.v[i].op, s.v[i].op == OP_INS ? &tb : &ta, s.v[i].i0, s.v[i].i1);
	free(s.v);
	toks_free(&ta);
	toks_free(&tb);
}

json_t *text_diff(const char *a, size_t alen, const char *b, size_t blen, struct diff_stats *stats)
{
	struct toks la, lb;
	struct script s = {0};
	struct sink k = {.arr = json_array(), .cur = BUF_INIT, .op = -1};

	toks_lines(&la, a, alen);
	toks_lines(&lb, b, blen);
	lcs(&la, &lb, &s);
	for (size_t i = 0; i < s.n; i++) {
		const struct edit *x = &s.v[i];
		if (x->op == OP_DEL && i + 1 < s.n && s.v[i + 1].op == OP_INS) {
			const struct edit *y = &s.v[i + 1];
			emit_chars(&k, a + la.off[x->i0], la.off[x->i1] - la.off[x->i0],
			           b + lb.off[y->i0], lb.off[y->i1] - lb.off[y->i0]);
			i++;
			continue;
		}
		emit_range(&k, x->op, x->op == OP_INS ? &lb : &la, x->i0, x->i1);
	}
	sink_flush(&k);
	buf_free(&k.cur);
	free(s.v);
	toks_free(&la);
	toks_free(&lb);
	if (stats)
		*stats = k.st;
	return k.arr;
}
