/*
 * fts_cjk_ext.c - entry point of build/fts5_cjk.so, so that the sqlite3 shell can open a Jianwu
 * database whose FTS5 tables use tokenize='cjk':
 *
 *     sqlite3 var/jianwu.db
 *     sqlite> .load build/fts5_cjk.so
 *     sqlite> SELECT count(*) FROM search_fts WHERE search_fts MATCH '"检察"';
 *
 * Built by mk/search.mk (target ext) together with fts_cjk.c compiled with -DFTS_CJK_EXTENSION.
 * In libjianwu.a this object is never referenced, so the server never links it in.
 */
#include "search/fts_cjk.h"

#include <sqlite3ext.h>
SQLITE_EXTENSION_INIT1

/* The shell derives "sqlite3_ftscjk_init" from the file name and falls back to this name. */
int sqlite3_extension_init(sqlite3 *db, char **errmsg, const sqlite3_api_routines *api);

int sqlite3_extension_init(sqlite3 *db, char **errmsg, const sqlite3_api_routines *api)
{
	SQLITE_EXTENSION_INIT2(api);
	if (fts_cjk_register(db) < 0) {
		*errmsg =
		    sqlite3_mprintf("fts5_cjk: cannot register the cjk tokenizer "
		                    "(is FTS5 built in, is /usr/share/opencc/t2s.json there?)");
		return SQLITE_ERROR;
	}
	return SQLITE_OK;
}
