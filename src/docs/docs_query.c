/*
 * docs_query.c - the list query builder and the row shapes of 收文 and 发文 (docs_int.h).
 */
#include "docs/docs_int.h"
#include "core/jsonv.h"

#include <stdio.h>
#include <string.h>

void qb_init(struct qb *q)
{
	memset(q, 0, sizeof *q);
	q->where = (struct buf)BUF_INIT;
}

void qb_free(struct qb *q)
{
	buf_free(&q->where);
}

/* Copies cond into the WHERE clause, replacing "$?" by the next placeholder. */
static void qb_add(struct qb *q, const char *cond, char type)
{
	const char *p = strstr(cond, "$?");

	if (q->n >= QB_ARGS_MAX)
		abort(); /* the filter set is fixed in code; more is a programming error */
	buf_adds(&q->where, q->where.len ? " AND " : " WHERE ");
	if (p == NULL) {
		buf_adds(&q->where, cond);
		return;
	}
	q->type[q->n] = type;
	q->n++;
	buf_add(&q->where, cond, (size_t)(p - cond));
	buf_addf(&q->where, "$%d", q->n);
	buf_adds(&q->where, p + 2);
}

void qb_int(struct qb *q, const char *cond, int64_t v)
{
	q->i[q->n] = v;
	qb_add(q, cond, 'I');
}

void qb_text(struct qb *q, const char *cond, const char *v)
{
	q->s[q->n] = v;
	qb_add(q, cond, 's');
}

void qb_raw(struct qb *q, const char *cond)
{
	qb_add(q, cond, 0);
}

struct db_stmt *qb_prepare(struct qb *q, struct db *db, const char *head, const char *tail,
			   int64_t limit, int64_t offset, struct err *e)
{
	struct buf sql = BUF_INIT;
	struct db_stmt *st;
	const char *t;

	buf_adds(&sql, head);
	buf_add(&sql, q->where.data, q->where.len);
	/* $L and $O in the tail become the two placeholders after the filters */
	for (t = tail; t && *t; t++) {
		if (t[0] == '$' && (t[1] == 'L' || t[1] == 'O')) {
			buf_addf(&sql, "$%d", q->n + (t[1] == 'L' ? 1 : 2));
			t++;
		} else {
			buf_addc(&sql, *t);
		}
	}
	st = db_prepare(db, sql.data, e);
	buf_free(&sql);
	if (st == NULL)
		return NULL;
	for (int k = 0; k < q->n; k++) {
		if (q->type[k] == 'I')
			db_bind_int(st, k + 1, q->i[k]);
		else
			db_bind_text(st, k + 1, q->s[k]);
	}
	if (limit > 0) {
		db_bind_int(st, q->n + 1, limit);
		db_bind_int(st, q->n + 2, offset);
	}
	return st;
}

void docs_today(const struct dctx *c, char out[DATE_STR_MAX])
{
	date_format(date_of_time(c->now), out);
}

int docs_date_check(const char *s, const char *field, const char *label, struct err *e)
{
	int days;

	if (s == NULL)
		return 0;
	if (date_parse(s, &days))
		return err_field(e, ERR_VALIDATION, field, "%s格式应为 YYYY-MM-DD 的有效日期", label);
	return 0;
}

int docs_id_array(json_t *arr, const char *field, const char *label, int64_t *ids, size_t max,
		  size_t *n, struct err *e)
{
	size_t i;
	json_t *v;

	*n = 0;
	if (arr == NULL || json_is_null(arr))
		return 0;
	if (!json_is_array(arr))
		return err_field(e, ERR_VALIDATION, field, "%s必须是数组", label);
	if (json_array_size(arr) > max)
		return err_field(e, ERR_VALIDATION, field, "%s最多%zu项", label, max);
	json_array_foreach(arr, i, v)
	{
		if (!json_is_integer(v) || json_integer_value(v) <= 0)
			return err_field(e, ERR_VALIDATION, field, "%s须为有效的编号", label);
		for (size_t k = 0; k < *n; k++)
			if (ids[k] == json_integer_value(v))
				return err_field(e, ERR_VALIDATION, field, "%s有重复项", label);
		ids[(*n)++] = json_integer_value(v);
	}
	return 0;
}

static json_t *text_or_null(struct db_stmt *st, int i)
{
	const char *s = db_col_text(st, i);
	return s ? json_string(s) : json_null();
}

static bool open_state(int s)
{
	return s != IN_RETURNED && s != IN_FINISHED && s != IN_ARCHIVABLE;
}

json_t *incoming_row_json(struct db_stmt *st, const char *today)
{
	const struct doc_type *t = doc_type_find(db_col_text(st, 5));
	int sec = secrecy_from_code(db_col_text(st, 6));
	int urg = urgency_from_code(db_col_text(st, 8));
	int state = in_state_from_code(db_col_text(st, 13));
	const char *due = db_col_text(st, 12);
	char mark[32], created[TIME_ISO_MAX];
	json_t *dept = json_null();

	if (sec < 0)
		sec = SECRECY_NONE;
	if (urg < 0)
		urg = 0;
	secrecy_mark((enum secrecy)sec, (int)db_col_int(st, 7), mark);
	if (!db_col_is_null(st, 14))
		dept = json_pack("{s:I, s:s?}", "id", (json_int_t)db_col_int(st, 14), "name",
				 db_col_text(st, 15));
	time_iso(db_col_int(st, 19), created);
	return json_pack(
		"{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:i, s:s, s:s, s:s, s:I, s:I, s:s,"
		" s:o, s:s, s:s, s:b, s:o, s:I, s:s, s:i, s:s}",
		"id", (json_int_t)db_col_int(st, 0), "number", db_col_text(st, 1), "title",
		db_col_text(st, 2), "from_org", db_col_text(st, 3), "from_number", db_col_text(st, 4),
		"doc_type", db_col_text(st, 5), "doc_type_name", t ? t->name : db_col_text(st, 5),
		"secrecy", secrecy_codes[sec], "secrecy_name", secrecy_names[sec], "secrecy_years",
		(int)db_col_int(st, 7), "secrecy_mark", mark, "urgency", urgency_codes[urg],
		"urgency_name", urgency_names[urg], "copies", (json_int_t)db_col_int(st, 9), "pages",
		(json_int_t)db_col_int(st, 10), "received_date", db_col_text(st, 11), "due_date",
		text_or_null(st, 12), "state", db_col_text(st, 13), "state_name",
		state >= 0 ? in_state_names[state] : db_col_text(st, 13), "overdue",
		due && today && strcmp(due, today) < 0 && state >= 0 && open_state(state),
		"main_department", dept, "version", (json_int_t)db_col_int(st, 16), "source",
		db_col_text(st, 17), "year", (int)db_col_int(st, 18), "created_at", created);
}

json_t *outgoing_row_json(struct db_stmt *st)
{
	const struct doc_type *t = doc_type_find(db_col_text(st, 3));
	int sec = secrecy_from_code(db_col_text(st, 4));
	int urg = urgency_from_code(db_col_text(st, 6));
	int dir = 0, state = out_state_from_code(db_col_text(st, 12));
	char mark[32], created[TIME_ISO_MAX], updated[TIME_ISO_MAX];
	json_t *signer = json_null();

	for (int i = 0; i < 3; i++)
		if (strcmp(direction_codes[i], db_col_text(st, 7)) == 0)
			dir = i;
	if (sec < 0)
		sec = SECRECY_NONE;
	if (urg < 0)
		urg = 0;
	secrecy_mark((enum secrecy)sec, (int)db_col_int(st, 5), mark);
	if (db_col_text(st, 17)) {
		char sig[2 * FIELD_NAME_MAX + 16];
		if (db_col_text(st, 18))
			snprintf(sig, sizeof sig, "%s（代%s）", db_col_text(st, 17), db_col_text(st, 18));
		else
			snprintf(sig, sizeof sig, "%s", db_col_text(st, 17));
		signer = json_string(sig);
	}
	time_iso(db_col_int(st, 24), created);
	time_iso(db_col_int(st, 25), updated);
	return json_pack(
		"{s:I, s:o, s:s, s:s, s:s, s:s, s:s, s:i, s:s, s:s, s:s, s:s, s:s, s:{s:I, s:s?},"
		" s:{s:I, s:s?}, s:s, s:s, s:s, s:s, s:I, s:s, s:o, s:o, s:o, s:I, s:I, s:i, s:s,"
		" s:s}",
		"id", (json_int_t)db_col_int(st, 0), "number", text_or_null(st, 1), "title",
		db_col_text(st, 2), "doc_type", db_col_text(st, 3), "doc_type_name",
		t ? t->name : db_col_text(st, 3), "secrecy", secrecy_codes[sec], "secrecy_name",
		secrecy_names[sec], "secrecy_years", (int)db_col_int(st, 5), "secrecy_mark", mark,
		"urgency", urgency_codes[urg], "urgency_name", urgency_names[urg], "direction",
		direction_codes[dir], "direction_name", direction_names[dir], "department", "id",
		(json_int_t)db_col_int(st, 8), "name", db_col_text(st, 9), "drafter", "id",
		(json_int_t)db_col_int(st, 10), "name", db_col_text(st, 11), "state",
		db_col_text(st, 12), "state_name",
		state >= 0 ? out_state_names[state] : db_col_text(st, 12), "main_to",
		db_col_text(st, 13), "copy_to", db_col_text(st, 14), "print_copies",
		(json_int_t)db_col_int(st, 15), "attachment_note", db_col_text(st, 16), "signer",
		signer, "sign_date", text_or_null(st, 19), "printed_date", text_or_null(st, 20),
		"body_version", (json_int_t)db_col_int(st, 21), "version",
		(json_int_t)db_col_int(st, 22), "year", (int)db_col_int(st, 23), "created_at",
		created, "updated_at", updated);
}

void docs_todo_title(char *out, size_t len, const char *number, const char *title)
{
	if (number && *number)
		snprintf(out, len, "%s %s", number, title);
	else
		snprintf(out, len, "%s", title);
}
