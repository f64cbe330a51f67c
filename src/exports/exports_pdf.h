/*
 * exports_pdf.h - private to src/exports: the PDFs of documents and processing sheets, built from
 * the store by pdf_render.c with src/render (GB/T 9704 and the sheet forms).
 *
 * This header and pdf_render.c stay clear of http.h and auth.h: render.h's enum render_role and
 * auth.h's ROLE_COUNT share a name, so no file includes both. The route handlers (pdf_api.c) check
 * need-to-know and the document's state first, work out the printed labels with docs.h, then call
 * these functions, which read the rows of one org and render them.
 *
 * Output: the PDF is written to the descriptor fd at its current offset (the caller's temporary
 * file); *pages (may be NULL) receives the page count. On failure part of a PDF may have been
 * written. Every function runs inside the caller's read transaction. Strings are borrowed.
 *
 * Fonts: the org's settings `render.font.fangsong`, `.xiaobiaosong`, `.song`, `.heiti` and
 * `.kaiti` (comma-separated Pango candidates, render.h) replace the default families, so an
 * office can point at its licensed 仿宋_GB2312 or 方正小标宋; JIANWU_FONT_DIRS (colon-separated
 * directories) adds font files outside fontconfig's directories, once, before the first render.
 */
#ifndef JW_EXPORTS_PDF_H
#define JW_EXPORTS_PDF_H

#include "core/err.h"
#include "db/db.h"

#include <stdbool.h>
#include <stdint.h>

#define PDF_FONT_DIRS_ENV  "JIANWU_FONT_DIRS"
#define PDF_SETTING_PREFIX "render.font."
#define PDF_COPY_NO_MAX    999999 /* 份号 has six digits (GB/T 9704 7.2.1) */

/* The marks the caller works out (docs.h): "机密★20年" or "", "特急" or "". */
struct pdf_marks {
	const char *secrecy;
	const char *urgency;
};

/* Server start: checks that the JIANWU_FONT_DIRS directories exist (fontconfig itself is set up
 * lazily, once, before the first render, so a server that renders nothing never loads it). */
int exports_fonts_check(struct err *e);
/* Server stop, after every request: releases fontconfig, cairo and Pango caches
 * (render_shutdown) when this module rendered anything, so leak checkers see a clean exit. */
void exports_fonts_shutdown(void);

/* The GB/T 9704 正本 of an outgoing document of org (it must carry its 发文字号); copy_no 0 =
 * without 份号. Secrecy is printed as stored: the caller refuses classified documents unless the
 * org runs on a classified network. */
int pdf_outgoing(struct db *db, int64_t org_id, int64_t id, unsigned copy_no, int fd, int *pages,
                 struct err *e);
/* 发文稿纸: the register fields and every opinion (审核, 核稿, 会签, 签发) with name and date. */
int pdf_outgoing_draft(struct db *db, int64_t org_id, int64_t id, const struct pdf_marks *m, int fd,
                       int *pages, struct err *e);
/* 收文处理单: the register fields, 拟办, 批示, 承办 opinions, result and remarks. */
int pdf_incoming_sheet(struct db *db, int64_t org_id, int64_t id, const struct pdf_marks *m, int fd,
                       int *pages, struct err *e);

/* 审批单 of a workflow instance: the caller loads it; steps are its history. */
struct pdf_step {
	const char *step, *person, *opinion;
	int64_t time;
};
struct pdf_field {
	const char *label, *value;
	bool wide;
};
struct pdf_approval {
	const char *title;  /* "请假审批单" */
	const char *serial; /* "审批编号：15" */
	const struct pdf_field *fields;
	size_t n_fields;
	const struct pdf_step *steps;
	size_t n_steps;
};
int pdf_approval_sheet(struct db *db, int64_t org_id, const struct pdf_approval *a, int fd,
                       int *pages, struct err *e);

#endif
