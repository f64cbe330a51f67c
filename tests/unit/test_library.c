/* Unit tests of the 法规资料库 import: good lines in, bad lines listed with their numbers, nothing
 * of a bad line written, re-import idempotent, overlong lines refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/buf.h"
#include "db/db.h"
#include "library/library.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[64];

static int setup(void **state)
{
	char path[128];
	struct err e = ERR_INIT;
	struct db *db;

	snprintf(dir, sizeof dir, "/tmp/jw-unit-lib-XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(path, sizeof path, "%s/t.db", dir);
	db = db_open(path, &e);
	if (db == NULL || db_migrate(db, &e) ||
	    db_exec(db,
	            "INSERT INTO org (id, name, code, created_at) VALUES (1, '定边县人民检察院', "
	            "'定检', 0)",
	            &e))
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

static const char fixture[] =
    "\xEF\xBB\xBF{\"id\":\"a1\",\"title\":\"中华人民共和国刑事诉讼法\",\"issuer\":"
    "\"全国人民代表大会\","
    "\"date\":\"2018-10-26\",\"type\":\"法律\",\"body\":\"第一条 为了保证刑法的正确实施……\","
    "\"category\":\"刑法\",\"source\":\"ignored\"}\n"
    "{\"id\":\"a2\",\"title\":\"人民检察院刑事诉讼规则\",\"issuer\":null,\"date\":null,\"type\":"
    "\"司法解释\","
    "\"body\":\"第一条 …\"}\r\n"
    "\n"
    "{\"id\":\"a3\",\"title\":\"半行\",\"body\":\"没有结束\n" /* line 4: cut */
    "{\"id\":\"a4\",\"title\":\"日期错误\",\"date\":\"2026-02-30\",\"body\":\"x\"}\n" /* line 5 */
    "{\"id\":\"a5\",\"body\":\"缺标题\"}\n"                                           /* line 6 */
    "{\"id\":\"a6\",\"id\":\"a7\",\"title\":\"重复\",\"body\":\"x\"}\n"               /* line 7 */
    "[1,2,3]\n"                                                                       /* line 8 */
    "{\"id\":\"a8\",\"title\":\"关于印发《检察机关文书格式》的通知\",\"issuer\":\"最高人民检察院\","
    "\"date\":\"2020-01-01\",\"type\":\"其他\",\"body\":\"各级人民检察院：\",\"abolished\":true}";

static int64_t count(struct db *db, const char *sql)
{
	struct err e = ERR_INIT;
	int64_t n = -1;
	bool found;

	assert_int_equal(db_query_int(db, &e, &n, &found, sql, NULL), 0);
	return n;
}

static int import_text(struct db *db, const char *text, size_t len,
                       struct library_import_result *res, struct buf *bad)
{
	struct err e = ERR_INIT;
	FILE *in = fmemopen((void *)text, len, "r");
	char *out = NULL;
	size_t outlen = 0;
	FILE *badf = open_memstream(&out, &outlen);
	int rc = library_import(db, 1, in, "fixture.jsonl", NULL, badf, res, &e);

	fclose(in);
	fclose(badf);
	buf_reset(bad);
	buf_add(bad, out, outlen);
	free(out);
	return rc;
}

static void good_lines_in_bad_lines_listed(void **state)
{
	struct db *db = *state;
	struct library_import_result res;
	struct buf bad = BUF_INIT;

	assert_int_equal(import_text(db, fixture, sizeof fixture - 1, &res, &bad), 1);
	assert_int_equal(res.lines, 9);
	assert_int_equal(res.imported, 3);
	assert_int_equal(res.inserted, 3);
	assert_int_equal(res.refused, 5);
	assert_int_equal(count(db, "SELECT count(*) FROM library_doc"), 3);
	assert_non_null(strstr(bad.data, "第4行"));
	assert_non_null(strstr(bad.data, "第5行（date）"));
	assert_non_null(strstr(bad.data, "第6行（title）"));
	assert_non_null(strstr(bad.data, "第7行"));
	assert_non_null(strstr(bad.data, "字段重复"));
	assert_non_null(strstr(bad.data, "第8行"));
	assert_null(strstr(bad.data, "第1行"));
	assert_null(strstr(bad.data, "第3行")); /* a blank line is not an error */
	/* nothing of a refused line was written */
	assert_int_equal(
	    count(
	        db,
	        "SELECT count(*) FROM library_doc WHERE external_id IN ('a3','a4','a5','a6','a7')"),
	    0);
	assert_int_equal(
	    count(db, "SELECT count(*) FROM library_doc WHERE external_id = 'a2' AND issuer IS NULL"
	              " AND doc_date IS NULL"),
	    1);
	assert_int_equal(count(db, "SELECT abolished FROM library_doc WHERE external_id = 'a8'"),
	                 1);

	/* again: idempotent, nothing written, nothing duplicated */
	assert_int_equal(import_text(db, fixture, sizeof fixture - 1, &res, &bad), 1);
	assert_int_equal(res.imported, 0);
	assert_int_equal(res.unchanged, 3);
	assert_int_equal(count(db, "SELECT count(*) FROM library_doc"), 3);
	assert_int_equal(count(db, "SELECT max(version) FROM library_doc"), 1);
	buf_free(&bad);
}

static void changed_source_updates_the_row(void **state)
{
	static const char line[] =
	    "{\"id\":\"a1\",\"title\":\"中华人民共和国刑事诉讼法（2018年修正）\","
	    "\"issuer\":\"全国人民代表大会常务委员会\",\"date\":\"2018-10-26\",\"type\":\"法律\","
	    "\"body\":\"第一条 修正后\"}\n";
	struct db *db = *state;
	struct library_import_result res;
	struct buf bad = BUF_INIT;

	assert_int_equal(import_text(db, line, sizeof line - 1, &res, &bad), 0);
	assert_int_equal(res.imported, 1);
	assert_int_equal(res.inserted, 0);
	assert_int_equal(count(db, "SELECT count(*) FROM library_doc"), 3);
	assert_int_equal(count(db, "SELECT version FROM library_doc WHERE external_id = 'a1'"), 2);
	buf_free(&bad);
}

static void overlong_line_is_refused_and_skipped(void **state)
{
	struct db *db = *state;
	struct library_import_result res;
	struct buf text = BUF_INIT, bad = BUF_INIT;

	buf_adds(&text, "{\"id\":\"big\",\"title\":\"过长\",\"body\":\"");
	for (size_t i = 0; i < LIBRARY_LINE_MAX / 8 + 1; i++)
		buf_adds(&text, "xxxxxxxx");
	buf_adds(&text, "\"}\n{\"id\":\"after\",\"title\":\"其后一行\",\"body\":\"正常\"}\n");
	assert_int_equal(import_text(db, text.data, text.len, &res, &bad), 1);
	assert_int_equal(res.refused, 1);
	assert_int_equal(res.inserted, 1);
	assert_non_null(strstr(bad.data, "第1行：行过长"));
	assert_int_equal(count(db, "SELECT count(*) FROM library_doc WHERE external_id = 'after'"),
	                 1);
	assert_int_equal(count(db, "SELECT count(*) FROM library_doc WHERE external_id = 'big'"),
	                 0);
	buf_free(&text);
	buf_free(&bad);
}

static void field_limits_one_past_the_edge(void **state)
{
	struct db *db = *state;
	struct library_import_result res;
	struct buf text = BUF_INIT, bad = BUF_INIT;
	size_t i;

	/* line 1: title of LIBRARY_TITLE_MAX + 1 bytes; line 2: exactly LIBRARY_TITLE_MAX */
	buf_adds(&text, "{\"id\":\"t1\",\"body\":\"x\",\"title\":\"");
	for (i = 0; i < LIBRARY_TITLE_MAX + 1; i++)
		buf_addc(&text, 'T');
	buf_adds(&text, "\"}\n{\"id\":\"t2\",\"body\":\"x\",\"title\":\"");
	for (i = 0; i < LIBRARY_TITLE_MAX; i++)
		buf_addc(&text, 'T');
	/* line 3: body of LIBRARY_BODY_MAX + 1 bytes (the line itself is within LIBRARY_LINE_MAX);
	 * line 4: exactly LIBRARY_BODY_MAX */
	buf_adds(&text, "\"}\n{\"id\":\"b1\",\"title\":\"大\",\"body\":\"");
	for (i = 0; i < LIBRARY_BODY_MAX + 1; i++)
		buf_addc(&text, 'b');
	buf_adds(&text, "\"}\n{\"id\":\"b2\",\"title\":\"大\",\"body\":\"");
	for (i = 0; i < LIBRARY_BODY_MAX; i++)
		buf_addc(&text, 'b');
	buf_adds(&text, "\"}\n");
	assert_int_equal(import_text(db, text.data, text.len, &res, &bad), 1);
	assert_int_equal(res.refused, 2);
	assert_int_equal(res.inserted, 2);
	assert_non_null(strstr(bad.data, "第1行（title）"));
	assert_non_null(strstr(bad.data, "第3行（body）"));
	assert_int_equal(
	    count(db, "SELECT count(*) FROM library_doc WHERE external_id IN ('t2', 'b2')"), 2);
	buf_free(&text);
	buf_free(&bad);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(good_lines_in_bad_lines_listed),
	    cmocka_unit_test(changed_source_updates_the_row),
	    cmocka_unit_test(overlong_line_is_refused_and_skipped),
	    cmocka_unit_test(field_limits_one_past_the_edge),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
