/*
 * library.h - 法规资料库: reference documents the office keeps (laws, regulations, documents
 * from higher procuratorates), one row per document per org, and their import from JSON lines.
 *
 * A row: title, issuer, doc_date (YYYY-MM-DD or NULL), type (法律, 司法解释, ...), body, category,
 * jurisdiction, script, abolished, and external_id, the source's own id, unique per org, so that
 * importing the same source again updates rows instead of adding copies.
 *
 * Import (`jianwu import --db PATH --kind library FILE.jsonl`), one JSON object per line:
 *   {"id", "title", "issuer", "date", "type", "body"} plus, optionally, "category",
 *   "jurisdiction", "script", "abolished"; any other key (e.g. "source", "url") is ignored.
 *   id, title and body are required strings; issuer, date and type may be null.
 * Each line is validated completely before anything of it is written, so a line is imported
 * whole or not at all. Bad lines are skipped and listed with their line numbers and the reason;
 * the good lines are imported (a real office wants those in) and the command exits 1 when any
 * line was refused. Rows are written in transactions of LIBRARY_IMPORT_BATCH lines (fewer when
 * they exceed LIBRARY_BATCH_BYTES); a database failure rolls back the current batch and stops
 * the import (batches already committed stay). Lines are parsed by up to LIBRARY_IMPORT_THREADS
 * threads, one batch ahead of the writer; rows are written in input order by the caller's thread.
 *
 * Search: the full-text index belongs to src/search. Every insert or update of a row calls
 * library_indexed(db, id, e) inside the writing transaction; that is the one place the index
 * update goes (see library_set_index_hook).
 *
 * Functions taking a struct db run inside the caller's transaction unless noted.
 */
#ifndef JW_LIBRARY_H
#define JW_LIBRARY_H

#include "core/err.h"
#include "db/db.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define LIBRARY_EXTERNAL_ID_MAX 128
#define LIBRARY_TITLE_MAX       600 /* bytes (200 CJK characters) */
#define LIBRARY_ISSUER_MAX      300
#define LIBRARY_TYPE_MAX        64
#define LIBRARY_CATEGORY_MAX    300
#define LIBRARY_SHORT_MAX       16                /* jurisdiction ("CN"), script ("zh-Hans") */
#define LIBRARY_BODY_MAX        (4 * 1024 * 1024) /* bytes of a body: a whole code of law */
#define LIBRARY_LINE_MAX        (LIBRARY_BODY_MAX + 64 * 1024) /* bytes of one import line */
#define LIBRARY_IMPORT_BATCH    500                            /* lines per transaction ... */
#define LIBRARY_BATCH_BYTES     (16 * 1024 * 1024) /* ... or fewer when they are this large */
#define LIBRARY_IMPORT_THREADS  4                  /* JSON parsing threads (at most, and CPUs) */
#define LIBRARY_BAD_LINES_SHOWN 100                /* bad lines listed one by one; then a count */

/* A reference document as parsed from a line or a request. Strings are borrowed. */
struct library_doc {
	const char *external_id; /* NULL for documents entered by hand */
	const char *title;
	const char *issuer;   /* NULL = unknown */
	const char *doc_date; /* "YYYY-MM-DD" or NULL */
	const char *type;     /* "" = unknown */
	const char *body;
	const char *category;     /* may be NULL */
	const char *jurisdiction; /* may be NULL */
	const char *script;       /* may be NULL */
	int abolished;
};

/* Validates one import object into d (strings borrowed from obj). The message names the field. */
int library_doc_from_json(json_t *obj, struct library_doc *d, struct err *e);
/* Inserts d, or updates the row with the same (org, external_id). *id is the row's id, or 0 when
 * that row already held exactly d (nothing written); *inserted says whether the row is new. */
int library_upsert(struct db *db, int64_t org_id, const struct library_doc *d, int64_t *id,
                   bool *inserted, struct err *e);

/* The search index's hook: called after each insert or update, inside that transaction. */
typedef int (*library_index_fn)(struct db *db, int64_t id, struct err *e);
void library_set_index_hook(library_index_fn fn);
int library_indexed(struct db *db, int64_t id, struct err *e);
/* The index's batch hook: the import calls it with begin = true right after a batch's
 * transaction begins and with begin = false right before it commits, so the index can write a
 * batch in one go (search_bulk_begin/end). */
typedef int (*library_batch_fn)(struct db *db, bool begin, struct err *e);
void library_set_batch_hook(library_batch_fn fn);

struct library_import_result {
	int64_t lines;     /* lines read (blank lines included) */
	int64_t imported;  /* rows inserted or updated */
	int64_t inserted;  /* of which new */
	int64_t unchanged; /* valid lines whose row already held exactly that */
	int64_t refused;   /* bad lines */
};

/*
 * Imports a JSON-lines file into org_id, in batches, writing a progress line to progress (may be
 * NULL) and one line per refused input line to bad_out ("第12行：…"). Returns 0 when every line
 * was imported, 1 when some were refused, -1 on a failure that stopped the import (e filled).
 * Opens no connection: db is the caller's, outside a transaction.
 */
int library_import(struct db *db, int64_t org_id, FILE *in, const char *label, FILE *progress,
                   FILE *bad_out, struct library_import_result *res, struct err *e);

/* `jianwu import --db PATH --kind library FILE.jsonl`: exit 0 all imported, 1 some lines refused
 * or the import failed, 2 usage. */
int library_cli_import(int argc, char **argv);

struct module;
extern const struct module library_module; /* library_api.c */

#endif
