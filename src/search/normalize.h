/*
 * normalize.h - the text normalisation that search uses on both sides: on the text it indexes and
 * on the text users type. Never applied to stored or displayed text.
 *
 * norm(x) = bracket_fold(opencc_t2s(NFKC_Casefold(x))), in that order:
 *   1. Unicode NFKC_Casefold (ICU unorm2_getNFKCCasefoldInstance): full-width forms become ASCII,
 *      case is folded, compatibility characters are decomposed (㍻ → 平成) and default-ignorable
 *      code points (U+200B, U+FEFF, U+00AD, …) are removed.
 *   2. OpenCC with the "t2s.json" configuration: traditional → simplified script (檢察 → 检察).
 *      The whole text is converted in one call, so phrase entries (乾燥 → 干燥) apply exactly as
 *      they do for the `opencc -c t2s` command-line tool.
 *   3. The 文号 brackets fold to one pair, 〔 and 〕 (U+3014/U+3015): 〔〕 [] 【】 〖〗 and,
 * through step 1, （） ［］ ﹝﹞ as well as (). So 〔2024〕, [2024], 【2024】 and (2024) are equal.
 *
 * Invalid UTF-8 is never an error: each byte that does not start a valid sequence (overlong forms,
 * surrogates, values above U+10FFFF and truncated sequences included) becomes U+FFFD, and so does
 * U+0000 (OpenCC's C API stops at NUL). Memory is bounded: one call accepts at most
 * NORM_MAX_INPUT bytes and at most NORM_MAX_EXPANDED UTF-16 units after step 1. Longer texts are
 * normalised piecewise, cut with norm_chunk_len().
 *
 * Offsets: norm_text_map() also tells, for every output character, the byte range of the input it
 * came from, so a tokenizer can report offsets in the original text (FTS5 snippet()/highlight()
 * then mark the original). Every OpenCC t2s dictionary entry keeps the number of characters
 * (checked for the installed TSPhrases/TSCharacters, and checked again on every call), so output
 * character k of step 2 comes from character k of step 1.
 *
 * Threads: norm_init() is process-wide and idempotent (pthread_once). After it, every function here
 * may be called from any thread at once: the ICU normaliser instance is immutable and documented
 * thread-safe, and OpenCC documents every C function except opencc_error() as thread-safe
 * (Converter::Convert is const), so one converter is shared without a lock; opencc_error() is only
 * called inside the once-only initialisation. The converter lives until the process exits.
 */
#ifndef JW_SEARCH_NORMALIZE_H
#define JW_SEARCH_NORMALIZE_H

#include "core/err.h"

#include <stddef.h>
#include <stdint.h>

/* Bytes accepted by one call; UTF-16 units allowed after NFKC_Casefold (U+FDFA becomes 18). */
#define NORM_MAX_INPUT     (1024 * 1024)
#define NORM_MAX_EXPANDED  (2 * NORM_MAX_INPUT)
#define NORM_OPENCC_CONFIG "t2s.json"
#define NORM_BRACKET_OPEN  0x3014 /* 〔 */
#define NORM_BRACKET_CLOSE 0x3015 /* 〕 */

/* One character of normalised text and where it came from. Several output characters can share
 * one input range (㍻ → 平成; é from e + U+0301 covers both input characters); ranges never go
 * backwards. */
struct norm_char {
	uint32_t cp;       /* the normalised code point */
	uint32_t out_off;  /* its byte offset in norm_mapped.text */
	uint32_t in_start; /* input bytes [in_start, in_end) it came from */
	uint32_t in_end;
};

/* Result of norm_text_map(). text is NUL-terminated UTF-8 of len bytes; chars has nchars entries,
 * one per code point of text. Both are owned by the struct: release with norm_mapped_free(). */
struct norm_mapped {
	char *text;
	size_t len;
	struct norm_char *chars;
	size_t nchars;
};

/* Loads the ICU instance and the OpenCC converter once. Returns 0, or -1 with ERR_INTERNAL (the
 * cause, e.g. a missing /usr/share/opencc/t2s.json, goes to the log). Calling it again returns
 * the first outcome. The other functions call it themselves; call it at start-up to fail early. */
int norm_init(struct err *e);

/* Normalises len bytes of utf8 (no NUL needed). Returns a malloc'd NUL-terminated string that
 * the caller frees, and its length in *out_len (may be NULL). Returns NULL with ERR_TOO_LARGE
 * when len > NORM_MAX_INPUT or the expansion exceeds NORM_MAX_EXPANDED, ERR_INTERNAL otherwise. */
char *norm_text(const char *utf8, size_t len, size_t *out_len, struct err *e);

/* As norm_text, and fills *out with the per-character map. On failure *out is zeroed. */
int norm_text_map(const char *utf8, size_t len, struct norm_mapped *out, struct err *e);
void norm_mapped_free(struct norm_mapped *m);

/* Length of the next piece of a long text to normalise on its own: all of it when len <= max,
 * else the longest prefix of at most max bytes that ends just after a '\n' (then the pieces
 * normalise exactly like the whole: no NFKC sequence, OpenCC phrase or CJK run crosses a line
 * break), failing that after an ASCII space or tab, failing that on a UTF-8 character boundary.
 * max must be at least 4; the result is > 0 whenever len > 0. */
size_t norm_chunk_len(const char *s, size_t len, size_t max);

#endif
