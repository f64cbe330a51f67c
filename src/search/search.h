/*
 * search.h - the full-text index of Jianwu and the search over it (issue 6).
 *
 * One index for every kind of object. A module makes its kind searchable with ONE call,
 * search_register_kind(), and keeps the index current by calling search_index_put() /
 * search_index_delete() (or search_index_refresh(), which reads the object through the kind's
 * load_sql) inside the transaction that writes the object, so the index commits or rolls back
 * with the write it reflects.
 *
 * Storage (migration 050_search.sql): search_doc holds what was indexed and the filter columns;
 * search_fts is an FTS5 table over it (external content) with the tokenizer "cjk"
 * (search/fts_cjk.h) and the columns title, number (文号), parties (来文单位 …), body, opinions,
 * and UNINDEXED kind, object_id, org_id, doc_date, secrecy, department_id, doc_type, external_id.
 * The rowid encodes org | kind | date | sequence (search_rowid), so the caller's org, each kind
 * and a date range are rowid ranges FTS5 seeks to, and descending rowid is newest first.
 *
 * Need-to-know is part of every query (search_run): per kind, the caller either sees the whole
 * kind in their org (a role in see_all_roles) — a rowid range —, or only the objects that the
 * kind's visible_sql admits (the acl contract of docs/acl.h), or nothing. Totals, counts by kind
 * and every page are computed under it: an object the caller may not see is in none of them.
 *
 * Threads: the kind registry is process-wide; register kinds before serving (the search module
 * registers the kinds of the modules present at start-up, search_kinds.c). Everything else takes
 * the caller's connection and runs inside the caller's transaction.
 */
#ifndef JW_SEARCH_H
#define JW_SEARCH_H

#include "auth/auth.h"
#include "core/err.h"
#include "db/db.h"
#include "search/fts_cjk.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#define SEARCH_KINDS_MAX      31                /* kind numbers 1..31 fit the rowid's kind field */
#define SEARCH_KIND_NAME_MAX  32                /* letters, digits and '_' */
#define SEARCH_TEXT_MAX       (4 * 1024 * 1024) /* bytes of one indexed field (the library's body) */
#define SEARCH_WINDOW_MAX     10000 /* offset + limit of a page: deeper pages are refused */
#define SEARCH_RANK_WINDOW    1000  /* newest matches ranked by BM25 (relevance order) */
#define SEARCH_RANK_TITLE     200   /* newest title/文号 matches ranked as well */
#define SEARCH_SNIPPET_TOKENS 24    /* tokens (about characters) of a snippet */
#define SEARCH_DOC_TYPE_MAX   64    /* bytes of the 文种 filter */
#define SEARCH_SECRECY_MAX    16

/* Rowid layout, from the top: org (19 bits), kind number (5), day (17), sequence (22). */
#define SEARCH_SEQ_BITS  22
#define SEARCH_DAY_BITS  17
#define SEARCH_KIND_BITS 5
#define SEARCH_ORG_BITS  19
#define SEARCH_DAY_EPOCH (-25567) /* 1900-01-01 as days since 1970-01-01: day field 0 */

/*
 * A searchable kind. Every string is static (the registry keeps the pointer).
 *   visible_sql: an SQL condition on `s`, a search_doc row of this kind in the caller's org,
 *     true when the caller may see that object although no role of theirs sees the whole kind;
 *     $1 is the caller's user id. Written as `s.object_id IN (SELECT ...)` it lets the query
 *     start from the caller's few rows. NULL: only see_all_roles see this kind.
 *   url: the UI path of an object, "{id}" standing for its id ("/incoming/{id}").
 *   load_sql (optional, for search_index_refresh): one row for $1 = the object id with the
 *     columns org_id, title, number, parties, body, opinions, date, doc_type, secrecy,
 *     department_id, external_id (NULL where it has none); no row = the object is gone.
 *   ids_sql (optional, with load_sql): the ids of every object of the kind, to build the index
 *     of a database filled before it existed (search_index_rebuild_if_empty).
 */
struct search_kind {
	const char *name;  /* "incoming" */
	const char *label; /* "收文" */
	unsigned see_all_roles;
	const char *visible_sql;
	const char *url;
	const char *load_sql;
	const char *ids_sql;
};

/* Adds (or, under the same name, replaces) a kind. -1 when the name is malformed or the
 * registry is full (a programming error: also logged). */
int search_register_kind(const struct search_kind *k);
/* The registered kind of that name, or NULL. */
const struct search_kind *search_kind_find(const char *name);
/* Registered kinds in registration order; *n receives the count. */
const struct search_kind *const *search_kinds(size_t *n);

/* What is indexed for one object. Strings are borrowed; NULL reads as "". */
struct search_fields {
	int64_t org_id;
	const char *title, *number, *parties, *body, *opinions;
	const char *date;      /* YYYY-MM-DD, NULL = unknown (sorts oldest) */
	const char *doc_type;  /* 文种 / 类别 as shown */
	const char *secrecy;   /* secrecy code, "" = not applicable */
	int64_t department_id; /* 0 = none */
	const char *external_id;
};

/* The FTS5 table (and anything else the migration cannot create); idempotent, cheap when it
 * exists. Needs the "cjk" tokenizer on the connection and a write transaction (or none). */
int search_schema_ensure(struct db *db, struct err *e);

/* Indexes (kind, id) with f, replacing what was indexed for it; nothing is written when the
 * stored entry already equals f. ERR_VALIDATION for an unknown date or a field over
 * SEARCH_TEXT_MAX; ERR_INTERNAL when the kind name is malformed or the kinds are exhausted. */
int search_index_put(struct db *db, const char *kind, int64_t id, const struct search_fields *f,
                     struct err *e);
/*
 * Bulk indexing (an import). Between search_bulk_begin() and search_bulk_end(), inside one
 * transaction on db, search_index_put() writes search_doc at once but queues the FTS5 entry, and
 * search_bulk_end() writes the queued entries in rowid order. FTS5 writes its pending postings
 * out as a new segment whenever a rowid is lower than the one before; rowids follow dates, so an
 * import in random date order would write a tiny segment per document (and merge them again).
 * Searches inside the batch do not see the queued entries. search_bulk_end() must run before the
 * commit; after a rollback, search_bulk_begin(NULL) (or the next batch's begin) forgets the queue.
 * search_bulk_end() also writes the batch's postings out itself (a savepoint), with FTS5's
 * automatic merging off, and sets it back to FTS5's default (automerge 4) afterwards.
 * One batch per thread at a time.
 */
void search_bulk_begin(struct db *db);
int search_bulk_end(struct db *db, struct err *e);

/* Removes (kind, id) from the index; no error when it is not there. */
int search_index_delete(struct db *db, const char *kind, int64_t id, struct err *e);
/* Re-reads (kind, id) through the kind's load_sql and puts it, or deletes it when the object
 * is gone. ERR_INTERNAL when the kind is not registered or has no load_sql. */
int search_index_refresh(struct db *db, const char *kind, int64_t id, struct err *e);

/* When nothing is indexed yet, indexes every object of every kind that has ids_sql, in one
 * transaction (db outside a transaction). Returns 0 when there was nothing to do. */
int search_index_rebuild_if_empty(struct db *db, struct err *e);

/* The rowid of (org, kind number, date, seq); -1 when a part is out of range. */
int64_t search_rowid(int64_t org_id, int kind_no, int day, int64_t seq);
/* The date part of a rowid as days since 1970-01-01; INT32_MIN for "unknown". */
int search_rowid_day(int64_t rowid);

enum search_sort { SEARCH_SORT_RELEVANCE, SEARCH_SORT_DATE };

/* One search. Strings are borrowed. */
struct search_query {
	const char *q;                       /* the query language of fts_cjk_match_expr() */
	const char *kinds[SEARCH_KINDS_MAX]; /* only these kinds (nkinds == 0: all) */
	size_t nkinds;
	int date_from, date_to; /* days since 1970-01-01, inclusive; INT32_MIN / INT32_MAX = open */
	const char *doc_type;   /* NULL = any */
	const char *secrecy;    /* NULL = any */
	int64_t department_id;  /* 0 = any */
	enum search_sort sort;
	int64_t limit, offset; /* offset + limit <= SEARCH_WINDOW_MAX; limit 0: counts only */
};
void search_query_init(struct search_query *q); /* all kinds, open dates, relevance, 20 */

/*
 * Runs q for `who` (need-to-know applied inside every statement). Answers a new object
 *   {"items":[{"kind","id","external_id","title","title_html","snippet","date","score","url",
 *              "kind_label"}],
 *    "total":N, "kinds":[{"kind","label","count"}], "sort":"relevance|date"}
 * where counts by kind ignore the kind filter (the other filters apply), so a UI can show the
 * tabs. snippet and title_html are HTML: the text is escaped and the matches are wrapped in
 * <mark>…</mark> (search_snippet.h).
 * score: the rank of relevance order (higher first; title/文号 hits carry SEARCH_TITLE_TIER),
 * null outside the ranked window and for date order. ERR_VALIDATION (field "q", "offset", …)
 * for a bad query; the caller must be one of ROLES_BUSINESS.
 */
#define SEARCH_TITLE_TIER FTS_CJK_RANK_TIER
int search_run(struct db *db, const struct principal *who, const struct search_query *q,
               json_t **out, struct err *e);

/* Appends text to b with & < > " ' escaped for HTML. */
struct buf;
void search_html_escape(struct buf *b, const char *text);

/* Installs the built-in kinds and the library's index hook (search_kinds.c). Idempotent. */
void search_init(void);

struct module;
extern const struct module search_module; /* search_api.c */

#endif
