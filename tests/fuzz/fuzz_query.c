/*
 * fuzz_query.c - what a user types into search: fts_cjk_match_expr() (search/fts_cjk.c) builds the
 * FTS5 MATCH expression, SQLite runs it against a table tokenised by "cjk", and snippet_html()
 * (search/search_snippet.c) marks the terms in the text.
 *
 * Input: the query, optionally followed by a NUL byte and a document text (default: none).
 * Invariants:
 *   - the expression is exactly `"t" AND "t" ...` or `("t" AND ...) NOT ("t" OR ...)`: strings
 *     with '"' doubled and nothing of the user's outside them (no FTS5 syntax can leak), at most
 *     FTS_CJK_QUERY_MAX_TERMS terms, each a piece of the query;
 *   - refusals are ERR_VALIDATION on field "q" with a UTF-8 message;
 *   - SQLite accepts the expression (no FTS5 syntax error) on a cjk table;
 *   - for a single-term query, FTS5 finds the document exactly when snippet_html marks a match
 *     in it (the two implement the same matching rule of fts_cjk.h independently);
 *   - the snippet is HTML with nothing unescaped but <mark> and </mark>, and valid UTF-8.
 */
#include "core/buf.h"
#include "fuzz_util.h"
#include "search/fts_cjk.h"
#include "search/search_snippet.h"

#include <sqlite3.h>

static sqlite3 *db;
static sqlite3_stmt *ins, *sel;

static void setup(void)
{
	if (sqlite3_open(":memory:", &db) != SQLITE_OK || fts_cjk_register(db) != 0 ||
	    sqlite3_exec(db, "CREATE VIRTUAL TABLE t USING fts5(body, tokenize='cjk')", NULL, NULL,
	                 NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "INSERT INTO t(rowid, body) VALUES (1, ?1)", -1, &ins, NULL) !=
	        SQLITE_OK ||
	    sqlite3_prepare_v2(db, "SELECT count(*) FROM t WHERE t MATCH ?1", -1, &sel, NULL) !=
	        SQLITE_OK)
		abort();
}

struct parsed {
	char *terms[FTS_CJK_QUERY_MAX_TERMS + 1];
	size_t len[FTS_CJK_QUERY_MAX_TERMS + 1];
	size_t n, npos;
};

/* One FTS5 string at *p: its content unescaped into a new string. */
static void parse_string(const char **p, struct parsed *out)
{
	const char *s = *p;
	struct buf b = BUF_INIT;

	FUZZ_CHECK(*s == '"', "expected a string at '%s'", s);
	for (s++;; s++) {
		FUZZ_CHECK(*s != '\0', "unterminated string");
		if (*s == '"') {
			if (s[1] != '"')
				break;
			s++;
		}
		buf_addc(&b, *s);
	}
	FUZZ_CHECK(out->n < FTS_CJK_QUERY_MAX_TERMS, "more than %d terms", FTS_CJK_QUERY_MAX_TERMS);
	out->len[out->n] = b.len;
	out->terms[out->n++] = buf_detach(&b, NULL);
	*p = s + 1;
}

static void parse_list(const char **p, const char *op, struct parsed *out)
{
	parse_string(p, out);
	while (strncmp(*p, op, strlen(op)) == 0) {
		*p += strlen(op);
		parse_string(p, out);
	}
}

static void parse_expr(const char *expr, struct parsed *out)
{
	const char *p = expr;

	if (*p == '(') {
		p++;
		parse_list(&p, " AND ", out);
		out->npos = out->n;
		FUZZ_CHECK(strncmp(p, ") NOT (", 7) == 0, "expected NOT in %s", expr);
		p += 7;
		parse_list(&p, " OR ", out);
		FUZZ_CHECK(p[0] == ')' && p[1] == '\0', "trailing '%s'", p);
	} else {
		parse_list(&p, " AND ", out);
		out->npos = out->n;
		FUZZ_CHECK(*p == '\0', "trailing '%s'", p);
	}
}

/* FTS5 count of rows matching expr in the table as it is. */
static int fts_count(const char *expr)
{
	int rc, n = -1;

	sqlite3_bind_text(sel, 1, expr, -1, SQLITE_STATIC);
	rc = sqlite3_step(sel);
	FUZZ_CHECK(rc == SQLITE_ROW, "MATCH %s: %s", expr, sqlite3_errmsg(db));
	n = sqlite3_column_int(sel, 0);
	sqlite3_reset(sel);
	return n;
}

static void check_html(const char *html, size_t len)
{
	size_t i = 0;

	FUZZ_CHECK(fuzz_utf8_valid(html, len), "snippet not UTF-8");
	while (i < len) {
		if (strncmp(html + i, "<mark>", 6) == 0) {
			i += 6;
		} else if (strncmp(html + i, "</mark>", 7) == 0) {
			i += 7;
		} else if (html[i] == '&') {
			static const char *const ent[] = {"&amp;", "&lt;", "&gt;", "&quot;",
			                                  "&#39;"};
			size_t k;
			for (k = 0; k < 5 && strncmp(html + i, ent[k], strlen(ent[k])) != 0; k++)
				;
			FUZZ_CHECK(k < 5, "bare & in snippet at %zu: %s", i, html);
			i += strlen(ent[k]);
		} else {
			FUZZ_CHECK(html[i] != '<' && html[i] != '>' && html[i] != '"' &&
			               html[i] != '\'',
			           "unescaped %c in snippet: %s", html[i], html);
			i++;
		}
	}
}

static void check_document(const char *expr, const struct parsed *p, const char *text)
{
	struct snippet_terms st = {0};
	struct err e = ERR_INIT;
	struct buf html = BUF_INIT;
	bool matched = false, whole;
	int found;

	for (size_t k = 0; k < p->npos; k++)
		FUZZ_CHECK(snippet_terms_add(&st, p->terms[k], p->len[k], &e) == 0, "terms: %s",
		           e.msg);
	for (int w = 0; w <= 1; w++) {
		whole = w;
		buf_reset(&html);
		FUZZ_CHECK(snippet_html(&st, text, whole, &html, &matched, &e) == 0, "snippet: %s",
		           e.msg);
		check_html(html.data ? html.data : "", html.len);
	}
	sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
	sqlite3_bind_text(ins, 1, text, -1, SQLITE_STATIC);
	FUZZ_CHECK(sqlite3_step(ins) == SQLITE_DONE, "insert: %s", sqlite3_errmsg(db));
	sqlite3_reset(ins);
	found = fts_count(expr);
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	/* Documented edges (fts_cjk.h): words cut at FTS_CJK_WORD_MAX bytes. */
	if (p->n == 1 && p->npos == 1 && p->len[0] < FTS_CJK_WORD_MAX / 2 &&
	    strlen(text) < FTS_CJK_WORD_MAX)
		FUZZ_CHECK(found == (int)matched, "FTS5 %s, snippet %s for %s in '%s'",
		           found ? "finds" : "misses", matched ? "marks" : "does not", expr, text);
	snippet_terms_free(&st);
	buf_free(&html);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *in = fuzz_cstr(data, size);
	const char *nul = memchr(data, 0, size);
	const char *text = nul ? in + (nul - (const char *)data) + 1 : NULL;
	struct err e = ERR_INIT;
	struct parsed p = {0};
	char *expr;

	if (db == NULL)
		setup();
	expr = fts_cjk_match_expr(in, &e);
	if (expr == NULL) {
		FUZZ_CHECK(e.kind == ERR_VALIDATION || e.kind == ERR_INTERNAL, "kind %d", e.kind);
		FUZZ_CHECK(e.kind != ERR_VALIDATION || strcmp(e.field, "q") == 0, "field %s",
		           e.field);
		FUZZ_CHECK(fuzz_utf8_valid(e.msg, strlen(e.msg)), "message not UTF-8");
		free(in);
		return 0;
	}
	FUZZ_CHECK(e.kind == ERR_NONE, "expression with an error");
	parse_expr(expr, &p);
	FUZZ_CHECK(p.npos >= 1, "no positive term in %s", expr);
	for (size_t k = 0; k < p.n; k++)
		FUZZ_CHECK(p.len[k] > 0 && memmem(in, strlen(in), p.terms[k], p.len[k]),
		           "term '%s' is not from the query", p.terms[k]);
	FUZZ_CHECK(fts_count(expr) == 0, "empty table matched");
	if (text && fuzz_utf8_valid(text, strlen(text)))
		check_document(expr, &p, text);
	for (size_t k = 0; k < p.n; k++)
		free(p.terms[k]);
	free(expr);
	free(in);
	return 0;
}
