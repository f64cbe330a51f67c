/*
 * test_render_gbt9704.c - the 红头文件 renderer: validation, where the 版记 lands (even pages,
 * blank page), 份号 limits, sink failures; the grid line breaker (28 characters, 禁则, justify);
 * processing-sheet validation. tests/render/check.sh reads whole documents back with poppler.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <cairo.h>

#include "render/gbt9704.h"
#include "render/sheet.h"
#include "render/textgrid.h"

#define CELL_PT RENDER_MM(GBT_BLOCK_W / GBT_CHARS)

static void base_doc(struct gbt9704_doc *d)
{
	memset(d, 0, sizeof(*d));
	d->mark = "定边县人民检察院文件";
	d->number = "定检发〔2026〕5号";
	d->title = "定边县人民检察院关于做好值班工作的通知";
	d->recipients = "院机关各部门";
	d->body = "为做好值班工作，现将有关事项通知如下。\n一、值班时间\n每日8:30至次日8:30。";
	d->signatory = "定边县人民检察院";
	d->date = "2026-03-05";
}

static int render(const struct gbt9704_doc *d, const struct gbt9704_opts *o,
                  struct gbt9704_result *res, struct err *e)
{
	struct render_buf b = {0};
	struct render_sink s = render_sink_buf(&b);
	int rc = gbt9704_render(d, o, &s, res, e);

	if (rc == 0) {
		assert_true(b.len > 1000);
		assert_memory_equal(b.data, "%PDF-", 5);
	}
	render_buf_free(&b);
	return rc;
}

static void expect_invalid(const struct gbt9704_doc *d, const char *field)
{
	struct err e = ERR_INIT;

	assert_int_equal(gbt9704_validate(d, &e), -1);
	assert_int_equal(e.kind, ERR_VALIDATION);
	assert_string_equal(e.field, field);
}

static void test_validate(void **state)
{
	struct gbt9704_doc d;
	struct err e = ERR_INIT;
	static const char *const nobody[] = {""};

	(void)state;
	base_doc(&d);
	assert_int_equal(gbt9704_validate(&d, &e), 0);
	d.title = "";
	expect_invalid(&d, "title");
	base_doc(&d);
	d.number = "定检发[2026]5号"; /* square brackets are not 六角括号 */
	expect_invalid(&d, "number");
	d.number = "定检发（2026）5号";
	expect_invalid(&d, "number");
	d.number = "定检发2026年5号";
	expect_invalid(&d, "number");
	base_doc(&d);
	d.secrecy = GBT_SECRECY_MIMI;
	d.secrecy_years = 11; /* 秘密 is at most 10 years */
	expect_invalid(&d, "secrecy_years");
	d.secrecy = GBT_SECRECY_JUEMI;
	d.secrecy_years = 30;
	assert_int_equal(gbt9704_validate(&d, &e), 0);
	base_doc(&d);
	d.upward = true; /* 上行文 needs 签发人 */
	expect_invalid(&d, "signers");
	d.signers = nobody;
	d.n_signers = 1;
	expect_invalid(&d, "signers");
	base_doc(&d);
	d.date = "2026-02-30";
	expect_invalid(&d, "date");
	base_doc(&d);
	d.printer = "定边县人民检察院办公室";
	expect_invalid(&d, "print_date");
	base_doc(&d);
	d.title = "标题\x01";
	expect_invalid(&d, "title");
	base_doc(&d);
	d.letter = true;
	d.number = NULL; /* a 函 may go without 发文字号 */
	assert_int_equal(gbt9704_validate(&d, &e), 0);
}

static void test_banji_pages(void **state)
{
	struct gbt9704_doc d;
	struct gbt9704_opts o;
	struct gbt9704_result r;
	struct err e = ERR_INIT;

	(void)state;
	base_doc(&d);
	assert_int_equal(render(&d, NULL, &r, &e), 0);
	assert_int_equal(r.pages, 1); /* no 版记 */
	assert_int_equal(r.banji_page, 0);
	d.printer = "定边县人民检察院办公室";
	d.print_date = "2026-03-05";
	d.cc = "榆林市人民检察院";
	/* the 版记 goes on the back of the sheet: a page of its own after page 1 */
	assert_int_equal(render(&d, NULL, &r, &e), 0);
	assert_int_equal(r.pages, 2);
	assert_int_equal(r.text_pages, 1);
	assert_int_equal(r.banji_page, 2);
	/* single-sided printing: under the text on page 1 when it fits there */
	d.body = "为做好值班工作，现将有关事项通知如下。";
	memset(&o, 0, sizeof(o));
	o.banji_any_page = true;
	assert_int_equal(render(&d, &o, &r, &e), 0);
	assert_int_equal(r.pages, 1);
	assert_int_equal(r.banji_page, 1);
}

static void test_copy_numbers(void **state)
{
	struct gbt9704_doc d;
	struct gbt9704_opts o;
	struct err e = ERR_INIT;

	(void)state;
	base_doc(&d);
	memset(&o, 0, sizeof(o));
	o.copy_no = GBT_COPY_NO_MAX;
	assert_int_equal(render(&d, &o, NULL, &e), 0);
	o.copy_no = GBT_COPY_NO_MAX + 1;
	assert_int_equal(render(&d, &o, NULL, &e), -1);
	assert_string_equal(e.field, "copy_no");
}

static void test_long_document(void **state)
{
	struct gbt9704_doc d;
	struct gbt9704_result r;
	struct err e = ERR_INIT;
	size_t n = 616 * 5, i; /* about five pages of text */
	char *body = malloc(n * 3 + 1);

	(void)state;
	assert_non_null(body);
	for (i = 0; i < n; i++)
		memcpy(body + 3 * i, i % 300 == 299 ? "\n\n\n" : "检", 3);
	body[3 * n] = '\0';
	base_doc(&d);
	d.body = body;
	assert_int_equal(render(&d, NULL, &r, &e), 0);
	assert_true(r.pages >= 5 && r.pages <= 8);
	free(body);
}

static int failing_write(void *ctx, const void *data, size_t len)
{
	(void)ctx;
	(void)data;
	(void)len;
	return -1;
}

static void test_sink_failure(void **state)
{
	struct gbt9704_doc d;
	struct render_sink s = {failing_write, NULL};
	struct err e = ERR_INIT;

	(void)state;
	base_doc(&d);
	assert_int_equal(gbt9704_render(&d, NULL, &s, NULL, &e), -1);
	assert_int_equal(e.kind, ERR_INTERNAL);
}

/* ---- the grid breaker ---------------------------------------------------------------------- */

struct grid {
	cairo_surface_t *surf;
	cairo_t *cr;
	struct tg_ctx tg;
};

static void grid_open(struct grid *g)
{
	struct err e = ERR_INIT;

	g->surf = cairo_recording_surface_create(CAIRO_CONTENT_COLOR_ALPHA, NULL);
	g->cr = cairo_create(g->surf);
	assert_int_equal(tg_ctx_init(&g->tg, g->cr, NULL, &e), 0);
}

static void grid_close(struct grid *g)
{
	tg_ctx_free(&g->tg);
	cairo_destroy(g->cr);
	cairo_surface_destroy(g->surf);
}

static void body_break(struct grid *g, const char *text, int first, struct tg_lines *out)
{
	struct tg_break_opts o;
	struct err e = ERR_INIT;

	memset(&o, 0, sizeof(o));
	o.size = GBT_BODY_PT;
	o.cell = CELL_PT;
	o.width = 2 * GBT_CHARS;
	o.first = first;
	o.justify = 1;
	o.style.role = o.style.role2 = ROLE_FANGSONG;
	assert_int_equal(tg_break(&g->tg, text, strlen(text), &o, out, &e), 0);
}

static double line_width(const struct tg_line *l)
{
	double w = 0;
	size_t i;

	for (i = 0; i < l->nchars; i++)
		w += l->adv[i];
	return w;
}

static char *repeat(const char *unit, int n, const char *tail)
{
	char *s = malloc(strlen(unit) * (size_t)n + strlen(tail) + 1);
	int i;

	assert_non_null(s);
	s[0] = '\0';
	for (i = 0; i < n; i++)
		strcat(s, unit);
	strcat(s, tail);
	return s;
}

static void test_grid_full_lines(void **state)
{
	struct grid g;
	struct tg_lines l = {0};
	char *s = repeat("检", 28 + 28 + 5, "");

	(void)state;
	grid_open(&g);
	body_break(&g, s, 0, &l);
	assert_int_equal(l.n, 3);
	assert_int_equal(l.v[0].nchars, 28);
	assert_int_equal(l.v[1].nchars, 28);
	assert_int_equal(l.v[2].nchars, 5);
	/* every CJK character advances exactly one cell: 156 mm per full line */
	assert_true(line_width(&l.v[0]) > RENDER_MM(156) - 0.01);
	assert_true(line_width(&l.v[0]) < RENDER_MM(156) + 0.01);
	assert_true(l.v[2].adv[0] > CELL_PT - 0.001 && l.v[2].adv[0] < CELL_PT + 0.001);
	tg_lines_free(&l);
	free(s);
	/* a first-line indent of two characters leaves 26 */
	s = repeat("检", 30, "");
	body_break(&g, s, 4, &l);
	assert_int_equal(l.v[0].nchars, 26);
	assert_int_equal(l.v[0].indent, 4);
	tg_lines_free(&l);
	free(s);
	grid_close(&g);
}

static void test_grid_kinsoku(void **state)
{
	struct grid g;
	struct tg_lines l = {0};
	char *s;

	(void)state;
	grid_open(&g);
	/* 28 characters then "。": the 28th moves down with it, the short line is justified */
	s = repeat("检", 28, "。后");
	body_break(&g, s, 0, &l);
	assert_int_equal(l.n, 2);
	assert_int_equal(l.v[0].nchars, 27);
	assert_true(strncmp(l.v[1].text, "检。", strlen("检。")) == 0);
	assert_true(line_width(&l.v[0]) > RENDER_MM(156) - 0.01);
	assert_true(line_width(&l.v[0]) < RENDER_MM(156) + 0.01);
	tg_lines_free(&l);
	free(s);
	/* an opening bracket never ends a line */
	s = repeat("检", 27, "（一）");
	body_break(&g, s, 0, &l);
	assert_int_equal(l.v[0].nchars, 27);
	assert_true(strncmp(l.v[1].text, "（", strlen("（")) == 0);
	tg_lines_free(&l);
	free(s);
	/* the last line of a paragraph is not justified */
	s = repeat("检", 3, "");
	body_break(&g, s, 0, &l);
	assert_true(line_width(&l.v[0]) < 3 * CELL_PT + 0.01);
	tg_lines_free(&l);
	free(s);
	grid_close(&g);
}

static void test_grid_latin(void **state)
{
	struct grid g;
	struct tg_lines l = {0};
	char *s;
	size_t i;

	(void)state;
	grid_open(&g);
	/* digits take half cells: 26 characters and "2026" fill the line, "年" starts the next */
	s = repeat("检", 26, "2026年");
	body_break(&g, s, 0, &l);
	assert_int_equal(l.n, 2);
	assert_int_equal(l.v[0].units, 56);
	assert_int_equal(l.v[0].nchars, 30);
	assert_string_equal(l.v[1].text, "年");
	tg_lines_free(&l);
	free(s);
	s = repeat("检", 27, "GB/T 9704");
	body_break(&g, s, 0, &l);
	assert_int_equal(l.n, 2);
	assert_int_equal(l.v[0].nchars, 27);
	assert_true(strncmp(l.v[1].text, "GB/T", 4) == 0);
	for (i = 0; i < l.v[1].nchars; i++)
		assert_true(l.v[1].adv[i] > 0 && l.v[1].adv[i] < CELL_PT);
	tg_lines_free(&l);
	free(s);
	grid_close(&g);
}

/* ---- processing sheets --------------------------------------------------------------------- */

static void test_sheet(void **state)
{
	struct sheet_opinion op = {"同意。", "刘志强", 1772676000};
	struct sheet_pair p = {"来文机关", "榆林市人民检察院", false};
	struct sheet_block b[2] = {{SHEET_FIELDS, &p, 1, NULL, NULL, 0},
	                           {SHEET_OPINIONS, NULL, 0, "领导批示", &op, 1}};
	struct sheet_form f;
	struct render_buf buf = {0};
	struct render_sink s = render_sink_buf(&buf);
	struct err e = ERR_INIT;
	int pages = 0;

	(void)state;
	memset(&f, 0, sizeof(f));
	f.heading = "定边县人民检察院收文处理单";
	f.blocks = b;
	f.n_blocks = 2;
	assert_int_equal(sheet_render(&f, &s, &pages, &e), 0);
	assert_int_equal(pages, 1);
	assert_memory_equal(buf.data, "%PDF-", 5);
	render_buf_free(&buf);
	f.heading = "";
	assert_int_equal(sheet_render(&f, &s, &pages, &e), -1);
	assert_string_equal(e.field, "heading");
	err_clear(&e);
	f.heading = "表";
	b[1].label = NULL;
	assert_int_equal(sheet_render(&f, &s, &pages, &e), -1);
	assert_string_equal(e.field, "opinions");
}

/* Many opinions run onto later pages. */
static void test_sheet_pages(void **state)
{
	struct sheet_approval a;
	struct sheet_step steps[40];
	struct render_buf buf = {0};
	struct render_sink s = render_sink_buf(&buf);
	struct err e = ERR_INIT;
	int i, pages = 0;

	(void)state;
	memset(&a, 0, sizeof(a));
	for (i = 0; i < 40; i++) {
		steps[i].step = "审核";
		steps[i].person = "王晓梅";
		steps[i].opinion = "同意，请按程序办理。";
		steps[i].time = 1772676000 + i * 60;
	}
	a.org = "定边县人民检察院";
	a.title = "请假审批单";
	a.steps = steps;
	a.n_steps = 40;
	assert_int_equal(sheet_approval_render(&a, NULL, &s, &pages, &e), 0);
	assert_true(pages >= 2);
	render_buf_free(&buf);
}

/* cairo 1.16 leaks a few buffers of its font subsetter inside cairo_surface_finish() of a PDF
 * surface (none of ours). The sanitizers read these hooks when linked in (make asan): full
 * stacks (libcairo has no frame pointers), then that one leak suppressed by function. */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
	return "fast_unwind_on_malloc=0";
}

const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
	return "leak:cairo_surface_finish\n";
}

/* Library caches (fonts, cairo) released so that LeakSanitizer (make asan) sees a clean exit. */
static int teardown(void **state)
{
	(void)state;
	render_shutdown();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_validate),     cmocka_unit_test(test_banji_pages),
	    cmocka_unit_test(test_copy_numbers), cmocka_unit_test(test_long_document),
	    cmocka_unit_test(test_sink_failure), cmocka_unit_test(test_grid_full_lines),
	    cmocka_unit_test(test_grid_kinsoku), cmocka_unit_test(test_grid_latin),
	    cmocka_unit_test(test_sheet),        cmocka_unit_test(test_sheet_pages),
	};

	return cmocka_run_group_tests(tests, NULL, teardown);
}
