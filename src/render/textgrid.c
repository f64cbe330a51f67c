/*
 * textgrid.c - grid line breaking and drawing (see textgrid.h).
 */
#include "render/textgrid.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/utf8.h"

/* Fonts whose ASCII widths are cached: a deployment uses a handful. */
#define ASCII_CACHE_MAX 32
#define ASCII_FIRST     0x20
#define ASCII_COUNT     95
#define MEASURE_PT      100.0 /* size the ASCII widths are measured at */

struct ascii_entry {
	char desc[RENDER_FONT_LIST_MAX];
	uint16_t w[ASCII_COUNT]; /* per mille of the em */
};

static struct ascii_entry ascii_cache[ASCII_CACHE_MAX];
static size_t ascii_used;
static pthread_mutex_t ascii_lock = PTHREAD_MUTEX_INITIALIZER;

/* Closing punctuation: never at the start of a line. */
static const uint32_t closing[] = {
    0xFF0C, 0x3002, 0x3001, 0xFF1B, 0xFF1A, 0xFF1F, 0xFF01, 0xFF09, 0x300B, 0x300D,
    0x300F, 0x3011, 0x3015, 0x3009, 0x201D, 0x2019, 0x2026, 0x2014, 0xFF05, 0x2030,
    0x00B7, 0xFF5E, 0x3017, 0x3019, 0xFF3D, 0xFF5D, 0xFF0E, 0x30FB, 0x2025, ',',
    '.',    ';',    ':',    '?',    '!',    ')',    ']',    '}',    '%',
};
/* Opening punctuation: never at the end of a line. */
static const uint32_t opening[] = {
    0xFF08, 0x300A, 0x300C, 0x300E, 0x3010, 0x3014, 0x3008, 0x201C,
    0x2018, 0x3016, 0x3018, 0xFF3B, 0xFF5B, '(',    '[',    '{',
};

static int in_set(uint32_t cp, const uint32_t *set, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (set[i] == cp)
			return 1;
	return 0;
}

int tg_is_wide(uint32_t cp)
{
	if (cp == 0x00B7) /* middle dot of transliterated names: a full cell in Chinese text */
		return 1;
	if (cp >= 0xFF61 && cp <= 0xFFDC) /* half-width forms */
		return 0;
	return cp >= 0x1100;
}

static PangoFontDescription *desc_sized(struct tg_ctx *t, enum render_role role, double size)
{
	PangoFontDescription *d = pango_font_description_copy(t->desc[role]);

	pango_font_description_set_absolute_size(d, size * PANGO_SCALE);
	return d;
}

static PangoLayout *layout_new(struct tg_ctx *t, const char *text, int len, enum render_role role,
                               double size)
{
	PangoLayout *l = pango_layout_new(t->pango);
	PangoFontDescription *d = desc_sized(t, role, size);

	pango_layout_set_font_description(l, d);
	pango_font_description_free(d);
	pango_layout_set_text(l, text, len);
	return l;
}

/* Measures the 95 printable ASCII characters of a role once per font (kerning off, so each
 * character's width stands alone). */
static const uint16_t *measure_ascii(struct tg_ctx *t, enum render_role role)
{
	char key[RENDER_FONT_LIST_MAX], s[ASCII_COUNT + 1];
	char *desc = pango_font_description_to_string(t->desc[role]);
	struct ascii_entry *ent = NULL;
	PangoLayout *l = NULL;
	PangoAttrList *attrs;
	PangoLayoutLine *line;
	GSList *r;
	size_t i;

	snprintf(key, sizeof(key), "%s", desc);
	g_free(desc);
	pthread_mutex_lock(&ascii_lock);
	for (i = 0; i < ascii_used; i++)
		if (strcmp(ascii_cache[i].desc, key) == 0) {
			ent = &ascii_cache[i];
			goto out;
		}
	ent = ascii_used < ASCII_CACHE_MAX ? &ascii_cache[ascii_used] : &ascii_cache[0];
	for (i = 0; i < ASCII_COUNT; i++) {
		s[i] = (char)(ASCII_FIRST + i);
		ent->w[i] = 500; /* half an em unless measured */
	}
	s[ASCII_COUNT] = '\0';
	l = layout_new(t, s, ASCII_COUNT, role, MEASURE_PT);
	attrs = pango_attr_list_new();
	pango_attr_list_insert(attrs, pango_attr_font_features_new("kern 0, liga 0, clig 0"));
	pango_layout_set_attributes(l, attrs);
	pango_attr_list_unref(attrs);
	line = pango_layout_get_line_readonly(l, 0);
	for (r = line ? line->runs : NULL; r; r = r->next) {
		PangoGlyphItem *run = r->data;
		int g;

		for (g = 0; g < run->glyphs->num_glyphs; g++) {
			int b = run->item->offset + run->glyphs->log_clusters[g];
			double w = run->glyphs->glyphs[g].geometry.width / (double)PANGO_SCALE;

			if (b >= 0 && b < ASCII_COUNT)
				ent->w[b] = (uint16_t)lround(w * 1000.0 / MEASURE_PT);
		}
	}
	snprintf(ent->desc, sizeof(ent->desc), "%s", key);
	if (ascii_used < ASCII_CACHE_MAX)
		ascii_used++;
out:
	pthread_mutex_unlock(&ascii_lock);
	if (l)
		g_object_unref(l);
	return ent->w;
}

int tg_ctx_init(struct tg_ctx *t, cairo_t *cr, const struct render_fonts *fonts, struct err *e)
{
	char buf[RENDER_FONT_LIST_MAX];
	int i;

	memset(t, 0, sizeof(*t));
	render_init();
	t->cr = cr;
	t->pango = pango_cairo_create_context(cr);
	if (!t->pango)
		return err_internal(e, "render: no pango context");
	pango_context_set_language(t->pango, pango_language_from_string("zh-cn"));
	pango_context_set_base_dir(t->pango, PANGO_DIRECTION_LTR);
	for (i = 0; i < FONT_ROLE_COUNT; i++) {
		const char *list =
		    fonts && fonts->role[i] ? fonts->role[i] : render_font_default(i);

		if (render_font_resolve(list, buf, e)) {
			tg_ctx_free(t);
			return -1;
		}
		t->desc[i] = pango_font_description_from_string(buf);
	}
	return 0;
}

void tg_ctx_free(struct tg_ctx *t)
{
	int i;

	for (i = 0; i < FONT_ROLE_COUNT; i++)
		if (t->desc[i])
			pango_font_description_free(t->desc[i]);
	if (t->pango)
		g_object_unref(t->pango);
	memset(t, 0, sizeof(*t));
}

static enum render_role role_at(const struct tg_style *s, size_t byte)
{
	return byte < s->split ? s->role : s->role2;
}

/* Natural width in points of a narrow character. */
static double narrow_width(struct tg_ctx *t, enum render_role role, uint32_t cp, double size)
{
	if (cp >= ASCII_FIRST && cp < ASCII_FIRST + ASCII_COUNT) {
		if (!t->ascii[role])
			t->ascii[role] = measure_ascii(t, role);
		return t->ascii[role][cp - ASCII_FIRST] * size / 1000.0;
	}
	return size / 2;
}

/* One breakable unit of text: a wide character, or a narrow word (with its trailing spaces). */
struct token {
	size_t off, len;   /* bytes in the paragraph */
	size_t c0, nchars; /* characters */
	int units;
	int close, open; /* starts with closing / ends with opening punctuation */
};

struct tokens {
	struct token *v;
	size_t n, cap;
	double *nat; /* per character: natural width (narrow) or 0 (wide) */
	size_t nchars;
};

static int tok_push(struct tokens *ts, const struct token *tk)
{
	if (ts->n == ts->cap) {
		size_t cap = ts->cap ? ts->cap * 2 : 64;
		struct token *v = realloc(ts->v, cap * sizeof(*v));

		if (!v)
			return -1;
		ts->v = v;
		ts->cap = cap;
	}
	ts->v[ts->n++] = *tk;
	return 0;
}

static int units_of(double width, double half)
{
	int u = (int)lround(width / half);

	return u < 1 ? 1 : u;
}

/* Splits a narrow word into per-character tokens (a word longer than a line). */
static int split_word(struct tokens *ts, const char *text, const struct token *w, double half)
{
	size_t i = w->off, c = w->c0;
	uint32_t cp;

	while (i < w->off + w->len) {
		int k = utf8_decode(text + i, w->off + w->len - i, &cp);
		struct token tk = {i,
		                   (size_t)k,
		                   c,
		                   1,
		                   units_of(ts->nat[c], half),
		                   in_set(cp, closing, sizeof(closing) / sizeof(closing[0])),
		                   0};

		if (tok_push(ts, &tk))
			return -1;
		i += (size_t)k;
		c++;
	}
	return 0;
}

static int tokenize(struct tg_ctx *t, const char *text, size_t len, const struct tg_break_opts *o,
                    struct tokens *ts)
{
	double half = o->cell / 2;
	size_t i = 0, c = 0;
	uint32_t cp;

	ts->nat = malloc((len + 1) * sizeof(double));
	if (!ts->nat)
		return -1;
	while (i < len) {
		int k = utf8_decode(text + i, len - i, &cp);
		struct token tk;

		if (k < 0)
			return -1;
		memset(&tk, 0, sizeof(tk));
		tk.off = i;
		tk.c0 = c;
		if (tg_is_wide(cp)) {
			ts->nat[c++] = 0;
			tk.len = (size_t)k;
			tk.nchars = 1;
			tk.units = 2;
			tk.close = in_set(cp, closing, sizeof(closing) / sizeof(closing[0]));
			tk.open = in_set(cp, opening, sizeof(opening) / sizeof(opening[0]));
			i += (size_t)k;
			if (tok_push(ts, &tk))
				return -1;
			continue;
		}
		/* a narrow word: non-space narrow characters, then any spaces */
		{
			double w = 0;
			int in_space = 0;
			uint32_t last = 0;

			tk.close = in_set(cp, closing, sizeof(closing) / sizeof(closing[0]));
			while (i < len) {
				k = utf8_decode(text + i, len - i, &cp);
				if (k < 0)
					return -1;
				if (tg_is_wide(cp) || (in_space && cp != ' '))
					break;
				if (cp == ' ')
					in_space = 1;
				else
					last = cp;
				ts->nat[c] = narrow_width(t, role_at(&o->style, i), cp, o->size);
				w += ts->nat[c++];
				i += (size_t)k;
				tk.nchars++;
			}
			tk.len = i - tk.off;
			tk.units = units_of(w, half);
			tk.open = in_set(last, opening, sizeof(opening) / sizeof(opening[0]));
			if (tk.units > TG_LONG_WORD_UNITS) {
				if (split_word(ts, text, &tk, half))
					return -1;
			} else if (tok_push(ts, &tk)) {
				return -1;
			}
		}
	}
	ts->nchars = c;
	return 0;
}

/* Chooses where the line starting at token a ends (exclusive), given that tokens [a, b) fit. */
static size_t choose_break(const struct tokens *ts, size_t a, size_t b)
{
	size_t k = b;

	if (b >= ts->n)
		return b;
	while (k > a + 1 && (ts->v[k].close || ts->v[k - 1].open))
		k--;
	if (ts->v[k].close || ts->v[k - 1].open)
		return b; /* nothing better: break where it fits */
	return k;
}

static int line_push(struct tg_lines *out, const struct tg_line *l)
{
	if (out->n == out->cap) {
		size_t cap = out->cap ? out->cap * 2 : 32;
		struct tg_line *v = realloc(out->v, cap * sizeof(*v));

		if (!v)
			return -1;
		out->v = v;
		out->cap = cap;
	}
	out->v[out->n++] = *l;
	return 0;
}

/* Builds the line of tokens [a, k): per-character advances, justified when asked. */
static int emit_line(const char *text, const struct tokens *ts, size_t a, size_t k, int indent,
                     int avail, int justify, const struct tg_break_opts *o, struct tg_lines *out)
{
	double half = o->cell / 2, gap = 0;
	struct tg_line l;
	size_t i, c, n;
	int used = 0;

	memset(&l, 0, sizeof(l));
	for (i = a; i < k; i++)
		used += ts->v[i].units;
	l.first = ts->v[a].off;
	l.text = text + l.first;
	l.len = ts->v[k - 1].off + ts->v[k - 1].len - l.first;
	l.indent = indent;
	l.units = used;
	l.nchars = n = ts->v[k - 1].c0 + ts->v[k - 1].nchars - ts->v[a].c0;
	l.adv = malloc(n * sizeof(double));
	l.box = malloc(n * sizeof(double));
	if (!l.adv || !l.box) {
		free(l.adv);
		free(l.box);
		return -1;
	}
	if (justify && n > 1 && used < avail && avail - used <= TG_JUSTIFY_MAX_UNITS)
		gap = (avail - used) * half / (double)(n - 1);
	c = 0;
	for (i = a; i < k; i++) {
		const struct token *tk = &ts->v[i];
		double natw = 0, scale = 1, pad = 0;
		size_t j;

		for (j = 0; j < tk->nchars; j++)
			natw += ts->nat[tk->c0 + j];
		/* a narrow word keeps its natural spacing (squeezed if need be), centred in its
		 * units: the padding goes before its first and after its last character */
		if (natw > 0) {
			if (natw > tk->units * half)
				scale = tk->units * half / natw;
			pad = tk->units * half - natw * scale;
		}
		for (j = 0; j < tk->nchars; j++, c++) {
			double w = natw > 0 ? ts->nat[tk->c0 + j] * scale : o->cell;

			l.box[c] = w;
			l.adv[c] = w;
			if (j == 0) {
				l.box[c] += pad;
				l.adv[c] += pad / 2;
			}
			if (j + 1 == tk->nchars)
				l.adv[c] += pad / 2;
			if (c + 1 < n)
				l.adv[c] += gap;
		}
	}
	if (line_push(out, &l)) {
		free(l.adv);
		free(l.box);
		return -1;
	}
	return 0;
}

int tg_break(struct tg_ctx *t, const char *text, size_t len, const struct tg_break_opts *o,
             struct tg_lines *out, struct err *e)
{
	struct tokens ts;
	size_t a = 0;
	int first = 1, rc = -1;

	memset(&ts, 0, sizeof(ts));
	if (tokenize(t, text, len, o, &ts)) {
		err_internal(e, "render: cannot tokenise paragraph");
		goto out;
	}
	while (a < ts.n) {
		int indent = first ? o->first : o->rest;
		int avail = o->width - indent, used = 0;
		size_t b = a, k;

		if (avail < 2)
			avail = 2;
		while (b < ts.n && used + ts.v[b].units <= avail)
			used += ts.v[b++].units;
		if (b == a)
			b = a + 1; /* a token wider than the line still gets one */
		k = choose_break(&ts, a, b);
		if (emit_line(text, &ts, a, k, indent, avail, o->justify && k < ts.n, o, out)) {
			err_internal(e, "render: out of memory");
			goto out;
		}
		a = k;
		first = 0;
	}
	rc = 0;
out:
	free(ts.v);
	free(ts.nat);
	return rc;
}

void tg_lines_free(struct tg_lines *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		free(l->v[i].adv);
		free(l->v[i].box);
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
}

int tg_measure(struct tg_ctx *t, const char *text, size_t len, enum render_role role, double size,
               double cell)
{
	struct tg_break_opts o;
	struct tokens ts;
	size_t i;
	int units = 0;

	memset(&o, 0, sizeof(o));
	o.size = size;
	o.cell = cell;
	o.style.role = o.style.role2 = role;
	memset(&ts, 0, sizeof(ts));
	if (tokenize(t, text, len, &o, &ts) == 0)
		for (i = 0; i < ts.n; i++)
			units += ts.v[i].units;
	free(ts.v);
	free(ts.nat);
	return units;
}

/* Index of the character at byte off of a line (off inside the line). */
static size_t char_index(const char *s, size_t off)
{
	size_t i, c = 0;

	for (i = 0; i < off; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			c++;
	return c;
}

/* Resets the widths of one run so each cluster takes its grid advance, centred in its box. */
static double fit_run(PangoGlyphItem *run, const char *text, const struct tg_line *l)
{
	PangoGlyphString *gs = run->glyphs;
	double total = 0;
	int g = 0;

	while (g < gs->num_glyphs) {
		int cl = gs->log_clusters[g], end = g + 1, j;
		size_t b0 = (size_t)(run->item->offset + cl), b1, c0, c1, c;
		double adv = 0, box = 0;
		int natw = 0;

		while (end < gs->num_glyphs && gs->log_clusters[end] == cl)
			end++;
		b1 = end < gs->num_glyphs ? (size_t)(run->item->offset + gs->log_clusters[end])
		                          : (size_t)(run->item->offset + run->item->length);
		c0 = char_index(text, b0);
		c1 = c0 + char_index(text + b0, b1 - b0);
		for (c = c0; c < c1 && c < l->nchars; c++) {
			adv += l->adv[c];
			box += l->box[c];
		}
		for (j = g; j < end; j++)
			natw += gs->glyphs[j].geometry.width;
		/* centre the cluster's ink in its box, then make the cluster advance adv */
		gs->glyphs[g].geometry.x_offset += (int)lround((box * PANGO_SCALE - natw) / 2);
		gs->glyphs[end - 1].geometry.width += (int)lround(adv * PANGO_SCALE) - natw;
		total += adv;
		g = end;
	}
	return total;
}

int tg_draw_line(struct tg_ctx *t, const struct tg_line *l, const struct tg_style *style,
                 double size, double x, double baseline, struct err *e)
{
	PangoLayout *layout;
	PangoLayoutLine *line;
	size_t split = style->split > l->first ? style->split - l->first : 0;
	GSList *r;

	if (l->len == 0)
		return 0;
	layout = layout_new(t, l->text, (int)l->len, style->role, size);
	if (split < l->len && style->role2 != style->role) {
		PangoAttrList *attrs = pango_attr_list_new();
		PangoFontDescription *d = desc_sized(t, style->role2, size);
		PangoAttribute *a = pango_attr_font_desc_new(d);

		a->start_index = (guint)split;
		a->end_index = (guint)l->len;
		pango_attr_list_insert(attrs, a);
		pango_layout_set_attributes(layout, attrs);
		pango_attr_list_unref(attrs);
		pango_font_description_free(d);
	}
	line = pango_layout_get_line_readonly(layout, 0);
	if (!line) {
		g_object_unref(layout);
		return err_internal(e, "render: empty layout");
	}
	for (r = line->runs; r; r = r->next) {
		PangoGlyphItem *run = pango_glyph_item_copy(r->data);
		const char *lt = pango_layout_get_text(layout);

		cairo_move_to(t->cr, x, baseline);
		x += fit_run(run, lt, l);
		pango_cairo_show_glyph_item(t->cr, lt, run);
		pango_glyph_item_free(run);
	}
	g_object_unref(layout);
	return 0;
}

double tg_natural_width(struct tg_ctx *t, const char *text, enum render_role role, double size)
{
	PangoLayout *l = layout_new(t, text, -1, role, size);
	PangoRectangle logical;

	pango_layout_get_extents(l, NULL, &logical);
	g_object_unref(l);
	return logical.width / (double)PANGO_SCALE;
}

void tg_draw_natural(struct tg_ctx *t, const char *text, enum render_role role, double size,
                     double x, double baseline, double xscale)
{
	PangoLayout *l = layout_new(t, text, -1, role, size);
	PangoLayoutLine *line = pango_layout_get_line_readonly(l, 0);

	if (line) {
		cairo_save(t->cr);
		cairo_translate(t->cr, x, baseline);
		cairo_scale(t->cr, xscale, 1.0);
		cairo_move_to(t->cr, 0, 0);
		pango_cairo_show_layout_line(t->cr, line);
		cairo_restore(t->cr);
	}
	g_object_unref(l);
}

PangoLayout *tg_layout_wrapped(struct tg_ctx *t, const char *text, enum render_role role,
                               double size, double width)
{
	PangoLayout *l = layout_new(t, text, -1, role, size);

	pango_layout_set_width(l, (int)(width * PANGO_SCALE));
	pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
	return l;
}
