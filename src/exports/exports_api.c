/*
 * exports_api.c - the Excel exports (审计日志, 用户, 收文登记簿, 发文登记簿) and exports_module's
 * route table, which also carries the PDF routes (pdf_api.c) and the calendar feeds (feed_api.c).
 *
 * Every export takes the filters of the list it mirrors and applies them, and need-to-know, in its
 * one query (a document the caller may not see is in no export), then streams the rows through
 * export_xlsx_query(). Registers list in 编号 order (oldest first), as the paper 登记簿 does; the
 * audit log and the user list keep the order of their screens.
 */
#include "exports/exports.h"
#include "exports/exports_int.h"
#include "exports/exports_pdf.h"
#include "core/timeutil.h"
#include "docs/acl.h"
#include "docs/docs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define YEAR_MIN       2000 /* the year filter of the document lists */
#define YEAR_MAX       2100
#define QUERY_ARGS_MAX 16

/* ---- a WHERE clause built from the filters given (each combination is its own cached text) */

struct qbuild {
	struct buf sql;
	int n;
	char type[QUERY_ARGS_MAX];
	int64_t i[QUERY_ARGS_MAX];
	const char *s[QUERY_ARGS_MAX];
};

/* Appends " AND " + cond where "$?" becomes the next placeholder. Conditions are literals of this
 * file; values are always bound. */
static void qb_cond(struct qbuild *q, const char *cond, char type, int64_t iv, const char *sv)
{
	const char *p = strstr(cond, "$?");

	if (q->n >= QUERY_ARGS_MAX)
		abort(); /* the filter set is fixed in this file */
	buf_adds(&q->sql, " AND ");
	if (p == NULL) {
		buf_adds(&q->sql, cond);
		return;
	}
	q->type[q->n] = type;
	q->i[q->n] = iv;
	q->s[q->n] = sv;
	q->n++;
	buf_add(&q->sql, cond, (size_t)(p - cond));
	buf_addf(&q->sql, "$%d", q->n);
	buf_adds(&q->sql, p + 2);
}

/* Need-to-know as the lists apply it (docs/acl.h): the caller's acl rows unless the caller sees
 * all, and the acl rows in any case with ?mine=1. kind is a literal of this file. */
static void qb_visible(struct qbuild *q, const struct principal *who, const char *kind, bool mine)
{
	if (mine) {
		buf_addf(&q->sql,
		         " AND d.id IN (SELECT a.object_id FROM acl a WHERE a.user_id = $%d AND"
		         " a.kind = '%s')",
		         q->n + 1, kind);
	} else if (acl_append_visible(&q->sql, who, kind, "d.id", q->n + 1) != 1) {
		return;
	}
	if (q->n >= QUERY_ARGS_MAX)
		abort(); /* the filter set is fixed in this file */
	q->type[q->n] = 'I';
	q->i[q->n] = who->user_id;
	q->n++;
}

static struct db_stmt *qb_prepare(struct qbuild *q, struct db *db, const char *tail, struct err *e)
{
	struct db_stmt *st;

	buf_adds(&q->sql, tail);
	st = db_prepare(db, q->sql.data, e);
	if (st == NULL)
		return NULL;
	for (int k = 0; k < q->n; k++) {
		if (q->type[k] == 'I')
			db_bind_int(st, k + 1, q->i[k]);
		else
			db_bind_text(st, k + 1, q->s[k]);
	}
	return st;
}

/* ---- query-string filters, as the lists parse them ---- */

static int query_int(struct req *r, const char *key, const char *label, int64_t min, int64_t max,
                     int64_t *out, struct err *e)
{
	const char *s = req_query(r, key);
	char *end;
	long long v;

	if (s == NULL || *s == '\0')
		return 0;
	v = strtoll(s, &end, 10);
	if (*end != '\0' || v < min || v > max)
		return err_field(e, ERR_BAD_REQUEST, key, "%s参数无效", label);
	*out = v;
	return 0;
}

static bool query_flag(struct req *r, const char *key)
{
	const char *s = req_query(r, key);

	return s && (strcmp(s, "1") == 0 || strcmp(s, "true") == 0);
}

static int query_code(struct req *r, const char *key, const char *label,
                      int (*from_code)(const char *), int *out, struct err *e)
{
	const char *s = req_query(r, key);

	if (s == NULL || *s == '\0')
		return 0;
	if ((*out = from_code(s)) < 0)
		return err_field(e, ERR_BAD_REQUEST, key, "%s参数无效：%.40s", label, s);
	return 0;
}

static int query_doc_type(struct req *r, const char **code, struct err *e)
{
	const char *s = req_query(r, "doc_type");
	const struct doc_type *t;

	if (s == NULL || *s == '\0')
		return 0;
	if ((t = doc_type_find(s)) == NULL)
		return err_field(e, ERR_BAD_REQUEST, "doc_type", "文种参数无效：%.40s", s);
	*code = t->code;
	return 0;
}

static int direction_from_code(const char *s)
{
	for (int i = 0; i < 3; i++)
		if (strcmp(direction_codes[i], s) == 0)
			return i;
	return -1;
}

/* "收文登记簿-2026.xlsx" for a year's register, else dated "…-20261128.xlsx". */
static void file_name(char *out, size_t len, const char *what, int64_t year)
{
	int y, m, d;

	if (year > 0) {
		snprintf(out, len, "%s-%lld.xlsx", what, (long long)year);
		return;
	}
	date_ymd(date_today(), &y, &m, &d);
	snprintf(out, len, "%s-%04d%02d%02d.xlsx", what, y, m, d);
}

/* ---- 审计日志 ---- */

static const struct xlsx_column audit_cols[] = {
    {"序号", XLSX_INT, 10},      {"时间", XLSX_DATETIME, 20}, {"账号", XLSX_TEXT, 14},
    {"姓名", XLSX_TEXT, 10},     {"IP地址", XLSX_TEXT, 16},   {"操作", XLSX_TEXT, 24},
    {"对象类型", XLSX_TEXT, 12}, {"对象编号", XLSX_TEXT, 10}, {"结果", XLSX_TEXT, 16},
    {"详情", XLSX_TEXT, 50},
};

static int audit_bound(struct req *r, const char *key, int64_t dflt, int add_days, int64_t *out,
                       struct err *e)
{
	const char *s = req_query(r, key);
	int days;

	if (s == NULL) {
		*out = dflt;
		return 0;
	}
	if (date_parse(s, &days))
		return err_field(e, ERR_BAD_REQUEST, key, "日期格式应为 YYYY-MM-DD");
	*out = date_start_time(days + add_days);
	return 0;
}

/*
 * The filters of GET /api/v1/audit (audit_api.c: the org's rows and the org-less ones, such as
 * sign-ins with unknown names), newest first like the screen. The unary "+"
 * keeps the planner off the (org_id, ts) index: walking the table backwards by id needs no sort,
 * whereas the index would sort every matching row in memory first (temp_store is MEMORY) — an
 * export must stay flat in memory however many rows it writes.
 */
static int get_audit_export(struct req *r, struct err *e)
{
	int64_t from = 0, to = INT64_MAX;
	char name[EXPORT_FILENAME_MAX];
	struct db_stmt *st;

	if (audit_bound(r, "from", 0, 0, &from, e) || audit_bound(r, "to", INT64_MAX, 1, &to, e))
		return -1;
	st =
	    db_prepare(r->db,
	               "SELECT a.id, a.ts, a.actor, coalesce(u.name, ''), a.ip, a.action,"
	               " a.object_type, a.object_id, a.result, a.detail"
	               " FROM audit_log a LEFT JOIN app_user u ON u.id = a.actor_id"
	               " WHERE (+a.org_id = $1 OR +a.org_id = 0) AND ($2 IS NULL OR a.actor = $2)"
	               " AND ($3 IS NULL OR a.action = $3) AND ($4 IS NULL OR a.object_type = $4)"
	               " AND ($5 IS NULL OR a.result LIKE $5 || '%') AND +a.ts >= $6 AND +a.ts < $7"
	               " ORDER BY a.id DESC",
	               e);
	if (st == NULL)
		return -1;
	db_bind_int(st, 1, r->who.org_id);
	db_bind_text(st, 2, req_query(r, "actor"));
	db_bind_text(st, 3, req_query(r, "action"));
	db_bind_text(st, 4, req_query(r, "object_type"));
	db_bind_text(st, 5, req_query(r, "result"));
	db_bind_int(st, 6, from);
	db_bind_int(st, 7, to);
	file_name(name, sizeof name, "审计日志", 0);
	return export_xlsx_query(r, name, "审计日志", audit_cols,
	                         sizeof audit_cols / sizeof audit_cols[0], st, NULL, NULL, e);
}

/* ---- 用户 ---- */

static const struct xlsx_column user_cols[] = {
    {"用户名", XLSX_TEXT, 14},         {"姓名", XLSX_TEXT, 10}, {"部门代码", XLSX_TEXT, 10},
    {"部门", XLSX_TEXT, 16},           {"角色", XLSX_TEXT, 30}, {"状态", XLSX_TEXT, 8},
    {"须修改初始密码", XLSX_TEXT, 14},
};

struct user_row_buf {
	char roles[ROLE_COUNT * 32];
};

/* "clerk,staff" -> "办公室文秘、干警", in the order of the role table. */
static void role_names(const char *csv, char *out, size_t len)
{
	size_t used = 0;

	out[0] = '\0';
	for (int i = 0; csv && i < ROLE_COUNT; i++) {
		const char *code = role_table[i].code, *p = csv;
		size_t n = strlen(code);
		bool has = false;

		while ((p = strstr(p, code)) != NULL) {
			if ((p == csv || p[-1] == ',') && (p[n] == ',' || p[n] == '\0')) {
				has = true;
				break;
			}
			p += n;
		}
		if (has)
			used += (size_t)snprintf(out + used, used < len ? len - used : 0, "%s%s",
			                         used ? "、" : "", role_table[i].name);
	}
}

static int user_row(struct db_stmt *st, struct xlsx_cell *cells, size_t ncols, void *arg,
                    struct err *e)
{
	struct user_row_buf *b = arg;

	for (int i = 0; i < 4; i++)
		cells[i].v.text = db_col_text(st, i);
	role_names(db_col_text(st, 4), b->roles, sizeof b->roles);
	cells[4].v.text = b->roles;
	cells[5].v.text = db_col_int(st, 5) ? "启用" : "停用";
	cells[6].v.text = db_col_int(st, 6) ? "是" : "否";
	return 0;
}

/* The filters of GET /api/v1/users (org_api.c): department_id and q, in directory order. */
static int get_users_export(struct req *r, struct err *e)
{
	const char *q = req_query(r, "q"), *ds = req_query(r, "department_id");
	int64_t dept = 0;
	char name[EXPORT_FILENAME_MAX];
	struct user_row_buf b;
	struct db_stmt *st;

	if (ds && (dept = strtoll(ds, NULL, 10)) <= 0)
		return err_field(e, ERR_BAD_REQUEST, "department_id", "部门参数无效");
	if (q && strlen(q) > FIELD_NAME_MAX)
		return err_field(e, ERR_BAD_REQUEST, "q", "查询词过长");
	st = db_prepare(
	    r->db,
	    "SELECT u.username, u.name, d.code, d.name,"
	    " (SELECT group_concat(role) FROM user_role WHERE user_id = u.id), u.active,"
	    " u.must_change FROM app_user u JOIN department d ON d.id = u.department_id"
	    " WHERE u.org_id = $1 AND ($2 IS NULL OR u.department_id = $2)"
	    " AND ($3 IS NULL OR u.name LIKE '%' || $3 || '%' OR u.username LIKE '%' || $3 || '%')"
	    " ORDER BY d.sort, d.id, u.id",
	    e);
	if (st == NULL)
		return -1;
	db_bind_int(st, 1, r->who.org_id);
	dept ? db_bind_int(st, 2, dept) : db_bind_null(st, 2);
	db_bind_text(st, 3, q);
	file_name(name, sizeof name, "用户列表", 0);
	return export_xlsx_query(r, name, "用户列表", user_cols,
	                         sizeof user_cols / sizeof user_cols[0], st, user_row, &b, e);
}

/* ---- 收文登记簿 ---- */

static const struct xlsx_column incoming_cols[] = {
    {"收文编号", XLSX_TEXT, 18}, {"收文日期", XLSX_DATE, 12}, {"来文单位", XLSX_TEXT, 24},
    {"来文字号", XLSX_TEXT, 20}, {"标题", XLSX_TEXT, 50},     {"文种", XLSX_TEXT, 8},
    {"密级", XLSX_TEXT, 12},     {"紧急程度", XLSX_TEXT, 10}, {"份数", XLSX_INT, 6},
    {"页数", XLSX_INT, 6},       {"办理期限", XLSX_DATE, 12}, {"主办部门", XLSX_TEXT, 16},
    {"状态", XLSX_TEXT, 10},
};

struct doc_row_buf {
	char mark[32];
	char signer[2 * FIELD_NAME_MAX + 16];
};

static const char *doc_type_name(const char *code)
{
	const struct doc_type *t = doc_type_find(code);

	return t ? t->name : code;
}

static const char *urgency_name(const char *code)
{
	int u = urgency_from_code(code);

	return u >= 0 ? urgency_names[u] : code;
}

static void mark_of(const char *code, int64_t years, char out[32])
{
	int s = secrecy_from_code(code);

	secrecy_mark(s >= 0 ? (enum secrecy)s : SECRECY_NONE, (int)years, out);
}

static int date_cell(struct db_stmt *st, int col, struct xlsx_cell *c, struct err *e)
{
	const char *s = db_col_text(st, col);

	if (s == NULL || *s == '\0') {
		c->null = true;
		return 0;
	}
	if (date_parse(s, &c->v.days))
		return err_internal(e, "exports: bad date \"%.20s\"", s);
	return 0;
}

static int incoming_row(struct db_stmt *st, struct xlsx_cell *cells, size_t ncols, void *arg,
                        struct err *e)
{
	struct doc_row_buf *b = arg;
	int state = in_state_from_code(db_col_text(st, 13));

	cells[0].v.text = db_col_text(st, 0);
	if (date_cell(st, 1, &cells[1], e))
		return -1;
	for (int i = 2; i <= 4; i++)
		cells[i].v.text = db_col_text(st, i);
	cells[5].v.text = doc_type_name(db_col_text(st, 5));
	mark_of(db_col_text(st, 6), db_col_int(st, 7), b->mark);
	cells[6].v.text = b->mark;
	cells[7].v.text = urgency_name(db_col_text(st, 8));
	cells[8].v.i = db_col_int(st, 9);
	cells[9].v.i = db_col_int(st, 10);
	if (date_cell(st, 11, &cells[10], e))
		return -1;
	cells[11].null = db_col_is_null(st, 12);
	cells[11].v.text = db_col_text(st, 12);
	cells[12].v.text = state >= 0 ? in_state_names[state] : db_col_text(st, 13);
	return 0;
}

/* The filters of GET /api/v1/incoming (docs_api.c) with its need-to-know. */
static int get_incoming_export(struct req *r, struct err *e)
{
	struct incoming_filter f = {.state = -1, .secrecy = -1};
	struct qbuild q = {.sql = BUF_INIT};
	int64_t year = 0, dept = 0;
	char name[EXPORT_FILENAME_MAX], today[DATE_STR_MAX];
	struct doc_row_buf b;
	struct db_stmt *st;
	int rc = -1;

	if (query_int(r, "year", "年度", YEAR_MIN, YEAR_MAX, &year, e) ||
	    query_int(r, "department_id", "部门", 1, INT64_MAX, &dept, e) ||
	    query_code(r, "state", "状态", in_state_from_code, &f.state, e) ||
	    query_code(r, "secrecy", "密级", secrecy_from_code, &f.secrecy, e) ||
	    query_doc_type(r, &f.doc_type, e))
		return -1;
	date_format(date_today(), today);
	buf_adds(&q.sql, "SELECT d.number, d.received_date, d.from_org, d.from_number, d.title,"
	                 " d.doc_type, d.secrecy, d.secrecy_years, d.urgency, d.copies, d.pages,"
	                 " d.due_date, (SELECT name FROM department WHERE id = d.main_dept_id),"
	                 " d.state FROM incoming_doc d WHERE d.org_id = $1");
	q.n = 1;
	q.type[0] = 'I';
	q.i[0] = r->who.org_id;
	if (year > 0)
		qb_cond(&q, "d.year = $?", 'I', year, NULL);
	if (f.state >= 0)
		qb_cond(&q, "d.state = $?", 's', 0, in_state_codes[f.state]);
	if (f.doc_type)
		qb_cond(&q, "d.doc_type = $?", 's', 0, f.doc_type);
	if (f.secrecy >= 0)
		qb_cond(&q, "d.secrecy = $?", 's', 0, secrecy_codes[f.secrecy]);
	if (dept > 0)
		qb_cond(&q,
		        "d.id IN (SELECT doc_id FROM incoming_assignment WHERE department_id = $?)",
		        'I', dept, NULL);
	if (query_flag(r, "overdue")) {
		qb_cond(&q, "d.due_date < $?", 's', 0, today);
		qb_cond(&q,
		        "d.state IN ('registered', 'reviewed', 'proposed', 'instructed',"
		        " 'handling', 'circulating')",
		        0, 0, NULL);
	}
	qb_visible(&q, &r->who, "incoming", query_flag(r, "mine"));
	st = qb_prepare(&q, r->db, " ORDER BY d.id", e);
	if (st == NULL)
		goto out;
	file_name(name, sizeof name, "收文登记簿", year);
	rc = export_xlsx_query(r, name, "收文登记簿", incoming_cols,
	                       sizeof incoming_cols / sizeof incoming_cols[0], st, incoming_row, &b,
	                       e);
out:
	buf_free(&q.sql);
	return rc;
}

/* ---- 发文登记簿 ---- */

static const struct xlsx_column outgoing_cols[] = {
    {"发文字号", XLSX_TEXT, 20}, {"标题", XLSX_TEXT, 50},     {"文种", XLSX_TEXT, 8},
    {"行文方向", XLSX_TEXT, 8},  {"密级", XLSX_TEXT, 12},     {"紧急程度", XLSX_TEXT, 10},
    {"主办部门", XLSX_TEXT, 16}, {"拟稿人", XLSX_TEXT, 10},   {"签发人", XLSX_TEXT, 16},
    {"成文日期", XLSX_DATE, 12}, {"印发日期", XLSX_DATE, 12}, {"印制份数", XLSX_INT, 8},
    {"主送", XLSX_TEXT, 30},     {"抄送", XLSX_TEXT, 30},     {"状态", XLSX_TEXT, 12},
};

static int outgoing_row(struct db_stmt *st, struct xlsx_cell *cells, size_t ncols, void *arg,
                        struct err *e)
{
	struct doc_row_buf *b = arg;
	int dir = direction_from_code(db_col_text(st, 3));
	int state = out_state_from_code(db_col_text(st, 16));

	cells[0].null = db_col_is_null(st, 0);
	cells[0].v.text = db_col_text(st, 0);
	cells[1].v.text = db_col_text(st, 1);
	cells[2].v.text = doc_type_name(db_col_text(st, 2));
	cells[3].v.text = dir >= 0 ? direction_names[dir] : db_col_text(st, 3);
	mark_of(db_col_text(st, 4), db_col_int(st, 5), b->mark);
	cells[4].v.text = b->mark;
	cells[5].v.text = urgency_name(db_col_text(st, 6));
	cells[6].v.text = db_col_text(st, 7);
	cells[7].v.text = db_col_text(st, 8);
	if (db_col_is_null(st, 9)) {
		cells[8].null = true;
	} else {
		if (db_col_text(st, 10))
			snprintf(b->signer, sizeof b->signer, "%s（代%s）", db_col_text(st, 9),
			         db_col_text(st, 10));
		else
			snprintf(b->signer, sizeof b->signer, "%s", db_col_text(st, 9));
		cells[8].v.text = b->signer;
	}
	if (date_cell(st, 11, &cells[9], e) || date_cell(st, 12, &cells[10], e))
		return -1;
	cells[11].v.i = db_col_int(st, 13);
	cells[12].v.text = db_col_text(st, 14);
	cells[13].v.text = db_col_text(st, 15);
	cells[14].v.text = state >= 0 ? out_state_names[state] : db_col_text(st, 16);
	return 0;
}

/* The filters of GET /api/v1/outgoing (outgoing_api.c) with its need-to-know. */
static int get_outgoing_export(struct req *r, struct err *e)
{
	int state = -1, secrecy = -1, direction = -1;
	const char *doc_type = NULL;
	struct qbuild q = {.sql = BUF_INIT};
	int64_t year = 0, dept = 0;
	char name[EXPORT_FILENAME_MAX];
	struct doc_row_buf b;
	struct db_stmt *st;
	int rc = -1;

	if (query_int(r, "year", "年度", YEAR_MIN, YEAR_MAX, &year, e) ||
	    query_int(r, "department_id", "部门", 1, INT64_MAX, &dept, e) ||
	    query_code(r, "state", "状态", out_state_from_code, &state, e) ||
	    query_code(r, "secrecy", "密级", secrecy_from_code, &secrecy, e) ||
	    query_code(r, "direction", "行文方向", direction_from_code, &direction, e) ||
	    query_doc_type(r, &doc_type, e))
		return -1;
	buf_adds(&q.sql,
	         "SELECT d.number, d.title, d.doc_type, d.direction, d.secrecy, d.secrecy_years,"
	         " d.urgency, (SELECT name FROM department WHERE id = d.dept_id),"
	         " (SELECT name FROM app_user WHERE id = d.drafter_id), d.signer_name,"
	         " d.signer_behalf_name, d.sign_date, d.printed_date, d.print_copies, d.main_to,"
	         " d.copy_to, d.state FROM outgoing_doc d WHERE d.org_id = $1");
	q.n = 1;
	q.type[0] = 'I';
	q.i[0] = r->who.org_id;
	if (year > 0)
		qb_cond(&q, "d.year = $?", 'I', year, NULL);
	if (state >= 0)
		qb_cond(&q, "d.state = $?", 's', 0, out_state_codes[state]);
	if (doc_type)
		qb_cond(&q, "d.doc_type = $?", 's', 0, doc_type);
	if (secrecy >= 0)
		qb_cond(&q, "d.secrecy = $?", 's', 0, secrecy_codes[secrecy]);
	if (direction >= 0)
		qb_cond(&q, "d.direction = $?", 's', 0, direction_codes[direction]);
	if (dept > 0)
		qb_cond(&q, "d.dept_id = $?", 'I', dept, NULL);
	qb_visible(&q, &r->who, "outgoing", query_flag(r, "mine"));
	st = qb_prepare(&q, r->db, " ORDER BY d.id", e);
	if (st == NULL)
		goto out;
	file_name(name, sizeof name, "发文登记簿", year);
	rc = export_xlsx_query(r, name, "发文登记簿", outgoing_cols,
	                       sizeof outgoing_cols / sizeof outgoing_cols[0], st, outgoing_row, &b,
	                       e);
out:
	buf_free(&q.sql);
	return rc;
}

/* ---- shared ---- */

void exports_disposition(struct req *r, bool inline_view, const char *filename)
{
	static const char keep[] = "-._~";
	struct buf cd = BUF_INIT;

	buf_adds(&cd, inline_view ? "inline" : "attachment");
	buf_adds(&cd, "; filename=\"download\"; filename*=UTF-8''");
	for (const unsigned char *p = (const unsigned char *)filename; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr(keep, *p))
			buf_addc(&cd, (char)*p);
		else
			buf_addf(&cd, "%%%02X", *p);
	}
	req_set_header(r, "Content-Disposition", cd.data);
	buf_free(&cd);
}

static int exports_start(const char *db_uri, struct err *e)
{
	return exports_fonts_check(e);
}

/*
 * Business content (registers, documents, feeds) is for business roles only; the audit log is the
 * auditor's and the user list the system administrator's, as on their screens. The feed itself is
 * public: its secret is the credential.
 */
static const struct route exports_routes[] = {
    {"GET", "/api/v1/audit/export", get_audit_export, ROUTE_AUDIT_READ, ROLE_AUDITOR, "audit.export"},
    {"GET", "/api/v1/users/export", get_users_export, ROUTE_AUDIT_READ, ROLE_SYSADMIN, "user.export"},
    {"GET", "/api/v1/incoming/export", get_incoming_export, ROUTE_AUDIT_READ, ROLES_BUSINESS, "incoming.export"},
    {"GET", "/api/v1/outgoing/export", get_outgoing_export, ROUTE_AUDIT_READ, ROLES_BUSINESS, "outgoing.export"},
    {"GET", "/api/v1/outgoing/{id}/pdf", pdf_api_outgoing, ROUTE_AUDIT_READ, ROLES_BUSINESS, "outgoing.print"},
    {"GET", "/api/v1/outgoing/{id}/draft.pdf", pdf_api_outgoing_draft, 0, ROLES_BUSINESS, NULL},
    {"GET", "/api/v1/incoming/{id}/sheet.pdf", pdf_api_incoming_sheet, 0, ROLES_BUSINESS, NULL},
    {"GET", "/api/v1/workflows/instances/{id}/sheet.pdf", pdf_api_approval_sheet, 0, ROLES_BUSINESS,
     NULL},
    {"POST", "/api/v1/calendar-feeds", feed_api_create, 0, ROLES_BUSINESS, "calendar_feed.create"},
    {"GET", "/api/v1/calendar-feeds", feed_api_list, 0, ROLES_BUSINESS, NULL},
    {"DELETE", "/api/v1/calendar-feeds/{id}", feed_api_revoke, 0, ROLES_BUSINESS,
     "calendar_feed.revoke"},
    {"GET", "/api/v1/calendar/{secret}.ics", feed_api_ics, ROUTE_PUBLIC, 0, NULL},
};

const struct module exports_module = {
    .name = "exports",
    .routes = exports_routes,
    .route_count = sizeof exports_routes / sizeof exports_routes[0],
    .start = exports_start,
    .stop = exports_fonts_shutdown,
};
