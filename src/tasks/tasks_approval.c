/*
 * tasks_approval.c - the module's two approvals (延期申请 decided by the responsible leader,
 * 报备审批 decided by the office director or a leader) as one-step approvals in task_approval.
 * The interface (tasks_private.h) is what the shared approval engine will implement later: start,
 * find the pending one, may-decide, decide, withdraw. Todos of the approvers open and close here.
 */
#include "tasks/tasks_private.h"
#include "core/buf.h"
#include "workflow/workflow.h"

#include <stdio.h>
#include <string.h>

static void roles_csv(unsigned roles, struct buf *b)
{
	for (int i = 0; i < ROLE_COUNT; i++)
		if (roles & role_table[i].bit)
			buf_addf(b, "%s%s", b->len ? "," : "", role_table[i].code);
}

/* The users who get the approval in their 待办: the named approver, else the holders of the
 * first role of the mask, in the order office director, 分管领导, 检察长, that anybody holds. */
static int approvers(struct db *db, const struct tappr_new *n, int64_t *ids, size_t max,
                     size_t *count, struct err *e)
{
	static const char *const order[] = {"office_director", "leader", "chief"};

	*count = 0;
	if (n->approver_id > 0) {
		ids[(*count)++] = n->approver_id;
		return 0;
	}
	for (size_t i = 0; i < sizeof order / sizeof order[0] && *count == 0; i++) {
		struct db_stmt *st;
		int rc;
		if (!(n->approver_roles & role_from_code(order[i])))
			continue;
		st = db_query(db, e,
		              "SELECT u.id FROM app_user u JOIN user_role r ON r.user_id = u.id"
		              " WHERE u.org_id = $1 AND u.active = 1 AND r.role = $2 ORDER BY u.id",
		              "Is", n->org_id, order[i]);
		if (st == NULL)
			return -1;
		while ((rc = db_step(st, e)) == DB_ROW && *count < max)
			ids[(*count)++] = db_col_int(st, 0);
		db_reset(st);
		if (rc < 0)
			return -1;
	}
	return 0;
}

int tappr_start(struct db *db, const struct tappr_new *n, int64_t *id, struct err *e)
{
	struct buf roles = BUF_INIT;
	int64_t ids[16];
	size_t count;
	struct db_stmt *st;
	int rc = -1, step;

	roles_csv(n->approver_roles, &roles);
	st =
	    db_query(db, e,
	             "INSERT INTO task_approval (org_id, task_id, kind, state, requester_id,"
	             " approver_id, approver_roles, reason, old_deadline, new_deadline, created_at)"
	             " VALUES ($1, $2, $3, 'pending', $4, $5, $6, $7, $8, $9, $10)"
	             " ON CONFLICT DO NOTHING RETURNING id",
	             "IIsI", n->org_id, n->task_id, n->kind, n->requester_id);
	if (st == NULL)
		goto out;
	n->approver_id > 0 ? db_bind_int(st, 5, n->approver_id) : db_bind_null(st, 5);
	db_bind_text(st, 6, roles.data);
	db_bind_text(st, 7, n->reason ? n->reason : "");
	n->old_deadline > 0 ? db_bind_int(st, 8, n->old_deadline) : db_bind_null(st, 8);
	n->new_deadline > 0 ? db_bind_int(st, 9, n->new_deadline) : db_bind_null(st, 9);
	db_bind_int(st, 10, tasks_now());
	step = db_step(st, e);
	if (step == DB_ROW)
		*id = db_col_int(st, 0);
	db_reset(st);
	if (step < 0)
		goto out;
	if (step != DB_ROW) {
		err_set(e, ERR_CONFLICT, "已有一项待审批的申请，请待审批后再提交");
		goto out;
	}
	if (approvers(db, n, ids, sizeof ids / sizeof ids[0], &count, e))
		goto out;
	for (size_t i = 0; i < count; i++) {
		struct todo_new t = {.org_id = n->org_id,
		                     .user_id = ids[i],
		                     .kind = TASK_KIND,
		                     .object_id = n->task_id,
		                     .title = n->todo_title,
		                     .step = n->step,
		                     .due_date = n->old_deadline};
		if (todo_add(db, &t, e))
			goto out;
	}
	rc = 0;
out:
	buf_free(&roles);
	return rc;
}

int tappr_pending(struct db *db, int64_t task_id, const char *kind, struct tappr *out, bool *found,
                  struct err *e)
{
	struct db_stmt *st = db_query(db, e,
	                              "SELECT id, requester_id, approver_id, approver_roles,"
	                              " old_deadline, new_deadline FROM task_approval"
	                              " WHERE task_id = $1 AND kind = $2 AND state = 'pending'",
	                              "Is", task_id, kind);
	struct err ignored = ERR_INIT;
	int rc;

	*found = false;
	if (st == NULL)
		return -1;
	if ((rc = db_step(st, e)) == DB_ROW) {
		memset(out, 0, sizeof *out);
		out->id = db_col_int(st, 0);
		out->task_id = task_id;
		out->requester_id = db_col_int(st, 1);
		out->approver_id = db_col_is_null(st, 2) ? 0 : db_col_int(st, 2);
		role_parse_list(db_col_text(st, 3), &out->approver_roles, &ignored);
		out->old_deadline = db_col_is_null(st, 4) ? 0 : (int)db_col_int(st, 4);
		out->new_deadline = db_col_is_null(st, 5) ? 0 : (int)db_col_int(st, 5);
		snprintf(out->step, sizeof out->step, "%s",
		         strcmp(kind, TAPPR_EXTENSION) == 0 ? "延期审批" : "报备审批");
		*found = true;
	}
	db_reset(st);
	return rc < 0 ? -1 : 0;
}

bool tappr_may_decide(const struct tappr *a, const struct principal *who)
{
	if (a->approver_id > 0)
		return a->approver_id == who->user_id;
	return (a->approver_roles & who->roles) != 0;
}

int tappr_decide(struct db *db, const struct tappr *a, const struct principal *who, bool approve,
                 const char *opinion, int64_t now, struct err *e)
{
	int64_t n;

	if (!tappr_may_decide(a, who))
		return err_set(e, ERR_FORBIDDEN, "您无权审批此申请");
	n = db_execf(db, e,
	             "UPDATE task_approval SET state = $1, decided_by = $2, decided_name = $3,"
	             " opinion = $4, decided_at = $5 WHERE id = $6 AND state = 'pending'",
	             "sIssII", approve ? "approved" : "refused", who->user_id, who->name,
	             opinion ? opinion : "", now, a->id);
	if (n < 0)
		return -1;
	if (n == 0)
		return err_set(e, ERR_CONFLICT, "该申请已被处理");
	return todo_close(db, TASK_KIND, a->task_id, 0, a->step, e);
}

int tappr_withdraw(struct db *db, int64_t task_id, const char *kind, int64_t now, struct err *e)
{
	struct tappr a;
	bool found;

	if (tappr_pending(db, task_id, kind, &a, &found, e))
		return -1;
	if (!found)
		return 0;
	if (db_execf(db, e,
	             "UPDATE task_approval SET state = 'withdrawn', decided_at = $1 WHERE id = $2",
	             "II", now, a.id) < 0)
		return -1;
	return todo_close(db, TASK_KIND, task_id, 0, a.step, e);
}
