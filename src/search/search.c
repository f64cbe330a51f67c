/*
 * search.c - the kind registry and the index writes (search.h). Queries are search_query.c.
 */
#include "search/search.h"
#include "core/log.h"
#include "core/timeutil.h"
#include "search/fts_cjk.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ---- start-up ---- */

static int register_tokenizer(void *native, enum db_engine engine)
{
	return engine == DB_SQLITE ? fts_cjk_register(native) : 0;
}

/*
 * Any program that links the index (the server, the CLI, and the unit tests of modules that call
 * search_index_*) gets the tokenizer on every connection it opens, before its first db_open():
 * the FTS5 table cannot be read or written without it. Also installs the kinds and the library's
 * hook, so `jianwu import` indexes what it imports.
 */
__attribute__((constructor)) static void search_boot(void)
{
	db_add_conn_hook(register_tokenizer);
	search_init();
}

/* ---- kinds ---- */

static pthread_mutex_t kinds_lock = PTHREAD_MUTEX_INITIALIZER;
static const struct search_kind *kinds[SEARCH_KINDS_MAX];
static size_t nkinds;

static bool kind_name_ok(const char *s)
{
	size_t n = 0;

	if (s == NULL || *s == '\0')
		return false;
	for (; *s; s++, n++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_'))
			return false;
	return n < SEARCH_KIND_NAME_MAX;
}

int search_register_kind(const struct search_kind *k)
{
	size_t i;
	int rc = 0;

	if (k == NULL || !kind_name_ok(k->name) || k->label == NULL || k->url == NULL) {
		log_error("search: kind %s refused (name: a-z, 0-9, _)",
		          k && k->name ? k->name : "?");
		return -1;
	}
	pthread_mutex_lock(&kinds_lock);
	for (i = 0; i < nkinds && strcmp(kinds[i]->name, k->name) != 0; i++)
		;
	if (i < nkinds)
		kinds[i] = k;
	else if (nkinds < SEARCH_KINDS_MAX)
		kinds[nkinds++] = k;
	else
		rc = -1;
	pthread_mutex_unlock(&kinds_lock);
	if (rc < 0)
		log_error("search: more than %d kinds; %s not registered", SEARCH_KINDS_MAX,
		          k->name);
	return rc;
}

const struct search_kind *search_kind_find(const char *name)
{
	const struct search_kind *k = NULL;
	size_t i;

	if (name == NULL)
		return NULL;
	pthread_mutex_lock(&kinds_lock);
	for (i = 0; i < nkinds && k == NULL; i++)
		if (strcmp(kinds[i]->name, name) == 0)
			k = kinds[i];
	pthread_mutex_unlock(&kinds_lock);
	return k;
}

const struct search_kind *const *search_kinds(size_t *n)
{
	pthread_mutex_lock(&kinds_lock);
	*n = nkinds;
	pthread_mutex_unlock(&kinds_lock);
	return kinds;
}

/* ---- rowids ---- */

#define SEQ_MAX  ((INT64_C(1) << SEARCH_SEQ_BITS) - 1)
#define DAY_MAX  ((1 << SEARCH_DAY_BITS) - 1)
#define KIND_MAX ((1 << SEARCH_KIND_BITS) - 1)
#define ORG_MAX  ((INT64_C(1) << SEARCH_ORG_BITS) - 1)

int64_t search_rowid(int64_t org_id, int kind_no, int day, int64_t seq)
{
	if (org_id < 0 || org_id > ORG_MAX || kind_no < 0 || kind_no > KIND_MAX || day < 0 ||
	    day > DAY_MAX || seq < 0 || seq > SEQ_MAX)
		return -1;
	return (((org_id << SEARCH_KIND_BITS | kind_no) << SEARCH_DAY_BITS | day)
	        << SEARCH_SEQ_BITS) |
	       seq;
}

int search_rowid_day(int64_t rowid)
{
	int day = (int)((rowid >> SEARCH_SEQ_BITS) & DAY_MAX);

	return day == 0 ? INT32_MIN : day + SEARCH_DAY_EPOCH;
}

/* The day field of a date: 0 for unknown (and for dates before 1900-01-02). */
static int day_field(const char *date, int *out, struct err *e)
{
	int days;

	*out = 0;
	if (date == NULL || *date == '\0')
		return 0;
	if (date_parse(date, &days) != 0)
		return err_field(e, ERR_VALIDATION, "date", "日期应为有效的 YYYY-MM-DD：%.20s",
		                 date);
	days -= SEARCH_DAY_EPOCH;
	if (days > DAY_MAX)
		return err_field(e, ERR_VALIDATION, "date", "日期超出可检索的范围：%.20s", date);
	*out = days > 0 ? days : 0;
	return 0;
}

/* ---- schema ---- */

#define FTS_CREATE_SQL                                                                             \
	"CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5(title, number, parties, body,"   \
	" opinions, kind UNINDEXED, object_id UNINDEXED, org_id UNINDEXED, doc_date UNINDEXED,"    \
	" secrecy UNINDEXED, department_id UNINDEXED, doc_type UNINDEXED, external_id UNINDEXED,"  \
	" content='search_doc', content_rowid='id', tokenize='cjk')"

/*
 * FTS5 keeps a transaction's new postings in a hash and writes them out as a segment when the
 * hash holds `hashsize` bytes and at commit. The default (1 MB) cuts a bulk import batch into
 * dozens of small segments whose terms are written again and again and then merged; with
 * SEARCH_FTS_HASHSIZE a batch of the library import is one segment. A single document's
 * transaction is unaffected (its postings are far smaller).
 */
#define SEARCH_FTS_HASHSIZE "33554432"
#define FTS_CONFIG_SQL                                                                             \
	"INSERT INTO search_fts (search_fts, rank) VALUES ('hashsize', " SEARCH_FTS_HASHSIZE ")"

int search_schema_ensure(struct db *db, struct err *e)
{
	int64_t n;
	bool found;

	if (db_engine(db) != DB_SQLITE)
		return 0;
	if (db_query_int(db, e, &n, &found,
	                 "SELECT count(*) FROM sqlite_master WHERE name = 'search_fts'", "") < 0)
		return -1;
	if (n > 0)
		return 0;
	return db_exec(db, FTS_CREATE_SQL ";" FTS_CONFIG_SQL, e);
}

/* ---- writes ---- */

/* The number of a kind in the rowid, assigned on first use (1..31). */
static int kind_no(struct db *db, const char *kind, int *no, struct err *e)
{
	int64_t v;
	bool found;

	if (!kind_name_ok(kind))
		return err_internal(e, "search: malformed kind name %s", kind ? kind : "(null)");
	if (db_query_int(db, e, &v, &found, "SELECT no FROM search_kind WHERE name = $1", "s",
	                 kind) < 0)
		return -1;
	if (!found) {
		/* The first entry of a kind: the FTS5 table may not exist yet either. */
		if (search_schema_ensure(db, e) < 0)
			return -1;
		if (db_query_int(
		        db, e, &v, &found,
		        "INSERT INTO search_kind (no, name) SELECT coalesce(max(no), 0) + 1,"
		        " $1 FROM search_kind RETURNING no",
		        "s", kind) < 0)
			return -1;
		if (!found || v > KIND_MAX)
			return err_internal(e, "search: no kind number left for %s", kind);
	}
	*no = (int)v;
	return 0;
}

static const char *nz(const char *s)
{
	return s ? s : "";
}

/* ---- bulk ---- */

/* The queue of this thread's batch (a struct db is used by one thread at a time). */
static _Thread_local struct bulk {
	struct db *db;
	int64_t *rowids;
	size_t n, cap;
} bulk;

void search_bulk_begin(struct db *db)
{
	bulk.db = db;
	bulk.n = 0;
}

static bool bulk_on(const struct db *db)
{
	return bulk.db == db && db != NULL;
}

static void bulk_queue(int64_t rowid)
{
	if (bulk.n == bulk.cap) {
		bulk.cap = bulk.cap ? bulk.cap * 2 : 1024;
		if ((bulk.rowids = realloc(bulk.rowids, bulk.cap * sizeof *bulk.rowids)) == NULL)
			abort();
	}
	bulk.rowids[bulk.n++] = rowid;
}

/* Takes rowid out of the queue; true when it was there (then it is not in FTS5 yet). */
static bool bulk_unqueue(int64_t rowid)
{
	size_t i;

	for (i = 0; i < bulk.n; i++)
		if (bulk.rowids[i] == rowid) {
			bulk.rowids[i] = bulk.rowids[--bulk.n];
			return true;
		}
	return false;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * Adds the stored search_doc row to FTS5, with a single-row INSERT … VALUES: a statement that
 * may write several rows (INSERT … SELECT) opens a statement savepoint, and FTS5 writes its
 * pending postings out at every savepoint — which is what the batch is meant to avoid.
 */
static int fts_insert_stored(struct db *db, int64_t rowid, struct err *e)
{
	struct db_stmt *st;
	int rc;

	st = db_query(db, e,
	              "SELECT title, number, parties, body, opinions FROM search_doc WHERE id = $1",
	              "I", rowid);
	if (st == NULL)
		return -1;
	if ((rc = db_step(st, e)) == DB_ROW)
		rc = db_execf(
		         db, e,
		         "INSERT INTO search_fts (rowid, title, number, parties, body, opinions)"
		         " VALUES ($1, $2, $3, $4, $5, $6)",
		         "Isssss", rowid, db_col_text(st, 0), db_col_text(st, 1),
		         db_col_text(st, 2), db_col_text(st, 3), db_col_text(st, 4)) < 0
		         ? -1
		         : 0;
	db_reset(st);
	return rc < 0 ? -1 : 0;
}

/*
 * A batch's segments are written without FTS5's automatic merging (automerge 0), then merging is
 * switched back on (FTS5's default level, 4). Automerge spends work after every segment written
 * on merging the newest ones into bigger ones; in a bulk load that work is repeated batch after
 * batch and bought nothing: importing the library corpus left 7 segments with it and 6 without,
 * and cost 20 % more CPU (bench/import/README.md). crisismerge still bounds the segments of a
 * level, and later single-row writes merge as before. The batch's pending postings are written
 * out (a savepoint makes FTS5 flush) while automerge is 0, not at the commit.
 */
#define FTS_BULK_MERGE_OFF "INSERT INTO search_fts (search_fts, rank) VALUES ('automerge', 0)"
#define FTS_BULK_MERGE_ON  "INSERT INTO search_fts (search_fts, rank) VALUES ('automerge', 4)"

int search_bulk_end(struct db *db, struct err *e)
{
	size_t i;
	int rc = 0;

	if (!bulk_on(db))
		return 0;
	if (bulk.n > 0) { /* qsort(NULL, 0, ...) is undefined */
		qsort(bulk.rowids, bulk.n, sizeof *bulk.rowids, cmp_i64);
		rc = db_execf(db, e, FTS_BULK_MERGE_OFF, "") < 0 ? -1 : 0;
	}
	for (i = 0; i < bulk.n && rc == 0; i++)
		rc = fts_insert_stored(db, bulk.rowids[i], e);
	if (bulk.n > 0 && rc == 0)
		rc = db_exec(db, "SAVEPOINT bulk; RELEASE bulk; " FTS_BULK_MERGE_ON, e);
	bulk.db = NULL;
	bulk.n = 0;
	return rc;
}

/* Removes the FTS entry of the search_doc row rowid (FTS5 needs the values it indexed). */
static int fts_remove(struct db *db, int64_t rowid, struct err *e)
{
	if (bulk_on(db) && bulk_unqueue(rowid))
		return db_execf(db, e, "DELETE FROM search_doc WHERE id = $1", "I", rowid) < 0 ? -1
		                                                                               : 0;
	if (db_execf(db, e,
	             "INSERT INTO search_fts (search_fts, rowid, title, number, parties, body,"
	             " opinions) SELECT 'delete', id, title, number, parties, body, opinions"
	             " FROM search_doc WHERE id = $1",
	             "I", rowid) < 0)
		return -1;
	return db_execf(db, e, "DELETE FROM search_doc WHERE id = $1", "I", rowid) < 0 ? -1 : 0;
}

static int check_sizes(const struct search_fields *f, struct err *e)
{
	const char *v[] = {f->title, f->number, f->parties, f->body, f->opinions};
	size_t i;

	for (i = 0; i < sizeof v / sizeof v[0]; i++)
		if (v[i] && strlen(v[i]) > SEARCH_TEXT_MAX)
			return err_set(e, ERR_VALIDATION, "文本过长（超过 %d 字节），无法建立检索",
			               SEARCH_TEXT_MAX);
	return 0;
}

/* Is the stored row rowid exactly f (same text, same filters)? */
static int unchanged(struct db *db, int64_t rowid, const struct search_fields *f, bool *same,
                     struct err *e)
{
	int64_t v;
	bool found;

	if (db_query_int(db, e, &v, &found,
	                 "SELECT 1 FROM search_doc WHERE id = $1 AND org_id = $2 AND title = $3"
	                 " AND number = $4 AND parties = $5 AND body = $6 AND opinions = $7"
	                 " AND doc_date IS $8 AND doc_type = $9 AND secrecy = $10"
	                 " AND department_id IS nullif($11, 0) AND external_id IS $12",
	                 "IIssssssssIs", rowid, f->org_id, nz(f->title), nz(f->number),
	                 nz(f->parties), nz(f->body), nz(f->opinions),
	                 f->date && *f->date ? f->date : NULL, nz(f->doc_type), nz(f->secrecy),
	                 f->department_id > 0 ? f->department_id : 0, f->external_id) < 0)
		return -1;
	*same = found;
	return 0;
}

/* The next free rowid after the entries of prefix's (org, kind, day). */
static int next_rowid(struct db *db, int64_t prefix, int64_t *rowid, struct err *e)
{
	int64_t hi = prefix | SEQ_MAX, top;
	bool found;

	if (db_query_int(
	        db, e, &top, &found,
	        "SELECT coalesce(max(id), $1 - 1) FROM search_doc WHERE id BETWEEN $1 AND $2", "II",
	        prefix, hi) < 0)
		return -1;
	if (top >= hi)
		return err_internal(e, "search: more than %lld entries on one day",
		                    (long long)SEQ_MAX);
	*rowid = top + 1;
	return 0;
}

int search_index_put(struct db *db, const char *kind, int64_t id, const struct search_fields *f,
                     struct err *e)
{
	int64_t old = 0, rowid = 0, prefix;
	bool found, same = false;
	int no = 0, day = 0;

	if (check_sizes(f, e) < 0 || day_field(f->date, &day, e) < 0 ||
	    kind_no(db, kind, &no, e) < 0)
		return -1;
	if ((prefix = search_rowid(f->org_id, no, day, 0)) < 0)
		return err_internal(e, "search: org %lld out of the rowid range",
		                    (long long)f->org_id);
	if (db_query_int(db, e, &old, &found,
	                 "SELECT id FROM search_doc WHERE kind = $1 AND object_id = $2", "sI", kind,
	                 id) < 0)
		return -1;
	if (found && old >> SEARCH_SEQ_BITS == prefix >> SEARCH_SEQ_BITS) {
		/* Same org, kind and day: keep the rowid (its place among the day's entries). */
		if (unchanged(db, old, f, &same, e) < 0)
			return -1;
		if (same)
			return 0;
		rowid = old;
	}
	if (found && fts_remove(db, old, e) < 0)
		return -1;
	if (rowid == 0 && next_rowid(db, prefix, &rowid, e) < 0)
		return -1;
	if (db_execf(db, e,
	             "INSERT INTO search_doc (id, title, number, parties, body, opinions, kind,"
	             " object_id, org_id, doc_date, secrecy, department_id, doc_type, external_id)"
	             " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, nullif($12, 0), $13,"
	             " $14)",
	             "IssssssIIssIss", rowid, nz(f->title), nz(f->number), nz(f->parties),
	             nz(f->body), nz(f->opinions), kind, id, f->org_id,
	             f->date && *f->date ? f->date : NULL, nz(f->secrecy),
	             f->department_id > 0 ? f->department_id : 0, nz(f->doc_type),
	             f->external_id) < 0)
		return -1;
	if (bulk_on(db)) {
		bulk_queue(rowid);
		return 0;
	}
	return db_execf(db, e,
	                "INSERT INTO search_fts (rowid, title, number, parties, body, opinions)"
	                " VALUES ($1, $2, $3, $4, $5, $6)",
	                "Isssss", rowid, nz(f->title), nz(f->number), nz(f->parties), nz(f->body),
	                nz(f->opinions)) < 0
	           ? -1
	           : 0;
}

int search_index_delete(struct db *db, const char *kind, int64_t id, struct err *e)
{
	int64_t old;
	bool found;

	/* An entry exists only when the FTS5 table does (see kind_no). */
	if (db_query_int(db, e, &old, &found,
	                 "SELECT id FROM search_doc WHERE kind = $1 AND object_id = $2", "sI", kind,
	                 id) < 0)
		return -1;
	return found ? fts_remove(db, old, e) : 0;
}

int search_index_refresh(struct db *db, const char *kind, int64_t id, struct err *e)
{
	const struct search_kind *k;
	struct search_fields f;
	struct db_stmt *st;
	int rc;

	search_init();
	k = search_kind_find(kind);
	if (k == NULL || k->load_sql == NULL)
		return err_internal(e, "search: kind %s is not registered with a load_sql",
		                    kind ? kind : "(null)");
	if ((st = db_query(db, e, k->load_sql, "I", id)) == NULL)
		return -1;
	rc = db_step(st, e);
	if (rc == DB_DONE) {
		db_reset(st);
		return search_index_delete(db, kind, id, e);
	}
	if (rc < 0) {
		db_reset(st);
		return -1;
	}
	memset(&f, 0, sizeof f);
	f.org_id = db_col_int(st, 0);
	f.title = db_col_text(st, 1);
	f.number = db_col_text(st, 2);
	f.parties = db_col_text(st, 3);
	f.body = db_col_text(st, 4);
	f.opinions = db_col_text(st, 5);
	f.date = db_col_text(st, 6);
	f.doc_type = db_col_text(st, 7);
	f.secrecy = db_col_text(st, 8);
	f.department_id = db_col_int(st, 9);
	f.external_id = db_col_text(st, 10);
	/* The texts belong to st until it is reset: put first (it uses other statements). */
	rc = search_index_put(db, kind, id, &f, e);
	db_reset(st);
	return rc;
}

int search_index_rebuild_if_empty(struct db *db, struct err *e)
{
	const struct search_kind *const *ks;
	struct db_stmt *st;
	int64_t n, *ids = NULL;
	size_t nk, i, nids, cap = 0, j;
	bool found;
	int rc = -1;

	search_init();
	if (db_query_int(db, e, &n, &found, "SELECT count(*) FROM search_doc", "") < 0)
		return -1;
	if (n > 0)
		return 0;
	if (db_begin(db, e) < 0)
		return -1;
	search_bulk_begin(db);
	ks = search_kinds(&nk);
	for (i = 0; i < nk; i++) {
		if (ks[i]->ids_sql == NULL || ks[i]->load_sql == NULL)
			continue;
		if ((st = db_query(db, e, ks[i]->ids_sql, "")) == NULL)
			goto out;
		nids = 0;
		while ((rc = db_step(st, e)) == DB_ROW) {
			if (nids == cap) {
				int64_t *grown;
				cap = cap ? cap * 2 : 256;
				if ((grown = realloc(ids, cap * sizeof *ids)) == NULL)
					abort();
				ids = grown;
			}
			ids[nids++] = db_col_int(st, 0);
		}
		db_reset(st);
		if (rc < 0)
			goto out;
		rc = -1;
		for (j = 0; j < nids; j++)
			if (search_index_refresh(db, ks[i]->name, ids[j], e) < 0)
				goto out;
		if (nids > 0)
			log_info("search: indexed %zu existing %s objects", nids, ks[i]->name);
	}
	rc = search_bulk_end(db, e) < 0 ? -1 : db_commit(db, e);
out:
	if (rc < 0) {
		search_bulk_begin(NULL); /* forget the queue */
		db_rollback(db);
	}
	free(ids);
	return rc;
}
