/* Unit tests of the store and the audit chain on a real SQLite file in a temporary directory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "audit/audit.h"
#include "db/db.h"
#include "http/http_private.h"

#include <sodium.h>
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

	snprintf(dir, sizeof dir, "/tmp/jw-unit-XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(path, sizeof path, "%s/t.db", dir);
	db = db_open(path, &e);
	if (db == NULL || db_migrate(db, &e))
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

static void placeholders_bind_by_number(void **state)
{
	struct db *db = *state;
	struct err e = ERR_INIT;
	int64_t v = 0;
	bool found;

	/* $2 appears before $1: binding must follow the number, not the position */
	assert_int_equal(db_query_int(db, &e, &v, &found, "SELECT $2 * 10 + $1", "ii", 3, 4), 0);
	assert_true(found);
	assert_int_equal(v, 43);
	/* the cached statement is reused with new values */
	assert_int_equal(db_query_int(db, &e, &v, &found, "SELECT $2 * 10 + $1", "ii", 1, 2), 0);
	assert_int_equal(v, 21);
	json_t *rows =
	    db_query_json(db, &e, 10, "SELECT $1 AS s, NULL AS n, 2.5 AS r", "s", "检察");
	assert_non_null(rows);
	assert_string_equal(json_string_value(json_object_get(json_array_get(rows, 0), "s")),
	                    "检察");
	assert_true(json_is_null(json_object_get(json_array_get(rows, 0), "n")));
	json_decref(rows);
}

static void transactions_roll_back(void **state)
{
	struct db *db = *state;
	struct err e = ERR_INIT;
	int64_t n = 0;
	bool found;

	assert_int_equal(db_begin(db, &e), 0);
	assert_int_equal(db_begin(db, &e), -1); /* no nesting */
	err_clear(&e);
	assert_true(db_execf(db, &e, "INSERT INTO org (name, code, created_at) VALUES ($1, $2, 0)",
	                     "ss", "甲院", "甲检") == 1);
	db_rollback(db);
	assert_int_equal(db_query_int(db, &e, &n, &found, "SELECT count(*) FROM org", NULL), 0);
	assert_int_equal(n, 0);
}

static void constraint_errors_map_to_kinds(void **state)
{
	struct db *db = *state;
	struct err e = ERR_INIT;

	assert_true(db_execf(db, &e,
	                     "INSERT INTO org (id, name, code, created_at) VALUES (7, 'a', 'b', 0)",
	                     NULL) == 1);
	assert_int_equal(
	    db_execf(db, &e, "INSERT INTO org (id, name, code, created_at) VALUES (7, 'a', 'b', 0)",
	             NULL),
	    -1);
	assert_int_equal(e.kind, ERR_CONFLICT);
	err_clear(&e);
	assert_int_equal(
	    db_execf(db, &e, "INSERT INTO department (org_id, code, name) VALUES (999, 'X', 'x')",
	             NULL),
	    -1);
	assert_int_equal(e.kind, ERR_VALIDATION);
}

static void append(struct db *db, const char *action)
{
	struct err e = ERR_INIT;
	struct audit_entry a = {.actor = "tester", .action = action, .result = "ok"};

	assert_int_equal(db_begin(db, &e), 0);
	assert_int_equal(audit_append(db, &a, &e), 0);
	assert_int_equal(db_commit(db, &e), 0);
}

static void audit_chain_detects_tampering(void **state)
{
	struct db *db = *state;
	struct err e = ERR_INIT;
	int64_t bad = 0, rows = 0;
	char why[160];

	for (int i = 0; i < 5; i++)
		append(db, "unit.test");
	assert_int_equal(audit_verify(db, &bad, why, sizeof why, &rows, &e), 0);
	assert_int_equal(rows, 5);
	/* the schema refuses edits */
	assert_int_equal(db_exec(db, "UPDATE audit_log SET actor = 'x' WHERE id = 2", &e), -1);
	err_clear(&e);
	assert_int_equal(db_exec(db, "DELETE FROM audit_log WHERE id = 2", &e), -1);
	err_clear(&e);
	/* someone with file access drops the guard and edits row 3 */
	assert_int_equal(db_exec(db,
	                         "DROP TRIGGER audit_log_no_update;"
	                         "UPDATE audit_log SET actor = 'mallory' WHERE id = 3",
	                         &e),
	                 0);
	assert_int_equal(audit_verify(db, &bad, why, sizeof why, &rows, &e), 1);
	assert_int_equal(bad, 3);
	assert_non_null(strstr(why, "edited"));
}

static void route_patterns_match(void **state)
{
	struct rctx c;

	memset(&c, 0, sizeof c);
	assert_true(route_match("/api/v1/users/{id}", "/api/v1/users/42", &c));
	assert_int_equal(c.nparams, 1);
	assert_string_equal(c.pnames[0], "id");
	assert_string_equal(c.pvalues[0], "42");
	free(c.pnames[0]);
	free(c.pvalues[0]);
	c.nparams = 0;
	assert_false(route_match("/api/v1/users/{id}", "/api/v1/users/", &c));
	assert_false(route_match("/api/v1/users/{id}", "/api/v1/users/1/x", &c));
	assert_false(route_match("/api/v1/users", "/api/v1/users/1", &c));
	assert_true(route_match("/api/v1/calendar/{secret}.ics", "/api/v1/calendar/abc.ics", &c));
	assert_string_equal(c.pvalues[0], "abc");
	assert_false(route_match("/api/v1/calendar/{secret}.ics", "/api/v1/calendar/abc.txt", &c));
	assert_false(route_match("/api/v1/calendar/{secret}.ics", "/api/v1/calendar/.ics", &c));
	assert_true(route_match("/api/v1/a/{x}/b/{y}", "/api/v1/a/1/b/2", &c));
	assert_int_equal(c.nparams, 2);
	assert_string_equal(c.pvalues[1], "2");
	for (int i = 0; i < c.nparams; i++) {
		free(c.pnames[i]);
		free(c.pvalues[i]);
	}
	assert_int_equal(c.nparams, 2);
}

static void json_emit_escapes_and_round_trips(void **state)
{
	const char *src = "{\"s\":\"定检发〔2026〕5号 \\\"q\\\" \\\\ \\n\\t\\u0001 \\u2028\","
	                  "\"n\":-42,\"r\":2.5,\"b\":true,\"f\":false,\"z\":null,"
	                  "\"a\":[1,[],{}],\"e\":{}}";
	json_t *in = json_loads(src, 0, NULL), *back;
	struct buf out = BUF_INIT;

	assert_non_null(in);
	json_emit(&out, in);
	assert_non_null(strstr(out.data, "\\u0001"));
	assert_non_null(strstr(out.data, "\\u2028"));
	assert_non_null(strstr(out.data, "\\\"q\\\""));
	assert_non_null(strstr(out.data, "定检发〔2026〕5号"));
	assert_null(strchr(out.data, '\n'));
	back = json_loads(out.data, JSON_REJECT_DUPLICATES, NULL);
	assert_non_null(back);
	assert_true(json_equal(in, back));
	json_decref(in);
	json_decref(back);
	buf_free(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(placeholders_bind_by_number, setup, teardown),
	    cmocka_unit_test_setup_teardown(transactions_roll_back, setup, teardown),
	    cmocka_unit_test_setup_teardown(constraint_errors_map_to_kinds, setup, teardown),
	    cmocka_unit_test_setup_teardown(audit_chain_detects_tampering, setup, teardown),
	    cmocka_unit_test(route_patterns_match),
	    cmocka_unit_test(json_emit_escapes_and_round_trips),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
