/*
 * fts_cjk.c - FTS5 tokenizer "cjk" (bigrams + colocated unigrams over normalised text) and the
 * MATCH-expression builder; see fts_cjk.h for the token rules and the semantics they give.
 *
 * This file is an SQLite extension as well as part of libjianwu: built with
 * -DFTS_CJK_EXTENSION (mk/search.mk, target ext) it calls SQLite through the extension routine
 * table that fts_cjk_ext.c receives, so the sqlite3 shell can .load it.
 */
#include "search/fts_cjk.h"
#include "core/buf.h"
#include "core/log.h"
#include "core/utf8.h"
#include "search/normalize.h"

#ifdef FTS_CJK_EXTENSION
#include <sqlite3ext.h>
SQLITE_EXTENSION_INIT3
#else
#include <sqlite3.h>
#endif

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/uchar.h>
#include <unicode/uscript.h>

enum fts_cjk_class fts_cjk_classify(uint32_t cp)
{
	UErrorCode st = U_ZERO_ERROR;

	if (cp < 0x80) {
		if ((cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') ||
		    (cp >= '0' && cp <= '9'))
			return FTS_CJK_WORD;
		if (cp == ' ' || (cp >= 0x09 && cp <= 0x0d))
			return FTS_CJK_SPACE;
		return FTS_CJK_OTHER;
	}
	if (cp >= 0x4e00 && cp <= 0x9fff)
		return FTS_CJK_CJK;
	if (cp > 0x10ffff)
		return FTS_CJK_OTHER;
	if (u_isUWhiteSpace((UChar32)cp))
		return FTS_CJK_SPACE;
	if (cp == 0x30fc || (cp >= 0x3031 && cp <= 0x3035)) /* ー, kana repeat marks (Common) */
		return FTS_CJK_CJK;
	switch (uscript_getScript((UChar32)cp, &st)) {
	case USCRIPT_HAN:
	case USCRIPT_HIRAGANA:
	case USCRIPT_KATAKANA:
	case USCRIPT_HANGUL:
	case USCRIPT_BOPOMOFO:
		return FTS_CJK_CJK;
	default:
		break;
	}
	if (U_GET_GC_MASK((UChar32)cp) & (U_GC_L_MASK | U_GC_M_MASK | U_GC_N_MASK))
		return FTS_CJK_WORD;
	return FTS_CJK_OTHER;
}

/* ---- tokenizer ---- */

typedef int (*token_fn)(void *ctx, int tflags, const char *tok, int ntok, int start, int end);

/* State of one xTokenize call; it spans the pieces of a long text. */
struct emitter {
	void *ctx;
	token_fn token;
	int query;       /* FTS5_TOKENIZE_QUERY: bigram phrases instead of bigram + unigram */
	int emitted;     /* a token has been emitted (whitespace before the first is dropped) */
	int ws_pending;  /* whitespace seen since the last token */
	size_t ws_start; /* its input range, absolute */
	size_t ws_end;
	/* the current piece */
	size_t base; /* input offset of the piece */
	int more;    /* input continues after the piece */
	const struct norm_mapped *m;
	unsigned char *cls; /* class of each character of m */
};

static size_t out_off(const struct emitter *em, size_t k)
{
	return k < em->m->nchars ? em->m->chars[k].out_off : em->m->len;
}

/* Emits text[out_off(a), out_off(b)) covering input [in_start(a), in_end(b - 1)). */
static int put(struct emitter *em, int tflags, size_t a, size_t b, size_t nbytes)
{
	const struct norm_char *c = em->m->chars;
	int rc;

	if (!(tflags & FTS5_TOKEN_COLOCATED) && em->ws_pending) {
		em->ws_pending = 0;
		if (em->emitted) {
			rc = em->token(em->ctx, 0, " ", 1, (int)em->ws_start, (int)em->ws_end);
			if (rc != SQLITE_OK)
				return rc;
		}
	}
	em->emitted = 1;
	return em->token(em->ctx, tflags, em->m->text + c[a].out_off, (int)nbytes,
	                 (int)(em->base + c[a].in_start), (int)(em->base + c[b - 1].in_end));
}

static int put_chars(struct emitter *em, int tflags, size_t a, size_t b)
{
	return put(em, tflags, a, b, out_off(em, b) - out_off(em, a));
}

/* Does anything but whitespace follow character k - 1 (in this piece or a later one)? */
static int followed(const struct emitter *em, size_t k)
{
	if (em->more)
		return 1;
	for (; k < em->m->nchars; k++)
		if (em->cls[k] != FTS_CJK_SPACE)
			return 1;
	return 0;
}

static int put_cjk_run(struct emitter *em, size_t a, size_t b)
{
	size_t k;
	int rc = SQLITE_OK;

	if (em->query) {
		if (b - a == 1)
			return put_chars(em, 0, a, b);
		for (k = a; k + 1 < b && rc == SQLITE_OK; k++)
			rc = put_chars(em, 0, k, k + 2);
		if (rc == SQLITE_OK && followed(em, b))
			rc = put_chars(em, 0, b - 1, b);
		return rc;
	}
	for (k = a; k < b && rc == SQLITE_OK; k++) {
		if (k + 1 < b) {
			rc = put_chars(em, 0, k, k + 2);
			if (rc == SQLITE_OK)
				rc = put_chars(em, FTS5_TOKEN_COLOCATED, k, k + 1);
		} else {
			rc = put_chars(em, 0, k, k + 1);
		}
	}
	return rc;
}

static int put_word(struct emitter *em, size_t a, size_t b)
{
	size_t n = out_off(em, b) - out_off(em, a), j;

	if (n > FTS_CJK_WORD_MAX) {
		for (j = b; j > a + 1 && out_off(em, j) - out_off(em, a) > FTS_CJK_WORD_MAX; j--)
			;
		n = out_off(em, j) - out_off(em, a);
	}
	return put(em, 0, a, b, n);
}

static int tokenize_piece(struct emitter *em)
{
	const struct norm_mapped *m = em->m;
	size_t k, end;
	int rc = SQLITE_OK;

	for (k = 0; k < m->nchars; k++)
		em->cls[k] = (unsigned char)fts_cjk_classify(m->chars[k].cp);
	for (k = 0; k < m->nchars && rc == SQLITE_OK; k = end) {
		for (end = k + 1; end < m->nchars && em->cls[end] == em->cls[k]; end++)
			;
		switch (em->cls[k]) {
		case FTS_CJK_CJK:
			rc = put_cjk_run(em, k, end);
			break;
		case FTS_CJK_WORD:
			rc = put_word(em, k, end);
			break;
		case FTS_CJK_SPACE:
			if (!em->ws_pending)
				em->ws_start = em->base + m->chars[k].in_start;
			em->ws_pending = 1;
			em->ws_end = em->base + m->chars[end - 1].in_end;
			break;
		default: /* one token per punctuation mark or symbol */
			end = k + 1;
			rc = put_chars(em, 0, k, end);
			break;
		}
	}
	return rc;
}

static int sqlite_rc_of(const struct err *e)
{
	switch (e->kind) {
	case ERR_TOO_LARGE:
		return SQLITE_TOOBIG;
	default:
		return SQLITE_ERROR;
	}
}

static int cjk_tokenize(Fts5Tokenizer *tok, void *ctx, int flags, const char *text, int ntext,
                        token_fn token)
{
	struct emitter em = {0};
	struct norm_mapped m;
	struct err e = ERR_INIT;
	size_t off = 0, n, len = ntext > 0 ? (size_t)ntext : 0;
	int rc = SQLITE_OK;

	(void)tok;
	em.ctx = ctx;
	em.token = token;
	em.query = (flags & FTS5_TOKENIZE_QUERY) != 0;
	while (off < len && rc == SQLITE_OK) {
		n = norm_chunk_len(text + off, len - off, FTS_CJK_PIECE);
		if (norm_text_map(text + off, n, &m, &e) < 0)
			return sqlite_rc_of(&e);
		em.cls = malloc(m.nchars + 1);
		if (em.cls == NULL) {
			norm_mapped_free(&m);
			return SQLITE_NOMEM;
		}
		em.m = &m;
		em.base = off;
		em.more = off + n < len;
		rc = tokenize_piece(&em);
		free(em.cls);
		norm_mapped_free(&m);
		off += n;
	}
	return rc;
}

/* The tokenizer keeps no state: every instance is this one object. */
static int cjk_instance;

static int cjk_create(void *ctx, const char **argv, int argc, Fts5Tokenizer **out)
{
	(void)ctx;
	(void)argv;
	if (argc > 0)
		return SQLITE_ERROR; /* "cjk" takes no options */
	*out = (Fts5Tokenizer *)&cjk_instance;
	return SQLITE_OK;
}

static void cjk_delete(Fts5Tokenizer *tok)
{
	(void)tok;
}

/* ---- ranking: cjk_rank() ---- */

/* Per-cursor parameters of cjk_rank, parsed once (xSetAuxdata). */
struct rank_params {
	double weight[FTS_CJK_RANK_MAX_COLS];
	double idf[FTS_CJK_QUERY_MAX_TERMS];
	double avgdl;
	unsigned tier_mask;
};

static void parse_doubles(const char *s, double *out, size_t max, double dflt)
{
	size_t i;
	char *end;

	for (i = 0; i < max; i++)
		out[i] = dflt;
	for (i = 0; s != NULL && i < max; i++) {
		double v = strtod(s, &end);

		if (end == s)
			break;
		out[i] = v;
		s = end;
	}
}

static struct rank_params *rank_params_of(const Fts5ExtensionApi *api, Fts5Context *fts,
                                          sqlite3_value **argv, int argc, int *rc)
{
	struct rank_params *p = api->xGetAuxdata(fts, 0);
	sqlite3_int64 rows = 0, total = 0;
	size_t i;

	*rc = SQLITE_OK;
	if (p != NULL)
		return p;
	if ((p = sqlite3_malloc(sizeof *p)) == NULL) {
		*rc = SQLITE_NOMEM;
		return NULL;
	}
	p->tier_mask = argc > 0 ? (unsigned)sqlite3_value_int(argv[0]) : 0;
	parse_doubles(argc > 1 ? (const char *)sqlite3_value_text(argv[1]) : NULL, p->weight,
	              FTS_CJK_RANK_MAX_COLS, 1.0);
	parse_doubles(argc > 2 ? (const char *)sqlite3_value_text(argv[2]) : NULL, p->idf,
	              FTS_CJK_QUERY_MAX_TERMS, -1.0);
	if ((*rc = api->xRowCount(fts, &rows)) == SQLITE_OK)
		*rc = api->xColumnTotalSize(fts, -1, &total);
	p->avgdl = rows > 0 && total > 0 ? (double)total / (double)rows : 1.0;
	/* Document frequencies to idf as FTS5's bm25() computes it; none given: idf 1. */
	for (i = 0; i < FTS_CJK_QUERY_MAX_TERMS; i++) {
		double n = p->idf[i];

		p->idf[i] = n < 0 ? 1.0 : log(((double)rows - n + 0.5) / (n + 0.5));
		if (p->idf[i] <= 0)
			p->idf[i] = 1e-6;
	}
	if (*rc == SQLITE_OK)
		*rc = api->xSetAuxdata(fts, p, sqlite3_free);
	else
		sqlite3_free(p);
	return *rc == SQLITE_OK ? p : NULL;
}

/*
 * cjk_rank(tbl, tier_mask, 'w0 w1 …', 'n0 n1 …'): BM25 (k1 1.2, b 0.75) as FTS5's bm25(), but
 * higher is better and with the phrases' document frequencies n given by the caller (who counts
 * them under its filters; FTS5's bm25() counts every phrase over the whole table again on each
 * statement); without them every idf is 1. Plus
 * FTS_CJK_RANK_TIER when every phrase that occurs in the row occurs in a column of tier_mask.
 */
static void cjk_rank(const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3_context *ctx, int argc,
                     sqlite3_value **argv)
{
	const double k1 = 1.2, b = 0.75;
	double tf[FTS_CJK_QUERY_MAX_TERMS] = {0}, score = 0;
	unsigned char in_tier[FTS_CJK_QUERY_MAX_TERMS] = {0}, seen[FTS_CJK_QUERY_MAX_TERMS] = {0};
	struct rank_params *p;
	int rc, n = 0, i, phrase, col, off, nphrase, len = 0, tier = 0, any = 0;

	if ((p = rank_params_of(api, fts, argv, argc, &rc)) == NULL)
		goto fail;
	nphrase = api->xPhraseCount(fts);
	if (nphrase > FTS_CJK_QUERY_MAX_TERMS)
		nphrase = FTS_CJK_QUERY_MAX_TERMS;
	if ((rc = api->xInstCount(fts, &n)) != SQLITE_OK ||
	    (rc = api->xColumnSize(fts, -1, &len)) != SQLITE_OK)
		goto fail;
	for (i = 0; i < n; i++) {
		if ((rc = api->xInst(fts, i, &phrase, &col, &off)) != SQLITE_OK)
			goto fail;
		if (phrase < 0 || phrase >= nphrase || col < 0 || col >= FTS_CJK_RANK_MAX_COLS)
			continue;
		tf[phrase] += p->weight[col];
		seen[phrase] = 1;
		if (col < 32 && (p->tier_mask >> col) & 1u)
			in_tier[phrase] = 1;
	}
	tier = 1;
	for (phrase = 0; phrase < nphrase; phrase++) {
		if (!seen[phrase])
			continue;
		any = 1;
		tier &= in_tier[phrase];
		score += p->idf[phrase] * tf[phrase] * (k1 + 1) /
		         (tf[phrase] + k1 * (1 - b + b * (double)len / p->avgdl));
	}
	sqlite3_result_double(ctx, score + (any && tier ? FTS_CJK_RANK_TIER : 0));
	return;
fail:
	sqlite3_result_error_code(ctx, rc == SQLITE_OK ? SQLITE_ERROR : rc);
}

static fts5_api *fts5_api_of(sqlite3 *db)
{
	fts5_api *api = NULL;
	sqlite3_stmt *st = NULL;

	if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &st, NULL) != SQLITE_OK)
		return NULL;
	sqlite3_bind_pointer(st, 1, (void *)&api, "fts5_api_ptr", NULL);
	sqlite3_step(st);
	sqlite3_finalize(st);
	return api;
}

int fts_cjk_register(sqlite3 *db)
{
	static fts5_tokenizer cjk = {cjk_create, cjk_delete, cjk_tokenize};
	struct err e = ERR_INIT;
	fts5_api *api;
	int rc;

	if (norm_init(&e) < 0)
		return -1;
	api = fts5_api_of(db);
	if (api == NULL || api->iVersion < 2) {
		log_error("fts_cjk: this SQLite has no FTS5 (version 2) API: %s",
		          sqlite3_errmsg(db));
		return -1;
	}
	rc = api->xCreateTokenizer(api, FTS_CJK_TOKENIZER, NULL, &cjk, NULL);
	if (rc != SQLITE_OK) {
		log_error("fts_cjk: xCreateTokenizer: %s", sqlite3_errstr(rc));
		return -1;
	}
	rc = api->xCreateFunction(api, FTS_CJK_RANK_FUNCTION, NULL, cjk_rank, NULL);
	if (rc != SQLITE_OK) {
		log_error("fts_cjk: xCreateFunction: %s", sqlite3_errstr(rc));
		return -1;
	}
	return 0;
}

/* ---- query language ---- */

struct term {
	const char *s;
	size_t len;
	int exclude;
};

static int is_separator(uint32_t cp)
{
	return cp == ' ' || (cp >= 0x09 && cp <= 0x0d) || cp == 0x3000;
}

static int is_open_quote(uint32_t cp)
{
	return cp == '"' || cp == 0x201c; /* " “ */
}

static int is_close_quote(uint32_t cp)
{
	return cp == '"' || cp == 0x201d; /* " ” */
}

static uint32_t cp_at(const char *q, size_t len, size_t i, int *n)
{
	uint32_t cp = 0;

	*n = utf8_decode(q + i, len - i, &cp); /* q is valid UTF-8: checked before */
	return cp;
}

/* Splits q into terms; q is valid UTF-8. Fills t (room for FTS_CJK_QUERY_MAX_TERMS). */
static int split_terms(const char *q, size_t len, struct term *t, size_t *nt, struct err *e)
{
	size_t i = 0, start, tlen;
	uint32_t cp;
	int n, exclude;

	*nt = 0;
	while (i < len) {
		cp = cp_at(q, len, i, &n);
		if (is_separator(cp)) {
			i += (size_t)n;
			continue;
		}
		exclude = 0;
		if (cp == '-' || cp == 0xff0d) {
			exclude = 1;
			i += (size_t)n;
			if (i >= len)
				break;
			cp = cp_at(q, len, i, &n);
			if (is_separator(cp))
				continue;
		}
		if (is_open_quote(cp)) {
			start = i += (size_t)n;
			while (i < len && !is_close_quote(cp_at(q, len, i, &n)))
				i += (size_t)n;
			tlen = i - start;
			if (i < len)
				i += (size_t)n;
		} else {
			start = i;
			while (i < len && !is_separator(cp_at(q, len, i, &n)))
				i += (size_t)n;
			tlen = i - start;
		}
		if (tlen == 0)
			continue;
		if (*nt == FTS_CJK_QUERY_MAX_TERMS)
			return err_field(e, ERR_VALIDATION, "q", "搜索词过多（最多 %d 个）",
			                 FTS_CJK_QUERY_MAX_TERMS);
		t[*nt].s = q + start;
		t[*nt].len = tlen;
		t[*nt].exclude = exclude;
		(*nt)++;
	}
	return 0;
}

/* 1 if the term yields at least one token, 0 if it normalises to whitespace or nothing. */
static int term_has_tokens(const struct term *t, struct err *e)
{
	struct norm_mapped m;
	size_t k;
	int found = 0;

	if (norm_text_map(t->s, t->len, &m, e) < 0)
		return -1;
	for (k = 0; k < m.nchars && !found; k++)
		found = fts_cjk_classify(m.chars[k].cp) != FTS_CJK_SPACE;
	norm_mapped_free(&m);
	return found;
}

static void add_quoted(struct buf *b, const struct term *t)
{
	size_t i;

	buf_addc(b, '"');
	for (i = 0; i < t->len; i++) {
		if (t->s[i] == '"')
			buf_addc(b, '"');
		buf_addc(b, t->s[i]);
	}
	buf_addc(b, '"');
}

/* Appends the terms with t[].exclude == exclude, joined by op; returns how many. */
static size_t add_terms(struct buf *b, const struct term *t, size_t nt, int exclude, const char *op)
{
	size_t k, count = 0;

	for (k = 0; k < nt; k++) {
		if (t[k].exclude != exclude)
			continue;
		if (count++ > 0)
			buf_adds(b, op);
		add_quoted(b, &t[k]);
	}
	return count;
}

char *fts_cjk_match_expr(const char *user_query, struct err *e)
{
	struct term t[FTS_CJK_QUERY_MAX_TERMS];
	struct buf b = BUF_INIT;
	size_t len, nt, kept = 0, k, npos = 0, ncp;
	int has;

	if (user_query == NULL)
		user_query = "";
	len = strlen(user_query);
	if (len > FTS_CJK_QUERY_MAX_BYTES) {
		err_field(e, ERR_VALIDATION, "q", "搜索词过长（最多 %d 字节）",
		          FTS_CJK_QUERY_MAX_BYTES);
		return NULL;
	}
	if (utf8_count(user_query, len, &ncp) < 0) {
		err_field(e, ERR_VALIDATION, "q", "搜索词不是有效的 UTF-8 文本");
		return NULL;
	}
	if (split_terms(user_query, len, t, &nt, e) < 0)
		return NULL;
	for (k = 0; k < nt; k++) {
		if ((has = term_has_tokens(&t[k], e)) < 0)
			return NULL;
		if (has) {
			npos += !t[k].exclude;
			t[kept++] = t[k];
		}
	}
	if (npos == 0) {
		err_field(e, ERR_VALIDATION, "q",
		          kept ? "请至少输入一个要查找的词（不能只有排除词）" : "请输入搜索词");
		return NULL;
	}
	if (npos == kept) {
		add_terms(&b, t, kept, 0, " AND ");
	} else {
		buf_addc(&b, '(');
		add_terms(&b, t, kept, 0, " AND ");
		buf_adds(&b, ") NOT (");
		add_terms(&b, t, kept, 1, " OR ");
		buf_addc(&b, ')');
	}
	return buf_detach(&b, NULL);
}
