/*
 * search_kinds.c - the searchable kinds of the modules present (one search_register_kind() call
 * each) and the index hooks those modules left (library_set_index_hook, library_set_batch_hook,
 * docs_set_index_hook). A module added later registers its own kind the same way.
 *
 *   library   法规资料  every business user of the org (the library is reference material)
 *   incoming  收文      office and leaders; others by their acl rows, the archivist also what
 *                       is ready for archiving (docs/acl.h)
 *   outgoing  发文      the same
 */
#include "search/search.h"
#include "core/buf.h"
#include "core/log.h"
#include "docs/acl.h"
#include "docs/docs.h"
#include "library/library.h"

#include <pthread.h>

static const struct search_kind library_kind = {
    .name = "library",
    .label = "法规资料",
    .see_all_roles = ROLES_BUSINESS,
    .visible_sql = NULL,
    .url = "/library/{id}",
    .load_sql = "SELECT org_id, title, '', coalesce(issuer, ''), body, '', doc_date, type, '',"
                " NULL, external_id FROM library_doc WHERE id = $1",
    .ids_sql = "SELECT id FROM library_doc ORDER BY id",
};

/* The opinions of every step (收文处理单, 发文稿纸), oldest first, one a line; for a 收文 also the
 * readers' 传阅 comments. The 文种 is stored by its Chinese name (通知), as the library stores its
 * 类别. */
#define OPINIONS_OF(kind, id_expr, more)                                                           \
	"coalesce((SELECT group_concat(t, char(10)) FROM (SELECT opinion AS t, created_at AS at,"  \
	" id FROM doc_opinion WHERE kind = '" kind "' AND doc_id = " id_expr                       \
	" AND opinion <> ''" more " ORDER BY at, id)), '')"
#define CIRCULATION_COMMENTS(id_expr)                                                              \
	" UNION ALL SELECT comment, read_at, id FROM circulation WHERE doc_id = " id_expr          \
	" AND comment <> ''"

static char incoming_load[4096], outgoing_load[4096];

static struct search_kind incoming_kind = {
    .name = DOC_KIND_INCOMING,
    .label = "收文",
    .see_all_roles = ACL_ROLES_SEE_ALL,
    .visible_sql = ACL_DOC_SEARCH_VISIBLE("incoming", "incoming_doc", ACL_INCOMING_ARCHIVABLE),
    .url = "/incoming/{id}",
    .ids_sql = "SELECT id FROM incoming_doc ORDER BY id",
};

static struct search_kind outgoing_kind = {
    .name = DOC_KIND_OUTGOING,
    .label = "发文",
    .see_all_roles = ACL_ROLES_SEE_ALL,
    .visible_sql = ACL_DOC_SEARCH_VISIBLE("outgoing", "outgoing_doc", ACL_OUTGOING_ARCHIVABLE),
    .url = "/outgoing/{id}",
    .ids_sql = "SELECT id FROM outgoing_doc ORDER BY id",
};

/* "CASE d.doc_type WHEN 'notice' THEN '通知' … ELSE d.doc_type END" */
static void doc_type_case(struct buf *b)
{
	int i;

	buf_adds(b, "CASE d.doc_type");
	for (i = 0; i < DOC_TYPE_COUNT; i++)
		buf_addf(b, " WHEN '%s' THEN '%s'", doc_types[i].code, doc_types[i].name);
	buf_adds(b, " ELSE d.doc_type END");
}

static void build_load_sql(void)
{
	struct buf b = BUF_INIT;

	buf_adds(&b, "SELECT d.org_id, d.title, trim(d.number || ' ' || d.from_number), d.from_org,"
	             " d.body, " OPINIONS_OF("incoming", "d.id",
	                                     CIRCULATION_COMMENTS("d.id")) ", d.received_date, ");
	doc_type_case(&b);
	buf_adds(&b, ", d.secrecy, d.main_dept_id, NULL FROM incoming_doc d WHERE d.id = $1");
	snprintf(incoming_load, sizeof incoming_load, "%s", b.data);
	buf_reset(&b);
	buf_adds(&b, "SELECT d.org_id, d.title, coalesce(d.number, ''),"
	             " trim(d.main_to || ' ' || d.copy_to), d.body, " OPINIONS_OF(
	                 "outgoing", "d.id", "") ", coalesce(d.sign_date, d.printed_date,"
	                                         " date(d.created_at, 'unixepoch', '+8 hours')), ");
	doc_type_case(&b);
	buf_adds(&b, ", d.secrecy, d.dept_id, NULL FROM outgoing_doc d WHERE d.id = $1");
	snprintf(outgoing_load, sizeof outgoing_load, "%s", b.data);
	buf_free(&b);
	incoming_kind.load_sql = incoming_load;
	outgoing_kind.load_sql = outgoing_load;
}

static int docs_hook(struct db *db, const char *kind, int64_t id, struct err *e)
{
	return search_index_refresh(db, kind, id, e);
}

static int library_hook(struct db *db, int64_t id, struct err *e)
{
	return search_index_refresh(db, library_kind.name, id, e);
}

/* The import's batches: FTS5 entries written in rowid order at the end of each (search.h). */
static int library_batch(struct db *db, bool begin, struct err *e)
{
	if (begin) {
		search_bulk_begin(db);
		return 0;
	}
	return search_bulk_end(db, e);
}

static pthread_once_t init_once = PTHREAD_ONCE_INIT;

static void init_kinds(void)
{
	build_load_sql();
	search_register_kind(&library_kind);
	search_register_kind(&incoming_kind);
	search_register_kind(&outgoing_kind);
	library_set_index_hook(library_hook);
	library_set_batch_hook(library_batch);
	docs_set_index_hook(docs_hook);
}

void search_init(void)
{
	pthread_once(&init_once, init_kinds);
}
