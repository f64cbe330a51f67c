/*
 * xlsx.c - streaming Excel writer (see xlsx.h): sheet XML written by hand, deflated with zlib
 * straight into a ZIP container written here.
 *
 * File layout, in order: the fixed parts ([Content_Types].xml, the relationships, docProps,
 * styles) written at open; xl/worksheets/sheet1.xml deflated row by row as the rows come; at close
 * xl/workbook.xml (its filter range needs the row count), then the central directory. Each local
 * header is written with zero CRC and sizes and patched in place (pwrite) when its member ends, so
 * no data descriptors are needed and every reader sees a plain ZIP.
 */
#include "render/xlsx.h"
#include "core/buf.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>

#include "core/timeutil.h"
#include "core/utf8.h"

/* Excel serial of 1970-01-01 in the 1900 date system. */
#define EXCEL_EPOCH_1970 25569.0
#define EXCEL_EPOCH_DAYS 25569

#define XML_BUF       (64 * 1024)  /* sheet XML staged before each deflate() call */
#define OUT_BUF       (128 * 1024) /* deflate output staged before each write() */
#define XML_PIECE_MAX 128          /* longest fixed piece of cell markup (prefix or number) */
#define DEFLATE_LEVEL 2            /* measured: fewer instructions than 1, 11% smaller */
#define ZIP_MEMBERS   8
#define ZIP_NAME_MAX  32
#define ZIP32_MAX     0xFFFFFFFFull /* sizes and offsets of a ZIP without ZIP64 */
#define SMALL_PART    4096          /* bytes of the largest fixed part (workbook.xml, app.xml) */
/* fixed-point datetime serials: 10 decimals (4 µs), integer part bounded so that it fits int64 */
#define SERIAL_DECIMALS 10
#define SERIAL_SCALE    10000000000LL
#define SERIAL_DAYS_MAX 900000000LL
/* numbers with up to 6 decimals are formatted without printf (fmt_double) */
#define FIXED_DECIMALS 6
#define FIXED_SCALE    1e6
#define FIXED_MAX      9007199254740992.0 /* 2^53: every integer below is exact */

struct zip_member {
	char name[ZIP_NAME_MAX];
	uint32_t crc;
	uint64_t csize, usize, offset;
};

struct xlsx_writer {
	int fd;
	int own_file; /* path was created or truncated here: abort removes it */
	int failed;
	char *path;
	char *sheet_name;
	size_t ncols;
	size_t rows; /* data rows written */
	enum xlsx_type types[XLSX_COLS_MAX];
	char colname[XLSX_COLS_MAX][4]; /* "A" .. "BL" */
	uint16_t dos_time, dos_date;    /* of every member: the time of xlsx_open, China time */

	struct zip_member members[ZIP_MEMBERS];
	size_t nmembers;
	uint64_t pos; /* bytes written to the file */

	z_stream zs;
	int zs_ready;
	struct zip_member *cur; /* member being written, NULL between members */

	size_t xml_len, out_len;
	unsigned char xml[XML_BUF];
	unsigned char out[OUT_BUF];
};

double xlsx_serial_date(int days)
{
	return EXCEL_EPOCH_1970 + days;
}

double xlsx_serial_time(int64_t t)
{
	return EXCEL_EPOCH_1970 + (double)(t + CN_UTC_OFFSET) / 86400.0;
}

/* ---- validation ------------------------------------------------------------------------------ */

/* Counts UTF-8 characters; -1 when s is not valid UTF-8. */
static long utf8_chars(const char *s)
{
	size_t count;

	return utf8_count(s, strlen(s), &count) == 0 ? (long)count : -1;
}

static int check_sheet_name(const char *name, struct err *e)
{
	long n = name ? utf8_chars(name) : -1;
	const char *p;

	if (n <= 0)
		return err_field(e, ERR_VALIDATION, "sheet_name", "工作表名称不能为空");
	if (n > XLSX_SHEET_NAME_MAX)
		return err_field(e, ERR_VALIDATION, "sheet_name", "工作表名称不能超过 %d 个字",
		                 XLSX_SHEET_NAME_MAX);
	if (strpbrk(name, "[]:*?/\\") || name[0] == '\'' || name[strlen(name) - 1] == '\'')
		return err_field(e, ERR_VALIDATION, "sheet_name",
		                 "工作表名称不能含有 [ ] : * ? / \\ 或以单引号开头结尾");
	for (p = name; *p; p++)
		if ((unsigned char)*p < 0x20)
			return err_field(e, ERR_VALIDATION, "sheet_name",
			                 "工作表名称不能含有控制字符");
	return 0;
}

static int check_columns(const struct xlsx_column *cols, size_t ncols, struct err *e)
{
	size_t i;

	if (ncols == 0 || ncols > XLSX_COLS_MAX)
		return err_field(e, ERR_VALIDATION, "columns", "列数须在 1 到 %d 之间",
		                 XLSX_COLS_MAX);
	for (i = 0; i < ncols; i++) {
		long n = cols[i].header ? utf8_chars(cols[i].header) : -1;

		if (n < 0 || n > XLSX_TEXT_MAX)
			return err_field(e, ERR_VALIDATION, "columns", "第 %zu 列的标题无效",
			                 i + 1);
		if ((unsigned)cols[i].type > XLSX_DATETIME)
			return err_field(e, ERR_VALIDATION, "columns", "第 %zu 列的类型无效",
			                 i + 1);
		if (!(cols[i].width >= 0 && cols[i].width <= XLSX_WIDTH_MAX))
			return err_field(e, ERR_VALIDATION, "columns", "第 %zu 列的宽度无效",
			                 i + 1);
	}
	return 0;
}

/* ---- the file and the ZIP container ---------------------------------------------------------- */

static void put16(unsigned char *p, unsigned v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
}

static void put32(unsigned char *p, uint64_t v)
{
	put16(p, (unsigned)(v & 0xFFFF));
	put16(p + 2, (unsigned)(v >> 16 & 0xFFFF));
}

/* Marks w failed with an internal error (the detail goes to the log). */
static int fail_io(struct xlsx_writer *w, const char *what, struct err *e)
{
	w->failed = 1;
	return err_internal(e, "xlsx: %s %s: %s", what, w->path, strerror(errno));
}

static int fail_too_large(struct xlsx_writer *w, struct err *e)
{
	w->failed = 1;
	return err_set(e, ERR_TOO_LARGE, "导出内容超过 Excel 文件 4 GB 上限，请缩小范围后分批导出");
}

static int write_all(struct xlsx_writer *w, const unsigned char *p, size_t n, struct err *e)
{
	if (w->pos + n > ZIP32_MAX)
		return fail_too_large(w, e);
	while (n > 0) {
		ssize_t k = write(w->fd, p, n);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return fail_io(w, "write", e);
		p += k;
		n -= (size_t)k;
		w->pos += (uint64_t)k;
	}
	return 0;
}

static int out_flush(struct xlsx_writer *w, struct err *e)
{
	int rc = write_all(w, w->out, w->out_len, e);

	w->out_len = 0;
	return rc;
}

/* Feeds n bytes of the current member's content to deflate (flush: Z_NO_FLUSH or Z_FINISH). */
static int deflate_feed(struct xlsx_writer *w, const unsigned char *p, size_t n, int flush,
                        struct err *e)
{
	struct zip_member *m = w->cur;
	int zrc;

	if (m->usize + n > ZIP32_MAX)
		return fail_too_large(w, e);
	m->crc = (uint32_t)crc32(m->crc, p, (uInt)n);
	m->usize += n;
	w->zs.next_in = (unsigned char *)p;
	w->zs.avail_in = (uInt)n;
	do {
		w->zs.next_out = w->out + w->out_len;
		w->zs.avail_out = (uInt)(OUT_BUF - w->out_len);
		zrc = deflate(&w->zs, flush);
		if (zrc == Z_STREAM_ERROR) {
			w->failed = 1;
			return err_internal(e, "xlsx: deflate failed");
		}
		w->out_len = OUT_BUF - w->zs.avail_out;
		if (w->out_len == OUT_BUF && out_flush(w, e))
			return -1;
	} while (w->zs.avail_in > 0 || (flush == Z_FINISH && zrc != Z_STREAM_END));
	return 0;
}

static int xml_flush(struct xlsx_writer *w, struct err *e)
{
	int rc = deflate_feed(w, w->xml, w->xml_len, Z_NO_FLUSH, e);

	w->xml_len = 0;
	return rc;
}

/* Starts a member: its local header with CRC and sizes left zero until member_end(). */
static int member_begin(struct xlsx_writer *w, const char *name, struct err *e)
{
	unsigned char h[30 + ZIP_NAME_MAX];
	size_t nlen = strlen(name);
	struct zip_member *m = &w->members[w->nmembers++];

	memset(m, 0, sizeof(*m));
	memcpy(m->name, name, nlen + 1);
	m->offset = w->pos + w->out_len;
	memset(h, 0, 30);
	put32(h, 0x04034b50);
	put16(h + 4, 20); /* version needed: 2.0, deflate */
	put16(h + 8, 8);  /* method: deflate */
	put16(h + 10, w->dos_time);
	put16(h + 12, w->dos_date);
	put16(h + 26, (unsigned)nlen);
	memcpy(h + 30, name, nlen);
	if (out_flush(w, e) || write_all(w, h, 30 + nlen, e))
		return -1;
	if (deflateReset(&w->zs) != Z_OK) {
		w->failed = 1;
		return err_internal(e, "xlsx: deflateReset failed");
	}
	w->cur = m;
	return 0;
}

/* Ends the current member: finishes its deflate stream and patches its local header. */
static int member_end(struct xlsx_writer *w, struct err *e)
{
	struct zip_member *m = w->cur;
	size_t nlen = strlen(m->name);
	unsigned char h[12];

	if (deflate_feed(w, w->xml, w->xml_len, Z_FINISH, e) || out_flush(w, e))
		return -1;
	w->xml_len = 0;
	m->csize = w->pos - m->offset - 30 - nlen;
	put32(h, m->crc);
	put32(h + 4, m->csize);
	put32(h + 8, m->usize);
	if (pwrite(w->fd, h, sizeof(h), (off_t)(m->offset + 14)) != (ssize_t)sizeof(h))
		return fail_io(w, "pwrite", e);
	w->cur = NULL;
	return 0;
}

/* One whole member from a string. */
static int put_member(struct xlsx_writer *w, const char *name, const char *data, size_t len,
                      struct err *e)
{
	if (member_begin(w, name, e))
		return -1;
	if (deflate_feed(w, (const unsigned char *)data, len, Z_NO_FLUSH, e))
		return -1;
	return member_end(w, e);
}

static int write_central_directory(struct xlsx_writer *w, struct err *e)
{
	unsigned char h[46 + ZIP_NAME_MAX];
	uint64_t start = w->pos;
	size_t i;

	for (i = 0; i < w->nmembers; i++) {
		const struct zip_member *m = &w->members[i];
		size_t nlen = strlen(m->name);

		memset(h, 0, 46);
		put32(h, 0x02014b50);
		put16(h + 4, 20); /* made by: MS-DOS, 2.0 */
		put16(h + 6, 20);
		put16(h + 10, 8);
		put16(h + 12, w->dos_time);
		put16(h + 14, w->dos_date);
		put32(h + 16, m->crc);
		put32(h + 20, m->csize);
		put32(h + 24, m->usize);
		put16(h + 28, (unsigned)nlen);
		put32(h + 42, m->offset);
		memcpy(h + 46, m->name, nlen);
		if (write_all(w, h, 46 + nlen, e))
			return -1;
	}
	memset(h, 0, 22);
	put32(h, 0x06054b50);
	put16(h + 8, (unsigned)w->nmembers);
	put16(h + 10, (unsigned)w->nmembers);
	put32(h + 12, w->pos - start);
	put32(h + 16, start);
	return write_all(w, h, 22, e);
}

/* ---- sheet XML ------------------------------------------------------------------------------- */

/* Room for n more bytes in the staging buffer (n <= XML_BUF). */
static int xml_reserve(struct xlsx_writer *w, size_t n, struct err *e)
{
	return w->xml_len + n > XML_BUF ? xml_flush(w, e) : 0;
}

static int xml_put(struct xlsx_writer *w, const void *p, size_t n, struct err *e)
{
	if (w->xml_len + n > XML_BUF) {
		if (xml_flush(w, e))
			return -1;
		if (n > XML_BUF)
			return deflate_feed(w, p, n, Z_NO_FLUSH, e);
	}
	memcpy(w->xml + w->xml_len, p, n);
	w->xml_len += n;
	return 0;
}

#define XML_LIT(w, s, e) xml_put(w, s, sizeof(s) - 1, e)

/*
 * Bytes of cell text that are not copied as they are: markup (& < >), CR (XML parsers turn it into
 * LF), the control characters XML 1.0 forbids, '_' (might start a literal "_xHHHH_", which Excel
 * would decode) and 0xEF (lead byte of U+FFFE and U+FFFF, also forbidden).
 */
static const unsigned char text_special[256] = {
    1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 1, 1, 1, /* 0x00: all but TAB and LF */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 0x10 */
    0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0x20: & */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0, /* 0x30: < > */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0x40 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, /* 0x50: _ */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0x60 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0x70 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0x80 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0x90 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0xA0 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0xB0 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0xC0 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0xD0 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, /* 0xE0: EF */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0xF0 */
};

static int is_hex(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* Is the character at s (n bytes left) written as Excel's _xHHHH_ escape by escape_one? */
static int escaped_as_x(const unsigned char *s, size_t n)
{
	return (s[0] < 0x20 && s[0] != '\t' && s[0] != '\n' && s[0] != '\r') ||
	       (n >= 3 && s[0] == 0xEF && s[1] == 0xBF && (s[2] == 0xBE || s[2] == 0xBF));
}

/*
 * The replacement of the special byte at s (n bytes left) into rep; *used = bytes of s it
 * stands for. Returns the length of rep, 0 to copy the byte as it is.
 */
static size_t escape_one(const unsigned char *s, size_t n, char rep[8], size_t *used)
{
	static const char hex[] = "0123456789ABCDEF";

	*used = 1;
	switch (s[0]) {
	case '&':
		memcpy(rep, "&amp;", 5);
		return 5;
	case '<':
		memcpy(rep, "&lt;", 4);
		return 4;
	case '>':
		memcpy(rep, "&gt;", 4);
		return 4;
	case '\r':
		memcpy(rep, "&#13;", 5);
		return 5;
	case '_': /* a literal "_xHHHH_" keeps its underscore as _x005F_; so does "_xHHHH" before a
	           * byte escaped as _x…_ below, whose '_' would complete the pattern */
		if (n >= 7 && s[1] == 'x' && is_hex(s[2]) && is_hex(s[3]) && is_hex(s[4]) &&
		    is_hex(s[5]) && (s[6] == '_' || escaped_as_x(s + 6, n - 6))) {
			memcpy(rep, "_x005F_", 7);
			return 7;
		}
		return 0;
	case 0xEF: /* U+FFFE, U+FFFF */
		if (n >= 3 && s[1] == 0xBF && (s[2] == 0xBE || s[2] == 0xBF)) {
			memcpy(rep, s[2] == 0xBE ? "_xFFFE_" : "_xFFFF_", 7);
			*used = 3;
			return 7;
		}
		return 0;
	default: /* control characters, as Excel writes them */
		memcpy(rep, "_x00", 4);
		rep[4] = hex[s[0] >> 4];
		rep[5] = hex[s[0] & 15];
		rep[6] = '_';
		return 7;
	}
}

/* Text content of n bytes of valid UTF-8, escaped. */
static int xml_text(struct xlsx_writer *w, const char *text, size_t n, struct err *e)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t i = 0, run = 0;

	while (i < n) {
		char rep[8];
		size_t used, k;

		if (!text_special[s[i]]) {
			i++;
			continue;
		}
		k = escape_one(s + i, n - i, rep, &used);
		if (k == 0) {
			i += used;
			continue;
		}
		if (xml_put(w, s + run, i - run, e) || xml_put(w, rep, k, e))
			return -1;
		i += used;
		run = i;
	}
	return xml_put(w, s + run, n - run, e);
}

static int is_xml_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* The fixed-point number v / 10^decimals, without trailing zeros after the point. */
static size_t fmt_fixed(char *p, int64_t v, int decimals)
{
	uint64_t a = v < 0 ? -(uint64_t)v : (uint64_t)v, scale = 1, frac;
	size_t n = 0;
	int i, keep;

	for (i = 0; i < decimals; i++)
		scale *= 10;
	if (v < 0)
		p[n++] = '-';
	n += dec_u64(p + n, a / scale);
	frac = a % scale;
	if (frac == 0)
		return n;
	for (keep = decimals; frac % 10 == 0; keep--)
		frac /= 10;
	p[n++] = '.';
	for (i = keep - 1; i >= 0; i--, frac /= 10)
		p[n + (size_t)i] = (char)('0' + frac % 10);
	return n + (size_t)keep;
}

/*
 * A finite double as text that reads back as the same double. Most values in registers have few
 * decimals: when v is m / 10^6 rounded (a correctly rounded division, the same rounding strtod
 * applies to the decimal m / 10^6), the digits of m are exact and no printf is needed. Otherwise
 * 15 significant digits when they read back, else 17.
 */
static size_t fmt_double(char *p, double v)
{
	double m = nearbyint(v * FIXED_SCALE);
	int n;

	if (fabs(m) < FIXED_MAX && m / FIXED_SCALE == v)
		return fmt_fixed(p, (int64_t)m, FIXED_DECIMALS);
	n = snprintf(p, 32, "%.15g", v);
	if (strtod(p, NULL) != v)
		n = snprintf(p, 32, "%.17g", v);
	return (size_t)n;
}

/* The serial of a Unix time in China time, by integer arithmetic: 10 decimals, no trailing 0. */
static size_t fmt_serial_time(char *p, int64_t t)
{
	int64_t local, day, sec;

	if (t > SERIAL_DAYS_MAX * 86400 || t < -SERIAL_DAYS_MAX * 86400)
		return fmt_double(p, xlsx_serial_time(t)); /* far outside Excel's calendar anyway */
	local = t + CN_UTC_OFFSET;
	day = local >= 0 ? local / 86400 : -((-local + 86399) / 86400);
	sec = local - day * 86400;
	return fmt_fixed(
	    p, (day + EXCEL_EPOCH_DAYS) * SERIAL_SCALE + (sec * SERIAL_SCALE + 43200) / 86400,
	    SERIAL_DECIMALS);
}

/* "<c r=\"B12\"" of column c in the row whose number is rnum (rlen digits). */
static size_t fmt_cell_ref(const struct xlsx_writer *w, char *p, size_t c, const char *rnum,
                           size_t rlen)
{
	size_t clen = strlen(w->colname[c]);

	memcpy(p, "<c r=\"", 6);
	memcpy(p + 6, w->colname[c], clen);
	memcpy(p + 6 + clen, rnum, rlen);
	p[6 + clen + rlen] = '"';
	return 7 + clen + rlen;
}

/* One text cell (style 0 or the header's 1); empty text with no style writes nothing. */
static int put_text_cell(struct xlsx_writer *w, size_t c, const char *rnum, size_t rlen,
                         const char *text, int header, struct err *e)
{
	size_t n = strlen(text), k;
	char *p;

	if (n == 0 && !header)
		return 0;
	if (xml_reserve(w, XML_PIECE_MAX, e))
		return -1;
	p = (char *)w->xml + w->xml_len;
	k = fmt_cell_ref(w, p, c, rnum, rlen);
	if (n == 0) {
		memcpy(p + k, " s=\"1\"/>", 8);
		w->xml_len += k + 8;
		return 0;
	}
	if (header) {
		memcpy(p + k, " s=\"1\"", 6);
		k += 6;
	}
	if (is_xml_space(text[0]) || is_xml_space(text[n - 1])) {
		memcpy(p + k, " t=\"inlineStr\"><is><t xml:space=\"preserve\">", 43);
		k += 43;
	} else {
		memcpy(p + k, " t=\"inlineStr\"><is><t>", 22);
		k += 22;
	}
	w->xml_len += k;
	if (xml_text(w, text, n, e))
		return -1;
	return XML_LIT(w, "</t></is></c>", e);
}

/* One number cell: "<c r=.. s=..><v>digits</v></c>". */
static int put_value_cell(struct xlsx_writer *w, size_t c, const char *rnum, size_t rlen, int style,
                          const struct xlsx_cell *cell)
{
	char *p = (char *)w->xml + w->xml_len;
	size_t k = fmt_cell_ref(w, p, c, rnum, rlen);

	if (style) {
		memcpy(p + k, " s=\"", 4);
		p[k + 4] = (char)('0' + style);
		p[k + 5] = '"';
		k += 6;
	}
	memcpy(p + k, "><v>", 4);
	k += 4;
	switch (w->types[c]) {
	case XLSX_INT:
		k += dec_i64(p + k, cell->v.i);
		break;
	case XLSX_NUMBER:
		k += fmt_double(p + k, cell->v.num);
		break;
	case XLSX_DATE:
		k += dec_i64(p + k, (int64_t)cell->v.days + EXCEL_EPOCH_DAYS);
		break;
	case XLSX_DATETIME:
		k += fmt_serial_time(p + k, cell->v.time);
		break;
	case XLSX_TEXT:
		break;
	}
	memcpy(p + k, "</v></c>", 8);
	w->xml_len += k + 8;
	return 0;
}

/* Starts "<row r=\"N\">" and leaves N's digits in rnum. */
static int put_row_start(struct xlsx_writer *w, size_t r, char rnum[24], size_t *rlen,
                         struct err *e)
{
	char *p;

	*rlen = dec_u64(rnum, r);
	if (xml_reserve(w, XML_PIECE_MAX, e))
		return -1;
	p = (char *)w->xml + w->xml_len;
	memcpy(p, "<row r=\"", 8);
	memcpy(p + 8, rnum, *rlen);
	memcpy(p + 8 + *rlen, "\">", 2);
	w->xml_len += 10 + *rlen;
	return 0;
}

/* libxlsxwriter's conversion of a width in characters to Excel's stored width (Calibri 11: 7-pixel
 * digits, 5 pixels of padding, 1/256 steps), so files keep the widths they had. */
static double stored_width(double width)
{
	unsigned px = (unsigned)(width * 7 + 0.5);

	if (width < 1)
		px = (unsigned)(width * 12 + 0.5);
	else
		px += 5;
	return (unsigned)(px / 7.0 * 256.0) / 256.0;
}

static int put_sheet_start(struct xlsx_writer *w, const struct xlsx_column *cols, struct err *e)
{
	char buf[XML_PIECE_MAX], rnum[24];
	size_t i, rlen;
	int have_cols = 0;

	if (XML_LIT(
	        w,
	        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
	        "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
	        "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">"
	        "<sheetViews><sheetView tabSelected=\"1\" workbookViewId=\"0\">"
	        "<pane ySplit=\"1\" topLeftCell=\"A2\" activePane=\"bottomLeft\" "
	        "state=\"frozen\"/><selection pane=\"bottomLeft\"/></sheetView></sheetViews>"
	        "<sheetFormatPr defaultRowHeight=\"15\"/>",
	        e))
		return -1;
	for (i = 0; i < w->ncols; i++) {
		int n;

		if (cols[i].width <= 0)
			continue;
		if (!have_cols && XML_LIT(w, "<cols>", e))
			return -1;
		have_cols = 1;
		n = snprintf(buf, sizeof(buf),
		             "<col min=\"%zu\" max=\"%zu\" width=\"%.10g\" customWidth=\"1\"/>",
		             i + 1, i + 1, stored_width(cols[i].width));
		if (xml_put(w, buf, (size_t)n, e))
			return -1;
	}
	if ((have_cols && XML_LIT(w, "</cols>", e)) || XML_LIT(w, "<sheetData>", e) ||
	    put_row_start(w, 1, rnum, &rlen, e))
		return -1;
	for (i = 0; i < w->ncols; i++)
		if (put_text_cell(w, i, rnum, rlen, cols[i].header, 1, e))
			return -1;
	return XML_LIT(w, "</row>", e);
}

static int put_sheet_end(struct xlsx_writer *w, struct err *e)
{
	char buf[2 * XML_PIECE_MAX];
	int n =
	    snprintf(buf, sizeof(buf),
	             "</sheetData><autoFilter ref=\"A1:%s%zu\"/><pageMargins left=\"0.7\" "
	             "right=\"0.7\" top=\"0.75\" bottom=\"0.75\" header=\"0.3\" footer=\"0.3\"/>"
	             "</worksheet>",
	             w->colname[w->ncols - 1], w->rows + 1);

	return xml_put(w, buf, (size_t)n, e);
}

/* ---- the fixed parts ------------------------------------------------------------------------- */

#define XML_DECL "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
#define NS_REL   "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

static const char content_types[] = XML_DECL
    "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
    "<Default Extension=\"rels\" "
    "ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
    "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
    "<Override PartName=\"/docProps/app.xml\" "
    "ContentType=\"application/vnd.openxmlformats-officedocument.extended-properties+xml\"/>"
    "<Override PartName=\"/docProps/core.xml\" "
    "ContentType=\"application/vnd.openxmlformats-package.core-properties+xml\"/>"
    "<Override PartName=\"/xl/styles.xml\" "
    "ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml\"/>"
    "<Override PartName=\"/xl/workbook.xml\" "
    "ContentType=\"application/"
    "vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>"
    "<Override PartName=\"/xl/worksheets/sheet1.xml\" "
    "ContentType=\"application/"
    "vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/></Types>";

static const char root_rels[] = XML_DECL
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId1\" Type=\"" NS_REL "/officeDocument\" "
    "Target=\"xl/workbook.xml\"/>"
    "<Relationship Id=\"rId2\" "
    "Type=\"http://schemas.openxmlformats.org/package/2006/relationships/metadata/"
    "core-properties\" Target=\"docProps/core.xml\"/>"
    "<Relationship Id=\"rId3\" Type=\"" NS_REL "/extended-properties\" "
    "Target=\"docProps/app.xml\"/></Relationships>";

static const char workbook_rels[] = XML_DECL
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId1\" Type=\"" NS_REL "/worksheet\" "
    "Target=\"worksheets/sheet1.xml\"/>"
    "<Relationship Id=\"rId2\" Type=\"" NS_REL "/styles\" Target=\"styles.xml\"/>"
    "</Relationships>";

/* Styles (cellXfs): 0 default, 1 header (bold, thin bottom border), 2 date, 3 datetime. */
static const char styles[] =
    XML_DECL "<styleSheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
             "<numFmts count=\"2\"><numFmt numFmtId=\"164\" formatCode=\"yyyy-mm-dd\"/>"
             "<numFmt numFmtId=\"165\" formatCode=\"yyyy-mm-dd hh:mm:ss\"/></numFmts>"
             "<fonts count=\"2\"><font><sz val=\"11\"/><name val=\"Calibri\"/><family val=\"2\"/>"
             "</font><font><b/><sz val=\"11\"/><name val=\"Calibri\"/><family val=\"2\"/></font>"
             "</fonts><fills count=\"2\"><fill><patternFill patternType=\"none\"/></fill>"
             "<fill><patternFill patternType=\"gray125\"/></fill></fills>"
             "<borders count=\"2\"><border><left/><right/><top/><bottom/><diagonal/></border>"
             "<border><left/><right/><top/><bottom style=\"thin\"><color auto=\"1\"/></bottom>"
             "<diagonal/></border></borders>"
             "<cellStyleXfs count=\"1\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" "
             "borderId=\"0\"/></cellStyleXfs>"
             "<cellXfs count=\"4\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\" "
             "xfId=\"0\"/><xf numFmtId=\"0\" fontId=\"1\" fillId=\"0\" borderId=\"1\" xfId=\"0\" "
             "applyFont=\"1\" applyBorder=\"1\"/><xf numFmtId=\"164\" fontId=\"0\" fillId=\"0\" "
             "borderId=\"0\" xfId=\"0\" applyNumberFormat=\"1\"/><xf numFmtId=\"165\" "
             "fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyNumberFormat=\"1\"/>"
             "</cellXfs><cellStyles count=\"1\"><cellStyle name=\"Normal\" xfId=\"0\" "
             "builtinId=\"0\"/></cellStyles><dxfs count=\"0\"/><tableStyles count=\"0\"/>"
             "</styleSheet>";

/* s escaped for an attribute value or element text into out (cap > 6 * strlen(s)); quote: also
 * double every ' (a sheet name inside '...' in a formula). */
static void escape_small(const char *s, int quote, char *out)
{
	for (; *s; s++) {
		switch (*s) {
		case '&':
			out = stpcpy(out, "&amp;");
			break;
		case '<':
			out = stpcpy(out, "&lt;");
			break;
		case '>':
			out = stpcpy(out, "&gt;");
			break;
		case '"':
			out = stpcpy(out, "&quot;");
			break;
		case '\'':
			out = stpcpy(out, quote ? "''" : "'");
			break;
		default:
			*out++ = *s;
		}
	}
	*out = '\0';
}

static int put_doc_props(struct xlsx_writer *w, const char *name_xml, struct err *e)
{
	char buf[SMALL_PART], now[TIME_ISO_MAX];
	int n;

	time_iso_now(now);
	n = snprintf(buf, sizeof(buf),
	             XML_DECL "<cp:coreProperties "
	                      "xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/"
	                      "core-properties\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\" "
	                      "xmlns:dcterms=\"http://purl.org/dc/terms/\" "
	                      "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">"
	                      "<dc:title>%s</dc:title><dc:creator>检务</dc:creator>"
	                      "<dcterms:created xsi:type=\"dcterms:W3CDTF\">%s</dcterms:created>"
	                      "<dcterms:modified xsi:type=\"dcterms:W3CDTF\">%s</dcterms:modified>"
	                      "</cp:coreProperties>",
	             name_xml, now, now);
	if (put_member(w, "docProps/core.xml", buf, (size_t)n, e))
		return -1;
	n = snprintf(buf, sizeof(buf),
	             XML_DECL
	             "<Properties xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/"
	             "extended-properties\" xmlns:vt=\"http://schemas.openxmlformats.org/"
	             "officeDocument/2006/docPropsVTypes\"><Application>Jianwu</Application>"
	             "<HeadingPairs><vt:vector size=\"2\" baseType=\"variant\"><vt:variant>"
	             "<vt:lpstr>Worksheets</vt:lpstr></vt:variant><vt:variant><vt:i4>1</vt:i4>"
	             "</vt:variant></vt:vector></HeadingPairs><TitlesOfParts><vt:vector size=\"1\" "
	             "baseType=\"lpstr\"><vt:lpstr>%s</vt:lpstr></vt:vector></TitlesOfParts>"
	             "</Properties>",
	             name_xml);
	return put_member(w, "docProps/app.xml", buf, (size_t)n, e);
}

/* xl/workbook.xml: the sheet and the hidden name Excel keeps an autofilter's range in. */
static int put_workbook(struct xlsx_writer *w, struct err *e)
{
	char name_xml[6 * 4 * XLSX_SHEET_NAME_MAX + 1], quoted[6 * 4 * XLSX_SHEET_NAME_MAX + 1];
	char buf[SMALL_PART];
	int n;

	escape_small(w->sheet_name, 0, name_xml);
	escape_small(w->sheet_name, 1, quoted);
	n = snprintf(buf, sizeof(buf),
	             XML_DECL "<workbook "
	                      "xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
	                      "xmlns:r=\"" NS_REL "\"><bookViews><workbookView xWindow=\"240\" "
	                      "yWindow=\"15\" windowWidth=\"16095\" windowHeight=\"9660\"/>"
	                      "</bookViews><sheets><sheet name=\"%s\" sheetId=\"1\" r:id=\"rId1\"/>"
	                      "</sheets><definedNames><definedName name=\"_xlnm._FilterDatabase\" "
	                      "localSheetId=\"0\" hidden=\"1\">'%s'!$A$1:$%s$%zu</definedName>"
	                      "</definedNames><calcPr calcId=\"124519\" fullCalcOnLoad=\"1\"/>"
	                      "</workbook>",
	             name_xml, quoted, w->colname[w->ncols - 1], w->rows + 1);
	return put_member(w, "xl/workbook.xml", buf, (size_t)n, e);
}

static int put_fixed_parts(struct xlsx_writer *w, struct err *e)
{
	char name_xml[6 * 4 * XLSX_SHEET_NAME_MAX + 1];

	escape_small(w->sheet_name, 0, name_xml);
	if (put_member(w, "[Content_Types].xml", content_types, sizeof(content_types) - 1, e) ||
	    put_member(w, "_rels/.rels", root_rels, sizeof(root_rels) - 1, e) ||
	    put_doc_props(w, name_xml, e) ||
	    put_member(w, "xl/_rels/workbook.xml.rels", workbook_rels, sizeof(workbook_rels) - 1,
	               e) ||
	    put_member(w, "xl/styles.xml", styles, sizeof(styles) - 1, e))
		return -1;
	return 0;
}

/* ---- the API --------------------------------------------------------------------------------- */

static void set_dos_time(struct xlsx_writer *w)
{
	int64_t t = time_now();
	int days = date_of_time(t), y, m, d;
	int secs = (int)(t - date_start_time(days));

	date_ymd(days, &y, &m, &d);
	if (y < 1980 || y > 2107)
		y = 1980;
	w->dos_time = (uint16_t)((secs / 3600) << 11 | (secs / 60 % 60) << 5 | (secs % 60) / 2);
	w->dos_date = (uint16_t)((y - 1980) << 9 | m << 5 | d);
}

static void set_column_names(struct xlsx_writer *w)
{
	size_t i;

	for (i = 0; i < w->ncols; i++) {
		char *p = w->colname[i];

		if (i >= 26)
			*p++ = (char)('A' + i / 26 - 1);
		*p++ = (char)('A' + i % 26);
		*p = '\0';
	}
}

int xlsx_open(struct xlsx_writer **out, const char *path, const char *sheet_name,
              const struct xlsx_column *cols, size_t ncols, struct err *e)
{
	struct xlsx_writer *w = NULL;
	size_t i;

	*out = NULL;
	if (check_sheet_name(sheet_name, e) || check_columns(cols, ncols, e))
		return -1;
	w = calloc(1, sizeof(*w));
	if (!w)
		return err_internal(e, "xlsx: out of memory");
	w->fd = -1;
	if (!(w->path = strdup(path)) || !(w->sheet_name = strdup(sheet_name))) {
		err_internal(e, "xlsx: out of memory");
		goto fail;
	}
	w->ncols = ncols;
	for (i = 0; i < ncols; i++)
		w->types[i] = cols[i].type;
	set_column_names(w);
	set_dos_time(w);
	if (deflateInit2(&w->zs, DEFLATE_LEVEL, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY) !=
	    Z_OK) {
		err_internal(e, "xlsx: deflateInit2 failed");
		goto fail;
	}
	w->zs_ready = 1;
	w->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	if (w->fd < 0) {
		err_internal(e, "xlsx: cannot create workbook %s: %s", path, strerror(errno));
		goto fail;
	}
	w->own_file = 1;
	if (put_fixed_parts(w, e) || member_begin(w, "xl/worksheets/sheet1.xml", e) ||
	    put_sheet_start(w, cols, e))
		goto fail;
	*out = w;
	return 0;
fail:
	xlsx_abort(w);
	return -1;
}

/* The checks of one cell that can fail; 0 when it is written, 1 when it is an empty text. */
static int check_cell(enum xlsx_type t, const struct xlsx_cell *cell, size_t c, struct err *e)
{
	long n;

	switch (t) {
	case XLSX_TEXT:
		n = cell->v.text ? utf8_chars(cell->v.text) : -1;
		if (n < 0)
			return err_field(e, ERR_VALIDATION, "cells", "第 %zu 列不是有效的文本",
			                 c + 1);
		if (n > XLSX_TEXT_MAX)
			return err_field(e, ERR_VALIDATION, "cells", "第 %zu 列超过 %d 字", c + 1,
			                 XLSX_TEXT_MAX);
		return n == 0;
	case XLSX_NUMBER:
		if (!isfinite(cell->v.num))
			return err_field(e, ERR_VALIDATION, "cells", "第 %zu 列不是有限数值",
			                 c + 1);
		return 0;
	default:
		return 0;
	}
}

static int put_row(struct xlsx_writer *w, const struct xlsx_cell *cells, struct err *e)
{
	static const int style_of[] = {[XLSX_DATE] = 2, [XLSX_DATETIME] = 3};
	char rnum[24];
	size_t i, rlen;

	if (put_row_start(w, w->rows + 2, rnum, &rlen, e))
		return -1;
	for (i = 0; i < w->ncols; i++) {
		const struct xlsx_cell *cell = &cells[i];
		int rc;

		if (cell->null)
			continue;
		rc = check_cell(w->types[i], cell, i, e);
		if (rc < 0)
			return -1;
		if (rc > 0)
			continue;
		if (w->types[i] == XLSX_TEXT) {
			if (put_text_cell(w, i, rnum, rlen, cell->v.text, 0, e))
				return -1;
		} else if (xml_reserve(w, XML_PIECE_MAX, e) ||
		           put_value_cell(w, i, rnum, rlen, style_of[w->types[i]], cell)) {
			return -1;
		}
	}
	return XML_LIT(w, "</row>", e);
}

int xlsx_row(struct xlsx_writer *w, const struct xlsx_cell *cells, struct err *e)
{
	if (w->failed)
		return err_internal(e, "xlsx: writer already failed");
	if (w->rows >= XLSX_ROWS_MAX)
		return err_set(e, ERR_TOO_LARGE, "导出行数超过 Excel 上限 %d 行", XLSX_ROWS_MAX);
	if (put_row(w, cells, e)) {
		/* part of the row may already be deflated: the sheet cannot be completed */
		w->failed = 1;
		return -1;
	}
	w->rows++;
	return 0;
}

size_t xlsx_rows(const struct xlsx_writer *w)
{
	return w->rows;
}

int xlsx_close(struct xlsx_writer *w, struct err *e)
{
	int fd;

	if (w->failed) {
		xlsx_abort(w);
		return err_internal(e, "xlsx: writer failed before close");
	}
	if (put_sheet_end(w, e) || member_end(w, e) || put_workbook(w, e) ||
	    write_central_directory(w, e) || out_flush(w, e))
		goto fail;
	fd = w->fd;
	w->fd = -1;
	if (close(fd) != 0) {
		fail_io(w, "close", e);
		goto fail;
	}
	free(w->path);
	w->path = NULL;
	xlsx_abort(w);
	return 0;
fail:
	xlsx_abort(w);
	return -1;
}

void xlsx_abort(struct xlsx_writer *w)
{
	if (!w)
		return;
	if (w->zs_ready)
		deflateEnd(&w->zs);
	if (w->fd >= 0)
		close(w->fd);
	if (w->own_file && w->path)
		unlink(w->path);
	free(w->path);
	free(w->sheet_name);
	free(w);
}
