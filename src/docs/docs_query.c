/*
 * docs_query.c - the list query builder and the row shapes of 收文 and 发文 (docs_int.h).
 */
#include "docs/docs_int.h"
#include "core/jsonv.h"
#include "docs/acl.h"

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

/* The condition "the caller's own acl rows" on d.id, with the user id as $param_no: what ?mine=1
 * adds, and what acl_append_visible adds for a caller seen through acl rows only. */
static void acl_rows_cond(struct buf *b, int param_no, const char *kind)
{
	buf_addf(b,
	         "d.id IN (SELECT a.object_id FROM acl a WHERE a.user_id = $%d AND a.kind = '%s')",
	         param_no, kind);
}

/*
 * Placeholder type 'A' marks the user id of a visibility that is exactly the caller's own acl
 * rows (?mine=1, or a caller whom acl.c grants nothing else: not office/leaders, not the archive's
 * state rule). qb_prepare reads such a page from those rows (acl_page_sql). The decision is taken
 * on the text acl.c wrote, not on roles, so the rule stays written once: any other form (the
 * archivist's "IN (...) OR d.state IN (...)") keeps the generic plan.
 */
void docs_qb_visible(struct qb *q, const struct principal *who, const char *kind, bool mine)
{
	struct buf cond = BUF_INIT, own = BUF_INIT;
	static const char sep[] = " AND ";

	if (q->n >= QB_ARGS_MAX)
		abort(); /* the filter set is fixed in code; more is a programming error */
	buf_adds(&own, sep);
	acl_rows_cond(&own, q->n + 1, kind);
	if (mine)
		buf_add(&cond, own.data, own.len);
	else
		acl_append_visible(&cond, who, kind, "d.id", q->n + 1);
	if (cond.len > sizeof sep - 1) {
		/* acl_append_visible writes " AND <condition>"; the builder joins them */
		buf_adds(&q->where, q->where.len ? sep : " WHERE ");
		buf_adds(&q->where, cond.data + sizeof sep - 1);
		q->type[q->n] = 'I';
		if (cond.len == own.len && memcmp(cond.data, own.data, own.len) == 0) {
			q->type[q->n] = 'A';
			q->s[q->n] = kind; /* a literal of the module (acl.h) */
		}
		q->i[q->n] = who->user_id;
		q->n++;
	}
	buf_free(&own);
	buf_free(&cond);
}

/* Appends tail, with $L and $O replaced by the two placeholders after the filters. */
static void add_tail(struct buf *sql, const char *tail, int n)
{
	for (const char *t = tail; t && *t; t++) {
		if (t[0] == '$' && (t[1] == 'L' || t[1] == 'O')) {
			buf_addf(sql, "$%d", n + (t[1] == 'L' ? 1 : 2));
			t++;
		} else {
			buf_addc(sql, *t);
		}
	}
}

/* The placeholder number of the condition "<lhs>N" in where (lhs like " d.year = $"), or 0. */
static int where_param(const char *where, const char *lhs)
{
	const char *p = strstr(where, lhs);
	int n = 0;

	if (p == NULL)
		return 0;
	for (p += strlen(lhs); *p >= '0' && *p <= '9' && n < QB_ARGS_MAX + 2; p++)
		n = n * 10 + (*p - '0');
	return *p == '\0' || *p == ' ' ? n : 0;
}

/*
 * The page of a list whose visibility is the caller's own acl rows, read from those rows:
 *
 *   SELECT <cols> FROM acl a JOIN incoming_doc d ON d.id = a.object_id
 *   WHERE a.user_id = $U AND a.kind = 'incoming'
 *     AND a.object_id BETWEEN (SELECT min(y.id) ... year) AND (SELECT max(y.id) ... year)
 *     AND <the other filters> ORDER BY a.object_id DESC LIMIT $L OFFSET $O
 *
 * The IN (...) form builds an index of all the caller's document ids on every request and, when
 * few of them match, looks each one up (bench/lists: 59-1,060 req/s with 2,079 acl rows). Here
 * SQLite walks acl_user (user_id, kind, object_id) newest first and stops after the page; with
 * ?year= the walk is bounded by the year's smallest and largest document id (incoming_year /
 * outgoing_year), which is exact: every document of the year lies between them. acl's primary
 * key (kind, object_id, user_id) returns each document once, as IN did. The total keeps the IN
 * form (incoming.c caches it). Returns false, and writes nothing, when the query is not a list
 * page of a document table of this shape; the caller then prepares the generic form.
 */
static bool acl_page_sql(const struct qb *q, const char *head, const char *tail, struct buf *sql)
{
	static const struct {
		const char *kind, *from, *table;
	} tables[] = {
	    {"incoming", " FROM incoming_doc d", "incoming_doc"},
	    {"outgoing", " FROM outgoing_doc d", "outgoing_doc"},
	};
	static const char order[] = " ORDER BY d.id DESC";
	struct buf own = BUF_INIT;
	const char *where = q->where.data, *vis, *before, *after;
	size_t hl = strlen(head), fl, nb;
	int k = 0, org, year, t = -1;

	while (k < q->n && q->type[k] != 'A')
		k++;
	if (k == q->n || tail == NULL || strncmp(tail, order, sizeof order - 1) != 0)
		return false;
	for (size_t i = 0; i < sizeof tables / sizeof tables[0]; i++)
		if (strcmp(q->s[k], tables[i].kind) == 0)
			t = (int)i;
	if (t < 0 || hl < (fl = strlen(tables[t].from)) || strcmp(head + hl - fl, tables[t].from))
		return false;
	acl_rows_cond(&own, k + 1, tables[t].kind);
	vis = strstr(where, own.data);
	if (vis == NULL || strncmp(where, " WHERE ", 7) != 0) {
		buf_free(&own);
		return false;
	}
	/* the other conditions: " WHERE c1 AND vis AND c2" without " WHERE " and vis */
	before = where + 7;
	after = vis + own.len;
	nb = (size_t)(vis - before);
	if (nb >= 5)
		nb -= 5; /* the " AND " that joined vis */
	buf_free(&own);

	buf_add(sql, head, hl - fl);
	buf_addf(sql,
	         " FROM acl a JOIN %s d ON d.id = a.object_id WHERE a.user_id = $%d AND"
	         " a.kind = '%s'",
	         tables[t].table, k + 1, tables[t].kind);
	org = where_param(where, " d.org_id = $");
	year = where_param(where, " d.year = $");
	if (org > 0 && year > 0)
		buf_addf(
		    sql,
		    " AND a.object_id BETWEEN (SELECT min(y.id) FROM %s y WHERE y.org_id = $%d AND"
		    " y.year = $%d) AND (SELECT max(y.id) FROM %s y WHERE y.org_id = $%d AND"
		    " y.year = $%d)",
		    tables[t].table, org, year, tables[t].table, org, year);
	if (nb > 0) {
		buf_adds(sql, " AND ");
		buf_add(sql, before, nb);
	}
	buf_adds(sql, after); /* empty, or " AND c2 ..." */
	buf_adds(sql, " ORDER BY a.object_id DESC");
	add_tail(sql, tail + sizeof order - 1, q->n);
	return true;
}

struct db_stmt *qb_prepare(struct qb *q, struct db *db, const char *head, const char *tail,
                           int64_t limit, int64_t offset, struct err *e)
{
	struct buf sql = BUF_INIT;
	struct db_stmt *st;

	if (limit <= 0 || !acl_page_sql(q, head, tail, &sql)) {
		buf_adds(&sql, head);
		buf_add(&sql, q->where.data, q->where.len);
		add_tail(&sql, tail, q->n);
	}
	st = db_prepare(db, sql.data, e);
	buf_free(&sql);
	if (st == NULL)
		return NULL;
	for (int k = 0; k < q->n; k++) {
		if (q->type[k] == 's')
			db_bind_text(st, k + 1, q->s[k]);
		else
			db_bind_int(st, k + 1, q->i[k]);
	}
	if (limit > 0) {
		db_bind_int(st, q->n + 1, limit);
		db_bind_int(st, q->n + 2, offset);
	}
	return st;
}

bool qb_key(const struct qb *q, char *out, size_t len)
{
	size_t n = (size_t)snprintf(out, len, "%s", q->where.data);

	for (int k = 0; k < q->n && n < len; k++) {
		if (q->type[k] == 's')
			n +=
			    (size_t)snprintf(out + n, len - n, "|%zu:%s", strlen(q->s[k]), q->s[k]);
		else
			n += (size_t)snprintf(out + n, len - n, "|%lld", (long long)q->i[k]);
	}
	return n < len;
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
		return err_field(e, ERR_VALIDATION, field, "%s格式应为 YYYY-MM-DD 的有效日期",
		                 label);
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

/* ---- the JSON text writer ---- */

/* Bytes that need a look: '"', '\\', control characters, and 0xe2 (which may start U+2028/9). */
static const unsigned char json_special[256] = {
    1,         1,          1,          1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 0x00-0x0f */
    1,         1,          1,          1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 0x10-0x1f */
    ['"'] = 1, ['\\'] = 1, [0xe2] = 1,
};

void json_escape(struct buf *b, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s, *run = p;

	buf_addc(b, '"');
	for (;;) {
		char u[7];
		const char *esc = NULL;

		while (!json_special[*p])
			p++;
		if (*p == '\0')
			break;
		if (*p == '"')
			esc = "\\\"";
		else if (*p == '\\')
			esc = "\\\\";
		else if (*p == '\n')
			esc = "\\n";
		else if (*p == '\r')
			esc = "\\r";
		else if (*p == '\t')
			esc = "\\t";
		else if (*p < 0x20) {
			memcpy(u, "\\u00", 4);
			u[4] = hex[*p >> 4];
			u[5] = hex[*p & 15];
			u[6] = '\0';
			esc = u;
		} else if (p[1] == 0x80 && (p[2] == 0xa8 || p[2] == 0xa9)) {
			/* U+2028/2029 are valid JSON but end a line in JavaScript */
			esc = p[2] == 0xa8 ? "\\u2028" : "\\u2029";
		}
		if (esc == NULL) { /* another character starting with 0xe2 */
			p++;
			continue;
		}
		buf_add(b, run, (size_t)(p - run));
		buf_adds(b, esc);
		p += *p == 0xe2 ? 3 : 1;
		run = p;
	}
	buf_add(b, run, (size_t)(p - run));
	buf_addc(b, '"');
}

void jw_open(struct jw *w, struct buf *b)
{
	w->b = b;
	w->first = true;
	buf_addc(b, '{');
}

void jw_close(struct jw *w)
{
	buf_addc(w->b, '}');
}

void jw_key(struct jw *w, const char *key)
{
	char k[64];
	size_t n = strlen(key);

	/* keys are literals of this directory: short, nothing to escape */
	if (n > sizeof k - 4)
		n = sizeof k - 4;
	k[0] = ',';
	k[1] = '"';
	memcpy(k + 2, key, n);
	k[n + 2] = '"';
	k[n + 3] = ':';
	buf_add(w->b, w->first ? k + 1 : k, w->first ? n + 3 : n + 4);
	w->first = false;
}

void jw_str(struct jw *w, const char *key, const char *v)
{
	jw_key(w, key);
	if (v)
		json_escape(w->b, v);
	else
		buf_add(w->b, "null", 4);
}

void jw_int(struct jw *w, const char *key, int64_t v)
{
	jw_key(w, key);
	buf_add_int(w->b, v);
}

void jw_bool(struct jw *w, const char *key, bool v)
{
	jw_key(w, key);
	buf_adds(w->b, v ? "true" : "false");
}

void jw_null(struct jw *w, const char *key)
{
	jw_key(w, key);
	buf_add(w->b, "null", 4);
}

/* time_iso() without printf: "2026-03-05T09:12:00+08:00". */
static void iso_time(int64_t t, char out[TIME_ISO_MAX])
{
	int64_t local = t + CN_UTC_OFFSET;
	int64_t days = local >= 0 ? local / 86400 : -((-local + 86399) / 86400);
	int secs = (int)(local - days * 86400), y, m, d;
	int f[6];

	date_ymd((int)days, &y, &m, &d);
	f[0] = y % 10000, f[1] = m, f[2] = d, f[3] = secs / 3600, f[4] = secs / 60 % 60,
	f[5] = secs % 60;
	memcpy(out, "0000-00-00T00:00:00+08:00", 26);
	out[0] = (char)('0' + f[0] / 1000), out[1] = (char)('0' + f[0] / 100 % 10);
	out[2] = (char)('0' + f[0] / 10 % 10), out[3] = (char)('0' + f[0] % 10);
	for (int i = 1; i < 6; i++) {
		out[3 * i + 2] = (char)('0' + f[i] / 10 % 10);
		out[3 * i + 3] = (char)('0' + f[i] % 10);
	}
}

static bool open_state(int s)
{
	return s != IN_RETURNED && s != IN_FINISHED && s != IN_ARCHIVABLE;
}

static json_t *parse_row(struct buf *b)
{
	json_t *j = json_loadb(b->data, b->len, 0, NULL);

	buf_free(b);
	return j ? j : json_object();
}

void incoming_row_write(struct buf *b, struct db_stmt *st, const char *today)
{
	const struct doc_type *t = doc_type_find(db_col_text(st, 5));
	int sec = secrecy_from_code(db_col_text(st, 6));
	int urg = urgency_from_code(db_col_text(st, 8));
	int state = in_state_from_code(db_col_text(st, 13));
	const char *due = db_col_text(st, 12);
	char mark[32], created[TIME_ISO_MAX];
	struct jw w;

	if (sec < 0)
		sec = SECRECY_NONE;
	if (urg < 0)
		urg = 0;
	secrecy_mark((enum secrecy)sec, (int)db_col_int(st, 7), mark);
	iso_time(db_col_int(st, 19), created);
	jw_open(&w, b);
	jw_int(&w, "id", db_col_int(st, 0));
	jw_str(&w, "number", db_col_text(st, 1));
	jw_str(&w, "title", db_col_text(st, 2));
	jw_str(&w, "from_org", db_col_text(st, 3));
	jw_str(&w, "from_number", db_col_text(st, 4));
	jw_str(&w, "doc_type", db_col_text(st, 5));
	jw_str(&w, "doc_type_name", t ? t->name : db_col_text(st, 5));
	jw_str(&w, "secrecy", secrecy_codes[sec]);
	jw_str(&w, "secrecy_name", secrecy_names[sec]);
	jw_int(&w, "secrecy_years", db_col_int(st, 7));
	jw_str(&w, "secrecy_mark", mark);
	jw_str(&w, "urgency", urgency_codes[urg]);
	jw_str(&w, "urgency_name", urgency_names[urg]);
	jw_int(&w, "copies", db_col_int(st, 9));
	jw_int(&w, "pages", db_col_int(st, 10));
	jw_str(&w, "received_date", db_col_text(st, 11));
	jw_str(&w, "due_date", due);
	jw_str(&w, "state", db_col_text(st, 13));
	jw_str(&w, "state_name", state >= 0 ? in_state_names[state] : db_col_text(st, 13));
	jw_bool(&w, "overdue",
	        due && today && strcmp(due, today) < 0 && state >= 0 && open_state(state));
	if (db_col_is_null(st, 14)) {
		jw_null(&w, "main_department");
	} else {
		struct jw d;
		jw_key(&w, "main_department");
		jw_open(&d, b);
		jw_int(&d, "id", db_col_int(st, 14));
		jw_str(&d, "name", db_col_text(st, 15));
		jw_close(&d);
	}
	jw_int(&w, "version", db_col_int(st, 16));
	jw_str(&w, "source", db_col_text(st, 17));
	jw_int(&w, "year", db_col_int(st, 18));
	jw_str(&w, "created_at", created);
	jw_close(&w);
}

json_t *incoming_row_json(struct db_stmt *st, const char *today)
{
	struct buf b = BUF_INIT;

	incoming_row_write(&b, st, today);
	return parse_row(&b);
}

static void id_name(struct jw *w, const char *key, int64_t id, const char *name)
{
	struct jw o;

	jw_key(w, key);
	jw_open(&o, w->b);
	jw_int(&o, "id", id);
	jw_str(&o, "name", name);
	jw_close(&o);
}

void outgoing_row_write(struct buf *b, struct db_stmt *st)
{
	const struct doc_type *t = doc_type_find(db_col_text(st, 3));
	int sec = secrecy_from_code(db_col_text(st, 4));
	int urg = urgency_from_code(db_col_text(st, 6));
	int dir = 0, state = out_state_from_code(db_col_text(st, 12));
	char mark[32], created[TIME_ISO_MAX], updated[TIME_ISO_MAX];
	struct jw w;

	for (int i = 0; i < 3; i++)
		if (strcmp(direction_codes[i], db_col_text(st, 7)) == 0)
			dir = i;
	if (sec < 0)
		sec = SECRECY_NONE;
	if (urg < 0)
		urg = 0;
	secrecy_mark((enum secrecy)sec, (int)db_col_int(st, 5), mark);
	iso_time(db_col_int(st, 24), created);
	iso_time(db_col_int(st, 25), updated);
	jw_open(&w, b);
	jw_int(&w, "id", db_col_int(st, 0));
	jw_str(&w, "number", db_col_text(st, 1));
	jw_str(&w, "title", db_col_text(st, 2));
	jw_str(&w, "doc_type", db_col_text(st, 3));
	jw_str(&w, "doc_type_name", t ? t->name : db_col_text(st, 3));
	jw_str(&w, "secrecy", secrecy_codes[sec]);
	jw_str(&w, "secrecy_name", secrecy_names[sec]);
	jw_int(&w, "secrecy_years", db_col_int(st, 5));
	jw_str(&w, "secrecy_mark", mark);
	jw_str(&w, "urgency", urgency_codes[urg]);
	jw_str(&w, "urgency_name", urgency_names[urg]);
	jw_str(&w, "direction", direction_codes[dir]);
	jw_str(&w, "direction_name", direction_names[dir]);
	id_name(&w, "department", db_col_int(st, 8), db_col_text(st, 9));
	id_name(&w, "drafter", db_col_int(st, 10), db_col_text(st, 11));
	jw_str(&w, "state", db_col_text(st, 12));
	jw_str(&w, "state_name", state >= 0 ? out_state_names[state] : db_col_text(st, 12));
	jw_str(&w, "main_to", db_col_text(st, 13));
	jw_str(&w, "copy_to", db_col_text(st, 14));
	jw_int(&w, "print_copies", db_col_int(st, 15));
	jw_str(&w, "attachment_note", db_col_text(st, 16));
	if (db_col_text(st, 17)) {
		char sig[2 * FIELD_NAME_MAX + 16];
		/* the signature as on the 稿纸: 李红梅（代张建国） */
		if (db_col_text(st, 18))
			snprintf(sig, sizeof sig, "%s（代%s）", db_col_text(st, 17),
			         db_col_text(st, 18));
		else
			snprintf(sig, sizeof sig, "%s", db_col_text(st, 17));
		jw_str(&w, "signer", sig);
	} else {
		jw_null(&w, "signer");
	}
	jw_str(&w, "sign_date", db_col_text(st, 19));
	jw_str(&w, "printed_date", db_col_text(st, 20));
	jw_int(&w, "body_version", db_col_int(st, 21));
	jw_int(&w, "version", db_col_int(st, 22));
	jw_int(&w, "year", db_col_int(st, 23));
	jw_str(&w, "created_at", created);
	jw_str(&w, "updated_at", updated);
	jw_close(&w);
}

json_t *outgoing_row_json(struct db_stmt *st)
{
	struct buf b = BUF_INIT;

	outgoing_row_write(&b, st);
	return parse_row(&b);
}

void docs_todo_title(char *out, size_t len, const char *number, const char *title)
{
	if (number && *number)
		snprintf(out, len, "%s %s", number, title);
	else
		snprintf(out, len, "%s", title);
}
