/*
 * tasks_pdf.c - the 通报 letter through the GB/T 9704 renderer (see tasks_pdf.h).
 */
#include "tasks/tasks_pdf.h"
#include "render/gbt9704.h"

int tasks_letter_pdf(const struct tasks_letter *l, const char *path, struct err *e)
{
	struct gbt9704_doc doc = {.mark = l->org,
	                          .title = l->title,
	                          .recipients = l->recipients,
	                          .body = l->body,
	                          .signatory = l->signatory,
	                          .date = l->date,
	                          .letter = true};
	/* printed on one side, no seal: the 通报 is an internal bulletin */
	struct gbt9704_opts opts = {.unsealed = true, .banji_any_page = true};

	return gbt9704_render_file(&doc, &opts, path, NULL, e);
}
