/*
 * db.h - the store, behind one driver table for several SQL engines (after dovecot lib-sql).
 *
 * SQL is written once with $1..$N placeholders, RETURNING and ON CONFLICT, which SQLite and
 * PostgreSQL both accept. Only src/db/ includes sqlite3.h or libpq-fe.h.
 *
 * Threads: a struct db is one connection and is used by one thread at a time. The server keeps one
 * per worker thread (db_thread()).
 *
 * Statements: db_prepare() caches by SQL text per connection, so callers pass string literals and
 * never finalize. A statement is borrowed: bind, step until done, then db_reset() it (db_query*
 * helpers below do bind and reset for you). Text returned by db_col_text() is owned by the
 * statement and valid until the next db_step()/db_reset() on it.
 *
 * Transactions: db_begin() opens a write transaction (SQLite: BEGIN IMMEDIATE, so writers queue on
 * the busy timeout instead of failing on upgrade); db_begin_read() a read snapshot. Nesting is an
 * error. db_rollback() never fails. Within one process, SQLite writers queue on a process mutex
 * (the writer lock) taken by db_begin() and released by db_commit()/db_rollback().
 *
 * Group commit (the server's write requests): db_group_begin() gives the caller the store's
 * writer connection inside a transaction shared with other concurrent callers, in a savepoint of
 * its own; db_group_end() ends that savepoint and returns only once the shared transaction has
 * committed (synchronous=FULL: durable), so an answer sent after it is never lost. A caller that
 * ends its savepoint with keep = false loses only its own changes. If the shared commit fails,
 * every member's db_group_end() fails (their changes are gone). One fsync thus serves several
 * requests; a request waits for at most DB_GROUP_MAX - 1 others.
 */
#ifndef JW_DB_H
#define JW_DB_H

#include "core/err.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct db;
struct db_stmt;

/* Step results. */
#define DB_ROW  1
#define DB_DONE 0

enum db_engine { DB_SQLITE, DB_POSTGRES };

/* Opens "path/to/file.db" (SQLite, created if absent) or "postgresql://..." . */
struct db *db_open(const char *uri, struct err *e);
void db_close(struct db *db);
enum db_engine db_engine(const struct db *db);
const char *db_uri(const struct db *db);

/* Applies pending migrations (each in its own transaction). Refuses a database whose schema is
 * newer than this binary. */
int db_migrate(struct db *db, struct err *e);
int db_schema_version(struct db *db, struct err *e);

int db_exec(struct db *db, const char *sql, struct err *e); /* a script without parameters */
int db_begin(struct db *db, struct err *e);
int db_begin_read(struct db *db, struct err *e);
int db_commit(struct db *db, struct err *e);
void db_rollback(struct db *db);
bool db_in_tx(const struct db *db);

#define DB_GROUP_MAX 64 /* requests committed together at most */

/*
 * Begins a request's part of the shared write transaction of the store set by db_thread_setup():
 * *db is the writer connection, to be used by the caller only until db_group_end() (and by no
 * other thread meanwhile: the caller holds the writer lock). Without a SQLite store set up for
 * threads it falls back to db_begin() on db_thread(). Nested use is an error.
 */
int db_group_begin(struct db **db, struct err *e);
/* Ends the request's savepoint, keeping its changes or rolling back to it, and waits until the
 * transaction holding them has committed: 0, or -1 with e when that commit (or keeping the
 * changes) failed. Always releases the writer lock. */
int db_group_end(struct db *db, bool keep, struct err *e);

struct db_stmt *db_prepare(struct db *db, const char *sql, struct err *e);
int db_bind_text(struct db_stmt *st, int n, const char *s); /* NULL binds NULL */
int db_bind_textn(struct db_stmt *st, int n, const char *s, size_t len);
int db_bind_int(struct db_stmt *st, int n, int64_t v);
int db_bind_null(struct db_stmt *st, int n);
int db_step(struct db_stmt *st, struct err *e); /* DB_ROW, DB_DONE or -1 */
void db_reset(struct db_stmt *st);              /* clears bindings too */

int db_col_count(struct db_stmt *st);
const char *db_col_name(struct db_stmt *st, int i);
bool db_col_is_null(struct db_stmt *st, int i);
const char *db_col_text(struct db_stmt *st, int i); /* NULL for SQL NULL */
int64_t db_col_int(struct db_stmt *st, int i);
double db_col_double(struct db_stmt *st, int i);
/* The column as JSON: integer, real, string or null. New reference. */
json_t *db_col_json(struct db_stmt *st, int i);
/* The current row as an object keyed by column name. New reference. */
json_t *db_row_json(struct db_stmt *st);

int64_t db_changes(struct db *db); /* rows changed by the last statement */

/*
 * Helpers: prepare (cached), bind by a type string, run. Types, one per parameter $1..$N:
 *   's' const char * (NULL binds NULL)   'i' int   'I' int64_t   'n' NULL (no argument)
 */
struct db_stmt *db_query(struct db *db, struct err *e, const char *sql, const char *types, ...);
/* Runs a statement to completion; returns rows changed or -1. */
int64_t db_execf(struct db *db, struct err *e, const char *sql, const char *types, ...);
/* First column of the first row as integer; *found says if there was a row. -1 on error. */
int db_query_int(struct db *db, struct err *e, int64_t *out, bool *found, const char *sql,
                 const char *types, ...);
/* All rows as a JSON array of objects (new reference), at most max_rows; NULL on error. */
json_t *db_query_json(struct db *db, struct err *e, size_t max_rows, const char *sql,
                      const char *types, ...);

/* Online backup of a SQLite store to a file (the source may be in use). */
int db_backup(struct db *db, const char *out_path, struct err *e);

/* The connection of the calling server thread, opened on first use from db_thread_uri(). */
void db_thread_setup(const char *uri);
struct db *db_thread(struct err *e);
/* Closes every per-thread connection and the group writer connection (committing an open batch);
 * call only after the threads that used them stopped. */
void db_thread_close_all(void);

/* Connection hooks run on every new connection (e.g. registering the search tokenizer).
 * The hook receives the engine's native handle (sqlite3 * for SQLite). */
typedef int (*db_conn_hook)(void *native, enum db_engine engine);
void db_add_conn_hook(db_conn_hook hook);

#endif
