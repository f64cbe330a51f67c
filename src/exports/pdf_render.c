/*
 * pdf_render.c - documents and processing sheets from the store into src/render (exports_pdf.h).
 *
 * Every string read from a row is copied into a per-call pool (struct pool) before the statement
 * moves on, cleaned of the control characters the renderers refuse, and clipped to the renderer's
 * limits with a visible note, so a long opinion never makes a sheet fail.
 */
#include "exports/exports_pdf.h"
#include "core/buf.h"
#include "core/limits.h"
#include "core/log.h"
#include "core/timeutil.h"
#include "render/gbt9704.h"
#include "render/sheet.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define POOL_MAX       2048 /* strings copied for one PDF */
#define CLIP_NOTE      "……（内容过长，全文见系统）"
#define PRINTER_SUFFIX "办公室" /* 印发机关: the office of the org prints */

/* ---- string pool ---------------------------------------------------------------------------- */

struct pool {
	char *s[POOL_MAX];
	size_t n;
};

static void pool_free(struct pool *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->s[i]);
	p->n = 0;
}

/* Length of the longest prefix of s within max bytes that ends on a UTF-8 boundary. */
static size_t utf8_prefix(const char *s, size_t max)
{
	size_t n = strlen(s);

	if (n <= max)
		return n;
	while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80)
		max--;
	return max;
}

/* Length of the valid UTF-8 sequence at s (1..4), or 0 when it is not one. */
static size_t utf8_seq(const unsigned char *s)
{
	unsigned char c = s[0];
	size_t n;

	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		n = 2;
	else if (c >= 0xE0 && c <= 0xEF)
		n = 3;
	else if (c >= 0xF0 && c <= 0xF4)
		n = 4;
	else
		return 0;
	if ((c == 0xE0 && s[1] < 0xA0) || (c == 0xED && s[1] > 0x9F) ||
	    (c == 0xF0 && s[1] < 0x90) || (c == 0xF4 && s[1] > 0x8F))
		return 0;
	for (size_t i = 1; i < n; i++)
		if ((s[i] & 0xC0) != 0x80)
			return 0;
	return n;
}

/*
 * A copy of s (NULL -> "") fit for the renderers: CR LF -> LF, other control characters but '\n'
 * -> space, bytes that are not UTF-8 -> U+FFFD (the store should never hold them; the PDF then
 * shows where), clipped to max bytes with CLIP_NOTE. NULL when the pool is full or out of memory.
 */
static const char *pool_text(struct pool *p, const char *s, size_t max)
{
	static const char repl[] = "\xEF\xBF\xBD";
	const unsigned char *u;
	size_t n, k = 0, note = sizeof CLIP_NOTE - 1;
	bool bad = false;
	char *out;

	if (s == NULL)
		s = "";
	if (p->n >= POOL_MAX)
		return NULL;
	n = strlen(s);
	out = malloc(3 * n + note + 1);
	if (out == NULL)
		return NULL;
	for (u = (const unsigned char *)s; *u;) {
		size_t len = utf8_seq(u);

		if (len == 0) {
			memcpy(out + k, repl, 3);
			k += 3;
			u++;
			bad = true;
		} else if (len > 1) {
			memcpy(out + k, u, len);
			k += len;
			u += len;
		} else {
			if (!(u[0] == '\r' && u[1] == '\n'))
				out[k++] = (*u < 0x20 && *u != '\n') || *u == 0x7F ? ' ' : (char)*u;
			u++;
		}
	}
	out[k] = '\0';
	if (bad)
		log_warn("exports: text with invalid UTF-8 in the store (\"%.40s\"...)", out);
	if (max > note && k > max) {
		k = utf8_prefix(out, max - note);
		memcpy(out + k, CLIP_NOTE, note + 1);
	}
	p->s[p->n++] = out;
	return out;
}

static int pool_fail(struct err *e)
{
	return err_internal(e, "exports: string pool full or out of memory");
}

/* ---- fonts and output ----------------------------------------------------------------------- */

static const char *const font_keys[FONT_ROLE_COUNT] = {
    [ROLE_FANGSONG] = PDF_SETTING_PREFIX "fangsong",
    [ROLE_XIAOBIAOSONG] = PDF_SETTING_PREFIX "xiaobiaosong",
    [ROLE_SONG] = PDF_SETTING_PREFIX "song",
    [ROLE_HEITI] = PDF_SETTING_PREFIX "heiti",
    [ROLE_KAITI] = PDF_SETTING_PREFIX "kaiti",
};

/* The font set-up runs once, before the first render of this module in any thread (each thread's
 * Pango font map is built from the font set as it is at its first render). */
static pthread_once_t fonts_once = PTHREAD_ONCE_INIT;
static int fonts_status; /* 0, or -1 when a JIANWU_FONT_DIRS entry failed */
static char fonts_error[ERR_MSG_MAX];
static atomic_bool fonts_used;

static void fonts_setup(void)
{
	const char *env = getenv(PDF_FONT_DIRS_ENV);
	struct err e = ERR_INIT;
	char *dirs, *save = NULL, *d;

	render_init();
	atomic_store(&fonts_used, true);
	if (env == NULL || *env == '\0' || (dirs = strdup(env)) == NULL)
		return;
	for (d = strtok_r(dirs, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
		if (render_fonts_add_dir(d, &e) == 0) {
			log_info("render: fonts added from %s", d);
			continue;
		}
		fonts_status = -1;
		snprintf(fonts_error, sizeof fonts_error, "%s", e.msg);
		log_error("render: %s: %s", PDF_FONT_DIRS_ENV, e.msg);
		err_clear(&e);
	}
	free(dirs);
}

/* Before every render: the once-only set-up, and its failure on every call. */
static int fonts_ready(struct err *e)
{
	pthread_once(&fonts_once, fonts_setup);
	return fonts_status ? err_set(e, ERR_INTERNAL, "%s", fonts_error) : 0;
}

int exports_fonts_check(struct err *e)
{
	const char *env = getenv(PDF_FONT_DIRS_ENV);
	char *dirs, *save = NULL, *d;
	struct stat st;
	int rc = 0;

	if (env == NULL || *env == '\0')
		return 0;
	if ((dirs = strdup(env)) == NULL)
		return err_internal(e, "exports: out of memory");
	for (d = strtok_r(dirs, ":", &save); d && rc == 0; d = strtok_r(NULL, ":", &save))
		if (stat(d, &st) != 0 || !S_ISDIR(st.st_mode))
			rc = err_set(e, ERR_VALIDATION, "%s 中的字体目录不存在：%s",
			             PDF_FONT_DIRS_ENV, d);
	free(dirs);
	return rc;
}

void exports_fonts_shutdown(void)
{
	if (atomic_load(&fonts_used))
		render_shutdown();
}

/* The org's font settings, copied into the pool; roles without one keep the default (NULL). */
static int org_fonts(struct db *db, int64_t org_id, struct pool *p, struct render_fonts *f,
                     struct err *e)
{
	struct db_stmt *st = db_query(db, e,
	                              "SELECT key, value FROM setting WHERE org_id = $1"
	                              " AND key LIKE 'render.font.%'",
	                              "I", org_id);
	int rc;

	memset(f, 0, sizeof *f);
	if (st == NULL)
		return -1;
	while ((rc = db_step(st, e)) == DB_ROW) {
		for (int i = 0; i < FONT_ROLE_COUNT; i++) {
			if (strcmp(db_col_text(st, 0), font_keys[i]) != 0 || !*db_col_text(st, 1))
				continue;
			f->role[i] = pool_text(p, db_col_text(st, 1), RENDER_FONT_LIST_MAX - 1);
			if (f->role[i] == NULL) {
				db_reset(st);
				return pool_fail(e);
			}
		}
	}
	db_reset(st);
	return rc < 0 ? -1 : 0;
}

/* Output through a FILE on a duplicate of fd, so closing it leaves the caller's descriptor. */
struct out {
	FILE *f;
	struct render_sink sink;
};

static int out_open(struct out *o, int fd, struct err *e)
{
	int d = dup(fd);

	o->f = d >= 0 ? fdopen(d, "wb") : NULL;
	if (o->f == NULL) {
		if (d >= 0)
			close(d);
		return err_internal(e, "exports: cannot open output: %s", strerror(errno));
	}
	o->sink = render_sink_file(o->f);
	return 0;
}

static int out_close(struct out *o, int rc, struct err *e)
{
	if (o->f == NULL)
		return rc;
	if (fclose(o->f) != 0 && rc == 0)
		rc = err_internal(e, "exports: cannot write output: %s", strerror(errno));
	o->f = NULL;
	return rc;
}

/* ---- the GB/T 9704 正本 --------------------------------------------------------------------- */

static bool skip_prefix(const char **s, const char *prefix)
{
	size_t n = strlen(prefix);

	if (strncmp(*s, prefix, n) != 0)
		return false;
	*s += n;
	return true;
}

/* Skips ASCII blanks and ideographic spaces (U+3000). */
static const char *skip_blank(const char *s)
{
	for (;;) {
		if (*s == ' ' || *s == '\t')
			s++;
		else if (!skip_prefix(&s, "\xE3\x80\x80"))
			return s;
	}
}

/* Drafts often start with the 主送 line the layout prints itself: drop it. */
static const char *body_without_recipients(const char *body, const char *recipients)
{
	const char *s = body, *line;
	size_t n = recipients ? strlen(recipients) : 0;

	while (*s == '\n')
		s++;
	line = skip_blank(s);
	if (n == 0 || strncmp(line, recipients, n) != 0)
		return body;
	line += n;
	if (!skip_prefix(&line, "：") && !skip_prefix(&line, ":"))
		return body;
	line = skip_blank(line);
	if (*line == '\n')
		return line + 1;
	return *line == '\0' ? line : body;
}

/* "1. 工作安排表" -> "工作安排表": the layout numbers the 附件 itself. */
static const char *attachment_name(const char *s)
{
	const char *p = skip_blank(s);

	if (*p >= '0' && *p <= '9') {
		const char *q = p;
		while (*q >= '0' && *q <= '9')
			q++;
		if (skip_prefix(&q, ".") || skip_prefix(&q, "．") || skip_prefix(&q, "、"))
			return skip_blank(q);
	}
	return p;
}

/* Splits the 附件说明 into names (one a line), copied into the pool. */
static int attachments_of(struct pool *p, const char *note, const char **names, size_t *n,
                          struct err *e)
{
	const char *s = note;

	*n = 0;
	while (s && *s && *n < GBT_ATTACH_MAX) {
		size_t len = strcspn(s, "\n");
		char line[GBT_ATTACH_NAME_MAX * 2 + 1];
		const char *name;

		snprintf(line, sizeof line, "%.*s",
		         (int)(len < sizeof line - 1 ? len : sizeof line - 1), s);
		name = attachment_name(line);
		if (*name) {
			if ((names[*n] = pool_text(p, name, GBT_ATTACH_NAME_MAX)) == NULL)
				return pool_fail(e);
			(*n)++;
		}
		s += len;
		if (*s == '\n')
			s++;
	}
	return 0;
}

static enum gbt_secrecy gbt_secrecy_of(const char *code)
{
	if (strcmp(code, "secret") == 0)
		return GBT_SECRECY_MIMI;
	if (strcmp(code, "confidential") == 0)
		return GBT_SECRECY_JIMI;
	if (strcmp(code, "top_secret") == 0)
		return GBT_SECRECY_JUEMI;
	return GBT_SECRECY_NONE;
}

static enum gbt_urgency gbt_urgency_of(const char *code)
{
	if (strcmp(code, "very_urgent") == 0)
		return GBT_URGENCY_TEJI;
	if (strcmp(code, "urgent") == 0)
		return GBT_URGENCY_JIAJI;
	return GBT_URGENCY_NONE;
}

/* 发文机关标志: 函 use the 信函格式 with the org's name; a series named "…文件" other than the
 * 院's own ("院文件") gives "<org><series name>" (定边县人民检察院办公室文件); else "<org>文件". */
static int mark_of(struct pool *p, const char *org, const char *series, bool letter,
                   const char **out, struct err *e)
{
	char mark[GBT_MARK_MAX + 1];
	size_t n = strlen(series), w = strlen("文件");

	if (letter)
		snprintf(mark, sizeof mark, "%s", org);
	else if (n > w && strcmp(series + n - w, "文件") == 0 && strcmp(series, "院文件") != 0)
		snprintf(mark, sizeof mark, "%s%s", org, series);
	else
		snprintf(mark, sizeof mark, "%s文件", org);
	*out = pool_text(p, mark, GBT_MARK_MAX);
	return *out ? 0 : pool_fail(e);
}

/* Columns of the 正本 query, in order. */
enum {
	OC_TITLE,
	OC_TYPE,
	OC_MAIN_TO,
	OC_COPY_TO,
	OC_SECRECY,
	OC_SECRECY_YEARS,
	OC_URGENCY,
	OC_DIRECTION,
	OC_BODY,
	OC_ATTACH,
	OC_NUMBER,
	OC_SIGNER,
	OC_SIGN_DATE,
	OC_PRINTED,
	OC_ORG,
	OC_SERIES,
	OC_COUNT
};

static int outgoing_doc_fill(struct pool *p, struct db_stmt *st, struct gbt9704_doc *doc,
                             const char **attach, const char **signer, char *printer,
                             size_t printer_len, struct err *e)
{
	const char *s[OC_COUNT] = {0};

	for (int i = 0; i < OC_COUNT; i++) {
		if (db_col_is_null(st, i))
			continue;
		if ((s[i] = pool_text(p, db_col_text(st, i), (size_t)-1)) == NULL)
			return pool_fail(e);
	}
	doc->letter = strcmp(s[OC_TYPE], "letter") == 0;
	if (mark_of(p, s[OC_ORG], s[OC_SERIES] ? s[OC_SERIES] : "", doc->letter, &doc->mark, e))
		return -1;
	doc->secrecy = gbt_secrecy_of(s[OC_SECRECY]);
	doc->secrecy_years = doc->secrecy ? (int)db_col_int(st, OC_SECRECY_YEARS) : 0;
	doc->urgency = gbt_urgency_of(s[OC_URGENCY]);
	doc->number = s[OC_NUMBER];
	doc->upward = strcmp(s[OC_DIRECTION], "up") == 0;
	if (doc->upward && s[OC_SIGNER]) {
		*signer = s[OC_SIGNER];
		doc->signers = signer;
		doc->n_signers = 1;
	}
	doc->title = s[OC_TITLE];
	doc->recipients = *s[OC_MAIN_TO] ? s[OC_MAIN_TO] : NULL;
	doc->body = body_without_recipients(s[OC_BODY], doc->recipients);
	if (attachments_of(p, s[OC_ATTACH], attach, &doc->n_attachments, e))
		return -1;
	doc->attachments = attach;
	doc->signatory = s[OC_ORG];
	doc->date = s[OC_SIGN_DATE];
	doc->cc = *s[OC_COPY_TO] ? s[OC_COPY_TO] : NULL;
	if (s[OC_PRINTED] && !doc->letter) {
		snprintf(printer, printer_len, "%s%s", s[OC_ORG], PRINTER_SUFFIX);
		doc->printer = printer;
		doc->print_date = s[OC_PRINTED];
	}
	return 0;
}

int pdf_outgoing(struct db *db, int64_t org_id, int64_t id, unsigned copy_no, int fd, int *pages,
                 struct err *e)
{
	struct pool *p = calloc(1, sizeof *p);
	struct gbt9704_doc doc = {0};
	struct gbt9704_opts opts = {.copy_no = copy_no};
	struct gbt9704_result res = {0};
	const char *attach[GBT_ATTACH_MAX], *signer = NULL;
	char printer[GBT_PRINTER_MAX + 1];
	struct out o = {0};
	struct db_stmt *st;
	int rc = -1, step;

	if (p == NULL)
		return err_internal(e, "exports: out of memory");
	if (fonts_ready(e) || org_fonts(db, org_id, p, &opts.fonts, e))
		goto out;
	st = db_query(
	    db, e,
	    "SELECT d.title, d.doc_type, d.main_to, d.copy_to, d.secrecy, d.secrecy_years,"
	    " d.urgency, d.direction, d.body, d.attachment_note, d.number, d.signer_name,"
	    " d.sign_date, d.printed_date, o.name, s.name FROM outgoing_doc d"
	    " JOIN org o ON o.id = d.org_id LEFT JOIN number_series s ON s.id = d.series_id"
	    " WHERE d.id = $1 AND d.org_id = $2",
	    "II", id, org_id);
	if (st == NULL)
		goto out;
	step = db_step(st, e);
	if (step == DB_ROW)
		step = outgoing_doc_fill(p, st, &doc, attach, &signer, printer, sizeof printer, e)
		           ? -1
		           : DB_ROW;
	db_reset(st);
	if (step == DB_DONE)
		err_set(e, ERR_NOT_FOUND, "发文不存在");
	if (step != DB_ROW)
		goto out;
	if (out_open(&o, fd, e) == 0)
		rc = out_close(&o, gbt9704_render(&doc, &opts, &o.sink, &res, e), e);
	if (rc == 0 && pages)
		*pages = res.pages;
out:
	pool_free(p);
	free(p);
	return rc;
}

/* ---- opinions of a document (doc_opinion) --------------------------------------------------- */

struct opinions {
	struct sheet_opinion *v;
	size_t n;
};

/* One opinion row: 0 action, 1 step, 2 opinion, 3 user_name, 4 dept_name, 5 on_behalf_name,
 * 6 created_at. prefix is put before the text ("催办：…"); person_fmt 0 = name, 1 = name（代…）,
 * 2 = name（dept）. */
static int opinion_add(struct pool *p, struct opinions *o, struct db_stmt *st, const char *prefix,
                       int person_fmt, struct err *e)
{
	char person[FIELD_NAME_MAX * 3];
	struct buf text = BUF_INIT;
	const char *op = db_col_text(st, 2);
	struct sheet_opinion *x;

	if (o->n >= SHEET_ITEMS_MAX)
		return 0; /* a sheet holds SHEET_ITEMS_MAX; the system keeps the rest */
	x = &o->v[o->n];
	if (person_fmt == 1 && db_col_text(st, 5))
		snprintf(person, sizeof person, "%s（代%s）", db_col_text(st, 3),
		         db_col_text(st, 5));
	else if (person_fmt == 2 && db_col_text(st, 4) && *db_col_text(st, 4))
		snprintf(person, sizeof person, "%s（%s）", db_col_text(st, 3), db_col_text(st, 4));
	else
		snprintf(person, sizeof person, "%s", db_col_text(st, 3));
	if (prefix)
		buf_addf(&text, "%s%s%s", prefix, op && *op ? "：" : "", op ? op : "");
	else
		buf_adds(&text, op ? op : "");
	x->text = pool_text(p, text.data, SHEET_OPINION_MAX);
	x->person = pool_text(p, person, SHEET_VALUE_MAX);
	x->time = db_col_int(st, 6);
	buf_free(&text);
	if (x->text == NULL || x->person == NULL)
		return pool_fail(e);
	o->n++;
	return 0;
}

/* Sorts a document's opinions into blocks: route(action) names the block (-1 = not on the
 * sheet) and the text prefix and person format. */
typedef int (*opinion_route)(const char *action, const char **prefix, int *person_fmt);

static int load_opinions(struct db *db, int64_t org_id, const char *kind, int64_t id,
                         opinion_route route, struct pool *p, struct opinions *blocks,
                         struct err *e)
{
	struct db_stmt *st =
	    db_query(db, e,
	             "SELECT action, step, opinion, user_name, dept_name,"
	             " on_behalf_name, created_at FROM doc_opinion"
	             " WHERE kind = $1 AND doc_id = $2 AND org_id = $3 ORDER BY id",
	             "sII", kind, id, org_id);
	int rc;

	if (st == NULL)
		return -1;
	while ((rc = db_step(st, e)) == DB_ROW) {
		const char *prefix = NULL;
		int fmt = 0, b = route(db_col_text(st, 0), &prefix, &fmt);

		if (b >= 0 && opinion_add(p, &blocks[b], st, prefix, fmt, e)) {
			rc = -1;
			break;
		}
	}
	db_reset(st);
	return rc < 0 ? -1 : 0;
}

static int alloc_blocks(struct opinions *blocks, size_t n, struct err *e)
{
	for (size_t i = 0; i < n; i++) {
		blocks[i].n = 0;
		blocks[i].v = calloc(SHEET_ITEMS_MAX, sizeof *blocks[i].v);
		if (blocks[i].v == NULL)
			return err_internal(e, "exports: out of memory");
	}
	return 0;
}

static void free_blocks(struct opinions *blocks, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(blocks[i].v);
}

/* ---- 发文稿纸 ------------------------------------------------------------------------------- */

enum { DRAFT_SIGN, DRAFT_COUNTERSIGN, DRAFT_REVIEW, DRAFT_PROOFREAD, DRAFT_BLOCKS };

static int draft_route(const char *action, const char **prefix, int *fmt)
{
	if (strcmp(action, "sign") == 0) {
		*fmt = 1;
		return DRAFT_SIGN;
	}
	if (strcmp(action, "countersign") == 0) {
		*fmt = 2;
		return DRAFT_COUNTERSIGN;
	}
	if (strcmp(action, "approve") == 0)
		return DRAFT_REVIEW;
	if (strcmp(action, "return") == 0) {
		*prefix = "退回";
		return DRAFT_REVIEW;
	}
	if (strcmp(action, "proofread") == 0)
		return DRAFT_PROOFREAD;
	return -1;
}

int pdf_outgoing_draft(struct db *db, int64_t org_id, int64_t id, const struct pdf_marks *m, int fd,
                       int *pages, struct err *e)
{
	struct pool *p = calloc(1, sizeof *p);
	struct opinions b[DRAFT_BLOCKS] = {0};
	struct sheet_draft d = {0};
	struct render_fonts fonts;
	const char *v[10] = {0};
	struct out o = {0};
	struct db_stmt *st;
	int rc = -1, step;

	if (p == NULL)
		return err_internal(e, "exports: out of memory");
	if (fonts_ready(e) || org_fonts(db, org_id, p, &fonts, e) ||
	    alloc_blocks(b, DRAFT_BLOCKS, e))
		goto out;
	st = db_query(db, e,
	              "SELECT o.name, (SELECT name FROM department WHERE id = d.dept_id),"
	              " (SELECT name FROM app_user WHERE id = d.drafter_id), d.number, d.title,"
	              " d.main_to, d.copy_to, d.attachment_note, d.printed_date, d.print_copies"
	              " FROM outgoing_doc d JOIN org o ON o.id = d.org_id"
	              " WHERE d.id = $1 AND d.org_id = $2",
	              "II", id, org_id);
	if (st == NULL)
		goto out;
	if ((step = db_step(st, e)) == DB_ROW) {
		for (int i = 0; i < 9; i++)
			if (!db_col_is_null(st, i) &&
			    (v[i] = pool_text(p, db_col_text(st, i), SHEET_VALUE_MAX)) == NULL)
				step = pool_fail(e);
		d.copies = (int)db_col_int(st, 9);
	}
	db_reset(st);
	if (step == DB_DONE)
		err_set(e, ERR_NOT_FOUND, "发文不存在");
	if (step != DB_ROW || load_opinions(db, org_id, "outgoing", id, draft_route, p, b, e))
		goto out;
	d.org = v[0];
	d.department = v[1];
	d.drafter = v[2];
	d.number = v[3];
	d.title = v[4];
	d.recipients = v[5];
	d.cc = v[6];
	d.attachments = v[7];
	d.printed = v[8];
	d.secrecy = m->secrecy;
	d.urgency = m->urgency;
	d.sign = b[DRAFT_SIGN].v;
	d.n_sign = b[DRAFT_SIGN].n;
	d.countersign = b[DRAFT_COUNTERSIGN].v;
	d.n_countersign = b[DRAFT_COUNTERSIGN].n;
	d.review = b[DRAFT_REVIEW].v;
	d.n_review = b[DRAFT_REVIEW].n;
	if (b[DRAFT_PROOFREAD].n)
		d.proofreader = b[DRAFT_PROOFREAD].v[b[DRAFT_PROOFREAD].n - 1].person;
	if (out_open(&o, fd, e) == 0)
		rc = out_close(&o, sheet_draft_render(&d, &fonts, &o.sink, pages, e), e);
out:
	free_blocks(b, DRAFT_BLOCKS);
	pool_free(p);
	free(p);
	return rc;
}

/* ---- 收文处理单 ----------------------------------------------------------------------------- */

enum { IN_PROPOSE, IN_INSTRUCT, IN_HANDLE, IN_RESULT, IN_REMARK, IN_BLOCKS };

static int incoming_route(const char *action, const char **prefix, int *fmt)
{
	static const struct {
		const char *action, *prefix;
		int block, fmt;
	} map[] = {
	    {"propose", NULL, IN_PROPOSE, 0},     {"instruct", NULL, IN_INSTRUCT, 1},
	    {"assign", "交办", IN_HANDLE, 0},     {"delegate", "交承办人", IN_HANDLE, 2},
	    {"report", "办理情况", IN_HANDLE, 2}, {"urge", "催办", IN_HANDLE, 0},
	    {"finish", "办结", IN_RESULT, 0},     {"reply", "答复", IN_RESULT, 0},
	    {"close", "无需答复", IN_RESULT, 0},  {"return", "退回来文单位", IN_REMARK, 0},
	};

	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		if (strcmp(action, map[i].action) == 0) {
			*prefix = map[i].prefix;
			*fmt = map[i].fmt;
			return map[i].block;
		}
	return -1;
}

/* The 办理结果 and 备注 cells are text: their opinions as "办结：…（赵丽 2026年3月20日）" lines. */
static const char *opinions_text(struct pool *p, const struct opinions *o)
{
	struct buf b = BUF_INIT;
	const char *s;

	for (size_t i = 0; i < o->n; i++) {
		int y, m, d;
		date_ymd(date_of_time(o->v[i].time), &y, &m, &d);
		buf_addf(&b, "%s%s（%s %d年%d月%d日）", i ? "\n" : "", o->v[i].text, o->v[i].person,
		         y, m, d);
	}
	s = o->n ? pool_text(p, b.data, SHEET_VALUE_MAX) : "";
	buf_free(&b);
	return s;
}

int pdf_incoming_sheet(struct db *db, int64_t org_id, int64_t id, const struct pdf_marks *m, int fd,
                       int *pages, struct err *e)
{
	struct pool *p = calloc(1, sizeof *p);
	struct opinions b[IN_BLOCKS] = {0};
	struct sheet_incoming in = {0};
	struct render_fonts fonts;
	const char *v[7] = {0};
	struct out o = {0};
	struct db_stmt *st;
	int rc = -1, step;

	if (p == NULL)
		return err_internal(e, "exports: out of memory");
	if (fonts_ready(e) || org_fonts(db, org_id, p, &fonts, e) || alloc_blocks(b, IN_BLOCKS, e))
		goto out;
	st = db_query(db, e,
	              "SELECT o.name, d.number, d.from_org, d.from_number, d.received_date,"
	              " d.due_date, d.title, d.copies FROM incoming_doc d"
	              " JOIN org o ON o.id = d.org_id WHERE d.id = $1 AND d.org_id = $2",
	              "II", id, org_id);
	if (st == NULL)
		goto out;
	if ((step = db_step(st, e)) == DB_ROW) {
		for (int i = 0; i < 7; i++)
			if (!db_col_is_null(st, i) &&
			    (v[i] = pool_text(p, db_col_text(st, i), SHEET_VALUE_MAX)) == NULL)
				step = pool_fail(e);
		in.copies = (int)db_col_int(st, 7);
	}
	db_reset(st);
	if (step == DB_DONE)
		err_set(e, ERR_NOT_FOUND, "收文不存在");
	if (step != DB_ROW || load_opinions(db, org_id, "incoming", id, incoming_route, p, b, e))
		goto out;
	in.org = v[0];
	in.serial = v[1];
	in.from = v[2];
	in.number = v[3];
	in.received = v[4];
	in.deadline = v[5];
	in.title = v[6];
	in.secrecy = m->secrecy;
	in.urgency = m->urgency;
	in.proposals = b[IN_PROPOSE].v;
	in.n_proposals = b[IN_PROPOSE].n;
	in.instructions = b[IN_INSTRUCT].v;
	in.n_instructions = b[IN_INSTRUCT].n;
	in.handling = b[IN_HANDLE].v;
	in.n_handling = b[IN_HANDLE].n;
	in.result = opinions_text(p, &b[IN_RESULT]);
	in.remarks = opinions_text(p, &b[IN_REMARK]);
	if (in.result == NULL || in.remarks == NULL) {
		pool_fail(e);
		goto out;
	}
	if (out_open(&o, fd, e) == 0)
		rc = out_close(&o, sheet_incoming_render(&in, &fonts, &o.sink, pages, e), e);
out:
	free_blocks(b, IN_BLOCKS);
	pool_free(p);
	free(p);
	return rc;
}

/* ---- 审批单 --------------------------------------------------------------------------------- */

int pdf_approval_sheet(struct db *db, int64_t org_id, const struct pdf_approval *a, int fd,
                       int *pages, struct err *e)
{
	struct pool *p = calloc(1, sizeof *p);
	struct sheet_pair *fields = NULL;
	struct sheet_step *steps = NULL;
	struct sheet_approval s = {0};
	struct render_fonts fonts;
	struct out o = {0};
	const char *org = NULL;
	struct db_stmt *st;
	int rc = -1, step;

	if (p == NULL)
		return err_internal(e, "exports: out of memory");
	fields = calloc(a->n_fields ? a->n_fields : 1, sizeof *fields);
	steps = calloc(a->n_steps ? a->n_steps : 1, sizeof *steps);
	if (fields == NULL || steps == NULL) {
		err_internal(e, "exports: out of memory");
		goto out;
	}
	if (fonts_ready(e) || org_fonts(db, org_id, p, &fonts, e))
		goto out;
	st = db_query(db, e, "SELECT name FROM org WHERE id = $1", "I", org_id);
	if (st == NULL)
		goto out;
	if ((step = db_step(st, e)) == DB_ROW && !(org = pool_text(p, db_col_text(st, 0), 300)))
		step = pool_fail(e);
	db_reset(st);
	if (step != DB_ROW) {
		if (step == DB_DONE)
			err_set(e, ERR_NOT_FOUND, "单位不存在");
		goto out;
	}
	for (size_t i = 0; i < a->n_fields; i++) {
		fields[i].label = a->fields[i].label;
		fields[i].value = pool_text(p, a->fields[i].value, SHEET_VALUE_MAX);
		fields[i].wide = a->fields[i].wide;
		if (fields[i].value == NULL) {
			pool_fail(e);
			goto out;
		}
	}
	for (size_t i = 0; i < a->n_steps; i++) {
		steps[i].step = pool_text(p, a->steps[i].step, SHEET_LABEL_MAX);
		steps[i].person = pool_text(p, a->steps[i].person, SHEET_VALUE_MAX);
		steps[i].opinion = pool_text(p, a->steps[i].opinion, SHEET_OPINION_MAX);
		steps[i].time = a->steps[i].time;
		if (!steps[i].step || !steps[i].person || !steps[i].opinion) {
			pool_fail(e);
			goto out;
		}
	}
	s.org = org;
	s.title = a->title;
	s.serial = a->serial;
	s.fields = fields;
	s.n_fields = a->n_fields;
	s.steps = steps;
	s.n_steps = a->n_steps;
	if (out_open(&o, fd, e) == 0)
		rc = out_close(&o, sheet_approval_render(&s, &fonts, &o.sink, pages, e), e);
out:
	free(fields);
	free(steps);
	pool_free(p);
	free(p);
	return rc;
}
