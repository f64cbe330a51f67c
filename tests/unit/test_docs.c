/* Unit tests of the documents module: the text diff, the 密级 and 文种 rules, the need-to-know SQL
 * fragment and the list query builder, and — on a real SQLite store — the 收文编号 series, the
 * state machine's refusals, need-to-know inside list totals and the unread-circulation walk. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/buf.h"
#include "docs/acl.h"
#include "docs/diff.h"
#include "docs/docs.h"
#include "docs/docs_int.h"
#include "org/org.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- diff ---- */

/* Joins the chunks that make up one side: eq+del = old text, eq+ins = new text. */
static char *side(json_t *chunks, const char *skip)
{
	struct buf b = BUF_INIT;
	size_t i;
	json_t *c;

	json_array_foreach(chunks, i, c)
	{
		if (strcmp(json_string_value(json_object_get(c, "op")), skip) != 0)
			buf_adds(&b, json_string_value(json_object_get(c, "text")));
	}
	return buf_detach(&b, NULL);
}

static void check_roundtrip(const char *a, const char *b, struct diff_stats *st)
{
	json_t *d = text_diff(a, strlen(a), b, strlen(b), st);
	char *old = side(d, "ins"), *neu = side(d, "del");

	assert_string_equal(old, a);
	assert_string_equal(neu, b);
	/* adjacent chunks never share an op */
	for (size_t i = 1; i < json_array_size(d); i++)
		assert_string_not_equal(
		    json_string_value(json_object_get(json_array_get(d, i), "op")),
		    json_string_value(json_object_get(json_array_get(d, i - 1), "op")));
	free(old);
	free(neu);
	json_decref(d);
}

static void diff_identical_is_one_equal_chunk(void **state)
{
	struct diff_stats st;
	json_t *d = text_diff("一\n二\n", 8, "一\n二\n", 8, &st);

	assert_int_equal(json_array_size(d), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(d, 0), "op")), "eq");
	assert_int_equal(st.inserted, 0);
	assert_int_equal(st.deleted, 0);
	json_decref(d);
	d = text_diff("", 0, "", 0, &st);
	assert_int_equal(json_array_size(d), 0);
	json_decref(d);
}

static void diff_marks_changed_characters_inside_a_line(void **state)
{
	const char *a = "第一段：原有内容。\n第二段。\n", *b = "第一段：修改后的内容。\n第二段。\n";
	struct diff_stats st;
	json_t *d = text_diff(a, strlen(a), b, strlen(b), &st);

	assert_int_equal(json_array_size(d),
	                 4); /* eq 第一段： / del 原有 / ins 修改后的 / eq ... */
	assert_string_equal(json_string_value(json_object_get(json_array_get(d, 1), "text")),
	                    "原有");
	assert_string_equal(json_string_value(json_object_get(json_array_get(d, 1), "op")), "del");
	assert_string_equal(json_string_value(json_object_get(json_array_get(d, 2), "text")),
	                    "修改后的");
	assert_int_equal(st.deleted, 2);
	assert_int_equal(st.inserted, 4);
	json_decref(d);
	check_roundtrip(a, b, &st);
}

static void diff_roundtrips_on_edits(void **state)
{
	struct diff_stats st;

	check_roundtrip("", "新增一行\n", &st);
	assert_int_equal(st.inserted, 5);
	check_roundtrip("删除一行\n", "", &st);
	assert_int_equal(st.deleted, 5);
	check_roundtrip("a\nb\nc\n", "a\nc\nd", &st);
	check_roundtrip("无换行结尾", "无换行结尾\n", &st);
	check_roundtrip("一、\n二、\n三、\n", "三、\n二、\n一、\n", &st);
	check_roundtrip("甲乙丙丁", "甲丙丁戊", &st);
	assert_int_equal(st.inserted, 1);
	assert_int_equal(st.deleted, 1);
}

static void diff_falls_back_to_whole_blocks_when_too_large(void **state)
{
	struct buf a = BUF_INIT, b = BUF_INIT;
	struct diff_stats st;
	json_t *d;

	/* 3000 x 3000 differing lines exceed DIFF_CELLS_MAX: shown as removed and added whole */
	for (int i = 0; i < 3000; i++) {
		buf_addf(&a, "旧的第%d行\n", i);
		buf_addf(&b, "新的第%d行\n", i * 7);
	}
	d = text_diff(a.data, a.len, b.data, b.len, &st);
	/* del everything but the common "行\n" at the end, ins everything, eq "行\n" */
	assert_int_equal(json_array_size(d), 3);
	assert_string_equal(json_string_value(json_object_get(json_array_get(d, 0), "op")), "del");
	assert_int_equal(strlen(json_string_value(json_object_get(json_array_get(d, 0), "text"))),
	                 a.len - strlen("行\n"));
	assert_string_equal(json_string_value(json_object_get(json_array_get(d, 1), "op")), "ins");
	assert_string_equal(json_string_value(json_object_get(json_array_get(d, 2), "text")),
	                    "行\n");
	json_decref(d);
	check_roundtrip(a.data, b.data, &st);
	buf_free(&a);
	buf_free(&b);
}

/* ---- rules tables ---- */

static void secrecy_periods_follow_the_law(void **state)
{
	struct err e = ERR_INIT;
	char mark[32];
	int years;

	assert_int_equal(secrecy_check(SECRECY_SECRET, 0, &years, &e), 0);
	assert_int_equal(years, 10); /* unmarked = the maximum */
	assert_int_equal(secrecy_check(SECRECY_CONFIDENTIAL, 20, &years, &e), 0);
	assert_int_equal(secrecy_check(SECRECY_TOP_SECRET, 31, &years, &e), -1);
	assert_int_equal(e.kind, ERR_VALIDATION);
	assert_string_equal(e.field, "secrecy_years");
	err_clear(&e);
	assert_int_equal(secrecy_check(SECRECY_SECRET, 11, &years, &e), -1);
	err_clear(&e);
	assert_int_equal(secrecy_check(SECRECY_NONE, 5, &years, &e), -1);
	err_clear(&e);
	assert_int_equal(secrecy_check(SECRECY_INTERNAL, 0, &years, &e), 0);
	assert_int_equal(years, 0);
	secrecy_mark(SECRECY_CONFIDENTIAL, 20, mark);
	assert_string_equal(mark, "机密★20年");
	secrecy_mark(SECRECY_NONE, 0, mark);
	assert_string_equal(mark, "");
	assert_true(secrecy_classified(SECRECY_SECRET));
	assert_false(secrecy_classified(SECRECY_INTERNAL));
}

static void doc_types_are_the_fifteen_of_the_regulation(void **state)
{
	int procuratorate = 0;

	for (int i = 0; i < DOC_TYPE_COUNT; i++)
		procuratorate += doc_types[i].procuratorate;
	assert_int_equal(procuratorate, 13);
	assert_false(doc_types[13].procuratorate);
	assert_false(doc_types[14].procuratorate);
	assert_string_equal(doc_type_find("通知")->code, "notice");
	assert_string_equal(doc_type_find("letter")->name, "函");
	assert_string_equal(doc_type_find("令")->code, "order");
	assert_null(doc_type_find("简报"));
	assert_null(doc_type_find(NULL));
}

static void acl_fragment_only_for_those_who_do_not_see_all(void **state)
{
	struct principal office = {.user_id = 3, .roles = ROLE_CLERK};
	struct principal staff = {.user_id = 8, .roles = ROLE_STAFF | ROLE_DEPT_HEAD};
	struct buf sql = BUF_INIT;

	assert_int_equal(acl_append_visible(&sql, &office, "incoming", "d.id", 4), 0);
	assert_int_equal(sql.len, 0);
	assert_int_equal(acl_append_visible(&sql, &staff, "incoming", "d.id", 4), 1);
	assert_string_equal(sql.data,
	                    " AND d.id IN (SELECT a.object_id FROM acl a WHERE a.user_id ="
	                    " $4 AND a.kind = 'incoming')");
	buf_reset(&sql);
	acl_append_visible(&sql, &staff, "x'; DROP TABLE acl; --", "d.id", 1);
	assert_non_null(strstr(sql.data, "'invalid'"));
	assert_null(strstr(sql.data, "DROP"));
	buf_free(&sql);
	assert_string_equal(ACL_VISIBLE_SQL("task", "t.id", "$2", "$3"),
	                    "($2 = 1 OR t.id IN (SELECT a.object_id FROM acl a WHERE a.user_id = $3"
	                    " AND a.kind = 'task'))");
}

/* ---- on a store ---- */

struct fixture {
	char dir[64];
	struct db *db;
	int64_t org, dept, clerk_id, staff_id, other_id;
	struct principal clerk, staff, other;
};

static int add_user(struct fixture *f, const char *name, unsigned roles, int64_t *id,
                    struct principal *p)
{
	struct err e = ERR_INIT;
	char pw[] = "Unit#Test2026";
	struct user_new u = {.username = name,
	                     .name = name,
	                     .department_id = f->dept,
	                     .roles = roles,
	                     .password = pw};
	bool found;

	if (user_create(f->db, f->org, &u, id, &e) || principal_load(f->db, *id, p, &found, &e))
		return -1;
	return found ? 0 : -1;
}

static int store_setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	struct err e = ERR_INIT;
	char path[128];

	snprintf(f->dir, sizeof f->dir, "/tmp/jw-docs-XXXXXX");
	if (mkdtemp(f->dir) == NULL)
		return -1;
	snprintf(path, sizeof path, "%s/t.db", f->dir);
	f->db = db_open(path, &e);
	if (f->db == NULL || db_migrate(f->db, &e) || db_begin(f->db, &e) ||
	    org_create(f->db, "定边县人民检察院", "定检", &f->org, &e) ||
	    dept_create(f->db, f->org, "BGS", "办公室", 0, &f->dept, &e) ||
	    add_user(f, "clerk", ROLE_CLERK, &f->clerk_id, &f->clerk) ||
	    add_user(f, "staff", ROLE_STAFF, &f->staff_id, &f->staff) ||
	    add_user(f, "other", ROLE_STAFF, &f->other_id, &f->other))
		return -1;
	*state = f;
	return 0;
}

static int store_teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[128];

	db_rollback(f->db);
	db_close(f->db);
	snprintf(cmd, sizeof cmd, "rm -rf %s", f->dir);
	free(f);
	return system(cmd) == 0 ? 0 : -1;
}

static int64_t reg(struct fixture *f, const char *date, char number[64])
{
	struct dctx c = {f->db, &f->clerk, 1772400000};
	struct incoming_new in = {.title = "关于开展检务督察工作的通知",
	                          .from_org = "榆林市人民检察院",
	                          .doc_type = "通知",
	                          .copies = 1,
	                          .received_date = date};
	struct err e = ERR_INIT;
	int64_t id = 0;

	assert_int_equal(incoming_register(&c, &in, &id, number, &e), 0);
	return id;
}

static void numbers_run_per_year_without_gaps(void **state)
{
	struct fixture *f = *state;
	char n1[64], n2[64], n3[64], n4[64];

	reg(f, "2026-01-05", n1);
	reg(f, "2026-02-05", n2);
	reg(f, "2025-12-30", n3);
	reg(f, "2026-03-01", n4);
	assert_string_equal(n1, "收文〔2026〕1号");
	assert_string_equal(n2, "收文〔2026〕2号");
	assert_string_equal(n3, "收文〔2025〕1号");
	assert_string_equal(n4, "收文〔2026〕3号");
}

static void actions_are_checked_against_state_and_role(void **state)
{
	struct fixture *f = *state;
	char n[64];
	int64_t id = reg(f, "2026-01-06", n);
	struct dctx clerk = {f->db, &f->clerk, 1772400000};
	struct dctx staff = {f->db, &f->staff, 1772400000};
	struct incoming_action a = {.action = IN_ACT_INSTRUCT, .opinion = "同意"};
	struct err e = ERR_INIT;

	assert_int_equal(incoming_act(&clerk, id, &a, &e), -1); /* 批办 before 拟办 */
	assert_int_equal(e.kind, ERR_VALIDATION);
	err_clear(&e);
	a = (struct incoming_action){.action = IN_ACT_REVIEW};
	assert_int_equal(incoming_act(&staff, id, &a, &e), -1); /* staff cannot see it */
	assert_int_equal(e.kind, ERR_NOT_FOUND);
	err_clear(&e);
	assert_int_equal(incoming_act(&clerk, id, &a, &e), 0);
	a = (struct incoming_action){
	    .action = IN_ACT_PROPOSE, .opinion = "拟办", .leader_id = f->staff_id};
	assert_int_equal(incoming_act(&clerk, id, &a, &e), -1); /* a leader must 批示 */
	assert_string_equal(e.field, "leader_id");
}

static int count_unread(void *arg, const struct circulation_unread *u)
{
	int *n = arg;

	(*n)++;
	assert_non_null(u->title);
	assert_non_null(u->number);
	return 0;
}

static void circulation_grants_sight_and_lists_unread(void **state)
{
	struct fixture *f = *state;
	char n[64];
	int64_t id = reg(f, "2026-01-07", n), total = 0;
	struct dctx clerk = {f->db, &f->clerk, 1772400000};
	struct dctx staff = {f->db, &f->staff, 1772400100};
	struct dctx other = {f->db, &f->other, 1772400100};
	struct incoming_action a = {.action = IN_ACT_REVIEW};
	struct incoming_filter all = {.state = -1, .secrecy = -1, .limit = 20};
	int64_t readers[1] = {f->staff_id};
	struct err e = ERR_INIT;
	struct buf items = BUF_INIT;
	json_t *page;
	int added, unread = 0;

	assert_int_equal(incoming_act(&clerk, id, &a, &e), 0);
	assert_int_equal(incoming_list_text(&staff, &all, &items, &total, &e), 0);
	assert_int_equal(total, 0);
	assert_string_equal(items.data, "[]");
	buf_reset(&items);
	assert_int_equal(circulation_send(&clerk, id, readers, 1, &added, &e), 0);
	assert_int_equal(added, 1);
	assert_int_equal(incoming_list_text(&staff, &all, &items, &total, &e), 0);
	assert_int_equal(total, 1);
	page = json_loads(items.data, 0, NULL);
	assert_non_null(page);
	assert_int_equal(json_array_size(page), 1);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(page, 0), "id")), id);
	assert_string_equal(json_string_value(json_object_get(json_array_get(page, 0), "state")),
	                    "circulating");
	json_decref(page);
	buf_reset(&items);
	assert_int_equal(incoming_list_text(&other, &all, &items, &total, &e), 0);
	assert_int_equal(total, 0);
	buf_free(&items);
	/* the reminder walk sees the unread receipt sent before the cut-off, and only that */
	assert_int_equal(circulation_unread_each(f->db, 1772400001, 100, count_unread, &unread, &e),
	                 0);
	assert_int_equal(unread, 1);
	unread = 0;
	assert_int_equal(circulation_unread_each(f->db, 1772399999, 100, count_unread, &unread, &e),
	                 0);
	assert_int_equal(unread, 0);
	assert_int_equal(circulation_read(&staff, id, "已阅", &e), 0);
	assert_int_equal(circulation_unread_each(f->db, 1772500000, 100, count_unread, &unread, &e),
	                 0);
	assert_int_equal(unread, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(diff_identical_is_one_equal_chunk),
	    cmocka_unit_test(diff_marks_changed_characters_inside_a_line),
	    cmocka_unit_test(diff_roundtrips_on_edits),
	    cmocka_unit_test(diff_falls_back_to_whole_blocks_when_too_large),
	    cmocka_unit_test(secrecy_periods_follow_the_law),
	    cmocka_unit_test(doc_types_are_the_fifteen_of_the_regulation),
	    cmocka_unit_test(acl_fragment_only_for_those_who_do_not_see_all),
	    cmocka_unit_test_setup_teardown(numbers_run_per_year_without_gaps, store_setup,
	                                    store_teardown),
	    cmocka_unit_test_setup_teardown(actions_are_checked_against_state_and_role, store_setup,
	                                    store_teardown),
	    cmocka_unit_test_setup_teardown(circulation_grants_sight_and_lists_unread, store_setup,
	                                    store_teardown),
	};
	return cmocka_run_group_tests_name("docs", tests, NULL, NULL);
}
