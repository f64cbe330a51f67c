/*
 * circulation.c - 传阅 with read receipts (domain.md §1: always know where each copy is).
 *
 * Sending adds, per reader, an acl row (so the document becomes visible to them), a circulation
 * row (the receipt, unread) and a 待办 of kind "circulation"; reading fills the receipt, closes
 * that 待办 and writes the reader's comment onto the 收文处理单. Unread receipts stay in the
 * reader's 待办; the reminder scheduler walks them with circulation_unread_each().
 */
#include "docs/docs_int.h"
#include "docs/acl.h"
#include "core/timeutil.h"
#include "workflow/workflow.h"

#include <stdio.h>
#include <string.h>

static int reader_check(struct dctx *c, int64_t user_id, struct err *e)
{
	int64_t one;
	bool found;

	if (db_query_int(
	        c->db, e, &one, &found,
	        "SELECT 1 FROM app_user u WHERE u.id = $1 AND u.org_id = $2 AND u.active = 1"
	        " AND EXISTS (SELECT 1 FROM user_role r WHERE r.user_id = u.id AND r.role"
	        " NOT IN ('sysadmin', 'secadmin', 'auditor'))",
	        "II", user_id, c->who->org_id))
		return -1;
	return found ? 0
	             : err_field(e, ERR_VALIDATION, "user_ids",
	                         "传阅对象不存在、已停用或不是业务人员：%lld", (long long)user_id);
}

static int may_circulate(struct dctx *c, struct in_doc *d, struct err *e)
{
	bool yes;

	if (d->state == IN_REGISTERED || d->state == IN_RETURNED || d->state == IN_ARCHIVABLE)
		return err_set(e, ERR_VALIDATION, "当前环节（%s）不能传阅",
		               in_state_names[d->state]);
	if (c->who->roles & (ROLES_OFFICE | ROLES_LEADERS))
		return 0;
	if (in_is_assignee(c, d->id, &yes, e))
		return -1;
	return yes ? 0 : err_set(e, ERR_FORBIDDEN, "只有办公室、院领导和承办部门可以传阅");
}

static int circulation_send_do(struct dctx *c, int64_t doc_id, const int64_t *user_ids, size_t n,
                               int *added, struct err *e)
{
	struct in_doc d;
	char title[FIELD_TITLE_MAX + 80];
	json_t *detail, *ids;
	int from, rc = -1;

	*added = 0;
	if (in_doc_load(c, doc_id, &d, e) || may_circulate(c, &d, e))
		return -1;
	if (n == 0)
		return err_field(e, ERR_VALIDATION, "user_ids", "请选择传阅对象");
	for (size_t i = 0; i < n; i++)
		if (reader_check(c, user_ids[i], e))
			return -1;
	docs_todo_title(title, sizeof title, d.number, d.title);
	detail = json_object();
	ids = json_array();
	json_object_set_new(detail, "user_ids", ids);
	for (size_t i = 0; i < n; i++) {
		int64_t changed =
		    db_execf(c->db, e,
		             "INSERT INTO circulation (org_id, doc_id, user_id, sender_id,"
		             " sent_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
		             "IIIII", c->who->org_id, doc_id, user_ids[i], c->who->user_id, c->now);
		if (changed < 0)
			goto out;
		if (changed == 0)
			continue;
		(*added)++;
		json_array_append_new(ids, json_integer(user_ids[i]));
		if (docs_acl_grant(c->db, c->who->org_id, DOC_KIND_INCOMING, doc_id, user_ids[i],
		                   "circulated", e) ||
		    docs_todo(c, DOC_KIND_CIRCULATION, doc_id, user_ids[i], title, "阅知",
		              d.due[0] ? d.due : NULL, e))
			goto out;
	}
	from = d.state;
	if (d.state == IN_REVIEWED) { /* sent for reading only: a 阅知件 */
		if (in_set_state(c, &d, IN_CIRCULATING, e) ||
		    todo_close(c->db, DOC_KIND_INCOMING, doc_id, 0, "拟办", e))
			goto out;
	} else if (db_execf(c->db, e,
	                    "UPDATE incoming_doc SET version = version + 1, updated_at = $1"
	                    " WHERE id = $2",
	                    "II", c->now, doc_id) < 0) {
		goto out;
	}
	rc = *added == 0
	         ? 0
	         : docs_opinion_add(c,
	                            &(struct opinion_new){.kind = DOC_KIND_INCOMING,
	                                                  .doc_id = doc_id,
	                                                  .action = "circulate",
	                                                  .step = "传阅",
	                                                  .from_state = in_state_codes[from],
	                                                  .to_state = in_state_codes[d.state],
	                                                  .detail = detail},
	                            e);
out:
	json_decref(detail);
	return rc;
}

int circulation_send(struct dctx *c, int64_t doc_id, const int64_t *user_ids, size_t n, int *added,
                     struct err *e)
{
	if (circulation_send_do(c, doc_id, user_ids, n, added, e))
		return -1;
	return docs_indexed(c->db, DOC_KIND_INCOMING, doc_id, e);
}

static int circulation_read_do(struct dctx *c, int64_t doc_id, const char *comment, struct err *e)
{
	struct in_doc d;
	int64_t changed, read_at;
	bool found;

	if (in_doc_load(c, doc_id, &d, e))
		return -1;
	changed = db_execf(c->db, e,
	                   "UPDATE circulation SET read_at = $1, comment = $2 WHERE doc_id = $3"
	                   " AND user_id = $4 AND read_at IS NULL",
	                   "IsII", c->now, comment ? comment : "", doc_id, c->who->user_id);
	if (changed < 0)
		return -1;
	if (changed == 0) {
		if (db_query_int(
		        c->db, e, &read_at, &found,
		        "SELECT read_at FROM circulation WHERE doc_id = $1 AND user_id = $2", "II",
		        doc_id, c->who->user_id))
			return -1;
		return found ? err_set(e, ERR_CONFLICT, "您已阅过此文")
		             : err_set(e, ERR_VALIDATION, "此文没有传阅给您");
	}
	if (todo_close(c->db, DOC_KIND_CIRCULATION, doc_id, c->who->user_id, NULL, e))
		return -1;
	return docs_opinion_add(c,
	                        &(struct opinion_new){.kind = DOC_KIND_INCOMING,
	                                              .doc_id = doc_id,
	                                              .action = "read",
	                                              .step = "阅知",
	                                              .opinion = comment,
	                                              .from_state = in_state_codes[d.state],
	                                              .to_state = in_state_codes[d.state]},
	                        e);
}

int circulation_read(struct dctx *c, int64_t doc_id, const char *comment, struct err *e)
{
	if (circulation_read_do(c, doc_id, comment, e))
		return -1;
	return docs_indexed(c->db, DOC_KIND_INCOMING, doc_id, e);
}

json_t *circulation_status_json(struct dctx *c, int64_t doc_id, struct err *e)
{
	struct db_stmt *st;
	json_t *items = json_array();
	int64_t nread = 0, nunread = 0;
	bool mine_unread = false;
	int rc;

	st = db_query(
	    c->db, e,
	    "SELECT ci.user_id, u.name, dp.name, s.name, ci.sent_at, ci.read_at, ci.comment"
	    " FROM circulation ci JOIN app_user u ON u.id = ci.user_id"
	    " JOIN department dp ON dp.id = u.department_id"
	    " JOIN app_user s ON s.id = ci.sender_id WHERE ci.doc_id = $1"
	    " ORDER BY ci.read_at IS NOT NULL, ci.sent_at, ci.id",
	    "I", doc_id);
	if (st == NULL)
		goto fail;
	while ((rc = db_step(st, e)) == DB_ROW) {
		char sent[TIME_ISO_MAX], rd[TIME_ISO_MAX];
		bool is_read = !db_col_is_null(st, 5);

		time_iso(db_col_int(st, 4), sent);
		if (is_read)
			time_iso(db_col_int(st, 5), rd);
		if (is_read)
			nread++;
		else
			nunread++;
		if (!is_read && db_col_int(st, 0) == c->who->user_id)
			mine_unread = true;
		json_array_append_new(
		    items, json_pack("{s:{s:I, s:s, s:s}, s:s, s:s, s:b, s:o, s:s}", "user", "id",
		                     (json_int_t)db_col_int(st, 0), "name", db_col_text(st, 1),
		                     "department", db_col_text(st, 2), "sender", db_col_text(st, 3),
		                     "sent_at", sent, "read", is_read, "read_at",
		                     is_read ? json_string(rd) : json_null(), "comment",
		                     db_col_text(st, 6)));
	}
	db_reset(st);
	if (rc < 0)
		goto fail;
	return json_pack("{s:o, s:I, s:I, s:b}", "items", items, "read", (json_int_t)nread,
	                 "unread", (json_int_t)nunread, "mine_unread", mine_unread);
fail:
	json_decref(items);
	return NULL;
}

int circulation_mine(struct dctx *c, bool unread_only, int64_t limit, int64_t offset,
                     json_t **items, int64_t *total, struct err *e)
{
	struct db_stmt *st;
	int rc;

	*items = NULL;
	if (db_query_int(c->db, e, total, NULL,
	                 "SELECT count(*) FROM circulation WHERE user_id = $1 AND ($2 = 0 OR"
	                 " read_at IS NULL)",
	                 "Ii", c->who->user_id, unread_only ? 1 : 0))
		return -1;
	st = db_query(
	    c->db, e,
	    "SELECT d.id, d.number, d.title, d.from_org, d.secrecy, d.secrecy_years,"
	    " d.urgency, d.state, s.name, ci.sent_at, ci.read_at, ci.comment"
	    " FROM circulation ci JOIN incoming_doc d ON d.id = ci.doc_id"
	    " JOIN app_user s ON s.id = ci.sender_id WHERE ci.user_id = $1"
	    " AND ($2 = 0 OR ci.read_at IS NULL)"
	    " ORDER BY ci.read_at IS NOT NULL, ci.sent_at DESC, ci.id DESC LIMIT $3 OFFSET $4",
	    "IiII", c->who->user_id, unread_only ? 1 : 0, limit, offset);
	if (st == NULL)
		return -1;
	*items = json_array();
	while ((rc = db_step(st, e)) == DB_ROW) {
		char sent[TIME_ISO_MAX], rd[TIME_ISO_MAX], mark[32];
		int sec = secrecy_from_code(db_col_text(st, 4));
		int urg = urgency_from_code(db_col_text(st, 6));
		int state = in_state_from_code(db_col_text(st, 7));
		bool is_read = !db_col_is_null(st, 10);

		time_iso(db_col_int(st, 9), sent);
		if (is_read)
			time_iso(db_col_int(st, 10), rd);
		secrecy_mark(sec < 0 ? SECRECY_NONE : (enum secrecy)sec, (int)db_col_int(st, 5),
		             mark);
		json_array_append_new(
		    *items,
		    json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:o, s:s}", "id",
		              (json_int_t)db_col_int(st, 0), "number", db_col_text(st, 1), "title",
		              db_col_text(st, 2), "from_org", db_col_text(st, 3), "secrecy_mark",
		              mark, "urgency_name", urgency_names[urg < 0 ? 0 : urg], "state_name",
		              state >= 0 ? in_state_names[state] : "", "sender", db_col_text(st, 8),
		              "sent_at", sent, "read", is_read, "read_at",
		              is_read ? json_string(rd) : json_null(), "comment",
		              db_col_text(st, 11)));
	}
	db_reset(st);
	if (rc < 0) {
		json_decref(*items);
		*items = NULL;
		return -1;
	}
	return 0;
}

int circulation_unread_each(struct db *db, int64_t sent_before, size_t max,
                            int (*cb)(void *arg, const struct circulation_unread *u), void *arg,
                            struct err *e)
{
	struct db_stmt *st;
	size_t n = 0;
	int rc = DB_DONE;

	st = db_query(db, e,
	              "SELECT ci.org_id, ci.doc_id, ci.user_id, ci.sender_id, ci.sent_at, d.title,"
	              " d.number FROM circulation ci JOIN incoming_doc d ON d.id = ci.doc_id"
	              " WHERE ci.read_at IS NULL AND ci.sent_at < $1 ORDER BY ci.sent_at, ci.id",
	              "I", sent_before);
	if (st == NULL)
		return -1;
	while (n < max && (rc = db_step(st, e)) == DB_ROW) {
		struct circulation_unread u = {
		    .org_id = db_col_int(st, 0),
		    .doc_id = db_col_int(st, 1),
		    .user_id = db_col_int(st, 2),
		    .sender_id = db_col_int(st, 3),
		    .sent_at = db_col_int(st, 4),
		    .title = db_col_text(st, 5),
		    .number = db_col_text(st, 6),
		};
		n++;
		if (cb(arg, &u) != 0)
			break;
	}
	db_reset(st);
	return rc < 0 ? -1 : 0;
}
