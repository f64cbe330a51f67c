/* Unit tests of group commit (db_group_begin/db_group_end, db.h) on a real SQLite file: writers
 * in many threads share transactions, a failed member loses only its own changes, an answer is
 * given only once its change is committed, and plain db_begin() writers mix in without a
 * deadlock. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "db/db.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define GROUP_THREADS 8 /* request threads */
#define PLAIN_THREADS 2 /* db_begin() writers on their own connections */
#define ROUNDS        150
#define FAIL_EVERY    5 /* every fifth request of a thread rolls back */

static char dir[64], path[128];

struct worker {
	int no;
	int failures; /* unexpected errors or checks that did not hold */
	int kept;     /* rows this worker's committed requests wrote */
};

static int setup(void **state)
{
	struct err e = ERR_INIT;
	struct db *db;

	(void)state;
	snprintf(dir, sizeof dir, "/tmp/jw-unit-XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(path, sizeof path, "%s/g.db", dir);
	db = db_open(path, &e);
	if (db == NULL ||
	    db_exec(db,
	            "CREATE TABLE item (v INTEGER PRIMARY KEY, seq INTEGER NOT NULL UNIQUE);"
	            "CREATE TABLE counter (id INTEGER PRIMARY KEY, n INTEGER NOT NULL);"
	            "INSERT INTO counter VALUES (1, 0);",
	            &e))
		return -1;
	db_close(db);
	db_thread_setup(path);
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	db_thread_close_all();
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* Takes the next sequence number and writes row v, in the caller's transaction. */
static int write_item(struct db *db, int64_t v, struct err *e)
{
	int64_t seq;
	bool found;

	if (db_query_int(db, e, &seq, &found,
	                 "UPDATE counter SET n = n + 1 WHERE id = 1 RETURNING n", "") < 0 ||
	    !found)
		return -1;
	return db_execf(db, e, "INSERT INTO item (v, seq) VALUES ($1, $2)", "II", v, seq) < 0 ? -1
	                                                                                      : 0;
}

/* Does another connection (a reader that never saw the batch) see row v? */
static bool committed(struct db *reader, int64_t v)
{
	struct err e = ERR_INIT;
	int64_t n = 0;
	bool found;

	return db_query_int(reader, &e, &n, &found, "SELECT count(*) FROM item WHERE v = $1", "I",
	                    v) == 0 &&
	       n == 1;
}

static void *group_writer(void *arg)
{
	struct worker *w = arg;
	struct err e = ERR_INIT;
	struct db *reader = db_open(path, &e), *db;

	for (int i = 0; reader && i < ROUNDS; i++) {
		int64_t v = (int64_t)w->no * 100000 + i;
		bool keep = i % FAIL_EVERY != 0;

		err_clear(&e);
		if (db_group_begin(&db, &e) || write_item(db, v, &e)) {
			w->failures++;
			if (db)
				db_group_end(db, false, &e);
			continue;
		}
		if (db_group_end(db, keep, &e) != 0) {
			w->failures++;
			continue;
		}
		/* answered: a kept change is durable and visible, a rolled-back one is gone */
		if (committed(reader, v) != keep)
			w->failures++;
		w->kept += keep;
	}
	if (reader == NULL)
		w->failures++;
	db_close(reader);
	return NULL;
}

static void *plain_writer(void *arg)
{
	struct worker *w = arg;
	struct err e = ERR_INIT;
	struct db *db = db_open(path, &e);

	for (int i = 0; db && i < ROUNDS / 3; i++) {
		int64_t v = (int64_t)w->no * 100000 + i;

		err_clear(&e);
		if (db_begin(db, &e) || write_item(db, v, &e) || db_commit(db, &e)) {
			db_rollback(db);
			w->failures++;
			continue;
		}
		w->kept++;
	}
	if (db == NULL)
		w->failures++;
	db_close(db);
	return NULL;
}

static void members_commit_together_and_fail_alone(void **state)
{
	pthread_t tid[GROUP_THREADS + PLAIN_THREADS];
	struct worker w[GROUP_THREADS + PLAIN_THREADS];
	struct err e = ERR_INIT;
	struct db *db;
	int64_t rows = 0, max_seq = 0, distinct = 0, counter = 0;
	bool found;
	int kept = 0;

	(void)state;
	memset(w, 0, sizeof w);
	for (int i = 0; i < GROUP_THREADS + PLAIN_THREADS; i++) {
		w[i].no = i + 1;
		assert_int_equal(pthread_create(&tid[i], NULL,
		                                i < GROUP_THREADS ? group_writer : plain_writer,
		                                &w[i]),
		                 0);
	}
	for (int i = 0; i < GROUP_THREADS + PLAIN_THREADS; i++) {
		pthread_join(tid[i], NULL);
		assert_int_equal(w[i].failures, 0);
		kept += w[i].kept;
	}
	assert_int_equal(kept, GROUP_THREADS * (ROUNDS - ROUNDS / FAIL_EVERY) +
	                           PLAIN_THREADS * (ROUNDS / 3));
	db = db_open(path, &e);
	assert_non_null(db);
	assert_int_equal(db_query_int(db, &e, &rows, &found, "SELECT count(*) FROM item", ""), 0);
	assert_int_equal(
	    db_query_int(db, &e, &distinct, &found, "SELECT count(DISTINCT seq) FROM item", ""), 0);
	assert_int_equal(db_query_int(db, &e, &max_seq, &found, "SELECT max(seq) FROM item", ""),
	                 0);
	assert_int_equal(
	    db_query_int(db, &e, &counter, &found, "SELECT n FROM counter WHERE id = 1", ""), 0);
	/* every kept request is there once; rolled-back ones took no sequence number: no gap */
	assert_int_equal(rows, kept);
	assert_int_equal(distinct, kept);
	assert_int_equal(max_seq, kept);
	assert_int_equal(counter, kept);
	db_close(db);
}

static void a_member_is_nested_transaction_safe(void **state)
{
	struct err e = ERR_INIT;
	struct db *db = NULL;

	(void)state;
	assert_int_equal(db_group_begin(&db, &e), 0);
	assert_true(db_in_tx(db));
	/* a handler must not open a transaction of its own on the connection it was given */
	assert_int_equal(db_begin(db, &e), -1);
	err_clear(&e);
	assert_int_equal(write_item(db, 7, &e), 0);
	assert_int_equal(db_group_end(db, true, &e), 0);
	assert_false(db_in_tx(db));
	db = db_open(path, &e);
	assert_non_null(db);
	assert_true(committed(db, 7));
	db_close(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(members_commit_together_and_fail_alone, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(a_member_is_nested_transaction_safe, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
