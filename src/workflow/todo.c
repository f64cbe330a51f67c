/*
 * todo.c - 待办, 已办 and notices: the cross-module work list (see workflow.h and the state
 * column of src/db/migrations/010_todo.sql). Module todos are added and closed here; the rows of
 * approval work items are written by wf_store.c and only read here.
 */
#include "workflow/workflow.h"
#include "core/jsonv.h"
#include "core/timeutil.h"
#include "http/http.h"

#include <string.h>

int todo_add(struct db *db, const struct todo_new *t, struct err *e)
{
	char due[DATE_STR_MAX];
	struct db_stmt *st;
	int rc;

	st = db_query(db, e,
	              "INSERT INTO todo (org_id, user_id, kind, object_id, title, step, due_date,"
	              " instance_id, created_at, state) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9,"
	              " 'pending') ON CONFLICT DO NOTHING",
	              "IIsIss", t->org_id, t->user_id, t->kind, t->object_id, t->title,
	              t->step ? t->step : "");
	if (st == NULL)
		return -1;
	if (t->due_date > 0) {
		date_format(t->due_date, due);
		db_bind_text(st, 7, due);
	} else {
		db_bind_null(st, 7);
	}
	t->instance_id > 0 ? db_bind_int(st, 8, t->instance_id) : db_bind_null(st, 8);
	db_bind_int(st, 9, time_now());
	rc = db_step(st, e);
	db_reset(st);
	return rc < 0 ? -1 : 0;
}

int todo_close(struct db *db, const char *kind, int64_t object_id, int64_t user_id,
               const char *step, struct err *e)
{
	return db_execf(db, e,
	                "UPDATE todo SET state = 'done', done_at = $1 WHERE kind = $2"
	                " AND object_id = $3 AND state = 'pending' AND item_id IS NULL"
	                " AND ($4 = 0 OR user_id = $4) AND ($5 IS NULL OR step = $5)",
	                "IsIIs", time_now(), kind, object_id, user_id, step) < 0
	           ? -1
	           : 0;
}

int notice_add(struct db *db, const struct notice_new *n, struct err *e)
{
	struct db_stmt *st =
	    db_query(db, e,
	             "INSERT INTO notice (org_id, user_id, kind, title, body,"
	             " object_kind, object_id, created_at, instance_id)"
	             " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
	             "IIssss", n->org_id, n->user_id, n->kind, n->title, n->body, n->object_kind);
	int rc;

	if (st == NULL)
		return -1;
	n->object_id > 0 ? db_bind_int(st, 7, n->object_id) : db_bind_null(st, 7);
	db_bind_int(st, 8, time_now());
	n->instance_id > 0 ? db_bind_int(st, 9, n->instance_id) : db_bind_null(st, 9);
	rc = db_step(st, e);
	db_reset(st);
	return rc < 0 ? -1 : 0;
}

/* Columns of a todo list row, in the order todo_row reads them. */
#define TODO_COLS                                                                                  \
	"SELECT id, kind, object_id, title, step, due_date, instance_id, created_at, done_at,"     \
	" due_at, item_id, outcome FROM todo"

static char *two(char *p, int v)
{
	p[0] = (char)('0' + v / 10 % 10);
	p[1] = (char)('0' + v % 10);
	return p + 2;
}

/* An ISO time or null: time_iso's "2026-03-05T09:12:00+08:00", written without snprintf (three
 * times per row, it was a tenth of a busy approver's GET /todos). */
static json_t *iso_json(struct db_stmt *st, int col)
{
	int64_t local, days;
	int secs, y, m, d;
	char t[TIME_ISO_MAX], *p = t;

	if (db_col_is_null(st, col))
		return json_null();
	local = db_col_int(st, col) + CN_UTC_OFFSET;
	days = local >= 0 ? local / 86400 : -((-local + 86399) / 86400);
	secs = (int)(local - days * 86400);
	date_ymd((int)days, &y, &m, &d);
	p = two(p, y / 100 % 100);
	p = two(p, y % 100);
	*p++ = '-';
	p = two(p, m);
	*p++ = '-';
	p = two(p, d);
	*p++ = 'T';
	p = two(p, secs / 3600);
	*p++ = ':';
	p = two(p, secs / 60 % 60);
	*p++ = ':';
	p = two(p, secs % 60);
	memcpy(p, "+08:00", 7);
	return json_string_nocheck(t);
}

/* One row of a todo list: times as ISO 8601. Built key by key (json_pack's format parsing costs
 * more than the row's SQL on a busy approver's list). */
static json_t *todo_row(struct db_stmt *st)
{
	json_t *o = json_object();

	json_object_set_new_nocheck(o, "id", json_integer(db_col_int(st, 0)));
	json_object_set_new_nocheck(o, "kind", json_string(db_col_text(st, 1)));
	json_object_set_new_nocheck(o, "object_id", json_integer(db_col_int(st, 2)));
	json_object_set_new_nocheck(o, "title", json_string(db_col_text(st, 3)));
	json_object_set_new_nocheck(o, "step", json_string(db_col_text(st, 4)));
	json_object_set_new_nocheck(o, "due", db_col_json(st, 5));
	json_object_set_new_nocheck(o, "instance_id", db_col_json(st, 6));
	json_object_set_new_nocheck(o, "since", iso_json(st, 7));
	json_object_set_new_nocheck(o, "done_at", iso_json(st, 8));
	json_object_set_new_nocheck(o, "due_at", iso_json(st, 9));
	json_object_set_new_nocheck(o, "item_id", db_col_json(st, 10));
	json_object_set_new_nocheck(o, "outcome", db_col_json(st, 11));
	return o;
}

/* GET /todos (open: state pending, newest first) and GET /done (state done, latest closed first).
 * One query for the counts by kind (the trigger-kept todo_count rows) and one for the page (on the
 * partial indexes of 010_todo.sql). */
static int list_todos(struct req *r, bool open, struct err *e)
{
	int64_t limit, offset, total = 0;
	const char *kind = req_query(r, "kind");
	struct db_stmt *st;
	json_t *items, *counts = json_object();
	int rc;

	if (req_paging(r, &limit, &offset, e))
		goto fail;
	if (kind && strlen(kind) > TODO_KIND_MAX) {
		err_field(e, ERR_BAD_REQUEST, "kind", "类别参数无效");
		goto fail;
	}
	st = db_query(r->db, e,
	              "SELECT kind, n FROM todo_count WHERE user_id = $1 AND state = $2 AND n > 0"
	              " ORDER BY kind",
	              "Is", r->who.user_id, open ? "pending" : "done");
	if (st == NULL)
		goto fail;
	while ((rc = db_step(st, e)) == DB_ROW) {
		json_object_set_new(counts, db_col_text(st, 0), json_integer(db_col_int(st, 1)));
		if (kind == NULL || strcmp(kind, db_col_text(st, 0)) == 0)
			total += db_col_int(st, 1);
	}
	db_reset(st);
	if (rc < 0)
		goto fail;
	if (kind == NULL)
		st = db_query(r->db, e,
		              open ? TODO_COLS
		                  " WHERE user_id = $1 AND state = 'pending'"
		                  " ORDER BY created_at DESC, id DESC LIMIT $2 OFFSET $3"
		                   : TODO_COLS " WHERE user_id = $1 AND state = 'done'"
		                               " ORDER BY done_at DESC, id DESC LIMIT $2 OFFSET $3",
		              "III", r->who.user_id, limit, offset);
	else
		st = db_query(
		    r->db, e,
		    open ? TODO_COLS " WHERE user_id = $1 AND state = 'pending' AND kind = $2"
		                     " ORDER BY created_at DESC, id DESC LIMIT $3 OFFSET $4"
		         : TODO_COLS " WHERE user_id = $1 AND state = 'done' AND kind = $2"
		                     " ORDER BY done_at DESC, id DESC LIMIT $3 OFFSET $4",
		    "IsII", r->who.user_id, kind, limit, offset);
	if (st == NULL)
		goto fail;
	items = json_array();
	while ((rc = db_step(st, e)) == DB_ROW)
		json_array_append_new(items, todo_row(st));
	db_reset(st);
	if (rc < 0) {
		json_decref(items);
		goto fail;
	}
	req_reply(r, 200,
	          json_pack("{s:o, s:I, s:o}", "items", items, "total", (json_int_t)total, "counts",
	                    counts));
	return 0;
fail:
	json_decref(counts);
	return -1;
}

static int get_todos(struct req *r, struct err *e)
{
	return list_todos(r, true, e);
}

static int get_done(struct req *r, struct err *e)
{
	return list_todos(r, false, e);
}

static int get_notices(struct req *r, struct err *e)
{
	int64_t limit, offset, total = 0, unread = 0;
	bool found;
	json_t *items;
	size_t i;
	json_t *row;

	if (req_paging(r, &limit, &offset, e) ||
	    db_query_int(r->db, e, &total, &found, "SELECT count(*) FROM notice WHERE user_id = $1",
	                 "I", r->who.user_id) ||
	    db_query_int(r->db, e, &unread, &found,
	                 "SELECT count(*) FROM notice WHERE user_id = $1 AND read_at IS NULL", "I",
	                 r->who.user_id))
		return -1;
	items =
	    db_query_json(r->db, e, (size_t)limit,
	                  "SELECT id, kind, title, body, object_kind, object_id, instance_id,"
	                  " created_at, read_at IS NOT NULL AS read FROM notice WHERE user_id = $1"
	                  " ORDER BY id DESC LIMIT $2 OFFSET $3",
	                  "III", r->who.user_id, limit, offset);
	if (items == NULL)
		return -1;
	json_array_foreach(items, i, row)
	{
		char ts[TIME_ISO_MAX];
		time_iso(json_integer_value(json_object_get(row, "created_at")), ts);
		json_object_set_new(row, "created_at", json_string(ts));
		json_object_set_new(row, "read",
		                    json_boolean(json_integer_value(json_object_get(row, "read"))));
	}
	req_reply(r, 200,
	          json_pack("{s:o, s:I, s:I}", "items", items, "total", (json_int_t)total, "unread",
	                    (json_int_t)unread));
	return 0;
}

static int post_notice_read(struct req *r, struct err *e)
{
	int64_t id;

	if (req_param_id(r, "id", &id, e))
		return -1;
	if (db_execf(
	        r->db, e,
	        "UPDATE notice SET read_at = coalesce(read_at, $1) WHERE id = $2 AND user_id = $3",
	        "III", time_now(), id, r->who.user_id) < 0)
		return -1;
	if (db_changes(r->db) == 0)
		return err_set(e, ERR_NOT_FOUND, "通知不存在");
	req_audit_object(r, "notice", id);
	req_reply(r, 200, json_pack("{s:b}", "ok", 1));
	return 0;
}

static int post_notices_read_all(struct req *r, struct err *e)
{
	if (db_execf(r->db, e,
	             "UPDATE notice SET read_at = $1 WHERE user_id = $2 AND read_at IS NULL", "II",
	             time_now(), r->who.user_id) < 0)
		return -1;
	req_reply(r, 200, json_pack("{s:b}", "ok", 1));
	return 0;
}

static const struct route todo_routes[] = {
    {"GET", "/api/v1/todos", get_todos, 0, 0, NULL},
    {"GET", "/api/v1/done", get_done, 0, 0, NULL},
    {"GET", "/api/v1/notices", get_notices, 0, 0, NULL},
    {"POST", "/api/v1/notices/{id}/read", post_notice_read, 0, 0, "notice.read"},
    {"POST", "/api/v1/notices/read-all", post_notices_read_all, 0, 0, "notice.read_all"},
};

const struct module todo_module = {
    .name = "todo",
    .routes = todo_routes,
    .route_count = sizeof todo_routes / sizeof todo_routes[0],
};
