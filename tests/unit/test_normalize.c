/* Unit tests of src/search/normalize: NFKC_Casefold + OpenCC t2s + 文号 bracket fold, the offset
 * map, invalid input, limits, pieces, threads. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/utf8.h"
#include "search/normalize.h"

#include <opencc/opencc.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* norm_text of a C string; the test owns the result. */
static char *norm(const char *s)
{
	struct err e = ERR_INIT;
	char *out = norm_text(s, strlen(s), NULL, &e);

	assert_non_null(out);
	return out;
}

static void assert_norm(const char *in, const char *want)
{
	char *got = norm(in);

	assert_string_equal(got, want);
	free(got);
}

static void init_is_idempotent(void **state)
{
	struct err e = ERR_INIT;

	assert_int_equal(norm_init(&e), 0);
	assert_int_equal(norm_init(&e), 0);
	assert_int_equal(e.kind, ERR_NONE);
}

static void folds_script_width_and_case(void **state)
{
	assert_norm("檢察", "检察");
	assert_norm("ＤＮＡ", "dna");
	assert_norm("公益訴訟", "公益诉讼");
	assert_norm("最高人民檢察院", "最高人民检察院");
	assert_norm("DNA鉴定 Hello", "dna鉴定 hello");
	assert_norm("１２３４５", "12345");
	assert_norm("Straße", "strasse");
	assert_norm("㍻", "平成");              /* compatibility decomposition */
	assert_norm("a\xe2\x80\x8bz", "az");    /* U+200B is default-ignorable */
	assert_norm("检察院，。", "检察院,。"); /* full-width comma; 。 stays */
	assert_norm("中華人民共和國刑事訴訟法", "中华人民共和国刑事诉讼法");
	/* OpenCC phrases apply as for the whole text: 乾燥 → 干燥, 乾坤 keeps 乾. */
	assert_norm("乾燥", "干燥");
	assert_norm("袖裏乾坤", "袖里乾坤");
	assert_norm("", "");
}

static void folds_wenhao_brackets(void **state)
{
	static const char *const forms[] = {"〔2024〕", "[2024]",   "【2024】", "(2024)",
	                                    "（2024）", "［2024］", "〖2024〗", "﹝2024﹞"};
	size_t k;

	for (k = 0; k < sizeof forms / sizeof forms[0]; k++)
		assert_norm(forms[k], "〔2024〕");
	assert_norm("定检发[2024]5号", "定检发〔2024〕5号");
	assert_norm("《刑法》", "《刑法》"); /* book title marks are not 文号 brackets */
}

static void invalid_utf8_becomes_replacement_characters(void **state)
{
	static const struct {
		const char *in;
		size_t len;
		const char *want;
	} cases[] = {
	    {"\xff", 1, "\xef\xbf\xbd"},
	    {"a\xc0\xafz", 4, "a\xef\xbf\xbd\xef\xbf\xbdz"},             /* overlong */
	    {"\xed\xa0\x80", 3, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"}, /* surrogate */
	    {"\xf4\x90\x80\x80", 4,
	     "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"}, /* > U+10FFFF */
	    {"检\xe6\xa3", 5, "检\xef\xbf\xbd\xef\xbf\xbd"},      /* truncated */
	    {"a\0z", 3, "a\xef\xbf\xbdz"},                        /* NUL */
	};
	struct norm_mapped m;
	struct err e = ERR_INIT;
	size_t k, n;

	for (k = 0; k < sizeof cases / sizeof cases[0]; k++) {
		assert_int_equal(norm_text_map(cases[k].in, cases[k].len, &m, &e), 0);
		assert_string_equal(m.text, cases[k].want);
		assert_int_equal(utf8_count(m.text, m.len, &n), 0);
		assert_int_equal(n, m.nchars);
		norm_mapped_free(&m);
	}
	/* Each bad byte maps to itself. */
	assert_int_equal(norm_text_map("a\xc0\xaf", 3, &m, &e), 0);
	assert_int_equal(m.nchars, 3);
	assert_int_equal(m.chars[1].in_start, 1);
	assert_int_equal(m.chars[1].in_end, 2);
	assert_int_equal(m.chars[2].in_start, 2);
	assert_int_equal(m.chars[2].in_end, 3);
	norm_mapped_free(&m);
}

static void map_points_into_the_original(void **state)
{
	/* Ａ(3 bytes) B(1) 檢(3) space ㍻(3) e + U+0301(2) */
	const char *in = "ＡB檢 ㍻e\xcc\x81";
	static const struct {
		uint32_t cp, start, end;
	} want[] = {
	    {'a', 0, 3},     {'b', 3, 4},     {0x68c0, 4, 7}, {' ', 7, 8},
	    {0x5e73, 8, 11}, {0x6210, 8, 11}, {0xe9, 11, 14},
	};
	struct norm_mapped m;
	struct err e = ERR_INIT;
	size_t k;

	assert_int_equal(norm_text_map(in, strlen(in), &m, &e), 0);
	assert_string_equal(m.text, "ab检 平成é");
	assert_int_equal(m.nchars, sizeof want / sizeof want[0]);
	for (k = 0; k < m.nchars; k++) {
		assert_int_equal(m.chars[k].cp, want[k].cp);
		assert_int_equal(m.chars[k].in_start, want[k].start);
		assert_int_equal(m.chars[k].in_end, want[k].end);
	}
	assert_int_equal(m.chars[2].out_off, 2);
	assert_int_equal(m.chars[3].out_off, 5);
	norm_mapped_free(&m);
}

static void limits_are_enforced(void **state)
{
	struct err e = ERR_INIT;
	size_t n = NORM_MAX_INPUT + 1, k, out_len;
	char *big = malloc(n), *out;

	assert_non_null(big);
	memset(big, 'a', n);
	assert_null(norm_text(big, n, NULL, &e));
	assert_int_equal(e.kind, ERR_TOO_LARGE);

	err_clear(&e);
	out = norm_text(big, NORM_MAX_INPUT, &out_len, &e);
	assert_non_null(out);
	assert_int_equal(out_len, NORM_MAX_INPUT);
	free(out);

	/* U+FDFA expands to 18 characters: a full-size input of it exceeds NORM_MAX_EXPANDED. */
	for (k = 0; k + 3 <= NORM_MAX_INPUT; k += 3)
		memcpy(big + k, "\xef\xb7\xba", 3);
	err_clear(&e);
	assert_null(norm_text(big, k, NULL, &e));
	assert_int_equal(e.kind, ERR_TOO_LARGE);
	free(big);
}

static void chunks_end_after_a_line_break(void **state)
{
	const char *s = "检察院\n公诉 科\n羁押";
	size_t len = strlen(s);

	assert_int_equal(norm_chunk_len(s, len, 100), len);
	assert_int_equal(norm_chunk_len(s, len, 21), strlen("检察院\n公诉 科\n"));
	assert_int_equal(norm_chunk_len(s, len, 20), strlen("检察院\n"));
	assert_int_equal(norm_chunk_len(s, len, 12), strlen("检察院\n"));
	/* No line break: after a space; none either: on a character boundary. */
	assert_int_equal(norm_chunk_len("公诉 科羁押", strlen("公诉 科羁押"), 10), 7);
	assert_int_equal(norm_chunk_len("检察院检察院", 18, 8), 6);
	assert_int_equal(norm_chunk_len("检察院检察院", 18, 4), 3);
}

/* The fast path (lines without t2s keys skip OpenCC) must equal converting everything. */
static void skipping_opencc_changes_nothing(void **state)
{
	/* 沈默 有序 沈船: TSPhrases keys without a TSCharacters key; 藉 覆: identity-first keys. */
	static const char *const texts[] = {
	    "中华人民共和国刑事诉讼法\n第一条 为了保证刑法的正确实施\n",
	    "沈默是金\n有序推进\n沈船打捞\n",
	    "憑藉\n据了解\n茵藉\n覆盖\n",
	    "检察院\n檢察院\n\n乾燥的乾坤\n袖裏乾坤",
	    "第一行没有繁体字\n第二行有個繁體字\n第三行又没有",
	};
	opencc_t cc = opencc_open("t2s.json");
	size_t k;

	assert_true(cc != (opencc_t)-1);
	for (k = 0; k < sizeof texts / sizeof texts[0]; k++) {
		char *full = opencc_convert_utf8(cc, texts[k], strlen(texts[k]));
		char *got = norm(texts[k]);

		assert_string_equal(got, full);
		free(got);
		opencc_convert_utf8_free(full);
	}
	opencc_close(cc);
}

static void normalising_twice_changes_nothing(void **state)
{
	static const char *const texts[] = {"最高人民檢察院關於ＤＮＡ鑑定〔2024〕5號",
	                                    "Straße ㍻ ﬁle 【2018】", "乾燥 乾坤 憑藉"};
	size_t k;

	for (k = 0; k < sizeof texts / sizeof texts[0]; k++) {
		char *once = norm(texts[k]), *twice = norm(once);

		assert_string_equal(once, twice);
		free(once);
		free(twice);
	}
}

static void random_bytes_never_break_it(void **state)
{
	static const unsigned char alphabet[] = {'a',  'Z',  '(',  ' ',  '\n', 0x00, 0x80, 0xbf,
	                                         0xc0, 0xc3, 0xa9, 0xe6, 0xa3, 0x80, 0xed, 0xa0,
	                                         0xf0, 0x9f, 0xf4, 0x90, 0xff, 0xef, 0xbc, 0xa1};
	char in[64];
	struct norm_mapped m;
	struct err e = ERR_INIT;
	size_t len, k, n;
	unsigned seed = 12345;
	int iter;

	for (iter = 0; iter < 5000; iter++) {
		len = (size_t)(rand_r(&seed) % (int)sizeof in);
		for (k = 0; k < len; k++)
			in[k] = (char)alphabet[rand_r(&seed) % (int)sizeof alphabet];
		assert_int_equal(norm_text_map(in, len, &m, &e), 0);
		assert_int_equal(utf8_count(m.text, m.len, &n), 0);
		assert_int_equal(n, m.nchars);
		for (k = 0; k < m.nchars; k++) {
			assert_true(m.chars[k].in_start < m.chars[k].in_end);
			assert_true(m.chars[k].in_end <= len);
			if (k > 0)
				assert_true(m.chars[k].in_start >= m.chars[k - 1].in_start);
		}
		norm_mapped_free(&m);
	}
}

static void *normalise_many(void *arg)
{
	struct err e = ERR_INIT;
	const char *in = "最高人民檢察院關於辦理公益訴訟案件〔2024〕５號 ＤＮＡ";
	long bad = 0;
	int k;

	(void)arg;
	for (k = 0; k < 300; k++) {
		char *out = norm_text(in, strlen(in), NULL, &e);

		bad +=
		    out == NULL || strcmp(out, "最高人民检察院关于办理公益诉讼案件〔2024〕5号 dna");
		free(out);
	}
	return (void *)(intptr_t)bad;
}

static void threads_share_the_converter(void **state)
{
	pthread_t t[4];
	void *bad;
	int k;

	for (k = 0; k < 4; k++)
		assert_int_equal(pthread_create(&t[k], NULL, normalise_many, NULL), 0);
	for (k = 0; k < 4; k++) {
		assert_int_equal(pthread_join(t[k], &bad), 0);
		assert_null(bad);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(init_is_idempotent),
	    cmocka_unit_test(folds_script_width_and_case),
	    cmocka_unit_test(folds_wenhao_brackets),
	    cmocka_unit_test(invalid_utf8_becomes_replacement_characters),
	    cmocka_unit_test(map_points_into_the_original),
	    cmocka_unit_test(limits_are_enforced),
	    cmocka_unit_test(chunks_end_after_a_line_break),
	    cmocka_unit_test(skipping_opencc_changes_nothing),
	    cmocka_unit_test(normalising_twice_changes_nothing),
	    cmocka_unit_test(random_bytes_never_break_it),
	    cmocka_unit_test(threads_share_the_converter),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
