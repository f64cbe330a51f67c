/*
 * pdf_api.c - the PDF routes (exports.h): the GB/T 9704 正本 of an outgoing document, its 发文稿纸,
 * the 收文处理单 and the 审批单 of an approval instance.
 *
 * Need-to-know is the JSON detail's: outgoing_visible / incoming_visible (docs.h) and the approval
 * engine's wf_may_see; anything else answers 404. PDFs are shown inline (the preview) unless
 * ?download=1 asks for an attachment.
 *
 * Decisions (issue 7):
 *  - The 正本 exists from 编号 on (states numbered, proofread, printed, distributed): before that
 *    the document has no 发文字号 and may still change; 409 with a message pointing at the 稿纸.
 *  - ?copy=N prints 份号 N (000001…) on one copy, 1 <= N <= 印制份数; one request per copy. A
 *    classified document (on a classified network) is only printed with its 份号.
 *  - 秘密/机密/绝密 documents are register entries only on this network (domain.md §0): their 正本
 *    is refused (403 with the rule) unless the org's classified_network switch is on; the 稿纸 and
 *    the 处理单 carry register data and opinions only, so they are rendered for them too.
 */
#include "exports/exports.h"
#include "exports/exports_int.h"
#include "exports/exports_pdf.h"
#include "core/timeutil.h"
#include "docs/docs.h"
#include "workflow/wf_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define PDF_MIME            "application/pdf"
#define APPROVAL_FIELDS     24  /* fields of a 审批单: 4 fixed + the form's */
#define APPROVAL_STEPS      200 /* history entries on one 审批单 */
#define APPROVAL_WIDE_BYTES 36  /* a form value longer than this takes a whole row */

static struct dctx ctx_of(struct req *r)
{
	return (struct dctx){.db = r->db, .who = &r->who, .now = time_now()};
}

/* Renders through fn into a temporary file and answers with it. */
typedef int (*pdf_fn)(struct req *r, int64_t id, const void *arg, int fd, struct err *e);

static int send_pdf(struct req *r, int64_t id, pdf_fn fn, const void *arg, const char *filename,
                    struct err *e)
{
	const char *dl = req_query(r, "download");
	struct stat sb;
	int fd = export_tmpfd(e);

	if (fd < 0)
		return -1;
	if (fn(r, id, arg, fd, e))
		goto fail;
	if (fstat(fd, &sb) != 0 || lseek(fd, 0, SEEK_SET) != 0) {
		err_internal(e, "exports: cannot read back the PDF");
		goto fail;
	}
	req_send_fd(r, fd, (uint64_t)sb.st_size, PDF_MIME, NULL);
	exports_disposition(r, !(dl && strcmp(dl, "1") == 0), filename);
	return 0;
fail:
	close(fd);
	return -1;
}

/* Labels of the register as the JSON shows them. */
struct doc_marks {
	char secrecy[32];
	const char *urgency;
	bool classified;
};

static void marks_of(const char *secrecy, int64_t years, const char *urgency, struct doc_marks *m)
{
	int s = secrecy_from_code(secrecy), u = urgency_from_code(urgency);

	if (s < 0)
		s = SECRECY_NONE;
	secrecy_mark((enum secrecy)s, (int)years, m->secrecy);
	m->urgency = u >= 0 ? urgency_names[u] : "";
	m->classified = secrecy_classified((enum secrecy)s);
}

/* ---- 正本 ---- */

struct outgoing_ctx {
	unsigned copy_no;
};

static int render_outgoing(struct req *r, int64_t id, const void *arg, int fd, struct err *e)
{
	const struct outgoing_ctx *c = arg;

	return pdf_outgoing(r->db, r->who.org_id, id, c->copy_no, fd, NULL, e);
}

int pdf_api_outgoing(struct req *r, struct err *e)
{
	struct dctx c = ctx_of(r);
	struct outgoing_ctx oc = {0};
	const char *copy = req_query(r, "copy");
	char number[256] = "", name[EXPORT_FILENAME_MAX], secrecy[32] = "", urgency[16] = "";
	int64_t id, years = 0, copies = 0;
	struct doc_marks m;
	struct db_stmt *st;
	int state = -1, rc;
	bool network = false;

	if (req_param_id(r, "id", &id, e) || outgoing_visible(&c, id, e))
		return -1;
	req_audit_object(r, "outgoing", id); /* printed copies are traced (ROUTE_AUDIT_READ) */
	snprintf(r->audit_detail, sizeof r->audit_detail, "份号 %s", copy ? copy : "-");
	st = db_query(r->db, e,
	              "SELECT state, secrecy, secrecy_years, urgency, print_copies,"
	              " coalesce(number, '') FROM outgoing_doc WHERE id = $1 AND org_id = $2",
	              "II", id, r->who.org_id);
	if (st == NULL)
		return -1;
	if ((rc = db_step(st, e)) == DB_ROW) {
		state = out_state_from_code(db_col_text(st, 0));
		snprintf(secrecy, sizeof secrecy, "%s", db_col_text(st, 1));
		years = db_col_int(st, 2);
		snprintf(urgency, sizeof urgency, "%s", db_col_text(st, 3));
		copies = db_col_int(st, 4);
		snprintf(number, sizeof number, "%s", db_col_text(st, 5));
	}
	db_reset(st);
	if (rc != DB_ROW)
		return rc < 0 ? -1 : err_set(e, ERR_NOT_FOUND, "发文不存在");
	if (state < OUT_NUMBERED || !number[0])
		return err_set(e, ERR_CONFLICT,
		               "公文签发并编号后才能生成正式文件（当前：%s）；办理中可打印发文稿纸",
		               state >= 0 ? out_state_names[state] : "未知");
	marks_of(secrecy, years, urgency, &m);
	if (m.classified &&
	    (docs_classified_network(r->db, r->who.org_id, &network, e) || !network))
		return e->kind != ERR_NONE
		           ? -1
		           : err_set(e, ERR_FORBIDDEN,
		                     "%s公文在非涉密网络中只登记、不存正文，不能生成正式文件；"
		                     "请按涉密载体管理规定在涉密设备上制作（发文稿纸可打印）",
		                     m.secrecy);
	if (copy) {
		char *end;
		long long n = strtoll(copy, &end, 10);
		int64_t max = copies > 0 ? copies : 0;

		if (*copy == '\0' || *end != '\0' || n < 1 || n > max || n > PDF_COPY_NO_MAX)
			return max > 0 ? err_field(e, ERR_BAD_REQUEST, "copy",
			                           "份号须在1至印制份数%lld之间", (long long)max)
			               : err_field(e, ERR_BAD_REQUEST, "copy",
			                           "未设定印制份数，不能编份号");
		oc.copy_no = (unsigned)n;
		snprintf(name, sizeof name, "%.160s-份号%06u.pdf", number, oc.copy_no);
	} else if (m.classified) { /* GB/T 9704 7.2.1: a classified document carries its 份号 */
		return err_field(e, ERR_BAD_REQUEST, "copy",
		                 "涉密公文须标注份号，请选择份号后生成");
	} else {
		snprintf(name, sizeof name, "%.160s.pdf", number);
	}
	return send_pdf(r, id, render_outgoing, &oc, name, e);
}

/* ---- 发文稿纸 ---- */

static int render_draft(struct req *r, int64_t id, const void *arg, int fd, struct err *e)
{
	return pdf_outgoing_draft(r->db, r->who.org_id, id, arg, fd, NULL, e);
}

int pdf_api_outgoing_draft(struct req *r, struct err *e)
{
	struct dctx c = ctx_of(r);
	char name[EXPORT_FILENAME_MAX];
	struct doc_marks m;
	struct pdf_marks pm;
	struct db_stmt *st;
	int64_t id;
	int rc;

	if (req_param_id(r, "id", &id, e) || outgoing_visible(&c, id, e))
		return -1;
	st = db_query(r->db, e,
	              "SELECT secrecy, secrecy_years, urgency, coalesce(number, ''), title"
	              " FROM outgoing_doc WHERE id = $1 AND org_id = $2",
	              "II", id, r->who.org_id);
	if (st == NULL)
		return -1;
	if ((rc = db_step(st, e)) == DB_ROW) {
		marks_of(db_col_text(st, 0), db_col_int(st, 1), db_col_text(st, 2), &m);
		snprintf(name, sizeof name, "发文稿纸-%s.pdf",
		         *db_col_text(st, 3) ? db_col_text(st, 3) : "未编号");
	}
	db_reset(st);
	if (rc != DB_ROW)
		return rc < 0 ? -1 : err_set(e, ERR_NOT_FOUND, "发文不存在");
	pm.secrecy = m.secrecy;
	pm.urgency = m.urgency;
	return send_pdf(r, id, render_draft, &pm, name, e);
}

/* ---- 收文处理单 ---- */

static int render_incoming(struct req *r, int64_t id, const void *arg, int fd, struct err *e)
{
	return pdf_incoming_sheet(r->db, r->who.org_id, id, arg, fd, NULL, e);
}

int pdf_api_incoming_sheet(struct req *r, struct err *e)
{
	struct dctx c = ctx_of(r);
	char name[EXPORT_FILENAME_MAX];
	struct doc_marks m;
	struct pdf_marks pm;
	struct db_stmt *st;
	int64_t id;
	int rc;

	if (req_param_id(r, "id", &id, e) || incoming_visible(&c, id, NULL, NULL, e))
		return -1;
	st = db_query(r->db, e,
	              "SELECT secrecy, secrecy_years, urgency, number FROM incoming_doc"
	              " WHERE id = $1 AND org_id = $2",
	              "II", id, r->who.org_id);
	if (st == NULL)
		return -1;
	if ((rc = db_step(st, e)) == DB_ROW) {
		marks_of(db_col_text(st, 0), db_col_int(st, 1), db_col_text(st, 2), &m);
		snprintf(name, sizeof name, "收文处理单-%s.pdf", db_col_text(st, 3));
	}
	db_reset(st);
	if (rc != DB_ROW)
		return rc < 0 ? -1 : err_set(e, ERR_NOT_FOUND, "收文不存在");
	pm.secrecy = m.secrecy;
	pm.urgency = m.urgency;
	return send_pdf(r, id, render_incoming, &pm, name, e);
}

/* ---- 审批单 ---- */

static const char *wf_state_label(enum wf_state s)
{
	static const char *const names[] = {"审批中", "已退回", "已撤回",
	                                    "已通过", "未通过", "已取消"};

	return (int)s >= 0 && (int)s < 6 ? names[s] : "";
}

/* Labels of the 报备审批 form fields (wf_forms.c); other keys are shown as they are. */
static const char *form_label(const char *key)
{
	static const char *const map[][2] = {
	    {"kind", "类别"},           {"start_date", "开始日期"},
	    {"end_date", "结束日期"},   {"days", "天数"},
	    {"reason", "事由"},         {"destination", "地点"},
	    {"purpose", "事由"},        {"transport", "交通方式"},
	    {"companions", "同行人员"}, {"start_at", "开始时间"},
	    {"end_at", "结束时间"},     {"work_hours", "工作时长（小时）"},
	};

	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		if (strcmp(map[i][0], key) == 0)
			return map[i][1];
	return key;
}

/* What an engine history event says on the sheet; NULL = not on the sheet (timers, bookkeeping).
 */
static const char *event_label(const char *ev)
{
	static const char *const map[][2] = {
	    {"submit", "提交申请"}, {"approve", "同意"},      {"reject", "不同意"},
	    {"return", "退回"},     {"resubmit", "重新提交"}, {"transfer", "转办"},
	    {"add_signer", "加签"}, {"withdraw", "撤回"},     {"cancel", "取消"},
	};

	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		if (strcmp(map[i][0], ev) == 0)
			return map[i][1];
	return NULL;
}

/* Everything the sheet needs, owned here (strings in one buffer list). */
struct approval_build {
	struct pdf_field fields[APPROVAL_FIELDS];
	struct pdf_step steps[APPROVAL_STEPS];
	char *owned[APPROVAL_FIELDS * 2 + APPROVAL_STEPS * 3 + 4];
	size_t n_owned;
	struct pdf_approval a;
};

static const char *keep(struct approval_build *b, char *s)
{
	if (s == NULL || b->n_owned >= sizeof b->owned / sizeof b->owned[0]) {
		free(s);
		return "";
	}
	b->owned[b->n_owned++] = s;
	return s;
}

static const char *keepf(struct approval_build *b, const char *fmt, const char *a, const char *c)
{
	struct buf s = BUF_INIT;

	buf_addf(&s, fmt, a, c);
	return keep(b, buf_detach(&s, NULL));
}

static void add_field(struct approval_build *b, const char *label, const char *value, bool wide)
{
	if (b->a.n_fields < APPROVAL_FIELDS)
		b->fields[b->a.n_fields++] = (struct pdf_field){label, value, wide};
}

static int approval_header(struct req *r, const struct wf_loaded *l, struct approval_build *b,
                           struct err *e)
{
	char when[TIME_ISO_MAX] = "", serial[64];
	struct db_stmt *st;
	const char *key;
	json_t *v;
	int rc;

	b->a.title = keepf(b, "%s%s", l->def->name, strstr(l->def->name, "审批") ? "单" : "审批单");
	snprintf(serial, sizeof serial, "审批编号：%lld", (long long)l->id);
	b->a.serial = keep(b, strdup(serial));
	st = db_query(r->db, e,
	              "SELECT u.name, coalesce((SELECT name FROM department WHERE id = $2), '')"
	              " FROM app_user u WHERE u.id = $1",
	              "II", l->initiator, l->inst->initiator_dept);
	if (st == NULL)
		return -1;
	if ((rc = db_step(st, e)) == DB_ROW) {
		add_field(b, "申请人", keep(b, strdup(db_col_text(st, 0))), false);
		add_field(b, "所在部门", keep(b, strdup(db_col_text(st, 1))), false);
	}
	db_reset(st);
	if (rc < 0)
		return -1;
	if (l->inst->submitted)
		time_iso(l->inst->submitted, when);
	add_field(b, "提交时间", keep(b, strndup(when, 16)), false);
	add_field(b, "审批状态", wf_state_label(l->inst->state), false);
	add_field(b, "事项", l->title, true);
	json_object_foreach(l->inst->form, key, v)
	{
		const char *text = keep(b, json_is_string(v) ? strdup(json_string_value(v))
		                                             : json_dumps(v, JSON_ENCODE_ANY));
		add_field(b, form_label(key), text, strlen(text) > APPROVAL_WIDE_BYTES);
	}
	return 0;
}

static int approval_steps(struct req *r, const struct wf_loaded *l, struct approval_build *b,
                          struct err *e)
{
	struct db_stmt *st = db_query(r->db, e,
	                              "SELECT h.event, h.step, coalesce(h.opinion, ''), h.at,"
	                              " coalesce(u.name, '') FROM wf_history h"
	                              " LEFT JOIN app_user u ON u.id = h.actor"
	                              " WHERE h.instance_id = $1 ORDER BY h.seq",
	                              "I", l->id);
	int rc;

	if (st == NULL)
		return -1;
	while ((rc = db_step(st, e)) == DB_ROW && b->a.n_steps < APPROVAL_STEPS) {
		const char *label = event_label(db_col_text(st, 0)), *op = db_col_text(st, 2);
		int step = (int)db_col_int(st, 1);
		struct pdf_step *s;

		if (label == NULL)
			continue;
		s = &b->steps[b->a.n_steps++];
		s->step = step >= 0 && step < l->def->n_steps ? l->def->steps[step].name : "申请人";
		s->person = keep(b, strdup(db_col_text(st, 4)));
		s->opinion = *op ? keepf(b, "%s：%s", label, op) : label;
		s->time = db_col_int(st, 3);
	}
	db_reset(st);
	return rc < 0 ? -1 : 0;
}

static int render_approval(struct req *r, int64_t id, const void *arg, int fd, struct err *e)
{
	return pdf_approval_sheet(r->db, r->who.org_id, arg, fd, NULL, e);
}

int pdf_api_approval_sheet(struct req *r, struct err *e)
{
	struct approval_build *b = NULL;
	struct wf_loaded l = {0};
	char name[EXPORT_FILENAME_MAX];
	bool found = false, ok = false;
	int64_t id;
	int rc = -1;

	if (req_param_id(r, "id", &id, e) || wf_load(r->db, r->who.org_id, id, &l, &found, e))
		return -1;
	if (!found)
		return err_set(e, ERR_NOT_FOUND, "审批不存在");
	if (wf_may_see(r->db, &r->who, &l, &ok, e))
		goto out;
	if (!ok) {
		err_set(e, ERR_NOT_FOUND, "审批不存在");
		goto out;
	}
	if ((b = calloc(1, sizeof *b)) == NULL) {
		err_internal(e, "exports: out of memory");
		goto out;
	}
	b->a.fields = b->fields;
	b->a.steps = b->steps;
	if (approval_header(r, &l, b, e) || approval_steps(r, &l, b, e))
		goto out;
	snprintf(name, sizeof name, "%s-%lld.pdf", b->a.title, (long long)id);
	rc = send_pdf(r, id, render_approval, &b->a, name, e);
out:
	if (b) {
		for (size_t i = 0; i < b->n_owned; i++)
			free(b->owned[i]);
		free(b);
	}
	wf_loaded_free(&l);
	return rc;
}
