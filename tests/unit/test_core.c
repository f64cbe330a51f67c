/* Unit tests of src/core: buffers, UTF-8, China time, JSON field validation, passwords. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "auth/auth.h"
#include "core/buf.h"
#include "core/jsonv.h"
#include "core/timeutil.h"
#include "core/utf8.h"

#include <sodium.h>
#include <string.h>

static void buf_appends_and_detaches(void **state)
{
	struct buf b = BUF_INIT;

	assert_string_equal(b.data, "");
	buf_adds(&b, "定检发");
	buf_addf(&b, "〔%d〕%d号", 2026, 5);
	assert_string_equal(b.data, "定检发〔2026〕5号");
	for (int i = 0; i < 1000; i++)
		buf_addc(&b, 'x');
	assert_int_equal(b.len, strlen("定检发〔2026〕5号") + 1000);
	size_t len;
	char *s = buf_detach(&b, &len);
	assert_int_equal(strlen(s), len);
	assert_int_equal(b.len, 0);
	free(s);
	buf_free(&b);
}

static void utf8_rejects_malformed(void **state)
{
	size_t n;

	assert_int_equal(utf8_count("检察abc", strlen("检察abc"), &n), 0);
	assert_int_equal(n, 5);
	assert_int_equal(utf8_count("\xff", 1, &n), -1);
	assert_int_equal(utf8_count("\xc0\xaf", 2, &n), -1);     /* overlong '/' */
	assert_int_equal(utf8_count("\xed\xa0\x80", 3, &n), -1); /* surrogate */
	assert_int_equal(utf8_count("\xe6\xa3", 2, &n), -1);     /* truncated */
	assert_int_equal(utf8_truncate("检察", 6, 4), 3);
}

static void china_time_and_dates(void **state)
{
	char iso[TIME_ISO_MAX], d[DATE_STR_MAX];
	int days, y, m, dd;
	int64_t t;

	time_iso(0, iso);
	assert_string_equal(iso, "1970-01-01T08:00:00+08:00");
	assert_int_equal(date_parse("2026-03-05", &days), 0);
	date_format(days, d);
	assert_string_equal(d, "2026-03-05");
	date_ymd(days, &y, &m, &dd);
	assert_true(y == 2026 && m == 3 && dd == 5);
	assert_int_equal(date_weekday(days), 4); /* a Thursday */
	assert_int_equal(date_parse("2026-02-29", &days), -1);
	assert_int_equal(date_parse("2024-02-29", &y), 0);
	assert_int_equal(date_parse("2026-3-5", &days), -1);
	assert_int_equal(time_parse_iso("2026-03-05T09:00:00+08:00", &t), 0);
	assert_int_equal(time_parse_iso("2026-03-05T01:00:00Z", &t), 0);
	assert_int_equal(date_of_time(t), days); /* 01:00Z is 09:00 in China, same day */
	time_iso(t, iso);
	assert_string_equal(iso, "2026-03-05T09:00:00+08:00");
	assert_int_equal(date_of_time(date_start_time(days)), days);
	assert_int_equal(time_parse_iso("2026-03-05 09:00", &t), -1);
}

static void jsonv_validates_fields(void **state)
{
	json_t *o = json_loads("{\"title\":\"关于加强检务督察的通知\",\"n\":5,\"d\":\"2026-13-01\","
	                       "\"blank\":\"  \",\"flag\":true,\"arr\":[\"a\",\"\"]}",
	                       0, NULL);
	static const char *const allowed[] = {"title", "n", "d", "blank", "flag", "arr", NULL};
	static const char *const few[] = {"title", NULL};
	struct err e = ERR_INIT;
	const char *s = NULL;
	int64_t n = 0;
	int days;
	bool flag = false;
	json_t *arr;

	assert_int_equal(jv_only(o, allowed, &e), 0);
	assert_int_equal(jv_only(o, few, &e), -1);
	assert_int_equal(e.kind, ERR_VALIDATION);
	err_clear(&e);
	assert_int_equal(jv_string(o, "title", "标题", true, 600, &s, &e), 0);
	assert_string_equal(s, "关于加强检务督察的通知");
	assert_int_equal(jv_string(o, "title", "标题", true, 10, &s, &e), -1);
	assert_string_equal(e.field, "title");
	assert_non_null(strstr(e.msg, "标题过长"));
	err_clear(&e);
	assert_int_equal(jv_string(o, "blank", "事由", true, 10, &s, &e), -1);
	assert_string_equal(e.msg, "事由不能为空");
	err_clear(&e);
	assert_int_equal(jv_string(o, "missing", "主送", false, 10, &s, &e), 0);
	assert_int_equal(jv_int(o, "n", "份数", true, 1, 4, &n, &e), -1);
	err_clear(&e);
	assert_int_equal(jv_int(o, "n", "份数", true, 1, 10, &n, &e), 0);
	assert_int_equal(n, 5);
	assert_int_equal(jv_int(o, "title", "份数", true, 1, 10, &n, &e), -1);
	err_clear(&e);
	assert_int_equal(jv_date(o, "d", "日期", true, &days, &e), -1);
	err_clear(&e);
	assert_int_equal(jv_bool(o, "flag", "标志", true, &flag, &e), 0);
	assert_true(flag);
	assert_int_equal(jv_string_array(o, "arr", "列表", true, 5, 10, &arr, &e), -1);
	assert_non_null(strstr(e.msg, "第2项"));
	json_decref(o);
}

static void password_policy(void **state)
{
	struct err e = ERR_INIT;

	assert_int_equal(password_check_policy("Ab1#", "u", &e), -1);
	err_clear(&e);
	assert_int_equal(password_check_policy("abcdefgh1", "u", &e), -1); /* two classes */
	err_clear(&e);
	assert_int_equal(password_check_policy("Abcdefg1", "zz", &e), 0);
	assert_int_equal(password_check_policy("xZhangSan#1", "zhangsan", &e), -1);
	err_clear(&e);
	assert_int_equal(password_check_policy("检察机关Ab12", "zz", &e), 0); /* 8 characters */
}

static void argon2id_hash_and_verify(void **state)
{
	char hash[PASSWORD_HASH_MAX];
	struct err e = ERR_INIT;

	assert_int_equal(password_hash("Correct#Horse1", hash, sizeof hash, &e), 0);
	assert_non_null(strstr(hash, "$argon2id$"));
	assert_true(password_verify(hash, "Correct#Horse1"));
	assert_false(password_verify(hash, "Correct#Horse2"));
}

static void tokens_are_random_and_hashed(void **state)
{
	char a[64], b[64], ha[65], hb[65];

	token_random(a);
	token_random(b);
	assert_string_not_equal(a, b);
	assert_int_equal(strlen(a), 43); /* 32 bytes base64url without padding */
	token_hash(a, ha);
	token_hash(a, hb);
	assert_string_equal(ha, hb);
	assert_int_equal(strlen(ha), 64);
}

static void roles_parse(void **state)
{
	unsigned bits;
	struct err e = ERR_INIT;

	assert_int_equal(role_parse_list("clerk,staff", &bits, &e), 0);
	assert_int_equal(bits, ROLE_CLERK | ROLE_STAFF);
	assert_int_equal(role_parse_list("clerk,king", &bits, &e), -1);
	assert_non_null(strstr(e.msg, "king"));
}

/* A message cut inside a character (the fuzz_json_body finding: "不支持的字段：%.60s" over a key of
 * 59 ASCII bytes and one CJK character) stays valid UTF-8, so the error answer can be built. */
static void err_messages_stay_utf8(void **state)
{
	struct err e = ERR_INIT;
	char key[80];
	size_t n;

	memset(key, 'a', 59);
	strcpy(key + 59, "检");
	err_field(&e, ERR_VALIDATION, key, "不支持的字段：%.60s", key);
	assert_int_equal(utf8_count(e.msg, strlen(e.msg), &n), 0);
	assert_int_equal(utf8_count(e.field, strlen(e.field), &n), 0);
	assert_non_null(strstr(e.msg, "不支持的字段：aaaa"));
	assert_null(strstr(e.msg, "检"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(buf_appends_and_detaches),
	    cmocka_unit_test(utf8_rejects_malformed),
	    cmocka_unit_test(china_time_and_dates),
	    cmocka_unit_test(jsonv_validates_fields),
	    cmocka_unit_test(password_policy),
	    cmocka_unit_test(argon2id_hash_and_verify),
	    cmocka_unit_test(tokens_are_random_and_hashed),
	    cmocka_unit_test(roles_parse),
	    cmocka_unit_test(err_messages_stay_utf8),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
