/*
 * textgrid.h - internal to src/render: Chinese line breaking on a character grid and drawing of
 * grid lines with Pango + cairo. Shared by gbt9704.c and sheet.c; not a public API.
 *
 * A "unit" is half a grid cell: a CJK character (anything from U+1100 up, including full-width
 * punctuation) takes 2 units; a run of narrow characters (Latin letters, digits, ASCII
 * punctuation) takes its natural width rounded to whole units, at least 1, and its characters are
 * spaced to fill exactly that. Every character's final advance is stored per line, so drawing
 * places glyphs where the breaker decided, whatever the font's own metrics.
 *
 * Lifecycle: struct tg_ctx lives for one render (one cairo context); tg_ctx_init() resolves the
 * fonts, tg_ctx_free() releases them. Lines from tg_break() own their adv arrays
 * (tg_lines_free()). Text pointers in lines are borrowed from the caller's paragraph.
 */
#ifndef JW_TEXTGRID_H
#define JW_TEXTGRID_H

#include <stddef.h>
#include <stdint.h>

#include <cairo.h>
#include <pango/pangocairo.h>

#include "render/render.h"

/* Narrow words wider than this many units are broken between any two characters. */
#define TG_LONG_WORD_UNITS 40
/* A line shortened by the breaking rules is justified only up to this many spare units. */
#define TG_JUSTIFY_MAX_UNITS 6
/* Ideographic em box: the baseline sits this fraction of the size below the em top. */
#define TG_ASCENT 0.88

struct tg_ctx {
	cairo_t *cr;
	PangoContext *pango;
	PangoFontDescription *desc[FONT_ROLE_COUNT];
	const uint16_t *ascii[FONT_ROLE_COUNT]; /* widths of ' '..'~' at 1000 units/em, cached */
};

/* A span of text in one typeface role; a paragraph is one or more spans. */
struct tg_style {
	enum render_role role;
	size_t split; /* bytes [0, split) in role, [split, len) in role2 */
	enum render_role role2;
};

struct tg_line {
	const char *text; /* borrowed */
	size_t len;       /* bytes */
	size_t first;     /* byte offset of text within its paragraph (for the style split) */
	int indent;       /* units before the first character */
	int units;        /* units used by the characters, indent excluded */
	size_t nchars;
	double *adv; /* advance of each character in points, justification included */
	double *box; /* width each character is centred in (points) */
};

struct tg_lines {
	struct tg_line *v;
	size_t n, cap;
};

struct tg_break_opts {
	double size; /* font size, points */
	double cell; /* points per cell (2 units) */
	int width;   /* units per line */
	int first;   /* indent of the first line, units */
	int rest;    /* indent of the other lines, units */
	int justify; /* justify lines broken early (not the last) */
	struct tg_style style;
};

int tg_ctx_init(struct tg_ctx *t, cairo_t *cr, const struct render_fonts *fonts, struct err *e);
void tg_ctx_free(struct tg_ctx *t);

/* Breaks a paragraph (no '\n' inside) into lines, appending to out. 0, or -1 with e set. */
int tg_break(struct tg_ctx *t, const char *text, size_t len, const struct tg_break_opts *o,
             struct tg_lines *out, struct err *e);
void tg_lines_free(struct tg_lines *l);

/* Units a text takes on one line (no breaking). */
int tg_measure(struct tg_ctx *t, const char *text, size_t len, enum render_role role, double size,
               double cell);

/* Draws a grid line: characters start at x (points), baseline at y. */
int tg_draw_line(struct tg_ctx *t, const struct tg_line *l, const struct tg_style *style,
                 double size, double x, double baseline, struct err *e);

/* Natural (Pango-spaced) text: its logical width in points, and drawing it at (x, baseline),
 * scaled horizontally by xscale. */
double tg_natural_width(struct tg_ctx *t, const char *text, enum render_role role, double size);
void tg_draw_natural(struct tg_ctx *t, const char *text, enum render_role role, double size,
                     double x, double baseline, double xscale);

/* Pango wrapping for forms: a layout of text in role/size wrapped at width points (owned by the
 * caller: g_object_unref). */
PangoLayout *tg_layout_wrapped(struct tg_ctx *t, const char *text, enum render_role role,
                               double size, double width);

/* True for code points that take a whole cell. */
int tg_is_wide(uint32_t cp);

#endif
