/* Unit tests of src/search/fts_cjk: the "cjk" FTS5 tokenizer in an in-memory table, its matching
 * semantics against a brute-force substring search, highlights on the original text, and the
 * query language → MATCH builder. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/utf8.h"
#include "search/fts_cjk.h"
#include "search/normalize.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DOCS 64 /* result sets are bit masks of rowids 1..63 */

static sqlite3 *open_db(void)
{
	sqlite3 *db = NULL;

	assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
	assert_int_equal(fts_cjk_register(db), 0);
	assert_int_equal(
	    sqlite3_exec(db, "CREATE VIRTUAL TABLE t USING fts5(title, body, tokenize='cjk')", NULL,
	                 NULL, NULL),
	    SQLITE_OK);
	return db;
}

static void add(sqlite3 *db, int64_t rowid, const char *title, const char *body)
{
	sqlite3_stmt *st;

	assert_int_equal(sqlite3_prepare_v2(db, "INSERT INTO t(rowid, title, body) VALUES (?,?,?)",
	                                    -1, &st, NULL),
	                 SQLITE_OK);
	sqlite3_bind_int64(st, 1, rowid);
	sqlite3_bind_text(st, 2, title, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, body, -1, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
}

/* Rows matching a raw MATCH expression, as a bit mask of rowids. */
static uint64_t match_raw(sqlite3 *db, const char *expr)
{
	sqlite3_stmt *st;
	uint64_t rows = 0;
	int rc;

	assert_int_equal(
	    sqlite3_prepare_v2(db, "SELECT rowid FROM t WHERE t MATCH ?", -1, &st, NULL),
	    SQLITE_OK);
	sqlite3_bind_text(st, 1, expr, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		rows |= UINT64_C(1) << sqlite3_column_int64(st, 0);
	if (rc != SQLITE_DONE)
		fail_msg("MATCH %s: %s", expr, sqlite3_errmsg(db));
	sqlite3_finalize(st);
	return rows;
}

/* Rows matching what a user typed. */
static uint64_t search(sqlite3 *db, const char *q)
{
	struct err e = ERR_INIT;
	char *expr = fts_cjk_match_expr(q, &e);
	uint64_t rows;

	if (expr == NULL)
		fail_msg("query %s: %s", q, e.msg);
	rows = match_raw(db, expr);
	free(expr);
	return rows;
}

#define R(n) (UINT64_C(1) << (n))

/* highlight() of column col of the single matching row, '[' ']' marks; the caller frees. */
static char *highlight(sqlite3 *db, const char *q, int col)
{
	struct err e = ERR_INIT;
	char *expr = fts_cjk_match_expr(q, &e), *out = NULL;
	sqlite3_stmt *st;

	assert_non_null(expr);
	assert_int_equal(
	    sqlite3_prepare_v2(db, "SELECT highlight(t, ?2, '[', ']') FROM t WHERE t MATCH ?1", -1,
	                       &st, NULL),
	    SQLITE_OK);
	sqlite3_bind_text(st, 1, expr, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, col);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	out = strdup((const char *)sqlite3_column_text(st, 0));
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
	free(expr);
	return out;
}

static void assert_highlight(sqlite3 *db, const char *q, int col, const char *want)
{
	char *got = highlight(db, q, col);

	assert_string_equal(got, want);
	free(got);
}

static void registration_is_per_connection(void **state)
{
	sqlite3 *db = open_db(), *bare = NULL;

	/* Options are refused; a second registration is harmless. */
	assert_int_not_equal(sqlite3_exec(db,
	                                  "CREATE VIRTUAL TABLE u USING fts5(x, tokenize='cjk 1')",
	                                  NULL, NULL, NULL),
	                     SQLITE_OK);
	assert_int_equal(fts_cjk_register(db), 0);
	add(db, 1, "", "检察");
	assert_int_equal(search(db, "检察"), R(1));
	sqlite3_close(db);

	assert_int_equal(sqlite3_open(":memory:", &bare), SQLITE_OK);
	assert_int_not_equal(sqlite3_exec(bare,
	                                  "CREATE VIRTUAL TABLE u USING fts5(x, tokenize='cjk')",
	                                  NULL, NULL, NULL),
	                     SQLITE_OK);
	sqlite3_close(bare);
}

static void two_char_words_and_single_chars(void **state)
{
	sqlite3 *db = open_db();

	add(db, 1, "", "人民检察院");
	add(db, 2, "", "检 察");
	add(db, 3, "", "检察，院");
	add(db, 4, "", "院检察");
	add(db, 5, "羁押必要性审查", "");
	assert_int_equal(search(db, "检察"), R(1) | R(3) | R(4));
	assert_int_equal(search(db, "察院"), R(1));
	assert_int_equal(search(db, "检"), R(1) | R(2) | R(3) | R(4));
	assert_int_equal(search(db, "院"), R(1) | R(3) | R(4));
	assert_int_equal(search(db, "羁押"), R(5));
	assert_int_equal(search(db, "押"), R(5));
	assert_int_equal(search(db, "性"), R(5));
	assert_int_equal(search(db, "公诉"), 0);
	sqlite3_close(db);
}

static void long_phrases_and_punctuation(void **state)
{
	sqlite3 *db = open_db();

	add(db, 1, "", "最高人民检察院关于办理公益诉讼案件若干问题的规定");
	add(db, 2, "", "最高人民检察院，关于办理公益诉讼");
	add(db, 3, "", "办理公益诉讼案件的检察院");
	assert_int_equal(search(db, "最高人民检察院关于办理公益诉讼案件"), R(1));
	assert_int_equal(search(db, "公益诉讼案件"), R(1) | R(3));
	assert_int_equal(search(db, "人民检察院关于"), R(1)); /* not across the comma */
	assert_int_equal(search(db, "检察院，关于"), R(2));   /* the comma typed: only there */
	assert_int_equal(search(db, "检察院,关于"), R(2));    /* ASCII comma = full-width */
	assert_int_equal(search(db, "检察院关"), R(1));
	assert_int_equal(search(db, "的检察院"), R(3));
	sqlite3_close(db);
}

static void either_script_finds_both(void **state)
{
	sqlite3 *db = open_db();

	add(db, 1, "最高人民檢察院", "公益訴訟");
	add(db, 2, "人民检察院", "公益诉讼");
	add(db, 3, "", "乾燥的天气");
	assert_int_equal(search(db, "检察院"), R(1) | R(2));
	assert_int_equal(search(db, "檢察院"), R(1) | R(2));
	assert_int_equal(search(db, "公益訴訟"), R(1) | R(2));
	assert_int_equal(search(db, "公益诉讼"), R(1) | R(2));
	assert_int_equal(search(db, "干燥"), R(3));
	assert_int_equal(search(db, "乾燥"), R(3));
	sqlite3_close(db);
}

static void latin_words_and_numbers(void **state)
{
	sqlite3 *db = open_db();

	add(db, 1, "", "关于ＤＮＡ鉴定的规定");
	add(db, 2, "", "dna 检测");
	add(db, 3, "", "mtDNA 分析");
	add(db, 4, "", "2018年10月26日修正");
	add(db, 5, "", "12018年");
	add(db, 6, "", "2018 年");
	add(db, 7, "", "第 5 條");
	assert_int_equal(search(db, "DNA"), R(1) | R(2));
	assert_int_equal(search(db, "dna"), R(1) | R(2));
	assert_int_equal(search(db, "ＤＮＡ鉴定"), R(1));
	assert_int_equal(search(db, "mtdna"), R(3));
	assert_int_equal(search(db, "2018年"), R(4));
	assert_int_equal(search(db, "2018"), R(4) | R(6));
	assert_int_equal(search(db, "26日修正"), R(4));
	assert_int_equal(search(db, "\"第 5 条\""), R(7));
	assert_int_equal(search(db, "第5条"), 0);
	sqlite3_close(db);
}

static void wenhao_brackets_match_each_other(void **state)
{
	sqlite3 *db = open_db();

	add(db, 1, "定检发〔2024〕5号", "");
	add(db, 2, "定检发[2024]5号", "");
	add(db, 3, "", "依据定检发【2024】5号文件");
	add(db, 4, "", "定检发（2024）5号");
	add(db, 5, "", "定检发〔2024〕15号");
	add(db, 6, "", "定检发 2024 5号");
	assert_int_equal(search(db, "定检发〔2024〕5号"), R(1) | R(2) | R(3) | R(4));
	assert_int_equal(search(db, "定检发[2024]5号"), R(1) | R(2) | R(3) | R(4));
	assert_int_equal(search(db, "(2024)"), R(1) | R(2) | R(3) | R(4) | R(5));
	assert_int_equal(search(db, "〔2024〕15号"), R(5));
	sqlite3_close(db);
}

static void highlights_mark_the_original_text(void **state)
{
	sqlite3 *db = open_db();

	add(db, 1, "最高人民檢察院", "关于ＤＮＡ鉴定的规定，依据定检发[2024]5号。");
	assert_highlight(db, "检察", 0, "最高人民[檢察]院");
	assert_highlight(db, "检察院", 0, "最高人民[檢察院]");
	assert_highlight(db, "dna", 1, "关于[ＤＮＡ]鉴定的规定，依据定检发[2024]5号。");
	assert_highlight(db, "定检发〔2024〕5号", 1,
	                 "关于ＤＮＡ鉴定的规定，依据[定检发[2024]5号]。");
	/* A single character is marked alone at the end of a CJK run, elsewhere together with
	 * the character after it (fts_cjk.h). */
	assert_highlight(db, "院", 0, "最高人民檢察[院]");
	assert_highlight(db, "察", 0, "最高人民檢[察院]");
	sqlite3_close(db);
}

/* Pieces: the line break that ends a piece and the whitespace that starts the next are one
 * whitespace token, and offsets after the first piece still point into the original. */
static void long_texts_are_tokenised_in_pieces(void **state)
{
	static const char *const tails[] = {"\nabc\ndef", "\nabc\n  def"};
	sqlite3 *db[2];
	size_t lead = FTS_CJK_PIECE - 5, len, k;
	char *body, *hl;

	for (k = 0; k < 2; k++) {
		len = lead + strlen(tails[k]);
		body = malloc(len + 1);
		assert_non_null(body);
		memset(body, 'x', lead);
		memcpy(body + lead, tails[k], strlen(tails[k]) + 1);
		assert_int_equal(norm_chunk_len(body, len, FTS_CJK_PIECE), FTS_CJK_PIECE);
		db[k] = open_db();
		add(db[k], 1, "", body);
		assert_int_equal(search(db[k], "\"abc def\""), R(1));
		assert_int_equal(search(db[k], "\"abc\n\ndef\""), R(1));
		assert_int_equal(search(db[k], "\"abcdef\""), 0);
		hl = highlight(db[k], "def", 1);
		assert_string_equal(hl + lead, k == 0 ? "\nabc\n[def]" : "\nabc\n  [def]");
		free(hl);
		free(body);
		sqlite3_close(db[k]);
	}
}

/* ---- semantics against brute force ---- */

/* Normalised text as code points, whitespace runs as one ' '; *n characters. */
static uint32_t *norm_cps(const char *s, int trim, size_t *n)
{
	struct err e = ERR_INIT;
	struct norm_mapped m;
	uint32_t *cp;
	size_t k;

	assert_int_equal(norm_text_map(s, strlen(s), &m, &e), 0);
	cp = malloc((m.nchars + 1) * sizeof *cp);
	assert_non_null(cp);
	*n = 0;
	for (k = 0; k < m.nchars; k++) {
		if (fts_cjk_classify(m.chars[k].cp) != FTS_CJK_SPACE)
			cp[(*n)++] = m.chars[k].cp;
		else if (*n > 0 && cp[*n - 1] != ' ')
			cp[(*n)++] = ' ';
		else if (*n == 0 && !trim)
			cp[(*n)++] = ' ';
	}
	while (trim && *n > 0 && cp[*n - 1] == ' ')
		(*n)--;
	norm_mapped_free(&m);
	return cp;
}

static int is_word(uint32_t cp)
{
	return fts_cjk_classify(cp) == FTS_CJK_WORD;
}

/* The documented semantics (fts_cjk.h): substring, with word boundaries at WORD ends. */
static int brute_match(const uint32_t *d, size_t nd, const uint32_t *q, size_t nq)
{
	size_t i;

	for (i = 0; nq > 0 && i + nq <= nd; i++) {
		if (memcmp(d + i, q, nq * sizeof *q) != 0)
			continue;
		if (is_word(q[0]) && i > 0 && is_word(d[i - 1]))
			continue;
		if (is_word(q[nq - 1]) && i + nq < nd && is_word(d[i + nq]))
			continue;
		return 1;
	}
	return 0;
}

static const char *const pieces[] = {"检", "察", "院", "檢", "，", ",",  "a",  "B",  "ａ", "1",
                                     "2",  " ",  "\n", "(",  "【", "〕", "乾", "燥", "干", "。"};
#define NPIECES (sizeof pieces / sizeof pieces[0])

static void random_text(char *buf, size_t cap, int maxlen, unsigned *seed)
{
	int n = rand_r(seed) % (maxlen + 1), k;

	buf[0] = '\0';
	for (k = 0; k < n && strlen(buf) + 4 < cap; k++)
		strcat(buf, pieces[rand_r(seed) % (int)NPIECES]);
}

static void matches_exactly_the_normalised_substrings(void **state)
{
	enum { NDOCS = 40, NQUERIES = 3000 };
	sqlite3 *db = open_db();
	char docs[NDOCS + 1][160], q[64], typed[80];
	uint32_t *dcp[NDOCS + 1], *qcp;
	size_t dn[NDOCS + 1], qn, start, k;
	unsigned seed = 4242;
	uint64_t want, got;
	int i, checked = 0, nonempty = 0;

	for (i = 1; i <= NDOCS; i++) {
		random_text(docs[i], sizeof docs[i], 30, &seed);
		add(db, i, "", docs[i]);
		dcp[i] = norm_cps(docs[i], 0, &dn[i]);
	}
	for (k = 0; k < NQUERIES; k++) {
		/* Half are pieces of a document (so that most have hits), half are random. */
		if (k % 2 == 0) {
			const char *d = docs[1 + rand_r(&seed) % NDOCS];
			size_t len = strlen(d);

			if (len == 0)
				continue;
			start = (size_t)rand_r(&seed) % len;
			while (start > 0 && ((unsigned char)d[start] & 0xc0) == 0x80)
				start--;
			snprintf(q, sizeof q, "%.*s", 1 + rand_r(&seed) % 12, d + start);
			while (utf8_count(q, strlen(q), &qn) < 0)
				q[strlen(q) - 1] = '\0';
		} else {
			random_text(q, sizeof q, 5, &seed);
		}
		qcp = norm_cps(q, 1, &qn);
		if (qn == 0) {
			free(qcp);
			continue;
		}
		want = 0;
		for (i = 1; i <= NDOCS; i++)
			if (brute_match(dcp[i], dn[i], qcp, qn))
				want |= R(i);
		snprintf(typed, sizeof typed, "\"%s\"", q);
		got = search(db, typed);
		if (got != want)
			fail_msg("query \"%s\": got %#llx, want %#llx", q, (unsigned long long)got,
			         (unsigned long long)want);
		checked++;
		nonempty += want != 0;
		free(qcp);
	}
	assert_true(checked > NQUERIES / 2);
	assert_true(nonempty > checked / 3);
	for (i = 1; i <= NDOCS; i++)
		free(dcp[i]);
	sqlite3_close(db);
}

/* ---- query language ---- */

static void assert_expr(const char *typed, const char *want)
{
	struct err e = ERR_INIT;
	char *got = fts_cjk_match_expr(typed, &e);

	if (got == NULL)
		fail_msg("%s: %s", typed, e.msg);
	assert_string_equal(got, want);
	free(got);
}

static void assert_expr_refused(const char *typed)
{
	struct err e = ERR_INIT;

	assert_null(fts_cjk_match_expr(typed, &e));
	assert_int_equal(e.kind, ERR_VALIDATION);
	assert_string_equal(e.field, "q");
}

static void query_language_builds_safe_expressions(void **state)
{
	assert_expr("检察", "\"检察\"");
	assert_expr("  检察   羁押 ", "\"检察\" AND \"羁押\"");
	assert_expr("检察\xe3\x80\x80羁押", "\"检察\" AND \"羁押\""); /* U+3000 separates */
	assert_expr("\"认罪认罚 从宽\"", "\"认罪认罚 从宽\"");
	assert_expr("“认罪认罚 从宽”", "\"认罪认罚 从宽\"");
	assert_expr("检察 -撤销 -\"不起诉 决定\"", "(\"检察\") NOT (\"撤销\" OR \"不起诉 决定\")");
	assert_expr("检察 －撤销", "(\"检察\") NOT (\"撤销\")");
	assert_expr("a-b", "\"a-b\"");
	assert_expr("检察 - \"\"", "\"检察\""); /* lone '-' and empty quotes ignored */
	/* FTS5 syntax in user text stays literal. */
	assert_expr("a OR b", "\"a\" AND \"OR\" AND \"b\"");
	assert_expr("NEAR(a b) *", "\"NEAR(a\" AND \"b)\" AND \"*\"");
	assert_expr("title:检察 ^x", "\"title:检察\" AND \"^x\"");
	assert_expr("a\"b", "\"a\"\"b\"");
	assert_expr("\"unterminated phrase", "\"unterminated phrase\"");
	assert_expr("检察 \xe2\x80\x8b", "\"检察\""); /* a term of U+200B alone yields no token */

	assert_expr_refused("");
	assert_expr_refused("   ");
	assert_expr_refused(NULL);
	assert_expr_refused("-检察");
	assert_expr_refused("-检察 -羁押");
	assert_expr_refused("\xff");
	assert_expr_refused("\xe2\x80\x8b");
}

static void query_limits_are_enforced(void **state)
{
	char q[FTS_CJK_QUERY_MAX_BYTES + 2], *expr;
	struct err e = ERR_INIT;
	int k;

	memset(q, 'a', FTS_CJK_QUERY_MAX_BYTES);
	q[FTS_CJK_QUERY_MAX_BYTES] = '\0';
	expr = fts_cjk_match_expr(q, &e);
	assert_non_null(expr);
	free(expr);
	q[FTS_CJK_QUERY_MAX_BYTES] = 'a';
	q[FTS_CJK_QUERY_MAX_BYTES + 1] = '\0';
	assert_expr_refused(q);

	q[0] = '\0';
	for (k = 0; k < FTS_CJK_QUERY_MAX_TERMS; k++)
		strcat(q, "a ");
	expr = fts_cjk_match_expr(q, &e);
	assert_non_null(expr);
	free(expr);
	strcat(q, "b");
	assert_expr_refused(q);
}

static void any_input_gives_a_valid_expression_or_a_refusal(void **state)
{
	static const char *const parts[] = {"\"", "“",    "”",   "-",  "－",   " ",  "\xe3\x80\x80",
	                                    "(",  ")",    "*",   "^",  ":",    "{",  "}",
	                                    "+",  "NOT",  "AND", "OR", "NEAR", "检", "察",
	                                    "a",  "\xff", "\\",  "'"};
	sqlite3 *db = open_db();
	struct err e;
	char q[FTS_CJK_QUERY_MAX_BYTES + 1], *expr;
	unsigned seed = 99;
	int k, n, j, ok = 0;

	add(db, 1, "a", "检察 NOT \"a\" (b)");
	for (k = 0; k < 3000; k++) {
		q[0] = '\0';
		n = rand_r(&seed) % 10;
		for (j = 0; j < n; j++) {
			const char *p =
			    parts[rand_r(&seed) % (int)(sizeof parts / sizeof parts[0])];

			if (strlen(q) + strlen(p) < sizeof q)
				strcat(q, p);
		}
		err_clear(&e);
		expr = fts_cjk_match_expr(q, &e);
		if (expr == NULL) {
			assert_int_equal(e.kind, ERR_VALIDATION);
			continue;
		}
		(void)match_raw(db, expr); /* fails the test on any FTS5 syntax error */
		free(expr);
		ok++;
	}
	assert_true(ok > 1000);
	sqlite3_close(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(registration_is_per_connection),
	    cmocka_unit_test(two_char_words_and_single_chars),
	    cmocka_unit_test(long_phrases_and_punctuation),
	    cmocka_unit_test(either_script_finds_both),
	    cmocka_unit_test(latin_words_and_numbers),
	    cmocka_unit_test(wenhao_brackets_match_each_other),
	    cmocka_unit_test(highlights_mark_the_original_text),
	    cmocka_unit_test(long_texts_are_tokenised_in_pieces),
	    cmocka_unit_test(matches_exactly_the_normalised_substrings),
	    cmocka_unit_test(query_language_builds_safe_expressions),
	    cmocka_unit_test(query_limits_are_enforced),
	    cmocka_unit_test(any_input_gives_a_valid_expression_or_a_refusal),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
