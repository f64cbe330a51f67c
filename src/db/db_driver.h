/*
 * db_driver.h - the back-end table (after Redis' ae_epoll.c and dovecot's sql drivers).
 * Private to src/db/. A driver implements these on its own native handles; db.c adds the
 * statement cache, typed binding helpers and transactions state on top.
 */
#ifndef JW_DB_DRIVER_H
#define JW_DB_DRIVER_H

#include "db/db.h"

struct db_driver {
	const char *name;
	enum db_engine engine;
	void *(*open)(const char *uri, struct err *e);
	void (*close)(void *conn);
	int (*exec)(void *conn, const char *sql, struct err *e);
	void *(*prepare)(void *conn, const char *sql, struct err *e);
	void (*finalize)(void *stmt);
	int (*bind_text)(void *stmt, int n, const char *s, size_t len);
	int (*bind_int)(void *stmt, int n, int64_t v);
	int (*bind_null)(void *stmt, int n);
	int (*step)(void *stmt, struct err *e);
	void (*reset)(void *stmt);
	int (*col_count)(void *stmt);
	const char *(*col_name)(void *stmt, int i);
	int (*col_type)(void *stmt, int i); /* DB_T_* */
	const char *(*col_text)(void *stmt, int i);
	int64_t (*col_int)(void *stmt, int i);
	double (*col_double)(void *stmt, int i);
	int64_t (*changes)(void *conn);
	/* a transaction is open (SQLite rolls one back by itself after some errors) */
	bool (*in_tx)(void *conn);
	int (*backup)(void *conn, const char *out_path, struct err *e);
	const char *begin_write_sql;
};

enum { DB_T_NULL, DB_T_INT, DB_T_REAL, DB_T_TEXT };

extern const struct db_driver db_sqlite_driver;

#endif
