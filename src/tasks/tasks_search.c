/*
 * tasks_search.c - 督办 items in the search index (src/search/search.h): kind "task".
 *
 *   title     the item's title            number    its 编号 (none before 立项)
 *   parties   lead department and responsible person
 *   body      content and the sub-tasks' own content
 *   opinions  progress reports (进展记录) and 办结报告, oldest first
 *   date      交办日期; doc_type its 来源 as shown; department its 牵头部门
 * Need-to-know: office and leader roles see every item of their org, others the items they have an
 * acl row for (docs/acl.h) - the same rule as the item pages.
 *
 * Every write of the rules (task_create, task_act, task_report_add, the approval listener) calls
 * task_index in its transaction, so the index commits or rolls back with the write. The kind is
 * registered by the module's start; `jianwu demo` runs without it, and tasks_search_start (at the
 * next start) indexes every item the index lacks - also the items of a store filled before this
 * kind existed.
 */
#include "tasks/tasks_private.h"
#include "core/buf.h"
#include "core/log.h"
#include "docs/acl.h"
#include "search/search.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#define INDEX_TEXT_CHARS "1000000" /* characters of one indexed field (under SEARCH_TEXT_MAX) */

static char load_sql[2048];

static struct search_kind task_kind = {
    .name = TASK_KIND,
    .label = "督办事项",
    .see_all_roles = ACL_ROLES_SEE_ALL,
    .visible_sql = "s.object_id IN (SELECT a.object_id FROM acl a WHERE a.user_id = $1"
                   " AND a.kind = 'task')",
    .url = "/tasks/{id}",
    .ids_sql = "SELECT id FROM task ORDER BY id",
};

/* The 来源 by its Chinese name, from the module's tables. SQLite's date(): search is SQLite-only
 * (search.h). */
static void build_load_sql(void)
{
	struct buf b = BUF_INIT;

	buf_adds(&b,
	         "SELECT t.org_id, t.title, coalesce(t.number, ''),"
	         " coalesce((SELECT d.name FROM department d WHERE d.id = t.lead_dept_id), '')"
	         " || ' ' || coalesce((SELECT u.name FROM app_user u"
	         " WHERE u.id = t.responsible_id), ''),"
	         " substr(t.content || coalesce(char(10) || (SELECT group_concat(p.content,"
	         " char(10)) FROM task_part p WHERE p.task_id = t.id AND p.content <> t.content),"
	         " ''), 1, " INDEX_TEXT_CHARS "),"
	         " substr(coalesce((SELECT group_concat(x, char(10)) FROM (SELECT r.content AS x"
	         " FROM task_report r WHERE r.task_id = t.id UNION ALL SELECT v.opinion"
	         " FROM task_event v WHERE v.task_id = t.id AND v.action = 'report_done')), ''),"
	         " 1, " INDEX_TEXT_CHARS "),"
	         " date(t.assigned_date * 86400, 'unixepoch'), CASE t.source");
	for (int i = 0; i < SRC_COUNT; i++)
		buf_addf(&b, " WHEN '%s' THEN '%s'", task_source_codes[i], task_source_names[i]);
	buf_adds(&b, " ELSE t.source END, '', t.lead_dept_id, NULL FROM task t WHERE t.id = $1");
	snprintf(load_sql, sizeof load_sql, "%s", b.data);
	buf_free(&b);
	task_kind.load_sql = load_sql;
}

static pthread_once_t once = PTHREAD_ONCE_INIT;

static void register_kind(void)
{
	build_load_sql();
	search_init(); /* the built-in kinds first, so that ours keeps its place after them */
	if (search_register_kind(&task_kind))
		log_error("督办: the search kind could not be registered");
}

void tasks_search_register(void)
{
	pthread_once(&once, register_kind);
}

int task_index(struct db *db, int64_t id, struct err *e)
{
	if (search_kind_find(TASK_KIND) != &task_kind)
		return 0;
	return search_index_refresh(db, TASK_KIND, id, e);
}

/* The items not in the index yet, oldest first; *n of them in *ids (caller frees). */
static int missing(struct db *db, int64_t **ids, size_t *n, struct err *e)
{
	struct db_stmt *st = db_query(db, e,
	                              "SELECT t.id FROM task t WHERE NOT EXISTS (SELECT 1"
	                              " FROM search_doc s WHERE s.kind = 'task'"
	                              " AND s.object_id = t.id) ORDER BY t.id",
	                              "");
	size_t cap = 0;
	int rc;

	*ids = NULL;
	*n = 0;
	if (st == NULL)
		return -1;
	while ((rc = db_step(st, e)) == DB_ROW) {
		if (*n == cap) {
			int64_t *g = realloc(*ids, (cap = cap ? 2 * cap : 256) * sizeof **ids);
			if (g == NULL) {
				rc = err_internal(e, "out of memory");
				break;
			}
			*ids = g;
		}
		(*ids)[(*n)++] = db_col_int(st, 0);
	}
	db_reset(st);
	return rc < 0 ? -1 : 0;
}

int tasks_search_start(const char *db_uri, struct err *e)
{
	struct db *db;
	int64_t *ids = NULL;
	size_t n = 0;
	int rc = -1;

	tasks_search_register();
	if ((db = db_open(db_uri, e)) == NULL)
		return -1;
	if (missing(db, &ids, &n, e))
		goto out;
	if (n == 0) {
		rc = 0;
		goto out;
	}
	if (db_begin(db, e))
		goto out;
	search_bulk_begin(db);
	for (size_t i = 0; i < n; i++)
		if (search_index_refresh(db, TASK_KIND, ids[i], e))
			goto fail;
	if (search_bulk_end(db, e) || db_commit(db, e))
		goto fail;
	log_info("督办: indexed %zu items for search", n);
	rc = 0;
	goto out;
fail:
	search_bulk_begin(NULL);
	db_rollback(db);
out:
	free(ids);
	db_close(db);
	return rc;
}
