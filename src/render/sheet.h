/*
 * sheet.h - processing sheets as PDF: the 收文处理单, the 发文稿纸 and the approval sheet (审批单)
 * of any workflow instance.
 *
 * All three are one table form (struct sheet_form): a heading ("定边县人民检察院收文处理单"), an
 * optional serial at the top right, then blocks. A fields block is label/value pairs, two to a
 * row unless a pair is wide; an opinions block is a label cell beside every opinion given so far,
 * each with its text, the person and the date (an empty block keeps room for a handwritten one).
 * Rows that do not fit go to the next page; an opinions block splits between opinions and repeats
 * its label marked （续）. Pages are numbered "第 1 页 共 N 页".
 *
 * Ownership: every pointer in the inputs is borrowed for the call. Output goes to a sink
 * (render.h). Threads: renders may run concurrently.
 */
#ifndef JW_SHEET_H
#define JW_SHEET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "render/render.h"

#define SHEET_BLOCKS_MAX  64
#define SHEET_ITEMS_MAX   200  /* pairs or opinions in one block */
#define SHEET_LABEL_MAX   60   /* bytes */
#define SHEET_VALUE_MAX   1500 /* bytes of one value */
#define SHEET_OPINION_MAX 1500 /* bytes of one opinion: always fits one page */
#define SHEET_HEADING_MAX 200
#define SHEET_PAGES_MAX   100

struct sheet_pair {
	const char *label;
	const char *value; /* NULL or "" = blank */
	bool wide;         /* takes a whole row */
};

struct sheet_opinion {
	const char *text;   /* the opinion; NULL or "" for a bare signature */
	const char *person; /* name */
	int64_t time;       /* Unix seconds; 0 = not dated */
};

enum sheet_block_kind { SHEET_FIELDS, SHEET_OPINIONS };

struct sheet_block {
	enum sheet_block_kind kind;
	const struct sheet_pair *pairs; /* SHEET_FIELDS */
	size_t n_pairs;
	const char *label; /* SHEET_OPINIONS: "领导批示" */
	const struct sheet_opinion *opinions;
	size_t n_opinions;
};

struct sheet_form {
	const char *heading; /* "定边县人民检察院收文处理单" */
	const char *serial;  /* top right, "收文编号：2026-015"; optional */
	const struct sheet_block *blocks;
	size_t n_blocks;
	bool with_time; /* opinions dated with the time of day too (approval steps) */
	struct render_fonts fonts;
};

/* 收文处理单 */
struct sheet_incoming {
	const char *org;                       /* 收文机关, "定边县人民检察院" */
	const char *serial;                    /* 收文编号 */
	const char *from;                      /* 来文机关 */
	const char *number;                    /* 来文字号 */
	const char *received;                  /* 收文日期 "YYYY-MM-DD" */
	const char *secrecy;                   /* 密级 as printed, "秘密★5年" or "" */
	const char *urgency;                   /* 紧急程度 */
	int copies;                            /* 份数; 0 = blank */
	const char *deadline;                  /* 办理时限 "YYYY-MM-DD" */
	const char *title;                     /* 文件标题 */
	const struct sheet_opinion *proposals; /* 拟办意见 */
	size_t n_proposals;
	const struct sheet_opinion *instructions; /* 领导批示 */
	size_t n_instructions;
	const struct sheet_opinion *handling; /* 承办情况 */
	size_t n_handling;
	const char *result;  /* 办理结果 */
	const char *remarks; /* 备注 */
};

/* 发文稿纸 */
struct sheet_draft {
	const char *org;
	const struct sheet_opinion *sign; /* 签发 */
	size_t n_sign;
	const struct sheet_opinion *countersign; /* 会签 */
	size_t n_countersign;
	const struct sheet_opinion *review; /* 核稿 and 审核 */
	size_t n_review;
	const char *department;  /* 主办单位 */
	const char *drafter;     /* 拟稿人 */
	const char *number;      /* 发文字号 */
	const char *secrecy;     /* 密级 */
	const char *urgency;     /* 紧急程度 */
	int copies;              /* 印制份数; 0 = blank */
	const char *title;       /* 标题 */
	const char *recipients;  /* 主送 */
	const char *cc;          /* 抄送 */
	const char *attachments; /* 附件 */
	const char *proofreader; /* 校对 */
	const char *printed;     /* 印发日期 "YYYY-MM-DD" */
};

/* 审批单 of a workflow instance */
struct sheet_step {
	const char *step; /* 环节, "部门负责人审核" */
	const char *person;
	const char *opinion;
	int64_t time;
};

struct sheet_approval {
	const char *org;
	const char *title; /* "请假审批单" */
	const char *serial;
	const struct sheet_pair *fields;
	size_t n_fields;
	const struct sheet_step *steps;
	size_t n_steps;
};

/* Renders a form. pages may be NULL. 0, or -1 with e set (ERR_VALIDATION naming the field). */
int sheet_render(const struct sheet_form *f, const struct render_sink *sink, int *pages,
                 struct err *e);

/* The three sheets; fonts may be NULL (defaults). */
int sheet_incoming_render(const struct sheet_incoming *in, const struct render_fonts *fonts,
                          const struct render_sink *sink, int *pages, struct err *e);
int sheet_draft_render(const struct sheet_draft *d, const struct render_fonts *fonts,
                       const struct render_sink *sink, int *pages, struct err *e);
int sheet_approval_render(const struct sheet_approval *a, const struct render_fonts *fonts,
                          const struct render_sink *sink, int *pages, struct err *e);

#endif
