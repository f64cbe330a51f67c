/*
 * db_sqlite.c - the SQLite back end: WAL, foreign keys, busy timeout, synchronous=FULL (an
 * acknowledged write survives a power cut), $N placeholders bound by name.
 */
#include "db/db_driver.h"
#include "core/buf.h"
#include "core/log.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#define SQLITE_BUSY_TIMEOUT_MS 10000
#define SQLITE_PARAM_NAME_MAX  16

static int fail(sqlite3 *h, struct err *e, const char *what)
{
	int code = sqlite3_extended_errcode(h);

	if (code == SQLITE_CONSTRAINT_UNIQUE || code == SQLITE_CONSTRAINT_PRIMARYKEY)
		return err_set(e, ERR_CONFLICT, "记录已存在（唯一性冲突）");
	if (code == SQLITE_CONSTRAINT_FOREIGNKEY)
		return err_set(e, ERR_VALIDATION, "引用的记录不存在或仍被引用");
	if ((code & 0xff) == SQLITE_BUSY)
		return err_set(e, ERR_UNAVAILABLE, "系统繁忙，请稍后重试");
	return err_internal(e, "sqlite %s: %s (%d)", what, sqlite3_errmsg(h), code);
}

/*
 * Process-wide settings, before SQLite initialises (the first open). Memory statistics off: with
 * them on, every sqlite3_malloc/free takes one global mutex, which all server threads contended
 * for (about 26k instructions of a 160k GET /api/v1/me, callgrind). We never read the statistics.
 */
static pthread_once_t sq_config_once = PTHREAD_ONCE_INIT;

static void sq_config(void)
{
	if (sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0) != SQLITE_OK)
		log_warn("sqlite: memory statistics stay on (SQLite was initialised before)");
}

static void *sq_open(const char *uri, struct err *e)
{
	sqlite3 *h = NULL;
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
	char *msg = NULL;

	pthread_once(&sq_config_once, sq_config);
	if (sqlite3_open_v2(uri, &h, flags, NULL) != SQLITE_OK) {
		err_set(e, ERR_INTERNAL, "无法打开数据库 %s：%s", uri, h ? sqlite3_errmsg(h) : "");
		sqlite3_close(h);
		return NULL;
	}
	sqlite3_busy_timeout(h, SQLITE_BUSY_TIMEOUT_MS);
	sqlite3_extended_result_codes(h, 1);
	if (sqlite3_exec(h,
	                 "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; PRAGMA synchronous=FULL;"
	                 "PRAGMA temp_store=MEMORY; PRAGMA cache_size=-8000;",
	                 NULL, NULL, &msg) != SQLITE_OK) {
		err_set(e, ERR_INTERNAL, "无法初始化数据库 %s：%s", uri, msg ? msg : "");
		sqlite3_free(msg);
		sqlite3_close(h);
		return NULL;
	}
	return h;
}

static void sq_close(void *conn)
{
	sqlite3_close_v2(conn);
}

static int sq_exec(void *conn, const char *sql, struct err *e)
{
	char *msg = NULL;

	if (sqlite3_exec(conn, sql, NULL, NULL, &msg) != SQLITE_OK) {
		int rc = fail(conn, e, msg ? msg : "exec");
		sqlite3_free(msg);
		return rc;
	}
	return 0;
}

static void *sq_prepare(void *conn, const char *sql, struct err *e)
{
	sqlite3_stmt *st = NULL;

	if (sqlite3_prepare_v3(conn, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK) {
		fail(conn, e, "prepare");
		log_error("while preparing: %.200s", sql);
		return NULL;
	}
	return st;
}

static void sq_finalize(void *st)
{
	sqlite3_finalize(st);
}

/* $N is a named parameter in SQLite; its index is where it first appears, not N. The name is
 * built by hand: every bind of every request comes here (snprintf was a tenth of a write). */
static int param_index(sqlite3_stmt *st, int n)
{
	char name[SQLITE_PARAM_NAME_MAX];

	if (n <= 0)
		return 0;
	name[0] = '$';
	name[1 + dec_u64(name + 1, (uint64_t)n)] = '\0';
	return sqlite3_bind_parameter_index(st, name);
}

static int sq_bind_text(void *st, int n, const char *s, size_t len)
{
	int i = param_index(st, n);
	return i && sqlite3_bind_text(st, i, s, (int)len, SQLITE_TRANSIENT) == SQLITE_OK ? 0 : -1;
}

static int sq_bind_int(void *st, int n, int64_t v)
{
	int i = param_index(st, n);
	return i && sqlite3_bind_int64(st, i, v) == SQLITE_OK ? 0 : -1;
}

static int sq_bind_null(void *st, int n)
{
	int i = param_index(st, n);
	return i && sqlite3_bind_null(st, i) == SQLITE_OK ? 0 : -1;
}

static int sq_step(void *st, struct err *e)
{
	int rc = sqlite3_step(st);

	if (rc == SQLITE_ROW)
		return DB_ROW;
	if (rc == SQLITE_DONE)
		return DB_DONE;
	return fail(sqlite3_db_handle(st), e, "step");
}

static void sq_reset(void *st)
{
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
}

static int sq_col_count(void *st)
{
	return sqlite3_column_count(st);
}

static const char *sq_col_name(void *st, int i)
{
	return sqlite3_column_name(st, i);
}

static int sq_col_type(void *st, int i)
{
	switch (sqlite3_column_type(st, i)) {
	case SQLITE_INTEGER:
		return DB_T_INT;
	case SQLITE_FLOAT:
		return DB_T_REAL;
	case SQLITE_NULL:
		return DB_T_NULL;
	default:
		return DB_T_TEXT;
	}
}

static const char *sq_col_text(void *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

static int64_t sq_col_int(void *st, int i)
{
	return sqlite3_column_int64(st, i);
}

static double sq_col_double(void *st, int i)
{
	return sqlite3_column_double(st, i);
}

static int64_t sq_changes(void *conn)
{
	return sqlite3_changes64(conn);
}

static bool sq_in_tx(void *conn)
{
	return sqlite3_get_autocommit(conn) == 0;
}

static int sq_backup(void *conn, const char *out_path, struct err *e)
{
	sqlite3 *dst = NULL;
	sqlite3_backup *bk;
	int rc;

	if (sqlite3_open_v2(out_path, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL)) {
		err_set(e, ERR_BAD_REQUEST, "无法创建备份文件 %s", out_path);
		sqlite3_close(dst);
		return -1;
	}
	bk = sqlite3_backup_init(dst, "main", conn, "main");
	if (bk == NULL) {
		rc = fail(dst, e, "backup");
		sqlite3_close(dst);
		return rc;
	}
	/* Copy in steps so a running server's writers are only briefly held up. */
	do {
		rc = sqlite3_backup_step(bk, 256);
		if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
			sqlite3_sleep(20);
	} while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
	sqlite3_backup_finish(bk);
	if (rc != SQLITE_DONE) {
		err_set(e, ERR_INTERNAL, "备份失败：%s", sqlite3_errstr(rc));
		sqlite3_close(dst);
		return -1;
	}
	rc = sqlite3_exec(dst, "PRAGMA journal_mode=DELETE", NULL, NULL, NULL);
	sqlite3_close(dst);
	return rc == SQLITE_OK ? 0 : err_set(e, ERR_INTERNAL, "备份文件收尾失败");
}

const struct db_driver db_sqlite_driver = {
    .name = "sqlite",
    .engine = DB_SQLITE,
    .open = sq_open,
    .close = sq_close,
    .exec = sq_exec,
    .prepare = sq_prepare,
    .finalize = sq_finalize,
    .bind_text = sq_bind_text,
    .bind_int = sq_bind_int,
    .bind_null = sq_bind_null,
    .step = sq_step,
    .reset = sq_reset,
    .col_count = sq_col_count,
    .col_name = sq_col_name,
    .col_type = sq_col_type,
    .col_text = sq_col_text,
    .col_int = sq_col_int,
    .col_double = sq_col_double,
    .changes = sq_changes,
    .in_tx = sq_in_tx,
    .backup = sq_backup,
    .begin_write_sql = "BEGIN IMMEDIATE",
};
