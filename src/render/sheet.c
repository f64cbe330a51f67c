/*
 * sheet.c - processing sheets (see sheet.h). Lengths inside are points.
 */
#include "render/sheet.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cairo-pdf.h>
#include <cairo.h>

#include "core/timeutil.h"
#include "render/textgrid.h"

#define PT(mm)      RENDER_MM(mm)
#define X0          PT(28.0)
#define TABLE_W     PT(156.0)
#define LABEL_W     PT(30.0)
#define PAGE_TOP    PT(25.0)
#define PAGE_BOTTOM PT(297.0 - 25.0)
#define PAD         PT(2.0)
#define ROW_MIN     PT(11.0)
#define EMPTY_OP_H  PT(28.0) /* room for a handwritten opinion */
#define HEAD_PT     22.0
#define LABEL_PT    12.0
#define VALUE_PT    12.0
#define OPINION_PT  14.0
#define SIG_PT      12.0
#define SERIAL_PT   12.0
#define FOOT_PT     10.5
#define LINE_W      0.75
#define FRAME_W     1.5

struct srow {
	int page;
	double y, h;
	const struct sheet_block *b;
	size_t i0, i1; /* pairs or opinions [i0, i1) of the block */
	int cont;      /* continuation of an opinions block */
};

struct sdoc {
	const struct sheet_form *f;
	struct tg_ctx tg;
	struct srow *rows;
	size_t n, cap;
	int pages;
	double table_top;
};

/* ---- validation ---------------------------------------------------------------------------- */

static int text_ok(const char *s, size_t max, int required)
{
	size_t n, i;

	if (!s || !*s)
		return required ? -1 : 0;
	n = strlen(s);
	if (n > max || render_utf8_check(s, n) != 0)
		return -1;
	for (i = 0; i < n; i++)
		if (((unsigned char)s[i] < 0x20 && s[i] != '\n') || s[i] == 0x7F)
			return -1;
	return 0;
}

static int validate(const struct sheet_form *f, struct err *e)
{
	size_t i, j;

	if (text_ok(f->heading, SHEET_HEADING_MAX, 1) || strchr(f->heading, '\n'))
		return err_field(e, ERR_VALIDATION, "heading", "表头不能为空或含有无效字符");
	if (text_ok(f->serial, SHEET_LABEL_MAX * 2, 0))
		return err_field(e, ERR_VALIDATION, "serial", "编号过长或含有无效字符");
	if (f->n_blocks > SHEET_BLOCKS_MAX)
		return err_field(e, ERR_VALIDATION, "blocks", "表格栏目过多");
	for (i = 0; i < f->n_blocks; i++) {
		const struct sheet_block *b = &f->blocks[i];

		if (b->kind == SHEET_FIELDS) {
			if (b->n_pairs > SHEET_ITEMS_MAX)
				return err_field(e, ERR_VALIDATION, "fields", "字段过多");
			for (j = 0; j < b->n_pairs; j++)
				if (text_ok(b->pairs[j].label, SHEET_LABEL_MAX, 1) ||
				    text_ok(b->pairs[j].value, SHEET_VALUE_MAX, 0))
					return err_field(e, ERR_VALIDATION, "fields",
					                 "第 %zu 栏的字段过长或含有无效字符",
					                 i + 1);
		} else if (b->kind == SHEET_OPINIONS) {
			if (text_ok(b->label, SHEET_LABEL_MAX, 1) ||
			    b->n_opinions > SHEET_ITEMS_MAX)
				return err_field(e, ERR_VALIDATION, "opinions",
				                 "第 %zu 栏的栏目名无效或意见过多", i + 1);
			for (j = 0; j < b->n_opinions; j++)
				if (text_ok(b->opinions[j].text, SHEET_OPINION_MAX, 0) ||
				    text_ok(b->opinions[j].person, SHEET_LABEL_MAX, 0))
					return err_field(e, ERR_VALIDATION, "opinions",
					                 "“%s”中的意见过长或含有无效字符",
					                 b->label);
		} else {
			return err_field(e, ERR_VALIDATION, "blocks", "表格栏目类型无效");
		}
	}
	return 0;
}

/* ---- measuring ----------------------------------------------------------------------------- */

static double text_height(struct sdoc *s, const char *text, enum render_role role, double size,
                          double width)
{
	PangoLayout *l;
	int w, h;

	if (!text || !*text)
		return 0;
	l = tg_layout_wrapped(&s->tg, text, role, size, width);
	pango_layout_get_size(l, &w, &h);
	g_object_unref(l);
	return h / (double)PANGO_SCALE;
}

/* Width of the value cell of pair `col` (0 or 1) in a row of one or two pairs: the first value of
 * two takes 60%, the second is usually a date, a count or a level. */
static double value_w(int two, int col)
{
	double room = TABLE_W - (two ? 2 : 1) * LABEL_W;

	if (!two)
		return room;
	return col == 0 ? room * 0.6 : room * 0.4;
}

static double fields_height(struct sdoc *s, const struct sheet_pair *p, size_t n)
{
	double h = ROW_MIN;
	size_t i;

	for (i = 0; i < n; i++) {
		double lh = text_height(s, p[i].label, ROLE_HEITI, LABEL_PT, LABEL_W - 2 * PAD);
		double vh = text_height(s, p[i].value, ROLE_FANGSONG, VALUE_PT,
		                        value_w(n == 2, (int)i) - 2 * PAD);

		if (lh + 2 * PAD > h)
			h = lh + 2 * PAD;
		if (vh + 2 * PAD > h)
			h = vh + 2 * PAD;
	}
	return h;
}

static double opinion_height(struct sdoc *s, const struct sheet_opinion *o)
{
	return text_height(s, o->text, ROLE_KAITI, OPINION_PT, TABLE_W - LABEL_W - 2 * PAD) +
	       SIG_PT * 1.6 + PAD;
}

/* ---- pagination ---------------------------------------------------------------------------- */

static int push_row(struct sdoc *s, const struct srow *r)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 32;
		struct srow *v = realloc(s->rows, cap * sizeof(*v));

		if (!v)
			return -1;
		s->rows = v;
		s->cap = cap;
	}
	s->rows[s->n++] = *r;
	return 0;
}

/* Moves to a new page when h does not fit below y. */
static int fit(struct sdoc *s, int *page, double *y, double h, struct err *e)
{
	if (*y + h > PAGE_BOTTOM && *y > PAGE_TOP + 1) {
		(*page)++;
		*y = PAGE_TOP;
		if (*page >= SHEET_PAGES_MAX)
			return err_set(e, ERR_TOO_LARGE, "表格超过 %d 页", SHEET_PAGES_MAX);
	}
	return 0;
}

static int paginate_fields(struct sdoc *s, const struct sheet_block *b, int *page, double *y,
                           struct err *e)
{
	size_t i = 0;

	while (i < b->n_pairs) {
		struct srow r = {0};
		size_t k = !b->pairs[i].wide && i + 1 < b->n_pairs && !b->pairs[i + 1].wide ? 2 : 1;

		r.b = b;
		r.i0 = i;
		r.i1 = i + k;
		r.h = fields_height(s, &b->pairs[i], k);
		if (fit(s, page, y, r.h, e))
			return -1;
		r.page = *page;
		r.y = *y;
		if (push_row(s, &r))
			return err_internal(e, "sheet: out of memory");
		*y += r.h;
		i += k;
	}
	return 0;
}

static int paginate_opinions(struct sdoc *s, const struct sheet_block *b, int *page, double *y,
                             struct err *e)
{
	size_t i = 0;
	int cont = 0;

	if (b->n_opinions == 0) {
		struct srow r = {0};

		r.b = b;
		r.h = EMPTY_OP_H;
		if (fit(s, page, y, r.h, e))
			return -1;
		r.page = *page;
		r.y = *y;
		*y += r.h;
		return push_row(s, &r) ? err_internal(e, "sheet: out of memory") : 0;
	}
	while (i < b->n_opinions) {
		struct srow r = {0};
		double h = PAD + opinion_height(s, &b->opinions[i]);

		if (fit(s, page, y, h, e))
			return -1;
		r.b = b;
		r.i0 = i++;
		r.cont = cont;
		r.page = *page;
		r.y = *y;
		while (i < b->n_opinions) {
			double more = opinion_height(s, &b->opinions[i]);

			if (*y + h + more > PAGE_BOTTOM)
				break;
			h += more;
			i++;
		}
		r.i1 = i;
		r.h = h < ROW_MIN ? ROW_MIN : h;
		if (push_row(s, &r))
			return err_internal(e, "sheet: out of memory");
		*y += r.h;
		cont = 1;
	}
	return 0;
}

static int paginate(struct sdoc *s, struct err *e)
{
	int page = 0;
	double y = s->table_top;
	size_t i;

	for (i = 0; i < s->f->n_blocks; i++) {
		const struct sheet_block *b = &s->f->blocks[i];

		if (b->kind == SHEET_FIELDS ? paginate_fields(s, b, &page, &y, e)
		                            : paginate_opinions(s, b, &page, &y, e))
			return -1;
	}
	s->pages = page + 1;
	return 0;
}

/* ---- drawing ------------------------------------------------------------------------------- */

/* Text wrapped in a box, centred or left-aligned, vertically centred. */
static void draw_box_text(struct sdoc *s, const char *text, enum render_role role, double size,
                          double x, double y, double w, double h, int centre)
{
	PangoLayout *l;
	int lw, lh;

	if (!text || !*text)
		return;
	l = tg_layout_wrapped(&s->tg, text, role, size, w - 2 * PAD);
	if (centre)
		pango_layout_set_alignment(l, PANGO_ALIGN_CENTER);
	pango_layout_get_size(l, &lw, &lh);
	cairo_move_to(s->tg.cr, x + PAD, y + (h - lh / (double)PANGO_SCALE) / 2);
	pango_cairo_show_layout(s->tg.cr, l);
	g_object_unref(l);
}

static void stroke_line(cairo_t *cr, double x0, double y0, double x1, double y1)
{
	cairo_move_to(cr, x0, y0);
	cairo_line_to(cr, x1, y1);
	cairo_stroke(cr);
}

static void signature(const struct sheet_opinion *o, int with_time, char *out, size_t cap)
{
	char when[64] = "";

	if (o->time) {
		int64_t local = o->time + CN_UTC_OFFSET;
		int days = date_of_time(o->time), y, m, d;
		int secs = (int)(((local % 86400) + 86400) % 86400);

		date_ymd(days, &y, &m, &d);
		if (with_time)
			snprintf(when, sizeof(when), "%d年%d月%d日 %02d:%02d", y, m, d, secs / 3600,
			         secs / 60 % 60);
		else
			snprintf(when, sizeof(when), "%d年%d月%d日", y, m, d);
	}
	snprintf(out, cap, "%s%s%s", o->person ? o->person : "", o->person && *when ? "    " : "",
	         when);
}

static void draw_row(struct sdoc *s, const struct srow *r)
{
	cairo_t *cr = s->tg.cr;
	const struct sheet_block *b = r->b;
	double x = X0, y = r->y;
	size_t i;

	cairo_set_source_rgb(cr, 0, 0, 0);
	cairo_set_line_width(cr, LINE_W);
	cairo_rectangle(cr, X0, y, TABLE_W, r->h);
	cairo_stroke(cr);
	if (b->kind == SHEET_FIELDS) {
		int two = r->i1 - r->i0 == 2;

		for (i = r->i0; i < r->i1; i++) {
			const struct sheet_pair *p = &b->pairs[i];

			draw_box_text(s, p->label, ROLE_HEITI, LABEL_PT, x, y, LABEL_W, r->h, 1);
			stroke_line(cr, x + LABEL_W, y, x + LABEL_W, y + r->h);
			draw_box_text(s, p->value, ROLE_FANGSONG, VALUE_PT, x + LABEL_W, y,
			              value_w(two, (int)(i - r->i0)), r->h, 0);
			x += LABEL_W + value_w(two, (int)(i - r->i0));
			if (i + 1 < r->i1)
				stroke_line(cr, x, y, x, y + r->h);
		}
		return;
	}
	{
		char label[SHEET_LABEL_MAX + 16];
		double oy = y + PAD, tw = TABLE_W - LABEL_W - 2 * PAD;

		snprintf(label, sizeof(label), "%s%s", b->label, r->cont ? "（续）" : "");
		draw_box_text(s, label, ROLE_HEITI, LABEL_PT, X0, y, LABEL_W, r->h, 1);
		stroke_line(cr, X0 + LABEL_W, y, X0 + LABEL_W, y + r->h);
		for (i = r->i0; i < r->i1; i++) {
			const struct sheet_opinion *o = &b->opinions[i];
			char sig[SHEET_LABEL_MAX + 80];
			double th = text_height(s, o->text, ROLE_KAITI, OPINION_PT, tw), sw;

			if (th > 0) {
				PangoLayout *l =
				    tg_layout_wrapped(&s->tg, o->text, ROLE_KAITI, OPINION_PT, tw);

				cairo_move_to(cr, X0 + LABEL_W + PAD, oy);
				pango_cairo_show_layout(cr, l);
				g_object_unref(l);
			}
			signature(o, s->f->with_time, sig, sizeof(sig));
			sw = tg_natural_width(&s->tg, sig, ROLE_FANGSONG, SIG_PT);
			tg_draw_natural(&s->tg, sig, ROLE_FANGSONG, SIG_PT, X0 + TABLE_W - PAD - sw,
			                oy + th + SIG_PT * 0.3 + TG_ASCENT * SIG_PT, 1);
			oy += opinion_height(s, o);
		}
	}
}

static void draw_heading(struct sdoc *s)
{
	const struct sheet_form *f = s->f;
	double w = tg_natural_width(&s->tg, f->heading, ROLE_XIAOBIAOSONG, HEAD_PT), xs = 1;
	double y = PAGE_TOP + TG_ASCENT * HEAD_PT;

	if (w > TABLE_W)
		xs = TABLE_W / w;
	cairo_set_source_rgb(s->tg.cr, 0, 0, 0);
	tg_draw_natural(&s->tg, f->heading, ROLE_XIAOBIAOSONG, HEAD_PT, X0 + (TABLE_W - w * xs) / 2,
	                y, xs);
	if (f->serial && *f->serial) {
		double sw = tg_natural_width(&s->tg, f->serial, ROLE_FANGSONG, SERIAL_PT);

		tg_draw_natural(&s->tg, f->serial, ROLE_FANGSONG, SERIAL_PT, X0 + TABLE_W - sw,
		                s->table_top - PT(2.0), 1);
	}
}

static void draw_footer(struct sdoc *s, int page)
{
	char foot[64];
	double w;

	snprintf(foot, sizeof(foot), "第 %d 页 共 %d 页", page + 1, s->pages);
	w = tg_natural_width(&s->tg, foot, ROLE_SONG, FOOT_PT);
	tg_draw_natural(&s->tg, foot, ROLE_SONG, FOOT_PT, X0 + (TABLE_W - w) / 2,
	                PAGE_BOTTOM + PT(8.0), 1);
}

static void draw(struct sdoc *s)
{
	cairo_t *cr = s->tg.cr;
	size_t i = 0;
	int page;

	for (page = 0; page < s->pages; page++) {
		double top = page == 0 ? s->table_top : PAGE_TOP, bottom = top;

		if (page == 0)
			draw_heading(s);
		for (; i < s->n && s->rows[i].page == page; i++) {
			draw_row(s, &s->rows[i]);
			bottom = s->rows[i].y + s->rows[i].h;
		}
		/* the table's frame is heavier than its inner lines */
		cairo_set_source_rgb(cr, 0, 0, 0);
		cairo_set_line_width(cr, FRAME_W);
		cairo_rectangle(cr, X0, top, TABLE_W, bottom - top);
		cairo_stroke(cr);
		draw_footer(s, page);
		cairo_show_page(cr);
	}
}

static cairo_status_t sink_write(void *closure, const unsigned char *data, unsigned int length)
{
	return render_write(closure, data, length) == 0 ? CAIRO_STATUS_SUCCESS
	                                                : CAIRO_STATUS_WRITE_ERROR;
}

int sheet_render(const struct sheet_form *f, const struct render_sink *sink, int *pages,
                 struct err *e)
{
	cairo_surface_t *surf;
	cairo_t *cr;
	struct sdoc s;
	int rc = -1;

	if (validate(f, e))
		return -1;
	memset(&s, 0, sizeof(s));
	s.f = f;
	s.table_top = PAGE_TOP + HEAD_PT * 1.6 + PT(f->serial && *f->serial ? 8.0 : 4.0);
	surf = cairo_pdf_surface_create_for_stream(sink_write, (void *)sink, PT(RENDER_A4_W_MM),
	                                           PT(RENDER_A4_H_MM));
	cr = cairo_create(surf);
	if (cairo_status(cr) != CAIRO_STATUS_SUCCESS) {
		err_internal(e, "sheet: cairo: %s", cairo_status_to_string(cairo_status(cr)));
		goto out;
	}
	cairo_pdf_surface_set_metadata(surf, CAIRO_PDF_METADATA_TITLE, f->heading);
	cairo_pdf_surface_set_metadata(surf, CAIRO_PDF_METADATA_CREATOR, "Jianwu");
	if (tg_ctx_init(&s.tg, cr, &f->fonts, e) || paginate(&s, e))
		goto out;
	draw(&s);
	cairo_surface_finish(surf);
	if (cairo_surface_status(surf) != CAIRO_STATUS_SUCCESS) {
		err_internal(e, "sheet: cairo: %s",
		             cairo_status_to_string(cairo_surface_status(surf)));
		goto out;
	}
	if (pages)
		*pages = s.pages;
	rc = 0;
out:
	tg_ctx_free(&s.tg);
	free(s.rows);
	cairo_destroy(cr);
	cairo_surface_destroy(surf);
	return rc;
}

/* ---- the three sheets ---------------------------------------------------------------------- */

static void heading(char *out, size_t cap, const char *org, const char *name)
{
	snprintf(out, cap, "%s%s", org ? org : "", name);
}

static const char *cn_date(const char *iso, char *out, size_t cap)
{
	int days, y, m, d;

	if (!iso || !*iso)
		return "";
	if (date_parse(iso, &days) != 0)
		return iso; /* shown as given: a sheet is a record, not a validator */
	date_ymd(days, &y, &m, &d);
	snprintf(out, cap, "%d年%d月%d日", y, m, d);
	return out;
}

static const char *count(int n, char *out, size_t cap)
{
	if (n <= 0)
		return "";
	snprintf(out, cap, "%d", n);
	return out;
}

static void fonts_or_default(struct sheet_form *f, const struct render_fonts *fonts)
{
	if (fonts)
		f->fonts = *fonts;
}

int sheet_incoming_render(const struct sheet_incoming *in, const struct render_fonts *fonts,
                          const struct render_sink *sink, int *pages, struct err *e)
{
	char head[SHEET_HEADING_MAX + 32], serial[SHEET_LABEL_MAX * 2 + 32] = "", d1[32], d2[32],
	                                                                n1[16];
	struct sheet_pair top[] = {
	    {"来文机关", in->from, false},
	    {"收文日期", cn_date(in->received, d1, sizeof(d1)), false},
	    {"来文字号", in->number, false},
	    {"份数", count(in->copies, n1, sizeof(n1)), false},
	    {"密级", in->secrecy, false},
	    {"紧急程度", in->urgency, false},
	    {"文件标题", in->title, true},
	    {"办理时限", cn_date(in->deadline, d2, sizeof(d2)), true},
	};
	struct sheet_pair tail[] = {
	    {"办理结果", in->result, true},
	    {"备注", in->remarks, true},
	};
	struct sheet_block blocks[] = {
	    {SHEET_FIELDS, top, sizeof(top) / sizeof(top[0]), NULL, NULL, 0},
	    {SHEET_OPINIONS, NULL, 0, "拟办意见", in->proposals, in->n_proposals},
	    {SHEET_OPINIONS, NULL, 0, "领导批示", in->instructions, in->n_instructions},
	    {SHEET_OPINIONS, NULL, 0, "承办情况", in->handling, in->n_handling},
	    {SHEET_FIELDS, tail, sizeof(tail) / sizeof(tail[0]), NULL, NULL, 0},
	};
	struct sheet_form f;

	memset(&f, 0, sizeof(f));
	heading(head, sizeof(head), in->org, "收文处理单");
	if (in->serial && *in->serial)
		snprintf(serial, sizeof(serial), "收文编号：%s", in->serial);
	f.heading = head;
	f.serial = serial;
	f.blocks = blocks;
	f.n_blocks = sizeof(blocks) / sizeof(blocks[0]);
	fonts_or_default(&f, fonts);
	return sheet_render(&f, sink, pages, e);
}

int sheet_draft_render(const struct sheet_draft *d, const struct render_fonts *fonts,
                       const struct render_sink *sink, int *pages, struct err *e)
{
	char head[SHEET_HEADING_MAX + 32], d1[32], n1[16];
	struct sheet_pair fields[] = {
	    {"发文字号", d->number, false},
	    {"密级", d->secrecy, false},
	    {"主办单位", d->department, false},
	    {"紧急程度", d->urgency, false},
	    {"拟稿人", d->drafter, false},
	    {"印制份数", count(d->copies, n1, sizeof(n1)), false},
	    {"标题", d->title, true},
	    {"主送", d->recipients, true},
	    {"抄送", d->cc, true},
	    {"附件", d->attachments, true},
	    {"校对", d->proofreader, false},
	    {"印发日期", cn_date(d->printed, d1, sizeof(d1)), false},
	};
	struct sheet_block blocks[] = {
	    {SHEET_OPINIONS, NULL, 0, "签发", d->sign, d->n_sign},
	    {SHEET_OPINIONS, NULL, 0, "会签", d->countersign, d->n_countersign},
	    {SHEET_OPINIONS, NULL, 0, "核稿", d->review, d->n_review},
	    {SHEET_FIELDS, fields, sizeof(fields) / sizeof(fields[0]), NULL, NULL, 0},
	};
	struct sheet_form f;

	memset(&f, 0, sizeof(f));
	heading(head, sizeof(head), d->org, "发文稿纸");
	f.heading = head;
	f.blocks = blocks;
	f.n_blocks = sizeof(blocks) / sizeof(blocks[0]);
	fonts_or_default(&f, fonts);
	return sheet_render(&f, sink, pages, e);
}

int sheet_approval_render(const struct sheet_approval *a, const struct render_fonts *fonts,
                          const struct render_sink *sink, int *pages, struct err *e)
{
	char head[SHEET_HEADING_MAX + 32];
	struct sheet_block *blocks = NULL;
	struct sheet_opinion *ops = NULL;
	struct sheet_form f;
	size_t i, n = 0;
	int rc;

	if (a->n_steps > SHEET_BLOCKS_MAX - 1)
		return err_field(e, ERR_VALIDATION, "steps", "审批环节过多");
	blocks = calloc(a->n_steps + 1, sizeof(*blocks));
	ops = calloc(a->n_steps + 1, sizeof(*ops));
	if (!blocks || !ops) {
		free(blocks);
		free(ops);
		return err_internal(e, "sheet: out of memory");
	}
	if (a->n_fields) {
		blocks[n].kind = SHEET_FIELDS;
		blocks[n].pairs = a->fields;
		blocks[n++].n_pairs = a->n_fields;
	}
	/* one row per step: the step's name beside its opinion, person and time */
	for (i = 0; i < a->n_steps; i++) {
		ops[i].text = a->steps[i].opinion;
		ops[i].person = a->steps[i].person;
		ops[i].time = a->steps[i].time;
		blocks[n].kind = SHEET_OPINIONS;
		blocks[n].label = a->steps[i].step;
		blocks[n].opinions = &ops[i];
		blocks[n++].n_opinions = 1;
	}
	memset(&f, 0, sizeof(f));
	heading(head, sizeof(head), a->org, a->title ? a->title : "审批单");
	f.heading = head;
	f.serial = a->serial;
	f.blocks = blocks;
	f.n_blocks = n;
	f.with_time = true;
	fonts_or_default(&f, fonts);
	rc = sheet_render(&f, sink, pages, e);
	free(blocks);
	free(ops);
	return rc;
}
