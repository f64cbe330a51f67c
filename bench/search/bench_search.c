/*
 * bench_search.c - the search benchmark (issue 6): builds a scaled index from the shared corpus
 * through search_index_put(), then times counts, first pages with snippets (both orders) and a
 * plain LIKE scan on the same data.
 *
 *   bench_search build CORPUS.jsonl DB N     index N documents (see below), print rate and size
 *   bench_search query DB QUERIES.txt [LIKE_QUERIES]
 *                                            per query (one a line): count, relevance page,
 *                                            date page; p50/p95/p99; then LIKE counts for the
 *                                            first LIKE_QUERIES queries (default 5); peak RSS
 *
 * Scaling: every corpus body is cut into sections at blank lines ("\n\n"), a section closed once
 * it holds SECTION_MIN bytes; each section is a document (title "<title>（第k节）", the
 * document's issuer, type and date). The sections are then copied with new ids until N
 * documents exist: copy c of a section is dated c days after the original (dates spread over
 * the index as they would in an office). The documents are indexed as kind "library" in one
 * org, in transactions of BATCH documents, exactly as the library import does it.
 */
#include "core/err.h"
#include "db/db.h"
#include "org/org.h"
#include "search/fts_cjk.h"
#include "search/search.h"
#include "core/timeutil.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>

#define SECTION_MIN 1500
#define BATCH       5000
#define LINE_MAX_B  (8 * 1024 * 1024)
#define QUERIES_MAX 200
#define RUNS        5 /* timed runs of each query */

struct section {
	char *title, *issuer, *type, *body;
	int day; /* days since 1970, or INT32_MIN */
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* CPU time of the process (user + system): the machine is shared, wall time is not ours. */
static double cpu_s(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
	       (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

static long rss_kb(const char *field)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long v = -1;

	if (f == NULL)
		return -1;
	while (fgets(line, sizeof line, f))
		if (strncmp(line, field, strlen(field)) == 0)
			v = strtol(line + strlen(field) + 1, NULL, 10);
	fclose(f);
	return v;
}

static char *dup_or_empty(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));

	return strdup(s ? s : "");
}

/* Cuts the corpus into sections. */
static struct section *load_sections(const char *path, size_t *n)
{
	FILE *f = fopen(path, "r");
	char *line = malloc(LINE_MAX_B);
	struct section *s = NULL;
	size_t cap = 0;
	json_t *o;
	json_error_t je;

	*n = 0;
	if (f == NULL || line == NULL) {
		fprintf(stderr, "bench: cannot read %s\n", path);
		exit(1);
	}
	while (fgets(line, LINE_MAX_B, f)) {
		const char *body, *p, *cut, *date;
		int day = INT32_MIN, k = 1;

		if ((o = json_loads(line, 0, &je)) == NULL)
			continue;
		body = json_string_value(json_object_get(o, "body"));
		date = json_string_value(json_object_get(o, "date"));
		if (date == NULL || date_parse(date, &day) != 0)
			day = INT32_MIN;
		for (p = body ? body : ""; *p; p = cut, k++) {
			cut = p;
			while (*cut && (cut - p < SECTION_MIN || strncmp(cut, "\n\n", 2) != 0))
				cut++;
			if (*n == cap) {
				cap = cap ? cap * 2 : 4096;
				s = realloc(s, cap * sizeof *s);
			}
			char title[1024];
			snprintf(title, sizeof title, "%s（第%d节）",
			         json_string_value(json_object_get(o, "title")), k);
			s[*n].title = strdup(title);
			s[*n].issuer = dup_or_empty(o, "issuer");
			s[*n].type = dup_or_empty(o, "type");
			s[*n].body = strndup(p, (size_t)(cut - p));
			s[*n].day = day;
			(*n)++;
		}
		json_decref(o);
	}
	free(line);
	fclose(f);
	return s;
}

static int cmp_day(const void *a, const void *b)
{
	const struct section *x = a, *y = b;

	return x->day < y->day ? -1 : x->day > y->day;
}

static struct db *open_db(const char *path)
{
	struct err e = ERR_INIT;
	struct db *db = db_open(path, &e);

	if (db == NULL || db_migrate(db, &e) < 0 || search_schema_ensure(db, &e) < 0 ||
	    (getenv("BENCH_SQL") && db_exec(db, getenv("BENCH_SQL"), &e) < 0)) {
		fprintf(stderr, "bench: %s: %s\n", path, e.msg);
		exit(1);
	}
	return db;
}

static long long file_size(const char *path)
{
	struct stat sb;

	return stat(path, &sb) == 0 ? (long long)sb.st_size : 0;
}

static int cmd_build(const char *corpus, const char *path, long long want)
{
	struct err e = ERR_INIT;
	struct section *sec;
	size_t nsec, i;
	struct db *db;
	int64_t org;
	long long done = 0, bytes = 0;
	double t0, t1, tload, c0, c1;
	char date[DATE_STR_MAX];

	remove(path);
	t0 = now_s();
	sec = load_sections(corpus, &nsec);
	tload = now_s() - t0;
	if (getenv("BENCH_SORTED"))
		qsort(sec, nsec, sizeof *sec, cmp_day);
	printf("corpus: %zu sections of at least %d bytes (%.1f s to cut)\n", nsec, SECTION_MIN,
	       tload);
	db = open_db(path);
	if (db_begin(db, &e) < 0 || org_create(db, "基准测试院", "基准", &org, &e) < 0 ||
	    db_commit(db, &e) < 0) {
		fprintf(stderr, "bench: %s\n", e.msg);
		return 1;
	}
	t0 = now_s();
	c0 = cpu_s();
	while (done < want) {
		if (db_begin(db, &e) < 0)
			goto fail;
		if (!getenv("BENCH_NO_BULK"))
			search_bulk_begin(db);
		for (i = 0; i < BATCH && done < want; i++, done++) {
			const struct section *s = &sec[done % (long long)nsec];
			long long copy = done / (long long)nsec;
			struct search_fields f = {.org_id = org,
			                          .title = s->title,
			                          .parties = s->issuer,
			                          .body = s->body,
			                          .doc_type = s->type};

			if (s->day != INT32_MIN) {
				date_format(s->day + (int)copy, date);
				f.date = date;
			}
			bytes +=
			    (long long)(strlen(s->title) + strlen(s->body) + strlen(s->issuer));
			if (search_index_put(db, "library", done + 1, &f, &e) < 0)
				goto fail;
		}
		if (search_bulk_end(db, &e) < 0 || db_commit(db, &e) < 0)
			goto fail;
		if (done % 100000 == 0 || done == want)
			fprintf(stderr, "bench: %lld documents, %.0f docs/s\n", done,
			        (double)done / (now_s() - t0));
	}
	t1 = now_s() - t0;
	db_close(db);
	c1 = cpu_s() - c0;
	printf("build: %lld documents, %.1f MB of text in %.1f s wall, %.1f s CPU: %.0f docs/s,"
	       " %.2f MB/s (CPU: %.0f docs/s, %.2f MB/s)\n",
	       done, (double)bytes / 1e6, t1, c1, (double)done / t1, (double)bytes / 1e6 / t1,
	       (double)done / c1, (double)bytes / 1e6 / c1);
	printf("database: %.1f MB (%s)\n", (double)file_size(path) / 1e6, path);
	return 0;
fail:
	fprintf(stderr, "bench: %s\n", e.msg);
	return 1;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void report(const char *what, double *ms, size_t n)
{
	qsort(ms, n, sizeof *ms, cmp_double);
	printf("%-28s n=%-4zu p50 %8.2f ms  p95 %8.2f ms  p99 %8.2f ms  max %8.2f ms\n", what, n,
	       ms[n / 2], ms[(size_t)ceil(0.95 * (double)n) - 1],
	       ms[(size_t)ceil(0.99 * (double)n) - 1], ms[n - 1]);
}

static double thread_cpu_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double last_cpu_ms; /* CPU time of the last timed() call */

/* One search as the API runs it, inside a read snapshot; wall ms returned (CPU ms in
 * last_cpu_ms: on a shared machine the wall time includes waiting for a core). */
static double timed(struct db *db, const struct principal *who, const char *q, int64_t limit,
                    enum search_sort sort, int64_t *total)
{
	struct search_query sq;
	struct err e = ERR_INIT;
	json_t *out = NULL;
	double t0 = now_s(), c0 = thread_cpu_s();

	search_query_init(&sq);
	sq.q = q;
	sq.limit = limit;
	sq.sort = sort;
	if (db_begin_read(db, &e) < 0 || search_run(db, who, &sq, &out, &e) < 0) {
		fprintf(stderr, "bench: %s: %s\n", q, e.msg);
		exit(1);
	}
	db_rollback(db);
	*total = json_integer_value(json_object_get(out, "total"));
	json_decref(out);
	last_cpu_ms = (thread_cpu_s() - c0) * 1000;
	return (now_s() - t0) * 1000;
}

static int cmd_query(const char *path, const char *qfile, int nlike)
{
	struct db *db = open_db(path);
	struct principal who = {.user_id = 1, .org_id = 1, .roles = ROLE_CLERK};
	char *queries[QUERIES_MAX], line[512];
	size_t nq = 0, i, r, n;
	double *cnt, *rel, *dat, *ccnt, *crel, *cdat, t0;
	int64_t total = 0;
	FILE *f = fopen(qfile, "r");
	struct err e = ERR_INIT;

	if (f == NULL) {
		fprintf(stderr, "bench: cannot read %s\n", qfile);
		return 1;
	}
	while (nq < QUERIES_MAX && fgets(line, sizeof line, f)) {
		line[strcspn(line, "\n")] = '\0';
		if (line[0] && line[0] != '#')
			queries[nq++] = strdup(line);
	}
	fclose(f);
	cnt = calloc(nq * RUNS, sizeof *cnt);
	rel = calloc(nq * RUNS, sizeof *rel);
	dat = calloc(nq * RUNS, sizeof *dat);
	ccnt = calloc(nq * RUNS, sizeof *ccnt);
	crel = calloc(nq * RUNS, sizeof *crel);
	cdat = calloc(nq * RUNS, sizeof *cdat);
	/* a first pass warms the page cache as a running server's would be */
	for (i = 0; i < nq; i++)
		timed(db, &who, queries[i], 20, SEARCH_SORT_RELEVANCE, &total);
	printf("%-34s %10s %9s %9s %9s\n", "query", "matches", "count ms", "rel ms", "date ms");
	for (i = 0, n = 0; i < nq; i++) {
		double c = 0, rl = 0, d = 0;

		for (r = 0; r < RUNS; r++, n++) {
			c += cnt[n] = timed(db, &who, queries[i], 0, SEARCH_SORT_RELEVANCE, &total);
			ccnt[n] = last_cpu_ms;
			rl += rel[n] =
			    timed(db, &who, queries[i], 20, SEARCH_SORT_RELEVANCE, &total);
			crel[n] = last_cpu_ms;
			d += dat[n] = timed(db, &who, queries[i], 20, SEARCH_SORT_DATE, &total);
			cdat[n] = last_cpu_ms;
		}
		printf("%-34s %10lld %9.2f %9.2f %9.2f\n", queries[i], (long long)total, c / RUNS,
		       rl / RUNS, d / RUNS);
	}
	report("exact count (wall)", cnt, n);
	report("relevance page (wall)", rel, n);
	report("newest page (wall)", dat, n);
	report("exact count (CPU)", ccnt, n);
	report("relevance page (CPU)", crel, n);
	report("newest page (CPU)", cdat, n);
	printf("resident memory: VmRSS %ld kB, VmHWM (peak) %ld kB\n", rss_kb("VmRSS"),
	       rss_kb("VmHWM"));
	for (i = 0; i < nq && (int)i < nlike; i++) {
		int64_t c = 0;
		bool found;

		t0 = now_s();
		if (db_query_int(db, &e, &c, &found,
		                 "SELECT count(*) FROM search_doc WHERE title LIKE '%' || $1 || '%'"
		                 " OR body LIKE '%' || $1 || '%'",
		                 "s", queries[i]) < 0) {
			fprintf(stderr, "bench: LIKE: %s\n", e.msg);
			return 1;
		}
		printf("LIKE '%%%s%%' count: %lld in %.0f ms\n", queries[i], (long long)c,
		       (now_s() - t0) * 1000);
	}
	db_close(db);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 5 && strcmp(argv[1], "build") == 0)
		return cmd_build(argv[2], argv[3], atoll(argv[4]));
	if (argc >= 4 && strcmp(argv[1], "query") == 0)
		return cmd_query(argv[2], argv[3], argc > 4 ? atoi(argv[4]) : 5);
	fprintf(stderr,
	        "usage: bench_search build CORPUS DB N | query DB QUERIES [LIKE_QUERIES]\n");
	return 2;
}
