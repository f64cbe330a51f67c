/*
 * test_render_xlsx.c - the streaming Excel writer: the file is unzipped here (zlib) and its XML
 * checked: Chinese sheet name, bold frozen header, autofilter over the rows written, typed cells
 * (dates as serial numbers with a yyyy-mm-dd format), column widths; and the validation.
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
				inflateEnd(&zs);
			}
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
	    cmocka_unit_test(test_sheet_names),
	    cmocka_unit_test(test_bad_input),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
