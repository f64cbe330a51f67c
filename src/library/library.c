/*
 * library.c - 法规资料库 rows and their JSON-lines import (rules in library.h; no HTTP).
 */
#include "library/library.h"
#include "audit/audit.h"
#include "core/jsonv.h"
#include "core/log.h"
#include "core/timeutil.h"
#include "core/utf8.h"
#include "org/org.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static library_index_fn index_hook;

void library_set_index_hook(library_index_fn fn)
{
	index_hook = fn;
}

int library_indexed(struct db *db, int64_t id, struct err *e)
{
	return index_hook ? index_hook(db, id, e) : 0;
}

static library_batch_fn batch_hook;

void library_set_batch_hook(library_batch_fn fn)
{
	batch_hook = fn;
}

static int batch_hooked(struct db *db, bool begin, struct err *e)
{
	return batch_hook ? batch_hook(db, begin, e) : 0;
}

/* An optional string that may be null: absent or null leaves *out NULL. */
static int opt_string(json_t *obj, const char *key, const char *label, size_t max, const char **out,
                      struct err *e)
{
	bool present;

	*out = NULL;
	return jv_string_or_null(obj, key, label, max, out, &present, e);
}

int library_doc_from_json(json_t *obj, struct library_doc *d, struct err *e)
{
	int days;
	bool abolished = false;

	memset(d, 0, sizeof *d);
	d->type = "";
	if (!json_is_object(obj))
		return err_set(e, ERR_VALIDATION, "每行须为一个 JSON 对象");
	if (jv_string(obj, "id", "编号（id）", true, LIBRARY_EXTERNAL_ID_MAX, &d->external_id, e) ||
	    jv_string(obj, "title", "标题", true, LIBRARY_TITLE_MAX, &d->title, e) ||
	    jv_string(obj, "body", "正文", true, LIBRARY_BODY_MAX, &d->body, e) ||
	    opt_string(obj, "issuer", "发布机关", LIBRARY_ISSUER_MAX, &d->issuer, e) ||
	    opt_string(obj, "date", "日期", DATE_STR_MAX - 1, &d->doc_date, e) ||
	    opt_string(obj, "type", "类别", LIBRARY_TYPE_MAX, &d->type, e) ||
	    opt_string(obj, "category", "分类", LIBRARY_CATEGORY_MAX, &d->category, e) ||
	    opt_string(obj, "jurisdiction", "法域", LIBRARY_SHORT_MAX, &d->jurisdiction, e) ||
	    opt_string(obj, "script", "文字", LIBRARY_SHORT_MAX, &d->script, e))
		return -1;
	if (json_is_boolean(json_object_get(obj, "abolished")) &&
	    jv_bool(obj, "abolished", "废止标记", false, &abolished, e))
		return -1;
	d->abolished = abolished ? 1 : 0;
	if (d->type == NULL)
		d->type = "";
	if (d->doc_date && date_parse(d->doc_date, &days) != 0)
		return err_field(e, ERR_VALIDATION, "date", "日期应为有效的 YYYY-MM-DD：%.20s",
		                 d->doc_date);
	return 0;
}

int library_upsert(struct db *db, int64_t org_id, const struct library_doc *d, int64_t *id,
                   bool *inserted, struct err *e)
{
	int64_t now = time_now();
	struct db_stmt *st;
	int rc;

	*id = 0;
	*inserted = false;
	/* An unchanged row is left alone (no version bump, no re-indexing): re-import is
	 * idempotent. */
	st = db_query(
	    db, e,
	    "INSERT INTO library_doc (org_id, external_id, title, issuer, doc_date, type, category,"
	    " jurisdiction, script, abolished, body, created_at, updated_at)"
	    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12)"
	    " ON CONFLICT (org_id, external_id) DO UPDATE SET title = excluded.title,"
	    " issuer = excluded.issuer, doc_date = excluded.doc_date, type = excluded.type,"
	    " category = excluded.category, jurisdiction = excluded.jurisdiction,"
	    " script = excluded.script, abolished = excluded.abolished, body = excluded.body,"
	    " version = library_doc.version + 1, updated_at = excluded.updated_at"
	    " WHERE library_doc.title IS DISTINCT FROM excluded.title"
	    " OR library_doc.issuer IS DISTINCT FROM excluded.issuer"
	    " OR library_doc.doc_date IS DISTINCT FROM excluded.doc_date"
	    " OR library_doc.type IS DISTINCT FROM excluded.type"
	    " OR library_doc.category IS DISTINCT FROM excluded.category"
	    " OR library_doc.jurisdiction IS DISTINCT FROM excluded.jurisdiction"
	    " OR library_doc.script IS DISTINCT FROM excluded.script"
	    " OR library_doc.abolished IS DISTINCT FROM excluded.abolished"
	    " OR library_doc.body IS DISTINCT FROM excluded.body"
	    " RETURNING id, version",
	    "IssssssssisI", org_id, d->external_id, d->title, d->issuer, d->doc_date, d->type,
	    d->category, d->jurisdiction, d->script, d->abolished, d->body, now);
	if (st == NULL)
		return -1;
	rc = db_step(st, e);
	if (rc == DB_ROW) {
		*id = db_col_int(st, 0);
		*inserted = db_col_int(st, 1) == 1;
	}
	db_reset(st);
	if (rc < 0)
		return -1;
	if (rc == DB_ROW)
		return library_indexed(db, *id, e);
	return 0; /* unchanged: *id stays 0 */
}

/*
 * Import. Parsing JSON is most of the work (jansson reads about 50 MB/s on one core), so lines
 * are read in batches and each batch is parsed by worker threads while the previous batch is
 * written: the writer stays in this thread, in input order, in one transaction per batch.
 */

enum line_state { LINE_OK, LINE_BLANK, LINE_LONG };

struct pline {
	char *text; /* owned */
	size_t len;
	int64_t no;
	enum line_state state;
	json_t *obj; /* owned; d borrows from it */
	struct library_doc d;
	struct err why; /* set when the line is refused */
};

struct pbatch {
	struct pline *v;
	size_t n;
	uint64_t bytes;
};

struct worker {
	pthread_t tid;
	struct pbatch *b;
	size_t start, step;
};

struct importer {
	struct db *db;
	int64_t org_id;
	FILE *in, *progress, *bad_out;
	struct library_import_result *res;
	char *linebuf; /* LIBRARY_LINE_MAX + 2 bytes */
	long total;    /* input size if known, else 0 */
	uint64_t done; /* input bytes written or refused */
	int nworkers;
	struct worker workers[LIBRARY_IMPORT_THREADS];
};

/* Reads one line into buf (at most LIBRARY_LINE_MAX bytes). 1 = a line, 0 = end of input,
 * 2 = a line that was too long (its rest is skipped). */
static int read_line(FILE *in, char *buf, size_t cap, size_t *len)
{
	int c;

	if (fgets(buf, (int)cap, in) == NULL)
		return 0;
	*len = strlen(buf);
	if (*len > 0 && buf[*len - 1] == '\n') {
		buf[--*len] = '\0';
		if (*len > 0 && buf[*len - 1] == '\r')
			buf[--*len] = '\0';
		return 1;
	}
	if (feof(in))
		return 1;
	while ((c = getc(in)) != EOF && c != '\n')
		;
	return 2;
}

/* Reads up to LIBRARY_IMPORT_BATCH lines or LIBRARY_BATCH_BYTES bytes. */
static void read_batch(struct importer *im, struct pbatch *b)
{
	size_t len;
	int kind;

	b->n = 0;
	b->bytes = 0;
	while (b->n < LIBRARY_IMPORT_BATCH && b->bytes < LIBRARY_BATCH_BYTES &&
	       (kind = read_line(im->in, im->linebuf, LIBRARY_LINE_MAX + 2, &len)) != 0) {
		struct pline *l = &b->v[b->n++];
		char *text = im->linebuf;
		memset(l, 0, sizeof *l);
		l->no = ++im->res->lines;
		if (l->no == 1 && len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
			text += 3, len -= 3; /* UTF-8 byte order mark */
		b->bytes += len + 1;
		if (kind == 2) {
			l->state = LINE_LONG;
			continue;
		}
		if (strspn(text, " \t") == len) {
			l->state = LINE_BLANK;
			continue;
		}
		l->text = malloc(len + 1);
		if (l->text == NULL)
			abort();
		memcpy(l->text, text, len + 1);
		l->len = len;
	}
}

static void parse_line(struct pline *l)
{
	json_error_t jerr;

	if (l->state != LINE_OK)
		return;
	l->obj = json_loadb(l->text, l->len, JSON_REJECT_DUPLICATES, &jerr);
	if (l->obj == NULL) {
		err_set(&l->why, ERR_VALIDATION, "JSON 格式错误（第%d列）：%s", jerr.column,
		        strstr(jerr.text, "duplicate")   ? "字段重复"
		        : strstr(jerr.text, "UTF-8")     ? "不是有效的 UTF-8"
		        : strstr(jerr.text, "premature") ? "内容不完整"
		                                         : "无法解析");
		return;
	}
	library_doc_from_json(l->obj, &l->d, &l->why);
}

static void *parse_worker(void *arg)
{
	struct worker *w = arg;

	for (size_t i = w->start; i < w->b->n; i += w->step)
		parse_line(&w->b->v[i]);
	return NULL;
}

/* Starts parsing b in the workers (or parses it here when there are none). */
static void parse_start(struct importer *im, struct pbatch *b)
{
	for (int i = 0; i < im->nworkers; i++) {
		im->workers[i] =
		    (struct worker){.b = b, .start = (size_t)i, .step = (size_t)im->nworkers};
		if (pthread_create(&im->workers[i].tid, NULL, parse_worker, &im->workers[i]) != 0)
			abort();
	}
	if (im->nworkers == 0)
		for (size_t i = 0; i < b->n; i++)
			parse_line(&b->v[i]);
}

static void parse_join(struct importer *im)
{
	for (int i = 0; i < im->nworkers; i++)
		pthread_join(im->workers[i].tid, NULL);
}

static void batch_clear(struct pbatch *b)
{
	for (size_t i = 0; i < b->n; i++) {
		json_decref(b->v[i].obj);
		free(b->v[i].text);
	}
	b->n = 0;
}

static void refuse(struct importer *im, const struct pline *l)
{
	im->res->refused++;
	if (im->res->refused > LIBRARY_BAD_LINES_SHOWN || im->bad_out == NULL)
		return;
	if (l->why.field[0])
		fprintf(im->bad_out, "第%" PRId64 "行（%s）：%s\n", l->no, l->why.field,
		        l->why.msg);
	else
		fprintf(im->bad_out, "第%" PRId64 "行：%s\n", l->no, l->why.msg);
}

static void progress_line(struct importer *im)
{
	bool tty;

	if (im->progress == NULL)
		return;
	tty = isatty(fileno(im->progress));
	fprintf(im->progress, "%s导入中：已处理 %" PRId64 " 行", tty ? "\r" : "",
	        im->res->imported + im->res->unchanged + im->res->refused);
	if (im->total > 0)
		fprintf(im->progress, "（%d%%）",
		        (int)(im->done * 100 / (uint64_t)im->total > 100
		                  ? 100
		                  : im->done * 100 / (uint64_t)im->total));
	fputs(tty ? "" : "\n", im->progress);
	fflush(im->progress);
}

/* Writes the good lines of b in one transaction; lists the bad ones. */
static int write_batch(struct importer *im, struct pbatch *b, struct err *e)
{
	int64_t imported = 0, inserted = 0, unchanged = 0, id;
	bool ins, any = false;

	for (size_t i = 0; i < b->n; i++) {
		struct pline *l = &b->v[i];
		if (l->state == LINE_LONG)
			err_set(&l->why, ERR_VALIDATION, "行过长（最多%d字节）", LIBRARY_LINE_MAX);
		if (l->state == LINE_BLANK)
			continue;
		if (l->why.kind != ERR_NONE) {
			refuse(im, l);
			continue;
		}
		if (!any && (db_begin(im->db, e) || batch_hooked(im->db, true, e)))
			return -1;
		any = true;
		if (library_upsert(im->db, im->org_id, &l->d, &id, &ins, e)) {
			db_rollback(im->db);
			log_error("library import: line %" PRId64 ": %s", l->no, e->msg);
			return -1;
		}
		imported += id != 0;
		inserted += ins;
		unchanged += id == 0;
	}
	if (any && (batch_hooked(im->db, false, e) || db_commit(im->db, e)))
		return -1;
	im->res->imported += imported;
	im->res->inserted += inserted;
	im->res->unchanged += unchanged;
	im->done += b->bytes;
	progress_line(im);
	return 0;
}

int library_import(struct db *db, int64_t org_id, FILE *in, const char *label, FILE *progress,
                   FILE *bad_out, struct library_import_result *res, struct err *e)
{
	struct importer im = {.db = db,
	                      .org_id = org_id,
	                      .in = in,
	                      .progress = progress,
	                      .bad_out = bad_out,
	                      .res = res};
	struct pbatch a = {0}, b = {0}, t;
	struct stat sb;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	int rc = -1;

	memset(res, 0, sizeof *res);
	im.total = fstat(fileno(in), &sb) == 0 && S_ISREG(sb.st_mode) ? (long)sb.st_size : 0;
	im.nworkers = cpus > LIBRARY_IMPORT_THREADS ? LIBRARY_IMPORT_THREADS
	              : cpus > 1                    ? (int)cpus
	                                            : 0;
	im.linebuf = malloc(LIBRARY_LINE_MAX + 2);
	a.v = calloc(LIBRARY_IMPORT_BATCH, sizeof *a.v);
	b.v = calloc(LIBRARY_IMPORT_BATCH, sizeof *b.v);
	if (im.linebuf == NULL || a.v == NULL || b.v == NULL)
		abort();
	read_batch(&im, &a);
	parse_start(&im, &a);
	parse_join(&im);
	while (a.n > 0) {
		read_batch(&im, &b); /* the next batch is parsed while this one is written */
		parse_start(&im, &b);
		if (write_batch(&im, &a, e)) {
			parse_join(&im);
			err_set(e, ERR_INTERNAL, "写入数据库失败");
			goto out;
		}
		parse_join(&im);
		batch_clear(&a);
		t = a, a = b, b = t;
	}
	if (ferror(in)) {
		err_set(e, ERR_INTERNAL, "读取 %s 失败", label);
		goto out;
	}
	if (progress && isatty(fileno(progress)))
		fputc('\n', progress); /* ends the progress line */
	if (res->refused > LIBRARY_BAD_LINES_SHOWN && bad_out)
		fprintf(bad_out, "……另有 %" PRId64 " 行被拒绝，未逐一列出\n",
		        res->refused - LIBRARY_BAD_LINES_SHOWN);
	rc = res->refused ? 1 : 0;
out:
	batch_clear(&a);
	batch_clear(&b);
	free(a.v);
	free(b.v);
	free(im.linebuf);
	return rc;
}

static int import_audit(struct db *db, int64_t org_id, const char *label,
                        const struct library_import_result *res, struct err *e)
{
	char detail[AUDIT_DETAIL_MAX];
	const char *base = strrchr(label, '/') ? strrchr(label, '/') + 1 : label;

	snprintf(detail, sizeof detail,
	         "%.200s：导入 %" PRId64 " 行（新增 %" PRId64 "），拒绝 %" PRId64 " 行", base,
	         res->imported, res->inserted, res->refused);
	if (db_begin(db, e))
		return -1;
	if (audit_append(db,
	                 &(struct audit_entry){.org_id = org_id,
	                                       .actor = "cli",
	                                       .action = "library.import",
	                                       .object_type = "library",
	                                       .object_id = "",
	                                       .result = "ok",
	                                       .detail = detail},
	                 e)) {
		db_rollback(db);
		return -1;
	}
	return db_commit(db, e);
}

int library_cli_import(int argc, char **argv)
{
	const char *dbpath = NULL, *kind = NULL, *file = NULL;
	struct library_import_result res;
	struct err e = ERR_INIT;
	struct db *db = NULL;
	int64_t org_id;
	FILE *in = NULL;
	int rc = 1;

	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--db") == 0 && i + 1 < argc)
			dbpath = argv[++i];
		else if (strcmp(argv[i], "--kind") == 0 && i + 1 < argc)
			kind = argv[++i];
		else if (strncmp(argv[i], "--", 2) != 0 && file == NULL)
			file = argv[i];
		else {
			fprintf(stderr, "jianwu: 无法识别的参数：%s\n", argv[i]);
			return 2;
		}
	}
	if (dbpath == NULL || kind == NULL || file == NULL) {
		fputs("用法：jianwu import --db PATH --kind library FILE.jsonl\n", stderr);
		return 2;
	}
	if (strcmp(kind, "library") != 0) {
		fprintf(stderr, "jianwu: 未知的导入类型：%s（可用：library）\n", kind);
		return 2;
	}
	in = strcmp(file, "-") == 0 ? stdin : fopen(file, "r");
	if (in == NULL) {
		fprintf(stderr, "jianwu: 无法读取文件：%s\n", file);
		return 1;
	}
	if ((db = db_open(dbpath, &e)) == NULL || db_migrate(db, &e) ||
	    org_default(db, &org_id, &e))
		goto out;
	rc = library_import(db, org_id, in, file, stderr, stderr, &res, &e);
	if (rc < 0) {
		fprintf(stderr, "jianwu: 导入中止：%s（已提交 %" PRId64 " 行）\n", e.msg,
		        res.imported);
		err_clear(&e);
		import_audit(db, org_id, file, &res, &e);
		rc = 1;
		goto out;
	}
	if (import_audit(db, org_id, file, &res, &e)) {
		rc = 1;
		goto out;
	}
	printf("导入完成：%" PRId64 " 行写入（新增 %" PRId64 "，更新 %" PRId64 "），%" PRId64
	       " 行无变化，拒绝 %" PRId64 " 行\n",
	       res.imported, res.inserted, res.imported - res.inserted, res.unchanged, res.refused);
	if (rc == 1)
		fputs("jianwu: 部分行被拒绝（见上），其余各行已导入\n", stderr);
out:
	if (e.kind != ERR_NONE)
		fprintf(stderr, "jianwu: 导入失败：%s\n", e.msg);
	if (in && in != stdin)
		fclose(in);
	db_close(db);
	return rc;
}
