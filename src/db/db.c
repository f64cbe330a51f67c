/*
 * db.c - the engine-independent half of the store: statement cache, typed binding helpers,
 * transactions, migrations and per-thread connections.
 */
#include "db/db.h"
#include "db/db_driver.h"
#include "db/migrations.h"
#include "core/log.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define STMT_CACHE_BUCKETS 256
#define CONN_HOOKS_MAX     8

struct db_stmt {
	struct db *db;
	void *native;
	char *sql; /* copy of the SQL text: the cache key */
	struct db_stmt *next;
};

struct db {
	const struct db_driver *drv;
	void *conn;
	char *uri;
	bool in_tx;
	bool holds_writer; /* this connection holds writer_lock (SQLite write transaction) */
	struct db_stmt *cache[STMT_CACHE_BUCKETS];
};

static db_conn_hook conn_hooks[CONN_HOOKS_MAX];
static int conn_hook_count;

void db_add_conn_hook(db_conn_hook hook)
{
	if (conn_hook_count < CONN_HOOKS_MAX)
		conn_hooks[conn_hook_count++] = hook;
}

static const struct db_driver *driver_for(const char *uri)
{
	if (strncmp(uri, "postgresql://", 13) == 0 || strncmp(uri, "postgres://", 11) == 0)
		return NULL;
	return &db_sqlite_driver;
}

struct db *db_open(const char *uri, struct err *e)
{
	const struct db_driver *drv = driver_for(uri);
	struct db *db;

	if (drv == NULL) {
		err_set(e, ERR_BAD_REQUEST, "此版本尚不支持 PostgreSQL 存储：%s", uri);
		return NULL;
	}
	db = calloc(1, sizeof *db);
	if (db == NULL)
		abort();
	db->drv = drv;
	db->uri = strdup(uri);
	db->conn = drv->open(uri, e);
	if (db->conn == NULL)
		goto fail;
	for (int i = 0; i < conn_hook_count; i++) {
		if (conn_hooks[i](db->conn, drv->engine) != 0) {
			err_internal(e, "connection hook %d failed", i);
			goto fail;
		}
	}
	return db;
fail:
	db_close(db);
	return NULL;
}

void db_close(struct db *db)
{
	if (db == NULL)
		return;
	for (int i = 0; i < STMT_CACHE_BUCKETS; i++) {
		struct db_stmt *st = db->cache[i], *next;
		for (; st; st = next) {
			next = st->next;
			db->drv->finalize(st->native);
			free(st->sql);
			free(st);
		}
	}
	if (db->conn)
		db->drv->close(db->conn);
	free(db->uri);
	free(db);
}

enum db_engine db_engine(const struct db *db)
{
	return db->drv->engine;
}

const char *db_uri(const struct db *db)
{
	return db->uri;
}

int db_exec(struct db *db, const char *sql, struct err *e)
{
	return db->drv->exec(db->conn, sql, e);
}

/* Transaction control through cached statements: parsed once per connection, not per request. */
static int run_cached(struct db *db, const char *sql, struct err *e)
{
	struct db_stmt *st = db_prepare(db, sql, e);
	int rc;

	if (st == NULL)
		return -1;
	rc = db_step(st, e);
	db_reset(st);
	return rc < 0 ? -1 : 0;
}

/*
 * Writers. SQLite has one writer at a time. Threads of this process queue on writer_lock rather
 * than on SQLite's busy handler, which sleeps in growing steps and gave writers a 1 s tail under
 * load; other processes (the CLI, a second server) still meet the busy timeout.
 *
 * Group commit (db_group_begin/db_group_end, db.h): the server's write requests share one
 * transaction on one writer connection, each in a savepoint of its own. A request that is done
 * while other threads queue for writer_lock leaves the transaction open for them and sleeps until
 * a later member commits it; the last one (nobody queued, or DB_GROUP_MAX members) commits for
 * all and wakes them. One fsync thus makes several requests durable, and each is answered only
 * after the commit that holds its work.
 *
 * Invariant: whoever unlocks writer_lock while a batch is open either leaves a queued thread
 * behind (who will join or commit it) or commits it first (writer_unlock). A db_begin() on any
 * other connection commits an open batch before it begins, so no thread ever waits on SQLite's
 * lock held by a batch of this process.
 */
static pthread_mutex_t writer_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t group_done = PTHREAD_COND_INITIALIZER;
static atomic_int writer_queue; /* threads waiting for writer_lock */

/* A request whose work is in the open batch, waiting for its commit (on its stack). */
struct group_member {
	struct group_member *next;
	bool done;
	int rc;
	struct err e;
};

static struct {
	struct db *db;                 /* the writer connection of db_thread_setup()'s store */
	bool open;                     /* its transaction is open */
	int members;                   /* requests whose savepoints ended in it */
	struct group_member *sleeping; /* those waiting for its commit */
} grp;

static void writer_lock_acquire(void)
{
	atomic_fetch_add(&writer_queue, 1);
	pthread_mutex_lock(&writer_lock);
	atomic_fetch_sub(&writer_queue, 1);
}

/* Ends the open batch with outcome rc (e: why it failed) and wakes its members. */
static void group_finish(int rc, const struct err *e)
{
	for (struct group_member *m = grp.sleeping; m; m = m->next) {
		m->done = true;
		m->rc = rc;
		if (rc)
			m->e = *e;
	}
	grp.sleeping = NULL;
	grp.open = false;
	grp.members = 0;
	grp.db->in_tx = false;
	pthread_cond_broadcast(&group_done);
}

/* Commits the open batch (writer_lock held). */
static int group_commit(struct err *e)
{
	int rc;

	if (!grp.open)
		return 0;
	rc = run_cached(grp.db, "COMMIT", e);
	if (rc != 0 && grp.db->drv->in_tx(grp.db->conn)) {
		struct err ignored = ERR_INIT;
		run_cached(grp.db, "ROLLBACK", &ignored);
	}
	group_finish(rc, e);
	return rc;
}

/* SQLite rolls a whole transaction back on some errors (disk full, I/O): the batch is lost. */
static int group_check_alive(struct err *e)
{
	if (grp.db->drv->in_tx(grp.db->conn))
		return 0;
	err_set(e, ERR_UNAVAILABLE, "写入失败（数据库事务已中止），请重试");
	group_finish(-1, e);
	return -1;
}

static void writer_unlock(void)
{
	if (grp.open && atomic_load(&writer_queue) == 0) {
		struct err e = ERR_INIT;
		if (group_commit(&e))
			log_error("group commit failed: %s", e.msg);
	}
	pthread_mutex_unlock(&writer_lock);
}

static void release_writer(struct db *db)
{
	if (db->holds_writer) {
		db->holds_writer = false;
		writer_unlock();
	}
}

int db_begin(struct db *db, struct err *e)
{
	if (db->in_tx)
		return err_internal(e, "nested transaction");
	if (db->drv->engine == DB_SQLITE) {
		struct err batch = ERR_INIT;
		writer_lock_acquire();
		db->holds_writer = true;
		/* the batch's members are told if this fails; our own transaction is unaffected */
		if (grp.open && group_commit(&batch))
			log_error("group commit failed: %s", batch.msg);
	}
	if (run_cached(db, db->drv->begin_write_sql, e) != 0) {
		release_writer(db);
		return -1;
	}
	db->in_tx = true;
	return 0;
}

int db_begin_read(struct db *db, struct err *e)
{
	if (db->in_tx)
		return err_internal(e, "nested transaction");
	if (run_cached(db, "BEGIN", e) != 0)
		return -1;
	db->in_tx = true;
	return 0;
}

int db_commit(struct db *db, struct err *e)
{
	if (!db->in_tx)
		return err_internal(e, "commit outside a transaction");
	if (run_cached(db, "COMMIT", e) != 0) {
		db_rollback(db);
		return -1;
	}
	db->in_tx = false;
	release_writer(db);
	return 0;
}

void db_rollback(struct db *db)
{
	struct err ignored = ERR_INIT;

	if (!db->in_tx)
		return;
	run_cached(db, "ROLLBACK", &ignored);
	db->in_tx = false;
	release_writer(db);
}

static char *thread_uri;

int db_group_begin(struct db **out, struct err *e)
{
	const struct db_driver *drv = thread_uri ? driver_for(thread_uri) : NULL;

	*out = NULL;
	if (drv == NULL || drv->engine != DB_SQLITE) {
		/* no store set up for threads, or an engine that groups commits itself */
		if ((*out = db_thread(e)) == NULL)
			return -1;
		return db_begin(*out, e);
	}
	writer_lock_acquire();
	if (grp.db == NULL && (grp.db = db_open(thread_uri, e)) == NULL)
		goto fail;
	if (!grp.open) {
		if (run_cached(grp.db, grp.db->drv->begin_write_sql, e) != 0)
			goto fail;
		grp.open = true;
	}
	if (run_cached(grp.db, "SAVEPOINT request", e) != 0) {
		group_check_alive(e);
		goto fail;
	}
	grp.db->in_tx = true;
	*out = grp.db;
	return 0;
fail:
	writer_unlock();
	return -1;
}

/* Ends the request's savepoint: its changes stay (keep) or go; 0 or -1 with e. */
static int group_end_savepoint(bool keep, struct err *e)
{
	struct err ignored = ERR_INIT;
	int rc = keep ? run_cached(grp.db, "RELEASE request", e) : 0;

	if (!keep || rc != 0) {
		run_cached(grp.db, "ROLLBACK TO request", &ignored);
		run_cached(grp.db, "RELEASE request", &ignored);
	}
	return rc;
}

int db_group_end(struct db *db, bool keep, struct err *e)
{
	struct group_member me = {.next = NULL, .done = false, .rc = 0, .e = ERR_INIT};
	int rc;

	if (db != grp.db || db == NULL) { /* db_group_begin's fallback: a plain transaction */
		if (keep)
			return db_commit(db, e);
		db_rollback(db);
		return 0;
	}
	db->in_tx = false;
	rc = group_end_savepoint(keep, e);
	if (group_check_alive(rc ? &(struct err)ERR_INIT : e) != 0) {
		if (rc == 0)
			rc = -1;
		goto out;
	}
	grp.members++;
	if (atomic_load(&writer_queue) > 0 && grp.members < DB_GROUP_MAX) {
		/* someone queued joins this batch or commits it: wait for that commit */
		me.next = grp.sleeping;
		grp.sleeping = &me;
		while (!me.done)
			pthread_cond_wait(&group_done, &writer_lock);
		pthread_mutex_unlock(&writer_lock);
		if (me.rc == 0)
			return rc;
		if (rc == 0)
			*e = me.e;
		return -1;
	}
	if (group_commit(rc ? &(struct err)ERR_INIT : e) != 0 && rc == 0)
		rc = -1;
out:
	pthread_mutex_unlock(&writer_lock);
	return rc;
}

bool db_in_tx(const struct db *db)
{
	return db->in_tx;
}

static unsigned sql_hash(const char *s)
{
	unsigned h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

struct db_stmt *db_prepare(struct db *db, const char *sql, struct err *e)
{
	unsigned b = sql_hash(sql) % STMT_CACHE_BUCKETS;
	struct db_stmt *st;

	for (st = db->cache[b]; st; st = st->next)
		if (strcmp(st->sql, sql) == 0)
			return st;
	st = calloc(1, sizeof *st);
	if (st == NULL)
		abort();
	st->native = db->drv->prepare(db->conn, sql, e);
	if (st->native == NULL) {
		free(st);
		return NULL;
	}
	st->db = db;
	st->sql = strdup(sql); /* callers may pass built strings too */
	st->next = db->cache[b];
	db->cache[b] = st;
	return st;
}

int db_bind_text(struct db_stmt *st, int n, const char *s)
{
	if (s == NULL)
		return db_bind_null(st, n);
	return st->db->drv->bind_text(st->native, n, s, strlen(s));
}

int db_bind_textn(struct db_stmt *st, int n, const char *s, size_t len)
{
	return st->db->drv->bind_text(st->native, n, s, len);
}

int db_bind_int(struct db_stmt *st, int n, int64_t v)
{
	return st->db->drv->bind_int(st->native, n, v);
}

int db_bind_null(struct db_stmt *st, int n)
{
	return st->db->drv->bind_null(st->native, n);
}

int db_step(struct db_stmt *st, struct err *e)
{
	return st->db->drv->step(st->native, e);
}

void db_reset(struct db_stmt *st)
{
	if (st)
		st->db->drv->reset(st->native);
}

int db_col_count(struct db_stmt *st)
{
	return st->db->drv->col_count(st->native);
}

const char *db_col_name(struct db_stmt *st, int i)
{
	return st->db->drv->col_name(st->native, i);
}

bool db_col_is_null(struct db_stmt *st, int i)
{
	return st->db->drv->col_type(st->native, i) == DB_T_NULL;
}

const char *db_col_text(struct db_stmt *st, int i)
{
	return st->db->drv->col_text(st->native, i);
}

int64_t db_col_int(struct db_stmt *st, int i)
{
	return st->db->drv->col_int(st->native, i);
}

double db_col_double(struct db_stmt *st, int i)
{
	return st->db->drv->col_double(st->native, i);
}

json_t *db_col_json(struct db_stmt *st, int i)
{
	switch (st->db->drv->col_type(st->native, i)) {
	case DB_T_INT:
		return json_integer(db_col_int(st, i));
	case DB_T_REAL:
		return json_real(db_col_double(st, i));
	case DB_T_TEXT:
		return json_string(db_col_text(st, i));
	default:
		return json_null();
	}
}

json_t *db_row_json(struct db_stmt *st)
{
	json_t *o = json_object();
	int n = db_col_count(st);

	for (int i = 0; i < n; i++)
		json_object_set_new(o, db_col_name(st, i), db_col_json(st, i));
	return o;
}

int64_t db_changes(struct db *db)
{
	return db->drv->changes(db->conn);
}

static int bind_va(struct db_stmt *st, const char *types, va_list ap)
{
	int rc = 0;

	for (int n = 1; types && types[n - 1] && rc == 0; n++) {
		switch (types[n - 1]) {
		case 's':
			rc = db_bind_text(st, n, va_arg(ap, const char *));
			break;
		case 'i':
			rc = db_bind_int(st, n, va_arg(ap, int));
			break;
		case 'I':
			rc = db_bind_int(st, n, va_arg(ap, int64_t));
			break;
		case 'n':
			rc = db_bind_null(st, n);
			break;
		default:
			rc = -1;
		}
	}
	return rc;
}

static struct db_stmt *query_va(struct db *db, struct err *e, const char *sql, const char *types,
                                va_list ap)
{
	struct db_stmt *st = db_prepare(db, sql, e);

	if (st == NULL)
		return NULL;
	if (bind_va(st, types, ap) != 0) {
		db_reset(st);
		err_internal(e, "bind failed for: %.80s", sql);
		return NULL;
	}
	return st;
}

struct db_stmt *db_query(struct db *db, struct err *e, const char *sql, const char *types, ...)
{
	struct db_stmt *st;
	va_list ap;

	va_start(ap, types);
	st = query_va(db, e, sql, types, ap);
	va_end(ap);
	return st;
}

int64_t db_execf(struct db *db, struct err *e, const char *sql, const char *types, ...)
{
	struct db_stmt *st;
	va_list ap;
	int rc;

	va_start(ap, types);
	st = query_va(db, e, sql, types, ap);
	va_end(ap);
	if (st == NULL)
		return -1;
	while ((rc = db_step(st, e)) == DB_ROW)
		;
	db_reset(st);
	return rc < 0 ? -1 : db_changes(db);
}

int db_query_int(struct db *db, struct err *e, int64_t *out, bool *found, const char *sql,
                 const char *types, ...)
{
	struct db_stmt *st;
	va_list ap;
	int rc;

	va_start(ap, types);
	st = query_va(db, e, sql, types, ap);
	va_end(ap);
	if (st == NULL)
		return -1;
	rc = db_step(st, e);
	if (found)
		*found = rc == DB_ROW;
	if (rc == DB_ROW)
		*out = db_col_int(st, 0);
	db_reset(st);
	return rc < 0 ? -1 : 0;
}

json_t *db_query_json(struct db *db, struct err *e, size_t max_rows, const char *sql,
                      const char *types, ...)
{
	struct db_stmt *st;
	json_t *rows;
	va_list ap;
	int rc;

	va_start(ap, types);
	st = query_va(db, e, sql, types, ap);
	va_end(ap);
	if (st == NULL)
		return NULL;
	rows = json_array();
	while (json_array_size(rows) < max_rows && (rc = db_step(st, e)) == DB_ROW)
		json_array_append_new(rows, db_row_json(st));
	db_reset(st);
	if (rc < 0) {
		json_decref(rows);
		return NULL;
	}
	return rows;
}

int db_backup(struct db *db, const char *out_path, struct err *e)
{
	if (db->drv->backup == NULL)
		return err_set(e, ERR_BAD_REQUEST, "此存储不支持在线备份，请使用数据库自带工具");
	return db->drv->backup(db->conn, out_path, e);
}

/* Migrations */

int db_schema_version(struct db *db, struct err *e)
{
	int64_t v = 0;
	bool found;

	if (db_exec(db, "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)", e))
		return -1;
	if (db_query_int(db, e, &v, &found, "SELECT max(version) FROM schema_version", NULL))
		return -1;
	return (int)v;
}

int db_migrate(struct db *db, struct err *e)
{
	int have = db_schema_version(db, e);
	int newest = db_migration_count ? db_migrations[db_migration_count - 1].version : 0;

	if (have < 0)
		return -1;
	if (have > newest)
		return err_set(e, ERR_CONFLICT,
		               "数据库结构版本 %d 比本程序支持的版本 %d 新，请升级 jianwu 后再打开",
		               have, newest);
	for (int i = 0; i < db_migration_count; i++) {
		const struct migration *m = &db_migrations[i];
		if (m->version <= have)
			continue;
		if (db_begin(db, e))
			return -1;
		if (db_exec(db, m->sql, e) ||
		    db_execf(db, e, "INSERT INTO schema_version (version) VALUES ($1)", "i",
		             m->version) < 0) {
			db_rollback(db);
			log_error("migration %s failed: %s", m->name, e->msg);
			return -1;
		}
		if (db_commit(db, e))
			return -1;
		log_info("applied migration %s", m->name);
	}
	return 0;
}

/* Per-thread connections */

static _Thread_local struct db *thread_db;
static pthread_mutex_t thread_dbs_lock = PTHREAD_MUTEX_INITIALIZER;
static struct db *thread_dbs[64]; /* every connection db_thread() opened, for shutdown */
static int thread_db_count;

void db_thread_setup(const char *uri)
{
	free(thread_uri);
	thread_uri = strdup(uri);
}

struct db *db_thread(struct err *e)
{
	if (thread_db == NULL && thread_uri) {
		thread_db = db_open(thread_uri, e);
		if (thread_db == NULL)
			return NULL;
		pthread_mutex_lock(&thread_dbs_lock);
		if (thread_db_count < (int)(sizeof thread_dbs / sizeof thread_dbs[0]))
			thread_dbs[thread_db_count++] = thread_db;
		pthread_mutex_unlock(&thread_dbs_lock);
	}
	return thread_db;
}

void db_thread_close_all(void)
{
	pthread_mutex_lock(&thread_dbs_lock);
	for (int i = 0; i < thread_db_count; i++)
		db_close(thread_dbs[i]);
	thread_db_count = 0;
	pthread_mutex_unlock(&thread_dbs_lock);
	thread_db = NULL;
	pthread_mutex_lock(&writer_lock);
	if (grp.open) {
		struct err e = ERR_INIT;
		if (group_commit(&e))
			log_error("group commit at shutdown failed: %s", e.msg);
	}
	db_close(grp.db);
	grp.db = NULL;
	pthread_mutex_unlock(&writer_lock);
}
