/*
 * fuzz_tokenizer.c - the FTS5 tokenizer "cjk" (search/fts_cjk.c) and the normalisation under it
 * (search/normalize.c) over arbitrary bytes, invalid UTF-8 and NUL included.
 *
 * The tokenizer is taken from a real SQLite connection (fts_cjk_register, then the fts5_api's
 * xFindTokenizer) and run in document and in query mode. Invariants:
 *   tokens   0 <= start < end <= n, both on character boundaries of the input (an invalid byte is
 *            a character of its own, as normalisation reads it); the text is non-empty, valid
 *            UTF-8, at most FTS_CJK_WORD_MAX bytes; starts never go backwards; a colocated token
 *            follows a primary token and never appears in query mode;
 *   norm     norm_text_map: text valid UTF-8 without NUL, one entry per code point with matching
 *            cp and out_off, input ranges non-empty, inside the input, never going backwards;
 *            normalising the whole equals normalising line by line (what norm_chunk_len relies
 *            on), and norm_chunk_len cuts where its header says.
 */
#include "fuzz_util.h"
#include "search/fts_cjk.h"
#include "search/normalize.h"

#include <sqlite3.h>

static sqlite3 *db;
static fts5_tokenizer tk;
static Fts5Tokenizer *tok;

static void setup(void)
{
	fts5_api *api = NULL;
	sqlite3_stmt *st = NULL;
	void *ud = NULL;

	if (sqlite3_open(":memory:", &db) != SQLITE_OK || fts_cjk_register(db) != 0)
		abort();
	if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &st, NULL) != SQLITE_OK)
		abort();
	sqlite3_bind_pointer(st, 1, (void *)&api, "fts5_api_ptr", NULL);
	sqlite3_step(st);
	sqlite3_finalize(st);
	if (api == NULL || api->xFindTokenizer(api, FTS_CJK_TOKENIZER, &ud, &tk) != SQLITE_OK ||
	    tk.xCreate(ud, NULL, 0, &tok) != SQLITE_OK)
		abort();
}

struct seen {
	const char *in;
	int n;
	const unsigned char *boundary; /* boundary[i]: a character starts at byte i (or i == n) */
	int query;
	int last_start;
	int primaries;
};

static int on_token(void *ctx, int tflags, const char *t, int nt, int start, int end)
{
	struct seen *s = ctx;

	FUZZ_CHECK(start >= 0 && start < end && end <= s->n, "range %d..%d of %d", start, end,
	           s->n);
	FUZZ_CHECK(s->boundary[start] && s->boundary[end], "range %d..%d inside a character", start,
	           end);
	FUZZ_CHECK(nt > 0 && nt <= FTS_CJK_WORD_MAX, "token of %d bytes", nt);
	FUZZ_CHECK(fuzz_utf8_valid(t, (size_t)nt) && memchr(t, 0, (size_t)nt) == NULL,
	           "token not UTF-8");
	if (tflags & FTS5_TOKEN_COLOCATED) {
		FUZZ_CHECK(!s->query, "colocated token in a query");
		FUZZ_CHECK(s->primaries > 0, "colocated token first");
	} else {
		FUZZ_CHECK(start >= s->last_start, "start %d after %d", start, s->last_start);
		s->last_start = start;
		s->primaries++;
	}
	return SQLITE_OK;
}

static void check_tokens(const char *in, size_t n, const unsigned char *boundary)
{
	for (int query = 0; query <= 1; query++) {
		struct seen s = {in, (int)n, boundary, query, 0, 0};
		int rc = tk.xTokenize(tok, &s, query ? FTS5_TOKENIZE_QUERY : FTS5_TOKENIZE_DOCUMENT,
		                      in, (int)n, on_token);
		FUZZ_CHECK(rc == SQLITE_OK, "xTokenize: %d", rc);
	}
}

static void check_map(size_t n, const struct norm_mapped *m)
{
	size_t off = 0, prev_start = 0;

	FUZZ_CHECK(m->text != NULL && strlen(m->text) == m->len, "text length %zu", m->len);
	FUZZ_CHECK(fuzz_utf8_valid(m->text, m->len), "normalised text not UTF-8");
	for (size_t k = 0; k < m->nchars; k++) {
		const struct norm_char *c = &m->chars[k];
		int len = fuzz_utf8_seq_len((const unsigned char *)m->text + off, m->len - off);
		uint32_t cp = 0;

		FUZZ_CHECK(c->out_off == off && len > 0, "char %zu at %u, expected %zu", k,
		           c->out_off, off);
		for (int i = 0; i < len; i++) {
			unsigned char b = (unsigned char)m->text[off + (size_t)i];
			cp = i == 0 ? (len == 1 ? b : b & (0xff >> (len + 1)))
			            : (cp << 6) | (b & 0x3f);
		}
		FUZZ_CHECK(cp == c->cp, "char %zu is U+%04X, map says U+%04X", k, cp, c->cp);
		FUZZ_CHECK(c->in_start < c->in_end && c->in_end <= n, "char %zu from %u..%u of %zu",
		           k, c->in_start, c->in_end, n);
		FUZZ_CHECK(c->in_start >= prev_start, "char %zu goes back to %u", k, c->in_start);
		prev_start = c->in_start;
		off += (size_t)len;
	}
	FUZZ_CHECK(off == m->len, "%zu of %zu bytes mapped", off, m->len);
}

/* The whole text normalises as its lines do one by one. */
static void check_lines(const char *in, size_t n, const struct norm_mapped *whole)
{
	size_t i = 0, done = 0; /* bytes of whole->text the lines so far account for */
	int same = 1;

	while (i < n && same) {
		const char *nl = memchr(in + i, '\n', n - i);
		size_t len = nl ? (size_t)(nl - (in + i)) + 1 : n - i;
		struct err e = ERR_INIT;
		struct norm_mapped m;

		FUZZ_CHECK(norm_text_map(in + i, len, &m, &e) == 0, "line: %s", e.msg);
		same = done + m.len <= whole->len && memcmp(whole->text + done, m.text, m.len) == 0;
		if (same)
			done += m.len;
		norm_mapped_free(&m);
		i += len;
	}
	FUZZ_CHECK(same && done == whole->len, "line-by-line normalisation differs at byte %zu",
	           done);
}

static void check_chunk(const char *in, size_t n, size_t max)
{
	size_t k = norm_chunk_len(in, n, max);

	if (n <= max) {
		FUZZ_CHECK(k == n, "chunk %zu of %zu", k, n);
		return;
	}
	FUZZ_CHECK(k > 0 && k <= max, "chunk %zu, max %zu", k, max);
	if (memchr(in, '\n', max))
		FUZZ_CHECK(in[k - 1] == '\n' && memchr(in + k, '\n', max - k) == NULL,
		           "chunk %zu does not end at the last line break", k);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *in = (const char *)data;
	unsigned char *boundary;
	struct norm_mapped m;
	struct err e = ERR_INIT;
	size_t i = 0;

	if (tok == NULL)
		setup();
	if (size > NORM_MAX_INPUT)
		return 0;
	boundary = calloc(size + 1, 1);
	if (boundary == NULL)
		abort();
	while (i < size) {
		int k = fuzz_utf8_seq_len(data + i, size - i);
		boundary[i] = 1;
		i += k > 0 ? (size_t)k : 1;
	}
	boundary[size] = 1;

	check_tokens(in, size, boundary);
	FUZZ_CHECK(norm_text_map(in, size, &m, &e) == 0, "norm_text_map: %s", e.msg);
	check_map(size, &m);
	check_lines(in, size, &m);
	norm_mapped_free(&m);
	if (size > 4)
		check_chunk(in, size, 4 + data[0] % 64);
	free(boundary);
	return 0;
}
