/*
 * tasks_pdf.h - the 通报 of 督办 as a GB/T 9704 letter-format PDF (src/render/gbt9704.h).
 *
 * Kept apart from the module's other headers: render.h's enum render_role and auth.h's
 * ROLE_COUNT share a name, so no file includes both. Strings are borrowed for the call.
 */
#ifndef JW_TASKS_PDF_H
#define JW_TASKS_PDF_H

#include "core/err.h"

struct tasks_letter {
	const char *org; /* 发文机关标志 */
	const char *title;
	const char *recipients; /* 主送 */
	const char *body;       /* paragraphs separated by '\n' */
	const char *signatory;
	const char *date; /* YYYY-MM-DD */
};

/* Renders the letter to path (removed again on failure). 0, or -1 with e set. */
int tasks_letter_pdf(const struct tasks_letter *l, const char *path, struct err *e);

#endif
