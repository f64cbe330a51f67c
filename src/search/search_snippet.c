/*
 * search_snippet.c - result snippets: a window of the ORIGINAL text around the first match of
 * the query's terms, HTML-escaped, the matches wrapped in <mark>…</mark>.
 *
 * The matches are found the way the index finds them (fts_cjk.h): the text is normalised
 * (normalize.h) and each normalised term is looked for as a substring whose first and last
 * characters, if they are letters or digits, are not glued to a letter or digit; the character
 * map of the normalisation turns normalised offsets back into the original bytes. Unlike FTS5's
 * snippet(), this needs no MATCH per result (a seek in every term's doclist) and no tokenising
 * of whole columns, and a single-character term marks exactly that character.
 */
#include "search/search_snippet.h"
#include "core/buf.h"
#include "core/utf8.h"
#include "search/fts_cjk.h"
#include "search/normalize.h"
#include "search/search.h"

#include <stdlib.h>
#include <string.h>

#define SNIPPET_PIECE (32 * 1024) /* bytes of text normalised at a time */

void snippet_terms_free(struct snippet_terms *t)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		free(t->s[i]);
	memset(t, 0, sizeof *t);
}

/* Class of the character starting at s[i] (s valid UTF-8), or of the one ending before i. */
static enum fts_cjk_class class_at(const char *s, size_t len, size_t i)
{
	uint32_t cp = 0;

	if (i >= len || utf8_decode(s + i, len - i, &cp) < 0)
		return FTS_CJK_SPACE;
	return fts_cjk_classify(cp);
}

static enum fts_cjk_class class_before(const char *s, size_t i)
{
	size_t j = i;
	uint32_t cp = 0;

	if (i == 0)
		return FTS_CJK_SPACE;
	while (j > 0 && ((unsigned char)s[j - 1] & 0xc0) == 0x80)
		j--;
	if (j > 0)
		j--;
	if (utf8_decode(s + j, i - j, &cp) < 0)
		return FTS_CJK_SPACE;
	return fts_cjk_classify(cp);
}

/* Collapses whitespace runs to one space and trims; returns the new length. */
static size_t squeeze_spaces(char *s, size_t len)
{
	size_t i = 0, o = 0;
	int space = 1;

	while (i < len) {
		uint32_t cp = 0;
		int n = utf8_decode(s + i, len - i, &cp);

		if (n < 0)
			n = 1;
		if (fts_cjk_classify(cp) == FTS_CJK_SPACE) {
			if (!space)
				s[o++] = ' ';
			space = 1;
		} else {
			memmove(s + o, s + i, (size_t)n);
			o += (size_t)n;
			space = 0;
		}
		i += (size_t)n;
	}
	if (o > 0 && s[o - 1] == ' ')
		o--;
	s[o] = '\0';
	return o;
}

int snippet_terms_add(struct snippet_terms *t, const char *term, size_t len, struct err *e)
{
	char *n;
	size_t nlen;

	if (t->n == SNIPPET_TERMS_MAX)
		return 0;
	if ((n = norm_text(term, len, &nlen, e)) == NULL)
		return -1;
	nlen = squeeze_spaces(n, nlen);
	if (nlen == 0) {
		free(n);
		return 0;
	}
	t->s[t->n] = n;
	t->len[t->n] = nlen;
	t->word_start[t->n] = class_at(n, nlen, 0) == FTS_CJK_WORD;
	t->word_end[t->n] = class_before(n, nlen) == FTS_CJK_WORD;
	t->n++;
	return 0;
}

struct range {
	size_t a, b; /* normalised byte offsets */
};

static int cmp_range(const void *x, const void *y)
{
	const struct range *p = x, *q = y;

	return p->a < q->a ? -1 : p->a > q->a;
}

/* Bytes of s from at that term (whitespace runs squeezed to one space) matches, a space of the
 * term standing for any run of whitespace in s, as the tokenizer reads both; 0 if none. */
static size_t match_len(const char *s, size_t len, size_t at, const char *term, size_t tlen)
{
	size_t i = at, j, run;
	uint32_t cp = 0;
	int n;

	for (j = 0; j < tlen; j++) {
		if (term[j] != ' ') {
			if (i >= len || s[i] != term[j])
				return 0;
			i++;
			continue;
		}
		for (run = i; i < len && class_at(s, len, i) == FTS_CJK_SPACE; i += (size_t)n)
			if ((n = utf8_decode(s + i, len - i, &cp)) < 0)
				return 0;
		if (i == run)
			return 0;
	}
	return i - at;
}

/* Every match of the terms in the normalised text, sorted, overlaps merged; count in *n. */
static struct range *find_matches(const struct snippet_terms *t, const char *s, size_t len,
                                  size_t *n)
{
	struct range *r = NULL;
	size_t cap = 0, k, i, w;
	const char *p;

	*n = 0;
	for (k = 0; k < t->n; k++) {
		/* the term up to its first space is found as it is, the rest by match_len */
		const char *sp = memchr(t->s[k], ' ', t->len[k]);
		size_t head = sp ? (size_t)(sp - t->s[k]) : t->len[k], mlen;

		for (i = 0; i + head <= len; i = (size_t)(p - s) + 1) {
			p = memmem(s + i, len - i, t->s[k], head);
			if (p == NULL)
				break;
			mlen = match_len(s, len, (size_t)(p - s), t->s[k], t->len[k]);
			if (mlen == 0)
				continue;
			if (t->word_start[k] && class_before(s, (size_t)(p - s)) == FTS_CJK_WORD)
				continue;
			if (t->word_end[k] &&
			    class_at(s, len, (size_t)(p - s) + mlen) == FTS_CJK_WORD)
				continue;
			if (*n == cap) {
				cap = cap ? cap * 2 : 16;
				if ((r = realloc(r, cap * sizeof *r)) == NULL)
					abort();
			}
			r[*n].a = (size_t)(p - s);
			r[(*n)++].b = (size_t)(p - s) + mlen;
		}
	}
	if (*n > 1)
		qsort(r, *n, sizeof *r, cmp_range);
	for (i = 0, w = 0; i < *n; i++) {
		if (w > 0 && r[i].a <= r[w - 1].b) {
			if (r[i].b > r[w - 1].b)
				r[w - 1].b = r[i].b;
		} else {
			r[w++] = r[i];
		}
	}
	*n = w;
	return r;
}

/* The character index of normalised byte offset off (the first char at or after it). */
static size_t char_at(const struct norm_mapped *m, size_t off)
{
	size_t lo = 0, hi = m->nchars;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (m->chars[mid].out_off < off)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Appends orig[a, b) escaped, whitespace runs as one space; *space carries the state. */
static void add_text(struct buf *out, const char *orig, size_t a, size_t b, int *space)
{
	struct buf tmp = BUF_INIT;
	size_t i = a;

	while (i < b) {
		uint32_t cp = 0;
		int n = utf8_decode(orig + i, b - i, &cp);

		if (n < 0) {
			i++;
			continue;
		}
		if (fts_cjk_classify(cp) == FTS_CJK_SPACE) {
			if (!*space)
				buf_addc(&tmp, ' ');
			*space = 1;
		} else {
			buf_add(&tmp, orig + i, (size_t)n);
			*space = 0;
		}
		i += (size_t)n;
	}
	search_html_escape(out, tmp.data);
	buf_free(&tmp);
}

/* The snippet of one normalised piece (orig is the piece) around matches r[0..n). */
static void build(struct buf *out, const char *orig, size_t olen, const struct norm_mapped *m,
                  const struct range *r, size_t n, bool whole, bool more_before, bool more_after)
{
	size_t first = char_at(m, r[0].a), from, to, k, pos;
	int space = 1;

	from = first > SNIPPET_LEAD_CHARS ? first - SNIPPET_LEAD_CHARS : 0;
	to = from + SNIPPET_CHARS;
	if (to < char_at(m, r[0].b))
		to = char_at(m, r[0].b);
	if (whole)
		from = 0, to = m->nchars;
	if (to > m->nchars)
		to = m->nchars;
	if (from > 0 || more_before)
		buf_adds(out, "…");
	pos = from < m->nchars ? m->chars[from].in_start : olen;
	for (k = 0; k < n && pos < olen; k++) {
		size_t ca = char_at(m, r[k].a), cb = char_at(m, r[k].b), a, b;

		if (ca >= to)
			break;
		if (ca < from)
			ca = from;
		if (cb > to)
			cb = to;
		if (cb <= ca)
			continue;
		a = m->chars[ca].in_start;
		b = m->chars[cb - 1].in_end;
		if (a < pos)
			a = pos;
		add_text(out, orig, pos, a, &space);
		buf_adds(out, "<mark>");
		space = 0;
		add_text(out, orig, a, b, &space);
		buf_adds(out, "</mark>");
		pos = b;
	}
	k = to < m->nchars ? m->chars[to].in_start : olen;
	if (k > pos)
		add_text(out, orig, pos, k, &space);
	if (to < m->nchars || more_after)
		buf_adds(out, "…");
}

/* The head of text (no match), escaped; all of it when whole. */
static void head(struct buf *out, const char *text, size_t len, bool whole)
{
	size_t i = 0, chars = 0;
	int space = 1;

	while (i < len && (whole || chars < SNIPPET_CHARS)) {
		int n = utf8_decode(text + i, len - i, &(uint32_t){0});

		i += n > 0 ? (size_t)n : 1;
		chars++;
	}
	add_text(out, text, 0, i, &space);
	if (i < len)
		buf_adds(out, "…");
}

int snippet_html(const struct snippet_terms *t, const char *text, bool whole, struct buf *out,
                 bool *matched, struct err *e)
{
	size_t len = text ? strlen(text) : 0, off = 0, piece, n;
	struct norm_mapped m;
	struct range *r;

	*matched = false;
	while (off < len && t->n > 0) {
		piece = norm_chunk_len(text + off, len - off, SNIPPET_PIECE);
		if (norm_text_map(text + off, piece, &m, e) < 0)
			return -1;
		r = find_matches(t, m.text, m.len, &n);
		if (n > 0) {
			build(out, text + off, piece, &m, r, n, whole, off > 0, off + piece < len);
			*matched = true;
		}
		free(r);
		norm_mapped_free(&m);
		if (*matched)
			return 0;
		off += piece;
	}
	if (len > 0)
		head(out, text, len, whole);
	return 0;
}
