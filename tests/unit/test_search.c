/* Unit tests of src/search (search.h): the rowid layout, index writes (put, unchanged put, moves,
 * delete, refresh, bulk batches), need-to-know inside search_run for a registered kind, filters,
 * orders, paging, the window, and the HTML snippets (escaping, exact marks, traditional text). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/buf.h"
#include "core/timeutil.h"
#include "db/db.h"
#include "search/search.h"
#include "search/search_snippet.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct fx {
	char path[64];
	struct db *db;
	int64_t org, staff_a, staff_b, clerk;
};

/* A kind of the test's own: visible to the office, and to others by their acl rows. */
static const struct search_kind memo_kind = {
    .name = "memo",
    .label = "便函",
    .see_all_roles = ROLE_CLERK,
    .visible_sql = "s.object_id IN (SELECT a.object_id FROM acl a WHERE a.user_id = $1"
                   " AND a.kind = 'memo')",
    .url = "/memos/{id}",
};

static void exec(struct db *db, const char *sql)
{
	struct err e = ERR_INIT;

	if (db_exec(db, sql, &e) != 0)
		fail_msg("%s: %s", sql, e.msg);
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	struct err e = ERR_INIT;

	snprintf(f->path, sizeof f->path, "/tmp/jw-test-search-%d.db", (int)getpid());
	unlink(f->path);
	f->db = db_open(f->path, &e);
	assert_non_null(f->db);
	assert_int_equal(db_migrate(f->db, &e), 0);
	exec(f->db,
	     "INSERT INTO org (id, name, code, created_at) VALUES (1, '测试院', '测检', 0);"
	     "INSERT INTO department (id, org_id, code, name) VALUES (1, 1, 'BGS', '办公室');"
	     "INSERT INTO app_user (id, org_id, username, name, department_id, password_hash,"
	     " created_at, updated_at) VALUES (1, 1, 'a', '甲', 1, 'x', 0, 0),"
	     " (2, 1, 'b', '乙', 1, 'x', 0, 0), (3, 1, 'c', '丙', 1, 'x', 0, 0);");
	f->org = 1;
	f->staff_a = 1;
	f->staff_b = 2;
	f->clerk = 3;
	assert_int_equal(search_register_kind(&memo_kind), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	db_close(f->db);
	unlink(f->path);
	free(f);
	return 0;
}

static void put(struct fx *f, int64_t id, const char *title, const char *body, const char *date)
{
	struct err e = ERR_INIT;
	struct search_fields sf = {.org_id = f->org,
	                           .title = title,
	                           .body = body,
	                           .date = date,
	                           .doc_type = "通知",
	                           .secrecy = "none"};

	assert_int_equal(db_begin(f->db, &e), 0);
	if (search_index_put(f->db, "memo", id, &sf, &e) != 0)
		fail_msg("put %lld: %s", (long long)id, e.msg);
	assert_int_equal(db_commit(f->db, &e), 0);
}

static void grant(struct fx *f, int64_t id, int64_t user)
{
	char sql[256];

	snprintf(
	    sql, sizeof sql,
	    "INSERT INTO acl (org_id, kind, object_id, user_id) VALUES (1, 'memo', %lld, %lld)",
	    (long long)id, (long long)user);
	exec(f->db, sql);
}

/* search_run as user (roles) with q; returns the answer (caller decrefs). */
static json_t *run(struct fx *f, int64_t user, unsigned roles, struct search_query *q)
{
	struct principal p = {.user_id = user, .org_id = f->org, .roles = roles};
	struct err e = ERR_INIT;
	json_t *out = NULL;

	assert_int_equal(db_begin_read(f->db, &e), 0);
	if (search_run(f->db, &p, q, &out, &e) != 0)
		fail_msg("search %s: %s", q->q, e.msg);
	db_rollback(f->db);
	return out;
}

static int64_t total_of(struct fx *f, int64_t user, unsigned roles, const char *text)
{
	struct search_query q;
	json_t *out;
	int64_t n;

	search_query_init(&q);
	q.q = text;
	out = run(f, user, roles, &q);
	n = json_integer_value(json_object_get(out, "total"));
	assert_int_equal(json_array_size(json_object_get(out, "items")), n < 20 ? n : 20);
	json_decref(out);
	return n;
}

static void rowid_layout(void **state)
{
	int64_t r = search_rowid(7, 3, 45000, 12);

	(void)state;
	assert_true(r > 0);
	assert_int_equal(search_rowid_day(r), 45000 + SEARCH_DAY_EPOCH);
	assert_int_equal(search_rowid_day(search_rowid(7, 3, 0, 12)), INT32_MIN);
	/* order: org, then kind, then day, then sequence */
	assert_true(search_rowid(7, 3, 45000, 13) > r);
	assert_true(search_rowid(7, 3, 45001, 0) > search_rowid(7, 3, 45000, 4000000));
	assert_true(search_rowid(7, 4, 0, 0) > search_rowid(7, 3, 131071, 4194303));
	assert_true(search_rowid(8, 0, 0, 0) > search_rowid(7, 31, 131071, 4194303));
	assert_int_equal(search_rowid(-1, 0, 0, 0), -1);
	assert_int_equal(search_rowid(1 << SEARCH_ORG_BITS, 0, 0, 0), -1);
	assert_int_equal(search_rowid(1, 32, 0, 0), -1);
	assert_int_equal(search_rowid(1, 1, 1 << SEARCH_DAY_BITS, 0), -1);
	assert_int_equal(search_rowid(1, 1, 0, INT64_C(1) << SEARCH_SEQ_BITS), -1);
}

static int64_t stored_rowid(struct fx *f, int64_t id)
{
	struct err e = ERR_INIT;
	int64_t v = 0;
	bool found = false;

	assert_int_equal(
	    db_query_int(f->db, &e, &v, &found,
	                 "SELECT id FROM search_doc WHERE kind = 'memo' AND object_id = $1", "I",
	                 id),
	    0);
	return found ? v : 0;
}

static void writes_follow_the_object(void **state)
{
	struct fx *f = *state;
	struct err e = ERR_INIT;
	int64_t r1, r2;

	put(f, 101, "关于做好防汛工作的便函", "请各部门做好防汛值守。", "2026-03-01");
	assert_int_equal(total_of(f, f->clerk, ROLE_CLERK, "防汛"), 1);
	r1 = stored_rowid(f, 101);
	/* the same again writes nothing, the rowid stays */
	put(f, 101, "关于做好防汛工作的便函", "请各部门做好防汛值守。", "2026-03-01");
	assert_int_equal(stored_rowid(f, 101), r1);
	/* new text, same day: same rowid, new words only */
	put(f, 101, "关于做好抗旱工作的便函", "请各部门做好抗旱值守。", "2026-03-01");
	assert_int_equal(stored_rowid(f, 101), r1);
	assert_int_equal(total_of(f, f->clerk, ROLE_CLERK, "防汛"), 0);
	assert_int_equal(total_of(f, f->clerk, ROLE_CLERK, "抗旱"), 1);
	/* a new date moves it (rowids follow dates) */
	put(f, 101, "关于做好抗旱工作的便函", "请各部门做好抗旱值守。", "2026-04-01");
	r2 = stored_rowid(f, 101);
	assert_true(r2 > r1);
	assert_int_equal(search_rowid_day(r2), search_rowid_day(r1) + 31);
	assert_int_equal(total_of(f, f->clerk, ROLE_CLERK, "抗旱"), 1);
	/* delete */
	assert_int_equal(db_begin(f->db, &e), 0);
	assert_int_equal(search_index_delete(f->db, "memo", 101, &e), 0);
	assert_int_equal(search_index_delete(f->db, "memo", 101, &e), 0); /* absent: no error */
	assert_int_equal(db_commit(f->db, &e), 0);
	assert_int_equal(total_of(f, f->clerk, ROLE_CLERK, "抗旱"), 0);
	/* an impossible date is refused */
	{
		struct search_fields sf = {.org_id = f->org, .title = "x", .date = "2026-02-30"};

		assert_int_equal(db_begin(f->db, &e), 0);
		assert_int_equal(search_index_put(f->db, "memo", 102, &sf, &e), -1);
		assert_int_equal(e.kind, ERR_VALIDATION);
		db_rollback(f->db);
	}
	/* a rolled-back write leaves no trace */
	{
		struct search_fields sf = {.org_id = f->org, .title = "回滚的便函"};

		err_clear(&e);
		assert_int_equal(db_begin(f->db, &e), 0);
		assert_int_equal(search_index_put(f->db, "memo", 103, &sf, &e), 0);
		db_rollback(f->db);
		assert_int_equal(total_of(f, f->clerk, ROLE_CLERK, "回滚"), 0);
	}
}

static void need_to_know_is_inside_the_query(void **state)
{
	struct fx *f = *state;
	struct search_query q;
	json_t *out, *kinds, *k;
	size_t i, j;

	put(f, 201, "关于青山项目的便函", "青山项目材料一。", "2026-05-01");
	put(f, 202, "关于青山项目的便函二", "青山项目材料二。", "2026-05-02");
	put(f, 203, "关于青山项目的便函三", "青山项目材料三。", "2026-05-03");
	grant(f, 202, f->staff_a);
	assert_int_equal(total_of(f, f->clerk, ROLE_CLERK, "青山项目"), 3);
	assert_int_equal(total_of(f, f->staff_a, ROLE_STAFF, "青山项目"), 1);
	assert_int_equal(total_of(f, f->staff_b, ROLE_STAFF, "青山项目"), 0);
	/* the administrators are refused outright */
	{
		struct principal p = {.user_id = 3, .org_id = 1, .roles = ROLE_SYSADMIN};
		struct err e = ERR_INIT;

		search_query_init(&q);
		q.q = "青山项目";
		out = NULL;
		assert_int_equal(db_begin_read(f->db, &e), 0);
		assert_int_equal(search_run(f->db, &p, &q, &out, &e), -1);
		db_rollback(f->db);
		assert_int_equal(e.kind, ERR_FORBIDDEN);
		assert_null(out);
	}
	/* staff A: the one visible item, in both orders, and its kind counted once */
	for (i = 0; i < 2; i++) {
		search_query_init(&q);
		q.q = "青山项目";
		q.sort = i ? SEARCH_SORT_DATE : SEARCH_SORT_RELEVANCE;
		out = run(f, f->staff_a, ROLE_STAFF, &q);
		assert_int_equal(json_array_size(json_object_get(out, "items")), 1);
		assert_int_equal(json_integer_value(json_object_get(
		                     json_array_get(json_object_get(out, "items"), 0), "id")),
		                 202);
		assert_string_equal(json_string_value(json_object_get(
		                        json_array_get(json_object_get(out, "items"), 0), "url")),
		                    "/memos/202");
		kinds = json_object_get(out, "kinds");
		json_array_foreach(kinds, j, k)
		{
			if (strcmp(json_string_value(json_object_get(k, "kind")), "memo") == 0)
				assert_int_equal(json_integer_value(json_object_get(k, "count")),
				                 1);
		}
		json_decref(out);
	}
}

static void filters_orders_and_paging(void **state)
{
	struct fx *f = *state;
	struct search_query q;
	json_t *out, *items;
	int64_t seen[8];
	size_t i, n = 0;
	char title[64], date[16];

	for (i = 0; i < 6; i++) {
		snprintf(title, sizeof title, "%s材料%zu", i % 2 ? "红旗渠" : "普通", i);
		snprintf(date, sizeof date, "2025-0%zu-15", i + 1);
		put(f, 300 + (int64_t)i, title, i % 2 ? "无关正文。" : "红旗渠正文。", date);
	}
	/* date order, pages of 2: newest first, disjoint, complete */
	for (int64_t off = 0; off < 6; off += 2) {
		search_query_init(&q);
		q.q = "红旗渠";
		q.sort = SEARCH_SORT_DATE;
		q.limit = 2;
		q.offset = off;
		out = run(f, f->clerk, ROLE_CLERK, &q);
		assert_int_equal(json_integer_value(json_object_get(out, "total")), 6);
		items = json_object_get(out, "items");
		for (i = 0; i < json_array_size(items); i++)
			seen[n++] =
			    json_integer_value(json_object_get(json_array_get(items, i), "id"));
		json_decref(out);
	}
	assert_int_equal(n, 6);
	for (i = 0; i < 6; i++)
		assert_int_equal(seen[i], 305 - (int64_t)i);
	/* relevance: the title hits (odd ids) first */
	search_query_init(&q);
	q.q = "红旗渠";
	out = run(f, f->clerk, ROLE_CLERK, &q);
	items = json_object_get(out, "items");
	for (i = 0; i < 3; i++)
		assert_int_equal(
		    json_integer_value(json_object_get(json_array_get(items, i), "id")) % 2, 1);
	assert_true(json_real_value(json_object_get(json_array_get(items, 0), "score")) >=
	            SEARCH_TITLE_TIER);
	assert_true(json_real_value(json_object_get(json_array_get(items, 5), "score")) <
	            SEARCH_TITLE_TIER);
	json_decref(out);
	/* a date range is a rowid range */
	search_query_init(&q);
	q.q = "红旗渠";
	assert_int_equal(date_parse("2025-02-01", &q.date_from), 0);
	assert_int_equal(date_parse("2025-04-30", &q.date_to), 0);
	out = run(f, f->clerk, ROLE_CLERK, &q);
	assert_int_equal(json_integer_value(json_object_get(out, "total")), 3);
	json_decref(out);
	/* 文种 and 密级 filters */
	search_query_init(&q);
	q.q = "红旗渠";
	q.doc_type = "函";
	out = run(f, f->clerk, ROLE_CLERK, &q);
	assert_int_equal(json_integer_value(json_object_get(out, "total")), 0);
	json_decref(out);
	q.doc_type = "通知";
	q.secrecy = "none";
	out = run(f, f->clerk, ROLE_CLERK, &q);
	assert_int_equal(json_integer_value(json_object_get(out, "total")), 6);
	json_decref(out);
	/* the window: deep pages are refused, limit 0 counts only */
	{
		struct principal p = {.user_id = 3, .org_id = 1, .roles = ROLE_CLERK};
		struct err e = ERR_INIT;

		search_query_init(&q);
		q.q = "红旗渠";
		q.offset = SEARCH_WINDOW_MAX;
		assert_int_equal(search_run(f->db, &p, &q, &out, &e), -1);
		assert_string_equal(e.field, "offset");
		q.offset = 0;
		q.limit = 0;
		out = run(f, f->clerk, ROLE_CLERK, &q);
		assert_int_equal(json_integer_value(json_object_get(out, "total")), 6);
		assert_int_equal(json_array_size(json_object_get(out, "items")), 0);
		json_decref(out);
	}
}

static void bulk_batches_write_in_rowid_order(void **state)
{
	struct fx *f = *state;
	struct err e = ERR_INIT;
	struct search_fields sf = {.org_id = f->org, .body = "长江批次材料"};
	char title[64], date[16];
	int i;

	assert_int_equal(db_begin(f->db, &e), 0);
	search_bulk_begin(f->db);
	for (i = 0; i < 20; i++) {
		snprintf(title, sizeof title, "长江批次%d", i);
		snprintf(date, sizeof date, "2024-%02d-01",
		         12 - i % 12); /* dates going backwards */
		sf.title = title;
		sf.date = date;
		assert_int_equal(search_index_put(f->db, "memo", 400 + i, &sf, &e), 0);
	}
	/* changed again inside the batch (still queued), and one removed */
	sf.title = "长江批次改";
	assert_int_equal(search_index_put(f->db, "memo", 400, &sf, &e), 0);
	assert_int_equal(search_index_delete(f->db, "memo", 401, &e), 0);
	assert_int_equal(search_bulk_end(f->db, &e), 0);
	assert_int_equal(db_commit(f->db, &e), 0);
	assert_int_equal(total_of(f, f->clerk, ROLE_CLERK, "长江批次"), 19);
	assert_int_equal(total_of(f, f->clerk, ROLE_CLERK, "批次改"), 1);
	/* after the batch, writes go straight to the index again */
	put(f, 450, "长江单条", "正文", "2024-01-01");
	assert_int_equal(total_of(f, f->clerk, ROLE_CLERK, "长江单条"), 1);
}

static char *snip(const char *query_terms[], size_t n, const char *text, bool whole, bool *matched)
{
	struct snippet_terms t = {0};
	struct buf b = BUF_INIT;
	struct err e = ERR_INIT;
	size_t i;

	for (i = 0; i < n; i++)
		assert_int_equal(snippet_terms_add(&t, query_terms[i], strlen(query_terms[i]), &e),
		                 0);
	assert_int_equal(snippet_html(&t, text, whole, &b, matched, &e), 0);
	snippet_terms_free(&t);
	return buf_detach(&b, NULL);
}

static void snippets_escape_and_mark_exactly(void **state)
{
	const char *t1[] = {"罚"}, *t2[] = {"检察"}, *t3[] = {"DNA"}, *t4[] = {"<b>"};
	bool m;
	char *s;

	(void)state;
	/* one character: exactly it, not the one after */
	s = snip(t1, 1, "依法处以罚款。", true, &m);
	assert_true(m);
	assert_string_equal(s, "依法处以<mark>罚</mark>款。");
	free(s);
	/* traditional text for a simplified query; the original text is shown */
	s = snip(t2, 1, "人民檢察院依法", true, &m);
	assert_string_equal(s, "人民<mark>檢察</mark>院依法");
	free(s);
	/* whole words only, full-width too */
	s = snip(t3, 1, "mtDNA与ＤＮＡ鉴定", true, &m);
	assert_string_equal(s, "mtDNA与<mark>ＤＮＡ</mark>鉴定");
	free(s);
	/* markup in the text and in the query is escaped */
	s = snip(t4, 1, "a<b>&\"'c", true, &m);
	assert_string_equal(s, "a<mark>&lt;b&gt;</mark>&amp;&quot;&#39;c");
	free(s);
	/* no match: the beginning, nothing marked; whitespace runs become one space */
	s = snip(t2, 1, "第一条\n\n　　总则", false, &m);
	assert_false(m);
	assert_string_equal(s, "第一条 总则");
	free(s);
	/* a long text: a window around the first match with ellipses */
	{
		char text[4096] = "";
		int i;

		for (i = 0; i < 100; i++)
			strcat(text, "前文");
		strcat(text, "检察监督");
		for (i = 0; i < 100; i++)
			strcat(text, "后文");
		s = snip(t2, 1, text, false, &m);
		assert_true(m);
		assert_true(strncmp(s, "…", strlen("…")) == 0);
		assert_non_null(strstr(s, "<mark>检察</mark>监督"));
		assert_true(strcmp(s + strlen(s) - strlen("…"), "…") == 0);
		free(s);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(rowid_layout),
	    cmocka_unit_test(snippets_escape_and_mark_exactly),
	    cmocka_unit_test_setup_teardown(writes_follow_the_object, setup, teardown),
	    cmocka_unit_test_setup_teardown(need_to_know_is_inside_the_query, setup, teardown),
	    cmocka_unit_test_setup_teardown(filters_orders_and_paging, setup, teardown),
	    cmocka_unit_test_setup_teardown(bulk_batches_write_in_rowid_order, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
