/* The normalisation fast path (src/search/normalize.c: fast_map) against the full pipeline:
 * random lines drawn from characters that take every branch (simplified and traditional
 * Chinese, OpenCC character and phrase keys, ASCII, full-width forms, brackets, combining marks,
 * Hangul jamo, compatibility characters, default-ignorables, whitespace). A line that starts with
 * U+20000 (outside the BMP, so never on the fast path, and inert: it changes nothing around it)
 * is normalised by the pipeline; the same line without it must come out identical, text and
 * offset map alike, whichever path it takes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/utf8.h"
#include "search/normalize.h"
#include "search_t2s_keys.h" /* generated from the installed OpenCC data (mk/search.mk) */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LINES      4000
#define LINE_CHARS 24
#define PREFIX     "\xf0\xa0\x80\x80" /* U+20000 */

static const char *const pool[] = {
    "检",
    "察",
    "院",
    "人",
    "民",
    "监",
    "督",
    "羁",
    "押",
    "的",
    "了",
    "于",
    "发",
    "后",
    "干",
    "檢",
    "羈",
    "臺",
    "灣",
    "乾",
    "燥",
    "於",
    "覆",
    "藉",
    "瞭",
    "著",
    "發",
    "髮",
    "後",
    "裡",
    "a",
    "Z",
    "q",
    "0",
    "7",
    " ",
    "\t",
    "\n",
    "(",
    ")",
    "[",
    "]",
    "<",
    "=",
    ",",
    ".",
    "-",
    "Ａ",
    "ｚ",
    "１",
    "（",
    "）",
    "，",
    "：",
    "【",
    "】",
    "〖",
    "〗",
    "〔",
    "〕",
    "　",
    "、",
    "。",
    "\xcc\x81",     /* U+0301 combining acute */
    "\xcc\xb8",     /* U+0338 combining long solidus (< + U+0338 = ≮) */
    "\xe1\x84\x80", /* U+1100 Hangul choseong */
    "\xe1\x85\xa1", /* U+1161 Hangul jungseong */
    "\xea\xb0\x80", /* 가 */
    "\xef\xa4\x80", /* U+F900 compatibility ideograph */
    "㍻",
    "Ⅱ",
    "ﬁ",
    "é",
    "e",
    "\xe2\x80\x8b" /* U+200B */,
    "\xc2\xad" /* U+00AD */,
    "\xef\xbf\xbd",
    "😀",
};
#define POOL (sizeof pool / sizeof pool[0])

static uint64_t rng = 0x9e3779b97f4a7c15u;

static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static size_t encode(uint32_t cp, char *b)
{
	if (cp < 0x800) {
		b[0] = (char)(0xc0 | cp >> 6);
		b[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		b[0] = (char)(0xe0 | cp >> 12);
		b[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		b[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	b[0] = (char)(0xf0 | cp >> 18);
	b[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	b[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	b[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* Appends a random piece: mostly pool characters, sometimes a whole OpenCC phrase key or a
 * character key (so phrases occur and lines take the pipeline). */
static void add_piece(char *line, size_t cap)
{
	uint64_t r = next() % 100;
	const char *p;
	char buf[8];

	if (r < 8) {
		p = t2s_phrase_keys[next() % (sizeof t2s_phrase_keys / sizeof t2s_phrase_keys[0])];
	} else if (r < 20) {
		uint32_t cp =
		    t2s_char_keys[next() % (sizeof t2s_char_keys / sizeof t2s_char_keys[0])];
		size_t n = 0;

		if (cp < 0x80 || cp > 0x10ffff)
			return;
		n = encode(cp, buf);
		buf[n] = '\0';
		p = buf;
	} else {
		p = pool[next() % POOL];
	}
	if (strlen(line) + strlen(p) + 1 < cap)
		strcat(line, p);
}

static void same_as_pipeline(const char *line)
{
	struct err e = ERR_INIT;
	struct norm_mapped fast, ref;
	char *forced = malloc(strlen(line) + sizeof PREFIX);
	size_t k;

	assert_non_null(forced);
	strcpy(forced, PREFIX);
	strcat(forced, line);
	assert_int_equal(norm_text_map(line, strlen(line), &fast, &e), 0);
	assert_int_equal(norm_text_map(forced, strlen(forced), &ref, &e), 0);
	assert_true(ref.nchars >= 1);
	if (strcmp(fast.text, ref.text + 4) != 0 || fast.nchars != ref.nchars - 1)
		fail_msg("line [%s]: fast [%s], pipeline [%s]", line, fast.text, ref.text + 4);
	for (k = 0; k < fast.nchars; k++) {
		const struct norm_char *f = &fast.chars[k], *g = &ref.chars[k + 1];

		if (f->cp != g->cp || f->out_off != g->out_off - 4 ||
		    f->in_start != g->in_start - 4 || f->in_end != g->in_end - 4)
			fail_msg("line [%s] char %zu: U+%04X %u [%u,%u) vs U+%04X %u [%u,%u)", line,
			         k, f->cp, f->out_off, f->in_start, f->in_end, g->cp,
			         g->out_off - 4, g->in_start - 4, g->in_end - 4);
	}
	norm_mapped_free(&fast);
	norm_mapped_free(&ref);
	free(forced);
}

static void random_lines_equal_the_pipeline(void **state)
{
	char line[LINE_CHARS * 40];
	int i, k, n;

	(void)state;
	for (i = 0; i < LINES; i++) {
		line[0] = '\0';
		n = 1 + (int)(next() % LINE_CHARS);
		for (k = 0; k < n; k++)
			add_piece(line, sizeof line);
		same_as_pipeline(line);
	}
}

/* Whole paragraphs: most lines fast, some not, so runs of each kind meet in one call. */
static void mixed_texts_equal_the_pipeline(void **state)
{
	static const char *const lines[] = {
	    "第一条　为了规范检察工作，制定本规定。\n",
	    "第二条　人民檢察院依法獨立行使檢察權。\n",
	    "劳社部发[2008]3号\n",
	    "DNA鉴定（ＤＮＡ）与mtDNA\n",
	    "乾燥的天氣於是覆蓋了藉口\n",
	    "平成㍻年 Ⅱ 章\n",
	    "e\xcc\x81 <\xcc\xb8 ＝\n",
	    "\n",
	};
	char text[4096];
	int i, k;

	(void)state;
	for (i = 0; i < 300; i++) {
		text[0] = '\0';
		for (k = 0; k < 6; k++)
			strcat(text, lines[next() % (sizeof lines / sizeof lines[0])]);
		same_as_pipeline(text);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(random_lines_equal_the_pipeline),
	    cmocka_unit_test(mixed_texts_equal_the_pipeline),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
