/*
 * test_render_xlsx.c - the streaming Excel writer: the file is unzipped here (zlib; every
 * member's CRC and sizes checked against both headers) and its XML checked: Chinese sheet name,
 * bold frozen header, autofilter over the rows written, typed cells (dates as serial numbers with a
 * yyyy-mm-dd format), number formatting, escaping of markup and control characters, empty cells,
 * column widths, rows larger than the writer's buffers; and the validation.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <math.h>
#include <zlib.h>

#include "core/timeutil.h"
#include "render/xlsx.h"

static char dir[] = "/tmp/jw-xlsx-XXXXXX";

static unsigned rd16(const unsigned char *p)
{
	return p[0] | (unsigned)p[1] << 8;
}

static unsigned long rd32(const unsigned char *p)
{
	return rd16(p) | (unsigned long)rd16(p + 2) << 16;
}

static unsigned char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *d;
	long n;

	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	d = malloc((size_t)n);
	assert_non_null(d);
	assert_int_equal(fread(d, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return d;
}

/* The inflated content of one member of a zip file, NUL-terminated (NULL if absent). */
static char *zip_member(const char *path, const char *name)
{
	size_t len, i, eocd = 0;
	unsigned char *z = slurp(path, &len);
	char *out = NULL;
	unsigned long off, n;

	for (i = len - 22; i > 0; i--)
		if (rd32(z + i) == 0x06054b50UL) {
			eocd = i;
			break;
		}
	assert_true(eocd > 0);
	n = rd16(z + eocd + 10);
	off = rd32(z + eocd + 16);
	for (i = 0; i < n; i++) {
		const unsigned char *c = z + off;
		unsigned method = rd16(c + 10), nlen = rd16(c + 28);
		unsigned long csize = rd32(c + 20), usize = rd32(c + 24), lho = rd32(c + 42);

		assert_int_equal(rd32(c), 0x02014b50UL);
		if (nlen == strlen(name) && memcmp(c + 46, name, nlen) == 0) {
			const unsigned char *l = z + lho;
			const unsigned char *data = l + 30 + rd16(l + 26) + rd16(l + 28);
			z_stream zs;

			/* the local header agrees with the central one (no data descriptor) */
			assert_int_equal(rd32(l), 0x04034b50UL);
			assert_int_equal(rd16(l + 6) & 8, 0);
			assert_int_equal(rd32(l + 14), rd32(c + 16));
			assert_int_equal(rd32(l + 18), csize);
			assert_int_equal(rd32(l + 22), usize);
			assert_true(data + csize <= z + off);

			out = calloc(usize + 1, 1);
			assert_non_null(out);
			if (method == 0) {
				memcpy(out, data, usize);
			} else {
				assert_int_equal(method, 8);
				memset(&zs, 0, sizeof(zs));
				assert_int_equal(inflateInit2(&zs, -MAX_WBITS), Z_OK);
				zs.next_in = (unsigned char *)data;
				zs.avail_in = (unsigned)csize;
				zs.next_out = (unsigned char *)out;
				zs.avail_out = (unsigned)usize;
				assert_int_equal(inflate(&zs, Z_FINISH), Z_STREAM_END);
				assert_int_equal(zs.total_out, usize);
				inflateEnd(&zs);
			}
			assert_int_equal(crc32(0, (unsigned char *)out, (uInt)usize), rd32(c + 16));
			break;
		}
		off += 46 + nlen + rd16(c + 30) + rd16(c + 32);
	}
	free(z);
	return out;
}

static const struct xlsx_column cols[] = {
    {"序号", XLSX_INT, 6},    {"发文字号", XLSX_TEXT, 22},     {"成文日期", XLSX_DATE, 12},
    {"金额", XLSX_NUMBER, 0}, {"登记时间", XLSX_DATETIME, 20},
};

static void path_of(char *out, size_t cap, const char *name)
{
	snprintf(out, cap, "%s/%s", dir, name);
}

static void test_workbook(void **state)
{
	struct xlsx_writer *w;
	struct err e = ERR_INIT;
	char path[256], *sheet, *book, *styles;
	int i;

	(void)state;
	path_of(path, sizeof(path), "ledger.xlsx");
	assert_int_equal(xlsx_open(&w, path, "发文登记簿", cols, 5, &e), 0);
	for (i = 0; i < 2; i++) {
		struct xlsx_cell c[5];

		memset(c, 0, sizeof(c));
		c[0].v.i = i + 1;
		c[1].v.text = i ? "定检发〔2026〕12号" : "a<b&\"c\"";
		c[2].v.days = date_from_ymd(2026, 3, 5);
		c[3].v.num = 1234.5;
		c[4].v.time = date_start_time(date_from_ymd(2026, 3, 5)) + 9 * 3600 + 30 * 60;
		c[3].null = i == 1;
		assert_int_equal(xlsx_row(w, c, &e), 0);
	}
	assert_int_equal(xlsx_rows(w), 2);
	assert_int_equal(xlsx_close(w, &e), 0);

	book = zip_member(path, "xl/workbook.xml");
	sheet = zip_member(path, "xl/worksheets/sheet1.xml");
	styles = zip_member(path, "xl/styles.xml");
	assert_non_null(book);
	assert_non_null(sheet);
	assert_non_null(styles);
	assert_non_null(strstr(book, "name=\"发文登记簿\""));
	assert_non_null(strstr(book, "_xlnm._FilterDatabase"));
	/* header frozen, filter over header + 2 rows and 5 columns */
	assert_non_null(strstr(sheet,
	                       "<pane ySplit=\"1\" topLeftCell=\"A2\" activePane=\"bottomLeft\" "
	                       "state=\"frozen\"/>"));
	assert_non_null(strstr(sheet, "<autoFilter ref=\"A1:E3\"/>"));
	assert_non_null(strstr(sheet, "<col min=\"2\" max=\"2\" width=\"22.7109375\""));
	/* header and text cells, escaped */
	assert_non_null(strstr(sheet, "<t>发文字号</t>"));
	assert_non_null(strstr(sheet, "<t>a&lt;b&amp;\"c\"</t>"));
	assert_non_null(strstr(sheet, "<t>定检发〔2026〕12号</t>"));
	/* 2026-03-05 is Excel serial 46086, 09:30 China time is .395833 of the day */
	assert_non_null(strstr(sheet, "<v>46086</v>"));
	assert_non_null(strstr(sheet, "<v>46086.395833333336</v>") ||
	                strstr(sheet, "<v>46086.39583333333</v>") ||
	                strstr(sheet, "<v>46086.3958333333"));
	assert_non_null(strstr(sheet, "<v>1234.5</v>"));
	assert_null(strstr(sheet, "D3")); /* the null cell is not written */
	assert_non_null(strstr(styles, "formatCode=\"yyyy-mm-dd\""));
	assert_non_null(strstr(styles, "formatCode=\"yyyy-mm-dd hh:mm:ss\""));
	assert_non_null(strstr(styles, "<b/>"));
	free(book);
	free(sheet);
	free(styles);
	unlink(path);
}

static void test_serials(void **state)
{
	(void)state;
	assert_true(xlsx_serial_date(0) == 25569.0);
	assert_true(xlsx_serial_date(date_from_ymd(2026, 3, 5)) == 46086.0);
	/* midnight in China is 16:00 UTC the day before */
	assert_true(xlsx_serial_time(date_start_time(date_from_ymd(2026, 3, 5))) == 46086.0);
	/* days since 1899-12-30: exact from 1900-03-01 (61) on; earlier dates keep the plain count
	 * (Excel's fictitious 1900-02-29 is serial 60), as libxlsxwriter's write_number did */
	assert_true(xlsx_serial_date(date_from_ymd(1900, 3, 1)) == 61.0);
	assert_true(xlsx_serial_date(date_from_ymd(1900, 2, 28)) == 60.0);
	assert_true(xlsx_serial_date(date_from_ymd(1900, 1, 1)) == 2.0);
	assert_true(xlsx_serial_date(date_from_ymd(1899, 12, 29)) == -1.0);
}

/* Writes one row of cols2 into name and returns the inflated sheet XML (caller frees). */
static const struct xlsx_column cols2[] = {
    {"文本", XLSX_TEXT, 0}, {"整数", XLSX_INT, 0},      {"数值", XLSX_NUMBER, 0},
    {"日期", XLSX_DATE, 0}, {"时间", XLSX_DATETIME, 0},
};

static char *one_row(const char *name, const struct xlsx_cell *c)
{
	struct xlsx_writer *w;
	struct err e = ERR_INIT;
	char path[256], *sheet;

	path_of(path, sizeof(path), name);
	assert_int_equal(xlsx_open(&w, path, "表", cols2, 5, &e), 0);
	assert_int_equal(xlsx_row(w, c, &e), 0);
	assert_int_equal(xlsx_close(w, &e), 0);
	sheet = zip_member(path, "xl/worksheets/sheet1.xml");
	assert_non_null(sheet);
	unlink(path);
	return sheet;
}

/* Text the XML 1.0 way: markup escaped, forbidden characters as Excel's _xHHHH_, CR kept. */
static void test_text_escaping(void **state)
{
	struct xlsx_cell c[5];
	char *sheet;

	(void)state;
	memset(c, 0, sizeof(c));
	c[1].null = c[2].null = c[3].null = c[4].null = true;
	c[0].v.text = "a&b<c>d\"e'f\x01g\x1fh\ti\nj\rk_x0041_l_xm\xef\xbf\xbfn\xef\xbc\x88o\x7f";
	sheet = one_row("esc.xlsx", c);
	assert_non_null(strstr(sheet, "<c r=\"A2\" t=\"inlineStr\"><is><t>a&amp;b&lt;c&gt;d\"e'f"
	                              "_x0001_g_x001F_h\ti\nj&#13;k_x005F_x0041_l_xm_xFFFF_n（o\x7f"
	                              "</t></is></c>"));
	assert_null(strstr(sheet, "B2"));
	free(sheet);
	/* leading or trailing white space is kept */
	c[0].v.text = " 前后有空格\n";
	sheet = one_row("space.xlsx", c);
	assert_non_null(strstr(sheet, "<t xml:space=\"preserve\"> 前后有空格\n</t>"));
	free(sheet);
}

/* Numbers read back as the same double; integers and serials without printf rounding. */
static void test_numbers(void **state)
{
	static const struct {
		double num;
		const char *text;
	} nums[] = {
	    {0.1, "<v>0.1</v>"},
	    {-2.5, "<v>-2.5</v>"},
	    {1234567.000001, "<v>1234567.000001</v>"},
	    {1e20, "<v>1e+20</v>"},
	    {1.0 / 3.0, "<v>0.33333333333333331</v>"},
	    {-0.0, "<v>0</v>"},
	    {123456789012345678.0, "<v>1.2345678901234568e+17</v>"},
	};
	struct xlsx_cell c[5];
	char *sheet;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(nums) / sizeof(nums[0]); i++) {
		char *v, *end;

		memset(c, 0, sizeof(c));
		c[0].null = true;
		c[1].v.i = INT64_MIN;
		c[2].v.num = nums[i].num;
		c[3].v.days = date_from_ymd(1900, 2, 28);
		/* 1899-12-29 12:00 China time: half a day before serial 0 */
		c[4].v.time = date_start_time(date_from_ymd(1899, 12, 29)) + 12 * 3600;
		sheet = one_row("num.xlsx", c);
		assert_non_null(strstr(sheet, "<c r=\"B2\"><v>-9223372036854775808</v></c>"));
		v = strstr(sheet, "<c r=\"C2\"><v>");
		assert_non_null(v);
		assert_non_null(strstr(v, nums[i].text));
		assert_true(strtod(v + strlen("<c r=\"C2\"><v>"), &end) == nums[i].num);
		assert_memory_equal(end, "</v>", 4);
		assert_non_null(strstr(sheet, "<c r=\"D2\" s=\"2\"><v>60</v></c>"));
		assert_non_null(strstr(sheet, "<c r=\"E2\" s=\"3\"><v>-0.5</v></c>"));
		free(sheet);
	}
	/* a datetime to the second: 09:30:01 is 34201/86400 of the day, 10 decimals */
	memset(c, 0, sizeof(c));
	c[0].null = c[1].null = c[2].null = c[3].null = true;
	c[4].v.time = date_start_time(date_from_ymd(2026, 3, 5)) + 34201;
	sheet = one_row("time.xlsx", c);
	assert_non_null(strstr(sheet, "<c r=\"E2\" s=\"3\"><v>46086.3958449074</v></c>"));
	free(sheet);
}

/* A sheet name with markup and a quote, escaped in each place it goes; an empty header cell. */
static void test_sheet_name_escaping(void **state)
{
	static const struct xlsx_column hc[] = {{"", XLSX_TEXT, 0}, {"名称", XLSX_TEXT, 0}};
	struct xlsx_writer *w;
	struct err e = ERR_INIT;
	char path[256], *book, *sheet, *app;

	(void)state;
	path_of(path, sizeof(path), "quote.xlsx");
	assert_int_equal(xlsx_open(&w, path, "收文'登记&<簿>", hc, 2, &e), 0);
	assert_int_equal(xlsx_close(w, &e), 0);
	book = zip_member(path, "xl/workbook.xml");
	sheet = zip_member(path, "xl/worksheets/sheet1.xml");
	app = zip_member(path, "docProps/app.xml");
	assert_non_null(strstr(book, "<sheet name=\"收文'登记&amp;&lt;簿&gt;\""));
	assert_non_null(strstr(book, ">'收文''登记&amp;&lt;簿&gt;'!$A$1:$B$1</definedName>"));
	assert_non_null(strstr(app, "<vt:lpstr>收文'登记&amp;&lt;簿&gt;</vt:lpstr>"));
	assert_non_null(strstr(sheet, "<row r=\"1\"><c r=\"A1\" s=\"1\"/><c r=\"B1\" s=\"1\" "
	                              "t=\"inlineStr\"><is><t>名称</t></is></c></row></sheetData>"
	                              "<autoFilter ref=\"A1:B1\"/>"));
	assert_null(strstr(sheet, "<cols>")); /* no widths set */
	free(book);
	free(sheet);
	free(app);
	unlink(path);
	assert_int_equal(xlsx_open(&w, path, "制表\t符", hc, 2, &e), -1);
	assert_string_equal(e.field, "sheet_name");
}

/* Rows bigger than the staging buffers, many rows, 64 columns: the XML comes out whole. */
static void test_large(void **state)
{
	struct xlsx_column wide[XLSX_COLS_MAX];
	struct xlsx_cell c[XLSX_COLS_MAX];
	struct xlsx_writer *w;
	struct err e = ERR_INIT;
	char path[256], *big, *sheet, *p;
	size_t i, n;

	(void)state;
	for (i = 0; i < XLSX_COLS_MAX; i++) {
		wide[i].header = "列";
		wide[i].type = i % 2 ? XLSX_INT : XLSX_TEXT;
		wide[i].width = 8;
	}
	big = malloc(XLSX_TEXT_MAX + 2);
	assert_non_null(big);
	memset(big, '<', XLSX_TEXT_MAX); /* 32767 characters, 4 bytes each once escaped */
	big[XLSX_TEXT_MAX] = '\0';
	path_of(path, sizeof(path), "large.xlsx");
	assert_int_equal(xlsx_open(&w, path, "大表", wide, XLSX_COLS_MAX, &e), 0);
	for (n = 0; n < 3000; n++) {
		for (i = 0; i < XLSX_COLS_MAX; i++) {
			c[i].null = false;
			if (i % 2)
				c[i].v.i = (int64_t)(n * 100 + i);
			else
				c[i].v.text = n == 7 && i == 62 ? big : "定检发〔2026〕12号";
		}
		assert_int_equal(xlsx_row(w, c, &e), 0);
	}
	big[XLSX_TEXT_MAX] = 'x'; /* one character over the limit */
	big[XLSX_TEXT_MAX + 1] = '\0';
	c[0].v.text = big;
	assert_int_equal(xlsx_row(w, c, &e), -1);
	assert_int_equal(e.kind, ERR_VALIDATION);
	xlsx_abort(w);
	assert_int_equal(access(path, F_OK), -1);

	err_clear(&e);
	big[XLSX_TEXT_MAX] = '\0';
	assert_int_equal(xlsx_open(&w, path, "大表", wide, XLSX_COLS_MAX, &e), 0);
	/* the last row carries the longest cell (larger than the write buffers); the others are
	 * short so that the sheet stays small enough to scan under ASan */
	for (n = 0; n < 3000; n++) {
		c[0].v.text = n == 2999 ? big : "定检发〔2026〕12号";
		assert_int_equal(xlsx_row(w, c, &e), 0);
	}
	assert_int_equal(xlsx_rows(w), 3000);
	assert_int_equal(xlsx_close(w, &e), 0);
	sheet = zip_member(path, "xl/worksheets/sheet1.xml");
	assert_non_null(sheet);
	assert_non_null(strstr(sheet, "<col min=\"64\" max=\"64\" width=\"8.7109375\""));
	assert_non_null(strstr(sheet, "<autoFilter ref=\"A1:BL3001\"/>"));
	assert_non_null(strstr(sheet, "<c r=\"BK3001\" t=\"inlineStr\">"));
	/* counted byte by byte: strstr in a loop is quadratic under ASan's interceptor */
	for (n = 0, p = sheet; *p; p++)
		if (p[0] == '<' && p[1] == 'r' && p[2] == 'o' && p[3] == 'w' && p[4] == ' ')
			n++;
	assert_int_equal(n, 3001);
	/* the long cell is whole: 32767 escaped '<' between <t> and </t> */
	p = strstr(sheet, "<c r=\"A3001\" t=\"inlineStr\"><is><t>");
	assert_non_null(p);
	p += strlen("<c r=\"A3001\" t=\"inlineStr\"><is><t>");
	for (i = 0; i < XLSX_TEXT_MAX; i++)
		assert_memory_equal(p + 4 * i, "&lt;", 4);
	assert_memory_equal(p + 4 * XLSX_TEXT_MAX, "</t>", 4);
	free(sheet);
	free(big);
	unlink(path);
}

static void test_sheet_names(void **state)
{
	struct xlsx_writer *w;
	struct err e = ERR_INIT;
	char path[256], name[3 * 32 + 1];
	int i;

	(void)state;
	path_of(path, sizeof(path), "names.xlsx");
	assert_int_equal(xlsx_open(&w, path, "收文/发文", cols, 5, &e), -1);
	assert_int_equal(e.kind, ERR_VALIDATION);
	assert_string_equal(e.field, "sheet_name");
	err_clear(&e);
	assert_int_equal(xlsx_open(&w, path, "", cols, 5, &e), -1);
	err_clear(&e);
	name[0] = '\0';
	for (i = 0; i < 32; i++)
		strcat(name, "档");
	assert_int_equal(xlsx_open(&w, path, name, cols, 5, &e), -1); /* 32 characters */
	err_clear(&e);
	name[3 * 31] = '\0';
	assert_int_equal(xlsx_open(&w, path, name, cols, 5, &e), 0); /* 31 is the limit */
	assert_int_equal(xlsx_close(w, &e), 0);
	assert_int_equal(access(path, F_OK), 0);
	unlink(path);
}

static void test_bad_input(void **state)
{
	struct xlsx_writer *w;
	struct err e = ERR_INIT;
	struct xlsx_column bad = {"x", (enum xlsx_type)99, 0};
	struct xlsx_cell c[5];
	char path[256];

	(void)state;
	path_of(path, sizeof(path), "bad.xlsx");
	assert_int_equal(xlsx_open(&w, path, "表", cols, 0, &e), -1);
	err_clear(&e);
	assert_int_equal(xlsx_open(&w, path, "表", &bad, 1, &e), -1);
	assert_string_equal(e.field, "columns");
	err_clear(&e);
	assert_int_equal(xlsx_open(&w, path, "表", cols, 5, &e), 0);
	memset(c, 0, sizeof(c));
	c[1].v.text = "\xe4\xb8"; /* truncated UTF-8 */
	assert_int_equal(xlsx_row(w, c, &e), -1);
	assert_int_equal(e.kind, ERR_VALIDATION);
	err_clear(&e);
	/* a failed row leaves the writer failed: close reports it and leaves no file */
	c[1].v.text = "ok";
	assert_int_equal(xlsx_row(w, c, &e), -1);
	err_clear(&e);
	assert_int_equal(xlsx_close(w, &e), -1);
	assert_int_equal(access(path, F_OK), -1);
	err_clear(&e);
	assert_int_equal(xlsx_open(&w, path, "表", cols, 5, &e), 0);
	c[3].v.num = NAN;
	assert_int_equal(xlsx_row(w, c, &e), -1);
	xlsx_abort(w);
	assert_int_equal(access(path, F_OK), -1);
	err_clear(&e);
	/* a file that cannot be created */
	path_of(path, sizeof(path), "missing/dir.xlsx");
	assert_int_equal(xlsx_open(&w, path, "表", cols, 5, &e), -1);
	assert_int_equal(e.kind, ERR_INTERNAL);
	assert_null(w);
}

static int setup(void **state)
{
	(void)state;
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	return rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_workbook),
	    cmocka_unit_test(test_serials),
	    cmocka_unit_test(test_text_escaping),
	    cmocka_unit_test(test_numbers),
	    cmocka_unit_test(test_sheet_name_escaping),
	    cmocka_unit_test(test_large),
	    cmocka_unit_test(test_sheet_names),
	    cmocka_unit_test(test_bad_input),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
