/*
 * fuzz_xlsx.c - the streaming XLSX writer (render/xlsx.c) with untrusted cell text: every export
 * writes user-entered titles, opinions and names into sheet XML by hand.
 *
 * Input: the sheet name, then cell texts, separated by 0x1F; the first 8 bytes also give a number,
 * an integer and a date cell. The file is written, read back as a ZIP (central directory, CRC),
 * the sheet inflated, and every text cell decoded as Excel decodes it (XML entities, then
 * _xHHHH_). Invariants:
 *   - a refusal (sheet name, invalid UTF-8, non-finite number) is ERR_VALIDATION with a UTF-8
 *     message; otherwise the file closes and is a ZIP whose sheet CRC matches;
 *   - each text cell reads back as exactly the text written, header cells too, and nothing in
 *     the cell's XML is markup but the escapes;
 *   - the number and integer cells read back as the same values.
 */
#include "core/buf.h"
#include "fuzz_util.h"
#include "render/xlsx.h"

#include <math.h>
#include <unistd.h>
#include <zlib.h>

#define TEXTS_MAX 6

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint16_t le16(const unsigned char *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static unsigned char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *p = NULL;
	long n;

	FUZZ_CHECK(f != NULL, "cannot open %s", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	p = malloc((size_t)n + 1);
	FUZZ_CHECK(p && fread(p, 1, (size_t)n, f) == (size_t)n, "cannot read %s", path);
	fclose(f);
	*len = (size_t)n;
	return p;
}

/* The inflated member `name` of the ZIP in z (NUL-terminated, malloc'd). */
static char *member(const unsigned char *z, size_t zlen, const char *name, size_t *out_len)
{
	size_t eocd = zlen >= 22 ? zlen - 22 : 0, cd, i;
	unsigned entries;

	FUZZ_CHECK(zlen >= 22 && le32(z + eocd) == 0x06054b50, "no end of central directory");
	entries = le16(z + eocd + 10);
	cd = le32(z + eocd + 16);
	for (i = 0; i < entries; i++) {
		size_t nlen, elen, clen, loc, data, csize, usize;
		char *out;
		z_stream s = {0};

		FUZZ_CHECK(cd + 46 <= zlen && le32(z + cd) == 0x02014b50, "bad central entry");
		nlen = le16(z + cd + 28), elen = le16(z + cd + 30), clen = le16(z + cd + 32);
		if (nlen != strlen(name) || memcmp(z + cd + 46, name, nlen) != 0) {
			cd += 46 + nlen + elen + clen;
			continue;
		}
		csize = le32(z + cd + 20), usize = le32(z + cd + 24), loc = le32(z + cd + 42);
		FUZZ_CHECK(loc + 30 <= zlen && le32(z + loc) == 0x04034b50, "bad local header");
		data = loc + 30 + le16(z + loc + 26) + le16(z + loc + 28);
		FUZZ_CHECK(le16(z + cd + 10) == 8 && data + csize <= zlen, "member not deflated");
		out = malloc(usize + 1);
		FUZZ_CHECK(out && inflateInit2(&s, -15) == Z_OK, "inflate");
		s.next_in = (unsigned char *)z + data;
		s.avail_in = (uInt)csize;
		s.next_out = (unsigned char *)out;
		s.avail_out = (uInt)usize;
		FUZZ_CHECK(inflate(&s, Z_FINISH) == Z_STREAM_END && s.total_out == usize,
		           "%s does not inflate", name);
		inflateEnd(&s);
		FUZZ_CHECK(crc32(0, (unsigned char *)out, (uInt)usize) == le32(z + cd + 16),
		           "%s CRC", name);
		out[usize] = '\0';
		*out_len = usize;
		return out;
	}
	FUZZ_CHECK(0, "no member %s", name);
	return NULL;
}

static int hexv(char c)
{
	return c >= '0' && c <= '9'   ? c - '0'
	       : c >= 'a' && c <= 'f' ? c - 'a' + 10
	       : c >= 'A' && c <= 'F' ? c - 'A' + 10
	                              : -1;
}

static void put_utf8(struct buf *b, unsigned cp)
{
	if (cp < 0x80) {
		buf_addc(b, (char)cp);
	} else if (cp < 0x800) {
		buf_addc(b, (char)(0xc0 | cp >> 6));
		buf_addc(b, (char)(0x80 | (cp & 0x3f)));
	} else {
		buf_addc(b, (char)(0xe0 | cp >> 12));
		buf_addc(b, (char)(0x80 | ((cp >> 6) & 0x3f)));
		buf_addc(b, (char)(0x80 | (cp & 0x3f)));
	}
}

/* Cell text as Excel reads it: XML entities, then _xHHHH_ (with _x005F_ an escaped '_'). */
static char *decode_cell(const char *s, size_t n)
{
	static const struct {
		const char *ent, *ch;
	} ents[] = {{"&amp;", "&"},   {"&lt;", "<"},   {"&gt;", ">"},
	            {"&quot;", "\""}, {"&apos;", "'"}, {"&#13;", "\r"}};
	struct buf x = BUF_INIT, out = BUF_INIT;
	size_t i = 0, k;

	while (i < n) {
		FUZZ_CHECK(s[i] != '<' && s[i] != '>', "markup inside a cell: %.*s", (int)n, s);
		if (s[i] != '&') {
			buf_addc(&x, s[i++]);
			continue;
		}
		for (k = 0; k < 6 && strncmp(s + i, ents[k].ent, strlen(ents[k].ent)); k++)
			;
		FUZZ_CHECK(k < 6, "bare & in a cell: %.*s", (int)n, s);
		buf_adds(&x, ents[k].ch);
		i += strlen(ents[k].ent);
	}
	for (i = 0; i < x.len;) {
		const char *p = x.data + i;
		if (i + 7 <= x.len && p[0] == '_' && p[1] == 'x' && hexv(p[2]) >= 0 &&
		    hexv(p[3]) >= 0 && hexv(p[4]) >= 0 && hexv(p[5]) >= 0 && p[6] == '_') {
			put_utf8(&out, (unsigned)(hexv(p[2]) << 12 | hexv(p[3]) << 8 |
			                          hexv(p[4]) << 4 | hexv(p[5])));
			i += 7;
		} else {
			buf_addc(&out, *p);
			i++;
		}
	}
	buf_free(&x);
	if (out.data == NULL)
		buf_adds(&out, "");
	return buf_detach(&out, NULL);
}

/* The next <t>…</t> of the sheet from *pos, decoded. */
static char *next_text(const char **pos)
{
	const char *t = strstr(*pos, "<t"), *open, *close;
	char *s;

	FUZZ_CHECK(t != NULL, "text cell missing");
	open = strchr(t, '>');
	close = strstr(open, "</t>");
	FUZZ_CHECK(open && close, "unterminated text cell");
	s = decode_cell(open + 1, (size_t)(close - open - 1));
	*pos = close + 4;
	return s;
}

static const char *next_value(const char **pos)
{
	const char *v = strstr(*pos, "<v>");

	FUZZ_CHECK(v != NULL, "value cell missing");
	*pos = v + 3;
	return v + 3;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const headers[TEXTS_MAX] = {"标题",     "文号", "来文单位",
	                                               "办理意见", "备注", "_x0041_ & <b>"};
	char *in = fuzz_cstr(data, size), *parts[TEXTS_MAX + 1], *p = in, path[64];
	struct xlsx_column cols[TEXTS_MAX + 3];
	struct xlsx_cell cells[TEXTS_MAX + 3];
	struct xlsx_writer *w = NULL;
	struct err e = ERR_INIT;
	size_t np = 0, nt, zlen, xlen;
	unsigned char *zip;
	char *xml;
	const char *pos;
	double num = 0;
	int64_t ival = 0;

	memcpy(&num, data, size < 8 ? size : 8);
	memcpy(&ival, data, size < 8 ? size : 8);
	while (np <= TEXTS_MAX) {
		parts[np++] = p;
		if ((p = strchr(p, 0x1f)) == NULL)
			break;
		*p++ = '\0';
	}
	nt = np > 1 ? np - 1 : 1;
	for (size_t c = 0; c < nt; c++) {
		cols[c] = (struct xlsx_column){headers[c], XLSX_TEXT, 12};
		cells[c] = (struct xlsx_cell){.v.text = np > 1 ? parts[c + 1] : ""};
	}
	cols[nt] = (struct xlsx_column){"金额", XLSX_NUMBER, 10};
	cells[nt] = (struct xlsx_cell){.v.num = num};
	cols[nt + 1] = (struct xlsx_column){"件数", XLSX_INT, 8};
	cells[nt + 1] = (struct xlsx_cell){.v.i = ival};
	cols[nt + 2] = (struct xlsx_column){"日期", XLSX_DATE, 12};
	cells[nt + 2] = (struct xlsx_cell){.v.days = (int)(ival % 100000)};
	snprintf(path, sizeof path, "/tmp/jw-fuzz-xlsx-%d.xlsx", (int)getpid());

	if (xlsx_open(&w, path, parts[0], cols, nt + 3, &e) != 0 || xlsx_row(w, cells, &e) != 0) {
		FUZZ_CHECK(e.kind == ERR_VALIDATION && fuzz_utf8_valid(e.msg, strlen(e.msg)),
		           "refusal %d: %s", e.kind, e.msg);
		xlsx_abort(w);
		free(in);
		return 0;
	}
	FUZZ_CHECK(xlsx_close(w, &e) == 0, "close: %s", e.msg);
	zip = slurp(path, &zlen);
	unlink(path);
	xml = member(zip, zlen, "xl/worksheets/sheet1.xml", &xlen);
	FUZZ_CHECK(strlen(xml) == xlen, "NUL in sheet XML");
	pos = xml;
	for (size_t c = 0; c < nt + 3; c++) {
		char *got = next_text(&pos);
		FUZZ_CHECK(strcmp(got, cols[c].header) == 0, "header %zu reads '%s'", c, got);
		free(got);
	}
	for (size_t c = 0; c < nt; c++) {
		char *got;
		if (cells[c].v.text[0] == '\0')
			continue; /* empty text is not written */
		got = next_text(&pos);
		FUZZ_CHECK(strcmp(got, cells[c].v.text) == 0, "cell %zu reads '%s', wrote '%s'", c,
		           got, cells[c].v.text);
		free(got);
	}
	FUZZ_CHECK(strtod(next_value(&pos), NULL) == num, "number %.17g", num);
	FUZZ_CHECK(strtoll(next_value(&pos), NULL, 10) == ival, "integer %lld", (long long)ival);
	free(xml);
	free(zip);
	free(in);
	return 0;
}
