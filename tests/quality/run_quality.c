/*
 * run_quality.c - the search quality test: indexes the corpus with the "cjk" tokenizer into a
 * temporary SQLite file and checks that every query of the set built by build_queries.py returns
 * exactly its ground-truth set of documents.
 *
 *     run_quality CORPUS.jsonl QUERIES.json DB_PATH
 *
 * Indexed fields: title and body (FTS5 columns title, body; the corpus id is UNINDEXED). The query
 * goes through fts_cjk_match_expr(), as the search API's will. Prints the indexing rate (a figure,
 * not an assertion) and closes with "N passed, N failed"; exits 1 on any failure.
 */
#include "core/err.h"
#include "search/fts_cjk.h"

#include <jansson.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#define LINE_MAX_BYTES (8 * 1024 * 1024) /* one corpus line */
#define SHOW_IDS       5                 /* ids listed per mismatch */

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int exec(sqlite3 *db, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		fprintf(stderr, "quality: %s: %s\n", sql, msg);
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

static int open_db(const char *path, sqlite3 **db)
{
	remove(path);
	if (sqlite3_open(path, db) != SQLITE_OK) {
		fprintf(stderr, "quality: cannot open %s\n", path);
		return -1;
	}
	if (fts_cjk_register(*db) < 0)
		return -1;
	return exec(*db, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;"
	                 "CREATE VIRTUAL TABLE docs USING fts5(id UNINDEXED, title, body,"
	                 " tokenize='cjk')");
}

static int index_corpus(sqlite3 *db, const char *path, int *ndocs)
{
	FILE *f = fopen(path, "r");
	char *line = malloc(LINE_MAX_BYTES);
	sqlite3_stmt *st = NULL;
	json_t *doc;
	json_error_t jerr;
	int rc = -1;

	*ndocs = 0;
	if (f == NULL || line == NULL) {
		fprintf(stderr, "quality: cannot read %s\n", path);
		goto out;
	}
	if (exec(db, "BEGIN") < 0 ||
	    sqlite3_prepare_v2(db, "INSERT INTO docs(id, title, body) VALUES (?1, ?2, ?3)", -1, &st,
	                       NULL) != SQLITE_OK)
		goto out;
	while (fgets(line, LINE_MAX_BYTES, f) != NULL) {
		if ((doc = json_loads(line, 0, &jerr)) == NULL) {
			fprintf(stderr, "quality: %s line %d: %s\n", path, *ndocs + 1, jerr.text);
			goto out;
		}
		sqlite3_bind_text(st, 1, json_string_value(json_object_get(doc, "id")), -1,
		                  SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 2, json_string_value(json_object_get(doc, "title")), -1,
		                  SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 3, json_string_value(json_object_get(doc, "body")), -1,
		                  SQLITE_TRANSIENT);
		json_decref(doc);
		if (sqlite3_step(st) != SQLITE_DONE) {
			fprintf(stderr, "quality: insert: %s\n", sqlite3_errmsg(db));
			goto out;
		}
		sqlite3_reset(st);
		(*ndocs)++;
	}
	rc = exec(db, "COMMIT");
out:
	sqlite3_finalize(st);
	free(line);
	if (f != NULL)
		fclose(f);
	return rc;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The sorted ids the index returns for q; NULL on error. */
static char **search(sqlite3 *db, const char *q, size_t *n)
{
	struct err e = ERR_INIT;
	sqlite3_stmt *st = NULL;
	char *expr = fts_cjk_match_expr(q, &e), **ids, **grown;
	size_t cap = 64;
	int rc;

	*n = 0;
	if (expr == NULL) {
		fprintf(stderr, "quality: query %s: %s\n", q, e.msg);
		return NULL;
	}
	if ((ids = malloc(cap * sizeof *ids)) == NULL)
		goto fail;
	if (sqlite3_prepare_v2(db, "SELECT id FROM docs WHERE docs MATCH ?1", -1, &st, NULL) !=
	    SQLITE_OK)
		goto fail;
	sqlite3_bind_text(st, 1, expr, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			cap *= 2;
			if ((grown = realloc(ids, cap * sizeof *ids)) == NULL)
				goto fail;
			ids = grown;
		}
		ids[(*n)++] = strdup((const char *)sqlite3_column_text(st, 0));
	}
	if (rc != SQLITE_DONE)
		goto fail;
	sqlite3_finalize(st);
	free(expr);
	qsort(ids, *n, sizeof *ids, cmp_str);
	return ids;
fail:
	fprintf(stderr, "quality: query %s (%s): %s\n", q, expr, sqlite3_errmsg(db));
	sqlite3_finalize(st);
	free(expr);
	while (*n > 0)
		free(ids[--(*n)]);
	free(ids);
	return NULL;
}

/* Prints up to SHOW_IDS ids of a[] that are not in b[] (both sorted). */
static void show_diff(const char *label, char **a, size_t na, char **b, size_t nb)
{
	size_t i = 0, j = 0, shown = 0, total = 0;
	int c;

	while (i < na) {
		c = j < nb ? strcmp(a[i], b[j]) : -1;
		if (c == 0) {
			i++, j++;
		} else if (c < 0) {
			if (shown++ < SHOW_IDS)
				printf(" %s", a[i]);
			total++, i++;
		} else {
			j++;
		}
	}
	if (total)
		printf(" (%zu %s)", total, label);
}

/* 1 if the query returns exactly its expected set. */
static int check_query(sqlite3 *db, json_t *item)
{
	const char *q = json_string_value(json_object_get(item, "q"));
	json_t *exp = json_object_get(item, "expected"), *v;
	size_t n = 0, ne = json_array_size(exp), k;
	char **got = search(db, q, &n), **want = calloc(ne + 1, sizeof *want);
	int ok = got != NULL && n == ne;

	if (want == NULL) {
		fprintf(stderr, "quality: out of memory\n");
		exit(2);
	}
	json_array_foreach(exp, k, v)
	{
		want[k] = (char *)json_string_value(v);
	}
	qsort(want, ne, sizeof *want, cmp_str);
	for (k = 0; ok && k < n; k++)
		ok = strcmp(got[k], want[k]) == 0;
	if (!ok) {
		printf("FAIL %-8s %s: got %zu, expected %zu;",
		       json_string_value(json_object_get(item, "kind")), q, n, ne);
		if (got != NULL) {
			show_diff("extra", got, n, want, ne);
			show_diff("missing", want, ne, got, n);
		}
		printf("\n");
	}
	for (k = 0; got != NULL && k < n; k++)
		free(got[k]);
	free(got);
	free(want);
	return ok;
}

int main(int argc, char **argv)
{
	sqlite3 *db = NULL;
	json_t *set = NULL, *queries, *item;
	json_error_t jerr;
	struct stat sb;
	size_t k, passed = 0, failed = 0;
	double t0, t1;
	clock_t c0, c1;
	int ndocs, rc = 1;

	if (argc != 4) {
		fprintf(stderr, "usage: run_quality CORPUS.jsonl QUERIES.json DB_PATH\n");
		return 2;
	}
	if ((set = json_load_file(argv[2], 0, &jerr)) == NULL) {
		fprintf(stderr, "quality: %s: %s\n", argv[2], jerr.text);
		return 2;
	}
	if (open_db(argv[3], &db) < 0)
		goto out;
	t0 = now_s();
	c0 = clock();
	if (index_corpus(db, argv[1], &ndocs) < 0)
		goto out;
	t1 = now_s();
	c1 = clock();
	stat(argv[3], &sb);
	/* CPU time too: on a shared machine the wall clock also measures the neighbours. */
	printf("quality: indexed %d documents (title + body) in %.2f s wall, %.2f s CPU: "
	       "%.0f docs/s wall, %.0f docs/s CPU; database %.1f MB\n",
	       ndocs, t1 - t0, (double)(c1 - c0) / CLOCKS_PER_SEC, ndocs / (t1 - t0),
	       ndocs / ((double)(c1 - c0) / CLOCKS_PER_SEC), (double)sb.st_size / 1e6);
	queries = json_object_get(set, "queries");
	t0 = now_s();
	json_array_foreach(queries, k, item)
	{
		if (check_query(db, item))
			passed++;
		else
			failed++;
	}
	printf("quality: %zu queries in %.2f s\n", passed + failed, now_s() - t0);
	printf("%zu passed, %zu failed\n", passed, failed);
	rc = failed > 0 || passed == 0;
out:
	sqlite3_close(db);
	json_decref(set);
	remove(argv[3]);
	return rc;
}
