/*
 * gbt9704.c - GB/T 9704-2012 official-document PDF (see gbt9704.h).
 *
 * Two passes. Layout turns the document into positioned lines and rules: the 版头 at fixed
 * places on page 1, then a flow of grid lines (标题 ... 附注) paginated 22 to a page with
 * keep-together chains (a heading stays with its next line; the last two body lines stay with
 * 署名 and 成文日期, so no page carries the signature alone), then the 版记 at the bottom of the
 * right page. Drawing then walks the pages. All lengths inside are points; the GBT_* constants are
 * millimetres.
 */
#include "render/gbt9704.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cairo-pdf.h>
#include <cairo.h>

#include "core/timeutil.h"
#include "render/textgrid.h"

#define PT(mm) RENDER_MM(mm)
#define PITCH  PT(GBT_BLOCK_H / GBT_LINES)
#define CELL   PT(GBT_BLOCK_W / GBT_CHARS)
#define HALF   (CELL / 2)
#define LEFT   PT(GBT_BLOCK_LEFT)
#define TOP    PT(GBT_BLOCK_TOP)
#define WIDTH  PT(GBT_BLOCK_W)
#define BOTTOM PT(GBT_BLOCK_TOP + GBT_BLOCK_H)
#define UNITS  (2 * GBT_CHARS)

/* 发文机关标志: at most 15 mm wide and 22 mm high a character, at most 150 mm in all; the
 * characters are drawn condensed (taller than wide) as printed red heads are. */
#define MARK_CHAR_W_MAX 15.0
#define MARK_CHAR_H_MAX 22.0
#define MARK_W_MAX      150.0
#define MARK_ASPECT     1.47 /* height / width */
#define LETTER_ASPECT   1.2
#define RED_RULE_W      0.6 /* mm, the red rule under the 发文字号 */
#define LETTER_RULE_LEN 170.0
#define LETTER_THICK    0.8 /* mm */
#define LETTER_THIN     0.3
#define LETTER_RULE_GAP 0.6
#define LETTER_BOTTOM   20.0 /* lower double rule above the page bottom */
#define TITLE_UNITS_MAX 40   /* 20 characters of 2号 in 156 mm */

#define RED 0xFF0000u

struct pline {
	int page;
	double x, baseline, size;
	struct tg_style style;
	struct tg_line tl;   /* grid line; adv/box owned */
	const char *natural; /* natural text instead of a grid line (pool) */
	double xscale;
	unsigned rgb;
};

struct prule {
	int page;
	double x0, x1, y, w;
	unsigned rgb;
};

/* A line of the flow before pagination. */
struct fline {
	int blank;
	int keep_next; /* no page break between this line and the next */
	double size;
	double x; /* from the block's left edge */
	struct tg_style style;
	struct tg_line tl;
};

struct gdoc {
	const struct gbt9704_doc *doc;
	const struct gbt9704_opts *opts;
	struct tg_ctx tg;
	struct pline *pl;
	size_t npl, cappl;
	struct prule *rules;
	size_t nrules, caprules;
	struct fline *fl;
	size_t nfl, capfl;
	char **pool;
	size_t npool, cappool;
	/* page 1 geometry of the flow */
	double origin0;
	int slots0, first_slot;
	int pages, text_pages, banji_page;
	unsigned char numbered[GBT_PAGES_MAX + 2];
	int page_overflow;
};

/* ---- small containers ---------------------------------------------------------------------- */

static int grow(void **v, size_t *cap, size_t n, size_t size)
{
	void *p;
	size_t c;

	if (n < *cap)
		return 0;
	c = *cap ? *cap * 2 : 64;
	p = realloc(*v, c * size);
	if (!p)
		return -1;
	*v = p;
	*cap = c;
	return 0;
}

static const char *pool_str(struct gdoc *g, const char *s)
{
	char *d;

	if (grow((void **)&g->pool, &g->cappool, g->npool, sizeof(char *)))
		return NULL;
	d = strdup(s);
	if (d)
		g->pool[g->npool++] = d;
	return d;
}

static int add_rule(struct gdoc *g, int page, double x0, double x1, double y, double w,
                    unsigned rgb)
{
	struct prule r = {page, x0, x1, y, w, rgb};

	if (grow((void **)&g->rules, &g->caprules, g->nrules, sizeof(r)))
		return -1;
	g->rules[g->nrules++] = r;
	return 0;
}

static int add_pline(struct gdoc *g, const struct pline *p)
{
	if (grow((void **)&g->pl, &g->cappl, g->npl, sizeof(*p)))
		return -1;
	g->pl[g->npl++] = *p;
	return 0;
}

static int add_fline(struct gdoc *g, const struct fline *f)
{
	if (grow((void **)&g->fl, &g->capfl, g->nfl, sizeof(*f)))
		return -1;
	g->fl[g->nfl++] = *f;
	return 0;
}

static void gdoc_free(struct gdoc *g)
{
	size_t i;

	for (i = 0; i < g->npl; i++) {
		free(g->pl[i].tl.adv);
		free(g->pl[i].tl.box);
	}
	for (i = 0; i < g->nfl; i++) {
		free(g->fl[i].tl.adv);
		free(g->fl[i].tl.box);
	}
	for (i = 0; i < g->npool; i++)
		free(g->pool[i]);
	free(g->pl);
	free(g->rules);
	free(g->fl);
	free(g->pool);
	tg_ctx_free(&g->tg);
}

/* ---- validation ---------------------------------------------------------------------------- */

/* 0 when s is valid UTF-8 of at most max bytes without control characters (newlines allowed
 * when nl). */
static int text_ok(const char *s, size_t max, int nl)
{
	size_t n = strlen(s), i;

	if (n > max || render_utf8_check(s, n) != 0)
		return -1;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if ((c < 0x20 || c == 0x7F) && !(nl && (c == '\n' || c == '\r' || c == '\t')))
			return -1;
	}
	return 0;
}

static int check_text(const char *s, const char *field, const char *what, size_t max, int required,
                      int nl, struct err *e)
{
	if (!s || !*s) {
		if (required)
			return err_field(e, ERR_VALIDATION, field, "%s不能为空", what);
		return 0;
	}
	if (text_ok(s, max, nl) != 0)
		return err_field(e, ERR_VALIDATION, field, "%s过长或含有无效字符", what);
	return 0;
}

static int check_date(const char *s, const char *field, const char *what, struct err *e)
{
	int days;

	if (!s || date_parse(s, &days) != 0)
		return err_field(e, ERR_VALIDATION, field, "%s须为有效日期（YYYY-MM-DD）", what);
	return 0;
}

static int check_number(const char *s, struct err *e)
{
	const char *open = strstr(s, "〔"), *close = strstr(s, "〕");

	if (strpbrk(s, "[]()") || strstr(s, "［") || strstr(s, "【") || strstr(s, "（") || !open ||
	    !close || close < open)
		return err_field(e, ERR_VALIDATION, "number",
		                 "发文字号的年份须用六角括号〔〕标注，如 定检发〔2026〕5号");
	return 0;
}

int gbt9704_validate(const struct gbt9704_doc *d, struct err *e)
{
	static const int max_years[] = {0, 10, 20, 30};
	size_t i;

	if ((unsigned)d->secrecy > GBT_SECRECY_JUEMI)
		return err_field(e, ERR_VALIDATION, "secrecy", "密级无效");
	if (d->secrecy_years < 0 || d->secrecy_years > max_years[d->secrecy] ||
	    (d->secrecy == GBT_SECRECY_NONE && d->secrecy_years))
		return err_field(e, ERR_VALIDATION, "secrecy_years",
		                 "保密期限超出该密级的最长期限");
	if ((unsigned)d->urgency > GBT_URGENCY_TEJI)
		return err_field(e, ERR_VALIDATION, "urgency", "紧急程度无效");
	if (check_text(d->mark, "mark", "发文机关标志", GBT_MARK_MAX, 1, 0, e) ||
	    check_text(d->number, "number", "发文字号", GBT_NUMBER_MAX, !d->letter, 0, e) ||
	    (d->number && *d->number && check_number(d->number, e)) ||
	    check_text(d->title, "title", "标题", GBT_TITLE_MAX, 1, 1, e) ||
	    check_text(d->recipients, "recipients", "主送机关", GBT_RECIPIENTS_MAX, 0, 0, e) ||
	    check_text(d->body, "body", "正文", GBT_BODY_MAX, 1, 1, e) ||
	    check_text(d->signatory, "signatory", "发文机关署名", GBT_SIGNATORY_MAX, 0, 0, e) ||
	    check_date(d->date, "date", "成文日期", e) ||
	    check_text(d->note, "note", "附注", GBT_NOTE_MAX, 0, 0, e) ||
	    check_text(d->cc, "cc", "抄送机关", GBT_CC_MAX, 0, 0, e) ||
	    check_text(d->printer, "printer", "印发机关", GBT_PRINTER_MAX, 0, 0, e))
		return -1;
	if (d->printer && *d->printer && check_date(d->print_date, "print_date", "印发日期", e))
		return -1;
	if (d->upward && d->n_signers == 0)
		return err_field(e, ERR_VALIDATION, "signers", "上行文须标注签发人");
	if (d->n_signers > GBT_SIGNERS_MAX)
		return err_field(e, ERR_VALIDATION, "signers", "签发人不能超过 %d 人",
		                 GBT_SIGNERS_MAX);
	for (i = 0; i < d->n_signers; i++)
		if (check_text(d->signers[i], "signers", "签发人姓名", GBT_NAME_MAX, 1, 0, e))
			return -1;
	if (d->n_attachments > GBT_ATTACH_MAX)
		return err_field(e, ERR_VALIDATION, "attachments", "附件不能超过 %d 个",
		                 GBT_ATTACH_MAX);
	for (i = 0; i < d->n_attachments; i++)
		if (check_text(d->attachments[i], "attachments", "附件名称", GBT_ATTACH_NAME_MAX, 1,
		               0, e))
			return -1;
	return 0;
}

/* ---- text helpers -------------------------------------------------------------------------- */

/* "2026-03-05" -> "2026年3月5日" (+ suffix). */
static void cn_date(const char *iso, const char *suffix, char *out, size_t cap)
{
	int days = 0, y, m, d;

	date_parse(iso, &days);
	date_ymd(days, &y, &m, &d);
	snprintf(out, cap, "%d年%d月%d日%s", y, m, d, suffix);
}

static int starts_with(const char *s, size_t n, const char *prefix)
{
	size_t k = strlen(prefix);

	return n >= k && memcmp(s, prefix, k) == 0;
}

/* Length of a run of Chinese numerals (一..十, 百, 零) at s. */
static size_t cn_numeral_run(const char *s, size_t n)
{
	static const char *const digits[] = {"一", "二", "三", "四", "五", "六", "七",
	                                     "八", "九", "十", "百", "零", "〇"};
	size_t i = 0, k;

	for (;;) {
		int hit = 0;

		for (k = 0; k < sizeof(digits) / sizeof(digits[0]); k++)
			if (starts_with(s + i, n - i, digits[k])) {
				i += strlen(digits[k]);
				hit = 1;
				break;
			}
		if (!hit)
			return i;
	}
}

static size_t ascii_digit_run(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && s[i] >= '0' && s[i] <= '9')
		i++;
	return i;
}

/* Heading level of a body paragraph by its prefix: 1 一、 2 （一） 3 1. 4 （1）; 0 for text. */
static int heading_level(const char *s, size_t n)
{
	size_t k;

	k = cn_numeral_run(s, n);
	if (k && starts_with(s + k, n - k, "、"))
		return 1;
	if (starts_with(s, n, "（")) {
		size_t a = strlen("（");

		k = cn_numeral_run(s + a, n - a);
		if (k && starts_with(s + a + k, n - a - k, "）"))
			return 2;
		k = ascii_digit_run(s + a, n - a);
		if (k && starts_with(s + a + k, n - a - k, "）"))
			return 4;
	}
	k = ascii_digit_run(s, n);
	if (k && k < n && (s[k] == '.' || starts_with(s + k, n - k, "．")))
		return 3;
	return 0;
}

/* ---- the flow ------------------------------------------------------------------------------ */

/* Breaks a paragraph onto the grid and appends its lines to the flow. */
static int flow_par(struct gdoc *g, const char *text, size_t len, const struct tg_break_opts *o,
                    double x_extra, struct err *e)
{
	struct tg_lines lines = {0};
	size_t i;
	int rc = -1;

	if (tg_break(&g->tg, text, len, o, &lines, e))
		goto out;
	for (i = 0; i < lines.n; i++) {
		struct fline f;

		memset(&f, 0, sizeof(f));
		f.size = o->size;
		f.style = o->style;
		f.tl = lines.v[i];
		f.x = x_extra + f.tl.indent * o->cell / 2;
		if (add_fline(g, &f)) {
			err_internal(e, "render: out of memory");
			/* lines i.. still owned here */
			for (; i < lines.n; i++) {
				free(lines.v[i].adv);
				free(lines.v[i].box);
			}
			goto out;
		}
	}
	rc = 0;
out:
	free(lines.v);
	return rc;
}

static int flow_blank(struct gdoc *g, struct err *e)
{
	struct fline f;

	memset(&f, 0, sizeof(f));
	f.blank = 1;
	if (add_fline(g, &f))
		return err_internal(e, "render: out of memory");
	return 0;
}

static struct tg_break_opts body_opts(enum render_role role, int first, int rest)
{
	struct tg_break_opts o;

	memset(&o, 0, sizeof(o));
	o.size = GBT_BODY_PT;
	o.cell = CELL;
	o.width = UNITS;
	o.first = first;
	o.rest = rest;
	o.justify = 1;
	o.style.role = o.style.role2 = role;
	o.style.split = 0;
	return o;
}

/* Where to break a title of two lines: after "关于" when both parts fit (the issuing organ and
 * 关于 on the first line is the usual pattern), else 0 (balance the lines). */
static size_t title_break(struct gdoc *g, const char *s, size_t len, int max_units)
{
	const char *k = memmem(s, len, "关于", strlen("关于"));
	size_t cut;

	if (!k)
		return 0;
	cut = (size_t)(k - s) + strlen("关于");
	if (cut >= len ||
	    tg_measure(&g->tg, s, cut, ROLE_XIAOBIAOSONG, GBT_TITLE_PT, GBT_TITLE_PT) > max_units ||
	    tg_measure(&g->tg, s + cut, len - cut, ROLE_XIAOBIAOSONG, GBT_TITLE_PT, GBT_TITLE_PT) >
	        max_units)
		return 0;
	return cut;
}

/* One part of the title: balanced over as few lines as it needs, longer lines first (the
 * inverted trapezoid), centred. */
static int title_part(struct gdoc *g, const char *s, size_t len, int max_units, struct err *e)
{
	double tcell = GBT_TITLE_PT;
	int units = tg_measure(&g->tg, s, len, ROLE_XIAOBIAOSONG, GBT_TITLE_PT, tcell);
	int nlines = (units + max_units - 1) / max_units, target;
	struct tg_break_opts o;
	size_t before = g->nfl, i, cut;

	if (nlines == 2 && (cut = title_break(g, s, len, max_units)) > 0)
		return title_part(g, s, cut, max_units, e) ||
		       title_part(g, s + cut, len - cut, max_units, e);
	target = (units + nlines - 1) / nlines;
	target += target % 2; /* whole characters */
	if (nlines > 1 && target + 2 <= max_units)
		target += 2; /* room to move punctuation */
	memset(&o, 0, sizeof(o));
	o.size = GBT_TITLE_PT;
	o.cell = tcell;
	o.width = target;
	o.style.role = o.style.role2 = ROLE_XIAOBIAOSONG;
	if (flow_par(g, s, len, &o, 0, e))
		return -1;
	for (i = before; i < g->nfl; i++) {
		g->fl[i].x = (WIDTH - g->fl[i].tl.units * tcell / 2) / 2;
		g->fl[i].keep_next = 1;
	}
	return 0;
}

/* 标题: 2号小标宋; '\n' in the title forces a break. */
static int flow_title(struct gdoc *g, struct err *e)
{
	const char *s = g->doc->title;
	int max_units = (int)(WIDTH / GBT_TITLE_PT) * 2;

	if (max_units > TITLE_UNITS_MAX)
		max_units = TITLE_UNITS_MAX;
	while (*s) {
		size_t len = strcspn(s, "\r\n");

		if (len > 0 && title_part(g, s, len, max_units, e))
			return -1;
		s += len;
		if (*s == '\r')
			s++;
		if (*s == '\n')
			s++;
	}
	return 0;
}

static int flow_recipients(struct gdoc *g, struct err *e)
{
	const char *r = g->doc->recipients;
	struct tg_break_opts o = body_opts(ROLE_FANGSONG, 0, 0);
	size_t n;
	char *buf;
	int rc;

	if (!r || !*r)
		return 0;
	n = strlen(r);
	buf = malloc(n + 4);
	if (!buf)
		return err_internal(e, "render: out of memory");
	memcpy(buf, r, n + 1);
	while (n > 0 && (buf[n - 1] == ' '))
		buf[--n] = '\0';
	if (!(n >= 3 && strcmp(buf + n - 3, "：") == 0) && !(n && buf[n - 1] == ':'))
		strcat(buf, "：");
	rc = pool_str(g, buf) ? 0 : -1;
	if (rc == 0)
		rc = flow_par(g, g->pool[g->npool - 1], strlen(buf), &o, 0, e);
	else
		err_internal(e, "render: out of memory");
	free(buf);
	return rc;
}

/* Skips leading ASCII spaces, tabs and ideographic spaces: the layout indents paragraphs. */
static size_t skip_indent(const char *s, size_t n)
{
	size_t i = 0;

	for (;;) {
		if (i < n && (s[i] == ' ' || s[i] == '\t'))
			i++;
		else if (starts_with(s + i, n - i, "\u3000"))
			i += 3;
		else
			return i;
	}
}

static int flow_body(struct gdoc *g, struct err *e)
{
	const char *s = g->doc->body;

	while (*s) {
		size_t len = strcspn(s, "\r\n"), k = skip_indent(s, len);
		const char *p = s + k;
		size_t n = len - k;

		while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
			n--;
		if (n > 0) {
			int level = heading_level(p, n);
			struct tg_break_opts o = body_opts(ROLE_FANGSONG, 4, 0);
			const char *stop;
			size_t before = g->nfl;

			if (level == 1 || level == 2) {
				/* the heading runs to its first 。 when text follows it */
				o.style.role = level == 1 ? ROLE_HEITI : ROLE_KAITI;
				o.style.split = n;
				stop = memmem(p, n, "。", 3);
				if (stop && (size_t)(stop - p) + 3 < n)
					o.style.split = (size_t)(stop - p) + 3;
			}
			if (flow_par(g, p, n, &o, 0, e))
				return -1;
			/* a heading without a sentence of its own stays with the next line */
			if (level && !memmem(p, n, "。", 3) && g->nfl > before)
				g->fl[g->nfl - 1].keep_next = 1;
		}
		s += len;
		if (*s == '\r')
			s++;
		if (*s == '\n')
			s++;
	}
	return 0;
}

/* 附件说明: "附件：1. 名称", later items aligned under "1.", wrapped lines under the name. */
static int flow_attachments(struct gdoc *g, struct err *e)
{
	const struct gbt9704_doc *d = g->doc;
	int label =
	    tg_measure(&g->tg, "附件：", strlen("附件："), ROLE_FANGSONG, GBT_BODY_PT, CELL);
	size_t i;

	if (d->n_attachments == 0)
		return 0;
	if (flow_blank(g, e))
		return -1;
	for (i = 0; i < d->n_attachments; i++) {
		char num[32] = "";
		size_t n = strlen(d->attachments[i]) + 32;
		char *buf = malloc(n);
		const char *txt;
		struct tg_break_opts o;
		int first = 4 + (i ? label : 0), nu;

		if (!buf)
			return err_internal(e, "render: out of memory");
		if (d->n_attachments > 1)
			snprintf(num, sizeof(num), "%zu. ", i + 1);
		snprintf(buf, n, "%s%s%s", i ? "" : "附件：", num, d->attachments[i]);
		txt = pool_str(g, buf);
		free(buf);
		if (!txt)
			return err_internal(e, "render: out of memory");
		nu = num[0] ? tg_measure(&g->tg, num, strlen(num), ROLE_FANGSONG, GBT_BODY_PT, CELL)
		            : 0;
		o = body_opts(ROLE_FANGSONG, first, 4 + label + nu);
		if (flow_par(g, txt, strlen(txt), &o, 0, e))
			return -1;
	}
	return 0;
}

/* One line of text at a given unit offset from the block's left edge. */
static int flow_at(struct gdoc *g, const char *text, int indent, struct err *e)
{
	const char *t = pool_str(g, text);
	struct tg_break_opts o = body_opts(ROLE_FANGSONG, indent, indent);

	o.justify = 0;
	o.width = UNITS + 4; /* never wraps a positioned line */
	if (!t)
		return err_internal(e, "render: out of memory");
	return flow_par(g, t, strlen(t), &o, 0, e);
}

/* 署名 and 成文日期. Sealed (7.3.5.1): two blank lines, date 4 characters from the right, 署名
 * centred over it. Unsealed (7.3.5.2): one blank line, 署名 2 characters from the right, date on
 * the next line 2 characters further right. The chain from the last two text lines to the date
 * (and 附注) is kept on one page. */
static int flow_signature(struct gdoc *g, struct err *e)
{
	const struct gbt9704_doc *d = g->doc;
	char date[64];
	int du, su = 0, ds, ss = 0, blanks = g->opts->unsealed ? 1 : 2, i;
	int has_sig = d->signatory && *d->signatory;
	size_t chain = g->nfl >= 2 ? g->nfl - 2 : 0, j;

	cn_date(d->date, "", date, sizeof(date));
	du = tg_measure(&g->tg, date, strlen(date), ROLE_FANGSONG, GBT_BODY_PT, CELL);
	if (has_sig)
		su = tg_measure(&g->tg, d->signatory, strlen(d->signatory), ROLE_FANGSONG,
		                GBT_BODY_PT, CELL);
	if (!g->opts->unsealed) {
		ds = UNITS - 8 - du;
		ss = ds + du / 2 - su / 2;
		if (ss + su > UNITS)
			ss = UNITS - su;
	} else {
		ss = UNITS - 4 - su;
		ds = ss + 4;
		if (ds + du > UNITS - 4) {
			ds = UNITS - 4 - du;
			ss = ds - 4;
		}
	}
	if (ss < 0)
		ss = 0;
	if (ds < 0)
		ds = 0;
	for (i = 0; i < blanks; i++)
		if (flow_blank(g, e))
			return -1;
	if (has_sig && flow_at(g, d->signatory, ss, e))
		return -1;
	if (flow_at(g, date, ds, e))
		return -1;
	if (d->note && *d->note) {
		char note[GBT_NOTE_MAX + 16];
		int wrapped = starts_with(d->note, strlen(d->note), "（");
		struct tg_break_opts o = body_opts(ROLE_FANGSONG, 4, 0);
		const char *t;

		snprintf(note, sizeof(note), wrapped ? "%s" : "（%s）", d->note);
		t = pool_str(g, note);
		if (!t)
			return err_internal(e, "render: out of memory");
		if (flow_par(g, t, strlen(t), &o, 0, e))
			return -1;
	}
	for (j = chain; j + 1 < g->nfl; j++)
		g->fl[j].keep_next = 1;
	return 0;
}

/* ---- pagination ---------------------------------------------------------------------------- */

static double slot_top(const struct gdoc *g, int page, int slot)
{
	return (page == 0 ? g->origin0 : TOP) + slot * PITCH;
}

static int slots_of(const struct gdoc *g, int page)
{
	return page == 0 ? g->slots0 : GBT_LINES;
}

static double baseline_in(double band_top, double band, double size)
{
	return band_top + (band - size) / 2 + TG_ASCENT * size;
}

/* Places the flow; returns the last page used and sets *bottom to the lower edge of its last
 * line. */
static int paginate(struct gdoc *g, double *bottom, struct err *e)
{
	int page = 0, slot = g->first_slot, top_slot = g->first_slot;
	size_t i;

	*bottom = slot_top(g, 0, slot);
	for (i = 0; i < g->nfl; i++) {
		struct fline *f = &g->fl[i];
		size_t j = i;
		int chain;

		while (j + 1 < g->nfl && g->fl[j].keep_next)
			j++;
		chain = (int)(j - i + 1);
		if (slot >= slots_of(g, page) ||
		    (slot + chain > slots_of(g, page) && slot > top_slot)) {
			page++;
			slot = top_slot = 0;
			if (page >= GBT_PAGES_MAX)
				return err_set(e, ERR_TOO_LARGE, "公文超过 %d 页", GBT_PAGES_MAX);
		}
		if (f->blank) {
			if (slot > 0 || page == 0)
				slot++;
			continue;
		}
		{
			struct pline p;

			memset(&p, 0, sizeof(p));
			p.page = page;
			p.size = f->size;
			p.x = LEFT + f->x;
			p.baseline = baseline_in(slot_top(g, page, slot), PITCH, f->size);
			p.style = f->style;
			p.tl = f->tl;
			p.xscale = 1;
			if (add_pline(g, &p))
				return err_internal(e, "render: out of memory");
			memset(&f->tl, 0, sizeof(f->tl)); /* moved */
			g->numbered[page] = 1;
			*bottom = slot_top(g, page, slot) + PITCH;
		}
		slot++;
	}
	return page;
}

/* ---- 版头 ---------------------------------------------------------------------------------- */

/* A single grid line of text at (x, band top). */
static int put_line(struct gdoc *g, int page, const char *text, enum render_role role, double size,
                    double cell, double x, double band_top, unsigned rgb, struct err *e)
{
	struct tg_lines lines = {0};
	struct tg_break_opts o;
	struct pline p;
	const char *t = pool_str(g, text);
	size_t i;

	if (!t)
		return err_internal(e, "render: out of memory");
	memset(&o, 0, sizeof(o));
	o.size = size;
	o.cell = cell;
	o.width = 1 << 20;
	o.style.role = o.style.role2 = role;
	if (tg_break(&g->tg, t, strlen(t), &o, &lines, e))
		return -1;
	for (i = 0; i < lines.n; i++) {
		memset(&p, 0, sizeof(p));
		p.page = page;
		p.size = size;
		p.x = x;
		p.baseline = baseline_in(band_top, PITCH, size);
		p.style = o.style;
		p.tl = lines.v[i];
		p.xscale = 1;
		p.rgb = rgb;
		if (add_pline(g, &p)) {
			for (; i < lines.n; i++) {
				free(lines.v[i].adv);
				free(lines.v[i].box);
			}
			free(lines.v);
			return err_internal(e, "render: out of memory");
		}
	}
	free(lines.v);
	return 0;
}

/* The 发文机关标志: red, centred, condensed; returns the lower edge of its em box. */
static int put_mark(struct gdoc *g, double top, double aspect, double *bottom, struct err *e)
{
	const char *mark = g->doc->mark;
	int units = tg_measure(&g->tg, mark, strlen(mark), ROLE_XIAOBIAOSONG, 100, 100);
	double n = units / 2.0, w, h, natural, xs;
	struct pline p;

	if (n < 1)
		n = 1;
	w = MARK_W_MAX / n;
	if (w > MARK_CHAR_W_MAX)
		w = MARK_CHAR_W_MAX;
	h = w * aspect;
	if (h > MARK_CHAR_H_MAX)
		h = MARK_CHAR_H_MAX;
	natural = tg_natural_width(&g->tg, mark, ROLE_XIAOBIAOSONG, PT(h));
	xs = natural > 0 ? PT(w) * n / natural : 1;
	if (xs > 1)
		xs = 1;
	memset(&p, 0, sizeof(p));
	p.page = 0;
	p.size = PT(h);
	p.natural = pool_str(g, mark);
	p.xscale = xs;
	p.x = LEFT + (WIDTH - natural * xs) / 2;
	p.baseline = top + TG_ASCENT * PT(h);
	p.rgb = RED;
	p.style.role = p.style.role2 = ROLE_XIAOBIAOSONG;
	if (!p.natural || add_pline(g, &p))
		return err_internal(e, "render: out of memory");
	*bottom = top + PT(h);
	return 0;
}

/* 份号, 密级★期限, 紧急程度 in order, one a line from slot 0 of band origin. Returns the count. */
static int put_elements(struct gdoc *g, double origin, struct err *e)
{
	static const char *const levels[] = {"", "秘密", "机密", "绝密"};
	static const char *const urgencies[] = {"", "加急", "特急"};
	const struct gbt9704_doc *d = g->doc;
	char buf[64];
	int n = 0;

	if (g->opts->copy_no) {
		snprintf(buf, sizeof(buf), "%06u", g->opts->copy_no);
		if (put_line(g, 0, buf, ROLE_HEITI, GBT_BODY_PT, CELL, LEFT, origin + n++ * PITCH,
		             0, e))
			return -1;
	}
	if (d->secrecy) {
		if (d->secrecy_years)
			snprintf(buf, sizeof(buf), "%s★%d年", levels[d->secrecy], d->secrecy_years);
		else
			snprintf(buf, sizeof(buf), "%s", levels[d->secrecy]);
		if (put_line(g, 0, buf, ROLE_HEITI, GBT_BODY_PT, CELL, LEFT, origin + n++ * PITCH,
		             0, e))
			return -1;
	}
	if (d->urgency) {
		if (put_line(g, 0, urgencies[d->urgency], ROLE_HEITI, GBT_BODY_PT, CELL, LEFT,
		             origin + n++ * PITCH, 0, e))
			return -1;
	}
	return n;
}

static int units_of(struct gdoc *g, const char *s, enum render_role role)
{
	return tg_measure(&g->tg, s, strlen(s), role, GBT_BODY_PT, CELL);
}

/* 上行文: 签发人 one character in from the right, two names a line, names aligned; the 发文字号
 * one character in from the left on the last line. Returns the last slot used. */
static int put_signers(struct gdoc *g, int slot, struct err *e)
{
	const struct gbt9704_doc *d = g->doc;
	int label = units_of(g, "签发人：", ROLE_FANGSONG), nu = 0, cols, start, rows;
	size_t i;

	for (i = 0; i < d->n_signers; i++) {
		int u = units_of(g, d->signers[i], ROLE_KAITI);

		if (u > nu)
			nu = u;
	}
	cols = d->n_signers > 1 ? 2 : 1;
	rows = (int)((d->n_signers + 1) / 2);
	start = UNITS - 2 - (label + cols * nu + (cols - 1) * 2);
	if (start < 0)
		start = 0;
	if (put_line(g, 0, "签发人：", ROLE_FANGSONG, GBT_BODY_PT, CELL, LEFT + start * HALF,
	             slot_top(g, 0, slot), 0, e))
		return -1;
	for (i = 0; i < d->n_signers; i++) {
		int r = (int)(i / 2), c = (int)(i % 2);
		double x = LEFT + (start + label + c * (nu + 2)) * HALF;

		if (put_line(g, 0, d->signers[i], ROLE_KAITI, GBT_BODY_PT, CELL, x,
		             slot_top(g, 0, slot + r), 0, e))
			return -1;
	}
	if (put_line(g, 0, d->number, ROLE_FANGSONG, GBT_BODY_PT, CELL, LEFT + 2 * HALF,
	             slot_top(g, 0, slot + rows - 1), 0, e))
		return -1;
	return slot + rows - 1;
}

/* The 版头 of a 文件: elements, 标志 35 mm below the block top, 发文字号 two lines below it, red
 * rule 4 mm below the 发文字号. Sets the flow's start (标题 two lines below the rule). */
static int head_file(struct gdoc *g, struct err *e)
{
	const struct gbt9704_doc *d = g->doc;
	double mark_bottom, rule;
	int slot, last;

	g->origin0 = TOP;
	g->slots0 = GBT_LINES;
	if (put_elements(g, TOP, e) < 0 ||
	    put_mark(g, TOP + PT(GBT_MARK_TOP), MARK_ASPECT, &mark_bottom, e))
		return -1;
	slot = (int)ceil((mark_bottom - TOP) / PITCH - 1e-6) + 2;
	if (d->upward) {
		last = put_signers(g, slot, e);
		if (last < 0)
			return -1;
	} else {
		int u = units_of(g, d->number, ROLE_FANGSONG);

		last = slot;
		if (put_line(g, 0, d->number, ROLE_FANGSONG, GBT_BODY_PT, CELL,
		             LEFT + (UNITS - u) / 2.0 * HALF, slot_top(g, 0, slot), 0, e))
			return -1;
	}
	rule = slot_top(g, 0, last) + (PITCH + GBT_BODY_PT) / 2 + PT(GBT_RULE_GAP);
	if (add_rule(g, 0, LEFT, LEFT + WIDTH, rule, PT(RED_RULE_W), RED))
		return err_internal(e, "render: out of memory");
	g->first_slot = last + 3;
	return 0;
}

static int double_rule(struct gdoc *g, double top, int thick_first, struct err *e)
{
	double x0 = PT((RENDER_A4_W_MM - LETTER_RULE_LEN) / 2), x1 = x0 + PT(LETTER_RULE_LEN);
	double a = thick_first ? LETTER_THICK : LETTER_THIN,
	       b = thick_first ? LETTER_THIN : LETTER_THICK;
	double y1 = top + PT(a) / 2, y2 = top + PT(a + LETTER_RULE_GAP) + PT(b) / 2;

	if (add_rule(g, 0, x0, x1, y1, PT(a), RED) || add_rule(g, 0, x0, x1, y2, PT(b), RED))
		return err_internal(e, "render: out of memory");
	return 0;
}

/* The 信函格式 head: 标志 30 mm from the page top, red double rule 4 mm below it (thick over
 * thin), another 20 mm above the page bottom (thin over thick); elements from the left and the
 * 发文字号 flush right, 7/8 of a 3号 character below the rule; 标题 two lines below them. */
static int head_letter(struct gdoc *g, struct err *e)
{
	const struct gbt9704_doc *d = g->doc;
	double mark_bottom, rule_bottom, em_top;
	int n;

	if (put_mark(g, PT(GBT_LETTER_MARK_TOP), LETTER_ASPECT, &mark_bottom, e) ||
	    double_rule(g, mark_bottom + PT(GBT_RULE_GAP), 1, e) ||
	    double_rule(g,
	                PT(RENDER_A4_H_MM - LETTER_BOTTOM) -
	                    PT(LETTER_THICK + LETTER_THIN + LETTER_RULE_GAP),
	                0, e))
		return -1;
	rule_bottom = mark_bottom + PT(GBT_RULE_GAP + LETTER_THICK + LETTER_THIN + LETTER_RULE_GAP);
	em_top = rule_bottom + GBT_BODY_PT * 7 / 8;
	g->origin0 = em_top - (PITCH - GBT_BODY_PT) / 2;
	g->slots0 = (int)floor((BOTTOM - g->origin0) / PITCH + 1e-6);
	n = put_elements(g, g->origin0, e);
	if (n < 0)
		return -1;
	if (d->number && *d->number) {
		int u = units_of(g, d->number, ROLE_FANGSONG);

		if (put_line(g, 0, d->number, ROLE_FANGSONG, GBT_BODY_PT, CELL,
		             LEFT + WIDTH - u * HALF, g->origin0, 0, e))
			return -1;
		if (n == 0)
			n = 1;
	}
	g->first_slot = n > 0 ? n - 1 + 3 : 2;
	return 0;
}

/* ---- 版记 and page numbers ----------------------------------------------------------------- */

/* Lays the 版记 out on page `page`: 抄送 lines (4号, one character in on each side, wrapped under
 * the text after "抄送："), then 印发机关 and 印发日期; rules 0.35 mm outside, 0.25 mm between. */
static int put_banji(struct gdoc *g, int page, const struct tg_lines *cc, struct err *e)
{
	const struct gbt9704_doc *d = g->doc;
	double cell = GBT_BANJI_PT, x0 = LEFT + cell, y = BOTTOM;
	int printed = !d->letter && d->printer && *d->printer;
	int rows = (int)cc->n + printed;
	double top = BOTTOM - rows * PITCH;
	size_t i;

	if (printed) {
		char date[80];
		double w;

		cn_date(d->print_date, "印发", date, sizeof(date));
		y -= PITCH;
		if (put_line(g, page, d->printer, ROLE_FANGSONG, GBT_BANJI_PT, cell, x0, y, 0, e))
			return -1;
		w = tg_measure(&g->tg, date, strlen(date), ROLE_FANGSONG, GBT_BANJI_PT, cell) *
		    cell / 2;
		if (put_line(g, page, date, ROLE_FANGSONG, GBT_BANJI_PT, cell,
		             LEFT + WIDTH - cell - w, y, 0, e))
			return -1;
		if (cc->n && add_rule(g, page, LEFT, LEFT + WIDTH, y, PT(GBT_BANJI_INNER), 0))
			return err_internal(e, "render: out of memory");
	}
	for (i = 0; i < cc->n; i++) {
		const struct tg_line *l = &cc->v[i];
		struct pline p;

		memset(&p, 0, sizeof(p));
		p.page = page;
		p.size = GBT_BANJI_PT;
		p.x = x0 + l->indent * cell / 2;
		p.baseline = baseline_in(top + (double)i * PITCH, PITCH, GBT_BANJI_PT);
		p.style.role = p.style.role2 = ROLE_FANGSONG;
		p.tl = *l;
		p.xscale = 1;
		if (add_pline(g, &p))
			return err_internal(e, "render: out of memory");
		cc->v[i].adv = cc->v[i].box = NULL; /* moved */
	}
	/* 信函格式: no rules; 文件: thick first and last rules, the last on the block's edge */
	if (!d->letter && (add_rule(g, page, LEFT, LEFT + WIDTH, top, PT(GBT_BANJI_OUTER), 0) ||
	                   add_rule(g, page, LEFT, LEFT + WIDTH, BOTTOM, PT(GBT_BANJI_OUTER), 0)))
		return err_internal(e, "render: out of memory");
	return 0;
}

/* Breaks "抄送：...。" into 版记 lines (the text lives in the pool). */
static int break_cc(struct gdoc *g, struct tg_lines *out, struct err *e)
{
	const char *cc = g->doc->cc, *text;
	double cell = GBT_BANJI_PT;
	int width = (int)(WIDTH / cell) * 2 - 4, label;
	struct tg_break_opts o;
	size_t n;
	char *buf;

	if (!cc || !*cc)
		return 0;
	n = strlen(cc) + 16;
	buf = malloc(n);
	if (!buf)
		return err_internal(e, "render: out of memory");
	snprintf(buf, n, "抄送：%s", cc);
	if (!(strlen(buf) >= 3 && strcmp(buf + strlen(buf) - 3, "。") == 0))
		strcat(buf, "。");
	text = pool_str(g, buf);
	free(buf);
	if (!text)
		return err_internal(e, "render: out of memory");
	label = tg_measure(&g->tg, "抄送：", strlen("抄送："), ROLE_FANGSONG, GBT_BANJI_PT, cell);
	memset(&o, 0, sizeof(o));
	o.size = GBT_BANJI_PT;
	o.cell = cell;
	o.width = width;
	o.first = 0;
	o.rest = label;
	o.justify = 1;
	o.style.role = o.style.role2 = ROLE_FANGSONG;
	return tg_break(&g->tg, text, strlen(text), &o, out, e);
}

/* Puts the 版记 at the bottom of the last page if it fits there and that page may carry it (even,
 * unless banji_any_page); otherwise on a page of its own, after a blank page when needed to land
 * on an even page. Sets g->pages. */
static int place_banji(struct gdoc *g, int last, double bottom, struct err *e)
{
	const struct gbt9704_doc *d = g->doc;
	struct tg_lines cc = {0};
	int printed = !d->letter && d->printer && *d->printer, rows, page, rc = -1;

	g->pages = g->text_pages = last + 1;
	if (break_cc(g, &cc, e))
		goto out;
	rows = (int)cc.n + printed;
	if (rows == 0) {
		rc = 0;
		goto out;
	}
	page = last;
	if (bottom + PITCH > BOTTOM - rows * PITCH + 1e-6 ||
	    (!g->opts->banji_any_page && (page + 1) % 2 != 0)) {
		page = last + 1;
		if (!g->opts->banji_any_page && (page + 1) % 2 != 0)
			page++;
	}
	if (page >= GBT_PAGES_MAX) {
		err_set(e, ERR_TOO_LARGE, "公文超过 %d 页", GBT_PAGES_MAX);
		goto out;
	}
	g->pages = page + 1;
	g->banji_page = page + 1;
	rc = put_banji(g, page, &cc, e);
out:
	tg_lines_free(&cc);
	return rc;
}

/* ---- drawing ------------------------------------------------------------------------------- */

static void set_rgb(cairo_t *cr, unsigned rgb)
{
	cairo_set_source_rgb(cr, ((rgb >> 16) & 0xFF) / 255.0, ((rgb >> 8) & 0xFF) / 255.0,
	                     (rgb & 0xFF) / 255.0);
}

/* "— N —", 4号宋体, its dash 7 mm below the block; odd pages one character in from the right,
 * even pages one character in from the left. */
static void draw_page_number(struct gdoc *g, int page)
{
	char s[32];
	double w, x, baseline;

	snprintf(s, sizeof(s), "— %d —", page + 1);
	w = tg_natural_width(&g->tg, s, ROLE_SONG, GBT_PAGENO_PT);
	x = (page + 1) % 2 ? LEFT + WIDTH - GBT_PAGENO_PT - w : LEFT + GBT_PAGENO_PT;
	/* the dash sits at the middle of the ideographic em box */
	baseline = BOTTOM + PT(GBT_PAGENO_GAP) + (TG_ASCENT - 0.5) * GBT_PAGENO_PT;
	set_rgb(g->tg.cr, 0);
	tg_draw_natural(&g->tg, s, ROLE_SONG, GBT_PAGENO_PT, x, baseline, 1);
}

static int draw(struct gdoc *g, struct err *e)
{
	cairo_t *cr = g->tg.cr;
	size_t i = 0, r = 0;
	int page;

	for (page = 0; page < g->pages; page++) {
		for (; i < g->npl && g->pl[i].page == page; i++) {
			const struct pline *p = &g->pl[i];

			set_rgb(cr, p->rgb);
			if (p->natural)
				tg_draw_natural(&g->tg, p->natural, p->style.role, p->size, p->x,
				                p->baseline, p->xscale);
			else if (tg_draw_line(&g->tg, &p->tl, &p->style, p->size, p->x, p->baseline,
			                      e))
				return -1;
		}
		for (; r < g->nrules && g->rules[r].page == page; r++) {
			const struct prule *q = &g->rules[r];

			set_rgb(cr, q->rgb);
			cairo_set_line_width(cr, q->w);
			cairo_move_to(cr, q->x0, q->y);
			cairo_line_to(cr, q->x1, q->y);
			cairo_stroke(cr);
		}
		if (g->numbered[page] && !(g->doc->letter && page == 0))
			draw_page_number(g, page);
		cairo_show_page(cr);
	}
	if (i != g->npl || r != g->nrules)
		return err_internal(e, "gbt9704: %zu lines or %zu rules off their pages",
		                    g->npl - i, g->nrules - r);
	return 0;
}

/* Orders lines and rules by page (the 版头's rules are added before the flow's). */
static int cmp_rule(const void *a, const void *b)
{
	const struct prule *x = a, *y = b;

	return (x->page > y->page) - (x->page < y->page);
}

static int layout(struct gdoc *g, struct err *e)
{
	double bottom;
	int last;

	if (g->doc->letter ? head_letter(g, e) : head_file(g, e))
		return -1;
	if (flow_title(g, e) || flow_blank(g, e) || flow_recipients(g, e) || flow_body(g, e) ||
	    flow_attachments(g, e) || flow_signature(g, e))
		return -1;
	last = paginate(g, &bottom, e);
	if (last < 0 || place_banji(g, last, bottom, e))
		return -1;
	qsort(g->rules, g->nrules, sizeof(*g->rules), cmp_rule);
	return 0;
}

static cairo_status_t sink_write(void *closure, const unsigned char *data, unsigned int length)
{
	const struct render_sink *s = closure;

	return render_write(s, data, length) == 0 ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR;
}

int gbt9704_render(const struct gbt9704_doc *doc, const struct gbt9704_opts *opts,
                   const struct render_sink *sink, struct gbt9704_result *res, struct err *e)
{
	static const struct gbt9704_opts defaults;
	cairo_surface_t *surf = NULL;
	cairo_t *cr = NULL;
	struct gdoc g;
	int rc = -1;

	memset(&g, 0, sizeof(g));
	if (!opts)
		opts = &defaults;
	if (gbt9704_validate(doc, e))
		return -1;
	if (opts->copy_no > GBT_COPY_NO_MAX)
		return err_field(e, ERR_VALIDATION, "copy_no", "份号须为 1 至 %d", GBT_COPY_NO_MAX);
	g.doc = doc;
	g.opts = opts;
	surf = cairo_pdf_surface_create_for_stream(sink_write, (void *)sink, PT(RENDER_A4_W_MM),
	                                           PT(RENDER_A4_H_MM));
	cr = cairo_create(surf);
	if (cairo_status(cr) != CAIRO_STATUS_SUCCESS) {
		err_internal(e, "gbt9704: cairo: %s", cairo_status_to_string(cairo_status(cr)));
		goto out;
	}
	cairo_pdf_surface_set_metadata(surf, CAIRO_PDF_METADATA_TITLE, doc->title);
	cairo_pdf_surface_set_metadata(surf, CAIRO_PDF_METADATA_CREATOR, "Jianwu");
	if (tg_ctx_init(&g.tg, cr, &opts->fonts, e) || layout(&g, e) || draw(&g, e))
		goto out;
	cairo_surface_finish(surf);
	if (cairo_surface_status(surf) != CAIRO_STATUS_SUCCESS) {
		err_internal(e, "gbt9704: cairo: %s",
		             cairo_status_to_string(cairo_surface_status(surf)));
		goto out;
	}
	if (res) {
		res->pages = g.pages;
		res->text_pages = g.text_pages;
		res->banji_page = g.banji_page;
	}
	rc = 0;
out:
	gdoc_free(&g);
	if (cr)
		cairo_destroy(cr);
	if (surf)
		cairo_surface_destroy(surf);
	return rc;
}

struct file_args {
	const struct gbt9704_doc *doc;
	const struct gbt9704_opts *opts;
	struct gbt9704_result *res;
};

static int render_cb(const struct render_sink *s, void *arg, struct err *e)
{
	struct file_args *a = arg;

	return gbt9704_render(a->doc, a->opts, s, a->res, e);
}

int gbt9704_render_file(const struct gbt9704_doc *doc, const struct gbt9704_opts *opts,
                        const char *path, struct gbt9704_result *res, struct err *e)
{
	struct file_args a = {doc, opts, res};

	return render_to_path(path, render_cb, &a, e);
}
