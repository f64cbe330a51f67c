/*
 * search_snippet.h - HTML snippets of search results (search_snippet.c). Internal to src/search.
 *
 * Lifecycle: struct snippet_terms t = {0}; snippet_terms_add() each positive query term (raw, as
 * typed; normalised here); snippet_html() per text; snippet_terms_free(&t).
 */
#ifndef JW_SEARCH_SNIPPET_H
#define JW_SEARCH_SNIPPET_H

#include "core/buf.h"
#include "core/err.h"

#include <stdbool.h>
#include <stddef.h>

#define SNIPPET_TERMS_MAX  16 /* = FTS_CJK_QUERY_MAX_TERMS */
#define SNIPPET_CHARS      90 /* characters of text shown */
#define SNIPPET_LEAD_CHARS 20 /* of which before the first match */

struct snippet_terms {
	char *s[SNIPPET_TERMS_MAX]; /* normalised, whitespace runs as one space; owned */
	size_t len[SNIPPET_TERMS_MAX];
	bool word_start[SNIPPET_TERMS_MAX]; /* starts / ends with a letter or digit */
	bool word_end[SNIPPET_TERMS_MAX];
	size_t n;
};

/* Adds a term (len bytes of valid UTF-8); terms beyond the maximum or normalising to nothing
 * are ignored. -1 only when normalisation fails. */
int snippet_terms_add(struct snippet_terms *t, const char *term, size_t len, struct err *e);
void snippet_terms_free(struct snippet_terms *t);

/*
 * Appends to out about SNIPPET_CHARS characters of text around the first match of any term
 * (whole: all of a short text such as a title), HTML-escaped, whitespace runs as one space, each
 * match in <mark>…</mark>, "…" where text was cut; *matched = true. Without a match, the
 * beginning of text (escaped, nothing marked) and *matched = false. text may be NULL.
 */
int snippet_html(const struct snippet_terms *t, const char *text, bool whole, struct buf *out,
                 bool *matched, struct err *e);

#endif
