/*
 * outgoing.c - 发文 (domain.md §1): the 发文稿纸, its 正文 versions (痕迹保留), and the steps after
 * 签发: 编号 (a number from a series, taken in the same transaction) → 校对 → 印发 → 分发 (internal
 * recipients get it in their 收文 with a read receipt; external ones are recorded with date and
 * method) → 待归档. The approval steps before 签发 run on the approval engine (src/workflow),
 * through outgoing_approval.c.
 *
 * Who acts after 签发: the office (编号, 印发, 分发; 校对 also the drafter). 待办 of those steps go
 * to the office clerks (文秘), or to the office directors when there is no clerk.
 */
#include "docs/docs_int.h"
#include "docs/acl.h"
#include "docs/diff.h"
#include "core/timeutil.h"
#include "files/files.h"
#include "numbering/numbering.h"
#include "workflow/workflow.h"

#include <stdio.h>
#include <string.h>

const char *const out_state_codes[OUT_STATE_COUNT + 1] = {
    "draft",  "dept_review", "office_review", "countersign", "leader_review", "signing",
    "signed", "numbered",    "proofread",     "printed",     "distributed",   NULL};
const char *const out_state_names[OUT_STATE_COUNT] = {
    "拟稿",   "部门审核", "办公室核稿", "会签",   "分管领导审核", "待签发",
    "待编号", "待校对",   "待印发",     "待分发", "待归档"};
const char *const out_action_codes[OUT_ACT_COUNT + 1] = {
    "submit", "approve",   "return", "countersign", "sign",
    "number", "proofread", "print",  "distribute",  NULL};
static const char *const out_action_steps[OUT_ACT_COUNT] = {"送审", "审核", "退回", "会签", "签发",
                                                            "编号", "校对", "印发", "分发"};
const char *const direction_codes[4] = {"up", "parallel", "down", NULL};
const char *const direction_names[3] = {"上行文", "平行文", "下行文"};

#define CLERKS_MAX 16

int out_state_from_code(const char *code)
{
	for (int i = 0; code && i < OUT_STATE_COUNT; i++)
		if (strcmp(out_state_codes[i], code) == 0)
			return i;
	return -1;
}

static int direction_from_code(const char *code)
{
	for (int i = 0; code && i < 3; i++)
		if (strcmp(direction_codes[i], code) == 0)
			return i;
	return -1;
}

int out_doc_read(struct dctx *c, int64_t id, struct out_doc *d, struct err *e)
{
	struct db_stmt *st;
	int rc;

	memset(d, 0, sizeof *d);
	st = db_query(
	    c->db, e,
	    "SELECT state, version, dept_id, drafter_id, coalesce(signer_id, 0), direction,"
	    " secrecy, title, coalesce(number, '') FROM outgoing_doc"
	    " WHERE id = $1 AND org_id = $2",
	    "II", id, c->who->org_id);
	if (st == NULL)
		return -1;
	if ((rc = db_step(st, e)) == DB_ROW) {
		d->id = id;
		d->org_id = c->who->org_id;
		d->state = out_state_from_code(db_col_text(st, 0));
		d->version = db_col_int(st, 1);
		d->dept_id = db_col_int(st, 2);
		d->drafter_id = db_col_int(st, 3);
		d->signer_id = db_col_int(st, 4);
		d->direction = direction_from_code(db_col_text(st, 5));
		d->secrecy = secrecy_from_code(db_col_text(st, 6));
		snprintf(d->title, sizeof d->title, "%s", db_col_text(st, 7));
		snprintf(d->number, sizeof d->number, "%s", db_col_text(st, 8));
		d->numbered = d->number[0] != '\0';
	}
	db_reset(st);
	if (rc < 0)
		return -1;
	return rc == DB_ROW && d->state >= 0 ? 0 : err_set(e, ERR_NOT_FOUND, "发文不存在");
}

int out_doc_load(struct dctx *c, int64_t id, struct out_doc *d, struct err *e)
{
	bool visible;

	if (out_doc_read(c, id, d, e) ||
	    acl_can_see(c->db, c->who, DOC_KIND_OUTGOING, id, &visible, e))
		return -1;
	return visible ? 0 : err_set(e, ERR_NOT_FOUND, "发文不存在");
}

int outgoing_visible(struct dctx *c, int64_t id, struct err *e)
{
	struct out_doc d;

	return out_doc_load(c, id, &d, e);
}

int out_set_state(struct dctx *c, struct out_doc *d, int to, struct err *e)
{
	if (db_execf(c->db, e,
	             "UPDATE outgoing_doc SET state = $1, version = version + 1, updated_at = $2"
	             " WHERE id = $3",
	             "sII", out_state_codes[to], c->now, d->id) < 0)
		return -1;
	d->state = to;
	d->version++;
	return 0;
}

/* ---- the 稿纸 ---- */

static int check_countersign(struct dctx *c, const struct outgoing_fields *f, int64_t dept_id,
                             struct err *e)
{
	for (int i = 0; i < f->countersign_count; i++) {
		if (f->countersign[i] == dept_id)
			return err_field(e, ERR_VALIDATION, "countersign_department_ids",
			                 "会签部门不能是主办科室");
		if (docs_dept_in_org(c->db, c->who->org_id, f->countersign[i], e))
			return -1;
	}
	return 0;
}

static int save_countersign(struct dctx *c, int64_t id, const struct outgoing_fields *f,
                            struct err *e)
{
	if (db_execf(c->db, e, "DELETE FROM outgoing_countersign WHERE doc_id = $1", "I", id) < 0)
		return -1;
	for (int i = 0; i < f->countersign_count; i++)
		if (db_execf(
		        c->db, e,
		        "INSERT INTO outgoing_countersign (doc_id, department_id) VALUES ($1, $2)",
		        "II", id, f->countersign[i]) < 0)
			return -1;
	return 0;
}

static int add_version(struct dctx *c, int64_t id, int no, const char *body, int state,
                       struct err *e)
{
	return db_execf(
	           c->db, e,
	           "INSERT INTO outgoing_version (doc_id, no, body, author_id, author_name, state,"
	           " created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
	           "IisIssI", id, no, body, c->who->user_id, c->who->name, out_state_codes[state],
	           c->now) < 0
	           ? -1
	           : 0;
}

static int outgoing_create_do(struct dctx *c, const struct outgoing_fields *f, int64_t *id,
                              struct err *e)
{
	const struct doc_type *t = doc_type_find(f->doc_type);
	int sec = f->secrecy >= 0 ? f->secrecy : SECRECY_NONE, years, y, m, dd;
	int64_t dept = f->dept_id > 0 ? f->dept_id : c->who->department_id;
	const char *body = f->body ? f->body : "";

	if (f->title == NULL || *f->title == '\0')
		return err_field(e, ERR_VALIDATION, "title", "标题不能为空");
	if (t == NULL)
		return err_field(e, ERR_VALIDATION, "doc_type",
		                 "文种应为条例规定的15种之一（如 通知、请示、函）");
	if (secrecy_check((enum secrecy)sec, f->secrecy_years > 0 ? f->secrecy_years : 0, &years,
	                  e) ||
	    docs_dept_in_org(c->db, c->who->org_id, dept, e) || check_countersign(c, f, dept, e) ||
	    docs_check_register_only(c, (enum secrecy)sec, *body != '\0', f->attachment_count > 0,
	                             e))
		return -1;
	date_ymd(date_of_time(c->now), &y, &m, &dd);
	if (db_query_int(
	        c->db, e, id, NULL,
	        "INSERT INTO outgoing_doc (org_id, year, title, doc_type, main_to, copy_to,"
	        " secrecy, secrecy_years, urgency, direction, dept_id, drafter_id,"
	        " print_copies, body, attachment_note, body_version, state, created_at,"
	        " updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13,"
	        " $14, $15, 1, 'draft', $16, $16) RETURNING id",
	        "IisssssissIIIssI", c->who->org_id, y, f->title, t->code,
	        f->main_to ? f->main_to : "", f->copy_to ? f->copy_to : "", secrecy_codes[sec],
	        years, urgency_codes[f->urgency >= 0 ? f->urgency : 0],
	        direction_codes[f->direction >= 0 ? f->direction : DIR_DOWN], dept, c->who->user_id,
	        f->print_copies > 0 ? f->print_copies : 0, body,
	        f->attachment_note ? f->attachment_note : "", c->now))
		return -1;
	if (save_countersign(c, *id, f, e) || add_version(c, *id, 1, body, OUT_DRAFT, e) ||
	    (f->attachment_count > 0 &&
	     docs_set_attachments(c, DOC_KIND_OUTGOING, *id, f->attachments,
	                          (size_t)f->attachment_count, e)) ||
	    docs_acl_grant(c->db, c->who->org_id, DOC_KIND_OUTGOING, *id, c->who->user_id,
	                   "drafter", e))
		return -1;
	return docs_opinion_add(c,
	                        &(struct opinion_new){.kind = DOC_KIND_OUTGOING,
	                                              .doc_id = *id,
	                                              .action = "draft",
	                                              .step = "拟稿",
	                                              .to_state = "draft"},
	                        e);
}

int outgoing_create(struct dctx *c, const struct outgoing_fields *f, int64_t *id, struct err *e)
{
	if (outgoing_create_do(c, f, id, e))
		return -1;
	return docs_indexed(c->db, DOC_KIND_OUTGOING, *id, e);
}

/* May the caller edit the 稿纸 in its current state? */
static int may_edit(struct dctx *c, struct out_doc *d, struct err *e)
{
	json_t *acts;
	bool ok;

	if (d->state == OUT_DRAFT)
		return c->who->user_id == d->drafter_id
		           ? 0
		           : err_set(e, ERR_FORBIDDEN, "拟稿阶段只有拟稿人可以修改");
	if (d->state >= OUT_PRINTED)
		return err_set(e, ERR_VALIDATION, "已印发的公文不能再修改");
	if (d->state >= OUT_SIGNED)
		return (c->who->roles & ROLES_OFFICE)
		           ? 0
		           : err_set(e, ERR_FORBIDDEN, "签发后只有办公室可以修改（须重新签发）");
	acts = json_array();
	out_approval_allowed(c, d, acts);
	ok = json_array_size(acts) > 0;
	json_decref(acts);
	return ok ? 0 : err_set(e, ERR_FORBIDDEN, "只有当前环节的办理人可以修改");
}

struct current {
	char *title, *doc_type, *main_to, *copy_to, *body, *secrecy, *direction;
	int body_version;
	int64_t secrecy_years;
};

static void current_free(struct current *cur)
{
	free(cur->title);
	free(cur->doc_type);
	free(cur->main_to);
	free(cur->copy_to);
	free(cur->body);
	free(cur->secrecy);
	free(cur->direction);
}

static int current_load(struct dctx *c, int64_t id, struct current *cur, struct err *e)
{
	struct db_stmt *st;
	int rc;

	memset(cur, 0, sizeof *cur);
	st = db_query(c->db, e,
	              "SELECT title, doc_type, main_to, copy_to, body, secrecy, direction,"
	              " body_version, secrecy_years FROM outgoing_doc WHERE id = $1",
	              "I", id);
	if (st == NULL)
		return -1;
	if ((rc = db_step(st, e)) == DB_ROW) {
		cur->title = strdup(db_col_text(st, 0));
		cur->doc_type = strdup(db_col_text(st, 1));
		cur->main_to = strdup(db_col_text(st, 2));
		cur->copy_to = strdup(db_col_text(st, 3));
		cur->body = strdup(db_col_text(st, 4));
		cur->secrecy = strdup(db_col_text(st, 5));
		cur->direction = strdup(db_col_text(st, 6));
		cur->body_version = (int)db_col_int(st, 7);
		cur->secrecy_years = db_col_int(st, 8);
	}
	db_reset(st);
	return rc == DB_ROW ? 0 : (rc < 0 ? -1 : err_set(e, ERR_NOT_FOUND, "发文不存在"));
}

static bool changed(const char *given, const char *now)
{
	return given && strcmp(given, now) != 0;
}

static int outgoing_update_do(struct dctx *c, int64_t id, int64_t version,
                              const struct outgoing_fields *f, struct err *e)
{
	struct out_doc d;
	struct current cur;
	const struct doc_type *t = NULL;
	int sec, years, rc = -1;
	bool body_changed, substantive, files_changed = false;
	size_t files_now = 0;
	json_t *detail = NULL;

	if (out_doc_load(c, id, &d, e) || may_edit(c, &d, e))
		return -1;
	if (version != d.version)
		return err_set(e, ERR_CONFLICT, "发文已被他人修改，请刷新后重试");
	if (f->doc_type && (t = doc_type_find(f->doc_type)) == NULL)
		return err_field(e, ERR_VALIDATION, "doc_type", "文种应为条例规定的15种之一");
	if (f->countersign_count >= 0 && d.state > OUT_OFFICE_REVIEW)
		return err_field(e, ERR_VALIDATION, "countersign_department_ids",
		                 "会签开始后不能再改变会签部门");
	if (f->dept_id > 0 && f->dept_id != d.dept_id && d.state != OUT_DRAFT)
		return err_field(e, ERR_VALIDATION, "department_id", "送审后不能改变主办科室");
	if (current_load(c, id, &cur, e))
		return -1;
	sec = f->secrecy >= 0 ? f->secrecy : secrecy_from_code(cur.secrecy);
	if (secrecy_check((enum secrecy)sec,
	                  f->secrecy_years >= 0 ? f->secrecy_years
	                                        : (f->secrecy >= 0 ? 0 : cur.secrecy_years),
	                  &years, e) ||
	    (f->dept_id > 0 && docs_dept_in_org(c->db, c->who->org_id, f->dept_id, e)) ||
	    (f->countersign_count >= 0 &&
	     check_countersign(c, f, f->dept_id > 0 ? f->dept_id : d.dept_id, e)) ||
	    (f->attachment_count < 0 &&
	     docs_attachment_count(c, DOC_KIND_OUTGOING, id, &files_now, e)) ||
	    docs_check_register_only(
	        c, (enum secrecy)sec, f->body ? *f->body != '\0' : cur.body[0] != '\0',
	        (f->attachment_count < 0 ? files_now : (size_t)f->attachment_count) > 0, e))
		goto out;
	if (f->attachment_count >= 0) {
		if (docs_attachment_count(c, DOC_KIND_OUTGOING, id, &files_now, e))
			goto out;
		files_changed = files_now != (size_t)f->attachment_count;
		for (int k = 0; k < f->attachment_count && !files_changed; k++) {
			int64_t one;
			bool linked;
			if (db_query_int(c->db, e, &one, &linked,
			                 "SELECT 1 FROM file_link WHERE kind = 'outgoing'"
			                 " AND object_id = $1 AND file_id = $2",
			                 "II", id, f->attachments[k]))
				goto out;
			files_changed = !linked;
		}
		if (docs_set_attachments(c, DOC_KIND_OUTGOING, id, f->attachments,
		                         (size_t)f->attachment_count, e))
			goto out;
	}
	body_changed = changed(f->body, cur.body);
	substantive = body_changed || files_changed || changed(f->title, cur.title) ||
	              (t && strcmp(t->code, cur.doc_type) != 0) ||
	              changed(f->main_to, cur.main_to) || changed(f->copy_to, cur.copy_to) ||
	              (f->direction >= 0 && strcmp(direction_codes[f->direction], cur.direction)) ||
	              strcmp(secrecy_codes[sec], cur.secrecy) != 0;
	if (db_execf(c->db, e,
	             "UPDATE outgoing_doc SET title = coalesce($1, title),"
	             " doc_type = coalesce($2, doc_type), main_to = coalesce($3, main_to),"
	             " copy_to = coalesce($4, copy_to), body = coalesce($5, body),"
	             " attachment_note = coalesce($6, attachment_note), secrecy = $7,"
	             " secrecy_years = $8, urgency = coalesce($9, urgency),"
	             " direction = coalesce($10, direction),"
	             " dept_id = CASE WHEN $11 > 0 THEN $11 ELSE dept_id END,"
	             " print_copies = CASE WHEN $12 >= 0 THEN $12 ELSE print_copies END,"
	             " body_version = body_version + $13, version = version + 1, updated_at = $14"
	             " WHERE id = $15",
	             "sssssssissIIiII", f->title, t ? t->code : NULL, f->main_to, f->copy_to,
	             body_changed ? f->body : NULL, f->attachment_note, secrecy_codes[sec], years,
	             f->urgency >= 0 ? urgency_codes[f->urgency] : NULL,
	             f->direction >= 0 ? direction_codes[f->direction] : NULL, f->dept_id,
	             f->print_copies, body_changed ? 1 : 0, c->now, id) < 0)
		goto out;
	d.version++;
	if (body_changed && add_version(c, id, cur.body_version + 1, f->body, d.state, e))
		goto out;
	if (f->countersign_count >= 0 && save_countersign(c, id, f, e))
		goto out;
	detail = json_pack("{s:b, s:b}", "body_changed", body_changed, "substantive", substantive);
	if (body_changed)
		json_object_set_new(detail, "body_version", json_integer(cur.body_version + 1));
	if (docs_opinion_add(
	        c,
	        &(struct opinion_new){
	            .kind = DOC_KIND_OUTGOING,
	            .doc_id = id,
	            .action = "edit",
	            .step = "修改稿件",
	            .from_state = out_state_codes[d.state],
	            .to_state = out_state_codes[substantive && d.state >= OUT_SIGNED ? OUT_SIGNING
	                                                                             : d.state],
	            .detail = detail},
	        e))
		goto out;
	if (f->direction >= 0)
		d.direction = f->direction;
	if (f->title)
		snprintf(d.title, sizeof d.title, "%s", f->title);
	/* 签发 covers the text that was signed: a substantive change goes back to the signer */
	if (substantive && d.state >= OUT_SIGNED)
		rc = out_approval_resign(c, &d, e);
	else /* the chain reads the direction and the 会签 departments (also after a return) */
		rc = d.state <= OUT_SIGNING ? out_approval_sync(c, &d, e) : 0;
out:
	json_decref(detail);
	current_free(&cur);
	return rc;
}

int outgoing_update(struct dctx *c, int64_t id, int64_t version, const struct outgoing_fields *f,
                    struct err *e)
{
	if (outgoing_update_do(c, id, version, f, e))
		return -1;
	return docs_indexed(c->db, DOC_KIND_OUTGOING, id, e);
}

/* ---- after 签发 ---- */

int out_clerk_todos(struct dctx *c, struct out_doc *d, const char *step, struct err *e)
{
	int64_t ids[CLERKS_MAX];
	size_t n;

	if (docs_users_with_role(c->db, d->org_id, "clerk", ids, CLERKS_MAX, &n, e))
		return -1;
	if (n == 0 &&
	    docs_users_with_role(c->db, d->org_id, "office_director", ids, CLERKS_MAX, &n, e))
		return -1;
	for (size_t i = 0; i < n; i++)
		if (docs_todo(c, DOC_KIND_OUTGOING, d->id, ids[i], d->title, step, NULL, e))
			return -1;
	return 0;
}

static int take_number(struct dctx *c, struct out_doc *d, const struct outgoing_action *a,
                       json_t *detail, struct err *e)
{
	char number[NUMBERING_NUMBER_MAX];
	int64_t seq = a->reserved_seq;
	int y, m, dd;

	if (a->series_id <= 0)
		return err_field(e, ERR_VALIDATION, "series_id", "请选择发文字号系列");
	date_ymd(date_of_time(c->now), &y, &m, &dd);
	/* same transaction as the step: a rollback returns the number, nothing is skipped */
	if (seq > 0 ? numbering_claim(c->db, d->org_id, a->series_id, y, seq, d->id,
	                              DOC_KIND_OUTGOING, number, sizeof number, e)
	            : numbering_take(c->db, d->org_id, a->series_id, y, d->id, DOC_KIND_OUTGOING,
	                             number, sizeof number, &seq, e))
		return -1;
	if (db_execf(c->db, e,
	             "UPDATE outgoing_doc SET series_id = $1, number = $2, year = $3 WHERE id = $4",
	             "IsiI", a->series_id, number, y, d->id) < 0)
		return -1;
	snprintf(d->number, sizeof d->number, "%s", number);
	d->numbered = true;
	json_object_set_new(detail, "number", json_string(number));
	json_object_set_new(detail, "seq", json_integer(seq));
	return 0;
}

static int distribute_internal(struct dctx *c, struct out_doc *d, const int64_t *users, size_t n,
                               json_t *detail, struct err *e)
{
	struct incoming_new in = {0};
	struct db_stmt *st;
	char number[64], org_name[FIELD_TITLE_MAX + 1] = "", today[DATE_STR_MAX];
	char *body = NULL, *doc_type = NULL;
	int64_t incoming_id, pages = 0;
	int sec = SECRECY_NONE, years = 0, urg = 0, added, rc = -1;

	st = db_query(c->db, e,
	              "SELECT o.name, d.body, d.doc_type, d.secrecy, d.secrecy_years, d.urgency,"
	              " d.print_copies FROM outgoing_doc d JOIN org o ON o.id = d.org_id"
	              " WHERE d.id = $1",
	              "I", d->id);
	if (st == NULL)
		return -1;
	if (db_step(st, e) == DB_ROW) {
		snprintf(org_name, sizeof org_name, "%s", db_col_text(st, 0));
		body = strdup(db_col_text(st, 1));
		doc_type = strdup(db_col_text(st, 2));
		sec = secrecy_from_code(db_col_text(st, 3));
		years = (int)db_col_int(st, 4);
		urg = urgency_from_code(db_col_text(st, 5));
		pages = 0;
	}
	db_reset(st);
	if (body == NULL || sec < 0)
		goto out;
	docs_today(c, today);
	in = (struct incoming_new){.title = d->title,
	                           .from_org = org_name,
	                           .from_number = d->number,
	                           .doc_type = doc_type,
	                           .body = body,
	                           .secrecy = (enum secrecy)sec,
	                           .secrecy_years = years,
	                           .urgency = urg < 0 ? 0 : urg,
	                           .copies = 1,
	                           .pages = pages,
	                           .received_date = today,
	                           .source = "internal",
	                           .outgoing_id = d->id};
	if (incoming_register(c, &in, &incoming_id, number, e) ||
	    circulation_send(c, incoming_id, users, n, &added, e))
		goto out;
	json_object_set_new(detail, "incoming_id", json_integer(incoming_id));
	for (size_t i = 0; i < n; i++)
		if (db_execf(c->db, e,
		             "INSERT INTO outgoing_recipient (doc_id, kind, user_id, name, method,"
		             " sent_date, incoming_id, created_at) SELECT $1, 'internal', u.id,"
		             " u.name, '内部传阅', $2, $3, $4 FROM app_user u WHERE u.id = $5",
		             "IsIII", d->id, today, incoming_id, c->now, users[i]) < 0)
			goto out;
	rc = 0;
out:
	free(body);
	free(doc_type);
	return rc;
}

static int distribute(struct dctx *c, struct out_doc *d, const struct outgoing_action *a,
                      json_t *detail, struct err *e)
{
	int64_t users[2 * DOCS_RECIPIENTS_MAX];
	size_t n = 0;
	char today[DATE_STR_MAX];

	if (a->user_count + a->dept_count + a->external_count == 0)
		return err_field(e, ERR_VALIDATION, "internal_user_ids", "请指定分发对象");
	for (size_t i = 0; i < a->user_count; i++)
		users[n++] = a->users[i];
	for (size_t i = 0; i < a->dept_count; i++) { /* a department receives through its head */
		int64_t head;
		bool dup = false;
		if (docs_dept_in_org(c->db, d->org_id, a->depts[i], e) ||
		    docs_dept_head(c->db, d->org_id, a->depts[i], &head, e))
			return -1;
		if (head == 0)
			return err_field(e, ERR_VALIDATION, "internal_department_ids",
			                 "分发部门没有负责人");
		for (size_t k = 0; k < n; k++)
			dup = dup || users[k] == head;
		if (!dup)
			users[n++] = head;
	}
	if (n > 0 && distribute_internal(c, d, users, n, detail, e))
		return -1;
	docs_today(c, today);
	for (size_t i = 0; i < a->external_count; i++) {
		const struct external_recipient *x = &a->external[i];
		if (x->name == NULL || *x->name == '\0')
			return err_field(e, ERR_VALIDATION, "external", "外部分发单位名称不能为空");
		if (docs_date_check(x->date, "external", "分发日期", e) ||
		    db_execf(
		        c->db, e,
		        "INSERT INTO outgoing_recipient (doc_id, kind, name, method, sent_date,"
		        " created_at) VALUES ($1, 'external', $2, $3, $4, $5)",
		        "IsssI", d->id, x->name, x->method ? x->method : "",
		        x->date ? x->date : today, c->now) < 0)
			return -1;
	}
	json_object_set_new(detail, "internal", json_integer((json_int_t)n));
	json_object_set_new(detail, "external", json_integer((json_int_t)a->external_count));
	return db_execf(c->db, e, "UPDATE outgoing_doc SET distributed_at = $1 WHERE id = $2", "II",
	                c->now, d->id) < 0
	           ? -1
	           : 0;
}

/* The steps after 签发: from which state, by whom, to where, and the next 待办. */
static const struct out_rule {
	int from, to;
	unsigned roles;
	bool drafter_too;
	const char *next_todo;
} out_rules[OUT_ACT_COUNT] = {
    [OUT_ACT_NUMBER] = {OUT_SIGNED, OUT_NUMBERED, ROLES_OFFICE, false, "校对"},
    [OUT_ACT_PROOFREAD] = {OUT_NUMBERED, OUT_PROOFREAD, ROLES_OFFICE, true, "印发"},
    [OUT_ACT_PRINT] = {OUT_PROOFREAD, OUT_PRINTED, ROLES_OFFICE, false, "分发"},
    [OUT_ACT_DISTRIBUTE] = {OUT_PRINTED, OUT_DISTRIBUTED, ROLES_OFFICE, false, NULL},
};

static bool after_sign_action(enum out_action a)
{
	return a == OUT_ACT_NUMBER || a == OUT_ACT_PROOFREAD || a == OUT_ACT_PRINT ||
	       a == OUT_ACT_DISTRIBUTE;
}

static bool may_after_sign(struct dctx *c, struct out_doc *d, enum out_action a)
{
	const struct out_rule *r = &out_rules[a];

	return (c->who->roles & r->roles) || (r->drafter_too && c->who->user_id == d->drafter_id);
}

static int after_sign(struct dctx *c, struct out_doc *d, const struct outgoing_action *a,
                      json_t *detail, struct err *e)
{
	const struct out_rule *r = &out_rules[a->action];
	char date[DATE_STR_MAX];

	if (d->state != r->from)
		return err_set(e, ERR_VALIDATION, "当前环节（%s）不能%s", out_state_names[d->state],
		               out_action_steps[a->action]);
	if (!may_after_sign(c, d, a->action))
		return err_set(e, ERR_FORBIDDEN, "您无权%s", out_action_steps[a->action]);
	if (todo_close(c->db, DOC_KIND_OUTGOING, d->id, 0, NULL, e))
		return -1;
	switch (a->action) {
	case OUT_ACT_NUMBER:
		if (take_number(c, d, a, detail, e))
			return -1;
		break;
	case OUT_ACT_PRINT:
		if (docs_date_check(a->date, "date", "印发日期", e))
			return -1;
		if (a->date)
			snprintf(date, sizeof date, "%s", a->date);
		else
			docs_today(c, date);
		json_object_set_new(detail, "printed_date", json_string(date));
		if (db_execf(c->db, e, "UPDATE outgoing_doc SET printed_date = $1 WHERE id = $2",
		             "sI", date, d->id) < 0)
			return -1;
		break;
	case OUT_ACT_DISTRIBUTE:
		if (distribute(c, d, a, detail, e))
			return -1;
		break;
	default:
		break;
	}
	if (out_set_state(c, d, r->to, e))
		return -1;
	if (r->next_todo)
		return out_clerk_todos(c, d, r->next_todo, e);
	return docs_notice(c, d->drafter_id, "finished", DOC_KIND_OUTGOING, d->id, d->title,
	                   "已分发，待归档", e);
}

static int outgoing_act_do(struct dctx *c, int64_t id, const struct outgoing_action *a,
                           struct err *e)
{
	struct out_doc d;
	int from, rc = -1;
	json_t *detail;

	if (a->action >= OUT_ACT_COUNT)
		return err_field(e, ERR_VALIDATION, "action", "未知的发文操作");
	if (out_doc_load(c, id, &d, e))
		return -1;
	if (a->version > 0 && a->version != d.version)
		return err_set(e, ERR_CONFLICT, "发文已被他人处理，请刷新后重试");
	from = d.state;
	detail = json_object();
	if (after_sign_action(a->action)) {
		if (after_sign(c, &d, a, detail, e))
			goto out;
	} else {
		/* the engine's listener records the step on the 稿纸 and moves the document */
		rc = out_approval_act(c, &d, a, e) ||
		             db_execf(c->db, e,
		                      "UPDATE outgoing_doc SET updated_at = $1 WHERE id = $2", "II",
		                      c->now, id) < 0
		         ? -1
		         : 0;
		goto out;
	}
	if (db_execf(c->db, e, "UPDATE outgoing_doc SET updated_at = $1 WHERE id = $2", "II",
	             c->now, id) < 0)
		goto out;
	rc = docs_opinion_add(
	    c,
	    &(struct opinion_new){.kind = DOC_KIND_OUTGOING,
	                          .doc_id = id,
	                          .action = out_action_codes[a->action],
	                          .step = out_action_steps[a->action],
	                          .opinion = a->opinion,
	                          .from_state = out_state_codes[from],
	                          .to_state = out_state_codes[d.state],
	                          .detail = json_object_size(detail) ? detail : NULL},
	    e);
out:
	json_decref(detail);
	return rc;
}

int outgoing_act(struct dctx *c, int64_t id, const struct outgoing_action *a, struct err *e)
{
	if (outgoing_act_do(c, id, a, e))
		return -1;
	return docs_indexed(c->db, DOC_KIND_OUTGOING, id, e);
}

/* ---- reading ---- */

static void allowed_actions(struct dctx *c, struct out_doc *d, json_t *out)
{
	out_approval_allowed(c, d, out);
	for (int a = OUT_ACT_NUMBER; a <= OUT_ACT_DISTRIBUTE; a++)
		if (d->state == out_rules[a].from && may_after_sign(c, d, (enum out_action)a))
			json_array_append_new(out, json_string(out_action_codes[a]));
}

static bool may_edit_now(struct dctx *c, struct out_doc *d)
{
	struct err ignored = ERR_INIT;

	return may_edit(c, d, &ignored) == 0;
}

json_t *outgoing_get_json(struct dctx *c, int64_t id, struct err *e)
{
	struct out_doc d;
	struct db_stmt *st;
	json_t *doc = NULL, *x;
	int64_t instance;
	int rc;

	if (out_doc_load(c, id, &d, e))
		return NULL;
	st = db_query(c->db, e,
	              "SELECT " OUT_COLS ", d.body, d.series_id FROM outgoing_doc d"
	              " WHERE d.id = $1",
	              "I", id);
	if (st == NULL)
		return NULL;
	if ((rc = db_step(st, e)) == DB_ROW) {
		doc = outgoing_row_json(st);
		json_object_set_new(doc, "body", json_string(db_col_text(st, 26)));
		json_object_set_new(doc, "series_id", db_col_json(st, 27));
	}
	db_reset(st);
	if (doc == NULL) {
		if (rc == DB_DONE)
			err_set(e, ERR_NOT_FOUND, "发文不存在");
		return NULL;
	}
	if ((x = docs_opinions_json(c->db, DOC_KIND_OUTGOING, id, e)) == NULL)
		goto fail;
	json_object_set_new(doc, "opinions", x);
	x = db_query_json(
	    c->db, e, DOCS_COUNTERSIGN_MAX,
	    "SELECT cs.department_id, dp.name AS department, cs.state, cs.signer_name,"
	    " cs.opinion, cs.signed_at FROM outgoing_countersign cs"
	    " JOIN department dp ON dp.id = cs.department_id WHERE cs.doc_id = $1"
	    " ORDER BY cs.id",
	    "I", id);
	if (x == NULL)
		goto fail;
	json_object_set_new(doc, "countersign", x);
	x = db_query_json(c->db, e, 2 * DOCS_RECIPIENTS_MAX + 2 * DOCS_RECIPIENTS_MAX,
	                  "SELECT kind, user_id, name, method, sent_date, incoming_id"
	                  " FROM outgoing_recipient WHERE doc_id = $1 ORDER BY id",
	                  "I", id);
	if (x == NULL)
		goto fail;
	json_object_set_new(doc, "recipients", x);
	if ((x = files_of_object(c->db, c->who->org_id, DOC_KIND_OUTGOING, id, e)) == NULL)
		goto fail;
	json_object_set_new(doc, "attachments", x);
	if (out_approval_instance(c, &d, &instance, e))
		goto fail;
	json_object_set_new(doc, "instance_id", instance ? json_integer(instance) : json_null());
	x = json_array();
	json_object_set_new(doc, "actions", x);
	allowed_actions(c, &d, x);
	json_object_set_new(doc, "editable", json_boolean(may_edit_now(c, &d)));
	return doc;
fail:
	json_decref(doc);
	return NULL;
}

json_t *outgoing_versions_json(struct dctx *c, int64_t id, struct err *e)
{
	json_t *rows;
	size_t i;
	json_t *row;

	if (outgoing_visible(c, id, e))
		return NULL;
	rows = db_query_json(c->db, e, 100000,
	                     "SELECT no, author_id, author_name, state, length(body) AS chars,"
	                     " created_at FROM outgoing_version WHERE doc_id = $1 ORDER BY no",
	                     "I", id);
	if (rows == NULL)
		return NULL;
	json_array_foreach(rows, i, row)
	{
		char iso[TIME_ISO_MAX];
		int s = out_state_from_code(json_string_value(json_object_get(row, "state")));
		time_iso(json_integer_value(json_object_get(row, "created_at")), iso);
		json_object_set_new(row, "created_at", json_string(iso));
		json_object_set_new(row, "state_name",
		                    json_string(s >= 0 ? out_state_names[s] : ""));
	}
	return rows;
}

static char *version_body(struct dctx *c, int64_t id, int64_t no, struct err *e)
{
	struct db_stmt *st;
	char *body = NULL;
	int rc;

	st = db_query(c->db, e, "SELECT body FROM outgoing_version WHERE doc_id = $1 AND no = $2",
	              "II", id, no);
	if (st == NULL)
		return NULL;
	if ((rc = db_step(st, e)) == DB_ROW)
		body = strdup(db_col_text(st, 0));
	db_reset(st);
	if (rc == DB_DONE)
		err_set(e, ERR_NOT_FOUND, "版本 %lld 不存在", (long long)no);
	return body;
}

json_t *outgoing_version_json(struct dctx *c, int64_t id, int64_t no, struct err *e)
{
	json_t *rows;

	if (outgoing_visible(c, id, e))
		return NULL;
	rows = db_query_json(c->db, e, 1,
	                     "SELECT no, body, author_id, author_name, state, created_at"
	                     " FROM outgoing_version WHERE doc_id = $1 AND no = $2",
	                     "II", id, no);
	if (rows == NULL)
		return NULL;
	if (json_array_size(rows) == 0) {
		json_decref(rows);
		err_set(e, ERR_NOT_FOUND, "版本 %lld 不存在", (long long)no);
		return NULL;
	}
	{
		json_t *v = json_incref(json_array_get(rows, 0));
		char iso[TIME_ISO_MAX];
		time_iso(json_integer_value(json_object_get(v, "created_at")), iso);
		json_object_set_new(v, "created_at", json_string(iso));
		json_decref(rows);
		return v;
	}
}

json_t *outgoing_compare_json(struct dctx *c, int64_t id, int64_t from, int64_t to, struct err *e)
{
	char *a = NULL, *b = NULL;
	struct diff_stats st;
	json_t *chunks, *out = NULL;

	if (outgoing_visible(c, id, e))
		return NULL;
	if ((a = version_body(c, id, from, e)) == NULL || (b = version_body(c, id, to, e)) == NULL)
		goto done;
	chunks = text_diff(a, strlen(a), b, strlen(b), &st);
	out = json_pack("{s:I, s:I, s:o, s:I, s:I}", "from", (json_int_t)from, "to", (json_int_t)to,
	                "chunks", chunks, "inserted", (json_int_t)st.inserted, "deleted",
	                (json_int_t)st.deleted);
done:
	free(a);
	free(b);
	return out;
}

int outgoing_list_text(struct dctx *c, const struct outgoing_filter *f, struct buf *items,
                       int64_t *total, struct err *e)
{
	struct qb q;
	struct db_stmt *st;
	int rc = -1, step;

	qb_init(&q);
	qb_int(&q, "d.org_id = $?", c->who->org_id);
	if (f->year > 0)
		qb_int(&q, "d.year = $?", f->year);
	if (f->state >= 0)
		qb_text(&q, "d.state = $?", out_state_codes[f->state]);
	if (f->doc_type)
		qb_text(&q, "d.doc_type = $?", f->doc_type);
	if (f->secrecy >= 0)
		qb_text(&q, "d.secrecy = $?", secrecy_codes[f->secrecy]);
	if (f->direction >= 0)
		qb_text(&q, "d.direction = $?", direction_codes[f->direction]);
	if (f->dept_id > 0)
		qb_int(&q, "d.dept_id = $?", f->dept_id);
	/* need-to-know inside the query, so the total counts only what the caller may see */
	docs_qb_visible(&q, c->who, DOC_KIND_OUTGOING, f->mine);
	st = qb_prepare(&q, c->db, "SELECT count(*) FROM outgoing_doc d", NULL, 0, 0, e);
	if (st == NULL)
		goto out;
	if ((step = db_step(st, e)) == DB_ROW)
		*total = db_col_int(st, 0);
	db_reset(st);
	if (step < 0)
		goto out;
	/* the total is exact (same snapshot): a page past it has no rows, no need to look */
	if (*total <= f->offset) {
		buf_adds(items, "[]");
		rc = 0;
		goto out;
	}
	st = qb_prepare(&q, c->db, "SELECT " OUT_COLS " FROM outgoing_doc d",
	                " ORDER BY d.id DESC LIMIT $L OFFSET $O", f->limit, f->offset, e);
	if (st == NULL)
		goto out;
	buf_addc(items, '[');
	for (int n = 0; (step = db_step(st, e)) == DB_ROW; n++) {
		if (n)
			buf_addc(items, ',');
		outgoing_row_write(items, st);
	}
	buf_addc(items, ']');
	db_reset(st);
	if (step < 0)
		goto out;
	rc = 0;
out:
	qb_free(&q);
	return rc;
}

int outgoing_list(struct dctx *c, const struct outgoing_filter *f, json_t **items, int64_t *total,
                  struct err *e)
{
	struct buf text = BUF_INIT;

	return docs_list_json(outgoing_list_text(c, f, &text, total, e), &text, items, e);
}
