/*
 * fts_cjk.h - the FTS5 tokenizer "cjk" and the query builder for the search query language.
 *
 * Tokens. The text is normalised first (search/normalize.h); offsets reported to FTS5 are byte
 * offsets in the ORIGINAL text, so snippet() and highlight() mark the original. Each normalised
 * character is one of four classes (fts_cjk_classify):
 *   CJK    Han, Hiragana, Katakana, Hangul, Bopomofo (plus ー 々-style marks). In a run of CJK
 *          characters each one takes a position: the bigram starting there, with the single
 *          character FTS5_TOKEN_COLOCATED; the last of a run has only its single character.
 *   WORD   other letters, marks and digits: a maximal run is one token (already case-folded),
 *          cut to FTS_CJK_WORD_MAX bytes.
 *   SPACE  Unicode White_Space: a run of it is one token " " (nothing before the first token).
 *   OTHER  punctuation and symbols (CJK punctuation included): one token per character. They
 *          end CJK runs and words, so bigrams never span them.
 * At query time (FTS5_TOKENIZE_QUERY) a CJK run of two or more characters becomes its bigrams
 * at consecutive positions, followed by the last character alone when more tokens follow; one
 * CJK character is its single-character token. Other classes are tokenised as at index time.
 *
 * Semantics (proved in tests/unit/test_fts_cjk.c and tests/quality): a quoted query term matches
 * a column exactly when norm(column), with whitespace runs read as one space, contains norm(term),
 * trimmed and read the same way, as a substring whose first and last characters, if they are WORD
 * characters, are not preceded / followed by a WORD character. For a pure CJK term that is plain
 * substring search; Latin words and numbers match as whole words ("DNA" finds "ＤＮＡ鉴定" but not
 * "mtDNA"; "5号" does not find "15号"). Two edges: a word longer than FTS_CJK_WORD_MAX bytes is
 * indexed by its first FTS_CJK_WORD_MAX bytes, and a line longer than FTS_CJK_PIECE bytes is cut
 * (at a space, failing that anywhere), so a match across that cut is not found.
 *
 * highlight()/snippet(): a position is marked with the range of its primary token, the bigram.
 * A multi-character term is marked exactly; a single-character term is marked together with the
 * CJK character after it (FTS5 in SQLite 3.40 gives auxiliary functions no way to tell).
 *
 * Long texts are tokenised in pieces of FTS_CJK_PIECE bytes cut after a line break
 * (norm_chunk_len), which keeps memory bounded without changing the tokens.
 *
 * Threads: the tokenizer has no state of its own; it is safe on any number of connections.
 */
#ifndef JW_SEARCH_FTS_CJK_H
#define JW_SEARCH_FTS_CJK_H

#include "core/err.h"

#include <stdint.h>

typedef struct sqlite3 sqlite3;

#define FTS_CJK_TOKENIZER       "cjk"
#define FTS_CJK_WORD_MAX        128          /* bytes kept of one WORD token */
#define FTS_CJK_PIECE           (128 * 1024) /* bytes normalised at a time */
#define FTS_CJK_QUERY_MAX_BYTES 256          /* a user query, in bytes (85 CJK characters) */
#define FTS_CJK_QUERY_MAX_TERMS 16           /* terms, phrases and exclusions together */

enum fts_cjk_class { FTS_CJK_OTHER, FTS_CJK_SPACE, FTS_CJK_WORD, FTS_CJK_CJK };

/* Class of a normalised code point, as the tokenizer sees it. */
enum fts_cjk_class fts_cjk_classify(uint32_t cp);

/* The ranking function registered with the tokenizer: see fts_cjk_register. */
#define FTS_CJK_RANK_FUNCTION "cjk_rank"
#define FTS_CJK_RANK_MAX_COLS 16
#define FTS_CJK_RANK_TIER     1000.0

/* Registers the tokenizer "cjk" on db (through `SELECT fts5(?1)`), initialising normalisation
 * first, and the FTS5 auxiliary function cjk_rank(tbl, tier_mask, 'w0 w1 …', 'n0 n1 …'):
 * BM25 (k1 = 1.2, b = 0.75, higher is better) with per-column weights and the phrases' document
 * frequencies given by the caller (none: every idf is 1), plus FTS_CJK_RANK_TIER when every phrase
 * found in the row is found in a column of the bit mask tier_mask (title/文号 hits first). Returns
 * 0, or -1 with the cause logged. Call it on every connection: FTS5 looks tokenizers up per
 * connection, and a table created with tokenize='cjk' cannot be read or written on a connection
 * without it. Registering twice replaces the first registration. */
int fts_cjk_register(sqlite3 *db);

/*
 * Turns what a user typed into an FTS5 MATCH expression for a table using this tokenizer.
 * Query language:
 *   检察 羁押        terms separated by spaces (ASCII or U+3000): all must occur;
 *   "认罪认罚 从宽"  a quoted phrase, spaces included ("…" or “…”);
 *   -撤销  -"…"     a leading '-' (or '－') excludes a term or phrase;
 * a lone '-' and "" are ignored. Every term becomes an FTS5 string with '"' doubled, so no user
 * text can reach FTS5 syntax (AND, OR, NOT, NEAR, *, ^, column filters, parentheses). Terms that
 * normalise to nothing (e.g. only U+200B) are dropped.
 * Result: `"a" AND "b"`, or `("a" AND "b") NOT ("c" OR "d")`; malloc'd, the caller frees it.
 * Errors (NULL returned, field "q"): ERR_VALIDATION for an empty query, a query of exclusions
 * only, more than FTS_CJK_QUERY_MAX_TERMS terms, more than FTS_CJK_QUERY_MAX_BYTES bytes or
 * invalid UTF-8; ERR_INTERNAL if normalisation is unavailable.
 */
char *fts_cjk_match_expr(const char *user_query, struct err *e);

#endif
