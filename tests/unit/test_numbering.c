/* Unit tests of 发文字号: formatting, format checks, counters per year, rollback, claim, void and
 * the gap report, on a real SQLite store in a temporary directory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "db/db.h"
#include "numbering/numbering.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[64];
static int64_t org_id, series_id;

static int setup(void **state)
{
	char path[128];
	struct err e = ERR_INIT;
	struct db *db;

	snprintf(dir, sizeof dir, "/tmp/jw-unit-num-XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(path, sizeof path, "%s/t.db", dir);
	db = db_open(path, &e);
	if (db == NULL || db_migrate(db, &e))
		return -1;
	if (db_execf(
	        db, &e,
	        "INSERT INTO org (name, code, created_at) VALUES ('定边县人民检察院', '定检', 0)",
	        NULL) != 1)
		return -1;
	org_id = 1;
	if (db_execf(
	        db, &e,
	        "INSERT INTO department (id, org_id, code, name) VALUES (1, 1, 'BGS', '办公室')",
	        NULL) != 1 ||
	    db_execf(
	        db, &e,
	        "INSERT INTO app_user (id, org_id, username, name, department_id, password_hash,"
	        " created_at, updated_at) VALUES (3, 1, 'zhaol', '赵丽', 1, 'x', 0, 0)",
	        NULL) != 1)
		return -1;
	if (db_begin(db, &e) ||
	    numbering_series_create(db, org_id, "定检发", NULL, "院文件", &series_id, &e) ||
	    db_commit(db, &e))
		return -1;
	*state = db;
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	db_close(*state);
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void formats_with_hexagonal_brackets_and_no_padding(void **state)
{
	struct err e = ERR_INIT;
	char out[NUMBERING_NUMBER_MAX];

	(void)state;
	assert_int_equal(
	    numbering_format(NUMBERING_DEFAULT_FORMAT, "定检发", 2026, 5, out, sizeof out, &e), 0);
	assert_string_equal(out, "定检发〔2026〕5号");
	/* the brackets are U+3014 and U+3015, as bytes */
	assert_non_null(strstr(out, "\xe3\x80\x94"
	                            "2026"
	                            "\xe3\x80\x95"));
	assert_int_equal(
	    numbering_format(NUMBERING_DEFAULT_FORMAT, "陕检发办字", 2020, 18, out, sizeof out, &e),
	    0);
	assert_string_equal(out, "陕检发办字〔2020〕18号");
	assert_int_equal(
	    numbering_format("{code}〔{year}〕{seq}号", "定检函", 2026, 1000, out, sizeof out, &e),
	    0);
	assert_string_equal(out, "定检函〔2026〕1000号");
	/* a buffer too small is an error, not a truncated number */
	assert_int_equal(numbering_format(NUMBERING_DEFAULT_FORMAT, "定检发", 2026, 5, out, 8, &e),
	                 -1);
}

static void format_check_refuses_wrong_forms(void **state)
{
	static const char *const bad[] = {
	    "{code}[{year}]{seq}号",     /* square brackets */
	    "{code}【{year}】{seq}号",   /* lenticular brackets */
	    "{code}〔{year}〕第{seq}号", /* 第 */
	    "{code}〔{year}〕号",        /* no sequence */
	    "{code}{seq}号",             /* no year: the counter restarts each year */
	    "{code}〔{year}〕{seq}{seq}号",
	    "{code}〔{yy}〕{seq}号", /* unknown placeholder */
	    "",
	};
	struct err e = ERR_INIT;

	(void)state;
	assert_int_equal(numbering_format_check(NUMBERING_DEFAULT_FORMAT, &e), 0);
	assert_int_equal(numbering_format_check("{code}〔{year}〕{seq}号文", &e), 0);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		err_clear(&e);
		assert_int_equal(numbering_format_check(bad[i], &e), -1);
		assert_int_equal(e.kind, ERR_VALIDATION);
		assert_string_equal(e.field, "format");
	}
}

static int64_t take(struct db *db, int year)
{
	struct err e = ERR_INIT;
	char out[NUMBERING_NUMBER_MAX];
	int64_t seq = 0;

	assert_int_equal(db_begin(db, &e), 0);
	assert_int_equal(
	    numbering_take(db, org_id, series_id, year, 7, "outgoing", out, sizeof out, &seq, &e),
	    0);
	assert_int_equal(db_commit(db, &e), 0);
	return seq;
}

static void sequence_restarts_each_year(void **state)
{
	struct db *db = *state;

	assert_int_equal(take(db, 2026), 1);
	assert_int_equal(take(db, 2026), 2);
	/* 1 January: a new counter row, from 1 */
	assert_int_equal(take(db, 2027), 1);
	assert_int_equal(take(db, 2026), 3); /* a late 2026 document still continues 2026 */
	assert_int_equal(take(db, 2027), 2);
}

static void rollback_returns_the_number(void **state)
{
	struct db *db = *state;
	struct err e = ERR_INIT;
	char out[NUMBERING_NUMBER_MAX];
	int64_t seq;

	assert_int_equal(db_begin(db, &e), 0);
	assert_int_equal(
	    numbering_take(db, org_id, series_id, 2030, 1, "outgoing", out, sizeof out, &seq, &e),
	    0);
	assert_int_equal(seq, 1);
	db_rollback(db);                     /* the step that took it failed */
	assert_int_equal(take(db, 2030), 1); /* no gap: the next taker gets it */
}

static void take_outside_a_transaction_or_org_fails(void **state)
{
	struct db *db = *state;
	struct err e = ERR_INIT;
	char out[NUMBERING_NUMBER_MAX];
	int64_t seq;

	assert_int_equal(
	    numbering_take(db, org_id, series_id, 2026, 1, "outgoing", out, sizeof out, &seq, &e),
	    -1);
	err_clear(&e);
	assert_int_equal(db_begin(db, &e), 0);
	assert_int_equal(numbering_take(db, org_id + 1, series_id, 2026, 1, "outgoing", out,
	                                sizeof out, &seq, &e),
	                 -1);
	assert_int_equal(e.kind, ERR_NOT_FOUND);
	err_clear(&e);
	assert_int_equal(
	    numbering_take(db, org_id, series_id, 1999, 1, "outgoing", out, sizeof out, &seq, &e),
	    -1);
	assert_int_equal(e.kind, ERR_VALIDATION);
	db_rollback(db);
}

static void reserve_claim_void_and_gap_report(void **state)
{
	struct db *db = *state;
	struct err e = ERR_INIT;
	char out[NUMBERING_NUMBER_MAX];
	int64_t seq, r1, r2;
	json_t *rep;

	assert_int_equal(db_begin(db, &e), 0);
	assert_int_equal(numbering_reserve(db, org_id, series_id, 2040, 3, "预留给党组文件", out,
	                                   sizeof out, &r1, &e),
	                 0);
	assert_string_equal(out, "定检发〔2040〕1号");
	assert_int_equal(
	    numbering_reserve(db, org_id, series_id, 2040, 3, "", out, sizeof out, &r2, &e), 0);
	assert_int_equal(
	    numbering_take(db, org_id, series_id, 2040, 9, "outgoing", out, sizeof out, &seq, &e),
	    0);
	assert_int_equal(seq, 3);
	/* the reserved number 1 is used by a document; number 2 is voided with a reason */
	assert_int_equal(
	    numbering_claim(db, org_id, series_id, 2040, r1, 10, "outgoing", out, sizeof out, &e),
	    0);
	assert_int_equal(
	    numbering_claim(db, org_id, series_id, 2040, r1, 11, "outgoing", out, sizeof out, &e),
	    -1);
	assert_int_equal(e.kind, ERR_CONFLICT);
	err_clear(&e);
	assert_int_equal(
	    numbering_void(db, org_id, series_id, 2040, r2, 3, "  ", out, sizeof out, &e), -1);
	assert_string_equal(e.field, "reason");
	err_clear(&e);
	assert_int_equal(
	    numbering_void(db, org_id, series_id, 2040, r2, 3, "拟稿撤回", out, sizeof out, &e), 0);
	assert_string_equal(out, "定检发〔2040〕2号");
	assert_int_equal(
	    numbering_void(db, org_id, series_id, 2040, r2, 3, "再次", out, sizeof out, &e), -1);
	assert_int_equal(e.kind, ERR_CONFLICT);
	err_clear(&e);
	assert_int_equal(
	    numbering_void(db, org_id, series_id, 2040, 99, 3, "不存在", out, sizeof out, &e), -1);
	assert_int_equal(e.kind, ERR_NOT_FOUND);
	err_clear(&e);
	rep = numbering_gaps(db, org_id, series_id, 2040, &e);
	assert_non_null(rep);
	assert_int_equal(json_integer_value(json_object_get(rep, "last_seq")), 3);
	assert_true(json_is_true(json_object_get(rep, "complete")));
	assert_int_equal(json_array_size(json_object_get(rep, "voided")), 1);
	assert_string_equal(json_string_value(json_object_get(
	                        json_array_get(json_object_get(rep, "voided"), 0), "reason")),
	                    "拟稿撤回");
	assert_int_equal(
	    json_integer_value(json_object_get(json_object_get(rep, "counts"), "used")), 2);
	json_decref(rep);
	/* a ledger row removed behind the module's back shows as missing */
	assert_int_equal(
	    db_execf(db, &e,
	             "DELETE FROM number_issued WHERE series_id = $1 AND year = 2040 AND seq = 3",
	             "I", series_id),
	    1);
	rep = numbering_gaps(db, org_id, series_id, 2040, &e);
	assert_non_null(rep);
	assert_true(json_is_false(json_object_get(rep, "complete")));
	assert_int_equal(json_integer_value(json_array_get(json_object_get(rep, "missing"), 0)), 3);
	json_decref(rep);
	db_rollback(db);
}

static void series_codes_are_unique_per_org(void **state)
{
	struct db *db = *state;
	struct err e = ERR_INIT;
	int64_t id;

	assert_int_equal(db_begin(db, &e), 0);
	assert_int_equal(numbering_series_create(db, org_id, "定检发", NULL, "", &id, &e), -1);
	assert_int_equal(e.kind, ERR_CONFLICT);
	err_clear(&e);
	assert_int_equal(numbering_series_create(db, org_id, "定检[发]", NULL, "", &id, &e), -1);
	assert_string_equal(e.field, "code");
	err_clear(&e);
	assert_int_equal(numbering_series_by_code(db, org_id, "定检发", &id, &e), 0);
	assert_int_equal(id, series_id);
	db_rollback(db);
}

static void limits_one_past_the_edge(void **state)
{
	struct db *db = *state;
	struct err e = ERR_INIT;
	char code[NUMBERING_CODE_MAX + 2], text[NUMBERING_REASON_MAX + 2],
	    out[NUMBERING_NUMBER_MAX];
	int64_t id, seq;

	memset(code, 'A', sizeof code - 1);
	code[sizeof code - 1] = '\0'; /* NUMBERING_CODE_MAX + 1 bytes */
	assert_int_equal(db_begin(db, &e), 0);
	assert_int_equal(numbering_series_create(db, org_id, code, NULL, "", &id, &e), -1);
	assert_string_equal(e.field, "code");
	err_clear(&e);
	code[NUMBERING_CODE_MAX] = '\0';
	assert_int_equal(numbering_series_create(db, org_id, code, NULL, "", &id, &e), 0);
	memset(text, 'x', sizeof text - 1);
	text[sizeof text - 1] =
	    '\0'; /* NUMBERING_REASON_MAX + 1 = NUMBERING_PURPOSE_MAX + 1 bytes */
	assert_int_equal(
	    numbering_reserve(db, org_id, id, 2026, 3, text, out, sizeof out, &seq, &e), -1);
	assert_string_equal(e.field, "purpose");
	err_clear(&e);
	text[NUMBERING_PURPOSE_MAX] = '\0';
	assert_int_equal(
	    numbering_reserve(db, org_id, id, 2026, 3, text, out, sizeof out, &seq, &e), 0);
	text[NUMBERING_REASON_MAX] = 'x';
	assert_int_equal(numbering_void(db, org_id, id, 2026, seq, 3, text, out, sizeof out, &e),
	                 -1);
	assert_string_equal(e.field, "reason");
	err_clear(&e);
	text[NUMBERING_REASON_MAX] = '\0';
	assert_int_equal(numbering_void(db, org_id, id, 2026, seq, 3, text, out, sizeof out, &e),
	                 0);
	/* the longest code in the longest format still fits a number */
	assert_int_equal(numbering_format("{code}〔{year}〕{seq}号{code}", code, 2026, INT64_MAX,
	                                  out, sizeof out, &e),
	                 0);
	db_rollback(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(formats_with_hexagonal_brackets_and_no_padding),
	    cmocka_unit_test(format_check_refuses_wrong_forms),
	    cmocka_unit_test(sequence_restarts_each_year),
	    cmocka_unit_test(rollback_returns_the_number),
	    cmocka_unit_test(take_outside_a_transaction_or_org_fails),
	    cmocka_unit_test(reserve_claim_void_and_gap_report),
	    cmocka_unit_test(series_codes_are_unique_per_org),
	    cmocka_unit_test(limits_one_past_the_edge),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
