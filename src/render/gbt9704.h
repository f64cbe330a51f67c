/*
 * gbt9704.h - an outgoing official document (红头文件) as PDF, laid out per GB/T 9704-2012.
 *
 * Geometry (domain.md §2): A4; text block 156 x 225 mm at 37 mm from the top and 28 mm from the
 * left; body 3号 (16 pt) 仿宋 on a grid of 22 lines x 28 characters (line pitch 225/22 mm,
 * character advance 156/28 mm). Every CJK character is placed on that grid by this code (Pango only
 * shapes); runs of Latin letters and digits take whole half-cells. Lines break by the Chinese rules
 * (禁则): no line starts with closing punctuation, none ends with opening punctuation, Latin words
 * stay whole; a line shortened by them is justified to the full width.
 *
 * 版头: 份号 (6 digits), 密级★期限, 紧急程度 on the first lines (3号黑体); the red 发文机关标志
 * centred with its top 35 mm below the block top; 发文字号 two blank lines below it, centred
 * (上行文: one character in from the left, with 签发人 one character in from the right on the same
 * line, two names a line); the red rule 4 mm below the 发文字号. 主体: 标题 (2号小标宋) two lines
 * below, 主送机关, body with headings 一、(黑体) （一）(楷体) 1.（1）(仿宋), 附件说明, 署名 and
 * 成文日期 (sealed layout: date four characters from the right, 署名 centred above it), 附注. 版记
 * (4号仿宋: 抄送, 印发机关 and 印发日期 between 0.35/0.25 mm rules) at the bottom of the last page,
 * which is an even page (the back of the last sheet) unless banji_any_page is set. Page numbers "—
 * N —" 14 pt, 7 mm below the block, odd pages right, even pages left; none on a blank page or on a
 * page that holds only the 版记. The 信函格式 (letter) has its own head: the 标志 30 mm from the
 * top, red double rules, no page number on page 1, 版记 without 印发 and rules.
 *
 * Ownership: every pointer in struct gbt9704_doc is borrowed for the duration of the call. Output
 * goes to a sink (render.h); a failed render may have written part of a PDF to it.
 * Threads: renders may run concurrently.
 */
#ifndef JW_GBT9704_H
#define JW_GBT9704_H

#include <stdbool.h>
#include <stddef.h>

#include "render/render.h"

/* Input limits, in bytes unless stated. */
#define GBT_MARK_MAX        120  /* 发文机关标志 */
#define GBT_NUMBER_MAX      120  /* 发文字号 */
#define GBT_TITLE_MAX       600  /* 标题 */
#define GBT_RECIPIENTS_MAX  2000 /* 主送机关 */
#define GBT_BODY_MAX        (256 * 1024)
#define GBT_SIGNERS_MAX     8      /* 签发人 names */
#define GBT_NAME_MAX        60     /* one 签发人 name */
#define GBT_ATTACH_MAX      30     /* 附件 items */
#define GBT_ATTACH_NAME_MAX 300    /* one 附件 name */
#define GBT_SIGNATORY_MAX   200    /* 发文机关署名 */
#define GBT_NOTE_MAX        300    /* 附注 */
#define GBT_CC_MAX          1200   /* 抄送 */
#define GBT_PRINTER_MAX     120    /* 印发机关 */
#define GBT_COPY_NO_MAX     999999 /* 份号 is six digits */
#define GBT_PAGES_MAX       400    /* pages of one PDF */

/* Layout constants (mm unless stated), GB/T 9704-2012. */
#define GBT_BLOCK_LEFT      28.0
#define GBT_BLOCK_TOP       37.0
#define GBT_BLOCK_W         156.0
#define GBT_BLOCK_H         225.0
#define GBT_LINES           22
#define GBT_CHARS           28
#define GBT_BODY_PT         16.0 /* 3号 */
#define GBT_TITLE_PT        22.0 /* 2号 */
#define GBT_BANJI_PT        14.0 /* 4号 */
#define GBT_PAGENO_PT       14.0 /* 4号 */
#define GBT_MARK_TOP        35.0 /* 标志 top below the block top */
#define GBT_LETTER_MARK_TOP 30.0 /* 信函: 标志 top below the page top */
#define GBT_RULE_GAP        4.0  /* red rule below the 发文字号 / 标志 (信函) */
#define GBT_PAGENO_GAP      7.0  /* page-number dash below the block */
#define GBT_BANJI_OUTER     0.35 /* 版记 first and last rules */
#define GBT_BANJI_INNER     0.25 /* 版记 rules between elements */

enum gbt_secrecy {
	GBT_SECRECY_NONE = 0,
	GBT_SECRECY_MIMI, /* 秘密, up to 10 years */
	GBT_SECRECY_JIMI, /* 机密, up to 20 years */
	GBT_SECRECY_JUEMI /* 绝密, up to 30 years */
};

enum gbt_urgency {
	GBT_URGENCY_NONE = 0,
	GBT_URGENCY_JIAJI, /* 加急 */
	GBT_URGENCY_TEJI   /* 特急 */
};

struct gbt9704_doc {
	enum gbt_secrecy secrecy;
	int secrecy_years; /* 保密期限; 0 = not marked (then the maximum applies) */
	enum gbt_urgency urgency;
	const char *mark; /* 发文机关标志, "定边县人民检察院文件" (信函: "定边县人民检察院") */
	const char *number; /* 发文字号, "定检发〔2026〕5号"; optional for 信函 */
	bool upward;        /* 上行文: 签发人 on the 发文字号 line */
	const char *const *signers; /* 签发人 names, required when upward */
	size_t n_signers;
	const char *title;      /* 标题; '\n' forces a break, otherwise lines are balanced */
	const char *recipients; /* 主送机关, without the final "：" (added); optional */
	const char *body;       /* 正文: paragraphs separated by '\n' */
	const char *const *attachments; /* 附件 names (附件说明) */
	size_t n_attachments;
	const char *signatory;  /* 发文机关署名; optional */
	const char *date;       /* 成文日期 "YYYY-MM-DD", printed 2026年3月5日 */
	const char *note;       /* 附注, printed in （）; optional */
	const char *cc;         /* 抄送机关, "市人民检察院，县委政法委"; optional */
	const char *printer;    /* 印发机关; optional (not printed on 信函) */
	const char *print_date; /* 印发日期 "YYYY-MM-DD"; required with printer */
	bool letter;            /* 信函格式 (函) */
};

struct gbt9704_opts {
	struct render_fonts fonts;
	unsigned copy_no;    /* 份号 of this copy, 1..GBT_COPY_NO_MAX; 0 = not numbered */
	bool unsealed;       /* layout without 印章 (GB/T 9704 7.3.5.2) */
	bool banji_any_page; /* 版记 on the last page even when it is odd (single-sided printing) */
};

struct gbt9704_result {
	int pages;      /* pages in the PDF */
	int text_pages; /* pages 1..text_pages carry text; later ones are blank or the 版记's */
	int banji_page; /* 1-based page holding the 版记; 0 = no 版记 */
};

/* Checks the document (limits, UTF-8, dates, 〔〕, 密级 periods). 0, or -1 with e set
 * (ERR_VALIDATION naming the field). The render functions call it first. */
int gbt9704_validate(const struct gbt9704_doc *doc, struct err *e);

/* Renders the PDF to the sink. opts may be NULL (defaults); res may be NULL. 0, or -1 with e set.
 */
int gbt9704_render(const struct gbt9704_doc *doc, const struct gbt9704_opts *opts,
                   const struct render_sink *sink, struct gbt9704_result *res, struct err *e);
/* The same, to a file (removed again on failure). */
int gbt9704_render_file(const struct gbt9704_doc *doc, const struct gbt9704_opts *opts,
                        const char *path, struct gbt9704_result *res, struct err *e);

#endif
