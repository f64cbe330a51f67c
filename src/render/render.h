/*
 * render.h - what the renderers share: output sinks, the font roles of Chinese official
 * documents, and small UTF-8 helpers.
 *
 * Sinks. Every renderer writes through a struct render_sink (a write callback and its context), so
 * that the same code can write to a file path, a FILE * or a growing memory buffer (which the HTTP
 * layer streams). A sink's write returns 0, or -1 to abort the render (the renderer then fails with
 * ERR_INTERNAL).
 *
 * Fonts. GB/T 9704 names typefaces (仿宋, 小标宋, 宋体, 黑体, 楷体), not files. struct render_fonts
 * holds, for each role, a comma-separated list of Pango font descriptions ("FangSong,FandolFang,
 * Noto Serif CJK SC"); the first whose family is installed is used, with the weight written in
 * that candidate ("Noto Serif CJK SC Bold"). A NULL role takes the default list, which prefers the
 * licensed Windows/Founder names an office may install and ends in the free fonts Debian ships.
 * render_fonts_add_dir() makes fonts outside fontconfig's directories usable (FandolFang lives in
 * TeX Live's tree); call it at start-up, before the first render in any thread, because each
 * thread's Pango font map is built once from the font set as it is then.
 *
 * Threads: renders may run concurrently in different threads; the font set-up runs once
 * (pthread_once) on the first call of any renderer.
 */
#ifndef JW_RENDER_H
#define JW_RENDER_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/err.h"

/* 1 mm in PDF points. */
#define RENDER_MM_PT (72.0 / 25.4)
#define RENDER_MM(x) ((x)*RENDER_MM_PT)

/* A4 in points (pdfinfo shows 595.276 x 841.89 pts). */
#define RENDER_A4_W_MM 210.0
#define RENDER_A4_H_MM 297.0

/* Cap of a memory sink unless the caller sets another: a PDF of the longest document we accept
 * (gbt9704.h limits) stays far below it. */
#define RENDER_BUF_DEFAULT_MAX (64u * 1024 * 1024)

/* Longest font-candidate list accepted per role, in bytes. */
#define RENDER_FONT_LIST_MAX 512

typedef int (*render_write_fn)(void *ctx, const void *data, size_t len);

struct render_sink {
	render_write_fn write;
	void *ctx;
};

/* Growing memory buffer. Owns data (free with render_buf_free). Zero-initialise; max 0 means
 * RENDER_BUF_DEFAULT_MAX; a write beyond max fails. */
struct render_buf {
	unsigned char *data;
	size_t len;
	size_t cap;
	size_t max;
};

struct render_sink render_sink_file(FILE *f);
struct render_sink render_sink_buf(struct render_buf *b);
void render_buf_free(struct render_buf *b);
/* Writes len bytes through the sink: 0 or -1. */
int render_write(const struct render_sink *s, const void *data, size_t len);

/* Opens path for writing, runs fn with a file sink, closes. On failure the partial file is
 * removed. Returns what fn returned, or -1 with e set if the file could not be written. */
int render_to_path(const char *path,
                   int (*fn)(const struct render_sink *s, void *arg, struct err *e), void *arg,
                   struct err *e);

enum render_role {
	ROLE_FANGSONG,     /* 仿宋: body, 发文字号, 版记 */
	ROLE_XIAOBIAOSONG, /* 小标宋: 发文机关标志, 标题 */
	ROLE_SONG,         /* 宋体: page numbers */
	ROLE_HEITI,        /* 黑体: 份号, 密级, 紧急程度, first-level headings */
	ROLE_KAITI,        /* 楷体: second-level headings, 签发人 names */
	FONT_ROLE_COUNT
};

/* Candidate lists per role; NULL means the default. Pointers are borrowed for the call. */
struct render_fonts {
	const char *role[FONT_ROLE_COUNT];
};

/* The default candidate list of a role (static string). */
const char *render_font_default(enum render_role role);

/* Adds a directory of font files for every later render. 0, or -1 with e set. */
int render_fonts_add_dir(const char *dir, struct err *e);

/* Resolves a candidate list to the Pango font description string of the first installed family
 * ("FandolFang", "Noto Serif CJK SC Bold"); when none is installed, the last candidate is used as
 * is (fontconfig then substitutes). out must hold RENDER_FONT_LIST_MAX bytes. Returns 0, or -1
 * with e set when the list is malformed or too long. */
int render_font_resolve(const char *list, char *out, struct err *e);

/* Runs the one-time font set-up (TeX Live's Fandol directory when present). Renderers call it;
 * the server may call it at start-up to pay the fontconfig scan before the first request. */
void render_init(void);

/* Releases the calling thread's Pango font map and the cairo and fontconfig caches, so that leak
 * checkers see a clean exit. Only at process exit, after every render in every thread is done;
 * no render may follow. */
void render_shutdown(void);

/* 0 when s (n bytes) is valid UTF-8, -1 otherwise (core/utf8.h's strict rules). */
int render_utf8_check(const char *s, size_t n);

#endif
