/*
 * search_query.c - search_run(): need-to-know, filters, counts, both orders, snippets.
 *
 * The caller's view is a list of segments, one per visible kind: a rowid range (org | kind |
 * date range) when a role of the caller sees the whole kind, else the kind's visible_sql set
 * inside that range. Every statement below runs on one segment, so need-to-know and the org are
 * part of what FTS5 iterates, never a filter applied afterwards.
 *
 * Orders (the work is bounded for common words, whatever the number of matches):
 *   date       per segment the newest offset + limit matches (FTS5 walks the rowid range
 *              backwards, stopping at the LIMIT), merged by date.
 *   relevance  the candidates are the SEARCH_RANK_WINDOW newest matches and the
 *              SEARCH_RANK_TITLE newest title/文号 matches; they are ranked by cjk_rank()
 *              (BM25 with title and 文号 weighted above the body, title/文号 hits in a tier of
 *              their own) and come first; every other match follows, newest first. When there
 *              are fewer matches than the window, that is plain BM25 over all of them.
 * Counts are FTS5 counts over each segment's rowid range (or set).
 */
#include "search/search.h"
#include "core/buf.h"
#include "core/limits.h"
#include "core/log.h"
#include "core/timeutil.h"
#include "search/fts_cjk.h"
#include "search/search_snippet.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define SEQ_MASK ((INT64_C(1) << SEARCH_SEQ_BITS) - 1)
#define DAY_MAX  ((1 << SEARCH_DAY_BITS) - 1)

/* Column weights of cjk_rank: title, number (文号), parties, body, opinions. */
#define RANK_WEIGHTS   "10 8 3 1 2"
#define RANK_TIER_COLS 3 /* title | number */

struct segment {
	const struct search_kind *k;
	int no;
	bool acl;       /* restricted to the kind's visible_sql */
	bool selected;  /* in the kinds the caller asked for */
	int64_t lo, hi; /* rowid range */
	int64_t count;
};

struct hit {
	int64_t rowid;
	double score;
	int seg;
};

struct ctx {
	struct db *db;
	const struct principal *who;
	const struct search_query *q;
	char *expr;       /* the MATCH expression */
	char *title_expr; /* the same restricted to title and number */
	char *dfs;        /* 'n0 n1 …' document frequencies of the positive terms, or NULL */
	struct snippet_terms terms; /* the positive terms, for snippets */
	struct segment seg[SEARCH_KINDS_MAX];
	size_t nseg;
	int64_t total;
};

/* ---- statements ---- */

/* Filters other than kind and date, on the FTS row; NULL parameters switch them off. */
#define FILTERS                                                                                    \
	" AND ($7 IS NULL OR search_fts.doc_type = $7) AND ($8 IS NULL OR search_fts.secrecy = "   \
	"$8)"                                                                                      \
	" AND ($9 IS NULL OR search_fts.department_id = $9)"
#define RANGE " search_fts MATCH $3 AND rowid BETWEEN $4 AND $5"
#define ACL_HEAD                                                                                   \
	" search_fts MATCH $3 AND rowid IN (SELECT s.id FROM search_doc s WHERE s.kind = $6"       \
	" AND s.org_id = $2 AND s.id BETWEEN $4 AND $5 AND "

enum stmt_kind { ST_COUNT, ST_PAGE, ST_RANK };

/* Any filter on the FTS row? Without one the statements leave FILTERS out: it costs a few
 * VDBE steps per matching row, a third of a count over a million matches. */
static bool filtered(const struct search_query *q)
{
	return q->doc_type != NULL || q->secrecy != NULL || q->department_id > 0;
}

/* The SQL of one statement shape for a segment (malloc'd). */
static char *segment_sql(const struct segment *s, enum stmt_kind what, bool with_filters)
{
	struct buf b = BUF_INIT;

	switch (what) {
	case ST_COUNT:
		buf_adds(&b, "SELECT count(*) FROM search_fts WHERE");
		break;
	case ST_PAGE:
		buf_adds(&b, "SELECT rowid, 0 FROM search_fts WHERE");
		break;
	case ST_RANK:
		buf_adds(&b, "SELECT rowid, " FTS_CJK_RANK_FUNCTION "(search_fts, $11, $12, $13)"
		             " FROM search_fts WHERE");
		break;
	}
	if (s->acl) {
		buf_adds(&b, ACL_HEAD);
		buf_adds(&b, s->k->visible_sql);
		buf_addc(&b, ')');
	} else {
		buf_adds(&b, RANGE);
	}
	if (with_filters)
		buf_adds(&b, FILTERS);
	if (what != ST_COUNT)
		buf_adds(&b, " ORDER BY rowid DESC LIMIT $10");
	return buf_detach(&b, NULL);
}

/* Prepares the statement for s and binds everything but the limit. Parameters a statement does
 * not use are not bound (range statements have no $1, $2, $6). */
static struct db_stmt *segment_stmt(struct ctx *c, const struct segment *s, enum stmt_kind what,
                                    const char *expr, struct err *e)
{
	const struct search_query *q = c->q;
	char *sql = segment_sql(s, what, filtered(q));
	struct db_stmt *st = db_prepare(c->db, sql, e);

	free(sql);
	if (st == NULL)
		return NULL;
	if (s->acl) {
		db_bind_int(st, 1, c->who->user_id);
		db_bind_int(st, 2, c->who->org_id);
		db_bind_text(st, 6, s->k->name);
	}
	db_bind_text(st, 3, expr);
	db_bind_int(st, 4, s->lo);
	db_bind_int(st, 5, s->hi);
	if (filtered(q)) {
		db_bind_text(st, 7, q->doc_type);
		db_bind_text(st, 8, q->secrecy);
		if (q->department_id > 0)
			db_bind_int(st, 9, q->department_id);
		else
			db_bind_null(st, 9);
	}
	if (what == ST_RANK) {
		db_bind_int(st, 11, RANK_TIER_COLS);
		db_bind_text(st, 12, RANK_WEIGHTS);
		db_bind_text(st, 13, c->dfs);
	}
	return st;
}

static int segment_count(struct ctx *c, const struct segment *s, const char *expr, int64_t *n,
                         struct err *e)
{
	struct db_stmt *st = segment_stmt(c, s, ST_COUNT, expr, e);
	int rc;

	if (st == NULL)
		return -1;
	rc = db_step(st, e);
	*n = rc == DB_ROW ? db_col_int(st, 0) : 0;
	db_reset(st);
	return rc < 0 ? -1 : 0;
}

/* Appends the newest `limit` matches of segment i (with cjk_rank scores when ranked). */
static int segment_hits(struct ctx *c, size_t i, enum stmt_kind what, const char *expr,
                        int64_t limit, struct hit **hits, size_t *n, size_t *cap, struct err *e)
{
	struct db_stmt *st = segment_stmt(c, &c->seg[i], what, expr, e);
	int rc;

	if (st == NULL)
		return -1;
	db_bind_int(st, 10, limit);
	while ((rc = db_step(st, e)) == DB_ROW) {
		if (*n == *cap) {
			*cap = *cap ? *cap * 2 : 64;
			*hits = realloc(*hits, *cap * sizeof **hits);
			if (*hits == NULL)
				abort();
		}
		(*hits)[*n].rowid = db_col_int(st, 0);
		(*hits)[*n].score = db_col_double(st, 1);
		(*hits)[*n].seg = (int)i;
		(*n)++;
	}
	db_reset(st);
	return rc < 0 ? -1 : 0;
}

/* ---- orders ---- */

static int day_of(int64_t rowid)
{
	return (int)((rowid >> SEARCH_SEQ_BITS) & DAY_MAX);
}

/* Newest first: date, then rowid (later entries of a day first). */
static int cmp_newest(const void *a, const void *b)
{
	const struct hit *x = a, *y = b;
	int dx = day_of(x->rowid), dy = day_of(y->rowid);

	if (dx != dy)
		return dx > dy ? -1 : 1;
	return x->rowid > y->rowid ? -1 : x->rowid < y->rowid;
}

static int cmp_ranked(const void *a, const void *b)
{
	const struct hit *x = a, *y = b;

	if (x->score != y->score)
		return x->score > y->score ? -1 : 1;
	return cmp_newest(a, b);
}

static int cmp_rowid(const void *a, const void *b)
{
	const struct hit *x = a, *y = b;

	return x->rowid < y->rowid ? -1 : x->rowid > y->rowid;
}

/* The newest `want` matches of the selected segments, newest first. */
static int newest(struct ctx *c, const char *expr, enum stmt_kind what, int64_t want,
                  struct hit **hits, size_t *n, struct err *e)
{
	size_t cap = 0, i;

	*hits = NULL;
	*n = 0;
	for (i = 0; i < c->nseg; i++)
		if (c->seg[i].selected && c->seg[i].count > 0 &&
		    segment_hits(c, i, what, expr, want, hits, n, &cap, e) < 0)
			return -1;
	if (*n > 1)
		qsort(*hits, *n, sizeof **hits, cmp_newest);
	if ((int64_t)*n > want)
		*n = (size_t)want;
	return 0;
}

static bool in_sorted(const struct hit *set, size_t n, int64_t rowid)
{
	struct hit key = {.rowid = rowid};

	return n > 0 && bsearch(&key, set, n, sizeof *set, cmp_rowid) != NULL;
}

/*
 * Relevance order. The candidates (ranked) are the newest SEARCH_RANK_WINDOW matches and the
 * newest SEARCH_RANK_TITLE title/文号 matches; the rest follow newest first. Fills page[] with
 * the rows [offset, offset + limit) of that order.
 */
static int page_relevance(struct ctx *c, struct hit **page, size_t *npage, struct err *e)
{
	struct hit *win = NULL, *title = NULL, *cand = NULL, *byrow = NULL, *rest = NULL;
	size_t nwin = 0, ntitle = 0, ncand = 0, nrest = 0, i, j;
	int64_t off = c->q->offset, lim = c->q->limit, want;
	int rc = -1;

	*page = NULL;
	*npage = 0;
	if (newest(c, c->expr, ST_RANK, SEARCH_RANK_WINDOW, &win, &nwin, e) < 0)
		goto out;
	/* Title/文号 hits older than the window: only when the window does not hold every match. */
	if (c->total > (int64_t)nwin &&
	    newest(c, c->title_expr, ST_RANK, SEARCH_RANK_TITLE, &title, &ntitle, e) < 0)
		goto out;
	cand = malloc((nwin + ntitle + 1) * sizeof *cand);
	if (cand == NULL)
		abort();
	memcpy(cand, win, nwin * sizeof *win);
	ncand = nwin;
	qsort(cand, ncand, sizeof *cand, cmp_rowid);
	for (i = 0; i < ntitle; i++)
		if (!in_sorted(cand, nwin, title[i].rowid))
			cand[ncand++] = title[i];
	byrow = malloc((ncand + 1) * sizeof *byrow);
	if (byrow == NULL)
		abort();
	memcpy(byrow, cand, ncand * sizeof *cand);
	qsort(byrow, ncand, sizeof *byrow, cmp_rowid);
	qsort(cand, ncand, sizeof *cand, cmp_ranked);

	*page = malloc(((size_t)lim + 1) * sizeof **page);
	if (*page == NULL)
		abort();
	for (i = (size_t)off; i < ncand && *npage < (size_t)lim; i++)
		(*page)[(*npage)++] = cand[i];
	if (*npage < (size_t)lim && c->total > (int64_t)ncand) {
		/* The rest, newest first, skipping the candidates (at most ncand of them). */
		int64_t skip = off > (int64_t)ncand ? off - (int64_t)ncand : 0;

		want = skip + (lim - (int64_t)*npage) + (int64_t)ncand;
		if (newest(c, c->expr, ST_PAGE, want, &rest, &nrest, e) < 0)
			goto out;
		for (j = 0; j < nrest && *npage < (size_t)lim; j++) {
			if (in_sorted(byrow, ncand, rest[j].rowid))
				continue;
			if (skip > 0) {
				skip--;
				continue;
			}
			rest[j].score = NAN;
			(*page)[(*npage)++] = rest[j];
		}
	}
	rc = 0;
out:
	free(win);
	free(title);
	free(cand);
	free(byrow);
	free(rest);
	return rc;
}

static int page_date(struct ctx *c, struct hit **page, size_t *npage, struct err *e)
{
	struct hit *all = NULL;
	size_t n = 0, i;
	int64_t off = c->q->offset;

	*npage = 0;
	if (newest(c, c->expr, ST_PAGE, off + c->q->limit, &all, &n, e) < 0) {
		free(all);
		return -1;
	}
	for (i = 0; i < n; i++) {
		all[i].score = NAN;
		if ((int64_t)i >= off)
			all[(*npage)++] = all[i];
	}
	*page = all;
	return 0;
}

/* ---- output ---- */

void search_html_escape(struct buf *b, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&':
			buf_adds(b, "&amp;");
			break;
		case '<':
			buf_adds(b, "&lt;");
			break;
		case '>':
			buf_adds(b, "&gt;");
			break;
		case '"':
			buf_adds(b, "&quot;");
			break;
		case '\'':
			buf_adds(b, "&#39;");
			break;
		default:
			buf_addc(b, *s);
		}
	}
}

static json_t *text_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

static void url_of(const struct search_kind *k, int64_t id, struct buf *b)
{
	const char *p = strstr(k->url, "{id}");

	if (p == NULL) {
		buf_adds(b, k->url);
		return;
	}
	buf_add(b, k->url, (size_t)(p - k->url));
	buf_addf(b, "%lld", (long long)id);
	buf_adds(b, p + 4);
}

/* One result item: the stored fields, the title with its matches marked and a snippet of the
 * body (else of the opinions or the parties, where the match is). */
static json_t *item_json(struct ctx *c, const struct hit *h, struct err *e)
{
	struct db_stmt *st;
	struct buf html = BUF_INIT, title = BUF_INIT, url = BUF_INIT;
	const struct search_kind *k = c->seg[h->seg].k;
	json_t *it = NULL;
	bool matched = false;
	int rc, col;

	st = db_query(c->db, e,
	              "SELECT object_id, external_id, title, doc_date, body, opinions, parties"
	              " FROM search_doc WHERE id = $1",
	              "I", h->rowid);
	if (st == NULL)
		return NULL;
	if ((rc = db_step(st, e)) == DB_ROW) {
		for (col = 4; col <= 6 && !matched; col++) {
			buf_reset(&html);
			if (snippet_html(&c->terms, db_col_text(st, col), false, &html, &matched,
			                 e) < 0)
				goto out;
		}
		if (!matched) { /* a title or 文号 hit: the beginning of the body */
			buf_reset(&html);
			if (snippet_html(&c->terms, db_col_text(st, 4), false, &html, &matched, e) <
			    0)
				goto out;
		}
		if (snippet_html(&c->terms, db_col_text(st, 2), true, &title, &matched, e) < 0)
			goto out;
		url_of(k, db_col_int(st, 0), &url);
		it = json_pack("{s:s, s:I, s:o, s:s, s:s, s:s, s:o, s:o, s:s, s:s}", "kind",
		               k->name, "id", (json_int_t)db_col_int(st, 0), "external_id",
		               text_or_null(db_col_text(st, 1)), "title", db_col_text(st, 2),
		               "title_html", title.data, "snippet", html.data, "date",
		               text_or_null(db_col_text(st, 3)), "score",
		               isnan(h->score) ? json_null() : json_real(h->score), "url", url.data,
		               "kind_label", k->label);
	} else if (rc == DB_DONE) {
		err_internal(e, "search: indexed row %lld vanished", (long long)h->rowid);
	}
out:
	db_reset(st);
	buf_free(&html);
	buf_free(&title);
	buf_free(&url);
	return it;
}

/* ---- setup ---- */

static bool kind_selected(const struct search_query *q, const char *name)
{
	size_t i;

	if (q->nkinds == 0)
		return true;
	for (i = 0; i < q->nkinds; i++)
		if (strcmp(q->kinds[i], name) == 0)
			return true;
	return false;
}

static int day_bound(int date, int open_value)
{
	int64_t d;

	if (date == INT32_MIN || date == INT32_MAX)
		return open_value;
	d = (int64_t)date - SEARCH_DAY_EPOCH;
	if (d < 1) /* a bounded range never holds the undated (day 0) */
		return open_value == 0 ? 1 : 0;
	return d > DAY_MAX ? DAY_MAX : (int)d;
}

/* The caller's segments: every registered kind they may see some of, with its number. */
static int build_segments(struct ctx *c, struct err *e)
{
	const struct search_kind *const *ks;
	size_t nk, i;
	int64_t no;
	bool found;
	int from = day_bound(c->q->date_from, 0), to = day_bound(c->q->date_to, DAY_MAX);

	ks = search_kinds(&nk);
	for (i = 0; i < nk; i++) {
		struct segment *s = &c->seg[c->nseg];
		bool all = (c->who->roles & ks[i]->see_all_roles) != 0;

		if (!all && ks[i]->visible_sql == NULL)
			continue;
		if (db_query_int(c->db, e, &no, &found,
		                 "SELECT no FROM search_kind WHERE name = $1", "s",
		                 ks[i]->name) < 0)
			return -1;
		memset(s, 0, sizeof *s);
		s->k = ks[i];
		s->acl = !all;
		s->selected = kind_selected(c->q, ks[i]->name);
		s->no = found ? (int)no : 0;
		if (found && from <= to) {
			s->lo = search_rowid(c->who->org_id, s->no, from, 0);
			s->hi = search_rowid(c->who->org_id, s->no, to, SEQ_MASK);
		}
		if (s->lo <= 0 || s->hi <= 0)
			s->lo = s->hi = -1; /* nothing indexed (or nothing in range): counts 0 */
		c->nseg++;
	}
	return 0;
}

/* "title number" restricted copy of expr, and the positive terms' document frequencies. */
static char *title_expr_of(const char *expr)
{
	struct buf b = BUF_INIT;

	buf_adds(&b, "{title number} : (");
	buf_adds(&b, expr);
	buf_addc(&b, ')');
	return buf_detach(&b, NULL);
}

/* The quoted terms before " NOT " of an fts_cjk_match_expr() result, each as its own
 * expression. Returns how many (at most max). */
static size_t positive_terms(const char *expr, char **out, size_t max)
{
	const char *p = expr, *start;
	size_t n = 0;
	struct buf b = BUF_INIT;

	while (*p && n < max) {
		if (strncmp(p, ") NOT (", 7) == 0)
			break;
		if (*p != '"') {
			p++;
			continue;
		}
		start = p++;
		while (*p && !(p[0] == '"' && p[1] != '"'))
			p += p[0] == '"' ? 2 : 1;
		if (*p == '"')
			p++;
		buf_reset(&b);
		buf_add(&b, start, (size_t)(p - start));
		out[n++] = strdup(b.data);
	}
	buf_free(&b);
	return n;
}

/* Document frequencies of the positive terms in the caller's selected view (for idf), when
 * there are two or more (one term's idf does not change its order). */
static int term_dfs(struct ctx *c, struct err *e)
{
	char *terms[FTS_CJK_QUERY_MAX_TERMS];
	size_t nt = positive_terms(c->expr, terms, FTS_CJK_QUERY_MAX_TERMS), t, i;
	struct buf b = BUF_INIT;
	int64_t n, sum;
	int rc = 0;

	for (t = 0; t < nt && nt > 1 && rc == 0; t++) {
		sum = 0;
		for (i = 0; i < c->nseg && rc == 0; i++) {
			if (!c->seg[i].selected || c->seg[i].count == 0)
				continue;
			rc = segment_count(c, &c->seg[i], terms[t], &n, e);
			sum += n;
		}
		buf_addf(&b, "%s%lld", t ? " " : "", (long long)sum);
	}
	for (t = 0; t < nt; t++)
		free(terms[t]);
	if (rc == 0 && b.len > 0)
		c->dfs = buf_detach(&b, NULL);
	buf_free(&b);
	return rc;
}

/* The positive terms of the MATCH expression, unquoted, for the snippets. */
static int snippet_terms_of(struct ctx *c, struct err *e)
{
	char *terms[FTS_CJK_QUERY_MAX_TERMS];
	size_t nt = positive_terms(c->expr, terms, FTS_CJK_QUERY_MAX_TERMS), t, i, o;
	int rc = 0;

	for (t = 0; t < nt; t++) {
		char *q = terms[t];
		size_t len = strlen(q);

		/* "ab""c" -> ab"c */
		for (i = 1, o = 0; i + 1 < len; i++) {
			q[o++] = q[i];
			if (q[i] == '"')
				i++;
		}
		if (rc == 0)
			rc = snippet_terms_add(&c->terms, q, o, e);
		free(q);
	}
	return rc;
}

void search_query_init(struct search_query *q)
{
	memset(q, 0, sizeof *q);
	q->date_from = INT32_MIN;
	q->date_to = INT32_MAX;
	q->sort = SEARCH_SORT_RELEVANCE;
	q->limit = 20;
}

static int validate(const struct search_query *q, struct err *e)
{
	size_t i;

	if (q->limit < 0 || q->limit > HTTP_QUERY_LIMIT_MAX)
		return err_field(e, ERR_VALIDATION, "limit", "每页条数应在 1 到 %d 之间",
		                 HTTP_QUERY_LIMIT_MAX);
	if (q->offset < 0 || q->offset + q->limit > SEARCH_WINDOW_MAX)
		return err_field(e, ERR_VALIDATION, "offset",
		                 "只能查看前 %d 条结果，请增加检索词或筛选条件缩小范围",
		                 SEARCH_WINDOW_MAX);
	for (i = 0; i < q->nkinds; i++)
		if (search_kind_find(q->kinds[i]) == NULL)
			return err_field(e, ERR_VALIDATION, "kind", "未知的检索类别：%.32s",
			                 q->kinds[i]);
	if (q->doc_type && strlen(q->doc_type) > SEARCH_DOC_TYPE_MAX)
		return err_field(e, ERR_VALIDATION, "doc_type", "文种过长");
	if (q->secrecy && strlen(q->secrecy) > SEARCH_SECRECY_MAX)
		return err_field(e, ERR_VALIDATION, "secrecy", "密级参数无效");
	return 0;
}

static json_t *kinds_json(const struct ctx *c)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < c->nseg; i++)
		json_array_append_new(a, json_pack("{s:s, s:s, s:I}", "kind", c->seg[i].k->name,
		                                   "label", c->seg[i].k->label, "count",
		                                   (json_int_t)c->seg[i].count));
	return a;
}

int search_run(struct db *db, const struct principal *who, const struct search_query *q,
               json_t **out, struct err *e)
{
	struct ctx c = {.db = db, .who = who, .q = q};
	struct hit *page = NULL;
	size_t npage = 0, i;
	json_t *items = json_array(), *it;
	int64_t has;
	bool found;
	int rc = -1;

	*out = NULL;
	search_init();
	if ((who->roles & ROLES_BUSINESS) == 0) {
		rc = err_set(e, ERR_FORBIDDEN,
		             "系统管理员、安全保密管理员和安全审计员不能检索业务内容");
		goto out;
	}
	if (validate(q, e) < 0 || (c.expr = fts_cjk_match_expr(q->q, e)) == NULL)
		goto out;
	c.title_expr = title_expr_of(c.expr);
	if (snippet_terms_of(&c, e) < 0)
		goto out;
	if (build_segments(&c, e) < 0)
		goto out;
	if (db_query_int(db, e, &has, &found,
	                 "SELECT count(*) FROM sqlite_master WHERE name = 'search_fts'", "") < 0)
		goto out;
	for (i = 0; has && i < c.nseg; i++) {
		if (c.seg[i].lo > 0 && segment_count(&c, &c.seg[i], c.expr, &c.seg[i].count, e) < 0)
			goto out;
		if (c.seg[i].selected)
			c.total += c.seg[i].count;
	}
	if (c.total > q->offset && q->limit > 0) {
		if (q->sort == SEARCH_SORT_DATE) {
			if (page_date(&c, &page, &npage, e) < 0)
				goto out;
		} else if (term_dfs(&c, e) < 0 || page_relevance(&c, &page, &npage, e) < 0) {
			goto out;
		}
	}
	for (i = 0; i < npage; i++) {
		if ((it = item_json(&c, &page[i], e)) == NULL)
			goto out;
		json_array_append_new(items, it);
	}
	*out =
	    json_pack("{s:o, s:I, s:o, s:s}", "items", items, "total", (json_int_t)c.total, "kinds",
	              kinds_json(&c), "sort", q->sort == SEARCH_SORT_DATE ? "date" : "relevance");
	items = NULL;
	rc = 0;
out:
	json_decref(items);
	free(page);
	free(c.expr);
	free(c.title_expr);
	free(c.dfs);
	snippet_terms_free(&c.terms);
	return rc;
}
